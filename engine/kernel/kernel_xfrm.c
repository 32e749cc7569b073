/* SPDX-License-Identifier: ISC */
/*
 * The kernel seam over XFRM netlink (libmnl), and rtnetlink for route-based
 * interfaces.
 *
 * Every SA and policy change goes through one queue: a request is built in
 * place in a chunk buffer with NLM_F_ACK, and the chunk is sent in one write
 * when it fills, at batch commit, or at once outside a batch. Each ack is
 * matched to its request by sequence number, so every failure is reported
 * with the object it concerns and the kernel's extended-ack text. Acks are
 * capped (NETLINK_CAP_ACK): the kernel never echoes our request, and its key
 * bytes, back. Buffers that held keys are wiped after use.
 */
#include <net/if.h> /* before the linux/ headers */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <openssl/crypto.h>

#include "kernel_int.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

#define CHUNK_SIZE (64 * 1024) /* one write to the kernel */
#define MSG_MAX	   2048	       /* the largest request we build */
#define RECV_SIZE  (64 * 1024)
#define ALIGNED	   __attribute__((aligned(8))) /* the structs hold u64 fields */

struct ent {
	uint32_t seq;
	uint16_t type;
	uint32_t off, len; /* where the request sits in the chunk */
	unsigned index;	   /* position in the batch */
	bool done;
	int err;
	char what[sizeof(((struct kernel_err *)0)->what)];
	char msg[sizeof(((struct kernel_err *)0)->msg)];
};

struct berr {
	unsigned index;
	struct kernel_err e;
};

struct xfrm {
	struct mnl_socket *nl; /* requests */
	struct mnl_socket *ev; /* ACQUIRE / EXPIRE multicast, opened on demand */
	struct mnl_socket *rt; /* rtnetlink, opened on demand */
	uint32_t seq;
	char *chunk;
	size_t len;
	struct ent *ents;
	size_t nents, ents_cap;
	unsigned batch_n;
	struct berr *errs;
	size_t nerrs, errs_cap;
	char *rbuf; /* receive buffer, wiped after each use */
};

static struct xfrm *X(const struct kernel *k)
{
	return k->priv;
}

/*
 * libmnl's mnl_nlmsg_ok() compares the length as a signed int: a message
 * claiming 2 GiB or more would pass it and walk off the buffer.
 */
static bool msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned)len;
}

/* ---- Address and selector conversion ---------------------------------- */

static void put_addr(xfrm_address_t *x, const struct kernel_addr *a)
{
	memset(x, 0, sizeof(*x));
	memcpy(x, a->bytes, a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0);
}

static void get_addr(struct kernel_addr *a, const xfrm_address_t *x, uint16_t family)
{
	memset(a, 0, sizeof(*a));
	if (family != AF_INET && family != AF_INET6)
		return;
	a->family = (uint8_t)family;
	memcpy(a->bytes, x, family == AF_INET ? 4 : 16);
}

static void put_sel(struct xfrm_selector *x, const struct kernel_sel *in, uint8_t family)
{
	struct kernel_sel s;

	kernel_sel_resolve(in, family, &s);
	memset(x, 0, sizeof(*x));
	put_addr(&x->saddr, &s.src);
	put_addr(&x->daddr, &s.dst);
	x->family = s.src.family;
	x->prefixlen_s = s.src_len;
	x->prefixlen_d = s.dst_len;
	x->proto = s.proto;
	x->sport = htons(s.sport);
	x->sport_mask = s.sport ? 0xffff : 0;
	x->dport = htons(s.dport);
	x->dport_mask = s.dport ? 0xffff : 0;
}

static void get_sel(struct kernel_sel *s, const struct xfrm_selector *x)
{
	memset(s, 0, sizeof(*s));
	get_addr(&s->src, &x->saddr, x->family);
	get_addr(&s->dst, &x->daddr, x->family);
	s->src_len = x->prefixlen_s;
	s->dst_len = x->prefixlen_d;
	s->proto = x->proto;
	s->sport = ntohs(x->sport);
	s->dport = ntohs(x->dport);
}

static bool sel_empty(const struct kernel_sel *s)
{
	static const struct kernel_sel zero;

	return !memcmp(s, &zero, sizeof(zero));
}

static uint64_t inf(uint64_t v)
{
	return v ? v : XFRM_INF;
}

static void put_lft(struct xfrm_lifetime_cfg *l, const struct kernel_lifetime *in)
{
	l->soft_byte_limit = inf(in->soft_bytes);
	l->hard_byte_limit = inf(in->hard_bytes);
	l->soft_packet_limit = inf(in->soft_packets);
	l->hard_packet_limit = inf(in->hard_packets);
	l->soft_add_expires_seconds = in->soft_add_s;
	l->hard_add_expires_seconds = in->hard_add_s;
	l->soft_use_expires_seconds = in->soft_use_s;
	l->hard_use_expires_seconds = in->hard_use_s;
}

static void put_mark_ifid(struct nlmsghdr *nlh, const struct kernel_mark *m, uint32_t if_id)
{
	if (m->mask) {
		struct xfrm_mark xm = {.v = m->value, .m = m->mask};

		mnl_attr_put(nlh, XFRMA_MARK, sizeof(xm), &xm);
	}
	if (if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
}

/* ---- Message builders ------------------------------------------------- */

static void put_algs(struct nlmsghdr *nlh, const struct kernel_sa *sa)
{
	char buf[sizeof(struct xfrm_algo_aead) + KERNEL_KEY_MAX];
	const struct kernel_alg *e =
	    sa->encr ? kernel_alg_find(1, sa->encr, sa->encr_keybits) : NULL;
	const struct kernel_alg *a = sa->integ ? kernel_alg_find(3, sa->integ, 0) : NULL;

	if (e && e->aead) {
		struct xfrm_algo_aead *x = (struct xfrm_algo_aead *)buf;

		memset(x, 0, sizeof(*x));
		snprintf(x->alg_name, sizeof(x->alg_name), "%s", e->kname);
		x->alg_key_len = sa->enc_key_len * 8u;
		x->alg_icv_len = e->icv_bits;
		memcpy(x->alg_key, sa->enc_key, sa->enc_key_len);
		mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(*x) + sa->enc_key_len, x);
	} else if (e) {
		struct xfrm_algo *x = (struct xfrm_algo *)buf;

		memset(x, 0, sizeof(*x));
		snprintf(x->alg_name, sizeof(x->alg_name), "%s", e->kname);
		x->alg_key_len = sa->enc_key_len * 8u;
		memcpy(x->alg_key, sa->enc_key, sa->enc_key_len);
		mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(*x) + sa->enc_key_len, x);
	}
	if (a) {
		struct xfrm_algo_auth *x = (struct xfrm_algo_auth *)buf;

		memset(x, 0, sizeof(*x));
		snprintf(x->alg_name, sizeof(x->alg_name), "%s", a->kname);
		x->alg_key_len = sa->integ_key_len * 8u;
		x->alg_trunc_len = a->icv_bits;
		memcpy(x->alg_key, sa->integ_key, sa->integ_key_len);
		mnl_attr_put(nlh, XFRMA_ALG_AUTH_TRUNC, sizeof(*x) + sa->integ_key_len, x);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
}

