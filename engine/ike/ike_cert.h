/* SPDX-License-Identifier: ISC */
/*
 * Signature authentication (RFC 7296 §2.15, §3.8; RFC 7427; RFC 4754;
 * RFC 8420) and certificates (§3.6, §3.7) for the IKEv2 core. Internal
 * to engine/ike, like ike_sa.h.
 */
#ifndef IKESH_IKE_CERT_H
#define IKESH_IKE_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike_wire.h"
#include "ikev2.h"

#define IKE_CERT_CHAIN_MAX    4	    /* certificates we send: the CERT limit of the rules table */
#define IKE_CERT_PEER_MAX     4	    /* CERT payloads taken from the peer */
#define IKE_CERT_DER_MAX      8192  /* bytes of one DER certificate */
#define IKE_CERTREQ_MAX	      16    /* CA hashes we send in one CERTREQ */
#define IKE_SIG_MAX	      1024  /* a signature's bytes: RSA up to 8192 bits */
#define IKE_SIG_MAX_BITS      8192  /* the largest peer key we verify with */
#define IKE_AUTH_INNER_MAX    49152 /* IKE_AUTH plaintext: 4 certificates and the rest */
#define IKE_CERT_ENC_X509_SIG 4	    /* X.509 Certificate - Signature (§3.6) */

/* RFC 7427 §7, IKEv2 Hash Algorithms registry */
enum {
	IKE_HASH_SHA1 = 1,
	IKE_HASH_SHA256 = 2,
	IKE_HASH_SHA384 = 3,
	IKE_HASH_SHA512 = 4,
	IKE_HASH_IDENTITY = 5, /* RFC 8420 */
};

/* The hashes we accept and announce in SIGNATURE_HASH_ALGORITHMS, as bits 1 << id. */
#define IKE_HASHES_OURS                                                                            \
	(1u << IKE_HASH_SHA256 | 1u << IKE_HASH_SHA384 | 1u << IKE_HASH_SHA512 |                   \
	 1u << IKE_HASH_IDENTITY)

enum ike_sigkey {
	IKE_SIGKEY_NONE,
	IKE_SIGKEY_RSA,
	IKE_SIGKEY_P256,
	IKE_SIGKEY_P384,
	IKE_SIGKEY_P521,
	IKE_SIGKEY_ED25519,
};

/* One signature scheme of RFC 7427 Appendix A (and RFC 8420 §2). */
struct ike_sig_alg {
	const char *name; /* for debug lines: "rsa-pss-sha256" */
	uint8_t hash;	  /* IKE_HASH_* */
	bool ec;	  /* ECDSA (any curve); otherwise RSA unless hash is identity */
	bool pss;
	uint16_t salt;	    /* PSS salt length */
	const uint8_t *der; /* the AlgorithmIdentifier as we send it */
	size_t derlen;
};

/* What signs or verifies: a classic method (1, 9, 10, 11) or method 14 with alg. */
struct ike_sig_how {
	uint8_t method;
	const struct ike_sig_alg *alg; /* method 14 only */
};

/* ---- ike_sig.c ---- */
enum ike_sigkey ike_sig_key_type(const EVP_PKEY *key);
const char *ike_sig_key_name(enum ike_sigkey k);
/* The table, for tests: *n entries. */
const struct ike_sig_alg *ike_sig_algs(size_t *n);
/*
 * The scheme of an AlgorithmIdentifier received in an AUTH payload: one
 * of the table's encodings, or an RSASSA-PSS one with other (consistent)
 * parameters. NULL when unknown.
 */
const struct ike_sig_alg *ike_sig_alg_parse(const uint8_t *der, size_t len);
/*
 * How we sign with key: method 14 with the best hash in peer_hashes (bits
 * 1 << IKE_HASH_*; 0: the peer sent no SIGNATURE_HASH_ALGORITHMS, so a
 * classic method). -ENOTSUP when nothing fits (Ed25519 without RFC 7427).
 */
int ike_sig_choose(const EVP_PKEY *key, unsigned peer_hashes, bool pss, struct ike_sig_how *how);
/*
 * The AUTH payload's data: for method 14 the AlgorithmIdentifier with its
 * length octet and the signature, otherwise the signature alone (RFC 4754
 * r|s for ECDSA).
 */
int ike_sig_sign(EVP_PKEY *key, const struct ike_sig_how *how, const uint8_t *data, size_t len,
		 uint8_t *out, size_t outsize, size_t *outlen);
/*
 * Check an AUTH payload's data made with pub over data. 0 when valid;
 * -EBADMSG malformed, -ENOTSUP a method or scheme we do not take or that
 * does not fit pub, -EACCES a wrong signature. *how says what it was.
 */
int ike_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t authlen,
		   const uint8_t *data, size_t len, struct ike_sig_how *how);
/* "rsa-pss-sha256 (AUTH method 14)" or "ecdsa-p256 (AUTH method 9)" */
void ike_sig_describe(const struct ike_sig_how *how, char *buf, size_t len);

/* ---- ike_cert.c ---- */
int ike_cert_conf_check(const struct ike_cert_conf *c);
/* Copy src into dst taking the engine's own references. */
int ike_cert_conf_hold(struct ike_cert_conf *dst, const struct ike_cert_conf *src);
void ike_cert_conf_release(struct ike_cert_conf *c);
/* The same certificates in the same order (equal DER, other objects or not). */
bool ike_cert_chain_same(const STACK_OF(X509) * a, const STACK_OF(X509) * b);
/* The same key pair (EVP_PKEY_eq: the public halves equal). */
bool ike_cert_key_same(const EVP_PKEY *a, const EVP_PKEY *b);
/* SHA-1 of the SubjectPublicKeyInfo of each anchor in trust (§3.7), up to max. */
size_t ike_cert_anchor_hashes(X509_STORE *trust, uint8_t (*out)[20], size_t max);
/* The DN of a DER Name as "C=DE, O=x, CN=y"; "(bad DN)" when it does not parse. */
const char *ike_cert_dn_str(const uint8_t *der, size_t len, char *buf, size_t buflen);
/* Two DER Names equal as RFC 5280 names (X509_NAME_cmp), both parsing. */
bool ike_cert_dn_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/*
 * The same with wildcards in the pattern: an attribute whose value is "*"
 * (CN=*) takes any value of that attribute at that place; the attributes
 * and their order must be the same.
 */
bool ike_cert_dn_match(const uint8_t *pat, size_t plen, const uint8_t *der, size_t len);

/*
 * The peer's CERT payloads: the first is its certificate, the rest are
 * untrusted intermediates. Verified against trust with OpenSSL's verifier.
 * 0 and *leaf (the caller frees it) when valid; otherwise -errno and why
 * worded for an operator (expired on, not signed by, revoked ...).
 */
struct ike_cert_peer {
	const uint8_t *der[IKE_CERT_PEER_MAX];
	size_t len[IKE_CERT_PEER_MAX];
	size_t n;
};
int ike_cert_verify_chain(X509_STORE *trust, const char *trust_name,
			  const struct ike_cert_peer *certs, X509 **leaf, char *why, size_t whylen);
/* Does the ID payload (type, data) name the certificate's subject or a subjectAltName? */
bool ike_cert_id_matches(X509 *leaf, uint8_t id_type, const uint8_t *data, size_t len);
/* The certificate's subject as "C=DE, CN=x". */
void ike_cert_subject_str(X509 *cert, char *buf, size_t len);

#endif
