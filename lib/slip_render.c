/* slip_render.c - the slip as aligned text and as an A4 HTML page. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "escape.h"
#include "hash.h"
#include "err.h"
#include "i18n.h"
#include "qr.h"
#include "slip.h"
#include "slip_render.h"
#include "table.h"
#include "util.h"
#include "validate.h"
#include "xalloc.h"

const char *
slip_met_label(int met)
{
	return met ? "达标" : "不达标";
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "—";
}

const double slip_person_mm[6] = { 22, 40, 16, 26, 22, 56 };
const double slip_years_mm[10] = { 11, 25, 13, 17, 25, 13, 17, 16, 16, 29 };

void
slip_signer_line(const struct slip *sl, struct sbuf *sb)
{
	char fp[20];

	slip_signer_fp(sl, fp);
	sb_addf(sb, "签发：%s（密钥指纹 %s）", sl->signer, fp);
}

void
slip_check_lines(const struct slip *sl, struct sbuf *code, struct sbuf *qr)
{
	const char *agency = slip_issuer_name(sl);

	if (code && sl->copy)
		sb_adds(code, SLIP_COPY_NOTE);
	else if (code)
		sb_addf(code, "验证码：%s（核验：凭本单编号或验证码向%s查询，"
		    "由其运行 ceh verify-slip %s；任何数据被改动或出具后审核数据"
		    "有变化都会被查出）", sl->code, *agency ? agency :
		    "出具机构", sl->code);
	if (qr && !sl->copy && sl->signature && *sl->signature)
		sb_addf(qr, "离线核验：扫描二维码或照抄下方核验码，凭%s公布的公钥"
		    "运行 ceh verify-slip --trust 公钥文件 '核验码'，无需联系出具"
		    "机构", *agency ? agency : "出具机构");
}

/* ---- text ---- */

static void spaces(FILE *out, size_t n);

/* The lines after the basis: code, signature, copy and unsigned notes. */
/* s on lines of at most width columns (a character is never cut). */
static void
put_wrapped(FILE *out, const char *s, size_t width)
{
	size_t col = 0, n, w;
	char ch[8];

	while (*s) {
		n = 1;
		while ((s[n] & 0xc0) == 0x80 && n < 4)
			n++;
		memcpy(ch, s, n);
		ch[n] = '\0';
		w = utf8_width(ch);
		if (col + w > width) {
			putc('\n', out);
			col = 0;
		}
		fputs(ch, out);
		col += w;
		s += n;
	}
	putc('\n', out);
}

static void
text_trust(const struct slip *sl, FILE *out, size_t width)
{
	struct sbuf sb = SBUF_INIT, how = SBUF_INIT;
	char *pl;

	slip_check_lines(sl, &sb, &how);
	put_wrapped(out, sb.buf, width);
	sb_reset(&sb);
	if (!sl->copy && (pl = slip_payload(sl)) != NULL) {
		slip_signer_line(sl, &sb);
		fprintf(out, "%s\n", sb.buf);
		put_wrapped(out, how.buf, width);
		fprintf(out, "核验码：%s\n", pl);
		free(pl);
	}
	if (sl->unsigned_store)
		fprintf(out, "%s\n", SLIP_UNSIGNED_NOTE);
	sb_release(&sb);
	sb_release(&how);
}

static void
spaces(FILE *out, size_t n)
{
	while (n-- > 0)
		putc(' ', out);
}

/* right-aligned in width columns */
static void
print_right(FILE *out, const char *s, size_t width)
{
	size_t w = utf8_width(s);

	if (w < width)
		spaces(out, width - w);
	fputs(s, out);
}

/* The seal block as text: lines to sign on the left, the agency and the
 * date line on the right. */
static void
text_seal(const struct slip *sl, FILE *out, size_t width)
{
	static const char blank[] = "____________";
	struct sbuf sb = SBUF_INIT;
	size_t left = utf8_width(SLIP_SEAL_CLERK) + strlen(blank);

	sb_addf(&sb, "%s：%s", SLIP_SEAL_AGENCY, slip_issuer_name(sl));
	fprintf(out, "\n%s%s", SLIP_SEAL_CLERK, blank);
	print_right(out, sb.buf, left + 4 + utf8_width(sb.buf) < width ?
	    width - left : utf8_width(sb.buf) + 4);
	fprintf(out, "\n\n%s%s", SLIP_SEAL_REVIEWER, blank);
	print_right(out, SLIP_SEAL_DATE, left + 4 + utf8_width(sb.buf) < width ?
	    width - left - 4 : utf8_width(SLIP_SEAL_DATE) + 4);
	putc('\n', out);
	sb_release(&sb);
}

static size_t
maxw(size_t a, const char *s)
{
	size_t w = utf8_width(s ? s : "");

	return w > a ? w : a;
}

static void
unit_text(const struct slip *sl, struct sbuf *sb)
{
	if (sl->unit_name && *sl->unit_name)
		sb_addf(sb, "%s（%s）", sl->unit_name, sl->unit);
	else
		sb_adds(sb, sl->unit);
}

