/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"

/* The first error of a sequence of reads or writes wins. */
#define TRY(expr)                                                                                  \
	do {                                                                                       \
		if ((ret = (expr)) < 0)                                                            \
			goto done;                                                                 \
	} while (0)

int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, buf, len);
	TRY(ike_read_bytes(&r, hdr->spi_i, 8));
	TRY(ike_read_bytes(&r, hdr->spi_r, 8));
	TRY(ike_read_u8(&r, &hdr->next));
	TRY(ike_read_u8(&r, &hdr->version));
	TRY(ike_read_u8(&r, &hdr->exchange));
	TRY(ike_read_u8(&r, &hdr->flags));
	TRY(ike_read_u32(&r, &hdr->msgid));
	TRY(ike_read_u32(&r, &hdr->length));
done:
	return ret;
}

/*
 * Walk a payload chain in buf starting with type first. base is the
 * offset of buf in its message (for ike_pld.off). Stops after SK/SKF,
 * whose body runs to the end of the message.
 */
static int ike_chain_parse(struct ike_msg *m, uint8_t first, const uint8_t *buf, size_t len,
			   size_t base, bool encrypted)
{
	struct ike_reader r;
	uint8_t type = first;
	int ret = 0;

	ike_reader_init(&r, buf, len);
	while (type != IKE_PLD_NONE) {
		struct ike_pld *p;
		uint8_t next, flags;
		uint16_t plen;
		size_t off = len - r.left;

		if (m->npld == IKE_MSG_MAX_PLD)
			return -EMSGSIZE;
		TRY(ike_read_u8(&r, &next));
		TRY(ike_read_u8(&r, &flags));
		TRY(ike_read_u16(&r, &plen));
		if (plen < IKE_PLD_HDR_LEN)
			return -EBADMSG;
		p = &m->pld[m->npld];
		p->type = type;
		p->critical = flags & 0x80;
		p->encrypted = encrypted;
		p->off = base + off;
		p->len = plen - IKE_PLD_HDR_LEN;
		TRY(ike_read_ref(&r, p->len, &p->body));
		m->npld++;

		if (!ike_payload_known(type) && p->critical && !m->unsupported_critical)
			m->unsupported_critical = type;
		if (type == IKE_PLD_SK || type == IKE_PLD_SKF) {
			/* SK is last (§3.14); an SK inside SK is nonsense. */
			if (encrypted || r.left != 0)
				return -EBADMSG;
			m->sk = (int)(m->npld - 1);
			m->sk_next = next;
			return 0;
		}
		type = next;
	}
	/* bytes after the last payload */
	if (r.left != 0)
		return -EBADMSG;
done:
	return ret;
}

int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	int ret;

	memset(m, 0, sizeof(*m));
	m->sk = -1;
	ret = ike_hdr_parse(buf, len, &m->hdr);
	if (ret < 0)
		return ret;
	if (m->hdr.length != len)
		return -EBADMSG;
	return ike_chain_parse(m, m->hdr.next, buf + IKE_HDR_LEN, len - IKE_HDR_LEN, IKE_HDR_LEN,
			       false);
}

int ike_msg_parse_inner(struct ike_msg *m, const uint8_t *plain, size_t len)
{
	if (m->sk < 0)
		return -EINVAL;
	return ike_chain_parse(m, m->sk_next, plain, len, 0, true);
}

const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type, size_t from)
{
	for (size_t i = from; i < m->npld; i++) {
		if (m->pld[i].type == type)
			return &m->pld[i];
	}
	return NULL;
}

int ike_msg_sk_span(const struct ike_msg *m, const uint8_t *buf, size_t *aadlen,
		    const uint8_t **body, size_t *bodylen)
{
	const struct ike_pld *sk;

	if (m->sk < 0)
		return -ENOENT;
	sk = &m->pld[m->sk];
	/* SKF bodies start with fragment numbers (RFC 7383); reassembly is not done here */
	if (sk->type != IKE_PLD_SK)
		return -ENOTSUP;
	*aadlen = sk->off + IKE_PLD_HDR_LEN;
	*body = buf + *aadlen;
	*bodylen = sk->len;
	return 0;
}

/* ---- parsers ---- */

