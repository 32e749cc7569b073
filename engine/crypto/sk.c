/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "random.h"
#include "sk.h"

#define SK_AEAD_NONCE 12 /* 4-byte salt | 8-byte IV (RFC 5282 §4, RFC 7634 §2) */

int sk_ctx_init(struct sk_ctx *ctx, const struct xform *encr, const struct xform *integ,
		const uint8_t *ekey, const uint8_t *akey)
{
	memset(ctx, 0, sizeof(*ctx));
	if (encr == NULL || encr->type != XFORM_ENCR)
		return -EINVAL;
	if (encr->kind == XK_AEAD) {
		if (integ != NULL)
			return -EINVAL;
	} else if (encr->kind == XK_CBC) {
		if (integ == NULL || integ->type != XFORM_INTEG || integ->kind != XK_HMAC)
			return -EINVAL;
	} else {
		return -ENOTSUP; /* ENCR_NULL never protects an IKE SA */
	}
	ctx->encr = encr;
	ctx->integ = integ;
	memcpy(ctx->ekey, ekey, encr->keylen);
	if (integ)
		memcpy(ctx->akey, akey, integ->keylen);
	return 0;
}

void sk_ctx_wipe(struct sk_ctx *ctx)
{
	OPENSSL_cleanse(ctx, sizeof(*ctx));
}

static size_t sk_icv_len(const struct sk_ctx *ctx)
{
	return ctx->encr->kind == XK_AEAD ? ctx->encr->icvlen : ctx->integ->icvlen;
}

size_t sk_sealed_len(const struct sk_ctx *ctx, size_t plainlen)
{
	size_t bl = ctx->encr->blocklen;
	/* plaintext + pad length octet, rounded up to the block size */
	size_t padded = (plainlen + 1 + bl - 1) / bl * bl;

	return ctx->encr->ivlen + padded + sk_icv_len(ctx);
}

/* The HMAC over aad | data, truncated to the integrity transform's ICV size. */
static int sk_icv(const struct sk_ctx *ctx, const uint8_t *aad, size_t aadlen, const uint8_t *data,
		  size_t datalen, uint8_t *icv)
{
	struct cbuf in[2] = {{aad, aadlen}, {data, datalen}};
	uint8_t full[EVP_MAX_MD_SIZE];
	int ret;

	ret = prf_compute(ctx->integ, ctx->akey, ctx->integ->keylen, in, 2, full);
	if (ret == 0)
		memcpy(icv, full, ctx->integ->icvlen);
	OPENSSL_cleanse(full, sizeof(full));
	return ret;
}

/*
 * One pass of the cipher over buf in place. For AEAD, aad is fed first and
 * tag is written (enc) or checked (!enc); a failed check returns -EBADMSG.
 */
static int sk_cipher(const struct sk_ctx *ctx, int enc, const uint8_t *iv, const uint8_t *aad,
		     size_t aadlen, uint8_t *buf, size_t len, uint8_t *tag)
{
	const struct xform *x = ctx->encr;
	uint8_t nonce[SK_AEAD_NONCE];
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *cctx = NULL;
	const uint8_t *civ = iv;
	int outl, ret = -EIO;

	if (len > INT_MAX || aadlen > INT_MAX)
		return -EINVAL;
	if (x->kind == XK_AEAD) {
		memcpy(nonce, ctx->ekey + x->keylen - x->saltlen, x->saltlen);
		memcpy(nonce + x->saltlen, iv, x->ivlen);
		civ = nonce;
	}
	cipher = EVP_CIPHER_fetch(NULL, x->evp, NULL);
	cctx = EVP_CIPHER_CTX_new();
	if (cipher == NULL || cctx == NULL)
		goto done;
	if (!EVP_CipherInit_ex2(cctx, cipher, ctx->ekey, civ, enc, NULL))
		goto done;
	if (x->kind == XK_CBC) {
		/* The SK padding is ours (§3.14), not PKCS#7. */
		EVP_CIPHER_CTX_set_padding(cctx, 0);
	} else {
		if (!enc && !EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_AEAD_SET_TAG, x->icvlen, tag))
			goto done;
		if (aadlen && !EVP_CipherUpdate(cctx, NULL, &outl, aad, (int)aadlen))
			goto done;
	}
	if (len && !EVP_CipherUpdate(cctx, buf, &outl, buf, (int)len))
		goto done;
	if (!EVP_CipherFinal_ex(cctx, buf + len, &outl)) {
		ret = x->kind == XK_AEAD && !enc ? -EBADMSG : -EIO;
		goto done;
	}
	if (x->kind == XK_AEAD && enc &&
	    !EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_AEAD_GET_TAG, x->icvlen, tag))
		goto done;
	ret = 0;
