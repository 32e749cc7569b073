/* SPDX-License-Identifier: ISC */
/*
 * IKE_SA_INIT requests shaped like real peers' defaults, answered by the
 * engine under test (b). a is an engine too, so that the rest of the
 * handshake is real, but every IKE_SA_INIT request it sends has its SA
 * payload replaced, on the wire and in a's own copy (which its AUTH
 * signs), by the proposals a peer with no proposal configuration sends:
 *
 * - strongSwan 5.9.8 (Debian 12) without `proposals`: two proposals of 38
 *   transforms each, as charon logged them in the UML scenario
 *   ike_sw_default_proposals ("configured proposals: IKE:AES_CBC_128/...");
 *   its KE is for the first group, curve25519;
 * - libreswan 4.10 without `ike=`: four proposals, AES-GCM-16 256 and 128,
 *   AES-CBC 256 and 128, PRFs SHA2-512 and SHA2-256, groups MODP 2048-8192,
 *   ECP 256-521 and curve25519; its KE is for MODP-2048;
 * - the Cisco IOS-XE 16 default IKEv2 proposal as its documentation lists
 *   it (not taken from a device): one proposal, AES-CBC 256/192/128,
 *   SHA-512/384/256/SHA-1/MD5 as PRF and integrity, groups 5 and 2; a tunnel
 *   with modern groups only must refuse it with a reason.
 *
 * Transform IDs are the IANA IKEv2 registry values, written out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakenet.h"
#include "ike_sa.h"

static struct fn_side A, B;
static struct ike_peer_conf CA, CB;

/* transform types (RFC 7296 §3.3.2) */
enum { T_ENCR = 1, T_PRF = 2, T_INTEG = 3, T_DH = 4 };

struct xf {
	uint8_t type;
	uint16_t id;
	uint16_t keylen; /* 0: no Key Length attribute */
};

#define END                                                                                        \
	{                                                                                          \
		0, 0, 0                                                                            \
	}

/* strongSwan 5.9.8, proposal 1 (38 transforms) */
static const struct xf sw_prop1[] = {
    {T_ENCR, 12, 128},
    {T_ENCR, 12, 192},
    {T_ENCR, 12, 256}, /* AES_CBC */
    {T_ENCR, 13, 128},
    {T_ENCR, 13, 192},
    {T_ENCR, 13, 256}, /* AES_CTR */
    {T_ENCR, 23, 128},
    {T_ENCR, 23, 192},
    {T_ENCR, 23, 256}, /* CAMELLIA_CBC */
    {T_ENCR, 24, 128},
    {T_ENCR, 24, 192},
    {T_ENCR, 24, 256}, /* CAMELLIA_CTR */
    {T_ENCR, 3, 0},    /* 3DES_CBC */
    {T_INTEG, 12, 0},
    {T_INTEG, 13, 0},
    {T_INTEG, 14, 0}, /* HMAC_SHA2 */
    {T_INTEG, 5, 0},
    {T_INTEG, 8, 0},
    {T_INTEG, 2, 0}, /* XCBC, CMAC, SHA1 */
    {T_PRF, 5, 0},
    {T_PRF, 6, 0},
    {T_PRF, 7, 0}, /* HMAC_SHA2 */
    {T_PRF, 4, 0},
    {T_PRF, 8, 0},
    {T_PRF, 2, 0}, /* XCBC, CMAC, SHA1 */
    {T_DH, 31, 0},
    {T_DH, 32, 0}, /* curve25519, curve448 */
    {T_DH, 19, 0},
    {T_DH, 20, 0},
    {T_DH, 21, 0}, /* ECP */
    {T_DH, 28, 0},
    {T_DH, 29, 0},
    {T_DH, 30, 0}, /* ECP brainpool */
    {T_DH, 15, 0},
    {T_DH, 16, 0},
    {T_DH, 17, 0}, /* MODP 3072-6144 */
    {T_DH, 18, 0},
    {T_DH, 14, 0}, /* MODP 8192, 2048 */
    END,
};

