/* SPDX-License-Identifier: ISC */
/*
 * Two IKEv2 engines in one process (tests/ike/fakenet.h) as a fuzzing
 * world: one is the target, the other the peer whose keys the harness
 * borrows. A real IKE_SA_INIT (and IKE_AUTH when asked) runs first, so
 * the SK keys are real; then records from the input drive the target:
 * plaintext the harness seals with the peer's SK keys, raw datagrams,
 * honest traffic stepped, dropped or corrupted, time, and API calls.
 *
 * The engines' randomness (SPIs, nonces, IVs, jitter, X25519 private
 * values) is a seeded generator reset for each input (-Wl,--wrap), so an
 * input replays the same way and a seed written by fuzz_seeds.c stays
 * valid; AUTH payloads of mutated inputs are recomputed on request
 * (FZ_SEAL_FIX_AUTH) so that the checks past AUTH see them.
 *
 * Input: one setup byte, then records (see fz_run()).
 *   setup bits 0-1: stage: 0 IKE_SA_INIT not answered yet (raw datagrams),
 *                   1 IKE_SA_INIT done, IKE_AUTH not, 2 established;
 *   bit 2: IKE and ESP with AES-CBC + HMAC-SHA2-256 instead of AES-GCM;
 *   bit 3: PFS (a KE payload in CREATE_CHILD_SA); bit 4: transport mode;
 *   bit 5: the target logs at DEBUG (payload lists of what it receives);
 *   bit 6: NAT-T forced (UDP-encapsulated ESP, port 4500);
 *   bit 7: b (the responder) takes any peer address (remote any).
 */
#ifndef IKESH_TESTS_FUZZ_IKE_H
#define IKESH_TESTS_FUZZ_IKE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* sides small enough to clear for every input; logs are cut, not checked */
#define FN_SINKMAX 64
#define FN_LOGMAX  (1 << 14)

#include "dh.h"
#include "fakenet.h"
#include "ike_sa.h"
#include "random.h"

/* ---- randomness ---- */

static uint64_t fz_prng;
/*
 * The harness's own sealing (fz_seal) draws its IVs from a generator of its
 * own: the engines' generator must advance exactly as it did in the honest
 * run a seed was recorded from, or every nonce and SPI the target makes
 * after the first sealed record differs from the run (and a recorded
 * Delete names a CHILD_SA the target never made).
 */
static uint64_t fz_seal_prng;
static bool fz_sealing;

static uint8_t fz_prng_byte(void)
{
	uint64_t *g = fz_sealing ? &fz_seal_prng : &fz_prng;

	*g = *g * 6364136223846793005ull + 1442695040888963407ull;
	return (uint8_t)(*g >> 56);
}

int __wrap_crypto_random_bytes(uint8_t *buf, size_t len);
int __wrap_crypto_random_nonce(uint8_t *buf, size_t len);
int __wrap_crypto_random_ike_spi(uint8_t spi[8]);

int __wrap_crypto_random_bytes(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = fz_prng_byte();
	return 0;
}

int __wrap_crypto_random_nonce(uint8_t *buf, size_t len)
{
	if (len < 16 || len > 256)
		return -EINVAL;
	return __wrap_crypto_random_bytes(buf, len);
}

int __wrap_crypto_random_ike_spi(uint8_t spi[8])
{
	do
		__wrap_crypto_random_bytes(spi, 8);
	while (memcmp(spi, "\0\0\0\0\0\0\0\0", 8) == 0);
	return 0;
}

int __real_dh_keygen(uint16_t group, struct dh_key **out);
int __wrap_dh_keygen(uint16_t group, struct dh_key **out);

int __wrap_dh_keygen(uint16_t group, struct dh_key **out)
{
	uint8_t priv[32];

	if (group != IKE_DH_CURVE25519)
		return __real_dh_keygen(group, out);
	__wrap_crypto_random_bytes(priv, sizeof(priv));
	return dh_key_import_private(group, priv, sizeof(priv), out);
}

/* ---- the world ---- */

enum {
	FZ_STAGE_INIT = 0,
	FZ_STAGE_AUTH = 1,
	FZ_STAGE_UP = 2,
};

