/*
 * runtime.c - committed tunnels become IKE negotiations and kernel state.
 *
 * The glue between the tunnels it is handed and three lower layers, each
 * behind its own header: the IKEv2 protocol core (ike/ikev2.h), the IKE
 * sockets (net/ike_sock.h) and the kernel seam (kernel/kernel.h).  After
 * every change of the running configuration rt_sync() compares each
 * tunnel's effective IKE settings with what the IKE core has: a tunnel
 * whose settings did not change keeps its SAs untouched; a changed one is
 * replaced; a removed or shut one is torn down.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rt_int.h"

/* ---- Tunnel table ------------------------------------------------------- */

static struct rt_tun *tun_add(struct eng_rt *rt, const char *name)
{
	struct rt_tun *t;

	if (rt->n_tun == rt->cap_tun) {
		size_t cap = rt->cap_tun ? rt->cap_tun * 2 : 16;
		struct rt_tun **v = realloc(rt->tun, cap * sizeof(*v));

		if (!v)
			return NULL;
		rt->tun = v;
		rt->cap_tun = cap;
	}
	if (tun_index_reserve(rt, rt->n_tun + 1))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->id = ++rt->next_id;
	rt->tun[rt->n_tun++] = t;
	tun_index_add(rt, t);
	return t;
}

static void schedule_advance(struct rt_tun *t)
{
	t->fail_ms = t->fail_ms ? t->fail_ms * 2 : 5000;
	if (t->fail_ms > 300000)
		t->fail_ms = 300000;
	t->next_try_ms = eng_now_ms() + t->fail_ms;
	t->advance = true;
}

void set_reason(struct rt_tun *t, const char *reason)
{
	size_t n = reason ? strnlen(reason, sizeof(t->reason) - 1) : 0;

	memcpy(t->reason, reason ? reason : "", n);
	t->reason[n] = '\0';
	t->reason_at = reason && reason[0] ? time(NULL) : 0;
}

/* ---- The IKE core's environment ------------------------------------------ */

/*
 * A datagram the host refused to send (an address that is not ours, no
 * route): the tunnels between those addresses say so at once, rather than
 * after every retransmission has gone unanswered.
 */
static void send_failed(struct eng_rt *rt, const struct ike_addr *src, const struct ike_addr *dst,
			int rc)
{
	struct eng_addr s, d;
	char sb[64], db[64], why[256];

	eng_addr_from_ike(&s, src);
	eng_addr_from_ike(&d, dst);
	snprintf(why, sizeof(why), "cannot send to %s from %s: %s",
		 eng_addr_str(&d, db, sizeof(db)), eng_addr_str(&s, sb, sizeof(sb)), strerror(-rc));
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];
		struct eng_addr l, r;

		if (!t->configured)
			continue;
		eng_addr_from_ike(&l, &t->conf.local);
		eng_addr_from_ike(&r, &t->conf.remote);
		if (!eng_addr_equal(&l, &s) || !eng_addr_equal(&r, &d) ||
		    strcmp(t->reason, why) == 0)
			continue;
		set_reason(t, why);
		eng_logf(rt->log, ENG_LOG_WARNING, "tunnel %s: %s", t->name, why);
	}
}

static int env_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		    const uint8_t *buf, size_t len)
{
	struct eng_rt *rt = ctx;
	uint16_t natt = rt->opts.natt_port ? rt->opts.natt_port : IKE_NATT_PORT;
	struct ike_dgram d = {0};
	int rc;

	ss_from_ike(&d.peer, dst);
	if (src && src->family)
		ss_from_ike(&d.local, src);
	/* the source port says which socket: ours on the NAT-T port */
	d.natt = src && src->port == natt;
	d.buf = (uint8_t *)buf;
	d.len = len;
	rc = ike_sock_send(&rt->sock, &d);
	if (rc && rc != -EAGAIN && src && dst)
		send_failed(rt, src, dst, rc);
	return rc;
}

