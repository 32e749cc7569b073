/*
 * test_eng_objects.c - objects as values (deep copy, clear, equality),
 * the field checks of eng_obj_put, keys in canonical order, and lookups
 * at 10,000 tunnels.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "toy_codec.h"

static void full_tunnel(struct eng_tunnel *t)
{
	tunnel_init(t, "HQ", 1);
	t->description = strdup("head office");
	t->trustpoint = strdup("TP");
	t->n_remote = 2;
	t->remote[1].kind = ENG_EP_HOST;
	t->remote[1].name = strdup("peer.example.com");
	t->local.kind = ENG_EP_IFACE;
	t->local.name = strdup("eth0");
	t->local_id.kind = ENG_ID_FQDN;
	t->local_id.value = strdup("gw.example.com");
	t->remote_id.kind = ENG_ID_DN;
	t->remote_id.value = strdup("CN=peer");
}

static void test_copy_is_deep(void **state)
{
	struct eng_tunnel a, b;

	full_tunnel(&a);
	assert_int_equal(eng_obj_copy(ENG_OBJ_TUNNEL, &b, &a), 0);
	assert_true(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	assert_ptr_not_equal(a.psk, b.psk);
	assert_ptr_not_equal(a.remote[1].name, b.remote[1].name);
	assert_ptr_not_equal(a.local.name, b.local.name);
	assert_ptr_not_equal(a.remote_id.value, b.remote_id.value);
	assert_string_equal(b.remote[1].name, "peer.example.com");
	/* each string change is seen */
	b.psk[0] = 'S';
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	b.psk[0] = 's';
	b.remote[1].name[0] = 'P';
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	b.remote[1].name[0] = 'p';
	free(b.description);
	b.description = NULL;
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	eng_obj_clear(ENG_OBJ_TUNNEL, &b);
	assert_null(b.psk);
	assert_int_equal(b.n_remote, 0);
	eng_obj_clear(ENG_OBJ_TUNNEL, &a);
}

