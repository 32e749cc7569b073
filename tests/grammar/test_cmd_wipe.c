/*
 * test_cmd_wipe.c - a key typed into the command tree leaves no copy in
 * freed memory: the words, the resolved arguments, the tunnel object the
 * command builds, the engine's copies, a commit, the key changed, the
 * session and the engine closed.  free() and realloc() are watched
 * (tests/unit/freewatch.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "freewatch.h"
#include "grammar_util.h"

#define SECRET "wipe-test-key-0c9d41e7b2"

static void run_ok(struct gsess *g, const char *line)
{
	struct cmd_result r;

	if (gs_run(g, line, &r) != CMD_OK)
		fail_msg("`%s` failed: %s / %s", line, r.msg, g->err ? g->err : "");
}

static void test_typed_key(void **state)
{
	struct gsess g = {0};

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	fw_arm(SECRET);
	run_ok(&g, "configure terminal");
	run_ok(&g, "ipsec tunnel HQ");
	run_ok(&g, "remote-address 192.0.2.7");
	run_ok(&g, "authentication pre-share key " SECRET);
	run_ok(&g, "ike-version 1");
	run_ok(&g, "xauth username bob password " SECRET);
	run_ok(&g, "commit");
	run_ok(&g, "authentication pre-share key \"another key\"");
	run_ok(&g, "no xauth");
	run_ok(&g, "commit");
	run_ok(&g, "end");
	gsess_close(&g, true);
	fw_disarm();
	print_message("freed %zu blocks, %zu held the key\n", fw.freed, fw.hits);
	assert_true(fw.freed > 50);
	assert_int_equal(fw.hits, 0);
}

/* The key sealed by show running-config and opened again from `key 6 TEXT`. */
static void test_sealed_key(void **state)
{
	struct gsess g = {0};
	char line[600], *text = NULL, *p;

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	run_ok(&g, "configure terminal");
	run_ok(&g, "ipsec tunnel HQ");
	run_ok(&g, "remote-address 192.0.2.7");
	fw_arm(SECRET);
	run_ok(&g, "authentication pre-share key " SECRET);
	run_ok(&g, "commit");
	run_ok(&g, "end");
	assert_int_equal(eng_config_text(g.es, ENG_RUNNING, ENG_TEXT_SEALED, &text), 0);
	p = strstr(text, " authentication pre-share key 6 ");
	assert_non_null(p);
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	free(text);
	run_ok(&g, "configure terminal");
	run_ok(&g, "ipsec tunnel HQ");
	run_ok(&g, "authentication pre-share key other");
	run_ok(&g, "commit");
	run_ok(&g, line);
	run_ok(&g, "commit");
	run_ok(&g, "end");
	assert_int_equal(eng_config_text(g.es, ENG_RUNNING, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, "key " SECRET "\n"));
	eng_secret_free(text);
	gsess_close(&g, true);
	fw_disarm();
	print_message("freed %zu blocks, %zu held the key\n", fw.freed, fw.hits);
	assert_true(fw.freed > 50);
	assert_int_equal(fw.hits, 0);
}

/* The same key read back from startup-config through the codec. */
static void test_loaded_key(void **state)
{
	struct gsess g = {0};
	char path[400];

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	run_ok(&g, "configure terminal");
	run_ok(&g, "ipsec tunnel HQ");
	run_ok(&g, "remote-address 192.0.2.7");
	run_ok(&g, "authentication pre-share key " SECRET);
	run_ok(&g, "commit");
	run_ok(&g, "end");
	run_ok(&g, "write memory");
	snprintf(path, sizeof(path), "%s", g.dir);
	gsess_close(&g, false);

	fw_arm(SECRET);
	assert_int_equal(gsess_open(&g, path, ENG_ROLE_ADMIN), 0);
	gsess_close(&g, true);
	fw_disarm();
	print_message("freed %zu blocks, %zu held the key\n", fw.freed, fw.hits);
	assert_true(fw.freed > 10);
	assert_int_equal(fw.hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_typed_key),
	    cmocka_unit_test(test_loaded_key),
	    cmocka_unit_test(test_sealed_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
