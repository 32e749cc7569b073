/* SPDX-License-Identifier: ISC */
/*
 * IKEv2 exchanges between two engines in one process over a fake network
 * (fakenet.h), with a recording CHILD_SA sink on each side. "a" is
 * 192.0.2.1 protecting 10.1.0.0/24, "b" is 192.0.2.2 protecting
 * 10.2.0.0/24; a initiates unless a test says otherwise.
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

#include "crypto.h"
#include "fakenet.h"
#include "ike_msg.h"
#include "ikev2.h"

static struct fn_side A, B;
static const char PSK[] = "a-long-and-secret-pre-shared-key";

static void subnet(struct ike_subnet *s, const char *ip, uint8_t plen)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = plen;
}

/* aes256gcm16 / prfsha256 / curve25519, ESP aes256gcm16 */
static void conf_base(struct ike_peer_conf *c, const char *name, const char *local,
		      const char *remote, const char *lnet, const char *rnet)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, local, 500);
	fn_addr(&c->remote, remote, 500);
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_AES_GCM_16},
	    .encr_bits = {256},
	    .n_encr = 1,
	    .prf = {IKE_PRF_HMAC_SHA2_256},
	    .n_prf = 1,
	    .dh = {IKE_DH_CURVE25519},
	    .n_dh = 1,
	};
	c->child = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_AES_GCM_16},
	    .encr_bits = {256},
	    .n_encr = 1,
	};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, PSK, sizeof(PSK) - 1);
	c->psk_len = sizeof(PSK) - 1;
	subnet(&c->local_net[0], lnet, 24);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rnet, 24);
	c->n_remote_net = 1;
	c->reqid = 7;
}

static struct ike_peer_conf CA, CB;

static void setup_opts(const struct ike_opts *oa, const struct ike_opts *ob)
{
	fn_side_init(&A, "a", "192.0.2.1", oa);
	fn_side_init(&B, "b", "192.0.2.2", ob);
	fn_reset(&A, &B);
	conf_base(&CA, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", "10.2.0.0");
	conf_base(&CB, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", "10.1.0.0");
}

static int setup(void **state)
{
	setup_opts(NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	return 0;
}

static void load(void)
{
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
}

static void establish(void)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
}

/* The two halves of a CHILD_SA pair must be mirror images. */
static void assert_pair(const struct ike_child_sa *i, const struct ike_child_sa *r)
{
	assert_int_equal(i->spi_out, r->spi_in);
	assert_int_equal(i->spi_in, r->spi_out);
	assert_int_not_equal(i->spi_in, i->spi_out);
	assert_int_equal(i->protocol, r->protocol);
	assert_int_equal(i->encr, r->encr);
	assert_int_equal(i->encr_bits, r->encr_bits);
	assert_int_equal(i->integ, r->integ);
	assert_int_equal(i->encr_key_len, r->encr_key_len);
	assert_int_equal(i->integ_key_len, r->integ_key_len);
	assert_memory_equal(i->encr_key_out, r->encr_key_in, i->encr_key_len);
	assert_memory_equal(i->encr_key_in, r->encr_key_out, i->encr_key_len);
	assert_memory_equal(i->integ_key_out, r->integ_key_in, i->integ_key_len);
	assert_memory_equal(i->integ_key_in, r->integ_key_out, i->integ_key_len);
	/* the two directions use different keys */
	if (i->encr_key_len)
		assert_memory_not_equal(i->encr_key_in, i->encr_key_out, i->encr_key_len);
	assert_int_equal(i->n_ts_local, r->n_ts_remote);
	assert_int_equal(i->n_ts_remote, r->n_ts_local);
	assert_memory_equal(i->ts_local, r->ts_remote, i->n_ts_local * sizeof(i->ts_local[0]));
	assert_memory_equal(i->ts_remote, r->ts_local, i->n_ts_remote * sizeof(i->ts_remote[0]));
	assert_true(i->initiator);
	assert_false(r->initiator);
	assert_int_equal(i->mode, r->mode);
}

static void assert_ts(const struct ike_ts_range *r, const char *start, const char *end)
{
	struct ike_addr s, e;

	fn_addr(&s, start, 0);
	fn_addr(&e, end, 0);
	assert_int_equal(r->family, s.family);
	assert_memory_equal(r->start, s.addr, 4);
	assert_memory_equal(r->end, e.addr, 4);
}

/* No secret may ever reach a log or a status reason. */
static void assert_no_secret(void)
{
	assert_null(strstr(A.log, PSK));
	assert_null(strstr(B.log, PSK));
	assert_null(strstr(A.reason, PSK));
	assert_null(strstr(B.reason, PSK));
}

/* ---- establishment ---- */

static void check_established(uint16_t encr)
{
	struct ike_tunnel_info ia, ib;

	assert_int_equal(A.n_installed, 1);
	assert_int_equal(B.n_installed, 1);
	assert_pair(&A.installed[0], &B.installed[0]);
	assert_int_equal(A.installed[0].encr, encr);
	assert_int_equal(A.installed[0].reqid, 7);
	assert_ts(&A.installed[0].ts_local[0], "10.1.0.0", "10.1.0.255");
	assert_ts(&A.installed[0].ts_remote[0], "10.2.0.0", "10.2.0.255");
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up && ib.ike_up);
	assert_true(ia.initiator);
	assert_false(ib.initiator);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	assert_memory_equal(ia.spi_r, ib.spi_r, 8);
	assert_int_equal(ia.n_child, 1);
	assert_int_equal(ia.child_spi_out, ib.child_spi_in);
	assert_false(ia.nat_local || ia.nat_remote || ib.nat_local || ib.nat_remote);
	assert_int_equal(ia.state, IKE_TUN_UP);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_true(fn_addr_eq(&ia.remote, &B.addr));
	assert_true(fn_addr_eq(&ib.remote, &A.addr));
	assert_int_equal(ia.established_ms, fn.now);
	assert_int_equal(ia.rekey_ms, 0);
	{
		struct ike_child_sa kids[2];
		static const uint8_t zero[ENCR_MAX_KEY];

		assert_int_equal(ike_tunnel_children(A.e, "to-b", kids, 2), 1);
		assert_int_equal(kids[0].spi_in, A.installed[0].spi_in);
		assert_int_equal(kids[0].spi_out, A.installed[0].spi_out);
		assert_memory_equal(kids[0].encr_key_out, zero, sizeof(zero));
		assert_int_equal(ike_tunnel_children(A.e, "nope", kids, 2), -ENOENT);
	}
	assert_int_equal(ike_engine_stats(A.e)->ike_established, 1);
	assert_int_equal(ike_engine_stats(B.e)->ike_established, 1);
	/* four messages, no retransmission */
	assert_int_equal(A.sent, 2);
	assert_int_equal(B.sent, 2);
	assert_no_secret();
}

static void test_establish_aead(void **state)
{
	establish();
	check_established(IKE_ENCR_AES_GCM_16);
	assert_int_equal(A.installed[0].encr_key_len, 36);
	assert_int_equal(A.installed[0].integ_key_len, 0);
}

static void test_establish_cbc_modp(void **state)
{
	struct ike_prop_conf ike = {
	    .encr = {IKE_ENCR_AES_CBC},
	    .encr_bits = {128},
	    .n_encr = 1,
	    .integ = {IKE_AUTH_HMAC_SHA2_256_128},
	    .n_integ = 1,
	    .prf = {IKE_PRF_HMAC_SHA2_256},
	    .n_prf = 1,
	    .dh = {IKE_DH_MODP2048},
	    .n_dh = 1,
	};
	struct ike_prop_conf esp = {
	    .encr = {IKE_ENCR_AES_CBC},
	    .encr_bits = {128},
	    .n_encr = 1,
	    .integ = {IKE_AUTH_HMAC_SHA1_96},
	    .n_integ = 1,
	};
	struct ike_tunnel_info ia;

	CA.ike[0] = CB.ike[0] = ike;
	CA.child = CB.child = esp;
	establish();
	check_established(IKE_ENCR_AES_CBC);
	assert_int_equal(A.installed[0].encr_key_len, 16);
	assert_int_equal(A.installed[0].integ_key_len, 20);
	assert_int_equal(A.installed[0].integ, IKE_AUTH_HMAC_SHA1_96);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ia.dh, IKE_DH_MODP2048);
	assert_int_equal(ia.integ, IKE_AUTH_HMAC_SHA2_256_128);
}

static void test_establish_ecp384_chacha(void **state)
{
	CA.ike[0] = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_CHACHA20_POLY1305},
	    .n_encr = 1,
	    .prf = {IKE_PRF_HMAC_SHA2_384},
	    .n_prf = 1,
	    .dh = {IKE_DH_ECP384},
	    .n_dh = 1,
	};
	CB.ike[0] = CA.ike[0];
	CA.child = CB.child = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_CHACHA20_POLY1305},
	    .n_encr = 1,
	};
	establish();
	check_established(IKE_ENCR_CHACHA20_POLY1305);
}

/* Every DH group of the issue, each with a CBC IKE proposal: both ends agree. */
static void test_all_groups(void **state)
{
	static const uint16_t groups[] = {IKE_DH_MODP1024, IKE_DH_MODP1536, IKE_DH_MODP2048,
					  IKE_DH_MODP3072, IKE_DH_MODP4096, IKE_DH_ECP256,
					  IKE_DH_ECP384,   IKE_DH_ECP521,   IKE_DH_CURVE25519};

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct ike_tunnel_info ia;

		teardown(state);
		setup(state);
		CA.ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
						   .encr_bits = {128},
						   .n_encr = 1,
						   .integ = {IKE_AUTH_HMAC_SHA1_96},
						   .n_integ = 1,
						   .prf = {IKE_PRF_HMAC_SHA1},
						   .n_prf = 1,
						   .dh = {groups[i]},
						   .n_dh = 1};
		CB.ike[0] = CA.ike[0];
		/* and the same group for PFS in a CHILD_SA rekey */
		CA.child.dh[0] = CB.child.dh[0] = groups[i];
		CA.child.n_dh = CB.child.n_dh = 1;
		establish();
		assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
		assert_int_equal(ia.dh, groups[i]);
		assert_pair(&A.installed[0], &B.installed[0]);
		assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
		fn_run();
		assert_int_equal(B.n_installed, 2);
		assert_pair(&A.installed[1], &B.installed[1]);
	}
}

