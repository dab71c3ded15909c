/*
 * doc_parse: an application document (people/.../UNIQ.yaml) as it may be
 * found in a hostile store.  Properties: a refusal is class 1 or 4 with a
 * message naming the file; an accepted document emits canonical YAML that
 * parses back and emits to the very same bytes.
 */
#include "doc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_rules r = { NULL, 2000 };
	struct application app, app2;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	struct ceh_err e;

	r.codes = fuzz_codes();
	if (doc_parse(&app, (const char *)data, size, "fuzz.yaml", &r,
	    &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT || e.code == CEH_ESTATE,
		    "class %d: %s", e.code, e.msg);
		FUZZ_CHECK(strstr(e.msg, "fuzz.yaml") != NULL,
		    "message does not name the file: %s", e.msg);
		return 0;
	}
	(void)app_status(&app);
	(void)app_last_reason(&app);
	FUZZ_CHECK(doc_emit(&app, &out, &e) == 0, "emit: %s", e.msg);
	FUZZ_CHECK(doc_parse(&app2, out.buf, out.len, "emitted.yaml", &r,
	    &e) == 0, "re-parse of emitted document: %s\n%s", e.msg,
	    out.buf);
	FUZZ_CHECK(doc_emit(&app2, &out2, &e) == 0, "emit 2: %s", e.msg);
	FUZZ_CHECK(out.len == out2.len && memcmp(out.buf, out2.buf,
	    out.len) == 0, "emit(parse(emit(x))) != emit(x)");
	sb_release(&out);
	sb_release(&out2);
	app_release(&app);
	app_release(&app2);
	return 0;
}
