/* SPDX-License-Identifier: ISC */
/*
 * The IKE sockets over loopback: addresses in and out, the NAT-T marker,
 * and datagrams that are not IKE.  A plain UDP socket plays the peer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ike_sock.h"

struct fixture {
	struct ike_sock s;
	int family;
	int peer; /* plain UDP socket of the peer */
	struct sockaddr_storage peer_addr;
	uint8_t buf[IKE_SOCK_MAX_DGRAM];
};

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static void loopback(struct sockaddr_storage *ss, int family, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(port);
	}
}

static uint16_t ss_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static int setup_family(void **state, int family)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ike_sock_cfg cfg = {0};
	socklen_t len;
	int ret = -EADDRINUSE;

	f->family = family;
	/* Ports above the ephemeral range's usual start, tried until a free pair. */
	for (unsigned i = 0; i < 200 && ret == -EADDRINUSE; i++) {
		uint16_t base = (uint16_t)(20000 + ((unsigned)getpid() * 7 + i * 2) % 9000);

		cfg.port = base;
		cfg.natt_port = base + 1;
		loopback(&cfg.bind_addr, family, 0);
		ret = ike_sock_open(&f->s, &cfg);
	}
	if (ret == -EADDRNOTAVAIL && family == AF_INET6) {
		free(f);
		return -1; /* no ::1 here */
	}
	assert_int_equal(ret, 0);
	f->peer = socket(family, SOCK_DGRAM, 0);
	assert_true(f->peer >= 0);
	loopback(&f->peer_addr, family, 0);
	assert_int_equal(bind(f->peer, (struct sockaddr *)&f->peer_addr, ss_len(&f->peer_addr)), 0);
	len = sizeof(f->peer_addr);
	assert_int_equal(getsockname(f->peer, (struct sockaddr *)&f->peer_addr, &len), 0);
	*state = f;
	return 0;
}

static int setup_v4(void **state)
{
	return setup_family(state, AF_INET);
}

static int setup_v6(void **state)
{
	if (setup_family(state, AF_INET6) < 0) {
		*state = NULL;
	}
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	ike_sock_close(&f->s);
	close(f->peer);
	free(f);
	return 0;
}

static int slot_fd(struct fixture *f, bool natt)
{
	if (f->family == AF_INET)
		return f->s.fd[natt ? IKE_SOCK_V4_NATT : IKE_SOCK_V4_IKE];
	return f->s.fd[natt ? IKE_SOCK_V6_NATT : IKE_SOCK_V6_IKE];
}

static void peer_send(struct fixture *f, bool natt, const void *data, size_t len)
{
	struct sockaddr_storage to;

	loopback(&to, f->family,
		 f->s.port[natt ? (f->family == AF_INET ? IKE_SOCK_V4_NATT : IKE_SOCK_V6_NATT)
				: (f->family == AF_INET ? IKE_SOCK_V4_IKE : IKE_SOCK_V6_IKE)]);
	assert_int_equal(sendto(f->peer, data, len, 0, (struct sockaddr *)&to, ss_len(&to)),
			 (ssize_t)len);
}

/* Waits up to one second for the engine's socket: loopback delivery is
 * immediate, the wait only guards against a slow machine. */
static int engine_recv(struct fixture *f, bool natt, struct ike_dgram *d, size_t cap)
{
	struct pollfd p = {.fd = slot_fd(f, natt), .events = POLLIN};

	if (poll(&p, 1, 1000) != 1)
		return -EAGAIN;
	d->buf = f->buf;
	return ike_sock_recv(&f->s, p.fd, d, cap);
}

static void fake_ike(uint8_t *msg, size_t len, uint8_t tag)
{
	memset(msg, tag, len);
}