/* Every cipher and integrity algorithm, for the IKE SA and for ESP. */
static void test_all_ciphers(void **state)
{
	static const struct {
		uint16_t encr, bits, integ, prf;
	} sets[] = {
	    {IKE_ENCR_3DES, 0, IKE_AUTH_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1},
	    {IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256},
	    {IKE_ENCR_AES_CBC, 192, IKE_AUTH_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384},
	    {IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512},
	    {IKE_ENCR_AES_GCM_8, 128, 0, IKE_PRF_HMAC_SHA2_256},
	    {IKE_ENCR_AES_GCM_12, 192, 0, IKE_PRF_HMAC_SHA2_384},
	    {IKE_ENCR_AES_GCM_16, 256, 0, IKE_PRF_HMAC_SHA2_512},
	    {IKE_ENCR_CHACHA20_POLY1305, 0, 0, IKE_PRF_HMAC_SHA2_256},
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		struct ike_prop_conf p = {.encr = {sets[i].encr},
					  .encr_bits = {sets[i].bits},
					  .n_encr = 1,
					  .integ = {sets[i].integ},
					  .n_integ = sets[i].integ ? 1 : 0,
					  .prf = {sets[i].prf},
					  .n_prf = 1,
					  .dh = {IKE_DH_ECP256},
					  .n_dh = 1};

		teardown(state);
		setup(state);
		CA.ike[0] = CB.ike[0] = p;
		p.n_prf = 0;
		p.n_dh = 0;
		CA.child = CB.child = p;
		establish();
		assert_pair(&A.installed[0], &B.installed[0]);
		assert_int_equal(A.installed[0].encr, sets[i].encr);
		assert_int_equal(A.installed[0].integ, sets[i].integ);
		/* the CBC SK payload, the AEAD one: DPD and delete run over it */
		assert_int_equal(ike_delete(A.e, "to-b"), 0);
		fn_run();
		assert_int_equal(B.state, IKE_TUN_DOWN);
	}
}

static void test_ah_transport(void **state)
{
	CA.child = CB.child = (struct ike_prop_conf){
	    .integ = {IKE_AUTH_HMAC_SHA2_256_128},
	    .n_integ = 1,
	};
	CA.child_proto = CB.child_proto = IKE_PROTO_AH;
	CA.mode = CB.mode = IKE_MODE_TRANSPORT;
	CA.n_local_net = CA.n_remote_net = CB.n_local_net = CB.n_remote_net = 0;
	establish();
	assert_pair(&A.installed[0], &B.installed[0]);
	assert_int_equal(A.installed[0].protocol, IKE_PROTO_AH);
	assert_int_equal(A.installed[0].mode, IKE_MODE_TRANSPORT);
	assert_int_equal(A.installed[0].encr_key_len, 0);
	assert_int_equal(A.installed[0].integ_key_len, 32);
	/* host selectors: the two addresses */
	assert_ts(&A.installed[0].ts_local[0], "192.0.2.1", "192.0.2.1");
	assert_ts(&A.installed[0].ts_remote[0], "192.0.2.2", "192.0.2.2");
}

/* Transport mode asked by one side only: tunnel mode. */
static void test_transport_one_side(void **state)
{
	CA.mode = IKE_MODE_TRANSPORT;
	establish();
	assert_int_equal(A.installed[0].mode, IKE_MODE_TUNNEL);
	assert_int_equal(B.installed[0].mode, IKE_MODE_TUNNEL);
}

static void test_ipv6(void **state)
{
	struct ike_tunnel_info ib;
	struct ike_addr a6;

	teardown(state);
	fn_side_init(&A, "a", "2001:db8::1", NULL);
	fn_side_init(&B, "b", "2001:db8::2", NULL);
	fn_reset(&A, &B);
	conf_base(&CA, "to-b", "2001:db8::1", "2001:db8::2", "10.1.0.0", "10.2.0.0");
	conf_base(&CB, "to-a", "2001:db8::2", "2001:db8::1", "10.2.0.0", "10.1.0.0");
	subnet(&CA.local_net[0], "2001:db8:1::", 48);
	subnet(&CA.remote_net[0], "2001:db8:2::", 48);
	subnet(&CB.local_net[0], "2001:db8:2::", 48);
	subnet(&CB.remote_net[0], "2001:db8:1::", 48);
	establish();
	assert_pair(&A.installed[0], &B.installed[0]);
	assert_int_equal(A.installed[0].ts_local[0].family, AF_INET6);
	fn_addr(&a6, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 0);
	assert_memory_equal(A.installed[0].ts_local[0].end, a6.addr, 16);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ib.ike_up);
}

/* The responder's choice among several proposals and algorithms. */
static void test_establish_choice(void **state)
{
	struct ike_tunnel_info ia, ib;

	/* a offers aes128gcm16 then aes256gcm16 and two PRFs; b accepts only the second of each */
	CA.ike[0].encr[0] = IKE_ENCR_AES_GCM_16;
	CA.ike[0].encr_bits[0] = 128;
	CA.ike[0].encr[1] = IKE_ENCR_AES_GCM_16;
	CA.ike[0].encr_bits[1] = 256;
	CA.ike[0].n_encr = 2;
	CA.ike[0].prf[0] = IKE_PRF_HMAC_SHA2_512;
	CA.ike[0].prf[1] = IKE_PRF_HMAC_SHA2_256;
	CA.ike[0].n_prf = 2;
	establish();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.encr_bits, 256);
	assert_int_equal(ia.prf, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(ib.prf, IKE_PRF_HMAC_SHA2_256);
}

/* Packet debug lists each message's payloads, and never a key or the PSK. */
static void test_debug_log(void **state)
{
	struct ike_opts o;

	teardown(state);
	ike_opts_default(&o);
	o.log_level = IKE_LOG_DEBUG;
	setup_opts(&o, &o);
	establish();
	assert_non_null(strstr(A.log,
			       "sending IKE_SA_INIT request #0 to 192.0.2.2 [ SA KE Ni/Nr "
			       "N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) ]"));
	assert_non_null(strstr(A.log, "sending IKE_AUTH request #1 to 192.0.2.2 [ IDi AUTH "
				      "N(INITIAL_CONTACT) SA TSi TSr ]"));
	assert_non_null(strstr(B.log, "received IKE_AUTH request #1 from 192.0.2.1 [ IDi AUTH "
				      "N(INITIAL_CONTACT) SA TSi TSr ]"));
	assert_non_null(strstr(B.log, "sending IKE_AUTH response #1 to 192.0.2.1 [ IDr AUTH SA TSi "
				      "TSr ]"));
	assert_non_null(strstr(A.log, "tunnel to-b: up, CHILD_SA"));
	/* decisions, with what was chosen */
	assert_non_null(strstr(B.log, "IKE proposal chosen: aes256gcm16/prfsha256/x25519"));
	assert_non_null(strstr(B.log, "CHILD_SA: aes256gcm16/noesn, selectors 10.2.0.0/24 === "
				      "10.1.0.0/24"));
	assert_non_null(strstr(A.log, "CHILD_SA: aes256gcm16/noesn, selectors 10.1.0.0/24 === "
				      "10.2.0.0/24"));
	assert_no_secret();
	/* the default level builds no packet lines */
	teardown(state);
	setup(state);
	establish();
	assert_null(strstr(A.log, "sending"));
}

/* ---- INVALID_KE_PAYLOAD, COOKIE, NAT ---- */

static void test_invalid_ke_retry(void **state)
{
	struct ike_tunnel_info ia;

	/* a guesses curve25519 first; b only does ecp256 */
	CA.ike[0].dh[0] = IKE_DH_CURVE25519;
	CA.ike[0].dh[1] = IKE_DH_ECP256;
	CA.ike[0].n_dh = 2;
	CB.ike[0].dh[0] = IKE_DH_ECP256;
	establish();
	assert_int_equal(ike_engine_stats(B.e)->invalid_ke_sent, 1);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ia.dh, IKE_DH_ECP256);
	assert_int_equal(A.sent, 3);
	assert_pair(&A.installed[0], &B.installed[0]);
}

static void test_invalid_ke_unoffered(void **state)
{
	CB.ike[0].dh[0] = IKE_DH_ECP256;
	CA.ike[0].dh[0] = IKE_DH_CURVE25519;
	CB.ike[0].dh[1] = IKE_DH_CURVE25519;
	CB.ike[0].n_dh = 2;
	/* b would pick ecp256 only if a offered it; a offers 25519 only: works directly */
	establish();
	assert_int_equal(ike_engine_stats(B.e)->invalid_ke_sent, 0);
}

static void test_cookie(void **state)
{
	struct ike_opts ob;

	teardown(state);
	ike_opts_default(&ob);
	ob.half_open_cookie = 0; /* every IKE_SA_INIT is challenged */
	setup_opts(NULL, &ob);
	establish();
	assert_int_equal(ike_engine_stats(B.e)->cookies_sent, 1);
	assert_int_equal(A.sent, 3);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* A request with a wrong cookie is challenged again, and no state is kept. */
static void test_cookie_wrong(void **state)
{
	struct ike_opts ob;

	teardown(state);
	ike_opts_default(&ob);
	ob.half_open_cookie = 0;
	setup_opts(NULL, &ob);
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step(); /* request -> COOKIE */
	assert_int_equal(fn.n, 1);
	fn_step(); /* COOKIE -> request with cookie */
	assert_int_equal(fn.n, 1);
	/* corrupt the last cookie byte: first payload is N(COOKIE), 8 + 32 bytes */
	fn.q[0].buf[28 + 8 + 31] ^= 1;
	fn_step();
	assert_int_equal(ike_engine_stats(B.e)->cookies_sent, 2);
	assert_int_equal(B.n_installed, 0);
}

static void test_nat_detected(void **state)
{
	struct ike_tunnel_info ia, ib;

	fn.nat = true;
	fn_addr(&fn.nat_addr, "198.51.100.7", 31000);
	/* b knows a by its public address */
	fn_addr(&CB.remote, "198.51.100.7", 500);
	CB.remote_id.type = IKE_ID_IPV4_ADDR;
	CB.remote_id.len = 4;
	memcpy(CB.remote_id.data, A.addr.addr, 4);
	establish();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.nat_local);
	assert_false(ia.nat_remote);
	assert_true(ib.nat_remote);
	assert_false(ib.nat_local);
	/* from IKE_AUTH on both talk on port 4500, and ESP is UDP-encapsulated */
	assert_true(A.installed[0].encap);
	assert_true(B.installed[0].encap);
	assert_int_equal(A.installed[0].local.port, 4500);
	assert_int_equal(A.installed[0].remote.port, 4500);
	assert_int_equal(B.installed[0].local.port, 4500);
	/* b follows the NAT's mapping of a's port 4500 */
	assert_int_equal(B.installed[0].remote.port, 31001);
	assert_pair(&A.installed[0], &B.installed[0]);
	/* a, behind the NAT, keeps its mapping open; b ignores the keepalives */
	fn_advance(20000);
	assert_int_equal(fn.n, 1);
	assert_int_equal(fn.q[0].len, 1);
	fn_run();
	assert_int_equal(ike_engine_stats(B.e)->drop_malformed, 0);
	/* and the tunnel still works over the mapping: a CHILD_SA rekey */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(B.n_installed, 2);
	assert_true(B.installed[1].encap);
}

