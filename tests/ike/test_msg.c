/* SPDX-License-Identifier: ISC */
/*
 * Message layer: build -> parse -> equal for every payload, an encrypted
 * IKE_AUTH through the SK payload, exchange rules, and malformed input
 * (truncated, bad lengths, random mutations) that must fail cleanly. Run
 * under ASan: inputs are copied into heap buffers of exactly their size so
 * that a read past the end is caught.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "ike_msg.h"

static const uint8_t spi_i[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t ke_data[32] = {0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t nonce_data[32] = {0xaa, 0xbb, 0xcc};
static const uint8_t natd[20] = {0xde, 0xad};
static const uint8_t vid[16] = "ikesh-vendor-id";

/* An SA with an IKE proposal (AES-GCM-256 + SHA-256 + x25519) and a CBC one. */
static void sa_fill(struct ike_sa_pld *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->nproposals = 2;
	sa->prop[0] = (struct ike_proposal){
	    .num = 1,
	    .protocol = IKE_PROTO_IKE,
	    .ntransforms = 3,
	    .xf = {{XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256, false},
		   {XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0, false},
		   {XFORM_DH, IKE_DH_CURVE25519, 0, false}},
	};
	sa->prop[1] = (struct ike_proposal){
	    .num = 2,
	    .protocol = IKE_PROTO_ESP,
	    .spi_size = 4,
	    .spi = {0xc0, 0xff, 0xee, 0x01},
	    .ntransforms = 4,
	    .xf = {{XFORM_ENCR, IKE_ENCR_AES_CBC, 128, false},
		   {XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0, false},
		   {XFORM_ESN, 0, 0, false},
		   {XFORM_ESN, 1, 0, false}},
	};
}

static void hdr_fill(struct ike_hdr *h, uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, spi_i, 8);
	h->version = IKE_VERSION_2;
	h->exchange = exchange;
	h->flags = flags;
	h->msgid = msgid;
}