static int env_child_install(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);
	bool encap = c->encap;
	struct kernel_sa in, out;
	struct rt_child *rc_;
	char buf[512];
	int rc;

	if (!t)
		return -ENOENT;
	if (t->n_child == RT_CHILDREN) {
		eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: more than %d CHILD_SAs: refused", tunnel,
			 RT_CHILDREN);
		return -ENOSPC;
	}
	sa_fill(&in, c, true, encap);
	sa_fill(&out, c, false, encap);
	if (t->ifname[0] && t->if_kind == KERNEL_IFACE_VTI) {
		/* VTI matches its SAs by mark, not by interface ID */
		in.if_id = out.if_id = 0;
		in.mark = out.mark = (struct kernel_mark){t->if_id, 0xffffffffu};
	}
	rc = k_sa_add(rt, &in);
	if (rc == 0) {
		rc = k_sa_add(rt, &out);
		if (rc) {
			struct kernel_sa_id id;

			kernel_strerror(rt->k, buf, sizeof(buf));
			kernel_sa_id_of(&in, &id);
			k_sa_del(rt, &id);
		}
	} else {
		kernel_strerror(rt->k, buf, sizeof(buf));
	}
	if (rc == 0) {
		rc = child_policies(rt, t, c);
		if (rc) {
			struct kernel_sa_id id;

			if (rc == -EINVAL && !kernel_last_error(rt->k)->err)
				snprintf(buf, sizeof(buf),
					 "a traffic selector is not a subnet: refused rather than "
					 "installed without a policy");
			else
				kernel_strerror(rt->k, buf, sizeof(buf));
			/* no SA without its policies: the core does not own it */
			kernel_sa_id_of(&in, &id);
			k_sa_del(rt, &id);
			kernel_sa_id_of(&out, &id);
			k_sa_del(rt, &id);
		}
	}
	if (rc) {
		eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: kernel refused the IPsec SA: %s", tunnel,
			 buf);
		snprintf(t->install_err, sizeof(t->install_err), "%.255s", buf);
		goto done;
	}
	t->install_err[0] = '\0';
	rc_ = &t->child[t->n_child++];
	memset(rc_, 0, sizeof(*rc_));
	kernel_sa_id_of(&in, &rc_->in);
	kernel_sa_id_of(&out, &rc_->out);
	rc_->st.spi_in = c->spi_in;
	rc_->st.spi_out = c->spi_out;
	rc_->st.proto = c->protocol == IKE_PROTO_AH ? ENG_PROTO_AH : ENG_PROTO_ESP;
	rc_->st.mode = c->mode == IKE_MODE_TRANSPORT ? ENG_MODE_TRANSPORT : ENG_MODE_TUNNEL;
	rc_->st.encr = encr_from_id(c->encr, c->encr_bits);
	rc_->st.integ = hash_from_integ(c->integ);
	if (c->n_ts_local)
		prefix_from_range(&rc_->st.local_ts, &c->ts_local[0]);
	if (c->n_ts_remote)
		prefix_from_range(&rc_->st.remote_ts, &c->ts_remote[0]);
	rc_->st.established = time(NULL);
	rc_->st.lifetime_s = c->lifetime_hard_s;
	rc_->st.lifetime_kb = c->lifetime_hard_kb;
	rc_->st.pfs_group = t->conf.child.n_dh ? (uint8_t)t->conf.child.dh[0] : 0;
	if (rt->log->debug & ENG_DEBUG_IPSEC) {
		char lts[64], rts[64];

		eng_debugf(rt->log, ENG_DEBUG_IPSEC,
			   "IPSEC: tunnel %s: CHILD_SA in 0x%08" PRIx32 " out 0x%08" PRIx32
			   " installed, %s %s%s%s, %s === %s%s",
			   tunnel, c->spi_in, c->spi_out,
			   c->protocol == IKE_PROTO_AH ? "ah" : "esp", eng_encr_name(rc_->st.encr),
			   rc_->st.integ ? "/" : "",
			   rc_->st.integ ? eng_hash_name(rc_->st.integ) : "",
			   eng_prefix_str(&rc_->st.local_ts, lts, sizeof(lts)),
			   eng_prefix_str(&rc_->st.remote_ts, rts, sizeof(rts)),
			   encap ? ", UDP-encapsulated" : "");
	}
done:
	kernel_sa_wipe(&in);
	kernel_sa_wipe(&out);
	return rc;
}

/*
 * The peer's NAT mapping moved (RFC 7296 §2.23): both SAs are updated in
 * place (UPDSA keeps their counters and replay state); an outbound SA whose
 * destination address changed is a new SA, the old one goes. The tunnel
 * mode templates follow.
 */
static int env_child_update(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);
	struct kernel_sa in, out;
	struct kernel_sa_id old_out;
	struct rt_child *ch = NULL;
	int rc;

	if (!t)
		return -ENOENT;
	for (size_t i = 0; i < t->n_child && !ch; i++)
		if (t->child[i].st.spi_in == c->spi_in && t->child[i].st.spi_out == c->spi_out)
			ch = &t->child[i];
	if (!ch)
		return -ENOENT;
	sa_fill(&in, c, true, c->encap);
	sa_fill(&out, c, false, c->encap);
	if (t->ifname[0] && t->if_kind == KERNEL_IFACE_VTI) {
		in.if_id = out.if_id = 0;
		in.mark = out.mark = (struct kernel_mark){t->if_id, 0xffffffffu};
	}
	old_out = ch->out;
	rc = k_sa_update(rt, &in);
	if (rc == 0)
		rc = k_sa_update(rt, &out);
	if (rc == 0) {
		kernel_sa_id_of(&in, &ch->in);
		kernel_sa_id_of(&out, &ch->out);
		if (memcmp(&old_out.dst, &ch->out.dst, sizeof(old_out.dst)) != 0)
			k_sa_del(rt, &old_out);
		rc = child_policies(rt, t, c);
	}
	kernel_sa_wipe(&in);
	kernel_sa_wipe(&out);
	return rc;
}