/* NEWSA / UPDSA. */
static struct nlmsghdr *build_sa(void *buf, uint16_t type, const struct kernel_sa *sa)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_usersa_info *p;
	uint32_t window = sa->replay_window;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	if (!sel_empty(&sa->sel)) {
		put_sel(&p->sel, &sa->sel, sa->src.family);
	} else if (sa->mode == KERNEL_MODE_TRANSPORT) {
		struct kernel_sel hosts = {.src = sa->src, .dst = sa->dst};

		hosts.src_len = hosts.dst_len = sa->src.family == AF_INET ? 32 : 128;
		put_sel(&p->sel, &hosts, sa->src.family);
	} else {
		/* any inner family: IPv6 in IPv4 tunnels and the reverse */
		p->flags |= XFRM_STATE_AF_UNSPEC;
	}
	put_addr(&p->id.daddr, &sa->dst);
	p->id.spi = htonl(sa->spi);
	p->id.proto = sa->proto;
	put_addr(&p->saddr, &sa->src);
	put_lft(&p->lft, &sa->lft);
	p->reqid = sa->reqid;
	p->family = sa->src.family;
	p->mode = sa->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	if (sa->esn && window == 0)
		window = 32; /* the kernel wants a window with ESN, even outbound */
	if (sa->esn || window > 32) {
		/* replay_window in the header must then be 0 */
		size_t words = (window + 31) / 32;
		char rbuf[sizeof(struct xfrm_replay_state_esn) + 128 * 4];
		struct xfrm_replay_state_esn *r = (struct xfrm_replay_state_esn *)rbuf;

		memset(rbuf, 0, sizeof(rbuf));
		r->bmp_len = (unsigned)words;
		r->replay_window = window;
		mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL, sizeof(*r) + words * 4, r);
		if (sa->esn)
			p->flags |= XFRM_STATE_ESN;
	} else {
		p->replay_window = (uint8_t)window;
	}
	put_algs(nlh, sa);
	if (sa->encap.on) {
		struct xfrm_encap_tmpl t;

		memset(&t, 0, sizeof(t));
		t.encap_type = UDP_ENCAP_ESPINUDP;
		t.encap_sport = htons(sa->encap.sport);
		t.encap_dport = htons(sa->encap.dport);
		put_addr(&t.encap_oa, &sa->encap.oa);
		mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(t), &t);
	}
	put_mark_ifid(nlh, &sa->mark, sa->if_id);
	return nlh;
}

/* DELSA / GETSA. */
static struct nlmsghdr *build_sa_id(void *buf, uint16_t type, const struct kernel_sa_id *id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_usersa_id *p;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | (type == XFRM_MSG_DELSA ? NLM_F_ACK : 0);
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	put_addr(&p->daddr, &id->dst);
	p->spi = htonl(id->spi);
	p->family = id->dst.family;
	p->proto = id->proto;
	put_mark_ifid(nlh, &id->mark, 0);
	return nlh;
}

static struct nlmsghdr *build_allocspi(void *buf, const struct kernel_sa *sa, uint32_t min,
				       uint32_t max)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_userspi_info *p;

	nlh->nlmsg_type = XFRM_MSG_ALLOCSPI;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	put_addr(&p->info.id.daddr, &sa->dst);
	p->info.id.proto = sa->proto;
	put_addr(&p->info.saddr, &sa->src);
	p->info.family = sa->src.family;
	p->info.reqid = sa->reqid;
	p->info.mode = sa->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	p->min = min;
	p->max = max;
	put_mark_ifid(nlh, &sa->mark, sa->if_id);
	return nlh;
}

static uint8_t xfrm_dir(uint8_t dir)
{
	return dir == KERNEL_DIR_IN    ? XFRM_POLICY_IN
	       : dir == KERNEL_DIR_OUT ? XFRM_POLICY_OUT
				       : XFRM_POLICY_FWD;
}

static uint8_t sel_family(const struct kernel_sel *s, uint8_t fallback)
{
	return s->src.family ? s->src.family : s->dst.family ? s->dst.family : fallback;
}

/* NEWPOLICY / UPDPOLICY. */
static struct nlmsghdr *build_policy(void *buf, uint16_t type, const struct kernel_policy *pol)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_userpolicy_info *p;
	uint8_t fam = sel_family(&pol->sel, pol->tmpl_src.family);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	put_sel(&p->sel, &pol->sel, fam);
	p->lft.soft_byte_limit = p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = p->lft.hard_packet_limit = XFRM_INF;
	p->priority = pol->priority ? pol->priority : kernel_policy_priority(&pol->sel);
	p->dir = xfrm_dir(pol->dir);
	p->action = pol->action == KERNEL_POLICY_BLOCK ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;
	if (pol->action == KERNEL_POLICY_IPSEC) {
		struct xfrm_user_tmpl t;

		memset(&t, 0, sizeof(t));
		t.id.proto = pol->proto;
		t.reqid = pol->reqid;
		t.aalgos = t.ealgos = t.calgos = ~0u;
		if (pol->mode == KERNEL_MODE_TUNNEL) {
			t.mode = XFRM_MODE_TUNNEL;
			t.family = pol->tmpl_src.family;
			put_addr(&t.saddr, &pol->tmpl_src);
			put_addr(&t.id.daddr, &pol->tmpl_dst);
		} else {
			t.mode = XFRM_MODE_TRANSPORT;
			t.family = fam;
		}
		mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	}
	put_mark_ifid(nlh, &pol->mark, pol->if_id);
	return nlh;
}

static struct nlmsghdr *build_policy_id(void *buf, uint16_t type, const struct kernel_policy_id *id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_userpolicy_id *p;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	put_sel(&p->sel, &id->sel, sel_family(&id->sel, 0));
	p->dir = xfrm_dir(id->dir);
	put_mark_ifid(nlh, &id->mark, id->if_id);
	return nlh;
}

/* ---- Acks and errors -------------------------------------------------- */

struct extack {
	const char *msg;
};

