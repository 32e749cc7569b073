/*
 * test_grammar.c - the command language through cmd_exec against a real
 * engine: words, abbreviations, errors, modes, every setting and its `no`
 * form, canonical text, filters, secrets, and round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grammar_util.h"

static int setup(void **state)
{
	struct gsess *g = calloc(1, sizeof(*g));

	if (!g || gsess_open(g, NULL, ENG_ROLE_ADMIN))
		return -1;
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	gsess_close(*state, true);
	free(*state);
	return 0;
}

static const char *prompt(struct gsess *g)
{
	static char buf[128];

	return cmd_prompt(g->cs, buf, sizeof(buf));
}

#define RUN_OK(g, line)                                                                            \
	do {                                                                                       \
		struct cmd_result r_;                                                              \
		if (gs_run(g, line, &r_) != CMD_OK)                                                \
			fail_msg("`%s` failed: %s / %s", line, r_.msg, g->err ? g->err : "");      \
	} while (0)

static void test_abbreviations(void **state)
{
	struct gsess *g = *state;

	assert_string_equal(prompt(g), "ikesh#");
	RUN_OK(g, "conf t");
	assert_string_equal(prompt(g), "ikesh(config)#");
	RUN_OK(g, "end");
	assert_string_equal(prompt(g), "ikesh#");
	RUN_OK(g, "sh ver");
	assert_non_null(strstr(g->out, "ikesh version"));
	RUN_OK(g, "CONF T"); /* words are case-insensitive, as on IOS */
	assert_string_equal(prompt(g), "ikesh(config)#");
}

static void test_ambiguous(void **state)
{
	struct gsess *g = *state;
	struct cmd_result r;

	assert_int_equal(gs_run(g, "c", &r), CMD_AMBIGUOUS); /* configure, copy */
	assert_string_equal(r.msg, "% Ambiguous command: \"c\"");
	assert_int_equal(gs_run(g, "show c", &r), CMD_AMBIGUOUS);
	assert_string_equal(r.msg, "% Ambiguous command: \"show c\"");
}

static void test_invalid_caret(void **state)
{
	struct gsess *g = *state;
	struct cmd_result r;

	assert_int_equal(gs_run(g, "show runx", &r), CMD_INVALID);
	assert_int_equal(r.column, 5);
	assert_string_equal(r.msg, "% Invalid input detected at '^' marker.");
	assert_int_equal(gs_run(g, "bogus", &r), CMD_INVALID);
	assert_int_equal(r.column, 0);
	RUN_OK(g, "configure terminal");
	assert_int_equal(gs_run(g, "crypto ikev2 policy 70000", &r), CMD_INVALID);
	assert_int_equal(r.column, 20);
	assert_non_null(strstr(r.msg, "70000 is out of range 1-65535"));
	RUN_OK(g, "crypto ikev2 policy 7");
	assert_int_equal(gs_run(g, "encryption aes256 aes257", &r), CMD_INVALID);
	assert_int_equal(r.column, 18);
	RUN_OK(g, "exit");
	RUN_OK(g, "ipsec tunnel T");
	assert_int_equal(gs_run(g, "local-subnet 10.0.0.1/24", &r), CMD_INVALID);
	assert_non_null(strstr(r.msg, "host bits"));
	assert_int_equal(gs_run(g, "remote-address 300.1.1.1", &r), CMD_INVALID);
	assert_int_equal(gs_run(g, "description \"unterminated", &r), CMD_INVALID);
	assert_non_null(strstr(r.msg, "unterminated quote"));
	/* nothing of the refused lines reached the candidate */
	gs_reset(g);
	RUN_OK(g, "do show configuration changes");
	assert_null(strstr(g->out, "local-subnet"));
	assert_null(strstr(g->out, "aes257"));
}

static void test_incomplete(void **state)
{
	struct gsess *g = *state;
	struct cmd_result r;

	assert_int_equal(gs_run(g, "show", &r), CMD_INCOMPLETE);
	assert_string_equal(r.msg, "% Incomplete command.");
	RUN_OK(g, "conf t");
	assert_int_equal(gs_run(g, "crypto ikev2", &r), CMD_INCOMPLETE);
	assert_int_equal(gs_run(g, "crypto ikev2 policy", &r), CMD_INCOMPLETE);
	RUN_OK(g, "ipsec tunnel A");
	assert_int_equal(gs_run(g, "dpd interval 10", &r), CMD_INCOMPLETE);
	assert_int_equal(gs_run(g, "authentication pre-share key", &r), CMD_INCOMPLETE);
}

