/* SPDX-License-Identifier: ISC */
/*
 * Signature authentication and certificates, unit by unit: the RFC 7427
 * AlgorithmIdentifiers, signing and verifying with every key type and
 * method (cross-checked with OpenSSL used directly), the choice of method,
 * chain verification with generated CAs, and identity matching.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "certgen.h"
#include "ike_cert.h"
#include "ike_proto.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;

		while (*h == ' ')
			h++;
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static const struct ike_sig_alg *alg_named(const char *name)
{
	size_t n;
	const struct ike_sig_alg *t = ike_sig_algs(&n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	}
	fail_msg("no scheme %s", name);
	return NULL;
}

/* RFC 7427 Appendix A, written out separately from the table. */
static void test_algid_rfc7427_bytes(void **state)
{
	static const struct {
		const char *name, *hex;
	} kat[] = {
	    {"rsa-pkcs1-sha1", "300d06092a864886f70d0101050500"},
	    {"rsa-pkcs1-sha256", "300d06092a864886f70d01010b0500"},
	    {"rsa-pkcs1-sha384", "300d06092a864886f70d01010c0500"},
	    {"rsa-pkcs1-sha512", "300d06092a864886f70d01010d0500"},
	    {"ecdsa-sha256", "300a06082a8648ce3d040302"},
	    {"ecdsa-sha384", "300a06082a8648ce3d040303"},
	    {"ecdsa-sha512", "300a06082a8648ce3d040304"},
	    {"rsa-pss-sha256", "304106092a864886f70d01010a3034a00f300d06096086480165030402010500"
			       "a11c301a06092a864886f70d010108300d06096086480165030402010500"
			       "a203020120"},
	    {"rsa-pss-sha384", "304106092a864886f70d01010a3034a00f300d06096086480165030402020500"
			       "a11c301a06092a864886f70d010108300d06096086480165030402020500"
			       "a203020130"},
	    {"rsa-pss-sha512", "304106092a864886f70d01010a3034a00f300d06096086480165030402030500"
			       "a11c301a06092a864886f70d010108300d06096086480165030402030500"
			       "a203020140"},
	    {"ed25519", "300506032b6570"},
	};
	uint8_t want[128];

	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		const struct ike_sig_alg *a = alg_named(kat[i].name);
		size_t n = unhex(kat[i].hex, want);

		assert_int_equal(a->derlen, n);
		assert_memory_equal(a->der, want, n);
		assert_ptr_equal(ike_sig_alg_parse(want, n), a);
	}
	(void)state;
}

/* Every encoding of the table is the DER OpenSSL reads as the scheme it names. */
static void test_algid_decode(void **state)
{
	size_t n;
	const struct ike_sig_alg *t = ike_sig_algs(&n);

	assert_int_equal(n, 11);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = t[i].der;
		X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, (long)t[i].derlen);
		int nid, want;

		assert_non_null(alg);
		assert_ptr_equal(p, t[i].der + t[i].derlen);
		nid = OBJ_obj2nid(alg->algorithm);
		if (t[i].pss) {
			RSA_PSS_PARAMS *pss;
			X509_ALGOR *mh;
			int hn = t[i].hash == IKE_HASH_SHA256	? NID_sha256
				 : t[i].hash == IKE_HASH_SHA384 ? NID_sha384
								: NID_sha512;

			assert_int_equal(nid, NID_rsassaPss);
			pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
							alg->parameter);
			assert_non_null(pss);
			assert_int_equal(OBJ_obj2nid(pss->hashAlgorithm->algorithm), hn);
			assert_int_equal(OBJ_obj2nid(pss->maskGenAlgorithm->algorithm), NID_mgf1);
			mh = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
						       pss->maskGenAlgorithm->parameter);
			assert_int_equal(OBJ_obj2nid(mh->algorithm), hn);
			assert_int_equal(ASN1_INTEGER_get(pss->saltLength), t[i].salt);
			assert_null(pss->trailerField);
			X509_ALGOR_free(mh);
			RSA_PSS_PARAMS_free(pss);
		} else {
			switch (t[i].hash) {
			case IKE_HASH_SHA1:
				want = NID_sha1WithRSAEncryption;
				break;
			case IKE_HASH_SHA256:
				want =
				    t[i].ec ? NID_ecdsa_with_SHA256 : NID_sha256WithRSAEncryption;
				break;
			case IKE_HASH_SHA384:
				want =
				    t[i].ec ? NID_ecdsa_with_SHA384 : NID_sha384WithRSAEncryption;
				break;
			case IKE_HASH_SHA512:
				want =
				    t[i].ec ? NID_ecdsa_with_SHA512 : NID_sha512WithRSAEncryption;
				break;
			default:
				want = NID_ED25519;
				break;
			}
			assert_int_equal(nid, want);
		}
		X509_ALGOR_free(alg);
		/* cut short or one byte longer: not ours */
		assert_null(ike_sig_alg_parse(t[i].der, t[i].derlen - 1));
	}
	(void)state;
}

