/*
 * test_roundtrip.c - running-config -> fresh engine -> running-config is
 * identical, for every example and for randomly generated configurations;
 * the objects read back are equal field by field.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "grammar_util.h"

static char *show_run_secrets(struct gsess *g)
{
	char *nl;

	gs_reset(g);
	if (gs_run(g, "show running-config secrets", NULL) != CMD_OK)
		fail_msg("show running-config failed: %s", g->err);
	nl = strchr(g->out, '\n');
	return strdup(nl ? nl + 1 : "");
}

/* Open a fresh engine whose startup-config is `text`. */
static void open_with_startup(struct gsess *g, const char *text)
{
	char dir[] = "/tmp/ikesh-test-XXXXXX", path[512];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/state/startup-config", dir);
	assert_int_equal(write_file(path, text), 0);
	assert_int_equal(gsess_open(g, dir, ENG_ROLE_ADMIN), 0);
	for (size_t i = 0; i < g->open_diag.n; i++)
		print_error("%s\n", g->open_diag.lines[i]);
	assert_int_equal(g->open_diag.n, 0);
}

/* Every object of a and b is equal (eng_obj_equal), and the key sets match. */
static void assert_same_objects(struct gsess *a, struct gsess *b)
{
	static const size_t size[ENG_OBJ_KINDS] = {
	    sizeof(struct eng_global),	     sizeof(struct eng_ikev1_policy),
	    sizeof(struct eng_ikev2_policy), sizeof(struct eng_ipsec_policy),
	    sizeof(struct eng_trustpoint),   sizeof(struct eng_tunnel)};

	for (int kind = ENG_OBJ_IKEV1; kind < ENG_OBJ_KINDS; kind++) {
		struct eng_keys ka = {0}, kb = {0};

		assert_int_equal(eng_keys(a->es, ENG_RUNNING, kind, &ka), 0);
		assert_int_equal(eng_keys(b->es, ENG_RUNNING, kind, &kb), 0);
		assert_int_equal(ka.n, kb.n);
		for (size_t i = 0; i < ka.n; i++) {
			void *x = calloc(1, size[kind]), *y = calloc(1, size[kind]);
			assert_string_equal(ka.keys[i], kb.keys[i]);
			assert_int_equal(eng_obj_get(a->es, ENG_RUNNING, kind, ka.keys[i], x), 0);
			assert_int_equal(eng_obj_get(b->es, ENG_RUNNING, kind, kb.keys[i], y), 0);
			if (!eng_obj_equal(kind, x, y))
				fail_msg("object %s of kind %d differs after the round trip",
					 ka.keys[i], kind);
			eng_obj_clear(kind, x);
			eng_obj_clear(kind, y);
			free(x);
			free(y);
		}
		eng_keys_free(&ka);
		eng_keys_free(&kb);
	}
}

/* The example without its leading comment block. */
static const char *skip_header(const char *text)
{
	while (strncmp(text, "! ", 2) == 0 || (strncmp(text, "!\n", 2) == 0 && text[2] == '!')) {
		const char *nl = strchr(text, '\n');
		if (!nl)
			break;
		text = nl + 1;
	}
	return text;
}

