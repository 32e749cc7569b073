/*
 * Two engines in one process, configured through the command tree as an
 * operator would, negotiating over loopback UDP, each with the recording
 * kernel fake.  What the runtime glue promises: tunnels come up from a
 * commit, both kernels get matching SAs, a commit that does not change a
 * tunnel's settings leaves its SAs alone, a changed tunnel is negotiated
 * again, removal and shutdown take the kernel state away, and the reason
 * a tunnel is down is shown.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "ctl.h"
#include "eng_test.h"
#include "fw.h"
#include "grammar_util.h"
#include "kernel_fake.h"

struct pair {
	struct gsess a, b;
	uint16_t port_a, port_b;
};

static int open_side(struct gsess *g, uint16_t port, uint16_t peer)
{
	struct eng_runtime_opts rt = {
	    .kernel = ENG_KERNEL_FAKE,
	    .ike_port = port,
	    .natt_port = (uint16_t)(port + 1),
	    .peer_port = peer,
	    .peer_natt_port = (uint16_t)(peer + 1),
	    /* a peer that does not answer is given up quickly */
	    .retransmit_ms = 200,
	    .retransmit_tries = 2,
	};
	int fds[8];

	eng_addr_parse("127.0.0.1", &rt.bind);
	if (gsess_open_rt(g, NULL, ENG_ROLE_ADMIN, &rt))
		return -1;
	/* no sockets: the port is taken, the engine runs without IKE */
	if (eng_poll_fds(g->eng, fds, 8) == 0) {
		gsess_close(g, true);
		return -EADDRINUSE;
	}
	return 0;
}

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));

	for (unsigned i = 0; i < 100; i++) {
		uint16_t base = (uint16_t)(31000 + ((unsigned)getpid() * 4 + i * 4) % 8000);

		p->port_a = base;
		p->port_b = (uint16_t)(base + 2);
		if (open_side(&p->a, p->port_a, p->port_b))
			continue;
		if (open_side(&p->b, p->port_b, p->port_a) == 0)
			break;
		gsess_close(&p->a, true);
		p->port_a = 0;
	}
	assert_int_not_equal(p->port_a, 0);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	eng_test_set_clock(0);

	gsess_close(&p->a, true);
	gsess_close(&p->b, true);
	free(p);
	return 0;
}

/* Poll both engines' sockets and run their timers for up to ms. */
static void pump(struct pair *p, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf[16];
		int fds[8];
		size_t n = 0, k;

		k = eng_poll_fds(p->a.eng, fds, 8);
		for (size_t i = 0; i < k; i++)
			pf[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		k = eng_poll_fds(p->b.eng, fds, 8);
		for (size_t i = 0; i < k; i++)
			pf[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		poll(pf, n, 20);
		eng_tick(p->a.eng);
		eng_tick(p->b.eng);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return;
	}
}

static struct eng_tunnel_status status(struct gsess *g, const char *name)
{
	struct eng_tunnel_status *v, s;
	size_t n;

	assert_int_equal(eng_tunnel_status(g->es, name, &v, &n), 0);
	assert_int_equal(n, 1);
	s = v[0];
	free(v);
	return s;
}

/* Pump until both sides are up, for at most 10 s. */
static void wait_up(struct pair *p, const char *name)
{
	for (int i = 0; i < 100; i++) {
		if (status(&p->a, name).state == ENG_TUN_UP &&
		    status(&p->b, name).state == ENG_TUN_UP && status(&p->a, name).n_child == 1 &&
		    status(&p->b, name).n_child == 1)
			return;
		pump(p, 100);
	}
	fail_msg("tunnel %s not up: A %s (%s), B %s (%s)", name,
		 eng_tun_state_name(status(&p->a, name).state), status(&p->a, name).reason,
		 eng_tun_state_name(status(&p->b, name).state), status(&p->b, name).reason);
}

static void configure(struct gsess *g, const char *lines)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "configure terminal\n%s\ncommit\nend", lines);
	gs_reset(g);
	if (gs_script(g, buf) != CMD_OK)
		fail_msg("configuration failed: %s", g->err ? g->err : "");
}

static const char side_a[] = "ipsec tunnel T\n"
			     " local-address 127.0.0.1\n"
			     " remote-address 127.0.0.1\n"
			     " authentication pre-share key k-1\n"
			     " local-subnet 10.1.0.0/24\n"
			     " remote-subnet 10.2.0.0/24";
static const char side_b[] = "ipsec tunnel T\n"
			     " local-address 127.0.0.1\n"
			     " remote-address 127.0.0.1\n"
			     " authentication pre-share key k-1\n"
			     " local-subnet 10.2.0.0/24\n"
			     " remote-subnet 10.1.0.0/24\n"
			     " start-mode responder-only";

static void bring_up(struct pair *p)
{
	configure(&p->b, side_b);
	configure(&p->a, side_a);
	wait_up(p, "T");
}

static const struct kernel_sa *find_sa(struct gsess *g, uint32_t spi)
{
	struct kernel_sa_id id = {.spi = spi, .proto = IPPROTO_ESP};

	id.dst.family = AF_INET;
	memcpy(id.dst.bytes, "\x7f\0\0\x01", 4);
	return kernel_fake_sa_find(eng_test_kernel(g->eng), &id);
}

static void test_up_and_matching_kernel_state(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a, b;
	const struct kernel_sa *a_out, *b_in, *a_in, *b_out;
	struct kernel *ka, *kb;

	bring_up(p);
	a = status(&p->a, "T");
	b = status(&p->b, "T");
	assert_true(a.ike_up && a.initiator);
	assert_true(a.ike_established > 0 && a.ike_established <= time(NULL));
	assert_true(b.ike_up && !b.initiator);
	assert_memory_equal(a.spi_i, b.spi_i, 8);
	assert_memory_equal(a.spi_r, b.spi_r, 8);
	/* each side's outbound SPI is the other's inbound one */
	assert_int_equal(a.child[0].spi_out, b.child[0].spi_in);
	assert_int_equal(a.child[0].spi_in, b.child[0].spi_out);
	/* the traffic selectors as configured, seen from each side */
	assert_int_equal(a.child[0].local_ts.len, 24);
	assert_int_equal(a.child[0].local_ts.addr.bytes[1], 1);
	assert_int_equal(a.child[0].remote_ts.addr.bytes[1], 2);
	assert_int_equal(b.child[0].local_ts.addr.bytes[1], 2);

	/* both kernels: the same keys in each direction */
	ka = eng_test_kernel(p->a.eng);
	kb = eng_test_kernel(p->b.eng);
	assert_non_null(ka);
	assert_non_null(kb);
	assert_int_equal(kernel_fake_sa_count(ka), 2);
	assert_int_equal(kernel_fake_sa_count(kb), 2);
	/* out, in and fwd for one subnet pair */
	assert_int_equal(kernel_fake_policy_count(ka), 3);
	assert_int_equal(kernel_fake_policy_count(kb), 3);
	a_out = find_sa(&p->a, a.child[0].spi_out);
	b_in = find_sa(&p->b, b.child[0].spi_in);
	a_in = find_sa(&p->a, a.child[0].spi_in);
	b_out = find_sa(&p->b, b.child[0].spi_out);
	assert_non_null(a_out);
	assert_non_null(b_in);
	assert_non_null(a_in);
	assert_non_null(b_out);
	assert_true(a_out->enc_key_len >= 20);
	assert_int_equal(a_out->enc_key_len, b_in->enc_key_len);
	assert_memory_equal(a_out->enc_key, b_in->enc_key, a_out->enc_key_len);
	assert_memory_equal(a_in->enc_key, b_out->enc_key, a_in->enc_key_len);
	/* and the two directions differ */
	assert_memory_not_equal(a_out->enc_key, a_in->enc_key, a_in->enc_key_len);

	/* the operator's view */
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto ipsec sa", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "interface: T\n"));
	assert_non_null(strstr(p->a.out, "(10.1.0.0/255.255.255.0/0/0)"));
	assert_non_null(strstr(p->a.out, "transform: esp-gcm 256 ,"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "  State: UP-ACTIVE\n"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto ikev2 sa", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "READY"));
}

/* A commit that does not touch the tunnel's effective settings (here its
 * description and another object) leaves its SAs as they are. */
static void test_unchanged_tunnel_keeps_sas(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status before, after;
	size_t adds;

	bring_up(p);
	before = status(&p->a, "T");
	adds = kernel_fake_count(eng_test_kernel(p->a.eng), KF_SA_ADD);
	configure(&p->a, "ipsec tunnel T\n description now with words\n"
			 "crypto ipsec policy UNUSED\n encryption aes128-gcm");
	pump(p, 300);
	after = status(&p->a, "T");
	assert_int_equal(after.state, ENG_TUN_UP);
	assert_int_equal(after.child[0].spi_in, before.child[0].spi_in);
	assert_int_equal(after.child[0].spi_out, before.child[0].spi_out);
	assert_memory_equal(after.spi_i, before.spi_i, 8);
	assert_int_equal(kernel_fake_count(eng_test_kernel(p->a.eng), KF_SA_ADD), adds);
}

/* A changed tunnel is negotiated again, with new SAs. */
static void test_changed_tunnel_renegotiates(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status before, after;

	bring_up(p);
	before = status(&p->a, "T");
	configure(&p->b, "ipsec tunnel T\n dpd interval 10 timeout 30");
	configure(&p->a, "ipsec tunnel T\n dpd interval 10 timeout 30");
	wait_up(p, "T");
	after = status(&p->a, "T");
	assert_memory_not_equal(after.spi_i, before.spi_i, 8);
	assert_int_not_equal(after.child[0].spi_in, before.child[0].spi_in);
	/* the old SAs are gone from the kernel: one pair only */
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 2);
	assert_null(find_sa(&p->a, before.child[0].spi_in));
}

static void test_wrong_key_reason(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a;

	configure(&p->b, side_b);
	configure(&p->a, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " authentication pre-share key not-k-1\n local-subnet 10.1.0.0/24\n"
			 " remote-subnet 10.2.0.0/24");
	for (int i = 0; i < 50; i++) {
		pump(p, 100);
		a = status(&p->a, "T");
		if (strstr(a.reason, "AUTHENTICATION_FAILED"))
			break;
	}
	assert_non_null(strstr(a.reason, "AUTHENTICATION_FAILED"));
	assert_int_not_equal(a.state, ENG_TUN_UP);
	/* the key itself is never in the reason, the log or show */
	assert_null(strstr(a.reason, "k-1"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show logging", NULL), CMD_OK);
	assert_null(strstr(p->a.out, "k-1"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "Reason: AUTHENTICATION_FAILED"));
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 0);
	/* fail closed: the subnets' policies are there without an SA */
	assert_int_equal(kernel_fake_policy_count(eng_test_kernel(p->a.eng)), 3);
}

/*
 * A half-open IKE SA (a's key is wrong, so b's never completes) is counted
 * as negotiating by show crypto ikev2 stats, and as half open.
 */
static void test_half_open_in_stats(void **state)
{
	struct pair *p = *state;
	struct eng_ike_stats st;

	configure(&p->b, side_b);
	configure(&p->a, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " authentication pre-share key not-k-1\n local-subnet 10.1.0.0/24\n"
			 " remote-subnet 10.2.0.0/24");
	for (int i = 0; i < 50; i++) {
		pump(p, 100);
		if (strstr(status(&p->a, "T").reason, "AUTHENTICATION_FAILED"))
			break;
	}
	assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
	assert_true(st.ike_half_open >= 1);
	assert_true(st.ike_negotiating >= st.ike_half_open);
	assert_int_equal(st.ike_active, 0);
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show crypto ikev2 stats", NULL), CMD_OK);
	assert_null(strstr(p->b.out, "negotiating                    : 0\n"));
	assert_null(strstr(p->b.out, "half-open (as responder)     : 0\n"));
	assert_non_null(strstr(p->b.out, "Refused: half-open per address : 0\n"));
}

static void test_remove_and_shutdown(void **state)
{
	struct pair *p = *state;

	bring_up(p);
	configure(&p->a, "ipsec tunnel T\n shutdown");
	pump(p, 300);
	assert_int_equal(status(&p->a, "T").state, ENG_TUN_SHUTDOWN);
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 0);
	assert_int_equal(kernel_fake_policy_count(eng_test_kernel(p->a.eng)), 0);
	/* the peer was told: its SAs are gone too */
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->b.eng)), 0);
	assert_int_not_equal(status(&p->b, "T").state, ENG_TUN_UP);

	configure(&p->a, "ipsec tunnel T\n no shutdown");
	wait_up(p, "T");
	configure(&p->a, "no ipsec tunnel T");
	pump(p, 300);
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 0);
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->b.eng)), 0);
}