/* IKE_SA_INIT request: SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), V */
static size_t build_sa_init(uint8_t *buf, size_t cap)
{
	struct ike_writer w;
	struct ike_hdr h;
	struct ike_sa_pld sa;
	struct ike_ke ke = {IKE_DH_CURVE25519, ke_data, sizeof(ke_data)};
	struct ike_nonce n = {nonce_data, sizeof(nonce_data)};
	struct ike_notify nd = {0, 0, IKE_N_NAT_DETECTION_SOURCE_IP, NULL, natd, sizeof(natd)};
	struct ike_vendor v = {vid, sizeof(vid)};

	hdr_fill(&h, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	sa_fill(&sa);
	ike_writer_init(&w, buf, cap);
	ike_msg_begin(&w, &h);
	ike_build_sa(&w, &sa);
	ike_build_ke(&w, &ke);
	ike_build_nonce(&w, &n);
	ike_build_notify(&w, &nd);
	ike_build_vendor(&w, &v);
	assert_int_equal(ike_msg_end(&w), 0);
	return w.len;
}

static void test_sa_init_roundtrip(void **state)
{
	uint8_t buf[1024];
	size_t len = build_sa_init(buf, sizeof(buf));
	struct ike_rule_violation v;
	struct ike_sa_pld sa, exp;
	struct ike_notify n;
	struct ike_vendor vd;
	struct ike_nonce no;
	struct ike_msg m;
	struct ike_ke ke;

	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_memory_equal(m.hdr.spi_i, spi_i, 8);
	assert_int_equal(m.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(m.hdr.length, len);
	assert_int_equal(m.npld, 5);
	assert_int_equal(m.sk, -1);
	assert_int_equal(m.pld[0].type, IKE_PLD_SA);
	assert_int_equal(m.pld[1].type, IKE_PLD_KE);
	assert_int_equal(m.pld[2].type, IKE_PLD_NONCE);
	assert_int_equal(m.pld[3].type, IKE_PLD_NOTIFY);
	assert_int_equal(m.pld[4].type, IKE_PLD_VENDOR);
	assert_int_equal(m.pld[0].off, IKE_HDR_LEN);

	assert_int_equal(ike_parse_sa(&m.pld[0], &sa), 0);
	sa_fill(&exp);
	assert_int_equal(sa.nproposals, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(sa.prop[i].num, exp.prop[i].num);
		assert_int_equal(sa.prop[i].protocol, exp.prop[i].protocol);
		assert_int_equal(sa.prop[i].spi_size, exp.prop[i].spi_size);
		assert_memory_equal(sa.prop[i].spi, exp.prop[i].spi, exp.prop[i].spi_size);
		assert_int_equal(sa.prop[i].ntransforms, exp.prop[i].ntransforms);
		for (size_t j = 0; j < exp.prop[i].ntransforms; j++) {
			assert_int_equal(sa.prop[i].xf[j].type, exp.prop[i].xf[j].type);
			assert_int_equal(sa.prop[i].xf[j].id, exp.prop[i].xf[j].id);
			assert_int_equal(sa.prop[i].xf[j].keylen, exp.prop[i].xf[j].keylen);
			assert_false(sa.prop[i].xf[j].unknown_attr);
		}
	}
	assert_int_equal(ike_parse_ke(&m.pld[1], &ke), 0);
	assert_int_equal(ke.group, IKE_DH_CURVE25519);
	assert_int_equal(ke.len, sizeof(ke_data));
	assert_memory_equal(ke.data, ke_data, ke.len);
	assert_int_equal(ike_parse_nonce(&m.pld[2], &no), 0);
	assert_int_equal(no.len, sizeof(nonce_data));
	assert_memory_equal(no.data, nonce_data, no.len);
	assert_int_equal(ike_parse_notify(&m.pld[3], &n), 0);
	assert_int_equal(n.type, IKE_N_NAT_DETECTION_SOURCE_IP);
	assert_int_equal(n.spi_size, 0);
	assert_null(n.spi);
	assert_int_equal(n.len, sizeof(natd));
	assert_memory_equal(n.data, natd, n.len);
	assert_int_equal(ike_parse_vendor(&m.pld[4], &vd), 0);
	assert_memory_equal(vd.data, vid, sizeof(vid));

	assert_int_equal(ike_msg_check_rules(&m, &v), 0);
	/* the same payloads as a response are fine too; as IKE_AUTH they are not */
	buf[19] = IKE_FLAG_RESPONSE;
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(ike_msg_check_rules(&m, &v), 0);
	buf[18] = IKE_AUTH;
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_WRONG_PROTECTION);
	assert_int_equal(v.type, IKE_PLD_SA);
}

/* Build an inner chain with every IKE_AUTH payload, and the cleartext ones. */
static const uint8_t id_data[] = "gw1.example.net";
static const uint8_t auth_data[32] = {0x42};
static const uint8_t cert_data[] = "not really DER";
static const uint8_t ca_hash[20] = {0x99};
static const uint8_t cp_v4[4] = {10, 0, 0, 1};

static void ts_fill(struct ike_ts_pld *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->n = 2;
	ts->ts[0].type = IKE_TS_IPV4_ADDR_RANGE;
	ts->ts[0].proto = 0;
	ts->ts[0].start_port = 0;
	ts->ts[0].end_port = 65535;
	memcpy(ts->ts[0].start, "\x0a\x00\x00\x00", 4);
	memcpy(ts->ts[0].end, "\x0a\x00\xff\xff", 4);
	ts->ts[1].type = IKE_TS_IPV6_ADDR_RANGE;
	ts->ts[1].proto = 6;
	ts->ts[1].start_port = 443;
	ts->ts[1].end_port = 443;
	memset(ts->ts[1].start, 0x20, 16);
	memset(ts->ts[1].end, 0x21, 16);
}

static size_t build_auth_inner(uint8_t *buf, size_t cap, uint8_t *first)
{
	struct ike_writer w;
	struct ike_id id = {IKE_ID_FQDN, id_data, sizeof(id_data) - 1, NULL, 0};
	struct ike_cert cert = {4, cert_data, sizeof(cert_data) - 1};
	struct ike_cert creq = {4, ca_hash, sizeof(ca_hash)};
	struct ike_auth auth = {IKE_AUTH_SHARED_KEY_MIC, auth_data, sizeof(auth_data)};
	struct ike_cp cp = {IKE_CFG_REQUEST, 2, {{1, 0, NULL}, {1, 4, cp_v4}}};
	struct ike_notify ic = {0, 0, IKE_N_INITIAL_CONTACT, NULL, NULL, 0};
	struct ike_notify ipc = {
	    IKE_PROTO_ESP, 4, IKE_N_USE_TRANSPORT_MODE, (const uint8_t *)"\x01\x02\x03\x04",
	    NULL,	   0};
	struct ike_sa_pld sa;
	struct ike_ts_pld ts;

	sa_fill(&sa);
	ts_fill(&ts);
	ike_writer_init(&w, buf, cap);
	ike_build_id(&w, IKE_PLD_IDI, &id);
	ike_build_cert(&w, IKE_PLD_CERT, &cert);
	ike_build_cert(&w, IKE_PLD_CERTREQ, &creq);
	ike_build_auth(&w, &auth);
	ike_build_cp(&w, &cp);
	ike_build_notify(&w, &ic);
	ike_build_notify(&w, &ipc);
	ike_build_sa(&w, &sa);
	ike_build_ts(&w, IKE_PLD_TSI, &ts);
	ike_build_ts(&w, IKE_PLD_TSR, &ts);
	assert_int_equal(w.err, 0);
	*first = w.first_type;
	return w.len;
}

/* Seal inner payloads into an IKE_AUTH request with AES-GCM-256. */
static size_t build_auth(uint8_t *buf, size_t cap, const struct sk_ctx *ctx)
{
	uint8_t inner[1024];
	uint8_t first;
	size_t ilen = build_auth_inner(inner, sizeof(inner), &first);
	size_t body_off, sealed;
	struct ike_writer w;
	struct ike_hdr h;

	hdr_fill(&h, IKE_AUTH, IKE_FLAG_INITIATOR, 1);
	memset(h.spi_r, 0x77, 8);
	ike_writer_init(&w, buf, cap);
	ike_msg_begin(&w, &h);
	ike_build_sk(&w, first, sk_sealed_len(ctx, ilen), &body_off);
	assert_int_equal(ike_msg_end(&w), 0);
	assert_int_equal(sk_seal(ctx, buf, body_off, NULL, inner, ilen, buf + body_off,
				 w.len - body_off, &sealed),
			 0);
	assert_int_equal(body_off + sealed, w.len);
	return w.len;
}

static void gcm_ctx(struct sk_ctx *ctx)
{
	uint8_t key[36];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 5 + 1);
	assert_int_equal(
	    sk_ctx_init(ctx, xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256), NULL, key, NULL),
	    0);
}

