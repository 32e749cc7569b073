/*
 * A certificate tunnel in an engine with the IKE runtime: the
 * trustpoint's credentials reach the IKE core (the tunnel is configured,
 * not refused), a commit that changes nothing else keeps the same
 * credentials (no renegotiation), and a key pair or certificate that goes
 * away is the reason the tunnel is down.  Certificates are made here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <poll.h>
#include <time.h>

#include "certgen.h"
#include "grammar_util.h"

struct fx {
	struct gsess g;
	EVP_PKEY *ca_key, *gw_key;
	X509 *ca, *gw;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct eng_runtime_opts rt = {.kernel = ENG_KERNEL_FAKE, .retransmit_ms = 200};
	int rc = -1;

	eng_addr_parse("127.0.0.1", &rt.bind);
	for (unsigned i = 0; i < 100 && rc; i++) {
		int fds[8];

		rt.ike_port = (uint16_t)(40000 + ((unsigned)getpid() * 2 + i * 2) % 8000);
		rt.natt_port = (uint16_t)(rt.ike_port + 1);
		rt.peer_port = rt.ike_port;
		rc = gsess_open_rt(&f->g, NULL, ENG_ROLE_ADMIN, &rt);
		if (!rc && eng_poll_fds(f->g.eng, fds, 8) == 0) {
			gsess_close(&f->g, true);
			rc = -1;
		}
	}
	assert_int_equal(rc, 0);
	f->ca_key = cg_key("p256");
	f->gw_key = cg_key("p256");
	f->ca = cg_cert(f->ca_key, &(struct cg_opts){.subject = "C=DE, O=Example, CN=HQ Root",
						     .ca = true,
						     .not_before = -60,
						     .not_after = 86400});
	f->gw = cg_cert(f->gw_key, &(struct cg_opts){.subject = "C=DE, O=Example, CN=gw1",
						     .issuer = f->ca,
						     .issuer_key = f->ca_key,
						     .serial = 5,
						     .not_before = -60,
						     .not_after = 86400,
						     .key_usage = "digitalSignature"});
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	gsess_close(&f->g, true);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->gw_key);
	X509_free(f->ca);
	X509_free(f->gw);
	free(f);
	return 0;
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

static void import(struct fx *f, enum eng_pki_what what, const char *pem, size_t len)
{
	struct eng_diag d = {0};
	int rc = eng_pki_import(f->g.es, "HQ-CA", what, pem, len, NULL, &d);

	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.lines[i]);
	assert_int_equal(rc, 0);
	eng_diag_free(&d);
}

static enum cmd_status run(struct gsess *g, const char *lines)
{
	char buf[4096];

	enum cmd_status st;

	snprintf(buf, sizeof(buf), "configure terminal\n%s\ncommit\nend", lines);
	gs_reset(g);
	st = gs_script(g, buf);
	if (st != CMD_OK)
		gs_run(g, "abort", NULL); /* the candidate goes, errors stay in g->err */
	return st;
}

static const char tunnel[] = "ipsec tunnel T\n"
			     " local-address 127.0.0.1\n"
			     " remote-address 127.0.0.1\n"
			     " authentication certificate HQ-CA\n"
			     " local-id dn \"C=DE, O=Example, CN=gw1\"\n"
			     " remote-id dn \"C=DE, O=Example, CN=*\"\n"
			     " start-mode responder-only\n"
			     " send-cert always";

static void material(struct fx *f)
{
	struct eng_diag d = {0};
	size_t len;
	char *pem = cg_pem_key(f->gw_key, NULL, &len);

	assert_int_equal(run(&f->g, "crypto pki trustpoint HQ-CA\n keypair gw"), CMD_OK);
	assert_int_equal(eng_key_import(f->g.es, "gw", pem, len, NULL, &d), 0);
	eng_wipe(pem, len);
	free(pem);
	pem = cg_pem_cert(f->ca, &len);
	import(f, ENG_PKI_CA, pem, len);
	free(pem);
	pem = cg_pem_cert(f->gw, &len);
	import(f, ENG_PKI_CERT, pem, len);
	free(pem);
	eng_diag_free(&d);
}

static void test_cert_tunnel_configured(void **state)
{
	struct fx *f = *state;
	struct eng_tunnel_status s;

	material(f);
	assert_int_equal(run(&f->g, tunnel), CMD_OK);
	s = status(&f->g, "T");
	/* an IKE core without certificate authentication refuses settings
	 * without a pre-shared key: what the runtime did is not testable here */
	if (strcmp(s.reason, "the IKE layer refused the settings: Invalid argument") == 0) {
		print_message("the IKE core does not take certificate settings; skipped\n");
		skip();
	}
	if (s.state != ENG_TUN_IDLE)
		fail_msg("tunnel T is %s: %s", eng_tun_state_name(s.state), s.reason);
	assert_string_equal(s.reason, "");

	/* a commit of something else: the same credentials, the settings kept */
	assert_int_equal(eng_debug_set(f->g.es, ENG_DEBUG_IKE_DETAIL, true), 0);
	gs_reset(&f->g);
	assert_int_equal(run(&f->g, "ipsec tunnel T\n description unchanged otherwise"), CMD_OK);
	assert_non_null(strstr(f->g.log, "tunnel T: settings unchanged by the commit, SAs kept"));
}

