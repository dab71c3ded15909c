/*
 * encode.h - the binary-to-text encodings of keys and signatures:
 * base64url without padding (RFC 4648 section 5; JWS, key files, public
 * key lines), base58btc (the Bitcoin alphabet; did:key), lower-case hex.
 * Pure functions: no I/O, no allocation but where said.
 *
 * Decoders are strict, so one byte string has exactly one text form:
 * base64url refuses '=' padding, '+' and '/', whitespace, a length of
 * 4k+1 characters and non-zero unused bits in the last character; hex
 * refuses upper case and odd lengths.  They return the number of bytes
 * written, or -1 if the text is not a valid encoding or does not fit in
 * max bytes.  Nothing here fills a struct ceh_err: the caller knows what
 * the text was and says so.
 */
#ifndef CEH_ENCODE_H
#define CEH_ENCODE_H

#include <stddef.h>
#include <sys/types.h>

/* Characters (without NUL) of the base64url form of n bytes. */
#define B64URL_LEN(n) (((n) * 4 + 2) / 3)

/* out gets B64URL_LEN(n) characters and a NUL. */
void b64url_encode(const void *in, size_t n, char *out);
/* As above, into a new string the caller frees. */
char *b64url_encode_alloc(const void *in, size_t n);
ssize_t b64url_decode(const char *in, size_t len, void *out, size_t max);

/* base58btc: one '1' per leading zero byte.  Returns the new string
 * (caller frees). */
char *b58_encode(const void *in, size_t n);
/* At most 256 bytes of output; longer inputs are refused. */
ssize_t b58_decode(const char *in, void *out, size_t max);

/* out gets 2n characters and a NUL. */
void hex_encode(const void *in, size_t n, char *out);
ssize_t hex_decode(const char *in, void *out, size_t max);

#endif
