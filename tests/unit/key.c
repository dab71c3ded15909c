/*
 * Unit tests of lib/sign, lib/key, lib/encode, lib/jws and lib/qr:
 * Ed25519 against RFC 8032 section 7.1, base64url against RFC 4648,
 * base58btc against the IETF draft's examples, did:key against the
 * did:key spec's example, then key files, text forms, JWS and QR.
 *
 * Run with arguments it is the test helper of tests/0600-key.t (so no
 * user command has to sign arbitrary bytes):
 *   key sign KEYFILE NS      key_sign of stdin, base64url on stdout
 *   key jws KEYFILE TYP      jws_sign of stdin, the token on stdout
 *   key qr-pgm TEXT OUT      QR of TEXT as a PGM image (4 px a module)
 *   key qr-svg TEXT OUT      QR of TEXT as qr_svg() writes it
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "err.h"
#include "jws.h"
#include "key.h"
#include "qr.h"
#include "sign.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;

static void
unhex(const char *h, unsigned char *out, size_t n)
{
	if (hex_decode(h, out, n) != (ssize_t)n) {
		printf("Bail out! bad hex in a test vector\n");
		exit(1);
	}
}

/* RFC 8032 7.1 TEST 1 and TEST 2 */
static void
test_rfc8032(void)
{
	static const struct {
		const char *seed, *pub, *msg, *sig;
	} v[] = {
		{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		  "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
		{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		  "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	};
	unsigned char seed[32], pub[32], want[32], sig[64], wsig[64], msg[1];
	size_t i, mlen;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].seed, seed, 32);
		unhex(v[i].pub, want, 32);
		unhex(v[i].sig, wsig, 64);
		mlen = strlen(v[i].msg) / 2;
		unhex(v[i].msg, msg, mlen);
		ed25519_public(seed, pub);
		ok(memcmp(pub, want, 32) == 0, "RFC 8032 test %zu: public key",
		    i + 1);
		ed25519_sign(seed, pub, msg, mlen, sig);
		ok(memcmp(sig, wsig, 64) == 0, "RFC 8032 test %zu: signature",
		    i + 1);
		ok(ed25519_verify(pub, msg, mlen, sig), "RFC 8032 test %zu: "
		    "verifies", i + 1);
		sig[63] ^= 0x01;
		ok(!ed25519_verify(pub, msg, mlen, sig), "RFC 8032 test %zu: "
		    "a flipped signature bit is refused", i + 1);
		sig[63] ^= 0x01;
		ok(!ed25519_verify(pub, "x", 1, sig), "RFC 8032 test %zu: "
		    "another message is refused", i + 1);
		pub[0] ^= 0x80;
		ok(!ed25519_verify(pub, msg, mlen, sig), "RFC 8032 test %zu: "
		    "another key is refused", i + 1);
	}
}

static int
b64_is(const char *in, const char *want)
{
	char out[64];

	b64url_encode(in, strlen(in), out);
	if (strcmp(out, want) != 0)
		printf("# '%s' -> '%s', want '%s'\n", in, out, want);
	return strcmp(out, want) == 0;
}

static int
b64_back(const char *in, const char *want)
{
	char out[64];
	ssize_t n = b64url_decode(in, strlen(in), out, sizeof(out));

	return n == (ssize_t)strlen(want) && memcmp(out, want, (size_t)n) == 0;
}

static int
b64_refused(const char *in)
{
	char out[64];

	return b64url_decode(in, strlen(in), out, sizeof(out)) == -1;
}

