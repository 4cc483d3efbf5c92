/*
 * lang.h: language codes of ISO 639, for the directory's "which
 * languages an organisation works in", read from Debian's iso-codes
 * (its JSON of ISO 639-3, which also names each language's two-letter
 * ISO 639-1 code where there is one).
 */
#ifndef HARBOUR_LANG_H
#define HARBOUR_LANG_H

#define LANG_FILE	"/usr/share/iso-codes/json/iso_639-3.json"
#define LANG_CODE_MAX	3	/* bytes of a code: "uk", "ukr" */

/* Read the table (path NULL: LANG_FILE, or $HARBOUR_ISO639_FILE); 0, or
 * -1 with a malloc'd *cause. Once, at start. */
int		 lang_load(const char *path, char **cause);
void		 lang_free(void);
/* The language's English name for a two- or three-letter code, or NULL
 * when the code is none of ISO 639's. */
const char	*lang_name(const char *code);
/* One spelling per language: its two-letter code where it has one
 * ("ukr" is "uk"), else its three-letter one; NULL as lang_name. */
const char	*lang_canon(const char *code);

#endif
