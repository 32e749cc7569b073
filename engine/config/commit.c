/*
 * commit.c - opening the engine, commits (validation, merge with commits
 * made since the candidate was taken, durable recording), history and
 * rollback, `commit confirmed` and its automatic revert, startup-config,
 * and the log.
 *
 * On disk:
 *   run_dir/running-config        the running configuration of this boot
 *   state_dir/startup-config      `write memory`
 *   state_dir/history/NNNNNNNN    one file per commit: "! " header lines
 *                                 (commit, user, time, comment), then the
 *                                 full canonical text, secrets included
 *   state_dir/confirm-pending     a `commit confirmed` not yet confirmed:
 *                                 its deadline and the commit to revert to
 * Every file is replaced atomically (durable.c) before eng_commit returns.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eng_int.h"
#include "eng_test.h"
#include "ctl/ctl.h"

static int64_t test_clock_ms;

void eng_test_set_clock(int64_t now_ms)
{
	test_clock_ms = now_ms;
}

int64_t eng_now_ms(void)
{
	struct timespec ts;

	if (test_clock_ms)
		return test_clock_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static time_t now_s(void)
{
	return (time_t)(eng_now_ms() / 1000);
}

/* ---- Log -------------------------------------------------------------- */

void eng_logf(struct eng *eng, enum eng_log_level level, const char *fmt, ...)
{
	struct eng_logent *e = &eng->log[(eng->log_head + eng->log_n) % ENG_LOG_RING];
	va_list ap;

	if (eng->log_n == ENG_LOG_RING) {
		e = &eng->log[eng->log_head];
		eng->log_head = (eng->log_head + 1) % ENG_LOG_RING;
	} else {
		eng->log_n++;
	}
	e->when = now_s();
	e->level = level;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (eng->opts.log)
		eng->opts.log(eng->opts.log_arg, level, e->msg);
}

static const char *level_name(enum eng_log_level l)
{
	switch (l) {
	case ENG_LOG_ERR:
		return "ERR";
	case ENG_LOG_WARNING:
		return "WARNING";
	case ENG_LOG_NOTICE:
		return "NOTICE";
	default:
		return "INFO";
	}
}

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int eng_log_text(struct eng *eng, char **out)
{
	if (eng && eng->remote && out)
		return ctl_log_text(eng, out);
	struct ebuf b = {0};

	if (!eng || !out)
		return -EINVAL;
	ebuf_adds(&b, "");
	for (size_t i = 0; i < eng->log_n; i++) {
		const struct eng_logent *e = &eng->log[(eng->log_head + i) % ENG_LOG_RING];
		char when[40];

		fmt_time(e->when, when, sizeof(when));
		ebuf_addf(&b, "%s %s %s\n", when, level_name(e->level), e->msg);
	}
	*out = ebuf_take(&b);
	return *out ? 0 : -ENOMEM;
}

/* ---- Loading text through the grammar ------------------------------- */

int eng_load_text(struct eng *eng, const char *text, size_t len, const char *origin,
		  struct eng_diag *diag, struct eng_cfg **out)
{
	struct eng_sess *s;
	int rc;

	*out = NULL;
	rc = eng_sess_open(eng, "system", ENG_ROLE_ADMIN, &s);
	if (rc)
		return rc;
	s->cand = cfg_new();
	s->base = cfg_ref(eng->running);
	s->base_gen = eng->gen;
	if (!s->cand) {
		eng_sess_close(s);
		return -ENOMEM;
	}
	rc = eng->codec->load(s, text, len, origin, diag);
	if (rc == 0) {
		*out = s->cand;
		s->cand = NULL;
	}
	eng_sess_close(s);
	return rc < 0 ? rc : (rc ? -EINVAL : 0);
}

/* ---- History ---------------------------------------------------------- */

static void hist_path(const struct eng *eng, uint32_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/history/%08" PRIu32, eng->state_dir, id);
}

/* One line of a header: no newline, no control characters. */
static void clean_line(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src && *src && i + 1 < len; src++)
		dst[i++] = (unsigned char)*src < 0x20 || *src == 0x7f ? ' ' : *src;
	dst[i] = '\0';
}

static int hist_read_header(const char *path, struct eng_hist *h)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int seen = 0;

	if (!f)
		return -errno;
	memset(h, 0, sizeof(*h));
	while (fgets(line, sizeof(line), f) && strncmp(line, "! ", 2) == 0) {
		char *v, *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		v = strchr(line + 2, ' ');
		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(line + 2, "commit")) {
			h->id = (uint32_t)strtoul(v, NULL, 10);
			seen |= 1;
		} else if (!strcmp(line + 2, "user")) {
			snprintf(h->user, sizeof(h->user), "%s", v);
		} else if (!strcmp(line + 2, "time")) {
			h->when = (time_t)strtoll(v, NULL, 10);
		} else if (!strcmp(line + 2, "comment")) {
			snprintf(h->comment, sizeof(h->comment), "%s", v);
		}
	}
	fclose(f);
	return seen && h->id ? 0 : -EBADMSG;
}

