/*
 * complete.c - dynamic completion sources, keyed by argument: interface
 * names from the system, policy ids and names from the configuration.
 * Each is a libcli get_completions callback.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_int.h"

static void add_prefixed(struct cli_comphelp *ch, const char *word, const char *s)
{
	if (!word || strncasecmp(s, word, strlen(word)) == 0)
		cli_add_comphelp_entry(ch, s);
}

int comp_interfaces(struct cli_def *cli, const char *name, const char *word,
		    struct cli_comphelp *ch)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;

	if (!d)
		return CLI_OK;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			add_prefixed(ch, word, e->d_name);
	closedir(d);
	return CLI_OK;
}

static int comp_keys(struct cli_def *cli, enum eng_kind kind, const char *word,
		     struct cli_comphelp *ch)
{
	struct cmd_sess *cs = cli_get_context(cli);
	struct eng_keys k = {0};
	enum eng_db db = eng_cand_active(cs->es) ? ENG_CANDIDATE : ENG_RUNNING;

	if (!cs->es || eng_keys(cs->es, db, kind, &k) < 0)
		return CLI_OK;
	for (size_t i = 0; i < k.n; i++)
		add_prefixed(ch, word, k.keys[i]);
	eng_keys_free(&k);
	return CLI_OK;
}

int comp_ikev2_ids(struct cli_def *cli, const char *name, const char *word, struct cli_comphelp *ch)
{
	return comp_keys(cli, ENG_OBJ_IKEV2, word, ch);
}

int comp_ikev1_ids(struct cli_def *cli, const char *name, const char *word, struct cli_comphelp *ch)
{
	return comp_keys(cli, ENG_OBJ_IKEV1, word, ch);
}

int comp_ike_ids(struct cli_def *cli, const char *name, const char *word, struct cli_comphelp *ch)
{
	comp_keys(cli, ENG_OBJ_IKEV2, word, ch);
	return comp_keys(cli, ENG_OBJ_IKEV1, word, ch);
}

int comp_ipsec_names(struct cli_def *cli, const char *name, const char *word,
		     struct cli_comphelp *ch)
{
	return comp_keys(cli, ENG_OBJ_IPSEC, word, ch);
}

int comp_tunnel_names(struct cli_def *cli, const char *name, const char *word,
		      struct cli_comphelp *ch)
{
	return comp_keys(cli, ENG_OBJ_TUNNEL, word, ch);
}

int comp_trustpoint_names(struct cli_def *cli, const char *name, const char *word,
			  struct cli_comphelp *ch)
{
	return comp_keys(cli, ENG_OBJ_TRUSTPOINT, word, ch);
}
