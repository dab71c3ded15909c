/* table.c - list output in four formats, JSON typed by column (table.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "i18n.h"
#include "escape.h"
#include "i18n.h"
#include "json.h"
#include "table.h"
#include "units.h"
#include "util.h"
#include "validate.h"
#include "xalloc.h"
#include "xlsxout.h"

void
table_init(struct table *t, const struct column *cols, size_t ncols,
    const struct units *units)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->cols = cols;
	t->units = units;
}

void
table_add(struct table *t, const char *const *row)
{
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		    sizeof(char *));
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(row[i] ? row[i] :
		    "");
	t->nrows++;
}

void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

static const char *const format_names[FMT__COUNT] = { "table", "tsv",
    "csv", "json", "text", "yaml", "html", "pdf", "csv-excel", "xlsx" };

int
format_parse(const char *s, unsigned allowed, enum out_format *f)
{
	int i;

	for (i = 0; i < FMT__COUNT; i++)
		if (strcmp(s, format_names[i]) == 0 && (allowed & FMT_BIT(i))) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

const char *
format_choices(unsigned allowed, char *buf, size_t size)
{
	size_t len = 0, left = 0;
	int i;

	for (i = 0; i < FMT__COUNT; i++)
		left += (allowed & FMT_BIT(i)) != 0;
	buf[0] = '\0';
	for (i = 0; i < FMT__COUNT && len < size; i++) {
		if (!(allowed & FMT_BIT(i)))
			continue;
		left--;
		/* the names are machine words; " or " joins the last two */
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    format_names[i], left > 1 ? ", " : left == 1 ? _(" or ") :
		    "");
	}
	return buf;
}

void
print_padded(FILE *out, const char *s, size_t width)
{
	size_t w = utf8_width(s);

	fputs(s, out);
	for (; w < width; w++)
		putc(' ', out);
}

/* What table, TSV and CSV show of a cell (row 0 is the header). */
static const char *
shown(const struct table *t, size_t r, size_t c)
{
	const char *s;

	if (r == 0)
		return t->cols[c].label;
	s = t->cells[(r - 1) * t->ncols + c];
	if (t->cols[c].kind == COL_UNIT)
		return units_name(t->units, s, s);
	return s;
}

/* The Chinese labels of the domain's machine words (COL_WORD): the
 * unit kinds (units.c), the history's event codes (ceh-store(5)) and
 * the standing of a slip (slip.h). */
static const char *const word_labels[][2] = {
	{ "employer", "用人单位" }, { "supervisor", "主管部门" },
	{ "agency", "人社部门" },
	{ "created", "新增" }, { "edited", "修改" },
	{ "year-added", "新增年度明细" },
	{ "year-replaced", "替换年度明细" },
	{ "year-removed", "删除年度明细" }, { "attached", "添加附件" },
	{ "detached", "删除附件" }, { "submitted", "提交" },
	{ "withdrawn", "撤销" }, { "forwarded", "审核通过并送往下一级" },
	{ "approved", "审核通过" }, { "rejected", "审核不通过" },
	{ "returned", "退回" }, { "upgraded", "升级" },
	{ "transferred", "调动" }, { "undone", "撤回审核决定" },
	/* how a slip stands (ceh slips, verify-slip's verdicts) */
	{ "valid", "有效" }, { "changed", "数据已变更" },
	{ "altered", "被篡改" }, { "revoked", "已作废" },
	{ "unknown key", "密钥未知" },
};

static const char *
word_label(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(word_labels) / sizeof(word_labels[0]); i++)
		if (strcmp(word, word_labels[i][0]) == 0)
			return word_labels[i][1];
	return word;
}

/* The zone of COL_TIME cells in the table: TZ when set, else the
 * store's display.timezone (table_timezone), else the system's. */
static char *display_tz;
static int zone_ready;

void
table_timezone(const char *tz)
{
	free(display_tz);
	display_tz = tz && *tz ? xstrdup(tz) : NULL;
	zone_ready = 0;
}

/* An ISO 8601 UTC time as people read it: "2026-01-31 16:00:00 +08:00"
 * in the display zone; text that is not such a time as it is. */
static void
time_human(const char *iso, char *buf, size_t size)
{
	const char *tz;
	struct tm tm;
	time_t t;
	long off;

	if (parse_iso_time(iso, &t) < 0) {
		snprintf(buf, size, "%s", iso);
		return;
	}
	if (!zone_ready) {
		tz = getenv("TZ");
		if ((tz == NULL || *tz == '\0') && display_tz)
			setenv("TZ", display_tz, 1);
		tzset();
		zone_ready = 1;
	}
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "%s", iso);
		return;
	}
	off = tm.tm_gmtoff / 60;
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60,
	    labs(off) % 60);
}

