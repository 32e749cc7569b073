/* SPDX-License-Identifier: ISC */
/*
 * The XFRM implementation's messages, checked byte by byte: libmnl's
 * send and receive are wrapped (-Wl,--wrap), so every request the seam
 * builds is captured and every kernel answer is made up by the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h> /* before the linux/ headers */
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "kernel.h"

/* ---- The fake kernel behind the wrapped libmnl calls ----------------- */

#define MAX_MSGS 4096
#define BUF_MAX	 (1 << 20)

typedef size_t (*reply_fn)(const struct nlmsghdr *req, char *out);

static struct {
	/* every request message sent, in order */
	struct nlmsghdr *msgs[MAX_MSGS];
	size_t nmsgs;
	unsigned sends;	      /* number of sendto calls */
	const void *last_buf; /* the seam's own buffer, as last handed to sendto */
	size_t last_len;
	/* answers waiting to be read */
	char pending[BUF_MAX];
	size_t npending;
	/* per request index: errno to answer with, extack text */
	int err[MAX_MSGS];
	const char *extack[MAX_MSGS];
	reply_fn reply[256]; /* custom answers by request type */
	/* events socket */
	int ev_fd;
	char events[8192];
	size_t nevents;
} m;

static void mock_reset(void)
{
	for (size_t i = 0; i < m.nmsgs; i++)
		free(m.msgs[i]);
	memset(&m, 0, sizeof(m));
	m.ev_fd = -1;
}

static size_t put_ack(char *out, const struct nlmsghdr *req, int err, const char *extack)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, extack);
	}
	return nlh->nlmsg_len;
}

struct mnl_socket;
extern unsigned int __real_mnl_socket_get_portid(const struct mnl_socket *nl);
struct mnl_socket *__real_mnl_socket_open2(int bus, int flags);

/* Any netlink socket will do: no real request ever reaches it. */
struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	return __real_mnl_socket_open2(NETLINK_ROUTE, flags);
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	m.sends++;
	m.last_buf = buf;
	m.last_len = len;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		size_t i = m.nmsgs++;

		assert_true(i < MAX_MSGS);
		m.msgs[i] = malloc(nlh->nlmsg_len);
		memcpy(m.msgs[i], nlh, nlh->nlmsg_len);
		static uint64_t out[2048]; /* aligned: replies hold u64 fields */
		size_t n = 0;

		if (m.reply[nlh->nlmsg_type] && !m.err[i])
			n = m.reply[nlh->nlmsg_type](nlh, (char *)out);
		else if ((nlh->nlmsg_flags & NLM_F_ACK) || m.err[i])
			n = put_ack((char *)out, nlh, m.err[i], m.extack[i]);
		memcpy(m.pending + m.npending, out, n);
		m.npending += n;
		assert_true(m.npending < BUF_MAX - 8192);
	}
	assert_int_equal(left, 0);
	return (ssize_t)len;
}

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size)
{
	size_t n;

	if (mnl_socket_get_fd(nl) == m.ev_fd) {
		if (!m.nevents) {
			errno = EAGAIN;
			return -1;
		}
		n = m.nevents;
		memcpy(buf, m.events, n);
		m.nevents = 0;
		return (ssize_t)n;
	}
	if (!m.npending) {
		errno = EAGAIN; /* a real socket would block: the code waits for nothing */
		return -1;
	}
	/* hand out whole messages, as the kernel does; garbage goes out whole */
	n = 0;
	while (n < m.npending) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(m.pending + n);

		if (h->nlmsg_len < sizeof(*h) || n + NLMSG_ALIGN(h->nlmsg_len) > m.npending) {
			n = m.npending < size ? m.npending : size;
			break;
		}
		if (n + NLMSG_ALIGN(h->nlmsg_len) > size)
			break;
		n += NLMSG_ALIGN(h->nlmsg_len);
	}
	memcpy(buf, m.pending, n);
	memmove(m.pending, m.pending + n, m.npending - n);
	m.npending -= n;
	return (ssize_t)n;
}

/* ---- Helpers ----------------------------------------------------------- */

static struct kernel_addr a4(const char *s)
{
	struct kernel_addr a = {.family = AF_INET};

	assert_int_equal(inet_pton(AF_INET, s, a.bytes), 1);
	return a;
}

static struct kernel_addr a6(const char *s)
{
	struct kernel_addr a = {.family = AF_INET6};

	assert_int_equal(inet_pton(AF_INET6, s, a.bytes), 1);
	return a;
}

static struct kernel *open_xfrm(void)
{
	struct kernel_opts o = {.keep_stale = true};
	struct kernel *k = NULL;

	assert_int_equal(kernel_open(KERNEL_IMPL_XFRM, &o, &k), 0);
	return k;
}

static int setup(void **state)
{
	mock_reset();
	*state = open_xfrm();
	return 0;
}

static int teardown(void **state)
{
	kernel_close(*state);
	mock_reset();
	return 0;
}

static void base_sa(struct kernel_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->src = a4("192.0.2.1");
	sa->dst = a4("192.0.2.2");
	sa->spi = 0xc0000001;
	sa->proto = IPPROTO_ESP;
	sa->mode = KERNEL_MODE_TUNNEL;
	sa->reqid = KERNEL_REQID_BASE + 5;
	sa->replay_window = 32;
}

static void set_alg(struct kernel_sa *sa, uint16_t encr, uint16_t bits, uint16_t integ)
{
	const struct kernel_alg *e = encr ? kernel_alg_find(1, encr, bits) : NULL;
	const struct kernel_alg *a = integ ? kernel_alg_find(3, integ, 0) : NULL;

	sa->encr = encr;
	sa->encr_keybits = bits;
	sa->integ = integ;
	sa->enc_key_len = e ? e->key_len : 0;
	sa->integ_key_len = a ? a->key_len : 0;
	for (int i = 0; i < KERNEL_KEY_MAX; i++) {
		sa->enc_key[i] = (uint8_t)(0x10 + i);
		sa->integ_key[i] = (uint8_t)(0x80 + i);
	}
}

/* The attributes of one captured message, after its fixed header. */
struct attrs {
	const struct nlattr *tb[XFRMA_MAX + 1];
	unsigned count;
};

static int collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t t = mnl_attr_get_type(a);

	assert_true(t <= XFRMA_MAX);
	assert_null(at->tb[t]); /* no attribute twice */
	at->tb[t] = a;
	at->count++;
	return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *nlh, size_t hdr, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	assert_true(nlh->nlmsg_len >= NLMSG_LENGTH(hdr));
	assert_int_equal(mnl_attr_parse(nlh, (unsigned)MNL_ALIGN(hdr), collect, at), MNL_CB_OK);
}

static const struct xfrm_usersa_info *sa_info(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

/* ---- SAs ---------------------------------------------------------------- */

static void test_sa_gcm(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	const struct xfrm_usersa_info *p;
	const struct xfrm_algo_aead *aead;
	struct attrs at;

	base_sa(&sa);
	set_alg(&sa, 20, 256, 0);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(m.nmsgs, 1);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(m.msgs[0]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	p = sa_info(m.msgs[0]);
	assert_int_equal(p->family, AF_INET);
	assert_int_equal(p->id.proto, IPPROTO_ESP);
	assert_int_equal(ntohl(p->id.spi), 0xc0000001);
	assert_memory_equal(&p->id.daddr, sa.dst.bytes, 4);
	assert_memory_equal(&p->saddr, sa.src.bytes, 4);
	assert_int_equal(p->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(p->reqid, KERNEL_REQID_BASE + 5);
	assert_int_equal(p->replay_window, 32);
	assert_int_equal(p->flags, XFRM_STATE_AF_UNSPEC);
	assert_int_equal(p->sel.family, 0); /* tunnel, any inner family */
	assert_true(p->lft.soft_byte_limit == XFRM_INF);
	assert_true(p->lft.hard_packet_limit == XFRM_INF);
	assert_int_equal(p->lft.hard_add_expires_seconds, 0);
	parse(m.msgs[0], sizeof(*p), &at);
	assert_int_equal(at.count, 1);
	assert_non_null(at.tb[XFRMA_ALG_AEAD]);
	aead = mnl_attr_get_payload(at.tb[XFRMA_ALG_AEAD]);
	assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_AEAD]), sizeof(*aead) + 36);
	assert_string_equal(aead->alg_name, "rfc4106(gcm(aes))");
	assert_int_equal(aead->alg_key_len, 288);
	assert_int_equal(aead->alg_icv_len, 128);
	assert_memory_equal(aead->alg_key, sa.enc_key, 36);
	kernel_sa_wipe(&sa);
}

