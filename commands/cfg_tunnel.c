/*
 * cfg_tunnel.c - `ipsec tunnel NAME`: its commands and canonical text.
 *
 * Each setting is one row of `settings[]` below: its word and help, the
 * arguments it takes (with their help), what the command sets, what its
 * `no` form clears, and the line it writes back.  The words are
 * registered and the lines written in the table's order, so a setting is
 * added or changed in one place and `show running-config` reads back as
 * typed.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_common.h"

static int str_set(char **dst, const char *v)
{
	char *s = v ? strdup(v) : NULL;

	if (v && !s)
		return -1;
	eng_secret_free(*dst); /* a key or password among them */
	*dst = s;
	return 0;
}

static unsigned long num(const char *v)
{
	return v ? strtoul(v, NULL, 10) : 0;
}

static const struct kwdef kw_negmode[] = {
    {"main", "Main mode", ENG_NEG_MAIN},
    {"aggressive", "Aggressive mode (identities in clear)", ENG_NEG_AGGRESSIVE},
    {NULL, NULL, 0},
};
static const struct kwdef kw_dpd[] = {
    {"restart", "Re-establish the tunnel", ENG_DPD_RESTART},
    {"clear", "Close the tunnel", ENG_DPD_CLEAR},
    {"hold", "Keep the policies and re-establish on traffic", ENG_DPD_HOLD},
    {NULL, NULL, 0},
};
static const struct kwdef kw_start[] = {
    {"auto", "Initiate at commit and keep up", ENG_START_AUTO},
    {"on-demand", "Initiate when traffic needs the tunnel", ENG_START_ON_DEMAND},
    {"responder-only", "Never initiate", ENG_START_RESPONDER},
    {NULL, NULL, 0},
};
static const struct kwdef kw_natt[] = {
    {"auto", "Encapsulate in UDP when a NAT is detected", ENG_NATT_AUTO},
    {"force", "Always encapsulate in UDP", ENG_NATT_FORCE},
    {"disable", "Never encapsulate in UDP", ENG_NATT_DISABLE},
    {NULL, NULL, 0},
};
static const struct kwdef kw_sendcert[] = {
    {"always", "Always send the certificate", ENG_SENDCERT_ALWAYS},
    {"on-request", "Send it when the peer asks", ENG_SENDCERT_ON_REQUEST},
    {"never", "Never send it", ENG_SENDCERT_NEVER},
    {NULL, NULL, 0},
};
static const struct kwdef kw_version[] = {
    {"1", "IKEv1", 1},
    {"2", "IKEv2", 2},
    {NULL, NULL, 0},
};

/* Identity kinds, shared by local-id and remote-id. */
static const struct kwdef kw_idkind[] = {
    {"any", "Any identity the peer proves", ENG_ID_ANY},
    {"address", "An IP address", ENG_ID_ADDRESS},
    {"fqdn", "A fully qualified domain name", ENG_ID_FQDN},
    {"user-fqdn", "An e-mail style user@domain", ENG_ID_USER_FQDN},
    {"dn", "An X.509 distinguished name", ENG_ID_DN},
    {"key-id", "An opaque key identifier", ENG_ID_KEY_ID},
    {NULL, NULL, 0},
};

static int endpoint_set(struct eng_endpoint *ep, const char *v)
{
	memset(ep, 0, sizeof(*ep));
	if (strcmp(v, "any") == 0) {
		ep->kind = ENG_EP_ANY;
		return 0;
	}
	if (eng_addr_parse(v, &ep->addr) == 0) {
		ep->kind = ENG_EP_ADDR;
		return 0;
	}
	ep->kind = ENG_EP_HOST;
	return str_set(&ep->name, v);
}

static bool endpoint_is(const struct eng_endpoint *ep, const char *v)
{
	struct eng_addr a;

	if (ep->kind == ENG_EP_ANY)
		return strcmp(v, "any") == 0;
	if (ep->kind == ENG_EP_ADDR)
		return eng_addr_parse(v, &a) == 0 && eng_addr_equal(&a, &ep->addr);
	return ep->name && strcasecmp(ep->name, v) == 0;
}

