/*
 * eng_ops.c - what the front and both implementations of the engine
 * share: the calls' properties and the common part of engines and
 * sessions.
 */
#include <stdio.h>
#include <string.h>

#include "eng_ops.h"

/* ---- The calls and their properties ------------------------------------ */

static const struct eng_call_info calls[ENG_CALLS] = {
    [ENG_CALL_CAND_BEGIN] = {"configure", true},
    [ENG_CALL_CAND_EXCLUSIVE] = {"configure exclusive", true},
    [ENG_CALL_CAND_ACTIVE] = {"a candidate's state", false},
    [ENG_CALL_CAND_DIRTY] = {"a candidate's state", false},
    [ENG_CALL_CAND_DISCARD] = {"abort", false},
    [ENG_CALL_SESS_LIST] = {"show users", false},
    [ENG_CALL_SESS_MONITOR] = {"terminal monitor", false},
    [ENG_CALL_OBJ_GET] = {"reading configuration", false},
    [ENG_CALL_OBJ_PUT] = {"a configuration change", true},
    [ENG_CALL_OBJ_DEL] = {"a configuration change", true},
    [ENG_CALL_KEYS] = {"reading configuration", false},
    [ENG_CALL_CONFIG_TEXT] = {"show running-config", false},
    [ENG_CALL_OBJ_TEXT] = {"show running-config", false},
    [ENG_CALL_CONFIG_CHANGES] = {"show configuration changes", false},
    [ENG_CALL_COMMIT] = {"commit", true},
    [ENG_CALL_CONFIRM] = {"commit confirm", true},
    [ENG_CALL_CONFIRM_PENDING] = {"a pending confirmed commit", false},
    [ENG_CALL_COMMIT_LIST] = {"show configuration commit list", false},
    [ENG_CALL_COMMIT_CHANGES] = {"show configuration commit changes", false},
    [ENG_CALL_ROLLBACK] = {"rollback", true},
    [ENG_CALL_STARTUP_SAVE] = {"write memory", true},
    [ENG_CALL_LOG_TEXT] = {"show logging", false},
    [ENG_CALL_TUNNEL_EFFECTIVE] = {"reading configuration", false},
    [ENG_CALL_HOSTNAME] = {"the hostname", false},
    [ENG_CALL_TUNNEL_STATUS] = {"show ipsec tunnel", false},
    [ENG_CALL_IKE_STATS] = {"show crypto ikev2 stats", false},
    [ENG_CALL_CLEAR_IKE_SA] = {"clear crypto ikev2 sa", true},
    [ENG_CALL_CLEAR_CHILD_SA] = {"clear crypto ipsec sa", true},
    [ENG_CALL_CLEAR_COUNTERS] = {"clear crypto counters", true},
    [ENG_CALL_CLEAR_PEER] = {"clear crypto ... peer", true},
    [ENG_CALL_DEBUG_SET] = {"debug", true},
    [ENG_CALL_DEBUG_GET] = {"show debugging", false},
    [ENG_CALL_KEY_GENERATE] = {"crypto key generate", true},
    [ENG_CALL_KEY_IMPORT] = {"crypto key import", true},
    [ENG_CALL_KEY_ZEROIZE] = {"crypto key zeroize", true},
    [ENG_CALL_KEY_LIST] = {"show crypto key mypubkey", false},
    [ENG_CALL_PKI_IMPORT] = {"crypto pki import", true},
    /* signs with the private key: an admin's act */
    [ENG_CALL_PKI_ENROLL] = {"crypto pki enroll", true},
    [ENG_CALL_PKI_CERTS] = {"show crypto pki certificates", false},
    [ENG_CALL_PKI_TRUSTPOINTS] = {"show crypto pki trustpoints", false},
    /* it hands back a secret in clear: admins only, as show running-config secrets */
    [ENG_CALL_SECRET_UNSEAL] = {"a sealed secret", true},
    [ENG_CALL_CONFIG_KEY_SET] = {"key config-key", true},
    [ENG_CALL_COMMIT_IMPACT] = {"the SAs a commit changes", false},
};

const struct eng_call_info *eng_call_info(enum eng_call call)
{
	static const struct eng_call_info unknown = {"a request", true};

	return (unsigned)call < ENG_CALLS ? &calls[call] : &unknown;
}

bool eng_call_allowed(const struct eng_sess *sess, enum eng_call call)
{
	return sess->role == ENG_ROLE_ADMIN || !eng_call_info(call)->changes;
}

/* ---- Shared by the implementations ------------------------------------- */

void eng_base_init(struct eng *eng, const struct eng_ops *ops, const struct eng_opts *opts)
{
	eng->ops = ops;
	eng->opts = *opts;
	memset(&eng->log, 0, sizeof(eng->log));
	eng->log.cb = opts->log;
	eng->log.arg = opts->log_arg;
}

void eng_sess_base_init(struct eng_sess *s, struct eng *eng, const char *user, enum eng_role role)
{
	s->eng = eng;
	s->role = role;
	/* the name goes into history files: one printable word */
	snprintf(s->user, sizeof(s->user), "%s", user && *user ? user : "unknown");
	for (char *p = s->user; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			*p = '_';
}
