/*
 * ctl_batch.c - the table of a remote session's batched edits: entries
 * found by a hash of kind and key, the queue of edits to send and its
 * encoding as CTL_BATCH requests.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_batch.h"

static size_t key_hash(enum eng_kind kind, const char *key)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

struct ctl_edit *ctl_batch_find(const struct ctl_batch *b, enum eng_kind kind, const char *key)
{
	struct ctl_edit *e;

	if (!b->n_slot)
		return NULL;
	e = b->slot[key_hash(kind, key) & (b->n_slot - 1)];
	for (; e; e = e->next)
		if (e->kind == kind && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static int grow(struct ctl_batch *b)
{
	size_t n = b->n_slot ? b->n_slot * 2 : 256;
	struct ctl_edit **slot = calloc(n, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_slot; i++) {
		struct ctl_edit *e = b->slot[i], *next;

		for (; e; e = next) {
			size_t h = key_hash(e->kind, e->key) & (n - 1);

			next = e->next;
			e->next = slot[h];
			slot[h] = e;
		}
	}
	free(b->slot);
	b->slot = slot;
	b->n_slot = n;
	return 0;
}

struct ctl_edit *ctl_batch_add(struct ctl_batch *b, enum eng_kind kind, const char *key)
{
	struct ctl_edit *e = ctl_batch_find(b, kind, key);
	size_t h;

	if (e)
		return e;
	if (strlen(key) >= sizeof(e->key))
		return NULL;
	if (b->used + 1 > b->n_slot / 4 * 3 && grow(b))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->kind = kind;
	memcpy(e->key, key, strlen(key) + 1);
	h = key_hash(kind, key) & (b->n_slot - 1);
	e->next = b->slot[h];
	b->slot[h] = e;
	b->used++;
	return e;
}

static void edit_clear(struct ctl_edit *e)
{
	if (e->obj) {
		eng_obj_clear(e->kind, e->obj); /* a tunnel's key is a secret */
		free(e->obj);
		e->obj = NULL;
	}
}

static int enqueue(struct ctl_batch *b, struct ctl_edit *e)
{
	e->tag = b->tag;
	if (e->queued)
		return 0;
	if (b->n_queue == b->cap_queue) {
		size_t cap = b->cap_queue ? b->cap_queue * 2 : 64;
		struct ctl_edit **q = realloc(b->queue, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		b->queue = q;
		b->cap_queue = cap;
	}
	b->queue[b->n_queue++] = e;
	e->queued = true;
	return 0;
}

int ctl_batch_put(struct ctl_batch *b, struct ctl_edit *e, const void *obj)
{
	union eng_any *copy = calloc(1, sizeof(*copy));
	int rc;

	if (!copy)
		return -ENOMEM;
	rc = eng_obj_copy(e->kind, copy, obj);
	if (rc == 0)
		rc = enqueue(b, e);
	if (rc) {
		eng_obj_clear(e->kind, copy);
		free(copy);
		return rc;
	}
	edit_clear(e);
	e->obj = copy;
	e->state = CTL_EDIT_PUT;
	return 0;
}

int ctl_batch_del(struct ctl_batch *b, struct ctl_edit *e)
{
	int rc = enqueue(b, e);

	if (rc)
		return rc;
	edit_clear(e);
	e->state = CTL_EDIT_DEL;
	return 0;
}

/* Whether a queued edit goes to the daemon. */
static bool sent_as_edit(const struct ctl_edit *e)
{
	return e->state == CTL_EDIT_PUT || (e->state == CTL_EDIT_DEL && e->base == CTL_BASE_THERE);
}

int ctl_batch_encode(const struct ctl_batch *b, size_t *from, struct ebuf *req, uint32_t *n)
{
	uint32_t count = 0;
	size_t count_at;

	wb_u32(req, 0);
	count_at = req->len - 4;
	for (; *from < b->n_queue; (*from)++) {
		const struct ctl_edit *e = b->queue[*from];
		size_t before = req->len;

		if (!sent_as_edit(e))
			continue;
		wb_u8(req, e->state == CTL_EDIT_PUT ? 1 : 2);
		wb_u32(req, e->kind);
		if (e->state == CTL_EDIT_PUT)
			wb_obj(req, e->kind, e->obj);
		else
			wb_str(req, e->key);
		if (req->oom)
			return -ENOMEM;
		if (req->len > CTL_REQ_MAX) {
			if (count == 0)
				return -EMSGSIZE; /* one object can never be this long */
			eng_wipe(req->s + before, req->len - before);
			req->len = before;
			break;
		}
		count++;
	}
	if (req->oom)
		return -ENOMEM;
	memcpy(req->s + count_at, &count, 4);
	*n = count;
	return 0;
}

size_t ctl_batch_edit_at(const struct ctl_batch *b, size_t first, uint32_t nth)
{
	for (size_t i = first; i < b->n_queue; i++)
		if (sent_as_edit(b->queue[i]) && nth-- == 0)
			return i;
	return b->n_queue;
}

void ctl_batch_sent(struct ctl_batch *b)
{
	for (size_t i = 0; i < b->n_queue; i++) {
		struct ctl_edit *e = b->queue[i];

		if (e->state == CTL_EDIT_PUT)
			e->base = CTL_BASE_THERE;
		else if (e->state == CTL_EDIT_DEL)
			e->base = CTL_BASE_ABSENT;
		e->state = CTL_EDIT_NONE;
		e->queued = false;
		edit_clear(e);
	}
	b->n_queue = 0;
}

static void free_entries(struct ctl_batch *b)
{
	for (size_t i = 0; i < b->n_slot; i++) {
		struct ctl_edit *e = b->slot[i], *next;

		for (; e; e = next) {
			next = e->next;
			edit_clear(e);
			free(e);
		}
		b->slot[i] = NULL;
	}
	b->used = 0;
	b->n_queue = 0;
}

void ctl_batch_forget(struct ctl_batch *b)
{
	/* held edits stay until they are sent or given up */
	if (b->n_queue == 0)
		free_entries(b);
	memset(b->known, 0, sizeof(b->known));
	memset(b->asked, 0, sizeof(b->asked));
	b->cand = false;
}

void ctl_batch_free(struct ctl_batch *b)
{
	free_entries(b);
	free(b->slot);
	free(b->queue);
	eng_diag_free(&b->failed_diag);
	memset(b, 0, sizeof(*b));
}
