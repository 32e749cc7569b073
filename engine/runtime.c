/*
 * runtime.c - committed tunnels become IKE negotiations and kernel state.
 *
 * The glue between the configuration store and three lower layers, each
 * behind its own header: the IKEv2 protocol core (ike/ikev2.h), the IKE
 * sockets (net/ike_sock.h) and the kernel seam (kernel/kernel.h).  After
 * every change of the running configuration eng_rt_sync() compares each
 * tunnel's effective IKE settings with what the IKE core has: a tunnel
 * whose settings did not change keeps its SAs untouched; a changed one is
 * replaced; a removed or shut one is torn down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "eng_int.h"
#include "eng_test.h"
#include "ike_proto.h"
#include "ike_sock.h"
#include "ikev2.h"
#include "kernel.h"
#include "xform.h"
#include "ctl/ctl.h"

#define RT_CHILDREN	 ENG_STATUS_CHILDREN
#define RT_POLICIES	 (ENG_SUBNETS_MAX * ENG_SUBNETS_MAX * 3)
#define RT_REPLAY_WINDOW 64

/* One CHILD_SA pair as installed, for counters and removal. */
struct rt_child {
	struct kernel_sa_id in, out;
	struct eng_child_status st;
	/* what the kernel counted before `clear crypto ipsec sa counters` */
	struct eng_sa_count base_in, base_out;
};

struct rt_tun {
	char name[ENG_NAME_MAX];
	uint32_t id;
	bool present;	 /* still in running (sync mark) */
	bool configured; /* handed to the IKE core */
	struct ike_peer_conf conf;
	uint8_t start_mode;
	enum eng_tun_state state;
	char reason[256];
	time_t reason_at;
	/* kernel state this tunnel owns */
	size_t n_child;
	struct rt_child child[RT_CHILDREN];
	size_t n_pol;
	struct kernel_policy_id pol[RT_POLICIES];
	struct eng_sa_count total_in, total_out;
};

struct eng_rt {
	struct eng *eng;
	struct eng_runtime_opts opts;
	struct kernel *k;
	struct ike_engine *ike;
	struct ike_sock sock;
	int kernel_ev_fd;
	struct rt_tun **tun;
	size_t n_tun, cap_tun;
	uint32_t next_id;
	uint8_t *rxbuf;
};

const char *eng_tun_state_name(enum eng_tun_state st)
{
	switch (st) {
	case ENG_TUN_DOWN:
		return "DOWN";
	case ENG_TUN_SHUTDOWN:
		return "ADMIN-DOWN";
	case ENG_TUN_IDLE:
		return "IDLE";
	case ENG_TUN_CONNECTING:
		return "DOWN-NEGOTIATING";
	case ENG_TUN_UP:
		return "UP-ACTIVE";
	case ENG_TUN_IKE_NO_CHILD:
		return "UP-NO-IPSEC";
	}
	return "?";
}

/* ---- Addresses between the layers --------------------------------------- */

static void ike_addr_from(struct ike_addr *dst, const struct eng_addr *a, uint16_t port)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->addr, a->bytes, a->family == AF_INET ? 4 : 16);
	dst->port = port;
}

static void eng_addr_from_ike(struct eng_addr *dst, const struct ike_addr *a)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->bytes, a->addr, a->family == AF_INET ? 4 : 16);
}

static void kaddr_from_ike(struct kernel_addr *dst, const struct ike_addr *a)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = a->family;
	memcpy(dst->bytes, a->addr, a->family == AF_INET ? 4 : 16);
}

static void ss_from_ike(struct sockaddr_storage *ss, const struct ike_addr *a)
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

static void ike_from_ss(struct ike_addr *a, const struct sockaddr_storage *ss)
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

static uint8_t encr_from_id(uint16_t id, uint16_t bits)
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

static uint8_t hash_from_integ(uint16_t id)
{
	for (size_t i = 0; i < sizeof(hash_ids) / sizeof(hash_ids[0]); i++)
		if (hash_ids[i].integ == id)
			return hash_ids[i].hash;
	return ENG_HASH_NONE;
}

static uint8_t hash_from_prf(uint16_t id)
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
	default:
		snprintf(why, why_len,
			 "%s dn needs certificate authentication, not implemented yet", which);
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
	return rt->opts.peer_port ? rt->opts.peer_port : 500;
}

static uint16_t own_port(const struct eng_rt *rt)
{
	return rt->opts.ike_port ? rt->opts.ike_port : 500;
}

/*
 * The IKE settings of one running tunnel.  Returns 0, or -errno with a
 * sentence in why when the tunnel cannot negotiate (yet).
 */
