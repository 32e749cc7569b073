/*
 * ctl_client.c - the engine API served by ikeshd: every call of a session
 * of a remote engine is one request and one reply on the daemon's socket.
 *
 * The client trusts the daemon no more than the daemon trusts it: replies
 * are read with the same bounded reader, and a daemon that stops
 * answering is given up on after CTL_TIMEOUT_MS.  A lost connection is
 * reported once through the log callback; the next call reconnects (a
 * restarted daemon has the running configuration, not this session's
 * candidate).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define CTL_TIMEOUT_MS 30000

/* The remote engine: struct eng first (eng_ops.h). */
struct eng_remote {
	struct eng pub;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	uint32_t seq;
	uint8_t *in;
	size_t in_len, in_cap;
	char user[ENG_USER_MAX];
	enum eng_role role;
	bool monitor; /* asked again after a reconnect */
	struct eng_sess *sess;
	struct eng_diag *open_diag; /* eng_open's, while the first HELLO runs */
};

static struct eng_remote *remote_of(const struct eng *eng)
{
	return eng_container_of(eng, struct eng_remote, pub);
}

static void remote_log(struct eng *eng, enum eng_log_level level, const char *msg)
{
	if (eng->opts.log)
		eng->opts.log(eng->opts.log_arg, level, msg);
}

static void drop(struct eng *eng, const char *why)
{
	struct eng_remote *r = remote_of(eng);
	char msg[160];

	if (r->fd < 0)
		return;
	close(r->fd);
	r->fd = -1;
	r->in_len = 0;
	snprintf(msg, sizeof(msg), "%% Connection to ikeshd lost (%s)", why);
	remote_log(eng, ENG_LOG_ERR, msg);
}

static int sock_connect(struct eng_remote *r)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, r->path, sizeof(sa.sun_path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	r->fd = fd;
	return 0;
}

/* Read what the socket has (waiting up to timeout_ms for the first
 * byte).  1: data, 0: nothing yet, -errno: the connection is gone. */
