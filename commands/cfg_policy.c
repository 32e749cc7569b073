/*
 * cfg_policy.c - `crypto ikev2 policy`, `crypto ikev1 policy` and
 * `crypto ipsec policy`: their commands and their canonical text, side by
 * side so that what is written is exactly what is read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_common.h"

/* ---- Keyword tables --------------------------------------------------- */

const struct kwdef kw_encr[] = {
	{"aes128", "AES-CBC with a 128-bit key", ENG_ENCR_AES128},
	{"aes192", "AES-CBC with a 192-bit key", ENG_ENCR_AES192},
	{"aes256", "AES-CBC with a 256-bit key", ENG_ENCR_AES256},
	{"aes128-gcm", "AES-GCM with a 128-bit key (AEAD)", ENG_ENCR_AES128_GCM},
	{"aes256-gcm", "AES-GCM with a 256-bit key (AEAD)", ENG_ENCR_AES256_GCM},
	{"chacha20-poly1305", "ChaCha20-Poly1305 (AEAD)", ENG_ENCR_CHACHA20_POLY1305},
	{"3des", "Triple DES (legacy)", ENG_ENCR_3DES},
	{"des", "DES (insecure, legacy)", ENG_ENCR_DES},
	{"null", "No encryption (integrity only)", ENG_ENCR_NULL},
	{NULL, NULL, 0},
};

const struct kwdef kw_hash[] = {
	{"md5", "MD5 (legacy)", ENG_HASH_MD5},
	{"sha1", "SHA-1", ENG_HASH_SHA1},
	{"sha256", "SHA-256", ENG_HASH_SHA256},
	{"sha384", "SHA-384", ENG_HASH_SHA384},
	{"sha512", "SHA-512", ENG_HASH_SHA512},
	{NULL, NULL, 0},
};

static const struct kwdef kw_group[] = {
	{"1", "768-bit MODP (insecure)", 1},    {"2", "1024-bit MODP", 2},
	{"5", "1536-bit MODP", 5},		{"14", "2048-bit MODP", 14},
	{"15", "3072-bit MODP", 15},		{"16", "4096-bit MODP", 16},
	{"19", "256-bit random ECP", 19},	{"20", "384-bit random ECP", 20},
	{"21", "521-bit random ECP", 21},	{"31", "Curve25519", 31},
	{NULL, NULL, 0},
};

void add_kws(struct cli_optarg *o, const struct kwdef *k, unsigned long mask)
{
	o->flags |= ARG_KEYWORDS;
	for (int i = 0; k[i].kw; i++)
		if (mask & (1UL << i))
			cmd_kw(o, k[i].kw, k[i].help);
}

int kw_value(const struct kwdef *k, const char *word)
{
	for (int i = 0; k[i].kw; i++)
		if (strcmp(k[i].kw, word) == 0)
			return k[i].value;
	return -1;
}

const char *kw_name(const struct kwdef *k, int value)
{
	for (int i = 0; k[i].kw; i++)
		if (k[i].value == value)
			return k[i].kw;
	return "?";
}

/* Every value of a repeated keyword argument, in the order typed. */
int args_to_list(struct cmd_sess *cs, const struct cmd_args *args, const char *name,
		 const struct kwdef *k, uint8_t *list, uint8_t *n)
{
	*n = 0;
	for (int i = 0; i < args->n; i++) {
		if (strcmp(args->a[i].name, name) != 0)
			continue;
		int v = kw_value(k, args->a[i].value);
		for (int j = 0; j < *n; j++) {
			if (list[j] == v) {
				cmd_err(cs, "%% %s is listed twice", args->a[i].value);
				return -1;
			}
		}
		if (*n >= ENG_LIST_MAX) {
			cmd_err(cs, "%% at most %d values", ENG_LIST_MAX);
			return -1;
		}
		list[(*n)++] = (uint8_t)v;
	}
	return 0;
}

void render_list(struct strbuf *b, const char *cmd, const struct kwdef *k, const uint8_t *list,
		 uint8_t n)
{
	if (n == 0)
		return;
	sb_addf(b, " %s", cmd);
	for (int i = 0; i < n; i++)
		sb_addf(b, " %s", kw_name(k, list[i]));
	sb_adds(b, "\n");
}

struct cli_optarg *arg_list(struct cli_command *c, const char *name, const char *help,
			    const struct kwdef *k, unsigned long mask)
{
	struct cli_optarg *o = cmd_argpos(c, name, ARG_REPEAT, help, val_keyword, NULL);
	add_kws(o, k, mask);
	return o;
}

