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
 * Changing an application (app_prepare, app_finish) is: write the new
 * document with its new stage to a temp file beside UNIQ.yaml in the
 * folder it is in now, rename it over UNIQ.yaml, then, if the stage
 * changed, move UNIQ.yaml into the new stage folder, then move UNIQ.zip
 * after it.  The document's stage field is the truth
 * and the folder follows it; person_repair rolls every interrupted change
 * forward by that rule.  Writers hold the person lock; readers never lock
 * (a rename gives them the old file or the new, never a mix).
 */
#ifndef CEH_STORE_H
#define CEH_STORE_H

#include <sys/types.h>

#include "atomic.h"
#include "codes.h"
#include "config.h"
#include "doc.h"
#include "hash.h"
#include "index.h"
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
	uid_t owner;		/* the owner of the store's folder, */
	gid_t group;		/* whose store it is */
	int allow_owner;	/* --allow-owner: write it all the same */
	int has_modes;		/* its filesystem keeps Unix modes */
	/* what its file system can do (atomic.h: fs_probe at open, then
	 * learnt as the process goes): no_link, no_rename2, no_modes */
	const struct fs_caps *fs;
	struct trust *trust;	/* the key registry, read on demand
				 * (trust.h) */
};

/* $CEH_STORE, else ${XDG_DATA_HOME:-$HOME/.local/share}/ceh.  Caller
 * frees. */
char *store_default_path(void);
/* The installed data directory holding codes/ (CEH_DATADIR, the build
 * tree, or the compiled-in path).  Caller frees. */
char *store_data_dir(void);

/* Create a new store at path (class 4 if one is already there), signed
 * unless unsigned_store (trust.h). */
int store_init(const char *path, const char *datadir, int unsigned_store,
    struct ceh_err *e);
/* Open an existing store: settings, code lists.  Class 3 with a hint to
 * run `ceh init` when there is none. */
int store_open(struct store *s, const char *path, struct ceh_err *e);
void store_close(struct store *s);

/*
 * Who may write.  A store belongs to the owner of its folder.  Another
 * user (root included) may read it where the modes allow, but every
 * writer (store_lock, person_lock_mode, slip records) first calls
 * store_may_write, which refuses (class 5, naming the owner) unless
 * s->allow_owner is set.  store_adopt_owner, for --allow-owner: a root
 * process becomes the store's owner (uid, gid, no other groups) for the
 * rest of its life, so everything it creates is the owner's and the
 * owner can go on using the store; a process of another user stays
 * itself (what it creates is its own, mode 0600).  A store on a
 * filesystem without Unix modes (fs_has_modes) belongs to whoever
 * mounted it and is not checked.
 */
int store_may_write(const struct store *s, struct ceh_err *e);
int store_adopt_owner(struct store *s, struct ceh_err *e);
/* Why this process cannot write the store ("the filesystem is mounted
 * read-only", "it belongs to user 'NAME' (uid N)", "its folder is not
 * writable"), into buf; NULL when it can. */
const char *store_read_only(const struct store *s, char *buf, size_t size);
/* "'NAME' (uid N)" for messages, into buf. */
const char *user_label(uid_t uid, char *buf, size_t size);

/*
 * Modes.  Every file of a store is 0600 and every folder 0700 (personal
 * data; ceh makes them so whatever the umask).  fs_has_modes(fd) says
 * whether the filesystem of fd keeps Unix modes and owners: not FAT,
 * exFAT, NTFS (ntfs3), SMB/CIFS, nor any FUSE filesystem (ntfs-3g,
 * exfat-fuse, fusefat, sshfs...), whose modes are made up at mount time
 * (statfs f_type; the one probe, to be joined with the store's other
 * filesystem probes).  CEH_TEST_NO_MODES=1 makes it say no (tests).
 * private_file_check refuses (class 5) a secret or key file that group
 * or others may read, where modes exist; shown names it.
 */
int fs_has_modes(int fd);
int private_file_check(int dirfd, const char *name, const char *shown,
    struct ceh_err *e);
/* What store_check_modes found (for fsck).  say gets one line each. */
struct mode_report {
	long loose;		/* modes looser than 0600/0700 */
	long fixed;		/* of them, tightened (repair) */
	long foreign;		/* files of another owner (report only) */
	void (*say)(void *arg, const char *msg);
	void *arg;
};
/* Walk the whole store (never following symbolic links): report every
 * file or folder with a permission for group or others and, with
 * repair, clear those bits; report every one not owned by the store's
 * owner.  Nothing is checked where the filesystem has no modes.  Only
 * descriptors of its own are read: without repair it may run in a thread
 * of its own while another walks the store (fsck). */