static void test_clear_brings_auto_back(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status before, after;

	bring_up(p);
	before = status(&p->a, "T");
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "clear crypto ikev2 sa tunnel T", NULL), CMD_OK);
	assert_int_equal(gs_run(&p->a, "clear crypto ikev2 sa tunnel NOPE", NULL), CMD_FAILED);
	assert_non_null(strstr(p->a.err, "% Error: No tunnel named NOPE"));
	/* the IKE core restarts an auto tunnel after a back-off of 5 s */
	for (int i = 0; i < 120; i++) {
		pump(p, 100);
		after = status(&p->a, "T");
		if (after.state == ENG_TUN_UP && after.n_child &&
		    memcmp(after.spi_i, before.spi_i, 8) != 0)
			break;
	}
	assert_int_equal(after.state, ENG_TUN_UP);
	assert_memory_not_equal(after.spi_i, before.spi_i, 8);
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 2);
}

/* The newest policy of one direction the fake kernel was given. */
static const struct kernel_policy *last_policy(struct kernel *k, uint8_t dir)
{
	const struct kernel_policy *found = NULL;

	for (size_t i = 0; i < kernel_fake_ncalls(k); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(k, i);

		if (c->op == KF_POLICY_UPDATE && c->pol.dir == dir)
			found = &c->pol;
	}
	return found;
}

/* on-demand: trap policies (out, in, fwd), the kernel's ACQUIRE starts
 * IKE, and the traps stay when the CHILD_SA is gone: traffic waits, it
 * never leaves in clear. */
static void test_on_demand(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	const struct kernel_policy *trap;
	struct kernel_event ev = {.kind = KERNEL_EV_ACQUIRE};
	char buf[1024];

	configure(&p->b, side_b);
	snprintf(buf, sizeof(buf), "%s\n start-mode on-demand", side_a);
	configure(&p->a, buf);
	pump(p, 500);
	assert_int_equal(status(&p->a, "T").state, ENG_TUN_IDLE);
	assert_int_equal(kernel_fake_sa_count(ka), 0);
	assert_int_equal(kernel_fake_policy_count(ka), 3);
	trap = last_policy(ka, KERNEL_DIR_OUT);
	assert_non_null(trap);
	assert_int_equal(trap->sel.src_len, 24);
	assert_int_equal(trap->sel.src.bytes[1], 1);
	assert_int_equal(trap->sel.dst.bytes[1], 2);
	assert_true(kernel_reqid_owned(ka, trap->reqid));

	ev.reqid = trap->reqid;
	assert_int_equal(kernel_fake_inject(ka, &ev), 0);
	wait_up(p, "T");
	assert_int_equal(kernel_fake_policy_count(ka), 3);

	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "clear crypto ipsec sa tunnel T", NULL), CMD_OK);
	pump(p, 500);
	assert_int_equal(kernel_fake_sa_count(ka), 0);
	assert_int_equal(kernel_fake_policy_count(ka), 3);
	assert_int_equal(kernel_fake_count(ka, KF_POLICY_DEL), 0);
}

/* debug ... explains what happens, to the log callback, without secrets;
 * undebug all stops it. */
static void test_debug(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a;
	char spi[32];

	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show debugging", NULL), CMD_OK);
	assert_string_equal(p->a.out, "Debugging:\n  none\n");
	assert_int_equal(gs_run(&p->a, "debug crypto ikev2 packet", NULL), CMD_OK);
	assert_int_equal(gs_run(&p->a, "debug crypto ipsec", NULL), CMD_OK);
	assert_int_equal(gs_run(&p->a, "debug kernel xfrm", NULL), CMD_OK);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show debugging", NULL), CMD_OK);
	assert_string_equal(p->a.out, "Debugging:\n  Crypto IKEv2 packet debugging is on\n"
				      "  Crypto IPsec debugging is on\n"
				      "  Kernel XFRM debugging is on\n");
	bring_up(p);
	a = status(&p->a, "T");
	assert_non_null(p->a.log);
	assert_non_null(strstr(p->a.log, "7 IKEv2: "));
	assert_non_null(strstr(p->a.log, "IKE_SA_INIT"));
	snprintf(spi, sizeof(spi), "CHILD_SA in 0x%08x", a.child[0].spi_in);
	assert_non_null(strstr(p->a.log, spi));
	snprintf(spi, sizeof(spi), "XFRM: add SA esp spi 0x%08x", a.child[0].spi_out);
	assert_non_null(strstr(p->a.log, spi));
	assert_null(strstr(p->a.log, "k-1"));
	/* the other engine had no debug on: no debug lines */
	assert_true(!p->b.log || !strstr(p->b.log, "7 "));

	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "undebug all", NULL), CMD_OK);
	assert_string_equal(p->a.out, "All possible debugging has been turned off\n");
	free(p->a.log);
	p->a.log = NULL;
	p->a.log_len = 0;
	assert_int_equal(gs_run(&p->a, "clear crypto ipsec sa", NULL), CMD_OK);
	pump(p, 300);
	assert_true(!p->a.log || !strstr(p->a.log, "7 "));
}

static void test_clear_peer(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status before;

	bring_up(p);
	before = status(&p->a, "T");
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "clear crypto ikev2 sa peer 10.9.9.9", NULL), CMD_FAILED);
	assert_non_null(strstr(p->a.err, "% Error: No IKE SA with peer 10.9.9.9"));
	assert_int_equal(gs_run(&p->a, "clear crypto session remote 127.0.0.1", NULL), CMD_OK);
	pump(p, 300);
	assert_true(memcmp(status(&p->a, "T").spi_i, before.spi_i, 8) != 0 ||
		    status(&p->a, "T").state != ENG_TUN_UP);
}

/* A host name is resolved without blocking the engine. */
static void test_host_name(void **state)
{
	struct pair *p = *state;

	configure(&p->b, side_b);
	configure(&p->a, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address localhost\n"
			 " authentication pre-share key k-1\n local-subnet 10.1.0.0/24\n"
			 " remote-subnet 10.2.0.0/24");
	wait_up(p, "T");
	assert_int_equal(status(&p->a, "T").remote.bytes[0], 127);
}

/* remote-address entries are tried in order: the first does not answer. */
static void test_remote_addresses_in_order(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a;
	bool failed_first = false;

	configure(&p->b, side_b);
	configure(&p->a, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.9\n"
			 " remote-address 127.0.0.1\n authentication pre-share key k-1\n"
			 " local-subnet 10.1.0.0/24\n remote-subnet 10.2.0.0/24");
	for (int i = 0; i < 150; i++) {
		pump(p, 100);
		a = status(&p->a, "T");
		if (strstr(a.reason, "no reply from 127.0.0.9"))
			failed_first = true;
		if (a.state == ENG_TUN_UP && a.n_child)
			break;
	}
	assert_true(failed_first);
	assert_int_equal(a.state, ENG_TUN_UP);
	assert_int_equal(a.remote.bytes[3], 1);
}

/* sa-idletime: SAs unused for that long go; an on-demand tunnel waits for
 * traffic again.  SAs in use stay. */
