/*
 * store.c - configurations as sorted tables of shared nodes, sessions and
 * their private candidates, reading and editing objects, canonical text
 * and the +/- view of changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_int.h"
#include "ctl/ctl.h"

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
const char *node_text(struct eng *eng, struct eng_node *n)
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
static char *node_text_for(struct eng *eng, struct eng_node *n, bool secrets)
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

char *cfg_render(struct eng *eng, const struct eng_cfg *c, bool secrets)
{
	struct ebuf b = {0};
	size_t total = 1;

	/* one allocation of the right size: 10,000 tunnels are megabytes, and
	 * growing by doubling would hold two copies at the peak */
	for (int k = 0; k < ENG_OBJ_KINDS; k++)
		for (size_t i = 0; i < c->t[k].n; i++) {
			const char *t = node_text(eng, c->t[k].v[i]);

			total += (t ? strlen(t) : 0) + 32; /* a masked secret may be longer */
		}
	ebuf_reserve(&b, total);
	ebuf_adds(&b, "");
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		for (size_t i = 0; i < c->t[k].n; i++) {
			struct eng_node *n = c->t[k].v[i];

			if (secrets) {
				const char *t = node_text(eng, n);

				if (!t)
					goto oom;
				ebuf_adds(&b, t);
			} else {
				char *t = node_text_for(eng, n, false);

				if (!t)
					goto oom;
				ebuf_adds(&b, t);
				free(t);
			}
		}
	}
	return ebuf_take(&b);
oom:
	eng_secret_free(ebuf_take(&b));
	return NULL;
}

/*
 * The canonical text with secrets as a list of the nodes' cached texts,
 * after one empty slot at the front (for a header), for writing
 * without building one large string.  Release the list with free().
 */
int cfg_parts(struct eng *eng, const struct eng_cfg *c, const char ***parts, size_t *n)
{
	size_t total = 1, k = 1;
	const char **v;

	for (int i = 0; i < ENG_OBJ_KINDS; i++)
		total += c->t[i].n;
	v = calloc(total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < ENG_OBJ_KINDS; i++) {
		for (size_t j = 0; j < c->t[i].n; j++) {
			v[k] = node_text(eng, c->t[i].v[j]);
			if (!v[k++]) {
				free(v);
				return -ENOMEM;
			}
		}
	}
	*parts = v;
	*n = total;
	return 0;
}

/* ---- Changes as +/- lines --------------------------------------------- */

struct lines {
	size_t n;
	const char **s;
	size_t *len;
};

static int split_lines(const char *text, struct lines *l)
{
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			const char **s = realloc(l->s, nc * sizeof(*s));
			size_t *ln;

			if (!s)
				return -ENOMEM;
			l->s = s;
			ln = realloc(l->len, nc * sizeof(*ln));
			if (!ln)
				return -ENOMEM;
			l->len = ln;
			cap = nc;
		}
		l->s[l->n] = p;
		l->len[l->n++] = len;
		p += len + (nl != NULL);
	}
	return 0;
}

static void lines_free(struct lines *l)
{
	free(l->s);
	free(l->len);
}

