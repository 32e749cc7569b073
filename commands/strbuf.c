/*
 * strbuf.c - a growing string for rendering text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_int.h"

static bool sb_grow(struct strbuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = eng_secret_realloc(b->s, b->len, b->cap, cap); /* it may hold a key */
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sb_adds(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (!sb_grow(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Quote a word when the tokenizer would otherwise change it (blanks,
 * quotes, backslashes, a pipe); `!` and `#` inside a line are text. */
void sb_addword(struct strbuf *b, const char *w)
{
	if (*w && !strpbrk(w, " \t\"'\\|")) {
		sb_adds(b, w);
		return;
	}
	sb_adds(b, "\"");
	for (const char *p = w; *p; p++) {
		char c[3] = {'\\', *p, 0};
		sb_adds(b, (*p == '"' || *p == '\\') ? c : c + 1);
	}
	sb_adds(b, "\"");
}

char *sb_take(struct strbuf *b)
{
	char *s = b->s;

	if (b->oom) {
		eng_wipe(b->s, b->cap);
		free(b->s);
		s = NULL;
	} else if (!s) {
		s = strdup("");
	}
	memset(b, 0, sizeof(*b));
	return s;
}
