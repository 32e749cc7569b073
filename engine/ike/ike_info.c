/* SPDX-License-Identifier: ISC */
/*
 * INFORMATIONAL (RFC 7296 §1.4, §2.4), both roles: Delete of CHILD and IKE
 * SAs, the empty liveness check used for dead peer detection, and error
 * notifies. Deleting a CHILD_SA is answered with a Delete of our side of the
 * pair (§1.4.1).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike_sa.h"

bool ike_msg_has_notify(const struct ike_msg *m, uint16_t type, struct ike_notify *out)
{
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_notify n;

		if (m->pld[i].type != IKE_PLD_NOTIFY || ike_parse_notify(&m->pld[i], &n) < 0)
			continue;
		if (n.type == type) {
			if (out)
				*out = n;
			return true;
		}
	}
	return false;
}

uint16_t ike_msg_error_notify(const struct ike_msg *m, struct ike_notify *out)
{
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_notify n;

		if (m->pld[i].type != IKE_PLD_NOTIFY || ike_parse_notify(&m->pld[i], &n) < 0)
			continue;
		if (n.type <= IKE_N_ERROR_MAX) {
			if (out)
				*out = n;
			return n.type;
		}
	}
	return 0;
}

static void ike_spi_put(uint32_t spi, uint8_t *out)
{
	out[0] = (uint8_t)(spi >> 24);
	out[1] = (uint8_t)(spi >> 16);
	out[2] = (uint8_t)(spi >> 8);
	out[3] = (uint8_t)spi;
}

static uint32_t ike_spi_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int ike_info_delete_ike(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	uint8_t ibuf[64];
	struct ike_writer w;
	int ret;

	if (sa->state == IKE_SA_DELETING)
		return 0;
	if (sa->state != IKE_SA_ESTABLISHED) {
		/* nothing authenticated to tell the peer */
		if (sa->tun && sa->tun->sa == sa)
			ike_tun_status(sa->tun, e, IKE_TUN_DOWN);
		ike_sa_destroy(sa);
		return 0;
	}
	if (sa->req.active) {
		sa->delete_after = true;
		return 0;
	}
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_delete(&w, &(struct ike_delete){IKE_PROTO_IKE, 0, 0, NULL});
	ret = ike_send_request(sa, IKE_INFORMATIONAL, IKE_REQ_DELETE_IKE, &w);
	if (ret == 0)
		sa->state = IKE_SA_DELETING;
	return ret;
}

int ike_info_delete_child(struct ike_sa *sa, struct ike_child *c)
{
	uint8_t ibuf[64], spi[4];
	struct ike_writer w;
	int ret;

	if (sa->req.active)
		return -EBUSY;
	ike_spi_put(c->sa.spi_in, spi);
	ike_writer_init(&w, ibuf, sizeof(ibuf));
	ike_build_delete(&w, &(struct ike_delete){c->sa.protocol, 4, 1, spi});
	ret = ike_send_request(sa, IKE_INFORMATIONAL, IKE_REQ_DELETE_CHILD, &w);
	if (ret == 0)
		sa->del_spi = c->sa.spi_in;
	return ret;
}

int ike_info_dpd(struct ike_sa *sa)
{
	uint8_t ibuf[8];
	struct ike_writer w;

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	return ike_send_request(sa, IKE_INFORMATIONAL, IKE_REQ_DPD, &w);
}

void ike_child_gone(struct ike_sa *sa, const char *why)
{
	char a[IKE_ADDR_STRLEN];

	if (sa->children || sa->tun == NULL || sa->tun->sa != sa)
		return;
	ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error), "%s (peer %s)", why,
		ike_addr_str(&sa->remote, a, sizeof(a)));
	ike_tun_status(sa->tun, sa->eng, IKE_TUN_IKE_NO_CHILD);
}

