/*
 * test_fw.c - the firewall seam (engine/fw) through its fake: the text of
 * each transaction, that it replaces only `table inet ikesh`, that an
 * unchanged ruleset is not sent again, removal, and refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw.h"

static struct eng_prefix pfx(const char *s)
{
	struct eng_prefix p;

	assert_int_equal(eng_prefix_parse(s, &p), 0);
	return p;
}

struct one {
	struct eng_prefix l[2], r[2];
	struct fw_tunnel t;
};

static void one_init(struct one *o, const char *name, const char *peer)
{
	memset(o, 0, sizeof(*o));
	o->l[0] = pfx("10.1.0.0/24");
	o->r[0] = pfx("10.2.0.0/24");
	o->l[1] = pfx("2001:db8:1::/64");
	o->r[1] = pfx("2001:db8:2::/64");
	o->t.name = name;
	o->t.local = o->l;
	o->t.remote = o->r;
	o->t.n_local = o->t.n_remote = 1;
	if (peer) {
		assert_int_equal(eng_addr_parse(peer, &o->t.peer[0]), 0);
		o->t.n_peer = 1;
	}
}

/* Every `table` the text names is ours. */
static void only_our_table(const char *text)
{
	const char *p = text;
	size_t n = 0;

	while ((p = strstr(p, "table ")) != NULL) {
		assert_memory_equal(p, "table inet ikesh", 16);
		assert_true(p[16] == '\n' || p[16] == ' ');
		p += 6;
		n++;
	}
	assert_int_equal(n, 3);
}

static void test_one_tunnel(void **state)
{
	struct fw *fw;
	struct one o;
	const char *text;

	(void)state;
	assert_int_equal(fw_open(FW_IMPL_FAKE, &fw), 0);
	one_init(&o, "HQ", "192.0.2.2");
	assert_int_equal(fw_apply(fw, &o.t, 1), 0);
	assert_int_equal(fw_fake_transactions(fw), 1);
	text = fw_fake_last(fw);
	/* the old table goes in the same transaction as the new one comes */
	assert_memory_equal(
	    text, "table inet ikesh\ndelete table inet ikesh\ntable inet ikesh {\n",
	    strlen("table inet ikesh\ndelete table inet ikesh\ntable inet ikesh {\n"));
	only_our_table(text);
	assert_non_null(strstr(text, "type filter hook input priority filter; policy accept;"));
	assert_non_null(strstr(text, "type filter hook forward priority filter; policy accept;"));
	assert_non_null(strstr(text, "ip saddr 192.0.2.2 udp dport { 500, 4500 } accept comment "
				     "\"HQ\"\n"));
	assert_non_null(
	    strstr(text, "ip saddr 192.0.2.2 meta l4proto { esp, ah } accept comment \"HQ\"\n"));
	assert_non_null(strstr(text, "ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta ipsec exists "
				     "accept comment \"HQ\"\n"));
	assert_non_null(
	    strstr(text, "ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 counter drop comment \"HQ: "
			 "in clear\"\n"));
	assert_non_null(strstr(text, "ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 rt ipsec exists "
				     "accept comment \"HQ\"\n"));
	assert_non_null(
	    strstr(text, "ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 counter drop comment \"HQ: "
			 "in clear\"\n"));
	/* the accept comes before the drop of the same pair */
	assert_true(strstr(text, "10.1.0.0/24 meta ipsec exists accept") <
		    strstr(text, "10.1.0.0/24 counter drop"));
	assert_string_equal(fw_installed(fw), text);

	/* the same again: nothing sent */
	assert_int_equal(fw_apply(fw, &o.t, 1), 0);
	assert_int_equal(fw_fake_transactions(fw), 1);

	/* the last tunnel gone: the table deleted, and only it */
	assert_int_equal(fw_apply(fw, NULL, 0), 0);
	assert_int_equal(fw_fake_transactions(fw), 2);
	assert_string_equal(fw_fake_last(fw), "table inet ikesh\ndelete table inet ikesh\n");
	assert_string_equal(fw_installed(fw), "");
	/* nothing of ours left: nothing sent */
	assert_int_equal(fw_apply(fw, NULL, 0), 0);
	assert_int_equal(fw_fake_transactions(fw), 2);
	fw_close(fw);
}

