/*
 * test_batch.c - batched edits through the daemon's protocol: a local
 * engine served on a socket by a thread (the daemon's side), the remote
 * engine of engine.h on the other end.  Held edits are checked when made,
 * seen by reads, sent in few requests, and a refusal names its tag.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "toy_codec.h"

struct server {
	struct tenv t;
	int lfd, wake[2];
	pthread_t thread;
	atomic_ulong served;   /* requests answered */
	atomic_bool drop_cand; /* discard the session's candidate before serving */
};

static void pump(struct server *s, int fd, struct eng_ctl *c)
{
	char buf[65536];

	for (;;) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
		const void *out;
		size_t n = eng_ctl_want(c);
		ssize_t got = 0;

		if (n && poll(p, 2, -1) < 0)
			return;
		if (p[1].revents)
			return;
		if (n) {
			got = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
			if (got <= 0)
				return;
		}
		if (atomic_exchange(&s->drop_cand, false))
			eng_cand_discard(eng_ctl_sess(c));
		if (eng_ctl_input(c, got ? buf : NULL, (size_t)got) < 0)
			return;
		atomic_store(&s->served, eng_ctl_served(c));
		while ((n = eng_ctl_pending(c, &out)) > 0) {
			ssize_t w = write(fd, out, n);

			if (w <= 0)
				return;
			eng_ctl_sent(c, (size_t)w);
		}
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	struct eng_ctl *c;

	if (fd < 0)
		return NULL;
	if (eng_ctl_new(s->t.eng, "admin", ENG_ROLE_ADMIN, &c) == 0) {
		pump(s, fd, c);
		eng_ctl_free(c);
	}
	close(fd);
	return NULL;
}

static struct eng *server_start(struct server *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct eng_opts o = {0};
	struct eng *remote = NULL;

	memset(s, 0, sizeof(*s));
	tenv_open(&s->t, NULL);
	assert_int_equal(pipe(s->wake), 0);
	s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_true(strlen(s->t.run) + sizeof(ENG_CTL_SOCKET) + 1 <= sizeof(sa.sun_path));
	memcpy(sa.sun_path, s->t.run, strlen(s->t.run));
	sa.sun_path[strlen(s->t.run)] = '/';
	memcpy(sa.sun_path + strlen(s->t.run) + 1, ENG_CTL_SOCKET, sizeof(ENG_CTL_SOCKET));
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 1), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	o.state_dir = s->t.state;
	o.run_dir = s->t.run;
	o.codec = &toy_codec;
	o.daemon = true;
	assert_int_equal(eng_open(&o, &remote, NULL), 0);
	assert_true(eng_is_remote(remote));
	return remote;
}

static void server_stop(struct server *s, struct eng *remote)
{
	eng_close(remote);
	assert_int_equal(write(s->wake[1], "x", 1), 1);
	pthread_join(s->thread, NULL);
	close(s->lfd);
	close(s->wake[0]);
	close(s->wake[1]);
	tenv_close(&s->t);
}

static struct eng_sess *admin(struct eng *remote)
{
	struct eng_sess *es;

	assert_int_equal(eng_sess_open(remote, "admin", ENG_ROLE_ADMIN, &es), 0);
	assert_int_equal(eng_sess_role(es), ENG_ROLE_ADMIN);
	return es;
}

static void put_named(struct eng_sess *es, unsigned i, int want)
{
	struct eng_tunnel t;
	struct eng_diag d = {0};
	char name[32];

	snprintf(name, sizeof(name), "T%04u", i);
	tunnel_init(&t, name, i % 200 + 1);
	assert_int_equal(eng_obj_put(es, ENG_OBJ_TUNNEL, &t, &d), want);
	eng_diag_free(&d);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
}

static unsigned long served(struct server *s)
{
	return atomic_load(&s->served);
}

/* 300 tunnels, each put three times, one deleted: a handful of requests,
 * and the candidate as if every edit had gone on its own. */
