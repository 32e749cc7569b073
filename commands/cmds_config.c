/*
 * cmds_config.c - configuration mode: the objects it enters, and the
 * transaction commands every configuration mode has (commit, abort,
 * rollback, end, exit, do, no).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_common.h"

static const int config_modes[] = {MODE_CONFIG_, MODE_IKEV2,  MODE_IKEV1,
				   MODE_IPSECP,	 MODE_TUNNEL, MODE_TRUSTPOINT};
#define N_CONFIG_MODES (sizeof(config_modes) / sizeof(config_modes[0]))

/* ---- Leaving configuration mode --------------------------------------- */

static int do_commit(struct cmd_sess *cs, const struct eng_commit_req *req)
{
	struct eng_diag d = {0};
	uint32_t id = 0;
	int rc = eng_commit(cs->es, req, &d, &id);

	if (rc)
		cmd_error_commit(cs, req->check_only, rc, &d);
	if (rc && !d.n)
		eng_diag_addf(&d, "%s", strerror(-rc));
	if (!req->check_only)
		cmd_failed_commit_set(cs, rc ? &d : NULL);
	eng_diag_free(&d);
	if (rc)
		return rc;
	if (req->check_only) {
		cmd_out(cs, "Configuration is valid.");
		cmd_show_sa_impact(cs);
	} else if (req->confirm_minutes)
		cmd_out(cs,
			"Commit %u applied; it reverts in %u minute%s unless confirmed with "
			"`commit` or `confirm`.",
			id, req->confirm_minutes, req->confirm_minutes == 1 ? "" : "s");
	return 0;
}

/*
 * Leaving configuration mode with changes.  `configure terminal` commits
 * them, as IOS applies what was typed: a failed commit prints why and
 * stays, the candidate kept.  `configure private` and `exclusive` are
 * two-phase (IOS XR): a person is asked.  A script (no terminal) keeps
 * the changes for the commit at its end.  Returns 0 to leave, 1 to stay
 * (the question cancelled), or the failed commit's -errno (stay).
 */
static int leave_config(struct cmd_sess *cs)
{
	struct eng_commit_req req = {0};
	char answer[32];

	if (!eng_cand_dirty(cs->es) || cs->script || !cs->io.term || !cs->io.term->interactive)
		return 0;
	if (!cs->two_phase) {
		req.confirm_minutes = cs->revert_minutes;
		return do_commit(cs, &req);
	}
	for (;;) {
		if (cs->io.ask(cs->io.arg,
			       "Uncommitted changes found, commit them before exiting "
			       "(yes/no/cancel)? [cancel]: ",
			       answer, sizeof(answer)) < 0)
			return 1;
		size_t n = strlen(answer);
		if (n == 0 || strncasecmp(answer, "cancel", n) == 0)
			return 1;
		if (strncasecmp(answer, "yes", n) == 0)
			return do_commit(cs, &req);
		if (strncasecmp(answer, "no", n) == 0) {
			eng_cand_discard(cs->es);
			return 0;
		}
	}
}

static int cmd_end_(struct cmd_sess *cs, const struct cmd_args *a)
{
	int rc = leave_config(cs);

	if (rc)
		return rc < 0 ? rc : 0; /* still in configuration mode */
	/* a candidate without changes ends with the mode: kept, its base
	 * would go stale (a later commit would see conflicts) */
	if (eng_cand_active(cs->es) && !eng_cand_dirty(cs->es))
		eng_cand_discard(cs->es);
	cmd_end(cs);
	return 0;
}

static int cmd_exit_(struct cmd_sess *cs, const struct cmd_args *a)
{
	if (cs->mode != MODE_CONFIG_) {
		cmd_set_mode(cs, MODE_CONFIG_, NULL);
		return 0;
	}
	return cmd_end_(cs, a);
}

