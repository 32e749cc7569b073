/* SPDX-License-Identifier: ISC */
/* AES-SIV through OpenSSL 3's EVP ciphers "AES-128-SIV" / "AES-256-SIV". */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "siv.h"

static const char *siv_name(size_t key_len)
{
	switch (key_len) {
	case 32:
		return "AES-128-SIV";
	case 64:
		return "AES-256-SIV";
	default:
		return NULL;
	}
}

/*
 * One pass of SIV: each associated-data component is one AAD update (S2V
 * takes them as separate strings), then exactly one update with the data.
 * Decrypting, the tag is set first and the update fails when it does not
 * match.
 */
static int siv_run(const uint8_t *key, size_t key_len, const struct cbuf *ad, size_t n_ad,
		   const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag, int enc)
{
	const char *name = siv_name(key_len);
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, ret = -EIO;

	if (!name || n_ad > CRYPTO_SIV_AD_MAX || len > INT_MAX || (n_ad && !ad))
		return -EINVAL;
	cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	ctx = EVP_CIPHER_CTX_new();
	if (!cipher || !ctx)
		goto done;
	if (!EVP_CipherInit_ex2(ctx, cipher, key, NULL, enc, NULL))
		goto done;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, CRYPTO_SIV_TAG_LEN, tag))
		goto done;
	for (size_t i = 0; i < n_ad; i++) {
		if (ad[i].len > INT_MAX ||
		    !EVP_CipherUpdate(ctx, NULL, &outl, ad[i].ptr, (int)ad[i].len))
			goto done;
	}
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len)) {
		ret = enc ? -EIO : -EBADMSG;
		goto done;
	}
	if (!EVP_CipherFinal_ex(ctx, out + outl, &outl)) {
		ret = enc ? -EIO : -EBADMSG;
		goto done;
	}
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, CRYPTO_SIV_TAG_LEN, tag))
		goto done;
	ret = 0;
done:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return ret;
}

int crypto_siv_seal(const uint8_t *key, size_t key_len, const struct cbuf *ad, size_t n_ad,
		    const uint8_t *pt, size_t len, uint8_t *out)
{
	int rc;

	if (!key || !out || (len && !pt))
		return -EINVAL;
	rc = siv_run(key, key_len, ad, n_ad, pt, len, out + CRYPTO_SIV_TAG_LEN, out, 1);
	if (rc)
		OPENSSL_cleanse(out, len + CRYPTO_SIV_TAG_LEN);
	return rc;
}

int crypto_siv_open(const uint8_t *key, size_t key_len, const struct cbuf *ad, size_t n_ad,
		    const uint8_t *in, size_t in_len, uint8_t *pt)
{
	uint8_t tag[CRYPTO_SIV_TAG_LEN];
	size_t len;
	int rc;

	if (!key || !in || in_len < CRYPTO_SIV_TAG_LEN)
		return in_len < CRYPTO_SIV_TAG_LEN && key && in ? -EBADMSG : -EINVAL;
	len = in_len - CRYPTO_SIV_TAG_LEN;
	if (len && !pt)
		return -EINVAL;
	memcpy(tag, in, sizeof(tag));
	rc = siv_run(key, key_len, ad, n_ad, in + CRYPTO_SIV_TAG_LEN, len, pt, tag, 0);
	if (rc && pt)
		OPENSSL_cleanse(pt, len); /* nothing of a forgery is handed back */
	return rc;
}

int crypto_passphrase_key(const char *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
			  unsigned iterations, uint8_t *out, size_t out_len)
{
	if (!pass || !salt || !out || pass_len > INT_MAX || salt_len > INT_MAX ||
	    out_len > INT_MAX || iterations == 0 || iterations > INT_MAX)
		return -EINVAL;
	if (!PKCS5_PBKDF2_HMAC(pass, (int)pass_len, salt, (int)salt_len, (int)iterations,
			       EVP_sha256(), (int)out_len, out))
		return -EIO;
	return 0;
}