static void test_modes(void **state)
{
	struct gsess *g = *state;

	RUN_OK(g, "configure terminal");
	RUN_OK(g, "crypto ikev2 policy 10");
	assert_string_equal(prompt(g), "ikesh(config-ikev2-policy)#");
	RUN_OK(g, "exit");
	assert_string_equal(prompt(g), "ikesh(config)#");
	RUN_OK(g, "crypto ikev1 policy 10");
	assert_string_equal(prompt(g), "ikesh(config-ikev1-policy)#");
	RUN_OK(g, "crypto ipsec policy P"); /* a global command moves to its mode */
	assert_string_equal(prompt(g), "ikesh(config-ipsec-policy)#");
	RUN_OK(g, "ipsec tunnel HQ");
	assert_string_equal(prompt(g), "ikesh(config-ipsec-tunnel)#");
	RUN_OK(g, "hostname gw1"); /* global: back to (config) */
	assert_string_equal(prompt(g), "ikesh(config)#");
	RUN_OK(g, "ipsec tunnel HQ");
	gs_reset(g);
	RUN_OK(g, "do show version");
	assert_non_null(strstr(g->out, "ikesh version"));
	assert_string_equal(prompt(g), "ikesh(config-ipsec-tunnel)#");
	RUN_OK(g, "show version"); /* show works in config modes too */
	assert_string_equal(prompt(g), "ikesh(config-ipsec-tunnel)#");
	RUN_OK(g, "end");
	assert_string_equal(prompt(g), "ikesh#");
}

/* Every setting, the canonical text it produces, and back to nothing. */
static const char *const full_config =
    "hostname gw-1\n"
    "!\n"
    "crypto ikev1 policy 3\n"
    " encryption 3des\n"
    " hash sha1\n"
    " group 2\n"
    " authentication rsa-sig\n"
    " lifetime 3600\n"
    "!\n"
    "crypto ikev2 policy 10\n"
    " encryption aes256 aes128\n"
    " integrity sha512 sha256\n"
    " prf sha512\n"
    " group 21 20 19\n"
    " lifetime 7200\n"
    "!\n"
    "crypto ipsec policy AH\n"
    " protocol ah\n"
    " integrity sha256\n"
    " mode transport\n"
    " pfs group 14\n"
    " lifetime seconds 600\n"
    " lifetime kilobytes 102400\n"
    "!\n"
    "ipsec tunnel ALL\n"
    " description every setting, once\n"
    " shutdown\n"
    " ike-policy 10\n"
    " ipsec-policy AH\n"
    " local-address interface eth0\n"
    " remote-address 192.0.2.7\n"
    " remote-address peer.example.com\n"
    " authentication pre-share key \"a b#c\"\n"
    " local-id user-fqdn ops@example.com\n"
    " remote-id dn \"CN=peer, O=Example\"\n"
    " local-subnet 10.0.0.0/16\n"
    " local-subnet 10.1.0.0/16\n"
    " remote-subnet 10.9.0.0/24\n"
    " dpd interval 10 timeout 40 action hold\n"
    " pfs group 31\n"
    " sa-lifetime 900 kilobytes 5000\n"
    " sa-idletime 300\n"
    " start-mode on-demand\n"
    " no rekey\n"
    " nat-traversal disable\n"
    " mobike\n"
    " split-connection\n"
    " send-cert always\n"
    " icmp-detect server 10.9.0.1 source 10.0.0.1 interval 5 timeout 2 retries 3\n"
    " xfrm-interface ipsec0 if-id 7\n"
    "!\n";

static char *running(struct gsess *g, bool secrets)
{
	gs_reset(g);
	if (gs_run(g, secrets ? "show running-config secrets" : "show running-config", NULL))
		return NULL;
	/* skip "Building configuration..." */
	char *nl = strchr(g->out, '\n');
	return strdup(nl ? nl + 1 : g->out);
}

