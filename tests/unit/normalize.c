/* Unit tests of lib/normalize: each normalisation and what it reports,
 * spreadsheet-rounded numbers, row classes, header detection, UTF-8 for
 * messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "normalize.h"
#include "tap.h"
#include "util.h"

static char buf[512];

/* s with line breaks shown as \n, for a test's name. */
static const char *
shown(const char *s, char *out, size_t size)
{
	size_t w = 0;

	for (; *s && w + 3 < size; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			out[w++] = '\\';
			out[w++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
		} else {
			out[w++] = *s;
		}
	}
	out[w] = '\0';
	return out;
}

static void
norm(const char *in, unsigned mode, const char *want, unsigned wbits)
{
	char a[128], b[128];
	unsigned got;

	snprintf(buf, sizeof(buf), "%s", in);
	got = norm_value(buf, mode);
	ok(strcmp(buf, want) == 0 && got == wbits, "'%s' -> '%s' (%#x), got "
	    "'%s' (%#x)", shown(in, a, sizeof(a)), want, wbits,
	    shown(buf, b, sizeof(b)), got);
}

static void
test_values(void)
{
	norm("2024", NORM_CODE, "2024", 0);
	norm("２０２４", NORM_CODE, "2024", NORM_FULLWIDTH);
	norm("ＡＢｃ－１２３", NORM_CODE, "ABc-123", NORM_FULLWIDTH);
	norm("４３０１０４１９９００１０１５１２ｘ", NORM_IDNUM,
	    "43010419900101512X", NORM_FULLWIDTH | NORM_UPPER_X);
	norm("43010419900101512x", NORM_IDNUM, "43010419900101512X",
	    NORM_UPPER_X);
	norm("x", NORM_IDNUM, "x", 0);
	norm("  张三　", NORM_TEXT, "张三", NORM_TRIM);
	norm("\xc2\xa0张三\t", NORM_TEXT, "张三", NORM_TRIM);
	norm("线上\n培训", NORM_TEXT, "线上 培训", NORM_LINEBREAK);
	norm("线上 \r\n\r\n 培训\n", NORM_TEXT, "线上 培训",
	    NORM_LINEBREAK | NORM_TRIM);
	norm("张　三", NORM_TEXT, "张　三", 0);
	norm("（线上）ＡＩ培训，第１期", NORM_TEXT, "（线上）AI培训，第1期",
	    NORM_FULLWIDTH);
	norm("（线上）", NORM_CODE, "(线上)", NORM_FULLWIDTH);
	norm("12学时", NORM_HOURS, "12", NORM_UNIT);
	norm("8.5 小时", NORM_HOURS, "8.5", NORM_UNIT);
	norm("３０课时", NORM_HOURS, "30", NORM_FULLWIDTH | NORM_UNIT);
	norm("4h", NORM_HOURS, "4", NORM_UNIT);
	norm(" 4H ", NORM_HOURS, "4", NORM_TRIM | NORM_UNIT);
	norm("学时", NORM_HOURS, "学时", 0);
	norm("约12学时", NORM_HOURS, "约12学时", 0);
	norm("12学时", NORM_CODE, "12学时", 0);
	norm("", NORM_HOURS, "", 0);
	norm("　", NORM_CODE, "", NORM_FULLWIDTH | NORM_TRIM);
}

static void
test_counts(void)
{
	struct norm_counts c = { { 0 } };
	int i;

	norm_count(&c, NORM_FULLWIDTH | NORM_UNIT);
	norm_count(&c, NORM_UNIT);
	norm_count(&c, 0);
	ok(c.n[0] == 1 && c.n[3] == 2 && c.n[1] == 0, "counts per kind");
	for (i = 0; norm_what(i, 2); i++)
		;
	ok(i == NORM__BITS && strstr(norm_what(3, 2), "hours values") &&
	    strstr(norm_what(0, 1), "1") == NULL &&
	    strstr(norm_what(0, 1), "value with"),
	    "every kind has a summary text");
}

static void
test_rounded(void)
{
	struct ceh_err e;

	ok(norm_is_rounded("4.30104199001015E+017"), "LibreOffice's form");
	ok(norm_is_rounded("4.30104E+17"), "Excel's short form");
	ok(norm_is_rounded("4E+17") && norm_is_rounded("4.3e17"),
	    "other forms");
	ok(!norm_is_rounded("430104199001015123") &&
	    !norm_is_rounded("4.3E") && !norm_is_rounded("E+17") &&
	    !norm_is_rounded("4.E+17") && !norm_is_rounded("4.3E+17x"),
	    "not rounded");
	ceh_err_clear(&e);
	ok(norm_rounded_fail("证件号码", "4.30104199001015E+017", &e) == -1 &&
	    e.code == CEH_EINPUT && strstr(e.msg, "looks like a number a "
	    "spreadsheet rounded") && strstr(e.msg, "'4.30104199001015E+017'"),
	    "the spreadsheet message: %s", e.msg);
}

