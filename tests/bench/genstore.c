/*
 * genstore - build a large ceh store for the benchmarks, in ceh's own
 * format: it links the ceh library and writes every file through the same
 * code that `ceh init`, `ceh unit add`, `ceh apply`, `ceh submit` and
 * `ceh review` use to lay out a store (store_init, store_save_units,
 * person_open, doc_emit).  Only the durability steps are skipped (no fsync
 * of each file: this is throw-away benchmark data), so a 1,000,000-
 * application store takes minutes, not hours.
 *
 * usage: genstore [-n APPS] [-p PEOPLE] [-q QUEUE] [-r REVIEW] [-e EMPLOYERS]
 *                 [-d DEPTS] [-j JOBS] [-s] [-I] [-C] STORE INFO
 *
 *   APPS       applications in total (default 1000)
 *   PEOPLE     people (default APPS/2: two applications each on average)
 *   QUEUE      applications waiting at one employer, QUEUE_UNIT (default
 *              min(1000, APPS/10)): the queue of `ceh list --at`
 *   REVIEW     applications waiting at the agency, already approved by
 *              their employer (default min(10000, APPS/10)): the batch of
 *              `ceh review --as AGENCY --approve -`
 *   EMPLOYERS  registered employers (default 200)
 *   DEPTS      supervising departments (主管部门) the employers are spread
 *              over (default min(20, (EMPLOYERS + 8) / 10): 20 for 200
 *              employers, 1 below 12); see "Units" below
 *   JOBS       worker processes (default 1)
 *   -s         a signed store (ceh-trust(7)): every unit gets a new key,
 *              certified by the agency (the anchor) in trust.log, valid
 *              from 2024-01-01; every history is chained (chain_seal) and
 *              its submissions and decisions signed (chain_sign) by the
 *              unit's key, as review and submit sign them.  The agency's
 *              private key is written to STORE.agency.key (INFO names it
 *              AGENCY_KEY) for `ceh review --key`.  Keys are random, so
 *              a signed store's bytes are not deterministic.  INFO
 *              gets SIGNED=N and SIGN_NS=T: the signed events and the
 *              CPU time spent in chain_sign for them (the cost of signing
 *              a decision: its canonical texts, hashes and Ed25519).
 *   -I         no summary index (lib/index.h), as in a store made before
 *              it; otherwise it is built from the documents at the end
 *   -C         fill the user's verification cache (trust.h,
 *              $XDG_CACHE_HOME/ceh/verified/) with every document, as one
 *              `ceh fsck` of the store would leave it: the digest of each
 *              document as written (doc_emit, which is what the cache
 *              keys), without verifying it (every generated document
 *              verifies: `ceh fsck --no-cache` of the store checks that).
 *              In a signed store, the reports' records cache too
 *              (report_src.h, $XDG_CACHE_HOME/ceh/reports/), with the
 *              record of every approved document, and the listing
 *              cache ($XDG_CACHE_HOME/ceh/listed/), with the row of
 *              every document, as that fsck leaves them.  The readers and fsck then run as a user runs them,
 *              with the caches warm, without the benchmark paying for
 *              one full verification of a million documents to fill
 *              them.
 *
 * Units.  The agency (湖南省人力资源和社会保障厅); one top supervisor
 * (湖南省住房和城乡建设厅, parent none); under it DEPTS supervising
 * departments (主管部门: the province's own bureaus and the cities'
 * 住房和城乡建设局, the first the 省建设工程质量安全监督总站 of the
 * stores before departments); the employers under the departments.  The
 * review chain of every application is employer -> its department -> the
 * top supervisor -> the agency, as `ceh submit` and `ceh review` route it
 * from units.yaml.  QUEUE_UNIT (the first employer) is under the first
 * department; the other EMPLOYERS-1 employers are spread unevenly, by
 * Zipf weights 1, 1/2, ..., 1/DEPTS (department d gets about
 * (EMPLOYERS-1)/(d+1)/H(DEPTS) of them, H the harmonic number; with 200
 * employers and 20 departments: 55 and QUEUE_UNIT, 28, 18, 14, 11, 10,
 * 7, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3).  SUP_UNIT (INFO) is the
 * median department by size, department DEPTS/2 (the 11th largest of 20,
 * 永州市住房和城乡建设局: 5 of the 199 employers, about 2.5% of the
 * applications), neither the largest nor the smallest when DEPTS >= 3
 * (SUP_EMPLOYERS: how many employers it has); TOP_UNIT is the top
 * supervisor, whose subtree is the whole store.
 *
 * People.  A person works at one employer (person k at employer
 * 1 + k % (EMPLOYERS-1)), and every application of theirs names it, but
 * for every fourth person, whose older applications (j >= 1) were made at
 * an earlier employer, possibly under another department (a transfer).
 *
 * The rest of the applications: 5% waiting at other employers, 15% drafts
 * with one year row, 70% approved with one to five year rows, 10%
 * rejected.  A person's applications cover disjoint years (the j-th the
 * years within 2021-5j ... 2025-5j), since a year can be approved only
 * once per person.  Person 0 (SLIP_ID) holds an approved application with the
 * years 2021-2025, for `ceh print-slip`.
 *
 * When the library has the review queue index (lib/queue.h), every
 * application in review gets its entry through queue_add, as `ceh submit`
 * and `ceh review` make them (without the fsync).
 *
 * INFO is written as shell assignments (QUEUE_UNIT=..., REVIEW_UNIT=...,
 * SUP_UNIT=..., TOP_UNIT=..., DEPTS=..., SUP_EMPLOYERS=..., SLIP_ID=...,
 * APPS=..., PEOPLE=...), and INFO.review-ids gets the ids of
 * the REVIEW applications, one per line.  Output is deterministic.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "err.h"
#include "key.h"
#if defined(__has_include)
#if __has_include("queue.h")
#include "queue.h"		/* the review queue index (lib/queue.h) */
#define HAVE_QUEUE 1
#endif
#endif
#if defined(__has_include)
#if __has_include("index.h")
#include "index.h"		/* the summary index (lib/index.h) */
#define HAVE_INDEX 1
#endif
#endif
#include "report_src.h"	/* the reports' records cache */
#include "store.h"
#include "trust.h"
#include "util.h"
#include "validate.h"
#include "xalloc.h"

