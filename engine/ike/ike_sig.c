/* SPDX-License-Identifier: ISC */
/*
 * Signatures for IKE_AUTH: the Digital Signature method of RFC 7427 with
 * its AlgorithmIdentifiers (Appendix A), Ed25519 by RFC 8420, and the
 * classic methods of RFC 7296 §3.8 (1: RSA PKCS#1 v1.5 with SHA-1) and
 * RFC 4754 (9, 10, 11: ECDSA with r|s of fixed size), for peers that
 * announce no SIGNATURE_HASH_ALGORITHMS. All through OpenSSL 3 EVP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ike_cert.h"
#include "ike_proto.h"

/* RFC 7427 A.1: PKCS#1 v1.5, parameters NULL */
static const uint8_t der_rsa_sha1[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				       0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00};
static const uint8_t der_rsa_sha256[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
static const uint8_t der_rsa_sha384[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
static const uint8_t der_rsa_sha512[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00};

/* RFC 7427 A.3: ECDSA, parameters absent */
static const uint8_t der_ecdsa_sha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
					   0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static const uint8_t der_ecdsa_sha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
					   0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
static const uint8_t der_ecdsa_sha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
					   0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};

/*
 * RFC 7427 A.4.3 shape: id-RSASSA-PSS with hashAlgorithm H (NULL
 * parameters), MGF1 with H, saltLength the hash size, trailerField default.
 */
#define PSS_DER(h, salt)                                                                           \
	{                                                                                          \
		0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,      \
		    0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,  \
		    0x03, 0x04, 0x02, (h), 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a,   \
		    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60,  \
		    0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, (h), 0x05, 0x00, 0xa2, 0x03, 0x02,   \
		    0x01, (salt)                                                                   \
	}
static const uint8_t der_pss_sha256[] = PSS_DER(0x01, 32);
static const uint8_t der_pss_sha384[] = PSS_DER(0x02, 48);
static const uint8_t der_pss_sha512[] = PSS_DER(0x03, 64);

/* RFC 8420 §2 (RFC 8410): id-Ed25519, parameters absent */
static const uint8_t der_ed25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

#define ALG(n, h, ec, pss, salt, d)                                                                \
	{                                                                                          \
		n, h, ec, pss, salt, d, sizeof(d)                                                  \
	}
static const struct ike_sig_alg sig_algs[] = {
    ALG("rsa-pkcs1-sha1", IKE_HASH_SHA1, false, false, 0, der_rsa_sha1),
    ALG("rsa-pkcs1-sha256", IKE_HASH_SHA256, false, false, 0, der_rsa_sha256),
    ALG("rsa-pkcs1-sha384", IKE_HASH_SHA384, false, false, 0, der_rsa_sha384),
    ALG("rsa-pkcs1-sha512", IKE_HASH_SHA512, false, false, 0, der_rsa_sha512),
    ALG("rsa-pss-sha256", IKE_HASH_SHA256, false, true, 32, der_pss_sha256),
    ALG("rsa-pss-sha384", IKE_HASH_SHA384, false, true, 48, der_pss_sha384),
    ALG("rsa-pss-sha512", IKE_HASH_SHA512, false, true, 64, der_pss_sha512),
    ALG("ecdsa-sha256", IKE_HASH_SHA256, true, false, 0, der_ecdsa_sha256),
    ALG("ecdsa-sha384", IKE_HASH_SHA384, true, false, 0, der_ecdsa_sha384),
    ALG("ecdsa-sha512", IKE_HASH_SHA512, true, false, 0, der_ecdsa_sha512),
    ALG("ed25519", IKE_HASH_IDENTITY, false, false, 0, der_ed25519),
};

const struct ike_sig_alg *ike_sig_algs(size_t *n)
{
	*n = sizeof(sig_algs) / sizeof(sig_algs[0]);
	return sig_algs;
}

static const struct ike_sig_alg *ike_sig_alg_find(uint8_t hash, bool ec, bool pss)
{
	for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++) {
		const struct ike_sig_alg *a = &sig_algs[i];

		if (a->hash == hash && a->ec == ec && a->pss == pss)
			return a;
	}
	return NULL;
}

