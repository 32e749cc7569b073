/* SPDX-License-Identifier: ISC */
/*
 * Sending: requests are kept until answered and retransmitted with
 * exponential back-off; responses are cached so that a retransmitted
 * request is answered again without being processed twice (§2.1, §2.3).
 * The window is one message each way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "ike_sa.h"

void ike_hdr_for(const struct ike_sa *sa, struct ike_hdr *h, uint8_t exchange, bool response,
		 uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, sa->spi_i, 8);
	memcpy(h->spi_r, sa->spi_r, 8);
	h->version = IKE_VERSION_2;
	h->exchange = exchange;
	h->flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) | (response ? IKE_FLAG_RESPONSE : 0);
	h->msgid = msgid;
}

int ike_add_notify(struct ike_writer *w, uint16_t type, const void *data, size_t len)
{
	struct ike_notify n = {
	    .type = type,
	    .data = data,
	    .len = len,
	};

	return ike_build_notify(w, &n);
}

void ike_count_refusal(struct ike_engine *e, uint16_t type)
{
	switch (type) {
	case IKE_N_INVALID_KE_PAYLOAD:
		e->stats.invalid_ke_sent++;
		break;
	case IKE_N_NO_PROPOSAL_CHOSEN:
		e->stats.no_proposal_sent++;
		break;
	case IKE_N_TS_UNACCEPTABLE:
		e->stats.ts_unacceptable_sent++;
		break;
	case IKE_N_INVALID_SYNTAX:
		e->stats.invalid_syntax_sent++;
		break;
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD: /* counted as unsupported_critical */
	case IKE_N_AUTHENTICATION_FAILED:	 /* counted as auth_failed */
		break;
	default:
		if (type <= IKE_N_ERROR_MAX)
			e->stats.other_error_sent++;
		break;
	}
}

int ike_send_plain(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
		   const uint8_t *buf, size_t len)
{
	/* IKE_SA_INIT goes out in plain: its payload list is readable here */
	if (len >= IKE_HDR_LEN && buf[18] == IKE_SA_INIT && ike_log_enabled(e, IKE_LOG_DEBUG)) {
		struct ike_msg *m = malloc(sizeof(*m));

		if (m && ike_msg_parse(buf, len, m) == 0)
			ike_log_msg(e, "sending", dst, m);
		free(m);
	}
	e->stats.tx++;
	return e->env.send(e->env.ctx, src, dst, buf, len);
}

/* Seal inner into a full message; *out is malloc'ed. */
static int ike_seal(struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msgid,
		    const struct ike_writer *inner, uint8_t **out, size_t *outlen)
{
	struct ike_writer w;
	struct ike_hdr h;
	size_t body_off, sealed, n;
	uint8_t *buf;
	int ret;

	if (inner->err)
		return inner->err;
	if (ike_log_enabled(sa->eng, IKE_LOG_DEBUG)) {
		struct ike_msg *m = calloc(1, sizeof(*m));

		if (m) {
			ike_hdr_for(sa, &m->hdr, exchange, response, msgid);
			m->sk = 0; /* the inner chain follows an (absent) SK payload */
			m->sk_next = inner->len ? inner->first_type : IKE_PLD_NONE;
			if (ike_msg_parse_inner(m, inner->buf, inner->len) == 0)
				ike_log_msg(sa->eng, "sending", &sa->remote, m);
			free(m);
		}
	}
	sealed = sk_sealed_len(&sa->sk_out, inner->len);
	buf = malloc(IKE_HDR_LEN + IKE_PLD_HDR_LEN + sealed);
	if (buf == NULL)
		return -ENOMEM;
	ike_writer_init(&w, buf, IKE_HDR_LEN + IKE_PLD_HDR_LEN + sealed);
	ike_hdr_for(sa, &h, exchange, response, msgid);
	ike_msg_begin(&w, &h);
	ike_build_sk(&w, inner->len ? inner->first_type : IKE_PLD_NONE, sealed, &body_off);
	ret = ike_msg_end(&w);
	if (ret == 0)
		ret = sk_seal(&sa->sk_out, buf, body_off, NULL, inner->buf, inner->len,
			      buf + body_off, sealed, &n);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	*outlen = w.len;
	return 0;
}

/* The largest IKE message that goes out whole: the fragment MTU less the
 * IP and UDP headers and, on the NAT-T port, the non-ESP marker. */
