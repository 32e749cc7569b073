/* SPDX-License-Identifier: ISC */
/*
 * kernel.h - the seam between the IKE engine and the kernel's IPsec state.
 *
 * The engine installs SAs and policies only through these functions. Two
 * implementations sit behind them, chosen at kernel_open():
 *  - KERNEL_IMPL_XFRM: XFRM netlink (libmnl) and rtnetlink, the real thing;
 *  - KERNEL_IMPL_FAKE: an in-process recording fake for exchange tests
 *    (see kernel_fake.h for what a test can ask of it).
 *
 * Conventions:
 *  - Actions return 0 or -errno. On failure, kernel_last_error() tells what
 *    failed, on which object, and the kernel's extended-ack text if any.
 *    Nothing here prints or exits; key material never appears in an error.
 *  - Numbers are in host byte order (SPIs, ports, reqids); addresses are
 *    bytes in network order.
 *  - Algorithms are named by IKEv2 transform IDs (RFC 7296 / IANA; the
 *    IKE_ENCR_* and IKE_AUTH_* constants of engine/crypto/xform.h) plus the
 *    key length in bits where the transform has one. One table in
 *    kernel_alg.c maps them to the kernel's names and ICV lengths.
 *  - Key bytes are copied into netlink buffers that are wiped after
 *    sending; the caller wipes its struct kernel_sa with kernel_sa_wipe().
 *  - Ownership: everything installed carries a reqid from this handle's
 *    range (kernel_opts.reqid_base/count). kernel_flush_own() and the stale
 *    cleanup at open delete only SAs and policies whose reqid lies in that
 *    range, so other IPsec software on the same host is left alone. Bypass
 *    and block policies have no template, hence no reqid: the engine
 *    deletes those it installs itself. ACQUIRE and EXPIRE events about
 *    state outside the range are not handed to the engine.
 */
#ifndef IKESH_KERNEL_H
#define IKESH_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KERNEL_KEY_MAX	  64 /* bytes: HMAC-SHA-512 key; AEAD key + salt is 36 */
#define KERNEL_IFNAME_MAX 16 /* IFNAMSIZ, with the NUL */

/* Default range of reqids this engine owns ("IK" in the top 16 bits). */
#define KERNEL_REQID_BASE  0x494b0000u
#define KERNEL_REQID_COUNT 0x10000u

enum kernel_impl { KERNEL_IMPL_XFRM = 0, KERNEL_IMPL_FAKE };

/* An address; family 0 = unset ("any" in a selector). */
struct kernel_addr {
	uint8_t family; /* AF_INET, AF_INET6 or 0 */
	uint8_t bytes[16];
};

/*
 * Traffic selector. Prefix lengths as in a route; a zero src/dst family takes
 * the family of the other side (both zero: the SA's outer family). Ports 0 =
 * any; for ICMP, sport is the type and dport the code, as in XFRM.
 */
struct kernel_sel {
	struct kernel_addr src, dst;
	uint8_t src_len, dst_len;
	uint8_t proto; /* IPPROTO_*, 0 = any */
	uint16_t sport, dport;
};

/* Limits: 0 means none (the kernel's XFRM_INF). Times in seconds. */
struct kernel_lifetime {
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	uint64_t soft_add_s, hard_add_s; /* seconds after install */
	uint64_t soft_use_s, hard_use_s; /* seconds after first use */
};

/* Mark: value/mask; mask 0 = no mark. */
struct kernel_mark {
	uint32_t value, mask;
};

enum kernel_mode { KERNEL_MODE_TRANSPORT = 0, KERNEL_MODE_TUNNEL = 1 };

/* NAT-T UDP encapsulation (RFC 3948); ports in host order. */
struct kernel_encap {
	bool on;
	uint16_t sport, dport;
	struct kernel_addr oa; /* original address, family 0 = none */
};

/*
 * One SA. src/dst are the outer addresses (tunnel endpoints, or the hosts in
 * transport mode). For ESP with an AEAD transform, integ is IKE_AUTH_NONE and
 * enc_key holds key + 4-byte salt (RFC 4106/7634). For AH, encr is 0 and
 * only integ is used. Replay: replay_window in packets (0 = off, typical
 * outbound); ESN or a window above 32 selects the ESN replay attribute with a
 * bitmap of up to 4096 packets. With ESN the kernel needs a window even on
 * outbound SAs: ESN with replay_window 0 installs a window of 32.
 * An all-zero sel means: tunnel mode, any inner traffic of either family;
 * transport mode, the two hosts.
 */
