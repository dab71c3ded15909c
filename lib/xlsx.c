/* xlsx.c - streaming .xlsx reader over ziparch and expat (see xlsx.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "err.h"
#include "i18n.h"
#include "normalize.h"
#include "sheet.h"
#include "util.h"
#include "xalloc.h"
#include "xlsx.h"
#include "ziparch.h"

/* Limits: unpacked bytes of each part and of the whole package. */
#define LIM_SMALL	(64ULL << 20)	/* rels, workbook, styles */
#define LIM_SST		(1ULL << 30)	/* shared strings */
#define LIM_SHEET	(2ULL << 30)	/* the sheet (read twice with merges) */
#define LIM_TOTAL	(6ULL << 30)
#define MAX_CELL	(32767 * 4)	/* Excel: 32,767 characters a cell */
#define MAX_COLS	16384		/* Excel: A to XFD */
#define MAX_MERGES	1000000
#define CHUNK		65536

struct merge {
	long r1, r2;
	size_t c1, c2;		/* 0-based columns */
};

enum part { P_RELS, P_BOOK, P_BOOKRELS, P_SST, P_STYLES, P_MERGES, P_SHEET };

struct xlsx {
	struct ziparch *z;
	char *path;
	XML_Parser p;
	struct ceh_err *e;	/* of the call in progress */
	int failed;		/* a handler filled *e */
	enum part part;
	const char *entry;	/* part being parsed, for messages */

	char *bookpath;		/* e.g. "xl/workbook.xml" */
	char **names, **rids, **targets;
	size_t nsheets, sel;
	int date1904;
	char *sstpath, *stylespath;

	char *sst;		/* shared strings, NUL-separated */
	size_t *sstoff, nsst;
	struct sbuf sstbuf;

	struct { int id, date, pad; } *fmts;
	size_t nfmts;
	int *xfmt;		/* cellXfs: number format id of each */
	size_t nxf;
	unsigned char *xfdate;
	unsigned char *xfpad;	/* zero-padding width of each, or 0 */

	int depth_t, in_rph, in_v, in_is, in_si, in_xfs, in_sheetdata;
	struct sbuf val;	/* text of the element being read */

	/* the row being built */
	struct ziparch_file *f;
	int started, eof, row_done;
	long rownum;
	size_t col;		/* next column when a cell has no ref */
	size_t ccol;		/* column of the cell being read */
	char ctype[12];
	long cstyle;
	struct sbuf arena;	/* cells, NUL-separated */
	size_t *off, ncells, capcells;
	unsigned char *kind;
	char **cellp;
	size_t *lenp;

	struct merge *merges, **active;
	size_t nmerges, nactive, nextmerge;
};

/* ---- helpers ---- */

/* The local part of a name: parts are matched by local name whatever
 * prefix a writer chose ("x:row" from the .NET SDK is "row"); expat runs
 * without namespace processing, which costs time on every element. */
static const char *
local(const char *name)
{
	const char *s = strrchr(name, ':');

	return s ? s + 1 : name;
}