/* An RSASSA-PSS AlgorithmIdentifier written by OpenSSL (its own choices of NULLs). */
static void test_algid_pss_openssl(void **state)
{
	EVP_PKEY *key = cg_key("rsa2048");
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[256];
	OSSL_PARAM params[2];
	size_t len;

	assert_int_equal(EVP_DigestSignInit_ex(ctx, &pctx, "SHA384", NULL, NULL, key, NULL), 1);
	EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48);
	params[0] =
	    OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, der, sizeof(der));
	params[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_PKEY_CTX_get_params(pctx, params), 1);
	len = params[0].return_size;
	assert_ptr_equal(ike_sig_alg_parse(der, len), alg_named("rsa-pss-sha384"));
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);

	/* MGF1 with another hash than the signature's: refused */
	{
		static const uint8_t odd[] = {
		    0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
		    0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
		    0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
		    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
		    0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
		    0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20};
		static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};

		assert_null(ike_sig_alg_parse(odd, sizeof(odd)));
		assert_null(ike_sig_alg_parse(junk, sizeof(junk)));
		assert_null(ike_sig_alg_parse(junk, 0));
	}
	(void)state;
}

static const uint8_t MSG[] = "the octets the AUTH payload signs: message | nonce | prf";

static void sign_verify(EVP_PKEY *key, const struct ike_sig_how *how)
{
	uint8_t sig[2048], data[sizeof(MSG)];
	struct ike_sig_how got;
	size_t len;

	assert_int_equal(ike_sig_sign(key, how, MSG, sizeof(MSG), sig, sizeof(sig), &len), 0);
	assert_int_equal(ike_sig_verify(key, how->method, sig, len, MSG, sizeof(MSG), &got), 0);
	assert_int_equal(got.method, how->method);
	assert_ptr_equal(got.alg, how->alg);
	/* another message, or a bit of the signature changed: refused */
	memcpy(data, MSG, sizeof(MSG));
	data[3] ^= 1;
	assert_int_equal(ike_sig_verify(key, how->method, sig, len, data, sizeof(data), &got),
			 -EACCES);
	sig[len - 1] ^= 0x40;
	assert_int_not_equal(ike_sig_verify(key, how->method, sig, len, MSG, sizeof(MSG), &got), 0);
	/* cut short */
	assert_int_not_equal(ike_sig_verify(key, how->method, sig, len / 2, MSG, sizeof(MSG), &got),
			     0);
}