static void test_sa_aead_variants(void **state)
{
	static const struct {
		uint16_t id, bits, icv, keylen;
		const char *name;
	} v[] = {
	    {18, 128, 64, 160, "rfc4106(gcm(aes))"},
	    {19, 192, 96, 224, "rfc4106(gcm(aes))"},
	    {20, 128, 128, 160, "rfc4106(gcm(aes))"},
	    {28, 0, 128, 288, "rfc7539esp(chacha20,poly1305)"},
	};
	struct kernel *k = *state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct kernel_sa sa;
		struct attrs at;
		const struct xfrm_algo_aead *aead;

		base_sa(&sa);
		sa.spi += (uint32_t)i;
		set_alg(&sa, v[i].id, v[i].bits, 0);
		assert_int_equal(kernel_sa_add(k, &sa), 0);
		parse(m.msgs[i], sizeof(struct xfrm_usersa_info), &at);
		assert_int_equal(at.count, 1);
		aead = mnl_attr_get_payload(at.tb[XFRMA_ALG_AEAD]);
		assert_string_equal(aead->alg_name, v[i].name);
		assert_int_equal(aead->alg_icv_len, v[i].icv);
		assert_int_equal(aead->alg_key_len, v[i].keylen);
	}
}

static void test_sa_cipher_integ(void **state)
{
	static const struct {
		uint16_t encr, bits, integ;
		const char *cname, *aname;
		unsigned ckey, akey, trunc;
	} v[] = {
	    {12, 128, 12, "cbc(aes)", "hmac(sha256)", 128, 256, 128},
	    {12, 192, 13, "cbc(aes)", "hmac(sha384)", 192, 384, 192},
	    {12, 256, 14, "cbc(aes)", "hmac(sha512)", 256, 512, 256},
	    {3, 0, 2, "cbc(des3_ede)", "hmac(sha1)", 192, 160, 96},
	    {12, 128, 1, "cbc(aes)", "hmac(md5)", 128, 128, 96},
	    {11, 0, 12, "ecb(cipher_null)", "hmac(sha256)", 0, 256, 128},
	};
	struct kernel *k = *state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct kernel_sa sa;
		struct attrs at;
		const struct xfrm_algo *c;
		const struct xfrm_algo_auth *a;

		base_sa(&sa);
		sa.spi += (uint32_t)i;
		set_alg(&sa, v[i].encr, v[i].bits, v[i].integ);
		assert_int_equal(kernel_sa_add(k, &sa), 0);
		parse(m.msgs[i], sizeof(struct xfrm_usersa_info), &at);
		assert_int_equal(at.count, 2);
		assert_null(at.tb[XFRMA_ALG_AEAD]);
		assert_null(at.tb[XFRMA_ALG_AUTH]); /* always the truncation-aware form */
		c = mnl_attr_get_payload(at.tb[XFRMA_ALG_CRYPT]);
		a = mnl_attr_get_payload(at.tb[XFRMA_ALG_AUTH_TRUNC]);
		assert_string_equal(c->alg_name, v[i].cname);
		assert_int_equal(c->alg_key_len, v[i].ckey);
		assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_ALG_CRYPT]),
				 sizeof(*c) + v[i].ckey / 8);
		assert_memory_equal(c->alg_key, sa.enc_key, v[i].ckey / 8);
		assert_string_equal(a->alg_name, v[i].aname);
		assert_int_equal(a->alg_key_len, v[i].akey);
		assert_int_equal(a->alg_trunc_len, v[i].trunc);
		assert_memory_equal(a->alg_key, sa.integ_key, v[i].akey / 8);
	}
}

static void test_sa_ah_transport_v6(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	const struct xfrm_usersa_info *p;
	struct attrs at;

	base_sa(&sa);
	sa.src = a6("2001:db8::1");
	sa.dst = a6("2001:db8::2");
	sa.proto = IPPROTO_AH;
	sa.mode = KERNEL_MODE_TRANSPORT;
	set_alg(&sa, 0, 0, 12);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	p = sa_info(m.msgs[0]);
	assert_int_equal(p->family, AF_INET6);
	assert_int_equal(p->id.proto, IPPROTO_AH);
	assert_int_equal(p->mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(p->flags, 0);
	/* transport with no selector: the host pair */
	assert_int_equal(p->sel.family, AF_INET6);
	assert_int_equal(p->sel.prefixlen_s, 128);
	assert_int_equal(p->sel.prefixlen_d, 128);
	assert_memory_equal(&p->sel.saddr, sa.src.bytes, 16);
	assert_memory_equal(&p->sel.daddr, sa.dst.bytes, 16);
	parse(m.msgs[0], sizeof(*p), &at);
	assert_int_equal(at.count, 1);
	assert_non_null(at.tb[XFRMA_ALG_AUTH_TRUNC]);
}

static void test_sa_replay_esn(void **state)
{
	static const struct {
		uint32_t window;
		bool esn;
		bool attr;
		uint32_t hdr_window, bmp_len, attr_window;
		uint8_t flags;
	} v[] = {
	    {32, false, false, 32, 0, 0, XFRM_STATE_AF_UNSPEC},
	    {0, false, false, 0, 0, 0, XFRM_STATE_AF_UNSPEC},
	    {64, false, true, 0, 2, 64, XFRM_STATE_AF_UNSPEC},
	    {128, true, true, 0, 4, 128, XFRM_STATE_AF_UNSPEC | XFRM_STATE_ESN},
	    {0, true, true, 0, 1, 32, XFRM_STATE_AF_UNSPEC | XFRM_STATE_ESN},
	    {4096, true, true, 0, 128, 4096, XFRM_STATE_AF_UNSPEC | XFRM_STATE_ESN},
	    {33, false, true, 0, 2, 33, XFRM_STATE_AF_UNSPEC},
	};
	struct kernel *k = *state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct kernel_sa sa;
		struct attrs at;
		const struct xfrm_usersa_info *p;

		base_sa(&sa);
		sa.spi += (uint32_t)i;
		set_alg(&sa, 20, 128, 0);
		sa.replay_window = v[i].window;
		sa.esn = v[i].esn;
		assert_int_equal(kernel_sa_add(k, &sa), 0);
		p = sa_info(m.msgs[i]);
		assert_int_equal(p->replay_window, v[i].hdr_window);
		assert_int_equal(p->flags, v[i].flags);
		parse(m.msgs[i], sizeof(*p), &at);
		if (!v[i].attr) {
			assert_null(at.tb[XFRMA_REPLAY_ESN_VAL]);
			continue;
		}
		const struct xfrm_replay_state_esn *r =
		    mnl_attr_get_payload(at.tb[XFRMA_REPLAY_ESN_VAL]);

		assert_int_equal(r->bmp_len, v[i].bmp_len);
		assert_int_equal(r->replay_window, v[i].attr_window);
		assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_REPLAY_ESN_VAL]),
				 sizeof(*r) + 4 * v[i].bmp_len);
		assert_int_equal(r->seq, 0);
		assert_int_equal(r->oseq, 0);
	}
}

