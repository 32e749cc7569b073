/*
 * cfg_secret.c - secrets in configuration text: `SECRET`, `0 SECRET` (in
 * clear) or `6 TEXT` (sealed by an engine, as `show running-config`
 * prints it), and `key config-key password-encrypt PASSPHRASE`, the key
 * sealed texts are made with (IOS's spelling; there it is an EXEC-time
 * setting kept outside the configuration, and so it is here).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_common.h"

/* A sealed text: base64url of at most ENG_SECRET_MAX + 16 bytes. */
#define SEALED_TEXT_MAX ((ENG_SECRET_MAX + 16 + 2) / 3 * 4)

int val_sealed(struct cli_def *cli, const char *name, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len > SEALED_TEXT_MAX) {
		cmd_val_reason(cli, "a sealed secret is 1 to %d characters", SEALED_TEXT_MAX);
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

int cfg_secret_set(struct cmd_sess *cs, char **dst, const char *first, const char *second)
{
	char *clear = NULL, *s;
	int rc;

	if (!second) {
		s = strdup(first);
		goto set;
	}
	if (!strcmp(first, "0")) {
		if (strlen(second) > ENG_SECRET_MAX) {
			cmd_err(cs, "%% a secret is 1 to %d characters", ENG_SECRET_MAX);
			return -EINVAL;
		}
		s = strdup(second);
		goto set;
	}
	if (strcmp(first, ENG_SEALED_TYPE) != 0) {
		/* never echo the words: one of them may be the secret */
		cmd_err(cs, "%% a secret with blanks is quoted; two words are a type, 0 (in clear) "
			    "or " ENG_SEALED_TYPE " (sealed), and the secret");
		return -EINVAL;
	}
	rc = eng_secret_unseal(cs->es, second, &clear);
	if (rc == -EBADMSG) {
		cmd_err(cs, "%% the sealed secret does not open with this device's config-key "
			    "(set the one it was sealed with: key config-key password-encrypt)");
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "sealed secret");
	s = clear;
set:
	if (!s)
		return -ENOMEM;
	eng_secret_free(*dst);
	*dst = s;
	return 0;
}

void cfg_secret_write(struct strbuf *b, const char *s, bool secrets)
{
	if (!secrets)
		sb_adds(b, "*****");
	else if (s && s[0] == ENG_SEALED_MARK)
		sb_addf(b, "%s %s", ENG_SEALED_TYPE, s + 1);
	else
		sb_addword(b, s ? s : "");
}

/* ---- key config-key password-encrypt PASSPHRASE -------------------------- */

static int cmd_config_key(struct cmd_sess *cs, const struct cmd_args *a)
{
	int rc;

	if (a->negate) {
		cmd_err(cs, "%% the config-key cannot be removed, only replaced: sealed secrets "
			    "need one");
		return -EINVAL;
	}
	rc = eng_config_key_set(cs->es, cmd_arg_get(a, "passphrase"));
	if (rc == -EINVAL) {
		cmd_err(cs, "%% a config-key passphrase is %d to %d characters", ENG_CONFIG_KEY_MIN,
			ENG_SECRET_MAX);
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "key config-key");
	return 0;
}

void cfg_secret_register(struct cli_def *cli)
{
	struct cli_command *c;

	c = cmd_node(cli, NULL, "key", MODE_CONFIG_, true, "Key management");
	c = cmd_node(cli, c, "config-key", MODE_CONFIG_, true,
		     "The key secrets are sealed with in show running-config");
	c = cmd_leaf(cli, c, "password-encrypt", MODE_CONFIG_, true,
		     "Derive it from a passphrase (the same on every device a backup moves to)",
		     cmd_config_key);
	cmd_argpos(c, "passphrase", ARG_SECRET, "STRING Passphrase, 8 characters or more",
		   val_secret, NULL);
}
