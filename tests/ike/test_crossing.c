/* SPDX-License-Identifier: ISC */
/*
 * IKEv2 as real peers use it, between two engines over fakenet.h: several
 * tunnels to one peer (INITIAL_CONTACT), a peer that moves to the NAT-T
 * port without a NAT, and both ends initiating at once after a Delete.
 * "a" is 192.0.2.1, "b" is 192.0.2.2.
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
#include "ike_proto.h"
#include "ikev2.h"

static struct fn_side A, B;
static const char PSK[] = "a-long-and-secret-pre-shared-key";

static void subnet(struct ike_subnet *s, const char *ip, uint8_t plen)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = plen;
}

/* aes256gcm16 / prfsha256 / curve25519, ESP aes256gcm16 */
static void conf_base(struct ike_peer_conf *c, const char *name, const char *local,
		      const char *remote, const char *lnet, uint8_t llen, const char *rnet,
		      uint8_t rlen)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, local, 500);
	fn_addr(&c->remote, remote, 500);
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_AES_GCM_16},
	    .encr_bits = {256},
	    .n_encr = 1,
	    .prf = {IKE_PRF_HMAC_SHA2_256},
	    .n_prf = 1,
	    .dh = {IKE_DH_CURVE25519},
	    .n_dh = 1,
	};
	c->child = (struct ike_prop_conf){
	    .encr = {IKE_ENCR_AES_GCM_16},
	    .encr_bits = {256},
	    .n_encr = 1,
	};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, PSK, sizeof(PSK) - 1);
	c->psk_len = sizeof(PSK) - 1;
	subnet(&c->local_net[0], lnet, llen);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rnet, rlen);
	c->n_remote_net = 1;
	c->reqid = 7;
}

static int setup(void **state)
{
	(void)state;
	fn_side_init(&A, "a", "192.0.2.1", NULL);
	fn_side_init(&B, "b", "192.0.2.2", NULL);
	fn_reset(&A, &B);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	return 0;
}

static bool was_deleted(const struct fn_side *s, uint32_t spi_in)
{
	for (size_t i = 0; i < s->n_deleted; i++) {
		if (s->deleted[i].spi_in == spi_in)
			return true;
	}
	return false;
}

static bool log_has_since(const struct fn_side *s, size_t from, const char *what)
{
	return strstr(s->log + from, what) != NULL;
}

/* ---- INITIAL_CONTACT with two tunnels to one peer ---- */

/*
 * a has two tunnels to b; b has one tunnel for all of a's subnets and, as
 * strongSwan does with uniqueids, drops every other IKE SA with a peer that
 * sends INITIAL_CONTACT. Only the very first IKE_AUTH may carry it.
 */
