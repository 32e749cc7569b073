/* SPDX-License-Identifier: ISC */
/*
 * IKE_AUTH (RFC 7296 §1.2, §2.15), both roles: identities, PSK
 * authentication, and the first CHILD_SA with its traffic selectors
 * (narrowed by the responder, §2.9). A CHILD_SA that cannot be agreed
 * leaves the IKE SA up and says why (§1.2: error notify in the response).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike_sa.h"

void ike_id_local(const struct ike_sa *sa, struct ike_id *id, uint8_t *buf)
{
	const struct ike_id_conf *c = &sa->tun->conf.local_id;

	memset(id, 0, sizeof(*id));
	if (c->type) {
		id->type = c->type;
		memcpy(buf, c->data, c->len);
		id->len = c->len;
	} else {
		id->type = sa->local.family == AF_INET6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
		id->len = sa->local.family == AF_INET6 ? 16 : 4;
		memcpy(buf, sa->local.addr, id->len);
	}
	id->data = buf;
}

/* The identity we expect from the peer: configured, or its configured address. */
static void ike_id_remote(const struct ike_sa *sa, struct ike_id *id, uint8_t *buf)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_addr *a = c->remote.family ? &c->remote : &sa->remote;

	memset(id, 0, sizeof(*id));
	if (c->remote_id.type) {
		id->type = c->remote_id.type;
		memcpy(buf, c->remote_id.data, c->remote_id.len);
		id->len = c->remote_id.len;
	} else {
		id->type = a->family == AF_INET6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
		id->len = a->family == AF_INET6 ? 16 : 4;
		memcpy(buf, a->addr, id->len);
	}
	id->data = buf;
}

static bool ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static bool ike_id_is_addr(const struct ike_id *id, const struct ike_addr *a)
{
	if (a->family == AF_INET)
		return id->type == IKE_ID_IPV4_ADDR && id->len == 4 &&
		       memcmp(id->data, a->addr, 4) == 0;
	if (a->family == AF_INET6)
		return id->type == IKE_ID_IPV6_ADDR && id->len == 16 &&
		       memcmp(id->data, a->addr, 16) == 0;
	return false;
}

/*
 * Is this the peer we expect? The configured remote identity if there is
 * one, else any of the peer's configured addresses or the one we talk to.
 */
static bool ike_id_remote_ok(const struct ike_sa *sa, const struct ike_id *peer,
			     const struct ike_id *expect)
{
	const struct ike_peer_conf *c = &sa->tun->conf;

	if (c->remote_id.type)
		return ike_id_equal(peer, expect);
	if (ike_id_is_addr(peer, &sa->remote) || ike_id_is_addr(peer, &c->remote))
		return true;
	for (size_t i = 0; i < c->n_remote_alt; i++) {
		if (ike_id_is_addr(peer, &c->remote_alt[i]))
			return true;
	}
	return false;
}

/* An identity for messages: addresses and names as text, anything else by type. */
static const char *ike_id_str(const struct ike_id *id, char *buf, size_t len)
{
	struct ike_addr a = {0};

	if ((id->type == IKE_ID_IPV4_ADDR && id->len == 4) ||
	    (id->type == IKE_ID_IPV6_ADDR && id->len == 16)) {
		a.family = id->type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		memcpy(a.addr, id->data, id->len);
		return ike_addr_str(&a, buf, len);
	}
	if (id->type == IKE_ID_FQDN || id->type == IKE_ID_RFC822_ADDR) {
		size_t n = 0;

		for (size_t i = 0; i < id->len && n + 1 < len; i++) {
			uint8_t ch = id->data[i];

			buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
		buf[n] = '\0';
		return buf;
	}
	if (id->type == IKE_ID_DER_ASN1_DN)
		return ike_cert_dn_str(id->data, id->len, buf, len);
	ike_fmt(buf, len, "(ID type %u, %zu bytes)", id->type, id->len);
	return buf;
}

/*
 * With certificates: is the peer's identity the one configured? A DN is
 * compared as an RFC 5280 name, "*" values as wildcards; remote-id any takes whatever the
 * certificate vouches for (checked by ike_auth_sig_verify()).
 */
static bool ike_id_remote_cert_ok(const struct ike_sa *sa, const struct ike_id *peer,
				  const struct ike_id *expect)
{
	const struct ike_peer_conf *c = &sa->tun->conf;

	if (c->cert.any_remote_id)
		return true;
	if (c->remote_id.type == IKE_ID_DER_ASN1_DN)
		return peer->type == IKE_ID_DER_ASN1_DN &&
		       ike_cert_dn_match(c->remote_id.data, c->remote_id.len, peer->data,
					 peer->len);
	return ike_id_remote_ok(sa, peer, expect);
}

/*
 * The peer authenticates with a signature (or ought to): its identity,
 * certificate chain and AUTH. 0 or -errno with why filled in.
 */
static int ike_auth_peer_sig(struct ike_sa *sa, const struct ike_msg *m, const struct ike_id *peer,
			     const struct ike_id *expect, const struct ike_auth *auth, char *why,
			     size_t len)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	char ids[IKE_MAX_ID + 8], want[IKE_MAX_ID + 8];

	ike_id_str(peer, ids, sizeof(ids));
	if (c->cert.trust == NULL) {
		ike_fmt(why, len,
			"peer %s authenticated with a signature (AUTH method %u); tunnel %s uses "
			"a pre-shared key",
			ids, auth->method, c->name);
		return -EACCES;
	}
	if (!ike_id_remote_cert_ok(sa, peer, expect)) {
		ike_fmt(why, len, "peer identified as %s, expected %s", ids,
			ike_id_str(expect, want, sizeof(want)));
		return -EACCES;
	}
	return ike_auth_sig_verify(sa, m, peer, auth, ids, why, len);
}

