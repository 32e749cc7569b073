/*
 * json.c - the JSON writer (RFC 8259): escapes, UTF-8, numbers, layout.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void indent(struct json *j)
{
	sb_adds(&j->b, "\n");
	for (int i = 0; i < j->depth; i++)
		sb_adds(&j->b, "  ");
}

/* RFC 3629 well-formed sequence at s (n bytes left): its length, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void quoted(struct strbuf *b, const char *v, size_t n)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0;

	sb_adds(b, "\"");
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		if (c == '"' || c == '\\') {
			sb_addf(b, "\\%c", c);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c == '\n')
				sb_adds(b, "\\n");
			else if (c == '\t')
				sb_adds(b, "\\t");
			else if (c == '\r')
				sb_adds(b, "\\r");
			else
				sb_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_len(s + i, n - i);
		if (len == 0) {
			sb_adds(b, "\\ufffd");
			i++;
			continue;
		}
		sb_addf(b, "%.*s", (int)len, v + i);
		i += len;
	}
	sb_adds(b, "\"");
}

/* The comma, the line break and the key before a value. */
static void member(struct json *j, const char *key)
{
	if (j->depth == 0) {
		/* one top-level value only */
		if (j->b.len)
			j->broken = true;
		return;
	}
	if (j->nonempty[j->depth - 1])
		sb_adds(&j->b, ",");
	j->nonempty[j->depth - 1] = true;
	indent(j);
	if (key) {
		quoted(&j->b, key, strlen(key));
		sb_adds(&j->b, ": ");
	}
}

static void open_(struct json *j, const char *key, const char *bracket)
{
	member(j, key);
	sb_adds(&j->b, bracket);
	if (j->depth >= JSON_DEPTH_MAX) {
		j->broken = true;
		return;
	}
	j->nonempty[j->depth++] = false;
}

static void close_(struct json *j, const char *bracket)
{
	if (j->depth == 0) {
		j->broken = true;
		return;
	}
	j->depth--;
	if (j->nonempty[j->depth])
		indent(j);
	sb_adds(&j->b, bracket);
}

void json_obj_open(struct json *j, const char *key)
{
	open_(j, key, "{");
}

void json_obj_close(struct json *j)
{
	close_(j, "}");
}

void json_arr_open(struct json *j, const char *key)
{
	open_(j, key, "[");
}

void json_arr_close(struct json *j)
{
	close_(j, "]");
}

void json_strn(struct json *j, const char *key, const char *v, size_t len)
{
	member(j, key);
	quoted(&j->b, v, len);
}

void json_str(struct json *j, const char *key, const char *v)
{
	if (!v) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, v, strlen(v));
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	sb_addf(&j->b, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	sb_addf(&j->b, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	sb_adds(&j->b, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	sb_adds(&j->b, "null");
}

char *json_take(struct json *j)
{
	bool ok = !j->broken && j->depth == 0 && j->b.len > 0;
	char *s;

	sb_adds(&j->b, "\n");
	s = sb_take(&j->b);
	memset(j, 0, sizeof(*j));
	if (!ok) {
		eng_secret_free(s);
		return NULL;
	}
	return s;
}
