/*
 * store.h - the store: a directory of plain files (see ceh-store(5)).
 *
 *   STORE/store.yaml        format version and settings (config.h)
 *   STORE/units.yaml        unit registry (units.h)
 *   STORE/codes/NAME.yaml   the store's copy of the code lists (codes.h)
 *   STORE/secret            32 random bytes, hex, mode 0600 (slip codes)
 *   STORE/.lock             store lock: unit registry, imports
 *   STORE/people/SSS/IDNUMBER/          one directory per person, SSS =
 *                                       digits 15-17 of the ID number
 *       .lock                           person lock (flock, never deleted)
 *       draft/ review/ approved/ rejected/     stage folders
 *           UNIQ.yaml  UNIQ.zip          an application and its evidence
 *
 * An application id is "IDNUMBER-UNIQ": the person's ID number, a dash and
 * 20 characters [0-9a-v] (8 of time, 12 of randomness: 60 bits), so ids
 * made offline in different stores never collide and every command finds
 * the file without an index.  Ids are parsed strictly, so no id can name a
 * path outside the store.
 *
 * Changing an application (app_commit) is: write the new document with
 * its new stage over UNIQ.yaml in the folder it is in now (atomic_write),
 * then, if the stage changed, move UNIQ.yaml into the new stage folder,
 * then move UNIQ.zip after it.  The document's stage field is the truth
 * and the folder follows it; person_repair rolls every interrupted change
 * forward by that rule.  Writers hold the person lock; readers never lock
 * (a rename gives them the old file or the new, never a mix).
 */
#ifndef CEH_STORE_H
#define CEH_STORE_H

#include "atomic.h"
#include "codes.h"
#include "config.h"
#include "doc.h"
#include "units.h"
#include "validate.h"

struct ceh_err;

#define APP_UNIQ_LEN 20
#define APP_ID_LEN (IDNUM_LEN + 1 + APP_UNIQ_LEN)
#define DOC_MAX_BYTES (8 << 20)

struct store {
	char *root;		/* path as given */
	int rootfd;
	int peoplefd;
	struct config cfg;
	struct codes codes;
	struct units units;
	int units_loaded;
	struct doc_rules rules;	/* codes + limits, for doc_parse */
	int wait_secs;		/* how long to wait for a busy lock */
};

/* $CEH_STORE, else ${XDG_DATA_HOME:-$HOME/.local/share}/ceh.  Caller
 * frees. */
char *store_default_path(void);
/* The installed data directory holding codes/ (CEH_DATADIR, the build
 * tree, or the compiled-in path).  Caller frees. */
char *store_data_dir(void);

/* Create a new store at path (class 4 if one is already there). */
int store_init(const char *path, const char *datadir, struct ceh_err *e);
/* Open an existing store: settings, code lists.  Class 3 with a hint to
 * run `ceh init` when there is none. */
int store_open(struct store *s, const char *path, struct ceh_err *e);
void store_close(struct store *s);

int store_load_units(struct store *s, struct ceh_err *e);
/* Rewrite units.yaml; the caller holds the store lock. */
int store_save_units(struct store *s, struct ceh_err *e);
int store_lock(struct store *s, struct lock *lk, struct ceh_err *e);

struct app_ref {
	char idnum[IDNUM_LEN + 1];
	char uniq[APP_UNIQ_LEN + 1];
};
int app_ref_parse(const char *s, struct app_ref *r, struct ceh_err *e);
int app_ref_new(const char *idnum, struct app_ref *r, struct ceh_err *e);
/* "IDNUMBER-UNIQ" into out (APP_ID_LEN + 1 bytes). */
void app_ref_format(const struct app_ref *r, char *out);

struct person {
	char idnum[IDNUM_LEN + 1];
	int fd;				/* people/SSS/IDNUMBER */
	int stagefd[STAGE__COUNT];	/* its stage folders */
	struct lock lock;
};

/* Open a person's directory (creating it if asked).  Class 3 if absent. */
int person_open(struct store *s, const char *idnum, int create,
    struct person *p, struct ceh_err *e);
/* Take the person's writer lock and roll forward interrupted changes. */
int person_lock(struct store *s, struct person *p, struct ceh_err *e);
void person_close(struct person *p);

/* What person_repair found and did (for fsck). */
struct repair_report {
	long moved;		/* documents moved to the folder of their stage */
	long zips_moved;	/* archives moved next to their document */
	long temps_removed;	/* temp files of interrupted writes */
	long problems;		/* things it could not fix (reported) */
	void (*say)(void *arg, const char *msg);	/* may be NULL */
	void *arg;
};
/* With the lock held: apply the roll-forward rule to every application of
 * the person.  With repair == 0 only report.  Only each document's stage
 * field is read (ytree_peek); a document that cannot be read is left for
 * the caller's full reader to report.  A name in two stage folders is
 * reported, never merged. */
int person_repair(struct store *s, struct person *p, int repair,
    struct repair_report *rep, struct ceh_err *e);

/* Which stage folder holds UNIQ.yaml; class 3 if none. */
int app_find(struct person *p, const char *uniq, enum stage *where,
    struct ceh_err *e);
/* Read and validate UNIQ.yaml from a folder. */
int app_read(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app, struct ceh_err *e);
/* Publish a new application in draft/ (fails if the name exists). */
int app_create(struct store *s, struct person *p,
    const struct application *app, struct ceh_err *e);
/* Write app into folder, then move it (and its zip) to app->stage. */
int app_commit(struct store *s, struct person *p,
    const struct application *app, enum stage folder, struct ceh_err *e);

/*
 * The usual way a command gets at one application: parse the id, open the
 * person, lock (when mutating), find and load the document.
 */
struct app_handle {
	struct app_ref ref;
	struct person p;
	enum stage folder;
	struct application app;
	int locked;
};
void app_handle_init(struct app_handle *h);	/* safe to app_close */
int app_open(struct store *s, const char *id, int mutate,
    struct app_handle *h, struct ceh_err *e);
/* app_commit of h->app from h->folder; h->folder follows. */
int app_save(struct store *s, struct app_handle *h, struct ceh_err *e);
void app_close(struct app_handle *h);

/*
 * Visit applications: all people (idnum NULL) or one.  For each document
 * file found, fn gets the person (p->idnum, its folders open for app_read,
 * not locked; valid during the call), the folder and the UNIQ;
 * a non-zero return stops the walk and is returned.  Temp files, dot
 * files and names that are not UNIQ.yaml are skipped.
 */
typedef int (*app_visit_fn)(struct store *s, struct person *p,
    enum stage folder, const char *uniq, void *arg);
int store_walk(struct store *s, const char *idnum, app_visit_fn fn,
    void *arg, struct ceh_err *e);

/* The shard directory name of an ID number (3 chars + NUL). */
void person_shard(const char *idnum, char out[4]);

#endif
