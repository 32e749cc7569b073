/* SPDX-License-Identifier: ISC */
/* Test helper: hex strings (spaces ignored) to bytes. */
#ifndef IKESH_TESTS_HEX_H
#define IKESH_TESTS_HEX_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>

static inline size_t hex_decode(const char *hex, uint8_t *out, size_t outsize)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (isspace((unsigned char)*hex))
			continue;
		v = isdigit((unsigned char)*hex) ? *hex - '0'
						 : (tolower((unsigned char)*hex) - 'a' + 10);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n < outsize)
			out[n] = (uint8_t)(hi << 4 | v);
		n++;
		hi = -1;
	}
	return n;
}

#endif
