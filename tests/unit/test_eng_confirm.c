/*
 * test_eng_confirm.c - `commit confirmed`: the timer, confirming by
 * `confirm` or by another commit, the automatic revert (logged), and a
 * deadline that ran out while the engine was down.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eng_test.h"
#include "toy_codec.h"

#define T0 1764600000000LL

struct logged {
	int n;
	char last[256];
	enum eng_log_level level;
};

static void log_cb(void *arg, enum eng_log_level level, const char *msg)
{
	struct logged *l = arg;

	l->n++;
	l->level = level;
	snprintf(l->last, sizeof(l->last), "%s", msg);
}

static struct logged logs;

static void open_logged(struct tenv *e, const char *dir)
{
	struct eng_opts o = {0};

	memset(e, 0, sizeof(*e));
	if (dir) {
		snprintf(e->dir, sizeof(e->dir), "%s", dir);
	} else {
		snprintf(e->dir, sizeof(e->dir), "/tmp/ikesh-unit-XXXXXX");
		assert_non_null(mkdtemp(e->dir));
	}
	snprintf(e->state, sizeof(e->state), "%s/state", e->dir);
	snprintf(e->run, sizeof(e->run), "%s/run", e->dir);
	o.state_dir = e->state;
	o.run_dir = e->run;
	o.codec = &toy_codec;
	o.log = log_cb;
	o.log_arg = &logs;
	assert_int_equal(eng_open(&o, &e->eng, &e->open_diag), 0);
}

static char *hostname_of(struct tenv *e)
{
	static char h[ENG_HOSTNAME_MAX];

	eng_global_hostname(e->eng, h);
	return h;
}

static uint32_t commit_confirmed(struct eng_sess *s, unsigned minutes)
{
	struct eng_commit_req req = {.confirm_minutes = minutes};
	uint32_t id = 0;

	assert_int_equal(eng_commit(s, &req, NULL, &id), 0);
	return id;
}

static int setup(void **state)
{
	memset(&logs, 0, sizeof(logs));
	eng_test_set_clock(T0);
	return 0;
}

static int teardown(void **state)
{
	eng_test_set_clock(0);
	return 0;
}

static void test_revert_when_not_confirmed(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_commit_info *list;
	size_t n;
	char *text;

	open_logged(&e, NULL);
	s = tenv_admin(&e, "alice");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	assert_int_equal(eng_confirm_pending(e.eng), -1);
	put_hostname(s, "good");
	commit_ok(s, NULL);
	put_hostname(s, "risky");
	assert_int_equal(commit_confirmed(s, 5), 2);
	assert_string_equal(hostname_of(&e), "risky");
	assert_int_equal(eng_next_timeout_ms(e.eng), 5 * 60 * 1000);
	assert_int_equal(eng_confirm_pending(e.eng), 300);
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_true(list[0].confirmed_pending);
	assert_false(list[1].confirmed_pending);
	free(list);
	/* one second early: nothing happens */
	eng_test_set_clock(T0 + 299 * 1000);
	assert_int_equal(eng_next_timeout_ms(e.eng), 1000);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "risky");
	/* due */
	eng_test_set_clock(T0 + 300 * 1000);
	assert_int_equal(eng_next_timeout_ms(e.eng), 0);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "good");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	assert_int_equal(eng_confirm_pending(e.eng), -1);
	assert_int_equal(logs.level, ENG_LOG_WARNING);
	assert_non_null(strstr(logs.last, "commit 2 was not confirmed in time"));
	assert_int_equal(eng_log_text(e.eng, &text), 0);
	assert_non_null(strstr(text, "WARNING commit 2 was not confirmed in time: reverted to the "
				     "configuration of commit 1 (now commit 3)"));
	free(text);
	/* the revert is a commit of its own */
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].user, "system");
	assert_string_equal(list[0].comment, "revert of unconfirmed commit 2");
	free(list);
	assert_int_equal(eng_confirm(s), -ENOENT);
	eng_sess_close(s);
	tenv_close(&e);
}

