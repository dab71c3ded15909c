#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "i18n.h"
#include "util.h"
#include "ytree.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->format = CEH_STORE_FORMAT;
	c->scheme = RULE_HUNAN;
	c->total_min = 90;
	c->public_min = 30;
	c->pro_min = 60;
	c->share_num = 2;
	c->share_den = 3;
	c->carry_over = 0;
	c->max_hours_year = 1000;
	c->attach_required = 1;
	c->attach_max_file = 20L << 20;
	c->attach_max_total = 100L << 20;
	c->slip_title = xstrdup("湖南省专业技术人员继续教育学时认定单");
	c->slip_basis = xstrdup("《专业技术人员继续教育规定》（人社部令第25号）");
	c->display_tz = xstrdup("Asia/Shanghai");
	c->signed_store = 1;
}

void
config_release(struct config *c)
{
	free(c->slip_title);
	free(c->slip_basis);
	free(c->display_tz);
	c->slip_title = c->slip_basis = c->display_tz = NULL;
}

int
config_tz_ok(const char *tz)
{
	size_t n = strlen(tz);

	return n > 0 && n <= 64 && tz[0] != '/' && tz[0] != '.' &&
	    strstr(tz, "..") == NULL && strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789/_+-.") == n;
}

int
config_parse(struct config *c, const char *buf, size_t len,
    const char *fname, struct ceh_err *e)
{
	static const char *const top[] = { "format", "rules", "attachments",
	    "slip", "trust", "display", NULL };
	static const char *const rk[] = { "scheme", "annual_total",
	    "annual_public", "annual_professional", "professional_share",
	    "carry_over", "max_hours_per_year", NULL };
	static const char *const ak[] = { "required", "max_file_bytes",
	    "max_total_bytes", NULL };
	static const char *const sk[] = { "title", "basis", NULL };
	static const char *const dk[] = { "timezone", NULL };
	struct ynode *root, *r, *a, *s, *dp;
	const char *scheme = NULL, *share = NULL, *title = NULL,
	    *basis = NULL, *trust = NULL, *tz = NULL;
	int rc = -1;

	config_defaults(c);
	/* absent: the system's zone, as stores from before the setting */
	free(c->display_tz);
	c->display_tz = NULL;
	root = ytree_parse(buf, len, fname, e);
	if (root == NULL) {
		config_release(c);
		return -1;
	}
	if (ynode_expect(root, Y_MAP, "document", fname, e) < 0)
		goto out;
	if (ymap_long(root, "format", 1, 1, 1000000, &c->format, fname, e) < 0)
		goto out;
	if (c->format > CEH_STORE_FORMAT) {
		ceh_fail(e, CEH_ESTATE, _("%s: store format %ld is newer than "
		    "this ceh understands (%d); upgrade ceh"), fname,
		    c->format, CEH_STORE_FORMAT);
		goto out;
	}
	if (ymap_only(root, top, fname, e) < 0 ||
	    ymap_str(root, "trust", 0, &trust, fname, e) < 0)
		goto out;
	c->signed_store = trust && strcmp(trust, "signed") == 0;
	if (trust && !c->signed_store && strcmp(trust, "unsigned") != 0) {
		ceh_fail(e, CEH_EINPUT, _("%s: trust must be signed or unsigned, "
		    "not '%.40s'"), fname, trust);
		goto out;
	}
	r = ymap_get(root, "rules");
	a = ymap_get(root, "attachments");
	s = ymap_get(root, "slip");
	if ((r && ynode_expect(r, Y_MAP, "rules", fname, e) < 0) ||
	    (a && ynode_expect(a, Y_MAP, "attachments", fname, e) < 0) ||
	    (s && ynode_expect(s, Y_MAP, "slip", fname, e) < 0) ||
	    ymap_only(r, rk, fname, e) < 0 || ymap_only(a, ak, fname, e) < 0 ||
	    ymap_only(s, sk, fname, e) < 0)
		goto out;
	dp = ymap_get(root, "display");
	if ((dp && ynode_expect(dp, Y_MAP, "display", fname, e) < 0) ||
	    ymap_only(dp, dk, fname, e) < 0 ||
	    ymap_str(dp, "timezone", 0, &tz, fname, e) < 0)
		goto out;
	if (tz && *tz) {
		if (!config_tz_ok(tz)) {
			ceh_fail(e, CEH_EINPUT, _("%s: display.timezone must be "
			    "a zone name like Asia/Shanghai or UTC, not "
			    "'%.40s'"), fname, tz);
			goto out;
		}
		c->display_tz = xstrdup(tz);
	}
	if (ymap_str(r, "scheme", 0, &scheme, fname, e) < 0 ||
	    ymap_long(r, "annual_total", 0, 0, 10000, &c->total_min, fname,
	    e) < 0 ||
	    ymap_long(r, "annual_public", 0, 0, 10000, &c->public_min, fname,
	    e) < 0 ||
	    ymap_long(r, "annual_professional", 0, 0, 10000, &c->pro_min,
	    fname, e) < 0 ||
	    ymap_str(r, "professional_share", 0, &share, fname, e) < 0 ||
	    ymap_bool(r, "carry_over", 0, &c->carry_over, fname, e) < 0 ||
	    ymap_long(r, "max_hours_per_year", 0, 1, 100000,
	    &c->max_hours_year, fname, e) < 0 ||
	    ymap_bool(a, "required", 0, &c->attach_required, fname, e) < 0 ||
	    ymap_long(a, "max_file_bytes", 0, 1, 1L << 34, &c->attach_max_file,
	    fname, e) < 0 ||
	    ymap_long(a, "max_total_bytes", 0, 1, 1L << 36,
	    &c->attach_max_total, fname, e) < 0 ||
	    ymap_str(s, "title", 0, &title, fname, e) < 0 ||
	    ymap_str(s, "basis", 0, &basis, fname, e) < 0)
		goto out;
	if (scheme) {
		if (strcmp(scheme, "hunan") == 0)
			c->scheme = RULE_HUNAN;
		else if (strcmp(scheme, "national") == 0)
			c->scheme = RULE_NATIONAL;
		else {
			ceh_fail(e, CEH_EINPUT, _("%s: rules.scheme must be hunan "
			    "or national, not '%.40s'"), fname, scheme);
			goto out;
		}
	}
	if (share) {
		const char *slash = strchr(share, '/');
		char num[16];
		long n = -1, d = 0;

		/* small whole numbers only: the rule multiplies by them */
		if (slash && (size_t)(slash - share) < sizeof(num)) {
			memcpy(num, share, (size_t)(slash - share));
			num[slash - share] = '\0';
			if (parse_long(num, &n) < 0 || parse_long(slash + 1,
			    &d) < 0)
				n = -1;
		}
		if (n < 0 || d <= 0 || d > 1000 || n > d) {
			ceh_fail(e, CEH_EINPUT, _("%s: rules.professional_share "
			    "must be a fraction like 2/3 (at most /1000), not "
			    "'%.40s'"), fname,
			    share);
			goto out;
		}
		c->share_num = n;
		c->share_den = d;
	}
	if (title) {
		free(c->slip_title);
		c->slip_title = xstrdup(title);
	}
	if (basis) {
		free(c->slip_basis);
		c->slip_basis = xstrdup(basis);
	}
	rc = 0;
out:
	ytree_free(root);
	if (rc < 0)
		config_release(c);
	return rc;
}

