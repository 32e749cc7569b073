/*
 * local.c - the local engine: opening and closing it, its timers and
 * event loop, the IKE runtime it drives with the running configuration's
 * tunnels, and its operations table (eng_ops.h).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"

static const struct eng_ops local_ops;

/* ---- The IKE runtime ------------------------------------------------------ */

/* Opens the runtime; when it cannot start, every tunnel's status says why. */
static int runtime_open(struct eng_local *eng, struct eng_diag *diag)
{
	int rc = rt_open(eng->pub.opts.runtime, local_log(eng), &eng->rt, diag);

	if (rc == 0)
		return 0;
	if (diag && diag->n)
		snprintf(eng->rt_error, sizeof(eng->rt_error), "IKE is not running: %s",
			 diag->lines[diag->n - 1]);
	else
		snprintf(eng->rt_error, sizeof(eng->rt_error), "IKE is not running: %s",
			 strerror(-rc));
	eng_logf(local_log(eng), ENG_LOG_ERR, "%s", eng->rt_error);
	return rc;
}

/* One tunnel with its policies resolved, as the runtime is handed it. */
static void rt_tunnel_of(const struct eng_cfg *c, const struct eng_tunnel *t, struct rt_tunnel *out)
{
	const struct eng_node *n;

	out->t = t;
	n = t->ike_policy ? cfg_find(c, ENG_OBJ_IKEV2, t->ike_policy, NULL) : NULL;
	eng_ikev2_effective(n ? &n->u.ikev2 : NULL, &out->ike2);
	n = t->ipsec_policy[0] ? cfg_find(c, ENG_OBJ_IPSEC, 0, t->ipsec_policy) : NULL;
	eng_ipsec_effective(n ? &n->u.ipsec : NULL, &out->ipsec);
}

void local_rt_sync(struct eng_local *eng)
{
	const struct eng_tab *tab = &eng->running->t[ENG_OBJ_TUNNEL];
	struct pki_creds *creds;
	struct rt_tunnel *v;

	if (!eng->rt)
		return;
	v = calloc(tab->n ? tab->n : 1, sizeof(*v));
	creds = local_pki_creds(eng, tab);
	if (!v || !creds) {
		eng_logf(local_log(eng), ENG_LOG_ERR,
			 "the committed tunnels could not be handed to IKE: out of memory");
		free(v);
		free(creds);
		return;
	}
	for (size_t i = 0; i < tab->n; i++) {
		rt_tunnel_of(eng->running, &tab->v[i]->u.tunnel, &v[i]);
		/* the runtime takes its own references to what it keeps */
		v[i].creds = creds[i].store ? &creds[i] : NULL;
	}
	rt_sync(eng->rt, v, tab->n);
	for (size_t i = 0; i < tab->n; i++)
		pki_creds_free(&creds[i]);
	free(creds);
	free(v);
	{
		const struct eng_node *g = cfg_find(eng->running, ENG_OBJ_GLOBAL, 0, "");
		const struct eng_global none = {0};

		rt_set_limits(eng->rt, g ? &g->u.global : &none);
	}
}

static int local_tunnel_status(struct eng_local *eng, const char *name,
			       struct eng_tunnel_status **out, size_t *n)
{
	const struct eng_tab *tab = &eng->running->t[ENG_OBJ_TUNNEL];
	struct eng_tunnel_status *v;
	size_t k = 0;

	v = calloc(tab->n ? tab->n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < tab->n; i++) {
		const struct eng_tunnel *cfg = &tab->v[i]->u.tunnel;
		struct eng_tunnel_status *s = &v[k];

		if (name && strcmp(cfg->name, name) != 0)
			continue;
		k++;
		snprintf(s->name, sizeof(s->name), "%s", cfg->name);
		eng_tunnel_not_in_effect(cfg, s->not_in_effect, sizeof(s->not_in_effect));
		if (eng->rt) {
			rt_tunnel_status(eng->rt, s);
			continue;
		}
		s->state = cfg->shutdown ? ENG_TUN_SHUTDOWN : ENG_TUN_DOWN;
		snprintf(s->reason, sizeof(s->reason), "%s",
			 cfg->shutdown	    ? ""
			 : eng->rt_error[0] ? eng->rt_error
					    : "this engine runs without IKE (configuration only)");
	}
	if (name && !k) {
		free(v);
		return -ENOENT;
	}
	*out = v;
	*n = k;
	return 0;
}

