/*
 * codes.h - the reference code lists (民族, 最高学历, 拟申报职称, 申报大类,
 * 单位性质, 行政区划, 继续教育形式), loaded from a store's codes/ folder,
 * which `ceh init` copies from the installed data (offices may extend the
 * store's copy, e.g. with aliases).
 *
 * A value is accepted when it equals an item's name, code or one of its
 * aliases; it is stored as the item's canonical name.  A refusal lists
 * the valid choices, or the closest ones for long lists.
 */
#ifndef CEH_CODES_H
#define CEH_CODES_H

#include <stddef.h>

struct ceh_err;

enum code_list_id {
	CL_ETHNIC,		/* ethnic-groups.yaml: items */
	CL_EDUCATION,		/* education.yaml: items */
	CL_TITLE_LEVEL,		/* title-levels.yaml: items */
	CL_SERIES,		/* title-levels.yaml: series, extra_series */
	CL_UNIT_NATURE,		/* unit-nature.yaml: items */
	CL_REGION,		/* hunan-regions.yaml: items */
	CL_CE_FORM,		/* ce-forms.yaml: items */
	CL__COUNT
};

struct code_item {
	char *code;
	char *name;
	char **aliases;
	size_t naliases;
	char *parent;		/* regions: parent code, or "" */
	char *group;		/* title levels: 高级 / 中级 / 初级, or "" */
};

struct code_list {
	const char *label;	/* "ethnicity", for messages */
	struct code_item *items;
	size_t n;
};

struct codes {
	struct code_list list[CL__COUNT];
};

/* Load all lists from the directory dirfd (a store's codes/). */
int codes_load(struct codes *c, int dirfd, struct ceh_err *e);
void codes_release(struct codes *c);

/* The item whose name, code or alias equals s, or NULL. */
const struct code_item *codes_find(const struct codes *c,
    enum code_list_id id, const char *s);
/* Like codes_find, but fail (class 1) naming field and the choices. */
int codes_resolve(const struct codes *c, enum code_list_id id,
    const char *field, const char *s, const struct code_item **out,
    struct ceh_err *e);

/* The file names, for init and fsck. */
extern const char *const codes_files[];

#endif
