/*
 * test_pki.c - the PKI layer: key pairs of every type, trustpoint
 * material, PKCS#10 and PKCS#12, chain verification and its reasons
 * (CA, intermediate, expired, not yet valid, revoked, wrong CA), DN and
 * identity matching.  Every certificate is made here by OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "pki.h"

struct fx {
	char dir[64];
	struct pki *p;
	EVP_PKEY *root_key, *int_key, *other_key;
	X509 *root, *inter, *other_ca;
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_pki.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(pki_open(f->dir, NULL, &f->p), 0);
	f->root_key = cg_key("p256");
	f->int_key = cg_key("p256");
	f->other_key = cg_key("p256");
	f->root = cg_cert(f->root_key, &(struct cg_opts){.subject = "C=DE, O=Example, CN=HQ Root",
							 .ca = true,
							 .not_before = -3600,
							 .not_after = 10 * 86400});
	f->inter = cg_cert(f->int_key, &(struct cg_opts){.subject = "C=DE, O=Example, CN=HQ Sub",
							 .issuer = f->root,
							 .issuer_key = f->root_key,
							 .ca = true,
							 .serial = 2,
							 .not_before = -3600,
							 .not_after = 10 * 86400});
	f->other_ca = cg_cert(f->other_key, &(struct cg_opts){.subject = "CN=Other CA",
							      .ca = true,
							      .not_before = -3600,
							      .not_after = 10 * 86400});
	assert_non_null(f->root);
	assert_non_null(f->inter);
	assert_non_null(f->other_ca);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pki_close(f->p);
	nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	EVP_PKEY_free(f->root_key);
	EVP_PKEY_free(f->int_key);
	EVP_PKEY_free(f->other_key);
	X509_free(f->root);
	X509_free(f->inter);
	X509_free(f->other_ca);
	free(f);
	return 0;
}

static bool diag_has(const struct eng_diag *d, const char *s)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->lines[i], s))
			return true;
	return false;
}

/* The CA set root + intermediate in trustpoint HQ-CA. */
static void authenticate(struct fx *f, const char *tp)
{
	X509 *v[] = {f->root, f->inter};
	struct eng_diag d = {0};
	size_t len;
	char *pem = cg_pem_certs(v, 2, &len);

	assert_int_equal(pki_ca_import(f->p, tp, pem, len, &d), 0);
	eng_diag_free(&d);
	free(pem);
}

/* A peer certificate under the intermediate. */
static X509 *peer_cert(struct fx *f, EVP_PKEY *k, const char *subject, long nb, long na,
		       long serial, const char *ku)
{
	return cg_cert(
	    k, &(struct cg_opts){.subject = subject,
				 .issuer = f->inter,
				 .issuer_key = f->int_key,
				 .not_before = nb,
				 .not_after = na,
				 .serial = serial,
				 .san = "DNS:gw.example.com,IP:192.0.2.1,email:ops@Example.com",
				 .key_usage = ku});
}

/* ---- Keys ------------------------------------------------------------ */

