/*
 * test_impact.c - the SA-impact preview against what two engines do.
 *
 * For each change, A's candidate is asked what a commit will do to its
 * tunnels' SAs (eng_commit_impact), the candidate is committed, and the
 * SAs are watched: kept means the same SPIs and no SA added to A's
 * kernel; renegotiated means a new IKE SA and CHILD_SA and the old ones
 * gone; created means the tunnel comes up; torn down means its SAs leave
 * the kernel.  Two engines in one process over loopback UDP with the
 * recording kernel fake, as in test_runtime.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "eng_test.h"
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

static const char side_a_u[] = "ipsec tunnel U\n"
			       " local-address 127.0.0.1\n"
			       " remote-address 127.0.0.1\n"
			       " authentication pre-share key k-2\n"
			       " local-subnet 10.3.0.0/24\n"
			       " remote-subnet 10.4.0.0/24";
static const char side_b_u[] = "ipsec tunnel U\n"
			       " local-address 127.0.0.1\n"
			       " remote-address 127.0.0.1\n"
			       " authentication pre-share key k-2\n"
			       " local-subnet 10.4.0.0/24\n"
			       " remote-subnet 10.3.0.0/24\n"
			       " start-mode responder-only";

struct change {
	const char *what;
	const char *b_lines; /* committed on B first (B's own tunnel T untouched) */
	const char *a_lines; /* A's candidate */
	const char *tunnel;
	enum eng_sa_impact want;
	const char *why; /* in the reason, NULL: none */
};

static const struct change changes[] = {
    {"description", NULL, "ipsec tunnel T\n description now with words", "T", ENG_IMPACT_KEPT,
     "description"},
    {"sa-idletime", NULL, "ipsec tunnel T\n sa-idletime 3600", "T", ENG_IMPACT_KEPT, "sa-idletime"},
    /* an ipsec-policy that spells out the defaults: the same SAs */
    {"ipsec-policy as the default", NULL,
     "crypto ipsec policy SAME\n encryption aes256-gcm\nipsec tunnel T\n ipsec-policy SAME", "T",
     ENG_IMPACT_KEPT, NULL},
    {"dpd", NULL, "ipsec tunnel T\n dpd interval 10 timeout 30", "T", ENG_IMPACT_RENEGOTIATED,
     "dpd"},
    {"no rekey", NULL, "ipsec tunnel T\n no rekey", "T", ENG_IMPACT_RENEGOTIATED, "rekey"},
    {"ike-policy", NULL,
     "crypto ikev2 policy 7\n encryption aes128 aes256\nipsec tunnel T\n ike-policy 7", "T",
     ENG_IMPACT_RENEGOTIATED, "ike-policy proposal"},
    {"shutdown", NULL, "ipsec tunnel T\n shutdown", "T", ENG_IMPACT_TORN_DOWN, NULL},
    {"removed", NULL, "no ipsec tunnel T", "T", ENG_IMPACT_TORN_DOWN, NULL},
    {"added", side_b_u, side_a_u, "U", ENG_IMPACT_CREATED, NULL},
};

/* A's candidate with the change, and what it says a commit will do to `tunnel`. */
static enum eng_sa_impact predict(struct gsess *a, const struct change *c, char *why, size_t len)
{
	struct eng_tunnel_impact *v = NULL;
	size_t n = 0, unchanged = 0;
	char buf[1024];
	enum eng_sa_impact got = ENG_IMPACT_KEPT;

	snprintf(buf, sizeof(buf), "configure terminal\n%s", c->a_lines);
	gs_reset(a);
	if (gs_script(a, buf) != CMD_OK)
		fail_msg("%s: candidate refused: %s", c->what, a->err ? a->err : "");
	assert_int_equal(eng_commit_impact(a->es, &v, &n, &unchanged), 0);
	why[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, c->tunnel) != 0)
			continue;
		got = v[i].impact;
		snprintf(why, len, "%s", v[i].why);
	}
	free(v);
	return got;
}

static void commit_a(struct gsess *a)
{
	gs_reset(a);
	if (gs_script(a, "commit\nend") != CMD_OK)
		fail_msg("commit failed: %s", a->err ? a->err : "");
}