static int tunnel_conf(struct eng_rt *rt, const struct eng_tunnel *t, struct ike_peer_conf *c,
		       char *why, size_t why_len)
{
	const struct eng_cfg *run = rt->eng->running;
	struct eng_ikev2_policy ike2;
	struct eng_ipsec_policy ipsec;
	const struct eng_node *n;
	struct eng_addr local = {0}, remote = {0};
	uint8_t pfs;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", t->name);
	if (t->ike_version == 1) {
		snprintf(why, why_len, "IKEv1 is not implemented by this engine yet");
		return -EOPNOTSUPP;
	}
	if (t->auth != ENG_AUTH_PSK || !t->psk) {
		snprintf(why, why_len, "certificate authentication is not implemented yet");
		return -EOPNOTSUPP;
	}
	n = t->ike_policy ? cfg_find(run, ENG_OBJ_IKEV2, t->ike_policy, NULL) : NULL;
	eng_ikev2_effective(n ? &n->u.ikev2 : NULL, &ike2);
	n = t->ipsec_policy[0] ? cfg_find(run, ENG_OBJ_IPSEC, 0, t->ipsec_policy) : NULL;
	eng_ipsec_effective(n ? &n->u.ipsec : NULL, &ipsec);

	/* Addresses: the first literal remote; the local address or interface. */
	for (uint8_t i = 0; i < t->n_remote && !remote.family; i++) {
		if (t->remote[i].kind == ENG_EP_ADDR)
			remote = t->remote[i].addr;
		else if (t->remote[i].kind == ENG_EP_HOST && i + 1 == t->n_remote) {
			snprintf(why, why_len, "remote-address %s: host names are not resolved yet",
				 t->remote[i].name ? t->remote[i].name : "");
			return -EOPNOTSUPP;
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
		/* the protocol core takes one CHILD proposal: prefer AEAD */
		c->child = props[0];
	}
	pfs = t->pfs_group ? t->pfs_group : ipsec.pfs_group;
	if (pfs)
		c->child.dh[c->child.n_dh++] = pfs;
	c->child_proto = ipsec.proto == ENG_PROTO_AH ? IKE_PROTO_AH : IKE_PROTO_ESP;
	c->mode = ipsec.mode == ENG_MODE_TRANSPORT ? IKE_MODE_TRANSPORT : IKE_MODE_TUNNEL;

	c->psk_len = strlen(t->psk);
	if (c->psk_len > sizeof(c->psk)) {
		snprintf(why, why_len, "the pre-shared key is longer than %zu bytes",
			 sizeof(c->psk));
		return -EINVAL;
	}
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
	if (!c->n_local_net)
		host_subnet(&c->local_net[c->n_local_net++], &c->local);
	if (!c->n_remote_net && c->remote.family)
		host_subnet(&c->remote_net[c->n_remote_net++], &c->remote);

	c->ike_lifetime_s = t->no_rekey ? 0 : ike2.lifetime;
	c->child_lifetime_s =
	    t->no_rekey ? 0 : (t->sa_lifetime_s ? t->sa_lifetime_s : ipsec.lifetime_s);
	c->dpd_interval_s = t->dpd.interval;
	c->dpd_timeout_s = t->dpd.timeout;
	c->start = t->start_mode == ENG_START_RESPONDER || t->start_mode == ENG_START_ON_DEMAND
		       ? IKE_START_RESPONDER_ONLY
		       : IKE_START_AUTO;
	if (!remote.family && c->start == IKE_START_AUTO) {
		snprintf(why, why_len, "no remote-address to initiate to");
		return -EDESTADDRREQ;
	}
	return 0;
}

/* ---- Tunnel table ------------------------------------------------------- */

static struct rt_tun *tun_find(struct eng_rt *rt, const char *name)
{
	for (size_t i = 0; i < rt->n_tun; i++)
		if (strcmp(rt->tun[i]->name, name) == 0)
			return rt->tun[i];
	return NULL;
}

static struct rt_tun *tun_by_reqid(struct eng_rt *rt, uint32_t reqid)
{
	for (size_t i = 0; i < rt->n_tun; i++)
		if (rt->tun[i]->configured && rt->tun[i]->conf.reqid == reqid)
			return rt->tun[i];
	return NULL;
}

static struct rt_tun *tun_add(struct eng_rt *rt, const char *name)
{
	struct rt_tun *t;

	if (rt->n_tun == rt->cap_tun) {
		size_t cap = rt->cap_tun ? rt->cap_tun * 2 : 16;
		struct rt_tun **v = realloc(rt->tun, cap * sizeof(*v));

		if (!v)
			return NULL;
		rt->tun = v;
		rt->cap_tun = cap;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->id = ++rt->next_id;
	rt->tun[rt->n_tun++] = t;
	return t;
}

static void set_reason(struct rt_tun *t, const char *reason)
{
	size_t n = reason ? strnlen(reason, sizeof(t->reason) - 1) : 0;

	memcpy(t->reason, reason ? reason : "", n);
	t->reason[n] = '\0';
	t->reason_at = reason && reason[0] ? time(NULL) : 0;
}

/* ---- Kernel state of a tunnel ------------------------------------------- */

static void count_add(struct eng_sa_count *sum, const struct kernel_sa_stats *st)
{
	sum->bytes += st->bytes;
	sum->packets += st->packets;
	sum->replay_errors += st->replay_fail + st->replay_window_fail;
	sum->integrity_errors += st->integrity_fail;
}

static void count_sub(struct eng_sa_count *a, const struct eng_sa_count *base)
{
	a->bytes = a->bytes >= base->bytes ? a->bytes - base->bytes : 0;
	a->packets = a->packets >= base->packets ? a->packets - base->packets : 0;
	a->replay_errors =
	    a->replay_errors >= base->replay_errors ? a->replay_errors - base->replay_errors : 0;
	a->integrity_errors = a->integrity_errors >= base->integrity_errors
				  ? a->integrity_errors - base->integrity_errors
				  : 0;
}

/* The kernel's counters of both SAs, less the baseline of the last clear. */
static void child_counters(struct eng_rt *rt, struct rt_child *c)
{
	struct kernel_sa_stats st;

	memset(&c->st.in, 0, sizeof(c->st.in));
	memset(&c->st.out, 0, sizeof(c->st.out));
	if (kernel_sa_counters(rt->k, &c->in, &st) == 0)
		count_add(&c->st.in, &st);
	if (kernel_sa_counters(rt->k, &c->out, &st) == 0)
		count_add(&c->st.out, &st);
	count_sub(&c->st.in, &c->base_in);
	count_sub(&c->st.out, &c->base_out);
}

static void child_remove(struct eng_rt *rt, struct rt_tun *t, size_t i)
{
	struct rt_child *c = &t->child[i];

	/* what the SAs carried stays in the tunnel's totals */
	child_counters(rt, c);
	t->total_in.bytes += c->st.in.bytes;
	t->total_in.packets += c->st.in.packets;
	t->total_out.bytes += c->st.out.bytes;
	t->total_out.packets += c->st.out.packets;
	kernel_sa_del(rt->k, &c->in);
	kernel_sa_del(rt->k, &c->out);
	memmove(&t->child[i], &t->child[i + 1], (t->n_child - i - 1) * sizeof(t->child[0]));
	t->n_child--;
}

static void policies_remove(struct eng_rt *rt, struct rt_tun *t)
{
	for (size_t i = 0; i < t->n_pol; i++)
		kernel_policy_del(rt->k, &t->pol[i]);
	t->n_pol = 0;
}

static void tun_kernel_clear(struct eng_rt *rt, struct rt_tun *t)
{
	while (t->n_child)
		child_remove(rt, t, t->n_child - 1);
	policies_remove(rt, t);
}

static bool range_prefix(const struct ike_ts_range *r, struct kernel_addr *a, uint8_t *len)
{
	size_t n = r->family == AF_INET ? 4 : 16;
	unsigned bits = 0;
	size_t i = 0;

	/* start..end is a prefix when the bytes agree, then start is all
	 * zeros and end all ones from the first differing bit on */
	while (i < n && r->start[i] == r->end[i])
		i++;
	bits = (unsigned)i * 8;
	if (i < n) {
		uint8_t diff = r->start[i] ^ r->end[i];
		unsigned lead = 0;

		while (lead < 8 && !(diff & (0x80 >> lead)))
			lead++;
		uint8_t low = (uint8_t)(0xff >> lead);

		if ((r->start[i] & low) != 0 || (r->end[i] & low) != low)
			return false;
		bits += lead;
		for (size_t j = i + 1; j < n; j++)
			if (r->start[j] != 0 || r->end[j] != 0xff)
				return false;
	}
	memset(a, 0, sizeof(*a));
	a->family = r->family;
	memcpy(a->bytes, r->start, n);
	*len = (uint8_t)bits;
	return true;
}

static void prefix_from_range(struct eng_prefix *p, const struct ike_ts_range *r)
{
	struct kernel_addr a;
	uint8_t len;

	memset(p, 0, sizeof(*p));
	if (!range_prefix(r, &a, &len))
		return;
	p->addr.family = a.family;
	memcpy(p->addr.bytes, a.bytes, 16);
	p->len = len;
}

static int policy_put(struct eng_rt *rt, struct rt_tun *t, struct kernel_policy *p)
{
	struct kernel_policy_id id;
	int rc;

	p->priority = kernel_policy_priority(&p->sel);
	rc = kernel_policy_update(rt->k, p);
	if (rc)
		return rc;
	kernel_policy_id_of(p, &id);
	for (size_t i = 0; i < t->n_pol; i++)
		if (memcmp(&t->pol[i], &id, sizeof(id)) == 0)
			return 0;
	if (t->n_pol < RT_POLICIES)
		t->pol[t->n_pol++] = id;
	return 0;
}

static void sa_fill(struct kernel_sa *sa, const struct ike_child_sa *c, bool in, bool natt)
{
	memset(sa, 0, sizeof(*sa));
	kaddr_from_ike(&sa->src, in ? &c->remote : &c->local);
	kaddr_from_ike(&sa->dst, in ? &c->local : &c->remote);
	sa->spi = in ? c->spi_in : c->spi_out;
	sa->proto = c->protocol == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
	sa->mode = c->mode == IKE_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	sa->reqid = c->reqid;
	sa->encr = c->encr;
	sa->encr_keybits = c->encr_bits;
	sa->integ = c->integ;
	sa->enc_key_len = (uint16_t)c->encr_key_len;
	memcpy(sa->enc_key, in ? c->encr_key_in : c->encr_key_out, c->encr_key_len);
	sa->integ_key_len = (uint16_t)c->integ_key_len;
	memcpy(sa->integ_key, in ? c->integ_key_in : c->integ_key_out, c->integ_key_len);
	sa->esn = c->esn;
	sa->replay_window = in ? RT_REPLAY_WINDOW : 0;
	sa->lft.soft_add_s = c->lifetime_soft_s;
	sa->lft.hard_add_s = c->lifetime_hard_s;
	if (natt) {
		sa->encap.on = true;
		sa->encap.sport = in ? c->remote.port : c->local.port;
		sa->encap.dport = in ? c->local.port : c->remote.port;
	}
}

static int child_policies(struct eng_rt *rt, struct rt_tun *t, const struct ike_child_sa *c)
{
	int rc = 0;

	for (size_t i = 0; i < c->n_ts_local && !rc; i++) {
		for (size_t j = 0; j < c->n_ts_remote && !rc; j++) {
			struct kernel_addr la, ra;
			uint8_t ll, rl;
			struct kernel_policy p = {0};

			if (!range_prefix(&c->ts_local[i], &la, &ll) ||
			    !range_prefix(&c->ts_remote[j], &ra, &rl) || la.family != ra.family)
				continue;
			p.action = KERNEL_POLICY_IPSEC;
			p.proto = c->protocol == IKE_PROTO_AH ? IPPROTO_AH : IPPROTO_ESP;
			p.mode = c->mode == IKE_MODE_TRANSPORT ? KERNEL_MODE_TRANSPORT
							       : KERNEL_MODE_TUNNEL;
			p.reqid = c->reqid;
			p.sel.proto = c->ts_local[i].proto;
			/* out: ours -> theirs */
			p.dir = KERNEL_DIR_OUT;
			p.sel.src = la, p.sel.src_len = ll;
			p.sel.dst = ra, p.sel.dst_len = rl;
			kaddr_from_ike(&p.tmpl_src, &c->local);
			kaddr_from_ike(&p.tmpl_dst, &c->remote);
			rc = policy_put(rt, t, &p);
			if (rc)
				break;
			/* in and fwd: theirs -> ours */
			p.sel.src = ra, p.sel.src_len = rl;
			p.sel.dst = la, p.sel.dst_len = ll;
			kaddr_from_ike(&p.tmpl_src, &c->remote);
			kaddr_from_ike(&p.tmpl_dst, &c->local);
			p.dir = KERNEL_DIR_IN;
			rc = policy_put(rt, t, &p);
			if (!rc && p.mode == KERNEL_MODE_TUNNEL) {
				p.dir = KERNEL_DIR_FWD;
				rc = policy_put(rt, t, &p);
			}
		}
	}
	return rc;
}

/* ---- The IKE core's environment ------------------------------------------ */

static int env_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		    const uint8_t *buf, size_t len)
{
	struct eng_rt *rt = ctx;
	uint16_t natt = rt->opts.natt_port ? rt->opts.natt_port : 4500;
	struct ike_dgram d = {0};

	ss_from_ike(&d.peer, dst);
	if (src && src->family)
		ss_from_ike(&d.local, src);
	/* the source port says which socket: ours on the NAT-T port */
	d.natt = src && src->port == natt;
	d.buf = (uint8_t *)buf;
	d.len = len;
	return ike_sock_send(&rt->sock, &d);
}

static int env_child_install(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);
	bool encap = c->encap;
	struct kernel_sa in, out;
	struct rt_child *rc_;
	char buf[512];
	int rc;

	if (!t)
		return -ENOENT;
	if (t->n_child == RT_CHILDREN)
		child_remove(rt, t, 0);
	sa_fill(&in, c, true, encap);
	sa_fill(&out, c, false, encap);
	rc = kernel_sa_add(rt->k, &in);
	if (rc == 0) {
		rc = kernel_sa_add(rt->k, &out);
		if (rc) {
			struct kernel_sa_id id;

			kernel_strerror(rt->k, buf, sizeof(buf));
			kernel_sa_id_of(&in, &id);
			kernel_sa_del(rt->k, &id);
		}
	} else {
		kernel_strerror(rt->k, buf, sizeof(buf));
	}
	if (rc == 0) {
		rc = child_policies(rt, t, c);
		if (rc)
			kernel_strerror(rt->k, buf, sizeof(buf));
	}
	if (rc) {
		eng_logf(rt->eng, ENG_LOG_ERR, "tunnel %s: kernel refused the IPsec SA: %s", tunnel,
			 buf);
		set_reason(t, buf);
		goto done;
	}
	rc_ = &t->child[t->n_child++];
	memset(rc_, 0, sizeof(*rc_));
	kernel_sa_id_of(&in, &rc_->in);
	kernel_sa_id_of(&out, &rc_->out);
	rc_->st.spi_in = c->spi_in;
	rc_->st.spi_out = c->spi_out;
	rc_->st.proto = c->protocol == IKE_PROTO_AH ? ENG_PROTO_AH : ENG_PROTO_ESP;
	rc_->st.mode = c->mode == IKE_MODE_TRANSPORT ? ENG_MODE_TRANSPORT : ENG_MODE_TUNNEL;
	rc_->st.encr = encr_from_id(c->encr, c->encr_bits);
	rc_->st.integ = hash_from_integ(c->integ);
	if (c->n_ts_local)
		prefix_from_range(&rc_->st.local_ts, &c->ts_local[0]);
	if (c->n_ts_remote)
		prefix_from_range(&rc_->st.remote_ts, &c->ts_remote[0]);
	rc_->st.established = time(NULL);
	rc_->st.lifetime_s = c->lifetime_hard_s;
	rc_->st.pfs_group = t->conf.child.n_dh ? (uint8_t)t->conf.child.dh[0] : 0;
done:
	kernel_sa_wipe(&in);
	kernel_sa_wipe(&out);
	return rc;
}