static int cmd_commit(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_commit_req req = {0};
	const char *what = a->cmd->command;

	if (!strcmp(what, "check"))
		req.check_only = true;
	else if (!strcmp(what, "confirmed"))
		req.confirm_minutes = (unsigned)strtoul(cmd_arg_get(a, "minutes"), NULL, 10);
	req.comment = cmd_arg_get(a, "comment");
	return do_commit(cs, &req);
}

static int cmd_confirm(struct cmd_sess *cs, const struct cmd_args *a)
{
	int rc = eng_confirm(cs->es);

	if (rc == -ENOENT) {
		cmd_error(cs, "No confirmed commit is pending.");
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "confirm");
	cmd_out(cs, "Commit confirmed.");
	return 0;
}

static int cmd_abort(struct cmd_sess *cs, const struct cmd_args *a)
{
	eng_cand_discard(cs->es);
	cmd_end(cs);
	return 0;
}

static int cmd_rollback(struct cmd_sess *cs, const struct cmd_args *a)
{
	unsigned n = (unsigned)strtoul(cmd_arg_get(a, "n"), NULL, 10);
	struct eng_diag d = {0};
	int rc = eng_rollback(cs->es, n, &d);

	if (rc == -ERANGE)
		cmd_error(cs, "rollback %u: the history holds fewer commits", n);
	else if (rc == -EINVAL)
		cmd_err_diag(cs, &d);
	else if (rc)
		cmd_fail(cs, rc, "rollback");
	else
		cmd_out(cs,
			"Loaded the configuration of %u commit%s ago into the candidate; "
			"review it with `show configuration changes`, then `commit`.",
			n, n == 1 ? "" : "s");
	eng_diag_free(&d);
	return rc;
}

/* ---- Global configuration --------------------------------------------- */

static int cmd_hostname(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_global g;
	struct eng_diag d = {0};
	int rc = eng_obj_get(cs->es, ENG_CANDIDATE, ENG_OBJ_GLOBAL, NULL, &g);

	if (rc)
		return cmd_fail(cs, rc, "hostname");
	snprintf(g.hostname, sizeof(g.hostname), "%s", a->negate ? "" : cmd_arg_get(a, "name"));
	if (strcmp(g.hostname, ENG_DEFAULT_HOSTNAME) == 0)
		g.hostname[0] = '\0';
	rc = eng_obj_put(cs->es, ENG_OBJ_GLOBAL, &g, &d);
	if (rc)
		cmd_err_diag(cs, &d);
	eng_diag_free(&d);
	eng_obj_clear(ENG_OBJ_GLOBAL, &g);
	return rc;
}

/* exec-timeout MINUTES: idle interactive sessions are logged out (0 = never). */
static int cmd_exec_timeout(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_global g;
	struct eng_diag d = {0};
	int rc = eng_obj_get(cs->es, ENG_CANDIDATE, ENG_OBJ_GLOBAL, NULL, &g);

	if (rc)
		return cmd_fail(cs, rc, "exec-timeout");
	g.exec_timeout_set = !a->negate;
	g.exec_timeout = a->negate ? 0 : (uint16_t)strtoul(cmd_arg_get(a, "minutes"), NULL, 10);
	rc = eng_obj_put(cs->es, ENG_OBJ_GLOBAL, &g, &d);
	if (rc)
		cmd_err_diag(cs, &d);
	eng_diag_free(&d);
	eng_obj_clear(ENG_OBJ_GLOBAL, &g);
	return rc;
}