static void test_idletime(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	struct kernel_event ev = {.kind = KERNEL_EV_ACQUIRE};
	struct eng_tunnel_status a;
	char buf[1024];

	configure(&p->b, side_b);
	snprintf(buf, sizeof(buf), "%s\n start-mode on-demand\n sa-idletime 3", side_a);
	configure(&p->a, buf);
	pump(p, 300);
	ev.reqid = kernel_fake_last(ka, KF_POLICY_UPDATE)->pol.reqid;
	assert_int_equal(kernel_fake_inject(ka, &ev), 0);
	wait_up(p, "T");
	a = status(&p->a, "T");
	/* traffic: the inbound SA is used now, again and again, for 4 s */
	for (int i = 0; i < 8; i++) {
		/* no last-use time, as Linux 6.1 reports none: the count moves */
		struct kernel_sa_stats st = {.packets = (uint64_t)i + 1};
		struct kernel_sa_id id = {.spi = a.child[0].spi_in, .proto = IPPROTO_ESP};

		id.dst.family = AF_INET;
		memcpy(id.dst.bytes, "\x7f\0\0\x01", 4);
		assert_int_equal(kernel_fake_set_counters(ka, &id, &st), 0);
		pump(p, 500);
	}
	assert_int_equal(status(&p->a, "T").state, ENG_TUN_UP);
	/* then nothing: gone within the idle time and a second */
	pump(p, 4500);
	assert_int_not_equal(status(&p->a, "T").state, ENG_TUN_UP);
	assert_int_equal(kernel_fake_sa_count(ka), 0);
	assert_int_equal(kernel_fake_policy_count(ka), 3); /* the traps stay */
	assert_non_null(strstr(p->a.log, "no traffic for 3 s"));
}

/* sa-lifetime ... kilobytes: byte limits on both kernel SAs, soft at 90 %. */
static void test_volume_lifetime(void **state)
{
	struct pair *p = *state;
	const struct kernel_sa *in, *out;
	struct eng_tunnel_status a;
	char buf[1024];

	configure(&p->b, side_b);
	snprintf(buf, sizeof(buf), "%s\n sa-lifetime 600 kilobytes 2560", side_a);
	configure(&p->a, buf);
	wait_up(p, "T");
	a = status(&p->a, "T");
	in = find_sa(&p->a, a.child[0].spi_in);
	out = find_sa(&p->a, a.child[0].spi_out);
	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(in->lft.hard_bytes, 2560 * 1024);
	assert_int_equal(out->lft.hard_bytes, 2560 * 1024);
	assert_int_equal(in->lft.soft_bytes, 2560 * 1024 / 10 * 9);
	assert_int_equal(in->lft.hard_add_s, 600);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto ipsec sa", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "remaining key lifetime (k/sec): (2560/"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto session detail", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "life (KB/Sec) 2560/"));
}

static void set_packets(struct gsess *g, uint32_t spi, uint64_t packets)
{
	struct kernel_sa_stats st = {.packets = packets, .bytes = packets * 100};
	struct kernel_sa_id id = {.spi = spi, .proto = IPPROTO_ESP};

	id.dst.family = AF_INET;
	memcpy(id.dst.bytes, "\x7f\0\0\x01", 4);
	assert_int_equal(kernel_fake_set_counters(eng_test_kernel(g->eng), &id, &st), 0);
}

/* The counters shown come from the kernel; clear zeroes what is shown,
 * the kernel's own counters go on. */
static void test_counters(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a;

	bring_up(p);
	a = status(&p->a, "T");
	set_packets(&p->a, a.child[0].spi_in, 10);
	a = status(&p->a, "T");
	assert_int_equal(a.child[0].in.packets, 10);
	assert_int_equal(a.total_in.packets, 10);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto ipsec sa", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "#pkts decaps: 10, #pkts decrypt: 10, #pkts verify: 10"));
	assert_int_equal(gs_run(&p->a, "clear crypto ipsec sa counters", NULL), CMD_OK);
	a = status(&p->a, "T");
	assert_int_equal(a.child[0].in.packets, 0);
	assert_int_equal(a.total_in.packets, 0);
	set_packets(&p->a, a.child[0].spi_in, 15);
	a = status(&p->a, "T");
	assert_int_equal(a.child[0].in.packets, 5);
	assert_int_equal(a.total_in.bytes, 500);
}

static const struct kernel_sa *find_sa_x(struct gsess *g, uint32_t spi, uint32_t if_id,
					 uint32_t mark)
{
	struct kernel_sa_id id = {.spi = spi, .proto = IPPROTO_ESP, .if_id = if_id};

	id.mark = (struct kernel_mark){mark, mark ? 0xffffffffu : 0};
	id.dst.family = AF_INET;
	memcpy(id.dst.bytes, "\x7f\0\0\x01", 4);
	return kernel_fake_sa_find(eng_test_kernel(g->eng), &id);
}

static size_t policies_with(struct kernel *k, uint32_t if_id, uint32_t mark)
{
	size_t n = 0;

	for (size_t i = 0; i < kernel_fake_ncalls(k); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(k, i);

		if (c->op == KF_POLICY_UPDATE && c->result == 0 && c->pol.if_id == if_id &&
		    c->pol.mark.value == mark)
			n++;
	}
	return n;
}

/* xfrm-interface: the interface is made, SAs and policies carry its ID;
 * where the kernel has no XFRM interfaces, VTI and marks. */
static void test_xfrm_interface(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng), *kb = eng_test_kernel(p->b.eng);
	const struct kernel_iface *ifc;
	struct eng_tunnel_status a, b;
	char buf[1024];

	kernel_fake_set_iface_support(kb, false, true);
	snprintf(buf, sizeof(buf), "%s\n xfrm-interface vti7 if-id 7", side_b);
	configure(&p->b, buf);
	snprintf(buf, sizeof(buf), "%s\n xfrm-interface ipsec7 if-id 7", side_a);
	configure(&p->a, buf);
	wait_up(p, "T");
	a = status(&p->a, "T");
	b = status(&p->b, "T");

	ifc = kernel_fake_iface_find(ka, "ipsec7");
	assert_non_null(ifc);
	assert_int_equal(ifc->kind, KERNEL_IFACE_XFRM);
	assert_int_equal(ifc->if_id, 7);
	assert_non_null(find_sa_x(&p->a, a.child[0].spi_in, 7, 0));
	assert_null(find_sa(&p->a, a.child[0].spi_in));
	/* the traps, then the CHILD_SA's policies on the same selectors */
	assert_int_equal(policies_with(ka, 7, 0), 6);

	ifc = kernel_fake_iface_find(kb, "vti7");
	assert_non_null(ifc);
	assert_int_equal(ifc->kind, KERNEL_IFACE_VTI);
	assert_non_null(find_sa_x(&p->b, b.child[0].spi_in, 0, 7));
	assert_null(find_sa(&p->b, b.child[0].spi_in));
	assert_int_equal(policies_with(kb, 0, 7), 6);

	/* gone from the configuration: gone from the kernel */
	configure(&p->a, "ipsec tunnel T\n no xfrm-interface");
	wait_up(p, "T");
	assert_null(kernel_fake_iface_find(ka, "ipsec7"));
	a = status(&p->a, "T");
	assert_non_null(find_sa(&p->a, a.child[0].spi_in));
}

/* Two tunnels: a commit that changes one leaves the other's SAs alone.
 * (Closing the engine with both configured is what the teardown does,
 * under ASan too.) */
static void test_two_tunnels(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status t1, t2;
	char buf[1024];

	configure(&p->b, side_b);
	snprintf(buf, sizeof(buf),
		 "%s\nipsec tunnel U\n local-address 127.0.0.1\n remote-address 127.0.0.9\n"
		 " authentication pre-share key k-2\n local-subnet 10.3.0.0/24\n"
		 " remote-subnet 10.4.0.0/24",
		 side_a);
	configure(&p->a, buf);
	wait_up(p, "T");
	t1 = status(&p->a, "T");
	configure(&p->a, "ipsec tunnel U\n dpd interval 20 timeout 60\n remote-address 127.0.0.8");
	pump(p, 500);
	t2 = status(&p->a, "T");
	assert_int_equal(t2.state, ENG_TUN_UP);
	assert_int_equal(t2.child[0].spi_in, t1.child[0].spi_in);
	assert_memory_equal(t2.spi_i, t1.spi_i, 8);
	assert_int_equal(kernel_fake_sa_count(eng_test_kernel(p->a.eng)), 2);
	/* U's traps and T's policies: 3 each */
	assert_int_equal(kernel_fake_policy_count(eng_test_kernel(p->a.eng)), 6);
}

/* A CHILD_SA whose policies the kernel refuses is not left half in:
 * both SAs go, the reason says why. */
static void test_policy_failure_removes_sas(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	struct eng_tunnel_status a;

	configure(&p->b, side_b);
	configure(&p->a, side_a);
	/* the traps went in at commit; the CHILD_SA's second policy fails */
	kernel_fake_fail(ka, KF_POLICY_UPDATE, 1, -ENOBUFS, "no room");
	for (int i = 0; i < 30; i++) {
		pump(p, 100);
		a = status(&p->a, "T");
		if (strstr(a.reason, "no room"))
			break;
	}
	assert_non_null(strstr(a.reason, "no room"));
	assert_int_equal(a.n_child, 0);
	assert_int_equal(kernel_fake_sa_count(ka), 0);
}

/* The kernel's soft expiry of the outbound SA (a volume limit reached by
 * outbound traffic) rekeys the CHILD_SA too. */
