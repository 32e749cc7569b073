/*
 * exec.c - running a line: modes, privilege, filters, help, completion.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

static const struct cmd_mode_info modes[MODE_COUNT] = {
    [MODE_EXEC_] = {"", MODE_EXEC_, ENG_OBJ_GLOBAL},
    [MODE_CONFIG_] = {"(config)", MODE_EXEC_, ENG_OBJ_GLOBAL},
    [MODE_IKEV2] = {"(config-ikev2-policy)", MODE_CONFIG_, ENG_OBJ_IKEV2},
    [MODE_IKEV1] = {"(config-ikev1-policy)", MODE_CONFIG_, ENG_OBJ_IKEV1},
    [MODE_IPSECP] = {"(config-ipsec-policy)", MODE_CONFIG_, ENG_OBJ_IPSEC},
    [MODE_TUNNEL] = {"(config-ipsec-tunnel)", MODE_CONFIG_, ENG_OBJ_TUNNEL},
    [MODE_TRUSTPOINT] = {"(ca-trustpoint)", MODE_CONFIG_, ENG_OBJ_TRUSTPOINT},
};

const struct cmd_mode_info *cmd_mode_info(enum cmd_mode m)
{
	return &modes[m];
}

int cmd_sess_new(struct eng_sess *es, const struct cmd_io *io, struct cmd_sess **out)
{
	struct cmd_sess *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cs->cli = cli_init();
	if (!cs->cli) {
		free(cs);
		return -ENOMEM;
	}
	/* libcli's own commands (exit, enable, filters...) are not ours. */
	cli_unregister_all(cs->cli, NULL);
	cli_unregister_all_filters(cs->cli);
	cli_set_privilege(cs->cli, PRIVILEGE_PRIVILEGED);
	cli_set_context(cs->cli, cs);
	cs->es = es;
	cs->io = *io;
	cs->mode = MODE_EXEC_;
	cmds_exec_register(cs->cli);
	cmds_config_register(cs->cli);
	cmd_default_register(cs->cli);
	cfg_ikev2_register(cs->cli);
	cfg_ikev1_register(cs->cli);
	cfg_ipsec_register(cs->cli);
	cfg_tunnel_register(cs->cli);
	cfg_trustpoint_register(cs->cli);
	cfg_secret_register(cs->cli);
	*out = cs;
	return 0;
}

void cmd_sess_free(struct cmd_sess *cs)
{
	if (!cs)
		return;
	cli_done(cs->cli);
	eng_diag_free(&cs->failed);
	free(cs);
}

bool cmd_in_config(const struct cmd_sess *cs)
{
	return cs->mode != MODE_EXEC_;
}

void cmd_set_mode(struct cmd_sess *cs, enum cmd_mode m, const char *key)
{
	cs->mode = m;
	snprintf(cs->key, sizeof(cs->key), "%s", key ? key : "");
}

void cmd_end(struct cmd_sess *cs)
{
	cmd_set_mode(cs, MODE_EXEC_, NULL);
}

const char *cmd_prompt(struct cmd_sess *cs, char *buf, size_t len)
{
	struct eng_global g = {0};
	const char *host = ENG_DEFAULT_HOSTNAME;
	bool admin = eng_sess_role(cs->es) == ENG_ROLE_ADMIN;
	int width = cs->mode == MODE_EXEC_ ? 63 : 20; /* config prompts cut the name at 20 */

	if (eng_obj_get(cs->es, ENG_RUNNING, ENG_OBJ_GLOBAL, NULL, &g) == 0 && g.hostname[0])
		host = g.hostname;
	snprintf(buf, len, "%.*s%s%s", width, host, modes[cs->mode].tag, admin ? "#" : ">");
	eng_obj_clear(ENG_OBJ_GLOBAL, &g);
	return buf;
}

/* ---- Output ----------------------------------------------------------- */

