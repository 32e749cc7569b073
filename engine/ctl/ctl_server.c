/*
 * ctl_server.c - one control connection, daemon side: frames in, the
 * engine called on the connection's session, replies and log lines out.
 *
 * The role is the daemon's decision (from the socket's peer credentials),
 * never the client's: an operator's state-changing requests are refused
 * here before the engine sees them, and the engine masks secrets in every
 * text and object it hands to an operator's session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* Log lines are dropped, not queued, past this much unsent output. */
#define CTL_LOG_BACKLOG (1u << 20)

struct eng_ctl {
	struct eng *eng;
	struct eng_sess *sess;
	char user[ENG_USER_MAX];
	enum eng_role role;
	uint8_t *in;
	size_t in_len, in_cap;
	struct ebuf out;
	size_t out_off;
	bool monitor;	      /* terminal monitor: every log line, not only warnings */
	bool dead;	      /* a protocol error: flush what is queued, then close */
	unsigned long served; /* requests answered */
};

int eng_ctl_new(struct eng *eng, const char *user, enum eng_role role, struct eng_ctl **out)
{
	struct eng_ctl *c;
	int rc;

	if (!eng || !user || !out)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = eng_sess_open(eng, user, role, &c->sess);
	if (rc) {
		free(c);
		return rc;
	}
	c->eng = eng;
	c->role = role;
	snprintf(c->user, sizeof(c->user), "%s", user);
	*out = c;
	return 0;
}

void eng_ctl_free(struct eng_ctl *c)
{
	if (!c)
		return;
	eng_sess_close(c->sess);
	eng_wipe(c->in, c->in_cap); /* requests carried objects with their keys */
	free(c->in);
	if (c->out.s) {
		eng_wipe(c->out.s, c->out.cap);
		free(c->out.s);
	}
	free(c);
}

struct eng_sess *eng_ctl_sess(const struct eng_ctl *c)
{
	return c ? c->sess : NULL;
}

size_t eng_ctl_pending(const struct eng_ctl *c, const void **data)
{
	*data = c->out.s ? c->out.s + c->out_off : NULL;
	return c->out.len - c->out_off;
}

void eng_ctl_sent(struct eng_ctl *c, size_t n)
{
	c->out_off += n;
	if (c->out_off >= c->out.len) {
		/* the buffer may have held a secret (show running-config secrets) */
		if (c->out.s)
			eng_wipe(c->out.s, c->out.len);
		c->out.len = c->out_off = 0;
	}
}

bool eng_ctl_partial(const struct eng_ctl *c)
{
	return c->in_len > 0;
}

unsigned long eng_ctl_served(const struct eng_ctl *c)
{
	return c->served;
}

static void ctl_log_send(struct eng_ctl *c, uint16_t type, enum eng_log_level level,
			 const char *msg)
{
	struct ebuf p = {0};

	if (c->dead || c->out.len - c->out_off > CTL_LOG_BACKLOG)
		return;
	wb_u8(&p, (uint8_t)level);
	wb_str(&p, msg);
	if (!p.oom)
		ctl_frame(&c->out, type, 0, p.s, p.len);
	free(p.s);
}

/* Log lines go to sessions with `terminal monitor` only (IOS: logging
 * monitor); the client adds the console's own. */
void eng_ctl_log(struct eng_ctl *c, enum eng_log_level level, const char *msg)
{
	if (c->monitor)
		ctl_log_send(c, CTL_EV_LOG, level, msg);
}

void eng_ctl_notice(struct eng_ctl *c, enum eng_log_level level, const char *msg)
{
	ctl_log_send(c, CTL_EV_NOTICE, level, msg);
}

/* ---- Requests ------------------------------------------------------------ */

static bool db_ok(uint32_t db)
{
	return db <= ENG_STARTUP;
}

static bool kind_ok(uint32_t kind)
{
	return kind < ENG_OBJ_KINDS;
}

static void mask(char **s)
{
	if (!*s)
		return;
	eng_secret_free(*s);
	*s = strdup("*****");
}