static void emit_line(struct eng *eng, struct ebuf *out, const char *prefix, const char *s,
		      size_t len)
{
	char *line = strndup(s, len);
	char *masked = line ? eng->codec->mask(line) : NULL;

	ebuf_adds(out, prefix);
	if (masked)
		ebuf_adds(out, masked);
	else
		ebuf_adds(out, "*****"); /* cannot mask: show nothing of it */
	ebuf_adds(out, "\n");
	free(masked);
	if (line) {
		eng_wipe(line, len);
		free(line);
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

/*
 * One object's block, old against new: a longest-common-subsequence line
 * diff, every line shown ("  " kept, "- " removed, "+ " added), secrets
 * masked.  Blocks are a few dozen lines, so the quadratic table is small.
 */
void diff_block(struct eng *eng, struct ebuf *out, const char *old, const char *new_)
{
	struct lines a, b;
	unsigned *t = NULL;
	size_t i, j, w;

	if (split_lines(old, &a) || split_lines(new_, &b))
		goto oom;
	w = b.n + 1;
	t = calloc((a.n + 1) * w, sizeof(*t));
	if (!t)
		goto oom;
	for (i = a.n; i-- > 0;)
		for (j = b.n; j-- > 0;)
			t[i * w + j] =
			    line_eq(&a, i, &b, j)
				? t[(i + 1) * w + j + 1] + 1
				: (t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j]
									 : t[i * w + j + 1]);
	i = j = 0;
	while (i < a.n || j < b.n) {
		if (i < a.n && j < b.n && line_eq(&a, i, &b, j)) {
			emit_line(eng, out, "  ", a.s[i], a.len[i]);
			i++;
			j++;
		} else if (i < a.n && (j == b.n || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			emit_line(eng, out, "- ", a.s[i], a.len[i]);
			i++;
		} else {
			emit_line(eng, out, "+ ", b.s[j], b.len[j]);
			j++;
		}
	}
	free(t);
	lines_free(&a);
	lines_free(&b);
	return;
oom:
	out->oom = true;
	free(t);
	lines_free(&a);
	lines_free(&b);
}

int cfg_diff(struct eng *eng, const struct eng_cfg *from, const struct eng_cfg *to, char **out)
{
	struct ebuf b = {0};

	ebuf_adds(&b, "");
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		const struct eng_tab *x = &from->t[k], *y = &to->t[k];
		size_t i = 0, j = 0;

		while (i < x->n || j < y->n) {
			int c = i == x->n ? 1 : j == y->n ? -1 : node_cmp(x->v[i], y->v[j]);

			if (c == 0) {
				if (!node_same(x->v[i], y->v[j]))
					diff_block(eng, &b, node_text(eng, x->v[i]),
						   node_text(eng, y->v[j]));
				i++;
				j++;
			} else if (c < 0) {
				diff_block(eng, &b, node_text(eng, x->v[i++]), NULL);
			} else {
				diff_block(eng, &b, NULL, node_text(eng, y->v[j++]));
			}
		}
	}
	*out = ebuf_take(&b);
	return *out ? 0 : -ENOMEM;
}

/* A block of canonical text: its first line names the object. */
struct block {
	const char *s;
	size_t len;
	char *key;
};

static int split_blocks(const char *text, const char *gword, struct block **out, size_t *n)
{
	struct block *v = NULL;
	size_t cap = 0, cnt = 0;
	const char *p = text, *start = NULL;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = p + len + (nl != NULL);

		if (!start) {
			/* comments between blocks (history headers) belong to none */
			if (len == 0 || p[0] == '!') {
				p = next;
				continue;
			}
			start = p;
		}
		if ((len == 1 && p[0] == '!') || !*next) {
			const char *hdr_end;
			bool named;

			if (cnt == cap) {
				struct block *nv;

				cap = cap ? cap * 2 : 32;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					goto oom;
				v = nv;
			}
			hdr_end = strchr(start, '\n');
			if (!hdr_end)
				hdr_end = start + strlen(start);
			/* the global block has no header of its own: it is keyed "" */
			named = !gword[0] || strncmp(start, gword, strlen(gword)) != 0 ||
				(start[strlen(gword)] != ' ' && start[strlen(gword)] != '\n');
			v[cnt].s = start;
			v[cnt].len = (size_t)(next - start);
			v[cnt].key = named ? strndup(start, (size_t)(hdr_end - start)) : strdup("");
			if (!v[cnt].key)
				goto oom;
			cnt++;
			start = NULL;
		}
		p = next;
	}
	*out = v;
	*n = cnt;
	return 0;
oom:
	for (size_t i = 0; i < cnt; i++)
		free(v[i].key);
	free(v);
	return -ENOMEM;
}

