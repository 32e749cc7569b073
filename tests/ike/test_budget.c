/* SPDX-License-Identifier: ISC */
/*
 * What unauthenticated peers may cost a responder: half-open SAs counted
 * per address and per prefix (only cookie-proven requests against a
 * peer's share), a global cap, a bound on IKE_SA_INIT's size, one copy of
 * the response, COOKIE secret rotation with an overlap, and rate-limited
 * stateless replies. "a" initiates from the addresses the fake NAT gives
 * it; "b" takes any peer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakenet.h"
#include "ike_sa.h"

static struct fn_side A, B;
static struct ike_peer_conf CA, CB;

static void subnet(struct ike_subnet *s, const char *ip, uint8_t plen)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = plen;
}

static void conf(struct ike_peer_conf *c, const char *name, const char *l, const char *r,
		 const char *ln, const char *rn)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, l, 500);
	if (r)
		fn_addr(&c->remote, r, 500);
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
					   .encr_bits = {256},
					   .n_encr = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_CURVE25519},
					   .n_dh = 1};
	c->child =
	    (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16}, .encr_bits = {256}, .n_encr = 1};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, "budget-test-psk", 15);
	c->psk_len = 15;
	subnet(&c->local_net[0], ln, 24);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rn, 24);
	c->n_remote_net = 1;
}

static void start(const struct ike_opts *ob, const char *ip_a, const char *ip_b)
{
	fn_reset(&A, &B); /* the clock first: b's COOKIE secret is dated from it */
	fn_side_init(&A, "a", ip_a, NULL);
	fn_side_init(&B, "b", ip_b, ob);
	conf(&CA, "to-b", ip_a, ip_b, "10.1.0.0", "10.2.0.0");
	conf(&CB, "any", ip_b, NULL, "10.2.0.0", "10.1.0.0"); /* any peer */
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
}

static int teardown(void **state)
{
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	return 0;
}

static void drain(void)
{
	while (fn.n)
		fn_drop();
}

/* a's IKE_SA_INIT request for tunnel name, as it would go out (not sent). */
static size_t capture_init(const char *name, uint8_t *buf, size_t cap)
{
	size_t n;

	assert_int_equal(ike_initiate(A.e, name), 0);
	assert_true(fn.n > 0);
	n = fn.q[0].len;
	assert_true(n <= cap);
	memcpy(buf, fn.q[0].buf, n);
	drain();
	return n;
}

/* Send buf to b from src with a fresh SPIi; b's answers are dropped. */
static void spoof(const uint8_t *buf, size_t len, const struct ike_addr *src, uint32_t seq)
{
	uint8_t *copy = malloc(len);

	memcpy(copy, buf, len);
	memcpy(copy, &seq, sizeof(seq));
	ike_input(B.e, src, &B.addr, copy, len);
	free(copy);
	drain();
}

/*
 * a starts tunnel name from address src (the fake NAT): the request, b's
 * COOKIE if any, the request with the COOKIE; b's answer to that is lost.
 */
static void init_from(const char *name, const char *src)
{
	struct ike_peer_conf c = CA;

	snprintf(c.name, sizeof(c.name), "%s", name);
	assert_int_equal(ike_conf_set(A.e, &c), 0);
	fn.nat = true;
	fn_addr(&fn.nat_addr, src, 500);
	assert_int_equal(ike_initiate(A.e, name), 0);
	for (int i = 0; i < 3 && fn.n; i++)
		fn_step();
	drain();
}

/* Insert a Vendor ID payload of vlen bytes first, to make an IKE_SA_INIT longer. */
static size_t pad_init(uint8_t *buf, size_t len, size_t cap, size_t vlen)
{
	size_t plen = 4 + vlen, total = len + plen;

	assert_true(total <= cap);
	memmove(buf + 28 + plen, buf + 28, len - 28);
	buf[28] = buf[16]; /* the old first payload follows */
	buf[29] = 0;
	buf[30] = (uint8_t)(plen >> 8);
	buf[31] = (uint8_t)plen;
	memset(buf + 32, 0x5a, vlen);
	buf[16] = IKE_PLD_VENDOR;
	buf[24] = (uint8_t)(total >> 24);
	buf[25] = (uint8_t)(total >> 16);
	buf[26] = (uint8_t)(total >> 8);
	buf[27] = (uint8_t)total;
	return total;
}

/*
 * Five spoofed requests with a peer's address used to lock the peer out
 * (the per-address limit counted them). Now they only make b ask for a
 * COOKIE, which the real peer echoes: it connects.
 */