int cmd_out(struct cmd_sess *cs, const char *fmt, ...)
{
	char stack[1024];
	char *line = stack;
	va_list ap;
	int n, rc;

	if (cs->out_stopped)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(stack, sizeof(stack), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(stack)) {
		va_start(ap, fmt);
		n = vasprintf(&line, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
	}
	rc = filters_line(cs, line);
	if (line != stack)
		eng_secret_free(line);
	return rc;
}

/* Called by the filter chain for lines that pass. */
int cmd_out_raw(struct cmd_sess *cs, const char *line)
{
	if (cs->out_stopped)
		return -1;
	if (cs->io.out(cs->io.arg, line) < 0) {
		cs->out_stopped = true;
		return -1;
	}
	return 0;
}

int cmd_out_text(struct cmd_sess *cs, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char stack[512];
		char *line = len < sizeof(stack) ? stack : malloc(len + 1);
		int rc;

		if (!line)
			return -1;
		memcpy(line, p, len);
		line[len] = '\0';
		rc = filters_line(cs, line);
		if (line != stack)
			eng_secret_free(line); /* show running-config secrets */
		if (rc < 0)
			return -1;
		p += len + (nl != NULL);
	}
	return 0;
}

void cmd_err(struct cmd_sess *cs, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (cs->load_diag) {
		eng_diag_addf(cs->load_diag, "%s", line);
		return;
	}
	cs->io.err(cs->io.arg, line);
}

int cmd_ensure_candidate(struct cmd_sess *cs)
{
	if (eng_cand_active(cs->es))
		return 0;
	return eng_cand_begin(cs->es);
}

int cmd_obj_load(struct cmd_sess *cs, void *obj)
{
	enum eng_kind kind = modes[cs->mode].kind;
	int rc = eng_obj_get(cs->es, ENG_CANDIDATE, kind, cs->key, obj);

	if (rc)
		return cmd_fail(cs, rc, cs->key);
	return 0;
}

int cmd_obj_store(struct cmd_sess *cs, void *obj)
{
	enum eng_kind kind = modes[cs->mode].kind;
	struct eng_diag d = {0};
	int rc = eng_obj_put(cs->es, kind, obj, &d);

	if (rc == -EINVAL && d.n)
		cmd_err_diag(cs, &d);
	else if (rc)
		cmd_fail(cs, rc, cs->key);
	eng_diag_free(&d);
	eng_obj_clear(kind, obj);
	return rc;
}

/* ---- Running a line --------------------------------------------------- */

static int first_pipe(const struct words *w, int from)
{
	for (int i = from; i < w->n; i++)
		if (w->w[i].pipe)
			return i;
	return w->n;
}

/*
 * Resolve in the current mode; a line that is not a command of a sub-mode
 * is tried in the modes above it (IOS moves there), and `show` works from
 * any configuration mode.
 */
static void resolve_in_modes(struct cmd_sess *cs, struct words *w, int to, bool partial,
			     struct resolved *r)
{
	struct resolved alt;
	enum cmd_mode m = cs->mode;

	resolve_words(cs, w, 0, to, m, partial, r);
	/* a line a sub-mode rejects at any word may belong to a parent mode
	 * ("ipsec tunnel B" after "ipsec tunnel A" in a file with no "exit");
	 * when no parent takes it, the sub-mode's error stands */
	while (r->status == RES_INVALID && m != MODE_EXEC_) {
		m = modes[m].parent;
		if (m == MODE_EXEC_) {
			/* only `show` is reachable from configuration modes */
			struct cli_command *c = NULL;
			for (c = cs->cli->commands; c; c = c->next)
				if (c->mode == MODE_EXEC && strcmp(c->command, "show") == 0)
					break;
			if (!c || to == 0 ||
			    strncasecmp("show", w->w[0].text, strlen(w->w[0].text)))
				return;
			if (w->w[0].text[0] == '\0')
				return;
		}
		resolve_words(cs, w, 0, to, m, partial, &alt);
		if (alt.status == RES_INVALID) {
			resolved_free(&alt);
			continue;
		}
		resolved_free(r);
		*r = alt;
		return;
	}
}

