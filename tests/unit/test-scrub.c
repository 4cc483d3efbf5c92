/*
 * test-scrub.c: scrub_text (daemon/scrub.c), the names taken out of a
 * story's text for the anonymised export. A name left in is a person
 * found, so the edges are spelt out: mentions and bare words, case,
 * words that only contain a name, the end of a sentence, display names
 * of two words, the author kept when named, their organisation.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "scrub.h"

static char *names[] = { "amira", "ben", "amira.k", "Cara Jones", "cara",
    "o-koval" };
#define NNAMES	(sizeof names / sizeof names[0])

static void
expect(const char *text, const char *skip, const char *org,
    const char *want)
{
	char *got;

	scrub_sort(names, NNAMES);
	got = scrub_text(text, (const char *const *)names, NNAMES, skip,
	    org);
	cr_expect_str_eq(got, want, "\"%s\"", text);
	free(got);
}

Test(scrub, mentions_and_bare_names)
{
	expect("@amira and ben", NULL, NULL,
	    "[name removed] and [name removed]");
	expect("Thanks, Amira! BEN?", NULL, NULL,
	    "Thanks, [name removed]! [name removed]?");
	expect("amira", NULL, NULL, "[name removed]");
	expect("(@o-koval)", NULL, NULL, "([name removed])");
	expect("", NULL, NULL, "");
}

Test(scrub, whole_words_only)
{
	expect("benefits ramira amira-k bens", NULL, NULL,
	    "benefits ramira amira-k bens");
	expect("Amira's flat", NULL, NULL, "[name removed]'s flat");
	expect("café ben ben\xc3\xa9", NULL, NULL,
	    "café [name removed] ben\xc3\xa9");
	/* A full stop ends a name; a name with a dot is its own. */
	expect("thanks amira. and amira.k", NULL, NULL,
	    "thanks [name removed]. and [name removed]");
	/* An address: the name before '@' is a word of its own. */
	expect("ben@example.org", NULL, NULL, "[name removed]@example.org");
}

Test(scrub, longest_first)
{
	expect("Cara Jones came; cara too", NULL, NULL,
	    "[name removed] came; [name removed] too");
}

Test(scrub, named_author_kept_and_organisation)
{
	expect("I am amira, with ben", "amira", NULL,
	    "I am amira, with [name removed]");
	expect("at Refugee-Action and refugee-actions", NULL,
	    "refugee-action", "at [organisation removed] and "
	    "refugee-actions");
	expect("@refugee-action", NULL, "refugee-action",
	    "@[organisation removed]");
}