static void test_spoofed_peer_connects(void **state)
{
	const struct ike_stats *sb;
	struct ike_addr from_a;
	uint8_t init[2048];
	size_t len;

	start(NULL, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	len = capture_init("to-b", init, sizeof(init));
	assert_int_equal(ike_conf_remove(A.e, "to-b"), 0);
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	fn_addr(&from_a, "192.0.2.1", 500);
	for (uint32_t i = 0; i < 20; i++)
		spoof(init, len, &from_a, i + 1);
	assert_int_equal(ike_half_open(B.e), 5);
	assert_int_equal(ike_pfx_find(B.e, &from_a, true)->unproven, 5);
	assert_int_equal(sb->drop_half_open, 0);
	assert_int_equal(sb->cookies_sent, 15);

	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(sb->cookies_sent, 16);
	assert_int_equal(sb->cookies_accepted, 1);
	assert_int_equal(sb->drop_half_open, 0);
	/* established, it no longer counts as half open */
	assert_int_equal(ike_half_open(B.e), 5);
	assert_int_equal(ike_pfx_find(B.e, &from_a, true)->proven, 0);
	/* the spoofed ones time out and their counts go */
	fn_advance(30000);
	assert_int_equal(ike_half_open(B.e), 0);
	assert_null(ike_pfx_find(B.e, &from_a, true));
	assert_null(ike_pfx_find(B.e, &from_a, false));
}

/* Cookie-proven requests: 5 per /32 (the default), 50 per /24 (set here). */
static void test_proven_share_ipv4(void **state)
{
	struct ike_opts o;
	const struct ike_stats *sb;
	char name[16], ip[32];

	ike_opts_default(&o);
	o.half_open_cookie = 0;	     /* every request must echo a COOKIE */
	o.reply_rate_per_prefix = 0; /* and gets one at once */
	o.half_open_per_prefix = 50;
	start(&o, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	/* one address: the sixth proven request is refused */
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		init_from(name, "198.51.100.1");
	}
	assert_int_equal(sb->cookies_accepted, 6);
	assert_int_equal(ike_half_open(B.e), 5);
	assert_int_equal(sb->drop_half_open, 1);
	/* more addresses of the /24: 50 in all */
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(ip, sizeof(ip), "198.51.100.%d", 10 + i);
		init_from(name, ip);
	}
	assert_int_equal(ike_half_open(B.e), 50);
	assert_int_equal(sb->drop_half_open_prefix, 5);
	/* another /24 still gets in */
	init_from("other", "203.0.113.9");
	assert_int_equal(ike_half_open(B.e), 51);
}

/* The same for IPv6: /128 and /64. */
static void test_proven_share_ipv6(void **state)
{
	struct ike_opts o;
	const struct ike_stats *sb;
	struct ike_addr p;
	char name[16], ip[64];

	ike_opts_default(&o);
	o.half_open_cookie = 0;
	o.reply_rate_per_prefix = 0;
	o.half_open_per_prefix = 8;
	start(&o, "2001:db8::1", "2001:db8::2");
	sb = ike_engine_stats(B.e);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		init_from(name, "2001:db8:1:2::77");
	}
	assert_int_equal(ike_half_open(B.e), 5);
	assert_int_equal(sb->drop_half_open, 1);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(ip, sizeof(ip), "2001:db8:1:2:%x::1", 0x100 + i);
		init_from(name, ip);
	}
	assert_int_equal(ike_half_open(B.e), 8);
	assert_int_equal(sb->drop_half_open_prefix, 7);
	fn_addr(&p, "2001:db8:1:2:ffff::", 0);
	assert_int_equal(ike_pfx_find(B.e, &p, false)->proven, 8);
	assert_int_equal(ike_pfx_find(B.e, &p, false)->plen, 64);
	init_from("other", "2001:db8:1:3::1"); /* the next /64 */
	assert_int_equal(ike_half_open(B.e), 9);
}

/*
 * All half-open SAs: past half_open_max an unproven request is sent a
 * COOKIE, and a proven one takes the place of the oldest half-open SA.
 */
