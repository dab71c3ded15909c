#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void
ceh_err_clear(struct ceh_err *e)
{
	e->code = 0;
	e->saved_errno = 0;
	e->msg[0] = '\0';
}

int
ceh_fail(struct ceh_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->saved_errno = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ceh_fail_errno(struct ceh_err *e, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	size_t n;

	e->code = CEH_ESYS;
	e->saved_errno = saved;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s",
		    strerror(saved));
	errno = saved;
	return -1;
}

void
ceh_err_prefix(struct ceh_err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	va_list ap;
	int n;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(e->msg) - 3)
		return;
	e->msg[n] = ':';
	e->msg[n + 1] = ' ';
	memcpy(e->msg + n + 2, old, sizeof(e->msg) - (size_t)n - 2);
	e->msg[sizeof(e->msg) - 1] = '\0';
}
