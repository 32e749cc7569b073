// SPDX-License-Identifier: ISC
/*
 * ike_crypto_cost: the cryptographic work one IKE SA with one CHILD_SA costs
 * both ends together, for aes256gcm16-prfsha256-x25519 with a pre-shared key,
 * done with OpenSSL in a loop on one core: the ceiling for IKE SAs per second
 * that no implementation can pass on this machine.
 *
 * Per IKE SA (RFC 7296): two X25519 key pairs and two shared secrets;
 * SKEYSEED and prf+ for SK_d, SK_ei/er (32 + 4 bytes salt), SK_pi/pr at
 * each end; the PSK AUTH of each end computed by both (2.15); IKE_AUTH
 * request and response sealed and opened with AES-256-GCM; the CHILD_SA
 * KEYMAT (two AES-256-GCM keys with salt) at each end; 32-byte nonces.
 * Not counted: parsing, messages, the kernel.
 *
 * usage: ike_crypto_cost [SECONDS]   (default 2)
 * Exits non-zero when the two ends disagree on a value (the work was wrong).
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PRF_LEN	   32
#define NONCE_LEN  32
#define GCM_KEY	   36 /* 32 bytes key, 4 bytes salt (RFC 5282) */
#define IKE_KEYS   (PRF_LEN + 2 * GCM_KEY + 2 * PRF_LEN)
#define CHILD_KEYS (2 * GCM_KEY)
#define AUTH_MSG   300 /* IDi, AUTH, SA, TSi, TSr: a typical IKE_AUTH body */

struct end {
	EVP_PKEY *key;
	uint8_t pub[32];
	uint8_t shared[32];
	uint8_t keys[IKE_KEYS]; /* SK_d | SK_ei | SK_er | SK_pi | SK_pr */
	uint8_t keymat[CHILD_KEYS];
};

static EVP_MAC *g_hmac;
static EVP_CIPHER *g_gcm;
static const uint8_t g_psk[] = "benchmark pre-shared key";

static int prf(const uint8_t *key, size_t klen, const uint8_t *a, size_t alen, const uint8_t *b,
	       size_t blen, uint8_t out[PRF_LEN])
{
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
			       OSSL_PARAM_construct_end()};
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(g_hmac);
	size_t n = 0;
	int ret = -1;

	if (ctx == NULL || !EVP_MAC_init(ctx, key, klen, params) || !EVP_MAC_update(ctx, a, alen) ||
	    (blen && !EVP_MAC_update(ctx, b, blen)) || !EVP_MAC_final(ctx, out, &n, PRF_LEN))
		goto done;
	ret = n == PRF_LEN ? 0 : -1;
done:
	EVP_MAC_CTX_free(ctx);
	return ret;
}

/* prf+ (RFC 7296 2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n) */
static int prf_plus(const uint8_t *key, size_t klen, const uint8_t *seed, size_t slen, uint8_t *out,
		    size_t len)
{
	uint8_t t[PRF_LEN], in[PRF_LEN + 128 + 1];
	size_t tlen = 0, done = 0;

	if (slen > 128)
		return -1;
	for (uint8_t n = 1; done < len; n++) {
		memcpy(in, t, tlen);
		memcpy(in + tlen, seed, slen);
		in[tlen + slen] = n;
		if (prf(key, klen, in, tlen + slen + 1, NULL, 0, t) < 0)
			return -1;
		tlen = PRF_LEN;
		memcpy(out + done, t, len - done < PRF_LEN ? len - done : PRF_LEN);
		done += len - done < PRF_LEN ? len - done : PRF_LEN;
	}
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(in, sizeof(in));
	return 0;
}

