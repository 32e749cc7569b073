/*
 * sess.c - the local engine's sessions and their private candidates, and
 * the `configure exclusive` lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- Sessions ------------------------------------------------------- */

int local_sess_open(struct eng_local *eng, const char *user, enum eng_role role,
		    struct eng_lsess **out)
{
	struct eng_lsess *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eng_sess_base_init(&s->pub, &eng->pub, user, role);
	s->eng = eng;
	s->since = time(NULL);
	s->next = eng->sessions;
	eng->sessions = s;
	eng->n_sess++;
	*out = s;
	return 0;
}

static void excl_release(struct eng_lsess *sess)
{
	if (sess->eng->excl != sess)
		return;
	sess->eng->excl = NULL;
	eng_logf(&sess->eng->pub.log, ENG_LOG_NOTICE,
		 "configuration unlocked (%s left configure exclusive)", sess->pub.user);
}

int local_cand_begin_exclusive(struct eng_lsess *sess)
{
	int rc;

	if (!sess)
		return -EINVAL;
	if (sess->eng->excl == sess)
		return 0;
	if (sess->eng->excl)
		return -EBUSY; /* even with a candidate from before the lock */
	rc = local_cand_begin(sess);
	if (rc)
		return rc;
	sess->eng->excl = sess;
	eng_logf(&sess->eng->pub.log, ENG_LOG_NOTICE,
		 "configuration locked by %s (configure exclusive)", sess->pub.user);
	return 0;
}

int local_sess_monitor(struct eng_lsess *sess, bool on)
{
	if (!sess)
		return -EINVAL;
	sess->monitor = on;
	return 0;
}

int local_sess_list(struct eng_lsess *sess, struct eng_sess_info **out, size_t *n)
{
	struct eng_sess_info *v;
	size_t k = 0;

	if (!sess || !out || !n)
		return -EINVAL;
	v = calloc(sess->eng->n_sess + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (struct eng_lsess *s = sess->eng->sessions; s && k < sess->eng->n_sess; s = s->next) {
		snprintf(v[k].user, sizeof(v[k].user), "%s", s->pub.user);
		v[k].role = s->pub.role;
		v[k].since = s->since;
		v[k].config = s->cand != NULL;
		v[k].exclusive = sess->eng->excl == s;
		v[k].self = s == sess;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void local_sess_close(struct eng_lsess *sess)
{
	if (!sess)
		return;
	local_cand_discard(sess);
	for (struct eng_lsess **pp = &sess->eng->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == sess) {
			*pp = sess->next;
			break;
		}
	}
	sess->eng->n_sess--;
	free(sess);
}

int local_cand_begin(struct eng_lsess *sess)
{
	if (!sess)
		return -EINVAL;
	if (sess->cand)
		return 0;
	if (sess->eng->excl && sess->eng->excl != sess)
		return -EBUSY;
	sess->cand = cfg_clone(sess->eng->running);
	if (!sess->cand)
		return -ENOMEM;
	sess->base = cfg_ref(sess->eng->running);
	sess->base_gen = sess->eng->gen;
	return 0;
}

bool local_cand_active(const struct eng_lsess *sess)
{
	return sess && sess->cand;
}

bool local_cand_dirty(const struct eng_lsess *sess)
{
	if (!sess || !sess->cand)
		return false;
	return !cfg_equal(sess->cand, sess->base);
}

void local_cand_discard(struct eng_lsess *sess)
{
	if (!sess)
		return;
	excl_release(sess);
	cfg_unref(sess->cand);
	cfg_unref(sess->base);
	sess->cand = sess->base = NULL;
}
