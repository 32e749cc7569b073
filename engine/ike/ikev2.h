/* SPDX-License-Identifier: ISC */
/*
 * The IKEv2 protocol core (RFC 7296): IKE_SA_INIT, IKE_AUTH with PSK,
 * CREATE_CHILD_SA, INFORMATIONAL, retransmission and message-ID windows.
 *
 * It knows nothing of the shell, sockets or the kernel. Configuration comes
 * in as a plain struct ike_peer_conf; everything the engine does to the
 * world goes out through the callbacks of struct ike_env (send a datagram,
 * install or delete a CHILD_SA pair, read the clock, log, report status).
 * It is event driven and never blocks: feed it datagrams with ike_input(),
 * call ike_tick() when ike_next_timeout() says so.
 *
 * All functions return 0 or -errno unless said otherwise. The callbacks
 * must not call back into the engine (queue the work instead): the engine
 * is in the middle of an exchange when it calls them.
 */
#ifndef IKESH_IKE_IKEV2_H
#define IKESH_IKE_IKEV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "prf.h"

/* An address and UDP port; family is AF_INET or AF_INET6, addr in network order. */
struct ike_addr {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port; /* host order */
};

/* A subnet with optional protocol / port range, as configured. */
struct ike_subnet {
	uint8_t family;
	uint8_t addr[16];
	uint8_t prefixlen;
	uint8_t proto;	     /* 0: any */
	uint16_t port_start; /* 0..65535 is any */
	uint16_t port_end;
};

/* A traffic selector range as negotiated (RFC 7296 §3.13.1). */
struct ike_ts_range {
	uint8_t family;
	uint8_t proto;
	uint16_t port_start;
	uint16_t port_end;
	uint8_t start[16];
	uint8_t end[16];
};

/*
 * What one tunnel's configuration can hold. The engine's configuration
 * limits (ENG_*_MAX in engine.h) are tied to these by static assertions in
 * the runtime, the one layer that sees both: a committed tunnel always fits.
 */
#define IKE_CONF_MAX_ALGS    12 /* of each transform type, in one proposal */
#define IKE_CONF_MAX_PROPS   4
#define IKE_CONF_MAX_SUBNETS 4
#define IKE_CONF_MAX_REMOTES 7	 /* besides remote: 8 addresses in all */
#define IKE_MAX_PSK	     256 /* bytes */
#define IKE_MAX_ID	     256 /* bytes of an identity's data */

/* One proposal: every combination of the listed algorithms is acceptable. */
struct ike_prop_conf {
	uint16_t encr[IKE_CONF_MAX_ALGS];
	uint16_t encr_bits[IKE_CONF_MAX_ALGS]; /* Key Length attribute, 0 when none */
	size_t n_encr;
	uint16_t integ[IKE_CONF_MAX_ALGS]; /* none with AEAD ciphers */
	size_t n_integ;
	uint16_t prf[IKE_CONF_MAX_ALGS]; /* IKE proposals only */
	size_t n_prf;
	uint16_t dh[IKE_CONF_MAX_ALGS]; /* IKE: required; child: the PFS groups */
	size_t n_dh;
};

/* An identity; type 0 means "the IP address used for IKE". */
struct ike_id_conf {
	uint8_t type; /* IKE_ID_* */
	uint8_t data[IKE_MAX_ID];
	size_t len;
};

enum ike_start_mode {
	IKE_START_RESPONDER_ONLY,
	IKE_START_AUTO,
};

/* What a dead peer leads to; start-mode auto restarts after any failure anyway. */
enum ike_dpd_action {
	IKE_DPD_CLEAR,	 /* tear down and wait */
	IKE_DPD_RESTART, /* tear down and initiate again */
};

enum ike_natt_mode {
	IKE_NATT_AUTO,	  /* detect (RFC 7296 §2.23), float to the NAT-T port on a NAT */
	IKE_NATT_FORCE,	  /* make the peer believe in a NAT: always UDP-encapsulate */
	IKE_NATT_DISABLE, /* no NAT detection notifies, never float */
};