static void env_child_delete(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);

	if (!t)
		return;
	for (size_t i = 0; i < t->n_child; i++) {
		if (t->child[i].st.spi_in == c->spi_in && t->child[i].st.spi_out == c->spi_out) {
			child_remove(rt, t, i);
			break;
		}
	}
	/* The last CHILD_SA gone, its policies stay: with a template and no SA
	 * they drop the subnets' traffic (and outbound packets make the kernel
	 * ask for an SA) instead of letting it out in clear.  They go when the
	 * tunnel is shut, removed or reconfigured. */
}

static uint64_t env_now_ms(void *ctx)
{
	(void)ctx;
	return (uint64_t)eng_now_ms();
}

/*
 * Lines about messages dropped (malformed, unknown peers, rule breaks)
 * could be sent by anyone at any rate: they are explained under `debug
 * crypto ikev2 error` and counted, never kept in the log ring.
 */
static bool ike_line_is_drop(const char *msg)
{
	static const char *const prefixes[] = {"dropped", "unsupported critical",
					       "IKE_SA_INIT from", "half-open"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(msg, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void env_log(void *ctx, enum ike_log_level level, const char *msg)
{
	struct eng_rt *rt = ctx;

	switch (level) {
	case IKE_LOG_DEBUG:
		eng_debugf(rt->log, ENG_DEBUG_IKE_PACKET | ENG_DEBUG_IKE_DETAIL, "IKEv2: %s", msg);
		break;
	case IKE_LOG_INFO:
		if (ike_line_is_drop(msg))
			eng_debugf(rt->log, ENG_DEBUG_IKE_ERROR, "IKEv2-ERROR: %s", msg);
		else
			eng_logf(rt->log, ENG_LOG_INFO, "%s", msg);
		break;
	case IKE_LOG_ERROR:
		eng_logf(rt->log, ENG_LOG_WARNING, "%s", msg);
		break;
	}
}

static const struct eng_tunnel *running_tunnel(struct eng_rt *rt, const char *name)
{
	const struct rt_tun *t = tun_find(rt, name);

	return t ? &t->cfg : NULL;
}

/* Several remote addresses, or a host name in use: after a failure the
 * runtime moves on (or resolves again) rather than the IKE core retrying. */
static bool moves_on(const struct eng_tunnel *cfg, const struct rt_tun *t)
{
	return cfg && cfg->n_remote &&
	       (cfg->n_remote > 1 ||
		cfg->remote[t->remote_idx % cfg->n_remote].kind == ENG_EP_HOST);
}

static void env_status(void *ctx, const char *tunnel, enum ike_tunnel_state st, const char *reason)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);
	char detail[300];

	if (!t)
		return;
	/* the IKE core knows the install failed; the kernel said why */
	if (reason && t->install_err[0] && strstr(reason, "cannot install the CHILD_SA")) {
		snprintf(detail, sizeof(detail), "cannot install the CHILD_SA: %s", t->install_err);
		reason = detail;
	}
	switch (st) {
	case IKE_TUN_CONNECTING:
		t->state = ENG_TUN_CONNECTING;
		break;
	case IKE_TUN_UP:
	case IKE_TUN_REKEYED:
		if (t->state != ENG_TUN_UP || !t->up_since)
			t->up_since = time(NULL);
		t->state = ENG_TUN_UP;
		t->fail_ms = 0;
		t->advance = false;
		set_reason(t, NULL);
		break;
	case IKE_TUN_IKE_NO_CHILD:
		t->state = ENG_TUN_IKE_NO_CHILD;
		set_reason(t, reason);
		break;
	case IKE_TUN_DOWN:
	case IKE_TUN_FAILED:
		t->up_since = 0;
		t->state = t->start_mode == ENG_START_AUTO ? ENG_TUN_DOWN : ENG_TUN_IDLE;
		if (reason && reason[0])
			set_reason(t, reason);
		/* an auto tunnel is started again by the IKE core, with back-off;
		 * with several remote addresses or a host name the runtime moves
		 * on (or resolves again) instead */
		if (reason && reason[0])
			eng_logf(rt->log, ENG_LOG_WARNING, "tunnel %s: %s", tunnel, reason);
		if (st == IKE_TUN_FAILED && t->start_mode == ENG_START_AUTO &&
		    moves_on(running_tunnel(rt, t->name), t))
			schedule_advance(t);
		break;
	}
}

/* ---- Sync with the running configuration -------------------------------- */

static void tun_unconfigure(struct eng_rt *rt, struct rt_tun *t)
{
	if (t->configured)
		ike_conf_remove(rt->ike, t->name);
	t->configured = false;
	tun_kernel_clear(rt, t);
	OPENSSL_cleanse(&t->conf, sizeof(t->conf));
}

/* ---- Host names and several remote addresses ---------------------------- */

static void gai_free(struct rt_gai *g)
{
	if (g->cb.ar_result)
		freeaddrinfo(g->cb.ar_result);
	free(g);
}

/* Hand a resolution back: cancelled, finished, or left to finish as an orphan. */
static void gai_drop(struct eng_rt *rt, struct rt_gai *g)
{
	int rc = gai_cancel(&g->cb);

	if (rc == EAI_CANCELED || rc == EAI_ALLDONE || gai_error(&g->cb) != EAI_INPROGRESS) {
		gai_free(g);
		return;
	}
	struct rt_gai **v = realloc(rt->orphans, (rt->n_orphans + 1) * sizeof(*v));

	if (!v)
		return; /* glibc still writes to it: leaking is the safe choice */
	rt->orphans = v;
	rt->orphans[rt->n_orphans++] = g;
}

static void orphans_reap(struct eng_rt *rt, bool wait)
{
	for (size_t i = 0; i < rt->n_orphans;) {
		struct rt_gai *g = rt->orphans[i];

		if (wait && gai_error(&g->cb) == EAI_INPROGRESS) {
			const struct gaicb *list[1] = {&g->cb};
			struct timespec ts = {.tv_sec = 5};

			gai_suspend(list, 1, &ts);
		}
		if (gai_error(&g->cb) == EAI_INPROGRESS) {
			i++;
			continue;
		}
		gai_free(g);
		rt->orphans[i] = rt->orphans[--rt->n_orphans];
	}
}

static void resolve_start(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg)
{
	const struct eng_endpoint *ep = &cfg->remote[t->remote_idx % cfg->n_remote];
	struct gaicb *list[1];
	struct rt_gai *g;
	int rc;

	if (t->gai)
		return;
	g = calloc(1, sizeof(*g));
	if (!g)
		return;
	snprintf(g->name, sizeof(g->name), "%s", ep->name ? ep->name : "");
	g->hints.ai_socktype = SOCK_DGRAM;
	g->hints.ai_family = cfg->local.kind == ENG_EP_ADDR ? cfg->local.addr.family : AF_UNSPEC;
	g->cb.ar_name = g->name;
	g->cb.ar_request = &g->hints;
	list[0] = &g->cb;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc) {
		char why[300];

		snprintf(why, sizeof(why), "remote-address %s: %s", g->name, gai_strerror(rc));
		set_reason(t, why);
		free(g);
		schedule_advance(t); /* try again later */
		return;
	}
	t->gai = g;
	t->gai_idx = t->remote_idx;
	eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL, "IKEv2: tunnel %s: resolving %s", t->name,
		   g->name);
}

