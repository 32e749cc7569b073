/* SPDX-License-Identifier: ISC */
/* Nonces and SPIs from the DRBG. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "random.h"

static void test_nonce(void **state)
{
	uint8_t a[256], b[256];

	assert_int_equal(crypto_random_nonce(a, 15), -EINVAL);
	assert_int_equal(crypto_random_nonce(a, 257), -EINVAL);
	assert_int_equal(crypto_random_nonce(a, 32), 0);
	assert_int_equal(crypto_random_nonce(b, 32), 0);
	/* 2^-256 chance of a false failure */
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(crypto_random_nonce(a, 256), 0);
	assert_int_equal(crypto_random_bytes(a, 0), 0);
}

static void test_spi(void **state)
{
	static const uint8_t zero[8];
	uint8_t spi[8], prev[8];

	memset(prev, 0, sizeof(prev));
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(crypto_random_ike_spi(spi), 0);
		assert_memory_not_equal(spi, zero, 8);
		assert_memory_not_equal(spi, prev, 8);
		memcpy(prev, spi, 8);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nonce),
	    cmocka_unit_test(test_spi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
