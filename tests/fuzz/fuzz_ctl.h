/* SPDX-License-Identifier: ISC */
/*
 * The control server's fuzzing input: one byte of setup (bit 0: the
 * connection is an admin's, else an operator's; bits 1-7: the size of the
 * pieces the bytes arrive in, 0 = all at once), then the bytes a client
 * sends. fz_ctl_seeds() writes request streams a real client would send,
 * one per feature, as the seed corpus.
 */
#ifndef IKESH_TESTS_FUZZ_CTL_H
#define IKESH_TESTS_FUZZ_CTL_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define FZ_CTL_ADMIN	 0x01
#define FZ_CTL_SEEDS_MAX 32

struct fz_ctl_seed {
	char name[32];
	struct ebuf b;
};

static uint32_t fz_ctl_seq;

static void fz_ctl_req(struct ebuf *b, uint16_t op, const struct ebuf *p)
{
	ctl_frame(b, op, ++fz_ctl_seq, p ? p->s : NULL, p ? p->len : 0);
}

/* Replies a seed expects that are not success: no IKE runtime, no peer. */
static inline bool fz_ctl_expected(uint16_t op, int rc)
{
	return rc == 0 || (op == CTL_CLEAR_PEER && rc == -ENOENT);
}

/* A frame whose payload is built by the caller in p (emptied after). */
static void fz_ctl_reqp(struct ebuf *b, uint16_t op, struct ebuf *p)
{
	fz_ctl_req(b, op, p);
	p->len = 0;
}

static void fz_ctl_tunnel(struct eng_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "HQ");
	t->description = strdup("head office");
	t->ike_version = 2;
	t->ike_policy = 10;
	snprintf(t->ipsec_policy, sizeof(t->ipsec_policy), "ESP");
	t->n_remote = 2;
	t->remote[0].kind = ENG_EP_ADDR;
	eng_addr_parse("192.0.2.7", &t->remote[0].addr);
	t->remote[1].kind = ENG_EP_HOST;
	t->remote[1].name = strdup("b.example.net");
	t->auth = ENG_AUTH_PSK;
	t->psk = strdup("s3cret-psk");
	t->local_id.kind = ENG_ID_FQDN;
	t->local_id.value = strdup("gw.example.net");
	t->n_local_subnet = 1;
	eng_prefix_parse("10.0.0.0/24", &t->local_subnet[0]);
	t->dpd.interval = 30;
	t->dpd.timeout = 120;
}

/* The objects a configuration session puts, then commits. */
static void fz_ctl_configure(struct ebuf *b, struct ebuf *p, bool confirmed)
{
	struct eng_ikev2_policy v2 = {.id = 10,
				      .n_encr = 1,
				      .encr = {ENG_ENCR_AES256},
				      .n_integ = 1,
				      .integ = {ENG_HASH_SHA256},
				      .n_group = 1,
				      .group = {19},
				      .lifetime = 3600};
	struct eng_ipsec_policy ip = {
	    .name = "ESP", .n_encr = 1, .encr = {ENG_ENCR_AES256_GCM}, .pfs_group = 14};
	struct eng_global g = {.hostname = "gw1"};
	struct eng_tunnel t;

	fz_ctl_req(b, CTL_CAND_BEGIN, NULL);
	wb_u32(p, ENG_OBJ_GLOBAL);
	wb_obj(p, ENG_OBJ_GLOBAL, &g);
	fz_ctl_reqp(b, CTL_OBJ_PUT, p);
	wb_u32(p, ENG_OBJ_IKEV2);
	wb_obj(p, ENG_OBJ_IKEV2, &v2);
	fz_ctl_reqp(b, CTL_OBJ_PUT, p);
	wb_u32(p, ENG_OBJ_IPSEC);
	wb_obj(p, ENG_OBJ_IPSEC, &ip);
	fz_ctl_reqp(b, CTL_OBJ_PUT, p);
	fz_ctl_tunnel(&t);
	wb_u32(p, ENG_OBJ_TUNNEL);
	wb_obj(p, ENG_OBJ_TUNNEL, &t);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
	fz_ctl_reqp(b, CTL_OBJ_PUT, p);
	fz_ctl_req(b, CTL_CAND_DIRTY, NULL);
	fz_ctl_req(b, CTL_CONFIG_CHANGES, NULL);
	wb_str(p, "from the fuzzer's seed");
	wb_u32(p, confirmed ? 5 : 0);
	wb_u8(p, 0);
	fz_ctl_reqp(b, CTL_COMMIT, p);
}

static void fz_ctl_texts(struct ebuf *b, struct ebuf *p)
{
	wb_u32(p, ENG_RUNNING);
	wb_u32(p, 0);
	fz_ctl_reqp(b, CTL_CONFIG_TEXT, p);
	wb_u32(p, ENG_RUNNING);
	wb_u32(p, ENG_OBJ_TUNNEL);
	wb_u32(p, 0);
	wb_str(p, "HQ");
	fz_ctl_reqp(b, CTL_OBJ_TEXT, p);
	wb_u32(p, ENG_RUNNING);
	wb_u32(p, ENG_OBJ_TUNNEL);
	wb_str(p, "HQ");
	fz_ctl_reqp(b, CTL_OBJ_GET, p);
	wb_u32(p, ENG_CANDIDATE);
	wb_u32(p, ENG_OBJ_IPSEC);
	fz_ctl_reqp(b, CTL_KEYS, p);
	wb_u32(p, ENG_RUNNING);
	wb_str(p, "HQ");
	fz_ctl_reqp(b, CTL_TUNNEL_EFFECTIVE, p);
	wb_str(p, NULL);
	fz_ctl_reqp(b, CTL_TUNNEL_STATUS, p);
}

