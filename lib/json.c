#include <stdio.h>
#include <stdlib.h>

#include "json.h"

void
json_init_lines(struct json *j, FILE *out, int levels)
{
	j->out = out;
	j->lines = levels;
	j->depth = 0;
	j->members[0] = 0;
}

void
json_init(struct json *j, FILE *out, int pretty)
{
	json_init_lines(j, out, pretty ? JSON_MAX_DEPTH : 0);
}

void
json_quote(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
		}
	}
	putc('"', out);
}

/* Separator, line break and indent before a member, then its key. */
static void
member(struct json *j, const char *key)
{
	if (j->members[j->depth])
		putc(',', j->out);
	if (j->depth > 0) {
		if (j->depth <= j->lines)
			fprintf(j->out, "\n%*s", 2 * j->depth, "");
		else if (j->members[j->depth])
			putc(' ', j->out);
	}
	j->members[j->depth] = 1;
	if (key) {
		json_quote(j->out, key);
		fputs(": ", j->out);
	}
}

static void
open_level(struct json *j, const char *key, int c)
{
	member(j, key);
	putc(c, j->out);
	if (j->depth >= JSON_MAX_DEPTH)
		abort();
	j->members[++j->depth] = 0;
}

static void
close_level(struct json *j, int c)
{
	int had = j->members[j->depth];

	if (j->depth == 0)
		abort();
	j->depth--;
	if (had && j->depth < j->lines)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	putc(c, j->out);
}

void
json_obj_begin(struct json *j, const char *key)
{
	open_level(j, key, '{');
}

void
json_obj_end(struct json *j)
{
	close_level(j, '}');
}

void
json_arr_begin(struct json *j, const char *key)
{
	open_level(j, key, '[');
}

void
json_arr_end(struct json *j)
{
	close_level(j, ']');
}

void
json_str(struct json *j, const char *key, const char *v)
{
	member(j, key);
	if (v)
		json_quote(j->out, v);
	else
		fputs("null", j->out);
}

void
json_int(struct json *j, const char *key, long long v)
{
	member(j, key);
	fprintf(j->out, "%lld", v);
}

void
json_hours(struct json *j, const char *key, long half)
{
	member(j, key);
	if (half < 0) {
		putc('-', j->out);
		half = -half;
	}
	fprintf(j->out, "%ld%s", half / 2, half % 2 ? ".5" : "");
}

void
json_fixed(struct json *j, const char *key, long long v, int places)
{
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v, scale = 1;
	int i;

	if (places < 0 || places > 9)
		abort();
	for (i = 0; i < places; i++)
		scale *= 10;
	member(j, key);
	fprintf(j->out, "%s%llu", v < 0 ? "-" : "", u / scale);
	if (places > 0)
		fprintf(j->out, ".%0*llu", places, u % scale);
}

void
json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->out);
}

void
json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void
json_end(struct json *j)
{
	putc('\n', j->out);
}
