#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include <yaml.h>

#include "err.h"
#include "i18n.h"
#include "util.h"
#include "xalloc.h"
#include "ytree.h"

/* ---- reading ---- */

struct builder {
	struct ynode *stack[YTREE_MAX_DEPTH + 2];
	int depth;
	long nodes;
	struct ynode *root;
	const char *fname;
	struct ceh_err *e;
};

static struct ynode *
node_new(enum ykind k, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));

	n->kind = k;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

/* The fast path's tree is in one arena, freed with its root (struct
 * ynode's arena): a document's nodes and strings cost a malloc or two,
 * not one or two each. */
struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

#define ARENA_CHILD ((void *)&arena_child)
static const char arena_child;

static void
chunks_free(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

void
ytree_free(struct ynode *n)
{
	size_t i;

	if (n == NULL || n->arena == ARENA_CHILD)
		return;
	if (n->arena) {		/* the root of a fast path's tree */
		chunks_free(n->arena);
		return;
	}
	for (i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		ytree_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->str);
	free(n);
}

/* Mappings up to this many keys are checked for duplicates key by key;
 * bigger ones by sorting, so a hostile file with a million keys costs
 * n log n, not n squared. */
#define SMALL_MAP 16

struct keyref {
	const char *key;
	size_t i;
};

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* At the end of a mapping of SMALL_MAP keys or more: no key twice. */
static int
map_end_check(struct builder *b, const struct ynode *m)
{
	struct keyref *refs;
	size_t i;
	int rc = 0;

	if (m->kind != Y_MAP || m->n < SMALL_MAP)
		return 0;
	refs = xreallocarray(NULL, m->n, sizeof(*refs));
	for (i = 0; i < m->n; i++) {
		refs[i].key = m->keys[i];
		refs[i].i = i;
	}
	qsort(refs, m->n, sizeof(*refs), keyref_cmp);
	for (i = 1; i < m->n; i++)
		if (strcmp(refs[i - 1].key, refs[i].key) == 0) {
			const struct ynode *v = m->vals[refs[i].i];

			rc = ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: duplicate "
			    "key '%.60s'"), b->fname, v ? v->line : m->line,
			    v ? v->col : m->col, refs[i].key);
			break;
		}
	free(refs);
	return rc;
}

/* Room for item n (0-based) in an array that holds n items: capacities
 * are powers of two, so building a list of n items copies O(n) bytes,
 * not O(n^2) (realloc does not always grow in place). */
static void *
grow(void *p, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		p = xreallocarray(p, n ? 2 * n : 1, size);
	return p;
}

/* Attach child to the container on top of the stack.  For a mapping, a
 * pending key is kept as a scalar node in vals[n] until its value comes. */
static int
attach(struct builder *b, struct ynode *child)
{
	struct ynode *top;

	if (b->depth == 0) {
		b->root = child;
		return 0;
	}
	top = b->stack[b->depth - 1];
	if (top->kind == Y_SEQ) {
		top->vals = grow(top->vals, top->n, sizeof(*top->vals));
		top->vals[top->n++] = child;
		return 0;
	}
	/* mapping: keys[] holds keys; a NULL vals slot waits for a value */
	if (top->n > 0 && top->vals[top->n - 1] == NULL) {
		top->vals[top->n - 1] = child;
		return 0;
	}
	if (child->kind != Y_SCALAR) {
		ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: mapping keys must be "
		    "plain strings"), b->fname, child->line, child->col);
		ytree_free(child);
		return -1;
	}
	/* small mappings: check here, with the key's own place; larger ones
	 * are checked once, sorted, when they end (map_end_check) */
	for (size_t i = 0; i < top->n && top->n < SMALL_MAP; i++)
		if (strcmp(top->keys[i], child->str) == 0) {
			ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: duplicate key "
			    "'%s'"), b->fname, child->line, child->col,
			    child->str);
			ytree_free(child);
			return -1;
		}
	top->keys = grow(top->keys, top->n, sizeof(*top->keys));
	top->vals = grow(top->vals, top->n, sizeof(*top->vals));
	top->keys[top->n] = child->str;
	top->vals[top->n] = NULL;
	top->n++;
	child->str = NULL;
	ytree_free(child);
	return 0;
}

/*
 * ---- the fast path: ceh's own canonical form ----
 *
 * The documents ceh writes (struct ywriter: block style, indent 2,
 * sequences in a mapping not indented) are read without libyaml when
 * every line is in this strict form (INDENT is spaces):
 *
 *	INDENT KEY: SCALAR		KEY: [A-Za-z_][A-Za-z0-9_-]*
 *	INDENT KEY:			then a mapping at INDENT+2, or a
 *					sequence at INDENT ("- " lines)
 *	INDENT- KEY: ...		a sequence item that is a mapping
 *	INDENT- SCALAR
 *
 * with SCALAR a plain scalar that cannot mean anything else (no ':' or
 * '#', no indicator first, no space at either end) or a one-line double-
 * quoted one without escapes; every character printable (U+0020-U+007E,
 * U+00A0-U+D7FF but U+2028/9, U+E000-U+FFFD but U+FEFF), every line
 * ending in "\n", no blank line, no key twice, no deeper nesting than
 * YTREE_MAX_DEPTH.  Such a text is one libyaml reads without error, to
 * the tree built here, marks included (tests/fuzz/ytree_fast.c compares
 * the two on every input).  Anything else, or any doubt, returns 1 and
 * the caller parses with libyaml: so every error is libyaml's and the
 * builder's, as before.
 */
#define FAST_MAP_MAX 64		/* keys of a mapping: more, libyaml */

