/*
 * test-blob.c: the attachment store on real files in a fresh temporary
 * directory per test: uploads sent in chunks and read back byte for
 * byte, resumed after the store is closed and opened again, every
 * refusal of a chunk or of an upload and what each leaves on disk,
 * sharing of one content between accounts, and the functions harbourd
 * check, harbourd backup and start-up use. Types read from the bytes
 * are test-blob-type.c's, in the same suite, through the helpers
 * test-blob.h names.
 *
 * Everything is looked at underneath too, through the layout blob.h
 * documents: <dir>/<2 hex>/<64 hex> and <dir>/partial/<account>-<64 hex>.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "blob.h"
#include "test-blob.h"
#include "util.h"

#define T0		1700000000	/* "now" in the tests */
/* Five full chunks and a short one: every chunk boundary is crossed. */
#define TEST_LEN	(5 * BLOB_CHUNK_MAX + 1234)

static char	test_dir[64];
static char	*test_store;		/* <test_dir>/harbour.db.attachments */

static void
test_setup(void)
{
	char	db[PATH_MAX];

	log_init(LOG_LEVEL_WARN);
	strlcpy_h(test_dir, "/tmp/harbour-blob-XXXXXX", sizeof test_dir);
	cr_assert_not_null(mkdtemp(test_dir));
	snprintf(db, sizeof db, "%s/harbour.db", test_dir);
	test_store = blob_dir_for(db);
}

