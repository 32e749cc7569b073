/* SPDX-License-Identifier: ISC */
/*
 * Protection of the Encrypted (SK) payload: encrypt-then-MAC with a CBC
 * cipher and an HMAC integrity transform (RFC 7296 §3.14), or an AEAD
 * cipher (AES-GCM, RFC 5282; ChaCha20-Poly1305, RFC 7634).
 *
 * Layout of the SK payload body (after its generic header):
 *	IV | ciphertext of (plaintext | padding | pad length) | ICV
 * aad is everything in the message before the IV: the IKE header, any
 * unencrypted payloads and the SK generic header, with their final lengths
 * already filled in. For encrypt-then-MAC the ICV covers aad | IV |
 * ciphertext; for AEAD the aad is the associated data.
 */
#ifndef IKESH_CRYPTO_SK_H
#define IKESH_CRYPTO_SK_H

#include <stddef.h>
#include <stdint.h>

#include "prf.h"
#include "xform.h"

struct sk_ctx {
	const struct xform *encr;
	const struct xform *integ; /* NULL with an AEAD cipher */
	uint8_t ekey[ENCR_MAX_KEY];
	uint8_t akey[INTEG_MAX_KEY];
};

/*
 * Set up one direction (SK_ei/SK_ai or SK_er/SK_ar). ekey is encr->keylen
 * bytes (for AEAD the salt is its last 4 bytes), akey integ->keylen bytes.
 */
int sk_ctx_init(struct sk_ctx *ctx, const struct xform *encr, const struct xform *integ,
		const uint8_t *ekey, const uint8_t *akey);
void sk_ctx_wipe(struct sk_ctx *ctx);

/* Bytes of SK body that sk_seal() writes for plainlen bytes of inner payloads. */
size_t sk_sealed_len(const struct sk_ctx *ctx, size_t plainlen);

/*
 * Encrypt plain into out (sk_sealed_len() bytes, -ENOSPC if outsize is
 * smaller). iv is ctx->encr->ivlen bytes, or NULL for a random IV; a fixed
 * IV is for known-answer tests only.
 */
int sk_seal(const struct sk_ctx *ctx, const uint8_t *aad, size_t aadlen, const uint8_t *iv,
	    const uint8_t *plain, size_t plainlen, uint8_t *out, size_t outsize, size_t *outlen);

/*
 * Verify and decrypt an SK body. Integrity is checked before anything is
 * decrypted or looked at; a failed check, a bad length or bad padding
 * returns -EBADMSG and leaves nothing in plain. On success plain holds the
 * inner payloads (padding removed), *plainlen their length.
 */
int sk_open(const struct sk_ctx *ctx, const uint8_t *aad, size_t aadlen, const uint8_t *body,
	    size_t bodylen, uint8_t *plain, size_t plainsize, size_t *plainlen);

#endif
