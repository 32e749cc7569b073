/* SPDX-License-Identifier: ISC */
/* UDP sockets for IKE and NAT-T (RFC 7296 §2.11, RFC 3948 §2.2). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ike_sock.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

/* receive buffer of each IKE socket: a few thousand queued requests */
#define IKE_SOCK_RCVBUF (4 << 20)
/* send buffer: replies held for neighbour resolution must not starve the rest */
#define IKE_SOCK_SNDBUF (4 << 20)

#define IKE_HDR_LEN    28 /* RFC 7296 §3.1 */
#define NON_ESP_MARKER 4  /* four zero bytes before IKE on the NAT-T port */

static bool slot_is_natt(enum ike_sock_slot slot)
{
	return slot == IKE_SOCK_V4_NATT || slot == IKE_SOCK_V6_NATT;
}

static int slot_family(enum ike_sock_slot slot)
{
	return slot <= IKE_SOCK_V4_NATT ? AF_INET : AF_INET6;
}

static bool is_keepalive(const uint8_t *buf, size_t len)
{
	return len == 1 && buf[0] == 0xff;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

static void fill_bind(struct sockaddr_storage *ss, socklen_t *len, int family, uint16_t port,
		      const struct sockaddr_storage *want)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (want->ss_family == AF_INET)
			memcpy(sin, want, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (want->ss_family == AF_INET6)
			memcpy(sin6, want, sizeof(*sin6));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
	}
}

static int open_slot(struct ike_sock *s, enum ike_sock_slot slot, uint16_t port,
		     const struct ike_sock_cfg *cfg)
{
	int family = slot_family(slot);
	struct sockaddr_storage ss;
	socklen_t sslen;
	int fd, ret;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		ret = set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
	} else {
		ret = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		if (ret == 0)
			ret = set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	}
	if (ret < 0)
		goto fail;
	/* On the NAT-T port the kernel takes ESP-in-UDP for itself and hands
	 * us the datagrams that start with the non-ESP marker. */
	if (slot_is_natt(slot)) {
		ret = set_int(fd, IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP);
		if (ret < 0)
			goto fail;
	}
	/* Room for a burst of requests (many peers starting at once) while the
	 * engine computes: past the default buffer the kernel drops them and
	 * each costs the peer a retransmission timeout. Best effort: without
	 * CAP_NET_ADMIN the kernel caps SO_RCVBUF at net.core.rmem_max. */
	if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, IKE_SOCK_RCVBUF) < 0)
		(void)set_int(fd, SOL_SOCKET, SO_RCVBUF, IKE_SOCK_RCVBUF);
	/* Replies to addresses that never resolve (spoofed on-link sources)
	 * stay charged to the socket until the neighbour entry fails; the
	 * engine rate-limits them, and a larger buffer keeps room for the
	 * legitimate peers' answers meanwhile. */
	if (set_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, IKE_SOCK_SNDBUF) < 0)
		(void)set_int(fd, SOL_SOCKET, SO_SNDBUF, IKE_SOCK_SNDBUF);
	fill_bind(&ss, &sslen, family, port, &cfg->bind_addr);
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0) {
		ret = -errno;
		goto fail;
	}
	if (cfg->prepare) {
		ret = cfg->prepare(cfg->prepare_arg, fd, family);
		if (ret < 0)
			goto fail;
	}
	s->fd[slot] = fd;
	s->port[slot] = port;
	return 0;
fail:
	close(fd);
	return ret;
}

int ike_sock_open(struct ike_sock *s, const struct ike_sock_cfg *cfg)
{
	uint16_t ike_port = cfg->port ? cfg->port : 500;
	uint16_t natt_port = cfg->natt_port ? cfg->natt_port : 4500;
	int want = cfg->bind_addr.ss_family;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < IKE_SOCK_SLOTS; i++)
		s->fd[i] = -1;
	for (int i = 0; i < IKE_SOCK_SLOTS; i++) {
		int family = slot_family(i);

		if ((family == AF_INET && cfg->no_v4) || (family == AF_INET6 && cfg->no_v6))
			continue;
		if (want && want != family)
			continue;
		ret = open_slot(s, i, slot_is_natt(i) ? natt_port : ike_port, cfg);
		/* A host without IPv6 still runs IKE over IPv4. */
		if (ret == -EAFNOSUPPORT && family == AF_INET6) {
			ret = 0;
			continue;
		}
		if (ret < 0)
			break;
	}
	if (ret < 0)
		ike_sock_close(s);
	return ret;
}

