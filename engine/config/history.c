/*
 * history.c - the commit history: one file per commit in state_dir/history
 * ("! " header lines: commit, user, time, comment; then the full
 * canonical text, secrets included), the list and changes of a commit,
 * and `rollback`.
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

/* ---- History ---------------------------------------------------------- */

void hist_path(const struct eng_local *eng, uint32_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/history/%08" PRIu32, eng->state_dir, id);
}

/* One line of a header: no newline, no control characters. */
void clean_line(char *dst, size_t len, const char *src)
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
void remove_temps(const char *dir)
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

int hist_scan(struct eng_local *eng)
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

int hist_load_text(struct eng_local *eng, uint32_t id, char **text, size_t *len)
{
	char path[4096];

	hist_path(eng, id, path, sizeof(path));
	return eng_read_file(path, text, len);
}

void free_secret_text(char *s, size_t len)
{
	if (!s)
		return;
	eng_wipe(s, len);
	free(s);
}

/* ---- History, rollback, startup -------------------------------------- */

int local_commit_list(struct eng_lsess *sess, struct eng_commit_info **out, size_t *n)
{
	struct eng_local *eng;
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

int local_commit_changes(struct eng_lsess *sess, uint32_t id, char **out)
{
	struct eng_local *eng;
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
void share_nodes(struct eng_cfg *c, const struct eng_cfg *base)
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

int local_rollback(struct eng_lsess *sess, unsigned n, struct eng_diag *diag)
{
	struct eng_local *eng;
	struct eng_cfg *c;
	char *text;
	size_t len;
	int rc;

	if (!sess)
		return -EINVAL;
	eng = sess->eng;
	if (n > ENG_ROLLBACK_MAX)
		return -ERANGE;
	rc = local_cand_begin(sess);
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
