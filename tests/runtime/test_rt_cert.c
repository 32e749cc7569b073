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
	char buf[2048];

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
			     " start-mode responder-only";

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cert_tunnel_configured, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_gone_reason, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
