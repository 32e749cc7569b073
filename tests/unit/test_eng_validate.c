/*
 * test_eng_validate.c - every commit rule: a configuration that breaks it
 * gets exactly the expected line, and one that keeps it gets none.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toy_codec.h"

static struct tenv env;
static struct eng_sess *S;

/* Running holds: ikev2 policy 1 (aes256), ikev1 policy 2, ipsec policy ESP
 * (aes256-gcm); the candidate adds tunnel T, valid, for each case to break. */
static int setup(void **state)
{
	struct eng_ikev2_policy v2 = {.id = 1, .n_encr = 1, .encr = {ENG_ENCR_AES256}};
	struct eng_ikev1_policy v1 = {.id = 2};
	struct eng_ipsec_policy ip = {.name = "ESP", .n_encr = 1, .encr = {ENG_ENCR_AES256_GCM}};

	tenv_open(&env, NULL);
	S = tenv_admin(&env, "admin");
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV2, &v2, NULL), 0);
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV1, &v1, NULL), 0);
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IPSEC, &ip, NULL), 0);
	commit_ok(S, NULL);
	return 0;
}

static int teardown(void **state)
{
	eng_sess_close(S);
	tenv_close(&env);
	return 0;
}

/* T, valid: IKEv2 with policy 1 and ESP, a remote address, a key. */
static void base(struct eng_tunnel *t)
{
	tunnel_init(t, "T", 1);
	t->ike_policy = 1;
	snprintf(t->ipsec_policy, sizeof(t->ipsec_policy), "ESP");
}

static void put_ipsec(struct eng_ipsec_policy *p)
{
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IPSEC, p, NULL), 0);
}

/* Check the candidate; expect exactly `want` (NULL: valid). */
static void expect(const char *want)
{
	struct eng_diag d = {0};
	int rc = commit_check(S, &d);

	if (!want) {
		for (size_t i = 0; i < d.n; i++)
			print_error("unexpected: %s\n", d.lines[i]);
		assert_int_equal(rc, 0);
		assert_int_equal(d.n, 0);
	} else {
		assert_int_equal(rc, -EINVAL);
		if (d.n != 1 || strcmp(d.lines[0], want) != 0) {
			for (size_t i = 0; i < d.n; i++)
				print_error("got: %s\n", d.lines[i]);
			fail_msg("wanted exactly: %s", want);
		}
	}
	eng_diag_free(&d);
	eng_cand_discard(S);
	assert_int_equal(eng_cand_begin(S), 0);
}

static void test_base_is_valid(void **state)
{
	struct eng_tunnel t;

	base(&t);
	put_tunnel(S, &t);
	expect(NULL);
}

static void test_ike_policy_rules(void **state)
{
	struct eng_tunnel t;

	base(&t);
	t.ike_policy = 7;
	put_tunnel(S, &t);
	expect("tunnel T: ike-policy 7 does not exist");
	base(&t);
	t.ike_version = 1; /* policy 1 is in the IKEv2 table */
	put_tunnel(S, &t);
	expect("tunnel T: ike-policy 1 is an IKEv2 policy, but the tunnel uses ike-version 1");
	base(&t);
	t.ike_policy = 2;
	put_tunnel(S, &t);
	expect("tunnel T: ike-policy 2 is an IKEv1 policy, but the tunnel uses ike-version 2");
	base(&t);
	t.ike_version = 1;
	t.ike_policy = 2;
	put_tunnel(S, &t);
	expect(NULL);
	base(&t);
	t.ike_policy = 0; /* none: the defaults */
	put_tunnel(S, &t);
	expect(NULL);
	/* deleting a policy a tunnel uses breaks the tunnel, not the deletion */
	base(&t);
	put_tunnel(S, &t);
	assert_int_equal(eng_obj_del(S, ENG_OBJ_IKEV2, "1"), 0);
	expect("tunnel T: ike-policy 1 does not exist");
}

static void test_ipsec_policy_rules(void **state)
{
	struct eng_tunnel t;
	struct eng_ipsec_policy p = {.name = "P"};

	base(&t);
	snprintf(t.ipsec_policy, sizeof(t.ipsec_policy), "NOPE");
	put_tunnel(S, &t);
	expect("tunnel T: ipsec-policy NOPE does not exist");
	p.n_encr = 1;
	p.encr[0] = ENG_ENCR_AES256_GCM;
	p.n_integ = 1;
	p.integ[0] = ENG_HASH_SHA256;
	put_ipsec(&p);
	expect("ipsec policy P: AEAD encryption (aes256-gcm) takes no integrity");
	p.encr[0] = ENG_ENCR_AES256;
	p.n_integ = 0;
	put_ipsec(&p);
	expect("ipsec policy P: encryption aes256 needs integrity");
	p.encr[0] = ENG_ENCR_NULL;
	put_ipsec(&p);
	expect("ipsec policy P: encryption null needs integrity");
	p.n_integ = 1;
	put_ipsec(&p);
	expect(NULL); /* ESP null with integrity: integrity-only ESP */
	p.encr[0] = ENG_ENCR_AES128;
	put_ipsec(&p);
	expect(NULL);
	p.n_encr = 0; /* integrity alone: the default cipher becomes aes256 */
	put_ipsec(&p);
	expect(NULL);
	p.proto = ENG_PROTO_AH;
	p.n_encr = 1;
	put_ipsec(&p);
	expect("ipsec policy P: protocol ah takes no encryption");
	p.n_encr = 0;
	put_ipsec(&p);
	expect(NULL);
	p.proto = ENG_PROTO_ESP;
	p.n_encr = 2;
	p.encr[0] = ENG_ENCR_AES256;
	p.encr[1] = ENG_ENCR_CHACHA20_POLY1305;
	p.n_integ = 0;
	put_ipsec(&p);
	expect("ipsec policy P: encryption aes256 needs integrity");
}

