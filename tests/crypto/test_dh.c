/* SPDX-License-Identifier: ISC */
/* Diffie-Hellman: known answers, cross-checks and RFC 6989 peer checks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "crypto.h"
#include "hex.h"

struct ecp_case {
	uint16_t group;
	const char *i, *gix, *giy, *r, *grx, *gry, *girx;
};

/* RFC 5903 §8.1, §8.2 and §8.3. */
static const struct ecp_case rfc5903[] = {
    {IKE_DH_ECP256, "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
     "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
     "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
     "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
     "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
     "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
     "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE"},
    {IKE_DH_ECP384,
     "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
     "E35B5380 41E649EE 3FAEF896 783AB194",
     "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
     "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
     "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
     "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
     "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
     "E0308312 916B8ED2 960E4BD5 5A7448FC",
     "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
     "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
     "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
     "F83FA401 42209DFF 5EAAD96D B9E6386C",
     "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
     "D6031355 69B9E9D0 9CF5D4A2 70F59746"},
    {IKE_DH_ECP521,
     "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
     "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D"
     "4A52",
     "0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
     "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C"
     "ED3E",
     "017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A"
     "D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F"
     "9582",
     "0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E"
     "9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168"
     "5EB9",
     "00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
     "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9"
     "460F",
     "015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87"
     "220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F"
     "C56A",
     "01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04"
     "D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3"
     "DDEA"},
};

static void test_ecp_rfc5903(void **state)
{
	for (size_t c = 0; c < sizeof(rfc5903) / sizeof(rfc5903[0]); c++) {
		const struct ecp_case *v = &rfc5903[c];
		const struct xform *g = xform_lookup(XFORM_DH, v->group, 0);
		uint8_t i[66], r[66], gi[132], gr[132], gir[66], pub[132], secret[66];
		size_t il, rl, half, publen;
		struct dh_key *ki, *kr;

		il = hex_decode(v->i, i, sizeof(i));
		rl = hex_decode(v->r, r, sizeof(r));
		half = hex_decode(v->gix, gi, sizeof(gi));
		assert_int_equal(half, g->outlen);
		hex_decode(v->giy, gi + half, half);
		hex_decode(v->grx, gr, half);
		hex_decode(v->gry, gr + half, half);
		assert_int_equal(hex_decode(v->girx, gir, sizeof(gir)), g->outlen);

		assert_int_equal(dh_key_import_private(v->group, i, il, &ki), 0);
		assert_int_equal(dh_key_import_private(v->group, r, rl, &kr), 0);
		/* The KE payload carries x | y without the 0x04 octet. */
		assert_int_equal(dh_public_encode(ki, pub, sizeof(pub), &publen), 0);
		assert_int_equal(publen, 2 * half);
		assert_memory_equal(pub, gi, publen);
		assert_int_equal(dh_public_encode(kr, pub, sizeof(pub), &publen), 0);
		assert_memory_equal(pub, gr, publen);
		/* g^ir is the x coordinate only, from both sides */
		assert_int_equal(dh_shared_derive(ki, gr, 2 * half, secret, g->outlen), 0);
		assert_memory_equal(secret, gir, g->outlen);
		assert_int_equal(dh_shared_derive(kr, gi, 2 * half, secret, g->outlen), 0);
		assert_memory_equal(secret, gir, g->outlen);
		dh_key_free(ki);
		dh_key_free(kr);
	}
}

