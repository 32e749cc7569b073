/* SPDX-License-Identifier: ISC */
/*
 * The recording fake kernel: an in-memory SAD/SPD with the kernel's
 * uniqueness rules, a call log, injected failures and events.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "kernel_fake.h"
#include "kernel_int.h"

struct fake_sa {
	struct kernel_sa sa;
	bool larval;
	struct kernel_sa_stats st;
};

struct fake_fail {
	bool armed;
	unsigned nth;
	int err;
	char extack[128];
};

struct fake_batch_err {
	unsigned index;
	struct kernel_err e;
};

struct fake {
	struct kernel_fake_call *calls;
	size_t ncalls, calls_cap;
	struct fake_sa *sas;
	size_t nsas, sas_cap;
	struct kernel_policy *pols;
	size_t npols, pols_cap;
	struct kernel_iface ifaces[16];
	size_t nifaces;
	bool no_xfrmi, no_vti;
	struct kernel_event *evs;
	size_t nevs, evs_cap;
	int pipe_rd, pipe_wr;
	struct fake_fail fail[KF_OP_COUNT];
	struct kernel_xfrm_stat stat;
	uint32_t next_spi;
	unsigned batch_n;
	struct fake_batch_err *berr;
	size_t nberr, berr_cap;
	int next_ifindex;
};

static struct fake *F(const struct kernel *k)
{
	return k->priv;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
	*p = q;
	*cap = n;
	return 0;
}

const char *kernel_fake_op_name(enum kernel_fake_op op)
{
	static const char *const names[KF_OP_COUNT] = {
	    [KF_SPI_ALLOC] = "spi_alloc",	  [KF_SA_ADD] = "sa_add",
	    [KF_SA_UPDATE] = "sa_update",	  [KF_SA_DEL] = "sa_del",
	    [KF_SA_COUNTERS] = "sa_counters",	  [KF_POLICY_ADD] = "policy_add",
	    [KF_POLICY_UPDATE] = "policy_update", [KF_POLICY_DEL] = "policy_del",
	    [KF_FLUSH_OWN] = "flush_own",	  [KF_BYPASS] = "bypass_socket",
	    [KF_IFACE_CREATE] = "iface_create",	  [KF_IFACE_DELETE] = "iface_delete",
	    [KF_IFACE_UP] = "iface_up",		  [KF_BATCH_BEGIN] = "batch_begin",
	    [KF_BATCH_COMMIT] = "batch_commit",	  [KF_SPD_HTHRESH] = "spd_hthresh",
	};

	return op > 0 && op < KF_OP_COUNT ? names[op] : "?";
}

/* Appends a call record; returns it (NULL when out of memory). */
static struct kernel_fake_call *record(struct kernel *k, enum kernel_fake_op op)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c;

	if (grow((void **)&f->calls, &f->calls_cap, f->ncalls + 1, sizeof(*f->calls)) < 0)
		return NULL;
	c = &f->calls[f->ncalls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->in_batch = k->batch;
	return c;
}

/* An injected failure for this call of op, or 0. */
static int injected(struct kernel *k, enum kernel_fake_op op, const char **extack)
{
	struct fake_fail *ff = &F(k)->fail[op];

	if (!ff->armed)
		return 0;
	if (ff->nth > 0) {
		ff->nth--;
		return 0;
	}
	ff->armed = false;
	*extack = ff->extack[0] ? ff->extack : NULL;
	return ff->err;
}

/*
 * Finishes an operation: the result is recorded; outside a batch an error
 * is returned, inside a batch it is kept for the commit.
 */
static int finish(struct kernel *k, struct kernel_fake_call *c, int ret)
{
	struct fake *f = F(k);

	if (c)
		c->result = ret;
	if (!k->batch)
		return ret;
	if (ret < 0 && grow((void **)&f->berr, &f->berr_cap, f->nberr + 1, sizeof(*f->berr)) == 0) {
		f->berr[f->nberr].index = f->batch_n;
		f->berr[f->nberr].e = k->err;
		f->nberr++;
	}
	f->batch_n++;
	kernel_clear_error(k);
	return 0;
}

