/*
 * doc.h - the application document (学时核认申报): its C form, loading
 * from YAML with full validation, and canonical YAML output.
 *
 * One application = one YAML file, people/SHARD/IDNUMBER/STAGE/UNIQ.yaml
 * (see store.h and ceh-store(5)).  The document carries everything: the
 * applicant's details (申报人信息), the year rows (申报年度明细) with their
 * provenance (imported record ids) and attachments, the workflow state
 * (stage, the unit it waits at) and the append-only history of events.
 *
 * Hours are integer half hours in memory ("30.5" in the file).  The total
 * of a year row (合计学时) is computed, written for readers, and checked
 * on load, never trusted.
 *
 * Ownership: struct application owns all its strings; app_release frees
 * them.  Setters copy their arguments.
 */
#ifndef CEH_DOC_H
#define CEH_DOC_H

#include <stddef.h>

#include "validate.h"
#include "xalloc.h"

struct ceh_err;
struct codes;

#define DOC_FORMAT 1

/* Workflow stages; the stage is the folder the file is in. */
enum stage {
	STAGE_DRAFT,		/* draft/: 暂存, 退回, 已撤销 - editable */
	STAGE_REVIEW,		/* review/: 待审核 at waiting_at */
	STAGE_APPROVED,		/* approved/: 审核通过 (final) */
	STAGE_REJECTED,		/* rejected/: 审核不通过 (final) */
	STAGE__COUNT
};

const char *stage_name(enum stage s);		/* "draft" ... */
int stage_parse(const char *s, enum stage *out);

/* The applicant's details; code-list fields hold canonical names. */
struct applicant {
	char id_number[IDNUM_LEN + 1];	/* 证件号码 */
	char *name;			/* 姓名 */
	char *ethnicity;		/* 民族 */
	char *unit;			/* 单位 (credit code) */
	char *unit_nature;		/* 单位性质 */
	char *title_level;		/* 拟申报职称 */
	char *phone;			/* 联系电话 */
	char *education;		/* 最高学历, "" if not given */
	char *series;			/* 申报大类 */
	char *specialty;		/* 子专业名称 */
	char *region;			/* 行政区划名称 */
	char *remark;			/* 备注, "" if not given */
};

/* One subject line of a year row; absent when subject is "". */
struct subject_line {
	char *subject;		/* 科目名称 */
	long hours;		/* 折算学时, half hours */
	char *form;		/* 继续教育形式 */
};

struct attachment {
	char *name;		/* the original file name, for display */
	char *entry;		/* the entry name inside the zip */
	long size;		/* bytes */
	char *type;		/* MIME type decided from the content */
	char *sha256;		/* 64 lower-case hex digits */
	char *added;		/* ISO time */
};

struct year_row {
	int year;			/* 年度 */
	struct subject_line pub;	/* 公需科目 */
	struct subject_line pro;	/* 专业科目 */
	char **records;			/* imported record keys, provenance */
	size_t nrecords;
	struct attachment *att;		/* evidence for this year */
	size_t natt;
};

/* One entry of the history (append-only). */
struct event {
	char *at;		/* ISO time, UTC */
	char *what;		/* created, edited, year-added, year-replaced,
				 * year-removed, attached, detached, submitted,
				 * withdrawn, approved, forwarded, rejected,
				 * returned, transferred */
	char *by;		/* user@host that ran the command */
	char *unit;		/* deciding unit, for decisions */
	char *next;		/* where it went next (unit code), if any */
	char *reason;		/* 不通过意见 / 退回原因 */
	char *detail;		/* e.g. the year concerned */
	char *changes;		/* edited, year-replaced: what changed,
				 * 'KEY: "OLD" → "NEW"' joined by "; "
				 * (app_note_change), else "" */
	/* the chain and the signature (chain.h, ceh-trust(7)); "" when
	 * absent (history from before chains, unsigned events) */
	char *prev;		/* event hash of the event before */
	char *content;		/* content hash of the document after it */
	char *key;		/* key hash of the signing key */
	char *sig;		/* base64url Ed25519 signature */
};

struct application {
	long format;
	char *id;			/* IDNUMBER-UNIQ, see store.h */
	enum stage stage;
	char *waiting_at;		/* unit code when in review, else "" */
	long revision;			/* +1 on every change */
	char *created;
	char *updated;
	struct applicant a;
	struct year_row *years;		/* sorted by year, unique */
	size_t nyears;
	struct event *history;
	size_t nhistory;
	char *pending;		/* changes noted for the next event, or NULL */
};