/* What happened to the tunnel's SAs, watched until it is one of the four. */
static void observe(struct pair *p, const struct change *c, enum eng_sa_impact predicted,
		    const struct eng_tunnel_status *before, size_t adds_before)
{
	struct kernel *k = eng_test_kernel(p->a.eng);

	switch (predicted) {
	case ENG_IMPACT_KEPT: {
		struct eng_tunnel_status after;

		pump(p, 500);
		after = status(&p->a, c->tunnel);
		assert_int_equal(after.state, ENG_TUN_UP);
		assert_memory_equal(after.spi_i, before->spi_i, 8);
		assert_int_equal(after.child[0].spi_in, before->child[0].spi_in);
		assert_int_equal(kernel_fake_count(k, KF_SA_ADD), adds_before);
		break;
	}
	case ENG_IMPACT_RENEGOTIATED:
		for (int i = 0; i < 100; i++) {
			struct eng_tunnel_status s = status(&p->a, c->tunnel);

			if (s.state == ENG_TUN_UP && s.n_child == 1 &&
			    memcmp(s.spi_i, before->spi_i, 8) != 0 &&
			    s.child[0].spi_in != before->child[0].spi_in &&
			    kernel_fake_sa_count(k) == 2)
				return;
			pump(p, 100);
		}
		fail_msg("%s: tunnel %s was not negotiated again", c->what, c->tunnel);
		break;
	case ENG_IMPACT_CREATED:
		wait_up(p, c->tunnel);
		break;
	case ENG_IMPACT_TORN_DOWN:
		for (int i = 0; i < 50 && kernel_fake_sa_count(k) != 0; i++)
			pump(p, 100);
		assert_int_equal(kernel_fake_sa_count(k), 0);
		break;
	}
}

static void run_change(void **state, const struct change *c)
{
	struct pair *p = *state;
	struct eng_tunnel_status before;
	enum eng_sa_impact predicted;
	char why[256];
	size_t adds;

	bring_up(p);
	if (c->b_lines)
		configure(&p->b, c->b_lines);
	before = status(&p->a, "T");
	predicted = predict(&p->a, c, why, sizeof(why));
	if (predicted != c->want)
		fail_msg("%s: predicted %s (%s), want %s", c->what, eng_sa_impact_name(predicted),
			 why, eng_sa_impact_name(c->want));
	if (c->why && !strstr(why, c->why))
		fail_msg("%s: the reason is \"%s\", not naming %s", c->what, why, c->why);
	adds = kernel_fake_count(eng_test_kernel(p->a.eng), KF_SA_ADD);
	commit_a(&p->a);
	observe(p, c, predicted, &before, adds);
}

#define CHANGE_TEST(i)                                                                             \
	static void test_change_##i(void **state)                                                  \
	{                                                                                          \
		run_change(state, &changes[i]);                                                    \
	}
CHANGE_TEST(0)
CHANGE_TEST(1)
CHANGE_TEST(2)
CHANGE_TEST(3)
CHANGE_TEST(4)
CHANGE_TEST(5)
CHANGE_TEST(6)
CHANGE_TEST(7)
CHANGE_TEST(8)

/* Nothing in the candidate touches a tunnel: none listed, all counted unchanged. */
static void test_untouched_counted(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_impact *v = NULL;
	size_t n = 9, unchanged = 0;

	bring_up(p);
	gs_reset(&p->a);
	assert_int_equal(gs_script(&p->a, "configure terminal\nhostname other"), CMD_OK);
	assert_int_equal(eng_commit_impact(p->a.es, &v, &n, &unchanged), 0);
	assert_int_equal(n, 0);
	assert_int_equal(unchanged, 1);
	free(v);
	/* and what the commands print of it */
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "ipsec tunnel T", NULL), CMD_OK);
	assert_int_equal(gs_run(&p->a, "dpd interval 10 timeout 30", NULL), CMD_OK);
	assert_int_equal(gs_run(&p->a, "commit check", NULL), CMD_OK);
	assert_non_null(
	    strstr(p->a.out, "SAs after the commit:\n  tunnel T: renegotiated (dpd)\n"));
	gs_reset(&p->a);
	assert_int_equal(gs_run(&p->a, "do show configuration changes", NULL), CMD_OK);
	assert_non_null(strstr(p->a.out, "  tunnel T: renegotiated (dpd)\n"));
	assert_int_equal(eng_commit_impact(p->b.es, &v, &n, &unchanged), -ENOTCONN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_change_0, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_1, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_3, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_4, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_5, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_7, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_8, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_untouched_counted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