struct fast {
	const char *p, *end;	/* the start of the current line */
	int line;		/* of p, 1-based */
	int depth;
	long nodes;
	int build;		/* 0: only validate (ytree_peek) */
	const char *pkey;	/* ytree_peek: the key looked for */
	const char *pval;	/* its scalar's value (NULL: not seen) */
	size_t pvlen;
	int pfound;		/* the key was seen at depth 1 */
	struct chunk *chunks;	/* the tree's memory (build) */
	size_t next_chunk;	/* the size of the next chunk */
};

static void *
fast_alloc(struct fast *f, size_t size)
{
	struct chunk *c = f->chunks;
	void *p;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (c == NULL || c->size - c->used < size) {
		size_t n = f->next_chunk > size ? f->next_chunk : size;

		c = xmalloc(sizeof(*c) + n);
		c->size = n;
		c->used = 0;
		c->next = f->chunks;
		f->chunks = c;
		f->next_chunk = 2 * n;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

static char *
fast_strdup(struct fast *f, const char *s, size_t len)
{
	char *p = fast_alloc(f, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static int
fast_keychar(unsigned char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (!first && ((c >= '0' && c <= '9') || c == '-'));
}

/* The length of "KEY:" at s (before the ':'), followed by ' ' or "\n";
 * 0 if s does not start so. */
static size_t
fast_key(const char *s, const char *end)
{
	size_t n = 0;

	if (s >= end || !fast_keychar((unsigned char)s[0], 1))
		return 0;
	while (s + n < end && n < 200 && fast_keychar((unsigned char)s[n],
	    n == 0))
		n++;
	if (s + n + 1 >= end || s[n] != ':' || (s[n + 1] != ' ' &&
	    s[n + 1] != '\n'))
		return 0;
	return n;
}

/* One character at s of a scalar: its length in bytes, 0 if it is not
 * one the fast path takes.  ASCII is checked by the caller. */
static size_t
fast_wide(const unsigned char *s, const unsigned char *end)
{
	unsigned cp;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else
		return 0;	/* 4-byte forms too: libyaml's own business */
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3fu);
	}
	if (cp < 0xa0 || (n == 3 && cp < 0x800) || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfeff ||
	    cp > 0xfffd)
		return 0;
	return n;
}

/* The scalar at s to the end of its line; *val and *vlen its value, *quoted.
 * f->p moves to the next line.  -1: not the fast path's. */
static int
fast_scalar(struct fast *f, const char *s, const char **val, size_t *vlen,
    int *quoted)
{
	const unsigned char *u = (const unsigned char *)s;
	const unsigned char *end = (const unsigned char *)f->end;
	int q = u < end && *u == '"';

	if (u >= end || *u == '\n' || *u == ' ')
		return -1;
	if (q)
		u++;
	else if (strchr("-?:,[]{}#&*!|>'\"%@`", *u))
		return -1;
	*val = (const char *)u;
	while (u < end && *u != '\n') {
		if (*u >= 0x80) {
			size_t n = fast_wide(u, end);

			if (n == 0)
				return -1;
			u += n;
			continue;
		}
		if (*u < 0x20 || *u == 0x7f || *u == '\\')
			return -1;
		if (q && *u == '"')
			break;
		if (!q && (*u == ':' || *u == '#'))
			return -1;
		u++;
	}
	*vlen = (size_t)((const char *)u - *val);
	if (q) {
		if (u >= end || *u != '"')
			return -1;
		u++;
	} else if (*vlen == 0 || u[-1] == ' ')
		return -1;
	if (u >= end || *u != '\n')
		return -1;
	*quoted = q;
	f->p = (const char *)u + 1;
	f->line++;
	return 0;
}

/* Spaces at the start of the line at p. */
static int
fast_indent(const struct fast *f)
{
	const char *q = f->p;

	while (q < f->end && *q == ' ')
		q++;
	return (int)(q - f->p);
}

static struct ynode *
fast_node(struct fast *f, enum ykind k, int line, int col)
{
	struct ynode *n;

	if (!f->build)
		return (struct ynode *)f;	/* not NULL, never used */
	n = fast_alloc(f, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->arena = ARENA_CHILD;
	n->kind = k;
	n->line = line;
	n->col = col;
	return n;
}

static int fast_value(struct fast *f, int ind, const char *s, int col,
    struct ynode **out);

/* A mapping whose first key is at s (on line f->line), every key at
 * column ind + 1.  NULL: not the fast path's. */
static struct ynode *
fast_map(struct fast *f, int ind, const char *s)
{
	const char *keys[FAST_MAP_MAX];
	size_t klens[FAST_MAP_MAX], n = 0;
	struct ynode *m, *vals[FAST_MAP_MAX];

	if (f->depth >= YTREE_MAX_DEPTH || ++f->nodes > YTREE_MAX_NODES)
		return NULL;
	m = fast_node(f, Y_MAP, f->line, ind + 1);
	f->depth++;
	for (;;) {
		size_t klen = fast_key(s, f->end), i;
		struct ynode *v = NULL;

		if (klen == 0 || ++f->nodes > YTREE_MAX_NODES)
			return NULL;
		if (f->build) {
			if (n == FAST_MAP_MAX)
				return NULL;
			for (i = 0; i < n; i++)
				if (klens[i] == klen &&
				    memcmp(keys[i], s, klen) == 0)
					return NULL;	/* the builder says it */
		}
		if (f->depth == 1 && f->pkey && !f->pfound &&
		    strlen(f->pkey) == klen && memcmp(f->pkey, s, klen) == 0) {
			f->pfound = 1;
			if (s[klen + 1] == ' ')
				f->pval = s + klen + 2;
		}
		if (fast_value(f, ind, s + klen + 1, ind + (int)klen + 3,
		    &v) < 0)
			return NULL;
		if (f->build) {
			keys[n] = s;
			klens[n] = klen;
			vals[n++] = v;
		}
		if (f->p == f->end)
			break;
		i = (size_t)fast_indent(f);
		if ((int)i < ind)
			break;
		if ((int)i != ind || !fast_keychar((unsigned char)f->p[i], 1))
			return NULL;
		s = f->p + i;
	}
	f->depth--;
	if (f->build) {
		size_t i;

		m->n = n;
		m->keys = fast_alloc(f, n * sizeof(*m->keys));
		m->vals = fast_alloc(f, n * sizeof(*m->vals));
		for (i = 0; i < n; i++) {
			m->keys[i] = fast_strdup(f, keys[i], klens[i]);
			m->vals[i] = vals[i];
		}
	}
	return m;
}

/* A sequence of "- " lines at column ind + 1, from the line at f->p. */
static struct ynode *
fast_seq(struct fast *f, int ind)
{
	struct ynode *q, *local[FAST_MAP_MAX], **items = local;
	size_t n = 0, cap = FAST_MAP_MAX;

	if (f->depth >= YTREE_MAX_DEPTH || ++f->nodes > YTREE_MAX_NODES)
		return NULL;
	q = fast_node(f, Y_SEQ, f->line, ind + 1);
	f->depth++;
	for (;;) {
		const char *s = f->p + ind + 2;
		struct ynode *item;
		int i;

		if (fast_key(s, f->end)) {
			if ((item = fast_map(f, ind + 2, s)) == NULL)
				goto fail;
		} else {
			const char *val;
			size_t vlen;
			int quoted, line = f->line;

			if (++f->nodes > YTREE_MAX_NODES ||
			    fast_scalar(f, s, &val, &vlen, &quoted) < 0)
				goto fail;
			item = fast_node(f, Y_SCALAR, line, ind + 3);
			if (f->build) {
				item->str = fast_strdup(f, val, vlen);
				item->quoted = quoted;
			}
		}
		if (f->build) {
			if (n == cap) {
				cap *= 2;
				if (items == local) {
					items = xreallocarray(NULL, cap,
					    sizeof(*items));
					memcpy(items, local, sizeof(local));
				} else
					items = xreallocarray(items, cap,
					    sizeof(*items));
			}
			items[n++] = item;
		}
		if (f->p == f->end)
			break;
		i = fast_indent(f);
		if (i < ind)
			break;
		if (i != ind)
			goto fail;
		if (f->end - f->p < ind + 2 || f->p[ind] != '-' ||
		    f->p[ind + 1] != ' ') {
			if (fast_keychar((unsigned char)f->p[ind], 1))
				break;	/* the next key of the mapping */
			goto fail;
		}
	}
	f->depth--;
	if (f->build) {
		q->n = n;
		q->vals = fast_alloc(f, n * sizeof(*q->vals));
		memcpy(q->vals, items, n * sizeof(*q->vals));
	}
	if (items != local)
		free(items);
	return q;
fail:
	if (items != local)
		free(items);
	return NULL;
}

/* The value of a key at column ind + 1, from s (just after its ':'); a
 * scalar starts at column col. */
static int
fast_value(struct fast *f, int ind, const char *s, int col,
    struct ynode **out)
{
	int i;

	if (*s == ' ') {
		const char *val;
		size_t vlen;
		int quoted, line = f->line;

		if (++f->nodes > YTREE_MAX_NODES ||
		    fast_scalar(f, s + 1, &val, &vlen, &quoted) < 0)
			return -1;
		if (f->pval == s + 1) {
			f->pval = val;
			f->pvlen = vlen;
		}
		*out = fast_node(f, Y_SCALAR, line, col);
		if (f->build) {
			(*out)->str = fast_strdup(f, val, vlen);
			(*out)->quoted = quoted;
		}
		return 0;
	}
	/* "KEY:" and a block below */
	f->p = s + 1;
	f->line++;
	if (f->p == f->end)
		return -1;
	i = fast_indent(f);
	if (i == ind + 2 && fast_key(f->p + i, f->end))
		*out = fast_map(f, ind + 2, f->p + i);
	else if (i == ind && f->end - f->p > ind + 2 && f->p[ind] == '-' &&
	    f->p[ind + 1] == ' ')
		*out = fast_seq(f, ind);
	else
		return -1;
	return *out ? 0 : -1;
}

/* 0 and *out the tree, or 1: not the fast path's (nothing said). */
static int
fast_parse(const char *buf, size_t len, struct fast *f, struct ynode **out)
{
	struct ynode *root;

	f->p = buf;
	f->end = buf + len;
	f->line = 1;
	f->next_chunk = 3 * len + 1024;
	if (len == 0 || buf[len - 1] != '\n' || !fast_key(buf, f->end))
		return 1;
	root = fast_map(f, 0, buf);
	if (root == NULL || f->p != f->end) {
		chunks_free(f->chunks);
		f->chunks = NULL;
		return 1;
	}
	if (f->build)
		root->arena = f->chunks;
	if (out)
		*out = f->build ? root : NULL;
	return 0;
}

static int
parser_error(yaml_parser_t *p, struct builder *b)
{
	if (p->error == YAML_READER_ERROR)
		return ceh_fail(b->e, CEH_EINPUT, _("%s: byte %zu: %s"),
		    b->fname, p->problem_offset,
		    p->problem ? p->problem : _("cannot read"));
	return ceh_fail(b->e, CEH_EINPUT, "%s:%zu:%zu: %s%s%s", b->fname,
	    p->problem_mark.line + 1, p->problem_mark.column + 1,
	    p->problem ? p->problem : _("malformed YAML"),
	    p->context ? " " : "", p->context ? p->context : "");
}

static int
on_event(struct builder *b, yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;
	int line = (int)m->line + 1, col = (int)m->column + 1;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: aliases are not "
		    "allowed"), b->fname, line, col);
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor || (ev->data.scalar.tag &&
		    !ev->data.scalar.plain_implicit &&
		    !ev->data.scalar.quoted_implicit))
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: anchors "
			    "and tags are not allowed"), b->fname, line, col);
		if (ev->data.scalar.tag)
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: tags are "
			    "not allowed"), b->fname, line, col);
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length))
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: NUL "
			    "character in a value"), b->fname, line, col);
		if (++b->nodes > YTREE_MAX_NODES)
			goto toobig;
		n = node_new(Y_SCALAR, m);
		n->str = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		/* a plain "~" or "null" or empty is null: keep as "" */
		return attach(b, n);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if ((ev->type == YAML_SEQUENCE_START_EVENT &&
		    (ev->data.sequence_start.anchor ||
		    ev->data.sequence_start.tag)) ||
		    (ev->type == YAML_MAPPING_START_EVENT &&
		    (ev->data.mapping_start.anchor ||
		    ev->data.mapping_start.tag)))
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: anchors "
			    "and tags are not allowed"), b->fname, line, col);
		if (b->depth >= YTREE_MAX_DEPTH)
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: nested "
			    "too deeply (limit %d)"), b->fname, line, col,
			    YTREE_MAX_DEPTH);
		if (++b->nodes > YTREE_MAX_NODES)
			goto toobig;
		n = node_new(ev->type == YAML_MAPPING_START_EVENT ? Y_MAP :
		    Y_SEQ, m);
		if (attach(b, n) < 0)
			return -1;
		b->stack[b->depth++] = n;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return map_end_check(b, b->stack[b->depth]);
	case YAML_DOCUMENT_START_EVENT:
		if (b->root != NULL)
			return ceh_fail(b->e, CEH_EINPUT, _("%s:%d:%d: more than "
			    "one document"), b->fname, line, col);
		return 0;
	default:
		return 0;
	}
