/*
 * test_script_wipe.c - a key in a script run by the shell (ikesh -f,
 * -c, a pipe) leaves no copy in freed memory: the line read, the line
 * as run, the lines kept for after the commit.  free() and
 * realloc() are watched (tests/unit/freewatch.h).
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
#include "shell.h"

#define SECRET "wipe-test-script-key-3e8a51d6"

static const char script[] = "configure terminal\n"
			     "ipsec tunnel HQ\n"
			     " remote-address 192.0.2.7\n"
			     " ! the key, on a comment line of its own\n"
			     " authentication pre-share key " SECRET "\n"
			     "end\n"
			     "write memory\n";

static void test_script_key(void **state)
{
	struct gsess g = {0};
	struct shell sh = {0};
	FILE *in;
	char *text = NULL;

	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	sh.eng = g.eng;
	sh.es = g.es;
	sh.cs = g.cs;
	sh.script = true;
	in = fmemopen((void *)script, strlen(script), "r");
	assert_non_null(in);
	fw_arm(SECRET);
	assert_int_equal(shell_script_stream(&sh, in, "test"), 0);
	/* lines one by one, as -c gives them */
	assert_int_equal(shell_script_line(&sh, "configure terminal"), 0);
	assert_int_equal(shell_script_line(&sh, "ipsec tunnel B"), 0);
	assert_int_equal(shell_script_line(&sh, "remote-address 192.0.2.8"), 0);
	assert_int_equal(shell_script_line(&sh, "authentication pre-share key \"" SECRET "\""), 0);
	assert_int_equal(shell_script_line(&sh, "end"), 0);
	assert_int_equal(shell_script_finish(&sh, false), 0);
	shell_script_free(&sh);
	fw_disarm();
	/* the script did configure the keys */
	assert_int_equal(eng_config_text(g.es, ENG_RUNNING, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, "tunnel HQ"));
	assert_non_null(strstr(text, "tunnel B"));
	assert_non_null(strstr(text, SECRET));
	eng_secret_free(text);
	fclose(in);
	gsess_close(&g, true);
	assert_true(fw.freed > 10);
	assert_int_equal(fw.hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_script_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
