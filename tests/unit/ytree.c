/* Unit tests of lib/ytree: the strict parser refuses hostile YAML with
 * the file named, and the emitter writes strings that read back as the
 * same strings. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tap.h"
#include "xalloc.h"
#include "ytree.h"

static struct ceh_err e;

/* Parsing fails, class 1, the message names the file and has 'frag'. */
static int
refused(const char *yaml, size_t len, const char *frag)
{
	struct ynode *n;

	ceh_err_clear(&e);
	n = ytree_parse(yaml, len, "hostile.yaml", &e);
	if (n != NULL) {
		ytree_free(n);
		printf("# accepted: %.60s\n", yaml);
		return 0;
	}
	if (e.code != CEH_EINPUT || strncmp(e.msg, "hostile.yaml", 12) != 0 ||
	    (frag && strstr(e.msg, frag) == NULL)) {
		printf("# message (class %d): %s\n", e.code, e.msg);
		return 0;
	}
	return 1;
}

#define REFUSED(s, frag) refused((s), strlen(s), (frag))

/* Emit a one-key mapping {k: s} and read it back. */
static int
roundtrip(const char *s)
{
	struct ywriter *w = yw_new();
	struct sbuf out = SBUF_INIT;
	struct ynode *n;
	const char *got = NULL;
	int same = 0;

	yw_map_start(w);
	yw_kv(w, "k", s);
	yw_map_end(w);
	ceh_err_clear(&e);
	if (yw_finish(w, &out, &e) < 0) {
		yw_free(w);
		printf("# cannot emit '%s': %s\n", s, e.msg);
		return 0;
	}
	yw_free(w);
	n = ytree_parse(out.buf, out.len, "rt.yaml", &e);
	if (n && ymap_str(n, "k", 1, &got, "rt.yaml", &e) == 0)
		same = strcmp(got, s) == 0;
	if (!same)
		printf("# '%s' emitted as: %s# read back '%s'\n", s, out.buf,
		    got ? got : "(error)");
	ytree_free(n);
	sb_release(&out);
	return same;
}

/* ---- the writer's own rendering against libyaml's emitter ---- */

/* scalars near every edge of the fast writer's class (ytree.c) */
static const char *const pool[] = { "a", "x y", "张三", "湖南省（长沙）",
    "", " ", " a", "a ", "a  b", "-", "-5", "- a", "a-b", "?", "?a", ":",
    "a:b", "a: b", "a:", "#", "a#b", "a #b", ",", "a,b", "[", "a]", "{",
    "a}", "&a", "*a", "!a", "|", ">", "'", "'a'", "\"", "a\"b", "\\",
    "a\\b", "%", "@", "`", "...", "..a", "---", "--a", ".5", "60.5", "2016",
    "0", "yes", "null", "~", "a\tb", "a\nb", "a\rb", "\x7f", "\x01",
    "\xc2\xa0", "\xc2\x85", "\xc3\xa9", "\xe2\x80\xa8", "\xe2\x80\xa9",
    "\xe2\x80\xa7", "\xef\xbb\xbf", "\xef\xbf\xbe", "\xef\xbf\xbd",
    "\xed\x9f\xbf", "\xed\xa0\x80", "\xee\x80\x80", "\xe0\xa0\x80",
    "\xe0\x80\x80", "\xf0\x9f\x98\x80", "\xd5\xc5", "\xe4\xb8", "\xc3",
    "\xe4", "a\xe4\xb8", "f42f61581a4a2369b7d93ee4140d03cfa27115eb73f3ad0e",
    "kS4KAwpEf14FTKjJ69J4fTp42afHvRsBw4ouE4QLgsob45q5SZCZ-odSz5o_qETqbVsA",
    "2025-01-01T13:54:33Z", "bench@genstore", "x (y)", NULL };
static size_t npool;
static unsigned long seed = 1;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

static void
rnd_scalar(struct ywriter *w, int key)
{
	static char longkey[140];
	unsigned r = rnd(8);

	if (key && r == 0) {		/* a key of 128 or 129 bytes */
		memset(longkey, 'k', sizeof(longkey));
		longkey[128 + rnd(2)] = 0;
		yw_plain(w, longkey);
	} else if (r < 4)
		yw_str(w, pool[rnd(npool)]);
	else if (r < 7)
		yw_plain(w, pool[rnd(npool)]);
	else
		yw_long(w, (long)rnd(2000) - 1000);
}

