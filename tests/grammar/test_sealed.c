/*
 * test_sealed.c - secrets printed sealed (`key 6 TEXT`) by show
 * running-config: stable, restorable, refused under another config-key,
 * masked for operators, portable between engines given one passphrase.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "grammar_util.h"

#define RUN_OK(g, line) assert_int_equal(gs_run((g), (line), NULL), CMD_OK)

static const char tunnel[] = "configure terminal\n"
			     "ipsec tunnel T\n"
			     " ike-version 1\n"
			     " remote-address 192.0.2.9\n"
			     " authentication pre-share key \"top secret #1\"\n"
			     " xauth username alice password hunter2-xauth\n"
			     "commit\n"
			     "end\n";

static char *text_of(struct gsess *g, unsigned flags)
{
	char *t = NULL;
	int rc = eng_config_text(g->es, ENG_RUNNING, flags, &t);

	assert_int_equal(rc, 0);
	assert_non_null(t);
	return t;
}

/* The lines of text between "ipsec tunnel" and its "!", as a script. */
static char *as_script(const char *text)
{
	size_t len = strlen(text) + 64;
	char *s = malloc(len);

	assert_non_null(s);
	snprintf(s, len, "configure terminal\n%scommit\nend\n", text);
	return s;
}

static void test_sealed_text(void **state)
{
	struct gsess g;
	struct stat st;
	char path[400], *a, *b, *clear;

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	snprintf(path, sizeof(path), "%s/config-key", g.state);
	assert_int_equal(stat(path, &st), -1); /* made at the first need */
	assert_int_equal(gs_script(&g, tunnel), CMD_OK);
	a = text_of(&g, ENG_TEXT_SEALED);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(strstr(a, " authentication pre-share key 6 "));
	assert_non_null(strstr(a, " xauth username alice password 6 "));
	assert_null(strstr(a, "top secret"));
	assert_null(strstr(a, "hunter2"));
	/* deterministic: the same text every time */
	b = text_of(&g, ENG_TEXT_SEALED);
	assert_string_equal(a, b);
	free(b);
	/* restore: delete, feed the sealed text back, same secrets in clear */
	clear = text_of(&g, ENG_TEXT_SECRETS);
	RUN_OK(&g, "configure terminal");
	RUN_OK(&g, "no ipsec tunnel T");
	RUN_OK(&g, "commit");
	RUN_OK(&g, "end");
	b = text_of(&g, ENG_TEXT_SECRETS);
	assert_null(strstr(b, "ipsec tunnel T"));
	eng_secret_free(b);
	b = as_script(a);
	assert_int_equal(gs_script(&g, b), CMD_OK);
	free(b);
	b = text_of(&g, ENG_TEXT_SECRETS);
	assert_string_equal(b, clear);
	eng_secret_free(b);
	eng_secret_free(clear);
	free(a);
	gsess_close(&g, true);
}

/* A sealed text from another key, or damaged, is refused and changes nothing. */
static void test_wrong_key(void **state)
{
	struct gsess g;
	struct cmd_result r;
	char *a, *line, *p, *before;

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	assert_int_equal(gs_script(&g, tunnel), CMD_OK);
	a = text_of(&g, ENG_TEXT_SEALED);
	p = strstr(a, "pre-share key 6 ");
	assert_non_null(p);
	line =
	    strndup(p - strlen(" authentication "), strcspn(p, "\n") + strlen(" authentication "));
	before = text_of(&g, ENG_TEXT_SECRETS);

	RUN_OK(&g, "configure terminal");
	RUN_OK(&g, "key config-key password-encrypt another-passphrase");
	RUN_OK(&g, "ipsec tunnel T");
	gs_reset(&g);
	assert_int_equal(gs_run(&g, line, &r), CMD_FAILED);
	assert_non_null(strstr(g.err, "does not open with this device's config-key"));
	assert_null(strstr(g.err, "top secret"));
	/* damaged: one character changed */
	p = line + strlen(line) - 2;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(gs_run(&g, line, &r), CMD_FAILED);
	assert_int_equal(gs_run(&g, " authentication pre-share key 6 not*base64", &r), CMD_FAILED);
	assert_int_equal(gs_run(&g, " authentication pre-share key 6 AAAA", &r), CMD_FAILED);
	RUN_OK(&g, "abort");
	/* nothing changed: running keeps the old key */
	free(a);
	a = text_of(&g, ENG_TEXT_SECRETS);
	assert_string_equal(a, before);
	eng_secret_free(a);
	/* too short a passphrase */
	RUN_OK(&g, "configure terminal");
	/* history and logs never see the passphrase */
	p = cmd_mask_secrets(g.cs, "key config-key password-encrypt another-passphrase");
	assert_string_equal(p, "key config-key password-encrypt *****");
	free(p);
	assert_int_equal(gs_run(&g, "key config-key password-encrypt short", &r), CMD_FAILED);
	RUN_OK(&g, "end");
	eng_secret_free(before);
	free(line);
	gsess_close(&g, true);
}