static const char *const regions[] = { "430102", "430104", "430111",
    "430202", "430302", "430405", "430502", "430602", "430702", "430802",
    "430902", "431002", "431102", "431202" };
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static const char *const names[] = { "张三", "李四", "王五", "赵六", "欧阳明",
    "刘芳", "陈静", "杨洋", "黄磊", "周杰", "吴敏", "徐丽" };

/* The supervising departments (主管部门) under the top supervisor, the
 * largest first: names and regions (a city's bureau in its city, the
 * province's own in 439900 湖南省省本级). */
static const struct { const char *name, *region; } depts[] = {
	{ "省建设工程质量安全监督总站", "439900" },
	{ "长沙市住房和城乡建设局", "430100" },
	{ "株洲市住房和城乡建设局", "430200" },
	{ "湘潭市住房和城乡建设局", "430300" },
	{ "衡阳市住房和城乡建设局", "430400" },
	{ "岳阳市住房和城乡建设局", "430600" },
	{ "常德市住房和城乡建设局", "430700" },
	{ "郴州市住房和城乡建设局", "431000" },
	{ "邵阳市住房和城乡建设局", "430500" },
	{ "益阳市住房和城乡建设局", "430900" },
	{ "永州市住房和城乡建设局", "431100" },
	{ "怀化市住房和城乡建设局", "431200" },
	{ "娄底市住房和城乡建设局", "431300" },
	{ "张家界市住房和城乡建设局", "430800" },
	{ "湘西土家族苗族自治州住房和城乡建设局", "433100" },
	{ "省建设工程造价管理总站", "439900" },
	{ "省建筑业协会", "439900" },
	{ "省勘察设计协会", "439900" },
	{ "省城市建设档案馆", "439900" },
	{ "省建设科技与教育中心", "439900" },
};
#define NDEPTS (long)(sizeof(depts) / sizeof(depts[0]))

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long
rng(void)
{
	/* splitmix64: deterministic, good enough for ids */
	unsigned long long z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
die(const char *what, const struct ceh_err *e)
{
	fprintf(stderr, "genstore: %s: %s\n", what, e ? e->msg :
	    strerror(errno));
	exit(5);
}

/* Person k's ID number: region, birth date, sequence k % 1000 (the shard,
 * so people spread evenly over the 1,000 shard directories). */
static void
person_id(long k, char out[IDNUM_LEN + 1])
{
	long seq = k % 1000, rest = k / 1000;
	time_t t = (time_t)(-3652L + rest % 14000) * 86400; /* from 1960 */
	struct tm tm;
	struct ceh_err e;
	char buf[40];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%s%04d%02d%02d%03ld0",
	    regions[(rest / 14000) % NREGIONS], tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, seq);
	buf[18] = '\0';
	buf[17] = idnum_check_char(buf);
	if (idnum_check("id", buf, out, &e) < 0)
		die("person id", &e);
}

