/* SPDX-License-Identifier: ISC */
/*
 * IKE fragmentation (RFC 7383): sealing a message as SKF fragments and
 * reassembling a peer's, with every bound checked before memory is taken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_frag.h"
#include "ike_proto.h"

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void ike_frag_set_free(struct ike_frag_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->dgram[i]);
	memset(s, 0, sizeof(*s));
}

/* The most plaintext one fragment of frag_size octets can carry. */
static size_t frag_chunk(const struct sk_ctx *sk, size_t frag_size)
{
	size_t c = frag_size - IKE_FRAG_HDR_LEN;

	while (c > 0 && IKE_FRAG_HDR_LEN + sk_sealed_len(sk, c) > frag_size)
		c--;
	return c;
}

static int frag_one(const struct sk_ctx *sk, const uint8_t hdr[IKE_HDR_LEN], uint8_t next,
		    size_t num, size_t total, const uint8_t *plain, size_t len, uint8_t **out,
		    size_t *outlen)
{
	size_t sealed = sk_sealed_len(sk, len), dlen = IKE_FRAG_HDR_LEN + sealed, n;
	uint8_t *d = malloc(dlen);
	int ret;

	if (d == NULL)
		return -ENOMEM;
	memcpy(d, hdr, IKE_HDR_LEN);
	d[16] = IKE_PLD_SKF;
	put32(d + 24, dlen);
	d[IKE_HDR_LEN] = next;
	d[IKE_HDR_LEN + 1] = 0;
	put16(d + IKE_HDR_LEN + 2, dlen - IKE_HDR_LEN);
	put16(d + IKE_HDR_LEN + 4, num);
	put16(d + IKE_HDR_LEN + 6, total);
	ret = sk_seal(sk, d, IKE_FRAG_HDR_LEN, NULL, plain, len, d + IKE_FRAG_HDR_LEN, sealed, &n);
	if (ret < 0 || n != sealed) {
		free(d);
		return ret < 0 ? ret : -EIO;
	}
	*out = d;
	*outlen = dlen;
	return 0;
}

int ike_frag_seal(const struct sk_ctx *sk, const uint8_t hdr[IKE_HDR_LEN], uint8_t first,
		  const uint8_t *plain, size_t plainlen, size_t frag_size, struct ike_frag_set *out)
{
	size_t chunk, total;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (frag_size < IKE_FRAG_MIN_SIZE || frag_size > 65535 || plainlen == 0)
		return -EINVAL;
	chunk = frag_chunk(sk, frag_size);
	if (chunk == 0)
		return -EINVAL;
	total = (plainlen + chunk - 1) / chunk;
	if (total > IKE_FRAG_MAX_COUNT)
		return -E2BIG;
	for (size_t i = 0; i < total && ret == 0; i++) {
		size_t off = i * chunk, len = plainlen - off < chunk ? plainlen - off : chunk;

		ret = frag_one(sk, hdr, i == 0 ? first : 0, i + 1, total, plain + off, len,
			       &out->dgram[i], &out->len[i]);
		if (ret == 0)
			out->n++;
	}
	if (ret < 0)
		ike_frag_set_free(out);
	return ret;
}

void ike_frag_rx_clear(struct ike_frag_rx *rx)
{
	for (size_t i = 0; i < IKE_FRAG_MAX_COUNT; i++) {
		if (rx->piece[i]) {
			OPENSSL_cleanse(rx->piece[i], rx->piece_len[i]);
			free(rx->piece[i]);
		}
	}
	memset(rx, 0, sizeof(*rx));
}

void ike_frag_msg_free(struct ike_frag_msg *m)
{
	if (m->plain) {
		OPENSSL_cleanse(m->plain, m->len);
		free(m->plain);
	}
	memset(m, 0, sizeof(*m));
}

bool ike_frag_rx_expire(struct ike_frag_rx *rx, uint64_t now_ms)
{
	if (!rx->active || now_ms - rx->started_ms < IKE_FRAG_TIMEOUT_MS)
		return false;
	ike_frag_rx_clear(rx);
	return true;
}

