/*
 * units.h - the registry of units (单位), STORE/units.yaml.
 *
 * A unit is identified by its unified social credit code.  kind is
 *   employer   用人单位: the applicant's employer, first reviewer;
 *   supervisor 主管部门 / 上级审核单位: reviews after an employer or
 *              another supervisor;
 *   agency     经办机构(人社部门): the HR department, final reviewer.
 * parent names the unit above (a supervisor); a unit without a parent is
 * first-level and sends approved applications to the agency of its
 * region.  Parents must exist and the tree has no cycles.
 *
 * The registry is small (thousands of units at most) and rewritten whole
 * through atomic_write under the store lock.
 */
#ifndef CEH_UNITS_H
#define CEH_UNITS_H

#include <stddef.h>

#include "xalloc.h"

struct ceh_err;
struct codes;

enum unit_kind { UNIT_EMPLOYER, UNIT_SUPERVISOR, UNIT_AGENCY };

struct unit {
	char *code;
	char *name;
	enum unit_kind kind;
	char *parent;		/* "" when first-level */
	char *region;		/* region code, "" when not given */
	char *added;		/* ISO time */
};

struct units {
	struct unit *v;		/* in the order added (units_remove keeps it) */
	size_t n;
	size_t *byc;		/* private: indexes of v sorted by code, */
	size_t nbyc;		/* built by units_find for the first nbyc */
};

int units_parse(struct units *u, const char *buf, size_t len,
    const char *fname, struct ceh_err *e);
int units_emit(const struct units *u, struct sbuf *out, struct ceh_err *e);
void units_release(struct units *u);

/* O(log n): a sorted index is (re)built when units were appended. */
const struct unit *units_find(const struct units *u, const char *code);
/* The name of unit code, or otherwise when u is NULL, code is empty or
 * not registered. */
const char *units_name(const struct units *u, const char *code,
    const char *otherwise);
const char *unit_kind_name(enum unit_kind k);	/* "employer" ... */
const char *unit_kind_label(enum unit_kind k);	/* "用人单位" ... */
int unit_kind_parse(const char *s, enum unit_kind *out);

/* Check the whole registry: parents exist and are supervisors, no cycle,
 * regions known.  codes may be NULL to skip the region check. */
int units_check(const struct units *u, const struct codes *c,
    const char *fname, struct ceh_err *e);

/* 1 if unit code is top or below it (top an ancestor of code). */
int units_below(const struct units *u, const char *code, const char *top);
/* Take unit code out of the registry (the caller checked that nothing
 * refers to it): 0, or -1 if it is not there. */
int units_remove(struct units *u, const char *code);

/* The agency responsible for region code r: an agency whose region is r
 * or the nearest ancestor of r, or any agency with no region.  NULL if
 * there is none. */
const struct unit *units_agency_for(const struct units *u,
    const struct codes *c, const char *region);

#endif
