#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

#define MAXSPEC 8

struct spec {
	char name[48];
	long at;	/* fire at this count */
	long seen;	/* passes so far */
};

struct table {
	int loaded;
	int n;
	struct spec s[MAXSPEC];
};

static struct table faults, crashes, stops;

static void
load(struct table *t, const char *var)
{
	const char *v, *p;

	t->loaded = 1;
	v = getenv(var);
	if (v == NULL || *v == '\0')
		return;
	for (p = v; *p && t->n < MAXSPEC; ) {
		size_t len = strcspn(p, ",");
		struct spec *sp = &t->s[t->n];
		const char *colon = memchr(p, ':', len);
		size_t nlen = colon ? (size_t)(colon - p) : len;

		if (nlen > 0 && nlen < sizeof(sp->name)) {
			memcpy(sp->name, p, nlen);
			sp->name[nlen] = '\0';
			sp->at = colon ? strtol(colon + 1, NULL, 10) : 1;
			if (sp->at < 1)
				sp->at = 1;
			sp->seen = 0;
			t->n++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

static int
pass(struct table *t, const char *var, const char *name)
{
	int i;

	if (!t->loaded)
		load(t, var);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->s[i].name, name) == 0 &&
		    ++t->s[i].seen == t->s[i].at)
			return 1;
	return 0;
}

int
fault_hit(const char *op)
{
	return pass(&faults, "CEH_FAULT", op);
}

void
crash_point(const char *point)
{
	if (pass(&crashes, "CEH_CRASH", point)) {
		kill(getpid(), SIGKILL);
		_exit(137);
	}
}

void
stop_point(const char *point)
{
	if (pass(&stops, "CEH_STOP", point))
		raise(SIGSTOP);
}
