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
    "       ceh unit list [--kind KIND] [--format table|tsv|csv|json]\n"
    "       ceh unit show CODE [--format text|json]\n";

static int
unit_add(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "parent", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *kind = NULL, *parent = NULL, *region = NULL;
	char code[CREDIT_LEN + 1], pcode[CREDIT_LEN + 1] = "", ts[32];
	const struct code_item *reg = NULL;
	const struct unit *p;
	struct unit u;
	struct ceh_err e;
	struct lock lk;
	enum unit_kind k;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'p': parent = optarg; break;
		case 'r': region = optarg; break;
		case 'h': return cmd_help(usage);
		default:
			return cmd_usage_error("unit", usage, "unknown option "
			    "'%s'", argv[optind - 1]);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *keys[] = { "code", "name", "kind", "parent",
	    "region" };
	static const char *labels[] = { "统一社会信用代码", "单位名称", "类型",
	    "上级单位", "行政区划" };
	enum out_format f = FMT_TABLE;
	enum unit_kind k = UNIT_EMPLOYER;
	int ch, bykind = 0;
	struct ceh_err e;
	struct table t;
	size_t i;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			if (unit_kind_parse(optarg, &k) < 0)
				return cmd_usage_error("unit", usage, "unknown "
				    "--kind '%s'", optarg);
			bykind = 1;
			break;
		case 'f':
			if (format_parse(optarg, 1 << FMT_TABLE | 1 << FMT_TSV |
			    1 << FMT_CSV | 1 << FMT_JSON, &f) < 0)
				return cmd_usage_error("unit", usage, "unknown "
				    "--format '%s'", optarg);
			break;
		case 'h': return cmd_help(usage);
		default:
			return cmd_usage_error("unit", usage, "unknown option "
			    "'%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error("unit", usage, "unexpected argument "
		    "'%s'", argv[optind]);
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	table_init(&t, 5, keys, labels);
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
	table_print(&t, f, stdout);
	table_free(&t);
	return 0;
}

static int
unit_show(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum out_format f = FMT_TEXT;
	char code[CREDIT_LEN + 1];
	const struct unit *u, *p;
	struct ceh_err e;
	int ch, n = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (format_parse(optarg, 1 << FMT_TEXT | 1 << FMT_JSON,
			    &f) < 0)
				return cmd_usage_error("unit", usage, "unknown "
				    "--format '%s'", optarg);
			break;
		case 'h': return cmd_help(usage);
		default:
			return cmd_usage_error("unit", usage, "unknown option "
			    "'%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, "unit show needs one "
		    "CODE");
	if (credit_check("unit code", argv[optind], code, &e) < 0)
		return cmd_error("unit", &e);
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	u = units_find(&s->units, code);
	if (u == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, "unit %s is not registered", code);
		return cmd_error("unit", &e);
	}
	if (f == FMT_JSON) {
		printf("{\"code\": ");
		json_quote(stdout, u->code);
		printf(", \"name\": ");
		json_quote(stdout, u->name);
		printf(", \"kind\": ");
		json_quote(stdout, unit_kind_name(u->kind));
		printf(", \"parent\": ");
		json_quote(stdout, u->parent);
		printf(", \"region\": ");
		json_quote(stdout, u->region);
		printf(", \"chain\": [");
		for (p = u; p && p->parent[0] && n < 64; n++) {
			p = units_find(&s->units, p->parent);
			if (p) {
				printf("%s", n ? ", " : "");
				json_quote(stdout, p->code);
			}
		}
		p = units_agency_for(&s->units, &s->codes, u->region);
		if (u->kind != UNIT_AGENCY && p) {
			printf("%s", n ? ", " : "");
			json_quote(stdout, p->code);
		}
		printf("]}\n");
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
	if (s == NULL)
		return cmd_help(usage);
	if (strcmp(argv[1], "add") == 0)
		return unit_add(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "list") == 0)
		return unit_list(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "show") == 0)
		return unit_show(argc - 1, argv + 1, s);
	return cmd_usage_error("unit", usage, "unknown subcommand '%s'",
	    argv[1]);
}
