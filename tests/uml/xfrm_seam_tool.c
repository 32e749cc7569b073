/* SPDX-License-Identifier: ISC */
/*
 * Drives the kernel seam from a shell script inside user-mode Linux:
 * installs child SAs and their policies, reads counters, waits for events,
 * flushes, and times bulk installs. Only the seam (kernel.h) touches the
 * kernel. Test keys are derived from the SPI so that two peers agree.
 *
 * Every command prints what it did; "check" lines name what `ip xfrm` must
 * show for the objects installed (read by tests/uml/lib.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"

struct alg {
	const char *name;
	uint8_t proto;
	uint16_t encr, keybits, integ;
};

static const struct alg algs[] = {
    {"gcm128", IPPROTO_ESP, 20, 128, 0},	 {"gcm256", IPPROTO_ESP, 20, 256, 0},
    {"gcm256-8", IPPROTO_ESP, 18, 256, 0},	 {"gcm256-12", IPPROTO_ESP, 19, 256, 0},
    {"chacha", IPPROTO_ESP, 28, 0, 0},		 {"aes128-sha256", IPPROTO_ESP, 12, 128, 12},
    {"aes192-sha384", IPPROTO_ESP, 12, 192, 13}, {"aes256-sha512", IPPROTO_ESP, 12, 256, 14},
    {"aes128-sha1", IPPROTO_ESP, 12, 128, 2},	 {"aes128-md5", IPPROTO_ESP, 12, 128, 1},
    {"3des-sha1", IPPROTO_ESP, 3, 0, 2},	 {"null-sha256", IPPROTO_ESP, 11, 0, 12},
    {"ah-sha256", IPPROTO_AH, 0, 0, 12},	 {"ah-sha1", IPPROTO_AH, 0, 0, 2},
};

struct opts {
	const char *cmd;
	struct kernel_addr local, remote;
	struct kernel_sel sel; /* local net -> remote net */
	bool have_sel;
	const struct alg *alg;
	uint8_t mode;
	uint32_t spi_out, spi_in, reqid, replay, count, timeout, if_id;
	bool esn, alloc, batch, want_hard, bad_key, bypass, primitives;
	uint32_t alloc_wait, port, mark;
	struct kernel_lifetime lft;
	uint16_t encap_sport, encap_dport;
	uint8_t hthresh;
	const char *want, *ifname, *ipbatch, *kind;
};

static int die(const char *what, struct kernel *k, int err)
{
	char buf[512];

	if (k && kernel_last_error(k)->err)
		fprintf(stderr, "xfrm_seam_tool: %s: %s\n", what,
			kernel_strerror(k, buf, sizeof(buf)));
	else
		fprintf(stderr, "xfrm_seam_tool: %s: %s\n", what, strerror(-err));
	return 1;
}

static int parse_addr(const char *s, struct kernel_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

static int parse_prefix(const char *s, struct kernel_addr *a, uint8_t *len)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	*len = (uint8_t)atoi(slash + 1);
	return parse_addr(buf, a);
}

static const char *astr(const struct kernel_addr *a, char *buf)
{
	inet_ntop(a->family, a->bytes, buf, INET6_ADDRSTRLEN);
	return buf;
}

static void test_key(uint8_t *key, size_t len, uint32_t spi, uint8_t salt)
{
	uint32_t x = spi * 2654435761u ^ salt * 40503u;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		key[i] = (uint8_t)(x >> 16);
	}
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	out += sprintf(out, "0x");
	for (size_t i = 0; i < n; i++)
		out += sprintf(out, "%02x", b[i]);
}

