/*
 * test-lang.c: ISO 639 codes from iso-codes (daemon/lang.c), which the
 * directory checks an organisation's languages against.
 */
#include <criterion/criterion.h>

#include "lang.h"

Test(lang, codes)
{
	char *cause = NULL;

	cr_assert_eq(lang_load(NULL, &cause), 0, "%s", cause);
	cr_expect_str_eq(lang_name("uk"), "Ukrainian");
	cr_expect_str_eq(lang_name("ukr"), "Ukrainian");
	cr_expect_str_eq(lang_name("zh"), "Chinese");
	cr_expect_str_eq(lang_name("ar"), "Arabic");
	cr_expect_str_eq(lang_name("prs"), "Dari");
	cr_expect_str_eq(lang_canon("ukr"), "uk");
	cr_expect_str_eq(lang_canon("uk"), "uk");
	cr_expect_str_eq(lang_canon("prs"), "prs");
	cr_expect_null(lang_canon("xx"));
	cr_expect_null(lang_name("xx"));
	cr_expect_null(lang_name("UK"));
	cr_expect_null(lang_name("u"));
	cr_expect_null(lang_name("ukra"));
	cr_expect_null(lang_name(""));
	cr_expect_null(lang_name(NULL));
	lang_free();
	cr_expect_null(lang_name("uk"));
	cr_expect_eq(lang_load("/nonexistent/iso.json", &cause), -1);
	cr_expect(strstr(cause, "iso-codes") != NULL);
	free(cause);
}