static void test_global_cap(void **state)
{
	struct ike_opts o;
	const struct ike_stats *sb;
	struct ike_addr first;
	uint8_t init[2048];
	size_t len;

	ike_opts_default(&o);
	o.half_open_max = 40;
	o.half_open_cookie = 1000;
	o.half_open_per_peer = 1000;
	o.half_open_per_prefix = 1000;
	o.reply_rate_per_prefix = 0;
	start(&o, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	len = capture_init("to-b", init, sizeof(init));
	for (uint32_t i = 0; i < 100; i++) {
		struct ike_addr src;

		fn_addr(&src, "198.18.0.0", 500);
		src.addr[3] = (uint8_t)i;
		spoof(init, len, &src, i + 1);
	}
	assert_int_equal(ike_half_open(B.e), 40);
	assert_int_equal(sb->cookies_sent, 60);
	assert_int_equal(B.sent, 100);
	assert_int_equal(sb->half_open_evicted, 0);
	/* a proven request: the oldest (from 198.18.0.0) goes, the count stays */
	fn_addr(&first, "198.18.0.0", 500);
	assert_int_equal(ike_pfx_find(B.e, &first, true)->unproven, 1);
	init_from("proven", "203.0.113.9");
	assert_int_equal(sb->cookies_accepted, 1);
	assert_int_equal(sb->half_open_evicted, 1);
	assert_int_equal(ike_half_open(B.e), 40);
	assert_null(ike_pfx_find(B.e, &first, true));
	assert_non_null(ike_pfx_find(B.e, &fn.nat_addr, true));
	assert_int_equal(ike_pfx_find(B.e, &fn.nat_addr, true)->proven, 1);
}

/*
 * IKE_SA_INIT up to init_max_len bytes is taken, longer is dropped before
 * parsing; a half-open SA keeps the request (its AUTH signs it) and one
 * copy of the response, nothing else.
 */
static void test_init_size(void **state)
{
	const struct ike_stats *sb;
	struct ike_addr src;
	uint8_t init[8192], orig[2048];
	struct ike_sa *sa;
	size_t len, big;

	start(NULL, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	len = capture_init("to-b", orig, sizeof(orig));
	memcpy(init, orig, len);
	big = pad_init(init, len, sizeof(init), 4096 - len - 4);
	assert_int_equal(big, 4096);
	fn_addr(&src, "198.18.0.1", 500);
	spoof(init, big, &src, 1);
	assert_int_equal(ike_half_open(B.e), 1);
	sa = B.e->sas;
	assert_int_equal(sa->state, IKE_SA_HALF_OPEN);
	assert_int_equal(sa->init_req_len, 4096);
	assert_non_null(sa->init_resp);
	assert_null(sa->resp.buf);
	assert_false(sa->resp.valid);
	assert_true(sa->init_resp_len < 1024);
	/* the same request again is a retransmission: answered from the one copy */
	{
		uint8_t *copy = malloc(big);
		uint32_t seq = 1;

		memcpy(copy, init, big);
		memcpy(copy, &seq, sizeof(seq));
		ike_input(B.e, &src, &B.addr, copy, big);
		free(copy);
		assert_int_equal(fn.n, 1);
		assert_int_equal(fn.q[0].len, sa->init_resp_len);
		assert_memory_equal(fn.q[0].buf, sa->init_resp, sa->init_resp_len);
		assert_int_equal(sb->resp_from_cache, 1);
		drain();
	}
	/* one byte more is refused, and nothing is sent */
	memcpy(init, orig, len);
	big = pad_init(init, len, sizeof(init), 4097 - len - 4);
	assert_int_equal(big, 4097);
	fn_addr(&src, "198.18.0.2", 500);
	spoof(init, big, &src, 2);
	assert_int_equal(sb->drop_too_long, 1);
	assert_int_equal(ike_half_open(B.e), 1);
	assert_int_equal(B.sent, 2);
}

/* b takes the very request a sent with its COOKIE, at time at (ms from b's start). */
static void resend(const uint8_t *msg, size_t len, uint64_t at)
{
	struct ike_addr src;
	uint8_t *copy = malloc(len);

	fn.now = 1000000 + at;
	fn_addr(&src, "198.51.100.1", 500);
	memcpy(copy, msg, len);
	ike_input(B.e, &src, &B.addr, copy, len);
	free(copy);
	drain();
	/* its half-open SA goes (1 s), so that the same SPIi is new again */
	fn_advance(1000);
	assert_int_equal(ike_half_open(B.e), 0);
}

/*
 * The COOKIE secret changes every cookie_rotate_ms (60 s); a COOKIE of the
 * previous secret is taken for cookie_overlap_ms (10 s) after the change,
 * not later.
 */
static void test_cookie_rotation(void **state)
{
	struct ike_opts o;
	const struct ike_stats *sb;
	uint8_t msg[2048];
	size_t len;

	ike_opts_default(&o);
	o.half_open_cookie = 0;
	o.half_open_timeout_ms = 1000;
	start(&o, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	fn.nat = true;
	fn_addr(&fn.nat_addr, "198.51.100.1", 500);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_step(); /* to b: COOKIE */
	fn_step(); /* to a: it starts over with the COOKIE */
	len = fn.q[0].len;
	memcpy(msg, fn.q[0].buf, len);
	drain();
	resend(msg, len, 0);
	assert_int_equal(sb->cookies_accepted, 1);
	resend(msg, len, 59999);
	assert_int_equal(sb->cookies_accepted, 2);
	assert_int_equal(sb->cookie_rotations, 0);
	/* 5 s after the change: the previous secret still counts */
	resend(msg, len, 65000);
	assert_int_equal(sb->cookie_rotations, 1);
	assert_int_equal(sb->cookies_accepted, 3);
	/* 10 s after it: no longer, a new COOKIE is sent */
	fn.now = 1000000 + 70000;
	{
		struct ike_addr src;
		uint8_t *copy = malloc(len);

		fn_addr(&src, "198.51.100.1", 500);
		memcpy(copy, msg, len);
		ike_input(B.e, &src, &B.addr, copy, len);
		free(copy);
	}
	assert_int_equal(sb->cookies_accepted, 3);
	assert_int_equal(ike_half_open(B.e), 0);
	assert_int_equal(fn.n, 1);
	assert_int_equal(sb->cookies_sent, 2);
	drain();
}

/*
 * Stateless replies are rate limited: a flood from one /24 gets 50 a
 * second (set here; 500 by default), another prefix is still answered.
 */
static void test_reply_rate(void **state)
{
	struct ike_opts o;
	const struct ike_stats *sb;
	uint8_t init[2048];
	struct ike_addr src;
	unsigned sent;
	size_t len;

	ike_opts_default(&o);
	o.half_open_cookie = 0;
	o.reply_rate_per_prefix = 50;
	start(&o, "192.0.2.1", "192.0.2.2");
	sb = ike_engine_stats(B.e);
	len = capture_init("to-b", init, sizeof(init));
	for (uint32_t i = 0; i < 500; i++) {
		fn_addr(&src, "198.18.7.0", 500);
		src.addr[3] = (uint8_t)i;
		spoof(init, len, &src, i + 1);
	}
	assert_int_equal(sb->cookies_sent, 50);
	assert_int_equal(sb->drop_reply_rate, 450);
	assert_int_equal(B.sent, 50);
	/* a second later the bucket holds 50 again */
	fn.now += 1000;
	for (uint32_t i = 0; i < 100; i++) {
		fn_addr(&src, "198.18.7.1", 500);
		spoof(init, len, &src, 1000 + i);
	}
	assert_int_equal(sb->cookies_sent, 100);
	/* a legitimate peer elsewhere gets its COOKIE and connects */
	sent = B.sent;
	init_from("legit", "203.0.113.5");
	assert_true(B.sent >= sent + 2);
	assert_int_equal(sb->cookies_accepted, 1);
	assert_int_equal(ike_half_open(B.e), 1);
}

/*
 * A tick looks only at the SAs that are due (a timer heap), not at every
 * SA, and at the tunnels only when one is to (re)initiate: with 300 auto
 * tunnels up and nothing due, a tick looks at nothing; when one SA's
 * rekey comes, at that one.
 */
static void test_tick_scales(void **state)
{
	char name[16];
	unsigned sent;
	uint64_t v;

	start(NULL, "192.0.2.1", "192.0.2.2");
	for (int i = 0; i < 300; i++) {
		struct ike_peer_conf c = CA;

		snprintf(name, sizeof(name), "t%d", i);
		snprintf(c.name, sizeof(c.name), "%s", name);
		c.ike_lifetime_s = 3600 + (uint32_t)i * 60; /* rekeys spread out */
		c.start = IKE_START_AUTO; /* tunnels that would be restarted, too */
		assert_int_equal(ike_conf_set(A.e, &c), 0);
		assert_int_equal(ike_initiate(A.e, name), 0);
		fn_run();
		assert_int_equal(A.state, IKE_TUN_UP);
	}
	assert_int_equal(ike_engine_stats(B.e)->ike_established, 300);
	/* every established SA has a timer (its expiry at least) */
	assert_int_equal(A.e->heap_n, 300);
	fn_advance(1000); /* the tunnels' first scan: each has its IKE SA */
	assert_int_equal(fn.n, 0);
	v = A.e->tick_visits;
	fn_advance(1000);
	fn_advance(1000);
	assert_int_equal(A.e->tick_visits, v);
	/* the first rekey due makes one visit, not 300, and sends one request */
	fn.now = ike_next_timeout(A.e);
	sent = A.sent;
	ike_tick(A.e);
	assert_int_equal(A.e->tick_visits, v + 1);
	assert_int_equal(A.sent, sent + 1);
	assert_int_equal(fn.n, 1);
	drain();
}

/* Our IKE SAs being set up right now, counted from the SAs themselves. */
static unsigned setting_up(const struct ike_engine *e)
{
	unsigned n = 0;

	for (const struct ike_sa *sa = e->sas; sa; sa = sa->next)
		n += sa->initiator &&
		     (sa->state == IKE_SA_INIT_SENT || sa->state == IKE_SA_AUTH_SENT);
	return n;
}

/*
 * Initiation is paced: 200 auto tunnels do not all send IKE_SA_INIT at
 * once (the network holds 64 datagrams: it would drop most of them), at
 * most IKE_PACE_MAX are being set up at any moment, and all come up with
 * no retransmission.  (The responder's budgets per peer are raised: here
 * every tunnel has the same peer address.)
 */
static void test_init_paced(void **state)
{
	const unsigned n = 200;
	unsigned most = 0;
	struct ike_opts ob;
	char name[16];

	ike_opts_default(&ob);
	ob.half_open_per_peer = ob.half_open_per_prefix = 1000;
	ob.half_open_cookie = 1000;
	start(&ob, "192.0.2.1", "192.0.2.2");
	for (unsigned i = 0; i < n; i++) {
		struct ike_peer_conf c = CA;

		snprintf(name, sizeof(name), "p%u", i);
		snprintf(c.name, sizeof(c.name), "%s", name);
		c.start = IKE_START_AUTO;
		assert_int_equal(ike_conf_set(A.e, &c), 0);
	}
	for (int round = 0; round < 20000 && ike_engine_stats(A.e)->ike_established < n; round++) {
		fn_advance(1);
		do {
			unsigned now = setting_up(A.e);

			if (now > most)
				most = now;
		} while (fn_step());
	}
	assert_int_equal(ike_engine_stats(A.e)->ike_established, n);
	assert_int_equal(ike_engine_stats(B.e)->ike_established, n);
	assert_true(most >= IKE_PACE_START);
	assert_true(most <= IKE_PACE_MAX);
	assert_int_equal(ike_engine_stats(A.e)->retransmits, 0);
	assert_int_equal(setting_up(A.e), 0);
	assert_int_equal(A.e->pace_inflight, 0);
}

/* A responder that pushes back (COOKIEs past its budget for one peer):
 * the window shrinks, and every tunnel still comes up. */
static void test_init_paced_cookies(void **state)
{
	const unsigned n = 100;
	unsigned least = IKE_PACE_MAX;
	char name[16];

	start(NULL, "192.0.2.1", "192.0.2.2");
	for (unsigned i = 0; i < n; i++) {
		struct ike_peer_conf c = CA;

		snprintf(name, sizeof(name), "c%u", i);
		snprintf(c.name, sizeof(c.name), "%s", name);
		c.start = IKE_START_AUTO;
		assert_int_equal(ike_conf_set(A.e, &c), 0);
	}
	for (int round = 0; round < 200000 && ike_engine_stats(A.e)->ike_established < n; round++) {
		fn_advance(1);
		while (fn_step())
			;
		if (A.e->pace_window && A.e->pace_window < least)
			least = A.e->pace_window;
		assert_true(setting_up(A.e) <= IKE_PACE_MAX);
	}
	assert_int_equal(ike_engine_stats(A.e)->ike_established, n);
	assert_true(ike_engine_stats(B.e)->cookies_sent > 0);
	assert_true(least < IKE_PACE_START);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_spoofed_peer_connects, teardown),
	    cmocka_unit_test_teardown(test_proven_share_ipv4, teardown),
	    cmocka_unit_test_teardown(test_proven_share_ipv6, teardown),
	    cmocka_unit_test_teardown(test_global_cap, teardown),
	    cmocka_unit_test_teardown(test_init_size, teardown),
	    cmocka_unit_test_teardown(test_cookie_rotation, teardown),
	    cmocka_unit_test_teardown(test_reply_rate, teardown),
	    cmocka_unit_test_teardown(test_tick_scales, teardown),
	    cmocka_unit_test_teardown(test_init_paced, teardown),
	    cmocka_unit_test_teardown(test_init_paced_cookies, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