int store_check_modes(struct store *s, int repair, struct mode_report *r,
    struct ceh_err *e);

int store_load_units(struct store *s, struct ceh_err *e);
/* Rewrite units.yaml; the caller holds the store lock. */
int store_save_units(struct store *s, struct ceh_err *e);
int store_lock(struct store *s, struct lock *lk, struct ceh_err *e);
/* With the store lock: temp_sweep of the store's top folder and codes/
 * (the files written under that lock). */
int store_sweep(struct store *s, struct sweep *sw, struct ceh_err *e);

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
	char dir[32];			/* "people/SSS/IDNUMBER" (messages) */
	int fd;				/* people/SSS/IDNUMBER */
	int stagefd[STAGE__COUNT];	/* its stage folders */
	struct lock lock;
};

/* Open a person's directory (creating it if asked).  Class 3 if absent. */
int person_open(struct store *s, const char *idnum, int create,
    struct person *p, struct ceh_err *e);
/*
 * Take the person's writer lock (people/SSS/IDNUMBER/.lock).  LOCK_REPAIR
 * (every writer: person_lock) then creates missing stage folders and rolls
 * interrupted changes forward (person_repair, silently); LOCK_ONLY takes
 * the lock and changes nothing (fsck, which repairs and reports itself);
 * LOCK_NONE takes no lock and writes nothing (fsck's read-only check of
 * a store it cannot write: a concurrent writer may cause false reports).
 * Busy is class 4; a store of another user is class 5 (store_may_write).
 * person_close releases it.
 */
enum lock_mode { LOCK_REPAIR, LOCK_ONLY, LOCK_NONE };
int person_lock_mode(struct store *s, struct person *p, enum lock_mode m,
    struct ceh_err *e);
int person_lock(struct store *s, struct person *p, struct ceh_err *e);
void person_close(struct person *p);
/* "people/SSS/IDNUMBER/STAGE" into buf (messages, sweeps). */
const char *person_folder(const struct person *p, enum stage f, char *buf,
    size_t size);

/* What person_repair found and did (for fsck). */
struct repair_report {
	long moved;		/* documents moved to the folder of their stage */
	long zips_moved;	/* archives moved next to their document */
	long temps_removed;	/* temp files of interrupted writes */
	long copies_removed;	/* second copies and empty claims */
	long problems;		/* things it could not fix (reported) */
	void (*say)(void *arg, const char *msg);	/* may be NULL */
	void *arg;
	/* NULL, or STAGE__COUNT lists that person_repair fills with the
	 * names of the stage folders as they are when it returns (a list
	 * marked failed when it cannot tell); the caller frees them */
	struct folder_list *names;
	/* NULL, or a list (empty) that person_repair fills with the bytes
	 * of each document it read and left where it was, when it changed
	 * and reported nothing for the person (else it stays empty); the
	 * caller frees it (doc_bytes_free) */
	struct doc_bytes_list *kept;
};
/* A document's bytes as person_repair read them, for a caller that
 * would read it again (fsck): what the folder holds while the person's
 * lock is held. */
struct doc_bytes {
	enum stage folder;
	char name[APP_UNIQ_LEN + 8];	/* UNIQ.yaml */
	char *buf;
	size_t len;
};
struct doc_bytes_list {
	struct doc_bytes *v;
	size_t n;
};
void doc_bytes_free(struct doc_bytes_list *l);
/* folder/name in l (NULL: none, or l NULL). */
const struct doc_bytes *doc_bytes_find(const struct doc_bytes_list *l,
    enum stage folder, const char *name);
/* The names of one folder, read once (person_repair).  A missing
 * folder is an empty list; failed: it could not be read. */
struct folder_list {
	char **v;
	size_t n;
	int failed;
};
void folder_list_free(struct folder_list *l);
/* Is name in the list?  1 when the list cannot tell (failed). */
int folder_list_has(const struct folder_list *l, const char *name);
/*
 * With the lock held, in three steps: (1) anything in the person's folder
 * but .lock and the stage folders is reported; (2) in each stage folder
 * the leftovers of interrupted writes are swept (temp_sweep_one: ".tmp.*"
 * and libzip's "UNIQ.zip.XXXXXX"), names that are not files of ceh are
 * reported, and each document whose stage field names another folder is
 * moved there; (3) each archive is moved next to its document.  With
 * repair == 0 only report; with repair, missing stage folders are created
 * first.  Only each document's stage field is read (ytree_peek); a
 * document that cannot be read is left for the caller's full reader to
 * report.  A name in two stage folders (a move cut short by a power loss:
 * move_begin made the new name, the old one is still there) is resolved
 * only when nothing can be lost: a document with the same bytes in both
 * keeps the copy in the folder of its stage; an archive keeps the copy
 * that holds the evidence the document lists when the other holds
 * nothing more (bundle_twins); otherwise both are kept and reported,
 * never merged.  An empty UNIQ.yaml or UNIQ.zip is the claim of a
 * publish without hard links that never got its content (atomic.h): it
 * is removed.  Every removal is synced at once (a freed inode must be
 * durable before anything new is made).
 */
