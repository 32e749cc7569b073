/* SPDX-License-Identifier: ISC */
/*
 * CREATE_CHILD_SA (RFC 7296 §1.3, §2.8, §2.17, §2.18), both roles: a
 * CHILD_SA rekey (REKEY_SA, with a new DH exchange when PFS is configured),
 * and the IKE SA rekey, which moves the CHILD_SAs to the new IKE SA. The
 * side that started a rekey deletes the old SA once the new one is in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_sa.h"

#define IKE_RETRY_MS 2000
#define IKE_MAX_CHILDREN                                                                           \
	64 /* CHILD_SAs one IKE SA may hold */ /* a rekey refused with TEMPORARY_FAILURE is tried  \
						  again */

static void ike_put32(uint32_t v, uint8_t *o)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
}

static uint32_t ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Nonces compare as octet strings; a prefix is the lower. */
static int ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* A retry delay with jitter, so that two peers that collided do not collide again. */
static uint64_t ike_retry_at(struct ike_engine *e)
{
	uint16_t j = 0;

	crypto_random_bytes((uint8_t *)&j, sizeof(j));
	return ike_now(e) + IKE_RETRY_MS + j % IKE_RETRY_MS;
}

/* The group an INVALID_KE_PAYLOAD asks for, if it is one of ours; else 0. */
static uint16_t ike_invalid_ke_group(const struct ike_msg *m, const uint16_t *ours, size_t n)
{
	struct ike_notify nt;
	uint16_t g;

	if (!ike_msg_has_notify(m, IKE_N_INVALID_KE_PAYLOAD, &nt) || nt.len != 2)
		return 0;
	g = (uint16_t)(nt.data[0] << 8 | nt.data[1]);
	for (size_t i = 0; i < n; i++) {
		if (ours[i] == g)
			return g;
	}
	return 0;
}

static size_t ike_child_count(const struct ike_sa *sa)
{
	size_t n = 0;

	for (const struct ike_child *c = sa->children; c; c = c->next)
		n++;
	return n;
}

static void ike_pending_clear(struct ike_sa *sa)
{
	if (sa->pending)
		ike_child_free(sa->pending);
	sa->pending = NULL;
	dh_key_free(sa->pfs_dh);
	sa->pfs_dh = NULL;
	sa->rekeying = NULL;
}

/* ---- CHILD_SA rekey, initiator ---- */

/* A CHILD_SA rekey (old) or a new one (old NULL): CREATE_CHILD_SA, initiator. */
static int ike_child_start(struct ike_sa *sa, struct ike_child *old)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	uint16_t group = sa->pfs_group ? sa->pfs_group : c->child.n_dh ? c->child.dh[0] : 0;
	uint8_t ibuf[IKE_INNER_MAX], spi[4], oldspi[4], pub[1024];
	struct ike_sa_pld *prop = NULL;
	struct ike_ts_pld *ts = NULL;
	struct ike_ts_range tl[IKE_CONF_MAX_SUBNETS], tr[IKE_CONF_MAX_SUBNETS];
	const struct ike_ts_range *ptl = tl, *ptr = tr;
	struct ike_writer w;
	size_t publen = 0, nl, nr;
	bool transport;
	int ret;

	if (sa->req.active || sa->state != IKE_SA_ESTABLISHED) {
		if (old)
			old->rekey_at = ike_retry_at(e);
		return -EBUSY;
	}
	if (old) {
		ptl = old->sa.ts_local;
		nl = old->sa.n_ts_local;
		ptr = old->sa.ts_remote;
		nr = old->sa.n_ts_remote;
		transport = old->sa.mode == IKE_MODE_TRANSPORT;
	} else {
		nl = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, tl);
		nr = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, tr);
		transport = c->mode == IKE_MODE_TRANSPORT;
	}
	ike_pending_clear(sa);
	prop = malloc(sizeof(*prop));
	ts = malloc(sizeof(*ts));
	sa->pending = ike_child_new(sa);
	if (prop == NULL || ts == NULL || sa->pending == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = ike_child_spi_alloc(sa, c->child_proto, &sa->pending->sa.spi_in);
	if (ret == 0)
		ret = crypto_random_nonce(sa->cn, IKE_NONCE_LEN);
	if (ret == 0 && group)
		ret = dh_keygen(group, &sa->pfs_dh);
	if (ret == 0 && group)
		ret = dh_public_encode(sa->pfs_dh, pub, sizeof(pub), &publen);
	if (ret < 0)
		goto fail;
	sa->cn_len = IKE_NONCE_LEN;
	ike_put32(sa->pending->sa.spi_in, spi);

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	if (old) {
		ike_put32(old->sa.spi_in, oldspi);
		ike_build_notify(&w, &(struct ike_notify){.protocol = old->sa.protocol,
							  .spi_size = 4,
							  .type = IKE_N_REKEY_SA,
							  .spi = oldspi});
	}
	if (transport)
		ike_add_notify(&w, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_prop_build(&c->child, 1, c->child_proto, spi, 4, group != 0, group, prop);
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){sa->cn, sa->cn_len});
	if (group)
		ike_build_ke(&w, &(struct ike_ke){group, pub, publen});
	ike_ts_to_wire(ptl, nl, ts);
	ike_build_ts(&w, IKE_PLD_TSI, ts);
	ike_ts_to_wire(ptr, nr, ts);
	ike_build_ts(&w, IKE_PLD_TSR, ts);
	/* early Deletes are remembered for this exchange only */
	sa->n_early_del = 0;
	ret = ike_send_request(sa, IKE_CREATE_CHILD_SA,
			       old ? IKE_REQ_CHILD_REKEY : IKE_REQ_CHILD_CREATE, &w);
	if (ret < 0)
		goto fail;
	sa->rekeying = old;
	goto done;