static void test_initial_contact_two_tunnels(void **state)
{
	struct ike_peer_conf c1, c2, cb;
	struct ike_tunnel_info i1, i2, ib;
	size_t mark;

	(void)state;
	conf_base(&c1, "t1", "192.0.2.1", "192.0.2.2", "10.1.1.0", 24, "10.2.1.0", 24);
	conf_base(&c2, "t2", "192.0.2.1", "192.0.2.2", "10.1.2.0", 24, "10.2.2.0", 24);
	c2.reqid = 8;
	conf_base(&cb, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", 16, "10.1.0.0", 16);
	assert_int_equal(ike_conf_set(A.e, &c1), 0);
	assert_int_equal(ike_conf_set(A.e, &c2), 0);
	assert_int_equal(ike_conf_set(B.e, &cb), 0);
	ike_set_log_level(A.e, IKE_LOG_DEBUG);

	/* first contact after start: INITIAL_CONTACT */
	assert_int_equal(ike_initiate(A.e, "t1"), 0);
	fn_run();
	assert_true(log_has_since(&A, 0, "N(INITIAL_CONTACT)"));
	mark = A.loglen;
	assert_int_equal(ike_initiate(A.e, "t2"), 0);
	fn_run();
	assert_false(log_has_since(&A, mark, "N(INITIAL_CONTACT)"));
	assert_int_equal(ike_tunnel_info(A.e, "t2", &i2), 0);
	assert_true(i2.ike_up);
	assert_int_equal(i2.n_child, 1);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.n_ike_sa, 2);
	assert_int_equal(ib.n_ike_up, 2);
	assert_int_equal(ib.n_ike_nego, 0);
	/* and show lists both: the current one first, then the other */
	{
		struct ike_sa_info v[3];

		assert_int_equal(ike_tunnel_info(A.e, "t1", &i1), 0);
		assert_int_equal(ike_tunnel_sas(B.e, "to-a", v, 3), 2);
		assert_true(v[0].current);
		assert_false(v[1].current);
		assert_int_equal(v[0].phase, IKE_SA_PHASE_READY);
		assert_int_equal(v[1].phase, IKE_SA_PHASE_READY);
		assert_memory_equal(v[0].spi_i, ib.spi_i, 8);
		assert_true(memcmp(v[1].spi_i, i1.spi_i, 8) == 0 ||
			    memcmp(v[1].spi_i, i2.spi_i, 8) == 0);
		assert_memory_not_equal(v[0].spi_i, v[1].spi_i, 8);
		assert_false(v[0].initiator);
		assert_int_equal(v[1].n_child, 1);
		assert_int_equal(ike_tunnel_sas(B.e, "to-a", v, 1), 2);
		assert_int_equal(ike_tunnel_sas(B.e, "nope", v, 3), -ENOENT);
	}

	/* t1 cleared and established again: t2's SAs stay on both sides */
	mark = A.loglen;
	assert_int_equal(ike_delete(A.e, "t1"), 0);
	fn_run();
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_int_equal(ike_initiate(A.e, "t1"), 0);
	assert_int_equal(ike_tunnel_info(A.e, "t1", &i1), 0);
	assert_int_equal(i1.n_ike_nego, 1);
	assert_int_equal(i1.n_ike_up, 0);
	fn_run();
	assert_false(log_has_since(&A, mark, "N(INITIAL_CONTACT)"));
	assert_int_equal(ike_tunnel_info(A.e, "t1", &i1), 0);
	assert_true(i1.ike_up);
	assert_int_equal(i1.n_child, 1);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.n_ike_sa, 2);
	assert_false(was_deleted(&A, i2.child_spi_in));
	assert_false(was_deleted(&B, i2.child_spi_out));
	assert_int_equal(ike_tunnel_info(A.e, "t2", &i2), 0);
	assert_true(i2.ike_up);
	assert_int_equal(i2.n_child, 1);
	/* and t2's IKE SA still answers */
	assert_int_equal(ike_rekey_child(A.e, "t2"), 0);
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "t2", &i2), 0);
	assert_int_equal(i2.n_child, 1);
	assert_false(was_deleted(&A, i2.child_spi_in));

	/* with every IKE SA gone, the next one is a first contact again */
	assert_int_equal(ike_delete(A.e, "t1"), 0);
	assert_int_equal(ike_delete(A.e, "t2"), 0);
	fn_run();
	mark = A.loglen;
	assert_int_equal(ike_initiate(A.e, "t2"), 0);
	fn_run();
	assert_true(log_has_since(&A, mark, "N(INITIAL_CONTACT)"));
}

/* ---- ports ---- */

/* The first queued datagram, and what it looks like. */
static const struct fn_dgram *head(void)
{
	assert_true(fn.n > 0);
	return &fn.q[0];
}

/*
 * A peer that moves to port 4500 from IKE_AUTH on without a NAT (as one
 * with MOBIKE does): the answer leaves from 4500 to where the request came
 * from, the IKE SA stays on 4500 both ways, and the shows say so.
 */
