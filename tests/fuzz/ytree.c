/*
 * ytree: the strict YAML reader under every store file, and the writer.
 * Properties: a refusal is class 1 and names the file; an accepted tree,
 * written back with the ywriter (every scalar through yw_str, which must
 * quote whatever could read back differently), parses to the same tree;
 * the writer's own rendering is libyaml's emitter's, byte for byte.
 */
#include "fuzz.h"
#include "ytree.h"

static void
put(struct ywriter *w, const struct ynode *n)
{
	size_t i;

	switch (n->kind) {
	case Y_SCALAR:
		yw_str(w, n->str);
		break;
	case Y_SEQ:
		yw_seq_start(w);
		for (i = 0; i < n->n; i++)
			put(w, n->vals[i]);
		yw_seq_end(w);
		break;
	case Y_MAP:
		yw_map_start(w);
		for (i = 0; i < n->n; i++) {
			yw_str(w, n->keys[i]);
			put(w, n->vals[i]);
		}
		yw_map_end(w);
		break;
	}
}

static int
same(const struct ynode *a, const struct ynode *b)
{
	size_t i;

	if (a->kind != b->kind)
		return 0;
	if (a->kind == Y_SCALAR)
		return strcmp(a->str, b->str) == 0;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->kind == Y_MAP && strcmp(a->keys[i], b->keys[i]) != 0)
			return 0;
		if (!same(a->vals[i], b->vals[i]))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ynode *t, *t2;
	struct ywriter *w;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	struct ceh_err e;
	const char *v;
	long l;
	int b;

	t = ytree_parse((const char *)data, size, "in.yaml", &e);
	if (t == NULL) {
		FUZZ_CHECK(e.code == CEH_EINPUT, "class %d: %s", e.code,
		    e.msg);
		FUZZ_CHECK(strncmp(e.msg, "in.yaml", 7) == 0,
		    "message does not name the file: %s", e.msg);
		return 0;
	}
	/* the schema helpers on whatever came */
	if (t->kind == Y_MAP && t->n > 0) {
		(void)ymap_str(t, t->keys[0], 1, &v, "in.yaml", &e);
		(void)ymap_long(t, t->keys[0], 1, -5, 5, &l, "in.yaml", &e);
		(void)ymap_bool(t, t->keys[0], 1, &b, "in.yaml", &e);
		(void)ymap_only(t, (const char *const[]){ "a", NULL },
		    "in.yaml", &e);
	}
	w = yw_new();
	put(w, t);
	FUZZ_CHECK(yw_finish(w, &out, &e) == 0, "write: %s", e.msg);
	FUZZ_CHECK(yw_finish_libyaml(w, &out2, &e) == 0 &&
	    out2.len == out.len && memcmp(out.buf, out2.buf, out.len) == 0,
	    "the writer's rendering is not libyaml's:\n%s\n%s", out.buf,
	    out2.buf);
	yw_free(w);
	t2 = ytree_parse(out.buf, out.len, "out.yaml", &e);
	FUZZ_CHECK(t2 != NULL, "re-parse: %s\n%s", e.msg, out.buf);
	/* an empty input is an empty mapping, written as "{}" */
	FUZZ_CHECK(same(t, t2), "tree changed through the writer:\n%s",
	    out.buf);
	ytree_free(t);
	ytree_free(t2);
	sb_release(&out);
	sb_release(&out2);
	return 0;
}