#define FZ_SETUP_STAGE	   0x03
#define FZ_SETUP_CBC	   0x04
#define FZ_SETUP_PFS	   0x08
#define FZ_SETUP_TRANSPORT 0x10
#define FZ_SETUP_DEBUG	   0x20
#define FZ_SETUP_NATT	   0x40
#define FZ_SETUP_ANY	   0x80

static struct fn_side FZ_A, FZ_B; /* A initiates, B responds */
static bool fz_target_is_a;	  /* the target: A (initiator) or B (responder) */
static const char FZ_PSK[] = "fuzzing-pre-shared-key";

static struct fn_side *fz_target(void)
{
	return fz_target_is_a ? &FZ_A : &FZ_B;
}

static struct fn_side *fz_peer(void)
{
	return fz_target_is_a ? &FZ_B : &FZ_A;
}

static const char *fz_tunnel(const struct fn_side *s)
{
	return s == &FZ_A ? "to-b" : "to-a";
}

static void fz_subnet(struct ike_subnet *s, const char *ip)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = 24;
}

static void fz_conf(struct ike_peer_conf *c, uint8_t setup, const char *name, const char *l,
		    const char *r, const char *ln, const char *rn)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, l, 500);
	fn_addr(&c->remote, r, 500);
	c->n_ike = 1;
	if (setup & FZ_SETUP_CBC) {
		c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
						   .encr_bits = {256},
						   .n_encr = 1,
						   .integ = {IKE_AUTH_HMAC_SHA2_256_128},
						   .n_integ = 1,
						   .prf = {IKE_PRF_HMAC_SHA2_256},
						   .n_prf = 1,
						   .dh = {IKE_DH_CURVE25519},
						   .n_dh = 1};
		c->child = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
						  .encr_bits = {128},
						  .n_encr = 1,
						  .integ = {IKE_AUTH_HMAC_SHA2_256_128},
						  .n_integ = 1};
	} else {
		c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
						   .encr_bits = {256},
						   .n_encr = 1,
						   .prf = {IKE_PRF_HMAC_SHA2_256},
						   .n_prf = 1,
						   .dh = {IKE_DH_CURVE25519},
						   .n_dh = 1};
		c->child = (struct ike_prop_conf){
		    .encr = {IKE_ENCR_AES_GCM_16}, .encr_bits = {256}, .n_encr = 1};
	}
	if (setup & FZ_SETUP_PFS) {
		c->child.dh[0] = IKE_DH_CURVE25519;
		c->child.n_dh = 1;
	}
	c->child_proto = IKE_PROTO_ESP;
	c->mode = setup & FZ_SETUP_TRANSPORT ? IKE_MODE_TRANSPORT : IKE_MODE_TUNNEL;
	c->natt = setup & FZ_SETUP_NATT ? IKE_NATT_FORCE : IKE_NATT_AUTO;
	memcpy(c->psk, FZ_PSK, sizeof(FZ_PSK) - 1);
	c->psk_len = sizeof(FZ_PSK) - 1;
	fz_subnet(&c->local_net[0], ln);
	c->n_local_net = 1;
	fz_subnet(&c->remote_net[0], rn);
	c->n_remote_net = 1;
	c->ike_lifetime_s = 3600;
	c->child_lifetime_s = 1200;
	c->dpd_interval_s = 30;
	c->dpd_timeout_s = 120;
	c->reqid = 7;
}

/* Drop every queued datagram. */
static void fz_drop_all(void)
{
	while (fn.n)
		fn_pop(0);
}

/*
 * Both engines, configured, brought to the stage of setup. The honest
 * message the stage stops before is queued; if it is for the target, the
 * input supplies its own instead and it is dropped, unless keep (the seed
 * generator reads it).
 */
