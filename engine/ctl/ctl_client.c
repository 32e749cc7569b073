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

struct ctl_remote {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	uint32_t seq;
	uint8_t *in;
	size_t in_len, in_cap;
	char user[ENG_USER_MAX];
	enum eng_role role;
	bool monitor; /* asked again after a reconnect */
	struct eng_sess *sess;
};

static void remote_log(struct eng *eng, enum eng_log_level level, const char *msg)
{
	if (eng->opts.log)
		eng->opts.log(eng->opts.log_arg, level, msg);
}

static void drop(struct eng *eng, const char *why)
{
	struct ctl_remote *r = eng->remote;
	char msg[160];

	if (r->fd < 0)
		return;
	close(r->fd);
	r->fd = -1;
	r->in_len = 0;
	snprintf(msg, sizeof(msg), "%% Connection to ikeshd lost (%s)", why);
	remote_log(eng, ENG_LOG_ERR, msg);
}

static int sock_connect(struct ctl_remote *r)
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
static int fill(struct ctl_remote *r, int timeout_ms)
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
		p = realloc(r->in, cap);
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
static int take(struct ctl_remote *r, struct ctl_hdr *h, uint8_t **payload)
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
	memset(r->in, 0, total);
	memmove(r->in, r->in + total, r->in_len - total);
	r->in_len -= total;
	return 1;
}

static void event(struct eng *eng, const struct ctl_hdr *h, const uint8_t *p)
{
	struct rbuf rb = {p, h->len, 0, false};
	enum eng_log_level level;
	char *msg = NULL;

	if (h->type != CTL_EV_LOG)
		return;
	level = (enum eng_log_level)rb_u8(&rb);
	if (rb_str(&rb, false, &msg) == 0 && rb_done(&rb) && level >= ENG_LOG_ERR &&
	    level <= ENG_LOG_DEBUG)
		remote_log(eng, level, msg);
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

/*
 * One request, one reply.  Returns 0 with the call's own return value in
 * *rc and the rest of the reply in rep (backed by *buf, the caller frees
 * it), or a negative errno when there was no reply.
 */
static int call(struct eng *eng, uint16_t op, const struct ebuf *req, struct rbuf *rep,
		uint8_t **buf, int *rc)
{
	struct ctl_remote *r = eng->remote;
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
	memset(frame.s, 0, frame.len);
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
	struct ctl_remote *r = eng->remote;
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
	struct ctl_remote *r = eng->remote;
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

int ctl_remote_open(const struct eng_opts *opts, struct eng **out)
{
	struct ctl_remote *r;
	struct eng *eng;
	int rc;

	if (strlen(opts->run_dir) + 1 + strlen(CTL_SOCK_NAME) >= sizeof(r->path))
		return -ENAMETOOLONG;
	eng = calloc(1, sizeof(*eng));
	r = calloc(1, sizeof(*r));
	if (!eng || !r) {
		free(eng);
		free(r);
		return -ENOMEM;
	}
	eng->opts = *opts;
	eng->codec = opts->codec;
	eng->remote = r;
	r->fd = -1;
	snprintf(r->path, sizeof(r->path), "%s/%s", opts->run_dir, CTL_SOCK_NAME);
	rc = reconnect(eng);
	if (rc) {
		free(r);
		free(eng);
		return rc;
	}
	*out = eng;
	return 0;
}

void ctl_remote_close(struct eng *eng)
{
	struct ctl_remote *r = eng->remote;

	if (r->fd >= 0)
		close(r->fd);
	free(r->in);
	free(r);
	free(eng);
}

size_t ctl_remote_poll_fds(const struct eng *eng, int *fds, size_t max)
{
	if (eng->remote->fd < 0 || max == 0)
		return 0;
	fds[0] = eng->remote->fd;
	return 1;
}

/* Between calls only log lines arrive; EOF means the daemon went away. */
void ctl_remote_tick(struct eng *eng)
{
	struct ctl_remote *r = eng->remote;
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

int ctl_sess_open(struct eng *eng, struct eng_sess **out)
{
	struct ctl_remote *r = eng->remote;
	struct eng_sess *s;

	if (r->sess)
		return -EBUSY; /* one session per connection */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->eng = eng;
	s->role = r->role;
	snprintf(s->user, sizeof(s->user), "%s", r->user);
	r->sess = s;
	*out = s;
	return 0;
}

void ctl_sess_close(struct eng_sess *sess)
{
	struct ctl_remote *r = sess->eng->remote;

	if (r->fd >= 0)
		ctl_simple(sess, CTL_CAND_DISCARD);
	r->sess = NULL;
	free(sess);
}

/* ---- The calls ---------------------------------------------------------------- */

int ctl_simple(struct eng_sess *sess, uint16_t op)
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

int ctl_obj_get(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key, void *out)
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
	free(buf);
	return rc;
}

int ctl_obj_put(struct eng_sess *s, enum eng_kind kind, const void *obj, struct eng_diag *diag)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	wb_u32(&req, kind);
	wb_obj(&req, kind, obj);
	err = call(s->eng, CTL_OBJ_PUT, &req, &rep, &buf, &rc);
	if (req.s) {
		memset(req.s, 0, req.cap); /* it may carry a secret */
		free(req.s);
	}
	if (err)
		return err;
	if (rb_diag(&rep, diag) || !rb_done(&rep))
		rc = -EPROTO;
	free(buf);
	return rc;
}

int ctl_obj_del(struct eng_sess *s, enum eng_kind kind, const char *key)
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

int ctl_keys(struct eng_sess *s, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
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
		free(*out);
		*out = NULL;
		rc = -EPROTO;
	}
	if (buf) {
		memset(buf, 0, rep.len);
		free(buf);
	}
	return rc;
}