/* An attribute by local name, prefixed ("r:id") or not. */
static const char *
attr(const char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (strcmp(local(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

/* An attribute without a prefix: the sheet's hot path. */
static const char *
attr_plain(const char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (atts[0][0] == name[0] && strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* Stop the parser with e filled (the handler's way to fail): what is
 * wrong (translated), and the value it is about or NULL. */
static void
fail(struct xlsx *x, const char *what, const char *arg)
{
	char shown[200];

	/* TRANSLATORS: the workbook, the part of it (an XML file), the line
	 * in that part, what is wrong there and the value it is about */
	if (!x->failed && arg)
		ceh_fail(x->e, CEH_EINPUT, _("'%s': %s line %lu: %s '%s'"),
		    x->path, x->entry,
		    (unsigned long)XML_GetCurrentLineNumber(x->p), what,
		    utf8_clip(shown, sizeof(shown), safe_echo(arg), 60));
	else if (!x->failed)
		/* TRANSLATORS: as above, with no value */
		ceh_fail(x->e, CEH_EINPUT, _("'%s': %s line %lu: %s"),
		    x->path, x->entry,
		    (unsigned long)XML_GetCurrentLineNumber(x->p), what);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
    const XML_Char *pub, int internal)
{
	(void)name, (void)sys, (void)pub, (void)internal;
	fail(ud, _("a document type declaration (DTD) is not allowed"), NULL);
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;

	if (!(x->in_v || (x->depth_t && !x->in_rph)))
		return;
	if (x->val.len + (size_t)len > MAX_CELL) {
		fail(x, _("a cell or string is longer than 32,767 characters"),
		    NULL);
		return;
	}
	sb_add(&x->val, s, (size_t)len);
}

/*
 * Decode OOXML's _xHHHH_ escapes in place ("_x000D_" is CR, "_x005F_"
 * an underscore).  One that would give NUL, a surrogate or an invalid
 * code point is left as written.
 */
static void
decode_escapes(struct sbuf *sb)
{
	char *s = sb->buf, *w = sb->buf, *end = sb->buf + sb->len;

	if (s == NULL || memmem(s, sb->len, "_x", 2) == NULL)
		return;
	while (s < end) {
		unsigned cp = 0;
		int i, ok = end - s >= 7 && s[0] == '_' && s[1] == 'x' &&
		    s[6] == '_';

		for (i = 2; ok && i < 6; i++) {
			char c = s[i];

			if (c >= '0' && c <= '9')
				cp = cp * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				ok = 0;
		}
		if (!ok || cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp == 0xfffe || cp == 0xffff) {
			*w++ = *s++;
			continue;
		}
		if (cp < 0x80) {
			*w++ = (char)cp;
		} else if (cp < 0x800) {
			*w++ = (char)(0xc0 | (cp >> 6));
			*w++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*w++ = (char)(0xe0 | (cp >> 12));
			*w++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*w++ = (char)(0x80 | (cp & 0x3f));
		}
		s += 7;
	}
	sb->len = (size_t)(w - sb->buf);
	sb->buf[sb->len] = '\0';
}

/* ---- reading one part through expat ---- */

static int
parse_fail(struct xlsx *x, struct ceh_err *e)
{
	if (x->failed)
		return -1;
	return ceh_fail(e, CEH_EINPUT, _("'%s': %s is not well-formed XML "
	    "(line %lu: %s): a damaged workbook"), x->path, x->entry,
	    (unsigned long)XML_GetCurrentLineNumber(x->p),
	    XML_ErrorString(XML_GetErrorCode(x->p)));
}

static XML_Parser
new_parser(struct xlsx *x, XML_StartElementHandler start,
    XML_EndElementHandler end)
{
	XML_Parser p = XML_ParserCreate(NULL);

	if (p == NULL) {
		fprintf(stderr, _("ceh: out of memory\n"));
		exit(CEH_ESYS);
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, on_text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	return p;
}

/* Feed one chunk of an entry read at once (ziparch_stream's callback). */
static int
feed(void *arg, const char *buf, size_t len, struct ceh_err *e)
{
	struct xlsx *x = arg;

	if (XML_Parse(x->p, buf, (int)len, 0) != XML_STATUS_OK)
		return parse_fail(x, e);
	return 0;
}

/* Parse entry whole with the handlers; 1 if it is missing and optional. */
static int
parse_part(struct xlsx *x, enum part part, const char *entry,
    unsigned long long limit, int required, XML_StartElementHandler start,
    XML_EndElementHandler end, struct ceh_err *e)
{
	long long idx = entry ? ziparch_find(x->z, entry) : -1;
	int rc = 0;

	if (idx < 0) {
		if (!required)
			return 1;
		return ceh_fail(e, CEH_EINPUT, _("'%s' is a zip archive but "
		    "not an .xlsx workbook: it has no '%s'"), x->path,
		    entry ? entry : "workbook");
	}
	x->part = part;
	x->entry = entry;
	x->e = e;
	x->failed = 0;
	x->p = new_parser(x, start, end);
	if (ziparch_stream(x->z, idx, limit, feed, x, e) < 0)
		rc = -1;
	else if (XML_Parse(x->p, "", 0, 1) != XML_STATUS_OK)
		rc = parse_fail(x, e);
	XML_ParserFree(x->p);
	x->p = NULL;
	sb_reset(&x->val);
	return rc;
}

/* "xl/" + "worksheets/sheet1.xml", or "/xl/..." from the root; "../"
 * steps up.  Caller frees. */
static char *
resolve(const char *base, const char *target)
{
	struct sbuf sb = SBUF_INIT;
	const char *slash = strrchr(base, '/');

	if (target[0] == '/') {
		sb_adds(&sb, target + 1);
		return sb_detach(&sb);
	}
	if (slash)
		sb_add(&sb, base, (size_t)(slash - base + 1));
	while (strncmp(target, "../", 3) == 0) {
		char *cut;

		target += 3;
		if (sb.len)
			sb.buf[--sb.len] = '\0';
		cut = strrchr(sb_str(&sb), '/');
		sb.len = cut ? (size_t)(cut - sb.buf + 1) : 0;
		if (sb.buf)
			sb.buf[sb.len] = '\0';
	}
	sb_adds(&sb, target);
	return sb_detach(&sb);
}

static int
type_is(const char *type, const char *what)
{
	size_t n = strlen(type), w = strlen(what);

	return n > w && type[n - w - 1] == '/' && strcmp(type + n - w, what)
	    == 0;
}

/* ---- _rels/.rels and the workbook's relationships ---- */

static void XMLCALL
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *id = attr(atts, "Id");
	size_t i;

	if (strcmp(local(name), "Relationship") != 0 || !type || !target)
		return;
	if (x->part == P_RELS) {
		if (type_is(type, "officeDocument") && !x->bookpath)
			x->bookpath = resolve("", target);
		return;
	}
	if (type_is(type, "sharedStrings") && !x->sstpath)
		x->sstpath = resolve(x->bookpath, target);
	else if (type_is(type, "styles") && !x->stylespath)
		x->stylespath = resolve(x->bookpath, target);
	for (i = 0; id && i < x->nsheets; i++)
		if (x->rids[i] && strcmp(x->rids[i], id) == 0 &&
		    !x->targets[i])
			x->targets[i] = resolve(x->bookpath, target);
}

static void XMLCALL
no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

/* ---- the workbook: sheet names ---- */

static void XMLCALL
book_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *ln = local(name), *v;

	if (strcmp(ln, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 ||
		    strcmp(v, "true") == 0);
		return;
	}
	if (strcmp(ln, "sheet") != 0)
		return;
	v = attr(atts, "name");
	if (v == NULL || x->nsheets >= 4096) {
		fail(x, v ? _("too many sheets") : _("a sheet without a name"),
		    NULL);
		return;
	}
	x->names = xreallocarray(x->names, x->nsheets + 1, sizeof(char *));
	x->rids = xreallocarray(x->rids, x->nsheets + 1, sizeof(char *));
	x->targets = xreallocarray(x->targets, x->nsheets + 1,
	    sizeof(char *));
	x->names[x->nsheets] = xstrdup(v);
	v = attr(atts, "id");
	x->rids[x->nsheets] = v ? xstrdup(v) : NULL;
	x->targets[x->nsheets] = NULL;
	x->nsheets++;
}

/* ---- shared strings ---- */

static void XMLCALL
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *ln = local(name);

	(void)atts;
	if (strcmp(ln, "si") == 0) {
		x->in_si = 1;
		sb_reset(&x->val);
	} else if (strcmp(ln, "t") == 0 && x->in_si) {
		x->depth_t++;
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph++;
	}
}

static void XMLCALL
sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *ln = local(name);

	if (strcmp(ln, "t") == 0 && x->depth_t) {
		x->depth_t--;
	} else if (strcmp(ln, "rPh") == 0 && x->in_rph) {
		x->in_rph--;
	} else if (strcmp(ln, "si") == 0 && x->in_si) {
		x->in_si = 0;
		decode_escapes(&x->val);
		if ((x->nsst & (x->nsst - 1)) == 0)
			x->sstoff = xreallocarray(x->sstoff,
			    x->nsst ? x->nsst * 2 : 1, sizeof(size_t));
		x->sstoff[x->nsst++] = x->sstbuf.len;
		sb_add(&x->sstbuf, sb_str(&x->val), x->val.len);
		sb_addc(&x->sstbuf, '\0');
		sb_reset(&x->val);
	}
}

/* ---- styles: which cell formats are dates ---- */

static void XMLCALL
styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *ln = local(name), *id = attr(atts, "numFmtId");
	long n = -1;

	if (id && (parse_long(id, &n) < 0 || n < 0 || n > 100000)) {
		fail(x, _("bad number format id"), id);
		return;
	}
	if (strcmp(ln, "numFmt") == 0 && n >= 0) {
		const char *code = attr(atts, "formatCode");

		x->fmts = xreallocarray(x->fmts, x->nfmts + 1,
		    sizeof(*x->fmts));
		x->fmts[x->nfmts].id = (int)n;
		x->fmts[x->nfmts].date = sheet_format_is_date((int)n,
		    code ? code : "");
		x->fmts[x->nfmts].pad = sheet_format_zero_pad(code ? code :
		    "");
		x->nfmts++;
	} else if (strcmp(ln, "cellXfs") == 0) {
		x->in_xfs = 1;
	} else if (strcmp(ln, "xf") == 0 && x->in_xfs) {
		if (x->nxf >= 65536) {
			fail(x, _("too many cell formats"), NULL);
			return;
		}
		x->xfmt = xreallocarray(x->xfmt, x->nxf + 1, sizeof(int));
		x->xfmt[x->nxf++] = n < 0 ? 0 : (int)n;
	}
}

static void XMLCALL
styles_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;

	if (strcmp(local(name), "cellXfs") == 0)
		x->in_xfs = 0;
}

/* After styles.xml: one date flag per cell format. */
static void
styles_finish(struct xlsx *x)
{
	size_t i, k;

	x->xfdate = xcalloc(x->nxf ? x->nxf : 1, 1);
	x->xfpad = xcalloc(x->nxf ? x->nxf : 1, 1);
	for (i = 0; i < x->nxf; i++) {
		int id = x->xfmt[i], date = -1;

		for (k = 0; k < x->nfmts; k++)
			if (x->fmts[k].id == id) {
				date = x->fmts[k].date;
				x->xfpad[i] = (unsigned char)x->fmts[k].pad;
			}
		x->xfdate[i] = date >= 0 ? (unsigned char)date :
		    (unsigned char)sheet_format_is_date(id, NULL);
	}
}

/* ---- cell references and merges ---- */

/* "AB12" -> column 27 (0-based), row 12; -1 if not a reference.  rowp
 * may be NULL; a reference without digits (a whole column) gives row 0. */
static int
parse_ref(const char *s, size_t *colp, long *rowp)
{
	size_t col = 0;
	long row = 0;
	int letters = 0, digits = 0;

	for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++) {
		col = col * 26 + (size_t)((*s | 0x20) - 'a' + 1);
		if (++letters > 3 || col > MAX_COLS)
			return -1;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		row = row * 10 + (*s - '0');
		if (++digits > 8)
			return -1;
	}
	if (*s != '\0' || letters == 0 || (digits && row == 0))
		return -1;
	*colp = col - 1;
	if (rowp)
		*rowp = row;
	return 0;
}

static void
add_merge(struct xlsx *x, const char *ref)
{
	char a[16], *colon = strchr(ref, ':');
	struct merge m;

	if (colon == NULL || (size_t)(colon - ref) >= sizeof(a))
		return;	/* a one-cell "merge" merges nothing */
	memcpy(a, ref, (size_t)(colon - ref));
	a[colon - ref] = '\0';
	if (parse_ref(a, &m.c1, &m.r1) < 0 ||
	    parse_ref(colon + 1, &m.c2, &m.r2) < 0 || m.r1 == 0 ||
	    m.r2 < m.r1 || m.c2 < m.c1) {
		fail(x, _("bad merged range"), ref);
		return;
	}
	if (m.c2 == m.c1)
		return;	/* vertical only: no banner */
	if (x->nmerges >= MAX_MERGES) {
		fail(x, _("too many merged ranges"), NULL);
		return;
	}
	if ((x->nmerges & (x->nmerges - 1)) == 0)
		x->merges = xreallocarray(x->merges,
		    x->nmerges ? x->nmerges * 2 : 1, sizeof(*x->merges));
	x->merges[x->nmerges++] = m;
}

static void XMLCALL
merges_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	const char *ref;

	if (strcmp(local(name), "mergeCell") == 0 &&
	    (ref = attr(atts, "ref")) != NULL)
		add_merge(ud, ref);
}