/* `crypto ikev2 policy 10`, `ipsec tunnel HQ`...: enter (creating), or delete with `no`. */
static int enter_object(struct cmd_sess *cs, const struct cmd_args *a, enum cmd_mode mode)
{
	enum eng_kind kind = cmd_mode_info(mode)->kind;
	const char *key = cmd_arg_get(a, "key");
	union {
		struct eng_ikev1_policy v1;
		struct eng_ikev2_policy v2;
		struct eng_ipsec_policy ip;
		struct eng_trustpoint tp;
		struct eng_tunnel t;
	} obj;
	struct eng_diag d = {0};
	int rc;

	if (a->negate) {
		rc = eng_obj_del(cs->es, kind, key);
		if (rc == -ENOENT)
			cmd_error(cs, "%s %s does not exist", a->cmd->full_command_name, key);
		else if (rc)
			cmd_fail(cs, rc, key);
		return rc;
	}
	rc = eng_obj_get(cs->es, ENG_CANDIDATE, kind, key, &obj);
	if (rc == -ENOENT) {
		memset(&obj, 0, sizeof(obj));
		if (kind == ENG_OBJ_IKEV1)
			obj.v1.id = (uint16_t)strtoul(key, NULL, 10);
		else if (kind == ENG_OBJ_IKEV2)
			obj.v2.id = (uint16_t)strtoul(key, NULL, 10);
		else if (kind == ENG_OBJ_IPSEC)
			snprintf(obj.ip.name, sizeof(obj.ip.name), "%s", key);
		else if (kind == ENG_OBJ_TRUSTPOINT)
			snprintf(obj.tp.name, sizeof(obj.tp.name), "%s", key);
		else
			snprintf(obj.t.name, sizeof(obj.t.name), "%s", key);
		rc = eng_obj_put(cs->es, kind, &obj, &d);
		if (rc == -EINVAL)
			cmd_err_diag(cs, &d);
		eng_diag_free(&d);
	}
	if (rc)
		return rc == -EINVAL ? rc : cmd_fail(cs, rc, key);
	eng_obj_clear(kind, &obj);
	cmd_set_mode(cs, mode, key);
	return 0;
}

static int cmd_ikev2_policy(struct cmd_sess *cs, const struct cmd_args *a)
{
	return enter_object(cs, a, MODE_IKEV2);
}

static int cmd_ikev1_policy(struct cmd_sess *cs, const struct cmd_args *a)
{
	return enter_object(cs, a, MODE_IKEV1);
}

static int cmd_ipsec_policy(struct cmd_sess *cs, const struct cmd_args *a)
{
	return enter_object(cs, a, MODE_IPSECP);
}

static int cmd_tunnel(struct cmd_sess *cs, const struct cmd_args *a)
{
	return enter_object(cs, a, MODE_TUNNEL);
}

static int cmd_trustpoint(struct cmd_sess *cs, const struct cmd_args *a)
{
	return enter_object(cs, a, MODE_TRUSTPOINT);
}

