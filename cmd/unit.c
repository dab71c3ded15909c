/* ceh unit - register, list and show units (单位). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "cmd.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh unit add CODE --name NAME --kind employer|supervisor|agency\n"
    "                [--parent CODE] [--region REGION]\n"
    "       ceh unit list [--kind KIND] [--format " FMT_LIST_USAGE "]\n"
    "                     " CMD_OUT_USAGE "\n"
    "       ceh unit show CODE [--format text|json]\n";

static int
unit_add(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "parent", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		CMD_OPT_END
	};
	const char *name = NULL, *kind = NULL, *parent = NULL, *region = NULL;
	char code[CREDIT_LEN + 1], pcode[CREDIT_LEN + 1] = "", ts[32];
	const struct code_item *reg = NULL;
	const struct unit *p;
	struct unit u;
	struct ceh_err e;
	struct lock lk;
	enum unit_kind k;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'p': parent = optarg; break;
		case 'r': region = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, "unit add needs one "
		    "CODE");
	if (name == NULL || kind == NULL)
		return cmd_usage_error("unit", usage, "unit add needs --name "
		    "and --kind");
	if (credit_check("unit code", argv[optind], code, &e) < 0 ||
	    name_check("--name", name, 100, &e) < 0 ||
	    (parent && credit_check("--parent", parent, pcode, &e) < 0))
		return cmd_error("unit", &e);
	if (unit_kind_parse(kind, &k) < 0)
		return cmd_usage_error("unit", usage, "--kind must be employer, "
		    "supervisor or agency, not '%s'", kind);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (region && codes_resolve(&s->codes, CL_REGION, "--region", region,
	    &reg, &e) < 0)
		return cmd_error("unit", &e);
	if (k == UNIT_AGENCY && parent) {
		ceh_fail(&e, CEH_EINPUT, "an agency is the last reviewer and "
		    "has no --parent");
		return cmd_error("unit", &e);
	}
	if (store_lock(s, &lk, &e) < 0)
		return cmd_error("unit", &e);
	if (store_load_units(s, &e) < 0)
		goto fail;
	if (units_find(&s->units, code)) {
		ceh_fail(&e, CEH_ESTATE, "unit %s is already registered",
		    code);
		goto fail;
	}
	if (parent) {
		if (strcmp(pcode, code) == 0) {
			ceh_fail(&e, CEH_EINPUT, "a unit cannot be its own "
			    "parent");
			goto fail;
		}
		p = units_find(&s->units, pcode);
		if (p == NULL) {
			ceh_fail(&e, CEH_ENOTFOUND, "parent unit %s is not "
			    "registered; add it first", pcode);
			goto fail;
		}
		if (p->kind != UNIT_SUPERVISOR) {
			ceh_fail(&e, CEH_EINPUT, "parent unit %s is %s, not a "
			    "supervisor", pcode, unit_kind_name(p->kind));
			goto fail;
		}
	}
	iso_time(now(), ts, sizeof(ts));
	u.code = xstrdup(code);
	u.name = xstrdup(name);
	u.kind = k;
	u.parent = xstrdup(pcode);
	u.region = xstrdup(reg ? reg->code : "");
	u.added = xstrdup(ts);
	s->units.v = xreallocarray(s->units.v, s->units.n + 1,
	    sizeof(*s->units.v));
	s->units.v[s->units.n++] = u;
	if (units_check(&s->units, &s->codes, "units.yaml", &e) < 0 ||
	    store_save_units(s, &e) < 0)
		goto fail;
	lock_release(&lk);
	printf("%s\n", code);
	return 0;
fail:
	lock_release(&lk);
	return cmd_error("unit", &e);
}

static const char *
region_name(struct store *s, const char *code)
{
	const struct code_item *it = code[0] ?
	    codes_find(&s->codes, CL_REGION, code) : NULL;

	return it ? it->name : code;
}

static int
unit_list(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	static const struct column cols[] = {
		{ "code", "统一社会信用代码", COL_TEXT },
		{ "name", "单位名称", COL_TEXT },
		{ "kind", "类型", COL_TEXT },
		{ "parent", "上级单位", COL_UNIT_CODE },
		{ "region", "行政区划", COL_TEXT },
	};
	enum out_format f = FMT_TABLE;
	enum unit_kind k = UNIT_EMPLOYER;
	const char *out = NULL;
	int ch, rc, bykind = 0;
	struct ceh_err e;
	struct table t;
	size_t i;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'k':
			if (unit_kind_parse(optarg, &k) < 0)
				return cmd_usage_error("unit", usage, "unknown "
				    "--kind '%s'", optarg);
			bykind = 1;
			break;
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST, &f)) != 0)
				return rc;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_output_check(usage, f, out)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	table_init(&t, cols, 5, &s->units);
	for (i = 0; i < s->units.n; i++) {
		const struct unit *u = &s->units.v[i];
		const char *row[5];

		if (bykind && u->kind != k)
			continue;
		row[0] = u->code;
		row[1] = u->name;
		row[2] = unit_kind_name(u->kind);
		row[3] = u->parent;
		row[4] = f == FMT_TABLE ? region_name(s, u->region) : u->region;
		table_add(&t, row);
	}
	rc = cmd_table_out(&t, f, out);
	table_free(&t);
	return rc;
}

/* A unit as JSON: every code with its name beside it (ceh-unit(1)). */
static void
show_json(struct store *s, const struct unit *u)
{
	const struct unit *p, *parent = u->parent[0] ?
	    units_find(&s->units, u->parent) : NULL;
	struct json j;
	int n;

	json_init(&j, stdout, 1);
	json_obj_begin(&j, NULL);
	json_str(&j, "code", u->code);
	json_str(&j, "name", u->name);
	json_str(&j, "kind", unit_kind_name(u->kind));
	json_str(&j, "parent", u->parent);
	json_str(&j, "parent_name", parent ? parent->name : "");
	json_str(&j, "region", u->region);
	json_str(&j, "region_name", u->region[0] ? region_name(s, u->region) :
	    "");
	json_arr_begin(&j, "chain");
	for (p = u, n = 0; p && p->parent[0] && n < 64; n++) {
		p = units_find(&s->units, p->parent);
		if (p) {
			json_obj_begin(&j, NULL);
			json_str(&j, "code", p->code);
			json_str(&j, "name", p->name);
			json_obj_end(&j);
		}
	}
	p = units_agency_for(&s->units, &s->codes, u->region);
	if (u->kind != UNIT_AGENCY && p) {
		json_obj_begin(&j, NULL);
		json_str(&j, "code", p->code);
		json_str(&j, "name", p->name);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static int
unit_show(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		CMD_OPT_END
	};
	enum out_format f = FMT_TEXT;
	char code[CREDIT_LEN + 1];
	const struct unit *u, *p;
	struct ceh_err e;
	int ch, rc, n = 0;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_BIT(FMT_TEXT) |
			    FMT_BIT(FMT_JSON), &f)) != 0)
				return rc;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, "unit show needs one "
		    "CODE");
	if (credit_check("unit code", argv[optind], code, &e) < 0)
		return cmd_error("unit", &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	u = units_find(&s->units, code);
	if (u == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, "unit %s is not registered", code);
		return cmd_error("unit", &e);
	}
	if (f == FMT_JSON) {
		show_json(s, u);
		return 0;
	}
	printf("统一社会信用代码  %s\n", u->code);
	printf("单位名称          %s\n", u->name);
	printf("类型              %s (%s)\n", unit_kind_label(u->kind),
	    unit_kind_name(u->kind));
	if (u->parent[0]) {
		p = units_find(&s->units, u->parent);
		printf("上级单位          %s %s\n", u->parent, p ? p->name : "");
	}
	if (u->region[0])
		printf("行政区划          %s %s\n", u->region,
		    region_name(s, u->region));
	if (u->kind != UNIT_AGENCY) {
		printf("审核链            %s", u->name);
		for (p = u; p && p->parent[0] && n < 64; n++) {
			p = units_find(&s->units, p->parent);
			if (p)
				printf(" → %s", p->name);
		}
		p = units_agency_for(&s->units, &s->codes, u->region);
		printf(" → %s\n", p ? p->name : "(no agency registered for "
		    "this region)");
	}
	return 0;
}

CMD_FN(unit)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(usage);
	if (argc < 2)
		return cmd_usage_error("unit", usage, "missing subcommand "
		    "(add, list or show)");
	if (strcmp(argv[1], "add") == 0)
		return unit_add(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "list") == 0)
		return unit_list(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "show") == 0)
		return unit_show(argc - 1, argv + 1, s);
	return cmd_usage_error("unit", usage, "unknown subcommand '%s'",
	    argv[1]);
}