static void tun_sync(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg);

/* Finished resolutions: use the address, or say why there is none. */
static void resolve_poll(struct eng_rt *rt, struct rt_tun *t)
{
	const struct eng_tunnel *cfg;
	struct rt_gai *g = t->gai;
	int rc;

	if (!g || (rc = gai_error(&g->cb)) == EAI_INPROGRESS)
		return;
	t->gai = NULL;
	cfg = running_tunnel(rt, t->name);
	if (rc == 0 && g->cb.ar_result) {
		const struct addrinfo *ai = g->cb.ar_result;

		/* the first address of the family asked for (the local one's) */
		while (ai && ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			ai = ai->ai_next;
		memset(&t->resolved, 0, sizeof(t->resolved));
		if (ai && ai->ai_family == AF_INET) {
			t->resolved.family = AF_INET;
			memcpy(t->resolved.bytes,
			       &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		} else if (ai) {
			t->resolved.family = AF_INET6;
			memcpy(t->resolved.bytes,
			       &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		}
	}
	if (rc == 0 && t->resolved.family) {
		t->resolved_idx = t->gai_idx;
		rt->fw_dirty |= t->cfg.firewall_rule;
		if (rt->log->debug & ENG_DEBUG_IKE_DETAIL) {
			char a[64];

			eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL, "IKEv2: tunnel %s: %s is %s",
				   t->name, g->name, eng_addr_str(&t->resolved, a, sizeof(a)));
		}
		gai_free(g);
		if (cfg)
			tun_sync(rt, t, cfg);
		return;
	}
	{
		char why[300];

		snprintf(why, sizeof(why), "remote-address %s: %s", g->name,
			 rc ? gai_strerror(rc) : "no IPv4 or IPv6 address");
		set_reason(t, why);
		eng_logf(rt->log, ENG_LOG_WARNING, "tunnel %s: %s", t->name, why);
	}
	t->state = ENG_TUN_DOWN;
	gai_free(g);
	schedule_advance(t);
}

/* After a failure: the next remote-address entry (a name resolved again). */
static void advance_remote(struct eng_rt *rt, struct rt_tun *t)
{
	const struct eng_tunnel *cfg = running_tunnel(rt, t->name);

	t->advance = false;
	if (!cfg || !cfg->n_remote || cfg->shutdown)
		return;
	t->remote_idx = (uint8_t)((t->remote_idx + 1) % cfg->n_remote);
	t->resolved.family = 0;
	eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL,
		   "IKEv2: tunnel %s: trying remote-address %u of %u", t->name, t->remote_idx + 1,
		   cfg->n_remote);
	tun_sync(rt, t, cfg);
}

static void tun_sync(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg)
{
	struct ike_peer_conf conf;
	char why[256] = "";
	int rc;

	if (cfg->shutdown) {
		tun_unconfigure(rt, t);
		t->state = ENG_TUN_SHUTDOWN;
		set_reason(t, NULL);
		return;
	}
	rc = tunnel_conf(rt, t, &conf, why, sizeof(why));
	if (rc == -EINPROGRESS) {
		/* a host name: negotiate once it is resolved */
		tun_unconfigure(rt, t);
		t->state = ENG_TUN_CONNECTING;
		set_reason(t, why);
		resolve_start(rt, t, cfg);
		OPENSSL_cleanse(&conf, sizeof(conf));
		return;
	}
	if (rc) {
		tun_unconfigure(rt, t);
		t->state = ENG_TUN_DOWN;
		set_reason(t, why);
		OPENSSL_cleanse(&conf, sizeof(conf));
		return;
	}
	/* one reqid for the tunnel's life: reconfigurations do not use up the range */
	if (!t->reqid || !t->trap_reqid) {
		tun_index_del(rt, t); /* found by its reqids from now on */
		if (!t->reqid)
			t->reqid = kernel_reqid_alloc(rt->k);
		if (!t->trap_reqid)
			t->trap_reqid = kernel_reqid_alloc(rt->k);
		tun_index_add(rt, t);
	}
	conf.reqid = t->reqid;
	t->idletime = cfg->sa_idletime;
	t->start_mode = cfg->start_mode ? cfg->start_mode : ENG_START_AUTO;
	if (t->configured && memcmp(&conf, &t->conf, sizeof(conf)) == 0) {
		OPENSSL_cleanse(&conf, sizeof(conf));
		eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL,
			   "IKEv2: tunnel %s: settings unchanged by the commit, SAs kept", t->name);
		iface_ensure(rt, t, cfg); /* a renamed interface */
		gre_ensure(rt, t, cfg);
		return; /* unchanged: its SAs stay as they are */
	}
	eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL, "IKEv2: tunnel %s: %s, start-mode %s", t->name,
		   t->configured ? "settings changed, negotiating again" : "new",
		   t->start_mode == ENG_START_AUTO	  ? "auto"
		   : t->start_mode == ENG_START_ON_DEMAND ? "on-demand"
							  : "responder-only");
	tun_unconfigure(rt, t);
	t->conf = conf;
	OPENSSL_cleanse(&conf, sizeof(conf));
	if (iface_ensure(rt, t, cfg) || gre_ensure(rt, t, cfg)) {
		t->state = ENG_TUN_DOWN;
		return;
	}
	rc = ike_conf_set(rt->ike, &t->conf);
	if (rc) {
		t->state = ENG_TUN_DOWN;
		snprintf(why, sizeof(why), "the IKE layer refused the settings: %s", strerror(-rc));
		set_reason(t, why);
		return;
	}
	t->configured = true;
	set_reason(t, NULL);
	/* the IKE core starts an auto tunnel at its next tick */
	t->state = t->start_mode == ENG_START_AUTO ? ENG_TUN_CONNECTING : ENG_TUN_IDLE;
	/* fail closed from the start: the subnets' traffic waits for an SA */
	if (t->conf.remote.family && traps_install(rt, t) != 0) {
		char err[512];

		snprintf(why, sizeof(why), "policies: %s",
			 kernel_strerror(rt->k, err, sizeof(err)));
		set_reason(t, why);
	}
}

