/*
 * fuzz_json.c - the `| json` writer on hostile strings (a peer's identity,
 * a description, a reason): whatever the bytes, the output is one object
 * whose strings are valid UTF-8 with every control character escaped, and
 * the value reads back as the input with invalid bytes as U+FFFD.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define PREFIX "{\n  \"k\": "

static size_t hexval(const char *p)
{
	char buf[5] = {p[0], p[1], p[2], p[3], 0};

	return (size_t)strtoul(buf, NULL, 16);
}

/* One string literal at s (after its opening quote); returns its end
 * (after the closing quote) and the number of input bytes it stands for,
 * or NULL when it is not a well-formed RFC 8259 string. */
static const char *check_string(const char *s, size_t *stands_for)
{
	size_t n = 0;

	for (;;) {
		unsigned char c = (unsigned char)*s;

		if (c == '"')
			break;
		if (c < 0x20 || c == 0x7f)
			return NULL; /* raw control character */
		if (c == '\\') {
			s++;
			if (strchr("\"\\nrt", *s) && *s) {
				s++;
				n++;
				continue;
			}
			if (*s != 'u' || strspn(s + 1, "0123456789abcdef") < 4)
				return NULL;
			/* \ufffd stands for one invalid input byte, \u00XX for a control */
			n += 1;
			if (hexval(s + 1) != 0xfffd && hexval(s + 1) >= 0x20 &&
			    hexval(s + 1) != 0x7f)
				return NULL;
			s += 5;
			continue;
		}
		/* a UTF-8 sequence: lead byte and continuations, as written */
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		for (size_t i = 1; i < len; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				return NULL;
		s += len;
		n += len;
	}
	*stands_for = n;
	return s + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json j = {0};
	char *key = malloc(size + 1), *out;
	const char *p;
	size_t n;

	if (!key)
		return 0;
	/* the input as a key too (a C string: up to its first NUL) */
	memcpy(key, data, size);
	key[size] = '\0';
	json_obj_open(&j, NULL);
	json_strn(&j, "k", (const char *)data, size);
	json_str(&j, key, "v");
	json_obj_close(&j);
	out = json_take(&j);
	free(key);
	if (!out)
		return 0; /* out of memory */
	if (strncmp(out, PREFIX "\"", sizeof(PREFIX)) != 0)
		abort();
	p = check_string(out + sizeof(PREFIX), &n);
	if (!p || n != size || strncmp(p, ",\n  \"", 5) != 0)
		abort();
	p = check_string(p + 5, &n);
	if (!p || strcmp(p, ": \"v\"\n}\n") != 0)
		abort();
	free(out);
	return 0;
}
