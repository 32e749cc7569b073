/*
 * test_ctl.c - the control protocol in one process: objects across the
 * wire and back, hostile fields, the server side fed byte by byte, roles,
 * and the configuration lock and session list the daemon serves.
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

#include "ctl.h"
#include "toy_codec.h"

/* ---- Objects ----------------------------------------------------------- */

static void full_tunnel(struct eng_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "HQ");
	t->description = strdup("head office");
	t->shutdown = true;
	t->ike_version = 2;
	t->ike_policy = 10;
	snprintf(t->ipsec_policy, sizeof(t->ipsec_policy), "ESP");
	t->local.kind = ENG_EP_IFACE;
	t->local.name = strdup("eth0");
	t->n_remote = 3;
	t->remote[0].kind = ENG_EP_HOST;
	t->remote[0].name = strdup("a.example.net");
	t->remote[1].kind = ENG_EP_ADDR;
	eng_addr_parse("192.0.2.7", &t->remote[1].addr);
	t->remote[2].kind = ENG_EP_HOST;
	t->remote[2].name = strdup("b.example.net");
	t->auth = ENG_AUTH_PSK;
	t->psk = strdup("s3cret psk");
	t->trustpoint = strdup("TP");
	t->local_id.kind = ENG_ID_FQDN;
	t->local_id.value = strdup("gw.example.net");
	t->remote_id.kind = ENG_ID_USER_FQDN;
	t->remote_id.value = strdup("peer@example.net");
	t->n_local_subnet = 1;
	eng_prefix_parse("10.0.0.0/24", &t->local_subnet[0]);
	t->xauth_user = strdup("bob");
	t->xauth_password = strdup("pw");
	t->dpd.interval = 30;
	t->mobike = true;
	t->no_rekey = true;
	t->split_connection = true;
	t->no_certreq = true;
	snprintf(t->xfrm_if.name, sizeof(t->xfrm_if.name), "ipsec0");
	t->xfrm_if.if_id = 7;
}

static void roundtrip(enum eng_kind kind, const void *in, void *out)
{
	struct ebuf b = {0};
	struct rbuf r;

	wb_obj(&b, kind, in);
	assert_false(b.oom);
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, kind, out), 0);
	assert_true(rb_done(&r));
	free(b.s);
}

static void test_tunnel_roundtrip(void **state)
{
	struct eng_tunnel t, u;

	full_tunnel(&t);
	roundtrip(ENG_OBJ_TUNNEL, &t, &u);
	assert_true(eng_obj_equal(ENG_OBJ_TUNNEL, &t, &u));
	/* deep: the strings are the receiver's own */
	assert_ptr_not_equal(t.psk, u.psk);
	assert_string_equal(u.remote[2].name, "b.example.net");
	assert_string_equal(u.xauth_password, "pw");
	assert_true(u.mobike && u.no_rekey && u.split_connection && u.shutdown && u.no_certreq);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	eng_obj_clear(ENG_OBJ_TUNNEL, &u);
}

static void test_policy_roundtrip(void **state)
{
	struct eng_ikev2_policy p = {.id = 10,
				     .n_encr = 2,
				     .encr = {ENG_ENCR_AES256, 1},
				     .n_group = 1,
				     .group = {19},
				     .lifetime = 3600},
				q;
	struct eng_ipsec_policy i = {.name = "ESP",
				     .n_encr = 1,
				     .encr = {ENG_ENCR_AES128_GCM},
				     .pfs_group = 14},
				j;
	struct eng_global g = {.hostname = "gw1"}, h;

	roundtrip(ENG_OBJ_IKEV2, &p, &q);
	assert_true(eng_obj_equal(ENG_OBJ_IKEV2, &p, &q));
	roundtrip(ENG_OBJ_IPSEC, &i, &j);
	assert_true(eng_obj_equal(ENG_OBJ_IPSEC, &i, &j));
	roundtrip(ENG_OBJ_GLOBAL, &g, &h);
	assert_string_equal(h.hostname, "gw1");

	struct eng_trustpoint tp = {.name = "HQ-CA",
				    .keypair = "gw",
				    .subject = "C=DE, O=Example, CN=gw1",
				    .revocation = ENG_REVCHECK_CRL,
				    .crl_file = "/etc/crl.pem"},
			      tq;
	struct ebuf b = {0};
	struct rbuf r;

	roundtrip(ENG_OBJ_TRUSTPOINT, &tp, &tq);
	assert_true(eng_obj_equal(ENG_OBJ_TRUSTPOINT, &tp, &tq));
	/* a name without its NUL is refused */
	memset(tp.subject, 'x', sizeof(tp.subject));
	wb_obj(&b, ENG_OBJ_TRUSTPOINT, &tp);
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, ENG_OBJ_TRUSTPOINT, &tq), -EBADMSG);
	free(b.s);
}