/* Fills one SA of the child; dir_out: local -> remote. */
static void fill_sa(const struct opts *o, struct kernel_sa *sa, bool out)
{
	const struct kernel_alg *e, *a;

	memset(sa, 0, sizeof(*sa));
	sa->src = out ? o->local : o->remote;
	sa->dst = out ? o->remote : o->local;
	sa->spi = out ? o->spi_out : o->spi_in;
	sa->proto = o->alg->proto;
	sa->mode = o->mode;
	sa->reqid = o->reqid;
	sa->encr = o->alg->encr;
	sa->encr_keybits = o->alg->keybits;
	sa->integ = o->alg->integ;
	e = sa->encr ? kernel_alg_find(1, sa->encr, sa->encr_keybits) : NULL;
	a = sa->integ ? kernel_alg_find(3, sa->integ, 0) : NULL;
	sa->enc_key_len = e ? e->key_len : 0;
	sa->integ_key_len = a ? a->key_len : 0;
	test_key(sa->enc_key, sa->enc_key_len, sa->spi, 1);
	test_key(sa->integ_key, sa->integ_key_len, sa->spi, 2);
	if (out && o->bad_key) { /* the peer will fail the integrity check */
		if (sa->integ_key_len)
			sa->integ_key[0] ^= 0xff;
		else if (sa->enc_key_len)
			sa->enc_key[0] ^= 0xff;
	}
	sa->replay_window = out ? 0 : o->replay;
	sa->esn = o->esn;
	sa->lft = o->lft;
	if (o->encap_sport) {
		sa->encap.on = true;
		sa->encap.sport = out ? o->encap_sport : o->encap_dport;
		sa->encap.dport = out ? o->encap_dport : o->encap_sport;
	}
	sa->if_id = o->if_id;
	if (o->mark) { /* VTI: the interface key marks the traffic */
		sa->mark.value = o->mark;
		sa->mark.mask = 0xffffffffu;
	}
}

static void print_sa_checks(const struct kernel_sa *sa)
{
	const struct kernel_alg *e =
	    sa->encr ? kernel_alg_find(1, sa->encr, sa->encr_keybits) : NULL;
	const struct kernel_alg *a = sa->integ ? kernel_alg_find(3, sa->integ, 0) : NULL;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], k[2 * KERNEL_KEY_MAX + 3];
	const char *p = sa->proto == IPPROTO_ESP ? "esp" : "ah";
	const char *pre = "check-state";

	astr(&sa->src, s);
	astr(&sa->dst, d);
	printf("%s %s %s %s 0x%08x %u|proto %s spi 0x%08x reqid %u mode %s\n", pre, s, d, p,
	       sa->spi, sa->mark.value, p, sa->spi, sa->reqid,
	       sa->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport");
	if (e && e->aead) {
		hex(k, sa->enc_key, sa->enc_key_len);
		printf("%s %s %s %s 0x%08x %u|aead %s %s %u\n", pre, s, d, p, sa->spi,
		       sa->mark.value, e->kname, k, e->icv_bits);
	} else if (e) {
		hex(k, sa->enc_key, sa->enc_key_len);
		printf("%s %s %s %s 0x%08x %u|enc %s %s\n", pre, s, d, p, sa->spi, sa->mark.value,
		       e->kname, e->key_len ? k : "0x");
	}
	if (a) {
		hex(k, sa->integ_key, sa->integ_key_len);
		printf("%s %s %s %s 0x%08x %u|auth-trunc %s %s %u\n", pre, s, d, p, sa->spi,
		       sa->mark.value, a->kname, k, a->icv_bits);
	}
	if (sa->esn)
		printf("%s %s %s %s 0x%08x %u|%s esn\n", pre, s, d, p, sa->spi, sa->mark.value,
		       sa->mode == KERNEL_MODE_TUNNEL ? "flag af-unspec" : "flag");
	if (sa->esn || sa->replay_window > 32)
		printf("%s %s %s %s 0x%08x %u|replay_window %u, bitmap-length %u\n", pre, s, d, p,
		       sa->spi, sa->mark.value, sa->replay_window ? sa->replay_window : 32,
		       ((sa->replay_window ? sa->replay_window : 32) + 31) / 32);
	else
		printf("%s %s %s %s 0x%08x %u|replay-window %u\n", pre, s, d, p, sa->spi,
		       sa->mark.value, sa->replay_window);
	if (sa->encap.on)
		printf("%s %s %s %s 0x%08x %u|encap type espinudp sport %u dport %u\n", pre, s, d,
		       p, sa->spi, sa->mark.value, sa->encap.sport, sa->encap.dport);
	if (sa->if_id)
		printf("%s %s %s %s 0x%08x %u|if_id 0x%x\n", pre, s, d, p, sa->spi, sa->mark.value,
		       sa->if_id);
	if (sa->mark.mask)
		printf("%s %s %s %s 0x%08x %u|mark 0x%x/0x%x\n", pre, s, d, p, sa->spi,
		       sa->mark.value, sa->mark.value, sa->mark.mask);
}