struct kernel_sa {
	struct kernel_addr src, dst;
	uint32_t spi;
	uint8_t proto; /* IPPROTO_ESP or IPPROTO_AH */
	uint8_t mode;  /* enum kernel_mode */
	uint32_t reqid;
	uint16_t encr, encr_keybits; /* IKE_ENCR_*, Key Length attribute (0 = none) */
	uint16_t integ;		     /* IKE_AUTH_*, 0 = none */
	uint8_t enc_key[KERNEL_KEY_MAX];
	uint16_t enc_key_len;
	uint8_t integ_key[KERNEL_KEY_MAX];
	uint16_t integ_key_len;
	uint32_t replay_window; /* packets */
	bool esn;
	struct kernel_lifetime lft;
	struct kernel_sel sel; /* all zero = any (tunnel) / the host pair (transport) */
	struct kernel_encap encap;
	uint32_t if_id; /* XFRM interface ID, 0 = none */
	struct kernel_mark mark;
};

/* What identifies an installed SA. */
struct kernel_sa_id {
	struct kernel_addr src; /* used for logs and the fake only */
	struct kernel_addr dst;
	uint32_t spi;
	uint8_t proto;
	struct kernel_mark mark;
	uint32_t if_id;
};

enum kernel_dir { KERNEL_DIR_IN = 0, KERNEL_DIR_OUT = 1, KERNEL_DIR_FWD = 2 };
enum kernel_action { KERNEL_POLICY_IPSEC = 0, KERNEL_POLICY_BYPASS, KERNEL_POLICY_BLOCK };

/*
 * One policy. For KERNEL_POLICY_IPSEC it carries one template: proto, mode,
 * reqid, and in tunnel mode the outer addresses tmpl_src/tmpl_dst. A policy
 * with a template and no matching SA makes the kernel send an ACQUIRE event.
 * priority 0 = derived from the selector (kernel_policy_priority()).
 */
struct kernel_policy {
	struct kernel_sel sel;
	uint8_t dir;	/* enum kernel_dir */
	uint8_t action; /* enum kernel_action */
	uint32_t priority;
	uint8_t proto; /* template: IPPROTO_ESP / IPPROTO_AH */
	uint8_t mode;  /* template: enum kernel_mode */
	uint32_t reqid;
	struct kernel_addr tmpl_src, tmpl_dst;
	uint32_t if_id;
	struct kernel_mark mark;
};

/* What identifies an installed policy: selector, direction, mark, if_id. */
struct kernel_policy_id {
	struct kernel_sel sel;
	uint8_t dir;
	struct kernel_mark mark;
	uint32_t if_id;
};

/* Counters and lifetimes of one SA (XFRM_MSG_GETSA). Times are UNIX seconds. */
struct kernel_sa_stats {
	uint64_t bytes, packets;
	uint64_t add_time;  /* installed at */
	uint64_t use_time;  /* first used at, 0 = never */
	uint64_t last_used; /* XFRMA_LASTUSED, 0 = never or unknown */
	uint32_t replay_window_fail;
	uint32_t replay_fail;
	uint32_t integrity_fail;
	uint64_t oseq, seq; /* highest sent / received sequence numbers */
	uint32_t reqid;
	/* the SA's configuration as the kernel holds it (names, never keys) */
	uint8_t mode;	   /* enum kernel_mode */
	char encr[64];	   /* kernel name of the cipher or AEAD, "" = none */
	char integ[64];	   /* kernel name of the integrity algorithm, "" = none */
	uint16_t icv_bits; /* AEAD ICV or integrity truncation */
	uint32_t window;   /* replay window in packets */
	bool esn;
	struct kernel_lifetime lft; /* limits, 0 = none */
};

/* The kernel's global XFRM error counters (/proc/net/xfrm_stat). */
#define KERNEL_XFRM_STAT_MAX 40
struct kernel_xfrm_stat {
	unsigned n;
	struct {
		char name[32];
		uint64_t value;
	} v[KERNEL_XFRM_STAT_MAX];
};

