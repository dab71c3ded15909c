/* ceh init - create a new store. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static const char usage[] =
    "usage: ceh [--store DIR] init [--signed | --unsigned]\n";

CMD_FN(init)
{
	static const struct option opts[] = {
		{ "signed", no_argument, NULL, 'S' },
		{ "unsigned", no_argument, NULL, 'u' },
		CMD_OPT_END
	};
	struct ceh_err e;
	char *path, *data;
	/* secure by default (ceh-trust(7)): signed unless --unsigned */
	int ch, rc, unsigned_store = 0;

	(void)s;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'u' || ch == 'S') {
			unsigned_store = ch == 'u';
			continue;
		}
		return cmd_opt_other(argv, usage, ch);
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	path = ceh_store_path ? xstrdup(ceh_store_path) : store_default_path();
	data = store_data_dir();
	rc = store_init(path, data, unsigned_store, &e);
	if (rc == 0)
		printf("%s\n", path);
	free(path);
	free(data);
	return rc < 0 ? cmd_error(argv[0], &e) : 0;
}
