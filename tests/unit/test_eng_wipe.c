/*
 * test_eng_wipe.c - a freed secret is gone from the freed memory.
 *
 * free() and realloc() are watched (freewatch.h): a block that still holds
 * the secret when it goes back to the allocator is a hit.  The engine's
 * wipe code is compiled into this test at -O2 whatever the build type,
 * where GCC removes a memset() that only precedes a free().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "freewatch.h"
#include "toy_codec.h"

#define SECRET "wipe-test-psk-5f1c0e97a3"

static void test_plain_free_is_seen(void **state)
{
	char *s = strdup(SECRET);

	assert_non_null(s);
	fw_arm(SECRET);
	fw_watch(s);
	fw_free(s);
	fw_disarm();
	/* the detector finds a secret that nobody wiped */
	assert_int_equal(fw.seen, 1);
	assert_int_equal(fw.hits, 1);
}

static void test_plain_realloc_is_seen(void **state)
{
	char *s = strdup(SECRET), *t;

	assert_non_null(s);
	fw_arm(SECRET);
	t = fw_realloc(s, 4096);
	fw_disarm();
	assert_non_null(t);
	assert_int_equal(fw.hits, 1);
	free(t);
}

static void test_secret_free(void **state)
{
	char *s = strdup(SECRET);

	assert_non_null(s);
	fw_arm(SECRET);
	fw_watch(s);
	eng_secret_free(s);
	eng_secret_free(NULL);
	fw_disarm();
	assert_int_equal(fw.seen, 1);
	assert_int_equal(fw.hits, 0);
}

static void test_secret_realloc(void **state)
{
	char *s = strdup(SECRET), *t;
	size_t len = strlen(SECRET) + 1;

	assert_non_null(s);
	fw_arm(SECRET);
	fw_watch(s);
	t = eng_secret_realloc(s, len, len, 4096);
	fw_disarm();
	assert_non_null(t);
	assert_string_equal(t, SECRET);
	assert_int_equal(fw.seen, 1);
	assert_int_equal(fw.hits, 0);
	eng_secret_free(t);
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
	fw_arm(SECRET);
	fw_watch(b.psk);
	fw_watch(b.xauth_password);
	fw_watch(a.psk);
	fw_watch(a.xauth_password);
	eng_obj_clear(ENG_OBJ_TUNNEL, &b);
	eng_obj_clear(ENG_OBJ_TUNNEL, &a);
	fw_disarm();
	assert_int_equal(fw.seen, 4);
	assert_int_equal(fw.hits, 0);
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
	fw_arm(SECRET);
	put_psk(s, "HQ", SECRET);
	assert_int_equal(eng_config_text(s, ENG_CANDIDATE, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, SECRET));
	fw_watch(text);
	eng_secret_free(text);
	commit_ok(s, "with the key");
	assert_int_equal(eng_cand_begin(s), 0);
	put_psk(s, "HQ", "another-key");
	commit_ok(s, "key changed");
	eng_sess_close(s);
	tenv_close(&e);
	fw_disarm();
	assert_int_equal(fw.seen, 1);
	assert_true(fw.freed > 10);
	assert_int_equal(fw.hits, 0);
}

/* The replies waiting on the daemon's side of a connection: the rc of the
 * one to seq, and whether any of them held the secret; then drained. */
static int ctl_drain(struct eng_ctl *c, uint32_t seq, bool *held)
{
	const uint8_t *out;
	size_t n = eng_ctl_pending(c, (const void **)&out), off = 0;
	int32_t rc = -EPROTO;

	*held = n && memmem(out, n, SECRET, strlen(SECRET)) != NULL;
	while (off + CTL_HDR_LEN <= n) {
		struct ctl_hdr h;

		ctl_hdr_get(out + off, &h);
		if (h.type == CTL_REPLY && h.seq == seq && h.len >= 4)
			memcpy(&rc, out + off + CTL_HDR_LEN, 4);
		off += CTL_HDR_LEN + h.len;
	}
	eng_ctl_sent(c, n);
	return rc;
}

static void ebuf_drop(struct ebuf *b)
{
	eng_wipe(b->s, b->cap);
	free(b->s);
	*b = (struct ebuf){0};
}

/* One request, fed a few bytes at a time; the reply's rc. */
static int ctl_call(struct eng_ctl *c, uint16_t op, uint32_t seq, struct ebuf *req, bool *held)
{
	struct ebuf f = {0};

	ctl_frame(&f, op, seq, req ? req->s : NULL, req ? req->len : 0);
	assert_false(f.oom);
	for (size_t i = 0; i < f.len; i += 7)
		assert_int_equal(eng_ctl_input(c, f.s + i, f.len - i < 7 ? f.len - i : 7), 0);
	ebuf_drop(&f);
	if (req)
		ebuf_drop(req);
	return ctl_drain(c, seq, held);
}

/* The daemon's side: a tunnel with its key put (the input buffer grows
 * while it holds the key), read back, the whole configuration read with
 * secrets, the connection closed. */
static void test_ctl_server(void **state)
{
	static char junk[8192];
	struct tenv e;
	struct eng_ctl *c;
	struct eng_tunnel t;
	struct ebuf req = {0}, f = {0};
	size_t put_len;
	bool held;

	tenv_open(&e, NULL);
	assert_int_equal(eng_ctl_new(e.eng, "alice", ENG_ROLE_ADMIN, &c), 0);
	fw_arm(SECRET);
	assert_int_equal(ctl_call(c, CTL_CAND_BEGIN, 1, NULL, &held), 0);
	tunnel_init(&t, "HQ", 1);
	free(t.psk);
	t.psk = strdup(SECRET);
	wb_u32(&req, ENG_OBJ_TUNNEL);
	wb_obj(&req, ENG_OBJ_TUNNEL, &t);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	ctl_frame(&f, CTL_OBJ_PUT, 2, req.s, req.len);
	ebuf_drop(&req);
	put_len = f.len;
	/* a request too big for the buffer behind the first, unfinished one */
	memset(junk, 'j', sizeof(junk));
	ctl_frame(&f, CTL_HELLO, 3, junk, sizeof(junk));
	assert_false(f.oom);
	assert_int_equal(eng_ctl_input(c, f.s, put_len - 1), 0);
	assert_int_equal(eng_ctl_input(c, f.s + put_len - 1, f.len - put_len + 1), 0);
	ebuf_drop(&f);
	assert_int_equal(ctl_drain(c, 2, &held), 0);
	wb_u32(&req, ENG_CANDIDATE);
	wb_u32(&req, ENG_OBJ_TUNNEL);
	wb_str(&req, "HQ");
	assert_int_equal(ctl_call(c, CTL_OBJ_GET, 4, &req, &held), 0);
	assert_true(held); /* the reply carried the key */
	wb_u32(&req, ENG_CANDIDATE);
	wb_u32(&req, ENG_TEXT_SECRETS);
	assert_int_equal(ctl_call(c, CTL_CONFIG_TEXT, 5, &req, &held), 0);
	assert_true(held);
	eng_ctl_free(c);
	tenv_close(&e);
	fw_disarm();
	assert_true(fw.freed > 10);
	assert_int_equal(fw.hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_free_is_seen), cmocka_unit_test(test_plain_realloc_is_seen),
	    cmocka_unit_test(test_secret_free),	       cmocka_unit_test(test_secret_realloc),
	    cmocka_unit_test(test_obj_clear),	       cmocka_unit_test(test_store_and_commit),
	    cmocka_unit_test(test_ctl_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