/* What went wrong, for a person. Never holds key material. */
struct kernel_err {
	int err;	/* -errno, 0 = none */
	char what[160]; /* the operation and object: "add SA esp spi 0xc0000001 dst 10.0.0.2" */
	char msg[256];	/* the kernel's extended-ack message, "" if none */
};

enum kernel_event_kind {
	KERNEL_EV_ACQUIRE = 1, /* first packet hit a policy with no SA: start IKE */
	KERNEL_EV_EXPIRE,      /* an SA's soft (rekey) or hard (gone) limit */
	KERNEL_EV_POLEXPIRE,   /* a policy's lifetime ran out */
};

/* One event, handed to the callback of kernel_events_read(). */
struct kernel_event {
	uint8_t kind; /* enum kernel_event_kind */
	/* ACQUIRE: the packet's selector, the template's outer addresses, reqid */
	struct kernel_sel sel;
	struct kernel_addr src, dst;
	uint8_t proto;
	uint32_t reqid;
	uint32_t policy_index;
	uint32_t seq; /* ACQUIRE sequence, echoed by the kernel's larval state */
	/* EXPIRE: the SA and whether it is gone */
	struct kernel_sa_id sa;
	bool hard;
	uint32_t if_id;
	struct kernel_mark mark;
};

typedef void (*kernel_event_cb)(void *arg, const struct kernel_event *ev);

/* Options at open; zero fields take the defaults noted. */
struct kernel_opts {
	uint32_t reqid_base;	   /* 0 = KERNEL_REQID_BASE */
	uint32_t reqid_count;	   /* 0 = KERNEL_REQID_COUNT */
	uint32_t spi_min, spi_max; /* ALLOCSPI range; 0 = 0xc0000000..0xcfffffff */
	bool keep_stale;	   /* do not delete our own state left by a previous run */
};

struct kernel;

/* ---- Handle ----------------------------------------------------------- */

/*
 * Opens a handle on one implementation. For XFRM it opens the netlink
 * socket and, unless opts->keep_stale, deletes state in its reqid range left
 * by a previous run. opts may be NULL.
 */
int kernel_open(enum kernel_impl impl, const struct kernel_opts *opts, struct kernel **out);
/* Closes the handle; installed state stays (use kernel_flush_own() first). */
void kernel_close(struct kernel *k);
/* The last failure on this handle (err 0 if the last call succeeded). */
const struct kernel_err *kernel_last_error(const struct kernel *k);
/* Formats the last error as one line: "what: strerror (extack)". */
const char *kernel_strerror(const struct kernel *k, char *buf, size_t len);

/* Hands out the next reqid of the handle's range (wraps); never 0. */
uint32_t kernel_reqid_alloc(struct kernel *k);
/* True if reqid lies in this handle's range. */
bool kernel_reqid_owned(const struct kernel *k, uint32_t reqid);

/* ---- SAs -------------------------------------------------------------- */

/*
 * Reserves an inbound SPI (XFRM_MSG_ALLOCSPI): uses sa->src, dst, proto,
 * reqid, mark and if_id, and writes the SPI into sa->spi. The kernel holds a
 * larval state until kernel_sa_update() completes it.
 */
int kernel_spi_alloc(struct kernel *k, struct kernel_sa *sa);
/* Installs a new SA (XFRM_MSG_NEWSA): outbound SAs. */
int kernel_sa_add(struct kernel *k, const struct kernel_sa *sa);
/*
 * Completes an SA whose SPI came from kernel_spi_alloc() (XFRM_MSG_UPDSA),
 * falling back to XFRM_MSG_NEWSA when the larval state has expired.
 */
int kernel_sa_update(struct kernel *k, const struct kernel_sa *sa);
/* Deletes an SA. -ESRCH if there is none. */
int kernel_sa_del(struct kernel *k, const struct kernel_sa_id *id);
/* Reads an SA's counters and lifetimes (XFRM_MSG_GETSA). Never batched. */
int kernel_sa_counters(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st);
/* Fills id from an SA. */
void kernel_sa_id_of(const struct kernel_sa *sa, struct kernel_sa_id *id);
/* Wipes the key material in sa (OPENSSL_cleanse). */
void kernel_sa_wipe(struct kernel_sa *sa);

