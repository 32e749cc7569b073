/*
 * shell.h - the terminal program: internals shared by the files of shell/.
 *
 * The shell owns the terminal (line editing, `?`, TAB, the --More--
 * pager, signals) and the script reader; every word of a line belongs to
 * the command layer (commands.h).
 */
#ifndef IKESH_SHELL_H
#define IKESH_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "commands.h"

struct shell {
	struct eng *eng;
	struct eng_sess *es;
	struct cmd_sess *cs;
	struct cmd_term term;
	struct cmd_io io;

	/* script runs */
	bool script;	    /* lines come from -c, -f or a pipe */
	bool check_only;    /* --check */
	const char *origin; /* "-c", the file name, "<stdin>" */
	unsigned lineno;
	unsigned errors; /* error lines printed for the current line */
	/* `write memory` / `copy` lines, run after the final commit so that
	 * they save what the script configured */
	struct deferred {
		char *line, *origin;
		unsigned lineno;
	} * deferred;
	size_t n_deferred;
	bool running_deferred;

	/* the pager (interactive only) */
	unsigned rows;	 /* rows written since the command started */
	bool stopped;	 /* q or Ctrl-C at --More--: the output ends */
	bool one_more;	 /* Enter at --More--: one line, then ask again */
	bool at_prompt;	 /* readline owns the screen (log lines redraw it) */
	bool echo_caret; /* print "^C" once when an interrupt stops output */
};

/* Signals, set by the handlers and consumed by the loops. */
extern volatile sig_atomic_t shell_sigint, shell_sigterm, shell_sigwinch;
/* Ctrl-C typed while the terminal makes it SIGINT (counted for the test
 * hook IKESH_TEST_READY: a key read all the same) */
extern volatile sig_atomic_t shell_tty_sigints;
void shell_signals_install(void);

/*
 * A script line to run: "" for a comment line (`!` or `#` first, after
 * blanks, as at the prompt), else the line itself, so `description ISP
 * #2` and `key abc#def` keep their `#`.  Trailing blanks are dropped too.
 * Writes into out (at least strlen(line) + 1 bytes).
 */
void shell_strip_comment(const char *line, char *out);

/*
 * Write one line for a person: a control character (from a peer's
 * identity, a log line, a configuration file...) is written as ^X, a C1
 * control (U+0080..U+009F) as ?, so nothing reaches the terminal as an
 * escape sequence.  Adds the newline.
 */
void shell_fput_safe(FILE *f, const char *s);

/*
 * Is the terminal at path tty (ttyname()) a console: /dev/console, a
 * virtual console /dev/ttyN, a serial or hypervisor console (ttyS, ttyAMA,
 * hvc...)?  As IOS's `logging console`, the session there is shown the
 * engine's log lines without `terminal monitor`; a pseudo-terminal (SSH,
 * a terminal window) is not a console.
 */
bool shell_is_console(const char *tty);

/*
 * Whether the session shows an asynchronous log line: only with `terminal
 * monitor` (on from the start on a console).  A line that starts with "%"
 * is this program's own notice about its session (the daemon connection
 * lost) and is always shown.
 */
bool shell_log_wanted(const struct shell *sh, const char *msg);

/* Run every line of a script; returns the exit status. */
int shell_script_line(struct shell *sh, const char *line);
int shell_script_stream(struct shell *sh, FILE *in, const char *origin);
int shell_script_finish(struct shell *sh, bool failed);
void shell_script_free(struct shell *sh);

/* The interactive loop on a terminal; returns the exit status. */
void shell_tty_io(struct shell *sh); /* fills sh->io: the pager, questions */
int shell_tty_run(struct shell *sh);
void shell_tty_log(struct shell *sh, enum eng_log_level level, const char *msg);

/* Engine log messages: printed above the prompt on a terminal. */
void shell_log(void *arg, enum eng_log_level level, const char *msg);

#endif /* IKESH_SHELL_H */
