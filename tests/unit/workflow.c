/*
 * Unit tests of lib/workflow: the transition table is complete and sane,
 * and man/ceh-workflow.7 (argv[1]) describes exactly that table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "tap.h"
#include "workflow.h"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The page's entry for row t: the ".It Nm ceh CMD ..." line naming its
 * stages, up to the next ".It". */
static const char *
entry(const char *page, const struct wf_transition *t, char *out,
    size_t size)
{
	char head[160], stages[80];
	const char *p = page, *end;

	snprintf(head, sizeof(head), ".It Nm ceh %s", t->command);
	snprintf(stages, sizeof(stages), "Cm %s No \\(-> Cm %s\n",
	    stage_name(__builtin_ctz(t->from)), stage_name(t->to));
	while ((p = strstr(p, head)) != NULL) {
		const char *nl = strchr(p, '\n');
		size_t len;

		if (nl == NULL)
			return NULL;
		if (strncmp(nl - strlen(stages) + 1, stages,
		    strlen(stages)) != 0) {
			p = nl;
			continue;
		}
		end = strstr(nl, "\n.It ");
		if (end == NULL)
			end = strstr(nl, "\n.El");
		if (end == NULL)
			return NULL;
		len = (size_t)(end - p) < size - 1 ? (size_t)(end - p) :
		    size - 1;
		memcpy(out, p, len);
		out[len] = '\0';
		return out;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int seen[7] = { 0 };
	char *page = argc > 1 ? slurp(argv[1]) : NULL;
	char buf[4096], want[128];
	size_t i;

	ok(wf_table_len == 8, "eight transitions");
	for (i = 0; i < wf_table_len; i++) {
		const struct wf_transition *t = &wf_table[i];

		seen[t->action]++;
		ok(t->from != 0 && (t->from & ~0xfu) == 0,
		    "%s: starts from a stage", t->event);
		ok(t->reason_required == (t->action == WF_REJECT ||
		    t->action == WF_RETURN || t->action == WF_REVOKE),
		    "%s: reason required only to reject, return and revoke",
		    t->event);
		ok((t->actor == WF_APPLICANT) == (t->action == WF_SUBMIT ||
		    t->action == WF_WITHDRAW), "%s: the applicant submits and "
		    "withdraws, the waiting unit decides", t->event);
		ok(t->pre_text && t->pre_text[0], "%s: precondition described",
		    t->event);
		ok(t->evidence == (t->action == WF_SUBMIT ||
		    t->action == WF_APPROVE || t->action == WF_UNDO),
		    "%s: submit, every approval and an undo (back to review) "
		    "check the evidence first", t->event);
		ok((t->actor == WF_DECIDING_UNIT) == (t->action == WF_UNDO ||
		    t->action == WF_REVOKE), "%s: the unit of the last "
		    "decision undoes and revokes", t->event);
	}
	ok(seen[WF_SUBMIT] == 1 && seen[WF_WITHDRAW] == 1 &&
	    seen[WF_APPROVE] == 2 && seen[WF_REJECT] == 1 &&
	    seen[WF_RETURN] == 1 && seen[WF_UNDO] == 1 &&
	    seen[WF_REVOKE] == 1, "every action has its rows (approve two: "
	    "forward and final)");
	ok(page != NULL, "read %s", argc > 1 ? argv[1] : "(no page given)");
	for (i = 0; page && i < wf_table_len; i++) {
		const struct wf_transition *t = &wf_table[i];
		const char *e = entry(page, t, buf, sizeof(buf));

		ok(e != NULL, "ceh-workflow.7 has '%s' from %s to %s",
		    t->command, stage_name(__builtin_ctz(t->from)),
		    stage_name(t->to));
		if (e == NULL)
			continue;
		snprintf(want, sizeof(want), "Event:\n.Cm %s .", t->event);
		ok(strstr(e, want) != NULL, "... with event %s", t->event);
		ok(strstr(e, t->reason_required ? "Reason: required." :
		    "Reason: no.") != NULL, "... and reason %s",
		    t->reason_required ? "required" : "not required");
		ok(strstr(e, t->actor == WF_APPLICANT ? "Who: the applicant." :
		    t->actor == WF_DECIDING_UNIT ? "Who: the unit that made "
		    "the last decision" : "Who: the unit it waits at") != NULL,
		    "... and who acts");
		ok(strstr(e, t->evidence ? "Evidence: checked" :
		    "Evidence: not read.") != NULL, "... and whether the "
		    "evidence is checked");
	}
	free(page);
	return done_testing();
}