static void test_ike_port_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[100], back[200];
	struct ike_dgram d, reply;
	ssize_t n;

	if (!f)
		skip();
	fake_ike(msg, sizeof(msg), 0x5a);
	peer_send(f, false, msg, sizeof(msg));
	assert_int_equal(engine_recv(f, false, &d, sizeof(f->buf)), 1);
	assert_false(d.natt);
	assert_int_equal(d.len, sizeof(msg));
	assert_memory_equal(d.buf, msg, sizeof(msg));
	assert_int_equal(d.peer.ss_family, f->family);
	assert_int_equal(ss_port(&d.peer), ss_port(&f->peer_addr));
	assert_int_equal(d.local.ss_family, f->family);
	assert_int_equal(ss_port(&d.local), f->s.port[f->family == AF_INET ? 0 : 2]);
	assert_true(d.ifindex > 0);
	assert_int_equal(f->s.stats.rx, 1);

	/* The reply leaves from the address the request arrived at. */
	reply = d;
	reply.peer = d.peer;
	reply.local = d.local;
	fake_ike(msg, 40, 0xa5);
	reply.buf = msg;
	reply.len = 40;
	assert_int_equal(ike_sock_send(&f->s, &reply), 0);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);

	n = recvfrom(f->peer, back, sizeof(back), 0, (struct sockaddr *)&from, &flen);
	assert_int_equal(n, 40);
	assert_memory_equal(back, msg, 40);
	assert_int_equal(ss_port(&from), ss_port(&d.local));
	assert_int_equal(f->s.stats.tx, 1);
}

/*
 * The send buffer is raised (4 MB asked; the kernel doubles what it
 * grants): replies waiting for neighbour resolution must leave room for
 * the rest. As root SO_SNDBUFFORCE grants it all; otherwise up to wmem_max.
 */
static void test_sndbuf(void **state)
{
	struct fixture *f = *state;
	int plain, val, def = 0;
	socklen_t len = sizeof(val);

	if (!f)
		skip();
	plain = socket(f->family, SOCK_DGRAM, 0);
	assert_true(plain >= 0);
	assert_int_equal(getsockopt(plain, SOL_SOCKET, SO_SNDBUF, &def, &len), 0);
	close(plain);
	for (int i = 0; i < IKE_SOCK_SLOTS; i++) {
		if (f->s.fd[i] < 0)
			continue;
		len = sizeof(val);
		assert_int_equal(getsockopt(f->s.fd[i], SOL_SOCKET, SO_SNDBUF, &val, &len), 0);
		if (geteuid() == 0)
			assert_true(val >= 8 << 20);
		else
			assert_true(val >= def);
	}
}

static void test_natt_marker(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[64], wire[68], back[200];
	struct ike_dgram d;
	ssize_t n;

	if (!f)
		skip();
	fake_ike(msg, sizeof(msg), 0x33);
	memset(wire, 0, 4);
	memcpy(wire + 4, msg, sizeof(msg));
	peer_send(f, true, wire, sizeof(wire));
	assert_int_equal(engine_recv(f, true, &d, sizeof(f->buf)), 1);
	assert_true(d.natt);
	assert_int_equal(d.len, sizeof(msg));
	assert_memory_equal(d.buf, msg, sizeof(msg));

	/* Sent on the NAT-T port, the marker goes in front. */
	d.buf = msg;
	d.len = sizeof(msg);
	assert_int_equal(ike_sock_send(&f->s, &d), 0);
	n = recv(f->peer, back, sizeof(back), 0);
	assert_int_equal(n, (ssize_t)sizeof(wire));
	assert_memory_equal(back, wire, sizeof(wire));
}

/* A NAT keepalive leaves the NAT-T port as the one octet 0xff, nothing in
 * front (RFC 3948 §2.3); a one-byte datagram to port 500 is sent as it is too. */
