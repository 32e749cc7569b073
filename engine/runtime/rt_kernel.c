/*
 * rt_kernel.c - what a tunnel installs in the kernel, through the seam:
 * CHILD_SA pairs, their policies, on-demand trap policies, the
 * xfrm-interface; every operation explained under `debug kernel xfrm`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rt_int.h"

/* Whatever the IKE core negotiates and the configuration names, the kernel seam holds. */
_Static_assert(ENCR_MAX_KEY <= KERNEL_KEY_MAX, "a CHILD_SA's encryption key fits");
_Static_assert(INTEG_MAX_KEY <= KERNEL_KEY_MAX, "a CHILD_SA's integrity key fits");
_Static_assert(ENG_IFNAME_MAX <= KERNEL_IFNAME_MAX, "an xfrm-interface name fits");

static void xfrm_debug(struct eng_rt *rt, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void xfrm_debug(struct eng_rt *rt, int rc, const char *fmt, ...)
{
	char what[256], err[512];
	va_list ap;

	if (!(rt->log->debug & ENG_DEBUG_XFRM))
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (rc)
		eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: %s: %s", what,
			   kernel_strerror(rt->k, err, sizeof(err)));
	else
		eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: %s: ok", what);
}

static const char *kaddr_str(const struct kernel_addr *a, char *buf, size_t len)
{
	struct eng_addr e = {.family = a->family};

	memcpy(e.bytes, a->bytes, sizeof(e.bytes));
	return a->family ? eng_addr_str(&e, buf, len) : "any";
}

int k_sa_add(struct eng_rt *rt, const struct kernel_sa *sa)
{
	char s[64], d[64];
	int rc = kernel_sa_add(rt->k, sa);

	xfrm_debug(rt, rc, "add SA %s spi 0x%08" PRIx32 " %s -> %s reqid %" PRIu32,
		   sa->proto == IPPROTO_AH ? "ah" : "esp", sa->spi,
		   kaddr_str(&sa->src, s, sizeof(s)), kaddr_str(&sa->dst, d, sizeof(d)), sa->reqid);
	return rc;
}

/* UPDSA: the SA's encapsulation follows a peer's new NAT mapping. */
int k_sa_update(struct eng_rt *rt, const struct kernel_sa *sa)
{
	char s[64], d[64];
	int rc = kernel_sa_update(rt->k, sa);

	xfrm_debug(rt, rc, "update SA %s spi 0x%08" PRIx32 " %s -> %s port %u -> %u",
		   sa->proto == IPPROTO_AH ? "ah" : "esp", sa->spi,
		   kaddr_str(&sa->src, s, sizeof(s)), kaddr_str(&sa->dst, d, sizeof(d)),
		   sa->encap.sport, sa->encap.dport);
	return rc;
}

int k_sa_del(struct eng_rt *rt, const struct kernel_sa_id *id)
{
	char d[64];
	int rc = kernel_sa_del(rt->k, id);

	xfrm_debug(rt, rc, "delete SA %s spi 0x%08" PRIx32 " dst %s",
		   id->proto == IPPROTO_AH ? "ah" : "esp", id->spi,
		   kaddr_str(&id->dst, d, sizeof(d)));
	return rc;
}

static const char *dir_name(uint8_t dir)
{
	return dir == KERNEL_DIR_OUT ? "out" : dir == KERNEL_DIR_IN ? "in" : "fwd";
}

static int k_policy_update(struct eng_rt *rt, const struct kernel_policy *p)
{
	char s[64], d[64];
	int rc = kernel_policy_update(rt->k, p);

	xfrm_debug(rt, rc, "policy %s/%u -> %s/%u dir %s reqid %" PRIu32,
		   kaddr_str(&p->sel.src, s, sizeof(s)), p->sel.src_len,
		   kaddr_str(&p->sel.dst, d, sizeof(d)), p->sel.dst_len, dir_name(p->dir),
		   p->reqid);
	return rc;
}

