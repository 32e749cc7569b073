/* SPDX-License-Identifier: ISC */
/*
 * IKE_AUTH with certificates between two engines over the fake network
 * (fakenet.h): every key type, RFC 7427 and the classic methods, the
 * send-cert modes and CERTREQ, expired, wrong-CA and wrong-identity
 * peers, PSK against certificates, and hostile CERT payloads.
 *
 * "a" is 192.0.2.1, "b" 192.0.2.2; a initiates. One root CA (P-256) and
 * one intermediate sign each side's certificate; the key types vary.
 * ike_sig_init_add() and ike_cert_payloads_add() are wrapped
 * (-Wl,--wrap) so a test can play a peer without RFC 7427, or one that
 * sends hostile CERT payloads; ike_build_auth() so that a test can check
 * the AUTH payload against octets it puts together itself.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certgen.h"
#include "fakenet.h"
#include "ike_sa.h"

static struct fn_side A, B;
static struct ike_peer_conf CA, CB;
static const char PSK[] = "a-long-and-secret-pre-shared-key";

static EVP_PKEY *root_key, *int_key, *other_key;
static X509 *root, *inter, *other_root;

/* ---- wrapped: which tunnels play an old or a hostile peer ---- */

static const char *no_rfc7427; /* this tunnel sends no SIGNATURE_HASH_ALGORITHMS */
static enum { HOSTILE_NONE, HOSTILE_GARBAGE, HOSTILE_HUGE, HOSTILE_MANY } hostile;

int __real_ike_sig_init_add(struct ike_writer *w, const struct ike_sa *sa, bool response);
int __wrap_ike_sig_init_add(struct ike_writer *w, const struct ike_sa *sa, bool response)
{
	if (no_rfc7427 && strcmp(sa->tun->conf.name, no_rfc7427) == 0)
		return 0;
	return __real_ike_sig_init_add(w, sa, response);
}

int __real_ike_cert_payloads_add(struct ike_writer *w, const struct ike_sa *sa);
int __wrap_ike_cert_payloads_add(struct ike_writer *w, const struct ike_sa *sa)
{
	static uint8_t junk[40000];
	struct ike_cert c = {IKE_CERT_ENC_X509_SIG, junk, 600};

	if (hostile == HOSTILE_NONE || !sa->initiator)
		return __real_ike_cert_payloads_add(w, sa);
	memset(junk, 0x30, sizeof(junk));
	if (hostile == HOSTILE_HUGE)
		c.len = sizeof(junk);
	for (int i = 0; i < (hostile == HOSTILE_MANY ? 12 : 1); i++)
		ike_build_cert(w, IKE_PLD_CERT, &c);
	return w->err;
}

/* the last AUTH payload built by either engine */
static uint8_t last_auth[2048];
static size_t last_auth_len;
static uint8_t last_auth_method;

int __real_ike_build_auth(struct ike_writer *w, const struct ike_auth *auth);
int __wrap_ike_build_auth(struct ike_writer *w, const struct ike_auth *auth)
{
	if (auth->len <= sizeof(last_auth)) {
		memcpy(last_auth, auth->data, auth->len);
		last_auth_len = auth->len;
		last_auth_method = auth->method;
	}
	return __real_ike_build_auth(w, auth);
}

/* ---- set-up ---- */

static void subnet(struct ike_subnet *s, const char *ip, uint8_t plen)
{
	struct ike_addr a;

	fn_addr(&a, ip, 0);
	memset(s, 0, sizeof(*s));
	s->family = a.family;
	memcpy(s->addr, a.addr, 16);
	s->prefixlen = plen;
}

static void conf_base(struct ike_peer_conf *c, const char *name, const char *local,
		      const char *remote, const char *lnet, const char *rnet)
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
	subnet(&c->local_net[0], lnet, 24);
	c->n_local_net = 1;
	subnet(&c->remote_net[0], rnet, 24);
	c->n_remote_net = 1;
	c->reqid = 7;
}