static void result_set(struct cmd_result *res, enum cmd_status st, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void result_set(struct cmd_result *res, enum cmd_status st, int column, const char *fmt, ...)
{
	va_list ap;

	res->status = st;
	res->column = column;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
}

static void result_from(const struct words *w, const struct resolved *r, struct cmd_result *res)
{
	int bad = r->bad < w->n ? r->bad : w->n - 1;

	switch (r->status) {
	case RES_INVALID:
		if (r->reason[0])
			result_set(res, CMD_INVALID, w->w[bad].start, "%s\n%% %s", CMD_E_INVALID,
				   r->reason);
		else
			result_set(res, CMD_INVALID, w->w[bad].start, "%s", CMD_E_INVALID);
		break;
	case RES_AMBIGUOUS:
		result_set(res, CMD_AMBIGUOUS, w->w[bad].start, "%s\"%.*s\"", CMD_E_AMBIGUOUS,
			   w->w[bad].end, w->line);
		break;
	case RES_INCOMPLETE:
		result_set(res, CMD_INCOMPLETE, 0, "%s", CMD_E_INCOMPLETE);
		break;
	default:
		result_set(res, CMD_OK, 0, "%s", "");
	}
}

/* `| json`: after a `show` command, before any text filter. */
static bool json_allowed(const struct words *w, int p, int main_end, const struct resolved *r,
			 struct cmd_result *res)
{
	const struct cli_command *root = r->cmd;

	while (root && root->parent)
		root = root->parent;
	if (!root || strcmp(root->command, "show") != 0) {
		result_set(res, CMD_INVALID, w->w[p + 1].start,
			   "%% Invalid input detected at '^' marker.\n"
			   "%% json follows show commands only");
		return false;
	}
	if (p != main_end) {
		result_set(res, CMD_INVALID, w->w[p + 1].start,
			   "%% Invalid input detected at '^' marker.\n"
			   "%% json comes first, before the text filters");
		return false;
	}
	return true;
}

/* Set up `| filter PATTERN` stages; returns false with res filled. */
static bool setup_filters(struct cmd_sess *cs, struct words *w, int p, const struct resolved *r,
			  struct cmd_result *res)
{
	int main_end = p;

	while (p < w->n) {
		int next = first_pipe(w, p + 1);
		bool amb;
		const char *kind;
		char err[200];
		const char *pattern = NULL;

		if (p + 1 >= next) {
			result_set(res, CMD_INCOMPLETE, 0, "%s", CMD_E_INCOMPLETE);
			return false;
		}
		kind = resolve_filter(w->w[p + 1].text, &amb);
		if (!kind) {
			if (amb)
				result_set(res, CMD_AMBIGUOUS, w->w[p + 1].start, "%s\"%.*s\"",
					   CMD_E_AMBIGUOUS, w->w[p + 1].end, w->line);
			else
				result_set(res, CMD_INVALID, w->w[p + 1].start, "%s",
					   CMD_E_INVALID);
			return false;
		}
		if (strcmp(kind, "json") == 0 && !json_allowed(w, p, main_end, r, res))
			return false;
		if (strcmp(kind, "count") == 0 || strcmp(kind, "json") == 0) {
			if (p + 2 < next) {
				result_set(res, CMD_INVALID, w->w[p + 2].start, "%s",
					   CMD_E_INVALID);
				return false;
			}
		} else if (p + 2 >= next) {
			result_set(res, CMD_INCOMPLETE, 0, "%s", CMD_E_INCOMPLETE);
			return false;
		}
		char *pat = NULL;
		if (p + 2 < next) {
			/* the pattern is the rest of the stage, as typed */
			int end = next < w->n ? w->w[next].start : (int)strlen(w->line);
			int start = w->w[p + 2].start;
			while (end > start && (w->line[end - 1] == ' ' || w->line[end - 1] == '\t'))
				end--;
			pat = next - (p + 2) == 1 ? strdup(w->w[p + 2].text)
						  : strndup(w->line + start, end - start);
			pattern = pat;
		}
		if (filters_push(cs, kind, pattern, err, sizeof(err)) < 0) {
			result_set(res, CMD_FAILED, 0, "%s%s", CMD_E_PREFIX, err);
			free(pat);
			return false;
		}
		free(pat);
		p = next;
	}
	return true;
}

void cmd_exec(struct cmd_sess *cs, const char *line, struct cmd_result *res)
{
	struct words w;
	struct resolved r;
	int main_end, rc;
	cmd_handler fn;

	memset(res, 0, sizeof(*res));
	/* "!" or "#" first starts a comment line, as in IOS configuration
	 * text; inside a line they are text */
	if (line[strspn(line, " \t")] == '!' || line[strspn(line, " \t")] == '#')
		return;
	if (words_split(line, &w) < 0) {
		result_set(res, CMD_INVALID, w.n ? w.w[w.n - 1].start : 0, "%s\n%% too many words",
			   CMD_E_INVALID);
		words_free(&w);
		return;
	}
	if (w.open_quote) {
		result_set(res, CMD_INVALID, w.w[w.n - 1].start, "%s\n%% unterminated quote",
			   CMD_E_INVALID);
		words_free(&w);
		return;
	}
	main_end = first_pipe(&w, 0);
	if (main_end == 0 && w.n == 0) {
		words_free(&w);
		return;
	}
	if (main_end == 0) {
		result_set(res, CMD_INVALID, w.w[0].start, "%s", CMD_E_INVALID);
		words_free(&w);
		return;
	}
	resolve_in_modes(cs, &w, main_end, false, &r);
	if (r.status != RES_OK) {
		result_from(&w, &r, res);
		goto done;
	}
	fn = cmd_handler_of(r.cmd);
	if (!fn) {
		result_set(res, CMD_INCOMPLETE, 0, "%s", CMD_E_INCOMPLETE);
		goto done;
	}
	if (r.cmd->privilege > PRIVILEGE_UNPRIVILEGED && eng_sess_role(cs->es) != ENG_ROLE_ADMIN) {
		result_set(res, CMD_DENIED, 0, "%s", CMD_E_DENIED);
		goto done;
	}
	if (!setup_filters(cs, &w, main_end, &r, res)) {
		filters_finish(cs);
		goto done;
	}
	/* A global command typed in a sub-mode moves to where it belongs. */
	if (r.mode != cs->mode && r.mode != MODE_EXEC_)
		cmd_set_mode(cs, r.mode, NULL);
	cs->out_stopped = false;
	r.args.cmd = r.cmd;
	rc = fn(cs, &r.args);
	if (rc != 0 && rc != CMD_QUIT_RC)
		filters_json_abandon(cs);
	filters_finish(cs);
	if (rc == CMD_QUIT_RC)
		res->status = CMD_QUIT;
	else if (rc != 0)
		res->status = CMD_FAILED;
done:
	resolved_free(&r);
	words_free(&w);
}

/* ---- Help and completion ---------------------------------------------- */

/*
 * After a blank the word being typed is empty: add it, so that the
 * resolver sees the same "last word is being typed" context as after a
 * partial word (`show ?` lists what `show r?` filters).
 */
static bool words_add_empty(struct words *w)
{
	size_t len = strlen(w->line);

	if (!w->trailing_space || w->n >= WORDS_MAX)
		return false;
	w->w[w->n].text = strdup("");
	if (!w->w[w->n].text)
		return false;
	w->w[w->n].start = (int)len;
	w->w[w->n].end = (int)len;
	w->w[w->n].pipe = false;
	w->n++;
	w->trailing_space = false;
	return true;
}

struct cand {
	char word[96];
	const char *help;
	size_t help_len;
};

struct cands {
	size_t n, cap;
	struct cand *v;
};

static void cands_add(struct cands *c, const char *word, size_t wlen, const char *help, size_t hlen)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct cand *v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return;
		c->v = v;
		c->cap = cap;
	}
	if (wlen >= sizeof(c->v[0].word))
		wlen = sizeof(c->v[0].word) - 1;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->v[i].word) == wlen && strncmp(c->v[i].word, word, wlen) == 0)
			return;
	memcpy(c->v[c->n].word, word, wlen);
	c->v[c->n].word[wlen] = '\0';
	c->v[c->n].help = help ? help : "";
	c->v[c->n].help_len = help ? hlen : 0;
	c->n++;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	/* IOS lists <values> and <cr> after the words */
	if ((x->word[0] == '<') != (y->word[0] == '<'))
		return x->word[0] == '<' ? 1 : -1;
	/* numbers in numeric order: `group ?` lists 1 2 5 14 ... */
	if (all_digits(x->word) && all_digits(y->word) && strlen(x->word) != strlen(y->word))
		return strlen(x->word) < strlen(y->word) ? -1 : 1;
	return strcmp(x->word, y->word);
}

