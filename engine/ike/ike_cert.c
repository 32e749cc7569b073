/* SPDX-License-Identifier: ISC */
/*
 * Certificates in IKEv2 (RFC 7296 §3.6, §3.7): the engine's references
 * to a tunnel's key, chain and trust store.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike_cert.h"
#include "ike_proto.h"

int ike_cert_conf_check(const struct ike_cert_conf *c)
{
	X509 *leaf;

	if (c->send_cert > IKE_SEND_CERT_NEVER)
		return -EINVAL;
	if (memchr(c->trust_name, '\0', sizeof(c->trust_name)) == NULL)
		return -EINVAL;
	if (c->key == NULL)
		return c->chain == NULL ? 0 : -EINVAL;
	if (ike_sig_key_type(c->key) == IKE_SIGKEY_NONE)
		return -EOPNOTSUPP;
	if (c->chain == NULL || sk_X509_num(c->chain) < 1 ||
	    sk_X509_num(c->chain) > IKE_CERT_CHAIN_MAX)
		return -EINVAL;
	leaf = sk_X509_value(c->chain, 0);
	/* the certificate we send must be the one the key signs for */
	if (X509_check_private_key(leaf, c->key) != 1)
		return -EINVAL;
	return 0;
}

int ike_cert_conf_hold(struct ike_cert_conf *dst, const struct ike_cert_conf *src)
{
	STACK_OF(X509) *chain = NULL;

	*dst = *src;
	dst->chain = NULL;
	if (src->chain) {
		chain = X509_chain_up_ref(src->chain);
		if (chain == NULL) {
			memset(dst, 0, sizeof(*dst));
			return -ENOMEM;
		}
	}
	if (src->key && EVP_PKEY_up_ref(src->key) != 1)
		goto fail;
	if (src->trust && X509_STORE_up_ref(src->trust) != 1) {
		EVP_PKEY_free(src->key);
		goto fail;
	}
	dst->chain = chain;
	return 0;
fail:
	sk_X509_pop_free(chain, X509_free);
	memset(dst, 0, sizeof(*dst));
	return -ENOMEM;
}

void ike_cert_conf_release(struct ike_cert_conf *c)
{
	EVP_PKEY_free(c->key);
	sk_X509_pop_free(c->chain, X509_free);
	X509_STORE_free(c->trust);
	memset(c, 0, sizeof(*c));
}

bool ike_cert_chain_same(const STACK_OF(X509) * a, const STACK_OF(X509) * b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (sk_X509_num(a) != sk_X509_num(b))
		return false;
	for (int i = 0; i < sk_X509_num(a); i++) {
		if (X509_cmp(sk_X509_value(a, i), sk_X509_value(b, i)) != 0)
			return false;
	}
	return true;
}

bool ike_cert_key_same(const EVP_PKEY *a, const EVP_PKEY *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a == b || EVP_PKEY_eq(a, b) == 1;
}

size_t ike_cert_anchor_hashes(X509_STORE *trust, uint8_t (*out)[20], size_t max)
{
	STACK_OF(X509_OBJECT) * objs;
	size_t n = 0;

	if (trust == NULL || X509_STORE_lock(trust) != 1)
		return 0;
	objs = X509_STORE_get0_objects(trust);
	for (int i = 0; i < sk_X509_OBJECT_num(objs) && n < max; i++) {
		X509 *ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		uint8_t *spki = NULL;
		int len;

		if (ca == NULL)
			continue;
		len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(ca), &spki);
		if (len > 0 && SHA1(spki, (size_t)len, out[n]) != NULL)
			n++;
		OPENSSL_free(spki);
	}
	X509_STORE_unlock(trust);
	return n;
}

/* "C=DE, O=x, CN=y": RFC 2253 order reversed, as people write it. */
static void ike_cert_name_str(const X509_NAME *name, char *buf, size_t buflen)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	snprintf(buf, buflen, "(bad DN)");
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ) >= 0) {
		n = BIO_read(b, buf, (int)buflen - 1);
		buf[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
}

static X509_NAME *ike_cert_dn_parse(const uint8_t *der, size_t len)
{
	const uint8_t *p = der;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)len);

	if (name && p != der + len) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

