/* Planted for tests/lint: each pattern check-wipes.sh refuses. */ /* clang-format off */
#include <stdlib.h>
#include <string.h>

struct buf {
	char *s;
	size_t cap;
};

void next_line(char *psk)
{
	memset(psk, 0, strlen(psk));
	free(psk);
}

void one_line(char *key)
{
	memset(key, 0, 16); free(key);
}

void in_a_block(struct buf *b)
{
	if (b->s) {
		memset(b->s, 0, b->cap);
		free(b->s);
	}
}

void through_a_pointer(char **s)
{
	memset( *s, 0, strlen(*s) );
	free( *s );
}

void with_bzero(char *pw)
{
	bzero(pw, strlen(pw));
	/* one line between */
	free(pw);
}