static int extack_attr(const struct nlattr *attr, void *data)
{
	struct extack *x = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		x->msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/*
 * Reads an NLMSG_ERROR: returns its error (0 = ack, -errno) and copies the
 * extended-ack text to msg. A truncated error message is -EBADMSG.
 */
static int parse_ack(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e;
	struct extack x = {0};
	unsigned off;

	if (msg && msglen)
		msg[0] = 0;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if (msg && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < sizeof(struct nlmsghdr) ||
			    e->msg.nlmsg_len > nlh->nlmsg_len)
				return e->error;
			off = sizeof(e->error) + e->msg.nlmsg_len;
		}
		if (off <= nlh->nlmsg_len - sizeof(*nlh)) {
			mnl_attr_parse(nlh, off, extack_attr, &x);
			if (x.msg)
				snprintf(msg, msglen, "%s", x.msg);
		}
	}
	return e->error;
}

static void berr_add(struct kernel *k, const struct ent *en)
{
	struct xfrm *x = X(k);

	if (x->nerrs == x->errs_cap) {
		size_t n = x->errs_cap ? x->errs_cap * 2 : 16;
		struct berr *p = realloc(x->errs, n * sizeof(*p));

		if (!p)
			return; /* the first error is also kept in k->err */
		x->errs = p;
		x->errs_cap = n;
	}
	x->errs[x->nerrs].index = en->index;
	x->errs[x->nerrs].e.err = en->err;
	snprintf(x->errs[x->nerrs].e.what, sizeof(x->errs[0].e.what), "%s", en->what);
	snprintf(x->errs[x->nerrs].e.msg, sizeof(x->errs[0].e.msg), "%s", en->msg);
	x->nerrs++;
}

/* ---- Sending and receiving -------------------------------------------- */

static int sock_setup(struct mnl_socket *nl, bool big)
{
	int one = 1, sz = 4 * 1024 * 1024;
	int fd = mnl_socket_get_fd(nl);
	struct timeval tv = {.tv_sec = 10};

	/* Extended acks are optional; capped acks keep keys out of replies. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		return -errno;
	if (big) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
	/* the kernel always answers; this only bounds a broken reply stream */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static int open_sock(struct mnl_socket **out, int bus, unsigned groups, bool big)
{
	struct mnl_socket *nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	int err;

	*out = NULL;
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	err = sock_setup(nl, big);
	if (err < 0) {
		mnl_socket_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

static ssize_t send_all(struct mnl_socket *nl, const void *buf, size_t len)
{
	ssize_t n = mnl_socket_sendto(nl, buf, len);

	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EMSGSIZE;
	return n;
}

/* Index of the queued request with this sequence number, or -1. */
static long ent_of(const struct xfrm *x, uint32_t seq, size_t from, size_t to)
{
	if (to > from && seq - x->ents[from].seq < to - from)
		return (long)(from + (seq - x->ents[from].seq));
	return -1;
}

/*
 * Sends the requests ents[from..to) (consecutive in the chunk) in one write
 * and collects one ack for each.
 */
static int send_range(struct kernel *k, size_t from, size_t to)
{
	struct xfrm *x = X(k);
	size_t waiting = to - from, off = x->ents[from].off;
	size_t len = x->ents[to - 1].off + x->ents[to - 1].len - off;
	ssize_t n;
	int ret = 0;

	n = send_all(x->nl, x->chunk + off, len);
	if (n < 0) {
		ret = (int)n;
		goto fail_rest;
	}
	while (waiting > 0) {
		const struct nlmsghdr *nlh;
		int left;

		n = mnl_socket_recvfrom(x->nl, x->rbuf, RECV_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto fail_rest;
		}
		nlh = (const struct nlmsghdr *)x->rbuf;
		left = (int)n;
		for (; msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			long i = ent_of(x, nlh->nlmsg_seq, from, to);
			struct ent *en;

			if (nlh->nlmsg_type != NLMSG_ERROR || i < 0 || x->ents[i].done)
				continue; /* not an answer to one of ours */
			en = &x->ents[i];
			en->done = true;
			en->err = parse_ack(nlh, en->msg, sizeof(en->msg));
			waiting--;
		}
	}
	return 0;
fail_rest:
	for (size_t i = from; i < to; i++) {
		if (!x->ents[i].done) {
			x->ents[i].done = true;
			x->ents[i].err = ret;
		}
	}
	return ret;
}

/*
 * Sends the queued chunk. UPDSA requests that found no larval state
 * (-ESRCH: it expired) are sent again as NEWSA. Failures go to the error
 * list; the first one becomes k->err and is returned.
 */
static int flush_chunk(struct kernel *k)
{
	struct xfrm *x = X(k);
	size_t n = x->nents;
	int first = 0;

	if (n == 0)
		return 0;
	send_range(k, 0, n);
	for (size_t i = 0; i < n; i++) {
		struct ent *en = &x->ents[i];
		struct nlmsghdr *nlh = (struct nlmsghdr *)(x->chunk + en->off);

		if (en->type != XFRM_MSG_UPDSA || en->err != -ESRCH)
			continue;
		nlh->nlmsg_type = XFRM_MSG_NEWSA;
		nlh->nlmsg_seq = en->seq = ++x->seq;
		en->type = XFRM_MSG_NEWSA;
		en->done = false;
		send_range(k, i, i + 1);
	}
	for (size_t i = 0; i < n; i++) {
		struct ent *en = &x->ents[i];

		if (!en->err)
			continue;
		if (!first) {
			first = en->err;
			kernel_fail(k, en->err, en->msg, "%s", en->what);
		}
		berr_add(k, en);
	}
	OPENSSL_cleanse(x->chunk, x->len);
	OPENSSL_cleanse(x->rbuf, RECV_SIZE);
	x->len = 0;
	x->nents = 0;
	return first;
}

/* Room for one more request; flushes the chunk when it is full. */
static int make_room(struct kernel *k)
{
	struct xfrm *x = X(k);

	if (x->len + MSG_MAX > CHUNK_SIZE || x->nents == x->ents_cap) {
		int ret = flush_chunk(k);

		if (ret < 0 && !k->batch)
			return ret;
	}
	return 0;
}

/*
 * Queues the request just built at the end of the chunk. Outside a batch it
 * is sent at once and its result returned.
 */
static int queue(struct kernel *k, struct nlmsghdr *nlh, const char *what)
{
	struct xfrm *x = X(k);
	struct ent *en = &x->ents[x->nents++];

	/* built in an aligned buffer, copied to its place in the chunk */
	memcpy(x->chunk + x->len, nlh, nlh->nlmsg_len);
	OPENSSL_cleanse(nlh, nlh->nlmsg_len);
	nlh = (struct nlmsghdr *)(x->chunk + x->len);
	memset(en, 0, sizeof(*en));
	nlh->nlmsg_seq = en->seq = ++x->seq;
	en->type = nlh->nlmsg_type;
	en->off = (uint32_t)x->len;
	en->len = nlh->nlmsg_len;
	en->index = x->batch_n++;
	snprintf(en->what, sizeof(en->what), "%s", what);
	x->len += MNL_ALIGN(nlh->nlmsg_len);
	if (k->batch)
		return 0;
	x->nerrs = 0;
	x->batch_n = 0;
	return flush_chunk(k);
}

/*
 * One request with a reply other than an ack (ALLOCSPI, GETSA): sends it
 * and hands the answer to cb. Returns 0, -errno from the kernel, or the
 * callback's error.
 */
static int request(struct kernel *k, struct mnl_socket *nl, struct nlmsghdr *nlh,
		   int (*cb)(const struct nlmsghdr *nlh, void *data), void *data, char *msg,
		   size_t msglen)
{
	struct xfrm *x = X(k);
	uint32_t seq = ++x->seq;
	ssize_t n;
	int ret = -EBADMSG;

	nlh->nlmsg_seq = seq;
	n = send_all(nl, nlh, nlh->nlmsg_len);
	if (n < 0)
		return (int)n;
	for (;;) {
		const struct nlmsghdr *r;
		int left;

		n = mnl_socket_recvfrom(nl, x->rbuf, RECV_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		r = (const struct nlmsghdr *)x->rbuf;
		left = (int)n;
		for (; msg_ok(r, left); r = mnl_nlmsg_next(r, &left)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR)
				ret = parse_ack(r, msg, msglen);
			else if (cb)
				ret = cb(r, data);
			else
				ret = -EBADMSG;
			goto done;
		}
	}
done:
	OPENSSL_cleanse(x->rbuf, RECV_SIZE);
	return ret;
}

/*
 * A dump: sends the request and hands every reply message to cb until
 * NLMSG_DONE.
 */
static int dump(struct kernel *k, struct nlmsghdr *nlh,
		void (*cb)(struct kernel *k, const struct nlmsghdr *nlh, void *data), void *data)
{
	struct xfrm *x = X(k);
	uint32_t seq = ++x->seq;
	ssize_t n;
	int ret = 0;

	nlh->nlmsg_seq = seq;
	n = send_all(x->nl, nlh, nlh->nlmsg_len);
	if (n < 0)
		return (int)n;
	for (;;) {
		const struct nlmsghdr *r;
		int left;

		n = mnl_socket_recvfrom(x->nl, x->rbuf, RECV_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		r = (const struct nlmsghdr *)x->rbuf;
		left = (int)n;
		for (; msg_ok(r, left); r = mnl_nlmsg_next(r, &left)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_DONE)
				goto done;
			if (r->nlmsg_type == NLMSG_ERROR) {
				ret = parse_ack(r, NULL, 0);
				goto done;
			}
			cb(k, r, data);
		}
	}
done:
	OPENSSL_cleanse(x->rbuf, RECV_SIZE); /* SA dumps carry keys */
	return ret;
}

/* ---- Reply parsing ---------------------------------------------------- */

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, XFRMA_MAX) < 0)
		return MNL_CB_OK; /* newer kernel: ignore */
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Parses the attributes after a fixed header; attributes shorter than need[] are dropped. */
static void parse_attrs(const struct nlmsghdr *nlh, size_t hdr, const struct nlattr **tb)
{
	static const size_t need[XFRMA_MAX + 1] = {
	    [XFRMA_TMPL] = sizeof(struct xfrm_user_tmpl),
	    [XFRMA_LASTUSED] = sizeof(uint64_t),
	    [XFRMA_MARK] = sizeof(struct xfrm_mark),
	    [XFRMA_IF_ID] = sizeof(uint32_t),
	    [XFRMA_REPLAY_VAL] = sizeof(struct xfrm_replay_state),
	    [XFRMA_REPLAY_ESN_VAL] = sizeof(struct xfrm_replay_state_esn),
	    [XFRMA_SA] = sizeof(struct xfrm_usersa_info),
	    [XFRMA_ALG_AEAD] = sizeof(struct xfrm_algo_aead),
	    [XFRMA_ALG_CRYPT] = sizeof(struct xfrm_algo),
	    [XFRMA_ALG_AUTH_TRUNC] = sizeof(struct xfrm_algo_auth),
	};

	memset(tb, 0, sizeof(*tb) * (XFRMA_MAX + 1));
	if (nlh->nlmsg_len < mnl_nlmsg_size(hdr))
		return;
	mnl_attr_parse(nlh, (unsigned)MNL_ALIGN(hdr), attr_cb, tb);
	for (int i = 0; i <= XFRMA_MAX; i++)
		if (tb[i] && mnl_attr_get_payload_len(tb[i]) < need[i])
			tb[i] = NULL;
}

static void get_mark(struct kernel_mark *m, const struct nlattr *a)
{
	memset(m, 0, sizeof(*m));
	if (a) {
		struct xfrm_mark xm;

		memcpy(&xm, mnl_attr_get_payload(a), sizeof(xm));
		m->value = xm.v;
		m->mask = xm.m;
	}
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a)
		memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return v;
}

