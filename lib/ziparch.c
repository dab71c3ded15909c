/* ziparch.c - bounded read-only zip access over libzip (see ziparch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "err.h"
#include "i18n.h"
#include "xalloc.h"
#include "ziparch.h"

#define CHUNK 65536

struct ziparch {
	zip_t *za;
	char *path;			/* for messages */
	unsigned long long budget;	/* bytes all reads may still unpack */
};

static int
open_fail(const char *path, int code, struct ceh_err *e)
{
	zip_error_t ze;
	int rc;

	zip_error_init_with_code(&ze, code);
	switch (code) {
	case ZIP_ER_NOENT:
		rc = ceh_fail(e, CEH_ENOTFOUND, _("no such file '%s'"), path);
		break;
	case ZIP_ER_NOZIP:
		rc = ceh_fail(e, CEH_EINPUT, _("'%s' is not a zip archive"),
		    path);
		break;
	case ZIP_ER_INCONS:
	case ZIP_ER_CRC:
	case ZIP_ER_COMPNOTSUPP:
	case ZIP_ER_ENCRNOTSUPP:
	case ZIP_ER_MULTIDISK:
		rc = ceh_fail(e, CEH_EINPUT, _("'%s' is a damaged or "
		    "unsupported zip archive: %s"), path,
		    zip_error_strerror(&ze));
		break;
	case ZIP_ER_OPEN:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK:
		errno = zip_error_code_system(&ze);
		rc = ceh_fail_errno(e, _("cannot read '%s'"), path);
		break;
	default:
		rc = ceh_fail(e, CEH_EINPUT, _("cannot open '%s' as a zip "
		    "archive: %s"), path, zip_error_strerror(&ze));
	}
	zip_error_fini(&ze);
	return rc;
}

int
ziparch_open(const char *path, unsigned long long total,
    struct ziparch **out, struct ceh_err *e)
{
	struct ziparch *z;
	zip_t *za;
	int code = 0;

	*out = NULL;
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
	if (za == NULL)
		return open_fail(path, code, e);
	z = xcalloc(1, sizeof(*z));
	z->za = za;
	z->path = xstrdup(path);
	z->budget = total;
	*out = z;
	return 0;
}

void
ziparch_close(struct ziparch *z)
{
	if (z == NULL)
		return;
	zip_discard(z->za);	/* read-only: nothing to write back */
	free(z->path);
	free(z);
}

size_t
ziparch_count(const struct ziparch *z)
{
	zip_int64_t n = zip_get_num_entries(z->za, 0);

	return n < 0 ? 0 : (size_t)n;
}

const char *
ziparch_name(const struct ziparch *z, size_t i)
{
	return zip_get_name(z->za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
}

long long
ziparch_find(const struct ziparch *z, const char *name)
{
	return (long long)zip_name_locate(z->za, name, ZIP_FL_NOCASE);
}

int
ziparch_size(const struct ziparch *z, long long idx,
    unsigned long long *size, struct ceh_err *e)
{
	zip_stat_t st;

	zip_stat_init(&st);
	if (idx < 0 || zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) < 0 ||
	    !(st.valid & ZIP_STAT_SIZE))
		return ceh_fail(e, CEH_EINPUT, _("'%s': entry %lld gives no "
		    "size: %s"), z->path, idx, zip_strerror(z->za));
	*size = st.size;
	return 0;
}

/* Refuse an entry before unpacking it: declared size over the limits. */
static int
check_declared(struct ziparch *z, long long idx, unsigned long long limit,
    unsigned long long *size, struct ceh_err *e)
{
	const char *nm;

	if (ziparch_size(z, idx, size, e) < 0)
		return -1;
	nm = ziparch_name(z, (size_t)idx);
	if (*size > limit)
		return ceh_fail(e, CEH_EINPUT, _("'%s': entry '%.100s' unpacks "
		    "to %llu bytes, over the limit of %llu: refused (a zip "
		    "bomb, or too large to read)"), z->path, nm ? nm : "?",
		    *size, limit);
	if (*size > z->budget)
		return ceh_fail(e, CEH_EINPUT, _("'%s' unpacks to more than the "
		    "limit of bytes for the whole archive: refused (a zip "
		    "bomb, or too large to read)"), z->path);
	return 0;
}