static int fill(struct eng_remote *r, int timeout_ms)
{
	struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
	ssize_t n;
	int prc;

	do
		prc = poll(&pfd, 1, timeout_ms);
	while (prc < 0 && errno == EINTR);
	if (prc < 0)
		return -errno;
	if (prc == 0)
		return 0;
	if (r->in_cap - r->in_len < 65536) {
		size_t cap = r->in_cap ? r->in_cap * 2 : 131072;
		uint8_t *p;

		if (cap > CTL_HDR_LEN + CTL_REPLY_MAX + 65536u)
			cap = CTL_HDR_LEN + CTL_REPLY_MAX + 65536u;
		if (cap <= r->in_len)
			return -EMSGSIZE;
		p = eng_secret_realloc(r->in, r->in_len, r->in_cap, cap);
		if (!p)
			return -ENOMEM;
		r->in = p;
		r->in_cap = cap;
	}
	n = read(r->fd, r->in + r->in_len, r->in_cap - r->in_len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	r->in_len += (size_t)n;
	return 1;
}

/* The next whole frame out of the buffer: 1 and a malloc'd payload,
 * 0 when incomplete, -EPROTO for a frame no daemon of ours sends. */
static int take(struct eng_remote *r, struct ctl_hdr *h, uint8_t **payload)
{
	size_t total;

	*payload = NULL;
	if (r->in_len < CTL_HDR_LEN)
		return 0;
	ctl_hdr_get(r->in, h);
	if (h->version != CTL_VERSION || h->len > CTL_REPLY_MAX)
		return -EPROTO;
	total = CTL_HDR_LEN + (size_t)h->len;
	if (r->in_len < total)
		return 0;
	*payload = malloc(h->len ? h->len : 1);
	if (!*payload)
		return -ENOMEM;
	memcpy(*payload, r->in + CTL_HDR_LEN, h->len);
	eng_wipe(r->in, total);
	memmove(r->in, r->in + total, r->in_len - total);
	r->in_len -= total;
	return 1;
}

static void event(struct eng *eng, const struct ctl_hdr *h, const uint8_t *p)
{
	struct rbuf rb = {p, h->len, 0, false};
	enum eng_log_level level;
	char *msg = NULL;

	if (h->type != CTL_EV_LOG && h->type != CTL_EV_NOTICE)
		return;
	level = (enum eng_log_level)rb_u8(&rb);
	if (rb_str(&rb, false, &msg) == 0 && rb_done(&rb) && level >= ENG_LOG_ERR &&
	    level <= ENG_LOG_DEBUG) {
		struct eng_diag *open = remote_of(eng)->open_diag;

		if (h->type == CTL_EV_NOTICE && open)
			eng_diag_addf(open, "%s", msg);
		else
			remote_log(eng, level, msg);
	}
	free(msg);
}

static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int reconnect(struct eng *eng);
static int ctl_simple(struct eng_sess *sess, uint16_t op);
static int ctl_monitor(struct eng_sess *s, bool on);

/*
 * One request, one reply.  Returns 0 with the call's own return value in
 * *rc and the rest of the reply in rep (backed by *buf, the caller frees
 * it), or a negative errno when there was no reply.
 */
static int call(struct eng *eng, uint16_t op, const struct ebuf *req, struct rbuf *rep,
		uint8_t **buf, int *rc)
{
	struct eng_remote *r = remote_of(eng);
	struct ebuf frame = {0};
	int64_t deadline;
	uint32_t seq;
	int err, unsent;

	*buf = NULL;
	if (r->fd < 0 && reconnect(eng))
		return -ENOTCONN;
	seq = ++r->seq;
	ctl_frame(&frame, op, seq, req ? req->s : NULL, req ? req->len : 0);
	if (frame.oom || (req && req->oom)) {
		free(frame.s);
		return -ENOMEM;
	}
	/* A daemon that refuses a connection answers and closes at once, so
	 * the request may not go out: its answer is read all the same. */
	unsent = send_all(r->fd, frame.s, frame.len);
	eng_wipe(frame.s, frame.len);
	free(frame.s);
	deadline = eng_now_ms() + CTL_TIMEOUT_MS;
	for (;;) {
		struct ctl_hdr h;
		uint8_t *p;
		int64_t left;

		err = take(r, &h, &p);
		if (err < 0) {
			drop(eng, "malformed reply");
			return -EPROTO;
		}
		if (err > 0 && h.type == CTL_REPLY && h.seq == seq) {
			*buf = p;
			*rep = (struct rbuf){p, h.len, 0, false};
			*rc = rb_i32(rep);
			if (rep->bad || *rc > 0) {
				eng_wipe(p, h.len);
				free(p);
				*buf = NULL;
				drop(eng, "malformed reply");
				return -EPROTO;
			}
			return 0;
		}
		if (err > 0) {
			event(eng, &h, p);
			free(p);
			continue;
		}
		left = deadline - eng_now_ms();
		if (left <= 0) {
			drop(eng, "no answer");
			return -ETIMEDOUT;
		}
		err = fill(r, unsent ? 0 : (int)left);
		if (unsent && err <= 0) {
			drop(eng, strerror(-unsent));
			return -ENOTCONN;
		}
		if (err < 0) {
			drop(eng, strerror(-err));
			return -ENOTCONN;
		}
	}
}

static int hello(struct eng *eng)
{
	struct eng_remote *r = remote_of(eng);
	struct rbuf rep;
	uint8_t *buf;
	char *user = NULL;
	int rc, err;

	err = call(eng, CTL_HELLO, NULL, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0) {
		uint8_t role;

		rb_str(&rep, false, &user);
		role = rb_u8(&rep);
		if (!rb_done(&rep) || role > ENG_ROLE_ADMIN)
			rc = -EPROTO;
		else {
			snprintf(r->user, sizeof(r->user), "%s", user);
			r->role = role;
			if (r->sess) {
				r->sess->role = role;
				snprintf(r->sess->user, sizeof(r->sess->user), "%s", user);
			}
		}
	}
	free(user);
	free(buf);
	return rc;
}

/* A new connection and its HELLO; quietly nothing when refused. */
static int reconnect(struct eng *eng)
{
	struct eng_remote *r = remote_of(eng);
	int rc = sock_connect(r);

	if (rc)
		return rc;
	rc = hello(eng);
	if (rc == 0 && r->monitor && r->sess)
		rc = ctl_monitor(r->sess, true);
	if (rc && r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
		r->in_len = 0;
	}
	return rc;
}

/* ---- The engine and its session ------------------------------------------ */

static const struct eng_ops remote_ops;

int eng_remote_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag)
{
	struct eng_remote *r;
	int rc;

	if (strlen(opts->run_dir) + 1 + strlen(CTL_SOCK_NAME) >= sizeof(r->path))
		return -ENAMETOOLONG;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	eng_base_init(&r->pub, &remote_ops, opts);
	r->fd = -1;
	snprintf(r->path, sizeof(r->path), "%s/%s", opts->run_dir, CTL_SOCK_NAME);
	r->open_diag = diag;
	rc = reconnect(&r->pub);
	r->open_diag = NULL;
	if (rc) {
		free(r);
		return rc;
	}
	*out = &r->pub;
	return 0;
}

