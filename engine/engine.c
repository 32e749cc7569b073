/*
 * engine.c - the front of the engine: every call of engine.h that acts on
 * an engine's state has its arguments and the session's role checked
 * here, once, and goes on to the implementation chosen at eng_open (the
 * local engine, or ikeshd's through the control socket).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eng_ops.h"
#include "eng_test.h"

/* The role check of a call that changes state. */
#define ALLOWED(sess, call)                                                                        \
	do {                                                                                       \
		if (!eng_call_allowed(sess, call))                                                 \
			return -EPERM;                                                             \
	} while (0)

/* ---- The engine --------------------------------------------------------- */

int eng_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag)
{
	int rc;

	if (!opts || !out || !opts->state_dir || !opts->run_dir || !opts->codec ||
	    !opts->codec->render || !opts->codec->load || !opts->codec->mask)
		return -EINVAL;
	*out = NULL;
	if (opts->daemon) {
		/* The daemon's engine when it listens, our own when there is
		 * no socket.  A socket nobody answers is a daemon that died
		 * or restarts: a second engine on its files would be worse
		 * than an error (-ECONNREFUSED). */
		rc = eng_remote_open(opts, out, diag);
		if (rc != -ENOENT)
			return rc;
	}
	return eng_local_open(opts, out, diag);
}

void eng_close(struct eng *eng)
{
	if (eng)
		eng->ops->close(eng);
}

bool eng_is_remote(const struct eng *eng)
{
	return eng && eng->ops->daemon;
}

int eng_next_timeout_ms(const struct eng *eng)
{
	return eng ? eng->ops->next_timeout_ms(eng) : -1;
}

void eng_tick(struct eng *eng)
{
	if (eng)
		eng->ops->tick(eng);
}

size_t eng_poll_fds(const struct eng *eng, int *fds, size_t max)
{
	return eng && fds ? eng->ops->poll_fds(eng, fds, max) : 0;
}

int eng_log_text(struct eng *eng, char **out)
{
	if (!eng || !out)
		return -EINVAL;
	return eng->ops->log_text(eng, out);
}

long eng_confirm_pending(const struct eng *eng)
{
	return eng ? eng->ops->confirm_pending(eng) : -1;
}

void eng_global_hostname(struct eng *eng, char buf[ENG_HOSTNAME_MAX])
{
	if (!eng) {
		snprintf(buf, ENG_HOSTNAME_MAX, "%s", ENG_DEFAULT_HOSTNAME);
		return;
	}
	eng->ops->hostname(eng, buf);
}

unsigned eng_debug_get(const struct eng *eng)
{
	return eng ? eng->ops->debug_get(eng) : 0;
}

struct kernel *eng_test_kernel(struct eng *eng)
{
	return eng && eng->ops->test_kernel ? eng->ops->test_kernel(eng) : NULL;
}

struct fw *eng_test_fw(struct eng *eng)
{
	return eng && eng->ops->test_fw ? eng->ops->test_fw(eng) : NULL;
}

int eng_test_icmp_silence(struct eng *eng, const struct eng_addr *server, bool silent)
{
	return eng && eng->ops->test_icmp_silence ? eng->ops->test_icmp_silence(eng, server, silent)
						  : -EOPNOTSUPP;
}

/* ---- Sessions ------------------------------------------------------------ */

int eng_sess_open(struct eng *eng, const char *user, enum eng_role role, struct eng_sess **out)
{
	if (!eng || !out || (role != ENG_ROLE_OPERATOR && role != ENG_ROLE_ADMIN))
		return -EINVAL;
	return eng->ops->sess_open(eng, user, role, out);
}

void eng_sess_close(struct eng_sess *sess)
{
	if (sess)
		sess->eng->ops->sess_close(sess);
}

enum eng_role eng_sess_role(const struct eng_sess *sess)
{
	return sess ? sess->role : ENG_ROLE_OPERATOR;
}

struct eng *eng_sess_engine(const struct eng_sess *sess)
{
	return sess ? sess->eng : NULL;
}

int eng_sess_list(struct eng_sess *sess, struct eng_sess_info **out, size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	return sess->eng->ops->sess_list(sess, out, n);
}

int eng_sess_monitor(struct eng_sess *sess, bool on)
{
	if (!sess)
		return -EINVAL;
	return sess->eng->ops->sess_monitor(sess, on);
}

/* ---- Candidates and objects ---------------------------------------------- */

int eng_cand_begin(struct eng_sess *sess)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CAND_BEGIN);
	return sess->eng->ops->cand_begin(sess);
}

