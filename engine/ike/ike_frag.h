/* SPDX-License-Identifier: ISC */
/*
 * IKE fragmentation (RFC 7383): an encrypted message too large for the
 * path split into Encrypted Fragment (SKF) payloads, each its own
 * datagram, sealed and integrity protected on its own; and the reassembly
 * of a peer's fragments, each verified before it is kept.
 *
 * A fragment datagram: IKE header (next payload SKF) | SKF generic header |
 * Fragment Number (2) | Total Fragments (2) | IV | ciphertext | ICV. The
 * first 36 octets are the associated data (RFC 7383 §2.5). Only fragment 1
 * names the first inner payload; the others carry 0.
 */
#ifndef IKESH_IKE_FRAG_H
#define IKESH_IKE_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk.h"

#define IKE_FRAG_HDR_LEN    36	  /* IKE header, SKF header, the two numbers */
#define IKE_FRAG_MAX_COUNT  64	  /* fragments of one message, either way */
#define IKE_FRAG_MAX_BYTES  65535 /* inner payloads of one reassembled message */
#define IKE_FRAG_TIMEOUT_MS 30000 /* an incomplete message is dropped after */
#define IKE_FRAG_MIN_SIZE   128	  /* the smallest fragment datagram built */

/* The datagrams of one fragmented message, sent and retransmitted as a set. */
struct ike_frag_set {
	uint8_t *dgram[IKE_FRAG_MAX_COUNT];
	size_t len[IKE_FRAG_MAX_COUNT];
	size_t n;
};

/*
 * Split plain (the inner payloads, first the type of the first) into
 * fragments of at most frag_size octets each (the IKE message, without
 * the UDP header or the non-ESP marker), sealed with sk. hdr is the
 * message's IKE header (SPIs, version, exchange, flags, message ID); its
 * next payload and length are set here. -E2BIG when it would take more
 * than IKE_FRAG_MAX_COUNT fragments, -EINVAL for a size below
 * IKE_FRAG_MIN_SIZE. The set is the caller's (ike_frag_set_free).
 */
int ike_frag_seal(const struct sk_ctx *sk, const uint8_t hdr[28], uint8_t first,
		  const uint8_t *plain, size_t plainlen, size_t frag_size,
		  struct ike_frag_set *out);
void ike_frag_set_free(struct ike_frag_set *s);

/* One direction's reassembly: one message at a time. */
struct ike_frag_rx {
	bool active;
	uint32_t msgid;
	uint16_t total;
	uint16_t have; /* fragments kept */
	uint8_t first; /* fragment 1's next payload, once it is here */
	size_t bytes;  /* plaintext kept */
	uint64_t started_ms;
	uint8_t *piece[IKE_FRAG_MAX_COUNT];
	size_t piece_len[IKE_FRAG_MAX_COUNT];
};

/* A reassembled message: its inner payloads (malloc'd), first type, ID. */
struct ike_frag_msg {
	uint8_t *plain;
	size_t len;
	uint8_t first;
	uint32_t msgid;
};

/*
 * One fragment datagram. It is verified with sk before anything of it is
 * kept. Returns 1 when it completed the message (out filled; the
 * reassembly is empty again), 0 when kept and more are due, or why it was
 * dropped: -EBADMSG malformed (lengths, numbers, next payload), -EACCES
 * integrity, -E2BIG more fragments or octets than allowed, -EALREADY a
 * duplicate, -ESTALE an older message or a set with fewer fragments than
 * the one under way. A newer message ID, or a set with more fragments
 * (the peer made them smaller), drops what was kept and starts again.
 */
int ike_frag_rx_input(struct ike_frag_rx *rx, const struct sk_ctx *sk, const uint8_t *dgram,
		      size_t len, uint64_t now_ms, struct ike_frag_msg *out);
/* Drop an incomplete message older than IKE_FRAG_TIMEOUT_MS; true if one went. */
bool ike_frag_rx_expire(struct ike_frag_rx *rx, uint64_t now_ms);
/* Drop everything kept (wiped). */
void ike_frag_rx_clear(struct ike_frag_rx *rx);
void ike_frag_msg_free(struct ike_frag_msg *m);

#endif