static void test_every_setting(void **state)
{
	struct gsess *g = *state;
	char *text;

	RUN_OK(g, "configure terminal");
	if (gs_script(g, full_config) != CMD_OK)
		fail_msg("script failed: %s", g->err);
	RUN_OK(g, "commit");
	RUN_OK(g, "end");
	text = running(g, true);
	assert_string_equal(text, full_config);
	free(text);
	/* sealed by default (tests/grammar/test_sealed.c: masked for operators) */
	text = running(g, false);
	assert_non_null(strstr(text, " authentication pre-share key 6 "));
	assert_null(strstr(text, "a b#c"));
	free(text);
}

static void test_no_forms(void **state)
{
	struct gsess *g = *state;
	static const char *const nos =
	    "crypto ikev1 policy 3\n no encryption\n no hash\n no group\n"
	    " no authentication\n no lifetime\n"
	    "crypto ikev2 policy 10\n no encryption\n no integrity\n no prf\n no group\n"
	    " no lifetime\n"
	    "crypto ipsec policy AH\n no protocol\n no integrity\n no mode\n no pfs\n"
	    " no lifetime\n"
	    "ipsec tunnel ALL\n no description\n no shutdown\n no ike-policy\n"
	    " no ipsec-policy\n no local-address\n no remote-address 192.0.2.7\n"
	    " no remote-address\n no authentication\n no local-id\n no remote-id\n"
	    " no local-subnet 10.1.0.0/16\n no local-subnet\n no remote-subnet\n"
	    " no dpd\n no pfs\n no sa-lifetime\n no sa-idletime\n no start-mode\n rekey\n"
	    " no nat-traversal\n no mobike\n no split-connection\n no send-cert\n"
	    " no icmp-detect\n no xfrm-interface\n"
	    "no hostname\n";
	char *text;

	RUN_OK(g, "configure terminal");
	if (gs_script(g, full_config) != CMD_OK)
		fail_msg("script failed: %s", g->err);
	if (gs_script(g, nos) != CMD_OK)
		fail_msg("`no` script failed: %s", g->err);
	gs_reset(g);
	RUN_OK(g, "show configuration");
	assert_string_equal(g->out, "crypto ikev1 policy 3\n!\ncrypto ikev2 policy 10\n!\n"
				    "crypto ipsec policy AH\n!\nipsec tunnel ALL\n!\n");
	RUN_OK(g, "no crypto ikev1 policy 3");
	RUN_OK(g, "no crypto ikev2 policy 10");
	RUN_OK(g, "no crypto ipsec policy AH");
	RUN_OK(g, "no ipsec tunnel ALL");
	gs_reset(g);
	RUN_OK(g, "show configuration");
	assert_string_equal(g->out ? g->out : "", "");
	assert_int_equal(gs_run(g, "no ipsec tunnel ALL", NULL), CMD_FAILED);
	text = g->err;
	assert_non_null(strstr(text, "does not exist"));
}

static void test_commit_errors(void **state)
{
	struct gsess *g = *state;
	char *before, *after;

	before = running(g, true);
	RUN_OK(g, "configure terminal");
	RUN_OK(g, "ipsec tunnel HQ");
	RUN_OK(g, "ike-policy 7");
	RUN_OK(g, "ipsec-policy NOPE");
	RUN_OK(g, "negotiation-mode aggressive");
	gs_reset(g);
	assert_int_equal(gs_run(g, "commit", NULL), CMD_FAILED);
	assert_non_null(strstr(g->err, "tunnel HQ: ike-policy 7 does not exist"));
	assert_non_null(strstr(g->err, "NOPE"));
	assert_non_null(strstr(g->err, "negotiation-mode"));
	assert_non_null(strstr(g->err, "remote-address"));
	after = running(g, true);
	assert_string_equal(before, after); /* nothing applied */
	free(before);
	free(after);
	gs_reset(g);
	assert_int_equal(gs_run(g, "commit check", NULL), CMD_FAILED);
	assert_non_null(strstr(g->err, "Commit check failed"));
}

