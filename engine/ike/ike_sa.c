/* SPDX-License-Identifier: ISC */
/*
 * The engine: tunnels and their configuration, the IKE SA table, the entry
 * points (input, tick, initiate, delete) and the dispatch of a received
 * message to the exchange that handles it. Every datagram that is not
 * processed is counted under one reason in struct ike_stats.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike_sa.h"

void ike_opts_default(struct ike_opts *o)
{
	*o = (struct ike_opts){
	    .half_open_cookie = 30,
	    .half_open_per_peer = 5,
	    .half_open_per_prefix = 500,
	    .half_open_max = 5000,
	    .init_max_len = 4096,
	    .reply_rate = 2000,
	    .reply_rate_per_prefix = 500,
	    .cookie_rotate_ms = 60000,
	    .cookie_overlap_ms = 10000,
	    .retransmit_tries = 5,
	    .retransmit_timeout_ms = 4000,
	    .retransmit_base_permil = 1800,
	    .half_open_timeout_ms = 30000,
	    .log_level = IKE_LOG_INFO,
	};
}

uint64_t ike_now(const struct ike_engine *e)
{
	return e->env.now_ms(e->env.ctx);
}

void ike_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void ike_log(struct ike_engine *e, enum ike_log_level lvl, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (e->env.log == NULL || lvl > e->opts.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->env.log(e->env.ctx, lvl, msg);
}

void ike_drop(struct ike_engine *e, uint64_t *counter, const struct ike_addr *peer, const char *fmt,
	      ...)
{
	char why[256], a[IKE_ADDR_STRLEN];
	va_list ap;

	(*counter)++;
	if (e->env.log == NULL || IKE_LOG_INFO > e->opts.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (peer)
		ike_log(e, IKE_LOG_INFO, "dropped message from %s: %s",
			ike_addr_str(peer, a, sizeof(a)), why);
	else
		ike_log(e, IKE_LOG_INFO, "dropped message: %s", why);
}

uint64_t ike_rekey_time(struct ike_engine *e, uint32_t lifetime_s)
{
	uint64_t ms = (uint64_t)lifetime_s * 1000, margin = ms / 10;
	uint32_t r = 0;

	crypto_random_bytes((uint8_t *)&r, sizeof(r));
	margin += r % (ms / 20 + 1);
	return ike_now(e) + ms - margin;
}

void ike_sa_lifetimes(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	uint32_t life = sa->tun ? sa->tun->conf.ike_lifetime_s : 0;

	sa->ike_rekey_at = 0;
	sa->ike_expire_at = 0;
	ike_sa_touch(sa);
	if (life == 0)
		return;
	/* the initiator rekeys; either side deletes an SA that outlived its lifetime by 10 % */
	if (sa->initiator && !sa->tun->conf.no_rekey)
		sa->ike_rekey_at = ike_rekey_time(e, life);
	sa->ike_expire_at = ike_now(e) + (uint64_t)life * (sa->tun->conf.no_rekey ? 1000 : 1100);
}

/* A tunnel is to (re)initiate at at (0: not); the tick's scan of tunnels runs from then. */
static void ike_tun_retry(struct ike_engine *e, struct ike_tunnel *t, uint64_t at)
{
	t->retry_at = at;
	if (at && at < e->retry_min)
		e->retry_min = at;
}

/* start-mode auto: plan the next attempt, backing off after failures. */
static void ike_tun_plan_restart(struct ike_tunnel *t, struct ike_engine *e)
{
	uint64_t delay = IKE_RESTART_BASE_MS;

	/* another address of the peer is tried at once; back-off once all were */
	if (t->next_now) {
		t->next_now = false;
		ike_tun_retry(e, t, ike_now(e));
		return;
	}

	for (unsigned i = 1; i < t->failures && delay < IKE_RESTART_MAX_MS; i++)
		delay *= 2;
	if (delay > IKE_RESTART_MAX_MS)
		delay = IKE_RESTART_MAX_MS;
	ike_tun_retry(e, t, ike_now(e) + delay);
}

void ike_tun_status(struct ike_tunnel *t, struct ike_engine *e, enum ike_tunnel_state st)
{
	if (st == IKE_TUN_FAILED || st == IKE_TUN_IKE_NO_CHILD)
		t->failures++;
	if (st == IKE_TUN_UP)
		t->failures = 0;
	if ((st == IKE_TUN_FAILED || st == IKE_TUN_DOWN) &&
	    (t->conf.start == IKE_START_AUTO || t->restart))
		ike_tun_plan_restart(t, e);
	t->state = st;
	if (st == IKE_TUN_UP)
		t->last_error[0] = '\0';
	if (e->env.status)
		e->env.status(e->env.ctx, t->conf.name, st,
			      t->last_error[0] ? t->last_error : NULL);
}

void ike_tun_fail(struct ike_tunnel *t, struct ike_engine *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->last_error, sizeof(t->last_error), fmt, ap);
	va_end(ap);
	ike_log(e, IKE_LOG_ERROR, "tunnel %s: %s", t->conf.name, t->last_error);
	ike_tun_status(t, e, IKE_TUN_FAILED);
}

const char *ike_addr_str(const struct ike_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->addr, buf, (socklen_t)len) ==
	    NULL)
		snprintf(buf, len, "?");
	return buf;
}

bool ike_addr_equal(const struct ike_addr *a, const struct ike_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, n) == 0;
}

static bool ike_addr_ip_equal(const struct ike_addr *a, const struct ike_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && memcmp(a->addr, b->addr, n) == 0;
}

void ike_set_log_level(struct ike_engine *e, enum ike_log_level lvl)
{
	e->opts.log_level = lvl;
}

bool ike_log_enabled(const struct ike_engine *e, enum ike_log_level lvl)
{
	return e->env.log && lvl <= e->opts.log_level;
}

/* "IKE_AUTH request #1 [ IDi AUTH N(INITIAL_CONTACT) SA TSi TSr ]" for packet debug. */
void ike_log_msg(struct ike_engine *e, const char *what, const struct ike_addr *peer,
		 const struct ike_msg *m)
{
	char buf[400], nb[40], a[IKE_ADDR_STRLEN];
	size_t off = 0;

	if (!ike_log_enabled(e, IKE_LOG_DEBUG))
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < m->npld && off + 40 < sizeof(buf); i++) {
		const struct ike_pld *p = &m->pld[i];
		struct ike_notify n;
		int k;

		if (p->type == IKE_PLD_SK)
			continue;
		if (p->type == IKE_PLD_NOTIFY && ike_parse_notify(p, &n) == 0)
			k = snprintf(buf + off, sizeof(buf) - off, " N(%s)",
				     ike_notify_name(n.type, nb, sizeof(nb)));
		else
			k = snprintf(buf + off, sizeof(buf) - off, " %s",
				     ike_payload_name(p->type, nb, sizeof(nb)));
		if (k < 0)
			break;
		off += (size_t)k;
	}
	ike_log(e, IKE_LOG_DEBUG, "%s %s %s #%u %s %s [%s ]", what,
		ike_exchange_name(m->hdr.exchange, nb, sizeof(nb)),
		m->hdr.flags & IKE_FLAG_RESPONSE ? "response" : "request", m->hdr.msgid,
		what[0] == 's' ? "to" : "from", ike_addr_str(peer, a, sizeof(a)), buf);
}

/* ---- engine ---- */

int ike_engine_new(const struct ike_env *env, const struct ike_opts *opts, struct ike_engine **out)
{
	struct ike_engine *e;
	int ret;

	if (env == NULL || env->send == NULL || env->now_ms == NULL || env->child_install == NULL ||
	    env->child_delete == NULL)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->env = *env;
	if (opts)
		e->opts = *opts;
	else
		ike_opts_default(&e->opts);
	if (e->opts.retransmit_tries == 0)
		e->opts.retransmit_tries = 1;
	ret = crypto_random_bytes(e->cookie_secret, sizeof(e->cookie_secret));
	if (ret == 0)
		ret = crypto_random_bytes((uint8_t *)&e->pfx_seed, sizeof(e->pfx_seed));
	if (ret < 0) {
		free(e);
		return ret;
	}
	e->cookie_rotate_at = ike_now(e) + e->opts.cookie_rotate_ms;
	e->retry_min = UINT64_MAX;
	*out = e;
	return 0;
}

void ike_engine_set_limits(struct ike_engine *e, const struct ike_opts *o)
{
	e->opts.half_open_cookie = o->half_open_cookie;
	e->opts.half_open_per_peer = o->half_open_per_peer;
	e->opts.half_open_per_prefix = o->half_open_per_prefix;
	e->opts.half_open_max = o->half_open_max;
}

/* ---- the timer heap ---- */

static void heap_set(struct ike_engine *e, size_t i, struct ike_sa *sa)
{
	e->heap[i] = sa;
	sa->heap_idx = i + 1;
}