static void test_examples(void **state)
{
	DIR *d = opendir(IKESH_EXAMPLES_DIR);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", IKESH_EXAMPLES_DIR, e->d_name);
		char *text = read_file(path);
		assert_non_null(text);
		struct gsess a, b;
		open_with_startup(&a, text);
		char *run1 = show_run_secrets(&a);
		/* examples are written in canonical form */
		if (strcmp(run1, skip_header(text)) != 0)
			fail_msg("%s is not what show running-config prints:\n%s", e->d_name, run1);
		open_with_startup(&b, run1);
		char *run2 = show_run_secrets(&b);
		assert_string_equal(run1, run2);
		assert_same_objects(&a, &b);
		free(run1);
		free(run2);
		free(text);
		gsess_close(&a, true);
		gsess_close(&b, true);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

/* ---- Random configurations ------------------------------------------- */

static unsigned rnd(unsigned n)
{
	return (unsigned)random() % n;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}
#define PICK(v) pick(v, sizeof(v) / sizeof(v[0]))

static void add_list(char *buf, size_t len, const char *cmd, const char *const *v, size_t n)
{
	size_t k = 1 + rnd(n < 3 ? (unsigned)n : 3), used = 0;
	unsigned char seen[16] = {0};

	snprintf(buf + strlen(buf), len - strlen(buf), " %s", cmd);
	while (used < k) {
		unsigned i = rnd((unsigned)n);
		if (seen[i])
			continue;
		seen[i] = 1;
		used++;
		snprintf(buf + strlen(buf), len - strlen(buf), " %s", v[i]);
	}
	snprintf(buf + strlen(buf), len - strlen(buf), "\n");
}

static const char *const cbc[] = {"aes128", "aes192", "aes256", "3des"};
static const char *const aead[] = {"aes128-gcm", "aes256-gcm", "chacha20-poly1305"};
static const char *const hashes[] = {"md5", "sha1", "sha256", "sha384", "sha512"};
static const char *const groups[] = {"1", "2", "5", "14", "15", "16", "19", "20", "21", "31"};

/* A random but valid configuration, as commands. */
static char *random_config(unsigned seed)
{
	size_t cap = 1 << 16;
	char *b = calloc(1, cap);
	unsigned n_v2 = 1 + rnd(3), n_ip = 1 + rnd(3), n_t = rnd(6);

	srandom(seed);
	if (rnd(2))
		snprintf(b + strlen(b), cap - strlen(b), "hostname gw-%u\n", rnd(1000));
	for (unsigned i = 0, n_tp = rnd(3); i < n_tp; i++) {
		snprintf(b + strlen(b), cap - strlen(b), "crypto pki trustpoint TP%u\n", i);
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " keypair key-%u\n", rnd(9));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b),
				 " subject-name C=DE, O=Ex %u, CN=gw%u\n", rnd(9), rnd(9));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " revocation-check %s\n",
				 rnd(2) ? "crl" : "none");
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " crl file /var/crl-%u.pem\n",
				 rnd(9));
	}
	for (unsigned i = 1; i <= n_v2; i++) {
		snprintf(b + strlen(b), cap - strlen(b), "crypto ikev2 policy %u\n", i);
		if (rnd(2)) {
			add_list(b, cap, "encryption", aead, 3);
			add_list(b, cap, "prf", hashes, 5);
		} else {
			if (rnd(2))
				add_list(b, cap, "encryption", cbc, 4);
			if (rnd(2))
				add_list(b, cap, "integrity", hashes, 5);
			if (rnd(2))
				add_list(b, cap, "prf", hashes, 5);
		}
		if (rnd(2))
			add_list(b, cap, "group", groups, 10);
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " lifetime %u\n",
				 120 + rnd(86281));
	}
	snprintf(b + strlen(b), cap - strlen(b), "crypto ikev1 policy 100\n encryption aes128\n");
	for (unsigned i = 0; i < n_ip; i++) {
		snprintf(b + strlen(b), cap - strlen(b), "crypto ipsec policy P%u\n", i);
		if (rnd(3) == 0) {
			snprintf(b + strlen(b), cap - strlen(b), " protocol ah\n");
			add_list(b, cap, "integrity", hashes, 5);
		} else if (rnd(2)) {
			add_list(b, cap, "encryption", aead, 3);
		} else {
			add_list(b, cap, "encryption", cbc, 4);
			add_list(b, cap, "integrity", hashes, 5);
		}
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " mode %s\n",
				 rnd(2) ? "tunnel" : "transport");
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " pfs group %s\n", PICK(groups));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " lifetime seconds %u\n",
				 120 + rnd(3000));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " lifetime kilobytes %u\n",
				 2560 + rnd(100000));
	}
	for (unsigned i = 0; i < n_t; i++) {
		bool v1 = rnd(4) == 0, responder = rnd(5) == 0;
		snprintf(b + strlen(b), cap - strlen(b), "ipsec tunnel T%u-%u\n", i, rnd(100));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " description tunnel %u #%u\n", i,
				 rnd(10));
		if (rnd(5) == 0)
			snprintf(b + strlen(b), cap - strlen(b), " shutdown\n");
		if (v1)
			snprintf(b + strlen(b), cap - strlen(b),
				 " ike-version 1\n ike-policy 100\n");
		else if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " ike-policy %u\n", 1 + rnd(n_v2));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " ipsec-policy P%u\n", rnd(n_ip));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " local-address 192.0.2.%u\n",
				 1 + rnd(250));
		if (responder) {
			snprintf(b + strlen(b), cap - strlen(b),
				 " remote-address any\n start-mode responder-only\n");
		} else {
			unsigned nr = 1 + rnd(3);
			for (unsigned k = 0; k < nr; k++)
				snprintf(b + strlen(b), cap - strlen(b),
					 k == 1 ? " remote-address peer%u.example.net\n"
						: " remote-address 198.51.100.%u\n",
					 k * 10 + 1 + rnd(9));
			if (rnd(2))
				snprintf(b + strlen(b), cap - strlen(b), " start-mode %s\n",
					 rnd(2) ? "auto" : "on-demand");
		}
		/* certificate tunnels commit only with imported certificates
		 * (tests/pki): here the trustpoints' own grammar round-trips */
		{
			snprintf(b + strlen(b), cap - strlen(b),
				 " authentication pre-share key \"k %u#%u!\\\"q\"\n", rnd(1000),
				 rnd(1000));
		}
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " local-id fqdn a%u.example\n",
				 rnd(9));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b),
				 " remote-id user-fqdn u%u@x.example\n", rnd(9));
		unsigned ns = rnd(5);
		if (v1 && ns > 1)
			ns = 1; /* IKEv1 negotiates one subnet per side */
		for (unsigned k = 0; k < ns; k++)
			snprintf(b + strlen(b), cap - strlen(b),
				 " local-subnet 10.%u.%u.0/24\n remote-subnet 172.16.%u.0/24\n", i,
				 k, k);
		if (v1 && rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " negotiation-mode aggressive\n");
		if (v1 && rnd(2))
			snprintf(b + strlen(b), cap - strlen(b),
				 " xauth username user%u password \"p w%u\"\n", rnd(9), rnd(9));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " dpd interval %u timeout %u%s\n",
				 5 + rnd(20), 60 + rnd(60), rnd(2) ? " action clear" : "");
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " pfs group %s\n", PICK(groups));
		if (rnd(2))
			snprintf(b + strlen(b), cap - strlen(b), " sa-lifetime %u%s\n",
				 120 + rnd(999), rnd(2) ? " kilobytes 4000" : "");
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b), " sa-idletime %u\n", 1 + rnd(999));
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b), " no rekey\n");
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b), " nat-traversal force\n");
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b), "%s split-connection\n",
				 v1 ? "" : " mobike\n"); /* mobike is IKEv2 only */
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b), " send-cert never\n");
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b),
				 " icmp-detect server 10.9.%u.1 source 10.8.0.1 interval 5 "
				 "timeout 3 retries 2\n",
				 i);
		if (rnd(3) == 0)
			snprintf(b + strlen(b), cap - strlen(b),
				 " xfrm-interface xfrm%u if-id %u\n", i, 100 + i);
	}
	return b;
}

static void test_random(void **state)
{
	for (unsigned seed = 1; seed <= 200; seed++) {
		struct gsess a, b;
		char *cfg = random_config(seed);

		assert_int_equal(gsess_open(&a, NULL, ENG_ROLE_ADMIN), 0);
		assert_int_equal(gs_run(&a, "configure terminal", NULL), CMD_OK);
		if (gs_script(&a, cfg) != CMD_OK)
			fail_msg("seed %u: %s\n%s", seed, a.err, cfg);
		if (gs_run(&a, "commit", NULL) != CMD_OK)
			fail_msg("seed %u: commit: %s\n%s", seed, a.err, cfg);
		gs_run(&a, "end", NULL);
		char *run1 = show_run_secrets(&a);
		open_with_startup(&b, run1);
		char *run2 = show_run_secrets(&b);
		if (strcmp(run1, run2) != 0)
			fail_msg("seed %u:\n%s\n--- reloaded ---\n%s", seed, run1, run2);
		assert_same_objects(&a, &b);
		free(run1);
		free(run2);
		free(cfg);
		gsess_close(&a, true);
		gsess_close(&b, true);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