/* Points off the curve, and wrong lengths, are refused (RFC 6989 §2.3). */
static void test_ecp_invalid_peer(void **state)
{
	struct dh_key *a, *b;
	uint8_t pub[64], secret[32];
	size_t len;

	assert_int_equal(dh_keygen(IKE_DH_ECP256, &a), 0);
	assert_int_equal(dh_keygen(IKE_DH_ECP256, &b), 0);
	assert_int_equal(dh_public_encode(b, pub, sizeof(pub), &len), 0);
	assert_int_equal(dh_shared_derive(a, pub, len, secret, sizeof(secret)), 0);
	pub[63] ^= 0x01; /* y no longer matches x */
	assert_int_equal(dh_shared_derive(a, pub, len, secret, sizeof(secret)), -EINVAL);
	memset(pub, 0, sizeof(pub)); /* (0, 0) is not on P-256 */
	assert_int_equal(dh_shared_derive(a, pub, len, secret, sizeof(secret)), -EINVAL);
	assert_int_equal(dh_shared_derive(a, pub, 63, secret, sizeof(secret)), -EINVAL);
	/* x | y with x = y = p is out of range */
	memset(pub, 0xff, sizeof(pub));
	assert_int_equal(dh_shared_derive(a, pub, len, secret, sizeof(secret)), -EINVAL);
	dh_key_free(a);
	dh_key_free(b);
}

