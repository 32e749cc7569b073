#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "toy_codec.h"

void tenv_open(struct tenv *t, const char *dir)
{
	struct eng_opts o = {0};

	memset(t, 0, sizeof(*t));
	if (dir) {
		snprintf(t->dir, sizeof(t->dir), "%s", dir);
	} else {
		snprintf(t->dir, sizeof(t->dir), "/tmp/ikesh-unit-XXXXXX");
		assert_non_null(mkdtemp(t->dir));
	}
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	snprintf(t->run, sizeof(t->run), "%s/run", t->dir);
	o.state_dir = t->state;
	o.run_dir = t->run;
	o.codec = &toy_codec;
	assert_int_equal(eng_open(&o, &t->eng, &t->open_diag), 0);
}

void tenv_close_engine(struct tenv *t)
{
	eng_close(t->eng);
	t->eng = NULL;
	eng_diag_free(&t->open_diag);
}

void tenv_close(struct tenv *t)
{
	char cmd[200];

	tenv_close_engine(t);
	if (strncmp(t->dir, "/tmp/ikesh-unit-", 16) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", t->dir);
	}
}

struct eng_sess *tenv_admin(struct tenv *t, const char *user)
{
	struct eng_sess *s = NULL;

	assert_int_equal(eng_sess_open(t->eng, user, ENG_ROLE_ADMIN, &s), 0);
	assert_int_equal(eng_cand_begin(s), 0);
	return s;
}

void tunnel_init(struct eng_tunnel *t, const char *name, unsigned n)
{
	char addr[32];

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(addr, sizeof(addr), "192.0.2.%u", n % 250 + 1);
	t->n_remote = 1;
	t->remote[0].kind = ENG_EP_ADDR;
	assert_int_equal(eng_addr_parse(addr, &t->remote[0].addr), 0);
	t->auth = ENG_AUTH_PSK;
	t->psk = strdup("s3cret-psk");
}

void put_tunnel(struct eng_sess *s, struct eng_tunnel *t)
{
	struct eng_diag d = {0};
	int rc = eng_obj_put(s, ENG_OBJ_TUNNEL, t, &d);

	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.lines[i]);
	assert_int_equal(rc, 0);
	eng_diag_free(&d);
	eng_obj_clear(ENG_OBJ_TUNNEL, t);
}

void put_hostname(struct eng_sess *s, const char *name)
{
	struct eng_global g = {0};

	snprintf(g.hostname, sizeof(g.hostname), "%s", name);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_GLOBAL, &g, NULL), 0);
}

unsigned commit_ok(struct eng_sess *s, const char *comment)
{
	struct eng_commit_req req = {.comment = comment};
	struct eng_diag d = {0};
	uint32_t id = 0;
	int rc = eng_commit(s, &req, &d, &id);

	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.lines[i]);
	assert_int_equal(rc, 0);
	eng_diag_free(&d);
	return id;
}

int commit_check(struct eng_sess *s, struct eng_diag *d)
{
	struct eng_commit_req req = {.check_only = true};

	return eng_commit(s, &req, d, NULL);
}

char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

void file_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

bool diag_has(const struct eng_diag *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->lines[i], needle))
			return true;
	return false;
}