static int
merge_cmp(const void *a, const void *b)
{
	const struct merge *x = a, *y = b;

	return (x->r1 > y->r1) - (x->r1 < y->r1);
}

/* Widest merge covering row r (rows come in increasing order). */
static size_t
merged_width(struct xlsx *x, long r)
{
	size_t i, w = 0, keep = 0;

	while (x->nextmerge < x->nmerges && x->merges[x->nextmerge].r1 <= r)
		x->active[x->nactive++] = &x->merges[x->nextmerge++];
	for (i = 0; i < x->nactive; i++) {
		struct merge *m = x->active[i];

		if (m->r2 < r)
			continue;
		x->active[keep++] = m;
		if (m->c2 - m->c1 + 1 > w)
			w = m->c2 - m->c1 + 1;
	}
	x->nactive = keep;
	return w;
}

/* ---- the sheet, row by row ---- */

static void
push_cell(struct xlsx *x, const char *s, size_t len, unsigned char kind)
{
	if (x->ncells == x->capcells) {
		x->capcells = x->capcells ? x->capcells * 2 : 16;
		x->off = xreallocarray(x->off, x->capcells, sizeof(size_t));
		x->kind = xreallocarray(x->kind, x->capcells, 1);
	}
	x->off[x->ncells] = x->arena.len;
	x->kind[x->ncells++] = kind;
	sb_add(&x->arena, s, len);
	sb_addc(&x->arena, '\0');
}

