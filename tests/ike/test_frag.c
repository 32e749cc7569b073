/* SPDX-License-Identifier: ISC */
/*
 * IKE fragmentation (RFC 7383, ike_frag.c): a message sealed as SKF
 * fragments reassembles to itself in any order, and hostile fragment sets
 * (tampered, duplicated, overlapping sets, mixed message IDs, too many,
 * too large, stale, timed out, bad numbers) are refused with nothing kept
 * beyond the bounds; ASan sees every buffer freed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ike_frag.h"
#include "ike_proto.h"
#include "xform.h"

static struct sk_ctx sk_gcm, sk_cbc;
static uint8_t big[65536];

static int setup(void **state)
{
	uint8_t ek[36], ak[32];

	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(ak); i++)
		ak[i] = (uint8_t)(i * 3 + 5);
	assert_int_equal(sk_ctx_init(&sk_gcm, xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256),
				     NULL, ek, NULL),
			 0);
	assert_int_equal(sk_ctx_init(&sk_cbc, xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 128),
				     xform_lookup(XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0), ek,
				     ak),
			 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31 + (i >> 8));
	return 0;
}

static void hdr_for(uint8_t h[28], uint32_t msgid)
{
	memset(h, 0, 28);
	memcpy(h, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	memcpy(h + 8, "\x99\xaa\xbb\xcc\xdd\xee\xff\x01", 8);
	h[17] = 0x20;
	h[18] = IKE_AUTH;
	h[19] = 0x08;
	h[20] = (uint8_t)(msgid >> 24);
	h[21] = (uint8_t)(msgid >> 16);
	h[22] = (uint8_t)(msgid >> 8);
	h[23] = (uint8_t)msgid;
}

static void seal(const struct sk_ctx *sk, uint32_t msgid, size_t len, size_t frag,
		 struct ike_frag_set *set)
{
	uint8_t h[28];

	hdr_for(h, msgid);
	assert_int_equal(ike_frag_seal(sk, h, IKE_PLD_IDI, big, len, frag, set), 0);
}

/* Every fragment fits, carries the RFC 7383 layout, and the set reassembles in any order. */
static void test_roundtrip(void **state)
{
	const struct sk_ctx *sks[] = {&sk_gcm, &sk_cbc};
	static const size_t sizes[] = {576, 1280, 1500};

	for (size_t k = 0; k < 2; k++)
		for (size_t z = 0; z < 3; z++) {
			struct ike_frag_set set;
			struct ike_frag_rx rx = {0};
			struct ike_frag_msg m;
			int ret = 0;

			seal(sks[k], 1, 5000, sizes[z], &set);
			assert_true(set.n >= 5000 / sizes[z]);
			for (size_t i = 0; i < set.n; i++) {
				const uint8_t *d = set.dgram[i];

				assert_true(set.len[i] <= sizes[z]);
				assert_int_equal(d[16], IKE_PLD_SKF);
				assert_int_equal(d[28], i == 0 ? IKE_PLD_IDI : 0);
				assert_int_equal(d[32] << 8 | d[33], i + 1);
				assert_int_equal(d[34] << 8 | d[35], set.n);
			}
			/* backwards, each one once */
			for (size_t i = set.n; i-- > 0;) {
				ret =
				    ike_frag_rx_input(&rx, sks[k], set.dgram[i], set.len[i], 0, &m);
				assert_int_equal(ret, i == 0 ? 1 : 0);
			}
			assert_int_equal(m.len, 5000);
			assert_int_equal(m.first, IKE_PLD_IDI);
			assert_int_equal(m.msgid, 1);
			assert_memory_equal(m.plain, big, 5000);
			assert_false(rx.active);
			ike_frag_msg_free(&m);
			ike_frag_set_free(&set);
		}
}

