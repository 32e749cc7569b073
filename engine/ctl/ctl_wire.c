/*
 * ctl_wire.c - frames and payload fields of the control protocol.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

void ctl_hdr_put(uint8_t out[CTL_HDR_LEN], const struct ctl_hdr *h)
{
	memcpy(out, &h->len, 4);
	memcpy(out + 4, &h->version, 2);
	memcpy(out + 6, &h->type, 2);
	memcpy(out + 8, &h->seq, 4);
}

void ctl_hdr_get(const uint8_t in[CTL_HDR_LEN], struct ctl_hdr *h)
{
	memcpy(&h->len, in, 4);
	memcpy(&h->version, in + 4, 2);
	memcpy(&h->type, in + 6, 2);
	memcpy(&h->seq, in + 8, 4);
}

void ctl_frame(struct ebuf *b, uint16_t type, uint32_t seq, const void *payload, size_t len)
{
	struct ctl_hdr h = {(uint32_t)len, CTL_VERSION, type, seq};
	uint8_t hdr[CTL_HDR_LEN];

	ctl_hdr_put(hdr, &h);
	ebuf_add(b, (const char *)hdr, sizeof(hdr));
	if (len)
		ebuf_add(b, payload, len);
}

/* ---- Writing ------------------------------------------------------------ */

void wb_u8(struct ebuf *b, uint8_t v)
{
	ebuf_add(b, (const char *)&v, 1);
}

void wb_u32(struct ebuf *b, uint32_t v)
{
	ebuf_add(b, (const char *)&v, 4);
}

void wb_i32(struct ebuf *b, int32_t v)
{
	ebuf_add(b, (const char *)&v, 4);
}

void wb_i64(struct ebuf *b, int64_t v)
{
	ebuf_add(b, (const char *)&v, 8);
}

void wb_str(struct ebuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!s || n >= CTL_STR_NULL) {
		wb_u32(b, CTL_STR_NULL);
		return;
	}
	wb_u32(b, (uint32_t)n);
	if (n)
		ebuf_add(b, s, n);
}

void wb_blob(struct ebuf *b, const void *p, size_t n)
{
	wb_u32(b, (uint32_t)n);
	if (n)
		ebuf_add(b, p, n);
}

void wb_diag(struct ebuf *b, const struct eng_diag *d)
{
	wb_u32(b, (uint32_t)d->n);
	for (size_t i = 0; i < d->n; i++)
		wb_str(b, d->lines[i]);
}

/* The heap strings of a tunnel, in wire order. */
static size_t tunnel_strings(struct eng_tunnel *t, char ***v)
{
	size_t n = 0;

	/* keep in step with the check in wb_obj: remote names at 2.. */
	v[n++] = &t->description;
	v[n++] = &t->local.name;
	for (size_t i = 0; i < ENG_PEER_ADDRS_MAX; i++)
		v[n++] = &t->remote[i].name;
	v[n++] = &t->psk;
	v[n++] = &t->trustpoint;
	v[n++] = &t->local_id.value;
	v[n++] = &t->remote_id.value;
	v[n++] = &t->xauth_user;
	v[n++] = &t->xauth_password;
	return n;
}

#define TUNNEL_STRINGS (ENG_PEER_ADDRS_MAX + 8)

void wb_obj(struct ebuf *b, enum eng_kind kind, const void *obj)
{
	struct eng_tunnel t;
	char **v[TUNNEL_STRINGS];
	size_t n;

	if (kind != ENG_OBJ_TUNNEL) {
		wb_blob(b, obj, eng_kind_size(kind));
		return;
	}
	/* a shallow copy whose pointers go out as strings, not addresses */
	memcpy(&t, obj, sizeof(t));
	n = tunnel_strings(&t, v);
	for (size_t i = 0; i < n; i++)
		*v[i] = NULL;
	wb_blob(b, &t, sizeof(t));
	n = tunnel_strings((struct eng_tunnel *)obj, v);
	for (size_t i = 0; i < n; i++) {
		/* names past n_remote are stale pointers, not the object's */
		bool unused = i >= 2 && i < 2 + ENG_PEER_ADDRS_MAX &&
			      i - 2 >= ((const struct eng_tunnel *)obj)->n_remote;

		wb_str(b, unused ? NULL : *v[i]);
	}
}

/* ---- Reading ------------------------------------------------------------ */