static int k_policy_del(struct eng_rt *rt, const struct kernel_policy_id *id)
{
	char s[64], d[64];
	int rc = kernel_policy_del(rt->k, id);

	xfrm_debug(rt, rc, "delete policy %s/%u -> %s/%u dir %s",
		   kaddr_str(&id->sel.src, s, sizeof(s)), id->sel.src_len,
		   kaddr_str(&id->sel.dst, d, sizeof(d)), id->sel.dst_len, dir_name(id->dir));
	return rc;
}

/* ---- Kernel state of a tunnel ------------------------------------------- */

static void count_add(struct eng_sa_count *sum, const struct kernel_sa_stats *st)
{
	sum->bytes += st->bytes;
	sum->packets += st->packets;
	sum->replay_errors += st->replay_fail + st->replay_window_fail;
	sum->integrity_errors += st->integrity_fail;
}

static void count_sub(struct eng_sa_count *a, const struct eng_sa_count *base)
{
	a->bytes = a->bytes >= base->bytes ? a->bytes - base->bytes : 0;
	a->packets = a->packets >= base->packets ? a->packets - base->packets : 0;
	a->replay_errors =
	    a->replay_errors >= base->replay_errors ? a->replay_errors - base->replay_errors : 0;
	a->integrity_errors = a->integrity_errors >= base->integrity_errors
				  ? a->integrity_errors - base->integrity_errors
				  : 0;
}

/* The kernel's counters of both SAs, less the baseline of the last clear. */
void child_counters(struct eng_rt *rt, struct rt_child *c)
{
	struct kernel_sa_stats st;

	memset(&c->st.in, 0, sizeof(c->st.in));
	memset(&c->st.out, 0, sizeof(c->st.out));
	if (kernel_sa_counters(rt->k, &c->in, &st) == 0)
		count_add(&c->st.in, &st);
	if (kernel_sa_counters(rt->k, &c->out, &st) == 0)
		count_add(&c->st.out, &st);
	count_sub(&c->st.in, &c->base_in);
	count_sub(&c->st.out, &c->base_out);
}

void child_remove(struct eng_rt *rt, struct rt_tun *t, size_t i)
{
	struct rt_child *c = &t->child[i];

	/* what the SAs carried stays in the tunnel's totals */
	child_counters(rt, c);
	t->total_in.bytes += c->st.in.bytes;
	t->total_in.packets += c->st.in.packets;
	t->total_out.bytes += c->st.out.bytes;
	t->total_out.packets += c->st.out.packets;
	eng_debugf(rt->log, ENG_DEBUG_IPSEC,
		   "IPSEC: tunnel %s: CHILD_SA in 0x%08" PRIx32 " out 0x%08" PRIx32
		   " removed after %" PRIu64 "/%" PRIu64 " packets in/out",
		   t->name, c->st.spi_in, c->st.spi_out, c->st.in.packets, c->st.out.packets);
	k_sa_del(rt, &c->in);
	k_sa_del(rt, &c->out);
	memmove(&t->child[i], &t->child[i + 1], (t->n_child - i - 1) * sizeof(t->child[0]));
	t->n_child--;
}

void policies_remove(struct eng_rt *rt, struct rt_tun *t)
{
	for (size_t i = 0; i < t->n_pol; i++)
		k_policy_del(rt, &t->pol[i]);
	t->n_pol = 0;
}

void tun_kernel_clear(struct eng_rt *rt, struct rt_tun *t)
{
	while (t->n_child)
		child_remove(rt, t, t->n_child - 1);
	policies_remove(rt, t);
}

static bool range_prefix(const struct ike_ts_range *r, struct kernel_addr *a, uint8_t *len)
{
	size_t n = r->family == AF_INET ? 4 : 16;
	unsigned bits = 0;
	size_t i = 0;

	/* start..end is a prefix when the bytes agree, then start is all
	 * zeros and end all ones from the first differing bit on */
	while (i < n && r->start[i] == r->end[i])
		i++;
	bits = (unsigned)i * 8;
	if (i < n) {
		uint8_t diff = r->start[i] ^ r->end[i];
		unsigned lead = 0;

		while (lead < 8 && !(diff & (0x80 >> lead)))
			lead++;
		uint8_t low = (uint8_t)(0xff >> lead);

		if ((r->start[i] & low) != 0 || (r->end[i] & low) != low)
			return false;
		bits += lead;
		for (size_t j = i + 1; j < n; j++)
			if (r->start[j] != 0 || r->end[j] != 0xff)
				return false;
	}
	memset(a, 0, sizeof(*a));
	a->family = r->family;
	memcpy(a->bytes, r->start, n);
	*len = (uint8_t)bits;
	return true;
}

