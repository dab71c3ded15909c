/* sheetpipe.c - a long .xlsx sheet's rows read ahead in a thread (see
 * sheetpipe.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "sheet.h"
#include "sheetpipe.h"
#include "xalloc.h"
#include "xlsx.h"

#define SHEETPIPE_BATCHES 4
#define BATCH_ROWS 512
#define BATCH_BYTES (1 << 20)

/* Rows copied out of the reader's buffers. */
struct batch {
	struct sbuf text;		/* the cells, each NUL-terminated */
	size_t *off, *len;		/* of each cell */
	unsigned char *kind;
	size_t ncells, capcells;
	struct brow {
		long num;
		size_t first, n, merged;
	} *rows;
	size_t nrows, caprows;
	int full;		/* 1: the caller's to read, 0: the reader's */
	int last;		/* the reader's verdict follows these rows */
	int rc;			/* that verdict: 0 the end, -1 err */
	struct ceh_err err;
};

struct sheetpipe {
	struct xlsx *x;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a batch was filled, given back, or stop */
	int stop;		/* the caller closes: the reader gives up */
	struct batch b[SHEETPIPE_BATCHES];
	size_t w;		/* the batch the reader fills next */
	size_t r, at;		/* the caller's batch and its next row */
	int reading;		/* the caller holds b[r] */
	char **cellp;		/* the row handed out */
	size_t capp;
};

int
sheetpipe_wanted(void)
{
	const char *v = getenv("CEH_SHEET_THREAD");

	if (v && strcmp(v, "0") == 0)
		return 0;
	if (v && strcmp(v, "1") == 0)
		return 1;
	/* fault.c's counts are one thread's: an injected allocation
	 * failure must hit the same call in every run */
	if ((v = getenv("CEH_FAULT")) && strstr(v, "alloc"))
		return 0;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static void
batch_add(struct batch *b, const struct sheet_row *row)
{
	size_t i;

	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? b->caprows * 2 : 64;
		b->rows = xreallocarray(b->rows, b->caprows, sizeof(*b->rows));
	}
	if (b->ncells + row->n > b->capcells) {
		b->capcells = (b->ncells + row->n) * 2 + 16;
		b->off = xreallocarray(b->off, b->capcells, sizeof(size_t));
		b->len = xreallocarray(b->len, b->capcells, sizeof(size_t));
		b->kind = xreallocarray(b->kind, b->capcells, 1);
	}
	b->rows[b->nrows].num = row->num;
	b->rows[b->nrows].first = b->ncells;
	b->rows[b->nrows].n = row->n;
	b->rows[b->nrows++].merged = row->merged;
	for (i = 0; i < row->n; i++) {
		b->off[b->ncells] = b->text.len;
		b->len[b->ncells] = row->len[i];
		b->kind[b->ncells++] = row->kind[i];
		sb_add(&b->text, row->cell[i], row->len[i]);
		sb_addc(&b->text, '\0');
	}
}

/* Fill one batch from xlsx_next; its verdict when the sheet ended. */
static void
batch_fill(struct xlsx *x, struct batch *b)
{
	struct sheet_row row;
	int rc = 1;

	sb_reset(&b->text);
	b->ncells = b->nrows = 0;
	while (b->nrows < BATCH_ROWS && b->text.len < BATCH_BYTES &&
	    (rc = xlsx_next(x, &row, &b->err)) == 1)
		batch_add(b, &row);
	b->last = rc != 1;
	b->rc = rc == 1 ? 0 : rc;
}

static void *
reader(void *arg)
{
	struct sheetpipe *p = arg;
	struct batch *b;
	int last;

	do {
		b = &p->b[p->w];
		pthread_mutex_lock(&p->mu);
		while (b->full && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		batch_fill(p->x, b);	/* b is the reader's alone here */
		last = b->last;
		pthread_mutex_lock(&p->mu);
		b->full = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		p->w = (p->w + 1) % SHEETPIPE_BATCHES;
	} while (!last);
	return NULL;
}

struct sheetpipe *
sheetpipe_start(struct xlsx *x)
{
	struct sheetpipe *p = xcalloc(1, sizeof(*p));

	p->x = x;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->th, NULL, reader, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

/* Row k of batch b as a sheet_row (pointers into b). */
static void
row_out(struct sheetpipe *p, struct batch *b, size_t k,
    struct sheet_row *row)
{
	const struct brow *br = &b->rows[k];
	size_t i;

	if (br->n > p->capp) {
		p->capp = br->n * 2;
		p->cellp = xreallocarray(p->cellp, p->capp, sizeof(char *));
	}
	for (i = 0; i < br->n; i++)
		p->cellp[i] = b->text.buf + b->off[br->first + i];
	row->num = br->num;
	row->n = br->n;
	row->cell = p->cellp;
	row->len = b->len + br->first;
	row->kind = b->kind + br->first;
	row->merged = br->merged;
}

int
sheetpipe_next(struct sheetpipe *p, struct sheet_row *row,
    struct ceh_err *e)
{
	struct batch *b;

	for (;;) {
		b = &p->b[p->r];
		if (!p->reading) {
			pthread_mutex_lock(&p->mu);
			while (!b->full)
				pthread_cond_wait(&p->cv, &p->mu);
			pthread_mutex_unlock(&p->mu);
			p->reading = 1;
			p->at = 0;
		}
		if (p->at < b->nrows) {
			row_out(p, b, p->at++, row);
			return 1;
		}
		if (b->last) {		/* and again at every later call */
			if (b->rc < 0)
				*e = b->err;
			return b->rc;
		}
		pthread_mutex_lock(&p->mu);	/* give it back */
		b->full = 0;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		p->reading = 0;
		p->r = (p->r + 1) % SHEETPIPE_BATCHES;
	}
}

void
sheetpipe_close(struct sheetpipe *p)
{
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (i = 0; i < SHEETPIPE_BATCHES; i++) {
		sb_release(&p->b[i].text);
		free(p->b[i].off);
		free(p->b[i].len);
		free(p->b[i].kind);
		free(p->b[i].rows);
	}
	free(p->cellp);
	free(p);
}