static int remote_address(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	const char *v = cmd_arg_get(a, "peer");

	if (a->negate && !v) {
		for (int i = 0; i < t->n_remote; i++)
			free(t->remote[i].name);
		t->n_remote = 0;
		return 0;
	}
	for (int i = 0; i < t->n_remote; i++) {
		if (!endpoint_is(&t->remote[i], v))
			continue;
		if (!a->negate)
			return 0; /* already there */
		free(t->remote[i].name);
		memmove(&t->remote[i], &t->remote[i + 1],
			(t->n_remote - i - 1) * sizeof(t->remote[0]));
		t->n_remote--;
		return 0;
	}
	if (a->negate) {
		cmd_error(cs, "remote-address %s is not configured", v);
		return -1;
	}
	if (t->n_remote >= ENG_PEER_ADDRS_MAX) {
		cmd_error(cs, "a tunnel has at most %d remote addresses", ENG_PEER_ADDRS_MAX);
		return -1;
	}
	return endpoint_set(&t->remote[t->n_remote++], v);
}

static int subnet(struct cmd_sess *cs, struct eng_prefix *list, uint8_t *n,
		  const struct cmd_args *a, const char *what)
{
	const char *v = cmd_arg_get(a, "prefix");
	struct eng_prefix p;

	if (a->negate && !v) {
		*n = 0;
		return 0;
	}
	eng_prefix_parse(v, &p);
	for (int i = 0; i < *n; i++) {
		if (list[i].len != p.len || !eng_addr_equal(&list[i].addr, &p.addr))
			continue;
		if (a->negate) {
			memmove(&list[i], &list[i + 1], (*n - i - 1) * sizeof(list[0]));
			(*n)--;
		}
		return 0;
	}
	if (a->negate) {
		cmd_error(cs, "%s %s is not configured", what, v);
		return -1;
	}
	if (*n >= ENG_SUBNETS_MAX) {
		cmd_error(cs, "a tunnel has at most %d entries of %s", ENG_SUBNETS_MAX, what);
		return -1;
	}
	list[(*n)++] = p;
	return 0;
}

static int ident(struct eng_ident *id, const struct cmd_args *a)
{
	const char *kind = a->cmd->command;
	const char *v = cmd_arg_get(a, "value");

	free(id->value);
	memset(id, 0, sizeof(*id));
	if (a->negate)
		return 0;
	id->kind = (uint8_t)kw_value(kw_idkind, kind);
	if (id->kind == ENG_ID_ADDRESS)
		return eng_addr_parse(v, &id->addr);
	if (id->kind == ENG_ID_ANY)
		return 0;
	return str_set(&id->value, v);
}

/*
 * One setting of the tunnel mode.  A plain field (a flag, or one keyword
 * of a table) is described by data and handled by the generic code below;
 * any other setting brings its own functions.
 */
enum tset_kind {
	TS_CUSTOM,  /* grammar, set, clear and write below */
	TS_FLAG,    /* bool at `off`: the word sets it, `no WORD` clears it */
	TS_NO_FLAG, /* bool at `off` meaning `no WORD` (a setting on by default) */
	TS_KEYWORD, /* uint8_t at `off`: one of `kw` (0 = default), argument `arg_help` */
};

struct tunnel_setting {
	const char *word;
	const char *help;
	enum tset_kind kind;
	size_t off;
	const struct kwdef *kw;
	const char *arg_help;
	/* TS_CUSTOM: the setting's arguments and sub-words under its word `c` (NULL: none) */
	void (*grammar)(struct cli_def *cli, struct cli_command *c);
	/* TS_CUSTOM: the command; 0, or -1 after an error line */
	int (*set)(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a);
	/* TS_CUSTOM: its `no` form; 0, or -1 after an error line */
	int (*clear)(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a);
	/* TS_CUSTOM: its canonical lines, nothing when at the default */
	void (*write)(struct strbuf *b, const struct eng_tunnel *t, bool secrets);
};

static int tunnel_set(struct cmd_sess *cs, const struct cmd_args *a);

static struct cli_command *leaf(struct cli_def *cli, struct cli_command *parent, const char *w,
				const char *help)
{
	return cmd_leaf(cli, parent, w, MODE_TUNNEL, true, help, tunnel_set);
}

static void kwarg(struct cli_command *c, const char *name, bool named, unsigned flags,
		  const char *help, const struct kwdef *k)
{
	struct cli_optarg *o = named ? cmd_argnamed(c, name, flags, help, val_keyword, NULL)
				     : cmd_argpos(c, name, flags, help, val_keyword, NULL);
	add_kws(o, k, ~0UL);
}

static int incomplete(struct cmd_sess *cs)
{
	cmd_err(cs, "%s", CMD_E_INCOMPLETE);
	return -1;
}

/* ---- description LINE ---------------------------------------------------- */

static void description_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "value", ARG_LINE, "LINE Up to 240 characters", val_line, NULL);
}

static int description_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return str_set(&t->description, cmd_arg_get(a, "value"));
}

