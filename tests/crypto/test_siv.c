/* SPDX-License-Identifier: ISC */
/* AES-SIV against RFC 5297 appendix A, and PBKDF2-HMAC-SHA256 against RFC 7914 §11. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "siv.h"

/* RFC 5297 A.1: deterministic authenticated encryption */
static const char a1_key[] =
    "fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff";
static const char a1_ad[] = "10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627";
static const char a1_pt[] = "11223344 55667788 99aabbcc ddee";
static const char a1_out[] = "85632d07 c6e8f37f 950acd32 0a2ecc93 40c02b96 90c4dc04 daef7f6a fe5c";

/* RFC 5297 A.2: nonce-based, two AD components then the nonce */
static const char a2_key[] =
    "7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f";
static const char a2_ad1[] =
    "00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 "
    "77665544 33221100";
static const char a2_ad2[] = "10203040 50607080 90a0";
static const char a2_nonce[] = "09f91102 9d74e35b d84156c5 635688c0";
static const char a2_pt[] =
    "74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970 "
    "74207573 696e6720 5349562d 414553";
static const char a2_out[] =
    "7bdb6e3b 432667eb 06f4d14b ff2fbd0f cb900f2f ddbe4043 26601965 c889bf17 "
    "dba77ceb 094fa663 b7a3f748 ba8af829 ea64ad54 4a272e9c 485b62a3 fd5c0d";

static void test_rfc5297_a1(void **state)
{
	uint8_t key[32], ad[24], pt[14], want[30], out[30], back[14];
	struct cbuf adv = {ad, sizeof(ad)};

	assert_int_equal(hex_decode(a1_key, key, sizeof(key)), sizeof(key));
	assert_int_equal(hex_decode(a1_ad, ad, sizeof(ad)), sizeof(ad));
	assert_int_equal(hex_decode(a1_pt, pt, sizeof(pt)), sizeof(pt));
	assert_int_equal(hex_decode(a1_out, want, sizeof(want)), sizeof(want));

	assert_int_equal(crypto_siv_seal(key, sizeof(key), &adv, 1, pt, sizeof(pt), out), 0);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(crypto_siv_open(key, sizeof(key), &adv, 1, want, sizeof(want), back), 0);
	assert_memory_equal(back, pt, sizeof(pt));
}

static void test_rfc5297_a2(void **state)
{
	uint8_t key[32], ad1[40], ad2[10], nonce[16], pt[47], want[63], out[63], back[47];
	struct cbuf adv[3] = {{ad1, sizeof(ad1)}, {ad2, sizeof(ad2)}, {nonce, sizeof(nonce)}};

	assert_int_equal(hex_decode(a2_key, key, sizeof(key)), sizeof(key));
	assert_int_equal(hex_decode(a2_ad1, ad1, sizeof(ad1)), sizeof(ad1));
	assert_int_equal(hex_decode(a2_ad2, ad2, sizeof(ad2)), sizeof(ad2));
	assert_int_equal(hex_decode(a2_nonce, nonce, sizeof(nonce)), sizeof(nonce));
	assert_int_equal(hex_decode(a2_pt, pt, sizeof(pt)), sizeof(pt));
	assert_int_equal(hex_decode(a2_out, want, sizeof(want)), sizeof(want));

	assert_int_equal(crypto_siv_seal(key, sizeof(key), adv, 3, pt, sizeof(pt), out), 0);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(crypto_siv_open(key, sizeof(key), adv, 3, want, sizeof(want), back), 0);
	assert_memory_equal(back, pt, sizeof(pt));
	/* the components are separate strings: run together they are another input */
	assert_int_equal(crypto_siv_open(key, sizeof(key), adv, 2, want, sizeof(want), back),
			 -EBADMSG);
}

/* Anything changed makes the open fail, and nothing of the plaintext comes back. */
static void test_forgeries(void **state)
{
	static const uint8_t zero[14];
	uint8_t key[32], ad[24], pt[14], sealed[30], bad[30], back[14];
	struct cbuf adv = {ad, sizeof(ad)};

	hex_decode(a1_key, key, sizeof(key));
	hex_decode(a1_ad, ad, sizeof(ad));
	hex_decode(a1_pt, pt, sizeof(pt));
	assert_int_equal(crypto_siv_seal(key, sizeof(key), &adv, 1, pt, sizeof(pt), sealed), 0);
	for (size_t i = 0; i < sizeof(sealed); i++) {
		memcpy(bad, sealed, sizeof(bad));
		bad[i] ^= 0x01;
		memset(back, 0xaa, sizeof(back));
		assert_int_equal(crypto_siv_open(key, sizeof(key), &adv, 1, bad, sizeof(bad), back),
				 -EBADMSG);
		assert_memory_equal(back, zero, sizeof(back));
	}
	key[0] ^= 0x80; /* another device's key */
	assert_int_equal(crypto_siv_open(key, sizeof(key), &adv, 1, sealed, sizeof(sealed), back),
			 -EBADMSG);
	key[0] ^= 0x80;
	assert_int_equal(crypto_siv_open(key, sizeof(key), NULL, 0, sealed, sizeof(sealed), back),
			 -EBADMSG);
	assert_int_equal(crypto_siv_open(key, sizeof(key), &adv, 1, sealed, 15, back), -EBADMSG);
}

/* AES-256-SIV (64-byte key): deterministic, distinct from AES-128-SIV, round trip. */
static void test_aes256_siv(void **state)
{
	uint8_t key[64], a[16 + 5], b[16 + 5], back[5];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	assert_int_equal(crypto_siv_seal(key, 64, NULL, 0, (const uint8_t *)"hello", 5, a), 0);
	assert_int_equal(crypto_siv_seal(key, 64, NULL, 0, (const uint8_t *)"hello", 5, b), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(crypto_siv_seal(key, 32, NULL, 0, (const uint8_t *)"hello", 5, b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(crypto_siv_open(key, 64, NULL, 0, a, sizeof(a), back), 0);
	assert_memory_equal(back, "hello", 5);
	assert_int_equal(crypto_siv_seal(key, 48, NULL, 0, (const uint8_t *)"hello", 5, b),
			 -EINVAL);
}

static void test_pbkdf2_rfc7914(void **state)
{
	static const char want_hex[] = "55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05 f9 41 85 "
				       "21 6d de 04 65 e6 8b 9d 57 c2 "
				       "0d ac bc 49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31 "
				       "7c 71 b8 45 b1 e3 0b d5 09 11 "
				       "20 41 d3 a1 97 83";
	uint8_t want[64], out[64];

	assert_int_equal(hex_decode(want_hex, want, sizeof(want)), sizeof(want));
	assert_int_equal(
	    crypto_passphrase_key("passwd", 6, (const uint8_t *)"salt", 4, 1, out, sizeof(out)), 0);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(
	    crypto_passphrase_key("passwd", 6, (const uint8_t *)"salt", 4, 0, out, sizeof(out)),
	    -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5297_a1),	   cmocka_unit_test(test_rfc5297_a2),
	    cmocka_unit_test(test_forgeries),	   cmocka_unit_test(test_aes256_siv),
	    cmocka_unit_test(test_pbkdf2_rfc7914),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