static void fill_policy(const struct opts *o, struct kernel_policy *p, uint8_t dir)
{
	bool out = dir == KERNEL_DIR_OUT;

	memset(p, 0, sizeof(*p));
	if (o->have_sel) {
		p->sel.src = out ? o->sel.src : o->sel.dst;
		p->sel.src_len = out ? o->sel.src_len : o->sel.dst_len;
		p->sel.dst = out ? o->sel.dst : o->sel.src;
		p->sel.dst_len = out ? o->sel.dst_len : o->sel.src_len;
	} else { /* transport: the hosts */
		uint8_t bits = o->local.family == AF_INET ? 32 : 128;

		p->sel.src = out ? o->local : o->remote;
		p->sel.dst = out ? o->remote : o->local;
		p->sel.src_len = p->sel.dst_len = bits;
	}
	p->dir = dir;
	p->action = KERNEL_POLICY_IPSEC;
	p->proto = o->alg ? o->alg->proto : IPPROTO_ESP;
	p->mode = o->mode;
	p->reqid = o->reqid;
	if (o->mode == KERNEL_MODE_TUNNEL) {
		p->tmpl_src = out ? o->local : o->remote;
		p->tmpl_dst = out ? o->remote : o->local;
	}
	p->if_id = o->if_id;
	if (o->mark) {
		p->mark.value = o->mark;
		p->mark.mask = 0xffffffffu;
	}
}

static void print_policy_checks(const struct kernel_policy *p)
{
	static const char *const dirs[] = {"in", "out", "fwd"};
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], ts[INET6_ADDRSTRLEN], td[INET6_ADDRSTRLEN];
	char id[200];

	snprintf(id, sizeof(id), "check-policy %s/%u %s/%u %s %u %u", astr(&p->sel.src, s),
		 p->sel.src_len, astr(&p->sel.dst, d), p->sel.dst_len, dirs[p->dir], p->if_id,
		 p->mark.value);
	printf("%s|priority %u\n", id, kernel_policy_priority(&p->sel));
	if (p->mode == KERNEL_MODE_TUNNEL)
		printf("%s|tmpl src %s dst %s\n", id, astr(&p->tmpl_src, ts),
		       astr(&p->tmpl_dst, td));
	printf("%s|proto %s reqid %u mode %s\n", id, p->proto == IPPROTO_ESP ? "esp" : "ah",
	       p->reqid, p->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport");
}

static int open_seam(struct kernel **k, bool keep, uint32_t spi)
{
	struct kernel_opts ko = {.keep_stale = keep};
	int ret;

	if (spi) { /* ALLOCSPI must hand out exactly this SPI */
		ko.spi_min = spi;
		ko.spi_max = spi;
	}
	ret = kernel_open(KERNEL_IMPL_XFRM, &ko, k);
	if (ret < 0)
		return die("open", NULL, ret);
	return 0;
}

/*
 * A child SA pair and its policies: through kernel_child_install(), or with
 * --primitives one SA and policy call at a time.
 */