/* Names past n_remote are stale pointers: never read, never sent. */
static void test_stale_remote_names(void **state)
{
	struct eng_tunnel t, u;
	char *stale = (char *)(uintptr_t)0x10; /* would fault if read */

	full_tunnel(&t);
	free(t.remote[2].name);
	t.remote[2].name = NULL;
	t.n_remote = 2;
	t.remote[5].name = stale;
	roundtrip(ENG_OBJ_TUNNEL, &t, &u);
	assert_null(u.remote[5].name);
	assert_int_equal(u.n_remote, 2);
	t.remote[5].name = NULL;
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	eng_obj_clear(ENG_OBJ_TUNNEL, &u);
}

/* A tunnel as a hostile peer would send it, field by field. */
static void test_hostile_tunnel(void **state)
{
	struct eng_tunnel t, u;
	struct ebuf b = {0};
	struct rbuf r;
	uint8_t *raw;
	size_t nstr;

	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "X");
	wb_obj(&b, ENG_OBJ_TUNNEL, &t);
	raw = (uint8_t *)b.s + 4;
	nstr = b.len - 4 - sizeof(t);
	assert_int_equal(nstr, (ENG_PEER_ADDRS_MAX + 8) * 4); /* every string NULL */

	/* bools of any byte value come out as bools */
	raw[offsetof(struct eng_tunnel, mobike)] = 0x55;
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, ENG_OBJ_TUNNEL, &u), 0);
	assert_int_equal(*(uint8_t *)&u.mobike, 1);
	eng_obj_clear(ENG_OBJ_TUNNEL, &u);

	/* a name without its NUL */
	memset(raw + offsetof(struct eng_tunnel, name), 'A', ENG_NAME_MAX);
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, ENG_OBJ_TUNNEL, &u), -EBADMSG);
	raw[offsetof(struct eng_tunnel, name) + 1] = 0;

	/* more remote entries than there can be */
	raw[offsetof(struct eng_tunnel, n_remote)] = ENG_PEER_ADDRS_MAX + 1;
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, ENG_OBJ_TUNNEL, &u), -EBADMSG);
	raw[offsetof(struct eng_tunnel, n_remote)] = 0;
	free(b.s);

	/* a name for an unused remote entry: refused, nothing leaks (ASan) */
	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "X");
	wb_blob(&b, &t, sizeof(t));
	wb_str(&b, "desc");
	wb_str(&b, NULL);
	wb_str(&b, "stray");
	for (size_t i = 3; i < ENG_PEER_ADDRS_MAX + 8; i++)
		wb_str(&b, "x");
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	assert_int_equal(rb_obj(&r, ENG_OBJ_TUNNEL, &u), -EBADMSG);
	assert_null(u.description);
	free(b.s);

	/* a string with a NUL inside, a string longer than the payload */
	memset(&b, 0, sizeof(b));
	wb_u32(&b, 3);
	ebuf_add(&b, "a\0b", 3);
	r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
	{
		char *s = NULL;

		assert_int_equal(rb_str(&r, false, &s), -EBADMSG);
		assert_null(s);
		b.len = 0;
		wb_u32(&b, 1000);
		r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
		assert_int_equal(rb_str(&r, false, &s), -EBADMSG);
		b.len = 0;
		wb_u32(&b, CTL_STR_NULL);
		r = (struct rbuf){(const uint8_t *)b.s, b.len, 0, false};
		assert_int_equal(rb_str(&r, false, &s), -EBADMSG);
	}
	free(b.s);
}

