/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "dh.h"
#include "xform.h"

#define DH_MAX_PUB 512 /* MODP-4096 */

struct dh_key {
	const struct xform *group;
	EVP_PKEY *pkey;
};

static const struct xform *dh_group_lookup(uint16_t group)
{
	return xform_lookup(XFORM_DH, group, 0);
}

/* The prime of a MODP group; every one of them has generator 2. */
static BIGNUM *dh_modp_prime(uint16_t group)
{
	switch (group) {
	case IKE_DH_MODP768:
		return BN_get_rfc2409_prime_768(NULL);
	case IKE_DH_MODP1024:
		return BN_get_rfc2409_prime_1024(NULL);
	case IKE_DH_MODP1536:
		return BN_get_rfc3526_prime_1536(NULL);
	case IKE_DH_MODP2048:
		return BN_get_rfc3526_prime_2048(NULL);
	case IKE_DH_MODP3072:
		return BN_get_rfc3526_prime_3072(NULL);
	case IKE_DH_MODP4096:
		return BN_get_rfc3526_prime_4096(NULL);
	}
	return NULL;
}

/*
 * Build a DH EVP_PKEY with the group's domain parameters and, optionally,
 * private and public values. Groups OpenSSL knows by name (RFC 3526) are
 * passed by name, which also gives it q and a short private exponent; the
 * RFC 2409 groups are passed as p and g.
 */
static int dh_modp_pkey(const struct xform *g, const BIGNUM *priv, const BIGNUM *pub, int selection,
			EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *p = NULL, *gen = NULL;
	int ret = -EIO;

	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL)
		goto done;
	if (g->evp) {
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->evp, 0))
			goto done;
	} else {
		p = dh_modp_prime(g->id);
		gen = BN_new();
		if (p == NULL || gen == NULL || !BN_set_word(gen, 2))
			goto done;
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen))
			goto done;
	}
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto done;
	if (pub && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (params == NULL || ctx == NULL)
		goto done;
	if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx, out, selection, params) <= 0)
		goto done;
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(gen);
	return ret;
}

static int dh_modp_keygen(const struct xform *g, EVP_PKEY **out)
{
	EVP_PKEY *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int ret;

	ret = dh_modp_pkey(g, NULL, NULL, EVP_PKEY_KEY_PARAMETERS, &params);
	if (ret < 0)
		return ret;
	ret = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, out) <= 0)
		goto done;
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(params);
	return ret;
}

/*
 * An EC key from wire x | y and, when priv is given, its private scalar.
 * Only dh_key_import_private() uses it; peer values go through
 * dh_peer_pkey().
 */
static int dh_ecp_pkey(const struct xform *g, const uint8_t *xy, const BIGNUM *priv, EVP_PKEY **out)
{
	uint8_t point[1 + 2 * 66];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int ret = -EIO;

	/* The wire leaves out the uncompressed-point octet (RFC 5903 §7). */
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, xy, g->publen);
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL)
		goto done;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->evp, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + g->publen))
		goto done;
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto done;
	/* decoding fails for a point that is not on the curve */
	if (EVP_PKEY_fromdata(ctx, out, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <=
	    0) {
		ret = -EINVAL;
		goto done;
	}
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	OPENSSL_cleanse(point, sizeof(point));
	return ret;
}

/* x | y of priv * G, computed with OpenSSL's EC arithmetic. */
static int dh_ecp_public_from_private(const struct xform *g, const BIGNUM *priv, uint8_t *xy)
{
	uint8_t point[1 + 2 * 66];
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	int ret = -EIO;

	grp = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(g->evp));
	if (grp == NULL)
		goto done;
	pt = EC_POINT_new(grp);
	if (pt == NULL || !EC_POINT_mul(grp, pt, priv, NULL, NULL, NULL))
		goto done;
	if (EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point),
			       NULL) != 1 + (size_t)g->publen)
		goto done;
	memcpy(xy, point + 1, g->publen);
	ret = 0;
done:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return ret;
}