static void test_auth_roundtrip(void **state)
{
	uint8_t buf[2048], plain[2048];
	size_t len, aadlen, bodylen, plen;
	const uint8_t *body;
	struct sk_ctx ctx;
	struct ike_msg m;
	struct ike_rule_violation v;
	struct ike_id id;
	struct ike_cert c;
	struct ike_auth a;
	struct ike_cp cp;
	struct ike_notify n;
	struct ike_ts_pld ts, exp;
	struct ike_sa_pld sa;
	const struct ike_pld *p;

	gcm_ctx(&ctx);
	len = build_auth(buf, sizeof(buf), &ctx);
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(m.npld, 1);
	assert_int_equal(m.sk, 0);
	assert_int_equal(m.sk_next, IKE_PLD_IDI);
	assert_int_equal(ike_msg_sk_span(&m, buf, &aadlen, &body, &bodylen), 0);
	assert_int_equal(aadlen, IKE_HDR_LEN + IKE_PLD_HDR_LEN);
	assert_int_equal(sk_open(&ctx, buf, aadlen, body, bodylen, plain, sizeof(plain), &plen), 0);
	assert_int_equal(ike_msg_parse_inner(&m, plain, plen), 0);
	assert_int_equal(m.npld, 11);
	assert_int_equal(ike_msg_check_rules(&m, &v), 0);

	p = ike_msg_find(&m, IKE_PLD_IDI, 0);
	assert_non_null(p);
	assert_true(p->encrypted);
	assert_int_equal(ike_parse_id(p, &id), 0);
	assert_int_equal(id.type, IKE_ID_FQDN);
	assert_int_equal(id.len, sizeof(id_data) - 1);
	assert_memory_equal(id.data, id_data, id.len);
	assert_int_equal(id.restlen, id.len + 4);
	assert_int_equal(ike_parse_cert(ike_msg_find(&m, IKE_PLD_CERT, 0), &c), 0);
	assert_int_equal(c.encoding, 4);
	assert_memory_equal(c.data, cert_data, c.len);
	assert_int_equal(ike_parse_cert(ike_msg_find(&m, IKE_PLD_CERTREQ, 0), &c), 0);
	assert_int_equal(c.len, sizeof(ca_hash));
	assert_int_equal(ike_parse_auth(ike_msg_find(&m, IKE_PLD_AUTH, 0), &a), 0);
	assert_int_equal(a.method, IKE_AUTH_SHARED_KEY_MIC);
	assert_memory_equal(a.data, auth_data, sizeof(auth_data));
	assert_int_equal(ike_parse_cp(ike_msg_find(&m, IKE_PLD_CP, 0), &cp), 0);
	assert_int_equal(cp.type, IKE_CFG_REQUEST);
	assert_int_equal(cp.nattrs, 2);
	assert_int_equal(cp.attr[0].len, 0);
	assert_int_equal(cp.attr[1].len, 4);
	assert_memory_equal(cp.attr[1].value, cp_v4, 4);
	p = ike_msg_find(&m, IKE_PLD_NOTIFY, 0);
	assert_int_equal(ike_parse_notify(p, &n), 0);
	assert_int_equal(n.type, IKE_N_INITIAL_CONTACT);
	assert_int_equal(n.len, 0);
	p = ike_msg_find(&m, IKE_PLD_NOTIFY, (size_t)(p - m.pld) + 1);
	assert_int_equal(ike_parse_notify(p, &n), 0);
	assert_int_equal(n.type, IKE_N_USE_TRANSPORT_MODE);
	assert_int_equal(n.protocol, IKE_PROTO_ESP);
	assert_int_equal(n.spi_size, 4);
	assert_memory_equal(n.spi, "\x01\x02\x03\x04", 4);
	assert_int_equal(ike_parse_sa(ike_msg_find(&m, IKE_PLD_SA, 0), &sa), 0);
	assert_int_equal(sa.prop[1].xf[3].type, XFORM_ESN);
	assert_int_equal(sa.prop[1].xf[3].id, 1);
	ts_fill(&exp);
	for (uint8_t t = IKE_PLD_TSI; t <= IKE_PLD_TSR; t++) {
		assert_int_equal(ike_parse_ts(ike_msg_find(&m, t, 0), &ts), 0);
		assert_int_equal(ts.n, 2);
		assert_memory_equal(&ts.ts[0], &exp.ts[0], sizeof(exp.ts[0]));
		assert_memory_equal(&ts.ts[1], &exp.ts[1], sizeof(exp.ts[1]));
	}

	/* a flipped bit in the SK body fails the integrity check */
	buf[len - 3] ^= 4;
	assert_int_equal(sk_open(&ctx, buf, aadlen, body, bodylen, plain, sizeof(plain), &plen),
			 -EBADMSG);
	sk_ctx_wipe(&ctx);
}

