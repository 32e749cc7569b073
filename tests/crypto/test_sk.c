/* SPDX-License-Identifier: ISC */
/* SK payload protection: known answers, round trips and tampering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "hex.h"

/*
 * RFC 7634 Appendix B: an INFORMATIONAL request carrying one notify
 * (SET_WINDOW_SIZE 10) in an SK payload protected with ChaCha20-Poly1305.
 */
static const char rfc7634_key[] = "808182838485868788898a8b8c8d8e8f"
				  "909192939495969798999a9b9c9d9e9f a0a1a2a3";
static const char rfc7634_msg[] = "c0c1c2c3c4c5c6c7 d0d1d2d3d4d5d6d7 2e202500 00000009 00000045"
				  "29000029 1011121314151617"
				  "610394701f8d017f7c129248896b71bf e25236efd7cdc67066906315b2";

static void test_chacha_rfc7634(void **state)
{
	const struct xform *cp = xform_lookup(XFORM_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0);
	static const uint8_t notify[] = {0x00, 0x00, 0x00, 0x0c, 0x00, 0x00,
					 0x40, 0x01, 0x00, 0x00, 0x00, 0x0a};
	uint8_t key[36], msg[128], out[128], plain[128];
	size_t msglen, outlen, plainlen;
	struct sk_ctx ctx;

	assert_int_equal(hex_decode(rfc7634_key, key, sizeof(key)), 36);
	msglen = hex_decode(rfc7634_msg, msg, sizeof(msg));
	assert_int_equal(msglen, 0x45);
	assert_int_equal(sk_ctx_init(&ctx, cp, NULL, key, NULL), 0);
	assert_int_equal(sk_sealed_len(&ctx, sizeof(notify)), msglen - 32);

	/* seal with the RFC's IV: the SK body must match byte for byte */
	assert_int_equal(
	    sk_seal(&ctx, msg, 32, msg + 32, notify, sizeof(notify), out, sizeof(out), &outlen), 0);
	assert_int_equal(outlen, msglen - 32);
	assert_memory_equal(out, msg + 32, outlen);

	assert_int_equal(
	    sk_open(&ctx, msg, 32, msg + 32, msglen - 32, plain, sizeof(plain), &plainlen), 0);
	assert_int_equal(plainlen, sizeof(notify));
	assert_memory_equal(plain, notify, plainlen);

	/* the header is authenticated: a changed message ID must fail */
	msg[27] ^= 1;
	assert_int_equal(
	    sk_open(&ctx, msg, 32, msg + 32, msglen - 32, plain, sizeof(plain), &plainlen),
	    -EBADMSG);
	sk_ctx_wipe(&ctx);
}

/*
 * McGrew & Viega, "The Galois/Counter Mode of Operation", test case 4
 * (AES-128, 60-byte plaintext, 20-byte AAD). RFC 5282 nonce = salt | IV, so
 * the spec's 96-bit IV cafebabe facedbad decaf888 is split into a salt at
 * the end of the key and an 8-byte wire IV.
 */
static void test_gcm_mcgrew_viega(void **state)
{
	const struct xform *gcm = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_16, 128);
	uint8_t key[20], aad[20], body[8 + 64 + 16], p[64], plain[128];
	size_t plainlen, n;
	struct sk_ctx ctx;

	hex_decode("feffe9928665731c6d6a8f9467308308 cafebabe", key, sizeof(key));
	hex_decode("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof(aad));
	n = hex_decode("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		       "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		       p, sizeof(p));
	assert_int_equal(n, 60);
	n = hex_decode("facedbaddecaf888"
		       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
		       "5bc94fbc3221a5db94fae95ae7121a47",
		       body, sizeof(body));
	assert_int_equal(n, 8 + 60 + 16);
	assert_int_equal(sk_ctx_init(&ctx, gcm, NULL, key, NULL), 0);

	/*
	 * Read as an SK body, the plaintext's last octet (0x39) is a pad
	 * length of 57: two payload octets remain.
	 */
	assert_int_equal(sk_open(&ctx, aad, sizeof(aad), body, n, plain, sizeof(plain), &plainlen),
			 0);
	assert_memory_equal(plain, p, 60);
	assert_int_equal(plainlen, 2);

	body[n - 1] ^= 0x80; /* tag */
	assert_int_equal(sk_open(&ctx, aad, sizeof(aad), body, n, plain, sizeof(plain), &plainlen),
			 -EBADMSG);
	body[n - 1] ^= 0x80;
	aad[0] ^= 1; /* associated data */
	assert_int_equal(sk_open(&ctx, aad, sizeof(aad), body, n, plain, sizeof(plain), &plainlen),
			 -EBADMSG);
	sk_ctx_wipe(&ctx);
}