static void heap_up(struct ike_engine *e, size_t i)
{
	struct ike_sa *sa = e->heap[i];

	while (i > 0 && e->heap[(i - 1) / 2]->due > sa->due) {
		heap_set(e, i, e->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(e, i, sa);
}

static void heap_down(struct ike_engine *e, size_t i)
{
	struct ike_sa *sa = e->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= e->heap_n)
			break;
		if (c + 1 < e->heap_n && e->heap[c + 1]->due < e->heap[c]->due)
			c++;
		if (e->heap[c]->due >= sa->due)
			break;
		heap_set(e, i, e->heap[c]);
		i = c;
	}
	heap_set(e, i, sa);
}

static void heap_remove(struct ike_engine *e, struct ike_sa *sa)
{
	size_t i = sa->heap_idx - 1;

	if (sa->heap_idx == 0)
		return;
	sa->heap_idx = 0;
	if (i == --e->heap_n)
		return;
	{
		struct ike_sa *moved = e->heap[e->heap_n];

		heap_set(e, i, moved);
		heap_down(e, i);
		heap_up(e, moved->heap_idx - 1);
	}
}

/* File sa under due (earlier or later than before). -ENOMEM: not filed. */
static int heap_put(struct ike_engine *e, struct ike_sa *sa, uint64_t due)
{
	if (sa->heap_idx == 0) {
		if (e->heap_n == e->heap_cap) {
			size_t cap = e->heap_cap ? e->heap_cap * 2 : 64;
			struct ike_sa **h = realloc(e->heap, cap * sizeof(*h));

			if (h == NULL)
				return -ENOMEM;
			e->heap = h;
			e->heap_cap = cap;
		}
		sa->due = due;
		heap_set(e, e->heap_n++, sa);
		heap_up(e, e->heap_n - 1);
		return 0;
	}
	sa->due = due;
	heap_up(e, sa->heap_idx - 1);
	heap_down(e, sa->heap_idx - 1);
	return 0;
}

void ike_sa_touch(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	if (sa->dirty)
		return;
	sa->dirty = true;
	sa->dirty_next = e->dirty;
	e->dirty = sa;
}

static uint64_t ike_sa_due(const struct ike_sa *sa);

/* File every touched SA under its due time now (dead ones leave the heap). */
static void ike_timers_flush(struct ike_engine *e)
{
	while (e->dirty) {
		struct ike_sa *sa = e->dirty;
		uint64_t t = sa->state == IKE_SA_DEAD ? UINT64_MAX : ike_sa_due(sa);

		e->dirty = sa->dirty_next;
		sa->dirty = false;
		sa->dirty_next = NULL;
		/* out of memory: not filed; the next touch tries again */
		if (t == UINT64_MAX)
			heap_remove(e, sa);
		else
			(void)heap_put(e, sa, t);
	}
}

static void ike_sa_hash_del(struct ike_sa *sa);

static void ike_sa_free(struct ike_sa *sa)
{
	heap_remove(sa->eng, sa);
	ike_sa_hash_del(sa);
	while (sa->children) {
		struct ike_child *c = sa->children;

		sa->children = c->next;
		ike_child_free(c);
	}
	if (sa->pending)
		ike_child_free(sa->pending);
	dh_key_free(sa->dh);
	dh_key_free(sa->pfs_dh);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->req.buf);
	free(sa->resp.buf);
	ike_frags_drop(&sa->req.frags);
	ike_frags_drop(&sa->resp.frags);
	ike_frag_rx_drop(&sa->frag_rx[0]);
	ike_frag_rx_drop(&sa->frag_rx[1]);
	kdf_ike_sa_keys_wipe(&sa->keys);
	sk_ctx_wipe(&sa->sk_in);
	sk_ctx_wipe(&sa->sk_out);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void ike_engine_free(struct ike_engine *e)
{
	if (e == NULL)
		return;
	while (e->sas) {
		struct ike_sa *sa = e->sas;

		e->sas = sa->next;
		ike_sa_free(sa);
	}
	while (e->tunnels) {
		struct ike_tunnel *t = e->tunnels;

		e->tunnels = t->next;
		ike_cert_conf_release(&t->conf.cert);
		OPENSSL_cleanse(t, sizeof(*t));
		free(t);
	}
	for (size_t i = 0; i < IKE_PFX_BUCKETS; i++) {
		while (e->pfx[i]) {
			struct ike_pfx *p = e->pfx[i];

			e->pfx[i] = p->next;
			free(p);
		}
	}
	OPENSSL_cleanse(e->cookie_secret, sizeof(e->cookie_secret));
	OPENSSL_cleanse(e->cookie_prev, sizeof(e->cookie_prev));
	free(e->heap);
	free(e);
}

const struct ike_stats *ike_engine_stats(const struct ike_engine *e)
{
	return &e->stats;
}

unsigned ike_half_open(const struct ike_engine *e)
{
	return e->n_half_open;
}

static unsigned ike_name_bucket(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h % IKE_TUN_BUCKETS;
}

static unsigned ike_ip_bucket(const struct ike_addr *a)
{
	uint32_t h = 2166136261u;
	size_t n = a->family == AF_INET6 ? 16 : 4;

	for (size_t i = 0; i < n; i++)
		h = (h ^ a->addr[i]) * 16777619u;
	return h % IKE_TUN_BUCKETS;
}

/* Lookups by name and by remote address stay cheap with thousands of tunnels. */
static void ike_tun_index(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_tunnel **b = &e->by_name[ike_name_bucket(t->conf.name)];

	t->name_next = *b;
	*b = t;
	if (t->conf.remote.family) {
		b = &e->by_ip[ike_ip_bucket(&t->conf.remote)];
		t->ip_next = *b;
		*b = t;
	}
}

static void ike_tun_unindex(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_tunnel **pp;

	for (pp = &e->by_name[ike_name_bucket(t->conf.name)]; *pp; pp = &(*pp)->name_next) {
		if (*pp == t) {
			*pp = t->name_next;
			break;
		}
	}
	if (t->conf.remote.family == 0)
		return;
	for (pp = &e->by_ip[ike_ip_bucket(&t->conf.remote)]; *pp; pp = &(*pp)->ip_next) {
		if (*pp == t) {
			*pp = t->ip_next;
			break;
		}
	}
}

struct ike_tunnel *ike_tunnel_find(struct ike_engine *e, const char *name)
{
	for (struct ike_tunnel *t = e->by_name[ike_name_bucket(name)]; t; t = t->name_next) {
		if (strcmp(t->conf.name, name) == 0)
			return t;
	}
	return NULL;
}

/*
 * The tunnel whose remote address is the peer's (indexed), else one that
 * lists it among its other addresses, else one with a wildcard remote.
 */
struct ike_tunnel *ike_tunnel_for_peer(struct ike_engine *e, const struct ike_addr *local,
				       const struct ike_addr *remote)
{
	struct ike_tunnel *any = NULL;

	for (struct ike_tunnel *t = e->by_ip[ike_ip_bucket(remote)]; t; t = t->ip_next) {
		if (t->conf.local.family && !ike_addr_ip_equal(&t->conf.local, local))
			continue;
		if (ike_addr_ip_equal(&t->conf.remote, remote))
			return t;
	}
	for (struct ike_tunnel *t = e->tunnels; t; t = t->next) {
		if (t->conf.local.family && !ike_addr_ip_equal(&t->conf.local, local))
			continue;
		if (t->conf.remote.family == 0) {
			if (any == NULL)
				any = t;
			continue;
		}
		for (size_t i = 0; i < t->conf.n_remote_alt; i++) {
			if (ike_addr_ip_equal(&t->conf.remote_alt[i], remote))
				return t;
		}
	}
	return any;
}

static int ike_conf_check(const struct ike_peer_conf *c)
{
	if (c->name[0] == '\0' || memchr(c->name, '\0', sizeof(c->name)) == NULL)
		return -EINVAL;
	/* a PSK unless signatures authenticate both ways */
	if ((c->psk_len == 0 && (c->cert.key == NULL || c->cert.trust == NULL)) ||
	    ike_cert_conf_check(&c->cert) < 0)
		return -EINVAL;
	if (c->n_ike == 0 || c->n_ike > IKE_CONF_MAX_PROPS || c->psk_len > IKE_MAX_PSK ||
	    c->n_local_net > IKE_CONF_MAX_SUBNETS || c->n_remote_net > IKE_CONF_MAX_SUBNETS ||
	    c->local_id.len > IKE_MAX_ID || c->remote_id.len > IKE_MAX_ID)
		return -EINVAL;
	if (c->child_proto != IKE_PROTO_ESP && c->child_proto != IKE_PROTO_AH)
		return -EINVAL;
	if (c->n_remote_alt > IKE_CONF_MAX_REMOTES || c->natt > IKE_NATT_DISABLE)
		return -EINVAL;
	for (size_t i = 0; i < c->n_ike; i++) {
		const struct ike_prop_conf *p = &c->ike[i];

		if (p->n_encr == 0 || p->n_prf == 0 || p->n_dh == 0 ||
		    p->n_encr > IKE_CONF_MAX_ALGS || p->n_integ > IKE_CONF_MAX_ALGS ||
		    p->n_prf > IKE_CONF_MAX_ALGS || p->n_dh > IKE_CONF_MAX_ALGS)
			return -EINVAL;
	}
	if (c->child.n_encr > IKE_CONF_MAX_ALGS || c->child.n_integ > IKE_CONF_MAX_ALGS ||
	    c->child.n_dh > IKE_CONF_MAX_ALGS)
		return -EINVAL;
	if (c->child_proto == IKE_PROTO_ESP && c->child.n_encr == 0)
		return -EINVAL;
	if (c->child_proto == IKE_PROTO_AH && c->child.n_integ == 0)
		return -EINVAL;
	return 0;
}