static int
test_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
test_teardown(void)
{
	nftw(test_dir, test_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(test_store);
}

TestSuite(blob, .init = test_setup, .fini = test_teardown);

/* ---- helpers -------------------------------------------------------- */

static struct blob_store *
test_open_max(int64_t max)
{
	struct blob_store	*bs;
	char			*cause = NULL;

	bs = blob_open(test_store, max, &cause);
	cr_assert_not_null(bs, "blob_open: %s", cause ? cause : "?");
	return bs;
}

static struct blob_store *
test_open(void)
{
	return test_open_max(BLOB_SIZE_DEFAULT);
}

static void
test_sha(const void *data, size_t len, uint8_t *sha)
{
	unsigned int	n;

	cr_assert_eq(EVP_Digest(data, len, sha, &n, EVP_sha256(), NULL), 1);
	cr_assert_eq(n, BLOB_HASH_LEN);
}

/* A path under the store: its layout is part of the contract. */
static void
test_final_path(const uint8_t *sha, char *path, size_t size)
{
	char	hex[BLOB_HEX_LEN + 1];

	blob_hex(sha, hex);
	snprintf(path, size, "%s/%.2s/%s", test_store, hex, hex);
}

static void
test_partial_path(int64_t account, const uint8_t *sha, char *path,
    size_t size)
{
	char	hex[BLOB_HEX_LEN + 1];

	blob_hex(sha, hex);
	snprintf(path, size, "%s/partial/%lld-%s", test_store,
	    (long long)account, hex);
}

static int
test_exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

/* Entries of a directory other than . and .. */
static int
test_entries(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Send data[from, to) in chunks of at most BLOB_CHUNK_MAX, each taken. */
static void
test_send(struct blob_store *bs, int64_t account, const uint8_t *sha,
    const uint8_t *data, int64_t from, int64_t to, int64_t total)
{
	int64_t	off, size;
	size_t	n;

	for (off = from; off < to; off += (int64_t)n) {
		n = to - off < BLOB_CHUNK_MAX ? (size_t)(to - off) :
		    BLOB_CHUNK_MAX;
		cr_assert_eq(blob_append(bs, account, sha, off, data + off, n,
		    total, &size), BLOB_OK, "chunk at %lld", (long long)off);
		cr_assert_eq(size, off + (int64_t)n);
	}
}

/* A whole upload of data by account; blob_finish()'s result. */
static int
test_upload(struct blob_store *bs, int64_t account, const void *data,
    size_t len, uint8_t *sha, char *type)
{
	cr_assert_eq(blob_partial(bs, account, sha, 1), 0);
	test_send(bs, account, sha, data, 0, (int64_t)len, (int64_t)len);
	return blob_finish(bs, account, sha, (int64_t)len, type,
	    BLOB_TYPE_MAX);
}

/* Plain text of len bytes, different on every line (no commas: lines
 * with as many commas each are text/csv to libmagic). */
static uint8_t *
test_text(size_t len)
{
	uint8_t	*p = xmalloc(len);
	char	 line[64];
	size_t	 off = 0, n;
	int	 i = 0;

	while (off < len) {
		n = (size_t)snprintf(line, sizeof line,
		    "line %d of a resource's notes in plain words\n", i++);
		if (n > len - off)
			n = len - off;
		memcpy(p + off, line, n);
		off += n;
	}
	return p;
}

uint8_t *
test_blob_read_file(const char *path, size_t *len)
{
	struct stat	 sb;
	uint8_t		*p;
	int		 fd;

	cr_assert_neq(fd = open(path, O_RDONLY), -1, "%s", path);
	cr_assert_eq(fstat(fd, &sb), 0);
	p = xmalloc((size_t)sb.st_size);
	cr_assert_eq(read(fd, p, (size_t)sb.st_size), sb.st_size);
	close(fd);
	*len = (size_t)sb.st_size;
	return p;
}

static void
test_flip(const char *path, off_t off)
{
	uint8_t	c;
	int	fd;

	cr_assert_neq(fd = open(path, O_RDWR), -1, "%s", path);
	cr_assert_eq(pread(fd, &c, 1, off), 1);
	c ^= 0x01;
	cr_assert_eq(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

int
test_blob_upload_typed(const void *data, size_t len, char *type)
{
	struct blob_store	*bs = test_open();
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 path[PATH_MAX];
	int			 r;

	test_sha(data, len, sha);
	r = test_upload(bs, 1, data, len, sha, type);
	cr_log_info("%zu bytes: %s", len, type);
	test_partial_path(1, sha, path, sizeof path);
	cr_expect(!test_exists(path), "the partial stayed");
	test_final_path(sha, path, sizeof path);
	cr_expect_eq(test_exists(path), r == BLOB_OK, "%s", path);
	blob_close(bs);
	return r;
}

/* ---- names ---------------------------------------------------------- */

Test(blob, dir_is_beside_the_database)
{
	char	*dir = blob_dir_for("/var/lib/harbour/harbour.db");

	cr_expect_str_eq(dir, "/var/lib/harbour/harbour.db.attachments");
	free(dir);
}

Test(blob, open_makes_private_directories)
{
	struct blob_store	*bs = test_open();
	struct stat		 sb;
	char			 path[PATH_MAX];

	cr_assert_eq(stat(test_store, &sb), 0);
	cr_expect(S_ISDIR(sb.st_mode));
	cr_expect_eq(sb.st_mode & 07777, 0700);
	snprintf(path, sizeof path, "%s/partial", test_store);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect(S_ISDIR(sb.st_mode));
	cr_expect_eq(sb.st_mode & 07777, 0700);
	blob_close(bs);
	/* Opening again takes what is there. */
	blob_close(test_open());
	blob_close(NULL);
}

Test(blob, open_fails_with_a_cause)
{
	char	*cause = NULL;

	cr_expect_null(blob_open("/nonexistent/harbour.db.attachments",
	    BLOB_SIZE_DEFAULT, &cause));
	cr_assert_not_null(cause);
	cr_expect(strstr(cause, "/nonexistent") != NULL, "%s", cause);
	free(cause);
}

Test(blob, hex_round_trip)
{
	uint8_t	sha[BLOB_HASH_LEN], back[BLOB_HASH_LEN];
	char	hex[BLOB_HEX_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof sha; i++)
		sha[i] = (uint8_t)(i * 37 + 5);
	blob_hex(sha, hex);
	cr_expect_eq(strlen(hex), BLOB_HEX_LEN);
	cr_expect_eq(strncmp(hex, "052a4f74", 8), 0, "%s", hex);
	cr_assert_eq(blob_unhex(hex, back), 0);
	cr_expect_eq(memcmp(sha, back, sizeof sha), 0);
}

static const struct {
	const char	*hex;
	const char	*what;
} unhex_bad[] = {
	{ "", "empty" },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
	  "63 digits" },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
	  "65 digits" },
	{ "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	  "uppercase" },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
	  "a non-hex letter" },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ",
	  "a space" },
	{ "../../../../../../../../../../../../../../../../../../etc/passwd",
	  "a path" },
};

Test(blob, unhex_refuses_all_but_64_lowercase_digits)
{
	uint8_t	sha[BLOB_HASH_LEN];
	size_t	i;

	for (i = 0; i < NITEMS(unhex_bad); i++)
		cr_expect_eq(blob_unhex(unhex_bad[i].hex, sha), -1, "%s",
		    unhex_bad[i].what);
	cr_expect_eq(blob_unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649"
	    "b934ca495991b7852b855", sha), 0);
}