/* ---- The server side ---------------------------------------------------- */

struct reply {
	uint16_t type;
	uint32_t seq;
	int32_t rc;
	size_t len;
};

/* The replies waiting in c's output (log lines skipped), consumed. */
static size_t replies(struct eng_ctl *c, struct reply *out, size_t max)
{
	const void *p;
	size_t len = eng_ctl_pending(c, &p), off = 0, n = 0;

	while (len - off >= CTL_HDR_LEN) {
		struct ctl_hdr h;

		ctl_hdr_get((const uint8_t *)p + off, &h);
		assert_true(len - off >= CTL_HDR_LEN + h.len);
		if (h.type == CTL_REPLY && n < max) {
			out[n] = (struct reply){h.type, h.seq, 0, h.len};
			memcpy(&out[n].rc, (const uint8_t *)p + off + CTL_HDR_LEN, 4);
			n++;
		}
		off += CTL_HDR_LEN + h.len;
	}
	assert_int_equal(off, len);
	eng_ctl_sent(c, len);
	return n;
}

static void req(struct ebuf *b, uint16_t op, uint32_t seq, const struct ebuf *payload)
{
	ctl_frame(b, op, seq, payload ? payload->s : NULL, payload ? payload->len : 0);
}

static void test_server_frames(void **state)
{
	struct tenv t;
	struct eng_ctl *c;
	struct ebuf b = {0}, p = {0};
	struct reply r[8];

	tenv_open(&t, NULL);
	assert_int_equal(eng_ctl_new(t.eng, "alice", ENG_ROLE_ADMIN, &c), 0);

	/* a request in single bytes: answered when, and only when, whole */
	wb_u32(&p, ENG_RUNNING);
	wb_u32(&p, 0);
	req(&b, CTL_CONFIG_TEXT, 5, &p);
	for (size_t i = 0; i < b.len; i++) {
		assert_int_equal(replies(c, r, 8), 0);
		assert_true(i == 0 || eng_ctl_partial(c));
		assert_int_equal(eng_ctl_input(c, b.s + i, 1), 0);
	}
	assert_int_equal(replies(c, r, 8), 1);
	assert_int_equal(r[0].seq, 5);
	assert_int_equal(r[0].rc, 0);
	assert_false(eng_ctl_partial(c));

	/* trailing bytes, an unknown type, a reply type: error replies, and on */
	b.len = 0;
	wb_u8(&p, 0);
	req(&b, CTL_CONFIG_TEXT, 6, &p);
	req(&b, CTL_OPS, 7, NULL);
	req(&b, CTL_REPLY, 8, NULL);
	req(&b, CTL_HELLO, 9, NULL);
	assert_int_equal(eng_ctl_input(c, b.s, b.len), 0);
	assert_int_equal(replies(c, r, 8), 4);
	assert_int_equal(r[0].rc, -EBADMSG);
	assert_int_equal(r[1].rc, -EOPNOTSUPP);
	assert_int_equal(r[2].rc, -EOPNOTSUPP);
	assert_int_equal(r[3].rc, 0);

	/* an oversized length: the connection is to be closed */
	{
		struct ctl_hdr h = {CTL_REQ_MAX + 1, CTL_VERSION, CTL_HELLO, 10};
		uint8_t hdr[CTL_HDR_LEN];

		ctl_hdr_put(hdr, &h);
		assert_int_equal(eng_ctl_input(c, hdr, sizeof(hdr)), -EPROTO);
		assert_int_equal(eng_ctl_want(c), 0);
	}
	eng_ctl_free(c);

	/* another version: told why, then closed */
	assert_int_equal(eng_ctl_new(t.eng, "alice", ENG_ROLE_ADMIN, &c), 0);
	{
		struct ctl_hdr h = {0, CTL_VERSION + 1, CTL_HELLO, 1};
		uint8_t hdr[CTL_HDR_LEN];

		ctl_hdr_put(hdr, &h);
		assert_int_equal(eng_ctl_input(c, hdr, sizeof(hdr)), -EPROTO);
		assert_int_equal(replies(c, r, 8), 1);
		assert_int_equal(r[0].rc, -EPROTONOSUPPORT);
	}
	eng_ctl_free(c);
	free(b.s);
	free(p.s);
	tenv_close(&t);
}