enum ike_child_mode {
	IKE_MODE_TUNNEL,
	IKE_MODE_TRANSPORT,
};

/* The RFC ports, the defaults of struct ike_peer_conf's ports. */
#define IKE_PORT      500  /* RFC 7296 §2 */
#define IKE_NATT_PORT 4500 /* RFC 3948 §2, RFC 7296 §2.23 */

/* When our certificate goes into IKE_AUTH as CERT payloads (RFC 7296 §3.6). */
enum ike_send_cert {
	IKE_SEND_CERT_ALWAYS,	  /* the default */
	IKE_SEND_CERT_ON_REQUEST, /* only when the peer sent a CERTREQ */
	IKE_SEND_CERT_NEVER,	  /* the peer has it already */
};

/*
 * Certificate authentication of one tunnel (RFC 7296 §2.15, RFC 7427),
 * plain OpenSSL 3 objects. With key set we authenticate with a signature
 * by key (RSA PKCS#1 v1.5 or PSS, ECDSA P-256/P-384/P-521, Ed25519)
 * instead of the PSK; with trust set the peer must authenticate with a
 * signature by a certificate that trust vouches for (a PSK AUTH from it is
 * refused). `authentication certificate TP` sets both; each alone is
 * allowed (§2.15: each end chooses its own method).
 *
 * ike_conf_set() takes its own references (EVP_PKEY_up_ref(), a new stack
 * of X509_up_ref()'d certificates, X509_STORE_up_ref()): the caller frees
 * its objects when it likes. The engine only reads them, so the store
 * must be complete when handed in: anchors, CRLs, and verify flags such as
 * X509_V_FLAG_CRL_CHECK set by the caller. A changed configuration is
 * renegotiated: the key and chain count as changed when they differ in
 * content (loaded again, they do not), the store when its pointer does.
 */
struct ike_cert_conf {
	EVP_PKEY *key;		/* our private key; NULL: we prove the PSK */
	STACK_OF(X509) * chain; /* our certificate first, then intermediates; with key */
	X509_STORE *trust;	/* anchors for the peer's chain; NULL: the peer proves the PSK */
	enum ike_send_cert send_cert;
	bool send_certreq; /* CERTREQ with the SHA-1 hashes of trust's anchors' keys */
	bool rsa_pss;	   /* sign with RSASSA-PSS where RFC 7427 allows, else PKCS#1 v1.5 */
	/*
	 * remote-id any: the peer's identity is not compared with remote_id,
	 * only with its certificate (which trust must vouch for).
	 */
	bool any_remote_id;
	char trust_name[64]; /* the trustpoint's name, for failure reasons */
};

