/*
 * test_shell_line.c - comments in script lines: `!` and `#` begin a
 * comment as the first character of a line only; text for a person
 * never carries a control character to the terminal; console names.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shell.h"

static void check(const char *in, const char *want)
{
	char *out = malloc(strlen(in) + 1);

	assert_non_null(out);
	shell_strip_comment(in, out);
	assert_string_equal(out, want);
	free(out);
}

static void test_whole_line_comments(void **state)
{
	check("! a comment", "");
	check("# a comment", "");
	check("   ! indented", "");
	check("", "");
	check("   \t  ", "");
}

/* Inside a line `!` and `#` are text, as typed at the prompt. */
static void test_markers_inside_a_line_kept(void **state)
{
	check("description Link to ISP #2", "description Link to ISP #2");
	check("hostname R1 ! the name", "hostname R1 ! the name");
	check("show running-config | include !", "show running-config | include !");
	check("authentication pre-share key abc#def", "authentication pre-share key abc#def");
	check("key \"a # b\" ! x", "key \"a # b\" ! x");
	check("description wow!", "description wow!");
	check("show running-config\t# tab before", "show running-config\t# tab before");
}

static void test_line_endings(void **state)
{
	check("show version\r\n", "show version");
	check("show version   \n", "show version");
}

static void check_safe(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	shell_fput_safe(f, in);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void test_safe_text(void **state)
{
	check_safe("plain text\twith a tab", "plain text\twith a tab\n");
	check_safe("esc \x1b[2J bell \x07 del \x7f", "esc ^[[2J bell ^G del ^?\n");
	check_safe("cr\rlf\n", "cr^Mlf^J\n");
	/* U+009B (CSI) in UTF-8 is a control; U+00E9 is text */
	check_safe("c1 \xc2\x9b"
		   "31m \xc3\xa9",
		   "c1 ?31m \xc3\xa9\n");
	check_safe("", "\n");
}

/* IOS's logging console: which terminals are consoles */
static void test_console_names(void **state)
{
	assert_true(shell_is_console("/dev/console"));
	assert_true(shell_is_console("/dev/tty1"));
	assert_true(shell_is_console("/dev/tty63"));
	assert_true(shell_is_console("/dev/ttyS0"));
	assert_true(shell_is_console("/dev/ttyAMA0"));
	assert_true(shell_is_console("/dev/hvc0"));
	assert_false(shell_is_console(NULL));
	assert_false(shell_is_console("/dev/pts/3")); /* SSH, a terminal window */
	assert_false(shell_is_console("/dev/tty"));
	assert_false(shell_is_console("/dev/tty0x"));
	assert_false(shell_is_console("/dev/tty100"));
	assert_false(shell_is_console("/dev/ttyS"));
	assert_false(shell_is_console("/dev/ttySx1"));
	assert_false(shell_is_console("/dev/ttyUSB0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_line_comments),
	    cmocka_unit_test(test_markers_inside_a_line_kept),
	    cmocka_unit_test(test_line_endings),
	    cmocka_unit_test(test_safe_text),
	    cmocka_unit_test(test_console_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