static void test_sign_verify_every_key(void **state)
{
	static const struct {
		const char *key;
		uint8_t classic;
		const char *schemes[7];
	} cases[] = {
	    {"rsa2048",
	     IKE_AUTH_RSA_SIG,
	     {"rsa-pkcs1-sha256", "rsa-pkcs1-sha384", "rsa-pkcs1-sha512", "rsa-pss-sha256",
	      "rsa-pss-sha384", "rsa-pss-sha512"}},
	    {"p256", IKE_AUTH_ECDSA_256, {"ecdsa-sha256", "ecdsa-sha384", "ecdsa-sha512"}},
	    {"p384", IKE_AUTH_ECDSA_384, {"ecdsa-sha384", "ecdsa-sha256"}},
	    {"p521", IKE_AUTH_ECDSA_521, {"ecdsa-sha512"}},
	    {"ed25519", 0, {"ed25519"}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EVP_PKEY *key = cg_key(cases[i].key);
		struct ike_sig_how how = {0};
		uint8_t sig[2048];
		size_t len;

		assert_non_null(key);
		if (cases[i].classic) {
			how.method = cases[i].classic;
			sign_verify(key, &how);
		}
		for (size_t j = 0; cases[i].schemes[j]; j++) {
			how.method = IKE_AUTH_DIGITAL_SIGNATURE;
			how.alg = alg_named(cases[i].schemes[j]);
			sign_verify(key, &how);
		}
		/* a method that does not fit the key */
		how.method =
		    strcmp(cases[i].key, "p256") == 0 ? IKE_AUTH_ECDSA_384 : IKE_AUTH_ECDSA_256;
		how.alg = NULL;
		assert_int_equal(ike_sig_sign(key, &how, MSG, sizeof(MSG), sig, sizeof(sig), &len),
				 -ENOTSUP);
		EVP_PKEY_free(key);
	}
	(void)state;
}

/* Deterministic schemes give OpenSSL's own signature byte for byte. */
static void test_sign_matches_openssl(void **state)
{
	static const char *keys[] = {"rsa2048", "ed25519"};

	for (size_t i = 0; i < 2; i++) {
		EVP_PKEY *key = cg_key(keys[i]);
		bool rsa = i == 0;
		struct ike_sig_how how = {IKE_AUTH_DIGITAL_SIGNATURE,
					  alg_named(rsa ? "rsa-pkcs1-sha256" : "ed25519")};
		uint8_t ours[1024], ref[1024];
		size_t len, rlen = sizeof(ref);
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		assert_int_equal(
		    ike_sig_sign(key, &how, MSG, sizeof(MSG), ours, sizeof(ours), &len), 0);
		assert_int_equal(
		    EVP_DigestSignInit_ex(ctx, NULL, rsa ? "SHA256" : NULL, NULL, NULL, key, NULL),
		    1);
		assert_int_equal(EVP_DigestSign(ctx, ref, &rlen, MSG, sizeof(MSG)), 1);
		/* length octet, AlgorithmIdentifier, signature (RFC 7427 §3) */
		assert_int_equal(ours[0], how.alg->derlen);
		assert_memory_equal(ours + 1, how.alg->der, how.alg->derlen);
		assert_int_equal(len, 1 + how.alg->derlen + rlen);
		assert_memory_equal(ours + 1 + how.alg->derlen, ref, rlen);
		EVP_MD_CTX_free(ctx);
		EVP_PKEY_free(key);
	}
	(void)state;
}

/* RFC 4754: r|s of 32 bytes each for P-256, checked by OpenSSL as DER. */
static void test_ecdsa_classic_layout(void **state)
{
	EVP_PKEY *key = cg_key("p256");
	struct ike_sig_how how = {IKE_AUTH_ECDSA_256, NULL};
	uint8_t sig[256], *der = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = ECDSA_SIG_new();
	size_t len;
	int dlen;

	assert_int_equal(ike_sig_sign(key, &how, MSG, sizeof(MSG), sig, sizeof(sig), &len), 0);
	assert_int_equal(len, 64);
	ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
	dlen = i2d_ECDSA_SIG(es, &der);
	assert_int_equal(EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL), 1);
	assert_int_equal(EVP_DigestVerify(ctx, der, (size_t)dlen, MSG, sizeof(MSG)), 1);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	(void)state;
}