static void set_dn(struct ike_id_conf *id, const char *dn)
{
	id->type = IKE_ID_DER_ASN1_DN;
	id->len = cg_dn_der(dn, id->data, sizeof(id->data));
	assert_true(id->len > 0);
}

/*
 * Certificates for c: a key of type, a certificate for dn (and san)
 * signed by the intermediate (or by issuer/issuer_key), valid days, the
 * root as trust anchor. local-id and remote-id the DNs.
 */
static void use_certs(struct ike_peer_conf *c, const char *type, const char *dn,
		      const char *peer_dn, const char *san, X509 *issuer, EVP_PKEY *issuer_key,
		      long from, long to)
{
	EVP_PKEY *key = cg_key(type);
	X509 *ee = cg_cert(key, dn, issuer ? issuer : inter, issuer ? issuer_key : int_key, san,
			   false, from, to);

	assert_non_null(key);
	assert_non_null(ee);
	c->cert.key = key;
	c->cert.chain = sk_X509_new_null();
	sk_X509_push(c->cert.chain, ee);
	X509_up_ref(issuer ? issuer : inter);
	sk_X509_push(c->cert.chain, issuer ? issuer : inter);
	c->cert.trust = cg_store(root);
	c->cert.send_cert = IKE_SEND_CERT_ALWAYS;
	c->cert.send_certreq = true;
	snprintf(c->cert.trust_name, sizeof(c->cert.trust_name), "HQ-CA");
	set_dn(&c->local_id, dn);
	if (peer_dn)
		set_dn(&c->remote_id, peer_dn);
}

/* What the test made; the engines hold their own references. */
static void drop_certs(struct ike_peer_conf *c)
{
	EVP_PKEY_free(c->cert.key);
	sk_X509_pop_free(c->cert.chain, X509_free);
	X509_STORE_free(c->cert.trust);
	memset(&c->cert, 0, sizeof(c->cert));
}

static void use_psk(struct ike_peer_conf *c)
{
	memcpy(c->psk, PSK, sizeof(PSK) - 1);
	c->psk_len = sizeof(PSK) - 1;
}

static int group_setup(void **state)
{
	root_key = cg_key("p256");
	int_key = cg_key("p256");
	other_key = cg_key("p256");
	root = cg_cert(root_key, "C=DE,O=HQ,CN=HQ Root CA", NULL, root_key, NULL, true, -1, 3650);
	inter =
	    cg_cert(int_key, "C=DE,O=HQ,CN=HQ Issuing CA", root, root_key, NULL, true, -1, 3650);
	other_root =
	    cg_cert(other_key, "C=DE,O=Else,CN=Other Root", NULL, other_key, NULL, true, -1, 3650);
	(void)state;
	return root && inter && other_root ? 0 : -1;
}

static int group_teardown(void **state)
{
	X509_free(root);
	X509_free(inter);
	X509_free(other_root);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(int_key);
	EVP_PKEY_free(other_key);
	(void)state;
	return 0;
}

static int setup(void **state)
{
	struct ike_opts o;

	ike_opts_default(&o);
	o.log_level = IKE_LOG_DEBUG;
	fn_side_init(&A, "a", "192.0.2.1", &o);
	fn_side_init(&B, "b", "192.0.2.2", &o);
	fn_reset(&A, &B);
	conf_base(&CA, "to-b", "192.0.2.1", "192.0.2.2", "10.1.0.0", "10.2.0.0");
	conf_base(&CB, "to-a", "192.0.2.2", "192.0.2.1", "10.2.0.0", "10.1.0.0");
	no_rfc7427 = NULL;
	hostile = HOSTILE_NONE;
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
	drop_certs(&CA);
	drop_certs(&CB);
	(void)state;
	return 0;
}

/* Both sides with certificates of these key types, DN identities. */
static void both(const char *ta, const char *tb)
{
	use_certs(&CA, ta, "C=DE,O=HQ,CN=gw-a", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, -1, 30);
	use_certs(&CB, tb, "C=DE,O=HQ,CN=gw-b", "C=DE,O=HQ,CN=gw-a", NULL, NULL, NULL, -1, 30);
}