static int hist_cmp(const void *a, const void *b)
{
	const struct eng_hist *x = a, *y = b;

	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* Remove leftovers of writes a crash interrupted. */
static void remove_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp.")) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

static int hist_scan(struct eng *eng)
{
	char dir[4096];
	struct eng_hist *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/history", eng->state_dir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char path[4096 + 300], *end;
		struct eng_hist h;
		unsigned long id = strtoul(e->d_name, &end, 10);

		if (strlen(e->d_name) != 8 || *end || id == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (hist_read_header(path, &h) || h.id != id)
			continue;
		if (n == cap) {
			struct eng_hist *na;

			cap = cap ? cap * 2 : 64;
			na = realloc(all, cap * sizeof(*all));
			if (!na) {
				free(all);
				closedir(d);
				return -ENOMEM;
			}
			all = na;
		}
		all[n++] = h;
	}
	closedir(d);
	if (n)
		qsort(all, n, sizeof(*all), hist_cmp);
	eng->n_hist = n < ENG_HISTORY_KEEP ? n : ENG_HISTORY_KEEP;
	if (n)
		memcpy(eng->hist, all, eng->n_hist * sizeof(*all));
	eng->last_id = n ? all[0].id : 0;
	/* files beyond what is kept (a crash between commit and pruning) */
	for (size_t i = eng->n_hist; i < n; i++) {
		char path[4096];

		hist_path(eng, all[i].id, path, sizeof(path));
		unlink(path);
	}
	free(all);
	return 0;
}

static int hist_load_text(struct eng *eng, uint32_t id, char **text, size_t *len)
{
	char path[4096];

	hist_path(eng, id, path, sizeof(path));
	return eng_read_file(path, text, len);
}

static void free_secret_text(char *s, size_t len)
{
	if (!s)
		return;
	memset(s, 0, len);
	free(s);
}

/* ---- Confirmed commits ------------------------------------------------ */

static int confirm_write(struct eng *eng)
{
	char buf[160];
	const char *parts[1] = {buf};

	snprintf(buf, sizeof(buf),
		 "deadline-ms %" PRId64 "\ncommit %" PRIu32 "\nrevert-to %" PRIu32 "\n",
		 eng->confirm_deadline_ms, eng->confirm_id, eng->confirm_prev_id);
	return eng_write_atomic(eng->state_dir, "confirm-pending", parts, 1);
}

static void confirm_clear(struct eng *eng)
{
	char path[4096];

	eng->confirm_pending = false;
	cfg_unref(eng->confirm_prev);
	eng->confirm_prev = NULL;
	snprintf(path, sizeof(path), "%s/confirm-pending", eng->state_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/confirm-revert", eng->state_dir);
	unlink(path);
}

/* The running configuration a confirmed commit replaces, kept until the
 * commit is confirmed: what a revert after a restart goes back to. */
static int confirm_save_prev(struct eng *eng, uint32_t id)
{
	const char **parts;
	char header[64];
	size_t n;
	int rc;

	rc = cfg_parts(eng, eng->running, &parts, &n);
	if (rc)
		return rc;
	snprintf(header, sizeof(header), "! running configuration before commit %" PRIu32 "\n", id);
	parts[0] = header;
	rc = eng_write_atomic(eng->state_dir, "confirm-revert", parts, n);
	free(parts);
	return rc;
}

static int confirm_read(struct eng *eng)
{
	char path[4096], *text, *p;
	size_t len;
	int rc, seen = 0;

	snprintf(path, sizeof(path), "%s/confirm-pending", eng->state_dir);
	rc = eng_read_file(path, &text, &len);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	for (p = text; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (sscanf(p, "deadline-ms %" SCNd64, &eng->confirm_deadline_ms) == 1)
			seen |= 1;
		else if (sscanf(p, "commit %" SCNu32, &eng->confirm_id) == 1)
			seen |= 2;
		else if (sscanf(p, "revert-to %" SCNu32, &eng->confirm_prev_id) == 1)
			seen |= 4;
		p = nl ? nl + 1 : NULL;
	}
	free(text);
	if (seen != 7)
		return -EBADMSG;
	eng->confirm_pending = true;
	return 0;
}

/* ---- Applying a new running configuration ----------------------------- */

static void tomb_add(struct eng *eng, const struct eng_node *n, const char *user, time_t when)
{
	struct eng_tomb *t;

	if (!eng->tombs) {
		eng->tombs = calloc(ENG_TOMBSTONES_MAX, sizeof(*eng->tombs));
		if (!eng->tombs)
			return;
	}
	if (eng->n_tombs == ENG_TOMBSTONES_MAX) {
		memmove(eng->tombs, eng->tombs + 1, (ENG_TOMBSTONES_MAX - 1) * sizeof(*eng->tombs));
		eng->n_tombs--;
	}
	t = &eng->tombs[eng->n_tombs++];
	t->kind = n->kind;
	snprintf(t->key, sizeof(t->key), "%s", n->key);
	snprintf(t->user, sizeof(t->user), "%s", user);
	t->when = when;
	t->gen = eng->gen + 1;
}

static const struct eng_tomb *tomb_find(const struct eng *eng, enum eng_kind kind, const char *key)
{
	for (size_t i = eng->n_tombs; i-- > 0;)
		if (eng->tombs[i].kind == kind && strcmp(eng->tombs[i].key, key) == 0)
			return &eng->tombs[i];
	return NULL;
}

/* Record who changed what: stamp new versions, remember removals. */
static void stamp(struct eng *eng, struct eng_cfg *next, uint32_t id, const char *user, time_t when)
{
	const struct eng_cfg *prev = eng->running;

	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		const struct eng_tab *x = &prev->t[k], *y = &next->t[k];
		size_t i = 0, j = 0;

		while (i < x->n || j < y->n) {
			int c = i == x->n ? 1 : j == y->n ? -1 : node_cmp(x->v[i], y->v[j]);

			if (c < 0) {
				tomb_add(eng, x->v[i++], user, when);
				continue;
			}
			if (c > 0 || !node_same(x->v[i], y->v[j])) {
				y->v[j]->commit = id;
				y->v[j]->when = when;
			}
			if (c == 0)
				i++;
			j++;
		}
	}
}

/*
 * Make `next` the running configuration: history entry, then the
 * confirm-pending record, then running-config; the in-memory switch only
 * after every file is in place.
 */
static int apply(struct eng *eng, struct eng_cfg *next, const char *user, const char *comment,
		 unsigned confirm_minutes, uint32_t *id_out)
{
	char header[512], c_user[ENG_USER_MAX], c_comment[128], hname[16], dir[4096];
	char hfile[4096];
	struct eng_hist h = {0};
	time_t when = now_s();
	const char **parts = NULL;
	size_t n_parts;
	int rc;

	rc = cfg_parts(eng, next, &parts, &n_parts);
	if (rc)
		return rc;
	clean_line(c_user, sizeof(c_user), user);
	clean_line(c_comment, sizeof(c_comment), comment);
	h.id = eng->last_id + 1;
	snprintf(h.user, sizeof(h.user), "%s", c_user);
	snprintf(h.comment, sizeof(h.comment), "%s", c_comment);
	h.when = when;
	snprintf(header, sizeof(header), "! commit %" PRIu32 "\n! user %s\n! time %lld\n%s%s%s",
		 h.id, c_user, (long long)when, c_comment[0] ? "! comment " : "", c_comment,
		 c_comment[0] ? "\n" : "");
	snprintf(dir, sizeof(dir), "%s/history", eng->state_dir);
	snprintf(hname, sizeof(hname), "%08" PRIu32, h.id);
	hist_path(eng, h.id, hfile, sizeof(hfile));
	parts[0] = header;
	rc = eng_write_atomic(dir, hname, parts, n_parts);
	if (rc)
		goto done;
	if (confirm_minutes) {
		struct eng_cfg *prev = cfg_ref(eng->running);
		uint32_t prev_id = eng->n_hist ? eng->hist[0].id : 0;

		/* a confirmed commit on top of a pending one confirms that one */
		cfg_unref(eng->confirm_prev);
		eng->confirm_prev = prev;
		eng->confirm_prev_id = prev_id;
		eng->confirm_id = h.id;
		eng->confirm_deadline_ms = eng_now_ms() + (int64_t)confirm_minutes * 60000;
		eng->confirm_pending = true;
		rc = confirm_save_prev(eng, h.id);
		if (!rc)
			rc = confirm_write(eng);
		if (rc) {
			confirm_clear(eng);
			goto undo_hist;
		}
	}
	/*
	 * running-config is the history file under a second name when both
	 * directories share a file system (its "! " header lines are comments
	 * to the grammar); otherwise a copy.
	 */
	rc = eng_link_atomic(hfile, eng->run_dir, "running-config");
	if (rc && rc != -EIO)
		rc = eng_write_atomic(eng->run_dir, "running-config", parts, n_parts);
	if (rc) {
		if (confirm_minutes)
			confirm_clear(eng);
		goto undo_hist;
	}
	if (!confirm_minutes && eng->confirm_pending) {
		eng_logf(eng, ENG_LOG_NOTICE, "commit %" PRIu32 " confirmed by commit %" PRIu32,
			 eng->confirm_id, h.id);
		confirm_clear(eng);
	}
	stamp(eng, next, h.id, c_user, when);
	cfg_unref(eng->running);
	eng->running = cfg_ref(next);
	eng->gen++;
	eng->last_id = h.id;
	eng_rt_sync(eng);
	if (eng->n_hist == ENG_HISTORY_KEEP) {
		char old[4096];

		hist_path(eng, eng->hist[ENG_HISTORY_KEEP - 1].id, old, sizeof(old));
		unlink(old);
		eng->n_hist--;
	}
	memmove(eng->hist + 1, eng->hist, eng->n_hist * sizeof(eng->hist[0]));
	eng->hist[0] = h;
	eng->n_hist++;
	if (id_out)
		*id_out = h.id;
	goto done;
undo_hist:
	unlink(hfile);
done:
	free(parts);
	return rc;
}

/* ---- Merge ------------------------------------------------------------ */

static void label(const struct eng_node *n, char *buf, size_t len)
{
	if (n->kind == ENG_OBJ_GLOBAL)
		snprintf(buf, len, "hostname");
	else
		snprintf(buf, len, "%s %s", eng_kind_label(n->kind), n->key);
}

/* Who made a commit, while history remembers it. */
static const char *commit_user(const struct eng *eng, uint32_t id)
{
	for (size_t i = 0; i < eng->n_hist; i++)
		if (eng->hist[i].id == id)
			return eng->hist[i].user;
	return "an earlier commit";
}

/*
 * The candidate as it would be committed now.  When running has moved on
 * since the candidate was taken (base), objects this session did not
 * change take running's values; an object changed both here and by a
 * commit since is a conflict (reported in diag, unless diag is NULL, and
 * then the session's version wins, for `show configuration changes`).
 */
static int merge(struct eng_sess *s, struct eng_cfg **out, struct eng_diag *diag, bool *conflict,
		 struct eng_cfg *nbase)
{
	struct eng *eng = s->eng;
	struct eng_cfg *m;

	*conflict = false;
	if (s->base == eng->running) {
		*out = cfg_ref(s->cand);
		return 0;
	}
	m = cfg_clone(eng->running);
	if (!m)
		return -ENOMEM;
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		const struct eng_tab *x = &s->base->t[k], *y = &s->cand->t[k];
		size_t i = 0, j = 0;

		while (i < x->n || j < y->n) {
			int c = i == x->n ? 1 : j == y->n ? -1 : node_cmp(x->v[i], y->v[j]);
			struct eng_node *b = c <= 0 ? x->v[i] : NULL, *n = c >= 0 ? y->v[j] : NULL;
			struct eng_node *key = b ? b : n, *r;
			int rc = 0;

			i += c <= 0;
			j += c >= 0;
			if (node_same(b, n))
				continue;
			r = cfg_find(eng->running, key->kind, key->num, key->key);
			if (!node_same(r, b)) {
				char what[ENG_NAME_MAX + 20], when[40];
				const struct eng_tomb *t =
				    r ? NULL : tomb_find(eng, key->kind, key->key);

				const char *who = r   ? commit_user(eng, r->commit)
						  : t ? t->user
						      : "another session";

				*conflict = true;
				label(key, what, sizeof(what));
				fmt_time(r ? r->when : t ? t->when : 0, when, sizeof(when));
				if (diag)
					eng_diag_addf(
					    diag,
					    "%s was changed by %s at %s; review with show "
					    "configuration changes",
					    what, who, when);
				if (diag)
					continue;
				/* the refreshed base keeps what this session started from */
				if (nbase && b)
					rc = cfg_set(nbase, node_ref(b));
				else if (nbase)
					cfg_remove(nbase, key->kind, key->num, key->key);
				if (rc) {
					node_unref(b);
					cfg_unref(m);
					return rc;
				}
			}
			if (n)
				rc = cfg_set(m, node_ref(n));
			else
				cfg_remove(m, key->kind, key->num, key->key);
			if (rc) {
				node_unref(n);
				cfg_unref(m);
				return rc;
			}
		}
	}
	*out = m;
	return 0;
}