static bool addr_eq(const struct kernel_addr *a, const struct kernel_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && !memcmp(a->bytes, b->bytes, n);
}

static bool mark_eq(const struct kernel_mark *a, const struct kernel_mark *b)
{
	return a->value == b->value && a->mask == b->mask;
}

static bool sel_eq(const struct kernel_sel *a, const struct kernel_sel *b)
{
	return addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst) && a->src_len == b->src_len &&
	       a->dst_len == b->dst_len && a->proto == b->proto && a->sport == b->sport &&
	       a->dport == b->dport;
}

static struct fake_sa *sa_lookup(const struct kernel *k, const struct kernel_sa_id *id)
{
	struct fake *f = F(k);

	for (size_t i = 0; i < f->nsas; i++) {
		struct kernel_sa *s = &f->sas[i].sa;

		if (s->spi == id->spi && s->proto == id->proto && addr_eq(&s->dst, &id->dst) &&
		    mark_eq(&s->mark, &id->mark) && s->if_id == id->if_id)
			return &f->sas[i];
	}
	return NULL;
}

static struct kernel_policy *pol_lookup(const struct kernel *k, const struct kernel_policy_id *id)
{
	struct fake *f = F(k);

	for (size_t i = 0; i < f->npols; i++) {
		struct kernel_policy *p = &f->pols[i];

		if (p->dir == id->dir && sel_eq(&p->sel, &id->sel) &&
		    mark_eq(&p->mark, &id->mark) && p->if_id == id->if_id)
			return p;
	}
	return NULL;
}

static void sa_remove(struct fake *f, struct fake_sa *s)
{
	size_t i = (size_t)(s - f->sas);

	OPENSSL_cleanse(s, sizeof(*s));
	memmove(&f->sas[i], &f->sas[i + 1], (f->nsas - i - 1) * sizeof(*s));
	f->nsas--;
}

static void pol_remove(struct fake *f, struct kernel_policy *p)
{
	size_t i = (size_t)(p - f->pols);

	memmove(&f->pols[i], &f->pols[i + 1], (f->npols - i - 1) * sizeof(*p));
	f->npols--;
}

static int fake_open(struct kernel *k)
{
	struct fake *f = calloc(1, sizeof(*f));
	int fds[2];

	if (!f)
		return -ENOMEM;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
		int err = -errno;

		free(f);
		return err;
	}
	f->pipe_rd = fds[0];
	f->pipe_wr = fds[1];
	f->next_spi = k->spi_min;
	f->next_ifindex = 100;
	k->priv = f;
	kernel_fake_set_stat(k, "XfrmInError", 0);
	return 0;
}

static void fake_close(struct kernel *k)
{
	struct fake *f = F(k);

	if (f->calls)
		OPENSSL_cleanse(f->calls, f->calls_cap * sizeof(*f->calls));
	if (f->sas)
		OPENSSL_cleanse(f->sas, f->sas_cap * sizeof(*f->sas));
	free(f->calls);
	free(f->sas);
	free(f->pols);
	free(f->evs);
	free(f->berr);
	close(f->pipe_rd);
	close(f->pipe_wr);
	free(f);
}

static int fake_spi_alloc(struct kernel *k, struct kernel_sa *sa)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_SPI_ALLOC);
	const char *extack = NULL;
	struct kernel_sa_id id;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = injected(k, KF_SPI_ALLOC, &extack);
	if (ret == 0 && f->next_spi > k->spi_max)
		ret = -ENOENT, extack = "SPI range exhausted";
	if (ret == 0)
		ret = grow((void **)&f->sas, &f->sas_cap, f->nsas + 1, sizeof(*f->sas));
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_sa_id_of(sa, &id);
		kernel_describe_sa(what, sizeof(what), "allocate SPI for", &id);
		kernel_fail(k, ret, extack, "%s", what);
		c->sa = *sa;
		kernel_sa_wipe(&c->sa);
		c->result = ret;
		return ret;
	}
	sa->spi = f->next_spi++;
	memset(&f->sas[f->nsas], 0, sizeof(f->sas[0]));
	f->sas[f->nsas].sa = *sa;
	kernel_sa_wipe(&f->sas[f->nsas].sa);
	f->sas[f->nsas].larval = true;
	f->nsas++;
	c->sa = *sa;
	kernel_sa_wipe(&c->sa);
	c->result = 0;
	return 0;
}