static int description_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return str_set(&t->description, NULL);
}

static void description_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (!t->description)
		return;
	sb_adds(b, " description ");
	/* a plain line reads back as typed; anything else is quoted */
	if (strpbrk(t->description, "\"'\\|") || t->description[0] == ' ' ||
	    t->description[strlen(t->description) - 1] == ' ')
		sb_addword(b, t->description);
	else
		sb_adds(b, t->description);
	sb_adds(b, "\n");
}

/* ---- ike-version 1|2 ----------------------------------------------------- */

static void ike_version_grammar(struct cli_def *cli, struct cli_command *c)
{
	kwarg(c, "value", false, 0, "VERSION", kw_version);
}

static int ike_version_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->ike_version = (uint8_t)num(cmd_arg_get(a, "value"));
	if (t->ike_version == 2)
		t->ike_version = 0; /* the default is not stored */
	return 0;
}

static int ike_version_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->ike_version = 0;
	return 0;
}

static void ike_version_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->ike_version)
		sb_addf(b, " ike-version %u\n", t->ike_version);
}

/* ---- ike-policy N -------------------------------------------------------- */

static void ike_policy_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "value", 0, "<1-65535> Policy number", val_range, comp_ike_ids);
}

static int ike_policy_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->ike_policy = (uint16_t)num(cmd_arg_get(a, "value"));
	return 0;
}

static int ike_policy_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->ike_policy = 0;
	return 0;
}

static void ike_policy_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->ike_policy)
		sb_addf(b, " ike-policy %u\n", t->ike_policy);
}

/* ---- ipsec-policy NAME --------------------------------------------------- */

static void ipsec_policy_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "value", 0, "NAME Policy name", val_name, comp_ipsec_names);
}

static int ipsec_policy_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	snprintf(t->ipsec_policy, sizeof(t->ipsec_policy), "%s", cmd_arg_get(a, "value"));
	return 0;
}

static int ipsec_policy_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->ipsec_policy[0] = '\0';
	return 0;
}

static void ipsec_policy_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->ipsec_policy[0])
		sb_addf(b, " ipsec-policy %s\n", t->ipsec_policy);
}

/* ---- local-address ADDR | local-address interface IFNAME ----------------- */

static void render_ep(struct strbuf *b, const char *cmd, const struct eng_endpoint *ep)
{
	char buf[64];

	switch (ep->kind) {
	case ENG_EP_ADDR:
		sb_addf(b, " %s %s\n", cmd, eng_addr_str(&ep->addr, buf, sizeof(buf)));
		break;
	case ENG_EP_HOST:
		sb_addf(b, " %s %s\n", cmd, ep->name);
		break;
	case ENG_EP_ANY:
		sb_addf(b, " %s any\n", cmd);
		break;
	case ENG_EP_IFACE:
		sb_addf(b, " %s interface %s\n", cmd, ep->name);
		break;
	}
}

static void local_address_grammar(struct cli_def *cli, struct cli_command *p)
{
	struct cli_command *c;

	cmd_argpos(p, "address", 0, "A.B.C.D|X:X::X Local address", val_addr, NULL);
	c = leaf(cli, p, "interface", "Use the address of an interface");
	cmd_argpos(c, "ifname", 0, "IFNAME Interface name", val_ifname, comp_interfaces);
}

static int local_address_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	free(t->local.name);
	memset(&t->local, 0, sizeof(t->local));
	return 0;
}

static int local_address_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	local_address_clear(cs, t, a);
	if (!strcmp(a->cmd->command, "interface")) {
		t->local.kind = ENG_EP_IFACE;
		return str_set(&t->local.name, cmd_arg_get(a, "ifname"));
	}
	t->local.kind = ENG_EP_ADDR;
	return eng_addr_parse(cmd_arg_get(a, "address"), &t->local.addr);
}

static void local_address_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	render_ep(b, "local-address", &t->local);
}

/* ---- remote-address PEER (repeated) -------------------------------------- */

static void remote_address_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "peer", 0, "A.B.C.D|X:X::X|HOSTNAME|any Peer address or host name", val_peer,
		   NULL);
}

static void remote_address_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	for (int i = 0; i < t->n_remote; i++)
		render_ep(b, "remote-address", &t->remote[i]);
}

/* ---- authentication pre-share key KEY | certificate TRUSTPOINT ----------- */

