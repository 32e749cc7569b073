/* SPDX-License-Identifier: ISC */
/*
 * Two IKEv2 engines in one process over a fake network: a queue of
 * datagrams that a test steps one at a time, drops, duplicates, reorders or
 * corrupts, an optional NAT that rewrites one side's source address, a
 * manual clock, and a recording CHILD_SA sink per side.
 */
#ifndef IKESH_TESTS_FAKENET_H
#define IKESH_TESTS_FAKENET_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ikev2.h"

#define FN_QMAX 64
/* A fuzzer, which sets up sides for every input, wants them smaller. */
#ifndef FN_SINKMAX
#define FN_SINKMAX 512
#endif
#ifndef FN_LOGMAX
#define FN_LOGMAX (1 << 20)
#endif

struct fn_dgram {
	struct ike_addr src, dst;
	uint8_t *buf;
	size_t len;
};

struct fn_side {
	const char *label;
	struct ike_engine *e;
	struct ike_addr addr;
	/* recording sink */
	struct ike_child_sa installed[FN_SINKMAX];
	size_t n_installed;
	struct ike_child_sa deleted[FN_SINKMAX];
	size_t n_deleted;
	struct ike_child_sa updated[FN_SINKMAX]; /* moved to a new NAT mapping */
	size_t n_updated;
	int fail_install; /* next install fails with this */
	/* status */
	enum ike_tunnel_state state;
	char reason[256];
	unsigned n_status;
	char log[FN_LOGMAX];
	size_t loglen;
	unsigned sent;	     /* datagrams this side sent */
	unsigned connecting; /* (re)connects announced */
};

static struct {
	struct fn_dgram q[FN_QMAX];
	size_t n;
	uint64_t now;
	struct fn_side *side[2];
	bool nat; /* rewrite side[0]'s source to nat_addr */
	struct ike_addr nat_addr;
	bool blackhole[2]; /* drop everything sent to side i */
} fn;

static inline void fn_addr(struct ike_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (strchr(ip, ':')) {
		a->family = AF_INET6;
		inet_pton(AF_INET6, ip, a->addr);
	} else {
		a->family = AF_INET;
		inet_pton(AF_INET, ip, a->addr);
	}
	a->port = port;
}

static inline bool fn_ip_eq(const struct ike_addr *a, const struct ike_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4) == 0;
}

static inline bool fn_addr_eq(const struct ike_addr *a, const struct ike_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4) == 0;
}

static int fn_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		   const uint8_t *buf, size_t len)
{
	struct fn_side *s = ctx;
	struct fn_dgram *d;

	s->sent++;
	if (fn.n == FN_QMAX)
		return -ENOBUFS;
	d = &fn.q[fn.n++];
	d->src = *src;
	d->dst = *dst;
	if (fn.nat && s == fn.side[0]) {
		/* one mapping for port 500 (nat_addr), the next port for 4500 */
		d->src = fn.nat_addr;
		if (src->port != 500)
			d->src.port = (uint16_t)(fn.nat_addr.port + 1);
	}
	d->buf = malloc(len);
	memcpy(d->buf, buf, len);
	d->len = len;
	return 0;
}

static int fn_install(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct fn_side *s = ctx;

	if (s->fail_install) {
		int r = s->fail_install;

		s->fail_install = 0;
		return r;
	}
	if (s->n_installed < FN_SINKMAX)
		s->installed[s->n_installed++] = *c;
	return 0;
}

static void fn_delete(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct fn_side *s = ctx;

	if (s->n_deleted < FN_SINKMAX)
		s->deleted[s->n_deleted++] = *c;
}

static int fn_update(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct fn_side *s = ctx;

	if (s->n_updated < FN_SINKMAX)
		s->updated[s->n_updated++] = *c;
	return 0;
}

static uint64_t fn_now(void *ctx)
{
	return fn.now;
}

static void fn_log(void *ctx, enum ike_log_level lvl, const char *msg)
{
	struct fn_side *s = ctx;
	int n = snprintf(s->log + s->loglen, sizeof(s->log) - s->loglen, "%s\n", msg);

	if (n > 0 && s->loglen + (size_t)n < sizeof(s->log))
		s->loglen += (size_t)n;
}

static void fn_status(void *ctx, const char *tunnel, enum ike_tunnel_state st, const char *reason)
{
	struct fn_side *s = ctx;

	s->state = st;
	s->n_status++;
	snprintf(s->reason, sizeof(s->reason), "%s", reason ? reason : "");
}