/* What the kernel would report of an SA's configuration. */
static void fake_config(struct kernel_sa_stats *st, const struct kernel_sa *sa)
{
	const struct kernel_alg *e =
	    sa->encr ? kernel_alg_find(1, sa->encr, sa->encr_keybits) : NULL;
	const struct kernel_alg *a = sa->integ ? kernel_alg_find(3, sa->integ, 0) : NULL;

	st->mode = sa->mode;
	snprintf(st->encr, sizeof(st->encr), "%s", e ? e->kname : "");
	snprintf(st->integ, sizeof(st->integ), "%s", a ? a->kname : "");
	st->icv_bits = a ? a->icv_bits : e ? e->icv_bits : 0;
	st->window = sa->esn && !sa->replay_window ? 32 : sa->replay_window;
	st->esn = sa->esn;
	st->lft = sa->lft;
}

static int fake_sa_add(struct kernel *k, const struct kernel_sa *sa, bool update)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, update ? KF_SA_UPDATE : KF_SA_ADD);
	const char *extack = NULL;
	struct kernel_sa_id id;
	struct fake_sa *s;
	int ret;

	if (!c)
		return -ENOMEM;
	c->sa = *sa;
	kernel_sa_id_of(sa, &id);
	ret = injected(k, update ? KF_SA_UPDATE : KF_SA_ADD, &extack);
	s = sa_lookup(k, &id);
	if (ret == 0 && !update && s)
		ret = -EEXIST, extack = NULL;
	if (ret == 0 && !s) /* NEWSA, or UPDSA falling back to NEWSA */
		ret = grow((void **)&f->sas, &f->sas_cap, f->nsas + 1, sizeof(*f->sas));
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_sa(what, sizeof(what), update ? "update" : "add", &id);
		kernel_fail(k, ret, extack, "%s", what);
		return finish(k, c, ret);
	}
	if (!s) {
		s = &f->sas[f->nsas++];
		memset(s, 0, sizeof(*s));
	}
	s->sa = *sa;
	s->larval = false;
	memset(&s->st, 0, sizeof(s->st));
	s->st.reqid = sa->reqid;
	s->st.add_time = (uint64_t)time(NULL);
	fake_config(&s->st, sa);
	return finish(k, c, 0);
}

static int fake_sa_del(struct kernel *k, const struct kernel_sa_id *id)
{
	struct kernel_fake_call *c = record(k, KF_SA_DEL);
	const char *extack = NULL;
	struct fake_sa *s;
	int ret;

	if (!c)
		return -ENOMEM;
	c->sa_id = *id;
	ret = injected(k, KF_SA_DEL, &extack);
	s = sa_lookup(k, id);
	if (ret == 0 && !s)
		ret = -ESRCH;
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_sa(what, sizeof(what), "delete", id);
		kernel_fail(k, ret, extack, "%s", what);
		return finish(k, c, ret);
	}
	sa_remove(F(k), s);
	return finish(k, c, 0);
}

static int fake_sa_counters(struct kernel *k, const struct kernel_sa_id *id,
			    struct kernel_sa_stats *st)
{
	struct kernel_fake_call *c = record(k, KF_SA_COUNTERS);
	const char *extack = NULL;
	struct fake_sa *s;
	int ret;

	if (!c)
		return -ENOMEM;
	c->sa_id = *id;
	ret = injected(k, KF_SA_COUNTERS, &extack);
	s = sa_lookup(k, id);
	if (ret == 0 && !s)
		ret = -ESRCH;
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_sa(what, sizeof(what), "read", id);
		c->result = ret;
		return kernel_fail(k, ret, extack, "%s", what);
	}
	*st = s->st;
	c->result = 0;
	return 0;
}