#define ROW(...) ((char *[]){ __VA_ARGS__ })
#define NROW(...) (sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *))
#define CLASS(want, merged, ...) \
	ok(norm_classify(ROW(__VA_ARGS__), NROW(__VA_ARGS__), merged) == \
	    want, "row class %s: %s", row_class_name(want), #__VA_ARGS__)

static void
test_rows(void)
{
	CLASS(ROW_BLANK, 0, "", " ", "　");
	CLASS(ROW_BLANK, 0, "");
	CLASS(ROW_TOTAL, 0, "合计", "", "", "30.5");
	CLASS(ROW_TOTAL, 0, "", "合 计", "", "30.5");
	CLASS(ROW_TOTAL, 0, "小计：", "12");
	CLASS(ROW_TOTAL, 0, "总计（人数）", "12");
	CLASS(ROW_TOTAL, 0, "合计30学时");
	CLASS(ROW_TOTAL, 0, "10", "合计", "30");
	CLASS(ROW_FOOTER, 0, "制表人：刘七", "", "审核人：陈八");
	CLASS(ROW_FOOTER, 0, "制表日期：2024-12-01");
	CLASS(ROW_FOOTER, 0, "注：学时以培训机构记录为准");
	CLASS(ROW_FOOTER, 0, "单位（盖章）", "", "");
	CLASS(ROW_TITLE, 0, "2024年度继续教育学时登记表");
	CLASS(ROW_TITLE, 6, "2024年度继续教育学时登记表", "x");
	CLASS(ROW_DATA, 0, "430104199001015123", "张三", "2024");
	CLASS(ROW_DATA, 0, "430104199001015123", "合计算法入门", "2024");
	CLASS(ROW_DATA, 0, "430104199001015123", "张三", "审核人员培训",
	    "12", "网络培训");
	CLASS(ROW_DATA, 0, "430104199001015123", "张三", "合计");
	ok(strcmp(row_class_name(ROW_FOOTER), "footer") == 0, "class names");
}

static void
test_header(void)
{
	static const char *const exp[] = { "证件号码|身份证号码|身份证号|"
	    "id_number", "姓名|name", "年度|year", "学时|hours" };
	struct norm_row rows[] = {
		{ ROW("2024年度继续教育学时登记表"), 1 },
		{ ROW(""), 1 },
		{ ROW("填报单位：x", "姓名"), 2 },
		{ ROW("序号", "* 身份证号码", "姓 名", "年度", "学时（必填）"), 5 },
		{ ROW("1", "430104199001015123", "张三", "2024", "12"), 5 },
	};
	size_t at = 99, score = 99;

	ok(norm_header_col("ＩＤ_Number", exp, 4) == 0, "full-width, case");
	ok(norm_header_col("姓\n名", exp, 4) == 1, "a line break in a header");
	ok(norm_header_col("学时（小时）", exp, 4) == 3 &&
	    norm_header_col("学时(h)", exp, 4) == 3 &&
	    norm_header_col("*证件号码（必填）", exp, 4) == 0,
	    "a unit or a note in brackets after the name");
	ok(norm_header_col("(学时)", exp, 4) == -1, "but not brackets alone");
	ok(norm_header_col("备注", exp, 4) == -1, "unknown column");
	ok(norm_header_col("", exp, 4) == -1, "empty cell");
	ok(norm_header_score(rows[3].cell, rows[3].n, exp, 4) == 4,
	    "all four named");
	ok(norm_find_header(rows, 5, exp, 4, 3, &at, &score) == 0 &&
	    at == 3 && score == 4, "header found below title, blank and note "
	    "rows (at %zu, score %zu)", at, score);
	ok(norm_find_header(rows, 3, exp, 4, 3, &at, &score) == -1 &&
	    at == 2 && score == 1, "not found: the best candidate is given "
	    "(at %zu, score %zu)", at, score);
}

static void
test_utf8(void)
{
	char out[64];

	ok(utf8_count("证件号码") == 4 && utf8_count("ab") == 2 &&
	    utf8_count("\xff\xfe" "a") == 3 && utf8_count("") == 0,
	    "characters counted, invalid bytes one each");
	ok(utf8_count("２０２４２０２４２０２４２０２４２０") == 18,
	    "18 full-width digits are 18 characters, not 54");
	is_str(utf8_clip(out, sizeof(out), "证件号码", 10), "证件号码",
	    "short enough: unchanged");
	is_str(utf8_clip(out, sizeof(out), "证件号码", 2), "证件…",
	    "cut at a character");
	is_str(utf8_clip(out, 11, "证件号码", 10), "证件…",
	    "cut by the buffer at a character boundary");
	ok(utf8_valid(out, strlen(out)), "and valid UTF-8");
	is_str(utf8_clip(out, sizeof(out), "a\nb\xe8\xaf", 10), "a?b??",
	    "control characters and a broken sequence shown as '?'");
	ok(utf8_valid(out, strlen(out)), "valid UTF-8 from invalid input");
	/* a %.7s cut through 科 (e7 a7 91): what utf8_repair mends */
	snprintf(out, sizeof(out), "'%.7s'", "公需科目");
	ok(!utf8_valid(out, strlen(out)), "a byte-counted precision cuts a character");
	is_str(utf8_repair(out), "'公需?'", "utf8_repair: the cut one is '?'");
	strcpy(out, "a\xff证\x80件\xe8");
	is_str(utf8_repair(out), "a?证?件?", "stray bytes, one '?' each");
	strcpy(out, "证件号码 ok");
	is_str(utf8_repair(out), "证件号码 ok", "valid text unchanged");
}

int
main(void)
{
	test_values();
	test_counts();
	test_rounded();
	test_rows();
	test_header();
	test_utf8();
	return done_testing();
}