static void test_outbound_expire_rekeys(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	struct kernel_event ev = {.kind = KERNEL_EV_EXPIRE};
	struct eng_tunnel_status before, after;

	bring_up(p);
	before = status(&p->a, "T");
	ev.sa.spi = before.child[0].spi_out;
	ev.sa.proto = IPPROTO_ESP;
	ev.sa.dst.family = AF_INET;
	memcpy(ev.sa.dst.bytes, "\x7f\0\0\x01", 4);
	assert_int_equal(kernel_fake_inject(ka, &ev), 0);
	for (int i = 0; i < 30; i++) {
		pump(p, 100);
		after = status(&p->a, "T");
		if (after.n_child == 1 && after.child[0].spi_out != before.child[0].spi_out)
			break;
	}
	assert_int_equal(after.state, ENG_TUN_UP);
	assert_int_not_equal(after.child[0].spi_out, before.child[0].spi_out);
	/* the IKE SA stays: a CHILD_SA rekey, not a new negotiation */
	assert_memory_equal(after.spi_i, before.spi_i, 8);
}

/* A responder for any peer shows the peer it has, never garbage. */
static void test_responder_any_peer(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status b;

	configure(&p->b, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address any\n"
			 " authentication pre-share key k-1\n local-subnet 10.2.0.0/24\n"
			 " remote-subnet 10.1.0.0/24\n start-mode responder-only");
	configure(&p->a, side_a);
	wait_up(p, "T");
	b = status(&p->b, "T");
	assert_int_equal(b.remote.family, AF_INET);
	assert_int_equal(b.remote.bytes[0], 127);
	assert_int_equal(b.remote_port, p->port_a);
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show crypto ipsec sa", NULL), CMD_OK);
	assert_non_null(strstr(p->b.out, "remote crypto endpt.: 127.0.0.1\n"));
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "clear crypto ikev2 sa peer 127.0.0.1", NULL), CMD_OK);
}

/* Both sides of tunnel name, keyed with a pre-shared key of len bytes. */
static void configure_keyed(struct pair *p, const char *name, size_t len)
{
	char key[ENG_SECRET_MAX + 1], buf[1024];

	assert_true(len <= ENG_SECRET_MAX);
	for (size_t i = 0; i < len; i++)
		key[i] = (char)('a' + i % 26);
	key[len] = '\0';
	snprintf(buf, sizeof(buf),
		 "ipsec tunnel %s\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
		 " authentication pre-share key %s\n local-subnet 10.2.0.0/24\n"
		 " remote-subnet 10.1.0.0/24\n start-mode responder-only",
		 name, key);
	configure(&p->b, buf);
	snprintf(buf, sizeof(buf),
		 "ipsec tunnel %s\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
		 " authentication pre-share key %s\n local-subnet 10.1.0.0/24\n"
		 " remote-subnet 10.2.0.0/24",
		 name, key);
	configure(&p->a, buf);
}

/*
 * Every pre-shared key the configuration takes is one the IKE core can
 * use: 200 bytes, and the limit itself, bring the tunnel up; one byte more
 * is refused with the limit named.
 */
static void test_long_psk(void **state)
{
	struct pair *p = *state;
	char buf[ENG_SECRET_MAX + 128];

	configure_keyed(p, "L200", 200);
	wait_up(p, "L200");
	configure_keyed(p, "LMAX", ENG_SECRET_MAX);
	wait_up(p, "LMAX");

	snprintf(buf, sizeof(buf),
		 "configure terminal\nipsec tunnel L200\n"
		 " authentication pre-share key %0*d\n",
		 ENG_SECRET_MAX + 1, 0);
	gs_reset(&p->a);
	assert_int_not_equal(gs_script(&p->a, buf), CMD_OK);
	assert_non_null(p->a.err);
	assert_non_null(strstr(p->a.err, "1 to 256 characters"));
	gs_reset(&p->a);
	assert_int_equal(gs_script(&p->a, "end"), CMD_OK);
}

/* An identity as long as the configuration takes is the one sent and checked. */
static void test_long_id(void **state)
{
	struct pair *p = *state;
	char id[ENG_ID_MAX + 1], buf[1024];

	for (size_t i = 0; i < ENG_ID_MAX; i++)
		id[i] = (char)('a' + i % 26);
	id[ENG_ID_MAX] = '\0';
	snprintf(buf, sizeof(buf), "%s\n remote-id key-id %s", side_b, id);
	configure(&p->b, buf);
	snprintf(buf, sizeof(buf), "%s\n local-id key-id %s", side_a, id);
	configure(&p->a, buf);
	wait_up(p, "T");
}

/*
 * A group list as long as the configuration takes is offered whole: a
 * responder that accepts only the tenth group still agrees on it.
 */
static void test_ten_groups(void **state)
{
	struct pair *p = *state;

	configure(&p->b, "crypto ikev2 policy 31\n group 31\n"
			 "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " ike-policy 31\n authentication pre-share key k-1\n"
			 " local-subnet 10.2.0.0/24\n remote-subnet 10.1.0.0/24\n"
			 " start-mode responder-only");
	configure(&p->a, "crypto ikev2 policy 10\n group 1 2 5 14 15 16 19 20 21 31\n"
			 "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " ike-policy 10\n authentication pre-share key k-1\n"
			 " local-subnet 10.1.0.0/24\n remote-subnet 10.2.0.0/24");
	wait_up(p, "T");
	assert_int_equal(status(&p->a, "T").ike_group, 31);
	assert_int_equal(status(&p->b, "T").ike_group, 31);
	assert_string_equal(status(&p->a, "T").auth_sign, "PSK");
	assert_string_equal(status(&p->b, "T").auth_verify, "PSK");
}

/*
 * The IKE core moves to the engines' own NAT-T ports (--ike-port and the
 * one above it here), not to 4500: the IKE SA and the kernel's UDP
 * encapsulation both show them.
 */
static void test_natt_ports(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a, b;
	const struct kernel_sa *a_out;
	char buf[512];

	snprintf(buf, sizeof(buf), "%s\n nat-traversal force", side_a);
	configure(&p->b, side_b);
	configure(&p->a, buf);
	wait_up(p, "T");
	a = status(&p->a, "T");
	b = status(&p->b, "T");
	assert_int_equal(a.local_port, p->port_a + 1);
	assert_int_equal(a.remote_port, p->port_b + 1);
	assert_int_equal(b.local_port, p->port_b + 1);
	assert_int_equal(b.remote_port, p->port_a + 1);
	a_out = find_sa(&p->a, a.child[0].spi_out);
	assert_non_null(a_out);
	assert_int_equal(a_out->encap.sport, p->port_a + 1);
	assert_int_equal(a_out->encap.dport, p->port_b + 1);
}

/* An engine without IKE says so for every tunnel. */
static void test_configuration_only_engine(void **state)
{
	struct gsess g;
	struct eng_tunnel_status *v;
	size_t n;

	(void)state;
	assert_int_equal(gsess_open(&g, NULL, ENG_ROLE_ADMIN), 0);
	configure(&g, side_a);
	assert_int_equal(eng_tunnel_status(g.es, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].state, ENG_TUN_DOWN);
	assert_non_null(strstr(v[0].reason, "without IKE"));
	assert_string_equal(v[0].not_in_effect, "");
	free(v);
	configure(&g, "ipsec tunnel T\n mobike\n icmp-detect server 10.2.0.1 source 10.1.0.1 "
		      "interval 5 timeout 2 retries 3");
	assert_int_equal(eng_tunnel_status(g.es, "T", &v, &n), 0);
	assert_string_equal(v[0].not_in_effect, "mobike");
	free(v);
	gs_reset(&g);
	assert_int_equal(gs_run(&g, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(g.out, "  Not in effect yet: mobike\n"));
	assert_int_equal(eng_tunnel_status(g.es, "NOPE", &v, &n), -ENOENT);
	gsess_close(&g, true);
}

static bool sel_has(const struct kernel_addr *net, uint8_t len, const uint8_t ip[4])
{
	for (unsigned bit = 0; bit < len; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));

		if ((net->bytes[bit / 8] & m) != (ip[bit / 8] & m))
			return false;
	}
	return true;
}

/* The installed policy the kernel would pick for a packet (lowest priority value wins). */
static const struct kernel_policy *policy_for(struct kernel *k, uint8_t dir, const uint8_t src[4],
					      const uint8_t dst[4])
{
	const struct kernel_policy *best = NULL;

	for (size_t i = 0; i < kernel_fake_ncalls(k); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(k, i);
		const struct kernel_policy *pol;
		struct kernel_policy_id id;

		if ((c->op != KF_POLICY_UPDATE && c->op != KF_POLICY_ADD) || c->result != 0)
			continue;
		kernel_policy_id_of(&c->pol, &id);
		pol = kernel_fake_policy_find(k, &id);
		if (!pol || pol->dir != dir || !sel_has(&pol->sel.src, pol->sel.src_len, src) ||
		    !sel_has(&pol->sel.dst, pol->sel.dst_len, dst))
			continue;
		if (!best || pol->priority < best->priority)
			best = pol;
	}
	return best;
}

/* Whether an installed SA has this reqid (what a template of it resolves to). */
static bool sa_with_reqid(struct kernel *k, uint32_t reqid)
{
	for (size_t i = 0; i < kernel_fake_ncalls(k); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(k, i);
		const struct kernel_sa *sa;
		struct kernel_sa_id id;

		if ((c->op != KF_SA_ADD && c->op != KF_SA_UPDATE) || c->result != 0)
			continue;
		kernel_sa_id_of(&c->sa, &id);
		sa = kernel_fake_sa_find(k, &id);
		if (sa && sa->reqid == reqid)
			return true;
	}
	return false;
}

/* Narrowed by the peer from 10.1.0.0/24 to /25: a packet from the other
 * half meets the trap, whose reqid no SA has (it waits for an SA that
 * never comes), neither the CHILD_SA nor a way out in clear. */