enum ike_sigkey ike_sig_key_type(const EVP_PKEY *key)
{
	char group[64];
	size_t n;

	if (key == NULL)
		return IKE_SIGKEY_NONE;
	if (EVP_PKEY_is_a(key, "RSA"))
		return IKE_SIGKEY_RSA;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return IKE_SIGKEY_ED25519;
	if (!EVP_PKEY_is_a(key, "EC") ||
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					   &n) != 1)
		return IKE_SIGKEY_NONE;
	if (strcmp(group, SN_X9_62_prime256v1) == 0)
		return IKE_SIGKEY_P256;
	if (strcmp(group, SN_secp384r1) == 0)
		return IKE_SIGKEY_P384;
	if (strcmp(group, SN_secp521r1) == 0)
		return IKE_SIGKEY_P521;
	return IKE_SIGKEY_NONE;
}

const char *ike_sig_key_name(enum ike_sigkey k)
{
	switch (k) {
	case IKE_SIGKEY_RSA:
		return "RSA";
	case IKE_SIGKEY_P256:
		return "ECDSA P-256";
	case IKE_SIGKEY_P384:
		return "ECDSA P-384";
	case IKE_SIGKEY_P521:
		return "ECDSA P-521";
	case IKE_SIGKEY_ED25519:
		return "Ed25519";
	default:
		return "unsupported key";
	}
}

static bool ike_sigkey_ec(enum ike_sigkey k)
{
	return k == IKE_SIGKEY_P256 || k == IKE_SIGKEY_P384 || k == IKE_SIGKEY_P521;
}

/* RFC 4754: the classic ECDSA method of each curve, its hash and r, s size. */
static uint8_t ike_sig_ec_method(enum ike_sigkey k, uint8_t *hash, size_t *half)
{
	switch (k) {
	case IKE_SIGKEY_P256:
		*hash = IKE_HASH_SHA256, *half = 32;
		return IKE_AUTH_ECDSA_256;
	case IKE_SIGKEY_P384:
		*hash = IKE_HASH_SHA384, *half = 48;
		return IKE_AUTH_ECDSA_384;
	case IKE_SIGKEY_P521:
		*hash = IKE_HASH_SHA512, *half = 66;
		return IKE_AUTH_ECDSA_521;
	default:
		return 0;
	}
}

static const char *ike_hash_mdname(uint8_t hash)
{
	switch (hash) {
	case IKE_HASH_SHA1:
		return "SHA1";
	case IKE_HASH_SHA256:
		return "SHA256";
	case IKE_HASH_SHA384:
		return "SHA384";
	case IKE_HASH_SHA512:
		return "SHA512";
	default:
		return NULL;
	}
}

static uint8_t ike_hash_from_nid(int nid)
{
	switch (nid) {
	case NID_sha1:
		return IKE_HASH_SHA1;
	case NID_sha256:
		return IKE_HASH_SHA256;
	case NID_sha384:
		return IKE_HASH_SHA384;
	case NID_sha512:
		return IKE_HASH_SHA512;
	default:
		return 0;
	}
}

/* A hash AlgorithmIdentifier: absent means SHA-1 (RFC 4055 §3.1). */
static uint8_t ike_pss_hash(const X509_ALGOR *a)
{
	return a ? ike_hash_from_nid(OBJ_obj2nid(a->algorithm)) : IKE_HASH_SHA1;
}

/*
 * An RSASSA-PSS AlgorithmIdentifier not byte for byte ours: decoded, and
 * taken when MGF1 uses the same hash and the trailer is the default. The
 * salt length is whatever the signer chose (the verifier recovers it).
 */