/* strongSwan 5.9.8, proposal 2: the AEAD one (38 transforms) */
static const struct xf sw_prop2[] = {
    {T_ENCR, 16, 128}, {T_ENCR, 16, 192}, {T_ENCR, 16, 256}, /* AES_CCM_16 */
    {T_ENCR, 20, 128}, {T_ENCR, 20, 192}, {T_ENCR, 20, 256}, /* AES_GCM_16 */
    {T_ENCR, 28, 0},					     /* CHACHA20_POLY1305 */
    {T_ENCR, 14, 128}, {T_ENCR, 14, 192}, {T_ENCR, 14, 256}, /* AES_CCM_8 */
    {T_ENCR, 15, 128}, {T_ENCR, 15, 192}, {T_ENCR, 15, 256}, /* AES_CCM_12 */
    {T_ENCR, 18, 128}, {T_ENCR, 18, 192}, {T_ENCR, 18, 256}, /* AES_GCM_8 */
    {T_ENCR, 19, 128}, {T_ENCR, 19, 192}, {T_ENCR, 19, 256}, /* AES_GCM_12 */
    {T_PRF, 5, 0},     {T_PRF, 6, 0},	  {T_PRF, 7, 0},     {T_PRF, 4, 0}, {T_PRF, 8, 0},
    {T_PRF, 2, 0},     {T_DH, 31, 0},	  {T_DH, 32, 0},     {T_DH, 19, 0}, {T_DH, 20, 0},
    {T_DH, 21, 0},     {T_DH, 28, 0},	  {T_DH, 29, 0},     {T_DH, 30, 0}, {T_DH, 15, 0},
    {T_DH, 16, 0},     {T_DH, 17, 0},	  {T_DH, 18, 0},     {T_DH, 14, 0}, END,
};

/* libreswan 4.10: PRFs and groups shared by all four proposals */
#define LS_PRF_DH                                                                                  \
	{T_PRF, 7, 0}, {T_PRF, 5, 0}, {T_DH, 14, 0}, {T_DH, 15, 0}, {T_DH, 16, 0}, {T_DH, 18, 0},  \
	    {T_DH, 19, 0}, {T_DH, 20, 0}, {T_DH, 21, 0},                                           \
	{                                                                                          \
		T_DH, 31, 0                                                                        \
	}

static const struct xf ls_prop1[] = {{T_ENCR, 20, 256}, {T_INTEG, 0, 0}, LS_PRF_DH, END};
static const struct xf ls_prop2[] = {{T_ENCR, 20, 128}, {T_INTEG, 0, 0}, LS_PRF_DH, END};
static const struct xf ls_prop3[] = {
    {T_ENCR, 12, 256}, {T_INTEG, 14, 0}, {T_INTEG, 12, 0}, LS_PRF_DH, END};
static const struct xf ls_prop4[] = {
    {T_ENCR, 12, 128}, {T_INTEG, 14, 0}, {T_INTEG, 12, 0}, LS_PRF_DH, END};

/* IOS-XE 16's default proposal (groups 5 and 2 only) */
static const struct xf ios_prop[] = {
    {T_ENCR, 12, 256}, {T_ENCR, 12, 192}, {T_ENCR, 12, 128}, {T_INTEG, 14, 0},
    {T_INTEG, 13, 0},  {T_INTEG, 12, 0},  {T_INTEG, 2, 0},   {T_INTEG, 1, 0},
    {T_PRF, 7, 0},     {T_PRF, 6, 0},	  {T_PRF, 5, 0},     {T_PRF, 2, 0},
    {T_PRF, 1, 0},     {T_DH, 5, 0},	  {T_DH, 2, 0},	     END,
};

static const struct xf *const strongswan[] = {sw_prop1, sw_prop2, NULL};
static const struct xf *const libreswan[] = {ls_prop1, ls_prop2, ls_prop3, ls_prop4, NULL};
static const struct xf *const ios_xe[] = {ios_prop, NULL};

static const struct xf *const *shape; /* what a's IKE_SA_INIT requests carry */
static bool bad_ke;		      /* their KE value: all ones, off any curve */

static size_t xf_count(const struct xf *x)
{
	size_t n = 0;

	while (x[n].type)
		n++;
	return n;
}