static int spi_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info *p;
	uint32_t spi;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*p)))
		return -EBADMSG;
	p = mnl_nlmsg_get_payload(nlh);
	memcpy(&spi, &p->id.spi, sizeof(spi));
	*(uint32_t *)data = ntohl(spi);
	return 0;
}

static uint64_t uninf(uint64_t v)
{
	return v == XFRM_INF ? 0 : v;
}

/* An algorithm name from the kernel: at most 63 printable bytes, NUL-ended. */
static void copy_name(char out[64], const char in[64])
{
	size_t i;

	for (i = 0; i < 63 && in[i]; i++)
		out[i] = in[i] > ' ' && in[i] < 127 ? in[i] : '?';
	out[i] = 0;
}

static int stats_reply(const struct nlmsghdr *nlh, void *data)
{
	struct kernel_sa_stats *st = data;
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_usersa_info p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(p)))
		return -EBADMSG;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	parse_attrs(nlh, sizeof(p), tb);
	st->bytes = p.curlft.bytes;
	st->packets = p.curlft.packets;
	st->add_time = p.curlft.add_time;
	st->use_time = p.curlft.use_time;
	st->replay_window_fail = p.stats.replay_window;
	st->replay_fail = p.stats.replay;
	st->integrity_fail = p.stats.integrity_failed;
	st->reqid = p.reqid;
	st->mode = p.mode == XFRM_MODE_TUNNEL ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
	st->window = p.replay_window;
	st->esn = (p.flags & XFRM_STATE_ESN) != 0;
	st->lft.soft_bytes = uninf(p.lft.soft_byte_limit);
	st->lft.hard_bytes = uninf(p.lft.hard_byte_limit);
	st->lft.soft_packets = uninf(p.lft.soft_packet_limit);
	st->lft.hard_packets = uninf(p.lft.hard_packet_limit);
	st->lft.soft_add_s = p.lft.soft_add_expires_seconds;
	st->lft.hard_add_s = p.lft.hard_add_expires_seconds;
	st->lft.soft_use_s = p.lft.soft_use_expires_seconds;
	st->lft.hard_use_s = p.lft.hard_use_expires_seconds;
	/* algorithm names only: the reply also carries the keys, never copied */
	if (tb[XFRMA_ALG_AEAD]) {
		struct xfrm_algo_aead a;

		memcpy(&a, mnl_attr_get_payload(tb[XFRMA_ALG_AEAD]), sizeof(a));
		copy_name(st->encr, a.alg_name);
		st->icv_bits = (uint16_t)a.alg_icv_len;
		OPENSSL_cleanse(&a, sizeof(a));
	} else if (tb[XFRMA_ALG_CRYPT]) {
		struct xfrm_algo a;

		memcpy(&a, mnl_attr_get_payload(tb[XFRMA_ALG_CRYPT]), sizeof(a));
		copy_name(st->encr, a.alg_name);
		OPENSSL_cleanse(&a, sizeof(a));
	}
	if (tb[XFRMA_ALG_AUTH_TRUNC]) {
		struct xfrm_algo_auth a;

		memcpy(&a, mnl_attr_get_payload(tb[XFRMA_ALG_AUTH_TRUNC]), sizeof(a));
		copy_name(st->integ, a.alg_name);
		st->icv_bits = (uint16_t)a.alg_trunc_len;
		OPENSSL_cleanse(&a, sizeof(a));
	}
	if (tb[XFRMA_LASTUSED]) {
		uint64_t v;

		memcpy(&v, mnl_attr_get_payload(tb[XFRMA_LASTUSED]), sizeof(v));
		st->last_used = v;
	}
	if (tb[XFRMA_REPLAY_ESN_VAL]) {
		struct xfrm_replay_state_esn r;

		memcpy(&r, mnl_attr_get_payload(tb[XFRMA_REPLAY_ESN_VAL]), sizeof(r));
		st->oseq = (uint64_t)r.oseq_hi << 32 | r.oseq;
		st->seq = (uint64_t)r.seq_hi << 32 | r.seq;
		st->window = r.replay_window;
	} else if (tb[XFRMA_REPLAY_VAL]) {
		struct xfrm_replay_state r;

		memcpy(&r, mnl_attr_get_payload(tb[XFRMA_REPLAY_VAL]), sizeof(r));
		st->oseq = r.oseq;
		st->seq = r.seq;
	}
	return 0;
}