static void
row_start(struct xlsx *x, const char **atts)
{
	const char *r = attr_plain(atts, "r");
	long n = x->rownum + 1;

	if (r && (parse_long(r, &n) < 0 || n < 1 || n > 99999999)) {
		fail(x, _("bad row number"), r);
		return;
	}
	if (n <= x->rownum) {
		fail(x, _("rows out of order at row"), r);
		return;
	}
	x->rownum = n;
	x->col = 0;
	x->ncells = 0;
	sb_reset(&x->arena);
}

static void
cell_start(struct xlsx *x, const char **atts)
{
	const char *r = attr_plain(atts, "r"), *t = attr_plain(atts, "t");
	const char *s = attr_plain(atts, "s");
	size_t col = x->col;

	if (r && parse_ref(r, &col, NULL) < 0) {
		fail(x, _("bad cell reference"), r);
		return;
	}
	if (col < x->col && x->col) {
		fail(x, _("cells out of order at"), r);
		return;
	}
	if (col >= MAX_COLS) {
		fail(x, _("a cell beyond column XFD"), r);
		return;
	}
	x->ccol = col;
	x->col = col + 1;
	if (t == NULL)
		t = "n";
	if (strlen(t) >= sizeof(x->ctype)) {
		fail(x, _("unknown cell type"), t);
		return;
	}
	memcpy(x->ctype, t, strlen(t) + 1);
	x->cstyle = 0;
	if (s && (parse_long(s, &x->cstyle) < 0 || x->cstyle < 0))
		x->cstyle = 0;
	sb_reset(&x->val);
}