/*
 * Is conf what the tunnel has? The engine holds its own stack of the
 * certificates, so chains are compared by their contents, and keys as key
 * pairs: a key and chain loaded again are no change. The trust store is
 * compared by pointer.
 */
static bool ike_conf_same(const struct ike_peer_conf *held, const struct ike_peer_conf *conf)
{
	struct ike_peer_conf *c = malloc(sizeof(*c));
	bool same;

	if (c == NULL)
		return false;
	memcpy(c, conf, sizeof(*c));
	if (ike_cert_chain_same(held->cert.chain, conf->cert.chain))
		c->cert.chain = held->cert.chain;
	if (ike_cert_key_same(held->cert.key, conf->cert.key))
		c->cert.key = held->cert.key;
	same = memcmp(held, c, sizeof(*c)) == 0;
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
	return same;
}

int ike_conf_set(struct ike_engine *e, const struct ike_peer_conf *conf)
{
	struct ike_tunnel *t;
	int ret;

	ret = ike_conf_check(conf);
	if (ret < 0)
		return ret;
	t = ike_tunnel_find(e, conf->name);
	if (t) {
		/* a changed tunnel is renegotiated with the new configuration */
		if (ike_conf_same(&t->conf, conf))
			return 0;
		for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
			if (sa->tun == t)
				ike_sa_delete_now(sa);
		}
		ike_tun_unindex(e, t);
		ike_cert_conf_release(&t->conf.cert);
		t->conf = *conf;
		ret = ike_cert_conf_hold(&t->conf.cert, &conf->cert);
		ike_tun_index(e, t);
		t->failures = 0;
		t->remote_idx = 0;
		ike_tun_retry(e, t, conf->start == IKE_START_AUTO ? ike_now(e) : 0);
		ike_sa_reap(e);
		return ret;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->conf = *conf;
	ret = ike_cert_conf_hold(&t->conf.cert, &conf->cert);
	if (ret < 0) {
		OPENSSL_cleanse(t, sizeof(*t));
		free(t);
		return ret;
	}
	t->state = IKE_TUN_DOWN;
	if (conf->start == IKE_START_AUTO)
		ike_tun_retry(e, t, ike_now(e));
	t->next = e->tunnels;
	e->tunnels = t;
	ike_tun_index(e, t);
	return 0;
}

int ike_tunnel_set_remotes(struct ike_engine *e, const char *name, const struct ike_addr *addrs,
			   size_t n)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);

	if (t == NULL)
		return -ENOENT;
	if (n == 0 || n > IKE_CONF_MAX_REMOTES + 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (addrs[i].family != AF_INET && addrs[i].family != AF_INET6)
			return -EINVAL;
	}
	ike_tun_unindex(e, t);
	t->conf.remote = addrs[0];
	for (size_t i = 1; i < n; i++)
		t->conf.remote_alt[i - 1] = addrs[i];
	t->conf.n_remote_alt = n - 1;
	if (t->remote_idx > t->conf.n_remote_alt)
		t->remote_idx = 0;
	ike_tun_index(e, t);
	return 0;
}

int ike_conf_remove(struct ike_engine *e, const char *name)
{
	struct ike_tunnel **pp;

	for (pp = &e->tunnels; *pp; pp = &(*pp)->next) {
		struct ike_tunnel *t = *pp;

		if (strcmp(t->conf.name, name) != 0)
			continue;
		/* SAs outliving the tunnel must not point to it */
		for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
			if (sa->tun == t) {
				ike_sa_delete_now(sa);
				sa->tun = NULL;
			}
		}
		*pp = t->next;
		if (e->scan_from == t)
			e->scan_from = NULL;
		ike_tun_unindex(e, t);
		ike_cert_conf_release(&t->conf.cert);
		OPENSSL_cleanse(t, sizeof(*t));
		free(t);
		ike_sa_reap(e);
		return 0;
	}
	return -ENOENT;
}

/* ---- SAs ---- */

static unsigned ike_spi_bucket(const uint8_t spi_i[8])
{
	return ((unsigned)spi_i[0] << 8 | spi_i[1]) % IKE_SA_BUCKETS;
}

void ike_sa_hash_add(struct ike_sa *sa)
{
	struct ike_sa **b = &sa->eng->bucket[ike_spi_bucket(sa->spi_i)];

	if (sa->hashed)
		return;
	sa->hnext = *b;
	*b = sa;
	sa->hashed = true;
}

static void ike_sa_hash_del(struct ike_sa *sa)
{
	if (!sa->hashed)
		return;
	for (struct ike_sa **pp = &sa->eng->bucket[ike_spi_bucket(sa->spi_i)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == sa) {
			*pp = sa->hnext;
			break;
		}
	}
	sa->hashed = false;
}

/* Tell the peer (one Delete, no wait for the answer) and forget the SA. */
void ike_sa_delete_now(struct ike_sa *sa)
{
	uint8_t ibuf[64];
	struct ike_writer w;

	if (sa->state == IKE_SA_ESTABLISHED && !sa->req.active) {
		ike_writer_init(&w, ibuf, sizeof(ibuf));
		ike_build_delete(&w, &(struct ike_delete){IKE_PROTO_IKE, 0, 0, NULL});
		ike_send_request(sa, IKE_INFORMATIONAL, IKE_REQ_DELETE_IKE, &w);
	}
	ike_sa_destroy(sa);
}

struct ike_sa *ike_sa_new(struct ike_engine *e, struct ike_tunnel *t, bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (sa == NULL)
		return NULL;
	sa->eng = e;
	sa->tun = t;
	sa->initiator = initiator;
	sa->created_ms = ike_now(e);
	sa->last_rx_ms = sa->created_ms;
	sa->order = ++e->order;
	sa->next = e->sas;
	e->sas = sa;
	ike_sa_touch(sa);
	return sa;
}

void ike_child_free(struct ike_child *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

struct ike_child *ike_child_new(struct ike_sa *sa)
{
	return calloc(1, sizeof(struct ike_child));
}

int ike_child_install(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_engine *e = sa->eng;
	int ret;

	ret = e->env.child_install(e->env.ctx, sa->tun ? sa->tun->conf.name : "", &c->sa);
	/*
	 * The kernel has its copy: ours keeps only what identifies the SA. A
	 * UDP-encapsulated pair keeps its keys while it lives, for moving it
	 * when the peer's NAT mapping changes (the kernel's UPDSA takes the
	 * whole SA); SK_d, kept anyway, derives them all.
	 */
	if (ret == 0 && c->sa.encap && e->env.child_update)
		goto installed;
	OPENSSL_cleanse(c->sa.encr_key_in, sizeof(c->sa.encr_key_in));
	OPENSSL_cleanse(c->sa.encr_key_out, sizeof(c->sa.encr_key_out));
	OPENSSL_cleanse(c->sa.integ_key_in, sizeof(c->sa.integ_key_in));
	OPENSSL_cleanse(c->sa.integ_key_out, sizeof(c->sa.integ_key_out));
	if (ret < 0)
		return ret;
installed:
	c->installed = true;
	ike_log(e, IKE_LOG_DEBUG, "CHILD_SA %08x/%08x installed (%s)", c->sa.spi_in, c->sa.spi_out,
		c->sa.initiator ? "we initiated" : "peer initiated");
	c->next = sa->children;
	sa->children = c;
	e->stats.child_installed++;
	if (sa->tun && sa->tun->conf.child_lifetime_s && !sa->tun->conf.no_rekey)
		c->rekey_at = ike_rekey_time(e, sa->tun->conf.child_lifetime_s);
	ike_sa_touch(sa);
	return 0;
}

void ike_child_remove(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_engine *e = sa->eng;

	for (struct ike_child **pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp != c)
			continue;
		*pp = c->next;
		ike_log(e, IKE_LOG_DEBUG, "CHILD_SA %08x/%08x removed", c->sa.spi_in,
			c->sa.spi_out);
		if (c->installed)
			e->env.child_delete(e->env.ctx, sa->tun ? sa->tun->conf.name : "", &c->sa);
		if (sa->rekeying == c)
			sa->rekeying = NULL;
		if (sa->coll.old == c) {
			sa->coll.active = false;
			sa->coll.old = NULL;
		}
		ike_child_free(c);
		return;
	}
}

struct ike_child *ike_child_find_out(struct ike_sa *sa, uint8_t proto, uint32_t spi)
{
	for (struct ike_child *c = sa->children; c; c = c->next) {
		if (c->sa.protocol == proto && c->sa.spi_out == spi)
			return c;
	}
	return NULL;
}

struct ike_child *ike_child_find_in(struct ike_sa *sa, uint8_t proto, uint32_t spi)
{
	for (struct ike_child *c = sa->children; c; c = c->next) {
		if (c->sa.protocol == proto && c->sa.spi_in == spi)
			return c;
	}
	return NULL;
}

