/* SPDX-License-Identifier: ISC */
/*
 * Bounded reader and writer for IKEv2 wire data. Every read checks what is
 * left and fails with -EBADMSG on underflow, so no parser does offset
 * arithmetic of its own. The writer fails with -ENOSPC and the error sticks:
 * a builder may write a whole payload and check once at the end.
 */
#ifndef IKESH_IKE_WIRE_H
#define IKESH_IKE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ike_reader {
	const uint8_t *p;
	size_t left;
};

static inline void ike_reader_init(struct ike_reader *r, const uint8_t *buf, size_t len)
{
	r->p = buf;
	r->left = len;
}

int ike_read_u8(struct ike_reader *r, uint8_t *v);
int ike_read_u16(struct ike_reader *r, uint16_t *v);
int ike_read_u32(struct ike_reader *r, uint32_t *v);
int ike_read_u64(struct ike_reader *r, uint64_t *v);
/* Copy n bytes out. */
int ike_read_bytes(struct ike_reader *r, void *dst, size_t n);
/* Borrow n bytes: *p points into the reader's buffer. */
int ike_read_ref(struct ike_reader *r, size_t n, const uint8_t **p);
int ike_read_skip(struct ike_reader *r, size_t n);
/* Split off the next n bytes as their own reader. */
int ike_read_sub(struct ike_reader *r, size_t n, struct ike_reader *sub);

struct ike_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;	    /* first error, sticky */
	bool chained;	    /* next_off names a Next Payload octet to fill */
	size_t next_off;    /* offset of the last Next Payload octet */
	uint8_t first_type; /* type of the first payload written */
};

void ike_writer_init(struct ike_writer *w, uint8_t *buf, size_t cap);
int ike_write_u8(struct ike_writer *w, uint8_t v);
int ike_write_u16(struct ike_writer *w, uint16_t v);
int ike_write_u32(struct ike_writer *w, uint32_t v);
int ike_write_u64(struct ike_writer *w, uint64_t v);
int ike_write_bytes(struct ike_writer *w, const void *src, size_t n);
int ike_write_zero(struct ike_writer *w, size_t n);
/* Overwrite already written bytes (length fields). */
int ike_write_u16_at(struct ike_writer *w, size_t off, uint16_t v);
int ike_write_u32_at(struct ike_writer *w, size_t off, uint32_t v);

/*
 * Payload framing: begin writes a generic payload header, fills the
 * previous payload's Next Payload octet (or the IKE header's) with type,
 * and returns the header's offset; end fills in the payload length.
 */
int ike_pld_begin(struct ike_writer *w, uint8_t type, bool critical, size_t *start);
int ike_pld_end(struct ike_writer *w, size_t start);

#endif
