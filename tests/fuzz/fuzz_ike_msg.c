/* SPDX-License-Identifier: ISC */
/*
 * The IKE message layer fed hostile bytes: the input is parsed as a whole
 * datagram and, from its second byte on, as the plaintext of an SK payload
 * whose first inner payload type is the first byte. Every payload found
 * goes through its parser and the exchange rules; what parses is built
 * again and parsed back, and must come out the same (a parser that
 * accepts what its builder cannot write, or the reverse, aborts).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* memcmp() wants valid pointers even for 0 bytes: an empty field may be NULL. */
static bool same(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static struct ike_msg msg;
static uint8_t wbuf[1 << 16];

static void begin(struct ike_writer *w)
{
	ike_writer_init(w, wbuf, sizeof(wbuf));
}

/* The one payload a builder wrote, as a chain entry to parse again. */
static struct ike_pld rebuilt(const struct ike_writer *w, const struct ike_pld *orig)
{
	struct ike_pld p = *orig;

	FZ_CHECK(w->err == 0 && w->len >= IKE_PLD_HDR_LEN);
	p.body = w->buf + IKE_PLD_HDR_LEN;
	p.len = w->len - IKE_PLD_HDR_LEN;
	return p;
}

/*
 * An SA payload as we write it reads back as written.  The first build
 * may normalise what a peer sent (a transform repeated once its
 * attributes are dropped, say), so the property checked is that of our
 * own output: built again, it reads back the same.
 */
static void sa_roundtrip(const struct ike_pld *p)
{
	static struct ike_sa_pld a, b, c;
	static uint8_t once[1 << 16];
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_sa(p, &a) != 0)
		return;
	begin(&w);
	if (ike_build_sa(&w, &a) != 0)
		return; /* bigger than a message can be: refused, fine */
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_sa(&q, &b) == 0);
	FZ_CHECK(b.nproposals == a.nproposals);
	FZ_CHECK(q.len <= sizeof(once));
	memcpy(once, q.body, q.len);
	q.body = once;
	begin(&w);
	FZ_CHECK(ike_build_sa(&w, &b) == 0);
	q = rebuilt(&w, &q);
	FZ_CHECK(ike_parse_sa(&q, &c) == 0);
	FZ_CHECK(b.nproposals == c.nproposals);
	for (size_t i = 0; i < b.nproposals; i++) {
		const struct ike_proposal *x = &b.prop[i], *y = &c.prop[i];

		FZ_CHECK(x->protocol == y->protocol && x->spi_size == y->spi_size);
		FZ_CHECK(same(x->spi, y->spi, x->spi_size));
		FZ_CHECK(x->ntransforms == y->ntransforms);
		for (size_t j = 0; j < x->ntransforms; j++)
			FZ_CHECK(x->xf[j].type == y->xf[j].type && x->xf[j].id == y->xf[j].id &&
				 x->xf[j].keylen == y->xf[j].keylen);
	}
}

static void ke_roundtrip(const struct ike_pld *p)
{
	struct ike_ke a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_ke(p, &a) != 0)
		return;
	begin(&w);
	FZ_CHECK(ike_build_ke(&w, &a) == 0);
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_ke(&q, &b) == 0);
	FZ_CHECK(a.group == b.group && a.len == b.len && same(a.data, b.data, a.len));
}

static void id_roundtrip(const struct ike_pld *p)
{
	struct ike_id a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_id(p, &a) != 0)
		return;
	begin(&w);
	FZ_CHECK(ike_build_id(&w, p->type, &a) == 0);
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_id(&q, &b) == 0);
	FZ_CHECK(a.type == b.type && a.len == b.len && same(a.data, b.data, a.len));
	/* RESERVED is signed as received (AUTH covers it) but written as zero */
	FZ_CHECK(a.restlen == b.restlen && a.rest[0] == b.rest[0]);
	FZ_CHECK(same(a.rest + 4, b.rest + 4, a.restlen - 4));
}

static void notify_roundtrip(const struct ike_pld *p)
{
	struct ike_notify a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_notify(p, &a) != 0)
		return;
	begin(&w);
	FZ_CHECK(ike_build_notify(&w, &a) == 0);
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_notify(&q, &b) == 0);
	FZ_CHECK(a.protocol == b.protocol && a.spi_size == b.spi_size && a.type == b.type);
	FZ_CHECK(same(a.spi, b.spi, a.spi_size));
	FZ_CHECK(a.len == b.len && same(a.data, b.data, a.len));
}

static void delete_roundtrip(const struct ike_pld *p)
{
	struct ike_delete a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_delete(p, &a) != 0)
		return;
	begin(&w);
	FZ_CHECK(ike_build_delete(&w, &a) == 0);
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_delete(&q, &b) == 0);
	FZ_CHECK(a.protocol == b.protocol && a.spi_size == b.spi_size && a.nspi == b.nspi);
	FZ_CHECK(same(a.spis, b.spis, (size_t)a.nspi * a.spi_size));
}

