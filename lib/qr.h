/*
 * qr.h - QR codes: the only user of libqrencode.  A payload becomes a
 * module matrix (error correction level M, the smallest version that
 * holds it, numeric and alphanumeric runs packed by libqrencode); the
 * matrix is drawn by the caller (the PDF slip) or as inline SVG here
 * (the HTML slip).  Drawings add the quiet zone of 4 modules that
 * ISO/IEC 18004 asks for.
 */
#ifndef CEH_QR_H
#define CEH_QR_H

#include <stddef.h>

struct ceh_err;

#define QR_QUIET 4		/* quiet zone, modules */
#define QR_MAX_PAYLOAD 1024	/* bytes; a slip's payload is far smaller */

struct qr {
	int version;		/* 1..40 */
	int width;		/* modules a side, without the quiet zone */
	unsigned char *dark;	/* width * width, row-major, 1 = dark */
};

/* Encode the NUL-terminated text into q (qr_free releases it).  Class 1
 * if it is empty or longer than QR_MAX_PAYLOAD or a QR code can hold. */
int qr_encode(const char *text, struct qr *q, struct ceh_err *e);
/* 1 if module (x, y) is dark; 0 outside the matrix (the quiet zone). */
int qr_dark(const struct qr *q, int x, int y);
void qr_free(struct qr *q);
/*
 * A standalone <svg> element: a white square of width + 2 * QR_QUIET
 * modules with one black <path> of the dark modules, size_mm millimetres
 * a side (0: no size, the page decides).  The caller frees the string.
 */
char *qr_svg(const struct qr *q, int size_mm);

#endif