static void run(void)
{
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
}

static void assert_up(void)
{
	if (A.state != IKE_TUN_UP || B.state != IKE_TUN_UP)
		fail_msg("a: %s / b: %s", A.reason, B.reason);
	assert_int_equal(A.n_installed, 1);
	assert_int_equal(B.n_installed, 1);
	assert_int_equal(A.installed[0].spi_out, B.installed[0].spi_in);
}

static bool logged(const struct fn_side *s, const char *what)
{
	return strstr(s->log, what) != NULL;
}

/* What show output names as "Auth sign" and "Auth verify" for side s's tunnel. */
static void assert_auth(const struct fn_side *s, const char *tunnel, const char *sign,
			const char *verify)
{
	struct ike_tunnel_info info;

	assert_int_equal(ike_tunnel_info(s->e, tunnel, &info), 0);
	assert_true(info.ike_up);
	assert_string_equal(info.auth_sign, sign);
	assert_string_equal(info.auth_verify, verify);
}

/* ---- every key type ---- */

static void key_pair(const char *ta, const char *tb, bool pss, const char *sig_a, const char *sig_b)
{
	both(ta, tb);
	CA.cert.rsa_pss = pss;
	CB.cert.rsa_pss = pss;
	run();
	assert_up();
	if (!logged(&A, sig_a) || !logged(&B, sig_b))
		fail_msg("a wanted %s, b %s:\n%s\n%s", sig_a, sig_b, A.log, B.log);
	assert_true(logged(&A, "peer certificate C=DE, O=HQ, CN=gw-b verified (2 in chain)"));
	assert_true(logged(&B, "peer certificate C=DE, O=HQ, CN=gw-a verified (2 in chain)"));
}

static void test_rsa_pkcs1(void **state)
{
	key_pair("rsa2048", "rsa2048", false, "AUTH signed with rsa-pkcs1-sha256 (AUTH method 14)",
		 "AUTH signed with rsa-pkcs1-sha256 (AUTH method 14)");
	assert_auth(&A, "to-b", "RSA", "RSA");
	assert_auth(&B, "to-a", "RSA", "RSA");
	/* the debug lines never carry the key: no PEM, no "PRIVATE" */
	assert_false(logged(&A, "PRIVATE"));
	assert_false(logged(&B, "PRIVATE"));
	(void)state;
}

static void test_rsa_pss(void **state)
{
	key_pair("rsa3072", "rsa2048", true, "AUTH signed with rsa-pss-sha256 (AUTH method 14)",
		 "AUTH signed with rsa-pss-sha256 (AUTH method 14)");
	(void)state;
}

static void test_ecdsa_p256_p384(void **state)
{
	key_pair("p256", "p384", false, "AUTH signed with ecdsa-sha256 (AUTH method 14)",
		 "AUTH signed with ecdsa-sha384 (AUTH method 14)");
	assert_auth(&A, "to-b", "ECDSA", "ECDSA");
	(void)state;
}

static void test_ed25519(void **state)
{
	key_pair("ed25519", "p256", false, "AUTH signed with ed25519 (AUTH method 14)",
		 "AUTH signed with ecdsa-sha256 (AUTH method 14)");
	assert_auth(&A, "to-b", "EdDSA", "ECDSA");
	assert_auth(&B, "to-a", "ECDSA", "EdDSA");
	assert_true(logged(&A, "peer's AUTH ecdsa-sha256 (AUTH method 14) verified"));
	assert_true(logged(&B, "peer's AUTH ed25519 (AUTH method 14) verified"));
	(void)state;
}

/* A peer without RFC 7427: the classic methods, both ways. */
static void test_classic_methods(void **state)
{
	no_rfc7427 = "to-a"; /* b announces nothing: a signs the classic way */
	both("rsa2048", "p384");
	run();
	assert_up();
	assert_true(logged(&A, "AUTH signed with rsa-pkcs1-sha1 (AUTH method 1)"));
	/* a announced RFC 7427, so b uses method 14 */
	assert_true(logged(&B, "AUTH signed with ecdsa-sha384 (AUTH method 14)"));
	teardown(state);
	setup(state);
	no_rfc7427 = "to-b";
	both("p256", "p384");
	run();
	assert_up();
	assert_true(logged(&B, "AUTH signed with ecdsa-p384-sha384 (AUTH method 10)"));
	assert_true(logged(&A, "peer's AUTH ecdsa-p384-sha384 (AUTH method 10) verified"));
	(void)state;
}