int eng_cand_begin_exclusive(struct eng_sess *sess)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CAND_EXCLUSIVE);
	return sess->eng->ops->cand_begin_exclusive(sess);
}

bool eng_cand_active(const struct eng_sess *sess)
{
	/* the session is the caller's; asking about it changes nothing */
	return sess && sess->eng->ops->cand_active((struct eng_sess *)sess);
}

bool eng_cand_dirty(const struct eng_sess *sess)
{
	return sess && sess->eng->ops->cand_dirty((struct eng_sess *)sess);
}

void eng_cand_discard(struct eng_sess *sess)
{
	if (sess)
		sess->eng->ops->cand_discard(sess);
}

int eng_obj_get(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		void *out)
{
	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	return sess->eng->ops->obj_get(sess, db, kind, key, out);
}

int eng_obj_put(struct eng_sess *sess, enum eng_kind kind, const void *obj, struct eng_diag *diag)
{
	if (!sess || !obj || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_OBJ_PUT);
	return sess->eng->ops->obj_put(sess, kind, obj, diag);
}

int eng_obj_del(struct eng_sess *sess, enum eng_kind kind, const char *key)
{
	if (!sess || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_OBJ_DEL);
	return sess->eng->ops->obj_del(sess, kind, key);
}

int eng_batch_begin(struct eng_sess *sess)
{
	if (!sess)
		return -EINVAL;
	return sess->eng->ops->batch_begin ? sess->eng->ops->batch_begin(sess) : 0;
}

void eng_batch_tag(struct eng_sess *sess, unsigned tag)
{
	if (sess && sess->eng->ops->batch_tag)
		sess->eng->ops->batch_tag(sess, tag);
}

int eng_batch_end(struct eng_sess *sess, struct eng_diag *diag, unsigned *tag)
{
	if (tag)
		*tag = 0;
	if (!sess)
		return -EINVAL;
	return sess->eng->ops->batch_end ? sess->eng->ops->batch_end(sess, diag, tag) : 0;
}

int eng_keys(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
{
	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return sess->eng->ops->keys(sess, db, kind, out);
}

int eng_config_text(struct eng_sess *sess, enum eng_db db, unsigned flags, char **out)
{
	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	return sess->eng->ops->config_text(sess, db, flags, out);
}

int eng_obj_text(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		 unsigned flags, char **out)
{
	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	*out = NULL;
	return sess->eng->ops->obj_text(sess, db, kind, key, flags, out);
}

int eng_config_changes(struct eng_sess *sess, char **out)
{
	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	return sess->eng->ops->config_changes(sess, out);
}

int eng_secret_unseal(struct eng_sess *sess, const char *sealed, char **out)
{
	if (!sess || !sealed || !out)
		return -EINVAL;
	*out = NULL;
	ALLOWED(sess, ENG_CALL_SECRET_UNSEAL);
	return sess->eng->ops->secret_unseal(sess, sealed, out);
}

int eng_config_key_set(struct eng_sess *sess, const char *passphrase)
{
	size_t len = passphrase ? strlen(passphrase) : 0;

	if (!sess || !passphrase)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CONFIG_KEY_SET);
	if (len < ENG_CONFIG_KEY_MIN || len > ENG_SECRET_MAX)
		return -EINVAL;
	return sess->eng->ops->config_key_set(sess, passphrase);
}

int eng_commit_impact(struct eng_sess *sess, struct eng_tunnel_impact **out, size_t *n,
		      size_t *unchanged)
{
	size_t dummy;

	if (!sess || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	if (!unchanged)
		unchanged = &dummy;
	*unchanged = 0;
	return sess->eng->ops->commit_impact(sess, out, n, unchanged);
}

int eng_tunnel_effective(struct eng_sess *sess, enum eng_db db, const char *name,
			 struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
			 struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec)
{
	if (!sess || !out)
		return -EINVAL;
	if (!name)
		return -ENOENT;
	return sess->eng->ops->tunnel_effective(sess, db, name, out, ike2, ike1, ipsec);
}

/* ---- Commit, history, startup ---------------------------------------------- */

int eng_commit(struct eng_sess *sess, const struct eng_commit_req *req, struct eng_diag *diag,
	       uint32_t *id)
{
	if (id)
		*id = 0;
	if (!sess || !req)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_COMMIT);
	return sess->eng->ops->commit(sess, req, diag, id);
}

int eng_confirm(struct eng_sess *sess)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CONFIRM);
	return sess->eng->ops->confirm(sess);
}

