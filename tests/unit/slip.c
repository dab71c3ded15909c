/* Unit tests of lib/slip: ranges, codes, the canonical form, JSON round
 * trip, the strict reader, and the code under a store secret. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "atomic.h"
#include "hash.h"
#include "key.h"
#include "slip.h"
#include "store.h"
#include "tap.h"

static void
mk(struct slip *sl)
{
	static const int yrs[3] = { 2022, 2023, 2024 };
	size_t i;

	slip_init(sl);
	sl->title = xstrdup("湖南省专业技术人员继续教育学时认定单");
	sl->number = xstrdup("20250601-74X1VX7MF5");
	sl->code = xstrdup("DHKF-W2B7-00CW-H8JM-H18W");
	sl->issued = xstrdup("2025-06-01T00:00:00Z");
	sl->printed_on = xstrdup("2025-06-01");
	sl->basis = xstrdup("《专业技术人员继续教育规定》（人社部令第25号）");
	sl->rule.total_min = 90;
	sl->rule.public_min = 30;
	sl->rule.pro_min = 60;
	sl->rule.share_num = 2;
	sl->rule.share_den = 3;
	sl->rule.text = xstrdup("合计≥90，公需科目≥30，专业科目≥60");
	memcpy(sl->id_number, "43010219850312123X", 19);
	sl->name = xstrdup("张三");
	sl->sex = xstrdup("男");
	sl->unit = xstrdup("91350100M000100Y43");
	sl->unit_name = xstrdup("湖南某民营建筑公司");
	sl->series = xstrdup("工程");
	sl->specialty = xstrdup("建筑学");
	sl->title_level = xstrdup("副高级");
	sl->application = xstrdup("43010219850312123X-01k3n600ltivgo9tth2u");
	sl->from = 2022;
	sl->to = 2024;
	sl->nyears = 3;
	sl->years = xcalloc(3, sizeof(*sl->years));
	for (i = 0; i < 3; i++) {
		struct slip_year *y = &sl->years[i];

		y->year = yrs[i];
		y->approved = i != 1;
		y->pub_subject = xstrdup(i != 1 ? "公需 \"科目\"\\" : "");
		y->pub_form = xstrdup(i != 1 ? "远程教育" : "");
		y->pub_half = i != 1 ? 61 : 0;
		y->pro_subject = xstrdup(i != 1 ? "专业科目" : "");
		y->pro_form = xstrdup(i != 1 ? "培训班" : "");
		y->pro_half = i != 1 ? 120 : 0;
		y->total_half = y->pub_half + y->pro_half;
		y->met = i != 1;
		y->agency = xstrdup(i != 1 ? "91430000MA4L00001D" : "");
		y->agency_name = xstrdup(i != 1 ? "湖南省人社厅" : "");
		y->approved_on = xstrdup(i != 1 ? "2025-05-30" : "");
		y->application = xstrdup(i != 1 ? sl->application : "");
	}
	sl->pub_half = 122;
	sl->pro_half = 240;
	sl->total_half = 362;
	sl->years_approved = 2;
	sl->years_met = 2;
	sl->all_met = 0;
}

static char *
canon(const struct slip *sl, int full)
{
	struct sbuf sb = SBUF_INIT;

	slip_canonical(sl, full, &sb);
	return sb_detach(&sb);
}

static void
json(const struct slip *sl, char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	f = open_memstream(buf, len);
	slip_json(sl, f);
	fclose(f);
}

/* Compare the SHA-256 of text (freed) with a pinned one. */
static void
pin_sha(char *text, const char *want, const char *what)
{
	char hex[SHA256_HEX_LEN + 1];

	sha256_hex(text, strlen(text), hex);
	is_str(hex, want, "%s", what);
	free(text);
}

/* of mk()'s slip under the secret 00 01 .. 1f */
#define PINNED_CODE "5ZC5-YXSQ-4PXV-PA6C-YS14"
#define PINNED_CANON_FULL \
    "c99282750985014889f854d945055f2ba1c9adf2172f93f0ae71e192dee0b783"
#define PINNED_CANON_FIGURES \
    "b5f9124d80e0e513eb45deb9bc21e30873ee834a3194e1953bfdf9022cd124f7"
/* with "signed_store": true after "code" (issue 13; before it
 * 1adbfd58e74a6ae900c844559f5d2e118be94a60410519ca0070b476c8e9f918) */
#define PINNED_JSON \
    "9120eaff7adbd60e6d05e2762170ab70ed6eafe7816201aeb71b54bb43f6be4d"