static void test_keepalive_bytes(void **state)
{
	struct fixture *f = *state;
	uint8_t ka = 0xff, back[16];
	struct ike_dgram d = {0};
	ssize_t n;

	if (!f)
		skip();
	d.peer = f->peer_addr;
	d.natt = true;
	d.buf = &ka;
	d.len = 1;
	assert_int_equal(ike_sock_send(&f->s, &d), 0);
	n = recv(f->peer, back, sizeof(back), 0);
	assert_int_equal(n, 1);
	assert_int_equal(back[0], 0xff);

	/* Any other one-byte datagram on 4500 still gets its marker. */
	ka = 0xfe;
	assert_int_equal(ike_sock_send(&f->s, &d), 0);
	n = recv(f->peer, back, sizeof(back), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(back, ((const uint8_t[]){0, 0, 0, 0, 0xfe}), 5);
}

static void test_not_ike(void **state)
{
	struct fixture *f = *state;
	uint8_t small[10] = {0}, big[3000], esp[64], keepalive = 0xff;
	struct ike_dgram d;

	if (!f)
		skip();
	/* Shorter than an IKE header. */
	peer_send(f, false, small, sizeof(small));
	assert_int_equal(engine_recv(f, false, &d, sizeof(f->buf)), 0);
	assert_int_equal(f->s.stats.rx_short, 1);

	/* Larger than the caller's buffer: consumed and counted, not cut. */
	fake_ike(big, sizeof(big), 1);
	peer_send(f, false, big, sizeof(big));
	assert_int_equal(engine_recv(f, false, &d, 1500), 0);
	assert_int_equal(f->s.stats.rx_truncated, 1);

	/* A keepalive and an ESP packet on the NAT-T port: the kernel keeps
	 * them, or we count them; never handed over as IKE. */
	peer_send(f, true, &keepalive, 1);
	memset(esp, 0x11, sizeof(esp));
	peer_send(f, true, esp, sizeof(esp));
	for (int i = 0; i < 2; i++) {
		int r = engine_recv(f, true, &d, sizeof(f->buf));

		assert_true(r == 0 || r == -EAGAIN);
	}
	assert_int_equal(f->s.stats.rx, 0);

	/* Then a real one still gets through. */
	fake_ike(big, 40, 7);
	peer_send(f, false, big, 40);
	assert_int_equal(engine_recv(f, false, &d, sizeof(f->buf)), 1);
	assert_int_equal(d.len, 40);
}

static void test_bad_calls(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[40] = {0};
	struct ike_dgram d = {.buf = msg, .len = sizeof(msg)};
	int fds[IKE_SOCK_SLOTS];

	if (!f)
		skip();
	assert_int_equal(ike_sock_fds(&f->s, fds, IKE_SOCK_SLOTS), 2);
	assert_int_equal(ike_sock_recv(&f->s, f->peer, &d, sizeof(msg)), -EBADF);
	assert_int_equal(ike_sock_recv(&f->s, slot_fd(f, false), &d, sizeof(msg)), -EAGAIN);
	/* No peer address. */
	assert_int_equal(ike_sock_send(&f->s, &d), -EAFNOSUPPORT);
	/* Source of the other family. */
	d.peer = f->peer_addr;
	loopback(&d.local, f->family == AF_INET ? AF_INET6 : AF_INET, 0);
	assert_int_equal(ike_sock_send(&f->s, &d), -EINVAL);
	/* The other family's socket was never opened (bound to one address). */
	loopback(&d.peer, f->family == AF_INET ? AF_INET6 : AF_INET, 500);
	memset(&d.local, 0, sizeof(d.local));
	assert_int_equal(ike_sock_send(&f->s, &d), -EAFNOSUPPORT);
}

/* A prepare hook that refuses the second socket. */
static int refuse_second(void *arg, int fd, int family)
{
	int *n = arg;

	(void)fd;
	(void)family;
	return ++*n == 2 ? -EPERM : 0;
}

static void test_prepare_failure_closes(void **state)
{
	struct ike_sock s;
	struct ike_sock_cfg cfg = {.port = 0};
	int calls = 0;

	(void)state;
	loopback(&cfg.bind_addr, AF_INET, 0);
	cfg.port = 29990;
	cfg.natt_port = 29991;
	cfg.prepare_arg = &calls;
	cfg.prepare = refuse_second;
	int ret = ike_sock_open(&s, &cfg);

	if (ret == -EADDRINUSE)
		skip();
	assert_int_equal(ret, -EPERM);
	assert_int_equal(calls, 2);
	for (int i = 0; i < IKE_SOCK_SLOTS; i++)
		assert_int_equal(s.fd[i], -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ike_port_round_trip, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_natt_marker, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_sndbuf, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_not_ike, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive_bytes, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_keepalive_bytes, setup_v6, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_calls, setup_v4, teardown),
	    cmocka_unit_test_setup_teardown(test_ike_port_round_trip, setup_v6, teardown),
	    cmocka_unit_test_setup_teardown(test_natt_marker, setup_v6, teardown),
	    cmocka_unit_test_setup_teardown(test_not_ike, setup_v6, teardown),
	    cmocka_unit_test(test_prepare_failure_closes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
