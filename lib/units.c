#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "err.h"
#include "i18n.h"
#include "units.h"
#include "util.h"
#include "validate.h"
#include "ytree.h"

static const char *const kind_names[] = { "employer", "supervisor", "agency" };
static const char *const kind_labels[] = { "用人单位", "主管部门", "人社部门" };
/* the guide's other names for the same kinds, accepted as input */
static const char *const kind_aliases[] = { "工作单位", "上级审核单位",
    "经办机构" };

const char *
unit_kind_name(enum unit_kind k)
{
	return kind_names[k];
}

const char *
unit_kind_label(enum unit_kind k)
{
	return kind_labels[k];
}

int
unit_kind_parse(const char *s, enum unit_kind *out)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, kind_names[i]) == 0 ||
		    strcmp(s, kind_labels[i]) == 0 ||
		    strcmp(s, kind_aliases[i]) == 0) {
			*out = (enum unit_kind)i;
			return 0;
		}
	return -1;
}

void
units_release(struct units *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->v[i].code);
		free(u->v[i].name);
		free(u->v[i].parent);
		free(u->v[i].region);
		free(u->v[i].added);
	}
	free(u->v);
	free(u->byc);
	u->v = NULL;
	u->n = 0;
	u->byc = NULL;
	u->nbyc = 0;
}

static int
byc_cmp(const void *a, const void *b, void *arg)
{
	const struct unit *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(v[i].code, v[j].code);

	return c ? c : (i > j) - (i < j);
}

/* (Re)build the sorted index when units were appended since. */
static void
units_index(struct units *u)
{
	size_t i;

	if (u->byc != NULL && u->nbyc == u->n)
		return;
	u->byc = xreallocarray(u->byc, u->n ? u->n : 1, sizeof(*u->byc));
	for (i = 0; i < u->n; i++)
		u->byc[i] = i;
	if (u->n > 1)
		qsort_r(u->byc, u->n, sizeof(*u->byc), byc_cmp, u->v);
	u->nbyc = u->n;
}

