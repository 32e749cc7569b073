/*
 * rt_status.c - the runtime as the shell sees it: tunnel status, IKE
 * counters, clear and debug.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rt_int.h"

/* ---- Debug ----------------------------------------------------------------- */

void rt_debug_changed(struct eng_rt *rt)
{
	if (rt)
		ike_set_log_level(rt->ike,
				  rt->log->debug & (ENG_DEBUG_IKE_PACKET | ENG_DEBUG_IKE_DETAIL)
				      ? IKE_LOG_DEBUG
				      : IKE_LOG_INFO);
}

/* Every kernel operation of the runtime, for `debug kernel xfrm`.  Keys
 * never reach these lines: only SPIs, addresses and selectors. */

/* ---- Status ------------------------------------------------------------ */

static void ike_sa_status_of(const struct ike_sa_info *in, time_t now_s, uint64_t now_ms,
			     struct eng_ike_sa_status *out)
{
	memset(out, 0, sizeof(*out));
	out->state = in->phase == IKE_SA_PHASE_READY	  ? ENG_IKE_SA_READY
		     : in->phase == IKE_SA_PHASE_DELETING ? ENG_IKE_SA_DELETING
							  : ENG_IKE_SA_NEGOTIATING;
	out->current = in->current;
	out->initiator = in->initiator;
	out->nat_local = in->nat_local;
	out->nat_remote = in->nat_remote;
	eng_addr_from_ike(&out->local, &in->local);
	eng_addr_from_ike(&out->remote, &in->remote);
	out->local_port = in->local.port;
	out->remote_port = in->remote.port;
	memcpy(out->spi_i, in->spi_i, 8);
	memcpy(out->spi_r, in->spi_r, 8);
	out->ike_encr = encr_from_id(in->encr, in->encr_bits);
	out->ike_integ = hash_from_integ(in->integ);
	out->ike_prf = hash_from_prf(in->prf);
	out->ike_group = in->dh;
	out->created =
	    now_s - (time_t)((now_ms > in->created_ms ? now_ms - in->created_ms : 0) / 1000);
}

/* Every IKE SA of the tunnel, the current one first. */
static void ike_sas_status(struct eng_rt *rt, const struct rt_tun *t, struct eng_tunnel_status *s)
{
	struct ike_sa_info v[ENG_STATUS_IKE_SAS];
	int n = ike_tunnel_sas(rt->ike, t->name, v, ENG_STATUS_IKE_SAS);
	uint64_t now_ms = (uint64_t)eng_now_ms();

	if (n <= 0)
		return;
	s->n_ike_sa = (size_t)n;
	for (size_t i = 0; i < (size_t)n && i < ENG_STATUS_IKE_SAS; i++)
		ike_sa_status_of(&v[i], (time_t)(now_ms / 1000), now_ms, &s->ike_sa[i]);
}

void rt_tunnel_status(struct eng_rt *rt, struct eng_tunnel_status *s)
{
	struct rt_tun *t = tun_find(rt, s->name);
	const struct eng_tunnel *cfg;
	struct ike_tunnel_info info;

	if (!t)
		return;
	cfg = &t->cfg;
	s->tunnel_id = t->id;
	s->state = t->state;
	snprintf(s->reason, sizeof(s->reason), "%s", t->reason);
	s->reason_at = t->reason_at;
	s->dpd_interval = cfg->dpd.interval;
	s->dpd_timeout = cfg->dpd.timeout;
	s->total_in = t->total_in;
	s->total_out = t->total_out;
	s->n_child = t->n_child;
	for (size_t i = 0; i < t->n_child; i++) {
		child_counters(rt, &t->child[i]);
		s->child[i] = t->child[i].st;
		s->total_in.bytes += t->child[i].st.in.bytes;
		s->total_in.packets += t->child[i].st.in.packets;
		s->total_out.bytes += t->child[i].st.out.bytes;
		s->total_out.packets += t->child[i].st.out.packets;
	}
	rt_fw_status(t, s);
	rt_icmp_status(t, s);
	if (!t->configured || ike_tunnel_info(rt->ike, t->name, &info) != 0)
		return;
	s->ike_up = info.ike_up;
	s->initiator = info.initiator;
	s->nat_local = info.nat_local;
	s->nat_remote = info.nat_remote;
	/* the live IKE SA's addresses: a responder's peer, NAT-T's 4500 */
	{
		const struct ike_addr *l = info.ike_up ? &info.local : &t->conf.local;
		const struct ike_addr *r = info.ike_up ? &info.remote : &t->conf.remote;

		eng_addr_from_ike(&s->local, l);
		eng_addr_from_ike(&s->remote, r);
		s->local_port = l->port;
		s->remote_port = r->port;
	}
	memcpy(s->spi_i, info.spi_i, 8);
	memcpy(s->spi_r, info.spi_r, 8);
	s->ike_encr = encr_from_id(info.encr, info.encr_bits);
	s->ike_integ = hash_from_integ(info.integ);
	s->ike_prf = hash_from_prf(info.prf);
	s->ike_group = info.dh;
	snprintf(s->auth_sign, sizeof(s->auth_sign), "%s", info.auth_sign);
	snprintf(s->auth_verify, sizeof(s->auth_verify), "%s", info.auth_verify);
	s->ike_lifetime = t->conf.ike_lifetime_s;
	s->ike_established = t->up_since;
	if (!s->reason[0] && info.last_error[0] && t->state != ENG_TUN_UP)
		snprintf(s->reason, sizeof(s->reason), "%s", info.last_error);
	ike_sas_status(rt, t, s);
}

