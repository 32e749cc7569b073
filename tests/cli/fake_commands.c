/*
 * fake_commands.c - a small command layer and engine behind commands.h
 * and the few engine.h calls the shell makes, so that the terminal
 * mechanics (prompt, `?`, TAB, carets, pager, keys, questions, history,
 * timers, scripts) are tested on their own.
 *
 * Grammar (every word may be abbreviated):
 *   EXEC:   show version | show lines <1-100000> | show forever |
 *           show wide <1-1000> |
 *           show running-config | configure terminal |
 *           terminal length <0-512> | terminal width <0-512> |
 *           terminal monitor | fail | echo LINE | exit
 *   config: hostname WORD | tunnel NAME | commit | commit check |
 *           commit confirmed <1-60> (seconds here) | end | exit | show ...
 *   tunnel: key SECRET | description LINE | end | exit | commit | show ...
 * `hostname invalid` is refused at commit.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

/* ---- The fake engine ---------------------------------------------------- */

struct eng {
	char running[ENG_HOSTNAME_MAX];
	char before[ENG_HOSTNAME_MAX]; /* running before a confirmed commit */
	struct timespec deadline;      /* tv_sec 0: nothing pending */
	void (*log)(void *, enum eng_log_level, const char *);
	void *log_arg;
};

struct eng_sess {
	struct eng *eng;
	bool cand;
	char cand_host[ENG_HOSTNAME_MAX];
};

void eng_diag_addf(struct eng_diag *d, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;
	char **lines = realloc(d->lines, (d->n + 1) * sizeof(*lines));

	if (!lines)
		return;
	d->lines = lines;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) >= 0)
		d->lines[d->n++] = line;
	va_end(ap);
}

void eng_diag_free(struct eng_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->n = 0;
}

int eng_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag)
{
	struct eng *e = calloc(1, sizeof(*e));
	char path[4096], line[256], host[ENG_HOSTNAME_MAX] = "";
	unsigned lineno = 0;
	bool bad = false;
	FILE *f;

	if (!e)
		return -ENOMEM;
	e->log = opts->log;
	e->log_arg = opts->log_arg;
	snprintf(path, sizeof(path), "%s/startup-config", opts->state_dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char word[64];
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '!')
			continue;
		if (sscanf(line, "hostname %63s", word) == 1) {
			snprintf(host, sizeof(host), "%s", word);
			continue;
		}
		eng_diag_addf(diag, "startup-config:%u: %% Invalid input detected at '%.*s'",
			      lineno, (int)strcspn(line, " "), line);
		bad = true;
	}
	if (f)
		fclose(f);
	if (!bad)
		snprintf(e->running, sizeof(e->running), "%s", host);
	*out = e;
	return 0;
}

void eng_close(struct eng *eng)
{
	free(eng);
}

int eng_sess_open(struct eng *eng, const char *user, enum eng_role role, struct eng_sess **out)
{
	struct eng_sess *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->eng = eng;
	*out = s;
	return 0;
}

void eng_sess_close(struct eng_sess *sess)
{
	free(sess);
}

bool eng_cand_active(const struct eng_sess *sess)
{
	return sess->cand;
}

void eng_cand_discard(struct eng_sess *sess)
{
	sess->cand = false;
}

