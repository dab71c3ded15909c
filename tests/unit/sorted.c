/* Unit tests of lib/util's look-ups in sorted digests: sorted_find and
 * the directory of sorted_dir (made in one pass, used by the reports'
 * records cache): every record present is found at its own index, a key
 * absent is not found, and records out of order (a damaged file) can
 * only be missed, never found at another record's index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"
#include "xalloc.h"

#define W 16		/* a digest */

static unsigned long long
key64(const void *p)
{
	const unsigned char *d = p;
	unsigned long long k = 0;
	int i;

	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

static int
cmp(const void *a, const void *b)
{
	return memcmp(a, b, W);
}

/* xorshift: the same keys in each run */
static unsigned long long seed = 88172645463325252ULL;
static unsigned char
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned char)(seed >> 24);
}

int
main(void)
{
	size_t n = 100000, i, found, wrong, missed;
	unsigned char *v = xmalloc(n * W), key[W];
	struct sorted_dir d;

	for (i = 0; i < n * W; i++)
		v[i] = rnd();
	qsort(v, n, W, cmp);

	sorted_dir_build(&d, v, n, W, key64);
	ok(d.bits > 0 && ((size_t)16 << d.bits) > n && ((size_t)8 << d.bits) <= n,
	    "a directory of 2^%u ranges for %zu records", d.bits, n);
	for (i = 0, wrong = 0; i < n; i++) {
		if (sorted_dir_find(&d, v, n, W, v + i * W, W, key64) != i)
			wrong++;
		sorted_dir_prefetch(&d, v, W, v + i * W, key64);
	}
	ok(wrong == 0, "every record found at its index (%zu wrong)", wrong);
	for (i = 0, wrong = 0; i < n; i += 97)
		if (sorted_find(v, n, W, v + i * W, W, key64) != i)
			wrong++;
	ok(wrong == 0, "sorted_find agrees (%zu wrong)", wrong);
	for (i = 0, found = 0; i < 10000; i++) {
		size_t k;

		for (k = 0; k < W; k++)
			key[k] = rnd();
		if (bsearch(key, v, n, W, cmp) == NULL &&
		    sorted_dir_find(&d, v, n, W, key, W, key64) != (size_t)-1)
			found++;
	}
	ok(found == 0, "absent keys are not found (%zu found)", found);
	/* the first and the last key of the key space */
	memset(key, 0, W);
	ok(sorted_dir_find(&d, v, n, W, key, W, key64) == (size_t)-1,
	    "the key 00..00, absent, is not found");
	memset(key, 0xff, W);
	ok(sorted_dir_find(&d, v, n, W, key, W, key64) == (size_t)-1,
	    "the key ff..ff, absent, is not found");
	sorted_dir_free(&d);

	/* out of order: a block of records moved to the front */
	memmove(key, v + (n / 2) * W, W);
	memmove(v + W, v, (n / 2) * W);
	memcpy(v, key, W);
	sorted_dir_build(&d, v, n, W, key64);
	for (i = 0, wrong = 0, missed = 0; i < n; i++) {
		size_t at = sorted_dir_find(&d, v, n, W, v + i * W, W, key64);

		if (at == (size_t)-1)
			missed++;
		else if (memcmp(v + at * W, v + i * W, W) != 0)
			wrong++;
	}
	ok(wrong == 0, "records out of order: none found at another's index "
	    "(%zu missed)", missed);
	sorted_dir_free(&d);

	qsort(v, 100, W, cmp);
	sorted_dir_build(&d, v, 100, W, key64);
	ok(d.bits == 0 && sorted_dir_find(&d, v, 100, W, v + 3 * W, W,
	    key64) == 3, "a small set gets no directory, and is searched");
	sorted_dir_free(&d);
	free(v);
	return done_testing();
}
