/* SPDX-License-Identifier: ISC */
/*
 * Diffie-Hellman for the KE payload: MODP (RFC 2409/3526), ECP (RFC 5903)
 * and Curve25519 (RFC 8031). Public values are handled as they appear on the
 * wire; peer values are checked as RFC 6989 asks before use.
 */
#ifndef IKESH_CRYPTO_DH_H
#define IKESH_CRYPTO_DH_H

#include <stddef.h>
#include <stdint.h>

struct dh_key;

/* A fresh key pair for group (an IKE_DH_* transform ID). -ENOTSUP: unknown group. */
int dh_keygen(uint16_t group, struct dh_key **out);

/*
 * A key pair from a fixed private value, for known-answer tests and
 * cross-checks; the engine itself only uses dh_keygen(). priv is the
 * big-endian exponent / scalar (MODP, ECP) or the 32-byte string (X25519).
 */
int dh_key_import_private(uint16_t group, const uint8_t *priv, size_t privlen, struct dh_key **out);

void dh_key_free(struct dh_key *key);

uint16_t dh_key_group(const struct dh_key *key);

/*
 * The public value as carried in the KE payload (xform publen bytes):
 * MODP big-endian, left-padded to the prime length; ECP x | y without
 * the 0x04 point-format octet; X25519 the 32-byte u-coordinate.
 * -ENOSPC if buflen is smaller than the public value.
 */
int dh_public_encode(const struct dh_key *key, uint8_t *buf, size_t buflen, size_t *outlen);

/*
 * g^ir from our key and the peer's KE data (xform outlen bytes): MODP
 * left-padded to the prime length, ECP the x coordinate only, X25519 the
 * 32-byte result. -EINVAL when the peer value has the wrong length or fails
 * the RFC 6989 checks (MODP: 1 < y < p-1; ECP: a point on the curve;
 * X25519: an all-zero result). The caller wipes the secret.
 */
int dh_shared_derive(const struct dh_key *key, const uint8_t *peer, size_t peerlen, uint8_t *secret,
		     size_t secretlen);

#endif