/* The SA payload of the shape, written octet by octet (RFC 7296 §3.3). */
static void write_sa(struct ike_writer *w, const struct xf *const *props)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_SA, false, &start);
	for (size_t i = 0; props[i]; i++) {
		size_t n = xf_count(props[i]), pstart = w->len;

		ike_write_u8(w, props[i + 1] ? 2 : 0);
		ike_write_u8(w, 0);
		ike_write_u16(w, 0); /* proposal length, below */
		ike_write_u8(w, (uint8_t)(i + 1));
		ike_write_u8(w, IKE_PROTO_IKE);
		ike_write_u8(w, 0); /* no SPI in IKE_SA_INIT */
		ike_write_u8(w, (uint8_t)n);
		for (size_t j = 0; j < n; j++) {
			const struct xf *t = &props[i][j];

			ike_write_u8(w, j + 1 < n ? 3 : 0);
			ike_write_u8(w, 0);
			ike_write_u16(w, t->keylen ? 12 : 8);
			ike_write_u8(w, t->type);
			ike_write_u8(w, 0);
			ike_write_u16(w, t->id);
			if (t->keylen) {
				ike_write_u16(w, 0x8000 | 14);
				ike_write_u16(w, t->keylen);
			}
		}
		ike_write_u16_at(w, pstart + 2, (uint16_t)(w->len - pstart));
	}
	ike_pld_end(w, start);
}

/* Rebuild one IKE_SA_INIT request of a with the shape's SA payload. */
static void reshape(struct fn_dgram *d)
{
	struct ike_msg *m = malloc(sizeof(*m));
	uint8_t *out = malloc(IKE_MSG_BUF);
	struct ike_writer w;
	struct ike_sa *sa;

	assert_non_null(m);
	assert_non_null(out);
	assert_int_equal(ike_msg_parse(d->buf, d->len, m), 0);
	ike_writer_init(&w, out, IKE_MSG_BUF);
	ike_msg_begin(&w, &m->hdr);
	for (size_t i = 0; i < m->npld; i++) {
		const struct ike_pld *p = &m->pld[i];
		size_t start;

		if (p->type == IKE_PLD_SA && shape) {
			write_sa(&w, shape);
			continue;
		}
		if (p->type == IKE_PLD_KE && bad_ke) {
			ike_pld_begin(&w, p->type, false, &start);
			ike_write_bytes(&w, p->body, 4); /* group, reserved */
			for (size_t k = 4; k < p->len; k++)
				ike_write_u8(&w, 0xff);
			ike_pld_end(&w, start);
			continue;
		}
		/* KE, Ni, COOKIE and NAT_DETECTION as a sent them */
		ike_pld_begin(&w, p->type, p->critical, &start);
		ike_write_bytes(&w, p->body, p->len);
		ike_pld_end(&w, start);
	}
	assert_int_equal(ike_msg_end(&w), 0);
	/* a signs the request it believes it sent, and resends that one */
	sa = A.e->sas;
	assert_non_null(sa);
	assert_int_equal(sa->state, IKE_SA_INIT_SENT);
	free(sa->init_req);
	sa->init_req = malloc(w.len);
	memcpy(sa->init_req, out, w.len);
	sa->init_req_len = w.len;
	free(sa->req.buf);
	sa->req.buf = malloc(w.len);
	memcpy(sa->req.buf, out, w.len);
	sa->req.len = w.len;
	free(d->buf);
	d->buf = out;
	d->len = w.len;
	free(m);
}

static bool is_init_request_from_a(const struct fn_dgram *d)
{
	return fn_ip_eq(&d->src, &A.addr) && d->len >= IKE_HDR_LEN && d->buf[18] == IKE_SA_INIT &&
	       !(d->buf[19] & IKE_FLAG_RESPONSE);
}

/* fn_run(), with every IKE_SA_INIT request of a reshaped on its way. */
static void run(void)
{
	for (unsigned n = 0; fn.n && n < 1000; n++) {
		if ((shape || bad_ke) && is_init_request_from_a(&fn.q[0]))
			reshape(&fn.q[0]);
		fn_step();
	}
}

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
	c->child =
	    (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16}, .encr_bits = {256}, .n_encr = 1};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, "peer-shape-test-psk", 19);
	c->psk_len = 19;
	subnet(&c->local_net[0], ln, 24);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rn, 24);
	c->n_remote_net = 1;
}