/* ---- Policies --------------------------------------------------------- */

/* Installs a policy (XFRM_MSG_NEWPOLICY); -EEXIST if the same one exists. */
int kernel_policy_add(struct kernel *k, const struct kernel_policy *pol);
/* Installs or replaces a policy (XFRM_MSG_UPDPOLICY). */
int kernel_policy_update(struct kernel *k, const struct kernel_policy *pol);
/* Deletes a policy. -ENOENT if there is none. */
int kernel_policy_del(struct kernel *k, const struct kernel_policy_id *id);
/* Fills id from a policy. */
void kernel_policy_id_of(const struct kernel_policy *pol, struct kernel_policy_id *id);
/*
 * Priority derived from selector specificity: longer prefixes, a protocol
 * and ports make a smaller number (= preferred by the kernel). Base 0x10000
 * keeps room above and below for manual policies.
 */
uint32_t kernel_policy_priority(const struct kernel_sel *sel);

/* ---- Child SAs -------------------------------------------------------- */

/*
 * A child SA as negotiated: its outbound and inbound SAs, and the policies
 * derived from them: out (sel), in and, in tunnel mode unless no_fwd, fwd
 * (sel reversed), each with a template of its SA's proto, mode, reqid and,
 * in tunnel mode, outer addresses, and the SA's if_id and mark.
 */
struct kernel_child {
	struct kernel_sa out, in;
	bool in_allocated;     /* in.spi came from kernel_spi_alloc(): complete it (UPDSA) */
	struct kernel_sel sel; /* local -> remote traffic; all zero = the two outer hosts */
	uint32_t priority;     /* 0 = kernel_policy_priority(&sel) */
	bool no_fwd;	       /* no fwd policy (a host, not a gateway) */
	bool sas_only;	       /* a rekey: new SAs under the policies already there */
};

/*
 * Installs a child: inbound SA, outbound SA, then the in, fwd and out
 * policies, so that nothing is sent before the inbound side exists. A
 * policy with the same selector that is already there (ours or another
 * daemon's) is not replaced: the install fails with -EEXIST. Outside an open batch it runs as one
 * batch, and if any part fails the parts that were installed are removed again; inside a batch the
 * parts are queued like any other operation.
 */
int kernel_child_install(struct kernel *k, const struct kernel_child *c);
/*
 * Removes a child: its policies (unless sas_only) and then its SAs. Parts
 * already gone are no error. Returns the first other error.
 */
int kernel_child_remove(struct kernel *k, const struct kernel_child *c, bool sas_only);

/* ---- Ownership -------------------------------------------------------- */

/* Deletes every SA and policy whose reqid lies in this handle's range. */
int kernel_flush_own(struct kernel *k);

/* ---- Sockets ---------------------------------------------------------- */

/* Makes fd (an IKE socket of family AF_INET/AF_INET6) bypass IPsec both ways. */
int kernel_bypass_socket(struct kernel *k, int fd, int family);

/* ---- Events ----------------------------------------------------------- */

/*
 * The file descriptor to poll for ACQUIRE and EXPIRE events (subscribes on
 * the first call); -errno on failure. Owned by the handle.
 */
int kernel_events_fd(struct kernel *k);
/*
 * Reads the pending events without blocking and hands each to cb. Returns
 * the number of events delivered (0 if none) or -errno. Malformed messages
 * are skipped and counted in kernel_events_dropped(). Reads a bounded
 * number of messages per call: poll again while the fd is readable.
 */
int kernel_events_read(struct kernel *k, kernel_event_cb cb, void *arg);
/* Number of event messages skipped as malformed or unknown. */
unsigned long kernel_events_dropped(const struct kernel *k);

/* ---- Global counters -------------------------------------------------- */

/* Reads /proc/net/xfrm_stat (the fake returns what the test set). */
int kernel_xfrm_stat(struct kernel *k, struct kernel_xfrm_stat *st);
/* The value of one counter by name ("XfrmInNoStates"), or -ENOENT. */
int kernel_xfrm_stat_get(const struct kernel_xfrm_stat *st, const char *name, uint64_t *value);