/* ---- Operations ------------------------------------------------------- */

static int xfrm_spi_alloc(struct kernel *k, struct kernel_sa *sa)
{
	char buf[MSG_MAX] ALIGNED, msg[sizeof(k->err.msg)], what[sizeof(k->err.what)];
	struct kernel_sa_id id;
	uint32_t spi = 0;
	int ret;

	ret = request(k, X(k)->nl, build_allocspi(buf, sa, k->spi_min, k->spi_max), spi_reply, &spi,
		      msg, sizeof(msg));
	if (ret == 0 && (spi < k->spi_min || spi > k->spi_max))
		ret = -EBADMSG;
	if (ret < 0) {
		kernel_sa_id_of(sa, &id);
		kernel_describe_sa(what, sizeof(what), "allocate SPI for", &id);
		return kernel_fail(k, ret, msg, "%s", what);
	}
	sa->spi = spi;
	return 0;
}

static int xfrm_sa_add(struct kernel *k, const struct kernel_sa *sa, bool update)
{
	char mb[MSG_MAX] ALIGNED;
	char what[sizeof(k->err.what)];
	struct kernel_sa_id id;
	int ret = make_room(k);

	if (ret < 0)
		return ret;
	kernel_sa_id_of(sa, &id);
	kernel_describe_sa(what, sizeof(what), update ? "update" : "add", &id);
	return queue(k, build_sa(mb, update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, sa), what);
}

static int xfrm_sa_del(struct kernel *k, const struct kernel_sa_id *id)
{
	char mb[MSG_MAX] ALIGNED;
	char what[sizeof(k->err.what)];
	int ret = make_room(k);

	if (ret < 0)
		return ret;
	kernel_describe_sa(what, sizeof(what), "delete", id);
	return queue(k, build_sa_id(mb, XFRM_MSG_DELSA, id), what);
}

static int xfrm_sa_counters(struct kernel *k, const struct kernel_sa_id *id,
			    struct kernel_sa_stats *st)
{
	char buf[MSG_MAX] ALIGNED, msg[sizeof(k->err.msg)], what[sizeof(k->err.what)];
	int ret;

	ret = request(k, X(k)->nl, build_sa_id(buf, XFRM_MSG_GETSA, id), stats_reply, st, msg,
		      sizeof(msg));
	if (ret < 0) {
		kernel_describe_sa(what, sizeof(what), "read", id);
		return kernel_fail(k, ret, msg, "%s", what);
	}
	return 0;
}

static int xfrm_policy_add(struct kernel *k, const struct kernel_policy *pol, bool update)
{
	char mb[MSG_MAX] ALIGNED;
	char what[sizeof(k->err.what)];
	int ret = make_room(k);

	if (ret < 0)
		return ret;
	kernel_describe_policy(what, sizeof(what), update ? "update" : "add", &pol->sel, pol->dir);
	return queue(k, build_policy(mb, update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, pol),
		     what);
}

static int xfrm_policy_del(struct kernel *k, const struct kernel_policy_id *id)
{
	char mb[MSG_MAX] ALIGNED;
	char what[sizeof(k->err.what)];
	int ret = make_room(k);

	if (ret < 0)
		return ret;
	kernel_describe_policy(what, sizeof(what), "delete", &id->sel, id->dir);
	return queue(k, build_policy_id(mb, XFRM_MSG_DELPOLICY, id), what);
}

static uint8_t dir_of(uint8_t xdir)
{
	return xdir == XFRM_POLICY_IN	 ? KERNEL_DIR_IN
	       : xdir == XFRM_POLICY_OUT ? KERNEL_DIR_OUT
					 : KERNEL_DIR_FWD;
}

/* ---- Flushing our own state ------------------------------------------- */

struct own {
	struct kernel_sa_id *sas;
	size_t nsas, sas_cap;
	struct kernel_policy_id *pols;
	size_t npols, pols_cap;
	int err;
};