static void
credit_code(const char *prefix, long serial, char out[CREDIT_LEN + 1])
{
	char buf[40];
	struct ceh_err e;

	snprintf(buf, sizeof(buf), "%s%07ld0", prefix, serial % 10000000);
	buf[18] = '\0';
	buf[17] = credit_check_char(buf);
	if (credit_check("unit", buf, out, &e) < 0)
		die("credit code", &e);
}

static void
add_unit(struct units *u, const char *code, const char *name,
    enum unit_kind kind, const char *parent, const char *region)
{
	struct unit *v;

	u->v = xreallocarray(u->v, u->n + 1, sizeof(*u->v));
	v = &u->v[u->n++];
	v->code = xstrdup(code);
	v->name = xstrdup(name);
	v->kind = kind;
	v->parent = xstrdup(parent);
	v->region = xstrdup(region);
	v->added = xstrdup("2026-01-01T00:00:00Z");
}

static void
event(struct application *app, time_t *t, const char *what,
    const char *unit, const char *next, const char *reason,
    const char *detail)
{
	struct event *ev;
	char ts[32];

	*t += 3600;
	iso_time(*t, ts, sizeof(ts));
	app->history = xreallocarray(app->history, app->nhistory + 1,
	    sizeof(*app->history));
	ev = &app->history[app->nhistory++];
	memset(ev, 0, sizeof(*ev));	/* fields it does not set stay NULL */
	ev->at = xstrdup(ts);
	ev->what = xstrdup(what);
	ev->by = xstrdup("bench@genstore");
	ev->unit = xstrdup(unit ? unit : "");
	ev->next = xstrdup(next ? next : "");
	ev->reason = xstrdup(reason ? reason : "");
	ev->detail = xstrdup(detail ? detail : "");
	ev->prev = xstrdup("");
	ev->content = xstrdup("");
	ev->key = xstrdup("");
	ev->sig = xstrdup("");
	app->revision++;
	free(app->updated);
	app->updated = xstrdup(ts);
	if (app->created == NULL)
		app->created = xstrdup(ts);
}

static void
year_row(struct application *app, int year, time_t *t)
{
	struct year_row row;
	char y[16];

	memset(&row, 0, sizeof(row));
	row.year = year;
	row.pub.subject = xstrdup("专业技术人员职业道德与诚信建设");
	row.pub.hours = 2 * (30 + (long)(rng() % 10));
	row.pub.form = xstrdup("远程教育");
	row.pro.subject = xstrdup("建筑工程新技术与新规范");
	row.pro.hours = 2 * (56 + (long)(rng() % 20)) + (long)(rng() % 2);
	row.pro.form = xstrdup("培训班");
	app_put_year(app, &row);
	snprintf(y, sizeof(y), "%d", year);
	event(app, t, "year-added", NULL, NULL, NULL, y);
}

/* -s: the units' keys, by code */
static int signed_store;
static struct signer {
	char code[CREDIT_LEN + 1];
	struct ceh_key k;
} *signers;
static size_t nsigners;
static long long sign_ns, sign_n;	/* CPU time in chain_sign, calls */

static long long
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const struct ceh_key *
key_of(const char *code)
{
	size_t i;

	for (i = 0; i < nsigners; i++)
		if (strcmp(signers[i].code, code) == 0)
			return &signers[i].k;
	fprintf(stderr, "genstore: no key for %s\n", code);
	exit(5);
}

/* Chain every event in order and sign those chain_event_signed names
 * with their unit's key (the content of each is the document as it is
 * at the end: only the last one's is checked against it). */
static void
seal_all(struct application *app)
{
	size_t n = app->nhistory, i;
	struct ceh_err e;

	for (i = 0; i < n; i++) {
		const struct event *ev = &app->history[i];

		app->nhistory = i + 1;
		if (chain_event_signed(ev->what)) {
			char unit[CREDIT_LEN + 1];

			const struct ceh_key *k;
			long long t0;

			snprintf(unit, sizeof(unit), "%s", ev->unit);
			k = key_of(unit);
			t0 = cpu_ns();
			if (chain_sign(app, unit, k, &e) < 0)
				die("sign", &e);
			sign_ns += cpu_ns() - t0;
			sign_n++;
		} else
			chain_seal(app);
	}
	app->nhistory = n;
}