int ike_child_spi_alloc(struct ike_sa *sa, uint8_t proto, uint32_t *spi)
{
	struct ike_engine *e = sa->eng;
	int ret;

	if (e->env.child_spi)
		return e->env.child_spi(e->env.ctx, proto, spi);
	/* SPIs below 256 are reserved (RFC 4303 §2.1) */
	do {
		ret = crypto_random_bytes((uint8_t *)spi, sizeof(*spi));
		if (ret < 0)
			return ret;
	} while (*spi < 256);
	return 0;
}

void ike_sa_destroy(struct ike_sa *sa)
{
	if (sa->state == IKE_SA_DEAD)
		return;
	ike_half_open_leave(sa);
	/* no pointer to a dead SA may remain (rekey and §2.8.2 bookkeeping) */
	if (sa->rekey_of && sa->rekey_of->rekey_new == sa)
		sa->rekey_of->rekey_new = NULL;
	sa->rekey_of = NULL;
	if (sa->coll_of && sa->coll_of->coll_ike == sa)
		sa->coll_of->coll_ike = NULL;
	if (sa->coll_ike)
		sa->coll_ike->coll_of = NULL;
	sa->coll_ike = sa->coll_of = NULL;
	while (sa->children)
		ike_child_remove(sa, sa->children);
	if (sa->rekey_new)
		ike_sa_destroy(sa->rekey_new);
	sa->rekey_new = NULL;
	ike_pace_done(sa, false);
	sa->state = IKE_SA_DEAD;
	sa->eng->n_dead++;
	sa->req.active = false;
	if (sa->tun && sa->tun->sa == sa) {
		/* another established IKE SA of the tunnel takes over, one with a CHILD_SA first */
		struct ike_tunnel *t = sa->tun;

		t->sa = NULL;
		for (struct ike_sa *o = sa->eng->sas; o; o = o->next) {
			if (o->tun == t && o->state == IKE_SA_ESTABLISHED &&
			    (t->sa == NULL || t->sa->state != IKE_SA_ESTABLISHED ||
			     (t->sa->children == NULL && o->children)))
				t->sa = o;
			/* else one we are setting up: the tunnel is not without an SA */
			else if (o->tun == t && t->sa == NULL && o->initiator &&
				 (o->state == IKE_SA_INIT_SENT || o->state == IKE_SA_AUTH_SENT))
				t->sa = o;
		}
		/* the tunnel carries on through it */
		if (t->sa && t->sa->children && t->state != IKE_TUN_UP)
			ike_tun_status(t, sa->eng, IKE_TUN_UP);
		/* a restart planned while the SA lived is due now that it is gone */
		if (t->sa == NULL && t->retry_at && t->retry_at < sa->eng->retry_min)
			sa->eng->retry_min = t->retry_at;
	}
}

void ike_sa_reap(struct ike_engine *e)
{
	struct ike_sa **pp = &e->sas;

	ike_timers_flush(e); /* before any SA it names is freed */
	if (e->n_dead == 0)
		return;
	e->n_dead = 0;
	while (*pp) {
		struct ike_sa *sa = *pp;

		if (sa->state == IKE_SA_DEAD) {
			*pp = sa->next;
			ike_sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

/* ---- half-open accounting and stateless-reply limits ---- */

/* The peer's address cut to a host (/32, /128) or a prefix (/24, /64). */
static void ike_pfx_key(const struct ike_addr *peer, bool host, uint8_t *plen, uint8_t key[16])
{
	bool v6 = peer->family == AF_INET6;

	memset(key, 0, 16);
	*plen = v6 ? (host ? 128 : 64) : (host ? 32 : 24);
	memcpy(key, peer->addr, *plen / 8);
}

static unsigned ike_pfx_bucket(const struct ike_engine *e, uint8_t family, uint8_t plen,
			       const uint8_t key[16])
{
	uint32_t h = 2166136261u ^ e->pfx_seed;

	h = (h ^ family) * 16777619u;
	h = (h ^ plen) * 16777619u;
	for (size_t i = 0; i < (size_t)plen / 8; i++)
		h = (h ^ key[i]) * 16777619u;
	h ^= h >> 15;
	return h % IKE_PFX_BUCKETS;
}

struct ike_pfx *ike_pfx_find(struct ike_engine *e, const struct ike_addr *peer, bool host)
{
	uint8_t key[16], plen;

	ike_pfx_key(peer, host, &plen, key);
	for (struct ike_pfx *p = e->pfx[ike_pfx_bucket(e, peer->family, plen, key)]; p;
	     p = p->next) {
		if (p->family == peer->family && p->plen == plen && memcmp(p->addr, key, 16) == 0)
			return p;
	}
	return NULL;
}

static struct ike_pfx *ike_pfx_get(struct ike_engine *e, const struct ike_addr *peer, bool host)
{
	struct ike_pfx *p = ike_pfx_find(e, peer, host), **b;
	uint8_t key[16], plen;

	if (p)
		return p;
	ike_pfx_key(peer, host, &plen, key);
	b = &e->pfx[ike_pfx_bucket(e, peer->family, plen, key)];
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->family = peer->family;
	p->plen = plen;
	memcpy(p->addr, key, 16);
	p->next = *b;
	*b = p;
	return p;
}

static void ike_pfx_put(struct ike_engine *e, struct ike_pfx *p)
{
	struct ike_pfx **pp;

	if (p->proven || p->unproven)
		return;
	pp = &e->pfx[ike_pfx_bucket(e, p->family, p->plen, p->addr)];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			free(p);
			return;
		}
	}
}

int ike_half_open_enter(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	for (int i = 0; i < 2; i++) {
		struct ike_pfx *p = ike_pfx_get(e, &sa->remote, i == 0);

		if (p == NULL) {
			ike_half_open_leave(sa);
			return -ENOMEM;
		}
		if (sa->proven)
			p->proven++;
		else
			p->unproven++;
		sa->ho_pfx[i] = p;
	}
	sa->state = IKE_SA_HALF_OPEN;
	e->n_half_open++;
	if (sa->tun) {
		sa->tun->n_half_open++;
		sa->tun->ho_newest_ms = sa->created_ms;
	}
	sa->ho_prev = e->ho_newest;
	if (e->ho_newest)
		e->ho_newest->ho_next = sa;
	else
		e->ho_oldest = sa;
	e->ho_newest = sa;
	return 0;
}

void ike_half_open_leave(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;

	for (int i = 0; i < 2; i++) {
		struct ike_pfx *p = sa->ho_pfx[i];

		if (p == NULL)
			continue;
		if (sa->proven)
			p->proven--;
		else
			p->unproven--;
		sa->ho_pfx[i] = NULL;
		ike_pfx_put(e, p);
	}
	if (sa->state != IKE_SA_HALF_OPEN)
		return;
	e->n_half_open--;
	if (sa->tun && sa->tun->n_half_open)
		sa->tun->n_half_open--;
	if (sa->ho_prev)
		sa->ho_prev->ho_next = sa->ho_next;
	else
		e->ho_oldest = sa->ho_next;
	if (sa->ho_next)
		sa->ho_next->ho_prev = sa->ho_prev;
	else
		e->ho_newest = sa->ho_prev;
	sa->ho_prev = sa->ho_next = NULL;
}

/* Take one token from b (rate per second, a burst of one second's worth). */
static bool ike_bucket_take(struct ike_bucket *b, unsigned rate, uint64_t now)
{
	uint64_t cap = (uint64_t)rate * 1000;

	if (rate == 0)
		return true;
	if (b->at_ms == 0 || now < b->at_ms) {
		b->tokens_milli = cap;
	} else {
		b->tokens_milli += (now - b->at_ms) * rate;
		if (b->tokens_milli > cap)
			b->tokens_milli = cap;
	}
	b->at_ms = now ? now : 1;
	if (b->tokens_milli < 1000)
		return false;
	b->tokens_milli -= 1000;
	return true;
}

/*
 * Stateless replies go to addresses nobody has proven: a flood of spoofed
 * requests must not turn into a flood of replies that fills the socket's
 * send buffer (neighbour resolution holds them) before the legitimate
 * peers' answers. One bucket per prefix slot, one for all.
 */
bool ike_reply_allowed(struct ike_engine *e, const struct ike_addr *peer)
{
	uint64_t now = ike_now(e);
	uint8_t key[16], plen;
	unsigned slot;

	ike_pfx_key(peer, false, &plen, key);
	slot = ike_pfx_bucket(e, peer->family, plen, key) % IKE_RL_SLOTS;
	if (!ike_bucket_take(&e->reply_pfx[slot], e->opts.reply_rate_per_prefix, now) ||
	    !ike_bucket_take(&e->reply_all, e->opts.reply_rate, now)) {
		e->stats.drop_reply_rate++;
		return false;
	}
	return true;
}

struct ike_sa *ike_sa_find_half_open(struct ike_engine *e, const uint8_t spi_i[8],
				     const struct ike_addr *peer)
{
	for (struct ike_sa *sa = e->bucket[ike_spi_bucket(spi_i)]; sa; sa = sa->hnext) {
		if (!sa->initiator && sa->state != IKE_SA_DEAD &&
		    memcmp(sa->spi_i, spi_i, 8) == 0 && ike_addr_equal(&sa->remote, peer))
			return sa;
	}
	return NULL;
}

static struct ike_sa *ike_sa_find(struct ike_engine *e, const struct ike_hdr *h)
{
	for (struct ike_sa *sa = e->bucket[ike_spi_bucket(h->spi_i)]; sa; sa = sa->hnext) {
		/* an SA without keys yet (SPIr still zero) takes no encrypted message */
		if (sa->state == IKE_SA_DEAD || sa->state == IKE_SA_INIT_SENT ||
		    sa->state == IKE_SA_LARVAL)
			continue;
		if (memcmp(sa->spi_i, h->spi_i, 8) == 0 && memcmp(sa->spi_r, h->spi_r, 8) == 0)
			return sa;
	}
	return NULL;
}

static struct ike_sa *ike_sa_find_init_sent(struct ike_engine *e, const struct ike_hdr *h)
{
	for (struct ike_sa *sa = e->bucket[ike_spi_bucket(h->spi_i)]; sa; sa = sa->hnext) {
		if (sa->initiator && sa->state == IKE_SA_INIT_SENT &&
		    memcmp(sa->spi_i, h->spi_i, 8) == 0)
			return sa;
	}
	return NULL;
}

/* Nonces compare as octet strings; a prefix is the lower. */
static int ike_sa_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static const uint8_t *ike_sa_low_nonce(const struct ike_sa *sa, size_t *len)
{
	bool ni = ike_sa_nonce_cmp(sa->ni, sa->ni_len, sa->nr, sa->nr_len) < 0;

	*len = ni ? sa->ni_len : sa->nr_len;
	return ni ? sa->ni : sa->nr;
}

static bool ike_child_same_ts(const struct ike_child_sa *a, const struct ike_child_sa *b)
{
	return a->n_ts_local == b->n_ts_local && a->n_ts_remote == b->n_ts_remote &&
	       memcmp(a->ts_local, b->ts_local, a->n_ts_local * sizeof(a->ts_local[0])) == 0 &&
	       memcmp(a->ts_remote, b->ts_remote, a->n_ts_remote * sizeof(a->ts_remote[0])) == 0;
}

/* Does a CHILD_SA of a carry the same selectors as one of b? */
static bool ike_sa_children_overlap(const struct ike_sa *a, const struct ike_sa *b)
{
	for (const struct ike_child *x = a->children; x; x = x->next) {
		for (const struct ike_child *y = b->children; y; y = y->next) {
			if (ike_child_same_ts(&x->sa, &y->sa))
				return true;
		}
	}
	return false;
}

void ike_sa_settle_crossing(struct ike_sa *sa)
{
	struct ike_tunnel *t = sa->tun;
	struct ike_sa *loser, *winner;
	const uint8_t *lo_a, *lo_b;
	size_t la, lb;

	if (t == NULL || sa->state != IKE_SA_ESTABLISHED || sa->children == NULL)
		return;
	for (struct ike_sa *o = sa->eng->sas; o; o = o->next) {
		/* a crossing is one SA each end started; two the peer started are
		 * a leftover of its and a new one, left to INITIAL_CONTACT or DPD */
		if (o == sa || o->tun != t || o->state != IKE_SA_ESTABLISHED ||
		    o->initiator == sa->initiator || o->children == NULL ||
		    !ike_addr_ip_equal(&o->remote, &sa->remote) || !ike_sa_children_overlap(sa, o))
			continue;
		lo_a = ike_sa_low_nonce(sa, &la);
		lo_b = ike_sa_low_nonce(o, &lb);
		loser = ike_sa_nonce_cmp(lo_a, la, lo_b, lb) < 0 ? sa : o;
		winner = loser == sa ? o : sa;
		ike_log(sa->eng, IKE_LOG_INFO,
			"tunnel %s: both ends initiated; the IKE SA %s by %s is the duplicate "
			"(lowest nonce), deleted",
			t->conf.name, loser == sa ? "just made" : "made before",
			loser->initiator ? "us" : "the peer");
		t->sa = winner;
		ike_info_delete_ike(loser);
		return;
	}
}

/*
 * Has the peer just started an IKE SA for this tunnel? Its IKE_AUTH follows
 * within a round trip or a retransmission; an IKE_SA_INIT that stays half
 * open longer (lost, or spoofed to keep us from initiating) is not waited
 * for: a crossing that follows is settled once both SAs are up.
 */
static bool ike_tun_peer_half_open(const struct ike_engine *e, const struct ike_tunnel *t,
				   uint64_t now)
{
	uint64_t wait = 2 * (uint64_t)e->opts.retransmit_timeout_ms;

	/* counted as they come and go, not found by a scan of all SAs */
	return t->n_half_open && now - t->ho_newest_ms < wait;
}

/* ---- entry points ---- */

int ike_initiate(struct ike_engine *e, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);
	struct ike_sa *sa;
	int ret;

	if (t == NULL)
		return -ENOENT;
	if (t->sa)
		return -EALREADY;
	if (e->env.connecting)
		e->env.connecting(e->env.ctx, t->conf.name);
	/* no address yet (a host name being resolved): the caller tries again */
	if (t->conf.remote.family == 0)
		return -EDESTADDRREQ;
	sa = ike_sa_new(e, t, true);
	if (sa == NULL)
		return -ENOMEM;
	sa->local = t->conf.local;
	sa->remote = t->remote_idx ? t->conf.remote_alt[t->remote_idx - 1] : t->conf.remote;
	t->sa = sa;
	ike_tun_status(t, e, IKE_TUN_CONNECTING);
	ret = ike_init_start(sa);
	if (ret < 0) {
		ike_tun_fail(t, e, "cannot start IKE_SA_INIT: %s", strerror(-ret));
		ike_sa_destroy(sa);
		ike_sa_reap(e);
	}
	return ret;
}

