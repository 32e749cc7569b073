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
#include "ctl/ctl.h"

const char *eng_tun_state_name(enum eng_tun_state st)
{
	switch (st) {
	case ENG_TUN_DOWN:
		return "DOWN";
	case ENG_TUN_SHUTDOWN:
		return "ADMIN-DOWN";
	case ENG_TUN_IDLE:
		return "IDLE";
	case ENG_TUN_CONNECTING:
		return "DOWN-NEGOTIATING";
	case ENG_TUN_UP:
		return "UP-ACTIVE";
	case ENG_TUN_IKE_NO_CHILD:
		return "UP-NO-IPSEC";
	}
	return "?";
}

/* ---- Debug ----------------------------------------------------------------- */

void eng_debugf(struct eng *eng, unsigned flag, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!(eng->debug & flag) || !eng->opts.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eng->opts.log(eng->opts.log_arg, ENG_LOG_DEBUG, msg);
}

void ike_level_follow(struct eng *eng)
{
	if (eng->rt)
		ike_set_log_level(eng->rt->ike,
				  eng->debug & (ENG_DEBUG_IKE_PACKET | ENG_DEBUG_IKE_DETAIL)
				      ? IKE_LOG_DEBUG
				      : IKE_LOG_INFO);
}

int eng_debug_set(struct eng_sess *sess, unsigned flags, bool on)
{
	if (ENG_REMOTE(sess))
		return ctl_debug_set(sess, flags, on);
	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (on)
		sess->eng->debug |= flags & ENG_DEBUG_ALL;
	else
		sess->eng->debug &= ~flags;
	ike_level_follow(sess->eng);
	return 0;
}

unsigned eng_debug_get(const struct eng *eng)
{
	if (eng && eng->remote)
		return ctl_debug_get(eng);
	return eng ? eng->debug : 0;
}

/* Every kernel operation of the runtime, for `debug kernel xfrm`.  Keys
 * never reach these lines: only SPIs, addresses and selectors. */

/* ---- Status ------------------------------------------------------------ */

/* What the configuration asks for and the engine does not do yet: said,
 * never silently ignored. */
static void not_in_effect(const struct eng_tunnel *cfg, char *buf, size_t len)
{
	const struct {
		bool set;
		const char *what;
	} v[] = {
	    {cfg->mobike, "mobike"},
	    {cfg->split_connection, "split-connection"},
	    {cfg->icmp.server.family != 0, "icmp-detect"},
	    {cfg->send_cert != ENG_SENDCERT_DEFAULT, "send-cert"},
	    {cfg->dpd.action == ENG_DPD_HOLD, "dpd action hold (acts as clear)"},
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (!v[i].set)
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
				      v[i].what);
		if (n >= len)
			break;
	}
}

static void tun_status(struct eng_rt *rt, const char *rt_err, const struct eng_node *node,
		       struct eng_tunnel_status *s)
{
	const struct eng_tunnel *cfg = &node->u.tunnel;
	struct rt_tun *t = rt ? tun_find(rt, cfg->name) : NULL;
	struct ike_tunnel_info info;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", cfg->name);
	not_in_effect(cfg, s->not_in_effect, sizeof(s->not_in_effect));
	if (!rt) {
		s->state = cfg->shutdown ? ENG_TUN_SHUTDOWN : ENG_TUN_DOWN;
		snprintf(s->reason, sizeof(s->reason), "%s",
			 cfg->shutdown ? ""
			 : rt_err && rt_err[0]
			     ? rt_err
			     : "this engine runs without IKE (configuration only)");
		return;
	}
	if (!t)
		return;
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
	s->ike_lifetime = t->conf.ike_lifetime_s;
	s->ike_established = t->up_since;
	if (!s->reason[0] && info.last_error[0] && t->state != ENG_TUN_UP)
		snprintf(s->reason, sizeof(s->reason), "%s", info.last_error);
}

