/*
 * model.h - the model layer's face: what every engine layer above it
 * shares besides engine.h's value types.  Growing strings, object
 * helpers, durable files, and the log and the clock.
 *
 * The model holds no engine state of its own: the log is a struct the
 * engine owns (struct eng_log) and hands to the layers that write to it.
 */
#ifndef IKESH_MODEL_H
#define IKESH_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine.h"

#define ENG_USER_MAX 32
#define ENG_LOG_RING 256

/* ---- A growing string (vocab.c) -------------------------------------- */

struct ebuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void ebuf_reserve(struct ebuf *b, size_t n);
void ebuf_add(struct ebuf *b, const char *s, size_t n);
void ebuf_adds(struct ebuf *b, const char *s);
void ebuf_addf(struct ebuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ebuf_take(struct ebuf *b);
void eng_diag_vaddf(struct eng_diag *d, const char *fmt, va_list ap);

/* ---- Objects (objects.c, effective.c) -------------------------------- */

union eng_any {
	struct eng_global global;
	struct eng_ikev1_policy ikev1;
	struct eng_ikev2_policy ikev2;
	struct eng_ipsec_policy ipsec;
	struct eng_trustpoint trustpoint;
	struct eng_tunnel tunnel;
};

size_t eng_kind_size(enum eng_kind kind);
const char *eng_kind_label(enum eng_kind kind);
int eng_key_parse(enum eng_kind kind, const char *key, uint32_t *num);
void eng_obj_key(enum eng_kind kind, const void *obj, char *key, size_t len);
int eng_obj_check(enum eng_kind kind, const void *obj, struct eng_diag *diag);
bool eng_global_is_default(const struct eng_global *g);
/* The tunnel-level defaults of eng_tunnel_effective(), applied in place
 * to a copy of the tunnel; ip: its ipsec-policy, already effective. */
void eng_tunnel_defaults(struct eng_tunnel *t, const struct eng_ipsec_policy *ip);
/* What a tunnel's configuration asks for that the engine does not do yet
 * ("mobike, icmp-detect"), "" if nothing. */
void eng_tunnel_not_in_effect(const struct eng_tunnel *t, char *buf, size_t len);

/* ---- What a commit does to a tunnel's SAs (impact.c) ------------------- */

/* A tunnel with its defaults resolved (eng_tunnel_defaults) and its
 * policies, effective: what the runtime negotiates with. */
struct eng_tunnel_eff {
	struct eng_tunnel t;
	struct eng_ikev2_policy ike2;
	struct eng_ipsec_policy ipsec;
};

/* old/new_: the tunnel in running / the candidate, NULL when absent.  why
 * gets the settings that changed, the ones that force new SAs first. */
enum eng_sa_impact eng_tunnel_impact(const struct eng_tunnel_eff *old,
				     const struct eng_tunnel_eff *new_, char *why, size_t len);

/* ---- Durable files (durable.c) ---------------------------------------- */

int eng_write_atomic(const char *dir, const char *name, const char *const *parts, size_t n);
int eng_link_atomic(const char *src, const char *dir, const char *name);
int eng_read_file(const char *path, char **out, size_t *len);
int eng_mkdirs(const char *path);
bool eng_fsync_enabled(void);
/* The state directory's lock (DIR/lock): its descriptor, -EBUSY with the
 * holder's pid in *holder (0 when unknown) when another engine has it. */
int eng_lock_dir(const char *dir, long *holder);

/* ---- The log and the clock (log.c) ------------------------------------ */

struct eng_logent {
	time_t when;
	enum eng_log_level level;
	char msg[200];
};

/*
 * The engine's log: a ring of recent messages (`show logging`), the
 * callback that hands every message to the program, and the debug
 * categories that are on.  DEBUG messages go to the callback only.
 */
struct eng_log {
	void (*cb)(void *arg, enum eng_log_level level, const char *msg);
	void *arg;
	unsigned debug; /* ENG_DEBUG_* */
	struct eng_logent ring[ENG_LOG_RING];
	size_t head, n;
};

void eng_logf(struct eng_log *log, enum eng_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A debug message of one ENG_DEBUG_* category, when that debug is on. */
void eng_debugf(struct eng_log *log, unsigned flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The ring as "TIME LEVEL message" lines, oldest first; malloc'd. */
int eng_log_ring_text(const struct eng_log *log, char **out);

/* Wall-clock milliseconds since the epoch (the test clock when set). */
int64_t eng_now_ms(void);

#endif /* IKESH_MODEL_H */