void prefix_from_range(struct eng_prefix *p, const struct ike_ts_range *r)
{
	struct kernel_addr a;
	uint8_t len;

	memset(p, 0, sizeof(*p));
	if (!range_prefix(r, &a, &len))
		return;
	p->addr.family = a.family;
	memcpy(p->addr.bytes, a.bytes, 16);
	p->len = len;
}

static int policy_put(struct eng_rt *rt, struct rt_tun *t, struct kernel_policy *p)
{
	struct kernel_policy_id id;
	int rc;

	if (t->ifname[0] && t->if_kind == KERNEL_IFACE_VTI)
		p->mark = (struct kernel_mark){t->if_id, 0xffffffffu};
	else if (t->ifname[0])
		p->if_id = t->if_id;

	p->priority = kernel_policy_priority(&p->sel);
	kernel_policy_id_of(p, &id);
	bool known = false;

	for (size_t i = 0; i < t->n_pol && !known; i++)
		known = memcmp(&t->pol[i], &id, sizeof(id)) == 0;
	/* a policy this tunnel could not remove later is not installed */
	if (!known && t->n_pol == RT_POLICIES)
		return -ENOSPC;
	rc = k_policy_update(rt, p);
	if (rc)
		return rc;
	if (!known)
		t->pol[t->n_pol++] = id;
	return 0;
}

void sa_fill(struct kernel_sa *sa, const struct ike_child_sa *c, bool in, bool natt)
{
	memset(sa, 0, sizeof(*sa));
	kaddr_from_ike(&sa->src, in ? &c->remote : &c->local);
	kaddr_from_ike(&sa->dst, in ? &c->local : &c->remote);
	sa->spi = in ? c->spi_in : c->spi_out;
	sa->proto = c->protocol == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	sa->mode = c->mode == IKE_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	sa->reqid = c->reqid;
	sa->encr = c->encr;
	sa->encr_keybits = c->encr_bits;
	sa->integ = c->integ;
	sa->enc_key_len = (uint16_t)c->encr_key_len;
	memcpy(sa->enc_key, in ? c->encr_key_in : c->encr_key_out, c->encr_key_len);
	sa->integ_key_len = (uint16_t)c->integ_key_len;
	memcpy(sa->integ_key, in ? c->integ_key_in : c->integ_key_out, c->integ_key_len);
	sa->esn = c->esn;
	sa->replay_window = in ? RT_REPLAY_WINDOW : 0;
	sa->lft.soft_add_s = c->lifetime_soft_s;
	sa->lft.hard_add_s = c->lifetime_hard_s;
	sa->lft.soft_bytes = c->lifetime_soft_kb * 1024;
	sa->lft.hard_bytes = c->lifetime_hard_kb * 1024;
	sa->if_id = c->if_id;
	if (natt) {
		sa->encap.on = true;
		sa->encap.sport = in ? c->remote.port : c->local.port;
		sa->encap.dport = in ? c->local.port : c->remote.port;
	}
}

/* A port range as a selector: any (0) or one port; false otherwise. */
static bool port_sel(const struct ike_ts_range *r, uint16_t *port)
{
	if (r->port_start == 0 && r->port_end == 65535) {
		*port = 0;
		return true;
	}
	if (r->port_start == r->port_end) {
		*port = r->port_start;
		return true;
	}
	return false;
}

