/*
 * tree.c - registering commands in libcli's tree.
 *
 * Handlers have our signature; libcli stores them in its callback slot
 * (converted through a generic function pointer and back, which C allows)
 * and never calls them: commands run through cmd_exec().
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd_int.h"

typedef int (*cli_cb)(struct cli_def *, const char *, char **, int);

int cmd_marker_no(struct cli_def *cli, const char *command, char *argv[], int argc)
{
	return CLI_ERROR;
}

int cmd_marker_do(struct cli_def *cli, const char *command, char *argv[], int argc)
{
	return CLI_ERROR;
}

int cmd_marker_default(struct cli_def *cli, const char *command, char *argv[], int argc)
{
	return CLI_ERROR;
}

/* `default SETTING` in every configuration mode: the setting back to its
 * default (for most settings what `no` does; see cmd_args.reset). */
void cmd_default_register(struct cli_def *cli)
{
	for (int mode = MODE_CONFIG_; mode < MODE_COUNT; mode++)
		cli_register_command(cli, NULL, "default", cmd_marker_default, PRIVILEGE_PRIVILEGED,
				     mode, "Set a command to its default");
}

struct cli_command *cmd_node(struct cli_def *cli, struct cli_command *parent, const char *word,
			     int mode, bool admin, const char *help)
{
	return cli_register_command(cli, parent, word, NULL,
				    admin ? PRIVILEGE_PRIVILEGED : PRIVILEGE_UNPRIVILEGED, mode,
				    help);
}

struct cli_command *cmd_leaf(struct cli_def *cli, struct cli_command *parent, const char *word,
			     int mode, bool admin, const char *help, cmd_handler fn)
{
	return cli_register_command(cli, parent, word, (cli_cb)(void (*)(void))fn,
				    admin ? PRIVILEGE_PRIVILEGED : PRIVILEGE_UNPRIVILEGED, mode,
				    help);
}

cmd_handler cmd_handler_of(const struct cli_command *c)
{
	if (!c->callback || c->callback == cmd_marker_no || c->callback == cmd_marker_do ||
	    c->callback == cmd_marker_default)
		return NULL;
	return (cmd_handler)(void (*)(void))c->callback;
}

static struct cli_optarg *
add_opt(struct cli_command *c, const char *name, int flags, const char *help,
	int (*validator)(struct cli_def *, const char *, const char *),
	int (*complete)(struct cli_def *, const char *, const char *, struct cli_comphelp *))
{
	return cli_register_optarg(c, name, flags, c->privilege, c->mode, help, complete, validator,
				   NULL);
}

struct cli_optarg *
cmd_argpos(struct cli_command *c, const char *name, unsigned flags, const char *help,
	   int (*validator)(struct cli_def *, const char *, const char *),
	   int (*complete)(struct cli_def *, const char *, const char *, struct cli_comphelp *))
{
	return add_opt(c, name, CLI_CMD_ARGUMENT | (int)flags, help, validator, complete);
}

struct cli_optarg *
cmd_argnamed(struct cli_command *c, const char *name, unsigned flags, const char *help,
	     int (*validator)(struct cli_def *, const char *, const char *),
	     int (*complete)(struct cli_def *, const char *, const char *, struct cli_comphelp *))
{
	return add_opt(c, name, CLI_CMD_OPTIONAL_ARGUMENT | (int)flags, help, validator, complete);
}

struct cli_optarg *cmd_argflag(struct cli_command *c, const char *name, const char *help)
{
	return add_opt(c, name, CLI_CMD_OPTIONAL_FLAG, help, NULL, NULL);
}

void cmd_kw(struct cli_optarg *o, const char *keyword, const char *help)
{
	cli_optarg_addhelp(o, keyword, help);
}

/*
 * Other spellings of our keywords, as IOS-XE and IOS write them (`crypto
 * ikev2 proposal`, transform sets, `hash sha`): accepted when typed in
 * full and stored, shown and written back as ours.
 */
static const struct {
	const char *alias, *ours;
} kw_aliases[] = {
    {"aes-cbc-128", "aes128"},
    {"aes-cbc-192", "aes192"},
    {"aes-cbc-256", "aes256"},
    {"aes-gcm-128", "aes128-gcm"},
    {"aes-gcm-256", "aes256-gcm"},
    {"esp-3des", "3des"},
    {"esp-des", "des"},
    {"esp-null", "null"},
    {"sha", "sha1"},
    {"esp-sha-hmac", "sha1"},
    {"esp-sha256-hmac", "sha256"},
    {"esp-sha384-hmac", "sha384"},
    {"esp-sha512-hmac", "sha512"},
    {"esp-md5-hmac", "md5"},
};

/* A keyword of o spelled exactly `word` (any case) into buf, or NULL. */
static const char *kw_exact(const struct cli_optarg *o, const char *word, char *buf, size_t len)
{
	const char *p = o->help ? strchr(o->help, '\v') : NULL;
	size_t wlen = strlen(word);

	while (p) {
		const char *kw = p + 1;
		const char *tab = strchr(kw, '\t');
		size_t kwlen = tab ? (size_t)(tab - kw) : strlen(kw);

		p = strchr(kw, '\v');
		if (kwlen == wlen && kwlen < len && strncasecmp(kw, word, wlen) == 0) {
			memcpy(buf, kw, kwlen);
			buf[kwlen] = '\0';
			return buf;
		}
	}
	return NULL;
}

/* The optarg's help is "text\vkw1\thelp1\vkw2\thelp2..." (libcli's format). */
const char *cmd_kw_match(const struct cli_optarg *o, const char *word, int *count, char *buf,
			 size_t len)
{
	const char *p = o->help ? strchr(o->help, '\v') : NULL;
	size_t wlen = strlen(word);
	const char *found = NULL;

	*count = 0;
	for (size_t i = 0; i < sizeof(kw_aliases) / sizeof(kw_aliases[0]); i++) {
		if (strcasecmp(kw_aliases[i].alias, word) != 0)
			continue;
		/* only where our word is one of this argument's keywords */
		found = kw_exact(o, kw_aliases[i].ours, buf, len);
		if (found) {
			*count = 1;
			return found;
		}
	}
	while (p) {
		const char *kw = p + 1;
		const char *tab = strchr(kw, '\t');
		size_t kwlen = tab ? (size_t)(tab - kw) : strlen(kw);

		p = strchr(kw, '\v');
		if (wlen > kwlen || strncasecmp(kw, word, wlen) != 0)
			continue;
		if (kwlen >= len)
			continue;
		/* numbers are never abbreviated: `group 3` is not group 31 */
		if (wlen < kwlen && isdigit((unsigned char)kw[0]))
			continue;
		if (wlen == kwlen) {
			memcpy(buf, kw, kwlen);
			buf[kwlen] = '\0';
			*count = 1;
			return buf;
		}
		if (!found) {
			memcpy(buf, kw, kwlen);
			buf[kwlen] = '\0';
			found = buf;
		}
		(*count)++;
	}
	return *count == 1 ? found : NULL;
}