/* RFC 7748 §6.1 (the same exchange as RFC 8031 Appendix A). */
static void test_x25519_rfc7748(void **state)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k[32], out[32], secret[32];
	struct dh_key *ka, *kb;
	size_t len;

	hex_decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	hex_decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", apub, 32);
	hex_decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	hex_decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bpub, 32);
	hex_decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", k, 32);

	assert_int_equal(dh_key_import_private(IKE_DH_CURVE25519, a, 32, &ka), 0);
	assert_int_equal(dh_key_import_private(IKE_DH_CURVE25519, b, 32, &kb), 0);
	assert_int_equal(dh_public_encode(ka, out, sizeof(out), &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(out, apub, 32);
	assert_int_equal(dh_public_encode(kb, out, sizeof(out), &len), 0);
	assert_memory_equal(out, bpub, 32);
	assert_int_equal(dh_shared_derive(ka, bpub, 32, secret, 32), 0);
	assert_memory_equal(secret, k, 32);
	assert_int_equal(dh_shared_derive(kb, apub, 32, secret, 32), 0);
	assert_memory_equal(secret, k, 32);

	/* RFC 8031 §2.3: low-order points give an all-zero result; refuse them. */
	memset(out, 0, 32);
	assert_int_equal(dh_shared_derive(ka, out, 32, secret, 32), -EINVAL);
	out[0] = 1;
	assert_int_equal(dh_shared_derive(ka, out, 32, secret, 32), -EINVAL);
	assert_int_equal(dh_shared_derive(ka, bpub, 31, secret, 32), -EINVAL);
	dh_key_free(ka);
	dh_key_free(kb);
}

/*
 * MODP has no published IKE vectors: fixed private values on both sides,
 * and g^(ab) mod p computed separately with BN_mod_exp as the expected value.
 */
static void test_modp_fixed(void **state)
{
	static const uint16_t groups[] = {IKE_DH_MODP1024, IKE_DH_MODP2048};

	for (size_t gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++) {
		const struct xform *g = xform_lookup(XFORM_DH, groups[gi], 0);
		uint8_t a[32], b[32], apub[512], bpub[512], secret[512], exp[512];
		BIGNUM *p = groups[gi] == IKE_DH_MODP1024 ? BN_get_rfc2409_prime_1024(NULL)
							  : BN_get_rfc3526_prime_2048(NULL);
		BIGNUM *two = BN_new(), *ab = BN_new(), *ba = NULL, *bb = NULL, *k = BN_new();
		BN_CTX *bnctx = BN_CTX_new();
		struct dh_key *ka, *kb;
		size_t alen, blen;

		for (int i = 0; i < 32; i++) {
			a[i] = (uint8_t)(0x11 * (i + 1));
			b[i] = (uint8_t)(0x35 + 3 * i);
		}
		assert_int_equal(dh_key_import_private(g->id, a, 32, &ka), 0);
		assert_int_equal(dh_key_import_private(g->id, b, 32, &kb), 0);
		assert_int_equal(dh_public_encode(ka, apub, sizeof(apub), &alen), 0);
		assert_int_equal(dh_public_encode(kb, bpub, sizeof(bpub), &blen), 0);
		assert_int_equal(alen, g->publen);
		assert_int_equal(dh_shared_derive(ka, bpub, blen, secret, g->outlen), 0);

		ba = BN_bin2bn(a, 32, NULL);
		bb = BN_bin2bn(b, 32, NULL);
		assert_true(BN_set_word(two, 2));
		assert_true(BN_mul(ab, ba, bb, bnctx));
		assert_true(BN_mod_exp(k, two, ab, p, bnctx));
		assert_int_equal(BN_bn2binpad(k, exp, g->outlen), g->outlen);
		assert_memory_equal(secret, exp, g->outlen);

		assert_int_equal(dh_shared_derive(kb, apub, alen, secret, g->outlen), 0);
		assert_memory_equal(secret, exp, g->outlen);

		BN_free(p), BN_free(two), BN_free(ab), BN_free(ba), BN_free(bb), BN_free(k);
		BN_CTX_free(bnctx);
		dh_key_free(ka);
		dh_key_free(kb);
	}
}

/* Random keys on both sides agree, for every group in the table. */
static void test_dh_all_groups_agree(void **state)
{
	size_t n;
	const struct xform *t = xform_table(&n);

	for (size_t i = 0; i < n; i++) {
		uint8_t pa[512], pb[512], sa[512], sb[512];
		struct dh_key *a, *b;
		size_t la, lb;

		if (t[i].type != XFORM_DH)
			continue;
		assert_int_equal(dh_keygen(t[i].id, &a), 0);
		assert_int_equal(dh_keygen(t[i].id, &b), 0);
		assert_int_equal(dh_key_group(a), t[i].id);
		assert_int_equal(dh_public_encode(a, pa, sizeof(pa), &la), 0);
		assert_int_equal(dh_public_encode(b, pb, sizeof(pb), &lb), 0);
		assert_int_equal(la, t[i].publen);
		assert_int_equal(dh_shared_derive(a, pb, lb, sa, t[i].outlen), 0);
		assert_int_equal(dh_shared_derive(b, pa, la, sb, t[i].outlen), 0);
		assert_memory_equal(sa, sb, t[i].outlen);
		assert_memory_not_equal(pa, pb, la);
		dh_key_free(a);
		dh_key_free(b);
	}
	assert_int_equal(dh_keygen(99, NULL), -ENOTSUP);
}

/* RFC 6989 §2.1: y = 0, 1, p-1 and p are refused, as are wrong lengths. */
static void test_modp_invalid_peer(void **state)
{
	static const uint16_t groups[] = {IKE_DH_MODP1024, IKE_DH_MODP2048};

	for (size_t gi = 0; gi < 2; gi++) {
		const struct xform *g = xform_lookup(XFORM_DH, groups[gi], 0);
		BIGNUM *p = groups[gi] == IKE_DH_MODP1024 ? BN_get_rfc2409_prime_1024(NULL)
							  : BN_get_rfc3526_prime_2048(NULL);
		uint8_t y[256], secret[256];
		struct dh_key *k;

		assert_int_equal(dh_keygen(g->id, &k), 0);
		memset(y, 0, sizeof(y));
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), -EINVAL);
		y[g->publen - 1] = 1;
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), -EINVAL);
		y[g->publen - 1] = 2; /* the generator itself is a valid value */
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), 0);
		assert_int_equal(BN_bn2binpad(p, y, g->publen), g->publen);
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), -EINVAL);
		y[g->publen - 1] -= 1; /* p - 1: p is odd, no borrow */
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), -EINVAL);
		y[g->publen - 1] -= 1; /* p - 2 is in range */
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), 0);
		memset(y, 0xff, sizeof(y)); /* above p */
		assert_int_equal(dh_shared_derive(k, y, g->publen, secret, g->outlen), -EINVAL);
		assert_int_equal(dh_shared_derive(k, y, g->publen - 1, secret, g->outlen), -EINVAL);
		BN_free(p);
		dh_key_free(k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ecp_rfc5903),		cmocka_unit_test(test_ecp_invalid_peer),
	    cmocka_unit_test(test_x25519_rfc7748),	cmocka_unit_test(test_modp_fixed),
	    cmocka_unit_test(test_dh_all_groups_agree), cmocka_unit_test(test_modp_invalid_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