static void test_filters(void **state)
{
	struct gsess *g = *state;

	RUN_OK(g, "configure terminal");
	if (gs_script(g, full_config) != CMD_OK)
		fail_msg("script failed: %s", g->err);
	RUN_OK(g, "commit");
	RUN_OK(g, "end");
	gs_reset(g);
	RUN_OK(g, "sh run | inc remote-");
	assert_string_equal(g->out, " remote-address 192.0.2.7\n remote-address peer.example.com\n"
				    " remote-id dn \"CN=peer, O=Example\"\n"
				    " remote-subnet 10.9.0.0/24\n");
	gs_reset(g);
	RUN_OK(g, "show running-config | count");
	{
		/* every line of the configuration, and "Building configuration..." */
		size_t lines = 1;
		char want[64];

		for (const char *p = full_config; *p; p++)
			lines += *p == '\n';
		snprintf(want, sizeof(want), "Number of lines which match regexp = %zu\n", lines);
		assert_string_equal(g->out, want);
	}
	gs_reset(g);
	RUN_OK(g, "show running-config | section ^crypto ipsec");
	assert_string_equal(g->out, "crypto ipsec policy AH\n protocol ah\n integrity sha256\n"
				    " mode transport\n pfs group 14\n lifetime seconds 600\n"
				    " lifetime kilobytes 102400\n");
	gs_reset(g);
	RUN_OK(g, "show running-config | begin ^ipsec tunnel | include ^ (sh|mo)");
	assert_string_equal(g->out, " shutdown\n mobike\n");
	gs_reset(g);
	RUN_OK(g, "show running-config | exclude \"^ \" | ex !");
	assert_string_equal(g->out, "Building configuration...\nhostname gw-1\n"
				    "crypto ikev1 policy 3\ncrypto ikev2 policy 10\n"
				    "crypto ipsec policy AH\nipsec tunnel ALL\n");
	struct cmd_result r;
	/* the filter names differ in their first letter: one is enough */
	gs_reset(g);
	assert_int_equal(gs_run(g, "show running-config | e e", &r), CMD_OK);
	assert_string_equal(g->out, "Building configuration...\n!\n hash sha1\n group 2\n!\n"
				    " prf sha512\n group 21 20 19\n!\n protocol ah\n"
				    " pfs group 14\n!\n shutdown\n pfs group 31\n!\n");
	assert_int_equal(gs_run(g, "show running-config | grep x", &r), CMD_INVALID);
	assert_int_equal(gs_run(g, "show running-config | include", &r), CMD_INCOMPLETE);
	assert_int_equal(gs_run(g, "show running-config | include (", &r), CMD_FAILED);
}

static void test_mask_secrets(void **state)
{
	struct gsess *g = *state;
	char *m;

	RUN_OK(g, "configure terminal");
	RUN_OK(g, "ipsec tunnel A");
	m = cmd_mask_secrets(g->cs, "auth pre key \"abc#def\"");
	assert_string_equal(m, "auth pre key *****");
	free(m);
	m = cmd_mask_secrets(g->cs, "xauth password p4ss username bob");
	assert_string_equal(m, "xauth password ***** username bob");
	free(m);
	/* a line that does not parse still loses what follows `key` */
	m = cmd_mask_secrets(g->cs, "authentication pre-share key abc extra");
	assert_string_equal(m, "authentication pre-share key ***** *****");
	free(m);
	m = cmd_mask_secrets(g->cs, "description key to the city");
	assert_string_equal(m, "description key to the city");
	free(m);
	/* a PKCS#12 password in EXEC (do) never reaches history */
	m = cmd_mask_secrets(g->cs, "do crypto pki import TP pkcs12 file /x.p12 password s3cr#t");
	assert_string_equal(m, "do crypto pki import TP pkcs12 file /x.p12 password *****");
	free(m);
	/* the mask is no key */
	struct cmd_result r;
	assert_int_equal(gs_run(g, "authentication pre-share key *****", &r), CMD_INVALID);
}