/*
 * Test case 3 of the same paper (64-byte plaintext, no AAD) authenticates,
 * but its last octet 0x55 is a pad length longer than the plaintext: the
 * padding check must refuse it and leave nothing behind.
 */
static void test_gcm_bad_padding(void **state)
{
	const struct xform *gcm = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_16, 128);
	uint8_t key[20], body[8 + 64 + 16], plain[128], zero[128] = {0};
	size_t plainlen = 12345, n;
	struct sk_ctx ctx;

	hex_decode("feffe9928665731c6d6a8f9467308308 cafebabe", key, sizeof(key));
	n = hex_decode("facedbaddecaf888"
		       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
		       "4d5c2af327cd64a62cf35abd2ba6fab4",
		       body, sizeof(body));
	assert_int_equal(n, 8 + 64 + 16);
	assert_int_equal(sk_ctx_init(&ctx, gcm, NULL, key, NULL), 0);
	assert_int_equal(sk_open(&ctx, NULL, 0, body, n, plain, sizeof(plain), &plainlen),
			 -EBADMSG);
	assert_memory_equal(plain, zero, 64);
	assert_int_equal(plainlen, 12345);
	sk_ctx_wipe(&ctx);
}

struct suite {
	uint16_t encr, keybits, integ;
};

static const struct suite suites[] = {
    {IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128},
    {IKE_ENCR_AES_CBC, 192, IKE_AUTH_HMAC_SHA2_384_192},
    {IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256},
    {IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA1_96},
    {IKE_ENCR_3DES, 0, IKE_AUTH_HMAC_MD5_96},
    {IKE_ENCR_AES_GCM_16, 128, 0},
    {IKE_ENCR_AES_GCM_16, 256, 0},
    {IKE_ENCR_AES_GCM_12, 192, 0},
    {IKE_ENCR_AES_GCM_8, 256, 0},
    {IKE_ENCR_CHACHA20_POLY1305, 0, 0},
};

static void suite_ctx(const struct suite *s, struct sk_ctx *ctx)
{
	const struct xform *e = xform_lookup(XFORM_ENCR, s->encr, s->keybits);
	const struct xform *a = s->integ ? xform_lookup(XFORM_INTEG, s->integ, 0) : NULL;
	uint8_t ek[ENCR_MAX_KEY], ak[INTEG_MAX_KEY];

	assert_non_null(e);
	assert_int_equal(crypto_random_bytes(ek, sizeof(ek)), 0);
	assert_int_equal(crypto_random_bytes(ak, sizeof(ak)), 0);
	assert_int_equal(sk_ctx_init(ctx, e, a, ek, ak), 0);
}

/* Every suite: seal then open gives the plaintext back, for many lengths. */
static void test_sk_roundtrip(void **state)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		struct sk_ctx ctx;

		suite_ctx(&suites[i], &ctx);
		for (size_t len = 0; len < 70; len += 7) {
			uint8_t aad[32], plain[80], body[256], out[256];
			size_t blen, olen, ct;

			memset(aad, 0xa5, sizeof(aad));
			for (size_t j = 0; j < len; j++)
				plain[j] = (uint8_t)(j * 3 + i);
			assert_int_equal(sk_seal(&ctx, aad, sizeof(aad), NULL, plain, len, body,
						 sizeof(body), &blen),
					 0);
			assert_int_equal(blen, sk_sealed_len(&ctx, len));
			ct = blen - ctx.encr->ivlen -
			     (ctx.integ ? ctx.integ->icvlen : ctx.encr->icvlen);
			assert_int_equal(ct % ctx.encr->blocklen, 0);
			assert_int_equal(
			    sk_open(&ctx, aad, sizeof(aad), body, blen, out, sizeof(out), &olen),
			    0);
			assert_int_equal(olen, len);
			if (len)
				assert_memory_equal(out, plain, len);
		}
		sk_ctx_wipe(&ctx);
	}
}

