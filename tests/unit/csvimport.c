/* Unit tests of lib/csvimport: libcsv in strict mode, BOM, physical line
 * numbers, encodings (UTF-8, GB18030 via iconv, detection), header
 * mapping, record checks, CSV output. */
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codes.h"
#include "csvimport.h"
#include "err.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;
static struct sbuf got;	/* "LINE:f1|f2|...\n" per row */
static int stop_at;	/* callback fails on this row (1-based), 0 never */
static int nrows;

static int
collect(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *err)
{
	size_t i;

	(void)arg;
	nrows++;
	if (stop_at && nrows == stop_at)
		return ceh_fail(err, CEH_ESYS, "stopped at row %d", nrows);
	sb_addf(&got, "%ld:", line);
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(&got, '|');
		sb_add(&got, f[i], len[i]);
	}
	sb_addc(&got, '\n');
	return 0;
}

/* Parse s; return the collected rows (or "ERR:message"). */
static const char *
parse(const char *s, size_t len, enum csv_encoding enc,
    enum csv_encoding *used, int *bom)
{
	sb_reset(&got);
	nrows = 0;
	ceh_err_clear(&e);
	if (csv_read_buf(s, len, "t.csv", enc, used, bom, collect, NULL,
	    &e) < 0) {
		sb_reset(&got);
		sb_addf(&got, "ERR:%s", e.msg);
	}
	return sb_str(&got);
}

#define P(s) parse(s, sizeof(s) - 1, CSVENC_AUTO, NULL, NULL)

static char *
to_gb(const char *u)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t il = strlen(u), ol = il * 2 + 8;
	char *out = xcalloc(1, ol + 1), *ip = (char *)u, *op = out;

	if (cd == (iconv_t)-1 || iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		return NULL;
	iconv_close(cd);
	return out;
}

