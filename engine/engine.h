/*
 * engine.h - the ikesh engine's one public header.
 *
 * The shell and the commands reach the engine only through this file.
 * Requests and replies are plain structs so that the same calls can be
 * served in-process (the embedded engine) or over a control socket.
 *
 * Conventions:
 *  - Actions return 0 or -errno; predicates return bool.
 *  - A zeroed configuration struct means "every setting at its default":
 *    a `no` command clears the field to zero.  Defaults are resolved by
 *    the engine (eng_ikev2_effective() and friends), never stored.
 *  - Strings owned by a configuration struct are heap strings; release a
 *    struct filled by eng_obj_get() with eng_obj_clear().
 *  - Errors meant for a person are collected in a struct eng_diag, one
 *    line each, already worded ("tunnel HQ: ike-policy 7 does not exist").
 */
#ifndef IKESH_ENGINE_H
#define IKESH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ENG_NAME_MAX	   64  /* tunnel and ipsec-policy names, with the NUL */
#define ENG_HOSTNAME_MAX   64  /* with the NUL */
#define ENG_IFNAME_MAX	   16  /* IFNAMSIZ */
#define ENG_LIST_MAX	   12  /* algorithm and group lists */
#define ENG_PEER_ADDRS_MAX 8   /* remote-address entries per tunnel */
#define ENG_SUBNETS_MAX	   4   /* local-subnet / remote-subnet entries */
#define ENG_DESC_MAX	   240 /* description length, without the NUL */
#define ENG_SECRET_MAX	   256 /* pre-shared key / password length */
#define ENG_ID_MAX	   255 /* local-id / remote-id value length */
#define ENG_DNSNAME_MAX	   253 /* remote-address host name length (RFC 1035) */
#define ENG_ROLLBACK_MAX   49  /* rollback 0..49 */

/* ---- Algorithm vocabulary ------------------------------------------ */

enum eng_encr {
	ENG_ENCR_NONE = 0,
	ENG_ENCR_AES128,
	ENG_ENCR_AES192,
	ENG_ENCR_AES256,
	ENG_ENCR_AES128_GCM,
	ENG_ENCR_AES256_GCM,
	ENG_ENCR_CHACHA20_POLY1305,
	ENG_ENCR_3DES,
	ENG_ENCR_DES,
	ENG_ENCR_NULL,
	ENG_ENCR_COUNT
};

enum eng_hash {
	ENG_HASH_NONE = 0,
	ENG_HASH_MD5,
	ENG_HASH_SHA1,
	ENG_HASH_SHA256,
	ENG_HASH_SHA384,
	ENG_HASH_SHA512,
	ENG_HASH_COUNT
};

/* Keyword <-> value tables shared by the grammar, show and debug output. */
const char *eng_encr_name(enum eng_encr e);
const char *eng_hash_name(enum eng_hash h);
int eng_encr_parse(const char *word); /* enum value or -EINVAL */
int eng_hash_parse(const char *word);
bool eng_encr_is_aead(enum eng_encr e);
bool eng_group_valid(unsigned group); /* 1 2 5 14 15 16 19 20 21 31 */

/* ---- Addresses ------------------------------------------------------ */

struct eng_addr {
	uint8_t family; /* 0 = unset, AF_INET, AF_INET6 */
	uint8_t bytes[16];
};

struct eng_prefix {
	struct eng_addr addr;
	uint8_t len;
};

int eng_addr_parse(const char *s, struct eng_addr *out);     /* -EINVAL */
int eng_prefix_parse(const char *s, struct eng_prefix *out); /* host bits must be 0 */
/* Formats into buf (at least 64 bytes); returns buf. */
char *eng_addr_str(const struct eng_addr *a, char *buf, size_t len);
char *eng_prefix_str(const struct eng_prefix *p, char *buf, size_t len);
bool eng_addr_equal(const struct eng_addr *a, const struct eng_addr *b);

/* ---- Configuration objects ----------------------------------------- */

enum eng_kind {
	ENG_OBJ_GLOBAL = 0, /* the single global object (hostname) */
	ENG_OBJ_IKEV1,	    /* crypto ikev1 policy <1-65535> */
	ENG_OBJ_IKEV2,	    /* crypto ikev2 policy <1-65535> */
	ENG_OBJ_IPSEC,	    /* crypto ipsec policy NAME */
	ENG_OBJ_TRUSTPOINT, /* crypto pki trustpoint NAME */
	ENG_OBJ_TUNNEL,	    /* ipsec tunnel NAME */
	ENG_OBJ_KINDS
};

struct eng_global {
	char hostname[ENG_HOSTNAME_MAX]; /* "" = default "ikesh" */
	/* exec-timeout: minutes an interactive session may sit idle at the
	 * prompt before it is logged out; 0 = never.  Unset: the default. */
	bool exec_timeout_set;
	uint16_t exec_timeout;
	/* What unauthenticated peers may cost the IKE responder (README
	 * "Limits under attack"), 0 = the IKE default each:
	 * `crypto ikev2 cookie-challenge N`: COOKIEs asked from N half-open SAs;
	 * `crypto ikev2 limit max-in-negotiation-sa N`: half-open SAs in all;
	 * `crypto ikev2 limit half-open-per-peer N` / `half-open-per-prefix N`:
	 * cookie-proven half-open SAs per address (/32, /128) and per prefix
	 * (/24, /64). */
	uint32_t ike_cookie_challenge;
	uint32_t ike_max_negotiating;
	uint32_t ike_half_open_peer;
	uint32_t ike_half_open_prefix;
};
#define ENG_IKE_LIMIT_MAX 100000 /* the largest value of each of those */

