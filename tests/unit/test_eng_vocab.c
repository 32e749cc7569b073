/*
 * test_eng_vocab.c - algorithm names, groups, addresses, prefixes and
 * diagnostics.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "engine.h"

static void test_encr_names_round_trip(void **state)
{
	for (int e = ENG_ENCR_AES128; e < ENG_ENCR_COUNT; e++)
		assert_int_equal(eng_encr_parse(eng_encr_name(e)), e);
	for (int h = ENG_HASH_MD5; h < ENG_HASH_COUNT; h++)
		assert_int_equal(eng_hash_parse(eng_hash_name(h)), h);
	assert_string_equal(eng_encr_name(ENG_ENCR_AES256_GCM), "aes256-gcm");
	assert_string_equal(eng_encr_name(ENG_ENCR_CHACHA20_POLY1305), "chacha20-poly1305");
	assert_string_equal(eng_hash_name(ENG_HASH_SHA384), "sha384");
	assert_string_equal(eng_encr_name(ENG_ENCR_COUNT), "?");
	assert_string_equal(eng_encr_name(ENG_ENCR_NONE), "?");
	assert_int_equal(eng_encr_parse("aes257"), -EINVAL);
	assert_int_equal(eng_encr_parse("AES256"), -EINVAL); /* the grammar folds case */
	assert_int_equal(eng_encr_parse(""), -EINVAL);
	assert_int_equal(eng_encr_parse(NULL), -EINVAL);
	assert_int_equal(eng_hash_parse("sha3"), -EINVAL);
}

static void test_aead_and_groups(void **state)
{
	int aead = 0;

	for (int e = 0; e < ENG_ENCR_COUNT; e++)
		aead += eng_encr_is_aead(e);
	assert_int_equal(aead, 3);
	assert_true(eng_encr_is_aead(ENG_ENCR_AES128_GCM));
	assert_true(eng_encr_is_aead(ENG_ENCR_CHACHA20_POLY1305));
	assert_false(eng_encr_is_aead(ENG_ENCR_AES256));
	assert_false(eng_encr_is_aead(ENG_ENCR_NULL));
	static const unsigned ok[] = {1, 2, 5, 14, 15, 16, 19, 20, 21, 31};
	unsigned n = 0;
	for (unsigned g = 0; g < 300; g++)
		n += eng_group_valid(g);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < 10; i++)
		assert_true(eng_group_valid(ok[i]));
	assert_false(eng_group_valid(0));
	assert_false(eng_group_valid(22));
}

static void test_addresses(void **state)
{
	struct eng_addr a, b;
	char buf[64];

	assert_int_equal(eng_addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_string_equal(eng_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(eng_addr_parse("2001:DB8::1", &b), 0);
	assert_int_equal(b.family, AF_INET6);
	assert_string_equal(eng_addr_str(&b, buf, sizeof(buf)), "2001:db8::1");
	assert_false(eng_addr_equal(&a, &b));
	assert_int_equal(eng_addr_parse("192.0.2.1", &b), 0);
	assert_true(eng_addr_equal(&a, &b));
	b.bytes[15] = 9; /* past the IPv4 bytes: not part of the address */
	assert_true(eng_addr_equal(&a, &b));
	b.bytes[3] = 2;
	assert_false(eng_addr_equal(&a, &b));
	static const char *const bad[] = {"300.1.1.1", "1.2.3",	   "1.2.3.4.5", "",
					  "::g",       "1.2.3.4 ", " 1.2.3.4",	"peer.example.com"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a.family = 77;
		assert_int_equal(eng_addr_parse(bad[i], &a), -EINVAL);
		assert_int_equal(a.family, 77); /* untouched on error */
	}
	assert_int_equal(eng_addr_parse(NULL, &a), -EINVAL);
}

static void test_prefixes(void **state)
{
	struct eng_prefix p;
	char buf[64];

	assert_int_equal(eng_prefix_parse("10.0.0.0/8", &p), 0);
	assert_int_equal(p.len, 8);
	assert_string_equal(eng_prefix_str(&p, buf, sizeof(buf)), "10.0.0.0/8");
	assert_int_equal(eng_prefix_parse("10.1.2.0/23", &p), 0);
	assert_int_equal(eng_prefix_parse("10.1.3.0/23", &p), -EINVAL); /* host bit 8 */
	assert_int_equal(eng_prefix_parse("10.0.0.1/24", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.1/32", &p), 0);
	assert_int_equal(eng_prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(eng_prefix_parse("1.0.0.0/0", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0/33", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0/", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0/08", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0/-1", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("10.0.0.0/8x", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("2001:db8::/32", &p), 0);
	assert_string_equal(eng_prefix_str(&p, buf, sizeof(buf)), "2001:db8::/32");
	assert_int_equal(eng_prefix_parse("2001:db8::1/64", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("2001:db8::1/128", &p), 0);
	assert_int_equal(eng_prefix_parse("2001:db8::/129", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("2001:db8:8000::/32", &p), -EINVAL);
	assert_int_equal(eng_prefix_parse("2001:db8:8000::/33", &p), 0);
}

static void test_diag(void **state)
{
	struct eng_diag d = {0};

	eng_diag_addf(&d, "tunnel %s: ike-policy %u does not exist", "HQ", 7);
	eng_diag_addf(&d, "second");
	assert_int_equal(d.n, 2);
	assert_string_equal(d.lines[0], "tunnel HQ: ike-policy 7 does not exist");
	assert_string_equal(d.lines[1], "second");
	eng_diag_free(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.lines);
	eng_diag_addf(NULL, "ignored");
	eng_diag_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encr_names_round_trip),
	    cmocka_unit_test(test_aead_and_groups),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_diag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