/* RestOfIDPayload: ID Type, three RESERVED octets, data (§2.15). */
static size_t ike_id_rest(const struct ike_id *id, uint8_t *out)
{
	out[0] = id->type;
	memset(out + 1, 0, 3);
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

int ike_auth_psk(const struct ike_sa *sa, bool initiator_side, const uint8_t *id_rest,
		 size_t id_restlen, uint8_t *out)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	struct cbuf psk = {c->psk, c->psk_len};
	struct cbuf msg, nonce, skp, id = {id_rest, id_restlen};

	if (initiator_side) {
		msg = (struct cbuf){sa->init_req, sa->init_req_len};
		nonce = (struct cbuf){sa->nr, sa->nr_len};
		skp = (struct cbuf){sa->keys.sk_pi, sa->keys.prf_len};
	} else {
		msg = (struct cbuf){sa->init_resp, sa->init_resp_len};
		nonce = (struct cbuf){sa->ni, sa->ni_len};
		skp = (struct cbuf){sa->keys.sk_pr, sa->keys.prf_len};
	}
	return kdf_psk_auth(sa->ike.prf, &psk, &msg, &nonce, &skp, &id, out);
}

/* Our AUTH payload for our ID (already written to the message). */
static int ike_auth_add(struct ike_writer *w, const struct ike_sa *sa, const struct ike_id *id)
{
	uint8_t rest[4 + IKE_MAX_ID + 16], mac[PRF_MAX_OUT];
	int ret;

	if (sa->tun->conf.cert.key)
		return ike_auth_sig_add(w, sa, rest, ike_id_rest(id, rest));
	ret = ike_auth_psk(sa, sa->initiator, rest, ike_id_rest(id, rest), mac);
	if (ret < 0)
		return ret;
	ret = ike_build_auth(w,
			     &(struct ike_auth){IKE_AUTH_SHARED_KEY_MIC, mac, sa->ike.prf->outlen});
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

/* The peer's AUTH over its ID payload: true when it proves the same PSK. */
static bool ike_auth_verify(const struct ike_sa *sa, const struct ike_id *peer_id,
			    const struct ike_auth *auth)
{
	uint8_t mac[PRF_MAX_OUT];
	bool ok;

	if (auth->method != IKE_AUTH_SHARED_KEY_MIC || auth->len != sa->ike.prf->outlen)
		return false;
	if (ike_auth_psk(sa, !sa->initiator, peer_id->rest, peer_id->restlen, mac) < 0)
		return false;
	ok = CRYPTO_memcmp(mac, auth->data, auth->len) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

int ike_child_keys(struct ike_sa *sa, struct ike_child *c, const struct cbuf *gir,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		   bool initiator)
{
	const struct xform *encr =
	    c->sa.encr ? xform_lookup(XFORM_ENCR, c->sa.encr, c->sa.encr_bits) : NULL;
	const struct xform *integ = c->sa.integ ? xform_lookup(XFORM_INTEG, c->sa.integ, 0) : NULL;
	size_t ek = encr ? encr->keylen : 0, ak = integ ? integ->keylen : 0;
	uint8_t keymat[2 * (ENCR_MAX_KEY + INTEG_MAX_KEY)];
	struct cbuf skd = {sa->keys.sk_d, sa->keys.prf_len};
	struct cbuf n_i = {ni, ni_len}, n_r = {nr, nr_len};
	const uint8_t *i2r, *r2i;
	int ret;

	ret = kdf_child_keymat(sa->ike.prf, &skd, gir, &n_i, &n_r, keymat, 2 * (ek + ak));
	if (ret < 0)
		goto done;
	/* initiator-to-responder first, encryption before integrity (§2.17) */
	i2r = keymat;
	r2i = keymat + ek + ak;
	memcpy(c->sa.encr_key_out, initiator ? i2r : r2i, ek);
	memcpy(c->sa.integ_key_out, (initiator ? i2r : r2i) + ek, ak);
	memcpy(c->sa.encr_key_in, initiator ? r2i : i2r, ek);
	memcpy(c->sa.integ_key_in, (initiator ? r2i : i2r) + ek, ak);
	c->sa.encr_key_len = ek;
	c->sa.integ_key_len = ak;
done:
	OPENSSL_cleanse(keymat, sizeof(keymat));
	return ret;
}

void ike_child_fill(struct ike_sa *sa, struct ike_child *c, const struct ike_selected *sel,
		    const struct ike_ts_range *tsl, size_t nl, const struct ike_ts_range *tsr,
		    size_t nr)
{
	const struct ike_peer_conf *conf = &sa->tun->conf;

	c->sa.protocol = sel->protocol;
	c->sa.encr = sel->encr ? sel->encr->id : 0;
	c->sa.encr_bits = sel->encr ? sel->encr->keybits : 0;
	c->sa.integ = sel->integ ? sel->integ->id : 0;
	c->sa.esn = sel->esn;
	c->sa.spi_out = (uint32_t)sel->spi[0] << 24 | (uint32_t)sel->spi[1] << 16 |
			(uint32_t)sel->spi[2] << 8 | sel->spi[3];
	c->sa.encap = sa->nat_local || sa->nat_remote;
	c->sa.local = sa->local;
	c->sa.remote = sa->remote;
	c->sa.n_ts_local = nl > IKE_CONF_MAX_SUBNETS ? IKE_CONF_MAX_SUBNETS : nl;
	memcpy(c->sa.ts_local, tsl, c->sa.n_ts_local * sizeof(*tsl));
	c->sa.n_ts_remote = nr > IKE_CONF_MAX_SUBNETS ? IKE_CONF_MAX_SUBNETS : nr;
	memcpy(c->sa.ts_remote, tsr, c->sa.n_ts_remote * sizeof(*tsr));
	c->sa.lifetime_hard_s = conf->child_lifetime_s;
	c->sa.lifetime_hard_kb = conf->child_lifetime_kb;
	/* without rekeys the soft expiry has nothing to start */
	if (!conf->no_rekey) {
		c->sa.lifetime_soft_s = conf->child_lifetime_s - conf->child_lifetime_s / 10;
		c->sa.lifetime_soft_kb = conf->child_lifetime_kb - conf->child_lifetime_kb / 10;
	}
	c->sa.reqid = conf->reqid;
	c->sa.if_id = conf->if_id;
	c->sa.initiator = sa->initiator;
}

static void ike_spi_be(uint32_t spi, uint8_t out[4])
{
	out[0] = (uint8_t)(spi >> 24);
	out[1] = (uint8_t)(spi >> 16);
	out[2] = (uint8_t)(spi >> 8);
	out[3] = (uint8_t)spi;
}

/* The child proposal as configured, without PFS groups (none in IKE_AUTH, §1.2). */
static struct ike_prop_conf ike_child_conf_nopfs(const struct ike_peer_conf *c)
{
	struct ike_prop_conf p = c->child;

	p.n_dh = 0;
	return p;
}

/* ---- initiator ---- */

/* Both SAs are between the same two identities (ours and the one we expect). */
static bool ike_sa_same_ids(const struct ike_sa *a, const struct ike_sa *b)
{
	uint8_t abuf[IKE_MAX_ID + 16], bbuf[IKE_MAX_ID + 16];
	struct ike_id ia, ib;

	ike_id_local(a, &ia, abuf);
	ike_id_local(b, &ib, bbuf);
	if (!ike_id_equal(&ia, &ib))
		return false;
	ike_id_remote(a, &ia, abuf);
	ike_id_remote(b, &ib, bbuf);
	return ike_id_equal(&ia, &ib);
}

/*
 * INITIAL_CONTACT asserts that this IKE SA is the only one between the two
 * identities (§3.16): a peer that believes it drops every other SA with us,
 * those of our other tunnels to it included. So it is sent only when no
 * other IKE SA of any tunnel, established or on its way (the peer's half
 * open one too: a crossing), has the same identities: in practice the
 * first contact after the engine started.
 */
static bool ike_peer_has_other(const struct ike_sa *sa)
{
	for (const struct ike_sa *o = sa->eng->sas; o; o = o->next) {
		if (o == sa || o->tun == NULL)
			continue;
		if (o->state != IKE_SA_AUTH_SENT && o->state != IKE_SA_HALF_OPEN &&
		    o->state != IKE_SA_ESTABLISHED && o->state != IKE_SA_DELETING)
			continue;
		if (ike_sa_same_ids(sa, o))
			return true;
	}
	return false;
}

int ike_auth_start(struct ike_sa *sa)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	struct ike_prop_conf pc = ike_child_conf_nopfs(c);
	struct ike_ts_range tsl[IKE_CONF_MAX_SUBNETS], tsr[IKE_CONF_MAX_SUBNETS];
	uint8_t *ibuf, idbuf[IKE_MAX_ID + 16], spi[4];
	struct ike_sa_pld *prop;
	struct ike_ts_pld *ts;
	struct ike_writer w;
	struct ike_id id;
	size_t nl, nr;
	int ret;

	prop = malloc(sizeof(*prop));
	ts = malloc(sizeof(*ts));
	ibuf = malloc(IKE_AUTH_INNER_MAX);
	if (prop == NULL || ts == NULL || ibuf == NULL) {
		ret = -ENOMEM;
		goto done;
	}
	if (sa->pending == NULL) {
		sa->pending = ike_child_new(sa);
		if (sa->pending == NULL) {
			ret = -ENOMEM;
			goto done;
		}
	}
	ret = ike_child_spi_alloc(sa, c->child_proto, &sa->pending->sa.spi_in);
	if (ret < 0)
		goto done;
	ike_spi_be(sa->pending->sa.spi_in, spi);

	ike_writer_init(&w, ibuf, IKE_AUTH_INNER_MAX);
	ike_id_local(sa, &id, idbuf);
	ike_build_id(&w, IKE_PLD_IDI, &id);
	ike_cert_payloads_add(&w, sa);
	ike_certreq_auth_add(&w, sa);
	if (c->remote_id.type) {
		struct ike_id rid;
		uint8_t rbuf[IKE_MAX_ID + 16];

		ike_id_remote(sa, &rid, rbuf);
		ike_build_id(&w, IKE_PLD_IDR, &rid);
	}
	ret = ike_auth_add(&w, sa, &id);
	if (ret < 0)
		goto done;
	if (!ike_peer_has_other(sa))
		ike_add_notify(&w, IKE_N_INITIAL_CONTACT, NULL, 0);
	if (c->mode == IKE_MODE_TRANSPORT)
		ike_add_notify(&w, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_prop_build(&pc, 1, c->child_proto, spi, 4, false, 0, prop);
	ike_build_sa(&w, prop);
	nl = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, tsl);
	nr = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, tsr);
	ike_ts_to_wire(tsl, nl, ts);
	ike_build_ts(&w, IKE_PLD_TSI, ts);
	ike_ts_to_wire(tsr, nr, ts);
	ike_build_ts(&w, IKE_PLD_TSR, ts);
	ret = ike_send_request(sa, IKE_AUTH, IKE_REQ_AUTH, &w);
	if (ret == 0)
		sa->state = IKE_SA_AUTH_SENT;
done:
	if (ibuf)
		OPENSSL_cleanse(ibuf, IKE_AUTH_INNER_MAX);
	free(ibuf);
	free(prop);
	free(ts);
	return ret;
}