int child_policies(struct eng_rt *rt, struct rt_tun *t, const struct ike_child_sa *c)
{
	int rc = 0;

	for (size_t i = 0; i < c->n_ts_local && !rc; i++) {
		for (size_t j = 0; j < c->n_ts_remote && !rc; j++) {
			struct kernel_addr la, ra;
			uint8_t ll, rl;
			struct kernel_policy p = {0};

			const struct ike_ts_range *lt = &c->ts_local[i], *rt_ = &c->ts_remote[j];

			if (lt->family != rt_->family)
				continue;
			/* a range that is no subnet, or a port range that is no
			 * single port, cannot be a kernel selector: refused, never
			 * installed wider or without a policy */
			if (!range_prefix(lt, &la, &ll) || !range_prefix(rt_, &ra, &rl) ||
			    !port_sel(lt, &p.sel.sport) || !port_sel(rt_, &p.sel.dport) ||
			    (lt->proto && rt_->proto && lt->proto != rt_->proto))
				return -EINVAL;
			p.action = KERNEL_POLICY_IPSEC;
			p.proto = c->protocol == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
			p.mode = c->mode == IKE_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT
							       : KERNEL_MODE_TUNNEL;
			p.reqid = c->reqid;
			p.sel.proto = lt->proto ? lt->proto : rt_->proto;
			/* out: ours -> theirs */
			p.dir = KERNEL_DIR_OUT;
			p.sel.src = la, p.sel.src_len = ll;
			p.sel.dst = ra, p.sel.dst_len = rl;
			kaddr_from_ike(&p.tmpl_src, &c->local);
			kaddr_from_ike(&p.tmpl_dst, &c->remote);
			rc = policy_put(rt, t, &p);
			if (rc)
				break;
			/* in and fwd: theirs -> ours */
			p.sel.src = ra, p.sel.src_len = rl;
			p.sel.dst = la, p.sel.dst_len = ll;
			kaddr_from_ike(&p.tmpl_src, &c->remote);
			kaddr_from_ike(&p.tmpl_dst, &c->local);
			uint16_t port = p.sel.sport;

			p.sel.sport = p.sel.dport;
			p.sel.dport = port;
			p.dir = KERNEL_DIR_IN;
			rc = policy_put(rt, t, &p);
			if (!rc && p.mode == KERNEL_MODE_TUNNEL) {
				p.dir = KERNEL_DIR_FWD;
				rc = policy_put(rt, t, &p);
			}
		}
	}
	return rc;
}

/*
 * A tunnel's policies before it has an SA, and after its last one went:
 * with a template and no SA they drop the subnets' traffic rather than let
 * it out in clear, and an outbound packet makes the kernel send an ACQUIRE
 * (what starts an on-demand tunnel).  The CHILD_SAs' policies replace them
 * in place (same selectors), without a gap.  Their reqid is the tunnel's
 * trap reqid, which no SA has: where the peer narrowed the selectors, the
 * part left to a trap never resolves to the narrower CHILD_SA (outbound it
 * waits for an SA, inbound the template does not match).
 */
/* The trap policies about to be queued are this tunnel's. */
static void trap_mark(struct eng_rt *rt, struct rt_tun *t)
{
	if (!kernel_batch_active(rt->k))
		return;
	if (rt->n_marks == rt->cap_marks) {
		size_t cap = rt->cap_marks ? rt->cap_marks * 2 : 256;
		struct rt_trap_mark *v = realloc(rt->marks, cap * sizeof(*v));

		if (!v)
			return; /* a refusal is then only logged */
		rt->marks = v;
		rt->cap_marks = cap;
	}
	rt->marks[rt->n_marks++] = (struct rt_trap_mark){kernel_batch_pos(rt->k), 0, t};
}

static void trap_mark_end(struct eng_rt *rt, struct rt_tun *t)
{
	if (kernel_batch_active(rt->k) && rt->n_marks && rt->marks[rt->n_marks - 1].t == t)
		rt->marks[rt->n_marks - 1].end = kernel_batch_pos(rt->k);
}

bool sync_batch_begin(struct eng_rt *rt)
{
	rt->n_marks = 0;
	return kernel_batch_begin(rt->k) == 0;
}