static void
rnd_node(struct ywriter *w, int depth)
{
	unsigned r = depth >= 5 ? 0 : rnd(8), n = rnd(4), i;

	if (r < 3) {
		rnd_scalar(w, 0);
	} else if (r < 5) {
		yw_map_start(w);
		for (i = 0; i < n; i++) {
			if (rnd(20) == 0)	/* a key that is not a scalar */
				rnd_node(w, depth + 1);
			else
				rnd_scalar(w, 1);
			rnd_node(w, depth + 1);
		}
		yw_map_end(w);
	} else if (r < 7) {
		yw_seq_start(w);
		for (i = 0; i < n; i++)
			rnd_node(w, depth + 1);
		yw_seq_end(w);
	} else {
		yw_flow_seq_start(w);
		for (i = 0; i < n; i++)
			if (rnd(6) == 0)
				rnd_node(w, depth + 1);
			else
				rnd_scalar(w, 0);
		yw_seq_end(w);
	}
}

/* n random documents, each rendered both ways: the same result, and the
 * same bytes; *fast: how many yw_finish rendered without libyaml */
static int
writer_same(int n, int *fast)
{
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	struct ceh_err e2;
	int i, bad = 0;

	for (npool = 0; pool[npool]; npool++)
		;
	for (i = 0; i < n; i++) {
		struct ywriter *w = yw_new();
		int ra, rb;

		if (rnd(2) == 0) {
			yw_map_start(w);
			while (rnd(4) != 0) {
				rnd_scalar(w, 1);
				rnd_node(w, 1);
			}
			yw_map_end(w);
		} else
			rnd_node(w, 0);
		*fast += yw_fast_ok(w);
		ceh_err_clear(&e);
		ceh_err_clear(&e2);
		ra = yw_finish(w, &a, &e);
		rb = yw_finish_libyaml(w, &b, &e2);
		if (ra != rb || (ra == 0 && (a.len != b.len ||
		    memcmp(a.buf, b.buf, a.len) != 0)) ||
		    (ra < 0 && strcmp(e.msg, e2.msg) != 0)) {
			if (bad++ < 3)
				printf("# document %d:\n# fast (%d):\n%.*s\n# "
				    "libyaml (%d):\n%.*s\n", i, ra,
				    ra == 0 ? (int)a.len : 0, a.buf, rb,
				    rb == 0 ? (int)b.len : 0, b.buf);
		}
		yw_free(w);
	}
	sb_release(&a);
	sb_release(&b);
	return bad == 0;
}