/*
 * Bring a candidate taken before the latest commits up to date: objects
 * the session has not changed take running's values, so what it reads is
 * current.  Objects it changed keep its version; where running changed
 * them too, the base keeps the old version so that commit still reports
 * the conflict.
 */
int eng_cand_refresh(struct eng_sess *s)
{
	struct eng *eng = s->eng;
	struct eng_cfg *m, *nb;
	bool conflict;
	int rc;

	if (!s->cand || s->base_gen == eng->gen)
		return 0;
	nb = cfg_clone(eng->running);
	if (!nb)
		return -ENOMEM;
	rc = merge(s, &m, NULL, &conflict, nb);
	if (rc) {
		cfg_unref(nb);
		return rc;
	}
	if (!conflict) {
		cfg_unref(nb);
		nb = cfg_ref(eng->running);
	}
	cfg_unref(s->cand);
	cfg_unref(s->base);
	s->cand = m;
	s->base = nb;
	s->base_gen = eng->gen;
	return 0;
}

int eng_config_changes(struct eng_sess *sess, char **out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_text(sess, CTL_CONFIG_CHANGES, 0, out);
	struct eng_cfg *m;
	bool conflict;
	int rc;

	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	if (!sess->cand)
		return -ENOTCONN;
	rc = merge(sess, &m, NULL, &conflict, NULL);
	if (rc)
		return rc;
	rc = cfg_diff(sess->eng, sess->eng->running, m, out);
	cfg_unref(m);
	return rc;
}

