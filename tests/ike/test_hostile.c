/* SPDX-License-Identifier: ISC */
/*
 * An authenticated but hostile peer: b's engine internals are used to send
 * well-protected requests that a real peer should never send, and a's
 * answers are opened with b's keys. a must answer with the right notify or
 * drop and count, and keep its state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fakenet.h"
#include "ike_sa.h"

static struct fn_side A, B;
static struct ike_peer_conf CA, CB;

static void subnet(struct ike_subnet *s, const char *ip, uint8_t plen)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = plen;
}

static void conf(struct ike_peer_conf *c, const char *name, const char *l, const char *r,
		 const char *ln, const char *rn)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, l, 500);
	fn_addr(&c->remote, r, 500);
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
					   .encr_bits = {256},
					   .n_encr = 1,
					   .integ = {IKE_AUTH_HMAC_SHA2_256_128},
					   .n_integ = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_ECP256},
					   .n_dh = 1};
	c->child = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
					  .encr_bits = {128},
					  .n_encr = 1,
					  .integ = {IKE_AUTH_HMAC_SHA2_256_128},
					  .n_integ = 1};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, "hostile-test-psk", 16);
	c->psk_len = 16;
	subnet(&c->local_net[0], ln, 24);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rn, 24);
	c->n_remote_net = 1;
}

static int setup(void **state)
{
	fn_side_init(&A, "a", "192.0.2.1", NULL);
	fn_side_init(&B, "b", "192.0.2.2", NULL);
	fn_reset(&A, &B);
	conf(&CA, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", "10.2.0.0");
	conf(&CB, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", "10.1.0.0");
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	return 0;
}

static int teardown(void **state)
{
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	return 0;
}

static struct ike_sa *sa_of(struct fn_side *s)
{
	struct ike_sa *sa = s->e->sas;

	assert_non_null(sa);
	assert_int_equal(sa->state, IKE_SA_ESTABLISHED);
	return sa;
}

/* Open a's answer (the queued datagram) with b's keys. */
static struct ike_msg *open_answer(uint8_t *plain, size_t cap)
{
	struct ike_sa *sb = sa_of(&B);
	struct ike_msg *m = malloc(sizeof(*m));
	const uint8_t *body;
	size_t aadlen, bodylen, plainlen;

	assert_true(fn.n > 0);
	assert_int_equal(ike_msg_parse(fn.q[0].buf, fn.q[0].len, m), 0);
	assert_true(m->hdr.flags & IKE_FLAG_RESPONSE);
	assert_int_equal(ike_msg_sk_span(m, fn.q[0].buf, &aadlen, &body, &bodylen), 0);
	assert_int_equal(
	    sk_open(&sb->sk_in, fn.q[0].buf, aadlen, body, bodylen, plain, cap, &plainlen), 0);
	assert_int_equal(ike_msg_parse_inner(m, plain, plainlen), 0);
	return m;
}

static uint16_t first_notify(const struct ike_msg *m, struct ike_notify *n)
{
	const struct ike_pld *p = ike_msg_find(m, IKE_PLD_NOTIFY, 0);

	if (p == NULL)
		return 0;
	assert_int_equal(ike_parse_notify(p, n), 0);
	return n->type;
}

/* b sends inner payloads w as a request of exchange x. */
static void forge(uint8_t exchange, enum ike_req_kind kind, struct ike_writer *w)
{
	assert_int_equal(ike_send_request(sa_of(&B), exchange, kind, w), 0);
	assert_int_equal(fn.n, 1);
	fn_step(); /* to a; a's answer is now queued */
}

static void assert_a_unchanged(void)
{
	struct ike_tunnel_info ia;

	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_true(ia.ike_up);
	assert_int_equal(ia.n_child, 1);
	assert_int_equal(A.n_deleted, 0);
	assert_int_equal(A.n_installed, 1);
}