static void test_ed25519_needs_rfc7427(void **state)
{
	no_rfc7427 = "to-b";
	both("p256", "ed25519");
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_non_null(strstr(B.reason, "cannot sign with our Ed25519 key"));
	assert_int_equal(A.n_installed, 0);
	(void)state;
}

/*
 * RFC 7296 §2.15 from the outside: the initiator's AUTH signs the
 * IKE_SA_INIT request as sent, then Nr, then prf(SK_pi, IDi') with IDi'
 * the ID payload's body (type, three zero octets, the DER DN). Put
 * together here from the datagrams and checked with OpenSSL directly.
 */
static void test_signed_octets_independently(void **state)
{
	uint8_t *msg1, *resp, idi[4 + IKE_MAX_ID], mac[32], *octets, sig[2048];
	const struct ike_sa *sa;
	struct ike_msg *m = calloc(1, sizeof(*m));
	const struct ike_pld *p;
	size_t msg1_len, resp_len, nr_len, idi_len, off, n;
	const uint8_t *nr, *sigp;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	both("p256", "p256");
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	/* the IKE_SA_INIT request as it went out */
	assert_int_equal(fn.n, 1);
	msg1_len = fn.q[0].len;
	msg1 = malloc(msg1_len);
	memcpy(msg1, fn.q[0].buf, msg1_len);
	fn_step();
	/* the response (a copy: fn_step frees it): Nr */
	assert_int_equal(fn.n, 1);
	resp_len = fn.q[0].len;
	resp = malloc(resp_len);
	memcpy(resp, fn.q[0].buf, resp_len);
	assert_int_equal(ike_msg_parse(resp, resp_len, m), 0);
	p = ike_msg_find(m, IKE_PLD_NONCE, 0);
	assert_non_null(p);
	nr = p->body;
	nr_len = p->len;
	last_auth_len = 0;
	fn_step(); /* a signs and sends IKE_AUTH */
	assert_int_equal(last_auth_method, IKE_AUTH_DIGITAL_SIGNATURE);
	/* SK_pi from a's IKE SA (white-box: the key, not the computation) */
	sa = A.e->sas;
	assert_non_null(sa);
	idi[0] = IKE_ID_DER_ASN1_DN;
	memset(idi + 1, 0, 3);
	memcpy(idi + 4, CA.local_id.data, CA.local_id.len);
	idi_len = 4 + CA.local_id.len;
	n = sizeof(mac);
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, sa->keys.sk_pi,
				  sa->keys.prf_len, idi, idi_len, mac, sizeof(mac), &n));
	assert_int_equal(n, 32);
	octets = malloc(msg1_len + nr_len + 32);
	memcpy(octets, msg1, msg1_len);
	memcpy(octets + msg1_len, nr, nr_len);
	memcpy(octets + msg1_len + nr_len, mac, 32);
	/* AUTH data: length, ecdsa-with-SHA256 (RFC 7427 A.3), DER signature */
	off = 1 + last_auth[0];
	assert_int_equal(last_auth[0], 12);
	{
		static const uint8_t ecdsa_sha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
						       0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};

		assert_memory_equal(last_auth + 1, ecdsa_sha256, sizeof(ecdsa_sha256));
	}
	memcpy(sig, last_auth + off, last_auth_len - off);
	sigp = sig;
	assert_int_equal(
	    EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, CA.cert.key, NULL), 1);
	assert_int_equal(
	    EVP_DigestVerify(ctx, sigp, last_auth_len - off, octets, msg1_len + nr_len + 32), 1);
	/* and not over anything else: the nonce left out */
	EVP_MD_CTX_reset(ctx);
	EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, CA.cert.key, NULL);
	memmove(octets + msg1_len, mac, 32);
	assert_int_not_equal(
	    EVP_DigestVerify(ctx, sigp, last_auth_len - off, octets, msg1_len + 32), 1);
	fn_run();
	assert_up();
	free(resp);
	EVP_MD_CTX_free(ctx);
	free(octets);
	free(msg1);
	free(m);
	(void)state;
}

