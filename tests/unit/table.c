/* Unit tests of lib/table: the four list formats and display width. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "table.h"
#include "tap.h"
#include "util.h"

static char *
render(const struct table *t, enum out_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	table_print(t, f, fp);
	fclose(fp);
	return buf;
}

int
main(void)
{
	static const struct column cols[] = {
		{ "name", "姓名", COL_TEXT },
		{ "unit", "工作单位", COL_TEXT },
		{ "n", "n", COL_INT },
	};
	static const char *r1[] = { "张三", "湖南建工集团", "1" };
	static const char *r2[] = { "Bob", "a,b \"c\"", "22" };
	static const char *r3[] = { "tab\there", "line\nbreak", NULL };
	struct table t;
	enum out_format f;
	char *s;

	ok(utf8_width("张三") == 4 && utf8_width("Bob") == 3 &&
	    utf8_width("ＡＢ") == 4 && utf8_width("") == 0, "display width");
	ok(utf8_chars("张三a") == 3, "characters");
	ok(format_parse("csv", 1 << FMT_CSV | 1 << FMT_JSON, &f) == 0 &&
	    f == FMT_CSV, "format_parse csv");
	ok(format_parse("yaml", 1 << FMT_CSV, &f) < 0, "format not allowed");
	ok(format_parse("CSV", 1 << FMT_CSV, &f) < 0, "names are lower case");

	table_init(&t, cols, 3, NULL);
	table_add(&t, r1);
	table_add(&t, r2);
	s = render(&t, FMT_TABLE);
	is_str(s, "姓名  工作单位      n\n"
	    "张三  湖南建工集团  1\n"
	    "Bob   a,b \"c\"       22\n", "table aligned by display width");
	free(s);
	s = render(&t, FMT_CSV);
	is_str(s, "姓名,工作单位,n\r\n张三,湖南建工集团,1\r\n"
	    "Bob,\"a,b \"\"c\"\"\",22\r\n", "csv quoting, CRLF");
	free(s);
	s = render(&t, FMT_JSON);
	is_str(s, "[\n  {\"name\": \"张三\", \"unit\": \"湖南建工集团\", "
	    "\"n\": 1},\n  {\"name\": \"Bob\", \"unit\": \"a,b \\\"c\\\"\", "
	    "\"n\": 22}\n]\n", "json keyed by column keys, one object a line, "
	    "an INT column a number");
	free(s);
	table_add(&t, r3);
	s = render(&t, FMT_TSV);
	is_str(s, "姓名\t工作单位\tn\n张三\t湖南建工集团\t1\n"
	    "Bob\ta,b \"c\"\t22\ntab\\there\tline\\nbreak\t\n",
	    "tsv escapes tab and newline; NULL is empty");
	free(s);
	table_free(&t);

	table_init(&t, cols, 3, NULL);
	{
		static const char *r4[] = { "王五", "", "" };
		static const char *r5[] = { "李", "", "3" };

		table_add(&t, r4);
		table_add(&t, r5);
		s = render(&t, FMT_TABLE);
		is_str(s, "姓名  工作单位  n\n王五\n李" "              " "3\n",
		    "table lines never end with blanks; empty cells keep "
		    "the columns");
		free(s);
	}
	table_free(&t);

	{
		static const struct column typed[] = {
			{ "h", "h", COL_HOURS },
			{ "y", "y", COL_YEARS },
			{ "u", "u", COL_UNIT },
			{ "w", "w", COL_UNIT_CODE },
			{ "i", "i", COL_INT },
			{ "d", "d", COL_DECIMAL },
		};
		static const char *r6[] = { "30.5", "2023,2024",
		    "91430100MA4L12345A", "", "", "33.3" };
		static const char *r7[] = { "", "", "", "", "7", "-0.05" };
		static const char *bad[] = { "1.", ".5", "-", "1.2.3", "1e3",
		    "0.1234567891", "1234567890123456789", "", " 1" };
		size_t k;

		table_init(&t, typed, 6, NULL);
		table_add(&t, r6);
		table_add(&t, r7);
		s = render(&t, FMT_JSON);
		is_str(s, "[\n  {\"h\": 30.5, \"y\": [2023, 2024], "
		    "\"u\": \"91430100MA4L12345A\", \"u_name\": \"\", "
		    "\"w\": \"\", \"w_name\": \"\", \"i\": null, \"d\": 33.3},\n"
		    "  {\"h\": null, \"y\": [], \"u\": \"\", \"u_name\": \"\", "
		    "\"w\": \"\", \"w_name\": \"\", \"i\": 7, \"d\": -0.05}\n]\n",
		    "json typed by column kind: hours and integers numbers "
		    "(null when empty), years an array, units code and name");
		free(s);
		s = render(&t, FMT_TSV);
		is_str(s, "h\ty\tu\tw\ti\td\n30.5\t2023,2024\t"
		    "91430100MA4L12345A\t\t\t33.3\n\t\t\t\t7\t-0.05\n",
		    "tsv shows the cells as given (an unknown unit by its "
		    "code)");
		free(s);
		table_free(&t);
		table_init(&t, typed + 5, 1, NULL);
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			table_add(&t, &bad[k]);
		table_add(&t, &r6[5]);
		s = render(&t, FMT_JSON);
		is_str(s, "[\n  {\"d\": null},\n  {\"d\": null},\n"
		    "  {\"d\": null},\n  {\"d\": null},\n  {\"d\": null},\n"
		    "  {\"d\": null},\n  {\"d\": null},\n  {\"d\": null},\n"
		    "  {\"d\": null},\n  {\"d\": 33.3}\n]\n",
		    "a DECIMAL cell that is not a decimal number is null");
		free(s);
		table_free(&t);
	}
	{
		struct sbuf b = SBUF_INIT;
		char line[128], *fl[8];
		size_t n;

		csv_put(&b, " lead");
		sb_addc(&b, ',');
		csv_put(&b, "trail\t");
		sb_addc(&b, ',');
		csv_put(&b, "in side");
		sb_addc(&b, ',');
		csv_put(&b, "");
		is_str(sb_str(&b), "\" lead\",\"trail\t\",in side,",
		    "csv quotes a field with leading or trailing blanks "
		    "(libcsv trims unquoted ones), not inner ones");
		sb_reset(&b);
		tsv_put(&b, "a\tb\\c\nd\re");
		sb_addc(&b, '\t');
		tsv_put(&b, "");
		sb_addc(&b, '\t');
		tsv_put(&b, "\\t");
		is_str(sb_str(&b), "a\\tb\\\\c\\nd\\re\t\t\\\\t",
		    "tsv escapes tab, backslash, newline, CR");
		snprintf(line, sizeof(line), "%s", sb_str(&b));
		n = tsv_split(line, fl, 8);
		ok(n == 3 && strcmp(fl[0], "a\tb\\c\nd\re") == 0 &&
		    fl[1][0] == '\0' && strcmp(fl[2], "\\t") == 0,
		    "tsv_split reads back what tsv_put wrote");
		snprintf(line, sizeof(line), "a\tb\tc");
		ok(tsv_split(line, fl, 2) == 3, "more fields than max: max + 1");
		sb_release(&b);
	}

	table_init(&t, cols, 3, NULL);
	s = render(&t, FMT_JSON);
	is_str(s, "[]\n", "empty json is []");
	free(s);
	s = render(&t, FMT_CSV);
	is_str(s, "姓名,工作单位,n\r\n", "empty csv has the header");
	free(s);
	table_free(&t);
	return done_testing();
}