static void test_unsupported_critical_inside(void **state)
{
	uint8_t ibuf[64], plain[256];
	struct ike_writer w;
	struct ike_notify n;
	struct ike_msg *m;
	size_t start;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_pld_begin(&w, 222, true, &start);
	ike_write_u32(&w, 0xdeadbeef);
	ike_pld_end(&w, start);
	forge(IKE_INFORMATIONAL, IKE_REQ_DPD, &w);
	m = open_answer(plain, sizeof(plain));
	assert_int_equal(first_notify(m, &n), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(n.len, 1);
	assert_int_equal(n.data[0], 222);
	free(m);
	assert_int_equal(ike_engine_stats(A.e)->unsupported_critical, 1);
	fn_run();
	assert_a_unchanged();
}

static void test_payload_not_allowed(void **state)
{
	uint8_t ibuf[64], plain[256];
	struct ike_writer w;
	struct ike_notify n;
	struct ike_msg *m;

	/* an IDi in an INFORMATIONAL exchange */
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_id(&w, IKE_PLD_IDI,
		     &(struct ike_id){.type = IKE_ID_FQDN, .data = (const uint8_t *)"x", .len = 1});
	forge(IKE_INFORMATIONAL, IKE_REQ_DPD, &w);
	m = open_answer(plain, sizeof(plain));
	assert_int_equal(first_notify(m, &n), IKE_N_INVALID_SYNTAX);
	free(m);
	assert_int_equal(ike_engine_stats(A.e)->drop_rules, 1);
	fn_run();
	assert_a_unchanged();
}

static void test_delete_unknown_spi(void **state)
{
	uint8_t ibuf[64], plain[256], spi[4] = {1, 2, 3, 4};
	struct ike_writer w;
	struct ike_msg *m;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_delete(&w, &(struct ike_delete){IKE_PROTO_ESP, 4, 1, spi});
	forge(IKE_INFORMATIONAL, IKE_REQ_DPD, &w);
	m = open_answer(plain, sizeof(plain));
	/* nothing to delete: an empty answer */
	assert_null(ike_msg_find(m, IKE_PLD_DELETE, 0));
	free(m);
	fn_run();
	assert_a_unchanged();
}

static void test_rekey_unknown_child(void **state)
{
	uint8_t ibuf[512], plain[256], spi[4] = {9, 9, 9, 9}, nonce[32] = {1};
	struct ike_sa_pld *prop = malloc(sizeof(*prop));
	struct ike_ts_pld *ts = calloc(1, sizeof(*ts));
	struct ike_writer w;
	struct ike_notify n;
	struct ike_msg *m;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_notify(
	    &w, &(struct ike_notify){
		    .protocol = IKE_PROTO_ESP, .spi_size = 4, .type = IKE_N_REKEY_SA, .spi = spi});
	ike_prop_build(&CB.child, 1, IKE_PROTO_ESP, spi, 4, false, 0, prop);
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){nonce, sizeof(nonce)});
	ike_build_ts(&w, IKE_PLD_TSI, ts);
	ike_build_ts(&w, IKE_PLD_TSR, ts);
	forge(IKE_CREATE_CHILD_SA, IKE_REQ_CHILD_REKEY, &w);
	m = open_answer(plain, sizeof(plain));
	assert_int_equal(first_notify(m, &n), IKE_N_CHILD_SA_NOT_FOUND);
	free(m);
	free(prop);
	free(ts);
	fn_run();
	assert_a_unchanged();
}

/* A new CHILD_SA asking for selectors a does not have: TS_UNACCEPTABLE. */
static void test_new_child_bad_ts(void **state)
{
	uint8_t ibuf[512], plain[256], spi[4] = {9, 9, 9, 9}, nonce[32] = {1};
	struct ike_sa_pld *prop = malloc(sizeof(*prop));
	struct ike_ts_range r;
	struct ike_subnet s;
	struct ike_ts_pld ts;
	struct ike_writer w;
	struct ike_notify n;
	struct ike_msg *m;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_prop_build(&CB.child, 1, IKE_PROTO_ESP, spi, 4, false, 0, prop);
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){nonce, sizeof(nonce)});
	subnet(&s, "172.16.0.0", 12);
	ike_subnet_range(&s, &r);
	ike_ts_to_wire(&r, 1, &ts);
	ike_build_ts(&w, IKE_PLD_TSI, &ts);
	ike_build_ts(&w, IKE_PLD_TSR, &ts);
	forge(IKE_CREATE_CHILD_SA, IKE_REQ_CHILD_REKEY, &w);
	m = open_answer(plain, sizeof(plain));
	assert_int_equal(first_notify(m, &n), IKE_N_TS_UNACCEPTABLE);
	free(m);
	free(prop);
	fn_run();
	assert_a_unchanged();
}

