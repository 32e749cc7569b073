/* Planted for tests/lint: patterns check-wipes.sh lets through. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void wiped(char *psk)
{
	eng_wipe(psk, strlen(psk));
	free(psk);
}

void cleared_kept(char *table, size_t n)
{
	memset(table, 0, n); /* reused, not freed */
}

void another_pointer(char *a, char *b)
{
	memset(a, 0, 4);
	free(b);
}

void far_apart(char *a)
{
	memset(a, 0, 4);
	a[0] = 1;
	a[1] = 2;
	a[2] = 3;
	a[3] = 4;
	free(a);
}

/* memset(p, 0, n); free(p); in a comment is not code */
void in_a_string(const char *p)
{
	const char *doc = "memset(p, 0, n); free(p);";
	(void)doc;
	(void)p;
}