static void test_choose(void **state)
{
	const unsigned all = IKE_HASHES_OURS | 1u << 31;
	const unsigned only256 = 1u << IKE_HASH_SHA256 | 1u << 31;
	const unsigned only512 = 1u << IKE_HASH_SHA512 | 1u << 31;
	EVP_PKEY *rsa = cg_key("rsa2048"), *p256 = cg_key("p256"), *p384 = cg_key("p384"),
		 *ed = cg_key("ed25519");
	struct ike_sig_how h;

	/* no SIGNATURE_HASH_ALGORITHMS: the classic methods */
	assert_int_equal(ike_sig_choose(rsa, 0, true, &h), 0);
	assert_int_equal(h.method, IKE_AUTH_RSA_SIG);
	assert_int_equal(ike_sig_choose(p256, 0, false, &h), 0);
	assert_int_equal(h.method, IKE_AUTH_ECDSA_256);
	assert_int_equal(ike_sig_choose(p384, 0, false, &h), 0);
	assert_int_equal(h.method, IKE_AUTH_ECDSA_384);
	assert_int_equal(ike_sig_choose(ed, 0, false, &h), -ENOTSUP);
	/* RFC 7427 */
	assert_int_equal(ike_sig_choose(rsa, all, false, &h), 0);
	assert_int_equal(h.method, IKE_AUTH_DIGITAL_SIGNATURE);
	assert_string_equal(h.alg->name, "rsa-pkcs1-sha256");
	assert_int_equal(ike_sig_choose(rsa, only512, true, &h), 0);
	assert_string_equal(h.alg->name, "rsa-pss-sha512");
	assert_int_equal(ike_sig_choose(p384, all, false, &h), 0);
	assert_string_equal(h.alg->name, "ecdsa-sha384");
	assert_int_equal(ike_sig_choose(p384, only256, false, &h), 0);
	assert_string_equal(h.alg->name, "ecdsa-sha256");
	assert_int_equal(ike_sig_choose(ed, all, false, &h), 0);
	assert_string_equal(h.alg->name, "ed25519");
	assert_int_equal(ike_sig_choose(ed, only256, false, &h), -ENOTSUP);
	/* RFC 7427 with no hash we know */
	assert_int_equal(ike_sig_choose(rsa, 1u << 31, false, &h), -ENOTSUP);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	(void)state;
}

/* ---- chains ---- */

struct pki {
	EVP_PKEY *ca_key, *int_key, *ee_key, *other_key;
	X509 *ca, *inter, *ee, *other_ca;
	X509_STORE *store;
};

static struct pki P;

static int pki_setup(void **state)
{
	P.ca_key = cg_key("p256");
	P.int_key = cg_key("p256");
	P.ee_key = cg_key("p256");
	P.other_key = cg_key("p256");
	P.ca = cg_cert(P.ca_key, "C=DE,O=Test,CN=Test Root", NULL, P.ca_key, NULL, true, -1, 3650);
	P.inter = cg_cert(P.int_key, "C=DE,O=Test,CN=Test Intermediate", P.ca, P.ca_key, NULL, true,
			  -1, 3650);
	P.ee = cg_cert(P.ee_key, "C=DE,O=Test,CN=gw-b", P.inter, P.int_key,
		       "IP:192.0.2.2,DNS:gw-b.example,email:vpn@example.org", false, -1, 365);
	P.other_ca = cg_cert(P.other_key, "C=DE,O=Other,CN=Other Root", NULL, P.other_key, NULL,
			     true, -1, 3650);
	P.store = cg_store(P.ca);
	(void)state;
	return 0;
}

static int pki_teardown(void **state)
{
	EVP_PKEY_free(P.ca_key);
	EVP_PKEY_free(P.int_key);
	EVP_PKEY_free(P.ee_key);
	EVP_PKEY_free(P.other_key);
	X509_free(P.ca);
	X509_free(P.inter);
	X509_free(P.ee);
	X509_free(P.other_ca);
	X509_STORE_free(P.store);
	(void)state;
	return 0;
}

struct ders {
	uint8_t *d[8];
	struct ike_cert_peer pc;
};

static void ders_add(struct ders *s, X509 *x)
{
	int len = i2d_X509(x, &s->d[s->pc.n]);

	s->pc.der[s->pc.n] = s->d[s->pc.n];
	s->pc.len[s->pc.n] = (size_t)len;
	s->pc.n++;
}

static void ders_free(struct ders *s)
{
	for (size_t i = 0; i < 8; i++)
		OPENSSL_free(s->d[i]);
	memset(s, 0, sizeof(*s));
}

static int verify(X509 *ee, X509 *inter, char *why, size_t len)
{
	struct ders s = {0};
	X509 *leaf = NULL;
	int ret;

	ders_add(&s, ee);
	if (inter)
		ders_add(&s, inter);
	ret = ike_cert_verify_chain(P.store, "HQ-CA", &s.pc, &leaf, why, len);
	if (ret == 0)
		assert_int_equal(X509_cmp(leaf, ee), 0);
	X509_free(leaf);
	ders_free(&s);
	return ret;
}