/* A new CHILD_SA within a's selectors is accepted (more CHILD_SAs, §1.3.1). */
static void test_new_child_ok(void **state)
{
	uint8_t ibuf[512], plain[512], spi[4] = {0x12, 0x34, 0x56, 0x78}, nonce[32] = {1};
	struct ike_sa_pld *prop = malloc(sizeof(*prop));
	struct ike_ts_range r;
	struct ike_subnet s;
	struct ike_ts_pld ts;
	struct ike_writer w;
	struct ike_msg *m;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_prop_build(&CB.child, 1, IKE_PROTO_ESP, spi, 4, false, 0, prop);
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){nonce, sizeof(nonce)});
	subnet(&s, "10.2.0.0", 24);
	ike_subnet_range(&s, &r);
	ike_ts_to_wire(&r, 1, &ts);
	ike_build_ts(&w, IKE_PLD_TSI, &ts);
	subnet(&s, "10.1.0.0", 25); /* a narrower selector on a's side */
	ike_subnet_range(&s, &r);
	ike_ts_to_wire(&r, 1, &ts);
	ike_build_ts(&w, IKE_PLD_TSR, &ts);
	forge(IKE_CREATE_CHILD_SA, IKE_REQ_CHILD_REKEY, &w);
	m = open_answer(plain, sizeof(plain));
	assert_non_null(ike_msg_find(m, IKE_PLD_SA, 0));
	assert_non_null(ike_msg_find(m, IKE_PLD_NONCE, 0));
	free(m);
	free(prop);
	assert_int_equal(A.n_installed, 2);
	assert_int_equal(A.installed[1].spi_out, 0x12345678);
	assert_false(A.installed[1].initiator);
	assert_int_equal(A.installed[1].ts_local[0].end[3], 127);
	fn_run();
}

/* An authenticated peer asking for CHILD_SA after CHILD_SA hits a limit. */
static void test_child_limit(void **state)
{
	uint8_t ibuf[512], plain[512], spi[4] = {0x12, 0x34, 0x56, 0x78}, nonce[32] = {1};
	struct ike_sa_pld *prop = malloc(sizeof(*prop));
	struct ike_ts_range r[2];
	struct ike_subnet s;
	struct ike_ts_pld ts;
	struct ike_writer w;
	struct ike_notify n;
	struct ike_msg *m = NULL;
	int i;

	ike_prop_build(&CB.child, 1, IKE_PROTO_ESP, spi, 4, false, 0, prop);
	subnet(&s, "10.2.0.0", 24);
	ike_subnet_range(&s, &r[0]);
	subnet(&s, "10.1.0.0", 24);
	ike_subnet_range(&s, &r[1]);
	for (i = 0; i < 100; i++) {
		ike_writer_init(&w, ibuf, sizeof(ibuf));
		ike_build_sa(&w, prop);
		ike_build_nonce(&w, &(struct ike_nonce){nonce, sizeof(nonce)});
		ike_ts_to_wire(&r[0], 1, &ts);
		ike_build_ts(&w, IKE_PLD_TSI, &ts);
		ike_ts_to_wire(&r[1], 1, &ts);
		ike_build_ts(&w, IKE_PLD_TSR, &ts);
		forge(IKE_CREATE_CHILD_SA, IKE_REQ_CHILD_REKEY, &w);
		m = open_answer(plain, sizeof(plain));
		if (first_notify(m, &n) == IKE_N_NO_ADDITIONAL_SAS)
			break;
		free(m);
		m = NULL;
		fn_run();
	}
	assert_non_null(m);
	free(m);
	free(prop);
	assert_int_equal(i, 63); /* 1 from IKE_AUTH + 63 */
	fn_run();
}