/*
 * The handlers: one per request, each decodes its request (a malformed
 * one is -EBADMSG and reaches no engine call), calls the engine on the
 * connection's session and encodes the results into res.  The return
 * value is the call's rc, sent first in the reply.
 */

/* A text result goes into the reply when the call succeeded; either way it is wiped. */
static int reply_text(struct ebuf *res, int rc, char *text)
{
	if (text) {
		if (rc == 0)
			wb_str(res, text);
		eng_secret_free(text);
	}
	return rc;
}

static int op_hello(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	wb_str(res, c->user);
	wb_u8(res, (uint8_t)c->role);
	return 0;
}

static int op_cand_begin(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	return rb_done(r) ? eng_cand_begin(c->sess) : -EBADMSG;
}

static int op_cand_exclusive(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	return rb_done(r) ? eng_cand_begin_exclusive(c->sess) : -EBADMSG;
}

static int op_cand_active(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	wb_u8(res, eng_cand_active(c->sess));
	return 0;
}

static int op_cand_dirty(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	wb_u8(res, eng_cand_dirty(c->sess));
	return 0;
}

static int op_cand_discard(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	eng_cand_discard(c->sess);
	return 0;
}

static int op_obj_get(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t db = rb_u32(r), kind = rb_u32(r);
	char *key = NULL;
	union eng_any obj;
	int rc;

	if (rb_str(r, true, &key) || !rb_done(r) || !db_ok(db) || !kind_ok(kind)) {
		rc = -EBADMSG;
		goto done;
	}
	rc = eng_obj_get(c->sess, db, kind, key, &obj);
	if (rc == 0) {
		wb_obj(res, kind, &obj);
		eng_obj_clear(kind, &obj);
	}
done:
	free(key);
	return rc;
}

static int op_obj_put(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t kind = rb_u32(r);
	struct eng_diag d = {0};
	union eng_any obj;
	int rc;

	if (!kind_ok(kind))
		return -EBADMSG;
	rc = rb_obj(r, kind, &obj);
	if (rc)
		return rc;
	rc = rb_done(r) ? eng_obj_put(c->sess, kind, &obj, &d) : -EBADMSG;
	eng_obj_clear(kind, &obj);
	wb_diag(res, &d);
	eng_diag_free(&d);
	return rc;
}

static int op_obj_del(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t kind = rb_u32(r);
	char *key = NULL;
	int rc;

	if (rb_str(r, true, &key) || !rb_done(r) || !kind_ok(kind))
		rc = -EBADMSG;
	else
		rc = eng_obj_del(c->sess, kind, key);
	free(key);
	return rc;
}

static int op_keys(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t db = rb_u32(r), kind = rb_u32(r);
	struct eng_keys k = {0};
	int rc;

	if (!rb_done(r) || !db_ok(db) || !kind_ok(kind))
		return -EBADMSG;
	rc = eng_keys(c->sess, db, kind, &k);
	if (rc == 0) {
		wb_u32(res, (uint32_t)k.n);
		for (size_t i = 0; i < k.n; i++)
			wb_str(res, k.keys[i]);
	}
	eng_keys_free(&k);
	return rc;
}

static int op_config_text(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t db = rb_u32(r), flags = rb_u32(r);
	char *text = NULL;
	int rc;

	if (!rb_done(r) || !db_ok(db))
		return -EBADMSG;
	rc = eng_config_text(c->sess, db, flags, &text);
	return reply_text(res, rc, text);
}

static int op_obj_text(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t db = rb_u32(r), kind = rb_u32(r), flags = rb_u32(r);
	char *key = NULL, *text = NULL;
	int rc;

	if (rb_str(r, true, &key) || !rb_done(r) || !db_ok(db) || !kind_ok(kind))
		rc = -EBADMSG;
	else
		rc = eng_obj_text(c->sess, db, kind, key, flags, &text);
	free(key);
	return reply_text(res, rc, text);
}

static int op_config_changes(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *text = NULL;
	int rc = rb_done(r) ? eng_config_changes(c->sess, &text) : -EBADMSG;

	return reply_text(res, rc, text);
}

