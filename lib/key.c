#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "encode.h"
#include "err.h"
#include "i18n.h"
#include "hash.h"
#include "key.h"
#include "util.h"
#include "xalloc.h"

#define KEY_B64_LEN B64URL_LEN(ED25519_PUB_LEN)	/* 43 */
#define SIG_PREFIX "ceh-signature-v1\n"

static const unsigned char did_prefix[2] = { 0xed, 0x01 };

static int
comment_ok(const char *s)
{
	return strlen(s) <= KEY_COMMENT_MAX && utf8_valid(s, strlen(s)) &&
	    !has_control(s);
}

int
key_generate(struct ceh_key *k, const char *comment, struct ceh_err *e)
{
	memset(k, 0, sizeof(*k));
	if (comment && !comment_ok(comment))
		return ceh_fail(e, CEH_EINPUT, _("a key comment must be one "
		    "line of text of at most %d bytes"), KEY_COMMENT_MAX);
	if (random_bytes(k->seed, sizeof(k->seed)) < 0)
		return ceh_fail_errno(e, _("cannot get random bytes for a key"));
	ed25519_public(k->seed, k->pub);
	k->has_seed = 1;
	snprintf(k->comment, sizeof(k->comment), "%s", comment ? comment : "");
	return 0;
}

void
key_wipe(struct ceh_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

char *
key_public_line(const struct ceh_key *k)
{
	char b64[KEY_B64_LEN + 1];

	b64url_encode(k->pub, sizeof(k->pub), b64);
	if (k->comment[0])
		return xasprintf("%s %s %s", KEY_TYPE, b64, k->comment);
	return xasprintf("%s %s", KEY_TYPE, b64);
}

/* "ceh-ed25519 KEY [COMMENT]" in line[0..len): 0, or -1 if it is not. */
static int
parse_public_line(const char *line, size_t len, struct ceh_key *k)
{
	size_t tl = strlen(KEY_TYPE);
	const char *p = line + tl + 1;

	memset(k, 0, sizeof(*k));
	if (len < tl + 1 + KEY_B64_LEN || memcmp(line, KEY_TYPE, tl) != 0 ||
	    line[tl] != ' ')
		return -1;
	if (b64url_decode(p, KEY_B64_LEN, k->pub, sizeof(k->pub)) !=
	    ED25519_PUB_LEN)
		return -1;
	p += KEY_B64_LEN;
	len -= (size_t)(p - line);
	if (len == 0)
		return 0;
	if (*p != ' ' || len - 1 > KEY_COMMENT_MAX)
		return -1;
	memcpy(k->comment, p + 1, len - 1);
	k->comment[len - 1] = '\0';
	return comment_ok(k->comment) && strlen(k->comment) == len - 1 ?
	    0 : -1;
}

/* The optional "fingerprint FP" line after a public key. */
static int
check_fp_line(const char *field, const char *s, size_t len,
    const struct ceh_key *k, struct ceh_err *e)
{
	char fp[KEY_FP_LEN + 1];
	static const char word[] = "fingerprint ";

	key_fingerprint(k->pub, fp);
	if (len != strlen(word) + KEY_FP_LEN ||
	    memcmp(s, word, strlen(word)) != 0)
		return ceh_fail(e, CEH_EINPUT, _("%s: unexpected text after "
		    "the public key line (only a 'fingerprint' line may "
		    "follow it)"), field);
	if (memcmp(s + strlen(word), fp, KEY_FP_LEN) != 0)
		return ceh_fail(e, CEH_EINPUT, _("%s: the fingerprint line does "
		    "not match the key (the key is %s): the text was changed"),
		    field, fp);
	return 0;
}

int
key_public_parse(const char *field, const char *text, struct ceh_key *k,
    struct ceh_err *e)
{
	const char *end, *nl;
	size_t len;

	memset(k, 0, sizeof(*k));
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	nl = memchr(text, '\n', (size_t)(end - text));
	len = (size_t)((nl ? nl : end) - text);
	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (memmem(text, (size_t)(end - text), KEY_PRIVATE_TYPE,
	    strlen(KEY_PRIVATE_TYPE)) != NULL)
		return ceh_fail(e, CEH_EINPUT, _("%s: this is a private key; "
		    "give the public line that 'ceh key show' prints, and "
		    "make a new key if the private one was shown to anyone"),
		    field);
	if (len > 8 && strncmp(text, "did:key:", 8) == 0 && len < 128) {
		char did[128];

		memcpy(did, text, len);
		did[len] = '\0';
		if (key_did_parse(did, k->pub) < 0)
			goto bad;
	} else if (parse_public_line(text, len, k) < 0)
		goto bad;
	if (nl)
		return check_fp_line(field, nl + 1, (size_t)(end - nl - 1), k, e);
	return 0;
bad:
	memset(k, 0, sizeof(*k));
	return ceh_fail(e, CEH_EINPUT, _("%s: not a public key (give one line "
	    "'%s KEY [COMMENT]' as 'ceh key show' prints it, or a did:key)"),
	    field, KEY_TYPE);
}

void
key_fingerprint(const unsigned char pub[ED25519_PUB_LEN],
    char out[KEY_FP_LEN + 1])
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex(pub, ED25519_PUB_LEN, hex);
	snprintf(out, KEY_FP_LEN + 1, "%.4s-%.4s-%.4s-%.4s", hex, hex + 4,
	    hex + 8, hex + 12);
}