/* A tunnel's copy of what it was handed: replaced only when it changed. */
static int tun_take(struct rt_tun *t, const struct rt_tunnel *in)
{
	int rc = 0;

	if (!eng_obj_equal(ENG_OBJ_TUNNEL, &t->cfg, in->t)) {
		eng_obj_clear(ENG_OBJ_TUNNEL, &t->cfg);
		rc = eng_obj_copy(ENG_OBJ_TUNNEL, &t->cfg, in->t);
	}
	t->ike2 = in->ike2;
	t->ipsec = in->ipsec;
	rt_creds_take(&t->creds, in->t->auth == ENG_AUTH_CERT ? in->creds : NULL);
	return rc;
}

static void tun_free(struct eng_rt *rt, struct rt_tun *t)
{
	if (t->gai)
		gai_drop(rt, t->gai);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t->cfg);
	rt_creds_clear(&t->creds);
	free(t);
}

void rt_sync(struct eng_rt *rt, const struct rt_tunnel *tunnels, size_t n)
{
	bool batched;

	if (!rt)
		return;
	/* every tunnel's trap policies and removals in few netlink sends,
	 * into a policy table hashed for the configured prefixes */
	spd_thresholds(rt, tunnels, n);
	batched = sync_batch_begin(rt);
	for (size_t i = 0; i < rt->n_tun; i++)
		rt->tun[i]->present = false;
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel *cfg = tunnels[i].t;
		struct rt_tun *t = tun_find(rt, cfg->name);

		if (!t)
			t = tun_add(rt, cfg->name);
		if (!t || tun_take(t, &tunnels[i])) {
			eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: out of memory", cfg->name);
			continue;
		}
		t->present = true;
		tun_sync(rt, t, &t->cfg);
	}
	/* the gone ones: torn down while the table is whole (the IKE core's
	 * callbacks look tunnels up), then dropped from it in one pass */
	for (size_t i = 0; i < rt->n_tun; i++) {
		if (!rt->tun[i]->present) {
			tun_unconfigure(rt, rt->tun[i]);
			iface_drop(rt, rt->tun[i]);
		}
	}
	if (batched)
		sync_batch_commit(rt);
	size_t kept = 0;
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		if (t->present) {
			rt->tun[kept++] = t;
			continue;
		}
		tun_index_del(rt, t);
		gre_drop(rt, t);
		tun_free(rt, t);
	}
	rt->n_tun = kept;
	rt_fw_sync(rt);
}

