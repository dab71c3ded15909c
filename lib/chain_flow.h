/*
 * chain_flow.h - the workflow conformance of an application's history
 * (ceh-trust(7) VERIFICATION, ceh-workflow(7)).
 *
 * chain_check and the signatures (trust.h) prove who signed each event;
 * chain_flow_check proves that each of them was entitled to.  It replays
 * the history from the first event against the rows of the workflow
 * table (workflow.h), keeping the state the application had after each
 * event: its stage, the unit it waited at, the first reviewer of the
 * current submission, whether anybody decided since, and the units it
 * has waited at since.  The rules:
 *
 *   created, edited, year-added, year-replaced, year-removed, attached,
 *   detached, transferred   only while it is a draft (so hours edited after a
 *              submission or an approval are refused, even when the
 *              edit is chained);
 *   submitted  from a draft; next is the first reviewer, and the signer
 *              (unit) is that unit (the employer signs for its staff) or
 *              empty in an unsigned event;
 *   withdrawn  in review, still at the first reviewer, nobody has
 *              decided since the submission; unit is that reviewer;
 *   forwarded  in review, by the unit it waits at, to a next unit that
 *              is neither the signer nor a unit it has waited at since
 *              the submission, and not by an agency (an agency's
 *              approval is final);
 *   approved   in review, by the unit it waits at, and that unit is an
 *              agency: in a signed store the kind of the signer's
 *              certificate at the event's time (trust.log), in an
 *              unsigned store (or an unsigned event from before the
 *              upgrade) the kind in units.yaml;
 *   rejected, returned   in review, by the unit it waits at;
 *   undone     right after a forwarding, rejection or return ("upgraded"
 *              aside), by the same unit, naming it (detail) and the unit
 *              it waits at again (next): the state before that decision
 *              returns (its stage, waiting unit, whether anybody decided
 *              since the submission, the units it has waited at);
 *   revoked    after the final approval, by the agency that gave it (an
 *              agency, as for approved), with a reason: it ends rejected;
 *   upgraded   anywhere; changes nothing.
 *
 * Nothing may follow an approval but "revoked" and "upgraded", nor a
 * rejection but "undone" (of that rejection) and "upgraded".  After
 * the last event the replayed stage and waiting unit must be the
 * document's.  Every event is replayed, the unsigned history from before
 * chains included (ceh made it with the same table).
 *
 * 0 if the history conforms; -1 with class 5 (CEH_ESYS: damage in the
 * store) and a message naming the application, the event (position and
 * name) and, for a decision by the wrong unit, the unit that signed and
 * the unit it waited at.  The store's units must be loaded (kinds of
 * unsigned stores); a signed store's registry is read on demand.
 */
#ifndef CEH_CHAIN_FLOW_H
#define CEH_CHAIN_FLOW_H

struct ceh_err;
struct store;
struct application;

int chain_flow_check(struct store *s, const struct application *app,
    struct ceh_err *e);

#endif
