/* SPDX-License-Identifier: ISC */
/*
 * The half-open flood over real sockets, one role per process (the script
 * flood_netns.sh puts them in network namespaces):
 *
 *   responder SECONDS            an IKE responder taking any peer on UDP
 *                                500/4500; prints "ready", then at the end
 *                                its RSS (start, peak, end) and counters
 *   flood DST PREFIX COUNT RATE SECONDS
 *                                IKE_SA_INIT requests from COUNT addresses
 *                                of the /64 PREFIX, padded so that with the
 *                                COOKIE echoed they are 4096 bytes (the
 *                                largest taken); every COOKIE is echoed;
 *                                "spread" after SECONDS: each address in a
 *                                /64 of its own, all in the /48
 *   spoof DST SRC RATE SECONDS   requests with SRC (a real peer's address) as
 *                                source, never echoing a COOKIE
 *   initiator LOCAL DST SECONDS  a legitimate peer setting up its IKE SA over
 *                                and over: prints how many came up and how
 *                                long each took
 *
 * The IKE core is the engine's (ikev2.h) and the sockets are the engine's
 * (ike_sock.h); the kernel side is a no-op (no CHILD_SA installed).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ike_proto.h"
#include "ike_sock.h"
#include "ikev2.h"

#define PSK	 "flood-test-pre-shared-key"
#define WIRE_MAX 4096 /* the responder's default init_max_len */
#define COOKIE_N (8 + 32)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return now_ms();
}

static void addr_parse(struct ike_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, ip, a->addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
	a->port = port;
}

static void ss_of(struct sockaddr_storage *ss, const struct ike_addr *a)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->addr, 16);
		s6->sin6_port = htons(a->port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->addr, 4);
		s4->sin_port = htons(a->port);
	}
}

static void ike_of(struct ike_addr *a, const struct sockaddr_storage *ss)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		a->family = AF_INET6;
		memcpy(a->addr, &s6->sin6_addr, 16);
		a->port = ntohs(s6->sin6_port);
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a->family = AF_INET;
		memcpy(a->addr, &s4->sin_addr, 4);
		a->port = ntohs(s4->sin_port);
	}
}

static void conf_make(struct ike_peer_conf *c, const char *name, const struct ike_addr *local,
		      const struct ike_addr *remote)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->local = *local;
	if (remote)
		c->remote = *remote;
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
	memcpy(c->psk, PSK, sizeof(PSK) - 1);
	c->psk_len = sizeof(PSK) - 1;
	c->local_net[0] = (struct ike_subnet){.family = AF_INET, .prefixlen = 24};
	c->remote_net[0] = (struct ike_subnet){.family = AF_INET, .prefixlen = 24};
	c->local_net[0].addr[0] = 10, c->local_net[0].addr[1] = remote ? 1 : 2;
	c->remote_net[0].addr[0] = 10, c->remote_net[0].addr[1] = remote ? 2 : 1;
	c->n_local_net = c->n_remote_net = 1;
}

/* ---- an engine on the real sockets ---- */

struct node {
	struct ike_engine *e;
	struct ike_sock sock;
	enum ike_tunnel_state state;
	unsigned n_status;
};

static int env_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		    const uint8_t *buf, size_t len)
{
	struct node *n = ctx;
	struct ike_dgram d = {0};

	ss_of(&d.peer, dst);
	if (src && src->family)
		ss_of(&d.local, src);
	d.natt = src && src->port == 4500;
	d.buf = (uint8_t *)buf;
	d.len = len;
	return ike_sock_send(&n->sock, &d);
}

static int env_install(void *ctx, const char *t, const struct ike_child_sa *c)
{
	return 0;
}

static void env_delete(void *ctx, const char *t, const struct ike_child_sa *c)
{
}

static void env_status(void *ctx, const char *t, enum ike_tunnel_state st, const char *why)
{
	struct node *n = ctx;

	n->state = st;
	n->n_status++;
}

