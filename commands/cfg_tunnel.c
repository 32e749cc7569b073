/*
 * cfg_tunnel.c - `ipsec tunnel NAME`: its commands and canonical text.
 */
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
static const struct kwdef kw_group_any[] = {
	{"1", "", 1}, {"2", "", 2}, {"5", "", 5}, {"14", "", 14}, {"15", "", 15},
	{"16", "", 16}, {"19", "", 19}, {"20", "", 20}, {"21", "", 21}, {"31", "", 31},
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
		memmove(&t->remote[i], &t->remote[i + 1], (t->n_remote - i - 1) * sizeof(t->remote[0]));
		t->n_remote--;
		return 0;
	}
	if (a->negate) {
		cmd_err(cs, "%% remote-address %s is not configured", v);
		return -1;
	}
	if (t->n_remote >= ENG_REMOTES_MAX) {
		cmd_err(cs, "%% a tunnel has at most %d remote addresses", ENG_REMOTES_MAX);
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
		cmd_err(cs, "%% %s %s is not configured", what, v);
		return -1;
	}
	if (*n >= ENG_SUBNETS_MAX) {
		cmd_err(cs, "%% a tunnel has at most %d entries of %s", ENG_SUBNETS_MAX, what);
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

/* The command's first word names the setting; one handler edits them all. */
static int tunnel_set(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_tunnel t;
	const struct cli_command *c = a->cmd;
	const char *top = c->parent ? c->parent->command : c->command;
	const char *v = cmd_arg_get(a, "value");
	bool no = a->negate;
	int rc = 0;

	if (c->parent && c->parent->parent)
		top = c->parent->parent->command;
	if (cmd_obj_load(cs, &t))
		return -1;
	if (!strcmp(top, "description")) {
		rc = str_set(&t.description, no ? NULL : v);
	} else if (!strcmp(top, "shutdown")) {
		t.shutdown = !no;
	} else if (!strcmp(top, "ike-version")) {
		t.ike_version = no ? 0 : (uint8_t)num(v);
		if (t.ike_version == 2)
			t.ike_version = 0; /* the default is not stored */
	} else if (!strcmp(top, "ike-policy")) {
		t.ike_policy = no ? 0 : (uint16_t)num(v);
	} else if (!strcmp(top, "ipsec-policy")) {
		snprintf(t.ipsec_policy, sizeof(t.ipsec_policy), "%s", no ? "" : v);
	} else if (!strcmp(top, "local-address")) {
		free(t.local.name);
		memset(&t.local, 0, sizeof(t.local));
		if (!no && !strcmp(c->command, "interface")) {
			t.local.kind = ENG_EP_IFACE;
			rc = str_set(&t.local.name, cmd_arg_get(a, "ifname"));
		} else if (!no) {
			t.local.kind = ENG_EP_ADDR;
			rc = eng_addr_parse(cmd_arg_get(a, "address"), &t.local.addr);
		}
	} else if (!strcmp(top, "remote-address")) {
		rc = remote_address(cs, &t, a);
	} else if (!strcmp(top, "authentication")) {
		eng_secret_free(t.psk);
		free(t.trustpoint);
		t.psk = t.trustpoint = NULL;
		t.auth = ENG_AUTH_NONE;
		if (no && c->parent) {
			/* `no authentication pre-share ...` clears it all the same */
		} else if (!no && !strcmp(c->command, "key")) {
			t.auth = ENG_AUTH_PSK;
			rc = str_set(&t.psk, cmd_arg_get(a, "secret"));
		} else if (!no && !strcmp(c->command, "certificate")) {
			t.auth = ENG_AUTH_CERT;
			rc = str_set(&t.trustpoint, cmd_arg_get(a, "trustpoint"));
		} else if (!no) {
			cmd_err(cs, "%% Incomplete command.");
			rc = -1;
		}
	} else if (!strcmp(top, "local-id") || !strcmp(top, "remote-id")) {
		if (!no && c->parent == NULL) {
			cmd_err(cs, "%% Incomplete command.");
			rc = -1;
		} else {
			rc = ident(top[0] == 'l' ? &t.local_id : &t.remote_id, a);
		}
	} else if (!strcmp(top, "local-subnet")) {
		rc = subnet(cs, t.local_subnet, &t.n_local_subnet, a, "local-subnet");
	} else if (!strcmp(top, "remote-subnet")) {
		rc = subnet(cs, t.remote_subnet, &t.n_remote_subnet, a, "remote-subnet");
	} else if (!strcmp(top, "negotiation-mode")) {
		t.negotiation_mode = no ? 0 : (uint8_t)kw_value(kw_negmode, v);
	} else if (!strcmp(top, "xauth")) {
		rc = str_set(&t.xauth_user, no ? NULL : cmd_arg_get(a, "username"));
		if (!rc)
			rc = str_set(&t.xauth_password, no ? NULL : cmd_arg_get(a, "password"));
	} else if (!strcmp(top, "dpd")) {
		t.dpd.interval = no ? 0 : (uint32_t)num(cmd_arg_get(a, "interval"));
		t.dpd.timeout = no ? 0 : (uint32_t)num(cmd_arg_get(a, "timeout"));
		t.dpd.action = 0;
		if (!no && cmd_arg_get(a, "action"))
			t.dpd.action = (uint8_t)kw_value(kw_dpd, cmd_arg_get(a, "action"));
	} else if (!strcmp(top, "pfs")) {
		if (!no && strcmp(c->command, "group")) {
			cmd_err(cs, "%% Incomplete command.");
			rc = -1;
		}
		t.pfs_group = no ? 0 : (uint8_t)num(v);
	} else if (!strcmp(top, "sa-lifetime")) {
		t.sa_lifetime_s = no ? 0 : (uint32_t)num(cmd_arg_get(a, "seconds"));
		t.sa_lifetime_kb = no ? 0 : (uint32_t)num(cmd_arg_get(a, "kilobytes"));
	} else if (!strcmp(top, "sa-idletime")) {
		t.sa_idletime = no ? 0 : (uint32_t)num(v);
	} else if (!strcmp(top, "start-mode")) {
		t.start_mode = no ? 0 : (uint8_t)kw_value(kw_start, v);
	} else if (!strcmp(top, "rekey")) {
		t.no_rekey = no;
	} else if (!strcmp(top, "nat-traversal")) {
		t.nat_traversal = no ? 0 : (uint8_t)kw_value(kw_natt, v);
	} else if (!strcmp(top, "mobike")) {
		t.mobike = !no;
	} else if (!strcmp(top, "split-connection")) {
		t.split_connection = !no;
	} else if (!strcmp(top, "send-cert")) {
		t.send_cert = no ? 0 : (uint8_t)kw_value(kw_sendcert, v);
	} else if (!strcmp(top, "icmp-detect")) {
		memset(&t.icmp, 0, sizeof(t.icmp));
		if (!no) {
			eng_addr_parse(cmd_arg_get(a, "server"), &t.icmp.server);
			eng_addr_parse(cmd_arg_get(a, "source"), &t.icmp.source);
			t.icmp.interval = (uint32_t)num(cmd_arg_get(a, "interval"));
			t.icmp.timeout = (uint8_t)num(cmd_arg_get(a, "timeout"));
			t.icmp.retries = (uint8_t)num(cmd_arg_get(a, "retries"));
		}
	} else if (!strcmp(top, "xfrm-interface")) {
		memset(&t.xfrm_if, 0, sizeof(t.xfrm_if));
		if (!no) {
			snprintf(t.xfrm_if.name, sizeof(t.xfrm_if.name), "%s",
				 cmd_arg_get(a, "ifname"));
			t.xfrm_if.if_id = (uint16_t)num(cmd_arg_get(a, "if-id"));
		}
	}
	if (rc) {
		eng_obj_clear(ENG_OBJ_TUNNEL, &t);
		return -1;
	}
	return cmd_obj_store(cs, &t);
}

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

void cfg_tunnel_register(struct cli_def *cli)
{
	struct cli_command *c, *p;
	const int m = MODE_TUNNEL;

	c = leaf(cli, NULL, "description", "A line of text about the tunnel");
	cmd_argpos(c, "value", ARG_LINE, "LINE Up to 240 characters", val_line, NULL);
	leaf(cli, NULL, "shutdown", "Keep the tunnel down");
	c = leaf(cli, NULL, "ike-version", "IKE protocol version");
	kwarg(c, "value", false, 0, "VERSION", kw_version);
	c = leaf(cli, NULL, "ike-policy", "The crypto ike policy to use");
	cmd_argpos(c, "value", 0, "<1-65535> Policy number", val_range, comp_ike_ids);
	c = leaf(cli, NULL, "ipsec-policy", "The crypto ipsec policy to use");
	cmd_argpos(c, "value", 0, "NAME Policy name", val_name, comp_ipsec_names);

	p = leaf(cli, NULL, "local-address", "Local endpoint");
	cmd_argpos(p, "address", 0, "A.B.C.D|X:X::X Local address", val_addr, NULL);
	c = leaf(cli, p, "interface", "Use the address of an interface");
	cmd_argpos(c, "ifname", 0, "IFNAME Interface name", val_ifname, comp_interfaces);
	c = leaf(cli, NULL, "remote-address", "A peer endpoint (repeat for several, tried in order)");
	cmd_argpos(c, "peer", 0, "A.B.C.D|X:X::X|HOSTNAME|any Peer address or host name", val_peer,
		   NULL);

	p = leaf(cli, NULL, "authentication", "How the peers authenticate");
	p->flags |= CMD_NO_ONLY;
	c = leaf(cli, p, "pre-share", "Pre-shared key");
	c = leaf(cli, c, "key", "The pre-shared key");
	cmd_argpos(c, "secret", ARG_SECRET, "STRING The key (quote it if it has blanks)",
		   val_secret, NULL);
	c = leaf(cli, p, "certificate", "Certificate from a trustpoint");
	cmd_argpos(c, "trustpoint", 0, "TRUSTPOINT Trustpoint name", val_name, NULL);

	for (int side = 0; side < 2; side++) {
		p = leaf(cli, NULL, side ? "remote-id" : "local-id",
			 side ? "Identity the peer must prove" : "Identity we claim");
		for (int i = side ? 0 : 1; kw_idkind[i].kw; i++) {
			c = leaf(cli, p, kw_idkind[i].kw, kw_idkind[i].help);
			if (kw_idkind[i].value == ENG_ID_ADDRESS)
				cmd_argpos(c, "value", 0, "A.B.C.D|X:X::X Address", val_addr, NULL);
			else if (kw_idkind[i].value == ENG_ID_FQDN)
				cmd_argpos(c, "value", 0, "NAME Domain name", val_hostname, NULL);
			else if (kw_idkind[i].value != ENG_ID_ANY)
				cmd_argpos(c, "value", 0, "STRING Identity", val_word, NULL);
		}
	}
	c = leaf(cli, NULL, "local-subnet", "Protected local network (up to 4)");
	cmd_argpos(c, "prefix", 0, "PREFIX A.B.C.D/LEN or X:X::X/LEN", val_prefix, NULL);
	c = leaf(cli, NULL, "remote-subnet", "Protected remote network (up to 4)");
	cmd_argpos(c, "prefix", 0, "PREFIX A.B.C.D/LEN or X:X::X/LEN", val_prefix, NULL);
	c = leaf(cli, NULL, "negotiation-mode", "IKEv1 phase 1 mode");
	kwarg(c, "value", false, 0, "MODE", kw_negmode);
	c = leaf(cli, NULL, "xauth", "IKEv1 extended authentication (XAUTH) client credentials");
	cmd_argnamed(c, "username", ARG_REQUIRED, "NAME User name", val_word, NULL);
	cmd_argnamed(c, "password", ARG_REQUIRED | ARG_SECRET, "STRING Password", val_secret, NULL);
	c = leaf(cli, NULL, "dpd", "Dead peer detection");
	cmd_argnamed(c, "interval", ARG_REQUIRED, "<1-3600> Seconds between liveness checks",
		     val_range, NULL);
	cmd_argnamed(c, "timeout", ARG_REQUIRED, "<2-86400> Seconds without reply before the peer is dead",
		     val_range, NULL);
	kwarg(c, "action", true, 0, "What to do with a dead peer", kw_dpd);
	reg_pfs(cli, m, tunnel_set);
	c = leaf(cli, NULL, "sa-lifetime", "Child SA lifetime for this tunnel");
	cmd_argpos(c, "seconds", 0, "<120-86400> Seconds", val_range, NULL);
	cmd_argnamed(c, "kilobytes", 0, "<2560-4294967295> Kilobytes of traffic", val_range, NULL);
	c = leaf(cli, NULL, "sa-idletime", "Close child SAs idle this long");
	cmd_argpos(c, "value", 0, "<0-86400> Seconds (0 = never)", val_range, NULL);
	c = leaf(cli, NULL, "start-mode", "When the tunnel is brought up");
	kwarg(c, "value", false, 0, "MODE", kw_start);
	leaf(cli, NULL, "rekey", "Renew SAs before they expire");
	c = leaf(cli, NULL, "nat-traversal", "UDP encapsulation through NAT");
	kwarg(c, "value", false, 0, "MODE", kw_natt);
	leaf(cli, NULL, "mobike", "IKEv2 mobility and multihoming (RFC 4555)");
	leaf(cli, NULL, "split-connection", "One child SA per local/remote subnet pair");
	c = leaf(cli, NULL, "send-cert", "When to send our certificate");
	kwarg(c, "value", false, 0, "WHEN", kw_sendcert);
	c = leaf(cli, NULL, "icmp-detect", "ICMP watchdog through the tunnel");
	cmd_argnamed(c, "server", ARG_REQUIRED, "A.B.C.D|X:X::X Address to ping", val_addr, NULL);
	cmd_argnamed(c, "source", ARG_REQUIRED, "A.B.C.D|X:X::X Source address", val_addr, NULL);
	cmd_argnamed(c, "interval", ARG_REQUIRED, "<1-3600> Seconds between pings", val_range, NULL);
	cmd_argnamed(c, "timeout", ARG_REQUIRED, "<1-60> Seconds to wait for a reply", val_range,
		     NULL);
	cmd_argnamed(c, "retries", ARG_REQUIRED, "<1-100> Lost pings before the tunnel is restarted",
		     val_range, NULL);
	c = leaf(cli, NULL, "xfrm-interface", "Route through an XFRM interface");
	cmd_argpos(c, "ifname", 0, "IFNAME Interface name", val_ifname, comp_interfaces);
	cmd_argnamed(c, "if-id", ARG_REQUIRED, "<1-65535> Interface id", val_range, NULL);
	(void)kw_group_any;
}

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

void cfg_tunnel_render(struct strbuf *b, const struct eng_tunnel *t, bool secrets)
{
	char buf[64];

	sb_addf(b, "ipsec tunnel %s\n", t->name);
	if (t->description) {
		sb_adds(b, " description ");
		/* a plain line reads back as typed; anything else is quoted */
		if (strpbrk(t->description, "\"'\\|!#") || t->description[0] == ' ' ||
		    t->description[strlen(t->description) - 1] == ' ')
			sb_addword(b, t->description);
		else
			sb_adds(b, t->description);
		sb_adds(b, "\n");
	}
	if (t->shutdown)
		sb_adds(b, " shutdown\n");
	if (t->ike_version)
		sb_addf(b, " ike-version %u\n", t->ike_version);
	if (t->ike_policy)
		sb_addf(b, " ike-policy %u\n", t->ike_policy);
	if (t->ipsec_policy[0])
		sb_addf(b, " ipsec-policy %s\n", t->ipsec_policy);
	render_ep(b, "local-address", &t->local);
	for (int i = 0; i < t->n_remote; i++)
		render_ep(b, "remote-address", &t->remote[i]);
	if (t->auth == ENG_AUTH_PSK) {
		sb_adds(b, " authentication pre-share key ");
		if (secrets)
			sb_addword(b, t->psk ? t->psk : "");
		else
			sb_adds(b, "*****");
		sb_adds(b, "\n");
	} else if (t->auth == ENG_AUTH_CERT) {
		sb_addf(b, " authentication certificate %s\n", t->trustpoint);
	}
	render_id(b, "local-id", &t->local_id);
	render_id(b, "remote-id", &t->remote_id);
	for (int i = 0; i < t->n_local_subnet; i++)
		sb_addf(b, " local-subnet %s\n", eng_prefix_str(&t->local_subnet[i], buf, sizeof(buf)));
	for (int i = 0; i < t->n_remote_subnet; i++)
		sb_addf(b, " remote-subnet %s\n",
			eng_prefix_str(&t->remote_subnet[i], buf, sizeof(buf)));
	if (t->negotiation_mode)
		sb_addf(b, " negotiation-mode %s\n", kw_name(kw_negmode, t->negotiation_mode));
	if (t->xauth_user) {
		sb_adds(b, " xauth username ");
		sb_addword(b, t->xauth_user);
		sb_adds(b, " password ");
		if (secrets)
			sb_addword(b, t->xauth_password ? t->xauth_password : "");
		else
			sb_adds(b, "*****");
		sb_adds(b, "\n");
	}
	if (t->dpd.interval) {
		sb_addf(b, " dpd interval %u timeout %u", t->dpd.interval, t->dpd.timeout);
		if (t->dpd.action)
			sb_addf(b, " action %s", kw_name(kw_dpd, t->dpd.action));
		sb_adds(b, "\n");
	}
	if (t->pfs_group)
		sb_addf(b, " pfs group %u\n", t->pfs_group);
	if (t->sa_lifetime_s) {
		sb_addf(b, " sa-lifetime %u", t->sa_lifetime_s);
		if (t->sa_lifetime_kb)
			sb_addf(b, " kilobytes %u", t->sa_lifetime_kb);
		sb_adds(b, "\n");
	}
	if (t->sa_idletime)
		sb_addf(b, " sa-idletime %u\n", t->sa_idletime);
	if (t->start_mode)
		sb_addf(b, " start-mode %s\n", kw_name(kw_start, t->start_mode));
	if (t->no_rekey)
		sb_adds(b, " no rekey\n");
	if (t->nat_traversal)
		sb_addf(b, " nat-traversal %s\n", kw_name(kw_natt, t->nat_traversal));
	if (t->mobike)
		sb_adds(b, " mobike\n");
	if (t->split_connection)
		sb_adds(b, " split-connection\n");
	if (t->send_cert)
		sb_addf(b, " send-cert %s\n", kw_name(kw_sendcert, t->send_cert));
	if (t->icmp.server.family) {
		char b2[64];
		sb_addf(b, " icmp-detect server %s source %s interval %u timeout %u retries %u\n",
			eng_addr_str(&t->icmp.server, buf, sizeof(buf)),
			eng_addr_str(&t->icmp.source, b2, sizeof(b2)), t->icmp.interval,
			t->icmp.timeout, t->icmp.retries);
	}
	if (t->xfrm_if.name[0])
		sb_addf(b, " xfrm-interface %s if-id %u\n", t->xfrm_if.name, t->xfrm_if.if_id);
	sb_adds(b, "!\n");
}