/* The key pair goes after the commit: the tunnel says why it is down. */
static void test_key_gone_reason(void **state)
{
	struct fx *f = *state;
	struct eng_tunnel_status s;

	material(f);
	/* debug crypto pki: what the store loaded for the tunnel, never a key */
	assert_int_equal(eng_debug_set(f->g.es, ENG_DEBUG_PKI, true), 0);
	gs_reset(&f->g);
	assert_int_equal(run(&f->g, tunnel), CMD_OK);
	assert_non_null(strstr(f->g.log, "pki: trustpoint HQ-CA: 1 CA certificate(s), a key, own "
					 "certificate, 0 CRL(s)"));
	assert_null(strstr(f->g.log, "PRIVATE"));
	assert_int_equal(eng_key_zeroize(f->g.es, "gw"), 0);
	s = status(&f->g, "T");
	assert_int_equal(s.state, ENG_TUN_DOWN);
	assert_string_equal(s.reason, "no key pair for trustpoint HQ-CA");
	/* send-cert is in effect with certificate authentication */
	assert_string_equal(s.not_in_effect, "");
	gs_reset(&f->g);
	assert_int_equal(gs_run(&f->g, "show ipsec tunnel T", NULL), CMD_OK);
	assert_non_null(strstr(f->g.out, "no key pair for trustpoint HQ-CA"));
}

static void test_commit_refusals(void **state)
{
	struct fx *f = *state;
	char *pem;
	size_t len;

	/* no material at all */
	assert_int_equal(run(&f->g, "crypto pki trustpoint HQ-CA\n keypair gw"), CMD_OK);
	assert_int_not_equal(run(&f->g, tunnel), CMD_OK);
	assert_non_null(strstr(f->g.err, "tunnel T: trustpoint HQ-CA has no CA certificate"));
	/* a CA, no key pair */
	pem = cg_pem_cert(f->ca, &len);
	import(f, ENG_PKI_CA, pem, len);
	free(pem);
	assert_int_not_equal(run(&f->g, tunnel), CMD_OK);
	if (!strstr(f->g.err, "tunnel T: no key pair for trustpoint HQ-CA"))
		fail_msg("got: %s", f->g.err);
	/* a DN that is not one */
	assert_int_not_equal(run(&f->g, "ipsec tunnel T\n local-address 127.0.0.1\n"
					" remote-address 127.0.0.1\n"
					" authentication pre-share key k\n"
					" local-id dn \"C=DE, CN\""),
			     CMD_OK);
	assert_non_null(
	    strstr(f->g.err, "tunnel T: local-id dn \"C=DE, CN\" is not a distinguished name"));
	assert_int_not_equal(run(&f->g, "crypto pki trustpoint HQ-CA\n subject-name XX=1"), CMD_OK);
	assert_non_null(
	    strstr(f->g.err, "trustpoint HQ-CA: subject-name XX=1 is not a distinguished name"));
}

/* ---- Two engines with certificates ------------------------------------- */

struct pair {
	struct gsess a, b;
	EVP_PKEY *ca_key;
	X509 *ca;
};

static int open_side(struct gsess *g, uint16_t port, uint16_t peer)
{
	struct eng_runtime_opts rt = {.kernel = ENG_KERNEL_FAKE,
				      .ike_port = port,
				      .natt_port = (uint16_t)(port + 1),
				      .peer_port = peer,
				      .peer_natt_port = (uint16_t)(peer + 1),
				      .retransmit_ms = 200,
				      .retransmit_tries = 2};
	int fds[8];

	eng_addr_parse("127.0.0.1", &rt.bind);
	if (gsess_open_rt(g, NULL, ENG_ROLE_ADMIN, &rt))
		return -1;
	if (eng_poll_fds(g->eng, fds, 8) == 0) {
		gsess_close(g, true);
		return -EADDRINUSE;
	}
	return 0;
}

static int pair_setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	bool ok = false;

	for (unsigned i = 0; i < 100 && !ok; i++) {
		uint16_t base = (uint16_t)(48000 + ((unsigned)getpid() * 4 + i * 4) % 8000);

		if (open_side(&p->a, base, (uint16_t)(base + 2)))
			continue;
		if (open_side(&p->b, (uint16_t)(base + 2), base) == 0)
			ok = true;
		else
			gsess_close(&p->a, true);
	}
	assert_true(ok);
	p->ca_key = cg_key("p256");
	p->ca = cg_cert(p->ca_key, &(struct cg_opts){.subject = "C=DE, O=Example, CN=HQ Root",
						     .ca = true,
						     .not_before = -3 * 86400,
						     .not_after = 86400});
	*state = p;
	return 0;
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;

	gsess_close(&p->a, true);
	gsess_close(&p->b, true);
	EVP_PKEY_free(p->ca_key);
	X509_free(p->ca);
	free(p);
	return 0;
}

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

/* One side's key pair (of type), its certificate from the CA with the
 * given validity, the CA, a trustpoint and the tunnel. */
