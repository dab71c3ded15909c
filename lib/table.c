#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "table.h"
#include "util.h"
#include "xalloc.h"

void
table_init(struct table *t, size_t ncols, const char **keys,
    const char **labels)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->keys = keys;
	t->labels = labels;
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

int
format_parse(const char *s, unsigned allowed, enum out_format *f)
{
	static const char *const names[] = { "table", "tsv", "csv", "json",
	    "text", "yaml" };
	int i;

	for (i = 0; i < 6; i++)
		if (strcmp(s, names[i]) == 0 && (allowed & (1u << i))) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

void
print_padded(FILE *out, const char *s, size_t width)
{
	size_t w = utf8_width(s);

	fputs(s, out);
	for (; w < width; w++)
		putc(' ', out);
}

static void
tsv_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\r')
			fputs("\\r", out);
		else if (*s == '\\')
			fputs("\\\\", out);
		else
			putc(*s, out);
	}
}

static void
csv_cell(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void
table_print(const struct table *t, enum out_format f, FILE *out)
{
	size_t r, c, *width;

	switch (f) {
	case FMT_JSON:
		fputs("[", out);
		for (r = 0; r < t->nrows; r++) {
			fputs(r ? ",\n {" : "\n {", out);
			for (c = 0; c < t->ncols; c++) {
				if (c)
					fputs(", ", out);
				json_quote(out, t->keys[c]);
				fputs(": ", out);
				json_quote(out, t->cells[r * t->ncols + c]);
			}
			fputs("}", out);
		}
		fputs(t->nrows ? "\n]\n" : "]\n", out);
		return;
	case FMT_TSV:
	case FMT_CSV:
		for (r = 0; r <= t->nrows; r++) {
			for (c = 0; c < t->ncols; c++) {
				const char *s = r == 0 ? t->labels[c] :
				    t->cells[(r - 1) * t->ncols + c];

				if (c)
					putc(f == FMT_TSV ? '\t' : ',', out);
				if (f == FMT_TSV)
					tsv_cell(out, s);
				else
					csv_cell(out, s);
			}
			fputs(f == FMT_TSV ? "\n" : "\r\n", out);
		}
		return;
	default:
		break;
	}
	width = xcalloc(t->ncols, sizeof(*width));
	for (c = 0; c < t->ncols; c++)
		width[c] = utf8_width(t->labels[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = utf8_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (r = 0; r <= t->nrows; r++) {
		size_t pending = 0;	/* blanks not yet written */

		for (c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->labels[c] :
			    t->cells[(r - 1) * t->ncols + c];
			size_t w = utf8_width(s);

			if (c)
				pending += 2;
			if (*s == '\0') {
				pending += c == t->ncols - 1 ? 0 : width[c];
				continue;
			}
			/* no trailing blanks: pad only before a value */
			for (; pending > 0; pending--)
				putc(' ', out);
			if (c == t->ncols - 1)
				tsv_cell(out, s);
			else {
				fputs(s, out);
				pending = width[c] - w;
			}
		}
		putc('\n', out);
	}
	free(width);
}
