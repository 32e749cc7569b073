/*
 * test_json.c - the JSON writer of `| json`: RFC 8259 escapes, UTF-8,
 * numbers as numbers, balanced containers; and the tunnel status objects
 * with SAs and counters (`--dump` prints them for json_check.py, which
 * reads them with Python's JSON parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "json.h"

static char *one_string(const char *v, size_t len)
{
	struct json j = {0};

	json_arr_open(&j, NULL);
	json_strn(&j, NULL, v, len);
	json_arr_close(&j);
	return json_take(&j);
}

static void check_string(const char *in, size_t len, const char *want)
{
	char *got = one_string(in, len);
	char expect[512];

	snprintf(expect, sizeof(expect), "[\n  %s\n]\n", want);
	assert_non_null(got);
	assert_string_equal(got, expect);
	free(got);
}

static void test_escapes(void **state)
{
	check_string("plain", 5, "\"plain\"");
	check_string("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_string("l1\nl2\tx\r", 8, "\"l1\\nl2\\tx\\r\"");
	check_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	check_string("a\0b", 3, "\"a\\u0000b\"");
	check_string("/", 1, "\"/\"");
}

static void test_utf8(void **state)
{
	check_string("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");			 /* é kept */
	check_string("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");			 /* € kept */
	check_string("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");		 /* U+1F600 */
	check_string("\xff", 1, "\"\\ufffd\"");					 /* never valid */
	check_string("\xc3", 1, "\"\\ufffd\"");					 /* cut short */
	check_string("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");			 /* overlong */
	check_string("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");		 /* surrogate */
	check_string("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
}

static void test_numbers_and_layout(void **state)
{
	struct json j = {0};
	char *s;

	json_obj_open(&j, NULL);
	json_u64(&j, "max", UINT64_MAX);
	json_i64(&j, "neg", -5);
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_arr_open(&j, "empty");
	json_arr_close(&j);
	json_obj_open(&j, "o");
	json_obj_close(&j);
	json_obj_close(&j);
	s = json_take(&j);
	assert_non_null(s);
	assert_string_equal(s, "{\n"
			       "  \"max\": 18446744073709551615,\n"
			       "  \"neg\": -5,\n"
			       "  \"t\": true,\n"
			       "  \"n\": null,\n"
			       "  \"empty\": [],\n"
			       "  \"o\": {}\n"
			       "}\n");
	free(s);
}

static void test_unbalanced_refused(void **state)
{
	struct json j = {0};

	json_obj_open(&j, NULL);
	assert_null(json_take(&j)); /* left open */
	json_obj_close(&j);
	assert_null(json_take(&j)); /* closed, never opened */
	json_u64(&j, NULL, 1);
	json_u64(&j, NULL, 2);
	assert_null(json_take(&j)); /* two top-level values */
	for (int i = 0; i < JSON_DEPTH_MAX + 1; i++)
		json_arr_open(&j, NULL);
	for (int i = 0; i < JSON_DEPTH_MAX + 1; i++)
		json_arr_close(&j);
	assert_null(json_take(&j)); /* too deep */
}