enum kind { K_QUEUE, K_REVIEW, K_OTHERQ, K_DRAFT, K_APPROVED, K_REJECTED,
    K_SLIP };

static void
make_app(struct application *app, const char *idnum, long k, long j,
    long i, enum kind kind, const char *employer, const char *sup2,
    const char *sup, const char *agency)
{
	struct ceh_err e;
	struct app_ref ref;
	char id[APP_ID_LEN + 1], part[16];
	time_t t = 1735689600 + (time_t)i * 7;	/* 2025-01-01 + i */
	int nyears, y, first;

	app_init(app);
	memcpy(ref.idnum, idnum, IDNUM_LEN + 1);
	base32_bits((unsigned long long)t & ((1ULL << 40) - 1), 40, ref.uniq);
	base32_bits(rng() >> 4, 60, part);
	memcpy(ref.uniq + 8, part, 13);
	app_ref_format(&ref, id);
	app->id = xstrdup(id);
	memcpy(app->a.id_number, idnum, IDNUM_LEN + 1);
	app->a.name = xstrdup(names[k % (sizeof(names) / sizeof(names[0]))]);
	app->a.ethnicity = xstrdup("汉族");
	app->a.unit = xstrdup(employer);
	app->a.unit_nature = xstrdup("国有企业");
	app->a.title_level = xstrdup(k % 3 ? "副高级" : "中级");
	app->a.phone = xstrdup("15556565656");
	app->a.education = xstrdup(k % 2 ? "大学本科" : "");
	app->a.series = xstrdup("工程");
	app->a.specialty = xstrdup("建筑学");
	app->a.region = xstrdup("湖南省省本级");
	app->a.remark = xstrdup("");
	event(app, &t, "created", NULL, NULL, NULL, NULL);
	/* the person's j-th application covers years within 2021-2025 (j 0),
	 * 2016-2020 (j 1), ...: a year is approved only once per person */
	nyears = kind == K_SLIP ? 5 : kind == K_DRAFT ? 1 :
	    1 + (int)(rng() % 5);
	first = 2025 - 5 * (int)j - nyears + 1;
	for (y = first; y < first + nyears; y++)
		year_row(app, y, &t);
	app->stage = STAGE_DRAFT;
	app->waiting_at = xstrdup("");
	if (kind != K_DRAFT) {
		app->stage = STAGE_REVIEW;
		free(app->waiting_at);
		app->waiting_at = xstrdup(employer);
		event(app, &t, "submitted", signed_store ? employer : NULL,
		    employer, NULL, NULL);
	}
	if (kind == K_REVIEW || kind == K_APPROVED || kind == K_SLIP) {
		event(app, &t, "forwarded", employer, sup2, NULL, NULL);
		event(app, &t, "forwarded", sup2, sup, NULL, NULL);
		event(app, &t, "forwarded", sup, agency, NULL, NULL);
		free(app->waiting_at);
		app->waiting_at = xstrdup(agency);
	}
	if (kind == K_APPROVED || kind == K_SLIP) {
		event(app, &t, "approved", agency, NULL, NULL, NULL);
		app->stage = STAGE_APPROVED;
		free(app->waiting_at);
		app->waiting_at = xstrdup("");
	}
	if (kind == K_REJECTED) {
		event(app, &t, "rejected", employer, NULL, "学时证明材料不全",
		    NULL);
		app->stage = STAGE_REJECTED;
		free(app->waiting_at);
		app->waiting_at = xstrdup("");
	}
	if (signed_store)
		seal_all(app);
	(void)e;
}

/* INFO.review-ids from the workers' INFO.review-ids.W, in order. */
static int
concat_ids(const char *info, long jobs)
{
	char *path = xasprintf("%s.review-ids", info), line[128];
	FILE *out = fopen(path, "w"), *in;
	long w;

	free(path);
	if (out == NULL)
		return -1;
	for (w = 0; w < jobs; w++) {
		path = xasprintf("%s.review-ids.%ld", info, w);
		in = fopen(path, "r");
		if (in == NULL)
			return -1;
		while (fgets(line, sizeof(line), in))
			fputs(line, out);
		fclose(in);
		unlink(path);
		free(path);
	}
	return fclose(out);
}