/* Positional help is "TOKEN text"; keywords follow after '\v'. */
static void cands_from_opt(struct cmd_sess *cs, struct cands *c, const struct cli_optarg *o,
			   const char *prefix, bool values, bool tab)
{
	const char *help = o->help ? o->help : "";
	size_t plen = strlen(prefix);

	if (o->flags & ARG_KEYWORDS) {
		const char *p = strchr(help, '\v');
		while (p) {
			const char *kw = p + 1;
			const char *tab_ = strchr(kw, '\t');
			const char *end = strchr(kw, '\v');
			size_t kwlen = tab_ ? (size_t)(tab_ - kw) : strlen(kw);
			if (kwlen >= plen && strncasecmp(kw, prefix, plen) == 0)
				cands_add(c, kw, kwlen, tab_ ? tab_ + 1 : "",
					  tab_ ? (end ? (size_t)(end - tab_ - 1) : strlen(tab_ + 1))
					       : 0);
			p = end;
		}
		return;
	}
	if (tab && o->get_completions) {
		struct cli_comphelp ch = {0};
		o->get_completions(cs->cli, o->name, prefix, &ch);
		for (int i = 0; i < ch.num_entries; i++)
			if (strncasecmp(ch.entries[i], prefix, plen) == 0)
				cands_add(c, ch.entries[i], strlen(ch.entries[i]), NULL, 0);
		cli_free_comphelp(&ch);
		return;
	}
	if (values && !tab) {
		const char *sp = strchr(help, ' ');
		size_t tlen = sp ? (size_t)(sp - help) : strlen(help);
		const char *text = sp ? sp + 1 : "";
		while (*text == ' ')
			text++;
		const char *vt = strchr(text, '\v');
		cands_add(c, help, tlen, text, vt ? (size_t)(vt - text) : strlen(text));
	}
}