/* The IKE_SA_INIT messages were kept for the AUTH payloads only. */
static void ike_init_msgs_free(struct ike_sa *sa)
{
	free(sa->init_req);
	free(sa->init_resp);
	sa->init_req = sa->init_resp = NULL;
	sa->init_req_len = sa->init_resp_len = 0;
}

static void ike_established(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	struct ike_tunnel *t = sa->tun;

	ike_half_open_leave(sa);
	sa->state = IKE_SA_ESTABLISHED;
	sa->created_ms = ike_now(e);
	sa->order = ++e->order;
	e->stats.ike_established++;
	/*
	 * The newest IKE SA is the tunnel's. An older one stays until deleted or
	 * dead: when both sides initiated at once, each keeps both, consistently.
	 * INITIAL_CONTACT is what clears a restarted peer's leftovers.
	 */
	t->sa = sa;
	ike_sa_lifetimes(sa);
}

/*
 * The error notifies that refuse the CHILD_SA alone: the IKE SA is set up
 * all the same (RFC 7296 §2.21.2). Any other error in IKE_AUTH is fatal
 * to the IKE SA on both sides.
 */
static bool ike_child_only_error(uint16_t type)
{
	switch (type) {
	case IKE_N_NO_PROPOSAL_CHOSEN:
	case IKE_N_SINGLE_PAIR_REQUIRED:
	case IKE_N_NO_ADDITIONAL_SAS:
	case IKE_N_INTERNAL_ADDRESS_FAILURE:
	case IKE_N_FAILED_CP_REQUIRED:
	case IKE_N_TS_UNACCEPTABLE:
	case IKE_N_INVALID_SELECTORS:
		return true;
	default:
		return false;
	}
}