static void test_confirmed_in_time(void **state)
{
	struct tenv e;
	struct eng_sess *s;

	open_logged(&e, NULL);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "one");
	commit_confirmed(s, 1);
	assert_int_equal(eng_confirm(s), 0);
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	eng_test_set_clock(T0 + 3600 * 1000);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "one");
	/* a plain commit confirms a pending one */
	put_hostname(s, "two");
	commit_confirmed(s, 1);
	put_hostname(s, "three");
	commit_ok(s, NULL);
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	eng_test_set_clock(T0 + 7200 * 1000);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "three");
	/* even one that changes nothing */
	commit_confirmed(s, 0 + 2);
	assert_int_equal(eng_next_timeout_ms(e.eng), -1); /* nothing changed: nothing pending */
	put_hostname(s, "four");
	commit_confirmed(s, 2);
	assert_true(eng_next_timeout_ms(e.eng) > 0);
	struct eng_commit_req req = {0};
	uint32_t id = 7;
	assert_int_equal(eng_commit(s, &req, NULL, &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	eng_sess_close(s);
	tenv_close(&e);
}

/* Sessions working while a revert happens merge with it like any commit. */
static void test_revert_under_open_candidate(void **state)
{
	struct tenv e;
	struct eng_sess *a, *b;
	struct eng_tunnel t;

	open_logged(&e, NULL);
	a = tenv_admin(&e, "alice");
	put_hostname(a, "base");
	commit_ok(a, NULL);
	put_hostname(a, "trial");
	commit_confirmed(a, 1);
	b = tenv_admin(&e, "bob");
	tunnel_init(&t, "B", 1);
	put_tunnel(b, &t);
	eng_test_set_clock(T0 + 61 * 1000);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "base");
	commit_ok(b, NULL);
	assert_string_equal(hostname_of(&e), "base");
	eng_sess_close(a);
	eng_sess_close(b);
	tenv_close(&e);
}

static void test_deadline_passed_while_down(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64];

	open_logged(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "before");
	commit_ok(s, NULL);
	put_hostname(s, "after");
	commit_confirmed(s, 10);
	eng_sess_close(s);
	tenv_close_engine(&e);

	/* back up before the deadline: still pending, same deadline */
	eng_test_set_clock(T0 + 60 * 1000);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "after");
	assert_int_equal(eng_confirm_pending(e.eng), 540);
	tenv_close_engine(&e);

	/* back up after it: reverted during open, from history */
	eng_test_set_clock(T0 + 601 * 1000);
	open_logged(&e, dir);
	assert_int_equal(e.open_diag.n, 0);
	assert_string_equal(hostname_of(&e), "before");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	assert_non_null(strstr(logs.last, "commit 2 was not confirmed in time"));
	tenv_close_engine(&e);

	/* the revert was durable: nothing pending on the next start */
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "before");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	tenv_close(&e);
}

/* What ran before the confirmed commit came from startup-config, not from
 * a commit: the revert after a restart goes back to it all the same. */
static void test_revert_to_startup_loaded(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64], path[256];

	open_logged(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "committed");
	commit_ok(s, NULL);
	put_hostname(s, "saved");
	commit_ok(s, NULL);
	assert_int_equal(eng_startup_save(s, NULL), 0);
	put_hostname(s, "later");
	commit_ok(s, NULL);
	eng_sess_close(s);
	tenv_close_engine(&e);
	/* reboot: startup-config runs, unlike the newest commit */
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	assert_int_equal(unlink(path), 0);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "saved");
	s = tenv_admin(&e, "alice");
	put_hostname(s, "trial");
	commit_confirmed(s, 1);
	eng_sess_close(s);
	tenv_close_engine(&e);
	/* restart (same boot) after the deadline */
	eng_test_set_clock(T0 + 61 * 1000);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "saved"); /* not "later", the newest commit */
	tenv_close(&e);
}