static void ctl_remote_close(struct eng *eng)
{
	struct eng_remote *r = remote_of(eng);

	if (r->fd >= 0)
		close(r->fd);
	eng_wipe(r->in, r->in_cap); /* replies carried objects with their keys */
	free(r->in);
	free(r);
}

static size_t ctl_remote_poll_fds(const struct eng *eng, int *fds, size_t max)
{
	const struct eng_remote *r = remote_of(eng);

	if (r->fd < 0 || max == 0)
		return 0;
	fds[0] = r->fd;
	return 1;
}

/* Between calls only log lines arrive; EOF means the daemon went away. */
static void ctl_remote_tick(struct eng *eng)
{
	struct eng_remote *r = remote_of(eng);
	struct ctl_hdr h;
	uint8_t *p;
	int rc;

	if (r->fd < 0)
		return;
	rc = fill(r, 0);
	if (rc < 0) {
		drop(eng, rc == -ECONNRESET ? "ikeshd closed it" : strerror(-rc));
		return;
	}
	while ((rc = take(r, &h, &p)) > 0) {
		event(eng, &h, p);
		free(p);
	}
	if (rc < 0)
		drop(eng, "malformed message");
}

static int ctl_sess_open(struct eng *eng, const char *user, enum eng_role role,
			 struct eng_sess **out)
{
	struct eng_remote *r = remote_of(eng);
	struct eng_sess *s;

	/* the daemon decides who the session is, not the caller */
	(void)user;
	(void)role;
	if (r->sess)
		return -EBUSY; /* one session per connection */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eng_sess_base_init(s, eng, r->user, r->role);
	r->sess = s;
	*out = s;
	return 0;
}

static void ctl_sess_close(struct eng_sess *sess)
{
	struct eng_remote *r = remote_of(sess->eng);

	if (r->fd >= 0)
		ctl_simple(sess, CTL_CAND_DISCARD);
	r->sess = NULL;
	free(sess);
}

/* ---- The calls ---------------------------------------------------------------- */

static int ctl_simple(struct eng_sess *sess, uint16_t op)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err = call(sess->eng, op, NULL, &rep, &buf, &rc);

	if (err)
		return err;
	if (rc == 0 && (op == CTL_CAND_ACTIVE || op == CTL_CAND_DIRTY))
		rc = rb_u8(&rep) != 0;
	if (!rb_done(&rep))
		rc = -EPROTO;
	free(buf);
	return rc;
}

static int ctl_obj_get(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key,
		       void *out)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, db);
	wb_u32(&req, kind);
	wb_str(&req, key);
	err = call(s->eng, CTL_OBJ_GET, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rc == 0) {
		rc = rb_obj(&rep, kind, out);
		if (rc == 0 && !rb_done(&rep)) {
			eng_obj_clear(kind, out);
			rc = -EPROTO;
		}
	}
	eng_wipe(buf, rep.len); /* the object's keys */
	free(buf);
	return rc;
}