void ike_sock_close(struct ike_sock *s)
{
	for (int i = 0; i < IKE_SOCK_SLOTS; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
}

size_t ike_sock_fds(const struct ike_sock *s, int *fds, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < IKE_SOCK_SLOTS && n < max; i++)
		if (s->fd[i] >= 0)
			fds[n++] = s->fd[i];
	return n;
}

static int fd_slot(const struct ike_sock *s, int fd)
{
	for (int i = 0; i < IKE_SOCK_SLOTS; i++)
		if (s->fd[i] == fd && fd >= 0)
			return i;
	return -1;
}

/* The destination address and interface from IP_PKTINFO / IPV6_PKTINFO. */
static void read_pktinfo(struct msghdr *msg, struct ike_dgram *d, uint16_t port)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *sin = (struct sockaddr_in *)&d->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			sin->sin_family = AF_INET;
			sin->sin_addr = pi.ipi_addr;
			sin->sin_port = htons(port);
			d->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&d->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = pi.ipi6_addr;
			sin6->sin6_port = htons(port);
			d->ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

int ike_sock_recv(struct ike_sock *s, int fd, struct ike_dgram *d, size_t cap)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control;
	struct iovec iov = {.iov_base = d->buf, .iov_len = cap};
	struct msghdr msg = {
	    .msg_name = &d->peer,
	    .msg_namelen = sizeof(d->peer),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control.buf,
	    .msg_controllen = sizeof(control.buf),
	};
	int slot = fd_slot(s, fd);
	ssize_t n;

	if (slot < 0)
		return -EBADF;
	memset(&d->peer, 0, sizeof(d->peer));
	memset(&d->local, 0, sizeof(d->local));
	d->ifindex = 0;
	d->len = 0;
	d->natt = slot_is_natt(slot);
	n = recvmsg(fd, &msg, MSG_TRUNC);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n > cap || (msg.msg_flags & MSG_TRUNC)) {
		s->stats.rx_truncated++;
		return 0;
	}
	read_pktinfo(&msg, d, s->port[slot]);
	if (d->natt) {
		if (is_keepalive(d->buf, (size_t)n)) {
			s->stats.rx_keepalive++;
			return 0;
		}
		if (n >= NON_ESP_MARKER && memcmp(d->buf, "\0\0\0\0", NON_ESP_MARKER) != 0) {
			s->stats.rx_esp_on_natt++;
			return 0;
		}
		if (n >= NON_ESP_MARKER) {
			n -= NON_ESP_MARKER;
			memmove(d->buf, d->buf + NON_ESP_MARKER, (size_t)n);
		}
	}
	if (n < IKE_HDR_LEN) {
		s->stats.rx_short++;
		return 0;
	}
	d->len = (size_t)n;
	s->stats.rx++;
	return 1;
}

int ike_sock_send(struct ike_sock *s, const struct ike_dgram *d)
{
	static const uint8_t marker[NON_ESP_MARKER];
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct iovec iov[2];
	struct msghdr msg = {.msg_name = (void *)&d->peer, .msg_iov = iov};
	int family = d->peer.ss_family;
	int slot;
	ssize_t n;

	if (family == AF_INET) {
		slot = d->natt ? IKE_SOCK_V4_NATT : IKE_SOCK_V4_IKE;
		msg.msg_namelen = sizeof(struct sockaddr_in);
	} else if (family == AF_INET6) {
		slot = d->natt ? IKE_SOCK_V6_NATT : IKE_SOCK_V6_IKE;
		msg.msg_namelen = sizeof(struct sockaddr_in6);
	} else {
		return -EAFNOSUPPORT;
	}
	if (s->fd[slot] < 0)
		return -EAFNOSUPPORT;
	if (d->local.ss_family && d->local.ss_family != family)
		return -EINVAL;
	/* A NAT keepalive is the single octet 0xff and nothing else (RFC 3948
	 * §2.3): no marker in front, or the peer reads a broken IKE header. */
	if (d->natt && !is_keepalive(d->buf, d->len))
		iov[msg.msg_iovlen++] = (struct iovec){(void *)marker, sizeof(marker)};
	iov[msg.msg_iovlen++] = (struct iovec){d->buf, d->len};
	if (d->local.ss_family == AF_INET) {
		struct in_pktinfo pi = {0};
		struct cmsghdr *c;

		pi.ipi_spec_dst = ((const struct sockaddr_in *)&d->local)->sin_addr;
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else if (d->local.ss_family == AF_INET6) {
		struct in6_pktinfo pi = {0};
		struct cmsghdr *c;

		pi.ipi6_addr = ((const struct sockaddr_in6 *)&d->local)->sin6_addr;
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	n = sendmsg(s->fd[slot], &msg, MSG_DONTWAIT);
	if (n < 0) {
		s->stats.tx_errors++;
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	s->stats.tx++;
	return 0;
}