/* Any flipped bit anywhere (AAD, IV, ciphertext, ICV) gives -EBADMSG. */
static void test_sk_tamper(void **state)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		uint8_t aad[28], plain[40], body[256], out[256];
		size_t blen, olen;
		struct sk_ctx ctx;

		suite_ctx(&suites[i], &ctx);
		memset(aad, 0x5a, sizeof(aad));
		memset(plain, 0x33, sizeof(plain));
		assert_int_equal(sk_seal(&ctx, aad, sizeof(aad), NULL, plain, sizeof(plain), body,
					 sizeof(body), &blen),
				 0);
		for (size_t bit = 0; bit < blen * 8; bit += 5) {
			body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(
			    sk_open(&ctx, aad, sizeof(aad), body, blen, out, sizeof(out), &olen),
			    -EBADMSG);
			body[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		for (size_t byte = 0; byte < sizeof(aad); byte++) {
			aad[byte] ^= 0x10;
			assert_int_equal(
			    sk_open(&ctx, aad, sizeof(aad), body, blen, out, sizeof(out), &olen),
			    -EBADMSG);
			aad[byte] ^= 0x10;
		}
		/* truncated bodies */
		for (size_t cut = 1; cut < blen; cut += 3)
			assert_int_equal(sk_open(&ctx, aad, sizeof(aad), body, blen - cut, out,
						 sizeof(out), &olen),
					 -EBADMSG);
		/* untouched still opens */
		assert_int_equal(
		    sk_open(&ctx, aad, sizeof(aad), body, blen, out, sizeof(out), &olen), 0);
		sk_ctx_wipe(&ctx);
	}
}

/*
 * CBC: a body with a valid ICV whose pad length octet is longer than the
 * plaintext is refused. The test holds the keys, so it builds that body
 * itself with OpenSSL: IV | AES-CBC(16 octets ending in 200) | HMAC.
 */
static void test_cbc_bad_padding(void **state)
{
	const struct xform *e = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 128);
	const struct xform *a = xform_lookup(XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0);
	uint8_t ek[16] = {1}, ak[32] = {2}, aad[8] = {3}, blk[16] = {0};
	uint8_t body[16 + 16 + 16], out[64], full[64];
	struct cbuf in[2] = {{aad, sizeof(aad)}, {body, 32}};
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	struct sk_ctx ctx;
	size_t olen;
	int l;

	memset(body, 0x44, 16); /* IV */
	blk[15] = 200;
	assert_non_null(c);
	assert_true(EVP_EncryptInit_ex2(c, EVP_aes_128_cbc(), ek, body, NULL));
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_true(EVP_EncryptUpdate(c, body + 16, &l, blk, 16));
	assert_int_equal(l, 16);
	EVP_CIPHER_CTX_free(c);
	assert_int_equal(prf_compute(a, ak, sizeof(ak), in, 2, full), 0);
	memcpy(body + 32, full, 16);

	assert_int_equal(sk_ctx_init(&ctx, e, a, ek, ak), 0);
	assert_int_equal(
	    sk_open(&ctx, aad, sizeof(aad), body, sizeof(body), out, sizeof(out), &olen), -EBADMSG);
	/* the same with pad length 15 is fine: zero payload octets */
	blk[15] = 15;
	c = EVP_CIPHER_CTX_new();
	assert_true(EVP_EncryptInit_ex2(c, EVP_aes_128_cbc(), ek, body, NULL));
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_true(EVP_EncryptUpdate(c, body + 16, &l, blk, 16));
	EVP_CIPHER_CTX_free(c);
	assert_int_equal(prf_compute(a, ak, sizeof(ak), in, 2, full), 0);
	memcpy(body + 32, full, 16);
	assert_int_equal(
	    sk_open(&ctx, aad, sizeof(aad), body, sizeof(body), out, sizeof(out), &olen), 0);
	assert_int_equal(olen, 0);
	/* a body that is not a whole number of blocks */
	assert_int_equal(
	    sk_open(&ctx, aad, sizeof(aad), body, sizeof(body) - 1, out, sizeof(out), &olen),
	    -EBADMSG);
	sk_ctx_wipe(&ctx);

	assert_int_equal(
	    sk_ctx_init(&ctx, xform_lookup(XFORM_ENCR, IKE_ENCR_NULL, 0), NULL, ek, NULL),
	    -ENOTSUP);
	assert_int_equal(sk_ctx_init(&ctx, e, NULL, ek, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chacha_rfc7634),  cmocka_unit_test(test_gcm_mcgrew_viega),
	    cmocka_unit_test(test_gcm_bad_padding), cmocka_unit_test(test_sk_roundtrip),
	    cmocka_unit_test(test_sk_tamper),	    cmocka_unit_test(test_cbc_bad_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
