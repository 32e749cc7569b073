/*
 * test_eng_store.c - sessions and private candidates, commit (all or
 * nothing), merging with commits made since a candidate was taken, and
 * what each role may do and read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "eng_test.h"
#include "toy_codec.h"

static int setup(void **state)
{
	struct tenv *e = calloc(1, sizeof(*e));

	eng_test_set_clock(1764600000000LL); /* 2025-12-01 14:40:00 UTC */
	tenv_open(e, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	tenv_close(*state);
	free(*state);
	eng_test_set_clock(0);
	return 0;
}

static bool has_tunnel(struct eng_sess *s, enum eng_db db, const char *name)
{
	struct eng_tunnel t;

	if (eng_obj_get(s, db, ENG_OBJ_TUNNEL, name, &t))
		return false;
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	return true;
}

static void test_private_candidates(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice"), *b = tenv_admin(e, "bob");
	struct eng_tunnel t;

	assert_ptr_equal(eng_sess_engine(a), e->eng);
	assert_true(eng_cand_active(a));
	assert_false(eng_cand_dirty(a));
	tunnel_init(&t, "A", 1);
	put_tunnel(a, &t);
	assert_true(eng_cand_dirty(a));
	assert_false(eng_cand_dirty(b));
	assert_true(has_tunnel(a, ENG_CANDIDATE, "A"));
	assert_false(has_tunnel(b, ENG_CANDIDATE, "A"));
	assert_false(has_tunnel(a, ENG_RUNNING, "A"));
	/* begin again keeps the candidate */
	assert_int_equal(eng_cand_begin(a), 0);
	assert_true(has_tunnel(a, ENG_CANDIDATE, "A"));
	/* setting a value back to what running has is no change */
	assert_int_equal(eng_obj_del(a, ENG_OBJ_TUNNEL, "A"), 0);
	assert_false(eng_cand_dirty(a));
	eng_cand_discard(a);
	assert_false(eng_cand_active(a));
	assert_int_equal(eng_obj_get(a, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "A", &t), -ENOTCONN);
	tunnel_init(&t, "A", 1);
	assert_int_equal(eng_obj_put(a, ENG_OBJ_TUNNEL, &t, NULL), -ENOTCONN);
	assert_int_equal(eng_obj_del(a, ENG_OBJ_TUNNEL, "A"), -ENOTCONN);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	struct eng_commit_req req = {0};
	assert_int_equal(eng_commit(a, &req, NULL, NULL), -ENOTCONN);
	eng_sess_close(a);
	eng_sess_close(b);
}

static void test_commit_applies_and_rebases(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice"), *b = tenv_admin(e, "bob");
	struct eng_tunnel t;
	struct eng_commit_req req = {0};
	uint32_t id = 99;

	tunnel_init(&t, "A", 1);
	put_tunnel(a, &t);
	put_hostname(a, "gw1");
	assert_int_equal(commit_ok(a, "first"), 1);
	assert_true(has_tunnel(b, ENG_RUNNING, "A"));
	/* the committing session goes on from the new running */
	assert_true(eng_cand_active(a));
	assert_false(eng_cand_dirty(a));
	/* nothing to commit: id 0, no history entry */
	assert_int_equal(eng_commit(a, &req, NULL, &id), 0);
	assert_int_equal(id, 0);
	char host[ENG_HOSTNAME_MAX];
	eng_global_hostname(e->eng, host);
	assert_string_equal(host, "gw1");
	struct eng_global g;
	assert_int_equal(eng_obj_get(b, ENG_RUNNING, ENG_OBJ_GLOBAL, NULL, &g), 0);
	assert_string_equal(g.hostname, "gw1");
	/* the default hostname is no object at all */
	put_hostname(a, "");
	assert_int_equal(commit_ok(a, NULL), 2);
	eng_global_hostname(e->eng, host);
	assert_string_equal(host, ENG_DEFAULT_HOSTNAME);
	char *text;
	assert_int_equal(eng_config_text(a, ENG_RUNNING, 0, &text), 0);
	assert_null(strstr(text, "hostname"));
	free(text);
	eng_sess_close(a);
	eng_sess_close(b);
}