/* The operator's role is the daemon's word: refused before the engine. */
static void test_server_operator(void **state)
{
	static const uint16_t changing[] = {
	    CTL_CAND_BEGIN,	CTL_CAND_EXCLUSIVE, CTL_OBJ_DEL,	CTL_COMMIT,
	    CTL_CONFIRM,	CTL_ROLLBACK,	    CTL_STARTUP_SAVE,	CTL_CLEAR_IKE_SA,
	    CTL_CLEAR_CHILD_SA, CTL_CLEAR_COUNTERS, CTL_OBJ_PUT,	CTL_CLEAR_PEER,
	    CTL_DEBUG_SET,	CTL_SECRET_UNSEAL,  CTL_CONFIG_KEY_SET, CTL_KEY_GENERATE,
	    CTL_KEY_IMPORT,	CTL_KEY_ZEROIZE,    CTL_PKI_IMPORT,	CTL_PKI_ENROLL,
	};
	struct tenv t;
	struct eng_ctl *c;
	struct ebuf b = {0};
	struct reply r[32];
	char *log = NULL;

	tenv_open(&t, NULL);
	assert_int_equal(eng_ctl_new(t.eng, "carol", ENG_ROLE_OPERATOR, &c), 0);
	for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		req(&b, changing[i], (uint32_t)i + 1, NULL); /* even malformed: refused */
	assert_int_equal(eng_ctl_input(c, b.s, b.len), 0);
	assert_int_equal(replies(c, r, 32), sizeof(changing) / sizeof(changing[0]));
	for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		assert_int_equal(r[i].rc, -EPERM);
	assert_false(eng_cand_active(eng_ctl_sess(c)));
	assert_int_equal(eng_log_text(t.eng, &log), 0);
	assert_non_null(strstr(log, "carol (operator) refused commit"));
	free(log);
	eng_ctl_free(c);
	free(b.s);
	tenv_close(&t);
}

/* Every request type has a handler, and each handler checks its request
 * before the engine sees it: one stray byte is -EBADMSG, never "not
 * supported".  An operator gets the same for every request that changes
 * nothing, and -EPERM for exactly the ones that do. */
