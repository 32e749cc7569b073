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

void eng_ctl_log(struct eng_ctl *c, enum eng_log_level level, const char *msg)
{
	struct ebuf p = {0};

	if (c->dead || c->out.len - c->out_off > CTL_LOG_BACKLOG)
		return;
	/* warnings and errors to everyone, the rest to `terminal monitor` */
	if (level > ENG_LOG_WARNING && !c->monitor)
		return;
	wb_u8(&p, (uint8_t)level);
	wb_str(&p, msg);
	if (!p.oom)
		ctl_frame(&c->out, CTL_EV_LOG, 0, p.s, p.len);
	free(p.s);
}

/* ---- Requests ------------------------------------------------------------ */

/* The engine call each request makes, for the operators' refusals. */
static enum eng_call op_call(uint16_t op)
{
	static const enum eng_call calls[CTL_OPS] = {
	    [CTL_HELLO] = ENG_CALLS,
	    [CTL_CAND_BEGIN] = ENG_CALL_CAND_BEGIN,
	    [CTL_CAND_ACTIVE] = ENG_CALL_CAND_ACTIVE,
	    [CTL_CAND_DIRTY] = ENG_CALL_CAND_DIRTY,
	    [CTL_CAND_DISCARD] = ENG_CALL_CAND_DISCARD,
	    [CTL_OBJ_GET] = ENG_CALL_OBJ_GET,
	    [CTL_OBJ_PUT] = ENG_CALL_OBJ_PUT,
	    [CTL_OBJ_DEL] = ENG_CALL_OBJ_DEL,
	    [CTL_KEYS] = ENG_CALL_KEYS,
	    [CTL_CONFIG_TEXT] = ENG_CALL_CONFIG_TEXT,
	    [CTL_OBJ_TEXT] = ENG_CALL_OBJ_TEXT,
	    [CTL_CONFIG_CHANGES] = ENG_CALL_CONFIG_CHANGES,
	    [CTL_COMMIT] = ENG_CALL_COMMIT,
	    [CTL_CONFIRM] = ENG_CALL_CONFIRM,
	    [CTL_CONFIRM_PENDING] = ENG_CALL_CONFIRM_PENDING,
	    [CTL_COMMIT_LIST] = ENG_CALL_COMMIT_LIST,
	    [CTL_COMMIT_CHANGES] = ENG_CALL_COMMIT_CHANGES,
	    [CTL_ROLLBACK] = ENG_CALL_ROLLBACK,
	    [CTL_STARTUP_SAVE] = ENG_CALL_STARTUP_SAVE,
	    [CTL_LOG_TEXT] = ENG_CALL_LOG_TEXT,
	    [CTL_TUNNEL_EFFECTIVE] = ENG_CALL_TUNNEL_EFFECTIVE,
	    [CTL_HOSTNAME] = ENG_CALL_HOSTNAME,
	    [CTL_TUNNEL_STATUS] = ENG_CALL_TUNNEL_STATUS,
	    [CTL_IKE_STATS] = ENG_CALL_IKE_STATS,
	    [CTL_CLEAR_IKE_SA] = ENG_CALL_CLEAR_IKE_SA,
	    [CTL_CLEAR_CHILD_SA] = ENG_CALL_CLEAR_CHILD_SA,
	    [CTL_CLEAR_COUNTERS] = ENG_CALL_CLEAR_COUNTERS,
	    [CTL_CAND_EXCLUSIVE] = ENG_CALL_CAND_EXCLUSIVE,
	    [CTL_SESS_LIST] = ENG_CALL_SESS_LIST,
	    [CTL_MONITOR] = ENG_CALL_SESS_MONITOR,
	    [CTL_CLEAR_PEER] = ENG_CALL_CLEAR_PEER,
	    [CTL_DEBUG_SET] = ENG_CALL_DEBUG_SET,
	    [CTL_DEBUG_GET] = ENG_CALL_DEBUG_GET,
	};

	/* HELLO and unknown types are no engine call: serve() answers them */
	return op > 0 && op < CTL_OPS && op != CTL_HELLO ? calls[op] : ENG_CALLS;
}

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