/* ---- send-cert and CERTREQ ---- */

static void test_send_cert_always_without_certreq(void **state)
{
	both("p256", "p256");
	CA.cert.send_certreq = false;
	CB.cert.send_certreq = false;
	run();
	assert_up();
	assert_true(
	    logged(&A, "sending IKE_AUTH request #1 to 192.0.2.2 [ IDi CERT CERT IDr AUTH"));
	assert_true(logged(&B, "sending IKE_AUTH response #1 to 192.0.2.1 [ IDr CERT CERT AUTH"));
	assert_false(logged(&A, "CERTREQ"));
	(void)state;
}

static void test_send_cert_on_request(void **state)
{
	both("p256", "p256");
	CA.cert.send_cert = IKE_SEND_CERT_ON_REQUEST;
	CB.cert.send_cert = IKE_SEND_CERT_ON_REQUEST;
	run();
	assert_up();
	/* b asked in IKE_SA_INIT, a in IKE_AUTH (§1.2) */
	assert_true(logged(&A, "CERTREQ ]"));
	assert_true(logged(&A, "[ IDi CERT CERT CERTREQ IDr AUTH"));
	assert_true(logged(&B, "[ IDr CERT CERT AUTH"));
	(void)state;
}

static void test_send_cert_on_request_not_asked(void **state)
{
	both("p256", "p256");
	CA.cert.send_cert = IKE_SEND_CERT_ON_REQUEST;
	CB.cert.send_certreq = false; /* b does not ask, so a sends none */
	run();
	assert_true(logged(&A, "[ IDi CERTREQ IDr AUTH"));
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: no certificate for trustpoint HQ-CA: "
				      "the peer sent none (no CERTREQ is sent)");
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: peer 192.0.2.2 refused our "
				      "certificate or identity C=DE, O=HQ, CN=gw-a");
	assert_int_equal(B.n_installed, 0);
	(void)state;
}

static void test_send_cert_never(void **state)
{
	both("p256", "p256");
	CB.cert.send_cert = IKE_SEND_CERT_NEVER;
	run();
	assert_true(logged(&B, "[ IDr AUTH"));
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason,
			    "AUTHENTICATION_FAILED: no certificate for trustpoint HQ-CA: the peer "
			    "sent none");
	(void)state;
}

/* ---- refusals ---- */

static void test_expired(void **state)
{
	char want[128], date[16];
	time_t t = time(NULL) - 3 * 86400;
	struct tm tm;

	use_certs(&CA, "p256", "C=DE,O=HQ,CN=gw-a", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, -1, 30);
	use_certs(&CB, "p256", "C=DE,O=HQ,CN=gw-b", "C=DE,O=HQ,CN=gw-a", NULL, NULL, NULL, -60, -3);
	run();
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(want, sizeof(want), "AUTHENTICATION_FAILED: peer certificate expired on %s", date);
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, want);
	assert_int_equal(A.n_installed, 0);
	(void)state;
}

static void test_wrong_ca(void **state)
{
	use_certs(&CA, "p256", "C=DE,O=HQ,CN=gw-a", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, -1, 30);
	use_certs(&CB, "p256", "C=DE,O=HQ,CN=gw-b", "C=DE,O=HQ,CN=gw-a", NULL, other_root,
		  other_key, -1, 30);
	run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: peer certificate not signed by "
				      "trustpoint HQ-CA (issuer C=DE, O=Else, CN=Other Root)");
	(void)state;
}