static void test_key_generate_types(void **state)
{
	static const struct {
		enum eng_key_type type;
		unsigned bits;
		const char *label;
	} want[] = {
	    {ENG_KEY_RSA, 2048, "r2048"},
	    {ENG_KEY_ECDSA_P256, 256, "e256"},
	    {ENG_KEY_ECDSA_P384, 384, "e384"},
	    {ENG_KEY_ED25519, 253, "ed"},
	};
	struct fx *f = *state;
	struct eng_key_info *ki;
	struct eng_diag d = {0};
	char path[200];
	struct stat st;
	size_t n;

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pki_key_generate(f->p, want[i].label, want[i].type,
						  want[i].type == ENG_KEY_RSA ? 2048 : 0, &d),
				 0);
		snprintf(path, sizeof(path), "%s/keys/%s.pem", f->dir, want[i].label);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	assert_int_equal(pki_key_generate(f->p, "r2048", ENG_KEY_RSA, 0, &d), -EEXIST);
	assert_int_equal(pki_key_generate(f->p, "small", ENG_KEY_RSA, 1024, &d), -EINVAL);
	assert_int_equal(pki_key_generate(f->p, "../x", ENG_KEY_ED25519, 0, &d), -EINVAL);
	assert_int_equal(pki_key_list(f->p, &ki, &n), 0);
	assert_int_equal(n, 4);
	/* sorted by label: e256 e384 ed r2048 */
	assert_string_equal(ki[0].label, "e256");
	assert_int_equal(ki[0].type, ENG_KEY_ECDSA_P256);
	assert_int_equal(ki[1].type, ENG_KEY_ECDSA_P384);
	assert_int_equal(ki[2].type, ENG_KEY_ED25519);
	assert_int_equal(ki[3].type, ENG_KEY_RSA);
	assert_int_equal(ki[3].bits, 2048);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(strstr(ki[i].pubkey, "BEGIN PUBLIC KEY"));
		assert_null(strstr(ki[i].pubkey, "PRIVATE"));
		assert_int_equal(strlen(ki[i].fingerprint), 95);
	}
	free(ki);
	/* a write cut short leaves a temporary file: the next open removes it */
	{
		char tmp[200];
		FILE *fp;

		snprintf(tmp, sizeof(tmp), "%s/keys/.gw.pem.tmp.AbC123", f->dir);
		fp = fopen(tmp, "w");
		assert_non_null(fp);
		fputs("-----BEGIN PRIVATE KEY-----\n", fp);
		fclose(fp);
		pki_close(f->p);
		assert_int_equal(pki_open(f->dir, NULL, &f->p), 0);
		assert_int_equal(access(tmp, F_OK), -1);
	}
	assert_int_equal(pki_key_zeroize(f->p, "ed"), 0);
	assert_false(pki_key_exists(f->p, "ed"));
	assert_int_equal(pki_key_zeroize(f->p, "ed"), -ENOENT);
	assert_null(pki_key_load(f->p, "ed"));
	eng_diag_free(&d);
}

static void test_key_import(void **state)
{
	struct fx *f = *state;
	EVP_PKEY *k = cg_key("p384"), *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	struct eng_diag d = {0};
	size_t len, slen;
	char *pem = cg_pem_key(k, "s3cret-pass", &len), *spem = cg_pem_key(small, NULL, &slen);
	EVP_PKEY *back;

	assert_non_null(strstr(pem, "ENCRYPTED"));
	assert_int_equal(pki_key_import(f->p, "imp", pem, len, NULL, &d), -EINVAL);
	assert_true(diag_has(&d, "needs its passphrase"));
	eng_diag_free(&d);
	assert_int_equal(pki_key_import(f->p, "imp", pem, len, "wrong", &d), -EINVAL);
	assert_true(diag_has(&d, "passphrase is wrong"));
	assert_false(diag_has(&d, "wrong\""));
	eng_diag_free(&d);
	assert_int_equal(pki_key_import(f->p, "imp", pem, len, "s3cret-pass", &d), 0);
	back = pki_key_load(f->p, "imp");
	assert_non_null(back);
	assert_int_equal(EVP_PKEY_eq(back, k), 1);
	assert_int_equal(pki_key_import(f->p, "small", spem, slen, NULL, &d), -EINVAL);
	assert_true(diag_has(&d, "1024 bits is not supported"));
	eng_diag_free(&d);
	assert_int_equal(pki_key_import(f->p, "junk", "hello", 5, NULL, &d), -EINVAL);
	assert_true(diag_has(&d, "no PEM private key"));
	eng_diag_free(&d);
	EVP_PKEY_free(back);
	EVP_PKEY_free(k);
	EVP_PKEY_free(small);
	free(pem);
	free(spem);
}

/* ---- Trustpoints --------------------------------------------------------- */

/* Signs a PKCS#10 request with the intermediate, as an outside CA would. */
static X509 *sign_request(struct fx *f, const char *pem, long serial)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	X509 *x = X509_new();

	assert_non_null(req);
	assert_int_equal(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)), 1);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_subject_name(x, X509_REQ_get_subject_name(req));
	X509_set_issuer_name(x, X509_get_subject_name(f->inter));
	X509_set_pubkey(x, X509_REQ_get0_pubkey(req));
	assert_true(X509_sign(x, f->int_key, EVP_sha256()) > 0);
	X509_REQ_free(req);
	BIO_free(b);
	return x;
}

