#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "codes.h"
#include "err.h"
#include "i18n.h"
#include "normalize.h"
#include "util.h"
#include "xalloc.h"
#include "ytree.h"

const char *const codes_files[] = { "ethnic-groups.yaml", "education.yaml",
    "title-levels.yaml", "unit-nature.yaml", "hunan-regions.yaml",
    "ce-forms.yaml", NULL };

static const struct {
	const char *file;
	const char *key;
	const char *key2;
	const char *label;
} sources[CL__COUNT] = {
	/* label: translated where it is printed (codes_resolve) */
	[CL_ETHNIC] = { "ethnic-groups.yaml", "items", NULL, N_("ethnicity") },
	[CL_EDUCATION] = { "education.yaml", "items", NULL,
	    N_("education") },
	[CL_TITLE_LEVEL] = { "title-levels.yaml", "items", NULL,
	    N_("title level") },
	[CL_SERIES] = { "title-levels.yaml", "series", "extra_series",
	    N_("series") },
	[CL_UNIT_NATURE] = { "unit-nature.yaml", "items", NULL,
	    N_("unit nature") },
	[CL_REGION] = { "hunan-regions.yaml", "items", NULL, N_("region") },
	[CL_CE_FORM] = { "ce-forms.yaml", "items", NULL,
	    N_("form of education") },
};

static int
load_items(struct code_list *l, const struct ynode *seq, const char *fname,
    struct ceh_err *e)
{
	size_t i, k;

	if (ynode_expect(seq, Y_SEQ, "items", fname, e) < 0)
		return -1;
	l->items = xreallocarray(l->items, l->n + seq->n, sizeof(*l->items));
	for (i = 0; i < seq->n; i++) {
		const struct ynode *it = seq->vals[i], *al;
		struct code_item *ci = &l->items[l->n];
		const char *code = NULL, *name = NULL, *parent = "",
		    *group = "";

		if (ynode_expect(it, Y_MAP, "item", fname, e) < 0 ||
		    ymap_str(it, "code", 1, &code, fname, e) < 0 ||
		    ymap_str(it, "name", 1, &name, fname, e) < 0 ||
		    ymap_str(it, "parent", 0, &parent, fname, e) < 0 ||
		    ymap_str(it, "group", 0, &group, fname, e) < 0)
			return -1;
		if (!*code || !*name || has_control(name))
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: item with an "
			    "empty or bad code or name"), fname, it->line);
		memset(ci, 0, sizeof(*ci));
		ci->code = xstrdup(code);
		ci->name = xstrdup(name);
		ci->parent = xstrdup(parent);
		ci->group = xstrdup(group);
		l->n++;
		al = ymap_get(it, "aliases");
		if (al == NULL)
			continue;
		if (ynode_expect(al, Y_SEQ, "aliases", fname, e) < 0)
			return -1;
		ci->aliases = xcalloc(al->n, sizeof(char *));
		for (k = 0; k < al->n; k++) {
			if (ynode_expect(al->vals[k], Y_SCALAR, "alias", fname,
			    e) < 0)
				return -1;
			ci->aliases[ci->naliases++] = xstrdup(al->vals[k]->str);
		}
	}
	return 0;
}

int
codes_load(struct codes *c, int dirfd, struct ceh_err *e)
{
	struct ynode *root = NULL;	/* the tree of sources[id - 1].file */
	int id;

	memset(c, 0, sizeof(*c));
	for (id = 0; id < CL__COUNT; id++) {
		struct code_list *l = &c->list[id];
		char *buf;
		size_t len;
		int rc;

		l->label = sources[id].label;
		/* each file read and parsed once: lists of the same file
		 * (title-levels.yaml: levels and series) are neighbours */
		if (root == NULL || strcmp(sources[id].file,
		    sources[id - 1].file) != 0) {
			ytree_free(root);
			root = NULL;
			if (read_file_at(dirfd, sources[id].file, 4 << 20,
			    &buf, &len, e) < 0) {
				ceh_err_prefix(e, _("code list"));
				goto fail;
			}
			root = ytree_parse(buf, len, sources[id].file, e);
			free(buf);
			if (root == NULL)
				goto fail;
		}
		rc = load_items(l, ymap_get(root, sources[id].key),
		    sources[id].file, e);
		if (rc == 0 && sources[id].key2 &&
		    ymap_get(root, sources[id].key2))
			rc = load_items(l, ymap_get(root, sources[id].key2),
			    sources[id].file, e);
		if (rc < 0)
			goto fail;
	}
	ytree_free(root);
	return 0;
fail:
	ytree_free(root);
	codes_release(c);
	return -1;
}

