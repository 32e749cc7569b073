/*
 * objects.c - configuration objects as values: keys, deep copy, clear,
 * equality, and the field-level checks eng_obj_put() makes.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

size_t eng_kind_size(enum eng_kind kind)
{
	switch (kind) {
	case ENG_OBJ_GLOBAL:
		return sizeof(struct eng_global);
	case ENG_OBJ_IKEV1:
		return sizeof(struct eng_ikev1_policy);
	case ENG_OBJ_IKEV2:
		return sizeof(struct eng_ikev2_policy);
	case ENG_OBJ_IPSEC:
		return sizeof(struct eng_ipsec_policy);
	case ENG_OBJ_TRUSTPOINT:
		return sizeof(struct eng_trustpoint);
	case ENG_OBJ_TUNNEL:
		return sizeof(struct eng_tunnel);
	default:
		return 0;
	}
}

/* How an object is named in messages: "tunnel HQ", "ikev2 policy 10". */
const char *eng_kind_label(enum eng_kind kind)
{
	static const char *const labels[ENG_OBJ_KINDS] = {
	    "global", "ikev1 policy", "ikev2 policy", "ipsec policy", "trustpoint", "tunnel"};

	return (unsigned)kind < ENG_OBJ_KINDS ? labels[kind] : "object";
}

static bool kind_numeric(enum eng_kind kind)
{
	return kind == ENG_OBJ_IKEV1 || kind == ENG_OBJ_IKEV2;
}

/* A name: 1..63 printable characters without spaces or quotes. */
static bool name_ok(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)s[i]) || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