static void test_enroll_and_import(void **state)
{
	struct fx *f = *state;
	struct pki_tp tp = {.name = "HQ-CA", .keypair = "gw", .subject = "C=DE, O=Example, CN=gw1"};
	struct eng_diag d = {0};
	struct eng_cert_info *ci;
	struct pki_creds c;
	char *req, *pem, why[200];
	X509 *mine, *stranger;
	size_t len, n;

	assert_int_equal(pki_key_generate(f->p, "gw", ENG_KEY_ECDSA_P256, 0, &d), 0);
	assert_int_equal(pki_enroll(f->p, &tp, &req, &d), 0);
	assert_non_null(strstr(req, "BEGIN CERTIFICATE REQUEST"));
	mine = sign_request(f, req, 77);
	free(req);

	/* no CA yet */
	pem = cg_pem_cert(mine, &len);
	assert_int_equal(pki_cert_import(f->p, &tp, pem, len, &d), -ENOENT);
	assert_true(diag_has(&d, "crypto pki authenticate HQ-CA"));
	eng_diag_free(&d);

	/* a non-CA in authenticate is refused */
	assert_int_equal(pki_ca_import(f->p, "HQ-CA", pem, len, &d), -EINVAL);
	assert_true(diag_has(&d, "CN=gw1 is not a CA certificate"));
	eng_diag_free(&d);

	authenticate(f, "HQ-CA");
	assert_int_equal(pki_cert_import(f->p, &tp, pem, len, &d), 0);
	free(pem);

	/* a certificate for another key is refused */
	stranger = peer_cert(f, f->other_key, "CN=stranger", -60, 86400, 5, NULL);
	pem = cg_pem_cert(stranger, &len);
	assert_int_equal(pki_cert_import(f->p, &tp, pem, len, &d), -EINVAL);
	assert_true(diag_has(&d, "not for key pair gw"));
	eng_diag_free(&d);
	free(pem);

	/* credentials: key, own certificate, the intermediate as chain (not the root) */
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	assert_true(pki_creds_ready(&c, why, sizeof(why)));
	assert_int_equal(sk_X509_num(c.chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(c.chain, 0), f->inter), 0);
	assert_int_equal(sk_X509_num(c.cas), 2);
	pki_creds_free(&c);

	/* a trustpoint without a key pair: no credentials to sign with */
	struct pki_tp bare = {.name = "HQ-CA", .keypair = "nokey"};

	assert_int_equal(pki_creds_get(f->p, &bare, &c), 0);
	assert_false(pki_creds_ready(&c, why, sizeof(why)));
	assert_string_equal(why, "no key pair for trustpoint HQ-CA");
	pki_creds_free(&c);

	assert_int_equal(pki_cert_list(f->p, &tp, time(NULL), &ci, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ci[0].role, ENG_CERT_CA);
	assert_string_equal(ci[0].subject, "C=DE, O=Example, CN=HQ Root");
	assert_int_equal(ci[2].role, ENG_CERT_OWN);
	assert_string_equal(ci[2].subject, "C=DE, O=Example, CN=gw1");
	assert_string_equal(ci[2].issuer, "C=DE, O=Example, CN=HQ Sub");
	assert_string_equal(ci[2].serial, "4D");
	assert_string_equal(ci[2].key, "ECDSA P-256");
	assert_int_equal(ci[2].state, ENG_CERT_VALID);
	assert_int_equal(strlen(ci[2].fingerprint), 95);
	assert_non_null(strstr(ci[0].usage, "CA"));
	free(ci);

	X509_free(mine);
	X509_free(stranger);
	eng_diag_free(&d);
}

/* Our certificate with its chain: the intermediate joins the CA set; a
 * stranger CA in the same file does not. */
static void test_import_with_chain(void **state)
{
	struct fx *f = *state;
	struct pki_tp tp = {.name = "HQ-CA", .keypair = "gw"};
	struct eng_diag d = {0};
	EVP_PKEY *k = cg_key("p256");
	X509 *mine = peer_cert(f, k, "CN=gw2", -60, 86400, 31, "digitalSignature");
	X509 *v[] = {mine, f->other_ca, f->inter};
	struct eng_cert_info *ci;
	size_t len, n;
	char *pem = cg_pem_cert(f->root, &len), *key;

	assert_int_equal(pki_ca_import(f->p, "HQ-CA", pem, len, &d), 0);
	free(pem);
	key = cg_pem_key(k, NULL, &len);
	assert_int_equal(pki_key_import(f->p, "gw", key, len, NULL, &d), 0);
	free(key);
	pem = cg_pem_certs(v, 3, &len);
	assert_int_equal(pki_cert_import(f->p, &tp, pem, len, &d), 0);
	free(pem);
	assert_int_equal(pki_cert_list(f->p, &tp, time(NULL), &ci, &n), 0);
	assert_int_equal(n, 3); /* root, the intermediate, ours: not the stranger */
	assert_string_equal(ci[0].subject, "C=DE, O=Example, CN=HQ Root");
	assert_string_equal(ci[1].subject, "C=DE, O=Example, CN=HQ Sub");
	assert_int_equal(ci[2].role, ENG_CERT_OWN);
	free(ci);
	X509_free(mine);
	EVP_PKEY_free(k);
	eng_diag_free(&d);
}

static void test_pkcs12(void **state)
{
	struct fx *f = *state;
	EVP_PKEY *k = cg_key("rsa2048");
	X509 *cert = peer_cert(f, k, "CN=p12 gw", -60, 86400, 9, "digitalSignature");
	X509 *cas[] = {f->root, f->inter};
	struct pki_tp tp = {.name = "P12"};
	struct eng_diag d = {0};
	struct pki_creds c;
	char why[200];
	size_t len;
	unsigned char *der = cg_p12(k, cert, cas, 2, "p12pass", &len);

	assert_non_null(der);
	assert_int_equal(pki_pkcs12_import(f->p, &tp, der, len, "nope", &d), -EINVAL);
	assert_true(diag_has(&d, "password is wrong"));
	eng_diag_free(&d);
	assert_int_equal(pki_pkcs12_import(f->p, &tp, der, len, "p12pass", &d), 0);
	assert_true(pki_key_exists(f->p, "P12")); /* labelled like the trustpoint */
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	assert_true(pki_creds_ready(&c, why, sizeof(why)));
	assert_int_equal(EVP_PKEY_eq(c.key, k), 1);
	pki_creds_free(&c);
	/* again: the key label is taken */
	assert_int_equal(pki_pkcs12_import(f->p, &tp, der, len, "p12pass", &d), -EEXIST);
	eng_diag_free(&d);
	free(der);
	X509_free(cert);
	EVP_PKEY_free(k);
}

/* ---- Verification --------------------------------------------------------- */

static void verify_says(struct pki_creds *c, X509 *peer, STACK_OF(X509) * untrusted,
			const char *want)
{
	char reason[256];
	int rc = pki_verify(c, peer, untrusted, time(NULL), reason, sizeof(reason));

	if (!want) {
		assert_int_equal(rc, 0);
		assert_string_equal(reason, "");
		return;
	}
	assert_int_equal(rc, -EACCES);
	assert_string_equal(reason, want);
}

static void date_of(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	ASN1_TIME_to_tm(t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

static void test_verify_reasons(void **state)
{
	struct fx *f = *state;
	struct pki_tp tp = {.name = "HQ-CA"};
	EVP_PKEY *k = cg_key("p256");
	X509 *good = peer_cert(f, k, "CN=good", -60, 86400, 10, "digitalSignature");
	X509 *expired = peer_cert(f, k, "CN=old", -3 * 86400, -86400, 11, NULL);
	X509 *early = peer_cert(f, k, "CN=early", 2 * 86400, 5 * 86400, 12, NULL);
	X509 *revoked = peer_cert(f, k, "CN=revoked", -60, 86400, 13, NULL);
	X509 *noalso = peer_cert(f, k, "CN=enc only", -60, 86400, 14, "keyEncipherment");
	X509 *wrong = cg_cert(k, &(struct cg_opts){.subject = "CN=wrong",
						   .issuer = f->other_ca,
						   .issuer_key = f->other_key,
						   .not_before = -60,
						   .not_after = 86400,
						   .serial = 15});
	X509 *self = cg_cert(k, &(struct cg_opts){.subject = "CN=self", .not_after = 86400});
	long serials[] = {13};
	X509_CRL *crl = cg_crl(f->inter, f->int_key, serials, 1, 86400);
	struct eng_diag d = {0};
	struct pki_creds c;
	STACK_OF(X509) *sent = sk_X509_new_null();
	char want[200], date[32];
	size_t len;
	char *pem;

	/* only the root as anchor: the peer must send the intermediate */
	pem = cg_pem_cert(f->root, &len);
	assert_int_equal(pki_ca_import(f->p, "HQ-CA", pem, len, &d), 0);
	free(pem);
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	verify_says(&c, good, NULL, "peer certificate not signed by trustpoint HQ-CA");
	sk_X509_push(sent, f->inter);
	verify_says(&c, good, sent, NULL);
	pki_creds_free(&c);

	authenticate(f, "HQ-CA");
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	verify_says(&c, good, NULL, NULL);
	date_of(X509_get0_notAfter(expired), date, sizeof(date));
	snprintf(want, sizeof(want), "peer certificate expired on %s", date);
	verify_says(&c, expired, NULL, want);
	date_of(X509_get0_notBefore(early), date, sizeof(date));
	snprintf(want, sizeof(want), "peer certificate is not valid before %s", date);
	verify_says(&c, early, NULL, want);
	verify_says(&c, wrong, NULL, "peer certificate not signed by trustpoint HQ-CA");
	verify_says(&c, self, NULL, "peer certificate not signed by trustpoint HQ-CA");
	verify_says(&c, noalso, NULL, "peer certificate key usage does not allow signatures");
	/* revocation off: the revoked one passes */
	verify_says(&c, revoked, NULL, NULL);
	pki_creds_free(&c);

	/* revocation-check crl without a CRL: refused, saying so */
	tp.crl = true;
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	verify_says(&c, good, NULL, "no CRL of trustpoint HQ-CA for the peer certificate");
	pki_creds_free(&c);

	/* a CRL signed by another CA is refused at import */
	X509_CRL *bad = cg_crl(f->other_ca, f->other_key, serials, 1, 86400);

	pem = cg_pem_crl(bad, &len);
	assert_int_equal(pki_crl_import(f->p, "HQ-CA", pem, len, &d), -EINVAL);
	assert_true(diag_has(&d, "not signed by its CA"));
	free(pem);
	pem = cg_pem_crl(crl, &len);
	assert_int_equal(pki_crl_import(f->p, "HQ-CA", pem, len, &d), 0);
	free(pem);
	assert_int_equal(pki_creds_get(f->p, &tp, &c), 0);
	verify_says(&c, revoked, NULL, "peer certificate revoked (CRL of HQ-CA)");
	verify_says(&c, good, NULL, NULL);
	pki_creds_free(&c);

	/* and show says it plainly: the revoked one put where our own goes */
	struct eng_cert_info *ci;
	char path[200];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/trustpoints/HQ-CA/cert.pem", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	PEM_write_X509(fp, revoked);
	fclose(fp);
	assert_int_equal(pki_cert_list(f->p, &tp, time(NULL), &ci, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ci[2].state, ENG_CERT_REVOKED);
	assert_string_equal(ci[2].san, "DNS:gw.example.com, IP:192.0.2.1, email:ops@Example.com");
	free(ci);

	X509_CRL_free(bad);
	X509_CRL_free(crl);
	sk_X509_free(sent);
	X509_free(good);
	X509_free(expired);
	X509_free(early);
	X509_free(revoked);
	X509_free(noalso);
	X509_free(wrong);
	X509_free(self);
	EVP_PKEY_free(k);
	eng_diag_free(&d);
}

/* show says expired and not yet valid plainly, CA certificates included */
static void test_cert_states(void **state)
{
	struct fx *f = *state;
	EVP_PKEY *k = cg_key("p256");
	X509 *old = cg_cert(k, &(struct cg_opts){.subject = "CN=Old CA",
						 .ca = true,
						 .not_before = -10 * 86400,
						 .not_after = -2 * 86400});
	X509 *early = cg_cert(k, &(struct cg_opts){.subject = "CN=Early CA",
						   .ca = true,
						   .not_before = 3 * 86400,
						   .not_after = 9 * 86400});
	X509 *v[] = {old, early, f->root};
	struct pki_tp tp = {.name = "STATES"};
	struct eng_diag d = {0};
	struct eng_cert_info *ci;
	size_t len, n;
	char *pem = cg_pem_certs(v, 3, &len);

	assert_int_equal(pki_ca_import(f->p, "STATES", pem, len, &d), 0);
	assert_int_equal(pki_cert_list(f->p, &tp, time(NULL), &ci, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ci[0].state, ENG_CERT_EXPIRED);
	assert_int_equal(ci[1].state, ENG_CERT_NOT_YET_VALID);
	assert_int_equal(ci[2].state, ENG_CERT_VALID);
	/* judged at the time given, not at the wall clock */
	free(ci);
	assert_int_equal(pki_cert_list(f->p, &tp, time(NULL) - 5 * 86400, &ci, &n), 0);
	assert_int_equal(ci[0].state, ENG_CERT_VALID);
	free(ci);
	free(pem);
	X509_free(old);
	X509_free(early);
	EVP_PKEY_free(k);
	eng_diag_free(&d);
}

/* ---- Names ---------------------------------------------------------------- */

static bool match(const char *pattern, const char *name)
{
	X509_NAME *a, *b;
	bool ok;

	assert_int_equal(pki_dn_parse(pattern, &a), 0);
	assert_int_equal(pki_dn_parse(name, &b), 0);
	ok = pki_dn_match(a, b);
	X509_NAME_free(a);
	X509_NAME_free(b);
	return ok;
}

static void test_dn(void **state)
{
	static const char *const bad[] = {
	    "",	     "CN",	  "CN=",    "=x",	 "CN=a,",      "XX=a",	     "C=Germany",
	    "CN=a+", "CN=\"open", "CN=a\\", "CN=a\\00b", "2.5..4.3=x", "2.5.4.03=x",
	};
	X509_NAME *n;
	char buf[300];

	assert_int_equal(pki_dn_parse("C=DE, O=Example\\, Inc., OU=R&D+CN=gw 1", &n), 0);
	assert_int_equal(X509_NAME_entry_count(n), 4);
	pki_dn_str(n, buf, sizeof(buf));
	assert_string_equal(buf, "C=DE, O=Example\\, Inc., OU=R&D+CN=gw 1");
	X509_NAME_free(n);
	assert_int_equal(pki_dn_parse("/C=DE/O=x/CN=y", &n), 0);
	pki_dn_str(n, buf, sizeof(buf));
	assert_string_equal(buf, "C=DE, O=x, CN=y");
	X509_NAME_free(n);
	assert_int_equal(pki_dn_parse("CN=\"quoted, with comma\", E=a@b.c, 2.5.4.11=unit", &n), 0);
	pki_dn_str(n, buf, sizeof(buf));
	assert_string_equal(buf, "CN=quoted\\, with comma, E=a@b.c, OU=unit");
	X509_NAME_free(n);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pki_dn_parse(bad[i], &n), -EINVAL);

	/* RFC 5280 names, not strings */
	assert_true(match("C=DE, O=Example, CN=gw1", "c=de,o=EXAMPLE,  cn=GW1"));
	assert_true(match("C=DE, O=Example  Corp, CN=gw1", "C=DE, O=example corp, CN=gw1"));
	assert_false(match("C=DE, O=Example, CN=gw1", "O=Example, C=DE, CN=gw1"));
	assert_false(match("C=DE, O=Example, CN=gw1", "C=DE, O=Example, CN=gw2"));
	assert_false(match("C=DE, O=Example", "C=DE, O=Example, CN=gw1"));
	assert_false(match("C=DE, OU=Example", "C=DE, O=Example"));
	/* wildcards: any value of that attribute, never a missing one */
	assert_true(match("C=DE, O=Example, CN=*", "C=DE, O=Example, CN=spoke-17"));
	assert_false(match("C=DE, O=Example, CN=*", "C=DE, O=Other, CN=spoke-17"));
	assert_false(match("C=DE, O=Example, CN=*", "C=DE, O=Example"));
	assert_false(match("C=DE, O=Example, CN=sp*", "C=DE, O=Example, CN=spoke"));
	/* multi-valued RDNs keep their boundaries */
	assert_false(match("OU=a+CN=b", "OU=a, CN=b"));
	assert_true(match("OU=a+CN=b", "OU=A+CN=B"));
}

static void test_id_match(void **state)
{
	struct fx *f = *state;
	EVP_PKEY *k = cg_key("ed25519");
	X509 *x = peer_cert(f, k, "C=DE, O=Example, CN=gw1", -60, 86400, 20, NULL);
	unsigned char *der = NULL;
	uint8_t ip4[4] = {192, 0, 2, 1}, ip4b[4] = {192, 0, 2, 2};
	char reason[300];
	X509_NAME *n;
	int len;

	assert_non_null(x);
	assert_true(pki_id_match(x, PKI_ID_FQDN, (const uint8_t *)"GW.example.com", 14, reason,
				 sizeof(reason)));
	assert_false(pki_id_match(x, PKI_ID_FQDN, (const uint8_t *)"gw.example.co", 13, reason,
				  sizeof(reason)));
	assert_string_equal(reason, "peer identity gw.example.co does not match the certificate");
	assert_true(pki_id_match(x, PKI_ID_IPV4_ADDR, ip4, 4, reason, sizeof(reason)));
	assert_false(pki_id_match(x, PKI_ID_IPV4_ADDR, ip4b, 4, reason, sizeof(reason)));
	assert_string_equal(reason, "peer identity 192.0.2.2 does not match the certificate");
	assert_true(pki_id_match(x, PKI_ID_RFC822_ADDR, (const uint8_t *)"ops@example.COM", 15,
				 reason, sizeof(reason)));
	assert_false(pki_id_match(x, PKI_ID_RFC822_ADDR, (const uint8_t *)"OPS@example.com", 15,
				  reason, sizeof(reason)));

	assert_int_equal(pki_dn_parse("c=de, o=example, cn=GW1", &n), 0);
	len = i2d_X509_NAME(n, &der);
	assert_true(pki_id_match(x, PKI_ID_DER_ASN1_DN, der, (size_t)len, reason, sizeof(reason)));
	OPENSSL_free(der);
	X509_NAME_free(n);
	der = NULL;
	/* the peer cannot send a wildcard and match every certificate */
	assert_int_equal(pki_dn_parse("C=DE, CN=*", &n), 0);
	len = i2d_X509_NAME(n, &der);
	assert_false(pki_id_match(x, PKI_ID_DER_ASN1_DN, der, (size_t)len, reason, sizeof(reason)));
	assert_string_equal(reason, "peer identity C=DE, CN=* does not match the certificate");
	/* malformed DER is a mismatch, not a crash */
	assert_false(
	    pki_id_match(x, PKI_ID_DER_ASN1_DN, der, (size_t)len - 3, reason, sizeof(reason)));
	OPENSSL_free(der);
	X509_NAME_free(n);
	X509_free(x);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_key_generate_types, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enroll_and_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_with_chain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pkcs12, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_reasons, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cert_states, setup, teardown),
	    cmocka_unit_test(test_dn),
	    cmocka_unit_test_setup_teardown(test_id_match, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