static void test_commit_is_all_or_nothing(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice");
	struct eng_tunnel t;
	struct eng_diag d = {0};
	struct eng_commit_req req = {0};
	char *before, *after;

	tunnel_init(&t, "GOOD", 1);
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	assert_int_equal(eng_config_text(a, ENG_RUNNING, ENG_TEXT_SECRETS, &before), 0);
	tunnel_init(&t, "BAD", 2);
	t.ike_policy = 7;
	put_tunnel(a, &t);
	tunnel_init(&t, "ALSO-NEW", 3);
	put_tunnel(a, &t);
	assert_int_equal(eng_commit(a, &req, &d, NULL), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.lines[0], "tunnel BAD: ike-policy 7 does not exist");
	eng_diag_free(&d);
	assert_int_equal(eng_config_text(a, ENG_RUNNING, ENG_TEXT_SECRETS, &after), 0);
	assert_string_equal(before, after);
	assert_false(has_tunnel(a, ENG_RUNNING, "ALSO-NEW"));
	/* the candidate keeps the edits for fixing */
	assert_true(has_tunnel(a, ENG_CANDIDATE, "ALSO-NEW"));
	free(before);
	free(after);
	eng_sess_close(a);
}

/* Two sessions edit different objects: both commits land. */
static void test_merge_disjoint(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice"), *b;
	struct eng_tunnel t;

	tunnel_init(&t, "X", 1);
	put_tunnel(a, &t);
	tunnel_init(&t, "Y", 2);
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	b = tenv_admin(e, "bob");
	/* alice changes X and commits; bob changes Y on the older base */
	assert_int_equal(eng_obj_get(a, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "X", &t), 0);
	t.dpd.interval = 10;
	t.dpd.timeout = 30;
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	/* bob's candidate reads alice's committed X: it follows running */
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "X", &t), 0);
	assert_int_equal(t.dpd.interval, 10);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "Y", &t), 0);
	t.mobike = true;
	put_tunnel(b, &t);
	tunnel_init(&t, "Z", 3);
	put_tunnel(b, &t);
	/* bob's view of changes is his own work only, against today's running */
	char *ch;
	assert_int_equal(eng_config_changes(b, &ch), 0);
	assert_null(strstr(ch, "dpd"));
	assert_non_null(strstr(ch, "+  mobike\n"));
	assert_non_null(strstr(ch, "+ tunnel Z\n"));
	free(ch);
	commit_ok(b, NULL);
	assert_int_equal(eng_obj_get(a, ENG_RUNNING, ENG_OBJ_TUNNEL, "X", &t), 0);
	assert_int_equal(t.dpd.interval, 10); /* alice's change survived bob's commit */
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_obj_get(a, ENG_RUNNING, ENG_OBJ_TUNNEL, "Y", &t), 0);
	assert_true(t.mobike);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_true(has_tunnel(a, ENG_RUNNING, "Z"));
	eng_sess_close(a);
	eng_sess_close(b);
}