const char *ike_cert_dn_str(const uint8_t *der, size_t len, char *buf, size_t buflen)
{
	X509_NAME *name = ike_cert_dn_parse(der, len);

	snprintf(buf, buflen, "(bad DN)");
	if (name)
		ike_cert_name_str(name, buf, buflen);
	X509_NAME_free(name);
	return buf;
}

bool ike_cert_dn_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	X509_NAME *na = ike_cert_dn_parse(a, alen), *nb = ike_cert_dn_parse(b, blen);
	bool eq = na && nb && X509_NAME_cmp(na, nb) == 0;

	X509_NAME_free(na);
	X509_NAME_free(nb);
	return eq;
}

static bool ike_cert_entry_is_wild(const X509_NAME_ENTRY *e)
{
	const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);

	return ASN1_STRING_length(v) == 1 && ASN1_STRING_get0_data(v)[0] == '*';
}

/*
 * The pattern with each "*" value replaced by the name's value of the same
 * attribute at the same place, so that the comparison is X509_NAME_cmp()'s
 * (RFC 5280 §7.1) all the same. NULL when the shapes differ.
 */
static X509_NAME *ike_cert_dn_fill(const X509_NAME *pat, const X509_NAME *name)
{
	int n = X509_NAME_entry_count(pat);
	X509_NAME *out;

	if (n != X509_NAME_entry_count(name))
		return NULL;
	out = X509_NAME_new();
	if (out == NULL)
		return NULL;
	for (int i = 0; i < n; i++) {
		const X509_NAME_ENTRY *pe = X509_NAME_get_entry(pat, i);
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		bool same_rdn = i > 0 && X509_NAME_ENTRY_set(pe) ==
					     X509_NAME_ENTRY_set(X509_NAME_get_entry(pat, i - 1));

		if (OBJ_cmp(X509_NAME_ENTRY_get_object(pe), X509_NAME_ENTRY_get_object(ne)) != 0 ||
		    X509_NAME_add_entry(out, ike_cert_entry_is_wild(pe) ? ne : pe, -1,
					same_rdn ? -1 : 0) != 1) {
			X509_NAME_free(out);
			return NULL;
		}
	}
	return out;
}

bool ike_cert_dn_match(const uint8_t *pat, size_t plen, const uint8_t *der, size_t len)
{
	X509_NAME *p = ike_cert_dn_parse(pat, plen), *n = ike_cert_dn_parse(der, len);
	X509_NAME *filled = p && n ? ike_cert_dn_fill(p, n) : NULL;
	bool ok = filled && X509_NAME_cmp(filled, n) == 0;

	X509_NAME_free(filled);
	X509_NAME_free(p);
	X509_NAME_free(n);
	return ok;
}

void ike_cert_subject_str(X509 *cert, char *buf, size_t len)
{
	ike_cert_name_str(X509_get_subject_name(cert), buf, len);
}

/* An ASN1_TIME as 2026-01-03. */
static void ike_cert_date(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "(unknown date)");
}

/* What went wrong, in an operator's words. */
static void ike_cert_why(X509_STORE_CTX *ctx, const char *trust_name, char *why, size_t len)
{
	int err = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	const char *whose = depth == 0 ? "peer certificate" : "peer's CA certificate";
	char date[32], name[160];

	name[0] = '\0';
	if (cur)
		ike_cert_name_str(X509_get_issuer_name(cur), name, sizeof(name));
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		ike_cert_date(cur ? X509_get0_notAfter(cur) : NULL, date, sizeof(date));
		snprintf(why, len, "%s expired on %s", whose, date);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		ike_cert_date(cur ? X509_get0_notBefore(cur) : NULL, date, sizeof(date));
		snprintf(why, len, "%s not valid before %s", whose, date);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		snprintf(why, len, "peer certificate not signed by trustpoint %s (issuer %s)",
			 trust_name[0] ? trust_name : "(unnamed)", name);
		break;
	case X509_V_ERR_CERT_REVOKED:
		snprintf(why, len, "%s revoked (CRL of %s)", whose, name);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		snprintf(why, len, "%s not checked: no CRL of %s", whose, name);
		break;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		snprintf(why, len, "%s not checked: the CRL of %s has expired", whose, name);
		break;
	default:
		snprintf(why, len, "%s refused: %s", whose, X509_verify_cert_error_string(err));
		break;
	}
}

