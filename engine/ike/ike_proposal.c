/* SPDX-License-Identifier: ISC */
/*
 * Proposals (RFC 7296 §2.7, §3.3): building the SA payload from the
 * configuration, and choosing, from what a peer offers, the first proposal
 * of which every transform type has a value we accept. The initiator runs
 * the same check on the responder's choice, so an answer with a transform
 * we never offered is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike_sa.h"

/*
 * A proposal we build holds every configured transform: encryption, PRF,
 * integrity and DH at IKE_CONF_MAX_ALGS each, the KE group put first (it
 * may be one more), and ESN. So the parser that reads our own proposals
 * back (a peer running this engine) never refuses them as too long.
 */
_Static_assert(4 * IKE_CONF_MAX_ALGS + 2 <= IKE_MAX_TRANSFORMS,
	       "a proposal built from a full configuration fits in one parsed proposal");
_Static_assert(IKE_CONF_MAX_PROPS <= IKE_MAX_PROPOSALS, "every configured proposal is sent");

static void ike_prop_add(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	if (p->ntransforms < IKE_MAX_TRANSFORMS)
		p->xf[p->ntransforms++] = (struct ike_transform){type, id, keylen, false};
}

int ike_prop_build(const struct ike_prop_conf *pc, size_t n, uint8_t protocol, const uint8_t *spi,
		   size_t spi_size, bool with_dh, uint16_t first_dh, struct ike_sa_pld *out)
{
	memset(out, 0, sizeof(*out));
	if (n > IKE_MAX_PROPOSALS || spi_size > 8)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct ike_prop_conf *c = &pc[i];
		struct ike_proposal *p = &out->prop[i];

		p->num = (uint8_t)(i + 1);
		p->protocol = protocol;
		p->spi_size = (uint8_t)spi_size;
		if (spi_size)
			memcpy(p->spi, spi, spi_size);
		for (size_t j = 0; j < c->n_encr && protocol != IKE_PROTO_AH; j++)
			ike_prop_add(p, XFORM_ENCR, c->encr[j], c->encr_bits[j]);
		for (size_t j = 0; j < c->n_prf && protocol == IKE_PROTO_IKE; j++)
			ike_prop_add(p, XFORM_PRF, c->prf[j], 0);
		for (size_t j = 0; j < c->n_integ; j++)
			ike_prop_add(p, XFORM_INTEG, c->integ[j], 0);
		if (with_dh) {
			/* the group of our KE payload goes first */
			if (first_dh)
				ike_prop_add(p, XFORM_DH, first_dh, 0);
			for (size_t j = 0; j < c->n_dh; j++) {
				if (c->dh[j] != first_dh)
					ike_prop_add(p, XFORM_DH, c->dh[j], 0);
			}
		}
		if (protocol != IKE_PROTO_IKE)
			ike_prop_add(p, XFORM_ESN, 0, 0);
		out->nproposals++;
	}
	return 0;
}

static bool ike_conf_has(const uint16_t *ids, const uint16_t *bits, size_t n, uint16_t id,
			 uint16_t keylen)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == id && (bits == NULL || bits[i] == keylen))
			return true;
	}
	return false;
}

/*
 * A transform worth keeping from a peer's offer: one we know and could use
 * (NONE for INTEG and DH, both ESN values). The rest are skipped, noted
 * only in the proposal's types.
 */
static bool ike_xf_usable(const struct ike_transform *t)
{
	if (t->unknown_attr)
		return false;
	switch (t->type) {
	case XFORM_ESN:
		return t->id <= 1;
	case XFORM_INTEG:
	case XFORM_DH:
		if (t->id == 0)
			return true;
		break;
	default:
		break;
	}
	return xform_lookup(t->type, t->id, t->keylen) != NULL;
}

int ike_prop_parse(const struct ike_pld *p, struct ike_sa_pld *sa)
{
	return ike_parse_sa_filter(p, sa, ike_xf_usable);
}