static void fn_connecting(void *ctx, const char *tunnel)
{
	struct fn_side *s = ctx;

	s->connecting++;
}

static inline void fn_side_init(struct fn_side *s, const char *label, const char *ip,
				const struct ike_opts *opts)
{
	struct ike_env env = {
	    .ctx = s,
	    .send = fn_send,
	    .child_install = fn_install,
	    .child_delete = fn_delete,
	    .child_update = fn_update,
	    .now_ms = fn_now,
	    .log = fn_log,
	    .status = fn_status,
	    .connecting = fn_connecting,
	};

	memset(s, 0, sizeof(*s));
	s->label = label;
	s->state = IKE_TUN_DOWN;
	fn_addr(&s->addr, ip, 500);
	if (ike_engine_new(&env, opts, &s->e) != 0)
		abort();
}

static inline void fn_reset(struct fn_side *a, struct fn_side *b)
{
	for (size_t i = 0; i < fn.n; i++)
		free(fn.q[i].buf);
	memset(&fn, 0, sizeof(fn));
	fn.now = 1000000;
	fn.side[0] = a;
	fn.side[1] = b;
}

static inline void fn_pop(size_t i)
{
	free(fn.q[i].buf);
	memmove(&fn.q[i], &fn.q[i + 1], (fn.n - i - 1) * sizeof(fn.q[0]));
	fn.n--;
}

/* Deliver the first queued datagram; false when the queue is empty. */
static inline bool fn_step(void)
{
	struct fn_dgram d;

	if (fn.n == 0)
		return false;
	d = fn.q[0];
	memmove(&fn.q[0], &fn.q[1], (fn.n - 1) * sizeof(fn.q[0]));
	fn.n--;
	for (int i = 0; i < 2; i++) {
		struct fn_side *s = fn.side[i];
		struct ike_addr dst = d.dst;

		if (i == 0 && fn.nat && fn_ip_eq(&dst, &fn.nat_addr)) {
			/* the NAT maps the reply back to the port it came from */
			dst = s->addr;
			dst.port = d.dst.port == fn.nat_addr.port ? 500 : 4500;
		}
		if (!fn_ip_eq(&dst, &s->addr))
			continue;
		if (!fn.blackhole[i]) {
			/* an exact-size heap copy, so ASan sees any over-read */
			uint8_t *copy = malloc(d.len ? d.len : 1);

			memcpy(copy, d.buf, d.len);
			ike_input(s->e, &d.src, &dst, copy, d.len);
			free(copy);
		}
		break;
	}
	free(d.buf);
	return true;
}

static inline unsigned fn_run(void)
{
	unsigned n = 0;

	while (fn_step() && n < 1000)
		n++;
	return n;
}

static inline void fn_drop(void)
{
	if (fn.n)
		fn_pop(0);
}

static inline void fn_dup(void)
{
	struct fn_dgram *d;

	if (fn.n == 0 || fn.n == FN_QMAX)
		return;
	memmove(&fn.q[1], &fn.q[0], fn.n * sizeof(fn.q[0]));
	fn.n++;
	d = &fn.q[0];
	d->buf = malloc(fn.q[1].len);
	memcpy(d->buf, fn.q[1].buf, fn.q[1].len);
}

static inline void fn_swap(void)
{
	struct fn_dgram t;

	if (fn.n < 2)
		return;
	t = fn.q[0];
	fn.q[0] = fn.q[1];
	fn.q[1] = t;
}

/* Move the clock and run both engines' timers. */
static inline void fn_advance(uint64_t ms)
{
	fn.now += ms;
	ike_tick(fn.side[0]->e);
	ike_tick(fn.side[1]->e);
}

/* Step time to the next timer of either engine, up to limit ms; false if none. */
static inline bool fn_next_timer(uint64_t limit)
{
	uint64_t t0 = ike_next_timeout(fn.side[0]->e), t1 = ike_next_timeout(fn.side[1]->e);
	uint64_t t = t0 < t1 ? t0 : t1;

	if (t == UINT64_MAX || t > fn.now + limit)
		return false;
	if (t > fn.now)
		fn.now = t;
	ike_tick(fn.side[0]->e);
	ike_tick(fn.side[1]->e);
	return true;
}

static inline void fn_side_free(struct fn_side *s)
{
	ike_engine_free(s->e);
	s->e = NULL;
}

#endif