static void env_child_delete(void *ctx, const char *tunnel, const struct ike_child_sa *c)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);

	if (!t)
		return;
	for (size_t i = 0; i < t->n_child; i++) {
		if (t->child[i].st.spi_in == c->spi_in && t->child[i].st.spi_out == c->spi_out) {
			child_remove(rt, t, i);
			break;
		}
	}
	/* the last CHILD_SA gone: no policy may send traffic to nowhere */
	if (!t->n_child)
		policies_remove(rt, t);
}

static uint64_t env_now_ms(void *ctx)
{
	(void)ctx;
	return (uint64_t)eng_now_ms();
}

static void env_log(void *ctx, enum ike_log_level level, const char *msg)
{
	struct eng_rt *rt = ctx;

	if (level == IKE_LOG_DEBUG)
		return; /* debug output goes to sessions that asked for it (later) */
	eng_logf(rt->eng, level == IKE_LOG_ERROR ? ENG_LOG_WARNING : ENG_LOG_INFO, "%s", msg);
}

static void env_status(void *ctx, const char *tunnel, enum ike_tunnel_state st, const char *reason)
{
	struct eng_rt *rt = ctx;
	struct rt_tun *t = tun_find(rt, tunnel);

	if (!t)
		return;
	switch (st) {
	case IKE_TUN_CONNECTING:
		t->state = ENG_TUN_CONNECTING;
		break;
	case IKE_TUN_UP:
	case IKE_TUN_REKEYED:
		t->state = ENG_TUN_UP;
		set_reason(t, NULL);
		break;
	case IKE_TUN_IKE_NO_CHILD:
		t->state = ENG_TUN_IKE_NO_CHILD;
		set_reason(t, reason);
		break;
	case IKE_TUN_DOWN:
	case IKE_TUN_FAILED:
		t->state = t->start_mode == ENG_START_AUTO ? ENG_TUN_DOWN : ENG_TUN_IDLE;
		if (reason && reason[0])
			set_reason(t, reason);
		/* an auto tunnel is started again by the IKE core, with back-off */
		if (reason && reason[0])
			eng_logf(rt->eng, ENG_LOG_WARNING, "tunnel %s: %s", tunnel, reason);
		break;
	}
}