static void test_narrowed_traffic_stays_out(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	static const uint8_t inside[4] = {10, 1, 0, 5}, outside[4] = {10, 1, 0, 200};
	static const uint8_t far[4] = {10, 2, 0, 7};
	const struct kernel_policy *pol;
	struct eng_tunnel_status a;
	const struct kernel_sa *sa;
	uint32_t child_reqid;

	configure(&p->b, "ipsec tunnel T\n"
			 " local-address 127.0.0.1\n"
			 " remote-address 127.0.0.1\n"
			 " authentication pre-share key k-1\n"
			 " local-subnet 10.2.0.0/24\n"
			 " remote-subnet 10.1.0.0/25\n"
			 " start-mode responder-only");
	configure(&p->a, side_a);
	wait_up(p, "T");
	a = status(&p->a, "T");
	assert_int_equal(a.child[0].local_ts.len, 25);
	sa = find_sa(&p->a, a.child[0].spi_in);
	assert_non_null(sa);
	child_reqid = sa->reqid;
	assert_true(sa_with_reqid(ka, child_reqid));

	/* inside the narrowed selectors: the CHILD_SA, both ways */
	pol = policy_for(ka, KERNEL_DIR_OUT, inside, far);
	assert_non_null(pol);
	assert_int_equal(pol->action, KERNEL_POLICY_IPSEC);
	assert_int_equal(pol->reqid, child_reqid);
	pol = policy_for(ka, KERNEL_DIR_IN, far, inside);
	assert_non_null(pol);
	assert_int_equal(pol->reqid, child_reqid);

	/* outside: a template (never clear) that resolves to no SA, both ways */
	pol = policy_for(ka, KERNEL_DIR_OUT, outside, far);
	assert_non_null(pol);
	assert_int_equal(pol->action, KERNEL_POLICY_IPSEC);
	assert_int_not_equal(pol->reqid, child_reqid);
	assert_true(kernel_reqid_owned(ka, pol->reqid));
	assert_false(sa_with_reqid(ka, pol->reqid));
	pol = policy_for(ka, KERNEL_DIR_IN, far, outside);
	assert_non_null(pol);
	assert_int_not_equal(pol->reqid, child_reqid);
	assert_false(sa_with_reqid(ka, pol->reqid));
	pol = policy_for(ka, KERNEL_DIR_FWD, far, outside);
	assert_non_null(pol);
	assert_int_not_equal(pol->reqid, child_reqid);

	/* one IKE SA on each side, as the stats count them */
	{
		struct eng_ike_stats st;

		assert_int_equal(eng_ike_stats(p->a.es, &st), 0);
		assert_int_equal(st.ike_active, 1);
		assert_int_equal(st.ike_negotiating, 0);
		assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
		assert_int_equal(st.ike_active, 1);
	}

	/* its ACQUIRE is the tunnel's, which is up already: nothing changes */
	{
		struct kernel_event ev = {.kind = KERNEL_EV_ACQUIRE};

		ev.reqid = policy_for(ka, KERNEL_DIR_OUT, outside, far)->reqid;
		assert_int_equal(kernel_fake_inject(ka, &ev), 0);
		pump(p, 300);
		assert_int_equal(status(&p->a, "T").state, ENG_TUN_UP);
		assert_int_equal(status(&p->a, "T").child[0].spi_in, a.child[0].spi_in);
	}
}

/*
 * A NAT put between a and b once their tunnel is up, made of loopback
 * sockets: the test takes b's NAT-T socket for itself and gives b's engine
 * a socket on another port in its place (same descriptor), then relays
 * a's datagrams to it from an outside socket of its own, the NAT's mapping,
 * and b's answers back from b's port. b's engine still believes it is on
 * its port, as behind a real NAT. Rebinding replaces the outside socket.
 */
struct relay {
	int b_port_fd; /* b's NAT-T port, now the NAT's face towards a */
	int b_now;     /* the port b's engine really listens on now */
	int out;       /* the mapping towards b */
	struct sockaddr_in a_at;
	bool a_known;
	uint8_t req[4096]; /* the last request a sent */
	size_t req_len;
};

static int udp_bound(uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int on = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint16_t udp_port(int fd)
{
	struct sockaddr_in sin = {0};
	socklen_t sl = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		return 0;
	return ntohs(sin.sin_port);
}

/* Put the relay in front of b's NAT-T port (port). */
static void relay_insert(struct relay *r, struct gsess *b, uint16_t port)
{
	int fds[8], fd = -1, sub;
	size_t n = eng_poll_fds(b->eng, fds, 8);

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in sin = {0};
		socklen_t sl = sizeof(sin);

		if (getsockname(fds[i], (struct sockaddr *)&sin, &sl) == 0 &&
		    sin.sin_family == AF_INET && ntohs(sin.sin_port) == port)
			fd = fds[i];
	}
	assert_true(fd >= 0);
	r->b_port_fd = dup(fd);
	sub = udp_bound(0);
	assert_true(r->b_port_fd >= 0 && sub >= 0);
	assert_int_equal(dup2(sub, fd), fd);
	close(sub);
	r->b_now = udp_port(fd);
	r->out = udp_bound(0);
	assert_true(r->out >= 0);
}

static void relay_close(struct relay *r)
{
	close(r->b_port_fd);
	close(r->out);
}

/* The NAT forgets its mapping: a new outside port from now on. */
static void relay_rebind(struct relay *r)
{
	int old = r->out;

	/* the new socket first, so that it cannot get the old port */
	r->out = udp_bound(0);
	assert_true(r->out >= 0);
	close(old);
}

static void relay_forward(struct relay *r, bool from_a)
{
	uint8_t buf[4096];
	struct sockaddr_in from, to = {.sin_family = AF_INET};
	socklen_t sl = sizeof(from);
	ssize_t n;

	n = recvfrom(from_a ? r->b_port_fd : r->out, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &sl);
	if (n <= 0)
		return;
	if (!from_a) {
		if (r->a_known)
			sendto(r->b_port_fd, buf, (size_t)n, 0, (struct sockaddr *)&r->a_at,
			       sizeof(r->a_at));
		return;
	}
	r->a_at = from;
	r->a_known = true;
	/* the non-ESP marker, then the IKE header whose flags (octet 19) say
	 * request or response */
	if (n > 4 + 28 && memcmp(buf, "\0\0\0\0", 4) == 0 && !(buf[4 + 19] & 0x20)) {
		memcpy(r->req, buf, (size_t)n);
		r->req_len = (size_t)n;
	}
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)r->b_now);
	sendto(r->out, buf, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to));
}