static void test_chain_good_and_missing_intermediate(void **state)
{
	char why[256] = "";

	assert_int_equal(verify(P.ee, P.inter, why, sizeof(why)), 0);
	assert_int_equal(verify(P.ee, NULL, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "not signed by trustpoint HQ-CA"));
	assert_non_null(strstr(why, "CN=Test Intermediate"));
	(void)state;
}

static void test_chain_expired_and_not_yet_valid(void **state)
{
	EVP_PKEY *k = cg_key("p256");
	X509 *old = cg_cert(k, "C=DE,O=Test,CN=old", P.inter, P.int_key, NULL, false, -30, -2);
	X509 *young = cg_cert(k, "C=DE,O=Test,CN=young", P.inter, P.int_key, NULL, false, 3, 30);
	char why[256], want[64], date[16];
	struct tm tm;
	time_t t;

	assert_int_equal(verify(old, P.inter, why, sizeof(why)), -EACCES);
	t = time(NULL) - 2 * 86400;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(want, sizeof(want), "peer certificate expired on %s", date);
	assert_string_equal(why, want);
	assert_int_equal(verify(young, P.inter, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "peer certificate not valid before "));
	X509_free(old);
	X509_free(young);
	EVP_PKEY_free(k);
	(void)state;
}

static void test_chain_wrong_ca(void **state)
{
	EVP_PKEY *k = cg_key("p256");
	X509 *x =
	    cg_cert(k, "C=DE,O=Other,CN=intruder", P.other_ca, P.other_key, NULL, false, -1, 30);
	char why[256];

	assert_int_equal(verify(x, P.other_ca, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "not signed by trustpoint HQ-CA"));
	assert_int_equal(verify(x, NULL, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "issuer C=DE, O=Other, CN=Other Root"));
	X509_free(x);
	EVP_PKEY_free(k);
	(void)state;
}

/* A CRL by the intermediate, revoking serials (NULL-ended). */
static X509_CRL *make_crl(X509 *const *revoked)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = ASN1_TIME_adj(NULL, time(NULL), -1, 0);
	ASN1_TIME *next = ASN1_TIME_adj(NULL, time(NULL), 30, 0);

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(P.inter));
	X509_CRL_set1_lastUpdate(crl, now);
	X509_CRL_set1_nextUpdate(crl, next);
	for (; *revoked; revoked++) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(*revoked));
		X509_REVOKED_set_revocationDate(r, now);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	assert_true(X509_CRL_sign(crl, P.int_key, EVP_sha256()) > 0);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	return crl;
}

/* CRLs and flags are the caller's, set in the store: the verifier applies them. */
static void test_chain_crl(void **state)
{
	X509_STORE *saved = P.store;
	X509 *const revoked[] = {P.ee, NULL}, *const none[] = {NULL};
	X509_CRL *crl;
	char why[256];

	P.store = cg_store(P.ca);
	X509_STORE_set_flags(P.store, X509_V_FLAG_CRL_CHECK);
	/* checking asked for, no CRL at hand */
	assert_int_equal(verify(P.ee, P.inter, why, sizeof(why)), -EACCES);
	assert_string_equal(why, "peer certificate not checked: no CRL of C=DE, O=Test, CN=Test "
				 "Intermediate");
	crl = make_crl(none);
	X509_STORE_add_crl(P.store, crl);
	X509_CRL_free(crl);
	assert_int_equal(verify(P.ee, P.inter, why, sizeof(why)), 0);
	X509_STORE_free(P.store);

	P.store = cg_store(P.ca);
	X509_STORE_set_flags(P.store, X509_V_FLAG_CRL_CHECK);
	crl = make_crl(revoked);
	X509_STORE_add_crl(P.store, crl);
	X509_CRL_free(crl);
	assert_int_equal(verify(P.ee, P.inter, why, sizeof(why)), -EACCES);
	assert_string_equal(why,
			    "peer certificate revoked (CRL of C=DE, O=Test, CN=Test Intermediate)");
	X509_STORE_free(P.store);
	P.store = saved;
	(void)state;
}

