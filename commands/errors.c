/*
 * errors.c - the words of every refusal a handler prints.
 *
 * Automation matches error text, not exit codes: Ansible's IOS and IOS-XR
 * plugins look for "% Error", "Invalid input", "Incomplete command",
 * "Ambiguous command" and "Failed to commit"; netmiko's IOS-XR driver for
 * "Failed to".  So every refusal starts with "% ", the syntax families
 * keep IOS's words (CMD_E_INVALID ... in commands.h), and everything else
 * starts with CMD_E_PREFIX.  Handlers word nothing else themselves.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd_int.h"

void cmd_error(struct cmd_sess *cs, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_err(cs, "%s%s", CMD_E_PREFIX, msg);
}

/* A line under an error line: one violation of a failed commit. */
static void cmd_error_detail(struct cmd_sess *cs, const char *text)
{
	cmd_err(cs, "%%   %s", text);
}

int cmd_denied(struct cmd_sess *cs)
{
	cmd_err(cs, "%s", CMD_E_DENIED);
	return -EPERM;
}

void cmd_err_diag(struct cmd_sess *cs, const struct eng_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		cmd_error(cs, "%s", d->lines[i]);
}

int cmd_fail(struct cmd_sess *cs, int rc, const char *what)
{
	if (rc == -EPERM)
		cmd_denied(cs);
	else if (rc == -ENOTCONN)
		cmd_error(cs, "%s: not in configuration mode", what);
	else
		cmd_error(cs, "%s: %s", what, strerror(-rc));
	return rc;
}

/*
 * A commit (or check) the engine refused: the headline, then one line per
 * violation.  "Failed to commit" is what IOS-XR prints and what netmiko
 * and Ansible's IOS-XR plugin look for.
 */
void cmd_error_commit(struct cmd_sess *cs, bool check_only, int rc, const struct eng_diag *d)
{
	const char *head = check_only ? "Commit check failed" : "Failed to commit";

	if (rc == -EINVAL) {
		cmd_error(cs, "%s: the candidate configuration has %zu error%s:", head, d->n,
			  d->n == 1 ? "" : "s");
		for (size_t i = 0; i < d->n; i++)
			cmd_error_detail(cs, d->lines[i]);
	} else if (d->n) {
		/* refused before validation (configure exclusive): the reason */
		for (size_t i = 0; i < d->n; i++)
			cmd_error(cs, "%s: %s", head, d->lines[i]);
	} else if (rc == -EPERM) {
		cmd_denied(cs);
	} else {
		cmd_error(cs, "%s: %s", head, strerror(-rc));
	}
}