static void authentication_grammar(struct cli_def *cli, struct cli_command *p)
{
	struct cli_command *c, *k;

	p->flags |= CMD_NO_ONLY;
	c = leaf(cli, p, "pre-share", "Pre-shared key");
	c = leaf(cli, c, "key", "The pre-shared key");
	cmd_argpos(c, "secret", ARG_SECRET, "STRING The key (quote it if it has blanks)",
		   val_secret, NULL);
	k = leaf(cli, c, "0", "The key follows in clear");
	cmd_argpos(k, "secret", ARG_SECRET, "STRING The key (quote it if it has blanks)",
		   val_secret, NULL);
	k = leaf(cli, c, ENG_SEALED_TYPE,
		 "The key follows sealed, as show running-config prints it");
	cmd_argpos(k, "sealed", ARG_SECRET, "STRING The sealed key", val_sealed, NULL);
	c = leaf(cli, p, "certificate", "Certificate from a trustpoint");
	cmd_argpos(c, "trustpoint", 0, "TRUSTPOINT Trustpoint name", val_name, NULL);
}

/* `no authentication pre-share ...` clears it all the same */
static int authentication_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	eng_secret_free(t->psk);
	free(t->trustpoint);
	t->psk = t->trustpoint = NULL;
	t->auth = ENG_AUTH_NONE;
	return 0;
}

static int authentication_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	const char *w = a->cmd->command;

	authentication_clear(cs, t, a);
	if (!strcmp(w, "key") || !strcmp(w, "0") || !strcmp(w, ENG_SEALED_TYPE)) {
		t->auth = ENG_AUTH_PSK;
		if (cmd_arg_get(a, "sealed"))
			return cfg_secret_set(cs, &t->psk, ENG_SEALED_TYPE,
					      cmd_arg_get(a, "sealed"));
		return cfg_secret_set(cs, &t->psk, cmd_arg_get(a, "secret"), NULL);
	}
	if (!strcmp(w, "certificate")) {
		t->auth = ENG_AUTH_CERT;
		return str_set(&t->trustpoint, cmd_arg_get(a, "trustpoint"));
	}
	return incomplete(cs);
}

static void authentication_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->auth == ENG_AUTH_PSK) {
		sb_adds(b, " authentication pre-share key ");
		cfg_secret_write(b, t->psk, secrets);
		sb_adds(b, "\n");
	} else if (t->auth == ENG_AUTH_CERT) {
		sb_addf(b, " authentication certificate %s\n", t->trustpoint);
	}
}

/* ---- local-id KIND [VALUE], remote-id KIND [VALUE] ----------------------- */

/* The identity kinds from kw_idkind[first] on, each a sub-word. */
static void id_grammar(struct cli_def *cli, struct cli_command *p, int first)
{
	struct cli_command *c;

	for (int i = first; kw_idkind[i].kw; i++) {
		c = leaf(cli, p, kw_idkind[i].kw, kw_idkind[i].help);
		if (kw_idkind[i].value == ENG_ID_ADDRESS)
			cmd_argpos(c, "value", 0, "A.B.C.D|X:X::X Address", val_addr, NULL);
		else if (kw_idkind[i].value == ENG_ID_FQDN)
			cmd_argpos(c, "value", 0, "NAME Domain name", val_hostname, NULL);
		else if (kw_idkind[i].value != ENG_ID_ANY)
			cmd_argpos(c, "value", 0, "STRING Identity", val_word, NULL);
	}
}

static void local_id_grammar(struct cli_def *cli, struct cli_command *p)
{
	id_grammar(cli, p, 1); /* we claim a real identity: no `any` */
}

static void remote_id_grammar(struct cli_def *cli, struct cli_command *p)
{
	id_grammar(cli, p, 0);
}

static int id_set(struct cmd_sess *cs, struct eng_ident *id, const struct cmd_args *a)
{
	if (a->cmd->parent == NULL)
		return incomplete(cs);
	return ident(id, a);
}

static int local_id_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return id_set(cs, &t->local_id, a);
}

static int local_id_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return ident(&t->local_id, a);
}

static int remote_id_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return id_set(cs, &t->remote_id, a);
}

static int remote_id_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return ident(&t->remote_id, a);
}

static void render_id(struct strbuf *b, const char *cmd, const struct eng_ident *id)
{
	char buf[64];

	if (id->kind == ENG_ID_DEFAULT)
		return;
	sb_addf(b, " %s %s", cmd, kw_name(kw_idkind, id->kind));
	if (id->kind == ENG_ID_ADDRESS) {
		sb_addf(b, " %s", eng_addr_str(&id->addr, buf, sizeof(buf)));
	} else if (id->kind != ENG_ID_ANY) {
		sb_adds(b, " ");
		sb_addword(b, id->value ? id->value : "");
	}
	sb_adds(b, "\n");
}

