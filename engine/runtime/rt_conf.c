/*
 * rt_conf.c - a committed tunnel's settings as the IKE core takes them:
 * addresses, proposals, identities, selectors, lifetimes.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rt_int.h"

/*
 * A committed tunnel always fits the IKE core: each limit the
 * configuration checks at commit (engine.h) is at most what the core's
 * settings hold (ikev2.h), so nothing is cut on the way down.
 */
_Static_assert(ENG_SECRET_MAX <= IKE_MAX_PSK, "a pre-shared key of ENG_SECRET_MAX bytes fits");
/* an algorithm or group list, whole, in one proposal (an AEAD split makes two) */
_Static_assert(ENG_LIST_MAX <= IKE_CONF_MAX_ALGS, "an algorithm list of ENG_LIST_MAX fits");
_Static_assert(ENG_ID_MAX <= IKE_MAX_ID, "a local-id or remote-id of ENG_ID_MAX bytes fits");
_Static_assert(ENG_SUBNETS_MAX <= IKE_CONF_MAX_SUBNETS, "every subnet entry is a selector");
_Static_assert(ENG_NAME_MAX <= sizeof(((struct ike_peer_conf *)0)->name),
	       "a tunnel's name is its IKE name, whole");

/* ---- Addresses between the layers --------------------------------------- */

void ike_addr_from(struct ike_addr *dst, const struct eng_addr *a, uint16_t port)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->addr, a->bytes, a->family == AF_INET ? 4 : 16);
	dst->port = port;
}

void eng_addr_from_ike(struct eng_addr *dst, const struct ike_addr *a)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->bytes, a->addr, a->family == AF_INET ? 4 : 16);
}

void kaddr_from_ike(struct kernel_addr *dst, const struct ike_addr *a)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->bytes, a->addr, a->family == AF_INET ? 4 : 16);
}

void ss_from_ike(struct sockaddr_storage *ss, const struct ike_addr *a)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->addr, 4);
		sin->sin_port = htons(a->port);
	} else if (a->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		sin6->sin6_port = htons(a->port);
	}
}

void ike_from_ss(struct ike_addr *a, const struct sockaddr_storage *ss)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		a->family = AF_INET;
		memcpy(a->addr, &sin->sin_addr, 4);
		a->port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		a->family = AF_INET6;
		memcpy(a->addr, &sin6->sin6_addr, 16);
		a->port = ntohs(sin6->sin6_port);
	}
}

