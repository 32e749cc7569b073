/*
 * validate.c - value checks run as words are typed.
 *
 * Each validator is a libcli validator: (cli, argument name, value) ->
 * CLI_OK or CLI_ERROR, leaving a precise reason for the error line.
 * Ranges come from the argument's own help token ("<120-86400> ..."), so
 * the number shown by `?` and the number checked cannot drift apart.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

int val_uint_range(const char *value, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)value[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v < lo || v > hi)
		return -ERANGE;
	if (out)
		*out = v;
	return 0;
}

/* "<lo-hi> text" -> lo, hi */
static bool help_range(const struct cli_optarg *o, unsigned long *lo, unsigned long *hi)
{
	return o && o->help && sscanf(o->help, "<%lu-%lu>", lo, hi) == 2;
}

int val_range(struct cli_def *cli, const char *name, const char *value)
{
	unsigned long lo, hi;
	int rc;

	if (!help_range(resolve_cur_opt, &lo, &hi))
		return CLI_ERROR;
	rc = val_uint_range(value, lo, hi, NULL);
	if (rc == -ERANGE)
		cmd_val_reason(cli, "%s is out of range %lu-%lu", value, lo, hi);
	else if (rc)
		cmd_val_reason(cli, "%s is not a number", value);
	return rc ? CLI_ERROR : CLI_OK;
}

int val_name(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len >= ENG_NAME_MAX) {
		cmd_val_reason(cli, "a name is 1 to %d characters", ENG_NAME_MAX - 1);
		return CLI_ERROR;
	}
	for (const char *p = value; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
			cmd_val_reason(cli, "a name may contain letters, digits, '-', '_' and '.'");
			return CLI_ERROR;
		}
	}
	return CLI_OK;
}

/* Any printable word (descriptions, identities, trustpoints). */
int val_word(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len > 255) {
		cmd_val_reason(cli, "the value is 1 to 255 characters");
		return CLI_ERROR;
	}
	for (const char *p = value; *p; p++) {
		if (!isprint((unsigned char)*p)) {
			cmd_val_reason(cli, "the value contains a control character");
			return CLI_ERROR;
		}
	}
	return CLI_OK;
}

int val_line(struct cli_def *cli, const char *name, const char *value)
{
	if (strlen(value) > ENG_DESC_MAX) {
		cmd_val_reason(cli, "a description is at most %d characters", ENG_DESC_MAX);
		return CLI_ERROR;
	}
	return val_word(cli, name, value);
}

int val_addr(struct cli_def *cli, const char *name, const char *value)
{
	struct eng_addr a;

	if (eng_addr_parse(value, &a) < 0) {
		cmd_val_reason(cli, "%s is not an IPv4 or IPv6 address", value);
		return CLI_ERROR;
	}
	return CLI_OK;
}

int val_prefix(struct cli_def *cli, const char *name, const char *value)
{
	struct eng_prefix p;

	if (eng_prefix_parse(value, &p) < 0) {
		if (!strchr(value, '/'))
			cmd_val_reason(cli, "%s is not a prefix (A.B.C.D/LEN or X:X::X/LEN)",
				       value);
		else
			cmd_val_reason(cli,
				       "%s is not a valid prefix: bad address, length, or "
				       "host bits set",
				       value);
		return CLI_ERROR;
	}
	return CLI_OK;
}

int val_secret(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len > ENG_SECRET_MAX) {
		cmd_val_reason(cli, "a secret is 1 to %d characters", ENG_SECRET_MAX);
		return CLI_ERROR;
	}
	if (strspn(value, "*") == len) {
		cmd_val_reason(cli, "\"%s\" is the mask shown in place of a secret, not a secret",
			       value);
		return CLI_ERROR;
	}
	for (const char *p = value; *p; p++) {
		if (!isprint((unsigned char)*p)) {
			cmd_val_reason(cli, "a secret contains printable characters only");
			return CLI_ERROR;
		}
	}
	return CLI_OK;
}

int val_keyword(struct cli_def *cli, const char *name, const char *value)
{
	char buf[64];
	int count;

	if (!resolve_cur_opt || cmd_kw_match(resolve_cur_opt, value, &count, buf, sizeof(buf)))
		return CLI_OK;
	if (count > 1)
		cmd_val_reason(cli, "\"%s\" is ambiguous", value);
	return CLI_ERROR;
}

/* RFC 1123 host name: labels of letters, digits and '-', dot separated. */
int val_hostname(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value), label = 0;

	if (len == 0 || len > ENG_DNSNAME_MAX)
		goto bad;
	for (const char *p = value; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			goto bad;
		if (label == 0 && *p == '-')
			goto bad;
		if (++label > 63)
			goto bad;
	}
	if (value[len - 1] == '-')
		goto bad;
	return CLI_OK;
bad:
	cmd_val_reason(cli, "%s is not a valid host name", value);
	return CLI_ERROR;
}

/* An address, or a host name that is not all digits and dots. */
int val_peer(struct cli_def *cli, const char *name, const char *value)
{
	struct eng_addr a;

	if (eng_addr_parse(value, &a) == 0)
		return CLI_OK;
	if (strspn(value, "0123456789.") == strlen(value) || strchr(value, ':')) {
		cmd_val_reason(cli, "%s is not a valid address", value);
		return CLI_ERROR;
	}
	return val_hostname(cli, name, value);
}

int val_ifname(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len >= ENG_IFNAME_MAX || strchr(value, '/') || value[0] == '.') {
		cmd_val_reason(cli, "%s is not a valid interface name (1-%d characters)", value,
			       ENG_IFNAME_MAX - 1);
		return CLI_ERROR;
	}
	for (const char *p = value; *p; p++) {
		if (!isgraph((unsigned char)*p)) {
			cmd_val_reason(cli, "%s is not a valid interface name", value);
			return CLI_ERROR;
		}
	}
	return CLI_OK;
}

int val_group(struct cli_def *cli, const char *name, const char *value)
{
	unsigned long g;

	if (val_uint_range(value, 1, 31, &g) == 0 && eng_group_valid((unsigned)g))
		return CLI_OK;
	cmd_val_reason(cli, "%s is not a supported DH group (1 2 5 14 15 16 19 20 21 31)", value);
	return CLI_ERROR;
}

int val_hostname_word(struct cli_def *cli, const char *name, const char *value)
{
	if (strlen(value) >= ENG_HOSTNAME_MAX) {
		cmd_val_reason(cli, "a host name is at most %d characters", ENG_HOSTNAME_MAX - 1);
		return CLI_ERROR;
	}
	return val_hostname(cli, name, value);
}