static int ctl_obj_put(struct eng_sess *s, enum eng_kind kind, const void *obj,
		       struct eng_diag *diag)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, kind);
	wb_obj(&req, kind, obj);
	err = call(s->eng, CTL_OBJ_PUT, &req, &rep, &buf, &rc);
	if (req.s) {
		eng_wipe(req.s, req.cap); /* it may carry a secret */
		free(req.s);
	}
	if (err)
		return err;
	if (rb_diag(&rep, diag) || !rb_done(&rep))
		rc = -EPROTO;
	free(buf);
	return rc;
}

static int ctl_obj_del(struct eng_sess *s, enum eng_kind kind, const char *key)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, kind);
	wb_str(&req, key);
	err = call(s->eng, CTL_OBJ_DEL, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static int ctl_keys(struct eng_sess *s, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	memset(out, 0, sizeof(*out));
	wb_u32(&req, db);
	wb_u32(&req, kind);
	err = call(s->eng, CTL_KEYS, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rc == 0) {
		uint32_t n = rb_u32(&rep);

		if (n > (rep.len - rep.off) / 4 || !(out->keys = calloc(n + 1, sizeof(char *))))
			rc = -EPROTO;
		for (uint32_t i = 0; rc == 0 && i < n; i++) {
			rc = rb_str(&rep, false, &out->keys[i]);
			if (rc == 0)
				out->n++;
		}
		if (rc == 0 && !rb_done(&rep))
			rc = -EPROTO;
		if (rc)
			eng_keys_free(out);
	}
	free(buf);
	return rc;
}

/* A call whose result is one string. */
static int text_call(struct eng_sess *s, uint16_t op, const struct ebuf *req, char **out)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	*out = NULL;
	err = call(s->eng, op, req, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0 && (rb_str(&rep, false, out) || !rb_done(&rep))) {
		eng_secret_free(*out); /* show running-config secrets */
		*out = NULL;
		rc = -EPROTO;
	}
	if (buf) {
		eng_wipe(buf, rep.len);
		free(buf);
	}
	return rc;
}

static int ctl_config_text(struct eng_sess *s, enum eng_db db, unsigned flags, char **out)
{
	struct ebuf req = {0};
	int rc;

	wb_u32(&req, db);
	wb_u32(&req, flags);
	rc = text_call(s, CTL_CONFIG_TEXT, &req, out);
	free(req.s);
	return rc;
}

static int ctl_obj_text(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key,
			unsigned flags, char **out)
{
	struct ebuf req = {0};
	int rc;

	wb_u32(&req, db);
	wb_u32(&req, kind);
	wb_u32(&req, flags);
	wb_str(&req, key);
	rc = text_call(s, CTL_OBJ_TEXT, &req, out);
	free(req.s);
	return rc;
}

/* CONFIG_CHANGES (no argument) and COMMIT_CHANGES (the commit id). */
static int ctl_text(struct eng_sess *s, uint16_t op, uint32_t arg, char **out)
{
	struct ebuf req = {0};
	int rc;

	if (op == CTL_COMMIT_CHANGES)
		wb_u32(&req, arg);
	rc = text_call(s, op, op == CTL_COMMIT_CHANGES ? &req : NULL, out);
	free(req.s);
	return rc;
}

static int ctl_log_text(struct eng *eng, char **out)
{
	struct eng_remote *r = remote_of(eng);
	struct eng_sess tmp = {.eng = eng};

	return text_call(r->sess ? r->sess : &tmp, CTL_LOG_TEXT, NULL, out);
}

static int ctl_commit(struct eng_sess *s, const struct eng_commit_req *req, struct eng_diag *diag,
		      uint32_t *id)
{
	struct ebuf q = {0};
	struct rbuf rep;
	uint8_t *buf;
	uint32_t got;
	int rc, err;

	wb_str(&q, req ? req->comment : NULL);
	wb_u32(&q, req ? req->confirm_minutes : 0);
	wb_u8(&q, req ? req->check_only : 0);
	err = call(s->eng, CTL_COMMIT, &q, &rep, &buf, &rc);
	free(q.s);
	if (err)
		return err;
	got = rb_u32(&rep);
	if (rb_diag(&rep, diag) || !rb_done(&rep))
		rc = -EPROTO;
	else if (id)
		*id = got;
	free(buf);
	return rc;
}

