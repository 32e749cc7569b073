/* SPDX-License-Identifier: ISC */
/*
 * The seam's shared checks and the recording fake: what the engine's
 * exchange tests rely on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "kernel_fake.h"
#include "kernel_int.h"

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

static bool addr_is(const struct kernel_addr *a, const char *s)
{
	struct kernel_addr b = a4(s);

	return a->family == b.family && !memcmp(a->bytes, b.bytes, 4);
}

static struct kernel *open_fake(void)
{
	struct kernel *k = NULL;

	assert_int_equal(kernel_open(KERNEL_IMPL_FAKE, NULL, &k), 0);
	assert_non_null(k);
	return k;
}

/* An AES-GCM-16/256 tunnel SA with a recognisable key. */
static void gcm_sa(struct kernel *k, struct kernel_sa *sa, uint32_t spi)
{
	memset(sa, 0, sizeof(*sa));
	sa->src = a4("192.0.2.1");
	sa->dst = a4("192.0.2.2");
	sa->spi = spi;
	sa->proto = IPPROTO_ESP;
	sa->mode = KERNEL_MODE_TUNNEL;
	sa->reqid = KERNEL_REQID_BASE + 1;
	sa->encr = 20;
	sa->encr_keybits = 256;
	sa->enc_key_len = 36;
	memset(sa->enc_key, 0xA5, 36);
	sa->replay_window = 32;
}

static void tunnel_policy(struct kernel_policy *p, uint8_t dir, uint32_t reqid)
{
	memset(p, 0, sizeof(*p));
	p->sel.src = a4("10.1.0.0");
	p->sel.src_len = 24;
	p->sel.dst = a4("10.2.0.0");
	p->sel.dst_len = 24;
	p->dir = dir;
	p->proto = IPPROTO_ESP;
	p->mode = KERNEL_MODE_TUNNEL;
	p->reqid = reqid;
	p->tmpl_src = a4("192.0.2.1");
	p->tmpl_dst = a4("192.0.2.2");
}

static void test_alg_table(void **state)
{
	static const struct {
		uint16_t id, bits;
		const char *name;
		uint16_t key, icv;
	} integ[] = {
	    {1, 0, "hmac(md5)", 16, 96},      {2, 0, "hmac(sha1)", 20, 96},
	    {12, 0, "hmac(sha256)", 32, 128}, {13, 0, "hmac(sha384)", 48, 192},
	    {14, 0, "hmac(sha512)", 64, 256},
	};
	const struct kernel_alg *a;

	for (size_t i = 0; i < sizeof(integ) / sizeof(integ[0]); i++) {
		a = kernel_alg_find(3, integ[i].id, 0);
		assert_non_null(a);
		assert_string_equal(a->kname, integ[i].name);
		assert_int_equal(a->key_len, integ[i].key);
		assert_int_equal(a->icv_bits, integ[i].icv);
		assert_false(a->aead);
	}
	a = kernel_alg_find(1, 18, 128);
	assert_non_null(a);
	assert_true(a->aead);
	assert_string_equal(a->kname, "rfc4106(gcm(aes))");
	assert_int_equal(a->icv_bits, 64);
	assert_int_equal(a->key_len, 20);
	a = kernel_alg_find(1, 19, 256);
	assert_int_equal(a->icv_bits, 96);
	a = kernel_alg_find(1, 28, 0);
	assert_string_equal(a->kname, "rfc7539esp(chacha20,poly1305)");
	assert_int_equal(a->key_len, 36);
	assert_string_equal(kernel_alg_find(1, 3, 0)->kname, "cbc(des3_ede)");
	assert_string_equal(kernel_alg_find(1, 11, 0)->kname, "ecb(cipher_null)");
	assert_string_equal(kernel_alg_find(1, 12, 192)->kname, "cbc(aes)");
	assert_null(kernel_alg_find(1, 12, 0));	 /* AES-CBC needs a key length */
	assert_null(kernel_alg_find(1, 20, 64)); /* no such key length */
	assert_null(kernel_alg_find(3, 99, 0));
}