/*
 * sa-idletime: a tunnel whose SAs carried nothing for that long is taken
 * down (an on-demand tunnel then waits for traffic again).  Activity is a
 * packet counter that moved since the last look (once a second), or the
 * kernel's last-use time where it reports one (Linux 6.2 and later).
 */

static void idle_check(struct eng_rt *rt)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];
		time_t last = 0;

		if (!t->idletime || !t->n_child || !t->configured)
			continue;
		for (size_t j = 0; j < t->n_child; j++) {
			struct kernel_sa_stats st;
			const struct kernel_sa_id *ids[2] = {&t->child[j].in, &t->child[j].out};

			if (t->child[j].st.established > last)
				last = t->child[j].st.established;
			uint64_t packets = 0;

			for (int d = 0; d < 2; d++) {
				if (kernel_sa_counters(rt->k, ids[d], &st) != 0)
					continue;
				packets += st.packets;
				if ((time_t)st.last_used > last)
					last = (time_t)st.last_used;
			}
			if (packets != t->child[j].seen_packets) {
				t->child[j].seen_packets = packets;
				t->child[j].seen_at = now;
			}
			if (t->child[j].seen_at > last)
				last = t->child[j].seen_at;
		}
		if (now - last < (time_t)t->idletime)
			continue;
		eng_logf(rt->log, ENG_LOG_NOTICE,
			 "tunnel %s: no traffic for %" PRIu32 " s: SAs deleted", t->name,
			 t->idletime);
		ike_delete(rt->ike, t->name);
	}
}

/* ---- Event loop ---------------------------------------------------------- */

