/*
 * impact.c - what a commit does to one tunnel's SAs: the rule, as one
 * table of the tunnel's effective settings.
 *
 * Each row names a setting as the command line spells it, says how to
 * compare it between running and the candidate (defaults resolved, its
 * ike-policy and ipsec-policy included), and what a change of it does.
 * The runtime (engine/runtime/runtime.c tun_sync) negotiates a tunnel
 * again, a new IKE SA and new CHILD_SAs, whenever the settings it hands
 * the IKE core change, and leaves the SAs alone otherwise; the rows mark
 * exactly those settings SA_RENEGOTIATE.  The rest take effect on the
 * SAs there are (description, sa-idletime) or are not acted on yet.
 * tests/runtime/test_impact.c checks the rows against what two engines
 * do.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

enum row_effect { SA_KEEP, SA_RENEGOTIATE };

struct impact_row {
	const char *name;
	enum row_effect effect;
	bool (*same)(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b);
};

static bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool ep_same(const struct eng_endpoint *a, const struct eng_endpoint *b)
{
	return a->kind == b->kind && eng_addr_equal(&a->addr, &b->addr) &&
	       str_same(a->name, b->name);
}

static bool id_same(const struct eng_ident *a, const struct eng_ident *b)
{
	return a->kind == b->kind && eng_addr_equal(&a->addr, &b->addr) &&
	       str_same(a->value, b->value);
}

static bool prefixes_same(const struct eng_prefix *a, uint8_t na, const struct eng_prefix *b,
			  uint8_t nb)
{
	if (na != nb)
		return false;
	for (uint8_t i = 0; i < na; i++)
		if (a[i].len != b[i].len || !eng_addr_equal(&a[i].addr, &b[i].addr))
			return false;
	return true;
}

static bool list_same(uint8_t na, const uint8_t *a, uint8_t nb, const uint8_t *b)
{
	return na == nb && memcmp(a, b, na) == 0;
}

#define T(x) (x)->t

static bool ike_version_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).ike_version == T(b).ike_version;
}

static bool ike_proposal_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	const struct eng_ikev2_policy *x = &a->ike2, *y = &b->ike2;

	return list_same(x->n_encr, x->encr, y->n_encr, y->encr) &&
	       list_same(x->n_integ, x->integ, y->n_integ, y->integ) &&
	       list_same(x->n_prf, x->prf, y->n_prf, y->prf) &&
	       list_same(x->n_group, x->group, y->n_group, y->group);
}

static bool ike_lifetime_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return a->ike2.lifetime == b->ike2.lifetime;
}

static bool child_proposal_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	const struct eng_ipsec_policy *x = &a->ipsec, *y = &b->ipsec;

	return x->proto == y->proto && x->mode == y->mode &&
	       list_same(x->n_encr, x->encr, y->n_encr, y->encr) &&
	       list_same(x->n_integ, x->integ, y->n_integ, y->integ);
}

static bool pfs_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).pfs_group == T(b).pfs_group;
}

static bool sa_lifetime_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).sa_lifetime_s == T(b).sa_lifetime_s &&
	       T(a).sa_lifetime_kb == T(b).sa_lifetime_kb;
}

static bool local_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return ep_same(&T(a).local, &T(b).local);
}

static bool remote_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	if (T(a).n_remote != T(b).n_remote)
		return false;
	for (uint8_t i = 0; i < T(a).n_remote; i++)
		if (!ep_same(&T(a).remote[i], &T(b).remote[i]))
			return false;
	return true;
}

static bool auth_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).auth == T(b).auth && str_same(T(a).psk, T(b).psk) &&
	       str_same(T(a).trustpoint, T(b).trustpoint);
}

static bool local_id_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return id_same(&T(a).local_id, &T(b).local_id);
}

static bool remote_id_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return id_same(&T(a).remote_id, &T(b).remote_id);
}

static bool local_subnet_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return prefixes_same(T(a).local_subnet, T(a).n_local_subnet, T(b).local_subnet,
			     T(b).n_local_subnet);
}

static bool remote_subnet_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return prefixes_same(T(a).remote_subnet, T(a).n_remote_subnet, T(b).remote_subnet,
			     T(b).n_remote_subnet);
}

static bool rekey_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).no_rekey == T(b).no_rekey;
}

static bool natt_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).nat_traversal == T(b).nat_traversal;
}

/* The IKE core acts on hold as on clear (eng_tunnel_not_in_effect). */
static uint8_t dpd_action(const struct eng_tunnel *t)
{
	return t->dpd.action == ENG_DPD_HOLD ? ENG_DPD_CLEAR : t->dpd.action;
}

static bool dpd_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).dpd.interval == T(b).dpd.interval && T(a).dpd.timeout == T(b).dpd.timeout &&
	       dpd_action(&T(a)) == dpd_action(&T(b));
}

