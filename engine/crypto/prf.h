/* SPDX-License-Identifier: ISC */
/*
 * IKEv2 pseudorandom function and key derivation (RFC 7296 §2.13-2.18).
 * All functions return 0 or -errno: -EINVAL for arguments that do not fit
 * the transform, -ENOTSUP for a transform the engine does not implement,
 * -EIO when OpenSSL fails.
 */
#ifndef IKESH_CRYPTO_PRF_H
#define IKESH_CRYPTO_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "xform.h"

/* A read-only byte string; prf inputs are lists of these, concatenated. */
struct cbuf {
	const uint8_t *ptr;
	size_t len;
};

#define PRF_MAX_OUT   64 /* HMAC-SHA2-512 */
#define INTEG_MAX_KEY 64
#define ENCR_MAX_KEY  36 /* AES-256 or ChaCha20 key + 4-byte salt */

/* out (prf->outlen bytes) = prf(key, data[0] | data[1] | ...) */
int prf_compute(const struct xform *prf, const uint8_t *key, size_t keylen, const struct cbuf *data,
		size_t ndata, uint8_t *out);

/* out (outlen bytes) = first outlen bytes of prf+(key, seed[0] | seed[1] | ...) */
int prf_plus(const struct xform *prf, const uint8_t *key, size_t keylen, const struct cbuf *seed,
	     size_t nseed, uint8_t *out, size_t outlen);

/* SKEYSEED = prf(Ni | Nr, g^ir)  (§2.14); out is prf->outlen bytes */
int kdf_skeyseed(const struct xform *prf, const struct cbuf *ni, const struct cbuf *nr,
		 const struct cbuf *gir, uint8_t *out);

/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)  (§2.18); out is prf->outlen bytes */
int kdf_skeyseed_rekey(const struct xform *old_prf, const struct cbuf *sk_d_old,
		       const struct cbuf *gir_new, const struct cbuf *ni, const struct cbuf *nr,
		       uint8_t *out);

/* The seven IKE SA keys; each *_len is how many bytes of the array are in use. */
struct ike_sa_keys {
	uint8_t sk_d[PRF_MAX_OUT];
	uint8_t sk_ai[INTEG_MAX_KEY];
	uint8_t sk_ar[INTEG_MAX_KEY];
	uint8_t sk_ei[ENCR_MAX_KEY];
	uint8_t sk_er[ENCR_MAX_KEY];
	uint8_t sk_pi[PRF_MAX_OUT];
	uint8_t sk_pr[PRF_MAX_OUT];
	size_t prf_len;	  /* SK_d, SK_pi, SK_pr */
	size_t integ_len; /* SK_ai, SK_ar: 0 with an AEAD cipher */
	size_t encr_len;  /* SK_ei, SK_er, including an AEAD salt */
};

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)  (§2.14)
 * integ is NULL with an AEAD encr. spi_i / spi_r are the 8 wire bytes.
 */
int kdf_ike_sa_keys(const struct xform *prf, const struct xform *encr, const struct xform *integ,
		    const uint8_t *skeyseed, const struct cbuf *ni, const struct cbuf *nr,
		    const uint8_t spi_i[8], const uint8_t spi_r[8], struct ike_sa_keys *keys);

/* Wipe all key material. */
void kdf_ike_sa_keys_wipe(struct ike_sa_keys *keys);

/*
 * Child SA KEYMAT = prf+(SK_d, Ni | Nr), or with a new DH exchange
 * prf+(SK_d, g^ir (new) | Ni | Nr)  (§2.17): pass gir_new NULL for the former.
 */
int kdf_child_keymat(const struct xform *prf, const struct cbuf *sk_d, const struct cbuf *gir_new,
		     const struct cbuf *ni, const struct cbuf *nr, uint8_t *out, size_t outlen);

/*
 * Shared-key AUTH payload data (§2.15):
 *	AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *	SignedOctets = RealMessage | Nonce(peer) | prf(SK_p, RestOfIDPayload)
 * msg is the whole first message the signer sent (IKE_SA_INIT request for the
 * initiator, response for the responder), nonce the other side's nonce data,
 * sk_p the signer's SK_pi or SK_pr, id the ID payload body after the generic
 * header (ID Type, RESERVED, data). out is prf->outlen bytes.
 */
int kdf_psk_auth(const struct xform *prf, const struct cbuf *psk, const struct cbuf *msg,
		 const struct cbuf *nonce, const struct cbuf *sk_p, const struct cbuf *id,
		 uint8_t *out);

#endif
