/*
 * json.h - the one JSON writer of ceh: every command's --format json goes
 * through it (lists through lib/table.c, typed by column), so types and
 * escaping are the same everywhere (hours and sizes are numbers, years
 * are numbers, lists are arrays, strings are UTF-8 with only the escapes
 * RFC 8259 requires; see ceh(1) OUTPUT FORMATS).  lib/slip.c's slip_json
 * still writes its own (its move here is part of the slip-field table).
 *
 * A writer streams to a FILE and inserts commas itself: open an object or
 * array, add members (a key inside an object, key NULL inside an array or
 * at the top), close it.  With pretty set, every member goes on a line of
 * its own, indented by two spaces a level; otherwise the output is one
 * line.  json_init_lines puts only the members of the first `levels'
 * levels on lines of their own (1: a list of objects, one object a line,
 * as the table formats write it).  json_end writes the final newline.
 * Nesting deeper than JSON_MAX_DEPTH is a programming error (abort).
 *
 *   struct json j;
 *   json_init(&j, stdout, 1);
 *   json_obj_begin(&j, NULL);
 *   json_str(&j, "id", app->id);
 *   json_hours(&j, "total_hours", 61);      -> 30.5
 *   json_obj_end(&j);
 *   json_end(&j);
 */
#ifndef CEH_JSON_H
#define CEH_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int lines;	/* levels whose members go on lines of their own */
	int depth;
	unsigned char members[JSON_MAX_DEPTH + 1];	/* any member yet? */
};

void json_init(struct json *j, FILE *out, int pretty);
void json_init_lines(struct json *j, FILE *out, int levels);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
/* A string member; NULL is written as null. */
void json_str(struct json *j, const char *key, const char *v);
void json_int(struct json *j, const char *key, long long v);
/* Half hours as a number of hours: 61 -> 30.5, 60 -> 30. */
void json_hours(struct json *j, const char *key, long half);
/* v / 10^places as a decimal number (places 0..9): (333, 1) -> 33.3,
 * (30, 1) -> 3.0, (-5, 2) -> -0.05. */
void json_fixed(struct json *j, const char *key, long long v, int places);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* The newline after the top-level value. */
void json_end(struct json *j);

/* Write s as a JSON string literal, quotes included. */
void json_quote(FILE *out, const char *s);

#endif
