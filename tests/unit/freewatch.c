/*
 * freewatch.c - see freewatch.h.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "freewatch.h"

struct freewatch fw;

void (*volatile fw_free)(void *) = free;
void *(*volatile fw_realloc)(void *, size_t) = realloc;

void __real_free(void *p);
void __wrap_free(void *p);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

static bool holds_secret(void *p)
{
	return memmem(p, malloc_usable_size(p), fw.secret, strlen(fw.secret)) != NULL;
}

void __wrap_free(void *p)
{
	if (fw.armed && p) {
		fw.freed++;
		if (holds_secret(p))
			fw.hits++;
		for (size_t i = 0; i < fw.n_watch; i++)
			if (p == fw.watch[i])
				fw.seen++;
	}
	__real_free(p);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fw.armed && p && holds_secret(p))
		fw.hits++;
	return __real_realloc(p, n);
}

void fw_arm(const char *secret)
{
	memset(&fw, 0, sizeof(fw));
	fw.secret = secret;
	fw.armed = true;
}

void fw_disarm(void)
{
	fw.armed = false;
}

void fw_watch(const void *p)
{
	if (fw.n_watch < sizeof(fw.watch) / sizeof(fw.watch[0]))
		fw.watch[fw.n_watch++] = p;
	else
		abort(); /* a test watching more than it can */
}