/* One tunnel up with one CHILD_SA and counters, one down with a reason. */
static void sample(struct eng_tunnel_status v[2])
{
	struct eng_child_status *c = &v[0].child[0];

	memset(v, 0, 2 * sizeof(v[0]));
	snprintf(v[0].name, sizeof(v[0].name), "HQ");
	v[0].tunnel_id = 3;
	v[0].state = ENG_TUN_UP;
	v[0].ike_up = v[0].initiator = true;
	eng_addr_parse("192.0.2.1", &v[0].local);
	eng_addr_parse("192.0.2.2", &v[0].remote);
	v[0].local_port = v[0].remote_port = 500;
	memcpy(v[0].spi_i, "\x00\x0d\x36\x69\x85\x7a\x0f\x82", 8);
	memcpy(v[0].spi_r, "\xe0\x41\x9b\x1d\xb0\x2d\xe6\xae", 8);
	v[0].ike_encr = ENG_ENCR_AES256_GCM;
	v[0].ike_prf = ENG_HASH_SHA256;
	v[0].ike_group = 19;
	v[0].ike_lifetime = 86400;
	v[0].ike_established = 1000;
	v[0].dpd_interval = 30;
	v[0].dpd_timeout = 120;
	v[0].n_child = 1;
	c->spi_in = 0xA54D38A4;
	c->spi_out = 0x2E8482F8;
	c->proto = ENG_PROTO_ESP;
	c->mode = ENG_MODE_TUNNEL;
	c->encr = ENG_ENCR_AES256_GCM;
	c->pfs_group = 19;
	eng_prefix_parse("10.1.0.0/24", &c->local_ts);
	eng_prefix_parse("10.2.0.0/24", &c->remote_ts);
	c->in = (struct eng_sa_count){.bytes = 279 * 100, .packets = 279, .replay_errors = 2};
	c->out = (struct eng_sa_count){.bytes = 164 * 100, .packets = 164, .integrity_errors = 0};
	c->established = 1100;
	c->lifetime_s = 3600;
	c->lifetime_kb = 4608000;
	v[0].total_in = (struct eng_sa_count){.bytes = 50000, .packets = 500};
	v[0].total_out = (struct eng_sa_count){.bytes = 40000, .packets = 400};
	snprintf(v[1].name, sizeof(v[1].name), "B\"R\\1");
	v[1].tunnel_id = 4;
	v[1].state = ENG_TUN_DOWN;
	snprintf(v[1].reason, sizeof(v[1].reason),
		 "peer 198.51.100.2 rejected our proposal: NO_PROPOSAL_CHOSEN\n(offered aes256)");
	v[1].reason_at = 1200;
}

static void test_status_objects(void **state)
{
	struct eng_tunnel_status v[2];
	struct json j = {0};
	char *s;

	sample(v);
	jw_ipsec_sas(&j, v, 2, 1500);
	s = json_take(&j);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"spi_in\": 2773301412,"));
	assert_non_null(strstr(s, "\"remaining_seconds\": 3200,"));
	assert_non_null(strstr(s, "\"replay_errors\": 2,"));
	assert_non_null(strstr(s, "\"remaining_kilobytes\": 4607973\n"));
	assert_non_null(strstr(s, "\"name\": \"B\\\"R\\\\1\""));
	free(s);
	jw_ike_sas(&j, v, 2, 1500);
	s = json_take(&j);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"local_spi\": \"000D3669857A0F82\""));
	assert_non_null(strstr(s, "\"active_seconds\": 500,"));
	assert_null(strstr(s, "B\\\"R")); /* no IKE SA: not listed */
	free(s);
}

/* `--dump`: every status object of the sample, one per line group,
 * separated by a line "--". */
static int dump(void)
{
	struct eng_tunnel_status v[2];
	void (*const fns[])(struct json *, const struct eng_tunnel_status *, size_t,
			    time_t) = {jw_tunnels, jw_ike_sas, jw_ipsec_sas, jw_sessions};
	struct eng_ike_stats st = {.rx = 10, .tx = 12, .ike_active = 1};

	sample(v);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		struct json j = {0};
		char *s;

		fns[i](&j, v, 2, 1500);
		s = json_take(&j);
		if (!s)
			return 1;
		printf("%s--\n", s);
		free(s);
	}
	struct json j = {0};
	jw_ike_stats(&j, &st);
	char *s = json_take(&j);
	if (!s)
		return 1;
	printf("%s", s);
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_numbers_and_layout),
	    cmocka_unit_test(test_unbalanced_refused),
	    cmocka_unit_test(test_status_objects),
	};

	if (argc > 1 && strcmp(argv[1], "--dump") == 0)
		return dump();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
