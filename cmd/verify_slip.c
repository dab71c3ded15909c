/* ceh verify-slip - was a slip issued by this store, and does it hold? */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cmd.h"
#include "slip.h"

static const char usage[] =
    "usage: ceh verify-slip CODE\n"
    "       ceh verify-slip --file SLIP.json\n";

CMD_FN(verify_slip)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		CMD_OPT_END
	};
	const char *file = NULL;
	char code[SLIP_CODE_LEN + 1];
	struct sbuf why = SBUF_INIT;
	enum slip_verdict v;
	struct slip sl;
	struct ceh_err e;
	char *buf = NULL;
	size_t len;
	int ch, rc;

	slip_init(&sl);
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'h': return cmd_help(usage);
		case 'f': file = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (file && optind != argc)
		return cmd_usage_error(argv[0], usage, "give a code or --file, "
		    "not both");
	if (!file && optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, "give one verification "
		    "code");
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (file) {
		if (read_file_at(AT_FDCWD, file, 1 << 20, &buf, &len, &e) < 0) {
			ceh_err_prefix(&e, "cannot read '%s'", file);
			goto fail;
		}
		if (slip_parse(buf, len, file, &sl, &e) < 0) {
			ceh_err_prefix(&e, "not a slip");
			goto fail;
		}
	} else {
		if (slip_code_normalise(argv[optind], code) < 0) {
			ceh_fail(&e, CEH_EINPUT, "'%.40s' is not a verification "
			    "code (20 letters and digits, e.g. "
			    "7K3M-9Q2X-A7BD-0PWE-H5TN)", argv[optind]);
			goto fail;
		}
		if (slip_record_find(s, code, NULL, &sl, &e) < 0) {
			if (e.code != CEH_ENOTFOUND)
				goto fail;
			printf("unknown: %s\n", e.msg);
			rc = slip_verdict_exit(SLIP_UNKNOWN);
			goto out;
		}
	}
	if (slip_verify(s, &sl, file != NULL, &v, &why, &e) < 0)
		goto fail;
	printf("%s: %s\n", slip_verdict_name(v), sb_str(&why));
	if (v == SLIP_VALID || v == SLIP_CHANGED)
		printf("slip %s for %s (%s), %d-%d: %ld of %zu years met, "
		    "%s hours in all\n", sl.number, sl.name, sl.id_number,
		    sl.from, sl.to, sl.years_met, sl.nyears,
		    hours_fmt(sl.total_half, code, sizeof(code)));
	rc = slip_verdict_exit(v);
out:
	free(buf);
	sb_release(&why);
	slip_release(&sl);
	return rc;
fail:
	free(buf);
	sb_release(&why);
	slip_release(&sl);
	return cmd_error(argv[0], &e);
}