void
slip_render_text(const struct slip *sl, FILE *out)
{
	struct sbuf sb = SBUF_INIT;
	size_t wsub = utf8_width("科目名称"), wh = utf8_width("学时");
	size_t wform = utf8_width("继续教育形式"), width, i, w;
	char a[24], b[24], c[24];

	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		wsub = maxw(wsub, y->pub_subject);
		wsub = maxw(wsub, y->pro_subject);
		wform = maxw(wform, y->pub_form);
		wform = maxw(wform, y->pro_form);
		wh = maxw(wh, hours_fmt(y->total_half, a, sizeof(a)));
	}
	/* 年度(4) 科目(4) name hours form, two spaces between */
	width = 4 + 2 + 4 + 2 + wsub + 2 + wh + 2 + wform;
	if (width < 72)
		width = 72;
	if (sl->copy) {
		spaces(out, width - 4);
		fprintf(out, "%s\n", SLIP_COPY_MARK);
	}
	w = utf8_width(sl->title);
	if (w < width)
		spaces(out, (width - w) / 2);
	fprintf(out, "%s\n\n", sl->title);
	fprintf(out, "编号：%s", sl->number);
	w = utf8_width("编号：") + strlen(sl->number);
	sb_addf(&sb, "打印日期：%s", sl->printed_on);
	if (w + 2 + utf8_width(sb.buf) < width)
		spaces(out, width - w - utf8_width(sb.buf));
	else
		spaces(out, 2);
	fprintf(out, "%s\n\n", sb.buf);
	sb_reset(&sb);

	sb_addf(&sb, "姓名：%s", sl->name);
	print_padded(out, sb.buf, 24);
	sb_reset(&sb);
	sb_addf(&sb, "性别：%s", sl->sex);
	print_padded(out, sb.buf, 14);
	fprintf(out, "证件号码：%s\n", sl->id_number);
	sb_reset(&sb);
	unit_text(sl, &sb);
	fprintf(out, "工作单位：%s\n", sb.buf);
	sb_reset(&sb);
	sb_addf(&sb, "申报系列/子专业：%s / %s", sl->series, sl->specialty);
	print_padded(out, sb.buf, 38);
	fprintf(out, "  拟申报职称：%s\n", sl->title_level);
	fprintf(out, "核认年度：%d—%d（共 %zu 年）\n", sl->from, sl->to,
	    sl->nyears);
	fprintf(out, "认定标准：每年%s\n\n", sl->rule.text);
	sb_reset(&sb);

	print_padded(out, "年度", 6);
	print_padded(out, "科目", 6);
	print_padded(out, "科目名称", wsub + 2);
	print_right(out, "学时", wh);
	spaces(out, 2);
	fputs("继续教育形式\n", out);
	for (i = 0; i < width; i++)
		putc('-', out);
	putc('\n', out);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		fprintf(out, "%-4d  ", y->year);
		if (!y->approved) {
			print_padded(out, SLIP_NONE_LABEL, 4 + 2 + wsub + 2);
			print_right(out, "无", wh);
			fprintf(out, "  %s\n", slip_met_label(0));
			continue;
		}
		print_padded(out, "公需", 6);
		print_padded(out, or_dash(y->pub_subject), wsub + 2);
		print_right(out, hours_fmt(y->pub_half, a, sizeof(a)), wh);
		fprintf(out, "  %s\n", or_dash(y->pub_form));
		spaces(out, 6);
		print_padded(out, "专业", 6);
		print_padded(out, or_dash(y->pro_subject), wsub + 2);
		print_right(out, hours_fmt(y->pro_half, a, sizeof(a)), wh);
		fprintf(out, "  %s\n", or_dash(y->pro_form));
		spaces(out, 6);
		print_padded(out, "合计", 6 + wsub + 2);
		print_right(out, hours_fmt(y->total_half, a, sizeof(a)), wh);
		fprintf(out, "  %s\n", slip_met_label(y->met));
		spaces(out, 6);
		print_padded(out, "核认", 6);
		fprintf(out, "%s %s\n", y->agency_name && *y->agency_name ?
		    y->agency_name : or_dash(y->agency), y->approved_on);
	}
	for (i = 0; i < width; i++)
		putc('-', out);
	putc('\n', out);
	fprintf(out, "合计：公需科目 %s 学时，专业科目 %s 学时，共 %s 学时\n",
	    hours_fmt(sl->pub_half, a, sizeof(a)),
	    hours_fmt(sl->pro_half, b, sizeof(b)),
	    hours_fmt(sl->total_half, c, sizeof(c)));
	fprintf(out, "核认年度 %ld/%zu，达标年度 %ld/%zu；核认跨度内各年度均达标："
	    "%s\n\n", sl->years_approved, sl->nyears, sl->years_met,
	    sl->nyears, sl->all_met ? "是" : "否");
	fprintf(out, "依据：%s\n", sl->basis);
	text_trust(sl, out, width);
	text_seal(sl, out, width);
	sb_release(&sb);
}