/* Pairs of one family only; IPv6 with ip6; several tunnels in one table. */
static void test_families_and_two_tunnels(void **state)
{
	struct fw *fw;
	struct one a, b;
	struct fw_tunnel v[2];
	const char *text;

	(void)state;
	assert_int_equal(fw_open(FW_IMPL_FAKE, &fw), 0);
	one_init(&a, "A", "192.0.2.2");
	a.t.n_local = a.t.n_remote = 2;
	one_init(&b, "B", NULL);
	b.t.any_peer = true;
	v[0] = a.t;
	v[1] = b.t;
	assert_int_equal(fw_apply(fw, v, 2), 0);
	text = fw_fake_last(fw);
	only_our_table(text);
	assert_non_null(strstr(text, "ip6 saddr 2001:db8:2::/64 ip6 daddr 2001:db8:1::/64 meta "
				     "ipsec exists accept comment \"A\""));
	/* no rule mixes the families */
	assert_null(strstr(text, "ip saddr 2001"));
	assert_null(strstr(text, "ip6 saddr 10."));
	assert_null(strstr(text, "ip6 daddr 10."));
	/* remote-address any: from anywhere */
	assert_non_null(strstr(text, "\t\tudp dport { 500, 4500 } accept comment \"B\"\n"));
	assert_non_null(strstr(text, "comment \"B: in clear\""));
	fw_close(fw);
}

/* A refused transaction leaves what was installed, and says why. */
static void test_failure_keeps_table(void **state)
{
	struct fw *fw;
	struct one a, b;
	char *before;

	(void)state;
	assert_int_equal(fw_open(FW_IMPL_FAKE, &fw), 0);
	one_init(&a, "A", "192.0.2.2");
	assert_int_equal(fw_apply(fw, &a.t, 1), 0);
	before = strdup(fw_installed(fw));
	assert_non_null(before);
	one_init(&b, "B", "192.0.2.3");
	fw_fake_fail_next(fw, 1);
	assert_int_equal(fw_apply(fw, &b.t, 1), -1);
	assert_non_null(strstr(fw_error(fw), "the fake refused"));
	assert_string_equal(fw_installed(fw), before);
	assert_int_equal(fw_fake_transactions(fw), 1);
	/* and the next one goes through */
	assert_int_equal(fw_apply(fw, &b.t, 1), 0);
	assert_non_null(strstr(fw_installed(fw), "192.0.2.3"));
	free(before);
	fw_close(fw);
}

/* A name that could leave the comment's quotes is refused, nothing sent. */
static void test_hostile_name(void **state)
{
	struct fw *fw;
	struct one a;
	char buf[256];

	(void)state;
	assert_int_equal(fw_open(FW_IMPL_FAKE, &fw), 0);
	one_init(&a, "x\" accept; table ip filter {", "192.0.2.2");
	assert_int_equal(fw_apply(fw, &a.t, 1), -EINVAL);
	assert_int_equal(fw_fake_transactions(fw), 0);
	assert_int_equal(fw_tunnel_rules(&a.t, buf, sizeof(buf)), -EINVAL);
	a.t.name = "a\\b";
	assert_int_equal(fw_apply(fw, &a.t, 1), -EINVAL);
	a.t.name = "";
	assert_int_equal(fw_apply(fw, &a.t, 1), -EINVAL);
	assert_int_equal(fw_fake_transactions(fw), 0);
	fw_close(fw);
}

/* One tunnel's rules as status shows them, and a short buffer. */
static void test_tunnel_rules(void **state)
{
	struct one a;
	char buf[2048], small[40];

	(void)state;
	one_init(&a, "HQ", "192.0.2.2");
	assert_int_equal(fw_tunnel_rules(&a.t, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "input: ip saddr 192.0.2.2 udp dport { 500, 4500 } accept"));
	assert_non_null(strstr(buf, "input: ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta ipsec "
				    "missing counter drop"));
	assert_non_null(strstr(buf, "forward: ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta ipsec "
				    "exists accept"));
	assert_int_equal(fw_tunnel_rules(&a.t, small, sizeof(small)), -ENOSPC);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_tunnel),
	    cmocka_unit_test(test_families_and_two_tunnels),
	    cmocka_unit_test(test_failure_keeps_table),
	    cmocka_unit_test(test_hostile_name),
	    cmocka_unit_test(test_tunnel_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