/* A tampered fragment fails its check and is not kept; duplicates are dropped. */
static void test_tampered_and_duplicate(void **state)
{
	struct ike_frag_set set;
	struct ike_frag_rx rx = {0};
	struct ike_frag_msg m;

	seal(&sk_gcm, 3, 3000, 576, &set);
	assert_true(set.n > 3);
	set.dgram[1][60] ^= 1;
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[1], set.len[1], 0, &m), -EACCES);
	assert_false(rx.active);
	/* the numbers are authenticated too */
	set.dgram[1][60] ^= 1;
	set.dgram[1][35] ^= 1;
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[1], set.len[1], 0, &m), -EACCES);
	set.dgram[1][35] ^= 1;
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[0], set.len[0], 0, &m), 0);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[0], set.len[0], 0, &m),
			 -EALREADY);
	assert_int_equal(rx.have, 1);
	/* the wrong keys: nothing kept */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_cbc, set.dgram[2], set.len[2], 0, &m), -EACCES);
	assert_int_equal(rx.have, 1);
	for (size_t i = 1; i < set.n; i++)
		assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[i], set.len[i], 0, &m),
				 i + 1 == set.n ? 1 : 0);
	assert_memory_equal(m.plain, big, 3000);
	ike_frag_msg_free(&m);
	ike_frag_set_free(&set);
}

/* Mixed message IDs: a newer one replaces the set, an older one is stale. */
static void test_mixed_messages(void **state)
{
	struct ike_frag_set a, b;
	struct ike_frag_rx rx = {0};
	struct ike_frag_msg m;

	seal(&sk_gcm, 5, 2000, 576, &a);
	seal(&sk_gcm, 6, 2000, 576, &b);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, a.dgram[0], a.len[0], 0, &m), 0);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, b.dgram[1], b.len[1], 0, &m), 0);
	assert_int_equal(rx.msgid, 6);
	assert_int_equal(rx.have, 1);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, a.dgram[1], a.len[1], 0, &m), -ESTALE);
	assert_int_equal(rx.have, 1);
	for (size_t i = 0; i < b.n; i++)
		if (i != 1)
			assert_int_equal(
			    ike_frag_rx_input(&rx, &sk_gcm, b.dgram[i], b.len[i], 0, &m),
			    i + 1 == b.n ? 1 : 0);
	assert_int_equal(m.msgid, 6);
	assert_memory_equal(m.plain, big, 2000);
	ike_frag_msg_free(&m);
	ike_frag_set_free(&a);
	ike_frag_set_free(&b);
}

/* A retransmission in smaller fragments (overlapping the first set) starts again. */
static void test_overlapping_sets(void **state)
{
	struct ike_frag_set big_f, small_f;
	struct ike_frag_rx rx = {0};
	struct ike_frag_msg m;

	seal(&sk_gcm, 2, 4000, 1500, &big_f);
	seal(&sk_gcm, 2, 4000, 576, &small_f);
	assert_true(small_f.n > big_f.n);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, big_f.dgram[0], big_f.len[0], 0, &m), 0);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, small_f.dgram[0], small_f.len[0], 0, &m),
			 0);
	assert_int_equal(rx.total, small_f.n);
	assert_int_equal(rx.have, 1);
	/* the larger fragments of the same message no longer fit: dropped */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, big_f.dgram[1], big_f.len[1], 0, &m),
			 -ESTALE);
	for (size_t i = 1; i < small_f.n; i++)
		assert_int_equal(
		    ike_frag_rx_input(&rx, &sk_gcm, small_f.dgram[i], small_f.len[i], 0, &m),
		    i + 1 == small_f.n ? 1 : 0);
	assert_memory_equal(m.plain, big, 4000);
	ike_frag_msg_free(&m);
	ike_frag_set_free(&big_f);
	ike_frag_set_free(&small_f);
}