/* What person_open(create) makes, without its fsync per directory (the
 * benchmark data need not survive a power cut). */
static void
mkdirs(struct store *s, const char *idnum)
{
	char shard[4], path[64];
	int i;

	person_shard(idnum, shard);
	if (mkdirat(s->peoplefd, shard, 0700) < 0 && errno != EEXIST)
		die(shard, NULL);
	snprintf(path, sizeof(path), "%s/%s", shard, idnum);
	if (mkdirat(s->peoplefd, path, 0700) < 0)
		die(path, NULL);
	for (i = 0; i < STAGE__COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", shard, idnum,
		    stage_name((enum stage)i));
		if (mkdirat(s->peoplefd, path, 0700) < 0)
			die(path, NULL);
	}
}

static long
num(const char *s)
{
	long v;

	if (parse_long(s, &v) < 0 || v < 0) {
		fprintf(stderr, "genstore: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* -C: every worker's digests into the user's verification cache, which
 * store_close writes (trust_cache_save).  trust_app_cached of one
 * document loads the cache (and its registry hash: the store's as ceh
 * will read it) first. */
static void
remember_all(struct store *s, const char *info, long jobs,
    const char *employer, const char *sup2, const char *sup,
    const char *agency)
{
	struct application app;
	char d[SHA256_HEX_LEN + 2], idnum[IDNUM_LEN + 1], *path;
	unsigned char key[REPORT_KEY_LEN];
	struct report_learn *learn = report_learn_open(s);
	size_t b;
	unsigned x;
	FILE *f;
	long w;

	person_id(0, idnum);
	make_app(&app, idnum, 0, 0, 0, K_SLIP, employer, sup2, sup, agency);
	(void)trust_app_cached(s, &app, d);
	app_release(&app);
	for (w = 0; w < jobs; w++) {
		path = xasprintf("%s.digests.%ld", info, w);
		if ((f = fopen(path, "r")) == NULL)
			die(path, NULL);
		while (fgets(d, sizeof(d), f) != NULL) {
			d[strcspn(d, "\n")] = '\0';
			if (strlen(d) == SHA256_HEX_LEN)
				trust_app_remember(s, d);
			else if (strlen(d) == 2 * REPORT_KEY_LEN + 1) {
				for (b = 0; b < sizeof(key); b++) {
					sscanf(d + 1 + 2 * b, "%2x", &x);
					key[b] = (unsigned char)x;
				}
				if (d[0] == 'R')
					report_learn_key(learn, key);
				else
					report_learn_row_key(learn, key);
			}
		}
		fclose(f);
		unlink(path);
		free(path);
	}
	report_learn_close(learn, 1);
}

int
main(int argc, char **argv)
{
	long apps = 1000, people = -1, queue = -1, review = -1, nemp = 200;
	long ndept = -1, *dept_of, sup_dept, sup_emps;
	long jobs = 1, worker, w;
	long i, k, per, n_otherq;
	struct store s;
	struct ceh_err e;
	struct sbuf doc = SBUF_INIT;
	char agency[CREDIT_LEN + 1], sup[CREDIT_LEN + 1];
	char (*emp)[CREDIT_LEN + 1], (*dept)[CREDIT_LEN + 1];
	char idnum[IDNUM_LEN + 1];
	char *datadir, *path;
	FILE *info, *ids;
	int ch, no_index = 0, fill_cache = 0;
	FILE *digests = NULL;

	while ((ch = getopt(argc, argv, "n:p:q:r:e:d:j:sIC")) != -1) {
		switch (ch) {
		case 'n': apps = num(optarg); break;
		case 'p': people = num(optarg); break;
		case 'q': queue = num(optarg); break;
		case 'r': review = num(optarg); break;
		case 'e': nemp = num(optarg); break;
		case 'd': ndept = num(optarg); break;
		case 'j': jobs = num(optarg); break;
		case 's': signed_store = 1; break;
		case 'I': no_index = 1; break;
		case 'C': fill_cache = 1; break;
		default:
			fprintf(stderr, "usage: genstore [-n APPS] [-p PEOPLE] "
			    "[-q QUEUE] [-r REVIEW] [-e EMPLOYERS] [-d DEPTS] "
			    "[-j JOBS] [-s] [-I] [-C] STORE INFO\n");
			return 2;
		}
	}
	if (ndept < 0)
		ndept = (nemp + 8) / 10 < NDEPTS ? (nemp + 8) / 10 : NDEPTS;
	if (argc - optind != 2 || apps < 10 || nemp < 2 || jobs < 1 ||
	    jobs > 64 || ndept < 1 || ndept > nemp)
		return fprintf(stderr, "usage: genstore [-n APPS] [-p PEOPLE] "
		    "[-q QUEUE] [-r REVIEW] [-e EMPLOYERS] [-d DEPTS] [-j JOBS] [-s] [-I] [-C] STORE INFO\n"), 2;
	if (people < 0)
		people = apps / 2 > 0 ? apps / 2 : 1;
	if (people > apps)
		people = apps;
	if (queue < 0)
		queue = apps / 10 < 1000 ? apps / 10 : 1000;
	if (review < 0)
		review = apps / 10 < 10000 ? apps / 10 : 10000;
	n_otherq = apps / 20;
	if (queue + review + n_otherq + 1 > apps)
		return fprintf(stderr, "genstore: -q and -r leave no room\n"), 2;

	umask(077);
	datadir = store_data_dir();
	if (store_init(argv[optind], datadir, 1, &e) < 0)
		die("init", &e);
	free(datadir);
	if (store_open(&s, argv[optind], &e) < 0)
		die("open", &e);

	/* units: an agency, a top supervisor over the departments, the
	 * employers under the departments ("Units" above) */
	emp = xcalloc((size_t)nemp, sizeof(*emp));
	dept = xcalloc((size_t)ndept, sizeof(*dept));
	dept_of = xcalloc((size_t)nemp, sizeof(*dept_of));
	credit_code("11430000MB", 1, agency);
	credit_code("12430000MB", 2, sup);
	add_unit(&s.units, agency, "湖南省人力资源和社会保障厅",
	    UNIT_AGENCY, "", "430000");
	add_unit(&s.units, sup, "湖南省住房和城乡建设厅", UNIT_SUPERVISOR, "",
	    "439900");
	for (i = 0; i < ndept; i++) {
		char name[96];

		credit_code("12430000MB", 3 + i, dept[i]);
		if (i < NDEPTS)
			snprintf(name, sizeof(name), "%s", depts[i].name);
		else
			snprintf(name, sizeof(name), "省直主管部门%ld", i);
		add_unit(&s.units, dept[i], name, UNIT_SUPERVISOR, sup,
		    i < NDEPTS ? depts[i].region : "439900");
	}
	{
		/* employer e >= 1 to the department whose share of the
		 * Zipf weights (integers: L / (d+1), L divisible by every
		 * d+1 up to 20) holds the middle of e's slot of [0, 1) */
		long long L = 232792560LL, W = 0, cum = 0, x;
		long d;

		for (d = 0; d < ndept; d++)
			W += L / (d + 1);
		dept_of[0] = 0;
		for (i = 1, d = 0, cum = L; i < nemp; i++) {
			x = (2LL * (i - 1) + 1) * W;	/* 2 (nemp-1) W pos */
			while (d < ndept - 1 && x >= 2LL * (nemp - 1) * cum) {
				d++;
				cum += L / (d + 1);
			}
			dept_of[i] = d;
		}
	}
	sup_dept = ndept / 2;
	for (i = 0, sup_emps = 0; i < nemp; i++)
		sup_emps += dept_of[i] == sup_dept;
	for (i = 0; i < nemp; i++) {
		const char *region = "430100";
		char name[64];

		if (dept_of[i] < NDEPTS && strcmp(depts[dept_of[i]].region,
		    "439900") != 0)
			region = depts[dept_of[i]].region;
		credit_code("91430100MA", 100 + i, emp[i]);
		snprintf(name, sizeof(name), "湖南测试建设工程有限公司%ld", i);
		add_unit(&s.units, emp[i], name, UNIT_EMPLOYER,
		    dept[dept_of[i]], region);
	}
	if (units_check(&s.units, &s.codes, "units.yaml", &e) < 0)
		die("units", &e);
	if (store_save_units(&s, &e) < 0)
		die("units", &e);
	s.units_loaded = 1;	/* what units.yaml now holds: store_close
				 * frees them, and trust.c does not load
				 * them over these */
	if (signed_store) {
		char *kp = xasprintf("%s.agency.key", argv[optind]);

		/* the certificates are valid from 2024-01-01, before every
		 * event (2025-01-01 on) */
		setenv("CEH_NOW", "1704067200", 1);
		signers = xcalloc(s.units.n, sizeof(*signers));
		for (i = 0; i < (long)s.units.n; i++) {
			const struct unit *u = &s.units.v[i];
			struct signer *sg = &signers[nsigners++];

			snprintf(sg->code, sizeof(sg->code), "%s", u->code);
			if (key_generate(&sg->k, u->code, &e) < 0 ||
			    trust_certify(&s, u->code, u->kind, sg->k.pub,
			    agency, i == 0 ? NULL : &signers[0].k, &e) < 0)
				die("certify", &e);
		}
		unsetenv("CEH_NOW");
		if (trust_set_signed(&s, &e) < 0 ||
		    key_file_write(kp, &signers[0].k, 0, &e) < 0)
			die("trust", &e);
		free(kp);
	}

	/* JOBS worker processes, person k to worker k % JOBS */
	for (worker = 0; worker < jobs - 1; worker++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork", NULL);
		if (pid == 0)
			break;
	}
	path = xasprintf("%s.review-ids.%ld", argv[optind + 1], worker);
	ids = fopen(path, "w");
	if (ids == NULL)
		die(path, NULL);
	free(path);
	if (fill_cache) {
		path = xasprintf("%s.digests.%ld", argv[optind + 1], worker);
		if ((digests = fopen(path, "w")) == NULL)
			die(path, NULL);
		free(path);
	}

	/* applications i = k + j * people belong to person k; the first
	 * indexes are the special ones */
	per = (apps + people - 1) / people;
	for (k = 0; k < people; k++) {
		struct person p;
		long j;

		if (k % jobs != worker)
			continue;
		person_id(k, idnum);
		mkdirs(&s, idnum);
		if (person_open(&s, idnum, 0, &p, &e) < 0)
			die("person", &e);
		for (j = 0; j < per; j++) {
			struct application app;
			enum kind kind;
			const char *employer;
			char name[64];
			long r, e_ix;
			int fd;

			i = k + j * people;
			if (i >= apps)
				break;
			r = i - 1 - queue - review - n_otherq;
			/* the person's employer; a fourth of the people
			 * made their older applications at another
			 * ("People" above) */
			e_ix = 1 + k % (nemp - 1);
			if (j >= 1 && k % 4 == 0)
				e_ix = 1 + (k + 37 * j) % (nemp - 1);
			employer = emp[e_ix];
			if (i == 0) {
				kind = K_SLIP;
			} else if (i <= queue) {
				kind = K_QUEUE;
				employer = emp[0];
			} else if (i <= queue + review) {
				kind = K_REVIEW;
			} else if (i <= queue + review + n_otherq) {
				kind = K_OTHERQ;
			} else {
				r %= 20;
				kind = r < 3 ? K_DRAFT : r < 17 ? K_APPROVED :
				    K_REJECTED;
			}
			make_app(&app, idnum, k, j, i, kind, employer,
			    dept[dept_of[employer == emp[0] ? 0 : e_ix]], sup,
			    agency);
			sb_reset(&doc);
			if (doc_emit(&app, &doc, &e) < 0)
				die("emit", &e);
			snprintf(name, sizeof(name), "%s.yaml",
			    app.id + IDNUM_LEN + 1);
			fd = openat(p.stagefd[app.stage], name, O_WRONLY |
			    O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
			if (fd < 0 || write_all(fd, doc.buf, doc.len) < 0 ||
			    close(fd) < 0)
				die(name, NULL);
			if (digests) {
				char d[SHA256_HEX_LEN + 1];
				unsigned char key[REPORT_KEY_LEN];
				size_t b;

				sha256_hex(doc.buf, doc.len, d);
				fprintf(digests, "%s\n", d);
				/* and its record, for the reports, and its
				 * row, for ceh list */
				if (signed_store && report_record_key(&app,
				    &s.units, key) == 0) {
					fputc('R', digests);
					for (b = 0; b < sizeof(key); b++)
						fprintf(digests, "%02x", key[b]);
					fputc('\n', digests);
				}
				if (signed_store && report_row_key(&app,
				    &s.units, key) == 0) {
					fputc('L', digests);
					for (b = 0; b < sizeof(key); b++)
						fprintf(digests, "%02x", key[b]);
					fputc('\n', digests);
				}
			}
			if (kind == K_REVIEW)
				fprintf(ids, "%s\n", app.id);
#ifdef HAVE_QUEUE
			/* the entry and its listing cache, as a transition
			 * into review writes them (lib/workflow.c) */
			if (app.stage == STAGE_REVIEW && (queue_add(&s,
			    app.waiting_at, app.id, 0, &e) < 0 ||
			    queue_note(&s, app.waiting_at,
			    p.stagefd[STAGE_REVIEW], &app, &e) < 0))
				die("queue", &e);
#endif
			if (kind == K_SLIP) {
				info = fopen(argv[optind + 1], "w");
				if (info == NULL)
					die(argv[optind + 1], NULL);
				fprintf(info, "SLIP_ID=%s\nSLIP_APP=%s\n",
				    idnum, app.id);
				fprintf(info, "QUEUE_UNIT=%s\nREVIEW_UNIT=%s\n"
				    "SUP_UNIT=%s\nTOP_UNIT=%s\nDEPTS=%ld\n"
				    "SUP_EMPLOYERS=%ld\n", emp[0], agency,
				    dept[sup_dept], sup, ndept, sup_emps);
				fprintf(info, "APPS=%ld\nPEOPLE=%ld\nQUEUE=%ld\n"
				    "REVIEW=%ld\n", apps, people, queue,
				    review);
				if (signed_store)
					fprintf(info, "AGENCY_KEY=%s.agency.key\n",
					    argv[optind]);
				if (fclose(info) != 0)
					die(argv[optind + 1], NULL);
			}
			app_release(&app);
		}
		person_close(&p);
	}
	if (fclose(ids) != 0)
		die("review ids", NULL);
	if (digests && fclose(digests) != 0)
		die("digests", NULL);
	if (signed_store) {
		FILE *sf;

		path = xasprintf("%s.sign.%ld", argv[optind + 1], worker);
		if ((sf = fopen(path, "w")) == NULL ||
		    fprintf(sf, "%lld %lld\n", sign_n, sign_ns) < 0 ||
		    fclose(sf) != 0)
			die(path, NULL);
		free(path);
	}
	if (worker < jobs - 1) {	/* a child */
		sb_release(&doc);
		free(emp);
		free(dept);
		free(dept_of);
		store_close(&s);
		return 0;
	}
	for (i = 0; i < jobs - 1; i++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("a worker failed", NULL);
	}
	if (concat_ids(argv[optind + 1], jobs) < 0)
		die("review ids", NULL);
	if (signed_store) {
		long long n = 0, ns = 0, a, b;
		FILE *sf;

		for (w = 0; w < jobs; w++) {
			path = xasprintf("%s.sign.%ld", argv[optind + 1], w);
			if ((sf = fopen(path, "r")) == NULL ||
			    fscanf(sf, "%lld %lld", &a, &b) != 2)
				die(path, NULL);
			fclose(sf);
			unlink(path);
			free(path);
			n += a;
			ns += b;
		}
		if ((sf = fopen(argv[optind + 1], "a")) == NULL ||
		    fprintf(sf, "SIGNED=%lld\nSIGN_NS=%lld\n", n, ns) < 0 ||
		    fclose(sf) != 0)
			die(argv[optind + 1], NULL);
	}
	if (fill_cache)
		remember_all(&s, argv[optind + 1], jobs, emp[0], dept[0], sup,
		    agency);
#ifndef HAVE_INDEX
	(void)no_index;
#endif
#ifdef HAVE_INDEX
	/* the summary index, built from the documents as `ceh fsck
	 * --repair` builds it (-I: none, as in a store made before it) */
	if (no_index) {
		int ixfd = openat(s.rootfd, "index", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);

		/* made by store_init, holding only its lock file */
		if (ixfd >= 0) {
			(void)unlinkat(ixfd, ".lock", 0);
			close(ixfd);
			if (unlinkat(s.rootfd, "index", AT_REMOVEDIR) < 0)
				die("index", NULL);
		}
	} else {
		struct index_report ir;

		memset(&ir, 0, sizeof(ir));
		if (index_check(&s, 1, &ir, &e) < 0)
			die("index", &e);
	}
#endif
	sb_release(&doc);
	free(emp);
	free(dept);
	free(dept_of);
	store_close(&s);
	return 0;
}