#define PINNED_RECORD \
    "647a0872311348ba0f04aa7ec29116a35d49c7a18ab87fef1283b9c59e0fc617"

static int
crock(char c)
{
	static const char a[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	const char *p = strchr(a, c);

	return p && c ? (int)(p - a) : -1;
}

/* The agency's signature: a fixed key (seed 0, 1, ..., 31), so the
 * deterministic Ed25519 signature and the whole payload are pinned. */
static void
check_signed(struct slip *a)
{
	static const char pinned[] = "CEHSLIP1 20250601-74X1VX7MF5 "
	    "43010219850312123X 2022-2024 362 2/3 2025-06-01T00:00:00Z "
	    "91430000MA4L00001D Vkdap1RjR0wC "
	    "yZKCdQmFAUiJ-FTZRQVfK6HJrfIXL5PwrnHhkt7gt4M "
	    "T_2He5pRGRGf-M8yvulJevaeq-mzJyNQeJeUYvmeUirvO1WYVcE3d_Tke6jRA12g-"
	    "HCn55LugUkLhDJBtCQyAA";
	struct slip_claim c;
	struct sbuf why = SBUF_INIT;
	struct ceh_key k, other;
	struct ceh_err e;
	struct slip b;
	char *pl, *j;
	size_t i, len;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < 32; i++)
		k.seed[i] = (unsigned char)i;
	k.has_seed = 1;
	ed25519_public(k.seed, k.pub);
	other = k;
	other.seed[0] ^= 1;
	ed25519_public(other.seed, other.pub);
	ok(slip_payload(a) == NULL, "an unsigned slip has no payload");
	json(a, &j, &len);
	ok(strstr(j, "signer") == NULL, "nor signer keys in its JSON");
	free(j);
	ok(slip_sign(a, "91430000MA4L00001D", &k, &e) == 0, "signed");
	pl = slip_payload(a);
	ok(pl && strlen(pl) < 300, "a payload under 300 bytes");
	/* its bytes must never change for a given slip and key: the
	 * signed text of ceh-trust(7) is what another implementation
	 * checks (deterministic Ed25519 pins the signature too) */
	is_str(pl, pinned, "the payload, signature included, is pinned");
	ok(slip_payload_parse(pl, &c, &e) == 0, "it parses: %s", e.msg);
	ok(slip_claim_verify(&c, k.pub, &why) == SLIP_VALID,
	    "and verifies: %s", why.buf);
	sb_reset(&why);
	ok(slip_claim_verify(&c, other.pub, &why) == SLIP_UNKNOWN_KEY,
	    "another key: unknown key");
	c.total_half++;
	sb_reset(&why);
	ok(slip_claim_verify(&c, k.pub, &why) == SLIP_ALTERED,
	    "half an hour more: altered");
	free(pl);
	json(a, &j, &len);
	slip_init(&b);
	ok(slip_parse(j, len, "t.json", &b, &e) == 0 &&
	    strcmp(b.signature, a->signature) == 0 &&
	    strcmp(b.signer_key, a->signer_key) == 0,
	    "the signature survives the JSON round trip");
	ok(slip_claim_of(&b, &c, &e) == 0, "a claim of the JSON");
	sb_reset(&why);
	ok(slip_claim_verify(&c, k.pub, &why) == SLIP_VALID,
	    "which verifies");
	free(b.name);
	b.name = xstrdup("李四");
	ok(slip_claim_of(&b, &c, &e) == 0 &&
	    slip_claim_verify(&c, k.pub, &why) == SLIP_ALTERED,
	    "a name changed: altered (the digest covers it)");
	slip_release(&b);
	free(j);
	sb_release(&why);
}