/*
 * RFC 7634 Appendix B through both layers: parse the datagram, find the
 * SK span, open it, parse the inner chain and the notify it carries.
 */
static void test_rfc7634_message(void **state)
{
	static const uint8_t msg[] = {
	    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5,
	    0xd6, 0xd7, 0x2e, 0x20, 0x25, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x45,
	    0x29, 0x00, 0x00, 0x29, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x61, 0x03,
	    0x94, 0x70, 0x1f, 0x8d, 0x01, 0x7f, 0x7c, 0x12, 0x92, 0x48, 0x89, 0x6b, 0x71, 0xbf,
	    0xe2, 0x52, 0x36, 0xef, 0xd7, 0xcd, 0xc6, 0x70, 0x66, 0x90, 0x63, 0x15, 0xb2,
	};
	uint8_t key[36], plain[64];
	const uint8_t *body;
	size_t aadlen, bodylen, plen;
	struct ike_rule_violation v;
	struct ike_notify n;
	struct sk_ctx ctx;
	struct ike_msg m;

	for (int i = 0; i < 36; i++)
		key[i] = (uint8_t)(0x80 + i);
	assert_int_equal(sk_ctx_init(&ctx, xform_lookup(XFORM_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0),
				     NULL, key, NULL),
			 0);
	assert_int_equal(ike_msg_parse(msg, sizeof(msg), &m), 0);
	assert_int_equal(m.hdr.exchange, IKE_INFORMATIONAL);
	assert_int_equal(m.hdr.msgid, 9);
	assert_int_equal(m.sk, 0);
	assert_int_equal(m.sk_next, IKE_PLD_NOTIFY);
	assert_int_equal(ike_msg_sk_span(&m, msg, &aadlen, &body, &bodylen), 0);
	assert_int_equal(aadlen, 32);
	assert_int_equal(bodylen, 37);
	assert_int_equal(sk_open(&ctx, msg, aadlen, body, bodylen, plain, sizeof(plain), &plen), 0);
	assert_int_equal(ike_msg_parse_inner(&m, plain, plen), 0);
	assert_int_equal(m.npld, 2);
	assert_int_equal(ike_parse_notify(&m.pld[1], &n), 0);
	assert_int_equal(n.type, IKE_N_SET_WINDOW_SIZE);
	assert_int_equal(n.len, 4);
	assert_memory_equal(n.data, "\x00\x00\x00\x0a", 4);
	assert_int_equal(ike_msg_check_rules(&m, &v), 0);

	/* the same bytes announced as SKF: no SK span until reassembly exists */
	{
		uint8_t skf[sizeof(msg)];

		memcpy(skf, msg, sizeof(msg));
		skf[16] = IKE_PLD_SKF;
		assert_int_equal(ike_msg_parse(skf, sizeof(skf), &m), 0);
		assert_int_equal(ike_msg_sk_span(&m, skf, &aadlen, &body, &bodylen), -ENOTSUP);
	}
	sk_ctx_wipe(&ctx);
}