int ctl_config_text(struct eng_sess *s, enum eng_db db, unsigned flags, char **out)
{
	struct ebuf req = {0};
	int rc;

	wb_u32(&req, db);
	wb_u32(&req, flags);
	rc = text_call(s, CTL_CONFIG_TEXT, &req, out);
	free(req.s);
	return rc;
}

int ctl_obj_text(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key,
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
int ctl_text(struct eng_sess *s, uint16_t op, uint32_t arg, char **out)
{
	struct ebuf req = {0};
	int rc;

	if (op == CTL_COMMIT_CHANGES)
		wb_u32(&req, arg);
	rc = text_call(s, op, op == CTL_COMMIT_CHANGES ? &req : NULL, out);
	free(req.s);
	return rc;
}

int ctl_log_text(struct eng *eng, char **out)
{
	struct ctl_remote *r = eng->remote;
	struct eng_sess tmp = {.eng = eng};

	return text_call(r->sess ? r->sess : &tmp, CTL_LOG_TEXT, NULL, out);
}

int ctl_commit(struct eng_sess *s, const struct eng_commit_req *req, struct eng_diag *diag,
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

long ctl_confirm_pending(const struct eng *eng)
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

int ctl_commit_list(struct eng_sess *s, struct eng_commit_info **out, size_t *n)
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
		rc = rb_records(&rep, sizeof(**out), ENG_HISTORY_KEEP, rd_commit_info, (void **)out,
				n);
	free(buf);
	return rc;
}

/* ROLLBACK (n) and STARTUP_SAVE: a return value and diagnostics. */
int ctl_diag_call(struct eng_sess *s, uint16_t op, uint32_t arg, struct eng_diag *diag)
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

int ctl_tunnel_effective(struct eng_sess *s, enum eng_db db, const char *name,
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

void ctl_hostname(struct eng *eng, char buf[ENG_HOSTNAME_MAX])
{
	struct ctl_remote *r = eng->remote;
	struct eng_sess tmp = {.eng = eng};
	char *name = NULL;

	if (text_call(r->sess ? r->sess : &tmp, CTL_HOSTNAME, NULL, &name) == 0 && name[0])
		snprintf(buf, ENG_HOSTNAME_MAX, "%s", name);
	else
		snprintf(buf, ENG_HOSTNAME_MAX, "%s", ENG_DEFAULT_HOSTNAME);
	free(name);
}

int ctl_tunnel_status(struct eng_sess *s, const char *name, struct eng_tunnel_status **out,
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

int ctl_ike_stats(struct eng_sess *s, struct eng_ike_stats *out)
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
int ctl_name_call(struct eng_sess *s, uint16_t op, const char *name)
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

int ctl_sess_list(struct eng_sess *s, struct eng_sess_info **out, size_t *n)
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

int ctl_monitor(struct eng_sess *s, bool on)
{
	struct ebuf req = {0};
	struct rbuf rep;
	uint8_t *buf;
	int rc, err;

	s->eng->remote->monitor = on;
	wb_u8(&req, on);
	err = call(s->eng, CTL_MONITOR, &req, &rep, &buf, &rc);
	free(req.s);
	if (err)
		return err;
	free(buf);
	return rc;
}

int ctl_clear_peer(struct eng_sess *s, const struct eng_addr *addr)
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

int ctl_debug_set(struct eng_sess *s, unsigned flags, bool on)
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

unsigned ctl_debug_get(const struct eng *eng)
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

bool eng_is_remote(const struct eng *eng)
{
	return eng && eng->remote;
}