struct ike_peer_conf {
	char name[64];		/* the tunnel's name, used in status reports */
	struct ike_addr local;	/* its port: ours for IKE */
	struct ike_addr remote; /* family 0: any peer (responder only) */
	/* the ports an SA moves to from local's and remote's once a NAT is
	 * found; 0: IKE_NATT_PORT */
	uint16_t natt_local_port;
	uint16_t natt_remote_port;
	/* more addresses of the peer, tried in order when one does not answer */
	struct ike_addr remote_alt[IKE_CONF_MAX_REMOTES];
	size_t n_remote_alt;
	struct ike_prop_conf ike[IKE_CONF_MAX_PROPS];
	size_t n_ike;
	struct ike_prop_conf child; /* ESP or AH transforms; dh[] = PFS groups */
	uint8_t child_proto;	    /* IKE_PROTO_ESP or IKE_PROTO_AH */
	enum ike_child_mode mode;
	uint8_t psk[IKE_MAX_PSK];
	size_t psk_len;
	struct ike_id_conf local_id; /* IKE_ID_DER_ASN1_DN: data is the DER Name */
	struct ike_id_conf remote_id;
	struct ike_cert_conf cert; /* all zero: PSK authentication both ways */
	struct ike_subnet local_net[IKE_CONF_MAX_SUBNETS];
	size_t n_local_net;
	struct ike_subnet remote_net[IKE_CONF_MAX_SUBNETS];
	size_t n_remote_net;
	uint32_t ike_lifetime_s;    /* 0: no IKE rekey */
	uint32_t child_lifetime_s;  /* 0: no CHILD rekey */
	uint64_t child_lifetime_kb; /* 0: no volume limit (the kernel counts) */
	bool no_rekey;		    /* let SAs expire instead of rekeying them */
	enum ike_natt_mode natt;
	/* IKE fragmentation (RFC 7383): offered in IKE_SA_INIT; once both
	 * sides have, encrypted messages larger than frag_mtu (the IP packet,
	 * 0: 1280) go out as fragments */
	bool fragmentation;
	uint16_t frag_mtu;
	uint32_t if_id;		 /* XFRM interface ID, passed through to CHILD_SAs */
	uint32_t dpd_interval_s; /* 0: no DPD */
	uint32_t dpd_timeout_s;
	enum ike_dpd_action dpd_action;
	enum ike_start_mode start;
	uint32_t reqid;
};

/* One CHILD_SA pair, what the kernel needs to install it. */
struct ike_child_sa {
	uint32_t spi_in;  /* network order value as sent, host order here */
	uint32_t spi_out; /* host order */
	uint8_t protocol; /* IKE_PROTO_ESP / IKE_PROTO_AH */
	enum ike_child_mode mode;
	uint16_t encr;	    /* IKE_ENCR_*, 0 for AH */
	uint16_t encr_bits; /* Key Length attribute */
	uint16_t integ;	    /* IKE_AUTH_*, 0 with AEAD */
	bool esn;
	uint8_t encr_key_in[ENCR_MAX_KEY]; /* AEAD: salt included at the end */
	uint8_t encr_key_out[ENCR_MAX_KEY];
	size_t encr_key_len;
	uint8_t integ_key_in[INTEG_MAX_KEY];
	uint8_t integ_key_out[INTEG_MAX_KEY];
	size_t integ_key_len;
	struct ike_addr local;
	struct ike_addr remote;
	struct ike_ts_range ts_local[IKE_CONF_MAX_SUBNETS];
	size_t n_ts_local;
	struct ike_ts_range ts_remote[IKE_CONF_MAX_SUBNETS];
	size_t n_ts_remote;
	uint32_t lifetime_soft_s;
	uint32_t lifetime_hard_s;
	uint64_t lifetime_soft_kb; /* 0: no volume limit */
	uint64_t lifetime_hard_kb;
	uint32_t reqid;
	uint32_t if_id;
	bool initiator; /* our role in the exchange that created it */
	bool encap;	/* UDP-encapsulated ESP (RFC 3948): a NAT is in the way */
};

enum ike_log_level {
	IKE_LOG_ERROR,
	IKE_LOG_INFO,
	IKE_LOG_DEBUG,
};

enum ike_tunnel_state {
	IKE_TUN_CONNECTING,  /* IKE_SA_INIT / IKE_AUTH under way */
	IKE_TUN_UP,	     /* IKE SA and a CHILD_SA established */
	IKE_TUN_REKEYED,     /* a CHILD or IKE SA was rekeyed; still up */
	IKE_TUN_DOWN,	     /* deleted by us or by the peer */
	IKE_TUN_FAILED,	     /* could not come up, or lost: the reason says why */
	IKE_TUN_IKE_NO_CHILD /* IKE SA up, CHILD_SA refused */
};