static void test_sa_encap_mark_ifid_lifetimes(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	const struct xfrm_usersa_info *p;
	const struct xfrm_encap_tmpl *t;
	const struct xfrm_mark *mk;
	struct attrs at;

	base_sa(&sa);
	set_alg(&sa, 12, 256, 12);
	sa.encap.on = true;
	sa.encap.sport = 4500;
	sa.encap.dport = 14500;
	sa.if_id = 42;
	sa.mark.value = 0x100;
	sa.mark.mask = 0xff00;
	sa.lft.soft_bytes = 1000000;
	sa.lft.hard_bytes = 2000000;
	sa.lft.soft_packets = 900;
	sa.lft.hard_packets = 1000;
	sa.lft.soft_add_s = 3000;
	sa.lft.hard_add_s = 3600;
	sa.lft.hard_use_s = 600;
	sa.sel.src = a4("10.1.0.0");
	sa.sel.src_len = 24;
	sa.sel.dst = a4("10.2.0.0");
	sa.sel.dst_len = 16;
	sa.sel.proto = IPPROTO_TCP;
	sa.sel.dport = 443;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	p = sa_info(m.msgs[0]);
	assert_true(p->lft.soft_byte_limit == 1000000);
	assert_true(p->lft.hard_byte_limit == 2000000);
	assert_true(p->lft.soft_packet_limit == 900);
	assert_true(p->lft.hard_packet_limit == 1000);
	assert_true(p->lft.soft_add_expires_seconds == 3000);
	assert_true(p->lft.hard_add_expires_seconds == 3600);
	assert_true(p->lft.soft_use_expires_seconds == 0);
	assert_true(p->lft.hard_use_expires_seconds == 600);
	assert_int_equal(p->flags, 0); /* an explicit selector has a family */
	assert_int_equal(p->sel.family, AF_INET);
	assert_int_equal(p->sel.prefixlen_s, 24);
	assert_int_equal(p->sel.prefixlen_d, 16);
	assert_int_equal(p->sel.proto, IPPROTO_TCP);
	assert_int_equal(ntohs(p->sel.dport), 443);
	assert_int_equal(p->sel.dport_mask, 0xffff);
	assert_int_equal(p->sel.sport_mask, 0);
	parse(m.msgs[0], sizeof(*p), &at);
	assert_int_equal(at.count, 5); /* crypt, auth, encap, mark, if_id */
	t = mnl_attr_get_payload(at.tb[XFRMA_ENCAP]);
	assert_int_equal(t->encap_type, 2); /* UDP_ENCAP_ESPINUDP */
	assert_int_equal(ntohs(t->encap_sport), 4500);
	assert_int_equal(ntohs(t->encap_dport), 14500);
	mk = mnl_attr_get_payload(at.tb[XFRMA_MARK]);
	assert_int_equal(mk->v, 0x100);
	assert_int_equal(mk->m, 0xff00);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 42);
}

static void test_sa_del(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa_id id = {
	    .dst = a6("2001:db8::2"), .spi = 0xc0000009, .proto = IPPROTO_ESP};
	const struct xfrm_usersa_id *p;
	struct attrs at;

	id.mark.value = 7;
	id.mark.mask = ~0u;
	assert_int_equal(kernel_sa_del(k, &id), 0);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_DELSA);
	assert_int_equal(m.msgs[0]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	p = mnl_nlmsg_get_payload(m.msgs[0]);
	assert_int_equal(p->family, AF_INET6);
	assert_int_equal(ntohl(p->spi), 0xc0000009);
	assert_int_equal(p->proto, IPPROTO_ESP);
	assert_memory_equal(&p->daddr, id.dst.bytes, 16);
	parse(m.msgs[0], sizeof(*p), &at);
	assert_int_equal(at.count, 1);
	assert_non_null(at.tb[XFRMA_MARK]);
	m.err[1] = -ESRCH;
	assert_int_equal(kernel_sa_del(k, &id), -ESRCH);
	assert_string_equal(kernel_last_error(k)->what,
			    "delete SA esp spi 0xc0000009 dst 2001:db8::2");
}

/* True if the 8 bytes key[0..8) occur in buf. */
static bool holds(const void *buf, size_t len, const uint8_t *key)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i + 8 <= len; i++)
		if (!memcmp(b + i, key, 8))
			return true;
	return false;
}

static void test_keys_wiped(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;

	base_sa(&sa);
	set_alg(&sa, 12, 256, 14);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	/* the message carried both keys ... */
	assert_true(holds(m.msgs[0], m.msgs[0]->nlmsg_len, sa.enc_key));
	assert_true(holds(m.msgs[0], m.msgs[0]->nlmsg_len, sa.integ_key));
	/* ... and the seam's buffer holds neither once the call returned */
	assert_false(holds(m.last_buf, m.last_len, sa.enc_key));
	assert_false(holds(m.last_buf, m.last_len, sa.integ_key));
	/* the same in a batch, after the commit */
	assert_int_equal(kernel_batch_begin(k), 0);
	sa.spi++;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_batch_commit(k, NULL, NULL), 0);
	assert_true(holds(m.msgs[1], m.msgs[1]->nlmsg_len, sa.enc_key));
	assert_false(holds(m.last_buf, m.last_len, sa.enc_key));
	assert_false(holds(m.last_buf, m.last_len, sa.integ_key));
	kernel_sa_wipe(&sa);
}

/* ---- Errors ------------------------------------------------------------ */

static void test_error_extack(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	char buf[600];

	base_sa(&sa);
	set_alg(&sa, 12, 128, 12);
	m.err[0] = -EINVAL;
	m.extack[0] = "Invalid replay window";
	assert_int_equal(kernel_sa_add(k, &sa), -EINVAL);
	assert_int_equal(kernel_last_error(k)->err, -EINVAL);
	assert_string_equal(kernel_last_error(k)->msg, "Invalid replay window");
	kernel_strerror(k, buf, sizeof(buf));
	assert_string_equal(buf, "add SA esp spi 0xc0000001 dst 192.0.2.2: Invalid argument "
				 "(Invalid replay window)");
	/* the key never shows: 0x10 0x11 ... / 0x80 0x81 ... */
	assert_null(strstr(buf, "1011"));
	assert_null(strstr(buf, "8081"));
	/* the next success clears the error */
	sa.spi++;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_last_error(k)->err, 0);
	/* an error with no extended ack */
	m.err[2] = -EEXIST;
	assert_int_equal(kernel_sa_add(k, &sa), -EEXIST);
	assert_string_equal(kernel_last_error(k)->msg, "");
}

static size_t ack_truncated(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	mnl_nlmsg_put_extra_header(nlh, 2); /* shorter than struct nlmsgerr */
	return nlh->nlmsg_len;
}

static size_t ack_bad_extack(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	struct nlmsgerr *e;
	struct nlattr *a;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	nlh->nlmsg_seq = req->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EPERM;
	/* a message attribute without its terminating NUL, length overrunning */
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = 200;
	memcpy(a + 1, "abcd", 4);
	nlh->nlmsg_len += 8;
	return nlh->nlmsg_len;
}

static void test_error_malformed_ack(void **state)
{
	struct kernel *k = *state;
	struct kernel_policy_id id = {0};

	id.sel.src = a4("10.0.0.0");
	id.sel.src_len = 8;
	id.dir = KERNEL_DIR_OUT;
	m.reply[XFRM_MSG_DELPOLICY] = ack_truncated;
	assert_int_equal(kernel_policy_del(k, &id), -EBADMSG);
	m.reply[XFRM_MSG_DELPOLICY] = ack_bad_extack;
	assert_int_equal(kernel_policy_del(k, &id), -EPERM);
	assert_string_equal(kernel_last_error(k)->msg, "");
}

static size_t reply_enoent_then_ok(const struct nlmsghdr *req, char *out)
{
	return put_ack(out, req, req->nlmsg_type == XFRM_MSG_UPDSA ? -ESRCH : 0, NULL);
}

