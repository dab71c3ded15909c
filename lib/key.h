/*
 * key.h - a unit's signing key: Ed25519 key pairs, their text forms, the
 * private key file and where it is looked for.  The format is described
 * in ceh-key(1) and ceh-trust(7); the signature itself is lib/sign.h.
 *
 * Text forms of a public key (ASCII, one line):
 *   ceh-ed25519 KEY [COMMENT]   KEY: base64url (no padding) of the 32
 *                               bytes, 43 characters; COMMENT: free text,
 *                               the unit code when ceh made the key
 *   did:key:z6Mk...             the W3C did:key of the same 32 bytes
 * A fingerprint names a key for people: the first 8 bytes of SHA-256 of
 * the 32 public key bytes, as hex in four groups, "3f2a-91bc-07de-55e1".
 *
 * The private key file (mode 0600, owned by the user, never in a store):
 *   # ceh private key ... (comment lines start with '#')
 *   ceh-ed25519-private SEED    base64url of the 32-byte RFC 8032 seed
 *   ceh-ed25519 KEY [COMMENT]   its public line, checked against SEED
 *
 * Secrets: a struct ceh_key with has_seed holds the seed; key_wipe()
 * clears it (explicit_bzero) and every function that copies the seed or
 * its encoding wipes its copy.  No message ever includes key material:
 * messages name the file and what is wrong with it.
 */
#ifndef CEH_KEY_H
#define CEH_KEY_H

#include <stddef.h>

#include "sign.h"

struct ceh_err;

#define KEY_COMMENT_MAX 128
#define KEY_FP_LEN 19		/* "3f2a-91bc-07de-55e1" */
#define KEY_FILE_MAX 4096
#define KEY_TYPE "ceh-ed25519"
#define KEY_PRIVATE_TYPE "ceh-ed25519-private"

struct ceh_key {
	unsigned char pub[ED25519_PUB_LEN];
	unsigned char seed[ED25519_SEED_LEN];
	int has_seed;			/* 0: a public key only */
	char comment[KEY_COMMENT_MAX + 1];
};

/* A new key pair from getrandom(2); comment may be NULL.  Class 5 if no
 * randomness; class 1 if the comment is not one line of text. */
int key_generate(struct ceh_key *k, const char *comment, struct ceh_err *e);
/* Clear the whole struct, seed included. */
void key_wipe(struct ceh_key *k);

/* "ceh-ed25519 KEY COMMENT" (no newline); the caller frees. */
char *key_public_line(const struct ceh_key *k);
/*
 * A public key given by a person (field names the option for messages):
 * a public line or a did:key, surrounding white space ignored, optionally
 * followed by a second line "fingerprint FP" that must be this key's (so
 * the two lines `ceh key show` prints can be pasted whole).  k gets the
 * public key and comment, has_seed 0.  Class 1 for anything else; a
 * private key line is refused with its own message and never echoed.
 */
int key_public_parse(const char *field, const char *text, struct ceh_key *k,
    struct ceh_err *e);

/* The short fingerprint above. */
void key_fingerprint(const unsigned char pub[ED25519_PUB_LEN],
    char out[KEY_FP_LEN + 1]);
/* "did:key:z6Mk..." (multicodec 0xed 0x01, base58btc); caller frees. */
char *key_did(const unsigned char pub[ED25519_PUB_LEN]);
/* The did:key verification method "did:key:z6Mk...#z6Mk..."; caller
 * frees.  The kid of ceh's JWS. */
char *key_did_kid(const unsigned char pub[ED25519_PUB_LEN]);
/* The key of a did:key (a kid's "#..." part is allowed and must repeat
 * the key); -1 if it is not an Ed25519 did:key. */
int key_did_parse(const char *did, unsigned char pub[ED25519_PUB_LEN]);

/*
 * Signatures with a purpose (OpenSSH's sshsig idea): what is signed is
 *   "ceh-signature-v1" LF NAMESPACE LF BODY
 * so a signature made for one purpose (ns "ceh-event") can never be taken
 * for another ("ceh-slip", "ceh-certify").  ns is lower-case ASCII, no
 * LF.  key_sign fails (class 1) without a seed.
 */
int key_sign(const struct ceh_key *k, const char *ns, const void *body,
    size_t len, unsigned char sig[ED25519_SIG_LEN], struct ceh_err *e);
/* 1 if sig is pub's signature of body in namespace ns, else 0. */
int key_verify(const unsigned char pub[ED25519_PUB_LEN], const char *ns,
    const void *body, size_t len, const unsigned char sig[ED25519_SIG_LEN]);

/*
 * Where the private key is: opt (--key FILE) if not NULL, else $CEH_KEY
 * if set, else KEYDIR/UNIT.key where KEYDIR is $XDG_CONFIG_HOME/ceh/keys
 * (an absolute XDG_CONFIG_HOME only) or $HOME/.config/ceh/keys.  *path
 * is the caller's to free; *in_keydir is set to 1 for the last case.
 * Class 2 if unit is NULL and neither opt nor $CEH_KEY is given; class 1
 * if no key folder can be named (no HOME).
 */
int key_path(const char *opt, const char *unit, char **path, int *in_keydir,
    struct ceh_err *e);
/* The key folder ($XDG_CONFIG_HOME/ceh/keys ...), or NULL without HOME;
 * caller frees. */
char *key_dir(void);

/*
 * Write k (with its seed) as a new private key file at path, mode 0600,
 * through atomic_create: never over an existing file (class 4, the path
 * named) and never half written.  With make_dirs the missing folders
 * above it are created 0700 (the key folder).
 */
int key_file_write(const char *path, const struct ceh_key *k, int make_dirs,
    struct ceh_err *e);
/*
 * Read a private key file: opened without following a symbolic link, then
 * refused (class 1) unless it is a regular file owned by the effective
 * user with no permission bits for group or others, at most KEY_FILE_MAX
 * bytes, in the format above, with a public line that matches the seed.
 * Not found is class 3.  On failure k is wiped.
 */
int key_file_read(const char *path, struct ceh_key *k, struct ceh_err *e);

#endif
