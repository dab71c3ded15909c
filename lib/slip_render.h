/*
 * slip_render.h - a slip (slip.h) as a printable document.
 *
 *   text  aligned for a terminal and a plain printer: Chinese characters
 *         count two columns (utf8_width); one block of lines per year;
 *   html  one self-contained A4 page (inline CSS, @page size A4), for a
 *         browser's print, with the QR code as inline SVG (qr_svg);
 *   pdf   one A4 page through cairo and pango (slip_pdf.c, the only file
 *         that includes their headers), the CJK font found by fontconfig
 *         (SLIP_PDF_FONTS: WenQuanYi Micro Hei first, a TrueType font that
 *         cairo subsets to a few kilobytes; Noto CJK after it for the rare
 *         characters it lacks), embedded as a subset, text extractable; the
 *         creation date is the slip's issue time, so the same slip gives
 *         the same text; the QR code drawn from qr_encode's matrix.
 *
 * HTML and PDF share one layout (the column widths below, in mm, on a
 * content width of SLIP_CONTENT_MM), one typeface (SLIP_PDF_FONTS, also
 * the page's CSS font-family) and one set of texts: a header row of
 * the years table never wraps (SLIP_HEAD_PT at most, white-space:
 * nowrap); the verification lines say how anyone can check the slip
 * (slip_check_lines); the seal block names the issuing agency
 * (slip_issuer_name) with lines for 经办人 and 审核人 and a date line
 * (SLIP_SEAL_DATE).
 *
 * A signed slip (slip_sign) shows the signer and the QR payload
 * (slip_payload) as a QR code (HTML, PDF) and as text under it; a copy
 * (sl->copy) says 副本 on every page and has no code; a slip of an
 * unsigned store (sl->unsigned_store) says so.
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
 * PDF/A-2b (print-slip --pdfa), for archives: the same PDF with, as an
 * incremental update, an XMP metadata stream (pdfaid part 2,
 * conformance B; title, creator, producer and creation date, the same
 * as in a new information dictionary), an output intent GTS_PDFA1 with
 * an sRGB ICC profile made here, and a document ID.
 */
int slip_render_pdfa(const struct slip *sl, FILE *out, struct ceh_err *e);

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
#define SLIP_RENDER_ABI 3
#endif
#define SLIP_PDF_MODULE_SYM "slip_pdf_module"

struct slip_pdf_module {
	int abi;		/* SLIP_RENDER_ABI when it was built */
	size_t slip_size;	/* sizeof(struct slip) when it was built */
	int (*render)(const struct slip *sl, FILE *out, struct ceh_err *e);
};
extern const struct slip_pdf_module slip_pdf_module;

/* The shared layout: content width, column widths (mm), sizes (pt). */
#define SLIP_CONTENT_MM 182.0
extern const double slip_person_mm[6];	/* label value label value ... */
extern const double slip_years_mm[10];	/* 年度 公需 学时 形式 专业 ... */
#define SLIP_BODY_PT 10.0	/* the largest body size, made smaller to fit */
#define SLIP_HEAD_PT 9.0	/* table headers at most: they never wrap */
#define SLIP_TITLE_PT 16.0

/* Labels shared by the renderers. */
const char *slip_met_label(int met);		/* 达标 / 不达标 */
#define SLIP_NONE_LABEL "未核认（无审核通过的学时）"
#define SLIP_COPY_MARK "副本"
#define SLIP_COPY_NOTE "副本：未经人社部门签发，不能作为学时认定凭证"
#define SLIP_UNSIGNED_NOTE "注意：本库的审核决定未经数字签名（unsigned store）"
/* The lines under the QR code: "签发：AGENCY（密钥指纹 FP）" and the
 * payload to type; sb gets the first one. */
void slip_signer_line(const struct slip *sl, struct sbuf *sb);
/*
 * How anyone checks the slip, in the renderers' words: code gets the
 * verification line ("验证码：CODE（...）": the number or the code, to
 * the issuing agency, ceh verify-slip CODE; SLIP_COPY_NOTE on a copy);
 * qr, for a signed slip only, what to do with the QR code or the payload
 * under it (scan or type it, check offline with the agency's public key:
 * ceh verify-slip --trust).  Either may be NULL.
 */
void slip_check_lines(const struct slip *sl, struct sbuf *code,
    struct sbuf *qr);
/* The seal block's words. */
#define SLIP_SEAL_AGENCY "经办机构（盖章）"
#define SLIP_SEAL_CLERK "经办人："
#define SLIP_SEAL_REVIEWER "审核人："
#define SLIP_SEAL_DATE "年　　月　　日"

#endif
