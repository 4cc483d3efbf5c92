/*
 * scrub.h: taking people's names out of a text, for an anonymised
 * export (scrub.c). Knows no store and no wire: a text in, a text out.
 */
#ifndef HARBOUR_SCRUB_H
#define HARBOUR_SCRUB_H

#include <stddef.h>

/* What a name becomes, and the author's organisation's; the protocol's
 * documents give these exact tokens. */
#define SCRUB_NAME_GONE		"[name removed]"
#define SCRUB_ORG_GONE		"[organisation removed]"

/* Sort names longest first, as scrub_text() wants them. */
void	 scrub_sort(char **names, size_t n);
/*
 * text (allocated anew) with every whole-word occurrence of each of
 * names[0..n) ("@amira" with its '@', or a bare "amira" or "Amira")
 * replaced by SCRUB_NAME_GONE, but skip's (NULL: none), and of org
 * (NULL: none) by SCRUB_ORG_GONE. names longest first (scrub_sort).
 */
char	*scrub_text(const char *text, const char *const *names, size_t n,
	    const char *skip, const char *org);

#endif