/* Transform attributes: only Key Length is understood (§3.3.5). */
static int ike_parse_attrs(struct ike_reader *r, struct ike_transform *t)
{
	int ret = 0;

	while (r->left) {
		uint16_t type, val;

		TRY(ike_read_u16(r, &type));
		TRY(ike_read_u16(r, &val));
		if (type & IKE_ATTR_AF) {
			if ((type & ~IKE_ATTR_AF) == IKE_ATTR_KEY_LENGTH)
				t->keylen = val;
			else
				t->unknown_attr = true;
		} else {
			/* TLV: val is the length of the value that follows */
			t->unknown_attr = true;
			TRY(ike_read_skip(r, val));
		}
	}
done:
	return ret;
}

/* Note what the proposal offers, kept or not. */
static void ike_prop_note(struct ike_proposal *prop, const struct ike_transform *t)
{
	if (t->type >= 1 && t->type <= 15)
		prop->types |= (uint16_t)(1u << t->type);
	else
		prop->unknown_type = true;
	/* 3 = INTEG (§3.3.2); NONE is 0 */
	if (t->type == 3 && t->id != 0)
		prop->integ_not_none = true;
}

static bool ike_prop_has(const struct ike_proposal *prop, const struct ike_transform *t)
{
	for (size_t i = 0; i < prop->ntransforms; i++) {
		const struct ike_transform *x = &prop->xf[i];

		if (x->type == t->type && x->id == t->id && x->keylen == t->keylen &&
		    x->unknown_attr == t->unknown_attr)
			return true;
	}
	return false;
}

static int ike_parse_proposal(struct ike_reader *r, struct ike_proposal *prop,
			      bool (*keep)(const struct ike_transform *t))
{
	uint8_t nxf;
	int ret;

	memset(prop, 0, sizeof(*prop));
	TRY(ike_read_u8(r, &prop->num));
	TRY(ike_read_u8(r, &prop->protocol));
	TRY(ike_read_u8(r, &prop->spi_size));
	TRY(ike_read_u8(r, &nxf));
	if (prop->spi_size > sizeof(prop->spi))
		return -EBADMSG;
	TRY(ike_read_bytes(r, prop->spi, prop->spi_size));
	prop->nwire = nxf;
	for (size_t i = 0; i < nxf; i++) {
		struct ike_transform t = {0};
		struct ike_reader tr;
		uint8_t last, reserved;
		uint16_t tlen;

		TRY(ike_read_u8(r, &last));
		TRY(ike_read_u8(r, &reserved));
		TRY(ike_read_u16(r, &tlen));
		if (tlen < 8)
			return -EBADMSG;
		TRY(ike_read_sub(r, tlen - 4, &tr));
		/* 3 = more transforms follow, 0 = this is the last (§3.3.2) */
		if (last != (i + 1 < nxf ? 3 : 0))
			return -EBADMSG;
		TRY(ike_read_u8(&tr, &t.type));
		TRY(ike_read_skip(&tr, 1));
		TRY(ike_read_u16(&tr, &t.id));
		TRY(ike_parse_attrs(&tr, &t));
		ike_prop_note(prop, &t);
		/* kept once: a repeated transform adds nothing */
		if ((keep == NULL || keep(&t)) && prop->ntransforms < IKE_MAX_TRANSFORMS &&
		    !ike_prop_has(prop, &t))
			prop->xf[prop->ntransforms++] = t;
	}
	/* the proposal length must be used up exactly by its transforms */
	if (r->left != 0)
		return -EBADMSG;
done:
	return ret;
}

int ike_parse_sa_filter(const struct ike_pld *p, struct ike_sa_pld *sa,
			bool (*keep)(const struct ike_transform *t))
{
	struct ike_proposal scratch;
	struct ike_reader r;
	int ret = 0;

	ike_reader_init(&r, p->body, p->len);
	sa->nproposals = 0;
	sa->nwire = 0;
	while (r.left) {
		struct ike_proposal *prop;
		struct ike_reader pr;
		uint8_t last, reserved;
		uint16_t plen;

		TRY(ike_read_u8(&r, &last));
		TRY(ike_read_u8(&r, &reserved));
		TRY(ike_read_u16(&r, &plen));
		if (plen < 8)
			return -EBADMSG;
		TRY(ike_read_sub(&r, plen - 4, &pr));
		/* 2 = more proposals follow, 0 = last (§3.3.1) */
		if (last != (r.left ? 2 : 0))
			return -EBADMSG;
		/* past what is kept, still read and checked */
		prop = sa->nproposals < IKE_MAX_PROPOSALS ? &sa->prop[sa->nproposals] : &scratch;
		TRY(ike_parse_proposal(&pr, prop, keep));
		if (prop != &scratch)
			sa->nproposals++;
		sa->nwire++;
	}
	if (sa->nwire == 0)
		return -EBADMSG;
done:
	return ret;
}