static void local_id_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	render_id(b, "local-id", &t->local_id);
}

static void remote_id_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	render_id(b, "remote-id", &t->remote_id);
}

/* ---- local-subnet PREFIX, remote-subnet PREFIX (repeated) ---------------- */

static void subnet_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "prefix", 0, "PREFIX A.B.C.D/LEN or X:X::X/LEN", val_prefix, NULL);
}

static int local_subnet(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return subnet(cs, t->local_subnet, &t->n_local_subnet, a, "local-subnet");
}

static int remote_subnet(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	return subnet(cs, t->remote_subnet, &t->n_remote_subnet, a, "remote-subnet");
}

static void render_subnets(struct strbuf *b, const char *cmd, const struct eng_prefix *list, int n)
{
	char buf[64];

	for (int i = 0; i < n; i++)
		sb_addf(b, " %s %s\n", cmd, eng_prefix_str(&list[i], buf, sizeof(buf)));
}

static void local_subnet_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	render_subnets(b, "local-subnet", t->local_subnet, t->n_local_subnet);
}

static void remote_subnet_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	render_subnets(b, "remote-subnet", t->remote_subnet, t->n_remote_subnet);
}

/* ---- xauth username NAME password SECRET --------------------------------- */

static void xauth_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argnamed(c, "username", ARG_REQUIRED, "NAME User name", val_word, NULL);
	cmd_argnamed(c, "password", ARG_REQUIRED | ARG_SECRET,
		     "STRING Password, or its type: 0 clear, 6 sealed", val_secret, NULL);
	cmd_argpos(c, "sealed", ARG_SECRET | ARG_OPTIONAL, "STRING The password of that type",
		   val_sealed, NULL);
}

static int xauth_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	if (str_set(&t->xauth_user, cmd_arg_get(a, "username")))
		return -1;
	return cfg_secret_set(cs, &t->xauth_password, cmd_arg_get(a, "password"),
			      cmd_arg_get(a, "sealed"));
}

static int xauth_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	if (str_set(&t->xauth_user, NULL))
		return -1;
	return str_set(&t->xauth_password, NULL);
}

static void xauth_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (!t->xauth_user)
		return;
	sb_adds(b, " xauth username ");
	sb_addword(b, t->xauth_user);
	sb_adds(b, " password ");
	cfg_secret_write(b, t->xauth_password, secrets);
	sb_adds(b, "\n");
}

/* ---- dpd interval N timeout N [action A] --------------------------------- */

static void dpd_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argnamed(c, "interval", ARG_REQUIRED, "<1-3600> Seconds between liveness checks",
		     val_range, NULL);
	cmd_argnamed(c, "timeout", ARG_REQUIRED,
		     "<2-86400> Seconds without reply before the peer is dead", val_range, NULL);
	kwarg(c, "action", true, 0, "What to do with a dead peer", kw_dpd);
}

static int dpd_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	const char *action = cmd_arg_get(a, "action");

	t->dpd.interval = (uint32_t)num(cmd_arg_get(a, "interval"));
	t->dpd.timeout = (uint32_t)num(cmd_arg_get(a, "timeout"));
	t->dpd.action = action ? (uint8_t)kw_value(kw_dpd, action) : 0;
	return 0;
}

static int dpd_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->dpd.interval = t->dpd.timeout = 0;
	t->dpd.action = 0;
	return 0;
}

static void dpd_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (!t->dpd.interval)
		return;
	sb_addf(b, " dpd interval %u timeout %u", t->dpd.interval, t->dpd.timeout);
	if (t->dpd.action)
		sb_addf(b, " action %s", kw_name(kw_dpd, t->dpd.action));
	sb_adds(b, "\n");
}

/* ---- pfs group N --------------------------------------------------------- */

static void pfs_grammar(struct cli_def *cli, struct cli_command *c)
{
	reg_pfs_group(cli, c, tunnel_set);
}

static int pfs_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	if (strcmp(a->cmd->command, "group"))
		return incomplete(cs);
	t->pfs_group = (uint8_t)num(cmd_arg_get(a, "value"));
	return 0;
}

static int pfs_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->pfs_group = 0;
	return 0;
}

static void pfs_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->pfs_group)
		sb_addf(b, " pfs group %u\n", t->pfs_group);
}

/* ---- sa-lifetime SECONDS [kilobytes KB] ---------------------------------- */

