/*
 * sheetpipe.h - the rows of a long .xlsx sheet read ahead in a thread of
 * their own (for sheet.c only).
 *
 * Inflating the sheet and parsing its XML (zlib and expat) is two thirds
 * of an .xlsx import's CPU; a reader thread does it while the caller
 * works on the rows before.  The reader calls xlsx_next and copies each
 * row into a ring of SHEETPIPE_BATCHES batches (up to 512 rows or 1 MiB
 * of cell text each); sheetpipe_next hands them out in order.  The rows,
 * their order, the error after the last good row and its message are
 * exactly xlsx_next's: the caller gets the rows before the error, then
 * -1 with the reader's message.
 *
 * Memory: the ring, bounded by the batch sizes and the widest row, never
 * by the number of rows.  Ownership: the reader owns the xlsx and the
 * batch it fills while the pipe runs; the caller owns the batch it reads;
 * sheetpipe_close stops the reader (at its next batch), joins it and
 * gives the xlsx back to the caller, who closes it.
 *
 * sheetpipe_wanted says whether to start one: CEH_SHEET_THREAD=0 never,
 * =1 always (the tests, on any machine), unset: when more than one CPU
 * is online and CEH_FAULT injects no allocation failure (its counts are
 * kept per process, so a second thread would move the failing call).  sheetpipe_start returns NULL when no thread can be made;
 * the caller then goes on with xlsx_next.
 */
#ifndef CEH_SHEETPIPE_H
#define CEH_SHEETPIPE_H

struct ceh_err;
struct sheet_row;
struct sheetpipe;
struct xlsx;

int sheetpipe_wanted(void);
struct sheetpipe *sheetpipe_start(struct xlsx *x);
/* As sheet_next: 1 with *row filled (valid until the next call or
 * close), 0 at the end, -1 with e filled. */
int sheetpipe_next(struct sheetpipe *p, struct sheet_row *row,
    struct ceh_err *e);
void sheetpipe_close(struct sheetpipe *p);	/* NULL is fine */

#endif