void cmds_config_register(struct cli_def *cli)
{
	struct cli_command *c, *crypto, *ipsec, *p;
	const int m = MODE_CONFIG_;

	for (size_t i = 0; i < N_CONFIG_MODES; i++) {
		int mode = config_modes[i];

		cli_register_command(cli, NULL, "no", cmd_marker_no, PRIVILEGE_PRIVILEGED, mode,
				     "Negate a command or set its default");
		cli_register_command(cli, NULL, "do", cmd_marker_do, PRIVILEGE_PRIVILEGED, mode,
				     "Run an EXEC command");
		cmd_leaf(cli, NULL, "end", mode, true, "Leave configuration mode", cmd_end_);
		cmd_leaf(cli, NULL, "exit", mode, true,
			 mode == MODE_CONFIG_ ? "Leave configuration mode" : "Go up one mode",
			 cmd_exit_);
		c = cmd_leaf(cli, NULL, "commit", mode, true, "Apply the candidate configuration",
			     cmd_commit);
		p = cmd_leaf(cli, c, "comment", mode, true, "Apply, with a comment for the history",
			     cmd_commit);
		cmd_argpos(p, "comment", ARG_LINE, "LINE The comment", val_line, NULL);
		cmd_leaf(cli, c, "check", mode, true, "Validate the candidate without applying it",
			 cmd_commit);
		/* IOS XR's spelling (Ansible's iosxr_config): errors always show */
		cmd_leaf(cli, c, "show-error", mode, true, "Apply; list the errors if refused",
			 cmd_commit);
		p = cmd_leaf(cli, c, "confirmed", mode, true,
			     "Apply, and revert unless confirmed in time", cmd_commit);
		cmd_argpos(p, "minutes", 0, "<1-60> Minutes until the automatic revert", val_range,
			   NULL);
		cmd_argnamed(p, "comment", 0, "WORD A comment for the commit history (quoted)",
			     val_line, NULL);
		cmd_leaf(cli, NULL, "confirm", mode, true,
			 "Keep a commit made with `commit confirmed`", cmd_confirm);
		cmd_leaf(cli, NULL, "abort", mode, true,
			 "Discard the candidate and leave configuration mode", cmd_abort);
		c = cmd_leaf(cli, NULL, "rollback", mode, true,
			     "Load an earlier configuration into the candidate", cmd_rollback);
		cmd_argpos(c, "n", 0, "<0-49> How many commits back (0 = running)", val_range,
			   NULL);
	}

	c = cmd_leaf(cli, NULL, "hostname", m, true, "Set the system's name", cmd_hostname);
	cmd_argpos(c, "name", 0, "WORD This system's name", val_hostname_word, NULL);
	c = cmd_leaf(cli, NULL, "exec-timeout", m, true,
		     "Log idle interactive sessions out (default 10 minutes)", cmd_exec_timeout);
	cmd_argpos(c, "minutes", 0, "<0-35791> Minutes at the prompt without a key (0 = never)",
		   val_range, NULL);

	crypto = cmd_node(cli, NULL, "crypto", m, true, "IKE and IPsec policies");
	p = cmd_node(cli, crypto, "ikev2", m, true, "IKEv2 policies");
	c = cmd_leaf(cli, p, "policy", m, true, "An IKEv2 policy (enters its mode)",
		     cmd_ikev2_policy);
	cmd_argpos(c, "key", 0, "<1-65535> Policy number", val_range, comp_ikev2_ids);
	p = cmd_node(cli, crypto, "ikev1", m, true, "IKEv1 (ISAKMP) policies");
	c = cmd_leaf(cli, p, "policy", m, true, "An IKEv1 policy (enters its mode)",
		     cmd_ikev1_policy);
	cmd_argpos(c, "key", 0, "<1-65535> Policy number", val_range, comp_ikev1_ids);
	p = cmd_node(cli, crypto, "ipsec", m, true, "IPsec policies");
	c = cmd_leaf(cli, p, "policy", m, true, "An IPsec policy (enters its mode)",
		     cmd_ipsec_policy);
	cmd_argpos(c, "key", 0, "NAME Policy name", val_name, comp_ipsec_names);
	p = cmd_node(cli, crypto, "pki", m, true, "Public key infrastructure");
	c = cmd_leaf(cli, p, "trustpoint", m, true,
		     "A trustpoint: CA certificates, key pair, revocation (enters its mode)",
		     cmd_trustpoint);
	cmd_argpos(c, "key", 0, "NAME Trustpoint name", val_name, comp_trustpoint_names);
	ipsec = cmd_node(cli, NULL, "ipsec", m, true, "IPsec tunnels");
	c = cmd_leaf(cli, ipsec, "tunnel", m, true, "An IPsec tunnel (enters its mode)",
		     cmd_tunnel);
	cmd_argpos(c, "key", 0, "NAME Tunnel name", val_name, comp_tunnel_names);
}

int cmd_script_commit(struct cmd_sess *cs, bool check_only)
{
	struct eng_commit_req req = {.check_only = check_only};
	int rc;

	if (!eng_cand_active(cs->es))
		return 0;
	if (!eng_cand_dirty(cs->es)) {
		eng_cand_discard(cs->es);
		return 0;
	}
	rc = do_commit(cs, &req);
	if (check_only || rc)
		eng_cand_discard(cs->es);
	cmd_end(cs);
	return rc;
}
