/*
 * csv_import: a training provider's CSV export, as `ceh import` reads it:
 * encoding detection (auto, or forced utf-8 / gb18030 by the first input
 * byte), BOM, strict libcsv parsing with line counting, the header's
 * column map and every row turned into an hour record.  Properties: a
 * refusal is class 1 and names the file; after a GB18030 conversion
 * every field is valid UTF-8 (UTF-8 input is passed on as it is, and the
 * record check refuses invalid text); line numbers never go back;
 * an accepted record has a canonical ID number, a year, hours > 0 and
 * text fields free of control characters; csv_put_row (the rejects file)
 * does not crash on any row.
 */
#include "csvimport.h"
#include "fuzz.h"
#include "util.h"

struct state {
	struct colmap m;
	int have_map;
	long last_line;
	enum csv_encoding enc;
	FILE *null;
};

static int
row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct state *st = arg;
	struct hour_record r;
	struct ceh_err sub;
	size_t i;

	/* >=, not >: a bare CR ends a row for libcsv but not a line for the
	 * counter (rows of a CR-only file all say line 1; reported) */
	FUZZ_CHECK(line >= st->last_line && line >= 1, "line %ld after %ld",
	    line, st->last_line);
	st->last_line = line;
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strlen(f[i]) <= len[i], "field %zu length", i);
		if (st->enc == CSVENC_GB18030)
			FUZZ_CHECK(utf8_valid(f[i], strlen(f[i])),
			    "field %zu of line %ld is not UTF-8", i, line);
	}
	csv_put_row(st->null, f, n, "reason");
	if (!st->have_map) {
		if (colmap_from_header(&st->m, f, n, &sub) == 0)
			st->have_map = 1;
		return 0;
	}
	if (record_from_row(&st->m, f, n, fuzz_codes(), 2000, &r,
	    &sub) == 0) {
		FUZZ_CHECK(strlen(r.id) == IDNUM_LEN, "%s", r.id);
		FUZZ_CHECK(r.half > 0 && r.half <= 2000, "%ld", r.half);
		FUZZ_CHECK(r.year >= 1990, "%d", r.year);
		FUZZ_CHECK(utf8_valid(r.name, strlen(r.name)) &&
		    !has_control(r.name), "name");
		FUZZ_CHECK(utf8_valid(r.subject, strlen(r.subject)) &&
		    !has_control(r.subject), "subject");
		FUZZ_CHECK(utf8_valid(r.provider, strlen(r.provider)) &&
		    !has_control(r.provider), "provider");
		FUZZ_CHECK(utf8_valid(r.recid, strlen(r.recid)) &&
		    !has_control(r.recid), "record id");
	} else {
		FUZZ_CHECK(sub.code == CEH_EINPUT, "class %d: %s", sub.code,
		    sub.msg);
	}
	(void)e;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum csv_encoding encs[3] = { CSVENC_AUTO, CSVENC_UTF8,
	    CSVENC_GB18030 };
	static FILE *null;
	struct state st;
	struct ceh_err e;
	enum csv_encoding used;
	int bom;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size < 1)
		return 0;
	memset(&st, 0, sizeof(st));
	st.enc = encs[data[0] % 3];
	st.null = null;
	if (csv_read_buf((const char *)data + 1, size - 1, "in.csv", st.enc,
	    &used, &bom, row, &st, &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT, "class %d: %s", e.code,
		    e.msg);
		FUZZ_CHECK(strstr(e.msg, "in.csv") != NULL,
		    "message does not name the file: %s", e.msg);
	} else if (st.enc == CSVENC_AUTO) {
		FUZZ_CHECK(used == CSVENC_UTF8 || used == CSVENC_GB18030,
		    "detected %d", used);
	}
	return 0;
}
