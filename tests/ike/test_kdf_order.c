/* SPDX-License-Identifier: ISC */
/*
 * The IKE SA keys the engine derives, recomputed here from the wire and
 * known DH private values (RFC 7296 §2.14, §2.18): dh_keygen() is wrapped
 * (-Wl,--wrap) to hand out fixed X25519 keys, so g^ir is known to the test,
 * and SKEYSEED and prf+ are computed with OpenSSL one-shot HMAC calls,
 * independently of engine/crypto/prf.c. Both ends agreeing cannot catch a
 * nonce or SPI order both get wrong; this can.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fakenet.h"
#include "ike_sa.h"

int __real_dh_keygen(uint16_t group, struct dh_key **out);
int __wrap_dh_keygen(uint16_t group, struct dh_key **out);

static uint8_t priv[8][32];
static unsigned nkeys;

/* The n-th key pair the engines ask for has private value priv[n]. */
int __wrap_dh_keygen(uint16_t group, struct dh_key **out)
{
	if (group != IKE_DH_CURVE25519 || nkeys == 8)
		return __real_dh_keygen(group, out);
	return dh_key_import_private(group, priv[nkeys++], 32, out);
}

static struct fn_side A, B;
static struct ike_peer_conf CA, CB;

static void conf(struct ike_peer_conf *c, const char *name, const char *l, const char *r)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	fn_addr(&c->local, l, 500);
	fn_addr(&c->remote, r, 500);
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_CBC},
					   .encr_bits = {128},
					   .n_encr = 1,
					   .integ = {IKE_AUTH_HMAC_SHA2_256_128},
					   .n_integ = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_CURVE25519},
					   .n_dh = 1};
	c->child =
	    (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16}, .encr_bits = {128}, .n_encr = 1};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, "kdf-order-test-psk", 18);
	c->psk_len = 18;
}

static void hmac256(const uint8_t *key, size_t keylen, const uint8_t *d, size_t dlen,
		    uint8_t out[32])
{
	unsigned int n = 0;

	assert_non_null(HMAC(EVP_sha256(), key, (int)keylen, d, dlen, out, &n));
	assert_int_equal(n, 32);
}

static void prfplus(const uint8_t *key, size_t keylen, const uint8_t *seed, size_t seedlen,
		    uint8_t *out, size_t outlen)
{
	uint8_t t[32], in[32 + 700 + 1];
	size_t tlen = 0, done = 0;

	for (uint8_t i = 1; done < outlen; i++) {
		size_t inlen = tlen, k;

		memcpy(in, t, tlen);
		memcpy(in + inlen, seed, seedlen);
		inlen += seedlen;
		in[inlen++] = i;
		hmac256(key, keylen, in, inlen, t);
		tlen = 32;
		k = outlen - done < tlen ? outlen - done : tlen;
		memcpy(out + done, t, k);
		done += k;
	}
}

/* g^ir from two of the fixed private values. */
static void shared(unsigned i, unsigned r, uint8_t out[32])
{
	struct dh_key *x, *y;
	uint8_t pub[32];
	size_t publen;

	assert_int_equal(dh_key_import_private(IKE_DH_CURVE25519, priv[i], 32, &x), 0);
	assert_int_equal(dh_key_import_private(IKE_DH_CURVE25519, priv[r], 32, &y), 0);
	assert_int_equal(dh_public_encode(y, pub, sizeof(pub), &publen), 0);
	assert_int_equal(dh_shared_derive(x, pub, publen, out, 32), 0);
	dh_key_free(x);
	dh_key_free(y);
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} from SKEYSEED, compared. */
static void check_keys(const struct ike_sa *sa, const uint8_t skeyseed[32])
{
	uint8_t seed[2 * IKE_NONCE_MAX + 16], km[32 + 32 + 32 + 16 + 16 + 32 + 32];
	size_t n = 0;

	memcpy(seed, sa->ni, sa->ni_len);
	n += sa->ni_len;
	memcpy(seed + n, sa->nr, sa->nr_len);
	n += sa->nr_len;
	memcpy(seed + n, sa->spi_i, 8);
	memcpy(seed + n + 8, sa->spi_r, 8);
	prfplus(skeyseed, 32, seed, n + 16, km, sizeof(km));
	assert_memory_equal(sa->keys.sk_d, km, 32);
	assert_memory_equal(sa->keys.sk_ai, km + 32, 32);
	assert_memory_equal(sa->keys.sk_ar, km + 64, 32);
	assert_memory_equal(sa->keys.sk_ei, km + 96, 16);
	assert_memory_equal(sa->keys.sk_er, km + 112, 16);
	assert_memory_equal(sa->keys.sk_pi, km + 128, 32);
	assert_memory_equal(sa->keys.sk_pr, km + 160, 32);
}

static struct ike_sa *current(struct fn_side *s)
{
	struct ike_sa *sa = s->e->tunnels->sa;

	assert_non_null(sa);
	assert_int_equal(sa->state, IKE_SA_ESTABLISHED);
	return sa;
}

static void test_ike_sa_keys(void **state)
{
	uint8_t gir[32], ninr[2 * IKE_NONCE_MAX], skeyseed[32], old_skd[32];
	struct ike_sa *sa;

	for (unsigned i = 0; i < 8; i++)
		for (unsigned j = 0; j < 32; j++)
			priv[i][j] = (uint8_t)(0x11 * (i + 1) + j);
	nkeys = 0;
	fn_side_init(&A, "a", "192.0.2.1", NULL);
	fn_side_init(&B, "b", "192.0.2.2", NULL);
	fn_reset(&A, &B);
	conf(&CA, "to-b", "192.0.2.1", "192.0.2.2");
	conf(&CB, "to-a", "192.0.2.2", "192.0.2.1");
	assert_int_equal(ike_conf_set(A.e, &CA), 0);
	assert_int_equal(ike_conf_set(B.e, &CB), 0);
	assert_int_equal(ike_initiate(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(A.state, IKE_TUN_UP);
	assert_int_equal(nkeys, 2); /* a's key is priv[0], b's priv[1] */

	/* SKEYSEED = prf(Ni | Nr, g^ir) */
	sa = current(&A);
	shared(0, 1, gir);
	memcpy(ninr, sa->ni, sa->ni_len);
	memcpy(ninr + sa->ni_len, sa->nr, sa->nr_len);
	hmac256(ninr, sa->ni_len + sa->nr_len, gir, 32, skeyseed);
	check_keys(sa, skeyseed);
	check_keys(current(&B), skeyseed);
	memcpy(old_skd, sa->keys.sk_d, 32);

	/* IKE rekey: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
	assert_int_equal(ike_rekey_ike(A.e, "to-b"), 0);
	fn_run();
	assert_int_equal(ike_engine_stats(A.e)->ike_rekeyed, 1);
	assert_int_equal(nkeys, 4); /* a's new key priv[2], b's priv[3] */
	sa = current(&A);
	shared(2, 3, gir);
	{
		uint8_t d[32 + 2 * IKE_NONCE_MAX];

		memcpy(d, gir, 32);
		memcpy(d + 32, sa->ni, sa->ni_len);
		memcpy(d + 32 + sa->ni_len, sa->nr, sa->nr_len);
		hmac256(old_skd, 32, d, 32 + sa->ni_len + sa->nr_len, skeyseed);
	}
	check_keys(sa, skeyseed);
	check_keys(current(&B), skeyseed);

	fn_reset(&A, &B);
	fn_side_free(&A);
	fn_side_free(&B);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ike_sa_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