fail:
	ike_pending_clear(sa);
	if (old)
		old->rekey_at = ike_retry_at(e);
	else
		sa->child_retry_at = ike_retry_at(e);
done:
	free(prop);
	free(ts);
	return ret;
}

int ike_child_rekey_start(struct ike_sa *sa, struct ike_child *old)
{
	return ike_child_start(sa, old);
}

int ike_child_create_start(struct ike_sa *sa)
{
	return ike_child_start(sa, NULL);
}

void ike_child_retry_later(struct ike_sa *sa)
{
	uint64_t delay = IKE_RETRY_MS;

	for (unsigned i = 0; i < sa->child_failures && delay < IKE_RESTART_MAX_MS; i++)
		delay *= 2;
	sa->child_failures++;
	sa->child_retry_at = ike_now(sa->eng) + delay;
}

bool ike_child_wanted(const struct ike_sa *sa, uint64_t now)
{
	return sa->state == IKE_SA_ESTABLISHED && sa->children == NULL && sa->tun &&
	       sa->tun->sa == sa && sa->tun->conf.start == IKE_START_AUTO && !sa->req.active &&
	       sa->rekey_new == NULL && now >= sa->child_retry_at;
}

/* The new CHILD_SA from the responder's answer; 0 or -errno with the reason in why. */
static int ike_child_rekey_finish(struct ike_sa *sa, const struct ike_msg *m, char *why,
				  size_t whylen)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	const struct ike_pld *p_nr = ike_msg_find(m, IKE_PLD_NONCE, 0);
	const struct ike_pld *p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	const struct ike_pld *p_tsi = ike_msg_find(m, IKE_PLD_TSI, 0);
	const struct ike_pld *p_tsr = ike_msg_find(m, IKE_PLD_TSR, 0);
	struct ike_ts_range tl[IKE_CONF_MAX_SUBNETS], tr[IKE_CONF_MAX_SUBNETS];
	struct ike_ts_range ol[IKE_CONF_MAX_SUBNETS], orr[IKE_CONF_MAX_SUBNETS];
	const struct ike_ts_range *pol = ol, *por = orr;
	struct ike_child *old = sa->rekeying, *ch;
	size_t nol, nor;
	struct ike_sa_pld *prop;
	struct ike_ts_pld *tsi, *tsr;
	struct ike_selected sel;
	struct ike_nonce nr;
	struct ike_ke ke;
	uint8_t gir[512];
	struct cbuf g = {gir, 0};
	size_t nl, nrr;
	int ret = -EBADMSG;

	/* what we offered: the old pair's selectors, or the configured ones */
	if (old) {
		pol = old->sa.ts_local;
		nol = old->sa.n_ts_local;
		por = old->sa.ts_remote;
		nor = old->sa.n_ts_remote;
	} else {
		nol = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, ol);
		nor = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, orr);
	}
	prop = malloc(sizeof(*prop));
	tsi = malloc(sizeof(*tsi));
	tsr = malloc(sizeof(*tsr));
	if (prop == NULL || tsi == NULL || tsr == NULL) {
		ret = -ENOMEM;
		goto done;
	}
	if (p_sa == NULL || p_nr == NULL || p_tsi == NULL || p_tsr == NULL ||
	    ike_prop_parse(p_sa, prop) < 0 || ike_parse_nonce(p_nr, &nr) < 0 || nr.len < 16 ||
	    nr.len > IKE_NONCE_MAX || ike_parse_ts(p_tsi, tsi) < 0 ||
	    ike_parse_ts(p_tsr, tsr) < 0) {
		ike_fmt(why, whylen, "malformed CREATE_CHILD_SA response");
		goto done;
	}
	if (prop->nproposals != 1 ||
	    ike_prop_select(prop, &c->child, 1, c->child_proto, 0, &sel) < 0 ||
	    (sel.dh && sel.dh->id != dh_key_group(sa->pfs_dh))) {
		ike_fmt(why, whylen, "peer chose a CHILD_SA proposal we did not offer");
		goto done;
	}
	if (!ike_ts_within(tsi, pol, nol) || !ike_ts_within(tsr, por, nor)) {
		ike_fmt(why, whylen, "peer narrowed the selectors outside our offer");
		goto done;
	}
	if (sel.dh) {
		if (p_ke == NULL || ike_parse_ke(p_ke, &ke) < 0 || ke.group != sel.dh->id ||
		    dh_shared_derive(sa->pfs_dh, ke.data, ke.len, gir, sel.dh->outlen) < 0) {
			ike_fmt(why, whylen, "peer sent no usable KE for PFS");
			goto done;
		}
		g.len = sel.dh->outlen;
	}
	nl = ike_ts_narrow(tsi, pol, nol, tl, IKE_CONF_MAX_SUBNETS);
	nrr = ike_ts_narrow(tsr, por, nor, tr, IKE_CONF_MAX_SUBNETS);
	ch = sa->pending;
	ike_child_fill(sa, ch, &sel, tl, nl, tr, nrr);
	for (unsigned i = 0; i < sa->n_early_del && i < 4; i++) {
		if (sa->early_del[i] == ch->sa.spi_out) {
			/* the peer deleted this pair before it was made here */
			ike_fmt(why, whylen, "the peer deleted the new CHILD_SA already");
			ret = -ECANCELED;
			goto done;
		}
	}
	ch->sa.initiator = true;
	if (old)
		ch->sa.mode = old->sa.mode;
	else
		ch->sa.mode = c->mode == IKE_MODE_TRANSPORT &&
				      ike_msg_has_notify(m, IKE_N_USE_TRANSPORT_MODE, NULL)
				  ? IKE_MODE_TRANSPORT
				  : IKE_MODE_TUNNEL;
	ret = ike_child_keys(sa, ch, sel.dh ? &g : NULL, sa->cn, sa->cn_len, nr.data, nr.len, true);
	if (ret == 0)
		ret = ike_child_install(sa, ch);
	if (ret < 0) {
		ike_fmt(why, whylen, "cannot install the new CHILD_SA: %s", strerror(-ret));
		goto done;
	}
	sa->pending = NULL; /* owned by the children list now */
	memcpy(sa->rekey_nr, nr.data, nr.len);
	sa->rekey_nr_len = nr.len;