/*
 * Datagrams to and from the engine never carry the 4-byte non-ESP marker of
 * the NAT-T port (RFC 3948): the glue adds and strips it. Once a NAT is
 * detected the engine moves to the tunnel's NAT-T ports (RFC 7296 §2.23:
 * natt_local_port, natt_remote_port; 4500 by default) and sends a
 * one-byte 0xFF NAT keepalive every 20 s when we are behind the NAT.
 */
struct ike_env {
	void *ctx;
	/* Send one datagram; the engine does not retry a failed send itself. */
	int (*send)(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		    const uint8_t *buf, size_t len);
	/* Install both directions of a CHILD_SA. A failure fails the exchange. */
	int (*child_install)(void *ctx, const char *tunnel, const struct ike_child_sa *c);
	/* Remove both directions (spi_in, spi_out, protocol identify it). */
	void (*child_delete)(void *ctx, const char *tunnel, const struct ike_child_sa *c);
	/*
	 * Optional: the peer's NAT mapping moved (§2.23): c carries the new
	 * outer addresses and its keys; the kernel SAs and policies follow.
	 * Only UDP-encapsulated CHILD_SAs keep their keys for this.
	 */
	int (*child_update)(void *ctx, const char *tunnel, const struct ike_child_sa *c);
	/* Optional: an inbound SPI (kernel ALLOCSPI); random when NULL. */
	int (*child_spi)(void *ctx, uint8_t protocol, uint32_t *spi);
	uint64_t (*now_ms)(void *ctx);
	/* Optional. Never given a key or a secret. */
	void (*log)(void *ctx, enum ike_log_level level, const char *msg);
	/* Optional. reason is NULL or an operator's explanation. */
	void (*status)(void *ctx, const char *tunnel, enum ike_tunnel_state st, const char *reason);
	/*
	 * Optional: a (re)connect of the tunnel starts, with the addresses known
	 * now. A glue that resolves host names starts a new resolution here (in
	 * the background) and hands the result to ike_tunnel_set_remotes().
	 */
	void (*connecting)(void *ctx, const char *tunnel);
};

/*
 * Limits on what unauthenticated peers may cost (README "Limits under
 * attack"). Half-open SAs are counted per address (/32, /128) and per
 * prefix (/24, /64); only those whose request echoed our COOKIE count
 * against a peer's share, so that spoofed requests cannot use it up.
 */
struct ike_opts {
	unsigned half_open_cookie;	 /* COOKIE challenge at this many half-open SAs */
	unsigned half_open_per_peer;	 /* cookie-proven half-open SAs per /32 or /128 */
	unsigned half_open_per_prefix;	 /* the same per /24 or /64 */
	unsigned half_open_max;		 /* all half-open SAs: past it the oldest goes */
	unsigned init_max_len;		 /* longest IKE_SA_INIT request taken, bytes */
	unsigned reply_rate;		 /* stateless replies (COOKIE, errors) per second */
	unsigned reply_rate_per_prefix;	 /* the same to one /24 or /64 */
	unsigned cookie_rotate_ms;	 /* a new COOKIE secret this often (§2.6) */
	unsigned cookie_overlap_ms;	 /* the previous secret is still accepted this long */
	unsigned retransmit_tries;	 /* then give up */
	unsigned retransmit_timeout_ms;	 /* first timeout */
	unsigned retransmit_base_permil; /* back-off factor * 1000 (1800 = 1.8) */
	unsigned half_open_timeout_ms;	 /* responder drops a half-open SA after */
	enum ike_log_level log_level;	 /* messages above this level are not built */
};

/*
 * Defaults: COOKIE at 30 half-open, 5 per address, 500 per prefix, 5000 in
 * all, IKE_SA_INIT up to 4096 bytes, 2000 stateless replies/s (500/s per
 * prefix), COOKIE secret changed every 60 s and accepted 10 s more; 5
 * tries, 4 s, x1.8, 30 s half-open timeout; log level INFO.
 */
void ike_opts_default(struct ike_opts *o);

