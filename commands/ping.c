/*
 * ping.c - `ping ADDRESS [source ADDRESS | interface IF] [repeat N]
 * [size N] [timeout N]`: ICMP echoes from the shell, to check a tunnel
 * (from an address of the local subnet the kernel sends them through it).
 *
 * Echoes go out on an ICMP datagram socket (Linux "ping socket": no
 * privilege where net.ipv4.ping_group_range admits the user), else a raw
 * socket (root, CAP_NET_RAW); no program is run, so nothing typed reaches
 * a shell.  Every wait is a poll() bounded by the timeout, and Ctrl-C
 * ends the run, so the prompt always comes back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd_int.h"

#define PING_SIZE_MAX	 9048 /* the largest `size`: IP and ICMP headers included */
#define PING_PAYLOAD_MAX (PING_SIZE_MAX - 28)

struct pinger {
	int fd;
	int family;
	bool raw;    /* a raw socket: our id, IPv4 replies carry the IP header */
	uint16_t id; /* raw sockets only; a datagram socket's id is its port */
	struct sockaddr_storage to;
	socklen_t to_len;
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int open_socket(struct pinger *p)
{
	int proto = p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	p->fd = socket(p->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (p->fd >= 0)
		return 0;
	p->fd = socket(p->family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (p->fd < 0)
		return -errno;
	p->raw = true;
	p->id = (uint16_t)(getpid() & 0xffff);
	if (p->family == AF_INET6) {
		/* only echo replies reach this socket */
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	return 0;
}

static int set_source(struct cmd_sess *cs, struct pinger *p, const char *source, const char *ifname)
{
	if (ifname) {
		if (!if_nametoindex(ifname)) {
			cmd_err(cs, "%% Error: no interface named %s", ifname);
			return -ENODEV;
		}
		if (setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
			       (socklen_t)strlen(ifname) + 1) < 0) {
			cmd_err(cs, "%% Error: cannot send from interface %s: %s", ifname,
				strerror(errno));
			return -errno;
		}
	}
	if (source) {
		struct eng_addr a;
		struct sockaddr_storage ss = {0};
		socklen_t len;

		if (eng_addr_parse(source, &a) || a.family != p->family) {
			cmd_err(cs, "%% Error: source %s is not an address of the same family",
				source);
			return -EINVAL;
		}
		if (a.family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, a.bytes, 4);
			len = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, a.bytes, 16);
			len = sizeof(*s6);
		}
		if (bind(p->fd, (struct sockaddr *)&ss, len) < 0) {
			cmd_err(cs, "%% Error: cannot send from %s: %s", source, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int send_echo(struct pinger *p, uint16_t seq, size_t payload)
{
	uint8_t buf[8 + PING_PAYLOAD_MAX];
	struct icmphdr *h = (struct icmphdr *)buf;

	memset(buf, 0, sizeof(buf));
	h->type = p->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	h->un.echo.id = htons(p->id);
	h->un.echo.sequence = htons(seq);
	for (size_t i = 0; i < payload; i++)
		buf[8 + i] = (uint8_t)i;
	/* the kernel sums datagram sockets and ICMPv6; a raw IPv4 one we do */
	if (p->raw && p->family == AF_INET) {
		uint32_t sum = 0;
		for (size_t i = 0; i + 1 < 8 + payload; i += 2)
			sum += (uint32_t)(buf[i] << 8 | buf[i + 1]);
		if ((8 + payload) & 1)
			sum += (uint32_t)buf[8 + payload - 1] << 8;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		h->checksum = htons((uint16_t)~sum);
	}
	if (sendto(p->fd, buf, 8 + payload, 0, (struct sockaddr *)&p->to, p->to_len) < 0)
		return -errno;
	return 0;
}

/* A datagram that is the echo reply to seq; anything else is ignored. */
static bool is_reply(const struct pinger *p, const uint8_t *buf, ssize_t n, uint16_t seq)
{
	const struct icmphdr *h;
	uint8_t want = p->family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;

	if (p->raw && p->family == AF_INET) {
		size_t ihl;
		if (n < (ssize_t)sizeof(struct iphdr))
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < sizeof(struct iphdr) || (ssize_t)ihl > n)
			return false;
		buf += ihl;
		n -= (ssize_t)ihl;
	}
	if (n < 8)
		return false;
	h = (const struct icmphdr *)buf;
	if (h->type != want || ntohs(h->un.echo.sequence) != seq)
		return false;
	return !p->raw || ntohs(h->un.echo.id) == p->id;
}

/* Wait for the reply to seq until deadline: 1 replied, 0 timed out, -1
 * interrupted, or a negative errno below -1 that the network reported
 * for the echo (-EHOSTUNREACH...). */
static int await_reply(struct cmd_sess *cs, struct pinger *p, uint16_t seq, int64_t deadline)
{
	uint8_t buf[128 + PING_PAYLOAD_MAX];

	for (;;) {
		int64_t left = deadline - now_us();
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
		ssize_t n;
		int rc;

		if (cs->io.interrupted && cs->io.interrupted(cs->io.arg))
			return -1;
		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, (int)((left + 999) / 1000));
		if (rc < 0 && errno == EINTR)
			continue; /* Ctrl-C is looked at above */
		if (rc <= 0)
			continue;
		while ((n = recv(p->fd, buf, sizeof(buf), 0)) >= 0)
			if (is_reply(p, buf, n, seq))
				return 1;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno > 1 ? -errno : -EIO;
	}
}

static int target(struct cmd_sess *cs, struct pinger *p, const char *text)
{
	struct eng_addr a;

	if (eng_addr_parse(text, &a)) {
		cmd_err(cs, "%% Error: %s is not an IPv4 or IPv6 address", text);
		return -EINVAL;
	}
	memset(&p->to, 0, sizeof(p->to));
	p->family = a.family;
	if (a.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&p->to;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a.bytes, 4);
		p->to_len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->to;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a.bytes, 16);
		p->to_len = sizeof(*s6);
	}
	return 0;
}

static unsigned long arg_num(const struct cmd_args *a, const char *name, unsigned long def)
{
	const char *v = cmd_arg_get(a, name);

	return v ? strtoul(v, NULL, 10) : def;
}

static int cmd_ping(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *dest = cmd_arg_get(a, "address");
	const char *source = cmd_arg_get(a, "source");
	const char *ifname = cmd_arg_get(a, "interface");
	unsigned long repeat = arg_num(a, "repeat", 5), size = arg_num(a, "size", 100);
	unsigned long timeout = arg_num(a, "timeout", 2);
	struct pinger p = {.fd = -1};
	unsigned long sent = 0, got = 0;
	int64_t min = 0, max = 0, total = 0;
	size_t header;
	int rc;

	if (source && ifname) {
		cmd_err(cs, "%% Error: give a source address or an interface, not both");
		return -EINVAL;
	}
	rc = target(cs, &p, dest);
	if (rc)
		return rc;
	/* size is the IP datagram's, as on IOS: IP and ICMP headers included */
	header = p.family == AF_INET ? 28 : 48;
	if (size < header || size > PING_SIZE_MAX) {
		cmd_err(cs, "%% Error: size %lu is out of range %zu-%d for this address", size,
			header, PING_SIZE_MAX);
		return -EINVAL;
	}
	rc = open_socket(&p);
	if (rc) {
		cmd_err(cs,
			"%% Error: cannot open an ICMP socket: %s (ping sockets need the "
			"user's group in net.ipv4.ping_group_range)",
			strerror(-rc));
		return rc;
	}
	rc = set_source(cs, &p, source, ifname);
	if (rc)
		goto done;
	cmd_out(cs, "Type Ctrl-C to abort.");
	cmd_out(cs, "Sending %lu, %lu-byte ICMP Echos to %s, timeout is %lu seconds:", repeat, size,
		dest, timeout);
	for (unsigned long i = 0; i < repeat; i++) {
		uint16_t seq = (uint16_t)(i + 1);
		int64_t start = now_us(), rtt;
		int r;

		rc = send_echo(&p, seq, size - header);
		sent++;
		if (rc) {
			if (cmd_out(cs, "Request %lu not sent: %s", i, strerror(-rc)) < 0)
				break;
			rc = 0;
			continue;
		}
		r = await_reply(cs, &p, seq, start + (int64_t)timeout * 1000000);
		if (r < 0) {
			sent--; /* interrupted: not counted as lost */
			break;
		}
		if (r == 0 || r < -1) {
			if ((r == 0 ? cmd_out(cs, "Request %lu timed out", i)
				    : cmd_out(cs, "Request %lu: %s", i, strerror(-r))) < 0)
				break;
			continue;
		}
		rtt = now_us() - start;
		got++;
		total += rtt;
		min = got == 1 || rtt < min ? rtt : min;
		max = rtt > max ? rtt : max;
		if (cmd_out(cs, "Reply to request %lu (%lld ms)", i, (long long)(rtt / 1000)) < 0)
			break;
	}
	if (got)
		cmd_out(cs,
			"Success rate is %lu percent (%lu/%lu), round-trip min/avg/max = "
			"%lld/%lld/%lld ms",
			sent ? got * 100 / sent : 0, got, sent, (long long)(min / 1000),
			(long long)(total / (int64_t)got / 1000), (long long)(max / 1000));
	else
		cmd_out(cs, "Success rate is 0 percent (0/%lu)", sent);
	/* no reply at all: the command failed (a script's exit status says so) */
	if (sent && !got)
		rc = -EHOSTUNREACH;
done:
	close(p.fd);
	return rc;
}

void cmds_ping_register(struct cli_def *cli, int m)
{
	struct cli_command *c;

	c = cmd_leaf(cli, NULL, "ping", m, false,
		     "Send ICMP echoes (through a tunnel, to check it)", cmd_ping);
	cmd_argpos(c, "address", 0, "A.B.C.D|X:X::X Destination address", val_addr, NULL);
	cmd_argnamed(c, "source", 0, "A.B.C.D|X:X::X Send from this address (a local subnet's)",
		     val_addr, NULL);
	cmd_argnamed(c, "interface", 0, "IFNAME Send from this interface", val_ifname,
		     comp_interfaces);
	cmd_argnamed(c, "repeat", 0, "<1-1000> Echoes to send (default 5)", val_range, NULL);
	cmd_argnamed(c, "size", 0, "<36-9048> Datagram size in bytes (default 100)", val_range,
		     NULL);
	cmd_argnamed(c, "timeout", 0, "<1-60> Seconds to wait for each reply (default 2)",
		     val_range, NULL);
}