#define ALL ~0UL
/* bit masks over kw_encr: which ciphers each policy kind offers */
#define ENCR_IKEV2 0x7fUL  /* aes128..3des */
#define ENCR_IKEV1 0xc7UL  /* aes128 aes192 aes256 3des des */
#define ENCR_IPSEC 0x17fUL /* ikev2 + null */

/* ---- crypto ikev2 policy ------------------------------------------ */

static int ikev2_list(struct cmd_sess *cs, const struct cmd_args *args)
{
	struct eng_ikev2_policy p;
	const char *what = args->cmd->command;
	uint8_t *list, *n;
	const struct kwdef *k = kw_hash;

	if (cmd_obj_load(cs, &p))
		return -1;
	if (strcmp(what, "encryption") == 0) {
		list = p.encr, n = &p.n_encr, k = kw_encr;
	} else if (strcmp(what, "prf") == 0) {
		list = p.prf, n = &p.n_prf;
	} else if (strcmp(what, "group") == 0) {
		list = p.group, n = &p.n_group, k = kw_group;
	} else {
		list = p.integ, n = &p.n_integ; /* integrity, hash */
	}
	if (args->negate)
		*n = 0;
	else if (args_to_list(cs, args, "algorithm", k, list, n)) {
		eng_obj_clear(ENG_OBJ_IKEV2, &p);
		return -1;
	}
	return cmd_obj_store(cs, &p);
}

static int ikev2_lifetime(struct cmd_sess *cs, const struct cmd_args *args)
{
	struct eng_ikev2_policy p;

	if (cmd_obj_load(cs, &p))
		return -1;
	p.lifetime = args->negate ? 0 : (uint32_t)strtoul(cmd_arg_get(args, "seconds"), NULL, 10);
	return cmd_obj_store(cs, &p);
}

void cfg_ikev2_register(struct cli_def *cli)
{
	struct cli_command *c;
	const int m = MODE_IKEV2;

	c = cmd_leaf(cli, NULL, "encryption", m, true, "Encryption algorithms, most preferred first",
		     ikev2_list);
	arg_list(c, "algorithm", "ALGORITHM", kw_encr, ENCR_IKEV2);
	c = cmd_leaf(cli, NULL, "integrity", m, true, "Integrity algorithms, most preferred first",
		     ikev2_list);
	arg_list(c, "algorithm", "ALGORITHM", kw_hash, ALL);
	c = cmd_leaf(cli, NULL, "hash", m, true, "Same as integrity", ikev2_list);
	arg_list(c, "algorithm", "ALGORITHM", kw_hash, ALL);
	c = cmd_leaf(cli, NULL, "prf", m, true, "Pseudo-random functions, most preferred first",
		     ikev2_list);
	arg_list(c, "algorithm", "ALGORITHM", kw_hash, ALL);
	c = cmd_leaf(cli, NULL, "group", m, true, "Diffie-Hellman groups, most preferred first",
		     ikev2_list);
	arg_list(c, "algorithm", "GROUP", kw_group, ALL);
	c = cmd_leaf(cli, NULL, "lifetime", m, true, "IKE SA lifetime", ikev2_lifetime);
	cmd_argpos(c, "seconds", 0, "<120-86400> Lifetime in seconds", val_range, NULL);
}

void cfg_ikev2_render(struct strbuf *b, const struct eng_ikev2_policy *p)
{
	sb_addf(b, "crypto ikev2 policy %u\n", p->id);
	render_list(b, "encryption", kw_encr, p->encr, p->n_encr);
	render_list(b, "integrity", kw_hash, p->integ, p->n_integ);
	render_list(b, "prf", kw_hash, p->prf, p->n_prf);
	render_list(b, "group", kw_group, p->group, p->n_group);
	if (p->lifetime)
		sb_addf(b, " lifetime %u\n", p->lifetime);
	sb_adds(b, "!\n");
}

/* ---- crypto ikev1 policy ------------------------------------------ */

static const struct kwdef kw_ike_auth[] = {
	{"pre-share", "Pre-shared key", ENG_IKEAUTH_PSK},
	{"rsa-sig", "RSA signatures (certificates)", ENG_IKEAUTH_RSA_SIG},
	{NULL, NULL, 0},
};

