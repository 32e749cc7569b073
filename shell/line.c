/*
 * line.c - comment lines in scripts; text made safe for a terminal;
 * which terminals are consoles.
 *
 * As in IOS configuration text, and as at the prompt, `!` or `#` starts a
 * comment only as the first character of a line (after blanks): inside a
 * line they are text (`description Link to ISP #2`, a key `abc#def`).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "shell.h"

void shell_strip_comment(const char *line, char *out)
{
	size_t n;

	if (line[strspn(line, " \t")] == '!' || line[strspn(line, " \t")] == '#') {
		out[0] = '\0';
		return;
	}
	n = strlen(line);
	memcpy(out, line, n);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\r' ||
			 out[n - 1] == '\n'))
		n--;
	out[n] = '\0';
}

bool shell_is_console(const char *tty)
{
	static const char *const prefixes[] = {"/dev/ttyS", "/dev/ttyAMA", "/dev/hvc",
					       "/dev/ttysclp", "/dev/xvc"};
	const char *n;

	if (!tty)
		return false;
	if (strcmp(tty, "/dev/console") == 0)
		return true;
	/* the virtual consoles /dev/tty1../dev/tty63 (not /dev/tty itself) */
	if (strncmp(tty, "/dev/tty", 8) == 0 && tty[8] >= '1' && tty[8] <= '9') {
		for (n = tty + 9; *n >= '0' && *n <= '9'; n++)
			;
		if (*n == '\0' && n - (tty + 8) <= 2)
			return true;
	}
	/* serial and hypervisor consoles: the prefix, then a number */
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i]);

		if (strncmp(tty, prefixes[i], len) != 0 || !tty[len])
			continue;
		for (n = tty + len; *n >= '0' && *n <= '9'; n++)
			;
		if (*n == '\0')
			return true;
	}
	return false;
}

void shell_fput_safe(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			fputc('^', f);
			fputc(*p ^ 0x40, f);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', f); /* a C1 control (U+0080..U+009F): CSI and friends */
			p++;
		} else {
			fputc(*p, f);
		}
	}
	fputc('\n', f);
}
