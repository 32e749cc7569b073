/*
 * eng_int.h - the configuration store's internals, shared by the engine/ sources.
 *
 * A configuration is a set of sorted tables of nodes, one table per kind.
 * A node holds one object and never changes once a second table refers
 * to it: editing a candidate replaces the node (copy on write), so a new
 * candidate is a copy of running's pointer tables, commits share every
 * untouched node, and "did this object change" is first a pointer test.
 */
#ifndef IKESH_ENG_INT_H
#define IKESH_ENG_INT_H

#include <stdarg.h>

#include "engine.h"

#define ENG_USER_MAX	   32
#define ENG_LOG_RING	   256
#define ENG_HISTORY_KEEP   (ENG_ROLLBACK_MAX + 1)
#define ENG_TOMBSTONES_MAX 1024

union eng_any {
	struct eng_global global;
	struct eng_ikev1_policy ikev1;
	struct eng_ikev2_policy ikev2;
	struct eng_ipsec_policy ipsec;
	struct eng_tunnel tunnel;
};

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

/* A growing string. */
struct ebuf {
	char *s;
	size_t len, cap;
	bool oom;
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

struct eng_logent {
	time_t when;
	enum eng_log_level level;
	char msg[200];
};

struct eng {
	struct eng_opts opts;
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
	struct eng_logent log[ENG_LOG_RING];
	size_t log_head, log_n;
	unsigned n_sess;
	struct eng_rt *rt;	   /* the IKE runtime, NULL: configuration only */
	char rt_error[256];	   /* why the runtime could not start, "" if not asked */
	unsigned debug;		   /* ENG_DEBUG_* */
	struct ctl_remote *remote; /* non-NULL: the engine is ikeshd's (ctl/) */
	struct eng_sess *sessions; /* every open session, newest first */
	struct eng_sess *excl;	   /* holds `configure exclusive`, or NULL */
	int lock_fd;		   /* state_dir/lock, held while open */
	bool locked;
};

/* A session of a remote engine: every call goes to the daemon. */
#define ENG_REMOTE(s) ((s) && (s)->eng->remote)

struct eng_sess {
	struct eng *eng;
	char user[ENG_USER_MAX];
	enum eng_role role;
	struct eng_cfg *cand; /* private candidate, NULL when none */
	struct eng_cfg *base; /* running as it was when cand was made */
	uint64_t base_gen;
	time_t since;
	bool monitor;	       /* terminal monitor */
	struct eng_sess *next; /* eng->sessions */
};

/* vocab.c */
void ebuf_reserve(struct ebuf *b, size_t n);
void ebuf_add(struct ebuf *b, const char *s, size_t n);
void ebuf_adds(struct ebuf *b, const char *s);
void ebuf_addf(struct ebuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ebuf_take(struct ebuf *b);
void eng_diag_vaddf(struct eng_diag *d, const char *fmt, va_list ap);

/* objects.c */
size_t eng_kind_size(enum eng_kind kind);
const char *eng_kind_label(enum eng_kind kind);
int eng_key_parse(enum eng_kind kind, const char *key, uint32_t *num);
void eng_obj_key(enum eng_kind kind, const void *obj, char *key, size_t len);
int eng_obj_check(enum eng_kind kind, const void *obj, struct eng_diag *diag);
bool eng_global_is_default(const struct eng_global *g);

/* store.c */
struct eng_node *node_new(enum eng_kind kind, const void *obj);
struct eng_node *node_ref(struct eng_node *n);
void node_unref(struct eng_node *n);
bool node_same(const struct eng_node *a, const struct eng_node *b);
const char *node_text(struct eng *eng, struct eng_node *n);
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
char *cfg_render(struct eng *eng, const struct eng_cfg *c, bool secrets);
int cfg_parts(struct eng *eng, const struct eng_cfg *c, const char ***parts, size_t *n);
void diff_block(struct eng *eng, struct ebuf *out, const char *old, const char *new_);
int cfg_diff(struct eng *eng, const struct eng_cfg *from, const struct eng_cfg *to, char **out);
int text_diff(struct eng *eng, const char *from, const char *to, char **out);

/* validate.c */
void eng_validate(const struct eng_cfg *c, struct eng_diag *diag);

/* commit.c */
int64_t eng_now_ms(void);
void eng_logf(struct eng *eng, enum eng_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int eng_load_text(struct eng *eng, const char *text, size_t len, const char *origin,
		  struct eng_diag *diag, struct eng_cfg **out);

int eng_cand_refresh(struct eng_sess *s);

/* runtime.c: the IKE runtime; every function is a no-op without one */
int eng_rt_open(struct eng *eng, struct eng_diag *diag);
void eng_rt_close(struct eng *eng);
void eng_rt_sync(struct eng *eng);	       /* running changed */
int64_t eng_rt_next_ms(const struct eng *eng); /* absolute eng_now_ms() time, -1 = none */
/* A debug message of one ENG_DEBUG_* category, when that debug is on. */
void eng_debugf(struct eng *eng, unsigned flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void eng_rt_tick(struct eng *eng);

/* durable.c */
int eng_write_atomic(const char *dir, const char *name, const char *const *parts, size_t n);
int eng_link_atomic(const char *src, const char *dir, const char *name);
int eng_read_file(const char *path, char **out, size_t *len);
int eng_mkdirs(const char *path);
bool eng_fsync_enabled(void);
/* The state directory's lock (DIR/lock): its descriptor, -EBUSY with the
 * holder's pid in *holder (0 when unknown) when another engine has it. */
int eng_lock_dir(const char *dir, long *holder);

#endif /* IKESH_ENG_INT_H */