int
config_emit(const struct config *c, struct sbuf *out, struct ceh_err *e)
{
	struct ywriter *w = yw_new();
	char share[48];
	int rc;

	snprintf(share, sizeof(share), "%ld/%ld", c->share_num, c->share_den);
	yw_map_start(w);
	yw_kv_long(w, "format", c->format);
	yw_plain(w, "rules");
	yw_map_start(w);
	yw_kv(w, "scheme", c->scheme == RULE_HUNAN ? "hunan" : "national");
	yw_kv_long(w, "annual_total", c->total_min);
	yw_kv_long(w, "annual_public", c->public_min);
	yw_kv_long(w, "annual_professional", c->pro_min);
	yw_kv(w, "professional_share", share);
	yw_plain(w, "carry_over");
	yw_plain(w, c->carry_over ? "true" : "false");
	yw_kv_long(w, "max_hours_per_year", c->max_hours_year);
	yw_map_end(w);
	yw_plain(w, "attachments");
	yw_map_start(w);
	yw_plain(w, "required");
	yw_plain(w, c->attach_required ? "true" : "false");
	yw_kv_long(w, "max_file_bytes", c->attach_max_file);
	yw_kv_long(w, "max_total_bytes", c->attach_max_total);
	yw_map_end(w);
	yw_plain(w, "slip");
	yw_map_start(w);
	yw_kv(w, "title", c->slip_title);
	yw_kv(w, "basis", c->slip_basis);
	yw_map_end(w);
	if (c->display_tz) {
		yw_plain(w, "display");
		yw_map_start(w);
		yw_kv(w, "timezone", c->display_tz);
		yw_map_end(w);
	}
	yw_kv(w, "trust", c->signed_store ? "signed" : "unsigned");
	yw_map_end(w);
	rc = yw_finish(w, out, e);
	yw_free(w);
	return rc;
}

int
config_year_met(const struct config *c, long public_half, long pro_half)
{
	long total = public_half + pro_half;

	if (c->scheme == RULE_HUNAN)
		return total >= c->total_min * 2 &&
		    public_half >= c->public_min * 2 &&
		    pro_half >= c->pro_min * 2;
	return total >= c->total_min * 2 &&
	    pro_half * c->share_den >= total * c->share_num;
}

void
config_rule_text(const struct config *c, struct sbuf *out)
{
	if (c->scheme == RULE_HUNAN)
		sb_addf(out, "合计≥%ld，公需科目≥%ld，专业科目≥%ld", c->total_min,
		    c->public_min, c->pro_min);
	else
		sb_addf(out, "合计≥%ld，专业科目≥合计的%ld/%ld", c->total_min,
		    c->share_num, c->share_den);
}