/* Choose from one offered proposal; false if some transform type has no acceptable value. */
static bool ike_prop_match(const struct ike_proposal *op, const struct ike_prop_conf *c,
			   uint16_t prefer_dh, struct ike_selected *sel)
{
	bool seen[6] = {false};
	bool dh_none_offered = false, esn0 = false, esn1 = false;
	bool integ_not_none = op->integ_not_none;

	memset(sel, 0, sizeof(*sel));
	/* a transform type we do not know makes the proposal unacceptable (§3.3.6) */
	if (op->unknown_type || (op->types & ~0x3eu))
		return false;
	for (size_t t = 1; t <= 5; t++)
		seen[t] = op->types & (1u << t);
	for (size_t i = 0; i < op->ntransforms; i++) {
		const struct ike_transform *t = &op->xf[i];
		const struct xform *x;

		if (t->type >= 1 && t->type <= 5)
			seen[t->type] = true;
		if (t->type == XFORM_INTEG && t->id != IKE_AUTH_NONE)
			integ_not_none = true;
		if (t->unknown_attr)
			continue;
		switch (t->type) {
		case XFORM_ENCR:
			if (sel->encr ||
			    !ike_conf_has(c->encr, c->encr_bits, c->n_encr, t->id, t->keylen))
				break;
			x = xform_lookup(XFORM_ENCR, t->id, t->keylen);
			if (x && (op->protocol != IKE_PROTO_IKE || !(x->flags & XF_NOT_IKE)))
				sel->encr = x;
			break;
		case XFORM_PRF:
			if (sel->prf || !ike_conf_has(c->prf, NULL, c->n_prf, t->id, 0))
				break;
			sel->prf = xform_lookup(XFORM_PRF, t->id, 0);
			break;
		case XFORM_INTEG:
			if (sel->integ || t->id == IKE_AUTH_NONE ||
			    !ike_conf_has(c->integ, NULL, c->n_integ, t->id, 0))
				break;
			sel->integ = xform_lookup(XFORM_INTEG, t->id, 0);
			break;
		case XFORM_DH:
			if (t->id == 0) {
				dh_none_offered = true;
				break;
			}
			if (!ike_conf_has(c->dh, NULL, c->n_dh, t->id, 0))
				break;
			x = xform_lookup(XFORM_DH, t->id, 0);
			/* the first acceptable group, unless the KE payload's is acceptable too */
			if (x &&
			    (sel->dh == NULL || (t->id == prefer_dh && sel->dh->id != prefer_dh)))
				sel->dh = x;
			break;
		case XFORM_ESN:
			esn0 |= t->id == 0;
			esn1 |= t->id == 1;
			break;
		default:
			break;
		}
	}
	/* prefer no ESN; take ESN when it is all that is offered */
	if (seen[XFORM_ESN]) {
		if (op->protocol == IKE_PROTO_IKE || (!esn0 && !esn1))
			return false;
		sel->esn = !esn0;
	}
	if (op->protocol == IKE_PROTO_AH) {
		if (seen[XFORM_ENCR] || sel->integ == NULL)
			return false;
	} else if (sel->encr == NULL) {
		return false;
	}
	if (sel->encr && sel->encr->kind == XK_AEAD) {
		/* AEAD carries its own integrity: an INTEG other than NONE is not allowed */
		sel->integ = NULL;
		if (integ_not_none)
			return false;
	} else if (sel->encr && sel->integ == NULL) {
		return false;
	}
	if (op->protocol == IKE_PROTO_IKE) {
		if (sel->prf == NULL || sel->dh == NULL)
			return false;
	} else {
		/* PFS: a group is required when we configured one, refused when not offered */
		if (c->n_dh && sel->dh == NULL)
			return false;
		if (c->n_dh == 0 && seen[XFORM_DH] && !dh_none_offered)
			return false;
		if (c->n_dh == 0)
			sel->dh = NULL;
	}
	sel->num = op->num;
	sel->protocol = op->protocol;
	sel->spi_size = op->spi_size;
	memcpy(sel->spi, op->spi, sizeof(sel->spi));
	return true;
}

int ike_prop_select(const struct ike_sa_pld *offered, const struct ike_prop_conf *mine,
		    size_t nmine, uint8_t protocol, uint16_t prefer_dh, struct ike_selected *sel)
{
	for (size_t i = 0; i < offered->nproposals; i++) {
		const struct ike_proposal *op = &offered->prop[i];
		size_t want_spi = protocol == IKE_PROTO_IKE ? 0 : 4;

		if (op->protocol != protocol)
			continue;
		/* IKE_SA_INIT carries no SPI; IKE rekey carries 8 (handled by the caller) */
		if (protocol != IKE_PROTO_IKE && op->spi_size != want_spi)
			continue;
		/* ESP/AH SPIs 0-255 are reserved (RFC 4303 §2.1); an IKE SPI is never zero */
		if (protocol != IKE_PROTO_IKE && op->spi[0] == 0 && op->spi[1] == 0 &&
		    op->spi[2] == 0)
			continue;
		if (protocol == IKE_PROTO_IKE && op->spi_size == 8 &&
		    memcmp(op->spi, (const uint8_t[8]){0}, 8) == 0)
			continue;
		for (size_t j = 0; j < nmine; j++) {
			if (ike_prop_match(op, &mine[j], prefer_dh, sel))
				return 0;
		}
	}
	return -ENOENT;
}

void ike_prop_from_selected(const struct ike_selected *sel, struct ike_sa_pld *out)
{
	struct ike_proposal *p = &out->prop[0];

	memset(out, 0, sizeof(*out));
	out->nproposals = 1;
	p->num = sel->num;
	p->protocol = sel->protocol;
	p->spi_size = sel->spi_size;
	memcpy(p->spi, sel->spi, sizeof(p->spi));
	if (sel->encr)
		ike_prop_add(p, XFORM_ENCR, sel->encr->id, sel->encr->keybits);
	if (sel->prf)
		ike_prop_add(p, XFORM_PRF, sel->prf->id, 0);
	if (sel->integ)
		ike_prop_add(p, XFORM_INTEG, sel->integ->id, 0);
	if (sel->dh)
		ike_prop_add(p, XFORM_DH, sel->dh->id, 0);
	if (sel->protocol != IKE_PROTO_IKE)
		ike_prop_add(p, XFORM_ESN, sel->esn ? 1 : 0, 0);
}

