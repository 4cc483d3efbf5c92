/*
 * 33-programme.h: the programme report's generator (33-programme.c
 * defines it), shared with the CLI's tests: four charities (alder of
 * seven members, birch of three, cedar of one, damson of five) and the
 * facilitator fay's own (fulcrum), using peer/commons from January to
 * March 2025 on the daemon's test clock.
 */
#ifndef HARBOUR_E2E_PROGRAMME_H
#define HARBOUR_E2E_PROGRAMME_H

#include "harness.h"

/* 2025-03-28 09:00 UTC: after the generator's last month. */
#define PG_AFTER	(1743152400LL * 1000)

/* The network, with the test clock started on 2025-01-01. */
struct hx_daemon	*pg_network(void);
/* Its three months of use; the test's own counts are 33-programme.c's. */
void			 pg_generate(struct hx_daemon *);

#endif
