/*
 * slip_payload: a slip's QR payload as typed or scanned for `ceh
 * verify-slip PAYLOAD`.  Properties: a refusal is class 1 and says "not
 * a slip payload"; a parsed payload has a range of at most SLIP_MAX_YEARS
 * whose year count matches, and it never verifies with a key nobody
 * signed it with (seed 0..31: its payloads are not in the corpus).
 */
#include "fuzz.h"
#include "key.h"
#include "slip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char pub[32];
	static int have;
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	struct ceh_err e;
	char *str;
	int i;

	if (!have) {
		unsigned char seed[32];

		for (i = 0; i < 32; i++)
			seed[i] = (unsigned char)(i + 100);
		ed25519_public(seed, pub);
		have = 1;
	}
	str = fuzz_str(data, size);
	(void)slip_is_payload(str);
	if (slip_payload_parse(str, &c, &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT && strstr(e.msg,
		    "not a slip payload") != NULL, "class %d: %s", e.code,
		    e.msg);
		free(str);
		return 0;
	}
	FUZZ_CHECK(c.from <= c.to && c.to - c.from < SLIP_MAX_YEARS &&
	    c.nyears == c.to - c.from + 1 && c.years_met <= c.nyears,
	    "range %d-%d, %ld/%ld", c.from, c.to, c.years_met, c.nyears);
	FUZZ_CHECK(slip_claim_verify(&c, pub, &why) != SLIP_VALID,
	    "a payload nobody signed is valid: %s", why.buf);
	sb_release(&why);
	free(str);
	return 0;
}
