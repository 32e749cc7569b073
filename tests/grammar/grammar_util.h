/*
 * grammar_util.h - an engine and a command session on temporary
 * directories, with the output captured, for grammar tests and benchmarks.
 */
#ifndef IKESH_GRAMMAR_UTIL_H
#define IKESH_GRAMMAR_UTIL_H

#include <stdbool.h>

#include "commands.h"
#include "engine.h"

struct gsess {
	char dir[256];
	char state[300], run[300];
	struct eng *eng;
	struct eng_sess *es;
	struct cmd_sess *cs;
	struct cmd_term term;
	char *out; /* captured output lines, '\n' terminated */
	size_t out_len;
	char *err; /* captured error lines */
	size_t err_len;
	char *log; /* the engine's log and debug messages, "LEVEL msg" lines */
	size_t log_len;
	struct eng_diag open_diag;
};

/* dir == NULL: a fresh temporary directory. */
int gsess_open(struct gsess *g, const char *dir, enum eng_role role);
/* The same with the IKE runtime (rt NULL: configuration only). */
int gsess_open_rt(struct gsess *g, const char *dir, enum eng_role role,
		  const struct eng_runtime_opts *rt);
void gsess_close(struct gsess *g, bool remove_dir);
/* Run one line; returns the status.  Output accumulates until reset. */
enum cmd_status gs_run(struct gsess *g, const char *line, struct cmd_result *res);
/* Run lines separated by '\n', stopping at the first failure (returns its status). */
enum cmd_status gs_script(struct gsess *g, const char *text);
void gs_reset(struct gsess *g);
int write_file(const char *path, const char *text);
char *read_file(const char *path);

#endif