/* t="d": an ISO 8601 date and time; midnight is shown as the date. */
static unsigned char
iso_date_text(struct sbuf *v)
{
	char *tpos = strchr(sb_str(v), 'T');

	if (tpos == NULL)
		return SC_DATE;
	if (strncmp(tpos, "T00:00:00", 9) == 0 && (tpos[9] == '\0' ||
	    tpos[9] == '.' || tpos[9] == 'Z')) {
		v->len = (size_t)(tpos - v->buf);
	} else {
		*tpos = ' ';
		v->len = strcspn(v->buf, ".Z+");
	}
	v->buf[v->len] = '\0';
	return SC_DATE;
}

/* The cell's text into x->val; its kind, or -1 (failed). */
static int
cell_text(struct xlsx *x)
{
	const char *t = x->ctype, *v = sb_str(&x->val);
	char buf[64];
	long i;
	int k;

	if (strcmp(t, "s") == 0) {
		if (parse_long(v, &i) < 0 || i < 0 || (size_t)i >= x->nsst) {
			fail(x, _("no such shared string"), v);
			return -1;
		}
		sb_reset(&x->val);
		sb_adds(&x->val, x->sst + x->sstoff[i]);
		return SC_TEXT;
	}
	if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
		decode_escapes(&x->val);
		return SC_TEXT;
	}
	if (strcmp(t, "b") == 0) {
		k = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
		sb_reset(&x->val);
		sb_adds(&x->val, k ? "TRUE" : "FALSE");
		return SC_BOOL;
	}
	if (strcmp(t, "e") == 0)
		return SC_ERROR;
	if (strcmp(t, "d") == 0)
		return iso_date_text(&x->val);
	if (x->val.len == 0)
		return SC_EMPTY;
	if ((size_t)x->cstyle < x->nxf && x->xfdate[x->cstyle] &&
	    sheet_date_text(strtod(v, NULL), x->date1904, buf,
	    sizeof(buf)) == 0)
		k = SC_DATE;
	else if ((k = sheet_number_text(v, buf, sizeof(buf))) < 0) {
		fail(x, _("a number cell that holds no number"), v);
		return -1;
	} else if (k == SC_NUMBER && (size_t)x->cstyle < x->nxf)
		/* 000123 as its format "000000" shows it */
		sheet_zero_pad(buf, sizeof(buf), x->xfpad[x->cstyle]);
	sb_reset(&x->val);
	sb_adds(&x->val, buf);
	return k;
}

