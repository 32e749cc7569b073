/* SPDX-License-Identifier: ISC */
/*
 * The seam's front: argument checks shared by every implementation, error
 * recording, reqid ownership, and forwarding to the implementation chosen
 * at open.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "kernel_int.h"

int kernel_fail(struct kernel *k, int err, const char *extack, const char *fmt, ...)
{
	va_list ap;

	k->err.err = err;
	va_start(ap, fmt);
	vsnprintf(k->err.what, sizeof(k->err.what), fmt, ap);
	va_end(ap);
	snprintf(k->err.msg, sizeof(k->err.msg), "%s", extack ? extack : "");
	return err;
}

void kernel_clear_error(struct kernel *k)
{
	memset(&k->err, 0, sizeof(k->err));
}

const struct kernel_err *kernel_last_error(const struct kernel *k)
{
	return &k->err;
}

const char *kernel_strerror(const struct kernel *k, char *buf, size_t len)
{
	const struct kernel_err *e = &k->err;

	if (!e->err)
		snprintf(buf, len, "no error");
	else if (e->msg[0])
		snprintf(buf, len, "%s: %s (%s)", e->what, strerror(-e->err), e->msg);
	else
		snprintf(buf, len, "%s: %s", e->what, strerror(-e->err));
	return buf;
}

const char *kernel_dir_name(uint8_t dir)
{
	static const char *const names[] = {"in", "out", "fwd"};

	return dir < 3 ? names[dir] : "?";
}

const char *kernel_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	default:
		return "?";
	}
}

static const char *addr_str(const struct kernel_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		snprintf(buf, len, "any");
	else if (!inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

void kernel_describe_sa(char *buf, size_t len, const char *op, const struct kernel_sa_id *id)
{
	char d[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s SA %s spi 0x%08x dst %s", op, kernel_proto_name(id->proto), id->spi,
		 addr_str(&id->dst, d, sizeof(d)));
}

void kernel_describe_policy(char *buf, size_t len, const char *op, const struct kernel_sel *sel,
			    uint8_t dir)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s policy %s %s/%u -> %s/%u", op, kernel_dir_name(dir),
		 addr_str(&sel->src, s, sizeof(s)), sel->src_len, addr_str(&sel->dst, d, sizeof(d)),
		 sel->dst_len);
}

static unsigned family_bits(uint8_t family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

void kernel_sel_resolve(const struct kernel_sel *in, uint8_t family, struct kernel_sel *out)
{
	*out = *in;
	if (!out->src.family)
		out->src.family = out->dst.family ? out->dst.family : family;
	if (!out->dst.family)
		out->dst.family = out->src.family;
}

int kernel_check_sel(const struct kernel_sel *sel, uint8_t family)
{
	struct kernel_sel s;

	kernel_sel_resolve(sel, family, &s);
	if (!family_bits(s.src.family) || s.src.family != s.dst.family)
		return -EAFNOSUPPORT;
	if (s.src_len > family_bits(s.src.family) || s.dst_len > family_bits(s.dst.family))
		return -EINVAL;
	return 0;
}

static bool lft_ok(uint64_t soft, uint64_t hard)
{
	return !soft || !hard || soft <= hard;
}

int kernel_check_sa(struct kernel *k, const struct kernel_sa *sa, const char *op)
{
	char what[sizeof(k->err.what)];
	struct kernel_sa_id id;
	const struct kernel_alg *e = NULL, *a = NULL;
	const struct kernel_lifetime *l = &sa->lft;

	kernel_sa_id_of(sa, &id);
	kernel_describe_sa(what, sizeof(what), op, &id);
	if (!family_bits(sa->src.family) || sa->src.family != sa->dst.family)
		return kernel_fail(k, -EAFNOSUPPORT, "outer addresses missing or of mixed families",
				   "%s", what);
	if (sa->proto != IPPROTO_ESP && sa->proto != IPPROTO_AH)
		return kernel_fail(k, -EPROTONOSUPPORT, "protocol must be ESP or AH", "%s", what);
	if (sa->mode != KERNEL_MODE_TRANSPORT && sa->mode != KERNEL_MODE_TUNNEL)
		return kernel_fail(k, -EINVAL, "unknown mode", "%s", what);
	if (!kernel_reqid_owned(k, sa->reqid))
		return kernel_fail(k, -EINVAL, "reqid outside this engine's range", "%s", what);
	if (sa->spi != 0 && sa->spi < 256)
		return kernel_fail(k, -EINVAL, "SPI values 1-255 are reserved", "%s", what);
	if (sa->proto == IPPROTO_ESP) {
		e = kernel_alg_find(1, sa->encr, sa->encr_keybits);
		if (!e)
			return kernel_fail(k, -ENOPROTOOPT, "unknown encryption transform",
					   "%s (encr %u/%u)", what, sa->encr, sa->encr_keybits);
		if (e->aead && sa->integ)
			return kernel_fail(k, -EINVAL, "AEAD transform with an integrity transform",
					   "%s", what);
		if (!e->aead && !sa->integ)
			return kernel_fail(k, -EINVAL, "ESP without integrity protection", "%s",
					   what);
		if (sa->enc_key_len != e->key_len)
			return kernel_fail(k, -EINVAL, "wrong encryption key length",
					   "%s (%s needs %u bytes, got %u)", what, e->kname,
					   e->key_len, sa->enc_key_len);
	} else if (sa->encr) {
		return kernel_fail(k, -EINVAL, "AH has no encryption", "%s", what);
	} else if (!sa->integ) {
		return kernel_fail(k, -EINVAL, "AH needs an integrity transform", "%s", what);
	} else if (sa->encap.on) {
		return kernel_fail(k, -EINVAL, "AH cannot be UDP-encapsulated", "%s", what);
	}
	if (sa->integ) {
		a = kernel_alg_find(3, sa->integ, 0);
		if (!a)
			return kernel_fail(k, -ENOPROTOOPT, "unknown integrity transform",
					   "%s (integ %u)", what, sa->integ);
		if (sa->integ_key_len != a->key_len)
			return kernel_fail(k, -EINVAL, "wrong integrity key length",
					   "%s (%s needs %u bytes, got %u)", what, a->kname,
					   a->key_len, sa->integ_key_len);
	}
	if (sa->enc_key_len > KERNEL_KEY_MAX || sa->integ_key_len > KERNEL_KEY_MAX)
		return kernel_fail(k, -EINVAL, "key too long", "%s", what);
	if (sa->replay_window > 4096)
		return kernel_fail(k, -EINVAL, "replay window above 4096 packets", "%s", what);
	if (!lft_ok(l->soft_bytes, l->hard_bytes) || !lft_ok(l->soft_packets, l->hard_packets) ||
	    !lft_ok(l->soft_add_s, l->hard_add_s) || !lft_ok(l->soft_use_s, l->hard_use_s))
		return kernel_fail(k, -EINVAL, "soft lifetime above hard lifetime", "%s", what);
	if (kernel_check_sel(&sa->sel, sa->src.family) < 0)
		return kernel_fail(k, -EINVAL, "bad traffic selector", "%s", what);
	if (sa->encap.on && (!sa->encap.sport || !sa->encap.dport))
		return kernel_fail(k, -EINVAL, "UDP encapsulation without ports", "%s", what);
	return 0;
}

int kernel_check_policy(struct kernel *k, const struct kernel_policy *pol, const char *op)
{
	char what[sizeof(k->err.what)];
	uint8_t fam = pol->sel.src.family ? pol->sel.src.family : pol->sel.dst.family;

	if (!fam)
		fam = pol->tmpl_src.family;
	kernel_describe_policy(what, sizeof(what), op, &pol->sel, pol->dir);
	if (pol->dir > KERNEL_DIR_FWD)
		return kernel_fail(k, -EINVAL, "unknown direction", "%s", what);
	if (pol->action > KERNEL_POLICY_BLOCK)
		return kernel_fail(k, -EINVAL, "unknown action", "%s", what);
	if (kernel_check_sel(&pol->sel, fam) < 0)
		return kernel_fail(k, -EINVAL, "bad traffic selector", "%s", what);
	if (pol->action != KERNEL_POLICY_IPSEC)
		return 0;
	if (pol->proto != IPPROTO_ESP && pol->proto != IPPROTO_AH)
		return kernel_fail(k, -EPROTONOSUPPORT, "template protocol must be ESP or AH", "%s",
				   what);
	if (!kernel_reqid_owned(k, pol->reqid))
		return kernel_fail(k, -EINVAL, "reqid outside this engine's range", "%s", what);
	if (pol->mode == KERNEL_MODE_TUNNEL) {
		if (!family_bits(pol->tmpl_src.family) ||
		    pol->tmpl_src.family != pol->tmpl_dst.family)
			return kernel_fail(k, -EAFNOSUPPORT,
					   "tunnel template needs both outer addresses", "%s",
					   what);
	} else if (pol->mode != KERNEL_MODE_TRANSPORT) {
		return kernel_fail(k, -EINVAL, "unknown mode", "%s", what);
	}
	return 0;
}

uint32_t kernel_policy_priority(const struct kernel_sel *sel)
{
	uint32_t spec = ((uint32_t)sel->src_len + sel->dst_len) << 2;

	if (sel->proto)
		spec += 2;
	if (sel->sport)
		spec++;
	if (sel->dport)
		spec++;
	return 0x10000u - spec;
}

void kernel_sa_id_of(const struct kernel_sa *sa, struct kernel_sa_id *id)
{
	memset(id, 0, sizeof(*id));
	id->src = sa->src;
	id->dst = sa->dst;
	id->spi = sa->spi;
	id->proto = sa->proto;
	id->mark = sa->mark;
	id->if_id = sa->if_id;
}

void kernel_policy_id_of(const struct kernel_policy *pol, struct kernel_policy_id *id)
{
	memset(id, 0, sizeof(*id));
	id->sel = pol->sel;
	id->dir = pol->dir;
	id->mark = pol->mark;
	id->if_id = pol->if_id;
}

void kernel_sa_wipe(struct kernel_sa *sa)
{
	OPENSSL_cleanse(sa->enc_key, sizeof(sa->enc_key));
	OPENSSL_cleanse(sa->integ_key, sizeof(sa->integ_key));
	sa->enc_key_len = 0;
	sa->integ_key_len = 0;
}

uint32_t kernel_reqid_alloc(struct kernel *k)
{
	uint32_t r = k->reqid_base + k->reqid_next;

	k->reqid_next = (k->reqid_next + 1) % k->reqid_count;
	if (r == 0) { /* base 0 is allowed; reqid 0 is not */
		r = k->reqid_base + k->reqid_next;
		k->reqid_next = (k->reqid_next + 1) % k->reqid_count;
	}
	return r;
}