done:
	OPENSSL_cleanse(gir, sizeof(gir));
	free(prop);
	free(tsi);
	free(tsr);
	return ret;
}

/* ---- IKE SA rekey, initiator ---- */

int ike_ike_rekey_start(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	uint16_t group = sa->rekey_group ? sa->rekey_group : sa->ike.dh->id;
	uint8_t ibuf[IKE_INNER_MAX], pub[1024];
	struct ike_sa_pld *prop = NULL;
	struct ike_sa *ns;
	struct ike_writer w;
	size_t publen;
	int ret;

	if (sa->req.active || sa->state != IKE_SA_ESTABLISHED || sa->rekey_new) {
		sa->ike_rekey_at = ike_retry_at(e);
		return -EBUSY;
	}
	ns = ike_sa_new(e, sa->tun, true);
	prop = malloc(sizeof(*prop));
	if (ns == NULL || prop == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ns->state = IKE_SA_LARVAL;
	ns->local = sa->local;
	ns->remote = sa->remote;
	ns->ni_len = IKE_NONCE_LEN;
	ret = crypto_random_ike_spi(ns->spi_i);
	if (ret == 0) {
		ike_sa_hash_add(ns);
		ret = crypto_random_nonce(ns->ni, ns->ni_len);
	}
	if (ret == 0)
		ret = dh_keygen(group, &ns->dh);
	if (ret == 0)
		ret = dh_public_encode(ns->dh, pub, sizeof(pub), &publen);
	if (ret == 0)
		ret = ike_prop_build(c->ike, c->n_ike, IKE_PROTO_IKE, ns->spi_i, 8, true, group,
				     prop);
	if (ret < 0)
		goto fail;
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){ns->ni, ns->ni_len});
	ike_build_ke(&w, &(struct ike_ke){group, pub, publen});
	ret = ike_send_request(sa, IKE_CREATE_CHILD_SA, IKE_REQ_IKE_REKEY, &w);
	if (ret < 0)
		goto fail;
	sa->rekey_new = ns;
	ns->rekey_of = sa;
	free(prop);
	return 0;
fail:
	if (ns)
		ike_sa_destroy(ns);
	sa->ike_rekey_at = ike_retry_at(e);
	free(prop);
	return ret;
}

/* Move the CHILD_SAs to the new IKE SA and make it the tunnel's. */
void ike_rekey_switch(struct ike_sa *old, struct ike_sa *ns)
{
	struct ike_engine *e = old->eng;

	ike_sa_touch(old);
	ike_sa_touch(ns);

	/* ns may already carry a CHILD_SA made over it (§2.8.2 case): append */
	struct ike_child **tail = &ns->children;

	while (*tail)
		tail = &(*tail)->next;
	*tail = old->children;
	old->children = NULL;
	ns->state = IKE_SA_ESTABLISHED;
	ns->created_ms = ike_now(e);
	ns->last_rx_ms = ike_now(e);
	ns->nat_local = old->nat_local;
	ns->nat_remote = old->nat_remote;
	ns->frag_ok = old->frag_ok; /* negotiated for the IKE SA and its successors (RFC 7383) */
	ike_sa_lifetimes(ns);
	old->tun->sa = ns;
	e->stats.ike_rekeyed++;
	ike_tun_status(old->tun, e, IKE_TUN_REKEYED);
}