static void test_delete_informational(void **state)
{
	static const uint8_t spis[12] = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
	struct ike_delete d = {IKE_PROTO_ESP, 4, 3, spis}, out;
	uint8_t buf[256];
	struct ike_writer w;
	struct ike_msg m;
	struct ike_rule_violation v;

	ike_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(ike_build_delete(&w, &d), 0);
	m = (struct ike_msg){.sk = 0};
	m.hdr.exchange = IKE_INFORMATIONAL;
	m.sk_next = w.first_type;
	m.npld = 1;
	m.pld[0].type = IKE_PLD_SK;
	assert_int_equal(ike_msg_parse_inner(&m, buf, w.len), 0);
	assert_int_equal(m.npld, 2);
	assert_int_equal(ike_parse_delete(&m.pld[1], &out), 0);
	assert_int_equal(out.nspi, 3);
	assert_int_equal(out.spi_size, 4);
	assert_memory_equal(out.spis, spis, 12);
	assert_int_equal(ike_msg_check_rules(&m, &v), 0);
	/* a Delete that is not allowed in IKE_AUTH */
	m.hdr.exchange = IKE_AUTH;
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_NOT_ALLOWED);
	assert_int_equal(v.type, IKE_PLD_DELETE);

	/* count says 4 SPIs, 3 present */
	buf[6] = 0, buf[7] = 4;
	assert_int_equal(ike_parse_delete(&m.pld[1], &out), -EBADMSG);
}

/* Exchange rules: missing, too many, unknown critical, unknown non-critical. */
static void test_rules(void **state)
{
	uint8_t buf[1024];
	size_t len = build_sa_init(buf, sizeof(buf));
	struct ike_rule_violation v;
	struct ike_msg m;

	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	/* drop KE from the list: a request without KE */
	m.pld[1] = m.pld[4];
	m.npld = 4;
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_MISSING);
	assert_int_equal(v.type, IKE_PLD_KE);
	/* two SA payloads */
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	m.pld[1].type = IKE_PLD_SA;
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_TOO_MANY);
	/* the vendor ID payload turned into unknown type 200, not critical: ignored */
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	buf[m.pld[3].off] = 200; /* N's Next Payload names V's type */
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(m.pld[4].type, 200);
	assert_int_equal(m.unsupported_critical, 0);
	assert_int_equal(ike_msg_check_rules(&m, &v), 0);
	/* ... and critical: reported for UNSUPPORTED_CRITICAL_PAYLOAD */
	buf[m.pld[4].off + 1] = 0x80;
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(m.unsupported_critical, 200);
	assert_true(m.pld[4].critical);
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_UNSUPPORTED_CRITICAL);
	assert_int_equal(v.type, 200);
	/* an unknown exchange type */
	buf[m.pld[4].off + 1] = 0;
	buf[18] = 99;
	assert_int_equal(ike_msg_parse(buf, len, &m), 0);
	assert_int_equal(ike_msg_check_rules(&m, &v), -EBADMSG);
	assert_int_equal(v.error, IKE_RULE_UNKNOWN_EXCHANGE);
	/* an encrypted exchange without SK */
	{
		struct ike_msg e = {.sk = -1};

		e.hdr.exchange = IKE_INFORMATIONAL;
		assert_int_equal(ike_msg_check_rules(&e, &v), -EBADMSG);
		assert_int_equal(v.error, IKE_RULE_MISSING);
		assert_int_equal(v.type, IKE_PLD_SK);
	}
}