static int setup(void **state)
{
	(void)state;
	shape = NULL;
	bad_ke = false;
	fn_side_init(&A, "a", "192.0.2.1", NULL);
	fn_side_init(&B, "b", "192.0.2.2", NULL);
	fn_reset(&A, &B);
	conf(&CA, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", "10.2.0.0");
	conf(&CB, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", "10.1.0.0");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	return 0;
}

static void up(void)
{
	struct ike_tunnel_info ia, ib;

	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	run();
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up);
	assert_true(ib.ike_up);
	assert_int_equal(ia.encr, ib.encr);
	assert_int_equal(ia.prf, ib.prf);
	assert_int_equal(ia.dh, ib.dh);
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(A.installed[0].spi_out, B.installed[0].spi_in);
	assert_int_equal(ike_engine_stats(B.e)->drop_malformed, 0);
}

static void test_shape_parses(void **state)
{
	const struct xf *const *shapes[] = {strongswan, libreswan, ios_xe};
	const size_t nprops[] = {2, 4, 1};
	uint8_t buf[2048];

	(void)state;
	assert_int_equal(xf_count(sw_prop1), 38);
	assert_int_equal(xf_count(sw_prop2), 38);
	for (size_t s = 0; s < 3; s++) {
		struct ike_sa_pld *sa = malloc(sizeof(*sa));
		struct ike_writer w;
		struct ike_pld p = {0};

		ike_writer_init(&w, buf, sizeof(buf));
		write_sa(&w, shapes[s]);
		assert_int_equal(w.err, 0);
		p.type = IKE_PLD_SA;
		p.body = buf + IKE_PLD_HDR_LEN;
		p.len = w.len - IKE_PLD_HDR_LEN;
		assert_int_equal(ike_prop_parse(&p, sa), 0);
		assert_int_equal(sa->nwire, nprops[s]);
		assert_int_equal(sa->nproposals, nprops[s]);
		for (size_t i = 0; i < nprops[s]; i++) {
			assert_int_equal(sa->prop[i].nwire, xf_count(shapes[s][i]));
			assert_true(sa->prop[i].ntransforms <= sa->prop[i].nwire);
			assert_true(sa->prop[i].types & (1u << T_ENCR));
			/* what is kept is what this engine knows */
			for (size_t j = 0; j < sa->prop[i].ntransforms; j++) {
				const struct ike_transform *t = &sa->prop[i].xf[j];

				assert_true(t->id == 0 || xform_lookup(t->type, t->id, t->keylen));
			}
		}
		free(sa);
	}
}

/* strongSwan's default, to an ikesh tunnel with AES-CBC-256/SHA-256/x25519 */
static void test_strongswan_default_cbc(void **state)
{
	struct ike_prop_conf p = {.encr = {IKE_ENCR_AES_CBC},
				  .encr_bits = {256},
				  .n_encr = 1,
				  .integ = {IKE_AUTH_HMAC_SHA2_256_128},
				  .n_integ = 1,
				  .prf = {IKE_PRF_HMAC_SHA2_256},
				  .n_prf = 1,
				  .dh = {IKE_DH_CURVE25519},
				  .n_dh = 1};
	struct ike_tunnel_info ib;

	(void)state;
	shape = strongswan;
	CA.ike[0] = p;
	CB.ike[0] = p;
	up();
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.encr, IKE_ENCR_AES_CBC);
	assert_int_equal(ib.encr_bits, 256);
	assert_int_equal(ib.integ, IKE_AUTH_HMAC_SHA2_256_128);
	assert_int_equal(ib.dh, IKE_DH_CURVE25519);
	assert_int_equal(ike_engine_stats(B.e)->invalid_ke_sent, 0);
}

/*
 * strongSwan's default, to a tunnel with AES-GCM-256/SHA-384/ECP-256: the
 * second (AEAD) proposal is chosen, and since the KE is curve25519, b asks
 * for ECP-256 with INVALID_KE_PAYLOAD; the second request has the same
 * proposals and an ECP-256 KE.
 */
static void test_strongswan_default_gcm_invalid_ke(void **state)
{
	struct ike_tunnel_info ib;

	(void)state;
	shape = strongswan;
	CA.ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
					   .encr_bits = {256},
					   .n_encr = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_384},
					   .n_prf = 1,
					   .dh = {IKE_DH_CURVE25519, IKE_DH_ECP256},
					   .n_dh = 2};
	CB.ike[0] = CA.ike[0];
	CB.ike[0].dh[0] = IKE_DH_ECP256;
	CB.ike[0].n_dh = 1;
	up();
	assert_int_equal(ike_engine_stats(B.e)->invalid_ke_sent, 1);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.encr, IKE_ENCR_AES_GCM_16);
	assert_int_equal(ib.prf, IKE_PRF_HMAC_SHA2_384);
	assert_int_equal(ib.dh, IKE_DH_ECP256);
}