static void test_chain_hostile_der(void **state)
{
	static const uint8_t garbage[] = {0x30, 0x82, 0xff, 0xff, 0x01, 0x02, 0x03};
	struct ders s = {0};
	struct ike_cert_peer pc = {0};
	uint8_t *big;
	X509 *leaf;
	char why[256];

	pc.der[0] = garbage;
	pc.len[0] = sizeof(garbage);
	pc.n = 1;
	assert_int_equal(ike_cert_verify_chain(P.store, "HQ-CA", &pc, &leaf, why, sizeof(why)),
			 -EBADMSG);
	assert_null(leaf);
	assert_non_null(strstr(why, "not a valid DER certificate"));
	/* a real certificate with bytes after it */
	ders_add(&s, P.ee);
	big = malloc(s.pc.len[0] + 1);
	memcpy(big, s.pc.der[0], s.pc.len[0]);
	big[s.pc.len[0]] = 0;
	pc.der[0] = big;
	pc.len[0] = s.pc.len[0] + 1;
	assert_int_equal(ike_cert_verify_chain(P.store, "HQ-CA", &pc, &leaf, why, sizeof(why)),
			 -EBADMSG);
	free(big);
	/* longer than any certificate we take */
	big = calloc(1, IKE_CERT_DER_MAX + 1);
	pc.der[0] = big;
	pc.len[0] = IKE_CERT_DER_MAX + 1;
	assert_int_equal(ike_cert_verify_chain(P.store, "HQ-CA", &pc, &leaf, why, sizeof(why)),
			 -EBADMSG);
	free(big);
	/* too many */
	pc = s.pc;
	pc.n = IKE_CERT_PEER_MAX + 1;
	assert_int_equal(ike_cert_verify_chain(P.store, "HQ-CA", &pc, &leaf, why, sizeof(why)),
			 -E2BIG);
	ders_free(&s);
	(void)state;
}

static void test_id_matches(void **state)
{
	uint8_t dn[256], ip4[4] = {192, 0, 2, 2}, ip4b[4] = {192, 0, 2, 3};
	size_t n = cg_dn_der("C=DE,O=Test,CN=gw-b", dn, sizeof(dn));
	char buf[128];

	assert_true(ike_cert_id_matches(P.ee, IKE_ID_DER_ASN1_DN, dn, n));
	assert_string_equal(ike_cert_dn_str(dn, n, buf, sizeof(buf)), "C=DE, O=Test, CN=gw-b");
	assert_false(ike_cert_id_matches(P.ee, IKE_ID_DER_ASN1_DN, dn, n - 1));
	n = cg_dn_der("C=DE,O=Test,CN=gw-c", dn, sizeof(dn));
	assert_false(ike_cert_id_matches(P.ee, IKE_ID_DER_ASN1_DN, dn, n));
	assert_true(ike_cert_id_matches(P.ee, IKE_ID_IPV4_ADDR, ip4, 4));
	assert_false(ike_cert_id_matches(P.ee, IKE_ID_IPV4_ADDR, ip4b, 4));
	assert_true(ike_cert_id_matches(P.ee, IKE_ID_FQDN, (const uint8_t *)"gw-b.example", 12));
	assert_false(ike_cert_id_matches(P.ee, IKE_ID_FQDN, (const uint8_t *)"gw-c.example", 12));
	assert_false(
	    ike_cert_id_matches(P.ee, IKE_ID_FQDN, (const uint8_t *)"gw-b.example\0x", 14));
	assert_true(
	    ike_cert_id_matches(P.ee, IKE_ID_RFC822_ADDR, (const uint8_t *)"vpn@example.org", 15));
	assert_false(
	    ike_cert_id_matches(P.ee, IKE_ID_RFC822_ADDR, (const uint8_t *)"vpx@example.org", 15));
	assert_false(ike_cert_id_matches(P.ee, IKE_ID_KEY_ID, (const uint8_t *)"gw-b", 4));
	/* names compared as names: the same DN encoded twice is equal */
	{
		uint8_t a[256], b[256];
		size_t na = cg_dn_der("C=DE,CN=x", a, sizeof(a)),
		       nb = cg_dn_der("C=DE,CN=X", b, sizeof(b));

		assert_true(ike_cert_dn_equal(a, na, a, na));
		/* RFC 5280 §7.1 comparison folds case */
		assert_true(ike_cert_dn_equal(a, na, b, nb));
		nb = cg_dn_der("C=DE,CN=y", b, sizeof(b));
		assert_false(ike_cert_dn_equal(a, na, b, nb));
	}
	(void)state;
}

