/*
 * records_import.h - the import engine of the records store (records.h):
 * one provider's file in, one batch of records out.  The file is a CSV
 * file or a sheet of a workbook, read through rowsrc.h (the header found
 * below titles; blank, total and footer rows skipped and counted); each
 * field is normalised by its column (normalize.h: full-width forms, line
 * breaks, spaces, a unit after hours, a lower-case x) and every change
 * counted in the stats.
 *
 * Passes (records_import.c):
 *   1. read the file once: each valid row goes, as the record it will be
 *      stored as, to a partition of its person shard, and its key
 *      (培训机构, 记录编号) as a hash entry to a partition of its key
 *      shard; invalid rows are rejected at once.  The partitions are
 *      spill files: 64 KiB a partition in memory, the rest in one
 *      unlinked temp file in $TMPDIR, so memory stays bounded;
 *   2. names, against the name on record or the first one in the file;
 *      then duplicates and conflicts, key shard by key shard, with the
 *      new keys appended to the key shards; then the new records
 *      appended to their person shards in the order of the file;
 *   3. the commit.
 *
 * Commit protocol (the importer holds the store lock): append the new
 * records and keys of every touched shard after its committed size, fsync
 * them (one syncfs when there are many), fsync the directory if a shard
 * was created, then atomic_write a new state naming the new sizes: that
 * rename is the commit point.  A failure before it cuts nothing that is
 * committed: records_recover() - run under the store lock by every import
 * and by fsck --repair - truncates bytes past the committed sizes, and
 * the shards this import created are removed again.  A kill -9 anywhere
 * thus leaves the previous import or the new one, never a part, and
 * rerunning the same import finishes it: records already on file are
 * recognised by (培训机构, 记录编号) and counted as duplicates.
 *
 * Crash points (fault.h): "records-shard" after each shard is appended,
 * "records-before-commit", "records-after-commit"; stop point (CEH_STOP)
 * "records-before-commit".
 */
#ifndef CEH_RECORDS_IMPORT_H
#define CEH_RECORDS_IMPORT_H

#include <stdio.h>

#include "csvimport.h"
#include "normalize.h"
#include "rowsrc.h"
#include "records.h"

struct ceh_err;
struct store;

/* What an import did with one file. */
struct import_stats {
	long read;		/* data rows (rows of empty fields skipped) */
	long imported;
	long duplicates;	/* already on record, same content */
	long conflicts;		/* record id on record with other content */
	long rejected;		/* invalid rows */
	long skipped;		/* rows of empty fields */
	enum csv_encoding used;
	int bom;
	struct rowsrc_info src;	/* the file or sheet read, rows skipped */
	struct norm_counts norm;	/* values normalised, by kind */
};

struct import_opts {
	enum csv_encoding enc;
	const char *sheet;	/* a workbook's sheet by name, or NULL */
	int dry_run;		/* validate and count, change nothing */
	FILE *rejects;		/* rejected and conflicting rows, or NULL */
	int rejects_header;	/* 1: header still to be written */
	/* or, instead of the CSV file rejects, each such row to this
	 * callback (an .xlsx rejects file): the header first (with
	 * rejects_header, reason "原因"), then each row with its reason */
	void (*reject_row)(void *arg, char *const *f, size_t n,
	    const char *reason);
	void *reject_arg;
	long max_half;		/* bound on one record's hours */
	/* messages "FILE:LINE: reason", and progress (rows read so far;
	 * rows < 0 at the end); either may be NULL */
	void (*say)(void *arg, const char *msg);
	void (*progress)(void *arg, const char *file, long rows);
	void *arg;
};

/*
 * Import one CSV file as one batch: all of its new records are committed
 * together, or none.  The caller holds the store lock (store_lock) and
 * has run records_recover(), unless dry_run.  Invalid rows are rejected,
 * not fatal; a file-level problem (missing column, CSV syntax error,
 * bytes invalid in the encoding) imports nothing from the file and
 * returns -1.
 */
int records_import(struct store *s, const char *path,
    struct import_opts *o, struct import_stats *st, struct ceh_err *e);

#endif
