/*
 * slip_pdf.c - the PDF renderer, built as a module (slip-pdf.so) that
 * `ceh print-slip --format pdf` loads with dlopen (see slip_render.h), so
 * the 40-odd libraries of pango, cairo and fontconfig are not loaded by
 * every other command.  It calls back into the ceh executable for the
 * library functions it uses (ceh exports exactly those: the Makefile
 * lists this module's undefined symbols in build/exports.list).
 *
 * The slip as one A4 PDF page: cairo draws, pango lays out
 * and shapes the Chinese text, fontconfig finds the font (SLIP_PDF_FONTS).
 * cairo embeds each font as a subset of the glyphs used, with a
 * ToUnicode map, so the file stays small and pdftotext reads it.  The only
 * file that includes cairo's and pango's headers.
 *
 * fontconfig gets a configuration of its own (own_fonts): the folders that
 * hold the fonts fontconfig chose for SLIP_PDF_FONTS when ceh was built
 * (tools/slipfonts.sh), their caches, only the faces of those families,
 * and WenQuanYi's hinting rule.  Bold is the regular face drawn twice,
 * a little apart (show()): the fonts have no bold face, and fontconfig's
 * synthetic bold made cairo embed two more subsets by its slow Type 1
 * fallback.
 * FcInit would read some forty configuration files and every font
 * folder's cache, and pango would sort all the fonts for each size: about
 * a third of the time of a slip.  The document is the same, byte for
 * byte.  When those fonts lack a character (pango shows no glyph), or
 * that configuration cannot be made, the slip is drawn again with
 * fontconfig's whole configuration, as before.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "i18n.h"
#include "qr.h"
#include "slip.h"
#include "slip_render.h"
#include "validate.h"
#include "xalloc.h"
#if defined(__has_include)
#if __has_include("slip_fonts.h")
#include "slip_fonts.h"	/* generated: SLIP_FONT_DIRS, SLIP_FONT_CACHEDIR */
#endif
#endif

#define PAGE_W 595.28	/* A4 in points */
#define PAGE_H 841.89
#define MM (72 / 25.4)	/* points a millimetre */
#define CONTENT_W (SLIP_CONTENT_MM * MM)	/* the HTML page's width */
#define MARGIN ((PAGE_W - CONTENT_W) / 2)
#define PAD (0.3 * p->size)	/* a cell's padding: 0.3em, as in the HTML */

enum align { AL_LEFT, AL_CENTER, AL_RIGHT };

/* A layout made once, by the measuring pass, and drawn by the next. */
struct laid {
	char *text;
	double size, width;
	int bold;
	enum align al;
	PangoLayout *l;
};

struct pdf {
	cairo_t *cr;
	PangoContext *ctx;
	int missing;		/* glyphs no font could show */
	int measure;		/* lay out only, draw nothing */
	int copy;		/* 副本 on every page */
	double size;		/* the body size */
	struct laid *laid;	/* every layout made, for layout() */
	size_t nlaid, alaid;
};

struct cell {
	double w;
	const char *text;
	int bold;
	enum align align;
	int shade;
};