/* ---- Sync with the running configuration -------------------------------- */

static void tun_unconfigure(struct eng_rt *rt, struct rt_tun *t)
{
	if (t->configured)
		ike_conf_remove(rt->ike, t->name);
	t->configured = false;
	tun_kernel_clear(rt, t);
	OPENSSL_cleanse(&t->conf, sizeof(t->conf));
}

static void tun_sync(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg)
{
	struct ike_peer_conf conf;
	char why[256] = "";
	int rc;

	if (cfg->shutdown) {
		tun_unconfigure(rt, t);
		t->state = ENG_TUN_SHUTDOWN;
		set_reason(t, NULL);
		return;
	}
	rc = tunnel_conf(rt, cfg, &conf, why, sizeof(why));
	if (rc) {
		tun_unconfigure(rt, t);
		t->state = ENG_TUN_DOWN;
		set_reason(t, why);
		OPENSSL_cleanse(&conf, sizeof(conf));
		return;
	}
	conf.reqid = t->configured ? t->conf.reqid : kernel_reqid_alloc(rt->k);
	t->start_mode = cfg->start_mode ? cfg->start_mode : ENG_START_AUTO;
	if (t->configured && memcmp(&conf, &t->conf, sizeof(conf)) == 0) {
		OPENSSL_cleanse(&conf, sizeof(conf));
		return; /* unchanged: its SAs stay as they are */
	}
	tun_unconfigure(rt, t);
	t->conf = conf;
	OPENSSL_cleanse(&conf, sizeof(conf));
	rc = ike_conf_set(rt->ike, &t->conf);
	if (rc) {
		t->state = ENG_TUN_DOWN;
		snprintf(why, sizeof(why), "the IKE layer refused the settings: %s", strerror(-rc));
		set_reason(t, why);
		return;
	}
	t->configured = true;
	set_reason(t, NULL);
	/* the IKE core starts an auto tunnel at its next tick */
	t->state = t->start_mode == ENG_START_AUTO ? ENG_TUN_CONNECTING : ENG_TUN_IDLE;
}