static int op_commit_impact(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_tunnel_impact *list = NULL;
	size_t n = 0, unchanged = 0;
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_commit_impact(c->sess, &list, &n, &unchanged);
	if (rc == 0) {
		wb_u32(res, (uint32_t)(unchanged > UINT32_MAX ? UINT32_MAX : unchanged));
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &list[i], sizeof(list[i]));
	}
	free(list);
	return rc;
}

static int op_secret_unseal(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *sealed = NULL, *text = NULL;
	int rc;

	if (rb_str(r, false, &sealed) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_secret_unseal(c->sess, sealed, &text);
	free(sealed); /* sealed: not a secret */
	return reply_text(res, rc, text);
}

static int op_config_key_set(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *pass = NULL;
	int rc;

	if (rb_str(r, false, &pass) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_config_key_set(c->sess, pass);
	eng_secret_free(pass);
	return rc;
}

static int op_commit(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_commit_req req = {0};
	struct eng_diag d = {0};
	char *comment = NULL;
	uint32_t id = 0;
	int rc;

	if (rb_str(r, true, &comment))
		return -EBADMSG;
	req.comment = comment;
	req.confirm_minutes = rb_u32(r);
	req.check_only = rb_u8(r) != 0;
	rc = rb_done(r) ? eng_commit(c->sess, &req, &d, &id) : -EBADMSG;
	wb_u32(res, id);
	wb_diag(res, &d);
	eng_diag_free(&d);
	free(comment);
	return rc;
}

static int op_confirm(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	return rb_done(r) ? eng_confirm(c->sess) : -EBADMSG;
}

static int op_confirm_pending(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	wb_i64(res, eng_confirm_pending(c->eng));
	return 0;
}

static int op_commit_list(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_commit_info *list = NULL;
	size_t n = 0;
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_commit_list(c->sess, &list, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &list[i], sizeof(list[i]));
	}
	free(list);
	return rc;
}

static int op_commit_changes(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t id = rb_u32(r);
	char *text = NULL;
	int rc = rb_done(r) ? eng_commit_changes(c->sess, id, &text) : -EBADMSG;

	return reply_text(res, rc, text);
}

static int op_rollback(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t n = rb_u32(r);
	struct eng_diag d = {0};
	int rc = rb_done(r) ? eng_rollback(c->sess, n, &d) : -EBADMSG;

	wb_diag(res, &d);
	eng_diag_free(&d);
	return rc;
}

static int op_startup_save(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_diag d = {0};
	int rc = rb_done(r) ? eng_startup_save(c->sess, &d) : -EBADMSG;

	wb_diag(res, &d);
	eng_diag_free(&d);
	return rc;
}

static int op_log_text(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *text = NULL;
	int rc = rb_done(r) ? eng_log_text(c->eng, &text) : -EBADMSG;

	return reply_text(res, rc, text);
}

static int op_tunnel_effective(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t db = rb_u32(r);
	struct eng_tunnel t = {0};
	struct eng_ikev2_policy i2 = {0};
	struct eng_ikev1_policy i1 = {0};
	struct eng_ipsec_policy ip = {0};
	char *name = NULL;
	int rc;

	if (rb_str(r, false, &name) || !rb_done(r) || !db_ok(db)) {
		rc = -EBADMSG;
		goto done;
	}
	rc = eng_tunnel_effective(c->sess, db, name, &t, &i2, &i1, &ip);
	if (rc)
		goto done;
	if (c->role != ENG_ROLE_ADMIN) {
		mask(&t.psk);
		mask(&t.xauth_password);
	}
	wb_obj(res, ENG_OBJ_TUNNEL, &t);
	wb_obj(res, ENG_OBJ_IKEV2, &i2);
	wb_obj(res, ENG_OBJ_IKEV1, &i1);
	wb_obj(res, ENG_OBJ_IPSEC, &ip);
	eng_obj_clear(ENG_OBJ_TUNNEL, &t);
done:
	free(name);
	return rc;
}

static int op_hostname(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char host[ENG_HOSTNAME_MAX];

	if (!rb_done(r))
		return -EBADMSG;
	eng_global_hostname(c->eng, host);
	wb_str(res, host);
	return 0;
}

static int op_tunnel_status(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_tunnel_status *st = NULL;
	char *name = NULL;
	size_t n = 0;
	int rc;

	if (rb_str(r, true, &name) || !rb_done(r)) {
		rc = -EBADMSG;
		goto done;
	}
	rc = eng_tunnel_status(c->sess, name, &st, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &st[i], sizeof(st[i]));
	}
	free(st);
done:
	free(name);
	return rc;
}