static void fz_ctl_history(struct ebuf *b, struct ebuf *p)
{
	fz_ctl_req(b, CTL_COMMIT_LIST, NULL);
	wb_u32(p, 1);
	fz_ctl_reqp(b, CTL_COMMIT_CHANGES, p);
	fz_ctl_req(b, CTL_CAND_BEGIN, NULL);
	wb_u32(p, ENG_OBJ_TUNNEL);
	wb_str(p, "HQ");
	fz_ctl_reqp(b, CTL_OBJ_DEL, p);
	wb_str(p, NULL);
	wb_u32(p, 0);
	wb_u8(p, 1);
	fz_ctl_reqp(b, CTL_COMMIT, p); /* check only */
	wb_str(p, "tunnel HQ removed");
	wb_u32(p, 0);
	wb_u8(p, 0);
	fz_ctl_reqp(b, CTL_COMMIT, p);
	wb_u32(p, 1);
	fz_ctl_reqp(b, CTL_ROLLBACK, p);
	fz_ctl_req(b, CTL_STARTUP_SAVE, NULL);
	fz_ctl_req(b, CTL_LOG_TEXT, NULL);
}

static void fz_ctl_runtime(struct ebuf *b, struct ebuf *p)
{
	struct eng_addr a;

	fz_ctl_configure(b, p, false);
	fz_ctl_req(b, CTL_IKE_STATS, NULL);
	wb_str(p, "HQ");
	fz_ctl_reqp(b, CTL_CLEAR_IKE_SA, p);
	wb_str(p, NULL);
	fz_ctl_reqp(b, CTL_CLEAR_CHILD_SA, p);
	fz_ctl_req(b, CTL_CLEAR_COUNTERS, NULL);
	memset(&a, 0, sizeof(a));
	eng_addr_parse("192.0.2.7", &a);
	wb_blob(p, &a, sizeof(a));
	fz_ctl_reqp(b, CTL_CLEAR_PEER, p);
	wb_u32(p, 3);
	wb_u8(p, 1);
	fz_ctl_reqp(b, CTL_DEBUG_SET, p);
	fz_ctl_req(b, CTL_DEBUG_GET, NULL);
	wb_u8(p, 1);
	fz_ctl_reqp(b, CTL_MONITOR, p);
	fz_ctl_req(b, CTL_SESS_LIST, NULL);
	fz_ctl_req(b, CTL_HOSTNAME, NULL);
	fz_ctl_req(b, CTL_CAND_EXCLUSIVE, NULL);
	fz_ctl_req(b, CTL_CAND_ACTIVE, NULL);
	fz_ctl_req(b, CTL_CAND_DISCARD, NULL);
}

static inline size_t fz_ctl_seeds(struct fz_ctl_seed *out, size_t max)
{
	static const struct {
		const char *name;
		uint8_t setup;
		int what;
	} list[] = {
	    {"hello-admin", FZ_CTL_ADMIN, 0}, {"hello-operator", 0, 0},
	    {"configure", FZ_CTL_ADMIN, 1},   {"configure-bytewise", FZ_CTL_ADMIN | 2, 1},
	    {"confirmed", FZ_CTL_ADMIN, 2},   {"texts", FZ_CTL_ADMIN, 3},
	    {"texts-operator", 0, 3},	      {"history", FZ_CTL_ADMIN, 4},
	    {"runtime", FZ_CTL_ADMIN, 5},     {"runtime-operator", 0, 5},
	};
	struct ebuf p = {0};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]) && n < max; i++) {
		struct fz_ctl_seed *s = &out[n++];

		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", list[i].name);
		ebuf_add(&s->b, (const char *)&list[i].setup, 1);
		fz_ctl_seq = 0;
		fz_ctl_req(&s->b, CTL_HELLO, NULL);
		switch (list[i].what) {
		case 1:
			fz_ctl_configure(&s->b, &p, false);
			break;
		case 2:
			fz_ctl_configure(&s->b, &p, true);
			fz_ctl_req(&s->b, CTL_CONFIRM_PENDING, NULL);
			fz_ctl_req(&s->b, CTL_CONFIRM, NULL);
			break;
		case 3:
			fz_ctl_configure(&s->b, &p, false);
			fz_ctl_texts(&s->b, &p);
			break;
		case 4:
			fz_ctl_configure(&s->b, &p, false);
			fz_ctl_history(&s->b, &p);
			break;
		case 5:
			fz_ctl_runtime(&s->b, &p);
			break;
		default:
			break;
		}
	}
	free(p.s);
	return n;
}

#endif