/* RFC 4648 section 10, without the padding (section 3.2) */
static void
test_base64url(void)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char url[2] = { 0xfb, 0xff }, out[4];
	char s[8];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ok(b64_is(v[i][0], v[i][1]), "base64url '%s' is '%s'", v[i][0],
		    v[i][1]);
		ok(b64_back(v[i][1], v[i][0]), "base64url '%s' decodes back",
		    v[i][1]);
	}
	b64url_encode(url, 2, s);
	is_str(s, "-_8", "base64url uses '-' and '_' (RFC 4648 section 5)");
	ok(b64url_decode("-_8", 3, out, 4) == 2 && out[0] == 0xfb &&
	    out[1] == 0xff, "and decodes them");
	ok(b64_refused("Zg=="), "padding is refused");
	ok(b64_refused("+/8"), "the '+' '/' alphabet is refused");
	ok(b64_refused("Zh"), "non-zero unused bits are refused (one form)");
	ok(b64_refused("Zm9vY"), "a length of 4k+1 is refused");
	ok(b64_refused("Zm 9v"), "white space is refused");
	ok(b64url_decode("Zm9vYmFy", 8, out, 4) == -1, "output longer than "
	    "the buffer is refused");
}

/* draft-msporny-base58-03 section 5 */
static void
test_base58(void)
{
	static const unsigned char lead[] = { 0, 0, 0x28, 0x7f, 0xb4, 0xcd };
	const char *fox = "The quick brown fox jumps over the lazy dog.";
	unsigned char out[64];
	char *s;

	s = b58_encode("Hello World!", 12);
	is_str(s, "2NEpo7TZRRrLZSi2U", "base58btc of 'Hello World!'");
	free(s);
	s = b58_encode(fox, strlen(fox));
	is_str(s, "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
	    "base58btc of the quick brown fox");
	free(s);
	s = b58_encode(lead, sizeof(lead));
	is_str(s, "11233QC4", "leading zero bytes become '1'");
	ok(b58_decode(s, out, sizeof(out)) == 6 &&
	    memcmp(out, lead, 6) == 0, "and decode back");
	free(s);
	ok(b58_decode("2NEpo7TZRRrLZSi2U", out, sizeof(out)) == 12 &&
	    memcmp(out, "Hello World!", 12) == 0, "base58btc decodes");
	ok(b58_decode("2NEpo0", out, sizeof(out)) == -1, "'0' is not base58");
	ok(b58_decode("2NEpo7TZRRrLZSi2U", out, 4) == -1, "too long refused");
}

/* The did:key method spec's Ed25519 example */
static void
test_did(void)
{
	const char *did = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH";
	unsigned char pub[32], back[32];
	char *s, kid[200];

	ok(b58_decode("B12NYF8RrR3h41TDCTJojY59usg3mbtbjnFs7Eud1Y6u", pub,
	    sizeof(pub)) == 32, "the example's publicKeyBase58 is 32 bytes");
	s = key_did(pub);
	is_str(s, did, "did:key of the did:key spec's example key");
	free(s);
	s = key_did_kid(pub);
	snprintf(kid, sizeof(kid), "%s#%s", did, did + 8);
	is_str(s, kid, "its verification method (the JWS kid)");
	ok(key_did_parse(s, back) == 0 && memcmp(back, pub, 32) == 0,
	    "the kid parses back to the key");
	free(s);
	ok(key_did_parse(did, back) == 0 && memcmp(back, pub, 32) == 0,
	    "the did parses back to the key");
	ok(key_did_parse("did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
	    back) == -1, "an X25519 did:key is not an Ed25519 key");
	snprintf(kid, sizeof(kid), "%s#z6Mk", did);
	ok(key_did_parse(kid, back) == -1, "a kid naming another key is "
	    "refused");
}

static int
refused(const char *text, const char *frag)
{
	struct ceh_key k;

	ceh_err_clear(&e);
	if (key_public_parse("--public-key", text, &k, &e) == 0)
		return 0;
	if (e.code != CEH_EINPUT || strstr(e.msg, frag) == NULL) {
		printf("# message: %s\n", e.msg);
		return 0;
	}
	return 1;
}

