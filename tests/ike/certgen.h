/* SPDX-License-Identifier: ISC */
/*
 * Keys and certificates made with OpenSSL for the tests, in memory: a CA,
 * intermediates, end-entity certificates with subjectAltNames, validity in
 * days from now (negative: in the past). Nothing is committed.
 */
#ifndef IKESH_TESTS_CERTGEN_H
#define IKESH_TESTS_CERTGEN_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* "rsa2048", "rsa3072", "p256", "p384", "p521", "ed25519" */
static inline EVP_PKEY *cg_key(const char *type)
{
	if (strncmp(type, "rsa", 3) == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)atoi(type + 3));
	if (strcmp(type, "p256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (strcmp(type, "p384") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (strcmp(type, "p521") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	if (strcmp(type, "ed25519") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return NULL;
}

/* "C=DE,O=Example,CN=gw" into a name */
static inline X509_NAME *cg_name(const char *dn)
{
	X509_NAME *n = X509_NAME_new();
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", dn);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		while (*tok == ' ')
			tok++;
		if (eq == NULL)
			continue;
		*eq = '\0';
		X509_NAME_add_entry_by_txt(n, tok, MBSTRING_UTF8, (unsigned char *)eq + 1, -1, -1,
					   0);
	}
	return n;
}

static inline void cg_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext) {
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
}

/*
 * A certificate for key's public half, subject dn, signed by issuer_key
 * (issuer NULL: self-signed CA). san: "IP:192.0.2.1,DNS:gw.example" or
 * NULL. ca: basicConstraints CA:TRUE. Valid from from_days to to_days.
 */
static inline X509 *cg_cert(EVP_PKEY *key, const char *dn, X509 *issuer, EVP_PKEY *issuer_key,
			    const char *san, bool ca, long from_days, long to_days)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *n = cg_name(dn);
	const EVP_MD *md = EVP_PKEY_is_a(issuer_key, "ED25519") ? NULL : EVP_sha256();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), to_days * 86400);
	X509_set_pubkey(x, key);
	cg_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	cg_ext(x, issuer, NID_key_usage,
	       ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	cg_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		cg_ext(x, issuer, NID_authority_key_identifier, "keyid");
	if (san)
		cg_ext(x, issuer, NID_subject_alt_name, san);
	if (X509_sign(x, issuer_key, md) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* A store trusting ca. */
static inline X509_STORE *cg_store(X509 *ca)
{
	X509_STORE *s = X509_STORE_new();

	X509_STORE_add_cert(s, ca);
	return s;
}

/* The DER of a DN, for ID_DER_ASN1_DN; returns its length. */
static inline size_t cg_dn_der(const char *dn, uint8_t *out, size_t max)
{
	X509_NAME *n = cg_name(dn);
	uint8_t *der = NULL;
	int len = i2d_X509_NAME(n, &der);
	size_t r = 0;

	if (len > 0 && (size_t)len <= max) {
		memcpy(out, der, (size_t)len);
		r = (size_t)len;
	}
	OPENSSL_free(der);
	X509_NAME_free(n);
	return r;
}

#endif
