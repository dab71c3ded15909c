/*
 * config.h - a store's settings, STORE/store.yaml (see ceh-store(5)).
 *
 * format is the store format version: a store written by a newer ceh
 * (format > CEH_STORE_FORMAT) is refused, never guessed at.  Unknown keys
 * are errors, so a typo in a setting cannot pass silently.
 */
#ifndef CEH_CONFIG_H
#define CEH_CONFIG_H

#include "xalloc.h"

struct ceh_err;

#define CEH_STORE_FORMAT 1

enum rule_scheme {
	RULE_HUNAN,	/* total, public and professional minima (90/30/60) */
	RULE_NATIONAL	/* total minimum and a professional share (2/3) */
};

struct config {
	long format;
	enum rule_scheme scheme;
	long total_min;		/* hours per year */
	long public_min;
	long pro_min;
	long share_num, share_den;	/* national: professional >= num/den */
	int carry_over;
	long max_hours_year;	/* sanity bound on one year's hours */
	int attach_required;
	long attach_max_file;	/* bytes */
	long attach_max_total;	/* bytes per application */
	char *slip_title;
	char *slip_basis;
	char *display_tz;	/* display.timezone: the zone of times in
				 * tables (a zoneinfo name), NULL: the
				 * system's (TZ wins over both) */
	int signed_store;	/* trust: signed (1) or unsigned (0, also
				 * when absent: stores from before trust) */
};

/* Hunan defaults (display.timezone Asia/Shanghai, which config_parse
 * keeps only when the file says so). */
void config_defaults(struct config *c);
/* Parse STORE/store.yaml text; fname for messages. */
int config_parse(struct config *c, const char *buf, size_t len,
    const char *fname, struct ceh_err *e);
int config_emit(const struct config *c, struct sbuf *out, struct ceh_err *e);
void config_release(struct config *c);

/* Is tz a zone name display.timezone accepts ("Asia/Shanghai", "UTC",
 * "Etc/GMT-8"): 1..64 of A-Z a-z 0-9 / _ + - ., no leading '/' or '.'
 * and no "..": a name under the zoneinfo directory, never a path. */
int config_tz_ok(const char *tz);

/* Does a year with these hours (half hours) meet the rule? */
int config_year_met(const struct config *c, long public_half, long pro_half);
/* One line describing the rule, e.g. "total >= 90, public >= 30, ...". */
void config_rule_text(const struct config *c, struct sbuf *out);

#endif
