/*
 * filters.c - `| include RE`, `| exclude RE`, `| begin RE`, `| section RE`
 * and `| count` on a command's output, with POSIX extended expressions;
 * `| utility head [-n N]` (IOS XR's, sent by Ansible's iosxr plugin).
 * `| json`, first in the chain, turns the command's data into JSON.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"

enum filter_kind { F_INCLUDE, F_EXCLUDE, F_BEGIN, F_SECTION, F_COUNT, F_HEAD, F_JSON };

struct output_filter {
	enum filter_kind kind;
	regex_t re;
	bool begun; /* begin: the first match was seen */
	unsigned long count;
	/* section: the current block (header + indented lines) */
	char **block;
	size_t nblock;
	bool block_match;
	/* json: the handler wrote JSON itself (or failed): no wrapping */
	bool json_done;
	struct output_filter *next;
};

/* "head", "head -n N" or "head N": the number of lines to keep. */
static int head_lines(const char *pattern, unsigned long *n)
{
	char word[8], dash[4];
	unsigned long v = 10;
	int used = 0;

	if (sscanf(pattern, "%7s%n", word, &used) != 1 || strcasecmp(word, "head") != 0)
		return -1;
	pattern += used;
	if (sscanf(pattern, " %3s%n", dash, &used) == 1 && strcmp(dash, "-n") == 0)
		pattern += used;
	pattern += strspn(pattern, " \t");
	if (*pattern && (val_uint_range(pattern, 1, 100000, &v) < 0))
		return -1;
	*n = v;
	return 0;
}

int filters_push(struct cmd_sess *cs, const char *kind, const char *pattern, char *err,
		 size_t errlen)
{
	struct output_filter *f = calloc(1, sizeof(*f)), **tail;
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (strcmp(kind, "include") == 0)
		f->kind = F_INCLUDE;
	else if (strcmp(kind, "exclude") == 0)
		f->kind = F_EXCLUDE;
	else if (strcmp(kind, "begin") == 0)
		f->kind = F_BEGIN;
	else if (strcmp(kind, "section") == 0)
		f->kind = F_SECTION;
	else if (strcmp(kind, "json") == 0)
		f->kind = F_JSON;
	else if (strcmp(kind, "utility") == 0)
		f->kind = F_HEAD;
	else
		f->kind = F_COUNT;
	if (f->kind == F_HEAD && head_lines(pattern, &f->count) < 0) {
		snprintf(err, errlen, "utility: only `head [-n <1-100000>]` is supported");
		free(f);
		return -EINVAL;
	}
	if (f->kind != F_COUNT && f->kind != F_HEAD && f->kind != F_JSON) {
		rc = regcomp(&f->re, pattern, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			char msg[128];
			regerror(rc, &f->re, msg, sizeof(msg));
			snprintf(err, errlen, "Invalid regular expression \"%s\": %s", pattern,
				 msg);
			free(f);
			return -EINVAL;
		}
	}
	for (tail = &cs->filters; *tail; tail = &(*tail)->next)
		;
	*tail = f;
	return 0;
}

static bool matches(struct output_filter *f, const char *line)
{
	return regexec(&f->re, line, 0, NULL, 0) == 0;
}

static int pass_on(struct cmd_sess *cs, struct output_filter *f, const char *line);

static int section_flush(struct cmd_sess *cs, struct output_filter *f)
{
	int rc = 0;

	for (size_t i = 0; i < f->nblock; i++) {
		if (f->block_match && rc == 0)
			rc = pass_on(cs, f->next, f->block[i]);
		eng_secret_free(f->block[i]); /* show running-config secrets | section */
	}
	free(f->block);
	f->block = NULL;
	f->nblock = 0;
	f->block_match = false;
	return rc;
}

/* A section is a line that does not start with a blank, and the
 * indented lines below it; it is shown whole when any line matches. */
static int section_line(struct cmd_sess *cs, struct output_filter *f, const char *line)
{
	int rc = 0;
	char **v;

	if (line[0] != ' ' && line[0] != '\t')
		rc = section_flush(cs, f);
	v = realloc(f->block, (f->nblock + 1) * sizeof(*v));
	if (!v)
		return -1;
	f->block = v;
	f->block[f->nblock] = strdup(line);
	if (f->block[f->nblock])
		f->nblock++;
	if (matches(f, line))
		f->block_match = true;
	return rc;
}

