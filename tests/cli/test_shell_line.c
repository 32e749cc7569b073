/*
 * test_shell_line.c - comments in script lines: `!` and `#` begin a
 * comment at the start of a word and outside quotes only.
 */
#include <setjmp.h>
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

static void test_trailing_comments(void **state)
{
	check("hostname R1 ! the name", "hostname R1");
	check("description Branch 7 # note", "description Branch 7");
	check("show running-config\t# tab before", "show running-config");
}

static void test_marker_inside_word_kept(void **state)
{
	check("authentication pre-share key abc#def", "authentication pre-share key abc#def");
	check("description wow!", "description wow!");
	check("key a!b#c", "key a!b#c");
}

static void test_quotes_protect(void **state)
{
	check("key \"b7#not-a-comment!\"", "key \"b7#not-a-comment!\"");
	check("key 'a # b' ! real", "key 'a # b'");
	check("key \"a \\\" # b\" # real", "key \"a \\\" # b\"");
	/* an unterminated quote runs to the end of the line */
	check("key \"a # b", "key \"a # b");
}

static void test_escapes(void **state)
{
	check("key \\#abc", "key \\#abc");
	check("key a\\ #b", "key a\\ #b");
	check("key a\\", "key a\\");
}

static void test_line_endings(void **state)
{
	check("show version\r\n", "show version");
	check("show version   \n", "show version");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_line_comments),
	    cmocka_unit_test(test_trailing_comments),
	    cmocka_unit_test(test_marker_inside_word_kept),
	    cmocka_unit_test(test_quotes_protect),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_line_endings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