struct eng_ikev2_policy {
	uint16_t id;
	uint8_t n_encr, encr[ENG_LIST_MAX];   /* enum eng_encr; empty = default */
	uint8_t n_integ, integ[ENG_LIST_MAX]; /* enum eng_hash */
	uint8_t n_prf, prf[ENG_LIST_MAX];     /* enum eng_hash */
	uint8_t n_group, group[ENG_LIST_MAX]; /* DH group numbers */
	uint32_t lifetime;		      /* seconds, 0 = default */
};

enum eng_ike_auth { ENG_IKEAUTH_DEFAULT = 0, ENG_IKEAUTH_PSK, ENG_IKEAUTH_RSA_SIG };

struct eng_ikev1_policy {
	uint16_t id;
	uint8_t encr;  /* enum eng_encr, 0 = default */
	uint8_t hash;  /* enum eng_hash, 0 = default */
	uint8_t group; /* 0 = default */
	uint8_t auth;  /* enum eng_ike_auth */
	uint32_t lifetime;
};

enum eng_ipsec_proto { ENG_PROTO_DEFAULT = 0, ENG_PROTO_ESP, ENG_PROTO_AH };
enum eng_ipsec_mode { ENG_MODE_DEFAULT = 0, ENG_MODE_TUNNEL, ENG_MODE_TRANSPORT };

struct eng_ipsec_policy {
	char name[ENG_NAME_MAX];
	uint8_t proto;			      /* enum eng_ipsec_proto */
	uint8_t n_encr, encr[ENG_LIST_MAX];   /* enum eng_encr */
	uint8_t n_integ, integ[ENG_LIST_MAX]; /* enum eng_hash */
	uint8_t mode;			      /* enum eng_ipsec_mode */
	uint8_t pfs_group;		      /* 0 = no PFS */
	uint32_t lifetime_s;		      /* 0 = default */
	uint32_t lifetime_kb;		      /* 0 = no volume limit */
};

enum eng_revcheck { ENG_REVCHECK_NONE = 0, ENG_REVCHECK_CRL };

#define ENG_PATH_MAX 256 /* file names in configuration, with the NUL */

/* A trustpoint's configuration; its certificates and key pair are state,
 * imported with eng_pki_import() / eng_key_generate() (see below). */
struct eng_trustpoint {
	char name[ENG_NAME_MAX];
	char keypair[ENG_NAME_MAX];   /* "" = the key pair labelled like the trustpoint */
	char subject[ENG_ID_MAX + 1]; /* subject-name DN for enroll, "" = none */
	uint8_t revocation;	      /* enum eng_revcheck */
	char crl_file[ENG_PATH_MAX];  /* "" = the imported CRL only */
};

enum eng_ep_kind {
	ENG_EP_NONE = 0,
	ENG_EP_ADDR,  /* literal address */
	ENG_EP_HOST,  /* host name, resolved at every (re)connect */
	ENG_EP_ANY,   /* remote-address any */
	ENG_EP_IFACE, /* local-address interface IFNAME */
};

struct eng_endpoint {
	uint8_t kind; /* enum eng_ep_kind */
	struct eng_addr addr;
	char *name; /* host name or interface name */
};

enum eng_id_kind {
	ENG_ID_DEFAULT = 0, /* the address in use */
	ENG_ID_ANY,	    /* remote-id any */
	ENG_ID_ADDRESS,
	ENG_ID_FQDN,
	ENG_ID_USER_FQDN,
	ENG_ID_DN,
	ENG_ID_KEY_ID,
};

struct eng_ident {
	uint8_t kind; /* enum eng_id_kind */
	struct eng_addr addr;
	char *value;
};

enum eng_auth { ENG_AUTH_NONE = 0, ENG_AUTH_PSK, ENG_AUTH_CERT };
enum eng_negmode { ENG_NEG_DEFAULT = 0, ENG_NEG_MAIN, ENG_NEG_AGGRESSIVE };
enum eng_dpd_action { ENG_DPD_DEFAULT = 0, ENG_DPD_RESTART, ENG_DPD_CLEAR, ENG_DPD_HOLD };
enum eng_start { ENG_START_DEFAULT = 0, ENG_START_AUTO, ENG_START_ON_DEMAND, ENG_START_RESPONDER };
enum eng_natt { ENG_NATT_DEFAULT = 0, ENG_NATT_AUTO, ENG_NATT_FORCE, ENG_NATT_DISABLE };
enum eng_sendcert {
	ENG_SENDCERT_DEFAULT = 0,
	ENG_SENDCERT_ALWAYS,
	ENG_SENDCERT_ON_REQUEST,
	ENG_SENDCERT_NEVER
};

