/*
 * 23-resources.h: what the two files of the resources suite share
 * (23-resources.c defines it): files made to measure, their SHA-256,
 * an upload in PROTO_CHUNK_MAX chunks of base64 as a client sends it,
 * a download put back together from resource.get, and a look at the
 * attachments directory beside the daemon's database.
 *
 * As in harness.h, helpers assert on what must not go wrong, and what
 * they return lives until the test process ends (the arena).
 */
#ifndef HARBOUR_E2E_RESOURCES_H
#define HARBOUR_E2E_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

#define RES_PDF_TYPE	"application/pdf"
/* Two whole chunks and part of a third: about 80 KiB. */
#define RES_PDF_LEN	(80 * 1024 + 123)

/* A PDF of exactly len bytes ("%PDF-1.4", comment lines, one object,
 * a trailer), different for each seed, so tests choose whether two
 * uploads share their content. */
const unsigned char *res_pdf(size_t len, int seed);
/* A copy of len bytes in the arena (any bytes, NULs too). */
const unsigned char *res_keep(const void *, size_t len);
/* Padded base64, as chunks travel. */
const char	*res_b64(const void *, size_t len);
/* SHA-256 as 64 lowercase hex digits. */
const char	*res_sha(const void *, size_t len);

/* One resource.chunk of bytes at off; the whole reply. */
json_t		*res_chunk(struct hx_conn *, const char *hex, int64_t off,
		    const void *, size_t len);
/* The chunks of bytes[from, to), asserting each answers the new
 * offset until the last, whose whole reply is returned (the first
 * error ends it early and is returned). */
json_t		*res_send(struct hx_conn *, const char *hex,
		    const unsigned char *, size_t from, size_t to);
/* resource.upload {hex, len}, then every byte from the offset it
 * answers: the last chunk's whole reply. hex need not be the bytes'. */
json_t		*res_upload_as(struct hx_conn *, const char *hex,
		    const unsigned char *, size_t len);
/* The same, named by the bytes' own SHA-256. */
json_t		*res_upload(struct hx_conn *, const unsigned char *, size_t);
/* An upload that must complete as type: returns its hex. */
const char	*res_uploaded(struct hx_conn *, const unsigned char *, size_t,
		    const char *type);
/* resource.post of a file with one tag: the resource's id. */
int64_t		 res_share(struct hx_conn *, const char *hex, const char *title,
		    const char *tag);
/* resource.get from offset from until eof, checking each piece (its
 * offset, size, sha256 and eof): the bytes, *len of them. */
const unsigned char *res_fetch(struct hx_conn *, int64_t id, size_t from,
		    size_t *len);
/* Fail unless resource id fetches as exactly these bytes. */
void		 res_assert_fetch(struct hx_conn *, int64_t id,
		    const unsigned char *, size_t len);

/* resource.list with these fields (NULL: none): its resources. */
json_t		*res_list(struct hx_conn *, const char *tag, const char *org);
/* Is id among the resources (of a list, or of search results)? */
int		 res_has(json_t *list, int64_t id);
/* The hits of search {text, resources: true}. */
json_t		*res_search(struct hx_conn *, const char *text);

/* <db>.attachments of the daemon. */
const char	*res_dir(struct hx_daemon *);
/* Files stored under it (partial/ aside), and those in partial/. */
int		 res_stored(struct hx_daemon *);
int		 res_partials(struct hx_daemon *);
/* The stored file of a hex: <dir>/<2 hex>/<64 hex>. */
const char	*res_file(struct hx_daemon *, const char *hex);

/* Does the whole reply's error message contain needle? */
int		 res_msg_has(json_t *reply, const char *needle);

#endif