static void test_ikev2_policy_rules(void **state)
{
	struct eng_ikev2_policy p = {.id = 9, .n_encr = 1, .encr = {ENG_ENCR_AES128_GCM}};

	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV2, &p, NULL), 0);
	expect("ikev2 policy 9: AEAD encryption (aes128-gcm) needs a prf");
	p.n_prf = 1;
	p.prf[0] = ENG_HASH_SHA256;
	p.n_integ = 1;
	p.integ[0] = ENG_HASH_SHA256;
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV2, &p, NULL), 0);
	expect("ikev2 policy 9: AEAD encryption (aes128-gcm) takes no integrity");
	p.n_integ = 0;
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV2, &p, NULL), 0);
	expect(NULL);
	/* AEAD and CBC together: two proposals, the CBC one takes integrity */
	p.n_encr = 2;
	p.encr[1] = ENG_ENCR_AES256;
	p.n_prf = 0;
	assert_int_equal(eng_obj_put(S, ENG_OBJ_IKEV2, &p, NULL), 0);
	expect(NULL);
}

static void test_version_specific_settings(void **state)
{
	struct eng_tunnel t;

	base(&t);
	t.negotiation_mode = ENG_NEG_AGGRESSIVE;
	put_tunnel(S, &t);
	expect("tunnel T: negotiation-mode is for ike-version 1 only");
	base(&t);
	t.xauth_user = strdup("bob");
	t.xauth_password = strdup("pw");
	put_tunnel(S, &t);
	expect("tunnel T: xauth is for ike-version 1 only");
	base(&t);
	t.ike_version = 1;
	t.ike_policy = 2;
	t.mobike = true;
	put_tunnel(S, &t);
	expect("tunnel T: mobike is for ike-version 2 only");
	base(&t);
	t.ike_version = 1;
	t.ike_policy = 2;
	t.negotiation_mode = ENG_NEG_AGGRESSIVE;
	t.xauth_user = strdup("bob");
	t.xauth_password = strdup("pw");
	put_tunnel(S, &t);
	expect(NULL);
}

static void test_remote_rules(void **state)
{
	struct eng_tunnel t;

	base(&t);
	t.n_remote = 0;
	put_tunnel(S, &t);
	expect("tunnel T: remote-address is needed unless start-mode is responder-only");
	base(&t);
	t.n_remote = 0;
	t.start_mode = ENG_START_RESPONDER;
	put_tunnel(S, &t);
	expect(NULL);
	base(&t);
	t.remote[0].kind = ENG_EP_ANY;
	put_tunnel(S, &t);
	expect("tunnel T: remote-address any needs start-mode responder-only");
	base(&t);
	t.remote[0].kind = ENG_EP_ANY;
	t.start_mode = ENG_START_RESPONDER;
	put_tunnel(S, &t);
	expect(NULL);
	base(&t);
	t.n_remote = 2;
	t.remote[1].kind = ENG_EP_ANY;
	t.start_mode = ENG_START_RESPONDER;
	put_tunnel(S, &t);
	expect("tunnel T: remote-address any cannot be combined with addresses");
}

static void test_auth_rules(void **state)
{
	struct eng_tunnel t;

	base(&t);
	t.auth = ENG_AUTH_NONE;
	free(t.psk);
	t.psk = NULL;
	put_tunnel(S, &t);
	expect("tunnel T: authentication is not configured");
	base(&t);
	free(t.psk);
	t.psk = NULL;
	put_tunnel(S, &t);
	expect("tunnel T: authentication pre-share needs a key");
	base(&t);
	t.auth = ENG_AUTH_CERT;
	put_tunnel(S, &t);
	expect("tunnel T: authentication certificate needs a trustpoint");
	base(&t);
	t.auth = ENG_AUTH_CERT;
	t.trustpoint = strdup("CA");
	put_tunnel(S, &t);
	expect("tunnel T: trustpoint CA does not exist");
	{
		struct eng_trustpoint tp = {.name = "CA"};

		assert_int_equal(eng_obj_put(S, ENG_OBJ_TRUSTPOINT, &tp, NULL), 0);
	}
	base(&t);
	t.auth = ENG_AUTH_CERT;
	t.trustpoint = strdup("CA");
	put_tunnel(S, &t);
	/* configured, but nothing imported into it: no CA certificate */
	expect("tunnel T: trustpoint CA has no CA certificate (crypto pki authenticate CA)");
}