/* Every message dropped is counted under one reason. */
struct ike_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t drop_malformed;	/* parse failure, truncated, bad lengths */
	uint64_t drop_rules;		/* payloads this exchange may not carry */
	uint64_t drop_unknown_spi;	/* no IKE SA with these SPIs */
	uint64_t drop_integrity;	/* SK payload failed its ICV */
	uint64_t drop_msgid;		/* outside the window, or unexpected response */
	uint64_t drop_unexpected;	/* valid, but not in this state */
	uint64_t drop_half_open;	/* per-address half-open limit (cookie-proven requests) */
	uint64_t drop_half_open_prefix; /* per-prefix (/24, /64) half-open limit */
	uint64_t drop_half_open_max;	/* all half-open SAs: the global cap, no COOKIE */
	uint64_t half_open_evicted;	/* the oldest half-open SA made room for a proven one */
	uint64_t drop_too_long;		/* IKE_SA_INIT request longer than init_max_len */
	uint64_t drop_reply_rate;	/* a stateless reply not sent: rate limit */
	uint64_t retransmits;		/* our requests sent again */
	uint64_t resp_from_cache;	/* retransmitted requests answered from the cache */
	uint64_t cookies_sent;
	uint64_t cookies_accepted; /* requests that echoed a valid COOKIE */
	uint64_t cookie_rotations;
	uint64_t invalid_ke_sent;      /* IKE_SA_INIT and CREATE_CHILD_SA */
	uint64_t no_proposal_sent;     /* NO_PROPOSAL_CHOSEN, for IKE or CHILD SAs */
	uint64_t ts_unacceptable_sent; /* TS_UNACCEPTABLE */
	uint64_t invalid_syntax_sent;  /* INVALID_SYNTAX */
	uint64_t other_error_sent;     /* other error notifies (TEMPORARY_FAILURE ...) */
	uint64_t unsupported_critical;
	uint64_t ike_established;
	uint64_t child_installed;
	uint64_t child_rekeyed;
	uint64_t ike_rekeyed;
	uint64_t auth_failed;
};

struct ike_engine;

int ike_engine_new(const struct ike_env *env, const struct ike_opts *opts, struct ike_engine **out);
void ike_engine_free(struct ike_engine *e);

/*
 * The half-open limits of o (half_open_cookie, half_open_per_peer,
 * half_open_per_prefix, half_open_max) from now on; the other fields are
 * not read. Half-open SAs already there stay until they complete or time
 * out; new requests meet the new limits.
 */
void ike_engine_set_limits(struct ike_engine *e, const struct ike_opts *o);

/* Add or replace a tunnel's configuration (copied). */
int ike_conf_set(struct ike_engine *e, const struct ike_peer_conf *conf);
/* Remove a configuration and tear down its SAs. -ENOENT if unknown. */
int ike_conf_remove(struct ike_engine *e, const char *name);

/*
 * New addresses for the peer (a host name resolved again): the first
 * replaces remote, the rest remote_alt. Established SAs are left alone; the
 * next attempt uses them. Not a configuration change.
 */
int ike_tunnel_set_remotes(struct ike_engine *e, const char *name, const struct ike_addr *addrs,
			   size_t n);

/* Start IKE_SA_INIT for a configured tunnel. -EALREADY if an IKE SA exists. */
int ike_initiate(struct ike_engine *e, const char *name);
/* Delete the tunnel's IKE SA (and its CHILD_SAs) with an INFORMATIONAL exchange. */
int ike_delete(struct ike_engine *e, const char *name);
/* Delete the tunnel's CHILD_SAs only. */
int ike_delete_child(struct ike_engine *e, const char *name);
/* Rekey the tunnel's (first) CHILD_SA, or its IKE SA. */
int ike_rekey_child(struct ike_engine *e, const char *name);
int ike_rekey_ike(struct ike_engine *e, const char *name);