static void own_sa(struct kernel *k, const struct nlmsghdr *nlh, void *data)
{
	struct own *o = data;
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_usersa_info p;
	struct kernel_sa_id *id;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(p)))
		return;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	if (!kernel_reqid_owned(k, p.reqid))
		return;
	if (o->nsas == o->sas_cap) {
		size_t n = o->sas_cap ? o->sas_cap * 2 : 64;
		void *q = realloc(o->sas, n * sizeof(*o->sas));

		if (!q) {
			o->err = -ENOMEM;
			return;
		}
		o->sas = q;
		o->sas_cap = n;
	}
	parse_attrs(nlh, sizeof(p), tb);
	id = &o->sas[o->nsas++];
	memset(id, 0, sizeof(*id));
	get_addr(&id->dst, &p.id.daddr, p.family);
	get_addr(&id->src, &p.saddr, p.family);
	id->spi = ntohl(p.id.spi);
	id->proto = p.id.proto;
	get_mark(&id->mark, tb[XFRMA_MARK]);
}

static void own_policy(struct kernel *k, const struct nlmsghdr *nlh, void *data)
{
	struct own *o = data;
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_userpolicy_info p;
	struct xfrm_user_tmpl t;
	struct kernel_policy_id *id;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(p)))
		return;
	memcpy(&p, mnl_nlmsg_get_payload(nlh), sizeof(p));
	parse_attrs(nlh, sizeof(p), tb);
	if (!tb[XFRMA_TMPL] || p.dir > XFRM_POLICY_FWD)
		return; /* per-socket policies have dir >= XFRM_POLICY_MAX */
	memcpy(&t, mnl_attr_get_payload(tb[XFRMA_TMPL]), sizeof(t));
	if (!kernel_reqid_owned(k, t.reqid))
		return;
	if (o->npols == o->pols_cap) {
		size_t n = o->pols_cap ? o->pols_cap * 2 : 64;
		void *q = realloc(o->pols, n * sizeof(*o->pols));

		if (!q) {
			o->err = -ENOMEM;
			return;
		}
		o->pols = q;
		o->pols_cap = n;
	}
	id = &o->pols[o->npols++];
	memset(id, 0, sizeof(*id));
	get_sel(&id->sel, &p.sel);
	id->dir = dir_of(p.dir);
	get_mark(&id->mark, tb[XFRMA_MARK]);
	id->if_id = get_u32(tb[XFRMA_IF_ID]);
}

static int xfrm_flush_own(struct kernel *k)
{
	char buf[MSG_MAX] ALIGNED;
	struct nlmsghdr *nlh;
	struct own o = {0};
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETPOLICY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_userpolicy_id));
	ret = dump(k, nlh, own_policy, &o);
	if (ret == 0) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = XFRM_MSG_GETSA;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_usersa_id));
		ret = dump(k, nlh, own_sa, &o);
	}
	if (ret == 0)
		ret = o.err;
	if (ret < 0) {
		kernel_fail(k, ret, NULL, "flush own state: list SAs and policies");
		goto done;
	}
	/* delete in one batch; entries that vanished meanwhile are fine */
	k->batch = true;
	X(k)->nerrs = 0;
	X(k)->batch_n = 0;
	for (size_t i = 0; i < o.npols; i++)
		xfrm_policy_del(k, &o.pols[i]);
	for (size_t i = 0; i < o.nsas; i++)
		xfrm_sa_del(k, &o.sas[i]);
	k->batch = false;
	flush_chunk(k);
	kernel_clear_error(k);
	for (size_t i = 0; i < X(k)->nerrs; i++) {
		const struct kernel_err *e = &X(k)->errs[i].e;

		if (e->err != -ENOENT && e->err != -ESRCH) {
			ret = kernel_fail(k, e->err, e->msg, "flush own state: %s", e->what);
			break;
		}
	}
	X(k)->nerrs = 0;
done:
	free(o.sas);
	free(o.pols);
	return ret;
}

/* ---- Sockets ---------------------------------------------------------- */

static int xfrm_bypass_socket(struct kernel *k, int fd, int family)
{
	int level = family == AF_INET ? SOL_IP : SOL_IPV6;
	int opt = family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;

	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		struct xfrm_userpolicy_info p;

		memset(&p, 0, sizeof(p));
		p.sel.family = (uint16_t)family;
		p.dir = (uint8_t)dir;
		p.action = XFRM_POLICY_ALLOW;
		p.lft.soft_byte_limit = p.lft.hard_byte_limit = XFRM_INF;
		p.lft.soft_packet_limit = p.lft.hard_packet_limit = XFRM_INF;
		if (setsockopt(fd, level, opt, &p, sizeof(p)) < 0)
			return kernel_fail(k, -errno, NULL, "bypass policy %s on socket %d",
					   dir == XFRM_POLICY_IN ? "in" : "out", fd);
	}
	return 0;
}

/* ---- Events ----------------------------------------------------------- */

static int xfrm_events_fd(struct kernel *k)
{
	struct xfrm *x = X(k);
	unsigned groups = 1u << (XFRMNLGRP_ACQUIRE - 1) | 1u << (XFRMNLGRP_EXPIRE - 1);
	int ret;

	if (!x->ev) {
		ret = open_sock(&x->ev, NETLINK_XFRM, groups, true);
		if (ret < 0)
			return kernel_fail(k, ret, NULL, "listen for XFRM events");
		fcntl(mnl_socket_get_fd(x->ev), F_SETFL,
		      fcntl(mnl_socket_get_fd(x->ev), F_GETFL) | O_NONBLOCK);
	}
	return mnl_socket_get_fd(x->ev);
}

/*
 * Turns one multicast message into an event. Returns 1 if ev is ours to
 * deliver, 0 if it concerns another daemon's state, -EBADMSG if malformed.
 */
