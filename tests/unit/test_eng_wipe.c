/*
 * test_eng_wipe.c - a freed secret is gone from the freed memory.
 *
 * free() and realloc() are wrapped (-Wl,--wrap=...): while a test is
 * armed, every block freed by the engine, or handed to realloc() (which
 * may move it and free the old copy), is searched for the secret just
 * before it goes back to the allocator (under ASan it is poisoned after).  The engine's
 * wipe code is compiled into this test at -O2 whatever the build type,
 * where GCC removes a memset() that only precedes a free().
 */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toy_codec.h"

#define SECRET "wipe-test-psk-5f1c0e97a3"

static struct {
	bool armed;
	const void *watch[4];
	size_t n_watch;
	size_t seen;  /* watched blocks freed */
	size_t hits;  /* freed or realloc'd blocks that still held the secret */
	size_t freed; /* blocks freed while armed */
} g;

void __real_free(void *p);
void __wrap_free(void *p);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

static bool holds_secret(void *p)
{
	return memmem(p, malloc_usable_size(p), SECRET, strlen(SECRET)) != NULL;
}

void __wrap_free(void *p)
{
	if (g.armed && p) {
		g.freed++;
		if (holds_secret(p))
			g.hits++;
		for (size_t i = 0; i < g.n_watch; i++)
			if (p == g.watch[i])
				g.seen++;
	}
	__real_free(p);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (g.armed && p && holds_secret(p))
		g.hits++;
	return __real_realloc(p, n);
}

static void arm(void)
{
	memset(&g, 0, sizeof(g));
	g.armed = true;
}

static void watch(const void *p)
{
	assert_true(g.n_watch < 4);
	g.watch[g.n_watch++] = p;
}

/* Through pointers the optimiser cannot see through: it knows the
 * allocator's calls touch nothing of ours, and would keep g in registers
 * across them (or drop a strdup() followed by free()). */
static void (*volatile plain_free)(void *) = free;
static void *(*volatile plain_realloc)(void *, size_t) = realloc;

static void test_plain_free_is_seen(void **state)
{
	char *s = strdup(SECRET);

	assert_non_null(s);
	arm();
	watch(s);
	plain_free(s);
	g.armed = false;
	/* the detector finds a secret that nobody wiped */
	assert_int_equal(g.seen, 1);
	assert_int_equal(g.hits, 1);
}

static void test_plain_realloc_is_seen(void **state)
{
	char *s = strdup(SECRET), *t;

	assert_non_null(s);
	arm();
	t = plain_realloc(s, 4096);
	g.armed = false;
	assert_non_null(t);
	assert_int_equal(g.hits, 1);
	free(t);
}

static void test_secret_realloc(void **state)
{
	char *s = strdup(SECRET), *t;
	size_t len = strlen(SECRET) + 1;

	assert_non_null(s);
	arm();
	watch(s);
	t = eng_secret_realloc(s, len, len, 4096);
	g.armed = false;
	assert_non_null(t);
	assert_string_equal(t, SECRET);
	assert_int_equal(g.seen, 1);
	assert_int_equal(g.hits, 0);
	eng_secret_free(t);
}

static void test_secret_free(void **state)
{
	char *s = strdup(SECRET);

	assert_non_null(s);
	arm();
	watch(s);
	eng_secret_free(s);
	eng_secret_free(NULL);
	g.armed = false;
	assert_int_equal(g.seen, 1);
	assert_int_equal(g.hits, 0);
}

static void test_obj_clear(void **state)
{
	struct eng_tunnel a, b;

	tunnel_init(&a, "HQ", 1);
	free(a.psk);
	a.psk = strdup(SECRET);
	a.xauth_user = strdup("user");
	a.xauth_password = strdup(SECRET);
	assert_int_equal(eng_obj_copy(ENG_OBJ_TUNNEL, &b, &a), 0);
	arm();
	watch(b.psk);
	watch(b.xauth_password);
	watch(a.psk);
	watch(a.xauth_password);
	eng_obj_clear(ENG_OBJ_TUNNEL, &b);
	eng_obj_clear(ENG_OBJ_TUNNEL, &a);
	g.armed = false;
	assert_int_equal(g.seen, 4);
	assert_int_equal(g.hits, 0);
	assert_null(b.psk);
}

static void put_psk(struct eng_sess *s, const char *name, const char *psk)
{
	struct eng_tunnel t;

	tunnel_init(&t, name, 1);
	free(t.psk);
	t.psk = strdup(psk);
	put_tunnel(s, &t);
}

/* A candidate's copies, the rendered text, a commit and its history, the
 * key changed and the engine closed: no freed block keeps the key. */
static void test_store_and_commit(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	char *text = NULL;

	tenv_open(&e, NULL);
	s = tenv_admin(&e, "alice");
	arm();
	put_psk(s, "HQ", SECRET);
	assert_int_equal(eng_config_text(s, ENG_CANDIDATE, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, SECRET));
	watch(text);
	eng_secret_free(text);
	commit_ok(s, "with the key");
	assert_int_equal(eng_cand_begin(s), 0);
	put_psk(s, "HQ", "another-key");
	commit_ok(s, "key changed");
	eng_sess_close(s);
	tenv_close(&e);
	g.armed = false;
	assert_int_equal(g.seen, 1);
	assert_true(g.freed > 10);
	assert_int_equal(g.hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_free_is_seen), cmocka_unit_test(test_plain_realloc_is_seen),
	    cmocka_unit_test(test_secret_free),	       cmocka_unit_test(test_secret_realloc),
	    cmocka_unit_test(test_obj_clear),	       cmocka_unit_test(test_store_and_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
