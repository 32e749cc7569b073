/*
 * startup.c - configuration text in and out: text loaded through the
 * grammar into a configuration, a configuration file loaded into running
 * (all of it, valid, or nothing), and `write memory`.
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

/* ---- Loading text through the grammar ------------------------------- */

int eng_load_text(struct eng_local *eng, const char *text, size_t len, const char *origin,
		  struct eng_diag *diag, struct eng_cfg **out)
{
	struct eng_lsess *s;
	int rc;

	*out = NULL;
	rc = local_sess_open(eng, "system", ENG_ROLE_ADMIN, &s);
	if (rc)
		return rc;
	s->cand = cfg_new();
	s->base = cfg_ref(eng->running);
	s->base_gen = eng->gen;
	if (!s->cand) {
		local_sess_close(s);
		return -ENOMEM;
	}
	rc = eng->codec->load(&s->pub, text, len, origin, diag);
	if (rc == 0) {
		*out = s->cand;
		s->cand = NULL;
	}
	local_sess_close(s);
	return rc < 0 ? rc : (rc ? -EINVAL : 0);
}

/* ---- Open and close --------------------------------------------------- */

/* Load a configuration file into running: all of it, valid, or nothing. */
int load_file(struct eng_local *eng, const char *path, const char *origin, struct eng_diag *diag)
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
		eng_logf(&eng->pub.log, ENG_LOG_ERR, "%s has errors: not applied", origin);
		goto done;
	}
	share_nodes(c, eng->running);
	cfg_unref(eng->running);
	eng->running = c;
	c = NULL;
	eng->gen++;
	eng_logf(&eng->pub.log, ENG_LOG_INFO, "configuration loaded from %s", origin);
done:
	cfg_unref(c);
	eng_diag_free(&vd);
	free_secret_text(text, len);
	return rc;
}

int local_startup_save(struct eng_lsess *sess, struct eng_diag *diag)
{
	struct eng_local *eng = sess->eng;
	struct eng_cfg *save = NULL;
	const char *parts[1];
	char *text;
	int rc;

	/* An unconfirmed commit is not saved: a reboot after its revert
	 * would bring it back. */
	if (eng->confirm_pending) {
		rc = confirmed_config(eng, &save);
		if (rc) {
			eng_diag_addf(diag,
				      "commit %" PRIu32
				      " awaits confirmation and the configuration "
				      "before it cannot be read (%s): startup-config not written",
				      eng->confirm_id, strerror(-rc));
			return rc;
		}
	}
	text = cfg_render(eng, save ? save : eng->running, true);
	if (!text) {
		cfg_unref(save);
		return -ENOMEM;
	}
	parts[0] = text;
	rc = eng_write_atomic(eng->state_dir, "startup-config", parts, 1);
	if (rc) {
		eng_diag_addf(diag, "startup-config could not be written: %s", strerror(-rc));
	} else if (save) {
		eng_diag_addf(diag,
			      "commit %" PRIu32 " is not confirmed: startup-config holds the "
			      "configuration before it; write memory again once it is confirmed",
			      eng->confirm_id);
		eng_logf(local_log(eng), ENG_LOG_NOTICE,
			 "startup-config saved by %s without unconfirmed commit %" PRIu32,
			 sess->pub.user, eng->confirm_id);
	} else {
		eng_logf(local_log(eng), ENG_LOG_NOTICE, "startup-config saved by %s",
			 sess->pub.user);
	}
	free_secret_text(text, strlen(text));
	cfg_unref(save);
	return rc;
}
