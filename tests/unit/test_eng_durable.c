/*
 * test_eng_durable.c - what survives a restart or a crash: running
 * configuration, startup-config fallback, history and its ids, atomic
 * replacement when a write is cut short, and broken files refused whole.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "eng_test.h"
#include "toy_codec.h"

static bool has_tunnel(struct eng_sess *s, const char *name)
{
	struct eng_tunnel t;

	if (eng_obj_get(s, ENG_RUNNING, ENG_OBJ_TUNNEL, name, &t))
		return false;
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	return true;
}

static void add_tunnel_commit(struct eng_sess *s, const char *name, const char *comment)
{
	struct eng_tunnel t;

	tunnel_init(&t, name, 1);
	put_tunnel(s, &t);
	commit_ok(s, comment);
}

static size_t count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void test_restart_resumes_running(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64], path[256], *text;

	tenv_open(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	add_tunnel_commit(s, "HQ", "first");
	put_hostname(s, "gw1");
	commit_ok(s, NULL);
	eng_sess_close(s);
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	text = file_text(path);
	assert_non_null(text);
	assert_non_null(strstr(text, " psk s3cret-psk\n")); /* the file must reload */
	free(text);
	tenv_close_engine(&e);

	tenv_open(&e, dir);
	assert_int_equal(e.open_diag.n, 0);
	s = tenv_admin(&e, "bob");
	assert_true(has_tunnel(s, "HQ"));
	struct eng_tunnel t;
	assert_int_equal(eng_obj_get(s, ENG_RUNNING, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	assert_string_equal(t.psk, "s3cret-psk");
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	char host[ENG_HOSTNAME_MAX];
	eng_global_hostname(e.eng, host);
	assert_string_equal(host, "gw1");
	/* history survives, ids go on increasing */
	struct eng_commit_info *list;
	size_t n;
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, 2);
	assert_int_equal(list[1].id, 1);
	assert_string_equal(list[1].user, "alice");
	assert_string_equal(list[1].comment, "first");
	free(list);
	add_tunnel_commit(s, "BRANCH", NULL);
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(list[0].id, 3);
	assert_string_equal(list[0].user, "bob");
	free(list);
	eng_sess_close(s);
	tenv_close(&e);
}

static void test_startup_fallback(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char dir[64], path[256], *text;

	tenv_open(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	add_tunnel_commit(s, "SAVED", NULL);
	assert_int_equal(eng_config_text(s, ENG_STARTUP, 0, &text), -ENOENT);
	assert_int_equal(eng_startup_save(s, NULL), 0);
	assert_int_equal(eng_config_text(s, ENG_STARTUP, 0, &text), 0);
	assert_non_null(strstr(text, "tunnel SAVED\n"));
	assert_null(strstr(text, "s3cret")); /* masked unless asked */
	free(text);
	assert_int_equal(eng_config_text(s, ENG_STARTUP, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, " psk s3cret-psk\n"));
	free(text);
	add_tunnel_commit(s, "UNSAVED", NULL);
	eng_sess_close(s);
	tenv_close_engine(&e);

	/* same boot: running-config wins over startup-config */
	tenv_open(&e, dir);
	s = tenv_admin(&e, "alice");
	assert_true(has_tunnel(s, "UNSAVED"));
	eng_sess_close(s);
	tenv_close_engine(&e);

	/* a reboot empties run_dir: startup-config is loaded */
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	assert_int_equal(unlink(path), 0);
	tenv_open(&e, dir);
	assert_int_equal(e.open_diag.n, 0);
	s = tenv_admin(&e, "alice");
	assert_true(has_tunnel(s, "SAVED"));
	assert_false(has_tunnel(s, "UNSAVED"));
	eng_sess_close(s);
	/* and becomes this boot's running-config */
	text = file_text(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "tunnel SAVED\n"));
	free(text);
	tenv_close(&e);
}

