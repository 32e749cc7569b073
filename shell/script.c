/*
 * script.c - lines from -c, -f FILE or a pipe, run as if typed at the
 * admin EXEC prompt.
 *
 * Configuration changes gather in one candidate and are committed once at
 * the end (or at an explicit `commit`), all or nothing.  The first error
 * is printed as "ORIGIN:LINE: % message" and stops the script: nothing
 * more runs and the candidate is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell.h"

/* Does word `n` (0 or 1) of `line` resolve to the command word `word` in
 * the current mode?  Asked through completion, so abbreviations count. */
static bool word_is(struct shell *sh, const char *line, int n, const char *word)
{
	struct cmd_completions c;
	const char *p = line + strspn(line, " \t");
	size_t len = strcspn(p, " \t|");
	char *upto;
	bool yes;

	if (n == 1) {
		const char *second = p + len + strspn(p + len, " \t");
		len = (size_t)(second - p) + strcspn(second, " \t|");
	}
	upto = strndup(p, len);
	if (!upto || !upto[0] || upto[len - 1] == ' ' || upto[len - 1] == '\t') {
		free(upto);
		return false;
	}
	cmd_complete(sh->cs, upto, &c);
	yes = c.n == 1 && strcasecmp(c.words[0], word) == 0;
	cmd_completions_free(&c);
	free(upto);
	return yes;
}

/* Could every word of the line be what it is (its last word completes
 * to something)?  A line that cannot is not deferred: it runs at once,
 * and fails there, with its line number, before anything is committed. */
static bool completes(struct shell *sh, const char *line)
{
	struct cmd_completions c;
	bool yes;

	cmd_complete(sh->cs, line, &c);
	yes = c.n > 0;
	cmd_completions_free(&c);
	return yes;
}

/* The line is the EXEC command `word`, typed as is or after `do`. */
static bool exec_command_is(struct shell *sh, const char *line, const char *word)
{
	if (!cmd_in_config(sh->cs))
		return word_is(sh, line, 0, word);
	return word_is(sh, line, 0, "do") && word_is(sh, line, 1, word);
}

static bool first_word_is(struct shell *sh, const char *line, const char *word)
{
	return word_is(sh, line, 0, word);
}

/* The word at column `col` of the line, secrets masked, for the message. */
static void print_invalid(struct shell *sh, const char *line, const struct cmd_result *res)
{
	char *masked = cmd_mask_secrets(sh->cs, line);
	const char *shown = masked ? masked : "";
	int col = res->column >= 0 && res->column < (int)strlen(shown) ? res->column : 0;
	const char *reason = strchr(res->msg, '\n');

	int len = (int)strcspn(shown + col, " \t");
	char *msg = NULL;

	/* a word of a megabyte is named by its start */
	if (asprintf(&msg, "%% Invalid input detected at '%.*s%s'%s%s", len > 64 ? 64 : len,
		     shown + col, len > 64 ? "..." : "", reason ? ": " : "",
		     reason ? reason + 3 : "") < 0)
		msg = NULL;
	fprintf(stderr, "%s:%u: ", sh->origin, sh->lineno);
	shell_fput_safe(stderr, msg ? msg : "% Invalid input");
	free(msg);
	free(masked);
}

static int defer(struct shell *sh, const char *line)
{
	struct deferred *d = realloc(sh->deferred, (sh->n_deferred + 1) * sizeof(*d));

	if (!d)
		goto nomem;
	sh->deferred = d;
	d += sh->n_deferred;
	d->line = strdup(line);
	d->origin = strdup(sh->origin);
	d->lineno = sh->lineno;
	if (!d->line || !d->origin) {
		eng_secret_free(d->line);
		free(d->origin);
		goto nomem;
	}
	sh->n_deferred++;
	return 0;
nomem:
	fprintf(stderr, "%s:%u: %sout of memory\n", sh->origin, sh->lineno, CMD_E_PREFIX);
	return -1;
}

