/*
 * programme-render.h: the client's layouts of the programme's report
 * (programme-render.c), from the document the server sends.
 */
#ifndef HARBOUR_CLIENT_PROGRAMME_RENDER_H
#define HARBOUR_CLIENT_PROGRAMME_RENDER_H

#include <stdio.h>

#include <jansson.h>

/* A figure as text ("12", "<5", "*") in buf. */
const char	*programme_value(json_t *, char *buf, size_t len);
void		 programme_html(FILE *, json_t *report);
void		 programme_md(FILE *, json_t *report);
void		 programme_csv(FILE *, json_t *report);

#endif
