/* Unit tests of lib/util's utf8_valid: the eight-bytes-at-a-time run over
 * ASCII answers as the byte-by-byte reading does (kept here as the
 * reference), for NUL and bytes above 0x7f at every place in and
 * around an eight-byte word, and for random strings of ASCII with
 * valid and invalid sequences mixed in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

/* utf8_valid before the word-at-a-time run */
static int
reference(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp;
		int n, k;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if (len - i <= (size_t)n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += (size_t)n + 1;
	}
	return 1;
}

static unsigned long long seed = 88172645463325252ULL;
static unsigned
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed >> 32);
}

int
main(void)
{
	static const char *const pieces[] = { "a", "Z", "~", " ", "\x7f",
	    "\xe4\xb8\xad", "\xc2\xa0", "\xf0\x9f\x98\x80", "\xc0\xaf",
	    "\xed\xa0\x80", "\xe4\xb8", "\x80", "\xff", "\xf4\x90\x80\x80",
	    "\x00" };
	unsigned char buf[64];
	size_t len, at, i;
	int bad = 0, n, k;
	unsigned v;

	/* one odd byte at every place of a run of ASCII, every length */
	for (len = 0; len <= 40; len++)
		for (at = 0; at <= len; at++)
			for (v = 0; v < 256; v += (v < 0x80 ? 0x7f : 1)) {
				memset(buf, 'x', sizeof(buf));
				if (at < len)
					buf[at] = (unsigned char)v;
				bad += utf8_valid((char *)buf, len) !=
				    reference(buf, len);
			}
	ok(bad == 0, "one NUL, 0x7f or high byte anywhere in 0-40 ASCII "
	    "bytes (%d disagree)", bad);
	/* random mixes */
	bad = 0;
	for (n = 0; n < 200000; n++) {
		len = 0;
		for (k = (int)(rnd() % 12); k > 0; k--) {
			const char *p = pieces[rnd() % (sizeof(pieces) /
			    sizeof(pieces[0]))];
			size_t pl = p[0] ? strlen(p) : 1;

			for (i = 0; i < (size_t)(rnd() % 9) && len + pl <
			    sizeof(buf); i++)
				buf[len++] = (unsigned char)('a' + rnd() % 26);
			if (len + pl < sizeof(buf)) {
				memcpy(buf + len, p, pl);
				len += pl;
			}
		}
		bad += utf8_valid((char *)buf, len) != reference(buf, len);
	}
	ok(bad == 0, "200000 random strings of ASCII and sequences, valid "
	    "and not (%d disagree)", bad);
	ok(utf8_valid("12345678\xe4\xb8\xad", 11), "a character after a "
	    "word of ASCII");
	ok(!utf8_valid("1234567\x00" "8", 9), "a NUL in a word of ASCII");
	ok(!utf8_valid("12345678\xe4\xb8", 10), "a character cut after a word");
	return done_testing();
}
