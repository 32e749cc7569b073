/*
 * pki_cert.c - a trustpoint's certificates: CA sets (crypto pki
 * authenticate), the gateway's own certificate and PKCS#12 imports,
 * PKCS#10 requests, and what show prints of each certificate.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "pki_int.h"

int64_t pki_asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return 0;
	}
	return (int64_t)timegm(&tm);
}

void pki_date(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d", &tm))
		snprintf(buf, len, "?");
}

static bool is_ca(X509 *x)
{
	int rc = X509_check_ca(x);

	ERR_clear_error();
	return rc > 0;
}

/* Is cert issued (signature checked) by one of the set, directly or via
 * others of it?  Time is not judged here: show says expired plainly. */
int pki_chain_check(STACK_OF(X509) * cas, X509 *cert, char *why, size_t len)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -ENOMEM;

	if (!st || !ctx)
		goto done;
	for (int i = 0; i < sk_X509_num(cas); i++)
		X509_STORE_add_cert(st, sk_X509_value(cas, i));
	if (!X509_STORE_CTX_init(ctx, st, cert, cas))
		goto done;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
	if (X509_verify_cert(ctx) == 1) {
		rc = 0;
	} else {
		snprintf(why, len, "%s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		rc = -EINVAL;
	}
done:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	ERR_clear_error();
	return rc;
}

int pki_ca_import(struct pki *p, const char *tp, const char *pem, size_t len, struct eng_diag *diag)
{
	STACK_OF(X509) *certs = NULL;
	char name[256];
	int rc;

	if (!pki_name_ok(tp)) {
		eng_diag_addf(diag, "trustpoint name %s is not valid", tp);
		return -EINVAL;
	}
	if (pki_pem_certs(pem, len, &certs)) {
		eng_diag_addf(diag, "trustpoint %s: no PEM certificate found in the input", tp);
		return -EINVAL;
	}
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (!is_ca(x)) {
			pki_dn_str(X509_get_subject_name(x), name, sizeof(name));
			eng_diag_addf(diag, "trustpoint %s: %s is not a CA certificate", tp, name);
			rc = -EINVAL;
			goto done;
		}
	}
	rc = pki_save_certs(p, tp, "ca.pem", certs);
	if (rc) {
		eng_diag_addf(diag, "trustpoint %s: cannot store the certificates: %s", tp,
			      strerror(-rc));
		goto done;
	}
	pki_debug(p, "trustpoint %s: %d CA certificate(s) stored", tp, sk_X509_num(certs));
done:
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

/* Checks an own certificate against the key pair and the CA set. */
static int own_cert_ok(struct pki *p, const struct pki_tp *tp, X509 *cert, EVP_PKEY *key,
		       STACK_OF(X509) * cas, struct eng_diag *diag)
{
	char why[160];

	if (!key) {
		eng_diag_addf(diag, "trustpoint %s: key pair %s does not exist", tp->name,
			      pki_tp_keylabel(tp));
		return -ENOENT;
	}
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		eng_diag_addf(diag, "trustpoint %s: the certificate is not for key pair %s",
			      tp->name, pki_tp_keylabel(tp));
		return -EINVAL;
	}
	if (!cas || sk_X509_num(cas) == 0) {
		eng_diag_addf(diag, "trustpoint %s: no CA certificate (crypto pki authenticate %s)",
			      tp->name, tp->name);
		return -ENOENT;
	}
	if (pki_chain_check(cas, cert, why, sizeof(why))) {
		eng_diag_addf(diag, "trustpoint %s: the certificate is not signed by its CA (%s)",
			      tp->name, why);
		return -EINVAL;
	}
	return 0;
}

static int store_own(struct pki *p, const char *tp, X509 *cert)
{
	STACK_OF(X509) *one = sk_X509_new_null();
	int rc = -ENOMEM;

	if (one && sk_X509_push(one, cert))
		rc = pki_save_certs(p, tp, "cert.pem", one);
	sk_X509_free(one); /* the certificate is the caller's */
	return rc;
}

static bool in_set(STACK_OF(X509) * set, X509 *x)
{
	for (int i = 0; i < sk_X509_num(set); i++)
		if (X509_cmp(sk_X509_value(set, i), x) == 0)
			return true;
	return false;
}

/*
 * CA certificates sent along with ours (a CA's reply often carries its
 * chain) join the CA set, but only those that chain to it already: an
 * import of our certificate never brings a new trust anchor.  Returns how
 * many joined.
 */