int
main(void)
{
	const char *root = getenv("CEH_ROOT");
	enum csv_encoding used;
	struct colmap m;
	struct codes codes;
	struct hour_record r;
	char *dir, *gb, big[300000];
	char *hdr[] = { "证件号码", "姓名", "年度", "科目类型", "科目名称",
	    "学时", "继续教育形式", "培训机构", "记录编号" };
	char *row[9];
	int fd, bom, i;
	FILE *fp;
	char *mem;
	size_t memlen;

	setenv("CEH_NOW", "1780286400", 1);	/* 2026-06-01T04:00:00Z */
	dir = xasprintf("%s/data/codes", root ? root : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || codes_load(&codes, fd, &e) < 0) {
		printf("Bail out! cannot load %s: %s\n", dir, e.msg);
		return 1;
	}
	close(fd);
	free(dir);

	/* libcsv basics through the adapter */
	is_str(P("a,b\nc,d\n"), "1:a|b\n2:c|d\n", "two rows, LF");
	is_str(P("a,b\r\nc,d\r\n"), "1:a|b\n2:c|d\n", "CRLF");
	is_str(P("a,b\nc,d"), "1:a|b\n2:c|d\n", "last row without a newline");
	is_str(P("a,\"b,1\"\n\"c\"\"q\",d\n"), "1:a|b,1\n2:c\"q|d\n",
	    "quoted comma and doubled quote");
	is_str(P("a,\"x\ny\"\nc,d\n"), "1:a|x\ny\n3:c|d\n",
	    "a quoted line break: the next row is on line 3");
	is_str(P("a,\"x\r\ny\"\r\nc,d\r\n"), "1:a|x\r\ny\n3:c|d\n",
	    "a quoted CRLF is kept inside the field");
	is_str(P("\na,b\n\n\n c , d \n"), "2:a|b\n5:c|d\n",
	    "blank lines skipped but counted; unquoted fields trimmed");
	is_str(P("a,b\n,\n,,\nc,d\n"), "1:a|b\n2:|\n3:||\n4:c|d\n",
	    "rows of empty fields are given (rowsrc counts them as blank)");
	is_str(P("a,\"\"\n"), "1:a|\n", "an empty quoted field");
	is_str(P("a,b,c\nd\n"), "1:a|b|c\n2:d\n", "ragged rows are reported as they are");
	ok(strncmp(P("a,b\"c\n"), "ERR:t.csv:1: CSV syntax error", 29) == 0,
	    "strict: a quote inside an unquoted field");
	ok(strncmp(P("a,b\n\"x\"y,z\n"), "ERR:t.csv:2: CSV syntax error", 29) == 0,
	    "strict: text after a closing quote, line 2");
	is_str(P("a,b\nc,\"open\nmore\n"),
	    "ERR:t.csv:4: a quoted field opened on line 2 is never closed",
	    "strict fini: an unterminated quote names its first line");
	/* bare CR line ends (old Mac files, some exporters) count as lines */
	is_str(P("a,b\rc,d\r"), "1:a|b\n2:c|d\n", "bare CR: two rows");
	is_str(P("a,b\r\r\rc,d"), "1:a|b\n4:c|d\n",
	    "bare CR: blank lines counted");
	is_str(P("a,\"x\ry\"\rc,d\r"), "1:a|x\ry\n3:c|d\n",
	    "bare CR: a quoted CR is a line too");
	ok(strncmp(P("a,b\rc,d\"\r"), "ERR:t.csv:2: CSV syntax error", 29)
	    == 0, "bare CR: a syntax error names its line");
	is_str(P("a\rb\nc\r\nd\r"), "1:a\n2:b\n3:c\n4:d\n",
	    "CR, LF and CRLF mixed");
	/* more than one read chunk (1 MiB): a CRLF cut between two chunks
	 * is one line end, and bare-CR numbering goes on past the cut */
	for (i = 0; i < 2; i++) {
		struct sbuf u = SBUF_INIT;
		long k, want = 0;
		char tail[64];

		while (u.len + 40 < (1 << 20))
			sb_addf(&u, "%ld,x%s", ++want, i ? "\r" : "\r\n");
		sb_addf(&u, "%ld,", ++want);
		while (u.len != (1 << 20) - 1)	/* the CR at the last byte */
			sb_addc(&u, 'y');
		sb_adds(&u, i ? "\r" : "\r\n");
		for (k = 0; k < 100; k++)
			sb_addf(&u, "%ld,z%s", want + 1 + k, i ? "\r" : "\r\n");
		parse(u.buf, u.len, CSVENC_UTF8, NULL, NULL);
		snprintf(tail, sizeof(tail), "\n%ld:%ld|z\n", want + 100,
		    want + 100);
		ok(nrows == want + 100 && strstr(got.buf, tail) != NULL,
		    "%s across the 1 MiB read chunk: row %ld on line %ld",
		    i ? "bare CR" : "CRLF", want + 100, want + 100);
		sb_release(&u);
	}
	stop_at = 2;
	ok(strcmp(P("a\nb\nc\n"), "ERR:stopped at row 2") == 0 && nrows == 2,
	    "a failing callback stops the parse at once");
	stop_at = 0;

	/* BOM and encodings */
	bom = 0;
	is_str(parse("\xef\xbb\xbf\"h\",x\n1,2\n", 13, CSVENC_AUTO, &used, &bom),
	    "1:h|x\n2:1|2\n", "BOM stripped, even before a quoted header");
	ok(bom == 1 && used == CSVENC_UTF8, "BOM reported, UTF-8");
	is_str(P("证件号码,姓名\n1,张三\n"), "1:证件号码|姓名\n2:1|张三\n",
	    "UTF-8 Chinese");
	gb = to_gb("证件号码,姓名\n1,\"张,三\"\n");
	ok(gb != NULL, "made a GB18030 sample");
	is_str(parse(gb, strlen(gb), CSVENC_AUTO, &used, NULL),
	    "1:证件号码|姓名\n2:1|张,三\n", "GB18030 detected and converted");
	ok(used == CSVENC_GB18030, "detected as gb18030");
	is_str(parse(gb, strlen(gb), CSVENC_GB18030, &used, NULL),
	    "1:证件号码|姓名\n2:1|张,三\n", "GB18030 forced");
	parse(gb, strlen(gb), CSVENC_UTF8, &used, NULL);
	ok(used == CSVENC_UTF8 && strstr(got.buf, "1:") == got.buf,
	    "forced UTF-8 reads the bytes as they are");
	free(gb);
	/* a GB18030 file larger than one read chunk: characters split across
	 * chunk boundaries are carried over */
	{
		struct sbuf u = SBUF_INIT;
		char *g;

		for (i = 0; i < 40000; i++)
			sb_addf(&u, "%d,湖南长沙\n", i);
		g = to_gb(u.buf);
		parse(g, strlen(g), CSVENC_AUTO, &used, NULL);
		ok(used == CSVENC_GB18030 && nrows == 40000 &&
		    strstr(got.buf, "\n39999:39998|湖南长沙\n") != NULL,
		    "a multi-chunk GB18030 file: every row, every line number");
		free(g);
		sb_release(&u);
	}
	is_str(parse("a\n\xff\xff\n", 5, CSVENC_GB18030, &used, NULL),
	    "ERR:t.csv:2: bytes not valid in GB18030 (is the file in another encoding? see --encoding)",
	    "invalid GB18030 bytes: error with the line");
	/* detection looks past a long ASCII start */
	memset(big, 'a', sizeof(big));
	for (i = 99; i < (int)sizeof(big) - 10; i += 100)
		big[i] = '\n';
	memcpy(big + sizeof(big) - 10, "\n\xd5\xc5,x\n", 6);
	parse(big, sizeof(big) - 4, CSVENC_AUTO, &used, NULL);
	ok(used == CSVENC_GB18030, "non-UTF-8 after 300 KB of ASCII: gb18030");
	/* a row is bounded (CSV_ROW_MAX bytes), quoted newlines included */
	{
		size_t n = CSV_ROW_MAX + 64, k, len;
		char *b = xmalloc(n);

		for (k = 0; k < 2; k++) {	/* a row of the bound, and 1 over */
			memcpy(b, "h\nx,", 4);
			len = 4 + CSV_ROW_MAX - 3 + k;
			memset(b + 4, 'a', len - 4);
			memcpy(b + len, "\nz\n", 3);
			parse(b, len + 3, CSVENC_UTF8, NULL, NULL);
			if (k == 0)
				ok(nrows == 3, "a row of exactly the bound is read");
			else
				ok(nrows == 1 && strstr(sb_str(&got),
				    "ERR:t.csv:2: row too long") != NULL,
				    "a row 1 byte over: an error naming its line");
		}
		memcpy(b, "h\nx,\"", 5);
		for (k = 5; k < CSV_ROW_MAX + 6; k += 2)
			memcpy(b + k, "a\n", 2);
		memcpy(b + k, "\"\n", 2);
		ok(strstr(parse(b, k + 2, CSVENC_UTF8, NULL, NULL),
		    "ERR:t.csv:2: row too long") != NULL,
		    "a quoted field over many lines: one row, named by its "
		    "first line");
		free(b);
	}
	ok(csv_encoding_parse("GBK", &used) == 0 && used == CSVENC_GB18030 &&
	    csv_encoding_parse("utf8", &used) == 0 && used == CSVENC_UTF8 &&
	    csv_encoding_parse("latin1", &used) < 0, "encoding names");

	/* header mapping */
	{
		char *h1[] = { "备注", " 记录编号 ", "Provider", "FORM", "hours",
		    "course", "type", "Year", "name", "ID_NUMBER" };
		char *h2[] = { "证件号码", "姓名", "id" };
		char *h3[] = { "证件号码", "姓名" };

		ok(colmap_from_header(&m, h1, 10, &e) == 0 &&
		    m.idx[RC_ID] == 9 && m.idx[RC_RECID] == 1 &&
		    m.idx[RC_SUBJECT] == 5 && m.nfields == 10,
		    "aliases, case, spaces, any order, extra columns");
		ok(colmap_from_header(&m, h2, 3, &e) < 0 &&
		    strstr(e.msg, "证件号码 appears twice") != NULL,
		    "a column twice");
		ok(colmap_from_header(&m, h3, 2, &e) < 0 &&
		    strstr(e.msg, "missing columns 年度, 科目类型, 科目名称, 学时, "
		    "继续教育形式, 培训机构, 记录编号") != NULL,
		    "missing columns named");
	}

	/* records */
	ok(colmap_from_header(&m, hdr, 9, &e) == 0, "the standard header");
#define ROW(a, b, c, d, f5, g, h, i2, j) do { row[0] = a; row[1] = b; \
	row[2] = c; row[3] = d; row[4] = f5; row[5] = g; row[6] = h; \
	row[7] = i2; row[8] = j; } while (0)
	ROW("43010219850312123x", "张三", "2024", "专业科目", "课程", "30.5",
	    "网络培训", "机构", "R-1");
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) == 0 &&
	    strcmp(r.id, "43010219850312123X") == 0 && r.pro == 1 &&
	    r.half == 61 && strcmp(r.form, "远程教育") == 0 && r.year == 2024,
	    "a good record: canonical ID, half hours, form alias");
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) == 0 &&
	    strcmp(r.form, "远程教育") == 0, "the cached form gives the same");
	row[6] = "网络 培训";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "继续教育形式") != NULL, "unknown form refused");
	row[6] = "培训班";
	ok(record_from_row(&m, row, 8, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "wrong number of fields: 8, the header has 9"),
	    "field count");
	row[3] = "公需";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "科目类型 '公需' is neither"), "subject type");
	row[3] = "公需科目";
	row[5] = "0";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "not above zero"), "zero hours");
	row[5] = "1001";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0,
	    "hours over the limit");
	row[5] = "12";
	row[4] = "a\nb";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "科目名称 contains a control character"),
	    "a line break in the subject");
	row[4] = "课程";
	row[8] = "";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "记录编号 must not be empty"), "empty record id");
	row[8] = "R-1";
	row[1] = "\xd5\xc5";
	ok(record_from_row(&m, row, 9, &codes, 2000, &r, &e) < 0 &&
	    strstr(e.msg, "姓名 is not valid UTF-8"), "invalid UTF-8 name");

	/* CSV output round trip */
	fp = open_memstream(&mem, &memlen);
	{
		char *out[] = { "a", "b,c", "d\"e", "f\ng", " h" };

		csv_put_row(fp, out, 5, "why, not");
	}
	fclose(fp);
	is_str(mem, "a,\"b,c\",\"d\"\"e\",\"f\ng\",\" h\",\"why, not\"\r\n",
	    "csv_put_row quotes what needs it");
	is_str(parse(mem, memlen, CSVENC_UTF8, NULL, NULL),
	    "1:a|b,c|d\"e|f\ng| h|why, not\n", "and reads back the same");
	free(mem);
	codes_release(&codes);
	sb_release(&got);
	return done_testing();
}