/* IKE_AUTH again on an established SA, and a response nobody asked for: dropped. */
static void test_unexpected(void **state)
{
	struct ike_sa *sb = sa_of(&B);
	uint8_t ibuf[64], *buf;
	struct ike_writer w;
	uint64_t before = ike_engine_stats(A.e)->drop_unexpected;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_id(&w, IKE_PLD_IDI,
		     &(struct ike_id){.type = IKE_ID_FQDN, .data = (const uint8_t *)"x", .len = 1});
	ike_add_notify(&w, IKE_N_INITIAL_CONTACT, NULL, 0);
	assert_int_equal(ike_send_request(sb, IKE_AUTH, IKE_REQ_AUTH, &w), 0);
	fn_step();
	assert_int_equal(ike_engine_stats(A.e)->drop_unexpected, before + 1);
	assert_int_equal(fn.n, 0);
	/* b answers a request a never sent */
	ike_req_done(sb);
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	assert_int_equal(ike_send_response(sb, IKE_INFORMATIONAL, 7, &w), 0);
	fn_step();
	assert_int_equal(ike_engine_stats(A.e)->drop_msgid, 1);
	assert_a_unchanged();
	(void)buf;
}

/*
 * IKE rekey when the peer has come to want another group (its configuration
 * edited in place, as a renegotiating change would not show this): the
 * INVALID_KE_PAYLOAD answer is followed by a rekey with that group.
 */
static void test_rekey_ike_invalid_ke(void **state)
{
	struct ike_tunnel_info ia, ib;

	A.e->tunnels->conf.ike[0].dh[1] = IKE_DH_CURVE25519;
	A.e->tunnels->conf.ike[0].n_dh = 2;
	B.e->tunnels->conf.ike[0].dh[0] = IKE_DH_CURVE25519;
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.dh, IKE_DH_CURVE25519);
	assert_int_equal(ib.dh, IKE_DH_CURVE25519);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	assert_int_equal(ia.n_child, 1);
}

/* prf+ (RFC 7296 §2.13) with HMAC-SHA-256, written out here independently of prf.c. */
static void prfplus_sha256(const uint8_t *key, size_t keylen, const uint8_t *seed, size_t seedlen,
			   uint8_t *out, size_t outlen)
{
	uint8_t t[32], in[32 + 600 + 1];
	size_t tlen = 0, done = 0;

	assert_true(seedlen <= 600);
	for (uint8_t i = 1; done < outlen; i++) {
		unsigned int n = 0;
		size_t inlen = 0;

		memcpy(in, t, tlen);
		inlen = tlen;
		memcpy(in + inlen, seed, seedlen);
		inlen += seedlen;
		in[inlen++] = i;
		assert_non_null(HMAC(EVP_sha256(), key, (int)keylen, in, inlen, t, &n));
		tlen = n;
		memcpy(out + done, t, outlen - done < tlen ? outlen - done : tlen);
		done += outlen - done < tlen ? outlen - done : tlen;
	}
}

/*
 * The CHILD_SA keys the engine hands to the kernel, against KEYMAT computed
 * here (§2.17): initiator-to-responder first, encryption key before
 * integrity key. Both ends agreeing proves little if both had the order
 * wrong; this does not depend on the engine's own ordering.
 */
