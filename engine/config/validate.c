/*
 * validate.c - the rules a whole configuration must keep before it is
 * committed.  Every violation is reported, one line each, naming its
 * object; nothing stops at the first.
 *
 * Rules (RFC 7296 for IKEv2, RFC 2409 for IKEv1, RFC 4303/4302 for ESP/AH):
 *  - ikev2 policy: only AEAD ciphers -> a prf is needed (AEAD gives none)
 *    and no integrity (RFC 5282 §8: an AEAD proposal has no INTEG);
 *  - ipsec policy: AH takes no encryption; AEAD ciphers take no
 *    integrity; non-AEAD ciphers (null included) need integrity.  An ESP
 *    policy with integrity but no encryption uses aes256 (CBC), see
 *    eng_ipsec_effective();
 *  - tunnel: ike-policy exists in the table of its ike-version; the
 *    ipsec-policy exists; negotiation-mode and xauth are IKEv1 only,
 *    mobike IKEv2 only; a remote-address unless responder-only, and
 *    `any` only alone and only with responder-only; authentication is set,
 *    pre-share has a key, certificate a trustpoint; IKEv1 carries one
 *    subnet per side; xfrm-interface if-id is unique across tunnels.
 */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static bool all_aead(uint8_t n, const uint8_t *encr)
{
	if (n == 0)
		return false;
	for (uint8_t i = 0; i < n; i++)
		if (!eng_encr_is_aead(encr[i]))
			return false;
	return true;
}

static void check_ikev2(const struct eng_ikev2_policy *p, struct eng_diag *d)
{
	if (!all_aead(p->n_encr, p->encr))
		return;
	if (p->n_prf == 0)
		eng_diag_addf(d, "ikev2 policy %u: AEAD encryption (%s) needs a prf", p->id,
			      eng_encr_name(p->encr[0]));
	if (p->n_integ)
		eng_diag_addf(d, "ikev2 policy %u: AEAD encryption (%s) takes no integrity", p->id,
			      eng_encr_name(p->encr[0]));
}

static void check_ipsec(const struct eng_ipsec_policy *p, struct eng_diag *d)
{
	int aead = -1, plain = -1;

	if (p->proto == ENG_PROTO_AH) {
		if (p->n_encr)
			eng_diag_addf(d, "ipsec policy %s: protocol ah takes no encryption",
				      p->name);
		return;
	}
	for (uint8_t i = 0; i < p->n_encr; i++) {
		if (eng_encr_is_aead(p->encr[i]) && aead < 0)
			aead = p->encr[i];
		else if (!eng_encr_is_aead(p->encr[i]) && plain < 0)
			plain = p->encr[i];
	}
	if (aead >= 0 && p->n_integ)
		eng_diag_addf(d, "ipsec policy %s: AEAD encryption (%s) takes no integrity",
			      p->name, eng_encr_name(aead));
	if (plain >= 0 && !p->n_integ)
		eng_diag_addf(d, "ipsec policy %s: encryption %s needs integrity", p->name,
			      eng_encr_name(plain));
}

