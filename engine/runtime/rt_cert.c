/*
 * rt_cert.c - a certificate tunnel's credentials between the PKI store
 * and the IKE core: the runtime's own references to the trustpoint's
 * objects, kept while they are equal (the IKE core renegotiates when a
 * pointer changes), and the core's certificate settings made of them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "rt_int.h"

void rt_creds_clear(struct rt_creds *r)
{
	EVP_PKEY_free(r->key);
	sk_X509_pop_free(r->chain, X509_free);
	sk_X509_pop_free(r->cas, X509_free);
	sk_X509_CRL_pop_free(r->crls, X509_CRL_free);
	X509_STORE_free(r->trust);
	memset(r, 0, sizeof(*r));
}

static bool certs_eq(STACK_OF(X509) * a, STACK_OF(X509) * b)
{
	int n = a ? sk_X509_num(a) : 0;

	if (n != (b ? sk_X509_num(b) : 0))
		return false;
	for (int i = 0; i < n; i++)
		if (X509_cmp(sk_X509_value(a, i), sk_X509_value(b, i)) != 0)
			return false;
	return true;
}

static bool crls_eq(STACK_OF(X509_CRL) * a, STACK_OF(X509_CRL) * b)
{
	int n = a ? sk_X509_CRL_num(a) : 0;

	if (n != (b ? sk_X509_CRL_num(b) : 0))
		return false;
	/* the same issuer, and the same content (its signature covers it) */
	for (int i = 0; i < n; i++) {
		const ASN1_BIT_STRING *sa, *sb;

		X509_CRL_get0_signature(sk_X509_CRL_value(a, i), &sa, NULL);
		X509_CRL_get0_signature(sk_X509_CRL_value(b, i), &sb, NULL);
		if (X509_CRL_cmp(sk_X509_CRL_value(a, i), sk_X509_CRL_value(b, i)) != 0 ||
		    ASN1_STRING_cmp(sa, sb) != 0)
			return false;
	}
	return true;
}

/* Our certificate and the intermediates after it, as one list. */
static STACK_OF(X509) * chain_of(const struct pki_creds *c)
{
	STACK_OF(X509) * sk;

	if (!c->cert)
		return NULL;
	sk = sk_X509_new_null();
	if (!sk)
		return NULL;
	if (!X509_up_ref(c->cert) || !sk_X509_push(sk, c->cert))
		goto fail;
	for (int i = 0; i < sk_X509_num(c->chain); i++) {
		X509 *x = sk_X509_value(c->chain, i);

		if (!X509_up_ref(x))
			goto fail;
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto fail;
		}
	}
	return sk;
fail:
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

static bool same(const struct rt_creds *r, const struct pki_creds *c, STACK_OF(X509) * chain)
{
	bool keys_eq =
	    (!r->key && !c->key) || (r->key && c->key && EVP_PKEY_eq(r->key, c->key) == 1);

	ERR_clear_error();
	return r->have && keys_eq && r->crl_check == c->crl_check &&
	       strcmp(r->name, c->name) == 0 && certs_eq(r->chain, chain) &&
	       certs_eq(r->cas, c->cas) && crls_eq(r->crls, c->crls);
}

void rt_creds_take(struct rt_creds *r, const struct pki_creds *c)
{
	STACK_OF(X509) * chain;

	if (!c) {
		rt_creds_clear(r);
		return;
	}
	chain = chain_of(c);
	if (same(r, c, chain)) {
		sk_X509_pop_free(chain, X509_free);
		return; /* the same objects stay: the SAs are not renegotiated */
	}
	rt_creds_clear(r);
	r->have = true;
	r->crl_check = c->crl_check;
	snprintf(r->name, sizeof(r->name), "%s", c->name);
	r->chain = chain;
	if (c->key && EVP_PKEY_up_ref(c->key))
		r->key = c->key;
	if (c->store && X509_STORE_up_ref(c->store))
		r->trust = c->store;
	r->cas = c->cas ? X509_chain_up_ref(c->cas) : NULL;
	r->crls = c->crls ? sk_X509_CRL_dup(c->crls) : NULL;
	for (int i = 0; r->crls && i < sk_X509_CRL_num(r->crls); i++)
		X509_CRL_up_ref(sk_X509_CRL_value(r->crls, i));
	if (!r->trust)
		r->have = false;
}

static enum ike_send_cert send_cert_of(uint8_t mode)
{
	switch (mode) {
	case ENG_SENDCERT_ALWAYS:
		return IKE_SEND_CERT_ALWAYS;
	case ENG_SENDCERT_NEVER:
		return IKE_SEND_CERT_NEVER;
	default:
		return IKE_SEND_CERT_ON_REQUEST; /* the engine's default */
	}
}

int rt_cert_conf(const struct rt_creds *r, const struct eng_tunnel *t, struct ike_cert_conf *c,
		 char *why, size_t len)
{
	const char *tp = t->trustpoint ? t->trustpoint : "";

	memset(c, 0, sizeof(*c));
	if (!r->have) {
		snprintf(why, len, "no CA certificate for trustpoint %s", tp);
		return -ENOKEY;
	}
	if (!r->key) {
		snprintf(why, len, "no key pair for trustpoint %s", tp);
		return -ENOKEY;
	}
	if (!r->chain || sk_X509_num(r->chain) == 0) {
		snprintf(why, len, "no certificate for trustpoint %s", tp);
		return -ENOKEY;
	}
	c->key = r->key;
	c->chain = r->chain;
	c->trust = r->trust;
	c->send_cert = send_cert_of(t->send_cert);
	c->send_certreq = !t->no_certreq;
	c->any_remote_id = t->remote_id.kind == ENG_ID_ANY;
	snprintf(c->trust_name, sizeof(c->trust_name), "%s", tp);
	return 0;
}

int rt_dn_der(const char *dn, uint8_t *out, size_t cap, size_t *len)
{
	X509_NAME *name = NULL;
	unsigned char *der = NULL;
	int n, rc;

	*len = 0;
	rc = pki_dn_parse(dn, &name);
	if (rc)
		return rc;
	n = i2d_X509_NAME(name, &der);
	X509_NAME_free(name);
	if (n <= 0 || (size_t)n > cap) {
		OPENSSL_free(der);
		ERR_clear_error();
		return n <= 0 ? -ENOMEM : -E2BIG;
	}
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	return 0;
}
