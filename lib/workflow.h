/*
 * workflow.h - the review workflow as data (STYLE R11) and the way a
 * transition is committed.
 *
 * wf_table lists every transition: the command, the stages it starts
 * from, the stage it leads to, who may act, its precondition and whether
 * a reason is required.  Commands never decide a transition themselves:
 * they fill a struct wf_request and call wf_apply, which picks the row,
 * checks it and changes the document in memory (stage, waiting_at, one
 * history event).  ceh-workflow(7) is written from this table.
 *
 *   submit     draft  -> review   waiting at the applicant's employer
 *   withdraw   review -> draft    only at the first reviewer, undecided
 *   approve    review -> review   at an employer/supervisor: forwarded to
 *                                 --next, else the parent, else the agency
 *   approve    review -> approved at the agency: final
 *   reject     review -> rejected final, reason required
 *   return     review -> draft    reason required; resubmit starts over
 *   undo       review, draft, rejected -> review   by the unit whose
 *                                 forwarding, rejection or return is the
 *                                 last event (nobody acted after it): it
 *                                 waits at that unit again ("undone")
 *   revoke     approved -> rejected   by the agency that approved it,
 *                                 reason required: its hours no longer
 *                                 count ("revoked"; final)
 *
 * Committing.  One path for one application and for a batch, through the
 * same fault and crash points: wf_prepare writes the new document to a
 * temp file (app_prepare, store.h) and adds the new unit's queue entry
 * holding its listing cache line (queue_add_app; crash point
 * "wf-after-queue-add"); wf_finish commits it (app_finish: the commit
 * rename, the new names in the new stage folder, then the old names
 * removed; crash points "atomic-before-rename", "atomic-after-rename",
 * "commit-after-write", "move-before-rename", "move-after-link",
 * "move-after-rename", "commit-after-move"), then ("wf-before-queue-del")
 * removes the old unit's entry.  The queue index (queue.h) thus stays a
 * superset of the truth.  The sync policy is the only difference:
 *
 * wf_commit (one application, the caller holds the person lock): every
 * step synced on its own (COMMIT_SYNC), each removal at once.
 *
 * wf_batch (review of many applications) commits a chunk with three
 * syncfs(2) calls instead of several fsyncs each (COMMIT_NOSYNC), and
 * stays crash-safe, even on a file system without a journal, because
 * nothing becomes visible before its data is durable and nothing is made
 * between a removal and the next sync (a freed inode is never reused
 * while its old name may still be on disk):
 *   1. under each person's lock (taken in sorted order, so two batches
 *      cannot deadlock), re-read and decide each application and
 *      wf_prepare it;
 *   2. syncfs: every temp file and queue entry is durable;
 *   3. wf_finish each (the rename is the commit point; the new names are
 *      made, the old ones stay);
 *   4. syncfs: every decision is durable;
 *   5. the old names and the old units' entries are removed;
 *   6. syncfs; only now are outcomes reported and the locks released.
 * A crash before 3 leaves only temp files (removed by the next writer or
 * fsck) and stale queue entries; a crash during 3 to 6 leaves each
 * document old or new, in the old folder, the new or both with the same
 * bytes, which person_repair rolls forward.  On a file system without
 * hard links (atomic.h) every item is committed synced on its own.  Crash
 * point "batch-after-prepare" sits between 2 and 3; the points of each
 * item count on across the chunk (POINT:N is the N-th item's).  A
 * failure after an item's commit point says "ID is now STATUS but ...",
 * in both modes.
 */
#ifndef CEH_WORKFLOW_H
#define CEH_WORKFLOW_H

#include <stddef.h>

#include "doc.h"

struct ceh_err;
struct ceh_key;
struct person;
struct store;
struct app_handle;

enum wf_action {
	WF_SUBMIT,
	WF_WITHDRAW,
	WF_APPROVE,
	WF_REJECT,
	WF_RETURN,
	WF_UNDO,
	WF_REVOKE
};