int ike_parse_sa(const struct ike_pld *p, struct ike_sa_pld *sa)
{
	return ike_parse_sa_filter(p, sa, NULL);
}

int ike_parse_ke(const struct ike_pld *p, struct ike_ke *ke)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u16(&r, &ke->group));
	TRY(ike_read_skip(&r, 2));
	ke->len = r.left;
	TRY(ike_read_ref(&r, r.left, &ke->data));
done:
	return ret;
}

int ike_parse_nonce(const struct ike_pld *p, struct ike_nonce *n)
{
	n->data = p->body;
	n->len = p->len;
	return 0;
}

int ike_parse_id(const struct ike_pld *p, struct ike_id *id)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	id->rest = p->body;
	id->restlen = p->len;
	TRY(ike_read_u8(&r, &id->type));
	TRY(ike_read_skip(&r, 3));
	id->len = r.left;
	TRY(ike_read_ref(&r, r.left, &id->data));
done:
	return ret;
}

int ike_parse_auth(const struct ike_pld *p, struct ike_auth *auth)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &auth->method));
	TRY(ike_read_skip(&r, 3));
	auth->len = r.left;
	TRY(ike_read_ref(&r, r.left, &auth->data));
done:
	return ret;
}

int ike_parse_cert(const struct ike_pld *p, struct ike_cert *cert)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &cert->encoding));
	cert->len = r.left;
	TRY(ike_read_ref(&r, r.left, &cert->data));
done:
	return ret;
}

int ike_parse_notify(const struct ike_pld *p, struct ike_notify *n)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &n->protocol));
	TRY(ike_read_u8(&r, &n->spi_size));
	TRY(ike_read_u16(&r, &n->type));
	TRY(ike_read_ref(&r, n->spi_size, &n->spi));
	if (n->spi_size == 0)
		n->spi = NULL;
	n->len = r.left;
	TRY(ike_read_ref(&r, r.left, &n->data));
done:
	return ret;
}

int ike_parse_delete(const struct ike_pld *p, struct ike_delete *d)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &d->protocol));
	TRY(ike_read_u8(&r, &d->spi_size));
	TRY(ike_read_u16(&r, &d->nspi));
	/* exactly nspi SPIs, no more, no less */
	if ((size_t)d->nspi * d->spi_size != r.left)
		return -EBADMSG;
	TRY(ike_read_ref(&r, r.left, &d->spis));
done:
	return ret;
}

int ike_parse_vendor(const struct ike_pld *p, struct ike_vendor *v)
{
	v->data = p->body;
	v->len = p->len;
	return 0;
}