/* auto initiates; on-demand and responder-only both wait (for traffic, for the peer) */
static bool start_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return (T(a).start_mode == ENG_START_AUTO) == (T(b).start_mode == ENG_START_AUTO);
}

static bool xfrm_if_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	uint16_t x = T(a).xfrm_if.name[0] ? T(a).xfrm_if.if_id : 0;
	uint16_t y = T(b).xfrm_if.name[0] ? T(b).xfrm_if.if_id : 0;

	return x == y;
}

static bool description_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return str_same(T(a).description, T(b).description);
}

static bool idletime_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).sa_idletime == T(b).sa_idletime;
}

static bool xfrm_name_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return strcmp(T(a).xfrm_if.name, T(b).xfrm_if.name) == 0;
}

static bool not_acted_on_same(const struct eng_tunnel_eff *a, const struct eng_tunnel_eff *b)
{
	return T(a).mobike == T(b).mobike && T(a).split_connection == T(b).split_connection &&
	       T(a).send_cert == T(b).send_cert && T(a).negotiation_mode == T(b).negotiation_mode &&
	       eng_addr_equal(&T(a).icmp.server, &T(b).icmp.server) &&
	       eng_addr_equal(&T(a).icmp.source, &T(b).icmp.source) &&
	       T(a).icmp.interval == T(b).icmp.interval && T(a).icmp.timeout == T(b).icmp.timeout &&
	       T(a).icmp.retries == T(b).icmp.retries &&
	       str_same(T(a).xauth_user, T(b).xauth_user) &&
	       str_same(T(a).xauth_password, T(b).xauth_password) &&
	       T(a).dpd.action == T(b).dpd.action && T(a).start_mode == T(b).start_mode;
}

static const struct impact_row rows[] = {
    {"ike-version", SA_RENEGOTIATE, ike_version_same},
    {"ike-policy proposal", SA_RENEGOTIATE, ike_proposal_same},
    {"ike-policy lifetime", SA_RENEGOTIATE, ike_lifetime_same},
    {"ipsec-policy proposal", SA_RENEGOTIATE, child_proposal_same},
    {"pfs", SA_RENEGOTIATE, pfs_same},
    {"sa-lifetime", SA_RENEGOTIATE, sa_lifetime_same},
    {"local-address", SA_RENEGOTIATE, local_same},
    {"remote-address", SA_RENEGOTIATE, remote_same},
    {"authentication", SA_RENEGOTIATE, auth_same},
    {"local-id", SA_RENEGOTIATE, local_id_same},
    {"remote-id", SA_RENEGOTIATE, remote_id_same},
    {"local-subnet", SA_RENEGOTIATE, local_subnet_same},
    {"remote-subnet", SA_RENEGOTIATE, remote_subnet_same},
    {"rekey", SA_RENEGOTIATE, rekey_same},
    {"nat-traversal", SA_RENEGOTIATE, natt_same},
    {"dpd", SA_RENEGOTIATE, dpd_same},
    {"start-mode", SA_RENEGOTIATE, start_same},
    {"xfrm-interface id", SA_RENEGOTIATE, xfrm_if_same},
    {"description", SA_KEEP, description_same},
    {"sa-idletime", SA_KEEP, idletime_same},
    {"xfrm-interface name", SA_KEEP, xfrm_name_same},
    {"settings not acted on yet", SA_KEEP, not_acted_on_same},
};

const char *eng_sa_impact_name(enum eng_sa_impact i)
{
	switch (i) {
	case ENG_IMPACT_KEPT:
		return "kept";
	case ENG_IMPACT_RENEGOTIATED:
		return "renegotiated";
	case ENG_IMPACT_CREATED:
		return "created";
	case ENG_IMPACT_TORN_DOWN:
		return "torn down";
	}
	return "?";
}

static void why_add(char *why, size_t len, const char *what)
{
	size_t n = strlen(why);

	if (n < len)
		snprintf(why + n, len - n, "%s%s", n ? ", " : "", what);
}

enum eng_sa_impact eng_tunnel_impact(const struct eng_tunnel_eff *old,
				     const struct eng_tunnel_eff *new_, char *why, size_t len)
{
	bool renegotiate = false;

	if (len)
		why[0] = '\0';
	if (!old && !new_)
		return ENG_IMPACT_KEPT;
	if (!old || T(old).shutdown)
		return new_ && !T(new_).shutdown ? ENG_IMPACT_CREATED : ENG_IMPACT_KEPT;
	if (!new_ || T(new_).shutdown)
		return ENG_IMPACT_TORN_DOWN;
	/* the settings that force new SAs first: they are the why */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].effect != SA_RENEGOTIATE || rows[i].same(old, new_))
			continue;
		renegotiate = true;
		why_add(why, len, rows[i].name);
	}
	if (renegotiate)
		return ENG_IMPACT_RENEGOTIATED;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].effect == SA_KEEP && !rows[i].same(old, new_))
			why_add(why, len, rows[i].name);
	return ENG_IMPACT_KEPT;
}