static int ike_ike_rekey_finish(struct ike_sa *sa, const struct ike_msg *m, char *why,
				size_t whylen)
{
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	const struct ike_pld *p_nr = ike_msg_find(m, IKE_PLD_NONCE, 0);
	const struct ike_pld *p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	struct ike_sa *ns = sa->rekey_new;
	struct ike_sa_pld *prop;
	struct ike_selected sel;
	struct ike_nonce nr;
	struct ike_ke ke;
	uint8_t gir[512];
	int ret = -EBADMSG;

	prop = malloc(sizeof(*prop));
	if (prop == NULL)
		return -ENOMEM;
	if (p_sa == NULL || p_nr == NULL || p_ke == NULL || ike_prop_parse(p_sa, prop) < 0 ||
	    ike_parse_nonce(p_nr, &nr) < 0 || nr.len < 16 || nr.len > IKE_NONCE_MAX ||
	    ike_parse_ke(p_ke, &ke) < 0) {
		ike_fmt(why, whylen, "malformed IKE rekey response");
		goto done;
	}
	if (prop->nproposals != 1 || prop->prop[0].spi_size != 8 ||
	    ike_prop_select(prop, c->ike, c->n_ike, IKE_PROTO_IKE, dh_key_group(ns->dh), &sel) <
		0 ||
	    sel.dh->id != dh_key_group(ns->dh) || ke.group != sel.dh->id) {
		ike_fmt(why, whylen, "peer chose an IKE proposal we did not offer");
		goto done;
	}
	ns->ike = sel;
	memcpy(ns->spi_r, sel.spi, 8);
	memcpy(ns->nr, nr.data, nr.len);
	ns->nr_len = nr.len;
	ret = dh_shared_derive(ns->dh, ke.data, ke.len, gir, sel.dh->outlen);
	if (ret == 0)
		ret = ike_sa_derive_keys(ns, gir, sel.dh->outlen, &sa->keys, sa->ike.prf);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (ret < 0) {
		ike_fmt(why, whylen, "IKE rekey key derivation failed: %s", strerror(-ret));
		goto done;
	}
	dh_key_free(ns->dh);
	ns->dh = NULL;
	sa->rekey_new = NULL;
	ns->rekey_of = NULL;
done:
	free(prop);
	return ret;
}

/* The lowest of an SA's two nonces. */
static void ike_sa_low_nonce(const struct ike_sa *s, const uint8_t **p, size_t *len)
{
	bool ni = ike_nonce_cmp(s->ni, s->ni_len, s->nr, s->nr_len) < 0;

	*p = ni ? s->ni : s->nr;
	*len = ni ? s->ni_len : s->nr_len;
}

/*
 * Our IKE rekey made ns. If the peer's crossed it (§2.8.2), the new SA with
 * the lowest of the four nonces is redundant and deleted by the side that
 * made it; the other one carries on, and its maker deletes the old SA.
 */
static void ike_ike_rekey_settle(struct ike_sa *sa, struct ike_sa *ns)
{
	struct ike_engine *e = sa->eng;
	struct ike_sa *theirs = sa->coll_ike;
	const uint8_t *lo_ours, *lo_theirs;
	size_t l_ours, l_theirs;

	if (theirs == NULL) {
		ike_rekey_switch(sa, ns);
		ike_info_delete_ike(sa);
		return;
	}
	ike_sa_low_nonce(ns, &lo_ours, &l_ours);
	ike_sa_low_nonce(theirs, &lo_theirs, &l_theirs);
	sa->coll_ike = NULL;
	theirs->coll_of = NULL;
	if (ike_nonce_cmp(lo_ours, l_ours, lo_theirs, l_theirs) < 0) {
		ike_log(e, IKE_LOG_INFO, "simultaneous IKE SA rekey: ours is redundant");
		ns->state = IKE_SA_ESTABLISHED;
		ns->last_rx_ms = ike_now(e);
		ike_rekey_switch(sa, theirs);
		ike_info_delete_ike(ns);
		return;
	}
	ike_log(e, IKE_LOG_INFO, "simultaneous IKE SA rekey: ours carries on");
	ike_rekey_switch(sa, ns);
	ike_info_delete_ike(sa);
}