static void test_reqid_range(void **state)
{
	struct kernel_opts o = {.reqid_base = 100, .reqid_count = 3};
	struct kernel *k;

	assert_int_equal(kernel_open(KERNEL_IMPL_FAKE, &o, &k), 0);
	assert_int_equal(kernel_reqid_alloc(k), 100);
	assert_int_equal(kernel_reqid_alloc(k), 101);
	assert_int_equal(kernel_reqid_alloc(k), 102);
	assert_int_equal(kernel_reqid_alloc(k), 100); /* wraps */
	assert_true(kernel_reqid_owned(k, 102));
	assert_false(kernel_reqid_owned(k, 103));
	assert_false(kernel_reqid_owned(k, 99));
	assert_false(kernel_reqid_owned(k, 0));
	kernel_close(k);
	o.reqid_base = 0xffffffff;
	o.reqid_count = 2;
	assert_int_equal(kernel_open(KERNEL_IMPL_FAKE, &o, &k), -EINVAL);
	assert_null(k);
}

static void expect_reject(struct kernel *k, struct kernel_sa *sa, int err, const char *msg)
{
	char buf[512];

	assert_int_equal(kernel_sa_add(k, sa), err);
	assert_int_equal(kernel_last_error(k)->err, err);
	assert_non_null(strstr(kernel_last_error(k)->msg, msg));
	kernel_strerror(k, buf, sizeof(buf));
	/* the key bytes (0xa5) never show up, in hex or raw */
	assert_null(strstr(buf, "a5a5"));
	assert_null(strstr(buf, "A5A5"));
	assert_null(strchr(buf, (char)0xA5));
	assert_int_equal(kernel_fake_sa_count(k), 0);
}

static void test_sa_checks(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa sa;

	gcm_sa(k, &sa, 0xc0000001);
	sa.enc_key_len = 32;
	expect_reject(k, &sa, -EINVAL, "wrong encryption key length");
	gcm_sa(k, &sa, 0xc0000001);
	sa.integ = 12;
	sa.integ_key_len = 32;
	expect_reject(k, &sa, -EINVAL, "AEAD transform with an integrity transform");
	gcm_sa(k, &sa, 0xc0000001);
	sa.encr = 12;
	sa.encr_keybits = 128;
	sa.enc_key_len = 16;
	expect_reject(k, &sa, -EINVAL, "ESP without integrity protection");
	gcm_sa(k, &sa, 0xc0000001);
	sa.reqid = 7;
	expect_reject(k, &sa, -EINVAL, "reqid outside");
	gcm_sa(k, &sa, 200);
	expect_reject(k, &sa, -EINVAL, "reserved");
	gcm_sa(k, &sa, 0xc0000001);
	sa.replay_window = 4097;
	expect_reject(k, &sa, -EINVAL, "replay window");
	gcm_sa(k, &sa, 0xc0000001);
	sa.lft.soft_bytes = 2000;
	sa.lft.hard_bytes = 1000;
	expect_reject(k, &sa, -EINVAL, "soft lifetime above hard");
	gcm_sa(k, &sa, 0xc0000001);
	sa.dst = a6("2001:db8::2");
	expect_reject(k, &sa, -EAFNOSUPPORT, "mixed families");
	gcm_sa(k, &sa, 0xc0000001);
	sa.proto = 17;
	expect_reject(k, &sa, -EPROTONOSUPPORT, "ESP or AH");
	gcm_sa(k, &sa, 0xc0000001);
	sa.sel.src = a4("10.0.0.0");
	sa.sel.src_len = 33;
	expect_reject(k, &sa, -EINVAL, "selector");
	gcm_sa(k, &sa, 0xc0000001);
	sa.proto = IPPROTO_AH;
	expect_reject(k, &sa, -EINVAL, "AH has no encryption");
	gcm_sa(k, &sa, 0xc0000001);
	sa.encr = 99;
	expect_reject(k, &sa, -ENOPROTOOPT, "unknown encryption");
	gcm_sa(k, &sa, 0xc0000001);
	sa.encap.on = true;
	expect_reject(k, &sa, -EINVAL, "UDP encapsulation without ports");
	/* rejected before reaching the implementation: nothing recorded */
	assert_int_equal(kernel_fake_count(k, KF_SA_ADD), 0);
	/* and a good one passes, with the error cleared */
	gcm_sa(k, &sa, 0xc0000001);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_last_error(k)->err, 0);
	assert_int_equal(kernel_fake_sa_count(k), 1);
	kernel_sa_wipe(&sa);
	for (int i = 0; i < KERNEL_KEY_MAX; i++)
		assert_int_equal(sa.enc_key[i], 0);
	assert_int_equal(sa.enc_key_len, 0);
	kernel_close(k);
}

