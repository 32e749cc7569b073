/*
 * resolve.c - words of a line -> a command of the tree and its arguments.
 *
 * Every word may be abbreviated to a unique prefix (`sh run`, `conf t`);
 * an exact match wins over longer words.  Errors carry the index of the
 * first bad word so the shell can put the caret under it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

const struct cli_optarg *resolve_cur_opt;

/* ---- Words ------------------------------------------------------------ */

static int word_push(struct words *w, const char *buf, size_t len, int start, int end, bool pipe)
{
	if (w->n >= WORDS_MAX) {
		w->too_many = true;
		return -E2BIG;
	}
	w->w[w->n].text = strndup(buf, len);
	if (!w->w[w->n].text)
		return -ENOMEM;
	w->w[w->n].start = start;
	w->w[w->n].end = end;
	w->w[w->n].pipe = pipe;
	w->n++;
	return 0;
}

/*
 * Split on blanks; "..." and '...' group blanks, a backslash takes the
 * next character literally, and `|` outside quotes, at the start or end
 * of a word, is a word of its own.
 */
int words_split(const char *line, struct words *w)
{
	size_t linelen = strlen(line);
	char *buf = malloc(linelen + 1);
	size_t len = 0;
	int start = -1;
	char quote = 0;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->line = line;
	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i <= linelen && rc == 0; i++) {
		char c = line[i];

		if (quote) {
			if (c == '\\' && quote == '"' && line[i + 1] != '\0') {
				buf[len++] = line[++i];
				continue;
			}
			if (c == '\0') {
				w->open_quote = true;
				rc = word_push(w, buf, len, start, (int)i, false);
				break;
			}
			if (c == quote)
				quote = 0;
			else
				buf[len++] = c;
			continue;
		}
		/* `|` inside a word, as in a regular expression `(sh|mo)`, is
		 * part of it; at the start or the end of a word it is a pipe */
		bool pipe = c == '|' && (start < 0 || line[i + 1] == '\0' ||
					 isspace((unsigned char)line[i + 1]));

		if (c == '\0' || isspace((unsigned char)c) || pipe) {
			if (start >= 0)
				rc = word_push(w, buf, len, start, (int)i, false);
			start = -1;
			len = 0;
			if (pipe && rc == 0)
				rc = word_push(w, "|", 1, (int)i, (int)i + 1, true);
			continue;
		}
		if (start < 0)
			start = (int)i;
		if (c == '"' || c == '\'') {
			quote = c;
			continue;
		}
		if (c == '\\' && line[i + 1] != '\0')
			c = line[++i];
		buf[len++] = c;
	}
	eng_wipe(buf, linelen + 1); /* a typed key among the words */
	free(buf);
	w->trailing_space =
	    linelen == 0 || isspace((unsigned char)line[linelen - 1]) || line[linelen - 1] == '|';
	return rc;
}

void words_free(struct words *w)
{
	for (int i = 0; i < w->n; i++)
		eng_secret_free(w->w[i].text);
	w->n = 0;
}

/* ---- Matching ------------------------------------------------------- */

static bool cmd_visible(const struct cli_command *c, enum cmd_mode mode)
{
	if (c->command_type != CLI_REGULAR_COMMAND)
		return false;
	if (c->mode != (int)mode && c->mode != MODE_ANY)
		return false;
	return c->callback || c->children;
}

/* Words an IOS user types meaning an IOS command of their own: never
 * taken as the abbreviation of a longer word (`ip` is not `ipsec`). */
static bool never_abbreviates(const char *word)
{
	static const char *const words[] = {"ip"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(words[i], word) == 0)
			return true;
	return false;
}

/* Commands that have no `no` form: `no end` is refused, not run as `end`. */
static bool negatable(const struct cli_command *c)
{
	static const char *const never[] = {"end",   "exit",	 "commit", "confirm",
					    "abort", "rollback", "show",   "do"};

	if (c->parent)
		return true;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strcmp(never[i], c->command) == 0)
			return false;
	return true;
}

/* Number of matches of word in list; *out = the match (exact wins). */
static int match_command(struct cli_command *list, const char *word, enum cmd_mode mode,
			 struct cli_command **out)
{
	size_t len = strlen(word);
	bool whole = never_abbreviates(word);
	int n = 0;

