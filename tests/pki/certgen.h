/*
 * certgen.h - certificates made by OpenSSL during a test (no key is ever
 * committed): CAs, intermediates and end entities with chosen validity,
 * subject alternative names and key usage, CRLs, PEM and PKCS#12 text.
 */
#ifndef IKESH_TEST_CERTGEN_H
#define IKESH_TEST_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct cg_opts {
	const char *subject; /* "C=DE, O=Example, CN=gw1" (pki_dn_parse's form) */
	X509 *issuer;	     /* NULL: self-signed */
	EVP_PKEY *issuer_key;
	bool ca;
	long not_before; /* seconds from now (negative: in the past) */
	long not_after;
	long serial;
	const char *san;       /* "DNS:gw.example.com,IP:192.0.2.1,email:a@b" or NULL */
	const char *key_usage; /* "digitalSignature" or NULL (none: no extension) */
};

/* "rsa2048", "p256", "p384", "ed25519" */
EVP_PKEY *cg_key(const char *type);
X509 *cg_cert(EVP_PKEY *key, const struct cg_opts *o);
/* A CRL of ca revoking the serials (n of them); next update in seconds. */
X509_CRL *cg_crl(X509 *ca, EVP_PKEY *ca_key, const long *serials, size_t n, long next_update);
/* PEM text (malloc'd, NUL-terminated; *len without the NUL). */
char *cg_pem_cert(X509 *x, size_t *len);
char *cg_pem_certs(X509 *const *v, size_t n, size_t *len);
char *cg_pem_key(EVP_PKEY *k, const char *passphrase, size_t *len);
char *cg_pem_crl(X509_CRL *c, size_t *len);
/* PKCS#12 DER (malloc'd). */
unsigned char *cg_p12(EVP_PKEY *k, X509 *cert, X509 *const *cas, size_t n, const char *pass,
		      size_t *len);

#endif