static void test_server_every_op(void **state)
{
	static const uint16_t changing[] = {
	    CTL_CAND_BEGIN,	CTL_CAND_EXCLUSIVE, CTL_OBJ_DEL,	CTL_COMMIT,
	    CTL_CONFIRM,	CTL_ROLLBACK,	    CTL_STARTUP_SAVE,	CTL_CLEAR_IKE_SA,
	    CTL_CLEAR_CHILD_SA, CTL_CLEAR_COUNTERS, CTL_OBJ_PUT,	CTL_CLEAR_PEER,
	    CTL_DEBUG_SET,	CTL_SECRET_UNSEAL,  CTL_CONFIG_KEY_SET, CTL_KEY_GENERATE,
	    CTL_KEY_IMPORT,	CTL_KEY_ZEROIZE,    CTL_PKI_IMPORT,	CTL_PKI_ENROLL,
	};
	static const enum eng_role roles[] = {ENG_ROLE_ADMIN, ENG_ROLE_OPERATOR};
	struct tenv t;
	struct ebuf p = {0};
	struct reply r[CTL_OPS];

	tenv_open(&t, NULL);
	wb_u8(&p, 0xff);
	for (size_t k = 0; k < 2; k++) {
		struct eng_ctl *c;
		struct ebuf b = {0};

		assert_int_equal(eng_ctl_new(t.eng, "dave", roles[k], &c), 0);
		for (uint16_t op = 1; op < CTL_OPS; op++) {
			req(&b, op, op, &p);
			assert_int_equal(eng_ctl_input(c, b.s, b.len), 0);
			b.len = 0;
			assert_int_equal(replies(c, r, CTL_OPS), 1);
			assert_int_equal(r[0].seq, op);

			bool changes = false;
			for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
				changes |= changing[i] == op;
			if (roles[k] == ENG_ROLE_OPERATOR && changes)
				assert_int_equal(r[0].rc, -EPERM);
			else
				assert_int_equal(r[0].rc, -EBADMSG);
		}
		assert_false(eng_cand_active(eng_ctl_sess(c)));
		eng_ctl_free(c);
		free(b.s);
	}
	free(p.s);
	tenv_close(&t);
}

/* ---- configure exclusive, show users ------------------------------------ */

static void test_exclusive(void **state)
{
	struct tenv t;
	struct eng_sess *a, *b, *c;
	struct eng_tunnel tun;
	struct eng_diag d = {0};
	struct eng_commit_req plain = {0};
	struct eng_sess_info *list;
	size_t n;

	tenv_open(&t, NULL);
	a = tenv_admin(&t, "alice");
	b = tenv_admin(&t, "bob"); /* a candidate from before the lock */
	assert_int_equal(eng_sess_open(t.eng, "carol", ENG_ROLE_OPERATOR, &c), 0);
	assert_int_equal(eng_cand_begin_exclusive(c), -EPERM);
	assert_int_equal(eng_cand_begin_exclusive(a), 0);
	assert_int_equal(eng_cand_begin_exclusive(a), 0); /* again: kept */
	assert_int_equal(eng_cand_begin_exclusive(b), -EBUSY);

	tunnel_init(&tun, "B", 2);
	put_tunnel(b, &tun);
	assert_int_equal(eng_commit(b, &plain, &d, NULL), -EBUSY);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.lines[0], "locked by alice"));
	eng_diag_free(&d);
	eng_cand_discard(b);
	assert_int_equal(eng_cand_begin(b), -EBUSY);

	assert_int_equal(eng_sess_list(c, &list, &n), 0);
	assert_int_equal(n, 3);
	/* newest first */
	assert_string_equal(list[0].user, "carol");
	assert_true(list[0].self && list[0].role == ENG_ROLE_OPERATOR && !list[0].config);
	assert_string_equal(list[2].user, "alice");
	assert_true(list[2].exclusive && list[2].config && !list[2].self);
	assert_false(list[1].exclusive || list[1].config);
	free(list);

	/* the lock goes with the session */
	eng_sess_close(a);
	assert_int_equal(eng_cand_begin(b), 0);
	tunnel_init(&tun, "B", 2);
	put_tunnel(b, &tun);
	assert_int_equal(eng_commit(b, &plain, &d, NULL), 0);
	/* and with leaving configuration mode */
	assert_int_equal(eng_cand_begin_exclusive(b), 0);
	eng_cand_discard(b);
	assert_int_equal(eng_sess_list(c, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_false(list[1].exclusive);
	free(list);
	eng_sess_close(b);
	eng_sess_close(c);
	tenv_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tunnel_roundtrip),   cmocka_unit_test(test_policy_roundtrip),
	    cmocka_unit_test(test_stale_remote_names), cmocka_unit_test(test_hostile_tunnel),
	    cmocka_unit_test(test_server_frames),      cmocka_unit_test(test_server_operator),
	    cmocka_unit_test(test_exclusive),	       cmocka_unit_test(test_server_every_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