static void test_updsa_fallback(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;

	base_sa(&sa);
	set_alg(&sa, 28, 0, 0);
	m.reply[XFRM_MSG_UPDSA] = reply_enoent_then_ok;
	assert_int_equal(kernel_sa_update(k, &sa), 0);
	assert_int_equal(m.nmsgs, 2);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_UPDSA);
	assert_int_equal(m.msgs[1]->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(m.msgs[0]->nlmsg_len, m.msgs[1]->nlmsg_len);
	assert_memory_equal(NLMSG_DATA(m.msgs[0]), NLMSG_DATA(m.msgs[1]),
			    m.msgs[0]->nlmsg_len - NLMSG_HDRLEN);
	assert_int_not_equal(m.msgs[0]->nlmsg_seq, m.msgs[1]->nlmsg_seq);
	/* a larval state that is there: no second message */
	m.reply[XFRM_MSG_UPDSA] = NULL;
	assert_int_equal(kernel_sa_update(k, &sa), 0);
	assert_int_equal(m.nmsgs, 3);
	/* other errors are not retried */
	m.err[3] = -EINVAL;
	assert_int_equal(kernel_sa_update(k, &sa), -EINVAL);
	assert_int_equal(m.nmsgs, 4);
}

static uint32_t spi_answer;

static size_t reply_spi(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	const struct xfrm_userspi_info *q = mnl_nlmsg_get_payload(req);
	struct xfrm_usersa_info *p;

	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_seq = req->nlmsg_seq;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	*p = q->info;
	p->id.spi = htonl(spi_answer);
	return nlh->nlmsg_len;
}

static void test_allocspi(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	const struct xfrm_userspi_info *q;
	struct attrs at;

	base_sa(&sa);
	sa.spi = 0;
	sa.if_id = 3;
	m.reply[XFRM_MSG_ALLOCSPI] = reply_spi;
	spi_answer = 0xc0001234;
	assert_int_equal(kernel_spi_alloc(k, &sa), 0);
	assert_int_equal(sa.spi, 0xc0001234);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_ALLOCSPI);
	assert_int_equal(m.msgs[0]->nlmsg_flags, NLM_F_REQUEST);
	q = mnl_nlmsg_get_payload(m.msgs[0]);
	assert_int_equal(q->min, 0xc0000000u);
	assert_int_equal(q->max, 0xcfffffffu);
	assert_int_equal(q->info.reqid, KERNEL_REQID_BASE + 5);
	assert_int_equal(q->info.id.proto, IPPROTO_ESP);
	assert_int_equal(q->info.family, AF_INET);
	assert_int_equal(q->info.mode, XFRM_MODE_TUNNEL);
	parse(m.msgs[0], sizeof(*q), &at);
	assert_int_equal(at.count, 1);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 3);
	/* an SPI outside the range asked for is not believed */
	spi_answer = 5;
	sa.spi = 0;
	assert_int_equal(kernel_spi_alloc(k, &sa), -EBADMSG);
	assert_int_equal(sa.spi, 0);
	/* the kernel's refusal */
	m.reply[XFRM_MSG_ALLOCSPI] = NULL;
	m.err[2] = -ENOENT;
	m.extack[2] = "No SPI available";
	assert_int_equal(kernel_spi_alloc(k, &sa), -ENOENT);
	assert_string_equal(kernel_last_error(k)->msg, "No SPI available");
}

static size_t reply_stats(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	struct xfrm_usersa_info *p;
	struct xfrm_replay_state r = {.oseq = 11, .seq = 9};
	uint64_t last = 1700000123;

	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_seq = req->nlmsg_seq;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->curlft.bytes = 840;
	p->curlft.packets = 10;
	p->curlft.add_time = 1700000000;
	p->curlft.use_time = 1700000100;
	p->stats.replay_window = 1;
	p->stats.replay = 2;
	p->stats.integrity_failed = 3;
	p->reqid = 77;
	p->mode = XFRM_MODE_TUNNEL;
	p->replay_window = 32;
	p->lft.soft_byte_limit = XFRM_INF;
	p->lft.hard_byte_limit = 5000;
	p->lft.soft_packet_limit = XFRM_INF;
	p->lft.hard_packet_limit = XFRM_INF;
	p->lft.hard_add_expires_seconds = 3600;
	{
		char b[sizeof(struct xfrm_algo_aead) + 20];
		struct xfrm_algo_aead *a = (struct xfrm_algo_aead *)b;

		memset(b, 0, sizeof(b));
		snprintf(a->alg_name, sizeof(a->alg_name), "rfc4106(gcm(aes))");
		a->alg_key_len = 160;
		a->alg_icv_len = 96;
		memset(a->alg_key, 0x5a, 20); /* the key, which must not be copied */
		mnl_attr_put(nlh, XFRMA_ALG_AEAD, sizeof(b), b);
	}
	mnl_attr_put(nlh, XFRMA_LASTUSED, sizeof(last), &last);
	mnl_attr_put(nlh, XFRMA_REPLAY_VAL, sizeof(r), &r);
	return nlh->nlmsg_len;
}

static size_t reply_short_sa(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);

	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_seq = req->nlmsg_seq;
	mnl_nlmsg_put_extra_header(nlh, 16);
	return nlh->nlmsg_len;
}

static void test_counters(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa_id id = {.dst = a4("192.0.2.2"), .spi = 0xc0000001, .proto = IPPROTO_ESP};
	struct kernel_sa_stats st;

	m.reply[XFRM_MSG_GETSA] = reply_stats;
	assert_int_equal(kernel_sa_counters(k, &id, &st), 0);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_GETSA);
	assert_int_equal(m.msgs[0]->nlmsg_flags, NLM_F_REQUEST);
	assert_int_equal(st.bytes, 840);
	assert_int_equal(st.packets, 10);
	assert_int_equal(st.add_time, 1700000000);
	assert_int_equal(st.use_time, 1700000100);
	assert_int_equal(st.last_used, 1700000123);
	assert_int_equal(st.replay_window_fail, 1);
	assert_int_equal(st.replay_fail, 2);
	assert_int_equal(st.integrity_fail, 3);
	assert_int_equal(st.oseq, 11);
	assert_int_equal(st.seq, 9);
	assert_int_equal(st.reqid, 77);
	assert_int_equal(st.mode, KERNEL_MODE_TUNNEL);
	assert_string_equal(st.encr, "rfc4106(gcm(aes))");
	assert_string_equal(st.integ, "");
	assert_int_equal(st.icv_bits, 96);
	assert_int_equal(st.window, 32);
	assert_false(st.esn);
	assert_int_equal(st.lft.soft_bytes, 0); /* XFRM_INF: none */
	assert_int_equal(st.lft.hard_bytes, 5000);
	assert_int_equal(st.lft.hard_add_s, 3600);
	/* no key byte made it into the result */
	{
		const uint8_t *b = (const uint8_t *)&st;
		unsigned run = 0;

		for (size_t i = 0; i < sizeof(st); i++) {
			run = b[i] == 0x5a ? run + 1 : 0;
			assert_true(run < 4);
		}
	}
	m.reply[XFRM_MSG_GETSA] = reply_short_sa;
	assert_int_equal(kernel_sa_counters(k, &id, &st), -EBADMSG);
	m.reply[XFRM_MSG_GETSA] = NULL;
	m.err[2] = -ESRCH;
	assert_int_equal(kernel_sa_counters(k, &id, &st), -ESRCH);
	assert_string_equal(kernel_last_error(k)->what, "read SA esp spi 0xc0000001 dst 192.0.2.2");
}

/* ---- Policies ---------------------------------------------------------- */