static void on_kernel_event(void *arg, const struct kernel_event *ev)
{
	struct eng_rt *rt = arg;
	struct rt_tun *t;

	switch (ev->kind) {
	case KERNEL_EV_ACQUIRE:
		/* on-demand: the first packet of a trap policy starts IKE (a
		 * responder-only tunnel waits for its peer all the same) */
		t = tun_by_reqid(rt, ev->reqid);
		if (t && t->configured && t->start_mode != ENG_START_RESPONDER &&
		    ike_initiate(rt->ike, t->name) == 0)
			t->state = ENG_TUN_CONNECTING;
		break;
	case KERNEL_EV_EXPIRE:
		/* soft: rekey now; hard: the SA is gone, tell the peer.  Either
		 * direction may reach a volume limit first; the IKE core knows a
		 * CHILD_SA by its inbound SPI. */
		for (size_t i = 0; i < rt->n_tun; i++) {
			t = rt->tun[i];
			for (size_t j = 0; j < t->n_child; j++) {
				const struct rt_child *ch = &t->child[j];

				if (ch->in.spi != ev->sa.spi && ch->out.spi != ev->sa.spi)
					continue;
				ike_child_expire(rt->ike,
						 ev->sa.proto == IPPROTO_AH ? IKE_PROTO_AH
									    : IKE_PROTO_ESP,
						 ch->st.spi_in, ev->hard);
				return;
			}
		}
		break;
	}
}

size_t rt_poll_fds(const struct eng_rt *rt, int *fds, size_t max)
{
	size_t n;

	if (!rt)
		return 0;
	n = ike_sock_fds(&rt->sock, fds, max);
	if (rt->kernel_ev_fd >= 0 && n < max)
		fds[n++] = rt->kernel_ev_fd;
	n += rt_icmp_fds(rt, fds + n, max - n);
	return n;
}

int64_t rt_next_ms(const struct eng_rt *rt)
{
	uint64_t next;

	if (!rt)
		return -1;
	next = ike_next_timeout(rt->ike);
	if (rt->n_orphans && (uint64_t)eng_now_ms() + 50 < next)
		next = (uint64_t)eng_now_ms() + 50;
	for (size_t i = 0; i < rt->n_tun; i++) {
		const struct rt_tun *t = rt->tun[i];
		/* a resolution in flight is looked at every 50 ms */
		uint64_t due = t->gai || rt->n_orphans ? (uint64_t)eng_now_ms() + 50
			       : t->advance	       ? (uint64_t)t->next_try_ms
						       : UINT64_MAX;

		if (due < next)
			next = due;
		if (t->idletime && t->n_child && (uint64_t)rt->idle_check_ms < next)
			next = (uint64_t)rt->idle_check_ms;
	}
	{
		int64_t icmp = rt_icmp_next_ms(rt);

		if (icmp >= 0 && (uint64_t)icmp < next)
			next = (uint64_t)icmp;
	}
	return next == UINT64_MAX ? -1 : (int64_t)next;
}

void rt_tick(struct eng_rt *rt)
{
	int fds[IKE_SOCK_SLOTS];
	size_t n;

	if (!rt)
		return;
	n = ike_sock_fds(&rt->sock, fds, IKE_SOCK_SLOTS);
	for (size_t i = 0; i < n; i++) {
		/* a bounded drain, so that one busy socket cannot starve the rest */
		for (int budget = 64; budget > 0; budget--) {
			struct ike_dgram d = {.buf = rt->rxbuf};
			struct ike_addr src, dst;
			int rc = ike_sock_recv(&rt->sock, fds[i], &d, IKE_SOCK_MAX_DGRAM);

			if (rc < 0)
				break;
			if (rc == 0)
				continue;
			ike_from_ss(&src, &d.peer);
			ike_from_ss(&dst, &d.local);
			ike_input(rt->ike, &src, &dst, d.buf, d.len);
		}
	}
	if (rt->kernel_ev_fd >= 0)
		kernel_events_read(rt->k, on_kernel_event, rt);
	ike_tick(rt->ike);
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		if (t->gai)
			resolve_poll(rt, t);
		else if (t->advance && eng_now_ms() >= t->next_try_ms)
			advance_remote(rt, t);
	}
	if (rt->n_orphans)
		orphans_reap(rt, false);
	if (rt->fw_dirty)
		rt_fw_sync(rt);
	rt_icmp_tick(rt);
	if (eng_now_ms() >= rt->idle_check_ms) {
		rt->idle_check_ms = eng_now_ms() + 1000;
		idle_check(rt);
	}
}

/* ---- Open and close -------------------------------------------------------- */

static int bypass(void *arg, int fd, int family)
{
	struct eng_rt *rt = arg;

	return kernel_bypass_socket(rt->k, fd, family);
}

int rt_open(const struct eng_runtime_opts *o, struct eng_log *log, struct eng_rt **out,
	    struct eng_diag *diag)
{
	struct ike_sock_cfg scfg = {0};
	struct ike_env env = {
	    .send = env_send,
	    .child_install = env_child_install,
	    .child_delete = env_child_delete,
	    .child_update = env_child_update,
	    .now_ms = env_now_ms,
	    .log = env_log,
	    .status = env_status,
	};
	struct ike_opts iopts;
	struct eng_rt *rt;
	char buf[512];
	int rc;