static void fz_open(uint8_t setup, bool keep)
{
	struct ike_opts ot, op;
	struct ike_peer_conf ca, cb;
	unsigned stage = setup & FZ_SETUP_STAGE;

	fz_prng = 0x9e3779b97f4a7c15ull;
	fz_seal_prng = 0x2545f4914f6cdd1dull;
	ike_opts_default(&ot);
	ike_opts_default(&op);
	ot.log_level = setup & FZ_SETUP_DEBUG ? IKE_LOG_DEBUG : IKE_LOG_INFO;
	/* the clock first: an engine plans its first COOKIE secret change
	 * from the time it is made, which must not be the last input's */
	fn_reset(&FZ_A, &FZ_B);
	fn_side_init(&FZ_A, "a", "192.0.2.1", fz_target_is_a ? &ot : &op);
	fn_side_init(&FZ_B, "b", "192.0.2.2", fz_target_is_a ? &op : &ot);
	fz_conf(&ca, setup, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", "10.2.0.0");
	fz_conf(&cb, setup, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", "10.1.0.0");
	if (setup & FZ_SETUP_ANY)
		memset(&cb.remote, 0, sizeof(cb.remote));
	if (ike_conf_set(FZ_A.e, &ca) != 0 || ike_conf_set(FZ_B.e, &cb) != 0 ||
	    ike_initiate(FZ_A.e, "to-b") != 0)
		abort();
	if (stage >= FZ_STAGE_AUTH) {
		fn_step(); /* IKE_SA_INIT request */
		fn_step(); /* its response; a's IKE_AUTH request is queued */
	}
	if (stage >= FZ_STAGE_UP) {
		fn_run();
		if (FZ_A.state != IKE_TUN_UP || FZ_B.state != IKE_TUN_UP)
			abort(); /* the honest exchange must work, or the harness is wrong */
	}
	if (!keep && fn.n && fn_ip_eq(&fn.q[0].dst, &fz_target()->addr))
		fz_drop_all();
}

static void fz_close(void)
{
	fn_reset(&FZ_A, &FZ_B);
	fn_side_free(&FZ_A);
	fn_side_free(&FZ_B);
}

static bool fz_has_keys(const struct ike_sa *sa)
{
	return sa->state != IKE_SA_DEAD && sa->sk_out.encr != NULL;
}

/* The peer's IKE SA the harness seals with: the tunnel's, else any with keys. */
static struct ike_sa *fz_peer_sa(void)
{
	struct ike_engine *e = fz_peer()->e;
	struct ike_tunnel *t = ike_tunnel_find(e, fz_tunnel(fz_peer()));

	if (t && t->sa && fz_has_keys(t->sa))
		return t->sa;
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (fz_has_keys(sa))
			return sa;
	return NULL;
}

/* The target's IKE SA with the same SPIs as the peer's, or NULL. */
static struct ike_sa *fz_target_sa(const struct ike_sa *peer)
{
	for (struct ike_sa *sa = fz_target()->e->sas; sa; sa = sa->next)
		if (sa->state != IKE_SA_DEAD && memcmp(sa->spi_i, peer->spi_i, 8) == 0 &&
		    memcmp(sa->spi_r, peer->spi_r, 8) == 0)
			return sa;
	return NULL;
}

/* One datagram to the target, in an exact-size heap copy (ASan sees over-reads). */
static void fz_deliver(const struct ike_addr *src, const struct ike_addr *dst, const uint8_t *buf,
		       size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	memcpy(copy, buf, len);
	ike_input(fz_target()->e, src, dst, copy, len);
	free(copy);
}

/* ---- sealed messages ---- */

#define FZ_SEAL_RESPONSE  0x01
#define FZ_SEAL_MSGID	  0x06 /* 0: expected, 2: one before, 4: one after, 6: given */
#define FZ_SEAL_FIX_AUTH  0x08 /* put the right PSK AUTH value into an AUTH payload */
#define FZ_SEAL_FLIP_INIT 0x10 /* the Initiator flag the other way */

/*
 * Overwrite the value of the first AUTH payload (shared key MIC of the
 * right length) with what the peer would send for the ID payload it
 * names, so that the target's checks past AUTH see the rest. Only while
 * the peer is not established yet (an input that does not step the
 * target's IKE_AUTH request to it); after that the value stays as sent.
 */
static void fz_fix_auth(const struct ike_sa *peer, uint8_t first, uint8_t *plain, size_t len)
{
	static struct ike_msg m;
	const struct ike_pld *ap, *ip;
	struct ike_auth auth;
	struct ike_id id;

	memset(&m, 0, sizeof(m));
	m.sk = 0;
	m.sk_next = first;
	/* an established peer has let go of the IKE_SA_INIT messages AUTH signs */
	if (peer->tun == NULL || peer->ike.prf == NULL || peer->init_req == NULL ||
	    peer->init_resp == NULL || ike_msg_parse_inner(&m, plain, len) != 0)
		return;
	ap = ike_msg_find(&m, IKE_PLD_AUTH, 0);
	ip = ike_msg_find(&m, peer->initiator ? IKE_PLD_IDI : IKE_PLD_IDR, 0);
	if (ap == NULL || ip == NULL || ike_parse_auth(ap, &auth) != 0 ||
	    ike_parse_id(ip, &id) != 0)
		return;
	if (auth.method != IKE_AUTH_SHARED_KEY_MIC || auth.len != peer->ike.prf->outlen)
		return;
	ike_auth_psk(peer, peer->initiator, id.rest, id.restlen, (uint8_t *)auth.data);
}

/* The message ID a sealed record gets: what the target expects, or near it. */
static uint32_t fz_msgid(const struct ike_sa *peer, uint8_t flags, uint32_t given)
{
	const struct ike_sa *t = fz_target_sa(peer);
	uint32_t expected;

	if (flags & FZ_SEAL_RESPONSE)
		expected = t && t->req.active ? t->req.msgid : peer->msgid_in;
	else
		expected = t ? t->msgid_in : peer->msgid_out;
	switch (flags & FZ_SEAL_MSGID) {
	case 0:
		return expected;
	case 2:
		return expected - 1;
	case 4:
		return expected + 1;
	default:
		return given;
	}
}

/* Seal plain with the peer's SK keys as a message of exchange and deliver it. */
static void fz_seal(uint8_t flags, uint8_t exchange, uint8_t first, uint32_t given,
		    const uint8_t *plain, size_t len)
{
	struct ike_sa *peer = fz_peer_sa();
	uint8_t *inner, *buf;
	struct ike_writer w;
	struct ike_hdr h;
	size_t sealed, body_off, n, cap;
	int ret;

	if (peer == NULL)
		return;
	inner = malloc(len ? len : 1);
	memcpy(inner, plain, len);
	if (flags & FZ_SEAL_FIX_AUTH)
		fz_fix_auth(peer, first, inner, len);
	sealed = sk_sealed_len(&peer->sk_out, len);
	cap = IKE_HDR_LEN + IKE_PLD_HDR_LEN + sealed;
	buf = malloc(cap);
	ike_writer_init(&w, buf, cap);
	ike_hdr_for(peer, &h, exchange, flags & FZ_SEAL_RESPONSE, 0);
	h.msgid = fz_msgid(peer, flags, given);
	if (flags & FZ_SEAL_FLIP_INIT)
		h.flags ^= IKE_FLAG_INITIATOR;
	ike_msg_begin(&w, &h);
	ike_build_sk(&w, first, sealed, &body_off);
	fz_sealing = true;
	ret = ike_msg_end(&w) == 0 ? sk_seal(&peer->sk_out, buf, body_off, NULL, inner, len,
					     buf + body_off, sealed, &n)
				   : -1;
	fz_sealing = false;
	if (ret == 0)
		fz_deliver(&peer->local, &peer->remote, buf, w.len);
	free(buf);
	free(inner);
}

/* ---- records ---- */

enum fz_op {
	FZ_OP_SEALED = 0, /* flags, exchange, first type, msgid[4], len[2], plaintext */
	FZ_OP_RAW = 1,	  /* len[2], datagram; op bit 3: from and to port 4500 */
	FZ_OP_STEP = 2,	  /* deliver (op >> 3) + 1 queued datagrams */
	FZ_OP_DROP = 3,	  /* drop every queued datagram */
	FZ_OP_TIME = 4,	  /* op >> 3 == 0: to the next timer (within an hour), else that many s */
	FZ_OP_TARGET = 5, /* an API call on the target: op >> 3 */
	FZ_OP_PEER = 6,	  /* the same on the peer */
	FZ_OP_FLIP = 7,	  /* off[2], xor: corrupt the first queued datagram */
};

/* SEALED and RAW: in place of the first queued datagram (dropped first). */
#define FZ_OP_INSTEAD 0x10

enum fz_call {
	FZ_CALL_REKEY_CHILD,
	FZ_CALL_REKEY_IKE,
	FZ_CALL_DELETE_CHILD,
	FZ_CALL_DELETE_IKE,
	FZ_CALL_INITIATE,
	FZ_CALL_EXPIRE_SOFT,
	FZ_CALL_EXPIRE_HARD,
	FZ_CALL_INFO,
};

struct fz_in {
	const uint8_t *p;
	size_t left;
};

static bool fz_take(struct fz_in *in, size_t n, const uint8_t **out)
{
	if (in->left < n)
		return false;
	*out = in->p;
	in->p += n;
	in->left -= n;
	return true;
}

static void fz_call(struct fn_side *s, unsigned call)
{
	const char *name = fz_tunnel(s);
	struct ike_tunnel_info info;
	struct ike_child_sa kids[4];

	switch (call) {
	case FZ_CALL_REKEY_CHILD:
		ike_rekey_child(s->e, name);
		break;
	case FZ_CALL_REKEY_IKE:
		ike_rekey_ike(s->e, name);
		break;
	case FZ_CALL_DELETE_CHILD:
		ike_delete_child(s->e, name);
		break;
	case FZ_CALL_DELETE_IKE:
		ike_delete(s->e, name);
		break;
	case FZ_CALL_INITIATE:
		ike_initiate(s->e, name);
		break;
	case FZ_CALL_EXPIRE_SOFT:
	case FZ_CALL_EXPIRE_HARD:
		if (ike_tunnel_info(s->e, name, &info) == 0 && info.n_child)
			ike_child_expire(s->e, IKE_PROTO_ESP, info.child_spi_in,
					 call == FZ_CALL_EXPIRE_HARD);
		break;
	default:
		/* what show reads: every field of every SA must be sane to copy */
		ike_tunnel_info(s->e, name, &info);
		ike_tunnel_children(s->e, name, kids, 4);
		break;
	}
}

static uint16_t fz_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t fz_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One record; false at the end of the input. */
static bool fz_record(struct fz_in *in)
{
	const uint8_t *op, *h, *body;
	struct ike_addr src, dst;
	size_t len;

	if (!fz_take(in, 1, &op))
		return false;
	if ((op[0] & 7) <= FZ_OP_RAW && (op[0] & FZ_OP_INSTEAD) && fn.n)
		fn_pop(0);
	switch (op[0] & 7) {
	case FZ_OP_SEALED:
		if (!fz_take(in, 9, &h))
			return false;
		len = fz_u16(h + 7);
		if (len > in->left)
			len = in->left;
		fz_take(in, len, &body);
		fz_seal(h[0], h[1], h[2], fz_u32(h + 3), body, len);
		break;
	case FZ_OP_RAW:
		if (!fz_take(in, 2, &h))
			return false;
		len = fz_u16(h);
		if (len > in->left)
			len = in->left;
		fz_take(in, len, &body);
		src = fz_peer()->addr;
		dst = fz_target()->addr;
		if (op[0] & 8)
			src.port = dst.port = IKE_NATT_PORT;
		fz_deliver(&src, &dst, body, len);
		break;
	case FZ_OP_STEP:
		for (unsigned i = 0; i <= (unsigned)(op[0] >> 3); i++)
			fn_step();
		break;
	case FZ_OP_DROP:
		fz_drop_all();
		break;
	case FZ_OP_TIME:
		if (op[0] >> 3)
			fn_advance((uint64_t)(op[0] >> 3) * 1000);
		else
			fn_next_timer(3600 * 1000);
		break;
	case FZ_OP_TARGET:
		fz_call(fz_target(), op[0] >> 3);
		break;
	case FZ_OP_PEER:
		fz_call(fz_peer(), op[0] >> 3);
		break;
	case FZ_OP_FLIP:
		if (!fz_take(in, 3, &h))
			return false;
		if (fn.n && fn.q[0].len)
			fn.q[0].buf[fz_u16(h) % fn.q[0].len] ^= h[2] ? h[2] : 1;
		break;
	}
	return true;
}

/* The whole input (setup byte, then records) with the world left open. */
static void fz_replay(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size};
	const uint8_t *setup;

	fz_open(fz_take(&in, 1, &setup) ? setup[0] : 0, false);
	while (fz_record(&in))
		;
	fn_run();
	fz_call(fz_target(), FZ_CALL_INFO);
}

static inline void fz_run(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	fz_replay(data, size);
	fz_close();
}

#endif