static int local_clear_sa(struct eng_local *eng, const char *tunnel, bool child_only)
{
	if (tunnel && !cfg_find(eng->running, ENG_OBJ_TUNNEL, 0, tunnel))
		return -ENOENT;
	return eng->rt ? rt_clear_sa(eng->rt, tunnel, child_only) : 0;
}

static int local_tunnel_effective(struct eng_lsess *sess, enum eng_db db, const char *name,
				  struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
				  struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec)
{
	struct eng_ipsec_policy ip_raw, ip;
	bool have_ip = false;
	char key[8];
	int rc;

	rc = local_obj_get(sess, db, ENG_OBJ_TUNNEL, name, out);
	if (rc)
		return rc;
	if (out->ipsec_policy[0] &&
	    local_obj_get(sess, db, ENG_OBJ_IPSEC, out->ipsec_policy, &ip_raw) == 0)
		have_ip = true;
	eng_ipsec_effective(have_ip ? &ip_raw : NULL, &ip);
	eng_tunnel_defaults(out, &ip);
	if (ipsec)
		*ipsec = ip;
	snprintf(key, sizeof(key), "%u", out->ike_policy);
	if (ike2) {
		struct eng_ikev2_policy raw;
		bool have = out->ike_version == 2 && out->ike_policy &&
			    local_obj_get(sess, db, ENG_OBJ_IKEV2, key, &raw) == 0;

		memset(ike2, 0, sizeof(*ike2));
		if (out->ike_version == 2)
			eng_ikev2_effective(have ? &raw : NULL, ike2);
	}
	if (ike1) {
		struct eng_ikev1_policy raw;
		bool have = out->ike_version == 1 && out->ike_policy &&
			    local_obj_get(sess, db, ENG_OBJ_IKEV1, key, &raw) == 0;

		memset(ike1, 0, sizeof(*ike1));
		if (out->ike_version == 1)
			eng_ikev1_effective(have ? &raw : NULL, ike1);
	}
	return 0;
}