static void node_open(struct node *n, const struct ike_addr *bind)
{
	struct ike_env env = {.ctx = n,
			      .send = env_send,
			      .child_install = env_install,
			      .child_delete = env_delete,
			      .now_ms = env_now,
			      .status = env_status};
	struct ike_sock_cfg cfg = {0};
	int ret;

	cfg.no_v4 = true;
	if (bind) {
		struct ike_addr b = *bind;

		b.port = 0; /* the slots' ports */
		ss_of(&cfg.bind_addr, &b);
	}
	ret = ike_sock_open(&n->sock, &cfg);
	if (ret < 0) {
		fprintf(stderr, "ike_sock_open: %s\n", strerror(-ret));
		exit(1);
	}
	if (ike_engine_new(&env, NULL, &n->e) < 0)
		exit(1);
}

/* Serve sockets and timers until deadline (ms) or until *stop. */
static void node_run(struct node *n, uint64_t deadline, const bool *stop)
{
	static uint8_t buf[IKE_SOCK_MAX_DGRAM];
	int fds[IKE_SOCK_SLOTS];
	size_t nfd = ike_sock_fds(&n->sock, fds, IKE_SOCK_SLOTS);

	while (!(stop && *stop) && now_ms() < deadline) {
		struct pollfd p[IKE_SOCK_SLOTS];
		uint64_t next = ike_next_timeout(n->e), now = now_ms();
		int wait = 50;

		if (next <= now)
			wait = 0;
		else if (next - now < 50)
			wait = (int)(next - now);
		for (size_t i = 0; i < nfd; i++)
			p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		poll(p, nfd, wait);
		for (size_t i = 0; i < nfd; i++) {
			for (int k = 0; k < 256; k++) {
				struct ike_dgram d = {0};
				struct ike_addr src, dst;
				int r;

				d.buf = buf;
				r = ike_sock_recv(&n->sock, fds[i], &d, sizeof(buf));
				if (r == -EAGAIN || r < 0)
					break;
				if (r == 0)
					continue;
				ike_of(&src, &d.peer);
				ike_of(&dst, &d.local);
				dst.port = d.natt ? 4500 : 500;
				ike_input(n->e, &src, &dst, d.buf, d.len);
			}
		}
		if (ike_next_timeout(n->e) <= now_ms())
			ike_tick(n->e);
	}
}

static long rss_kb(const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtol(line + strlen(field), NULL, 10);
	fclose(f);
	return v;
}

static int responder(int argc, char **argv)
{
	struct node n = {0};
	struct ike_addr local;
	struct ike_peer_conf c;
	const struct ike_stats *st;
	uint64_t end, t;
	long start_rss, peak = 0;
	unsigned ho_peak = 0;

	if (argc < 4)
		return 2;
	addr_parse(&local, argv[2], 500);
	node_open(&n, NULL);
	conf_make(&c, "any", &local, NULL);
	if (ike_conf_set(n.e, &c) < 0)
		return 1;
	start_rss = rss_kb("VmRSS:");
	printf("ready\n");
	fflush(stdout);
	end = now_ms() + (uint64_t)atoi(argv[3]) * 1000;
	for (t = now_ms(); t < end; t = now_ms()) {
		long r;

		node_run(&n, t + 200 < end ? t + 200 : end, NULL);
		r = rss_kb("VmRSS:");
		if (r > peak)
			peak = r;
		if (ike_half_open(n.e) > ho_peak)
			ho_peak = ike_half_open(n.e);
	}
	st = ike_engine_stats(n.e);
	printf("responder rss_start_kb %ld rss_peak_kb %ld rss_end_kb %ld hwm_kb %ld\n", start_rss,
	       peak, rss_kb("VmRSS:"), rss_kb("VmHWM:"));
	printf("responder rx %" PRIu64 " tx %" PRIu64 " half_open_peak %u cookies_sent %" PRIu64
	       " cookies_accepted %" PRIu64 " refused_peer %" PRIu64 " refused_prefix %" PRIu64
	       " refused_max %" PRIu64 " evicted %" PRIu64 " too_long %" PRIu64
	       " reply_rate_limited %" PRIu64 " established %" PRIu64 "\n",
	       st->rx, st->tx, ho_peak, st->cookies_sent, st->cookies_accepted, st->drop_half_open,
	       st->drop_half_open_prefix, st->drop_half_open_max, st->half_open_evicted,
	       st->drop_too_long, st->drop_reply_rate, st->ike_established);
	ike_engine_free(n.e);
	ike_sock_close(&n.sock);
	return 0;
}

/* ---- the flooders ---- */

static uint8_t captured[8192];
static size_t captured_len;

