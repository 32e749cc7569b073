/*
 * text.c - a configuration's canonical text and the +/- view of what
 * changed between two configurations or two texts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

char *cfg_render(struct eng_local *eng, const struct eng_cfg *c, bool secrets)
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
int cfg_parts(struct eng_local *eng, const struct eng_cfg *c, const char ***parts, size_t *n)
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

static void emit_line(struct eng_local *eng, struct ebuf *out, const char *prefix, const char *s,
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
void diff_block(struct eng_local *eng, struct ebuf *out, const char *old, const char *new_)
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

int cfg_diff(struct eng_local *eng, const struct eng_cfg *from, const struct eng_cfg *to,
	     char **out)
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

static void block_diff(struct eng_local *eng, struct ebuf *b, const struct block *x,
		       const struct block *y)
{
	char *o = x ? strndup(x->s, x->len) : NULL, *n = y ? strndup(y->s, y->len) : NULL;

	diff_block(eng, b, o, n);
	eng_secret_free(o);
	eng_secret_free(n);
}

/* The first word of the global block ("hostname"), asked of the grammar. */
static void global_word(struct eng_local *eng, char *buf, size_t len)
{
	struct eng_global g = {.hostname = "probe"};
	struct eng_obj o = {.kind = ENG_OBJ_GLOBAL, .u.global = &g};
	char *t = eng->codec->render(&o, 0);

	snprintf(buf, len, "%.*s", t ? (int)strcspn(t, " \n") : 0, t ? t : "");
	free(t);
}

/* Two canonical texts, compared object block by object block. */
int text_diff(struct eng_local *eng, const char *from, const char *to, char **out)
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