static void
cell_end(struct xlsx *x)
{
	int k = cell_text(x);

	if (k < 0 || x->val.len == 0)
		return;	/* empty cells are only made to fill gaps */
	if (!utf8_valid(x->val.buf, x->val.len)) {
		fail(x, _("a cell that is not valid UTF-8"), NULL);
		return;
	}
	while (x->ncells < x->ccol)
		push_cell(x, "", 0, SC_EMPTY);
	push_cell(x, x->val.buf, x->val.len, (unsigned char)k);
	sb_reset(&x->val);
}

static void XMLCALL
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *ln = local(name);

	if (strcmp(ln, "sheetData") == 0)
		x->in_sheetdata = 1;
	if (!x->in_sheetdata)
		return;
	if (strcmp(ln, "row") == 0)
		row_start(x, atts);
	else if (strcmp(ln, "c") == 0)
		cell_start(x, atts);
	else if (strcmp(ln, "v") == 0)
		x->in_v = 1;
	else if (strcmp(ln, "is") == 0)
		x->in_is = 1;
	else if (strcmp(ln, "t") == 0 && x->in_is)
		x->depth_t++;
	else if (strcmp(ln, "rPh") == 0)
		x->in_rph++;
}

static void XMLCALL
sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *ln = local(name);

	if (!x->in_sheetdata)
		return;
	if (strcmp(ln, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(ln, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(ln, "t") == 0 && x->depth_t) {
		x->depth_t--;
	} else if (strcmp(ln, "rPh") == 0 && x->in_rph) {
		x->in_rph--;
	} else if (strcmp(ln, "c") == 0) {
		cell_end(x);
	} else if (strcmp(ln, "row") == 0) {
		x->row_done = 1;
		XML_StopParser(x->p, XML_TRUE);	/* suspend: one row out */
	} else if (strcmp(ln, "sheetData") == 0) {
		x->in_sheetdata = 0;
	}
}

/* Hand the finished row out. */
static void
row_fill(struct xlsx *x, struct sheet_row *row)
{
	size_t i;

	x->cellp = xreallocarray(x->cellp, x->capcells ? x->capcells : 1,
	    sizeof(char *));
	x->lenp = xreallocarray(x->lenp, x->capcells ? x->capcells : 1,
	    sizeof(size_t));
	for (i = 0; i < x->ncells; i++) {
		size_t end = i + 1 < x->ncells ? x->off[i + 1] : x->arena.len;

		x->cellp[i] = x->arena.buf + x->off[i];
		x->lenp[i] = end - x->off[i] - 1;
	}
	row->num = x->rownum;
	row->n = x->ncells;
	row->cell = x->cellp;
	row->len = x->lenp;
	row->kind = x->kind;
	row->merged = x->nmerges ? merged_width(x, x->rownum) : 0;
}

/* ---- open, next, close ---- */

/* An OpenDocument spreadsheet is a zip too: say what it is. */
static int
refuse_ods(struct xlsx *x, struct ceh_err *e)
{
	long long idx = ziparch_find(x->z, "mimetype");
	char *mt = NULL;
	int ods;

	if (idx < 0 || ziparch_read(x->z, idx, 256, &mt, NULL, e) < 0)
		return 0;
	ods = strstr(mt, "opendocument") != NULL;
	free(mt);
	if (!ods)
		return 0;
	return ceh_fail(e, CEH_EINPUT, _("'%s' is an OpenDocument "
	    "spreadsheet (.ods), not an .xlsx workbook: open it and save it "
	    "as Excel 2007-365 (.xlsx)"), x->path);
}

static int
read_book(struct xlsx *x, struct ceh_err *e)
{
	char *rels;
	const char *slash;
	size_t i;
	int rc;

	if (parse_part(x, P_RELS, "_rels/.rels", LIM_SMALL, 0, rels_start,
	    no_end, e) < 0)
		return -1;
	if (x->bookpath == NULL)
		x->bookpath = xstrdup("xl/workbook.xml");
	if (parse_part(x, P_BOOK, x->bookpath, LIM_SMALL, 1, book_start,
	    no_end, e) < 0)
		return -1;
	if (x->nsheets == 0)
		return ceh_fail(e, CEH_EINPUT, _("'%s' has no sheets"),
		    x->path);
	slash = strrchr(x->bookpath, '/');
	rels = slash ? xasprintf("%.*s_rels/%s.rels",
	    (int)(slash - x->bookpath + 1), x->bookpath, slash + 1) :
	    xasprintf("_rels/%s.rels", x->bookpath);
	rc = parse_part(x, P_BOOKRELS, rels, LIM_SMALL, 0, rels_start,
	    no_end, e);
	free(rels);
	if (rc < 0)
		return -1;
	for (i = 0; i < x->nsheets; i++)
		if (x->targets[i] == NULL)	/* no relationships: guess */
			x->targets[i] = xasprintf("xl/worksheets/sheet%zu.xml",
			    i + 1);
	return 0;
}

static int
select_sheet(struct xlsx *x, const char *name, struct ceh_err *e)
{
	struct sbuf list = SBUF_INIT;
	char shown[200];
	size_t i;

	x->sel = 0;
	if (name == NULL)
		return 0;
	for (i = 0; i < x->nsheets; i++)
		if (strcmp(x->names[i], name) == 0)
			return (int)(x->sel = i, 0);
	for (i = 0; i < x->nsheets; i++)
		if (strcasecmp(x->names[i], name) == 0)
			return (int)(x->sel = i, 0);
	for (i = 0; i < x->nsheets && list.len < 600; i++)
		sb_addf(&list, "%s'%s'", i ? ", " : "", x->names[i]);
	ceh_fail(e, CEH_ENOTFOUND, _("no sheet '%s' in '%s'; its sheets: "
	    "%s"), utf8_clip(shown, sizeof(shown), safe_echo(name), 40),
	    x->path, sb_str(&list));
	sb_release(&list);
	return -1;
}

static int
read_parts(struct xlsx *x, unsigned flags, struct ceh_err *e)
{
	const char *target = x->targets[x->sel];
	long long idx;

	if (parse_part(x, P_SST, x->sstpath ? x->sstpath :
	    "xl/sharedStrings.xml", LIM_SST, 0, sst_start, sst_end, e) < 0)
		return -1;
	x->sst = x->sstbuf.buf;
	if (parse_part(x, P_STYLES, x->stylespath ? x->stylespath :
	    "xl/styles.xml", LIM_SMALL, 0, styles_start, styles_end, e) < 0)
		return -1;
	styles_finish(x);
	if ((idx = ziparch_find(x->z, target)) < 0)
		return ceh_fail(e, CEH_EINPUT, _("'%s': sheet '%s' is missing "
		    "(no '%s'): a damaged workbook"), x->path,
		    x->names[x->sel], target);
	if (flags & SHEET_MERGES) {
		if (parse_part(x, P_MERGES, target, LIM_SHEET, 1,
		    merges_start, no_end, e) < 0)
			return -1;
		qsort(x->merges, x->nmerges, sizeof(*x->merges), merge_cmp);
		x->active = xcalloc(x->nmerges + 1, sizeof(*x->active));
	}
	if (ziparch_fopen(x->z, idx, LIM_SHEET, &x->f, e) < 0)
		return -1;
	x->part = P_SHEET;
	x->entry = target;
	x->failed = 0;
	x->p = new_parser(x, sheet_start, sheet_end);
	return 0;
}

int
xlsx_open(const char *path, const char *name, unsigned flags,
    struct xlsx **out, struct ceh_err *e)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));

	*out = NULL;
	x->path = xstrdup(path);
	if (ziparch_open(path, LIM_TOTAL, &x->z, e) < 0) {
		/* it starts like a zip (sheet.c looked): cut short */
		if (e->code == CEH_EINPUT)
			ceh_fail(e, CEH_EINPUT, _("'%s' is a damaged .xlsx "
			    "workbook (truncated, or not a whole zip "
			    "archive): save it again from Excel or WPS"),
			    path);
		xlsx_close(x);
		return -1;
	}
	if (refuse_ods(x, e) < 0 || read_book(x, e) < 0 ||
	    select_sheet(x, name, e) < 0 || read_parts(x, flags, e) < 0) {
		xlsx_close(x);
		return -1;
	}
	*out = x;
	return 0;
}