	*out = NULL;
	for (struct cli_command *c = list; c; c = c->next) {
		if (!cmd_visible(c, mode) || strncasecmp(c->command, word, len) != 0)
			continue;
		if (whole && strlen(c->command) != len)
			continue;
		if (strlen(c->command) == len) {
			*out = c;
			return 1;
		}
		*out = c;
		n++;
	}
	return n;
}

/* A command that runs in this form: some run only as `no WORD`. */
static bool runnable(const struct cli_command *c, bool negate)
{
	return c && c->callback && (negate || !(c->flags & CMD_NO_ONLY));
}

static bool opt_positional(const struct cli_optarg *o)
{
	return o->flags & CLI_CMD_ARGUMENT;
}

static bool opt_named(const struct cli_optarg *o)
{
	return o->flags & (CLI_CMD_OPTIONAL_ARGUMENT | CLI_CMD_OPTIONAL_FLAG);
}

static int opt_index(const struct cli_command *c, const struct cli_optarg *o)
{
	int i = 0;

	for (const struct cli_optarg *p = c->optargs; p; p = p->next, i++)
		if (p == o)
			return i;
	return -1;
}

/* Named arguments not used yet whose name starts with word. */
static int match_named(const struct cli_command *c, const char *word, unsigned long used,
		       struct cli_optarg **out)
{
	size_t len = strlen(word);
	int n = 0, i = 0;

	*out = NULL;
	for (struct cli_optarg *o = c->optargs; o; o = o->next, i++) {
		if (!opt_named(o) || (used & (1UL << i)))
			continue;
		if (strncasecmp(o->name, word, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			*out = o;
			return 1;
		}
		*out = o;
		n++;
	}
	return n;
}

static int args_add(struct cmd_args *a, const char *name, const char *value)
{
	if (a->n >= ARGS_MAX)
		return -E2BIG;
	a->a[a->n].word = a->cur_word;
	a->a[a->n].name = name;
	a->a[a->n].value = strdup(value);
	if (!a->a[a->n].value)
		return -ENOMEM;
	a->n++;
	return 0;
}

/* Keyword values are stored spelled out, whatever prefix was typed. */
static int args_add_opt(struct cmd_args *a, const struct cli_optarg *o, const char *value)
{
	char kw[64];
	int count;

	if (o->flags & ARG_KEYWORDS) {
		const char *full = cmd_kw_match(o, value, &count, kw, sizeof(kw));
		if (full)
			value = full;
	}
	return args_add(a, o->name, value);
}

/* Run the optarg's validator; the reason it leaves lands in r->reason. */
static bool value_ok(struct cmd_sess *cs, const struct cli_optarg *o, const char *value,
		     struct resolved *r)
{
	int rc;

