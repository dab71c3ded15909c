/*
 * slip_render.h - a slip (slip.h) as a printable document.
 *
 *   text  aligned for a terminal and a plain printer: Chinese characters
 *         count two columns (utf8_width); one block of lines per year;
 *   html  one self-contained A4 page (inline CSS, @page size A4), for a
 *         browser's print;
 *   pdf   one A4 page through cairo and pango (slip_pdf.c, the only file
 *         that includes their headers), the CJK font found by fontconfig
 *         (SLIP_PDF_FONTS: WenQuanYi Micro Hei first, a TrueType font that
 *         cairo subsets to a few kilobytes; Noto CJK after it for the rare
 *         characters it lacks), embedded as a subset, text extractable; the
 *         creation date is the slip's issue time, so the same slip gives
 *         the same text.
 *
 * The JSON form is slip_json (slip.h).  All write to out and return 0, or
 * -1 with e filled (pdf only: the library failed).
 */
#ifndef CEH_SLIP_RENDER_H
#define CEH_SLIP_RENDER_H

#include <stddef.h>
#include <stdio.h>

struct ceh_err;
struct slip;

#define SLIP_PDF_FONTS "WenQuanYi Micro Hei, Noto Sans CJK SC, " \
	"Noto Serif CJK SC, AR PL UMing CN, sans-serif"

void slip_render_text(const struct slip *sl, FILE *out);
void slip_render_html(const struct slip *sl, FILE *out);
/* PDF: loads the renderer module slip-pdf.so (lib/plugin/slip_pdf.c) from
 * $CEH_LIBDIR when set (only there), else next to the executable, in
 * build/ beside it, or in the installed CEH_LIBDIR; class 5 naming the
 * module if it cannot be loaded or is not built for this ceh (below). */
int slip_render_pdf(const struct slip *sl, FILE *out, struct ceh_err *e);

/*
 * The PDF module's one entry point: the module defines the object
 * SLIP_PDF_MODULE_SYM, and the loader uses it only if its abi is
 * SLIP_RENDER_ABI and its slip_size is sizeof(struct slip); a stale
 * installed module is refused instead of misreading struct slip.
 * Raise SLIP_RENDER_ABI whenever struct slip, struct slip_year, struct
 * ceh_err or a library function the module calls back changes.  (The
 * #ifndef lets a test build a module of another version.)
 */
#ifndef SLIP_RENDER_ABI
#define SLIP_RENDER_ABI 1
#endif
#define SLIP_PDF_MODULE_SYM "slip_pdf_module"

struct slip_pdf_module {
	int abi;		/* SLIP_RENDER_ABI when it was built */
	size_t slip_size;	/* sizeof(struct slip) when it was built */
	int (*render)(const struct slip *sl, FILE *out, struct ceh_err *e);
};
extern const struct slip_pdf_module slip_pdf_module;

/* Labels shared by the renderers. */
const char *slip_met_label(int met);		/* 达标 / 不达标 */
#define SLIP_NONE_LABEL "未核认（无审核通过的学时）"

#endif
