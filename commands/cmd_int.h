/*
 * cmd_int.h - internals shared by the files of the command layer.
 *
 * libcli holds the command tree: words, help, mode and privilege of each
 * command, and the arguments (optargs) with their validators and
 * completion sources.  We interpret it ourselves (cmd_resolve) because a
 * router shell needs what libcli's matcher cannot give: the position of
 * the first bad word, ambiguity reports, a mode tree, and filters that
 * may be abbreviated.
 */
#ifndef IKESH_CMD_INT_H
#define IKESH_CMD_INT_H

#include <libcli.h>
#include <stdbool.h>

#include "commands.h"

/* Modes: libcli mode numbers.  EXEC and CONFIG are libcli's own. */
enum cmd_mode {
	MODE_EXEC_ = MODE_EXEC,
	MODE_CONFIG_ = MODE_CONFIG,
	MODE_IKEV2,
	MODE_IKEV1,
	MODE_IPSECP,
	MODE_TUNNEL,
	MODE_TRUSTPOINT,
	MODE_COUNT
};

struct cmd_mode_info {
	const char *tag; /* prompt: "(config-ikev2-policy)" */
	enum cmd_mode parent;
	enum eng_kind kind; /* the object a sub-mode edits */
};
const struct cmd_mode_info *cmd_mode_info(enum cmd_mode m);

/* Our own optarg flags, in bits libcli does not use. */
#define ARG_REQUIRED (1 << 20) /* a named argument that must be present */
#define ARG_SECRET   (1 << 21) /* masked in history and logs */
#define ARG_REPEAT   (1 << 22) /* positional: takes every remaining word */
#define ARG_LINE     (1 << 23) /* positional: the rest of the line, verbatim */
#define ARG_KEYWORDS (1 << 24) /* value is one of the words in help after '\v' */
#define ARG_OPTIONAL (1 << 25) /* positional: may be left out (the last one only) */
/* In cli_command.flags: the handler serves only the `no` form (`no
 * authentication`); the positive form needs one of the sub-words. */
#define CMD_NO_ONLY (1 << 20)

#define ARGS_MAX 32

/* One resolved argument: its optarg name and its value. */
struct cmd_arg {
	const char *name;
	char *value;
	int word; /* index of the value's word in the line */
};

struct cmd_args {
	int n;
	struct cmd_arg a[ARGS_MAX];
	bool negate; /* the line began with `no` (or `default`) */
	/* the line began with `default`: the setting goes back to its
	 * default, which is what `no` does except where `no X` is itself a
	 * setting (`no rekey`) */
	bool reset;
	int cur_word;
	struct cli_command *cmd; /* the command the line resolved to */
};

const char *cmd_arg_get(const struct cmd_args *args, const char *name);
int cmd_arg_count(const struct cmd_args *args, const char *name);

typedef int (*cmd_handler)(struct cmd_sess *cs, const struct cmd_args *args);

struct output_filter;

struct cmd_sess {
	struct cli_def *cli;
	struct eng_sess *es;
	struct cmd_io io;
	enum cmd_mode mode;
	char key[ENG_NAME_MAX]; /* the object a sub-mode edits */
	struct output_filter *filters;
	bool out_stopped;
	bool script; /* lines come from a script: commit at the end */
	/* `configure private` / `exclusive`: changes wait for `commit` (and
	 * leaving asks); `configure terminal` commits them on leaving */
	bool two_phase;
	unsigned revert_minutes; /* configure terminal revert timer N */
	struct eng_diag failed;	 /* the last refused commit: show configuration failed */
	const char *load_origin;
	struct eng_diag *load_diag;
};

/* Registration helpers (tree.c).  Handlers are stored as libcli callbacks
 * through a tiny trampoline table so the tree stays libcli's. */
struct cli_command *cmd_node(struct cli_def *cli, struct cli_command *parent, const char *word,
			     int mode, bool admin, const char *help);
