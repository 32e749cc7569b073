/* SPDX-License-Identifier: ISC */
#ifndef IKESH_CRYPTO_RANDOM_H
#define IKESH_CRYPTO_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf from the OpenSSL DRBG. -EIO if it is not seeded. */
int crypto_random_bytes(uint8_t *buf, size_t len);
/* A nonce of len bytes; RFC 7296 §2.10 wants 16..256 (-EINVAL otherwise). */
int crypto_random_nonce(uint8_t *buf, size_t len);
/* A non-zero 8-byte IKE SA SPI, in wire order. */
int crypto_random_ike_spi(uint8_t spi[8]);

#endif