/* Both change the same object: the later commit is refused, naming who. */
static void test_merge_conflict(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice"), *b;
	struct eng_tunnel t;
	struct eng_diag d = {0};
	struct eng_commit_req req = {0};
	char *before, *after;

	tunnel_init(&t, "HQ", 1);
	put_tunnel(a, &t);
	tunnel_init(&t, "GONE", 2);
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	/* bob edits first, on what he saw then */
	b = tenv_admin(e, "bob");
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	t.dpd.interval = 20;
	t.dpd.timeout = 60;
	put_tunnel(b, &t);
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "GONE", &t), 0);
	t.mobike = true;
	put_tunnel(b, &t);
	/* alice changes and removes the same objects, and commits first */
	assert_int_equal(eng_obj_get(a, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	t.dpd.interval = 10;
	t.dpd.timeout = 30;
	put_tunnel(a, &t);
	assert_int_equal(eng_obj_del(a, ENG_OBJ_TUNNEL, "GONE"), 0);
	eng_test_set_clock(1764600060000LL);
	commit_ok(a, NULL);
	/* reading his candidate does not hide the conflict */
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	assert_int_equal(t.dpd.interval, 20);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_config_text(b, ENG_RUNNING, ENG_TEXT_SECRETS, &before), 0);
	assert_int_equal(eng_commit(b, &req, &d, NULL), -EINVAL);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.lines[0], "tunnel GONE was changed by alice at 2025-12-01 14:41:00 "
					"UTC; review with show configuration changes");
	assert_string_equal(d.lines[1], "tunnel HQ was changed by alice at 2025-12-01 14:41:00 "
					"UTC; review with show configuration changes");
	eng_diag_free(&d);
	assert_int_equal(eng_config_text(b, ENG_RUNNING, ENG_TEXT_SECRETS, &after), 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* starting over from today's running works */
	eng_cand_discard(b);
	assert_int_equal(eng_cand_begin(b), 0);
	assert_int_equal(eng_obj_get(b, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	assert_int_equal(t.dpd.interval, 10);
	t.dpd.interval = 20;
	put_tunnel(b, &t);
	commit_ok(b, NULL);
	eng_sess_close(a);
	eng_sess_close(b);
}

static void test_operator_role(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice"), *op;
	struct eng_tunnel t;
	struct eng_commit_req req = {0};
	char *text;

	tunnel_init(&t, "HQ", 1);
	t.xauth_user = strdup("bob");
	t.xauth_password = strdup("xauth-pw");
	t.ike_version = 1;
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	assert_int_equal(eng_sess_open(e->eng, "olga", ENG_ROLE_OPERATOR, &op), 0);
	assert_int_equal(eng_sess_role(op), ENG_ROLE_OPERATOR);
	assert_int_equal(eng_cand_begin(op), -EPERM);
	tunnel_init(&t, "X", 1);
	assert_int_equal(eng_obj_put(op, ENG_OBJ_TUNNEL, &t, NULL), -EPERM);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_obj_del(op, ENG_OBJ_TUNNEL, "HQ"), -EPERM);
	assert_int_equal(eng_commit(op, &req, NULL, NULL), -EPERM);
	assert_int_equal(eng_startup_save(op, NULL), -EPERM);
	assert_int_equal(eng_rollback(op, 0, NULL), -EPERM);
	assert_int_equal(eng_confirm(op), -EPERM);
	/* reading: secrets masked in the struct and in every text */
	assert_int_equal(eng_obj_get(op, ENG_RUNNING, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	assert_string_equal(t.psk, "*****");
	assert_string_equal(t.xauth_password, "*****");
	assert_string_equal(t.xauth_user, "bob");
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_config_text(op, ENG_RUNNING, ENG_TEXT_SECRETS, &text), 0);
	assert_null(strstr(text, "s3cret"));
	assert_null(strstr(text, "xauth-pw"));
	assert_non_null(strstr(text, " psk *****\n"));
	free(text);
	assert_int_equal(
	    eng_obj_text(op, ENG_RUNNING, ENG_OBJ_TUNNEL, "HQ", ENG_TEXT_SECRETS, &text), 0);
	assert_null(strstr(text, "s3cret"));
	free(text);
	/* admins see them only when they ask */
	assert_int_equal(eng_config_text(a, ENG_RUNNING, 0, &text), 0);
	assert_null(strstr(text, "s3cret"));
	free(text);
	assert_int_equal(eng_config_text(a, ENG_RUNNING, ENG_TEXT_SECRETS, &text), 0);
	assert_non_null(strstr(text, " psk s3cret-psk\n"));
	assert_non_null(strstr(text, " xauth bob xauth-pw\n"));
	free(text);
	/* changes are masked even for admins */
	assert_int_equal(eng_obj_get(a, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	free(t.psk);
	t.psk = strdup("new-secret");
	put_tunnel(a, &t);
	assert_int_equal(eng_config_changes(a, &text), 0);
	assert_null(strstr(text, "secret"));
	assert_non_null(strstr(text, "-  psk *****\n"));
	assert_non_null(strstr(text, "+  psk *****\n"));
	free(text);
	/* the log never carries a secret either */
	commit_ok(a, "rotate key");
	assert_int_equal(eng_log_text(e->eng, &text), 0);
	assert_non_null(strstr(text, "by alice"));
	assert_null(strstr(text, "secret"));
	free(text);
	eng_sess_close(op);
	eng_sess_close(a);
}

static void test_changes_format(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice");
	struct eng_tunnel t;
	char *text;

	assert_int_equal(eng_config_changes(a, &text), 0);
	assert_string_equal(text, "");
	free(text);
	tunnel_init(&t, "HQ", 1);
	put_tunnel(a, &t);
	commit_ok(a, NULL);
	assert_int_equal(eng_obj_get(a, ENG_CANDIDATE, ENG_OBJ_TUNNEL, "HQ", &t), 0);
	t.start_mode = ENG_START_ON_DEMAND;
	put_tunnel(a, &t);
	put_hostname(a, "gw");
	assert_int_equal(eng_config_changes(a, &text), 0);
	assert_string_equal(text, "+ hostname gw\n"
				  "+ !\n"
				  "  tunnel HQ\n"
				  "   remote 192.0.2.2\n"
				  "   auth 1\n"
				  "   psk *****\n"
				  "+  start 2\n"
				  "  !\n");
	free(text);
	eng_sess_close(a);
}

static void test_effective(void **state)
{
	struct tenv *e = *state;
	struct eng_sess *a = tenv_admin(e, "alice");
	struct eng_ikev2_policy v2, v2e;
	struct eng_ipsec_policy ip = {.name = "AEAD"}, ipe;
	struct eng_ikev1_policy v1e;
	struct eng_tunnel t;

	eng_ikev2_effective(NULL, &v2e);
	assert_int_equal(v2e.n_encr, 1);
	assert_int_equal(v2e.encr[0], ENG_ENCR_AES256);
	assert_int_equal(v2e.integ[0], ENG_HASH_SHA256);
	assert_int_equal(v2e.prf[0], ENG_HASH_SHA256);
	assert_int_equal(v2e.n_group, 2);
	assert_int_equal(v2e.group[0], 19);
	assert_int_equal(v2e.group[1], 14);
	assert_int_equal(v2e.lifetime, 86400);
	memset(&v2, 0, sizeof(v2));
	v2.id = 3;
	v2.n_encr = 1;
	v2.encr[0] = ENG_ENCR_AES128_GCM;
	v2.n_prf = 1;
	v2.prf[0] = ENG_HASH_SHA384;
	eng_ikev2_effective(&v2, &v2e);
	assert_int_equal(v2e.n_integ, 0); /* AEAD: no integrity */
	assert_int_equal(v2e.prf[0], ENG_HASH_SHA384);
	eng_ipsec_effective(NULL, &ipe);
	assert_int_equal(ipe.proto, ENG_PROTO_ESP);
	assert_int_equal(ipe.encr[0], ENG_ENCR_AES256_GCM);
	assert_int_equal(ipe.n_integ, 0);
	assert_int_equal(ipe.mode, ENG_MODE_TUNNEL);
	assert_int_equal(ipe.lifetime_s, ENG_DEFAULT_IPSEC_LIFETIME);
	ip.n_integ = 1;
	ip.integ[0] = ENG_HASH_SHA1;
	eng_ipsec_effective(&ip, &ipe);
	assert_int_equal(ipe.encr[0], ENG_ENCR_AES256); /* integrity alone: CBC */
	eng_ikev1_effective(NULL, &v1e);
	assert_int_equal(v1e.group, 14);
	assert_int_equal(v1e.auth, ENG_IKEAUTH_PSK);
	/* a tunnel through its policies */
	ip.n_integ = 0;
	ip.pfs_group = 21;
	ip.lifetime_s = 600;
	assert_int_equal(eng_obj_put(a, ENG_OBJ_IPSEC, &ip, NULL), 0);
	assert_int_equal(eng_obj_put(a, ENG_OBJ_IKEV2, &v2, NULL), 0);
	tunnel_init(&t, "HQ", 1);
	t.ike_policy = 3;
	snprintf(t.ipsec_policy, sizeof(t.ipsec_policy), "AEAD");
	t.dpd.interval = 10;
	t.dpd.timeout = 30;
	put_tunnel(a, &t);
	struct eng_ikev1_policy v1;
	assert_int_equal(eng_tunnel_effective(a, ENG_CANDIDATE, "HQ", &t, &v2e, &v1, &ipe), 0);
	assert_int_equal(t.ike_version, 2);
	assert_int_equal(t.dpd.action, ENG_DEFAULT_DPD_ACTION);
	assert_int_equal(t.start_mode, ENG_START_AUTO);
	assert_int_equal(t.pfs_group, 21);
	assert_int_equal(t.sa_lifetime_s, 600);
	assert_string_equal(t.psk, "s3cret-psk");
	assert_int_equal(v2e.encr[0], ENG_ENCR_AES128_GCM);
	assert_int_equal(v1.encr, 0); /* not its version: zeroed */
	assert_int_equal(ipe.encr[0], ENG_ENCR_AES256_GCM);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	assert_int_equal(eng_tunnel_effective(a, ENG_RUNNING, "HQ", &t, NULL, NULL, NULL), -ENOENT);
	eng_sess_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_private_candidates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_applies_and_rebases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_is_all_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_merge_disjoint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_merge_conflict, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_operator_role, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changes_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_effective, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