/* Parse a key.  Numeric kinds: 1..65535 in plain decimal. */
int eng_key_parse(enum eng_kind kind, const char *key, uint32_t *num)
{
	*num = 0;
	if ((unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	if (kind == ENG_OBJ_GLOBAL)
		return 0;
	if (!key)
		return -EINVAL;
	if (kind_numeric(kind)) {
		unsigned long v = 0;
		size_t n = strlen(key);

		if (n == 0 || n > 5 || key[0] == '0')
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			if (key[i] < '0' || key[i] > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(key[i] - '0');
		}
		if (v < 1 || v > 65535)
			return -EINVAL;
		*num = (uint32_t)v;
		return 0;
	}
	return name_ok(key, ENG_NAME_MAX) ? 0 : -EINVAL;
}

void eng_obj_key(enum eng_kind kind, const void *obj, char *key, size_t len)
{
	const union eng_any *o = obj;

	switch (kind) {
	case ENG_OBJ_IKEV1:
		snprintf(key, len, "%u", o->ikev1.id);
		break;
	case ENG_OBJ_IKEV2:
		snprintf(key, len, "%u", o->ikev2.id);
		break;
	case ENG_OBJ_IPSEC:
		snprintf(key, len, "%.*s", (int)strnlen(o->ipsec.name, ENG_NAME_MAX - 1),
			 o->ipsec.name);
		break;
	case ENG_OBJ_TRUSTPOINT:
		snprintf(key, len, "%.*s", (int)strnlen(o->trustpoint.name, ENG_NAME_MAX - 1),
			 o->trustpoint.name);
		break;
	case ENG_OBJ_TUNNEL:
		snprintf(key, len, "%.*s", (int)strnlen(o->tunnel.name, ENG_NAME_MAX - 1),
			 o->tunnel.name);
		break;
	default:
		snprintf(key, len, "%s", "");
		break;
	}
}

bool eng_global_is_default(const struct eng_global *g)
{
	return g->hostname[0] == '\0' && !g->exec_timeout_set && g->ike_cookie_challenge == 0 &&
	       g->ike_max_negotiating == 0 && g->ike_half_open_peer == 0 &&
	       g->ike_half_open_prefix == 0;
}

/* ---- Clear, copy, compare ------------------------------------------- */

/* The string fields of a tunnel, in a fixed order. */
static size_t tunnel_fields(struct eng_tunnel *t, char **f[])
{
	size_t k = 0;

	f[k++] = &t->description;
	f[k++] = &t->psk;
	f[k++] = &t->trustpoint;
	f[k++] = &t->local.name;
	f[k++] = &t->local_id.value;
	f[k++] = &t->remote_id.value;
	f[k++] = &t->xauth_user;
	f[k++] = &t->xauth_password;
	/* entries past n_remote are not the object's: their pointers are stale */
	for (size_t i = 0; i < t->n_remote && i < ENG_PEER_ADDRS_MAX; i++)
		f[k++] = &t->remote[i].name;
	return k;
}

#define TUNNEL_STRINGS (8 + ENG_PEER_ADDRS_MAX)

void eng_obj_clear(enum eng_kind kind, void *obj)
{
	if (!obj)
		return;
	if (kind == ENG_OBJ_TUNNEL) {
		char **f[TUNNEL_STRINGS];
		size_t n = tunnel_fields(obj, f);

		for (size_t i = 0; i < n; i++) {
			eng_secret_free(*f[i]); /* secrets do not linger in freed memory */
			*f[i] = NULL;
		}
	}
	memset(obj, 0, eng_kind_size(kind));
}

int eng_obj_copy(enum eng_kind kind, void *dst, const void *src)
{
	size_t size = eng_kind_size(kind);

	if (!size || !dst || !src)
		return -EINVAL;
	if (dst == src)
		return 0;
	memcpy(dst, src, size);
	if (kind == ENG_OBJ_TUNNEL) {
		char **f[TUNNEL_STRINGS];
		size_t n = tunnel_fields(dst, f);
		bool oom = false;

		struct eng_tunnel *t = dst;

		for (size_t i = t->n_remote; i < ENG_PEER_ADDRS_MAX; i++)
			t->remote[i].name = NULL;
		for (size_t i = 0; i < n; i++) {
			if (*f[i] && !oom) {
				*f[i] = strdup(*f[i]);
				oom = *f[i] == NULL;
			} else {
				*f[i] = NULL;
			}
		}
		if (oom) {
			eng_obj_clear(kind, dst);
			return -ENOMEM;
		}
	}
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return (a ? *a : 0) == (b ? *b : 0);
	return strcmp(a, b) == 0;
}

static bool list_eq(uint8_t na, const uint8_t *a, uint8_t nb, const uint8_t *b)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

static bool ep_eq(const struct eng_endpoint *a, const struct eng_endpoint *b)
{
	return a->kind == b->kind && eng_addr_equal(&a->addr, &b->addr) && str_eq(a->name, b->name);
}

static bool id_eq(const struct eng_ident *a, const struct eng_ident *b)
{
	return a->kind == b->kind && eng_addr_equal(&a->addr, &b->addr) &&
	       str_eq(a->value, b->value);
}

static bool prefixes_eq(uint8_t n, const struct eng_prefix *a, const struct eng_prefix *b)
{
	for (uint8_t i = 0; i < n; i++)
		if (a[i].len != b[i].len || !eng_addr_equal(&a[i].addr, &b[i].addr))
			return false;
	return true;
}

static bool tunnel_eq(const struct eng_tunnel *a, const struct eng_tunnel *b)
{
	if (strncmp(a->name, b->name, ENG_NAME_MAX) || !str_eq(a->description, b->description) ||
	    a->shutdown != b->shutdown || a->ike_version != b->ike_version ||
	    a->ike_policy != b->ike_policy ||
	    strncmp(a->ipsec_policy, b->ipsec_policy, ENG_NAME_MAX) || !ep_eq(&a->local, &b->local))
		return false;
	if (a->n_remote != b->n_remote || a->n_remote > ENG_PEER_ADDRS_MAX)
		return false;
	for (uint8_t i = 0; i < a->n_remote; i++)
		if (!ep_eq(&a->remote[i], &b->remote[i]))
			return false;
	if (a->auth != b->auth || !str_eq(a->psk, b->psk) ||
	    !str_eq(a->trustpoint, b->trustpoint) || !id_eq(&a->local_id, &b->local_id) ||
	    !id_eq(&a->remote_id, &b->remote_id))
		return false;
	if (a->n_local_subnet != b->n_local_subnet || a->n_remote_subnet != b->n_remote_subnet ||
	    a->n_local_subnet > ENG_SUBNETS_MAX || a->n_remote_subnet > ENG_SUBNETS_MAX ||
	    !prefixes_eq(a->n_local_subnet, a->local_subnet, b->local_subnet) ||
	    !prefixes_eq(a->n_remote_subnet, a->remote_subnet, b->remote_subnet))
		return false;
	if (a->negotiation_mode != b->negotiation_mode || !str_eq(a->xauth_user, b->xauth_user) ||
	    !str_eq(a->xauth_password, b->xauth_password))
		return false;
	if (a->dpd.interval != b->dpd.interval || a->dpd.timeout != b->dpd.timeout ||
	    a->dpd.action != b->dpd.action)
		return false;
	if (a->pfs_group != b->pfs_group || a->sa_lifetime_s != b->sa_lifetime_s ||
	    a->sa_lifetime_kb != b->sa_lifetime_kb || a->sa_idletime != b->sa_idletime ||
	    a->start_mode != b->start_mode || a->no_rekey != b->no_rekey ||
	    a->nat_traversal != b->nat_traversal || a->mobike != b->mobike ||
	    a->split_connection != b->split_connection || a->send_cert != b->send_cert ||
	    a->fragmentation != b->fragmentation || a->frag_mtu != b->frag_mtu ||
	    a->no_certreq != b->no_certreq)
		return false;
	if (!eng_addr_equal(&a->icmp.server, &b->icmp.server) ||
	    !eng_addr_equal(&a->icmp.source, &b->icmp.source) ||
	    a->icmp.interval != b->icmp.interval || a->icmp.timeout != b->icmp.timeout ||
	    a->icmp.retries != b->icmp.retries)
		return false;
	return strncmp(a->xfrm_if.name, b->xfrm_if.name, ENG_IFNAME_MAX) == 0 &&
	       a->xfrm_if.if_id == b->xfrm_if.if_id && a->firewall_rule == b->firewall_rule &&
	       strncmp(a->gre.name, b->gre.name, ENG_IFNAME_MAX) == 0 && a->gre.key == b->gre.key;
}

bool eng_obj_equal(enum eng_kind kind, const void *a, const void *b)
{
	const union eng_any *x = a, *y = b;

	if (a == b)
		return true;
	if (!a || !b)
		return false;
	switch (kind) {
	case ENG_OBJ_GLOBAL:
		return strncmp(x->global.hostname, y->global.hostname, ENG_HOSTNAME_MAX) == 0 &&
		       x->global.exec_timeout_set == y->global.exec_timeout_set &&
		       (!x->global.exec_timeout_set ||
			x->global.exec_timeout == y->global.exec_timeout) &&
		       x->global.ike_cookie_challenge == y->global.ike_cookie_challenge &&
		       x->global.ike_max_negotiating == y->global.ike_max_negotiating &&
		       x->global.ike_half_open_peer == y->global.ike_half_open_peer &&
		       x->global.ike_half_open_prefix == y->global.ike_half_open_prefix;
	case ENG_OBJ_IKEV1:
		return x->ikev1.id == y->ikev1.id && x->ikev1.encr == y->ikev1.encr &&
		       x->ikev1.hash == y->ikev1.hash && x->ikev1.group == y->ikev1.group &&
		       x->ikev1.auth == y->ikev1.auth && x->ikev1.lifetime == y->ikev1.lifetime;
	case ENG_OBJ_IKEV2:
		return x->ikev2.id == y->ikev2.id &&
		       list_eq(x->ikev2.n_encr, x->ikev2.encr, y->ikev2.n_encr, y->ikev2.encr) &&
		       list_eq(x->ikev2.n_integ, x->ikev2.integ, y->ikev2.n_integ,
			       y->ikev2.integ) &&
		       list_eq(x->ikev2.n_prf, x->ikev2.prf, y->ikev2.n_prf, y->ikev2.prf) &&
		       list_eq(x->ikev2.n_group, x->ikev2.group, y->ikev2.n_group,
			       y->ikev2.group) &&
		       x->ikev2.lifetime == y->ikev2.lifetime;
	case ENG_OBJ_IPSEC:
		return strncmp(x->ipsec.name, y->ipsec.name, ENG_NAME_MAX) == 0 &&
		       x->ipsec.proto == y->ipsec.proto &&
		       list_eq(x->ipsec.n_encr, x->ipsec.encr, y->ipsec.n_encr, y->ipsec.encr) &&
		       list_eq(x->ipsec.n_integ, x->ipsec.integ, y->ipsec.n_integ,
			       y->ipsec.integ) &&
		       x->ipsec.mode == y->ipsec.mode && x->ipsec.pfs_group == y->ipsec.pfs_group &&
		       x->ipsec.lifetime_s == y->ipsec.lifetime_s &&
		       x->ipsec.lifetime_kb == y->ipsec.lifetime_kb;
	case ENG_OBJ_TRUSTPOINT:
		return strncmp(x->trustpoint.name, y->trustpoint.name, ENG_NAME_MAX) == 0 &&
		       strncmp(x->trustpoint.keypair, y->trustpoint.keypair, ENG_NAME_MAX) == 0 &&
		       strncmp(x->trustpoint.subject, y->trustpoint.subject, ENG_ID_MAX + 1) == 0 &&
		       x->trustpoint.revocation == y->trustpoint.revocation &&
		       strncmp(x->trustpoint.crl_file, y->trustpoint.crl_file, ENG_PATH_MAX) == 0;
	case ENG_OBJ_TUNNEL:
		return tunnel_eq(&x->tunnel, &y->tunnel);
	default:
		return false;
	}
}

/* ---- Field-level checks --------------------------------------------- */

static int check_list(struct eng_diag *diag, const char *obj, const char *what, uint8_t n,
		      const uint8_t *v, unsigned limit, bool groups)
{
	int rc = 0;

	if (n > ENG_LIST_MAX) {
		eng_diag_addf(diag, "%s: more than %d %s", obj, ENG_LIST_MAX, what);
		return -EINVAL;
	}
	for (uint8_t i = 0; i < n; i++) {
		bool ok = groups ? eng_group_valid(v[i]) : (v[i] > 0 && v[i] < limit);

		if (!ok) {
			eng_diag_addf(diag, "%s: %s value %u is not valid", obj, what, v[i]);
			rc = -EINVAL;
		}
		for (uint8_t j = 0; j < i; j++)
			if (v[j] == v[i] && ok) {
				eng_diag_addf(diag, "%s: %s lists %u twice", obj, what, v[i]);
				rc = -EINVAL;
			}
	}
	return rc;
}

static int check_str(struct eng_diag *diag, const char *obj, const char *what, const char *s,
		     size_t max, bool word)
{
	size_t n;

	if (!s)
		return 0;
	n = strnlen(s, max + 1);
	if (n == 0 || n > max) {
		eng_diag_addf(diag, "%s: %s must be 1 to %zu characters", obj, what, max);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || (word && c == ' ')) {
			eng_diag_addf(diag, "%s: %s has a character that is not allowed", obj,
				      what);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_lifetime(struct eng_diag *diag, const char *obj, const char *what, uint32_t v,
			  uint32_t lo, uint32_t hi)
{
	if (v == 0 || (v >= lo && v <= hi))
		return 0;
	eng_diag_addf(diag, "%s: %s %u is out of range %u-%u", obj, what, v, lo, hi);
	return -EINVAL;
}

static int check_ident(struct eng_diag *diag, const char *obj, const char *what,
		       const struct eng_ident *id)
{
	switch (id->kind) {
	case ENG_ID_DEFAULT:
	case ENG_ID_ANY:
		return 0;
	case ENG_ID_ADDRESS:
		if (id->addr.family != AF_INET && id->addr.family != AF_INET6) {
			eng_diag_addf(diag, "%s: %s address is not set", obj, what);
			return -EINVAL;
		}
		return 0;
	case ENG_ID_FQDN:
	case ENG_ID_USER_FQDN:
	case ENG_ID_DN:
	case ENG_ID_KEY_ID:
		if (!id->value) {
			eng_diag_addf(diag, "%s: %s has no value", obj, what);
			return -EINVAL;
		}
		return check_str(diag, obj, what, id->value, ENG_ID_MAX, false);
	default:
		eng_diag_addf(diag, "%s: %s kind %u is not valid", obj, what, id->kind);
		return -EINVAL;
	}
}

static bool addr_set(const struct eng_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

static int check_tunnel(const struct eng_tunnel *t, const char *obj, struct eng_diag *diag)
{
	int rc = 0;

	if (check_str(diag, obj, "description", t->description, ENG_DESC_MAX, false))
		rc = -EINVAL;
	if (t->ike_version > 2) {
		eng_diag_addf(diag, "%s: ike-version %u is not 1 or 2", obj, t->ike_version);
		rc = -EINVAL;
	}
	if (t->ipsec_policy[0] && eng_key_parse(ENG_OBJ_IPSEC, t->ipsec_policy, &(uint32_t){0})) {
		eng_diag_addf(diag, "%s: ipsec-policy name is not valid", obj);
		rc = -EINVAL;
	}
	switch (t->local.kind) {
	case ENG_EP_NONE:
		break;
	case ENG_EP_ADDR:
		if (!addr_set(&t->local.addr)) {
			eng_diag_addf(diag, "%s: local-address is not an address", obj);
			rc = -EINVAL;
		}
		break;
	case ENG_EP_IFACE:
		if (!t->local.name || !t->local.name[0] ||
		    strlen(t->local.name) >= ENG_IFNAME_MAX ||
		    check_str(diag, obj, "local-address interface", t->local.name,
			      ENG_IFNAME_MAX - 1, true)) {
			eng_diag_addf(diag, "%s: local-address interface name is not valid", obj);
			rc = -EINVAL;
		}
		break;
	default:
		eng_diag_addf(diag, "%s: local-address kind %u is not valid", obj, t->local.kind);
		rc = -EINVAL;
	}
	if (t->n_remote > ENG_PEER_ADDRS_MAX) {
		eng_diag_addf(diag, "%s: more than %d remote-address entries", obj,
			      ENG_PEER_ADDRS_MAX);
		return -EINVAL;
	}
	for (uint8_t i = 0; i < t->n_remote; i++) {
		const struct eng_endpoint *r = &t->remote[i];

		if (r->kind == ENG_EP_ADDR && addr_set(&r->addr))
			continue;
		if (r->kind == ENG_EP_ANY)
			continue;
		if (r->kind == ENG_EP_HOST && r->name &&
		    check_str(diag, obj, "remote-address host name", r->name, ENG_DNSNAME_MAX,
			      true) == 0)
			continue;
		eng_diag_addf(diag, "%s: remote-address entry %u is not valid", obj, i + 1);
		rc = -EINVAL;
	}
	if (t->auth > ENG_AUTH_CERT) {
		eng_diag_addf(diag, "%s: authentication kind %u is not valid", obj, t->auth);
		rc = -EINVAL;
	}
	/* a secret's content is never echoed, only its length rule */
	if (check_str(diag, obj, "pre-shared key", t->psk, ENG_SECRET_MAX, false) ||
	    check_str(diag, obj, "trustpoint", t->trustpoint, ENG_NAME_MAX - 1, true) ||
	    check_str(diag, obj, "xauth username", t->xauth_user, 64, true) ||
	    check_str(diag, obj, "xauth password", t->xauth_password, ENG_SECRET_MAX, false))
		rc = -EINVAL;
	if (check_ident(diag, obj, "local-id", &t->local_id) ||
	    check_ident(diag, obj, "remote-id", &t->remote_id))
		rc = -EINVAL;
	if (t->n_local_subnet > ENG_SUBNETS_MAX || t->n_remote_subnet > ENG_SUBNETS_MAX) {
		eng_diag_addf(diag, "%s: more than %d subnets on one side", obj, ENG_SUBNETS_MAX);
		return -EINVAL;
	}
	for (uint8_t i = 0; i < t->n_local_subnet + t->n_remote_subnet; i++) {
		const struct eng_prefix *p = i < t->n_local_subnet
						 ? &t->local_subnet[i]
						 : &t->remote_subnet[i - t->n_local_subnet];
		unsigned max = p->addr.family == AF_INET ? 32 : 128;

		if (!addr_set(&p->addr) || p->len > max) {
			eng_diag_addf(diag, "%s: %s-subnet entry is not a valid prefix", obj,
				      i < t->n_local_subnet ? "local" : "remote");
			rc = -EINVAL;
		}
	}
	if (t->negotiation_mode > ENG_NEG_AGGRESSIVE || t->dpd.action > ENG_DPD_HOLD ||
	    t->start_mode > ENG_START_RESPONDER || t->nat_traversal > ENG_NATT_DISABLE ||
	    t->send_cert > ENG_SENDCERT_NEVER) {
		eng_diag_addf(diag, "%s: a setting has a value out of its range", obj);
		rc = -EINVAL;
	}
	if (t->frag_mtu && (t->frag_mtu < ENG_FRAG_MTU_MIN || !t->fragmentation)) {
		eng_diag_addf(diag,
			      "%s: fragmentation mtu %u is not %d-65535 with fragmentation on", obj,
			      (unsigned)t->frag_mtu, ENG_FRAG_MTU_MIN);
		rc = -EINVAL;
	}
	if ((t->xauth_user == NULL) != (t->xauth_password == NULL)) {
		eng_diag_addf(diag, "%s: xauth needs both a username and a password", obj);
		rc = -EINVAL;
	}
	if (t->dpd.interval > 3600 ||
	    (t->dpd.interval && (t->dpd.timeout < 2 || t->dpd.timeout > 86400))) {
		eng_diag_addf(diag, "%s: dpd interval 1-3600 and timeout 2-86400 are needed", obj);
		rc = -EINVAL;
	}
	if (t->pfs_group && !eng_group_valid(t->pfs_group)) {
		eng_diag_addf(diag, "%s: pfs group %u is not valid", obj, t->pfs_group);
		rc = -EINVAL;
	}
	if (check_lifetime(diag, obj, "sa-lifetime", t->sa_lifetime_s, 120, 86400))
		rc = -EINVAL;
	if (t->sa_lifetime_kb && t->sa_lifetime_kb < 2560) {
		eng_diag_addf(diag, "%s: sa-lifetime kilobytes must be at least 2560", obj);
		rc = -EINVAL;
	}
	if (t->sa_idletime > 86400) {
		eng_diag_addf(diag, "%s: sa-idletime is out of range 0-86400", obj);
		rc = -EINVAL;
	}
	if (addr_set(&t->icmp.server) &&
	    (t->icmp.interval < 1 || t->icmp.interval > 3600 || t->icmp.timeout < 1 ||
	     t->icmp.timeout > 60 || t->icmp.retries < 1 || t->icmp.retries > 100)) {
		eng_diag_addf(diag, "%s: icmp-detect interval, timeout or retries out of range",
			      obj);
		rc = -EINVAL;
	}
	if (t->xfrm_if.name[0]) {
		if (strnlen(t->xfrm_if.name, ENG_IFNAME_MAX) >= ENG_IFNAME_MAX ||
		    check_str(diag, obj, "xfrm-interface name", t->xfrm_if.name, ENG_IFNAME_MAX - 1,
			      true) ||
		    t->xfrm_if.if_id == 0) {
			eng_diag_addf(diag, "%s: xfrm-interface needs a name and an if-id 1-65535",
				      obj);
			rc = -EINVAL;
		}
	}
	return rc;
}

/* A trustpoint: fixed strings with their NUL, printable, a key label of
 * the store's alphabet (pki_name_ok's). */
static int check_trustpoint(const struct eng_trustpoint *tp, const char *obj, struct eng_diag *diag)
{
	int rc = 0;

	if (strnlen(tp->subject, sizeof(tp->subject)) == sizeof(tp->subject) ||
	    strnlen(tp->crl_file, sizeof(tp->crl_file)) == sizeof(tp->crl_file)) {
		eng_diag_addf(diag, "%s: subject-name or crl file is too long", obj);
		return -EINVAL;
	}
	for (const char *c = tp->keypair; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-') {
			eng_diag_addf(diag, "%s: keypair label %s is not valid", obj, tp->keypair);
			rc = -EINVAL;
			break;
		}
	for (const char *c = tp->name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-') {
			eng_diag_addf(diag,
				      "%s: a trustpoint name is letters, digits, '.', '_' and "
				      "'-'",
				      obj);
			rc = -EINVAL;
			break;
		}
	if (tp->name[0] == '.' || tp->keypair[0] == '.') {
		eng_diag_addf(diag, "%s: a name may not start with '.'", obj);
		rc = -EINVAL;
	}
	if ((tp->subject[0] &&
	     check_str(diag, obj, "subject-name", tp->subject, ENG_ID_MAX, false)) ||
	    (tp->crl_file[0] &&
	     check_str(diag, obj, "crl file", tp->crl_file, ENG_PATH_MAX - 1, true)))
		rc = -EINVAL;
	if (tp->crl_file[0] && tp->crl_file[0] != '/') {
		eng_diag_addf(diag, "%s: crl file needs an absolute path", obj);
		rc = -EINVAL;
	}
	if (tp->revocation > ENG_REVCHECK_CRL) {
		eng_diag_addf(diag, "%s: revocation-check is not valid", obj);
		rc = -EINVAL;
	}
	return rc;
}

int eng_obj_check(enum eng_kind kind, const void *obj, struct eng_diag *diag)
{
	const union eng_any *o = obj;
	char key[ENG_NAME_MAX], label[ENG_NAME_MAX + 20];
	uint32_t num;
	int rc = 0;

	if ((unsigned)kind >= ENG_OBJ_KINDS || !obj)
		return -EINVAL;
	/* a name field filled to its last byte has no NUL: not a name */
	if ((kind == ENG_OBJ_IPSEC && strnlen(o->ipsec.name, ENG_NAME_MAX) == ENG_NAME_MAX) ||
	    (kind == ENG_OBJ_TRUSTPOINT &&
	     (strnlen(o->trustpoint.name, ENG_NAME_MAX) == ENG_NAME_MAX ||
	      strnlen(o->trustpoint.keypair, ENG_NAME_MAX) == ENG_NAME_MAX)) ||
	    (kind == ENG_OBJ_TUNNEL &&
	     (strnlen(o->tunnel.name, ENG_NAME_MAX) == ENG_NAME_MAX ||
	      strnlen(o->tunnel.ipsec_policy, ENG_NAME_MAX) == ENG_NAME_MAX))) {
		eng_diag_addf(diag, "%s: a name is longer than %d characters", eng_kind_label(kind),
			      ENG_NAME_MAX - 1);
		return -EINVAL;
	}
	if (kind == ENG_OBJ_GLOBAL) {
		/* the flag read as a byte: a caller's struct may hold anything */
		uint8_t set;

		memcpy(&set, (const uint8_t *)obj + offsetof(struct eng_global, exec_timeout_set),
		       1);
		if (set > 1 || (set && o->global.exec_timeout > ENG_EXEC_TIMEOUT_MAX)) {
			eng_diag_addf(diag, "exec-timeout %u is out of range 0-%d",
				      (unsigned)o->global.exec_timeout, ENG_EXEC_TIMEOUT_MAX);
			return -EINVAL;
		}
		if (o->global.ike_cookie_challenge > ENG_IKE_LIMIT_MAX ||
		    o->global.ike_max_negotiating > ENG_IKE_LIMIT_MAX ||
		    o->global.ike_half_open_peer > ENG_IKE_LIMIT_MAX ||
		    o->global.ike_half_open_prefix > ENG_IKE_LIMIT_MAX) {
			eng_diag_addf(diag, "crypto ikev2 limits are at most %d",
				      ENG_IKE_LIMIT_MAX);
			return -EINVAL;
		}
	}
	eng_obj_key(kind, obj, key, sizeof(key));
	if (kind != ENG_OBJ_GLOBAL && eng_key_parse(kind, key, &num)) {
		eng_diag_addf(diag, "%s: the %s is not valid", eng_kind_label(kind),
			      kind == ENG_OBJ_IKEV1 || kind == ENG_OBJ_IKEV2 ? "number 1-65535"
									     : "name");
		return -EINVAL;
	}
	snprintf(label, sizeof(label), "%s %s", eng_kind_label(kind), key);
	switch (kind) {
	case ENG_OBJ_GLOBAL:
		if (strnlen(o->global.hostname, ENG_HOSTNAME_MAX) >= ENG_HOSTNAME_MAX ||
		    (o->global.hostname[0] &&
		     check_str(diag, "hostname", "the name", o->global.hostname,
			       ENG_HOSTNAME_MAX - 1, true)))
			rc = -EINVAL;
		break;
	case ENG_OBJ_IKEV1:
		if (o->ikev1.encr >= ENG_ENCR_COUNT || o->ikev1.encr == ENG_ENCR_NULL ||
		    eng_encr_is_aead(o->ikev1.encr)) {
			eng_diag_addf(diag, "%s: encryption %s is not available with IKEv1", label,
				      eng_encr_name(o->ikev1.encr));
			rc = -EINVAL;
		}
		if (o->ikev1.hash >= ENG_HASH_COUNT || o->ikev1.auth > ENG_IKEAUTH_RSA_SIG ||
		    (o->ikev1.group && !eng_group_valid(o->ikev1.group))) {
			eng_diag_addf(diag, "%s: hash, group or authentication is not valid",
				      label);
			rc = -EINVAL;
		}
		if (check_lifetime(diag, label, "lifetime", o->ikev1.lifetime, 60, 86400))
			rc = -EINVAL;
		break;
	case ENG_OBJ_IKEV2:
		if (check_list(diag, label, "encryption", o->ikev2.n_encr, o->ikev2.encr,
			       ENG_ENCR_COUNT, false) ||
		    check_list(diag, label, "integrity", o->ikev2.n_integ, o->ikev2.integ,
			       ENG_HASH_COUNT, false) ||
		    check_list(diag, label, "prf", o->ikev2.n_prf, o->ikev2.prf, ENG_HASH_COUNT,
			       false) ||
		    check_list(diag, label, "group", o->ikev2.n_group, o->ikev2.group, 0, true))
			rc = -EINVAL;
		for (uint8_t i = 0; i < o->ikev2.n_encr && i < ENG_LIST_MAX; i++)
			if (o->ikev2.encr[i] == ENG_ENCR_NULL) {
				eng_diag_addf(diag, "%s: encryption null is not available for IKE",
					      label);
				rc = -EINVAL;
			}
		if (check_lifetime(diag, label, "lifetime", o->ikev2.lifetime, 120, 86400))
			rc = -EINVAL;
		break;
	case ENG_OBJ_IPSEC:
		if (o->ipsec.proto > ENG_PROTO_AH || o->ipsec.mode > ENG_MODE_TRANSPORT ||
		    (o->ipsec.pfs_group && !eng_group_valid(o->ipsec.pfs_group))) {
			eng_diag_addf(diag, "%s: protocol, mode or pfs group is not valid", label);
			rc = -EINVAL;
		}
		if (check_list(diag, label, "encryption", o->ipsec.n_encr, o->ipsec.encr,
			       ENG_ENCR_COUNT, false) ||
		    check_list(diag, label, "integrity", o->ipsec.n_integ, o->ipsec.integ,
			       ENG_HASH_COUNT, false))
			rc = -EINVAL;
		if (check_lifetime(diag, label, "lifetime seconds", o->ipsec.lifetime_s, 120,
				   86400))
			rc = -EINVAL;
		if (o->ipsec.lifetime_kb && o->ipsec.lifetime_kb < 2560) {
			eng_diag_addf(diag, "%s: lifetime kilobytes must be at least 2560", label);
			rc = -EINVAL;
		}
		break;
	case ENG_OBJ_TRUSTPOINT:
		rc = check_trustpoint(&o->trustpoint, label, diag);
		break;
	case ENG_OBJ_TUNNEL:
		rc = check_tunnel(&o->tunnel, label, diag);
		break;
	default:
		rc = -EINVAL;
	}
	return rc;
}

void eng_keys_free(struct eng_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	k->keys = NULL;
	k->n = 0;
}