void eng_rt_sync(struct eng *eng)
{
	struct eng_rt *rt = eng->rt;
	const struct eng_tab *tab;

	if (!rt)
		return;
	tab = &eng->running->t[ENG_OBJ_TUNNEL];
	for (size_t i = 0; i < rt->n_tun; i++)
		rt->tun[i]->present = false;
	for (size_t i = 0; i < tab->n; i++) {
		const struct eng_tunnel *cfg = &tab->v[i]->u.tunnel;
		struct rt_tun *t = tun_find(rt, cfg->name);

		if (!t)
			t = tun_add(rt, cfg->name);
		if (!t) {
			eng_logf(eng, ENG_LOG_ERR, "tunnel %s: out of memory", cfg->name);
			continue;
		}
		t->present = true;
		tun_sync(rt, t, cfg);
	}
	for (size_t i = 0; i < rt->n_tun;) {
		struct rt_tun *t = rt->tun[i];

		if (t->present) {
			i++;
			continue;
		}
		tun_unconfigure(rt, t);
		free(t);
		memmove(&rt->tun[i], &rt->tun[i + 1], (rt->n_tun - i - 1) * sizeof(rt->tun[0]));
		rt->n_tun--;
	}
}

/* ---- Event loop ---------------------------------------------------------- */

static void on_kernel_event(void *arg, const struct kernel_event *ev)
{
	struct eng_rt *rt = arg;
	struct rt_tun *t;

	switch (ev->kind) {
	case KERNEL_EV_ACQUIRE:
		/* on-demand: the first packet of a trap policy starts IKE */
		t = tun_by_reqid(rt, ev->reqid);
		if (t && t->configured && ike_initiate(rt->ike, t->name) == 0)
			t->state = ENG_TUN_CONNECTING;
		break;
	case KERNEL_EV_EXPIRE:
		/* soft: rekey now; hard: the SA is gone, tell the peer.  Only
		 * our inbound SPIs name a CHILD_SA to the IKE core. */
		for (size_t i = 0; i < rt->n_tun; i++) {
			t = rt->tun[i];
			for (size_t j = 0; j < t->n_child; j++) {
				if (t->child[j].in.spi == ev->sa.spi) {
					ike_child_expire(rt->ike,
							 ev->sa.proto == IPPROTO_AH ? IKE_PROTO_AH
										    : IKE_PROTO_ESP,
							 ev->sa.spi, ev->hard);
					return;
				}
			}
		}
		break;
	}
}

