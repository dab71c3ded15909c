/*
 * ytree_fast: the differential test of ytree.c's fast path (ceh's own
 * canonical documents read without libyaml).  For every input, the
 * parse (fast path where it applies) and the libyaml-only parse agree:
 * both refuse with the same class and message, or both give the same
 * tree, every scalar's value, quoting, line and column included; and
 * ytree_peek agrees with the libyaml-only peek for the keys of the
 * document and a few more.  The seeds are canonical documents as ceh
 * writes them (signed and unsigned), those of the ytree and doc_parse
 * targets, and edge cases of the fast path's form, each of which must
 * fall back or agree.
 */
#include "fuzz.h"
#include "ytree.h"

static void
same_tree(const struct ynode *a, const struct ynode *b, const char *in)
{
	size_t i;

	FUZZ_CHECK(a->kind == b->kind && a->line == b->line &&
	    a->col == b->col && a->n == b->n, "node %d:%d kind %d n %zu, "
	    "libyaml %d:%d kind %d n %zu\n%s", a->line, a->col, a->kind, a->n,
	    b->line, b->col, b->kind, b->n, in);
	if (a->kind == Y_SCALAR) {
		FUZZ_CHECK(strcmp(a->str, b->str) == 0 &&
		    a->quoted == b->quoted, "scalar at %d:%d '%s' (%d), "
		    "libyaml '%s' (%d)", a->line, a->col, a->str, a->quoted,
		    b->str, b->quoted);
		return;
	}
	for (i = 0; i < a->n; i++) {
		if (a->kind == Y_MAP)
			FUZZ_CHECK(strcmp(a->keys[i], b->keys[i]) == 0,
			    "key '%s', libyaml '%s'", a->keys[i], b->keys[i]);
		same_tree(a->vals[i], b->vals[i], in);
	}
}

static void
same_peek(const char *buf, size_t len, const char *key)
{
	char o1[64], o2[64];
	struct ceh_err e1, e2;
	int r1, r2;

	memset(&e1, 0, sizeof(e1));
	memset(&e2, 0, sizeof(e2));
	r1 = ytree_peek(buf, len, key, o1, sizeof(o1), "in.yaml", &e1);
	r2 = ytree_peek_libyaml(buf, len, key, o2, sizeof(o2), "in.yaml",
	    &e2);
	FUZZ_CHECK(r1 == r2, "peek '%s': %d, libyaml %d", key, r1, r2);
	if (r1 == 0)
		FUZZ_CHECK(strcmp(o1, o2) == 0, "peek '%s': '%s', libyaml "
		    "'%s'", key, o1, o2);
	else
		FUZZ_CHECK(e1.code == e2.code && strcmp(e1.msg, e2.msg) == 0,
		    "peek '%s': %s, libyaml %s", key, e1.msg, e2.msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ynode *t1, *t2;
	struct ceh_err e1, e2;
	char *in = fuzz_str(data, size);
	size_t i;

	memset(&e1, 0, sizeof(e1));
	memset(&e2, 0, sizeof(e2));
	t1 = ytree_parse(buf, size, "in.yaml", &e1);
	if (utf8_valid(buf, size)) {
		t2 = ytree_parse_libyaml(buf, size, "in.yaml", &e2);
		FUZZ_CHECK((t1 == NULL) == (t2 == NULL), "fast %s, libyaml "
		    "%s\n%s", t1 ? "accepts" : e1.msg, t2 ? "accepts" :
		    e2.msg, in);
		if (t1 == NULL)
			FUZZ_CHECK(e1.code == e2.code &&
			    strcmp(e1.msg, e2.msg) == 0, "refusal '%s', "
			    "libyaml '%s'", e1.msg, e2.msg);
		else
			same_tree(t1, t2, in);
		/* what the fast path's form takes libyaml reads without an
		 * error of its own (a key twice is the builder's) */
		if (ytree_fast_ok(buf, size))
			FUZZ_CHECK(t2 != NULL || strstr(e2.msg, "duplicate "
			    "key"), "fast path takes a document libyaml "
			    "refuses: %s", e2.msg);
		ytree_free(t2);
	} else {
		FUZZ_CHECK(t1 == NULL && !ytree_fast_ok(buf, size),
		    "invalid UTF-8 accepted");
	}
	same_peek(buf, size, "stage");
	same_peek(buf, size, "id");
	same_peek(buf, size, "format");
	if (t1 && t1->kind == Y_MAP)
		for (i = 0; i < t1->n && i < 8; i++)
			same_peek(buf, size, t1->keys[i]);
	ytree_free(t1);
	free(in);
	return 0;
}
