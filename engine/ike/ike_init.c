/* SPDX-License-Identifier: ISC */
/*
 * IKE_SA_INIT (RFC 7296 §1.2, §2.6, §2.23), both roles: proposal and KE,
 * the INVALID_KE_PAYLOAD retry, the COOKIE challenge once too many SAs are
 * half open, NAT detection, and the IKE SA key derivation (§2.14).
 * Answers that create no state (COOKIE, INVALID_KE_PAYLOAD,
 * NO_PROPOSAL_CHOSEN) are sent and forgotten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_sa.h"

#define IKE_INIT_RESTARTS 4 /* COOKIE / INVALID_KE round trips before giving up */

int ike_natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct ike_addr *a,
		  uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2];
	size_t alen = a->family == AF_INET6 ? 16 : 4;
	unsigned int outlen = 0;

	memcpy(in, spi_i, 8);
	memcpy(in + 8, spi_r, 8);
	memcpy(in + 16, a->addr, alen);
	in[16 + alen] = (uint8_t)(a->port >> 8);
	in[16 + alen + 1] = (uint8_t)a->port;
	if (EVP_Digest(in, 16 + alen + 2, out, &outlen, EVP_sha1(), NULL) != 1 || outlen != 20)
		return -EIO;
	return 0;
}

int ike_sa_derive_keys(struct ike_sa *sa, const uint8_t *gir, size_t girlen,
		       const struct ike_sa_keys *old, const struct xform *old_prf)
{
	struct cbuf ni = {sa->ni, sa->ni_len}, nr = {sa->nr, sa->nr_len}, g = {gir, girlen};
	uint8_t skeyseed[PRF_MAX_OUT];
	int ret;

	if (old)
		ret = kdf_skeyseed_rekey(old_prf, &(struct cbuf){old->sk_d, old->prf_len}, &g, &ni,
					 &nr, skeyseed);
	else
		ret = kdf_skeyseed(sa->ike.prf, &ni, &nr, &g, skeyseed);
	if (ret < 0)
		goto done;
	ret = kdf_ike_sa_keys(sa->ike.prf, sa->ike.encr, sa->ike.integ, skeyseed, &ni, &nr,
			      sa->spi_i, sa->spi_r, &sa->keys);
	if (ret < 0)
		goto done;
	if (sa->initiator) {
		ret = sk_ctx_init(&sa->sk_out, sa->ike.encr, sa->ike.integ, sa->keys.sk_ei,
				  sa->keys.sk_ai);
		if (ret == 0)
			ret = sk_ctx_init(&sa->sk_in, sa->ike.encr, sa->ike.integ, sa->keys.sk_er,
					  sa->keys.sk_ar);
	} else {
		ret = sk_ctx_init(&sa->sk_out, sa->ike.encr, sa->ike.integ, sa->keys.sk_er,
				  sa->keys.sk_ar);
		if (ret == 0)
			ret = sk_ctx_init(&sa->sk_in, sa->ike.encr, sa->ike.integ, sa->keys.sk_ei,
					  sa->keys.sk_ai);
	}
done:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return ret;
}

/* Compare the peer's NAT_DETECTION notifies with what we see (§2.23). */
static void ike_natd_check(struct ike_sa *sa, const struct ike_msg *m, const uint8_t spi_r[8])
{
	bool src_seen = false, dst_seen = false, src_ok = false, dst_ok = false;
	uint8_t want_src[20], want_dst[20];

	if (ike_natd_hash(sa->spi_i, spi_r, &sa->remote, want_src) < 0 ||
	    ike_natd_hash(sa->spi_i, spi_r, &sa->local, want_dst) < 0)
		return;
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_notify n;

		if (m->pld[i].type != IKE_PLD_NOTIFY || ike_parse_notify(&m->pld[i], &n) < 0)
			continue;
		if (n.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			src_seen = true;
			src_ok |= n.len == 20 && memcmp(n.data, want_src, 20) == 0;
		} else if (n.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			dst_seen = true;
			dst_ok |= n.len == 20 && memcmp(n.data, want_dst, 20) == 0;
		}
	}
	if (sa->tun->conf.natt == IKE_NATT_DISABLE)
		return;
	sa->nat_remote = src_seen && !src_ok;
	sa->nat_local = dst_seen && !dst_ok;
	/* forced encapsulation: behave as if behind a NAT, keepalives included */
	if (sa->tun->conf.natt == IKE_NATT_FORCE)
		sa->nat_local = true;
	if (sa->nat_local || sa->nat_remote)
		ike_log(sa->eng, IKE_LOG_INFO, "NAT detected: %s%s",
			sa->nat_local ? "we are behind a NAT" : "",
			sa->nat_remote
			    ? (sa->nat_local ? ", so is the peer" : "the peer is behind a NAT")
			    : "");
}