int
main(void)
{
	struct slip a, b;
	struct ceh_err e;
	char out[SLIP_CODE_LEN + 1], c1[SLIP_CODE_LEN + 1];
	char c2[SLIP_CODE_LEN + 1], hex[SHA256_HEX_LEN + 1];
	char *x, *y, *j, dir[] = "/tmp/ceh-slip-unit.XXXXXX";
	size_t len, i;
	int from, to, fd;

	/* ranges */
	ok(slip_range_for("senior", 2025, &from, &to, &e) == 0 &&
	    from == 2020 && to == 2024, "senior 2025 checks 2020-2024");
	ok(slip_range_for("intermediate", 2025, &from, &to, &e) == 0 &&
	    from == 2021 && to == 2024, "intermediate 2025 checks 2021-2024");
	ok(slip_range_for("高级", 2025, &from, &to, &e) == 0 &&
	    from == 2020 && to == 2024, "高级 is senior");
	ok(slip_range_for("中级", 2025, &from, &to, &e) == 0 &&
	    from == 2021 && to == 2024, "中级 is intermediate");
	ok(slip_range_for("junior", 2025, &from, &to, &e) < 0 &&
	    e.code == CEH_EINPUT, "an unknown kind is class 1");
	ok(slip_range_for("senior", 1994, &from, &to, &e) < 0,
	    "a span starting before 1990 is refused");
	ok(slip_range_check(2024, 2020, &e) < 0 && e.code == CEH_EINPUT &&
	    strstr(e.msg, "inverted"), "an inverted range is class 1");
	ok(slip_range_check(2010, 2019, &e) == 0, "10 years are allowed");
	ok(slip_range_check(2009, 2019, &e) < 0, "11 years are not");
	ok(slip_range_check(1989, 1995, &e) < 0, "1989 is out of range");

	/* codes as typed */
	ok(slip_code_normalise("dhkf w2b7 00cw h8jm h18w", out) == 0,
	    "lower case with spaces");
	is_str(out, "DHKF-W2B7-00CW-H8JM-H18W", "normalised to groups");
	ok(slip_code_normalise("DHKFW2B7OOCWH8JMHL8W", out) == 0,
	    "O and L accepted");
	is_str(out, "DHKF-W2B7-00CW-H8JM-H18W", "read as 0 and 1");
	ok(slip_code_normalise("DHKF-W2B7-00CW-H8JM-H18", out) < 0,
	    "19 characters refused");
	ok(slip_code_normalise("DHKF-W2B7-00CW-H8JM-H18WW", out) < 0,
	    "21 characters refused");
	ok(slip_code_normalise("DHKF-W2B7-00CW-H8JM-H18U", out) < 0,
	    "U is not in the alphabet");
	ok(slip_code_normalise("", out) < 0, "empty refused");

	/* canonical form */
	mk(&a);
	mk(&b);
	x = canon(&a, 1);
	y = canon(&b, 1);
	is_str(x, y, "equal slips, equal canonical form");
	free(y);
	b.years[2].pro_half++;
	y = canon(&b, 1);
	ok(strcmp(x, y) != 0, "half an hour more changes it");
	free(y);
	slip_release(&b);
	mk(&b);
	free(b.name);
	b.name = xstrdup("张三\nperson.sex=女");
	y = canon(&b, 1);
	ok(strstr(y, "person.name=张三\\nperson.sex=女\n") != NULL,
	    "a newline inside a value is escaped");
	free(y);
	slip_release(&b);
	mk(&b);
	free(b.issued);
	b.issued = xstrdup("2025-06-02T00:00:00Z");
	free(b.unit_name);
	b.unit_name = xstrdup("another name");
	y = canon(&b, 0);
	free(x);
	x = canon(&a, 0);
	is_str(x, y, "the figures leave out the issue time and unit names");
	free(x);
	free(y);
	slip_release(&b);

	/* JSON round trip */
	json(&a, &j, &len);
	ok(slip_parse(j, len, "t.json", &b, &e) == 0, "the JSON reads back: %s",
	    e.msg);
	x = canon(&a, 1);
	y = canon(&b, 1);
	is_str(y, x, "every field survives the round trip");
	free(x);
	free(y);
	slip_release(&b);
	x = xasprintf("%.*s,\n  \"extra\": 1\n}\n", (int)(strrchr(j, '}') -
	    j - 1), j);
	ok(slip_parse(x, strlen(x), "t.json", &b, &e) < 0 &&
	    strstr(e.msg, "extra"), "an unknown key is refused: %s", e.msg);
	free(x);
	x = xstrdup(j);
	memcpy(strstr(x, "\"years\": 3"), "\"years\": 4", 10);
	ok(slip_parse(x, strlen(x), "t.json", &b, &e) < 0,
	    "totals.years must match the rows");
	free(x);
	x = xstrdup(j);
	memcpy(strstr(x, "\"format\": 1"), "\"format\": 2", 11);
	ok(slip_parse(x, strlen(x), "t.json", &b, &e) < 0,
	    "a newer format is refused");
	free(x);
	x = xstrdup(j);
	memcpy(strstr(x, "\"public_hours\": 30.5"), "\"public_hours\": 30.3",
	    20);
	ok(slip_parse(x, strlen(x), "t.json", &b, &e) < 0,
	    "hours that are not half hours are refused");
	free(x);
	free(j);

	/* the code under a store secret */
	{
		static const char k1[] = "000102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f\n";
		static const char k2[] = "ff0102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f\n";
		unsigned char key[32];
		struct store s;
		struct sbuf sb = SBUF_INIT;
		int bad = 0, bit;

		memset(&s, 0, sizeof(s));
		ok(mkdtemp(dir) != NULL, "temp dir");
		s.root = dir;
		s.rootfd = open(dir, O_RDONLY | O_DIRECTORY);
		ok(slip_compute_code(&s, &a, c1, &e) < 0 && e.code == CEH_ESYS,
		    "no secret: class 5");
		fd = openat(s.rootfd, "secret", O_WRONLY | O_CREAT, 0600);
		ok(write(fd, k1, 65) == 65, "secret written");
		close(fd);
		ok(slip_compute_code(&s, &a, c1, &e) == 0, "code computed");
		ok(strlen(c1) == SLIP_CODE_LEN && c1[4] == '-' &&
		    c1[19] == '-', "24 characters in groups of four: %s", c1);
		/* independent check: the code is the first 100 bits of the
		 * HMAC of the canonical form */
		for (i = 0; i < 32; i++)
			key[i] = (unsigned char)i;
		slip_canonical(&a, 1, &sb);
		hmac_sha256_hex(key, 32, sb.buf, sb.len, hex);
		sb_release(&sb);
		for (i = 0, bit = 0; c1[i]; i++) {
			int v, k;

			if (c1[i] == '-')
				continue;
			v = crock(c1[i]);
			for (k = 4; k >= 0; k--, bit++) {
				int h = hex[bit / 4] <= '9' ? hex[bit / 4] - '0' :
				    hex[bit / 4] - 'a' + 10;

				if (((v >> k) & 1) != ((h >> (3 - bit % 4)) & 1))
					bad = 1;
			}
		}
		ok(!bad && bit == 100, "it is HMAC-SHA-256 cut to 100 bits");
		ok(slip_compute_code(&s, &a, c2, &e) == 0 && strcmp(c1, c2) == 0,
		    "the same slip gets the same code");
		/* slips issued before keep verifying: the canonical form,
		 * its code, the JSON and the record of this fixed slip are
		 * pinned (computed before slip.c became table-driven) */
		is_str(c1, PINNED_CODE, "the pinned code of the fixed slip");
		pin_sha(canon(&a, 1), PINNED_CANON_FULL,
		    "the canonical form is byte for byte as before");
		pin_sha(canon(&a, 0), PINNED_CANON_FIGURES,
		    "the figures form is byte for byte as before");
		json(&a, &j, &len);
		pin_sha(j, PINNED_JSON, "the JSON is byte for byte as before");
		ok(slip_record_save(&s, &a, &e) == 0, "the record is saved: %s",
		    e.msg);
		ok(read_file_at(s.rootfd, "slips/20250601-74X1VX7MF5."
		    "DHKFW2B700CWH8JMH18W.yaml", 1 << 20, &j, &len, &e) == 0,
		    "and read back");
		pin_sha(j, PINNED_RECORD, "the record is byte for byte as "
		    "before");
		unlinkat(s.rootfd, "slips/20250601-74X1VX7MF5."
		    "DHKFW2B700CWH8JMH18W.yaml", 0);
		unlinkat(s.rootfd, "slips", AT_REMOVEDIR);
		a.years[0].met = 0;
		ok(slip_compute_code(&s, &a, c2, &e) == 0 && strcmp(c1, c2) != 0,
		    "a changed mark changes the code");
		a.years[0].met = 1;
		fd = openat(s.rootfd, "secret", O_WRONLY | O_TRUNC);
		ok(write(fd, k2, 65) == 65, "another secret");
		close(fd);
		ok(slip_compute_code(&s, &a, c2, &e) == 0 && strcmp(c1, c2) != 0,
		    "another secret gives another code");
		fd = openat(s.rootfd, "secret", O_WRONLY | O_TRUNC);
		ok(write(fd, "xyz\n", 4) == 4, "a broken secret");
		close(fd);
		ok(slip_compute_code(&s, &a, c2, &e) < 0 && e.code == CEH_ESYS,
		    "is refused, class 5");
		unlinkat(s.rootfd, "secret", 0);
		close(s.rootfd);
		rmdir(dir);
	}
	check_signed(&a);
	slip_release(&a);
	return done_testing();
}