/* The numbers and lengths of a fragment datagram, before any crypto. */
static int frag_parse(const uint8_t *d, size_t len, uint32_t *msgid, uint16_t *num, uint16_t *total,
		      uint8_t *next)
{
	if (len < IKE_FRAG_HDR_LEN + 1 || d[16] != IKE_PLD_SKF || get32(d + 24) != len ||
	    get16(d + IKE_HDR_LEN + 2) != len - IKE_HDR_LEN)
		return -EBADMSG;
	*msgid = get32(d + 20);
	*next = d[IKE_HDR_LEN];
	*num = get16(d + IKE_HDR_LEN + 4);
	*total = get16(d + IKE_HDR_LEN + 6);
	if (*total == 0 || *num == 0 || *num > *total)
		return -EBADMSG;
	if (*num != 1 && *next != 0)
		return -EBADMSG;
	if (*num == 1 && *next == 0)
		return -EBADMSG;
	return 0;
}

/* Where this fragment stands against the message under way. */
static int frag_admit(struct ike_frag_rx *rx, uint32_t msgid, uint16_t num, uint16_t total,
		      uint64_t now_ms)
{
	ike_frag_rx_expire(rx, now_ms);
	if (total > IKE_FRAG_MAX_COUNT)
		return -E2BIG;
	if (rx->active && msgid != rx->msgid) {
		/* message IDs only grow: an older one is a replay */
		if ((int32_t)(msgid - rx->msgid) < 0)
			return -ESTALE;
		ike_frag_rx_clear(rx);
	}
	if (rx->active && total != rx->total) {
		/* a retransmission in smaller fragments replaces the set (§2.6.2) */
		if (total < rx->total)
			return -ESTALE;
		ike_frag_rx_clear(rx);
	}
	if (rx->active && rx->piece[num - 1])
		return -EALREADY;
	if (!rx->active) {
		rx->active = true;
		rx->msgid = msgid;
		rx->total = total;
		rx->started_ms = now_ms;
	}
	return 0;
}

/* The whole message, in fragment order; the reassembly is emptied. */
static int frag_join(struct ike_frag_rx *rx, struct ike_frag_msg *out)
{
	uint8_t *p = malloc(rx->bytes ? rx->bytes : 1);
	size_t off = 0;

	if (p == NULL) {
		ike_frag_rx_clear(rx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rx->total; i++) {
		memcpy(p + off, rx->piece[i], rx->piece_len[i]);
		off += rx->piece_len[i];
	}
	out->plain = p;
	out->len = off;
	out->first = rx->first;
	out->msgid = rx->msgid;
	ike_frag_rx_clear(rx);
	return 1;
}

int ike_frag_rx_input(struct ike_frag_rx *rx, const struct sk_ctx *sk, const uint8_t *dgram,
		      size_t len, uint64_t now_ms, struct ike_frag_msg *out)
{
	uint32_t msgid;
	uint16_t num, total;
	uint8_t next, *plain;
	size_t plainlen;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = frag_parse(dgram, len, &msgid, &num, &total, &next);
	if (ret < 0)
		return ret;
	if (total > IKE_FRAG_MAX_COUNT)
		return -E2BIG;
	plain = malloc(len);
	if (plain == NULL)
		return -ENOMEM;
	/* verified before it may touch what is kept */
	if (sk_open(sk, dgram, IKE_FRAG_HDR_LEN, dgram + IKE_FRAG_HDR_LEN, len - IKE_FRAG_HDR_LEN,
		    plain, len, &plainlen) < 0) {
		free(plain);
		return -EACCES;
	}
	ret = frag_admit(rx, msgid, num, total, now_ms);
	if (ret == 0 && rx->bytes + plainlen > IKE_FRAG_MAX_BYTES) {
		ike_frag_rx_clear(rx);
		ret = -E2BIG;
	}
	if (ret < 0) {
		OPENSSL_cleanse(plain, len);
		free(plain);
		return ret;
	}
	/* keep what it carries, not the datagram's size */
	{
		uint8_t *small = realloc(plain, plainlen ? plainlen : 1);

		if (small)
			plain = small;
	}
	rx->piece[num - 1] = plain;
	rx->piece_len[num - 1] = plainlen;
	rx->bytes += plainlen;
	rx->have++;
	if (num == 1)
		rx->first = next;
	if (rx->have < rx->total)
		return 0;
	return frag_join(rx, out);
}