static void test_spi_alloc_update(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa in, in2;
	struct kernel_sa_id id;
	const struct kernel_sa *got;

	gcm_sa(k, &in, 0);
	in.src = a4("192.0.2.2");
	in.dst = a4("192.0.2.1");
	assert_int_equal(kernel_spi_alloc(k, &in), 0);
	assert_int_equal(in.spi, 0xc0000000u);
	in2 = in;
	assert_int_equal(kernel_spi_alloc(k, &in2), 0);
	assert_int_equal(in2.spi, 0xc0000001u);
	assert_int_equal(kernel_fake_larval_count(k), 2);
	assert_int_equal(kernel_fake_sa_count(k), 0);
	/* UPDSA completes the larval state */
	assert_int_equal(kernel_sa_update(k, &in), 0);
	assert_int_equal(kernel_fake_larval_count(k), 1);
	assert_int_equal(kernel_fake_sa_count(k), 1);
	kernel_sa_id_of(&in, &id);
	got = kernel_fake_sa_find(k, &id);
	assert_non_null(got);
	assert_memory_equal(got->enc_key, in.enc_key, 36);
	/* UPDSA without a larval state falls back to NEWSA */
	in2.spi = 0xc0000100;
	assert_int_equal(kernel_sa_update(k, &in2), 0);
	assert_int_equal(kernel_fake_sa_count(k), 2);
	/* NEWSA of an existing SA is refused */
	assert_int_equal(kernel_sa_add(k, &in), -EEXIST);
	assert_non_null(strstr(kernel_last_error(k)->what, "spi 0xc0000000"));
	assert_non_null(strstr(kernel_last_error(k)->what, "192.0.2.1"));
	/* delete, then delete again */
	assert_int_equal(kernel_sa_del(k, &id), 0);
	assert_int_equal(kernel_sa_del(k, &id), -ESRCH);
	assert_int_equal(kernel_fake_sa_count(k), 1);
	/* the record keeps the call order and results */
	assert_int_equal(kernel_fake_call(k, 0)->op, KF_SPI_ALLOC);
	assert_int_equal(kernel_fake_call(k, 0)->sa.spi, 0xc0000000u);
	assert_int_equal(kernel_fake_last(k, KF_SA_DEL)->result, -ESRCH);
	assert_int_equal(kernel_fake_count(k, KF_SA_UPDATE), 2);
	kernel_close(k);
}

static void test_fail_injection(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa sa;
	char buf[512];

	kernel_fake_fail(k, KF_SA_ADD, 1, -ENOMEM, "out of memory");
	gcm_sa(k, &sa, 0xc0000001);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	sa.spi++;
	assert_int_equal(kernel_sa_add(k, &sa), -ENOMEM);
	kernel_strerror(k, buf, sizeof(buf));
	assert_string_equal(buf, "add SA esp spi 0xc0000002 dst 192.0.2.2: Cannot allocate memory "
				 "(out of memory)");
	sa.spi++;
	assert_int_equal(kernel_sa_add(k, &sa), 0); /* a failure fires once */
	assert_int_equal(kernel_fake_sa_count(k), 2);
	kernel_fake_fail(k, KF_SPI_ALLOC, 0, -ENOENT, NULL);
	assert_int_equal(kernel_spi_alloc(k, &sa), -ENOENT);
	kernel_close(k);
}