/* Limits used by the checks (from the store's settings). */
struct doc_rules {
	const struct codes *codes;	/* NULL: skip code-list checks */
	long max_half_year;		/* bound on one year's total */
};

void app_init(struct application *app);
void app_release(struct application *app);

int doc_parse(struct application *app, const char *buf, size_t len,
    const char *fname, const struct doc_rules *r, struct ceh_err *e);
int doc_emit(const struct application *app, struct sbuf *out,
    struct ceh_err *e);

/*
 * Applicant fields, by option name ("id", "name", "ethnicity", "unit",
 * "unit-nature", "title-level", "phone", "education", "series",
 * "specialty", "region", "remark").  applicant_set validates and stores
 * the canonical value; applicant_check verifies a complete applicant.
 */
struct applicant_field {
	const char *option;	/* command-line option without "--" */
	const char *key;	/* YAML key */
	const char *label;	/* Chinese label (list and show) */
	int required;
	const char *metavar;	/* the option's argument in usage, e.g. CODE */
};
/* The one table of applicant fields: the documents' keys, the options of
 * apply and edit and their usage are all made from it.  A NULL option
 * ends it. */
#define APPLICANT_NFIELDS 12
extern const struct applicant_field applicant_fields[APPLICANT_NFIELDS + 1];
int applicant_set(struct applicant *a, const char *option, const char *val,
    const struct codes *c, struct ceh_err *e);
const char *applicant_get(const struct applicant *a, const char *option);
int applicant_check(const struct applicant *a, const struct codes *c,
    struct ceh_err *e);

/* Year rows. */
struct year_row *app_year(struct application *app, int year);
/* Insert or replace (keeps years sorted); row is moved into app. */
void app_put_year(struct application *app, struct year_row *row);
int app_remove_year(struct application *app, int year);
void year_row_release(struct year_row *row);
/* Validate a row: subject/form present with hours, form in the list,
 * total within bounds. */
int year_row_check(const struct year_row *row, const struct doc_rules *r,
    struct ceh_err *e);
long year_total(const struct year_row *row);

/*
 * The operator of the events this run records: a clerk's name (one line
 * of valid UTF-8, 1..APP_OPERATOR_MAX characters, no control, invisible
 * direction or format character, no parenthesis), from --operator or
 * CEH_OPERATOR.  by is then "NAME (user@host)", else "user@host".
 * field names the source in the message (class 1).
 */
#define APP_OPERATOR_MAX 64
int app_operator_set(const char *field, const char *name,
    struct ceh_err *e);

/*
 * Note that the change the next event records turned field KEY from old
 * to new (nothing when they are equal): ceh edit for each field,
 * app_put_year for each field of a replaced row (public-subject,
 * public-hours, public-form, pro-subject, pro-hours, pro-form).
 * app_add_event moves the notes into the event's changes.  Values are
 * quoted ("…", with \" and \\ inside) and cut at APP_CHANGE_MAX bytes on
 * a character boundary ("…" then ends the value), so the event text
 * stays bounded.
 */
#define APP_CHANGE_MAX 300
#define APP_CHANGES_MAX 8000	/* characters of an event's changes */
void app_note_change(struct application *app, const char *key,
    const char *old, const char *new);

/* Append an event (strings copied; NULL for empty) and bump revision and
 * updated.  The time is now(); by is the operator (app_operator_set) and
 * the account, user@host (CEH_USER, else the login name).  The
 * event is chained (chain_seal) to the document as it is: call it after
 * the change it records. */
void app_add_event(struct application *app, const char *what,
    const char *unit, const char *next, const char *reason,
    const char *detail);
/* app_add_event without the chain_seal, for a caller that changes the
 * document further and then seals or signs the event itself (wf_apply:
 * the stage change comes after the event); until then the event has no
 * prev, content, key or sig. */
void app_push_event(struct application *app, const char *what,
    const char *unit, const char *next, const char *reason,
    const char *detail);

/* The operator and account app_add_event records as an event's by
 * (moves.h records it too). */
const char *app_actor(void);

/* 暂存 / 待审核 / 审核通过 / 审核不通过 / 退回 / 已撤销 */
const char *app_status(const struct application *app);
/* The reason of the latest reject or return, or "". */
const char *app_last_reason(const struct application *app);

#endif