struct eng_tunnel {
	char name[ENG_NAME_MAX];
	char *description;
	bool shutdown;
	uint8_t ike_version;		 /* 0 = default (2), 1, 2 */
	uint16_t ike_policy;		 /* 0 = none */
	char ipsec_policy[ENG_NAME_MAX]; /* "" = none */
	struct eng_endpoint local;	 /* NONE, ADDR or IFACE */
	uint8_t n_remote;
	struct eng_endpoint remote[ENG_PEER_ADDRS_MAX]; /* ADDR, HOST or ANY; tried in order */
	uint8_t auth;					/* enum eng_auth */
	char *psk;					/* secret */
	char *trustpoint;
	struct eng_ident local_id, remote_id;
	uint8_t n_local_subnet, n_remote_subnet;
	struct eng_prefix local_subnet[ENG_SUBNETS_MAX];
	struct eng_prefix remote_subnet[ENG_SUBNETS_MAX];
	uint8_t negotiation_mode; /* enum eng_negmode, IKEv1 only */
	char *xauth_user;
	char *xauth_password; /* secret */
	struct {
		uint32_t interval; /* seconds, 0 = DPD off */
		uint32_t timeout;
		uint8_t action; /* enum eng_dpd_action */
	} dpd;
	uint8_t pfs_group;	/* 0 = as the ipsec-policy says */
	uint32_t sa_lifetime_s; /* 0 = as the ipsec-policy says */
	uint32_t sa_lifetime_kb;
	uint32_t sa_idletime;  /* seconds, 0 = off */
	uint8_t start_mode;    /* enum eng_start */
	bool no_rekey;	       /* `no rekey` */
	uint8_t nat_traversal; /* enum eng_natt */
	bool mobike;
	bool split_connection;
	uint8_t send_cert; /* enum eng_sendcert */
	bool no_certreq;   /* `no send-certreq`: do not ask for the peer's certificate */
	struct {
		struct eng_addr server; /* family 0 = ICMP watchdog off */
		struct eng_addr source;
		uint32_t interval;
		uint8_t timeout; /* <1-60> */
		uint8_t retries;
	} icmp;
	struct {
		char name[ENG_IFNAME_MAX]; /* "" = none */
		uint16_t if_id;
	} xfrm_if;
	/* `fragmentation [mtu N]`: IKE fragmentation (RFC 7383) offered;
	 * messages larger than an IP packet of mtu octets (0: 1280) go in
	 * fragments once the peer offers it too.  IKEv2 only. */
	bool fragmentation;
	uint16_t frag_mtu;
	bool firewall_rule; /* keep rules for it in `table inet ikesh` */
	struct {
		char name[ENG_IFNAME_MAX]; /* "" = no GRE over IPsec */
		uint32_t key;		   /* GRE key; 0 = none */
	} gre;
};
#define ENG_FRAG_MTU_MIN     200 /* below 576 for tests and odd paths */
#define ENG_FRAG_MTU_DEFAULT 1280

/* Defaults, resolved: what the engine will use for a zero field. */
#define ENG_DEFAULT_HOSTNAME	   "ikesh"
#define ENG_DEFAULT_EXEC_TIMEOUT   10 /* minutes */
#define ENG_EXEC_TIMEOUT_MAX	   35791
#define ENG_DEFAULT_IKE_LIFETIME   86400
#define ENG_DEFAULT_IPSEC_LIFETIME 3600
#define ENG_DEFAULT_DPD_ACTION	   ENG_DPD_RESTART

/* A reference to one object of any kind (read-only view). */
struct eng_obj {
	enum eng_kind kind;
	union {
		const struct eng_global *global;
		const struct eng_ikev1_policy *ikev1;
		const struct eng_ikev2_policy *ikev2;
		const struct eng_ipsec_policy *ipsec;
		const struct eng_trustpoint *trustpoint;
		const struct eng_tunnel *tunnel;
		const void *any;
	} u;
};

/* ---- Diagnostics ---------------------------------------------------- */

struct eng_diag {
	size_t n;
	char **lines; /* each one complete sentence, no trailing newline */
};

void eng_diag_addf(struct eng_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void eng_diag_free(struct eng_diag *d);

/* ---- Secrets -------------------------------------------------------- */

/* Zero n bytes at p with a wipe the compiler cannot remove as a dead
 * store.  Every buffer that held a secret goes through it before free. */
void eng_wipe(void *p, size_t n);
/* Wipe a string (strlen bytes) and free it; NULL is ignored. */
void eng_secret_free(char *s);
/* realloc() for a buffer that may hold a secret: a new block of n bytes
 * with the first used bytes of p, the old block (cap bytes) wiped and
 * freed, so no copy is left behind where realloc() would move it.  NULL
 * when out of memory, and p is untouched then. */
void *eng_secret_realloc(void *p, size_t used, size_t cap, size_t n);

/* ---- The grammar, supplied by the program that runs the engine ---- */

/*
 * The command tree is the only parser of configuration text, and it lives
 * outside the engine.  The program that opens the engine hands it the
 * grammar through this codec, which the engine uses to read and write
 * startup-config, the running configuration and history.
 */
enum {
	ENG_TEXT_SECRETS = 1 << 0,
	/* each secret sealed (`key 6 TEXT`): restorable where the config-key
	 * is the same (admins only; masked otherwise) */
	ENG_TEXT_SEALED = 1 << 1,
};

/*
 * Rendering with ENG_TEXT_SEALED, the engine hands the codec a copy of
 * the object whose secret strings are ENG_SEALED_MARK followed by the
 * sealed text, with flags ENG_TEXT_SECRETS | ENG_TEXT_SEALED; the codec
 * writes them as "ENG_SEALED_TYPE TEXT".  (A stored secret never holds a
 * control character, so the mark cannot be one's first byte.)
 */
#define ENG_SEALED_MARK '\x06'
#define ENG_SEALED_TYPE "6"

struct eng_sess;

struct eng_codec {
	/* Canonical text of one object: lines ending in '\n', the object's
	 * block closed by "!\n".  Secrets in clear when flags has
	 * ENG_TEXT_SECRETS, masked otherwise.  malloc'd; NULL on ENOMEM. */
	char *(*render)(const struct eng_obj *obj, unsigned flags);
	/* Run configuration text through the command tree into the
	 * session's candidate.  Errors go to diag as "ORIGIN:LINE: % msg".
	 * Returns 0 or -EINVAL (and then the candidate must be discarded). */
	int (*load)(struct eng_sess *sess, const char *text, size_t len, const char *origin,
		    struct eng_diag *diag);
	/* Copy of canonical text with every secret masked; malloc'd. */
	char *(*mask)(const char *text);
};

/* ---- The engine ----------------------------------------------------- */

struct eng;

/* DEBUG messages (see eng_debug_set) go to opts.log only, never to the log ring. */
enum eng_log_level {
	ENG_LOG_ERR = 3,
	ENG_LOG_WARNING = 4,
	ENG_LOG_NOTICE = 5,
	ENG_LOG_INFO = 6,
	ENG_LOG_DEBUG = 7
};

struct eng_opts {
	const char *state_dir; /* startup-config and commit history */
	const char *run_dir;   /* the running configuration of this boot */
	const struct eng_codec *codec;
	/* Called for every log message (never carries a secret). */
	void (*log)(void *arg, enum eng_log_level level, const char *msg);
	void *log_arg;
	/* NULL: configuration only; see "The IKE runtime" below. */
	const struct eng_runtime_opts *runtime;
	/* Use the engine of ikeshd when its socket is in run_dir (see "The
	 * daemon" below); open one here when there is no socket, and fail
	 * (-ECONNREFUSED) when one is there but nobody answers. */
	bool daemon;
};

/*
 * Open the engine: create the directories, then load the running
 * configuration from run_dir, or startup-config when run_dir has none.
 * A configuration file with errors is reported in diag (with line
 * numbers) and nothing of it is applied; the engine still opens, empty.
 * A pending `commit confirmed` whose time ran out is reverted here.
 */
int eng_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag);
void eng_close(struct eng *eng);