static void test_xfrm_if_id_unique(void **state)
{
	struct eng_tunnel t;

	base(&t);
	snprintf(t.xfrm_if.name, sizeof(t.xfrm_if.name), "ipsec0");
	t.xfrm_if.if_id = 7;
	put_tunnel(S, &t);
	base(&t);
	snprintf(t.name, sizeof(t.name), "U");
	snprintf(t.xfrm_if.name, sizeof(t.xfrm_if.name), "ipsec1");
	t.xfrm_if.if_id = 7;
	put_tunnel(S, &t);
	expect("tunnel U: xfrm-interface if-id 7 is also used by tunnel T");
	base(&t);
	snprintf(t.xfrm_if.name, sizeof(t.xfrm_if.name), "ipsec0");
	t.xfrm_if.if_id = 7;
	put_tunnel(S, &t);
	base(&t);
	snprintf(t.name, sizeof(t.name), "U");
	snprintf(t.xfrm_if.name, sizeof(t.xfrm_if.name), "ipsec1");
	t.xfrm_if.if_id = 8;
	put_tunnel(S, &t);
	expect(NULL);
}

static void test_ikev1_one_subnet(void **state)
{
	struct eng_tunnel t;

	base(&t);
	t.ike_version = 1;
	t.ike_policy = 2;
	t.n_local_subnet = 2;
	assert_int_equal(eng_prefix_parse("10.0.0.0/24", &t.local_subnet[0]), 0);
	assert_int_equal(eng_prefix_parse("10.0.1.0/24", &t.local_subnet[1]), 0);
	put_tunnel(S, &t);
	expect("tunnel T: IKEv1 negotiates one local-subnet, not 2");
	base(&t);
	t.ike_version = 1;
	t.ike_policy = 2;
	t.n_remote_subnet = 3;
	assert_int_equal(eng_prefix_parse("10.0.0.0/24", &t.remote_subnet[0]), 0);
	assert_int_equal(eng_prefix_parse("10.0.1.0/24", &t.remote_subnet[1]), 0);
	assert_int_equal(eng_prefix_parse("10.0.2.0/24", &t.remote_subnet[2]), 0);
	put_tunnel(S, &t);
	expect("tunnel T: IKEv1 negotiates one remote-subnet, not 3");
	base(&t); /* IKEv2 carries several */
	t.n_remote_subnet = 2;
	assert_int_equal(eng_prefix_parse("10.0.0.0/24", &t.remote_subnet[0]), 0);
	assert_int_equal(eng_prefix_parse("10.0.1.0/24", &t.remote_subnet[1]), 0);
	put_tunnel(S, &t);
	expect(NULL);
}

/* A caller that does not want the reasons is refused all the same. */
static void test_refused_without_diag(void **state)
{
	struct eng_tunnel t;
	struct eng_commit_req req = {0};

	base(&t);
	t.ike_policy = 7;
	put_tunnel(S, &t);
	assert_int_equal(eng_commit(S, &req, NULL, NULL), -EINVAL);
	req.check_only = true;
	assert_int_equal(eng_commit(S, &req, NULL, NULL), -EINVAL);
	expect("tunnel T: ike-policy 7 does not exist");
}

/* Every violation is listed, each naming its object. */
static void test_all_listed(void **state)
{
	struct eng_tunnel t;
	struct eng_diag d = {0};

	base(&t);
	t.ike_policy = 7;
	snprintf(t.ipsec_policy, sizeof(t.ipsec_policy), "NOPE");
	t.negotiation_mode = ENG_NEG_MAIN;
	t.n_remote = 0;
	put_tunnel(S, &t);
	base(&t);
	snprintf(t.name, sizeof(t.name), "A");
	t.auth = ENG_AUTH_CERT;
	put_tunnel(S, &t);
	assert_int_equal(commit_check(S, &d), -EINVAL);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.lines[0], "tunnel A: authentication certificate needs a trustpoint");
	assert_string_equal(d.lines[1], "tunnel T: ike-policy 7 does not exist");
	assert_string_equal(d.lines[2], "tunnel T: ipsec-policy NOPE does not exist");
	assert_string_equal(d.lines[3], "tunnel T: negotiation-mode is for ike-version 1 only");
	assert_string_equal(
	    d.lines[4], "tunnel T: remote-address is needed unless start-mode is responder-only");
	eng_diag_free(&d);
	eng_cand_discard(S);
	assert_int_equal(eng_cand_begin(S), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base_is_valid),
	    cmocka_unit_test(test_ike_policy_rules),
	    cmocka_unit_test(test_ipsec_policy_rules),
	    cmocka_unit_test(test_ikev2_policy_rules),
	    cmocka_unit_test(test_version_specific_settings),
	    cmocka_unit_test(test_remote_rules),
	    cmocka_unit_test(test_auth_rules),
	    cmocka_unit_test(test_xfrm_if_id_unique),
	    cmocka_unit_test(test_ikev1_one_subnet),
	    cmocka_unit_test(test_all_listed),
	    cmocka_unit_test(test_refused_without_diag),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
