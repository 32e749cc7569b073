/*
 * certgen.c - test certificates made with OpenSSL (see certgen.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "pki.h"

EVP_PKEY *cg_key(const char *type)
{
	if (strcmp(type, "rsa2048") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(type, "p256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (strcmp(type, "p384") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (strcmp(type, "ed25519") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return NULL;
}

static void ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e) {
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
}

X509 *cg_cert(EVP_PKEY *key, const struct cg_opts *o)
{
	X509 *x = X509_new();
	X509_NAME *name = NULL;
	EVP_PKEY *signer = o->issuer ? o->issuer_key : key;

	if (!x || pki_dn_parse(o->subject, &name))
		goto fail;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), o->serial ? o->serial : 1);
	X509_gmtime_adj(X509_getm_notBefore(x), o->not_before);
	X509_gmtime_adj(X509_getm_notAfter(x), o->not_after ? o->not_after : 86400);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, o->issuer ? X509_get_subject_name(o->issuer) : name);
	X509_set_pubkey(x, key);
	if (o->ca) {
		ext(x, o->issuer, NID_basic_constraints, "critical,CA:TRUE");
		ext(x, o->issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		ext(x, o->issuer, NID_basic_constraints, "CA:FALSE");
		if (o->key_usage)
			ext(x, o->issuer, NID_key_usage, o->key_usage);
	}
	ext(x, o->issuer, NID_subject_key_identifier, "hash");
	if (o->san)
		ext(x, o->issuer, NID_subject_alt_name, o->san);
	if (!X509_sign(x, signer, EVP_PKEY_is_a(signer, "ED25519") ? NULL : EVP_sha256()))
		goto fail;
	X509_NAME_free(name);
	return x;
fail:
	X509_NAME_free(name);
	X509_free(x);
	return NULL;
}

X509_CRL *cg_crl(X509 *ca, EVP_PKEY *ca_key, const long *serials, size_t n, long next_update)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *now = ASN1_TIME_new(), *next = ASN1_TIME_new();

	X509_CRL_set_version(c, 1);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(ca));
	X509_gmtime_adj(now, -60);
	X509_gmtime_adj(next, next_update);
	X509_CRL_set1_lastUpdate(c, now);
	X509_CRL_set1_nextUpdate(c, next);
	for (size_t i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();

		ASN1_INTEGER_set(s, serials[i]);
		X509_REVOKED_set_serialNumber(r, s);
		X509_REVOKED_set_revocationDate(r, now);
		X509_CRL_add0_revoked(c, r);
		ASN1_INTEGER_free(s);
	}
	X509_CRL_sort(c);
	X509_CRL_sign(c, ca_key, EVP_PKEY_is_a(ca_key, "ED25519") ? NULL : EVP_sha256());
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	return c;
}

static char *bio_text(BIO *b, size_t *len)
{
	char *data, *out;
	long n = BIO_get_mem_data(b, &data);

	out = malloc((size_t)n + 1);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(b);
	return out;
}

char *cg_pem_cert(X509 *x, size_t *len)
{
	return cg_pem_certs(&x, 1, len);
}

char *cg_pem_certs(X509 *const *v, size_t n, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());

	for (size_t i = 0; i < n; i++)
		PEM_write_bio_X509(b, v[i]);
	return bio_text(b, len);
}

char *cg_pem_key(EVP_PKEY *k, const char *passphrase, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (passphrase)
		PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), passphrase,
					      (int)strlen(passphrase), NULL, NULL);
	else
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	return bio_text(b, len);
}

char *cg_pem_crl(X509_CRL *c, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());

	PEM_write_bio_X509_CRL(b, c);
	return bio_text(b, len);
}

unsigned char *cg_p12(EVP_PKEY *k, X509 *cert, X509 *const *cas, size_t n, const char *pass,
		      size_t *len)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	unsigned char *der = NULL, *out;
	PKCS12 *p12;
	int dl;

	for (size_t i = 0; i < n; i++)
		sk_X509_push(sk, cas[i]);
	p12 = PKCS12_create(pass, "gw", k, cert, sk, 0, 0, 0, 0, 0);
	sk_X509_free(sk);
	if (!p12)
		return NULL;
	dl = i2d_PKCS12(p12, &der);
	PKCS12_free(p12);
	out = malloc((size_t)dl);
	memcpy(out, der, (size_t)dl);
	OPENSSL_free(der);
	*len = (size_t)dl;
	return out;
}
