/*
 * blob.h: the attachments of resources, kept on disk beside the
 * database, one file per distinct content, named by its SHA-256.
 *
 * An upload arrives in chunks of at most BLOB_CHUNK_MAX bytes and is
 * appended to a partial file of its own (one per account and hash, in
 * <dir>/partial, never served). The partial's size is the whole state
 * of an upload: a client that lost its connection, or a daemon that
 * restarted, resumes at that offset. blob_finish() then checks the
 * content against its name and its type (sniffed from the bytes, never
 * from a file name), makes it durable and renames it to
 * <dir>/<first 2 hex>/<64 hex>, where readers find it. Nothing a reader
 * can see is ever half written.
 *
 * No SQL and no libevent here: the store records which resource holds
 * which hash, and calls this module.
 *
 * Threads: blob_partial(), blob_append(), blob_exists() and blob_read()
 * are for the event loop (one bounded write or read each, no fsync).
 * blob_finish() reads a whole file and fsyncs, and so runs on the
 * store's writer thread; it alone uses the store's libmagic handle,
 * which is not thread-safe, so it must be called from one thread at a
 * time. blob_verify(), blob_copy() and blob_gc_partials() read whole
 * files or directories, for the operator's commands and start-up; they
 * share nothing but the directories' descriptors and may run on any
 * thread. The chunks of one upload come from one thread (the loop), in
 * order, and blob_finish() only after the last has been appended.
 */
#ifndef HARBOUR_BLOB_H
#define HARBOUR_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A chunk: one bounded write on the loop per protocol message. */
#define BLOB_CHUNK_MAX		32768
#define BLOB_HASH_LEN		32	/* SHA-256 */
#define BLOB_HEX_LEN		64
#define BLOB_TYPE_MAX		128	/* a MIME type, with its NUL */
/* The default of max_attachment: a long report or a few photos. */
#define BLOB_SIZE_DEFAULT	(20 * 1024 * 1024)

/* Results. */
#define BLOB_OK			0
#define BLOB_NOTFOUND		1	/* no such partial or file */
#define BLOB_BAD_OFFSET		2	/* chunk not at the partial's end */
#define BLOB_TOO_LARGE		3	/* past the declared size or the limit */
#define BLOB_BAD_HASH		4	/* content is not its name's (discarded) */
#define BLOB_BAD_TYPE		5	/* type not allowed (discarded) */
#define BLOB_SHORT		6	/* finish before all bytes arrived */
#define BLOB_ERROR		(-1)	/* I/O; the cause logged or returned */

struct blob_store;

/* "<db_path>.attachments", malloc'd. */
char		*blob_dir_for(const char *db_path);
/* Open the store in dir, creating it and dir/partial (0700) as needed,
 * and load libmagic's database. Uploads larger than max_size bytes are
 * refused (max_attachment). NULL on failure with a malloc'd *cause. */
struct blob_store *blob_open(const char *dir, int64_t max_size, char **cause);
void		 blob_close(struct blob_store *);

/* 64 lowercase hex digits and a NUL into out. */
void		 blob_hex(const uint8_t *sha, char *out);
/* 0, or -1 unless hex is exactly 64 lowercase hex digits. */
int		 blob_unhex(const char *hex, uint8_t *sha);
/* 1 when Harbour accepts a MIME type as libmagic names it. */
int		 blob_type_allowed(const char *mime);
/* A stored file's type, sniffed again (blob_finish's thread): BLOB_OK,
 * BLOB_BAD_TYPE, BLOB_NOTFOUND or BLOB_ERROR. */
int		 blob_type(struct blob_store *, const uint8_t *sha, char *type,
		    size_t typelen);
/* The size limit, once the configuration is read (max_attachment). */
void		 blob_set_max(struct blob_store *, int64_t max);

/* ---- uploads ------------------------------------------------------ */

/* The size of account's partial upload of sha (its resume offset),
 * creating it empty when absent and create is set; -1 when absent and
 * not create, or on error. */
int64_t		 blob_partial(struct blob_store *, int64_t account,
		    const uint8_t *sha, int create);
/*
 * Append len bytes at off to the partial, whose upload is total bytes
 * long. off must be the partial's size (else BLOB_BAD_OFFSET);
 * len <= BLOB_CHUNK_MAX, off + len <= total and total <= max_size (else
 * BLOB_TOO_LARGE). The partial is left as it was on any refusal. No
 * fsync: after a crash the size tells where to resume, and the hash at
 * the end catches anything the disk lost. *size gets the partial's size
 * afterwards (also on a refusal, when known).
 */
int		 blob_append(struct blob_store *, int64_t account,
		    const uint8_t *sha, int64_t off, const void *data,
		    size_t len, int64_t total, int64_t *size);
/* Remove a partial upload: BLOB_OK, BLOB_NOTFOUND, BLOB_ERROR. */
int		 blob_discard(struct blob_store *, int64_t account,
		    const uint8_t *sha);
/*
 * Complete an upload whose partial holds total bytes: BLOB_SHORT (kept,
 * to resume) when it holds fewer; BLOB_TOO_LARGE when it holds more or
 * total passes max_size; otherwise its SHA-256 must be sha (else
 * BLOB_BAD_HASH) and its type allowed (else BLOB_BAD_TYPE; type says
 * which). Each refusal but BLOB_SHORT discards the partial. On BLOB_OK
 * the file is durable at its final path: fsync'd, renamed, the
 * directories fsync'd; content stored already is kept once (the
 * partial is removed). type gets the MIME type found on BLOB_OK and
 * BLOB_BAD_TYPE, "" otherwise. On the writer thread.
 */
int		 blob_finish(struct blob_store *, int64_t account,
		    const uint8_t *sha, int64_t total, char *type,
		    size_t typelen);
/* Partials not modified for older_than seconds before now are removed
 * (at start-up: abandoned uploads do not fill the disk); how many, or
 * -1 on error. */
int		 blob_gc_partials(struct blob_store *, int64_t older_than,
		    int64_t now);

/* ---- stored files ------------------------------------------------- */

/* 1 with *size when the file of sha is stored, 0 when not, -1 on error. */
/* Remove the stored file with this hash (on the loop, after the commit
 * that dropped its row): BLOB_OK, also when there was none. */
int		 blob_remove(struct blob_store *, const uint8_t *sha);
int		 blob_exists(struct blob_store *, const uint8_t *sha,
		    int64_t *size);
/* Up to len bytes at off of the file of sha: bytes read, 0 at its end,
 * -1 on error (errno ENOENT: not stored). */
ssize_t		 blob_read(struct blob_store *, const uint8_t *sha, int64_t off,
		    void *buf, size_t len);
/* For harbourd check: BLOB_OK when the file of sha is stored with size
 * bytes and content whose SHA-256 is sha; BLOB_NOTFOUND when missing;
 * BLOB_BAD_HASH when damaged (another size or other content). */
int		 blob_verify(struct blob_store *, const uint8_t *sha,
		    int64_t size);
/* For harbourd backup: copy the file of sha into the same layout under
 * destdir (created as needed, its parent must exist), fsync'd, checking
 * its hash on the way. BLOB_OK, or BLOB_NOTFOUND, BLOB_BAD_HASH (damaged:
 * nothing copied) or BLOB_ERROR, each with a malloc'd *cause. */
int		 blob_copy(struct blob_store *, const uint8_t *sha,
		    const char *destdir, char **cause);

#endif