/* ---- Commit ----------------------------------------------------------- */

int eng_commit(struct eng_sess *sess, const struct eng_commit_req *req, struct eng_diag *diag,
	       uint32_t *id)
{
	if (ENG_REMOTE(sess))
		return ctl_commit(sess, req, diag, id);
	struct eng *eng;
	struct eng_cfg *m = NULL, *fresh;
	bool conflict;
	int rc;

	if (id)
		*id = 0;
	if (!sess || !req)
		return -EINVAL;
	eng = sess->eng;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (!sess->cand)
		return -ENOTCONN;
	if (eng->excl && eng->excl != sess) {
		eng_diag_addf(diag, "configuration is locked by %s (configure exclusive)",
			      eng->excl->user);
		return -EBUSY;
	}
	if (req->confirm_minutes > 24 * 60)
		return -ERANGE;
	rc = merge(sess, &m, diag, &conflict, NULL);
	if (rc)
		return rc;
	if (conflict) {
		rc = -EINVAL;
		goto done;
	}
	{
		/* validated whether or not the caller wants the reasons */
		struct eng_diag own = {0}, *vd = diag ? diag : &own;
		size_t before = vd->n;

		eng_validate(m, vd);
		if (vd->n > before)
			rc = -EINVAL;
		eng_diag_free(&own);
		if (rc)
			goto done;
	}
	if (req->check_only)
		goto done;
	if (cfg_equal(m, eng->running)) {
		/* nothing to record; a plain commit still confirms */
		if (eng->confirm_pending && !req->confirm_minutes) {
			eng_logf(eng, ENG_LOG_NOTICE, "commit %" PRIu32 " confirmed by %s",
				 eng->confirm_id, sess->user);
			confirm_clear(eng);
		}
		goto rebase;
	}
	rc = apply(eng, m, sess->user, req->comment, req->confirm_minutes, id);
	if (rc) {
		eng_logf(eng, ENG_LOG_ERR, "commit by %s failed: %s", sess->user, strerror(-rc));
		goto done;
	}
	if (req->confirm_minutes)
		eng_logf(eng, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " by %s: reverts in %u minute%s unless confirmed",
			 eng->last_id, sess->user, req->confirm_minutes,
			 req->confirm_minutes == 1 ? "" : "s");
	else
		eng_logf(eng, ENG_LOG_NOTICE, "commit %" PRIu32 " by %s", eng->last_id, sess->user);
rebase:
	/* the session stays in configuration mode on the new running */
	fresh = cfg_clone(eng->running);
	if (fresh) {
		eng_cand_discard(sess);
		sess->cand = fresh;
		sess->base = cfg_ref(eng->running);
		sess->base_gen = eng->gen;
	}
done:
	cfg_unref(m);
	return rc;
}

