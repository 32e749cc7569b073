/*
 * pki_verify.c - a trustpoint's credentials as OpenSSL objects for the
 * IKE layer, and the verification of a peer's certificate with OpenSSL's
 * verifier, its failure said in plain words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki_int.h"

void pki_creds_free(struct pki_creds *c)
{
	if (!c)
		return;
	EVP_PKEY_free(c->key);
	X509_free(c->cert);
	sk_X509_pop_free(c->chain, X509_free);
	sk_X509_pop_free(c->cas, X509_free);
	sk_X509_CRL_pop_free(c->crls, X509_CRL_free);
	X509_STORE_free(c->store);
	memset(c, 0, sizeof(*c));
}

/* The CAs between our certificate and the trust anchor, to send after it
 * (RFC 7296 §3.6: the peer may lack them); the self-signed root is not
 * sent, the peer has it. */
static STACK_OF(X509) * chain_for(X509 *cert, STACK_OF(X509) * cas)
{
	STACK_OF(X509) *out = sk_X509_new_null();
	X509 *at = cert;

	for (int hops = 0; out && at && hops < 8; hops++) {
		X509 *issuer = NULL;

		for (int i = 0; i < sk_X509_num(cas) && !issuer; i++) {
			X509 *ca = sk_X509_value(cas, i);

			if (ca != at && X509_check_issued(ca, at) == X509_V_OK)
				issuer = ca;
		}
		if (!issuer || X509_self_signed(issuer, 0) == 1)
			break;
		if (!X509_up_ref(issuer) || !sk_X509_push(out, issuer)) {
			X509_free(issuer);
			break;
		}
		at = issuer;
	}
	ERR_clear_error();
	return out;
}

int pki_creds_get(struct pki *p, const struct pki_tp *tp, struct pki_creds *out)
{
	STACK_OF(X509) * own;
	int rc = -ENOMEM;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", tp->name);
	out->crl_check = tp->crl;
	out->log = p->log;
	out->cas = pki_load_certs(p, tp->name, "ca.pem");
	if (!out->cas) {
		pki_debug(p, "trustpoint %s: no CA certificate", tp->name);
		rc = -ENOENT;
		goto fail;
	}
	out->store = X509_STORE_new();
	if (!out->store)
		goto fail;
	for (int i = 0; i < sk_X509_num(out->cas); i++)
		if (!X509_STORE_add_cert(out->store, sk_X509_value(out->cas, i)))
			goto fail;
	out->crls = tp->crl ? pki_load_crls(p, tp) : sk_X509_CRL_new_null();
	if (!out->crls)
		goto fail;
	/* the store is complete for whoever verifies with it (the IKE core):
	 * every CA an anchor, and the CRLs with their flag when asked for */
	for (int i = 0; i < sk_X509_CRL_num(out->crls); i++)
		if (!X509_STORE_add_crl(out->store, sk_X509_CRL_value(out->crls, i)))
			goto fail;
	X509_STORE_set_flags(out->store,
			     X509_V_FLAG_PARTIAL_CHAIN | (tp->crl ? X509_V_FLAG_CRL_CHECK : 0));
	out->key = pki_key_load(p, pki_tp_keylabel(tp));
	own = pki_load_certs(p, tp->name, "cert.pem");
	if (own && sk_X509_num(own) > 0) {
		out->cert = sk_X509_shift(own);
		out->chain = chain_for(out->cert, out->cas);
	} else {
		out->chain = sk_X509_new_null();
	}
	sk_X509_pop_free(own, X509_free);
	if (!out->chain)
		goto fail;
	pki_debug(p, "trustpoint %s: %d CA certificate(s), %s key, %s certificate, %d CRL(s)",
		  tp->name, sk_X509_num(out->cas), out->key ? "a" : "no", out->cert ? "own" : "no",
		  sk_X509_CRL_num(out->crls));
	ERR_clear_error();
	return 0;
fail:
	pki_creds_free(out);
	ERR_clear_error();
	return rc;
}

bool pki_creds_ready(const struct pki_creds *c, char *why, size_t len)
{
	if (!c->key) {
		snprintf(why, len, "no key pair for trustpoint %s", c->name);
		return false;
	}
	if (!c->cert) {
		snprintf(why, len, "no certificate for trustpoint %s", c->name);
		return false;
	}
	if (X509_check_private_key(c->cert, c->key) != 1) {
		ERR_clear_error();
		snprintf(why, len, "the certificate of trustpoint %s is not for its key pair",
			 c->name);
		return false;
	}
	if (why && len)
		why[0] = '\0';
	return true;
}