/*
 * The IKE SA is up but the CHILD_SA was refused: say why. A refusal by the
 * peer keeps the IKE SA (an auto tunnel asks for a CHILD_SA again later);
 * an answer we cannot accept deletes it (delete_ike), since the peer's
 * half of the CHILD_SA would be left without ours.
 */
static void ike_child_refused(struct ike_sa *sa, bool delete_ike, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ike_child_refused(struct ike_sa *sa, bool delete_ike, const char *fmt, ...)
{
	struct ike_tunnel *t = sa->tun;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->last_error, sizeof(t->last_error), fmt, ap);
	va_end(ap);
	ike_log(sa->eng, IKE_LOG_ERROR, "tunnel %s: %s", t->conf.name, t->last_error);
	ike_tun_status(t, sa->eng, IKE_TUN_IKE_NO_CHILD);
	if (sa->pending) {
		ike_child_free(sa->pending);
		sa->pending = NULL;
	}
	if (delete_ike) {
		ike_info_delete_ike(sa);
		return;
	}
	/* not at once again: the peer just said no */
	ike_child_retry_later(sa);
}

void ike_auth_response(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_id, *p_auth, *p_sa, *p_tsi, *p_tsr;
	struct ike_ts_range tsl[IKE_CONF_MAX_SUBNETS], tsr[IKE_CONF_MAX_SUBNETS];
	struct ike_ts_range nl_r[IKE_CONF_MAX_SUBNETS], nr_r[IKE_CONF_MAX_SUBNETS];
	struct ike_prop_conf pc = ike_child_conf_nopfs(c);
	char a[IKE_ADDR_STRLEN], ids[IKE_MAX_ID + 8], nb[40], want[IKE_MAX_ID + 8];
	uint8_t idbuf[IKE_MAX_ID + 16];
	struct ike_sa_pld *prop = NULL;
	struct ike_ts_pld *tsi = NULL, *tsr_p = NULL;
	struct ike_selected sel;
	struct ike_id peer, expect, mine;
	struct ike_auth auth;
	struct ike_notify n;
	struct ike_child *ch;
	uint16_t err;
	size_t nl, nr, nnl, nnr;
	int ret;

	if (sa->req.kind != IKE_REQ_AUTH) {
		ike_drop(e, &e->stats.drop_unexpected, &sa->remote,
			 "IKE_AUTH response while no IKE_AUTH request is outstanding");
		return;
	}
	ike_req_done(sa);
	ike_addr_str(&sa->remote, a, sizeof(a));
	p_id = ike_msg_find(m, IKE_PLD_IDR, 0);
	p_auth = ike_msg_find(m, IKE_PLD_AUTH, 0);
	err = ike_msg_error_notify(m, &n);
	if (p_id == NULL || p_auth == NULL) {
		ike_id_local(sa, &mine, idbuf);
		if (err == IKE_N_AUTHENTICATION_FAILED && c->cert.key)
			ike_tun_fail(sa->tun, e,
				     "AUTHENTICATION_FAILED: peer %s refused our certificate or "
				     "identity %s",
				     a, ike_id_str(&mine, ids, sizeof(ids)));
		else if (err == IKE_N_AUTHENTICATION_FAILED)
			ike_tun_fail(
			    sa->tun, e,
			    "AUTHENTICATION_FAILED: pre-shared key mismatch or identity %s "
			    "unknown",
			    ike_id_str(&mine, ids, sizeof(ids)));
		else
			ike_tun_fail(sa->tun, e, "peer %s refused IKE_AUTH: %s", a,
				     err ? ike_notify_name(err, nb, sizeof(nb))
					 : "no identity or AUTH payload");
		e->stats.auth_failed += err == IKE_N_AUTHENTICATION_FAILED;
		ike_sa_destroy(sa);
		return;
	}
	if (ike_parse_id(p_id, &peer) < 0 || ike_parse_auth(p_auth, &auth) < 0) {
		ike_drop(e, &e->stats.drop_malformed, &sa->remote,
			 "IKE_AUTH response: malformed IDr or AUTH payload");
		ike_tun_fail(sa->tun, e, "peer %s sent a malformed IKE_AUTH response", a);
		ike_sa_destroy(sa);
		return;
	}
	ike_id_remote(sa, &expect, idbuf);
	if (c->cert.trust || auth.method != IKE_AUTH_SHARED_KEY_MIC) {
		char why[IKE_REASON_LEN];

		if (ike_auth_peer_sig(sa, m, &peer, &expect, &auth, why, sizeof(why)) < 0) {
			e->stats.auth_failed++;
			ike_tun_fail(sa->tun, e, "AUTHENTICATION_FAILED: %s", why);
			ike_sa_destroy(sa);
			return;
		}
	} else if (!ike_id_remote_ok(sa, &peer, &expect)) {
		e->stats.auth_failed++;
		ike_tun_fail(
		    sa->tun, e, "AUTHENTICATION_FAILED: peer %s identified as %s, expected %s", a,
		    ike_id_str(&peer, ids, sizeof(ids)), ike_id_str(&expect, want, sizeof(want)));
		ike_sa_destroy(sa);
		return;
	} else if (!ike_auth_verify(sa, &peer, &auth)) {
		e->stats.auth_failed++;
		ike_tun_fail(
		    sa->tun, e,
		    "AUTHENTICATION_FAILED: peer %s (%s) proved a different pre-shared key", a,
		    ike_id_str(&peer, ids, sizeof(ids)));
		ike_sa_destroy(sa);
		return;
	}
	ike_established(sa);
	ike_init_msgs_free(sa);

	nl = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, tsl);
	nr = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, tsr);
	if (err && !ike_child_only_error(err)) {
		/* fatal: the peer has dropped the IKE SA already (§2.21.2) */
		ike_tun_fail(sa->tun, e, "peer %s refused IKE_AUTH after authenticating: %s", a,
			     ike_notify_name(err, nb, sizeof(nb)));
		ike_sa_destroy(sa);
		return;
	}
	if (err) {
		char ts1[128], ts2[128], offered[160];

		ike_ts_range_describe(tsl, nl, ts1, sizeof(ts1));
		ike_ts_range_describe(tsr, nr, ts2, sizeof(ts2));
		ike_prop_describe(&pc, 1, false, offered, sizeof(offered));
		if (err == IKE_N_TS_UNACCEPTABLE)
			ike_child_refused(sa, false, "TS_UNACCEPTABLE: peer %s refused %s === %s",
					  a, ts1, ts2);
		else if (err == IKE_N_NO_PROPOSAL_CHOSEN)
			ike_child_refused(sa, false,
					  "peer %s rejected our proposal: NO_PROPOSAL_CHOSEN "
					  "(offered %s)",
					  a, offered);
		else
			ike_child_refused(sa, false, "peer %s refused the CHILD_SA: %s", a,
					  ike_notify_name(err, nb, sizeof(nb)));
		return;
	}
	p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	p_tsi = ike_msg_find(m, IKE_PLD_TSI, 0);
	p_tsr = ike_msg_find(m, IKE_PLD_TSR, 0);
	prop = malloc(sizeof(*prop));
	tsi = malloc(sizeof(*tsi));
	tsr_p = malloc(sizeof(*tsr_p));
	if (prop == NULL || tsi == NULL || tsr_p == NULL)
		goto done;
	if (p_sa == NULL || p_tsi == NULL || p_tsr == NULL || ike_prop_parse(p_sa, prop) < 0 ||
	    ike_parse_ts(p_tsi, tsi) < 0 || ike_parse_ts(p_tsr, tsr_p) < 0) {
		ike_drop(e, &e->stats.drop_malformed, &sa->remote,
			 "IKE_AUTH response: SA, TSi or TSr missing or malformed");
		ike_child_refused(sa, true, "peer %s sent no usable SA or TS payloads", a);
		goto done;
	}
	if (prop->nwire != 1 || ike_prop_select(prop, &pc, 1, c->child_proto, 0, &sel) < 0) {
		ike_child_refused(sa, true, "peer %s chose a CHILD_SA proposal we did not offer",
				  a);
		goto done;
	}
	if (!ike_ts_within(tsi, tsl, nl) || !ike_ts_within(tsr_p, tsr, nr)) {
		char ts1[128];

		ike_ts_describe(tsi, ts1, sizeof(ts1));
		ike_child_refused(sa, true, "peer %s narrowed the selectors outside our offer (%s)",
				  a, ts1);
		goto done;
	}
	nnl = ike_ts_narrow(tsi, tsl, nl, nl_r, IKE_CONF_MAX_SUBNETS);
	nnr = ike_ts_narrow(tsr_p, tsr, nr, nr_r, IKE_CONF_MAX_SUBNETS);
	ch = sa->pending;
	sa->pending = NULL;
	ike_child_fill(sa, ch, &sel, nl_r, nnl, nr_r, nnr);
	ike_log_choice(sa, "CHILD_SA", &sel, ch->sa.ts_local, ch->sa.n_ts_local, ch->sa.ts_remote,
		       ch->sa.n_ts_remote);
	ch->sa.mode =
	    c->mode == IKE_MODE_TRANSPORT && ike_msg_has_notify(m, IKE_N_USE_TRANSPORT_MODE, NULL)
		? IKE_MODE_TRANSPORT
		: IKE_MODE_TUNNEL;
	ret = ike_child_keys(sa, ch, NULL, sa->ni, sa->ni_len, sa->nr, sa->nr_len, true);
	if (ret == 0)
		ret = ike_child_install(sa, ch);
	if (ret < 0) {
		ike_child_free(ch);
		ike_child_refused(sa, true, "cannot install the CHILD_SA: %s", strerror(-ret));
		goto done;
	}
	ike_log(e, IKE_LOG_INFO, "tunnel %s: up, CHILD_SA %08x/%08x", c->name, ch->sa.spi_in,
		ch->sa.spi_out);
	ike_tun_status(sa->tun, e, IKE_TUN_UP);
	ike_sa_settle_crossing(sa);
