/*
 * ctl.h - the control protocol between ikeshd and its clients.
 *
 * Every message is a frame: a 12-byte header (payload length, protocol
 * version, type, sequence number; host byte order, the socket is local)
 * and a payload of at most CTL_REQ_MAX bytes for a request and
 * CTL_REPLY_MAX for a reply.  Each request gets exactly one reply with the
 * request's sequence number; its payload starts with the call's return
 * value (0 or -errno) and carries the call's results after it.  Log lines
 * travel as CTL_EV_LOG frames in between.
 *
 * Payload fields: integers in host order, strings as a 32-bit length
 * (CTL_STR_NULL for NULL) and bytes without a NUL, objects as their
 * struct with the pointers zeroed followed by the strings the pointers
 * held.  The version changes whenever a struct of engine.h does, so both
 * ends must come from the same build; the reader checks every length and
 * every string, bool and count of what it receives.
 */
#ifndef IKESH_CTL_H
#define IKESH_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eng_ops.h"
#include "model.h"

#define CTL_VERSION   1
#define CTL_HDR_LEN   12
#define CTL_REQ_MAX   (256u * 1024)
#define CTL_REPLY_MAX (64u * 1024 * 1024)
#define CTL_STR_NULL  0xffffffffu
#define CTL_SOCK_NAME ENG_CTL_SOCKET

enum ctl_type {
	CTL_HELLO = 1,
	CTL_CAND_BEGIN,
	CTL_CAND_ACTIVE,
	CTL_CAND_DIRTY,
	CTL_CAND_DISCARD,
	CTL_OBJ_GET,
	CTL_OBJ_PUT,
	CTL_OBJ_DEL,
	CTL_KEYS,
	CTL_CONFIG_TEXT,
	CTL_OBJ_TEXT,
	CTL_CONFIG_CHANGES,
	CTL_COMMIT,
	CTL_CONFIRM,
	CTL_CONFIRM_PENDING,
	CTL_COMMIT_LIST,
	CTL_COMMIT_CHANGES,
	CTL_ROLLBACK,
	CTL_STARTUP_SAVE,
	CTL_LOG_TEXT,
	CTL_TUNNEL_EFFECTIVE,
	CTL_HOSTNAME,
	CTL_TUNNEL_STATUS,
	CTL_IKE_STATS,
	CTL_CLEAR_IKE_SA,
	CTL_CLEAR_CHILD_SA,
	CTL_CLEAR_COUNTERS,
	CTL_CAND_EXCLUSIVE,
	CTL_SESS_LIST,
	CTL_MONITOR,
	CTL_CLEAR_PEER,
	CTL_DEBUG_SET,
	CTL_DEBUG_GET,
	CTL_KEY_GENERATE,
	CTL_KEY_IMPORT,
	CTL_KEY_ZEROIZE,
	CTL_KEY_LIST,
	CTL_PKI_IMPORT,
	CTL_PKI_ENROLL,
	CTL_PKI_CERTS,
	CTL_PKI_TRUSTPOINTS,
	CTL_SECRET_UNSEAL,
	CTL_CONFIG_KEY_SET,
	CTL_COMMIT_IMPACT,
	CTL_OPS,

	CTL_REPLY = 0x8000,
	CTL_EV_LOG = 0x8001,
	/* what the daemon's opening reported (startup-config errors), sent
	 * to a new session first: part of the session's opening, as eng_open's
	 * diag, not an asynchronous log line */
	CTL_EV_NOTICE = 0x8002,
};

struct ctl_hdr {
	uint32_t len;
	uint16_t version;
	uint16_t type;
	uint32_t seq;
};

/* A bounded reader: any read past the end sets bad and yields zeros. */
struct rbuf {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

void ctl_hdr_put(uint8_t out[CTL_HDR_LEN], const struct ctl_hdr *h);
void ctl_hdr_get(const uint8_t in[CTL_HDR_LEN], struct ctl_hdr *h);
/* A frame: header then payload, appended to b. */
void ctl_frame(struct ebuf *b, uint16_t type, uint32_t seq, const void *payload, size_t len);

void wb_u8(struct ebuf *b, uint8_t v);
void wb_u32(struct ebuf *b, uint32_t v);
void wb_i32(struct ebuf *b, int32_t v);
void wb_i64(struct ebuf *b, int64_t v);
void wb_str(struct ebuf *b, const char *s);
void wb_blob(struct ebuf *b, const void *p, size_t n);
void wb_diag(struct ebuf *b, const struct eng_diag *d);
void wb_obj(struct ebuf *b, enum eng_kind kind, const void *obj);

uint8_t rb_u8(struct rbuf *r);
uint32_t rb_u32(struct rbuf *r);
int32_t rb_i32(struct rbuf *r);
int64_t rb_i64(struct rbuf *r);
/* A string (NULL allowed when nullable); malloc'd into *out.  Embedded
 * NULs and lengths beyond the payload are errors. */
int rb_str(struct rbuf *r, bool nullable, char **out);
/* A blob of exactly n bytes (pointer into the payload) or NULL. */
const uint8_t *rb_blob(struct rbuf *r, size_t n);
int rb_diag(struct rbuf *r, struct eng_diag *d);
/* The object of `kind` into out (zeroed first; cleared again on error). */
int rb_obj(struct rbuf *r, enum eng_kind kind, void *out);
int rb_status(struct rbuf *r, struct eng_tunnel_status *st);
int rb_commit_info(struct rbuf *r, struct eng_commit_info *ci);
int rb_sess_info(struct rbuf *r, struct eng_sess_info *si);
/* Bytes of any length up to max (certificates, PKCS#12); NULL when bad. */
const uint8_t *rb_bytes(struct rbuf *r, size_t max, size_t *n);
int rb_key_info(struct rbuf *r, struct eng_key_info *ki);
int rb_cert_info(struct rbuf *r, struct eng_cert_info *ci);
int rb_tp_info(struct rbuf *r, struct eng_tp_info *ti);
int rb_impact(struct rbuf *r, struct eng_tunnel_impact *ti);
/* true when every byte was read and nothing was missing */
bool rb_done(const struct rbuf *r);

#endif /* IKESH_CTL_H */