/* A crash between writing the new file and renaming it over the old one. */
static void test_write_failure_keeps_old_files(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_tunnel t;
	struct eng_commit_req req = {0};
	char dir[64], path[256], *before, *after, *hbefore;

	tenv_open(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	add_tunnel_commit(s, "OLD", NULL);
	assert_int_equal(eng_startup_save(s, NULL), 0);
	snprintf(path, sizeof(path), "%s/running-config", e.run);
	before = file_text(path);
	assert_non_null(before);
	tunnel_init(&t, "NEW", 2);
	put_tunnel(s, &t);

	for (int after_n = 0; after_n < 2; after_n++) {
		/* 0: the history file is cut short; 1: running-config is */
		eng_test_fail_before_rename(after_n, 1);
		assert_int_equal(eng_commit(s, &req, NULL, NULL), -EIO);
		eng_test_fail_before_rename(0, 0);
		after = file_text(path);
		assert_string_equal(before, after);
		free(after);
		assert_false(has_tunnel(s, "NEW"));
		struct eng_commit_info *list;
		size_t n;
		assert_int_equal(eng_commit_list(s, &list, &n), 0);
		assert_int_equal(n, 1);
		free(list);
	}
	/* the candidate is kept: the commit can be retried */
	assert_true(eng_cand_dirty(s));
	/* startup-config likewise */
	snprintf(path, sizeof(path), "%s/startup-config", e.state);
	hbefore = file_text(path);
	eng_test_fail_before_rename(0, 1);
	assert_int_equal(eng_startup_save(s, NULL), -EIO);
	after = file_text(path);
	assert_string_equal(hbefore, after);
	free(after);
	free(hbefore);
	eng_sess_close(s);
	/* the crash left temporary files; a restart removes them */
	assert_true(count_files(e.state, ".startup-config.tmp.") == 1);
	tenv_close_engine(&e);
	tenv_open(&e, dir);
	assert_int_equal(e.open_diag.n, 0);
	assert_int_equal(count_files(e.state, ".startup-config.tmp."), 0);
	assert_int_equal(count_files(e.run, ".running-config.tmp."), 0);
	s = tenv_admin(&e, "alice");
	assert_true(has_tunnel(s, "OLD"));
	assert_false(has_tunnel(s, "NEW"));
	/* and the next commit takes the next id */
	tunnel_init(&t, "NEW", 2);
	put_tunnel(s, &t);
	assert_int_equal(commit_ok(s, NULL), 2);
	free(before);
	eng_sess_close(s);
	tenv_close(&e);
}

static void open_with(const char *file, const char *text, struct tenv *e)
{
	char dir[] = "/tmp/ikesh-unit-XXXXXX", path[256];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir,
		 strcmp(file, "startup-config") ? "run" : "state");
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", file);
	file_put(path, text);
	tenv_open(e, dir);
}

static void assert_empty_running(struct tenv *e)
{
	struct eng_sess *s;
	char *text;

	assert_int_equal(eng_sess_open(e->eng, "x", ENG_ROLE_ADMIN, &s), 0);
	assert_int_equal(eng_config_text(s, ENG_RUNNING, 0, &text), 0);
	assert_string_equal(text, "");
	free(text);
	eng_sess_close(s);
}

static void test_broken_files_refused_whole(void **state)
{
	struct tenv e;

	/* a torn file: the write stopped in the middle of a line */
	open_with("running-config", "hostname gw\n!\ntunnel A\n remote 192.0.2.1\n au", &e);
	assert_int_equal(e.open_diag.n, 2);
	assert_string_equal(e.open_diag.lines[0], "running-config:5: % invalid line");
	assert_string_equal(e.open_diag.lines[1],
			    "running-config: not applied; the engine starts with an empty "
			    "configuration");
	assert_empty_running(&e); /* not even the hostname of line 1 */
	tenv_close(&e);

	/* garbage */
	open_with("startup-config", "\x7f\x45LF\x02\x01\n\xff\xfe garbage", &e);
	assert_true(e.open_diag.n >= 1);
	assert_string_equal(e.open_diag.lines[0], "startup-config:1: % invalid line");
	assert_empty_running(&e);
	tenv_close(&e);

	/* a NUL byte: not text at all */
	char bin[] = "hostname a\n!\nhost\0name b\n";
	char dir[] = "/tmp/ikesh-unit-XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/state/startup-config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(bin, 1, sizeof(bin) - 1, f);
	fclose(f);
	tenv_open(&e, dir);
	assert_string_equal(e.open_diag.lines[0],
			    "startup-config:3: % a NUL byte: not a text file");
	assert_empty_running(&e);
	tenv_close(&e);

	/* well-formed but breaking a commit rule */
	open_with("startup-config", "tunnel A\n remote 192.0.2.1\n auth 1\n psk k\n ike 7\n!\n",
		  &e);
	assert_int_equal(e.open_diag.n, 2);
	assert_string_equal(e.open_diag.lines[0],
			    "startup-config: tunnel A: ike-policy 7 does not exist");
	assert_empty_running(&e);
	/* the engine works: a commit replaces the broken state */
	struct eng_sess *s = tenv_admin(&e, "admin");
	add_tunnel_commit(s, "FIXED", NULL);
	eng_sess_close(s);
	tenv_close(&e);
}