int eng_commit_list(struct eng_sess *sess, struct eng_commit_info **out, size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	return sess->eng->ops->commit_list(sess, out, n);
}

int eng_commit_changes(struct eng_sess *sess, uint32_t id, char **out)
{
	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	return sess->eng->ops->commit_changes(sess, id, out);
}

int eng_rollback(struct eng_sess *sess, unsigned n, struct eng_diag *diag)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_ROLLBACK);
	if (n > ENG_ROLLBACK_MAX)
		return -ERANGE;
	return sess->eng->ops->rollback(sess, n, diag);
}

int eng_startup_save(struct eng_sess *sess, struct eng_diag *diag)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_STARTUP_SAVE);
	return sess->eng->ops->startup_save(sess, diag);
}

/* ---- The IKE runtime ------------------------------------------------------- */

int eng_tunnel_status(struct eng_sess *sess, const char *name, struct eng_tunnel_status **out,
		      size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	return sess->eng->ops->tunnel_status(sess, name, out, n);
}

int eng_ike_stats(struct eng_sess *sess, struct eng_ike_stats *out)
{
	if (!sess || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	return sess->eng->ops->ike_stats(sess, out);
}

int eng_clear_ike_sa(struct eng_sess *sess, const char *tunnel)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CLEAR_IKE_SA);
	return sess->eng->ops->clear_sa(sess, tunnel, false);
}

int eng_clear_child_sa(struct eng_sess *sess, const char *tunnel)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CLEAR_CHILD_SA);
	return sess->eng->ops->clear_sa(sess, tunnel, true);
}

int eng_clear_counters(struct eng_sess *sess)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CLEAR_COUNTERS);
	return sess->eng->ops->clear_counters(sess);
}

int eng_clear_peer(struct eng_sess *sess, const struct eng_addr *addr)
{
	if (!sess || !addr)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_CLEAR_PEER);
	return sess->eng->ops->clear_peer(sess, addr);
}

int eng_debug_set(struct eng_sess *sess, unsigned flags, bool on)
{
	if (!sess)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_DEBUG_SET);
	return sess->eng->ops->debug_set(sess, flags, on);
}

/* ---- Key pairs and certificates --------------------------------------- */

int eng_key_generate(struct eng_sess *sess, const char *label, enum eng_key_type type,
		     unsigned bits, struct eng_diag *diag)
{
	if (!sess || !label || !diag)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_KEY_GENERATE);
	return sess->eng->ops->key_generate(sess, label, type, bits, diag);
}

int eng_key_import(struct eng_sess *sess, const char *label, const char *pem, size_t len,
		   const char *passphrase, struct eng_diag *diag)
{
	if (!sess || !label || !pem || !diag)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_KEY_IMPORT);
	return sess->eng->ops->key_import(sess, label, pem, len, passphrase, diag);
}

int eng_key_zeroize(struct eng_sess *sess, const char *label)
{
	if (!sess || !label)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_KEY_ZEROIZE);
	return sess->eng->ops->key_zeroize(sess, label);
}

int eng_key_list(struct eng_sess *sess, struct eng_key_info **out, size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	return sess->eng->ops->key_list(sess, out, n);
}

int eng_pki_import(struct eng_sess *sess, const char *trustpoint, enum eng_pki_what what,
		   const void *data, size_t len, const char *password, struct eng_diag *diag)
{
	if (!sess || !trustpoint || !data || !diag || (unsigned)what > ENG_PKI_CRL)
		return -EINVAL;
	ALLOWED(sess, ENG_CALL_PKI_IMPORT);
	return sess->eng->ops->pki_import(sess, trustpoint, what, data, len, password, diag);
}

int eng_pki_enroll(struct eng_sess *sess, const char *trustpoint, char **pem, struct eng_diag *diag)
{
	if (!sess || !trustpoint || !pem || !diag)
		return -EINVAL;
	*pem = NULL;
	ALLOWED(sess, ENG_CALL_PKI_ENROLL);
	return sess->eng->ops->pki_enroll(sess, trustpoint, pem, diag);
}

int eng_pki_certs(struct eng_sess *sess, const char *trustpoint, struct eng_cert_info **out,
		  size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	return sess->eng->ops->pki_certs(sess, trustpoint, out, n);
}

int eng_pki_trustpoints(struct eng_sess *sess, struct eng_tp_info **out, size_t *n)
{
	if (!sess || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	return sess->eng->ops->pki_trustpoints(sess, out, n);
}