static void tunnel_policy(struct kernel_policy *p, uint8_t dir)
{
	memset(p, 0, sizeof(*p));
	p->sel.src = a6("fd01::");
	p->sel.src_len = 64;
	p->sel.dst = a6("fd02::");
	p->sel.dst_len = 64;
	p->dir = dir;
	p->proto = IPPROTO_ESP;
	p->mode = KERNEL_MODE_TUNNEL;
	p->reqid = KERNEL_REQID_BASE + 9;
	p->tmpl_src = a4("192.0.2.1"); /* IPv6 in IPv4 */
	p->tmpl_dst = a4("192.0.2.2");
}

static void test_policy_tunnel(void **state)
{
	static const uint8_t xdir[] = {XFRM_POLICY_IN, XFRM_POLICY_OUT, XFRM_POLICY_FWD};
	struct kernel *k = *state;

	for (uint8_t dir = 0; dir < 3; dir++) {
		struct kernel_policy pol;
		const struct xfrm_userpolicy_info *p;
		const struct xfrm_user_tmpl *t;
		struct attrs at;

		tunnel_policy(&pol, dir);
		pol.if_id = 5;
		assert_int_equal(kernel_policy_add(k, &pol), 0);
		assert_int_equal(m.msgs[dir]->nlmsg_type, XFRM_MSG_NEWPOLICY);
		assert_int_equal(m.msgs[dir]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
		p = mnl_nlmsg_get_payload(m.msgs[dir]);
		assert_int_equal(p->dir, xdir[dir]);
		assert_int_equal(p->action, XFRM_POLICY_ALLOW);
		assert_int_equal(p->priority, kernel_policy_priority(&pol.sel));
		assert_int_equal(p->priority, 0x10000 - 128 * 4);
		assert_int_equal(p->sel.family, AF_INET6);
		assert_int_equal(p->sel.prefixlen_s, 64);
		assert_int_equal(p->sel.prefixlen_d, 64);
		assert_memory_equal(&p->sel.saddr, pol.sel.src.bytes, 16);
		assert_true(p->lft.hard_byte_limit == XFRM_INF);
		parse(m.msgs[dir], sizeof(*p), &at);
		assert_int_equal(at.count, 2);
		assert_int_equal(mnl_attr_get_payload_len(at.tb[XFRMA_TMPL]), sizeof(*t));
		t = mnl_attr_get_payload(at.tb[XFRMA_TMPL]);
		assert_int_equal(t->reqid, KERNEL_REQID_BASE + 9);
		assert_int_equal(t->mode, XFRM_MODE_TUNNEL);
		assert_int_equal(t->family, AF_INET);
		assert_int_equal(t->id.proto, IPPROTO_ESP);
		assert_int_equal(t->id.spi, 0);
		assert_memory_equal(&t->saddr, pol.tmpl_src.bytes, 4);
		assert_memory_equal(&t->id.daddr, pol.tmpl_dst.bytes, 4);
		assert_true(t->aalgos == ~0u && t->ealgos == ~0u && t->calgos == ~0u);
		assert_int_equal(t->optional, 0);
		assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 5);
	}
}

static void test_policy_other_kinds(void **state)
{
	struct kernel *k = *state;
	struct kernel_policy pol;
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_user_tmpl *t;
	struct kernel_policy_id id;
	const struct xfrm_userpolicy_id *pid;
	struct attrs at;

	/* transport: template without addresses, family of the selector */
	tunnel_policy(&pol, KERNEL_DIR_OUT);
	pol.mode = KERNEL_MODE_TRANSPORT;
	pol.sel.proto = IPPROTO_UDP;
	pol.sel.sport = 500;
	pol.priority = 1234;
	assert_int_equal(kernel_policy_update(k, &pol), 0);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_UPDPOLICY);
	p = mnl_nlmsg_get_payload(m.msgs[0]);
	assert_int_equal(p->priority, 1234);
	assert_int_equal(ntohs(p->sel.sport), 500);
	assert_int_equal(p->sel.sport_mask, 0xffff);
	parse(m.msgs[0], sizeof(*p), &at);
	t = mnl_attr_get_payload(at.tb[XFRMA_TMPL]);
	assert_int_equal(t->mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(t->family, AF_INET6);
	/* bypass and block: no template */
	pol.action = KERNEL_POLICY_BYPASS;
	assert_int_equal(kernel_policy_add(k, &pol), 0);
	p = mnl_nlmsg_get_payload(m.msgs[1]);
	assert_int_equal(p->action, XFRM_POLICY_ALLOW);
	parse(m.msgs[1], sizeof(*p), &at);
	assert_int_equal(at.count, 0);
	pol.action = KERNEL_POLICY_BLOCK;
	pol.mark.value = 1;
	pol.mark.mask = 1;
	assert_int_equal(kernel_policy_add(k, &pol), 0);
	p = mnl_nlmsg_get_payload(m.msgs[2]);
	assert_int_equal(p->action, XFRM_POLICY_BLOCK);
	parse(m.msgs[2], sizeof(*p), &at);
	assert_int_equal(at.count, 1);
	assert_non_null(at.tb[XFRMA_MARK]);
	/* delete by selector, direction, mark and if_id */
	kernel_policy_id_of(&pol, &id);
	id.if_id = 8;
	assert_int_equal(kernel_policy_del(k, &id), 0);
	assert_int_equal(m.msgs[3]->nlmsg_type, XFRM_MSG_DELPOLICY);
	pid = mnl_nlmsg_get_payload(m.msgs[3]);
	assert_int_equal(pid->dir, XFRM_POLICY_OUT);
	assert_int_equal(pid->sel.family, AF_INET6);
	assert_int_equal(pid->sel.prefixlen_d, 64);
	parse(m.msgs[3], sizeof(*pid), &at);
	assert_int_equal(at.count, 2);
	assert_int_equal(mnl_attr_get_u32(at.tb[XFRMA_IF_ID]), 8);
	/* the kernel's answer to a missing policy */
	m.err[4] = -ENOENT;
	assert_int_equal(kernel_policy_del(k, &id), -ENOENT);
	assert_string_equal(kernel_last_error(k)->what, "delete policy out fd01::/64 -> fd02::/64");
}

/* ---- Batching ---------------------------------------------------------- */

struct seen {
	unsigned n, idx[8];
	int err[8];
};

static void on_err(void *arg, unsigned index, const struct kernel_err *e)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->idx[s->n] = index;
		s->err[s->n] = e->err;
	}
	s->n++;
}

static void test_batch(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	struct kernel_policy pol;
	struct seen s = {0};

	base_sa(&sa);
	set_alg(&sa, 20, 128, 0);
	tunnel_policy(&pol, KERNEL_DIR_OUT);
	assert_int_equal(kernel_batch_begin(k), 0);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	sa.spi++;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_policy_add(k, &pol), 0);
	assert_int_equal(m.sends, 0); /* nothing sent before the commit */
	m.err[1] = -EEXIST;
	m.extack[1] = "SA exists";
	assert_int_equal(kernel_batch_commit(k, on_err, &s), -EEXIST);
	assert_int_equal(m.sends, 1); /* one write for all three */
	assert_int_equal(m.nmsgs, 3);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.idx[0], 1);
	assert_int_equal(s.err[0], -EEXIST);
	assert_string_equal(kernel_last_error(k)->what, "add SA esp spi 0xc0000002 dst 192.0.2.2");
	assert_string_equal(kernel_last_error(k)->msg, "SA exists");
	assert_int_not_equal(m.msgs[0]->nlmsg_seq, m.msgs[1]->nlmsg_seq);
	/* an empty batch sends nothing */
	assert_int_equal(kernel_batch_begin(k), 0);
	assert_int_equal(kernel_batch_commit(k, on_err, &s), 0);
	assert_int_equal(m.sends, 1);
}