	if (!o->validator)
		return true;
	resolve_cur_opt = o;
	r->reason[0] = '\0';
	cli_set_context(cs->cli, r);
	rc = o->validator(cs->cli, o->name, value);
	cli_set_context(cs->cli, cs);
	resolve_cur_opt = NULL;
	return rc == CLI_OK;
}

void cmd_val_reason(struct cli_def *cli, const char *fmt, ...)
{
	struct resolved *r = cli_get_context(cli);
	va_list ap;

	if (!resolve_cur_opt || !r)
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static void set_error(struct resolved *r, enum res_status st, int bad)
{
	r->status = st;
	r->bad = bad;
}

/* The rest of the line from word i, verbatim (for `description LINE`). */
static char *raw_rest(const struct words *w, int i, int to)
{
	const char *s = w->line + w->w[i].start;
	size_t len = to < w->n ? (size_t)(w->w[to].start - w->w[i].start) : strlen(s);

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	/* A value that was quoted as a whole is taken unquoted. */
	if (to - i == 1)
		return strdup(w->w[i].text);
	return strndup(s, len);
}

static bool args_complete(const struct cli_command *c, const struct cli_optarg *pos,
			  unsigned long used, bool negate)
{
	int i = 0;

	if (negate)
		return true;
	for (const struct cli_optarg *o = pos; o; o = o->next)
		if (opt_positional(o) && !(o->flags & ARG_OPTIONAL))
			return false;
	for (const struct cli_optarg *o = c->optargs; o; o = o->next, i++)
		if ((o->flags & ARG_REQUIRED) && !(used & (1UL << i)))
			return false;
	return true;
}

static void parse_args(struct cmd_sess *cs, struct words *w, int i, int to, int full,
		       struct resolved *r)
{
	struct cli_command *c = r->cmd;
	struct cli_optarg *pos = c->optargs;
	unsigned long used = 0;

	while (pos && !opt_positional(pos))
		pos = pos->next;
	r->in_args = true;
	while (i < full) {
		struct cli_optarg *o;
		const char *word = w->w[i].text;
		int n = match_named(c, word, used, &o);

		if (n > 1) {
			set_error(r, RES_AMBIGUOUS, i);
			return;
		}
		if (n == 1 &&
		    (!pos || strcasecmp(o->name, word) == 0 || !value_ok(cs, pos, word, r))) {
			used |= 1UL << opt_index(c, o);
			if (o->flags & CLI_CMD_OPTIONAL_FLAG) {
				r->args.cur_word = i;
				if (args_add(&r->args, o->name, o->name))
					goto toolong;
				i++;
				continue;
			}
			if (i + 1 >= full) {
				if (i + 1 == to && full < to) {
					/* its value is being typed */
					r->want_value = o;
					r->next = i + 1;
					r->status = RES_OK;
					return;
				}
				if (r->args.negate) {
					/* `no dpd interval`: the value may be left out */
					r->args.cur_word = i;
					if (args_add(&r->args, o->name, ""))
						goto toolong;
					i++;
					continue;
				}
				r->want_value = o;
				set_error(r, RES_INCOMPLETE, i);
				return;
			}
			if (!value_ok(cs, o, w->w[i + 1].text, r)) {
				set_error(r, RES_INVALID, i + 1);
				return;
			}
			r->args.cur_word = i + 1;
			if (args_add_opt(&r->args, o, w->w[i + 1].text))
				goto toolong;
			i += 2;
			continue;
		}
		if (!pos) {
			set_error(r, n == 0 ? RES_INVALID : RES_AMBIGUOUS, i);
			return;
		}
		if (pos->flags & ARG_LINE) {
			char *rest = raw_rest(w, i, full);

			if (!rest)
				goto toolong;
			if (!value_ok(cs, pos, rest, r)) {
				free(rest);
				set_error(r, RES_INVALID, i);
				return;
			}
			r->args.cur_word = i;
			int rc = args_add(&r->args, pos->name, rest);
			free(rest);
			if (rc)
				goto toolong;
			i = full;
			pos = NULL;
			break;
		}
		if (!value_ok(cs, pos, word, r)) {
			set_error(r, RES_INVALID, i);
			return;
		}
		r->args.cur_word = i;
		if (args_add_opt(&r->args, pos, word))
			goto toolong;
		i++;
		if (pos->flags & ARG_REPEAT)
			continue; /* the same argument takes the next word too */
		do
			pos = pos->next;
		while (pos && !opt_positional(pos));
	}
	/* A repeated argument that got at least one value is satisfied. */
	if (pos && (pos->flags & ARG_REPEAT) && cmd_arg_get(&r->args, pos->name)) {
		r->want_value = pos;
		pos = NULL;
	}
	r->next = i;
	if (full == to && !args_complete(c, pos, used, r->args.negate)) {
		set_error(r, RES_INCOMPLETE, i);
		return;
	}
	if (full < to) {
		/* context for help/completion of the last word */
		if (!r->want_value)
			r->want_value = pos;
		r->level = NULL;
		r->args_used = used;
		r->can_run = args_complete(c, pos, used, r->args.negate);
	}
	r->status = RES_OK;
	return;
toolong:
	set_error(r, RES_INVALID, i);
	snprintf(r->reason, sizeof(r->reason), "too many arguments");
}

void resolve_words(struct cmd_sess *cs, struct words *w, int from, int to, enum cmd_mode mode,
		   bool partial, struct resolved *r)
{
	struct cli_command *list = cs->cli->commands;
	int full = (partial && !w->trailing_space) ? to - 1 : to;
	int i = from;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->level = list;
	if (from >= to && !partial) {
		r->status = RES_EMPTY;
		return;
	}
	while (i < full) {
		struct cli_command *c;
		int n = match_command(list, w->w[i].text, mode, &c);

		if (n == 0) {
			if (r->cmd && r->cmd->optargs) {
				parse_args(cs, w, i, to, full, r);
				return;
			}
			set_error(r, RES_INVALID, i);
			return;
		}
		if (n > 1) {
			set_error(r, RES_AMBIGUOUS, i);
			return;
		}
		i++;
		if (c->callback == cmd_marker_no && !r->args.negate && !r->cmd) {
			r->args.negate = true;
			continue; /* `no X`: the same tree, negated */
		}
		if (c->callback == cmd_marker_default && !r->args.negate && !r->cmd) {
			r->args.negate = r->args.reset = true;
			continue; /* `default X`: as `no X`, to the default */
		}
		if (r->args.reset && !r->cmd && mode == MODE_CONFIG_ && !c->callback) {
			/* crypto ... policy, ipsec tunnel: objects, not settings */
			set_error(r, RES_INVALID, i - 1);
			snprintf(r->reason, sizeof(r->reason),
				 "default sets a setting back; `no %s ...` deletes an object",
				 c->command);
			return;
		}
		if (c->callback == cmd_marker_do && !r->cmd) {
			/* `do CMD`: the rest is an EXEC command */
			bool neg = r->args.negate;

			resolve_words(cs, w, i, to, MODE_EXEC_, partial, r);
			if (neg && r->status == RES_OK && r->cmd)
				set_error(r, RES_INVALID, from);
			return;
		}
		if (r->args.negate && !r->cmd && !negatable(c)) {
			set_error(r, RES_INVALID, i - 1);
			return;
		}
		r->cmd = c;
		list = c->children;
		r->level = list;
		if (!list) {
			if (c->optargs) {
				parse_args(cs, w, i, to, full, r);
				return;
			}
			if (i < full) {
				set_error(r, RES_INVALID, i);
				return;
			}
		}
	}
	r->next = i;
	if (full < to) {
		/* the last word is being typed: it is a command word here */
		r->can_run =
		    runnable(r->cmd, r->args.negate) && (!r->cmd->optargs || r->args.negate);
		if (r->cmd && r->cmd->optargs) {
			r->in_args = true;
			struct cli_optarg *pos = r->cmd->optargs;
			while (pos && !opt_positional(pos))
				pos = pos->next;
			r->want_value = pos;
			r->can_run = runnable(r->cmd, r->args.negate) &&
				     args_complete(r->cmd, pos, 0, r->args.negate);
		}
		r->status = RES_OK;
		return;
	}
	if (!r->cmd) {
		set_error(r, r->args.negate ? RES_INCOMPLETE : RES_EMPTY, i);
		return;
	}
	if (r->cmd->optargs) {
		parse_args(cs, w, i, to, full, r);
		return;
	}
	if (!runnable(r->cmd, r->args.negate)) {
		set_error(r, RES_INCOMPLETE, i);
		return;
	}
	r->status = RES_OK;
}

void resolved_free(struct resolved *r)
{
	for (int i = 0; i < r->args.n; i++)
		eng_secret_free(r->args.a[i].value);
	r->args.n = 0;
}

static const char *const filter_names[] = {"begin", "count",   "exclude", "include",
					   "json",  "section", "utility"};

const char *resolve_filter(const char *word, bool *ambiguous)
{
	const char *found = NULL;
	size_t len = strlen(word);
	int n = 0;

	*ambiguous = false;
	for (size_t i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++) {
		if (strncasecmp(filter_names[i], word, len) != 0)
			continue;
		if (strlen(filter_names[i]) == len)
			return filter_names[i];
		found = filter_names[i];
		n++;
	}
	if (n > 1) {
		*ambiguous = true;
		return NULL;
	}
	return found;
}

const char *cmd_arg_get(const struct cmd_args *args, const char *name)
{
	for (int i = 0; i < args->n; i++)
		if (strcmp(args->a[i].name, name) == 0)
			return args->a[i].value;
	return NULL;
}

int cmd_arg_count(const struct cmd_args *args, const char *name)
{
	int n = 0;

	for (int i = 0; i < args->n; i++)
		n += strcmp(args->a[i].name, name) == 0;
	return n;
}