/* The configuration a pending confirmed commit replaced (a reference):
 * in memory, or after a restart the saved copy, else history. */
static int confirmed_config(struct eng *eng, struct eng_cfg **out)
{
	struct eng_diag d = {0};
	char path[4096], *text;
	size_t len;
	int rc;

	*out = cfg_ref(eng->confirm_prev);
	if (*out)
		return 0;
	snprintf(path, sizeof(path), "%s/confirm-revert", eng->state_dir);
	rc = eng_read_file(path, &text, &len);
	if (rc == -ENOENT && eng->confirm_prev_id)
		rc = hist_load_text(eng, eng->confirm_prev_id, &text, &len);
	if (rc == 0) {
		rc = eng_load_text(eng, text, len, "confirm-revert", &d, out);
		free_secret_text(text, len);
	} else if (rc == -ENOENT) {
		/* the first commit ever: back to nothing */
		*out = cfg_new();
		rc = *out ? 0 : -ENOMEM;
	}
	eng_diag_free(&d);
	return rc;
}

static int revert_confirmed(struct eng *eng)
{
	struct eng_cfg *prev = NULL;
	uint32_t bad = eng->confirm_id, to = eng->confirm_prev_id;
	char comment[128];
	int rc;

	rc = confirmed_config(eng, &prev);
	if (rc == 0) {
		snprintf(comment, sizeof(comment), "revert of unconfirmed commit %" PRIu32, bad);
		eng->confirm_pending = false; /* apply() must not confirm it */
		rc = apply(eng, prev, "system", comment, 0, NULL);
		eng->confirm_pending = true;
	}
	cfg_unref(prev);
	if (rc) {
		eng_logf(eng, ENG_LOG_ERR,
			 "commit %" PRIu32 " was not confirmed, and reverting it failed: %s; "
			 "retrying",
			 bad, strerror(-rc));
		eng->confirm_deadline_ms = eng_now_ms() + 10000;
		return rc;
	}
	confirm_clear(eng);
	eng_logf(eng, ENG_LOG_WARNING,
		 "commit %" PRIu32 " was not confirmed in time: reverted to the configuration of "
		 "commit %" PRIu32 " (now commit %" PRIu32 ")",
		 bad, to, eng->last_id);
	return 0;
}