/* ---- HTML ---- */

static void
td(FILE *out, const char *cls, const char *s)
{
	if (cls)
		fprintf(out, "<td class=\"%s\">", cls);
	else
		fputs("<td>", out);
	html_put(out, s);
	fputs("</td>", out);
}

/* The page's style; the font, the sizes and the column widths are the
 * PDF's (slip_render.h), filled in by html_style. */
static const char css[] =
    "@page { size: A4; margin: 15mm 14mm; }\n"
    "* { box-sizing: border-box; }\n"
    "body { margin: 0; color: #000; }\n"
    ".page { width: %gmm; margin: 0 auto; }\n"
    "h1 { text-align: center; margin: 0 0 4mm; letter-spacing: 1pt; }\n"
    ".meta { display: flex; justify-content: space-between; "
    "margin-bottom: 2.5mm; }\n"
    "table { width: 100%%; border-collapse: collapse; "
    "table-layout: fixed; }\n"
    "td, th { border: 0.6pt solid #000; "
    "vertical-align: middle; overflow-wrap: anywhere; }\n"
    "th { font-weight: bold; background: #ebebeb; text-align: center; "
    "white-space: nowrap; overflow-wrap: normal; }\n"
    ".person { margin-bottom: 4mm; }\n"
    ".years td { text-align: center; }\n"
    ".years td.l { text-align: left; }\n"
    ".years td.n { text-align: right; white-space: nowrap; }\n"
    "tr { page-break-inside: avoid; }\n"
    ".none { color: #444; }\n"
    ".sum td { font-weight: bold; background: #ebebeb; }\n"
    ".foot { margin-top: 10pt; }\n"
    ".foot p { margin: 0 0 4pt; }\n"
    ".big { font-weight: bold; }\n"
    ".code { font-weight: bold; letter-spacing: 0.3pt; }\n"
    ".qr { display: flex; gap: 3.5mm; align-items: flex-start; "
    "margin-top: 2mm; }\n.qr svg { flex: none; }\n"
    ".payload { font-size: 6.5pt; word-break: break-all; }\n"
    ".seal { display: flex; justify-content: space-between; "
    "align-items: flex-start; margin-top: 2.2em; }\n"
    ".seal p { margin: 0 0 2.5em; }\n"
    ".blank { display: inline-block; width: 38mm; "
    "border-bottom: 0.6pt solid #000; }\n"
    ".agency { width: 80mm; text-align: center; }\n"
    ".copymark { position: fixed; top: 0; right: 0; font-size: 20pt; "
    "font-weight: bold; border: 1.5pt solid #000; padding: 0 2mm; }\n"
    ".note { font-weight: bold; }\n"
    "@media screen { body { background: #888; } .page { background: #fff; "
    "padding: 15mm 14mm; width: 210mm; min-height: 297mm; "
    "margin: 5mm auto; } }\n";

/*
 * The body size, as the PDF chooses it (the largest from SLIP_BODY_PT
 * down that keeps the slip on one page), estimated: a year row takes
 * its lines (two for an approved year, its agency and date; more when a
 * subject wraps in its column) at 1.3 times the size, and its padding;
 * the rows have what the rest of the page leaves them.
 */
static double
html_size(const struct slip *sl)
{
	static const double sizes[] = { SLIP_BODY_PT, 9.5, 9, 8.5, 8, 7.5, 7 };
	double line, per, h, budget = sl->signature && *sl->signature ?
	    105 : 135;
	size_t i, k, l;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]) - 1; k++) {
		line = sizes[k] * 25.4 / 72;		/* mm */
		per = 2 * (slip_years_mm[1] - 2.2) / line;	/* columns */
		h = 0;
		for (i = 0; i < sl->nyears; i++) {
			const struct slip_year *y = &sl->years[i];

			l = y->approved ? 2 : 1;
			if ((size_t)(utf8_width(y->pub_subject) / per) + 1 > l)
				l = (size_t)(utf8_width(y->pub_subject) / per) +
				    1;
			if ((size_t)(utf8_width(y->pro_subject) / per) + 1 > l)
				l = (size_t)(utf8_width(y->pro_subject) / per) +
				    1;
			h += (double)l * line * 1.3 + 2.2;
		}
		if (h <= budget * sizes[k] / SLIP_BODY_PT + (SLIP_BODY_PT -
		    sizes[k]) * 6)
			break;
	}
	return sizes[k];
}

static void
html_style(const struct slip *sl, FILE *out)
{
	double size = html_size(sl);

	fprintf(out, "<style>\n");
	fprintf(out, css, SLIP_CONTENT_MM);
	fprintf(out, "body { font-family: %s; font-size: %gpt; }\n"
	    "h1 { font-size: %gpt; }\nth { font-size: %gpt; }\n"
	    "td, th { padding: %gpt; }\n"
	    ".big { font-size: %gpt; }\n</style>\n", SLIP_PDF_FONTS, size,
	    SLIP_TITLE_PT, size < SLIP_HEAD_PT ? size : SLIP_HEAD_PT,
	    0.3 * size, size + 1);
}

