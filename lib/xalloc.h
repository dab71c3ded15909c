/*
 * xalloc.h - allocation that cannot fail, and a growable string buffer.
 *
 * The x* functions print "ceh: out of memory" and exit 5 when the system
 * has no memory left; that is the only place the library exits.
 * Ownership: every char * returned here is the caller's to free().
 *
 * struct sbuf is a NUL-terminated growable buffer (git's strbuf idea):
 * SBUF_INIT or sb_init, then sb_add*, then sb_release (frees) or
 * sb_detach (hands the buffer to the caller).
 */
#ifndef CEH_XALLOC_H
#define CEH_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define SBUF_INIT { NULL, 0, 0 }

void sb_init(struct sbuf *sb);
void sb_grow(struct sbuf *sb, size_t extra);
void sb_add(struct sbuf *sb, const void *data, size_t len);
void sb_adds(struct sbuf *sb, const char *s);
void sb_addc(struct sbuf *sb, char c);
void sb_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sb_addf with a va_list (ap is used up) */
void sb_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sb_reset(struct sbuf *sb);		/* empty, keep memory */
void sb_release(struct sbuf *sb);	/* free, back to empty */
char *sb_detach(struct sbuf *sb);	/* caller frees; never NULL */
const char *sb_str(const struct sbuf *sb); /* "" when empty */

#endif