static size_t capture(uint8_t *buf, size_t cap);

/* b's IKE SA and CHILD_SA point to a at addr. */
static void assert_b_sees_a_at(const struct ike_addr *addr)
{
	struct ike_child_sa c[4];
	struct ike_tunnel_info ib;
	int n;

	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(fn_addr_eq(&ib.remote, addr));
	n = ike_tunnel_children(B.e, "to-a", c, 4);
	assert_true(n >= 1);
	for (int i = 0; i < n && i < 4; i++)
		assert_true(fn_addr_eq(&c[i].remote, addr));
}

/*
 * §2.23 and a replay: an authenticated request a sent, sent again by
 * someone else from another address, leaves b's IKE SA and CHILD_SA where
 * they are; a real rebinding of a's NAT (a new request from the new
 * mapping) moves them, the kernel SAs included. a, behind the NAT, never
 * moves for b's messages from elsewhere.
 */
static void test_nat_replay_and_rebind(void **state)
{
	struct ike_addr mapped, attacker, rebound, b_elsewhere;
	struct ike_tunnel_info ia;
	uint8_t req[2048];
	size_t len;

	fn.nat = true;
	fn_addr(&fn.nat_addr, "198.51.100.7", 31000);
	fn_addr(&CB.remote, "198.51.100.7", 500);
	CB.remote_id.type = IKE_ID_IPV4_ADDR;
	CB.remote_id.len = 4;
	memcpy(CB.remote_id.data, A.addr.addr, 4);
	establish();
	fn_addr(&mapped, "198.51.100.7", 31001);
	assert_b_sees_a_at(&mapped);

	/* a's last request of a CHILD_SA rekey (the Delete of the old one), captured */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_step(); /* CREATE_CHILD_SA to b */
	fn_step(); /* its answer to a, which deletes the old pair */
	assert_int_equal(fn.n, 1);
	len = capture(req, sizeof(req));
	fn_run();
	assert_int_equal(B.n_installed, 2);

	/* replayed from elsewhere: the cached answer goes where the request came
	 * from (RFC 7296 2.11), and nothing moves */
	fn_addr(&attacker, "203.0.113.66", 4500);
	{
		uint8_t *copy = malloc(len);
		struct ike_addr to = B.addr;

		to.port = 4500;
		memcpy(copy, req, len);
		ike_input(B.e, &attacker, &to, copy, len);
		free(copy);
	}
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	assert_int_equal(fn.n, 1);
	assert_true(fn_addr_eq(&fn.q[0].dst, &attacker));
	fn_run();
	assert_b_sees_a_at(&mapped);
	assert_int_equal(B.n_updated, 0);
	/* an older request replayed (outside the window) is dropped */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	{
		uint8_t *copy = malloc(len);
		struct ike_addr to = B.addr;

		to.port = 4500;
		memcpy(copy, req, len);
		ike_input(B.e, &attacker, &to, copy, len);
		free(copy);
	}
	assert_int_equal(fn.n, 0);
	assert_b_sees_a_at(&mapped);
	assert_int_equal(B.n_updated, 0);

	/* the NAT rebinds a to a new address and port: a's next request moves b */
	fn_addr(&fn.nat_addr, "198.51.100.8", 32000);
	fn_addr(&rebound, "198.51.100.8", 32001);
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_b_sees_a_at(&rebound);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_true(ia.ike_up);
	/* the CHILD_SA that was up then followed into the kernel, with its keys */
	assert_int_equal(B.n_updated, 1);
	assert_true(fn_addr_eq(&B.updated[0].remote, &rebound));
	assert_int_equal(B.updated[0].local.port, 4500);
	assert_true(B.updated[0].encap);
	assert_true(B.updated[0].encr_key_len > 0);
	assert_false(B.updated[0].encr_key_in[0] == 0 && B.updated[0].encr_key_in[1] == 0 &&
		     B.updated[0].encr_key_in[2] == 0 && B.updated[0].encr_key_in[3] == 0);
	/* and the new CHILD_SA is made at the new address */
	assert_true(fn_addr_eq(&B.installed[B.n_installed - 1].remote, &rebound));

	/* b's request arrives at a from another address: a is behind the NAT, it stays */
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	assert_int_equal(fn.n, 1);
	fn_addr(&b_elsewhere, "192.0.2.99", 4500);
	fn.q[0].src = b_elsewhere;
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_true(fn_ip_eq(&ia.remote, &B.addr));
	assert_int_equal(ia.remote.port, 4500);
	assert_int_equal(A.n_updated, 0);
}

/* The NAT_DETECTION hashes on the wire, against SHA-1 computed here (§2.23). */
static void test_natd_wire(void **state)
{
	struct ike_msg *m = malloc(sizeof(*m));
	uint8_t in[8 + 8 + 4 + 2], want_src[20], want_dst[20];
	unsigned int n;
	int found = 0;

	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_int_equal(ike_msg_parse(fn.q[0].buf, fn.q[0].len, m), 0);
	memcpy(in, m->hdr.spi_i, 8);
	memset(in + 8, 0, 8); /* SPIr is zero in the request */
	memcpy(in + 16, A.addr.addr, 4);
	in[20] = 500 >> 8;
	in[21] = 500 & 0xff;
	assert_int_equal(EVP_Digest(in, sizeof(in), want_src, &n, EVP_sha1(), NULL), 1);
	memcpy(in + 16, B.addr.addr, 4);
	assert_int_equal(EVP_Digest(in, sizeof(in), want_dst, &n, EVP_sha1(), NULL), 1);
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_notify nt;

		if (m->pld[i].type != IKE_PLD_NOTIFY)
			continue;
		assert_int_equal(ike_parse_notify(&m->pld[i], &nt), 0);
		if (nt.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			assert_int_equal(nt.len, 20);
			assert_memory_equal(nt.data, want_src, 20);
			found++;
		}
		if (nt.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			assert_int_equal(nt.len, 20);
			assert_memory_equal(nt.data, want_dst, 20);
			found++;
		}
	}
	assert_int_equal(found, 2);
	free(m);
}

/* nat-traversal force: both ends UDP-encapsulate without a NAT. */
static void test_natt_force(void **state)
{
	struct ike_tunnel_info ia, ib;

	CA.natt = IKE_NATT_FORCE;
	establish();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.nat_local);
	assert_true(ib.nat_remote);
	assert_true(A.installed[0].encap && B.installed[0].encap);
	assert_int_equal(A.installed[0].remote.port, 4500);
	assert_int_equal(B.installed[0].remote.port, 4500);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/*
 * Ports other than the RFC's: IKE_SA_INIT goes between the configured IKE
 * ports, and the move to NAT-T goes to each side's configured NAT-T port,
 * not to 4500.
 */
static void test_natt_ports(void **state)
{
	struct ike_tunnel_info ia, ib;

	CA.local.port = 1500;
	CA.natt_local_port = 14500;
	CA.remote.port = 2500;
	CA.natt_remote_port = 24500;
	CB.local.port = 2500;
	CB.natt_local_port = 24500;
	CB.remote.port = 1500;
	CB.natt_remote_port = 14500;
	CA.natt = IKE_NATT_FORCE;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_int_equal(fn.n, 1);
	assert_int_equal(fn.q[0].src.port, 1500);
	assert_int_equal(fn.q[0].dst.port, 2500);
	fn_step(); /* IKE_SA_INIT request -> response */
	assert_int_equal(fn.n, 1);
	assert_int_equal(fn.q[0].src.port, 2500);
	assert_int_equal(fn.q[0].dst.port, 1500);
	fn_step(); /* response -> IKE_AUTH request, on the NAT-T ports */
	assert_int_equal(fn.n, 1);
	assert_int_equal(fn.q[0].src.port, 14500);
	assert_int_equal(fn.q[0].dst.port, 24500);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.local.port, 14500);
	assert_int_equal(ia.remote.port, 24500);
	assert_int_equal(ib.local.port, 24500);
	assert_int_equal(ib.remote.port, 14500);
	assert_true(A.installed[0].encap && B.installed[0].encap);
	assert_int_equal(A.installed[0].local.port, 14500);
	assert_int_equal(A.installed[0].remote.port, 24500);
	assert_int_equal(B.installed[0].local.port, 24500);
	assert_int_equal(B.installed[0].remote.port, 14500);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* nat-traversal disable: no NAT detection notifies, no move to 4500 even behind a NAT. */
static void test_natt_disable(void **state)
{
	struct ike_msg *m = malloc(sizeof(*m));

	CA.natt = IKE_NATT_DISABLE;
	fn.nat = true;
	fn_addr(&fn.nat_addr, "198.51.100.7", 500);
	fn_addr(&CB.remote, "198.51.100.7", 500);
	CB.remote_id.type = IKE_ID_IPV4_ADDR;
	CB.remote_id.len = 4;
	memcpy(CB.remote_id.data, A.addr.addr, 4);
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_int_equal(ike_msg_parse(fn.q[0].buf, fn.q[0].len, m), 0);
	for (size_t i = 0; i < m->npld; i++)
		assert_int_not_equal(m->pld[i].type, IKE_PLD_NOTIFY);
	free(m);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_false(A.installed[0].encap);
	assert_int_equal(A.installed[0].remote.port, 500);
}

/* ---- failures with their reasons ---- */

static void test_proposal_mismatch(void **state)
{
	CB.ike[0].encr_bits[0] = 128;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "peer 192.0.2.2 rejected our proposal: NO_PROPOSAL_CHOSEN "
				      "(offered aes256gcm16/prfsha256/x25519)");
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_non_null(strstr(B.reason, "NO_PROPOSAL_CHOSEN: peer 192.0.2.1 offered "
					 "aes256gcm16/prfsha256/x25519, we accept "
					 "aes128gcm16/prfsha256/x25519"));
	assert_int_equal(A.n_installed + B.n_installed, 0);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

static void test_psk_mismatch(void **state)
{
	CB.psk[0] ^= 0x20;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: pre-shared key mismatch or identity "
				      "192.0.2.1 unknown");
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(
	    B.reason, "AUTHENTICATION_FAILED: pre-shared key mismatch for identity 192.0.2.1");
	assert_int_equal(A.n_installed + B.n_installed, 0);
	assert_int_equal(ike_engine_stats(B.e)->auth_failed, 1);
	assert_int_equal(ike_engine_stats(A.e)->auth_failed, 1);
	assert_no_secret();
	/* a forgot the IKE SA; b keeps it to answer retransmissions, until the half-open timeout */
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), fn.now + 30000);
	fn_advance(30000);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(
	    B.reason, "AUTHENTICATION_FAILED: pre-shared key mismatch for identity 192.0.2.1");
}