/* libreswan's default (KE MODP-2048) to a tunnel with AES-GCM-128/SHA-256/MODP-2048 */
static void test_libreswan_default(void **state)
{
	struct ike_tunnel_info ib;

	(void)state;
	shape = libreswan;
	CA.ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
					   .encr_bits = {128},
					   .n_encr = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_MODP2048},
					   .n_dh = 1};
	CB.ike[0] = CA.ike[0];
	up();
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	/* the second proposal: the first is AES-GCM-256, which b does not take */
	assert_int_equal(ib.encr_bits, 128);
	assert_int_equal(ib.prf, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(ib.dh, IKE_DH_MODP2048);
}

/*
 * Nothing acceptable (IOS-XE's default offers groups 5 and 2 only): b
 * answers NO_PROPOSAL_CHOSEN, says why on its tunnel and in its debug
 * lines, and counts it; a shows the refusal.
 */
static void test_nothing_acceptable(void **state)
{
	struct ike_prop_conf p = {.encr = {IKE_ENCR_AES_CBC},
				  .encr_bits = {256},
				  .n_encr = 1,
				  .integ = {IKE_AUTH_HMAC_SHA2_256_128},
				  .n_integ = 1,
				  .prf = {IKE_PRF_HMAC_SHA2_256},
				  .n_prf = 1,
				  .dh = {IKE_DH_ECP256},
				  .n_dh = 1};

	(void)state;
	shape = ios_xe;
	CA.ike[0] = p;
	CB.ike[0] = p;
	ike_set_log_level(B.e, IKE_LOG_INFO);
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	run();
	assert_int_equal(ike_engine_stats(B.e)->no_proposal_sent, 1);
	assert_int_equal(ike_engine_stats(B.e)->drop_malformed, 0);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_non_null(strstr(B.reason, "NO_PROPOSAL_CHOSEN: peer 192.0.2.1 offered "
					 "aes256/aes192/aes128/"));
	assert_non_null(
	    strstr(B.reason, "/modp1536/modp1024, we accept aes256/sha256/prfsha256/ecp256"));
	assert_non_null(strstr(B.log, "IKE_SA_INIT from 192.0.2.1: NO_PROPOSAL_CHOSEN sent"));
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_non_null(strstr(A.reason, "NO_PROPOSAL_CHOSEN"));
	assert_int_equal(A.n_installed + B.n_installed, 0);
}

/* strongSwan's default to a tunnel that takes MODP-1024 only: the reason says what was skipped */
static void test_strongswan_nothing_acceptable(void **state)
{
	struct ike_prop_conf p = {.encr = {IKE_ENCR_AES_CBC},
				  .encr_bits = {128},
				  .n_encr = 1,
				  .integ = {IKE_AUTH_HMAC_SHA1_96},
				  .n_integ = 1,
				  .prf = {IKE_PRF_HMAC_SHA1},
				  .n_prf = 1,
				  .dh = {IKE_DH_MODP1024},
				  .n_dh = 1};

	(void)state;
	shape = strongswan;
	CA.ike[0] = p;
	CB.ike[0] = p;
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	run();
	assert_int_equal(ike_engine_stats(B.e)->no_proposal_sent, 1);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_non_null(strstr(B.reason, "NO_PROPOSAL_CHOSEN: peer 192.0.2.1 offered aes128/"));
	assert_non_null(strstr(B.reason, " unsupported) and 1 more proposal, we accept "
					 "aes128/sha1/prfsha1/modp1024"));
	assert_int_equal(A.state, IKE_TUN_FAILED);
}

/*
 * A KE value off the curve: b answers INVALID_SYNTAX (no state kept), says
 * why on the tunnel and under debug, counts it; a shows the refusal.
 */
static void test_invalid_ke_value(void **state)
{
	struct ike_prop_conf p = {.encr = {IKE_ENCR_AES_GCM_16},
				  .encr_bits = {128},
				  .n_encr = 1,
				  .prf = {IKE_PRF_HMAC_SHA2_256},
				  .n_prf = 1,
				  .dh = {IKE_DH_ECP256},
				  .n_dh = 1};

	(void)state;
	bad_ke = true;
	CA.ike[0] = p;
	CB.ike[0] = p;
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	run();
	assert_int_equal(ike_engine_stats(B.e)->invalid_syntax_sent, 1);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "peer 192.0.2.1 sent an invalid KE value (64 bytes, ecp256)");
	assert_non_null(strstr(B.log, "IKE_SA_INIT from 192.0.2.1: invalid KE value (64 bytes, "
				      "ecp256), INVALID_SYNTAX sent"));
	assert_null(B.e->sas); /* nothing kept for it */
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "peer 192.0.2.2 refused IKE_SA_INIT: INVALID_SYNTAX");
}

