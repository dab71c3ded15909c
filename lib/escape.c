/* escape.c - CSV quoting and TSV escaping (see escape.h). */
#include <string.h>

#include "escape.h"

static int
csv_needs_quotes(const char *s)
{
	size_t n = strlen(s);

	return strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' ||
	    s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));
}

void
csv_put(struct sbuf *b, const char *s)
{
	if (!csv_needs_quotes(s)) {
		sb_adds(b, s);
		return;
	}
	sb_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(b, '"');
		sb_addc(b, *s);
	}
	sb_addc(b, '"');
}

/* 1 if a spreadsheet opening a CSV file would not keep s as text: a
 * number or a date (digits and + - . e E / : only, a digit among them)
 * or a formula (= + - @ first). */
static int
spreadsheet_changes(const char *s)
{
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		return 1;
	return *s && strspn(s, "0123456789+-.eE/: ") == strlen(s) &&
	    strpbrk(s, "0123456789") != NULL;
}

void
csv_put_excel(struct sbuf *b, const char *s)
{
	struct sbuf f = SBUF_INIT;

	if (!spreadsheet_changes(s)) {
		csv_put(b, s);
		return;
	}
	sb_adds(&f, "=\"");
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(&f, '"');
		sb_addc(&f, *s);
	}
	sb_addc(&f, '"');
	csv_put(b, sb_str(&f));
	sb_release(&f);
}

void
tsv_put(struct sbuf *b, const char *s)
{
	if (strpbrk(s, "\t\n\r\\") == NULL) {
		sb_adds(b, s);
		return;
	}
	for (; *s; s++)
		switch (*s) {
		case '\t': sb_add(b, "\\t", 2); break;
		case '\n': sb_add(b, "\\n", 2); break;
		case '\r': sb_add(b, "\\r", 2); break;
		case '\\': sb_add(b, "\\\\", 2); break;
		default: sb_addc(b, *s);
		}
}

size_t
tsv_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *w;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = p;
		for (w = p; *p && *p != '\t'; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' :
				    *p == 'r' ? '\r' : *p;
			} else
				*w++ = *p;
		}
		if (*p == '\0') {
			*w = '\0';
			return n;
		}
		p++;
		*w = '\0';
	}
}

void
html_put(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: putc(*s, out);
		}
	}
}
