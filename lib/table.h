/*
 * table.h - rows of text printed as an aligned table, TSV, CSV or JSON:
 * the one place where list-like output is formatted, so every command
 * that lists things offers the same --format choices, and the JSON of
 * every command has the same types (documented in ceh(1) OUTPUT FORMATS).
 *
 *   table  columns aligned by display width (CJK counts 2), header first;
 *   tsv    header line, then one line per row, fields escaped by tsv_put
 *          (escape.h: tab, newline, CR and backslash as \t \n \r \\);
 *   csv    RFC 4180 by csv_put (escape.h), header line, CRLF line ends,
 *          UTF-8 without BOM; `ceh import' reads it back unchanged;
 *   json   an array of objects keyed by the column keys (not labels), one
 *          object a line, each value typed by its column's kind;
 *   csv-excel  csv for a spreadsheet: a UTF-8 byte order mark first (so
 *          Excel and WPS take it as UTF-8, not the ANSI code page), and a
 *          text cell that a spreadsheet would turn into a number or a
 *          date, or read as a formula (all digits like an ID number or
 *          000123, "1E5", "2024-01-01", or starting with = + - @), written
 *          as the formula ="..." whose value is that text; `ceh import'
 *          reads ="..." back as the text.  The default csv is unchanged,
 *          for scripts;
 *   xlsx   an .xlsx workbook (xlsxout.h): a bold frozen header; text
 *          cells in text-formatted columns (COL_TEXT, COL_UNIT,
 *          COL_UNIT_CODE, COL_YEARS: ID numbers, codes, phones, record
 *          numbers keep every digit), numbers for COL_INT, COL_HOURS and
 *          COL_DECIMAL (rates, days).
 *          Only to a file: table_write.
 *
 * A column has a kind.  Cells are always given as text (what table, TSV
 * and CSV print); the kind says what the JSON value is:
 *   COL_TEXT       a string;
 *   COL_INT        decimal text ("2024", "1536"): a number;
 *   COL_HOURS      hours as hours_fmt writes them ("30.5"): a number;
 *   COL_DECIMAL    a decimal number ("33.3", "-2", "0.25"; at most nine
 *                  digits after the point): a number, written as given;
 *   COL_YEARS      years separated by commas ("2023,2024"): an array of
 *                  numbers ([] when the cell is empty);
 *   COL_UNIT       a unit code: JSON gives the code under the column's key
 *                  and the unit's name under KEY_name ("" when the code is
 *                  empty or not registered); table, TSV and CSV show the
 *                  name (the code when the unit is not registered);
 *   COL_UNIT_CODE  the same, but table, TSV and CSV show the code;
 *   COL_WORD       a machine word of the domain (a unit kind such as
 *                  "employer", an event code such as "year-added"): TSV,
 *                  CSV and JSON give the word, JSON also its Chinese label
 *                  under KEY_label ("用人单位", "新增年度明细"; the word itself
 *                  when it has none); the table and xlsx, which people
 *                  read, show the label in a Chinese locale and the word
 *                  in others.
 *   COL_TIME       a time as the store keeps it, ISO 8601 in UTC
 *                  ("2026-01-31T08:00:00Z"): TSV, CSV, JSON and xlsx give
 *                  it as it is; the table, which people read, shows it in
 *                  the display zone with its offset ("2026-01-31 16:00:00
 *                  +08:00"): TZ when set and not empty, else the zone of
 *                  table_timezone (the store's display.timezone,
 *                  ceh-store(5)), else the system's.
 *   COL_CHANGES    what an event changed, as the history keeps it
 *                  ('phone: "155…" → "133…"; name: "张三" → "张山"', doc.h
 *                  app_note_change): TSV and CSV give the text, the
 *                  table the text with \" and \\ undone, JSON an
 *                  array of {"field", "old", "new"} strings ([] when
 *                  the cell is empty).
 * An INT, HOURS or DECIMAL cell that is empty (or not a number) is JSON null.
 * Unit names come from the units given to table_init (NULL: none known).
 * Cells are copied; the table owns them until table_free.
 */