int eng_confirm(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple(sess, CTL_CONFIRM);
	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (!sess->eng->confirm_pending)
		return -ENOENT;
	eng_logf(sess->eng, ENG_LOG_NOTICE, "commit %" PRIu32 " confirmed by %s",
		 sess->eng->confirm_id, sess->user);
	confirm_clear(sess->eng);
	return 0;
}

long eng_confirm_pending(const struct eng *eng)
{
	if (eng && eng->remote)
		return ctl_confirm_pending(eng);
	int64_t left;

	if (!eng || !eng->confirm_pending)
		return -1;
	left = eng->confirm_deadline_ms - eng_now_ms();
	return left <= 0 ? 0 : (long)((left + 999) / 1000);
}

int eng_next_timeout_ms(const struct eng *eng)
{
	if (eng && eng->remote)
		return -1; /* the daemon keeps the timers */
	int64_t due = -1, left;

	if (!eng)
		return -1;
	if (eng->confirm_pending)
		due = eng->confirm_deadline_ms;
	left = eng_rt_next_ms(eng);
	if (left >= 0 && (due < 0 || left < due))
		due = left;
	if (due < 0)
		return -1;
	left = due - eng_now_ms();
	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

void eng_tick(struct eng *eng)
{
	if (eng && eng->remote) {
		ctl_remote_tick(eng);
		return;
	}
	if (!eng)
		return;
	if (eng->confirm_pending && eng_now_ms() >= eng->confirm_deadline_ms)
		revert_confirmed(eng);
	eng_rt_tick(eng);
}

/* ---- History, rollback, startup -------------------------------------- */

int eng_commit_list(struct eng_sess *sess, struct eng_commit_info **out, size_t *n)
{
	if (ENG_REMOTE(sess) && out && n)
		return ctl_commit_list(sess, out, n);
	struct eng *eng;
	struct eng_commit_info *v;

	if (!sess || !out || !n)
		return -EINVAL;
	eng = sess->eng;
	v = calloc(eng->n_hist + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < eng->n_hist; i++) {
		v[i].id = eng->hist[i].id;
		snprintf(v[i].user, sizeof(v[i].user), "%s", eng->hist[i].user);
		v[i].when = eng->hist[i].when;
		snprintf(v[i].comment, sizeof(v[i].comment), "%s", eng->hist[i].comment);
		v[i].confirmed_pending = eng->confirm_pending && eng->confirm_id == v[i].id;
	}
	*out = v;
	*n = eng->n_hist;
	return 0;
}

int eng_commit_changes(struct eng_sess *sess, uint32_t id, char **out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_text(sess, CTL_COMMIT_CHANGES, id, out);
	struct eng *eng;
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0, k;
	int rc;

	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	eng = sess->eng;
	for (k = 0; k < eng->n_hist && eng->hist[k].id != id; k++)
		;
	if (k == eng->n_hist)
		return -ENOENT;
	rc = hist_load_text(eng, id, &b, &lb);
	if (rc)
		return rc;
	/* the oldest kept commit is shown against an empty configuration */
	if (k + 1 < eng->n_hist)
		rc = hist_load_text(eng, eng->hist[k + 1].id, &a, &la);
	if (rc == 0)
		rc = text_diff(eng, a ? a : "", b, out);
	free_secret_text(a, la);
	free_secret_text(b, lb);
	return rc;
}

/* Share nodes equal to base's, so a loaded candidate costs no more memory
 * than an edited one and compares by pointer. */
static void share_nodes(struct eng_cfg *c, const struct eng_cfg *base)
{
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		struct eng_tab *t = &c->t[k];

		for (size_t i = 0; i < t->n; i++) {
			struct eng_node *b = cfg_find(base, k, t->v[i]->num, t->v[i]->key);

			if (b && b != t->v[i] && node_same(b, t->v[i])) {
				node_unref(t->v[i]);
				t->v[i] = node_ref(b);
			}
		}
	}
}