static void test_policies(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_policy p, q;
	struct kernel_policy_id id;
	uint32_t r = kernel_reqid_alloc(k);

	tunnel_policy(&p, KERNEL_DIR_OUT, r);
	assert_int_equal(kernel_policy_add(k, &p), 0);
	assert_int_equal(kernel_policy_add(k, &p), -EEXIST);
	assert_int_equal(kernel_policy_update(k, &p), 0);
	tunnel_policy(&q, KERNEL_DIR_FWD, r);
	assert_int_equal(kernel_policy_add(k, &q), 0);
	assert_int_equal(kernel_fake_policy_count(k), 2);
	kernel_policy_id_of(&p, &id);
	assert_non_null(kernel_fake_policy_find(k, &id));
	assert_int_equal(kernel_fake_policy_find(k, &id)->priority, kernel_policy_priority(&p.sel));
	assert_int_equal(kernel_policy_del(k, &id), 0);
	assert_int_equal(kernel_policy_del(k, &id), -ENOENT);
	assert_non_null(strstr(kernel_last_error(k)->what, "out 10.1.0.0/24 -> 10.2.0.0/24"));
	/* template checks */
	tunnel_policy(&p, KERNEL_DIR_IN, r);
	p.tmpl_dst.family = 0;
	assert_int_equal(kernel_policy_add(k, &p), -EAFNOSUPPORT);
	tunnel_policy(&p, 7, r);
	assert_int_equal(kernel_policy_add(k, &p), -EINVAL);
	tunnel_policy(&p, KERNEL_DIR_IN, 5);
	assert_int_equal(kernel_policy_add(k, &p), -EINVAL);
	kernel_close(k);
}

static void test_priority(void **state)
{
	struct kernel_sel any = {0}, net = {0}, host = {0}, port = {0};

	net.src_len = 24;
	net.dst_len = 24;
	host.src_len = 32;
	host.dst_len = 32;
	port = net;
	port.proto = IPPROTO_TCP;
	port.dport = 443;
	assert_true(kernel_policy_priority(&host) < kernel_policy_priority(&net));
	assert_true(kernel_policy_priority(&port) < kernel_policy_priority(&net));
	assert_true(kernel_policy_priority(&net) < kernel_policy_priority(&any));
	host.src_len = host.dst_len = 128;
	host.proto = 6;
	host.sport = host.dport = 1;
	assert_true(kernel_policy_priority(&host) > 0);
}

struct batch_seen {
	unsigned n, idx[4];
	int err[4];
};

static void on_err(void *arg, unsigned index, const struct kernel_err *e)
{
	struct batch_seen *s = arg;

	if (s->n < 4) {
		s->idx[s->n] = index;
		s->err[s->n] = e->err;
	}
	s->n++;
}

static void test_batch(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa sa;
	struct batch_seen seen = {0};

	gcm_sa(k, &sa, 0xc0000001);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_batch_begin(k), 0);
	assert_true(kernel_batch_active(k));
	assert_int_equal(kernel_batch_begin(k), -EBUSY);
	sa.spi = 0xc0000002;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	sa.spi = 0xc0000001; /* exists: fails at commit */
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	sa.spi = 0xc0000003;
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_flush_own(k), -EBUSY);
	assert_int_equal(kernel_batch_commit(k, on_err, &seen), -EEXIST);
	assert_false(kernel_batch_active(k));
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.idx[0], 1);
	assert_int_equal(seen.err[0], -EEXIST);
	assert_non_null(strstr(kernel_last_error(k)->what, "0xc0000001"));
	assert_int_equal(kernel_fake_sa_count(k), 3);
	assert_true(kernel_fake_last(k, KF_SA_ADD)->in_batch);
	assert_int_equal(kernel_batch_commit(k, NULL, NULL), -EINVAL);
	kernel_close(k);
}

struct ev_seen {
	unsigned n;
	struct kernel_event last;
};

static void on_event(void *arg, const struct kernel_event *ev)
{
	struct ev_seen *s = arg;

	s->n++;
	s->last = *ev;
}