/* One DER certificate, all of the bytes and nothing after. */
static X509 *ike_cert_parse(const uint8_t *der, size_t len)
{
	const uint8_t *p = der;
	X509 *x;

	if (len == 0 || len > IKE_CERT_DER_MAX)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

int ike_cert_verify_chain(X509_STORE *trust, const char *trust_name,
			  const struct ike_cert_peer *certs, X509 **leaf, char *why, size_t whylen)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *ee = NULL;
	int ret = -ENOMEM;

	*leaf = NULL;
	if (certs->n == 0) {
		snprintf(why, whylen, "peer sent no certificate");
		return -ENOENT;
	}
	if (certs->n > IKE_CERT_PEER_MAX) {
		snprintf(why, whylen, "peer sent %zu certificates, more than %d", certs->n,
			 IKE_CERT_PEER_MAX);
		return -E2BIG;
	}
	ee = ike_cert_parse(certs->der[0], certs->len[0]);
	untrusted = sk_X509_new_null();
	if (untrusted == NULL)
		goto done;
	if (ee == NULL) {
		snprintf(why, whylen, "peer certificate is not a valid DER certificate (%zu bytes)",
			 certs->len[0]);
		ret = -EBADMSG;
		goto done;
	}
	for (size_t i = 1; i < certs->n; i++) {
		X509 *x = ike_cert_parse(certs->der[i], certs->len[i]);

		if (x == NULL) {
			snprintf(why, whylen,
				 "peer's CA certificate %zu is not a valid DER certificate", i);
			ret = -EBADMSG;
			goto done;
		}
		if (sk_X509_push(untrusted, x) <= 0) {
			X509_free(x);
			goto done;
		}
	}
	ctx = X509_STORE_CTX_new();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, trust, ee, untrusted) != 1)
		goto done;
	if (X509_verify_cert(ctx) != 1) {
		ike_cert_why(ctx, trust_name, why, whylen);
		ret = -EACCES;
		goto done;
	}
	*leaf = ee;
	ee = NULL;
	ret = 0;
done:
	if (ret == -ENOMEM)
		snprintf(why, whylen, "out of memory verifying the peer certificate");
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(ee);
	return ret;
}

bool ike_cert_id_matches(X509 *leaf, uint8_t id_type, const uint8_t *data, size_t len)
{
	X509_NAME *name;
	bool ok;

	switch (id_type) {
	case IKE_ID_DER_ASN1_DN:
		name = ike_cert_dn_parse(data, len);
		ok = name && X509_NAME_cmp(name, X509_get_subject_name(leaf)) == 0;
		X509_NAME_free(name);
		return ok;
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		if (len != (id_type == IKE_ID_IPV4_ADDR ? 4u : 16u))
			return false;
		return X509_check_ip(leaf, data, len, 0) == 1;
	case IKE_ID_FQDN:
		/* subjectAltName dNSName only, exact (no wildcard certificates) */
		return len > 0 && memchr(data, '\0', len) == NULL &&
		       X509_check_host(leaf, (const char *)data, len,
				       X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
					   X509_CHECK_FLAG_NO_WILDCARDS,
				       NULL) == 1;
	case IKE_ID_RFC822_ADDR:
		return len > 0 && memchr(data, '\0', len) == NULL &&
		       X509_check_email(leaf, (const char *)data, len,
					X509_CHECK_FLAG_NEVER_CHECK_SUBJECT) == 1;
	default:
		return false;
	}
}