static void test_names(void **state)
{
	char buf[32];

	assert_string_equal(ike_exchange_name(IKE_CREATE_CHILD_SA, buf, sizeof(buf)),
			    "CREATE_CHILD_SA");
	assert_string_equal(ike_exchange_name(77, buf, sizeof(buf)), "EXCHANGE_77");
	assert_string_equal(ike_payload_name(IKE_PLD_TSR, buf, sizeof(buf)), "TSr");
	assert_string_equal(ike_payload_name(250, buf, sizeof(buf)), "PAYLOAD_250");
	assert_string_equal(ike_notify_name(IKE_N_NO_PROPOSAL_CHOSEN, buf, sizeof(buf)),
			    "NO_PROPOSAL_CHOSEN");
	assert_string_equal(ike_notify_name(IKE_N_COOKIE, buf, sizeof(buf)), "COOKIE");
	assert_string_equal(ike_notify_name(8000, buf, sizeof(buf)), "ERROR_8000");
	assert_string_equal(ike_notify_name(40000, buf, sizeof(buf)), "STATUS_40000");
	assert_true(ike_payload_known(IKE_PLD_SKF));
	assert_false(ike_payload_known(49));
}

/* A heap copy of exactly len bytes, so ASan sees any read past it. */
static uint8_t *dup_exact(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

static void set_len(uint8_t *buf, uint32_t len)
{
	buf[24] = (uint8_t)(len >> 24);
	buf[25] = (uint8_t)(len >> 16);
	buf[26] = (uint8_t)(len >> 8);
	buf[27] = (uint8_t)len;
}

/* Every truncation fails, whether or not the header length was adjusted. */
static void test_truncated(void **state)
{
	uint8_t buf[1024];
	size_t len = build_sa_init(buf, sizeof(buf));
	struct ike_msg m;

	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *p = dup_exact(buf, cut);

		assert_int_equal(ike_msg_parse(p, cut, &m), -EBADMSG);
		if (cut >= IKE_HDR_LEN) {
			set_len(p, (uint32_t)cut);
			assert_int_equal(ike_msg_parse(p, cut, &m), -EBADMSG);
		}
		free(p);
	}
	/* trailing garbage after the last payload */
	set_len(buf, (uint32_t)len + 1);
	buf[len] = 0;
	assert_int_equal(ike_msg_parse(buf, len + 1, &m), -EBADMSG);
}

/* Any parser, any payload, any truncated body: 0 or a clean error. */
static int parse_any(const struct ike_pld *p)
{
	union {
		struct ike_sa_pld sa;
		struct ike_ke ke;
		struct ike_nonce n;
		struct ike_id id;
		struct ike_auth a;
		struct ike_cert c;
		struct ike_notify no;
		struct ike_delete d;
		struct ike_vendor v;
		struct ike_ts_pld ts;
		struct ike_cp cp;
	} u;

	switch (p->type) {
	case IKE_PLD_SA:
		return ike_parse_sa(p, &u.sa);
	case IKE_PLD_KE:
		return ike_parse_ke(p, &u.ke);
	case IKE_PLD_NONCE:
		return ike_parse_nonce(p, &u.n);
	case IKE_PLD_IDI:
	case IKE_PLD_IDR:
		return ike_parse_id(p, &u.id);
	case IKE_PLD_AUTH:
		return ike_parse_auth(p, &u.a);
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
		return ike_parse_cert(p, &u.c);
	case IKE_PLD_NOTIFY:
		return ike_parse_notify(p, &u.no);
	case IKE_PLD_DELETE:
		return ike_parse_delete(p, &u.d);
	case IKE_PLD_VENDOR:
		return ike_parse_vendor(p, &u.v);
	case IKE_PLD_TSI:
	case IKE_PLD_TSR:
		return ike_parse_ts(p, &u.ts);
	case IKE_PLD_CP:
		return ike_parse_cp(p, &u.cp);
	}
	return 0;
}