static cairo_status_t
write_fn(void *closure, const unsigned char *data, unsigned int len)
{
	sb_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* The rule of the system's configuration kept in ours: WenQuanYi's
 * hinting (65-wqy-microhei.conf). */
#define OWN_RULES \
	"<match target=\"font\"><test name=\"family\">" \
	"<string>WenQuanYi Micro Hei</string></test><edit name=\"hinting\" " \
	"mode=\"assign\"><bool>false</bool></edit></match>"

/* Make fontconfig's current configuration the slip's own (see the top of
 * the file), before pango starts fontconfig; 1 if it is. */
static int
own_fonts(void)
{
#ifdef SLIP_FONT_DIRS
	static const char *const dirs[] = { SLIP_FONT_DIRS };
	struct sbuf x = SBUF_INIT;
	const char *f, *e = NULL;
	FcConfig *c;
	size_t i, n, ndirs = 0;
	int ok;

	sb_adds(&x, "<?xml version=\"1.0\"?><fontconfig>");
	for (i = 0; dirs[i] != NULL; i++)
		if (access(dirs[i], R_OK) == 0) {
			sb_addf(&x, "<dir>%s</dir>", dirs[i]);
			ndirs++;
		}
#ifdef SLIP_FONT_CACHEDIR
	sb_adds(&x, "<cachedir>" SLIP_FONT_CACHEDIR "</cachedir>");
#endif
	sb_adds(&x, "<cachedir prefix=\"xdg\">fontconfig</cachedir>"
	    OWN_RULES);
	/* of those folders' fonts, only the families of SLIP_PDF_FONTS
	 * (not Noto's Japanese, Korean and traditional faces, whose
	 * characters are the same: pango would sort them all for each
	 * size to find nothing new) */
	sb_adds(&x, "<selectfont><rejectfont><pattern/></rejectfont>"
	    "<acceptfont>");
	for (f = SLIP_PDF_FONTS; *f; f = e ? e + 1 : f + strlen(f)) {
		f += strspn(f, " ");
		e = strchr(f, ',');
		n = e ? (size_t)(e - f) : strlen(f);
		while (n > 0 && f[n - 1] == ' ')
			n--;
		if (n > 0)
			sb_addf(&x, "<pattern><patelt name=\"family\"><string>"
			    "%.*s</string></patelt></pattern>", (int)n, f);
	}
	sb_adds(&x, "</acceptfont></selectfont></fontconfig>");
	ok = ndirs > 0 && (c = FcConfigCreate()) != NULL;
	if (ok) {
		/* FcConfigSetCurrent builds the font list and keeps a
		 * reference of its own */
		ok = FcConfigParseAndLoadFromMemory(c, (const FcChar8 *)x.buf,
		    FcFalse) && FcConfigSetCurrent(c);
		FcConfigDestroy(c);
	}
	sb_release(&x);
	return ok;
#else
	return 0;
#endif
}

/* Back to fontconfig's whole configuration. */
static void
system_fonts(void)
{
	FcConfig *c = FcInitLoadConfigAndFonts();

	if (c != NULL) {
		FcConfigSetCurrent(c);
		FcConfigDestroy(c);
	}
}

/* The text laid out (a reference the caller drops with g_object_unref):
 * the layout made before for the same text, size, weight, width and
 * alignment, or a new one.  Shaping is most of the time of a slip, and
 * the pass that measures makes every layout the drawing pass needs. */
static PangoLayout *
layout(struct pdf *p, const char *text, double size, int bold, double width,
    enum align al)
{
	PangoLayout *l;
	PangoFontDescription *fd;
	struct laid *d;
	size_t i;

	for (i = 0; i < p->nlaid; i++) {
		d = &p->laid[i];
		if (d->size == size && d->width == width && d->bold == bold &&
		    d->al == al && strcmp(d->text, text) == 0)
			return g_object_ref(d->l);
	}
	l = pango_layout_new(p->ctx);
	fd = pango_font_description_new();

	pango_font_description_set_family(fd, SLIP_PDF_FONTS);
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	/* bold is drawn by show(), from the regular face (the fonts have
	 * no bold face; fontconfig's synthetic bold made cairo embed two
	 * more subsets through its slow Type 1 fallback) */
	pango_font_description_set_weight(fd, PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, al == AL_CENTER ? PANGO_ALIGN_CENTER :
	    al == AL_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, text, -1);
	if (pango_layout_get_unknown_glyphs_count(l) > 0)
		p->missing = 1;
	if (p->nlaid == p->alaid) {
		p->alaid = p->alaid ? 2 * p->alaid : 64;
		p->laid = xrealloc(p->laid, p->alaid * sizeof(*p->laid));
	}
	p->laid[p->nlaid++] = (struct laid){ xstrdup(text), size, width, bold,
	    al, g_object_ref(l) };
	return l;
}

static double
layout_h(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Draw l at the current point; bold as two impressions BOLD_SHIFT of
 * the size apart (the same growth as synthetic bold), which text
 * extraction (poppler's fake-boldface rule) reads once. */
#define BOLD_SHIFT 0.045

static void
show(struct pdf *p, PangoLayout *l, double size, int bold)
{
	double x, y;

	cairo_get_current_point(p->cr, &x, &y);
	pango_cairo_show_layout(p->cr, l);
	if (bold) {
		cairo_move_to(p->cr, x + BOLD_SHIFT * size, y);
		pango_cairo_show_layout(p->cr, l);
	}
}

/* Text at (x, y), wrapped to width; returns its height. */
static double
text_at(struct pdf *p, double x, double y, double width, const char *s,
    double size, int bold, enum align al)
{
	PangoLayout *l = layout(p, s, size, bold, width, al);
	double h = layout_h(l);

	if (!p->measure) {
		cairo_move_to(p->cr, x, y);
		show(p, l, size, bold);
	}
	g_object_unref(l);
	return h;
}

/* The mark of a copy, boxed at the top right of the page. */
static void
copy_mark(struct pdf *p)
{
	double h;

	if (!p->copy || p->measure)
		return;
	h = text_at(p, PAGE_W - MARGIN - 60, MARGIN / 2 - 8, 60,
	    SLIP_COPY_MARK, 16, 1, AL_CENTER);
	cairo_set_line_width(p->cr, 1.2);
	cairo_rectangle(p->cr, PAGE_W - MARGIN - 60, MARGIN / 2 - 8, 60, h);
	cairo_stroke(p->cr);
}

/* Start a new page unless h more points fit below y. */
static void
need(struct pdf *p, double *y, double h)
{
	if (p->measure || *y + h <= PAGE_H - MARGIN)
		return;
	cairo_show_page(p->cr);
	copy_mark(p);
	*y = MARGIN;
}

/* The QR matrix, side points a side, quiet zone included, at (x, y). */
static void
qr_draw(struct pdf *p, const struct qr *q, double x, double y, double side)
{
	int n = q->width + 2 * QR_QUIET, i, j;
	double m = side / n;

	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, side, side);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (j = 0; j < q->width; j++)
		for (i = 0; i < q->width; i++)
			if (qr_dark(q, i, j))
				cairo_rectangle(p->cr, x + (i + QR_QUIET) * m,
				    y + (j + QR_QUIET) * m, m, m);
	cairo_fill(p->cr);
}

#define QR_SIDE 92.0	/* points, about 32 mm */

/* A signed slip's QR code with the signer and the payload beside it;
 * returns the height used. */
static double
qr_block(struct pdf *p, const struct slip *sl, double y, double size)
{
	struct sbuf sb = SBUF_INIT;
	struct ceh_err e;
	struct qr q;
	char *pl = slip_payload(sl);
	double tx = MARGIN + QR_SIDE + 10, tw = CONTENT_W - QR_SIDE - 10, h;

	if (pl == NULL)
		return 0;
	if (!p->measure && qr_encode(pl, &q, &e) == 0) {
		qr_draw(p, &q, MARGIN, y, QR_SIDE);
		qr_free(&q);
	}
	slip_signer_line(sl, &sb);
	h = text_at(p, tx, y + 4, tw, sb.buf, size, 0, AL_LEFT);
	sb_reset(&sb);
	slip_check_lines(sl, NULL, &sb);
	h += text_at(p, tx, y + 8 + h, tw, sb.buf, size, 0, AL_LEFT);
	h += text_at(p, tx, y + 12 + h, tw, "核验码：", size, 0, AL_LEFT);
	h += text_at(p, tx, y + 12 + h, tw, pl, 6.5, 0, AL_LEFT);
	sb_release(&sb);
	free(pl);
	return (h + 12 > QR_SIDE ? h + 12 : QR_SIDE) + 6;
}

/* A row of bordered cells from x = MARGIN at *y (on a new page if it
 * does not fit); *y moves below it. */
static void
row(struct pdf *p, const struct cell *c, size_t n, double *yp, double size)
{
	double y;

	PangoLayout *l[16];
	double h = 0, x, lh;
	size_t i;

	/* a number (right-aligned) is never wrapped, as in the HTML */
	for (i = 0; i < n && i < 16; i++) {
		l[i] = layout(p, c[i].text ? c[i].text : "", size, c[i].bold,
		    c[i].align == AL_RIGHT ? 0 : c[i].w - 2 * PAD,
		    c[i].align);
		lh = layout_h(l[i]) + 2 * PAD;
		if (lh > h)
			h = lh;
	}
	need(p, yp, h);
	y = *yp;
	*yp += h;
	x = MARGIN;
	cairo_set_line_width(p->cr, 0.6);
	for (i = 0; i < n && i < 16; i++) {
		if (p->measure) {
			g_object_unref(l[i]);
			continue;
		}
		if (c[i].shade) {
			cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
			cairo_rectangle(p->cr, x, y, c[i].w, h);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
		}
		cairo_rectangle(p->cr, x, y, c[i].w, h);
		cairo_stroke(p->cr);
		if (c[i].align == AL_RIGHT) {
			int tw, th;

			pango_layout_get_size(l[i], &tw, &th);
			cairo_move_to(p->cr, x + c[i].w - PAD - (double)tw /
			    PANGO_SCALE, y + (h - layout_h(l[i])) / 2);
		} else
			cairo_move_to(p->cr, x + PAD, y + (h -
			    layout_h(l[i])) / 2);
		show(p, l[i], size, c[i].bold);
		g_object_unref(l[i]);
		x += c[i].w;
	}
}

static double
span(const double *w, size_t from, size_t n)
{
	double s = 0;

	while (n-- > 0)
		s += w[from++];
	return s;
}

/* The column widths of slip_render.h in points. */
static double pw[6], yw[10];

static void
widths(void)
{
	size_t i;

	for (i = 0; i < 6; i++)
		pw[i] = slip_person_mm[i] * MM;
	for (i = 0; i < 10; i++)
		yw[i] = slip_years_mm[i] * MM;
}

/* A header cell at (x, y), w by h, shaded and boxed, its text on one
 * line (never wrapped), centred. */
static void
head_cell(struct pdf *p, double x, double y, double w, double h,
    const char *text, double size)
{
	PangoLayout *l;
	int tw, th;

	if (p->measure)
		return;
	cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, 0.6);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_stroke(p->cr);
	l = layout(p, text, size, 1, 0, AL_LEFT);
	pango_layout_get_size(l, &tw, &th);
	cairo_move_to(p->cr, x + (w - (double)tw / PANGO_SCALE) / 2,
	    y + (h - (double)th / PANGO_SCALE) / 2);
	show(p, l, size, 1);
	g_object_unref(l);
}

/* The years table's header, two rows as in the HTML slip: 公需科目 and
 * 专业科目 over their 名称 学时 形式, the other columns over both rows. */
static void
years_head(struct pdf *p, double *yp, double size)
{
	static const char *const sub[3] = { "名称", "学时", "形式" };
	double hs = size < SLIP_HEAD_PT ? size : SLIP_HEAD_PT, h, x, y;
	PangoLayout *l = layout(p, "年度", hs, 1, 0, AL_LEFT);
	size_t i;

	h = layout_h(l) + 2 * PAD;
	g_object_unref(l);
	need(p, yp, 2 * h);
	y = *yp;
	*yp += 2 * h;
	x = MARGIN;
	head_cell(p, x, y, yw[0], 2 * h, "年度", hs);
	x += yw[0];
	head_cell(p, x, y, span(yw, 1, 3), h, "公需科目", hs);
	for (i = 0; i < 3; i++) {
		head_cell(p, x, y + h, yw[1 + i], h, sub[i], hs);
		x += yw[1 + i];
	}
	head_cell(p, x, y, span(yw, 4, 3), h, "专业科目", hs);
	for (i = 0; i < 3; i++) {
		head_cell(p, x, y + h, yw[4 + i], h, sub[i], hs);
		x += yw[4 + i];
	}
	head_cell(p, x, y, yw[7], 2 * h, "合计学时", hs);
	x += yw[7];
	head_cell(p, x, y, yw[8], 2 * h, "是否达标", hs);
	x += yw[8];
	head_cell(p, x, y, yw[9], 2 * h, "核认机构及日期", hs);
}

/* The seal block: lines to sign on the left, the agency (where the seal
 * goes) and the date line on the right; returns its height. */
static double
seal_block(struct pdf *p, const struct slip *sl, double y, double size)
{
	struct sbuf sb = SBUF_INIT;
	double rw = 80 * MM, rx = MARGIN + CONTENT_W - rw, gap = 2.5 * size;
	double h, lw, blank = 38 * MM;
	PangoLayout *l;
	int tw, th, i;

	sb_addf(&sb, "%s：%s", SLIP_SEAL_AGENCY, slip_issuer_name(sl));
	h = text_at(p, rx, y, rw, sb.buf, size, 0, AL_CENTER);
	text_at(p, rx, y + h + gap, rw, SLIP_SEAL_DATE, size, 0, AL_CENTER);
	for (i = 0; i < 2; i++) {
		const char *who = i ? SLIP_SEAL_REVIEWER : SLIP_SEAL_CLERK;
		double ly = y + i * (h + gap);

		l = layout(p, who, size, 0, 0, AL_LEFT);
		pango_layout_get_size(l, &tw, &th);
		lw = (double)tw / PANGO_SCALE;
		if (!p->measure) {
			cairo_move_to(p->cr, MARGIN, ly);
			pango_cairo_show_layout(p->cr, l);
			cairo_set_line_width(p->cr, 0.6);
			cairo_move_to(p->cr, MARGIN + lw, ly + (double)th /
			    PANGO_SCALE - 1);
			cairo_line_to(p->cr, MARGIN + lw + blank, ly +
			    (double)th / PANGO_SCALE - 1);
			cairo_stroke(p->cr);
		}
		g_object_unref(l);
	}
	sb_release(&sb);
	return 2 * h + gap;
}

/* Draw the slip with body text of the given size; returns where it ends
 * (on an endless page when measuring). */
static double
draw(struct pdf *p, const struct slip *sl, double size)
{
	struct sbuf sb = SBUF_INIT, sb2 = SBUF_INIT;
	char a[24], b[24], c[24], yr[16];
	struct cell cl[10];
	double y = MARGIN;
	size_t i;

	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->copy = sl->copy;
	p->size = size;
	copy_mark(p);
	y += text_at(p, MARGIN, y, CONTENT_W, sl->title, SLIP_TITLE_PT, 1,
	    AL_CENTER);
	y += 10;
	sb_addf(&sb, "编号：%s", sl->number);
	text_at(p, MARGIN, y, CONTENT_W, sb.buf, size, 0, AL_LEFT);
	sb_reset(&sb);
	sb_addf(&sb, "打印日期：%s", sl->printed_on);
	y += text_at(p, MARGIN, y, CONTENT_W, sb.buf, size, 0, AL_RIGHT);
	y += 6;
	sb_reset(&sb);

	/* the person */
	memset(cl, 0, sizeof(cl));
	cl[0] = (struct cell){ pw[0], "姓名", 1, AL_CENTER, 1 };
	cl[1] = (struct cell){ pw[1], sl->name, 0, AL_LEFT, 0 };
	cl[2] = (struct cell){ pw[2], "性别", 1, AL_CENTER, 1 };
	cl[3] = (struct cell){ pw[3], sl->sex, 0, AL_LEFT, 0 };
	cl[4] = (struct cell){ pw[4], "证件号码", 1, AL_CENTER, 1 };
	cl[5] = (struct cell){ pw[5], sl->id_number, 0, AL_LEFT, 0 };
	row(p, cl, 6, &y, size);
	if (sl->unit_name && *sl->unit_name)
		sb_addf(&sb, "%s（%s）", sl->unit_name, sl->unit);
	else
		sb_adds(&sb, sl->unit);
	cl[0] = (struct cell){ pw[0], "工作单位", 1, AL_CENTER, 1 };
	cl[1] = (struct cell){ span(pw, 1, 5), sb.buf, 0, AL_LEFT, 0 };
	row(p, cl, 2, &y, size);
	cl[0] = (struct cell){ pw[0], "申报系列", 1, AL_CENTER, 1 };
	cl[1] = (struct cell){ pw[1], sl->series, 0, AL_LEFT, 0 };
	cl[2] = (struct cell){ pw[2], "子专业", 1, AL_CENTER, 1 };
	cl[3] = (struct cell){ pw[3], sl->specialty, 0, AL_LEFT, 0 };
	cl[4] = (struct cell){ pw[4], "拟申报职称", 1, AL_CENTER, 1 };
	cl[5] = (struct cell){ pw[5], sl->title_level, 0, AL_LEFT, 0 };
	row(p, cl, 6, &y, size);
	sb_reset(&sb);
	sb_addf(&sb, "%d—%d（共 %zu 年）", sl->from, sl->to, sl->nyears);
	sb_addf(&sb2, "每年%s", sl->rule.text);
	cl[0] = (struct cell){ pw[0], "核认年度", 1, AL_CENTER, 1 };
	cl[1] = (struct cell){ span(pw, 1, 2), sb.buf, 0, AL_LEFT, 0 };
	cl[2] = (struct cell){ pw[3], "认定标准", 1, AL_CENTER, 1 };
	cl[3] = (struct cell){ span(pw, 4, 2), sb2.buf, 0, AL_LEFT, 0 };
	/* widths: 58 | 164 | 70 | 223.28 */
	row(p, cl, 4, &y, size);
	y += 12;
	sb_reset(&sb);
	sb_reset(&sb2);

	/* the years */
	years_head(p, &y, size);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *yy = &sl->years[i];

		snprintf(yr, sizeof(yr), "%d", yy->year);
		cl[0] = (struct cell){ yw[0], yr, 0, AL_CENTER, 0 };
		if (!yy->approved) {
			cl[1] = (struct cell){ span(yw, 1, 6), SLIP_NONE_LABEL,
			    0, AL_CENTER, 0 };
			cl[2] = (struct cell){ yw[7], "无", 0, AL_RIGHT, 0 };
			cl[3] = (struct cell){ yw[8], slip_met_label(0), 0,
			    AL_CENTER, 0 };
			cl[4] = (struct cell){ yw[9], "—", 0, AL_CENTER, 0 };
			row(p, cl, 5, &y, size);
			continue;
		}
		sb_reset(&sb);
		sb_addf(&sb, "%s\n%s", yy->agency_name && *yy->agency_name ?
		    yy->agency_name : yy->agency, yy->approved_on);
		cl[1] = (struct cell){ yw[1], yy->pub_subject, 0, AL_LEFT, 0 };
		cl[2] = (struct cell){ yw[2], hours_fmt(yy->pub_half, a,
		    sizeof(a)), 0, AL_RIGHT, 0 };
		cl[3] = (struct cell){ yw[3], yy->pub_form, 0, AL_CENTER, 0 };
		cl[4] = (struct cell){ yw[4], yy->pro_subject, 0, AL_LEFT, 0 };
		cl[5] = (struct cell){ yw[5], hours_fmt(yy->pro_half, b,
		    sizeof(b)), 0, AL_RIGHT, 0 };
		cl[6] = (struct cell){ yw[6], yy->pro_form, 0, AL_CENTER, 0 };
		cl[7] = (struct cell){ yw[7], hours_fmt(yy->total_half, c,
		    sizeof(c)), 0, AL_RIGHT, 0 };
		cl[8] = (struct cell){ yw[8], slip_met_label(yy->met), 0,
		    AL_CENTER, 0 };
		cl[9] = (struct cell){ yw[9], sb.buf, 0, AL_LEFT, 0 };
		row(p, cl, 10, &y, size);
	}
	snprintf(yr, sizeof(yr), "%ld/%zu", sl->years_met, sl->nyears);
	cl[0] = (struct cell){ yw[0], "合计", 1, AL_CENTER, 1 };
	cl[1] = (struct cell){ yw[1], "", 0, AL_LEFT, 1 };
	cl[2] = (struct cell){ yw[2], hours_fmt(sl->pub_half, a, sizeof(a)), 1,
	    AL_RIGHT, 1 };
	cl[3] = (struct cell){ yw[3], "", 0, AL_LEFT, 1 };
	cl[4] = (struct cell){ yw[4], "", 0, AL_LEFT, 1 };
	cl[5] = (struct cell){ yw[5], hours_fmt(sl->pro_half, b, sizeof(b)), 1,
	    AL_RIGHT, 1 };
	cl[6] = (struct cell){ yw[6], "", 0, AL_LEFT, 1 };
	cl[7] = (struct cell){ yw[7], hours_fmt(sl->total_half, c, sizeof(c)),
	    1, AL_RIGHT, 1 };
	cl[8] = (struct cell){ yw[8], yr, 1, AL_CENTER, 1 };
	cl[9] = (struct cell){ yw[9], "", 0, AL_LEFT, 1 };
	row(p, cl, 10, &y, size);
	y += 10;
	need(p, &y, 4 * (size + 4) + 40);

	sb_reset(&sb);
	sb_addf(&sb, "核认年度 %ld/%zu，达标年度 %ld/%zu；核认跨度内各年度均达标：%s",
	    sl->years_approved, sl->nyears, sl->years_met, sl->nyears,
	    sl->all_met ? "是" : "否");
	y += text_at(p, MARGIN, y, CONTENT_W, sb.buf, size + 1, 1, AL_LEFT);
	y += 4;
	sb_reset(&sb);
	sb_addf(&sb, "依据：%s", sl->basis);
	y += text_at(p, MARGIN, y, CONTENT_W, sb.buf, size, 0, AL_LEFT);
	y += 4;
	sb_reset(&sb);
	slip_check_lines(sl, &sb, NULL);
	y += text_at(p, MARGIN, y, CONTENT_W, sb.buf, size, sl->copy,
	    AL_LEFT);
	if (sl->unsigned_store) {
		y += 4;
		y += text_at(p, MARGIN, y, CONTENT_W, SLIP_UNSIGNED_NOTE, size,
		    1, AL_LEFT);
	}
	if (!sl->copy && sl->signature && *sl->signature) {
		y += 6;
		need(p, &y, QR_SIDE + 40);
		y += qr_block(p, sl, y, size);
	}
	y += 2.2 * size;
	need(p, &y, 5 * size);
	y += seal_block(p, sl, y, size);
	sb_release(&sb);
	sb_release(&sb2);
	return y;
}

