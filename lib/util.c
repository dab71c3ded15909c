#include <sys/random.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "xalloc.h"

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		unsigned cp;
		int n;

		/* eight bytes at a time while none is NUL or above 0x7f (the
		 * keys and signatures of a document: long runs of ASCII) */
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (((w | ((w - 0x0101010101010101ULL) & ~w)) &
			    0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= (size_t)n)
			return 0;
		for (int k = 1; k <= n; k++) {
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

static unsigned
next_cp(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	unsigned c = *s;
	int i, len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	/* never step over the terminating NUL, even on bad input (a
	 * truncated sequence in a hand-edited file): one byte, U+FFFD */
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80) {
			*sp = s + 1;
			return 0xfffd;
		}
	if (c < 0x80) {
		*sp = s + 1;
		return c;
	}
	if (c < 0xe0) {
		*sp = s + 2;
		return ((c & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (c < 0xf0) {
		*sp = s + 3;
		return ((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	*sp = s + 4;
	return ((c & 0x07) << 18) | ((s[1] & 0x3f) << 12) |
	    ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

size_t
utf8_chars(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;

	while (*s) {
		next_cp(&s);
		n++;
	}
	return n;
}

static int
wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) ||
	    (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) ||
	    (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) ||
	    (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x20000 && cp <= 0x3fffd);
}

size_t
utf8_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;

	while (*s) {
		unsigned cp = next_cp(&s);

		w += wide(cp) ? 2 : 1;
	}
	return w;
}

int
has_control(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return 1;
		/* C1 controls U+0080..U+009F are encoded C2 80..C2 9F */
		if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return 1;
	}
	return 0;
}

unsigned
has_invisible(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	unsigned c;

	for (; *p; p++) {
		if (p[0] == 0xd8 && p[1] == 0x9c)
			return 0x061c;
		if ((p[0] != 0xe2 && p[0] != 0xef) || p[1] == 0 || p[2] == 0)
			continue;
		c = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) |
		    (p[2] & 0x3fu);
		if ((c >= 0x200b && c <= 0x200f) ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff)
			return c;
	}
	return 0;
}

const char *
safe_echo(const char *s)
{
	return has_control(s) || has_invisible(s) ? "?" : s;
}

int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

time_t
now(void)
{
	const char *fake = getenv("CEH_NOW");
	long v;

	if (fake && parse_long(fake, &v) == 0)
		return (time_t)v;
	return time(NULL);
}

void
iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (d
 * past the month's end runs on into the next, as timegm does). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
parse_iso_time(const char *s, time_t *out)
{
	struct tm tm;
	char *end;
	int y, mo, d, h, mi, sec;

	/* the form iso_time writes, which every document holds: by hand,
	 * with strptime's ranges (%S up to 61) and timegm's arithmetic
	 * (every event's time is parsed on every read); else strptime */
	if (strlen(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
	    (y = digits(s, 4)) >= 0 && (mo = digits(s + 5, 2)) >= 1 &&
	    mo <= 12 && (d = digits(s + 8, 2)) >= 1 && d <= 31 &&
	    (h = digits(s + 11, 2)) >= 0 && h <= 23 &&
	    (mi = digits(s + 14, 2)) >= 0 && mi <= 59 &&
	    (sec = digits(s + 17, 2)) >= 0 && sec <= 61) {
		*out = (time_t)(days_from_civil(y, mo, d) * 86400 +
		    h * 3600 + mi * 60 + sec);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

static void
beijing(struct tm *tm)
{
	time_t t = now() + 8 * 3600;

	gmtime_r(&t, tm);
}

int
current_year(void)
{
	struct tm tm;

	beijing(&tm);
	return tm.tm_year + 1900;
}

long
today_ymd(void)
{
	struct tm tm;

	beijing(&tm);
	return (tm.tm_year + 1900) * 10000L + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

int
random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void
base32_bits(unsigned long long v, int nbits, char *out)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
	int i, n = nbits / 5;

	for (i = 0; i < n; i++)
		out[i] = digits[(v >> (5 * (n - 1 - i))) & 31];
	out[n] = '\0';
}

int
str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

char *
text_field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return xstrndup(p + kl + 1, (nl ? (size_t)(nl - p) :
			    strlen(p)) - kl - 1);
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (flag == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

size_t
sorted_find(const void *base, size_t n, size_t width, const void *key,
    size_t klen, unsigned long long (*key64)(const void *))
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n, mid;
	unsigned long long k = key64(key), klo = 0, khi = ~0ULL, km;
	int step = 0, cmp;

	while (lo < hi) {
		if (step++ < 8 && khi > klo && k >= klo && k <= khi)
			mid = lo + (size_t)((long double)(k - klo) /
			    (long double)(khi - klo) * (long double)(hi - lo));
		else
			mid = lo + (hi - lo) / 2;
		if (mid >= hi)
			mid = hi - 1;
		cmp = memcmp(key, b + mid * width, klen);
		if (cmp == 0)
			return mid;
		km = key64(b + mid * width);
		if (cmp < 0) {
			hi = mid;
			khi = km;
		} else {
			lo = mid + 1;
			klo = km;
		}
	}
	return (size_t)-1;
}

void
sorted_dir_build(struct sorted_dir *d, const void *base, size_t n,
    size_t width, unsigned long long (*key64)(const void *))
{
	const unsigned char *b = base;
	size_t i, nb, cur = 0, k;
	unsigned bits = 0;

	memset(d, 0, sizeof(*d));
	if (n < 4096 || n > 0xffffffffu)
		return;
	while (bits < 24 && ((size_t)16 << bits) <= n)
		bits++;
	nb = (size_t)1 << bits;
	d->start = xreallocarray(NULL, nb + 1, sizeof(*d->start));
	for (i = 0; i < n; i++) {
		k = (size_t)(key64(b + i * width) >> (64 - bits));
		while (cur <= k)	/* out of order: ranges stay short */
			d->start[cur++] = (unsigned)i;
	}
	while (cur <= nb)
		d->start[cur++] = (unsigned)n;
	d->bits = bits;
}

size_t
sorted_dir_find(const struct sorted_dir *d, const void *base, size_t n,
    size_t width, const void *key, size_t klen,
    unsigned long long (*key64)(const void *))
{
	const unsigned char *b = base;
	size_t r, lo, hi, mid;
	int cmp;

	if (d->bits == 0)
		return sorted_find(base, n, width, key, klen, key64);
	r = (size_t)(key64(key) >> (64 - d->bits));
	lo = d->start[r];
	hi = d->start[r + 1];
	if (hi > n)
		hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = memcmp(key, b + mid * width, klen);
		if (cmp == 0)
			return mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (size_t)-1;
}

void
sorted_dir_prefetch(const struct sorted_dir *d, const void *base,
    size_t width, const void *key, unsigned long long (*key64)(const void *))
{
	if (d->bits)
		__builtin_prefetch((const unsigned char *)base +
		    d->start[key64(key) >> (64 - d->bits)] * width);
}

void
sorted_dir_free(struct sorted_dir *d)
{
	free(d->start);
	memset(d, 0, sizeof(*d));
}
