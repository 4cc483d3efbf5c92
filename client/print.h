/*
 * print.h: the client's output, as human text or JSON lines.
 */
#ifndef HARBOUR_PRINT_H
#define HARBOUR_PRINT_H

#include <jansson.h>

struct client;

void	print_json(json_t *);			/* one compact line */
void	print_safe(const char *);		/* controls replaced */
void	print_indented(const char *indent, const char *text);
void	print_ts(json_t *, char *buf);		/* PROTO_TS_LEN bytes */
void	print_post(json_t *ev);
/* Bodies behind a content note: folded unless show; hint (when not
 * NULL) is what the fold says to do instead ("--show-noted to read"),
 * a printf format that may use the post's id once as %lld. */
void	print_set_noted(int show, const char *hint);
int	print_noted_shown(void);
void	print_report(json_t *report);		/* a report object */
int	print_is_post(json_t *ev);
void	print_event(struct client *, json_t *ev);
int	print_done(void);			/* flush; exit status */

#endif