/* json: a text line of a command without a JSON form, kept for the wrapper. */
static int json_keep(struct output_filter *f, const char *line)
{
	char **v;

	if (f->json_done)
		return 0;
	v = realloc(f->block, (f->nblock + 1) * sizeof(*v));
	if (!v)
		return -1;
	f->block = v;
	f->block[f->nblock] = strdup(line);
	if (!f->block[f->nblock])
		return -1;
	f->nblock++;
	return 0;
}

static int pass_on(struct cmd_sess *cs, struct output_filter *f, const char *line)
{
	if (!f)
		return cmd_out_raw(cs, line);
	switch (f->kind) {
	case F_INCLUDE:
		return matches(f, line) ? pass_on(cs, f->next, line) : 0;
	case F_EXCLUDE:
		return matches(f, line) ? 0 : pass_on(cs, f->next, line);
	case F_BEGIN:
		if (!f->begun && matches(f, line))
			f->begun = true;
		return f->begun ? pass_on(cs, f->next, line) : 0;
	case F_SECTION:
		return section_line(cs, f, line);
	case F_COUNT:
		f->count++;
		return 0;
	case F_HEAD:
		if (f->count == 0)
			return 0;
		f->count--;
		return pass_on(cs, f->next, line);
	case F_JSON:
		return json_keep(f, line);
	}
	return 0;
}

bool cmd_json(const struct cmd_sess *cs)
{
	return cs->filters && cs->filters->kind == F_JSON;
}

static void json_drop_lines(struct output_filter *f)
{
	for (size_t i = 0; i < f->nblock; i++)
		eng_secret_free(f->block[i]);
	free(f->block);
	f->block = NULL;
	f->nblock = 0;
}

/* Print JSON text through the stages after `| json`. */
static int json_pass(struct cmd_sess *cs, struct output_filter *f, char *text)
{
	char *line = text, *nl;
	int rc = 0;

	if (!text) {
		cmd_err(cs, "%% Out of memory writing JSON");
		return -1;
	}
	while (rc == 0 && *line) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		rc = pass_on(cs, f->next, line);
		if (!nl)
			break;
		line = nl + 1;
	}
	eng_secret_free(text); /* show running-config secrets | json */
	return rc < 0 ? -1 : 0;
}

int cmd_json_emit(struct cmd_sess *cs, struct json *j)
{
	struct output_filter *f = cs->filters;
	char *text = json_take(j);

	if (!f || f->kind != F_JSON) {
		eng_secret_free(text);
		return -EINVAL;
	}
	f->json_done = true;
	json_drop_lines(f);
	return json_pass(cs, f, text);
}

void filters_json_abandon(struct cmd_sess *cs)
{
	if (cmd_json(cs)) {
		cs->filters->json_done = true;
		json_drop_lines(cs->filters);
	}
}

/* A command without a JSON form: its text lines as {"lines": [...]}. */
static void json_wrap(struct cmd_sess *cs, struct output_filter *f)
{
	struct json j = {0};

	json_obj_open(&j, NULL);
	json_arr_open(&j, "lines");
	for (size_t i = 0; i < f->nblock; i++)
		json_str(&j, NULL, f->block[i]);
	json_arr_close(&j);
	json_obj_close(&j);
	json_drop_lines(f);
	f->json_done = true;
	json_pass(cs, f, json_take(&j));
}

int filters_line(struct cmd_sess *cs, const char *line)
{
	if (cs->out_stopped)
		return -1;
	return pass_on(cs, cs->filters, line) < 0 ? -1 : 0;
}

void filters_finish(struct cmd_sess *cs)
{
	struct output_filter *f = cs->filters;

	/* Flush in chain order so a later stage sees an earlier one's rest. */
	while (f) {
		struct output_filter *next = f->next;
		char buf[64];

		if (f->kind == F_SECTION)
			section_flush(cs, f);
		if (f->kind == F_JSON && !f->json_done)
			json_wrap(cs, f);
		if (f->kind == F_JSON)
			json_drop_lines(f);
		if (f->kind == F_COUNT) {
			snprintf(buf, sizeof(buf), "Number of lines which match regexp = %lu",
				 f->count);
			cs->filters = next; /* the count line itself is not filtered */
			pass_on(cs, next, buf);
		}
		if (f->kind != F_COUNT && f->kind != F_HEAD && f->kind != F_JSON)
			regfree(&f->re);
		cs->filters = next;
		free(f);
		f = next;
	}
	cs->filters = NULL;
}