static int cap_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		    const uint8_t *buf, size_t len)
{
	if (captured_len == 0 && len <= sizeof(captured)) {
		memcpy(captured, buf, len);
		captured_len = len;
	}
	return 0;
}

/* One real IKE_SA_INIT request to dst (SA, KE, Ni, NAT-D), from an engine. */
static void template_make(const struct ike_addr *dst)
{
	struct ike_env env = {.send = cap_send,
			      .child_install = env_install,
			      .child_delete = env_delete,
			      .now_ms = env_now};
	struct ike_addr me;
	struct ike_peer_conf c;
	struct ike_engine *e;

	addr_parse(&me, "2001:db8::dead", 500);
	if (ike_engine_new(&env, NULL, &e) < 0)
		exit(1);
	conf_make(&c, "t", &me, dst);
	if (ike_conf_set(e, &c) < 0 || ike_initiate(e, "t") < 0 || captured_len == 0)
		exit(1);
	ike_engine_free(e);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Insert a payload (type, body) first after the header. */
static size_t insert_first(uint8_t *buf, size_t len, uint8_t type, const uint8_t *body, size_t blen)
{
	size_t plen = 4 + blen;

	memmove(buf + 28 + plen, buf + 28, len - 28);
	buf[28] = buf[16];
	buf[29] = 0;
	buf[30] = (uint8_t)(plen >> 8);
	buf[31] = (uint8_t)plen;
	memcpy(buf + 32, body, blen);
	buf[16] = type;
	put32(buf + 24, (uint32_t)(len + plen));
	return len + plen;
}

/* The template with SPIi = idx and a Vendor ID padding it to total bytes. */
static size_t request_make(uint8_t *out, uint32_t idx, uint32_t salt, size_t total)
{
	static uint8_t pad[WIRE_MAX];
	size_t len = captured_len;

	memcpy(out, captured, len);
	put32(out, idx);
	put32(out + 4, salt);
	if (total > len + 4)
		len = insert_first(out, len, 43 /* Vendor ID */, pad, total - len - 4);
	return len;
}

static int raw_socket(uint16_t port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0), one = 1, big = 8 << 20;

	if (fd < 0)
		exit(1);
	/* sources anywhere in the /64 (a local route in this namespace) */
	setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		exit(1);
	}
	return fd;
}

static int send_from(int fd, const uint8_t src[16], const struct ike_addr *dst, const uint8_t *buf,
		     size_t len)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(dst->port)};
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = {0};
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_name = &to,
			    .msg_namelen = sizeof(to),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = {0};

	memcpy(&to.sin6_addr, dst->addr, 16);
	memcpy(&pi.ipi6_addr, src, 16);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(fd, &mh, 0) < 0 ? -errno : 0;
}

static bool spread; /* each address in a /64 of its own (of the /48) */

static void src_of(uint8_t out[16], const struct ike_addr *prefix, uint32_t idx)
{
	memcpy(out, prefix->addr, 8);
	memset(out + 8, 0, 8);
	out[8] = 0x02; /* not the prefix's ::0 */
	put32(out + 12, idx + 1);
	if (spread) {
		out[6] = (uint8_t)(idx >> 8);
		out[7] = (uint8_t)idx;
	}
}