static void test_port_floating(void **state)
{
	struct ike_peer_conf ca, cb;
	struct ike_tunnel_info ia, ib;

	(void)state;
	conf_base(&ca, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", 24, "10.2.0.0", 24);
	conf_base(&cb, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", 24, "10.1.0.0", 24);
	assert_int_equal(ike_conf_set(A.e, &ca), 0);
	assert_int_equal(ike_conf_set(B.e, &cb), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_true(fn_step()); /* IKE_SA_INIT request */
	assert_true(fn_step()); /* its response */
	/* a's IKE_AUTH request, sent from and to 4500 */
	assert_int_equal(head()->src.port, 500);
	fn.q[0].src.port = 4500;
	fn.q[0].dst.port = 4500;
	assert_true(fn_step());
	assert_int_equal(head()->src.port, 4500);
	assert_int_equal(head()->dst.port, 4500);
	assert_true(fn_ip_eq(&head()->dst, &A.addr));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.local.port, 4500);
	assert_int_equal(ib.remote.port, 4500);
	assert_false(ib.nat_local || ib.nat_remote);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ia.local.port, 4500);
	assert_int_equal(ia.remote.port, 4500);

	/* b's own requests go to 4500 now, and a answers from 4500 */
	assert_int_equal(ike_rekey_child(B.e, "to-a"), 0);
	assert_int_equal(head()->src.port, 4500);
	assert_int_equal(head()->dst.port, 4500);
	assert_true(fn_step());
	assert_int_equal(head()->src.port, 4500);
	assert_int_equal(head()->dst.port, 4500);
	fn_run();
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.n_child, 1);

	/* a stray request on 500 is answered on 500, and moves nothing back */
	assert_int_equal(ike_rekey_child(A.e, "to-b"), 0);
	fn.q[0].src.port = 500;
	fn.q[0].dst.port = 500;
	assert_true(fn_step());
	assert_int_equal(head()->src.port, 500);
	assert_int_equal(head()->dst.port, 500);
	fn_run();
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ib.local.port, 4500);
	assert_int_equal(ib.remote.port, 4500);
}

/* ---- crossings ---- */

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Every CHILD_SA alive on x has its mirror alive on y; returns how many. */
static size_t live_pairs(const struct fn_side *x, const struct fn_side *y)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n_installed; i++) {
		bool found = false;

		if (was_deleted(x, x->installed[i].spi_in))
			continue;
		for (size_t j = 0; j < y->n_installed; j++) {
			if (y->installed[j].spi_in == x->installed[i].spi_out &&
			    !was_deleted(y, y->installed[j].spi_in))
				found = true;
		}
		if (!found)
			fail_msg("seed %llu: %s has CHILD_SA %08x without its mirror",
				 (unsigned long long)rng, x->label, x->installed[i].spi_in);
		n++;
	}
	return n;
}

/* Deliver, reorder and let time pass at random until both ends are quiet. */
static void shuffle_run(void)
{
	for (unsigned i = 0; i < 2000; i++) {
		unsigned r = rnd(10);

		if (fn.n == 0) {
			if (!fn_next_timer(30000))
				return;
			continue;
		}
		if (r == 0)
			fn_swap();
		else if (r == 1)
			fn_next_timer(6000);
		else
			fn_step();
	}
}

/*
 * b reauthenticates break-before-make (Delete, then at once a new IKE SA)
 * while a, start-mode auto, initiates again after the Delete: in whatever
 * order the messages and timers go, both ends keep exactly one IKE SA and
 * one CHILD_SA, the same ones.
 */