/* Candidates for the word being typed after the resolved context. */
static void collect(struct cmd_sess *cs, const struct resolved *r, const char *prefix,
		    struct cands *c, bool tab)
{
	size_t plen = strlen(prefix);

	if (r->want_value) {
		cands_from_opt(cs, c, r->want_value, prefix, true, tab);
		if (!(r->want_value->flags & CLI_CMD_ARGUMENT))
			return; /* a named argument's value must come next */
	}
	if (r->level) {
		for (struct cli_command *k = r->level; k; k = k->next) {
			if (k->command_type != CLI_REGULAR_COMMAND)
				continue;
			if (k->mode != (int)r->mode && k->mode != MODE_ANY)
				continue;
			if (!k->callback && !k->children)
				continue;
			if (strncasecmp(k->command, prefix, plen) != 0)
				continue;
			cands_add(c, k->command, strlen(k->command), k->help,
				  k->help ? strlen(k->help) : 0);
		}
	}
	if (r->in_args && r->cmd) {
		int i = 0;
		for (struct cli_optarg *o = r->cmd->optargs; o; o = o->next, i++) {
			if (!(o->flags & (CLI_CMD_OPTIONAL_ARGUMENT | CLI_CMD_OPTIONAL_FLAG)))
				continue;
			if (r->args_used & (1UL << i))
				continue;
			if (strncasecmp(o->name, prefix, plen) != 0)
				continue;
			const char *h = o->help ? o->help : "";
			const char *vt = strchr(h, '\v');
			cands_add(c, o->name, strlen(o->name), h,
				  vt ? (size_t)(vt - h) : strlen(h));
		}
	}
	if (!tab && !prefix[0] && r->can_run)
		cands_add(c, "<cr>", 4, "", 0);
}