static int add_intermediates(STACK_OF(X509) * cas, STACK_OF(X509) * certs)
{
	int added = 0;
	bool more = true;
	char why[160];

	while (more) {
		more = false;
		for (int i = 1; i < sk_X509_num(certs); i++) {
			X509 *x = sk_X509_value(certs, i);

			if (!is_ca(x) || in_set(cas, x) ||
			    pki_chain_check(cas, x, why, sizeof(why)))
				continue;
			if (!X509_up_ref(x))
				continue;
			if (!sk_X509_push(cas, x)) {
				X509_free(x);
				continue;
			}
			added++;
			more = true;
		}
	}
	return added;
}

int pki_cert_import(struct pki *p, const struct pki_tp *tp, const char *pem, size_t len,
		    struct eng_diag *diag)
{
	STACK_OF(X509) *certs = NULL, *cas = NULL;
	EVP_PKEY *key = NULL;
	int rc, added = 0;

	if (pki_pem_certs(pem, len, &certs)) {
		eng_diag_addf(diag, "trustpoint %s: no PEM certificate found in the input",
			      tp->name);
		return -EINVAL;
	}
	key = pki_key_load(p, pki_tp_keylabel(tp));
	cas = pki_load_certs(p, tp->name, "ca.pem");
	if (cas)
		added = add_intermediates(cas, certs);
	rc = own_cert_ok(p, tp, sk_X509_value(certs, 0), key, cas, diag);
	if (rc)
		goto done;
	if (added) {
		rc = pki_save_certs(p, tp->name, "ca.pem", cas);
		if (rc) {
			eng_diag_addf(diag, "trustpoint %s: cannot store the CA certificates: %s",
				      tp->name, strerror(-rc));
			goto done;
		}
		pki_debug(p, "trustpoint %s: %d intermediate CA(s) from the import joined",
			  tp->name, added);
	}
	rc = store_own(p, tp->name, sk_X509_value(certs, 0));
	if (rc)
		eng_diag_addf(diag, "trustpoint %s: cannot store the certificate: %s", tp->name,
			      strerror(-rc));
	else
		pki_debug(p, "trustpoint %s: own certificate stored", tp->name);
done:
	EVP_PKEY_free(key);
	sk_X509_pop_free(cas, X509_free);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int pki_pkcs12_import(struct pki *p, const struct pki_tp *tp, const void *der, size_t len,
		      const char *password, struct eng_diag *diag)
{
	const unsigned char *d = der;
	STACK_OF(X509) *cas = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	PKCS12 *p12;
	int rc = -EINVAL;

	if (!pki_name_ok(tp->name) || len > 1024 * 1024)
		return -EINVAL;
	p12 = d2i_PKCS12(NULL, &d, (long)len);
	if (!p12) {
		eng_diag_addf(diag, "trustpoint %s: the file is not PKCS#12", tp->name);
		goto done;
	}
	if (!PKCS12_parse(p12, password ? password : "", &key, &cert, &cas) &&
	    !(password == NULL && PKCS12_parse(p12, NULL, &key, &cert, &cas))) {
		eng_diag_addf(diag,
			      "trustpoint %s: the PKCS#12 password is wrong or the file is "
			      "damaged",
			      tp->name);
		goto done;
	}
	if (!key || !cert) {
		eng_diag_addf(diag, "trustpoint %s: the PKCS#12 file has no key or no certificate",
			      tp->name);
		goto done;
	}
	if (!cas || sk_X509_num(cas) == 0) {
		sk_X509_free(cas);
		cas = pki_load_certs(p, tp->name, "ca.pem");
	}
	if (pki_key_exists(p, pki_tp_keylabel(tp))) {
		eng_diag_addf(diag, "key %s already exists (crypto key zeroize %s first)",
			      pki_tp_keylabel(tp), pki_tp_keylabel(tp));
		rc = -EEXIST;
		goto done;
	}
	rc = own_cert_ok(p, tp, cert, key, cas, diag);
	for (int i = 0; !rc && i < sk_X509_num(cas); i++)
		if (!is_ca(sk_X509_value(cas, i))) {
			eng_diag_addf(diag,
				      "trustpoint %s: the PKCS#12 file carries a non-CA "
				      "certificate besides the gateway's",
				      tp->name);
			rc = -EINVAL;
		}
	if (rc)
		goto done;
	rc = pki_key_store(p, pki_tp_keylabel(tp), key, diag);
	if (!rc)
		rc = pki_save_certs(p, tp->name, "ca.pem", cas);
	if (!rc)
		rc = store_own(p, tp->name, cert);
	if (rc)
		eng_diag_addf(diag, "trustpoint %s: the PKCS#12 import failed: %s", tp->name,
			      strerror(-rc));
done:
	EVP_PKEY_free(key); /* OpenSSL cleanses the key material */
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	PKCS12_free(p12);
	ERR_clear_error();
	return rc;
}

int pki_enroll(struct pki *p, const struct pki_tp *tp, char **pem, struct eng_diag *diag)
{
	X509_NAME *subject = NULL;
	X509_REQ *req = NULL;
	EVP_PKEY *key = NULL;
	BIO *b = NULL;
	char *data;
	long n;
	int rc = -EINVAL;

	*pem = NULL;
	if (!tp->subject || !tp->subject[0]) {
		eng_diag_addf(diag, "trustpoint %s has no subject-name", tp->name);
		return -EINVAL;
	}
	if (pki_dn_parse(tp->subject, &subject)) {
		eng_diag_addf(diag, "trustpoint %s: subject-name %s is not a valid DN", tp->name,
			      tp->subject);
		return -EINVAL;
	}
	key = pki_key_load(p, pki_tp_keylabel(tp));
	if (!key) {
		eng_diag_addf(diag, "trustpoint %s: key pair %s does not exist", tp->name,
			      pki_tp_keylabel(tp));
		rc = -ENOENT;
		goto done;
	}
	req = X509_REQ_new();
	b = BIO_new(BIO_s_mem());
	rc = -ENOMEM;
	if (!req || !b || !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, subject) || !X509_REQ_set_pubkey(req, key))
		goto done;
	/* Ed25519 signs without a separate digest */
	if (!X509_REQ_sign(req, key, EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256()) ||
	    !PEM_write_bio_X509_REQ(b, req))
		goto done;
	n = BIO_get_mem_data(b, &data);
	*pem = strndup(data, (size_t)n);
	rc = *pem ? 0 : -ENOMEM;
	pki_debug(p, "trustpoint %s: PKCS#10 request made", tp->name);
done:
	if (rc == -ENOMEM)
		eng_diag_addf(diag, "trustpoint %s: the request could not be made", tp->name);
	BIO_free(b);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	X509_NAME_free(subject);
	ERR_clear_error();
	return rc;
}