size_t eng_poll_fds(const struct eng *eng, int *fds, size_t max)
{
	if (eng && eng->remote)
		return ctl_remote_poll_fds(eng, fds, max);
	const struct eng_rt *rt = eng ? eng->rt : NULL;
	size_t n;

	if (!rt)
		return 0;
	n = ike_sock_fds(&rt->sock, fds, max);
	if (rt->kernel_ev_fd >= 0 && n < max)
		fds[n++] = rt->kernel_ev_fd;
	return n;
}

int64_t eng_rt_next_ms(const struct eng *eng)
{
	const struct eng_rt *rt = eng->rt;
	uint64_t next;

	if (!rt)
		return -1;
	next = ike_next_timeout(rt->ike);
	return next == UINT64_MAX ? -1 : (int64_t)next;
}

void eng_rt_tick(struct eng *eng)
{
	struct eng_rt *rt = eng->rt;
	int fds[IKE_SOCK_SLOTS];
	size_t n;

	if (!rt)
		return;
	n = ike_sock_fds(&rt->sock, fds, IKE_SOCK_SLOTS);
	for (size_t i = 0; i < n; i++) {
		/* a bounded drain, so that one busy socket cannot starve the rest */
		for (int budget = 64; budget > 0; budget--) {
			struct ike_dgram d = {.buf = rt->rxbuf};
			struct ike_addr src, dst;
			int rc = ike_sock_recv(&rt->sock, fds[i], &d, IKE_SOCK_MAX_DGRAM);

			if (rc < 0)
				break;
			if (rc == 0)
				continue;
			ike_from_ss(&src, &d.peer);
			ike_from_ss(&dst, &d.local);
			ike_input(rt->ike, &src, &dst, d.buf, d.len);
		}
	}
	if (rt->kernel_ev_fd >= 0)
		kernel_events_read(rt->k, on_kernel_event, rt);
	ike_tick(rt->ike);
}

/* ---- Open and close -------------------------------------------------------- */

static int bypass(void *arg, int fd, int family)
{
	struct eng_rt *rt = arg;

	return kernel_bypass_socket(rt->k, fd, family);
}