/* "z" + base58btc(0xed 0x01 pub): the multibase multikey. */
static char *
multikey(const unsigned char pub[ED25519_PUB_LEN])
{
	unsigned char buf[sizeof(did_prefix) + ED25519_PUB_LEN];
	char *b58, *s;

	memcpy(buf, did_prefix, sizeof(did_prefix));
	memcpy(buf + sizeof(did_prefix), pub, ED25519_PUB_LEN);
	b58 = b58_encode(buf, sizeof(buf));
	s = xasprintf("z%s", b58);
	free(b58);
	return s;
}

char *
key_did(const unsigned char pub[ED25519_PUB_LEN])
{
	char *mk = multikey(pub), *s;

	s = xasprintf("did:key:%s", mk);
	free(mk);
	return s;
}

char *
key_did_kid(const unsigned char pub[ED25519_PUB_LEN])
{
	char *mk = multikey(pub), *s;

	s = xasprintf("did:key:%s#%s", mk, mk);
	free(mk);
	return s;
}

int
key_did_parse(const char *did, unsigned char pub[ED25519_PUB_LEN])
{
	unsigned char buf[sizeof(did_prefix) + ED25519_PUB_LEN];
	const char *mk, *hash;
	char tmp[128];
	size_t len;

	if (strncmp(did, "did:key:z", 9) != 0)
		return -1;
	mk = did + 8;
	hash = strchr(mk, '#');
	len = hash ? (size_t)(hash - mk) : strlen(mk);
	if (len < 2 || len >= sizeof(tmp))
		return -1;
	if (hash && (strlen(hash + 1) != len || memcmp(hash + 1, mk, len)))
		return -1;
	memcpy(tmp, mk + 1, len - 1);
	tmp[len - 1] = '\0';
	if (b58_decode(tmp, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    memcmp(buf, did_prefix, sizeof(did_prefix)) != 0)
		return -1;
	memcpy(pub, buf + sizeof(did_prefix), ED25519_PUB_LEN);
	return 0;
}

/* SIG_PREFIX ns LF body, in a new buffer. */
static void
sig_message(struct sbuf *sb, const char *ns, const void *body, size_t len)
{
	sb_adds(sb, SIG_PREFIX);
	sb_adds(sb, ns);
	sb_addc(sb, '\n');
	sb_add(sb, body, len);
}

int
key_sign(const struct ceh_key *k, const char *ns, const void *body,
    size_t len, unsigned char sig[ED25519_SIG_LEN], struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;

	if (!k->has_seed)
		return ceh_fail(e, CEH_EINPUT, _("cannot sign with a public key "
		    "only"));
	sig_message(&sb, ns, body, len);
	ed25519_sign(k->seed, k->pub, sb.buf, sb.len, sig);
	sb_release(&sb);
	return 0;
}

int
key_verify(const unsigned char pub[ED25519_PUB_LEN], const char *ns,
    const void *body, size_t len, const unsigned char sig[ED25519_SIG_LEN])
{
	struct sbuf sb = SBUF_INIT;
	int ok;

	sig_message(&sb, ns, body, len);
	ok = ed25519_verify(pub, sb.buf, sb.len, sig);
	sb_release(&sb);
	return ok;
}

char *
key_dir(void)
{
	const char *v = getenv("XDG_CONFIG_HOME");

	if (v && *v == '/')
		return xasprintf("%s/ceh/keys", v);
	v = getenv("HOME");
	if (v && *v)
		return xasprintf("%s/.config/ceh/keys", v);
	return NULL;
}

int
key_path(const char *opt, const char *unit, char **path, int *in_keydir,
    struct ceh_err *e)
{
	const char *env = getenv("CEH_KEY");
	char *dir;

	*path = NULL;
	*in_keydir = 0;
	if (opt) {
		*path = xstrdup(opt);
		return 0;
	}
	if (env && *env) {
		*path = xstrdup(env);
		return 0;
	}
	if (unit == NULL)
		return ceh_fail(e, CEH_EUSAGE, _("give --unit CODE or --key FILE "
		    "(or set CEH_KEY) to name the key"));
	if ((dir = key_dir()) == NULL)
		return ceh_fail(e, CEH_EINPUT, _("no key folder: neither HOME "
		    "nor XDG_CONFIG_HOME is set; give --key FILE"));
	*path = xasprintf("%s/%s.key", dir, unit);
	*in_keydir = 1;
	free(dir);
	return 0;
}

/* mkdir -p of the folders above path (not path itself), mode 0700. */
static int
make_parents(const char *path, struct ceh_err *e)
{
	char *p = xstrdup(path), *s;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			ceh_fail_errno(e, _("cannot create the key folder '%s'"),
			    p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

/* The folder part of path, opened; *base points into path. */
static int
open_parent(const char *path, const char **base, struct ceh_err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*base = slash ? slash + 1 : path;
	if (**base == '\0')
		return ceh_fail(e, CEH_EINPUT, _("key file '%s' names a folder"),
		    path);
	dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			ceh_fail(e, CEH_ENOTFOUND, _("folder '%s' of key file "
			    "'%s' not found"), dir, path);
		else
			ceh_fail_errno(e, _("cannot open folder '%s'"), dir);
	}
	free(dir);
	return fd;
}

int
key_file_write(const char *path, const struct ceh_key *k, int make_dirs,
    struct ceh_err *e)
{
	char text[KEY_FILE_MAX], seed[B64URL_LEN(ED25519_SEED_LEN) + 1];
	char *publine;
	const char *base;
	int dirfd, n, rc;

	if (!k->has_seed)
		return ceh_fail(e, CEH_EINPUT, _("no private key to write"));
	if (make_dirs && make_parents(path, e) < 0)
		return -1;
	if ((dirfd = open_parent(path, &base, e)) < 0)
		return -1;
	publine = key_public_line(k);
	b64url_encode(k->seed, sizeof(k->seed), seed);
	n = snprintf(text, sizeof(text), "# ceh private key%s%s: keep it to "
	    "yourself (mode 0600), never copy it into a store or a message\n"
	    "%s %s\n%s\n", k->comment[0] ? " of " : "", k->comment,
	    KEY_PRIVATE_TYPE, seed, publine);
	explicit_bzero(seed, sizeof(seed));
	free(publine);
	rc = atomic_create(dirfd, base, text, (size_t)n, e);
	explicit_bzero(text, sizeof(text));
	close(dirfd);
	if (rc < 0 && e->code == CEH_ESTATE)
		return ceh_fail(e, CEH_ESTATE, _("key file '%s' exists already; "
		    "refusing to overwrite a key"), path);
	if (rc < 0)
		ceh_err_prefix(e, _("key file '%s'"), path);
	return rc;
}

/* Open path for reading and check it is a private file of ours. */
static int
open_private(const char *path, struct ceh_err *e)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang us; it is refused below */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, _("no key file '%s'"),
			    path);
		if (errno == ELOOP)
			return ceh_fail(e, CEH_EINPUT, _("key file '%s' is a "
			    "symbolic link; refusing to follow it"), path);
		return ceh_fail_errno(e, _("cannot open key file '%s'"), path);
	}
	if (fstat(fd, &st) < 0) {
		ceh_fail_errno(e, _("cannot stat key file '%s'"), path);
	} else if (!S_ISREG(st.st_mode)) {
		ceh_fail(e, CEH_EINPUT, _("key file '%s' is not a regular file"),
		    path);
	} else if (st.st_uid != geteuid()) {
		ceh_fail(e, CEH_EINPUT, _("key file '%s' belongs to another user "
		    "(uid %ld); refusing to use it"), path, (long)st.st_uid);
	} else if (st.st_mode & 077) {
		ceh_fail(e, CEH_EINPUT, _("key file '%s' is open to other users "
		    "(mode %04o); refusing to use it (chmod 600 it, and make a "
		    "new key if others may have read it)"), path,
		    (unsigned)(st.st_mode & 07777));
	} else if (st.st_size > KEY_FILE_MAX) {
		ceh_fail(e, CEH_EINPUT, _("key file '%s' is not a ceh private "
		    "key (too large)"), path);
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* Parse the text of a key file into k; -1 if it is not one (k wiped). */
static int
parse_private(char *text, struct ceh_key *k)
{
	struct ceh_key pub;
	char *line, *next;
	size_t pl = strlen(KEY_PRIVATE_TYPE);
	int seeds = 0, pubs = 0;

	memset(k, 0, sizeof(*k));
	memset(&pub, 0, sizeof(pub));
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next == NULL)
			return -1;	/* every line ends with LF */
		*next++ = '\0';
		if (line[0] == '#')
			continue;
		if (strncmp(line, KEY_PRIVATE_TYPE, pl) == 0 && line[pl] == ' ') {
			if (seeds++ || b64url_decode(line + pl + 1,
			    strlen(line + pl + 1), k->seed, sizeof(k->seed)) !=
			    ED25519_SEED_LEN)
				goto bad;
		} else if (pubs++ || parse_public_line(line, strlen(line),
		    &pub) < 0)
			goto bad;
	}
	if (seeds != 1 || pubs != 1)
		goto bad;
	ed25519_public(k->seed, k->pub);
	if (memcmp(k->pub, pub.pub, sizeof(k->pub)) != 0)
		goto bad;
	k->has_seed = 1;
	memcpy(k->comment, pub.comment, sizeof(k->comment));
	return 0;
bad:
	key_wipe(k);
	return -1;
}

int
key_file_read(const char *path, struct ceh_key *k, struct ceh_err *e)
{
	char text[KEY_FILE_MAX + 1];
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	key_wipe(k);
	if ((fd = open_private(path, e)) < 0)
		return -1;
	while (len < KEY_FILE_MAX &&
	    (r = read(fd, text + len, KEY_FILE_MAX - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ceh_fail_errno(e, _("cannot read key file '%s'"), path);
			goto out;
		}
		len += (size_t)r;
	}
	text[len] = '\0';
	if (strlen(text) != len || parse_private(text, k) < 0)
		ceh_fail(e, CEH_EINPUT, _("key file '%s' is not a ceh private key "
		    "(or it is damaged)"), path);
	else
		rc = 0;
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	return rc;
}