static long ctl_confirm_pending(const struct eng *eng)
{
	struct rbuf rep;
	uint8_t *buf;
	int64_t left;
	int rc, err;

	/* the remote state changes, not the engine: the cast is the API's */
	err = call((struct eng *)eng, CTL_CONFIRM_PENDING, NULL, &rep, &buf, &rc);
	if (err)
		return -1;
	left = rb_i64(&rep);
	if (rc || !rb_done(&rep))
		left = -1;
	free(buf);
	return (long)left;
}

/*
 * A reply's counted array of records, each read by read_one: at most max
 * of them, and never more than the reply's remaining bytes could hold, so
 * a forged count cannot make the client allocate.  *out is calloc'd
 * (release with free) and NULL on error; -EPROTO for a bad reply.
 */
static int rb_records(struct rbuf *rep, size_t size, size_t max,
		      int (*read_one)(struct rbuf *r, void *rec), void **out, size_t *n)
{
	uint32_t cnt = rb_u32(rep);
	uint8_t *v = NULL;
	int rc = 0;

	if (cnt > max || cnt > (rep->len - rep->off) / size || !(v = calloc(cnt + 1, size)))
		rc = -EPROTO;
	for (uint32_t i = 0; rc == 0 && i < cnt; i++)
		rc = read_one(rep, v + i * size);
	if (rc == 0 && !rb_done(rep))
		rc = -EPROTO;
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int rd_commit_info(struct rbuf *r, void *rec)
{
	return rb_commit_info(r, rec);
}

static int rd_status(struct rbuf *r, void *rec)
{
	return rb_status(r, rec);
}

static int rd_sess_info(struct rbuf *r, void *rec)
{
	return rb_sess_info(r, rec);
}

static int ctl_commit_list(struct eng_sess *s, struct eng_commit_info **out, size_t *n)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	*out = NULL;
	*n = 0;
	err = call(s->eng, CTL_COMMIT_LIST, NULL, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0)
		rc = rb_records(&rep, sizeof(**out), ENG_ROLLBACK_MAX + 1, rd_commit_info,
				(void **)out, n);
	free(buf);
	return rc;
}

/* ROLLBACK (n) and STARTUP_SAVE: a return value and diagnostics. */
static int ctl_diag_call(struct eng_sess *s, uint16_t op, uint32_t arg, struct eng_diag *diag)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	if (op == CTL_ROLLBACK)
		wb_u32(&req, arg);
	err = call(s->eng, op, op == CTL_ROLLBACK ? &req : NULL, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rb_diag(&rep, diag) || !rb_done(&rep))
		rc = -EPROTO;
	free(buf);
	return rc;
}

static int ctl_tunnel_effective(struct eng_sess *s, enum eng_db db, const char *name,
				struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
				struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec)
{
	struct eng_ikev2_policy i2;
	struct eng_ikev1_policy i1;
	struct eng_ipsec_policy ip;
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, db);
	wb_str(&req, name);
	err = call(s->eng, CTL_TUNNEL_EFFECTIVE, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rc == 0) {
		rc = rb_obj(&rep, ENG_OBJ_TUNNEL, out);
		if (rc == 0 &&
		    (rb_obj(&rep, ENG_OBJ_IKEV2, &i2) || rb_obj(&rep, ENG_OBJ_IKEV1, &i1) ||
		     rb_obj(&rep, ENG_OBJ_IPSEC, &ip) || !rb_done(&rep))) {
			eng_obj_clear(ENG_OBJ_TUNNEL, out);
			rc = -EPROTO;
		}
		if (rc == 0) {
			if (ike2)
				*ike2 = i2;
			if (ike1)
				*ike1 = i1;
			if (ipsec)
				*ipsec = ip;
		}
	}
	free(buf);
	return rc;
}

static void ctl_hostname(struct eng *eng, char buf[ENG_HOSTNAME_MAX])
{
	struct eng_remote *r = remote_of(eng);
	struct eng_sess tmp = {.eng = eng};
	char *name = NULL;

	if (text_call(r->sess ? r->sess : &tmp, CTL_HOSTNAME, NULL, &name) == 0 && name[0])
		snprintf(buf, ENG_HOSTNAME_MAX, "%s", name);
	else
		snprintf(buf, ENG_HOSTNAME_MAX, "%s", ENG_DEFAULT_HOSTNAME);
	free(name);
}