static int cmd_child(struct opts *o)
{
	struct kernel *k;
	struct kernel_child c = {0};
	struct kernel_policy p;
	int ret;

	if (!o->alg || !o->local.family || !o->remote.family || !o->spi_out || !o->spi_in)
		return die("child: --alg --local --remote --spi-out --spi-in are required", NULL,
			   -EINVAL);
	if (open_seam(&k, true, o->alloc ? o->spi_in : 0))
		return 1;
	fill_sa(o, &c.out, true);
	fill_sa(o, &c.in, false);
	if (o->alloc) {
		c.in.spi = 0;
		ret = kernel_spi_alloc(k, &c.in);
		if (ret < 0)
			return die("allocate SPI", k, ret);
		printf("allocated spi 0x%08x\n", c.in.spi);
		if (o->alloc_wait) /* let the larval state expire: UPDSA falls back to NEWSA */
			sleep(o->alloc_wait);
		c.in_allocated = true;
	}
	if (o->primitives) {
		ret = c.in_allocated ? kernel_sa_update(k, &c.in) : kernel_sa_add(k, &c.in);
		if (ret < 0)
			return die("inbound SA", k, ret);
		ret = kernel_sa_add(k, &c.out);
		if (ret < 0)
			return die("outbound SA", k, ret);
		for (uint8_t dir = 0; dir <= KERNEL_DIR_FWD; dir++) {
			if (dir == KERNEL_DIR_FWD && o->mode != KERNEL_MODE_TUNNEL)
				break;
			fill_policy(o, &p, dir);
			ret = kernel_policy_add(k, &p);
			if (ret < 0)
				return die("policy", k, ret);
		}
	} else {
		if (o->have_sel)
			c.sel = o->sel;
		c.no_fwd = o->mode != KERNEL_MODE_TUNNEL;
		ret = kernel_child_install(k, &c);
		if (ret < 0)
			return die("child", k, ret);
	}
	/* what ip xfrm must show, derived here independently of the seam */
	print_sa_checks(&c.out);
	print_sa_checks(&c.in);
	for (uint8_t dir = 0; dir <= KERNEL_DIR_FWD; dir++) {
		if (dir == KERNEL_DIR_FWD && o->mode != KERNEL_MODE_TUNNEL)
			break;
		fill_policy(o, &p, dir);
		print_policy_checks(&p);
	}
	kernel_sa_wipe(&c.out);
	kernel_sa_wipe(&c.in);
	kernel_close(k);
	printf("child installed\n");
	return 0;
}

static int cmd_ondemand(struct opts *o)
{
	struct kernel *k;
	struct kernel_policy p;
	int ret;

	if (open_seam(&k, true, 0))
		return 1;
	fill_policy(o, &p, KERNEL_DIR_OUT);
	ret = kernel_policy_add(k, &p);
	if (ret < 0)
		return die("policy", k, ret);
	print_policy_checks(&p);
	kernel_close(k);
	return 0;
}

static int cmd_counters(struct opts *o)
{
	struct kernel *k;
	struct kernel_sa_id id = {0};
	struct kernel_sa_stats st;
	int ret;

	if (open_seam(&k, true, 0))
		return 1;
	id.src = o->local;
	id.dst = o->remote;
	id.spi = o->spi_out;
	id.proto = o->alg ? o->alg->proto : IPPROTO_ESP;
	if (o->mark) {
		id.mark.value = o->mark;
		id.mark.mask = 0xffffffffu;
	}
	ret = kernel_sa_counters(k, &id, &st);
	if (ret < 0)
		return die("counters", k, ret);
	printf("packets %llu bytes %llu reqid %u add %llu use %llu lastused %llu oseq %llu seq "
	       "%llu replay %u replay-window %u integrity %u\n",
	       (unsigned long long)st.packets, (unsigned long long)st.bytes, st.reqid,
	       (unsigned long long)st.add_time, (unsigned long long)st.use_time,
	       (unsigned long long)st.last_used, (unsigned long long)st.oseq,
	       (unsigned long long)st.seq, st.replay_fail, st.replay_window_fail,
	       st.integrity_fail);
	printf("config mode %s encr %s integ %s icv %u window %u esn %u\n",
	       st.mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport", st.encr[0] ? st.encr : "-",
	       st.integ[0] ? st.integ : "-", st.icv_bits, st.window, st.esn);
	kernel_close(k);
	return 0;
}

struct ev_state {
	const struct opts *o;
	int seen;
};