static const struct ike_sig_alg *ike_sig_pss_parse(const X509_ALGOR *alg)
{
	const struct ike_sig_alg *ret = NULL;
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf_hash = NULL;
	uint8_t h, mh = IKE_HASH_SHA1;

	if (alg->parameter == NULL || alg->parameter->type != V_ASN1_SEQUENCE)
		return NULL;
	pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), alg->parameter);
	if (pss == NULL)
		return NULL;
	h = ike_pss_hash(pss->hashAlgorithm);
	if (pss->maskGenAlgorithm) {
		const ASN1_TYPE *p = pss->maskGenAlgorithm->parameter;

		if (OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 || p == NULL ||
		    p->type != V_ASN1_SEQUENCE)
			goto done;
		mgf_hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), p);
		if (mgf_hash == NULL)
			goto done;
		mh = ike_pss_hash(mgf_hash);
	}
	if (pss->trailerField && ASN1_INTEGER_get(pss->trailerField) != 1)
		goto done;
	if (h == 0 || h != mh)
		goto done;
	ret = ike_sig_alg_find(h, false, true);
done:
	X509_ALGOR_free(mgf_hash);
	RSA_PSS_PARAMS_free(pss);
	return ret;
}

const struct ike_sig_alg *ike_sig_alg_parse(const uint8_t *der, size_t len)
{
	const struct ike_sig_alg *ret = NULL;
	const uint8_t *p = der;
	X509_ALGOR *alg;

	for (size_t i = 0; i < sizeof(sig_algs) / sizeof(sig_algs[0]); i++) {
		if (sig_algs[i].derlen == len && memcmp(sig_algs[i].der, der, len) == 0)
			return &sig_algs[i];
	}
	/* others' PSS encodings differ in details (absent NULLs, salt) */
	alg = d2i_X509_ALGOR(NULL, &p, (long)len);
	if (alg == NULL || p != der + len)
		goto done;
	if (OBJ_obj2nid(alg->algorithm) == NID_rsassaPss)
		ret = ike_sig_pss_parse(alg);
done:
	X509_ALGOR_free(alg);
	return ret;
}

int ike_sig_choose(const EVP_PKEY *key, unsigned peer_hashes, bool pss, struct ike_sig_how *how)
{
	static const uint8_t rsa_pref[] = {IKE_HASH_SHA256, IKE_HASH_SHA384, IKE_HASH_SHA512};
	enum ike_sigkey k = ike_sig_key_type(key);
	uint8_t hash;
	size_t half;

	memset(how, 0, sizeof(*how));
	if (peer_hashes == 0) {
		/* no RFC 7427 at the peer: RFC 7296 §3.8 and RFC 4754 */
		if (k == IKE_SIGKEY_RSA) {
			how->method = IKE_AUTH_RSA_SIG;
			return 0;
		}
		how->method = ike_sig_ec_method(k, &hash, &half);
		return how->method ? 0 : -ENOTSUP;
	}
	how->method = IKE_AUTH_DIGITAL_SIGNATURE;
	if (k == IKE_SIGKEY_ED25519) {
		how->alg = peer_hashes & 1u << IKE_HASH_IDENTITY
			       ? ike_sig_alg_find(IKE_HASH_IDENTITY, false, false)
			       : NULL;
		return how->alg ? 0 : -ENOTSUP;
	}
	if (ike_sigkey_ec(k)) {
		/* the curve's own hash first (RFC 4754's pairing), then any other */
		ike_sig_ec_method(k, &hash, &half);
		if (peer_hashes & 1u << hash) {
			how->alg = ike_sig_alg_find(hash, true, false);
			return 0;
		}
	} else if (k != IKE_SIGKEY_RSA) {
		return -ENOTSUP;
	}
	for (size_t i = 0; i < sizeof(rsa_pref); i++) {
		if (peer_hashes & 1u << rsa_pref[i]) {
			how->alg = ike_sig_alg_find(rsa_pref[i], ike_sigkey_ec(k),
						    pss && k == IKE_SIGKEY_RSA);
			return 0;
		}
	}
	return -ENOTSUP;
}

