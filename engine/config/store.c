/*
 * store.c - configurations as sorted tables of shared nodes (copy on
 * write): nodes, tables, lookups and edits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- Nodes ---------------------------------------------------------- */

struct eng_node *node_new(enum eng_kind kind, const void *obj)
{
	struct eng_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	if (eng_obj_copy(kind, &n->u, obj) < 0) {
		free(n);
		return NULL;
	}
	n->refs = 1;
	n->kind = kind;
	/* the key lives in the object: no second copy of every name */
	if (kind == ENG_OBJ_IKEV1 || kind == ENG_OBJ_IKEV2) {
		n->num = kind == ENG_OBJ_IKEV1 ? n->u.ikev1.id : n->u.ikev2.id;
		snprintf(n->num_key, sizeof(n->num_key), "%u", n->num);
		n->key = n->num_key;
	} else if (kind == ENG_OBJ_IPSEC) {
		n->key = n->u.ipsec.name;
	} else if (kind == ENG_OBJ_TRUSTPOINT) {
		n->key = n->u.trustpoint.name;
	} else if (kind == ENG_OBJ_TUNNEL) {
		n->key = n->u.tunnel.name;
	} else {
		n->key = "";
	}
	return n;
}

struct eng_node *node_ref(struct eng_node *n)
{
	n->refs++;
	return n;
}

void node_unref(struct eng_node *n)
{
	if (!n || --n->refs)
		return;
	eng_obj_clear(n->kind, &n->u);
	eng_secret_free(n->text);
	free(n);
}

bool node_same(const struct eng_node *a, const struct eng_node *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return eng_obj_equal(a->kind, &a->u, &b->u);
}

static struct eng_obj node_obj(const struct eng_node *n)
{
	struct eng_obj o = {.kind = n->kind, .u.any = &n->u};

	return o;
}

/* Canonical text with secrets, rendered once per node. */
const char *node_text(struct eng_local *eng, struct eng_node *n)
{
	if (!n->text) {
		struct eng_obj o = node_obj(n);

		char *t = eng->codec->render(&o, ENG_TEXT_SECRETS), *fit = NULL;
		size_t len = t ? strlen(t) + 1 : 0;

		/* kept for the node's life: no slack from the renderer's buffer */
		if (t)
			fit = eng_secret_realloc(t, len, len, len);
		n->text = fit ? fit : t;
	}
	return n->text;
}

/* Text of a node for a reader: secrets in clear or masked. malloc'd. */
char *node_text_for(struct eng_local *eng, struct eng_node *n, bool secrets)
{
	struct eng_obj o = node_obj(n);
	const char *t;

	if (!secrets)
		return eng->codec->render(&o, 0);
	t = node_text(eng, n);
	return t ? strdup(t) : NULL;
}

int node_cmp(const struct eng_node *a, const struct eng_node *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == ENG_OBJ_IKEV1 || a->kind == ENG_OBJ_IKEV2)
		return a->num < b->num ? -1 : a->num > b->num;
	return strcmp(a->key, b->key);
}

/* ---- Configurations ------------------------------------------------- */

struct eng_cfg *cfg_new(void)
{
	struct eng_cfg *c = calloc(1, sizeof(*c));

	if (c)
		c->refs = 1;
	return c;
}

struct eng_cfg *cfg_ref(struct eng_cfg *c)
{
	if (c)
		c->refs++;
	return c;
}

void cfg_unref(struct eng_cfg *c)
{
	if (!c || --c->refs)
		return;
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		for (size_t i = 0; i < c->t[k].n; i++)
			node_unref(c->t[k].v[i]);
		free(c->t[k].v);
	}
	free(c);
}

struct eng_cfg *cfg_clone(const struct eng_cfg *c)
{
	struct eng_cfg *n = cfg_new();

	if (!n)
		return NULL;
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		const struct eng_tab *t = &c->t[k];

		if (!t->n)
			continue;
		n->t[k].v = malloc(t->n * sizeof(*t->v));
		if (!n->t[k].v) {
			cfg_unref(n);
			return NULL;
		}
		for (size_t i = 0; i < t->n; i++)
			n->t[k].v[i] = node_ref(t->v[i]);
		n->t[k].n = n->t[k].cap = t->n;
	}
	return n;
}

/* Index of the node with this key, or -(insertion point) - 1. */
static long tab_search(const struct eng_tab *t, enum eng_kind kind, uint32_t num, const char *key)
{
	size_t lo = 0, hi = t->n;
	bool numeric = kind == ENG_OBJ_IKEV1 || kind == ENG_OBJ_IKEV2;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct eng_node *m = t->v[mid];
		int c =
		    numeric ? (num < m->num ? -1 : num > m->num) : strcmp(key ? key : "", m->key);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -(long)lo - 1;
}

struct eng_node *cfg_find(const struct eng_cfg *c, enum eng_kind kind, uint32_t num,
			  const char *key)
{
	long i;

	if (!c || (unsigned)kind >= ENG_OBJ_KINDS)
		return NULL;
	i = tab_search(&c->t[kind], kind, num, key);
	return i >= 0 ? c->t[kind].v[i] : NULL;
}

/* Insert or replace; takes over the caller's reference to n. */
int cfg_set(struct eng_cfg *c, struct eng_node *n)
{
	struct eng_tab *t = &c->t[n->kind];
	long i = tab_search(t, n->kind, n->num, n->key);
	size_t at;

	if (i >= 0) {
		node_unref(t->v[i]);
		t->v[i] = n;
		return 0;
	}
	at = (size_t)(-i - 1);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct eng_node **v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memmove(t->v + at + 1, t->v + at, (t->n - at) * sizeof(*t->v));
	t->v[at] = n;
	t->n++;
	return 0;
}

bool cfg_remove(struct eng_cfg *c, enum eng_kind kind, uint32_t num, const char *key)
{
	struct eng_tab *t = &c->t[kind];
	long i = tab_search(t, kind, num, key);

	if (i < 0)
		return false;
	node_unref(t->v[i]);
	memmove(t->v + i, t->v + i + 1, (t->n - (size_t)i - 1) * sizeof(*t->v));
	t->n--;
	return true;
}

bool cfg_equal(const struct eng_cfg *a, const struct eng_cfg *b)
{
	if (a == b)
		return true;
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		if (a->t[k].n != b->t[k].n)
			return false;
		for (size_t i = 0; i < a->t[k].n; i++)
			if (node_cmp(a->t[k].v[i], b->t[k].v[i]) ||
			    !node_same(a->t[k].v[i], b->t[k].v[i]))
				return false;
	}
	return true;
}