static int fake_policy_add(struct kernel *k, const struct kernel_policy *pol, bool update)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, update ? KF_POLICY_UPDATE : KF_POLICY_ADD);
	const char *extack = NULL;
	struct kernel_policy_id id;
	struct kernel_policy *p;
	int ret;

	if (!c)
		return -ENOMEM;
	c->pol = *pol;
	kernel_policy_id_of(pol, &id);
	ret = injected(k, update ? KF_POLICY_UPDATE : KF_POLICY_ADD, &extack);
	p = pol_lookup(k, &id);
	if (ret == 0 && !update && p)
		ret = -EEXIST;
	if (ret == 0 && !p)
		ret = grow((void **)&f->pols, &f->pols_cap, f->npols + 1, sizeof(*f->pols));
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_policy(what, sizeof(what), update ? "update" : "add", &pol->sel,
				       pol->dir);
		kernel_fail(k, ret, extack, "%s", what);
		return finish(k, c, ret);
	}
	if (!p)
		p = &f->pols[f->npols++];
	*p = *pol;
	if (!p->priority)
		p->priority = kernel_policy_priority(&pol->sel);
	return finish(k, c, 0);
}

static int fake_policy_del(struct kernel *k, const struct kernel_policy_id *id)
{
	struct kernel_fake_call *c = record(k, KF_POLICY_DEL);
	const char *extack = NULL;
	struct kernel_policy *p;
	int ret;

	if (!c)
		return -ENOMEM;
	c->pol_id = *id;
	ret = injected(k, KF_POLICY_DEL, &extack);
	p = pol_lookup(k, id);
	if (ret == 0 && !p)
		ret = -ENOENT;
	if (ret < 0) {
		char what[sizeof(k->err.what)];

		kernel_describe_policy(what, sizeof(what), "delete", &id->sel, id->dir);
		kernel_fail(k, ret, extack, "%s", what);
		return finish(k, c, ret);
	}
	pol_remove(F(k), p);
	return finish(k, c, 0);
}

static int fake_flush_own(struct kernel *k)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_FLUSH_OWN);
	const char *extack = NULL;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = injected(k, KF_FLUSH_OWN, &extack);
	if (ret < 0) {
		c->result = ret;
		return kernel_fail(k, ret, extack, "flush own state");
	}
	for (size_t i = f->nsas; i-- > 0;)
		if (kernel_reqid_owned(k, f->sas[i].sa.reqid))
			sa_remove(f, &f->sas[i]);
	for (size_t i = f->npols; i-- > 0;)
		if (f->pols[i].action == KERNEL_POLICY_IPSEC &&
		    kernel_reqid_owned(k, f->pols[i].reqid))
			pol_remove(f, &f->pols[i]);
	return 0;
}

static int fake_bypass_socket(struct kernel *k, int fd, int family)
{
	struct kernel_fake_call *c = record(k, KF_BYPASS);
	const char *extack = NULL;
	int ret;

	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->family = family;
	ret = injected(k, KF_BYPASS, &extack);
	c->result = ret;
	if (ret < 0)
		return kernel_fail(k, ret, extack, "bypass policy on socket %d", fd);
	return 0;
}

static int fake_events_fd(struct kernel *k)
{
	return F(k)->pipe_rd;
}

static int fake_events_read(struct kernel *k, kernel_event_cb cb, void *arg)
{
	struct fake *f = F(k);
	char buf[256];
	size_t n = f->nevs;

	while (read(f->pipe_rd, buf, sizeof(buf)) > 0)
		;
	/* Events injected by the callback wait for the next read. */
	for (size_t i = 0; i < n; i++) {
		struct kernel_event ev = f->evs[i]; /* cb may inject and move evs */

		cb(arg, &ev);
	}
	if (n) {
		memmove(f->evs, f->evs + n, (f->nevs - n) * sizeof(*f->evs));
		f->nevs -= n;
	}
	if (f->nevs && write(f->pipe_wr, "e", 1) < 0)
		return -errno;
	return (int)n;
}

static int fake_xfrm_stat(struct kernel *k, struct kernel_xfrm_stat *st)
{
	*st = F(k)->stat;
	return 0;
}