int ike_delete(struct ike_engine *e, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);
	int ret;

	if (t == NULL)
		return -ENOENT;
	if (t->sa == NULL)
		return -ENOTCONN;
	/* every IKE SA of the tunnel, the current one last */
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		/* a larval rekey SA goes with the SA that started it */
		if (sa->tun == t && sa != t->sa && sa->state != IKE_SA_DEAD &&
		    sa->state != IKE_SA_LARVAL)
			ike_info_delete_ike(sa);
	}
	ret = ike_info_delete_ike(t->sa);
	ike_sa_reap(e);
	return ret;
}

int ike_delete_child(struct ike_engine *e, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);

	if (t == NULL)
		return -ENOENT;
	if (t->sa == NULL || t->sa->state != IKE_SA_ESTABLISHED || t->sa->children == NULL)
		return -ENOTCONN;
	return ike_info_delete_child(t->sa, t->sa->children);
}

int ike_rekey_child(struct ike_engine *e, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);

	if (t == NULL)
		return -ENOENT;
	if (t->sa == NULL || t->sa->state != IKE_SA_ESTABLISHED || t->sa->children == NULL)
		return -ENOTCONN;
	return ike_child_rekey_start(t->sa, t->sa->children);
}

int ike_rekey_ike(struct ike_engine *e, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(e, name);

	if (t == NULL)
		return -ENOENT;
	if (t->sa == NULL || t->sa->state != IKE_SA_ESTABLISHED)
		return -ENOTCONN;
	return ike_ike_rekey_start(t->sa);
}

int ike_child_expire(struct ike_engine *e, uint8_t protocol, uint32_t spi_in, bool hard)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		struct ike_child *c;

		if (sa->state != IKE_SA_ESTABLISHED)
			continue;
		c = ike_child_find_in(sa, protocol, spi_in);
		if (c == NULL)
			continue;
		if (!hard) {
			/* a busy SA retries the rekey shortly */
			if (!sa->tun->conf.no_rekey)
				ike_child_rekey_start(sa, c);
			return 0;
		}
		/* the kernel dropped one direction: remove the pair, tell the peer */
		if (ike_info_delete_child(sa, c) < 0)
			ike_child_remove(sa, c);
		return 0;
	}
	return -ENOENT;
}

int ike_tunnel_children(const struct ike_engine *e, const char *name, struct ike_child_sa *out,
			size_t max)
{
	const struct ike_tunnel *t = ike_tunnel_find((struct ike_engine *)e, name);
	int n = 0;

	if (t == NULL)
		return -ENOENT;
	if (t->sa == NULL)
		return 0;
	for (const struct ike_child *c = t->sa->children; c; c = c->next, n++) {
		if ((size_t)n < max) {
			/* the keys were wiped at install; the copy says so explicitly */
			out[n] = c->sa;
			OPENSSL_cleanse(out[n].encr_key_in, sizeof(out[n].encr_key_in));
			OPENSSL_cleanse(out[n].encr_key_out, sizeof(out[n].encr_key_out));
			OPENSSL_cleanse(out[n].integ_key_in, sizeof(out[n].integ_key_in));
			OPENSSL_cleanse(out[n].integ_key_out, sizeof(out[n].integ_key_out));
		}
	}
	return n;
}

