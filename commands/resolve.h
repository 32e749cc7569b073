/*
 * resolve.h - turning a typed line into a command of the tree.
 */
#ifndef IKESH_RESOLVE_H
#define IKESH_RESOLVE_H

#include "cmd_int.h"

#define WORDS_MAX 128

struct word {
	char *text; /* unquoted, unescaped */
	int start;  /* column of the first character in the line */
	int end;    /* column after the last character */
	bool pipe;  /* the `|` separator */
};

struct words {
	int n;
	struct word w[WORDS_MAX];
	const char *line;
	bool trailing_space; /* the line ends in blank (help/completion) */
	bool open_quote;     /* unbalanced quote */
	bool too_many;
};

int words_split(const char *line, struct words *out);
void words_free(struct words *w);

enum res_status {
	RES_OK = 0,
	RES_INVALID,   /* bad word at .bad */
	RES_AMBIGUOUS, /* ambiguous word at .bad */
	RES_INCOMPLETE,
	RES_EMPTY,
};

struct resolved {
	enum res_status status;
	int bad;		 /* word index of the error */
	char reason[200];	 /* why a value was refused, if known */
	struct cli_command *cmd; /* the command reached */
	enum cmd_mode mode;	 /* the mode it was found in */
	struct cmd_args args;
	int next; /* first word after the command's words */
	/* For help and completion: where the line's last word stands. */
	struct cli_command *level;     /* children list being matched, or NULL */
	bool in_args;		       /* matching the command's arguments */
	struct cli_optarg *want_value; /* a named arg's value is expected */
	unsigned long args_used;       /* named arguments already given */
	bool can_run;		       /* <cr> would run the command */
};

/*
 * Resolve words[from, to) in `mode`.  For help and completion (`partial`)
 * the last word may be incomplete and nothing is validated past it.
 */
void resolve_words(struct cmd_sess *cs, struct words *w, int from, int to, enum cmd_mode mode,
		   bool partial, struct resolved *r);
void resolved_free(struct resolved *r);

/* The current optarg while a validator runs (for range/keyword help). */
extern const struct cli_optarg *resolve_cur_opt;

/* Match `word` against the filter names; NULL + *ambiguous on failure. */
const char *resolve_filter(const char *word, bool *ambiguous);

#endif /* IKESH_RESOLVE_H */
