/* ceh withdraw - take a submitted application back to a draft (撤销). */
#include "cmd.h"
#include "workflow.h"

static const char usage[] = "usage: ceh withdraw [--key FILE] APP...|-\n";

CMD_FN(withdraw)
{
	return cmd_transitions(argc, argv, s, usage, WF_WITHDRAW);
}
