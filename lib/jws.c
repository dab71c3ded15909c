#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "err.h"
#include "i18n.h"
#include "json.h"
#include "jws.h"
#include "key.h"
#include "xalloc.h"

#define JWS_MAX (1 << 20)

char *
jws_header(const unsigned char pub[ED25519_PUB_LEN], const char *typ)
{
	struct json j;
	char *buf = NULL, *kid = key_did_kid(pub);
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (f == NULL)
		xmalloc((size_t)-1);	/* out of memory: exits */
	json_init(&j, f, 0);
	json_obj_begin(&j, NULL);
	json_str(&j, "alg", "EdDSA");
	json_str(&j, "typ", typ);
	json_str(&j, "kid", kid);
	json_obj_end(&j);
	if (fclose(f) != 0 || buf == NULL)
		xmalloc((size_t)-1);
	free(kid);
	return buf;
}

char *
jws_sign(const struct ceh_key *k, const char *typ, const void *payload,
    size_t len, struct ceh_err *e)
{
	unsigned char sig[ED25519_SIG_LEN];
	char *header, *h64, *p64, *s64, *token;
	struct sbuf in = SBUF_INIT;

	if (!k->has_seed) {
		ceh_fail(e, CEH_EINPUT, _("cannot sign with a public key only"));
		return NULL;
	}
	header = jws_header(k->pub, typ);
	h64 = b64url_encode_alloc(header, strlen(header));
	p64 = b64url_encode_alloc(payload, len);
	sb_addf(&in, "%s.%s", h64, p64);
	ed25519_sign(k->seed, k->pub, in.buf, in.len, sig);
	s64 = b64url_encode_alloc(sig, sizeof(sig));
	token = xasprintf("%s.%s", in.buf, s64);
	free(header);
	free(h64);
	free(p64);
	free(s64);
	sb_release(&in);
	return token;
}

/* The header of the token (first part, length hl) is ceh's for pub. */
static int
header_ok(const unsigned char pub[ED25519_PUB_LEN], const char *h64,
    size_t hl)
{
	static const char *const types[] = { "JWT", "vc+jwt", NULL };
	int i, ok = 0;

	for (i = 0; types[i] && !ok; i++) {
		char *want = jws_header(pub, types[i]);
		char *w64 = b64url_encode_alloc(want, strlen(want));

		ok = strlen(w64) == hl && memcmp(w64, h64, hl) == 0;
		free(want);
		free(w64);
	}
	return ok;
}

int
jws_verify(const unsigned char pub[ED25519_PUB_LEN], const char *token,
    char **payload, size_t *len, struct ceh_err *e)
{
	unsigned char sig[ED25519_SIG_LEN];
	const char *d1, *d2;
	size_t tl = strlen(token);
	ssize_t n;
	char *p;

	*payload = NULL;
	*len = 0;
	d1 = strchr(token, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (tl > JWS_MAX || d2 == NULL || strchr(d2 + 1, '.') != NULL)
		return ceh_fail(e, CEH_EINPUT, _("not a compact JWS (three "
		    "base64url parts joined by '.')"));
	if (!header_ok(pub, token, (size_t)(d1 - token)))
		return ceh_fail(e, CEH_EINPUT, _("the JWS header is not EdDSA "
		    "with this key"));
	if (b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof(sig)) !=
	    ED25519_SIG_LEN ||
	    !ed25519_verify(pub, token, (size_t)(d2 - token), sig))
		return ceh_fail(e, CEH_EINPUT, _("the JWS signature does not "
		    "verify: the token was altered or signed by another key"));
	p = xmalloc((size_t)(d2 - d1));
	n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), p,
	    (size_t)(d2 - d1));
	if (n < 0) {
		free(p);
		return ceh_fail(e, CEH_EINPUT, _("the JWS payload is not "
		    "base64url"));
	}
	p[n] = '\0';
	*payload = p;
	*len = (size_t)n;
	return 0;
}