static void
test_public_line(void)
{
	struct ceh_key k, p;
	char fp[KEY_FP_LEN + 1], text[400], *line, *did;

	memset(&k, 0, sizeof(k));
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    k.pub, 32);
	snprintf(k.comment, sizeof(k.comment), "91430000MA4L00001D");
	line = key_public_line(&k);
	is_str(line, "ceh-ed25519 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo "
	    "91430000MA4L00001D", "the public line of RFC 8032 key 1");
	key_fingerprint(k.pub, fp);
	is_str(fp, "21fe-31df-a154-a261", "its fingerprint (SHA-256, 8 bytes)");
	ok(key_public_parse("--public-key", line, &p, &e) == 0 &&
	    memcmp(p.pub, k.pub, 32) == 0 && !p.has_seed &&
	    strcmp(p.comment, k.comment) == 0, "the line parses back");
	snprintf(text, sizeof(text), "\n  %s\nfingerprint %s\n", line, fp);
	ok(key_public_parse("--public-key", text, &p, &e) == 0 &&
	    memcmp(p.pub, k.pub, 32) == 0, "with the fingerprint line after it");
	snprintf(text, sizeof(text), "%s\nfingerprint 21fe-31df-a154-a262",
	    line);
	ok(refused(text, "does not match"), "a wrong fingerprint is refused");
	snprintf(text, sizeof(text), "%s\nhello", line);
	ok(refused(text, "unexpected text"), "other text after it is refused");
	ok(refused("ceh-ed25519 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR",
	    "not a public key"), "a short key is refused");
	ok(refused("ssh-ed25519 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
	    "not a public key"), "another key type is refused");
	ok(refused("ceh-ed25519-private 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
	    "this is a private key") && strstr(e.msg, "11qY") == NULL,
	    "a private key line is refused and not echoed");
	did = key_did(k.pub);
	ok(key_public_parse("--public-key", did, &p, &e) == 0 &&
	    memcmp(p.pub, k.pub, 32) == 0, "a did:key is a public key too");
	free(did);
	free(line);
}

static void
test_namespaces(void)
{
	struct ceh_key k;
	unsigned char sig[64];

	ok(key_generate(&k, "91430000MA4L00001D", &e) == 0 && k.has_seed,
	    "key_generate");
	ok(key_sign(&k, "ceh-event", "body", 4, sig, &e) == 0, "key_sign");
	ok(key_verify(k.pub, "ceh-event", "body", 4, sig), "key_verify");
	ok(!key_verify(k.pub, "ceh-slip", "body", 4, sig), "a signature for "
	    "one purpose does not verify for another");
	ok(!key_verify(k.pub, "ceh-event", "bodY", 4, sig), "nor for another "
	    "body");
	k.has_seed = 0;
	ok(key_sign(&k, "ceh-event", "body", 4, sig, &e) < 0 &&
	    e.code == CEH_EINPUT, "no signing with a public key only");
	key_wipe(&k);
	ok(k.seed[0] == 0 && k.seed[31] == 0 && k.pub[0] == 0, "key_wipe");
	ok(key_generate(&k, "two\nlines", &e) < 0, "a comment is one line");
}

static void
test_jws(void)
{
	struct ceh_key k, other;
	const char *payload = "{\"iss\": \"did:key:x\"}";
	char *tok, *back, *hdr, *dot;
	size_t len;

	key_generate(&k, NULL, &e);
	key_generate(&other, NULL, &e);
	hdr = jws_header(k.pub, "vc+jwt");
	ok(strncmp(hdr, "{\"alg\": \"EdDSA\", \"typ\": \"vc+jwt\", \"kid\": "
	    "\"did:key:z6Mk", 47) == 0, "the JWS header: %s", hdr);
	free(hdr);
	tok = jws_sign(&k, "vc+jwt", payload, strlen(payload), &e);
	ok(tok && jws_verify(k.pub, tok, &back, &len, &e) == 0 &&
	    len == strlen(payload) && strcmp(back, payload) == 0,
	    "jws_sign then jws_verify gives the payload back");
	free(back);
	ok(jws_verify(other.pub, tok, &back, &len, &e) < 0 &&
	    strstr(e.msg, "header"), "another key's header is refused");
	dot = strchr(tok, '.') + 1;
	*dot = *dot == 'e' ? 'f' : 'e';
	ok(jws_verify(k.pub, tok, &back, &len, &e) < 0 &&
	    strstr(e.msg, "does not verify"), "an altered payload is refused");
	ok(jws_verify(k.pub, "a.b", &back, &len, &e) < 0, "two parts refused");
	free(tok);
	k.has_seed = 0;
	ok(jws_sign(&k, "JWT", "x", 1, &e) == NULL, "no JWS without a seed");
	key_wipe(&k);
	key_wipe(&other);
}

