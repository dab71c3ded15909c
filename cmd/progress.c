/*
 * progress.c - the one progress line of long work (ceh(1): --quiet).
 *
 * Shown on standard error only when it is a terminal and --quiet is not
 * given, redrawn in place ("\r", erase to the end of the line) at most
 * five times a second:
 *
 *   ceh CMD: WHAT: DONE/TOTAL UNIT (P%), R/s, T left     the total known
 *   ceh CMD: WHAT: DONE UNIT, R/s                         the total unknown
 *
 * progress_clear takes the line away before another message is printed
 * (the caller's say()); progress_end takes it away for good.  Nothing of
 * it reaches a file or a pipe, so scripts and logs never see it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "progress.h"

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_begin(struct progress *p, const char *cmd, const char *what,
    const char *unit, long total)
{
	p->cmd = cmd;
	p->what = what;
	p->unit = unit;
	p->total = total;
	p->done = 0;
	p->start = seconds();
	p->drawn = 0;
	p->shown = 0;
	p->on = !ceh_quiet && isatty(STDERR_FILENO);
	/* CEH_PROGRESS_DELAY (test-only, ceh(1)): seconds before the first */
	p->delay = getenv("CEH_PROGRESS_DELAY") ?
	    atof(getenv("CEH_PROGRESS_DELAY")) : 0.5;
}

static void
draw(struct progress *p, double now)
{
	double rate, left;
	double took = now - p->start;

	rate = took > 0 ? (double)p->done / took : 0;
	fputs("\r\033[K", stderr);
	if (p->total > 0) {
		left = rate > 0 ? (double)(p->total - p->done) / rate : 0;
		fprintf(stderr, left >= 60 ? _("ceh %s: %s: %ld/%ld %s (%d%%), "
		    "%.0f/s, %.0f min left") : _("ceh %s: %s: %ld/%ld %s "
		    "(%d%%), %.0f/s, %.0f s left"), p->cmd, p->what, p->done,
		    p->total, p->unit, (int)(100.0 * (double)p->done /
		    (double)p->total), rate, left >= 60 ? left / 60 : left);
	} else
		fprintf(stderr, _("ceh %s: %s: %ld %s, %.0f/s"), p->cmd,
		    p->what, p->done, p->unit, rate);
	fflush(stderr);
	p->drawn = now;
	p->shown = 1;
}

void
progress_step(struct progress *p, long done)
{
	double now;

	p->done = done;
	if (!p->on)
		return;
	now = seconds();
	/* the first after half a second: short work shows nothing */
	if (now - p->start < p->delay || now - p->drawn < 0.2)
		return;
	draw(p, now);
}

void
progress_clear(struct progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->shown = 0;
		p->drawn = 0;
	}
}

void
progress_end(struct progress *p)
{
	progress_clear(p);
	p->on = 0;
}