static int ctl_tunnel_status(struct eng_sess *s, const char *name, struct eng_tunnel_status **out,
			     size_t *n)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	*out = NULL;
	*n = 0;
	wb_str(&req, name);
	err = call(s->eng, CTL_TUNNEL_STATUS, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rc == 0)
		rc = rb_records(&rep, sizeof(**out), SIZE_MAX, rd_status, (void **)out, n);
	free(buf);
	return rc;
}

static int ctl_ike_stats(struct eng_sess *s, struct eng_ike_stats *out)
{
	struct rbuf rep;
	uint8_t *buf;
	const uint8_t *raw;
	int rc, err;

	err = call(s->eng, CTL_IKE_STATS, NULL, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0) {
		raw = rb_blob(&rep, sizeof(*out));
		if (raw && rb_done(&rep))
			memcpy(out, raw, sizeof(*out));
		else
			rc = -EPROTO;
	}
	free(buf);
	return rc;
}

/* CLEAR_IKE_SA and CLEAR_CHILD_SA: a tunnel name or NULL. */
static int ctl_name_call(struct eng_sess *s, uint16_t op, const char *name)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_str(&req, name);
	err = call(s->eng, op, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static int ctl_sess_list(struct eng_sess *s, struct eng_sess_info **out, size_t *n)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	*out = NULL;
	*n = 0;
	err = call(s->eng, CTL_SESS_LIST, NULL, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0)
		rc = rb_records(&rep, sizeof(**out), SIZE_MAX, rd_sess_info, (void **)out, n);
	free(buf);
	return rc;
}

static int ctl_monitor(struct eng_sess *s, bool on)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	remote_of(s->eng)->monitor = on;
	wb_u8(&req, on);
	err = call(s->eng, CTL_MONITOR, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static int ctl_clear_peer(struct eng_sess *s, const struct eng_addr *addr)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_blob(&req, addr, sizeof(*addr));
	err = call(s->eng, CTL_CLEAR_PEER, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static int ctl_debug_set(struct eng_sess *s, unsigned flags, bool on)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, flags);
	wb_u8(&req, on);
	err = call(s->eng, CTL_DEBUG_SET, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static unsigned ctl_debug_get(const struct eng *eng)
{
	struct rbuf rep;
	uint8_t *buf;
	uint32_t flags;
	int rc, err;

	/* the remote state changes, not the engine: the cast is the API's */
	err = call((struct eng *)eng, CTL_DEBUG_GET, NULL, &rep, &buf, &rc);
	if (err)
		return 0;
	flags = rb_u32(&rep);
	if (rc || !rb_done(&rep))
		flags = 0;
	free(buf);
	return flags;
}

/* ---- Key pairs and certificates ------------------------------------------- */

/* A call whose reply is the rc and diagnostics. */
static int diag_reply(struct eng_sess *s, uint16_t op, struct ebuf *req, struct eng_diag *diag)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	err = call(s->eng, op, req, &rep, &buf, &rc);
	eng_wipe(req->s, req->cap); /* may carry a passphrase or a key */
	free(req->s);
	if (err)
		return err;
	if (rb_diag(&rep, diag) || !rb_done(&rep))
		rc = -EPROTO;
	free(buf);
	return rc;
}

static int ctl_key_generate(struct eng_sess *s, const char *label, enum eng_key_type type,
			    unsigned bits, struct eng_diag *diag)
{
	struct ebuf req = {0};

	wb_str(&req, label);
	wb_u8(&req, (uint8_t)type);
	wb_u32(&req, bits);
	return diag_reply(s, CTL_KEY_GENERATE, &req, diag);
}

static int ctl_key_import(struct eng_sess *s, const char *label, const char *pem, size_t len,
			  const char *passphrase, struct eng_diag *diag)
{
	struct ebuf req = {0};

	wb_str(&req, label);
	wb_blob(&req, pem, len);
	wb_str(&req, passphrase);
	return diag_reply(s, CTL_KEY_IMPORT, &req, diag);
}

static int ctl_key_zeroize(struct eng_sess *s, const char *label)
{
	return ctl_name_call(s, CTL_KEY_ZEROIZE, label);
}

static int rd_key_info(struct rbuf *r, void *rec)
{
	return rb_key_info(r, rec);
}

static int rd_cert_info(struct rbuf *r, void *rec)
{
	return rb_cert_info(r, rec);
}

static int rd_tp_info(struct rbuf *r, void *rec)
{
	return rb_tp_info(r, rec);
}

/* A call with an optional name whose reply is records. */
static int records_call(struct eng_sess *s, uint16_t op, const char *name, bool with_name,
			size_t size, int (*rd)(struct rbuf *, void *), void **out, size_t *n)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	if (with_name)
		wb_str(&req, name);
	err = call(s->eng, op, with_name ? &req : NULL, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rc == 0)
		rc = rb_records(&rep, size, SIZE_MAX, rd, out, n);
	free(buf);
	return rc;
}

