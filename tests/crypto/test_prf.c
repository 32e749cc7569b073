/* SPDX-License-Identifier: ISC */
/* HMAC, truncated ICVs, prf+ and the IKEv2 key derivation chain. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "crypto.h"
#include "hex.h"

struct hmac_case {
	uint16_t prf_id;
	const char *key;  /* hex */
	const char *data; /* hex */
	const char *mac;  /* hex */
};

/* RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6). */
static const struct hmac_case rfc4231[] = {
    {IKE_PRF_HMAC_SHA2_256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {IKE_PRF_HMAC_SHA2_384, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6"},
    {IKE_PRF_HMAC_SHA2_512, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {IKE_PRF_HMAC_SHA2_256, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {IKE_PRF_HMAC_SHA2_384, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
     "8e2240ca5e69e2c78b3239ecfab21649"},
    {IKE_PRF_HMAC_SHA2_512, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
    /* test case 6: a 131-byte key, longer than the hash block */
    {IKE_PRF_HMAC_SHA2_256,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
     "65204b6579202d2048617368204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
};

static void test_hmac_rfc4231(void **state)
{
	for (size_t i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
		const struct hmac_case *c = &rfc4231[i];
		const struct xform *prf = xform_lookup(XFORM_PRF, c->prf_id, 0);
		uint8_t key[160], data[64], exp[64], out[64];
		size_t kl = hex_decode(c->key, key, sizeof(key));
		size_t dl = hex_decode(c->data, data, sizeof(data));
		size_t el = hex_decode(c->mac, exp, sizeof(exp));
		struct cbuf in = {data, dl};

		assert_non_null(prf);
		assert_int_equal(prf->outlen, el);
		assert_int_equal(prf_compute(prf, key, kl, &in, 1, out), 0);
		assert_memory_equal(out, exp, el);
	}
}

/*
 * RFC 4868 §2.7.2.1-2.7.2.3, test case 1 of AUTH256/384/512: the key is as
 * long as the ICV transform's key, and the ICV is the leading half of the
 * HMAC. (The RFC's errata fix a misprinted AUTH512 key in a later case,
 * which is not used here.)
 */
static void test_integ_rfc4868(void **state)
{
	static const struct {
		uint16_t id;
		size_t keylen;
		const char *icv;
	} cases[] = {
	    {IKE_AUTH_HMAC_SHA2_256_128, 32, "198a607eb44bfbc69903a0f1cf2bbdc5"},
	    {IKE_AUTH_HMAC_SHA2_384_192, 48, "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"},
	    {IKE_AUTH_HMAC_SHA2_512_256, 64,
	     "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xform *x = xform_lookup(XFORM_INTEG, cases[i].id, 0);
		uint8_t key[64], exp[32], out[64];
		struct cbuf in = {(const uint8_t *)"Hi There", 8};
		size_t el = hex_decode(cases[i].icv, exp, sizeof(exp));

		assert_non_null(x);
		assert_int_equal(x->keylen, cases[i].keylen);
		assert_int_equal(x->icvlen, el);
		memset(key, 0x0b, sizeof(key));
		assert_int_equal(prf_compute(x, key, x->keylen, &in, 1, out), 0);
		assert_memory_equal(out, exp, el);
	}
}

/*
 * KDF chain, split into the seven IKE SA keys. The expected values come from
 * tests/crypto/kdf_vectors.py, an independent implementation with Python's
 * hmac module written from RFC 7296 §2.13-2.18; inputs below must match that
 * script. The published NIST SP 800-135 IKEv2 vectors are in test_kdf_nist.c.
 */
struct kdf_inputs {
	uint8_t ni[32], nr[32], gir[32], gir_new[32], spii[8], spir[8];
};

static void kdf_inputs_fill(struct kdf_inputs *in)
{
	for (int i = 0; i < 32; i++) {
		in->ni[i] = (uint8_t)i;
		in->nr[i] = (uint8_t)(0x80 + i);
		in->gir[i] = (uint8_t)(i * 7 + 3);
		in->gir_new[i] = (uint8_t)(i * 11 + 5);
	}
	hex_decode("0102030405060708", in->spii, 8);
	hex_decode("a1a2a3a4a5a6a7a8", in->spir, 8);
}

struct kdf_expect {
	uint16_t prf_id;
	const char *skeyseed, *km, *child, *child_dh, *rekey;
};

static const struct kdf_expect kdf_expect[] = {
    {IKE_PRF_HMAC_SHA2_256, "d843cd15196090a67c430351e2b0ed26bf2267c115e0d851a7f6edd94ffcd3a9",
     "1c4130ca023f94cecbf4fe9c8c7cc0003986d191ff05765d4eb101ea8452a927"
     "f4153011c44ca457b5b32757eaada45f26bee921cb8e099f80aa9ab18f2ed332"
     "46ade2e49d6e61cd93630d7a6484aae325d337c81e2ea4a90375c61391a7a788"
     "44b8598a6e0e892e9835a17e4f67ceef6a62a7fc4bfef7860a3fa3b9cfe9dcfd"
     "4b858f9dbc072b3348265a8050a67beb7ed26c355b7630d0b6946687e1768815"
     "eeef8d464dbb468d8ba9d5310d4c7422f9a06140059a71d444861cf6e02d634b",
     "c924794605fb1e965098e5ce7beedd5bec64004ee1ac05e0a2525f9d6f0286ef"
     "5151d8501f65bf97bbde71bbf00c60ffe5e328dd77b0651de1f9d399ae510738",
     "e8af252573541871acd779c5a0aa63e91629ccd2df9be7b304e83feebf26b659"
     "43d39ad5854a356f86e9bf3769057d361bfa536ae56a47b7d852fc71052477ca",
     "1f9913c738b4ba429839ecffca38f20a3a6d3a3e832bf12f428ab68bc06fc85e"},
    {IKE_PRF_HMAC_SHA1, "d12ae851d76eb2f829a91a11fd858b1191ee7edc",
     "f0faf713b08d0a42a4315cc7e1a03f68c073753629535db766ab740cf326cb21"
     "88b189320d5a2faccf4e7f55f9c34551cae0de412b3482a42be14cfff0abfcef"
     "0bba8f932141a5c9d2ff05d0826ae58caa163c73f513b1c84b134fdadeffc838"
     "e45d3445fbb6bb7b5fa965b8565478438a686942a598905eeadc427c86541bc0"
     "3877f096ca4a7b581e30c00b19a8c580993445a800fd50d39bbc0f87",
     "66837a643ce73f147ba1d9bc58fd0b45ece0d4fc6d05ce15e24842334eaf1072"
     "c05194a2654fd07e60e566a85c90f7a15064b02cb6b885572d7d6fcce6ec78cf",
     "5e8bf92e808f83ea5793a00a95ea8bded51a9490a14dcc3ac4e0a528831fadb3"
     "78ed877d0e69e830670697ffde54f63a5edcf9e1f10c0bbe4a60c5bf5c29b7df",
     "855903a4c119df6d0dfbeea317313fbb6a226063"},
};

static void test_kdf_chain(void **state)
{
	const struct xform *encr = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 128);
	const struct xform *integ = xform_lookup(XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0);
	struct kdf_inputs in;

	kdf_inputs_fill(&in);
	for (size_t i = 0; i < sizeof(kdf_expect) / sizeof(kdf_expect[0]); i++) {
		const struct kdf_expect *e = &kdf_expect[i];
		const struct xform *prf = xform_lookup(XFORM_PRF, e->prf_id, 0);
		struct cbuf ni = {in.ni, 32}, nr = {in.nr, 32}, gir = {in.gir, 32};
		struct cbuf girn = {in.gir_new, 32};
		uint8_t exp[512], seed[64], out[64], km[512];
		struct ike_sa_keys keys;
		struct cbuf skd;
		size_t n, off = 0;

		assert_int_equal(kdf_skeyseed(prf, &ni, &nr, &gir, seed), 0);
		n = hex_decode(e->skeyseed, exp, sizeof(exp));
		assert_int_equal(n, prf->outlen);
		assert_memory_equal(seed, exp, n);

		assert_int_equal(
		    kdf_ike_sa_keys(prf, encr, integ, seed, &ni, &nr, in.spii, in.spir, &keys), 0);
		assert_int_equal(keys.prf_len, prf->outlen);
		assert_int_equal(keys.integ_len, 32);
		assert_int_equal(keys.encr_len, 16);
		n = hex_decode(e->km, km, sizeof(km));
		assert_int_equal(n, 3 * keys.prf_len + 2 * 32 + 2 * 16);
		assert_memory_equal(keys.sk_d, km + off, keys.prf_len), off += keys.prf_len;
		assert_memory_equal(keys.sk_ai, km + off, 32), off += 32;
		assert_memory_equal(keys.sk_ar, km + off, 32), off += 32;
		assert_memory_equal(keys.sk_ei, km + off, 16), off += 16;
		assert_memory_equal(keys.sk_er, km + off, 16), off += 16;
		assert_memory_equal(keys.sk_pi, km + off, keys.prf_len), off += keys.prf_len;
		assert_memory_equal(keys.sk_pr, km + off, keys.prf_len);

		skd = (struct cbuf){keys.sk_d, keys.prf_len};
		assert_int_equal(kdf_child_keymat(prf, &skd, NULL, &ni, &nr, km, 64), 0);
		n = hex_decode(e->child, exp, sizeof(exp));
		assert_memory_equal(km, exp, n);
		assert_int_equal(kdf_child_keymat(prf, &skd, &girn, &ni, &nr, km, 64), 0);
		n = hex_decode(e->child_dh, exp, sizeof(exp));
		assert_memory_equal(km, exp, n);
		assert_int_equal(kdf_skeyseed_rekey(prf, &skd, &girn, &ni, &nr, out), 0);
		n = hex_decode(e->rekey, exp, sizeof(exp));
		assert_memory_equal(out, exp, n);

		kdf_ike_sa_keys_wipe(&keys);
		assert_int_equal(keys.prf_len, 0);
	}
}

/* The AEAD layout has no SK_ai/SK_ar, and SK_e* carries the 4-byte salt. */
static void test_kdf_aead_layout(void **state)
{
	const struct xform *prf = xform_lookup(XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	const struct xform *gcm = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	const struct xform *integ = xform_lookup(XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0);
	struct kdf_inputs in;
	struct ike_sa_keys keys;
	uint8_t seed[32] = {1}, km[3 * 32 + 2 * 36];
	struct cbuf ni, nr, s[4];

	kdf_inputs_fill(&in);
	ni = (struct cbuf){in.ni, 32};
	nr = (struct cbuf){in.nr, 32};
	assert_int_equal(kdf_ike_sa_keys(prf, gcm, integ, seed, &ni, &nr, in.spii, in.spir, &keys),
			 -EINVAL);
	assert_int_equal(kdf_ike_sa_keys(prf, gcm, NULL, seed, &ni, &nr, in.spii, in.spir, &keys),
			 0);
	assert_int_equal(keys.integ_len, 0);
	assert_int_equal(keys.encr_len, 36);
	s[0] = ni, s[1] = nr, s[2] = (struct cbuf){in.spii, 8}, s[3] = (struct cbuf){in.spir, 8};
	assert_int_equal(prf_plus(prf, seed, 32, s, 4, km, sizeof(km)), 0);
	assert_memory_equal(keys.sk_ei, km + 32, 36);
	assert_memory_equal(keys.sk_er, km + 68, 36);
	assert_memory_equal(keys.sk_pr, km + 136, 32);
}

/* prf+ stops at 255 blocks (§2.13). */
static void test_prf_plus_limit(void **state)
{
	const struct xform *prf = xform_lookup(XFORM_PRF, IKE_PRF_HMAC_SHA1, 0);
	static uint8_t out[256 * 20];
	struct cbuf s = {(const uint8_t *)"x", 1};

	assert_int_equal(prf_plus(prf, (const uint8_t *)"k", 1, &s, 1, out, 255 * 20), 0);
	assert_int_equal(prf_plus(prf, (const uint8_t *)"k", 1, &s, 1, out, 255 * 20 + 1), -EINVAL);
}

/* PSK AUTH (§2.15); expected value from kdf_vectors.py. */
static void test_psk_auth(void **state)
{
	const struct xform *prf = xform_lookup(XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	static const char psk_s[] = "correct horse battery staple";
	uint8_t msg[100], nr[32], skpi[32], exp[32], out[32];
	uint8_t id[] = {1, 0, 0, 0, 192, 0, 2, 1};
	struct cbuf psk = {(const uint8_t *)psk_s, sizeof(psk_s) - 1};
	struct cbuf m = {msg, sizeof(msg)}, n = {nr, 32}, k = {skpi, 32}, i = {id, 8};

	for (int j = 0; j < 100; j++)
		msg[j] = (uint8_t)(j * 13);
	for (int j = 0; j < 32; j++) {
		nr[j] = (uint8_t)(0x80 + j);
		skpi[j] = (uint8_t)(0x40 + j);
	}
	hex_decode("8f79f9aa7911fd36a08bd84549132d76604eda6587952df54aff7272590c8bcb", exp, 32);
	assert_int_equal(kdf_psk_auth(prf, &psk, &m, &n, &k, &i, out), 0);
	assert_memory_equal(out, exp, 32);
	/* a different ID must change the AUTH value */
	id[7] = 2;
	assert_int_equal(kdf_psk_auth(prf, &psk, &m, &n, &k, &i, out), 0);
	assert_memory_not_equal(out, exp, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_rfc4231),   cmocka_unit_test(test_integ_rfc4868),
	    cmocka_unit_test(test_kdf_chain),	   cmocka_unit_test(test_kdf_aead_layout),
	    cmocka_unit_test(test_prf_plus_limit), cmocka_unit_test(test_psk_auth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
