/* SPDX-License-Identifier: ISC */
/*
 * siv.h - deterministic authenticated encryption (AES-SIV, RFC 5297) and
 * a key from a passphrase, for secrets the configuration prints sealed.
 */
#ifndef IKESH_CRYPTO_SIV_H
#define IKESH_CRYPTO_SIV_H

#include <stddef.h>
#include <stdint.h>

#include "prf.h" /* struct cbuf */

#define CRYPTO_SIV_TAG_LEN 16 /* the synthetic IV, first in the output */
#define CRYPTO_SIV_AD_MAX  8  /* associated-data components (RFC 5297 allows 126) */

/*
 * out = V || C (len + CRYPTO_SIV_TAG_LEN bytes) for plaintext pt under key
 * (32 bytes: AES-128-SIV, 64 bytes: AES-256-SIV) and the associated-data
 * components ad[0..n_ad-1], in order (a nonce, when there is one, is the
 * last).  The same inputs give the same output.  -EINVAL on a bad size.
 */
int crypto_siv_seal(const uint8_t *key, size_t key_len, const struct cbuf *ad, size_t n_ad,
		    const uint8_t *pt, size_t len, uint8_t *out);
/*
 * pt = the plaintext of in (V || C, in_len bytes, pt gets in_len -
 * CRYPTO_SIV_TAG_LEN); -EBADMSG when in does not authenticate under key
 * and ad (pt is then zeroed).
 */
int crypto_siv_open(const uint8_t *key, size_t key_len, const struct cbuf *ad, size_t n_ad,
		    const uint8_t *in, size_t in_len, uint8_t *pt);

/* out_len bytes of PBKDF2-HMAC-SHA256 (RFC 8018) of a passphrase. */
int crypto_passphrase_key(const char *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
			  unsigned iterations, uint8_t *out, size_t out_len);

#endif