/*
 * The kernel says a CHILD_SA reached a lifetime (XFRM_MSG_EXPIRE): soft
 * starts a rekey now, hard deletes the pair with the peer. The SA is named
 * by its inbound SPI. -ENOENT if unknown.
 */
int ike_child_expire(struct ike_engine *e, uint8_t protocol, uint32_t spi_in, bool hard);

/* One received datagram; src is the peer, dst our address. Never fails the caller. */
void ike_input(struct ike_engine *e, const struct ike_addr *src, const struct ike_addr *dst,
	       const uint8_t *buf, size_t len);
/* Run timers due at env->now_ms(). */
void ike_tick(struct ike_engine *e);
/* When ike_tick() wants to run next (absolute ms), UINT64_MAX when idle. */
uint64_t ike_next_timeout(const struct ike_engine *e);

const struct ike_stats *ike_engine_stats(const struct ike_engine *e);
/* IKE SAs answered as responder that have not completed IKE_AUTH yet. */
unsigned ike_half_open(const struct ike_engine *e);
/* Messages above this level are neither built nor logged (debug on/off). */
void ike_set_log_level(struct ike_engine *e, enum ike_log_level lvl);

/* What a tunnel looks like now, for show output and tests. */
struct ike_tunnel_info {
	enum ike_tunnel_state state; /* as last reported */
	bool ike_up;
	struct ike_addr local; /* of the current IKE SA */
	struct ike_addr remote;
	uint64_t established_ms; /* env->now_ms() when it came up (or was created) */
	uint64_t rekey_ms;	 /* next IKE rekey, 0: none planned */
	uint64_t expire_ms;	 /* IKE SA deleted then unless rekeyed, 0: never */
	unsigned n_ike_sa;	 /* IKE SAs of the tunnel (more when both ends initiated) */
	unsigned n_ike_up;	 /* of them established (not being deleted) */
	unsigned n_ike_nego;	 /* of them on their way up, either role */
	bool initiator;
	bool nat_local;	 /* we are behind a NAT */
	bool nat_remote; /* the peer is */
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint16_t encr, encr_bits, integ, prf, dh;
	size_t n_child;
	uint32_t child_spi_in, child_spi_out; /* the first CHILD_SA */
	char last_error[256];
	char auth_sign[8], auth_verify[8]; /* "PSK", "RSA", "ECDSA", "EdDSA" */
};
int ike_tunnel_info(const struct ike_engine *e, const char *name, struct ike_tunnel_info *info);
/*
 * Every IKE SA of a tunnel, for show output: during an IKE rekey the old
 * and the new, after both ends initiated at once one of each role, while
 * a Delete is in flight the one going.
 */
enum ike_sa_phase {
	IKE_SA_PHASE_NEGOTIATING, /* IKE_SA_INIT / IKE_AUTH, or a rekey's new SA */
	IKE_SA_PHASE_READY,	  /* established */
	IKE_SA_PHASE_DELETING,	  /* our Delete in flight */
};
struct ike_sa_info {
	enum ike_sa_phase phase;
	bool current; /* the one the tunnel uses now (ike_tunnel_info's) */
	bool initiator;
	bool nat_local, nat_remote;
	struct ike_addr local, remote;
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint16_t encr, encr_bits, integ, prf, dh; /* 0 while not negotiated */
	uint64_t created_ms;			  /* env->now_ms() when it was made */
	size_t n_child;
};
/* Up to max into out, the current one first; returns how many there are, or -ENOENT. */
int ike_tunnel_sas(const struct ike_engine *e, const char *name, struct ike_sa_info *out,
		   size_t max);

/*
 * The CHILD_SAs of a tunnel's current IKE SA, for show output: up to max
 * copies into out, keys zeroed. Returns how many there are, or -ENOENT.
 */
int ike_tunnel_children(const struct ike_engine *e, const char *name, struct ike_child_sa *out,
			size_t max);

#endif
