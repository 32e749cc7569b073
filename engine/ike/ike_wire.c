/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <string.h>

#include "ike_proto.h"
#include "ike_wire.h"

int ike_read_ref(struct ike_reader *r, size_t n, const uint8_t **p)
{
	if (n > r->left)
		return -EBADMSG;
	*p = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int ike_read_bytes(struct ike_reader *r, void *dst, size_t n)
{
	const uint8_t *p;
	int ret = ike_read_ref(r, n, &p);

	if (ret == 0 && n)
		memcpy(dst, p, n);
	return ret;
}

int ike_read_skip(struct ike_reader *r, size_t n)
{
	const uint8_t *p;

	return ike_read_ref(r, n, &p);
}

int ike_read_sub(struct ike_reader *r, size_t n, struct ike_reader *sub)
{
	const uint8_t *p;
	int ret = ike_read_ref(r, n, &p);

	if (ret == 0)
		ike_reader_init(sub, p, n);
	return ret;
}

int ike_read_u8(struct ike_reader *r, uint8_t *v)
{
	return ike_read_bytes(r, v, 1);
}

int ike_read_u16(struct ike_reader *r, uint16_t *v)
{
	const uint8_t *p;
	int ret = ike_read_ref(r, 2, &p);

	if (ret == 0)
		*v = (uint16_t)(p[0] << 8 | p[1]);
	return ret;
}

int ike_read_u32(struct ike_reader *r, uint32_t *v)
{
	const uint8_t *p;
	int ret = ike_read_ref(r, 4, &p);

	if (ret == 0)
		*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return ret;
}

int ike_read_u64(struct ike_reader *r, uint64_t *v)
{
	uint32_t hi, lo;
	int ret;

	if (r->left < 8)
		return -EBADMSG;
	if ((ret = ike_read_u32(r, &hi)) < 0 || (ret = ike_read_u32(r, &lo)) < 0)
		return ret;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

void ike_writer_init(struct ike_writer *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

/* Reserve n bytes; NULL (and a sticky -ENOSPC) when they do not fit. */
static uint8_t *ike_write_reserve(struct ike_writer *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len) {
		w->err = -ENOSPC;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

int ike_write_bytes(struct ike_writer *w, const void *src, size_t n)
{
	uint8_t *p = ike_write_reserve(w, n);

	if (p == NULL)
		return w->err;
	if (n)
		memcpy(p, src, n);
	return 0;
}

int ike_write_zero(struct ike_writer *w, size_t n)
{
	uint8_t *p = ike_write_reserve(w, n);

	if (p == NULL)
		return w->err;
	memset(p, 0, n);
	return 0;
}

int ike_write_u8(struct ike_writer *w, uint8_t v)
{
	return ike_write_bytes(w, &v, 1);
}

int ike_write_u16(struct ike_writer *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	return ike_write_bytes(w, b, 2);
}

int ike_write_u32(struct ike_writer *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	return ike_write_bytes(w, b, 4);
}

int ike_write_u64(struct ike_writer *w, uint64_t v)
{
	ike_write_u32(w, (uint32_t)(v >> 32));
	return ike_write_u32(w, (uint32_t)v);
}

int ike_write_u16_at(struct ike_writer *w, size_t off, uint16_t v)
{
	if (w->err)
		return w->err;
	if (off > w->len || w->len - off < 2)
		return w->err = -EINVAL;
	w->buf[off] = (uint8_t)(v >> 8);
	w->buf[off + 1] = (uint8_t)v;
	return 0;
}

int ike_write_u32_at(struct ike_writer *w, size_t off, uint32_t v)
{
	if (w->err)
		return w->err;
	if (off > w->len || w->len - off < 4)
		return w->err = -EINVAL;
	w->buf[off] = (uint8_t)(v >> 24);
	w->buf[off + 1] = (uint8_t)(v >> 16);
	w->buf[off + 2] = (uint8_t)(v >> 8);
	w->buf[off + 3] = (uint8_t)v;
	return 0;
}

int ike_pld_begin(struct ike_writer *w, uint8_t type, bool critical, size_t *start)
{
	if (w->err)
		return w->err;
	if (w->chained)
		w->buf[w->next_off] = type;
	else if (w->len == 0)
		w->first_type = type;
	*start = w->len;
	w->next_off = w->len;
	ike_write_u8(w, IKE_PLD_NONE);
	ike_write_u8(w, critical ? 0x80 : 0);
	ike_write_u16(w, 0);
	w->chained = w->err == 0;
	return w->err;
}

int ike_pld_end(struct ike_writer *w, size_t start)
{
	size_t len;

	if (w->err)
		return w->err;
	len = w->len - start;
	if (len > UINT16_MAX)
		return w->err = -EMSGSIZE;
	return ike_write_u16_at(w, start + 2, (uint16_t)len);
}