/* A queued operation the kernel refused: a tunnel's trap policy, or
 * (removing what is gone already) nothing to tell anyone but debug. */
static void sync_failed(void *arg, unsigned index, const struct kernel_err *e)
{
	struct eng_rt *rt = arg;
	size_t lo = 0, hi = rt->n_marks;
	char why[512];

	if (e->msg[0])
		snprintf(why, sizeof(why), "%s: %s (%s)", e->what, strerror(-e->err), e->msg);
	else
		snprintf(why, sizeof(why), "%s: %s", e->what, strerror(-e->err));
	while (lo < hi) { /* the last mark starting at or before index */
		size_t mid = lo + (hi - lo) / 2;

		if (rt->marks[mid].first <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && index < rt->marks[lo - 1].end) {
		char reason[600];

		snprintf(reason, sizeof(reason), "policies: %s", why);
		set_reason(rt->marks[lo - 1].t, reason);
		return;
	}
	eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: %s", why);
}

void sync_batch_commit(struct eng_rt *rt)
{
	kernel_batch_commit(rt->k, sync_failed, rt);
	rt->n_marks = 0;
}

/* The smallest prefix length of the configured subnets of a family, no
 * shorter than floor: shorter ones stay in the kernel's inexact lists. */
static uint8_t min_prefix(const struct rt_tunnel *tunnels, size_t n, uint8_t family, uint8_t floor,
			  uint8_t max)
{
	uint8_t best = max;

	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel *t = tunnels[i].t;
		const struct eng_prefix *v[2] = {t->local_subnet, t->remote_subnet};
		const size_t nv[2] = {t->n_local_subnet, t->n_remote_subnet};

		if (t->shutdown)
			continue;
		for (size_t s = 0; s < 2; s++)
			for (size_t j = 0; j < nv[s] && j < ENG_SUBNETS_MAX; j++)
				if (v[s][j].addr.family == family && v[s][j].len < best)
					best = v[s][j].len < floor ? floor : v[s][j].len;
	}
	return best;
}

void spd_thresholds(struct eng_rt *rt, const struct rt_tunnel *tunnels, size_t n)
{
	struct kernel_hthresh h = {0};
	uint8_t v4 = min_prefix(tunnels, n, AF_INET, 8, 32);
	uint8_t v6 = min_prefix(tunnels, n, AF_INET6, 32, 128);

	if (rt->hthresh_refused)
		return;
	/* only ever lowered from the kernel's own 32 / 128: another
	 * configuration's policies lose nothing by it */
	h.v4 = v4 < 32 && (!rt->hthresh4 || v4 < rt->hthresh4);
	h.v6 = v6 < 128 && (!rt->hthresh6 || v6 < rt->hthresh6);
	if (!h.v4 && !h.v6)
		return;
	h.v4_lbits = h.v4_rbits = h.v4 ? v4 : 0;
	h.v6_lbits = h.v6_rbits = h.v6 ? v6 : 0;
	if (kernel_spd_hthresh(rt->k, &h) != 0) {
		char err[512];

		rt->hthresh_refused = true;
		eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: policy hash thresholds: %s",
			   kernel_strerror(rt->k, err, sizeof(err)));
		return;
	}
	if (h.v4)
		rt->hthresh4 = v4;
	if (h.v6)
		rt->hthresh6 = v6;
	eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: policies hashed from /%u (IPv4), /%u (IPv6)",
		   rt->hthresh4 ? rt->hthresh4 : 32, rt->hthresh6 ? rt->hthresh6 : 128);
}