static size_t ike_frag_max(const struct ike_sa *sa)
{
	const struct ike_peer_conf *c = sa->tun ? &sa->tun->conf : NULL;
	size_t mtu = c && c->frag_mtu ? c->frag_mtu : 1280;
	size_t over =
	    (sa->remote.family == AF_INET6 ? 40 : 20) + 8 + (sa->local.port != IKE_PORT ? 4 : 0);

	return mtu > over + IKE_FRAG_MIN_SIZE ? mtu - over : IKE_FRAG_MIN_SIZE;
}

/*
 * RFC 7383: a message larger than the fragment size, once both sides
 * support it, is sent as a set of fragments instead (each sealed on its
 * own); a message that fits goes out whole. 0: not fragmented.
 */
void ike_frags_drop(struct ike_frag_set **f)
{
	if (*f == NULL)
		return;
	ike_frag_set_free(*f);
	free(*f);
	*f = NULL;
}

void ike_frag_rx_drop(struct ike_frag_rx **rx)
{
	if (*rx == NULL)
		return;
	ike_frag_rx_clear(*rx);
	free(*rx);
	*rx = NULL;
}

static int ike_fragment(struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msgid,
			const struct ike_writer *inner, size_t whole, struct ike_frag_set **set)
{
	struct ike_frag_set *out;
	struct ike_writer w;
	struct ike_hdr h;
	uint8_t hdr[IKE_HDR_LEN];
	int ret;

	ike_frags_drop(set);
	if (!sa->frag_ok || whole <= ike_frag_max(sa) || inner->len == 0)
		return 0;
	out = calloc(1, sizeof(*out));
	if (out == NULL)
		return -ENOMEM;
	ike_writer_init(&w, hdr, sizeof(hdr));
	ike_hdr_for(sa, &h, exchange, response, msgid);
	ike_msg_begin(&w, &h);
	if (w.err || w.len != IKE_HDR_LEN) {
		free(out);
		return -EINVAL;
	}
	ret = ike_frag_seal(&sa->sk_out, hdr, inner->first_type, inner->buf, inner->len,
			    ike_frag_max(sa), out);
	if (ret < 0) {
		free(out);
		return ret;
	}
	ike_log(sa->eng, IKE_LOG_DEBUG, "message %u of %zu bytes sent as %zu fragments", msgid,
		whole, out->n);
	*set = out;
	return 0;
}

static int ike_send_frags(struct ike_engine *e, const struct ike_addr *src,
			  const struct ike_addr *dst, const struct ike_frag_set *f)
{
	int ret = 0;

	for (size_t i = 0; i < f->n; i++) {
		int r = ike_send_plain(e, src, dst, f->dgram[i], f->len[i]);

		if (r < 0)
			ret = r;
	}
	return ret;
}

int ike_send_cached_response(struct ike_sa *sa, const struct ike_addr *src,
			     const struct ike_addr *dst)
{
	if (sa->resp.frags)
		return ike_send_frags(sa->eng, src, dst, sa->resp.frags);
	return ike_send_plain(sa->eng, src, dst, sa->resp.buf, sa->resp.len);
}

static uint64_t ike_backoff(const struct ike_engine *e, unsigned tries)
{
	uint64_t t = e->opts.retransmit_timeout_ms;

	for (unsigned i = 1; i < tries; i++)
		t = t * e->opts.retransmit_base_permil / 1000;
	return t;
}

static int ike_req_store(struct ike_sa *sa, uint8_t exchange, enum ike_req_kind kind,
			 uint32_t msgid, uint8_t *buf, size_t len)
{
	struct ike_engine *e = sa->eng;
	uint64_t now = ike_now(e);

	free(sa->req.buf);
	sa->req.active = true;
	sa->req.kind = kind;
	sa->req.exchange = exchange;
	sa->req.msgid = msgid;
	sa->req.buf = buf;
	sa->req.len = len;
	sa->req.tries = 1;
	sa->req.first_ms = now;
	sa->req.due_ms = now + ike_backoff(e, 1);
	ike_sa_touch(sa);
	if (sa->req.frags)
		ike_send_frags(e, &sa->local, &sa->remote, sa->req.frags);
	else
		ike_send_plain(e, &sa->local, &sa->remote, buf, len);
	return 0;
}

int ike_send_request_plain(struct ike_sa *sa, enum ike_req_kind kind, const uint8_t *msg,
			   size_t len)
{
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, msg, len);
	ike_frags_drop(&sa->req.frags); /* IKE_SA_INIT is never fragmented */
	return ike_req_store(sa, IKE_SA_INIT, kind, 0, copy, len);
}