static int iface_fail(struct kernel *k, enum kernel_fake_op op, struct kernel_fake_call *c,
		      const char *name, const char *verb)
{
	const char *extack = NULL;
	int ret = injected(k, op, &extack);

	c->result = ret;
	if (ret < 0)
		kernel_fail(k, ret, extack, "%s interface %s", verb, name);
	return ret;
}

static int fake_iface_create(struct kernel *k, struct kernel_iface *ifc)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_IFACE_CREATE);
	int ret;

	if (!c)
		return -ENOMEM;
	c->ifc = *ifc;
	ret = iface_fail(k, KF_IFACE_CREATE, c, ifc->name, "create");
	if (ret < 0)
		return ret;
	if (kernel_fake_iface_find(k, ifc->name))
		ret = kernel_fail(k, -EEXIST, NULL, "create interface %s", ifc->name);
	else if (f->nifaces == sizeof(f->ifaces) / sizeof(f->ifaces[0]))
		ret = kernel_fail(k, -ENOSPC, NULL, "create interface %s", ifc->name);
	else if (ifc->kind == KERNEL_IFACE_XFRM && f->no_xfrmi)
		ret = kernel_fail(k, -EOPNOTSUPP, "the kernel has no XFRM interfaces",
				  "create interface %s", ifc->name);
	else if (ifc->kind == KERNEL_IFACE_VTI && f->no_vti)
		ret = kernel_fail(k, -EOPNOTSUPP, "the kernel has no VTI interfaces",
				  "create interface %s", ifc->name);
	else if (ifc->kind == KERNEL_IFACE_AUTO && f->no_xfrmi && f->no_vti)
		ret = kernel_fail(k, -EOPNOTSUPP, "the kernel has neither XFRM interfaces nor VTI",
				  "create interface %s", ifc->name);
	if (ret < 0) {
		c->result = ret;
		return ret;
	}
	if (ifc->kind == KERNEL_IFACE_AUTO)
		ifc->kind = f->no_xfrmi ? KERNEL_IFACE_VTI : KERNEL_IFACE_XFRM;
	ifc->ifindex = f->next_ifindex++;
	f->ifaces[f->nifaces++] = *ifc;
	return 0;
}

static int fake_iface_delete(struct kernel *k, const char *name)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_IFACE_DELETE);
	int ret;

	if (!c)
		return -ENOMEM;
	snprintf(c->ifname, sizeof(c->ifname), "%s", name);
	ret = iface_fail(k, KF_IFACE_DELETE, c, name, "delete");
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < f->nifaces; i++) {
		if (!strcmp(f->ifaces[i].name, name)) {
			memmove(&f->ifaces[i], &f->ifaces[i + 1],
				(f->nifaces - i - 1) * sizeof(f->ifaces[0]));
			f->nifaces--;
			return 0;
		}
	}
	c->result = -ENODEV;
	return kernel_fail(k, -ENODEV, NULL, "delete interface %s", name);
}

static int fake_iface_up(struct kernel *k, const char *name, bool up)
{
	struct kernel_fake_call *c = record(k, KF_IFACE_UP);
	int ret;

	if (!c)
		return -ENOMEM;
	snprintf(c->ifname, sizeof(c->ifname), "%s", name);
	c->up = up;
	ret = iface_fail(k, KF_IFACE_UP, c, name, "set up");
	if (ret < 0)
		return ret;
	if (!kernel_fake_iface_find(k, name)) {
		c->result = -ENODEV;
		return kernel_fail(k, -ENODEV, NULL, "set interface %s up", name);
	}
	return 0;
}

static int fake_spd_hthresh(struct kernel *k, const struct kernel_hthresh *h)
{
	struct kernel_fake_call *c = record(k, KF_SPD_HTHRESH);
	const char *extack = NULL;
	int ret;

	if (!c)
		return -ENOMEM;
	c->hthresh = *h;
	ret = injected(k, KF_SPD_HTHRESH, &extack);
	c->result = ret;
	if (ret < 0)
		return kernel_fail(k, ret, extack, "set policy hash thresholds");
	return 0;
}