/* fmt: the translated sentence, "'%s': entry '%.100s' ..." */
static int
read_fail(struct ziparch *z, const char *nm, const char *fmt,
    struct ceh_err *e)
{
	return ceh_fail(e, CEH_EINPUT, fmt, z->path, nm ? nm : "?");
}

struct ziparch_file {
	struct ziparch *z;
	zip_file_t *zf;
	const char *name;		/* borrowed from the archive */
	unsigned long long size, total;
	int done;
};

int
ziparch_fopen(struct ziparch *z, long long idx, unsigned long long limit,
    struct ziparch_file **out, struct ceh_err *e)
{
	unsigned long long size;
	struct ziparch_file *f;
	zip_file_t *zf;

	*out = NULL;
	if (check_declared(z, idx, limit, &size, e) < 0)
		return -1;
	zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
	if (zf == NULL)
		return read_fail(z, ziparch_name(z, (size_t)idx),
		    _("'%s': entry '%.100s' cannot be opened (damaged or "
		    "encrypted)"), e);
	f = xcalloc(1, sizeof(*f));
	f->z = z;
	f->zf = zf;
	f->name = ziparch_name(z, (size_t)idx);
	f->size = size;
	*out = f;
	return 0;
}

long
ziparch_fread(struct ziparch_file *f, char *buf, size_t n,
    struct ceh_err *e)
{
	zip_int64_t got;

	if (f->done)
		return 0;
	/* never more than one byte past the declared size */
	if (n > f->size - f->total + 1)
		n = (size_t)(f->size - f->total + 1);
	got = zip_fread(f->zf, buf, n);
	if (got < 0)
		return ceh_fail(e, CEH_EINPUT, _("'%s': entry '%.100s' is "
		    "damaged: %s"), f->z->path, f->name ? f->name : "?",
		    zip_file_strerror(f->zf));
	f->total += (unsigned long long)got;
	f->z->budget -= (unsigned long long)got < f->z->budget ?
	    (unsigned long long)got : f->z->budget;
	if (f->total > f->size)
		return read_fail(f->z, f->name, _("'%s': entry '%.100s' "
		    "unpacks to more than the size it declares: refused (a "
		    "zip bomb or a damaged archive)"), e);
	if (got == 0) {
		f->done = 1;
		if (f->total != f->size)
			return read_fail(f->z, f->name, _("'%s': entry "
			    "'%.100s' is shorter than it declares (a truncated "
			    "or damaged archive)"), e);
	}
	return (long)got;
}

void
ziparch_fclose(struct ziparch_file *f)
{
	if (f == NULL)
		return;
	zip_fclose(f->zf);
	free(f);
}

int
ziparch_stream(struct ziparch *z, long long idx, unsigned long long limit,
    ziparch_chunk_fn fn, void *arg, struct ceh_err *e)
{
	static char buf[CHUNK];
	struct ziparch_file *f;
	long got;
	int rc = 0;

	if (ziparch_fopen(z, idx, limit, &f, e) < 0)
		return -1;
	while ((got = ziparch_fread(f, buf, sizeof(buf), e)) > 0)
		if (fn(arg, buf, (size_t)got, e) < 0) {
			rc = -1;
			break;
		}
	if (got < 0)
		rc = -1;
	ziparch_fclose(f);
	return rc;
}

static int
add_chunk(void *arg, const char *buf, size_t len, struct ceh_err *e)
{
	(void)e;
	sb_add(arg, buf, len);
	return 0;
}

int
ziparch_read(struct ziparch *z, long long idx, unsigned long long limit,
    char **out, size_t *len, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;

	*out = NULL;
	if (ziparch_stream(z, idx, limit, add_chunk, &sb, e) < 0) {
		sb_release(&sb);
		return -1;
	}
	if (len)
		*len = sb.len;
	*out = sb_detach(&sb);
	return 0;
}