static void test_batch_many(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa sa;
	struct seen s = {0};
	unsigned n = 2000;

	base_sa(&sa);
	set_alg(&sa, 12, 256, 14);
	m.err[1500] = -ENOMEM;
	assert_int_equal(kernel_batch_begin(k), 0);
	for (unsigned i = 0; i < n; i++) {
		sa.spi = 0xc1000000 + i;
		assert_int_equal(kernel_sa_add(k, &sa), 0);
	}
	assert_int_equal(kernel_batch_commit(k, on_err, &s), -ENOMEM);
	assert_int_equal(m.nmsgs, n);
	assert_true(m.sends > 1); /* chunked */
	assert_true(m.sends < n / 50);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.idx[0], 1500);
	assert_string_equal(kernel_last_error(k)->what, "add SA esp spi 0xc10005dc dst 192.0.2.2");
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ntohl(sa_info(m.msgs[i])->id.spi), 0xc1000000 + i);
}

/* ---- Flushing our own state ------------------------------------------ */

static size_t put_dump_sa(char *out, uint32_t seq, uint32_t spi, uint32_t reqid)
{
	static uint64_t tmp[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tmp);
	struct xfrm_usersa_info *p;

	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->family = AF_INET;
	p->id.proto = IPPROTO_ESP;
	p->id.spi = htonl(spi);
	p->reqid = reqid;
	inet_pton(AF_INET, "192.0.2.2", &p->id.daddr);
	memcpy(out, nlh, nlh->nlmsg_len);
	return nlh->nlmsg_len;
}

static size_t put_dump_policy(char *out, uint32_t seq, uint32_t reqid, uint8_t dir)
{
	static uint64_t tmp[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(tmp);
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t = {.reqid = reqid, .family = AF_INET};

	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->sel.family = AF_INET;
	p->sel.prefixlen_s = 24;
	p->dir = dir;
	t.id.proto = IPPROTO_ESP;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	memcpy(out, nlh, nlh->nlmsg_len);
	return nlh->nlmsg_len;
}

static size_t put_done(char *out, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	return nlh->nlmsg_len;
}

static size_t dump_policies(const struct nlmsghdr *req, char *out)
{
	size_t n = 0;

	assert_true(req->nlmsg_flags & NLM_F_DUMP);
	n += put_dump_policy(out + n, req->nlmsg_seq, KERNEL_REQID_BASE + 1, XFRM_POLICY_OUT);
	n += put_dump_policy(out + n, req->nlmsg_seq, 7, XFRM_POLICY_OUT); /* foreign */
	n += put_dump_policy(out + n, req->nlmsg_seq, KERNEL_REQID_BASE + 1, XFRM_POLICY_FWD);
	n += put_done(out + n, req->nlmsg_seq);
	return n;
}

static size_t dump_sas(const struct nlmsghdr *req, char *out)
{
	size_t n = 0;

	n += put_dump_sa(out + n, req->nlmsg_seq, 0xc0000001, KERNEL_REQID_BASE + 1);
	n += put_dump_sa(out + n, req->nlmsg_seq, 0x1000, 7); /* foreign */
	n += put_dump_sa(out + n, req->nlmsg_seq, 0xc0000002, 0);
	n += put_dump_sa(out + n, req->nlmsg_seq, 0xc0000003, KERNEL_REQID_BASE + 0xffff);
	n += put_done(out + n, req->nlmsg_seq);
	return n;
}

static void test_flush_own(void **state)
{
	struct kernel *k = *state;
	const struct xfrm_usersa_id *sid;

	m.reply[XFRM_MSG_GETPOLICY] = dump_policies;
	m.reply[XFRM_MSG_GETSA] = dump_sas;
	m.err[2] = -ENOENT; /* a policy that vanished meanwhile is fine */
	assert_int_equal(kernel_flush_own(k), 0);
	assert_int_equal(m.nmsgs, 6);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_GETPOLICY);
	assert_int_equal(m.msgs[1]->nlmsg_type, XFRM_MSG_GETSA);
	assert_int_equal(m.msgs[2]->nlmsg_type, XFRM_MSG_DELPOLICY);
	assert_int_equal(((const struct xfrm_userpolicy_id *)NLMSG_DATA(m.msgs[2]))->dir,
			 XFRM_POLICY_OUT);
	assert_int_equal(m.msgs[3]->nlmsg_type, XFRM_MSG_DELPOLICY);
	assert_int_equal(((const struct xfrm_userpolicy_id *)NLMSG_DATA(m.msgs[3]))->dir,
			 XFRM_POLICY_FWD);
	assert_int_equal(m.msgs[4]->nlmsg_type, XFRM_MSG_DELSA);
	sid = NLMSG_DATA(m.msgs[4]);
	assert_int_equal(ntohl(sid->spi), 0xc0000001);
	assert_int_equal(m.msgs[5]->nlmsg_type, XFRM_MSG_DELSA);
	sid = NLMSG_DATA(m.msgs[5]);
	assert_int_equal(ntohl(sid->spi), 0xc0000003);
	/* a real failure is reported */
	m.err[10] = -EPERM;
	assert_int_equal(kernel_flush_own(k), -EPERM);
	assert_non_null(strstr(kernel_last_error(k)->what, "flush own state: delete SA"));
}

static void test_open_flushes_stale(void **state)
{
	struct kernel *k = NULL;

	mock_reset();
	m.reply[XFRM_MSG_GETPOLICY] = dump_policies;
	m.reply[XFRM_MSG_GETSA] = dump_sas;
	assert_int_equal(kernel_open(KERNEL_IMPL_XFRM, NULL, &k), 0);
	assert_int_equal(m.nmsgs, 6);
	kernel_close(k);
	/* a dump the kernel refuses fails the open */
	mock_reset();
	m.err[0] = -EPERM;
	assert_int_equal(kernel_open(KERNEL_IMPL_XFRM, NULL, &k), -EPERM);
	assert_null(k);
}

/* ---- Events ------------------------------------------------------------ */

struct evs {
	unsigned n;
	struct kernel_event ev[4];
};

static void on_event(void *arg, const struct kernel_event *ev)
{
	struct evs *e = arg;

	if (e->n < 4)
		e->ev[e->n] = *ev;
	e->n++;
}

static uint64_t evbuf[512];