/* One line: 0 to go on, 1 when the line ended the session, -1 on error. */
int shell_script_line(struct shell *sh, const char *raw)
{
	struct cmd_result res;
	char *line = malloc(strlen(raw) + 1);
	const char *run;
	int rc = 0;

	if (!line) {
		fprintf(stderr, "%s:%u: %sout of memory\n", sh->origin, sh->lineno, CMD_E_PREFIX);
		return -1;
	}
	shell_strip_comment(raw, line);
	run = line;
	if (!line[strspn(line, " \t")])
		goto done;
	if (cmd_config_header(line)) {
		/* a file saved from show running-config: its header puts the
		 * script in configuration mode, its `end` takes it out */
		if (cmd_in_config(sh->cs))
			goto done;
		run = "configure terminal";
	}
	if (sh->check_only) {
		/* --check changes nothing: a commit becomes a check, saving and
		 * confirming are skipped. */
		if (cmd_in_config(sh->cs) && first_word_is(sh, line, "commit"))
			run = "commit check";
		else if (exec_command_is(sh, line, "write") || exec_command_is(sh, line, "copy") ||
			 (cmd_in_config(sh->cs) && first_word_is(sh, line, "confirm")))
			goto done;
	} else if (!sh->running_deferred &&
		   (exec_command_is(sh, line, "write") || exec_command_is(sh, line, "copy")) &&
		   completes(sh, line)) {
		/* they run in EXEC mode: `do write` is kept as `write` */
		const char *p = line + strspn(line, " \t");
		if (cmd_in_config(sh->cs)) {
			p += strcspn(p, " \t");
			p += strspn(p, " \t");
		}
		rc = defer(sh, p);
		goto done;
	}
	sh->errors = 0;
	cmd_exec(sh->cs, run, &res);
	fflush(stdout);
	switch (res.status) {
	case CMD_OK:
		break;
	case CMD_QUIT:
		rc = 1;
		break;
	case CMD_INVALID:
		print_invalid(sh, line, &res);
		rc = -1;
		break;
	case CMD_FAILED:
		if (res.msg[0]) {
			fprintf(stderr, "%s:%u: ", sh->origin, sh->lineno);
			shell_fput_safe(stderr, res.msg);
		} else if (sh->errors == 0)
			fprintf(stderr, "%s:%u: %sthe command failed\n", sh->origin, sh->lineno,
				CMD_E_PREFIX);
		rc = -1;
		break;
	default:
		fprintf(stderr, "%s:%u: ", sh->origin, sh->lineno);
		shell_fput_safe(stderr, res.msg);
		rc = -1;
		break;
	}
done:
	eng_secret_free(line); /* `authentication pre-share key ...` */
	return rc;
}

int shell_script_stream(struct shell *sh, FILE *in, const char *origin)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	sh->origin = origin;
	sh->lineno = 0;
	while (rc == 0 && (n = getline(&line, &cap, in)) >= 0) {
		sh->lineno++;
		if ((size_t)n != strlen(line)) {
			fprintf(stderr, "%s:%u: %sa NUL byte in the line\n", origin, sh->lineno,
				CMD_E_PREFIX);
			rc = -1;
			break;
		}
		rc = shell_script_line(sh, line);
	}
	if (rc == 0 && ferror(in)) {
		fprintf(stderr, "%s:%u: %sread error\n", origin, sh->lineno, CMD_E_PREFIX);
		rc = -1;
	}
	eng_wipe(line, cap); /* the longest line read is still in it */
	free(line);
	return rc;
}

/* After the last line: commit (or check) what the script configured. */
int shell_script_finish(struct shell *sh, bool failed)
{
	int rc;

	if (failed) {
		if (eng_cand_active(sh->es))
			eng_cand_discard(sh->es);
		return 1;
	}
	sh->lineno = 0;
	rc = cmd_script_commit(sh->cs, sh->check_only);
	fflush(stdout);
	/* then save what was committed, where the script asked for it */
	sh->running_deferred = true;
	for (size_t i = 0; rc == 0 && i < sh->n_deferred; i++) {
		sh->origin = sh->deferred[i].origin;
		sh->lineno = sh->deferred[i].lineno;
		if (shell_script_line(sh, sh->deferred[i].line) < 0)
			rc = -1;
	}
	fflush(stdout);
	return rc ? 1 : 0;
}

void shell_script_free(struct shell *sh)
{
	for (size_t i = 0; i < sh->n_deferred; i++) {
		eng_secret_free(sh->deferred[i].line);
		free(sh->deferred[i].origin);
	}
	free(sh->deferred);
	sh->deferred = NULL;
	sh->n_deferred = 0;
}
