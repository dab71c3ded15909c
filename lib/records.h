/*
 * records.h - the store of imported hour records (学时记录), fed by
 * `ceh import` from training providers' CSV files and read by
 * `ceh records` and `ceh add-year --from-records`.
 *
 * Layout (ceh-store(5), "Records"):
 *
 *   STORE/records/state     what is committed: "ceh-records 1", then
 *                           "imports N", then one "SS BYTES" line per
 *                           non-empty shard and one "kSS BYTES" line per
 *                           non-empty key shard; replaced with
 *                           atomic_write
 *   STORE/records/SS.tsv    shard SS (00..ff, by a hash of the ID number):
 *                           append-only, one record per line, UTF-8 TSV
 *                           (tab, newline, CR and backslash escaped):
 *       证件号码 姓名 年度 科目类型 科目名称 学时 继续教育形式 培训机构
 *       记录编号 IMPORT-NUMBER SOURCE-FILE:LINE
 *
 * So the records are not one file per person: an import appends one
 * segment (its "batch") to each shard it touches, and the shard is the
 * index by person - `ceh records --id` reads 1/256 of the store.
 *
 *   STORE/records/SS.key    the key index of key shard SS (by a hash of
 *                           培训机构 and 记录编号): append-only 24-byte
 *                           entries, two key hashes and a content hash
 *
 * The state is the commit point (records_import.h says how an import
 * gets there): readers take no lock and read each shard only up to its
 * committed size, so they see the previous import or the next one, never
 * a part; records_recover() cuts off bytes past it.  Damage found inside
 * the store (a shard shorter than its committed size, a record that does
 * not parse, a state that is not understood) is class 5 everywhere.
 *
 * This module is the store: its formats, the state, the shards, lookup,
 * year rows and checks.  The import engine is records_import.c; the two
 * share lib/records_priv.h.
 */
#ifndef CEH_RECORDS_H
#define CEH_RECORDS_H

#include <stddef.h>

#include "validate.h"

struct ceh_err;
struct store;

#define REC_SHARDS 256

/* One record as stored. */
struct hrec {
	char id[IDNUM_LEN + 1];
	char *name;
	int year;
	int pro;		/* 0 公需科目, 1 专业科目 */
	char *subject;
	long half;		/* hours in half hours */
	char *form;
	char *provider;
	char *recid;
	long batch;		/* import number */
	char *source;		/* FILE:LINE it came from */
};

/* "PROVIDER/RECID": the key kept in a year row's provenance.  Caller
 * frees. */
char *hrec_key(const struct hrec *r);
void hrecs_free(struct hrec *r, size_t n);

/*
 * The committed records of one person, of one year (year 0: all), sorted
 * by year, subject type (public first) and import order.  No lock.
 * *n may be 0 (no records is not an error).  The caller frees *out with
 * hrecs_free(*out, *n).
 */
int records_lookup(struct store *s, const char *idnum, int year,
    struct hrec **out, size_t *n, struct ceh_err *e);

/*
 * records_lookup (year 0) for many people at once, for the reports: each
 * records shard that holds one of them is mapped and read once.  ids: n
 * ID numbers, in any order, repeats allowed.  fn gets each person that
 * has records (once, records sorted as records_lookup sorts them, valid
 * during the call); stops at fn's failure (-1).
 */
typedef int (*records_each_fn)(void *arg, const char *idnum,
    const struct hrec *r, size_t n, struct ceh_err *e);
int records_lookup_many(struct store *s, const char *const *ids, size_t n,
    records_each_fn fn, void *arg, struct ceh_err *e);

/*
 * The committed records whose 姓名 is name (prefix 0) or starts with it
 * (prefix 1), byte for byte as stored (the import's normalisation), of
 * year (0: all) and of person idnum when not NULL (then only its shard
 * is read), else across every shard; each shard is read only up to its
 * committed size, like records_lookup.  Sorted by ID number, year,
 * subject type (public first) and import order.  No lock; *n may be 0.
 * The caller frees *out with hrecs_free(*out, *n).
 */
int records_by_name(struct store *s, const char *name, int prefix,
    const char *idnum, int year, struct hrec **out, size_t *n,
    struct ceh_err *e);

/*
 * Build a year row from the records of person idnum in year: all of them
 * (nsel 0) or the ones named in sel (记录编号, or 培训机构/记录编号 when
 * the number alone is ambiguous).  Hours are summed per subject type;
 * the subject is the one subject name, or the distinct names joined
 * with "；" when that fits 100 characters, else the first name and
 * "等N项"; the form is that of the record with the most hours (the
 * first on ties); row->records gets every record's key (hrec_key).
 * Class 3 when there are no records or a named one is not found.
 */
struct year_row;
int records_year_row(struct store *s, const char *idnum, int year,
    char *const *sel, size_t nsel, struct year_row *row, struct ceh_err *e);

/*
 * The writer marker STORE/.writer: every writer of the records (import,
 * fsck --repair) holds it besides the store lock, because on a shared
 * folder flock may keep nobody out (a no-op, or local to one computer:
 * lock_probe), while a file created with O_EXCL exists once for every
 * computer.  It holds "ceh-writer 1" and host, pid, boot id, since (UTC)
 * and what lock_probe found.  A marker of this computer whose process is
 * gone (or of an earlier boot) is stale and taken over; any other one
 * is a live writer: class 4 after s->wait_secs, with a message naming
 * the holder and the file (remove it by hand if that ceh is no longer
 * running).  A marker that does not parse is a writer starting, stale
 * after 60 s.
 *
 * records_writer_claim with the store lock lk held (NULL: not probed):
 * take 1 makes the marker ours; take 0 (a read-only check) only looks:
 * class 4 if there is a live one.  Either way w->stale_pid tells of a
 * stale one (-1: one that does not parse), which take 1 removed.
 * records_writer_release removes the marker if it is still ours.
 */
struct lock;
struct records_writer {
	int held;		/* the marker is ours */
	int locks;		/* lock_probe's answer (LOCKS_OK if not asked) */
	long stale_pid;		/* a stale marker was found (see above) */
	char text[512];		/* what we wrote */
};
int records_writer_claim(struct store *s, const struct lock *lk, int take,
    struct records_writer *w, struct ceh_err *e);
void records_writer_release(struct store *s, struct records_writer *w);

/* With the store lock held: cut every shard back to its committed size
 * (the rest of an interrupted import) and remove temp files. */
int records_recover(struct store *s, struct ceh_err *e);

/* For `ceh fsck`: check every committed record (parses, valid, in its
 * shard), the shard sizes, and the key index against the records: each
 * key shard must hold exactly the entries its records imply (count and
 * an order-free digest).  With repair, cut off uncommitted tails, remove
 * temp files and rebuild every key shard that is missing, short or
 * wrong from the person shards - in import order, so byte for byte what
 * the imports wrote, with atomic_write, and the state if a committed
 * key size changes.  No key shard is rebuilt while some record cannot
 * be read.  The caller holds the store lock (an import in progress
 * would look like an interrupted one); rep is required, its counters
 * are added to. */
struct records_report {
	long records;
	long shards;
	long repaired;		/* tails cut, temp files removed, key
				 * shards rebuilt */
	long problems;
	void (*say)(void *arg, const char *msg);	/* may be NULL */
	void *arg;
};
int records_fsck(struct store *s, int repair, struct records_report *rep,
    struct ceh_err *e);

#endif
