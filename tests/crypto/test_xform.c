/* SPDX-License-Identifier: ISC */
/* The transform registry: lookups, names and size invariants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xform.h"

static void test_lookup(void **state)
{
	const struct xform *x;
	char buf[32];

	x = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 256);
	assert_non_null(x);
	assert_string_equal(x->name, "ENCR_AES_CBC");
	assert_string_equal(x->shortname, "aes256");
	assert_int_equal(x->keylen, 32);
	assert_int_equal(x->ivlen, 16);
	assert_null(xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 0));
	assert_null(xform_lookup(XFORM_ENCR, IKE_ENCR_AES_CBC, 100));

	x = xform_lookup(XFORM_ENCR, IKE_ENCR_AES_GCM_8, 128);
	assert_int_equal(x->icvlen, 8);
	assert_int_equal(x->keylen, 20);
	assert_int_equal(x->saltlen, 4);

	x = xform_lookup(XFORM_DH, IKE_DH_ECP521, 0);
	assert_int_equal(x->publen, 132);
	assert_int_equal(x->outlen, 66);

	assert_ptr_equal(xform_lookup_name("x25519"), xform_lookup(XFORM_DH, 31, 0));
	assert_null(xform_lookup_name("rot13"));

	assert_string_equal(xform_name(XFORM_INTEG, 12, buf, sizeof(buf)),
			    "AUTH_HMAC_SHA2_256_128");
	assert_string_equal(xform_name(XFORM_PRF, 99, buf, sizeof(buf)), "PRF_99");
	assert_string_equal(xform_name(XFORM_ESN, 1, buf, sizeof(buf)), "ESN");
	assert_string_equal(xform_type_name(XFORM_DH), "DH");
}

/* Invariants every row must keep; a typo in the table fails here. */
static void test_table_invariants(void **state)
{
	size_t n;
	const struct xform *t = xform_table(&n);

	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		const struct xform *x = &t[i];

		assert_non_null(x->name);
		assert_non_null(x->shortname);
		/* short names are unique: configuration relies on it */
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(x->shortname, t[j].shortname);
		switch (x->type) {
		case XFORM_ENCR:
			if (x->kind == XK_AEAD) {
				assert_int_equal(x->saltlen, 4);
				assert_int_equal(x->ivlen, 8);
				assert_true(x->icvlen == 8 || x->icvlen == 12 || x->icvlen == 16);
			}
			if (x->flags & XF_KEYATTR)
				assert_int_equal(x->keylen - x->saltlen, x->keybits / 8);
			break;
		case XFORM_PRF:
			assert_int_equal(x->keylen, x->outlen);
			break;
		case XFORM_INTEG:
			assert_int_equal(x->icvlen * 2 <= x->keylen || x->id <= 2, 1);
			break;
		case XFORM_DH:
			assert_true(x->publen == x->outlen || x->publen == 2 * x->outlen);
			break;
		default:
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_table_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