static void on_event(void *arg, const struct kernel_event *ev)
{
	struct ev_state *s = arg;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (ev->kind == KERNEL_EV_ACQUIRE) {
		printf("event acquire reqid %u src %s dst %s proto %u sel %s/%u -> ", ev->reqid,
		       astr(&ev->src, a), astr(&ev->dst, b), ev->proto, astr(&ev->sel.src, a),
		       ev->sel.src_len);
		printf("%s/%u\n", astr(&ev->sel.dst, b), ev->sel.dst_len);
		if (!strcmp(s->o->want, "acquire"))
			s->seen++;
	} else if (ev->kind == KERNEL_EV_EXPIRE) {
		printf("event expire %s spi 0x%08x dst %s reqid %u\n", ev->hard ? "hard" : "soft",
		       ev->sa.spi, astr(&ev->sa.dst, a), ev->reqid);
		if (!strcmp(s->o->want, ev->hard ? "expire-hard" : "expire-soft"))
			s->seen++;
	}
	fflush(stdout);
}

static int cmd_events(struct opts *o)
{
	struct kernel *k;
	struct ev_state s = {.o = o};
	struct pollfd pfd = {.events = POLLIN};
	time_t end = time(NULL) + (o->timeout ? o->timeout : 10);
	unsigned want = o->count ? o->count : 1;

	if (!o->want)
		return die("events: --want is required", NULL, -EINVAL);
	if (open_seam(&k, true, 0))
		return 1;
	pfd.fd = kernel_events_fd(k);
	if (pfd.fd < 0)
		return die("events", k, pfd.fd);
	printf("listening\n");
	fflush(stdout);
	while ((unsigned)s.seen < want && time(NULL) < end) {
		int ret;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		ret = kernel_events_read(k, on_event, &s);
		if (ret < 0)
			return die("events", k, ret);
	}
	kernel_close(k);
	if ((unsigned)s.seen < want) {
		fprintf(stderr, "xfrm_seam_tool: no %s event within %u s\n", o->want,
			o->timeout ? o->timeout : 10);
		return 1;
	}
	return 0;
}

static int cmd_flush(struct opts *o, bool via_open)
{
	struct kernel *k;
	int ret;

	if (via_open) { /* opening without keep_stale removes our state */
		if (open_seam(&k, false, 0))
			return 1;
		kernel_close(k);
		printf("opened clean\n");
		return 0;
	}
	if (open_seam(&k, true, 0))
		return 1;
	ret = kernel_flush_own(k);
	if (ret < 0)
		return die("flush", k, ret);
	kernel_close(k);
	printf("flushed\n");
	return 0;
}

static int cmd_stat(void)
{
	struct kernel *k;
	struct kernel_xfrm_stat st;
	int ret;

	if (open_seam(&k, true, 0))
		return 1;
	ret = kernel_xfrm_stat(k, &st);
	if (ret < 0)
		return die("stat", k, ret);
	for (unsigned i = 0; i < st.n; i++)
		printf("%s %llu\n", st.v[i].name, (unsigned long long)st.v[i].value);
	kernel_close(k);
	return 0;
}

static int cmd_iface(struct opts *o)
{
	struct kernel *k;
	struct kernel_iface ifc = {0};
	int ret;

	if (!o->ifname)
		return die("iface: --name is required", NULL, -EINVAL);
	if (open_seam(&k, true, 0))
		return 1;
	snprintf(ifc.name, sizeof(ifc.name), "%s", o->ifname);
	ifc.if_id = o->if_id;
	ifc.local = o->local;
	ifc.remote = o->remote;
	ifc.kind = !o->kind		      ? KERNEL_IFACE_AUTO
		   : !strcmp(o->kind, "xfrm") ? KERNEL_IFACE_XFRM
		   : !strcmp(o->kind, "vti")  ? KERNEL_IFACE_VTI
					      : KERNEL_IFACE_AUTO;
	ret = kernel_iface_create(k, &ifc);
	if (ret < 0)
		return die("iface", k, ret);
	printf("created %s kind %s ifindex %d\n", ifc.name,
	       ifc.kind == KERNEL_IFACE_XFRM ? "xfrm" : "vti", ifc.ifindex);
	ret = kernel_iface_up(k, ifc.name, true);
	if (ret < 0)
		return die("iface up", k, ret);
	printf("up %s\n", ifc.name);
	kernel_close(k);
	return 0;
}