int ike_tunnel_info(const struct ike_engine *e, const char *name, struct ike_tunnel_info *info)
{
	const struct ike_tunnel *t = ike_tunnel_find((struct ike_engine *)e, name);
	const struct ike_sa *sa;

	memset(info, 0, sizeof(*info));
	if (t == NULL)
		return -ENOENT;
	snprintf(info->last_error, sizeof(info->last_error), "%s", t->last_error);
	info->state = t->state;
	for (const struct ike_sa *o = e->sas; o; o = o->next) {
		if (o->tun != t || o->state == IKE_SA_DEAD || o->state == IKE_SA_LARVAL)
			continue;
		info->n_ike_sa++;
		info->n_ike_up += o->state == IKE_SA_ESTABLISHED;
		info->n_ike_nego += o->state == IKE_SA_INIT_SENT || o->state == IKE_SA_AUTH_SENT ||
				    o->state == IKE_SA_HALF_OPEN;
	}
	sa = t->sa;
	if (sa == NULL)
		return 0;
	info->local = sa->local;
	info->remote = sa->remote;
	info->established_ms = sa->created_ms;
	info->rekey_ms = sa->ike_rekey_at;
	info->expire_ms = sa->ike_expire_at;
	info->ike_up = sa->state == IKE_SA_ESTABLISHED;
	info->initiator = sa->initiator;
	info->nat_local = sa->nat_local;
	info->nat_remote = sa->nat_remote;
	memcpy(info->spi_i, sa->spi_i, 8);
	memcpy(info->spi_r, sa->spi_r, 8);
	if (sa->ike.encr) {
		info->encr = sa->ike.encr->id;
		info->encr_bits = sa->ike.encr->keybits;
	}
	info->integ = sa->ike.integ ? sa->ike.integ->id : 0;
	info->prf = sa->ike.prf ? sa->ike.prf->id : 0;
	info->dh = sa->ike.dh ? sa->ike.dh->id : 0;
	ike_auth_methods(sa, info->auth_sign, info->auth_verify, sizeof(info->auth_sign));
	for (const struct ike_child *c = sa->children; c; c = c->next) {
		if (info->n_child == 0) {
			info->child_spi_in = c->sa.spi_in;
			info->child_spi_out = c->sa.spi_out;
		}
		info->n_child++;
	}
	return 0;
}

static void ike_sa_info_of(const struct ike_sa *sa, bool current, struct ike_sa_info *out)
{
	memset(out, 0, sizeof(*out));
	out->phase = sa->state == IKE_SA_ESTABLISHED ? IKE_SA_PHASE_READY
		     : sa->state == IKE_SA_DELETING  ? IKE_SA_PHASE_DELETING
						     : IKE_SA_PHASE_NEGOTIATING;
	out->current = current;
	out->initiator = sa->initiator;
	out->nat_local = sa->nat_local;
	out->nat_remote = sa->nat_remote;
	out->local = sa->local;
	out->remote = sa->remote;
	memcpy(out->spi_i, sa->spi_i, 8);
	memcpy(out->spi_r, sa->spi_r, 8);
	if (sa->ike.encr) {
		out->encr = sa->ike.encr->id;
		out->encr_bits = sa->ike.encr->keybits;
	}
	out->integ = sa->ike.integ ? sa->ike.integ->id : 0;
	out->prf = sa->ike.prf ? sa->ike.prf->id : 0;
	out->dh = sa->ike.dh ? sa->ike.dh->id : 0;
	out->created_ms = sa->created_ms;
	for (const struct ike_child *c = sa->children; c; c = c->next)
		out->n_child++;
}