/* A reboot before the deadline: startup-config runs, the unconfirmed
 * commit is not in effect, and nothing is left pending. */
static void test_reboot_drops_pending(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64], path[256];

	open_logged(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "saved");
	commit_ok(s, NULL);
	assert_int_equal(eng_startup_save(s, NULL), 0);
	put_hostname(s, "trial");
	commit_confirmed(s, 10);
	eng_sess_close(s);
	tenv_close_engine(&e);
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	assert_int_equal(unlink(path), 0);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "saved");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	assert_non_null(strstr(logs.last, "commit 2 was not confirmed; this boot started from "
					  "startup-config without it"));
	snprintf(path, sizeof(path), "%s/confirm-pending", e.state);
	assert_int_equal(access(path, F_OK), -1);
	tenv_close(&e);
}

/* The first commit ever, confirmed and not kept: back to nothing. */
static void test_revert_to_empty(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64];

	open_logged(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "first");
	commit_confirmed(s, 1);
	eng_sess_close(s);
	tenv_close_engine(&e);
	eng_test_set_clock(T0 + 120 * 1000);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), ENG_DEFAULT_HOSTNAME);
	tenv_close(&e);
}

/* `write memory` while a confirmed commit waits saves the configuration
 * before it (and says so): after the automatic revert, a reboot comes up
 * without the reverted change.  The same after a restart, when the
 * configuration before it is read back from disk. */
static void test_write_memory_while_pending(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_diag d = {0};
	char dir[64], path[256], *text;

	open_logged(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "confirmed");
	commit_ok(s, NULL);
	put_hostname(s, "unconfirmed");
	assert_int_equal(commit_confirmed(s, 1), 2);
	assert_int_equal(eng_startup_save(s, &d), 0);
	assert_true(diag_has(&d, "commit 2 is not confirmed: startup-config holds the "
				 "configuration before it"));
	eng_diag_free(&d);
	assert_non_null(strstr(logs.last, "without unconfirmed commit 2"));
	snprintf(path, sizeof(path), "%s/startup-config", e.state);
	text = file_text(path);
	assert_non_null(strstr(text, "hostname confirmed"));
	assert_null(strstr(text, "unconfirmed"));
	free(text);
	/* the revert comes, then a reboot: startup-config, without commit 2 */
	eng_test_set_clock(T0 + 61 * 1000);
	eng_tick(e.eng);
	assert_string_equal(hostname_of(&e), "confirmed");
	eng_sess_close(s);
	tenv_close_engine(&e);
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	assert_int_equal(unlink(path), 0);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "confirmed");

	/* pending across a restart: the configuration before it from disk */
	s = tenv_admin(&e, "alice");
	put_hostname(s, "trial");
	commit_confirmed(s, 5);
	eng_sess_close(s);
	tenv_close_engine(&e);
	open_logged(&e, dir);
	assert_string_equal(hostname_of(&e), "trial");
	s = tenv_admin(&e, "alice");
	assert_int_equal(eng_startup_save(s, &d), 0);
	assert_true(diag_has(&d, "is not confirmed"));
	eng_diag_free(&d);
	snprintf(path, sizeof(path), "%s/startup-config", e.state);
	text = file_text(path);
	assert_non_null(strstr(text, "hostname confirmed"));
	assert_null(strstr(text, "trial"));
	free(text);
	/* once confirmed, write memory saves running again, with no note */
	assert_int_equal(eng_confirm(s), 0);
	assert_int_equal(eng_startup_save(s, &d), 0);
	assert_int_equal(d.n, 0);
	text = file_text(path);
	assert_non_null(strstr(text, "hostname trial"));
	free(text);
	eng_sess_close(s);
	tenv_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_revert_when_not_confirmed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_confirmed_in_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revert_under_open_candidate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_passed_while_down, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revert_to_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_revert_to_startup_loaded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reboot_drops_pending, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_memory_while_pending, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