/* A DigestSign/Verify context for the scheme; the padding set for RSA. */
static EVP_MD_CTX *ike_sig_ctx(EVP_PKEY *key, const char *mdname, bool pss, bool sign)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (ctx == NULL)
		return NULL;
	ok = sign ? EVP_DigestSignInit_ex(ctx, &pctx, mdname, NULL, NULL, key, NULL)
		  : EVP_DigestVerifyInit_ex(ctx, &pctx, mdname, NULL, NULL, key, NULL);
	if (ok == 1 && pss) {
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, mdname, NULL) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, sign ? RSA_PSS_SALTLEN_DIGEST
								 : RSA_PSS_SALTLEN_AUTO) == 1;
	}
	if (ok != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* DER Ecdsa-Sig-Value to r|s, each half bytes (RFC 4754 §7). */
static int ike_ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t half, uint8_t *out)
{
	const uint8_t *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *sv;
	int ret = -EINVAL;

	if (s == NULL)
		return -EINVAL;
	ECDSA_SIG_get0(s, &r, &sv);
	if (BN_bn2binpad(r, out, (int)half) == (int)half &&
	    BN_bn2binpad(sv, out + half, (int)half) == (int)half)
		ret = 0;
	ECDSA_SIG_free(s);
	return ret;
}

/* r|s to DER; *out is OPENSSL_malloc'ed. */
static int ike_ecdsa_raw_to_der(const uint8_t *raw, size_t half, uint8_t **out, size_t *outlen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)half, NULL);
	BIGNUM *sv = BN_bin2bn(raw + half, (int)half, NULL);
	int n, ret = -ENOMEM;

	*out = NULL;
	if (s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0(s, r, sv) != 1)
		goto fail;
	r = sv = NULL; /* owned by s now */
	n = i2d_ECDSA_SIG(s, out);
	if (n <= 0)
		goto fail;
	*outlen = (size_t)n;
	ret = 0;
fail:
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(s);
	return ret;
}

/* The hash, PSS flag and (classic ECDSA) r|s size of a way of signing with key k. */
static int ike_sig_params(enum ike_sigkey k, const struct ike_sig_how *how, uint8_t *hash,
			  bool *pss, size_t *half)
{
	*pss = false;
	*half = 0;
	if (how->method == IKE_AUTH_DIGITAL_SIGNATURE) {
		const struct ike_sig_alg *a = how->alg;

		if (a == NULL)
			return -ENOTSUP;
		if (a->hash == IKE_HASH_IDENTITY ? k != IKE_SIGKEY_ED25519
		    : a->ec			 ? !ike_sigkey_ec(k)
						 : k != IKE_SIGKEY_RSA)
			return -ENOTSUP;
		*hash = a->hash;
		*pss = a->pss;
		return 0;
	}
	if (how->method == IKE_AUTH_RSA_SIG) {
		*hash = IKE_HASH_SHA1;
		return k == IKE_SIGKEY_RSA ? 0 : -ENOTSUP;
	}
	if (ike_sigkey_ec(k) && ike_sig_ec_method(k, hash, half) == how->method)
		return 0;
	return -ENOTSUP;
}