/* pump() with the relay in the path. */
static void pump_nat(struct pair *p, struct relay *r, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf[18];
		int fds[8];
		size_t n = 0, k;

		pf[n++] = (struct pollfd){.fd = r->b_port_fd, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = r->out, .events = POLLIN};
		k = eng_poll_fds(p->a.eng, fds, 8);
		for (size_t i = 0; i < k; i++)
			pf[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		k = eng_poll_fds(p->b.eng, fds, 8);
		for (size_t i = 0; i < k; i++)
			pf[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		poll(pf, n, 20);
		if (pf[0].revents & POLLIN)
			relay_forward(r, true);
		if (pf[1].revents & POLLIN)
			relay_forward(r, false);
		eng_tick(p->a.eng);
		eng_tick(p->b.eng);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return;
	}
}

/* a asks for a CHILD_SA rekey (the kernel's soft expiry of its outbound SA). */
static void rekey_a(struct pair *p, uint32_t spi_out)
{
	struct kernel_event ev = {.kind = KERNEL_EV_EXPIRE};

	ev.sa.spi = spi_out;
	ev.sa.proto = IPPROTO_ESP;
	ev.sa.dst.family = AF_INET;
	memcpy(ev.sa.dst.bytes, "\x7f\0\0\x01", 4);
	assert_int_equal(kernel_fake_inject(eng_test_kernel(p->a.eng), &ev), 0);
}

/* Pump until b has one CHILD_SA other than old_spi_in. */
static struct eng_tunnel_status wait_b_rekeyed(struct pair *p, struct relay *r, uint32_t old_spi_in)
{
	struct eng_tunnel_status b;

	for (int i = 0; i < 50; i++) {
		pump_nat(p, r, 100);
		b = status(&p->b, "T");
		if (b.n_child == 1 && b.child[0].spi_in != old_spi_in &&
		    status(&p->a, "T").n_child == 1)
			break;
	}
	assert_int_equal(b.state, ENG_TUN_UP);
	assert_int_not_equal(b.child[0].spi_in, old_spi_in);
	return b;
}

/* b's kernel: UPDSA calls since the last clear, each moving the pair
 * (spi_in, spi_out) to the peer's port. */
static size_t assert_updates_to(struct kernel *k, const struct eng_tunnel_status *b,
				uint16_t peer_port, uint16_t own_port)
{
	size_t n = 0;

	for (size_t i = 0; i < kernel_fake_ncalls(k); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(k, i);

		if (c->op != KF_SA_UPDATE)
			continue;
		n++;
		assert_int_equal(c->result, 0);
		assert_true(c->sa.encap.on);
		if (c->sa.spi == b->child[0].spi_out) {
			assert_int_equal(c->sa.encap.dport, peer_port);
			assert_int_equal(c->sa.encap.sport, own_port);
		} else {
			assert_int_equal(c->sa.spi, b->child[0].spi_in);
			assert_int_equal(c->sa.encap.sport, peer_port);
			assert_int_equal(c->sa.encap.dport, own_port);
		}
	}
	return n;
}

/*
 * RFC 7296 §2.23 in the kernel: b, not behind the NAT, moves its CHILD_SA's
 * UDP encapsulation (UPDSA) to a's new mapping after a new authenticated
 * request from it; a request replayed from elsewhere moves nothing.
 */
static void test_nat_rebinding_moves_kernel_sas(void **state)
{
	struct pair *p = *state;
	struct relay r;
	struct kernel *ka = eng_test_kernel(p->a.eng), *kb = eng_test_kernel(p->b.eng);
	struct eng_tunnel_status a, b, b1, b2;
	struct eng_ike_stats st;
	const struct kernel_sa *b_out, *b_in;
	struct sockaddr_in to = {.sin_family = AF_INET};
	uint16_t b_port = (uint16_t)(p->port_b + 1), mapped, rebound;
	uint8_t buf[4096];
	char conf[512];
	int attacker;

	/* a makes b believe in a NAT from the start (so b's SAs encapsulate) */
	snprintf(conf, sizeof(conf), "%s\n nat-traversal force", side_a);
	configure(&p->b, side_b);
	configure(&p->a, conf);
	wait_up(p, "T");
	a = status(&p->a, "T");
	b = status(&p->b, "T");
	assert_true(b.nat_remote && !b.nat_local);
	assert_int_equal(b.remote_port, p->port_a + 1);

	/* the NAT appears: a's next request reaches b from the NAT's port */
	relay_insert(&r, &p->b, b_port);
	mapped = udp_port(r.out);
	kernel_fake_clear_calls(kb);
	rekey_a(p, a.child[0].spi_out);
	b1 = wait_b_rekeyed(p, &r, b.child[0].spi_in);
	assert_int_equal(b1.remote_port, mapped);
	assert_int_equal(b1.local_port, b_port);
	/* the pair up then was updated in place, both directions, before the
	 * rekey replaced it; the new pair is at the mapping */
	assert_int_equal(assert_updates_to(kb, &b, mapped, b_port), 2);
	b_out = find_sa(&p->b, b1.child[0].spi_out);
	b_in = find_sa(&p->b, b1.child[0].spi_in);
	assert_non_null(b_out);
	assert_non_null(b_in);
	assert_true(b_out->encap.on);
	assert_int_equal(b_out->encap.dport, mapped);
	assert_int_equal(b_in->encap.sport, mapped);
	assert_int_equal(kernel_fake_sa_count(kb), 2);

	/* a's last request (the Delete of the old pair) sent again from another
	 * port: b answers from its cache, to where it came from, moves nothing */
	assert_true(r.req_len > 0);
	kernel_fake_clear_calls(kb);
	assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
	attacker = udp_bound(0);
	assert_true(attacker >= 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)r.b_now);
	assert_int_equal(sendto(attacker, r.req, r.req_len, 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)r.req_len);
	for (int i = 0; i < 100; i++) {
		struct pollfd pf = {.fd = attacker, .events = POLLIN};

		pump_nat(p, &r, 20);
		if (poll(&pf, 1, 0) == 1)
			break;
	}
	assert_true(recv(attacker, buf, sizeof(buf), MSG_DONTWAIT) > 0);
	close(attacker);
	{
		uint64_t before = st.resp_from_cache;

		assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
		assert_int_equal(st.resp_from_cache, before + 1);
	}
	assert_int_equal(status(&p->b, "T").remote_port, mapped);
	assert_int_equal(kernel_fake_count(kb, KF_SA_UPDATE), 0);
	b_out = find_sa(&p->b, b1.child[0].spi_out);
	assert_non_null(b_out);
	assert_int_equal(b_out->encap.dport, mapped);

	/* the NAT rebinds: a's next request comes from a new port, b follows */
	relay_rebind(&r);
	rebound = udp_port(r.out);
	assert_int_not_equal(rebound, mapped);
	a = status(&p->a, "T");
	rekey_a(p, a.child[0].spi_out);
	b2 = wait_b_rekeyed(p, &r, b1.child[0].spi_in);
	assert_int_equal(b2.remote_port, rebound);
	assert_int_equal(assert_updates_to(kb, &b1, rebound, b_port), 2);
	b_out = find_sa(&p->b, b2.child[0].spi_out);
	assert_non_null(b_out);
	assert_int_equal(b_out->encap.dport, rebound);
	/* a, behind the NAT, moved nothing */
	assert_int_equal(kernel_fake_count(ka, KF_SA_UPDATE), 0);
	relay_close(&r);
}

/*
 * crypto ikev2 cookie-challenge reaches the IKE core at commit: with the
 * default (30) a half-open SA left by a failed attempt asks nothing of the
 * next initiator; with 1 it must echo a COOKIE (and still comes up); `no`
 * brings the default back.
 */
static void test_cookie_challenge_setting(void **state)
{
	struct pair *p = *state;
	struct eng_ike_stats st;

	configure(&p->b, side_b);
	configure(&p->a, "ipsec tunnel T\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " authentication pre-share key not-k-1\n local-subnet 10.1.0.0/24\n"
			 " remote-subnet 10.2.0.0/24");
	for (int i = 0; i < 50; i++) {
		pump(p, 100);
		if (strstr(status(&p->a, "T").reason, "AUTHENTICATION_FAILED"))
			break;
	}
	assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
	assert_true(st.ike_half_open >= 1);
	assert_int_equal(st.cookies_sent, 0);

	configure(&p->b, "crypto ikev2 cookie-challenge 1");
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show running-config", NULL), CMD_OK);
	assert_non_null(strstr(p->b.out, "\ncrypto ikev2 cookie-challenge 1\n"));
	configure(&p->a, "ipsec tunnel T\n authentication pre-share key k-1");
	wait_up(p, "T");
	assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
	assert_true(st.cookies_sent >= 1);
	assert_true(st.cookies_accepted >= 1);

	/* back to the default: a new negotiation is not asked for one */
	configure(&p->b, "no crypto ikev2 cookie-challenge");
	{
		uint64_t sent = st.cookies_sent;

		assert_int_equal(eng_clear_ike_sa(p->a.es, "T"), 0);
		pump(p, 200);
		wait_up(p, "T");
		assert_int_equal(eng_ike_stats(p->b.es, &st), 0);
		assert_int_equal(st.cookies_sent, sent);
	}
}