done:
	free(prop);
	free(tsi);
	free(tsr_p);
}

/* ---- responder ---- */

/* Negotiate the CHILD_SA of an IKE_AUTH request; returns the error notify or 0. */
static uint16_t ike_auth_child(struct ike_sa *sa, const struct ike_msg *m, struct ike_writer *w)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	struct ike_prop_conf pc = ike_child_conf_nopfs(c);
	const struct ike_pld *p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	const struct ike_pld *p_tsi = ike_msg_find(m, IKE_PLD_TSI, 0);
	const struct ike_pld *p_tsr = ike_msg_find(m, IKE_PLD_TSR, 0);
	struct ike_ts_range tsl[IKE_CONF_MAX_SUBNETS], tsr[IKE_CONF_MAX_SUBNETS];
	struct ike_ts_range nl_r[IKE_CONF_MAX_SUBNETS], nr_r[IKE_CONF_MAX_SUBNETS];
	char a[IKE_ADDR_STRLEN];
	struct ike_sa_pld *prop;
	struct ike_ts_pld *tsi, *tsr_p;
	struct ike_selected sel;
	struct ike_child *ch = NULL;
	uint16_t err = 0;
	size_t nl, nr, nnl, nnr;
	bool transport;
	uint8_t spi[4];
	int ret;

	ike_addr_str(&sa->remote, a, sizeof(a));
	prop = malloc(sizeof(*prop));
	tsi = malloc(sizeof(*tsi));
	tsr_p = malloc(sizeof(*tsr_p));
	if (prop == NULL || tsi == NULL || tsr_p == NULL) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto done;
	}
	if (p_sa == NULL || p_tsi == NULL || p_tsr == NULL) {
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"peer %s asked for no CHILD_SA (no SA or TS payloads)", a);
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto done;
	}
	if (ike_prop_parse(p_sa, prop) < 0 || ike_parse_ts(p_tsi, tsi) < 0 ||
	    ike_parse_ts(p_tsr, tsr_p) < 0) {
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"peer %s sent a malformed SA or TS payload in IKE_AUTH", a);
		err = IKE_N_INVALID_SYNTAX;
		goto done;
	}
	ike_prop_strip_dh(prop);
	if (ike_prop_select(prop, &pc, 1, c->child_proto, 0, &sel) < 0) {
		char offered[120], ours[160];

		ike_offer_describe(prop, offered, sizeof(offered));
		ike_prop_describe(&pc, 1, false, ours, sizeof(ours));
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"NO_PROPOSAL_CHOSEN: peer %s offered %s for the CHILD_SA, we accept %s", a,
			offered, ours);
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto done;
	}
	/* what the peer has behind it is our remote side, and the reverse */
	nl = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, tsl);
	nr = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, tsr);
	nnr = ike_ts_narrow(tsi, tsr, nr, nr_r, IKE_CONF_MAX_SUBNETS);
	nnl = ike_ts_narrow(tsr_p, tsl, nl, nl_r, IKE_CONF_MAX_SUBNETS);
	if (nnr == 0 || nnl == 0) {
		char wants[128], allow[128];

		if (nnr == 0) {
			ike_ts_describe(tsi, wants, sizeof(wants));
			ike_ts_range_describe(tsr, nr, allow, sizeof(allow));
		} else {
			ike_ts_describe(tsr_p, wants, sizeof(wants));
			ike_ts_range_describe(tsl, nl, allow, sizeof(allow));
		}
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"TS_UNACCEPTABLE: peer wants %s (we allow %s)", wants, allow);
		err = IKE_N_TS_UNACCEPTABLE;
		goto done;
	}
	/* the kernel's selectors are prefixes: a range that is not one cannot be had */
	if (!ike_ts_ranges_are_prefixes(nr_r, nnr) || !ike_ts_ranges_are_prefixes(nl_r, nnl)) {
		char l[128], r[128];

		ike_ts_range_describe(nr_r, nnr, r, sizeof(r));
		ike_ts_range_describe(nl_r, nnl, l, sizeof(l));
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"TS_UNACCEPTABLE: peer wants %s === %s, not a prefix each", r, l);
		err = IKE_N_TS_UNACCEPTABLE;
		goto done;
	}
	ch = ike_child_new(sa);
	if (ch == NULL) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto done;
	}
	ike_child_fill(sa, ch, &sel, nl_r, nnl, nr_r, nnr);
	ike_log_choice(sa, "CHILD_SA", &sel, ch->sa.ts_local, ch->sa.n_ts_local, ch->sa.ts_remote,
		       ch->sa.n_ts_remote);
	transport =
	    c->mode == IKE_MODE_TRANSPORT && ike_msg_has_notify(m, IKE_N_USE_TRANSPORT_MODE, NULL);
	ch->sa.mode = transport ? IKE_MODE_TRANSPORT : IKE_MODE_TUNNEL;
	ret = ike_child_spi_alloc(sa, c->child_proto, &ch->sa.spi_in);
	if (ret == 0)
		ret = ike_child_keys(sa, ch, NULL, sa->ni, sa->ni_len, sa->nr, sa->nr_len, false);
	if (ret == 0)
		ret = ike_child_install(sa, ch);
	if (ret < 0) {
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"cannot install the CHILD_SA: %s", strerror(-ret));
		ike_child_free(ch);
		ch = NULL;
		err = IKE_N_TEMPORARY_FAILURE;
		goto done;
	}
	if (transport)
		ike_add_notify(w, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_spi_be(ch->sa.spi_in, spi);
	memcpy(sel.spi, spi, 4);
	ike_prop_from_selected(&sel, prop);
	ike_build_sa(w, prop);
	ike_ts_to_wire(nr_r, nnr, tsi);
	ike_build_ts(w, IKE_PLD_TSI, tsi);
	ike_ts_to_wire(nl_r, nnl, tsr_p);
	ike_build_ts(w, IKE_PLD_TSR, tsr_p);
	ike_log(e, IKE_LOG_INFO, "tunnel %s: up, CHILD_SA %08x/%08x", c->name, ch->sa.spi_in,
		ch->sa.spi_out);
done:
	free(prop);
	free(tsi);
	free(tsr_p);
	return err;
}