/* ---- What show prints --------------------------------------------------- */

static void add(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf), sl = strlen(s);

	/* an entry that does not fit whole is left out, never cut */
	if (n + (n ? 2 : 0) + sl + 1 > len)
		return;
	if (n) {
		memcpy(buf + n, ", ", 2);
		n += 2;
	}
	memcpy(buf + n, s, sl + 1);
}

static void cert_sans(X509 *x, char *buf, size_t len)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);

	buf[0] = '\0';
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		int t;
		const ASN1_STRING *s = GENERAL_NAME_get0_value(g, &t);
		const unsigned char *v = s ? ASN1_STRING_get0_data(s) : NULL;
		int n = s ? ASN1_STRING_length(s) : 0;
		char one[300], ip[64];

		if (!v)
			continue;
		if (t == GEN_IPADD && (n == 4 || n == 16)) {
			struct eng_addr a = {.family = n == 4 ? AF_INET : AF_INET6};

			memcpy(a.bytes, v, (size_t)n);
			snprintf(one, sizeof(one), "IP:%s", eng_addr_str(&a, ip, sizeof(ip)));
		} else if (t == GEN_DNS || t == GEN_EMAIL || t == GEN_URI) {
			char clean[256];
			int k = 0;

			for (int j = 0; j < n && k + 1 < (int)sizeof(clean); j++)
				clean[k++] = v[j] >= 0x20 && v[j] < 0x7f ? (char)v[j] : '?';
			clean[k] = '\0';
			snprintf(one, sizeof(one), "%s:%s",
				 t == GEN_DNS	  ? "DNS"
				 : t == GEN_EMAIL ? "email"
						  : "URI",
				 clean);
		} else {
			continue;
		}
		add(buf, len, one);
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
}

static void cert_usage(X509 *x, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} ku[] =
	    {
		{KU_DIGITAL_SIGNATURE, "digital-signature"},
		{KU_NON_REPUDIATION, "non-repudiation"},
		{KU_KEY_ENCIPHERMENT, "key-encipherment"},
		{KU_DATA_ENCIPHERMENT, "data-encipherment"},
		{KU_KEY_AGREEMENT, "key-agreement"},
		{KU_KEY_CERT_SIGN, "cert-sign"},
		{KU_CRL_SIGN, "crl-sign"},
	    },
	  xku[] = {
	      {XKU_SSL_SERVER, "server-auth"},
	      {XKU_SSL_CLIENT, "client-auth"},
	      {XKU_ANYEKU, "any"},
	  };
	uint32_t flags = X509_get_extension_flags(x);

	buf[0] = '\0';
	if (is_ca(x))
		add(buf, len, "CA");
	if (flags & EXFLAG_KUSAGE)
		for (size_t i = 0; i < sizeof(ku) / sizeof(ku[0]); i++)
			if (X509_get_key_usage(x) & ku[i].bit)
				add(buf, len, ku[i].name);
	if (flags & EXFLAG_XKUSAGE)
		for (size_t i = 0; i < sizeof(xku) / sizeof(xku[0]); i++)
			if (X509_get_extended_key_usage(x) & xku[i].bit)
				add(buf, len, xku[i].name);
	if (!buf[0])
		snprintf(buf, len, "any (no key usage extension)");
}