static void ts_roundtrip(const struct ike_pld *p)
{
	static struct ike_ts_pld a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_ts(p, &a) != 0)
		return;
	begin(&w);
	if (ike_build_ts(&w, p->type, &a) != 0)
		return; /* a selector type we keep but cannot write */
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_ts(&q, &b) == 0);
	FZ_CHECK(a.n == b.n);
	for (size_t i = 0; i < a.n; i++) {
		size_t alen = a.ts[i].type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;

		FZ_CHECK(a.ts[i].type == b.ts[i].type && a.ts[i].proto == b.ts[i].proto);
		FZ_CHECK(a.ts[i].start_port == b.ts[i].start_port &&
			 a.ts[i].end_port == b.ts[i].end_port);
		FZ_CHECK(same(a.ts[i].start, b.ts[i].start, alen));
		FZ_CHECK(same(a.ts[i].end, b.ts[i].end, alen));
	}
}

static void cp_roundtrip(const struct ike_pld *p)
{
	static struct ike_cp a, b;
	struct ike_writer w;
	struct ike_pld q;

	if (ike_parse_cp(p, &a) != 0)
		return;
	begin(&w);
	FZ_CHECK(ike_build_cp(&w, &a) == 0);
	q = rebuilt(&w, p);
	FZ_CHECK(ike_parse_cp(&q, &b) == 0);
	FZ_CHECK(a.type == b.type && a.nattrs == b.nattrs);
	for (size_t i = 0; i < a.nattrs; i++)
		FZ_CHECK(a.attr[i].type == b.attr[i].type && a.attr[i].len == b.attr[i].len &&
			 same(a.attr[i].value, b.attr[i].value, a.attr[i].len));
}

static void payload(const struct ike_pld *p)
{
	union {
		struct ike_nonce n;
		struct ike_auth a;
		struct ike_cert c;
		struct ike_vendor v;
	} u;
	char name[64];

	ike_payload_name(p->type, name, sizeof(name));
	switch (p->type) {
	case IKE_PLD_SA:
		sa_roundtrip(p);
		break;
	case IKE_PLD_KE:
		ke_roundtrip(p);
		break;
	case IKE_PLD_IDI:
	case IKE_PLD_IDR:
		id_roundtrip(p);
		break;
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
		ike_parse_cert(p, &u.c);
		break;
	case IKE_PLD_AUTH:
		ike_parse_auth(p, &u.a);
		break;
	case IKE_PLD_NONCE:
		ike_parse_nonce(p, &u.n);
		break;
	case IKE_PLD_NOTIFY:
		notify_roundtrip(p);
		if (ike_parse_notify(p, &(struct ike_notify){0}) == 0)
			ike_notify_name((uint16_t)((p->body[2] << 8) | p->body[3]), name,
					sizeof(name));
		break;
	case IKE_PLD_DELETE:
		delete_roundtrip(p);
		break;
	case IKE_PLD_VENDOR:
		ike_parse_vendor(p, &u.v);
		break;
	case IKE_PLD_TSI:
	case IKE_PLD_TSR:
		ts_roundtrip(p);
		break;
	case IKE_PLD_CP:
		cp_roundtrip(p);
		break;
	default:
		break;
	}
}

static void check_all(const struct ike_msg *m)
{
	struct ike_rule_violation v;

	for (size_t i = 0; i < m->npld; i++)
		payload(&m->pld[i]);
	ike_msg_check_rules(m, &v);
}

/* The input as a datagram, the SK body located. */
static void as_datagram(const uint8_t *data, size_t size)
{
	const uint8_t *body;
	size_t aadlen, bodylen;
	char name[64];

	if (ike_msg_parse(data, size, &msg) != 0)
		return;
	ike_exchange_name(msg.hdr.exchange, name, sizeof(name));
	if (ike_msg_sk_span(&msg, data, &aadlen, &body, &bodylen) == 0)
		FZ_CHECK(aadlen <= size && body >= data && body + bodylen <= data + size);
	check_all(&msg);
}

/* The input as decrypted inner payloads after a header of ours. */
static void as_plaintext(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.hdr.version = IKE_VERSION_2;
	msg.hdr.exchange = (uint8_t)(IKE_AUTH + (data[1] & 3));
	msg.hdr.flags = data[1] & IKE_FLAG_RESPONSE;
	msg.sk = 0;
	msg.sk_next = data[0];
	if (ike_msg_parse_inner(&msg, data + 2, size - 2) != 0)
		return;
	check_all(&msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exact-size copies, so that ASan sees a read past the end */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	as_datagram(copy, size);
	as_plaintext(copy, size);
	free(copy);
	return 0;
}