/* The slip into pdf; *missing: glyphs no font could show. */
static int
render_pass(const struct slip *sl, struct sbuf *pdf, int *missing,
    struct ceh_err *e)
{
	static const double sizes[] = { SLIP_BODY_PT, 9.5, 9, 8.5, 8, 7.5, 7 };
	cairo_surface_t *surf;
	cairo_font_options_t *fo;
	size_t i;
	struct pdf p;
	cairo_status_t st;
	char date[32];

	memset(&p, 0, sizeof(p));
	widths();
	surf = cairo_pdf_surface_create_for_stream(write_fn, pdf, PAGE_W,
	    PAGE_H);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		return ceh_fail(e, CEH_ESYS, _("cannot start the PDF: %s"),
		    cairo_status_to_string(cairo_surface_status(surf)));
	}
	/* fixed metadata: the same slip gives the same document */
	snprintf(date, sizeof(date), "%.19s", sl->issued ? sl->issued : "");
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
	    sl->title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT,
	    sl->number);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
	    "ceh print-slip");
	if (strlen(date) == 19)
		cairo_pdf_surface_set_metadata(surf,
		    CAIRO_PDF_METADATA_CREATE_DATE, date);
	p.cr = cairo_create(surf);
	p.ctx = pango_cairo_create_context(p.cr);
	pango_cairo_context_set_resolution(p.ctx, 72);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(p.ctx, fo);
	cairo_font_options_destroy(fo);
	/* the largest body size from 9 down to 7 points that keeps the
	 * slip on one page; past that, rows go on to further pages */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) - 1; i++) {
		p.measure = 1;
		if (draw(&p, sl, sizes[i]) <= PAGE_H - MARGIN)
			break;
	}
	p.measure = 0;
	draw(&p, sl, sizes[i]);
	cairo_show_page(p.cr);
	for (i = 0; i < p.nlaid; i++) {
		g_object_unref(p.laid[i].l);
		free(p.laid[i].text);
	}
	free(p.laid);
	g_object_unref(p.ctx);
	cairo_destroy(p.cr);
	cairo_surface_finish(surf);
	st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	/* drop pango's font map (its fonts and fontconfig patterns), so leak
	 * checkers see a clean exit.  Not FcFini() nor
	 * cairo_debug_reset_static_data(): both assert, now and then, when
	 * pango's fontconfig thread still holds a cache. */
	pango_cairo_font_map_set_default(NULL);
	*missing = p.missing;
	if (st != CAIRO_STATUS_SUCCESS)
		return ceh_fail(e, CEH_ESYS, _("cannot make the PDF: %s"),
		    cairo_status_to_string(st));
	return 0;
}

static int
render(const struct slip *sl, FILE *out, struct ceh_err *e)
{
	static int own = -1;	/* once a process: pango keeps its fonts */
	struct sbuf pdf = SBUF_INIT;
	int missing = 0, rc;

	if (own < 0)
		own = own_fonts();
	rc = render_pass(sl, &pdf, &missing, e);
	if (rc == 0 && missing && own) {
		own = 0;
		system_fonts();
		pdf.len = 0;
		rc = render_pass(sl, &pdf, &missing, e);
	}
	if (rc == 0 && missing)
		rc = ceh_fail(e, CEH_ESYS, _("no installed font shows Chinese "
		    "text; install fonts-noto-cjk (see tools/deps.sh)"));
	if (rc == 0 && pdf.len && fwrite(pdf.buf, 1, pdf.len, out) != pdf.len)
		rc = ceh_fail(e, CEH_ESYS, _("cannot write the PDF"));
	sb_release(&pdf);
	return rc;
}

/* The entry point the loader checks (slip_render.h). */
const struct slip_pdf_module slip_pdf_module = {
	SLIP_RENDER_ABI, sizeof(struct slip), render
};