int local_next_timeout_ms(const struct eng_local *eng)
{
	int64_t due = -1, left;

	if (!eng)
		return -1;
	if (eng->confirm_pending)
		due = eng->confirm_deadline_ms;
	left = eng->rt ? rt_next_ms(eng->rt) : -1;
	if (left >= 0 && (due < 0 || left < due))
		due = left;
	if (due < 0)
		return -1;
	left = due - eng_now_ms();
	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

void local_tick(struct eng_local *eng)
{
	if (!eng)
		return;
	if (eng->confirm_pending && eng_now_ms() >= eng->confirm_deadline_ms)
		revert_confirmed(eng);
	if (eng->rt)
		rt_tick(eng->rt);
}

/* Before anything in the state directory is read or written. */
static int lock_state_dir(struct eng_local *eng, struct eng_diag *diag)
{
	long holder;
	int fd = eng_lock_dir(eng->state_dir, &holder);

	if (fd == -EBUSY && holder)
		eng_diag_addf(diag,
			      "%s is in use by another engine (process %ld): one ikesh or ikeshd "
			      "per state directory",
			      eng->state_dir, holder);
	else if (fd == -EBUSY)
		eng_diag_addf(diag,
			      "%s is in use by another engine: one ikesh or ikeshd per state "
			      "directory",
			      eng->state_dir);
	else if (fd < 0)
		eng_diag_addf(diag, "cannot lock %s/lock: %s", eng->state_dir, strerror(-fd));
	if (fd < 0)
		return fd;
	eng->lock_fd = fd;
	eng->locked = true;
	return 0;
}

int eng_local_open(const struct eng_opts *opts, struct eng **out, struct eng_diag *diag)
{
	bool from_run;
	char path[4096];
	struct eng_local *eng;
	int rc;

	eng = calloc(1, sizeof(*eng));
	if (!eng)
		return -ENOMEM;
	eng_base_init(&eng->pub, &local_ops, opts);
	eng->codec = opts->codec;
	eng->state_dir = strdup(opts->state_dir);
	eng->run_dir = strdup(opts->run_dir);
	eng->running = cfg_new();
	if (!eng->state_dir || !eng->run_dir || !eng->running) {
		rc = -ENOMEM;
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/history", eng->state_dir);
	rc = eng_mkdirs(path);
	if (!rc)
		rc = eng_mkdirs(eng->run_dir);
	if (rc) {
		eng_diag_addf(diag, "cannot create %s or %s: %s", eng->state_dir, eng->run_dir,
			      strerror(-rc));
		goto fail;
	}
	rc = lock_state_dir(eng, diag);
	if (rc)
		goto fail;
	rc = local_pki_open(eng, diag);
	if (rc)
		goto fail;
	remove_temps(eng->state_dir);
	remove_temps(path);
	remove_temps(eng->run_dir);
	rc = hist_scan(eng);
	if (rc) {
		eng_diag_addf(diag, "cannot read the commit history: %s", strerror(-rc));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/running-config", eng->run_dir);
	rc = load_file(eng, path, "running-config", diag);
	from_run = rc != -ENOENT;
	if (rc == -ENOENT) {
		snprintf(path, sizeof(path), "%s/startup-config", eng->state_dir);
		rc = load_file(eng, path, "startup-config", diag);
		if (rc == 0) {
			/* this boot's running configuration starts as startup-config */
			char *text = cfg_render(eng, eng->running, true);
			const char *parts[1] = {text};

			if (text && eng_write_atomic(eng->run_dir, "running-config", parts, 1))
				eng_logf(&eng->pub.log, ENG_LOG_ERR, "cannot write running-config");
			free_secret_text(text, text ? strlen(text) : 0);
		}
	}
	rc = confirm_read(eng);
	if (rc) {
		eng_diag_addf(diag, "confirm-pending: unreadable (%s); ignored", strerror(-rc));
		confirm_clear(eng);
	} else if (eng->confirm_pending && !from_run) {
		/* a new boot runs startup-config: the unconfirmed commit is gone */
		eng_logf(&eng->pub.log, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " was not confirmed; this boot started from "
			 "startup-config without it",
			 eng->confirm_id);
		confirm_clear(eng);
	} else if (eng->confirm_pending && eng_now_ms() >= eng->confirm_deadline_ms) {
		revert_confirmed(eng);
	} else if (eng->confirm_pending) {
		eng_logf(&eng->pub.log, ENG_LOG_NOTICE,
			 "commit %" PRIu32 " awaits confirmation (%ld s left)", eng->confirm_id,
			 local_confirm_pending(eng));
	}
	/* the configuration is in place: now the tunnels it describes */
	/* Without IKE the engine still edits and saves configuration;
	 * tunnel status says why nothing negotiates. */
	if (opts->runtime && runtime_open(eng, diag) == 0)
		local_rt_sync(eng);
	*out = &eng->pub;
	return 0;
fail:
	local_close(eng);
	return rc;
}

void local_close(struct eng_local *eng)
{
	if (!eng)
		return;
	rt_close(eng->rt);
	local_pki_close(eng);
	cfg_unref(eng->running);
	cfg_unref(eng->confirm_prev);
	if (eng->locked)
		close(eng->lock_fd); /* last: every file is written */
	free(eng->tombs);
	free(eng->state_dir);
	free(eng->run_dir);
	free(eng);
}

/* ---- The operations table --------------------------------------------------- */

#define L(e)  local_of(e)
#define LS(s) lsess_of(s)

static void op_close(struct eng *e)
{
	local_close(L(e));
}

static int op_next_timeout_ms(const struct eng *e)
{
	return local_next_timeout_ms(L(e));
}

static void op_tick(struct eng *e)
{
	local_tick(L(e));
}

static size_t op_poll_fds(const struct eng *e, int *fds, size_t max)
{
	return L(e)->rt ? rt_poll_fds(L(e)->rt, fds, max) : 0;
}

static int op_sess_open(struct eng *e, const char *user, enum eng_role role, struct eng_sess **out)
{
	struct eng_lsess *s;
	int rc = local_sess_open(L(e), user, role, &s);

	if (rc == 0)
		*out = &s->pub;
	return rc;
}

static void op_sess_close(struct eng_sess *s)
{
	local_sess_close(LS(s));
}

static int op_sess_list(struct eng_sess *s, struct eng_sess_info **out, size_t *n)
{
	return local_sess_list(LS(s), out, n);
}

static int op_sess_monitor(struct eng_sess *s, bool on)
{
	return local_sess_monitor(LS(s), on);
}

static int op_cand_begin(struct eng_sess *s)
{
	return local_cand_begin(LS(s));
}

static int op_cand_begin_exclusive(struct eng_sess *s)
{
	return local_cand_begin_exclusive(LS(s));
}

static bool op_cand_active(struct eng_sess *s)
{
	return local_cand_active(LS(s));
}

static bool op_cand_dirty(struct eng_sess *s)
{
	return local_cand_dirty(LS(s));
}

static void op_cand_discard(struct eng_sess *s)
{
	local_cand_discard(LS(s));
}

static int op_obj_get(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key,
		      void *out)
{
	return local_obj_get(LS(s), db, kind, key, out);
}

static int op_obj_put(struct eng_sess *s, enum eng_kind kind, const void *obj,
		      struct eng_diag *diag)
{
	return local_obj_put(LS(s), kind, obj, diag);
}

static int op_obj_del(struct eng_sess *s, enum eng_kind kind, const char *key)
{
	return local_obj_del(LS(s), kind, key);
}

static int op_keys(struct eng_sess *s, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
{
	return local_keys(LS(s), db, kind, out);
}

static int op_config_text(struct eng_sess *s, enum eng_db db, unsigned flags, char **out)
{
	return local_config_text(LS(s), db, flags, out);
}

static int op_obj_text(struct eng_sess *s, enum eng_db db, enum eng_kind kind, const char *key,
		       unsigned flags, char **out)
{
	return local_obj_text(LS(s), db, kind, key, flags, out);
}

static int op_config_changes(struct eng_sess *s, char **out)
{
	return local_config_changes(LS(s), out);
}

static int op_commit_impact(struct eng_sess *s, struct eng_tunnel_impact **out, size_t *n,
			    size_t *unchanged)
{
	return local_commit_impact(LS(s), out, n, unchanged);
}

static int op_secret_unseal(struct eng_sess *s, const char *sealed, char **out)
{
	return sealed_open(LS(s)->eng, sealed, out);
}

static int op_config_key_set(struct eng_sess *s, const char *passphrase)
{
	return sealed_key_set(LS(s)->eng, passphrase);
}

static int op_commit(struct eng_sess *s, const struct eng_commit_req *req, struct eng_diag *diag,
		     uint32_t *id)
{
	return local_commit(LS(s), req, diag, id);
}

static int op_confirm(struct eng_sess *s)
{
	return local_confirm(LS(s));
}

static long op_confirm_pending(const struct eng *e)
{
	return local_confirm_pending(L(e));
}

static int op_commit_list(struct eng_sess *s, struct eng_commit_info **out, size_t *n)
{
	return local_commit_list(LS(s), out, n);
}

static int op_commit_changes(struct eng_sess *s, uint32_t id, char **out)
{
	return local_commit_changes(LS(s), id, out);
}

static int op_rollback(struct eng_sess *s, unsigned n, struct eng_diag *diag)
{
	return local_rollback(LS(s), n, diag);
}

static int op_startup_save(struct eng_sess *s, struct eng_diag *diag)
{
	return local_startup_save(LS(s), diag);
}

static int op_log_text(struct eng *e, char **out)
{
	return eng_log_ring_text(&e->log, out);
}

static int op_tunnel_effective(struct eng_sess *s, enum eng_db db, const char *name,
			       struct eng_tunnel *out, struct eng_ikev2_policy *ike2,
			       struct eng_ikev1_policy *ike1, struct eng_ipsec_policy *ipsec)
{
	return local_tunnel_effective(LS(s), db, name, out, ike2, ike1, ipsec);
}

static void op_hostname(struct eng *e, char buf[ENG_HOSTNAME_MAX])
{
	const struct eng_node *n = cfg_find(L(e)->running, ENG_OBJ_GLOBAL, 0, "");

	snprintf(buf, ENG_HOSTNAME_MAX, "%s",
		 n && n->u.global.hostname[0] ? n->u.global.hostname : ENG_DEFAULT_HOSTNAME);
}

static int op_tunnel_status(struct eng_sess *s, const char *name, struct eng_tunnel_status **out,
			    size_t *n)
{
	return local_tunnel_status(LS(s)->eng, name, out, n);
}

static int op_ike_stats(struct eng_sess *s, struct eng_ike_stats *out)
{
	if (LS(s)->eng->rt)
		rt_ike_stats(LS(s)->eng->rt, out);
	return 0;
}

static int op_clear_sa(struct eng_sess *s, const char *tunnel, bool child_only)
{
	return local_clear_sa(LS(s)->eng, tunnel, child_only);
}

static int op_clear_counters(struct eng_sess *s)
{
	rt_clear_counters(LS(s)->eng->rt);
	return 0;
}

static int op_clear_peer(struct eng_sess *s, const struct eng_addr *addr)
{
	return rt_clear_peer(LS(s)->eng->rt, addr);
}

static int op_debug_set(struct eng_sess *s, unsigned flags, bool on)
{
	struct eng_log *log = local_log(LS(s)->eng);

	if (on)
		log->debug |= flags & ENG_DEBUG_ALL;
	else
		log->debug &= ~flags;
	rt_debug_changed(LS(s)->eng->rt);
	return 0;
}

static unsigned op_debug_get(const struct eng *e)
{
	return e->log.debug;
}

static int op_key_generate(struct eng_sess *s, const char *label, enum eng_key_type type,
			   unsigned bits, struct eng_diag *diag)
{
	return local_key_generate(LS(s), label, type, bits, diag);
}

static int op_key_import(struct eng_sess *s, const char *label, const char *pem, size_t len,
			 const char *passphrase, struct eng_diag *diag)
{
	return local_key_import(LS(s), label, pem, len, passphrase, diag);
}

static int op_key_zeroize(struct eng_sess *s, const char *label)
{
	return local_key_zeroize(LS(s), label);
}

static int op_key_list(struct eng_sess *s, struct eng_key_info **out, size_t *n)
{
	return local_key_list(LS(s), out, n);
}

static int op_pki_import(struct eng_sess *s, const char *tp, enum eng_pki_what what,
			 const void *data, size_t len, const char *password, struct eng_diag *diag)
{
	return local_pki_import(LS(s), tp, what, data, len, password, diag);
}

static int op_pki_enroll(struct eng_sess *s, const char *tp, char **pem, struct eng_diag *diag)
{
	return local_pki_enroll(LS(s), tp, pem, diag);
}

static int op_pki_certs(struct eng_sess *s, const char *tp, struct eng_cert_info **out, size_t *n)
{
	return local_pki_certs(LS(s), tp, out, n);
}

static int op_pki_trustpoints(struct eng_sess *s, struct eng_tp_info **out, size_t *n)
{
	return local_pki_trustpoints(LS(s), out, n);
}

static struct kernel *op_test_kernel(struct eng *e)
{
	return rt_kernel(L(e)->rt);
}

static struct fw *op_test_fw(struct eng *e)
{
	return rt_fw(L(e)->rt);
}

static int op_test_icmp_silence(struct eng *e, const struct eng_addr *server, bool silent)
{
	return rt_icmp_silence(L(e)->rt, server, silent);
}

static const struct eng_ops local_ops = {
    .name = "embedded",
    .daemon = false,
    .close = op_close,
    .next_timeout_ms = op_next_timeout_ms,
    .tick = op_tick,
    .poll_fds = op_poll_fds,
    .sess_open = op_sess_open,
    .sess_close = op_sess_close,
    .sess_list = op_sess_list,
    .sess_monitor = op_sess_monitor,
    .cand_begin = op_cand_begin,
    .cand_begin_exclusive = op_cand_begin_exclusive,
    .cand_active = op_cand_active,
    .cand_dirty = op_cand_dirty,
    .cand_discard = op_cand_discard,
    .obj_get = op_obj_get,
    .obj_put = op_obj_put,
    .obj_del = op_obj_del,
    .keys = op_keys,
    .config_text = op_config_text,
    .obj_text = op_obj_text,
    .config_changes = op_config_changes,
    .secret_unseal = op_secret_unseal,
    .config_key_set = op_config_key_set,
    .commit_impact = op_commit_impact,
    .commit = op_commit,
    .confirm = op_confirm,
    .confirm_pending = op_confirm_pending,
    .commit_list = op_commit_list,
    .commit_changes = op_commit_changes,
    .rollback = op_rollback,
    .startup_save = op_startup_save,
    .log_text = op_log_text,
    .tunnel_effective = op_tunnel_effective,
    .hostname = op_hostname,
    .tunnel_status = op_tunnel_status,
    .ike_stats = op_ike_stats,
    .clear_sa = op_clear_sa,
    .clear_counters = op_clear_counters,
    .clear_peer = op_clear_peer,
    .debug_set = op_debug_set,
    .debug_get = op_debug_get,
    .key_generate = op_key_generate,
    .key_import = op_key_import,
    .key_zeroize = op_key_zeroize,
    .key_list = op_key_list,
    .pki_import = op_pki_import,
    .pki_enroll = op_pki_enroll,
    .pki_certs = op_pki_certs,
    .pki_trustpoints = op_pki_trustpoints,
    .test_kernel = op_test_kernel,
    .test_fw = op_test_fw,
    .test_icmp_silence = op_test_icmp_silence,
};