static int parse_event(const struct kernel *k, const struct nlmsghdr *nlh, struct kernel_event *ev)
{
	const struct nlattr *tb[XFRMA_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type == XFRM_MSG_ACQUIRE) {
		struct xfrm_user_acquire a;
		struct xfrm_user_tmpl t;

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(a)))
			return -EBADMSG;
		memcpy(&a, mnl_nlmsg_get_payload(nlh), sizeof(a));
		parse_attrs(nlh, sizeof(a), tb);
		if (!tb[XFRMA_TMPL])
			return -EBADMSG;
		memcpy(&t, mnl_attr_get_payload(tb[XFRMA_TMPL]), sizeof(t));
		ev->kind = KERNEL_EV_ACQUIRE;
		get_sel(&ev->sel, &a.sel);
		get_addr(&ev->src, &a.saddr, t.family);
		get_addr(&ev->dst, &a.id.daddr, t.family);
		ev->proto = a.id.proto;
		ev->reqid = t.reqid;
		ev->policy_index = a.policy.index;
		ev->seq = a.seq;
		get_mark(&ev->mark, tb[XFRMA_MARK]);
		ev->if_id = get_u32(tb[XFRMA_IF_ID]);
		return kernel_reqid_owned(k, ev->reqid) ? 1 : 0;
	}
	if (nlh->nlmsg_type == XFRM_MSG_EXPIRE) {
		struct xfrm_user_expire e;

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(e)))
			return -EBADMSG;
		memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
		parse_attrs(nlh, sizeof(e), tb);
		ev->kind = KERNEL_EV_EXPIRE;
		get_addr(&ev->sa.dst, &e.state.id.daddr, e.state.family);
		get_addr(&ev->sa.src, &e.state.saddr, e.state.family);
		ev->sa.spi = ntohl(e.state.id.spi);
		ev->sa.proto = e.state.id.proto;
		ev->hard = e.hard != 0;
		ev->reqid = e.state.reqid;
		get_mark(&ev->mark, tb[XFRMA_MARK]);
		ev->sa.mark = ev->mark;
		ev->if_id = ev->sa.if_id = get_u32(tb[XFRMA_IF_ID]);
		return kernel_reqid_owned(k, ev->reqid) ? 1 : 0;
	}
	return -EBADMSG;
}

static int xfrm_events_read(struct kernel *k, kernel_event_cb cb, void *arg)
{
	struct xfrm *x = X(k);
	int fd = xfrm_events_fd(k), delivered = 0;

	if (fd < 0)
		return fd;
	/* bounded: under a flood the caller gets control back, the fd stays readable */
	for (int reads = 0; reads < 64; reads++) {
		const struct nlmsghdr *nlh;
		ssize_t n = mnl_socket_recvfrom(x->ev, x->rbuf, RECV_SIZE); /* O_NONBLOCK */
		int left;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* the kernel dropped events */
				k->ev_dropped++;
				continue;
			}
			return kernel_fail(k, -errno, NULL, "read XFRM events");
		}
		nlh = (const struct nlmsghdr *)x->rbuf;
		left = (int)n;
		for (; msg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			struct kernel_event ev;
			int r = parse_event(k, nlh, &ev);

			if (r < 0)
				k->ev_dropped++;
			else if (r > 0) {
				cb(arg, &ev);
				delivered++;
			}
		}
		if (left > 0)
			k->ev_dropped++; /* trailing garbage */
	}
	OPENSSL_cleanse(x->rbuf, RECV_SIZE);
	return delivered;
}

/* ---- /proc/net/xfrm_stat ---------------------------------------------- */

static int xfrm_stat(struct kernel *k, struct kernel_xfrm_stat *st)
{
	char text[4096];
	size_t n;
	FILE *f = fopen("/proc/net/xfrm_stat", "re");

	if (!f)
		return kernel_fail(k, -errno, "the kernel has no XFRM statistics",
				   "read /proc/net/xfrm_stat");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (kernel_xfrm_stat_parse(text, st) < 0)
		return kernel_fail(k, -EBADMSG, NULL, "read /proc/net/xfrm_stat");
	return 0;
}

/* ---- Interfaces (rtnetlink) ------------------------------------------- */

static int rt_sock(struct kernel *k)
{
	struct xfrm *x = X(k);

	if (!x->rt) {
		int ret = open_sock(&x->rt, NETLINK_ROUTE, 0, false);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int link_create(struct kernel *k, const struct kernel_iface *ifc, uint8_t kind, char *msg,
		       size_t msglen)
{
	char buf[MSG_MAX] ALIGNED;
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;
	unsigned link = 0;

	if (ifc->link[0]) {
		link = if_nametoindex(ifc->link);
		if (!link) {
			snprintf(msg, msglen, "no underlying device %s", ifc->link);
			return -ENODEV;
		}
	}
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, ifc->name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	if (kind == KERNEL_IFACE_XFRM) {
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "xfrm");
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_XFRM_IF_ID, ifc->if_id);
		if (link)
			mnl_attr_put_u32(nlh, IFLA_XFRM_LINK, link);
	} else if (kind == KERNEL_IFACE_GRE) {
		bool v6 = ifc->local.family == AF_INET6;
		size_t alen = v6 ? 16 : 4;

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, v6 ? "ip6gre" : "gre");
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (link)
			mnl_attr_put_u32(nlh, IFLA_GRE_LINK, link);
		mnl_attr_put(nlh, IFLA_GRE_LOCAL, alen, ifc->local.bytes);
		mnl_attr_put(nlh, IFLA_GRE_REMOTE, alen, ifc->remote.bytes);
		if (ifc->if_id) {
			/* GRE_KEY is in network order already */
			mnl_attr_put_u16(nlh, IFLA_GRE_IFLAGS, GRE_KEY);
			mnl_attr_put_u16(nlh, IFLA_GRE_OFLAGS, GRE_KEY);
			mnl_attr_put_u32(nlh, IFLA_GRE_IKEY, htonl(ifc->if_id));
			mnl_attr_put_u32(nlh, IFLA_GRE_OKEY, htonl(ifc->if_id));
		}
	} else {
		bool v6 = ifc->local.family == AF_INET6 || ifc->remote.family == AF_INET6;
		size_t alen = v6 ? 16 : 4;

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, v6 ? "vti6" : "vti");
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (link)
			mnl_attr_put_u32(nlh, IFLA_VTI_LINK, link);
		mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(ifc->if_id));
		mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(ifc->if_id));
		if (ifc->local.family)
			mnl_attr_put(nlh, IFLA_VTI_LOCAL, alen, ifc->local.bytes);
		if (ifc->remote.family)
			mnl_attr_put(nlh, IFLA_VTI_REMOTE, alen, ifc->remote.bytes);
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return request(k, X(k)->rt, nlh, NULL, NULL, msg, msglen);
}