int dh_keygen(uint16_t group, struct dh_key **out)
{
	const struct xform *g = dh_group_lookup(group);
	struct dh_key *key;
	int ret = -EIO;

	if (g == NULL)
		return -ENOTSUP;
	key = calloc(1, sizeof(*key));
	if (key == NULL)
		return -ENOMEM;
	key->group = g;
	switch (g->kind) {
	case XK_MODP:
		ret = dh_modp_keygen(g, &key->pkey);
		break;
	case XK_ECP:
		key->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", g->evp);
		ret = key->pkey ? 0 : -EIO;
		break;
	case XK_X25519:
		key->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		ret = key->pkey ? 0 : -EIO;
		break;
	default:
		ret = -ENOTSUP;
		break;
	}
	if (ret < 0) {
		dh_key_free(key);
		return ret;
	}
	*out = key;
	return 0;
}

int dh_key_import_private(uint16_t group, const uint8_t *priv, size_t privlen, struct dh_key **out)
{
	const struct xform *g = dh_group_lookup(group);
	uint8_t xy[2 * 66];
	struct dh_key *key;
	BIGNUM *x = NULL, *y = NULL, *p = NULL, *gen = NULL;
	BN_CTX *bnctx = NULL;
	int ret = -EIO;

	if (g == NULL)
		return -ENOTSUP;
	key = calloc(1, sizeof(*key));
	if (key == NULL)
		return -ENOMEM;
	key->group = g;

	if (g->kind == XK_X25519) {
		if (privlen != 32) {
			ret = -EINVAL;
			goto done;
		}
		key->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, privlen);
		ret = key->pkey ? 0 : -EIO;
		goto done;
	}

	x = BN_bin2bn(priv, (int)privlen, NULL);
	if (x == NULL)
		goto done;
	if (g->kind == XK_ECP) {
		ret = dh_ecp_public_from_private(g, x, xy);
		if (ret == 0)
			ret = dh_ecp_pkey(g, xy, x, &key->pkey);
		goto done;
	}
	/* MODP: y = 2^x mod p */
	p = dh_modp_prime(g->id);
	gen = BN_new();
	y = BN_new();
	bnctx = BN_CTX_new();
	if (p == NULL || gen == NULL || y == NULL || bnctx == NULL || !BN_set_word(gen, 2))
		goto done;
	if (!BN_mod_exp(y, gen, x, p, bnctx))
		goto done;
	ret = dh_modp_pkey(g, x, y, EVP_PKEY_KEYPAIR, &key->pkey);
done:
	BN_clear_free(x);
	BN_free(y);
	BN_free(p);
	BN_free(gen);
	BN_CTX_free(bnctx);
	OPENSSL_cleanse(xy, sizeof(xy));
	if (ret < 0) {
		dh_key_free(key);
		return ret;
	}
	*out = key;
	return 0;
}

void dh_key_free(struct dh_key *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

uint16_t dh_key_group(const struct dh_key *key)
{
	return key->group->id;
}

int dh_public_encode(const struct dh_key *key, uint8_t *buf, size_t buflen, size_t *outlen)
{
	const struct xform *g = key->group;
	uint8_t point[1 + 2 * 66];
	BIGNUM *y = NULL;
	size_t len = 0;
	int ret = -EIO;

	if (buflen < g->publen)
		return -ENOSPC;
	switch (g->kind) {
	case XK_MODP:
		if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY, &y))
			goto done;
		if (BN_bn2binpad(y, buf, g->publen) != g->publen)
			goto done;
		break;
	case XK_ECP:
		if (!EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						     point, sizeof(point), &len))
			goto done;
		if (len != 1 + (size_t)g->publen || point[0] != POINT_CONVERSION_UNCOMPRESSED)
			goto done;
		memcpy(buf, point + 1, g->publen);
		break;
	case XK_X25519:
		len = buflen;
		if (!EVP_PKEY_get_raw_public_key(key->pkey, buf, &len) || len != g->publen)
			goto done;
		break;
	default:
		ret = -ENOTSUP;
		goto done;
	}
	*outlen = g->publen;
	ret = 0;
done:
	BN_free(y);
	return ret;
}

/* RFC 6989 §2.1: for a safe-prime group, 1 < y < p-1 is all that is needed. */
static int dh_modp_check_range(const struct xform *g, const uint8_t *peer)
{
	BIGNUM *y = NULL, *p = NULL, *pm1 = NULL;
	int ret = -EINVAL;

	y = BN_bin2bn(peer, g->publen, NULL);
	p = dh_modp_prime(g->id);
	pm1 = BN_new();
	if (y == NULL || p == NULL || pm1 == NULL || !BN_sub(pm1, p, BN_value_one())) {
		ret = -EIO;
		goto done;
	}
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0)
		goto done;
	ret = 0;
