/* csvimport.c - providers' CSV files through libcsv (see csvimport.h). */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "codes.h"
#include "csvimport.h"
#include "err.h"
#include "escape.h"
#include "i18n.h"
#include "normalize.h"
#include "util.h"
#include "xalloc.h"

#define CHUNK (1 << 20)
#define DETECT_NONASCII (64 << 10)
#define DETECT_MAX_SCAN (16 << 20)

int
csv_encoding_parse(const char *s, enum csv_encoding *out)
{
	if (strcasecmp(s, "auto") == 0)
		*out = CSVENC_AUTO;
	else if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		*out = CSVENC_UTF8;
	else if (strcasecmp(s, "gb18030") == 0 || strcasecmp(s, "gbk") == 0 ||
	    strcasecmp(s, "gb2312") == 0 || strcasecmp(s, "cp936") == 0)
		*out = CSVENC_GB18030;
	else
		return -1;
	return 0;
}

const char *
csv_encoding_name(enum csv_encoding enc)
{
	switch (enc) {
	case CSVENC_UTF8:
		return "utf-8";
	case CSVENC_GB18030:
		return "gb18030";
	default:
		return "auto";
	}
}

/* ---- the reader ---- */

struct src {
	int fd;			/* -1: buffer */
	const char *buf;
	size_t len;
};

