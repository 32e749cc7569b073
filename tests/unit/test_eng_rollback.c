/*
 * test_eng_rollback.c - rollback N into the candidate, the commit list
 * and what each commit changed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toy_codec.h"

static struct tenv env;
static struct eng_sess *S;

/* Commits: 1 hostname one + tunnel A; 2 hostname two; 3 tunnel B, A gone. */
static int setup(void **state)
{
	struct eng_tunnel t;

	tenv_open(&env, NULL);
	S = tenv_admin(&env, "alice");
	put_hostname(S, "one");
	tunnel_init(&t, "A", 1);
	put_tunnel(S, &t);
	commit_ok(S, "first");
	put_hostname(S, "two");
	commit_ok(S, "second");
	tunnel_init(&t, "B", 2);
	put_tunnel(S, &t);
	assert_int_equal(eng_obj_del(S, ENG_OBJ_TUNNEL, "A"), 0);
	commit_ok(S, "third");
	return 0;
}

static int teardown(void **state)
{
	eng_sess_close(S);
	tenv_close(&env);
	return 0;
}

static void test_rollback_into_candidate(void **state)
{
	struct eng_global g;
	struct eng_tunnel t;
	char *text;

	assert_int_equal(eng_rollback(S, 2, NULL), 0);
	assert_int_equal(eng_obj_get(S, ENG_CANDIDATE, ENG_OBJ_GLOBAL, NULL, &g), 0);
	assert_string_equal(g.hostname, "one");
	assert_int_equal(eng_obj_get(S, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "A", &t), 0);
	assert_string_equal(t.psk, "s3cret-psk"); /* secrets come back from history */
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_obj_get(S, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "B", &t), -ENOENT);
	/* running untouched until commit */
	assert_int_equal(eng_obj_get(S, ENG_RUNNING, ENG_OBJ_GLOBAL, NULL, &g), 0);
	assert_string_equal(g.hostname, "two");
	assert_int_equal(eng_config_changes(S, &text), 0);
	assert_non_null(strstr(text, "- hostname two\n+ hostname one\n  !\n"));
	assert_non_null(strstr(text, "+ tunnel A\n"));
	assert_non_null(strstr(text, "- tunnel B\n"));
	assert_null(strstr(text, "s3cret"));
	free(text);
	/* rollback 0: back to running */
	assert_int_equal(eng_rollback(S, 0, NULL), 0);
	assert_false(eng_cand_dirty(S));
	assert_int_equal(eng_rollback(S, 1, NULL), 0);
	assert_int_equal(eng_obj_get(S, ENG_CANDIDATE, ENG_OBJ_GLOBAL, NULL, &g), 0);
	assert_string_equal(g.hostname, "two");
	assert_int_equal(eng_obj_get(S, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "A", &t), 0);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(commit_ok(S, "undo third"), 4);
	assert_int_equal(eng_obj_get(S, ENG_RUNNING, ENG_OBJ_TUNNEL, "B", &t), -ENOENT);
}

static void test_rollback_range(void **state)
{
	assert_int_equal(eng_rollback(S, 4, NULL), -ERANGE); /* 4 commits: 0..3 */
	assert_int_equal(eng_rollback(S, 3, NULL), 0);
	assert_int_equal(eng_rollback(S, ENG_ROLLBACK_MAX + 1, NULL), -ERANGE);
	assert_int_equal(eng_rollback(S, 0, NULL), 0);
}

static void test_commit_list_and_changes(void **state)
{
	struct eng_commit_info *list;
	size_t n;
	char *text;

	assert_int_equal(eng_commit_list(S, &list, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(list[0].id, 4);
	assert_string_equal(list[0].comment, "undo third");
	assert_int_equal(list[3].id, 1);
	assert_string_equal(list[3].comment, "first");
	assert_string_equal(list[3].user, "alice");
	free(list);
	assert_int_equal(eng_commit_changes(S, 2, &text), 0);
	assert_string_equal(text, "- hostname one\n+ hostname two\n  !\n");
	free(text);
	/* the first commit, against nothing */
	assert_int_equal(eng_commit_changes(S, 1, &text), 0);
	assert_non_null(strstr(text, "+ hostname one\n+ !\n+ tunnel A\n"));
	assert_non_null(strstr(text, "+  psk *****\n"));
	assert_null(strstr(text, "s3cret"));
	free(text);
	assert_int_equal(eng_commit_changes(S, 3, &text), 0);
	assert_string_equal(text, "- tunnel A\n"
				  "-  remote 192.0.2.2\n"
				  "-  auth 1\n"
				  "-  psk *****\n"
				  "- !\n"
				  "+ tunnel B\n"
				  "+  remote 192.0.2.3\n"
				  "+  auth 1\n"
				  "+  psk *****\n"
				  "+ !\n");
	free(text);
	assert_int_equal(eng_commit_changes(S, 99, &text), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rollback_into_candidate),
	    cmocka_unit_test(test_rollback_range),
	    cmocka_unit_test(test_commit_list_and_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