static void ike_add_natd(struct ike_writer *w, const struct ike_sa *sa, const uint8_t spi_r[8])
{
	enum ike_natt_mode mode = sa->tun->conf.natt;
	uint8_t h[20];

	if (mode == IKE_NATT_DISABLE)
		return;
	if (ike_natd_hash(sa->spi_i, spi_r, &sa->local, h) == 0) {
		/* forced: a source hash that cannot match, so both ends see a NAT */
		if (mode == IKE_NATT_FORCE)
			h[0] ^= 0xff;
		ike_add_notify(w, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
	}
	if (ike_natd_hash(sa->spi_i, spi_r, &sa->remote, h) == 0)
		ike_add_notify(w, IKE_N_NAT_DETECTION_DESTINATION_IP, h, 20);
}

/* ---- initiator ---- */

int ike_init_start(struct ike_sa *sa)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	static const uint8_t zero[8];
	uint8_t buf[IKE_MSG_BUF], pub[1024];
	struct ike_sa_pld *prop;
	struct ike_writer w;
	struct ike_hdr h;
	size_t publen;
	int ret;

	if (sa->ni_len == 0) {
		ret = crypto_random_ike_spi(sa->spi_i);
		if (ret == 0)
			ret = crypto_random_nonce(sa->ni, IKE_NONCE_LEN);
		if (ret < 0)
			return ret;
		ike_sa_hash_add(sa);
		sa->ni_len = IKE_NONCE_LEN;
		sa->ke_group = c->ike[0].dh[0];
	}
	dh_key_free(sa->dh);
	sa->dh = NULL;
	ret = dh_keygen(sa->ke_group, &sa->dh);
	if (ret < 0)
		return ret;
	ret = dh_public_encode(sa->dh, pub, sizeof(pub), &publen);
	if (ret < 0)
		return ret;
	prop = malloc(sizeof(*prop));
	if (prop == NULL)
		return -ENOMEM;
	ret = ike_prop_build(c->ike, c->n_ike, IKE_PROTO_IKE, NULL, 0, true, sa->ke_group, prop);
	if (ret < 0)
		goto done;

	memset(sa->spi_r, 0, 8);
	ike_writer_init(&w, buf, sizeof(buf));
	ike_hdr_for(sa, &h, IKE_SA_INIT, false, 0);
	ike_msg_begin(&w, &h);
	/* a COOKIE goes first (§2.6) */
	if (sa->cookie_len)
		ike_add_notify(&w, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	ike_build_sa(&w, prop);
	ike_build_ke(&w, &(struct ike_ke){sa->ke_group, pub, publen});
	ike_build_nonce(&w, &(struct ike_nonce){sa->ni, sa->ni_len});
	ike_add_natd(&w, sa, zero);
	ike_sig_init_add(&w, sa, false);
	ret = ike_msg_end(&w);
	if (ret < 0)
		goto done;
	free(sa->init_req);
	sa->init_req = malloc(w.len);
	if (sa->init_req == NULL) {
		ret = -ENOMEM;
		goto done;
	}
	memcpy(sa->init_req, buf, w.len);
	sa->init_req_len = w.len;
	sa->state = IKE_SA_INIT_SENT;
	sa->msgid_out = 1;
	ret = ike_send_request_plain(sa, IKE_REQ_INIT, buf, w.len);
done:
	free(prop);
	return ret;
}

static bool ike_conf_dh_has(const struct ike_peer_conf *c, uint16_t group)
{
	for (size_t i = 0; i < c->n_ike; i++) {
		for (size_t j = 0; j < c->ike[i].n_dh; j++) {
			if (c->ike[i].dh[j] == group)
				return true;
		}
	}
	return false;
}

static void ike_init_fail(struct ike_sa *sa, const char *reason)
{
	if (sa->tun && sa->tun->sa == sa)
		ike_tun_fail(sa->tun, sa->eng, "%s", reason);
	ike_sa_destroy(sa);
}

/* Start over after COOKIE or INVALID_KE_PAYLOAD: same SPIi and nonce, new KE. */
static void ike_init_restart(struct ike_sa *sa)
{
	int ret;

	ike_req_done(sa);
	if (++sa->init_restarts > IKE_INIT_RESTARTS) {
		ike_init_fail(sa, "IKE_SA_INIT: peer keeps asking to start over");
		return;
	}
	ret = ike_init_start(sa);
	if (ret < 0)
		ike_init_fail(sa, "IKE_SA_INIT: cannot restart");
}

void ike_init_response(struct ike_sa *sa, const uint8_t *buf, size_t len, const struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_sa, *p_ke, *p_nr;
	struct ike_rule_violation v;
	struct ike_selected sel;
	struct ike_sa_pld *prop = NULL;
	char a[IKE_ADDR_STRLEN], reason[IKE_REASON_LEN], nb[40];
	struct ike_notify n;
	struct ike_nonce nr;
	struct ike_ke ke;
	uint8_t gir[512];
	uint16_t err;
	int ret;

	ike_addr_str(&sa->remote, a, sizeof(a));
	if (ike_msg_check_rules(m, &v) < 0) {
		ike_drop(e, &e->stats.drop_rules, &sa->remote,
			 "IKE_SA_INIT response: payload %s breaks the exchange rules",
			 ike_payload_name(v.type, nb, sizeof(nb)));
		return;
	}
	if (ike_msg_has_notify(m, IKE_N_COOKIE, &n)) {
		if (n.len == 0 || n.len > IKE_COOKIE_MAX) {
			ike_drop(e, &e->stats.drop_malformed, &sa->remote,
				 "IKE_SA_INIT response: COOKIE of %zu bytes", n.len);
			return;
		}
		memcpy(sa->cookie, n.data, n.len);
		sa->cookie_len = n.len;
		ike_log(e, IKE_LOG_INFO, "peer %s sent a COOKIE; retrying", a);
		ike_init_restart(sa);
		return;
	}
	err = ike_msg_error_notify(m, &n);
	if (err == IKE_N_INVALID_KE_PAYLOAD) {
		uint16_t group;

		if (n.len != 2) {
			ike_drop(e, &e->stats.drop_malformed, &sa->remote,
				 "INVALID_KE_PAYLOAD with %zu bytes of data", n.len);
			return;
		}
		group = (uint16_t)(n.data[0] << 8 | n.data[1]);
		if (group == sa->ke_group || !ike_conf_dh_has(c, group)) {
			ike_fmt(reason, sizeof(reason),
				"peer %s asks for DH group %s, which we do not offer", a,
				xform_name(XFORM_DH, group, nb, sizeof(nb)));
			ike_init_fail(sa, reason);
			return;
		}
		ike_log(e, IKE_LOG_INFO, "peer %s wants DH group %u; retrying", a, group);
		sa->ke_group = group;
		ike_init_restart(sa);
		return;
	}
	if (err) {
		char offered[160];

		ike_prop_describe(c->ike, c->n_ike, true, offered, sizeof(offered));
		if (err == IKE_N_NO_PROPOSAL_CHOSEN)
			ike_fmt(reason, sizeof(reason),
				"peer %s rejected our proposal: NO_PROPOSAL_CHOSEN (offered %s)", a,
				offered);
		else
			ike_fmt(reason, sizeof(reason), "peer %s refused IKE_SA_INIT: %s", a,
				ike_notify_name(err, nb, sizeof(nb)));
		ike_init_fail(sa, reason);
		return;
	}

	p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	p_nr = ike_msg_find(m, IKE_PLD_NONCE, 0);
	/* a real answer names the responder's SPI */
	if (memcmp(m->hdr.spi_r, (const uint8_t[8]){0}, 8) == 0 || p_sa == NULL || p_ke == NULL ||
	    p_nr == NULL || ike_parse_ke(p_ke, &ke) < 0 || ike_parse_nonce(p_nr, &nr) < 0 ||
	    nr.len < 16 || nr.len > IKE_NONCE_MAX) {
		ike_drop(e, &e->stats.drop_malformed, &sa->remote,
			 "IKE_SA_INIT response without SPIr, SA, KE or a valid nonce");
		return;
	}
	prop = malloc(sizeof(*prop));
	if (prop == NULL)
		return;
	if (ike_prop_parse(p_sa, prop) < 0) {
		ike_drop(e, &e->stats.drop_malformed, &sa->remote,
			 "IKE_SA_INIT response: malformed SA payload");
		goto done;
	}
	/* the answer must be one of our proposals, with our KE group */
	if (prop->nwire != 1 ||
	    ike_prop_select(prop, c->ike, c->n_ike, IKE_PROTO_IKE, sa->ke_group, &sel) < 0 ||
	    sel.dh->id != sa->ke_group || ke.group != sa->ke_group) {
		ike_fmt(reason, sizeof(reason),
			"peer %s chose an IKE proposal or KE group we did not offer", a);
		ike_init_fail(sa, reason);
		goto done;
	}
	sa->ike = sel;
	ike_log_choice(sa, "IKE proposal accepted by the peer", &sel, NULL, 0, NULL, 0);
	memcpy(sa->nr, nr.data, nr.len);
	sa->nr_len = nr.len;
	memcpy(sa->spi_r, m->hdr.spi_r, 8);
	ret = dh_shared_derive(sa->dh, ke.data, ke.len, gir, sel.dh->outlen);
	if (ret == 0)
		ret = ike_sa_derive_keys(sa, gir, sel.dh->outlen, NULL, NULL);
	OPENSSL_cleanse(gir, sizeof(gir));
	dh_key_free(sa->dh);
	sa->dh = NULL;
	if (ret < 0) {
		ike_fmt(reason, sizeof(reason), "peer %s sent an invalid KE value (%s)", a,
			strerror(-ret));
		ike_init_fail(sa, reason);
		goto done;
	}
	ike_natd_check(sa, m, sa->spi_r);
	if (sa->nat_local || sa->nat_remote) {
		/* from IKE_AUTH on, talk on the NAT-T ports (§2.23) */
		sa->local.port = c->natt_local_port ? c->natt_local_port : IKE_NATT_PORT;
		sa->remote.port = c->natt_remote_port ? c->natt_remote_port : IKE_NATT_PORT;
	}
	sa->init_resp = malloc(len);
	if (sa->init_resp == NULL) {
		ike_init_fail(sa, "out of memory");
		goto done;
	}
	memcpy(sa->init_resp, buf, len);
	sa->init_resp_len = len;
	sa->last_rx_ms = ike_now(e);
	ike_req_done(sa);
	ike_sig_init_note(sa, m);
	ret = ike_auth_start(sa);
	if (ret < 0) {
		char why[IKE_REASON_LEN];

		/* a signature we cannot make says why in last_error */
		memcpy(why, sa->tun->last_error, sizeof(why));
		ike_init_fail(sa, ret == -ENOTSUP ? why : "cannot send IKE_AUTH");
	}
done:
	free(prop);
}

/* ---- responder ---- */

/* COOKIE = prf(secret, Ni | IPi | SPIi) (§2.6) */
static int ike_cookie_compute(const uint8_t secret[32], const struct ike_nonce *ni,
			      const struct ike_addr *peer, const uint8_t spi_i[8], uint8_t out[32])
{
	const struct xform *prf = xform_lookup(XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	struct cbuf in[3] = {
	    {ni->data, ni->len},
	    {peer->addr, peer->family == AF_INET6 ? 16 : 4},
	    {spi_i, 8},
	};

	return prf_compute(prf, secret, 32, in, 3, out);
}

/*
 * §2.6: the secret changes every cookie_rotate_ms; a COOKIE made with the
 * one before is still taken for cookie_overlap_ms, so that a peer caught
 * by the change is not sent round again.
 */
static void ike_cookie_rotate(struct ike_engine *e)
{
	uint64_t now = ike_now(e);

	if (e->cookie_prev_valid && now >= e->cookie_prev_until) {
		OPENSSL_cleanse(e->cookie_prev, sizeof(e->cookie_prev));
		e->cookie_prev_valid = false;
	}
	if (now < e->cookie_rotate_at)
		return;
	memcpy(e->cookie_prev, e->cookie_secret, sizeof(e->cookie_prev));
	if (crypto_random_bytes(e->cookie_secret, sizeof(e->cookie_secret)) < 0) {
		/* keep the old one rather than none: tried again at the next request */
		memcpy(e->cookie_secret, e->cookie_prev, sizeof(e->cookie_secret));
		return;
	}
	/* counted from when the change was due: the first request after it makes it */
	e->cookie_prev_until = e->cookie_rotate_at + e->opts.cookie_overlap_ms;
	e->cookie_prev_valid = now < e->cookie_prev_until;
	e->cookie_rotate_at = now + e->opts.cookie_rotate_ms;
	e->stats.cookie_rotations++;
}

/* Does the request echo a COOKIE we made, with this secret or the one before? */
static bool ike_cookie_valid(struct ike_engine *e, const struct ike_msg *m,
			     const struct ike_nonce *ni, const struct ike_addr *src)
{
	struct ike_notify n;
	uint8_t want[32];
	bool ok = false;

	if (!ike_msg_has_notify(m, IKE_N_COOKIE, &n) || n.len != sizeof(want))
		return false;
	if (ike_cookie_compute(e->cookie_secret, ni, src, m->hdr.spi_i, want) == 0)
		ok = CRYPTO_memcmp(n.data, want, sizeof(want)) == 0;
	if (!ok && e->cookie_prev_valid &&
	    ike_cookie_compute(e->cookie_prev, ni, src, m->hdr.spi_i, want) == 0)
		ok = CRYPTO_memcmp(n.data, want, sizeof(want)) == 0;
	return ok;
}

/* An answer that leaves no state: SPIr zero, one notify. Rate limited: false if not sent. */
static bool ike_init_answer(struct ike_engine *e, const struct ike_addr *src,
			    const struct ike_addr *dst, const struct ike_msg *m, uint16_t type,
			    const void *data, size_t len)
{
	uint8_t buf[256];
	struct ike_writer w;
	struct ike_hdr h = m->hdr;

	if (!ike_reply_allowed(e, src))
		return false;
	memset(h.spi_r, 0, 8);
	h.version = IKE_VERSION_2;
	h.flags = IKE_FLAG_RESPONSE;
	ike_writer_init(&w, buf, sizeof(buf));
	ike_msg_begin(&w, &h);
	ike_add_notify(&w, type, data, len);
	if (ike_msg_end(&w) < 0)
		return false;
	ike_count_refusal(e, type);
	ike_send_plain(e, dst, src, buf, w.len);
	return true;
}

/* Is a peer's share of half-open SAs used up? Says which limit, at debug level. */
static bool ike_share_full(struct ike_engine *e, const struct ike_addr *src, bool proven)
{
	const struct ike_opts *o = &e->opts;
	char a[IKE_ADDR_STRLEN];

	for (int i = 0; i < 2; i++) {
		struct ike_pfx *p = ike_pfx_find(e, src, i == 0);
		unsigned n = p == NULL ? 0 : proven ? p->proven : p->unproven;
		unsigned max = i == 0 ? o->half_open_per_peer : o->half_open_per_prefix;

		if (n < max)
			continue;
		if (proven) {
			if (i == 0)
				e->stats.drop_half_open++;
			else
				e->stats.drop_half_open_prefix++;
			ike_log(e, IKE_LOG_INFO, "half-open limit: %s/%u has %u; request refused",
				ike_addr_str(src, a, sizeof(a)), p->plen, n);
		}
		return true;
	}
	return false;
}

/*
 * May this request make a half-open SA? 0: yes (*proven: it echoed our
 * COOKIE); 1: answered with a COOKIE, or refused (counted). A proven
 * request past half_open_max takes the place of the oldest half-open SA.
 * A peer's share (per address, per prefix) counts only requests that
 * echoed our COOKIE, so spoofed ones cannot use it up: an unproven request
 * past the unproven share, or past half_open_cookie SAs in all, is sent a
 * COOKIE instead (§2.6).
 */
static int ike_init_admit(struct ike_engine *e, const struct ike_addr *src,
			  const struct ike_addr *dst, const struct ike_msg *m,
			  const struct ike_nonce *ni, bool *proven)
{
	char a[IKE_ADDR_STRLEN];
	uint8_t cookie[32];

	ike_cookie_rotate(e);
	*proven = ike_cookie_valid(e, m, ni, src);
	if (*proven) {
		e->stats.cookies_accepted++;
		if (ike_share_full(e, src, true))
			return 1;
		/*
		 * All half-open SAs in use (proven ones, from many prefixes): the
		 * oldest goes. A real peer answers within a round trip; a flood
		 * must outpace the whole table to take its SA away.
		 */
		if (e->n_half_open < e->opts.half_open_max)
			return 0;
		if (e->ho_oldest == NULL) {
			e->stats.drop_half_open_max++;
			return 1;
		}
		e->stats.half_open_evicted++;
		ike_log(e, IKE_LOG_INFO, "half-open limit: %u IKE SAs; the oldest dropped for %s",
			e->n_half_open, ike_addr_str(src, a, sizeof(a)));
		ike_sa_destroy(e->ho_oldest);
		return 0;
	}
	/* unproven: past any limit, a COOKIE (§2.6); proven, it may come back */
	if (e->n_half_open < e->opts.half_open_cookie && e->n_half_open < e->opts.half_open_max &&
	    !ike_share_full(e, src, false))
		return 0;
	if (ike_cookie_compute(e->cookie_secret, ni, src, m->hdr.spi_i, cookie) < 0)
		return 1;
	if (ike_init_answer(e, src, dst, m, IKE_N_COOKIE, cookie, sizeof(cookie)))
		e->stats.cookies_sent++;
	return 1;
}

void ike_init_request(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
		      const uint8_t *buf, size_t len, const struct ike_msg *m)
{
	const struct ike_pld *p_sa, *p_ke, *p_ni;
	struct ike_rule_violation v;
	struct ike_tunnel *t;
	struct ike_sa_pld *prop = NULL;
	struct ike_selected sel;
	struct ike_sa *sa = NULL;
	char a[IKE_ADDR_STRLEN], nb[24];
	struct ike_nonce ni;
	struct ike_ke ke;
	uint8_t out[IKE_MSG_BUF], pub[1024], gir[512];
	struct ike_writer w;
	struct ike_hdr h;
	bool proven = false;
	size_t publen;
	int ret;

	ike_addr_str(src, a, sizeof(a));
	if (ike_msg_check_rules(m, &v) < 0) {
		if (v.error == IKE_RULE_UNSUPPORTED_CRITICAL) {
			uint8_t type = v.type;

			e->stats.unsupported_critical++;
			ike_log(e, IKE_LOG_INFO,
				"IKE_SA_INIT from %s: unsupported critical payload %u, answered", a,
				type);
			ike_init_answer(e, src, dst, m, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, &type,
					1);
			return;
		}
		ike_drop(e, &e->stats.drop_rules, src,
			 "IKE_SA_INIT request: payload %s breaks the exchange rules",
			 ike_payload_name(v.type, nb, sizeof(nb)));
		return;
	}
	p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	p_ni = ike_msg_find(m, IKE_PLD_NONCE, 0);
	if (ike_parse_ke(p_ke, &ke) < 0 || ike_parse_nonce(p_ni, &ni) < 0 || ni.len < 16 ||
	    ni.len > IKE_NONCE_MAX) {
		ike_drop(e, &e->stats.drop_malformed, src,
			 "IKE_SA_INIT request: malformed KE, or a nonce not of 16-256 bytes");
		return;
	}
	t = ike_tunnel_for_peer(e, dst, src);
	if (t == NULL) {
		ike_drop(e, &e->stats.drop_unexpected, src, "IKE_SA_INIT: no tunnel for this peer");
		return;
	}
	if (ike_init_admit(e, src, dst, m, &ni, &proven))
		return;
	prop = malloc(sizeof(*prop));
	if (prop == NULL)
		return;
	if (ike_prop_parse(p_sa, prop) < 0) {
		ike_drop(e, &e->stats.drop_malformed, src,
			 "IKE_SA_INIT request: malformed SA payload");
		goto done;
	}
	/* proposals in IKE_SA_INIT carry no SPI (§3.3.1) */
	if (ike_prop_select(prop, t->conf.ike, t->conf.n_ike, IKE_PROTO_IKE, ke.group, &sel) < 0 ||
	    sel.spi_size != 0) {
		char offered[120], ours[160];

		ike_offer_describe(prop, offered, sizeof(offered));
		ike_prop_describe(t->conf.ike, t->conf.n_ike, true, ours, sizeof(ours));
		if (t->sa == NULL)
			ike_tun_fail(t, e, "NO_PROPOSAL_CHOSEN: peer %s offered %s, we accept %s",
				     a, offered, ours);
		ike_log(e, IKE_LOG_INFO,
			"IKE_SA_INIT from %s: NO_PROPOSAL_CHOSEN sent (offered %s, we accept %s)",
			a, offered, ours);
		ike_init_answer(e, src, dst, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto done;
	}
	if (sel.dh->id != ke.group) {
		uint8_t g[2] = {(uint8_t)(sel.dh->id >> 8), (uint8_t)sel.dh->id};

		ike_log(e, IKE_LOG_INFO,
			"IKE_SA_INIT from %s: KE of group %u, INVALID_KE_PAYLOAD for %s sent", a,
			ke.group, sel.dh->shortname);
		ike_init_answer(e, src, dst, m, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		goto done;
	}

	sa = ike_sa_new(e, t, false);
	if (sa == NULL)
		goto done;
	sa->local = *dst;
	sa->remote = *src;
	sa->ike = sel;
	ike_log_choice(sa, "IKE proposal chosen", &sel, NULL, 0, NULL, 0);
	sa->ke_group = ke.group;
	memcpy(sa->spi_i, m->hdr.spi_i, 8);
	ike_sa_hash_add(sa);
	memcpy(sa->ni, ni.data, ni.len);
	sa->ni_len = ni.len;
	sa->nr_len = IKE_NONCE_LEN;
	ret = crypto_random_ike_spi(sa->spi_r);
	if (ret == 0)
		ret = crypto_random_nonce(sa->nr, sa->nr_len);
	if (ret == 0)
		ret = dh_keygen(sel.dh->id, &sa->dh);
	if (ret == 0)
		ret = dh_public_encode(sa->dh, pub, sizeof(pub), &publen);
	if (ret < 0)
		goto fail;
	ret = dh_shared_derive(sa->dh, ke.data, ke.len, gir, sel.dh->outlen);
	if (ret < 0) {
		/* a value out of range or off the curve (RFC 6989): a syntax error */
		if (t->sa == NULL)
			ike_tun_fail(t, e, "peer %s sent an invalid KE value (%zu bytes, %s)", a,
				     ke.len, sel.dh->shortname);
		ike_log(
		    e, IKE_LOG_INFO,
		    "IKE_SA_INIT from %s: invalid KE value (%zu bytes, %s), INVALID_SYNTAX sent", a,
		    ke.len, sel.dh->shortname);
		ike_init_answer(e, src, dst, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto fail;
	}
	ret = ike_sa_derive_keys(sa, gir, sel.dh->outlen, NULL, NULL);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (ret < 0)
		goto fail;
	sa->init_req = malloc(len);
	if (sa->init_req == NULL)
		goto fail;
	memcpy(sa->init_req, buf, len);
	sa->init_req_len = len;
	ike_natd_check(sa, m, (const uint8_t[8]){0});
	ike_sig_init_note(sa, m);

	{
		struct ike_sa_pld *answer = prop; /* reuse the buffer */

		ike_prop_from_selected(&sel, answer);
		ike_writer_init(&w, out, sizeof(out));
		ike_hdr_for(sa, &h, IKE_SA_INIT, true, 0);
		ike_msg_begin(&w, &h);
		ike_build_sa(&w, answer);
		ike_build_ke(&w, &(struct ike_ke){sel.dh->id, pub, publen});
		ike_build_nonce(&w, &(struct ike_nonce){sa->nr, sa->nr_len});
		ike_add_natd(&w, sa, sa->spi_r);
		ike_sig_init_add(&w, sa, true);
		if (ike_msg_end(&w) < 0)
			goto fail;
	}
	/* one copy: signed by our AUTH and sent again to a retransmitted request */
	sa->init_resp = malloc(w.len);
	if (sa->init_resp == NULL)
		goto fail;
	memcpy(sa->init_resp, out, w.len);
	sa->init_resp_len = w.len;
	sa->msgid_in = 1;
	sa->proven = proven;
	if (ike_half_open_enter(sa) < 0)
		goto fail;
	dh_key_free(sa->dh);
	sa->dh = NULL;
	ike_send_plain(e, dst, src, out, w.len);
	goto done;
fail:
	OPENSSL_cleanse(gir, sizeof(gir));
	ike_sa_destroy(sa);
done:
	free(prop);
}
