/*
 * eng_ops.h - the engine's two implementations and the front between
 * them and engine.h's callers (the shape of engine/kernel/'s seam).
 *
 * engine.c, the front, checks every call's arguments and the session's
 * role once and forwards it to the operations table chosen at eng_open:
 * the local engine (config/: the configuration store, commit, history
 * and the IKE runtime) or the remote one (ctl/ctl_client.c: each
 * operation one request to ikeshd and one reply).
 *
 * Every implementation embeds struct eng and struct eng_sess at the start
 * of its own handle and session, and casts back (container_of).
 */
#ifndef IKESH_ENG_OPS_H
#define IKESH_ENG_OPS_H

#include <stddef.h>

#include "engine.h"
#include "model.h"

#define eng_container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

struct eng {
	const struct eng_ops *ops;
	struct eng_opts opts; /* as given to eng_open (the strings are the caller's) */
	struct eng_log log;   /* the log ring, its callback and the debug flags */
};

struct eng_sess {
	struct eng *eng;
	char user[ENG_USER_MAX];
	enum eng_role role;
};

/*
 * The calls of engine.h that act on an engine's state, each with the
 * properties the front, the daemon and the logs share.  An operator may
 * make only the calls that change nothing.
 */
enum eng_call {
	ENG_CALL_CAND_BEGIN,
	ENG_CALL_CAND_EXCLUSIVE,
	ENG_CALL_CAND_ACTIVE,
	ENG_CALL_CAND_DIRTY,
	ENG_CALL_CAND_DISCARD,
	ENG_CALL_SESS_LIST,
	ENG_CALL_SESS_MONITOR,
	ENG_CALL_OBJ_GET,
	ENG_CALL_OBJ_PUT,
	ENG_CALL_OBJ_DEL,
	ENG_CALL_KEYS,
	ENG_CALL_CONFIG_TEXT,
	ENG_CALL_OBJ_TEXT,
	ENG_CALL_CONFIG_CHANGES,
	ENG_CALL_COMMIT,
	ENG_CALL_CONFIRM,
	ENG_CALL_CONFIRM_PENDING,
	ENG_CALL_COMMIT_LIST,
	ENG_CALL_COMMIT_CHANGES,
	ENG_CALL_ROLLBACK,
	ENG_CALL_STARTUP_SAVE,
	ENG_CALL_LOG_TEXT,
	ENG_CALL_TUNNEL_EFFECTIVE,
	ENG_CALL_HOSTNAME,
	ENG_CALL_TUNNEL_STATUS,
	ENG_CALL_IKE_STATS,
	ENG_CALL_CLEAR_IKE_SA,
	ENG_CALL_CLEAR_CHILD_SA,
	ENG_CALL_CLEAR_COUNTERS,
	ENG_CALL_CLEAR_PEER,
	ENG_CALL_DEBUG_SET,
	ENG_CALL_DEBUG_GET,
	ENG_CALL_KEY_GENERATE,
	ENG_CALL_KEY_IMPORT,
	ENG_CALL_KEY_ZEROIZE,
	ENG_CALL_KEY_LIST,
	ENG_CALL_PKI_IMPORT,
	ENG_CALL_PKI_ENROLL,
	ENG_CALL_PKI_CERTS,
	ENG_CALL_PKI_TRUSTPOINTS,
	ENG_CALL_SECRET_UNSEAL,
	ENG_CALL_CONFIG_KEY_SET,
	ENG_CALL_COMMIT_IMPACT,
	ENG_CALLS
};

struct eng_call_info {
	const char *name; /* as an operator's refusal names it */
	bool changes;	  /* changes state: admins only */
};

const struct eng_call_info *eng_call_info(enum eng_call call);
/* May this session make the call? */
bool eng_call_allowed(const struct eng_sess *sess, enum eng_call call);

struct eng_ops {
	const char *name;
	bool daemon; /* the engine is ikeshd's (eng_is_remote) */
	void (*close)(struct eng *eng);
	int (*next_timeout_ms)(const struct eng *eng);
	void (*tick)(struct eng *eng);
	size_t (*poll_fds)(const struct eng *eng, int *fds, size_t max);

	int (*sess_open)(struct eng *eng, const char *user, enum eng_role role,
			 struct eng_sess **out);
	void (*sess_close)(struct eng_sess *sess);
	int (*sess_list)(struct eng_sess *sess, struct eng_sess_info **out, size_t *n);
	int (*sess_monitor)(struct eng_sess *sess, bool on);

	int (*cand_begin)(struct eng_sess *sess);
	int (*cand_begin_exclusive)(struct eng_sess *sess);
	bool (*cand_active)(struct eng_sess *sess);
	bool (*cand_dirty)(struct eng_sess *sess);
	void (*cand_discard)(struct eng_sess *sess);