/* The AUTHENTICATION_FAILED answer is lost: the retransmission gets it again. */
static void test_psk_mismatch_lost_answer(void **state)
{
	CB.psk[0] ^= 0x20;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step();
	fn_step();
	fn_step(); /* IKE_AUTH to b */
	fn_drop(); /* its answer lost */
	while (A.state == IKE_TUN_CONNECTING && fn_next_timer(60000))
		fn_run();
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: pre-shared key mismatch or identity "
				      "192.0.2.1 unknown");
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	assert_int_equal(ike_engine_stats(B.e)->auth_failed, 1);
	/* b's failed SA goes with the half-open timeout */
	fn_advance(30000);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

static void test_identity_unknown(void **state)
{
	CA.local_id.type = IKE_ID_FQDN;
	memcpy(CA.local_id.data, "gw.example.net", 14);
	CA.local_id.len = 14;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: pre-shared key mismatch or identity "
				      "gw.example.net unknown");
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: identity gw.example.net unknown "
				      "(expected 192.0.2.1)");
}

static void test_identity_fqdn_ok(void **state)
{
	CA.local_id.type = IKE_ID_FQDN;
	memcpy(CA.local_id.data, "a.example", 9);
	CA.local_id.len = 9;
	CB.remote_id = CA.local_id;
	CB.local_id.type = IKE_ID_FQDN;
	memcpy(CB.local_id.data, "b.example", 9);
	CB.local_id.len = 9;
	CA.remote_id = CB.local_id;
	establish();
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* The responder's identity is checked by the initiator too. */
static void test_responder_identity_wrong(void **state)
{
	CA.remote_id.type = IKE_ID_FQDN;
	memcpy(CA.remote_id.data, "b.example", 9);
	CA.remote_id.len = 9;
	CB.local_id.type = IKE_ID_FQDN;
	memcpy(CB.local_id.data, "evil.example", 12);
	CB.local_id.len = 12;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: peer 192.0.2.2 identified as "
				      "evil.example, expected b.example");
	assert_int_equal(A.n_installed, 0);
}