/* ---- IKE_AUTH with the traffic selectors real peers send ---- */

/*
 * Replace the TSi payload of a's queued IKE_AUTH request: opened with b's
 * keys, the inner payloads copied but TSi, sealed again with a's keys (the
 * AUTH payload does not cover the selectors). tsi NULL: raw_tsi, as is.
 */
static void retarget_auth(const struct ike_ts_pld *tsi, const uint8_t *raw_tsi, size_t raw_len)
{
	struct ike_sa *sa = A.e->sas, *sb = B.e->sas;
	struct fn_dgram *d = &fn.q[0];
	struct ike_msg *m = malloc(sizeof(*m));
	uint8_t *plain = malloc(IKE_MSG_BUF), *inner = malloc(IKE_MSG_BUF);
	uint8_t *out = malloc(IKE_MSG_BUF);
	struct ike_writer iw, w;
	size_t aadlen, bodylen, plainlen, body_off, sealed, n;
	const uint8_t *body;

	assert_non_null(sa);
	assert_non_null(sb);
	assert_int_equal(sa->state, IKE_SA_AUTH_SENT);
	assert_true(fn.n > 0 && fn_ip_eq(&d->src, &A.addr));
	assert_int_equal(ike_msg_parse(d->buf, d->len, m), 0);
	assert_int_equal(m->hdr.exchange, IKE_AUTH);
	assert_int_equal(ike_msg_sk_span(m, d->buf, &aadlen, &body, &bodylen), 0);
	assert_int_equal(
	    sk_open(&sb->sk_in, d->buf, aadlen, body, bodylen, plain, IKE_MSG_BUF, &plainlen), 0);
	assert_int_equal(ike_msg_parse_inner(m, plain, plainlen), 0);
	ike_writer_init(&iw, inner, IKE_MSG_BUF);
	for (size_t i = 0; i < m->npld; i++) {
		const struct ike_pld *p = &m->pld[i];
		size_t start;

		if (!p->encrypted)
			continue;
		if (p->type == IKE_PLD_TSI && tsi) {
			ike_build_ts(&iw, IKE_PLD_TSI, tsi);
			continue;
		}
		ike_pld_begin(&iw, p->type, p->critical, &start);
		if (p->type == IKE_PLD_TSI)
			ike_write_bytes(&iw, raw_tsi, raw_len);
		else
			ike_write_bytes(&iw, p->body, p->len);
		ike_pld_end(&iw, start);
	}
	assert_int_equal(iw.err, 0);
	sealed = sk_sealed_len(&sa->sk_out, iw.len);
	ike_writer_init(&w, out, IKE_MSG_BUF);
	ike_msg_begin(&w, &m->hdr);
	ike_build_sk(&w, iw.first_type, sealed, &body_off);
	assert_int_equal(ike_msg_end(&w), 0);
	assert_int_equal(
	    sk_seal(&sa->sk_out, out, body_off, NULL, inner, iw.len, out + body_off, sealed, &n),
	    0);
	free(sa->req.buf);
	sa->req.buf = malloc(w.len);
	memcpy(sa->req.buf, out, w.len);
	sa->req.len = w.len;
	free(d->buf);
	d->buf = out;
	d->len = w.len;
	free(m);
	free(plain);
	free(inner);
}

static void ts4(struct ike_ts *t, const char *start, const char *end)
{
	struct ike_addr a;

	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_ADDR_RANGE;
	t->end_port = 65535;
	fn_addr(&a, start, 0);
	memcpy(t->start, a.addr, 4);
	fn_addr(&a, end, 0);
	memcpy(t->end, a.addr, 4);
}