/* Timers (commit confirmed).  Milliseconds until eng_tick() is due, or
 * -1 when nothing is pending. */
int eng_next_timeout_ms(const struct eng *eng);
void eng_tick(struct eng *eng);

/* ---- Sessions ------------------------------------------------------- */

enum eng_role { ENG_ROLE_OPERATOR = 0, ENG_ROLE_ADMIN = 1 };

int eng_sess_open(struct eng *eng, const char *user, enum eng_role role, struct eng_sess **out);
void eng_sess_close(struct eng_sess *sess);
enum eng_role eng_sess_role(const struct eng_sess *sess);
struct eng *eng_sess_engine(const struct eng_sess *sess);

/* ---- Reading and editing configuration ------------------------------ */

enum eng_db { ENG_RUNNING = 0, ENG_CANDIDATE, ENG_STARTUP };

/* `configure terminal`: a private candidate copied from running.  A
 * session that already has one keeps it. -EPERM for operators. */
int eng_cand_begin(struct eng_sess *sess);
bool eng_cand_active(const struct eng_sess *sess);
/* true when the candidate differs from running */
bool eng_cand_dirty(const struct eng_sess *sess);
/* `abort`: drop the candidate. */
void eng_cand_discard(struct eng_sess *sess);
/* `configure exclusive`: a candidate, and configuration locked for every
 * other session (they can neither begin a candidate nor commit: -EBUSY)
 * until this one discards its candidate or ends, whatever the reason.
 * -EBUSY when another session holds the lock. */
int eng_cand_begin_exclusive(struct eng_sess *sess);

/* `show users`: the sessions of the engine, newest first.  free(). */
struct eng_sess_info {
	char user[32];
	enum eng_role role;
	time_t since;
	bool config;	/* has a candidate */
	bool exclusive; /* holds the configuration lock */
	bool self;	/* the asking session */
};
int eng_sess_list(struct eng_sess *sess, struct eng_sess_info **out, size_t *n);
/* `terminal monitor`: whether this session wants the log messages (as
 * IOS's logging monitor: none without it).  The daemon sends a client
 * the lines only with it; in-process the log callback sees them all and
 * the caller filters. */
int eng_sess_monitor(struct eng_sess *sess, bool on);

/*
 * Object access.  key: the policy id in decimal, or the name; ignored for
 * ENG_OBJ_GLOBAL.  `out` points to the struct of that kind; it is filled
 * with a deep copy the caller releases with eng_obj_clear().
 * get: -ENOENT when absent.  put: creates or replaces (field-level checks
 * only: ranges, lengths, list sizes; -EINVAL with the reason in diag).
 * put/del need an active candidate (-ENOTCONN) and an admin (-EPERM).
 * ENG_STARTUP is readable only through eng_config_text().
 */
int eng_obj_get(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		void *out);
int eng_obj_put(struct eng_sess *sess, enum eng_kind kind, const void *obj, struct eng_diag *diag);
int eng_obj_del(struct eng_sess *sess, enum eng_kind kind, const char *key);
void eng_obj_clear(enum eng_kind kind, void *obj);
int eng_obj_copy(enum eng_kind kind, void *dst, const void *src);
bool eng_obj_equal(enum eng_kind kind, const void *a, const void *b);

/*
 * Batched edits, for a script or a paste: between eng_batch_begin() and
 * eng_batch_end() the engine may hold eng_obj_put()/eng_obj_del() of the
 * candidate back and apply them later, together (ikeshd's engine does:
 * one request for many edits, not one per line).  Each edit is checked
 * when it is made, with the same field-level checks and errors as
 * without a batch; eng_obj_get() of the candidate sees the held edits,
 * and every other call applies them first.  eng_batch_tag() names the
 * edits that follow (the script's line number): when one is refused
 * as it is applied (out of memory, the daemon lost), that call fails,
 * nothing after it is applied, and eng_batch_end() returns its error,
 * its tag in *tag and the reason in diag.  Commit stays all or nothing:
 * a batch only changes when edits reach the candidate.  In-process
 * engines apply edits at once and these calls only return 0.
 */
int eng_batch_begin(struct eng_sess *sess);
void eng_batch_tag(struct eng_sess *sess, unsigned tag);
int eng_batch_end(struct eng_sess *sess, struct eng_diag *diag, unsigned *tag);

/* Keys of every object of a kind, in canonical order (for completion and
 * show).  Release with eng_keys_free(). */
