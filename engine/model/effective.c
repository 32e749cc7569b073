/*
 * effective.c - configuration with every default resolved, as the IKE
 * layer uses it.  The defaults are listed in engine.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

static bool only_aead(uint8_t n, const uint8_t *e)
{
	if (n == 0)
		return false;
	for (uint8_t i = 0; i < n; i++)
		if (!eng_encr_is_aead(e[i]))
			return false;
	return true;
}

void eng_ikev2_effective(const struct eng_ikev2_policy *p, struct eng_ikev2_policy *out)
{
	struct eng_ikev2_policy r = {0};

	if (p)
		r = *p;
	if (!r.n_encr) {
		r.n_encr = 1;
		r.encr[0] = ENG_ENCR_AES256;
	}
	if (!r.n_integ && !only_aead(r.n_encr, r.encr)) {
		r.n_integ = 1;
		r.integ[0] = ENG_HASH_SHA256;
	}
	if (!r.n_prf) {
		if (r.n_integ) {
			r.n_prf = r.n_integ;
			memcpy(r.prf, r.integ, r.n_integ);
		} else {
			r.n_prf = 1;
			r.prf[0] = ENG_HASH_SHA256;
		}
	}
	if (!r.n_group) {
		r.n_group = 2;
		r.group[0] = 19;
		r.group[1] = 14;
	}
	if (!r.lifetime)
		r.lifetime = ENG_DEFAULT_IKE_LIFETIME;
	*out = r;
}

void eng_ikev1_effective(const struct eng_ikev1_policy *p, struct eng_ikev1_policy *out)
{
	struct eng_ikev1_policy r = {0};

	if (p)
		r = *p;
	if (!r.encr)
		r.encr = ENG_ENCR_AES256;
	if (!r.hash)
		r.hash = ENG_HASH_SHA256;
	if (!r.group)
		r.group = 14;
	if (!r.auth)
		r.auth = ENG_IKEAUTH_PSK;
	if (!r.lifetime)
		r.lifetime = ENG_DEFAULT_IKE_LIFETIME;
	*out = r;
}

void eng_ipsec_effective(const struct eng_ipsec_policy *p, struct eng_ipsec_policy *out)
{
	struct eng_ipsec_policy r = {0};

	if (p)
		r = *p;
	if (!r.proto)
		r.proto = ENG_PROTO_ESP;
	if (!r.mode)
		r.mode = ENG_MODE_TUNNEL;
	if (r.proto == ENG_PROTO_AH) {
		r.n_encr = 0;
		if (!r.n_integ) {
			r.n_integ = 1;
			r.integ[0] = ENG_HASH_SHA256;
		}
	} else if (!r.n_encr) {
		r.n_encr = 1;
		r.encr[0] = r.n_integ ? ENG_ENCR_AES256 : ENG_ENCR_AES256_GCM;
	} else if (!r.n_integ && !only_aead(r.n_encr, r.encr)) {
		/* refused by validation; resolved anyway for a complete view */
		r.n_integ = 1;
		r.integ[0] = ENG_HASH_SHA256;
	}
	if (!r.lifetime_s)
		r.lifetime_s = ENG_DEFAULT_IPSEC_LIFETIME;
	*out = r;
}

void eng_tunnel_defaults(struct eng_tunnel *t, const struct eng_ipsec_policy *ip)
{
	if (!t->ike_version)
		t->ike_version = 2;
	if (t->dpd.interval && !t->dpd.action)
		t->dpd.action = ENG_DEFAULT_DPD_ACTION;
	if (!t->start_mode)
		t->start_mode = ENG_START_AUTO;
	if (!t->nat_traversal)
		t->nat_traversal = ENG_NATT_AUTO;
	if (!t->send_cert)
		t->send_cert = ENG_SENDCERT_ON_REQUEST;
	if (!t->pfs_group)
		t->pfs_group = ip->pfs_group;
	if (!t->sa_lifetime_s)
		t->sa_lifetime_s = ip->lifetime_s;
	if (!t->sa_lifetime_kb)
		t->sa_lifetime_kb = ip->lifetime_kb;
}

/* What the configuration asks for and the engine does not do yet: said,
 * never silently ignored. */
void eng_tunnel_not_in_effect(const struct eng_tunnel *cfg, char *buf, size_t len)
{
	const struct {
		bool set;
		const char *what;
	} v[] = {
	    {cfg->mobike, "mobike"},
	    {cfg->split_connection, "split-connection"},
	    /* the IKE core acts on it when it signs with a certificate */
	    {cfg->send_cert != ENG_SENDCERT_DEFAULT && cfg->auth != ENG_AUTH_CERT, "send-cert"},
	    {cfg->dpd.action == ENG_DPD_HOLD, "dpd action hold (acts as clear)"},
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (!v[i].set)
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
				      v[i].what);
		if (n >= len)
			break;
	}
}
