/* SPDX-License-Identifier: ISC */
/*
 * Internals of the IKEv2 core shared by its files: the engine, tunnels,
 * IKE SAs and CHILD_SAs, and the helpers each exchange file uses. Nothing
 * outside engine/ike includes this but white-box tests; the public API is
 * ikev2.h.
 */
#ifndef IKESH_IKE_SA_H
#define IKESH_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "ike_cert.h"
#include "ike_frag.h"
#include "ike_msg.h"
#include "ikev2.h"

#define IKE_NONCE_LEN	 32
#define IKE_NONCE_MAX	 256
#define IKE_COOKIE_MAX	 64
#define IKE_INNER_MAX	 4096
#define IKE_MSG_BUF	 8192
#define IKE_REASON_LEN	 256
#define IKE_ADDR_STRLEN	 48
#define IKE_SA_BUCKETS	 4096
#define IKE_TUN_BUCKETS	 1024
#define IKE_KEEPALIVE_MS 20000
#define IKE_PFX_BUCKETS	 4096 /* half-open counts by address and prefix */
#define IKE_RL_SLOTS	 256  /* stateless-reply rate limit, by prefix */

enum ike_sa_state {
	IKE_SA_INIT_SENT, /* initiator: waiting for the IKE_SA_INIT response */
	IKE_SA_AUTH_SENT, /* initiator: waiting for the IKE_AUTH response */
	IKE_SA_HALF_OPEN, /* responder: IKE_SA_INIT answered, no IKE_AUTH yet */
	IKE_SA_ESTABLISHED,
	IKE_SA_DELETING, /* our Delete is in flight */
	IKE_SA_LARVAL,	 /* IKE rekey: the new SA while CREATE_CHILD_SA runs */
	IKE_SA_DEAD,	 /* freed at the end of the current event */
};

/* What our one outstanding request is (window size 1, §2.3). */
enum ike_req_kind {
	IKE_REQ_NONE,
	IKE_REQ_INIT,
	IKE_REQ_AUTH,
	IKE_REQ_CHILD_REKEY,
	IKE_REQ_CHILD_CREATE, /* a CHILD_SA where there is none (start-mode auto) */
	IKE_REQ_IKE_REKEY,
	IKE_REQ_DELETE_CHILD,
	IKE_REQ_DELETE_IKE,
	IKE_REQ_DPD,
};

struct ike_child {
	struct ike_child *next;
	struct ike_child_sa sa;
	bool installed;
	uint64_t rekey_at; /* 0: never */
};

/* The negotiated transforms of one proposal. */
struct ike_selected {
	uint8_t num;
	uint8_t protocol;
	uint8_t spi_size;
	uint8_t spi[8];
	const struct xform *encr;
	const struct xform *integ; /* NULL with AEAD */
	const struct xform *prf;   /* IKE only */
	const struct xform *dh;	   /* NULL: no (PFS) group */
	bool esn;
};

struct ike_tunnel {
	struct ike_tunnel *next;
	struct ike_tunnel *name_next; /* chain in the by-name index */
	struct ike_tunnel *ip_next;   /* chain in the by-remote-address index */
	struct ike_peer_conf conf;
	struct ike_sa *sa; /* the current IKE SA, either role */
	enum ike_tunnel_state state;
	char last_error[IKE_REASON_LEN];
	uint64_t retry_at; /* start-mode auto: (re)initiate then; 0: not planned */
	unsigned failures; /* in a row, for the back-off */
	size_t remote_idx; /* 0: conf.remote, then conf.remote_alt[] */
	bool next_now;	   /* the current address did not answer: try the next at once */
	bool restart;	   /* initiate again at retry_at, whatever the start mode */
	/* responder half-open SAs of this tunnel, and when the newest came */
	unsigned n_half_open;
	uint64_t ho_newest_ms;
};