static void put_event_expire(uint32_t spi, uint32_t reqid, uint8_t hard)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(evbuf);
	struct xfrm_user_expire *e;

	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->state.family = AF_INET;
	e->state.id.spi = htonl(spi);
	e->state.id.proto = IPPROTO_ESP;
	e->state.reqid = reqid;
	inet_pton(AF_INET, "192.0.2.2", &e->state.id.daddr);
	e->hard = hard;
	memcpy(m.events + m.nevents, nlh, nlh->nlmsg_len);
	m.nevents += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_event_acquire(uint32_t reqid, bool with_tmpl)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(evbuf);
	struct xfrm_user_acquire *a;
	struct xfrm_user_tmpl t = {.reqid = reqid, .family = AF_INET};

	nlh->nlmsg_type = XFRM_MSG_ACQUIRE;
	a = mnl_nlmsg_put_extra_header(nlh, sizeof(*a));
	a->id.proto = IPPROTO_ESP;
	inet_pton(AF_INET, "192.0.2.2", &a->id.daddr);
	inet_pton(AF_INET, "192.0.2.1", &a->saddr);
	a->sel.family = AF_INET;
	inet_pton(AF_INET, "10.1.0.2", &a->sel.saddr);
	inet_pton(AF_INET, "10.2.0.2", &a->sel.daddr);
	a->sel.prefixlen_s = a->sel.prefixlen_d = 32;
	a->seq = 99;
	if (with_tmpl)
		mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	memcpy(m.events + m.nevents, nlh, nlh->nlmsg_len);
	m.nevents += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void test_events(void **state)
{
	struct kernel *k = *state;
	struct evs e = {0};
	char ip[INET_ADDRSTRLEN];

	m.ev_fd = kernel_events_fd(k);
	assert_true(m.ev_fd >= 0);
	assert_int_equal(kernel_events_fd(k), m.ev_fd); /* one socket */
	assert_int_equal(kernel_events_read(k, on_event, &e), 0);
	put_event_expire(0xc0000001, KERNEL_REQID_BASE + 2, 0);
	put_event_expire(0xc0000002, 7, 1); /* another daemon's: skipped */
	put_event_acquire(KERNEL_REQID_BASE + 3, true);
	put_event_acquire(KERNEL_REQID_BASE + 3, false); /* no template: malformed */
	assert_int_equal(kernel_events_read(k, on_event, &e), 2);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[0].kind, KERNEL_EV_EXPIRE);
	assert_false(e.ev[0].hard);
	assert_int_equal(e.ev[0].sa.spi, 0xc0000001);
	assert_int_equal(e.ev[0].sa.proto, IPPROTO_ESP);
	assert_int_equal(e.ev[0].reqid, KERNEL_REQID_BASE + 2);
	assert_string_equal(inet_ntop(AF_INET, e.ev[0].sa.dst.bytes, ip, sizeof(ip)), "192.0.2.2");
	assert_int_equal(e.ev[1].kind, KERNEL_EV_ACQUIRE);
	assert_int_equal(e.ev[1].reqid, KERNEL_REQID_BASE + 3);
	assert_int_equal(e.ev[1].seq, 99);
	assert_string_equal(inet_ntop(AF_INET, e.ev[1].src.bytes, ip, sizeof(ip)), "192.0.2.1");
	assert_string_equal(inet_ntop(AF_INET, e.ev[1].sel.src.bytes, ip, sizeof(ip)), "10.1.0.2");
	assert_int_equal(e.ev[1].sel.dst_len, 32);
	assert_int_equal(kernel_events_dropped(k), 1);
	/* a truncated message is dropped, never read past */
	put_event_expire(0xc0000005, KERNEL_REQID_BASE + 2, 1);
	((struct nlmsghdr *)m.events)->nlmsg_len = NLMSG_LENGTH(8);
	m.nevents = NLMSG_LENGTH(8);
	assert_int_equal(kernel_events_read(k, on_event, &e), 0);
	assert_int_equal(kernel_events_dropped(k), 2);
}

/* ---- Policy hash thresholds -------------------------------------------- */

static void test_spd_hthresh(void **state)
{
	struct kernel *k = *state;
	struct kernel_hthresh h = {.v4 = true, .v4_lbits = 24, .v4_rbits = 16};
	const struct xfrmu_spdhthresh *t;
	struct attrs at;

	assert_int_equal(kernel_spd_hthresh(k, &h), 0);
	assert_int_equal(m.msgs[0]->nlmsg_type, XFRM_MSG_NEWSPDINFO);
	assert_int_equal(m.msgs[0]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	parse(m.msgs[0], sizeof(uint32_t), &at);
	assert_int_equal(at.count, 1);
	t = mnl_attr_get_payload(at.tb[XFRMA_SPD_IPV4_HTHRESH]);
	assert_int_equal(t->lbits, 24);
	assert_int_equal(t->rbits, 16);
	h.v6 = true;
	h.v6_lbits = 64;
	h.v6_rbits = 48;
	assert_int_equal(kernel_spd_hthresh(k, &h), 0);
	parse(m.msgs[1], sizeof(uint32_t), &at);
	assert_int_equal(at.count, 2);
	t = mnl_attr_get_payload(at.tb[XFRMA_SPD_IPV6_HTHRESH]);
	assert_int_equal(t->lbits, 64);
	assert_int_equal(t->rbits, 48);
	h.v4_lbits = 33; /* refused before anything is sent */
	assert_int_equal(kernel_spd_hthresh(k, &h), -EINVAL);
	assert_int_equal(m.nmsgs, 2);
	h.v4_lbits = 24;
	m.err[2] = -EPERM;
	assert_int_equal(kernel_spd_hthresh(k, &h), -EPERM);
	assert_string_equal(kernel_last_error(k)->what, "set policy hash thresholds");
}

/* ---- Interfaces (rtnetlink) ---------------------------------------------- */

struct link_attrs {
	const char *name, *kind;
	uint32_t if_id, ikey, okey, link;
	bool has_local, has_remote, has_ikey;
};

static int link_data_cb(const struct nlattr *a, void *data)
{
	struct link_attrs *l = data;
	bool vti = l->kind && strncmp(l->kind, "vti", 3) == 0;

	if (!vti && mnl_attr_get_type(a) == IFLA_XFRM_IF_ID)
		l->if_id = mnl_attr_get_u32(a);
	if (!vti && mnl_attr_get_type(a) == IFLA_XFRM_LINK)
		l->link = mnl_attr_get_u32(a);
	if (vti && mnl_attr_get_type(a) == IFLA_VTI_IKEY) {
		l->ikey = ntohl(mnl_attr_get_u32(a));
		l->has_ikey = true;
	}
	if (vti && mnl_attr_get_type(a) == IFLA_VTI_OKEY)
		l->okey = ntohl(mnl_attr_get_u32(a));
	if (vti && mnl_attr_get_type(a) == IFLA_VTI_LOCAL)
		l->has_local = true;
	if (vti && mnl_attr_get_type(a) == IFLA_VTI_REMOTE)
		l->has_remote = true;
	return MNL_CB_OK;
}

static int link_info_cb(const struct nlattr *a, void *data)
{
	struct link_attrs *l = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
		l->kind = mnl_attr_get_str(a);
	if (mnl_attr_get_type(a) == IFLA_INFO_DATA)
		mnl_attr_parse_nested(a, link_data_cb, l);
	return MNL_CB_OK;
}

static int link_cb(const struct nlattr *a, void *data)
{
	struct link_attrs *l = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME)
		l->name = mnl_attr_get_str(a);
	if (mnl_attr_get_type(a) == IFLA_LINKINFO)
		mnl_attr_parse_nested(a, link_info_cb, l);
	return MNL_CB_OK;
}

static void parse_link(const struct nlmsghdr *nlh, struct link_attrs *l)
{
	memset(l, 0, sizeof(*l));
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_cb, l);
}