static void test_dn_wildcards(void **state)
{
	uint8_t pat[256], a[256];
	size_t np = cg_dn_der("C=DE,O=HQ,CN=*", pat, sizeof(pat)), na;

	na = cg_dn_der("C=DE,O=HQ,CN=spoke-17", a, sizeof(a));
	assert_true(ike_cert_dn_match(pat, np, a, na));
	assert_false(ike_cert_dn_equal(pat, np, a, na));
	/* the other attributes still count */
	na = cg_dn_der("C=DE,O=Else,CN=spoke-17", a, sizeof(a));
	assert_false(ike_cert_dn_match(pat, np, a, na));
	/* one attribute more or less, or another one in the wildcard's place */
	na = cg_dn_der("C=DE,O=HQ,OU=x,CN=spoke-17", a, sizeof(a));
	assert_false(ike_cert_dn_match(pat, np, a, na));
	na = cg_dn_der("C=DE,O=HQ", a, sizeof(a));
	assert_false(ike_cert_dn_match(pat, np, a, na));
	na = cg_dn_der("C=DE,O=HQ,OU=spoke-17", a, sizeof(a));
	assert_false(ike_cert_dn_match(pat, np, a, na));
	/* no wildcard: plain equality, case folded */
	np = cg_dn_der("C=DE,O=HQ,CN=Spoke-17", pat, sizeof(pat));
	na = cg_dn_der("C=DE,O=HQ,CN=spoke-17", a, sizeof(a));
	assert_true(ike_cert_dn_match(pat, np, a, na));
	/* garbage on either side */
	assert_false(ike_cert_dn_match(pat, np, a, na - 1));
	assert_false(ike_cert_dn_match(pat, 3, a, na));
	(void)state;
}

static void test_anchor_hashes(void **state)
{
	uint8_t got[4][20], want[20];
	unsigned wlen;
	X509_STORE *s = cg_store(P.ca);

	X509_STORE_add_cert(s, P.other_ca);
	assert_int_equal(ike_cert_anchor_hashes(s, got, 4), 2);
	/*
	 * §3.7: SHA-1 of the whole SubjectPublicKeyInfo (as i2d_PUBKEY writes
	 * it from the key), not of the key bits alone (X509_pubkey_digest).
	 */
	{
		uint8_t *spki = NULL, keyonly[20];
		int n = i2d_PUBKEY(X509_get0_pubkey(P.ca), &spki);

		SHA1(spki, (size_t)n, want);
		OPENSSL_free(spki);
		assert_true(memcmp(got[0], want, 20) == 0 || memcmp(got[1], want, 20) == 0);
		assert_int_equal(X509_pubkey_digest(P.ca, EVP_sha1(), keyonly, &wlen), 1);
		assert_false(memcmp(got[0], keyonly, 20) == 0 || memcmp(got[1], keyonly, 20) == 0);
	}
	assert_int_equal(ike_cert_anchor_hashes(s, got, 1), 1);
	X509_STORE_free(s);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_algid_rfc7427_bytes),
	    cmocka_unit_test(test_algid_decode),
	    cmocka_unit_test(test_algid_pss_openssl),
	    cmocka_unit_test(test_sign_verify_every_key),
	    cmocka_unit_test(test_sign_matches_openssl),
	    cmocka_unit_test(test_ecdsa_classic_layout),
	    cmocka_unit_test(test_choose),
	    cmocka_unit_test(test_chain_good_and_missing_intermediate),
	    cmocka_unit_test(test_chain_expired_and_not_yet_valid),
	    cmocka_unit_test(test_chain_wrong_ca),
	    cmocka_unit_test(test_chain_crl),
	    cmocka_unit_test(test_chain_hostile_der),
	    cmocka_unit_test(test_id_matches),
	    cmocka_unit_test(test_dn_wildcards),
	    cmocka_unit_test(test_anchor_hashes),
	};

	return cmocka_run_group_tests(tests, pki_setup, pki_teardown);
}
