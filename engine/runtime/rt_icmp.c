/*
 * rt_icmp.c - icmp-detect: a watchdog that pings a server through the
 * tunnel and restarts the tunnel when it stops answering, although IKE
 * may still think all is well.
 *
 * Each tunnel with icmp-detect sends an echo request from its source
 * address to its server every interval while the tunnel is up; a reply
 * within timeout clears the count of misses, and `retries` misses in a row
 * restart the tunnel: first its CHILD_SAs, and when the server still does
 * not answer after that, the IKE SA.  The echo requests leave through one
 * non-blocking raw ICMP socket per family, polled in the runtime's loop,
 * with the source address set per packet (IP_PKTINFO / IPV6_PKTINFO) so
 * that the tunnel's policy carries them.  With the fake kernel the sockets
 * are a fake too: it answers every request at once unless the test made
 * that server silent (rt_icmp_silence).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "random.h"
#include "rt_int.h"

#define ICMP_MAGIC "ikeshwd" /* the payload: 8 bytes with the NUL */

static int fam_idx(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/* ---- The real sockets ------------------------------------------------------ */

static int sock_open(struct eng_rt *rt, int family)
{
	int i = fam_idx(family);
	int fd;

	if (rt->icmp_fd[i] >= 0)
		return 0;
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6) {
		struct icmp6_filter f;

		/* only echo replies wake the engine */
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	rt->icmp_fd[i] = fd;
	return 0;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int sock_send(struct eng_rt *rt, const struct eng_addr *src, const struct eng_addr *dst,
		     uint16_t seq)
{
	uint8_t pkt[16] = {0};
	struct sockaddr_storage ss = {0};
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl = {0};
	struct iovec iov = {.iov_base = pkt, .iov_len = sizeof(pkt)};
	struct msghdr m = {.msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c = &ctl.h;
	int fd = rt->icmp_fd[fam_idx(dst->family)];
	uint16_t sum;

	if (fd < 0)
		return -EBADF;
	pkt[0] = dst->family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[4] = (uint8_t)(rt->echo_id >> 8);
	pkt[5] = (uint8_t)rt->echo_id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, ICMP_MAGIC, 8);
	m.msg_control = ctl.b;
	if (dst->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		struct in_pktinfo pi = {0};

		sum = csum(pkt, sizeof(pkt)); /* ICMPv6's the kernel computes */
		pkt[2] = (uint8_t)(sum >> 8);
		pkt[3] = (uint8_t)sum;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst->bytes, 4);
		m.msg_namelen = sizeof(*sin);
		memcpy(&pi.ipi_spec_dst, src->bytes, 4);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		struct in6_pktinfo pi = {0};

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst->bytes, 16);
		m.msg_namelen = sizeof(*sin6);
		memcpy(&pi.ipi6_addr, src->bytes, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		m.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	return sendmsg(fd, &m, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* One echo reply of ours: its sender and sequence number; -EAGAIN when
 * the socket is empty, -EBADMSG for anything else (ignored). */
static int sock_recv(struct eng_rt *rt, int family, struct eng_addr *from, uint16_t *seq)
{
	uint8_t buf[512];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const uint8_t *icmp = buf;
	ssize_t n;
	size_t len;
	int fd = rt->icmp_fd[fam_idx(family)];

	if (fd < 0)
		return -EAGAIN;
	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	if (n < 0)
		return errno == EINTR ? -EBADMSG : -EAGAIN;
	len = (size_t)n;
	memset(from, 0, sizeof(*from));
	if (family == AF_INET) {
		size_t ihl;

		/* a raw IPv4 socket hands the IP header over too */
		if (len < 20 || (buf[0] >> 4) != 4 || (ihl = (size_t)(buf[0] & 0x0f) * 4) < 20 ||
		    len < ihl + 16 || ss.ss_family != AF_INET)
			return -EBADMSG;
		icmp = buf + ihl;
		len -= ihl;
		if (icmp[0] != ICMP_ECHOREPLY)
			return -EBADMSG;
		from->family = AF_INET;
		memcpy(from->bytes, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else {
		if (len < 16 || icmp[0] != ICMP6_ECHO_REPLY || ss.ss_family != AF_INET6)
			return -EBADMSG;
		from->family = AF_INET6;
		memcpy(from->bytes, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	if (icmp[1] != 0 || (uint16_t)(icmp[4] << 8 | icmp[5]) != rt->echo_id ||
	    memcmp(icmp + 8, ICMP_MAGIC, 8) != 0)
		return -EBADMSG;
	*seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	return 0;
}

/* ---- The fake: answers at once, unless told the server is silent -------- */

static int fake_send(struct eng_rt *rt, const struct eng_addr *src, const struct eng_addr *dst,
		     uint16_t seq)
{
	(void)src;
	for (size_t i = 0; i < rt->icmp_fake.n_silent; i++)
		if (eng_addr_equal(&rt->icmp_fake.silent[i], dst))
			return 0; /* sent, and lost */
	if (rt->icmp_fake.n_queued == RT_ICMP_FAKE_QUEUE)
		return -ENOBUFS;
	rt->icmp_fake.queue[rt->icmp_fake.n_queued].from = *dst;
	rt->icmp_fake.queue[rt->icmp_fake.n_queued].seq = seq;
	rt->icmp_fake.n_queued++;
	return 0;
}

static int fake_recv(struct eng_rt *rt, int family, struct eng_addr *from, uint16_t *seq)
{
	for (size_t i = 0; i < rt->icmp_fake.n_queued; i++) {
		if (rt->icmp_fake.queue[i].from.family != family)
			continue;
		*from = rt->icmp_fake.queue[i].from;
		*seq = rt->icmp_fake.queue[i].seq;
		memmove(&rt->icmp_fake.queue[i], &rt->icmp_fake.queue[i + 1],
			(rt->icmp_fake.n_queued - i - 1) * sizeof(rt->icmp_fake.queue[0]));
		rt->icmp_fake.n_queued--;
		return 0;
	}
	return -EAGAIN;
}

int rt_icmp_silence(struct eng_rt *rt, const struct eng_addr *server, bool silent)
{
	struct rt_icmp_fake *f;

	if (!rt || !rt->icmp_is_fake)
		return -EOPNOTSUPP;
	f = &rt->icmp_fake;
	for (size_t i = 0; i < f->n_silent; i++) {
		if (!eng_addr_equal(&f->silent[i], server))
			continue;
		if (!silent)
			f->silent[i] = f->silent[--f->n_silent];
		return 0;
	}
	if (!silent)
		return 0;
	if (f->n_silent == RT_ICMP_FAKE_SILENT)
		return -ENOSPC;
	f->silent[f->n_silent++] = *server;
	return 0;
}

/* ---- The watchdog ---------------------------------------------------------- */

static int icmp_open(struct eng_rt *rt, int family)
{
	return rt->icmp_is_fake ? 0 : sock_open(rt, family);
}

static int icmp_send(struct eng_rt *rt, const struct eng_addr *src, const struct eng_addr *dst,
		     uint16_t seq)
{
	return rt->icmp_is_fake ? fake_send(rt, src, dst, seq) : sock_send(rt, src, dst, seq);
}

static int icmp_recv(struct eng_rt *rt, int family, struct eng_addr *from, uint16_t *seq)
{
	return rt->icmp_is_fake ? fake_recv(rt, family, from, seq)
				: sock_recv(rt, family, from, seq);
}

void rt_icmp_init(struct eng_rt *rt)
{
	uint8_t r[2] = {0};

	rt->icmp_fd[0] = rt->icmp_fd[1] = -1;
	rt->icmp_is_fake = rt->opts.kernel == ENG_KERNEL_FAKE;
	/* our echo identifier: another engine's (or ping's) replies are not ours */
	if (crypto_random_bytes(r, sizeof(r)) != 0)
		r[0] = (uint8_t)getpid(), r[1] = (uint8_t)(getpid() >> 8);
	rt->echo_id = (uint16_t)(r[0] << 8 | r[1]);
}

void rt_icmp_close(struct eng_rt *rt)
{
	for (int i = 0; i < 2; i++) {
		if (rt->icmp_fd[i] >= 0)
			close(rt->icmp_fd[i]);
		rt->icmp_fd[i] = -1;
	}
}

static bool watching(const struct rt_tun *t)
{
	return t->cfg.icmp.server.family && t->cfg.icmp.interval && t->cfg.icmp.retries &&
	       t->configured;
}

/* Restart: the CHILD_SAs first, the IKE SA when that did not help. */
static void watch_restart(struct eng_rt *rt, struct rt_tun *t)
{
	struct rt_watch *w = &t->watch;
	char s[64], d[64], when[16], why[sizeof(w->last)];
	time_t now = time(NULL);
	struct tm tm;
	bool ike = w->child_restarted;

	eng_addr_str(&t->cfg.icmp.server, d, sizeof(d));
	eng_addr_str(&t->cfg.icmp.source, s, sizeof(s));
	if (!localtime_r(&now, &tm) || !strftime(when, sizeof(when), "%H:%M:%S", &tm))
		snprintf(when, sizeof(when), "?");
	snprintf(why, sizeof(why),
		 "ICMP watchdog: %s did not answer %u pings from %s; %s restarted %s", d,
		 (unsigned)t->cfg.icmp.retries, s, ike ? "IKE SA" : "tunnel", when);
	eng_logf(rt->log, ENG_LOG_WARNING, "tunnel %s: %s", t->name, why);
	snprintf(w->last, sizeof(w->last), "%s", why);
	set_reason(t, why);
	w->restarts++;
	w->misses = 0;
	w->waiting = false;
	w->child_restarted = !ike;
	if (ike)
		ike_delete(rt->ike, t->name);
	else
		ike_delete_child(rt->ike, t->name);
}

static void watch_tick(struct eng_rt *rt, struct rt_tun *t, int64_t now)
{
	struct rt_watch *w = &t->watch;
	const int64_t interval = (int64_t)t->cfg.icmp.interval * 1000;
	const int64_t timeout = (int64_t)(t->cfg.icmp.timeout ? t->cfg.icmp.timeout : 1) * 1000;
	int rc;

	if (!watching(t) || t->state != ENG_TUN_UP || !t->n_child) {
		/* nothing to watch until the tunnel is up; the count starts afresh */
		w->up = false;
		w->waiting = false;
		w->misses = 0;
		return;
	}
	if (!w->up) {
		w->up = true;
		w->next_ms = now; /* the first ping as soon as it is up */
	}
	if (w->waiting && now >= w->deadline_ms) {
		w->waiting = false;
		w->lost++;
		w->misses++;
		eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL,
			   "tunnel %s: ICMP watchdog: no answer to ping %u (%u of %u)", t->name,
			   (unsigned)w->seq, (unsigned)w->misses, (unsigned)t->cfg.icmp.retries);
		if (w->misses >= t->cfg.icmp.retries) {
			watch_restart(rt, t);
			/* the SAs are going: the next ping once they had time to be back */
			w->next_ms = now + interval;
			return;
		}
	}
	if (w->waiting || now < w->next_ms)
		return;
	rc = icmp_open(rt, t->cfg.icmp.server.family);
	w->seq++;
	w->sent++;
	w->next_ms = now + interval;
	w->deadline_ms = now + timeout;
	w->waiting = true;
	if (rc == 0)
		rc = icmp_send(rt, &t->cfg.icmp.source, &t->cfg.icmp.server, w->seq);
	if (rc && !w->send_err) {
		/* counted as lost: a ping that cannot leave is not an answer */
		eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: ICMP watchdog cannot ping: %s", t->name,
			 strerror(-rc));
	}
	w->send_err = rc;
}

static void watch_reply(struct eng_rt *rt, const struct eng_addr *from, uint16_t seq)
{
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];
		struct rt_watch *w = &t->watch;

		if (!watching(t) || !w->waiting || w->seq != seq ||
		    !eng_addr_equal(&t->cfg.icmp.server, from))
			continue;
		w->waiting = false;
		w->answered++;
		w->misses = 0;
		w->child_restarted = false;
		return;
	}
}

void rt_icmp_tick(struct eng_rt *rt)
{
	static const int fams[2] = {AF_INET, AF_INET6};
	int64_t now = eng_now_ms();

	/* replies first: one that came in time is not a miss */
	for (int f = 0; f < 2; f++) {
		for (int budget = 64; budget > 0; budget--) {
			struct eng_addr from;
			uint16_t seq;
			int rc = icmp_recv(rt, fams[f], &from, &seq);

			if (rc == -EAGAIN)
				break;
			if (rc == 0)
				watch_reply(rt, &from, seq);
		}
	}
	for (size_t i = 0; i < rt->n_tun; i++)
		watch_tick(rt, rt->tun[i], now);
}

int64_t rt_icmp_next_ms(const struct eng_rt *rt)
{
	int64_t next = -1;

	if (rt->icmp_is_fake && rt->icmp_fake.n_queued)
		return eng_now_ms();
	for (size_t i = 0; i < rt->n_tun; i++) {
		const struct rt_tun *t = rt->tun[i];
		int64_t due;

		if (!watching(t) || t->state != ENG_TUN_UP || !t->n_child)
			continue;
		due = !t->watch.up	 ? eng_now_ms()
		      : t->watch.waiting ? t->watch.deadline_ms
					 : t->watch.next_ms;
		if (next < 0 || due < next)
			next = due;
	}
	return next;
}

size_t rt_icmp_fds(const struct eng_rt *rt, int *fds, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < 2 && n < max; i++)
		if (rt->icmp_fd[i] >= 0)
			fds[n++] = rt->icmp_fd[i];
	return n;
}

void rt_icmp_status(const struct rt_tun *t, struct eng_tunnel_status *s)
{
	const struct rt_watch *w = &t->watch;

	if (!t->cfg.icmp.server.family)
		return;
	s->icmp.state = !w->up			   ? ENG_ICMP_IDLE
			: w->misses || w->send_err ? ENG_ICMP_MISSING
						   : ENG_ICMP_OK;
	s->icmp.misses = w->misses;
	s->icmp.sent = w->sent;
	s->icmp.answered = w->answered;
	s->icmp.lost = w->lost;
	s->icmp.restarts = w->restarts;
	snprintf(s->icmp.last, sizeof(s->icmp.last), "%s", w->last);
}
