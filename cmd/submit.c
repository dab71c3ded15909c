/* ceh submit - send a draft to its employer for review (提交). */
#include "cmd.h"
#include "workflow.h"

static const char usage[] = "usage: ceh submit [--key FILE] APP...|-\n";

CMD_FN(submit)
{
	return cmd_transitions(argc, argv, s, usage, WF_SUBMIT);
}
