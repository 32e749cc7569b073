/*
 * effective.c - configuration with every default resolved, as the IKE
 * layer uses it.  The defaults are listed in engine.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eng_int.h"
#include "ctl/ctl.h"

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

int eng_tunnel_effective(struct eng_sess *sess, enum eng_db db, const char *name,
			 struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
			 struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec)
{
	if (ENG_REMOTE(sess) && name && out)
		return ctl_tunnel_effective(sess, db, name, out, ike2, ike1, ipsec);
	struct eng_ipsec_policy ip_raw, ip;
	bool have_ip = false;
	char key[8];
	int rc;

	if (!out)
		return -EINVAL;
	rc = eng_obj_get(sess, db, ENG_OBJ_TUNNEL, name, out);
	if (rc)
		return rc;
	if (!out->ike_version)
		out->ike_version = 2;
	if (out->dpd.interval && !out->dpd.action)
		out->dpd.action = ENG_DEFAULT_DPD_ACTION;
	if (!out->start_mode)
		out->start_mode = ENG_START_AUTO;
	if (!out->nat_traversal)
		out->nat_traversal = ENG_NATT_AUTO;
	if (!out->send_cert)
		out->send_cert = ENG_SENDCERT_ON_REQUEST;
	if (out->ipsec_policy[0] &&
	    eng_obj_get(sess, db, ENG_OBJ_IPSEC, out->ipsec_policy, &ip_raw) == 0)
		have_ip = true;
	eng_ipsec_effective(have_ip ? &ip_raw : NULL, &ip);
	if (!out->pfs_group)
		out->pfs_group = ip.pfs_group;
	if (!out->sa_lifetime_s)
		out->sa_lifetime_s = ip.lifetime_s;
	if (!out->sa_lifetime_kb)
		out->sa_lifetime_kb = ip.lifetime_kb;
	if (ipsec)
		*ipsec = ip;
	snprintf(key, sizeof(key), "%u", out->ike_policy);
	if (ike2) {
		struct eng_ikev2_policy raw;
		bool have = out->ike_version == 2 && out->ike_policy &&
			    eng_obj_get(sess, db, ENG_OBJ_IKEV2, key, &raw) == 0;

		memset(ike2, 0, sizeof(*ike2));
		if (out->ike_version == 2)
			eng_ikev2_effective(have ? &raw : NULL, ike2);
	}
	if (ike1) {
		struct eng_ikev1_policy raw;
		bool have = out->ike_version == 1 && out->ike_policy &&
			    eng_obj_get(sess, db, ENG_OBJ_IKEV1, key, &raw) == 0;

		memset(ike1, 0, sizeof(*ike1));
		if (out->ike_version == 1)
			eng_ikev1_effective(have ? &raw : NULL, ike1);
	}
	return 0;
}

void eng_global_hostname(struct eng *eng, char buf[ENG_HOSTNAME_MAX])
{
	if (eng && eng->remote) {
		ctl_hostname(eng, buf);
		return;
	}
	const struct eng_node *n = eng ? cfg_find(eng->running, ENG_OBJ_GLOBAL, 0, "") : NULL;

	snprintf(buf, ENG_HOSTNAME_MAX, "%s",
		 n && n->u.global.hostname[0] ? n->u.global.hostname : ENG_DEFAULT_HOSTNAME);
}
