/*
 * report.h - population reports: compliance statistics (`ceh stats`) and
 * shortfall lists (`ceh shortfall`), computed from a stream of compact
 * per-application summaries, whatever produces them (today a walk over
 * the documents, report_src.h; later the summary index).
 *
 * struct report_app is that summary: fixed-size, no pointers, so it can
 * be read from an index record without allocating.  report_app_fill
 * makes one from a loaded document and the unit registry.
 *
 * Feeding.  The consumers (report_stats_add, report_short_add) take one
 * record at a time and keep only the current person's records: all the
 * records of one person must come one after another (store_walk visits
 * a person's folders together), and every application of a person must
 * be fed, not only those in scope, because a year approved in an
 * application at another employer still counts as met.  Memory is one
 * person's records plus one entry per group (stats) or per listed
 * person-year (shortfall), never one per application.
 *
 * Scope (struct report_scope).  An application matches when its employer
 * is --unit (or, with subtree, the unit or any unit below it), its region
 * is --region or a region under it, and its series and title level are
 * the ones asked.  A person is in scope when one of their applications
 * matches.  With a year range (from..to), an application is counted only
 * when it declares a year in the range.
 *
 * Years.  A person-year is met when an approved application of the
 * person carries the year and its hours meet the store's rule
 * (config_year_met); otherwise it is not met (not declared, declared but
 * not approved, or approved below the rule).  The person-years of a
 * group: with a year range, every year of the range for every person of
 * the group; without one, every year the person declared in an
 * application of the group.  Each counts once per group, however many
 * applications declare it (a year approved once and declared again
 * counts once).
 *
 * Waiting.  From the history: a stint at a unit starts with "submitted",
 * "forwarded" or "undone" naming the unit (next) and ends with the next
 * forwarded, approved, rejected, returned, withdrawn or undone event; its level
 * is the kind of the unit (employer, supervisor, agency).  The average
 * days at a level are the total time of the group's stints at that level
 * (a stint still open counted up to the report's now) over their number.
 *
 * Ownership: reports own their groups and rows and free them in
 * report_*_free; strings returned point into the report.
 */
#ifndef CEH_REPORT_H
#define CEH_REPORT_H

#include <stddef.h>
#include <time.h>

#include "store.h"

struct ceh_err;

#define REPORT_TEXT 244		/* 60 characters of UTF-8, and the NUL */
#define REPORT_MAX_YEARS 64
#define REPORT_YEAR_MIN 1990	/* person-year bitmaps: 1990..2117 */
#define REPORT_YEAR_MAX 2117
#define REPORT_MAX_KEYS 4

enum report_level { RL_EMPLOYER, RL_SUPERVISOR, RL_AGENCY, RL__COUNT };

/* Where an application stands, as the workflow records it. */
enum report_stage {
	RS_DRAFT,		/* 暂存 */
	RS_WAIT_EMPLOYER,	/* 待审核 at an employer */
	RS_WAIT_SUPERVISOR,	/* 待审核 at a supervising unit */
	RS_WAIT_AGENCY,		/* 待审核 at the agency */
	RS_APPROVED,		/* 审核通过 */
	RS_REJECTED,		/* 审核不通过 */
	RS_RETURNED,		/* 退回 */
	RS_WITHDRAWN,		/* 已撤销 */
	RS__COUNT
};
const char *report_stage_key(enum report_stage s);	/* "draft" ... */
const char *report_stage_label(enum report_stage s);	/* "暂存" ... */
/*
 * A --stage word as the set of stages it names (bit 1 << RS_x): the
 * keys ("draft" ... "withdrawn", "waiting_employer" ...), "review" and
 * "waiting" (every waiting stage), and the Chinese words of the status
 * column (暂存, 待审核, 审核通过, 审核不通过, 退回, 已撤销, and the labels
 * of the three waiting stages).  -1 when s is none of them.
 */
int report_stage_parse(const char *s, unsigned *mask);
const char *report_level_key(enum report_level l);	/* "employer" */
const char *report_level_label(enum report_level l);	/* "用人单位" */

struct report_year {
	int year;
	long pub_half;		/* 公需科目, half hours */
	long pro_half;		/* 专业科目, half hours */
	int approved;		/* the application is approved: these count */
};

/* Time at one review level; times are seconds since the epoch. */
struct report_wait {
	int stints;		/* times it arrived at this level */
	long long secs;		/* time spent in the stints that ended */
	long long arrived;	/* start of the latest stint, 0 if none */
	long long left;		/* its end, 0 while it still waits there */
};

struct report_app {
	char id[APP_ID_LEN + 1];
	char idnum[IDNUM_LEN + 1];
	char name[REPORT_TEXT];
	char unit[CREDIT_LEN + 1];	/* employer */
	char series[REPORT_TEXT];	/* 申报大类 */
	char level[REPORT_TEXT];	/* 拟申报职称 */
	char region[REPORT_TEXT];	/* 行政区划名称 */
	enum report_stage stage;
	char waiting_at[CREDIT_LEN + 1];	/* "" unless waiting */
	long long updated;		/* time of the last change */
	struct report_wait wait[RL__COUNT];
	int nyears;
	/* last: a copy needs only the years used (REPORT_APP_SIZE) */
	struct report_year years[REPORT_MAX_YEARS];	/* sorted by year */
};
/* The bytes of ra that hold something: up to its last year. */
#define REPORT_APP_SIZE(ra) (offsetof(struct report_app, years) + \
	(size_t)(ra)->nyears * sizeof((ra)->years[0]))

/* Fill ra from a loaded document; u gives the kind of each unit it
 * waited at (a unit not registered counts as a supervisor).  Class 5
 * when a field does not fit the record (the document is damaged). */