int
xlsx_next(struct xlsx *x, struct sheet_row *row, struct ceh_err *e)
{
	XML_ParsingStatus ps;
	enum XML_Status st;

	x->e = e;
	for (;;) {
		XML_GetParsingStatus(x->p, &ps);
		if (ps.parsing == XML_FINISHED)
			return 0;
		x->row_done = 0;
		if (ps.parsing == XML_SUSPENDED) {
			st = XML_ResumeParser(x->p);
		} else {
			void *buf = XML_GetBuffer(x->p, CHUNK);
			long n;

			if (buf == NULL) {
				fprintf(stderr, _("ceh: out of memory\n"));
				exit(CEH_ESYS);
			}
			if ((n = ziparch_fread(x->f, buf, CHUNK, e)) < 0)
				return -1;
			st = XML_ParseBuffer(x->p, (int)n, n == 0);
		}
		if (st == XML_STATUS_ERROR)
			return parse_fail(x, e);
		if (x->row_done) {
			row_fill(x, row);
			return 1;
		}
	}
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void
xlsx_close(struct xlsx *x)
{
	if (x == NULL)
		return;
	if (x->p)
		XML_ParserFree(x->p);
	ziparch_fclose(x->f);
	ziparch_close(x->z);
	free_list(x->names, x->nsheets);
	free_list(x->rids, x->nsheets);
	free_list(x->targets, x->nsheets);
	free(x->path);
	free(x->bookpath);
	free(x->sstpath);
	free(x->stylespath);
	sb_release(&x->sstbuf);
	free(x->sstoff);
	free(x->fmts);
	free(x->xfmt);
	free(x->xfdate);
	free(x->xfpad);
	sb_release(&x->val);
	sb_release(&x->arena);
	free(x->off);
	free(x->kind);
	free(x->cellp);
	free(x->lenp);
	free(x->merges);
	free(x->active);
	free(x);
}

const char *
xlsx_sheet(const struct xlsx *x)
{
	return x->names[x->sel];
}

const char *const *
xlsx_sheets(const struct xlsx *x, size_t *n)
{
	*n = x->nsheets;
	return (const char *const *)x->names;
}