static int op_ike_stats(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_ike_stats st = {0};
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_ike_stats(c->sess, &st);
	if (rc == 0)
		wb_blob(res, &st, sizeof(st));
	return rc;
}

static int op_clear_ike_sa(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *name = NULL;
	int rc;

	if (rb_str(r, true, &name) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_clear_ike_sa(c->sess, name);
	free(name);
	return rc;
}

static int op_clear_child_sa(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *name = NULL;
	int rc;

	if (rb_str(r, true, &name) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_clear_child_sa(c->sess, name);
	free(name);
	return rc;
}

static int op_clear_counters(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	return rb_done(r) ? eng_clear_counters(c->sess) : -EBADMSG;
}

static int op_clear_peer(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	const uint8_t *raw = rb_blob(r, sizeof(struct eng_addr));
	struct eng_addr a;

	if (!raw || !rb_done(r))
		return -EBADMSG;
	memcpy(&a, raw, sizeof(a));
	return eng_clear_peer(c->sess, &a);
}

static int op_debug_set(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t what = rb_u32(r);
	uint32_t on = rb_u8(r);

	if (!rb_done(r) || on > 1)
		return -EBADMSG;
	return eng_debug_set(c->sess, what, on == 1);
}

static int op_debug_get(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	if (!rb_done(r))
		return -EBADMSG;
	wb_u32(res, eng_debug_get(c->eng));
	return 0;
}

static int op_monitor(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	uint32_t on = rb_u8(r);
	int rc;

	if (!rb_done(r) || on > 1)
		return -EBADMSG;
	rc = eng_sess_monitor(c->sess, on == 1);
	if (rc == 0)
		c->monitor = on == 1;
	return rc;
}

static int op_sess_list(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_sess_info *list = NULL;
	size_t n = 0;
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_sess_list(c->sess, &list, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &list[i], sizeof(list[i]));
	}
	free(list);
	return rc;
}

/* ---- Key pairs and certificates ------------------------------------------- */

static int op_key_generate(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_diag d = {0};
	char *label = NULL;
	uint8_t type;
	uint32_t bits;
	int rc;

	rb_str(r, false, &label);
	type = rb_u8(r);
	bits = rb_u32(r);
	if (!label || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_key_generate(c->sess, label, type, bits, &d);
	wb_diag(res, &d);
	eng_diag_free(&d);
	free(label);
	return rc;
}

/* name, bytes, optional secret: KEY_IMPORT and PKI_IMPORT (what != NULL) */
static int read_import(struct rbuf *r, char **name, uint8_t *what, const uint8_t **data,
		       size_t *len, char **secret)
{
	*secret = NULL;
	if (rb_str(r, false, name))
		return -EBADMSG;
	if (what)
		*what = rb_u8(r);
	*data = rb_bytes(r, CTL_REQ_MAX, len);
	if (!*data || rb_str(r, true, secret) || !rb_done(r))
		return -EBADMSG;
	return 0;
}

static int op_key_import(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_diag d = {0};
	const uint8_t *data;
	char *label = NULL, *pass = NULL, *pem = NULL;
	size_t len;
	int rc = read_import(r, &label, NULL, &data, &len, &pass);

	if (rc == 0) {
		pem = malloc(len + 1);
		if (!pem) {
			rc = -ENOMEM;
		} else {
			memcpy(pem, data, len);
			pem[len] = '\0';
			rc = eng_key_import(c->sess, label, pem, len, pass, &d);
			eng_wipe(pem, len + 1);
			free(pem);
		}
	}
	wb_diag(res, &d);
	eng_diag_free(&d);
	free(label);
	eng_secret_free(pass);
	return rc;
}

static int op_key_zeroize(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	char *label = NULL;
	int rc;

	if (rb_str(r, false, &label) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_key_zeroize(c->sess, label);
	free(label);
	return rc;
}

static int op_key_list(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_key_info *v = NULL;
	size_t n = 0;
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_key_list(c->sess, &v, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &v[i], sizeof(v[i]));
	}
	free(v);
	return rc;
}

static int op_pki_import(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_diag d = {0};
	const uint8_t *data;
	char *tp = NULL, *pass = NULL;
	uint8_t what = 0;
	size_t len;
	int rc = read_import(r, &tp, &what, &data, &len, &pass);

	if (rc == 0)
		rc = what > ENG_PKI_CRL ? -EBADMSG
					: eng_pki_import(c->sess, tp, what, data, len, pass, &d);
	wb_diag(res, &d);
	eng_diag_free(&d);
	free(tp);
	eng_secret_free(pass);
	return rc;
}

static int op_pki_enroll(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_diag d = {0};
	char *tp = NULL, *pem = NULL;
	int rc;

	if (rb_str(r, false, &tp) || !rb_done(r))
		rc = -EBADMSG;
	else
		rc = eng_pki_enroll(c->sess, tp, &pem, &d);
	wb_diag(res, &d);
	eng_diag_free(&d);
	if (rc == 0)
		wb_str(res, pem);
	free(pem);
	free(tp);
	return rc;
}

static int op_pki_certs(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_cert_info *v = NULL;
	char *tp = NULL;
	size_t n = 0;
	int rc;

	if (rb_str(r, true, &tp) || !rb_done(r)) {
		free(tp);
		return -EBADMSG;
	}
	rc = eng_pki_certs(c->sess, tp, &v, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &v[i], sizeof(v[i]));
	}
	free(v);
	free(tp);
	return rc;
}

static int op_pki_trustpoints(struct eng_ctl *c, struct rbuf *r, struct ebuf *res)
{
	struct eng_tp_info *v = NULL;
	size_t n = 0;
	int rc;

	if (!rb_done(r))
		return -EBADMSG;
	rc = eng_pki_trustpoints(c->sess, &v, &n);
	if (rc == 0) {
		wb_u32(res, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			wb_blob(res, &v[i], sizeof(v[i]));
	}
	free(v);
	return rc;
}

/*
 * One row per request: its handler and the engine call it makes, whose
 * properties (eng_ops.h) decide what an operator is refused before the
 * handler runs, and name it in the log.  HELLO makes no engine call.
 */
struct ctl_op {
	int (*serve)(struct eng_ctl *c, struct rbuf *r, struct ebuf *res);
	enum eng_call call;
};

static const struct ctl_op ctl_ops[CTL_OPS] = {
    [CTL_HELLO] = {op_hello, ENG_CALLS},
    [CTL_CAND_BEGIN] = {op_cand_begin, ENG_CALL_CAND_BEGIN},
    [CTL_CAND_ACTIVE] = {op_cand_active, ENG_CALL_CAND_ACTIVE},
    [CTL_CAND_DIRTY] = {op_cand_dirty, ENG_CALL_CAND_DIRTY},
    [CTL_CAND_DISCARD] = {op_cand_discard, ENG_CALL_CAND_DISCARD},
    [CTL_OBJ_GET] = {op_obj_get, ENG_CALL_OBJ_GET},
    [CTL_OBJ_PUT] = {op_obj_put, ENG_CALL_OBJ_PUT},
    [CTL_OBJ_DEL] = {op_obj_del, ENG_CALL_OBJ_DEL},
    [CTL_KEYS] = {op_keys, ENG_CALL_KEYS},
    [CTL_CONFIG_TEXT] = {op_config_text, ENG_CALL_CONFIG_TEXT},
    [CTL_OBJ_TEXT] = {op_obj_text, ENG_CALL_OBJ_TEXT},
    [CTL_CONFIG_CHANGES] = {op_config_changes, ENG_CALL_CONFIG_CHANGES},
    [CTL_COMMIT] = {op_commit, ENG_CALL_COMMIT},
    [CTL_CONFIRM] = {op_confirm, ENG_CALL_CONFIRM},
    [CTL_CONFIRM_PENDING] = {op_confirm_pending, ENG_CALL_CONFIRM_PENDING},
    [CTL_COMMIT_LIST] = {op_commit_list, ENG_CALL_COMMIT_LIST},
    [CTL_COMMIT_CHANGES] = {op_commit_changes, ENG_CALL_COMMIT_CHANGES},
    [CTL_ROLLBACK] = {op_rollback, ENG_CALL_ROLLBACK},
    [CTL_STARTUP_SAVE] = {op_startup_save, ENG_CALL_STARTUP_SAVE},
    [CTL_LOG_TEXT] = {op_log_text, ENG_CALL_LOG_TEXT},
    [CTL_TUNNEL_EFFECTIVE] = {op_tunnel_effective, ENG_CALL_TUNNEL_EFFECTIVE},
    [CTL_HOSTNAME] = {op_hostname, ENG_CALL_HOSTNAME},
    [CTL_TUNNEL_STATUS] = {op_tunnel_status, ENG_CALL_TUNNEL_STATUS},
    [CTL_IKE_STATS] = {op_ike_stats, ENG_CALL_IKE_STATS},
    [CTL_CLEAR_IKE_SA] = {op_clear_ike_sa, ENG_CALL_CLEAR_IKE_SA},
    [CTL_CLEAR_CHILD_SA] = {op_clear_child_sa, ENG_CALL_CLEAR_CHILD_SA},
    [CTL_CLEAR_COUNTERS] = {op_clear_counters, ENG_CALL_CLEAR_COUNTERS},
    [CTL_CAND_EXCLUSIVE] = {op_cand_exclusive, ENG_CALL_CAND_EXCLUSIVE},
    [CTL_SESS_LIST] = {op_sess_list, ENG_CALL_SESS_LIST},
    [CTL_MONITOR] = {op_monitor, ENG_CALL_SESS_MONITOR},
    [CTL_CLEAR_PEER] = {op_clear_peer, ENG_CALL_CLEAR_PEER},
    [CTL_DEBUG_SET] = {op_debug_set, ENG_CALL_DEBUG_SET},
    [CTL_DEBUG_GET] = {op_debug_get, ENG_CALL_DEBUG_GET},
    [CTL_KEY_GENERATE] = {op_key_generate, ENG_CALL_KEY_GENERATE},
    [CTL_KEY_IMPORT] = {op_key_import, ENG_CALL_KEY_IMPORT},
    [CTL_KEY_ZEROIZE] = {op_key_zeroize, ENG_CALL_KEY_ZEROIZE},
    [CTL_KEY_LIST] = {op_key_list, ENG_CALL_KEY_LIST},
    [CTL_PKI_IMPORT] = {op_pki_import, ENG_CALL_PKI_IMPORT},
    [CTL_PKI_ENROLL] = {op_pki_enroll, ENG_CALL_PKI_ENROLL},
    [CTL_PKI_CERTS] = {op_pki_certs, ENG_CALL_PKI_CERTS},
    [CTL_PKI_TRUSTPOINTS] = {op_pki_trustpoints, ENG_CALL_PKI_TRUSTPOINTS},
    [CTL_SECRET_UNSEAL] = {op_secret_unseal, ENG_CALL_SECRET_UNSEAL},
    [CTL_CONFIG_KEY_SET] = {op_config_key_set, ENG_CALL_CONFIG_KEY_SET},
    [CTL_COMMIT_IMPACT] = {op_commit_impact, ENG_CALL_COMMIT_IMPACT},
};

/* May this connection's session make the request? */
static bool op_allowed(const struct eng_ctl *c, uint16_t op)
{
	return op >= CTL_OPS || ctl_ops[op].call == ENG_CALLS ||
	       eng_call_allowed(c->sess, ctl_ops[op].call);
}

/* One request: the results go to res; returns the call's rc. */
static int serve(struct eng_ctl *c, uint16_t op, struct rbuf *r, struct ebuf *res)
{
	if (op >= CTL_OPS || !ctl_ops[op].serve)
		return -EOPNOTSUPP;
	return ctl_ops[op].serve(c, r, res);
}

static void answer(struct eng_ctl *c, uint16_t op, uint32_t seq, const uint8_t *p, size_t len)
{
	struct rbuf r = {p, len, 0, false};
	struct ebuf res = {0}, rep = {0};
	int rc;

	if (!op_allowed(c, op)) {
		/* refused whatever the client is: a forged request included */
		eng_logf(&c->eng->log, ENG_LOG_NOTICE, "%s (operator) refused %s", c->user,
			 eng_call_info(ctl_ops[op].call)->name);
		rc = -EPERM;
	} else {
		rc = serve(c, op, &r, &res);
	}
	if (res.oom) {
		rc = -ENOMEM;
		res.len = 0;
	}
	wb_i32(&rep, rc);
	if (res.len)
		ebuf_add(&rep, res.s, res.len);
	if (rep.oom) {
		c->dead = true;
	} else {
		ctl_frame(&c->out, CTL_REPLY, seq, rep.s, rep.len);
		if (c->out.oom)
			c->dead = true;
	}
	if (res.s) {
		eng_wipe(res.s, res.cap);
		free(res.s);
	}
	if (rep.s) {
		eng_wipe(rep.s, rep.cap);
		free(rep.s);
	}
}

/* Bytes received from the client.  Frames that are complete are
 * answered while little output waits; the rest stays buffered until the
 * next call (data may be NULL then).  Returns 0, or a negative errno
 * after which the connection is to be closed once its output is sent. */
int eng_ctl_input(struct eng_ctl *c, const void *data, size_t len)
{
	size_t off = 0;

	if (c->dead)
		return -EPROTO;
	if (len) {
		if (len > CTL_HDR_LEN + CTL_REQ_MAX - c->in_len + 65536)
			return -ENOBUFS;
		if (c->in_len + len > c->in_cap) {
			size_t cap = c->in_len + len + 4096;
			uint8_t *p = eng_secret_realloc(c->in, c->in_len, c->in_cap, cap);

			if (!p)
				return -ENOMEM;
			c->in = p;
			c->in_cap = cap;
		}
		memcpy(c->in + c->in_len, data, len);
		c->in_len += len;
	}
	while (c->in_len - off >= CTL_HDR_LEN && c->out.len - c->out_off < CTL_LOG_BACKLOG) {
		struct ctl_hdr h;

		ctl_hdr_get(c->in + off, &h);
		if (h.version != CTL_VERSION) {
			/* the reply is in our version; the peer learns why */
			struct ebuf rep = {0};

			wb_i32(&rep, -EPROTONOSUPPORT);
			if (!rep.oom)
				ctl_frame(&c->out, CTL_REPLY, h.seq, rep.s, rep.len);
			free(rep.s);
			c->dead = true;
			break;
		}
		if (h.len > CTL_REQ_MAX) {
			c->dead = true;
			break;
		}
		if (c->in_len - off < CTL_HDR_LEN + h.len)
			break;
		if (h.type == 0 || h.type >= CTL_OPS) {
			struct ebuf rep = {0};

			wb_i32(&rep, -EOPNOTSUPP);
			if (!rep.oom)
				ctl_frame(&c->out, CTL_REPLY, h.seq, rep.s, rep.len);
			free(rep.s);
		} else {
			answer(c, h.type, h.seq, c->in + off + CTL_HDR_LEN, h.len);
		}
		off += CTL_HDR_LEN + h.len;
		c->served++;
		if (c->dead)
			break;
	}
	if (off) {
		eng_wipe(c->in, off);
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return c->dead ? -EPROTO : 0;
}

/* How many bytes the daemon may read for this connection now: nothing
 * while replies wait to be sent or a whole request waits to be served. */
size_t eng_ctl_want(const struct eng_ctl *c)
{
	struct ctl_hdr h;

	if (c->dead || c->out.len > c->out_off)
		return 0;
	if (c->in_len >= CTL_HDR_LEN) {
		ctl_hdr_get(c->in, &h);
		if (h.len <= CTL_REQ_MAX && c->in_len >= CTL_HDR_LEN + h.len)
			return 0;
	}
	return 65536;
}