int eng_rt_open(struct eng *eng, struct eng_diag *diag)
{
	const struct eng_runtime_opts *o = eng->opts.runtime;
	struct ike_sock_cfg scfg = {0};
	struct ike_env env = {
	    .send = env_send,
	    .child_install = env_child_install,
	    .child_delete = env_child_delete,
	    .now_ms = env_now_ms,
	    .log = env_log,
	    .status = env_status,
	};
	struct ike_opts iopts;
	struct eng_rt *rt;
	char buf[512];
	int rc;

	if (!o)
		return 0;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return -ENOMEM;
	rt->eng = eng;
	rt->opts = *o;
	rt->kernel_ev_fd = -1;
	for (int i = 0; i < IKE_SOCK_SLOTS; i++)
		rt->sock.fd[i] = -1;
	rt->rxbuf = malloc(IKE_SOCK_MAX_DGRAM);
	if (!rt->rxbuf) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = kernel_open(o->kernel == ENG_KERNEL_FAKE ? KERNEL_IMPL_FAKE : KERNEL_IMPL_XFRM, NULL,
			 &rt->k);
	if (rc) {
		eng_diag_addf(diag, "cannot open the kernel's IPsec interface: %s", strerror(-rc));
		goto fail;
	}
	scfg.port = o->ike_port;
	scfg.natt_port = o->natt_port;
	if (o->bind.family) {
		struct ike_addr a;

		ike_addr_from(&a, &o->bind, 0);
		ss_from_ike(&scfg.bind_addr, &a);
	}
	scfg.prepare = bypass;
	scfg.prepare_arg = rt;
	rc = ike_sock_open(&rt->sock, &scfg);
	if (rc) {
		eng_diag_addf(diag, "cannot open the IKE sockets (UDP %u/%u): %s",
			      o->ike_port ? o->ike_port : 500, o->natt_port ? o->natt_port : 4500,
			      rc == -EPERM && rt->k ? kernel_strerror(rt->k, buf, sizeof(buf))
						    : strerror(-rc));
		goto fail;
	}
	rc = kernel_events_fd(rt->k);
	if (rc >= 0)
		rt->kernel_ev_fd = rc;
	else
		eng_logf(eng, ENG_LOG_WARNING, "no kernel events (on-demand, expiry): %s",
			 strerror(-rc));
	env.ctx = rt;
	ike_opts_default(&iopts);
	rc = ike_engine_new(&env, &iopts, &rt->ike);
	if (rc) {
		eng_diag_addf(diag, "cannot start the IKE engine: %s", strerror(-rc));
		goto fail;
	}
	eng->rt = rt;
	return 0;
fail:
	if (diag && diag->n)
		snprintf(eng->rt_error, sizeof(eng->rt_error), "IKE is not running: %s",
			 diag->lines[diag->n - 1]);
	else
		snprintf(eng->rt_error, sizeof(eng->rt_error), "IKE is not running: %s",
			 strerror(-rc));
	eng_logf(eng, ENG_LOG_ERR, "%s", eng->rt_error);
	ike_sock_close(&rt->sock);
	if (rt->k)
		kernel_close(rt->k);
	free(rt->rxbuf);
	free(rt);
	return rc;
}

struct kernel *eng_test_kernel(struct eng *eng)
{
	return eng && eng->rt ? eng->rt->k : NULL;
}

void eng_rt_close(struct eng *eng)
{
	struct eng_rt *rt = eng->rt;

	if (!rt)
		return;
	/* tell the peers, then remove what this engine installed */
	for (size_t i = 0; i < rt->n_tun; i++) {
		tun_unconfigure(rt, rt->tun[i]);
		free(rt->tun[i]);
	}
	free(rt->tun);
	ike_engine_free(rt->ike);
	kernel_flush_own(rt->k);
	kernel_close(rt->k);
	ike_sock_close(&rt->sock);
	free(rt->rxbuf);
	free(rt);
	eng->rt = NULL;
}

/* ---- Status ------------------------------------------------------------ */

static void tun_status(struct eng_rt *rt, const char *rt_err, const struct eng_node *node,
		       struct eng_tunnel_status *s)
{
	const struct eng_tunnel *cfg = &node->u.tunnel;
	struct rt_tun *t = rt ? tun_find(rt, cfg->name) : NULL;
	struct ike_tunnel_info info;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", cfg->name);
	if (!rt) {
		s->state = cfg->shutdown ? ENG_TUN_SHUTDOWN : ENG_TUN_DOWN;
		snprintf(s->reason, sizeof(s->reason), "%s",
			 cfg->shutdown ? ""
			 : rt_err && rt_err[0]
			     ? rt_err
			     : "this engine runs without IKE (configuration only)");
		return;
	}
	if (!t)
		return;
	s->tunnel_id = t->id;
	s->state = t->state;
	snprintf(s->reason, sizeof(s->reason), "%s", t->reason);
	s->reason_at = t->reason_at;
	s->dpd_interval = cfg->dpd.interval;
	s->total_in = t->total_in;
	s->total_out = t->total_out;
	s->n_child = t->n_child;
	for (size_t i = 0; i < t->n_child; i++) {
		child_counters(rt, &t->child[i]);
		s->child[i] = t->child[i].st;
		s->total_in.bytes += t->child[i].st.in.bytes;
		s->total_in.packets += t->child[i].st.in.packets;
		s->total_out.bytes += t->child[i].st.out.bytes;
		s->total_out.packets += t->child[i].st.out.packets;
	}
	if (!t->configured || ike_tunnel_info(rt->ike, t->name, &info) != 0)
		return;
	s->ike_up = info.ike_up;
	s->initiator = info.initiator;
	s->nat_local = info.nat_local;
	s->nat_remote = info.nat_remote;
	eng_addr_from_ike(&s->local, &t->conf.local);
	eng_addr_from_ike(&s->remote, &t->conf.remote);
	s->local_port = t->conf.local.port;
	s->remote_port = t->conf.remote.port;
	memcpy(s->spi_i, info.spi_i, 8);
	memcpy(s->spi_r, info.spi_r, 8);
	s->ike_encr = encr_from_id(info.encr, info.encr_bits);
	s->ike_integ = hash_from_integ(info.integ);
	s->ike_prf = hash_from_prf(info.prf);
	s->ike_group = info.dh;
	s->ike_lifetime = t->conf.ike_lifetime_s;
	if (!s->reason[0] && info.last_error[0] && t->state != ENG_TUN_UP)
		snprintf(s->reason, sizeof(s->reason), "%s", info.last_error);
}

