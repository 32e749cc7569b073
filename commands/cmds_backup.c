/*
 * cmds_backup.c - a configuration saved from `show running-config` put
 * back: `copy FILE running-config` merges it into running, `configure
 * replace FILE` makes running exactly it.  Both show what changes and
 * commit it all or nothing; a file with an error changes nothing.
 *
 * A saved file may carry IOS's framing: `Building configuration...`,
 * `Current configuration : N bytes`, `!` lines and a final `end`.  The
 * loaders here, startup-config and `ikesh -f` all read it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_int.h"

#define BACKUP_FILE_MAX (64u << 20) /* 10,000 tunnels are a few megabytes */

/* `Building configuration...` or `Current configuration : N bytes`. */
bool cmd_config_header(const char *line)
{
	static const char building[] = "Building configuration...";
	static const char current[] = "Current configuration";
	const char *p = line + strspn(line, " \t");
	size_t n = strlen(p);

	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == sizeof(building) - 1 && !memcmp(p, building, n))
		return true;
	if (n < sizeof(current) - 1 || memcmp(p, current, sizeof(current) - 1))
		return false;
	p += sizeof(current) - 1;
	p += strspn(p, " \t");
	if (*p++ != ':')
		return false;
	p += strspn(p, " \t");
	if (!isdigit((unsigned char)*p))
		return false;
	p += strspn(p, "0123456789");
	p += strspn(p, " \t");
	return !strncmp(p, "bytes", 5) && (size_t)(p + 5 - line) >= n;
}

/* The whole file, checked: a regular file, bounded, no NUL byte. */
static int read_backup(struct cmd_sess *cs, const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		cmd_err(cs, "%% %s: cannot be read: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > BACKUP_FILE_MAX) {
		cmd_err(cs, "%% %s: not a configuration file (a regular file of at most %u MiB)",
			path, BACKUP_FILE_MAX >> 20);
		rc = -EINVAL;
		goto done;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto done;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0) {
			rc = -errno;
			cmd_err(cs, "%% %s: read error: %s", path, strerror(-rc));
			goto done;
		}
		if (n == 0)
			break; /* shrank while read: what is there */
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (memchr(buf, '\0', got)) {
		cmd_err(cs, "%% %s: a NUL byte in the file", path);
		rc = -EINVAL;
	}
done:
	close(fd);
	if (rc && buf) {
		eng_wipe(buf, got);
		free(buf);
		buf = NULL;
	}
	*out = buf;
	*len = got;
	return rc;
}

/* Every object of the candidate removed, the global settings at their defaults. */
static int empty_candidate(struct cmd_sess *cs)
{
	static const enum eng_kind kinds[] = {ENG_OBJ_TUNNEL, ENG_OBJ_IPSEC, ENG_OBJ_IKEV2,
					      ENG_OBJ_IKEV1};
	struct eng_global g = {0};
	struct eng_diag d = {0};
	int rc;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct eng_keys keys;

		rc = eng_keys(cs->es, ENG_CANDIDATE, kinds[k], &keys);
		for (size_t i = 0; rc == 0 && i < keys.n; i++)
			rc = eng_obj_del(cs->es, kinds[k], keys.keys[i]);
		eng_keys_free(&keys);
		if (rc)
			return rc;
	}
	rc = eng_obj_put(cs->es, ENG_OBJ_GLOBAL, &g, &d);
	eng_diag_free(&d);
	return rc;
}

static int show_changes(struct cmd_sess *cs)
{
	char *text = NULL;
	int rc = eng_config_changes(cs->es, &text);

	if (rc)
		return cmd_fail(cs, rc, "show configuration changes");
	if (!text[0])
		cmd_out(cs, "No configuration changes.");
	else
		cmd_out_text(cs, text);
	free(text);
	return 0;
}

/* The file into the session's candidate (emptied first to replace), then committed. */
static int apply_backup(struct cmd_sess *cs, const char *path, bool replace)
{
	struct eng_diag d = {0};
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (eng_cand_active(cs->es) && eng_cand_dirty(cs->es)) {
		cmd_err(cs, "%% Uncommitted changes: commit or abort them first");
		return -EBUSY;
	}
	rc = read_backup(cs, path, &text, &len);
	if (rc)
		return rc;
	rc = cmd_ensure_candidate(cs);
	if (rc) {
		cmd_fail(cs, rc, replace ? "configure replace" : "copy");
		goto done;
	}
	if (replace && (rc = empty_candidate(cs)) != 0) {
		cmd_fail(cs, rc, "configure replace");
		goto discard;
	}
	rc = cmd_codec()->load(cs->es, text, len, path, &d);
	if (rc) {
		for (size_t i = 0; i < d.n; i++)
			cmd_err(cs, "%s", d.lines[i]);
		if (!d.n)
			cmd_fail(cs, rc, path);
		cmd_err(cs, "%% %s: nothing was changed", path);
		goto discard;
	}
	rc = show_changes(cs);
	if (rc)
		goto discard;
	rc = cmd_script_commit(cs, false); /* discards the candidate when it fails */
	goto done;
discard:
	eng_cand_discard(cs->es);
done:
	eng_diag_free(&d);
	eng_wipe(text, len);
	free(text);
	return rc;
}

static int cmd_copy_file(struct cmd_sess *cs, const struct cmd_args *a)
{
	return apply_backup(cs, cmd_arg_get(a, "file"), false);
}

static int cmd_configure_replace(struct cmd_sess *cs, const struct cmd_args *a)
{
	return apply_backup(cs, cmd_arg_get(a, "file"), true);
}

static int val_file(struct cli_def *cli, const char *name, const char *value)
{
	if (!value[0] || strlen(value) >= 4096) {
		cmd_val_reason(cli, "a file name is 1 to 4095 characters");
		return CLI_ERROR;
	}
	return CLI_OK;
}

void cmds_backup_register(struct cli_def *cli, struct cli_command *configure,
			  struct cli_command *copy)
{
	struct cli_command *c;
	struct cli_optarg *o;

	c = cmd_leaf(cli, configure, "replace", MODE_EXEC_, true,
		     "Replace the running configuration with a file", cmd_configure_replace);
	cmd_argpos(c, "file", 0, "FILE A configuration saved from show running-config", val_file,
		   NULL);
	/* `copy FILE running-config`: a word that is none of copy's sources is a file */
	copy->callback =
	    (int (*)(struct cli_def *, const char *, char **, int))(void (*)(void))cmd_copy_file;
	cmd_argpos(copy, "file", 0, "FILE A configuration saved from show running-config", val_file,
		   NULL);
	o = cmd_argpos(copy, "to", ARG_KEYWORDS, "Where to copy it", val_keyword, NULL);
	cmd_kw(o, "running-config", "Merge it into the running configuration");
}
