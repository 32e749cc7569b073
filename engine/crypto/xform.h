/* SPDX-License-Identifier: ISC */
/*
 * IKEv2 transform registry: every transform ID the engine knows, with its
 * name and sizes, in one table. Logs, show output and the crypto code all
 * read this table; nothing else spells out a wire constant's name.
 */
#ifndef IKESH_CRYPTO_XFORM_H
#define IKESH_CRYPTO_XFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Transform types (RFC 7296 §3.3.2) */
enum xform_type {
	XFORM_ENCR = 1,
	XFORM_PRF = 2,
	XFORM_INTEG = 3,
	XFORM_DH = 4,
	XFORM_ESN = 5,
};

/* Transform type 1, encryption algorithms (IANA IKEv2 registry) */
enum {
	IKE_ENCR_3DES = 3,
	IKE_ENCR_NULL = 11,
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_GCM_8 = 18,
	IKE_ENCR_AES_GCM_12 = 19,
	IKE_ENCR_AES_GCM_16 = 20,
	IKE_ENCR_CHACHA20_POLY1305 = 28,
};

/* Transform type 2, pseudorandom functions */
enum {
	IKE_PRF_HMAC_MD5 = 1,
	IKE_PRF_HMAC_SHA1 = 2,
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
};

/* Transform type 3, integrity algorithms */
enum {
	IKE_AUTH_NONE = 0,
	IKE_AUTH_HMAC_MD5_96 = 1,
	IKE_AUTH_HMAC_SHA1_96 = 2,
	IKE_AUTH_HMAC_SHA2_256_128 = 12,
	IKE_AUTH_HMAC_SHA2_384_192 = 13,
	IKE_AUTH_HMAC_SHA2_512_256 = 14,
};

/* Transform type 4, key exchange (Diffie-Hellman) groups */
enum {
	IKE_DH_MODP768 = 1,
	IKE_DH_MODP1024 = 2,
	IKE_DH_MODP1536 = 5,
	IKE_DH_MODP2048 = 14,
	IKE_DH_MODP3072 = 15,
	IKE_DH_MODP4096 = 16,
	IKE_DH_ECP256 = 19,
	IKE_DH_ECP384 = 20,
	IKE_DH_ECP521 = 21,
	IKE_DH_CURVE25519 = 31,
};

/* How the engine implements a transform */
enum xform_kind {
	XK_NONE,
	XK_CBC,	   /* block cipher in CBC mode, needs an integrity transform */
	XK_AEAD,   /* combined mode: AES-GCM, ChaCha20-Poly1305 */
	XK_HMAC,   /* PRF or (truncated) integrity */
	XK_MODP,   /* finite-field group, safe prime */
	XK_ECP,	   /* NIST prime curve */
	XK_X25519, /* Curve25519 */
};

#define XF_WEAK	   0x01 /* deprecated (RFC 8247); allowed only when configured */
#define XF_KEYATTR 0x02 /* the proposal must carry a Key Length attribute */
#define XF_NOT_IKE 0x04 /* not allowed to protect an IKE SA (ENCR_NULL) */

struct xform {
	uint8_t type;	       /* enum xform_type */
	uint16_t id;	       /* IANA transform ID */
	uint16_t keybits;      /* Key Length attribute value; 0 when none is sent */
	const char *name;      /* IANA name, e.g. "ENCR_AES_CBC" */
	const char *shortname; /* configuration / show name, e.g. "aes128" */
	enum xform_kind kind;
	uint8_t flags;	   /* XF_* */
	uint16_t keylen;   /* key bytes taken from prf+ (AEAD: including salt) */
	uint16_t saltlen;  /* AEAD: trailing key bytes used as nonce salt */
	uint16_t blocklen; /* padding alignment of the SK plaintext */
	uint16_t ivlen;	   /* IV bytes on the wire */
	uint16_t icvlen;   /* ICV bytes: AEAD tag or truncated HMAC */
	uint16_t outlen;   /* PRF: output bytes; DH: shared secret bytes */
	uint16_t publen;   /* DH: public value bytes in the KE payload */
	const char *evp;   /* OpenSSL name: cipher, digest, or group */
};

/* Find a transform by wire identity; keybits is 0 for transforms without one. */
const struct xform *xform_lookup(uint8_t type, uint16_t id, uint16_t keybits);
/* Find a transform by its short name (as configured), any type. */
const struct xform *xform_lookup_name(const char *shortname);
/* The whole table, for show output and proposal building. */
const struct xform *xform_table(size_t *count);
/* Name of a transform type ("ENCR", "PRF", "INTEG", "DH", "ESN") */
const char *xform_type_name(uint8_t type);
/*
 * Name of a transform for logs: the IANA name, or "<type>_<id>" in buf for
 * an ID the table does not know.
 */
const char *xform_name(uint8_t type, uint16_t id, char *buf, size_t buflen);

#endif