/* What the table and xlsx, read by people, show: a word's label in a
 * Chinese locale. */
static const char *
shown_human(const struct table *t, size_t r, size_t c)
{
	const char *s = shown(t, r, c);

	if (r > 0 && t->cols[c].kind == COL_WORD && i18n_chinese())
		return word_label(s);
	return s;
}

/* "-12.50" -> v -1250, places 2; -1 unless a decimal of at most 18
 * digits, at most 9 after the point. */
static int
decimal_parse(const char *s, long long *v, int *places)
{
	const char *p = s + (*s == '-');
	long long x = 0;
	int digits = 0, point = -1;

	for (; *p; p++) {
		if (*p == '.' && point < 0 && digits > 0) {
			point = digits;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > 18)
			return -1;
		x = x * 10 + (*p - '0');
	}
	if (digits == 0 || point == digits || (point >= 0 &&
	    digits - point > 9))
		return -1;
	*v = *s == '-' ? -x : x;
	*places = point < 0 ? 0 : digits - point;
	return 0;
}

/* One quoted value of a changes cell ("…" with \" and \\) into out;
 * the text after it, or NULL when s is not at one. */
static const char *
unquote(const char *s, struct sbuf *out)
{
	sb_reset(out);
	if (*s++ != '"')
		return NULL;
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		sb_addc(out, *s);
	}
	return *s == '"' ? s + 1 : NULL;
}

/* A changes cell, 'KEY: "OLD" → "NEW"' joined by "; ", as an array of
 * {"field", "old", "new"}; what does not parse ends the array. */
static void
json_changes(struct json *j, const char *key, const char *s)
{
	struct sbuf field = SBUF_INIT, o = SBUF_INIT, n = SBUF_INIT;
	static const char arrow[] = " → ";
	const char *colon;

	json_arr_begin(j, key);
	while (*s && (colon = strstr(s, ": ")) != NULL) {
		sb_reset(&field);
		sb_add(&field, s, (size_t)(colon - s));
		if ((s = unquote(colon + 2, &o)) == NULL ||
		    strncmp(s, arrow, sizeof(arrow) - 1) != 0 ||
		    (s = unquote(s + sizeof(arrow) - 1, &n)) == NULL)
			break;
		json_obj_begin(j, NULL);
		json_str(j, "field", sb_str(&field));
		json_str(j, "old", sb_str(&o));
		json_str(j, "new", sb_str(&n));
		json_obj_end(j);
		if (strncmp(s, "; ", 2) != 0)
			break;
		s += 2;
	}
	json_arr_end(j);
	sb_release(&field);
	sb_release(&o);
	sb_release(&n);
}

/* A changes cell as people read it: the quotes kept, \" and \\ undone
 * (the table escapes its last column as TSV does, so a backslash would
 * show doubled twice).  Allocated. */
static char *
changes_human(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	char *out;
	int quoted = 0;

	for (; *s; s++) {
		if (quoted && *s == '\\' && s[1]) {
			sb_addc(&sb, *++s);
			continue;
		}
		if (*s == '"')
			quoted = !quoted;
		sb_addc(&sb, *s);
	}
	out = xstrdup(sb_str(&sb));
	sb_release(&sb);
	return out;
}

static void
json_cell(const struct table *t, struct json *j, const struct column *col,
    const char *s)
{
	struct ceh_err e;
	char key[64], *copy, *p, *q;
	long long d;
	long v;
	int places;

	switch (col->kind) {
	case COL_INT:
		if (parse_long(s, &v) == 0)
			json_int(j, col->key, v);
		else
			json_null(j, col->key);
		return;
	case COL_HOURS:
		if (hours_parse("", s, 2L * 999999 + 1, &v, &e) == 0)
			json_hours(j, col->key, v);
		else
			json_null(j, col->key);
		return;
	case COL_DECIMAL:
		if (decimal_parse(s, &d, &places) == 0)
			json_fixed(j, col->key, d, places);
		else
			json_null(j, col->key);
		return;
	case COL_YEARS:
		json_arr_begin(j, col->key);
		copy = xstrdup(s);
		for (p = copy; *p; p = q) {
			q = p + strcspn(p, ",");
			if (*q)
				*q++ = '\0';
			if (parse_long(p, &v) == 0)
				json_int(j, NULL, v);
		}
		free(copy);
		json_arr_end(j);
		return;
	case COL_UNIT:
	case COL_UNIT_CODE:
		json_str(j, col->key, s);
		snprintf(key, sizeof(key), "%s_name", col->key);
		json_str(j, key, units_name(t->units, s, ""));
		return;
	case COL_WORD:
		json_str(j, col->key, s);
		snprintf(key, sizeof(key), "%s_label", col->key);
		json_str(j, key, word_label(s));
		return;
	case COL_CHANGES:
		json_changes(j, col->key, s);
		return;
	case COL_TEXT:
	case COL_TIME:
		break;
	}
	json_str(j, col->key, s);
}