void ike_child_response(struct ike_sa *sa, const struct ike_msg *m)
{

	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	enum ike_req_kind kind = sa->req.kind;
	char why[IKE_REASON_LEN], a[IKE_ADDR_STRLEN], nb[40];
	uint16_t err;
	int ret;

	ike_req_done(sa);
	ike_addr_str(&sa->remote, a, sizeof(a));
	err = ike_msg_error_notify(m, NULL);
	if (kind == IKE_REQ_CHILD_REKEY) {
		struct ike_child *old = sa->rekeying;

		if (old == NULL) {
			/*
			 * The pair we were rekeying was deleted meanwhile (by the
			 * peer after a collision it won, or on purpose): the peer
			 * installed the pair this answer creates, so tell it to drop
			 * it again rather than resurrect what was deleted.
			 */
			struct ike_child *nc = sa->pending;

			sa->pending = NULL;
			ike_pending_clear(sa);
			if (!err && nc) {
				nc->sa.protocol = sa->tun->conf.child_proto;
				ike_info_delete_child(sa, nc);
			}
			if (nc)
				ike_child_free(nc);
			return;
		}
		if (err) {
			uint16_t g = ike_invalid_ke_group(m, c->child.dh, c->child.n_dh);

			ike_log(e, IKE_LOG_INFO, "peer %s refused the CHILD_SA rekey: %s", a,
				ike_notify_name(err, nb, sizeof(nb)));
			ike_pending_clear(sa);
			if (err == IKE_N_CHILD_SA_NOT_FOUND) {
				/* the peer has no such pair: ours is half of nothing (§2.25) */
				ike_child_remove(sa, old);
				ike_child_gone(sa, "CHILD_SA unknown to the peer");
				return;
			}
			/* the peer wants another PFS group we have: again at once, once */
			if (g && sa->pfs_group == 0) {
				sa->pfs_group = g;
				ike_child_rekey_start(sa, old);
				return;
			}
			old->rekey_at = ike_retry_at(e);
			return;
		}
		ret = ike_child_rekey_finish(sa, m, why, sizeof(why));
		if (ret < 0) {
			ike_log(e, IKE_LOG_ERROR, "tunnel %s: CHILD_SA rekey with %s failed: %s",
				sa->tun->conf.name, a, why);
			ike_pending_clear(sa);
			old->rekey_at = ike_retry_at(e);
			return;
		}
		e->stats.child_rekeyed++;
		sa->rekeying = NULL;
		dh_key_free(sa->pfs_dh);
		sa->pfs_dh = NULL;
		ike_tun_status(sa->tun, e, IKE_TUN_REKEYED);
		old->rekey_at = 0;
		if (sa->coll.active && sa->coll.old == old) {
			/*
			 * Both sides rekeyed (§2.8.1): the pair made with the lowest
			 * of the four nonces goes, deleted by the side that made it;
			 * the maker of the survivor deletes the old pair.
			 */
			const uint8_t *low = sa->cn;
			size_t low_len = sa->cn_len;

			sa->coll.active = false;
			if (ike_nonce_cmp(sa->rekey_nr, sa->rekey_nr_len, low, low_len) < 0) {
				low = sa->rekey_nr;
				low_len = sa->rekey_nr_len;
			}
			if (ike_nonce_cmp(low, low_len, sa->coll.low, sa->coll.low_len) < 0) {
				ike_log(e, IKE_LOG_INFO, "simultaneous CHILD_SA rekey: ours loses");
				ike_info_delete_child(sa, sa->children);
				return;
			}
			ike_log(e, IKE_LOG_INFO, "simultaneous CHILD_SA rekey: ours wins");
		}
		ike_info_delete_child(sa, old);
		return;
	}
	if (kind == IKE_REQ_CHILD_CREATE) {
		ret = err ? -EPERM : ike_child_rekey_finish(sa, m, why, sizeof(why));
		dh_key_free(sa->pfs_dh);
		sa->pfs_dh = NULL;
		if (ret < 0) {
			ike_pending_clear(sa);
			ike_child_retry_later(sa);
			ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
				"peer %s refused a new CHILD_SA: %s", a,
				err ? ike_notify_name(err, nb, sizeof(nb)) : why);
			ike_tun_status(sa->tun, e, IKE_TUN_IKE_NO_CHILD);
			return;
		}
		sa->child_failures = 0;
		ike_tun_status(sa->tun, e, IKE_TUN_UP);
		return;
	}
	if (kind == IKE_REQ_IKE_REKEY) {
		struct ike_sa *ns = sa->rekey_new;

		if (ns == NULL)
			return;
		ret = err ? -EPERM : ike_ike_rekey_finish(sa, m, why, sizeof(why));
		if (err == IKE_N_INVALID_KE_PAYLOAD) {
			uint16_t g = 0;

			for (size_t i = 0; i < c->n_ike && !g; i++)
				g = ike_invalid_ke_group(m, c->ike[i].dh, c->ike[i].n_dh);
			if (g && sa->rekey_group == 0) {
				sa->rekey_group = g;
				ike_sa_destroy(ns);
				sa->rekey_new = NULL;
				ike_ike_rekey_start(sa);
				return;
			}
		}
		if (ret < 0) {
			ike_log(e, IKE_LOG_INFO, "tunnel %s: IKE rekey with %s failed: %s",
				sa->tun->conf.name, a,
				err ? ike_notify_name(err, nb, sizeof(nb)) : why);
			ike_sa_destroy(ns);
			sa->rekey_new = NULL;
			if (sa->coll_ike) {
				/* the peer's rekey, which we answered, is the one */
				struct ike_sa *theirs = sa->coll_ike;

				sa->coll_ike = NULL;
				theirs->coll_of = NULL;
				ike_rekey_switch(sa, theirs);
				return;
			}
			sa->ike_rekey_at = ike_retry_at(e);
			return;
		}
		ike_ike_rekey_settle(sa, ns);
		return;
	}
	ike_drop(e, &e->stats.drop_unexpected, &sa->remote,
		 "CREATE_CHILD_SA response to no CREATE_CHILD_SA request of ours");
}