static const uint8_t *rb_take(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint8_t rb_u8(struct rbuf *r)
{
	const uint8_t *p = rb_take(r, 1);

	return p ? *p : 0;
}

uint32_t rb_u32(struct rbuf *r)
{
	const uint8_t *p = rb_take(r, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);
	return v;
}

int32_t rb_i32(struct rbuf *r)
{
	const uint8_t *p = rb_take(r, 4);
	int32_t v = 0;

	if (p)
		memcpy(&v, p, 4);
	return v;
}

int64_t rb_i64(struct rbuf *r)
{
	const uint8_t *p = rb_take(r, 8);
	int64_t v = 0;

	if (p)
		memcpy(&v, p, 8);
	return v;
}

int rb_str(struct rbuf *r, bool nullable, char **out)
{
	uint32_t n = rb_u32(r);
	const uint8_t *p;

	*out = NULL;
	if (r->bad)
		return -EBADMSG;
	if (n == CTL_STR_NULL) {
		if (nullable)
			return 0;
		r->bad = true;
		return -EBADMSG;
	}
	p = rb_take(r, n);
	if (!p || memchr(p, '\0', n)) {
		r->bad = true;
		return -EBADMSG;
	}
	*out = strndup((const char *)p, n);
	return *out ? 0 : -ENOMEM;
}

const uint8_t *rb_blob(struct rbuf *r, size_t n)
{
	uint32_t len = rb_u32(r);

	if (r->bad || len != n) {
		r->bad = true;
		return NULL;
	}
	return rb_take(r, n);
}

int rb_diag(struct rbuf *r, struct eng_diag *d)
{
	uint32_t n = rb_u32(r);

	/* each line costs at least its length field */
	if (r->bad || n > (r->len - r->off) / 4) {
		r->bad = true;
		return -EBADMSG;
	}
	for (uint32_t i = 0; i < n; i++) {
		char *line;
		int rc = rb_str(r, false, &line);

		if (rc)
			return rc;
		if (d)
			eng_diag_addf(d, "%s", line);
		free(line);
	}
	return 0;
}

static bool fixed_str_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* A bool of a received struct: any byte but 0 and 1 would be undefined
 * behaviour when read as bool, so it is made one of them through a
 * character pointer before the struct is used. */
static void fix_bool(void *obj, size_t off)
{
	uint8_t *p = (uint8_t *)obj + off;

	*p = *p != 0;
}

static int rb_tunnel(struct rbuf *r, struct eng_tunnel *t)
{
	const uint8_t *raw = rb_blob(r, sizeof(*t));
	char **v[TUNNEL_STRINGS];
	size_t n;

	if (!raw)
		return -EBADMSG;
	memcpy(t, raw, sizeof(*t));
	n = tunnel_strings(t, v);
	for (size_t i = 0; i < n; i++)
		*v[i] = NULL;
	fix_bool(t, offsetof(struct eng_tunnel, shutdown));
	fix_bool(t, offsetof(struct eng_tunnel, no_rekey));
	fix_bool(t, offsetof(struct eng_tunnel, mobike));
	fix_bool(t, offsetof(struct eng_tunnel, fragmentation));
	fix_bool(t, offsetof(struct eng_tunnel, split_connection));
	fix_bool(t, offsetof(struct eng_tunnel, no_certreq));
	fix_bool(t, offsetof(struct eng_tunnel, firewall_rule));
	if (!fixed_str_ok(t->name, sizeof(t->name)) ||
	    !fixed_str_ok(t->ipsec_policy, sizeof(t->ipsec_policy)) ||
	    !fixed_str_ok(t->xfrm_if.name, sizeof(t->xfrm_if.name)) ||
	    !fixed_str_ok(t->gre.name, sizeof(t->gre.name)) || t->n_remote > ENG_PEER_ADDRS_MAX ||
	    t->n_local_subnet > ENG_SUBNETS_MAX || t->n_remote_subnet > ENG_SUBNETS_MAX) {
		r->bad = true;
		return -EBADMSG;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = rb_str(r, true, v[i]);

		if (rc)
			goto fail;
	}
	/* eng_obj_clear frees the names of the entries in use only */
	for (size_t i = t->n_remote; i < ENG_PEER_ADDRS_MAX; i++)
		if (t->remote[i].name)
			goto fail;
	return 0;
fail:
	for (size_t i = 0; i < n; i++) {
		eng_secret_free(*v[i]); /* the key among them */
		*v[i] = NULL;
	}
	r->bad = true;
	return -EBADMSG;
}

static bool lists_ok(const uint8_t *counts[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (*counts[i] > ENG_LIST_MAX)
			return false;
	return true;
}

int rb_obj(struct rbuf *r, enum eng_kind kind, void *out)
{
	const uint8_t *raw;
	int rc = -EBADMSG;

	if ((unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	memset(out, 0, eng_kind_size(kind));
	if (kind == ENG_OBJ_TUNNEL) {
		rc = rb_tunnel(r, out);
		if (rc)
			eng_obj_clear(kind, out);
		return rc;
	}
	raw = rb_blob(r, eng_kind_size(kind));
	if (!raw)
		return -EBADMSG;
	memcpy(out, raw, eng_kind_size(kind));
	switch (kind) {
	case ENG_OBJ_GLOBAL: {
		struct eng_global *g = out;

		fix_bool(g, offsetof(struct eng_global, exec_timeout_set));
		rc = fixed_str_ok(g->hostname, sizeof(g->hostname)) ? 0 : -EBADMSG;
		break;
	}
	case ENG_OBJ_IKEV2: {
		struct eng_ikev2_policy *p = out;
		const uint8_t *c[] = {&p->n_encr, &p->n_integ, &p->n_prf, &p->n_group};

		rc = lists_ok(c, 4) ? 0 : -EBADMSG;
		break;
	}
	case ENG_OBJ_IPSEC: {
		struct eng_ipsec_policy *p = out;
		const uint8_t *c[] = {&p->n_encr, &p->n_integ};

		rc = lists_ok(c, 2) && fixed_str_ok(p->name, sizeof(p->name)) ? 0 : -EBADMSG;
		break;
	}
	case ENG_OBJ_TRUSTPOINT: {
		struct eng_trustpoint *tp = out;

		rc = fixed_str_ok(tp->name, sizeof(tp->name)) &&
			     fixed_str_ok(tp->keypair, sizeof(tp->keypair)) &&
			     fixed_str_ok(tp->subject, sizeof(tp->subject)) &&
			     fixed_str_ok(tp->crl_file, sizeof(tp->crl_file))
			 ? 0
			 : -EBADMSG;
		break;
	}
	default:
		rc = 0;
		break;
	}
	if (rc) {
		r->bad = true;
		memset(out, 0, eng_kind_size(kind));
	}
	return rc;
}

int rb_status(struct rbuf *r, struct eng_tunnel_status *st)
{
	const uint8_t *raw = rb_blob(r, sizeof(*st));

	if (!raw)
		return -EBADMSG;
	memcpy(st, raw, sizeof(*st));
	fix_bool(st, offsetof(struct eng_tunnel_status, ike_up));
	fix_bool(st, offsetof(struct eng_tunnel_status, initiator));
	fix_bool(st, offsetof(struct eng_tunnel_status, nat_local));
	fix_bool(st, offsetof(struct eng_tunnel_status, nat_remote));
	for (size_t i = 0; i < ENG_STATUS_IKE_SAS; i++) {
		struct eng_ike_sa_status *a = &st->ike_sa[i];

		fix_bool(a, offsetof(struct eng_ike_sa_status, current));
		fix_bool(a, offsetof(struct eng_ike_sa_status, initiator));
		fix_bool(a, offsetof(struct eng_ike_sa_status, nat_local));
		fix_bool(a, offsetof(struct eng_ike_sa_status, nat_remote));
		if (a->state > ENG_IKE_SA_DELETING) {
			r->bad = true;
			return -EBADMSG;
		}
	}
	fix_bool(st, offsetof(struct eng_tunnel_status, fw_installed));
	if (!fixed_str_ok(st->name, sizeof(st->name)) ||
	    !fixed_str_ok(st->reason, sizeof(st->reason)) ||
	    !fixed_str_ok(st->auth_sign, sizeof(st->auth_sign)) ||
	    !fixed_str_ok(st->auth_verify, sizeof(st->auth_verify)) ||
	    !fixed_str_ok(st->firewall, sizeof(st->firewall)) ||
	    !fixed_str_ok(st->icmp.last, sizeof(st->icmp.last)) ||
	    st->icmp.state > ENG_ICMP_MISSING || st->n_child > ENG_STATUS_CHILDREN ||
	    (unsigned)st->state > ENG_TUN_IKE_NO_CHILD) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

int rb_commit_info(struct rbuf *r, struct eng_commit_info *ci)
{
	const uint8_t *raw = rb_blob(r, sizeof(*ci));

	if (!raw)
		return -EBADMSG;
	memcpy(ci, raw, sizeof(*ci));
	fix_bool(ci, offsetof(struct eng_commit_info, confirmed_pending));
	if (!fixed_str_ok(ci->user, sizeof(ci->user)) ||
	    !fixed_str_ok(ci->comment, sizeof(ci->comment))) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

int rb_sess_info(struct rbuf *r, struct eng_sess_info *si)
{
	const uint8_t *raw = rb_blob(r, sizeof(*si));

	if (!raw)
		return -EBADMSG;
	memcpy(si, raw, sizeof(*si));
	fix_bool(si, offsetof(struct eng_sess_info, config));
	fix_bool(si, offsetof(struct eng_sess_info, exclusive));
	fix_bool(si, offsetof(struct eng_sess_info, self));
	if (!fixed_str_ok(si->user, sizeof(si->user)) || (unsigned)si->role > ENG_ROLE_ADMIN) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

const uint8_t *rb_bytes(struct rbuf *r, size_t max, size_t *n)
{
	uint32_t len = rb_u32(r);
	const uint8_t *p;

	*n = 0;
	if (r->bad || len > max) {
		r->bad = true;
		return NULL;
	}
	p = rb_take(r, len);
	if (p)
		*n = len;
	return p;
}

int rb_key_info(struct rbuf *r, struct eng_key_info *ki)
{
	const uint8_t *raw = rb_blob(r, sizeof(*ki));

	if (!raw)
		return -EBADMSG;
	memcpy(ki, raw, sizeof(*ki));
	if (!fixed_str_ok(ki->label, sizeof(ki->label)) ||
	    !fixed_str_ok(ki->fingerprint, sizeof(ki->fingerprint)) ||
	    !fixed_str_ok(ki->pubkey, sizeof(ki->pubkey)) || ki->type > ENG_KEY_ED25519) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

int rb_cert_info(struct rbuf *r, struct eng_cert_info *ci)
{
	const uint8_t *raw = rb_blob(r, sizeof(*ci));

	if (!raw)
		return -EBADMSG;
	memcpy(ci, raw, sizeof(*ci));
	if (!fixed_str_ok(ci->trustpoint, sizeof(ci->trustpoint)) ||
	    !fixed_str_ok(ci->subject, sizeof(ci->subject)) ||
	    !fixed_str_ok(ci->issuer, sizeof(ci->issuer)) ||
	    !fixed_str_ok(ci->serial, sizeof(ci->serial)) ||
	    !fixed_str_ok(ci->key, sizeof(ci->key)) || !fixed_str_ok(ci->san, sizeof(ci->san)) ||
	    !fixed_str_ok(ci->usage, sizeof(ci->usage)) ||
	    !fixed_str_ok(ci->fingerprint, sizeof(ci->fingerprint)) || ci->role > ENG_CERT_OWN ||
	    ci->state > ENG_CERT_REVOKED) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

int rb_tp_info(struct rbuf *r, struct eng_tp_info *ti)
{
	const uint8_t *raw = rb_blob(r, sizeof(*ti));

	if (!raw)
		return -EBADMSG;
	memcpy(ti, raw, sizeof(*ti));
	fix_bool(ti, offsetof(struct eng_tp_info, key));
	fix_bool(ti, offsetof(struct eng_tp_info, cert));
	fix_bool(ti, offsetof(struct eng_tp_info, crl));
	fix_bool(ti, offsetof(struct eng_tp_info, configured));
	if (!fixed_str_ok(ti->name, sizeof(ti->name)) ||
	    !fixed_str_ok(ti->keypair, sizeof(ti->keypair)) || ti->revocation > ENG_REVCHECK_CRL) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

int rb_impact(struct rbuf *r, struct eng_tunnel_impact *ti)
{
	const uint8_t *raw = rb_blob(r, sizeof(*ti));

	if (!raw)
		return -EBADMSG;
	memcpy(ti, raw, sizeof(*ti));
	if (!fixed_str_ok(ti->name, sizeof(ti->name)) || !fixed_str_ok(ti->why, sizeof(ti->why)) ||
	    ti->impact > ENG_IMPACT_TORN_DOWN) {
		r->bad = true;
		return -EBADMSG;
	}
	return 0;
}

bool rb_done(const struct rbuf *r)
{
	return !r->bad && r->off == r->len;
}