static int cmd_iface_del(struct opts *o)
{
	struct kernel *k;
	int ret;

	if (!o->ifname)
		return die("iface-del: --name is required", NULL, -EINVAL);
	if (open_seam(&k, true, 0))
		return 1;
	ret = kernel_iface_delete(k, o->ifname);
	if (ret < 0)
		return die("iface-del", k, ret);
	printf("deleted %s\n", o->ifname);
	kernel_close(k);
	return 0;
}

/* Sends one UDP datagram to --remote:--port, from a socket with bypass policies if --bypass. */
static int cmd_bypass_send(struct opts *o)
{
	struct kernel *k;
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int fd, ret;

	if (!o->remote.family || !o->port)
		return die("bypass-send: --remote and --port are required", NULL, -EINVAL);
	if (open_seam(&k, true, 0))
		return 1;
	fd = socket(o->remote.family, SOCK_DGRAM, 0);
	if (fd < 0)
		return die("socket", NULL, -errno);
	if (o->bypass) {
		ret = kernel_bypass_socket(k, fd, o->remote.family);
		if (ret < 0)
			return die("bypass", k, ret);
	}
	if (o->remote.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)o->port);
		memcpy(&sin->sin_addr, o->remote.bytes, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)o->port);
		memcpy(&sin6->sin6_addr, o->remote.bytes, 16);
		sl = sizeof(*sin6);
	}
	ret = (int)sendto(fd, "ike", 3, 0, (struct sockaddr *)&ss, sl);
	if (ret < 0) {
		printf("sendto: %s\n", strerror(errno));
		close(fd);
		kernel_close(k);
		return 1;
	}
	printf("sent\n");
	close(fd);
	kernel_close(k);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * n tunnel children between 192.0.2.1 and 192.0.2.2, child i protecting
 * 10.(i/256).(i%256).0/24 -> 172.16.(...): two SAs, out/in/fwd policies.
 */
static void bench_child(uint32_t i, const struct opts *o, struct kernel_sa *out,
			struct kernel_sa *in, struct kernel_policy p[3])
{
	struct opts c = *o;

	c.alg = &algs[0];
	c.mode = KERNEL_MODE_TUNNEL;
	parse_addr("192.0.2.1", &c.local);
	parse_addr("192.0.2.2", &c.remote);
	c.spi_out = 0xc1000000u + 2 * i;
	c.spi_in = 0xc1000000u + 2 * i + 1;
	c.reqid = KERNEL_REQID_BASE + 1 + i;
	c.have_sel = true;
	memset(&c.sel, 0, sizeof(c.sel));
	c.sel.src.family = c.sel.dst.family = AF_INET;
	c.sel.src.bytes[0] = 10;
	c.sel.src.bytes[1] = (uint8_t)(i >> 8);
	c.sel.src.bytes[2] = (uint8_t)i;
	c.sel.dst.bytes[0] = 172;
	c.sel.dst.bytes[1] = (uint8_t)(16 + (i >> 8));
	c.sel.dst.bytes[2] = (uint8_t)i;
	c.sel.src_len = c.sel.dst_len = 24;
	c.replay = 32;
	fill_sa(&c, out, true);
	fill_sa(&c, in, false);
	for (uint8_t d = 0; d < 3; d++)
		fill_policy(&c, &p[d], d);
}