static void
colgroup(FILE *out, const double *mm, size_t n)
{
	size_t i;

	fputs("<colgroup>", out);
	for (i = 0; i < n; i++)
		fprintf(out, "<col style=\"width:%gmm\">", mm[i]);
	fputs("</colgroup>\n", out);
}

/* The QR code of a signed slip with its signer, how to check it and
 * the payload. */
static void
html_qr(const struct slip *sl, FILE *out)
{
	struct sbuf sb = SBUF_INIT;
	struct ceh_err e;
	struct qr q;
	char *pl = slip_payload(sl), *svg;

	if (pl == NULL)
		return;
	fputs("<div class=\"qr\">", out);
	if (qr_encode(pl, &q, &e) == 0) {
		svg = qr_svg(&q, 32);
		fputs(svg, out);
		free(svg);
		qr_free(&q);
	}
	slip_signer_line(sl, &sb);
	fputs("<div>", out);
	html_put(out, sb.buf);
	sb_reset(&sb);
	slip_check_lines(sl, NULL, &sb);
	fputs("<br>\n", out);
	html_put(out, sb.buf);
	fputs("<br>\n核验码：<span class=\"payload\">", out);
	html_put(out, pl);
	fputs("</span></div></div>\n", out);
	sb_release(&sb);
	free(pl);
}

/* The end of the foot: the verification line or the copy note, the
 * unsigned note, the QR block. */
static void
html_trust(const struct slip *sl, FILE *out)
{
	struct sbuf sb = SBUF_INIT;

	slip_check_lines(sl, &sb, NULL);
	if (sl->copy) {
		fputs("<p class=\"note\">", out);
		html_put(out, sb.buf);
	} else {
		/* "验证码：CODE（...）" with the code set off */
		fputs("<p>验证码：<span class=\"code\">", out);
		html_put(out, sl->code);
		fputs("</span>", out);
		html_put(out, sb.buf + strlen("验证码：") + strlen(sl->code));
	}
	fputs("</p>\n", out);
	if (sl->unsigned_store)
		fputs("<p class=\"note\">" SLIP_UNSIGNED_NOTE "</p>\n", out);
	if (!sl->copy)
		html_qr(sl, out);
	fputs("</div>\n", out);
	sb_release(&sb);
}

/* The seal block: lines to sign, the agency (to stamp) and the date. */
static void
html_seal(const struct slip *sl, FILE *out)
{
	fputs("<div class=\"seal\"><div class=\"signers\"><p>" SLIP_SEAL_CLERK
	    "<span class=\"blank\"></span></p><p>" SLIP_SEAL_REVIEWER
	    "<span class=\"blank\"></span></p></div>\n<div class=\"agency\">"
	    "<p>" SLIP_SEAL_AGENCY "：", out);
	html_put(out, slip_issuer_name(sl));
	fputs("</p><p>" SLIP_SEAL_DATE "</p></div></div>\n", out);
}

