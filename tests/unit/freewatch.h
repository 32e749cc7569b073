/*
 * freewatch.h - free() and realloc() wrapped (link with -Wl,--wrap=free
 * -Wl,--wrap=realloc): while armed, every block handed to them is searched
 * for a secret just before it goes back to the allocator (under ASan it
 * is poisoned after that).  A hit is a copy of the secret left behind.
 */
#ifndef IKESH_FREEWATCH_H
#define IKESH_FREEWATCH_H

#include <stdbool.h>
#include <stddef.h>

struct freewatch {
	bool armed;
	const char *secret;
	const void *watch[4];
	size_t n_watch;
	size_t seen;  /* watched blocks freed */
	size_t hits;  /* freed or realloc'd blocks that still held the secret */
	size_t freed; /* blocks freed while armed */
};

extern struct freewatch fw;

void fw_arm(const char *secret);
void fw_disarm(void);
/* count the free() of this block in fw.seen */
void fw_watch(const void *p);

/* free() and realloc() through pointers the optimiser cannot see through:
 * it knows the allocator touches nothing of ours, and would keep fw in
 * registers across a direct call (or drop a strdup() followed by free()). */
extern void (*volatile fw_free)(void *);
extern void *(*volatile fw_realloc)(void *, size_t);

#endif