static void crossing_after_delete(uint64_t seed)
{
	struct ike_peer_conf ca, cb;
	struct ike_tunnel_info ia, ib;

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	setup(NULL);
	conf_base(&ca, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", 24, "10.2.0.0", 24);
	conf_base(&cb, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", 24, "10.1.0.0", 24);
	ca.start = cb.start = IKE_START_AUTO;
	assert_int_equal(ike_conf_set(A.e, &ca), 0);
	assert_int_equal(ike_conf_set(B.e, &cb), 0);
	if (getenv("IKE_TEST_DUMP")) {
		ike_set_log_level(A.e, IKE_LOG_DEBUG);
		ike_set_log_level(B.e, IKE_LOG_DEBUG);
	}
	assert_true(fn_next_timer(0));
	fn_run();
	for (unsigned round = 0; round < 3; round++) {
		/* let a's restart timer come close, by a random amount */
		fn.now += rnd(6000);
		assert_int_equal(ike_delete(B.e, "to-a"), 0);
		ike_initiate(B.e, "to-a");
		shuffle_run();
		/* and long enough for every timer that settles things */
		for (unsigned i = 0; i < 20 && fn_next_timer(10000); i++)
			fn_run();
		fn_run();
		assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
		assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
		if ((ia.n_ike_sa != 1 || ib.n_ike_sa != 1) && getenv("IKE_TEST_DUMP"))
			fprintf(stderr, "A:\n%s\nB:\n%s\n", A.log, B.log);
		if (ia.n_ike_sa != 1 || ib.n_ike_sa != 1)
			fail_msg("seed %llu round %u: %u IKE SAs on a, %u on b",
				 (unsigned long long)seed, round, ia.n_ike_sa, ib.n_ike_sa);
		assert_true(ia.ike_up && ib.ike_up);
		assert_memory_equal(ia.spi_i, ib.spi_i, 8);
		assert_memory_equal(ia.spi_r, ib.spi_r, 8);
		if (live_pairs(&A, &B) != 1 || live_pairs(&B, &A) != 1)
			fail_msg("seed %llu round %u: %zu CHILD_SAs on a, %zu on b",
				 (unsigned long long)seed, round, live_pairs(&A, &B),
				 live_pairs(&B, &A));
		assert_int_equal(ia.n_child, 1);
		assert_int_equal(ib.n_child, 1);
		assert_int_equal(ia.child_spi_in, ib.child_spi_out);
	}
	teardown(NULL);
}

static void test_crossing_after_delete(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 500; seed++)
		crossing_after_delete(seed);
}

/*
 * b deletes the IKE SA and initiates a new one at once (break-before-make);
 * a, start-mode auto, would initiate again 5 s after the Delete: it waits
 * while b's new IKE SA is half open, for up to two retransmission timeouts.
 */
static void test_no_initiation_while_peer_half_open(void **state)
{
	struct ike_peer_conf ca, cb;
	struct ike_tunnel_info ia, ib;
	unsigned sent;

	(void)state;
	conf_base(&ca, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", 24, "10.2.0.0", 24);
	conf_base(&cb, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", 24, "10.1.0.0", 24);
	ca.start = IKE_START_AUTO;
	assert_int_equal(ike_conf_set(A.e, &ca), 0);
	assert_int_equal(ike_conf_set(B.e, &cb), 0);
	assert_true(fn_next_timer(0));
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);

	/* b's new IKE_AUTH comes: a waits for it past its own restart time */
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_DOWN);
	assert_int_equal(ike_initiate(B.e, "to-a"), 0);
	assert_true(fn_step()); /* b's IKE_SA_INIT reaches a */
	sent = A.sent;
	fn_advance(5500);
	assert_int_equal(A.sent, sent); /* only its IKE_SA_INIT response */
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ia.n_ike_nego, 1);
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_false(ia.initiator);

	/* b's IKE_AUTH lost: a does not wait for it for ever */
	assert_int_equal(ike_delete(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(ike_initiate(B.e, "to-a"), 0);
	assert_true(fn_step());
	fn.blackhole[0] = true;
	assert_true(fn_step()); /* a's response reaches b */
	fn_run();		/* b's IKE_AUTH is lost */
	sent = A.sent;
	fn_advance(5500);
	assert_int_equal(A.sent, sent);
	fn_advance(3000);
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_true(A.sent > sent); /* a's own IKE_SA_INIT */
	fn.blackhole[0] = false;
	for (unsigned i = 0; i < 20 && fn_next_timer(10000); i++)
		fn_run();
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_true(ia.ike_up && ib.ike_up);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	assert_int_equal(live_pairs(&A, &B), 1);
	assert_int_equal(live_pairs(&B, &A), 1);
}

/* Both ends initiate at the very same moment: one IKE SA is left. */
static void test_crossing_simultaneous(void **state)
{
	struct ike_peer_conf ca, cb;
	struct ike_tunnel_info ia, ib;

	(void)state;
	conf_base(&ca, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", 24, "10.2.0.0", 24);
	conf_base(&cb, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", 24, "10.1.0.0", 24);
	assert_int_equal(ike_conf_set(A.e, &ca), 0);
	assert_int_equal(ike_conf_set(B.e, &cb), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	assert_int_equal(ike_initiate(B.e, "to-a"), 0);
	fn_run();
	assert_int_equal(ike_tunnel_info(A.e, "to-b", &ia), 0);
	assert_int_equal(ike_tunnel_info(B.e, "to-a", &ib), 0);
	assert_int_equal(ia.n_ike_sa, 1);
	assert_int_equal(ib.n_ike_sa, 1);
	assert_memory_equal(ia.spi_i, ib.spi_i, 8);
	assert_int_equal(live_pairs(&A, &B), 1);
	assert_int_equal(live_pairs(&B, &A), 1);
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(B.state, IKE_TUN_UP);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_initial_contact_two_tunnels),
	    T(test_port_floating),
	    T(test_crossing_simultaneous),
	    T(test_no_initiation_while_peer_half_open),
	    cmocka_unit_test(test_crossing_after_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