int eng_tunnel_status(struct eng_sess *sess, const char *name, struct eng_tunnel_status **out,
		      size_t *n)
{
	if (ENG_REMOTE(sess) && out && n)
		return ctl_tunnel_status(sess, name, out, n);
	struct eng *eng;
	const struct eng_tab *tab;
	struct eng_tunnel_status *v;
	size_t k = 0;

	if (!sess || !out || !n)
		return -EINVAL;
	eng = sess->eng;
	tab = &eng->running->t[ENG_OBJ_TUNNEL];
	v = calloc(tab->n ? tab->n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < tab->n; i++) {
		if (name && strcmp(tab->v[i]->u.tunnel.name, name) != 0)
			continue;
		tun_status(eng->rt, eng->rt_error, tab->v[i], &v[k++]);
	}
	if (name && !k) {
		free(v);
		return -ENOENT;
	}
	*out = v;
	*n = k;
	return 0;
}

int eng_ike_stats(struct eng_sess *sess, struct eng_ike_stats *out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_ike_stats(sess, out);
	const struct eng_rt *rt;
	const struct ike_stats *st;

	if (!sess || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rt = sess->eng->rt;
	if (!rt)
		return 0;
	st = ike_engine_stats(rt->ike);
	out->rx = st->rx;
	out->tx = st->tx;
	out->dropped = st->drop_malformed + st->drop_rules + st->drop_unknown_spi +
		       st->drop_integrity + st->drop_msgid + st->drop_unexpected +
		       st->drop_half_open;
	out->retransmits = st->retransmits;
	out->resp_from_cache = st->resp_from_cache;
	out->cookies_sent = st->cookies_sent;
	out->invalid_ke_sent = st->invalid_ke_sent;
	out->auth_failed = st->auth_failed;
	out->ike_established = st->ike_established;
	out->ike_rekeyed = st->ike_rekeyed;
	out->child_installed = st->child_installed;
	out->child_rekeyed = st->child_rekeyed;
	/* every IKE SA there is, two of a tunnel while a crossing settles */
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct ike_tunnel_info info;

		if (!rt->tun[i]->configured ||
		    ike_tunnel_info(rt->ike, rt->tun[i]->name, &info) != 0)
			continue;
		out->ike_active += info.n_ike_up;
		out->ike_negotiating += info.n_ike_nego;
	}
	return 0;
}

/* ---- clear ----------------------------------------------------------------- */

static int clear_each(struct eng_sess *sess, const char *tunnel, bool child_only)
{
	struct eng_rt *rt;
	bool found = false;

	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	rt = sess->eng->rt;
	if (tunnel && !cfg_find(sess->eng->running, ENG_OBJ_TUNNEL, 0, tunnel))
		return -ENOENT;
	if (!rt)
		return 0;
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		if (tunnel && strcmp(t->name, tunnel) != 0)
			continue;
		found = true;
		if (!t->configured)
			continue;
		/* an auto tunnel is brought back by the IKE core */
		if (child_only)
			ike_delete_child(rt->ike, t->name);
		else
			ike_delete(rt->ike, t->name);
	}
	return tunnel && !found ? -ENOENT : 0;
}

int eng_clear_ike_sa(struct eng_sess *sess, const char *tunnel)
{
	if (ENG_REMOTE(sess))
		return ctl_name_call(sess, CTL_CLEAR_IKE_SA, tunnel);
	return clear_each(sess, tunnel, false);
}

int eng_clear_child_sa(struct eng_sess *sess, const char *tunnel)
{
	if (ENG_REMOTE(sess))
		return ctl_name_call(sess, CTL_CLEAR_CHILD_SA, tunnel);
	return clear_each(sess, tunnel, true);
}

int eng_clear_peer(struct eng_sess *sess, const struct eng_addr *addr)
{
	if (ENG_REMOTE(sess) && addr)
		return ctl_clear_peer(sess, addr);
	struct eng_rt *rt;
	size_t found = 0;

	if (!sess || !addr)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	rt = sess->eng->rt;
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

int eng_clear_counters(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple(sess, CTL_CLEAR_COUNTERS);
	struct eng_rt *rt;

	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	rt = sess->eng->rt;
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
	return 0;
}