int person_repair(struct store *s, struct person *p, int repair,
    struct repair_report *rep, struct ceh_err *e);

/* The store's names.  person_dir_name: an ID number as a folder name
 * (17 digits and a digit or X).  app_file_name: "UNIQ" + ext (".yaml",
 * ".zip") with a valid UNIQ, copied into uniq (APP_UNIQ_LEN + 1 bytes). */
int person_dir_name(const char *name);
int app_file_name(const char *name, const char *ext, char *uniq);

/* 1 if buf is valid UTF-8 holding no control character but the
 * newline (no tab, CR, NUL, DEL, U+0080-U+009F), neither U+FFFE nor
 * U+FFFF, and no line break but the newline (no U+2028, U+2029): text
 * that libyaml's reader takes as it is, in lines that end where they
 * seem to.  The light readings
 * of a document (the stage under the lock, the years of the year rule)
 * look only at such text and leave anything else to libyaml. */
int doc_text_plain(const char *buf, size_t len);

/* Which stage folder holds UNIQ.yaml; class 3 if none. */
int app_find(struct person *p, const char *uniq, enum stage *where,
    struct ceh_err *e);
/* Read and validate UNIQ.yaml from a folder. */
int app_read(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app, struct ceh_err *e);
/* app_read of bytes already read (doc_bytes): parsed and checked
 * alike; digest, when not NULL, gets their SHA-256. */
int app_parse_bytes(struct store *s, struct person *p, enum stage folder,
    const char *uniq, const char *buf, size_t len, struct application *app,
    unsigned char *digest, struct ceh_err *e);
/* app_read, and the SHA-256 of the bytes it parsed (a key of the
 * verification cache: trust_doc_cached). */
int app_read_digest(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app,
    unsigned char digest[SHA256_LEN], struct ceh_err *e);
/* app_find + app_read, looking again when the document moves between the
 * two (a transition of another process; readers take no lock): *folder is
 * where it was read.  Stop point "app-after-find" sits between them. */
int app_load(struct store *s, struct person *p, const char *uniq,
    enum stage *folder, struct application *app, struct ceh_err *e);
/* Publish a new application in draft/ (fails if the name exists). */
int app_create(struct store *s, struct person *p,
    const struct application *app, struct ceh_err *e);

/*
 * The one commit path of an application, used by single transitions
 * (app_commit, COMMIT_SYNC) and by batch review (COMMIT_NOSYNC, which
 * syncs the whole store before and after instead: workflow.h), through
 * the same fault and crash points:
 *
 *   app_prepare  write the new document (its new stage already set) to a
 *                temp file beside UNIQ.yaml in folder, fsynced with
 *                COMMIT_SYNC.  Nothing a reader sees has changed; a
 *                failure leaves the store as it was.
 *   app_finish   rename the temp over UNIQ.yaml (the commit point; crash
 *                points "atomic-before-rename", "atomic-after-rename"),
 *                with COMMIT_SYNC sync the folder (the old document's
 *                inode is freed); if the stage changed,
 *                "commit-after-write", then the move in two halves
 *                (atomic.h: move_begin, move_end): UNIQ.yaml and UNIQ.zip
 *                linked into the folder of the stage ("move-before-rename",
 *                "move-after-link"), that folder synced, then
 *                (app_finish_moves) the old names removed
 *                ("move-after-rename", "commit-after-move" between the
 *                two) and the old folder synced.  A power loss anywhere
 *                leaves each name in the old folder, the new, or both
 *                with the same bytes, never neither.  With COMMIT_NOSYNC
 *                app_finish stops after the links; the batch syncs the
 *                store and then calls app_finish_moves.  A failure after
 *                the commit point says "ID is now STATUS but ..."
 *                (c->committed is set): the change is made and
 *                person_repair completes it.
 *   app_abort    roll a prepared commit back (no-op after app_finish).
 *
 * The summary index (index.h) follows the same path: app_prepare appends
 * the pending frame once the temp file is written (durable with
 * COMMIT_SYNC), app_finish the final one right after the commit point,
 * app_abort takes the pending one back; app_create the same around its
 * publish.
 *
 * The struct is the caller's and must stay in place from prepare to
 * finish or abort (its temp file is registered for removal on exit).
 */