static bool revoked(X509 *x, STACK_OF(X509_CRL) * crls)
{
	X509_REVOKED *r;

	for (int i = 0; crls && i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *c = sk_X509_CRL_value(crls, i);

		if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_issuer_name(x)) == 0 &&
		    X509_CRL_get0_by_cert(c, &r, x) == 1)
			return true;
	}
	return false;
}

static void cert_info(X509 *x, const char *tp, enum eng_cert_role role, time_t now,
		      STACK_OF(X509_CRL) * crls, struct eng_cert_info *ci)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	BIGNUM *bn;
	char *hex;

	memset(ci, 0, sizeof(*ci));
	snprintf(ci->trustpoint, sizeof(ci->trustpoint), "%s", tp);
	ci->role = (uint8_t)role;
	pki_dn_str(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	pki_dn_str(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(ci->serial, sizeof(ci->serial), "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
	ci->not_before = pki_asn1_time(X509_get0_notBefore(x));
	ci->not_after = pki_asn1_time(X509_get0_notAfter(x));
	if (X509_get0_pubkey(x))
		pki_key_desc(X509_get0_pubkey(x), ci->key, sizeof(ci->key), NULL, NULL);
	cert_sans(x, ci->san, sizeof(ci->san));
	cert_usage(x, ci->usage, sizeof(ci->usage));
	if (X509_digest(x, EVP_sha256(), md, &mdlen))
		for (unsigned i = 0; i < mdlen && 3 * i + 3 <= sizeof(ci->fingerprint); i++)
			snprintf(ci->fingerprint + 3 * i, sizeof(ci->fingerprint) - 3 * i,
				 i + 1 < mdlen ? "%02X:" : "%02X", md[i]);
	if (revoked(x, crls))
		ci->state = ENG_CERT_REVOKED;
	else if ((int64_t)now > ci->not_after)
		ci->state = ENG_CERT_EXPIRED;
	else if ((int64_t)now < ci->not_before)
		ci->state = ENG_CERT_NOT_YET_VALID;
	ERR_clear_error();
}

int pki_cert_list(struct pki *p, const struct pki_tp *tp, time_t now, struct eng_cert_info **out,
		  size_t *n)
{
	STACK_OF(X509) *cas = pki_load_certs(p, tp->name, "ca.pem");
	STACK_OF(X509) *own = pki_load_certs(p, tp->name, "cert.pem");
	STACK_OF(X509_CRL) *crls = pki_load_crls(p, tp);
	size_t total = (size_t)(cas ? sk_X509_num(cas) : 0) + (size_t)(own ? sk_X509_num(own) : 0);
	struct eng_cert_info *v = calloc(total ? total : 1, sizeof(*v));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (v) {
		for (int i = 0; i < sk_X509_num(cas); i++)
			cert_info(sk_X509_value(cas, i), tp->name, ENG_CERT_CA, now, crls, &v[k++]);
		for (int i = 0; i < sk_X509_num(own); i++)
			cert_info(sk_X509_value(own, i), tp->name, ENG_CERT_OWN, now, crls,
				  &v[k++]);
	}
	sk_X509_pop_free(cas, X509_free);
	sk_X509_pop_free(own, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = k;
	return 0;
}

void pki_tp_info(struct pki *p, const struct pki_tp *tp, struct eng_tp_info *out)
{
	STACK_OF(X509) *cas = pki_load_certs(p, tp->name, "ca.pem");
	STACK_OF(X509) *own = pki_load_certs(p, tp->name, "cert.pem");
	STACK_OF(X509_CRL) *crls = pki_load_crls(p, tp);

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", tp->name);
	snprintf(out->keypair, sizeof(out->keypair), "%s", pki_tp_keylabel(tp));
	out->key = pki_key_exists(p, pki_tp_keylabel(tp));
	out->cert = sk_X509_num(own) > 0;
	out->crl = sk_X509_CRL_num(crls) > 0;
	out->n_ca = (uint8_t)(sk_X509_num(cas) > 255 ? 255
			      : sk_X509_num(cas) < 0 ? 0
						     : sk_X509_num(cas));
	out->revocation = tp->crl ? ENG_REVCHECK_CRL : ENG_REVCHECK_NONE;
	sk_X509_pop_free(cas, X509_free);
	sk_X509_pop_free(own, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
}