static int ctl_key_list(struct eng_sess *s, struct eng_key_info **out, size_t *n)
{
	return records_call(s, CTL_KEY_LIST, NULL, false, sizeof(**out), rd_key_info, (void **)out,
			    n);
}

static int ctl_pki_import(struct eng_sess *s, const char *tp, enum eng_pki_what what,
			  const void *data, size_t len, const char *password, struct eng_diag *diag)
{
	struct ebuf req = {0};

	if (len > CTL_REQ_MAX - 1024) {
		eng_diag_addf(diag, "the file is too large (%zu bytes)", len);
		return -EFBIG;
	}
	wb_str(&req, tp);
	wb_u8(&req, (uint8_t)what);
	wb_blob(&req, data, len);
	wb_str(&req, password);
	return diag_reply(s, CTL_PKI_IMPORT, &req, diag);
}

static int ctl_pki_enroll(struct eng_sess *s, const char *tp, char **pem, struct eng_diag *diag)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_str(&req, tp);
	err = call(s->eng, CTL_PKI_ENROLL, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	if (rb_diag(&rep, diag) || (rc == 0 && rb_str(&rep, false, pem)) || !rb_done(&rep)) {
		free(*pem);
		*pem = NULL;
		rc = -EPROTO;
	}
	free(buf);
	return rc;
}

static int ctl_pki_certs(struct eng_sess *s, const char *tp, struct eng_cert_info **out, size_t *n)
{
	return records_call(s, CTL_PKI_CERTS, tp, true, sizeof(**out), rd_cert_info, (void **)out,
			    n);
}

static int ctl_pki_trustpoints(struct eng_sess *s, struct eng_tp_info **out, size_t *n)
{
	return records_call(s, CTL_PKI_TRUSTPOINTS, NULL, false, sizeof(**out), rd_tp_info,
			    (void **)out, n);
}

/* ---- The operations table ------------------------------------------------ */

static int ctl_next_timeout_ms(const struct eng *eng)
{
	(void)eng;
	return -1; /* the daemon keeps the timers */
}

static int ctl_cand_begin(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CAND_BEGIN);
}

static int ctl_cand_begin_exclusive(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CAND_EXCLUSIVE);
}

static bool ctl_cand_active(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CAND_ACTIVE) > 0;
}

static bool ctl_cand_dirty(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CAND_DIRTY) > 0;
}

static void ctl_cand_discard(struct eng_sess *s)
{
	ctl_simple(s, CTL_CAND_DISCARD);
}

static int ctl_config_changes(struct eng_sess *s, char **out)
{
	return ctl_text(s, CTL_CONFIG_CHANGES, 0, out);
}

/* Requests that carry a secret: the request is wiped before it is freed. */
static int rd_impact(struct rbuf *r, void *rec)
{
	return rb_impact(r, rec);
}

static int ctl_commit_impact(struct eng_sess *s, struct eng_tunnel_impact **out, size_t *n,
			     size_t *unchanged)
{
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	err = call(s->eng, CTL_COMMIT_IMPACT, NULL, &rep, &buf, &rc);
	if (err)
		return err;
	if (rc == 0) {
		*unchanged = rb_u32(&rep);
		rc = rb_records(&rep, sizeof(**out), SIZE_MAX, rd_impact, (void **)out, n);
	}
	free(buf);
	return rc;
}

