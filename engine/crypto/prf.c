/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "prf.h"

/* prf+ counts its blocks in one octet (§2.13) */
#define PRF_PLUS_MAX_BLOCKS 255

int prf_compute(const struct xform *prf, const uint8_t *key, size_t keylen, const struct cbuf *data,
		size_t ndata, uint8_t *out)
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int ret = -EIO;

	if (prf == NULL || (prf->type != XFORM_PRF && prf->type != XFORM_INTEG))
		return -EINVAL;
	if (prf->kind != XK_HMAC)
		return -ENOTSUP;
	if (key == NULL && keylen != 0)
		return -EINVAL;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		goto done;
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx == NULL)
		goto done;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)prf->evp, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* HMAC accepts an empty key; OpenSSL wants a non-NULL pointer for it. */
	if (!EVP_MAC_init(ctx, keylen ? key : (const uint8_t *)"", keylen, params))
		goto done;
	for (size_t i = 0; i < ndata; i++) {
		if (data[i].len && !EVP_MAC_update(ctx, data[i].ptr, data[i].len))
			goto done;
	}
	if (!EVP_MAC_final(ctx, out, &outl, EVP_MAX_MD_SIZE))
		goto done;
	ret = 0;
done:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ret;
}

int prf_plus(const struct xform *prf, const uint8_t *key, size_t keylen, const struct cbuf *seed,
	     size_t nseed, uint8_t *out, size_t outlen)
{
	/* T(n) = prf(K, T(n-1) | S | n); the previous block leads, the counter trails. */
	struct cbuf in[1 + 8 + 1];
	uint8_t t[PRF_MAX_OUT];
	uint8_t counter;
	size_t done = 0;
	int ret = 0;

	if (prf == NULL || prf->type != XFORM_PRF)
		return -EINVAL;
	if (nseed > 8 || outlen > (size_t)PRF_PLUS_MAX_BLOCKS * prf->outlen)
		return -EINVAL;

	for (counter = 1; done < outlen; counter++) {
		size_t n = 0, take;

		if (counter > 1)
			in[n++] = (struct cbuf){t, prf->outlen};
		for (size_t i = 0; i < nseed; i++)
			in[n++] = seed[i];
		in[n++] = (struct cbuf){&counter, 1};
		ret = prf_compute(prf, key, keylen, in, n, t);
		if (ret < 0)
			goto done;
		take = outlen - done < prf->outlen ? outlen - done : prf->outlen;
		memcpy(out + done, t, take);
		done += take;
	}
done:
	OPENSSL_cleanse(t, sizeof(t));
	if (ret < 0)
		OPENSSL_cleanse(out, outlen);
	return ret;
}