toobig:
	return ceh_fail(b->e, CEH_EINPUT, _("%s: too many values (limit %d)"),
	    b->fname, YTREE_MAX_NODES);
}

struct ynode *
ytree_parse(const char *buf, size_t len, const char *fname,
    struct ceh_err *e)
{
	if (!utf8_valid(buf, len)) {
		/* libyaml would report it too, but without a useful place */
		size_t i;

		for (i = 0; i < len && buf[i] != '\0'; i++)
			;
		if (i < len)
			ceh_fail(e, CEH_EINPUT, _("%s: NUL byte at offset %zu"),
			    fname, i);
		else
			ceh_fail(e, CEH_EINPUT, _("%s: not valid UTF-8"), fname);
		return NULL;
	}
	{
		struct fast f;
		struct ynode *root;

		memset(&f, 0, sizeof(f));
		f.build = 1;
		if (fast_parse(buf, len, &f, &root) == 0)
			return root;
	}
	return ytree_parse_libyaml(buf, len, fname, e);
}

struct ynode *
ytree_parse_libyaml(const char *buf, size_t len, const char *fname,
    struct ceh_err *e)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct builder b;
	int done = 0, rc = 0;

	memset(&b, 0, sizeof(b));
	b.fname = fname;
	b.e = e;
	if (!yaml_parser_initialize(&parser)) {
		ceh_fail(e, CEH_ESYS, _("%s: cannot start YAML parser"), fname);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf,
	    len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&parser, &b);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc < 0)
			break;
	}
	yaml_parser_delete(&parser);
	if (rc < 0) {
		/* the stack holds borrowed pointers into root */
		if (b.root == NULL && b.depth > 0)
			ytree_free(b.stack[0]);
		ytree_free(b.root);
		return NULL;
	}
	if (b.root == NULL) {
		yaml_mark_t m = { 0, 0, 0 };

		b.root = node_new(Y_MAP, &m);
	}
	return b.root;
}