struct cli_command *cmd_leaf(struct cli_def *cli, struct cli_command *parent, const char *word,
			     int mode, bool admin, const char *help, cmd_handler fn);
struct cli_optarg *
cmd_argpos(struct cli_command *c, const char *name, unsigned flags, const char *help,
	   int (*validator)(struct cli_def *, const char *, const char *),
	   int (*complete)(struct cli_def *, const char *, const char *, struct cli_comphelp *));
struct cli_optarg *
cmd_argnamed(struct cli_command *c, const char *name, unsigned flags, const char *help,
	     int (*validator)(struct cli_def *, const char *, const char *),
	     int (*complete)(struct cli_def *, const char *, const char *, struct cli_comphelp *));
struct cli_optarg *cmd_argflag(struct cli_command *c, const char *name, const char *help);
cmd_handler cmd_handler_of(const struct cli_command *c);
/* Marker callbacks of the `no` and `do` words (never called). */
int cmd_marker_no(struct cli_def *cli, const char *command, char *argv[], int argc);
int cmd_marker_do(struct cli_def *cli, const char *command, char *argv[], int argc);
int cmd_marker_default(struct cli_def *cli, const char *command, char *argv[], int argc);
void cmd_default_register(struct cli_def *cli);
/* Keyword values of an ARG_KEYWORDS argument, each with its help. */
void cmd_kw(struct cli_optarg *o, const char *keyword, const char *help);
/* The keyword `word` abbreviates (exact wins); NULL when none or several
 * (*count tells which). */
const char *cmd_kw_match(const struct cli_optarg *o, const char *word, int *count, char *buf,
			 size_t len);

/* The tree: each file registers its commands. */
void cmds_exec_register(struct cli_def *cli);
void cmds_config_register(struct cli_def *cli);
void cmds_crypto_register(struct cli_def *cli, struct cli_command *show, int mode);
void cmds_ios_register(struct cli_def *cli, struct cli_command *show, int mode);
void cmds_ping_register(struct cli_def *cli, int mode);
void cfg_ikev2_register(struct cli_def *cli);
void cfg_ikev1_register(struct cli_def *cli);
void cfg_ipsec_register(struct cli_def *cli);
void cfg_tunnel_register(struct cli_def *cli);
void cfg_trustpoint_register(struct cli_def *cli);
/* crypto key / crypto pki and their show commands (cfg_pki.c) */
void cmds_pki_register(struct cli_def *cli, struct cli_command *show_crypto, int mode);
void cmds_compat_register(struct cli_def *cli, struct cli_command *show,
			  struct cli_command *show_cfg, struct cli_command *term,
			  struct cli_command *configure);
/* Remember why a commit was refused (NULL: it went through). */
void cmd_failed_commit_set(struct cmd_sess *cs, const struct eng_diag *d);
void cfg_secret_register(struct cli_def *cli);
/* After show configuration changes and commit check (show_impact.c). */
void cmd_show_sa_impact(struct cmd_sess *cs);
void cmds_backup_register(struct cli_def *cli, struct cli_command *configure,
			  struct cli_command *copy);

/* Renderers: canonical text of one object (secrets in clear when
 * `secrets`).  Append to a growing buffer. */
struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void sb_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_adds(struct strbuf *b, const char *s);
char *sb_take(struct strbuf *b);

void cfg_global_render(struct strbuf *b, const struct eng_global *g);
void cfg_ikev2_render(struct strbuf *b, const struct eng_ikev2_policy *p);
void cfg_ikev1_render(struct strbuf *b, const struct eng_ikev1_policy *p);
void cfg_ipsec_render(struct strbuf *b, const struct eng_ipsec_policy *p);
void cfg_tunnel_render(struct strbuf *b, const struct eng_tunnel *t, bool secrets);
void cfg_trustpoint_render(struct strbuf *b, const struct eng_trustpoint *tp);
/* Write a word so that the tokenizer reads it back unchanged. */
void sb_addword(struct strbuf *b, const char *w);

/* A handler's return value that ends the session. */
#define CMD_QUIT_RC 1000