void ike_info_request(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_engine *e = sa->eng;
	uint8_t ibuf[IKE_INNER_MAX], spis[4 * 64];
	struct ike_writer w;
	uint16_t nspi = 0;
	uint8_t proto = 0;
	bool delete_ike = false, deleted_child = false;
	char a[IKE_ADDR_STRLEN], nb[40];
	uint16_t err;

	ike_addr_str(&sa->remote, a, sizeof(a));
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_delete d;

		if (m->pld[i].type != IKE_PLD_DELETE)
			continue;
		if (ike_parse_delete(&m->pld[i], &d) < 0) {
			ike_drop(e, &e->stats.drop_malformed, &sa->remote,
				 "malformed Delete payload (skipped)");
			continue;
		}
		if (d.protocol == IKE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if ((d.protocol != IKE_PROTO_ESP && d.protocol != IKE_PROTO_AH) || d.spi_size != 4)
			continue;
		for (uint16_t k = 0; k < d.nspi; k++) {
			/* the peer names its inbound SPI: our outbound one */
			struct ike_child *c =
			    ike_child_find_out(sa, d.protocol, ike_spi_get(d.spis + 4 * k));

			if (c == NULL) {
				/* perhaps the pair our outstanding exchange is making */
				if (sa->req.active && (sa->req.kind == IKE_REQ_CHILD_REKEY ||
						       sa->req.kind == IKE_REQ_CHILD_CREATE))
					sa->early_del[sa->n_early_del++ % 4] =
					    ike_spi_get(d.spis + 4 * k);
				continue;
			}
			if (nspi < sizeof(spis) / 4) {
				ike_spi_put(c->sa.spi_in, spis + 4 * nspi);
				nspi++;
				proto = d.protocol;
			}
			ike_child_remove(sa, c);
			deleted_child = true;
		}
	}
	err = ike_msg_error_notify(m, NULL);
	if (err)
		ike_log(e, IKE_LOG_INFO, "peer %s reports %s", a,
			ike_notify_name(err, nb, sizeof(nb)));

	ike_writer_init(&w, ibuf, sizeof(ibuf));
	if (!delete_ike && nspi)
		ike_build_delete(&w, &(struct ike_delete){proto, 4, nspi, spis});
	ike_send_response(sa, IKE_INFORMATIONAL, m->hdr.msgid, &w);
	if (delete_ike) {
		struct ike_tunnel *t = sa->tun;
		bool current = t && t->sa == sa;

		/* §2.8.2: the peer's rekey won before ours completed */
		if (sa->coll_ike) {
			struct ike_sa *theirs = sa->coll_ike;

			sa->coll_ike = NULL;
			theirs->coll_of = NULL;
			ike_rekey_switch(sa, theirs);
		}

		ike_sa_destroy(sa);
		/* down unless another IKE SA of the tunnel carries on */
		if (current && t->sa == NULL) {
			/* keep the reason of a failure that led the peer to delete */
			if (t->state != IKE_TUN_IKE_NO_CHILD)
				ike_fmt(t->last_error, sizeof(t->last_error),
					"IKE SA deleted by peer %s", a);
			ike_tun_status(t, e, IKE_TUN_DOWN);
		}
		return;
	}
	if (deleted_child)
		ike_child_gone(sa, "CHILD_SA deleted by the peer");
}

void ike_info_response(struct ike_sa *sa, const struct ike_msg *m)
{
	enum ike_req_kind kind = sa->req.kind;

	ike_req_done(sa);
	switch (kind) {
	case IKE_REQ_DELETE_IKE:
		/* a failure that made us delete stays the tunnel's state */
		if (sa->tun && sa->tun->sa == sa && sa->tun->state != IKE_TUN_FAILED)
			ike_tun_status(sa->tun, sa->eng, IKE_TUN_DOWN);
		ike_sa_destroy(sa);
		return;
	case IKE_REQ_DELETE_CHILD: {
		struct ike_child *c = ike_child_find_in(sa, IKE_PROTO_ESP, sa->del_spi);

		if (c == NULL)
			c = ike_child_find_in(sa, IKE_PROTO_AH, sa->del_spi);
		if (c)
			ike_child_remove(sa, c);
		ike_child_gone(sa, "CHILD_SA deleted");
		break;
	}
	case IKE_REQ_DPD:
		break;
	default:
		ike_drop(sa->eng, &sa->eng->stats.drop_unexpected, &sa->remote,
			 "INFORMATIONAL response to no INFORMATIONAL request of ours");
		break;
	}
	if (sa->delete_after) {
		sa->delete_after = false;
		ike_info_delete_ike(sa);
	}
}