static void test_history_keeps_fifty(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_commit_info *list;
	char dir[64], hdir[256];
	size_t n;

	tenv_open(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	for (unsigned i = 1; i <= 55; i++) {
		char host[32];

		snprintf(host, sizeof(host), "gw%u", i);
		put_hostname(s, host);
		assert_int_equal(commit_ok(s, host), i);
	}
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(n, ENG_ROLLBACK_MAX + 1);
	assert_int_equal(list[0].id, 55);
	assert_int_equal(list[49].id, 6);
	assert_string_equal(list[49].comment, "gw6");
	free(list);
	snprintf(hdir, sizeof(hdir), "%s/history", e.state);
	assert_int_equal(count_files(hdir, "000000"), 50);
	eng_sess_close(s);
	tenv_close_engine(&e);
	tenv_open(&e, dir);
	s = tenv_admin(&e, "alice");
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(n, 50);
	assert_int_equal(list[0].id, 55);
	free(list);
	put_hostname(s, "gw56");
	assert_int_equal(commit_ok(s, NULL), 56);
	eng_sess_close(s);
	tenv_close(&e);
}

/* Damaged bookkeeping files: reported or skipped, never trusted. */
static void test_damaged_state_files(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_commit_info *list;
	char dir[64], path[512];
	size_t n;

	tenv_open(&e, NULL);
	snprintf(dir, sizeof(dir), "%s", e.dir);
	s = tenv_admin(&e, "alice");
	add_tunnel_commit(s, "A", NULL);
	add_tunnel_commit(s, "B", NULL);
	eng_sess_close(s);
	tenv_close_engine(&e);
	/* a pending-confirm record that is not one */
	snprintf(path, sizeof(path), "%s/state/confirm-pending", dir);
	file_put(path, "deadline-ms soon\ncommit x\n");
	/* a history file with a header that does not match its name, one
	 * with no header, and a name that is not a commit id */
	snprintf(path, sizeof(path), "%s/state/history/00000007", dir);
	file_put(path, "! commit 9\n! user mallory\nhostname evil\n!\n");
	snprintf(path, sizeof(path), "%s/state/history/00000008", dir);
	file_put(path, "hostname evil\n!\n");
	snprintf(path, sizeof(path), "%s/state/history/notes", dir);
	file_put(path, "! commit 10\n");
	tenv_open(&e, dir);
	assert_int_equal(e.open_diag.n, 1);
	assert_string_equal(e.open_diag.lines[0],
			    "confirm-pending: unreadable (Bad message); ignored");
	assert_int_equal(eng_next_timeout_ms(e.eng), -1);
	s = tenv_admin(&e, "alice");
	assert_true(has_tunnel(s, "B"));
	assert_int_equal(eng_commit_list(s, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, 2);
	free(list);
	/* the id after the last good commit, and the record is gone */
	put_hostname(s, "next");
	assert_int_equal(commit_ok(s, NULL), 3);
	snprintf(path, sizeof(path), "%s/state/confirm-pending", dir);
	assert_int_equal(access(path, F_OK), -1);
	eng_sess_close(s);
	tenv_close(&e);
}

/* A second engine on the same state directory is refused, in this process
 * or another, with a reason naming the holder; it writes nothing.  The
 * lock goes with the first engine. */
static int open_second(struct tenv *first, struct eng **out, struct eng_diag *d)
{
	struct eng_opts o = {0};
	char run[160];

	snprintf(run, sizeof(run), "%s/run2", first->dir);
	o.state_dir = first->state;
	o.run_dir = run;
	o.codec = &toy_codec;
	return eng_open(&o, out, d);
}

static void test_second_engine_refused(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_diag d = {0};
	struct eng *second = NULL;
	char want[64], *before, *after, path[200];
	int status;
	pid_t pid;

	tenv_open(&e, NULL);
	s = tenv_admin(&e, "alice");
	put_hostname(s, "first");
	commit_ok(s, NULL);
	snprintf(path, sizeof(path), "%s/history/00000001", e.state);
	before = file_text(path);

	assert_int_equal(open_second(&e, &second, &d), -EBUSY);
	assert_null(second);
	snprintf(want, sizeof(want), "in use by another engine (process %ld)", (long)getpid());
	assert_true(diag_has(&d, want));
	assert_true(diag_has(&d, "one ikesh or ikeshd per state directory"));
	eng_diag_free(&d);

	/* another process: the same answer */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct eng *other = NULL;
		struct eng_diag od = {0};
		int rc = open_second(&e, &other, &od);

		_exit(rc == -EBUSY && diag_has(&od, want) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* the first engine goes on; nothing of it was touched */
	put_hostname(s, "still-first");
	assert_int_equal(commit_ok(s, NULL), 2);
	after = file_text(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	eng_sess_close(s);
	tenv_close_engine(&e);

	/* closed: the next engine opens and sees the first one's commits */
	assert_int_equal(open_second(&e, &second, &d), 0);
	assert_int_equal(d.n, 0);
	eng_close(second);
	tenv_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_restart_resumes_running),
	    cmocka_unit_test(test_startup_fallback),
	    cmocka_unit_test(test_write_failure_keeps_old_files),
	    cmocka_unit_test(test_broken_files_refused_whole),
	    cmocka_unit_test(test_history_keeps_fifty),
	    cmocka_unit_test(test_damaged_state_files),
	    cmocka_unit_test(test_second_engine_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