/* ---- uploads -------------------------------------------------------- */

Test(blob, upload_in_chunks_reads_back_the_same)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN), *back;
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], path[PATH_MAX];
	struct stat		 sb;
	int64_t			 size = 0, off;
	ssize_t			 n;

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(blob_exists(bs, sha, &size), 0);
	cr_assert_eq(test_upload(bs, 7, data, TEST_LEN, sha, type), BLOB_OK);
	cr_expect_str_eq(type, "text/plain");
	test_final_path(sha, path, sizeof path);
	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	cr_expect_eq(sb.st_mode & 07777, 0600);
	test_partial_path(7, sha, path, sizeof path);
	cr_expect(!test_exists(path), "the partial stayed");
	cr_expect_eq(blob_exists(bs, sha, &size), 1);
	cr_expect_eq(size, TEST_LEN);

	/* Read back in pieces that do not line up with the chunks. */
	back = xmalloc(TEST_LEN);
	for (off = 0; off < TEST_LEN; off += n) {
		n = blob_read(bs, sha, off, back + off, 10000);
		cr_assert_gt(n, 0, "read at %lld", (long long)off);
	}
	cr_expect_eq(off, TEST_LEN);
	cr_expect_eq(memcmp(back, data, TEST_LEN), 0);
	cr_expect_eq(blob_read(bs, sha, TEST_LEN, back, 10), 0);
	cr_expect_eq(blob_read(bs, sha, -1, back, 10), -1);
	sha[0] ^= 1;
	cr_expect_eq(blob_read(bs, sha, 0, back, 10), -1);
	cr_expect_eq(errno, ENOENT);
	free(back);
	free(data);
	blob_close(bs);
}

Test(blob, resume_after_reopening)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX];
	int64_t			 at = 3 * BLOB_CHUNK_MAX;

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(blob_partial(bs, 3, sha, 1), 0);
	test_send(bs, 3, sha, data, 0, at, TEST_LEN);
	blob_close(bs);

	/* A restart: the partial's size is all there is to go on. */
	bs = test_open();
	cr_assert_eq(blob_partial(bs, 3, sha, 0), at);
	cr_assert_eq(blob_partial(bs, 3, sha, 1), at, "create keeps it");
	test_send(bs, 3, sha, data, at, TEST_LEN, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 3, sha, TEST_LEN, type, sizeof type),
	    BLOB_OK);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_OK);
	free(data);
	blob_close(bs);
}