int ike_parse_ts(const struct ike_pld *p, struct ike_ts_pld *ts)
{
	struct ike_reader r;
	uint8_t n;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &n));
	TRY(ike_read_skip(&r, 3));
	/* every count the octet can hold fits in ts->ts[] */
	_Static_assert(IKE_MAX_TS >= UINT8_MAX, "IKE_MAX_TS below the wire's limit");
	for (size_t i = 0; i < n; i++) {
		struct ike_ts *t = &ts->ts[i];
		struct ike_reader sr;
		uint16_t slen;
		size_t alen;

		memset(t, 0, sizeof(*t));
		TRY(ike_read_u8(&r, &t->type));
		TRY(ike_read_u8(&r, &t->proto));
		TRY(ike_read_u16(&r, &slen));
		if (slen < 4)
			return -EBADMSG;
		TRY(ike_read_sub(&r, slen - 4, &sr));
		if (t->type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (t->type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			continue; /* unknown type: kept, contents skipped */
		/* ports + two addresses, exactly */
		if (sr.left != 4 + 2 * alen)
			return -EBADMSG;
		TRY(ike_read_u16(&sr, &t->start_port));
		TRY(ike_read_u16(&sr, &t->end_port));
		TRY(ike_read_bytes(&sr, t->start, alen));
		TRY(ike_read_bytes(&sr, t->end, alen));
	}
	ts->n = n;
	if (r.left != 0)
		return -EBADMSG;
done:
	return ret;
}

int ike_parse_cp(const struct ike_pld *p, struct ike_cp *cp)
{
	struct ike_reader r;
	int ret;

	ike_reader_init(&r, p->body, p->len);
	TRY(ike_read_u8(&r, &cp->type));
	TRY(ike_read_skip(&r, 3));
	cp->nattrs = 0;
	while (r.left) {
		struct ike_cp_attr *a;

		if (cp->nattrs == IKE_MAX_CP_ATTRS)
			return -E2BIG;
		a = &cp->attr[cp->nattrs];
		TRY(ike_read_u16(&r, &a->type));
		a->type &= 0x7fff; /* the top bit is reserved */
		TRY(ike_read_u16(&r, &a->len));
		TRY(ike_read_ref(&r, a->len, &a->value));
		cp->nattrs++;
	}
done:
	return ret;
}

/* ---- builders ---- */

int ike_msg_begin(struct ike_writer *w, const struct ike_hdr *h)
{
	ike_write_bytes(w, h->spi_i, 8);
	ike_write_bytes(w, h->spi_r, 8);
	ike_write_u8(w, IKE_PLD_NONE);
	ike_write_u8(w, h->version);
	ike_write_u8(w, h->exchange);
	ike_write_u8(w, h->flags);
	ike_write_u32(w, h->msgid);
	ike_write_u32(w, 0);
	if (w->err == 0) {
		w->chained = true;
		w->next_off = 16;
	}
	return w->err;
}

int ike_msg_end(struct ike_writer *w)
{
	if (w->err)
		return w->err;
	if (w->len > UINT32_MAX)
		return w->err = -EMSGSIZE;
	return ike_write_u32_at(w, 24, (uint32_t)w->len);
}

int ike_build_sa(struct ike_writer *w, const struct ike_sa_pld *sa)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_SA, false, &start);
	for (size_t i = 0; i < sa->nproposals && w->err == 0; i++) {
		const struct ike_proposal *pr = &sa->prop[i];
		size_t pstart = w->len;

		if (pr->spi_size > sizeof(pr->spi) || pr->ntransforms > IKE_MAX_TRANSFORMS)
			return w->err = -EINVAL;
		ike_write_u8(w, i + 1 < sa->nproposals ? 2 : 0);
		ike_write_u8(w, 0);
		ike_write_u16(w, 0);
		ike_write_u8(w, pr->num);
		ike_write_u8(w, pr->protocol);
		ike_write_u8(w, pr->spi_size);
		ike_write_u8(w, (uint8_t)pr->ntransforms);
		ike_write_bytes(w, pr->spi, pr->spi_size);
		for (size_t j = 0; j < pr->ntransforms; j++) {
			const struct ike_transform *t = &pr->xf[j];

			ike_write_u8(w, j + 1 < pr->ntransforms ? 3 : 0);
			ike_write_u8(w, 0);
			ike_write_u16(w, t->keylen ? 12 : 8);
			ike_write_u8(w, t->type);
			ike_write_u8(w, 0);
			ike_write_u16(w, t->id);
			if (t->keylen) {
				ike_write_u16(w, IKE_ATTR_AF | IKE_ATTR_KEY_LENGTH);
				ike_write_u16(w, t->keylen);
			}
		}
		if (w->err == 0 && w->len - pstart > UINT16_MAX)
			return w->err = -EMSGSIZE;
		ike_write_u16_at(w, pstart + 2, (uint16_t)(w->len - pstart));
	}
	return ike_pld_end(w, start);
}

/* A payload of a fixed 4-byte prefix (type octet + 3 reserved) and data. */
static int ike_build_prefixed(struct ike_writer *w, uint8_t pld, uint8_t type, const uint8_t *data,
			      size_t len)
{
	size_t start;

	ike_pld_begin(w, pld, false, &start);
	ike_write_u8(w, type);
	ike_write_zero(w, 3);
	ike_write_bytes(w, data, len);
	return ike_pld_end(w, start);
}

int ike_build_ke(struct ike_writer *w, const struct ike_ke *ke)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_KE, false, &start);
	ike_write_u16(w, ke->group);
	ike_write_u16(w, 0);
	ike_write_bytes(w, ke->data, ke->len);
	return ike_pld_end(w, start);
}

int ike_build_nonce(struct ike_writer *w, const struct ike_nonce *n)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_NONCE, false, &start);
	ike_write_bytes(w, n->data, n->len);
	return ike_pld_end(w, start);
}