/* b claims a DN its certificate does not carry */
static void test_identity_not_in_certificate(void **state)
{
	both("p256", "p256");
	set_dn(&CB.local_id, "C=DE,O=HQ,CN=gw-z");
	set_dn(&CA.remote_id, "C=DE,O=HQ,CN=gw-z");
	run();
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_string_equal(A.reason, "AUTHENTICATION_FAILED: peer identity C=DE, O=HQ, CN=gw-z "
				      "does not match the certificate (C=DE, O=HQ, CN=gw-b)");
	(void)state;
}

static void test_remote_id_mismatch_and_any(void **state)
{
	both("p256", "p256");
	set_dn(&CB.remote_id, "C=DE,O=HQ,CN=somebody-else");
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: peer identified as C=DE, O=HQ, "
				      "CN=gw-a, expected C=DE, O=HQ, CN=somebody-else");
	teardown(state);
	setup(state);
	/* remote-id any: whatever the CA vouches for; an IP identity in the SAN here */
	use_certs(&CA, "p256", "C=DE,O=HQ,CN=gw-a", NULL, "IP:192.0.2.1", NULL, NULL, -1, 30);
	use_certs(&CB, "p256", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, NULL, -1, 30);
	CA.local_id.type = 0; /* the address: ID_IPV4_ADDR 192.0.2.1, in the SAN */
	CA.local_id.len = 0;
	CB.cert.any_remote_id = true;
	CA.cert.any_remote_id = true;
	run();
	assert_up();
	(void)state;
}

/* remote-id dn "C=DE, O=HQ, CN=*": any spoke under the CA */
static void test_remote_id_wildcard(void **state)
{
	both("p256", "p256");
	set_dn(&CB.remote_id, "C=DE,O=HQ,CN=*");
	run();
	assert_up();
	teardown(state);
	setup(state);
	both("p256", "p256");
	set_dn(&CB.remote_id, "C=DE,O=Branch,CN=*");
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: peer identified as C=DE, O=HQ, "
				      "CN=gw-a, expected C=DE, O=Branch, CN=*");
	(void)state;
}

/* a's address identity without a SAN for it: refused by b */
static void test_ip_identity_needs_san(void **state)
{
	use_certs(&CA, "p256", "C=DE,O=HQ,CN=gw-a", NULL, "IP:192.0.2.9", NULL, NULL, -1, 30);
	use_certs(&CB, "p256", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, NULL, -1, 30);
	CA.local_id.type = 0;
	CA.local_id.len = 0;
	CB.cert.any_remote_id = true;
	CA.cert.any_remote_id = true;
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: peer identity 192.0.2.1 does not "
				      "match the certificate (C=DE, O=HQ, CN=gw-a)");
	(void)state;
}

static void test_psk_against_certificate(void **state)
{
	/* a signs, b expects a PSK (and, announcing no RFC 7427, gets method 9) */
	use_certs(&CA, "p256", "C=DE,O=HQ,CN=gw-a", NULL, NULL, NULL, NULL, -1, 30);
	X509_STORE_free(CA.cert.trust);
	CA.cert.trust = NULL;
	use_psk(&CA);
	use_psk(&CB);
	CA.local_id.type = 0;
	CA.local_id.len = 0;
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason,
			    "AUTHENTICATION_FAILED: peer 192.0.2.1 authenticated with a signature "
			    "(AUTH method 9); tunnel to-a uses a pre-shared key");
	assert_int_equal(A.state, IKE_TUN_FAILED);
	assert_int_equal(A.n_installed + B.n_installed, 0);
	teardown(state);
	setup(state);
	/* a proves the PSK, b wants a certificate */
	use_psk(&CA);
	use_certs(&CB, "p256", "C=DE,O=HQ,CN=gw-b", NULL, NULL, NULL, NULL, -1, 30);
	run();
	assert_int_equal(B.state, IKE_TUN_FAILED);
	assert_string_equal(B.reason, "AUTHENTICATION_FAILED: peer authenticated with a pre-shared "
				      "key; tunnel to-a requires a certificate");
	assert_int_equal(A.state, IKE_TUN_FAILED);
	(void)state;
}

/* ---- hostile CERT payloads from an authenticated-looking initiator ---- */