bool kernel_reqid_owned(const struct kernel *k, uint32_t reqid)
{
	return reqid != 0 && reqid - k->reqid_base < k->reqid_count;
}

int kernel_xfrm_stat_parse(const char *text, struct kernel_xfrm_stat *st)
{
	const char *p = text;

	memset(st, 0, sizeof(*st));
	while (*p) {
		char name[32];
		unsigned long long v;
		int used = 0;

		if (sscanf(p, "%31s %llu%n", name, &v, &used) == 2 && used > 0 &&
		    st->n < KERNEL_XFRM_STAT_MAX) {
			snprintf(st->v[st->n].name, sizeof(st->v[st->n].name), "%s", name);
			st->v[st->n].value = v;
			st->n++;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return st->n ? 0 : -EBADMSG;
}

int kernel_xfrm_stat_get(const struct kernel_xfrm_stat *st, const char *name, uint64_t *value)
{
	for (unsigned i = 0; i < st->n; i++) {
		if (!strcmp(st->v[i].name, name)) {
			*value = st->v[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- Child SAs -------------------------------------------------------- */

static void child_policy(const struct kernel_child *c, uint8_t dir, struct kernel_policy *p)
{
	const struct kernel_sa *sa = dir == KERNEL_DIR_OUT ? &c->out : &c->in;
	struct kernel_sel sel = c->sel;

	memset(p, 0, sizeof(*p));
	if (!sel.src.family && !sel.dst.family && !sel.src_len && !sel.dst_len) {
		sel.src = c->out.src;
		sel.dst = c->out.dst;
		sel.src_len = sel.dst_len = c->out.src.family == AF_INET ? 32 : 128;
	}
	p->sel = sel;
	if (dir != KERNEL_DIR_OUT) { /* traffic from the peer */
		p->sel.src = sel.dst;
		p->sel.dst = sel.src;
		p->sel.src_len = sel.dst_len;
		p->sel.dst_len = sel.src_len;
		p->sel.sport = sel.dport;
		p->sel.dport = sel.sport;
	}
	p->dir = dir;
	p->action = KERNEL_POLICY_IPSEC;
	p->priority = c->priority;
	p->proto = sa->proto;
	p->mode = sa->mode;
	p->reqid = sa->reqid;
	if (sa->mode == KERNEL_MODE_TUNNEL) {
		p->tmpl_src = sa->src;
		p->tmpl_dst = sa->dst;
	}
	p->if_id = sa->if_id;
	p->mark = sa->mark;
}

/* The policy directions of a child, in install order. */
static unsigned child_dirs(const struct kernel_child *c, uint8_t dirs[3])
{
	unsigned n = 0;

	if (c->sas_only)
		return 0;
	dirs[n++] = KERNEL_DIR_IN;
	if (!c->no_fwd && c->in.mode == KERNEL_MODE_TUNNEL)
		dirs[n++] = KERNEL_DIR_FWD;
	dirs[n++] = KERNEL_DIR_OUT;
	return n;
}

static void child_failed(void *arg, unsigned index, const struct kernel_err *e)
{
	if (index < 32)
		*(uint32_t *)arg |= 1u << index;
}

int kernel_child_install(struct kernel *k, const struct kernel_child *c)
{
	struct kernel_policy pols[3];
	uint8_t dirs[3];
	unsigned npol = child_dirs(c, dirs);
	bool own = !k->batch;
	uint32_t failed = 0;
	struct kernel_err err;
	int ret;

	kernel_clear_error(k);
	/* everything is checked before anything is queued */
	ret = kernel_check_sa(k, &c->in, "add");
	if (ret == 0)
		ret = kernel_check_sa(k, &c->out, "add");
	for (unsigned i = 0; ret == 0 && i < npol; i++) {
		child_policy(c, dirs[i], &pols[i]);
		ret = kernel_check_policy(k, &pols[i], "add");
	}
	if (ret < 0)
		return ret;
	if (own && (ret = kernel_batch_begin(k)) < 0)
		return ret;
	ret = c->in_allocated ? kernel_sa_update(k, &c->in) : kernel_sa_add(k, &c->in);
	if (ret == 0)
		ret = kernel_sa_add(k, &c->out);
	/* NEWPOLICY, not UPDPOLICY: another daemon's policy is never replaced */
	for (unsigned i = 0; ret == 0 && i < npol; i++)
		ret = kernel_policy_add(k, &pols[i]);
	if (!own)
		return ret;
	if (ret < 0) { /* cannot happen after the checks; commit what was queued */
		err = k->err;
		kernel_batch_commit(k, NULL, NULL);
		k->err = err;
		return ret;
	}
	ret = kernel_batch_commit(k, child_failed, &failed);
	if (ret == 0)
		return 0;
	/* take back what went in: indices 0 in, 1 out, 2.. policies */
	err = k->err;
	for (unsigned i = npol; i-- > 0;) {
		if (!(failed & 1u << (2 + i))) {
			struct kernel_policy_id id;

			kernel_policy_id_of(&pols[i], &id);
			kernel_policy_del(k, &id);
		}
	}
	for (unsigned i = 0; i < 2; i++) {
		if (!(failed & 1u << i)) {
			struct kernel_sa_id id;

			kernel_sa_id_of(i ? &c->out : &c->in, &id);
			kernel_sa_del(k, &id);
		}
	}
	k->err = err;
	return ret;
}

int kernel_child_remove(struct kernel *k, const struct kernel_child *c, bool sas_only)
{
	struct kernel_child cc = *c;
	uint8_t dirs[3];
	unsigned npol;
	struct kernel_err first = {0};

	cc.sas_only = sas_only;
	npol = child_dirs(&cc, dirs);
	for (unsigned i = npol; i-- > 0;) { /* out first: stop sending */
		struct kernel_policy p;
		struct kernel_policy_id id;
		int ret;

		child_policy(&cc, dirs[i], &p);
		kernel_policy_id_of(&p, &id);
		ret = kernel_policy_del(k, &id);
		if (ret < 0 && ret != -ENOENT && !first.err)
			first = k->err;
	}
	for (unsigned i = 0; i < 2; i++) {
		struct kernel_sa_id id;
		int ret;

		kernel_sa_id_of(i ? &c->in : &c->out, &id);
		ret = kernel_sa_del(k, &id);
		if (ret < 0 && ret != -ESRCH && ret != -ENOENT && !first.err)
			first = k->err;
	}
	k->err = first;
	return first.err;
}

/* ---- Forwarding ------------------------------------------------------- */

int kernel_open(enum kernel_impl impl, const struct kernel_opts *opts, struct kernel **out)
{
	struct kernel *k;
	int ret;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	switch (impl) {
	case KERNEL_IMPL_XFRM:
		k->ops = &kernel_xfrm_ops;
		break;
	case KERNEL_IMPL_FAKE:
		k->ops = &kernel_fake_ops;
		break;
	default:
		free(k);
		return -EINVAL;
	}
	k->reqid_base = opts && opts->reqid_base ? opts->reqid_base : KERNEL_REQID_BASE;
	k->reqid_count = opts && opts->reqid_count ? opts->reqid_count : KERNEL_REQID_COUNT;
	k->spi_min = opts && opts->spi_min ? opts->spi_min : 0xc0000000u;
	k->spi_max = opts && opts->spi_max ? opts->spi_max : 0xcfffffffu;
	k->keep_stale = opts && opts->keep_stale;
	if (k->spi_min < 256 || k->spi_max < k->spi_min ||
	    (uint64_t)k->reqid_base + k->reqid_count > 0x100000000ull) {
		free(k);
		return -EINVAL;
	}
	ret = k->ops->open(k);
	if (ret < 0) {
		free(k);
		return ret;
	}
	*out = k;
	return 0;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	k->ops->close(k);
	free(k);
}

int kernel_spi_alloc(struct kernel *k, struct kernel_sa *sa)
{
	char what[sizeof(k->err.what)];
	struct kernel_sa_id id;

	kernel_clear_error(k);
	kernel_sa_id_of(sa, &id);
	kernel_describe_sa(what, sizeof(what), "allocate SPI for", &id);
	if (!family_bits(sa->src.family) || sa->src.family != sa->dst.family)
		return kernel_fail(k, -EAFNOSUPPORT, "outer addresses missing or of mixed families",
				   "%s", what);
	if (sa->proto != IPPROTO_ESP && sa->proto != IPPROTO_AH)
		return kernel_fail(k, -EPROTONOSUPPORT, "protocol must be ESP or AH", "%s", what);
	if (!kernel_reqid_owned(k, sa->reqid))
		return kernel_fail(k, -EINVAL, "reqid outside this engine's range", "%s", what);
	return k->ops->spi_alloc(k, sa);
}

/* An operation's result; one queued in a batch takes the next index. */
static int queued(struct kernel *k, int ret)
{
	if (ret == 0 && k->batch)
		k->batch_n++;
	return ret;
}

static int sa_add(struct kernel *k, const struct kernel_sa *sa, bool update)
{
	int ret;

	kernel_clear_error(k);
	ret = kernel_check_sa(k, sa, update ? "update" : "add");
	if (ret < 0)
		return ret;
	if (!sa->spi) {
		char what[sizeof(k->err.what)];
		struct kernel_sa_id id;

		kernel_sa_id_of(sa, &id);
		kernel_describe_sa(what, sizeof(what), update ? "update" : "add", &id);
		return kernel_fail(k, -EINVAL, "SPI 0", "%s", what);
	}
	return queued(k, k->ops->sa_add(k, sa, update));
}

int kernel_sa_add(struct kernel *k, const struct kernel_sa *sa)
{
	return sa_add(k, sa, false);
}

int kernel_sa_update(struct kernel *k, const struct kernel_sa *sa)
{
	return sa_add(k, sa, true);
}

int kernel_sa_del(struct kernel *k, const struct kernel_sa_id *id)
{
	kernel_clear_error(k);
	if (!family_bits(id->dst.family)) {
		return kernel_fail(k, -EAFNOSUPPORT, "no destination address",
				   "delete SA spi 0x%08x", id->spi);
	}
	return queued(k, k->ops->sa_del(k, id));
}

int kernel_sa_counters(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st)
{
	kernel_clear_error(k);
	memset(st, 0, sizeof(*st));
	if (!family_bits(id->dst.family)) {
		return kernel_fail(k, -EAFNOSUPPORT, "no destination address", "read SA spi 0x%08x",
				   id->spi);
	}
	return k->ops->sa_counters(k, id, st);
}

int kernel_policy_add(struct kernel *k, const struct kernel_policy *pol)
{
	int ret;

	kernel_clear_error(k);
	ret = kernel_check_policy(k, pol, "add");
	return ret < 0 ? ret : queued(k, k->ops->policy_add(k, pol, false));
}

int kernel_policy_update(struct kernel *k, const struct kernel_policy *pol)
{
	int ret;

	kernel_clear_error(k);
	ret = kernel_check_policy(k, pol, "update");
	return ret < 0 ? ret : queued(k, k->ops->policy_add(k, pol, true));
}

int kernel_policy_del(struct kernel *k, const struct kernel_policy_id *id)
{
	kernel_clear_error(k);
	if (id->dir > KERNEL_DIR_FWD ||
	    kernel_check_sel(&id->sel,
			     id->sel.src.family ? id->sel.src.family : id->sel.dst.family) < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_policy(what, sizeof(what), "delete", &id->sel, id->dir);
		return kernel_fail(k, -EINVAL, "bad selector or direction", "%s", what);
	}
	return queued(k, k->ops->policy_del(k, id));
}

int kernel_flush_own(struct kernel *k)
{
	kernel_clear_error(k);
	if (k->batch)
		return kernel_fail(k, -EBUSY, NULL, "flush own state: a batch is open");
	return k->ops->flush_own(k);
}

int kernel_bypass_socket(struct kernel *k, int fd, int family)
{
	kernel_clear_error(k);
	if (family != AF_INET && family != AF_INET6)
		return kernel_fail(k, -EAFNOSUPPORT, NULL, "bypass policy on socket %d", fd);
	return k->ops->bypass_socket(k, fd, family);
}

int kernel_events_fd(struct kernel *k)
{
	kernel_clear_error(k);
	return k->ops->events_fd(k);
}

int kernel_events_read(struct kernel *k, kernel_event_cb cb, void *arg)
{
	kernel_clear_error(k);
	return k->ops->events_read(k, cb, arg);
}

unsigned long kernel_events_dropped(const struct kernel *k)
{
	return k->ev_dropped;
}

int kernel_xfrm_stat(struct kernel *k, struct kernel_xfrm_stat *st)
{
	kernel_clear_error(k);
	memset(st, 0, sizeof(*st));
	return k->ops->xfrm_stat(k, st);
}

static bool ifname_ok(const char *name)
{
	size_t n = name ? strnlen(name, KERNEL_IFNAME_MAX) : 0;

	if (n == 0 || n >= KERNEL_IFNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] <= ' ')
			return false;
	return strcmp(name, ".") && strcmp(name, "..");
}

int kernel_iface_create(struct kernel *k, struct kernel_iface *ifc)
{
	kernel_clear_error(k);
	if (!ifname_ok(ifc->name))
		return kernel_fail(k, -EINVAL, "invalid interface name", "create interface");
	if (ifc->link[0] && !ifname_ok(ifc->link))
		return kernel_fail(k, -EINVAL, "invalid underlying interface name",
				   "create interface %s", ifc->name);
	if (ifc->kind > KERNEL_IFACE_GRE)
		return kernel_fail(k, -EINVAL, "unknown interface kind", "create interface %s",
				   ifc->name);
	if (!ifc->if_id && ifc->kind != KERNEL_IFACE_GRE)
		return kernel_fail(k, -EINVAL, "if_id 0 is not allowed", "create interface %s",
				   ifc->name);
	if (ifc->kind == KERNEL_IFACE_GRE &&
	    (!ifc->local.family || ifc->local.family != ifc->remote.family))
		return kernel_fail(k, -EINVAL,
				   "GRE needs a local and a remote address of one family",
				   "create interface %s", ifc->name);
	return k->ops->iface_create(k, ifc);
}

int kernel_iface_delete(struct kernel *k, const char *name)
{
	kernel_clear_error(k);
	if (!ifname_ok(name))
		return kernel_fail(k, -EINVAL, "invalid interface name", "delete interface");
	return k->ops->iface_delete(k, name);
}

int kernel_iface_up(struct kernel *k, const char *name, bool up)
{
	kernel_clear_error(k);
	if (!ifname_ok(name))
		return kernel_fail(k, -EINVAL, "invalid interface name", "set interface up");
	return k->ops->iface_up(k, name, up);
}

int kernel_spd_hthresh(struct kernel *k, const struct kernel_hthresh *h)
{
	kernel_clear_error(k);
	if ((h->v4 && (h->v4_lbits > 32 || h->v4_rbits > 32)) ||
	    (h->v6 && (h->v6_lbits > 128 || h->v6_rbits > 128)))
		return kernel_fail(k, -EINVAL, "prefix length beyond the address",
				   "set policy hash thresholds");
	if (!h->v4 && !h->v6)
		return 0;
	return k->ops->spd_hthresh(k, h);
}

int kernel_batch_begin(struct kernel *k)
{
	int ret;

	kernel_clear_error(k);
	if (k->batch)
		return kernel_fail(k, -EBUSY, NULL, "begin batch: a batch is already open");
	ret = k->ops->batch_begin(k);
	if (ret == 0) {
		k->batch = true;
		k->batch_n = 0;
	}
	return ret;
}

int kernel_batch_commit(struct kernel *k, kernel_batch_err_cb on_err, void *arg)
{
	kernel_clear_error(k);
	if (!k->batch)
		return kernel_fail(k, -EINVAL, NULL, "commit batch: no batch is open");
	k->batch = false;
	return k->ops->batch_commit(k, on_err, arg);
}

bool kernel_batch_active(const struct kernel *k)
{
	return k->batch;
}

unsigned kernel_batch_pos(const struct kernel *k)
{
	return k->batch ? k->batch_n : 0;
}