int ike_tunnel_sas(const struct ike_engine *e, const char *name, struct ike_sa_info *out,
		   size_t max)
{
	const struct ike_tunnel *t = ike_tunnel_find((struct ike_engine *)e, name);
	size_t n = 0;

	if (t == NULL)
		return -ENOENT;
	if (t->sa && t->sa->state != IKE_SA_DEAD) {
		if (n < max)
			ike_sa_info_of(t->sa, true, &out[n]);
		n++;
	}
	for (const struct ike_sa *o = e->sas; o; o = o->next) {
		/* a rekey's new SA (LARVAL) belongs to the tunnel from the start */
		if (o == t->sa || o->tun != t || o->state == IKE_SA_DEAD)
			continue;
		if (n < max)
			ike_sa_info_of(o, false, &out[n]);
		n++;
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* Decrypt the SK payload and append the inner payloads. plain must outlive m. */
static int ike_open_sk(struct ike_sa *sa, const uint8_t *buf, struct ike_msg *m, uint8_t *plain,
		       size_t plainsize)
{
	const uint8_t *body;
	size_t aadlen, bodylen, plainlen;
	int ret;

	ret = ike_msg_sk_span(m, buf, &aadlen, &body, &bodylen);
	if (ret < 0)
		return ret == -ENOENT ? -EBADMSG : ret;
	ret = sk_open(&sa->sk_in, buf, aadlen, body, bodylen, plain, plainsize, &plainlen);
	if (ret < 0)
		return -EACCES;
	ret = ike_msg_parse_inner(m, plain, plainlen);
	return ret < 0 ? -EBADMSG : 0;
}

/*
 * §2.23: the side not behind a NAT sends to where the last valid
 * authenticated message came from, so a peer behind a NAT that rebinds
 * keeps its tunnel. Called for new messages only (a replayed one, from
 * anywhere, must not redirect the SA), never when we are behind a NAT
 * ourselves. The CHILD_SAs and their kernel state follow.
 */
static void ike_nat_follow(struct ike_sa *sa, const struct ike_addr *src,
			   const struct ike_addr *dst)
{
	struct ike_engine *e = sa->eng;
	const char *tun = sa->tun ? sa->tun->conf.name : "";
	char a[IKE_ADDR_STRLEN];

	if (!sa->nat_remote || sa->nat_local ||
	    (ike_addr_equal(src, &sa->remote) && ike_addr_equal(dst, &sa->local)))
		return;
	ike_log(e, IKE_LOG_INFO, "tunnel %s: peer's NAT mapping moved to %s port %u", tun,
		ike_addr_str(src, a, sizeof(a)), src->port);
	sa->remote = *src;
	sa->local = *dst;
	for (struct ike_child *c = sa->children; c; c = c->next) {
		c->sa.remote = *src;
		c->sa.local = *dst;
		if (!c->installed || !c->sa.encap || e->env.child_update == NULL)
			continue;
		if (e->env.child_update(e->env.ctx, tun, &c->sa) < 0)
			ike_log(e, IKE_LOG_ERROR,
				"tunnel %s: CHILD_SA %08x/%08x not moved to the new address", tun,
				c->sa.spi_in, c->sa.spi_out);
	}
}

static void ike_input_encrypted(struct ike_engine *e, struct ike_sa *sa, const struct ike_addr *src,
				const struct ike_addr *dst, const uint8_t *buf, size_t len,
				struct ike_msg *m, const struct ike_frag_msg *frag);

/*
 * RFC 7383: one SKF fragment. Only on an SA that negotiated fragmentation,
 * only with a message ID we would take whole; verified before it is kept,
 * and the whole message handled as if it had come in one SK payload.
 */
static void ike_input_fragment(struct ike_engine *e, struct ike_sa *sa, const struct ike_addr *src,
			       const struct ike_addr *dst, const uint8_t *buf, size_t len,
			       struct ike_msg *m)
{
	bool response = m->hdr.flags & IKE_FLAG_RESPONSE;
	struct ike_frag_msg fm;
	int ret;

	if (!sa->frag_ok || sa->sk_in.encr == NULL) {
		ike_drop(e, &e->stats.drop_unexpected, src,
			 "an IKE fragment, but fragmentation was not negotiated");
		return;
	}
	if (response ? !sa->req.active || m->hdr.msgid != sa->req.msgid
		     : m->hdr.msgid != sa->msgid_in &&
			   !(sa->resp.valid && m->hdr.msgid == sa->resp.msgid)) {
		ike_drop(e, &e->stats.drop_msgid, src, "fragment of message %u, not expected",
			 m->hdr.msgid);
		return;
	}
	if (sa->frag_rx[response] == NULL)
		sa->frag_rx[response] = calloc(1, sizeof(struct ike_frag_rx));
	if (sa->frag_rx[response] == NULL)
		return;
	ret = ike_frag_rx_input(sa->frag_rx[response], &sa->sk_in, buf, len, ike_now(e), &fm);
	if (!sa->frag_rx[response]->active)
		ike_frag_rx_drop(&sa->frag_rx[response]);
	switch (ret) {
	case 1:
		break;
	case 0:
		return;
	case -EACCES:
		ike_drop(e, &e->stats.drop_integrity, src, "integrity check of a fragment failed");
		return;
	case -EALREADY:
		return; /* a fragment of a retransmitted set, already here */
	case -E2BIG:
		ike_drop(e, &e->stats.drop_malformed, src,
			 "fragmented message over %d fragments or %d bytes", IKE_FRAG_MAX_COUNT,
			 IKE_FRAG_MAX_BYTES);
		return;
	case -ESTALE:
		ike_drop(e, &e->stats.drop_msgid, src, "fragment of an older set");
		return;
	default:
		ike_drop(e, &e->stats.drop_malformed, src, "malformed fragment");
		return;
	}
	ike_input_encrypted(e, sa, src, dst, buf, len, m, &fm);
	ike_frag_msg_free(&fm);
}

/* Answer an authenticated request we cannot process with one error notify. */
static void ike_answer_error(struct ike_sa *sa, const struct ike_msg *m, uint16_t type,
			     const void *data, size_t len)
{
	uint8_t ibuf[64];
	struct ike_writer w;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_add_notify(&w, type, data, len);
	ike_count_refusal(sa->eng, type);
	ike_send_response(sa, m->hdr.exchange, m->hdr.msgid, &w);
}

static void ike_sa_move(struct ike_sa *sa, const struct ike_addr *src, const struct ike_addr *dst)
{
	char a[IKE_ADDR_STRLEN];

	ike_log(sa->eng, IKE_LOG_INFO, "tunnel %s: peer now at %s port %u, we use port %u",
		sa->tun ? sa->tun->conf.name : "?", ike_addr_str(src, a, sizeof(a)), src->port,
		dst->port);
	sa->remote = *src;
	sa->local = *dst;
	for (struct ike_child *c = sa->children; c; c = c->next) {
		c->sa.remote = *src;
		c->sa.local = *dst;
	}
}

/*
 * Where the IKE SA talks after a new authenticated message without a NAT
 * (§2.23; a NAT is ike_nat_follow's): it only follows a peer that moved to
 * the NAT-T port (as one that supports MOBIKE does from IKE_AUTH on), and
 * never back to port 500.
 */
static void ike_sa_follow(struct ike_sa *sa, const struct ike_addr *src, const struct ike_addr *dst)
{
	if (ike_addr_equal(src, &sa->remote) && ike_addr_equal(dst, &sa->local))
		return;
	if (sa->nat_local || sa->nat_remote)
		return;
	if (dst->port == IKE_NATT_PORT && sa->local.port != IKE_NATT_PORT &&
	    ike_addr_ip_equal(src, &sa->remote) && ike_addr_ip_equal(dst, &sa->local))
		ike_sa_move(sa, src, dst);
}

/*
 * An encrypted message: SK, or (frag not NULL) the inner payloads of SKF
 * fragments put together, each fragment verified already.
 */
static void ike_input_encrypted(struct ike_engine *e, struct ike_sa *sa, const struct ike_addr *src,
				const struct ike_addr *dst, const uint8_t *buf, size_t len,
				struct ike_msg *m, const struct ike_frag_msg *frag)
{
	bool response = m->hdr.flags & IKE_FLAG_RESPONSE;
	struct ike_rule_violation v;
	uint8_t *plain;
	int ret;

	/* the Initiator flag names the original initiator as sender (§3.1) */
	if (!!(m->hdr.flags & IKE_FLAG_INITIATOR) == sa->initiator) {
		ike_drop(e, &e->stats.drop_unknown_spi, src,
			 "Initiator flag does not match our role in the IKE SA");
		return;
	}
	if (response) {
		if (!sa->req.active || m->hdr.msgid != sa->req.msgid ||
		    m->hdr.exchange != sa->req.exchange) {
			ike_drop(e, &e->stats.drop_msgid, src, "response %u to no request of ours",
				 m->hdr.msgid);
			return;
		}
	} else {
		bool retrans = sa->resp.valid && m->hdr.msgid == sa->resp.msgid;

		if (!retrans && m->hdr.msgid != sa->msgid_in) {
			ike_drop(e, &e->stats.drop_msgid, src,
				 "request with message ID %u, expected %u", m->hdr.msgid,
				 sa->msgid_in);
			return;
		}
	}
	plain = malloc(len);
	if (plain == NULL)
		return;
	if (frag) {
		m->sk_next = frag->first;
		ret = ike_msg_parse_inner(m, frag->plain, frag->len) < 0 ? -EBADMSG : 0;
	} else {
		ret = ike_open_sk(sa, buf, m, plain, len);
	}
	if (ret == -EACCES) {
		ike_drop(e, &e->stats.drop_integrity, src,
			 "integrity check of the SK payload failed");
		goto done;
	}
	if (ret < 0) {
		ike_drop(e, &e->stats.drop_malformed, src,
			 "malformed SK payload or inner payloads");
		goto done;
	}
	sa->last_rx_ms = ike_now(e);
	ike_log_msg(e, "received", &sa->remote, m);
	if (!response && sa->resp.valid && m->hdr.msgid == sa->resp.msgid) {
		/* a retransmission: the cached answer, never a second processing */
		e->stats.resp_from_cache++;
		ike_send_cached_response(sa, dst, src);
		goto done;
	}
	/* new and authenticated: the only kind that may move the SA */
	ike_nat_follow(sa, src, dst);
	ike_sa_follow(sa, src, dst);
	if (!response) {
		sa->resp.addr_set = true;
		sa->resp.local = *dst;
		sa->resp.remote = *src;
	}
	if (ike_msg_check_rules(m, &v) < 0) {
		char pn[24];

		if (v.error == IKE_RULE_UNSUPPORTED_CRITICAL) {
			uint8_t t = v.type;

			e->stats.unsupported_critical++;
			ike_log(e, IKE_LOG_INFO, "unsupported critical payload %u", t);
			if (!response)
				ike_answer_error(sa, m, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, &t, 1);
			goto done;
		}
		ike_drop(e, &e->stats.drop_rules, src, "payload %s breaks the exchange rules",
			 ike_payload_name(v.type, pn, sizeof(pn)));
		if (!response)
			ike_answer_error(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		goto done;
	}

	switch (m->hdr.exchange) {
	case IKE_AUTH:
		if (response)
			ike_auth_response(sa, m);
		else if (sa->state == IKE_SA_HALF_OPEN)
			ike_auth_request(sa, m);
		else
			ike_drop(e, &e->stats.drop_unexpected, src,
				 "IKE_AUTH request for an IKE SA past IKE_AUTH");
		break;
	case IKE_CREATE_CHILD_SA:
		if (response)
			ike_child_response(sa, m);
		else if (sa->state == IKE_SA_ESTABLISHED || sa->state == IKE_SA_DELETING)
			ike_child_request(sa, m);
		else
			ike_drop(e, &e->stats.drop_unexpected, src,
				 "CREATE_CHILD_SA request before the IKE SA is up");
		break;
	case IKE_INFORMATIONAL:
		if (response)
			ike_info_response(sa, m);
		else if (sa->state == IKE_SA_ESTABLISHED || sa->state == IKE_SA_DELETING)
			ike_info_request(sa, m);
		else
			ike_drop(e, &e->stats.drop_unexpected, src,
				 "INFORMATIONAL request before the IKE SA is up");
		break;
	default:
		ike_drop(e, &e->stats.drop_unexpected, src, "exchange type %u", m->hdr.exchange);
		break;
	}
done:
	OPENSSL_cleanse(plain, len);
	free(plain);
}

void ike_input(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
	       const uint8_t *buf, size_t len)
{
	struct ike_msg *m;
	struct ike_sa *sa;
	int ret;

	e->stats.rx++;
	/* a NAT keepalive (RFC 3948 §2.3) */
	if (len == 1 && buf[0] == 0xff)
		return;
	/* state is kept for IKE_SA_INIT requests: their size is bounded first */
	if (len > e->opts.init_max_len && len >= IKE_HDR_LEN && buf[18] == IKE_SA_INIT &&
	    !(buf[19] & IKE_FLAG_RESPONSE)) {
		e->stats.drop_too_long++;
		ike_log(e, IKE_LOG_INFO, "dropped IKE_SA_INIT request: %zu bytes, over %u", len,
			e->opts.init_max_len);
		return;
	}
	m = malloc(sizeof(*m));
	if (m == NULL)
		return;
	ret = ike_msg_parse(buf, len, m);
	if (ret < 0) {
		ike_drop(e, &e->stats.drop_malformed, src, "%zu bytes: %s", len,
			 ret == -EMSGSIZE ? "more than 64 payloads"
					  : "malformed header or payload chain");
		goto done;
	}
	if ((m->hdr.version >> 4) != 2) {
		ike_drop(e, &e->stats.drop_malformed, src, "IKE major version %u",
			 m->hdr.version >> 4);
		goto done;
	}
	if (m->hdr.exchange == IKE_SA_INIT) {
		ike_log_msg(e, "received", src, m);
		if (m->hdr.msgid != 0) {
			ike_drop(e, &e->stats.drop_msgid, src, "IKE_SA_INIT with message ID %u",
				 m->hdr.msgid);
			goto done;
		}
		if (!(m->hdr.flags & IKE_FLAG_RESPONSE)) {
			static const uint8_t zero[8];

			if (!(m->hdr.flags & IKE_FLAG_INITIATOR) ||
			    memcmp(m->hdr.spi_r, zero, 8) != 0) {
				ike_drop(e, &e->stats.drop_malformed, src,
					 "IKE_SA_INIT request without the Initiator flag or with "
					 "an SPIr");
				goto done;
			}
			sa = ike_sa_find_half_open(e, m->hdr.spi_i, src);
			/* only the very same request is a retransmission */
			if (sa && sa->state == IKE_SA_HALF_OPEN && sa->init_req && sa->init_resp &&
			    sa->init_req_len == len && memcmp(sa->init_req, buf, len) == 0) {
				e->stats.resp_from_cache++;
				ike_send_plain(e, &sa->local, &sa->remote, sa->init_resp,
					       sa->init_resp_len);
				goto done;
			}
			if (sa) {
				ike_drop(e, &e->stats.drop_unexpected, src,
					 "another IKE_SA_INIT for a half-open IKE SA");
				goto done;
			}
			ike_init_request(e, src, dst, buf, len, m);
			goto done;
		}
		sa = ike_sa_find_init_sent(e, &m->hdr);
		if (sa == NULL || !ike_addr_equal(&sa->remote, src)) {
			ike_drop(e, &e->stats.drop_unknown_spi, src,
				 "IKE_SA_INIT response to no request of ours");
			goto done;
		}
		ike_init_response(sa, buf, len, m);
		ike_sa_touch(sa);
		goto done;
	}
	sa = ike_sa_find(e, &m->hdr);
	if (sa == NULL) {
		ike_drop(e, &e->stats.drop_unknown_spi, src, "no IKE SA with these SPIs");
		goto done;
	}
	if (m->hdr.next == IKE_PLD_SKF)
		ike_input_fragment(e, sa, src, dst, buf, len, m);
	else
		ike_input_encrypted(e, sa, src, dst, buf, len, m, NULL);
	ike_sa_touch(sa);
done:
	free(m);
	ike_sa_reap(e);
}

static void ike_sa_tick(struct ike_sa *sa, uint64_t now)
{
	struct ike_engine *e = sa->eng;
	struct ike_peer_conf *c = sa->tun ? &sa->tun->conf : NULL;

	ike_xmit_tick(sa, now);
	if (sa->state == IKE_SA_DEAD)
		return;
	if (sa->state == IKE_SA_HALF_OPEN && now - sa->created_ms >= e->opts.half_open_timeout_ms) {
		ike_log(e, IKE_LOG_INFO, "half-open IKE SA timed out");
		if (sa->tun && sa->tun->sa == sa)
			ike_tun_fail(sa->tun, e, "peer did not complete IKE_AUTH");
		ike_sa_destroy(sa);
		return;
	}
	if (sa->state != IKE_SA_ESTABLISHED || sa->req.active || c == NULL)
		return;
	if (sa->delete_after) {
		ike_info_delete_ike(sa);
		return;
	}
	if (sa->ike_expire_at && now >= sa->ike_expire_at) {
		if (sa->tun->sa == sa)
			ike_tun_fail(sa->tun, e,
				     "IKE SA reached its lifetime (%u s) without a rekey",
				     c->ike_lifetime_s);
		ike_info_delete_ike(sa);
		return;
	}
	if (sa->initiator && sa->ike_rekey_at && now >= sa->ike_rekey_at) {
		sa->ike_rekey_at = 0;
		ike_ike_rekey_start(sa);
		return;
	}
	for (struct ike_child *ch = sa->children; ch; ch = ch->next) {
		if (ch->rekey_at && now >= ch->rekey_at) {
			ch->rekey_at = 0;
			ike_child_rekey_start(sa, ch);
			return;
		}
	}
	if (ike_child_wanted(sa, now)) {
		ike_child_create_start(sa);
		return;
	}
	if (c->dpd_interval_s && now - sa->last_rx_ms >= (uint64_t)c->dpd_interval_s * 1000)
		ike_info_dpd(sa);
}

/* Keep our NAT mapping open (RFC 3948 §4). */
static void ike_sa_keepalive(struct ike_sa *sa, uint64_t now)
{
	static const uint8_t ka = 0xff;

	if (sa->state != IKE_SA_ESTABLISHED || !sa->nat_local)
		return;
	if (sa->keepalive_at == 0)
		sa->keepalive_at = sa->last_rx_ms + IKE_KEEPALIVE_MS;
	if (now < sa->keepalive_at)
		return;
	sa->keepalive_at = now + IKE_KEEPALIVE_MS;
	ike_send_plain(sa->eng, &sa->local, &sa->remote, &ka, 1);
}

/* When ike_tick() must look at sa next: its earliest timer (UINT64_MAX: none). */
static uint64_t ike_sa_due(const struct ike_sa *sa)
{
	const struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = sa->tun ? &sa->tun->conf : NULL;
	uint64_t next = ike_xmit_next(sa), t;

	if (sa->state == IKE_SA_HALF_OPEN) {
		t = sa->created_ms + e->opts.half_open_timeout_ms;
		if (t < next)
			next = t;
	}
	if (sa->state == IKE_SA_ESTABLISHED && sa->nat_local) {
		t = sa->keepalive_at ? sa->keepalive_at : sa->last_rx_ms + IKE_KEEPALIVE_MS;
		if (t < next)
			next = t;
	}
	/* rekeys and DPD wait for the outstanding request */
	if (sa->state != IKE_SA_ESTABLISHED || c == NULL || sa->req.active)
		return next;
	if (sa->delete_after)
		return 0;
	if (ike_child_wanted(sa, UINT64_MAX) && sa->child_retry_at < next)
		next = sa->child_retry_at;
	if (sa->initiator && sa->ike_rekey_at && sa->ike_rekey_at < next)
		next = sa->ike_rekey_at;
	if (sa->ike_expire_at && sa->ike_expire_at < next)
		next = sa->ike_expire_at;
	for (const struct ike_child *ch = sa->children; ch; ch = ch->next) {
		if (ch->rekey_at && ch->rekey_at < next)
			next = ch->rekey_at;
	}
	if (c->dpd_interval_s) {
		t = sa->last_rx_ms + (uint64_t)c->dpd_interval_s * 1000;
		if (t < next)
			next = t;
	}
	return next;
}

/*
 * The tunnels due to (re)initiate, as many as the pacing window lets go
 * (ike_pace.c); a scan stopped by a full window goes on from there.
 */
static void ike_initiate_due(struct ike_engine *e, uint64_t now)
{
	struct ike_tunnel *first = e->scan_from ? e->scan_from : e->tunnels, *t = first;

	e->retry_min = UINT64_MAX;
	e->scan_from = NULL;
	if (t == NULL)
		return;
	do {
		struct ike_tunnel *next = t->next ? t->next : e->tunnels;

		e->tick_visits++;
		if ((t->conf.start != IKE_START_AUTO && !t->restart) || t->sa || !t->retry_at) {
			/* nothing to start */
		} else if (now < t->retry_at) {
			ike_tun_retry(e, t, t->retry_at);
		} else if (ike_tun_peer_half_open(e, t, now)) {
			/* the peer is initiating: initiating too would make a second IKE SA */
			ike_tun_retry(e, t, now + IKE_RESOLVE_WAIT_MS);
		} else if (!ike_pace_room(e)) {
			/* an answer makes room (and wakes the scan); the poll is a fallback */
			e->scan_from = t;
			e->pace_waiting = true;
			if (now + IKE_PACE_POLL_MS < e->retry_min)
				e->retry_min = now + IKE_PACE_POLL_MS;
			return;
		} else {
			t->retry_at = 0;
			t->restart = false;
			if (ike_initiate(e, t->conf.name) == -EDESTADDRREQ)
				ike_tun_retry(e, t, now + IKE_RESOLVE_WAIT_MS);
		}
		t = next;
	} while (t != first);
}

/*
 * Timers: the tunnels waiting to (re)initiate, then only the SAs that are
 * due, taken from the heap; each is filed again under its next due time.
 */
void ike_tick(struct ike_engine *e)
{
	uint64_t now = ike_now(e);
	struct ike_sa **due = NULL;
	size_t n = 0;

	/* the tunnels are scanned only when one is due */
	if (now >= e->retry_min)
		ike_initiate_due(e, now);

	/* take the due SAs out first: ticking one may touch or kill others */
	ike_timers_flush(e);
	while (e->heap_n && e->heap[0]->due <= now) {
		struct ike_sa **d = n % 64 ? due : realloc(due, (n + 64) * sizeof(*due));

		if (d == NULL)
			break;
		due = d;
		due[n++] = e->heap[0];
		heap_remove(e, e->heap[0]);
	}
	for (size_t i = 0; i < n; i++) {
		struct ike_sa *sa = due[i];

		e->tick_visits++;
		if (sa->state != IKE_SA_DEAD)
			ike_sa_tick(sa, now);
		if (sa->state != IKE_SA_DEAD)
			ike_sa_keepalive(sa, now);
		ike_sa_touch(sa); /* filed again below, under its next due time */
	}
	free(due);
	ike_sa_reap(e);
}

uint64_t ike_next_timeout(const struct ike_engine *e)
{
	uint64_t next = UINT64_MAX;

	/* the heap is brought up to date first; that changes no timer */
	ike_timers_flush((struct ike_engine *)e);

	next = e->retry_min;
	if (e->heap_n && e->heap[0]->due < next)
		next = e->heap[0]->due;
	return next;
}
