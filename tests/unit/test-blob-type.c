/*
 * test-blob-type.c: the blob suite's types, as libmagic reads them from
 * the bytes alone (an upload has no file name to go by): files built
 * here by hand the way their formats lay them out (a PDF, a PNG with
 * its CRCs, an OpenDocument text as a ZIP of stored members with
 * "mimetype" first), text in several scripts, CSV, and what must be
 * refused: an ELF taken from the system, a shell script, nothing at
 * all. The store and its fixture are test-blob.c's.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "test-blob.h"

/* ---- files built by hand -------------------------------------------- */

/* CRC-32 as PNG and ZIP use it (reflected 0xEDB88320). */
static uint32_t
test_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t	*p = data;
	int		 k;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320U : crc >> 1;
	}
	return ~crc;
}

struct test_buf {
	uint8_t	p[4096];
	size_t	len;
};

static void
test_put(struct test_buf *b, const void *data, size_t len)
{
	cr_assert_leq(b->len + len, sizeof b->p);
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void
test_le(struct test_buf *b, uint32_t v, int bytes)
{
	uint8_t	c[4];
	int	i;

	for (i = 0; i < bytes; i++)
		c[i] = (uint8_t)(v >> (8 * i));
	test_put(b, c, (size_t)bytes);
}

static void
test_be32(struct test_buf *b, uint32_t v)
{
	uint8_t	c[4] = { v >> 24, v >> 16, v >> 8, v };

	test_put(b, c, 4);
}

/* A PNG chunk: length, type, data, CRC of type and data. */
static void
test_png_chunk(struct test_buf *b, const char *type, const void *data,
    uint32_t len)
{
	uint32_t	crc;

	test_be32(b, len);
	test_put(b, type, 4);
	test_put(b, data, len);
	crc = test_crc32(test_crc32(0, type, 4), data, len);
	test_be32(b, crc);
}

/* The signature, a 1x1 RGB IHDR and IEND: what libmagic looks at. */
static void
test_png(struct test_buf *b)
{
	static const uint8_t	sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
				    0x1a, '\n' };
	static const uint8_t	ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 2,
				    0, 0, 0 };

	memset(b, 0, sizeof *b);
	test_put(b, sig, sizeof sig);
	test_png_chunk(b, "IHDR", ihdr, sizeof ihdr);
	test_png_chunk(b, "IEND", "", 0);
}

struct test_zip_entry {
	const char	*name;
	const char	*data;
};

/* A ZIP of stored (uncompressed) members, as an ODF package is made:
 * local headers and data, the central directory, its end record. */
static void
test_zip(struct test_buf *b, const struct test_zip_entry *e, size_t n)
{
	uint32_t	crc[8], at[8], cd;
	size_t		i, nl, dl;

	cr_assert_leq(n, NITEMS(crc));
	memset(b, 0, sizeof *b);
	for (i = 0; i < n; i++) {
		nl = strlen(e[i].name);
		dl = strlen(e[i].data);
		crc[i] = test_crc32(0, e[i].data, dl);
		at[i] = (uint32_t)b->len;
		test_le(b, 0x04034b50, 4);	/* local file header */
		test_le(b, 10, 2);		/* version needed: 1.0 */
		test_le(b, 0, 2);		/* flags */
		test_le(b, 0, 2);		/* method: stored */
		test_le(b, 0, 2);		/* time */
		test_le(b, 0x21, 2);		/* date: 1980-01-01 */
		test_le(b, crc[i], 4);
		test_le(b, (uint32_t)dl, 4);	/* compressed size */
		test_le(b, (uint32_t)dl, 4);	/* size */
		test_le(b, (uint32_t)nl, 2);
		test_le(b, 0, 2);		/* no extra field */
		test_put(b, e[i].name, nl);
		test_put(b, e[i].data, dl);
	}
	cd = (uint32_t)b->len;
	for (i = 0; i < n; i++) {
		nl = strlen(e[i].name);
		dl = strlen(e[i].data);
		test_le(b, 0x02014b50, 4);	/* central directory header */
		test_le(b, 20, 2);		/* made by: 2.0 */
		test_le(b, 10, 2);
		test_le(b, 0, 2);
		test_le(b, 0, 2);
		test_le(b, 0, 2);
		test_le(b, 0x21, 2);
		test_le(b, crc[i], 4);
		test_le(b, (uint32_t)dl, 4);
		test_le(b, (uint32_t)dl, 4);
		test_le(b, (uint32_t)nl, 2);
		test_le(b, 0, 2);		/* extra */
		test_le(b, 0, 2);		/* comment */
		test_le(b, 0, 2);		/* disk */
		test_le(b, 0, 2);		/* internal attributes */
		test_le(b, 0, 4);		/* external attributes */
		test_le(b, at[i], 4);
		test_put(b, e[i].name, nl);
	}
	test_le(b, 0x06054b50, 4);		/* end of central directory */
	test_le(b, 0, 2);
	test_le(b, 0, 2);
	test_le(b, (uint32_t)n, 2);
	test_le(b, (uint32_t)n, 2);
	test_le(b, (uint32_t)b->len - cd, 4);
	test_le(b, cd, 4);
	test_le(b, 0, 2);
}

