/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>

#include <openssl/rand.h>

#include "random.h"

int crypto_random_bytes(uint8_t *buf, size_t len)
{
	if (len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

int crypto_random_nonce(uint8_t *buf, size_t len)
{
	if (len < 16 || len > 256)
		return -EINVAL;
	return crypto_random_bytes(buf, len);
}

int crypto_random_ike_spi(uint8_t spi[8])
{
	/* A zero SPI means "unknown" on the wire (§3.1); draw again. */
	for (;;) {
		uint8_t acc = 0;
		int ret = crypto_random_bytes(spi, 8);

		if (ret < 0)
			return ret;
		for (int i = 0; i < 8; i++)
			acc |= spi[i];
		if (acc)
			return 0;
	}
}
