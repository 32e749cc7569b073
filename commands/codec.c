/*
 * codec.c - the grammar handed to the engine: canonical text of objects,
 * loading text through the command tree, masking secrets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

static char *codec_render(const struct eng_obj *obj, unsigned flags)
{
	struct strbuf b = {0};

	switch (obj->kind) {
	case ENG_OBJ_GLOBAL:
		cfg_global_render(&b, obj->u.global);
		break;
	case ENG_OBJ_IKEV1:
		cfg_ikev1_render(&b, obj->u.ikev1);
		break;
	case ENG_OBJ_IKEV2:
		cfg_ikev2_render(&b, obj->u.ikev2);
		break;
	case ENG_OBJ_IPSEC:
		cfg_ipsec_render(&b, obj->u.ipsec);
		break;
	case ENG_OBJ_TRUSTPOINT:
		cfg_trustpoint_render(&b, obj->u.trustpoint);
		break;
	case ENG_OBJ_TUNNEL:
		cfg_tunnel_render(&b, obj->u.tunnel, flags & ENG_TEXT_SECRETS);
		break;
	default:
		break;
	}
	return sb_take(&b);
}

void cfg_global_render(struct strbuf *b, const struct eng_global *g)
{
	bool any = false;

	if (g->hostname[0] && strcmp(g->hostname, ENG_DEFAULT_HOSTNAME) != 0) {
		sb_addf(b, "hostname %s\n", g->hostname);
		any = true;
	}
	if (g->exec_timeout_set) {
		sb_addf(b, "exec-timeout %u\n", (unsigned)g->exec_timeout);
		any = true;
	}
	if (any)
		sb_adds(b, "!\n");
}

static int quiet_out(void *arg, const char *line)
{
	return 0;
}

static void quiet_err(void *arg, const char *line)
{
}

static int no_answer(void *arg, const char *q, char *buf, size_t len)
{
	return -1;
}

/* A line of configuration text that is only a comment or blank. */
static bool skip_line(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '!' || *s == '#';
}

static int codec_load(struct eng_sess *es, const char *text, size_t len, const char *origin,
		      struct eng_diag *diag)
{
	struct cmd_io io = {.out = quiet_out, .err = quiet_err, .ask = no_answer};
	struct cmd_sess *cs;
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int rc, errors = 0;

	rc = cmd_sess_new(es, &io, &cs);
	if (rc)
		return rc;
	rc = cmd_ensure_candidate(cs);
	if (rc) {
		cmd_sess_free(cs);
		return rc;
	}
	cmd_set_mode(cs, MODE_CONFIG_, NULL);
	cs->script = true;
	while (p < end && errors == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, l);
		struct cmd_result res;
		struct eng_diag ld = {0};

		lineno++;
		p += l + (nl != NULL);
		if (!line) {
			rc = -ENOMEM;
			break;
		}
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		if (skip_line(line) || cmd_config_header(line)) {
			eng_secret_free(line);
			continue;
		}
		if (!strcmp(line + strspn(line, " \t"), "end")) {
			eng_secret_free(line); /* a saved configuration's last line */
			break;
		}
		cs->load_diag = &ld;
		cmd_exec(cs, line, &res);
		cs->load_diag = NULL;
		if (res.status != CMD_OK) {
			const char *msg = res.msg;
			char *nl2;
			errors++;
			if (res.status == CMD_FAILED && ld.n)
				msg = ld.lines[0];
			else if (res.status == CMD_FAILED)
				msg = CMD_E_PREFIX "the command failed";
			if (res.status == CMD_INVALID) {
				/* name the bad word: there is no screen to put a caret on */
				char *masked = cmd_mask_secrets(cs, line);
				const char *shown = masked ? masked : line;
				int col = res.column < (int)strlen(shown) ? res.column : 0;
				nl2 = strchr(res.msg, '\n');
				eng_diag_addf(diag,
					      "%s:%u: %% Invalid input detected at '%.*s'%s%s",
					      origin, lineno, (int)strcspn(shown + col, " \t"),
					      shown + col, nl2 ? ": " : "", nl2 ? nl2 + 3 : "");
				free(masked);
			} else if (res.status == CMD_QUIT) {
				eng_diag_addf(diag, "%s:%u: %snot a configuration command", origin,
					      lineno, CMD_E_PREFIX);
			} else {
				eng_diag_addf(diag, "%s:%u: %s", origin, lineno, msg);
			}
		}
		eng_diag_free(&ld);
		eng_secret_free(line); /* `authentication pre-share key ...` */
	}
	cmd_sess_free(cs);
	if (rc)
		return rc;
	return errors ? -EINVAL : 0;
}

static struct cmd_sess *mask_sess;

static char *codec_mask(const char *text)
{
	static const struct cmd_io io = {.out = quiet_out, .err = quiet_err, .ask = no_answer};
	struct strbuf b = {0};
	const char *p = text;

	if (!mask_sess && cmd_sess_new(NULL, &io, &mask_sess) < 0)
		return NULL;
	/* every line is tried where secrets live: the tunnel mode */
	cmd_set_mode(mask_sess, MODE_TUNNEL, NULL);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, l);
		char *m = NULL;

		if (line && strpbrk(line, "kp")) /* key, password */
			m = cmd_mask_secrets(mask_sess, line);
		sb_adds(&b, m ? m : (line ? line : ""));
		if (nl)
			sb_adds(&b, "\n");
		free(m);
		eng_secret_free(line);
		p += l + (nl != NULL);
	}
	return sb_take(&b);
}

static const struct eng_codec codec = {
    .render = codec_render,
    .load = codec_load,
    .mask = codec_mask,
};

const struct eng_codec *cmd_codec(void)
{
	return &codec;
}