int eng_rollback(struct eng_sess *sess, unsigned n, struct eng_diag *diag)
{
	if (ENG_REMOTE(sess))
		return ctl_diag_call(sess, CTL_ROLLBACK, n, diag);
	struct eng *eng;
	struct eng_cfg *c;
	char *text;
	size_t len;
	int rc;

	if (!sess)
		return -EINVAL;
	eng = sess->eng;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (n > ENG_ROLLBACK_MAX)
		return -ERANGE;
	rc = eng_cand_begin(sess);
	if (!rc)
		rc = eng_cand_refresh(sess);
	if (rc)
		return rc;
	if (n == 0) {
		c = cfg_clone(eng->running);
		if (!c)
			return -ENOMEM;
	} else {
		if (n >= eng->n_hist)
			return -ERANGE;
		rc = hist_load_text(eng, eng->hist[n].id, &text, &len);
		if (rc)
			return rc;
		rc = eng_load_text(eng, text, len, "history", diag, &c);
		free_secret_text(text, len);
		if (rc)
			return rc;
		share_nodes(c, sess->base);
	}
	cfg_unref(sess->cand);
	sess->cand = c;
	return 0;
}

int eng_startup_save(struct eng_sess *sess, struct eng_diag *diag)
{
	if (ENG_REMOTE(sess))
		return ctl_diag_call(sess, CTL_STARTUP_SAVE, 0, diag);
	struct eng_cfg *save = NULL;
	const char *parts[1];
	char *text;
	int rc;

	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	/* An unconfirmed commit is not saved: a reboot after its revert
	 * would bring it back. */
	if (sess->eng->confirm_pending) {
		rc = confirmed_config(sess->eng, &save);
		if (rc) {
			eng_diag_addf(diag,
				      "commit %" PRIu32
				      " awaits confirmation and the configuration "
				      "before it cannot be read (%s): startup-config not written",
				      sess->eng->confirm_id, strerror(-rc));
			return rc;
		}
	}
	text = cfg_render(sess->eng, save ? save : sess->eng->running, true);
	if (!text) {
		cfg_unref(save);
		return -ENOMEM;
	}
	parts[0] = text;
	rc = eng_write_atomic(sess->eng->state_dir, "startup-config", parts, 1);
	if (rc) {
		eng_diag_addf(diag, "startup-config could not be written: %s", strerror(-rc));
	} else if (save) {
		eng_diag_addf(diag,
			      "commit %" PRIu32 " is not confirmed: startup-config holds the "
			      "configuration before it; write memory again once it is confirmed",
			      sess->eng->confirm_id);
		eng_logf(sess->eng, ENG_LOG_NOTICE,
			 "startup-config saved by %s without unconfirmed commit %" PRIu32,
			 sess->user, sess->eng->confirm_id);
	} else {
		eng_logf(sess->eng, ENG_LOG_NOTICE, "startup-config saved by %s", sess->user);
	}
	free_secret_text(text, strlen(text));
	cfg_unref(save);
	return rc;
}

/* ---- Open and close --------------------------------------------------- */

/* Load a configuration file into running: all of it, valid, or nothing. */
static int load_file(struct eng *eng, const char *path, const char *origin, struct eng_diag *diag)
{
	struct eng_diag vd = {0};
	struct eng_cfg *c = NULL;
	char *text;
	size_t len;
	int rc;

	rc = eng_read_file(path, &text, &len);
	if (rc == -ENOENT)
		return rc;
	if (rc) {
		eng_diag_addf(diag, "%s: cannot be read: %s", origin, strerror(-rc));
		return rc;
	}
	if (memchr(text, '\0', len)) {
		const char *nul = memchr(text, '\0', len);
		size_t line = 1;

		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		eng_diag_addf(diag, "%s:%zu: %% a NUL byte: not a text file", origin, line);
		eng_diag_addf(
		    diag, "%s: not applied; the engine starts with an empty configuration", origin);
		rc = -EINVAL;
		goto done;
	}
	rc = eng_load_text(eng, text, len, origin, diag, &c);
	if (rc == 0) {
		eng_validate(c, &vd);
		for (size_t i = 0; i < vd.n; i++)
			eng_diag_addf(diag, "%s: %s", origin, vd.lines[i]);
		if (vd.n)
			rc = -EINVAL;
	}
	if (rc) {
		eng_diag_addf(
		    diag, "%s: not applied; the engine starts with an empty configuration", origin);
		eng_logf(eng, ENG_LOG_ERR, "%s has errors: not applied", origin);
		goto done;
	}
	share_nodes(c, eng->running);
	cfg_unref(eng->running);
	eng->running = c;
	c = NULL;
	eng->gen++;
	eng_logf(eng, ENG_LOG_INFO, "configuration loaded from %s", origin);
done:
	cfg_unref(c);
	eng_diag_free(&vd);
	free_secret_text(text, len);
	return rc;
}