int kdf_skeyseed(const struct xform *prf, const struct cbuf *ni, const struct cbuf *nr,
		 const struct cbuf *gir, uint8_t *out)
{
	/* HMAC takes any key length, so Ni | Nr is used whole (no PRF key-size rule). */
	uint8_t key[2 * 256];
	int ret;

	if (ni->len > 256 || nr->len > 256)
		return -EINVAL;
	memcpy(key, ni->ptr, ni->len);
	memcpy(key + ni->len, nr->ptr, nr->len);
	ret = prf_compute(prf, key, ni->len + nr->len, gir, 1, out);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

int kdf_skeyseed_rekey(const struct xform *old_prf, const struct cbuf *sk_d_old,
		       const struct cbuf *gir_new, const struct cbuf *ni, const struct cbuf *nr,
		       uint8_t *out)
{
	struct cbuf in[3] = {*gir_new, *ni, *nr};

	return prf_compute(old_prf, sk_d_old->ptr, sk_d_old->len, in, 3, out);
}

int kdf_ike_sa_keys(const struct xform *prf, const struct xform *encr, const struct xform *integ,
		    const uint8_t *skeyseed, const struct cbuf *ni, const struct cbuf *nr,
		    const uint8_t spi_i[8], const uint8_t spi_r[8], struct ike_sa_keys *keys)
{
	struct cbuf seed[4] = {*ni, *nr, {spi_i, 8}, {spi_r, 8}};
	uint8_t km[3 * PRF_MAX_OUT + 2 * INTEG_MAX_KEY + 2 * ENCR_MAX_KEY];
	size_t total, off = 0;
	int ret;

	if (prf == NULL || encr == NULL || prf->type != XFORM_PRF || encr->type != XFORM_ENCR)
		return -EINVAL;
	if (encr->kind == XK_AEAD ? integ != NULL : (integ == NULL || integ->type != XFORM_INTEG))
		return -EINVAL;

	memset(keys, 0, sizeof(*keys));
	keys->prf_len = prf->keylen;
	keys->integ_len = integ ? integ->keylen : 0;
	keys->encr_len = encr->keylen;
	total = 3 * keys->prf_len + 2 * keys->integ_len + 2 * keys->encr_len;

	ret = prf_plus(prf, skeyseed, prf->outlen, seed, 4, km, total);
	if (ret < 0)
		goto done;

	/* Order of §2.14: SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr */
	memcpy(keys->sk_d, km + off, keys->prf_len), off += keys->prf_len;
	memcpy(keys->sk_ai, km + off, keys->integ_len), off += keys->integ_len;
	memcpy(keys->sk_ar, km + off, keys->integ_len), off += keys->integ_len;
	memcpy(keys->sk_ei, km + off, keys->encr_len), off += keys->encr_len;
	memcpy(keys->sk_er, km + off, keys->encr_len), off += keys->encr_len;
	memcpy(keys->sk_pi, km + off, keys->prf_len), off += keys->prf_len;
	memcpy(keys->sk_pr, km + off, keys->prf_len);
done:
	OPENSSL_cleanse(km, sizeof(km));
	return ret;
}

void kdf_ike_sa_keys_wipe(struct ike_sa_keys *keys)
{
	OPENSSL_cleanse(keys, sizeof(*keys));
}

int kdf_child_keymat(const struct xform *prf, const struct cbuf *sk_d, const struct cbuf *gir_new,
		     const struct cbuf *ni, const struct cbuf *nr, uint8_t *out, size_t outlen)
{
	struct cbuf seed[3];
	size_t n = 0;

	if (gir_new != NULL)
		seed[n++] = *gir_new;
	seed[n++] = *ni;
	seed[n++] = *nr;
	return prf_plus(prf, sk_d->ptr, sk_d->len, seed, n, out, outlen);
}

int kdf_psk_auth(const struct xform *prf, const struct cbuf *psk, const struct cbuf *msg,
		 const struct cbuf *nonce, const struct cbuf *sk_p, const struct cbuf *id,
		 uint8_t *out)
{
	static const char keypad[] = "Key Pad for IKEv2"; /* 17 octets, no NUL (§2.15) */
	struct cbuf pad = {(const uint8_t *)keypad, sizeof(keypad) - 1};
	uint8_t padkey[PRF_MAX_OUT], macid[PRF_MAX_OUT];
	struct cbuf octets[3];
	int ret;

	if (prf == NULL || prf->type != XFORM_PRF)
		return -EINVAL;
	ret = prf_compute(prf, sk_p->ptr, sk_p->len, id, 1, macid);
	if (ret < 0)
		goto done;
	ret = prf_compute(prf, psk->ptr, psk->len, &pad, 1, padkey);
	if (ret < 0)
		goto done;
	octets[0] = *msg;
	octets[1] = *nonce;
	octets[2] = (struct cbuf){macid, prf->outlen};
	ret = prf_compute(prf, padkey, prf->outlen, octets, 3, out);
done:
	OPENSSL_cleanse(padkey, sizeof(padkey));
	OPENSSL_cleanse(macid, sizeof(macid));
	return ret;
}