Test(blob, no_partial)
{
	struct blob_store	*bs = test_open();
	uint8_t			 sha[BLOB_HASH_LEN] = { 1 };
	char			 type[BLOB_TYPE_MAX];
	int64_t			 size;

	cr_expect_eq(blob_partial(bs, 1, sha, 0), -1);
	cr_expect_eq(blob_append(bs, 1, sha, 0, "x", 1, 1, &size),
	    BLOB_NOTFOUND);
	cr_expect_eq(blob_finish(bs, 1, sha, 1, type, sizeof type),
	    BLOB_NOTFOUND);
	cr_expect_eq(blob_discard(bs, 1, sha), BLOB_NOTFOUND);
	cr_expect_eq(blob_partial(bs, -1, sha, 1), -1, "a negative account");
	cr_assert_eq(blob_partial(bs, 1, sha, 1), 0);
	cr_expect_eq(blob_discard(bs, 1, sha), BLOB_OK);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), -1);
	blob_close(bs);
}

Test(blob, chunk_at_the_wrong_offset)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	int64_t			 size;

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(blob_partial(bs, 1, sha, 1), 0);
	test_send(bs, 1, sha, data, 0, BLOB_CHUNK_MAX, TEST_LEN);
	/* Resent, and skipped ahead: both told where the partial ends. */
	cr_expect_eq(blob_append(bs, 1, sha, 0, data, BLOB_CHUNK_MAX,
	    TEST_LEN, &size), BLOB_BAD_OFFSET);
	cr_expect_eq(size, BLOB_CHUNK_MAX);
	cr_expect_eq(blob_append(bs, 1, sha, 2 * BLOB_CHUNK_MAX, data,
	    BLOB_CHUNK_MAX, TEST_LEN, &size), BLOB_BAD_OFFSET);
	cr_expect_eq(size, BLOB_CHUNK_MAX);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), BLOB_CHUNK_MAX);
	free(data);
	blob_close(bs);
}

Test(blob, chunk_past_the_declared_size_or_the_limit)
{
	struct blob_store	*bs = test_open_max(1000);
	uint8_t			*data = test_text(2 * BLOB_CHUNK_MAX);
	uint8_t			 sha[BLOB_HASH_LEN] = { 2 };
	char			 type[BLOB_TYPE_MAX];
	int64_t			 size;

	cr_assert_eq(blob_partial(bs, 1, sha, 1), 0);
	cr_expect_eq(blob_append(bs, 1, sha, 0, data, 101, 100, &size),
	    BLOB_TOO_LARGE);
	cr_expect_eq(size, 0);
	cr_expect_eq(blob_append(bs, 1, sha, 0, data, 100, 100, &size),
	    BLOB_OK);
	cr_expect_eq(blob_append(bs, 1, sha, 100, data, 1, 100, &size),
	    BLOB_TOO_LARGE);
	cr_expect_eq(size, 100);
	cr_expect_eq(blob_append(bs, 1, sha, 100, data, 0, 100, &size),
	    BLOB_OK, "an empty chunk at the end is harmless");
	/* Declared larger than max_attachment, or a chunk too long. */
	cr_expect_eq(blob_append(bs, 1, sha, 100, data, 1, 1001, &size),
	    BLOB_TOO_LARGE);
	cr_expect_eq(blob_append(bs, 1, sha, 100, data, BLOB_CHUNK_MAX + 1,
	    BLOB_CHUNK_MAX * 2, &size), BLOB_TOO_LARGE);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), 100, "refusals wrote");
	/* Finishing with a total over the limit discards the partial. */
	cr_expect_eq(blob_finish(bs, 1, sha, 1001, type, sizeof type),
	    BLOB_TOO_LARGE);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), -1);
	free(data);
	blob_close(bs);
}

Test(blob, corrupted_chunk_leaves_nothing)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], hex[BLOB_HEX_LEN + 1];
	char			 path[PATH_MAX];
	int64_t			 size;

	test_sha(data, TEST_LEN, sha);
	data[BLOB_CHUNK_MAX + 17] ^= 0x20;	/* in the second chunk */
	cr_expect_eq(test_upload(bs, 1, data, TEST_LEN, sha, type),
	    BLOB_BAD_HASH);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), -1, "the partial stayed");
	cr_expect_eq(blob_exists(bs, sha, &size), 0);
	test_final_path(sha, path, sizeof path);
	cr_expect(!test_exists(path));
	blob_hex(sha, hex);
	snprintf(path, sizeof path, "%s/%.2s", test_store, hex);
	cr_expect(!test_exists(path), "a directory for nothing");
	free(data);
	blob_close(bs);
}