static void help_filters(struct cmd_sess *cs, const char *prefix, bool partial)
{
	static const struct {
		const char *name, *help;
	} f[] = {
	    {"begin", "Begin with the line that matches"},
	    {"count", "Count number of lines"},
	    {"exclude", "Exclude lines that match"},
	    {"include", "Include lines that match"},
	    {"json", "The data as JSON (show commands)"},
	    {"section", "Filter a section of output"},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (strncasecmp(f[i].name, prefix, strlen(prefix)) != 0)
			continue;
		if (partial)
			cmd_out_raw(cs, f[i].name);
		else
			cmd_out(cs, "  %-10s %s", f[i].name, f[i].help);
	}
}

void cmd_help(struct cmd_sess *cs, const char *line)
{
	struct words w;
	struct resolved r;
	struct cands c = {0};
	int main_end;
	const char *prefix;
	bool partial;

	cs->out_stopped = false;
	if (words_split(line, &w) < 0 || w.open_quote) {
		cmd_out_raw(cs, "% Unrecognized command");
		words_free(&w);
		return;
	}
	partial = !w.trailing_space && w.n > 0;
	prefix = partial ? w.w[w.n - 1].text : "";
	main_end = first_pipe(&w, 0);
	if (main_end < w.n) {
		/* after a `|`: the filters, then their pattern */
		int last_pipe = main_end;
		for (int i = main_end; i < w.n; i++)
			if (w.w[i].pipe)
				last_pipe = i;
		int after = w.n - last_pipe - 1;
		bool amb;
		const char *kind =
		    after >= 1 ? resolve_filter(w.w[last_pipe + 1].text, &amb) : NULL;
		if (after == 0 || (after == 1 && partial))
			help_filters(cs, prefix, partial);
		else if (kind && (!strcmp(kind, "json") || !strcmp(kind, "count")))
			cmd_out(cs, "  <cr>");
		else
			cmd_out(cs, "  %-10s %s", "LINE", "Regular expression (POSIX extended)");
		words_free(&w);
		return;
	}
	words_add_empty(&w);
	resolve_in_modes(cs, &w, w.n, true, &r);
	if (r.status != RES_OK) {
		struct cmd_result res;
		result_from(&w, &r, &res);
		if (r.status == RES_INVALID)
			cmd_out_raw(cs, "% Unrecognized command");
		else
			cmd_out_raw(cs, res.msg);
		goto done;
	}
	collect(cs, &r, prefix, &c, false);
	if (c.n == 0) {
		cmd_out_raw(cs, "% Unrecognized command");
		goto done;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(c.v[0]), cand_cmp);
	if (partial) {
		/* IOS: the words that complete the prefix, on one line */
		struct strbuf b = {0};
		for (size_t i = 0; i < c.n; i++)
			if (c.v[i].word[0] != '<')
				sb_addf(&b, "%s  ", c.v[i].word);
		if (b.len == 0)
			for (size_t i = 0; i < c.n; i++)
				sb_addf(&b, "%s  ", c.v[i].word);
		char *s = sb_take(&b);
		if (s)
			cmd_out_raw(cs, s);
		free(s);
	} else {
		size_t width = 0;
		for (size_t i = 0; i < c.n; i++)
			if (strlen(c.v[i].word) > width)
				width = strlen(c.v[i].word);
		for (size_t i = 0; i < c.n; i++) {
			char buf[512];
			snprintf(buf, sizeof(buf), "  %-*s  %.*s", (int)width, c.v[i].word,
				 (int)c.v[i].help_len, c.v[i].help);
			size_t l = strlen(buf);
			while (l > 0 && buf[l - 1] == ' ')
				buf[--l] = '\0';
			if (cmd_out_raw(cs, buf) < 0)
				break;
		}
	}
done:
	free(c.v);
	resolved_free(&r);
	words_free(&w);
}