/* Up to a's IKE_AUTH request, queued and not yet delivered. */
static void to_auth(void)
{
	shape = NULL;
	CA.ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
					   .encr_bits = {256},
					   .n_encr = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_CURVE25519},
					   .n_dh = 1};
	CB.ike[0] = CA.ike[0];
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_true(fn_step()); /* IKE_SA_INIT request */
	assert_true(fn_step()); /* its answer; a sends IKE_AUTH */
	assert_int_equal(fn.n, 1);
}

/*
 * 20 selectors for a's side, of which b allows only the last: parsed, not
 * refused, and narrowed over all of them to that one.
 */
static void test_auth_twenty_selectors(void **state)
{
	struct ike_ts_pld *tsi = calloc(1, sizeof(*tsi));
	char s[32];

	(void)state;
	to_auth();
	tsi->n = 20;
	for (size_t i = 0; i < 19; i++) {
		snprintf(s, sizeof(s), "10.99.%zu.0", i);
		ts4(&tsi->ts[i], s, s);
	}
	ts4(&tsi->ts[19], "10.1.0.0", "10.1.0.255");
	retarget_auth(tsi, NULL, 0);
	fn_run();
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(B.installed[0].n_ts_remote, 1);
	assert_memory_equal(B.installed[0].ts_remote[0].start, tsi->ts[19].start, 4);
	assert_memory_equal(B.installed[0].ts_remote[0].end, tsi->ts[19].end, 4);
	assert_int_equal(ike_engine_stats(B.e)->invalid_syntax_sent, 0);
	free(tsi);
}

/*
 * A range that is not a prefix (the kernel's selectors are): TS_UNACCEPTABLE,
 * a CHILD_SA-only refusal, so both IKE SAs stay, and each side says why.
 */
static void test_auth_range_not_prefix(void **state)
{
	struct ike_ts_pld tsi = {.n = 1};
	struct ike_tunnel_info ia, ib;

	(void)state;
	to_auth();
	ts4(&tsi.ts[0], "10.1.0.1", "10.1.0.7");
	retarget_auth(&tsi, NULL, 0);
	fn_run();
	assert_int_equal(A.n_installed + B.n_installed, 0);
	assert_int_equal(B.state, IKE_TUN_IKE_NO_CHILD);
	assert_int_equal(A.state, IKE_TUN_IKE_NO_CHILD);
	assert_string_equal(B.reason, "TS_UNACCEPTABLE: peer wants 10.1.0.1-10.1.0.7 === "
				      "10.2.0.0/24, not a prefix each");
	assert_non_null(strstr(A.reason, "TS_UNACCEPTABLE: peer 192.0.2.2 refused"));
	assert_int_equal(ike_engine_stats(B.e)->ts_unacceptable_sent, 1);
	assert_int_equal(ike_engine_stats(B.e)->other_error_sent, 0);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_true(ia.ike_up);
	assert_true(ib.ike_up);
	/* the IKE SA still works: DPD-style INFORMATIONAL through it and a Delete */
	assert_int_equal(ike_delete(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(B.state, IKE_TUN_DOWN);
}

/*
 * A malformed TSi (one selector announced, a cut one present): INVALID_SYNTAX
 * is fatal, so b deletes its IKE SA as the peer does, and both say why.
 */
static void test_auth_malformed_ts(void **state)
{
	/* 1 selector, IPv4 range announced with length 16, only 12 bytes of it */
	static const uint8_t bad[] = {1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 255, 255, 10, 1, 0, 0};
	struct ike_tunnel_info ia, ib;

	(void)state;
	to_auth();
	retarget_auth(NULL, bad, sizeof(bad));
	fn_run();
	assert_int_equal(A.n_installed + B.n_installed, 0);
	assert_int_equal(ike_engine_stats(B.e)->invalid_syntax_sent, 1);
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "peer 192.0.2.1 sent a malformed SA or TS payload in "
				      "IKE_AUTH (INVALID_SYNTAX sent, IKE SA deleted)");
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason,
			    "peer 192.0.2.2 refused IKE_AUTH after authenticating: INVALID_SYNTAX");
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_false(ia.ike_up);
	assert_false(ib.ike_up);
	assert_int_equal(ia.n_ike_sa + ib.n_ike_sa, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shape_parses),
	    cmocka_unit_test_setup_teardown(test_strongswan_default_cbc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_strongswan_default_gcm_invalid_ke, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_libreswan_default, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nothing_acceptable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_strongswan_nothing_acceptable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_ke_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auth_twenty_selectors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auth_range_not_prefix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_auth_malformed_ts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