int
main(void)
{
	static const char *const strings[] = { "", "yes", "no", "Yes", "on",
	    "off", "true", "false", "null", "Null", "~", "y", "n", "123",
	    "0123", "1.5", "-1", "+1", ".inf", "0x1F", "1e3", "2024-01-01",
	    " lead", "trail ", "a: b", "a #b", "#c", "-", "- x", "? q",
	    ":", "[x]", "{x}", "&a", "*a", "!t", "|", ">", "'q'", "\"d\"",
	    "%p", "@a", "`b", "张三", "湖南省 长沙市", "a\tb", "a\nb",
	    "trailing\n", "back\\slash", "43010219850312123X",
	    "91350100M000100Y43", "0731-84123456", NULL };
	struct ywriter *w;
	struct sbuf out = SBUF_INIT;
	struct ynode *n;
	const char *s;
	long l;
	int b, i;
	char deep[256];

	/* a good document */
	s = "a: 1\nb: [x, y]\nc:\n  d: 张三\n  e: \"q\"\n";
	n = ytree_parse(s, strlen(s), "good.yaml", &e);
	ok(n != NULL && n->kind == Y_MAP && n->n == 3, "good document");
	ok(ymap_get(n, "b") && ymap_get(n, "b")->kind == Y_SEQ &&
	    ymap_get(n, "b")->n == 2, "sequence");
	ok(ymap_str(ymap_get(n, "c"), "d", 1, &s, "good.yaml", &e) == 0 &&
	    strcmp(s, "张三") == 0, "UTF-8 value");
	ok(ymap_get(ymap_get(n, "c"), "e")->quoted, "quoted flag kept");
	ok(ymap_long(n, "a", 1, 0, 5, &l, "good.yaml", &e) == 0 && l == 1,
	    "ymap_long");
	ok(ymap_long(n, "a", 1, 2, 5, &l, "good.yaml", &e) < 0 &&
	    strstr(e.msg, "good.yaml:1:4: field 'a'"), "range, with place");
	ok(ymap_long(n, "b", 1, 0, 5, &l, "good.yaml", &e) < 0 &&
	    strstr(e.msg, "must be a value, not a list"), "wrong type");
	ok(ymap_str(n, "zz", 1, &s, "good.yaml", &e) < 0 &&
	    strstr(e.msg, "'zz' is missing"), "missing required field");
	ok(ymap_str(n, "zz", 0, &s, "good.yaml", &e) == 0, "optional absent");
	ok(ymap_bool(n, "a", 1, &b, "good.yaml", &e) < 0 &&
	    strstr(e.msg, "true or false"), "1 is not a boolean");
	{
		static const char *const only[] = { "a", "b", NULL };

		ok(ymap_only(n, only, "good.yaml", &e) < 0 &&
		    strstr(e.msg, "unknown field 'c'"), "unknown key named");
	}
	ytree_free(n);
	n = ytree_parse("", 0, "empty.yaml", &e);
	ok(n && n->kind == Y_MAP && n->n == 0, "empty input: empty mapping");
	ytree_free(n);
	n = ytree_parse("x: ~\ny: null\nz: \"null\"\n", 22, "n.yaml", &e);
	ok(n && ymap_str(n, "x", 1, &s, "n.yaml", &e) == 0 && *s == '\0' &&
	    ymap_str(n, "y", 1, &s, "n.yaml", &e) == 0 && *s == '\0' &&
	    ymap_str(n, "z", 1, &s, "n.yaml", &e) == 0 &&
	    strcmp(s, "null") == 0, "plain null is empty, quoted is text");
	ytree_free(n);

	/* hostile documents */
	ok(REFUSED("a: &x 1\nb: *x\n", "not allowed"), "anchor refused");
	ok(REFUSED("a: [1]\nb: *x\n", "alias"), "alias refused");
	ok(REFUSED("a: &x [1, 2]\n", "anchors"), "anchor on a sequence");
	ok(REFUSED("a: &x {b: 1}\n", "anchors"), "anchor on a mapping");
	ok(REFUSED("a: !!str 1\n", "tags"), "!!str tag refused");
	ok(REFUSED("a: !custom x\n", "tags"), "local tag refused");
	ok(REFUSED("a: !!map {b: 1}\n", "tags"), "tag on a mapping");
	ok(REFUSED("!!python/object:os.system x\n", "tags"),
	    "python tag refused");
	ok(REFUSED("a: 1\na: 2\n", "duplicate key 'a'"), "duplicate key");
	ok(REFUSED("a:\n  b: 1\n  b: 2\n", "hostile.yaml:3:3: duplicate"),
	    "nested duplicate key with its place");
	ok(REFUSED("? [a]\n: 1\n", "plain strings"), "sequence as a key");
	ok(REFUSED("{a: 1}: 2\n", "plain strings"), "mapping as a key");
	ok(REFUSED("a: 1\n---\nb: 2\n", "more than one document"),
	    "two documents");
	ok(REFUSED("---\na: 1\n...\n---\na: 1\n", "more than one document"),
	    "two explicit documents");
	ok(refused("a: b\0c\n", 7, "NUL"), "NUL byte");
	ok(REFUSED("a: \"b\\0c\"\n", "NUL"), "escaped NUL in a value");
	ok(REFUSED("a: \xd5\xc5\n", "UTF-8"), "GBK bytes (invalid UTF-8)");
	ok(REFUSED("a: \xed\xa0\x80\n", "UTF-8"), "UTF-8 surrogate");
	ok(REFUSED("a: \xc0\xaf\n", "UTF-8"), "overlong UTF-8");
	ok(REFUSED("a: \"unterminated\n", NULL), "unterminated quote");
	ok(REFUSED("a: [1, 2\n", NULL), "unterminated flow sequence");
	ok(REFUSED("a:\n\tb: 1\n", NULL), "tab indentation");
	ok(REFUSED("a: b: c\n", NULL), "mapping in a plain scalar");
	strcpy(deep, "");
	for (i = 0; i < YTREE_MAX_DEPTH + 1; i++)
		strcat(deep, "[");
	for (i = 0; i < YTREE_MAX_DEPTH + 1; i++)
		strcat(deep, "]");
	ok(REFUSED(deep, "nested too deeply"), "nesting over the limit");
	strcpy(deep, "");
	for (i = 0; i < YTREE_MAX_DEPTH; i++)
		strcat(deep, "[");
	for (i = 0; i < YTREE_MAX_DEPTH; i++)
		strcat(deep, "]");
	n = ytree_parse(deep, strlen(deep), "deep.yaml", &e);
	ok(n != NULL, "nesting at the limit accepted");
	ytree_free(n);
	{
		/* a billion-laughs-shaped document without aliases: many
		 * values are fine up to the node limit */
		struct sbuf sb = SBUF_INIT;

		for (i = 0; i < 5000; i++)
			sb_addf(&sb, "k%d: [a, b, c]\n", i);
		n = ytree_parse(sb.buf, sb.len, "many.yaml", &e);
		ok(n != NULL && n->n == 5000, "5000 keys parse");
		ytree_free(n);
		sb_release(&sb);
	}
	{
		/* duplicates in a big mapping (checked by sorting), and a
		 * mapping of 200000 keys that must not take quadratic time */
		struct sbuf sb = SBUF_INIT;

		for (i = 0; i < 20; i++)
			sb_addf(&sb, "k%d: 1\n", i);
		sb_adds(&sb, "k3: 2\n");
		ok(refused(sb.buf, sb.len, "hostile.yaml:21:5: duplicate key "
		    "'k3'"), "duplicate key in a mapping of 21 keys");
		sb_reset(&sb);
		for (i = 0; i < 200000; i++)
			sb_addf(&sb, "k%d: 1\n", i);
		n = ytree_parse(sb.buf, sb.len, "wide.yaml", &e);
		ok(n != NULL && n->n == 200000,
		    "a mapping of 200000 distinct keys parses (n log n)");
		ytree_free(n);
		sb_adds(&sb, "k199999: 2\n");
		ok(refused(sb.buf, sb.len, "duplicate key 'k199999'"),
		    "and its last key repeated is found");
		sb_release(&sb);
	}
	n = ytree_parse("\xef\xbb\xbf" "a: 1\n", 8, "bom.yaml", &e);
	ok(n != NULL && ymap_get(n, "a"), "a UTF-8 BOM is accepted");
	ytree_free(n);

	/* emitter: strings read back as the same strings */
	for (i = 0; strings[i]; i++)
		ok(roundtrip(strings[i]), "round trip of string %d ('%s')", i,
		    strchr(strings[i], '\n') ? "(with a newline)" :
		    strings[i]);

	/* emitter: UTF-8 as UTF-8, block style, stable */
	w = yw_new();
	yw_map_start(w);
	yw_kv(w, "name", "张三");
	yw_kv(w, "num", "123");
	yw_kv_long(w, "n", 7);
	yw_plain(w, "list");
	yw_seq_start(w);
	yw_str(w, "x");
	yw_str(w, "湖南");
	yw_seq_end(w);
	yw_plain(w, "flow");
	yw_flow_seq_start(w);
	yw_str(w, "a");
	yw_str(w, "b");
	yw_seq_end(w);
	yw_map_end(w);
	ok(yw_finish(w, &out, &e) == 0, "emit");
	is_str(out.buf, "name: 张三\nnum: \"123\"\nn: 7\nlist:\n- x\n- 湖南\n"
	    "flow: [a, b]\n", "canonical block YAML, UTF-8 unescaped");
	yw_free(w);
	sb_release(&out);

	w = yw_new();
	yw_map_start(w);
	yw_kv(w, "bad", "\xd5\xc5");
	yw_map_end(w);
	ok(yw_finish(w, &out, &e) < 0 && out.len == 0,
	    "invalid UTF-8 cannot be emitted, nothing returned");
	yw_free(w);
	/* ytree_peek: one top-level value without the tree */
	{
		static const char doc[] = "format: 1\nid: x\nyears:\n- stage: "
		    "nested\nstage: review\nhistory: []\n";
		static const char flowdoc[] = "a: {stage: inner}\nstage: draft\n";
		char v[16];

		ok(ytree_peek(doc, sizeof(doc) - 1, "stage", v, sizeof(v), "d",
		    &e) == 0, "peek finds a top-level key");
		is_str(v, "review", "and not the nested one of the same name");
		ok(ytree_peek(flowdoc, sizeof(flowdoc) - 1, "stage", v, sizeof(v),
		    "d", &e) == 0 && strcmp(v, "draft") == 0,
		    "a flow mapping value is skipped");
		ok(ytree_peek(doc, sizeof(doc) - 1, "revision", v, sizeof(v),
		    "d", &e) < 0 && strstr(e.msg, "missing") != NULL,
		    "an absent key is an error");
		ok(ytree_peek(doc, sizeof(doc) - 1, "years", v, sizeof(v), "d",
		    &e) < 0, "a list value is an error");
		ok(ytree_peek("stage: [", 8, "stage", v, sizeof(v), "d",
		    &e) < 0 && strncmp(e.msg, "d:", 2) == 0,
		    "malformed YAML is an error naming the file");
		ok(ytree_peek("stage: waytoolongforthebuffer", 29, "stage", v,
		    sizeof(v), "d", &e) < 0, "a value longer than the buffer");
		ok(ytree_peek("a: &x 1\nb: *x\nstage: draft\n", 27, "stage",
		    v, sizeof(v), "d", &e) < 0, "aliases are refused");
	}
	{
		int fast = 0;

		ok(writer_same(20000, &fast), "20,000 random documents: the "
		    "writer's own rendering is libyaml's, byte for byte, and "
		    "fails where libyaml fails");
		ok(fast > 2000 && fast < 18000, "and it rendered some of them "
		    "(%d), libyaml the others", fast);
	}
	return done_testing();
}