static int ctl_secret_unseal(struct eng_sess *s, const char *sealed, char **out)
{
	struct ebuf req = {0};
	int rc;

	wb_str(&req, sealed);
	rc = text_call(s, CTL_SECRET_UNSEAL, &req, out);
	eng_wipe(req.s, req.cap);
	free(req.s);
	return rc;
}

static int ctl_config_key_set(struct eng_sess *s, const char *passphrase)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_str(&req, passphrase);
	err = call(s->eng, CTL_CONFIG_KEY_SET, &req, &rep, &buf, &rc);
	eng_wipe(req.s, req.cap);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

static int ctl_confirm(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CONFIRM);
}

static int ctl_commit_changes(struct eng_sess *s, uint32_t id, char **out)
{
	return ctl_text(s, CTL_COMMIT_CHANGES, id, out);
}

static int ctl_rollback(struct eng_sess *s, unsigned n, struct eng_diag *diag)
{
	return ctl_diag_call(s, CTL_ROLLBACK, n, diag);
}

static int ctl_startup_save(struct eng_sess *s, struct eng_diag *diag)
{
	return ctl_diag_call(s, CTL_STARTUP_SAVE, 0, diag);
}

static int ctl_clear_sa(struct eng_sess *s, const char *tunnel, bool child_only)
{
	return ctl_name_call(s, child_only ? CTL_CLEAR_CHILD_SA : CTL_CLEAR_IKE_SA, tunnel);
}

static int ctl_clear_counters(struct eng_sess *s)
{
	return ctl_simple(s, CTL_CLEAR_COUNTERS);
}

static const struct eng_ops remote_ops = {
    .name = "ikeshd",
    .daemon = true,
    .close = ctl_remote_close,
    .next_timeout_ms = ctl_next_timeout_ms,
    .tick = ctl_remote_tick,
    .poll_fds = ctl_remote_poll_fds,
    .sess_open = ctl_sess_open,
    .sess_close = ctl_sess_close,
    .sess_list = ctl_sess_list,
    .sess_monitor = ctl_monitor,
    .cand_begin = ctl_cand_begin,
    .cand_begin_exclusive = ctl_cand_begin_exclusive,
    .cand_active = ctl_cand_active,
    .cand_dirty = ctl_cand_dirty,
    .cand_discard = ctl_cand_discard,
    .obj_get = ctl_obj_get,
    .obj_put = ctl_obj_put,
    .obj_del = ctl_obj_del,
    .keys = ctl_keys,
    .config_text = ctl_config_text,
    .obj_text = ctl_obj_text,
    .config_changes = ctl_config_changes,
    .secret_unseal = ctl_secret_unseal,
    .config_key_set = ctl_config_key_set,
    .commit_impact = ctl_commit_impact,
    .commit = ctl_commit,
    .confirm = ctl_confirm,
    .confirm_pending = ctl_confirm_pending,
    .commit_list = ctl_commit_list,
    .commit_changes = ctl_commit_changes,
    .rollback = ctl_rollback,
    .startup_save = ctl_startup_save,
    .log_text = ctl_log_text,
    .tunnel_effective = ctl_tunnel_effective,
    .hostname = ctl_hostname,
    .tunnel_status = ctl_tunnel_status,
    .ike_stats = ctl_ike_stats,
    .clear_sa = ctl_clear_sa,
    .clear_counters = ctl_clear_counters,
    .clear_peer = ctl_clear_peer,
    .debug_set = ctl_debug_set,
    .debug_get = ctl_debug_get,
    .key_generate = ctl_key_generate,
    .key_import = ctl_key_import,
    .key_zeroize = ctl_key_zeroize,
    .key_list = ctl_key_list,
    .pki_import = ctl_pki_import,
    .pki_enroll = ctl_pki_enroll,
    .pki_certs = ctl_pki_certs,
    .pki_trustpoints = ctl_pki_trustpoints,
    .test_kernel = NULL,
};