#define IKE_RESTART_BASE_MS 5000
#define IKE_RESTART_MAX_MS  300000
#define IKE_RESOLVE_WAIT_MS 1000 /* auto tunnel without an address: look again */

/*
 * Half-open SAs of one address (/32, /128) or prefix (/24, /64): proven
 * ones echoed our COOKIE, the others did not. Kept while either is > 0.
 */
struct ike_pfx {
	struct ike_pfx *next;
	uint8_t family;
	uint8_t plen;
	uint8_t addr[16]; /* masked to plen */
	unsigned proven;
	unsigned unproven;
};

/* A token bucket: tokens in thousandths, refilled at rate per second. */
struct ike_bucket {
	uint64_t tokens_milli;
	uint64_t at_ms;
};

struct ike_sa {
	struct ike_sa *next;
	struct ike_sa *hnext; /* chain in the SPIi hash */
	bool hashed;
	struct ike_engine *eng;
	struct ike_tunnel *tun;
	enum ike_sa_state state;
	bool initiator;
	bool paced; /* counted among the SAs being set up (ike_pace.c) */
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	struct ike_addr local;
	struct ike_addr remote;

	struct ike_selected ike; /* negotiated IKE transforms */
	uint16_t ke_group;	 /* group of our KE payload */
	struct dh_key *dh;
	uint8_t ni[IKE_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[IKE_NONCE_MAX];
	size_t nr_len;
	uint8_t cookie[IKE_COOKIE_MAX];
	size_t cookie_len;
	/* the IKE_SA_INIT messages, signed by the AUTH payloads */
	uint8_t *init_req;
	size_t init_req_len;
	uint8_t *init_resp;
	size_t init_resp_len;
	struct ike_sa_keys keys;
	struct sk_ctx sk_in;
	struct sk_ctx sk_out;
	bool nat_local;
	bool nat_remote;
	/* RFC 7427: the peer's SIGNATURE_HASH_ALGORITHMS (bits 1 << IKE_HASH_*) */
	unsigned peer_hashes;
	bool peer_certreq;		  /* it sent a CERTREQ for X.509 certificates */
	uint8_t peer_sigkey;		  /* enum ike_sigkey that verified its AUTH; 0: a PSK */
	unsigned init_restarts;		  /* COOKIE / INVALID_KE round trips */
	bool proven;			  /* responder: the IKE_SA_INIT echoed our COOKIE */
	struct ike_pfx *ho_pfx[2];	  /* responder, half open: its address and prefix counts */
	struct ike_sa *ho_prev, *ho_next; /* half open: oldest first */
	/* in the engine's timer heap: when ike_tick() must look at it next */
	uint64_t due;
	size_t heap_idx; /* 1-based; 0: not in the heap */
	bool dirty;	 /* its due time is to be worked out again */
	struct ike_sa *dirty_next;

	uint32_t msgid_out; /* next request we send */
	uint32_t msgid_in;  /* next request we expect */
	struct {
		bool active;
		enum ike_req_kind kind;
		uint8_t exchange;
		uint32_t msgid;
		uint8_t *buf;
		size_t len;
		unsigned tries;
		uint64_t first_ms;
		uint64_t due_ms;
		struct ike_frag_set *frags; /* when sent as fragments (RFC 7383) */
	} req;
	struct {
		bool valid;
		uint32_t msgid;
		uint8_t *buf;
		size_t len;
		struct ike_frag_set *frags; /* when sent as fragments (RFC 7383) */
		/* the request's addresses: a response goes back the way it came (§2.11) */
		bool addr_set;
		struct ike_addr local;
		struct ike_addr remote;
	} resp;

	/* RFC 7383: both sides sent IKEV2_FRAGMENTATION_SUPPORTED; the peer's
	 * fragments being put together, requests [0] and responses [1]
	 * (allocated when the first one comes, so that SAs stay small) */
	bool frag_ok;
	struct ike_frag_rx *frag_rx[2];

	struct ike_child *children;
	/* a CREATE_CHILD_SA we started */
	struct ike_child *pending;  /* the new CHILD_SA, keys not yet derived */
	struct ike_child *rekeying; /* the CHILD_SA it replaces */
	struct dh_key *pfs_dh;
	uint8_t cn[IKE_NONCE_MAX]; /* our nonce in that exchange */
	size_t cn_len;
	uint8_t rekey_nr[IKE_NONCE_MAX]; /* the peer's nonce in it */
	size_t rekey_nr_len;
	struct ike_sa *rekey_new; /* IKE rekey: the SA being created */
	struct ike_sa *rekey_of;  /* in that SA: the one it is to replace */
	/*
	 * §2.8.2: the peer rekeyed this IKE SA while our rekey ran; coll_ike is
	 * the SA its rekey made (we answered it), coll_of points back from it.
	 */
	struct ike_sa *coll_ike;
	struct ike_sa *coll_of;
	uint16_t pfs_group;   /* KE group for CHILD rekeys, after INVALID_KE_PAYLOAD */
	uint16_t rekey_group; /* KE group for IKE rekeys, likewise */
	/* §2.8.1: the peer rekeyed the CHILD_SA we are rekeying too */
	struct {
		bool active;
		struct ike_child *old;
		uint32_t spi_in;	    /* the pair we created as responder */
		uint8_t low[IKE_NONCE_MAX]; /* lower nonce of the peer's exchange */
		size_t low_len;
	} coll;
	bool delete_after; /* delete once the current request is done */
	uint32_t del_spi;  /* the CHILD_SA our Delete names (spi_in) */
	/*
	 * SPIs the peer deleted before our CREATE_CHILD_SA answer made the pair
	 * here: that pair is not installed when the answer comes.
	 */
	uint32_t early_del[4];
	unsigned n_early_del;

	uint64_t created_ms;
	/* the engine's event count when made, then when established: which came first */
	uint64_t order;
	uint64_t last_rx_ms;
	uint64_t ike_rekey_at;
	uint64_t ike_expire_at;	 /* deleted then if no rekey replaced it */
	uint64_t keepalive_at;	 /* behind a NAT: next NAT keepalive */
	uint64_t child_retry_at; /* auto: a new CHILD_SA not before, after a refusal */
	unsigned child_failures;
};

struct ike_engine {
	struct ike_env env;
	struct ike_opts opts;
	struct ike_stats stats;
	struct ike_tunnel *tunnels;
	struct ike_tunnel *by_name[IKE_TUN_BUCKETS];
	struct ike_tunnel *by_ip[IKE_TUN_BUCKETS]; /* tunnels with a remote address */
	struct ike_sa *sas;
	struct ike_sa *bucket[IKE_SA_BUCKETS]; /* by SPIi, which is random */
	unsigned n_half_open;
	struct ike_sa *ho_oldest, *ho_newest;
	/* SAs by due time (min-heap): a tick looks only at those due */
	struct ike_sa **heap;
	size_t heap_n, heap_cap;
	struct ike_sa *dirty; /* touched since the heap was last brought up to date */
	uint64_t retry_min;   /* no tunnel is to (re)initiate before; may be early */
	/* initiation paced (ike_pace.c): our IKE SAs being set up, the window */
	unsigned pace_inflight, pace_window, pace_acked;
	uint64_t pace_backoff_at;
	bool pace_waiting;	      /* a tunnel waits for room in the window */
	struct ike_tunnel *scan_from; /* where the next initiation scan starts */
	uint64_t tick_visits;	      /* SAs and tunnels looked at by ike_tick(), for tests */
	unsigned n_dead;	      /* SAs marked dead, to be freed by ike_sa_reap() */
	struct ike_pfx *pfx[IKE_PFX_BUCKETS];
	uint32_t pfx_seed; /* random: bucket choice cannot be steered */
	/* §2.6: the secret changes; the one before is accepted a little longer */
	uint64_t order; /* counts SAs made and established (ike_sa.order) */
	uint8_t cookie_secret[32];
	uint8_t cookie_prev[32];
	bool cookie_prev_valid;
	uint64_t cookie_rotate_at;
	uint64_t cookie_prev_until;
	struct ike_bucket reply_all;
	struct ike_bucket reply_pfx[IKE_RL_SLOTS];
};

/* ---- ike_pace.c ---- */
#define IKE_PACE_START	 8 /* IKE SAs being set up at once, at first */
#define IKE_PACE_MIN	 2
#define IKE_PACE_MAX	 32
#define IKE_PACE_POLL_MS 50 /* the window full: look again by then at the latest */
/* Our IKE_SA_INIT went out: the SA counts until established or gone. */
void ike_pace_sent(struct ike_sa *sa);
void ike_pace_done(struct ike_sa *sa, bool established);
/* A COOKIE, or a setup request sent again: fewer at once. */
void ike_pace_backoff(struct ike_engine *e);
/* May one more IKE SA be set up now? */
bool ike_pace_room(const struct ike_engine *e);

/* ---- ike_sa.c ---- */
/* snprintf for messages that may be cut short on purpose. */
void ike_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
uint64_t ike_now(const struct ike_engine *e);
/* Set the IKE SA's rekey (initiator) and expiry times from the lifetime. */
void ike_sa_lifetimes(struct ike_sa *sa);
/* now + a lifetime's rekey margin: 85-90 % of it, randomised so peers do not collide. */
uint64_t ike_rekey_time(struct ike_engine *e, uint32_t lifetime_s);
void ike_log(struct ike_engine *e, enum ike_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool ike_log_enabled(const struct ike_engine *e, enum ike_log_level lvl);
/*
 * A message not processed: count it under counter and say why (INFO,
 * starting "dropped": the glue shows it under `debug crypto ikev2 error`).
 * peer may be NULL.
 */
void ike_drop(struct ike_engine *e, uint64_t *counter, const struct ike_addr *peer, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
/* Packet debug: exchange, direction, message ID and the payload list; never contents. */
void ike_log_msg(struct ike_engine *e, const char *what, const struct ike_addr *peer,
		 const struct ike_msg *m);
/* Record and report a tunnel's failure (reason shown to operators). */
void ike_tun_fail(struct ike_tunnel *t, struct ike_engine *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ike_tun_status(struct ike_tunnel *t, struct ike_engine *e, enum ike_tunnel_state st);
const char *ike_addr_str(const struct ike_addr *a, char *buf, size_t len);
bool ike_addr_equal(const struct ike_addr *a, const struct ike_addr *b);
struct ike_sa *ike_sa_new(struct ike_engine *e, struct ike_tunnel *t, bool initiator);
/* Remove CHILD_SAs from the kernel, mark the SA dead (freed later). */
void ike_sa_destroy(struct ike_sa *sa);
/* Enter the SA in the SPIi hash, once its SPIi is known. */
void ike_sa_hash_add(struct ike_sa *sa);
void ike_sa_delete_now(struct ike_sa *sa);
void ike_sa_reap(struct ike_engine *e);
/*
 * Something about the SA changed that may move its next timer: its due
 * time is worked out again before the heap is next read (ike_tick(),
 * ike_next_timeout(), ike_sa_reap()).
 */
void ike_sa_touch(struct ike_sa *sa);
/* The half-open counts of a peer's /32 or /128 (host) or /24 or /64; NULL: none. */
struct ike_pfx *ike_pfx_find(struct ike_engine *e, const struct ike_addr *peer, bool host);
/* A responder's SA becomes half open, or stops being so (established or destroyed). */
int ike_half_open_enter(struct ike_sa *sa);
void ike_half_open_leave(struct ike_sa *sa);
/* May a stateless reply go to peer now (token buckets)? Counts the refusal. */
bool ike_reply_allowed(struct ike_engine *e, const struct ike_addr *peer);
/*
 * Both ends initiated at once: when sa and another established IKE SA of
 * its tunnel, started by the other end, carry CHILD_SAs with the same
 * selectors, the one with the lowest nonce (as for rekeys, §2.8.1) is
 * deleted. Both ends choose the
 * same one, whichever sees it first.
 */
void ike_sa_settle_crossing(struct ike_sa *sa);
struct ike_sa *ike_sa_find_half_open(struct ike_engine *e, const uint8_t spi_i[8],
				     const struct ike_addr *peer);
struct ike_tunnel *ike_tunnel_find(struct ike_engine *e, const char *name);
struct ike_tunnel *ike_tunnel_for_peer(struct ike_engine *e, const struct ike_addr *local,
				       const struct ike_addr *remote);
void ike_child_free(struct ike_child *c);
void ike_child_remove(struct ike_sa *sa, struct ike_child *c);
struct ike_child *ike_child_new(struct ike_sa *sa);
int ike_child_install(struct ike_sa *sa, struct ike_child *c);
/* Find a CHILD_SA by the SPI the peer uses for it (our outbound SPI). */
struct ike_child *ike_child_find_out(struct ike_sa *sa, uint8_t proto, uint32_t spi);
struct ike_child *ike_child_find_in(struct ike_sa *sa, uint8_t proto, uint32_t spi);
int ike_child_spi_alloc(struct ike_sa *sa, uint8_t proto, uint32_t *spi);

/* ---- ike_xmit.c ---- */
/* Send a request: the IKE_SA_INIT message in plain, the rest sealed. */
int ike_send_request_plain(struct ike_sa *sa, enum ike_req_kind kind, const uint8_t *msg,
			   size_t len);
int ike_send_request(struct ike_sa *sa, uint8_t exchange, enum ike_req_kind kind,
		     const struct ike_writer *inner);
/* Answer the request with msgid: sealed, cached for retransmissions. */
int ike_send_response(struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
		      const struct ike_writer *inner);
/* A response that creates no state (IKE_SA_INIT errors and COOKIE). */
int ike_send_plain(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
		   const uint8_t *buf, size_t len);
void ike_req_done(struct ike_sa *sa);
/* Retransmit or give up; called from ike_tick(). */
void ike_xmit_tick(struct ike_sa *sa, uint64_t now);
uint64_t ike_xmit_next(const struct ike_sa *sa);
void ike_hdr_for(const struct ike_sa *sa, struct ike_hdr *h, uint8_t exchange, bool response,
		 uint32_t msgid);
/* An error notify is being sent: count it under its type (struct ike_stats). */
void ike_count_refusal(struct ike_engine *e, uint16_t type);
/* Write a notify with no SPI into w. */
int ike_add_notify(struct ike_writer *w, uint16_t type, const void *data, size_t len);

/* ---- ike_proposal.c ---- */
/* A peer's SA payload, keeping only the transforms this engine could use. */
int ike_prop_parse(const struct ike_pld *p, struct ike_sa_pld *sa);
int ike_prop_build(const struct ike_prop_conf *pc, size_t n, uint8_t protocol, const uint8_t *spi,
		   size_t spi_size, bool with_dh, uint16_t first_dh, struct ike_sa_pld *out);
/* Choose from offered what mine accepts; prefer_dh: the KE group if any. -ENOENT: none. */
int ike_prop_select(const struct ike_sa_pld *offered, const struct ike_prop_conf *mine,
		    size_t nmine, uint8_t protocol, uint16_t prefer_dh, struct ike_selected *sel);
/* Drop DH transforms from every proposal (CHILD_SA offers in IKE_AUTH). */
void ike_prop_strip_dh(struct ike_sa_pld *sa);
/* The selection as a one-proposal SA payload. */
void ike_prop_from_selected(const struct ike_selected *sel, struct ike_sa_pld *out);
/* "aes128/sha1/prfsha1/modp1024": the first proposal offered on the wire. */
void ike_offer_describe(const struct ike_sa_pld *sa, char *buf, size_t len);
/* The chosen transforms, "aes256gcm16/prfsha256/x25519", for debug lines. */
void ike_sel_describe(const struct ike_selected *sel, char *buf, size_t len);
/* Log a decision at DEBUG: the proposal chosen and, for a CHILD_SA, its selectors. */
void ike_log_choice(struct ike_sa *sa, const char *what, const struct ike_selected *sel,
		    const struct ike_ts_range *tsl, size_t nl, const struct ike_ts_range *tsr,
		    size_t nr);
/* "aes256/sha256/prfsha256/ecp256" for status messages. */
void ike_prop_describe(const struct ike_prop_conf *pc, size_t n, bool ike, char *buf, size_t len);

/* ---- ike_ts.c ---- */
void ike_subnet_range(const struct ike_subnet *s, struct ike_ts_range *r);
void ike_ts_to_wire(const struct ike_ts_range *r, size_t n, struct ike_ts_pld *out);
/* Our selectors for one side, from the subnets (or the address if none). */
size_t ike_ts_from_conf(const struct ike_subnet *nets, size_t n, const struct ike_addr *host,
			struct ike_ts_range *out);
/* Intersections of offered with allowed; returns how many (0: unacceptable). */
size_t ike_ts_narrow(const struct ike_ts_pld *offered, const struct ike_ts_range *allowed,
		     size_t nallowed, struct ike_ts_range *out, size_t max);
/* True when every range of got lies inside one of offered. */
bool ike_ts_within(const struct ike_ts_pld *got, const struct ike_ts_range *offered, size_t n);
void ike_ts_describe(const struct ike_ts_pld *ts, char *buf, size_t len);
void ike_ts_range_describe(const struct ike_ts_range *r, size_t n, char *buf, size_t len);
bool ike_ts_ranges_are_prefixes(const struct ike_ts_range *r, size_t n);

/* ---- ike_init.c ---- */
int ike_init_start(struct ike_sa *sa);
void ike_init_request(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
		      const uint8_t *buf, size_t len, const struct ike_msg *m);
void ike_init_response(struct ike_sa *sa, const uint8_t *buf, size_t len, const struct ike_msg *m);
/* NAT_DETECTION_*_IP hash (SHA-1, §2.23). */
int ike_natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct ike_addr *a,
		  uint8_t out[20]);
int ike_sa_derive_keys(struct ike_sa *sa, const uint8_t *gir, size_t girlen,
		       const struct ike_sa_keys *old, const struct xform *old_prf);

/* ---- ike_auth.c ---- */
int ike_auth_start(struct ike_sa *sa);
void ike_auth_request(struct ike_sa *sa, const struct ike_msg *m);
void ike_auth_response(struct ike_sa *sa, const struct ike_msg *m);
/* PSK AUTH data (§2.15) for the side named by initiator_side; out is prf->outlen. */
int ike_auth_psk(const struct ike_sa *sa, bool initiator_side, const uint8_t *id_rest,
		 size_t id_restlen, uint8_t *out);
/* Our ID payload body (type + data). */
void ike_id_local(const struct ike_sa *sa, struct ike_id *id, uint8_t *buf);
/* Child keys from KEYMAT = prf+(SK_d, [g^ir] | Ni | Nr). */
int ike_child_keys(struct ike_sa *sa, struct ike_child *c, const struct cbuf *gir,
		   const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
		   bool initiator);
/* Fill c from a selection and negotiated selectors. */
void ike_child_fill(struct ike_sa *sa, struct ike_child *c, const struct ike_selected *sel,
		    const struct ike_ts_range *tsl, size_t nl, const struct ike_ts_range *tsr,
		    size_t nr);

/* ---- ike_auth_cert.c ---- */
/* IKE_SA_INIT: SIGNATURE_HASH_ALGORITHMS, and the responder's CERTREQ. */
int ike_sig_init_add(struct ike_writer *w, const struct ike_sa *sa, bool response);
/* Note the peer's SIGNATURE_HASH_ALGORITHMS and CERTREQ of a message. */
void ike_sig_init_note(struct ike_sa *sa, const struct ike_msg *m);
/* The initiator's CERTREQ comes in IKE_AUTH (§1.2). */
void ike_certreq_note(struct ike_sa *sa, const struct ike_msg *m);
/* IKE_AUTH: our CERT payloads as the send-cert mode says, the initiator's CERTREQ. */
int ike_cert_payloads_add(struct ike_writer *w, const struct ike_sa *sa);
int ike_certreq_auth_add(struct ike_writer *w, const struct ike_sa *sa);
/* Our signature AUTH payload over our ID (its RestOfIDPayload). */
int ike_auth_sig_add(struct ike_writer *w, const struct ike_sa *sa, const uint8_t *id_rest,
		     size_t id_restlen);
/*
 * The peer's certificate chain, identity and signature AUTH: 0 when all
 * hold, else -errno and why for the operator. peer_str names the identity.
 */
int ike_auth_sig_verify(struct ike_sa *sa, const struct ike_msg *m, const struct ike_id *peer,
			const struct ike_auth *auth, const char *peer_str, char *why,
			size_t whylen);
/* How we sign and how the peer proved itself, as show output names it: "PSK", "RSA", ... */
void ike_auth_methods(const struct ike_sa *sa, char *sign, char *verify, size_t len);

/* ---- ike_child.c ---- */
/* Move the CHILD_SAs of old to ns and make ns the tunnel's IKE SA. */
void ike_rekey_switch(struct ike_sa *old, struct ike_sa *ns);
int ike_child_rekey_start(struct ike_sa *sa, struct ike_child *old);
/* A new CHILD_SA with the configured selectors (CREATE_CHILD_SA without REKEY_SA). */
int ike_child_create_start(struct ike_sa *sa);
/* An auto tunnel's IKE SA without a CHILD_SA gets one again (called from the tick). */
bool ike_child_wanted(const struct ike_sa *sa, uint64_t now);
/* A new CHILD_SA was refused: the next attempt later, each time twice as late. */
void ike_child_retry_later(struct ike_sa *sa);
int ike_ike_rekey_start(struct ike_sa *sa);
void ike_child_request(struct ike_sa *sa, const struct ike_msg *m);
void ike_child_response(struct ike_sa *sa, const struct ike_msg *m);

/* ---- ike_info.c ---- */
int ike_info_delete_ike(struct ike_sa *sa);
int ike_info_delete_child(struct ike_sa *sa, struct ike_child *c);
int ike_info_dpd(struct ike_sa *sa);
/* The last CHILD_SA of the tunnel's IKE SA went: report it with why. */
void ike_child_gone(struct ike_sa *sa, const char *why);
void ike_info_request(struct ike_sa *sa, const struct ike_msg *m);
void ike_info_response(struct ike_sa *sa, const struct ike_msg *m);
/* First error notify (type < 16384) of a message, 0 if none. */
uint16_t ike_msg_error_notify(const struct ike_msg *m, struct ike_notify *out);
/* Our cached response again, whole or as its fragments. */
/* Free a fragment set or a reassembly and forget it. */
void ike_frags_drop(struct ike_frag_set **f);
void ike_frag_rx_drop(struct ike_frag_rx **rx);
int ike_send_cached_response(struct ike_sa *sa, const struct ike_addr *src,
			     const struct ike_addr *dst);
bool ike_msg_has_notify(const struct ike_msg *m, uint16_t type, struct ike_notify *out);

#endif
