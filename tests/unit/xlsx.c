/* Unit tests of lib/sheet, lib/xlsx, lib/xls and lib/ziparch: workbooks
 * built by tests/unit/sheet_fixtures.py (openpyxl, xlwt, hand-made and
 * hostile packages) read back row by row; number and date text; and the
 * .xlsx writer (lib/xlsxout) read back by openpyxl, the independent
 * reader. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "sheet.h"
#include "tap.h"
#include "xalloc.h"
#include "xlsxout.h"
#include "ziparch.h"

#define PY "/usr/bin/python3"

static char dir[] = "/tmp/ceh-xlsx-XXXXXX";
static struct ceh_err e;
static struct sbuf got;

static char
kind_char(unsigned char k)
{
	if (k & SC_LOSSY)
		return 'N';
	return "_tnbde"[k & 0x7f];
}

/* Read sheet of file whole: "ROW[+MERGED]:k cell|k cell\n" per row, or
 * "ERR(class):message". */
static const char *
dump(const char *file, const char *sheet, unsigned flags)
{
	struct sheet *s;
	struct sheet_row r;
	char *p = xasprintf("%s/%s", dir, file);
	size_t i;
	int rc;

	sb_reset(&got);
	ceh_err_clear(&e);
	if (sheet_open(p, sheet, flags, &s, &e) < 0) {
		sb_addf(&got, "ERR(%d):%s", e.code, e.msg);
		free(p);
		return sb_str(&got);
	}
	while ((rc = sheet_next(s, &r, &e)) == 1) {
		sb_addf(&got, "%ld", r.num);
		if (r.merged)
			sb_addf(&got, "+%zu", r.merged);
		sb_addc(&got, ':');
		for (i = 0; i < r.n; i++) {
			if (strlen(r.cell[i]) != r.len[i])
				sb_adds(&got, "<len mismatch>");
			sb_addf(&got, "%s%c%s", i ? "|" : "",
			    kind_char(r.kind[i]), r.cell[i]);
		}
		sb_addc(&got, '\n');
	}
	if (rc < 0) {
		sb_reset(&got);
		sb_addf(&got, "ERR(%d):%s", e.code, e.msg);
	}
	sheet_close(s);
	free(p);
	return sb_str(&got);
}

static int
contains(const char *s, const char *want)
{
	int ok_ = strstr(s, want) != NULL;

	if (!ok_)
		printf("#   '%s' not found in:\n#   %s\n", want, s);
	return ok_;
}

static void
test_provider(void)
{
	const char *want =
	    "1+6:t2024年度继续教育学时登记表\n"
	    "2:t填报单位：长沙市第一医院\n"
	    "4:t证件号码|t姓名|t年度|t学时|t继续教育形式|t日期\n"
	    "5:t430104199001015123|t张三|n2024|n12|t网络培训|d2024-03-05\n"
	    "6:N4.30104199001015E+17|t李四|t２０２４|n8.5|t线上\n培训|"
	    "d2024-03-05 14:30:00\n"
	    "7:N4.30104199001015E+17|t王五|n2024|t12学时\n"
	    "8:N4.30104199001015E+17|t赵六|n2024|n0.3|bTRUE\n"
	    "9:t合计|_|_|n30.8\n"
	    "10:t制表人：刘七|_|t审核人：陈八\n"
	    "12:_|_|_|_|_|_|_|_|_|tfar\n";

	is_str(dump("provider.xlsx", NULL, SHEET_MERGES), want,
	    "openpyxl workbook (openpyxl writes an int as a double: "
	    "4.301041990010151e+17): title, merged banner, IDs as text, exact and "
	    "rounded numbers, full-width digits, line break, dates, total and "
	    "footer rows, a gap of columns");
	ok(contains(dump("provider.xlsx", NULL, 0), "1:t2024年度"),
	    "without SHEET_MERGES no merge is reported");
	is_str(dump("provider.xlsx", "说明", 0), "1:tnotes\n",
	    "a sheet chosen by name");
	is_str(dump("provider.xlsx", "学时记录", 0) , dump("provider.xlsx",
	    NULL, 0), "the first sheet is the default");
	ok(contains(dump("provider.xlsx", "Missing", 0), "ERR(3):no sheet "
	    "'Missing' in ") && contains(sb_str(&got), "its sheets: "
	    "'学时记录', '说明'"), "a missing sheet is class 3 and lists the "
	    "sheets");
}

