/*
 * cmd-report.c: reports and safeguarding: report (any member, of a
 * post they may read), mod.reports, mod.ack, mod.resolve, org.lead, and
 * the alerts that carry an urgent report to those who must hear of it.
 */
#include "cmd.h"

const struct cmd_entry cmd_report_entries[] = {
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