void
slip_render_html(const struct slip *sl, FILE *out)
{
	struct sbuf sb = SBUF_INIT;
	char a[24], b[24], c[24];
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", out);
	html_put(out, sl->title);
	fputs(" ", out);
	html_put(out, sl->number);
	fputs("</title>\n", out);
	html_style(sl, out);
	fputs("</head>\n<body>\n<div class=\"page\">\n<h1>", out);
	html_put(out, sl->title);
	fputs("</h1>\n<div class=\"meta\"><span>编号：", out);
	html_put(out, sl->number);
	fputs("</span><span>打印日期：", out);
	html_put(out, sl->printed_on);
	fputs("</span></div>\n", out);

	if (sl->copy)
		fputs("<div class=\"copymark\">" SLIP_COPY_MARK "</div>\n", out);
	fputs("<table class=\"person\">\n", out);
	colgroup(out, slip_person_mm, 6);
	fputs("<tr><th>姓名</th>", out);
	td(out, NULL, sl->name);
	fputs("<th>性别</th>", out);
	td(out, NULL, sl->sex);
	fputs("<th>证件号码</th>", out);
	td(out, NULL, sl->id_number);
	fputs("</tr>\n<tr><th>工作单位</th><td colspan=\"5\">", out);
	unit_text(sl, &sb);
	html_put(out, sb.buf);
	sb_reset(&sb);
	fputs("</td></tr>\n<tr><th>申报系列</th>", out);
	td(out, NULL, sl->series);
	fputs("<th>子专业</th>", out);
	td(out, NULL, sl->specialty);
	fputs("<th>拟申报职称</th>", out);
	td(out, NULL, sl->title_level);
	fprintf(out, "</tr>\n<tr><th>核认年度</th><td colspan=\"2\">%d—%d"
	    "（共 %zu 年）</td><th>认定标准</th><td colspan=\"2\">每年", sl->from,
	    sl->to, sl->nyears);
	html_put(out, sl->rule.text);
	fputs("</td></tr>\n</table>\n", out);

	fputs("<table class=\"years\">\n", out);
	colgroup(out, slip_years_mm, 10);
	fputs("<tr><th rowspan=\"2\">年度</th><th colspan=\"3\">公需科目</th>"
	    "<th colspan=\"3\">专业科目</th><th rowspan=\"2\">合计学时</th>"
	    "<th rowspan=\"2\">是否达标</th><th rowspan=\"2\">核认机构及日期"
	    "</th></tr>\n<tr><th>名称</th><th>学时</th><th>形式</th>"
	    "<th>名称</th><th>学时</th><th>形式</th></tr>\n", out);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		fprintf(out, "<tr><td>%d</td>", y->year);
		if (!y->approved) {
			fputs("<td class=\"none\" colspan=\"6\">"
			    SLIP_NONE_LABEL "</td><td class=\"n\">无</td>", out);
			td(out, NULL, slip_met_label(0));
			fputs("<td>—</td></tr>\n", out);
			continue;
		}
		td(out, "l", or_dash(y->pub_subject));
		td(out, "n", hours_fmt(y->pub_half, a, sizeof(a)));
		td(out, NULL, or_dash(y->pub_form));
		td(out, "l", or_dash(y->pro_subject));
		td(out, "n", hours_fmt(y->pro_half, a, sizeof(a)));
		td(out, NULL, or_dash(y->pro_form));
		td(out, "n", hours_fmt(y->total_half, a, sizeof(a)));
		td(out, NULL, slip_met_label(y->met));
		fputs("<td class=\"l\">", out);
		html_put(out, y->agency_name && *y->agency_name ?
		    y->agency_name : or_dash(y->agency));
		fputs("<br>", out);
		html_put(out, y->approved_on);
		fputs("</td></tr>\n", out);
	}
	fprintf(out, "<tr class=\"sum\"><td>合计</td><td></td>"
	    "<td class=\"n\">%s</td><td></td><td></td><td class=\"n\">%s</td>"
	    "<td></td><td class=\"n\">%s</td><td>%ld/%zu</td><td></td></tr>\n"
	    "</table>\n", hours_fmt(sl->pub_half, a, sizeof(a)),
	    hours_fmt(sl->pro_half, b, sizeof(b)),
	    hours_fmt(sl->total_half, c, sizeof(c)), sl->years_met,
	    sl->nyears);
	fprintf(out, "<div class=\"foot\"><p class=\"big\">核认年度 %ld/%zu，"
	    "达标年度 %ld/%zu；核认跨度内各年度均达标：%s</p>\n<p>依据：",
	    sl->years_approved, sl->nyears, sl->years_met, sl->nyears,
	    sl->all_met ? "是" : "否");
	html_put(out, sl->basis);
	fputs("</p>\n", out);
	html_trust(sl, out);
	html_seal(sl, out);
	fputs("</div>\n</body>\n</html>\n", out);
	sb_release(&sb);
}

#ifndef CEH_LIBDIR
#define CEH_LIBDIR "/usr/local/lib/ceh"
#endif
#define PDF_MODULE "slip-pdf.so"

/* Load the module at path and check it is built for this ceh. */
static const struct slip_pdf_module *
load_module(const char *path, struct ceh_err *e)
{
	const struct slip_pdf_module *m;
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);

	if (h == NULL) {
		ceh_fail(e, CEH_ESYS, _("cannot load the PDF module '%.400s': "
		    "%.400s"), path, dlerror());
		return NULL;
	}
	m = dlsym(h, SLIP_PDF_MODULE_SYM);
	if (m == NULL || m->abi != SLIP_RENDER_ABI ||
	    m->slip_size != sizeof(struct slip) || m->render == NULL) {
		if (m == NULL)
			ceh_fail(e, CEH_ESYS, _("'%.400s' is not a PDF module of "
			    "this ceh (it has no version: an older "
			    "installation?); reinstall ceh or set CEH_LIBDIR"),
			    path);
		else
			ceh_fail(e, CEH_ESYS, _("'%.400s' is the PDF module of "
			    "another ceh version (version %d, this ceh needs "
			    "%d); reinstall ceh or set CEH_LIBDIR"), path,
			    m->abi, SLIP_RENDER_ABI);
		/* not dlclose'd: unloading glib and fontconfig would leave
		 * what their constructors allocated unreachable (a leak) */
		return NULL;
	}
	return m;	/* loaded for the life of the process */
}

/* The places to look for the module, in order: $CEH_LIBDIR when set
 * (only there), else the executable's folder, build/ beside it and the
 * installed CEH_LIBDIR. */