static void test_events(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_event ev = {.kind = KERNEL_EV_EXPIRE, .hard = false};
	struct ev_seen seen = {0};
	struct pollfd pfd;

	pfd.fd = kernel_events_fd(k);
	pfd.events = POLLIN;
	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_int_equal(kernel_events_read(k, on_event, &seen), 0);
	ev.sa.spi = 0xc0000005;
	assert_int_equal(kernel_fake_inject(k, &ev), 0);
	ev.kind = KERNEL_EV_ACQUIRE;
	ev.reqid = 42;
	assert_int_equal(kernel_fake_inject(k, &ev), 0);
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(kernel_events_read(k, on_event, &seen), 2);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.last.kind, KERNEL_EV_ACQUIRE);
	assert_int_equal(seen.last.reqid, 42);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	kernel_close(k);
}

static void test_counters_and_stat(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa sa;
	struct kernel_sa_id id;
	struct kernel_sa_stats st = {.bytes = 8400, .packets = 100, .integrity_fail = 3}, got;
	struct kernel_xfrm_stat xs;
	uint64_t v = 1;

	gcm_sa(k, &sa, 0xc0000001);
	kernel_sa_id_of(&sa, &id);
	assert_int_equal(kernel_sa_counters(k, &id, &got), -ESRCH);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	assert_int_equal(kernel_sa_counters(k, &id, &got), 0);
	assert_int_equal(got.packets, 0);
	assert_int_equal(got.reqid, sa.reqid);
	assert_true(got.add_time > 0);
	assert_string_equal(got.encr, "rfc4106(gcm(aes))");
	assert_int_equal(got.icv_bits, 128);
	assert_int_equal(got.mode, KERNEL_MODE_TUNNEL);
	assert_int_equal(got.window, 32);
	assert_int_equal(kernel_fake_set_counters(k, &id, &st), 0);
	assert_int_equal(kernel_sa_counters(k, &id, &got), 0);
	assert_int_equal(got.bytes, 8400);
	assert_int_equal(got.packets, 100);
	assert_int_equal(got.integrity_fail, 3);
	assert_string_equal(got.encr, "rfc4106(gcm(aes))"); /* configuration kept */
	assert_int_equal(kernel_fake_set_stat(k, "XfrmInStateProtoError", 7), 0);
	assert_int_equal(kernel_xfrm_stat(k, &xs), 0);
	assert_int_equal(kernel_xfrm_stat_get(&xs, "XfrmInStateProtoError", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(kernel_xfrm_stat_get(&xs, "XfrmNope", &v), -ENOENT);
	kernel_close(k);
}

static void test_stat_parse(void **state)
{
	struct kernel_xfrm_stat st;
	uint64_t v;

	assert_int_equal(kernel_xfrm_stat_parse("XfrmInError              \t0\n"
						"XfrmInBufferError        \t12\n"
						"garbage line\n"
						"XfrmOutNoStates          \t18446744073709551615\n",
						&st),
			 0);
	assert_int_equal(st.n, 3);
	assert_int_equal(kernel_xfrm_stat_get(&st, "XfrmInBufferError", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(kernel_xfrm_stat_get(&st, "XfrmOutNoStates", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kernel_xfrm_stat_parse("", &st), -EBADMSG);
	assert_int_equal(kernel_xfrm_stat_parse("no numbers here\n", &st), -EBADMSG);
}

static void test_flush_own(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_sa sa;
	struct kernel_policy p;

	gcm_sa(k, &sa, 0xc0000001);
	assert_int_equal(kernel_sa_add(k, &sa), 0);
	sa.spi = 0xc0000002;
	sa.reqid = 5; /* another daemon's */
	assert_int_equal(kernel_fake_add_foreign_sa(k, &sa), 0);
	tunnel_policy(&p, KERNEL_DIR_OUT, KERNEL_REQID_BASE + 1);
	assert_int_equal(kernel_policy_add(k, &p), 0);
	tunnel_policy(&p, KERNEL_DIR_IN, 5);
	assert_int_equal(kernel_fake_add_foreign_policy(k, &p), 0);
	assert_int_equal(kernel_fake_sa_count(k), 2);
	assert_int_equal(kernel_fake_policy_count(k), 2);
	assert_int_equal(kernel_flush_own(k), 0);
	assert_int_equal(kernel_fake_sa_count(k), 1);
	assert_int_equal(kernel_fake_policy_count(k), 1);
	kernel_close(k);
}

static void test_iface(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_iface ifc = {.name = "ipsec0", .if_id = 7};

	assert_int_equal(kernel_iface_create(k, &ifc), 0);
	assert_int_equal(ifc.kind, KERNEL_IFACE_XFRM);
	assert_true(ifc.ifindex > 0);
	assert_int_equal(kernel_iface_up(k, "ipsec0", true), 0);
	assert_int_equal(kernel_iface_create(k, &ifc), -EEXIST);
	assert_int_equal(kernel_iface_delete(k, "ipsec0"), 0);
	assert_int_equal(kernel_iface_delete(k, "ipsec0"), -ENODEV);
	kernel_fake_set_iface_support(k, false, true);
	ifc.kind = KERNEL_IFACE_AUTO;
	assert_int_equal(kernel_iface_create(k, &ifc), 0);
	assert_int_equal(ifc.kind, KERNEL_IFACE_VTI);
	kernel_fake_set_iface_support(k, false, false);
	ifc.kind = KERNEL_IFACE_AUTO;
	snprintf(ifc.name, sizeof(ifc.name), "ipsec1");
	assert_int_equal(kernel_iface_create(k, &ifc), -EOPNOTSUPP);
	assert_non_null(strstr(kernel_last_error(k)->msg, "neither XFRM interfaces nor VTI"));
	snprintf(ifc.name, sizeof(ifc.name), "a/b");
	assert_int_equal(kernel_iface_create(k, &ifc), -EINVAL);
	snprintf(ifc.name, sizeof(ifc.name), "ipsec2");
	ifc.if_id = 0;
	assert_int_equal(kernel_iface_create(k, &ifc), -EINVAL);
	kernel_close(k);
}

static void test_hthresh(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_hthresh h = {.v4 = true, .v4_lbits = 24, .v4_rbits = 24};

	assert_int_equal(kernel_spd_hthresh(k, &h), 0);
	assert_int_equal(kernel_fake_last(k, KF_SPD_HTHRESH)->hthresh.v4_lbits, 24);
	h.v6 = true;
	h.v6_rbits = 129;
	assert_int_equal(kernel_spd_hthresh(k, &h), -EINVAL);
	assert_int_equal(kernel_fake_count(k, KF_SPD_HTHRESH), 1);
	kernel_close(k);
}

static void child_of(struct kernel *k, struct kernel_child *c, uint8_t mode)
{
	memset(c, 0, sizeof(*c));
	gcm_sa(k, &c->out, 0xc0000a01);
	gcm_sa(k, &c->in, 0xc0000b01);
	c->in.src = c->out.dst;
	c->in.dst = c->out.src;
	c->out.mode = c->in.mode = mode;
	c->out.replay_window = 0;
	if (mode == KERNEL_MODE_TUNNEL) {
		c->sel.src = a4("10.1.0.0");
		c->sel.src_len = 24;
		c->sel.dst = a4("10.2.0.0");
		c->sel.dst_len = 24;
		c->sel.proto = IPPROTO_TCP;
		c->sel.dport = 80;
	}
}

static const struct kernel_policy *find_pol(struct kernel *k, const char *src, uint8_t slen,
					    const char *dst, uint8_t dlen, uint8_t dir,
					    uint16_t sport, uint16_t dport, uint8_t proto)
{
	struct kernel_policy_id id = {0};

	id.sel.src = a4(src);
	id.sel.src_len = slen;
	id.sel.dst = a4(dst);
	id.sel.dst_len = dlen;
	id.sel.sport = sport;
	id.sel.dport = dport;
	id.sel.proto = proto;
	id.dir = dir;
	return kernel_fake_policy_find(k, &id);
}

static void test_child_tunnel(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_child c;
	const struct kernel_policy *p;
	static const uint8_t order[] = {KF_BATCH_BEGIN, KF_SA_ADD,     KF_SA_ADD,
					KF_POLICY_ADD,	KF_POLICY_ADD, KF_POLICY_ADD,
					KF_BATCH_COMMIT};

	child_of(k, &c, KERNEL_MODE_TUNNEL);
	assert_int_equal(kernel_child_install(k, &c), 0);
	assert_int_equal(kernel_fake_ncalls(k), sizeof(order));
	for (size_t i = 0; i < sizeof(order); i++)
		assert_int_equal(kernel_fake_call(k, i)->op, order[i]);
	assert_int_equal(kernel_fake_call(k, 1)->sa.spi, 0xc0000b01); /* inbound first */
	assert_int_equal(kernel_fake_call(k, 3)->pol.dir, KERNEL_DIR_IN);
	assert_int_equal(kernel_fake_call(k, 5)->pol.dir, KERNEL_DIR_OUT); /* out last */
	assert_int_equal(kernel_fake_sa_count(k), 2);
	assert_int_equal(kernel_fake_policy_count(k), 3);
	p = find_pol(k, "10.1.0.0", 24, "10.2.0.0", 24, KERNEL_DIR_OUT, 0, 80, IPPROTO_TCP);
	assert_non_null(p);
	assert_true(addr_is(&p->tmpl_src, "192.0.2.1") && addr_is(&p->tmpl_dst, "192.0.2.2"));
	assert_int_equal(p->reqid, c.out.reqid);
	assert_int_equal(p->mode, KERNEL_MODE_TUNNEL);
	p = find_pol(k, "10.2.0.0", 24, "10.1.0.0", 24, KERNEL_DIR_IN, 80, 0, IPPROTO_TCP);
	assert_non_null(p);
	assert_true(addr_is(&p->tmpl_src, "192.0.2.2") && addr_is(&p->tmpl_dst, "192.0.2.1"));
	assert_non_null(find_pol(k, "10.2.0.0", 24, "10.1.0.0", 24, KERNEL_DIR_FWD, 80, 0, 6));
	/* a rekey: new SAs, policies untouched */
	kernel_fake_clear_calls(k);
	c.out.spi = 0xc0000a02;
	c.in.spi = 0xc0000b02;
	c.sas_only = true;
	assert_int_equal(kernel_child_install(k, &c), 0);
	assert_int_equal(kernel_fake_count(k, KF_SA_ADD), 2);
	assert_int_equal(kernel_fake_count(k, KF_POLICY_ADD), 0);
	assert_int_equal(kernel_fake_sa_count(k), 4);
	/* the old SAs go, the policies stay */
	c.out.spi = 0xc0000a01;
	c.in.spi = 0xc0000b01;
	assert_int_equal(kernel_child_remove(k, &c, true), 0);
	assert_int_equal(kernel_fake_sa_count(k), 2);
	assert_int_equal(kernel_fake_policy_count(k), 3);
	/* all of it; a second time finds nothing and is no error */
	c.out.spi = 0xc0000a02;
	c.in.spi = 0xc0000b02;
	assert_int_equal(kernel_child_remove(k, &c, false), 0);
	assert_int_equal(kernel_fake_sa_count(k), 0);
	assert_int_equal(kernel_fake_policy_count(k), 0);
	assert_int_equal(kernel_child_remove(k, &c, false), 0);
	kernel_close(k);
}

static void test_child_transport_allocated(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_child c;

	child_of(k, &c, KERNEL_MODE_TRANSPORT);
	c.in.spi = 0;
	assert_int_equal(kernel_spi_alloc(k, &c.in), 0);
	c.in_allocated = true;
	assert_int_equal(kernel_child_install(k, &c), 0);
	assert_int_equal(kernel_fake_count(k, KF_SA_UPDATE), 1);
	assert_int_equal(kernel_fake_larval_count(k), 0);
	assert_int_equal(kernel_fake_policy_count(k), 2); /* no fwd in transport mode */
	assert_non_null(find_pol(k, "192.0.2.1", 32, "192.0.2.2", 32, KERNEL_DIR_OUT, 0, 0, 0));
	assert_non_null(find_pol(k, "192.0.2.2", 32, "192.0.2.1", 32, KERNEL_DIR_IN, 0, 0, 0));
	assert_int_equal(kernel_fake_last(k, KF_POLICY_ADD)->pol.tmpl_src.family, 0);
	kernel_close(k);
}

static void test_child_rollback(void **state)
{
	struct kernel *k = open_fake();
	struct kernel_child c;
	struct kernel_sa other;
	struct kernel_sa_id id;

	/* the fwd policy fails: nothing of the child stays */
	child_of(k, &c, KERNEL_MODE_TUNNEL);
	kernel_fake_fail(k, KF_POLICY_ADD, 1, -ENOBUFS, "no room");
	assert_int_equal(kernel_child_install(k, &c), -ENOBUFS);
	assert_string_equal(kernel_last_error(k)->msg, "no room");
	assert_non_null(strstr(kernel_last_error(k)->what, "policy fwd"));
	assert_int_equal(kernel_fake_sa_count(k), 0);
	assert_int_equal(kernel_fake_policy_count(k), 0);
	/* the outbound SPI is taken: the SA that holds it is not touched */
	gcm_sa(k, &other, 0xc0000a01);
	assert_int_equal(kernel_sa_add(k, &other), 0);
	assert_int_equal(kernel_child_install(k, &c), -EEXIST);
	assert_int_equal(kernel_fake_sa_count(k), 1);
	assert_int_equal(kernel_fake_policy_count(k), 0);
	kernel_sa_id_of(&other, &id);
	assert_non_null(kernel_fake_sa_find(k, &id));
	/* another daemon's policy with the same selector is not replaced */
	kernel_sa_del(k, &id);
	{
		struct kernel_policy foreign;
		const struct kernel_policy *p;

		memset(&foreign, 0, sizeof(foreign));
		foreign.sel = c.sel;
		foreign.dir = KERNEL_DIR_OUT;
		foreign.proto = IPPROTO_ESP;
		foreign.reqid = 7;
		assert_int_equal(kernel_fake_add_foreign_policy(k, &foreign), 0);
		assert_int_equal(kernel_child_install(k, &c), -EEXIST);
		assert_int_equal(kernel_fake_sa_count(k), 0);
		assert_int_equal(kernel_fake_policy_count(k), 1);
		p = find_pol(k, "10.1.0.0", 24, "10.2.0.0", 24, KERNEL_DIR_OUT, 0, 80, IPPROTO_TCP);
		assert_non_null(p);
		assert_int_equal(p->reqid, 7);
	}
	/* a bad part is refused before anything is queued */
	kernel_fake_clear_calls(k);
	c.out.spi = 0xc0000a09;
	c.in.enc_key_len = 3;
	assert_int_equal(kernel_child_install(k, &c), -EINVAL);
	assert_int_equal(kernel_fake_ncalls(k), 0);
	/* inside an open batch the parts are queued and nothing is rolled back:
	 * the out policy collides with the foreign one, the SAs stay */
	child_of(k, &c, KERNEL_MODE_TUNNEL);
	c.out.spi = 0xc0000a09;
	assert_int_equal(kernel_batch_begin(k), 0);
	assert_int_equal(kernel_child_install(k, &c), 0);
	assert_int_equal(kernel_batch_commit(k, NULL, NULL), -EEXIST);
	assert_int_equal(kernel_fake_sa_count(k), 2); /* queued parts stay: the caller's call */
	kernel_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alg_table),	   cmocka_unit_test(test_reqid_range),
	    cmocka_unit_test(test_sa_checks),	   cmocka_unit_test(test_spi_alloc_update),
	    cmocka_unit_test(test_fail_injection), cmocka_unit_test(test_policies),
	    cmocka_unit_test(test_priority),	   cmocka_unit_test(test_batch),
	    cmocka_unit_test(test_events),	   cmocka_unit_test(test_counters_and_stat),
	    cmocka_unit_test(test_stat_parse),	   cmocka_unit_test(test_flush_own),
	    cmocka_unit_test(test_iface),	   cmocka_unit_test(test_hthresh),
	    cmocka_unit_test(test_child_tunnel),   cmocka_unit_test(test_child_transport_allocated),
	    cmocka_unit_test(test_child_rollback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
