/*
 * commands.h - the command tree as the shell sees it.
 *
 * One grammar: the interactive shell, script files, startup-config and
 * history all run lines through cmd_exec().  The shell owns the terminal
 * (line editing, the pager, the script reader); this layer owns words,
 * modes and handlers, and talks to the engine only through engine.h.
 */
#ifndef IKESH_COMMANDS_H
#define IKESH_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

/* Terminal settings the `terminal ...` commands change; owned by the shell. */
struct cmd_term {
	unsigned length;  /* lines per page, 0 = no paging */
	unsigned width;	  /* columns */
	bool interactive; /* a person at a TTY (prompts, pager, questions) */
	bool monitor;	  /* terminal monitor */
};

/* Where a command's output goes. */
struct cmd_io {
	/* One line of output, without the newline.  Returns -1 once the
	 * reader stopped the output (q at --More--, Ctrl-C): the command
	 * should stop producing more. */
	int (*out)(void *arg, const char *line);
	/* One line of error text ("% ..."), never filtered or paged. */
	void (*err)(void *arg, const char *line);
	/* Ask the person a question; the answer is written to buf.  Returns
	 * -1 when no one can answer (script, EOF). */
	int (*ask)(void *arg, const char *question, char *buf, size_t len);
	void *arg;
	struct cmd_term *term;
	/* `show history`: up to max lines typed in this session, oldest
	 * first, secrets already masked; NULL where there is none (scripts). */
	size_t (*history)(void *arg, const char **lines, size_t max);
	/* Ctrl-C was typed while the command runs (ping waits for replies);
	 * NULL: never. */
	bool (*interrupted)(void *arg);
	/* Ask for a secret (a passphrase): as ask, without echo.  NULL
	 * when no one can answer. */
	int (*ask_secret)(void *arg, const char *question, char *buf, size_t len);
};

/*
 * The words of refusals (errors.c, the shell's script reader): the syntax
 * families as IOS words them, and the prefix of every other refusal.
 */
#define CMD_E_PREFIX	 "% Error: "
#define CMD_E_INVALID	 "% Invalid input detected at '^' marker."
#define CMD_E_INCOMPLETE "% Incomplete command."
#define CMD_E_AMBIGUOUS	 "% Ambiguous command: "
#define CMD_E_DENIED	 CMD_E_PREFIX "Access denied"

enum cmd_status {
	CMD_OK = 0,
	CMD_FAILED,	/* the command ran and failed; it printed why via err */
	CMD_INVALID,	/* "% Invalid input detected at '^' marker." at column */
	CMD_AMBIGUOUS,	/* "% Ambiguous command: \"...\"" */
	CMD_INCOMPLETE, /* "% Incomplete command." */
	CMD_DENIED,	/* CMD_E_DENIED */
	CMD_QUIT,	/* the session ends (exit/logout at EXEC) */
};

struct cmd_result {
	enum cmd_status status;
	int column;    /* CMD_INVALID: 0-based column of the first bad word */
	char msg[512]; /* the one-line message for syntax errors, "% ..." */
};

struct cmd_sess;

int cmd_sess_new(struct eng_sess *es, const struct cmd_io *io, struct cmd_sess **out);
void cmd_sess_free(struct cmd_sess *cs);

/* Run one line in the current mode.  Output and handler errors go
 * through io; syntax errors are returned in res, not printed. */
void cmd_exec(struct cmd_sess *cs, const char *line, struct cmd_result *res);

/* The prompt for the current mode: "ikesh#", "ikesh(config-ipsec-tunnel)#". */
const char *cmd_prompt(struct cmd_sess *cs, char *buf, size_t len);

/* `?` typed after `line`: print the context help through io->out. */
void cmd_help(struct cmd_sess *cs, const char *line);

/* TAB: candidates for the last (possibly empty) word of `line`.
 * Release with cmd_completions_free(). */
struct cmd_completions {
	size_t n;
	char **words;
};
void cmd_complete(struct cmd_sess *cs, const char *line, struct cmd_completions *out);
void cmd_completions_free(struct cmd_completions *c);

/* A copy of `line` with every secret argument replaced by "*****", for
 * history.  malloc'd. */
char *cmd_mask_secrets(struct cmd_sess *cs, const char *line);

/* Mode queries and the keys that change mode. */
bool cmd_in_config(const struct cmd_sess *cs);
void cmd_end(struct cmd_sess *cs); /* Ctrl-Z and `end`: back to EXEC */

/* Script support: begin a candidate for the script's config lines, and
 * commit it at the end (all or nothing). */
int cmd_script_commit(struct cmd_sess *cs, bool check_only);

/* A header line of a saved configuration (`Building configuration...`,
 * `Current configuration : N bytes`): not a command, skipped on input. */
bool cmd_config_header(const char *line);

/* The grammar handed to the engine (eng_opts.codec). */
const struct eng_codec *cmd_codec(void);

#endif /* IKESH_COMMANDS_H */