int traps_install(struct eng_rt *rt, struct rt_tun *t)
{
	const struct ike_peer_conf *c = &t->conf;
	int rc = 0;

	trap_mark(rt, t);

	for (size_t i = 0; i < c->n_local_net && !rc; i++) {
		for (size_t j = 0; j < c->n_remote_net && !rc; j++) {
			struct kernel_policy p = {0};
			struct kernel_addr l = {0}, r = {0};

			if (c->local_net[i].family != c->remote_net[j].family)
				continue;
			l.family = c->local_net[i].family;
			memcpy(l.bytes, c->local_net[i].addr, 16);
			r.family = c->remote_net[j].family;
			memcpy(r.bytes, c->remote_net[j].addr, 16);
			p.action = KERNEL_POLICY_IPSEC;
			p.proto = c->child_proto == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
			p.mode = c->mode == IKE_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT
							       : KERNEL_MODE_TUNNEL;
			p.reqid = t->trap_reqid;
			p.dir = KERNEL_DIR_OUT;
			p.sel.src = l, p.sel.src_len = c->local_net[i].prefixlen;
			p.sel.dst = r, p.sel.dst_len = c->remote_net[j].prefixlen;
			/* a protocol selector (gre-tunnel: GRE only) holds the rest back too */
			if (c->local_net[i].proto && c->remote_net[j].proto &&
			    c->local_net[i].proto != c->remote_net[j].proto)
				continue;
			p.sel.proto =
			    c->local_net[i].proto ? c->local_net[i].proto : c->remote_net[j].proto;
			kaddr_from_ike(&p.tmpl_src, &c->local);
			kaddr_from_ike(&p.tmpl_dst, &c->remote);
			rc = policy_put(rt, t, &p);
			if (rc)
				break;
			p.dir = KERNEL_DIR_IN;
			p.sel.src = r, p.sel.src_len = c->remote_net[j].prefixlen;
			p.sel.dst = l, p.sel.dst_len = c->local_net[i].prefixlen;
			kaddr_from_ike(&p.tmpl_src, &c->remote);
			kaddr_from_ike(&p.tmpl_dst, &c->local);
			rc = policy_put(rt, t, &p);
			if (!rc && p.mode == KERNEL_MODE_TUNNEL) {
				p.dir = KERNEL_DIR_FWD;
				rc = policy_put(rt, t, &p);
			}
		}
	}
	trap_mark_end(rt, t);
	return rc;
}

/* ---- xfrm-interface ----------------------------------------------------- */

void iface_drop(struct eng_rt *rt, struct rt_tun *t)
{
	if (!t->ifname[0])
		return;
	if (kernel_iface_delete(rt->k, t->ifname) == 0)
		eng_debugf(rt->log, ENG_DEBUG_XFRM, "XFRM: interface %s deleted", t->ifname);
	t->ifname[0] = '\0';
}

/*
 * Route-based VPN: an XFRM interface (or VTI where the kernel has none)
 * whose traffic the tunnel's SAs carry.  Made once, kept while the tunnel
 * keeps it in its configuration.
 */
int iface_ensure(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg)
{
	struct kernel_iface ifc = {.kind = KERNEL_IFACE_AUTO};
	char err[512];
	int rc;

	if (t->ifname[0] &&
	    (strcmp(t->ifname, cfg->xfrm_if.name) != 0 || t->if_id != cfg->xfrm_if.if_id))
		iface_drop(rt, t);
	if (!cfg->xfrm_if.name[0] || t->ifname[0])
		return 0;
	snprintf(ifc.name, sizeof(ifc.name), "%s", cfg->xfrm_if.name);
	ifc.if_id = cfg->xfrm_if.if_id;
	kaddr_from_ike(&ifc.local, &t->conf.local);
	kaddr_from_ike(&ifc.remote, &t->conf.remote);
	rc = kernel_iface_create(rt->k, &ifc);
	if (rc) {
		char why[300];

		snprintf(why, sizeof(why), "xfrm-interface %s: %s", ifc.name,
			 kernel_strerror(rt->k, err, sizeof(err)));
		set_reason(t, why);
		eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: %s", t->name, why);
		return rc;
	}
	kernel_iface_up(rt->k, ifc.name, true);
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifc.name);
	t->if_id = ifc.if_id;
	t->if_kind = ifc.kind;
	eng_logf(rt->log, ENG_LOG_INFO, "tunnel %s: interface %s (%s, id %" PRIu32 ") is up",
		 t->name, ifc.name, ifc.kind == KERNEL_IFACE_VTI ? "VTI" : "XFRM", ifc.if_id);
	return 0;
}
