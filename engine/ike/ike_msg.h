/* SPDX-License-Identifier: ISC */
/*
 * IKEv2 messages: the header, the payload chain, and one parser and one
 * builder per payload. Parsers check every length before they read, fill
 * a struct and decide nothing: whether a proposal is acceptable or a
 * payload belongs in an exchange is the caller's business (see
 * ike_msg_check_rules() for the latter).
 *
 * Parsed structs borrow: their pointers point into the buffer that was
 * parsed (the datagram, or the decrypted SK plaintext), which must outlive
 * them. All functions return 0 or -errno; malformed input is -EBADMSG.
 */
#ifndef IKESH_IKE_MSG_H
#define IKESH_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_proto.h"
#include "ike_wire.h"

struct ike_hdr {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next;	  /* first payload type */
	uint8_t version;  /* major << 4 | minor */
	uint8_t exchange; /* IKE_SA_INIT ... */
	uint8_t flags;	  /* IKE_FLAG_* */
	uint32_t msgid;
	uint32_t length;
};

/* One payload of the chain, as found. */
struct ike_pld {
	uint8_t type;
	bool critical;
	bool encrypted;	     /* found inside the SK payload */
	const uint8_t *body; /* after the generic header */
	size_t len;	     /* body length */
	size_t off;	     /* offset of the generic header in its buffer */
};

#define IKE_MSG_MAX_PLD 64

struct ike_msg {
	struct ike_hdr hdr;
	struct ike_pld pld[IKE_MSG_MAX_PLD];
	size_t npld;
	int sk;		 /* index of the SK (or SKF) payload in pld[], -1 if none */
	uint8_t sk_next; /* Next Payload of SK: the first inner payload's type */
	/*
	 * The first payload with an unknown type and the critical bit set, 0 if
	 * none: the caller answers UNSUPPORTED_CRITICAL_PAYLOAD with this type
	 * (RFC 7296 §2.5). Unknown non-critical payloads are listed and skipped.
	 */
	uint8_t unsupported_critical;
};

/* Parse the header alone (28 bytes). */
int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr);

/*
 * Parse a whole datagram: header and payload chain up to and including the
 * SK payload, which must be the last one. The header's length must equal
 * len. -EMSGSIZE if there are more than IKE_MSG_MAX_PLD payloads.
 */
int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *m);

/*
 * Append the payloads decrypted from the SK payload (plain, as returned by
 * sk_open()) to m, marked encrypted; the chain starts with m->sk_next.
 */
int ike_msg_parse_inner(struct ike_msg *m, const uint8_t *plain, size_t len);

/* The first payload of type at index >= from, or NULL. */
const struct ike_pld *ike_msg_find(const struct ike_msg *m, uint8_t type, size_t from);

/*
 * Bytes the SK payload protects: everything before the IV is associated
 * data (aad = buf, aadlen = *aadlen); *body, *bodylen are the SK body.
 * -ENOENT without SK; -ENOTSUP for SKF (fragments are not reassembled yet).
 */
int ike_msg_sk_span(const struct ike_msg *m, const uint8_t *buf, size_t *aadlen,
		    const uint8_t **body, size_t *bodylen);

/* ---- payload contents ---- */

/*
 * What is kept of an SA payload. The wire allows 255 transforms per
 * proposal and as many proposals as fit in 64 KiB; all of them are read
 * and checked, the first IKE_MAX_PROPOSALS proposals are kept, and of each
 * the transforms the caller's filter keeps, up to IKE_MAX_TRANSFORMS (see
 * ike_parse_sa_filter()); our own offers always fit (ike_proposal.c). Real peers stay far below:
 * strongSwan's default IKE proposal has 38 transforms, of which 22 are of use here.
 */
#define IKE_MAX_PROPOSALS  32
#define IKE_MAX_TRANSFORMS 64

struct ike_transform {
	uint8_t type; /* enum xform_type */
	uint16_t id;
	uint16_t keylen;   /* Key Length attribute in bits, 0 if absent */
	bool unknown_attr; /* an attribute other than Key Length was present */
};

struct ike_proposal {
	uint8_t num;
	uint8_t protocol; /* IKE_PROTO_* */
	uint8_t spi_size;
	uint8_t spi[8];
	size_t ntransforms; /* kept, in xf[] */
	struct ike_transform xf[IKE_MAX_TRANSFORMS];
	/* what was on the wire, kept or not (RFC 7296 §3.3.6 needs it) */
	size_t nwire;	     /* transforms in the proposal */
	uint16_t types;	     /* bit t: a transform of type t (1-15) was offered */
	bool unknown_type;   /* a transform of type 0 or above 15 was offered */
	bool integ_not_none; /* an INTEG transform other than NONE was offered */
};