Test(blob, finish_before_the_last_byte)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX];
	int64_t			 size;

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(blob_partial(bs, 1, sha, 1), 0);
	test_send(bs, 1, sha, data, 0, TEST_LEN - 1, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 1, sha, TEST_LEN, type, sizeof type),
	    BLOB_SHORT);
	/* Kept, to resume: one byte more and it is done. */
	cr_expect_eq(blob_partial(bs, 1, sha, 0), TEST_LEN - 1);
	cr_expect_eq(blob_exists(bs, sha, &size), 0);
	test_send(bs, 1, sha, data, TEST_LEN - 1, TEST_LEN, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 1, sha, TEST_LEN, type, sizeof type),
	    BLOB_OK);
	/* Finishing with a smaller total than arrived: refused, gone. */
	cr_assert_eq(blob_partial(bs, 2, sha, 1), 0);
	test_send(bs, 2, sha, data, 0, 10, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 2, sha, 9, type, sizeof type),
	    BLOB_TOO_LARGE);
	cr_expect_eq(blob_partial(bs, 2, sha, 0), -1);
	free(data);
	blob_close(bs);
}

Test(blob, same_content_from_two_accounts_is_kept_once)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], hex[BLOB_HEX_LEN + 1];
	char			 path[PATH_MAX];

	test_sha(data, TEST_LEN, sha);
	/* Interleaved: each account's partial is its own. */
	cr_assert_eq(blob_partial(bs, 1, sha, 1), 0);
	cr_assert_eq(blob_partial(bs, 2, sha, 1), 0);
	test_send(bs, 1, sha, data, 0, BLOB_CHUNK_MAX, TEST_LEN);
	test_send(bs, 2, sha, data, 0, 3 * BLOB_CHUNK_MAX, TEST_LEN);
	cr_expect_eq(blob_partial(bs, 1, sha, 0), BLOB_CHUNK_MAX);
	cr_expect_eq(blob_partial(bs, 2, sha, 0), 3 * BLOB_CHUNK_MAX);
	test_send(bs, 2, sha, data, 3 * BLOB_CHUNK_MAX, TEST_LEN, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 2, sha, TEST_LEN, type, sizeof type),
	    BLOB_OK);
	/* The first account still sends it all: nothing tells it the
	 * content is there already. */
	test_send(bs, 1, sha, data, BLOB_CHUNK_MAX, TEST_LEN, TEST_LEN);
	cr_expect_eq(blob_finish(bs, 1, sha, TEST_LEN, type, sizeof type),
	    BLOB_OK);
	cr_expect_str_eq(type, "text/plain");
	blob_hex(sha, hex);
	snprintf(path, sizeof path, "%s/%.2s", test_store, hex);
	cr_expect_eq(test_entries(path), 1);
	snprintf(path, sizeof path, "%s/partial", test_store);
	cr_expect_eq(test_entries(path), 0);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_OK);
	free(data);
	blob_close(bs);
}

Test(blob, a_damaged_file_is_replaced_by_a_good_upload)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], path[PATH_MAX];

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(test_upload(bs, 1, data, TEST_LEN, sha, type), BLOB_OK);
	test_final_path(sha, path, sizeof path);
	cr_assert_eq(truncate(path, 100), 0);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_BAD_HASH);
	cr_assert_eq(test_upload(bs, 2, data, TEST_LEN, sha, type), BLOB_OK);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_OK);
	free(data);
	blob_close(bs);
}

/* ---- check, backup, clean-up ---------------------------------------- */

