#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grammar_util.h"

static void append(char **buf, size_t *len, const char *line)
{
	size_t l = strlen(line);
	char *n = realloc(*buf, *len + l + 2);

	if (!n)
		abort();
	memcpy(n + *len, line, l);
	n[*len + l] = '\n';
	n[*len + l + 1] = '\0';
	*buf = n;
	*len += l + 1;
}

static int g_out(void *arg, const char *line)
{
	struct gsess *g = arg;

	append(&g->out, &g->out_len, line);
	return 0;
}

static void g_err(void *arg, const char *line)
{
	struct gsess *g = arg;

	append(&g->err, &g->err_len, line);
}

static void g_log(void *arg, enum eng_log_level level, const char *msg)
{
	struct gsess *g = arg;
	char line[600];

	snprintf(line, sizeof(line), "%d %s", (int)level, msg);
	append(&g->log, &g->log_len, line);
}

static int g_ask(void *arg, const char *q, char *buf, size_t len)
{
	return -1;
}

int gsess_open(struct gsess *g, const char *dir, enum eng_role role)
{
	return gsess_open_rt(g, dir, role, NULL);
}

int gsess_open_rt(struct gsess *g, const char *dir, enum eng_role role,
		  const struct eng_runtime_opts *rt)
{
	struct eng_opts o = {0};
	struct cmd_io io = {.out = g_out, .err = g_err, .ask = g_ask};
	int rc;

	memset(g, 0, sizeof(*g));
	if (dir) {
		snprintf(g->dir, sizeof(g->dir), "%s", dir);
	} else {
		snprintf(g->dir, sizeof(g->dir), "/tmp/ikesh-test-XXXXXX");
		if (!mkdtemp(g->dir))
			return -errno;
	}
	snprintf(g->state, sizeof(g->state), "%s/state", g->dir);
	snprintf(g->run, sizeof(g->run), "%s/run", g->dir);
	o.state_dir = g->state;
	o.run_dir = g->run;
	o.codec = cmd_codec();
	o.runtime = rt;
	o.log = g_log;
	o.log_arg = g;
	rc = eng_open(&o, &g->eng, &g->open_diag);
	if (rc)
		return rc;
	rc = eng_sess_open(g->eng, role == ENG_ROLE_ADMIN ? "admin" : "oper", role, &g->es);
	if (rc)
		return rc;
	g->term.length = 0;
	g->term.width = 80;
	io.arg = g;
	io.term = &g->term;
	return cmd_sess_new(g->es, &io, &g->cs);
}

void gsess_close(struct gsess *g, bool remove_dir)
{
	char cmd[400];

	cmd_sess_free(g->cs);
	if (g->es)
		eng_sess_close(g->es);
	if (g->eng)
		eng_close(g->eng);
	eng_diag_free(&g->open_diag);
	free(g->out);
	free(g->err);
	free(g->log);
	if (remove_dir && strncmp(g->dir, "/tmp/ikesh-test-", 16) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", g->dir);
	}
	memset(g, 0, sizeof(*g));
}

void gs_reset(struct gsess *g)
{
	free(g->out);
	free(g->err);
	g->out = g->err = NULL;
	g->out_len = g->err_len = 0;
}

enum cmd_status gs_run(struct gsess *g, const char *line, struct cmd_result *res)
{
	struct cmd_result local;

	if (!res)
		res = &local;
	cmd_exec(g->cs, line, res);
	if (res->status != CMD_OK && res->msg[0])
		append(&g->err, &g->err_len, res->msg);
	return res->status;
}

enum cmd_status gs_script(struct gsess *g, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	enum cmd_status st = CMD_OK;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		st = gs_run(g, l, NULL);
		if (st != CMD_OK)
			break;
	}
	free(copy);
	return st;
}

int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

char *read_file(const char *path)
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