struct ike_sa_pld {
	size_t nproposals; /* kept, in prop[] */
	size_t nwire;	   /* proposals in the payload */
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke {
	uint16_t group;
	const uint8_t *data;
	size_t len;
};

struct ike_nonce {
	const uint8_t *data;
	size_t len;
};

struct ike_id {
	uint8_t type; /* IKE_ID_* */
	const uint8_t *data;
	size_t len;
	/* ID Type, RESERVED and data: what AUTH covers (RestOfIDPayload) */
	const uint8_t *rest;
	size_t restlen;
};

struct ike_auth {
	uint8_t method; /* IKE_AUTH_* */
	const uint8_t *data;
	size_t len;
};

/* CERT and CERTREQ share the layout: encoding, then data. */
struct ike_cert {
	uint8_t encoding;
	const uint8_t *data;
	size_t len;
};

struct ike_notify {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t type; /* IKE_N_* */
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ike_delete {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t nspi;
	const uint8_t *spis; /* nspi * spi_size bytes */
};

struct ike_vendor {
	const uint8_t *data;
	size_t len;
};

/* All a TS payload can carry: its count is one octet. */
#define IKE_MAX_TS 255

struct ike_ts {
	uint8_t type; /* IKE_TS_IPV4_ADDR_RANGE / IPV6; others are kept, not decoded */
	uint8_t proto;
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16]; /* 4 bytes used for IPv4 */
	uint8_t end[16];
};

struct ike_ts_pld {
	size_t n;
	struct ike_ts ts[IKE_MAX_TS];
};

#define IKE_MAX_CP_ATTRS 32

struct ike_cp_attr {
	uint16_t type;
	uint16_t len;
	const uint8_t *value;
};

struct ike_cp {
	uint8_t type; /* IKE_CFG_* */
	size_t nattrs;
	struct ike_cp_attr attr[IKE_MAX_CP_ATTRS];
};

/* Parsers: one per payload, from the chain entry. -E2BIG past the limits above. */
/*
 * The SA payload. keep (NULL: keep all) says which transforms to store; the
 * rest are read, checked and counted in the proposal's nwire/types only.
 * Transforms kept past IKE_MAX_TRANSFORMS are dropped the same way.
 */
int ike_parse_sa_filter(const struct ike_pld *p, struct ike_sa_pld *sa,
			bool (*keep)(const struct ike_transform *t));
int ike_parse_sa(const struct ike_pld *p, struct ike_sa_pld *sa);
int ike_parse_ke(const struct ike_pld *p, struct ike_ke *ke);
int ike_parse_nonce(const struct ike_pld *p, struct ike_nonce *n);
int ike_parse_id(const struct ike_pld *p, struct ike_id *id);
int ike_parse_auth(const struct ike_pld *p, struct ike_auth *auth);
int ike_parse_cert(const struct ike_pld *p, struct ike_cert *cert); /* CERT and CERTREQ */
int ike_parse_notify(const struct ike_pld *p, struct ike_notify *n);
int ike_parse_delete(const struct ike_pld *p, struct ike_delete *d);
int ike_parse_vendor(const struct ike_pld *p, struct ike_vendor *v);
int ike_parse_ts(const struct ike_pld *p, struct ike_ts_pld *ts);
int ike_parse_cp(const struct ike_pld *p, struct ike_cp *cp);

/*
 * Builders. ike_msg_begin() writes the header (Next Payload and Length are
 * filled in later), each ike_build_*() appends one payload and chains it,
 * ike_msg_end() sets the length. The writer's error is sticky; each call
 * returns it.
 */
int ike_msg_begin(struct ike_writer *w, const struct ike_hdr *hdr);
int ike_msg_end(struct ike_writer *w);

int ike_build_sa(struct ike_writer *w, const struct ike_sa_pld *sa);
int ike_build_ke(struct ike_writer *w, const struct ike_ke *ke);
int ike_build_nonce(struct ike_writer *w, const struct ike_nonce *n);
int ike_build_id(struct ike_writer *w, uint8_t pld_type, const struct ike_id *id); /* IDi/IDr */
int ike_build_auth(struct ike_writer *w, const struct ike_auth *auth);
int ike_build_cert(struct ike_writer *w, uint8_t pld_type, const struct ike_cert *c);
int ike_build_notify(struct ike_writer *w, const struct ike_notify *n);
int ike_build_delete(struct ike_writer *w, const struct ike_delete *d);
int ike_build_vendor(struct ike_writer *w, const struct ike_vendor *v);
int ike_build_ts(struct ike_writer *w, uint8_t pld_type, const struct ike_ts_pld *ts);
int ike_build_cp(struct ike_writer *w, const struct ike_cp *cp);
/*
 * The SK payload, last in the message: inner_first is the type of the first
 * encrypted payload (the inner writer's first_type), bodylen what
 * sk_sealed_len() says. The body is reserved, not written: after
 * ike_msg_end(), seal into w->buf + *body_off with aad = w->buf, aadlen =
 * *body_off.
 */
int ike_build_sk(struct ike_writer *w, uint8_t inner_first, size_t bodylen, size_t *body_off);

/* ---- which payloads each exchange may carry ---- */

#define IKE_RULE_MANY 255

struct ike_pld_rule {
	uint8_t type;
	uint8_t min;
	uint8_t max;
	bool encrypted; /* must be inside SK (false: must be outside) */
};

struct ike_exchange_rules {
	uint8_t exchange;
	bool response;
	const struct ike_pld_rule *rules;
	size_t nrules;
};

/* The rule set for an exchange and direction, NULL if unknown. */
const struct ike_exchange_rules *ike_rules_lookup(uint8_t exchange, bool response);

enum ike_rule_error {
	IKE_RULE_OK,
	IKE_RULE_UNKNOWN_EXCHANGE,
	IKE_RULE_UNSUPPORTED_CRITICAL, /* answer UNSUPPORTED_CRITICAL_PAYLOAD */
	IKE_RULE_NOT_ALLOWED,	       /* a known payload this exchange may not carry */
	IKE_RULE_MISSING,
	IKE_RULE_TOO_MANY,
	IKE_RULE_WRONG_PROTECTION, /* encrypted where it must not be, or the reverse */
};

struct ike_rule_violation {
	enum ike_rule_error error;
	uint8_t type; /* the payload concerned */
};

/*
 * Check a fully parsed message (inner payloads included) against the table
 * for its exchange and the Response flag. 0 if it conforms; -EBADMSG and
 * *v filled in if not.
 */
int ike_msg_check_rules(const struct ike_msg *m, struct ike_rule_violation *v);

#endif