static ssize_t
src_read(const struct src *s, char *dst, size_t n, off_t off)
{
	ssize_t r;

	if (s->fd < 0) {
		if ((size_t)off >= s->len)
			return 0;
		if (n > s->len - (size_t)off)
			n = s->len - (size_t)off;
		memcpy(dst, s->buf + off, n);
		return (ssize_t)n;
	}
	do
		r = pread(s->fd, dst, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

struct rd {
	struct csv_parser p;
	const char *name;
	csv_row_fn fn;
	void *arg;
	struct ceh_err *e;
	int failed;
	long line;		/* physical line being fed, from 1 */
	long row_start;
	int pending;		/* no byte of the next row seen yet */
	size_t rowbytes;	/* bytes of the current row fed so far */
	int after_cr;		/* the last byte fed was a CR */
	int started;		/* first output byte seen (BOM check) */
	int bom;
	struct sbuf arena;	/* the current row's fields, NUL-separated */
	size_t *off, *len, n, cap;
	char **f;
	size_t fcap;
};

static void
cb_field(void *s, size_t len, void *data)
{
	struct rd *rd = data;

	if (rd->failed)
		return;
	if (rd->n == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 16;
		rd->off = xreallocarray(rd->off, rd->cap, sizeof(*rd->off));
		rd->len = xreallocarray(rd->len, rd->cap, sizeof(*rd->len));
	}
	rd->off[rd->n] = rd->arena.len;
	rd->len[rd->n] = len;
	if (s != NULL && len)
		sb_add(&rd->arena, s, len);
	sb_addc(&rd->arena, '\0');
	rd->n++;
}

static void
cb_row(int c, void *data)
{
	struct rd *rd = data;
	size_t i;

	(void)c;
	rd->pending = 1;
	if (rd->failed) {
		rd->n = 0;
		sb_reset(&rd->arena);
		return;
	}
	if (rd->n > rd->fcap) {
		rd->fcap = rd->n;
		rd->f = xreallocarray(rd->f, rd->fcap, sizeof(*rd->f));
	}
	for (i = 0; i < rd->n; i++)
		rd->f[i] = rd->arena.buf + rd->off[i];
	/* a row of empty fields too: rowsrc.c counts it as blank */
	if (rd->fn(rd->arg, rd->row_start, rd->f, rd->len, rd->n,
	    rd->e) < 0)
		rd->failed = 1;
	rd->n = 0;
	sb_reset(&rd->arena);
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/*
 * The length of the physical line at buf, its line end included: LF,
 * CRLF, or a CR alone (old Mac files and some exporters, which libcsv
 * also takes as a row end).  *eol says whether the line ends within
 * buf; a CR as buf's last byte ends a line whose LF may open the next
 * buffer (rd->after_cr).
 */
static size_t
line_len(const char *buf, size_t len, int *eol)
{
	const char *nl = memchr(buf, '\n', len), *cr;
	size_t n = nl ? (size_t)(nl - buf) + 1 : len;

	*eol = nl != NULL;
	cr = memchr(buf, '\r', n);
	if (cr && cr + 1 < buf + n && cr[1] != '\n') {
		*eol = 1;
		return (size_t)(cr - buf) + 1;
	}
	if (cr && cr + 1 == buf + len)
		*eol = 1;
	return n;
}

/* Feed UTF-8 text to libcsv one physical line at a time (C4, C7). */
static int
feed(struct rd *rd, const char *buf, size_t len)
{
	size_t seg;
	int eol;

	if (!rd->started && len > 0) {
		if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
			buf += 3;
			len -= 3;
			rd->bom = 1;
		}
		rd->started = 1;
	}
	while (len > 0) {
		if (rd->after_cr && buf[0] == '\n') {
			seg = 1;	/* the LF of a CRLF cut by the buffer */
			eol = 0;
		} else
			seg = line_len(buf, len, &eol);
		rd->after_cr = buf[seg - 1] == '\r';
		if (rd->pending && !blank(buf, seg)) {
			rd->row_start = rd->line;
			rd->pending = 0;
		}
		/* libcsv and the arena hold the row being read: bound it */
		if (!rd->pending && rd->rowbytes + seg > CSV_ROW_MAX) {
			rd->failed = 1;
			return ceh_fail(rd->e, CEH_EINPUT, _("%s:%ld: row too "
			    "long (more than %d bytes; a record of hours is far "
			    "shorter)"), rd->name, rd->row_start, CSV_ROW_MAX);
		}
		if (csv_parse(&rd->p, buf, seg, cb_field, cb_row, rd) != seg) {
			if (rd->failed)
				return -1;
			rd->failed = 1;
			return ceh_fail(rd->e, CEH_EINPUT, _("%s:%ld: CSV "
			    "syntax error: a quote inside an unquoted field or "
			    "text after a closing quote (quote the field "
			    "and double the quotes in it)"), rd->name,
			    rd->line);
		}
		if (rd->failed)
			return -1;
		/* one physical line at a time: a row ends at a line's end */
		rd->rowbytes = rd->pending ? 0 : rd->rowbytes + seg;
		if (eol)
			rd->line++;
		buf += seg;
		len -= seg;
	}
	return 0;
}

/* Check UTF-8; *used gets the bytes up to the last complete sequence.
 * Returns -1 at the first invalid sequence. */
static int
utf8_scan(const unsigned char *p, size_t n, size_t *used, size_t *nonascii)
{
	size_t i = 0, k, need;
	unsigned c;

	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			return -1;
		if (i + need >= n)
			break;		/* incomplete at the end */
		for (k = 1; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
		if ((c == 0xe0 && p[i + 1] < 0xa0) ||
		    (c == 0xed && p[i + 1] > 0x9f) ||
		    (c == 0xf0 && p[i + 1] < 0x90) ||
		    (c == 0xf4 && p[i + 1] > 0x8f))
			return -1;
		i += need + 1;
		*nonascii += need + 1;
	}
	*used = i;
	return 0;
}

/* Valid UTF-8 over the first DETECT_NONASCII non-ASCII bytes (or the
 * whole file) means UTF-8; anything else GB18030. */
static int
detect(const struct src *s, off_t start, char *tmp, enum csv_encoding *out,
    struct ceh_err *e, const char *name)
{
	size_t nonascii = 0, used;
	off_t off = start;
	ssize_t r;

	for (;;) {
		r = src_read(s, tmp, CHUNK, off);
		if (r < 0)
			return ceh_fail_errno(e, _("%s: read"), name);
		if (r == 0)
			break;
		if (utf8_scan((unsigned char *)tmp, (size_t)r, &used,
		    &nonascii) < 0) {
			*out = CSVENC_GB18030;
			return 0;
		}
		if (used == 0 && (size_t)r < 4)
			break;		/* an incomplete tail at EOF */
		off += (off_t)used;
		if (nonascii >= DETECT_NONASCII ||
		    off - start >= DETECT_MAX_SCAN)
			break;
	}
	*out = CSVENC_UTF8;
	return 0;
}

/* The encoding to read s in: enc as given, or for CSVENC_AUTO UTF-8
 * after a byte order mark, else the one detected.  tmp: CHUNK bytes. */
static int
choose_encoding(const struct src *s, const char *name, char *tmp,
    enum csv_encoding *enc, struct ceh_err *e)
{
	ssize_t r = src_read(s, tmp, 4, 0);

	if (r < 0)
		return ceh_fail_errno(e, _("%s: read"), name);
	if (*enc != CSVENC_AUTO)
		return 0;
	if (r >= 3 && memcmp(tmp, "\xef\xbb\xbf", 3) == 0) {
		*enc = CSVENC_UTF8;
		return 0;
	}
	return detect(s, 0, tmp, enc, e, name);
}

/* Convert the *il bytes at in from GB18030 and feed them; what is left
 * (a character cut by the read chunk) is moved to the start of in, *il
 * its length. */
static int
feed_gb18030(struct rd *rd, iconv_t cd, char *in, size_t *il, char *out,
    size_t outsz)
{
	char *ip = in, *op;
	size_t ol, cv;
	int err;

	for (;;) {
		op = out;
		ol = outsz;
		cv = iconv(cd, &ip, il, &op, &ol);
		err = errno;
		if (feed(rd, out, (size_t)(op - out)) < 0)
			return -1;
		if (cv != (size_t)-1 || *il == 0)
			break;
		if (err == E2BIG)
			continue;
		if (err == EINVAL)
			break;	/* incomplete: carry it */
		return ceh_fail(rd->e, CEH_EINPUT, _("%s:%ld: bytes not valid "
		    "in GB18030 (is the file in another encoding? see "
		    "--encoding)"), rd->name, rd->line);
	}
	memmove(in, ip, *il);
	return 0;
}

/* Read s to its end, chunk by chunk, converted through cd unless it is
 * (iconv_t)-1, and feed it to libcsv. */
static int
feed_all(struct rd *rd, const struct src *s, iconv_t cd, char *in,
    char *out, size_t outsz)
{
	size_t carry = 0;
	off_t off = 0;
	ssize_t r;

	for (;;) {
		r = src_read(s, in + carry, CHUNK - carry, off);
		if (r < 0)
			return ceh_fail_errno(rd->e, _("%s: read"), rd->name);
		if (r == 0)
			break;
		off += r;
		if (cd == (iconv_t)-1) {
			if (feed(rd, in, (size_t)r) < 0)
				return -1;
			continue;
		}
		carry += (size_t)r;
		if (feed_gb18030(rd, cd, in, &carry, out, outsz) < 0)
			return -1;
	}
	if (carry)
		return ceh_fail(rd->e, CEH_EINPUT, _("%s:%ld: the file ends in "
		    "the middle of a GB18030 character"), rd->name, rd->line);
	return 0;
}

/* The last row, and the check that no quoted field is left open. */
static int
feed_end(struct rd *rd)
{
	if (csv_fini(&rd->p, cb_field, cb_row, rd) != 0) {
		if (!rd->failed)
			ceh_fail(rd->e, CEH_EINPUT, _("%s:%ld: a quoted field "
			    "opened on line %ld is never closed"), rd->name,
			    rd->line, rd->row_start);
		return -1;
	}
	return rd->failed ? -1 : 0;
}

static int
read_src(const struct src *s, const char *name, enum csv_encoding enc,
    enum csv_encoding *used, int *bom, csv_row_fn fn, void *arg,
    struct ceh_err *e)
{
	struct rd rd;
	char *in = NULL, *out = NULL;
	size_t outsz = 2 * CHUNK + 64;
	iconv_t cd = (iconv_t)-1;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	sb_init(&rd.arena);
	rd.name = name;
	rd.fn = fn;
	rd.arg = arg;
	rd.e = e;
	rd.line = 1;
	rd.pending = 1;
	if (csv_init(&rd.p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
	    != 0)
		return ceh_fail(e, CEH_ESYS, _("%s: cannot set up the CSV "
		    "parser"), name);
	/* libcsv grows its field buffer by this much (128 bytes by
	 * default: a realloc every 128 bytes of a long field) */
	csv_set_blk_size(&rd.p, 64 << 10);
	in = xmalloc(CHUNK);
	if (choose_encoding(s, name, in, &enc, e) < 0)
		goto out;
	if (used)
		*used = enc;
	if (enc == CSVENC_GB18030) {
		cd = iconv_open("UTF-8", "GB18030");
		if (cd == (iconv_t)-1) {
			ceh_fail_errno(e, _("%s: iconv from GB18030"), name);
			goto out;
		}
		out = xmalloc(outsz);
	}
	if (feed_all(&rd, s, cd, in, out, outsz) < 0 || feed_end(&rd) < 0)
		goto out;
	if (bom)
		*bom = rd.bom;
	rc = 0;
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	csv_free(&rd.p);
	free(in);
	free(out);
	free(rd.off);
	free(rd.len);
	free(rd.f);
	sb_release(&rd.arena);
	return rc;
}

int
csv_read_file(const char *path, enum csv_encoding enc,
    enum csv_encoding *used, int *bom, csv_row_fn fn, void *arg,
    struct ceh_err *e)
{
	struct src s;
	struct stat st;
	int rc;

	memset(&s, 0, sizeof(s));
	s.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, _("%s: no such file"),
			    path);
		return ceh_fail_errno(e, "%s", path);
	}
	if (fstat(s.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(s.fd);
		return ceh_fail(e, CEH_EINPUT, _("%s: not a regular file"),
		    path);
	}
	posix_fadvise(s.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = read_src(&s, path, enc, used, bom, fn, arg, e);
	close(s.fd);
	return rc;
}

int
csv_read_buf(const char *buf, size_t len, const char *name,
    enum csv_encoding enc, enum csv_encoding *used, int *bom, csv_row_fn fn,
    void *arg, struct ceh_err *e)
{
	struct src s;

	s.fd = -1;
	s.buf = buf;
	s.len = len;
	return read_src(&s, name, enc, used, bom, fn, arg, e);
}

/* ---- columns and records ---- */

static const char *const col_names[RC__COUNT][8] = {
	{ "证件号码", "身份证号码", "身份证号", "id_number", "idnumber", "id",
	  "id_no", NULL },
	{ "姓名", "name", NULL },
	{ "年度", "year", NULL },
	{ "科目类型", "subject_type", "type", NULL },
	{ "科目名称", "subject", "course", "subject_name", NULL },
	{ "学时", "hours", NULL },
	{ "继续教育形式", "form", "ce_form", NULL },
	{ "培训机构", "provider", NULL },
	{ "记录编号", "record_id", "record", "recordid", "record_no", NULL },
};

const char *
rec_col_label(enum rec_col c)
{
	return col_names[c][0];
}

const char *
rec_col_alts(enum rec_col c)
{
	static char alts[RC__COUNT][160];
	size_t k, len;

	if (alts[c][0] == '\0')
		for (k = len = 0; col_names[c][k]; k++)
			len += (size_t)snprintf(alts[c] + len,
			    sizeof(alts[c]) - len, "%s%s", k ? "|" : "",
			    col_names[c][k]);
	return alts[c];
}

int
colmap_from_header(struct colmap *m, char *const *f, size_t n,
    struct ceh_err *e)
{
	size_t i, k, l;
	int c;
	char name[128];
	const char *p;
	struct sbuf miss = SBUF_INIT;
	int nmiss = 0;

	for (c = 0; c < RC__COUNT; c++)
		m->idx[c] = -1;
	m->nfields = n;
	m->nfc = 0;
	m->cur_year = current_year();
	m->id_known = NULL;
	m->id_arg = NULL;
	for (i = 0; i < n; i++) {
		for (p = f[i]; *p == ' ' || *p == '\t'; p++)
			;
		l = strlen(p);
		while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
			l--;
		if (l >= sizeof(name))
			continue;
		memcpy(name, p, l);
		name[l] = '\0';
		for (c = 0; c < RC__COUNT; c++)
			for (k = 0; col_names[c][k]; k++)
				if (strcasecmp(name, col_names[c][k]) == 0)
					goto found;
		continue;
found:
		if (m->idx[c] >= 0)
			return ceh_fail(e, CEH_EINPUT, _("header: column %s "
			    "appears twice (fields %d and %zu)"),
			    col_names[c][0], m->idx[c] + 1, i + 1);
		m->idx[c] = (int)i;
	}
	for (c = 0; c < RC__COUNT; c++)
		if (m->idx[c] < 0) {
			if (miss.len)
				sb_adds(&miss, ", ");
			sb_adds(&miss, col_names[c][0]);
			nmiss++;
		}
	if (miss.len) {
		ceh_fail(e, CEH_EINPUT, Q_("header: missing column %s (the "
		    "header must name 证件号码, 姓名, 年度, 科目类型, 科目名称, "
		    "学时, 继续教育形式, 培训机构, 记录编号)", "header: missing "
		    "columns %s (the header must name 证件号码, 姓名, 年度, "
		    "科目类型, 科目名称, 学时, 继续教育形式, 培训机构, 记录编号)",
		    nmiss), miss.buf);
		sb_release(&miss);
		return -1;
	}
	return 0;
}

/*
 * The fast paths of record_from_row: each says 1 only where the full
 * check (lib/validate.c) passes, and the full check runs otherwise (for
 * its message, or its verdict where the fast path cannot tell).
 */

/* text_check(field, in, maxchars, 1, 0) passes: valid UTF-8 of ASCII,
 * two- and three-byte sequences that can be neither overlong nor
 * surrogates, no C0/C1 control or DEL, not only spaces, at most
 * maxchars characters. */
static int
text_ok(const char *in, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0;
	int nonspace = 0;
	unsigned c;

	for (; (c = *s) != 0; n++) {
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			nonspace |= c != ' ';
			s++;
		} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee ||
		    c == 0xef) {
			if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
				return 0;
			nonspace = 1;
			s += 3;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if ((s[1] & 0xc0) != 0x80 || (c == 0xc2 && s[1] < 0xa0))
				return 0;
			nonspace = 1;
			s += 2;
		} else
			return 0;
	}
	return nonspace && n <= maxchars;
}

/* year_parse passes: four digits, 1990 to the current year (read once
 * per file: it only grows, so the cached one never admits more). */
static int
year_ok(const struct colmap *m, const char *in, int *out)
{
	int y;

	if (in[0] < '0' || in[0] > '9' || in[1] < '0' || in[1] > '9' ||
	    in[2] < '0' || in[2] > '9' || in[3] < '0' || in[3] > '9' ||
	    in[4] != '\0')
		return 0;
	y = (in[0] - '0') * 1000 + (in[1] - '0') * 100 + (in[2] - '0') * 10 +
	    (in[3] - '0');
	if (y < 1990 || y > m->cur_year)
		return 0;
	*out = y;
	return 1;
}

/* The canonical name of form v (code list, aliases included), through
 * the column map's cache of the forms seen; NULL with e filled. */
static const char *
form_name(struct colmap *m, const struct codes *c, const char *v,
    struct ceh_err *e)
{
	const struct code_item *it;
	int k;

	for (k = 0; k < m->nfc; k++)
		if (strcmp(m->fc[k].raw, v) == 0)
			return m->fc[k].name;
	if ((!text_ok(v, 60) && text_check("继续教育形式", v, 60, 1, 0,
	    e) < 0) ||
	    codes_resolve(c, CL_CE_FORM, "继续教育形式", v, &it, e) < 0)
		return NULL;
	if (m->nfc < (int)(sizeof(m->fc) / sizeof(m->fc[0])) &&
	    strlen(v) < sizeof(m->fc[0].raw)) {
		strcpy(m->fc[m->nfc].raw, v);
		m->fc[m->nfc++].name = it->name;
	}
	return it->name;
}

int
record_from_row(struct colmap *m, char *const *f, size_t n,
    const struct codes *c, long max_half, struct hour_record *r,
    struct ceh_err *e)
{
	const char *v;
	char shown[200];
	int year;

	if (n != m->nfields)
		return ceh_fail(e, CEH_EINPUT, _("wrong number of fields: %zu, "
		    "the header has %zu"), n, m->nfields);
	v = f[m->idx[RC_ID]];
	if (m->id_known && strlen(v) == IDNUM_LEN && v[17] != 'x' &&
	    m->id_known(m->id_arg, v))
		memcpy(r->id, v, IDNUM_LEN + 1);	/* checked before */
	else if (idnum_check("证件号码", v, r->id, e) < 0)
		return -1;
	r->name = f[m->idx[RC_NAME]];
	if (!text_ok(r->name, 50) && text_check("姓名", r->name, 50, 1, 0,
	    e) < 0)
		return -1;
	if (!year_ok(m, f[m->idx[RC_YEAR]], &year) &&
	    year_parse("年度", f[m->idx[RC_YEAR]], &year, e) < 0)
		return -1;
	r->year = year;
	v = f[m->idx[RC_TYPE]];
	if (strcmp(v, "公需科目") == 0)
		r->pro = 0;
	else if (strcmp(v, "专业科目") == 0)
		r->pro = 1;
	else
		return ceh_fail(e, CEH_EINPUT, _("科目类型 '%s' is neither "
		    "公需科目 nor 专业科目"), utf8_clip(shown, sizeof(shown),
		    safe_echo(v), 40));
	r->subject = f[m->idx[RC_SUBJECT]];
	if (!text_ok(r->subject, 100) && text_check("科目名称", r->subject,
	    100, 1, 0, e) < 0)
		return -1;
	if (hours_parse("学时", f[m->idx[RC_HOURS]], max_half, &r->half, e) < 0)
		return -1;
	if (r->half == 0)
		return ceh_fail(e, CEH_EINPUT, _("学时 %s is not above zero"),
		    f[m->idx[RC_HOURS]]);
	if ((r->form = form_name(m, c, f[m->idx[RC_FORM]], e)) == NULL)
		return -1;
	r->provider = f[m->idx[RC_PROVIDER]];
	if (!text_ok(r->provider, 100) && text_check("培训机构", r->provider,
	    100, 1, 0, e) < 0)
		return -1;
	r->recid = f[m->idx[RC_RECID]];
	if (!text_ok(r->recid, 64) && text_check("记录编号", r->recid, 64, 1,
	    0, e) < 0)
		return -1;
	return 0;
}

void
csv_put_row(FILE *out, char *const *f, size_t n, const char *extra)
{
	struct sbuf b = SBUF_INIT;
	size_t i;

	for (i = 0; i < n + (extra != NULL); i++) {
		if (i)
			sb_addc(&b, ',');
		csv_put(&b, i < n ? f[i] : extra);
	}
	sb_adds(&b, "\r\n");
	fwrite(b.buf, 1, b.len, out);
	sb_release(&b);
}
