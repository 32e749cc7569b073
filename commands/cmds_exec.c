/*
 * cmds_exec.c - EXEC mode: show, configure, write, copy, terminal, exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

#ifndef IKESH_VERSION
#define IKESH_VERSION "0.0"
#endif

static int show_text(struct cmd_sess *cs, int rc, char *text, const char *what)
{
	if (rc) {
		eng_secret_free(text);
		return cmd_fail(cs, rc, what);
	}
	cmd_out_text(cs, text);
	eng_secret_free(text); /* show running-config secrets */
	return 0;
}

/* Who holds `configure exclusive`, for the refusal. */
static void err_locked(struct cmd_sess *cs)
{
	struct eng_sess_info *list = NULL;
	size_t n = 0;
	const char *who = "another session";

	if (eng_sess_list(cs->es, &list, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (list[i].exclusive)
				who = list[i].user;
	cmd_error(cs, "Configuration is locked by %s (configure exclusive)", who);
	free(list);
}

static int cmd_configure(struct cmd_sess *cs, const struct cmd_args *a)
{
	bool exclusive = !strcmp(a->cmd->command, "exclusive");
	bool private_ = !strcmp(a->cmd->command, "private");
	int rc = exclusive ? eng_cand_begin_exclusive(cs->es) : cmd_ensure_candidate(cs);

	if (rc == -EBUSY) {
		err_locked(cs);
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "configure");
	cs->two_phase = exclusive || private_;
	/* `configure terminal revert timer N` (IOS): leaving commits as
	 * `commit confirmed N` */
	cs->revert_minutes = 0;
	if (!strcmp(a->cmd->command, "timer"))
		cs->revert_minutes = (unsigned)strtoul(cmd_arg_get(a, "minutes"), NULL, 10);
	cmd_set_mode(cs, MODE_CONFIG_, NULL);
	return 0;
}

static int cmd_show_users(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_sess_info *list = NULL;
	size_t n = 0;
	int rc = eng_sess_list(cs->es, &list, &n);

	if (rc)
		return cmd_fail(cs, rc, "show users");
	if (cmd_json(cs)) {
		struct json j = {0};

		jw_users(&j, list, n);
		free(list);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "  %-16s %-8s %-19s %s", "User", "Role", "Since", "Mode");
	for (size_t i = 0; i < n; i++) {
		char when[32];
		struct tm tm;

		localtime_r(&list[i].since, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if (cmd_out(cs, "%c %-16s %-8s %-19s %s", list[i].self ? '*' : ' ', list[i].user,
			    list[i].role == ENG_ROLE_ADMIN ? "admin" : "operator", when,
			    list[i].exclusive ? "config exclusive"
			    : list[i].config  ? "config"
					      : "exec") < 0)
			break;
	}
	free(list);
	return 0;
}

/* `show running-config hostname` (IOS XR, asked by Ansible at connect):
 * the hostname line alone, none when the name is the default. */
static int show_hostname(struct cmd_sess *cs, char *text)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");

		if (strncmp(p, "hostname ", 9) == 0)
			cmd_out(cs, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	eng_secret_free(text);
	return 0;
}

static int show_config_json(struct cmd_sess *cs, enum eng_db db, bool secrets)
{
	struct json j = {0};
	int rc = jw_config(&j, cs->es, db, secrets);

	if (rc) {
		eng_secret_free(json_take(&j));
		return cmd_fail(cs, rc, "show");
	}
	return cmd_json_emit(cs, &j);
}

static int cmd_show_running(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	unsigned flags = ENG_TEXT_SEALED; /* restorable; operators see them masked */
	int rc;

	if (cmd_arg_get(a, "secrets")) {
		if (eng_sess_role(cs->es) != ENG_ROLE_ADMIN) {
			return cmd_denied(cs);
		}
		flags = ENG_TEXT_SECRETS;
	}
	if (cmd_json(cs))
		return show_config_json(cs, ENG_RUNNING, flags & ENG_TEXT_SECRETS);
	rc = eng_config_text(cs->es, ENG_RUNNING, flags, &text);
	if (rc == 0 && cmd_arg_get(a, "hostname"))
		return show_hostname(cs, text);
	if (rc == 0)
		cmd_out(cs, "Building configuration...");
	return show_text(cs, rc, text, "show running-config");
}

static int cmd_show_startup(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	int rc = eng_config_text(cs->es, ENG_STARTUP, 0, &text);

	if (rc == -ENOENT) {
		cmd_error(cs, "startup-config is not present");
		return rc;
	}
	return show_text(cs, rc, text, "show startup-config");
}

static int cmd_show_config(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	int rc;

	if (!eng_cand_active(cs->es)) {
		cmd_error(cs, "No candidate configuration: use `configure terminal` first");
		return -ENOTCONN;
	}
	if (cmd_json(cs))
		return show_config_json(cs, ENG_CANDIDATE, false);
	rc = eng_config_text(cs->es, ENG_CANDIDATE, 0, &text);
	return show_text(cs, rc, text, "show configuration");
}

static int cmd_show_changes(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	int rc;

	if (!eng_cand_active(cs->es)) {
		cmd_out(cs, "No configuration changes.");
		return 0;
	}
	rc = eng_config_changes(cs->es, &text);
	if (rc == 0 && text && !text[0]) {
		free(text);
		cmd_out(cs, "No configuration changes.");
		return 0;
	}
	rc = show_text(cs, rc, text, "show configuration changes");
	if (rc == 0)
		cmd_show_sa_impact(cs);
	return rc;
}

static int cmd_show_commit_list(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_commit_info *list = NULL;
	size_t n = 0;
	int rc = eng_commit_list(cs->es, &list, &n);

	if (rc)
		return cmd_fail(cs, rc, "show configuration commit list");
	if (cmd_json(cs)) {
		struct json j = {0};

		jw_commits(&j, list, n);
		free(list);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "%-4s %-10s %-16s %-19s %s", "SNo.", "ID", "User", "Time", "Comment");
	for (size_t i = 0; i < n; i++) {
		char when[32];
		struct tm tm;

		localtime_r(&list[i].when, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if (cmd_out(cs, "%-4zu %-10u %-16s %-19s %s%s", i + 1, list[i].id, list[i].user,
			    when, list[i].comment,
			    list[i].confirmed_pending ? " (confirm pending)" : "") < 0)
			break;
	}
	free(list);
	return 0;
}

static int cmd_show_commit_changes(struct cmd_sess *cs, const struct cmd_args *a)
{
	uint32_t id = (uint32_t)strtoul(cmd_arg_get(a, "id"), NULL, 10);
	char *text = NULL;
	int rc = eng_commit_changes(cs->es, id, &text);

	if (rc == -ENOENT) {
		cmd_error(cs, "commit %u is not in the history", id);
		free(text);
		return rc;
	}
	return show_text(cs, rc, text, "show configuration commit changes");
}

static int cmd_show_version(struct cmd_sess *cs, const struct cmd_args *a)
{
	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_str(&j, "version", IKESH_VERSION);
		json_str(&j, "engine",
			 eng_is_remote(eng_sess_engine(cs->es)) ? "daemon" : "embedded");
		json_obj_close(&j);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "ikesh version %s", IKESH_VERSION);
	cmd_out(cs, "Engine: %s",
		eng_is_remote(eng_sess_engine(cs->es)) ? "ikeshd (daemon)" : "embedded");
	return 0;
}

static int cmd_show_logging(struct cmd_sess *cs, const struct cmd_args *a)
{
	char *text = NULL;
	int rc = eng_log_text(eng_sess_engine(cs->es), &text);

	return show_text(cs, rc, text, "show logging");
}

static int cmd_show_terminal(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct cmd_term *t = cs->io.term;

	if (!t)
		return 0;
	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_u64(&j, "length", t->length);
		json_u64(&j, "width", t->width);
		json_bool(&j, "monitor", t->monitor);
		json_obj_close(&j);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "Length: %u lines, Width: %u columns", t->length, t->width);
	cmd_out(cs, "Monitor: %s", t->monitor ? "on" : "off");
	return 0;
}

static int cmd_write(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_diag d = {0};
	int rc = eng_startup_save(cs->es, &d);

	if (rc) {
		if (d.n)
			cmd_err_diag(cs, &d);
		else
			cmd_fail(cs, rc, "write memory");
	} else {
		cmd_out(cs, "Building configuration...");
		cmd_out(cs, "[OK]");
		/* what was saved instead of running (a pending confirmed commit) */
		for (size_t i = 0; i < d.n; i++)
			cmd_out(cs, "%% Note: %s", d.lines[i]);
	}
	eng_diag_free(&d);
	return rc;
}

static int cmd_terminal(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct cmd_term *t = cs->io.term;
	const char *what = a->cmd->command;

	if (!t)
		return 0;
	if (!strcmp(what, "length"))
		t->length = (unsigned)strtoul(cmd_arg_get(a, "n"), NULL, 10);
	else if (!strcmp(what, "width"))
		t->width = (unsigned)strtoul(cmd_arg_get(a, "n"), NULL, 10);
	else if (!strcmp(what, "monitor")) {
		/* `terminal no monitor` (IOS) or `no terminal monitor` */
		t->monitor = !a->negate && strcmp(a->cmd->parent->command, "no") != 0;
		/* ikeshd then sends this session every log line, not only warnings */
		eng_sess_monitor(cs->es, t->monitor);
	}
	return 0;
}

static int cmd_quit(struct cmd_sess *cs, const struct cmd_args *a)
{
	return CMD_QUIT_RC;
}

void cmds_exec_register(struct cli_def *cli)
{
	struct cli_command *show, *cfg, *commit, *c, *p, *term, *wr, *copy, *conf;
	const int m = MODE_EXEC_;

	conf = cmd_leaf(cli, NULL, "configure", m, true, "Enter configuration mode", cmd_configure);
	p = cmd_leaf(cli, conf, "terminal", m, true, "Configure from the terminal", cmd_configure);
	p = cmd_node(cli, p, "revert", m, true,
		     "Revert unless confirmed (IOS's configure confirm)");
	p = cmd_leaf(cli, p, "timer", m, true, "Leaving commits, reverted unless confirmed in time",
		     cmd_configure);
	cmd_argpos(p, "minutes", 0, "<1-60> Minutes until the automatic revert", val_range, NULL);
	cmd_leaf(cli, conf, "exclusive", m, true, "Configure with every other session locked out",
		 cmd_configure);
	cmd_leaf(cli, conf, "private", m, true,
		 "Configure in two phases: changes wait for `commit`", cmd_configure);

	show = cmd_node(cli, NULL, "show", m, false, "Show running system information");
	c = cmd_leaf(cli, show, "running-config", m, false, "Current operating configuration",
		     cmd_show_running);
	cmd_argflag(c, "secrets", "Show secrets in clear (admins)");
	cmd_argflag(c, "hostname", "Only the hostname line");
	cmd_leaf(cli, show, "startup-config", m, false, "Contents of startup configuration",
		 cmd_show_startup);
	cfg = cmd_leaf(cli, show, "configuration", m, false, "The candidate configuration",
		       cmd_show_config);
	cmd_leaf(cli, cfg, "changes", m, false, "Candidate changes against running",
		 cmd_show_changes);
	commit = cmd_node(cli, cfg, "commit", m, false, "Commit history");
	cmd_leaf(cli, commit, "list", m, false, "The commits, newest first", cmd_show_commit_list);
	c = cmd_leaf(cli, commit, "changes", m, false, "What one commit changed",
		     cmd_show_commit_changes);
	cmd_argpos(c, "id", 0, "<1-4294967295> Commit ID", val_range, NULL);
	cmd_leaf(cli, show, "users", m, false, "Sessions of the engine", cmd_show_users);
	cmd_leaf(cli, show, "version", m, false, "System software version", cmd_show_version);
	cmd_leaf(cli, show, "logging", m, false, "Recent log messages", cmd_show_logging);
	cmd_leaf(cli, show, "terminal", m, false, "Terminal settings", cmd_show_terminal);
	cmds_crypto_register(cli, show, m);
	cmds_ios_register(cli, show, m);

	wr = cmd_leaf(cli, NULL, "write", m, true, "Save the running configuration", cmd_write);
	cmd_leaf(cli, wr, "memory", m, true, "Save it as startup-config", cmd_write);
	copy = cmd_node(cli, NULL, "copy", m, true, "Copy a configuration");
	c = cmd_node(cli, copy, "running-config", m, true, "From the running configuration");
	cmd_leaf(cli, c, "startup-config", m, true, "To startup-config", cmd_write);
	cmds_backup_register(cli, conf, copy);

	term = cmd_node(cli, NULL, "terminal", m, false, "Set terminal line parameters");
	c = cmd_leaf(cli, term, "length", m, false, "Lines on a screen (0 = no paging)",
		     cmd_terminal);
	cmd_argpos(c, "n", 0, "<0-512> Number of lines", val_range, NULL);
	c = cmd_leaf(cli, term, "width", m, false, "Characters on a line", cmd_terminal);
	cmd_argpos(c, "n", 0, "<0-512> Number of characters", val_range, NULL);
	cmd_leaf(cli, term, "monitor", m, false, "Copy log and debug messages to this terminal",
		 cmd_terminal);
	c = cmd_node(cli, term, "no", m, false, "Negate a terminal setting");
	cmd_leaf(cli, c, "monitor", m, false, "Stop copying log and debug messages here",
		 cmd_terminal);
	cmds_compat_register(cli, show, cfg, term, conf);

	cmd_leaf(cli, NULL, "exit", m, false, "Leave the shell", cmd_quit);
	cmd_leaf(cli, NULL, "logout", m, false, "Leave the shell", cmd_quit);
	cmd_leaf(cli, NULL, "quit", m, false, "Leave the shell", cmd_quit);
}