/* One request: the results go to res; returns the call's rc. */
static int serve(struct eng_ctl *c, uint16_t op, struct rbuf *r, struct ebuf *res)
{
	struct eng_sess *s = c->sess;
	struct eng_diag d = {0};
	char *key = NULL, *text = NULL;
	uint32_t db, kind, flags, u;
	union eng_any obj;
	int rc;

	switch (op) {
	case CTL_HELLO:
		if (!rb_done(r))
			return -EBADMSG;
		wb_str(res, c->user);
		wb_u8(res, (uint8_t)c->role);
		return 0;
	case CTL_CAND_BEGIN:
		return rb_done(r) ? eng_cand_begin(s) : -EBADMSG;
	case CTL_CAND_ACTIVE:
	case CTL_CAND_DIRTY:
		if (!rb_done(r))
			return -EBADMSG;
		wb_u8(res, op == CTL_CAND_ACTIVE ? eng_cand_active(s) : eng_cand_dirty(s));
		return 0;
	case CTL_CAND_DISCARD:
		if (!rb_done(r))
			return -EBADMSG;
		eng_cand_discard(s);
		return 0;
	case CTL_OBJ_GET:
		db = rb_u32(r);
		kind = rb_u32(r);
		if (rb_str(r, true, &key) || !rb_done(r) || !db_ok(db) || !kind_ok(kind)) {
			rc = -EBADMSG;
			break;
		}
		rc = eng_obj_get(s, db, kind, key, &obj);
		if (rc == 0) {
			wb_obj(res, kind, &obj);
			eng_obj_clear(kind, &obj);
		}
		break;
	case CTL_OBJ_PUT:
		kind = rb_u32(r);
		if (!kind_ok(kind))
			return -EBADMSG;
		rc = rb_obj(r, kind, &obj);
		if (rc)
			return rc;
		rc = rb_done(r) ? eng_obj_put(s, kind, &obj, &d) : -EBADMSG;
		eng_obj_clear(kind, &obj);
		wb_diag(res, &d);
		break;
	case CTL_OBJ_DEL:
		kind = rb_u32(r);
		if (rb_str(r, true, &key) || !rb_done(r) || !kind_ok(kind)) {
			rc = -EBADMSG;
			break;
		}
		rc = eng_obj_del(s, kind, key);
		break;
	case CTL_KEYS: {
		struct eng_keys k = {0};

		db = rb_u32(r);
		kind = rb_u32(r);
		if (!rb_done(r) || !db_ok(db) || !kind_ok(kind))
			return -EBADMSG;
		rc = eng_keys(s, db, kind, &k);
		if (rc == 0) {
			wb_u32(res, (uint32_t)k.n);
			for (size_t i = 0; i < k.n; i++)
				wb_str(res, k.keys[i]);
		}
		eng_keys_free(&k);
		break;
	}
	case CTL_CONFIG_TEXT:
		db = rb_u32(r);
		flags = rb_u32(r);
		if (!rb_done(r) || !db_ok(db))
			return -EBADMSG;
		rc = eng_config_text(s, db, flags, &text);
		break;
	case CTL_OBJ_TEXT:
		db = rb_u32(r);
		kind = rb_u32(r);
		flags = rb_u32(r);
		if (rb_str(r, true, &key) || !rb_done(r) || !db_ok(db) || !kind_ok(kind)) {
			rc = -EBADMSG;
			break;
		}
		rc = eng_obj_text(s, db, kind, key, flags, &text);
		break;
	case CTL_CONFIG_CHANGES:
		rc = rb_done(r) ? eng_config_changes(s, &text) : -EBADMSG;
		break;
	case CTL_COMMIT: {
		struct eng_commit_req req = {0};
		uint32_t id = 0;

		if (rb_str(r, true, &key))
			return -EBADMSG;
		req.comment = key;
		req.confirm_minutes = rb_u32(r);
		req.check_only = rb_u8(r) != 0;
		rc = rb_done(r) ? eng_commit(s, &req, &d, &id) : -EBADMSG;
		wb_u32(res, id);
		wb_diag(res, &d);
		break;
	}
	case CTL_CONFIRM:
		return rb_done(r) ? eng_confirm(s) : -EBADMSG;
	case CTL_CONFIRM_PENDING:
		if (!rb_done(r))
			return -EBADMSG;
		wb_i64(res, eng_confirm_pending(c->eng));
		return 0;
	case CTL_COMMIT_LIST: {
		struct eng_commit_info *list = NULL;
		size_t n = 0;

		if (!rb_done(r))
			return -EBADMSG;
		rc = eng_commit_list(s, &list, &n);
		if (rc == 0) {
			wb_u32(res, (uint32_t)n);
			for (size_t i = 0; i < n; i++)
				wb_blob(res, &list[i], sizeof(list[i]));
		}
		free(list);
		break;
	}
	case CTL_COMMIT_CHANGES:
		u = rb_u32(r);
		rc = rb_done(r) ? eng_commit_changes(s, u, &text) : -EBADMSG;
		break;
	case CTL_ROLLBACK:
		u = rb_u32(r);
		rc = rb_done(r) ? eng_rollback(s, u, &d) : -EBADMSG;
		wb_diag(res, &d);
		break;
	case CTL_STARTUP_SAVE:
		rc = rb_done(r) ? eng_startup_save(s, &d) : -EBADMSG;
		wb_diag(res, &d);
		break;
	case CTL_LOG_TEXT:
		rc = rb_done(r) ? eng_log_text(c->eng, &text) : -EBADMSG;
		break;
	case CTL_TUNNEL_EFFECTIVE: {
		struct eng_tunnel t = {0};
		struct eng_ikev2_policy i2 = {0};
		struct eng_ikev1_policy i1 = {0};
		struct eng_ipsec_policy ip = {0};

		db = rb_u32(r);
		if (rb_str(r, false, &key) || !rb_done(r) || !db_ok(db)) {
			rc = -EBADMSG;
			break;
		}
		rc = eng_tunnel_effective(s, db, key, &t, &i2, &i1, &ip);
		if (rc)
			break;
		if (c->role != ENG_ROLE_ADMIN) {
			mask(&t.psk);
			mask(&t.xauth_password);
		}
		wb_obj(res, ENG_OBJ_TUNNEL, &t);
		wb_obj(res, ENG_OBJ_IKEV2, &i2);
		wb_obj(res, ENG_OBJ_IKEV1, &i1);
		wb_obj(res, ENG_OBJ_IPSEC, &ip);
		eng_obj_clear(ENG_OBJ_TUNNEL, &t);
		break;
	}
	case CTL_HOSTNAME: {
		char host[ENG_HOSTNAME_MAX];

		if (!rb_done(r))
			return -EBADMSG;
		eng_global_hostname(c->eng, host);
		wb_str(res, host);
		return 0;
	}
	case CTL_TUNNEL_STATUS: {
		struct eng_tunnel_status *st = NULL;
		size_t n = 0;

		if (rb_str(r, true, &key) || !rb_done(r)) {
			rc = -EBADMSG;
			break;
		}
		rc = eng_tunnel_status(s, key, &st, &n);
		if (rc == 0) {
			wb_u32(res, (uint32_t)n);
			for (size_t i = 0; i < n; i++)
				wb_blob(res, &st[i], sizeof(st[i]));
		}
		free(st);
		break;
	}
	case CTL_IKE_STATS: {
		struct eng_ike_stats st = {0};

		if (!rb_done(r))
			return -EBADMSG;
		rc = eng_ike_stats(s, &st);
		if (rc == 0)
			wb_blob(res, &st, sizeof(st));
		break;
	}
	case CTL_CLEAR_IKE_SA:
	case CTL_CLEAR_CHILD_SA:
		if (rb_str(r, true, &key) || !rb_done(r)) {
			rc = -EBADMSG;
			break;
		}
		rc = op == CTL_CLEAR_IKE_SA ? eng_clear_ike_sa(s, key) : eng_clear_child_sa(s, key);
		break;
	case CTL_CLEAR_COUNTERS:
		return rb_done(r) ? eng_clear_counters(s) : -EBADMSG;
	case CTL_CAND_EXCLUSIVE:
		return rb_done(r) ? eng_cand_begin_exclusive(s) : -EBADMSG;
	case CTL_CLEAR_PEER: {
		const uint8_t *raw = rb_blob(r, sizeof(struct eng_addr));
		struct eng_addr a;

		if (!raw || !rb_done(r))
			return -EBADMSG;
		memcpy(&a, raw, sizeof(a));
		return eng_clear_peer(s, &a);
	}
	case CTL_DEBUG_SET:
		u = rb_u32(r);
		flags = rb_u8(r);
		if (!rb_done(r) || flags > 1)
			return -EBADMSG;
		return eng_debug_set(s, u, flags == 1);
	case CTL_DEBUG_GET:
		if (!rb_done(r))
			return -EBADMSG;
		wb_u32(res, eng_debug_get(c->eng));
		return 0;
	case CTL_MONITOR:
		u = rb_u8(r);
		if (!rb_done(r) || u > 1)
			return -EBADMSG;
		rc = eng_sess_monitor(s, u == 1);
		if (rc == 0)
			c->monitor = u == 1;
		return rc;
	case CTL_SESS_LIST: {
		struct eng_sess_info *list = NULL;
		size_t n = 0;

		if (!rb_done(r))
			return -EBADMSG;
		rc = eng_sess_list(s, &list, &n);
		if (rc == 0) {
			wb_u32(res, (uint32_t)n);
			for (size_t i = 0; i < n; i++)
				wb_blob(res, &list[i], sizeof(list[i]));
		}
		free(list);
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	if (text) {
		if (rc == 0)
			wb_str(res, text);
		eng_secret_free(text);
	}
	free(key);
	eng_diag_free(&d);
	return rc;
}

static void answer(struct eng_ctl *c, uint16_t op, uint32_t seq, const uint8_t *p, size_t len)
{
	struct rbuf r = {p, len, 0, false};
	struct ebuf res = {0}, rep = {0};
	int rc;

	if (op_call(op) != ENG_CALLS && !eng_call_allowed(c->sess, op_call(op))) {
		/* refused whatever the client is: a forged request included */
		eng_logf(&c->eng->log, ENG_LOG_NOTICE, "%s (operator) refused %s", c->user,
			 eng_call_info(op_call(op))->name);
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