Test(blob, verify_finds_missing_and_damaged)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN);
	uint8_t			 sha[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], path[PATH_MAX];

	test_sha(data, TEST_LEN, sha);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_NOTFOUND);
	cr_assert_eq(test_upload(bs, 1, data, TEST_LEN, sha, type), BLOB_OK);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_OK);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN + 1), BLOB_BAD_HASH,
	    "the database's size is not the file's");
	test_final_path(sha, path, sizeof path);
	test_flip(path, TEST_LEN / 2);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_BAD_HASH);
	cr_assert_eq(unlink(path), 0);
	cr_expect_eq(blob_verify(bs, sha, TEST_LEN), BLOB_NOTFOUND);
	free(data);
	blob_close(bs);
}

Test(blob, copy_for_a_backup)
{
	struct blob_store	*bs = test_open();
	uint8_t			*data = test_text(TEST_LEN), *copy;
	uint8_t			 sha[BLOB_HASH_LEN], other[BLOB_HASH_LEN];
	char			 type[BLOB_TYPE_MAX], dest[256];
	char			 path[PATH_MAX], hex[BLOB_HEX_LEN + 1];
	char			*cause = NULL;
	size_t			 len;

	test_sha(data, TEST_LEN, sha);
	cr_assert_eq(test_upload(bs, 1, data, TEST_LEN, sha, type), BLOB_OK);
	snprintf(dest, sizeof dest, "%s/backup.db.attachments", test_dir);
	cr_assert_eq(blob_copy(bs, sha, dest, &cause), BLOB_OK, "%s",
	    cause ? cause : "?");
	blob_hex(sha, hex);
	snprintf(path, sizeof path, "%s/%.2s/%s", dest, hex, hex);
	copy = test_blob_read_file(path, &len);
	cr_expect_eq(len, TEST_LEN);
	cr_expect_eq(memcmp(copy, data, len), 0);
	free(copy);
	snprintf(path, sizeof path, "%s/%.2s", dest, hex);
	cr_expect_eq(test_entries(path), 1, "a temporary file stayed");

	/* Missing: said so. Damaged: not copied. */
	memcpy(other, sha, sizeof other);
	other[5] ^= 1;
	cr_expect_eq(blob_copy(bs, other, dest, &cause), BLOB_NOTFOUND);
	cr_expect_not_null(cause);
	free(cause);
	test_final_path(sha, path, sizeof path);
	test_flip(path, 3);
	snprintf(dest, sizeof dest, "%s/second.db.attachments", test_dir);
	cr_expect_eq(blob_copy(bs, sha, dest, &cause), BLOB_BAD_HASH);
	cr_expect(cause != NULL && strstr(cause, "damaged") != NULL);
	free(cause);
	snprintf(path, sizeof path, "%s/%.2s", dest, hex);
	cr_expect_eq(test_entries(path), 0);
	free(data);
	blob_close(bs);
}

Test(blob, gc_removes_old_partials_only)
{
	struct blob_store	*bs = test_open();
	uint8_t			 old[BLOB_HASH_LEN] = { 1 };
	uint8_t			 fresh[BLOB_HASH_LEN] = { 2 };
	struct timespec		 ts[2];
	char			 path[PATH_MAX];
	int64_t			 size;

	cr_assert_eq(blob_partial(bs, 1, old, 1), 0);
	cr_assert_eq(blob_append(bs, 1, old, 0, "abc", 3, 10, &size), BLOB_OK);
	cr_assert_eq(blob_partial(bs, 1, fresh, 1), 0);
	test_partial_path(1, old, path, sizeof path);
	ts[0].tv_sec = ts[1].tv_sec = T0 - 7200;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	test_partial_path(1, fresh, path, sizeof path);
	ts[0].tv_sec = ts[1].tv_sec = T0 - 60;
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);

	cr_expect_eq(blob_gc_partials(bs, 3600, T0), 1);
	cr_expect_eq(blob_partial(bs, 1, old, 0), -1);
	cr_expect_eq(blob_partial(bs, 1, fresh, 0), 0);
	cr_expect_eq(blob_gc_partials(bs, 3600, T0), 0);
	blob_close(bs);
}