int ike_send_request(struct ike_sa *sa, uint8_t exchange, enum ike_req_kind kind,
		     const struct ike_writer *inner)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (sa->req.active)
		return -EBUSY;
	ret = ike_seal(sa, exchange, false, sa->msgid_out, inner, &buf, &len);
	if (ret < 0)
		return ret;
	ret = ike_fragment(sa, exchange, false, sa->msgid_out, inner, len, &sa->req.frags);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	ret = ike_req_store(sa, exchange, kind, sa->msgid_out, buf, len);
	sa->msgid_out++;
	return ret;
}

int ike_send_response(struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
		      const struct ike_writer *inner)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = ike_seal(sa, exchange, true, msgid, inner, &buf, &len);
	if (ret < 0)
		return ret;
	ret = ike_fragment(sa, exchange, true, msgid, inner, len, &sa->resp.frags);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	free(sa->resp.buf);
	sa->resp.valid = true;
	sa->resp.msgid = msgid;
	sa->resp.buf = buf;
	sa->resp.len = len;
	if (msgid == sa->msgid_in)
		sa->msgid_in++;
	if (sa->resp.addr_set)
		return ike_send_cached_response(sa, &sa->resp.local, &sa->resp.remote);
	return ike_send_cached_response(sa, &sa->local, &sa->remote);
}

void ike_req_done(struct ike_sa *sa)
{
	sa->req.active = false;
	sa->req.kind = IKE_REQ_NONE;
	free(sa->req.buf);
	sa->req.buf = NULL;
	sa->req.len = 0;
	ike_frags_drop(&sa->req.frags);
}

uint64_t ike_xmit_next(const struct ike_sa *sa)
{
	return sa->req.active ? sa->req.due_ms : UINT64_MAX;
}

void ike_xmit_tick(struct ike_sa *sa, uint64_t now)
{
	struct ike_engine *e = sa->eng;
	const struct ike_peer_conf *c = sa->tun ? &sa->tun->conf : NULL;
	char a[IKE_ADDR_STRLEN];
	bool give_up;

	if (!sa->req.active || now < sa->req.due_ms)
		return;
	give_up = sa->req.tries >= e->opts.retransmit_tries;
	/* a liveness check gives up after the DPD timeout, not the retransmit budget */
	if (sa->req.kind == IKE_REQ_DPD && c && c->dpd_timeout_s)
		give_up = now - sa->req.first_ms >= (uint64_t)c->dpd_timeout_s * 1000;
	if (!give_up) {
		sa->req.tries++;
		sa->req.due_ms = now + ike_backoff(e, sa->req.tries);
		if (sa->req.kind == IKE_REQ_DPD && c && c->dpd_timeout_s &&
		    sa->req.due_ms > sa->req.first_ms + (uint64_t)c->dpd_timeout_s * 1000)
			sa->req.due_ms = sa->req.first_ms + (uint64_t)c->dpd_timeout_s * 1000;
		e->stats.retransmits++;
		if (sa->paced)
			ike_pace_backoff(e); /* a setup not answered in time */
		/* a fragmented request goes again as the whole set (RFC 7383 §2.6.1) */
		if (sa->req.frags)
			ike_send_frags(e, &sa->local, &sa->remote, sa->req.frags);
		else
			ike_send_plain(e, &sa->local, &sa->remote, sa->req.buf, sa->req.len);
		return;
	}
	ike_addr_str(&sa->remote, a, sizeof(a));
	if (sa->tun && sa->tun->sa == sa) {
		if (sa->req.kind == IKE_REQ_DPD) {
			/* dpd action restart: only a tunnel with an address to call */
			sa->tun->restart = c->dpd_action == IKE_DPD_RESTART && c->remote.family;
			ike_tun_fail(sa->tun, e, "DPD: no reply from %s within %u s", a,
				     c->dpd_timeout_s);
		} else if (sa->req.kind == IKE_REQ_DELETE_IKE)
			ike_tun_status(sa->tun, e, IKE_TUN_DOWN);
		else {
			struct ike_tunnel *t = sa->tun;

			/* an unanswered IKE_SA_INIT moves on to the peer's next address */
			if (sa->req.kind == IKE_REQ_INIT && t->conf.n_remote_alt) {
				t->remote_idx = (t->remote_idx + 1) % (t->conf.n_remote_alt + 1);
				t->next_now = t->remote_idx != 0;
			}
			ike_tun_fail(t, e, "no reply from %s after %u tries", a, sa->req.tries);
		}
	}
	ike_sa_destroy(sa);
}