static int keypair(struct end *e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
	size_t n = sizeof(e->pub);
	int ret = -1;

	e->key = NULL;
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &e->key) <= 0 ||
	    !EVP_PKEY_get_raw_public_key(e->key, e->pub, &n) || n != sizeof(e->pub))
		goto done;
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int derive(struct end *e, const uint8_t peer[32])
{
	EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	EVP_PKEY_CTX *ctx = p ? EVP_PKEY_CTX_new(e->key, NULL) : NULL;
	size_t n = sizeof(e->shared);
	int ret = -1;

	if (ctx == NULL || EVP_PKEY_derive_init(ctx) <= 0 ||
	    EVP_PKEY_derive_set_peer(ctx, p) <= 0 || EVP_PKEY_derive(ctx, e->shared, &n) <= 0 ||
	    n != sizeof(e->shared))
		goto done;
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(p);
	return ret;
}

/* SKEYSEED = prf(Ni | Nr, g^ir); keys = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
static int ike_keys(struct end *e, const uint8_t *nonces, const uint8_t spis[16])
{
	uint8_t skeyseed[PRF_LEN], seed[2 * NONCE_LEN + 16];
	int ret;

	memcpy(seed, nonces, 2 * NONCE_LEN);
	memcpy(seed + 2 * NONCE_LEN, spis, 16);
	ret = prf(nonces, 2 * NONCE_LEN, e->shared, sizeof(e->shared), NULL, 0, skeyseed);
	if (ret == 0)
		ret = prf_plus(skeyseed, sizeof(skeyseed), seed, sizeof(seed), e->keys, IKE_KEYS);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return ret;
}

/* AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets | prf(SK_p, ID')) */
static int psk_auth(const uint8_t *sk_p, const uint8_t *msg, size_t mlen, const uint8_t *nonce,
		    uint8_t out[PRF_LEN])
{
	static const char pad[] = "Key Pad for IKEv2";
	static const uint8_t id[8] = {1, 0, 0, 0, 192, 0, 2, 1};
	uint8_t key[PRF_LEN], maced[PRF_LEN], tail[NONCE_LEN + PRF_LEN];
	int ret = -1;

	if (prf(sk_p, PRF_LEN, id, sizeof(id), NULL, 0, maced) < 0 ||
	    prf(g_psk, sizeof(g_psk) - 1, (const uint8_t *)pad, sizeof(pad) - 1, NULL, 0, key) < 0)
		goto done;
	memcpy(tail, nonce, NONCE_LEN);
	memcpy(tail + NONCE_LEN, maced, PRF_LEN);
	ret = prf(key, sizeof(key), msg, mlen, tail, sizeof(tail), out);
done:
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

static int gcm(bool seal, const uint8_t key[GCM_KEY], const uint8_t *in, size_t len, uint8_t *out,
	       uint8_t tag[16])
{
	static const uint8_t hdr[28] = {0x2e}; /* IKE header and SK payload header */
	uint8_t iv[12] = {0};
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ret = -1;

	memcpy(iv, key + 32, 4);
	if (ctx == NULL || !EVP_CipherInit_ex2(ctx, g_gcm, key, iv, seal ? 1 : 0, NULL) ||
	    !EVP_CipherUpdate(ctx, NULL, &n, hdr, sizeof(hdr)) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto done;
	if (!seal && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag))
		goto done;
	if (EVP_CipherFinal_ex(ctx, out + n, &n) <= 0)
		goto done;
	if (seal && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag))
		goto done;
	ret = 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

/* One IKE SA with its first CHILD_SA, both ends: 0, or -1 when they disagree */
static int one_sa(void)
{
	struct end i = {0}, r = {0};
	uint8_t nonces[2 * NONCE_LEN], spis[16], msg[AUTH_MSG], ct[AUTH_MSG], pt[AUTH_MSG];
	uint8_t tag[16], auth_i[PRF_LEN], auth_r[PRF_LEN], check[PRF_LEN];
	/* each end uses its own copy of SK_e and SK_p */
	const uint8_t *i_ei = i.keys + PRF_LEN, *i_er = i_ei + GCM_KEY;
	const uint8_t *i_pi = i_er + GCM_KEY, *i_pr = i_pi + PRF_LEN;
	const uint8_t *r_ei = r.keys + PRF_LEN, *r_er = r_ei + GCM_KEY;
	const uint8_t *r_pi = r_er + GCM_KEY, *r_pr = r_pi + PRF_LEN;
	int ret = -1;

	memset(msg, 0x5a, sizeof(msg));
	if (RAND_bytes(nonces, NONCE_LEN) != 1 || RAND_bytes(spis, 8) != 1 || keypair(&i) < 0)
		goto done;
	if (RAND_bytes(nonces + NONCE_LEN, NONCE_LEN) != 1 || RAND_bytes(spis + 8, 8) != 1 ||
	    keypair(&r) < 0)
		goto done;
	if (derive(&i, r.pub) < 0 || derive(&r, i.pub) < 0 ||
	    memcmp(i.shared, r.shared, sizeof(i.shared)) != 0)
		goto done;
	if (ike_keys(&i, nonces, spis) < 0 || ike_keys(&r, nonces, spis) < 0 ||
	    memcmp(i.keys, r.keys, IKE_KEYS) != 0)
		goto done;
	/* IKE_AUTH request: the initiator signs and seals, the responder opens and checks */
	if (psk_auth(i_pi, msg, sizeof(msg), nonces + NONCE_LEN, auth_i) < 0 ||
	    gcm(true, i_ei, msg, sizeof(msg), ct, tag) < 0 ||
	    gcm(false, r_ei, ct, sizeof(ct), pt, tag) < 0 ||
	    psk_auth(r_pi, pt, sizeof(pt), nonces + NONCE_LEN, check) < 0 ||
	    memcmp(check, auth_i, PRF_LEN) != 0)
		goto done;
	/* IKE_AUTH response: the other way round */
	if (psk_auth(r_pr, msg, sizeof(msg), nonces, auth_r) < 0 ||
	    gcm(true, r_er, msg, sizeof(msg), ct, tag) < 0 ||
	    gcm(false, i_er, ct, sizeof(ct), pt, tag) < 0 ||
	    psk_auth(i_pr, pt, sizeof(pt), nonces, check) < 0 ||
	    memcmp(check, auth_r, PRF_LEN) != 0)
		goto done;
	/* CHILD_SA KEYMAT = prf+(SK_d, Ni | Nr) at each end */
	if (prf_plus(i.keys, PRF_LEN, nonces, sizeof(nonces), i.keymat, CHILD_KEYS) < 0 ||
	    prf_plus(r.keys, PRF_LEN, nonces, sizeof(nonces), r.keymat, CHILD_KEYS) < 0 ||
	    memcmp(i.keymat, r.keymat, CHILD_KEYS) != 0)
		goto done;
	ret = 0;
done:
	EVP_PKEY_free(i.key);
	EVP_PKEY_free(r.key);
	OPENSSL_cleanse(&i, sizeof(i));
	OPENSSL_cleanse(&r, sizeof(r));
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0;
	double t0, t;
	unsigned long n = 0;
	int ret = 1;

	if (!(secs > 0 && secs <= 600)) {
		fprintf(stderr, "usage: ike_crypto_cost [SECONDS (0-600)]\n");
		return 2;
	}
	g_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	g_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (g_hmac == NULL || g_gcm == NULL) {
		fprintf(stderr, "ike_crypto_cost: OpenSSL has no HMAC or AES-256-GCM\n");
		goto done;
	}
	t0 = now();
	do {
		for (int k = 0; k < 16; k++, n++) {
			if (one_sa() < 0) {
				fprintf(stderr, "ike_crypto_cost: the two ends disagree (SA %lu)\n",
					n);
				goto done;
			}
		}
		t = now() - t0;
	} while (t < secs);
	printf(
	    "crypto ceiling aes256gcm16-prfsha256-x25519 (PSK, one CHILD_SA, both ends, one core): "
	    "%lu IKE SAs in %.2f s = %.0f IKE SAs/s (%.1f us each)\n",
	    n, t, (double)n / t, t * 1e6 / (double)n);
	ret = 0;
done:
	EVP_MAC_free(g_hmac);
	EVP_CIPHER_free(g_gcm);
	return ret;
}