static void hostile_run(int kind, const char *want)
{
	both("p256", "p256");
	hostile = kind;
	run();
	assert_int_equal(B.n_installed, 0);
	assert_int_equal(A.n_installed, 0);
	if (want) {
		assert_int_equal(B.state, IKE_TUN_FAILED);
		if (strstr(B.reason, want) == NULL)
			fail_msg("b: %s", B.reason);
		assert_int_equal(A.state, IKE_TUN_FAILED);
	}
	/* nothing half-open is left once the tunnel gave up */
	fn_advance(60000);
	ike_tick(B.e);
	assert_int_equal(ike_half_open(B.e), 0);
}

static void test_hostile_garbage_der(void **state)
{
	hostile_run(HOSTILE_GARBAGE, "peer certificate is not a valid DER certificate (600 bytes)");
	(void)state;
}

static void test_hostile_huge(void **state)
{
	hostile_run(HOSTILE_HUGE, "peer sent a certificate of 40000 bytes (at most 8192 taken)");
	(void)state;
}

static void test_hostile_many(void **state)
{
	/* more CERT payloads than IKE_AUTH may carry: dropped by the rules */
	hostile_run(HOSTILE_MANY, NULL);
	assert_true(ike_engine_stats(B.e)->drop_rules > 0);
	(void)state;
}

/* The engine holds its own references: the caller's objects may go at once. */
static void test_references(void **state)
{
	both("p256", "p256");
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	drop_certs(&CB);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_up();
	/*
	 * The same key and certificates loaded again (other objects, the same
	 * store): no change, the IKE SA stays.
	 */
	{
		struct ike_peer_conf again = CA;
		uint8_t *der = NULL, *p;
		int len = i2d_PrivateKey(CA.cert.key, &der);
		const uint8_t *q = der;

		again.cert.key = d2i_AutoPrivateKey(NULL, &q, len);
		OPENSSL_clear_free(der, (size_t)len);
		again.cert.chain = sk_X509_new_null();
		for (int i = 0; i < sk_X509_num(CA.cert.chain); i++) {
			der = NULL;
			len = i2d_X509(sk_X509_value(CA.cert.chain, i), &der);
			q = p = der;
			sk_X509_push(again.cert.chain, d2i_X509(NULL, &q, len));
			OPENSSL_free(p);
		}
		assert_int_equal(ike_conf_set(A.e, &again), 0);
		assert_int_equal(A.state, IKE_TUN_UP);
		assert_int_equal(A.n_deleted, 0);
		EVP_PKEY_free(again.cert.key);
		sk_X509_pop_free(again.cert.chain, X509_free);
		/* another store is a change: the tunnel is renegotiated */
		again = CA;
		again.cert.trust = cg_store(root);
		assert_int_equal(ike_conf_set(A.e, &again), 0);
		X509_STORE_free(again.cert.trust);
		assert_int_equal(A.n_deleted, 1);
	}
	drop_certs(&CA);
	/* a key that is not the certificate's is refused */
	both("p256", "p256");
	EVP_PKEY_free(CA.cert.key);
	CA.cert.key = cg_key("p256");
	assert_int_equal(ike_conf_set(A.e, &CA), -EINVAL);
	(void)state;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_rsa_pkcs1),
	    T(test_rsa_pss),
	    T(test_ecdsa_p256_p384),
	    T(test_ed25519),
	    T(test_classic_methods),
	    T(test_ed25519_needs_rfc7427),
	    T(test_signed_octets_independently),
	    T(test_send_cert_always_without_certreq),
	    T(test_send_cert_on_request),
	    T(test_send_cert_on_request_not_asked),
	    T(test_send_cert_never),
	    T(test_expired),
	    T(test_wrong_ca),
	    T(test_identity_not_in_certificate),
	    T(test_remote_id_mismatch_and_any),
	    T(test_remote_id_wildcard),
	    T(test_ip_identity_needs_san),
	    T(test_psk_against_certificate),
	    T(test_hostile_garbage_der),
	    T(test_hostile_huge),
	    T(test_hostile_many),
	    T(test_references),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