static int fake_batch_begin(struct kernel *k)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_BATCH_BEGIN);
	const char *extack = NULL;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = injected(k, KF_BATCH_BEGIN, &extack);
	c->result = ret;
	if (ret < 0)
		return kernel_fail(k, ret, extack, "begin batch");
	f->batch_n = 0;
	f->nberr = 0;
	return 0;
}

static int fake_batch_commit(struct kernel *k, kernel_batch_err_cb on_err, void *arg)
{
	struct fake *f = F(k);
	struct kernel_fake_call *c = record(k, KF_BATCH_COMMIT);
	const char *extack = NULL;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = injected(k, KF_BATCH_COMMIT, &extack);
	if (ret < 0) {
		c->result = ret;
		f->nberr = 0;
		return kernel_fail(k, ret, extack, "commit batch of %u operations", f->batch_n);
	}
	for (size_t i = 0; i < f->nberr; i++)
		if (on_err)
			on_err(arg, f->berr[i].index, &f->berr[i].e);
	if (f->nberr) {
		k->err = f->berr[0].e;
		ret = k->err.err;
	}
	f->nberr = 0;
	c->result = ret;
	return ret;
}

const struct kernel_ops kernel_fake_ops = {
    .name = "fake",
    .open = fake_open,
    .close = fake_close,
    .spi_alloc = fake_spi_alloc,
    .sa_add = fake_sa_add,
    .sa_del = fake_sa_del,
    .sa_counters = fake_sa_counters,
    .policy_add = fake_policy_add,
    .policy_del = fake_policy_del,
    .flush_own = fake_flush_own,
    .bypass_socket = fake_bypass_socket,
    .events_fd = fake_events_fd,
    .events_read = fake_events_read,
    .xfrm_stat = fake_xfrm_stat,
    .iface_create = fake_iface_create,
    .iface_delete = fake_iface_delete,
    .iface_up = fake_iface_up,
    .spd_hthresh = fake_spd_hthresh,
    .batch_begin = fake_batch_begin,
    .batch_commit = fake_batch_commit,
};

/* ---- Test-facing API -------------------------------------------------- */

static bool is_fake(const struct kernel *k)
{
	return k && k->ops == &kernel_fake_ops;
}

size_t kernel_fake_ncalls(const struct kernel *k)
{
	return is_fake(k) ? F(k)->ncalls : 0;
}

const struct kernel_fake_call *kernel_fake_call(const struct kernel *k, size_t i)
{
	return is_fake(k) && i < F(k)->ncalls ? &F(k)->calls[i] : NULL;
}

size_t kernel_fake_count(const struct kernel *k, enum kernel_fake_op op)
{
	size_t n = 0;

	for (size_t i = 0; i < kernel_fake_ncalls(k); i++)
		n += F(k)->calls[i].op == op;
	return n;
}

const struct kernel_fake_call *kernel_fake_last(const struct kernel *k, enum kernel_fake_op op)
{
	for (size_t i = kernel_fake_ncalls(k); i-- > 0;)
		if (F(k)->calls[i].op == op)
			return &F(k)->calls[i];
	return NULL;
}

void kernel_fake_clear_calls(struct kernel *k)
{
	if (!is_fake(k))
		return;
	OPENSSL_cleanse(F(k)->calls, F(k)->ncalls * sizeof(*F(k)->calls));
	F(k)->ncalls = 0;
}

void kernel_fake_fail(struct kernel *k, enum kernel_fake_op op, unsigned nth, int err,
		      const char *extack)
{
	struct fake_fail *ff;

	if (!is_fake(k) || op <= 0 || op >= KF_OP_COUNT)
		return;
	ff = &F(k)->fail[op];
	ff->armed = true;
	ff->nth = nth;
	ff->err = err < 0 ? err : -EIO;
	snprintf(ff->extack, sizeof(ff->extack), "%s", extack ? extack : "");
}

