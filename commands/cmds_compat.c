/*
 * cmds_compat.c - what automation clients send at connect and around a
 * configuration push, answered as they expect.
 *
 * Ansible's cisco.ios terminal plugin asks `show privilege` and, under
 * `become`, sends `enable` (and `disable` when it is done); its
 * cisco.iosxr plugin sends `terminal exec prompt no-timestamp`, `show
 * version | utility head -n 20`, `show running-config hostname`, `show
 * commit changes diff` before its `commit show-error`; IOS XR users read
 * `show configuration failed` after a refused commit.  With its
 * commit_confirm options Ansible's ios plugin checks `show archive` and
 * `show archive config rollback timer`, then uses `configure terminal
 * revert timer N` and `configure confirm`: ikesh's `commit confirmed`
 * under IOS's names.  ikesh has no
 * privilege levels below its two roles: an admin is at level 15 and has
 * nothing to enable, an operator is at level 1 and cannot rise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd_int.h"

static int cmd_show_privilege(struct cmd_sess *cs, const struct cmd_args *a)
{
	bool admin = eng_sess_role(cs->es) == ENG_ROLE_ADMIN;

	cmd_out(cs, "Current privilege level is %d", admin ? 15 : 1);
	return 0;
}

/* `enable`, `disable`: an admin is always privileged; an operator never. */
static int cmd_enable(struct cmd_sess *cs, const struct cmd_args *a)
{
	if (eng_sess_role(cs->es) != ENG_ROLE_ADMIN)
		return cmd_denied(cs);
	return 0;
}

/* ikesh prompts carry no timestamp: there is nothing to turn off. */
static int cmd_no_timestamp(struct cmd_sess *cs, const struct cmd_args *a)
{
	return 0;
}

/* IOS XR's name for the candidate against running. */
static int cmd_show_commit_diff(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	int rc;

	if (!eng_cand_active(cs->es)) {
		cmd_out(cs, "No configuration changes.");
		return 0;
	}
	rc = eng_config_changes(cs->es, &text);
	if (rc)
		return cmd_fail(cs, rc, "show commit changes diff");
	if (!text || !text[0])
		cmd_out(cs, "No configuration changes.");
	else
		cmd_out_text(cs, text);
	eng_secret_free(text);
	return 0;
}

void cmd_failed_commit_set(struct cmd_sess *cs, const struct eng_diag *d)
{
	eng_diag_free(&cs->failed);
	for (size_t i = 0; d && i < d->n; i++)
		eng_diag_addf(&cs->failed, "%s", d->lines[i]);
}

/* The violations of this session's last refused commit, as plain output
 * (a show, not a refusal). */
static int cmd_show_failed(struct cmd_sess *cs, const struct cmd_args *a)
{
	if (cs->failed.n == 0) {
		cmd_out(cs, "No failed commit in this session.");
		return 0;
	}
	cmd_out(cs, "!! The last commit of this session was refused:");
	for (size_t i = 0; i < cs->failed.n; i++)
		if (cmd_out(cs, "!! %s", cs->failed.lines[i]) < 0)
			break;
	return 0;
}

/* IOS's `configure confirm`: keep the commit `revert timer` made. */
static int cmd_configure_confirm(struct cmd_sess *cs, const struct cmd_args *a)
{
	int rc = eng_confirm(cs->es);

	if (rc == -ENOENT) {
		cmd_error(cs, "No confirmed commit is pending.");
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "configure confirm");
	cmd_out(cs, "Commit confirmed.");
	return 0;
}

/* ikesh's archive is its commit history, always on. */
static int cmd_show_archive(struct cmd_sess *cs, const struct cmd_args *a)
{
	cmd_out(cs,
		"The archive is the commit history, always kept (show configuration commit "
		"list; rollback <0-%d>).",
		ENG_ROLLBACK_MAX);
	return 0;
}

/* The wording IOS uses, which Ansible's ios plugin looks for. */
static int cmd_show_rollback_timer(struct cmd_sess *cs, const struct cmd_args *a)
{
	long left = eng_confirm_pending(eng_sess_engine(cs->es));

	if (left < 0)
		cmd_out(cs, "%%No Rollback Confirmed Change pending");
	else
		cmd_out(cs, "Timer type: commit confirmed, %ld seconds left", left);
	return 0;
}

void cmds_compat_register(struct cli_def *cli, struct cli_command *show,
			  struct cli_command *show_cfg, struct cli_command *term,
			  struct cli_command *configure)
{
	struct cli_command *c;
	const int m = MODE_EXEC_;

	cmd_leaf(cli, show, "privilege", m, false, "The privilege level of this session",
		 cmd_show_privilege);
	cmd_leaf(cli, NULL, "enable", m, false, "Privileged commands (admins have them already)",
		 cmd_enable);
	cmd_leaf(cli, NULL, "disable", m, false, "Leave privileged mode (admins stay)", cmd_enable);
	c = cmd_node(cli, term, "exec", m, false, "EXEC prompt settings");
	c = cmd_node(cli, c, "prompt", m, false, "The EXEC prompt");
	cmd_leaf(cli, c, "no-timestamp", m, false, "No timestamp before each command's output",
		 cmd_no_timestamp);
	c = cmd_node(cli, show, "commit", m, false, "The commit of this session");
	c = cmd_node(cli, c, "changes", m, false, "What it would change");
	cmd_leaf(cli, c, "diff", m, false, "Candidate changes against running (+/- lines)",
		 cmd_show_commit_diff);
	cmd_leaf(cli, show_cfg, "failed", m, false, "Why this session's last commit was refused",
		 cmd_show_failed);
	cmd_leaf(cli, configure, "confirm", m, true, "Keep a commit made with revert timer",
		 cmd_configure_confirm);
	c = cmd_leaf(cli, show, "archive", m, false, "The configuration archive (commit history)",
		     cmd_show_archive);
	c = cmd_node(cli, c, "config", m, false, "Configuration archive");
	c = cmd_node(cli, c, "rollback", m, false, "Rollback");
	cmd_leaf(cli, c, "timer", m, false, "A pending confirmed commit", cmd_show_rollback_timer);
}