static void
test_odt(struct test_buf *b)
{
	static const struct test_zip_entry	e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text" },
		{ "content.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<office:document-content xmlns:office=\"urn:oasis:names:"
		    "tc:opendocument:xmlns:office:1.0\" office:version=\"1.2\">"
		    "<office:body><office:text/></office:body>"
		    "</office:document-content>\n" },
		{ "META-INF/manifest.xml", "<?xml version=\"1.0\" encoding="
		    "\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:"
		    "names:tc:opendocument:xmlns:manifest:1.0\"/>\n" },
	};

	test_zip(b, e, NITEMS(e));
}

/* ---- types, by content ---------------------------------------------- */

static const struct {
	const char	*mime;
	int		 allowed;
} type_cases[] = {
	{ "application/pdf", 1 },
	{ "text/plain", 1 },
	{ "text/csv", 1 },
	{ "image/png", 1 },
	{ "image/jpeg", 1 },
	{ "image/gif", 1 },
	{ "image/webp", 1 },
	{ "application/msword", 1 },
	{ "application/vnd.ms-excel", 1 },
	{ "application/vnd.ms-powerpoint", 1 },
	{ "application/vnd.ms-office", 1 },
	{ "application/vnd.oasis.opendocument.text", 1 },
	{ "application/vnd.oasis.opendocument.spreadsheet", 1 },
	{ "application/vnd.oasis.opendocument.presentation", 1 },
	{ "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document", 1 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	  1 },
	{ "application/vnd.openxmlformats-officedocument."
	  "presentationml.presentation", 1 },
	{ "application/vnd.oasis.opendocument", 0 },	/* no member */
	{ "application/vnd.ms-excel.sheet.macroEnabled.12", 0 },
	{ "application/x-executable", 0 },
	{ "application/x-pie-executable", 0 },
	{ "application/x-sharedlib", 0 },
	{ "text/x-shellscript", 0 },
	{ "text/html", 0 },
	{ "image/svg+xml", 0 },		/* may carry script */
	{ "application/zip", 0 },
	{ "application/octet-stream", 0 },
	{ "application/x-empty", 0 },
	{ "text/plain; charset=utf-8", 0 },	/* only bare types come */
	{ "TEXT/PLAIN", 0 },
	{ "", 0 },
};

Test(blob, type_table)
{
	size_t	i;

	for (i = 0; i < NITEMS(type_cases); i++)
		cr_expect_eq(blob_type_allowed(type_cases[i].mime),
		    type_cases[i].allowed, "%s", type_cases[i].mime);
	cr_expect_eq(blob_type_allowed(NULL), 0);
}

Test(blob, pdf_allowed)
{
	static const char	pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog "
	    ">>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
	char			type[BLOB_TYPE_MAX];

	cr_expect_eq(test_blob_upload_typed(pdf, sizeof pdf - 1, type), BLOB_OK);
	cr_expect_str_eq(type, "application/pdf");
}

Test(blob, png_allowed)
{
	struct test_buf	b;
	char		type[BLOB_TYPE_MAX];

	test_png(&b);
	cr_expect_eq(test_blob_upload_typed(b.p, b.len, type), BLOB_OK);
	cr_expect_str_eq(type, "image/png");
}

Test(blob, utf8_text_allowed)
{
	static const char	text[] = "Grüße aus dem Hafen — привіт, "
	    "مرحبا, 你好 🌊\nA second line.\n";
	char			type[BLOB_TYPE_MAX];

	cr_expect_eq(test_blob_upload_typed(text, sizeof text - 1, type), BLOB_OK);
	cr_expect_str_eq(type, "text/plain");
}

Test(blob, csv_allowed)
{
	static const char	csv[] = "name,room,hours\nAda,12,9-17\n"
	    "Grace,4,8-16\nLin,7,10-18\n";
	char			type[BLOB_TYPE_MAX];

	cr_expect_eq(test_blob_upload_typed(csv, sizeof csv - 1, type), BLOB_OK);
	cr_expect_str_eq(type, "text/csv");
}

Test(blob, opendocument_text_allowed)
{
	struct test_buf	b;
	char		type[BLOB_TYPE_MAX];

	test_odt(&b);
	cr_expect_eq(test_blob_upload_typed(b.p, b.len, type), BLOB_OK);
	cr_expect_str_eq(type, "application/vnd.oasis.opendocument.text");
}

Test(blob, executable_refused)
{
	uint8_t	*elf;
	size_t	 len;
	char	 type[BLOB_TYPE_MAX];

	elf = test_blob_read_file("/bin/true", &len);
	cr_expect_eq(test_blob_upload_typed(elf, len, type), BLOB_BAD_TYPE);
	cr_expect(strcmp(type, "application/x-executable") == 0 ||
	    strcmp(type, "application/x-pie-executable") == 0 ||
	    strcmp(type, "application/x-sharedlib") == 0, "%s", type);
	free(elf);
}

Test(blob, shell_script_refused)
{
	static const char	sh[] = "#!/bin/sh\necho 'this is only text'\n";
	char			type[BLOB_TYPE_MAX];

	cr_expect_eq(test_blob_upload_typed(sh, sizeof sh - 1, type),
	    BLOB_BAD_TYPE);
	cr_expect_str_eq(type, "text/x-shellscript");
}

Test(blob, empty_refused)
{
	char	type[BLOB_TYPE_MAX];

	cr_expect_eq(test_blob_upload_typed("", 0, type), BLOB_BAD_TYPE);
	cr_expect_str_eq(type, "application/x-empty");
}