void
codes_release(struct codes *c)
{
	int id;
	size_t i, k;

	for (id = 0; id < CL__COUNT; id++) {
		struct code_list *l = &c->list[id];

		for (i = 0; i < l->n; i++) {
			struct code_item *ci = &l->items[i];

			free(ci->code);
			free(ci->name);
			free(ci->parent);
			free(ci->group);
			for (k = 0; k < ci->naliases; k++)
				free(ci->aliases[k]);
			free(ci->aliases);
		}
		free(l->items);
		l->items = NULL;
		l->n = 0;
	}
}

const struct code_item *
codes_find(const struct codes *c, enum code_list_id id, const char *s)
{
	const struct code_list *l = &c->list[id];
	size_t i, k;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, s) == 0)
			return &l->items[i];
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].code, s) == 0)
			return &l->items[i];
		for (k = 0; k < l->items[i].naliases; k++)
			if (strcmp(l->items[i].aliases[k], s) == 0)
				return &l->items[i];
	}
	return NULL;
}

/* Count code points of a that also occur in b: a cheap closeness. */
static int
shared_chars(const char *a, const char *b)
{
	int n = 0;

	while (*a) {
		int len = (*a & 0x80) == 0 ? 1 : (*a & 0xe0) == 0xc0 ? 2 :
		    (*a & 0xf0) == 0xe0 ? 3 : 4;
		char cp[5] = { 0 };
		int k;

		for (k = 0; k < len && a[k]; k++)
			cp[k] = a[k];
		if (strstr(b, cp))
			n++;
		a += k;
	}
	return n;
}

int
codes_resolve(const struct codes *c, enum code_list_id id, const char *field,
    const char *s, const struct code_item **out, struct ceh_err *e)
{
	const struct code_list *l = &c->list[id];
	const struct code_item *it = codes_find(c, id, s);
	struct sbuf sb = SBUF_INIT;
	char val[200];
	size_t i;
	int best = 0, shown = 0;

	if (it) {
		*out = it;
		return 0;
	}
	if (l->n <= 30) {
		for (i = 0; i < l->n; i++)
			sb_addf(&sb, "%s%s", i ? " " : "", l->items[i].name);
		ceh_fail(e, CEH_EINPUT, _("%s '%s' is not a valid %s; choose "
		    "one of: %s"), field, utf8_clip(val, sizeof(val),
		    safe_echo(s), 30), _(l->label),
		    sb_str(&sb));
	} else {
		for (i = 0; i < l->n; i++) {
			int k = shared_chars(s, l->items[i].name);

			if (k > best)
				best = k;
		}
		for (i = 0; i < l->n && best > 0 && shown < 8; i++)
			if (shared_chars(s, l->items[i].name) == best) {
				sb_addf(&sb, "%s%s", shown ? " " : "",
				    l->items[i].name);
				shown++;
			}
		if (shown)
			ceh_fail(e, CEH_EINPUT, _("%s '%s' is not a valid "
			    "%s; closest: %s"), field, utf8_clip(val,
			    sizeof(val), safe_echo(s), 30), _(l->label),
			    sb_str(&sb));
		else
			ceh_fail(e, CEH_EINPUT, _("%s '%s' is not a valid "
			    "%s (see the store's codes/ folder)"), field,
			    utf8_clip(val, sizeof(val), safe_echo(s), 30),
			    _(l->label));
	}
	sb_release(&sb);
	return -1;
}
