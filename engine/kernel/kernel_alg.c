/* SPDX-License-Identifier: ISC */
/*
 * The one table that names IPsec algorithms for the kernel: IKEv2 transform
 * IDs (RFC 7296, IANA) to the kernel's crypto API names, key bytes and ICV
 * or truncation lengths (RFC 4868 for SHA-2: 128/192/256 bits).
 */
#include <stddef.h>

#include "kernel.h"

enum { T_ENCR = 1, T_INTEG = 3 };

static const struct kernel_alg algs[] = {
    /* encryption, type 1 */
    {T_ENCR, 2, 0, false, "cbc(des)", 8, 0},
    {T_ENCR, 3, 0, false, "cbc(des3_ede)", 24, 0},
    {T_ENCR, 11, 0, false, "ecb(cipher_null)", 0, 0},
    {T_ENCR, 12, 128, false, "cbc(aes)", 16, 0},
    {T_ENCR, 12, 192, false, "cbc(aes)", 24, 0},
    {T_ENCR, 12, 256, false, "cbc(aes)", 32, 0},
    {T_ENCR, 18, 128, true, "rfc4106(gcm(aes))", 20, 64},
    {T_ENCR, 18, 192, true, "rfc4106(gcm(aes))", 28, 64},
    {T_ENCR, 18, 256, true, "rfc4106(gcm(aes))", 36, 64},
    {T_ENCR, 19, 128, true, "rfc4106(gcm(aes))", 20, 96},
    {T_ENCR, 19, 192, true, "rfc4106(gcm(aes))", 28, 96},
    {T_ENCR, 19, 256, true, "rfc4106(gcm(aes))", 36, 96},
    {T_ENCR, 20, 128, true, "rfc4106(gcm(aes))", 20, 128},
    {T_ENCR, 20, 192, true, "rfc4106(gcm(aes))", 28, 128},
    {T_ENCR, 20, 256, true, "rfc4106(gcm(aes))", 36, 128},
    {T_ENCR, 28, 0, true, "rfc7539esp(chacha20,poly1305)", 36, 128},
    /* integrity, type 3 */
    {T_INTEG, 1, 0, false, "hmac(md5)", 16, 96},
    {T_INTEG, 2, 0, false, "hmac(sha1)", 20, 96},
    {T_INTEG, 5, 0, false, "xcbc(aes)", 16, 96},
    {T_INTEG, 8, 0, false, "cmac(aes)", 16, 96},
    {T_INTEG, 12, 0, false, "hmac(sha256)", 32, 128},
    {T_INTEG, 13, 0, false, "hmac(sha384)", 48, 192},
    {T_INTEG, 14, 0, false, "hmac(sha512)", 64, 256},
};

const struct kernel_alg *kernel_alg_find(uint8_t type, uint16_t id, uint16_t keybits)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		const struct kernel_alg *a = &algs[i];

		if (a->type == type && a->id == id && a->keybits == keybits)
			return a;
	}
	return NULL;
}