static int block_key_cmp(const void *a, const void *b)
{
	const struct block *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static bool block_in(struct block **sorted, size_t n, const char *key)
{
	struct block k = {.key = (char *)key}, *kp = &k;

	return bsearch(&kp, sorted, n, sizeof(*sorted), block_key_cmp) != NULL;
}

static void block_diff(struct eng *eng, struct ebuf *b, const struct block *x,
		       const struct block *y)
{
	char *o = x ? strndup(x->s, x->len) : NULL, *n = y ? strndup(y->s, y->len) : NULL;

	diff_block(eng, b, o, n);
	eng_secret_free(o);
	eng_secret_free(n);
}

/* The first word of the global block ("hostname"), asked of the grammar. */
static void global_word(struct eng *eng, char *buf, size_t len)
{
	struct eng_global g = {.hostname = "probe"};
	struct eng_obj o = {.kind = ENG_OBJ_GLOBAL, .u.global = &g};
	char *t = eng->codec->render(&o, 0);

	snprintf(buf, len, "%.*s", t ? (int)strcspn(t, " \n") : 0, t ? t : "");
	free(t);
}

/* Two canonical texts, compared object block by object block. */
int text_diff(struct eng *eng, const char *from, const char *to, char **out)
{
	char gword[64];
	struct block *x = NULL, *y = NULL, **ys = NULL;
	size_t nx = 0, ny = 0, i = 0, j = 0;
	struct ebuf b = {0};
	int rc = -ENOMEM;

	global_word(eng, gword, sizeof(gword));
	if (split_blocks(from, gword, &x, &nx) || split_blocks(to, gword, &y, &ny))
		goto done;
	ys = malloc((ny + 1) * sizeof(*ys));
	if (!ys)
		goto done;
	for (size_t k = 0; k < ny; k++)
		ys[k] = &y[k];
	qsort(ys, ny, sizeof(*ys), block_key_cmp);
	ebuf_adds(&b, "");
	/* both texts list objects in the same canonical order */
	while (i < nx || j < ny) {
		if (i < nx && j < ny && strcmp(x[i].key, y[j].key) == 0) {
			if (x[i].len != y[j].len || memcmp(x[i].s, y[j].s, x[i].len))
				block_diff(eng, &b, &x[i], &y[j]);
			i++;
			j++;
		} else if (i < nx && j < ny && block_in(ys, ny, x[i].key)) {
			block_diff(eng, &b, NULL, &y[j++]);
		} else if (i < nx) {
			block_diff(eng, &b, &x[i++], NULL);
		} else {
			block_diff(eng, &b, NULL, &y[j++]);
		}
	}
	*out = ebuf_take(&b);
	rc = *out ? 0 : -ENOMEM;
done:
	for (size_t k = 0; k < nx; k++)
		free(x[k].key);
	for (size_t k = 0; k < ny; k++)
		free(y[k].key);
	free(x);
	free(y);
	free(ys);
	free(ebuf_take(&b));
	return rc;
}

/* ---- Sessions ------------------------------------------------------- */

int eng_sess_open(struct eng *eng, const char *user, enum eng_role role, struct eng_sess **out)
{
	if (eng && eng->remote && out)
		return ctl_sess_open(eng, out);
	struct eng_sess *s;

	if (!eng || !out || (role != ENG_ROLE_OPERATOR && role != ENG_ROLE_ADMIN))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->eng = eng;
	s->role = role;
	/* the name goes into history files: one printable word */
	snprintf(s->user, sizeof(s->user), "%s", user && *user ? user : "unknown");
	for (char *p = s->user; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			*p = '_';
	s->since = time(NULL);
	s->next = eng->sessions;
	eng->sessions = s;
	eng->n_sess++;
	*out = s;
	return 0;
}

static void excl_release(struct eng_sess *sess)
{
	if (sess->eng->excl != sess)
		return;
	sess->eng->excl = NULL;
	eng_logf(sess->eng, ENG_LOG_NOTICE, "configuration unlocked (%s left configure exclusive)",
		 sess->user);
}

int eng_cand_begin_exclusive(struct eng_sess *sess)
{
	int rc;

	if (ENG_REMOTE(sess))
		return ctl_simple(sess, CTL_CAND_EXCLUSIVE);
	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (sess->eng->excl == sess)
		return 0;
	if (sess->eng->excl)
		return -EBUSY; /* even with a candidate from before the lock */
	rc = eng_cand_begin(sess);
	if (rc)
		return rc;
	sess->eng->excl = sess;
	eng_logf(sess->eng, ENG_LOG_NOTICE, "configuration locked by %s (configure exclusive)",
		 sess->user);
	return 0;
}

int eng_sess_monitor(struct eng_sess *sess, bool on)
{
	if (ENG_REMOTE(sess))
		return ctl_monitor(sess, on);
	if (!sess)
		return -EINVAL;
	sess->monitor = on;
	return 0;
}

int eng_sess_list(struct eng_sess *sess, struct eng_sess_info **out, size_t *n)
{
	struct eng_sess_info *v;
	size_t k = 0;

	if (ENG_REMOTE(sess) && out && n)
		return ctl_sess_list(sess, out, n);
	if (!sess || !out || !n)
		return -EINVAL;
	v = calloc(sess->eng->n_sess + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (struct eng_sess *s = sess->eng->sessions; s && k < sess->eng->n_sess; s = s->next) {
		snprintf(v[k].user, sizeof(v[k].user), "%s", s->user);
		v[k].role = s->role;
		v[k].since = s->since;
		v[k].config = s->cand != NULL;
		v[k].exclusive = sess->eng->excl == s;
		v[k].self = s == sess;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

void eng_sess_close(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess)) {
		ctl_sess_close(sess);
		return;
	}
	if (!sess)
		return;
	eng_cand_discard(sess);
	for (struct eng_sess **pp = &sess->eng->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == sess) {
			*pp = sess->next;
			break;
		}
	}
	sess->eng->n_sess--;
	free(sess);
}

enum eng_role eng_sess_role(const struct eng_sess *sess)
{
	return sess ? sess->role : ENG_ROLE_OPERATOR;
}

struct eng *eng_sess_engine(const struct eng_sess *sess)
{
	return sess ? sess->eng : NULL;
}

int eng_cand_begin(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple(sess, CTL_CAND_BEGIN);
	if (!sess)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (sess->cand)
		return 0;
	if (sess->eng->excl && sess->eng->excl != sess)
		return -EBUSY;
	sess->cand = cfg_clone(sess->eng->running);
	if (!sess->cand)
		return -ENOMEM;
	sess->base = cfg_ref(sess->eng->running);
	sess->base_gen = sess->eng->gen;
	return 0;
}

bool eng_cand_active(const struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple((struct eng_sess *)sess, CTL_CAND_ACTIVE) > 0;
	return sess && sess->cand;
}

bool eng_cand_dirty(const struct eng_sess *sess)
{
	if (ENG_REMOTE(sess))
		return ctl_simple((struct eng_sess *)sess, CTL_CAND_DIRTY) > 0;
	if (!sess || !sess->cand)
		return false;
	return !cfg_equal(sess->cand, sess->base);
}

void eng_cand_discard(struct eng_sess *sess)
{
	if (ENG_REMOTE(sess)) {
		ctl_simple(sess, CTL_CAND_DISCARD);
		return;
	}
	if (!sess)
		return;
	excl_release(sess);
	cfg_unref(sess->cand);
	cfg_unref(sess->base);
	sess->cand = sess->base = NULL;
}

/* ---- Objects -------------------------------------------------------- */

static const struct eng_cfg *sess_db(struct eng_sess *sess, enum eng_db db, int *rc)
{
	*rc = 0;
	if (db == ENG_RUNNING)
		return sess->eng->running;
	if (db == ENG_CANDIDATE) {
		if (!sess->cand)
			*rc = -ENOTCONN;
		else
			*rc = eng_cand_refresh(sess);
		return *rc ? NULL : sess->cand;
	}
	*rc = -EINVAL;
	return NULL;
}

static void mask_secret(char **s)
{
	if (!*s)
		return;
	eng_secret_free(*s);
	*s = strdup("*****");
}

int eng_obj_get(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		void *out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_obj_get(sess, db, kind, key, out);
	const struct eng_cfg *c;
	struct eng_node *n;
	uint32_t num;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	n = cfg_find(c, kind, num, kind == ENG_OBJ_GLOBAL ? "" : key);
	if (!n) {
		if (kind != ENG_OBJ_GLOBAL)
			return -ENOENT;
		memset(out, 0, sizeof(struct eng_global));
		return 0;
	}
	rc = eng_obj_copy(kind, out, &n->u);
	if (rc)
		return rc;
	if (kind == ENG_OBJ_TUNNEL && sess->role != ENG_ROLE_ADMIN) {
		struct eng_tunnel *t = out;

		mask_secret(&t->psk);
		mask_secret(&t->xauth_password);
	}
	return 0;
}

int eng_obj_put(struct eng_sess *sess, enum eng_kind kind, const void *obj, struct eng_diag *diag)
{
	if (ENG_REMOTE(sess) && obj && (unsigned)kind < ENG_OBJ_KINDS)
		return ctl_obj_put(sess, kind, obj, diag);
	struct eng_node *n;
	int rc;

	if (!sess || !obj || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (!sess->cand)
		return -ENOTCONN;
	rc = eng_obj_check(kind, obj, diag);
	if (!rc)
		rc = eng_cand_refresh(sess);
	if (rc)
		return rc;
	if (kind == ENG_OBJ_GLOBAL && eng_global_is_default(obj)) {
		cfg_remove(sess->cand, kind, 0, "");
		return 0;
	}
	n = node_new(kind, obj);
	if (!n)
		return -ENOMEM;
	rc = cfg_set(sess->cand, n);
	if (rc)
		node_unref(n);
	return rc;
}

int eng_obj_del(struct eng_sess *sess, enum eng_kind kind, const char *key)
{
	if (ENG_REMOTE(sess))
		return ctl_obj_del(sess, kind, key);
	uint32_t num;

	if (!sess || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	if (sess->role != ENG_ROLE_ADMIN)
		return -EPERM;
	if (!sess->cand)
		return -ENOTCONN;
	if (eng_cand_refresh(sess))
		return -ENOMEM;
	if (kind == ENG_OBJ_GLOBAL) {
		cfg_remove(sess->cand, kind, 0, "");
		return 0;
	}
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	return cfg_remove(sess->cand, kind, num, key) ? 0 : -ENOENT;
}

int eng_keys(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_keys(sess, db, kind, out);
	const struct eng_cfg *c;
	const struct eng_tab *t;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	t = &c->t[kind];
	out->keys = calloc(t->n + 1, sizeof(*out->keys));
	if (!out->keys)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		out->keys[i] = strdup(t->v[i]->key);
		if (!out->keys[i]) {
			eng_keys_free(out);
			return -ENOMEM;
		}
		out->n++;
	}
	return 0;
}

void eng_keys_free(struct eng_keys *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	k->keys = NULL;
	k->n = 0;
}

/* ---- Text ----------------------------------------------------------- */

int eng_config_text(struct eng_sess *sess, enum eng_db db, unsigned flags, char **out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_config_text(sess, db, flags, out);
	bool secrets = (flags & ENG_TEXT_SECRETS) && sess && sess->role == ENG_ROLE_ADMIN;
	const struct eng_cfg *c;
	int rc;

	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	if (db == ENG_STARTUP) {
		char path[4096], *text;
		size_t len;

		snprintf(path, sizeof(path), "%s/startup-config", sess->eng->state_dir);
		rc = eng_read_file(path, &text, &len);
		if (rc)
			return rc;
		if (secrets) {
			*out = text;
			return 0;
		}
		*out = sess->eng->codec->mask(text);
		eng_wipe(text, len);
		free(text);
		return *out ? 0 : -ENOMEM;
	}
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	*out = cfg_render(sess->eng, c, secrets);
	return *out ? 0 : -ENOMEM;
}

int eng_obj_text(struct eng_sess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		 unsigned flags, char **out)
{
	if (ENG_REMOTE(sess) && out)
		return ctl_obj_text(sess, db, kind, key, flags, out);
	bool secrets = (flags & ENG_TEXT_SECRETS) && sess && sess->role == ENG_ROLE_ADMIN;
	const struct eng_cfg *c;
	struct eng_node *n;
	uint32_t num;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	*out = NULL;
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	n = cfg_find(c, kind, num, kind == ENG_OBJ_GLOBAL ? "" : key);
	if (!n) {
		if (kind != ENG_OBJ_GLOBAL)
			return -ENOENT;
		*out = strdup("");
	} else {
		*out = node_text_for(sess->eng, n, secrets);
	}
	return *out ? 0 : -ENOMEM;
}