static void side(struct pair *p, struct gsess *g, const char *type, const char *cn, long nb,
		 long na, const char *tunnel_lines)
{
	EVP_PKEY *k = cg_key(type);
	char subject[128], lines[1024], *pem;
	X509 *x;
	struct eng_diag d = {0};
	size_t len;

	snprintf(subject, sizeof(subject), "C=DE, O=Example, CN=%s", cn);
	x = cg_cert(k, &(struct cg_opts){.subject = subject,
					 .issuer = p->ca,
					 .issuer_key = p->ca_key,
					 .serial = nb + 100000,
					 .not_before = nb,
					 .not_after = na,
					 .key_usage = "digitalSignature"});
	assert_non_null(x);
	assert_int_equal(run(g, "crypto pki trustpoint HQ-CA\n keypair gw"), CMD_OK);
	pem = cg_pem_key(k, NULL, &len);
	assert_int_equal(eng_key_import(g->es, "gw", pem, len, NULL, &d), 0);
	eng_wipe(pem, len);
	free(pem);
	pem = cg_pem_cert(p->ca, &len);
	assert_int_equal(eng_pki_import(g->es, "HQ-CA", ENG_PKI_CA, pem, len, NULL, &d), 0);
	free(pem);
	pem = cg_pem_cert(x, &len);
	assert_int_equal(eng_pki_import(g->es, "HQ-CA", ENG_PKI_CERT, pem, len, NULL, &d), 0);
	free(pem);
	snprintf(lines, sizeof(lines), "%s\n local-id dn \"%s\"", tunnel_lines, subject);
	if (run(g, lines) != CMD_OK)
		fail_msg("commit: %s", g->err ? g->err : "");
	eng_diag_free(&d);
	X509_free(x);
	EVP_PKEY_free(k);
}

static const char cert_a[] = "ipsec tunnel T\n"
			     " local-address 127.0.0.1\n"
			     " remote-address 127.0.0.1\n"
			     " authentication certificate HQ-CA\n"
			     " remote-id dn \"C=DE, O=Example, CN=*\"\n"
			     " local-subnet 10.1.0.0/24\n"
			     " remote-subnet 10.2.0.0/24";
static const char cert_b[] = "ipsec tunnel T\n"
			     " local-address 127.0.0.1\n"
			     " remote-address 127.0.0.1\n"
			     " authentication certificate HQ-CA\n"
			     " remote-id dn \"c=de, o=EXAMPLE, cn=spoke-1\"\n"
			     " local-subnet 10.2.0.0/24\n"
			     " remote-subnet 10.1.0.0/24\n"
			     " start-mode responder-only";

/* Pumps until pred holds on a's tunnel T, for at most 10 s. */
static struct eng_tunnel_status wait_a(struct pair *p, bool want_up, const char *reason)
{
	struct eng_tunnel_status s = {0};

	for (int i = 0; i < 100; i++) {
		s = status(&p->a, "T");
		if (strcmp(s.reason, "the IKE layer refused the settings: Invalid argument") == 0) {
			print_message("the IKE core does not take certificate settings; skipped\n");
			skip();
		}
		if (want_up && s.state == ENG_TUN_UP && s.n_child == 1)
			return s;
		if (!want_up && reason && strstr(s.reason, reason))
			return s;
		pump(p, 100);
	}
	fail_msg("tunnel T: %s (%s)", eng_tun_state_name(s.state), s.reason);
	return s;
}

/* RSA on one side, Ed25519 on the other; DN identities, one a wildcard. */
static void test_two_engines_up(void **state)
{
	struct pair *p = *state;

	side(p, &p->b, "ed25519", "hq", -60, 86400, cert_b);
	side(p, &p->a, "rsa2048", "spoke-1", -60, 86400, cert_a);
	wait_a(p, true, NULL);
	assert_int_equal(status(&p->b, "T").state, ENG_TUN_UP);
	/* `Auth sign` / `Auth verify` of show crypto ikev2 sa */
	assert_string_equal(status(&p->a, "T").auth_sign, "RSA");
	assert_string_equal(status(&p->a, "T").auth_verify, "EdDSA");
	assert_string_equal(status(&p->b, "T").auth_sign, "EdDSA");
	assert_string_equal(status(&p->b, "T").auth_verify, "RSA");
}

/* The responder's certificate has expired: the initiator says so. */
static void test_expired_peer_reason(void **state)
{
	struct pair *p = *state;
	struct eng_tunnel_status s;
	char want[64], date[16];
	time_t t = time(NULL) - 86400;
	struct tm tm;

	side(p, &p->b, "p256", "hq", -2 * 86400, -86400, cert_b);
	side(p, &p->a, "p256", "spoke-1", -60, 86400, cert_a);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(want, sizeof(want), "expired on %s", date);
	s = wait_a(p, false, want);
	print_message("tunnel T on the initiator: %s\n", s.reason);
	assert_int_not_equal(s.state, ENG_TUN_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cert_tunnel_configured, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_gone_reason, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_engines_up, pair_setup, pair_teardown),
	    cmocka_unit_test_setup_teardown(test_expired_peer_reason, pair_setup, pair_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