static int flood(int argc, char **argv, bool spoof)
{
	struct ike_addr dst, pfx;
	unsigned count, rate, secs;
	uint64_t start, end, sent = 0, cookies = 0, echoed = 0, answers = 0, errs = 0;
	uint32_t salt = (uint32_t)getpid();
	static uint8_t buf[WIRE_MAX + 64], rx[65536];
	int fd;

	if (argc < (spoof ? 6 : 7))
		return 2;
	addr_parse(&dst, argv[2], 500);
	addr_parse(&pfx, argv[3], 0);
	count = spoof ? 1 : (unsigned)atoi(argv[4]);
	rate = (unsigned)atoi(argv[spoof ? 4 : 5]);
	secs = (unsigned)atoi(argv[spoof ? 5 : 6]);
	spread = !spoof && argc > 7 && strcmp(argv[7], "spread") == 0;
	template_make(&dst);
	fd = raw_socket(spoof ? 502 : 501);
	start = now_ms();
	end = start + (uint64_t)secs * 1000;
	while (now_ms() < end) {
		uint64_t due = start + sent * 1000 / rate;
		ssize_t n;

		/* echo every COOKIE, count every other answer */
		while ((n = recv(fd, rx, sizeof(rx), 0)) >= 28) {
			uint32_t idx = (uint32_t)rx[0] << 24 | rx[1] << 16 | rx[2] << 8 | rx[3];
			uint8_t src[16];
			size_t len;

			if (rx[16] == 41 && n >= 28 + 8 + 32 && rx[34] == 0x40 && rx[35] == 0x06 &&
			    !spoof) {
				uint8_t body[4 + 32];

				cookies++;
				body[0] = 0, body[1] = 0, body[2] = 0x40, body[3] = 0x06;
				memcpy(body + 4, rx + 36, 32);
				len = request_make(buf, idx, salt, WIRE_MAX - COOKIE_N);
				len = insert_first(buf, len, 41, body, sizeof(body));
				src_of(src, &pfx, idx % count);
				if (send_from(fd, src, &dst, buf, len) == 0)
					echoed++;
				else
					errs++;
			} else {
				answers++;
			}
		}
		if (now_ms() < due) {
			usleep(200);
			continue;
		}
		{
			uint8_t src[16];
			size_t len = request_make(buf, (uint32_t)sent, salt,
						  spoof ? 0 : WIRE_MAX - COOKIE_N);

			if (spoof)
				memcpy(src, pfx.addr, 16);
			else
				src_of(src, &pfx, (uint32_t)(sent % count));
			if (send_from(fd, src, &dst, buf, len) < 0)
				errs++;
			sent++;
		}
	}
	printf("%s sent %" PRIu64 " rate %.0f/s cookies %" PRIu64 " echoed %" PRIu64
	       " answers %" PRIu64 " send_errors %" PRIu64 " request_bytes %d\n",
	       spoof ? "spoof" : "flood", sent, sent * 1000.0 / (double)(now_ms() - start), cookies,
	       echoed, answers, errs, spoof ? (int)captured_len : WIRE_MAX);
	return 0;
}

/* ---- the legitimate peer ---- */

static int initiator(int argc, char **argv)
{
	struct node n = {0};
	struct ike_addr local, dst;
	struct ike_peer_conf c;
	uint64_t end, worst = 0, total = 0;
	unsigned ok = 0, failed = 0;

	if (argc < 5)
		return 2;
	addr_parse(&local, argv[2], 500);
	addr_parse(&dst, argv[3], 500);
	node_open(&n, &local);
	conf_make(&c, "legit", &local, &dst);
	if (ike_conf_set(n.e, &c) < 0)
		return 1;
	end = now_ms() + (uint64_t)atoi(argv[4]) * 1000;
	while (now_ms() < end) {
		uint64_t t0 = now_ms();
		bool up;

		n.state = IKE_TUN_CONNECTING;
		if (ike_initiate(n.e, "legit") < 0)
			break;
		/* until up or failed (5 tries with back-off: about 40 s at most) */
		while (n.state == IKE_TUN_CONNECTING && now_ms() < end + 60000)
			node_run(&n, now_ms() + 100, NULL);
		up = n.state == IKE_TUN_UP;
		if (up) {
			uint64_t dt = now_ms() - t0;

			ok++;
			total += dt;
			if (dt > worst)
				worst = dt;
		} else {
			failed++;
		}
		ike_delete(n.e, "legit");
		while (n.state != IKE_TUN_DOWN && n.state != IKE_TUN_FAILED &&
		       now_ms() < end + 60000)
			node_run(&n, now_ms() + 100, NULL);
	}
	printf("initiator setups_ok %u setups_failed %u mean_ms %" PRIu64 " worst_ms %" PRIu64 "\n",
	       ok, failed, ok ? total / ok : 0, worst);
	ike_engine_free(n.e);
	ike_sock_close(&n.sock);
	return ok > 0 && failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "responder") == 0)
		return responder(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "flood") == 0)
		return flood(argc, argv, false);
	if (argc >= 2 && strcmp(argv[1], "spoof") == 0)
		return flood(argc, argv, true);
	if (argc >= 2 && strcmp(argv[1], "initiator") == 0)
		return initiator(argc, argv);
	fprintf(stderr, "usage: flood_net responder ADDR SECONDS | flood DST PREFIX COUNT RATE "
			"SECONDS | spoof DST SRC RATE SECONDS | initiator LOCAL DST SECONDS\n");
	return 2;
}