void
table_json(const struct table *t, struct json *j, const char *key)
{
	size_t r, c;

	json_arr_begin(j, key);
	for (r = 0; r < t->nrows; r++) {
		json_obj_begin(j, NULL);
		for (c = 0; c < t->ncols; c++)
			json_cell(t, j, &t->cols[c],
			    t->cells[r * t->ncols + c]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* A csv-excel cell: a text cell a spreadsheet would change as ="..."
 * (escape.h csv_put_excel); numbers as they are. */
static void
excel_put(struct sbuf *line, const struct table *t, size_t r, size_t c)
{
	enum col_kind k = t->cols[c].kind;

	if (r == 0 || k == COL_INT || k == COL_HOURS)
		csv_put(line, shown(t, r, c));
	else
		csv_put_excel(line, shown(t, r, c));
}

static int write_xlsx(const struct table *t, int dirfd, const char *name,
    struct ceh_err *e);

int table_no_header;

/* Line r of TSV or CSV (0 the header), built whole into line. */
static void
delimited_line(const struct table *t, enum out_format f, size_t r,
    struct sbuf *line)
{
	size_t c;

	sb_reset(line);
	for (c = 0; c < t->ncols; c++) {
		if (c)
			sb_addc(line, f == FMT_TSV ? '\t' : ',');
		if (f == FMT_TSV)
			tsv_put(line, shown(t, r, c));
		else if (f == FMT_CSV_EXCEL)
			excel_put(line, t, r, c);
		else
			csv_put(line, shown(t, r, c));
	}
	sb_adds(line, f == FMT_TSV ? "\n" : "\r\n");
}

/* TSV or CSV: the header (unless table_no_header) and every row. */
static void
print_delimited(const struct table *t, enum out_format f, FILE *out)
{
	struct sbuf line = SBUF_INIT;
	size_t r;

	if (f == FMT_CSV_EXCEL)
		fputs("\xef\xbb\xbf", out);
	for (r = table_no_header ? 1 : 0; r <= t->nrows; r++) {
		delimited_line(t, f, r, &line);
		fwrite(line.buf, 1, line.len, out);
	}
	sb_release(&line);
}

/* ---- streaming (table.h table_stream_begin) ---- */

struct table_stream {
	struct table *t;
	enum out_format f;
	FILE *out;
	struct json j;
	struct sbuf line;
};

int
table_streams(enum out_format f)
{
	return f == FMT_TSV || f == FMT_CSV || f == FMT_CSV_EXCEL ||
	    f == FMT_JSON;
}

struct table_stream *
table_stream_begin(struct table *t, enum out_format f, FILE *out)
{
	struct table_stream *ts = xcalloc(1, sizeof(*ts));

	ts->t = t;
	ts->f = f;
	ts->out = out;
	sb_init(&ts->line);
	if (f == FMT_JSON) {
		json_init_lines(&ts->j, out, 1);
		json_arr_begin(&ts->j, NULL);
		return ts;
	}
	if (f == FMT_CSV_EXCEL)
		fputs("\xef\xbb\xbf", out);
	if (!table_no_header) {
		delimited_line(t, f, 0, &ts->line);
		fwrite(ts->line.buf, 1, ts->line.len, out);
	}
	return ts;
}

void
table_stream_row(struct table_stream *ts, const char *const *row)
{
	struct table *t = ts->t;
	const char *cells[64];
	size_t c;

	/* the row as the table's only one, borrowed for the call */
	for (c = 0; c < t->ncols && c < 64; c++)
		cells[c] = row[c] ? row[c] : "";
	t->cells = (char **)cells;
	t->nrows = 1;
	if (ts->f == FMT_JSON) {
		json_obj_begin(&ts->j, NULL);
		for (c = 0; c < t->ncols; c++)
			json_cell(t, &ts->j, &t->cols[c], cells[c]);
		json_obj_end(&ts->j);
	} else {
		delimited_line(t, ts->f, 1, &ts->line);
		fwrite(ts->line.buf, 1, ts->line.len, ts->out);
	}
	t->cells = NULL;
	t->nrows = 0;
}

void
table_stream_end(struct table_stream *ts)
{
	if (ts->f == FMT_JSON) {
		json_arr_end(&ts->j);
		json_end(&ts->j);
	}
	sb_release(&ts->line);
	free(ts);
}

/* The aligned table: no line ends with blanks. */
static void
print_aligned(const struct table *t, FILE *out)
{
	struct sbuf last = SBUF_INIT;
	size_t r, c, *width;

	char **times = NULL;	/* COL_TIME cells in the display zone,
				 * COL_CHANGES ones unescaped */
	char tbuf[64];

	for (c = 0; c < t->ncols; c++)
		if ((t->cols[c].kind == COL_TIME ||
		    t->cols[c].kind == COL_CHANGES) && times == NULL)
			times = xcalloc(t->nrows * t->ncols + 1, sizeof(*times));
	for (r = 0; times && r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if (t->cols[c].kind == COL_TIME) {
				time_human(t->cells[r * t->ncols + c], tbuf,
				    sizeof(tbuf));
				times[r * t->ncols + c] = xstrdup(tbuf);
			} else if (t->cols[c].kind == COL_CHANGES)
				times[r * t->ncols + c] = changes_human(
				    t->cells[r * t->ncols + c]);
#define HUMAN(r, c) ((r) > 0 && times && times[((r) - 1) * t->ncols + (c)] ? \
	times[((r) - 1) * t->ncols + (c)] : shown_human(t, (r), (c)))
	width = xcalloc(t->ncols, sizeof(*width));
	for (r = 0; r <= t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = utf8_width(HUMAN(r, c));

			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r <= t->nrows; r++) {
		size_t pending = 0;	/* blanks not yet written */

		for (c = 0; c < t->ncols; c++) {
			const char *s = HUMAN(r, c);

			if (c)
				pending += 2;
			if (*s == '\0') {
				pending += c == t->ncols - 1 ? 0 : width[c];
				continue;
			}
			/* no trailing blanks: pad only before a value */
			for (; pending > 0; pending--)
				putc(' ', out);
			if (c == t->ncols - 1) {
				sb_reset(&last);
				tsv_put(&last, s);
				fputs(sb_str(&last), out);
			} else {
				fputs(s, out);
				pending = width[c] - utf8_width(s);
			}
		}
		putc('\n', out);
	}
#undef HUMAN
	sb_release(&last);
	free(width);
	for (r = 0; times && r < t->nrows * t->ncols; r++)
		free(times[r]);
	free(times);
}

void
table_print(const struct table *t, enum out_format f, FILE *out)
{
	struct ceh_err e;
	struct json j;

	switch (f) {
	case FMT_JSON:
		json_init_lines(&j, out, 1);
		table_json(t, &j, NULL);
		json_end(&j);
		return;
	case FMT_TSV:
	case FMT_CSV:
	case FMT_CSV_EXCEL:
		print_delimited(t, f, out);
		return;
	case FMT_XLSX:		/* a caller not using table_write */
		if (fflush(out) == 0)
			(void)write_xlsx(t, fileno(out), NULL, &e);
		return;
	default:
		print_aligned(t, out);
	}
}

/* The table as a workbook, to name in dirfd (name NULL: the descriptor
 * dirfd itself). */
static int
write_xlsx(const struct table *t, int dirfd, const char *name,
    struct ceh_err *e)
{
	const char **labels, **cells;
	enum xo_kind *kinds;
	size_t r, c;
	int rc;

	labels = xcalloc(t->ncols ? t->ncols : 1, sizeof(*labels));
	kinds = xcalloc(t->ncols ? t->ncols : 1, sizeof(*kinds));
	cells = xcalloc(t->nrows * t->ncols + 1, sizeof(*cells));
	for (c = 0; c < t->ncols; c++) {
		labels[c] = t->cols[c].label;
		kinds[c] = t->cols[c].kind == COL_INT ||
		    t->cols[c].kind == COL_HOURS ||
		    t->cols[c].kind == COL_DECIMAL ? XO_NUMBER : XO_TEXT;
	}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			cells[r * t->ncols + c] = shown_human(t, r + 1, c);
	rc = xlsxout_table(dirfd, name, "Sheet1", t->ncols, labels, kinds,
	    cells, t->nrows, e);
	free(labels);
	free(kinds);
	free(cells);
	return rc;
}

int
table_write(const struct table *t, enum out_format f, const char *path,
    struct ceh_err *e)
{
	char *data = NULL;
	const char *base;
	size_t len = 0;
	FILE *mem;
	int dfd, rc;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (f == FMT_XLSX)
			return fflush(stdout) == 0 ? write_xlsx(t, 1, NULL, e) :
			    ceh_fail_errno(e, _("standard output"));
		table_print(t, f, stdout);
		return 0;
	}
	if ((dfd = xlsxout_parent(path, &base, e)) < 0)
		return -1;
	if (f == FMT_XLSX) {
		rc = write_xlsx(t, dfd, base, e);
	} else {
		if ((mem = open_memstream(&data, &len)) == NULL)
			abort();
		table_print(t, f, mem);
		fclose(mem);
		rc = atomic_write(dfd, base, data, len, e);
		free(data);
	}
	close(dfd);
	if (rc < 0)
		ceh_err_prefix(e, "%s", path);
	return rc;
}