static void ike_cat(char *buf, size_t len, size_t *off, const char *s)
{
	int n;

	if (*off >= len)
		return;
	n = snprintf(buf + *off, len - *off, "%s", s);
	if (n > 0)
		*off += (size_t)n;
}

static void ike_cat_list(char *buf, size_t len, size_t *off, uint8_t type, const uint16_t *ids,
			 const uint16_t *bits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct xform *x = xform_lookup(type, ids[i], bits ? bits[i] : 0);
		char nb[24];

		if (i)
			ike_cat(buf, len, off, ",");
		ike_cat(buf, len, off, x ? x->shortname : xform_name(type, ids[i], nb, sizeof(nb)));
	}
}

void ike_prop_describe(const struct ike_prop_conf *pc, size_t n, bool ike, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct ike_prop_conf *c = &pc[i];

		if (i)
			ike_cat(buf, len, &off, " ");
		ike_cat_list(buf, len, &off, XFORM_ENCR, c->encr, c->encr_bits, c->n_encr);
		if (c->n_integ) {
			ike_cat(buf, len, &off, "/");
			ike_cat_list(buf, len, &off, XFORM_INTEG, c->integ, NULL, c->n_integ);
		}
		if (ike && c->n_prf) {
			ike_cat(buf, len, &off, "/");
			ike_cat_list(buf, len, &off, XFORM_PRF, c->prf, NULL, c->n_prf);
		}
		if (c->n_dh) {
			ike_cat(buf, len, &off, "/");
			ike_cat_list(buf, len, &off, XFORM_DH, c->dh, NULL, c->n_dh);
		}
	}
}

void ike_offer_describe(const struct ike_sa_pld *sa, char *buf, size_t len)
{
	char tail[64] = "";
	size_t off = 0, room, tl = 0;

	buf[0] = '\0';
	if (sa->nproposals == 0 || len == 0)
		return;
	/* what the first proposal had that we skipped, and the other proposals */
	if (sa->prop[0].nwire > sa->prop[0].ntransforms)
		tl = (size_t)snprintf(tail, sizeof(tail), " (+%zu unsupported)",
				      sa->prop[0].nwire - sa->prop[0].ntransforms);
	if (sa->nwire > 1 && tl < sizeof(tail))
		tl += (size_t)snprintf(tail + tl, sizeof(tail) - tl, " and %zu more proposal%s",
				       sa->nwire - 1, sa->nwire > 2 ? "s" : "");
	if (tl >= sizeof(tail))
		tl = sizeof(tail) - 1;
	/* the transforms, cut short with "..." so that the tail always fits */
	room = len > tl + 4 ? len - tl - 4 : 0;
	for (size_t i = 0; i < sa->prop[0].ntransforms; i++) {
		const struct ike_transform *t = &sa->prop[0].xf[i];
		const struct xform *x = xform_lookup(t->type, t->id, t->keylen);
		char nb[24], one[32];
		int k;

		k = snprintf(one, sizeof(one), "%s%s", i ? "/" : "",
			     x ? x->shortname : xform_name(t->type, t->id, nb, sizeof(nb)));
		if (k < 0)
			return;
		if (off + (size_t)k >= room) {
			ike_cat(buf, len, &off, "...");
			break;
		}
		ike_cat(buf, len, &off, one);
	}
	ike_cat(buf, len, &off, tail);
}

/*
 * No key exchange happens in IKE_AUTH: DH transforms a peer puts in its
 * CHILD_SA proposals there (for later rekeys) are ignored (§1.2).
 */
void ike_prop_strip_dh(struct ike_sa_pld *sa)
{
	for (size_t i = 0; i < sa->nproposals; i++) {
		struct ike_proposal *p = &sa->prop[i];
		size_t k = 0;

		for (size_t j = 0; j < p->ntransforms; j++) {
			if (p->xf[j].type != XFORM_DH)
				p->xf[k++] = p->xf[j];
		}
		p->ntransforms = k;
		p->types &= (uint16_t) ~(1u << XFORM_DH);
	}
}

void ike_sel_describe(const struct ike_selected *sel, char *buf, size_t len)
{
	const struct xform *x[4] = {sel->encr, sel->integ, sel->prf, sel->dh};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 4; i++) {
		if (x[i] == NULL)
			continue;
		if (off)
			ike_cat(buf, len, &off, "/");
		ike_cat(buf, len, &off, x[i]->shortname);
	}
	if (sel->protocol != IKE_PROTO_IKE)
		ike_cat(buf, len, &off, sel->esn ? "/esn" : "/noesn");
}
