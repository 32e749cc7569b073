/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>

#include "xform.h"

#define ENCR(i, kb, n, sn, k, fl, kl, sl, bl, iv, icv, e)                                          \
	{                                                                                          \
		.type = XFORM_ENCR, .id = (i), .keybits = (kb), .name = (n), .shortname = (sn),    \
		.kind = (k), .flags = (fl), .keylen = (kl), .saltlen = (sl), .blocklen = (bl),     \
		.ivlen = (iv), .icvlen = (icv), .evp = (e)                                         \
	}
#define PRF(i, n, sn, fl, len, e)                                                                  \
	{                                                                                          \
		.type = XFORM_PRF, .id = (i), .name = (n), .shortname = (sn), .kind = XK_HMAC,     \
		.flags = (fl), .keylen = (len), .outlen = (len), .evp = (e)                        \
	}
#define INTEG(i, n, sn, fl, kl, icv, e)                                                            \
	{                                                                                          \
		.type = XFORM_INTEG, .id = (i), .name = (n), .shortname = (sn), .kind = XK_HMAC,   \
		.flags = (fl), .keylen = (kl), .icvlen = (icv), .evp = (e)                         \
	}
#define DH(i, n, sn, k, fl, pub, sec, e)                                                           \
	{                                                                                          \
		.type = XFORM_DH, .id = (i), .name = (n), .shortname = (sn), .kind = (k),          \
		.flags = (fl), .publen = (pub), .outlen = (sec), .evp = (e)                        \
	}

/*
 * Sizes: RFC 7296 (3DES, AES-CBC), RFC 5282 (AES-GCM, 4-byte salt), RFC 7634
 * (ChaCha20-Poly1305), RFC 4868 (HMAC-SHA2), RFC 2409/3526 (MODP), RFC 5903
 * (ECP), RFC 8031 (Curve25519). Weak flags follow RFC 8247.
 */