/* Operators see masks: sealed or not, and may not open a sealed text. */
static void test_operator_masked(void **state)
{
	struct gsess g;
	struct eng_sess *op;
	char *a, *t = NULL, *clear = NULL, *p;

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	assert_int_equal(gs_script(&g, tunnel), CMD_OK);
	a = text_of(&g, ENG_TEXT_SEALED);
	assert_int_equal(eng_sess_open(g.eng, "oper", ENG_ROLE_OPERATOR, &op), 0);
	assert_int_equal(eng_config_text(op, ENG_RUNNING, ENG_TEXT_SEALED, &t), 0);
	assert_non_null(strstr(t, " authentication pre-share key *****\n"));
	assert_non_null(strstr(t, " password *****\n"));
	assert_null(strstr(t, " 6 "));
	free(t);
	assert_int_equal(eng_config_text(op, ENG_RUNNING, ENG_TEXT_SECRETS, &t), 0);
	assert_null(strstr(t, "top secret"));
	free(t);
	assert_int_equal(eng_obj_text(op, ENG_RUNNING, ENG_OBJ_TUNNEL, "T", ENG_TEXT_SEALED, &t),
			 0);
	assert_null(strstr(t, " 6 "));
	free(t);
	p = strstr(a, "key 6 ") + strlen("key 6 ");
	p[strcspn(p, "\n")] = '\0';
	assert_int_equal(eng_secret_unseal(op, p, &clear), -EPERM);
	assert_null(clear);
	assert_int_equal(eng_config_key_set(op, "a-passphrase"), -EPERM);
	assert_int_equal(eng_secret_unseal(g.es, p, &clear), 0);
	assert_string_equal(clear, "top secret #1");
	eng_secret_free(clear);
	eng_sess_close(op);
	free(a);
	gsess_close(&g, true);
}

/* Two engines given the same passphrase print and open the same texts. */
static void test_passphrase_moves(void **state)
{
	struct gsess x, y;
	char *a, *b, *s, *clear;

	assert_int_equal(gsess_open(&x, NULL, ENG_ROLE_ADMIN), 0);
	assert_int_equal(gsess_open(&y, NULL, ENG_ROLE_ADMIN), 0);
	assert_int_equal(gs_script(&x, "configure terminal\n"
				       "key config-key password-encrypt shared-passphrase\nend\n"),
			 CMD_OK);
	assert_int_equal(gs_script(&x, tunnel), CMD_OK);
	a = text_of(&x, ENG_TEXT_SEALED);
	s = as_script(a);
	/* y has a key of its own: the backup does not open there */
	assert_int_not_equal(gs_script(&y, s), CMD_OK);
	RUN_OK(&y, "abort");
	assert_int_equal(gs_script(&y, "configure terminal\n"
				       "key config-key password-encrypt shared-passphrase\nend\n"),
			 CMD_OK);
	assert_int_equal(gs_script(&y, s), CMD_OK);
	b = text_of(&y, ENG_TEXT_SEALED);
	assert_string_equal(a, b);
	free(b);
	b = text_of(&y, ENG_TEXT_SECRETS);
	clear = text_of(&x, ENG_TEXT_SECRETS);
	assert_string_equal(b, clear);
	eng_secret_free(b);
	eng_secret_free(clear);
	free(s);
	free(a);
	gsess_close(&y, true);
	gsess_close(&x, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sealed_text),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_operator_masked),
	    cmocka_unit_test(test_passphrase_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