/* Wait (up to 2 s) until one of g's descriptors is readable. */
static void wait_readable(struct gsess *g)
{
	struct pollfd pf[8];
	int fds[8];
	size_t k = eng_poll_fds(g->eng, fds, 8);

	for (size_t i = 0; i < k; i++)
		pf[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	assert_true(poll(pf, k, 2000) > 0);
}

/* The tunnel's status as ikeshd serves it: a request through the daemon's
 * side of the control protocol, the reply read as the client reads it. */
static struct eng_tunnel_status status_over_ctl(struct gsess *g, const char *name)
{
	struct eng_tunnel_status st;
	struct eng_ctl *c;
	struct ebuf b = {0}, q = {0};
	struct ctl_hdr h;
	struct rbuf r;
	const void *out;
	size_t len;

	assert_int_equal(eng_ctl_new(g->eng, "viewer", ENG_ROLE_OPERATOR, &c), 0);
	wb_str(&q, name);
	ctl_frame(&b, CTL_TUNNEL_STATUS, 1, q.s, q.len);
	assert_int_equal(eng_ctl_input(c, b.s, b.len), 0);
	len = eng_ctl_pending(c, &out);
	assert_true(len >= CTL_HDR_LEN);
	ctl_hdr_get(out, &h);
	assert_int_equal(h.type, CTL_REPLY);
	assert_int_equal(h.seq, 1);
	assert_int_equal(len, CTL_HDR_LEN + h.len);
	r = (struct rbuf){(const uint8_t *)out + CTL_HDR_LEN, h.len, 0, false};
	assert_int_equal(rb_i32(&r), 0);
	assert_int_equal(rb_u32(&r), 1);
	assert_int_equal(rb_status(&r, &st), 0);
	assert_true(rb_done(&r));
	eng_ctl_free(c);
	free(b.s);
	free(q.s);
	return st;
}

static size_t count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * An IKE rekey, stopped half way: b has answered a's CREATE_CHILD_SA, so it
 * has the old and the new IKE SA; a, once it has the answer, the new one
 * and the old one being deleted. The status lists both, and so does show
 * crypto ikev2 sa; afterwards one is left.
 */
static void test_every_ike_sa_shown(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status a, b;
	struct timespec ts;
	int64_t t0;
	char buf[1024];

	clock_gettime(CLOCK_REALTIME, &ts);
	t0 = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

	eng_test_set_clock(t0);
	snprintf(buf, sizeof(buf), "crypto ikev2 policy 10\n lifetime 120\n%s\n ike-policy 10",
		 side_a);
	configure(&p->b, side_b);
	configure(&p->a, buf);
	wait_up(p, "T");
	b = status(&p->b, "T");
	assert_int_equal(b.n_ike_sa, 1);
	assert_true(b.ike_sa[0].current);
	assert_int_equal(b.ike_sa[0].state, ENG_IKE_SA_READY);
	assert_memory_equal(b.ike_sa[0].spi_i, b.spi_i, 8);

	/* past a's rekey time (85-90% of 120 s): a sends its request */
	eng_test_set_clock(t0 + 110 * 1000);
	eng_tick(p->a.eng);
	wait_readable(&p->b);
	eng_tick(p->b.eng);
	b = status(&p->b, "T");
	assert_int_equal(b.n_ike_sa, 2);
	assert_int_equal(b.ike_sa[0].state, ENG_IKE_SA_READY);
	assert_int_equal(b.ike_sa[1].state, ENG_IKE_SA_READY);
	assert_memory_not_equal(b.ike_sa[0].spi_i, b.ike_sa[1].spi_i, 8);
	assert_true(b.ike_sa[0].current);
	assert_false(b.ike_sa[1].current);
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show crypto ikev2 sa", NULL), CMD_OK);
	assert_int_equal(count_str(p->b.out, " READY\n"), 2);
	assert_int_equal(count_str(p->b.out, "IPv4 Crypto IKEv2  SA\n"), 1);
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show crypto ikev2 sa detail", NULL), CMD_OK);
	assert_int_equal(count_str(p->b.out, "      Tunnel: T\n"), 2);
	/* and what ikeshd would send is the same */
	{
		struct eng_tunnel_status w = status_over_ctl(&p->b, "T");

		assert_int_equal(w.n_ike_sa, 2);
		assert_memory_equal(w.ike_sa, b.ike_sa, sizeof(w.ike_sa));
	}

	/* a takes the answer: the new SA is up, the old one's Delete is out */
	wait_readable(&p->a);
	eng_tick(p->a.eng);
	a = status(&p->a, "T");
	assert_int_equal(a.n_ike_sa, 2);
	assert_int_equal(a.ike_sa[0].state, ENG_IKE_SA_READY);
	assert_true(a.ike_sa[0].current);
	assert_int_equal(a.ike_sa[1].state, ENG_IKE_SA_DELETING);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show crypto ikev2 sa", NULL), CMD_OK);
	assert_int_equal(count_str(p->a.out, " READY\n"), 1);
	assert_int_equal(count_str(p->a.out, " DELETE\n"), 1);

	/* the Delete done, one each */
	for (int i = 0; i < 50; i++) {
		pump(p, 50);
		if (status(&p->a, "T").n_ike_sa == 1 && status(&p->b, "T").n_ike_sa == 1)
			break;
	}
	a = status(&p->a, "T");
	b = status(&p->b, "T");
	eng_test_set_clock(0);
	assert_int_equal(a.n_ike_sa, 1);
	assert_int_equal(b.n_ike_sa, 1);
	assert_memory_equal(a.ike_sa[0].spi_i, b.ike_sa[0].spi_i, 8);
	assert_memory_equal(a.ike_sa[0].spi_r, b.ike_sa[0].spi_r, 8);
	gs_reset(&p->b);
	assert_int_equal(gs_run(&p->b, "show crypto ikev2 sa", NULL), CMD_OK);
	assert_int_equal(count_str(p->b.out, " READY\n"), 1);
}

/* Many tunnels: each found by its name and by its trap policies' reqid
 * (a kernel ACQUIRE) after others were added and removed around it. */
static void many_tunnels(struct gsess *g, unsigned n, unsigned step, bool remove)
{
	size_t cap = (size_t)n * 256 + 64, len = 0;
	char *buf = malloc(cap);

	assert_non_null(buf);
	len += (size_t)snprintf(buf + len, cap - len, "configure terminal\n");
	for (unsigned i = 0; i < n; i += step) {
		if (remove) {
			len += (size_t)snprintf(buf + len, cap - len, "no ipsec tunnel M%03u\n", i);
			continue;
		}
		len += (size_t)snprintf(buf + len, cap - len,
					"ipsec tunnel M%03u\n local-address 127.0.0.1\n"
					" remote-address 127.0.0.1\n"
					" authentication pre-share key k-%u\n"
					" local-subnet 10.1.0.0/24\n remote-subnet 10.2.%u.0/24\n"
					" start-mode on-demand\n",
					i, i, i);
	}
	snprintf(buf + len, cap - len, "commit\nend");
	gs_reset(g);
	if (gs_script(g, buf) != CMD_OK)
		fail_msg("configuration failed: %s", g->err ? g->err : "");
	free(buf);
}

static uint32_t trap_reqid(struct kernel *k, unsigned i)
{
	const uint8_t src[4] = {10, 1, 0, 1}, dst[4] = {10, 2, (uint8_t)i, 1};
	const struct kernel_policy *pol = policy_for(k, KERNEL_DIR_OUT, src, dst);

	assert_non_null(pol);
	return pol->reqid;
}

static void test_many_tunnels_by_hash(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	struct kernel_event ev = {.kind = KERNEL_EV_ACQUIRE};
	uint32_t gone;

	many_tunnels(&p->a, 200, 1, false);
	gone = trap_reqid(ka, 150);
	many_tunnels(&p->a, 200, 2, true); /* the even ones go */
	assert_int_equal(status(&p->a, "M151").state, ENG_TUN_IDLE);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "clear crypto ipsec sa tunnel M150", NULL), CMD_FAILED);

	/* a removed tunnel's reqid starts nothing */
	ev.reqid = gone;
	assert_int_equal(kernel_fake_inject(ka, &ev), 0);
	ev.reqid = trap_reqid(ka, 151);
	assert_int_equal(kernel_fake_inject(ka, &ev), 0);
	for (int i = 0; i < 100 && status(&p->a, "M151").state == ENG_TUN_IDLE; i++)
		pump(p, 20);
	assert_int_equal(status(&p->a, "M151").state, ENG_TUN_CONNECTING);
	assert_int_equal(status(&p->a, "M149").state, ENG_TUN_IDLE);
	assert_int_equal(status(&p->a, "M153").state, ENG_TUN_IDLE);
	assert_int_equal(status(&p->a, "M001").state, ENG_TUN_IDLE);
}

/* A commit's trap policies go to the kernel in one batch, into a policy
 * table hashed from the configured prefix lengths; a policy the kernel
 * refuses gives its own tunnel the reason, and only that one. */
static void test_traps_batched(void **state)
{
	struct pair *p = *state;
	struct kernel *ka = eng_test_kernel(p->a.eng);
	const struct kernel_fake_call *h;
	size_t updates = 0;

	kernel_fake_clear_calls(ka);
	/* the 3 policies of M000, M001, M002...: the 2nd of M040 refused */
	kernel_fake_fail(ka, KF_POLICY_UPDATE, 40 * 3 + 1, -ENOBUFS, "no room");
	many_tunnels(&p->a, 100, 1, false);
	assert_int_equal(kernel_fake_count(ka, KF_BATCH_BEGIN), 1);
	assert_int_equal(kernel_fake_count(ka, KF_BATCH_COMMIT), 1);
	for (size_t i = 0; i < kernel_fake_ncalls(ka); i++) {
		const struct kernel_fake_call *c = kernel_fake_call(ka, i);

		if (c->op == KF_POLICY_UPDATE) {
			assert_true(c->in_batch);
			updates++;
		}
	}
	assert_int_equal(updates, 300);
	h = kernel_fake_last(ka, KF_SPD_HTHRESH);
	assert_non_null(h);
	assert_true(h->hthresh.v4 && !h->hthresh.v6);
	assert_int_equal(h->hthresh.v4_lbits, 24);
	assert_int_equal(h->hthresh.v4_rbits, 24);
	assert_non_null(strstr(status(&p->a, "M040").reason, "policies: "));
	assert_non_null(strstr(status(&p->a, "M040").reason, "no room"));
	assert_string_equal(status(&p->a, "M039").reason, "");
	assert_string_equal(status(&p->a, "M041").reason, "");
	assert_string_equal(status(&p->a, "M099").reason, "");
	assert_int_equal(kernel_fake_policy_count(ka), 299);
	/* thresholds only come down: a /16 lowers them, a /24 again does not */
	kernel_fake_clear_calls(ka);
	configure(&p->a, "ipsec tunnel W\n local-address 127.0.0.1\n remote-address 127.0.0.1\n"
			 " authentication pre-share key k-w\n local-subnet 10.9.0.0/16\n"
			 " remote-subnet 10.8.0.0/24\n start-mode on-demand");
	h = kernel_fake_last(ka, KF_SPD_HTHRESH);
	assert_non_null(h);
	assert_int_equal(h->hthresh.v4_lbits, 16);
	kernel_fake_clear_calls(ka);
	configure(&p->a, "no ipsec tunnel W");
	assert_null(kernel_fake_last(ka, KF_SPD_HTHRESH));
}

/*
 * firewall-rule: the tunnel's rules go into the engine's table with the
 * commit (one transaction), an unchanged commit sends nothing, a change
 * replaces the table, a refusal is shown, and `no firewall-rule` removes
 * the table.  The other engine, without the setting, never touches it.
 */
static void test_firewall_rule(void **state)
{
	struct pair *p = *state;
	struct fw *fa, *fb;
	struct eng_tunnel_status s;

	configure(&p->b, side_b);
	configure(&p->a, side_a);
	fa = eng_test_fw(p->a.eng);
	fb = eng_test_fw(p->b.eng);
	assert_non_null(fa);
	assert_non_null(fb);
	assert_int_equal(fw_fake_transactions(fa), 0);
	assert_string_equal(status(&p->a, "T").firewall, "");

	configure(&p->a, "ipsec tunnel T\n firewall-rule");
	assert_int_equal(fw_fake_transactions(fa), 1);
	assert_non_null(strstr(fw_fake_last(fa), "delete table inet ikesh\ntable inet ikesh {\n"));
	assert_non_null(strstr(fw_fake_last(fa), "ip saddr 127.0.0.1 udp dport { 500, 4500 } "
						 "accept comment \"T\""));
	assert_non_null(strstr(fw_fake_last(fa), "ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta "
						 "ipsec exists accept comment \"T\""));
	s = status(&p->a, "T");
	assert_true(s.fw_installed);
	assert_non_null(strstr(s.firewall, "forward: ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 "
					   "counter drop comment \"T: in clear\"\n"));
	assert_null(strstr(s.not_in_effect, "firewall"));
	wait_up(p, "T");
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out,
			       "  Firewall: installed in table inet ikesh, 7 rules\n"
			       "    input: ip saddr 127.0.0.1 udp dport { 500, 4500 } accept "
			       "comment \"T\"\n"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show firewall", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "table inet ikesh (kept by the engine for firewall-rule)\n"
					 "Tunnel T\n"
					 "  installed in table inet ikesh, 7 rules\n"));
	assert_non_null(strstr(p->a.out,
			       "    forward: ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 rt "
			       "ipsec exists accept comment \"T\"\n"));

	/* nothing of the firewall changed: nothing sent */
	configure(&p->a, "ipsec tunnel T\n description words");
	assert_int_equal(fw_fake_transactions(fa), 1);

	/* a subnet more: the table replaced, with it */
	configure(&p->a, "ipsec tunnel T\n remote-subnet 10.3.0.0/24");
	assert_int_equal(fw_fake_transactions(fa), 2);
	assert_non_null(strstr(fw_fake_last(fa), "ip saddr 10.3.0.0/24 ip daddr 10.1.0.0/24 meta "
						 "ipsec exists accept"));
	assert_non_null(strstr(fw_fake_last(fa), "ip saddr 10.2.0.0/24"));

	/* refused: said, and the tunnel's rules are not claimed */
	fw_fake_fail_next(fa, EPERM);
	configure(&p->a, "ipsec tunnel T\n remote-address 127.0.0.2");
	s = status(&p->a, "T");
	assert_false(s.fw_installed);
	assert_non_null(strstr(s.firewall, "not installed: Error: Operation not permitted"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "  Firewall: not installed: Error: Operation not "
					 "permitted"));

	/* gone with the setting: the table deleted, and only it */
	configure(&p->a, "ipsec tunnel T\n no firewall-rule");
	assert_string_equal(fw_fake_last(fa), "table inet ikesh\ndelete table inet ikesh\n");
	assert_string_equal(status(&p->a, "T").firewall, "");
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show firewall", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "No tunnel has firewall-rule"));
	assert_int_equal(fw_fake_transactions(fb), 0);
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Pump until A's watchdog counted `restarts` restarts, for at most ms;
 * returns how long it took. */