/* the last error names the file and none of the secret */
static int
clean_msg(const char *seed64, const char *frag)
{
	if (strstr(e.msg, seed64) || strstr(e.msg, frag) == NULL) {
		printf("# message: %s\n", e.msg);
		return 0;
	}
	return 1;
}

static void
test_files(const char *dir)
{
	struct ceh_key k, r;
	char path[512], link[600], seed64[64];
	int fd;

	snprintf(path, sizeof(path), "%s/a/b/u.key", dir);
	key_generate(&k, "91430000MA4L00001D", &e);
	b64url_encode(k.seed, 32, seed64);
	ok(key_file_write(path, &k, 0, &e) < 0 && e.code == CEH_ENOTFOUND,
	    "no folders are made unless asked");
	ok(key_file_write(path, &k, 1, &e) == 0, "key_file_write");
	ok(key_file_read(path, &r, &e) == 0 && r.has_seed &&
	    memcmp(r.seed, k.seed, 32) == 0 && memcmp(r.pub, k.pub, 32) == 0 &&
	    strcmp(r.comment, k.comment) == 0, "key_file_read reads it back");
	ok(key_file_write(path, &k, 1, &e) < 0 && e.code == CEH_ESTATE &&
	    clean_msg(seed64, "refusing to overwrite"), "never overwritten");
	chmod(path, 0640);
	ok(key_file_read(path, &r, &e) < 0 && e.code == CEH_EINPUT &&
	    clean_msg(seed64, "0640") && r.seed[0] == 0 && !r.has_seed,
	    "a key file readable by the group is refused");
	chmod(path, 0600);
	snprintf(link, sizeof(link), "%s/link.key", dir);
	ok(symlink(path, link) == 0 && key_file_read(link, &r, &e) < 0 &&
	    clean_msg(seed64, "symbolic link"), "a symbolic link is refused");
	snprintf(link, sizeof(link), "%s/none.key", dir);
	ok(key_file_read(link, &r, &e) < 0 && e.code == CEH_ENOTFOUND,
	    "a missing key file is class 3");
	fd = open(path, O_WRONLY | O_APPEND);
	ok(fd >= 0 && write(fd, "junk\n", 5) == 5 && close(fd) == 0 &&
	    key_file_read(path, &r, &e) < 0 && clean_msg(seed64, "not a ceh "
	    "private key"), "a damaged key file is refused");
	key_wipe(&k);
}

static void
test_lookup(void)
{
	char *p;
	int in;

	unsetenv("CEH_KEY");
	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	ok(key_path("/k/given", "U", &p, &in, &e) == 0 &&
	    strcmp(p, "/k/given") == 0 && !in, "--key FILE comes first");
	free(p);
	setenv("CEH_KEY", "/k/env", 1);
	ok(key_path(NULL, "U", &p, &in, &e) == 0 && strcmp(p, "/k/env") == 0,
	    "then $CEH_KEY");
	free(p);
	unsetenv("CEH_KEY");
	ok(key_path(NULL, "U", &p, &in, &e) == 0 &&
	    strcmp(p, "/x/conf/ceh/keys/U.key") == 0 && in,
	    "then $XDG_CONFIG_HOME/ceh/keys/UNIT.key");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	ok(key_path(NULL, "U", &p, &in, &e) == 0 &&
	    strcmp(p, "/home/u/.config/ceh/keys/U.key") == 0,
	    "a relative XDG_CONFIG_HOME is ignored: ~/.config/ceh/keys");
	free(p);
	ok(key_path(NULL, NULL, &p, &in, &e) < 0 && e.code == CEH_EUSAGE,
	    "without a unit, --key or $CEH_KEY is needed");
}