struct eng_keys {
	size_t n;
	char **keys;
};
int eng_keys(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, struct eng_keys *out);
void eng_keys_free(struct eng_keys *k);

/* The canonical text of a whole configuration, objects in fixed order
 * (global, ikev1, ikev2, ipsec policies, trustpoints, tunnels), `!`
 * between objects.
 * flags: ENG_TEXT_SECRETS (admins only; masked otherwise).  malloc'd. */
int eng_config_text(struct eng_sess *sess, enum eng_db db, unsigned flags, char **out);
/* Canonical text of one object. */
int eng_obj_text(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		 unsigned flags, char **out);

/*
 * Sealed secrets.  eng_secret_unseal: the secret a sealed text (as
 * ENG_TEXT_SEALED printed it, without the type) stands for, malloc'd
 * (release with eng_secret_free); -EBADMSG when it does not open under
 * this engine's config-key; admins only.  eng_config_key_set (`key
 * config-key password-encrypt`): the config-key derived from a
 * passphrase of ENG_CONFIG_KEY_MIN..ENG_SECRET_MAX characters, so that
 * engines given the same passphrase open each other's sealed texts.
 * Until one is set the engine makes a random key at the first need.  The
 * key itself never leaves the engine.
 */
#define ENG_CONFIG_KEY_MIN 8
int eng_secret_unseal(struct eng_sess *sess, const char *sealed, char **out);
int eng_config_key_set(struct eng_sess *sess, const char *passphrase);

/* `show configuration changes`: candidate against running as +/- lines in
 * context; "" when nothing changed.  Secrets masked. */
int eng_config_changes(struct eng_sess *sess, char **out);

/*
 * What committing the candidate would do to each tunnel's SAs (`commit
 * check`, `show configuration changes`): the tunnels whose effective
 * settings differ between running and the candidate (their policies
 * included), in canonical order.  RENEGOTIATED: a new IKE SA and new
 * CHILD_SAs, why naming the settings that force it; KEPT: the SAs stay,
 * why naming what changed without touching them; CREATED / TORN_DOWN: a
 * tunnel added or un-shut / removed or shut.  unchanged: how many other
 * tunnels keep their SAs untouched.  Release *out with free().
 */
enum eng_sa_impact {
	ENG_IMPACT_KEPT = 0,
	ENG_IMPACT_RENEGOTIATED,
	ENG_IMPACT_CREATED,
	ENG_IMPACT_TORN_DOWN
};
const char *eng_sa_impact_name(enum eng_sa_impact i);

struct eng_tunnel_impact {
	char name[ENG_NAME_MAX];
	uint8_t impact; /* enum eng_sa_impact */
	char why[192];
};
int eng_commit_impact(struct eng_sess *sess, struct eng_tunnel_impact **out, size_t *n,
		      size_t *unchanged);

/* ---- Commit, history, rollback, startup ----------------------------- */

struct eng_commit_req {
	const char *comment;	  /* NULL or a line */
	unsigned confirm_minutes; /* commit confirmed MINUTES; 0 = plain commit */
	bool check_only;	  /* commit check */
};

/*
 * Validate the whole candidate (every violation listed in diag, one per
 * line, naming its object) and, unless check_only, apply it all or
 * nothing: running becomes the candidate, recorded durably (history in
 * state_dir, running configuration in run_dir) before this returns.
 * A commit while a confirmed commit is pending confirms it.
 * Returns 0 (id set; 0 when nothing changed), -EINVAL (diag says why),
 * -ENOTCONN (no candidate), -EPERM, or an I/O -errno.
 */
int eng_commit(struct eng_sess *sess, const struct eng_commit_req *req, struct eng_diag *diag,
	       uint32_t *id);
/* `commit confirm` / `confirm`: keep the pending confirmed commit. -ENOENT if none. */
int eng_confirm(struct eng_sess *sess);
/* Seconds left of a pending confirmed commit, or -1. */
long eng_confirm_pending(const struct eng *eng);

struct eng_commit_info {
	uint32_t id;
	char user[32];
	time_t when;
	char comment[128];
	bool confirmed_pending;
};

/* Newest first; at most ENG_ROLLBACK_MAX + 1 entries.  Release with free(). */
int eng_commit_list(struct eng_sess *sess, struct eng_commit_info **out, size_t *n);
/* What commit ID changed, as +/- lines (secrets masked).  -ENOENT. */
int eng_commit_changes(struct eng_sess *sess, uint32_t id, char **out);
/* `rollback N`: load the configuration as it was N commits ago into the
 * candidate (0 = running).  -ERANGE when history is shorter. */
int eng_rollback(struct eng_sess *sess, unsigned n, struct eng_diag *diag);

/* `write memory`: running -> startup-config, atomically. */
int eng_startup_save(struct eng_sess *sess, struct eng_diag *diag);

/* Recent log messages, oldest first ("TIME LEVEL message" lines). */
int eng_log_text(struct eng *eng, char **out);

/* ---- Effective settings: defaults resolved (for the IKE layer) ------- */

/*
 * The defaults a zero field stands for:
 *
 *  IKEv2 policy (absent policy = all defaults):
 *    encryption aes256; integrity sha256 (none when every cipher is
 *    AEAD); prf: the integrity algorithms, or sha256 when there are none;
 *    group 19 14; lifetime ENG_DEFAULT_IKE_LIFETIME.
 *  IKEv1 policy: encryption aes256, hash sha256, group 14, authentication
 *    pre-share, lifetime ENG_DEFAULT_IKE_LIFETIME.
 *  IPsec policy: protocol esp, mode tunnel; ESP encryption aes256-gcm
 *    (no integrity) when neither is set, aes256 (CBC) when only integrity
 *    is set; AH integrity sha256; no PFS; lifetime
 *    ENG_DEFAULT_IPSEC_LIFETIME seconds, no volume limit.
 *  Tunnel: ike-version 2; DPD action ENG_DEFAULT_DPD_ACTION (when DPD is
 *    on); start-mode auto; nat-traversal auto; send-cert on-request;
 *    pfs group and SA lifetimes from the ipsec-policy when the tunnel
 *    does not set them.
 */