static void test_operator(void **state)
{
	struct gsess op;
	struct cmd_result r;

	assert_int_equal(gsess_open(&op, NULL, ENG_ROLE_OPERATOR), 0);
	assert_string_equal(cmd_prompt(op.cs, (char[64]){0}, 64), "ikesh>");
	assert_int_equal(gs_run(&op, "configure terminal", &r), CMD_DENIED);
	assert_string_equal(r.msg, "% Error: Access denied");
	assert_int_equal(gs_run(&op, "write memory", &r), CMD_DENIED);
	assert_int_equal(gs_run(&op, "show running-config secrets", &r), CMD_FAILED);
	assert_int_equal(gs_run(&op, "show version", &r), CMD_OK);
	/* Ansible's become: an operator is at level 1 and cannot rise */
	assert_int_equal(gs_run(&op, "show privilege", &r), CMD_OK);
	assert_non_null(strstr(op.out, "Current privilege level is 1\n"));
	assert_int_equal(gs_run(&op, "enable", &r), CMD_FAILED);
	assert_non_null(strstr(op.err, "% Error: Access denied"));
	assert_int_equal(gs_run(&op, "disable", &r), CMD_FAILED);
	assert_string_equal(cmd_prompt(op.cs, (char[64]){0}, 64), "ikesh>");
	gsess_close(&op, true);
}

static void test_help_and_completion(void **state)
{
	struct gsess *g = *state;
	struct cmd_completions c;

	cmd_help(g->cs, "show ");
	assert_non_null(strstr(g->out, "  running-config"));
	assert_non_null(strstr(g->out, "Current operating configuration"));
	gs_reset(g);
	cmd_help(g->cs, "show r");
	assert_string_equal(g->out, "running-config  \n");
	gs_reset(g);
	cmd_help(g->cs, "conf");
	assert_string_equal(g->out, "configure  \n");
	cmd_complete(g->cs, "sh", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.words[0], "show");
	cmd_completions_free(&c);
	RUN_OK(g, "conf t");
	RUN_OK(g, "crypto ikev2 policy 10");
	RUN_OK(g, "crypto ikev2 policy 20");
	gs_reset(g);
	cmd_help(g->cs, "encryption ");
	assert_non_null(strstr(g->out, "  aes256-gcm"));
	assert_non_null(strstr(g->out, "chacha20-poly1305"));
	assert_null(strstr(g->out, "null")); /* not an IKE cipher */
	gs_reset(g);
	cmd_help(g->cs, "encryption aes128 ");
	assert_non_null(strstr(g->out, "<cr>"));
	gs_reset(g);
	cmd_help(g->cs, "lifetime ");
	assert_non_null(strstr(g->out, "<120-86400>"));
	RUN_OK(g, "ipsec tunnel T");
	cmd_complete(g->cs, "ike-policy ", &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.words[0], "10");
	assert_string_equal(c.words[1], "20");
	cmd_completions_free(&c);
	cmd_complete(g->cs, "start-mode on", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.words[0], "on-demand");
	cmd_completions_free(&c);
	cmd_complete(g->cs, "local-address interface l", &c);
	assert_true(c.n >= 1); /* lo exists on every Linux system */
	assert_string_equal(c.words[0], "lo");
	cmd_completions_free(&c);
	gs_reset(g);
	cmd_help(g->cs, "dpd interval 5 ");
	assert_non_null(strstr(g->out, "timeout"));
	assert_non_null(strstr(g->out, "action"));
	assert_null(strstr(g->out, "<cr>")); /* timeout is still missing */
}

static void test_rollback_and_history(void **state)
{
	struct gsess *g = *state;

	RUN_OK(g, "conf t");
	RUN_OK(g, "hostname one");
	RUN_OK(g, "commit comment first change");
	RUN_OK(g, "hostname two");
	RUN_OK(g, "commit");
	RUN_OK(g, "rollback 1");
	gs_reset(g);
	RUN_OK(g, "do show configuration changes");
	assert_non_null(strstr(g->out, "- hostname two"));
	assert_non_null(strstr(g->out, "+ hostname one"));
	RUN_OK(g, "commit");
	RUN_OK(g, "end");
	assert_string_equal(prompt(g), "one#");
	gs_reset(g);
	RUN_OK(g, "show configuration commit list");
	assert_non_null(strstr(g->out, "first change"));
	struct cmd_result r;
	assert_int_equal(gs_run(g, "conf t", &r), CMD_OK);
	assert_int_equal(gs_run(g, "rollback 49", &r), CMD_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_abbreviations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ambiguous, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_caret, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_incomplete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_setting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_forms, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mask_secrets, setup, teardown),
	    cmocka_unit_test(test_operator),
	    cmocka_unit_test_setup_teardown(test_help_and_completion, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback_and_history, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
