/*
 * cfg_common.h - helpers shared by the configuration sub-modes.
 */
#ifndef IKESH_CFG_COMMON_H
#define IKESH_CFG_COMMON_H

#include <stdint.h>

#include "cmd_int.h"

/* A keyword, its help and the engine value it stands for. */
struct kwdef {
	const char *kw;
	const char *help;
	int value;
};

extern const struct kwdef kw_encr[];
extern const struct kwdef kw_hash[];
extern const struct kwdef kw_mode[];

void add_kws(struct cli_optarg *o, const struct kwdef *k, unsigned long mask);
int kw_value(const struct kwdef *k, const char *word);
const char *kw_name(const struct kwdef *k, int value);
int args_to_list(struct cmd_sess *cs, const struct cmd_args *args, const char *name,
		 const struct kwdef *k, uint8_t *list, uint8_t *n);
void render_list(struct strbuf *b, const char *cmd, const struct kwdef *k, const uint8_t *list,
		 uint8_t n);
struct cli_optarg *arg_list(struct cli_command *c, const char *name, const char *help,
			    const struct kwdef *k, unsigned long mask);
/* `pfs group N`: the help of `pfs`, and `group N` registered under a `pfs` leaf. */
extern const char pfs_help[];
void reg_pfs_group(struct cli_def *cli, struct cli_command *pfs, cmd_handler fn);

/* Secrets (cfg_secret.c): `SECRET`, `0 SECRET` or `6 SEALED` into *dst
 * (second is NULL for the one-word form); their text, sealed when the
 * engine handed them sealed (ENG_SEALED_MARK). */
int val_sealed(struct cli_def *cli, const char *name, const char *value);
int cfg_secret_set(struct cmd_sess *cs, char **dst, const char *first, const char *second);
void cfg_secret_write(struct strbuf *b, const char *s, bool secrets);

#endif