int
ytree_peek(const char *buf, size_t len, const char *key, char *out,
    size_t outsize, const char *fname, struct ceh_err *e)
{
	struct fast f;

	/* a canonical document: the first value of key at depth 1, as the
	 * events below would find it (libyaml reads all of it without an
	 * error, so none comes before the key) */
	memset(&f, 0, sizeof(f));
	f.pkey = key;
	if (fast_parse(buf, len, &f, NULL) == 0 && f.pfound && f.pval &&
	    f.pvlen < outsize) {
		memcpy(out, f.pval, f.pvlen);
		out[f.pvlen] = '\0';
		return 0;
	}
	return ytree_peek_libyaml(buf, len, key, out, outsize, fname, e);
}

int
ytree_peek_libyaml(const char *buf, size_t len, const char *key, char *out,
    size_t outsize, const char *fname, struct ceh_err *e)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, is_key = 1, match = 0, rc = 1;

	if (!yaml_parser_initialize(&parser))
		return ceh_fail(e, CEH_ESYS, _("%s: cannot start YAML parser"),
		    fname);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf,
	    len);
	while (rc == 1) {
		if (!yaml_parser_parse(&parser, &ev)) {
			struct builder b;

			memset(&b, 0, sizeof(b));
			b.fname = fname;
			b.e = e;
			rc = parser_error(&parser, &b);
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (depth != 1)
				break;
			if (is_key) {
				match = strlen(key) == ev.data.scalar.length &&
				    memcmp(ev.data.scalar.value, key,
				    ev.data.scalar.length) == 0;
				is_key = 0;
			} else if (match) {
				if (ev.data.scalar.length >= outsize ||
				    memchr(ev.data.scalar.value, '\0',
				    ev.data.scalar.length))
					rc = ceh_fail(e, CEH_EINPUT, _("%s: field "
					    "'%s' is too long"), fname, key);
				else {
					memcpy(out, ev.data.scalar.value,
					    ev.data.scalar.length);
					out[ev.data.scalar.length] = '\0';
					rc = 0;
				}
			} else {
				is_key = 1;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == 1 && !is_key) {
				if (match)
					rc = ceh_fail(e, CEH_EINPUT, _("%s: field "
					    "'%s' must be a value"), fname, key);
				is_key = 1;
			}
			if (++depth > YTREE_MAX_DEPTH)
				rc = ceh_fail(e, CEH_EINPUT, _("%s: nested too "
				    "deeply"), fname);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_ALIAS_EVENT:
			rc = ceh_fail(e, CEH_EINPUT, _("%s: aliases are not "
			    "allowed"), fname);
			break;
		case YAML_STREAM_END_EVENT:
			rc = ceh_fail(e, CEH_EINPUT, _("%s: field '%s' is "
			    "missing"), fname, key);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

struct ynode *
ymap_get(const struct ynode *n, const char *key)
{
	/* readers ask for a mapping's keys mostly in the order ceh writes
	 * them: the search starts after this thread's last find in the
	 * same mapping (only a starting point: every key is looked at) */
	static _Thread_local uintptr_t last;	/* an address, not a pointer
						 * kept past its mapping's end */
	static _Thread_local size_t next;
	size_t i, j;

	if (n == NULL || n->kind != Y_MAP || n->n == 0)
		return NULL;
	j = (uintptr_t)n == last && next < n->n ? next : 0;
	for (i = 0; i < n->n; i++, j = j + 1 == n->n ? 0 : j + 1)
		if (strcmp(n->keys[j], key) == 0) {
			last = (uintptr_t)n;
			next = j + 1;
			return n->vals[j];
		}
	return NULL;
}

/* a whole noun phrase, put in "'%s' must be %s, not %s" */
static const char *
kind_name(enum ykind k)
{
	return k == Y_SCALAR ? _("a value") : k == Y_SEQ ? _("a list") :
	    _("a mapping");
}

int
ynode_expect(const struct ynode *n, enum ykind k, const char *what,
    const char *fname, struct ceh_err *e)
{
	if (n == NULL)
		return ceh_fail(e, CEH_EINPUT, _("%s: '%s' is missing"), fname,
		    what);
	if (n->kind != k)
		return ceh_fail(e, CEH_EINPUT, _("%s:%d:%d: '%s' must be %s, "
		    "not %s"), fname, n->line, n->col, what, kind_name(k),
		    kind_name(n->kind));
	return 0;
}

int
ymap_str(const struct ynode *map, const char *key, int required,
    const char **out, const char *fname, struct ceh_err *e)
{
	return ynode_str(map, ymap_get(map, key), key, required, out, fname,
	    e);
}

int
ynode_str(const struct ynode *map, const struct ynode *v, const char *key,
    int required, const char **out, const char *fname, struct ceh_err *e)
{
	if (v == NULL) {
		if (required)
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: field '%s' is "
			    "missing"), fname, map ? map->line : 0, key);
		return 0;
	}
	if (ynode_expect(v, Y_SCALAR, key, fname, e) < 0)
		return -1;
	/* a plain null is an empty value */
	if (!v->quoted && (strcmp(v->str, "~") == 0 ||
	    strcmp(v->str, "null") == 0)) {
		*out = "";
		return 0;
	}
	*out = v->str;
	return 0;
}