/* Output helpers for handlers. */
int cmd_out_raw(struct cmd_sess *cs, const char *line); /* past the filters */
int cmd_out(struct cmd_sess *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_err(struct cmd_sess *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print every line of text through the output (filters, pager). */
int cmd_out_text(struct cmd_sess *cs, const char *text);
/* Refusals, worded in errors.c only: "% Error: " and the message. */
void cmd_error(struct cmd_sess *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* CMD_E_DENIED; returns -EPERM. */
int cmd_denied(struct cmd_sess *cs);
/* Print each diag line as an error. */
void cmd_err_diag(struct cmd_sess *cs, const struct eng_diag *d);
/* An engine error as "% Error: what: strerror" */
int cmd_fail(struct cmd_sess *cs, int rc, const char *what);
/* A refused commit or commit check: "% Error: Failed to commit: ...",
 * then one line per violation. */
void cmd_error_commit(struct cmd_sess *cs, bool check_only, int rc, const struct eng_diag *d);

/* The sub-mode's object: load it from the candidate, store it back. */
int cmd_obj_load(struct cmd_sess *cs, void *obj);
int cmd_obj_store(struct cmd_sess *cs, void *obj);
void cmd_set_mode(struct cmd_sess *cs, enum cmd_mode m, const char *key);
int cmd_ensure_candidate(struct cmd_sess *cs);

/* Validators and completion sources (validate.c, completions/). */
int val_uint_range(const char *value, unsigned long lo, unsigned long hi, unsigned long *out);
int val_name(struct cli_def *cli, const char *name, const char *value);
int val_word(struct cli_def *cli, const char *name, const char *value);
int val_addr(struct cli_def *cli, const char *name, const char *value);
int val_prefix(struct cli_def *cli, const char *name, const char *value);
int val_secret(struct cli_def *cli, const char *name, const char *value);
int val_keyword(struct cli_def *cli, const char *name, const char *value);
int val_hostname(struct cli_def *cli, const char *name, const char *value);
int val_ifname(struct cli_def *cli, const char *name, const char *value);
int val_group(struct cli_def *cli, const char *name, const char *value);
int val_range(struct cli_def *cli, const char *name, const char *value);
int val_line(struct cli_def *cli, const char *name, const char *value);
int val_peer(struct cli_def *cli, const char *name, const char *value);
int val_hostname_word(struct cli_def *cli, const char *name, const char *value);

/* Completion sources (completions/complete.c), libcli get_completions. */
int comp_interfaces(struct cli_def *cli, const char *name, const char *word,
		    struct cli_comphelp *ch);
int comp_ikev2_ids(struct cli_def *cli, const char *name, const char *word,
		   struct cli_comphelp *ch);
int comp_ikev1_ids(struct cli_def *cli, const char *name, const char *word,
		   struct cli_comphelp *ch);
int comp_ike_ids(struct cli_def *cli, const char *name, const char *word, struct cli_comphelp *ch);
int comp_ipsec_names(struct cli_def *cli, const char *name, const char *word,
		     struct cli_comphelp *ch);
int comp_tunnel_names(struct cli_def *cli, const char *name, const char *word,
		      struct cli_comphelp *ch);
int comp_trustpoint_names(struct cli_def *cli, const char *name, const char *word,
			  struct cli_comphelp *ch);

/* A libcli validator may leave a precise reason here for the error line. */
void cmd_val_reason(struct cli_def *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Output filters (filters.c). */
int filters_push(struct cmd_sess *cs, const char *kind, const char *pattern, char *err,
		 size_t errlen);
int filters_line(struct cmd_sess *cs, const char *line);
void filters_finish(struct cmd_sess *cs);
/* The command failed: no JSON wrapper for what it printed. */
void filters_json_abandon(struct cmd_sess *cs);

/* Range-based validators are built from a table: name -> lo..hi. */
struct range_def {
	const char *name;
	unsigned long lo, hi;
};

#endif /* IKESH_CMD_INT_H */