static int ikev1_set(struct cmd_sess *cs, const struct cmd_args *args)
{
	struct eng_ikev1_policy p;
	const char *what = args->cmd->command;
	const char *v = cmd_arg_get(args, "value");

	if (cmd_obj_load(cs, &p))
		return -1;
	if (strcmp(what, "encryption") == 0)
		p.encr = args->negate ? 0 : (uint8_t)kw_value(kw_encr, v);
	else if (strcmp(what, "hash") == 0)
		p.hash = args->negate ? 0 : (uint8_t)kw_value(kw_hash, v);
	else if (strcmp(what, "group") == 0)
		p.group = args->negate ? 0 : (uint8_t)kw_value(kw_group, v);
	else if (strcmp(what, "authentication") == 0)
		p.auth = args->negate ? 0 : (uint8_t)kw_value(kw_ike_auth, v);
	else
		p.lifetime = args->negate ? 0 : (uint32_t)strtoul(v, NULL, 10);
	return cmd_obj_store(cs, &p);
}

void cfg_ikev1_register(struct cli_def *cli)
{
	struct cli_command *c;
	struct cli_optarg *o;
	const int m = MODE_IKEV1;

	c = cmd_leaf(cli, NULL, "encryption", m, true, "Encryption algorithm", ikev1_set);
	o = cmd_argpos(c, "value", 0, "ALGORITHM", val_keyword, NULL);
	add_kws(o, kw_encr, ENCR_IKEV1);
	c = cmd_leaf(cli, NULL, "hash", m, true, "Hash algorithm", ikev1_set);
	o = cmd_argpos(c, "value", 0, "ALGORITHM", val_keyword, NULL);
	add_kws(o, kw_hash, ALL);
	c = cmd_leaf(cli, NULL, "group", m, true, "Diffie-Hellman group", ikev1_set);
	o = cmd_argpos(c, "value", 0, "GROUP", val_keyword, NULL);
	add_kws(o, kw_group, ALL & ~(1UL << 9)); /* no Curve25519 in IKEv1 */
	c = cmd_leaf(cli, NULL, "authentication", m, true, "Authentication method", ikev1_set);
	o = cmd_argpos(c, "value", 0, "METHOD", val_keyword, NULL);
	add_kws(o, kw_ike_auth, ALL);
	c = cmd_leaf(cli, NULL, "lifetime", m, true, "ISAKMP SA lifetime", ikev1_set);
	cmd_argpos(c, "value", 0, "<60-86400> Lifetime in seconds", val_range, NULL);
}

void cfg_ikev1_render(struct strbuf *b, const struct eng_ikev1_policy *p)
{
	sb_addf(b, "crypto ikev1 policy %u\n", p->id);
	if (p->encr)
		sb_addf(b, " encryption %s\n", kw_name(kw_encr, p->encr));
	if (p->hash)
		sb_addf(b, " hash %s\n", kw_name(kw_hash, p->hash));
	if (p->group)
		sb_addf(b, " group %u\n", p->group);
	if (p->auth)
		sb_addf(b, " authentication %s\n", kw_name(kw_ike_auth, p->auth));
	if (p->lifetime)
		sb_addf(b, " lifetime %u\n", p->lifetime);
	sb_adds(b, "!\n");
}

/* ---- crypto ipsec policy ------------------------------------------ */

static const struct kwdef kw_proto[] = {
	{"esp", "Encapsulating Security Payload", ENG_PROTO_ESP},
	{"ah", "Authentication Header", ENG_PROTO_AH},
	{NULL, NULL, 0},
};

const struct kwdef kw_mode[] = {
	{"tunnel", "Tunnel mode", ENG_MODE_TUNNEL},
	{"transport", "Transport mode", ENG_MODE_TRANSPORT},
	{NULL, NULL, 0},
};

static int ipsec_set(struct cmd_sess *cs, const struct cmd_args *args)
{
	struct eng_ipsec_policy p;
	const char *what = args->cmd->command;
	const char *v = cmd_arg_get(args, "value");
	int rc = 0;

	if (cmd_obj_load(cs, &p))
		return -1;
	if (strcmp(what, "protocol") == 0) {
		p.proto = args->negate ? 0 : (uint8_t)kw_value(kw_proto, v);
	} else if (strcmp(what, "encryption") == 0) {
		if (args->negate)
			p.n_encr = 0;
		else
			rc = args_to_list(cs, args, "algorithm", kw_encr, p.encr, &p.n_encr);
	} else if (strcmp(what, "integrity") == 0) {
		if (args->negate)
			p.n_integ = 0;
		else
			rc = args_to_list(cs, args, "algorithm", kw_hash, p.integ, &p.n_integ);
	} else if (strcmp(what, "mode") == 0) {
		p.mode = args->negate ? 0 : (uint8_t)kw_value(kw_mode, v);
	} else if (strcmp(what, "group") == 0) { /* pfs group N */
		p.pfs_group = args->negate ? 0 : (uint8_t)kw_value(kw_group, v);
	} else if (strcmp(what, "pfs") == 0 || strcmp(what, "lifetime") == 0) {
		/* only the `no` forms stand alone */
		if (!args->negate) {
			cmd_err(cs, "%% Incomplete command.");
			eng_obj_clear(ENG_OBJ_IPSEC, &p);
			return -1;
		}
		if (what[0] == 'p')
			p.pfs_group = 0;
		else
			p.lifetime_s = p.lifetime_kb = 0;
	} else if (strcmp(what, "seconds") == 0) {
		p.lifetime_s = args->negate ? 0 : (uint32_t)strtoul(v, NULL, 10);
	} else if (strcmp(what, "kilobytes") == 0) {
		p.lifetime_kb = args->negate ? 0 : (uint32_t)strtoul(v, NULL, 10);
	}
	if (rc) {
		eng_obj_clear(ENG_OBJ_IPSEC, &p);
		return -1;
	}
	return cmd_obj_store(cs, &p);
}

