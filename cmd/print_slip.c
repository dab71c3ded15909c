/* placeholder: replaced by the issue that brings this command */
#include <stdio.h>

#include "cmd.h"

CMD_FN(print_slip)
{
	(void)argc;
	(void)s;
	fprintf(stderr, "ceh %s: not implemented yet\n", argv[0]);
	return CEH_ESYS;
}
