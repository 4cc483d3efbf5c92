/*
 * print.h: the client's output, as human text or JSON lines.
 */
#ifndef HARBOUR_PRINT_H
#define HARBOUR_PRINT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <jansson.h>

struct client;

void	print_json(json_t *);			/* one compact line */
void	print_safe(const char *);		/* controls replaced */
void	print_safe_len(const char *, size_t);
void	print_safe_to(FILE *, const char *);	/* stderr, say */
void	print_indented(const char *indent, const char *text);
void	print_ts(json_t *, char *buf);		/* PROTO_TS_LEN bytes */
/* A time as the reader would say it ("12 min ago", "Tue 4 Mar 14:05"),
 * in their zone (TZ); at most 20 bytes. */
void	print_when(int64_t, char *buf, size_t len);
void	print_post(json_t *ev);
/* Bodies behind a content note: folded unless show; hint (when not
 * NULL) is what the fold says to do instead ("--show-noted to read"),
 * a printf format that may use the post's id once as %lld. */
void	print_set_noted(int show, const char *hint);
int	print_noted_shown(void);
void	print_report(json_t *report);		/* a report object */
int	print_is_post(json_t *ev);
int	print_posts_shown(void);	/* anything printed that wants a gap */
void	print_event(struct client *, json_t *ev);
int	print_done(void);			/* flush; exit status */

/* print-item.c: resources and inbox items. */
void	print_size(int64_t bytes, char *buf, size_t len);	/* "1.2 MiB" */
/* The usual extension of a file of this MIME type ("pdf"), or NULL. */
const char *print_type_ext(const char *type);
void	print_resource_line(json_t *resource);	/* two lines, for lists */
void	print_resource(json_t *resource);	/* every field */
void	print_item(json_t *item);		/* an inbox item, a line */

/* print-event.c: events, their times in the reader's zone. */
void	print_event_line(json_t *ev);		/* one, for lists */
void	print_event_full(json_t *ev);		/* every field */
void	print_event_attendees(json_t *result);	/* event.attendees */
void	print_event_item(const char *kind, json_t *item);	/* no newline */

#endif