enum commit_sync { COMMIT_NOSYNC, COMMIT_SYNC };
struct app_commit {
	struct person *p;		/* borrowed, locked */
	enum stage from, to;
	enum commit_sync sync;
	char appid[APP_ID_LEN + 1];
	char status[32];		/* app_status of the new document */
	char sha256[65];		/* of the new document's bytes */
	int committed;			/* the commit point is passed */
	int moving;			/* new names made, old ones not gone */
	int has_zip;
	char zip[32];			/* UNIQ.zip */
	struct tempfile tmp;
	struct index_txn ix;		/* its summary index frames (index.h) */
	struct store *store;		/* set by app_prepare */
};
int app_prepare(struct store *s, struct person *p,
    const struct application *app, enum stage folder, enum commit_sync sync,
    struct app_commit *c, struct ceh_err *e);
int app_finish(struct store *s, struct app_commit *c, struct ceh_err *e);
/* The old names' removal after a COMMIT_NOSYNC app_finish, once the
 * batch has synced the new names (a no-op otherwise). */
int app_finish_moves(struct store *s, struct app_commit *c,
    struct ceh_err *e);
void app_abort(struct app_commit *c);
/* The index's final frame of a COMMIT_NOSYNC app_finish (index.h),
 * once the batch has synced the store: nothing is written between a
 * rename that frees an inode and the sync after it.  COMMIT_SYNC
 * writes it in app_finish, after the folder's sync. */
void app_finish_index(struct store *s, struct app_commit *c);
/* Say "ID is now STATUS but WHY" in front of e: a failure after the
 * commit point (app_finish's own, or the batch's store sync). */
#define COMMIT_LATE_SYNC 1	/* "... but may not survive a power loss" */
#define COMMIT_LATE_MOVE 2	/* "... but is not in its stage folder yet" */
void app_commit_late(const struct app_commit *c, int why, struct ceh_err *e);
/* app_prepare + app_finish, COMMIT_SYNC. */
int app_commit(struct store *s, struct person *p,
    const struct application *app, enum stage folder, struct ceh_err *e);

/*
 * The usual way a command gets at one application: parse the id, open the
 * person, lock (when mutating), find and load the document (app_load).
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
 * Iterators: the store owns its layout, so nobody else reads people/.
 *
 * store_people visits every person folder people/SSS/IDNUMBER (SSS its
 * shard), opened as by person_open, not locked; p is the walker's and
 * valid during the call (fn may lock it; the walker closes it).  A folder
 * that cannot be opened is given as p == NULL and err.
 *
 * folder_docs visits the names UNIQ.yaml of one stage folder of p (none
 * if the folder is missing); -1 (class 5) if it cannot be read.
 *
 * store_walk visits applications: all people (idnum NULL) or one.  fn
 * gets the person (not locked), the folder it was read from and the
 * loaded document, which is the walker's: to keep it, fn moves it out
 * (copy the struct, then app_init(app)).  A document that cannot be read
 * is given as app == NULL and err.  Each application is visited at most
 * once, although a transition may move it while the walk runs: a document
 * gone from the folder being walked is read where it is now, unless that
 * folder is still to be walked.  Temp files, dot files and names that are
 * not UNIQ.yaml are skipped.  Stop point "walk-after-visit" follows each
 * visit.  For all three a non-zero return of fn stops
 * the walk and is returned.
 */
typedef int (*person_visit_fn)(struct store *s, struct person *p,
    const struct ceh_err *err, void *arg);
int store_people(struct store *s, person_visit_fn fn, void *arg,
    struct ceh_err *e);
typedef int (*doc_name_fn)(struct person *p, enum stage folder,
    const char *uniq, void *arg);
int folder_docs(struct person *p, enum stage folder, doc_name_fn fn,
    void *arg, struct ceh_err *e);
/* folder_docs over the names person_repair listed of that folder of p,
 * the person still locked (folder_docs itself when the list failed). */
int folder_list_docs(struct person *p, enum stage folder,
    const struct folder_list *l, doc_name_fn fn, void *arg,
    struct ceh_err *e);
typedef int (*app_visit_fn)(struct store *s, struct person *p,
    enum stage folder, struct application *app, const struct ceh_err *err,
    void *arg);
int store_walk(struct store *s, const char *idnum, app_visit_fn fn,
    void *arg, struct ceh_err *e);

/* The shard directory name of an ID number (3 chars + NUL). */
void person_shard(const char *idnum, char out[4]);
/* The number of a shard directory name ("042": 42), or -1 when name is
 * not one (three digits). */
int shard_number(const char *name);

#endif