static void test_ts_unacceptable(void **state)
{
	struct ike_tunnel_info ia, ib;

	subnet(&CA.remote_net[0], "10.9.0.0", 24);
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_string_equal(B.reason, "TS_UNACCEPTABLE: peer wants 10.9.0.0/24 (we allow "
				      "10.2.0.0/24)");
	assert_string_equal(A.reason, "TS_UNACCEPTABLE: peer 192.0.2.2 refused 10.1.0.0/24 === "
				      "10.9.0.0/24");
	assert_int_equal(A.n_installed + B.n_installed, 0);
	/* a CHILD_SA refusal leaves the IKE SA up on both sides (RFC 7296 §2.21.2) */
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(B.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up);
	assert_true(ib.ike_up);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_int_equal(ike_engine_stats(B.e)->ts_unacceptable_sent, 1);
	/* and it works: a Delete from a reaches b */
	assert_int_equal(ike_delete(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(B.state, IKE_TUN_DOWN);
}

/*
 * An auto tunnel whose CHILD_SA is refused in IKE_AUTH keeps its IKE SA and
 * asks again with CREATE_CHILD_SA, 2 s later and then backing off, not in a
 * loop; once b allows the selectors, the tunnel is up on the same IKE SA.
 */
static void test_child_refused_auto_retry(void **state)
{
	struct ike_tunnel_info ia;
	uint8_t spi_i[8];

	CA.start = IKE_START_AUTO;
	subnet(&CA.remote_net[0], "10.9.0.0", 24);
	load();
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	memcpy(spi_i, ia.spi_i, 8);
	assert_int_equal(ike_next_timeout(A.e), fn.now + 2000);
	/* the retry is refused too, with a reason, and the next one waits longer */
	assert_true(fn_next_timer(2000));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_string_equal(A.reason, "peer 192.0.2.2 refused a new CHILD_SA: TS_UNACCEPTABLE");
	assert_int_equal(ike_next_timeout(A.e), fn.now + 4000);
	assert_int_equal(ike_engine_stats(B.e)->ts_unacceptable_sent, 2);
	/* still the IKE SA of the start, and no request in a loop meanwhile */
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_memory_equal(ia.spi_i, spi_i, 8);
	assert_int_equal(A.sent, 2 + 1);
	/* b now allows 10.9.0.0/24 (its new configuration replaces its SAs) */
	subnet(&CB.local_net[0], "10.9.0.0", 24);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	while (A.state != IKE_TUN_UP && fn_next_timer(60000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(A.n_installed, 1);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* The other way round: b initiates, a refuses the selectors; both IKE SAs stay. */
static void test_ts_unacceptable_responder_a(void **state)
{
	struct ike_tunnel_info ia, ib;

	subnet(&CB.remote_net[0], "10.8.0.0", 24);
	load();
	assert_int_equal(ike_initiate(B.e, "to-a"), 0);
	fn_run();
	assert_string_equal(A.reason, "TS_UNACCEPTABLE: peer wants 10.8.0.0/24 (we allow "
				      "10.1.0.0/24)");
	assert_string_equal(B.reason, "TS_UNACCEPTABLE: peer 192.0.2.1 refused 10.2.0.0/24 === "
				      "10.8.0.0/24");
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(B.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up);
	assert_true(ib.ike_up);
	assert_int_equal(ike_engine_stats(A.e)->ts_unacceptable_sent, 1);
	assert_int_equal(A.n_installed + B.n_installed, 0);
}

/* Every message not processed is counted and says why (debug crypto ikev2 error). */
static void test_drop_reasons(void **state)
{
	struct ike_hdr h = {.version = IKE_VERSION_2, .exchange = IKE_INFORMATIONAL};
	uint8_t junk[30], msg[64];
	struct ike_writer w;
	uint64_t before;

	establish();
	before = ike_engine_stats(B.e)->drop_malformed;
	memset(junk, 0x41, sizeof(junk));
	ike_input(B.e, &A.addr, &B.addr, junk, sizeof(junk));
	assert_int_equal(ike_engine_stats(B.e)->drop_malformed, before + 1);
	assert_non_null(strstr(B.log, "dropped message from 192.0.2.1: 30 bytes: malformed "
				      "header or payload chain"));

	memset(h.spi_i, 0x11, 8);
	memset(h.spi_r, 0x22, 8);
	h.flags = IKE_FLAG_INITIATOR;
	ike_writer_init(&w, msg, sizeof(msg));
	ike_msg_begin(&w, &h);
	assert_int_equal(ike_msg_end(&w), 0);
	before = ike_engine_stats(B.e)->drop_unknown_spi;
	ike_input(B.e, &A.addr, &B.addr, msg, w.len);
	assert_int_equal(ike_engine_stats(B.e)->drop_unknown_spi, before + 1);
	assert_non_null(strstr(B.log, "dropped message from 192.0.2.1: no IKE SA with these SPIs"));

	h.exchange = IKE_SA_INIT;
	h.msgid = 1;
	memset(h.spi_r, 0, 8);
	ike_writer_init(&w, msg, sizeof(msg));
	ike_msg_begin(&w, &h);
	assert_int_equal(ike_msg_end(&w), 0);
	ike_input(B.e, &A.addr, &B.addr, msg, w.len);
	assert_non_null(
	    strstr(B.log, "dropped message from 192.0.2.1: IKE_SA_INIT with message ID 1"));
	/* and the tunnel is as it was */
	assert_int_equal(B.state, IKE_TUN_UP);
}

static void test_child_proposal_mismatch(void **state)
{
	struct ike_tunnel_info ia, ib;

	CB.child.encr_bits[0] = 128;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_string_equal(A.reason, "peer 192.0.2.2 rejected our proposal: NO_PROPOSAL_CHOSEN "
				      "(offered aes256gcm16)");
	assert_non_null(strstr(B.reason, "NO_PROPOSAL_CHOSEN: peer 192.0.2.1 offered "
					 "aes256gcm16"));
	assert_int_equal(A.n_installed + B.n_installed, 0);
	/* a CHILD_SA-only refusal: the IKE SA stays on both sides */
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(B.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up);
	assert_true(ib.ike_up);
	assert_int_equal(ike_engine_stats(B.e)->no_proposal_sent, 1);
}

static void test_ts_narrowing(void **state)
{
	/* a asks for 10.2.0.0/16, b has 10.2.0.0/24: the CHILD_SA covers the /24 */
	subnet(&CA.remote_net[0], "10.2.0.0", 16);
	establish();
	assert_pair(&A.installed[0], &B.installed[0]);
	assert_ts(&A.installed[0].ts_remote[0], "10.2.0.0", "10.2.0.255");
	assert_ts(&B.installed[0].ts_local[0], "10.2.0.0", "10.2.0.255");
	assert_ts(&A.installed[0].ts_local[0], "10.1.0.0", "10.1.0.255");
}

static void test_no_reply(void **state)
{
	uint64_t start;

	load();
	fn.blackhole[1] = true;
	start = fn.now;
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	/* sent at 0, then after 4, 7.2, 12.96, 23.33 s; given up 42 s later */
	while (fn_next_timer(600000))
		fn_run();
	assert_int_equal(A.sent, 5);
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "no reply from 192.0.2.2 after 5 tries");
	assert_int_equal(ike_engine_stats(A.e)->retransmits, 4);
	assert_true(fn.now - start >= 4000 + 7200 + 12960 + 23328 + 41990);
	assert_true(fn.now - start <= 4000 + 7200 + 12960 + 23328 + 41991);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
}

/* A lost IKE_AUTH response: the retransmitted request is answered from the cache. */
static void test_lost_response(void **state)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step(); /* SA_INIT request */
	fn_step(); /* SA_INIT response */
	fn_step(); /* IKE_AUTH request: b is up */
	assert_int_equal(B.n_installed, 1);
	fn_drop(); /* IKE_AUTH response lost */
	assert_int_equal(A.state, IKE_TUN_CONNECTING);
	fn_advance(4000);
	assert_int_equal(ike_engine_stats(A.e)->retransmits, 1);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	/* processed once: one CHILD_SA on b */
	assert_int_equal(B.n_installed, 1);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* A lost IKE_SA_INIT response: the half-open SA answers from its cache. */
static void test_lost_init_response(void **state)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step();
	fn_drop();
	fn_advance(4000);
	fn_run();
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_pair(&A.installed[0], &B.installed[0]);
}

static void test_duplicate_request(void **state)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step();
	fn_step();
	fn_dup(); /* IKE_AUTH request twice */
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	/* the second response finds no request outstanding */
	assert_int_equal(ike_engine_stats(A.e)->drop_msgid, 1);
}

/* Reordered: the duplicate of an earlier message arrives after a later one. */
static void test_reordered(void **state)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_dup();  /* SA_INIT request twice */
	fn_step(); /* b answers */
	fn_swap(); /* the SA_INIT response overtakes the duplicate */
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(ike_engine_stats(B.e)->resp_from_cache, 1);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* ---- delete, DPD ---- */

static void test_delete_child(void **state)
{
	establish();
	assert_int_equal(ike_delete_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
	assert_int_equal(A.deleted[0].spi_in, A.installed[0].spi_in);
	assert_int_equal(B.deleted[0].spi_in, B.installed[0].spi_in);
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(B.state, IKE_TUN_IKE_NO_CHILD);
	assert_string_equal(B.reason, "CHILD_SA deleted by the peer (peer 192.0.2.1)");
}

static void test_delete_ike(void **state)
{
	establish();
	assert_int_equal(ike_delete(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(B.state, IKE_TUN_DOWN);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
	assert_string_equal(B.reason, "IKE SA deleted by peer 192.0.2.1");
	assert_int_equal(ike_delete(A.e, "to-b"), -ENOTCONN);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

/* The responder deletes: roles in the header are kept right. */
static void test_delete_by_responder(void **state)
{
	establish();
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(B.state, IKE_TUN_DOWN);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
}

static void test_dpd_alive(void **state)
{
	CA.dpd_interval_s = 10;
	CA.dpd_timeout_s = 30;
	establish();
	for (int i = 0; i < 5; i++) {
		fn_advance(10000);
		fn_run();
	}
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(A.sent, 2 + 5);
	assert_int_equal(B.sent, 2 + 5);
}

static void test_dpd_timeout(void **state)
{
	uint64_t t0;

	CA.dpd_interval_s = 10;
	CA.dpd_timeout_s = 30;
	establish();
	fn.blackhole[1] = true; /* b is gone */
	t0 = fn.now;
	while (A.state == IKE_TUN_UP && fn_next_timer(120000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "DPD: no reply from 192.0.2.2 within 30 s");
	/* noticed at interval + timeout */
	assert_int_equal(fn.now - t0, 40000);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
}

/* start-mode auto: up without being asked, and back after DPD once the peer returns. */
static void test_auto_dpd_restart(void **state)
{
	CA.start = IKE_START_AUTO;
	CA.dpd_interval_s = 10;
	CA.dpd_timeout_s = 30;
	load();
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	fn.blackhole[1] = true;
	while (A.state == IKE_TUN_UP && fn_next_timer(120000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	/* the first retry comes 5 s after the failure */
	assert_int_equal(ike_next_timeout(A.e), fn.now + 5000);
	fn.blackhole[1] = false;
	while (A.state != IKE_TUN_UP && fn_next_timer(10000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(A.n_installed, 2);
	/* b replaced its stale IKE SA and CHILD_SA with the new ones */
	assert_int_equal(B.n_installed, 2);
	assert_int_equal(B.n_deleted, 1);
	assert_pair(&A.installed[1], &B.installed[1]);
}

/* dpd action restart on a responder-only tunnel: it calls the peer back itself. */
static void test_dpd_action_restart(void **state)
{
	CB.dpd_interval_s = 10;
	CB.dpd_timeout_s = 30;
	CB.dpd_action = IKE_DPD_RESTART;
	establish();
	fn.blackhole[0] = true; /* a is gone */
	while (B.state == IKE_TUN_UP && fn_next_timer(120000))
		fn_run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "DPD: no reply from 192.0.2.1 within 30 s");
	fn.blackhole[0] = false;
	while (B.state != IKE_TUN_UP && fn_next_timer(10000))
		fn_run();
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(B.n_installed, 2);
	assert_true(B.installed[1].initiator); /* b started this one */
	/* a's stale pair went with INITIAL_CONTACT */
	assert_int_equal(A.n_deleted, 1);
	assert_pair(&B.installed[1], &A.installed[1]);
}

/* dpd action clear (the default) on a responder-only tunnel: it stays down. */
static void test_dpd_action_clear(void **state)
{
	CB.dpd_interval_s = 10;
	CB.dpd_timeout_s = 30;
	establish();
	fn.blackhole[0] = true;
	while (B.state == IKE_TUN_UP && fn_next_timer(120000))
		fn_run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	fn.blackhole[0] = false;
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

/* Failed attempts of an auto tunnel back off: 5 s, then 10 s, then 20 s. */
static void test_auto_backoff(void **state)
{
	uint64_t expect = 5000;
	unsigned sent = 0;

	CA.start = IKE_START_AUTO;
	load();
	fn.blackhole[1] = true;
	assert_true(fn_next_timer(0));
	for (int i = 0; i < 3; i++) {
		while (A.state != IKE_TUN_FAILED && fn_next_timer(120000))
			fn_run();
		assert_int_equal(A.state, IKE_TUN_FAILED);
		assert_int_equal(A.sent - sent, 5);
		sent = A.sent;
		assert_int_equal(ike_next_timeout(A.e), fn.now + expect);
		assert_true(fn_next_timer(expect));
		expect *= 2;
		assert_int_equal(A.state, IKE_TUN_CONNECTING);
	}
}

static bool fn_was_deleted(const struct fn_side *s, uint32_t spi_in)
{
	for (size_t i = 0; i < s->n_deleted; i++) {
		if (s->deleted[i].spi_in == spi_in)
			return true;
	}
	return false;
}

/* Every CHILD_SA alive on x has its mirror alive on y; returns how many. */
static size_t live_pairs(const struct fn_side *x, const struct fn_side *y)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n_installed; i++) {
		bool found = false;

		if (fn_was_deleted(x, x->installed[i].spi_in))
			continue;
		for (size_t j = 0; j < y->n_installed; j++) {
			if (y->installed[j].spi_in == x->installed[i].spi_out &&
			    !fn_was_deleted(y, y->installed[j].spi_in))
				found = true;
		}
		assert_true(found);
		n++;
	}
	return n;
}

/* Both ends auto: both initiate at once, and what each keeps matches the other. */
static void test_auto_both_sides(void **state)
{
	CA.start = CB.start = IKE_START_AUTO;
	load();
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_true(live_pairs(&A, &B) >= 1);
	assert_int_equal(live_pairs(&A, &B), live_pairs(&B, &A));
	/* and a delete from one side tears the tunnel down on both */
	assert_int_equal(ike_delete(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(B.state, IKE_TUN_DOWN);
}

/* A peer with two addresses: the first does not answer, the second does. */
static void test_remote_alternatives(void **state)
{
	CA.start = IKE_START_AUTO;
	fn_addr(&CA.remote, "192.0.2.99", 500); /* nobody there */
	fn_addr(&CA.remote_alt[0], "192.0.2.2", 500);
	CA.n_remote_alt = 1;
	load();
	assert_true(fn_next_timer(0));
	while (A.state != IKE_TUN_FAILED && fn_next_timer(120000))
		fn_run();
	assert_string_equal(A.reason, "no reply from 192.0.2.99 after 5 tries");
	/* the next address is tried at once */
	assert_int_equal(ike_next_timeout(A.e), fn.now);
	while (A.state != IKE_TUN_UP && fn_next_timer(120000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(A.installed[0].remote.addr[3], 2);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/*
 * A peer known by host name: no address at first, the glue resolves in the
 * background on each (re)connect and hands the result over; a later
 * resolution changes where the next attempt goes, not the SAs up now.
 */
static void test_resolved_remotes(void **state)
{
	struct ike_addr addrs[2];

	CA.start = IKE_START_AUTO;
	memset(&CA.remote, 0, sizeof(CA.remote));
	load();
	assert_true(fn_next_timer(0));
	assert_int_equal(A.connecting, 1);
	assert_int_equal(A.sent, 0);
	/* resolution done: the next look goes out */
	fn_addr(&addrs[0], "192.0.2.2", 500);
	assert_int_equal(ike_tunnel_set_remotes(A.e, "to-b", addrs, 1), 0);
	assert_true(fn_next_timer(1000));
	assert_int_equal(A.connecting, 2);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	/* the name now resolves elsewhere first: the SAs stay */
	fn_addr(&addrs[0], "192.0.2.99", 500);
	fn_addr(&addrs[1], "192.0.2.2", 500);
	assert_int_equal(ike_tunnel_set_remotes(A.e, "to-b", addrs, 2), 0);
	assert_int_equal(A.n_deleted, 0);
	assert_int_equal(ike_tunnel_set_remotes(A.e, "to-b", addrs, 0), -EINVAL);
	assert_int_equal(ike_tunnel_set_remotes(A.e, "nope", addrs, 1), -ENOENT);
	/* after a DPD-less delete by b, a reconnects via the new list: .99 first */
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	while (A.state != IKE_TUN_UP && fn_next_timer(200000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(A.installed[1].remote.addr[3], 2);
	assert_true(A.connecting >= 4);
}

/* An auto tunnel whose CHILD_SA was cleared gets a new one over the same IKE SA. */
static void test_auto_child_recreated(void **state)
{
	struct ike_tunnel_info ia, ib;

	CA.start = IKE_START_AUTO;
	load();
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_delete_child(B.e, "to-a"), 0); /* cleared on b's side */
	fn_run();
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(A.n_installed, 2);
	assert_pair(&A.installed[1], &B.installed[1]);
	/* the same IKE SA carried it */
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ib), 0);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	/* a refusal is reported and retried later, not at once */
	B.fail_install = -ENOMEM;
	assert_int_equal(ike_delete_child(A.e, "to-b"), 0);
	fn_run();
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_string_equal(A.reason, "peer 192.0.2.2 refused a new CHILD_SA: TEMPORARY_FAILURE");
	assert_true(ike_next_timeout(A.e) >= fn.now + 2000);
	while (A.state != IKE_TUN_UP && fn_next_timer(60000))
		fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
}

/* responder-only never sends anything by itself. */
static void test_responder_only(void **state)
{
	load();
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	fn_advance(3600000);
	assert_int_equal(A.sent + B.sent, 0);
}

/* ---- malformed and hostile input ---- */

/* Capture the next datagram (from a to b) without delivering it. */
static size_t capture(uint8_t *buf, size_t cap)
{
	size_t n;

	assert_true(fn.n > 0);
	n = fn.q[0].len < cap ? fn.q[0].len : cap;
	memcpy(buf, fn.q[0].buf, n);
	return n;
}

static void inject(struct fn_side *to, const struct fn_side *from, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	memcpy(copy, buf, len);
	ike_input(to->e, &from->addr, &to->addr, copy, len);
	free(copy);
}

static void test_malformed(void **state)
{
	const struct ike_stats *sb = ike_engine_stats(B.e);
	uint8_t init[2048], auth[2048], m[2048];
	size_t ilen, alen;
	uint64_t before;

	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	ilen = capture(init, sizeof(init));

	/* IKE_SA_INIT truncated at every length: dropped as malformed, no state */
	before = sb->drop_malformed;
	for (size_t n = 0; n < ilen; n++)
		inject(&B, &A, init, n);
	assert_int_equal(sb->drop_malformed - before, ilen);
	assert_int_equal(B.sent, 0);
	/* a bad payload length inside */
	memcpy(m, init, ilen);
	m[28 + 2] = 0xff;
	inject(&B, &A, m, ilen);
	assert_int_equal(sb->drop_malformed - before, ilen + 1);
	/* header length disagreeing with the datagram */
	memcpy(m, init, ilen);
	m[27] ^= 1;
	inject(&B, &A, m, ilen);
	assert_int_equal(sb->drop_malformed - before, ilen + 2);
	assert_int_equal(B.sent, 0);

	fn_step();
	fn_step();
	alen = capture(auth, sizeof(auth)); /* IKE_AUTH request */

	/* wrong SPIs */
	memcpy(m, auth, alen);
	m[8] ^= 0x55;
	inject(&B, &A, m, alen);
	assert_int_equal(sb->drop_unknown_spi, 1);
	/* bad integrity: one bit of the ciphertext */
	memcpy(m, auth, alen);
	m[alen - 20] ^= 0x01;
	inject(&B, &A, m, alen);
	assert_int_equal(sb->drop_integrity, 1);
	/* the ICV itself */
	memcpy(m, auth, alen);
	m[alen - 1] ^= 0x80;
	inject(&B, &A, m, alen);
	assert_int_equal(sb->drop_integrity, 2);
	/* truncated encrypted message, header length adjusted */
	memcpy(m, auth, alen);
	m[24] = 0;
	m[25] = 0;
	m[26] = (uint8_t)((alen - 7) >> 8);
	m[27] = (uint8_t)(alen - 7);
	inject(&B, &A, m, alen - 7);
	assert_true(sb->drop_malformed + sb->drop_integrity > before + ilen + 2 + 2);
	/* a message ID from the future */
	memcpy(m, auth, alen);
	m[23] = 5;
	inject(&B, &A, m, alen);
	assert_int_equal(sb->drop_msgid, 1);
	/* none of this changed b: nothing installed, nothing sent */
	assert_int_equal(B.n_installed, 0);
	assert_int_equal(B.sent, 1);
	/* and the real message still works */
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
}

/*
 * Random byte mutations of every message of an exchange, each delivered after
 * the genuine one: no crash, and the genuine exchange still completes.
 */
static void test_mutations(void **state)
{
	struct ike_opts ob;
	uint8_t m[2048];
	unsigned seed = 12345;

	/* mutated SPIs open half-open SAs: lift the per-peer limit so the real one fits */
	teardown(state);
	ike_opts_default(&ob);
	ob.half_open_per_peer = 100000;
	setup_opts(NULL, &ob);
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	for (int msg = 0; msg < 4 && fn.n; msg++) {
		struct fn_side *to = msg % 2 ? &A : &B, *from = msg % 2 ? &B : &A;
		size_t len = capture(m, sizeof(m));

		/* the genuine message first, then its mutants against the new state */
		fn_step();

		for (int i = 0; i < 300; i++) {
			uint8_t mm[2048];
			size_t n = len;

			memcpy(mm, m, len);
			for (int k = 0; k < 1 + i % 4; k++) {
				seed = seed * 1103515245 + 12345;
				mm[(seed >> 8) % len] ^= (uint8_t)(1 + (seed >> 20) % 255);
			}
			if (i % 7 == 0)
				n = (seed >> 4) % len;
			inject(to, from, mm, n);
		}
	}
	/* stray answers from the mutated requests are queued; deliver them */
	fn_run();
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_pair(&A.installed[0], &B.installed[0]);
}

/* An unknown payload with the critical bit: UNSUPPORTED_CRITICAL_PAYLOAD (§2.5). */
static void test_unsupported_critical(void **state)
{
	uint8_t init[2048], m[2048];
	size_t ilen;
	struct ike_msg *pm;
	struct ike_notify n;

	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	ilen = capture(init, sizeof(init));
	fn_drop();
	/* append an unknown payload (type 200, critical) to the chain */
	memcpy(m, init, ilen);
	{
		struct ike_msg *orig = malloc(sizeof(*orig));
		size_t last;

		assert_int_equal(ike_msg_parse(init, ilen, orig), 0);
		last = orig->pld[orig->npld - 1].off;
		m[last] = 200;
		free(orig);
	}
	m[ilen] = 0;
	m[ilen + 1] = 0x80;
	m[ilen + 2] = 0;
	m[ilen + 3] = 8;
	memset(m + ilen + 4, 0xab, 4);
	m[26] = (uint8_t)((ilen + 8) >> 8);
	m[27] = (uint8_t)(ilen + 8);
	inject(&B, &A, m, ilen + 8);
	assert_int_equal(ike_engine_stats(B.e)->unsupported_critical, 1);
	assert_int_equal(fn.n, 1);
	pm = malloc(sizeof(*pm));
	assert_int_equal(ike_msg_parse(fn.q[0].buf, fn.q[0].len, pm), 0);
	assert_int_equal(pm->npld, 1);
	assert_int_equal(ike_parse_notify(&pm->pld[0], &n), 0);
	assert_int_equal(n.type, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(n.len, 1);
	assert_int_equal(n.data[0], 200);
	free(pm);
	/* the same payload without the critical bit is ignored */
	fn_drop();
	m[ilen + 1] = 0;
	inject(&B, &A, m, ilen + 8);
	assert_int_equal(ike_engine_stats(B.e)->unsupported_critical, 1);
	assert_int_equal(B.sent, 2);
}

/*
 * Per-peer half-open share: the sixth IKE_SA_INIT from one address that has
 * not echoed a COOKIE is answered with one (it could be spoofed), not dropped.
 */
static void test_half_open_limit(void **state)
{
	struct ike_peer_conf c = CA;

	load();
	for (int i = 0; i < 6; i++) {
		snprintf(c.name, sizeof(c.name), "t%d", i);
		assert_int_equal(ike_conf_set(A.e, &c), 0);
		assert_int_equal(ike_initiate(A.e, c.name), 0);
		fn_step(); /* request to b, answered */
		fn_drop(); /* answer lost: b stays half open */
	}
	assert_int_equal(ike_engine_stats(B.e)->drop_half_open, 0);
	assert_int_equal(ike_engine_stats(B.e)->cookies_sent, 1);
	assert_int_equal(ike_half_open(B.e), 5);
	assert_int_equal(B.sent, 6);
	/* half-open SAs expire, and then the peer is served again without a COOKIE */
	fn_advance(30000);
	assert_int_equal(ike_half_open(B.e), 0);
	snprintf(c.name, sizeof(c.name), "t-late");
	assert_int_equal(ike_conf_set(A.e, &c), 0);
	assert_int_equal(ike_initiate(A.e, c.name), 0);
	fn_step();
	assert_int_equal(ike_engine_stats(B.e)->cookies_sent, 1);
	assert_int_equal(ike_half_open(B.e), 1);
	assert_int_equal(B.sent, 7);
}

/*
 * A flood of IKE_SA_INIT from 2000 spoofed addresses at a responder that
 * takes any peer: past 30 half-open SAs every request is answered with a
 * COOKIE and no state; the half-open ones expire.
 */
static void test_init_flood(void **state)
{
	const struct ike_stats *sb = ike_engine_stats(B.e);
	uint8_t init[2048];
	size_t ilen;

	memset(&CB.remote, 0, sizeof(CB.remote)); /* any peer */
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	ilen = capture(init, sizeof(init));
	fn_drop();
	for (unsigned i = 0; i < 2000; i++) {
		struct ike_addr src;
		uint8_t *copy = malloc(ilen);

		fn_addr(&src, "198.18.0.0", 500);
		src.addr[2] = (uint8_t)(i >> 8);
		src.addr[3] = (uint8_t)i;
		memcpy(copy, init, ilen);
		memcpy(copy, &i, sizeof(i)); /* a fresh SPIi each time */
		ike_input(B.e, &src, &B.addr, copy, ilen);
		free(copy);
		while (fn.n)
			fn_drop(); /* the answers go nowhere */
	}
	/* each a COOKIE, unless the rate limit (500/s to one /24, 2000/s in all) held it */
	assert_int_equal(sb->cookies_sent + sb->drop_reply_rate, 2000 - 30);
	assert_true(sb->cookies_sent >= 500); /* one /24 at least gets its burst */
	assert_int_equal(B.sent, 30 + sb->cookies_sent);
	assert_int_equal(ike_half_open(B.e), 30);
	assert_int_equal(B.n_installed, 0);
	/* the 30 half-open SAs time out, then state is kept again */
	fn_advance(30000);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
	while (fn.n)
		fn_drop();
	assert_int_equal(ike_conf_remove(A.e, "to-b"), 0);
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(sb->cookies_sent + sb->drop_reply_rate, 2000 - 30);
}

/* ---- CREATE_CHILD_SA ---- */

static void rekey_child_checks(bool pfs)
{
	const struct ike_child_sa *na, *nb;

	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 2);
	assert_int_equal(B.n_installed, 2);
	na = &A.installed[1];
	nb = &B.installed[1];
	assert_pair(na, nb);
	/* new SPIs and keys */
	assert_int_not_equal(na->spi_in, A.installed[0].spi_in);
	assert_memory_not_equal(na->encr_key_out, A.installed[0].encr_key_out, na->encr_key_len);
	/* the old pair is deleted on both sides */
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
	assert_int_equal(A.deleted[0].spi_in, A.installed[0].spi_in);
	assert_int_equal(B.deleted[0].spi_in, B.installed[0].spi_in);
	assert_int_equal(ike_engine_stats(A.e)->child_rekeyed, 1);
	assert_int_equal(ike_engine_stats(B.e)->child_rekeyed, 1);
	assert_int_equal(A.state, IKE_TUN_REKEYED);
	(void)pfs;
}

static void test_rekey_child(void **state)
{
	establish();
	rekey_child_checks(false);
}

static void test_rekey_child_pfs(void **state)
{
	CA.child.dh[0] = CB.child.dh[0] = IKE_DH_MODP2048;
	CA.child.n_dh = CB.child.n_dh = 1;
	establish();
	rekey_child_checks(true);
}

/* PFS configured on one side only: the rekey is refused and the old pair stays. */
static void test_rekey_child_pfs_mismatch(void **state)
{
	CA.child.dh[0] = IKE_DH_ECP256;
	CA.child.n_dh = 1;
	establish();
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(A.n_deleted, 0);
	assert_int_equal(B.n_deleted, 0);
	assert_int_equal(ike_engine_stats(A.e)->child_rekeyed, 0);
	assert_int_equal(ike_engine_stats(B.e)->no_proposal_sent, 1);
}

/* The peer wants another PFS group (INVALID_KE_PAYLOAD): the rekey is redone with it. */
static void test_rekey_child_pfs_invalid_ke(void **state)
{
	CA.child.dh[0] = IKE_DH_ECP256;
	CA.child.dh[1] = IKE_DH_MODP2048;
	CA.child.n_dh = 2;
	CB.child.dh[0] = IKE_DH_MODP2048;
	CB.child.n_dh = 1;
	establish();
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 2);
	assert_pair(&A.installed[1], &B.installed[1]);
	assert_int_equal(A.sent, 2 + 3); /* refused, redone, old pair deleted */
	/* counted in CREATE_CHILD_SA as in IKE_SA_INIT, and said */
	assert_int_equal(ike_engine_stats(B.e)->invalid_ke_sent, 1);
	assert_non_null(strstr(B.log, "CREATE_CHILD_SA request 2 from 192.0.2.1 refused: "
				      "INVALID_KE_PAYLOAD"));
	/* the next rekey uses the group that worked straight away */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 3);
	assert_int_equal(A.sent, 5 + 2);
}

/* `no rekey`: SAs carry their lifetimes to the kernel but are never rekeyed. */
static void test_no_rekey(void **state)
{
	CA.no_rekey = CB.no_rekey = true;
	CA.child_lifetime_s = CB.child_lifetime_s = 100;
	CA.child_lifetime_kb = CB.child_lifetime_kb = 1000;
	CA.ike_lifetime_s = CB.ike_lifetime_s = 1000;
	CA.if_id = CB.if_id = 42;
	establish();
	assert_int_equal(A.installed[0].lifetime_hard_s, 100);
	assert_int_equal(A.installed[0].lifetime_soft_s, 0);
	assert_int_equal(A.installed[0].lifetime_hard_kb, 1000);
	assert_int_equal(A.installed[0].lifetime_soft_kb, 0);
	assert_int_equal(A.installed[0].if_id, 42);
	/* a soft expiry from the kernel starts nothing */
	assert_int_equal(ike_child_expire(A.e, IKE_PROTO_ESP, A.installed[0].spi_in, false), 0);
	assert_int_equal(fn.n, 0);
	/* the IKE SA goes at its lifetime, without a rekey and without a failure */
	while (fn_next_timer(2000000))
		fn_run();
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed + ike_engine_stats(B.e)->ike_rekeyed,
			 0);
	assert_true(A.state == IKE_TUN_DOWN && B.state == IKE_TUN_DOWN);
	assert_true(fn.now >= 1000000 + 1000000);
}

/* With rekeys, the kernel's soft limits are 90 % of the hard ones. */
static void test_lifetime_kb(void **state)
{
	CA.child_lifetime_kb = CB.child_lifetime_kb = 1000;
	establish();
	assert_int_equal(A.installed[0].lifetime_hard_kb, 1000);
	assert_int_equal(A.installed[0].lifetime_soft_kb, 900);
	assert_int_equal(B.installed[0].lifetime_soft_kb, 900);
}

/* Rekey by lifetime: the timer starts it. */
static void test_rekey_child_lifetime(void **state)
{
	CA.child_lifetime_s = 100;
	establish();
	while (A.n_installed < 2 && fn_next_timer(200000))
		fn_run();
	fn_run();
	assert_int_equal(A.n_installed, 2);
	assert_int_equal(B.n_installed, 2);
	assert_int_equal(A.installed[0].lifetime_hard_s, 100);
	assert_int_equal(A.installed[0].lifetime_soft_s, 90);
	assert_pair(&A.installed[1], &B.installed[1]);
	assert_int_equal(A.n_deleted, 1);
}

static void test_rekey_ike(void **state)
{
	struct ike_tunnel_info ia, ib, ia2, ib2;

	establish();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia2), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib2), 0);
	assert_true(ia2.ike_up && ib2.ike_up);
	assert_memory_not_equal(ia.spi_i, ia2.spi_i, 8);
	assert_memory_equal(ia2.spi_i, ib2.spi_i, 8);
	assert_memory_equal(ia2.spi_r, ib2.spi_r, 8);
	/* the CHILD_SA moved to the new IKE SA untouched */
	assert_int_equal(ia2.n_child, 1);
	assert_int_equal(ib2.n_child, 1);
	assert_int_equal(A.n_deleted + B.n_deleted, 0);
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_engine_stats(B.e)->ike_rekeyed, 1);
	/* the new IKE SA works: rekey the CHILD_SA over it, then delete it */
	rekey_child_checks(false);
	assert_int_equal(ike_delete(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(B.state, IKE_TUN_DOWN);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_false(ib.ike_up);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

/* After crossing IKE rekeys: one IKE SA on each side, the same one, with the CHILD_SA. */
static void assert_one_ike_sa(void)
{
	struct ike_tunnel_info ia, ib;

	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_engine_stats(B.e)->ike_rekeyed, 1);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up && ib.ike_up);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	assert_memory_equal(ia.spi_r, ib.spi_r, 8);
	assert_int_equal(ia.n_child, 1);
	assert_int_equal(ib.n_child, 1);
	assert_int_equal(ia.child_spi_out, ib.child_spi_in);
	assert_int_equal(A.n_deleted + B.n_deleted, 0);
	/* and it works: delete from either side */
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
}

/* Both sides rekey the IKE SA at once, the requests crossing (§2.8.2). */
static void test_rekey_ike_simultaneous(void **state)
{
	establish();
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	assert_int_equal(ike_rekey_ike(B.e, "to-a"), 0);
	fn_run(); /* settled by the nonces, no retry */
	assert_one_ike_sa();
}

/* The same, but a's answer reaches a before b's request does. */
static void test_rekey_ike_simultaneous_late(void **state)
{
	establish();
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	assert_int_equal(ike_rekey_ike(B.e, "to-a"), 0);
	fn_step(); /* a's request to b: b answers it and waits for its own */
	fn_swap(); /* that answer overtakes b's request */
	fn_run();
	assert_one_ike_sa();
}

/* IKE SA rekey by lifetime, the CHILD_SA carried over. */
static void test_rekey_ike_lifetime(void **state)
{
	CA.ike_lifetime_s = 1000;
	establish();
	while (ike_engine_stats(A.e)->ike_rekeyed == 0 && fn_next_timer(2000000))
		fn_run();
	assert_int_equal(ike_engine_stats(B.e)->ike_rekeyed, 1);
	assert_int_equal(A.state, IKE_TUN_REKEYED);
	{
		struct ike_tunnel_info ia;

		assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
		/* the new IKE SA: next rekey within 85-90 % of the lifetime, expiry at 110 % */
		assert_true(ia.rekey_ms >= fn.now + 850000 && ia.rekey_ms <= fn.now + 900000);
		assert_int_equal(ia.expire_ms, fn.now + 1100000);
		assert_int_equal(ia.n_ike_sa, 1);
	}
	assert_int_equal(A.n_deleted + B.n_deleted, 0);
	assert_int_equal(A.n_installed, 1);
}

/*
 * The IKE SA's responder starts the CREATE_CHILD_SA and INFORMATIONAL
 * exchanges: CHILD rekey with PFS, IKE rekey, DPD, delete.
 */
static void test_responder_side_exchanges(void **state)
{
	struct ike_tunnel_info ia, ib;

	CA.child.dh[0] = CB.child.dh[0] = IKE_DH_ECP256;
	CA.child.n_dh = CB.child.n_dh = 1;
	CB.dpd_interval_s = 10;
	CB.dpd_timeout_s = 30;
	establish();
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(B.n_installed, 2);
	assert_pair(&B.installed[1], &A.installed[1]);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
	assert_int_equal(ike_rekey_ike(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ib.initiator); /* b started the new IKE SA */
	assert_false(ia.initiator);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	/* DPD from b over the new IKE SA */
	fn_advance(10000);
	assert_int_equal(fn.n, 1);
	fn_run();
	assert_int_equal(B.state, IKE_TUN_REKEYED);
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(B.state, IKE_TUN_DOWN);
	assert_int_equal(A.n_deleted, 2);
	assert_int_equal(B.n_deleted, 2);
}

/* Kernel lifetime events: soft rekeys, hard deletes with the peer. */
static void test_child_expire(void **state)
{
	establish();
	assert_int_equal(ike_child_expire(A.e, IKE_PROTO_ESP, 12345, false), -ENOENT);
	assert_int_equal(ike_child_expire(A.e, IKE_PROTO_ESP, A.installed[0].spi_in, false), 0);
	fn_run();
	assert_int_equal(A.n_installed, 2);
	assert_int_equal(B.n_installed, 2);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(ike_child_expire(B.e, IKE_PROTO_ESP, B.installed[1].spi_in, true), 0);
	fn_run();
	assert_int_equal(A.n_deleted, 2);
	assert_int_equal(B.n_deleted, 2);
	assert_int_equal(B.deleted[1].spi_in, B.installed[1].spi_in);
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
}

/* An IKE SA that nobody rekeys is deleted 10 % after its lifetime. */
static void test_ike_expire(void **state)
{
	CB.ike_lifetime_s = 100; /* a does not rekey; b is the responder */
	establish();
	while (B.state == IKE_TUN_UP && fn_next_timer(200000))
		fn_run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "IKE SA reached its lifetime (100 s) without a rekey");
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(B.n_deleted, 1);
}

/*
 * Both sides rekey the same CHILD_SA, but a's completes before b's request
 * reaches it: a is deleting the old pair and refuses (§2.25); one pair is left.
 */
static void test_rekey_child_simultaneous_late(void **state)
{
	struct ike_tunnel_info ia, ib;

	establish();
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	fn_step(); /* a's request to b, answered */
	fn_swap(); /* the answer overtakes b's request */
	fn_run();
	while (fn_next_timer(10000))
		fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.n_child, 1);
	assert_int_equal(ib.n_child, 1);
	assert_int_equal(ia.child_spi_out, ib.child_spi_in);
	assert_int_equal(ia.child_spi_in, ib.child_spi_out);
	assert_int_equal(A.n_installed - A.n_deleted, 1);
	assert_int_equal(B.n_installed - B.n_deleted, 1);
}

/* A CHILD_SA rekey that crosses an IKE SA rekey waits for it (§2.25). */
static void test_rekey_child_during_ike_rekey(void **state)
{
	struct ike_tunnel_info ia, ib;

	establish();
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	fn_swap(); /* b's CHILD rekey reaches a first */
	fn_run();
	/* each refused the other's: nothing changed yet */
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 0);
	assert_int_equal(ike_engine_stats(B.e)->child_rekeyed, 0);
	assert_int_equal(A.n_deleted + B.n_deleted, 0);
	/* both retry (with jitter) and both go through, one after the other */
	while ((ike_engine_stats(B.e)->child_rekeyed == 0 ||
		ike_engine_stats(A.e)->ike_rekeyed == 0) &&
	       fn_next_timer(10000))
		fn_run();
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_engine_stats(A.e)->child_rekeyed, 1);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.n_child, 1);
	assert_int_equal(ib.n_child, 1);
	assert_int_equal(ia.child_spi_out, ib.child_spi_in);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_int_equal(A.n_installed - A.n_deleted, 1);
	assert_int_equal(B.n_installed - B.n_deleted, 1);
}

/* Both sides rekey the same CHILD_SA at once (§2.8.1). */
static void test_rekey_child_simultaneous(void **state)
{
	establish();
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	fn_run();
	/* let any retry run */
	while (fn_next_timer(10000))
		fn_run();
	/* in the end one pair is left on each side, and they match */
	{
		struct ike_tunnel_info ia, ib;

		assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
		assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
		assert_int_equal(ia.n_child, 1);
		assert_int_equal(ib.n_child, 1);
		assert_int_equal(ia.child_spi_out, ib.child_spi_in);
		assert_int_equal(ia.child_spi_in, ib.child_spi_out);
		assert_int_not_equal(ia.child_spi_in, A.installed[0].spi_in);
	}
	assert_int_equal(A.n_installed - A.n_deleted, 1);
	assert_int_equal(B.n_installed - B.n_deleted, 1);
}

/* A kernel that refuses the CHILD_SA: reported, nothing left behind. */
static void test_install_fails(void **state)
{
	A.fail_install = -ENOBUFS;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_string_equal(A.reason, "cannot install the CHILD_SA: No buffer space available");
	assert_int_equal(A.n_installed, 0);
}

/* The responder's kernel refuses: both sides say why, nothing is left installed. */
static void test_install_fails_responder(void **state)
{
	B.fail_install = -EEXIST;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	/* TEMPORARY_FAILURE is fatal in IKE_AUTH: both sides drop the IKE SA at once */
	assert_string_equal(B.reason, "cannot install the CHILD_SA: File exists "
				      "(TEMPORARY_FAILURE sent, IKE SA deleted)");
	assert_string_equal(
	    A.reason, "peer 192.0.2.2 refused IKE_AUTH after authenticating: TEMPORARY_FAILURE");
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_int_equal(A.n_installed + B.n_installed, 0);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(ike_next_timeout(B.e), UINT64_MAX);
	assert_int_equal(ike_engine_stats(B.e)->other_error_sent, 1);
}

/* A tunnel removed in the middle of its exchanges leaves nothing behind. */
static void test_conf_remove_midway(void **state)
{
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step();
	fn_step(); /* a has sent IKE_AUTH */
	assert_int_equal(ike_conf_remove(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.n_installed, 0);
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	/* and during an IKE rekey */
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	assert_int_equal(ike_conf_remove(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(ike_next_timeout(A.e), UINT64_MAX);
	assert_int_equal(A.n_deleted, 1);
	/*
	 * b is not told: a Delete cannot follow the rekey request that is still
	 * unanswered (window 1); b's SAs go by DPD or lifetime.
	 */
	assert_int_equal(B.state, IKE_TUN_REKEYED);
}

/* Changing a tunnel's configuration renegotiates it; an identical one changes nothing. */
static void test_conf_change(void **state)
{
	establish();
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(A.n_deleted, 0);
	CA.dpd_interval_s = 5;
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(A.n_deleted, 1);
	assert_int_equal(ike_conf_remove(A.e, "to-b"), 0);
	assert_int_equal(ike_conf_remove(A.e, "to-b"), -ENOENT);
	assert_int_equal(ike_initiate(A.e, "to-b"), -ENOENT);
}

/* The responder finds the tunnel by the peer's address among many, after edits too. */
static void test_tunnel_lookup(void **state)
{
	struct ike_peer_conf c = CB;
	struct ike_tunnel_info ib;

	for (int i = 0; i < 300; i++) {
		snprintf(c.name, sizeof(c.name), "other%d", i);
		fn_addr(&c.remote, "203.0.113.0", 500);
		c.remote.addr[2] = (uint8_t)(i >> 8);
		c.remote.addr[3] = (uint8_t)i;
		c.psk[0] = 'X'; /* a wrong match would fail authentication */
		assert_int_equal(ike_conf_set(B.e, &c), 0);
	}
	/* first with the wrong address, then corrected: the index follows */
	fn_addr(&CB.remote, "192.0.2.77", 500);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	fn_addr(&CB.remote, "192.0.2.1", 500);
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ib.ike_up);
	assert_int_equal(ike_tunnel_info(B.e, "other7", &ib), 0);
	assert_false(ib.ike_up);
	assert_int_equal(ike_conf_remove(B.e, "other7"), 0);
	assert_int_equal(ike_tunnel_info(B.e, "other7", &ib), -ENOENT);
	assert_int_equal(ike_tunnel_info(B.e, "other8", &ib), 0);
}

static void test_conf_invalid(void **state)
{
	struct ike_peer_conf c = CA;

	c.psk_len = 0;
	assert_int_equal(ike_conf_set(A.e, &c), -EINVAL);
	c = CA;
	c.n_ike = 0;
	assert_int_equal(ike_conf_set(A.e, &c), -EINVAL);
	c = CA;
	c.ike[0].n_dh = 0;
	assert_int_equal(ike_conf_set(A.e, &c), -EINVAL);
	c = CA;
	c.child_proto = 9;
	assert_int_equal(ike_conf_set(A.e, &c), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* Queued datagrams that are SKF fragments (RFC 7383), each at most max bytes. */
static size_t queued_fragments(size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < fn.n; i++) {
		if (fn.q[i].len < 28 || fn.q[i].buf[16] != IKE_PLD_SKF)
			continue;
		assert_true(fn.q[i].len <= max);
		n++;
	}
	return n;
}

/*
 * IKE fragmentation forced by a small fragment size (200-byte packets):
 * negotiated in IKE_SA_INIT, IKE_AUTH both ways and a CHILD_SA rekey go out
 * as fragments, a lost fragment is made good by the retransmission of the
 * whole set, and the tunnel comes up with matching keys.
 */
static void test_fragmentation_forced(void **state)
{
	size_t nreq, nresp, max = 200 - 20 - 8; /* IPv4 and UDP headers off */

	CA.fragmentation = CB.fragmentation = true;
	CA.frag_mtu = CB.frag_mtu = 200;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step(); /* IKE_SA_INIT request */
	fn_step(); /* its response: a's IKE_AUTH request follows in fragments */
	nreq = queued_fragments(max);
	assert_true(nreq >= 2);
	assert_int_equal(nreq, fn.n);
	/* the second fragment is lost: b keeps the others and waits */
	fn_swap();
	fn_drop();
	for (size_t i = 1; i < nreq; i++)
		fn_step();
	assert_int_equal(fn.n, 0);
	assert_int_not_equal(B.state, IKE_TUN_UP);
	/* a sends the whole set again; b answers in fragments too */
	assert_true(fn_next_timer(10000));
	assert_int_equal(queued_fragments(max), nreq);
	for (size_t i = 0; i < nreq; i++)
		fn_step();
	nresp = queued_fragments(max);
	assert_true(nresp >= 2);
	assert_int_equal(nresp, fn.n);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(B.n_installed, 1);
	assert_pair(&A.installed[0], &B.installed[0]);
	assert_int_equal(ike_engine_stats(B.e)->drop_integrity, 0);

	/* a later exchange large enough goes fragmented as well */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	assert_true(queued_fragments(max) >= 1);
	fn_run();
	assert_int_equal(A.n_installed, 2);
	assert_pair(&A.installed[1], &B.installed[1]);
	assert_int_equal(A.state, IKE_TUN_REKEYED);

	/* the rekeyed IKE SA keeps fragmentation */
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	assert_true(queued_fragments(max) >= 1);
	fn_run();
	assert_int_equal(B.n_installed, 3);
	assert_pair(&B.installed[2], &A.installed[2]);
}

/* Fragmentation offered by one side only: nothing is fragmented. */
static void test_fragmentation_one_side(void **state)
{
	CA.fragmentation = true;
	CA.frag_mtu = 300;
	load();
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step();
	fn_step();
	assert_int_equal(queued_fragments(SIZE_MAX), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_establish_aead),
	    T(test_establish_cbc_modp),
	    T(test_establish_ecp384_chacha),
	    T(test_establish_choice),
	    T(test_all_groups),
	    T(test_all_ciphers),
	    T(test_ah_transport),
	    T(test_transport_one_side),
	    T(test_ipv6),
	    T(test_debug_log),
	    T(test_invalid_ke_retry),
	    T(test_invalid_ke_unoffered),
	    T(test_cookie),
	    T(test_cookie_wrong),
	    T(test_nat_detected),
	    T(test_nat_replay_and_rebind),
	    T(test_fragmentation_forced),
	    T(test_fragmentation_one_side),
	    T(test_natd_wire),
	    T(test_natt_force),
	    T(test_natt_ports),
	    T(test_natt_disable),
	    T(test_proposal_mismatch),
	    T(test_psk_mismatch),
	    T(test_psk_mismatch_lost_answer),
	    T(test_identity_unknown),
	    T(test_identity_fqdn_ok),
	    T(test_responder_identity_wrong),
	    T(test_ts_unacceptable),
	    T(test_drop_reasons),
	    T(test_ts_unacceptable_responder_a),
	    T(test_child_refused_auto_retry),
	    T(test_child_proposal_mismatch),
	    T(test_ts_narrowing),
	    T(test_no_reply),
	    T(test_lost_response),
	    T(test_lost_init_response),
	    T(test_duplicate_request),
	    T(test_reordered),
	    T(test_delete_child),
	    T(test_delete_ike),
	    T(test_delete_by_responder),
	    T(test_dpd_alive),
	    T(test_dpd_timeout),
	    T(test_auto_dpd_restart),
	    T(test_auto_backoff),
	    T(test_dpd_action_restart),
	    T(test_dpd_action_clear),
	    T(test_responder_only),
	    T(test_auto_child_recreated),
	    T(test_resolved_remotes),
	    T(test_remote_alternatives),
	    T(test_auto_both_sides),
	    T(test_malformed),
	    T(test_mutations),
	    T(test_unsupported_critical),
	    T(test_half_open_limit),
	    T(test_init_flood),
	    T(test_rekey_child),
	    T(test_rekey_child_pfs),
	    T(test_rekey_child_pfs_mismatch),
	    T(test_rekey_child_lifetime),
	    T(test_no_rekey),
	    T(test_lifetime_kb),
	    T(test_rekey_child_pfs_invalid_ke),
	    T(test_rekey_ike),
	    T(test_rekey_child_simultaneous),
	    T(test_rekey_child_during_ike_rekey),
	    T(test_rekey_child_simultaneous_late),
	    T(test_responder_side_exchanges),
	    T(test_child_expire),
	    T(test_ike_expire),
	    T(test_rekey_ike_simultaneous),
	    T(test_rekey_ike_simultaneous_late),
	    T(test_rekey_ike_lifetime),
	    T(test_install_fails),
	    T(test_install_fails_responder),
	    T(test_conf_remove_midway),
	    T(test_conf_change),
	    T(test_tunnel_lookup),
	    T(test_conf_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