static void check_tunnel(const struct eng_cfg *c, const struct eng_tunnel *t, struct eng_diag *d)
{
	unsigned ver = t->ike_version ? t->ike_version : 2;
	const char *n = t->name;
	bool responder = t->start_mode == ENG_START_RESPONDER, any = false;

	if (t->ike_policy) {
		enum eng_kind own = ver == 1 ? ENG_OBJ_IKEV1 : ENG_OBJ_IKEV2;
		enum eng_kind other = ver == 1 ? ENG_OBJ_IKEV2 : ENG_OBJ_IKEV1;

		if (!cfg_find(c, own, t->ike_policy, NULL)) {
			if (cfg_find(c, other, t->ike_policy, NULL))
				eng_diag_addf(
				    d,
				    "tunnel %s: ike-policy %u is an IKEv%u policy, but the "
				    "tunnel uses ike-version %u",
				    n, t->ike_policy, 3 - ver, ver);
			else
				eng_diag_addf(d, "tunnel %s: ike-policy %u does not exist", n,
					      t->ike_policy);
		}
	}
	if (t->ipsec_policy[0] && !cfg_find(c, ENG_OBJ_IPSEC, 0, t->ipsec_policy))
		eng_diag_addf(d, "tunnel %s: ipsec-policy %s does not exist", n, t->ipsec_policy);
	if (ver == 2 && t->negotiation_mode)
		eng_diag_addf(d, "tunnel %s: negotiation-mode is for ike-version 1 only", n);
	if (ver == 2 && (t->xauth_user || t->xauth_password))
		eng_diag_addf(d, "tunnel %s: xauth is for ike-version 1 only", n);
	if (ver == 1 && t->mobike)
		eng_diag_addf(d, "tunnel %s: mobike is for ike-version 2 only", n);
	if (ver == 1 && t->fragmentation)
		eng_diag_addf(d, "tunnel %s: fragmentation is for ike-version 2 only", n);
	for (uint8_t i = 0; i < t->n_remote && i < ENG_PEER_ADDRS_MAX; i++)
		any |= t->remote[i].kind == ENG_EP_ANY;
	if (t->n_remote == 0 && !responder)
		eng_diag_addf(d,
			      "tunnel %s: remote-address is needed unless start-mode is "
			      "responder-only",
			      n);
	if (any && !responder)
		eng_diag_addf(d, "tunnel %s: remote-address any needs start-mode responder-only",
			      n);
	/* GRE over IPsec protects GRE between the two endpoints, nothing else */
	if (t->gre.name[0] && (t->n_local_subnet || t->n_remote_subnet))
		eng_diag_addf(d,
			      "tunnel %s: gre-tunnel protects GRE between the endpoints: "
			      "no local-subnet or remote-subnet with it",
			      n);
	if (t->gre.name[0] && (any || t->local.kind != ENG_EP_ADDR))
		eng_diag_addf(d,
			      "tunnel %s: gre-tunnel needs a local-address and a remote-address "
			      "that are addresses",
			      n);
	if (t->gre.name[0] && t->xfrm_if.name[0])
		eng_diag_addf(d, "tunnel %s: gre-tunnel and xfrm-interface exclude each other", n);
	if (any && t->n_remote > 1)
		eng_diag_addf(d, "tunnel %s: remote-address any cannot be combined with addresses",
			      n);
	switch (t->auth) {
	case ENG_AUTH_NONE:
		eng_diag_addf(d, "tunnel %s: authentication is not configured", n);
		break;
	case ENG_AUTH_PSK:
		if (!t->psk || !t->psk[0])
			eng_diag_addf(d, "tunnel %s: authentication pre-share needs a key", n);
		break;
	case ENG_AUTH_CERT:
		if (!t->trustpoint || !t->trustpoint[0])
			eng_diag_addf(d, "tunnel %s: authentication certificate needs a trustpoint",
				      n);
		break;
	default:
		break;
	}
	if (ver == 1 && t->n_local_subnet > 1)
		eng_diag_addf(d, "tunnel %s: IKEv1 negotiates one local-subnet, not %u", n,
			      t->n_local_subnet);
	if (ver == 1 && t->n_remote_subnet > 1)
		eng_diag_addf(d, "tunnel %s: IKEv1 negotiates one remote-subnet, not %u", n,
			      t->n_remote_subnet);
}

void eng_validate(const struct eng_cfg *c, struct eng_diag *d)
{
	const struct eng_tab *t;
	uint32_t *ifid = NULL; /* tunnel index + 1 by if-id */

	t = &c->t[ENG_OBJ_IKEV2];
	for (size_t i = 0; i < t->n; i++)
		check_ikev2(&t->v[i]->u.ikev2, d);
	t = &c->t[ENG_OBJ_IPSEC];
	for (size_t i = 0; i < t->n; i++)
		check_ipsec(&t->v[i]->u.ipsec, d);
	t = &c->t[ENG_OBJ_TUNNEL];
	for (size_t i = 0; i < t->n; i++) {
		const struct eng_tunnel *x = &t->v[i]->u.tunnel;

		check_tunnel(c, x, d);
		if (!x->xfrm_if.name[0] || !x->xfrm_if.if_id)
			continue;
		if (!ifid) {
			ifid = calloc(65536, sizeof(*ifid));
			if (!ifid) {
				eng_diag_addf(d, "out of memory checking xfrm-interface if-ids");
				continue;
			}
		}
		if (ifid[x->xfrm_if.if_id])
			eng_diag_addf(
			    d, "tunnel %s: xfrm-interface if-id %u is also used by tunnel %s",
			    x->name, x->xfrm_if.if_id,
			    t->v[ifid[x->xfrm_if.if_id] - 1]->u.tunnel.name);
		else
			ifid[x->xfrm_if.if_id] = (uint32_t)i + 1;
	}
	free(ifid);
}
