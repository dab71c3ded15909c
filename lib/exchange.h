/*
 * exchange.h - sending and receiving git bundles between sites
 * (ceh-exchange(7) is the design; site.h the site's files).
 *
 * A bundle holds one commit of the sender's branch to/UNIT, whose tree
 * is
 *   ceh-bundle         "ceh-bundle-v1", from=SITE, to=UNIT,
 *                      anchor=KEYHASH (the trust anchor it believes),
 *                      root=KEYHASH (record 0's key: the anchor before
 *                      any rotation)
 *   acks               "SITE TAB UNIT TAB COMMIT": the last commit this
 *                      site received from each site (receipts)
 *   refused            "SITE TAB UNIT TAB APPID TAB REASON": what this
 *                      site refused of each site
 *   trust.log units.yaml   the sender's registry (units.yaml as ceh
 *                      emits it, the canonical form)
 *   units.sig          "ceh-units-v1", unit=AGENCY, time=SECONDS,
 *                      units=SHA256 (of units.yaml), sig=BASE64URL: the
 *                      agency's ed25519 signature (namespace ceh-units)
 *                      of the text before sig=; a bundle without it
 *                      carries no units.yaml
 *   apps/APPID.yaml apps/APPID.zip   applications and their evidence
 *   records/APPID.csv  the provider records the application cites, in
 *                      the providers' CSV form (ceh-import(1))
 * and nothing else: any other path, a mode other than 100644 (a
 * symbolic link, a submodule, an executable) refuses the whole bundle.
 */
#ifndef CEH_EXCHANGE_H
#define CEH_EXCHANGE_H

#include "site.h"

struct ceh_err;
struct store;
struct application;

/* The largest bundle receive reads (CEH_EXCHANGE_MAX bytes overrides,
 * for tests). */
#define EXCHANGE_MAX_BYTES (2LL << 30)
#define EXCHANGE_ZIP_MAX (256 << 20)

/* One row of exchange_status (exch_report.row): status "in-transit"
 * (unit, apps, acked) or "refused" (site, unit, app, employer,
 * reason); absent fields are "". */
struct exch_status_row {
	const char *status, *site, *unit, *app, *employer, *reason, *acked;
	long apps;
};

struct exch_report {
	long apps;		/* applications sent / in the bundle */
	long taken, same, older, refused, diverged;
	int nothing_new;	/* send: no file written; receive: an old
				 * or repeated bundle */
	int full;		/* send: a full bundle */
	char from[SITE_NAME_MAX + 1];	/* receive: the sender */
	void (*say)(void *arg, const char *msg);	/* one line each */
	/* exchange_status: each row, when set (else its line to say) */
	void (*row)(void *arg, const struct exch_status_row *row);
	void *arg;
};

/*
 * Send to unit: commit what unit must see on to/UNIT and write the
 * bundle to path, incremental since what unit acknowledged (the whole
 * branch with full).  Needs the units loaded.  At the agency's own site
 * the registry is signed with the anchor unit's key (keyopt, $CEH_KEY
 * or the key folder) when it changed.  Class 3 for an unknown
 * unit; nothing_new when there is nothing unit has not acknowledged (no
 * file is written).
 */
int exchange_send(struct store *s, struct site *st, const char *unit,
    const char *path, int full, const char *keyopt, struct exch_report *r,
    struct ceh_err *e);
/* What is in transit (sent, not acknowledged) and what the other sites
 * refused: one line each to r->say. */
int exchange_status(struct store *s, struct site *st, struct exch_report *r,
    struct ceh_err *e);
/*
 * Receive the bundle at path.  Refused whole (nothing changes): not a
 * bundle, damaged or truncated (class 1), too big (1), needing a bundle
 * not received yet (4), from a site of another trust anchor (1), a path
 * or mode that is not allowed (1).  Else application by application:
 * taken, the same, older, refused (told to r->say and remembered for the
 * sender: the return is then class 1) or diverged (set aside under
 * conflicts/, class 4 if nothing was refused).
 */
int exchange_receive(struct store *s, struct site *st, const char *path,
    struct exch_report *r, struct ceh_err *e);
/* A diverged application: keep ours (drop theirs) or take theirs (it
 * must verify).  Class 3 if there is no such conflict. */
int exchange_resolve(struct store *s, struct site *st, const char *appid,
    int take_theirs, struct ceh_err *e);

#endif
