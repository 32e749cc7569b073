/*
 * confirm.c - `commit confirmed`: the pending commit recorded in
 * state_dir/confirm-pending (its deadline and the commit to revert to),
 * `confirm`, and the automatic revert when the time runs out.
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

/* ---- Confirmed commits ------------------------------------------------ */

int confirm_write(struct eng_local *eng)
{
	char buf[160];
	const char *parts[1] = {buf};

	snprintf(buf, sizeof(buf),
		 "deadline-ms %" PRId64 "\ncommit %" PRIu32 "\nrevert-to %" PRIu32 "\n",
		 eng->confirm_deadline_ms, eng->confirm_id, eng->confirm_prev_id);
	return eng_write_atomic(eng->state_dir, "confirm-pending", parts, 1);
}

void confirm_clear(struct eng_local *eng)
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
int confirm_save_prev(struct eng_local *eng, uint32_t id)
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

int confirm_read(struct eng_local *eng)
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

/* The configuration a pending confirmed commit replaced (a reference):
 * in memory, or after a restart the saved copy, else history. */
int confirmed_config(struct eng_local *eng, struct eng_cfg **out)
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

int revert_confirmed(struct eng_local *eng)
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
		eng_logf(&eng->pub.log, ENG_LOG_ERR,
			 "commit %" PRIu32 " was not confirmed, and reverting it failed: %s; "
			 "retrying",
			 bad, strerror(-rc));
		eng->confirm_deadline_ms = eng_now_ms() + 10000;
		return rc;
	}
	confirm_clear(eng);
	eng_logf(&eng->pub.log, ENG_LOG_WARNING,
		 "commit %" PRIu32 " was not confirmed in time: reverted to the configuration of "
		 "commit %" PRIu32 " (now commit %" PRIu32 ")",
		 bad, to, eng->last_id);
	return 0;
}

int local_confirm(struct eng_lsess *sess)
{
	if (!sess)
		return -EINVAL;
	if (!sess->eng->confirm_pending)
		return -ENOENT;
	eng_logf(&sess->eng->pub.log, ENG_LOG_NOTICE, "commit %" PRIu32 " confirmed by %s",
		 sess->eng->confirm_id, sess->pub.user);
	confirm_clear(sess->eng);
	return 0;
}

long local_confirm_pending(const struct eng_local *eng)
{
	int64_t left;

	if (!eng || !eng->confirm_pending)
		return -1;
	left = eng->confirm_deadline_ms - eng_now_ms();
	return left <= 0 ? 0 : (long)((left + 999) / 1000);
}