/* `pfs group N` in both the ipsec policy and the tunnel. */
const char pfs_help[] = "Perfect forward secrecy for child SAs";

void reg_pfs_group(struct cli_def *cli, struct cli_command *pfs, cmd_handler fn)
{
	struct cli_command *c;
	struct cli_optarg *o;

	c = cmd_leaf(cli, pfs, "group", pfs->mode, true, "Diffie-Hellman group of the PFS exchange",
		     fn);
	o = cmd_argpos(c, "value", 0, "GROUP", val_keyword, NULL);
	add_kws(o, kw_group, ALL);
}

struct cli_command *reg_pfs(struct cli_def *cli, int mode, cmd_handler fn)
{
	struct cli_command *pfs = cmd_leaf(cli, NULL, "pfs", mode, true, pfs_help, fn);

	reg_pfs_group(cli, pfs, fn);
	return pfs;
}

void cfg_ipsec_register(struct cli_def *cli)
{
	struct cli_command *c, *life;
	struct cli_optarg *o;
	const int m = MODE_IPSECP;

	c = cmd_leaf(cli, NULL, "protocol", m, true, "Security protocol", ipsec_set);
	o = cmd_argpos(c, "value", 0, "PROTOCOL", val_keyword, NULL);
	add_kws(o, kw_proto, ALL);
	c = cmd_leaf(cli, NULL, "encryption", m, true, "Encryption algorithms, most preferred first",
		     ipsec_set);
	arg_list(c, "algorithm", "ALGORITHM", kw_encr, ENCR_IPSEC);
	c = cmd_leaf(cli, NULL, "integrity", m, true, "Integrity algorithms, most preferred first",
		     ipsec_set);
	arg_list(c, "algorithm", "ALGORITHM", kw_hash, ALL);
	c = cmd_leaf(cli, NULL, "mode", m, true, "Encapsulation mode", ipsec_set);
	o = cmd_argpos(c, "value", 0, "MODE", val_keyword, NULL);
	add_kws(o, kw_mode, ALL);
	reg_pfs(cli, m, ipsec_set);
	life = cmd_leaf(cli, NULL, "lifetime", m, true, "Child SA lifetime", ipsec_set);
	c = cmd_leaf(cli, life, "seconds", m, true, "Lifetime in seconds", ipsec_set);
	cmd_argpos(c, "value", 0, "<120-86400> Seconds", val_range, NULL);
	c = cmd_leaf(cli, life, "kilobytes", m, true, "Lifetime in kilobytes of traffic",
		     ipsec_set);
	cmd_argpos(c, "value", 0, "<2560-4294967295> Kilobytes", val_range, NULL);
}

void cfg_ipsec_render(struct strbuf *b, const struct eng_ipsec_policy *p)
{
	sb_addf(b, "crypto ipsec policy %s\n", p->name);
	if (p->proto)
		sb_addf(b, " protocol %s\n", kw_name(kw_proto, p->proto));
	render_list(b, "encryption", kw_encr, p->encr, p->n_encr);
	render_list(b, "integrity", kw_hash, p->integ, p->n_integ);
	if (p->mode)
		sb_addf(b, " mode %s\n", kw_name(kw_mode, p->mode));
	if (p->pfs_group)
		sb_addf(b, " pfs group %u\n", p->pfs_group);
	if (p->lifetime_s)
		sb_addf(b, " lifetime seconds %u\n", p->lifetime_s);
	if (p->lifetime_kb)
		sb_addf(b, " lifetime kilobytes %u\n", p->lifetime_kb);
	sb_adds(b, "!\n");
}