	int (*obj_get)(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		       void *out);
	int (*obj_put)(struct eng_sess *sess, enum eng_kind kind, const void *obj,
		       struct eng_diag *diag);
	int (*obj_del)(struct eng_sess *sess, enum eng_kind kind, const char *key);
	/* NULL: edits are applied at once (engine.h, batched edits) */
	int (*batch_begin)(struct eng_sess *sess);
	void (*batch_tag)(struct eng_sess *sess, unsigned tag);
	int (*batch_end)(struct eng_sess *sess, struct eng_diag *diag, unsigned *tag);
	int (*keys)(struct eng_sess *sess, enum eng_db db, enum eng_kind kind,
		    struct eng_keys *out);
	int (*config_text)(struct eng_sess *sess, enum eng_db db, unsigned flags, char **out);
	int (*obj_text)(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
			unsigned flags, char **out);
	int (*config_changes)(struct eng_sess *sess, char **out);
	int (*secret_unseal)(struct eng_sess *sess, const char *sealed, char **out);
	int (*config_key_set)(struct eng_sess *sess, const char *passphrase);
	int (*commit_impact)(struct eng_sess *sess, struct eng_tunnel_impact **out, size_t *n,
			     size_t *unchanged);

	int (*commit)(struct eng_sess *sess, const struct eng_commit_req *req,
		      struct eng_diag *diag, uint32_t *id);
	int (*confirm)(struct eng_sess *sess);
	long (*confirm_pending)(const struct eng *eng);
	int (*commit_list)(struct eng_sess *sess, struct eng_commit_info **out, size_t *n);
	int (*commit_changes)(struct eng_sess *sess, uint32_t id, char **out);
	int (*rollback)(struct eng_sess *sess, unsigned n, struct eng_diag *diag);
	int (*startup_save)(struct eng_sess *sess, struct eng_diag *diag);
	int (*log_text)(struct eng *eng, char **out);

	int (*tunnel_effective)(struct eng_sess *sess, enum eng_db db, const char *name,
				struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
				struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec);
	void (*hostname)(struct eng *eng, char buf[ENG_HOSTNAME_MAX]);

	int (*tunnel_status)(struct eng_sess *sess, const char *name,
			     struct eng_tunnel_status **out, size_t *n);
	int (*ike_stats)(struct eng_sess *sess, struct eng_ike_stats *out);
	int (*clear_sa)(struct eng_sess *sess, const char *tunnel, bool child_only);
	int (*clear_counters)(struct eng_sess *sess);
	int (*clear_peer)(struct eng_sess *sess, const struct eng_addr *addr);
	int (*debug_set)(struct eng_sess *sess, unsigned flags, bool on);
	unsigned (*debug_get)(const struct eng *eng);

	int (*key_generate)(struct eng_sess *sess, const char *label, enum eng_key_type type,
			    unsigned bits, struct eng_diag *diag);
	int (*key_import)(struct eng_sess *sess, const char *label, const char *pem, size_t len,
			  const char *passphrase, struct eng_diag *diag);
	int (*key_zeroize)(struct eng_sess *sess, const char *label);
	int (*key_list)(struct eng_sess *sess, struct eng_key_info **out, size_t *n);
	int (*pki_import)(struct eng_sess *sess, const char *tp, enum eng_pki_what what,
			  const void *data, size_t len, const char *password,
			  struct eng_diag *diag);
	int (*pki_enroll)(struct eng_sess *sess, const char *tp, char **pem, struct eng_diag *diag);
	int (*pki_certs)(struct eng_sess *sess, const char *tp, struct eng_cert_info **out,
			 size_t *n);
	int (*pki_trustpoints)(struct eng_sess *sess, struct eng_tp_info **out, size_t *n);

	/* tests only (eng_test.h); NULL where there is none */
	struct kernel *(*test_kernel)(struct eng *eng);
	struct fw *(*test_fw)(struct eng *eng);
	int (*test_icmp_silence)(struct eng *eng, const struct eng_addr *server, bool silent);
};

/*
 * Opening each implementation.  The remote one returns -ENOENT when no
 * daemon socket is there (the front then opens a local engine).
 */
int eng_local_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag);
/* diag: what the daemon's opening reported (startup-config errors). */
int eng_remote_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag);

/* Fills the front's part of a new engine. */
void eng_base_init(struct eng *eng, const struct eng_ops *ops, const struct eng_opts *opts);
/* Fills the front's part of a new session (the user made one printable word). */
void eng_sess_base_init(struct eng_sess *s, struct eng *eng, const char *user, enum eng_role role);

#endif /* IKESH_ENG_OPS_H */