int ike_build_id(struct ike_writer *w, uint8_t pld_type, const struct ike_id *id)
{
	if (pld_type != IKE_PLD_IDI && pld_type != IKE_PLD_IDR)
		return w->err = -EINVAL;
	return ike_build_prefixed(w, pld_type, id->type, id->data, id->len);
}

int ike_build_auth(struct ike_writer *w, const struct ike_auth *auth)
{
	return ike_build_prefixed(w, IKE_PLD_AUTH, auth->method, auth->data, auth->len);
}

int ike_build_cert(struct ike_writer *w, uint8_t pld_type, const struct ike_cert *c)
{
	size_t start;

	if (pld_type != IKE_PLD_CERT && pld_type != IKE_PLD_CERTREQ)
		return w->err = -EINVAL;
	ike_pld_begin(w, pld_type, false, &start);
	ike_write_u8(w, c->encoding);
	ike_write_bytes(w, c->data, c->len);
	return ike_pld_end(w, start);
}

int ike_build_notify(struct ike_writer *w, const struct ike_notify *n)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_NOTIFY, false, &start);
	ike_write_u8(w, n->protocol);
	ike_write_u8(w, n->spi_size);
	ike_write_u16(w, n->type);
	ike_write_bytes(w, n->spi, n->spi_size);
	ike_write_bytes(w, n->data, n->len);
	return ike_pld_end(w, start);
}

int ike_build_delete(struct ike_writer *w, const struct ike_delete *d)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_DELETE, false, &start);
	ike_write_u8(w, d->protocol);
	ike_write_u8(w, d->spi_size);
	ike_write_u16(w, d->nspi);
	ike_write_bytes(w, d->spis, (size_t)d->nspi * d->spi_size);
	return ike_pld_end(w, start);
}

int ike_build_vendor(struct ike_writer *w, const struct ike_vendor *v)
{
	size_t start;

	ike_pld_begin(w, IKE_PLD_VENDOR, false, &start);
	ike_write_bytes(w, v->data, v->len);
	return ike_pld_end(w, start);
}

int ike_build_ts(struct ike_writer *w, uint8_t pld_type, const struct ike_ts_pld *ts)
{
	size_t start;

	if ((pld_type != IKE_PLD_TSI && pld_type != IKE_PLD_TSR) || ts->n > IKE_MAX_TS)
		return w->err = -EINVAL;
	ike_pld_begin(w, pld_type, false, &start);
	ike_write_u8(w, (uint8_t)ts->n);
	ike_write_zero(w, 3);
	for (size_t i = 0; i < ts->n; i++) {
		const struct ike_ts *t = &ts->ts[i];
		size_t alen;

		if (t->type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (t->type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return w->err = -EINVAL;
		ike_write_u8(w, t->type);
		ike_write_u8(w, t->proto);
		ike_write_u16(w, (uint16_t)(8 + 2 * alen));
		ike_write_u16(w, t->start_port);
		ike_write_u16(w, t->end_port);
		ike_write_bytes(w, t->start, alen);
		ike_write_bytes(w, t->end, alen);
	}
	return ike_pld_end(w, start);
}

int ike_build_cp(struct ike_writer *w, const struct ike_cp *cp)
{
	size_t start;

	if (cp->nattrs > IKE_MAX_CP_ATTRS)
		return w->err = -EINVAL;
	ike_pld_begin(w, IKE_PLD_CP, false, &start);
	ike_write_u8(w, cp->type);
	ike_write_zero(w, 3);
	for (size_t i = 0; i < cp->nattrs; i++) {
		ike_write_u16(w, cp->attr[i].type & 0x7fff);
		ike_write_u16(w, cp->attr[i].len);
		ike_write_bytes(w, cp->attr[i].value, cp->attr[i].len);
	}
	return ike_pld_end(w, start);
}

int ike_build_sk(struct ike_writer *w, uint8_t inner_first, size_t bodylen, size_t *body_off)
{
	size_t start;
	int ret;

	if (bodylen > UINT16_MAX - IKE_PLD_HDR_LEN)
		return w->err = -EMSGSIZE;
	ret = ike_pld_begin(w, IKE_PLD_SK, false, &start);
	if (ret < 0)
		return ret;
	w->buf[start] = inner_first;
	*body_off = w->len;
	ike_write_zero(w, bodylen);
	/* nothing may follow SK */
	w->chained = false;
	return ike_pld_end(w, start);
}