/* The request, answered into the writer w (its buffer wiped by the caller). */
static void ike_auth_answer(struct ike_sa *sa, const struct ike_msg *m, struct ike_writer *wp)
{
	struct ike_engine *e = sa->eng;
	const struct ike_pld *p_id = ike_msg_find(m, IKE_PLD_IDI, 0);
	const struct ike_pld *p_auth = ike_msg_find(m, IKE_PLD_AUTH, 0);
	char ids[IKE_MAX_ID + 8], want[IKE_MAX_ID + 8];
	uint8_t idbuf[IKE_MAX_ID + 16], ebuf[IKE_MAX_ID + 16];
	struct ike_id peer, expect, mine;
	struct ike_writer w = *wp;
	struct ike_auth auth;
	uint16_t err;

	if (p_auth == NULL || ike_parse_id(p_id, &peer) < 0 || ike_parse_auth(p_auth, &auth) < 0) {
		ike_drop(e, &e->stats.drop_malformed, &sa->remote,
			 "IKE_AUTH request: AUTH missing, or malformed IDi or AUTH; "
			 "AUTHENTICATION_FAILED sent");
		ike_add_notify(&w, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_send_response(sa, IKE_AUTH, m->hdr.msgid, &w);
		/*
		 * Kept half open (it times out) only so that a retransmitted
		 * request gets this answer again, not silence.
		 */
		return;
	}
	ike_id_remote(sa, &expect, ebuf);
	ike_certreq_note(sa, m);
	if (sa->tun->conf.cert.trust || auth.method != IKE_AUTH_SHARED_KEY_MIC) {
		char why[IKE_REASON_LEN];

		if (ike_auth_peer_sig(sa, m, &peer, &expect, &auth, why, sizeof(why)) < 0) {
			e->stats.auth_failed++;
			if (sa->tun->sa == NULL || sa->tun->sa->state != IKE_SA_ESTABLISHED)
				ike_tun_fail(sa->tun, e, "AUTHENTICATION_FAILED: %s", why);
			ike_add_notify(&w, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
			ike_send_response(sa, IKE_AUTH, m->hdr.msgid, &w);
			/* half open until it times out, as below */
			return;
		}
	} else if (!ike_id_remote_ok(sa, &peer, &expect) || !ike_auth_verify(sa, &peer, &auth)) {
		bool id_ok = ike_id_remote_ok(sa, &peer, &expect);

		e->stats.auth_failed++;
		if (sa->tun->sa == NULL || sa->tun->sa->state != IKE_SA_ESTABLISHED) {
			if (id_ok)
				ike_tun_fail(sa->tun, e,
					     "AUTHENTICATION_FAILED: pre-shared key mismatch for "
					     "identity %s",
					     ike_id_str(&peer, ids, sizeof(ids)));
			else
				ike_tun_fail(sa->tun, e,
					     "AUTHENTICATION_FAILED: identity %s unknown (expected "
					     "%s)",
					     ike_id_str(&peer, ids, sizeof(ids)),
					     ike_id_str(&expect, want, sizeof(want)));
		}
		ike_add_notify(&w, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_send_response(sa, IKE_AUTH, m->hdr.msgid, &w);
		/*
		 * Kept half open (it times out) only so that a retransmitted
		 * request gets this answer again, not silence.
		 */
		return;
	}
	if (sa->tun->sa && sa->tun->sa != sa &&
	    ike_msg_has_notify(m, IKE_N_INITIAL_CONTACT, NULL)) {
		/*
		 * The peer has no other SA with us: what we still hold is stale,
		 * but for one established since its IKE_SA_INIT came, which the
		 * peer made too (both ends initiated; settled below).
		 */
		for (struct ike_sa *o = e->sas; o; o = o->next) {
			if (o != sa && o->tun == sa->tun &&
			    (o->state == IKE_SA_ESTABLISHED || o->state == IKE_SA_DELETING) &&
			    o->order < sa->order)
				ike_sa_destroy(o);
		}
	}
	ike_established(sa);
	ike_id_local(sa, &mine, idbuf);
	ike_build_id(&w, IKE_PLD_IDR, &mine);
	ike_cert_payloads_add(&w, sa);
	sa->tun->last_error[0] = '\0';
	if (ike_auth_add(&w, sa, &mine) < 0) {
		char why[IKE_REASON_LEN];

		memcpy(why, sa->tun->last_error, sizeof(why));
		ike_tun_fail(sa->tun, e, "%s", why[0] ? why : "cannot make our AUTH payload");
		ike_sa_destroy(sa);
		return;
	}
	ike_init_msgs_free(sa);
	err = ike_auth_child(sa, m, &w);
	if (err) {
		ike_add_notify(&w, err, NULL, 0);
		ike_count_refusal(e, err);
	}
	ike_send_response(sa, IKE_AUTH, m->hdr.msgid, &w);
	if (err && !ike_child_only_error(err)) {
		char nb[40], why[IKE_REASON_LEN];

		/* a fatal notify ends the IKE SA here as it does at the peer */
		memcpy(why, sa->tun->last_error, sizeof(why));
		ike_tun_fail(sa->tun, e, "%s (%s sent, IKE SA deleted)", why,
			     ike_notify_name(err, nb, sizeof(nb)));
		ike_sa_destroy(sa);
	} else if (err) {
		ike_log(e, IKE_LOG_ERROR, "tunnel %s: %s", sa->tun->conf.name, sa->tun->last_error);
		ike_tun_status(sa->tun, e, IKE_TUN_IKE_NO_CHILD);
	} else {
		ike_tun_status(sa->tun, e, IKE_TUN_UP);
		ike_sa_settle_crossing(sa);
	}
}

void ike_auth_request(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t *ibuf = malloc(IKE_AUTH_INNER_MAX);
	struct ike_writer w;

	if (ibuf == NULL)
		return;
	ike_writer_init(&w, ibuf, IKE_AUTH_INNER_MAX);
	ike_auth_answer(sa, m, &w);
	OPENSSL_cleanse(ibuf, IKE_AUTH_INNER_MAX);
	free(ibuf);
}