static void test_child_keymat_order(void **state)
{
	struct ike_sa *sa = sa_of(&A);
	const struct ike_child_sa *c = &A.installed[0];
	uint8_t seed[2 * IKE_NONCE_MAX], km[2 * (16 + 32)];
	size_t ek = 16, ak = 32;

	assert_true(sa->initiator);
	assert_int_equal(sa->keys.prf_len, 32);
	assert_int_equal(c->encr_key_len, ek);
	assert_int_equal(c->integ_key_len, ak);
	memcpy(seed, sa->ni, sa->ni_len);
	memcpy(seed + sa->ni_len, sa->nr, sa->nr_len);
	prfplus_sha256(sa->keys.sk_d, 32, seed, sa->ni_len + sa->nr_len, km, sizeof(km));
	assert_memory_equal(c->encr_key_out, km, ek);
	assert_memory_equal(c->integ_key_out, km + ek, ak);
	assert_memory_equal(c->encr_key_in, km + ek + ak, ek);
	assert_memory_equal(c->integ_key_in, km + 2 * ek + ak, ak);

	/* a CHILD_SA rekey without PFS: the nonces of that exchange, ours first */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 2);
	c = &A.installed[1];
	memcpy(seed, sa->cn, sa->cn_len);
	memcpy(seed + sa->cn_len, sa->rekey_nr, sa->rekey_nr_len);
	prfplus_sha256(sa->keys.sk_d, 32, seed, sa->cn_len + sa->rekey_nr_len, km, sizeof(km));
	assert_memory_equal(c->encr_key_out, km, ek);
	assert_memory_equal(c->integ_key_in, km + 2 * ek + ak, ak);
}

/* A response whose exchange type is not the request's: dropped, request still pending. */
static void test_response_wrong_exchange(void **state)
{
	struct ike_sa *sa_a = sa_of(&A), *sb = sa_of(&B);
	uint8_t ibuf[16];
	struct ike_writer w;
	uint32_t msgid = sa_a->msgid_out;

	assert_int_equal(ike_info_dpd(sa_a), 0);
	fn_drop(); /* b never sees the DPD request */
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	sb->msgid_in = msgid;
	assert_int_equal(ike_send_response(sb, IKE_CREATE_CHILD_SA, msgid, &w), 0);
	fn_step();
	assert_int_equal(ike_engine_stats(A.e)->drop_msgid, 1);
	assert_true(sa_a->req.active);
	/* the right type completes it */
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	assert_int_equal(ike_send_response(sb, IKE_INFORMATIONAL, msgid, &w), 0);
	fn_step();
	assert_false(sa_a->req.active);
	assert_a_unchanged();
}

/* Many well-formed but random inner payload sets: a never crashes, never loses its SA. */
static void test_random_inner(void **state)
{
	unsigned seed = 99;

	for (int i = 0; i < 300; i++) {
		uint8_t ibuf[256];
		struct ike_writer w;
		size_t start;
		int n = 1 + i % 4;

		ike_writer_init(&w, ibuf, sizeof(ibuf));
		for (int k = 0; k < n; k++) {
			uint8_t type;
			uint8_t len;

			seed = seed * 1103515245 + 12345;
			type = (uint8_t)(33 + (seed >> 16) % 16);
			len = (uint8_t)((seed >> 8) % 24);
			if (type == IKE_PLD_SK || type == IKE_PLD_DELETE)
				type = IKE_PLD_VENDOR;
			ike_pld_begin(&w, type, false, &start);
			for (uint8_t j = 0; j < len; j++)
				ike_write_u8(&w, (uint8_t)(seed >> (j % 24)));
			ike_pld_end(&w, start);
		}
		assert_int_equal(ike_send_request(sa_of(&B),
						  i % 2 ? IKE_INFORMATIONAL : IKE_CREATE_CHILD_SA,
						  IKE_REQ_DPD, &w),
				 0);
		fn_run();
		ike_req_done(sa_of(&B));
	}
	{
		struct ike_tunnel_info ia;

		assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
		assert_true(ia.ike_up);
		assert_true(ia.n_child >= 1);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_unsupported_critical_inside),
	    T(test_payload_not_allowed),
	    T(test_delete_unknown_spi),
	    T(test_rekey_unknown_child),
	    T(test_new_child_bad_ts),
	    T(test_new_child_ok),
	    T(test_child_limit),
	    T(test_unexpected),
	    T(test_rekey_ike_invalid_ke),
	    T(test_child_keymat_order),
	    T(test_response_wrong_exchange),
	    T(test_random_inner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