done:
	BN_free(y);
	BN_free(p);
	BN_free(pm1);
	return ret;
}

/*
 * The peer's public value as an EVP_PKEY sharing our key's domain
 * parameters: copying them avoids rebuilding the group (curve tables, named
 * group lookup) for every handshake. Decoding fails for an ECP point that
 * is not on the curve.
 */
static int dh_peer_pkey(const struct dh_key *key, const uint8_t *enc, size_t enclen, EVP_PKEY **out)
{
	EVP_PKEY *peer = EVP_PKEY_new();

	if (peer == NULL)
		return -ENOMEM;
	if (EVP_PKEY_copy_parameters(peer, key->pkey) != 1) {
		EVP_PKEY_free(peer);
		return -EIO;
	}
	if (EVP_PKEY_set1_encoded_public_key(peer, enc, enclen) != 1) {
		EVP_PKEY_free(peer);
		return -EINVAL;
	}
	*out = peer;
	return 0;
}

static bool dh_all_zero(const uint8_t *buf, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= buf[i];
	return acc == 0;
}

int dh_shared_derive(const struct dh_key *key, const uint8_t *peer, size_t peerlen, uint8_t *secret,
		     size_t secretlen)
{
	const struct xform *g = key->group;
	uint8_t buf[DH_MAX_PUB];
	EVP_PKEY *peerkey = NULL;
	EVP_PKEY_CTX *check = NULL, *ctx = NULL;
	size_t len = sizeof(buf);
	int ret;

	if (peerlen != g->publen)
		return -EINVAL;
	if (secretlen != g->outlen)
		return -ENOSPC;

	switch (g->kind) {
	case XK_MODP:
		ret = dh_modp_check_range(g, peer);
		if (ret == 0)
			ret = dh_peer_pkey(key, peer, peerlen, &peerkey);
		break;
	case XK_ECP:
		/* the wire leaves out the uncompressed-point octet (RFC 5903 §7) */
		buf[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(buf + 1, peer, peerlen);
		ret = dh_peer_pkey(key, buf, 1 + peerlen, &peerkey);
		break;
	case XK_X25519:
		peerkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, peerlen);
		ret = peerkey ? 0 : -EINVAL;
		break;
	default:
		ret = -ENOTSUP;
		break;
	}
	if (ret < 0)
		goto done;

	/*
	 * The quick check is the RFC 6989 check (range for MODP, on-curve for
	 * ECP); derive_set_peer_ex(..., 0) then skips OpenSSL's full check,
	 * whose subgroup test costs a modular exponentiation per handshake.
	 */
	ret = -EINVAL;
	check = EVP_PKEY_CTX_new_from_pkey(NULL, peerkey, NULL);
	if (check == NULL) {
		ret = -EIO;
		goto done;
	}
	if (g->kind != XK_X25519 && EVP_PKEY_public_check_quick(check) != 1)
		goto done;

	ret = -EIO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) <= 0)
		goto done;
	if (g->kind == XK_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto done;
	if (EVP_PKEY_derive_set_peer_ex(ctx, peerkey, 0) <= 0) {
		ret = -EINVAL;
		goto done;
	}
	if (EVP_PKEY_derive(ctx, buf, &len) <= 0) {
		/* X25519 refuses an all-zero result (RFC 8031 §2.3): a bad peer value. */
		ret = g->kind == XK_X25519 ? -EINVAL : -EIO;
		goto done;
	}
	if (len > secretlen)
		goto done;
	/* Left-pad to the group size in case the provider stripped leading zeros. */
	memset(secret, 0, secretlen - len);
	memcpy(secret + (secretlen - len), buf, len);
	if (g->kind == XK_X25519 && dh_all_zero(secret, secretlen)) {
		OPENSSL_cleanse(secret, secretlen);
		ret = -EINVAL;
		goto done;
	}
	ret = 0;
done:
	OPENSSL_cleanse(buf, sizeof(buf));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_free(peerkey);
	return ret;
}