int ike_sig_sign(EVP_PKEY *key, const struct ike_sig_how *how, const uint8_t *data, size_t len,
		 uint8_t *out, size_t outsize, size_t *outlen)
{
	enum ike_sigkey k = ike_sig_key_type(key);
	uint8_t sig[IKE_SIG_MAX], hash;
	size_t siglen = sizeof(sig), off = 0, half;
	EVP_MD_CTX *ctx;
	bool pss;
	int ret;

	ret = ike_sig_params(k, how, &hash, &pss, &half);
	if (ret < 0)
		return ret;
	if (how->method == IKE_AUTH_DIGITAL_SIGNATURE) {
		/* RFC 7427 §3: length of the AlgorithmIdentifier, then it */
		if (how->alg->derlen > 255 || outsize < 1 + how->alg->derlen)
			return -ENOSPC;
		out[0] = (uint8_t)how->alg->derlen;
		memcpy(out + 1, how->alg->der, how->alg->derlen);
		off = 1 + how->alg->derlen;
	}
	ctx = ike_sig_ctx(key, ike_hash_mdname(hash), pss, true);
	if (ctx == NULL)
		return -EINVAL;
	if (EVP_DigestSign(ctx, NULL, &siglen, data, len) != 1 || siglen > sizeof(sig) ||
	    EVP_DigestSign(ctx, sig, &siglen, data, len) != 1) {
		ret = -EINVAL;
		goto done;
	}
	if (half) {
		if (outsize - off < 2 * half) {
			ret = -ENOSPC;
			goto done;
		}
		ret = ike_ecdsa_der_to_raw(sig, siglen, half, out + off);
		*outlen = off + 2 * half;
		goto done;
	}
	if (outsize - off < siglen) {
		ret = -ENOSPC;
		goto done;
	}
	memcpy(out + off, sig, siglen);
	*outlen = off + siglen;
done:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int ike_sig_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t authlen,
		   const uint8_t *data, size_t len, struct ike_sig_how *how)
{
	enum ike_sigkey k = ike_sig_key_type(pub);
	const uint8_t *sig = auth;
	size_t siglen = authlen, half;
	uint8_t *der = NULL, hash;
	EVP_MD_CTX *ctx;
	bool pss;
	int ret;

	memset(how, 0, sizeof(*how));
	how->method = method;
	if (method == IKE_AUTH_DIGITAL_SIGNATURE) {
		if (authlen < 1 || authlen < 1 + (size_t)auth[0])
			return -EBADMSG;
		how->alg = ike_sig_alg_parse(auth + 1, auth[0]);
		if (how->alg == NULL)
			return -ENOTSUP;
		sig = auth + 1 + auth[0];
		siglen = authlen - 1 - auth[0];
		/* SHA-1 only with the classic method: we never offered it */
		if (!(IKE_HASHES_OURS & 1u << how->alg->hash))
			return -ENOTSUP;
	}
	ret = ike_sig_params(k, how, &hash, &pss, &half);
	if (ret < 0)
		return ret;
	if (siglen == 0 || siglen > IKE_SIG_MAX)
		return -EBADMSG;
	if (half) {
		if (siglen != 2 * half)
			return -EBADMSG;
		ret = ike_ecdsa_raw_to_der(sig, half, &der, &siglen);
		if (ret < 0)
			return ret;
		sig = der;
	}
	ctx = ike_sig_ctx(pub, ike_hash_mdname(hash), pss, false);
	if (ctx == NULL) {
		ret = -EINVAL;
		goto done;
	}
	ret = EVP_DigestVerify(ctx, sig, siglen, data, len) == 1 ? 0 : -EACCES;
done:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ret;
}

void ike_sig_describe(const struct ike_sig_how *how, char *buf, size_t len)
{
	const char *what;

	switch (how->method) {
	case IKE_AUTH_DIGITAL_SIGNATURE:
		what = how->alg ? how->alg->name : "unknown scheme";
		break;
	case IKE_AUTH_RSA_SIG:
		what = "rsa-pkcs1-sha1";
		break;
	case IKE_AUTH_ECDSA_256:
		what = "ecdsa-p256-sha256";
		break;
	case IKE_AUTH_ECDSA_384:
		what = "ecdsa-p384-sha384";
		break;
	case IKE_AUTH_ECDSA_521:
		what = "ecdsa-p521-sha512";
		break;
	default:
		what = "unknown";
		break;
	}
	snprintf(buf, len, "%s (AUTH method %u)", what, how->method);
}