int eng_tunnel_status(struct eng_sess *sess, const char *name, struct eng_tunnel_status **out,
		      size_t *n)
{
	if (ENG_REMOTE(sess) && out && n)
		return ctl_tunnel_status(sess, name, out, n);
	struct eng *eng;
	const struct eng_tab *tab;
	struct eng_tunnel_status *v;
	size_t k = 0;

	if (!sess || !out || !n)
		return -EINVAL;
	eng = sess->eng;
	tab = &eng->running->t[ENG_OBJ_TUNNEL];
	v = calloc(tab->n ? tab->n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < tab->n; i++) {
		if (name && strcmp(tab->v[i]->u.tunnel.name, name) != 0)
			continue;
		tun_status(eng->rt, eng->rt_error, tab->v[i], &v[k++]);
	}
	if (name && !k) {
		free(v);
		return -ENOENT;
	}
	*out = v;
	*n = k;
	return 0;
}

int eng_ike_stats(struct eng_sess *sess, struct eng_ike_stats *out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_ike_stats(sess, out);
	const struct eng_rt *rt;
	const struct ike_stats *st;

	if (!sess || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rt = sess->eng->rt;
	if (!rt)
		return 0;
	st = ike_engine_stats(rt->ike);
	out->rx = st->rx;
	out->tx = st->tx;
	out->dropped = st->drop_malformed + st->drop_rules + st->drop_unknown_spi +
		       st->drop_integrity + st->drop_msgid + st->drop_unexpected +
		       st->drop_half_open;
	out->retransmits = st->retransmits;
	out->resp_from_cache = st->resp_from_cache;
	out->cookies_sent = st->cookies_sent;
	out->invalid_ke_sent = st->invalid_ke_sent;
	out->auth_failed = st->auth_failed;
	out->ike_established = st->ike_established;
	out->ike_rekeyed = st->ike_rekeyed;
	out->child_installed = st->child_installed;
	out->child_rekeyed = st->child_rekeyed;
	for (size_t i = 0; i < rt->n_tun; i++) {
		if (rt->tun[i]->state == ENG_TUN_UP || rt->tun[i]->state == ENG_TUN_IKE_NO_CHILD)
			out->ike_active++;
		else if (rt->tun[i]->state == ENG_TUN_CONNECTING)
			out->ike_negotiating++;
	}
	return 0;
}

/* ---- clear ----------------------------------------------------------------- */

static int clear_each(struct eng_sess *sess, const char *tunnel, bool child_only)
{
	struct eng_rt *rt;
	bool found = false;

	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	rt = sess->eng->rt;
	if (tunnel && !cfg_find(sess->eng->running, ENG_OBJ_TUNNEL, 0, tunnel))
		return -ENOENT;
	if (!rt)
		return 0;
	for (size_t i = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		if (tunnel && strcmp(t->name, tunnel) != 0)
			continue;
		found = true;
		if (!t->configured)
			continue;
		/* an auto tunnel is brought back by the IKE core */
		if (child_only)
			ike_delete_child(rt->ike, t->name);
		else
			ike_delete(rt->ike, t->name);
	}
	return tunnel && !found ? -ENOENT : 0;
}

int eng_clear_ike_sa(struct eng_sess *sess, const char *tunnel)
{
	if (ENG_REMOTE(sess))
		return ctl_name_call(sess, CTL_CLEAR_IKE_SA, tunnel);
	return clear_each(sess, tunnel, false);
}

int eng_clear_child_sa(struct eng_sess *sess, const char *tunnel)
{
	if (ENG_REMOTE(sess))
		return ctl_name_call(sess, CTL_CLEAR_CHILD_SA, tunnel);
	return clear_each(sess, tunnel, true);
}

int eng_clear_counters(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple(sess, CTL_CLEAR_COUNTERS);
	struct eng_rt *rt;

	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	rt = sess->eng->rt;
	for (size_t i = 0; rt && i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		memset(&t->total_in, 0, sizeof(t->total_in));
		memset(&t->total_out, 0, sizeof(t->total_out));
		for (size_t j = 0; j < t->n_child; j++) {
			struct rt_child *c = &t->child[j];

			child_counters(rt, c);
			c->base_in.bytes += c->st.in.bytes;
			c->base_in.packets += c->st.in.packets;
			c->base_in.replay_errors += c->st.in.replay_errors;
			c->base_in.integrity_errors += c->st.in.integrity_errors;
			c->base_out.bytes += c->st.out.bytes;
			c->base_out.packets += c->st.out.packets;
			c->base_out.replay_errors += c->st.out.replay_errors;
			c->base_out.integrity_errors += c->st.out.integrity_errors;
		}
	}
	return 0;
}