static size_t
module_paths(char paths[3][PATH_MAX + 64])
{
	const char *env = getenv("CEH_LIBDIR");
	char exe[PATH_MAX];
	size_t np = 0;

	if (env && *env) {
		snprintf(paths[np++], PATH_MAX + 64, "%s/%s", env, PDF_MODULE);
		return np;
	}
	if (exe_dir(exe, sizeof(exe)) == 0) {
		snprintf(paths[np++], PATH_MAX + 64, "%s/%s", exe, PDF_MODULE);
		snprintf(paths[np++], PATH_MAX + 64, "%s/build/%s", exe,
		    PDF_MODULE);
	}
	snprintf(paths[np++], PATH_MAX + 64, "%s/%s", CEH_LIBDIR, PDF_MODULE);
	return np;
}

/* Find and load the PDF module once: the first of module_paths that
 * exists; NULL with e filled on failure. */
static const struct slip_pdf_module *
pdf_module(struct ceh_err *e)
{
	static const struct slip_pdf_module *m;
	char paths[3][PATH_MAX + 64], tried[1024] = "";
	size_t i, np, l;

	if (m)
		return m;
	np = module_paths(paths);
	for (i = 0; i < np; i++) {
		if (access(paths[i], R_OK) == 0)
			return m = load_module(paths[i], e);
		l = strlen(tried);
		if (l + strlen(paths[i]) + 3 < sizeof(tried))
			snprintf(tried + l, sizeof(tried) - l, "%s%s",
			    l ? ", " : "", paths[i]);
	}
	ceh_fail(e, CEH_ESYS, _("PDF output needs the module %s (looked in "
	    "%.800s); reinstall ceh or set CEH_LIBDIR"), PDF_MODULE, tried);
	return NULL;
}

int
slip_render_pdf(const struct slip *sl, FILE *out, struct ceh_err *e)
{
	const struct slip_pdf_module *mod = pdf_module(e);

	return mod ? mod->render(sl, out, e) : -1;
}

/* ---- PDF/A-2b ---- */

static void
be32(struct sbuf *b, unsigned long v)
{
	sb_addc(b, (char)(v >> 24));
	sb_addc(b, (char)(v >> 16));
	sb_addc(b, (char)(v >> 8));
	sb_addc(b, (char)v);
}

/* An s15Fixed16 number. */
static void
fixed(struct sbuf *b, double v)
{
	be32(b, (unsigned long)(long)(v * 65536 + (v < 0 ? -0.5 : 0.5)) &
	    0xffffffffUL);
}

static void
xyz_tag(struct sbuf *b, double x, double y, double z)
{
	sb_add(b, "XYZ \0\0\0\0", 8);
	fixed(b, x);
	fixed(b, y);
	fixed(b, z);
}

/*
 * The output intent's profile: a small ICC v2.1 display profile of sRGB
 * (the primaries adapted to D50, a gamma of 2.2), made here so that the
 * PDF needs no file from the system.
 */
static void
srgb_icc(struct sbuf *out)
{
	static const char *const sig[9] = { "desc", "cprt", "wtpt", "rXYZ",
	    "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC" };
	static const double prim[3][3] = { { 0.4361, 0.2225, 0.0139 },
	    { 0.3851, 0.7169, 0.0971 }, { 0.1431, 0.0606, 0.7141 } };
	struct sbuf data = SBUF_INIT, t = SBUF_INIT;
	size_t off[9], len[9], base = 128 + 4 + 9 * 12, i;
	static const char desc[] = "sRGB (ceh)", cprt[] = "No copyright";

	for (i = 0; i < 9; i++) {
		sb_reset(&t);
		if (i == 0) {
			sb_add(&t, "desc\0\0\0\0", 8);
			be32(&t, sizeof(desc));
			sb_add(&t, desc, sizeof(desc));
			sb_add(&t, "\0\0\0\0\0\0\0\0\0\0\0", 11);
			while (t.len < 8 + 4 + sizeof(desc) + 8 + 2 + 1 + 67)
				sb_addc(&t, '\0');
		} else if (i == 1) {
			sb_add(&t, "text\0\0\0\0", 8);
			sb_add(&t, cprt, sizeof(cprt));
		} else if (i == 2)
			xyz_tag(&t, 0.9642, 1.0, 0.8249);
		else if (i < 6)
			xyz_tag(&t, prim[i - 3][0], prim[i - 3][1],
			    prim[i - 3][2]);
		else if (i == 6) {
			sb_add(&t, "curv\0\0\0\0", 8);
			be32(&t, 1);
			sb_add(&t, "\x02\x33", 2);	/* gamma 2.2, u8Fixed8 */
		}
		if (i > 6) {		/* the TRCs share one curve */
			off[i] = off[6];
			len[i] = len[6];
			continue;
		}
		while (data.len % 4)
			sb_addc(&data, '\0');
		off[i] = base + data.len;
		len[i] = t.len;
		sb_add(&data, t.buf, t.len);
	}
	while (data.len % 4)
		sb_addc(&data, '\0');
	be32(out, base + data.len);
	be32(out, 0);
	be32(out, 0x02100000UL);
	sb_add(out, "mntrRGB XYZ ", 12);
	/* 2026-01-01 00:00:00 */
	sb_add(out, "\x07\xea\0\x01\0\x01\0\0\0\0\0\0", 12);
	sb_add(out, "acsp", 4);
	while (out->len < 64)
		sb_addc(out, '\0');
	be32(out, 0);			/* perceptual */
	fixed(out, 0.9642);
	fixed(out, 1.0);
	fixed(out, 0.8249);
	while (out->len < 128)
		sb_addc(out, '\0');
	be32(out, 9);
	for (i = 0; i < 9; i++) {
		sb_add(out, sig[i], 4);
		be32(out, off[i]);
		be32(out, len[i]);
	}
	sb_add(out, data.buf, data.len);
	sb_release(&data);
	sb_release(&t);
}