/* Before anything in the state directory is read or written. */
static int lock_state_dir(struct eng *eng, struct eng_diag *diag)
{
	long holder;
	int fd = eng_lock_dir(eng->state_dir, &holder);

	if (fd == -EBUSY && holder)
		eng_diag_addf(diag,
			      "%s is in use by another engine (process %ld): one ikesh or ikeshd "
			      "per state directory",
			      eng->state_dir, holder);
	else if (fd == -EBUSY)
		eng_diag_addf(diag,
			      "%s is in use by another engine: one ikesh or ikeshd per state "
			      "directory",
			      eng->state_dir);
	else if (fd < 0)
		eng_diag_addf(diag, "cannot lock %s/lock: %s", eng->state_dir, strerror(-fd));
	if (fd < 0)
		return fd;
	eng->lock_fd = fd;
	eng->locked = true;
	return 0;
}

int eng_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag)
{
	bool from_run;
	char path[4096];
	struct eng *eng;
	int rc;

	if (!opts || !out || !opts->state_dir || !opts->run_dir || !opts->codec ||
	    !opts->codec->render || !opts->codec->load || !opts->codec->mask)
		return -EINVAL;
	*out = NULL;
	if (opts->daemon) {
		/* The daemon's engine when it listens, our own when there is
		 * no socket.  A socket nobody answers is a daemon that died
		 * or restarts: a second engine on its files would be worse
		 * than an error (-ECONNREFUSED). */
		rc = ctl_remote_open(opts, out);
		if (rc != -ENOENT)
			return rc;
	}
	eng = calloc(1, sizeof(*eng));
	if (!eng)
		return -ENOMEM;
	eng->opts = *opts;
	eng->codec = opts->codec;
	eng->state_dir = strdup(opts->state_dir);
	eng->run_dir = strdup(opts->run_dir);
	eng->running = cfg_new();
	if (!eng->state_dir || !eng->run_dir || !eng->running) {
		rc = -ENOMEM;
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/history", eng->state_dir);
	rc = eng_mkdirs(path);
	if (!rc)
		rc = eng_mkdirs(eng->run_dir);
	if (rc) {
		eng_diag_addf(diag, "cannot create %s or %s: %s", eng->state_dir, eng->run_dir,
			      strerror(-rc));
		goto fail;
	}
	rc = lock_state_dir(eng, diag);
	if (rc)
		goto fail;
	remove_temps(eng->state_dir);
	remove_temps(path);
	remove_temps(eng->run_dir);
	rc = hist_scan(eng);
	if (rc) {
		eng_diag_addf(diag, "cannot read the commit history: %s", strerror(-rc));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/running-config", eng->run_dir);
	rc = load_file(eng, path, "running-config", diag);
	from_run = rc != -ENOENT;
	if (rc == -ENOENT) {
		snprintf(path, sizeof(path), "%s/startup-config", eng->state_dir);
		rc = load_file(eng, path, "startup-config", diag);
		if (rc == 0) {
			/* this boot's running configuration starts as startup-config */
			char *text = cfg_render(eng, eng->running, true);
			const char *parts[1] = {text};

			if (text && eng_write_atomic(eng->run_dir, "running-config", parts, 1))
				eng_logf(eng, ENG_LOG_ERR, "cannot write running-config");
			free_secret_text(text, text ? strlen(text) : 0);
		}
	}
	rc = confirm_read(eng);
	if (rc) {
		eng_diag_addf(diag, "confirm-pending: unreadable (%s); ignored", strerror(-rc));
		confirm_clear(eng);
	} else if (eng->confirm_pending && !from_run) {
		/* a new boot runs startup-config: the unconfirmed commit is gone */
		eng_logf(eng, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " was not confirmed; this boot started from "
			 "startup-config without it",
			 eng->confirm_id);
		confirm_clear(eng);
	} else if (eng->confirm_pending && eng_now_ms() >= eng->confirm_deadline_ms) {
		revert_confirmed(eng);
	} else if (eng->confirm_pending) {
		eng_logf(eng, ENG_LOG_NOTICE, "commit %" PRIu32 " awaits confirmation (%ld s left)",
			 eng->confirm_id, eng_confirm_pending(eng));
	}
	/* the configuration is in place: now the tunnels it describes */
	/* Without IKE the engine still edits and saves configuration;
	 * tunnel status says why nothing negotiates. */
	if (eng_rt_open(eng, diag) == 0)
		eng_rt_sync(eng);
	*out = eng;
	return 0;
fail:
	eng_close(eng);
	return rc;
}

void eng_close(struct eng *eng)
{
	if (eng && eng->remote) {
		ctl_remote_close(eng);
		return;
	}
	if (!eng)
		return;
	eng_rt_close(eng);
	cfg_unref(eng->running);
	cfg_unref(eng->confirm_prev);
	if (eng->locked)
		close(eng->lock_fd); /* last: every file is written */
	free(eng->tombs);
	free(eng->state_dir);
	free(eng->run_dir);
	free(eng);
}