/* Build one fragment by hand: number, total, next payload as given. */
static size_t forge(uint8_t *d, uint32_t msgid, uint16_t num, uint16_t total, uint8_t next,
		    size_t plainlen)
{
	struct ike_frag_set s;
	uint8_t h[28];
	size_t len;

	hdr_for(h, msgid);
	assert_int_equal(ike_frag_seal(&sk_gcm, h, next ? next : 1, big, plainlen, 65535, &s), 0);
	assert_int_equal(s.n, 1);
	len = s.len[0];
	memcpy(d, s.dgram[0], len);
	ike_frag_set_free(&s);
	/* reseal with the numbers wanted (they are in the associated data) */
	{
		size_t n;

		d[28] = next;
		d[32] = (uint8_t)(num >> 8);
		d[33] = (uint8_t)num;
		d[34] = (uint8_t)(total >> 8);
		d[35] = (uint8_t)total;
		assert_int_equal(sk_seal(&sk_gcm, d, IKE_FRAG_HDR_LEN, NULL, big, plainlen,
					 d + IKE_FRAG_HDR_LEN, len - IKE_FRAG_HDR_LEN, &n),
				 0);
	}
	return len;
}

/* Numbers and lengths out of bounds: refused before anything is kept. */
static void test_hostile_numbers(void **state)
{
	static uint8_t d[70000];
	struct ike_frag_rx rx = {0};
	struct ike_frag_msg m;
	size_t len;

	len = forge(d, 1, 0, 3, IKE_PLD_IDI, 100); /* fragment 0 */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -EBADMSG);
	len = forge(d, 1, 4, 3, 0, 100); /* past the total */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -EBADMSG);
	len = forge(d, 1, 2, 3, IKE_PLD_IDI, 100); /* a next payload in fragment 2 */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -EBADMSG);
	len = forge(d, 1, 1, 3, 0, 100); /* none in fragment 1 */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -EBADMSG);
	len = forge(d, 1, 2, IKE_FRAG_MAX_COUNT + 1, 0, 100); /* too many */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -E2BIG);
	assert_false(rx.active);
	/* lengths: the IKE header's and the SKF payload's must be the datagram's */
	len = forge(d, 1, 2, 3, 0, 100);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len - 1, 0, &m), -EBADMSG);
	d[31] ^= 1;
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -EBADMSG);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, 20, 0, &m), -EBADMSG);
	assert_false(rx.active);

	/* more octets than a message may have: the set goes */
	len = forge(d, 1, 1, 3, IKE_PLD_IDI, 40000);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), 0);
	len = forge(d, 1, 2, 3, 0, 30000);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, d, len, 0, &m), -E2BIG);
	assert_false(rx.active);
	assert_int_equal(rx.bytes, 0);
}

/* An incomplete message is dropped after the time limit. */
static void test_timeout(void **state)
{
	struct ike_frag_set set;
	struct ike_frag_rx rx = {0};
	struct ike_frag_msg m;

	seal(&sk_gcm, 9, 2000, 576, &set);
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[0], set.len[0], 1000, &m), 0);
	assert_false(ike_frag_rx_expire(&rx, 1000 + IKE_FRAG_TIMEOUT_MS - 1));
	assert_true(rx.active);
	/* a late fragment finds the set gone and starts a new one alone */
	assert_int_equal(ike_frag_rx_input(&rx, &sk_gcm, set.dgram[1], set.len[1],
					   1000 + IKE_FRAG_TIMEOUT_MS, &m),
			 0);
	assert_int_equal(rx.have, 1);
	assert_null(rx.piece[0]);
	assert_true(ike_frag_rx_expire(&rx, 1000 + 2 * IKE_FRAG_TIMEOUT_MS));
	assert_false(rx.active);
	ike_frag_rx_clear(&rx);
	ike_frag_set_free(&set);
}

/* What cannot be sent fragmented: too small a size, too many fragments. */
static void test_seal_bounds(void **state)
{
	struct ike_frag_set set;
	uint8_t h[28];

	hdr_for(h, 1);
	assert_int_equal(ike_frag_seal(&sk_gcm, h, IKE_PLD_IDI, big, 100, 64, &set), -EINVAL);
	assert_int_equal(ike_frag_seal(&sk_gcm, h, IKE_PLD_IDI, big, 6000, IKE_FRAG_MIN_SIZE, &set),
			 -E2BIG);
	assert_int_equal(set.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),	    cmocka_unit_test(test_tampered_and_duplicate),
	    cmocka_unit_test(test_mixed_messages),  cmocka_unit_test(test_overlapping_sets),
	    cmocka_unit_test(test_hostile_numbers), cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_seal_bounds),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