static void
xml_put(struct sbuf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': sb_adds(b, "&lt;"); break;
		case '>': sb_adds(b, "&gt;"); break;
		case '&': sb_adds(b, "&amp;"); break;
		case '"': sb_adds(b, "&quot;"); break;
		default: sb_addc(b, *s);
		}
}

/* s (UTF-8) as a PDF text string: UTF-16BE with a BOM, in hex. */
static void
pdf_text(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;

	sb_adds(b, "<FEFF");
	while (*p) {
		if (*p < 0x80)
			cp = *p++;
		else if ((*p & 0xe0) == 0xc0 && p[1]) {
			cp = ((unsigned long)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			cp = ((unsigned long)(*p & 0x0f) << 12) |
			    ((unsigned long)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			p += 3;
		} else if (p[1] && p[2] && p[3]) {
			cp = ((unsigned long)(*p & 0x07) << 18) |
			    ((unsigned long)(p[1] & 0x3f) << 12) |
			    ((unsigned long)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
			p += 4;
		} else
			break;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			sb_addf(b, "%04lX%04lX", 0xd800 + (cp >> 10),
			    0xdc00 + (cp & 0x3ff));
		} else
			sb_addf(b, "%04lX", cp);
	}
	sb_addc(b, '>');
}

/* The number after key in the trailer dictionary text t ("/Size 34"). */
static long
trailer_num(const char *t, const char *key)
{
	const char *p = strstr(t, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The dictionary of object num in pdf: "<< ... >>" without the
 * brackets, into d; -1 if it is not there as "NUM 0 obj\n<<". */
static int
object_dict(const char *pdf, size_t len, long num, struct sbuf *d)
{
	char head[32];
	const char *p, *q, *end = pdf + len;

	snprintf(head, sizeof(head), "\n%ld 0 obj", num);
	if ((p = memmem(pdf, len, head, strlen(head))) == NULL)
		return -1;
	p += strlen(head);
	while (p < end && (*p == '\n' || *p == ' ' || *p == '\r'))
		p++;
	if (end - p < 2 || memcmp(p, "<<", 2) != 0 ||
	    (q = memmem(p, (size_t)(end - p), "endobj", 6)) == NULL)
		return -1;
	while (q > p && memcmp(q - 2, ">>", 2) != 0)
		q--;
	if (q - p < 4)
		return -1;
	sb_add(d, p + 2, (size_t)(q - 2 - (p + 2)));
	return 0;
}

/*
 * The PDF pdf (cairo's, a classic cross-reference table) made PDF/A-2b
 * by an incremental update (ISO 19005-2 allows one): an XMP metadata
 * stream saying part 2, conformance B, with the title, creator, producer
 * and creation date, the same as in a new document information
 * dictionary; an output intent (GTS_PDFA1) with the sRGB profile above;
 * the catalog again with both; the trailer with a document ID.
 */
static int
pdfa_update(const struct slip *sl, const char *pdf, size_t len,
    struct sbuf *out, struct ceh_err *e)
{
	struct sbuf cat = SBUF_INIT, xmp = SBUF_INIT, icc = SBUF_INIT;
	struct sbuf info = SBUF_INIT;
	const char *t, *sx;
	char date[24], pdate[24], id[SHA256_HEX_LEN + 1];
	long size, root, oinfo, prev, n, off[5], xref;
	size_t i;
	int rc = -1;

	sx = NULL;
	for (t = pdf; (t = memmem(t, len - (size_t)(t - pdf), "startxref",
	    9)) != NULL; t += 9)
		sx = t;
	t = NULL;
	if (sx) {
		const char *q;

		for (q = pdf; (q = memmem(q, (size_t)(sx - q), "trailer",
		    7)) != NULL; q += 7)
			t = q;
	}
	if (sx == NULL || t == NULL) {
		ceh_fail(e, CEH_ESYS, _("cannot make the PDF/A: no trailer"));
		goto out;
	}
	sb_add(&info, t, (size_t)(sx - t));
	size = trailer_num(info.buf, "/Size");
	root = trailer_num(info.buf, "/Root");
	oinfo = trailer_num(info.buf, "/Info");
	prev = strtol(sx + 9, NULL, 10);
	sb_reset(&info);
	if (size < 1 || root < 1 || oinfo < 1 || prev < 1 ||
	    object_dict(pdf, len, root, &cat) < 0 || strstr(cat.buf,
	    "/Metadata") != NULL) {
		ceh_fail(e, CEH_ESYS, _("cannot make the PDF/A: the PDF is not "
		    "as expected"));
		goto out;
	}
	/* issued "2025-06-01T02:00:00Z" */
	snprintf(date, sizeof(date), "%.19sZ", sl->issued ? sl->issued : "");
	snprintf(pdate, sizeof(pdate), "D:%.4s%.2s%.2s%.2s%.2s%.2sZ", date,
	    date + 5, date + 8, date + 11, date + 14, date + 17);
	sha256_hex(sl->number ? sl->number : "", sl->number ?
	    strlen(sl->number) : 0, id);

	sb_adds(&xmp, "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	    "<rdf:Description rdf:about=\"\"\n"
	    " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	    " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
	    "<pdfaid:part>2</pdfaid:part>\n"
	    "<pdfaid:conformance>B</pdfaid:conformance>\n"
	    "<dc:format>application/pdf</dc:format>\n"
	    "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	xml_put(&xmp, sl->title ? sl->title : "");
	sb_addf(&xmp, "</rdf:li></rdf:Alt></dc:title>\n"
	    "<xmp:CreatorTool>ceh print-slip</xmp:CreatorTool>\n"
	    "<xmp:CreateDate>%s</xmp:CreateDate>\n"
	    "<pdf:Producer>ceh</pdf:Producer>\n"
	    "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>\n", date);
	srgb_icc(&icc);

	sb_add(out, pdf, len);
	if (out->len && out->buf[out->len - 1] != '\n')
		sb_addc(out, '\n');
	n = size;
	off[0] = (long)out->len;		/* the metadata */
	sb_addf(out, "%ld 0 obj\n<< /Type /Metadata /Subtype /XML /Length %zu "
	    ">>\nstream\n", n, xmp.len);
	sb_add(out, xmp.buf, xmp.len);
	sb_adds(out, "\nendstream\nendobj\n");
	off[1] = (long)out->len;		/* the profile */
	sb_addf(out, "%ld 0 obj\n<< /N 3 /Length %zu >>\nstream\n", n + 1,
	    icc.len);
	sb_add(out, icc.buf, icc.len);
	sb_adds(out, "\nendstream\nendobj\n");
	off[2] = (long)out->len;		/* the output intent */
	sb_addf(out, "%ld 0 obj\n<< /Type /OutputIntent /S /GTS_PDFA1 "
	    "/OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB) "
	    "/DestOutputProfile %ld 0 R >>\nendobj\n", n + 2, n + 1);
	off[3] = (long)out->len;		/* the information again */
	sb_addf(out, "%ld 0 obj\n<< /Title ", oinfo);
	pdf_text(out, sl->title ? sl->title : "");
	sb_addf(out, " /Creator (ceh print-slip) /Producer (ceh) "
	    "/CreationDate (%s) >>\nendobj\n", pdate);
	off[4] = (long)out->len;		/* the catalog again */
	sb_addf(out, "%ld 0 obj\n<<%s /Metadata %ld 0 R /OutputIntents "
	    "[%ld 0 R] >>\nendobj\n", root, cat.buf, n, n + 2);
	xref = (long)out->len;
	sb_addf(out, "xref\n0 1\n0000000000 65535 f \n%ld 3\n", n);
	for (i = 0; i < 3; i++)
		sb_addf(out, "%010ld 00000 n \n", off[i]);
	sb_addf(out, "%ld 1\n%010ld 00000 n \n", oinfo, off[3]);
	sb_addf(out, "%ld 1\n%010ld 00000 n \n", root, off[4]);
	sb_addf(out, "trailer\n<< /Size %ld /Root %ld 0 R /Info %ld 0 R "
	    "/Prev %ld /ID [<%.32s> <%.32s>] >>\nstartxref\n%ld\n%%%%EOF\n",
	    n + 3, root, oinfo, prev, id, id, xref);
	rc = 0;
out:
	sb_release(&cat);
	sb_release(&xmp);
	sb_release(&icc);
	sb_release(&info);
	return rc;
}

int
slip_render_pdfa(const struct slip *sl, FILE *out, struct ceh_err *e)
{
	struct sbuf res = SBUF_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if ((mem = open_memstream(&buf, &len)) == NULL)
		return ceh_fail_errno(e, _("cannot render the slip"));
	rc = slip_render_pdf(sl, mem, e);
	if (fclose(mem) != 0 && rc == 0)
		rc = ceh_fail_errno(e, _("cannot render the slip"));
	if (rc == 0 && (rc = pdfa_update(sl, buf, len, &res, e)) == 0 &&
	    fwrite(res.buf, 1, res.len, out) != res.len)
		rc = ceh_fail_errno(e, _("cannot write the PDF"));
	free(buf);
	sb_release(&res);
	return rc;
}