static void sa_lifetime_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "seconds", 0, "<120-86400> Seconds", val_range, NULL);
	cmd_argnamed(c, "kilobytes", 0, "<2560-4294967295> Kilobytes of traffic", val_range, NULL);
}

static int sa_lifetime_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->sa_lifetime_s = (uint32_t)num(cmd_arg_get(a, "seconds"));
	t->sa_lifetime_kb = (uint32_t)num(cmd_arg_get(a, "kilobytes"));
	return 0;
}

static int sa_lifetime_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->sa_lifetime_s = t->sa_lifetime_kb = 0;
	return 0;
}

static void sa_lifetime_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (!t->sa_lifetime_s)
		return;
	sb_addf(b, " sa-lifetime %u", t->sa_lifetime_s);
	if (t->sa_lifetime_kb)
		sb_addf(b, " kilobytes %u", t->sa_lifetime_kb);
	sb_adds(b, "\n");
}

/* ---- sa-idletime SECONDS ------------------------------------------------- */

static void sa_idletime_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "value", 0, "<0-86400> Seconds (0 = never)", val_range, NULL);
}

static int sa_idletime_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->sa_idletime = (uint32_t)num(cmd_arg_get(a, "value"));
	return 0;
}

static int sa_idletime_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->sa_idletime = 0;
	return 0;
}

static void sa_idletime_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->sa_idletime)
		sb_addf(b, " sa-idletime %u\n", t->sa_idletime);
}

/* ---- fragmentation [mtu N] ------------------------------------------------ */

static void fragmentation_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argnamed(c, "mtu", 0, "<200-65535> Largest IP packet of a fragment (default 1280)",
		     val_range, NULL);
}

static int fragmentation_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	const char *mtu = cmd_arg_get(a, "mtu");

	t->fragmentation = true;
	t->frag_mtu = mtu ? (uint16_t)num(mtu) : 0;
	return 0;
}

static int fragmentation_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	t->fragmentation = false;
	t->frag_mtu = 0;
	return 0;
}

static void fragmentation_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->fragmentation && t->frag_mtu)
		sb_addf(b, " fragmentation mtu %u\n", (unsigned)t->frag_mtu);
	else if (t->fragmentation)
		sb_adds(b, " fragmentation\n");
}

/* ---- icmp-detect server A source A interval N timeout N retries N -------- */

static void icmp_detect_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argnamed(c, "server", ARG_REQUIRED, "A.B.C.D|X:X::X Address to ping", val_addr, NULL);
	cmd_argnamed(c, "source", ARG_REQUIRED, "A.B.C.D|X:X::X Source address", val_addr, NULL);
	cmd_argnamed(c, "interval", ARG_REQUIRED, "<1-3600> Seconds between pings", val_range,
		     NULL);
	cmd_argnamed(c, "timeout", ARG_REQUIRED, "<1-60> Seconds to wait for a reply", val_range,
		     NULL);
	cmd_argnamed(c, "retries", ARG_REQUIRED,
		     "<1-100> Lost pings before the tunnel is restarted", val_range, NULL);
}

static int icmp_detect_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	memset(&t->icmp, 0, sizeof(t->icmp));
	return 0;
}

static int icmp_detect_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	icmp_detect_clear(cs, t, a);
	eng_addr_parse(cmd_arg_get(a, "server"), &t->icmp.server);
	eng_addr_parse(cmd_arg_get(a, "source"), &t->icmp.source);
	t->icmp.interval = (uint32_t)num(cmd_arg_get(a, "interval"));
	t->icmp.timeout = (uint8_t)num(cmd_arg_get(a, "timeout"));
	t->icmp.retries = (uint8_t)num(cmd_arg_get(a, "retries"));
	return 0;
}

static void icmp_detect_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	char b1[64], b2[64];

	if (!t->icmp.server.family)
		return;
	sb_addf(b, " icmp-detect server %s source %s interval %u timeout %u retries %u\n",
		eng_addr_str(&t->icmp.server, b1, sizeof(b1)),
		eng_addr_str(&t->icmp.source, b2, sizeof(b2)), t->icmp.interval, t->icmp.timeout,
		t->icmp.retries);
}

/* ---- xfrm-interface IFNAME if-id N --------------------------------------- */

static void xfrm_interface_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "ifname", 0, "IFNAME Interface name", val_ifname, comp_interfaces);
	cmd_argnamed(c, "if-id", ARG_REQUIRED, "<1-65535> Interface id", val_range, NULL);
}

static int xfrm_interface_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	memset(&t->xfrm_if, 0, sizeof(t->xfrm_if));
	return 0;
}