int report_app_fill(struct report_app *ra, const struct application *app,
    const struct units *u, struct ceh_err *e);

/* The level of a unit for the waiting figures: its kind; a unit not
 * registered counts as a supervisor. */
enum report_level report_unit_level(const struct units *u, const char *code);

struct report_scope {
	const char *unit;	/* employer credit code, NULL: any */
	int subtree;		/* unit or any unit below it */
	const char *region;	/* region code, NULL: any (sub-regions too) */
	const char *series;	/* canonical names, NULL: any */
	const char *level;
	int from, to;		/* year range, 0 0: none */
};

/* What the reports need from the store; all borrowed. */
struct report_env {
	const struct config *cfg;
	const struct units *units;
	const struct codes *codes;
	time_t now;
};

/* Does an employer code match the scope's --unit (and --subtree)?  1
 * when the scope names no unit. */
int report_unit_match(const struct report_scope *sc, const struct units *u,
    const char *code);

/* Does the application match the scope (years not considered)? */
int report_scope_match(const struct report_scope *sc,
    const struct report_env *env, const struct report_app *ra);

/* Does the application declare a year of the scope's range (any
 * application when there is no range)? */
int report_years_match(const struct report_scope *sc,
    const struct report_app *ra);

/* Grouping keys of `ceh stats --by`. */
enum report_key {
	RK_UNIT,		/* employer code */
	RK_SUPERVISOR,		/* the employer's parent, "" if first-level */
	RK_REGION,		/* region name */
	RK_SERIES,
	RK_LEVEL,
	RK_YEAR,		/* a declared year (or each year of the range) */
	RK_STAGE,		/* report_stage_key */
	RK__COUNT
};
const char *report_key_name(enum report_key k);		/* "unit" ... */
const char *report_key_label(enum report_key k);	/* "单位" ... */
int report_key_parse(const char *s, enum report_key *out);

struct report_group {
	char *key[REPORT_MAX_KEYS];	/* the values, in the order of by */
	long people;
	long apps;
	long stage[RS__COUNT];
	long years_met, years_short;
	long wait_n[RL__COUNT];		/* stints */
	long long wait_secs[RL__COUNT];
	/* private: the person last counted and their years seen */
	long last_person;
	unsigned long long seen[2];
};

struct report_stats;
/* by: nby keys (at most REPORT_MAX_KEYS, none: one group of all).
 * sc and env are borrowed and must outlive the report. */
struct report_stats *report_stats_new(const struct report_scope *sc,
    const enum report_key *by, size_t nby, const struct report_env *env);
int report_stats_add(struct report_stats *st, const struct report_app *ra,
    struct ceh_err *e);
/* After the last record: count the last person, sort the groups. */
void report_stats_end(struct report_stats *st);
size_t report_stats_count(const struct report_stats *st);
/* Groups sorted by their keys (years numerically). */
const struct report_group *report_stats_group(const struct report_stats *st,
    size_t i);
/* All applications in scope as one group (key values NULL). */
const struct report_group *report_stats_total(const struct report_stats *st);
void report_stats_free(struct report_stats *st);

/* The met rate in per mille (-1 when there are no person-years). */
long report_met_permille(const struct report_group *g);
/* Approved per decided (approved + rejected) application, per mille (-1
 * when none is decided yet). */
long report_approval_permille(const struct report_group *g);
/* Average days at a level, in tenths of a day (-1 when no stints). */
long report_wait_tenths(const struct report_group *g, enum report_level l);

/* What one application of a listed person is doing, for shortfall. */
enum report_short_status {
	SS_UNDECLARED,		/* 未申报: no application declares the year */
	SS_PENDING,		/* 未核认: declared, not approved */
	SS_BELOW		/* 未达标: approved below the rule */
};
const char *report_short_status_label(enum report_short_status s);
const char *report_short_status_key(enum report_short_status s);

/* One person-year not met. */
struct report_short_row {
	char idnum[IDNUM_LEN + 1];
	char name[REPORT_TEXT];
	char unit[CREDIT_LEN + 1];	/* employer of the latest matching
					 * application */
	int year;
	enum report_short_status status;
	long pub_half, pro_half;	/* approved hours of the year */
	long lack_pub, lack_pro, lack_total;	/* half hours */
	long decl_pub, decl_pro;	/* declared, not approved; -1 none */
	char *apps;		/* "ID 状态[（单位）] 2023,2024；...", shared
				 * by the person's rows */
	int apps_own;		/* private: this row frees apps */
	long rec_n;		/* records on file never declared */
	long rec_pub, rec_pro;	/* and their hours; -1: not looked up */
};

struct report_short;
/* sc must have a year range (from..to); borrowed like env. */
struct report_short *report_short_new(const struct report_scope *sc,
    const struct report_env *env);
int report_short_add(struct report_short *sh, const struct report_app *ra,
    struct ceh_err *e);
/* After the last record: sort the rows by unit, ID number and year. */
void report_short_end(struct report_short *sh);
size_t report_short_count(const struct report_short *sh);
struct report_short_row *report_short_row(struct report_short *sh,
    size_t i);
long report_short_people(const struct report_short *sh);   /* listed */
long report_short_scope(const struct report_short *sh);    /* in scope */
void report_short_free(struct report_short *sh);

/* What a person-year lacks under the rule, in half hours (0: nothing),
 * each category on its own: Hunan, the gap to each minimum; national,
 * lack_pub 0, lack_total the gap to the total minimum and lack_pro the
 * fewest professional hours to add so that the professional share holds
 * once the total reaches the minimum.  All 0 exactly when the year is
 * met (config_year_met). */
void report_lacks(const struct config *c, long pub_half, long pro_half,
    long *lack_pub, long *lack_pro, long *lack_total);

#endif