static void
test_raw(void)
{
	const char *want =
	    "2:_|tinline|trich run|_|t合 计|ta\r\nb_x0041_\n"
	    "3:d2024-05-06|d2023-03-15 12:00:00|d2023-03-15|bFALSE|e#N/A|n2|"
	    "tab|n0.001|_|_|_|_|_|_|_|_|_|_|_|_|_|_|_|_|_|_|_|n0\n"
	    "4:n430104199001015123|n430104199001015120|"
	    "N4.30104199001015E+17\n"
	    "5+3:\n";

	is_str(dump("raw.xlsx", NULL, SHEET_MERGES), want, "hand-made "
	    "package: prefixed namespace, relationships in other folders, "
	    "inline and rich strings, phonetic runs left out, _xHHHH_ "
	    "escapes, t=d/b/e/str, formulas' cached values, built-in and "
	    "custom date formats, references left out; an 18-digit integer "
	    "written out by a program (Go's excelize does) kept exactly, also "
	    "with a trailing zero, the double nearest to it not");
	ok(contains(dump("raw1904.xlsx", NULL, 0), "3:d2024-05-06|"
	    "d2027-03-16 12:00:00|d2027-03-16|"), "the 1904 date system");
}

static void
test_hostile(void)
{
	ok(contains(dump("bomb-declared.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "refused (a zip bomb"), "an entry "
	    "declaring 4 GiB is refused before unpacking: %s", sb_str(&got));
	ok(contains(dump("bomb-lying.xlsx", NULL, 0), "ERR(1):"),
	    "an entry unpacking to more than it declares is refused: %s",
	    sb_str(&got));
	ok(contains(dump("truncated.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "damaged .xlsx workbook (truncated"),
	    "a truncated workbook is refused: %s", sb_str(&got));
	ok(contains(dump("notzip.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "is not an Excel workbook (.xlsx or .xls)"),
	    "a CSV named .xlsx: %s", sb_str(&got));
	ok(contains(dump("webpage.xls", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "web page"), "a web page named .xls: %s",
	    sb_str(&got));
	ok(contains(dump("doc.ods", NULL, 0), "OpenDocument spreadsheet "
	    "(.ods)"), "an .ods file says what it is: %s", sb_str(&got));
	ok(contains(dump("noworkbook.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "not an .xlsx workbook"),
	    "a zip that is no workbook: %s", sb_str(&got));
	ok(contains(dump("dtd.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "(DTD) is not allowed"),
	    "a DTD (entity expansion) is refused: %s", sb_str(&got));
	ok(contains(dump("badxml.xlsx", NULL, 0), "ERR(1):") &&
	    contains(sb_str(&got), "not well-formed XML"),
	    "malformed XML names the part and line: %s", sb_str(&got));
	ok(contains(dump("nosuch.xlsx", NULL, 0), "ERR(3):no such file"),
	    "a missing file is class 3");
}

static void
test_ziparch(void)
{
	struct ziparch *z;
	char *p = xasprintf("%s/provider.xlsx", dir), *buf = NULL;
	long long idx;
	size_t len = 0;

	ceh_err_clear(&e);
	ok(ziparch_open(p, 1 << 20, &z, &e) == 0, "ziparch_open");
	idx = ziparch_find(z, "XL/WORKBOOK.XML");
	ok(idx >= 0, "entries are found with ASCII case ignored");
	ok(ziparch_read(z, idx, 10, &buf, &len, &e) < 0 &&
	    e.code == CEH_EINPUT && strstr(e.msg, "over the limit of 10"),
	    "an entry over the caller's limit is refused before unpacking: "
	    "%s", e.msg);
	ok(ziparch_read(z, idx, 1 << 20, &buf, &len, &e) == 0 &&
	    len == strlen(buf) && strstr(buf, "学时记录"), "read whole");
	free(buf);
	ok(ziparch_find(z, "nothing") == -1, "a missing entry is -1");
	ziparch_close(z);
	ok(ziparch_open(p, 100, &z, &e) == 0 &&
	    ziparch_read(z, ziparch_find(z, "xl/workbook.xml"), 1 << 20, &buf,
	    &len, &e) < 0 && strstr(e.msg, "whole archive"),
	    "the archive's total budget is enforced: %s", e.msg);
	ziparch_close(z);
	free(p);
}

static void
test_xls(void)
{
	const char *want =
	    "1:t证件号码|t姓名|t学时|t日期\n"
	    "2:t430104199001015123|t张三|n12|d2024-03-05\n"
	    "3:N4.30104199001015E+17|t李四|n8.5\n"
	    "5:_|tafter a gap\n";

	is_str(dump("staff.xls", NULL, SHEET_MERGES), want, ".xls through "
	    "libfreexl: text, numbers, a date, an ID as number (always "
	    "rounded in BIFF), rows without cells skipped");
	is_str(dump("staff.xls", "other", 0), "1:tx\n", ".xls sheet chosen "
	    "by name, case ignored");
}

static void
number(const char *lit, const char *want, int wkind)
{
	char buf[64];
	int k = sheet_number_text(lit, buf, sizeof(buf));

	ok(k == wkind && (k < 0 || strcmp(buf, want) == 0), "number '%s' -> "
	    "'%s' (%d), got '%s' (%d)", lit, want, wkind, k < 0 ? "" : buf,
	    k);
}

static void
test_numbers(void)
{
	char buf[64];
	int L = SC_NUMBER | SC_LOSSY;

	number("30", "30", SC_NUMBER);
	number("30.0", "30", SC_NUMBER);
	number("8.5", "8.5", SC_NUMBER);
	number("0.30000000000000004", "0.3", SC_NUMBER);
	number("1.2E+1", "12", SC_NUMBER);
	number("123456789012345", "123456789012345", SC_NUMBER);
	number("1.23456789012345E+14", "123456789012345", SC_NUMBER);
	number("-42", "-42", SC_NUMBER);
	number("430104199001015123", "430104199001015123", SC_NUMBER);
	number("43010419900101512X", "", -1);
	number("", "", -1);
	number("1e", "", -1);
	/* what Excel (15 digits) or a program with a double writes */
	number("4.30104199001015E+17", "4.30104199001015E+17", L);
	number("4.30104E+17", "4.30104E+17", L);
	number("430104199001015000", "4.30104199001015E+17", L);
	number("430104199001015104", "4.30104199001015E+17", L);
	number("4.3010419900101517E+17", "4.30104199001015E+17", L);
	number("430104199001015100", "4.30104199001015E+17", L);
	number("430104199001015123.0", "4.30104199001015E+17", L);
	ok(sheet_double_text(2024.0, buf, sizeof(buf)) == SC_NUMBER &&
	    strcmp(buf, "2024") == 0, "double 2024");
	ok(sheet_double_text(430104199001015123.0, buf, sizeof(buf)) == L,
	    "a double of 18 digits is always lossy");
	ok(sheet_date_text(45356, 0, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "2024-03-05") == 0, "date serial 45356: %s", buf);
	ok(sheet_date_text(59, 0, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "1900-02-28") == 0, "serial 59: %s", buf);
	ok(sheet_date_text(61, 0, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "1900-03-01") == 0, "serial 61: %s", buf);
	ok(sheet_date_text(60, 0, buf, sizeof(buf)) < 0,
	    "serial 60 (1900-02-29) is no date");
	ok(sheet_date_text(0.75, 0, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "18:00:00") == 0, "a time: %s", buf);
	ok(sheet_format_is_date(14, NULL) && !sheet_format_is_date(49, NULL)
	    && sheet_format_is_date(164, "yyyy\"年\"m\"月\"d\"日\"") &&
	    !sheet_format_is_date(165, "0.00\"h\";[Red]-0.00") &&
	    !sheet_format_is_date(166, "General") &&
	    sheet_format_is_date(167, "[h]:mm") &&
	    !sheet_format_is_date(168, "0.00E+00"), "date formats told");
}

/* The writer's output read back by openpyxl (types, bold, frozen pane,
 * widths) and by our own reader (every digit of the IDs). */
static const char check_py[] =
    "import sys, openpyxl\n"
    "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
    "print(ws.title, ws.freeze_panes, ws['A1'].font.b, ws['A2'].font.b)\n"
    "for row in ws.iter_rows():\n"
    "    print('|'.join('%s:%s' % (c.data_type, c.value) for c in row))\n"
    "w = ws.column_dimensions\n"
    "print(w['A'].width > 18, w['C'].width > w['D'].width, "
    "ws['A2'].number_format)\n";

/* The threads of this process. */
static int
threads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Threads:", 8) == 0)
			n = atoi(line + 8);
	if (f)
		fclose(f);
	return n;
}

/* long.xlsx as dump() must give it (sheet_fixtures.py long_sheets). */
static char *
long_want(unsigned flags)
{
	struct sbuf w = SBUF_INIT;
	int r;

	for (r = 1; r <= 6000; r++) {
		if (r % 7 == 0)
			continue;
		if (r == 3000) {	/* openpyxl empties B3000:C3000 */
			sb_addf(&w, "3000%s:tID003000|_|_|t长沙10\n", flags &
			    SHEET_MERGES ? "+3" : "");
			continue;
		}
		sb_addf(&w, "%d:tID%06d|n%d|n%d%s|t长沙%d\n", r, r, r,
		    r / 2, r % 2 ? ".5" : "", r % 13);
	}
	return sb_detach(&w);
}

/* The reader thread (lib/sheetpipe.c, after the first 1,000 rows) gives
 * the rows, the merges and the error the caller's thread gives. */
static void
test_long(void)
{
	struct sheet *s;
	struct sheet_row r;
	char *want, *seq, *p;
	long n = 0, last = 0;
	int rc, k, base;
	unsigned flags;

	for (flags = 0; flags <= SHEET_MERGES; flags += SHEET_MERGES) {
		want = long_want(flags);
		setenv("CEH_SHEET_THREAD", "0", 1);
		is_str(dump("long.xlsx", NULL, flags), want, "6,000 rows in "
		    "this thread (flags %u)", flags);
		setenv("CEH_SHEET_THREAD", "1", 1);
		is_str(dump("long.xlsx", NULL, flags), want, "the same rows "
		    "from the reader thread (flags %u)", flags);
		free(want);
	}
	setenv("CEH_SHEET_THREAD", "0", 1);
	seq = xstrdup(dump("long-bad.xlsx", NULL, 0));
	ok(contains(seq, "ERR(1):") && contains(seq, "holds no number") &&
	    contains(seq, "abc"), "a bad cell at row 4502: class 1, named");
	setenv("CEH_SHEET_THREAD", "1", 1);
	is_str(dump("long-bad.xlsx", NULL, 0), seq, "the same error from the "
	    "reader thread");
	free(seq);
	p = xasprintf("%s/long-bad.xlsx", dir);
	ok(sheet_open(p, NULL, 0, &s, &e) == 0, "open long-bad.xlsx");
	while ((rc = sheet_next(s, &r, &e)) == 1) {
		n++;
		last = r.num;
	}
	ok(rc == -1 && n == 4501 - 4501 / 7 && last == 4500 &&
	    sheet_next(s, &r, &e) == -1, "every row before the error comes "
	    "first (%ld rows, the last %ld), then -1, and again -1", n, last);
	sheet_close(s);
	free(p);
	/* the caller stops while the reader is ahead: it is stopped and
	 * joined, nothing leaks (the sanitizer build checks) */
	p = xasprintf("%s/long.xlsx", dir);
	base = threads();
	for (k = 0; k < 3; k++) {
		ok(sheet_open(p, NULL, 0, &s, &e) == 0, "open long.xlsx");
		for (n = 0; n < 1000 + 600 * k && sheet_next(s, &r, &e) == 1;)
			n++;
		ok(n == 1000 + 600 * k && r.num == n + (n - 1) / 6,
		    "row %ld read (%ld), then closed", n, r.num);
		ok(threads() == base + (k > 0), "%d more thread(s) while "
		    "reading", threads() - base);
		sheet_close(s);
		ok(threads() == base, "none more after sheet_close");
	}
	free(p);
	unsetenv("CEH_SHEET_THREAD");
}

static void
test_writer(void)
{
	static const char *labels[] = { "证件号码", "姓名", "培训机构",
	    "学时", "记录编号" };
	static const enum xo_kind kinds[] = { XO_TEXT, XO_TEXT, XO_TEXT,
	    XO_NUMBER, XO_TEXT };
	static const char *cells[] = {
	    "430104199001015123", "张三", "长沙市继续教育学院", "12",
	    "000123",
	    "43010419900101512X", "Li Si", "=1+1", "8.5", "7",
	    "430104199001015000", "", NULL, "not a number", "",
	};
	char *p, *cmd, out[4096];
	size_t n;
	FILE *f;
	int fd;

	p = xasprintf("%s/list.xlsx", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ceh_err_clear(&e);
	ok(xlsxout_table(fd, "list.xlsx", "申请", 5, labels, kinds, cells, 3,
	    &e) == 0, "xlsxout_table writes: %s", e.msg);
	cmd = xasprintf(PY " -c \"$CHECK_PY\" %s", p);
	setenv("CHECK_PY", check_py, 1);
	f = popen(cmd, "r");
	n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;
	out[n] = '\0';
	ok(f && pclose(f) == 0, "openpyxl reads the workbook");
	is_str(out,
	    "申请 A2 True False\n"
	    "s:证件号码|s:姓名|s:培训机构|s:学时|s:记录编号\n"
	    "s:430104199001015123|s:张三|s:长沙市继续教育学院|n:12|s:000123\n"
	    "s:43010419900101512X|s:Li Si|s:=1+1|n:8.5|s:7\n"
	    "s:430104199001015000|n:None|n:None|s:not a number|n:None\n"
	    "True True @\n",
	    "openpyxl: IDs, codes and record numbers are text cells (leading "
	    "zeros kept, a formula-looking value stays text), hours are "
	    "numbers, the header is bold and frozen, CJK columns wider, ID "
	    "column formatted as text");
	ok(contains(dump("list.xlsx", NULL, 0),
	    "2:t430104199001015123|t张三|t长沙市继续教育学院|n12|t000123\n"),
	    "our reader reads the written IDs back exactly");
	ok(xlsxout_table(fd, "bad.xlsx", "a[b]", 5, labels, kinds, cells, 1,
	    &e) < 0 && e.code == CEH_EINPUT && strstr(e.msg, "sheet name") &&
	    access("bad.xlsx", F_OK) < 0, "a bad sheet name is refused, "
	    "nothing written: %s", e.msg);
	ok(faccessat(fd, "bad.xlsx", F_OK, 0) < 0, "no file left behind");
	ok(xlsxout_table(fd, "sub/none.xlsx", "x", 5, labels, kinds, cells, 1,
	    &e) < 0 && e.code == CEH_ESYS, "a target that cannot be written "
	    "is class 5: %s", e.msg);
	close(fd);
	free(cmd);
	free(p);
}

int
main(void)
{
	char *cmd;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	cmd = xasprintf(PY " %s/tests/unit/sheet_fixtures.py %s",
	    getenv("CEH_ROOT") ? getenv("CEH_ROOT") : ".", dir);
	ok(system(cmd) == 0, "fixtures built with openpyxl and xlwt");
	free(cmd);
	test_provider();
	test_raw();
	test_hostile();
	test_ziparch();
	test_xls();
	test_numbers();
	test_long();
	test_writer();
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	free(cmd);
	sb_release(&got);
	return done_testing();
}