static void test_equal_fieldwise(void **state)
{
	struct eng_ikev2_policy x = {.id = 1, .n_encr = 1, .encr = {ENG_ENCR_AES256}};
	struct eng_ikev2_policy y = x;
	struct eng_tunnel a, b;

	/* entries past the count are not part of the value */
	y.encr[5] = 9;
	assert_true(eng_obj_equal(ENG_OBJ_IKEV2, &x, &y));
	y.n_encr = 2;
	assert_false(eng_obj_equal(ENG_OBJ_IKEV2, &x, &y));
	tunnel_init(&a, "A", 1);
	tunnel_init(&b, "A", 1);
	assert_true(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	b.dpd.interval = 10;
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	b.dpd.interval = 0;
	b.xfrm_if.if_id = 3;
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	b.xfrm_if.if_id = 0;
	b.remote[0].addr.bytes[3] ^= 1;
	assert_false(eng_obj_equal(ENG_OBJ_TUNNEL, &a, &b));
	eng_obj_clear(ENG_OBJ_TUNNEL, &a);
	eng_obj_clear(ENG_OBJ_TUNNEL, &b);
}

/* A remote entry removed by lowering n_remote leaves a stale pointer past
 * the count: the engine never follows it. */
static void test_stale_entries_past_count(void **state)
{
	struct eng_tunnel a, b;
	char *stale;

	tunnel_init(&a, "A", 1);
	a.remote[1].kind = ENG_EP_HOST;
	stale = strdup("gone.example.com");
	a.remote[1].name = stale;
	free(stale); /* dangling, as after `no remote-address` */
	assert_int_equal(eng_obj_copy(ENG_OBJ_TUNNEL, &b, &a), 0);
	assert_null(b.remote[1].name);
	eng_obj_clear(ENG_OBJ_TUNNEL, &b);
	eng_obj_clear(ENG_OBJ_TUNNEL, &a); /* must not free the stale pointer */
}

static void test_put_field_checks(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_diag d = {0};
	struct eng_tunnel t;
	struct eng_ikev2_policy p = {.id = 5};
	char longdesc[ENG_DESC_MAX + 2];

	tenv_open(&e, NULL);
	s = tenv_admin(&e, "admin");
	/* bad keys */
	tunnel_init(&t, "", 1);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	tunnel_init(&t, "two words", 1);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	tunnel_init(&t, "T", 1);
	memset(t.name, 'n', sizeof(t.name)); /* no NUL */
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	t.name[0] = '\0';
	memset(t.ipsec_policy, 'p', sizeof(t.ipsec_policy));
	snprintf(t.name, sizeof(t.name), "T");
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	struct eng_ipsec_policy ip;
	memset(&ip, 'x', sizeof(ip)); /* every byte set: nothing terminated */
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IPSEC, &ip, &d), -EINVAL);
	struct eng_global g;
	memset(&g, 'h', sizeof(g));
	assert_int_equal(eng_obj_put(s, ENG_OBJ_GLOBAL, &g, &d), -EINVAL);
	p.id = 0;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.id = 5;
	/* lists: size, members, duplicates, groups */
	p.n_encr = ENG_LIST_MAX + 1;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.n_encr = 1;
	p.encr[0] = ENG_ENCR_COUNT;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.encr[0] = ENG_ENCR_NULL; /* no null cipher for IKE */
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.encr[0] = ENG_ENCR_AES256;
	p.n_group = 2;
	p.group[0] = 19;
	p.group[1] = 19;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.group[1] = 22;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.group[1] = 14;
	p.lifetime = 60;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), -EINVAL);
	p.lifetime = 3600;
	assert_true(diag_has(&d, "ikev2 policy 5: group value 22 is not valid"));
	assert_true(diag_has(&d, "ikev2 policy 5: lifetime 60 is out of range 120-86400"));
	eng_diag_free(&d);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, &d), 0);
	assert_int_equal(d.n, 0);
	/* tunnel fields */
	tunnel_init(&t, "T", 1);
	memset(longdesc, 'x', sizeof(longdesc) - 1);
	longdesc[sizeof(longdesc) - 1] = '\0';
	t.description = strdup(longdesc);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	assert_true(diag_has(&d, "tunnel T: description must be 1 to 240 characters"));
	free(t.description);
	t.description = strdup("line\nbreak");
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	free(t.description);
	t.description = NULL;
	t.n_remote = ENG_PEER_ADDRS_MAX + 1;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	t.n_remote = 1;
	t.n_local_subnet = 1;
	t.local_subnet[0].addr.family = 0; /* not an address */
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	t.n_local_subnet = 0;
	t.pfs_group = 3;
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	t.pfs_group = 0;
	t.xauth_user = strdup("bob"); /* without a password */
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	free(t.xauth_user);
	t.xauth_user = NULL;
	/* the secret is never in a message, even when it is the problem */
	free(t.psk);
	t.psk = malloc(ENG_SECRET_MAX + 2);
	memset(t.psk, 'Q', ENG_SECRET_MAX + 1);
	t.psk[ENG_SECRET_MAX + 1] = '\0';
	eng_diag_free(&d);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	assert_true(diag_has(&d, "pre-shared key must be 1 to 256 characters"));
	assert_false(diag_has(&d, "QQQ"));
	t.psk[5] = '\0';
	/* an identity one byte over the limit the IKE core is built for */
	t.local_id.kind = ENG_ID_KEY_ID;
	t.local_id.value = malloc(ENG_ID_MAX + 2);
	memset(t.local_id.value, 'k', ENG_ID_MAX + 1);
	t.local_id.value[ENG_ID_MAX + 1] = '\0';
	eng_diag_free(&d);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), -EINVAL);
	assert_true(diag_has(&d, "local-id must be 1 to 255 characters"));
	t.local_id.value[ENG_ID_MAX] = '\0';
	eng_diag_free(&d);
	assert_int_equal(eng_obj_put(s, ENG_OBJ_TUNNEL, &t, &d), 0);
	put_tunnel(s, &t);
	eng_diag_free(&d);
	/* nothing refused reached the candidate */
	struct eng_keys k;
	assert_int_equal(eng_keys(s, ENG_CANDIDATE, ENG_OBJ_TUNNEL, &k), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.keys[0], "T");
	eng_keys_free(&k);
	eng_sess_close(s);
	tenv_close(&e);
}

