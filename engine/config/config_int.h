/*
 * config_int.h - the local engine's internals, shared by the config/
 * sources: the configuration store, sessions and candidates, commit,
 * history, `commit confirmed`, and the IKE runtime it drives.
 *
 * A configuration is a set of sorted tables of nodes, one table per kind.
 * A node holds one object and never changes once a second table refers
 * to it: editing a candidate replaces the node (copy on write), so a new
 * candidate is a copy of running's pointer tables, commits share every
 * untouched node, and "did this object change" is first a pointer test.
 */
#ifndef IKESH_CONFIG_INT_H
#define IKESH_CONFIG_INT_H

#include <stdarg.h>

#include "eng_ops.h"
#include "model.h"
#include "pki.h"
#include "runtime.h"

#define ENG_HISTORY_KEEP   (ENG_ROLLBACK_MAX + 1)
#define ENG_TOMBSTONES_MAX 1024

struct eng_node {
	unsigned refs;
	enum eng_kind kind;
	uint32_t num;	 /* policy id; 0 for named kinds */
	const char *key; /* the key as text: num_key, the name in u, or "" */
	char num_key[6];
	char *text;	 /* cached canonical text with secrets, or NULL */
	uint32_t commit; /* the commit that made this version (0: loaded) */
	time_t when;	 /* and when */
	union eng_any u; /* the object (deep: owns its strings) */
};

struct eng_tab {
	size_t n, cap;
	struct eng_node **v;
};

struct eng_cfg {
	unsigned refs;
	struct eng_tab t[ENG_OBJ_KINDS];
};

struct eng_tomb {
	enum eng_kind kind;
	char key[ENG_NAME_MAX];
	char user[ENG_USER_MAX];
	time_t when;
	uint64_t gen; /* running generation that removed it */
};

struct eng_hist {
	uint32_t id;
	char user[ENG_USER_MAX];
	time_t when;
	char comment[128];
};

/* The local engine: struct eng first (eng_ops.h). */
struct eng_local {
	struct eng pub;
	char *state_dir, *run_dir;
	const struct eng_codec *codec;
	struct eng_cfg *running;
	uint64_t gen; /* bumped at every change of running */
	uint32_t last_id;
	/* history, newest first */
	struct eng_hist hist[ENG_HISTORY_KEEP];
	size_t n_hist;
	/* a pending `commit confirmed` */
	bool confirm_pending;
	int64_t confirm_deadline_ms;
	uint32_t confirm_id, confirm_prev_id;
	struct eng_cfg *confirm_prev; /* NULL: load history confirm_prev_id */
	/* deletions, for "changed by USER at TIME" on removed objects */
	struct eng_tomb *tombs;
	size_t n_tombs;
	unsigned n_sess;
	struct eng_rt *rt;	    /* the IKE runtime, NULL: configuration only */
	struct pki *pki;	    /* key pairs and certificates (state_dir/pki) */
	char rt_error[256];	    /* why the runtime could not start, "" if not asked */
	struct eng_lsess *sessions; /* every open session, newest first */
	struct eng_lsess *excl;	    /* holds `configure exclusive`, or NULL */
	int lock_fd;		    /* state_dir/lock, held while open */
	bool locked;
};

/* A session of the local engine: struct eng_sess first. */
struct eng_lsess {
	struct eng_sess pub;
	struct eng_local *eng;
	struct eng_cfg *cand; /* private candidate, NULL when none */
	struct eng_cfg *base; /* running as it was when cand was made */
	uint64_t base_gen;
	time_t since;
	bool monitor;		/* terminal monitor */
	struct eng_lsess *next; /* eng->sessions */
};

static inline struct eng_local *local_of(const struct eng *e)
{
	return eng_container_of(e, struct eng_local, pub);
}

static inline struct eng_lsess *lsess_of(const struct eng_sess *s)
{
	return eng_container_of(s, struct eng_lsess, pub);
}

static inline struct eng_log *local_log(struct eng_local *eng)
{
	return &eng->pub.log;
}

/* store.c: nodes and tables; text.c: canonical text and diffs */
struct eng_node *node_new(enum eng_kind kind, const void *obj);
struct eng_node *node_ref(struct eng_node *n);
void node_unref(struct eng_node *n);
bool node_same(const struct eng_node *a, const struct eng_node *b);
const char *node_text(struct eng_local *eng, struct eng_node *n);
/* The node's text with secrets or masked; malloc'd. */
char *node_text_for(struct eng_local *eng, struct eng_node *n, bool secrets);
struct eng_cfg *cfg_new(void);
struct eng_cfg *cfg_ref(struct eng_cfg *c);
void cfg_unref(struct eng_cfg *c);
struct eng_cfg *cfg_clone(const struct eng_cfg *c);
struct eng_node *cfg_find(const struct eng_cfg *c, enum eng_kind kind, uint32_t num,
			  const char *key);
int cfg_set(struct eng_cfg *c, struct eng_node *n);
bool cfg_remove(struct eng_cfg *c, enum eng_kind kind, uint32_t num, const char *key);
bool cfg_equal(const struct eng_cfg *a, const struct eng_cfg *b);
int node_cmp(const struct eng_node *a, const struct eng_node *b);
char *cfg_render(struct eng_local *eng, const struct eng_cfg *c, bool secrets);
int cfg_parts(struct eng_local *eng, const struct eng_cfg *c, const char ***parts, size_t *n);
void diff_block(struct eng_local *eng, struct ebuf *out, const char *old, const char *new_);
int cfg_diff(struct eng_local *eng, const struct eng_cfg *from, const struct eng_cfg *to,
	     char **out);