void eng_ikev2_effective(const struct eng_ikev2_policy *p, struct eng_ikev2_policy *out);
void eng_ikev1_effective(const struct eng_ikev1_policy *p, struct eng_ikev1_policy *out);
void eng_ipsec_effective(const struct eng_ipsec_policy *p, struct eng_ipsec_policy *out);
/*
 * A tunnel of `db` with every default resolved, deep-copied into *out
 * (release with eng_obj_clear), and its resolved policies in ike2/ike1
 * (the one of its ike-version is filled, the other zeroed) and ipsec.
 * Any of ike2, ike1, ipsec may be NULL.  -ENOENT when absent.
 */
int eng_tunnel_effective(struct eng_sess *sess, enum eng_db db, const char *name,
			 struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
			 struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec);
/* The running hostname, ENG_DEFAULT_HOSTNAME when unset. */
void eng_global_hostname(struct eng *eng, char buf[ENG_HOSTNAME_MAX]);

/* ---- The IKE runtime: tunnels that negotiate ---------------------------- */

/*
 * With eng_opts.runtime set, the engine negotiates: every committed tunnel
 * is handed to the IKE layer, CHILD_SAs go to the kernel through the seam,
 * and the IKE sockets and kernel events join the engine's event loop.
 * Without it the engine is a configuration store only (tests, tools).
 */
enum eng_kernel { ENG_KERNEL_XFRM = 0, ENG_KERNEL_FAKE };

struct eng_runtime_opts {
	enum eng_kernel kernel;
	uint16_t ike_port;	   /* 0 = 500 */
	uint16_t natt_port;	   /* 0 = 4500 */
	uint16_t peer_port;	   /* port of peers, 0 = 500 (tests run two engines) */
	uint16_t peer_natt_port;   /* NAT-T port of peers, 0 = 4500 */
	struct eng_addr bind;	   /* family 0 = every address */
	uint32_t retransmit_ms;	   /* first retransmission, 0 = the IKE default (4 s) */
	unsigned retransmit_tries; /* 0 = the IKE default (5) */
};

/* Descriptors the caller polls for input; eng_tick() when one is readable
 * or eng_next_timeout_ms() has passed.  Returns how many were written. */
size_t eng_poll_fds(const struct eng *eng, int *fds, size_t max);

enum eng_tun_state {
	ENG_TUN_DOWN = 0,    /* not negotiating; reason says why when it failed */
	ENG_TUN_SHUTDOWN,    /* `shutdown` */
	ENG_TUN_IDLE,	     /* responder-only or on-demand, waiting for the peer/traffic */
	ENG_TUN_CONNECTING,  /* IKE under way */
	ENG_TUN_UP,	     /* IKE SA and CHILD_SA(s) established */
	ENG_TUN_IKE_NO_CHILD /* IKE SA up, CHILD_SA refused */
};
const char *eng_tun_state_name(enum eng_tun_state st);

struct eng_sa_count {
	uint64_t bytes, packets;
	uint64_t replay_errors, integrity_errors;
};

struct eng_child_status {
	uint32_t spi_in, spi_out;
	uint8_t proto;	     /* enum eng_ipsec_proto */
	uint8_t mode;	     /* enum eng_ipsec_mode */
	uint8_t encr, integ; /* enum eng_encr / eng_hash (integ NONE with AEAD) */
	uint8_t pfs_group;
	struct eng_prefix local_ts, remote_ts;
	struct eng_sa_count in, out;
	time_t established;
	uint32_t lifetime_s;  /* hard lifetime */
	uint64_t lifetime_kb; /* volume limit, 0 = none */
};

#define ENG_STATUS_CHILDREN 8

/* One IKE SA of a tunnel (there are two during an IKE rekey, or after both
 * ends initiated at once, until one goes). */
enum eng_ike_sa_state {
	ENG_IKE_SA_NEGOTIATING = 0, /* `IN-NEG` */
	ENG_IKE_SA_READY,	    /* `READY` */
	ENG_IKE_SA_DELETING,	    /* `DELETE`: our Delete is in flight */
};
#define ENG_STATUS_IKE_SAS 4

struct eng_ike_sa_status {
	uint8_t state; /* enum eng_ike_sa_state */
	bool current;  /* the tunnel's (the one the fields above describe) */
	bool initiator, nat_local, nat_remote;
	struct eng_addr local, remote;
	uint16_t local_port, remote_port;
	uint8_t spi_i[8], spi_r[8];
	uint8_t ike_encr, ike_integ, ike_prf; /* enum eng_encr / eng_hash */
	uint16_t ike_group;
	time_t created;
};

