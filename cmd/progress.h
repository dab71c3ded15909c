/*
 * progress.h - the progress line of long work (cmd/progress.c says what
 * it shows and when).  A struct progress is the caller's; begin, then
 * step with the count done so far, clear before printing any other line
 * on stderr, end when done.  total <= 0: not known.
 */
#ifndef CEH_PROGRESS_H
#define CEH_PROGRESS_H

struct progress {
	const char *cmd, *what, *unit;	/* borrowed: "import", a file, "rows" */
	long total, done;
	double start, drawn, delay;	/* CLOCK_MONOTONIC seconds */
	int on, shown;
};

void progress_begin(struct progress *p, const char *cmd, const char *what,
    const char *unit, long total);
void progress_step(struct progress *p, long done);
void progress_clear(struct progress *p);
void progress_end(struct progress *p);

#endif