static int64_t wait_restarts(struct pair *p, uint64_t restarts, int64_t ms)
{
	int64_t t0 = now_ms();

	while (status(&p->a, "T").icmp.restarts < restarts) {
		if (now_ms() - t0 > ms)
			fail_msg("no ICMP watchdog restart %" PRIu64 " within %" PRId64 " ms (%s)",
				 restarts, ms, status(&p->a, "T").reason);
		pump(p, 50);
	}
	return now_ms() - t0;
}

/*
 * icmp-detect: while the server answers, the tunnel is left alone; once it
 * stops, `retries` misses restart the CHILD_SAs, then (still silent) the
 * IKE SA, each said in the status; answering again, the restarts stop.
 */
static void test_icmp_watchdog(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status s;
	struct eng_addr server;
	uint32_t spi;
	uint8_t ike_spi[8];
	int64_t took;
	uint64_t answered;

	configure(&p->b, side_b);
	configure(&p->a, side_a);
	configure(&p->a, "ipsec tunnel T\n icmp-detect server 10.2.0.1 source 10.1.0.1 "
			 "interval 1 timeout 1 retries 2");
	wait_up(p, "T");
	s = status(&p->a, "T");
	assert_string_equal(s.not_in_effect, "");
	spi = s.child[0].spi_in;

	/* healthy: answered, nothing restarted, the same SA after 3 pings */
	for (int i = 0; i < 100 && status(&p->a, "T").icmp.answered < 3; i++)
		pump(p, 50);
	s = status(&p->a, "T");
	assert_int_equal(s.icmp.state, ENG_ICMP_OK);
	assert_true(s.icmp.answered >= 3);
	assert_int_equal(s.icmp.lost, 0);
	assert_int_equal(s.icmp.restarts, 0);
	assert_int_equal(s.n_child, 1);
	assert_int_equal(s.child[0].spi_in, spi);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "  ICMP watchdog: answering; sent "));
	assert_null(strstr(p->a.out, "Not in effect"));

	/* silent: 2 misses (interval 1 s, timeout 1 s) restart the CHILD_SAs
	 * within 3 s of the silence, plus a second of margin */
	assert_int_equal(eng_addr_parse("10.2.0.1", &server), 0);
	assert_int_equal(eng_test_icmp_silence(p->a.eng, &server, true), 0);
	memcpy(ike_spi, s.spi_i, 8);
	took = wait_restarts(p, 1, 4000);
	print_message("ICMP watchdog: CHILD_SAs restarted %" PRId64 " ms after the server fell "
		      "silent\n",
		      took);
	s = status(&p->a, "T");
	assert_non_null(strstr(s.icmp.last, "ICMP watchdog: 10.2.0.1 did not answer 2 pings from "
					    "10.1.0.1; tunnel restarted "));
	wait_up(p, "T");
	s = status(&p->a, "T");
	assert_int_not_equal(s.child[0].spi_in, spi);
	assert_memory_equal(s.spi_i, ike_spi, 8); /* the same IKE SA */
	spi = s.child[0].spi_in;

	/* still silent: the CHILD_SAs did not help, the IKE SA goes */
	took = wait_restarts(p, 2, 4000);
	print_message("ICMP watchdog: IKE SA restarted %" PRId64 " ms later\n", took);
	assert_non_null(strstr(status(&p->a, "T").icmp.last, "; IKE SA restarted "));
	wait_up(p, "T");
	s = status(&p->a, "T");
	assert_memory_not_equal(s.spi_i, ike_spi, 8);
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "    Last restart: ICMP watchdog: 10.2.0.1 did not answer "
					 "2 pings from 10.1.0.1; IKE SA restarted "));

	/* answering again: no more restarts */
	assert_int_equal(eng_test_icmp_silence(p->a.eng, &server, false), 0);
	answered = s.icmp.answered;
	for (int i = 0; i < 100 && status(&p->a, "T").icmp.answered < answered + 3; i++)
		pump(p, 50);
	s = status(&p->a, "T");
	assert_true(s.icmp.answered >= answered + 3);
	assert_int_equal(s.icmp.restarts, 2);
	assert_int_equal(s.icmp.state, ENG_ICMP_OK);
}

/*
 * gre-tunnel: both ends make a GRE interface between the endpoints, the
 * CHILD_SA is in transport mode and its policies protect only IP protocol
 * 47 between the two endpoint addresses; removing the tunnel removes the
 * interface.
 */
static void test_gre_over_ipsec(void **state)
{
	static const char gre[] = "ipsec tunnel T\n"
				  " local-address 127.0.0.1\n"
				  " remote-address 127.0.0.1\n"
				  " authentication pre-share key k-1\n"
				  " gre-tunnel gre-ike key 42";
	struct pair *p = *state;
	const struct kernel_iface *ifc;
	const struct kernel_sa *sa;
	const struct kernel_policy *pol;
	struct kernel_policy_id id = {.dir = KERNEL_DIR_OUT};
	struct eng_tunnel_status a;
	char line[256];

	snprintf(line, sizeof(line), "%s\n start-mode responder-only", gre);
	configure(&p->b, line);
	configure(&p->a, gre);
	wait_up(p, "T");
	for (int side = 0; side < 2; side++) {
		struct kernel *k = eng_test_kernel(side ? p->b.eng : p->a.eng);

		ifc = kernel_fake_iface_find(k, "gre-ike");
		assert_non_null(ifc);
		assert_int_equal(ifc->kind, KERNEL_IFACE_GRE);
		assert_int_equal(ifc->if_id, 42);
		assert_int_equal(ifc->local.family, AF_INET);
		assert_memory_equal(ifc->local.bytes, "\x7f\0\0\x01", 4);
		assert_memory_equal(ifc->remote.bytes, "\x7f\0\0\x01", 4);
		/* transport mode: out and in (no fwd), GRE between the
		 * endpoints only; the SA's took the traps' place */
		assert_int_equal(kernel_fake_policy_count(k), 2);
	}
	a = status(&p->a, "T");
	sa = find_sa(&p->a, a.child[0].spi_out);
	assert_non_null(sa);
	assert_int_equal(sa->mode, KERNEL_MODE_TRANSPORT);
	id.sel.src.family = id.sel.dst.family = AF_INET;
	memcpy(id.sel.src.bytes, "\x7f\0\0\x01", 4);
	memcpy(id.sel.dst.bytes, "\x7f\0\0\x01", 4);
	id.sel.src_len = id.sel.dst_len = 32;
	id.sel.proto = IPPROTO_GRE;
	pol = kernel_fake_policy_find(eng_test_kernel(p->a.eng), &id);
	assert_non_null(pol);
	assert_int_equal(pol->mode, KERNEL_MODE_TRANSPORT);
	assert_int_equal(a.child[0].local_ts.len, 32);
	id.sel.proto = 0;
	assert_null(kernel_fake_policy_find(eng_test_kernel(p->a.eng), &id));
	id.dir = KERNEL_DIR_IN;
	id.sel.proto = IPPROTO_GRE;
	assert_non_null(kernel_fake_policy_find(eng_test_kernel(p->a.eng), &id));

	/* refused with subnets: nothing changes */
	gs_reset(&p->a);
	assert_int_not_equal(gs_script(&p->a, "configure terminal\nipsec tunnel T\n local-subnet "
					      "10.1.0.0/24\ncommit\nend"),
			     CMD_OK);
	assert_non_null(p->a.err);
	assert_non_null(strstr(p->a.err, "tunnel T: gre-tunnel protects GRE between the endpoints: "
					 "no local-subnet or remote-subnet with it"));
	assert_non_null(kernel_fake_iface_find(eng_test_kernel(p->a.eng), "gre-ike"));
	gs_reset(&p->a);
	gs_script(&p->a, "abort");

	/* the tunnel gone: its interface too */
	configure(&p->a, "no ipsec tunnel T");
	assert_null(kernel_fake_iface_find(eng_test_kernel(p->a.eng), "gre-ike"));
	assert_non_null(kernel_fake_iface_find(eng_test_kernel(p->b.eng), "gre-ike"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_up_and_matching_kernel_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unchanged_tunnel_keeps_sas, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changed_tunnel_renegotiates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_key_reason, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_half_open_in_stats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remove_and_shutdown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clear_brings_auto_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_on_demand, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_tunnels_by_hash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_traps_batched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_debug, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clear_peer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remote_addresses_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idletime, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_volume_lifetime, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xfrm_interface, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_tunnels, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_failure_removes_sas, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_outbound_expire_rekeys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_responder_any_peer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_psk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ten_groups, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_natt_ports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_narrowed_traffic_stays_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nat_rebinding_moves_kernel_sas, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cookie_challenge_setting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_ike_sa_shown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_firewall_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_watchdog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gre_over_ipsec, setup, teardown),
	    cmocka_unit_test(test_configuration_only_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
