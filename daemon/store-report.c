/*
 * store-report.c: reports and safeguarding leads, in the store: a
 * report of a post, its state (open, acknowledged, resolved), its
 * escalation, and the lead flag of an account. Each write logs itself
 * in the moderation log in its own transaction.
 */
#include "store-internal.h"
#include "util.h"

const char *const store_report_read_sql[PR__COUNT] = {
	[PR_NONE] = "SELECT 1",
};

const char *const store_report_write_sql[PQ__COUNT] = {
	[PQ_NONE] = "SELECT 1",
};

int
store_op_report(struct store *s, struct store_write *w)
{
	(void)s;
	log_error("store: write op %d is not built yet", (int)w->op);
	return STORE_ERROR;
}