static int xfrm_interface_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	xfrm_interface_clear(cs, t, a);
	snprintf(t->xfrm_if.name, sizeof(t->xfrm_if.name), "%s", cmd_arg_get(a, "ifname"));
	t->xfrm_if.if_id = (uint16_t)num(cmd_arg_get(a, "if-id"));
	return 0;
}

static void xfrm_interface_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (t->xfrm_if.name[0])
		sb_addf(b, " xfrm-interface %s if-id %u\n", t->xfrm_if.name, t->xfrm_if.if_id);
}

/* ---- gre-tunnel IFNAME [key N] ------------------------------------------- */

static void gre_tunnel_grammar(struct cli_def *cli, struct cli_command *c)
{
	cmd_argpos(c, "ifname", 0, "IFNAME GRE interface to create", val_ifname, comp_interfaces);
	cmd_argnamed(c, "key", 0, "<1-4294967295> GRE key", val_range, NULL);
}

static int gre_tunnel_clear(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	memset(&t->gre, 0, sizeof(t->gre));
	return 0;
}

static int gre_tunnel_set(struct cmd_sess *cs, struct eng_tunnel *t, const struct cmd_args *a)
{
	const char *key = cmd_arg_get(a, "key");

	gre_tunnel_clear(cs, t, a);
	snprintf(t->gre.name, sizeof(t->gre.name), "%s", cmd_arg_get(a, "ifname"));
	t->gre.key = key ? (uint32_t)num(key) : 0;
	return 0;
}

static void gre_tunnel_write(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	if (!t->gre.name[0])
		return;
	sb_addf(b, " gre-tunnel %s", t->gre.name);
	if (t->gre.key)
		sb_addf(b, " key %" PRIu32, t->gre.key);
	sb_adds(b, "\n");
}

/* ---- The table ----------------------------------------------------------- */

#define T struct eng_tunnel
#define CUSTOM(w, h, name)                                                                         \
	{                                                                                          \
		.word = w, .help = h, .kind = TS_CUSTOM, .grammar = name##_grammar,                \
		.set = name##_set, .clear = name##_clear, .write = name##_write                    \
	}
#define FLAG(w, h, f)                                                                              \
	{                                                                                          \
		.word = w, .help = h, .kind = TS_FLAG, .off = offsetof(T, f)                       \
	}
#define NO_FLAG(w, h, f)                                                                           \
	{                                                                                          \
		.word = w, .help = h, .kind = TS_NO_FLAG, .off = offsetof(T, f)                    \
	}
#define KEYWORD(w, h, f, k, ah)                                                                    \
	{                                                                                          \
		.word = w, .help = h, .kind = TS_KEYWORD, .off = offsetof(T, f), .kw = k,          \
		.arg_help = ah                                                                     \
	}

/* In the order of the running-config. */
static const struct tunnel_setting settings[] = {
    CUSTOM("description", "A line of text about the tunnel", description),
    FLAG("shutdown", "Keep the tunnel down", shutdown),
    CUSTOM("ike-version", "IKE protocol version", ike_version),
    CUSTOM("ike-policy", "The crypto ike policy to use", ike_policy),
    CUSTOM("ipsec-policy", "The crypto ipsec policy to use", ipsec_policy),
    CUSTOM("local-address", "Local endpoint", local_address),
    {.word = "remote-address",
     .help = "A peer endpoint (repeat for several, tried in order)",
     .grammar = remote_address_grammar,
     .set = remote_address,
     .clear = remote_address,
     .write = remote_address_write},
    CUSTOM("authentication", "How the peers authenticate", authentication),
    CUSTOM("local-id", "Identity we claim", local_id),
    CUSTOM("remote-id", "Identity the peer must prove", remote_id),
    {.word = "local-subnet",
     .help = "Protected local network (up to 4)",
     .grammar = subnet_grammar,
     .set = local_subnet,
     .clear = local_subnet,
     .write = local_subnet_write},
    {.word = "remote-subnet",
     .help = "Protected remote network (up to 4)",
     .grammar = subnet_grammar,
     .set = remote_subnet,
     .clear = remote_subnet,
     .write = remote_subnet_write},
    KEYWORD("negotiation-mode", "IKEv1 phase 1 mode", negotiation_mode, kw_negmode, "MODE"),
    CUSTOM("xauth", "IKEv1 extended authentication (XAUTH) client credentials", xauth),
    CUSTOM("dpd", "Dead peer detection", dpd),
    CUSTOM("pfs", pfs_help, pfs),
    CUSTOM("sa-lifetime", "Child SA lifetime for this tunnel", sa_lifetime),
    CUSTOM("sa-idletime", "Close child SAs idle this long", sa_idletime),
    KEYWORD("start-mode", "When the tunnel is brought up", start_mode, kw_start, "MODE"),
    NO_FLAG("rekey", "Renew SAs before they expire", no_rekey),
    KEYWORD("nat-traversal", "UDP encapsulation through NAT", nat_traversal, kw_natt, "MODE"),
    FLAG("mobike", "IKEv2 mobility and multihoming (RFC 4555)", mobike),
    CUSTOM("fragmentation", "IKE fragmentation (RFC 7383)", fragmentation),
    FLAG("split-connection", "One child SA per local/remote subnet pair", split_connection),
    KEYWORD("send-cert", "When to send our certificate", send_cert, kw_sendcert, "WHEN"),
    NO_FLAG("send-certreq", "Ask the peer for its certificate (CERTREQ)", no_certreq),
    CUSTOM("icmp-detect", "ICMP watchdog through the tunnel", icmp_detect),
    CUSTOM("xfrm-interface", "Route through an XFRM interface", xfrm_interface),
    CUSTOM("gre-tunnel", "GRE interface between the endpoints, only GRE protected (transport)",
	   gre_tunnel),
    FLAG("firewall-rule", "Keep nftables rules for this tunnel (table inet ikesh)", firewall_rule),
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))
#undef T

