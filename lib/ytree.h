/*
 * ytree.h - the libyaml adapter (the only file that includes yaml.h).
 *
 * Reading: ytree_parse() turns one YAML document into a small tree of
 * scalars, sequences and mappings, built from libyaml's event API.  It is
 * strict, because store files may be hostile: anchors, aliases, explicit
 * tags, duplicate keys, non-scalar keys, NUL bytes, invalid UTF-8, more
 * than one document and nesting deeper than YTREE_MAX_DEPTH are errors.
 * Every node remembers its line and column for messages; every error
 * names the file given.
 *
 * Writing: struct ywriter emits block-style YAML as libyaml's emitter
 * writes it, in the order the caller gives (canonical files), UTF-8 as
 * UTF-8, no line folding.  Strings that could read back as something else
 * (empty, digits, yes/no/null words, leading/trailing space, indicators)
 * are quoted.  yw_finish() returns the text; after any error nothing is
 * returned.  The documents of ceh's own form (block style, one-line
 * scalars that need no escape; ytree.c says exactly which) are rendered
 * without libyaml, byte for byte as libyaml renders them; anything else,
 * and every error, goes through libyaml's emitter.
 *
 * The documents in the form the writer makes (block style, plain or
 * double-quoted one-line scalars; ytree.c says exactly which) are read
 * by a fast path that does not use libyaml, to the same tree; anything
 * else, and every error, goes through libyaml as before.
 */
#ifndef CEH_YTREE_H
#define CEH_YTREE_H

#include <stddef.h>

#include "xalloc.h"

struct ceh_err;

#define YTREE_MAX_DEPTH 8
#define YTREE_MAX_NODES 2000000

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	int line, col;			/* 1-based */
	char *str;			/* Y_SCALAR: NUL-terminated value */
	int quoted;			/* Y_SCALAR: was quoted in the file */
	size_t n;			/* Y_SEQ, Y_MAP: number of items */
	char **keys;			/* Y_MAP: keys[i] names vals[i] */
	struct ynode **vals;		/* Y_SEQ items or Y_MAP values */
	void *arena;			/* ytree.c's (the fast path's memory) */
};

/* Parse buf (need not be NUL-terminated).  fname is used in messages.
 * An empty input yields an empty mapping.  Caller frees with ytree_free. */
struct ynode *ytree_parse(const char *buf, size_t len, const char *fname,
    struct ceh_err *e);
void ytree_free(struct ynode *n);
/* For tests (tests/fuzz/ytree_fast.c): ytree_parse reads a document in
 * ceh's own canonical form without libyaml (ytree.c, "the fast path"),
 * anything else with libyaml; ytree_parse_libyaml always with libyaml
 * (buf valid UTF-8), and ytree_fast_ok says whether the fast path takes
 * buf.  The two parses give the same tree, marks and errors. */
struct ynode *ytree_parse_libyaml(const char *buf, size_t len,
    const char *fname, struct ceh_err *e);
int ytree_fast_ok(const char *buf, size_t len);
int ytree_peek_libyaml(const char *buf, size_t len, const char *key,
    char *out, size_t outsize, const char *fname, struct ceh_err *e);

/* The scalar value of one top-level key of a mapping document, read with
 * the event parser only as far as that key (no tree, no validation): for
 * a cheap look at a document's stage.  -1 (class 1) if the key is absent,
 * not a scalar, or the document is malformed before it. */
int ytree_peek(const char *buf, size_t len, const char *key, char *out,
    size_t outsize, const char *fname, struct ceh_err *e);

/* Lookups; NULL when absent or n is not a mapping.  Borrowed pointers. */
struct ynode *ymap_get(const struct ynode *n, const char *key);

/*
 * Schema helpers: each fills e with "FILE:LINE: field 'KEY' ..." on
 * failure.  'required' makes absence an error; otherwise *out is left.
 */
int ymap_str(const struct ynode *map, const char *key, int required,
    const char **out, const char *fname, struct ceh_err *e);
/* ymap_str of v, the value of key in map already looked up (or NULL). */
int ynode_str(const struct ynode *map, const struct ynode *v,
    const char *key, int required, const char **out, const char *fname,
    struct ceh_err *e);
int ymap_long(const struct ynode *map, const char *key, int required,
    long min, long max, long *out, const char *fname, struct ceh_err *e);
int ymap_bool(const struct ynode *map, const char *key, int required,
    int *out, const char *fname, struct ceh_err *e);
/* Refuse keys not in the NULL-terminated list. */
int ymap_only(const struct ynode *map, const char *const *keys,
    const char *fname, struct ceh_err *e);
/* Fail unless n has kind k ('what' names it in the message). */
int ynode_expect(const struct ynode *n, enum ykind k, const char *what,
    const char *fname, struct ceh_err *e);

struct ywriter;

struct ywriter *yw_new(void);
void yw_map_start(struct ywriter *w);
void yw_map_end(struct ywriter *w);
void yw_seq_start(struct ywriter *w);
void yw_seq_end(struct ywriter *w);
void yw_flow_seq_start(struct ywriter *w);	/* [a, b] on one line */
void yw_str(struct ywriter *w, const char *s);	/* quoted if ambiguous */
void yw_plain(struct ywriter *w, const char *s); /* numbers, booleans */
void yw_long(struct ywriter *w, long v);
void yw_kv(struct ywriter *w, const char *key, const char *val);
void yw_kv_long(struct ywriter *w, const char *key, long v);
/* Finish the document; on success move the text into out and return 0. */
int yw_finish(struct ywriter *w, struct sbuf *out, struct ceh_err *e);
/* For tests (tests/unit/ytree.c, tests/fuzz/ytree.c): yw_finish always
 * through libyaml's emitter, and whether yw_finish renders w without it.
 * The two renderings are the same bytes. */
int yw_finish_libyaml(struct ywriter *w, struct sbuf *out,
    struct ceh_err *e);
int yw_fast_ok(const struct ywriter *w);
/* Free the writer (after yw_finish or to abandon it). */
void yw_free(struct ywriter *w);

#endif