struct eng_tunnel_status {
	char name[ENG_NAME_MAX];
	uint32_t tunnel_id; /* stable small number, for `Tunnel-id` columns */
	enum eng_tun_state state;
	char reason[256]; /* why it is not up ("" when it is or never tried) */
	time_t reason_at;
	/* the IKE SA, when there is one */
	bool ike_up, initiator, nat_local, nat_remote;
	struct eng_addr local, remote;
	uint16_t local_port, remote_port;
	uint8_t spi_i[8], spi_r[8];
	uint8_t ike_encr, ike_integ, ike_prf; /* enum eng_encr / eng_hash */
	uint16_t ike_group;
	uint32_t ike_lifetime;
	time_t ike_established;
	uint32_t dpd_interval, dpd_timeout;
	char auth_sign[8], auth_verify[8]; /* "PSK", "RSA", "ECDSA", "EdDSA"; "": PSK */
	/* the CHILD_SAs */
	size_t n_child;
	struct eng_child_status child[ENG_STATUS_CHILDREN];
	/* cumulative over every CHILD_SA this tunnel had since commit */
	struct eng_sa_count total_in, total_out;
	/* configured settings this engine does not act on yet, "" if none
	 * ("mobike, icmp-detect") */
	char not_in_effect[128];
	/* every IKE SA of the tunnel, the current one first; n_ike_sa may be
	 * more than fit (ENG_STATUS_IKE_SAS) */
	size_t n_ike_sa;
	struct eng_ike_sa_status ike_sa[ENG_STATUS_IKE_SAS];
	/* firewall-rule: its rules as installed in `table inet ikesh`, one
	 * per line, or why they are not ("" = no firewall-rule) */
	bool fw_installed;
	char firewall[1536];
	/* icmp-detect: the watchdog's state and counters (state 0 = off) */
	struct {
		uint8_t state;	/* enum eng_icmp_state */
		uint8_t misses; /* consecutive pings unanswered now */
		uint64_t sent, answered, lost, restarts;
		char last[224]; /* the last restart, as the log said it ("" = none) */
	} icmp;
};

enum eng_icmp_state {
	ENG_ICMP_OFF = 0,
	ENG_ICMP_IDLE,	  /* the tunnel is not up: nothing sent */
	ENG_ICMP_OK,	  /* the last ping was answered (or none due yet) */
	ENG_ICMP_MISSING, /* pings going unanswered */
};

/* Status of one tunnel (name) or of every committed tunnel (name NULL),
 * in canonical order.  Release with free().  -ENOENT for an unknown name. */
int eng_tunnel_status(struct eng_sess *sess, const char *name, struct eng_tunnel_status **out,
		      size_t *n);

struct eng_ike_stats {
	uint64_t rx, tx, dropped, retransmits, resp_from_cache;
	uint64_t cookies_sent, invalid_ke_sent, auth_failed;
	/* error notifies sent: refusals of IKE or CHILD SAs, malformed requests */
	uint64_t no_proposal_sent, ts_unacceptable_sent, invalid_syntax_sent, other_error_sent;
	uint64_t ike_established, ike_rekeyed, child_installed, child_rekeyed;
	unsigned ike_active, ike_negotiating; /* negotiating includes the half-open SAs */
	unsigned ike_half_open;		      /* answered as responder, no IKE_AUTH yet */
	/* requests that echoed a COOKIE; refused by each limit on unauthenticated peers */
	uint64_t cookies_accepted, refused_per_peer, refused_per_prefix, refused_half_open_max;
	uint64_t refused_too_long, replies_rate_limited, half_open_evicted;
};
int eng_ike_stats(struct eng_sess *sess, struct eng_ike_stats *out);

/* clear crypto ...: tear SAs down (auto tunnels come back by themselves).
 * tunnel NULL = all.  -EPERM for operators, -ENOENT for an unknown name. */
int eng_clear_ike_sa(struct eng_sess *sess, const char *tunnel);
int eng_clear_child_sa(struct eng_sess *sess, const char *tunnel);
int eng_clear_counters(struct eng_sess *sess);
/* clear crypto ikev2 sa peer ADDR / clear crypto session remote ADDR:
 * the tunnels whose current peer is addr.  -ENOENT when none. */
int eng_clear_peer(struct eng_sess *sess, const struct eng_addr *addr);

/* debug ...: what the engine explains, as ENG_LOG_DEBUG messages to
 * opts.log (the shell shows them to sessions with terminal monitor).
 * Engine-wide, as on IOS; never a key or secret. */
enum {
	ENG_DEBUG_IKE_ERROR = 1 << 0,  /* debug crypto ikev2 error: messages dropped and why */
	ENG_DEBUG_IKE_PACKET = 1 << 1, /* debug crypto ikev2 packet: each message in and out */
	ENG_DEBUG_IKE_DETAIL = 1 << 2, /* debug crypto ikev2 detail: the runtime's decisions */
	ENG_DEBUG_IPSEC = 1 << 3,      /* debug crypto ipsec: CHILD_SAs installed and removed */
	ENG_DEBUG_XFRM = 1 << 4,       /* debug kernel xfrm: each kernel operation */
	ENG_DEBUG_PKI = 1 << 5,	       /* debug crypto pki: chain building and verification */
	ENG_DEBUG_ALL = (1 << 6) - 1
};
/* Turn flags on (on) or off; -EPERM for operators. */
int eng_debug_set(struct eng_sess *sess, unsigned flags, bool on);
unsigned eng_debug_get(const struct eng *eng);

/* ---- Key pairs and certificates (crypto key, crypto pki) ------------- */

/*
 * Key pairs and the certificates of trustpoints are state, not
 * configuration: they live in state_dir/pki (engine/pki/pki.h says how),
 * survive restarts, and are not part of any commit or rollback.  Private
 * keys never leave the engine: no call returns one.  The calls that
 * change them are refused to operators (-EPERM).
 */
enum eng_key_type {
	ENG_KEY_NONE = 0,
	ENG_KEY_RSA,
	ENG_KEY_ECDSA_P256,
	ENG_KEY_ECDSA_P384,
	ENG_KEY_ED25519,
};

struct eng_key_info {
	char label[ENG_NAME_MAX];
	uint8_t type; /* enum eng_key_type */
	uint16_t bits;
	char fingerprint[96]; /* SHA-256 of the SubjectPublicKeyInfo, hex pairs */
	char pubkey[1600];    /* the public key in PEM (RSA up to 8192 bits) */
};