int
ymap_long(const struct ynode *map, const char *key, int required, long min,
    long max, long *out, const char *fname, struct ceh_err *e)
{
	struct ynode *v = ymap_get(map, key);
	long x;

	if (v == NULL) {
		if (required)
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: field '%s' is "
			    "missing"), fname, map ? map->line : 0, key);
		return 0;
	}
	if (ynode_expect(v, Y_SCALAR, key, fname, e) < 0)
		return -1;
	if (parse_long(v->str, &x) < 0 || x < min || x > max)
		return ceh_fail(e, CEH_EINPUT, _("%s:%d:%d: field '%s' must be "
		    "a whole number from %ld to %ld, not '%.40s'"), fname,
		    v->line, v->col, key, min, max, v->str);
	*out = x;
	return 0;
}

int
ymap_bool(const struct ynode *map, const char *key, int required, int *out,
    const char *fname, struct ceh_err *e)
{
	struct ynode *v = ymap_get(map, key);

	if (v == NULL) {
		if (required)
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: field '%s' is "
			    "missing"), fname, map ? map->line : 0, key);
		return 0;
	}
	if (ynode_expect(v, Y_SCALAR, key, fname, e) < 0)
		return -1;
	if (strcmp(v->str, "true") == 0)
		*out = 1;
	else if (strcmp(v->str, "false") == 0)
		*out = 0;
	else
		return ceh_fail(e, CEH_EINPUT, _("%s:%d:%d: field '%s' must be "
		    "true or false, not '%.40s'"), fname, v->line, v->col,
		    key, v->str);
	return 0;
}

int
ymap_only(const struct ynode *map, const char *const *keys,
    const char *fname, struct ceh_err *e)
{
	size_t i, j = 0, t, nk = 0;

	if (map == NULL || map->kind != Y_MAP)
		return 0;
	while (keys[nk] != NULL)
		nk++;
	/* a document's keys come in the order of the list, mostly: each is
	 * looked for from where the last one was found */
	for (i = 0; i < map->n; i++) {
		for (t = 0; t < nk; t++, j = j + 1 == nk ? 0 : j + 1)
			if (strcmp(map->keys[i], keys[j]) == 0)
				break;
		if (t == nk)
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: unknown field "
			    "'%.60s'"), fname, map->vals[i] ?
			    map->vals[i]->line : map->line, map->keys[i]);
		j = j + 1 == nk ? 0 : j + 1;
	}
	return 0;
}

/* ---- writing ---- */