int text_diff(struct eng_local *eng, const char *from, const char *to, char **out);

/* sealed.c: secrets sealed under the config-key */
int sealed_key_set(struct eng_local *eng, const char *pass);
int sealed_open(struct eng_local *eng, const char *text, char **out);
char *node_text_sealed(struct eng_local *eng, struct eng_node *n);
int cfg_render_sealed(struct eng_local *eng, const struct eng_cfg *c, char **out);

/* validate.c */
void eng_validate(const struct eng_cfg *c, struct eng_diag *diag);

/* pki_local.c: key pairs and certificates */
int local_pki_open(struct eng_local *eng, struct eng_diag *diag);
void local_pki_close(struct eng_local *eng);
void local_pki_validate(struct eng_local *eng, const struct eng_cfg *c, struct eng_diag *d);
struct pki_creds *local_pki_creds(struct eng_local *eng, const struct eng_tab *tunnels);
int local_key_generate(struct eng_lsess *s, const char *label, enum eng_key_type type,
		       unsigned bits, struct eng_diag *diag);
int local_key_import(struct eng_lsess *s, const char *label, const char *pem, size_t len,
		     const char *passphrase, struct eng_diag *diag);
int local_key_zeroize(struct eng_lsess *s, const char *label);
int local_key_list(struct eng_lsess *s, struct eng_key_info **out, size_t *n);
int local_pki_import(struct eng_lsess *s, const char *name, enum eng_pki_what what,
		     const void *data, size_t len, const char *password, struct eng_diag *diag);
int local_pki_enroll(struct eng_lsess *s, const char *name, char **pem, struct eng_diag *diag);
int local_pki_certs(struct eng_lsess *s, const char *name, struct eng_cert_info **out, size_t *n);
int local_pki_trustpoints(struct eng_lsess *s, struct eng_tp_info **out, size_t *n);

/* sess.c: sessions and candidates; objapi.c: objects and their text */
int local_sess_open(struct eng_local *eng, const char *user, enum eng_role role,
		    struct eng_lsess **out);
void local_sess_close(struct eng_lsess *sess);
int local_sess_list(struct eng_lsess *sess, struct eng_sess_info **out, size_t *n);
int local_sess_monitor(struct eng_lsess *sess, bool on);
int local_cand_begin(struct eng_lsess *sess);
int local_cand_begin_exclusive(struct eng_lsess *sess);
bool local_cand_active(const struct eng_lsess *sess);
bool local_cand_dirty(const struct eng_lsess *sess);
void local_cand_discard(struct eng_lsess *sess);
int local_obj_get(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		  void *out);
int local_obj_put(struct eng_lsess *sess, enum eng_kind kind, const void *obj,
		  struct eng_diag *diag);
int local_obj_del(struct eng_lsess *sess, enum eng_kind kind, const char *key);
int local_keys(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, struct eng_keys *out);
int local_config_text(struct eng_lsess *sess, enum eng_db db, unsigned flags, char **out);
int local_obj_text(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		   unsigned flags, char **out);

/* commit.c */
int eng_cand_refresh(struct eng_lsess *s);
int apply(struct eng_local *eng, struct eng_cfg *next, const char *user, const char *comment,
	  unsigned confirm_minutes, uint32_t *id);
int local_config_changes(struct eng_lsess *sess, char **out);
int local_commit_impact(struct eng_lsess *sess, struct eng_tunnel_impact **out, size_t *n,
			size_t *unchanged);
/* preview.c */
int cfg_impact(const struct eng_cfg *from, const struct eng_cfg *to, struct eng_tunnel_impact **out,
	       size_t *n, size_t *unchanged);
int local_commit(struct eng_lsess *sess, const struct eng_commit_req *req, struct eng_diag *diag,
		 uint32_t *id);

/* history.c */
void hist_path(const struct eng_local *eng, uint32_t id, char *buf, size_t len);
void clean_line(char *dst, size_t len, const char *src);
void remove_temps(const char *dir);
int hist_scan(struct eng_local *eng);
int hist_load_text(struct eng_local *eng, uint32_t id, char **text, size_t *len);
void free_secret_text(char *s, size_t len);
void share_nodes(struct eng_cfg *c, const struct eng_cfg *base);
int local_commit_list(struct eng_lsess *sess, struct eng_commit_info **out, size_t *n);
int local_commit_changes(struct eng_lsess *sess, uint32_t id, char **out);
int local_rollback(struct eng_lsess *sess, unsigned n, struct eng_diag *diag);

/* confirm.c */
int confirm_write(struct eng_local *eng);
void confirm_clear(struct eng_local *eng);
int confirm_save_prev(struct eng_local *eng, uint32_t id);
int confirm_read(struct eng_local *eng);
int confirmed_config(struct eng_local *eng, struct eng_cfg **out);
int revert_confirmed(struct eng_local *eng);
int local_confirm(struct eng_lsess *sess);
long local_confirm_pending(const struct eng_local *eng);

/* startup.c */
int eng_load_text(struct eng_local *eng, const char *text, size_t len, const char *origin,
		  struct eng_diag *diag, struct eng_cfg **out);
int load_file(struct eng_local *eng, const char *path, const char *origin, struct eng_diag *diag);
int local_startup_save(struct eng_lsess *sess, struct eng_diag *diag);

/* local.c */
void local_rt_sync(struct eng_local *eng); /* running changed */
int local_next_timeout_ms(const struct eng_local *eng);
void local_tick(struct eng_local *eng);
void local_close(struct eng_local *eng);

#endif /* IKESH_CONFIG_INT_H */