void rt_ike_stats(const struct eng_rt *rt, struct eng_ike_stats *out)
{
	const struct ike_stats *st;

	st = ike_engine_stats(rt->ike);
	out->rx = st->rx;
	out->tx = st->tx;
	out->dropped = st->drop_malformed + st->drop_rules + st->drop_unknown_spi +
		       st->drop_integrity + st->drop_msgid + st->drop_unexpected +
		       st->drop_half_open + st->drop_half_open_prefix + st->drop_half_open_max +
		       st->drop_too_long;
	out->retransmits = st->retransmits;
	out->resp_from_cache = st->resp_from_cache;
	out->cookies_sent = st->cookies_sent;
	out->invalid_ke_sent = st->invalid_ke_sent;
	out->no_proposal_sent = st->no_proposal_sent;
	out->ts_unacceptable_sent = st->ts_unacceptable_sent;
	out->invalid_syntax_sent = st->invalid_syntax_sent;
	out->other_error_sent = st->other_error_sent;
	out->auth_failed = st->auth_failed;
	out->ike_established = st->ike_established;
	out->ike_rekeyed = st->ike_rekeyed;
	out->child_installed = st->child_installed;
	out->child_rekeyed = st->child_rekeyed;
	out->cookies_accepted = st->cookies_accepted;
	out->refused_per_peer = st->drop_half_open;
	out->refused_per_prefix = st->drop_half_open_prefix;
	out->refused_half_open_max = st->drop_half_open_max;
	out->half_open_evicted = st->half_open_evicted;
	out->refused_too_long = st->drop_too_long;
	out->replies_rate_limited = st->drop_reply_rate;
	out->ike_half_open = ike_half_open(rt->ike);
	/* every IKE SA there is, two of a tunnel while a crossing settles */
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct ike_tunnel_info info;

		if (!rt->tun[i]->configured ||
		    ike_tunnel_info(rt->ike, rt->tun[i]->name, &info) != 0)
			continue;
		out->ike_active += info.n_ike_up;
		out->ike_negotiating += info.n_ike_nego;
	}
	/* half-open SAs count as negotiating, whether or not a tunnel took them */
	if (out->ike_negotiating < out->ike_half_open)
		out->ike_negotiating = out->ike_half_open;
}

/* ---- clear ----------------------------------------------------------------- */

static void clear_one(struct eng_rt *rt, const struct rt_tun *t, bool child_only)
{
	if (!t->configured)
		return;
	/* an auto tunnel is brought back by the IKE core */
	if (child_only)
		ike_delete_child(rt->ike, t->name);
	else
		ike_delete(rt->ike, t->name);
}

int rt_clear_sa(struct eng_rt *rt, const char *tunnel, bool child_only)
{
	if (tunnel) {
		const struct rt_tun *t = tun_find(rt, tunnel);

		if (!t)
			return -ENOENT;
		clear_one(rt, t, child_only);
		return 0;
	}
	for (size_t i = 0; i < rt->n_tun; i++)
		clear_one(rt, rt->tun[i], child_only);
	return 0;
}

int rt_clear_peer(struct eng_rt *rt, const struct eng_addr *addr)
{
	size_t found = 0;

	for (size_t i = 0; rt && i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];
		struct ike_tunnel_info info;
		struct eng_addr peer;

		if (!t->configured)
			continue;
		/* the peer of the IKE SA (a responder learns it), else the configured one */
		if (ike_tunnel_info(rt->ike, t->name, &info) == 0 && info.ike_up)
			eng_addr_from_ike(&peer, &info.remote);
		else
			eng_addr_from_ike(&peer, &t->conf.remote);
		if (!eng_addr_equal(&peer, addr))
			continue;
		ike_delete(rt->ike, t->name);
		found++;
	}
	return found ? 0 : -ENOENT;
}

void rt_clear_counters(struct eng_rt *rt)
{
	for (size_t i = 0; rt && i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		memset(&t->total_in, 0, sizeof(t->total_in));
		memset(&t->total_out, 0, sizeof(t->total_out));
		for (size_t j = 0; j < t->n_child; j++) {
			struct rt_child *c = &t->child[j];

			child_counters(rt, c);
			c->base_in.bytes += c->st.in.bytes;
			c->base_in.packets += c->st.in.packets;
			c->base_in.replay_errors += c->st.in.replay_errors;
			c->base_in.integrity_errors += c->st.in.integrity_errors;
			c->base_out.bytes += c->st.out.bytes;
			c->base_out.packets += c->st.out.packets;
			c->base_out.replay_errors += c->st.out.replay_errors;
			c->base_out.integrity_errors += c->st.out.integrity_errors;
		}
	}
}
