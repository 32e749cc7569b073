/*
 * wipe.c - secrets wiped before their memory goes back to the allocator.
 *
 * A memset() just before free() is a dead store that the compiler may
 * (and GCC at -O2 does) remove; explicit_bzero() is kept whatever the
 * optimiser proves about the buffer afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void eng_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void eng_secret_free(char *s)
{
	if (!s)
		return;
	eng_wipe(s, strlen(s));
	free(s);
}

void *eng_secret_realloc(void *p, size_t used, size_t cap, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (!q)
		return NULL;
	if (p)
		memcpy(q, p, used < n ? used : n);
	eng_wipe(p, cap);
	free(p);
	return q;
}
