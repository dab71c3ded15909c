/*
 * key_text: the text forms of keys, which come from people (--public-key,
 * pasted lines) and from other systems (did:key, JWS): key_public_parse,
 * key_did_parse, the base64url and base58btc decoders and jws_verify.
 * Properties: an accepted public key prints as a line that parses back to
 * the same key and comment; the decoders accept only the one canonical
 * encoding of a byte string (encode(decode(x)) == x); a refusal is class 1
 * with a message free of control characters that never echoes the input
 * (checked for inputs of 20 or more characters without a space: a key).
 */
#include "encode.h"
#include "fuzz.h"
#include "jws.h"
#include "key.h"
#include "util.h"

static void
check_public(const char *s)
{
	struct ceh_key k, k2;
	struct ceh_err e;
	char *line;

	if (key_public_parse("--public-key", s, &k, &e) == 0) {
		line = key_public_line(&k);
		FUZZ_CHECK(key_public_parse("x", line, &k2, &e) == 0 &&
		    memcmp(k.pub, k2.pub, 32) == 0 &&
		    strcmp(k.comment, k2.comment) == 0, "%s", line);
		free(line);
	} else {
		FUZZ_CHECK(e.code == CEH_EINPUT, "class %d", e.code);
		FUZZ_CHECK(!has_control(e.msg), "control character: %s",
		    e.msg);
		FUZZ_CHECK(strlen(s) < 20 || strchr(s, ' ') ||
		    strstr(e.msg, s) == NULL,
		    "input echoed: %s", e.msg);
	}
}

static void
check_decoders(const char *s, size_t len)
{
	unsigned char buf[300], pub[32];
	ssize_t n;
	char *t;

	n = b64url_decode(s, len, buf, sizeof(buf));
	if (n >= 0) {
		t = b64url_encode_alloc(buf, (size_t)n);
		FUZZ_CHECK(strlen(t) == len && memcmp(t, s, len) == 0,
		    "base64url not canonical: %s", s);
		free(t);
	}
	n = b58_decode(s, buf, sizeof(buf));
	if (n >= 0) {
		t = b58_encode(buf, (size_t)n);
		FUZZ_CHECK(strcmp(t, s) == 0, "base58 not canonical: %s", s);
		free(t);
	}
	if (key_did_parse(s, pub) == 0) {
		t = key_did(pub);
		FUZZ_CHECK(strncmp(t, s, strlen(t)) == 0, "did:key: %s", s);
		free(t);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char pub[32] = { 1, 2, 3 };
	char *s = fuzz_str(data, size), *payload;
	struct ceh_err e;
	size_t len;

	check_public(s);
	check_decoders(s, strlen(s));
	if (jws_verify(pub, s, &payload, &len, &e) == 0)
		free(payload);	/* no one has this key's seed */
	else
		FUZZ_CHECK(e.code == CEH_EINPUT, "jws class %d", e.code);
	free(s);
	return 0;
}
