/*
 * lang.c: ISO 639 language codes from iso-codes' JSON (lang.h), kept as
 * one sorted array of code and name, looked up by binary search: a few
 * thousand entries, read once at start with jansson, never written.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lang.h"
#include "util.h"

struct lang {
	char	 code[LANG_CODE_MAX + 1];
	char	 canon[LANG_CODE_MAX + 1];	/* the 639-1 code, else 639-3 */
	char	*name;
};

static struct lang	*lang_table;
static size_t		 lang_count;

static int
lang_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lang *)a)->code,
	    ((const struct lang *)b)->code);
}

static void
lang_add(const char *code, const char *canon, const char *name, size_t *cap)
{
	struct lang *l;

	if (code == NULL || name == NULL || strlen(code) > LANG_CODE_MAX)
		return;
	if (lang_count == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		lang_table = xrealloc(lang_table, *cap * sizeof *lang_table);
	}
	l = &lang_table[lang_count++];
	strlcpy_h(l->code, code, sizeof l->code);
	strlcpy_h(l->canon, canon, sizeof l->canon);
	l->name = xstrdup(name);
}

int
lang_load(const char *path, char **cause)
{
	json_error_t err;
	json_t *root, *list, *e;
	size_t i, cap = 0;

	if (path == NULL && (path = getenv("HARBOUR_ISO639_FILE")) == NULL)
		path = LANG_FILE;
	lang_free();
	if ((root = json_load_file(path, 0, &err)) == NULL) {
		xasprintf(cause, "%s: %s (the iso-codes package has it)", path,
		    err.text);
		return -1;
	}
	list = json_object_get(root, "639-3");
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
		const char *a2 = json_string_value(json_object_get(e, "alpha_2"));

		if (a3 == NULL || strlen(a3) > LANG_CODE_MAX ||
		    (a2 != NULL && strlen(a2) > LANG_CODE_MAX))
			continue;
		lang_add(a3, a2 != NULL ? a2 : a3, name, &cap);
		lang_add(a2, a2, name, &cap);
	}
	json_decref(root);
	if (lang_count == 0) {
		xasprintf(cause, "%s: no ISO 639-3 languages in it", path);
		return -1;
	}
	qsort(lang_table, lang_count, sizeof *lang_table, lang_cmp);
	return 0;
}

void
lang_free(void)
{
	size_t i;

	for (i = 0; i < lang_count; i++)
		free(lang_table[i].name);
	free(lang_table);
	lang_table = NULL;
	lang_count = 0;
}

static const struct lang *
lang_find(const char *code)
{
	struct lang key;

	if (lang_count == 0 || code == NULL || strlen(code) < 2 ||
	    strlen(code) > LANG_CODE_MAX)
		return NULL;
	strlcpy_h(key.code, code, sizeof key.code);
	return bsearch(&key, lang_table, lang_count, sizeof *lang_table,
	    lang_cmp);
}

const char *
lang_name(const char *code)
{
	const struct lang *l = lang_find(code);

	return l != NULL ? l->name : NULL;
}

const char *
lang_canon(const char *code)
{
	const struct lang *l = lang_find(code);

	return l != NULL ? l->canon : NULL;
}