static long ms_left(const struct eng *e)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (e->deadline.tv_sec - now.tv_sec) * 1000 +
	       (e->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

/* The fake engine has no configuration: every setting at its default. */
int eng_obj_get(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		void *out)
{
	return -ENOENT;
}

void eng_obj_clear(enum eng_kind kind, void *obj)
{
}

/* The fake engine negotiates nothing: no sockets to poll. */
size_t eng_poll_fds(const struct eng *eng, int *fds, size_t max)
{
	return 0;
}

/* the console's `terminal monitor` at start: nothing to stream here */
int eng_sess_monitor(struct eng_sess *sess, bool on)
{
	return 0;
}

int eng_next_timeout_ms(const struct eng *eng)
{
	long ms;

	if (!eng->deadline.tv_sec)
		return -1;
	ms = ms_left(eng);
	return ms < 0 ? 0 : (int)ms;
}

void eng_tick(struct eng *eng)
{
	if (!eng->deadline.tv_sec || ms_left(eng) > 0)
		return;
	memset(&eng->deadline, 0, sizeof(eng->deadline));
	memcpy(eng->running, eng->before, sizeof(eng->running));
	if (eng->log)
		eng->log(eng->log_arg, ENG_LOG_WARNING,
			 "Confirmed commit timed out: the previous configuration is restored.");
}

/* ---- Commands ------------------------------------------------------------- */

enum { M_EXEC = 1, M_CONF = 2, M_TUN = 4, M_CFG = M_CONF | M_TUN, M_ALL = 7 };

struct cmd_sess {
	struct eng_sess *es;
	struct cmd_io io;
	int mode;
	char tunnel[ENG_NAME_MAX];
};

struct tok {
	const char *word; /* keyword, or an argument: <lo-hi>, WORD, NAME, SECRET, LINE */
	const char *help;
};

typedef int (*handler)(struct cmd_sess *, char **argv, int argc);

struct fcmd {
	int modes;
	struct tok t[4];
	handler fn;
};

static bool is_arg(const struct tok *t)
{
	return t->word[0] == '<' || isupper((unsigned char)t->word[0]);
}

static int out(struct cmd_sess *cs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int out(struct cmd_sess *cs, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return cs->io.out(cs->io.arg, line);
}

static const char *host(struct cmd_sess *cs)
{
	return cs->es->eng->running[0] ? cs->es->eng->running : "ikesh";
}

static int h_version(struct cmd_sess *cs, char **v, int n)
{
	return out(cs, "ikesh (fake command layer)") < 0 ? 0 : 0;
}

static int h_lines(struct cmd_sess *cs, char **v, int n)
{
	long count = strtol(v[n - 1], NULL, 10);

	for (long i = 1; i <= count; i++)
		if (out(cs, "line %ld", i) < 0)
			break;
	return 0;
}

/* Lines of 100 characters: two rows each on an 80-column terminal. */
static int h_wide(struct cmd_sess *cs, char **v, int n)
{
	long count = strtol(v[n - 1], NULL, 10);

	for (long i = 1; i <= count; i++)
		if (out(cs, "wide %-3ld%.*s", i, 92,
			"....................................................................."
			"...............................") < 0)
			break;
	return 0;
}

static int h_forever(struct cmd_sess *cs, char **v, int n)
{
	for (int i = 0; i < 100000; i++) {
		if (out(cs, "y") < 0)
			break;
		usleep(2000);
	}
	return 0;
}

static int h_run(struct cmd_sess *cs, char **v, int n)
{
	out(cs, "hostname %s", host(cs));
	return 0;
}

static int h_conf(struct cmd_sess *cs, char **v, int n)
{
	if (!cs->es->cand) {
		cs->es->cand = true;
		memcpy(cs->es->cand_host, cs->es->eng->running, sizeof(cs->es->cand_host));
	}
	cs->mode = M_CONF;
	return 0;
}

static int h_term(struct cmd_sess *cs, char **v, int n)
{
	if (!cs->io.term)
		return 0;
	if (!strncmp(v[1], "l", 1))
		cs->io.term->length = (unsigned)strtoul(v[2], NULL, 10);
	else if (!strncmp(v[1], "w", 1))
		cs->io.term->width = (unsigned)strtoul(v[2], NULL, 10);
	else
		cs->io.term->monitor = true;
	return 0;
}

static int h_echo(struct cmd_sess *cs, char **v, int n)
{
	char buf[512] = "";

	for (int i = 1; i < n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i > 1 ? " " : "",
			 v[i]);
	out(cs, "%s", buf);
	cs->io.err(cs->io.arg, buf);
	return 0;
}

static int h_quit(struct cmd_sess *cs, char **v, int n)
{
	return CMD_QUIT;
}

static int h_fail(struct cmd_sess *cs, char **v, int n)
{
	cs->io.err(cs->io.arg, "% the fake command failed");
	return -1;
}

static int h_hostname(struct cmd_sess *cs, char **v, int n)
{
	snprintf(cs->es->cand_host, sizeof(cs->es->cand_host), "%s", v[1]);
	return 0;
}

static int h_tunnel(struct cmd_sess *cs, char **v, int n)
{
	snprintf(cs->tunnel, sizeof(cs->tunnel), "%s", v[1]);
	cs->mode = M_TUN;
	return 0;
}

static int h_nothing(struct cmd_sess *cs, char **v, int n)
{
	return 0;
}

static bool dirty(const struct cmd_sess *cs)
{
	return cs->es->cand && strcmp(cs->es->cand_host, cs->es->eng->running) != 0;
}

static int commit(struct cmd_sess *cs, bool check, int confirm_s)
{
	struct eng *e = cs->es->eng;

	if (!strcmp(cs->es->cand_host, "invalid")) {
		cs->io.err(cs->io.arg, "% Commit failed: hostname 'invalid' is refused");
		return -EINVAL;
	}
	if (check) {
		out(cs, "Configuration is valid.");
		return 0;
	}
	if (confirm_s) {
		memcpy(e->before, e->running, sizeof(e->before));
		clock_gettime(CLOCK_MONOTONIC, &e->deadline);
		e->deadline.tv_sec += confirm_s;
		out(cs, "Commit applied; it reverts in %d seconds unless confirmed.", confirm_s);
	} else {
		memset(&e->deadline, 0, sizeof(e->deadline));
	}
	memcpy(e->running, cs->es->cand_host, sizeof(e->running));
	return 0;
}

static int h_commit(struct cmd_sess *cs, char **v, int n)
{
	if (n == 1)
		return commit(cs, false, 0);
	if (n == 2)
		return commit(cs, true, 0);
	return commit(cs, false, atoi(v[2]));
}

/* IOS XR: a person is asked; a script keeps the changes for its end. */
static int h_end(struct cmd_sess *cs, char **v, int n)
{
	char answer[16];

	if (!strncmp(v[0], "ex", 2) && cs->mode == M_TUN) {
		cs->mode = M_CONF;
		return 0;
	}
	while (dirty(cs) && cs->io.term && cs->io.term->interactive) {
		if (cs->io.ask(cs->io.arg,
			       "Uncommitted changes found, commit them before exiting "
			       "(yes/no/cancel)? [cancel]: ",
			       answer, sizeof(answer)) < 0 ||
		    !answer[0] || !strncasecmp(answer, "cancel", strlen(answer)))
			return 0;
		if (!strncasecmp(answer, "yes", strlen(answer))) {
			if (commit(cs, false, 0))
				return 0;
			break;
		}
		if (!strncasecmp(answer, "no", strlen(answer))) {
			cs->es->cand = false;
			break;
		}
	}
	if (cs->io.term && cs->io.term->interactive && !dirty(cs))
		cs->es->cand = false;
	cs->mode = M_EXEC;
	return 0;
}

static const struct fcmd cmds[] = {
    {M_ALL,
     {{"show", "Show running system information"}, {"version", "Software version"}},
     h_version},
    {M_ALL, {{"show", ""}, {"lines", "Numbered lines"}, {"<1-100000>", "How many"}}, h_lines},
    {M_ALL, {{"show", ""}, {"wide", "Lines of 100 characters"}, {"<1-1000>", "How many"}}, h_wide},
    {M_ALL, {{"show", ""}, {"forever", "Lines until stopped"}}, h_forever},
    {M_ALL, {{"show", ""}, {"running-config", "Current configuration"}}, h_run},
    {M_EXEC,
     {{"configure", "Enter configuration mode"}, {"terminal", "From the terminal"}},
     h_conf},
    {M_EXEC,
     {{"terminal", "Set terminal line parameters"},
      {"length", "Lines on a screen"},
      {"<0-512>", "Number of lines"}},
     h_term},
    {M_EXEC, {{"terminal", ""}, {"width", "Characters on a line"}, {"<0-512>", "Columns"}}, h_term},
    {M_EXEC, {{"terminal", ""}, {"monitor", "Copy log messages here"}}, h_term},
    {M_EXEC, {{"fail", "A command that fails"}}, h_fail},
    {M_EXEC, {{"echo", "Print the words, as output and as an error"}, {"LINE", "Text"}}, h_echo},
    {M_EXEC, {{"exit", "Leave the shell"}}, h_quit},
    {M_CONF, {{"hostname", "Set the system's name"}, {"WORD", "This system's name"}}, h_hostname},
    {M_CFG, {{"tunnel", "A tunnel (enters its mode)"}, {"NAME", "Tunnel name"}}, h_tunnel},
    {M_TUN, {{"key", "Pre-shared key"}, {"SECRET", "The key"}}, h_nothing},
    {M_TUN, {{"description", "Tunnel description"}, {"LINE", "Text"}}, h_nothing},
    {M_CFG, {{"commit", "Apply the candidate configuration"}}, h_commit},
    {M_CFG, {{"commit", ""}, {"check", "Validate only"}}, h_commit},
    {M_CFG,
     {{"commit", ""}, {"confirmed", "Revert unless confirmed"}, {"<1-60>", "Seconds"}},
     h_commit},
    {M_CFG, {{"end", "Leave configuration mode"}}, h_end},
    {M_CFG, {{"exit", "Leave this mode"}}, h_end},
};
#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char *const tunnel_names[] = {"BRANCH-1", "BRANCH-2", "HQ"};

/* ---- Words and resolution ---------------------------------------------- */

#define MAXW 32

struct words {
	int n;
	char *w[MAXW];
	int col[MAXW];
	bool trailing; /* the line ends in a blank */
};

static void split(const char *line, struct words *ws)
{
	int i = 0;

	memset(ws, 0, sizeof(*ws));
	while (line[i] && ws->n < MAXW) {
		int s;
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (!line[i])
			break;
		s = i;
		while (line[i] && line[i] != ' ' && line[i] != '\t')
			i++;
		ws->col[ws->n] = s;
		ws->w[ws->n++] = strndup(line + s, (size_t)(i - s));
	}
	ws->trailing = i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t';
}

static void words_free(struct words *ws)
{
	for (int i = 0; i < ws->n; i++)
		free(ws->w[i]);
}

static int ntok(const struct fcmd *c)
{
	int n = 0;

	while (n < 4 && c->t[n].word)
		n++;
	return n;
}

static bool arg_ok(const struct tok *t, const char *w)
{
	unsigned long lo, hi, v;
	char *end;

	if (t->word[0] != '<')
		return true;
	if (sscanf(t->word, "<%lu-%lu>", &lo, &hi) != 2)
		return false;
	v = strtoul(w, &end, 10);
	return *end == '\0' && isdigit((unsigned char)w[0]) && v >= lo && v <= hi;
}

enum { RS_OK, RS_INVALID, RS_AMBIGUOUS, RS_INCOMPLETE };

struct res {
	int status;
	int bad;	  /* word index */
	bool set[N_CMDS]; /* commands still matching */
	const struct fcmd *cmd;
};

/* Match words [0, upto) ; the commands left are in r->set. */
static void resolve(const struct cmd_sess *cs, const struct words *ws, int upto, struct res *r)
{
	memset(r, 0, sizeof(*r));
	for (size_t k = 0; k < N_CMDS; k++)
		r->set[k] = (cmds[k].modes & cs->mode) != 0;
	for (int i = 0; i < upto; i++) {
		const char *w = ws->w[i];
		const char *kw = NULL;
		bool exact = false, amb = false, any = false;

		for (size_t k = 0; k < N_CMDS; k++) {
			const struct tok *t;
			if (!r->set[k] || i >= ntok(&cmds[k]))
				continue;
			t = &cmds[k].t[i];
			if (is_arg(t) || strncasecmp(t->word, w, strlen(w)) != 0)
				continue;
			if (!strcasecmp(t->word, w)) {
				kw = t->word;
				exact = true;
			} else if (!exact && kw && strcmp(kw, t->word) != 0) {
				amb = true;
			} else if (!exact) {
				kw = t->word;
			}
		}
		if (amb && !exact) {
			r->status = RS_AMBIGUOUS;
			r->bad = i;
			return;
		}
		for (size_t k = 0; k < N_CMDS; k++) {
			const struct tok *t;
			if (!r->set[k])
				continue;
			if (i >= ntok(&cmds[k]) &&
			    !(ntok(&cmds[k]) > 0 &&
			      !strcmp(cmds[k].t[ntok(&cmds[k]) - 1].word, "LINE"))) {
				r->set[k] = false;
				continue;
			}
			if (i >= ntok(&cmds[k])) {
				any = true; /* inside LINE */
				continue;
			}
			t = &cmds[k].t[i];
			if (kw)
				r->set[k] = !is_arg(t) && !strcmp(t->word, kw);
			else
				r->set[k] = is_arg(t) && arg_ok(t, w);
			any |= r->set[k];
		}
		if (!any) {
			r->status = RS_INVALID;
			r->bad = i;
			return;
		}
	}
	for (size_t k = 0; k < N_CMDS; k++) {
		int nt = ntok(&cmds[k]);
		bool line = nt && !strcmp(cmds[k].t[nt - 1].word, "LINE");
		if (r->set[k] && (nt == upto || (line && upto >= nt))) {
			r->cmd = &cmds[k];
			return;
		}
	}
	r->status = RS_INCOMPLETE;
}

int cmd_sess_new(struct eng_sess *es, const struct cmd_io *io, struct cmd_sess **out_)
{
	struct cmd_sess *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return -ENOMEM;
	cs->es = es;
	cs->io = *io;
	cs->mode = M_EXEC;
	*out_ = cs;
	return 0;
}

void cmd_sess_free(struct cmd_sess *cs)
{
	free(cs);
}

void cmd_exec(struct cmd_sess *cs, const char *line, struct cmd_result *res)
{
	struct words ws;
	struct res r;
	int rc;

	memset(res, 0, sizeof(*res));
	split(line, &ws);
	if (ws.n == 0)
		goto done;
	resolve(cs, &ws, ws.n, &r);
	switch (r.status) {
	case RS_INVALID:
		res->status = CMD_INVALID;
		res->column = ws.col[r.bad];
		snprintf(res->msg, sizeof(res->msg), "%% Invalid input detected at '^' marker.");
		goto done;
	case RS_AMBIGUOUS:
		res->status = CMD_AMBIGUOUS;
		res->column = ws.col[r.bad];
		snprintf(res->msg, sizeof(res->msg), "%% Ambiguous command: \"%.*s\"",
			 ws.col[r.bad] + (int)strlen(ws.w[r.bad]), line);
		goto done;
	case RS_INCOMPLETE:
		res->status = CMD_INCOMPLETE;
		snprintf(res->msg, sizeof(res->msg), "%% Incomplete command.");
		goto done;
	}
	rc = r.cmd->fn(cs, ws.w, ws.n);
	if (rc == CMD_QUIT)
		res->status = CMD_QUIT;
	else if (rc)
		res->status = CMD_FAILED;
done:
	words_free(&ws);
}

const char *cmd_prompt(struct cmd_sess *cs, char *buf, size_t len)
{
	const char *tag = cs->mode == M_EXEC   ? ""
			  : cs->mode == M_CONF ? "(config)"
					       : "(config-tunnel)";

	snprintf(buf, len, "%s%s#", host(cs), tag);
	return buf;
}

/* The tokens that may come at word `pos` after the words before it. */
struct cands {
	size_t n;
	const struct tok *t[N_CMDS + 1];
	bool cr;
};

static void next_tokens(struct cmd_sess *cs, const struct words *ws, int pos, const char *prefix,
			struct res *r, struct cands *c)
{
	memset(c, 0, sizeof(*c));
	resolve(cs, ws, pos, r);
	if (r->status == RS_INVALID || r->status == RS_AMBIGUOUS)
		return;
	for (size_t k = 0; k < N_CMDS; k++) {
		const struct tok *t;
		bool dup = false;
		if (!r->set[k])
			continue;
		if (ntok(&cmds[k]) == pos) {
			c->cr = true;
			continue;
		}
		if (pos > ntok(&cmds[k]))
			continue;
		t = &cmds[k].t[pos];
		if (!is_arg(t) && strncasecmp(t->word, prefix, strlen(prefix)) != 0)
			continue;
		for (size_t j = 0; j < c->n; j++)
			dup |= !strcmp(c->t[j]->word, t->word);
		if (!dup)
			c->t[c->n++] = t;
	}
}

/* The help of a keyword: the first command that gives one. */
static const char *help_of(const struct cmd_sess *cs, const char *word, int pos)
{
	for (size_t k = 0; k < N_CMDS; k++)
		if ((cmds[k].modes & cs->mode) && pos < ntok(&cmds[k]) &&
		    !strcmp(cmds[k].t[pos].word, word) && cmds[k].t[pos].help[0])
			return cmds[k].t[pos].help;
	return "";
}

void cmd_help(struct cmd_sess *cs, const char *line)
{
	struct words ws;
	struct res r;
	struct cands c;
	int pos;
	const char *prefix;

	split(line, &ws);
	pos = ws.trailing ? ws.n : ws.n - 1;
	prefix = ws.trailing ? "" : ws.w[ws.n - 1];
	next_tokens(cs, &ws, pos, prefix, &r, &c);
	if (c.n == 0 && !(c.cr && ws.trailing)) {
		cs->io.out(cs->io.arg, "% Unrecognized command");
	} else if (!ws.trailing) {
		char buf[512] = "";
		for (size_t i = 0; i < c.n; i++)
			if (!is_arg(c.t[i]))
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s  ",
					 c.t[i]->word);
		cs->io.out(cs->io.arg, buf[0] ? buf : "% Unrecognized command");
	} else {
		for (size_t i = 0; i < c.n; i++) {
			char buf[256];
			snprintf(buf, sizeof(buf), "  %-16s %s", c.t[i]->word,
				 help_of(cs, c.t[i]->word, pos));
			if (cs->io.out(cs->io.arg, buf) < 0)
				goto done;
		}
		if (c.cr)
			cs->io.out(cs->io.arg, "  <cr>");
	}
done:
	words_free(&ws);
}

static void add_word(struct cmd_completions *out_, const char *w)
{
	char **v = realloc(out_->words, (out_->n + 1) * sizeof(*v));

	if (!v)
		return;
	out_->words = v;
	v[out_->n] = strdup(w);
	if (v[out_->n])
		out_->n++;
}

void cmd_complete(struct cmd_sess *cs, const char *line, struct cmd_completions *out_)
{
	struct words ws;
	struct res r;
	struct cands c;
	int pos;
	const char *prefix;

	memset(out_, 0, sizeof(*out_));
	split(line, &ws);
	pos = ws.trailing ? ws.n : ws.n - 1;
	prefix = ws.trailing ? "" : ws.w[ws.n - 1];
	next_tokens(cs, &ws, pos, prefix, &r, &c);
	for (size_t i = 0; i < c.n; i++) {
		if (!strcmp(c.t[i]->word, "NAME")) {
			for (size_t j = 0; j < 3; j++)
				if (!strncasecmp(tunnel_names[j], prefix, strlen(prefix)))
					add_word(out_, tunnel_names[j]);
		} else if (!is_arg(c.t[i])) {
			add_word(out_, c.t[i]->word);
		}
	}
	words_free(&ws);
}

void cmd_completions_free(struct cmd_completions *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->words[i]);
	free(c->words);
	c->words = NULL;
	c->n = 0;
}