static void test_iface_messages(void **state)
{
	struct kernel *k = *state;
	struct kernel_iface ifc = {.name = "ipsec0", .if_id = 7};
	const struct ifinfomsg *ifi;
	struct link_attrs l;

	/* an XFRM interface where the kernel has them */
	assert_int_equal(kernel_iface_create(k, &ifc), 0);
	assert_int_equal(ifc.kind, KERNEL_IFACE_XFRM);
	assert_int_equal(m.msgs[0]->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(m.msgs[0]->nlmsg_flags,
			 NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	parse_link(m.msgs[0], &l);
	assert_string_equal(l.name, "ipsec0");
	assert_string_equal(l.kind, "xfrm");
	assert_int_equal(l.if_id, 7);
	assert_int_equal(l.link, 0);
	/* none: VTI instead, keyed by the if_id, with the outer addresses */
	ifc.kind = KERNEL_IFACE_AUTO;
	ifc.local = a4("192.0.2.1");
	ifc.remote = a4("192.0.2.2");
	m.err[1] = -EOPNOTSUPP;
	assert_int_equal(kernel_iface_create(k, &ifc), 0);
	assert_int_equal(ifc.kind, KERNEL_IFACE_VTI);
	parse_link(m.msgs[2], &l);
	assert_string_equal(l.kind, "vti");
	assert_true(l.has_ikey);
	assert_int_equal(l.ikey, 7);
	assert_int_equal(l.okey, 7);
	assert_true(l.has_local && l.has_remote);
	/* IPv6 outer addresses: vti6 */
	ifc.kind = KERNEL_IFACE_VTI;
	ifc.local = a6("2001:db8::1");
	ifc.remote = a6("2001:db8::2");
	assert_int_equal(kernel_iface_create(k, &ifc), 0);
	parse_link(m.msgs[3], &l);
	assert_string_equal(l.kind, "vti6");
	/* neither kind: a clear error, nothing else tried */
	ifc.kind = KERNEL_IFACE_AUTO;
	m.err[4] = m.err[5] = -EOPNOTSUPP;
	assert_int_equal(kernel_iface_create(k, &ifc), -EOPNOTSUPP);
	assert_string_equal(kernel_last_error(k)->msg,
			    "the kernel has neither XFRM interfaces nor VTI");
	assert_string_equal(kernel_last_error(k)->what, "create interface ipsec0");
	assert_int_equal(m.nmsgs, 6);
	/* only an XFRM interface asked for */
	ifc.kind = KERNEL_IFACE_XFRM;
	m.err[6] = -EOPNOTSUPP;
	assert_int_equal(kernel_iface_create(k, &ifc), -EOPNOTSUPP);
	assert_string_equal(kernel_last_error(k)->msg, "the kernel has no XFRM interfaces");
	assert_int_equal(m.nmsgs, 7);
	/* another failure is not a reason to try VTI */
	ifc.kind = KERNEL_IFACE_AUTO;
	m.err[7] = -EEXIST;
	m.extack[7] = "name in use";
	assert_int_equal(kernel_iface_create(k, &ifc), -EEXIST);
	assert_string_equal(kernel_last_error(k)->msg, "name in use");
	assert_int_equal(m.nmsgs, 8);
	/* up, down, delete */
	assert_int_equal(kernel_iface_up(k, "ipsec0", true), 0);
	assert_int_equal(m.msgs[8]->nlmsg_type, RTM_NEWLINK);
	ifi = mnl_nlmsg_get_payload(m.msgs[8]);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	parse_link(m.msgs[8], &l);
	assert_string_equal(l.name, "ipsec0");
	assert_int_equal(kernel_iface_up(k, "ipsec0", false), 0);
	ifi = mnl_nlmsg_get_payload(m.msgs[9]);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(kernel_iface_delete(k, "ipsec0"), 0);
	assert_int_equal(m.msgs[10]->nlmsg_type, RTM_DELLINK);
	m.err[11] = -ENODEV;
	assert_int_equal(kernel_iface_delete(k, "ipsec0"), -ENODEV);
	assert_string_equal(kernel_last_error(k)->what, "delete interface ipsec0");
	/* an underlying device that does not exist */
	snprintf(ifc.link, sizeof(ifc.link), "nosuchdev0");
	assert_int_equal(kernel_iface_create(k, &ifc), -ENODEV);
	assert_string_equal(kernel_last_error(k)->msg, "no underlying device nosuchdev0");
}

/* ---- Hostile replies ----------------------------------------------------- */

static unsigned fuzz_seed = 1;

static unsigned fuzz_rand(void)
{
	fuzz_seed = fuzz_seed * 1103515245u + 12345u;
	return fuzz_seed >> 8;
}

/* Flips a few bytes of a message, sometimes its length too. */
static void mutate(char *msg, size_t len)
{
	unsigned flips = 1 + fuzz_rand() % 4;

	for (unsigned i = 0; i < flips; i++)
		msg[fuzz_rand() % len] = (char)fuzz_rand();
	if (fuzz_rand() % 4 == 0) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)msg;

		nlh->nlmsg_len = (uint32_t)(fuzz_rand() % (len + 8));
	}
}

static size_t reply_stats_mutated(const struct nlmsghdr *req, char *out)
{
	size_t n = reply_stats(req, out);

	mutate(out + 4, n - 4 > 0 ? n - 4 : 1); /* keep the length: one datagram */
	((struct nlmsghdr *)out)->nlmsg_seq = req->nlmsg_seq;
	return n;
}

static size_t ack_mutated(const struct nlmsghdr *req, char *out)
{
	size_t n = put_ack(out, req, -EINVAL, "some reason");

	mutate(out + 16, n - 16);
	return n;
}

static size_t dump_sas_mutated(const struct nlmsghdr *req, char *out)
{
	size_t n = dump_sas(req, out);

	mutate(out, n);
	return n;
}

static void test_hostile_replies(void **state)
{
	struct kernel *k = *state;
	struct kernel_sa_id id = {.dst = a4("192.0.2.2"), .spi = 0xc0000001, .proto = IPPROTO_ESP};
	struct kernel_sa_stats st;
	struct kernel_sa sa;
	struct evs e = {0};
	unsigned counters_ok = 0, counters_err = 0, reasons = 0, delivered = 0;

	base_sa(&sa);
	set_alg(&sa, 20, 128, 0);
	m.ev_fd = kernel_events_fd(k);
	for (int i = 0; i < 3000; i++) {
		int ret;

		/* counters: either a clean answer or an error, never a crash */
		m.reply[XFRM_MSG_GETSA] = reply_stats_mutated;
		ret = kernel_sa_counters(k, &id, &st);
		counters_ok += ret == 0;
		counters_err += ret < 0;
		m.npending = 0;
		/* acks: an error with or without a readable reason */
		m.reply[XFRM_MSG_NEWSA] = ack_mutated;
		ret = kernel_sa_add(k, &sa);
		assert_true(ret <= 0);
		assert_true(strlen(kernel_last_error(k)->msg) < sizeof(kernel_last_error(k)->msg));
		reasons += !strcmp(kernel_last_error(k)->msg, "some reason");
		m.npending = 0;
		m.reply[XFRM_MSG_NEWSA] = NULL;
		/* dumps while flushing */
		m.reply[XFRM_MSG_GETPOLICY] = dump_policies;
		m.reply[XFRM_MSG_GETSA] = dump_sas_mutated;
		ret = kernel_flush_own(k);
		assert_true(ret <= 0);
		m.npending = 0;
		/* events */
		if (i % 2)
			put_event_expire(0xc0000001 + (unsigned)i, KERNEL_REQID_BASE + 2, 0);
		else
			put_event_acquire(KERNEL_REQID_BASE + 3, true);
		mutate(m.events, m.nevents);
		ret = kernel_events_read(k, on_event, &e);
		assert_true(ret >= 0);
		delivered += (unsigned)ret;
		m.nevents = 0;
		/* keep the record of requests from growing without end */
		for (size_t j = 0; j < m.nmsgs; j++)
			free(m.msgs[j]);
		m.nmsgs = 0;
	}
	/* the mutations hit and missed: both outcomes occurred */
	assert_true(kernel_events_dropped(k) > 0);
	assert_true(delivered > 0);
	assert_true(counters_ok > 0 && counters_err > 0);
	assert_true(reasons > 0 && reasons < 3000);
}

/* ---- Sockets ----------------------------------------------------------- */

static void test_bypass_socket(void **state)
{
	struct kernel *k = *state;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
	char want[64];
	int ret;

	assert_true(fd >= 0 && fd6 >= 0);
	ret = kernel_bypass_socket(k, fd, AF_INET);
	if (ret == -EPERM) { /* needs CAP_NET_ADMIN */
		close(fd);
		close(fd6);
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(kernel_bypass_socket(k, fd6, AF_INET6), 0);
	assert_int_equal(kernel_bypass_socket(k, fd, AF_UNIX), -EAFNOSUPPORT);
	close(fd);
	close(fd6);
	assert_int_equal(kernel_bypass_socket(k, fd, AF_INET), -EBADF);
	snprintf(want, sizeof(want), "bypass policy in on socket %d", fd);
	assert_string_equal(kernel_last_error(k)->what, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sa_gcm, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_aead_variants, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_cipher_integ, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_ah_transport_v6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_replay_esn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_encap_mark_ifid_lifetimes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sa_del, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keys_wiped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_extack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_malformed_ack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_updsa_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_allocspi, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_tunnel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_other_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush_own, setup, teardown),
	    cmocka_unit_test(test_open_flushes_stale),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spd_hthresh, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iface_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_replies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bypass_socket, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