/* ---- responder ---- */

static void ike_child_answer_err(struct ike_sa *sa, const struct ike_msg *m, uint16_t type,
				 const void *data, size_t len)
{
	uint8_t ibuf[64];
	struct ike_writer w;
	char a[IKE_ADDR_STRLEN], nb[40];

	ike_log(sa->eng, IKE_LOG_INFO, "CREATE_CHILD_SA request %u from %s refused: %s",
		m->hdr.msgid, ike_addr_str(&sa->remote, a, sizeof(a)),
		ike_notify_name(type, nb, sizeof(nb)));
	ike_count_refusal(sa->eng, type);
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_add_notify(&w, type, data, len);
	ike_send_response(sa, IKE_CREATE_CHILD_SA, m->hdr.msgid, &w);
}

static void ike_ike_rekey_request(struct ike_sa *sa, const struct ike_msg *m,
				  const struct ike_sa_pld *prop)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_ni = ike_msg_find(m, IKE_PLD_NONCE, 0);
	const struct ike_pld *p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	uint8_t ibuf[IKE_INNER_MAX], pub[1024], gir[512];
	struct ike_sa_pld *answer = NULL;
	struct ike_selected sel;
	struct ike_sa *ns = NULL;
	struct ike_writer w;
	struct ike_nonce ni;
	struct ike_ke ke;
	size_t publen;
	int ret;

	if (p_ke == NULL || ike_parse_ke(p_ke, &ke) < 0 || ike_parse_nonce(p_ni, &ni) < 0 ||
	    ni.len < 16 || ni.len > IKE_NONCE_MAX) {
		ike_child_answer_err(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (ike_prop_select(prop, c->ike, c->n_ike, IKE_PROTO_IKE, ke.group, &sel) < 0 ||
	    sel.spi_size != 8) {
		ike_child_answer_err(sa, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (sel.dh->id != ke.group) {
		uint8_t g[2] = {(uint8_t)(sel.dh->id >> 8), (uint8_t)sel.dh->id};

		ike_child_answer_err(sa, m, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	/*
	 * One crossing our CHILD_SA exchange waits (its answer would land on
	 * the IKE SA being replaced); one crossing our own IKE rekey is
	 * answered and settled when ours completes (§2.8.2); a third waits.
	 */
	if (sa->coll_ike || sa->req.kind == IKE_REQ_CHILD_REKEY ||
	    sa->req.kind == IKE_REQ_CHILD_CREATE || sa->req.kind == IKE_REQ_DELETE_CHILD) {
		ike_child_answer_err(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ns = ike_sa_new(e, sa->tun, false);
	answer = malloc(sizeof(*answer));
	if (ns == NULL || answer == NULL)
		goto fail;
	ns->local = sa->local;
	ns->remote = sa->remote;
	ns->ike = sel;
	memcpy(ns->spi_i, sel.spi, 8);
	ike_sa_hash_add(ns);
	memcpy(ns->ni, ni.data, ni.len);
	ns->ni_len = ni.len;
	ns->nr_len = IKE_NONCE_LEN;
	ret = crypto_random_ike_spi(ns->spi_r);
	if (ret == 0)
		ret = crypto_random_nonce(ns->nr, ns->nr_len);
	if (ret == 0)
		ret = dh_keygen(sel.dh->id, &ns->dh);
	if (ret == 0)
		ret = dh_public_encode(ns->dh, pub, sizeof(pub), &publen);
	if (ret == 0)
		ret = dh_shared_derive(ns->dh, ke.data, ke.len, gir, sel.dh->outlen);
	if (ret == 0)
		ret = ike_sa_derive_keys(ns, gir, sel.dh->outlen, &sa->keys, sa->ike.prf);
	OPENSSL_cleanse(gir, sizeof(gir));
	if (ret < 0)
		goto fail;
	dh_key_free(ns->dh);
	ns->dh = NULL;
	memcpy(sel.spi, ns->spi_r, 8);
	ike_prop_from_selected(&sel, answer);
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_sa(&w, answer);
	ike_build_nonce(&w, &(struct ike_nonce){ns->nr, ns->nr_len});
	ike_build_ke(&w, &(struct ike_ke){sel.dh->id, pub, publen});
	if (ike_send_response(sa, IKE_CREATE_CHILD_SA, m->hdr.msgid, &w) < 0)
		goto fail;
	if (sa->rekey_new) {
		/* §2.8.2: ours is under way too; usable now, settled when ours completes */
		ns->state = IKE_SA_ESTABLISHED;
		ns->created_ms = ns->last_rx_ms = ike_now(e);
		ike_sa_lifetimes(ns);
		sa->coll_ike = ns;
		ns->coll_of = sa;
	} else {
		ike_rekey_switch(sa, ns);
	}
	free(answer);
	return;
fail:
	if (ns)
		ike_sa_destroy(ns);
	free(answer);
	ike_child_answer_err(sa, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
}

void ike_child_request(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = &sa->tun->conf;
	const struct ike_pld *p_sa = ike_msg_find(m, IKE_PLD_SA, 0);
	const struct ike_pld *p_ni = ike_msg_find(m, IKE_PLD_NONCE, 0);
	const struct ike_pld *p_ke = ike_msg_find(m, IKE_PLD_KE, 0);
	const struct ike_pld *p_tsi = ike_msg_find(m, IKE_PLD_TSI, 0);
	const struct ike_pld *p_tsr = ike_msg_find(m, IKE_PLD_TSR, 0);
	struct ike_ts_range tsl[IKE_CONF_MAX_SUBNETS], tsr[IKE_CONF_MAX_SUBNETS];
	struct ike_ts_range nl_r[IKE_CONF_MAX_SUBNETS], nr_r[IKE_CONF_MAX_SUBNETS];
	uint8_t ibuf[IKE_INNER_MAX], pub[1024], gir[512], nr[IKE_NONCE_LEN], spi[4];
	struct ike_sa_pld *prop = NULL;
	struct ike_ts_pld *tsi = NULL, *tsr_p = NULL;
	struct ike_child *old = NULL, *ch = NULL;
	struct dh_key *dh = NULL;
	struct ike_selected sel;
	struct ike_notify n;
	struct ike_writer w;
	struct ike_nonce ni;
	struct ike_ke ke;
	struct cbuf g = {gir, 0};
	size_t publen = 0, nl, nrr, nnl, nnr;
	uint16_t err = 0;
	int ret;

	prop = malloc(sizeof(*prop));
	tsi = malloc(sizeof(*tsi));
	tsr_p = malloc(sizeof(*tsr_p));
	if (prop == NULL || tsi == NULL || tsr_p == NULL)
		goto done;
	if (sa->state == IKE_SA_DELETING) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto answer;
	}
	if (ike_prop_parse(p_sa, prop) < 0 || prop->nproposals == 0 ||
	    ike_parse_nonce(p_ni, &ni) < 0 || ni.len < 16 || ni.len > IKE_NONCE_MAX) {
		err = IKE_N_INVALID_SYNTAX;
		goto answer;
	}
	if (prop->prop[0].protocol == IKE_PROTO_IKE) {
		ike_ike_rekey_request(sa, m, prop);
		goto done;
	}
	/*
	 * No new CHILD_SA on an IKE SA we are replacing (§2.25), nor on one a
	 * crossed IKE rekey made whose fate is not settled yet (§2.8.2): its
	 * CHILD_SAs are still on the old one.
	 */
	if (sa->rekey_new || sa->coll_of) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto answer;
	}
	if (ike_msg_has_notify(m, IKE_N_REKEY_SA, &n)) {
		if (n.spi_size != 4 ||
		    (old = ike_child_find_out(sa, n.protocol, ike_get32(n.spi))) == NULL) {
			/*
			 * Unknown, unless it is the pair our own outstanding
			 * CREATE_CHILD_SA makes (installed by the peer, not yet
			 * by us): then ask the peer to try again later.
			 */
			err = sa->req.active && (sa->req.kind == IKE_REQ_CHILD_REKEY ||
						 sa->req.kind == IKE_REQ_CHILD_CREATE)
				  ? IKE_N_TEMPORARY_FAILURE
				  : IKE_N_CHILD_SA_NOT_FOUND;
			goto answer;
		}
		/* a second collision, or a pair we are deleting already (§2.25) */
		if ((sa->coll.active && sa->coll.old == old) ||
		    (sa->req.active && sa->req.kind == IKE_REQ_DELETE_CHILD &&
		     sa->del_spi == old->sa.spi_in)) {
			err = IKE_N_TEMPORARY_FAILURE;
			goto answer;
		}
	}
	if (p_tsi == NULL || p_tsr == NULL || ike_parse_ts(p_tsi, tsi) < 0 ||
	    ike_parse_ts(p_tsr, tsr_p) < 0) {
		err = IKE_N_INVALID_SYNTAX;
		goto answer;
	}
	if (ike_prop_select(prop, &c->child, 1, c->child_proto,
			    p_ke && ike_parse_ke(p_ke, &ke) == 0 ? ke.group : 0, &sel) < 0) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto answer;
	}
	if (sel.dh) {
		if (p_ke == NULL || ike_parse_ke(p_ke, &ke) < 0) {
			err = IKE_N_INVALID_SYNTAX;
			goto answer;
		}
		if (ke.group != sel.dh->id) {
			uint8_t gb[2] = {(uint8_t)(sel.dh->id >> 8), (uint8_t)sel.dh->id};

			ike_child_answer_err(sa, m, IKE_N_INVALID_KE_PAYLOAD, gb, 2);
			goto done;
		}
	}
	nl = ike_ts_from_conf(c->local_net, c->n_local_net, &sa->local, tsl);
	nrr = ike_ts_from_conf(c->remote_net, c->n_remote_net, &sa->remote, tsr);
	nnr = ike_ts_narrow(tsi, tsr, nrr, nr_r, IKE_CONF_MAX_SUBNETS);
	nnl = ike_ts_narrow(tsr_p, tsl, nl, nl_r, IKE_CONF_MAX_SUBNETS);
	if (nnr == 0 || nnl == 0) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto answer;
	}
	/* an authenticated peer still may not make us hold unbounded state */
	if (old == NULL && ike_child_count(sa) >= IKE_MAX_CHILDREN) {
		err = IKE_N_NO_ADDITIONAL_SAS;
		goto answer;
	}
	ch = ike_child_new(sa);
	if (ch == NULL || crypto_random_nonce(nr, sizeof(nr)) < 0) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto answer;
	}
	if (sel.dh) {
		if (dh_keygen(sel.dh->id, &dh) < 0 ||
		    dh_public_encode(dh, pub, sizeof(pub), &publen) < 0 ||
		    dh_shared_derive(dh, ke.data, ke.len, gir, sel.dh->outlen) < 0) {
			err = IKE_N_NO_PROPOSAL_CHOSEN;
			goto answer;
		}
		g.len = sel.dh->outlen;
	}
	ike_child_fill(sa, ch, &sel, nl_r, nnl, nr_r, nnr);
	ike_log_choice(sa, old ? "CHILD_SA rekey" : "new CHILD_SA", &sel, ch->sa.ts_local,
		       ch->sa.n_ts_local, ch->sa.ts_remote, ch->sa.n_ts_remote);
	ch->sa.initiator = false;
	ch->sa.mode = old ? old->sa.mode
			  : (c->mode == IKE_MODE_TRANSPORT &&
				     ike_msg_has_notify(m, IKE_N_USE_TRANSPORT_MODE, NULL)
				 ? IKE_MODE_TRANSPORT
				 : IKE_MODE_TUNNEL);
	ret = ike_child_spi_alloc(sa, c->child_proto, &ch->sa.spi_in);
	if (ret == 0)
		ret = ike_child_keys(sa, ch, sel.dh ? &g : NULL, ni.data, ni.len, nr, sizeof(nr),
				     false);
	if (ret == 0)
		ret = ike_child_install(sa, ch);
	if (ret < 0) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto answer;
	}
	if (old) {
		/* the initiator of the rekey deletes the old pair */
		old->rekey_at = 0;
		e->stats.child_rekeyed++;
		if (sa->rekeying == old && sa->req.kind == IKE_REQ_CHILD_REKEY) {
			/* §2.8.1 collision: settled when our own rekey completes */
			bool ni_low = ike_nonce_cmp(ni.data, ni.len, nr, sizeof(nr)) < 0;

			sa->coll.active = true;
			sa->coll.old = old;
			sa->coll.spi_in = ch->sa.spi_in;
			memcpy(sa->coll.low, ni_low ? ni.data : nr, ni_low ? ni.len : sizeof(nr));
			sa->coll.low_len = ni_low ? ni.len : sizeof(nr);
		}
	}
	ike_put32(ch->sa.spi_in, spi);
	ch = NULL;
	memcpy(sel.spi, spi, 4);
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	if (sa->children->sa.mode == IKE_MODE_TRANSPORT)
		ike_add_notify(&w, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_prop_from_selected(&sel, prop);
	ike_build_sa(&w, prop);
	ike_build_nonce(&w, &(struct ike_nonce){nr, sizeof(nr)});
	if (sel.dh)
		ike_build_ke(&w, &(struct ike_ke){sel.dh->id, pub, publen});
	ike_ts_to_wire(nr_r, nnr, tsi);
	ike_build_ts(&w, IKE_PLD_TSI, tsi);
	ike_ts_to_wire(nl_r, nnl, tsr_p);
	ike_build_ts(&w, IKE_PLD_TSR, tsr_p);
	ike_send_response(sa, IKE_CREATE_CHILD_SA, m->hdr.msgid, &w);
	OPENSSL_cleanse(ibuf, sizeof(ibuf));
	/* a rekey, or a CHILD_SA where there was none (the tunnel is up again) */
	if (sa->tun->sa == sa)
		ike_tun_status(sa->tun, e, old ? IKE_TUN_REKEYED : IKE_TUN_UP);
	goto done;
answer:
	ike_child_answer_err(sa, m, err, NULL, 0);
done:
	if (ch)
		ike_child_free(ch);
	dh_key_free(dh);
	OPENSSL_cleanse(gir, sizeof(gir));
	free(prop);
	free(tsi);
	free(tsr_p);
}