char *cmd_mask_secrets(struct cmd_sess *cs, const char *line)
{
	struct words ws;
	struct res r;
	char *copy = strdup(line);

	split(line, &ws);
	if (!copy || ws.n < 2)
		goto done;
	resolve(cs, &ws, ws.n, &r);
	if (r.status == RS_OK && !strcmp(r.cmd->t[1].word, "SECRET")) {
		free(copy);
		if (asprintf(&copy, "%.*s*****", ws.col[1], line) < 0)
			copy = NULL;
	}
done:
	words_free(&ws);
	return copy;
}

bool cmd_in_config(const struct cmd_sess *cs)
{
	return cs->mode != M_EXEC;
}

/* The fake grammar prints no saved configurations to read back. */
bool cmd_config_header(const char *line)
{
	(void)line;
	return false;
}

void cmd_end(struct cmd_sess *cs)
{
	cs->mode = M_EXEC;
}

int cmd_script_commit(struct cmd_sess *cs, bool check_only)
{
	int rc = 0;

	if (dirty(cs))
		rc = commit(cs, check_only, 0);
	cs->es->cand = false;
	cs->mode = M_EXEC;
	return rc;
}

const struct eng_codec *cmd_codec(void)
{
	static const struct eng_codec codec = {0};

	return &codec;
}