static void test_keys_canonical_order(void **state)
{
	static const unsigned ids[] = {100, 2, 10, 65535, 1};
	static const char *const names[] = {"b", "B", "a-10", "a-9", "Z"};
	struct tenv e;
	struct eng_sess *s;
	struct eng_keys k;

	tenv_open(&e, NULL);
	s = tenv_admin(&e, "admin");
	for (size_t i = 0; i < 5; i++) {
		struct eng_ikev2_policy p = {.id = (uint16_t)ids[i]};
		struct eng_ipsec_policy ip = {0};

		assert_int_equal(eng_obj_put(s, ENG_OBJ_IKEV2, &p, NULL), 0);
		snprintf(ip.name, sizeof(ip.name), "%s", names[i]);
		assert_int_equal(eng_obj_put(s, ENG_OBJ_IPSEC, &ip, NULL), 0);
	}
	assert_int_equal(eng_keys(s, ENG_CANDIDATE, ENG_OBJ_IKEV2, &k), 0);
	assert_int_equal(k.n, 5);
	assert_string_equal(k.keys[0], "1");
	assert_string_equal(k.keys[1], "2");
	assert_string_equal(k.keys[2], "10");
	assert_string_equal(k.keys[3], "100");
	assert_string_equal(k.keys[4], "65535");
	eng_keys_free(&k);
	assert_int_equal(eng_keys(s, ENG_CANDIDATE, ENG_OBJ_IPSEC, &k), 0);
	assert_string_equal(k.keys[0], "B");
	assert_string_equal(k.keys[1], "Z");
	assert_string_equal(k.keys[2], "a-10");
	assert_string_equal(k.keys[3], "a-9");
	assert_string_equal(k.keys[4], "b");
	eng_keys_free(&k);
	/* running is still empty: the edits are the candidate's */
	assert_int_equal(eng_keys(s, ENG_RUNNING, ENG_OBJ_IKEV2, &k), 0);
	assert_int_equal(k.n, 0);
	eng_keys_free(&k);
	/* get: decimal keys only */
	struct eng_ikev2_policy p;
	assert_int_equal(eng_obj_get(s, ENG_CANDIDATE, ENG_OBJ_IKEV2, "010", &p), -ENOENT);
	assert_int_equal(eng_obj_get(s, ENG_CANDIDATE, ENG_OBJ_IKEV2, "10", &p), 0);
	assert_int_equal(p.id, 10);
	assert_int_equal(eng_obj_get(s, ENG_CANDIDATE, ENG_OBJ_IKEV2, "3", &p), -ENOENT);
	assert_int_equal(eng_obj_del(s, ENG_OBJ_IKEV2, "3"), -ENOENT);
	assert_int_equal(eng_obj_del(s, ENG_OBJ_IKEV2, "10"), 0);
	assert_int_equal(eng_obj_get(s, ENG_CANDIDATE, ENG_OBJ_IKEV2, "10", &p), -ENOENT);
	eng_sess_close(s);
	tenv_close(&e);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10,000 tunnels inserted in an unfavourable order, then 10,000 lookups. */
static void test_scale(void **state)
{
	struct tenv e;
	struct eng_sess *s;
	struct eng_keys k;
	double t0, t1;

	tenv_open(&e, NULL);
	s = tenv_admin(&e, "admin");
	t0 = now();
	for (unsigned i = 0; i < 10000; i++) {
		struct eng_tunnel t;
		char name[32];

		snprintf(name, sizeof(name), "T%05u", (i * 7919u) % 10000u);
		tunnel_init(&t, name, i);
		put_tunnel(s, &t);
	}
	for (unsigned i = 0; i < 10000; i++) {
		struct eng_tunnel t;
		char name[32];

		snprintf(name, sizeof(name), "T%05u", i);
		assert_int_equal(eng_obj_get(s, ENG_CANDIDATE, ENG_OBJ_TUNNEL, name, &t), 0);
		assert_string_equal(t.name, name);
		eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	}
	t1 = now();
	assert_int_equal(eng_keys(s, ENG_CANDIDATE, ENG_OBJ_TUNNEL, &k), 0);
	assert_int_equal(k.n, 10000);
	for (size_t i = 1; i < k.n; i++)
		assert_true(strcmp(k.keys[i - 1], k.keys[i]) < 0);
	eng_keys_free(&k);
	/* a linear scan per operation would take seconds here */
	print_message("10,000 puts and 10,000 gets: %.3f s\n", t1 - t0);
	assert_true(t1 - t0 < 2.0);
	eng_sess_close(s);
	tenv_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copy_is_deep),
	    cmocka_unit_test(test_equal_fieldwise),
	    cmocka_unit_test(test_stale_entries_past_count),
	    cmocka_unit_test(test_put_field_checks),
	    cmocka_unit_test(test_keys_canonical_order),
	    cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