static int cmd_bench(struct opts *o)
{
	struct kernel *k;
	struct kernel_sa out, in;
	struct kernel_policy p[3];
	uint32_t n = o->count ? o->count : 1000;
	double t0, t1;
	int ret = 0;

	if (o->ipbatch) { /* the same children as `ip -batch` input */
		FILE *f = fopen(o->ipbatch, "w");
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], ek[80];
		static const char *const dirs[] = {"in", "out", "fwd"};

		if (!f)
			return die("ip batch file", NULL, -errno);
		for (uint32_t i = 0; i < n; i++) {
			bench_child(i, o, &out, &in, p);
			for (int j = 0; j < 2; j++) {
				struct kernel_sa *sa = j ? &in : &out;

				hex(ek, sa->enc_key, sa->enc_key_len);
				fprintf(
				    f,
				    "xfrm state add src %s dst %s proto esp spi 0x%08x reqid %u "
				    "mode tunnel replay-window %u flag af-unspec aead "
				    "'rfc4106(gcm(aes))' %s 128\n",
				    astr(&sa->src, s), astr(&sa->dst, d), sa->spi, sa->reqid,
				    sa->replay_window, ek);
			}
			for (int j = 0; j < 3; j++) {
				char ts[INET6_ADDRSTRLEN], td[INET6_ADDRSTRLEN];

				fprintf(
				    f,
				    "xfrm policy add src %s/24 dst %s/24 dir %s priority %u tmpl "
				    "src %s dst %s proto esp reqid %u mode tunnel\n",
				    astr(&p[j].sel.src, s), astr(&p[j].sel.dst, d), dirs[p[j].dir],
				    kernel_policy_priority(&p[j].sel), astr(&p[j].tmpl_src, ts),
				    astr(&p[j].tmpl_dst, td), p[j].reqid);
			}
		}
		kernel_sa_wipe(&out);
		kernel_sa_wipe(&in);
		fclose(f);
		printf("wrote %u children to %s\n", n, o->ipbatch);
		return 0;
	}
	if (open_seam(&k, true, 0))
		return 1;
	if (o->hthresh) {
		struct kernel_hthresh h = {
		    .v4 = true, .v4_lbits = o->hthresh, .v4_rbits = o->hthresh};

		ret = kernel_spd_hthresh(k, &h);
		if (ret < 0)
			return die("hash thresholds", k, ret);
	}
	t0 = now();
	if (o->batch && (ret = kernel_batch_begin(k)) < 0)
		return die("batch", k, ret);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		bench_child(i, o, &out, &in, p);
		ret = kernel_sa_add(k, &in);
		if (ret == 0)
			ret = kernel_sa_add(k, &out);
		for (int j = 0; j < 3 && ret == 0; j++)
			ret = kernel_policy_add(k, &p[j]);
	}
	kernel_sa_wipe(&out);
	kernel_sa_wipe(&in);
	if (ret < 0)
		return die("bench install", k, ret);
	if (o->batch && (ret = kernel_batch_commit(k, NULL, NULL)) < 0)
		return die("bench commit", k, ret);
	t1 = now();
	printf("bench %s%s: %u children (%u SAs, %u policies) in %.3f s (%.0f children/s)\n",
	       o->batch ? "seam batched" : "seam unbatched", o->hthresh ? ", hashed /24" : "", n,
	       2 * n, 3 * n, t1 - t0, n / (t1 - t0));
	t0 = now();
	ret = kernel_flush_own(k);
	t1 = now();
	if (ret < 0)
		return die("bench flush", k, ret);
	printf("bench flush: %.3f s\n", t1 - t0);
	kernel_close(k);
	return 0;
}