static void test_payload_truncated(void **state)
{
	uint8_t inner[1024];
	uint8_t first;
	size_t ilen = build_auth_inner(inner, sizeof(inner), &first);
	struct ike_msg m = {.sk = 0};
	size_t fails = 0;

	m.npld = 1;
	m.sk_next = first;
	assert_int_equal(ike_msg_parse_inner(&m, inner, ilen), 0);
	for (size_t i = 1; i < m.npld; i++) {
		for (size_t cut = 0; cut < m.pld[i].len; cut++) {
			struct ike_pld p = m.pld[i];
			int ret;

			p.body = dup_exact(m.pld[i].body, cut);
			p.len = cut;
			ret = parse_any(&p);
			assert_true(ret == 0 || ret == -EBADMSG);
			fails += ret != 0;
			free((void *)p.body);
		}
	}
	/* structured payloads (SA, TS, ID, AUTH, N, ...) must notice most cuts */
	assert_true(fails > 200);
}

/* Hand-made bad lengths in the structures inside payloads. */
static void test_bad_lengths(void **state)
{
	struct ike_sa_pld sa;
	struct ike_ts_pld ts;
	struct ike_cp cp;
	struct ike_pld p = {0};
	/* proposal: last=0, len=8+8, #1 IKE spi 0, 1 transform: ENCR AES-CBC */
	uint8_t prop[] = {0, 0, 0, 16, 1, 1, 0, 1, 0, 0, 0, 8, 1, 0, 0, 12};
	uint8_t tsb[] = {1, 0, 0, 0, 7, 0, 0, 16, 0, 0, 255, 255, 10, 0, 0, 0, 10, 0, 0, 255};
	uint8_t cpb[] = {1, 0, 0, 0, 0, 1, 0, 4, 10, 0, 0};
	uint8_t hdr[] = {0,  0,	   0,  0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0,
			 41, 0x20, 34, 8, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 3};
	struct ike_msg m;

	p.body = prop;
	p.len = sizeof(prop);
	assert_int_equal(ike_parse_sa(&p, &sa), 0);
	assert_int_equal(sa.prop[0].xf[0].id, IKE_ENCR_AES_CBC);
	prop[0] = 2; /* says more proposals follow, none do */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[0] = 0;
	prop[3] = 17; /* proposal longer than the payload */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[3] = 16;
	prop[11] = 7; /* transform shorter than its header */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[11] = 8;
	prop[7] = 2; /* two transforms announced, one present */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[7] = 1;
	prop[6] = 9; /* SPI size 9 */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[6] = 0;
	prop[8] = 3; /* transform says "more follow" but is the last */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);
	prop[8] = 0;
	p.len = 0; /* an SA without proposals */
	assert_int_equal(ike_parse_sa(&p, &sa), -EBADMSG);

	p.body = tsb;
	p.len = sizeof(tsb);
	assert_int_equal(ike_parse_ts(&p, &ts), 0);
	assert_int_equal(ts.ts[0].end[3], 255);
	tsb[7] = 15; /* IPv4 selector one byte short */
	assert_int_equal(ike_parse_ts(&p, &ts), -EBADMSG);
	tsb[7] = 16;
	tsb[4] = 8; /* IPv6 type with IPv4 length */
	assert_int_equal(ike_parse_ts(&p, &ts), -EBADMSG);
	tsb[4] = 7;
	tsb[0] = 2; /* two selectors announced */
	assert_int_equal(ike_parse_ts(&p, &ts), -EBADMSG);
	tsb[0] = 17; /* 17 announced, one present */
	assert_int_equal(ike_parse_ts(&p, &ts), -EBADMSG);

	p.body = cpb;
	p.len = sizeof(cpb);
	assert_int_equal(ike_parse_cp(&p, &cp), -EBADMSG); /* attribute value 1 byte short */
	p.len = 8;
	assert_int_equal(ike_parse_cp(&p, &cp), -EBADMSG);
	cpb[7] = 0;
	assert_int_equal(ike_parse_cp(&p, &cp), 0);
	assert_int_equal(cp.nattrs, 1);

	/* generic payload length 3 (< 4), and one longer than the message */
	assert_int_equal(ike_msg_parse(hdr, sizeof(hdr), &m), -EBADMSG);
	hdr[31] = 5;
	assert_int_equal(ike_msg_parse(hdr, sizeof(hdr), &m), -EBADMSG);
	hdr[31] = 4;
	assert_int_equal(ike_msg_parse(hdr, sizeof(hdr), &m), 0);
	assert_int_equal(m.pld[0].len, 0);
	/* header length disagrees with the datagram */
	hdr[27] = 33;
	assert_int_equal(ike_msg_parse(hdr, sizeof(hdr), &m), -EBADMSG);
	hdr[27] = 32;
	/* an SK that is not last */
	hdr[16] = IKE_PLD_SK;
	{
		uint8_t two[40];

		memcpy(two, hdr, 32);
		memcpy(two + 32, "\x00\x00\x00\x04\x00\x00\x00\x04", 8);
		two[27] = 40;
		assert_int_equal(ike_msg_parse(two, sizeof(two), &m), -EBADMSG);
		two[27] = 32; /* SK alone is fine */
		assert_int_equal(ike_msg_parse(two, 32, &m), 0);
		assert_int_equal(m.sk, 0);
	}
}