/* The row of the setting a resolved command belongs to: its first word. */
static const struct tunnel_setting *setting_of(const struct cli_command *c)
{
	while (c->parent)
		c = c->parent;
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (!strcmp(settings[i].word, c->command))
			return &settings[i];
	return NULL;
}

/* A plain field's command and its `no` form. */
static void plain_set(const struct tunnel_setting *s, struct eng_tunnel *t,
		      const struct cmd_args *a)
{
	uint8_t *field = (uint8_t *)t + s->off;
	bool no = a->negate;

	switch (s->kind) {
	case TS_FLAG:
		*(bool *)field = !no;
		break;
	case TS_NO_FLAG:
		*(bool *)field = no && !a->reset; /* `default rekey`: rekeying on */
		break;
	case TS_KEYWORD:
		*field = no ? 0 : (uint8_t)kw_value(s->kw, cmd_arg_get(a, "value"));
		break;
	case TS_CUSTOM:
		break;
	}
}

static void plain_write(struct strbuf *b, const struct tunnel_setting *s,
			const struct eng_tunnel *t)
{
	const uint8_t *field = (const uint8_t *)t + s->off;

	switch (s->kind) {
	case TS_FLAG:
		if (*(const bool *)field)
			sb_addf(b, " %s\n", s->word);
		break;
	case TS_NO_FLAG:
		if (*(const bool *)field)
			sb_addf(b, " no %s\n", s->word);
		break;
	case TS_KEYWORD:
		if (*field)
			sb_addf(b, " %s %s\n", s->word, kw_name(s->kw, *field));
		break;
	case TS_CUSTOM:
		break;
	}
}

/* Every tunnel command: the candidate's tunnel, edited by its row, stored back. */
static int tunnel_set(struct cmd_sess *cs, const struct cmd_args *a)
{
	const struct tunnel_setting *s = setting_of(a->cmd);
	struct eng_tunnel t;
	int rc = 0;

	if (!s)
		return -1; /* only the rows register this handler */
	if (cmd_obj_load(cs, &t))
		return -1;
	if (s->kind != TS_CUSTOM)
		plain_set(s, &t, a);
	else
		rc = a->negate ? s->clear(cs, &t, a) : s->set(cs, &t, a);
	if (rc) {
		eng_obj_clear(ENG_OBJ_TUNNEL, &t);
		return -1;
	}
	return cmd_obj_store(cs, &t);
}

void cfg_tunnel_register(struct cli_def *cli)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct tunnel_setting *s = &settings[i];
		struct cli_command *c = leaf(cli, NULL, s->word, s->help);

		if (s->kind == TS_KEYWORD)
			kwarg(c, "value", false, 0, s->arg_help, s->kw);
		else if (s->grammar)
			s->grammar(cli, c);
	}
}

void cfg_tunnel_render(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	sb_addf(b, "ipsec tunnel %s\n", t->name);
	for (size_t i = 0; i < N_SETTINGS; i++) {
		if (settings[i].kind == TS_CUSTOM)
			settings[i].write(b, t, secrets);
		else
			plain_write(b, &settings[i], t);
	}
	sb_adds(b, "!\n");
}