static int xfrm_iface_create(struct kernel *k, struct kernel_iface *ifc)
{
	char msg[sizeof(k->err.msg)] = "";
	int ret = rt_sock(k);

	if (ret < 0)
		return kernel_fail(k, ret, NULL, "create interface %s: open rtnetlink", ifc->name);
	if (ifc->kind == KERNEL_IFACE_GRE) {
		ret = link_create(k, ifc, KERNEL_IFACE_GRE, msg, sizeof(msg));
		if (ret < 0)
			return kernel_fail(
			    k, ret, ret == -EOPNOTSUPP ? "the kernel has no GRE interfaces" : msg,
			    "create gre interface %s", ifc->name);
		goto made;
	}
	if (ifc->kind != KERNEL_IFACE_VTI) {
		ret = link_create(k, ifc, KERNEL_IFACE_XFRM, msg, sizeof(msg));
		if (ret == 0) {
			ifc->kind = KERNEL_IFACE_XFRM;
			goto made;
		}
		if (ret != -EOPNOTSUPP || ifc->kind == KERNEL_IFACE_XFRM)
			return kernel_fail(
			    k, ret, ret == -EOPNOTSUPP ? "the kernel has no XFRM interfaces" : msg,
			    "create xfrm interface %s", ifc->name);
	}
	ret = link_create(k, ifc, KERNEL_IFACE_VTI, msg, sizeof(msg));
	if (ret == -EOPNOTSUPP)
		return kernel_fail(k, ret,
				   ifc->kind == KERNEL_IFACE_VTI
				       ? "the kernel has no VTI interfaces"
				       : "the kernel has neither XFRM interfaces nor VTI",
				   "create interface %s", ifc->name);
	if (ret < 0)
		return kernel_fail(k, ret, msg, "create vti interface %s", ifc->name);
	ifc->kind = KERNEL_IFACE_VTI;
made:
	ifc->ifindex = (int)if_nametoindex(ifc->name);
	return 0;
}

static int xfrm_iface_delete(struct kernel *k, const char *name)
{
	char buf[MSG_MAX] ALIGNED, msg[sizeof(k->err.msg)] = "";
	int ret = rt_sock(k);

	if (ret == 0)
		ret = request(k, X(k)->rt, link_msg(buf, RTM_DELLINK, 0, name), NULL, NULL, msg,
			      sizeof(msg));
	return ret < 0 ? kernel_fail(k, ret, msg, "delete interface %s", name) : 0;
}

static int xfrm_iface_up(struct kernel *k, const char *name, bool up)
{
	char buf[MSG_MAX] ALIGNED, msg[sizeof(k->err.msg)] = "";
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret = rt_sock(k);

	if (ret == 0) {
		nlh = link_msg(buf, RTM_NEWLINK, 0, name);
		ifi = mnl_nlmsg_get_payload(nlh);
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
		ret = request(k, X(k)->rt, nlh, NULL, NULL, msg, sizeof(msg));
	}
	return ret < 0 ? kernel_fail(k, ret, msg, "set interface %s %s", name, up ? "up" : "down")
		       : 0;
}

/* ---- Policy hash thresholds ------------------------------------------ */

static int xfrm_spd_hthresh(struct kernel *k, const struct kernel_hthresh *h)
{
	char buf[MSG_MAX] ALIGNED, msg[sizeof(k->err.msg)] = "";
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int ret;

	nlh->nlmsg_type = XFRM_MSG_NEWSPDINFO;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(uint32_t));
	if (h->v4) {
		struct xfrmu_spdhthresh t = {.lbits = h->v4_lbits, .rbits = h->v4_rbits};

		mnl_attr_put(nlh, XFRMA_SPD_IPV4_HTHRESH, sizeof(t), &t);
	}
	if (h->v6) {
		struct xfrmu_spdhthresh t = {.lbits = h->v6_lbits, .rbits = h->v6_rbits};

		mnl_attr_put(nlh, XFRMA_SPD_IPV6_HTHRESH, sizeof(t), &t);
	}
	ret = request(k, X(k)->nl, nlh, NULL, NULL, msg, sizeof(msg));
	return ret < 0 ? kernel_fail(k, ret, msg, "set policy hash thresholds") : 0;
}

/* ---- Batching --------------------------------------------------------- */

static int xfrm_batch_begin(struct kernel *k)
{
	X(k)->nerrs = 0;
	X(k)->batch_n = 0;
	return 0;
}

static int xfrm_batch_commit(struct kernel *k, kernel_batch_err_cb on_err, void *arg)
{
	struct xfrm *x = X(k);
	int ret;

	flush_chunk(k);
	kernel_clear_error(k);
	for (size_t i = 0; on_err && i < x->nerrs; i++)
		on_err(arg, x->errs[i].index, &x->errs[i].e);
	ret = x->nerrs ? x->errs[0].e.err : 0;
	if (ret)
		k->err = x->errs[0].e;
	x->nerrs = 0;
	x->batch_n = 0;
	return ret;
}

/* ---- Open and close --------------------------------------------------- */

static void xfrm_close(struct kernel *k)
{
	struct xfrm *x = X(k);

	if (!x)
		return;
	if (x->chunk) {
		OPENSSL_cleanse(x->chunk, CHUNK_SIZE);
		free(x->chunk);
	}
	if (x->rbuf) {
		OPENSSL_cleanse(x->rbuf, RECV_SIZE);
		free(x->rbuf);
	}
	if (x->nl)
		mnl_socket_close(x->nl);
	if (x->ev)
		mnl_socket_close(x->ev);
	if (x->rt)
		mnl_socket_close(x->rt);
	free(x->ents);
	free(x->errs);
	free(x);
	k->priv = NULL;
}

static int xfrm_open(struct kernel *k)
{
	struct xfrm *x = calloc(1, sizeof(*x));
	int ret;

	if (!x)
		return -ENOMEM;
	k->priv = x;
	x->chunk = malloc(CHUNK_SIZE);
	x->rbuf = malloc(RECV_SIZE);
	x->ents_cap = CHUNK_SIZE / 64;
	x->ents = calloc(x->ents_cap, sizeof(*x->ents));
	if (!x->chunk || !x->rbuf || !x->ents) {
		ret = -ENOMEM;
		goto fail;
	}
	x->seq = (uint32_t)time(NULL);
	ret = open_sock(&x->nl, NETLINK_XFRM, 0, true);
	if (ret < 0)
		goto fail;
	if (!k->keep_stale) {
		ret = xfrm_flush_own(k);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	xfrm_close(k);
	return ret;
}

const struct kernel_ops kernel_xfrm_ops = {
    .name = "xfrm",
    .open = xfrm_open,
    .close = xfrm_close,
    .spi_alloc = xfrm_spi_alloc,
    .sa_add = xfrm_sa_add,
    .sa_del = xfrm_sa_del,
    .sa_counters = xfrm_sa_counters,
    .policy_add = xfrm_policy_add,
    .policy_del = xfrm_policy_del,
    .flush_own = xfrm_flush_own,
    .bypass_socket = xfrm_bypass_socket,
    .events_fd = xfrm_events_fd,
    .events_read = xfrm_events_read,
    .xfrm_stat = xfrm_stat,
    .iface_create = xfrm_iface_create,
    .iface_delete = xfrm_iface_delete,
    .iface_up = xfrm_iface_up,
    .spd_hthresh = xfrm_spd_hthresh,
    .batch_begin = xfrm_batch_begin,
    .batch_commit = xfrm_batch_commit,
};