int kernel_fake_inject(struct kernel *k, const struct kernel_event *ev)
{
	struct fake *f;

	if (!is_fake(k))
		return -EINVAL;
	f = F(k);
	if (grow((void **)&f->evs, &f->evs_cap, f->nevs + 1, sizeof(*f->evs)) < 0)
		return -ENOMEM;
	f->evs[f->nevs++] = *ev;
	if (write(f->pipe_wr, "e", 1) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

int kernel_fake_set_counters(struct kernel *k, const struct kernel_sa_id *id,
			     const struct kernel_sa_stats *st)
{
	struct fake_sa *s;

	if (!is_fake(k))
		return -EINVAL;
	s = sa_lookup(k, id);
	if (!s)
		return -ESRCH;
	s->st = *st;
	fake_config(&s->st, &s->sa); /* the configuration is the SA's */
	return 0;
}

int kernel_fake_set_stat(struct kernel *k, const char *name, uint64_t value)
{
	struct kernel_xfrm_stat *st;

	if (!is_fake(k))
		return -EINVAL;
	st = &F(k)->stat;
	for (unsigned i = 0; i < st->n; i++) {
		if (!strcmp(st->v[i].name, name)) {
			st->v[i].value = value;
			return 0;
		}
	}
	if (st->n == KERNEL_XFRM_STAT_MAX)
		return -ENOSPC;
	snprintf(st->v[st->n].name, sizeof(st->v[st->n].name), "%s", name);
	st->v[st->n++].value = value;
	return 0;
}

void kernel_fake_set_iface_support(struct kernel *k, bool xfrmi, bool vti)
{
	if (!is_fake(k))
		return;
	F(k)->no_xfrmi = !xfrmi;
	F(k)->no_vti = !vti;
}

size_t kernel_fake_sa_count(const struct kernel *k)
{
	size_t n = 0;

	for (size_t i = 0; is_fake(k) && i < F(k)->nsas; i++)
		n += !F(k)->sas[i].larval;
	return n;
}

size_t kernel_fake_larval_count(const struct kernel *k)
{
	size_t n = 0;

	for (size_t i = 0; is_fake(k) && i < F(k)->nsas; i++)
		n += F(k)->sas[i].larval;
	return n;
}

const struct kernel_sa *kernel_fake_sa_find(const struct kernel *k, const struct kernel_sa_id *id)
{
	const struct fake_sa *s = is_fake(k) ? sa_lookup(k, id) : NULL;

	return s && !s->larval ? &s->sa : NULL;
}

size_t kernel_fake_policy_count(const struct kernel *k)
{
	return is_fake(k) ? F(k)->npols : 0;
}

const struct kernel_policy *kernel_fake_policy_find(const struct kernel *k,
						    const struct kernel_policy_id *id)
{
	return is_fake(k) ? pol_lookup(k, id) : NULL;
}

const struct kernel_iface *kernel_fake_iface_find(const struct kernel *k, const char *name)
{
	for (size_t i = 0; is_fake(k) && i < F(k)->nifaces; i++)
		if (!strcmp(F(k)->ifaces[i].name, name))
			return &F(k)->ifaces[i];
	return NULL;
}

int kernel_fake_add_foreign_sa(struct kernel *k, const struct kernel_sa *sa)
{
	struct fake *f;

	if (!is_fake(k) || kernel_reqid_owned(k, sa->reqid))
		return -EINVAL;
	f = F(k);
	if (grow((void **)&f->sas, &f->sas_cap, f->nsas + 1, sizeof(*f->sas)) < 0)
		return -ENOMEM;
	memset(&f->sas[f->nsas], 0, sizeof(f->sas[0]));
	f->sas[f->nsas++].sa = *sa;
	return 0;
}

int kernel_fake_add_foreign_policy(struct kernel *k, const struct kernel_policy *pol)
{
	struct fake *f;

	if (!is_fake(k) ||
	    (pol->action == KERNEL_POLICY_IPSEC && kernel_reqid_owned(k, pol->reqid)))
		return -EINVAL;
	f = F(k);
	if (grow((void **)&f->pols, &f->pols_cap, f->npols + 1, sizeof(*f->pols)) < 0)
		return -ENOMEM;
	f->pols[f->npols++] = *pol;
	return 0;
}
