#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "err.h"
#include "i18n.h"
#include "qr.h"
#include "xalloc.h"

int
qr_encode(const char *text, struct qr *q, struct ceh_err *e)
{
	size_t len = strlen(text);
	QRcode *c;
	int i, n;

	memset(q, 0, sizeof(*q));
	if (len == 0 || len > QR_MAX_PAYLOAD)
		return ceh_fail(e, CEH_EINPUT, _("a QR payload must have 1 to "
		    "%d bytes, not %zu"), QR_MAX_PAYLOAD, len);
	errno = 0;
	c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (c == NULL) {
		if (errno == ENOMEM)
			xmalloc((size_t)-1);	/* out of memory: exits */
		return ceh_fail(e, CEH_EINPUT, _("cannot encode %zu bytes as a "
		    "QR code (too long)"), len);
	}
	q->version = c->version;
	q->width = c->width;
	n = c->width * c->width;
	q->dark = xmalloc((size_t)n);
	for (i = 0; i < n; i++)
		q->dark[i] = c->data[i] & 1;
	QRcode_free(c);
	return 0;
}

int
qr_dark(const struct qr *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->dark[y * q->width + x];
}

void
qr_free(struct qr *q)
{
	free(q->dark);
	memset(q, 0, sizeof(*q));
}

char *
qr_svg(const struct qr *q, int size_mm)
{
	struct sbuf sb = SBUF_INIT;
	int side = q->width + 2 * QR_QUIET, x, y, run;

	sb_addf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\"", side, side);
	if (size_mm > 0)
		sb_addf(&sb, " width=\"%dmm\" height=\"%dmm\"", size_mm,
		    size_mm);
	sb_addf(&sb, " shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", side, side);
	/* one rectangle per horizontal run of dark modules */
	for (y = 0; y < q->width; y++)
		for (x = 0; x < q->width; x += run ? run : 1) {
			for (run = 0; qr_dark(q, x + run, y); run++)
				;
			if (run)
				sb_addf(&sb, "M%d %dh%dv1h-%dz", x + QR_QUIET,
				    y + QR_QUIET, run, run);
		}
	sb_adds(&sb, "\"/></svg>");
	return sb_detach(&sb);
}