const struct unit *
units_find(const struct units *cu, const char *code)
{
	struct units *u = (struct units *)cu;	/* the index is a cache */
	size_t lo = 0, hi;

	units_index(u);
	hi = u->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(u->v[u->byc[mid]].code, code);

		if (c == 0)
			return &u->v[u->byc[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
units_below(const struct units *u, const char *code, const char *top)
{
	const struct unit *p = units_find(u, code);
	size_t steps;

	for (steps = 0; p && steps <= u->n; steps++) {
		if (strcmp(p->code, top) == 0)
			return 1;
		p = p->parent[0] ? units_find(u, p->parent) : NULL;
	}
	return 0;
}

int
units_remove(struct units *u, const char *code)
{
	const struct unit *un = units_find(u, code);
	size_t i;

	if (un == NULL)
		return -1;
	i = (size_t)(un - u->v);
	free(u->v[i].code);
	free(u->v[i].name);
	free(u->v[i].parent);
	free(u->v[i].region);
	free(u->v[i].added);
	memmove(&u->v[i], &u->v[i + 1], (u->n - i - 1) * sizeof(*u->v));
	u->n--;
	u->nbyc = 0;	/* the index no longer fits: rebuilt on the next find */
	free(u->byc);
	u->byc = NULL;
	return 0;
}

int
units_parse(struct units *u, const char *buf, size_t len, const char *fname,
    struct ceh_err *e)
{
	static const char *const top[] = { "format", "units", NULL };
	static const char *const keys[] = { "code", "name", "kind", "parent",
	    "region", "added", NULL };
	struct ynode *root, *list;
	long format;
	size_t i;

	memset(u, 0, sizeof(*u));
	root = ytree_parse(buf, len, fname, e);
	if (root == NULL)
		return -1;
	if (ynode_expect(root, Y_MAP, "document", fname, e) < 0 ||
	    ymap_long(root, "format", 1, 1, 1000000, &format, fname, e) < 0)
		goto fail;
	if (format > 1) {
		ceh_fail(e, CEH_ESTATE, _("%s: units format %ld is newer than "
		    "this ceh understands (1); upgrade ceh"), fname, format);
		goto fail;
	}
	if (ymap_only(root, top, fname, e) < 0)
		goto fail;
	list = ymap_get(root, "units");
	if (list == NULL)
		goto done;
	if (ynode_expect(list, Y_SEQ, "units", fname, e) < 0)
		goto fail;
	u->v = xcalloc(list->n, sizeof(*u->v));
	for (i = 0; i < list->n; i++) {
		struct ynode *it = list->vals[i];
		const char *code, *name, *kind, *parent = "", *region = "",
		    *added = "";
		char canon[CREDIT_LEN + 1];
		struct unit *un = &u->v[u->n];

		if (ynode_expect(it, Y_MAP, "unit", fname, e) < 0 ||
		    ymap_only(it, keys, fname, e) < 0 ||
		    ymap_str(it, "code", 1, &code, fname, e) < 0 ||
		    ymap_str(it, "name", 1, &name, fname, e) < 0 ||
		    ymap_str(it, "kind", 1, &kind, fname, e) < 0 ||
		    ymap_str(it, "parent", 0, &parent, fname, e) < 0 ||
		    ymap_str(it, "region", 0, &region, fname, e) < 0 ||
		    ymap_str(it, "added", 0, &added, fname, e) < 0)
			goto fail;
		if (credit_check(_("unit code"), code, canon, e) < 0 ||
		    name_check(_("unit name"), name, 100, e) < 0) {
			ceh_err_prefix(e, "%s:%d", fname, it->line);
			goto fail;
		}
		if (unit_kind_parse(kind, &un->kind) < 0) {
			ceh_fail(e, CEH_EINPUT, _("%s:%d: unit kind '%.40s' must "
			    "be employer, supervisor or agency"), fname,
			    it->line, kind);
			goto fail;
		}
		un->code = xstrdup(canon);
		un->name = xstrdup(name);
		un->parent = xstrdup(parent);
		un->region = xstrdup(region);
		un->added = xstrdup(added);
		u->n++;
	}
	/* no code twice: one sort, not a search per unit */
	units_index(u);
	for (i = 1; i < u->n; i++) {
		const struct unit *a = &u->v[u->byc[i - 1]],
		    *b = &u->v[u->byc[i]];

		if (strcmp(a->code, b->code) == 0) {
			ceh_fail(e, CEH_EINPUT, _("%s:%d: unit %s is listed "
			    "twice"), fname, list->vals[u->byc[i]]->line,
			    b->code);
			goto fail;
		}
	}
done:
	ytree_free(root);
	if (units_check(u, NULL, fname, e) < 0) {
		units_release(u);
		return -1;
	}
	return 0;
fail:
	ytree_free(root);
	units_release(u);
	return -1;
}

int
units_check(const struct units *u, const struct codes *c, const char *fname,
    struct ceh_err *e)
{
	size_t i, steps;

	for (i = 0; i < u->n; i++) {
		const struct unit *un = &u->v[i], *p = un;

		if (c && un->region[0] && !codes_find(c, CL_REGION,
		    un->region))
			return ceh_fail(e, CEH_EINPUT, _("%s: unit %s: unknown "
			    "region '%s'"), fname, un->code, un->region);
		if (!un->parent[0])
			continue;
		if (un->kind == UNIT_AGENCY)
			return ceh_fail(e, CEH_EINPUT, _("%s: unit %s is an "
			    "agency and cannot have a parent"), fname,
			    un->code);
		for (steps = 0; p && p->parent[0]; steps++) {
			const struct unit *q = units_find(u, p->parent);

			if (q == NULL)
				return ceh_fail(e, CEH_EINPUT, _("%s: parent %s of "
				    "unit %s is not registered"), fname,
				    p->parent, p->code);
			if (q->kind == UNIT_EMPLOYER)
				return ceh_fail(e, CEH_EINPUT, _("%s: parent %s of "
				    "unit %s must be a supervisor, not an "
				    "employer"), fname, q->code, p->code);
			if (q->kind != UNIT_SUPERVISOR)
				return ceh_fail(e, CEH_EINPUT, _("%s: parent %s of "
				    "unit %s must be a supervisor, not an "
				    "agency"), fname, q->code, p->code);
			if (q == un || steps > u->n)
				return ceh_fail(e, CEH_EINPUT, _("%s: unit %s is "
				    "its own ancestor (a cycle)"), fname,
				    un->code);
			p = q;
		}
	}
	return 0;
}

int
units_emit(const struct units *u, struct sbuf *out, struct ceh_err *e)
{
	struct ywriter *w = yw_new();
	size_t i;
	int rc;

	yw_map_start(w);
	yw_kv_long(w, "format", 1);
	yw_plain(w, "units");
	yw_seq_start(w);
	for (i = 0; i < u->n; i++) {
		const struct unit *un = &u->v[i];

		yw_map_start(w);
		yw_kv(w, "code", un->code);
		yw_kv(w, "name", un->name);
		yw_kv(w, "kind", unit_kind_name(un->kind));
		yw_kv(w, "parent", un->parent);
		yw_kv(w, "region", un->region);
		yw_kv(w, "added", un->added);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_map_end(w);
	rc = yw_finish(w, out, e);
	yw_free(w);
	return rc;
}

const struct unit *
units_agency_for(const struct units *u, const struct codes *c,
    const char *region)
{
	const char *r = region;
	const struct unit *fallback = NULL;
	size_t i;
	int depth;

	for (depth = 0; r && r[0] && depth < 8; depth++) {
		const struct code_item *it;

		for (i = 0; i < u->n; i++)
			if (u->v[i].kind == UNIT_AGENCY &&
			    strcmp(u->v[i].region, r) == 0)
				return &u->v[i];
		it = c ? codes_find(c, CL_REGION, r) : NULL;
		r = it ? it->parent : NULL;
	}
	/* the province's own agency also serves 省本级 (xx9900) units */
	for (i = 0; i < u->n; i++)
		if (u->v[i].kind == UNIT_AGENCY) {
			if (!u->v[i].region[0])
				return &u->v[i];
			if (fallback == NULL && region && region[0] &&
			    strncmp(u->v[i].region, region, 2) == 0 &&
			    strcmp(u->v[i].region + 2, "0000") == 0)
				fallback = &u->v[i];
		}
	return fallback;
}

const char *
units_name(const struct units *u, const char *code, const char *otherwise)
{
	const struct unit *un = u && code && code[0] ? units_find(u, code) :
	    NULL;

	return un ? un->name : otherwise;
}
