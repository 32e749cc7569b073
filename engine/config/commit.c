/*
 * commit.c - commits: a candidate merged with the commits made since it
 * was taken, validated, and applied all or nothing (recorded durably in
 * the history and run_dir/running-config before eng_commit returns), and
 * who changed what when.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static time_t now_s(void)
{
	return (time_t)(eng_now_ms() / 1000);
}

/* ---- Applying a new running configuration ----------------------------- */

static void tomb_add(struct eng_local *eng, const struct eng_node *n, const char *user, time_t when)
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

static const struct eng_tomb *tomb_find(const struct eng_local *eng, enum eng_kind kind,
					const char *key)
{
	for (size_t i = eng->n_tombs; i-- > 0;)
		if (eng->tombs[i].kind == kind && strcmp(eng->tombs[i].key, key) == 0)
			return &eng->tombs[i];
	return NULL;
}

/* Record who changed what: stamp new versions, remember removals. */
static void stamp(struct eng_local *eng, struct eng_cfg *next, uint32_t id, const char *user,
		  time_t when)
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
int apply(struct eng_local *eng, struct eng_cfg *next, const char *user, const char *comment,
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
		eng_logf(&eng->pub.log, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " confirmed by commit %" PRIu32, eng->confirm_id, h.id);
		confirm_clear(eng);
	}
	stamp(eng, next, h.id, c_user, when);
	cfg_unref(eng->running);
	eng->running = cfg_ref(next);
	eng->gen++;
	eng->last_id = h.id;
	local_rt_sync(eng);
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
static const char *commit_user(const struct eng_local *eng, uint32_t id)
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
static int merge(struct eng_lsess *s, struct eng_cfg **out, struct eng_diag *diag, bool *conflict,
		 struct eng_cfg *nbase)
{
	struct eng_local *eng = s->eng;
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
int eng_cand_refresh(struct eng_lsess *s)
{
	struct eng_local *eng = s->eng;
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

int local_config_changes(struct eng_lsess *sess, char **out)
{
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

int local_commit_impact(struct eng_lsess *sess, struct eng_tunnel_impact **out, size_t *n,
			size_t *unchanged)
{
	struct eng_cfg *m;
	bool conflict;
	int rc;

	if (!sess->cand)
		return -ENOTCONN;
	/* what a commit would make running: the candidate merged as commit merges it */
	rc = merge(sess, &m, NULL, &conflict, NULL);
	if (rc)
		return rc;
	rc = cfg_impact(sess->eng->running, m, out, n, unchanged);
	cfg_unref(m);
	return rc;
}

/* ---- Commit ----------------------------------------------------------- */

int local_commit(struct eng_lsess *sess, const struct eng_commit_req *req, struct eng_diag *diag,
		 uint32_t *id)
{
	struct eng_local *eng;
	struct eng_cfg *m = NULL, *fresh;
	bool conflict;
	int rc;

	if (id)
		*id = 0;
	if (!sess || !req)
		return -EINVAL;
	eng = sess->eng;
	if (!sess->cand)
		return -ENOTCONN;
	if (eng->excl && eng->excl != sess) {
		eng_diag_addf(diag, "configuration is locked by %s (configure exclusive)",
			      eng->excl->pub.user);
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
		local_pki_validate(eng, m, vd);
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
			eng_logf(&eng->pub.log, ENG_LOG_NOTICE,
				 "commit %" PRIu32 " confirmed by %s", eng->confirm_id,
				 sess->pub.user);
			confirm_clear(eng);
		}
		goto rebase;
	}
	rc = apply(eng, m, sess->pub.user, req->comment, req->confirm_minutes, id);
	if (rc) {
		eng_logf(&eng->pub.log, ENG_LOG_ERR, "commit by %s failed: %s", sess->pub.user,
			 strerror(-rc));
		goto done;
	}
	if (req->confirm_minutes)
		eng_logf(&eng->pub.log, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " by %s: reverts in %u minute%s unless confirmed",
			 eng->last_id, sess->pub.user, req->confirm_minutes,
			 req->confirm_minutes == 1 ? "" : "s");
	else
		eng_logf(&eng->pub.log, ENG_LOG_NOTICE, "commit %" PRIu32 " by %s", eng->last_id,
			 sess->pub.user);
rebase:
	/* the session stays in configuration mode on the new running */
	fresh = cfg_clone(eng->running);
	if (fresh) {
		local_cand_discard(sess);
		sess->cand = fresh;
		sess->base = cfg_ref(eng->running);
		sess->base_gen = eng->gen;
	}
done:
	cfg_unref(m);
	return rc;
}
