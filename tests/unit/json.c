/*
 * Unit tests of lib/json: the layout of the three modes, and every value
 * type and escape checked by an independent parser, /usr/bin/python3's
 * json module (strict: no NaN, control characters must be escaped).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

/* Every byte 0x01..0x7f, then CJK and a character beyond the BMP. */
static void
all_chars(char *buf)
{
	int i;

	for (i = 1; i < 128; i++)
		buf[i - 1] = (char)i;
	strcpy(buf + 127, "张三 \xF0\x9F\x98\x80");
}

static void
document(FILE *out, int lines)
{
	struct json j;
	char s[160];

	all_chars(s);
	json_init_lines(&j, out, lines);
	json_obj_begin(&j, NULL);
	json_str(&j, "chars", s);
	json_str(&j, "empty", "");
	json_str(&j, "null_str", NULL);
	json_int(&j, "max", LLONG_MAX);
	json_int(&j, "min", LLONG_MIN);
	json_hours(&j, "h61", 61);
	json_hours(&j, "h60", 60);
	json_hours(&j, "h1", 1);
	json_hours(&j, "hneg", -3);
	json_hours(&j, "h0", 0);
	json_fixed(&j, "f333", 333, 1);
	json_fixed(&j, "f30", 30, 1);
	json_fixed(&j, "fneg", -5, 2);
	json_fixed(&j, "f7", 7, 0);
	json_bool(&j, "t", 1);
	json_bool(&j, "f", 0);
	json_null(&j, "n");
	json_obj_begin(&j, "empty_obj");
	json_obj_end(&j);
	json_arr_begin(&j, "empty_arr");
	json_arr_end(&j);
	json_arr_begin(&j, "years");
	json_int(&j, NULL, 2023);
	json_int(&j, NULL, 2024);
	json_arr_end(&j);
	json_arr_begin(&j, "rows");
	json_obj_begin(&j, NULL);
	json_str(&j, "k \"q\"", "v\\");
	json_arr_begin(&j, "deep");
	json_arr_begin(&j, NULL);
	json_obj_begin(&j, NULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static const char check_py[] =
    "import json, sys\n"
    "t = sys.stdin.read()\n"
    "d = json.loads(t, parse_constant=lambda c: 1 / 0)\n"
    "want = ''.join(chr(i) for i in range(1, 128)) + '张三 \\U0001F600'\n"
    "assert d['chars'] == want, repr(d['chars'])\n"
    "assert d['empty'] == '' and d['null_str'] is None\n"
    "assert d['max'] == 2**63 - 1 and d['min'] == -2**63\n"
    "assert d['h61'] == 30.5 and d['h60'] == 30 and d['h1'] == 0.5\n"
    "assert d['hneg'] == -1.5 and d['h0'] == 0\n"
    "assert type(d['h60']) is int and type(d['h61']) is float\n"
    "assert d['f333'] == 33.3 and d['f30'] == 3.0 and d['fneg'] == -0.05\n"
    "assert type(d['f30']) is float and d['f7'] == 7\n"
    "assert d['t'] is True and d['f'] is False and d['n'] is None\n"
    "assert d['empty_obj'] == {} and d['empty_arr'] == []\n"
    "assert d['years'] == [2023, 2024]\n"
    "assert d['rows'] == [{'k \"q\"': 'v\\\\', 'deep': [[{}]]}]\n"
    "assert t.endswith('}\\n') and t.count('\\n') == int(sys.argv[1])\n";

/* Parse the document of mode lines with python3; 1 if every check held. */
static int
python_checks(int lines, int want_newlines)
{
	char cmd[sizeof(check_py) + 64];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c \"$CHECK\" %d",
	    want_newlines);
	setenv("CHECK", check_py, 1);
	if ((p = popen(cmd, "w")) == NULL)
		return 0;
	document(p, lines);
	return pclose(p) == 0;
}

static char *
render(int lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	document(fp, lines);
	fclose(fp);
	return buf;
}

int
main(void)
{
	char *s;
	FILE *fp;
	char *buf = NULL;
	size_t len = 0;
	struct json j;

	/* one line, one object a line (tables), everything on lines */
	ok(python_checks(0, 1), "one line: python3 json reads back every "
	    "value and type");
	ok(python_checks(1, 23), "lines 1: python3 json reads it back");
	ok(python_checks(JSON_MAX_DEPTH, 35), "pretty: python3 json reads it "
	    "back");

	s = render(0);
	ok(strchr(s, '\n') == strrchr(s, '\n'), "one line: a single newline, "
	    "at the end");
	ok(strstr(s, "\"h61\": 30.5, \"h60\": 30, ") != NULL, "hours: 30.5 "
	    "and 30, members separated by ', '");
	ok(strstr(s, "\"f333\": 33.3, \"f30\": 3.0, \"fneg\": -0.05, "
	    "\"f7\": 7, ") != NULL, "fixed point: 33.3, 3.0, -0.05, 7");
	ok(strstr(s, "\\u0001") != NULL && strstr(s, "\\u001f") != NULL &&
	    strstr(s, "\\n") != NULL && strstr(s, "\\\"") != NULL,
	    "control characters and quotes escaped");
	ok(strstr(s, "张三 \xF0\x9F\x98\x80") != NULL, "UTF-8 written as "
	    "UTF-8, not escaped");
	free(s);

	fp = open_memstream(&buf, &len);
	json_init_lines(&j, fp, 1);
	json_arr_begin(&j, NULL);
	json_obj_begin(&j, NULL);
	json_int(&j, "a", 1);
	json_str(&j, "b", "x");
	json_obj_end(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "a", 2);
	json_obj_end(&j);
	json_arr_end(&j);
	json_end(&j);
	fclose(fp);
	is_str(buf, "[\n  {\"a\": 1, \"b\": \"x\"},\n  {\"a\": 2}\n]\n",
	    "lines 1: one object a line");
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	json_init(&j, fp, 1);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "e");
	json_arr_end(&j);
	json_obj_begin(&j, "o");
	json_bool(&j, "x", 1);
	json_obj_end(&j);
	json_obj_end(&j);
	json_end(&j);
	fclose(fp);
	is_str(buf, "{\n  \"e\": [],\n  \"o\": {\n    \"x\": true\n  }\n}\n",
	    "pretty: two spaces a level, empty containers on one line");
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	json_init(&j, fp, 0);
	json_arr_begin(&j, NULL);
	json_arr_end(&j);
	json_end(&j);
	fclose(fp);
	is_str(buf, "[]\n", "an empty list is []");
	free(buf);
	return done_testing();
}