#ifndef CEH_TABLE_H
#define CEH_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct ceh_err;
struct json;
struct units;

/* Every output format of every command; which ones a command accepts is
 * its mask (FMT_LIST for the list-like ones), parsed by format_parse. */
enum out_format { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_TEXT, FMT_YAML,
	FMT_HTML, FMT_PDF, FMT_CSV_EXCEL, FMT_XLSX, FMT__COUNT };
#define FMT_BIT(f) (1u << (f))
/* The list formats, and how usage strings spell them. */
#define FMT_LIST (FMT_BIT(FMT_TABLE) | FMT_BIT(FMT_TSV) | FMT_BIT(FMT_CSV) | \
	FMT_BIT(FMT_CSV_EXCEL) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_XLSX))
#define FMT_LIST_USAGE "table|tsv|csv|csv-excel|json|xlsx"

enum col_kind { COL_TEXT, COL_INT, COL_HOURS, COL_YEARS, COL_UNIT,
	COL_UNIT_CODE, COL_DECIMAL, COL_WORD, COL_TIME, COL_CHANGES };

struct column {
	const char *key;	/* JSON key, e.g. "unit" */
	const char *label;	/* header, e.g. "工作单位" */
	enum col_kind kind;
};

struct table {
	size_t ncols;
	const struct column *cols;	/* borrowed */
	const struct units *units;	/* borrowed, may be NULL */
	char **cells;		/* rows * ncols, owned */
	size_t nrows, cap;
};

/* cols: ncols columns and units (may be NULL), both outliving t. */
void table_init(struct table *t, const struct column *cols, size_t ncols,
    const struct units *units);
/* Add a row: ncols strings (NULL means empty). */
void table_add(struct table *t, const char *const *row);
/* Any list format; xlsx is written to out's descriptor, its errors
 * unreported: commands use table_write (cmd_table_out), which reports
 * them, and refuse xlsx to a terminal (cmd_output_check). */
void table_print(const struct table *t, enum out_format f, FILE *out);
/* Every list format to path, published whole by atomic_write (xlsx
 * through xlsxout), or to standard output when path is NULL or "-".
 * Errors: class 1 (xlsxout's limits), class 3 no such directory, 5 I/O. */
int table_write(const struct table *t, enum out_format f, const char *path,
    struct ceh_err *e);
/* The rows as a JSON array, a member key of the enclosing object (NULL
 * inside an array or at the top): for commands that embed a list in
 * their own JSON (show's history). */
void table_json(const struct table *t, struct json *j, const char *key);
void table_free(struct table *t);
/*
 * Streaming, for a long list: each row printed as it is given, in the
 * formats that need no look at every row first (table_streams: tsv,
 * csv, csv-excel, json), the same bytes as table_print of those rows.
 * t is table_init-ed, holds no rows, and outlives the stream; a row's
 * cells are only read during the call (at most 64 columns).
 */
int table_streams(enum out_format f);
struct table_stream;
struct table_stream *table_stream_begin(struct table *t, enum out_format f,
    FILE *out);
void table_stream_row(struct table_stream *ts, const char *const *row);
void table_stream_end(struct table_stream *ts);
/* --no-header (ceh(1)): TSV, CSV and csv-excel without their header
 * line (csv-excel keeps its byte order mark); the table, JSON and xlsx
 * are unchanged. */
extern int table_no_header;
/* The zone COL_TIME cells are shown in when TZ is not set (a zoneinfo
 * name such as "Asia/Shanghai"; NULL or "": the system's).  Copied. */
void table_timezone(const char *tz);

/* Parse a format name ("table", "tsv", "csv", "json", "text", "yaml",
 * "html", "pdf", "csv-excel", "xlsx") into *f if it is in the allowed mask (FMT_BIT(FMT_x)
 * ...); -1 otherwise. */
int format_parse(const char *s, unsigned allowed, enum out_format *f);
/* The names in a mask, "a, b or c", for messages. */
const char *format_choices(unsigned allowed, char *buf, size_t size);

/* Print s padded with spaces to width columns (display width). */
void print_padded(FILE *out, const char *s, size_t width);

#endif