done:
	OPENSSL_cleanse(nonce, sizeof(nonce));
	EVP_CIPHER_CTX_free(cctx);
	EVP_CIPHER_free(cipher);
	return ret;
}

int sk_seal(const struct sk_ctx *ctx, const uint8_t *aad, size_t aadlen, const uint8_t *iv,
	    const uint8_t *plain, size_t plainlen, uint8_t *out, size_t outsize, size_t *outlen)
{
	const struct xform *x = ctx->encr;
	size_t need, icvlen, ctlen, padlen;
	uint8_t *ct;
	int ret;

	if (x == NULL)
		return -EINVAL;
	need = sk_sealed_len(ctx, plainlen);
	if (outsize < need)
		return -ENOSPC;
	icvlen = sk_icv_len(ctx);
	ctlen = need - x->ivlen - icvlen;
	padlen = ctlen - plainlen - 1;
	if (padlen > 255)
		return -EINVAL;

	if (iv)
		memcpy(out, iv, x->ivlen);
	else if ((ret = crypto_random_bytes(out, x->ivlen)) < 0)
		return ret;
	ct = out + x->ivlen;
	memmove(ct, plain, plainlen);
	memset(ct + plainlen, 0, padlen);
	ct[ctlen - 1] = (uint8_t)padlen;

	if (x->kind == XK_AEAD) {
		ret = sk_cipher(ctx, 1, out, aad, aadlen, ct, ctlen, ct + ctlen);
	} else {
		ret = sk_cipher(ctx, 1, out, NULL, 0, ct, ctlen, NULL);
		if (ret == 0)
			ret = sk_icv(ctx, aad, aadlen, out, x->ivlen + ctlen, ct + ctlen);
	}
	if (ret < 0) {
		OPENSSL_cleanse(out, need);
		return ret;
	}
	*outlen = need;
	return 0;
}

int sk_open(const struct sk_ctx *ctx, const uint8_t *aad, size_t aadlen, const uint8_t *body,
	    size_t bodylen, uint8_t *plain, size_t plainsize, size_t *plainlen)
{
	const struct xform *x = ctx->encr;
	uint8_t icv[EVP_MAX_MD_SIZE];
	size_t icvlen, ctlen, padlen;
	int ret;

	if (x == NULL)
		return -EINVAL;
	icvlen = sk_icv_len(ctx);
	/* at least the IV, one pad length octet (one block for CBC) and the ICV */
	if (bodylen < x->ivlen + icvlen + x->blocklen)
		return -EBADMSG;
	ctlen = bodylen - x->ivlen - icvlen;
	if (ctlen % x->blocklen != 0)
		return -EBADMSG;
	if (plainsize < ctlen)
		return -ENOSPC;

	if (x->kind == XK_CBC) {
		/* Encrypt-then-MAC: nothing is decrypted before the ICV checks out. */
		ret = sk_icv(ctx, aad, aadlen, body, x->ivlen + ctlen, icv);
		if (ret < 0)
			return ret;
		if (CRYPTO_memcmp(icv, body + x->ivlen + ctlen, icvlen) != 0) {
			ret = -EBADMSG;
			goto done;
		}
		memcpy(plain, body + x->ivlen, ctlen);
		ret = sk_cipher(ctx, 0, body, NULL, 0, plain, ctlen, NULL);
	} else {
		memcpy(icv, body + x->ivlen + ctlen, icvlen);
		memcpy(plain, body + x->ivlen, ctlen);
		ret = sk_cipher(ctx, 0, body, aad, aadlen, plain, ctlen, icv);
	}
	if (ret < 0)
		goto done;

	padlen = plain[ctlen - 1];
	if (padlen + 1 > ctlen) {
		ret = -EBADMSG;
		goto done;
	}
	*plainlen = ctlen - 1 - padlen;
	ret = 0;
done:
	if (ret < 0)
		OPENSSL_cleanse(plain, ctlen);
	OPENSSL_cleanse(icv, sizeof(icv));
	return ret;
}