/* The first address of an interface, of the family wanted (0 = any). */
static int iface_addr(const char *ifname, int family, struct eng_addr *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET && (!family || family == AF_INET)) {
			out->family = AF_INET;
			memcpy(out->bytes, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			rc = 0;
			break;
		}
		if (i->ifa_addr->sa_family == AF_INET6 && (!family || family == AF_INET6) &&
		    !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr)) {
			out->family = AF_INET6;
			memcpy(out->bytes, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

/* ---- Configuration -> IKE settings --------------------------------------- */

static uint16_t encr_id(uint8_t e, uint16_t *bits)
{
	*bits = 0;
	switch (e) {
	case ENG_ENCR_AES128:
		*bits = 128;
		return IKE_ENCR_AES_CBC;
	case ENG_ENCR_AES192:
		*bits = 192;
		return IKE_ENCR_AES_CBC;
	case ENG_ENCR_AES256:
		*bits = 256;
		return IKE_ENCR_AES_CBC;
	case ENG_ENCR_AES128_GCM:
		*bits = 128;
		return IKE_ENCR_AES_GCM_16;
	case ENG_ENCR_AES256_GCM:
		*bits = 256;
		return IKE_ENCR_AES_GCM_16;
	case ENG_ENCR_CHACHA20_POLY1305:
		return IKE_ENCR_CHACHA20_POLY1305;
	case ENG_ENCR_3DES:
		return IKE_ENCR_3DES;
	case ENG_ENCR_NULL:
		return IKE_ENCR_NULL;
	}
	return 0;
}

uint8_t encr_from_id(uint16_t id, uint16_t bits)
{
	switch (id) {
	case IKE_ENCR_AES_CBC:
		return bits == 128   ? ENG_ENCR_AES128
		       : bits == 192 ? ENG_ENCR_AES192
				     : ENG_ENCR_AES256;
	case IKE_ENCR_AES_GCM_8:
	case IKE_ENCR_AES_GCM_12:
	case IKE_ENCR_AES_GCM_16:
		return bits == 128 ? ENG_ENCR_AES128_GCM : ENG_ENCR_AES256_GCM;
	case IKE_ENCR_CHACHA20_POLY1305:
		return ENG_ENCR_CHACHA20_POLY1305;
	case IKE_ENCR_3DES:
		return ENG_ENCR_3DES;
	case IKE_ENCR_NULL:
		return ENG_ENCR_NULL;
	}
	return ENG_ENCR_NONE;
}

static const struct {
	uint8_t hash;
	uint16_t integ, prf;
} hash_ids[] = {
    {ENG_HASH_MD5, IKE_AUTH_HMAC_MD5_96, IKE_PRF_HMAC_MD5},
    {ENG_HASH_SHA1, IKE_AUTH_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1},
    {ENG_HASH_SHA256, IKE_AUTH_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256},
    {ENG_HASH_SHA384, IKE_AUTH_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384},
    {ENG_HASH_SHA512, IKE_AUTH_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512},
};

static uint16_t integ_id(uint8_t h)
{
	for (size_t i = 0; i < sizeof(hash_ids) / sizeof(hash_ids[0]); i++)
		if (hash_ids[i].hash == h)
			return hash_ids[i].integ;
	return 0;
}

static uint16_t prf_id(uint8_t h)
{
	for (size_t i = 0; i < sizeof(hash_ids) / sizeof(hash_ids[0]); i++)
		if (hash_ids[i].hash == h)
			return hash_ids[i].prf;
	return 0;
}

uint8_t hash_from_integ(uint16_t id)
{
	for (size_t i = 0; i < sizeof(hash_ids) / sizeof(hash_ids[0]); i++)
		if (hash_ids[i].integ == id)
			return hash_ids[i].hash;
	return ENG_HASH_NONE;
}

uint8_t hash_from_prf(uint16_t id)
{
	for (size_t i = 0; i < sizeof(hash_ids) / sizeof(hash_ids[0]); i++)
		if (hash_ids[i].prf == id)
			return hash_ids[i].hash;
	return ENG_HASH_NONE;
}

/*
 * One configured cipher list becomes at most two proposals: RFC 7296 §3.3
 * does not let an AEAD cipher share a proposal with integrity algorithms.
 */
static void add_props(struct ike_prop_conf *props, size_t *n, size_t max, const uint8_t *encr,
		      uint8_t n_encr, const uint8_t *integ, uint8_t n_integ)
{
	struct ike_prop_conf aead = {0}, plain = {0};

	for (uint8_t i = 0; i < n_encr; i++) {
		uint16_t bits, id = encr_id(encr[i], &bits);
		struct ike_prop_conf *p = eng_encr_is_aead(encr[i]) ? &aead : &plain;

		if (!id || p->n_encr == IKE_CONF_MAX_ALGS)
			continue;
		p->encr[p->n_encr] = id;
		p->encr_bits[p->n_encr++] = bits;
	}
	for (uint8_t i = 0; i < n_integ && plain.n_integ < IKE_CONF_MAX_ALGS; i++)
		if (integ_id(integ[i]))
			plain.integ[plain.n_integ++] = integ_id(integ[i]);
	if (aead.n_encr && *n < max)
		props[(*n)++] = aead;
	if (plain.n_encr && *n < max)
		props[(*n)++] = plain;
}

static int id_conf(struct ike_id_conf *id, const struct eng_ident *e, const char *which, char *why,
		   size_t why_len)
{
	const char *v = e->value ? e->value : "";

	memset(id, 0, sizeof(*id));
	switch (e->kind) {
	case ENG_ID_DEFAULT:
		return 0;
	case ENG_ID_ADDRESS:
		id->type = e->addr.family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
		id->len = e->addr.family == AF_INET ? 4 : 16;
		memcpy(id->data, e->addr.bytes, id->len);
		return 0;
	case ENG_ID_FQDN:
	case ENG_ID_USER_FQDN:
	case ENG_ID_KEY_ID:
		id->type = e->kind == ENG_ID_FQDN	 ? IKE_ID_FQDN
			   : e->kind == ENG_ID_USER_FQDN ? IKE_ID_RFC822_ADDR
							 : IKE_ID_KEY_ID;
		id->len = strlen(v);
		if (id->len > sizeof(id->data)) {
			snprintf(why, why_len, "%s is longer than %zu bytes", which,
				 sizeof(id->data));
			return -EINVAL;
		}
		memcpy(id->data, v, id->len);
		return 0;
	case ENG_ID_ANY:
		/* accept whatever the peer says (responder with remote-id any) */
		id->type = 0;
		return 0;
	case ENG_ID_DN:
		/* the DER Name of RFC 7296 §3.5 ID_DER_ASN1_DN; a remote-id with
		 * "*" values is a pattern the IKE core matches per attribute */
		id->type = IKE_ID_DER_ASN1_DN;
		if (rt_dn_der(v, id->data, sizeof(id->data), &id->len)) {
			snprintf(why, why_len, "%s dn %s is not a distinguished name", which, v);
			return -EINVAL;
		}
		return 0;
	default:
		snprintf(why, why_len, "%s kind %u is not supported", which, e->kind);
		return -EOPNOTSUPP;
	}
}

static void subnet_conf(struct ike_subnet *s, const struct eng_prefix *p)
{
	memset(s, 0, sizeof(*s));
	s->family = p->addr.family;
	memcpy(s->addr, p->addr.bytes, 16);
	s->prefixlen = p->len;
	s->port_end = 65535;
}

/* The host itself as a subnet, for tunnels without subnets (host-to-host). */
static void host_subnet(struct ike_subnet *s, const struct ike_addr *a)
{
	memset(s, 0, sizeof(*s));
	s->family = a->family;
	memcpy(s->addr, a->addr, 16);
	s->prefixlen = a->family == AF_INET ? 32 : 128;
	s->port_end = 65535;
}

static uint16_t peer_port(const struct eng_rt *rt)
{
	return rt->opts.peer_port ? rt->opts.peer_port : IKE_PORT;
}

static uint16_t own_port(const struct eng_rt *rt)
{
	return rt->opts.ike_port ? rt->opts.ike_port : IKE_PORT;
}

/*
 * The IKE settings of one running tunnel.  Returns 0, or -errno with a
 * sentence in why when the tunnel cannot negotiate (yet).
 */
int tunnel_conf(struct eng_rt *rt, struct rt_tun *rt_t, struct ike_peer_conf *c, char *why,
		size_t why_len)
{
	const struct eng_tunnel *t = &rt_t->cfg;
	const struct eng_ikev2_policy ike2 = rt_t->ike2;
	const struct eng_ipsec_policy ipsec = rt_t->ipsec;
	struct eng_addr local = {0}, remote = {0};
	uint8_t pfs;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", t->name);
	if (t->ike_version == 1) {
		snprintf(why, why_len, "IKEv1 is not implemented by this engine yet");
		return -EOPNOTSUPP;
	}
	if (t->auth == ENG_AUTH_CERT) {
		rc = rt_cert_conf(&rt_t->creds, t, &c->cert, why, why_len);
		if (rc)
			return rc;
	} else if (t->auth != ENG_AUTH_PSK || !t->psk) {
		snprintf(why, why_len, "authentication is not configured");
		return -EINVAL;
	}

	/* Addresses: the remote entry in use; the local address or interface. */
	if (t->n_remote) {
		const struct eng_endpoint *ep = &t->remote[rt_t->remote_idx % t->n_remote];

		if (ep->kind == ENG_EP_ADDR) {
			remote = ep->addr;
		} else if (ep->kind == ENG_EP_HOST) {
			if (rt_t->resolved.family && rt_t->resolved_idx == rt_t->remote_idx) {
				remote = rt_t->resolved;
			} else {
				snprintf(why, why_len, "resolving remote-address %s",
					 ep->name ? ep->name : "");
				return -EINPROGRESS;
			}
		}
	}
	if (t->local.kind == ENG_EP_ADDR) {
		local = t->local.addr;
	} else if (t->local.kind == ENG_EP_IFACE) {
		rc = iface_addr(t->local.name, remote.family, &local);
		if (rc) {
			snprintf(why, why_len, "local-address interface %s has no usable address",
				 t->local.name);
			return rc;
		}
	}
	if (!local.family) {
		snprintf(why, why_len, "no local-address");
		return -EDESTADDRREQ;
	}
	if (remote.family && remote.family != local.family) {
		snprintf(why, why_len, "local and remote addresses are of different families");
		return -EAFNOSUPPORT;
	}
	ike_addr_from(&c->local, &local, own_port(rt));
	if (remote.family)
		ike_addr_from(&c->remote, &remote, peer_port(rt));
	/* the sockets' NAT-T port, and the peer's: 0 leaves the RFC's 4500 */
	c->natt_local_port = rt->opts.natt_port;
	c->natt_remote_port = rt->opts.peer_natt_port;

	add_props(c->ike, &c->n_ike, IKE_CONF_MAX_PROPS, ike2.encr, ike2.n_encr, ike2.integ,
		  ike2.n_integ);
	for (size_t i = 0; i < c->n_ike; i++) {
		for (uint8_t j = 0; j < ike2.n_prf && c->ike[i].n_prf < IKE_CONF_MAX_ALGS; j++)
			c->ike[i].prf[c->ike[i].n_prf++] = prf_id(ike2.prf[j]);
		for (uint8_t j = 0; j < ike2.n_group && c->ike[i].n_dh < IKE_CONF_MAX_ALGS; j++)
			c->ike[i].dh[c->ike[i].n_dh++] = ike2.group[j];
	}
	{
		struct ike_prop_conf props[2];
		size_t np = 0;

		add_props(props, &np, 2, ipsec.encr, ipsec.n_encr, ipsec.integ, ipsec.n_integ);
		if (ipsec.proto == ENG_PROTO_AH) {
			memset(props, 0, sizeof(props));
			np = 1;
			for (uint8_t i = 0; i < ipsec.n_integ && i < IKE_CONF_MAX_ALGS; i++)
				props[0].integ[props[0].n_integ++] = integ_id(ipsec.integ[i]);
		}
		if (np == 0) {
			snprintf(why, why_len, "ipsec-policy offers no usable transform");
			return -EINVAL;
		}
		/* one CHILD proposal: commit refuses AEAD and integrity ciphers in one
		 * ipsec-policy (validate.c check_ipsec), so props[1] is never filled */
		c->child = props[0];
	}
	pfs = t->pfs_group ? t->pfs_group : ipsec.pfs_group;
	if (pfs)
		c->child.dh[c->child.n_dh++] = pfs;
	c->child_proto = ipsec.proto == ENG_PROTO_AH ? IKE_PROTO_AH : IKE_PROTO_ESP;
	c->mode = ipsec.mode == ENG_MODE_TRANSPORT ? IKE_MODE_TRANSPORT : IKE_MODE_TUNNEL;

	c->psk_len = t->auth == ENG_AUTH_PSK ? strlen(t->psk) : 0;
	if (c->psk_len > sizeof(c->psk)) {
		snprintf(why, why_len, "the pre-shared key is longer than %zu bytes",
			 sizeof(c->psk));
		return -EINVAL;
	}
	if (c->psk_len)
		memcpy(c->psk, t->psk, c->psk_len);
	rc = id_conf(&c->local_id, &t->local_id, "local-id", why, why_len);
	if (!rc)
		rc = id_conf(&c->remote_id, &t->remote_id, "remote-id", why, why_len);
	if (rc)
		return rc;

	for (uint8_t i = 0; i < t->n_local_subnet; i++)
		subnet_conf(&c->local_net[c->n_local_net++], &t->local_subnet[i]);
	for (uint8_t i = 0; i < t->n_remote_subnet; i++)
		subnet_conf(&c->remote_net[c->n_remote_net++], &t->remote_subnet[i]);
	if (t->gre.name[0]) {
		/* GRE over IPsec: GRE between the endpoints only, transport mode */
		if (!c->remote.family) {
			snprintf(why, why_len, "gre-tunnel needs the peer's address");
			return -EDESTADDRREQ;
		}
		c->n_local_net = c->n_remote_net = 0;
		host_subnet(&c->local_net[c->n_local_net++], &c->local);
		host_subnet(&c->remote_net[c->n_remote_net++], &c->remote);
		c->local_net[0].proto = c->remote_net[0].proto = IPPROTO_GRE;
		c->mode = IKE_MODE_TRANSPORT;
	}
	if (!c->n_local_net)
		host_subnet(&c->local_net[c->n_local_net++], &c->local);
	if (!c->n_remote_net && c->remote.family)
		host_subnet(&c->remote_net[c->n_remote_net++], &c->remote);

	c->ike_lifetime_s = ike2.lifetime;
	c->child_lifetime_s = t->sa_lifetime_s ? t->sa_lifetime_s : ipsec.lifetime_s;
	c->child_lifetime_kb = t->sa_lifetime_kb ? t->sa_lifetime_kb : ipsec.lifetime_kb;
	/* `no rekey`: the SAs run out at their lifetime instead */
	c->no_rekey = t->no_rekey;
	c->natt = t->nat_traversal == ENG_NATT_FORCE	 ? IKE_NATT_FORCE
		  : t->nat_traversal == ENG_NATT_DISABLE ? IKE_NATT_DISABLE
							 : IKE_NATT_AUTO;
	c->if_id = t->xfrm_if.name[0] ? t->xfrm_if.if_id : 0;
	c->fragmentation = t->fragmentation;
	c->frag_mtu = t->frag_mtu ? t->frag_mtu : ENG_FRAG_MTU_DEFAULT;
	c->dpd_interval_s = t->dpd.interval;
	c->dpd_timeout_s = t->dpd.timeout;
	c->dpd_action = t->dpd.action == ENG_DPD_CLEAR || t->dpd.action == ENG_DPD_HOLD
			    ? IKE_DPD_CLEAR
			    : IKE_DPD_RESTART;
	c->start = t->start_mode == ENG_START_RESPONDER || t->start_mode == ENG_START_ON_DEMAND
		       ? IKE_START_RESPONDER_ONLY
		       : IKE_START_AUTO;
	if (!remote.family && c->start == IKE_START_AUTO) {
		snprintf(why, why_len, "no remote-address to initiate to");
		return -EDESTADDRREQ;
	}
	return 0;
}