/*
 * The writer records the caller's events and renders them at yw_finish.
 * A document whose every scalar is in the class below, laid out as block
 * mappings, block sequences and flow sequences of scalars under a mapping
 * or sequence root, is rendered here exactly as libyaml's emitter renders
 * it (0.2.5 with the settings of emit_libyaml: indent 2, no width, UTF-8
 * unescaped): the same state machine (column, indent stack, the whitespace
 * and indention flags), cut down to that subset.  Anything else goes to
 * libyaml's emitter as before.  tests/unit/ytree.c and tests/fuzz/ytree.c
 * compare the two renderings.
 */

enum yw_kind { YW_MAP, YW_MAP_FLOW, YW_SEQ, YW_SEQ_FLOW, YW_MAP_END,
    YW_SEQ_END, YW_SCALAR };

struct yw_event {
	enum yw_kind kind;
	int quote;		/* YW_SCALAR: double-quoted, else plain */
	size_t off, len;	/* YW_SCALAR: its text in ywriter.text */
};

struct ywriter {
	struct yw_event *ev;
	size_t nev, cap;
	struct sbuf text;	/* the scalars, each NUL-terminated */
	int flow_depth;		/* >0 inside a flow sequence */
};

static void
add_event(struct ywriter *w, enum yw_kind kind, const char *s, int quote)
{
	struct yw_event *ev;

	if (w->nev == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->ev = xreallocarray(w->ev, w->cap, sizeof(*w->ev));
	}
	ev = &w->ev[w->nev++];
	ev->kind = kind;
	ev->quote = quote;
	ev->off = w->text.len;
	ev->len = 0;
	if (kind == YW_SCALAR) {
		ev->len = strlen(s);
		sb_add(&w->text, s, ev->len + 1);
	}
}

struct ywriter *
yw_new(void)
{
	return xcalloc(1, sizeof(struct ywriter));
}

void
yw_map_start(struct ywriter *w)
{
	add_event(w, w->flow_depth ? YW_MAP_FLOW : YW_MAP, NULL, 0);
}

void
yw_map_end(struct ywriter *w)
{
	add_event(w, YW_MAP_END, NULL, 0);
}

void
yw_seq_start(struct ywriter *w)
{
	if (w->flow_depth)
		w->flow_depth++;
	add_event(w, w->flow_depth ? YW_SEQ_FLOW : YW_SEQ, NULL, 0);
}

void
yw_flow_seq_start(struct ywriter *w)
{
	w->flow_depth++;
	add_event(w, YW_SEQ_FLOW, NULL, 0);
}

void
yw_seq_end(struct ywriter *w)
{
	if (w->flow_depth)
		w->flow_depth--;
	add_event(w, YW_SEQ_END, NULL, 0);
}

/* Would this plain scalar read back as something other than a string? */
static int
ambiguous(const char *s)
{
	static const char *const words[] = { "y", "Y", "yes", "Yes", "YES",
	    "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
	    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null",
	    "Null", "NULL", "~", NULL };
	size_t len = strlen(s);

	if (len == 0 || (len <= 5 && str_in(s, words)))
		return 1;
	if (s[0] == ' ' || s[len - 1] == ' ')
		return 1;
	if (strchr("-?:,[]{}#&*!|>'\"%@`.+0123456789", s[0]))
		return 1;
	return s[strcspn(s, ":#\t\n")] != '\0';
}

void
yw_str(struct ywriter *w, const char *s)
{
	add_event(w, YW_SCALAR, s ? s : "", s == NULL || ambiguous(s));
}

void
yw_plain(struct ywriter *w, const char *s)
{
	add_event(w, YW_SCALAR, s, 0);
}

void
yw_long(struct ywriter *w, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	add_event(w, YW_SCALAR, buf, 0);
}

void
yw_kv(struct ywriter *w, const char *key, const char *val)
{
	yw_plain(w, key);
	yw_str(w, val);
}

void
yw_kv_long(struct ywriter *w, const char *key, long v)
{
	yw_plain(w, key);
	yw_long(w, v);
}

/* ---- the fast rendering ---- */

/*
 * The class of scalars rendered here: valid UTF-8 that libyaml's emitter
 * writes unescaped (printable: no control character, no tab, no break
 * (CR, LF, U+0085, U+2028, U+2029), no BOM, no U+FFFE/U+FFFF, nothing
 * beyond U+FFFF), without '"' and '\\'.  Such a scalar asked for
 * double-quoted is written "TEXT".  One asked for plain is written TEXT
 * when it is also not empty, has no leading or trailing space, does not
 * begin with an indicator or "...", and holds none of ": # , ? [ ] { }":
 * then libyaml's analysis allows it plain in block and in flow context
 * (and as a simple key, up to 128 bytes).  Anything else: -1.
 * Returns the length in characters (libyaml's columns).
 */
/* The ASCII bytes of that class: 1 in a double-quoted scalar, 2 also in
 * a plain one. */