/* Small deterministic PRNG for the mutation loop (xorshift32). */
static uint32_t rnd_state = 0x1234567;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * Mutate valid messages (bit flips, byte overwrites, length-field nudges,
 * truncation) and push them through every parser and the rule check. A
 * result other than success or a clean error, or any out-of-bounds access
 * (ASan), fails the test.
 */
static void test_mutations(void **state)
{
	uint8_t base[1024], inner[1024];
	uint8_t first;
	size_t blen = build_sa_init(base, sizeof(base));
	size_t ilen = build_auth_inner(inner, sizeof(inner), &first);
	size_t parsed = 0, rejected = 0;

	for (int iter = 0; iter < 20000; iter++) {
		bool use_inner = iter & 1;
		const uint8_t *src = use_inner ? inner : base;
		size_t len = use_inner ? ilen : blen;
		uint8_t work[1024];
		struct ike_msg m;
		struct ike_rule_violation v;
		uint8_t *p;
		int nmut = 1 + rnd() % 4, ret;

		memcpy(work, src, len);
		for (int k = 0; k < nmut; k++) {
			size_t at = rnd() % len;

			switch (rnd() % 4) {
			case 0:
				work[at] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:
				work[at] = (uint8_t)rnd();
				break;
			case 2:
				work[at] += (uint8_t)(rnd() % 3) - 1;
				break;
			case 3:
				len -= rnd() % (len / 8 + 1);
				break;
			}
		}
		if (!use_inner && len >= IKE_HDR_LEN && (rnd() & 1))
			set_len(work, (uint32_t)len);
		p = dup_exact(work, len);
		if (use_inner) {
			m = (struct ike_msg){.sk = 0, .npld = 1, .sk_next = first};
			m.hdr.exchange = IKE_AUTH;
			ret = ike_msg_parse_inner(&m, p, len);
		} else {
			ret = ike_msg_parse(p, len, &m);
		}
		assert_true(ret == 0 || ret == -EBADMSG || ret == -EMSGSIZE);
		if (ret == 0) {
			parsed++;
			for (size_t i = 0; i < m.npld; i++) {
				const struct ike_pld *pl = &m.pld[i];

				if (use_inner && i == 0)
					continue;
				/* every body lies inside the buffer */
				assert_true(pl->body >= p && pl->body + pl->len <= p + len);
				ret = parse_any(pl);
				assert_true(ret == 0 || ret == -EBADMSG || ret == -E2BIG);
			}
			ret = ike_msg_check_rules(&m, &v);
			assert_true(ret == 0 || ret == -EBADMSG);
		} else {
			rejected++;
		}
		free(p);
	}
	/* the loop must exercise both outcomes to mean anything */
	assert_true(parsed > 1000);
	assert_true(rejected > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sa_init_roundtrip),
	    cmocka_unit_test(test_auth_roundtrip),
	    cmocka_unit_test(test_rfc7634_message),
	    cmocka_unit_test(test_delete_informational),
	    cmocka_unit_test(test_rules),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_payload_truncated),
	    cmocka_unit_test(test_bad_lengths),
	    cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
