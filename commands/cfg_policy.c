/*
 * cfg_policy.c - `crypto ikev2 policy`, `crypto ikev1 policy` and
 * `crypto ipsec policy`: their commands and their canonical text, side by
 * side so that what is written is exactly what is read back.
 */
#include <stddef.h>
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
    {"md5", "MD5 (legacy)", ENG_HASH_MD5},  {"sha1", "SHA-1", ENG_HASH_SHA1},
    {"sha256", "SHA-256", ENG_HASH_SHA256}, {"sha384", "SHA-384", ENG_HASH_SHA384},
    {"sha512", "SHA-512", ENG_HASH_SHA512}, {NULL, NULL, 0},
};

static const struct kwdef kw_group[] = {
    {"1", "768-bit MODP (insecure)", 1},
    {"2", "1024-bit MODP", 2},
    {"5", "1536-bit MODP", 5},
    {"14", "2048-bit MODP", 14},
    {"15", "3072-bit MODP", 15},
    {"16", "4096-bit MODP", 16},
    {"19", "256-bit random ECP", 19},
    {"20", "384-bit random ECP", 20},
    {"21", "521-bit random ECP", 21},
    {"31", "Curve25519", 31},
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
				cmd_error(cs, "%s is listed twice", args->a[i].value);
				return -1;
			}
		}
		if (*n >= ENG_LIST_MAX) {
			cmd_error(cs, "at most %d values", ENG_LIST_MAX);
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

static const struct kwdef kw_ike_auth[] = {
    {"pre-share", "Pre-shared key", ENG_IKEAUTH_PSK},
    {"rsa-sig", "RSA signatures (certificates)", ENG_IKEAUTH_RSA_SIG},
    {NULL, NULL, 0},
};

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

/* `pfs group N` in both the ipsec policy and the tunnel. */
const char pfs_help[] = "Perfect forward secrecy for child SAs";
static const char pfs_group_help[] = "Diffie-Hellman group of the PFS exchange";

void reg_pfs_group(struct cli_def *cli, struct cli_command *pfs, cmd_handler fn)
{
	struct cli_command *c;
	struct cli_optarg *o;

	c = cmd_leaf(cli, pfs, "group", pfs->mode, true, pfs_group_help, fn);
	o = cmd_argpos(c, "value", 0, "GROUP", val_keyword, NULL);
	add_kws(o, kw_group, ALL);
}

/*
 * The policy modes are tables: one row per setting, with its word and
 * help, its argument and the field it sets.  The same rows register the
 * commands, edit the policy and write its canonical text, in row order.
 */
enum pset_kind {
	PS_LIST,    /* uint8_t list of keywords, most preferred first, and its count */
	PS_KEYWORD, /* uint8_t: one keyword's value */
	PS_NUMBER,  /* uint32_t: a decimal number */
	PS_NODE,    /* a word that only groups the rows `under` it; `no WORD` clears them */
};

struct policy_setting {
	const char *under; /* the PS_NODE word this row sits under, or NULL */
	const char *word;
	const char *help;
	enum pset_kind kind;
	const char *arg; /* the argument's name and help */
	const char *arg_help;
	const struct kwdef *kw; /* PS_LIST, PS_KEYWORD: the words, those in mask offered */
	unsigned long mask;
	size_t off;   /* offsetof the field in the policy */
	size_t n_off; /* PS_LIST: offsetof its count */
	bool alias;   /* read, never written: another row writes the field */
	bool numeric; /* PS_KEYWORD: written as its number */
};

/* Rows of each kind (w: word, h: help, ah: argument help, k/m: keywords and mask, t/f: field) */
#define LIST(w, h, ah, k, m, t, f)                                                                 \
	{                                                                                          \
		.word = w, .help = h, .kind = PS_LIST, .arg = "algorithm", .arg_help = ah,         \
		.kw = k, .mask = m, .off = offsetof(t, f), .n_off = offsetof(t, n_##f)             \
	}
#define KEYWORD(u, w, h, ah, k, m, t, f)                                                           \
	{                                                                                          \
		.under = u, .word = w, .help = h, .kind = PS_KEYWORD, .arg = "value",              \
		.arg_help = ah, .kw = k, .mask = m, .off = offsetof(t, f)                          \
	}
#define NUMBER(u, w, h, a, ah, t, f)                                                               \
	{                                                                                          \
		.under = u, .word = w, .help = h, .kind = PS_NUMBER, .arg = a, .arg_help = ah,     \
		.off = offsetof(t, f)                                                              \
	}
#define NODE(w, h)                                                                                 \
	{                                                                                          \
		.word = w, .help = h, .kind = PS_NODE                                              \
	}

/* ---- crypto ikev2 policy ------------------------------------------ */

#define V2 struct eng_ikev2_policy
static const struct policy_setting ikev2_settings[] = {
    LIST("encryption", "Encryption algorithms, most preferred first", "ALGORITHM", kw_encr,
	 ENCR_IKEV2, V2, encr),
    LIST("integrity", "Integrity algorithms, most preferred first", "ALGORITHM", kw_hash, ALL, V2,
	 integ),
    /* an alias: read, and written as integrity */
    {.word = "hash",
     .help = "Same as integrity",
     .kind = PS_LIST,
     .arg = "algorithm",
     .arg_help = "ALGORITHM",
     .kw = kw_hash,
     .mask = ALL,
     .off = offsetof(V2, integ),
     .n_off = offsetof(V2, n_integ),
     .alias = true},
    LIST("prf", "Pseudo-random functions, most preferred first", "ALGORITHM", kw_hash, ALL, V2,
	 prf),
    LIST("group", "Diffie-Hellman groups, most preferred first", "GROUP", kw_group, ALL, V2, group),
    NUMBER(NULL, "lifetime", "IKE SA lifetime", "seconds", "<120-86400> Lifetime in seconds", V2,
	   lifetime),
};
#undef V2

/* ---- crypto ikev1 policy ------------------------------------------ */

#define V1 struct eng_ikev1_policy
static const struct policy_setting ikev1_settings[] = {
    KEYWORD(NULL, "encryption", "Encryption algorithm", "ALGORITHM", kw_encr, ENCR_IKEV1, V1, encr),
    KEYWORD(NULL, "hash", "Hash algorithm", "ALGORITHM", kw_hash, ALL, V1, hash),
    /* no Curve25519 in IKEv1; written as its number */
    {.word = "group",
     .help = "Diffie-Hellman group",
     .kind = PS_KEYWORD,
     .arg = "value",
     .arg_help = "GROUP",
     .kw = kw_group,
     .mask = ALL & ~(1UL << 9),
     .off = offsetof(V1, group),
     .numeric = true},
    KEYWORD(NULL, "authentication", "Authentication method", "METHOD", kw_ike_auth, ALL, V1, auth),
    NUMBER(NULL, "lifetime", "ISAKMP SA lifetime", "value", "<60-86400> Lifetime in seconds", V1,
	   lifetime),
};
#undef V1

/* ---- crypto ipsec policy ------------------------------------------ */

#define IP struct eng_ipsec_policy
static const struct policy_setting ipsec_settings[] = {
    KEYWORD(NULL, "protocol", "Security protocol", "PROTOCOL", kw_proto, ALL, IP, proto),
    LIST("encryption", "Encryption algorithms, most preferred first", "ALGORITHM", kw_encr,
	 ENCR_IPSEC, IP, encr),
    LIST("integrity", "Integrity algorithms, most preferred first", "ALGORITHM", kw_hash, ALL, IP,
	 integ),
    KEYWORD(NULL, "mode", "Encapsulation mode", "MODE", kw_mode, ALL, IP, mode),
    NODE("pfs", pfs_help),
    /* written as its number */
    {.under = "pfs",
     .word = "group",
     .help = pfs_group_help,
     .kind = PS_KEYWORD,
     .arg = "value",
     .arg_help = "GROUP",
     .kw = kw_group,
     .mask = ALL,
     .off = offsetof(IP, pfs_group),
     .numeric = true},
    NODE("lifetime", "Child SA lifetime"),
    NUMBER("lifetime", "seconds", "Lifetime in seconds", "value", "<120-86400> Seconds", IP,
	   lifetime_s),
    NUMBER("lifetime", "kilobytes", "Lifetime in kilobytes of traffic", "value",
	   "<2560-4294967295> Kilobytes", IP, lifetime_kb),
};
#undef IP

/* ---- The rows at work --------------------------------------------- */

struct policy_table {
	enum cmd_mode mode;
	const struct policy_setting *rows;
	size_t n;
};

static const struct policy_table policy_tables[] = {
    {MODE_IKEV2, ikev2_settings, sizeof(ikev2_settings) / sizeof(ikev2_settings[0])},
    {MODE_IKEV1, ikev1_settings, sizeof(ikev1_settings) / sizeof(ikev1_settings[0])},
    {MODE_IPSECP, ipsec_settings, sizeof(ipsec_settings) / sizeof(ipsec_settings[0])},
};

static const struct policy_table *table_of(enum cmd_mode mode)
{
	for (size_t i = 0; i < sizeof(policy_tables) / sizeof(policy_tables[0]); i++)
		if (policy_tables[i].mode == mode)
			return &policy_tables[i];
	return NULL;
}

static bool same_word(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The row of a resolved command: its word, and the word it sits under. */
static const struct policy_setting *row_of(const struct policy_table *t,
					   const struct cli_command *c)
{
	const char *under = c->parent ? c->parent->command : NULL;

	for (size_t i = 0; i < t->n; i++)
		if (same_word(t->rows[i].under, under) && !strcmp(t->rows[i].word, c->command))
			return &t->rows[i];
	return NULL;
}

static void row_clear(const struct policy_setting *s, uint8_t *obj)
{
	switch (s->kind) {
	case PS_LIST:
		obj[s->n_off] = 0;
		break;
	case PS_KEYWORD:
		obj[s->off] = 0;
		break;
	case PS_NUMBER:
		memset(obj + s->off, 0, sizeof(uint32_t));
		break;
	case PS_NODE:
		break;
	}
}

static int row_set(struct cmd_sess *cs, const struct policy_setting *s, uint8_t *obj,
		   const struct cmd_args *a)
{
	const char *v = cmd_arg_get(a, s->arg);
	uint32_t n;

	switch (s->kind) {
	case PS_LIST:
		return args_to_list(cs, a, s->arg, s->kw, obj + s->off, obj + s->n_off);
	case PS_KEYWORD:
		obj[s->off] = (uint8_t)kw_value(s->kw, v);
		return 0;
	case PS_NUMBER:
		n = (uint32_t)strtoul(v, NULL, 10);
		memcpy(obj + s->off, &n, sizeof(n));
		return 0;
	case PS_NODE:
		break;
	}
	/* only the `no` forms of a grouping word stand alone */
	cmd_err(cs, "%s", CMD_E_INCOMPLETE);
	return -1;
}

/* Every policy command: the candidate's policy, edited by its row, stored back. */
static int policy_set(struct cmd_sess *cs, const struct cmd_args *a)
{
	const struct policy_table *t = table_of(cs->mode);
	const struct policy_setting *s = t ? row_of(t, a->cmd) : NULL;
	enum eng_kind kind = cmd_mode_info(cs->mode)->kind;
	union {
		struct eng_ikev2_policy v2;
		struct eng_ikev1_policy v1;
		struct eng_ipsec_policy ip;
	} obj;
	uint8_t *p = (uint8_t *)&obj;

	if (!s)
		return -1; /* only the rows register this handler */
	if (cmd_obj_load(cs, &obj))
		return -1;
	if (!a->negate) {
		if (row_set(cs, s, p, a)) {
			eng_obj_clear(kind, &obj);
			return -1;
		}
	} else if (s->kind == PS_NODE) {
		for (size_t i = 0; i < t->n; i++)
			if (same_word(t->rows[i].under, s->word))
				row_clear(&t->rows[i], p);
	} else {
		row_clear(s, p);
	}
	return cmd_obj_store(cs, &obj);
}

static void register_rows(struct cli_def *cli, const struct policy_table *t)
{
	struct cli_command *node = NULL;

	for (size_t i = 0; i < t->n; i++) {
		const struct policy_setting *s = &t->rows[i];
		struct cli_command *parent = s->under ? node : NULL;
		struct cli_command *c =
		    cmd_leaf(cli, parent, s->word, t->mode, true, s->help, policy_set);
		struct cli_optarg *o;

		switch (s->kind) {
		case PS_LIST:
			arg_list(c, s->arg, s->arg_help, s->kw, s->mask);
			break;
		case PS_KEYWORD:
			o = cmd_argpos(c, s->arg, 0, s->arg_help, val_keyword, NULL);
			add_kws(o, s->kw, s->mask);
			break;
		case PS_NUMBER:
			cmd_argpos(c, s->arg, 0, s->arg_help, val_range, NULL);
			break;
		case PS_NODE:
			node = c;
			break;
		}
	}
}

static void render_rows(struct strbuf *b, const struct policy_table *t, const void *policy)
{
	const uint8_t *p = policy;

	for (size_t i = 0; i < t->n; i++) {
		const struct policy_setting *s = &t->rows[i];
		char word[64];
		uint32_t n;

		if (s->alias || s->kind == PS_NODE)
			continue;
		snprintf(word, sizeof(word), "%s%s%s", s->under ? s->under : "",
			 s->under ? " " : "", s->word);
		switch (s->kind) {
		case PS_LIST:
			render_list(b, word, s->kw, p + s->off, p[s->n_off]);
			break;
		case PS_KEYWORD:
			if (!p[s->off])
				break;
			if (s->numeric)
				sb_addf(b, " %s %u\n", word, p[s->off]);
			else
				sb_addf(b, " %s %s\n", word, kw_name(s->kw, p[s->off]));
			break;
		case PS_NUMBER:
			memcpy(&n, p + s->off, sizeof(n));
			if (n)
				sb_addf(b, " %s %u\n", word, n);
			break;
		case PS_NODE:
			break;
		}
	}
}

void cfg_ikev2_register(struct cli_def *cli)
{
	register_rows(cli, table_of(MODE_IKEV2));
}

void cfg_ikev1_register(struct cli_def *cli)
{
	register_rows(cli, table_of(MODE_IKEV1));
}

void cfg_ipsec_register(struct cli_def *cli)
{
	register_rows(cli, table_of(MODE_IPSECP));
}

void cfg_ikev2_render(struct strbuf *b, const struct eng_ikev2_policy *p)
{
	sb_addf(b, "crypto ikev2 policy %u\n", p->id);
	render_rows(b, table_of(MODE_IKEV2), p);
	sb_adds(b, "!\n");
}

void cfg_ikev1_render(struct strbuf *b, const struct eng_ikev1_policy *p)
{
	sb_addf(b, "crypto ikev1 policy %u\n", p->id);
	render_rows(b, table_of(MODE_IKEV1), p);
	sb_adds(b, "!\n");
}

void cfg_ipsec_render(struct strbuf *b, const struct eng_ipsec_policy *p)
{
	sb_addf(b, "crypto ipsec policy %s\n", p->name);
	render_rows(b, table_of(MODE_IPSECP), p);
	sb_adds(b, "!\n");
}