static const struct alg *find_alg(const char *name)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcmp(algs[i].name, name))
			return &algs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"local", 1, 0, 'l'},      {"remote", 1, 0, 'r'},	  {"lnet", 1, 0, 'L'},
	    {"rnet", 1, 0, 'R'},       {"alg", 1, 0, 'a'},	  {"mode", 1, 0, 'm'},
	    {"spi-out", 1, 0, 'o'},    {"spi-in", 1, 0, 'i'},	  {"reqid", 1, 0, 'q'},
	    {"replay", 1, 0, 'w'},     {"esn", 0, 0, 'e'},	  {"alloc", 0, 0, 'A'},
	    {"soft-packets", 1, 0, 1}, {"hard-packets", 1, 0, 2}, {"soft-secs", 1, 0, 3},
	    {"hard-secs", 1, 0, 4},    {"encap", 1, 0, 5},	  {"want", 1, 0, 6},
	    {"timeout", 1, 0, 7},      {"count", 1, 0, 'n'},	  {"batch", 0, 0, 'b'},
	    {"name", 1, 0, 8},	       {"if-id", 1, 0, 9},	  {"ipbatch", 1, 0, 10},
	    {"kind", 1, 0, 11},	       {"hthresh", 1, 0, 12},	  {"bad-key", 0, 0, 13},
	    {"alloc-wait", 1, 0, 14},  {"bypass", 0, 0, 15},	  {"port", 1, 0, 16},
	    {"primitives", 0, 0, 17},  {"mark", 1, 0, 18},	  {0, 0, 0, 0},
	};
	struct opts o = {0};
	uint8_t len;
	int c;

	if (argc < 2) {
		fprintf(stderr, "usage: xfrm_seam_tool child|ondemand|counters|events|flush|"
				"open-clean|stat|iface|iface-del|bypass-send|bench [options]\n");
		return 2;
	}
	o.cmd = argv[1];
	o.mode = KERNEL_MODE_TUNNEL;
	o.reqid = KERNEL_REQID_BASE + 1;
	o.replay = 32;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_addr(optarg, &o.local))
				return die("--local", NULL, -EINVAL);
			break;
		case 'r':
			if (parse_addr(optarg, &o.remote))
				return die("--remote", NULL, -EINVAL);
			break;
		case 'L':
			if (parse_prefix(optarg, &o.sel.src, &len))
				return die("--lnet", NULL, -EINVAL);
			o.sel.src_len = len;
			o.have_sel = true;
			break;
		case 'R':
			if (parse_prefix(optarg, &o.sel.dst, &len))
				return die("--rnet", NULL, -EINVAL);
			o.sel.dst_len = len;
			o.have_sel = true;
			break;
		case 'a':
			o.alg = find_alg(optarg);
			if (!o.alg)
				return die("--alg", NULL, -EINVAL);
			break;
		case 'm':
			o.mode = !strcmp(optarg, "transport") ? KERNEL_MODE_TRANSPORT
							      : KERNEL_MODE_TUNNEL;
			break;
		case 'o':
			o.spi_out = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'i':
			o.spi_in = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			o.reqid = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			o.replay = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'e':
			o.esn = true;
			break;
		case 'A':
			o.alloc = true;
			break;
		case 1:
			o.lft.soft_packets = strtoull(optarg, NULL, 0);
			break;
		case 2:
			o.lft.hard_packets = strtoull(optarg, NULL, 0);
			break;
		case 3:
			o.lft.soft_add_s = strtoull(optarg, NULL, 0);
			break;
		case 4:
			o.lft.hard_add_s = strtoull(optarg, NULL, 0);
			break;
		case 5:
			if (sscanf(optarg, "%hu:%hu", &o.encap_sport, &o.encap_dport) != 2)
				return die("--encap", NULL, -EINVAL);
			break;
		case 6:
			o.want = optarg;
			break;
		case 7:
			o.timeout = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			o.count = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'b':
			o.batch = true;
			break;
		case 8:
			o.ifname = optarg;
			break;
		case 9:
			o.if_id = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 10:
			o.ipbatch = optarg;
			break;
		case 11:
			o.kind = optarg;
			break;
		case 12:
			o.hthresh = (uint8_t)atoi(optarg);
			break;
		case 13:
			o.bad_key = true;
			break;
		case 14:
			o.alloc_wait = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 15:
			o.bypass = true;
			break;
		case 16:
			o.port = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 17:
			o.primitives = true;
			break;
		case 18:
			o.mark = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(o.cmd, "child"))
		return cmd_child(&o);
	if (!strcmp(o.cmd, "ondemand"))
		return cmd_ondemand(&o);
	if (!strcmp(o.cmd, "counters"))
		return cmd_counters(&o);
	if (!strcmp(o.cmd, "events"))
		return cmd_events(&o);
	if (!strcmp(o.cmd, "flush"))
		return cmd_flush(&o, false);
	if (!strcmp(o.cmd, "open-clean"))
		return cmd_flush(&o, true);
	if (!strcmp(o.cmd, "stat"))
		return cmd_stat();
	if (!strcmp(o.cmd, "iface"))
		return cmd_iface(&o);
	if (!strcmp(o.cmd, "bypass-send"))
		return cmd_bypass_send(&o);
	if (!strcmp(o.cmd, "iface-del"))
		return cmd_iface_del(&o);
	if (!strcmp(o.cmd, "bench"))
		return cmd_bench(&o);
	fprintf(stderr, "xfrm_seam_tool: unknown command %s\n", o.cmd);
	return 2;
}