static const struct xform xforms[] = {
    ENCR(IKE_ENCR_AES_CBC, 128, "ENCR_AES_CBC", "aes128", XK_CBC, XF_KEYATTR, 16, 0, 16, 16, 0,
	 "AES-128-CBC"),
    ENCR(IKE_ENCR_AES_CBC, 192, "ENCR_AES_CBC", "aes192", XK_CBC, XF_KEYATTR, 24, 0, 16, 16, 0,
	 "AES-192-CBC"),
    ENCR(IKE_ENCR_AES_CBC, 256, "ENCR_AES_CBC", "aes256", XK_CBC, XF_KEYATTR, 32, 0, 16, 16, 0,
	 "AES-256-CBC"),
    ENCR(IKE_ENCR_AES_GCM_16, 128, "ENCR_AES_GCM_16", "aes128gcm16", XK_AEAD, XF_KEYATTR, 20, 4, 1,
	 8, 16, "AES-128-GCM"),
    ENCR(IKE_ENCR_AES_GCM_16, 192, "ENCR_AES_GCM_16", "aes192gcm16", XK_AEAD, XF_KEYATTR, 28, 4, 1,
	 8, 16, "AES-192-GCM"),
    ENCR(IKE_ENCR_AES_GCM_16, 256, "ENCR_AES_GCM_16", "aes256gcm16", XK_AEAD, XF_KEYATTR, 36, 4, 1,
	 8, 16, "AES-256-GCM"),
    ENCR(IKE_ENCR_AES_GCM_12, 128, "ENCR_AES_GCM_12", "aes128gcm12", XK_AEAD, XF_KEYATTR, 20, 4, 1,
	 8, 12, "AES-128-GCM"),
    ENCR(IKE_ENCR_AES_GCM_12, 192, "ENCR_AES_GCM_12", "aes192gcm12", XK_AEAD, XF_KEYATTR, 28, 4, 1,
	 8, 12, "AES-192-GCM"),
    ENCR(IKE_ENCR_AES_GCM_12, 256, "ENCR_AES_GCM_12", "aes256gcm12", XK_AEAD, XF_KEYATTR, 36, 4, 1,
	 8, 12, "AES-256-GCM"),
    ENCR(IKE_ENCR_AES_GCM_8, 128, "ENCR_AES_GCM_8", "aes128gcm8", XK_AEAD, XF_KEYATTR, 20, 4, 1, 8,
	 8, "AES-128-GCM"),
    ENCR(IKE_ENCR_AES_GCM_8, 192, "ENCR_AES_GCM_8", "aes192gcm8", XK_AEAD, XF_KEYATTR, 28, 4, 1, 8,
	 8, "AES-192-GCM"),
    ENCR(IKE_ENCR_AES_GCM_8, 256, "ENCR_AES_GCM_8", "aes256gcm8", XK_AEAD, XF_KEYATTR, 36, 4, 1, 8,
	 8, "AES-256-GCM"),
    ENCR(IKE_ENCR_CHACHA20_POLY1305, 0, "ENCR_CHACHA20_POLY1305", "chacha20poly1305", XK_AEAD, 0,
	 36, 4, 1, 8, 16, "ChaCha20-Poly1305"),
    ENCR(IKE_ENCR_3DES, 0, "ENCR_3DES", "3des", XK_CBC, XF_WEAK, 24, 0, 8, 8, 0, "DES-EDE3-CBC"),
    ENCR(IKE_ENCR_NULL, 0, "ENCR_NULL", "null", XK_NONE, XF_NOT_IKE, 0, 0, 1, 0, 0, NULL),

    PRF(IKE_PRF_HMAC_MD5, "PRF_HMAC_MD5", "prfmd5", XF_WEAK, 16, "MD5"),
    PRF(IKE_PRF_HMAC_SHA1, "PRF_HMAC_SHA1", "prfsha1", 0, 20, "SHA1"),
    PRF(IKE_PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256", "prfsha256", 0, 32, "SHA2-256"),
    PRF(IKE_PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384", "prfsha384", 0, 48, "SHA2-384"),
    PRF(IKE_PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512", "prfsha512", 0, 64, "SHA2-512"),

    INTEG(IKE_AUTH_HMAC_MD5_96, "AUTH_HMAC_MD5_96", "md5", XF_WEAK, 16, 12, "MD5"),
    INTEG(IKE_AUTH_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96", "sha1", 0, 20, 12, "SHA1"),
    INTEG(IKE_AUTH_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128", "sha256", 0, 32, 16, "SHA2-256"),
    INTEG(IKE_AUTH_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192", "sha384", 0, 48, 24, "SHA2-384"),
    INTEG(IKE_AUTH_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256", "sha512", 0, 64, 32, "SHA2-512"),

    DH(IKE_DH_MODP768, "MODP_768", "modp768", XK_MODP, XF_WEAK, 96, 96, NULL),
    DH(IKE_DH_MODP1024, "MODP_1024", "modp1024", XK_MODP, XF_WEAK, 128, 128, NULL),
    DH(IKE_DH_MODP1536, "MODP_1536", "modp1536", XK_MODP, XF_WEAK, 192, 192, "modp_1536"),
    DH(IKE_DH_MODP2048, "MODP_2048", "modp2048", XK_MODP, 0, 256, 256, "modp_2048"),
    DH(IKE_DH_MODP3072, "MODP_3072", "modp3072", XK_MODP, 0, 384, 384, "modp_3072"),
    DH(IKE_DH_MODP4096, "MODP_4096", "modp4096", XK_MODP, 0, 512, 512, "modp_4096"),
    DH(IKE_DH_ECP256, "ECP_256", "ecp256", XK_ECP, 0, 64, 32, "P-256"),
    DH(IKE_DH_ECP384, "ECP_384", "ecp384", XK_ECP, 0, 96, 48, "P-384"),
    DH(IKE_DH_ECP521, "ECP_521", "ecp521", XK_ECP, 0, 132, 66, "P-521"),
    DH(IKE_DH_CURVE25519, "CURVE25519", "x25519", XK_X25519, 0, 32, 32, "X25519"),
};

const struct xform *xform_lookup(uint8_t type, uint16_t id, uint16_t keybits)
{
	for (size_t i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++) {
		const struct xform *x = &xforms[i];

		if (x->type == type && x->id == id && x->keybits == keybits)
			return x;
	}
	return NULL;
}

const struct xform *xform_lookup_name(const char *shortname)
{
	for (size_t i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++) {
		if (strcmp(xforms[i].shortname, shortname) == 0)
			return &xforms[i];
	}
	return NULL;
}

const struct xform *xform_table(size_t *count)
{
	*count = sizeof(xforms) / sizeof(xforms[0]);
	return xforms;
}

const char *xform_type_name(uint8_t type)
{
	switch (type) {
	case XFORM_ENCR:
		return "ENCR";
	case XFORM_PRF:
		return "PRF";
	case XFORM_INTEG:
		return "INTEG";
	case XFORM_DH:
		return "DH";
	case XFORM_ESN:
		return "ESN";
	}
	return "UNKNOWN";
}

const char *xform_name(uint8_t type, uint16_t id, char *buf, size_t buflen)
{
	/* The key length is not part of the name: every entry of one ID shares it. */
	for (size_t i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++) {
		if (xforms[i].type == type && xforms[i].id == id)
			return xforms[i].name;
	}
	if (type == XFORM_ESN && id <= 1)
		return id ? "ESN" : "NO_ESN";
	if (type == XFORM_INTEG && id == IKE_AUTH_NONE)
		return "AUTH_NONE";
	snprintf(buf, buflen, "%s_%u", xform_type_name(type), id);
	return buf;
}