static void test_batch_few_requests(void **state)
{
	struct server s;
	struct eng *remote = server_start(&s);
	struct eng_sess *es = admin(remote);
	struct eng_tunnel got;
	struct eng_keys k;
	unsigned long before;

	assert_int_equal(eng_cand_begin(es), 0);
	assert_int_equal(eng_batch_begin(es), 0);
	before = served(&s);
	for (unsigned i = 0; i < 300; i++) {
		eng_batch_tag(es, i + 1);
		for (int rep = 0; rep < 3; rep++)
			put_named(es, i, 0);
	}
	/* reads of the candidate see what is held */
	assert_int_equal(eng_obj_get(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "T0007", &got), 0);
	assert_string_equal(got.name, "T0007");
	eng_obj_clear(ENG_OBJ_TUNNEL, &got);
	assert_int_equal(eng_obj_del(es, ENG_OBJ_TUNNEL, "T0007"), 0);
	assert_int_equal(eng_obj_get(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "T0007", &got), -ENOENT);
	assert_int_equal(eng_obj_del(es, ENG_OBJ_TUNNEL, "T0007"), -ENOENT);
	assert_int_equal(eng_obj_get(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "NONE", &got), -ENOENT);
	/* 900 puts, 5 gets, 2 deletes: a few questions, nothing sent yet */
	assert_true(served(&s) - before <= 4);
	assert_int_equal(eng_batch_end(es, NULL, NULL), 0);
	/* one CTL_BATCH request per 256 KiB of edits */
	assert_true(served(&s) - before <= 4 + 3);
	assert_int_equal(eng_keys(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, &k), 0);
	assert_int_equal(k.n, 299);
	eng_keys_free(&k);
	assert_int_equal(eng_obj_get(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "T0299", &got), 0);
	assert_string_equal(got.psk, "s3cret-psk");
	eng_obj_clear(ENG_OBJ_TUNNEL, &got);
	commit_ok(es, NULL);
	eng_sess_close(es);
	server_stop(&s, remote);
}

/* A bad object is refused when put, with its reason, and holds nothing;
 * an edit without a candidate is refused at once. */
static void test_batch_checks_at_once(void **state)
{
	struct server s;
	struct eng *remote = server_start(&s);
	struct eng_sess *es = admin(remote);
	struct eng_tunnel t;
	struct eng_diag d = {0};
	struct eng_keys k;

	assert_int_equal(eng_batch_begin(es), 0);
	put_named(es, 1, -ENOTCONN);
	assert_int_equal(eng_cand_begin(es), 0);
	put_named(es, 1, 0);
	tunnel_init(&t, "BAD", 3);
	t.n_remote = ENG_PEER_ADDRS_MAX + 1;
	assert_int_equal(eng_obj_put(es, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	assert_true(d.n >= 1);
	eng_diag_free(&d);
	t.n_remote = 1;
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_batch_end(es, &d, NULL), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(eng_keys(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, &k), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.keys[0], "T0001");
	eng_keys_free(&k);
	eng_sess_close(es);
	server_stop(&s, remote);
}

/* Edits the daemon refuses as they arrive: the first refused one's tag
 * comes back, nothing after it is applied, and the batch stays failed. */
static void test_batch_refused_names_tag(void **state)
{
	struct server s;
	struct eng *remote = server_start(&s);
	struct eng_sess *es = admin(remote);
	struct eng_diag d = {0};
	unsigned tag = 0;

	assert_int_equal(eng_cand_begin(es), 0);
	assert_int_equal(eng_batch_begin(es), 0);
	eng_batch_tag(es, 7);
	put_named(es, 1, 0);
	eng_batch_tag(es, 9);
	put_named(es, 2, 0);
	atomic_store(&s.drop_cand, true); /* the candidate goes behind the batch */
	assert_false(eng_cand_dirty(es)); /* any other call sends the held edits */
	put_named(es, 3, -ENOTCONN);
	assert_int_equal(eng_batch_end(es, &d, &tag), -ENOTCONN);
	assert_int_equal(tag, 7);
	eng_diag_free(&d);
	/* after the batch, calls are plain again */
	assert_int_equal(eng_batch_end(es, &d, &tag), 0);
	assert_int_equal(tag, 0);
	eng_sess_close(es);
	server_stop(&s, remote);
}

/* In-process the calls do nothing and edits apply at once. */
static void test_batch_local(void **state)
{
	struct tenv t;
	struct eng_sess *es;
	struct eng_keys k;

	tenv_open(&t, NULL);
	es = tenv_admin(&t, "admin");
	assert_int_equal(eng_cand_begin(es), 0);
	assert_int_equal(eng_batch_begin(es), 0);
	put_named(es, 5, 0);
	assert_int_equal(eng_keys(es, ENG_CANDIDATE, ENG_OBJ_TUNNEL, &k), 0);
	assert_int_equal(k.n, 1);
	eng_keys_free(&k);
	assert_int_equal(eng_batch_end(es, NULL, NULL), 0);
	eng_sess_close(es);
	tenv_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batch_few_requests),
	    cmocka_unit_test(test_batch_checks_at_once),
	    cmocka_unit_test(test_batch_refused_names_tag),
	    cmocka_unit_test(test_batch_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