static void
test_qr(void)
{
	struct qr q;
	char big[QR_MAX_PAYLOAD + 2], *svg;

	ok(qr_encode("CEH1 20250601-74X1VX7MF5", &q, &e) == 0 &&
	    q.width == 17 + 4 * q.version, "qr_encode: version %d, %d modules",
	    q.version, q.width);
	ok(qr_dark(&q, 0, 0) && qr_dark(&q, 6, 6) && !qr_dark(&q, 7, 7) &&
	    !qr_dark(&q, -1, 0) && !qr_dark(&q, q.width, 0),
	    "the finder pattern is in the corner; outside is light");
	svg = qr_svg(&q, 30);
	ok(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0 &&
	    strstr(svg, "width=\"30mm\"") && strstr(svg, "M4 4h7v1h-7z"),
	    "qr_svg: the top row of the finder pattern is one run");
	free(svg);
	qr_free(&q);
	ok(qr_encode("", &q, &e) < 0 && e.code == CEH_EINPUT, "empty refused");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(qr_encode(big, &q, &e) < 0 && e.code == CEH_EINPUT,
	    "too long refused");
}

static void
read_stdin(struct sbuf *sb)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0)
		sb_add(sb, buf, (size_t)n);
}

static int
write_pgm(const struct qr *q, const char *out)
{
	int side = q->width + 2 * QR_QUIET, scale = 4, x, y;
	FILE *f = fopen(out, "wb");

	if (f == NULL)
		return 1;
	fprintf(f, "P5\n%d %d\n255\n", side * scale, side * scale);
	for (y = 0; y < side * scale; y++)
		for (x = 0; x < side * scale; x++)
			putc(qr_dark(q, x / scale - QR_QUIET,
			    y / scale - QR_QUIET) ? 0 : 255, f);
	return fclose(f) != 0;
}

/* The helper modes of the file comment; exit 0 or 1. */
static int
helper(int argc, char **argv)
{
	struct sbuf in = SBUF_INIT;
	struct ceh_key k;
	unsigned char sig[64];
	char s64[100], *tok, *svg;
	struct qr q;
	FILE *f;
	int rc = 1;

	if (argc == 4 && strncmp(argv[1], "qr-", 3) == 0) {
		if (qr_encode(argv[2], &q, &e) < 0)
			return fprintf(stderr, "%s\n", e.msg), 1;
		if (strcmp(argv[1], "qr-pgm") == 0)
			rc = write_pgm(&q, argv[3]);
		else if ((f = fopen(argv[3], "w")) != NULL) {
			svg = qr_svg(&q, 30);
			fputs(svg, f);
			rc = fclose(f) != 0;
			free(svg);
		}
		qr_free(&q);
		return rc;
	}
	if (argc != 4 || key_file_read(argv[2], &k, &e) < 0)
		return fprintf(stderr, "%s\n", argc == 4 ? e.msg : "usage"), 1;
	read_stdin(&in);
	if (strcmp(argv[1], "sign") == 0 &&
	    key_sign(&k, argv[3], in.buf ? in.buf : "", in.len, sig, &e) == 0) {
		b64url_encode(sig, sizeof(sig), s64);
		rc = printf("%s\n", s64) < 0;
	} else if (strcmp(argv[1], "jws") == 0 && (tok = jws_sign(&k,
	    argv[3], in.buf ? in.buf : "", in.len, &e)) != NULL) {
		rc = printf("%s\n", tok) < 0;
		free(tok);
	}
	key_wipe(&k);
	sb_release(&in);
	return rc;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/ceh-unit-key.XXXXXX", cmd[100];

	if (argc > 1)
		return helper(argc, argv);
	test_rfc8032();
	test_base64url();
	test_base58();
	test_did();
	test_public_line();
	test_namespaces();
	test_jws();
	if (mkdtemp(dir) == NULL)
		return printf("Bail out! mkdtemp: %s\n", strerror(errno)), 1;
	test_files(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	test_lookup();
	test_qr();
	return done_testing();
}