/* Where a row applies, by the kind of unit the application waits at. */
enum wf_where {
	WF_ANYWHERE,
	WF_AT_REVIEWER,		/* an employer or a supervisor */
	WF_AT_AGENCY		/* the agency (人社部门) */
};

enum wf_actor {
	WF_APPLICANT,		/* the applicant or a clerk for them */
	WF_WAITING_UNIT,	/* only the unit it waits at (--as) */
	WF_DECIDING_UNIT	/* only the unit of the last decision (--as) */
};

struct wf_request {
	enum wf_action action;
	const char *as;		/* acting unit (decisions), canonical code */
	const char *next;	/* --next: unit code, "agency", or NULL */
	const char *reason;	/* NULL or "" when not given */
	/* The signer's private key (trust.h: trust_signer), required in a
	 * signed store for every event chain_event_signed names: the
	 * applicant's employer's for submit and withdraw, the --as unit's
	 * for decisions.  Ignored in an unsigned store. */
	const struct ceh_key *key;
};

struct wf_ctx;

struct wf_transition {
	const char *command;	/* as typed: "review --approve" */
	enum wf_action action;
	enum wf_where where;
	unsigned from;		/* mask of 1 << enum stage */
	enum stage to;
	enum wf_actor actor;
	int reason_required;
	int evidence;		/* the archive is checked against the
				 * document first (bundle_check): damaged
				 * evidence is class 5, nothing changed */
	const char *event;	/* history event appended */
	int (*pre)(struct wf_ctx *c, struct ceh_err *e);
	const char *pre_text;	/* the precondition, for ceh-workflow(7) */
};

extern const struct wf_transition wf_table[];
extern const size_t wf_table_len;

const char *wf_actor_text(enum wf_actor a);

/*
 * Check the request against the table and apply it to app in memory:
 * stage, waiting_at and one history event, chained and, in a signed
 * store, signed with rq->key (wf_signer_unit says whose it must be).  p is the application's
 * person, locked (its other applications are read for the rule that a
 * year is approved only once).  The store's units must be loaded.
 * Errors: 1 rule refused (incomplete, year approved elsewhere, bad
 * --next), 2 missing reason, 3 unknown unit, 4 wrong state or wrong unit
 * (the message names the unit it waits at), 5 when the row checks the
 * evidence and the archive does not match the document.  On success *outcome points
 * to a static description ("forwarded to CODE", "approved", ...) valid
 * until the next call.
 */
int wf_apply(struct store *s, struct person *p, struct application *app,
    const struct wf_request *rq, const char **outcome, struct ceh_err *e);

/* The unit whose key signs rq on app: the applicant's employer for
 * submit and withdraw, rq->as for decisions. */
const char *wf_signer_unit(const struct application *app,
    const struct wf_request *rq);

/* Commit a transition made by wf_apply on h (locked); old_wait is the
 * unit it waited at before ("" if none). */
int wf_commit(struct store *s, struct app_handle *h, const char *old_wait,
    struct ceh_err *e);

/* One application of a batch: the id as given, then the result. */
struct wf_item {
	const char *id;
	int code;		/* exit class, 0 if done */
	char msg[1024];		/* outcome or error message */
};
/* Decide every item (each on its own: one failure does not stop the
 * rest).  done is called for each item, in input order, once its outcome
 * is durable.  Returns 0, or -1 for a failure of the whole run. */
int wf_batch(struct store *s, const struct wf_request *rq,
    struct wf_item *items, size_t n,
    void (*done)(void *arg, const struct wf_item *it), void *arg,
    struct ceh_err *e);

/* Is any year of app approved in another application of the person?
 * Returns 1 and names it in e (class 1), 0 if not, -1 on error. */
int wf_year_conflict(struct store *s, struct person *p,
    const struct application *app, struct ceh_err *e);

#endif