/* ---- Policy lookup tuning --------------------------------------------- */

/*
 * Prefix lengths from which the kernel hashes policies by address
 * (XFRM_MSG_NEWSPDINFO, as `ip xfrm policy set hthresh4 L R`). Policies with
 * shorter prefixes go to the kernel's slower inexact tree: with thousands of
 * /24 children, thresholds of 24 make installing them about ten times
 * faster. Applies to the whole network namespace, changes no lookup result.
 */
struct kernel_hthresh {
	bool v4, v6;		    /* which families to set */
	uint8_t v4_lbits, v4_rbits; /* 0..32 */
	uint8_t v6_lbits, v6_rbits; /* 0..128 */
};
int kernel_spd_hthresh(struct kernel *k, const struct kernel_hthresh *h);

/* ---- Route-based VPN interfaces -------------------------------------- */

enum kernel_iface_kind {
	KERNEL_IFACE_AUTO = 0,
	KERNEL_IFACE_XFRM,
	KERNEL_IFACE_VTI,
	KERNEL_IFACE_GRE, /* plain GRE (gre/ip6gre) between local and remote; if_id = key, 0 none */
};

/*
 * A virtual interface for route-based VPN. XFRM interfaces match SAs and
 * policies by if_id; VTI matches them by mark (key = if_id, mask ~0), and
 * needs local/remote outer addresses. kind AUTO tries an XFRM interface and
 * falls back to VTI; on success kind says which was made.
 */
struct kernel_iface {
	char name[KERNEL_IFNAME_MAX];
	uint8_t kind;			  /* enum kernel_iface_kind */
	uint32_t if_id;			  /* XFRM if_id, or VTI ikey/okey */
	char link[KERNEL_IFNAME_MAX];	  /* underlying device, "" = none */
	struct kernel_addr local, remote; /* VTI only */
	int ifindex;			  /* out */
};

/*
 * Creates the interface; -EOPNOTSUPP with a clear message when the kernel
 * supports neither kind (or not the one asked for).
 */
int kernel_iface_create(struct kernel *k, struct kernel_iface *ifc);
/* Deletes an interface by name. */
int kernel_iface_delete(struct kernel *k, const char *name);
/* Sets an interface up or down. */
int kernel_iface_up(struct kernel *k, const char *name, bool up);

/* ---- Batching --------------------------------------------------------- */

/*
 * Between begin and commit, SA and policy add/update/del calls are queued
 * and return 0 at once; commit sends them in as few netlink writes as fit
 * and collects every answer. ALLOCSPI, counters, events and interfaces are
 * never queued. An UPDSA that finds no larval state is retried as NEWSA.
 */
int kernel_batch_begin(struct kernel *k);
/*
 * Sends the queued operations. Returns 0 if all succeeded, else the first
 * -errno (with kernel_last_error() about it) and calls on_err (may be NULL)
 * once per failed operation, with its position in the batch.
 */
typedef void (*kernel_batch_err_cb)(void *arg, unsigned index, const struct kernel_err *e);
int kernel_batch_commit(struct kernel *k, kernel_batch_err_cb on_err, void *arg);
/* True between begin and commit. */
bool kernel_batch_active(const struct kernel *k);
/* The index in the open batch (as on_err gets it) of the next operation
 * queued: a caller notes it to know which of its operations failed. */
unsigned kernel_batch_pos(const struct kernel *k);

/* ---- Algorithm table -------------------------------------------------- */

/* What the kernel calls an algorithm and how it is used. */
struct kernel_alg {
	uint8_t type;	   /* 1 = encryption, 3 = integrity (IKEv2 transform types) */
	uint16_t id;	   /* IKEv2 transform ID */
	uint16_t keybits;  /* Key Length attribute, 0 = any/none */
	bool aead;	   /* XFRMA_ALG_AEAD */
	const char *kname; /* kernel name: "rfc4106(gcm(aes))" */
	uint16_t key_len;  /* key bytes (AEAD: including the 4-byte salt) */
	uint16_t icv_bits; /* AEAD ICV or integrity truncation */
};

/* Looks up an algorithm; NULL if the kernel seam does not know it. */
const struct kernel_alg *kernel_alg_find(uint8_t type, uint16_t id, uint16_t keybits);

#endif