void cmd_complete(struct cmd_sess *cs, const char *line, struct cmd_completions *out)
{
	struct words w;
	struct resolved r;
	struct cands c = {0};
	const char *prefix;
	int main_end;

	memset(out, 0, sizeof(*out));
	if (words_split(line, &w) < 0 || w.open_quote) {
		words_free(&w);
		return;
	}
	prefix = (!w.trailing_space && w.n > 0) ? w.w[w.n - 1].text : "";
	main_end = first_pipe(&w, 0);
	if (main_end < w.n) {
		int last_pipe = main_end;
		for (int i = main_end; i < w.n; i++)
			if (w.w[i].pipe)
				last_pipe = i;
		int after = w.n - last_pipe - 1;
		if (after == 0 || (after == 1 && prefix[0])) {
			static const char *const f[] = {"begin",   "count", "exclude",
							"include", "json",  "section"};
			for (size_t i = 0; i < 6; i++)
				if (strncasecmp(f[i], prefix, strlen(prefix)) == 0)
					cands_add(&c, f[i], strlen(f[i]), NULL, 0);
		}
		goto fill;
	}
	words_add_empty(&w);
	resolve_in_modes(cs, &w, w.n, true, &r);
	if (r.status == RES_OK)
		collect(cs, &r, prefix, &c, true);
	resolved_free(&r);
fill:
	if (c.n) /* c.v is NULL without candidates */
		qsort(c.v, c.n, sizeof(c.v[0]), cand_cmp);
	out->words = calloc(c.n ? c.n : 1, sizeof(char *));
	for (size_t i = 0; out->words && i < c.n; i++) {
		if (c.v[i].word[0] == '<' || c.v[i].word[0] == '[')
			continue;
		out->words[out->n] = strdup(c.v[i].word);
		if (out->words[out->n])
			out->n++;
	}
	free(c.v);
	words_free(&w);
}

void cmd_completions_free(struct cmd_completions *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->words[i]);
	free(c->words);
	c->words = NULL;
	c->n = 0;
}

/* ---- Secrets ---------------------------------------------------------- */

static bool secretish(const char *word)
{
	static const char *const names[] = {"key", "password", "secret"};
	size_t len = strlen(word);

	if (len < 2)
		return false;
	for (size_t i = 0; i < 3; i++)
		if (strncasecmp(names[i], word, len) == 0)
			return true;
	return false;
}

char *cmd_mask_secrets(struct cmd_sess *cs, const char *line)
{
	struct words w;
	struct resolved r;
	bool mask[WORDS_MAX] = {false};
	struct strbuf b = {0};
	int pos = 0;

	if (words_split(line, &w) < 0) {
		words_free(&w);
		return strdup("*****");
	}
	int main_end = first_pipe(&w, 0);
	resolve_in_modes(cs, &w, main_end, false, &r);
	if (r.status == RES_OK && r.cmd) {
		for (int i = 0; i < r.args.n; i++) {
			for (struct cli_optarg *o = r.cmd->optargs; o; o = o->next)
				if (strcmp(o->name, r.args.a[i].name) == 0 &&
				    (o->flags & ARG_SECRET))
					mask[r.args.a[i].word] = true;
		}
	} else {
		/* Not a valid line: mask everything after a secret-ish word. */
		bool after = false;
		for (int i = 0; i < w.n; i++) {
			mask[i] = after;
			if (secretish(w.w[i].text))
				after = true;
		}
	}
	for (int i = 0; i < w.n; i++) {
		if (!mask[i])
			continue;
		sb_addf(&b, "%.*s*****", w.w[i].start - pos, line + pos);
		pos = w.w[i].end;
		/* a closing quote belongs to the masked word */
		while (line[pos] == '"' || line[pos] == '\'')
			pos++;
	}
	sb_adds(&b, line + pos);
	resolved_free(&r);
	words_free(&w);
	return sb_take(&b);
}
