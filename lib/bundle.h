/*
 * bundle.h - attachments (上传附件): the evidence of an application, kept
 * in one zip archive next to it, people/SSS/IDNUMBER/STAGE/UNIQ.zip.
 * The only file that includes zip.h (libzip 1.7.3 API only).
 *
 * The document is the truth.  The invariant between the two files:
 *
 *   every attachment the document lists is an entry of UNIQ.zip with the
 *   recorded entry name, size and SHA-256; an entry (or a whole archive)
 *   the document does not list is a LEFTOVER of an interrupted change:
 *   readers never use it, they report it, and repair (fsck --repair, and
 *   the next attach or remove) deletes it.  No UNIQ.zip = no attachments.
 *
 * Every change keeps the invariant at every instant, so a crash anywhere
 * leaves at worst a leftover:
 *   adding:   new archive (old entries + new ones) published first, then
 *             the document that lists the new ones;
 *   removing: the document without the entry first, then the archive
 *             without it (or no archive when none is left; libzip cannot
 *             keep an empty archive, see STYLE.md Z4).
 * The archive is built in memory with libzip (a buffer source) and
 * published with atomic_write(): temp file, fsync, rename, fsync of the
 * folder.  libzip never writes into the store, so it leaves no
 * "UNIQ.zip.XXXXXX" temp files and no unsynced rename (STYLE.md Z6).
 *
 * Reading never trusts the archive: it is opened with ZIP_CHECKCONS from
 * a bounded buffer, entries are matched to the document by exact name
 * (never used as paths), each size is compared with the document before
 * decompressing and the bytes actually read are counted and hashed.
 *
 * Crash points (fault.h): attach-before-zip, attach-after-zip (adding:
 * archive published, document not yet), attach-after-doc (removing:
 * document published, archive not yet), attach-before-unlink.
 */
#ifndef CEH_BUNDLE_H
#define CEH_BUNDLE_H

#include <stddef.h>

#include "store.h"

struct ceh_err;

#define BUNDLE_NAME_MAX_CHARS 120	/* display name limits */
#define BUNDLE_NAME_MAX_BYTES 240

/*
 * What a check, repair or extraction found.  say (may be NULL) gets one
 * line per finding, naming the archive and the entry; wrote (may be
 * NULL) gets the path of every file bundle_extract wrote.
 */
struct bundle_report {
	long checked;		/* attachments that verified */
	long problems;		/* missing, damaged or tampered attachments,
				 * unreadable archive */
	long leftovers;		/* entries or an archive not in the document */
	long fixed;		/* leftovers removed (repair) */
	void (*say)(void *arg, const char *msg);
	void (*wrote)(void *arg, const char *path);
	void *arg;
	int no_archive;		/* bundle_check: the caller listed every stage
				 * folder of the person, locked, and saw no
				 * UNIQ.zip (fsck): none is looked for */
};

/* The MIME type of a file from its first bytes: "application/pdf"
 * (%PDF-), "image/jpeg" (FF D8 FF), "image/png" (89 50 4E 47 0D 0A 1A
 * 0A); NULL for anything else. */
const char *bundle_sniff(const void *buf, size_t len);

/* A display name: valid UTF-8, not empty, no '/' or '\', not "." or
 * "..", no leading dot, no control characters, at most
 * BUNDLE_NAME_MAX_CHARS characters and BUNDLE_NAME_MAX_BYTES bytes.
 * Class 1 naming field. */
int bundle_name_check(const char *field, const char *name,
    struct ceh_err *e);

/* One file to attach: its path and the display name (NULL: the last
 * component of path). */
struct bundle_input {
	const char *path;
	const char *name;
};

/*
 * Attach files to year `year` of the draft in h (opened with mutate=1).
 * Every file is read and checked (O_NOFOLLOW, regular, within the
 * store's per-file limit, type by content, name) and the total checked
 * against the per-application limit before anything is written; then
 * the archive and the document are updated as described above.
 * Class 4 if the application is not a draft or a file has the SHA-256
 * of an attachment the year lists already (or of another file given),
 * 3 if it has no such year,
 * 1 for a refused file, 5 for system errors and for an archive that does
 * not match the document (damage found inside the store).  Entries are
 * stored with the external attributes of a regular file of mode 0600.
 */
int bundle_add(struct store *s, struct app_handle *h, int year,
    const struct bundle_input *in, size_t n, struct ceh_err *e);

/* Remove the attachment of year `year` whose display name or entry name
 * is `name` (an ambiguous display name is class 1 asking for the entry).
 * Draft only.  The removed entry name goes into removed (>= 256 bytes)
 * when not NULL. */
int bundle_remove(struct store *s, struct app_handle *h, int year,
    const char *name, char *removed, struct ceh_err *e);

/*
 * Verify the archive of app (whose document is in folder) against the
 * document: report problems and leftovers in rep.  With repair (the
 * caller holds the person lock) delete leftovers: extra entries, or the
 * whole archive when the document lists nothing.  Problems with listed
 * attachments cannot be repaired (the evidence is gone); they are only
 * reported.  Returns -1 only for system errors; findings are in rep.
 * Without repair, an archive missing from folder is looked for in the
 * other stage folders (a lock-free reader may run during a move).
 */
int bundle_check(struct store *s, struct person *p,
    const struct application *app, enum stage folder,
    struct bundle_report *rep, int repair, struct ceh_err *e);

/*
 * The archive of app is in two stage folders: a, next to its document,
 * and b (a move interrupted by a power loss).  Which copy is the
 * evidence: TWIN_SAME (the same bytes), TWIN_KEEP_A (a holds every
 * attachment the document lists, verified, and every entry of b with the
 * same name, size and CRC-32: b tells nothing more), TWIN_KEEP_B (the
 * other way round, a failing the document), else TWIN_BOTH (neither may
 * go: both are kept and reported).  -1 if one cannot be read.
 */
enum { TWIN_BOTH, TWIN_SAME, TWIN_KEEP_A, TWIN_KEEP_B };
int bundle_twins(struct store *s, struct person *p,
    const struct application *app, enum stage a, enum stage b,
    struct ceh_err *e);

/*
 * Write the attachments of app (all years, or only `year` when not 0)
 * into dirfd as YEAR/NAME, NAME the validated display name (" (2)" etc.
 * added before the extension for repeated names).  Files are created
 * with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600; if any target exists
 * nothing is written (class 4).  Each file is verified while written and
 * removed again if it does not match the document.  dirname is for the
 * paths given to rep->wrote.  Returns -1 for system errors or class 4;
 * damaged attachments are counted in rep->problems and not written.
 */
int bundle_extract(struct store *s, struct person *p,
    const struct application *app, enum stage folder, int year, int dirfd,
    const char *dirname, struct bundle_report *rep, struct ceh_err *e);

#endif