	*out = NULL;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return -ENOMEM;
	rt->log = log;
	rt->opts = *o;
	rt->kernel_ev_fd = -1;
	rt_icmp_init(rt);
	for (int i = 0; i < IKE_SOCK_SLOTS; i++)
		rt->sock.fd[i] = -1;
	rt->rxbuf = malloc(IKE_SOCK_MAX_DGRAM);
	if (!rt->rxbuf) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = kernel_open(o->kernel == ENG_KERNEL_FAKE ? KERNEL_IMPL_FAKE : KERNEL_IMPL_XFRM, NULL,
			 &rt->k);
	if (rc) {
		eng_diag_addf(diag, "cannot open the kernel's IPsec interface: %s", strerror(-rc));
		goto fail;
	}
	scfg.port = o->ike_port;
	scfg.natt_port = o->natt_port;
	if (o->bind.family) {
		struct ike_addr a;

		ike_addr_from(&a, &o->bind, 0);
		ss_from_ike(&scfg.bind_addr, &a);
	}
	scfg.prepare = bypass;
	scfg.prepare_arg = rt;
	rc = ike_sock_open(&rt->sock, &scfg);
	if (rc) {
		eng_diag_addf(diag, "cannot open the IKE sockets (UDP %u/%u): %s",
			      o->ike_port ? o->ike_port : IKE_PORT,
			      o->natt_port ? o->natt_port : IKE_NATT_PORT,
			      rc == -EPERM && rt->k ? kernel_strerror(rt->k, buf, sizeof(buf))
						    : strerror(-rc));
		goto fail;
	}
	rc = fw_open(o->kernel == ENG_KERNEL_FAKE ? FW_IMPL_FAKE : FW_IMPL_NFT, &rt->fw);
	if (rc)
		eng_logf(log, ENG_LOG_WARNING, "no nftables (firewall-rule): %s", strerror(-rc));
	rc = kernel_events_fd(rt->k);
	if (rc >= 0)
		rt->kernel_ev_fd = rc;
	else
		eng_logf(log, ENG_LOG_WARNING, "no kernel events (on-demand, expiry): %s",
			 strerror(-rc));
	env.ctx = rt;
	ike_opts_default(&iopts);
	if (o->retransmit_ms)
		iopts.retransmit_timeout_ms = o->retransmit_ms;
	if (o->retransmit_tries)
		iopts.retransmit_tries = o->retransmit_tries;
	rc = ike_engine_new(&env, &iopts, &rt->ike);
	if (rc) {
		eng_diag_addf(diag, "cannot start the IKE engine: %s", strerror(-rc));
		goto fail;
	}
	*out = rt;
	return 0;
fail:
	fw_close(rt->fw);
	rt_icmp_close(rt);
	ike_sock_close(&rt->sock);
	if (rt->k)
		kernel_close(rt->k);
	free(rt->rxbuf);
	free(rt);
	return rc;
}

void rt_set_limits(struct eng_rt *rt, const struct eng_global *g)
{
	struct ike_opts o;

	ike_opts_default(&o);
	if (g->ike_cookie_challenge)
		o.half_open_cookie = g->ike_cookie_challenge;
	if (g->ike_max_negotiating)
		o.half_open_max = g->ike_max_negotiating;
	if (g->ike_half_open_peer)
		o.half_open_per_peer = g->ike_half_open_peer;
	if (g->ike_half_open_prefix)
		o.half_open_per_prefix = g->ike_half_open_prefix;
	ike_engine_set_limits(rt->ike, &o);
}

struct kernel *rt_kernel(struct eng_rt *rt)
{
	return rt ? rt->k : NULL;
}

void rt_close(struct eng_rt *rt)
{
	if (!rt)
		return;
	/* tell the peers, then remove what this engine installed; only then
	 * free: the IKE core's callbacks look tunnels up while it tears down */
	for (size_t i = 0; i < rt->n_tun; i++) {
		tun_unconfigure(rt, rt->tun[i]);
		iface_drop(rt, rt->tun[i]);
		gre_drop(rt, rt->tun[i]);
	}
	for (size_t i = 0; i < rt->n_tun; i++)
		tun_free(rt, rt->tun[i]);
	rt->n_tun = 0;
	free(rt->tun);
	free(rt->marks);
	tun_index_free(rt);
	orphans_reap(rt, true);
	free(rt->orphans);
	ike_engine_free(rt->ike);
	fw_close(rt->fw); /* the table goes with the policies it guarded */
	rt_icmp_close(rt);
	kernel_flush_own(rt->k);
	kernel_close(rt->k);
	ike_sock_close(&rt->sock);
	free(rt->rxbuf);
	free(rt);
}