enum eng_cert_role { ENG_CERT_CA = 0, ENG_CERT_OWN };
enum eng_cert_state {
	ENG_CERT_VALID = 0,
	ENG_CERT_EXPIRED,
	ENG_CERT_NOT_YET_VALID,
	ENG_CERT_REVOKED,
};

struct eng_cert_info {
	char trustpoint[ENG_NAME_MAX];
	uint8_t role;  /* enum eng_cert_role */
	uint8_t state; /* enum eng_cert_state */
	char subject[256], issuer[256];
	char serial[72];
	int64_t not_before, not_after; /* seconds since the epoch */
	char key[32];		       /* "RSA 2048", "ECDSA P-256", "Ed25519" */
	char san[256];		       /* "DNS:gw.example.com, IP:192.0.2.1" */
	char usage[128];	       /* key usage, extended key usage, "CA" */
	char fingerprint[100];	       /* SHA-256, hex pairs with ':' */
};

struct eng_tp_info {
	char name[ENG_NAME_MAX];
	char keypair[ENG_NAME_MAX]; /* the label in effect */
	bool key, cert, crl;	    /* present */
	uint8_t n_ca;
	uint8_t revocation; /* enum eng_revcheck, as committed */
	bool configured;    /* in the running configuration */
};

/* crypto key generate: bits for RSA only (0 = 2048). -EEXIST when taken. */
int eng_key_generate(struct eng_sess *sess, const char *label, enum eng_key_type type,
		     unsigned bits, struct eng_diag *diag);
/* crypto key import: a private key in PEM, passphrase NULL when clear. */
int eng_key_import(struct eng_sess *sess, const char *label, const char *pem, size_t len,
		   const char *passphrase, struct eng_diag *diag);
int eng_key_zeroize(struct eng_sess *sess, const char *label); /* -ENOENT */
/* show crypto key mypubkey: every key pair, public parts.  free(). */
int eng_key_list(struct eng_sess *sess, struct eng_key_info **out, size_t *n);

enum eng_pki_what {
	ENG_PKI_CA = 0, /* crypto pki authenticate: the CA certificates (PEM) */
	ENG_PKI_CERT,	/* crypto pki import NAME certificate (PEM) */
	ENG_PKI_PKCS12, /* crypto pki import NAME pkcs12 (DER) */
	ENG_PKI_CRL,	/* crypto pki import NAME crl (PEM or DER) */
};
/* Imports into a trustpoint of the running configuration (-ENOENT with
 * diag when it is not there).  password: PKCS#12 only, may be NULL. */
int eng_pki_import(struct eng_sess *sess, const char *trustpoint, enum eng_pki_what what,
		   const void *data, size_t len, const char *password, struct eng_diag *diag);
/* crypto pki enroll: a PKCS#10 request in PEM; malloc'd. */
int eng_pki_enroll(struct eng_sess *sess, const char *trustpoint, char **pem,
		   struct eng_diag *diag);
/* show crypto pki certificates [NAME] (NULL = every trustpoint).  free(). */
int eng_pki_certs(struct eng_sess *sess, const char *trustpoint, struct eng_cert_info **out,
		  size_t *n);
/* show crypto pki trustpoints: configured ones and those with material.  free(). */
int eng_pki_trustpoints(struct eng_sess *sess, struct eng_tp_info **out, size_t *n);

/* ---- The daemon: the engine served over a socket ----------------------- */

/*
 * ikeshd listens on ENG_CTL_SOCKET in its run_dir.  A program that opens
 * the engine with eng_opts.daemon gets, when the daemon is there, an
 * engine whose sessions forward every call of this header to it (one
 * session per engine; the daemon decides the session's user and role, so
 * eng_sess_open's are ignored).  Timers and the IKE runtime then run in
 * the daemon; eng_poll_fds() gives the socket, and eng_tick() reads the
 * log lines the daemon streams.  A lost daemon is reported through the
 * log callback and the next call reconnects.
 */
#define ENG_CTL_SOCKET "ikeshd.sock"

bool eng_is_remote(const struct eng *eng);

/*
 * The daemon's side: one connection.  eng_ctl_new opens a session for
 * the user and role the daemon found (never what the client says).
 * eng_ctl_input takes bytes read from the socket (as many as
 * eng_ctl_want allows; data may be NULL to serve what is buffered) and
 * answers whole requests; a negative return means: send what is pending
 * and close.  eng_ctl_pending/eng_ctl_sent drain the output.
 * eng_ctl_log queues a log line for that connection (dropped when the
 * client does not read).
 */
struct eng_ctl;
int eng_ctl_new(struct eng *eng, const char *user, enum eng_role role, struct eng_ctl **out);
void eng_ctl_free(struct eng_ctl *c);
struct eng_sess *eng_ctl_sess(const struct eng_ctl *c);
int eng_ctl_input(struct eng_ctl *c, const void *data, size_t len);
size_t eng_ctl_want(const struct eng_ctl *c);
bool eng_ctl_partial(const struct eng_ctl *c);
/* How many requests were answered so far: a count that moves when a
 * request was complete. */
unsigned long eng_ctl_served(const struct eng_ctl *c);
size_t eng_ctl_pending(const struct eng_ctl *c, const void **data);
void eng_ctl_sent(struct eng_ctl *c, size_t n);
void eng_ctl_log(struct eng_ctl *c, enum eng_log_level level, const char *msg);
/* A line for this connection whatever its monitor setting (what went
 * wrong when the daemon started, told to every new session). */
void eng_ctl_notice(struct eng_ctl *c, enum eng_log_level level, const char *msg);

#endif /* IKESH_ENGINE_H */