/* Which certificate a failure is about, for the reason. */
static void whose(X509_STORE_CTX *ctx, char *buf, size_t len)
{
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char dn[200];

	if (X509_STORE_CTX_get_error_depth(ctx) == 0 || !x) {
		snprintf(buf, len, "peer certificate");
		return;
	}
	pki_dn_str(X509_get_subject_name(x), dn, sizeof(dn));
	snprintf(buf, len, "CA certificate %s", dn);
}

static void reason_of(const struct pki_creds *c, X509_STORE_CTX *ctx, char *reason, size_t len)
{
	int err = X509_STORE_CTX_get_error(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char who[240], date[32];

	whose(ctx, who, sizeof(who));
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		pki_date(pki_asn1_time(x ? X509_get0_notAfter(x) : NULL), date, sizeof(date));
		snprintf(reason, len, "%s expired on %s", who, date);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		pki_date(pki_asn1_time(x ? X509_get0_notBefore(x) : NULL), date, sizeof(date));
		snprintf(reason, len, "%s is not valid before %s", who, date);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		snprintf(reason, len, "peer certificate not signed by trustpoint %s", c->name);
		break;
	case X509_V_ERR_CERT_REVOKED:
		snprintf(reason, len, "%s revoked (CRL of %s)", who, c->name);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		snprintf(reason, len, "no CRL of trustpoint %s for the %s", c->name, who);
		break;
	case X509_V_ERR_CRL_HAS_EXPIRED:
		snprintf(reason, len, "the CRL of trustpoint %s is out of date", c->name);
		break;
	case X509_V_ERR_CRL_NOT_YET_VALID:
		snprintf(reason, len, "the CRL of trustpoint %s is not valid yet", c->name);
		break;
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
		snprintf(reason, len, "the CRL of trustpoint %s has a bad signature", c->name);
		break;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		snprintf(reason, len, "%s may not sign certificates", who);
		break;
	default:
		snprintf(reason, len, "%s not accepted: %s", who,
			 X509_verify_cert_error_string(err));
		break;
	}
}

/* debug crypto pki: the chain OpenSSL built and the verdict. */
static void pki_verify_debug(const struct pki_creds *c, X509 *peer, X509_STORE_CTX *ctx,
			     const char *verdict)
{
	STACK_OF(X509) * chain;
	char dn[200];

	if (!c->log || !(c->log->debug & ENG_DEBUG_PKI))
		return;
	pki_dn_str(X509_get_subject_name(peer), dn, sizeof(dn));
	eng_debugf(c->log, ENG_DEBUG_PKI, "pki: trustpoint %s: verifying %s%s", c->name, dn,
		   c->crl_check ? " with CRL check" : "");
	chain = X509_STORE_CTX_get0_chain(ctx);
	for (int i = 1; chain && i < sk_X509_num(chain); i++) {
		pki_dn_str(X509_get_subject_name(sk_X509_value(chain, i)), dn, sizeof(dn));
		eng_debugf(c->log, ENG_DEBUG_PKI, "pki: trustpoint %s: chain %d: %s", c->name, i,
			   dn);
	}
	eng_debugf(c->log, ENG_DEBUG_PKI, "pki: trustpoint %s: %s", c->name, verdict);
}

int pki_verify(const struct pki_creds *c, X509 *peer, STACK_OF(X509) * untrusted, time_t now,
	       char *reason, size_t len)
{
	X509_STORE_CTX *ctx = NULL;
	unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
	int rc = -EACCES;

	if (reason && len)
		reason[0] = '\0';
	if (!c || !c->store || !peer) {
		snprintf(reason, len, "no CA certificate for trustpoint %s", c ? c->name : "?");
		return -EACCES;
	}
	ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, c->store, peer, untrusted)) {
		snprintf(reason, len, "peer certificate could not be checked (out of memory)");
		rc = -ENOMEM;
		goto done;
	}
	if (c->crl_check) {
		/* the peer's own certificate against the CRL of its issuer */
		flags |= X509_V_FLAG_CRL_CHECK;
		X509_STORE_CTX_set0_crls(ctx, c->crls);
	}
	X509_STORE_CTX_set_flags(ctx, flags);
	X509_STORE_CTX_set_time(ctx, 0, now);
	if (X509_verify_cert(ctx) != 1) {
		reason_of(c, ctx, reason, len);
		pki_verify_debug(c, peer, ctx, reason);
		goto done;
	}
	/* RFC 4945 §5.1.3.2: a key usage present must allow signatures */
	if ((X509_get_extension_flags(peer) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(peer) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		snprintf(reason, len, "peer certificate key usage does not allow signatures");
		goto done;
	}
	rc = 0;
	pki_verify_debug(c, peer, ctx, "good");
done:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}
