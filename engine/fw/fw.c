/*
 * fw.c - the firewall seam's front: the ruleset text of `table inet ikesh`
 * built from the tunnels that ask for it, and applied through the
 * implementation chosen at open in one transaction.
 *
 * The transaction first declares the table and deletes it (so that the
 * delete never fails on a missing table), then declares it again with its
 * chains: the kernel swaps the old table for the new one atomically, and
 * no other table is named.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw_int.h"

/* ---- A growable text buffer, sticky on failure -------------------------- */

struct text {
	char *s;
	size_t len, cap;
	bool bad;
};

static void text_addf(struct text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_addf(struct text *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->bad)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->bad = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 1024;

		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->bad = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* ---- One tunnel's rules ---------------------------------------------------- */

static const char *fam_kw(const struct eng_addr *a)
{
	return a->family == AF_INET6 ? "ip6" : "ip";
}

/*
 * The tunnel's name goes into a comment between double quotes: tunnel
 * names are configuration words (letters, digits, - _ .), but a quote or a
 * backslash is refused here all the same rather than trusted.
 */
static bool name_ok(const char *name)
{
	if (!name || !name[0] || strlen(name) >= ENG_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* The input chain's rules: IKE and ESP/AH from the peers. */
static void input_rules(struct text *b, const char *pfx, const struct fw_tunnel *t)
{
	char a[64];

	if (t->any_peer) {
		text_addf(b, "%sudp dport { 500, 4500 } accept comment \"%s\"\n", pfx, t->name);
		text_addf(b, "%smeta l4proto { esp, ah } accept comment \"%s\"\n", pfx, t->name);
	}
	for (size_t i = 0; i < t->n_peer; i++) {
		const struct eng_addr *p = &t->peer[i];

		eng_addr_str(p, a, sizeof(a));
		text_addf(b, "%s%s saddr %s udp dport { 500, 4500 } accept comment \"%s\"\n", pfx,
			  fam_kw(p), a, t->name);
		text_addf(b, "%s%s saddr %s meta l4proto { esp, ah } accept comment \"%s\"\n", pfx,
			  fam_kw(p), a, t->name);
	}
}

/*
 * Each local/remote pair of one family: from the remote side it must have
 * come out of an SA (meta ipsec exists), to it it must be going into one
 * (rt ipsec exists: the route is an IPsec bundle); otherwise dropped, and
 * counted (`nft list table inet ikesh` shows what the rules stopped).  The
 * gateway's own addresses in a local subnet get the inbound check too.
 */
static void pair_rules(struct text *b, const char *in, const char *fwd, const struct fw_tunnel *t)
{
	char l[64], r[64];

	for (size_t i = 0; i < t->n_remote; i++) {
		const struct eng_prefix *rp = &t->remote[i];

		for (size_t j = 0; j < t->n_local; j++) {
			const struct eng_prefix *lp = &t->local[j];
			const char *f = fam_kw(&lp->addr);

			if (lp->addr.family != rp->addr.family)
				continue;
			eng_prefix_str(lp, l, sizeof(l));
			eng_prefix_str(rp, r, sizeof(r));
			if (in)
				text_addf(
				    b,
				    "%s%s saddr %s %s daddr %s meta ipsec missing counter drop "
				    "comment \"%s: in clear\"\n",
				    in, f, r, f, l, t->name);
			if (!fwd)
				continue;
			text_addf(b,
				  "%s%s saddr %s %s daddr %s meta ipsec exists accept comment "
				  "\"%s\"\n",
				  fwd, f, r, f, l, t->name);
			text_addf(
			    b, "%s%s saddr %s %s daddr %s counter drop comment \"%s: in clear\"\n",
			    fwd, f, r, f, l, t->name);
			text_addf(b,
				  "%s%s saddr %s %s daddr %s rt ipsec exists accept comment "
				  "\"%s\"\n",
				  fwd, f, l, f, r, t->name);
			text_addf(
			    b, "%s%s saddr %s %s daddr %s counter drop comment \"%s: in clear\"\n",
			    fwd, f, l, f, r, t->name);
		}
	}
}

int fw_tunnel_rules(const struct fw_tunnel *t, char *buf, size_t len)
{
	struct text b = {0};
	int rc = 0;

	if (!t || !buf || !len || !name_ok(t->name))
		return -EINVAL;
	input_rules(&b, "input: ", t);
	pair_rules(&b, "input: ", NULL, t);
	pair_rules(&b, NULL, "forward: ", t);
	if (b.bad) {
		rc = -ENOMEM;
		buf[0] = '\0';
	} else if (snprintf(buf, len, "%s", b.s ? b.s : "") >= (int)len) {
		rc = -ENOSPC;
	}
	free(b.s);
	return rc;
}

/* The whole transaction's text (NULL: out of memory or a bad name). */
static char *ruleset_text(const struct fw_tunnel *t, size_t n)
{
	struct text b = {0};

	text_addf(&b, "table inet %s\ndelete table inet %s\n", FW_TABLE, FW_TABLE);
	if (n) {
		text_addf(&b, "table inet %s {\n", FW_TABLE);
		text_addf(&b, "\tchain input {\n\t\ttype filter hook input priority filter; "
			      "policy accept;\n");
		for (size_t i = 0; i < n; i++) {
			input_rules(&b, "\t\t", &t[i]);
			pair_rules(&b, "\t\t", NULL, &t[i]);
		}
		text_addf(&b, "\t}\n\tchain forward {\n\t\ttype filter hook forward priority "
			      "filter; policy accept;\n");
		for (size_t i = 0; i < n; i++)
			pair_rules(&b, NULL, "\t\t", &t[i]);
		text_addf(&b, "\t}\n}\n");
	}
	if (b.bad) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* ---- The front ------------------------------------------------------------- */

int fw_open(enum fw_impl impl, struct fw **out)
{
	struct fw *fw;
	int rc;

	*out = NULL;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return -ENOMEM;
	fw->ops = impl == FW_IMPL_FAKE ? &fw_fake_ops : &fw_nft_ops;
	rc = fw->ops->open(fw);
	if (rc) {
		free(fw);
		return rc;
	}
	*out = fw;
	return 0;
}

void fw_close(struct fw *fw)
{
	if (!fw)
		return;
	if (fw->installed)
		fw_apply(fw, NULL, 0);
	fw->ops->close(fw);
	free(fw->installed);
	free(fw->last);
	free(fw);
}

int fw_apply(struct fw *fw, const struct fw_tunnel *t, size_t n)
{
	char *text;
	int rc;

	if (!fw || (n && !t))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!name_ok(t[i].name) || t[i].n_peer > FW_PEERS_MAX ||
		    t[i].n_local > ENG_SUBNETS_MAX || t[i].n_remote > ENG_SUBNETS_MAX) {
			snprintf(fw->err, sizeof(fw->err),
				 "tunnel %s: not a rule the engine writes",
				 t[i].name && name_ok(t[i].name) ? t[i].name : "?");
			return -EINVAL;
		}
	if (!n && !fw->installed)
		return 0; /* nothing of ours there: nothing to remove */
	text = ruleset_text(t, n);
	if (!text) {
		snprintf(fw->err, sizeof(fw->err), "out of memory");
		return -ENOMEM;
	}
	if (fw->installed && n && strcmp(fw->installed, text) == 0) {
		free(text);
		return 0;
	}
	fw->err[0] = '\0';
	rc = fw->ops->run(fw, text);
	if (rc) {
		free(text);
		if (!fw->err[0])
			snprintf(fw->err, sizeof(fw->err), "%s", strerror(-rc));
		return rc;
	}
	free(fw->installed);
	fw->installed = NULL;
	if (n)
		fw->installed = text;
	else
		free(text);
	return 0;
}

const char *fw_error(const struct fw *fw)
{
	return fw && fw->err[0] ? fw->err : "";
}

const char *fw_installed(const struct fw *fw)
{
	return fw && fw->installed ? fw->installed : "";
}

size_t fw_fake_transactions(const struct fw *fw)
{
	return fw && fw->ops == &fw_fake_ops ? fw->n_run : 0;
}

const char *fw_fake_last(const struct fw *fw)
{
	return fw && fw->ops == &fw_fake_ops && fw->last ? fw->last : "";
}

void fw_fake_fail_next(struct fw *fw, int err)
{
	if (fw && fw->ops == &fw_fake_ops)
		fw->fail_next = err;
}
