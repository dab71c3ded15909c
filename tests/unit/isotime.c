/* Unit tests of lib/util's parse_iso_time: its own reading of the form
 * iso_time writes gives what strptime and timegm give (the reading it
 * replaced), over every day of years far apart, the ends of each range,
 * and days past a month's end; other forms still go to strptime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "util.h"

/* The reading before: strptime, then timegm. */
static int
reference(const char *s, time_t *out)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* 1 January of year y, 00:00:00 UTC (timegm). */
static long long
year_start(int y)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mday = 1;
	return (long long)timegm(&tm);
}

static int
agrees(const char *s)
{
	time_t a = 0, b = 0;
	int ra = parse_iso_time(s, &a), rb = reference(s, &b);

	if (ra != rb || (ra == 0 && a != b)) {
		printf("#   %s: %d %lld, reference %d %lld\n", s, ra,
		    (long long)a, rb, (long long)b);
		return 0;
	}
	return 1;
}

int
main(void)
{
	static const char *const edges[] = {
		"1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
		"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z",
		"2023-02-30T00:00:00Z", "2024-04-31T00:00:00Z",
		"2026-12-07T23:59:60Z", "2026-12-07T23:59:61Z",
		"2026-12-07T23:59:62Z", "2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z",
		"2026-01-01T00:60:00Z", "2026-1-01T00:00:00Z",
		"2026-01-01T00:00:00", "2026-01-01 00:00:00Z",
		"2026-01-01T00:00:00Zx", "20x6-01-01T00:00:00Z",
		"", "2026-01-01T0:00:00Z",
	};
	char buf[32];
	size_t i;
	int y, bad = 0;
	long long t;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		ok(agrees(edges[i]), "'%s' as strptime and timegm read it",
		    edges[i]);
	/* every day of some years, at a time of day that moves */
	for (y = 1969; y <= 2100; y += (y < 2030 ? 1 : 7))
		for (t = 0; t < 366 * 86400; t += 86400 + 3607) {
			time_t at = (time_t)(year_start(y) + t);

			iso_time(at, buf, sizeof(buf));
			bad += !agrees(buf);
		}
	ok(bad == 0, "every day of 1969-2030 and every seventh year to 2100 "
	    "(%d disagree)", bad);
	return done_testing();
}