static const unsigned char ascii_ok[128] = {
	[' '] = 3, ['!'] = 3, ['"'] = 0, ['#'] = 1, ['$'] = 3, ['%'] = 3,
	['&'] = 3, ['\''] = 3, ['('] = 3, [')'] = 3, ['*'] = 3, ['+'] = 3,
	[','] = 1, ['-'] = 3, ['.'] = 3, ['/'] = 3,
	['0'] = 3, ['1'] = 3, ['2'] = 3, ['3'] = 3, ['4'] = 3, ['5'] = 3,
	['6'] = 3, ['7'] = 3, ['8'] = 3, ['9'] = 3,
	[':'] = 1, [';'] = 3, ['<'] = 3, ['='] = 3, ['>'] = 3, ['?'] = 1,
	['@'] = 3,
	['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3,
	['G'] = 3, ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3,
	['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
	['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
	['Y'] = 3, ['Z'] = 3,
	['['] = 1, ['\\'] = 0, [']'] = 1, ['^'] = 3, ['_'] = 3, ['`'] = 3,
	['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3,
	['g'] = 3, ['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3,
	['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3,
	['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3, ['w'] = 3, ['x'] = 3,
	['y'] = 3, ['z'] = 3,
	['{'] = 1, ['|'] = 3, ['}'] = 1, ['~'] = 3,
};

static long
fast_text(const unsigned char *s, size_t len, int quote)
{
	unsigned char need = quote ? 1 : 2;
	long chars = 0;
	size_t i = 0;

	if (!quote && (len == 0 || s[0] == ' ' || s[len - 1] == ' ' ||
	    strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) ||
	    (len >= 3 && memcmp(s, "...", 3) == 0)))
		return -1;
	while (i < len) {
		unsigned char c = s[i];

		chars++;
		if (c < 0x80) {
			if (!(ascii_ok[c] & need))
				return -1;
			i++;
			continue;
		}
		if (c >= 0xc3 && c <= 0xdf) {
			if (i + 1 >= len || (s[i + 1] & 0xc0) != 0x80)
				return -1;
			i += 2;
			continue;
		}
		if (c < 0xe0 || c > 0xef || i + 2 >= len ||
		    (s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80)
			return -1;
		if ((c == 0xe0 && s[i + 1] < 0xa0) ||	/* overlong */
		    (c == 0xed && s[i + 1] >= 0xa0) ||	/* surrogates */
		    (c == 0xe2 && s[i + 1] == 0x80 &&	/* U+2028, U+2029 */
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) ||
		    (c == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf) ||
		    (c == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe))
			return -1;
		i += 3;
	}
	return chars;
}

#define FAST_DEPTH (YTREE_MAX_DEPTH + 2)

/* libyaml's emitter state, for the subset */
struct fastw {
	const struct ywriter *w;
	struct sbuf *out;
	size_t i;		/* the next event */
	long column;
	int whitespace, indention;
	int indent, indents[FAST_DEPTH], nind;
	int flow_level;
};

static void
fw_put(struct fastw *f, const char *s, size_t len, long chars)
{
	sb_add(f->out, s, len);
	f->column += chars;
}

static void
fw_indent(struct fastw *f)
{
	int ind = f->indent >= 0 ? f->indent : 0;

	if (!f->indention || f->column > ind ||
	    (f->column == ind && !f->whitespace)) {
		sb_addc(f->out, '\n');
		f->column = 0;
	}
	for (; f->column < ind; f->column++)
		sb_addc(f->out, ' ');
	f->whitespace = 1;
	f->indention = 1;
}

static void
fw_indicator(struct fastw *f, const char *s, int need_ws, int is_ws,
    int is_indention)
{
	if (need_ws && !f->whitespace)
		fw_put(f, " ", 1, 1);
	fw_put(f, s, strlen(s), (long)strlen(s));
	f->whitespace = is_ws;
	f->indention = f->indention && is_indention;
}

static int
fw_push(struct fastw *f, int flow, int indentless)
{
	if (f->nind == FAST_DEPTH)
		return -1;
	f->indents[f->nind++] = f->indent;
	if (f->indent < 0)
		f->indent = flow ? 2 : 0;
	else if (!indentless)
		f->indent += 2;
	return 0;
}

static void
fw_pop(struct fastw *f)
{
	f->indent = f->indents[--f->nind];
}

static int
fw_scalar(struct fastw *f, const struct yw_event *ev, int key)
{
	const char *s = f->w->text.buf + ev->off;
	long chars = fast_text((const unsigned char *)s, ev->len, ev->quote);

	if (chars < 0 || (key && ev->len > 128))
		return -1;
	if (ev->quote)
		fw_indicator(f, "\"", 1, 0, 0);
	else if (!f->whitespace)
		fw_put(f, " ", 1, 1);
	fw_put(f, s, ev->len, chars);
	if (ev->quote)
		fw_indicator(f, "\"", 0, 0, 0);
	f->whitespace = 0;
	f->indention = 0;
	f->i++;
	return 0;
}

enum fw_ctx { FW_ROOT, FW_ITEM, FW_VALUE };

static int fw_node(struct fastw *f, enum fw_ctx ctx);

/* "[]", "{}", or a flow sequence of scalars */
static int
fw_flow(struct fastw *f, const char *open, const char *close,
    enum yw_kind end)
{
	int first = 1;

	fw_indicator(f, open, 1, 1, 0);
	if (fw_push(f, 1, 0) < 0)
		return -1;
	f->flow_level++;
	for (f->i++; f->i < f->w->nev && f->w->ev[f->i].kind != end; first = 0) {
		if (f->w->ev[f->i].kind != YW_SCALAR)
			return -1;
		if (!first)
			fw_indicator(f, ",", 0, 0, 0);
		if (fw_scalar(f, &f->w->ev[f->i], 0) < 0)
			return -1;
	}
	if (f->i == f->w->nev)
		return -1;
	f->flow_level--;
	fw_pop(f);
	fw_indicator(f, close, 0, 0, 0);
	f->i++;
	return 0;
}

static int
fw_map(struct fastw *f)
{
	const struct ywriter *w = f->w;

	if (f->i + 1 < w->nev && w->ev[f->i + 1].kind == YW_MAP_END)
		return fw_flow(f, "{", "}", YW_MAP_END);
	if (fw_push(f, 0, 0) < 0)
		return -1;
	for (f->i++; f->i < w->nev && w->ev[f->i].kind != YW_MAP_END; ) {
		if (w->ev[f->i].kind != YW_SCALAR)
			return -1;
		fw_indent(f);
		if (fw_scalar(f, &w->ev[f->i], 1) < 0)
			return -1;
		fw_indicator(f, ":", 0, 0, 0);
		if (f->i == w->nev || fw_node(f, FW_VALUE) < 0)
			return -1;
	}
	if (f->i == w->nev)
		return -1;
	fw_pop(f);
	f->i++;
	return 0;
}

static int
fw_seq(struct fastw *f, enum fw_ctx ctx)
{
	const struct ywriter *w = f->w;

	if (f->i + 1 < w->nev && w->ev[f->i + 1].kind == YW_SEQ_END)
		return fw_flow(f, "[", "]", YW_SEQ_END);
	if (fw_push(f, 0, ctx == FW_VALUE && !f->indention) < 0)
		return -1;
	for (f->i++; f->i < w->nev && w->ev[f->i].kind != YW_SEQ_END; ) {
		fw_indent(f);
		fw_indicator(f, "-", 1, 0, 1);
		if (fw_node(f, FW_ITEM) < 0)
			return -1;
	}
	if (f->i == w->nev)
		return -1;
	fw_pop(f);
	f->i++;
	return 0;
}

static int
fw_node(struct fastw *f, enum fw_ctx ctx)
{
	switch (f->w->ev[f->i].kind) {
	case YW_SCALAR:
		return ctx == FW_ROOT ? -1 : fw_scalar(f, &f->w->ev[f->i], 0);
	case YW_MAP:
		return fw_map(f);
	case YW_SEQ:
		return fw_seq(f, ctx);
	case YW_SEQ_FLOW:
		return fw_flow(f, "[", "]", YW_SEQ_END);
	default:		/* a flow mapping, or an end out of place */
		return -1;
	}
}

/* The whole document rendered into out, or -1 (out then undefined). */
static int
emit_fast(const struct ywriter *w, struct sbuf *out)
{
	struct fastw f;

	memset(&f, 0, sizeof(f));
	f.w = w;
	f.out = out;
	f.whitespace = f.indention = 1;
	f.indent = -1;
	if (w->nev == 0 || w->flow_depth || fw_node(&f, FW_ROOT) < 0 ||
	    f.i != w->nev)
		return -1;
	fw_indent(&f);		/* the document's end */
	return 0;
}

/* ---- libyaml's emitter ---- */

static int
write_handler(void *data, unsigned char *buf, size_t size)
{
	sb_add(data, buf, size);
	return 1;
}

/* yaml_emitter_emit owns ev even on failure (Y2); after a failure the
 * emitter is unusable (Y3), so later events are dropped. */
static void
emit(yaml_emitter_t *em, int *failed, yaml_event_t *ev)
{
	if (*failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(em, ev))
		*failed = 1;
}

static void
emit_event(yaml_emitter_t *em, int *failed, const struct ywriter *w,
    const struct yw_event *y)
{
	yaml_event_t ev;

	switch (y->kind) {
	case YW_MAP:
	case YW_MAP_FLOW:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    y->kind == YW_MAP_FLOW ? YAML_FLOW_MAPPING_STYLE :
		    YAML_BLOCK_MAPPING_STYLE);
		break;
	case YW_SEQ:
	case YW_SEQ_FLOW:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    y->kind == YW_SEQ_FLOW ? YAML_FLOW_SEQUENCE_STYLE :
		    YAML_BLOCK_SEQUENCE_STYLE);
		break;
	case YW_MAP_END:
		yaml_mapping_end_event_initialize(&ev);
		break;
	case YW_SEQ_END:
		yaml_sequence_end_event_initialize(&ev);
		break;
	case YW_SCALAR:
		if (*failed)
			return;
		if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (yaml_char_t *)w->text.buf + y->off, (int)y->len, !y->quote, 1, y->quote ?
		    YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE)) {
			*failed = 1;
			return;
		}
		break;
	}
	emit(em, failed, &ev);
}

/* The events through libyaml's emitter into out: 0, or -1 with e. */
static int
emit_libyaml(const struct ywriter *w, struct sbuf *out, struct ceh_err *e)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int failed = 0;
	size_t i;

	if (!yaml_emitter_initialize(&em))
		return ceh_fail(e, CEH_EINPUT, _("cannot write YAML: %s"),
		    strerror(ENOMEM));
	yaml_emitter_set_output(&em, write_handler, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&em, &failed, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(&em, &failed, &ev);
	for (i = 0; i < w->nev; i++)
		emit_event(&em, &failed, w, &w->ev[i]);
	yaml_document_end_event_initialize(&ev, 1);
	emit(&em, &failed, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(&em, &failed, &ev);
	if (!failed && !yaml_emitter_flush(&em))
		failed = 1;
	if (failed)
		ceh_fail(e, CEH_EINPUT, _("cannot write YAML: %s"),
		    em.problem ? em.problem : _("a value is not valid UTF-8"));
	yaml_emitter_delete(&em);
	return failed ? -1 : 0;
}

static int
finish(struct ywriter *w, struct sbuf *out, int fast, struct ceh_err *e)
{
	struct sbuf text = SBUF_INIT;

	if (!fast || emit_fast(w, &text) < 0) {
		sb_reset(&text);
		if (emit_libyaml(w, &text, e) < 0) {
			sb_release(&text);
			return -1;
		}
	}
	sb_release(out);
	*out = text;
	return 0;
}

int
yw_finish(struct ywriter *w, struct sbuf *out, struct ceh_err *e)
{
	return finish(w, out, 1, e);
}

int
yw_finish_libyaml(struct ywriter *w, struct sbuf *out, struct ceh_err *e)
{
	return finish(w, out, 0, e);
}

int
yw_fast_ok(const struct ywriter *w)
{
	struct sbuf text = SBUF_INIT;
	int ok = emit_fast(w, &text) == 0;

	sb_release(&text);
	return ok;
}

void
yw_free(struct ywriter *w)
{
	if (w == NULL)
		return;
	free(w->ev);
	sb_release(&w->text);
	free(w);
}

int
ytree_fast_ok(const char *buf, size_t len)
{
	struct fast f;

	memset(&f, 0, sizeof(f));
	return fast_parse(buf, len, &f, NULL) == 0;
}
