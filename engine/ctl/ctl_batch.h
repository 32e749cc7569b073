/*
 * ctl_batch.h - the remote engine's batched edits (engine.h, "Batched
 * edits"): the candidate edits a session made and has not sent yet, and
 * what it knows of the candidate's keys, in one hash table by kind and
 * key.  Internal to engine/ctl.
 */
#ifndef IKESH_CTL_BATCH_H
#define IKESH_CTL_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"

/* Edits held before they are sent, whatever the script's length. */
#define CTL_BATCH_HOLD 1024
/* Objects of a kind asked for one by one before the batch asks for all
 * the candidate's keys of the kind at once. */
#define CTL_BATCH_ASK 8

/* The daemon's candidate, as the batch last learnt it. */
enum ctl_base {
	CTL_BASE_UNKNOWN = 0, /* absent when the kind's keys are known */
	CTL_BASE_THERE,
	CTL_BASE_ABSENT,
};

/* What the session did to it since (queued unless NONE). */
enum ctl_edit_state {
	CTL_EDIT_NONE = 0,
	CTL_EDIT_PUT, /* obj holds it */
	CTL_EDIT_DEL, /* sent only when the daemon has it */
};

struct ctl_edit {
	struct ctl_edit *next; /* hash chain */
	enum eng_kind kind;
	enum ctl_base base;
	enum ctl_edit_state state;
	bool queued;
	unsigned tag;
	union eng_any *obj; /* CTL_EDIT_PUT only */
	char key[ENG_NAME_MAX];
};

struct ctl_batch {
	bool on;
	bool cand; /* the session's candidate is known to be there */
	unsigned tag;
	/* the table holds every key of the kind the candidate has */
	bool known[ENG_OBJ_KINDS];
	unsigned asked[ENG_OBJ_KINDS];
	struct ctl_edit **slot;
	size_t n_slot, used;
	/* the edits to send, in the order they were first made */
	struct ctl_edit **queue;
	size_t n_queue, cap_queue;
	/* the first edit refused when it was applied */
	int failed;
	unsigned failed_tag;
	struct eng_diag failed_diag;
};

/* The entry of (kind, key), or NULL. */
struct ctl_edit *ctl_batch_find(const struct ctl_batch *b, enum eng_kind kind, const char *key);
/* The entry of (kind, key), made (base unknown, no edit) when new; NULL on ENOMEM. */
struct ctl_edit *ctl_batch_add(struct ctl_batch *b, enum eng_kind kind, const char *key);
/* A put (a deep copy of obj) or a delete of e, queued with the current tag. */
int ctl_batch_put(struct ctl_batch *b, struct ctl_edit *e, const void *obj);
int ctl_batch_del(struct ctl_batch *b, struct ctl_edit *e);
/*
 * The CTL_BATCH payload of the queued edits from *from on, as many as fit
 * in CTL_REQ_MAX (at least one); *from moves past them.  A delete of what
 * the daemon does not have (put and deleted here) is no edit at all; *n:
 * how many edits the payload has.  Payload: u32
 * count, then per edit u8 1 (put) + u32 kind + the object, or u8 2
 * (delete) + u32 kind + the key.  The reply: the first refusal's rc (0
 * when all were applied), u32 how many were applied, its diagnostics.
 */
int ctl_batch_encode(const struct ctl_batch *b, size_t *from, struct ebuf *req, uint32_t *n);
/* The index in the queue of the nth edit sent from queue index first on
 * (n_queue past the end). */
size_t ctl_batch_edit_at(const struct ctl_batch *b, size_t first, uint32_t nth);
/* The queued edits were applied (or are given up): the queue empties,
 * and what they did is the daemon's. */
void ctl_batch_sent(struct ctl_batch *b);
/* The candidate may have changed behind the table: forget what it knew
 * (the queue must be empty). */
void ctl_batch_forget(struct ctl_batch *b);
/* Everything freed, secrets wiped; the batch is off. */
void ctl_batch_free(struct ctl_batch *b);

#endif /* IKESH_CTL_BATCH_H */
