/*
 * blob.c: the attachment store on disk (see blob.h for its contract).
 *
 * Under the store's directory, <database>.attachments:
 *
 *	partial/<account>-<64 hex>	uploads in progress, never served
 *	<first 2 hex>/<64 hex>		complete, checked and durable files
 *
 * The two directories are held open and every file is reached relative
 * to them (openat, renameat), so a path is built once, of fixed-size
 * names, and nothing depends on the daemon's working directory.
 *
 * An upload's only state is its partial's size: that is the offset a
 * client resumes at, after a lost connection or a restart, with nothing
 * else to keep in step. Chunks are not fsync'd (a chunk is one write on
 * the event loop); a crash may cut the partial short, and the client
 * then resends from the shorter size. Whatever a crash or a client gets
 * wrong in the bytes themselves, the SHA-256 in the name catches at the
 * end: blob_finish() hashes the whole partial before anything else.
 *
 * A partial is named by its account as well as its hash, so two
 * accounts sending the same content never write into one file, and no
 * upload is ever skipped because its content is stored already: the
 * files are shared only in blob_finish(), after every byte arrived, so
 * an account cannot learn from an upload whether anyone else holds
 * that content.
 *
 * Readers see no file or the whole checked one: the partial is fsync'd,
 * renamed into place (atomic within one file system) and the directory
 * fsync'd before blob_finish() says BLOB_OK, so an acknowledged
 * attachment survives a crash. Types are libmagic's reading of the
 * bytes, never a file name's, checked against blob_types below.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>
#include <openssl/evp.h>

#include "blob.h"
#include "util.h"

#define BLOB_PARTIAL_DIR	"partial"
/* Reads while hashing and copying: a few pages per system call. */
#define BLOB_IO_BUF		65536
/* "<account>-<64 hex>": an int64 is at most 20 characters. */
#define BLOB_PARTIAL_NAME	(20 + 1 + BLOB_HEX_LEN + 1)
/* "<2 hex>/<64 hex>", and its name while blob_copy() writes it. */
#define BLOB_FINAL_NAME		(2 + 1 + BLOB_HEX_LEN + 1)
#define BLOB_TMP_SUFFIX		".tmp"
/* Attachments are the users' documents: for the daemon's user alone. */
#define BLOB_DIR_MODE		0700
#define BLOB_FILE_MODE		0600

struct blob_store {
	char		*dir;
	int		 dfd;		/* dir */
	int		 pfd;		/* dir/partial */
	int64_t		 max;		/* max_attachment, bytes */
	magic_t		 magic;		/* blob_finish()'s alone: one thread */
};

/* Documents, spreadsheets, presentations, text and common images: what
 * people share with a resource, and nothing a machine runs. */
static const char *const blob_types[] = {
	"application/pdf",
	"application/msword",
	"application/vnd.ms-excel",
	"application/vnd.ms-powerpoint",
	"application/vnd.ms-office",	/* libmagic's name for some old
					 * Office files it cannot tell apart */
	"text/plain",
	"text/csv",
	"image/png",
	"image/jpeg",
	"image/gif",
	"image/webp",
};
/* Families of types, by prefix: OpenDocument and Office Open XML. */
static const char *const blob_type_families[] = {
	"application/vnd.oasis.opendocument.",
	"application/vnd.openxmlformats-officedocument.",
};

static int
blob_errno(const char *what, const char *name)
{
	log_error("attachments: %s %s: %s", what, name, strerror(errno));
	return BLOB_ERROR;
}

char *
blob_dir_for(const char *db_path)
{
	char	*dir;

	xasprintf(&dir, "%s.attachments", db_path);
	return dir;
}

/* mkdir that takes an existing directory; *created says which. */
static int
blob_mkdirat(int at, const char *name, int *created)
{
	*created = 0;
	if (mkdirat(at, name, BLOB_DIR_MODE) == 0) {
		*created = 1;
		return 0;
	}
	return errno == EEXIST ? 0 : -1;
}

/* fsync a file or directory by name: a new name is durable once the
 * directory holding it is. */
static int
blob_fsync_at(int at, const char *name)
{
	int	fd, r, saved;

	if ((fd = openat(at, name, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* The directory dir (created if need be, and then made durable in its
 * parent) opened; -1 on failure. */
static int
blob_opendir(int at, const char *dir)
{
	int	fd, created;

	if (blob_mkdirat(at, dir, &created) == -1 ||
	    (fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (created && blob_fsync_at(fd, "..") == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

struct blob_store *
blob_open(const char *dir, int64_t max_size, char **cause)
{
	struct blob_store	*bs;
	const char		*err;

	*cause = NULL;
	if (max_size < 0) {
		xasprintf(cause, "attachment size limit %" PRId64
		    " is negative", max_size);
		return NULL;
	}
	bs = xcalloc(1, sizeof *bs);
	bs->dir = xstrdup(dir);
	bs->max = max_size;
	bs->pfd = -1;
	if ((bs->dfd = blob_opendir(AT_FDCWD, dir)) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((bs->pfd = blob_opendir(bs->dfd, BLOB_PARTIAL_DIR)) == -1) {
		xasprintf(cause, "%s/%s: %s", dir, BLOB_PARTIAL_DIR,
		    strerror(errno));
		goto fail;
	}
	/* The database is read now, before any privilege is dropped. */
	if ((bs->magic = magic_open(MAGIC_MIME_TYPE)) == NULL ||
	    magic_load(bs->magic, NULL) == -1) {
		err = bs->magic != NULL ? magic_error(bs->magic) : NULL;
		xasprintf(cause, "libmagic: %s", err != NULL ? err :
		    strerror(errno));
		goto fail;
	}
	return bs;
fail:
	blob_close(bs);
	return NULL;
}

void
blob_close(struct blob_store *bs)
{
	if (bs == NULL)
		return;
	if (bs->magic != NULL)
		magic_close(bs->magic);
	if (bs->pfd != -1)
		close(bs->pfd);
	if (bs->dfd != -1)
		close(bs->dfd);
	free(bs->dir);
	free(bs);
}

void
blob_hex(const uint8_t *sha, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < BLOB_HASH_LEN; i++) {
		out[2 * i] = digits[sha[i] >> 4];
		out[2 * i + 1] = digits[sha[i] & 0xf];
	}
	out[BLOB_HEX_LEN] = '\0';
}

static int
blob_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
blob_unhex(const char *hex, uint8_t *sha)
{
	uint8_t	out[BLOB_HASH_LEN];
	int	hi, lo;
	size_t	i;

	/* Stops at a NUL too: a short string has a non-digit in it. */
	for (i = 0; i < BLOB_HASH_LEN; i++) {
		if ((hi = blob_nibble(hex[2 * i])) == -1 ||
		    (lo = blob_nibble(hex[2 * i + 1])) == -1)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (hex[BLOB_HEX_LEN] != '\0')
		return -1;
	memcpy(sha, out, sizeof out);
	return 0;
}

int
blob_type_allowed(const char *mime)
{
	size_t	i;

	if (mime == NULL)
		return 0;
	for (i = 0; i < sizeof blob_types / sizeof blob_types[0]; i++)
		if (strcmp(mime, blob_types[i]) == 0)
			return 1;
	for (i = 0; i < sizeof blob_type_families /
	    sizeof blob_type_families[0]; i++)
		if (strncmp(mime, blob_type_families[i],
		    strlen(blob_type_families[i])) == 0)
			return 1;
	return 0;
}

/* ---- names ---------------------------------------------------------- */

static int
blob_partial_name(int64_t account, const uint8_t *sha, char *name)
{
	char	hex[BLOB_HEX_LEN + 1];

	if (account < 0) {
		errno = EINVAL;
		return -1;
	}
	blob_hex(sha, hex);
	snprintf(name, BLOB_PARTIAL_NAME, "%" PRId64 "-%s", account, hex);
	return 0;
}

/* sub: the "<2 hex>" directory; name: "<2 hex>/<64 hex>" under dir. */
static void
blob_final_name(const uint8_t *sha, char *sub, char *name)
{
	char	hex[BLOB_HEX_LEN + 1];

	blob_hex(sha, hex);
	memcpy(sub, hex, 2);
	sub[2] = '\0';
	snprintf(name, BLOB_FINAL_NAME, "%s/%s", sub, hex);
}

/* ---- uploads -------------------------------------------------------- */

int64_t
blob_partial(struct blob_store *bs, int64_t account, const uint8_t *sha,
    int create)
{
	char		name[BLOB_PARTIAL_NAME];
	struct stat	sb;
	int		fd, r;

	if (blob_partial_name(account, sha, name) == -1)
		return -1;
	if (create) {
		/* Not O_EXCL: an existing partial is the one to resume. */
		fd = openat(bs->pfd, name, O_WRONLY | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, BLOB_FILE_MODE);
		if (fd == -1)
			return blob_errno("create", name);
		r = fstat(fd, &sb);
		close(fd);
		if (r == -1)
			return blob_errno("stat", name);
	} else if (fstatat(bs->pfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT)
			blob_errno("stat", name);
		return -1;
	}
	return S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
}

static int
blob_pwrite_all(int fd, const void *data, size_t len, int64_t off)
{
	const uint8_t	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = pwrite(fd, p, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int
blob_append(struct blob_store *bs, int64_t account, const uint8_t *sha,
    int64_t off, const void *data, size_t len, int64_t total, int64_t *size)
{
	char		name[BLOB_PARTIAL_NAME];
	struct stat	sb;
	int		fd, r;

	*size = -1;
	if (blob_partial_name(account, sha, name) == -1)
		return BLOB_ERROR;
	if ((fd = openat(bs->pfd, name, O_WRONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return errno == ENOENT ? BLOB_NOTFOUND :
		    blob_errno("open", name);
	if (fstat(fd, &sb) == -1) {
		r = blob_errno("stat", name);
		goto out;
	}
	*size = sb.st_size;
	if (len > BLOB_CHUNK_MAX || total < 0 || total > bs->max)
		r = BLOB_TOO_LARGE;
	else if (off != sb.st_size)
		r = BLOB_BAD_OFFSET;
	else if ((int64_t)len > total - off)
		r = BLOB_TOO_LARGE;
	else if (blob_pwrite_all(fd, data, len, off) == -1) {
		r = blob_errno("write", name);
		/* Part of a chunk would be a resume offset no client sent. */
		if (ftruncate(fd, off) == -1)
			blob_errno("truncate", name);
	} else {
		*size = off + (int64_t)len;
		r = BLOB_OK;
	}
out:
	close(fd);
	return r;
}

int
blob_discard(struct blob_store *bs, int64_t account, const uint8_t *sha)
{
	char	name[BLOB_PARTIAL_NAME];

	if (blob_partial_name(account, sha, name) == -1)
		return BLOB_ERROR;
	if (unlinkat(bs->pfd, name, 0) == 0)
		return BLOB_OK;
	return errno == ENOENT ? BLOB_NOTFOUND : blob_errno("remove", name);
}

/*
 * The SHA-256 of everything in fd from its start, and its length; when
 * to is not -1 the bytes are also written there (blob_copy), so that a
 * copy is checked in the same single read.
 */
static int
blob_hash_fd(int fd, int to, uint8_t *sha, int64_t *size)
{
	EVP_MD_CTX	*ctx;
	uint8_t		*buf;
	unsigned int	 len;
	int64_t		 off = 0;
	ssize_t		 n;
	int		 r = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		fatal("EVP_MD_CTX_new: out of memory");
	buf = xmalloc(BLOB_IO_BUF);
	errno = EIO;	/* what a failing digest reports */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		if ((n = pread(fd, buf, BLOB_IO_BUF, off)) == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		if ((to != -1 && blob_pwrite_all(to, buf, (size_t)n,
		    off) == -1) || EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			goto out;
		off += n;
	}
	if (EVP_DigestFinal_ex(ctx, sha, &len) != 1 || len != BLOB_HASH_LEN)
		goto out;
	*size = off;
	r = 0;
out:
	free(buf);
	EVP_MD_CTX_free(ctx);
	return r;
}

/* libmagic's MIME type of the whole of fd into type. */
static int
blob_sniff(struct blob_store *bs, int fd, char *type, size_t typelen)
{
	const char	*t, *err;

	/* libmagic reads from the descriptor's offset. */
	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	if ((t = magic_descriptor(bs->magic, fd)) == NULL) {
		err = magic_error(bs->magic);
		log_error("attachments: libmagic: %s", err != NULL ? err :
		    "no type");
		return -1;
	}
	strlcpy_h(type, t, typelen);
	return 0;
}

/*
 * Make a checked partial (open as fd) the stored file. When the file is
 * stored already the partial goes instead; that file, and its name,
 * are fsync'd all the same, since a finish that failed after its rename
 * may have left them not yet durable.
 */
static int
blob_commit(struct blob_store *bs, int fd, const char *partial,
    const uint8_t *sha, int64_t total)
{
	char		sub[3], final[BLOB_FINAL_NAME];
	struct stat	sb;
	int		created;

	blob_final_name(sha, sub, final);
	if (fstatat(bs->dfd, final, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(sb.st_mode) && sb.st_size == total) {
		if (blob_fsync_at(bs->dfd, final) == -1)
			return blob_errno("fsync", final);
		if (blob_fsync_at(bs->dfd, sub) == -1)
			return blob_errno("fsync", sub);
		if (unlinkat(bs->pfd, partial, 0) == -1)
			blob_errno("remove", partial);
		return BLOB_OK;
	}
	/* Missing, or damaged (its size is not its content's): replaced. */
	if (fsync(fd) == -1)
		return blob_errno("fsync", partial);
	if (blob_mkdirat(bs->dfd, sub, &created) == -1)
		return blob_errno("mkdir", sub);
	if (created && fsync(bs->dfd) == -1)
		return blob_errno("fsync", bs->dir);
	if (renameat(bs->pfd, partial, bs->dfd, final) == -1)
		return blob_errno("rename", partial);
	if (blob_fsync_at(bs->dfd, sub) == -1)
		return blob_errno("fsync", sub);
	if (fsync(bs->pfd) == -1)
		return blob_errno("fsync", BLOB_PARTIAL_DIR);
	return BLOB_OK;
}

/* The checks of blob_finish(), in the order a client is told of them. */
static int
blob_finish_check(struct blob_store *bs, int fd, const char *name,
    const uint8_t *sha, int64_t total, char *type)
{
	uint8_t		got[BLOB_HASH_LEN];
	struct stat	sb;
	int64_t		size;

	if (fstat(fd, &sb) == -1)
		return blob_errno("stat", name);
	if (total < 0 || total > bs->max || sb.st_size > total)
		return BLOB_TOO_LARGE;
	if (sb.st_size < total)
		return BLOB_SHORT;
	if (blob_hash_fd(fd, -1, got, &size) == -1)
		return blob_errno("read", name);
	if (size != total || memcmp(got, sha, sizeof got) != 0)
		return BLOB_BAD_HASH;
	if (blob_sniff(bs, fd, type, BLOB_TYPE_MAX) == -1)
		return BLOB_ERROR;
	if (!blob_type_allowed(type))
		return BLOB_BAD_TYPE;
	return BLOB_OK;
}

int
blob_finish(struct blob_store *bs, int64_t account, const uint8_t *sha,
    int64_t total, char *type, size_t typelen)
{
	char	name[BLOB_PARTIAL_NAME], found[BLOB_TYPE_MAX] = "";
	int	fd, r;

	if (typelen > 0)
		*type = '\0';
	if (blob_partial_name(account, sha, name) == -1)
		return BLOB_ERROR;
	if ((fd = openat(bs->pfd, name, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return errno == ENOENT ? BLOB_NOTFOUND :
		    blob_errno("open", name);
	r = blob_finish_check(bs, fd, name, sha, total, found);
	if (r == BLOB_OK)
		r = blob_commit(bs, fd, name, sha, total);
	close(fd);
	/* Refused for good: resending would not help, so nothing stays. */
	if ((r == BLOB_TOO_LARGE || r == BLOB_BAD_HASH ||
	    r == BLOB_BAD_TYPE) && unlinkat(bs->pfd, name, 0) == -1)
		blob_errno("remove", name);
	if (typelen > 0 && (r == BLOB_OK || r == BLOB_BAD_TYPE))
		strlcpy_h(type, found, typelen);
	return r;
}

int
blob_gc_partials(struct blob_store *bs, int64_t older_than, int64_t now)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 fd, n = 0;

	if ((fd = openat(bs->pfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return blob_errno("open", BLOB_PARTIAL_DIR);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return blob_errno("read", BLOB_PARTIAL_DIR);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(bs->pfd, de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode) ||
		    now - (int64_t)sb.st_mtime < older_than)
			continue;
		if (unlinkat(bs->pfd, de->d_name, 0) == -1)
			blob_errno("remove", de->d_name);
		else
			n++;
	}
	closedir(d);
	return n;
}

/* ---- stored files --------------------------------------------------- */

int
blob_exists(struct blob_store *bs, const uint8_t *sha, int64_t *size)
{
	char		sub[3], final[BLOB_FINAL_NAME];
	struct stat	sb;

	blob_final_name(sha, sub, final);
	if (fstatat(bs->dfd, final, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		return blob_errno("stat", final);
	}
	if (!S_ISREG(sb.st_mode))
		return 0;
	*size = sb.st_size;
	return 1;
}

/* An erased account's file, once its row is gone and committed: a
 * missing file is no error (a rerun, a file never finished). */
int
blob_remove(struct blob_store *bs, const uint8_t *sha)
{
	char	sub[3], final[BLOB_FINAL_NAME];

	blob_final_name(sha, sub, final);
	if (unlinkat(bs->dfd, final, 0) == -1 && errno != ENOENT)
		return blob_errno("unlink", final);
	return BLOB_OK;
}

ssize_t
blob_read(struct blob_store *bs, const uint8_t *sha, int64_t off, void *buf,
    size_t len)
{
	char	sub[3], final[BLOB_FINAL_NAME];
	ssize_t	n;
	int	fd, saved;

	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	blob_final_name(sha, sub, final);
	if ((fd = openat(bs->dfd, final, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return -1;
	do
		n = pread(fd, buf, len, off);
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	return n;
}

int
blob_verify(struct blob_store *bs, const uint8_t *sha, int64_t size)
{
	char		sub[3], final[BLOB_FINAL_NAME];
	uint8_t		got[BLOB_HASH_LEN];
	struct stat	sb;
	int64_t		n;
	int		fd, r;

	blob_final_name(sha, sub, final);
	if ((fd = openat(bs->dfd, final, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return errno == ENOENT ? BLOB_NOTFOUND :
		    blob_errno("open", final);
	if (fstat(fd, &sb) == -1)
		r = blob_errno("stat", final);
	else if (!S_ISREG(sb.st_mode) || sb.st_size != size)
		r = BLOB_BAD_HASH;	/* no need to read it to know */
	else if (blob_hash_fd(fd, -1, got, &n) == -1)
		r = blob_errno("read", final);
	else
		r = n == size && memcmp(got, sha, sizeof got) == 0 ?
		    BLOB_OK : BLOB_BAD_HASH;
	close(fd);
	return r;
}

/* Copy src to final under ddir through a temporary name, checking the
 * hash on the way: a backup holds no damaged file and no half one. */
static int
blob_copy_file(int src, int ddir, const char *destdir, const char *sub,
    const char *final, const uint8_t *sha, char **cause)
{
	char	tmp[BLOB_FINAL_NAME + sizeof BLOB_TMP_SUFFIX];
	uint8_t	got[BLOB_HASH_LEN];
	int64_t	n;
	int	dst, r = BLOB_ERROR;

	snprintf(tmp, sizeof tmp, "%s%s", final, BLOB_TMP_SUFFIX);
	if ((dst = openat(ddir, tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC | O_NOFOLLOW, BLOB_FILE_MODE)) == -1) {
		xasprintf(cause, "%s/%s: %s", destdir, tmp, strerror(errno));
		return BLOB_ERROR;
	}
	if (blob_hash_fd(src, dst, got, &n) == -1 || fsync(dst) == -1)
		xasprintf(cause, "%s/%s: %s", destdir, tmp, strerror(errno));
	else if (memcmp(got, sha, sizeof got) != 0) {
		xasprintf(cause, "%s: damaged: its content is not its name's",
		    final);
		r = BLOB_BAD_HASH;
	} else if (renameat(ddir, tmp, ddir, final) == -1 ||
	    blob_fsync_at(ddir, sub) == -1)
		xasprintf(cause, "%s/%s: %s", destdir, final, strerror(errno));
	else
		r = BLOB_OK;
	close(dst);
	if (r != BLOB_OK)
		unlinkat(ddir, tmp, 0);
	return r;
}

int
blob_copy(struct blob_store *bs, const uint8_t *sha, const char *destdir,
    char **cause)
{
	char	sub[3], final[BLOB_FINAL_NAME];
	int	src, ddir, r, created, saved;

	*cause = NULL;
	blob_final_name(sha, sub, final);
	if ((src = openat(bs->dfd, final, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1) {
		saved = errno;
		xasprintf(cause, "%s/%s: %s", bs->dir, final, strerror(saved));
		return saved == ENOENT ? BLOB_NOTFOUND : BLOB_ERROR;
	}
	r = BLOB_ERROR;
	if ((ddir = blob_opendir(AT_FDCWD, destdir)) == -1)
		xasprintf(cause, "%s: %s", destdir, strerror(errno));
	else if (blob_mkdirat(ddir, sub, &created) == -1 ||
	    (created && fsync(ddir) == -1))
		xasprintf(cause, "%s/%s: %s", destdir, sub, strerror(errno));
	else
		r = blob_copy_file(src, ddir, destdir, sub, final, sha, cause);
	if (ddir != -1)
		close(ddir);
	close(src);
	return r;
}

/* The type of a stored file, sniffed again: for a finish run a second
 * time (its store transaction was rolled back after the rename), when
 * the partial is gone and the file is in place. blob_finish's thread. */
int
blob_type(struct blob_store *bs, const uint8_t *sha, char *type,
    size_t typelen)
{
	char	sub[3], final[BLOB_FINAL_NAME];
	int	fd, r;

	type[0] = '\0';
	blob_final_name(sha, sub, final);
	if ((fd = openat(bs->dfd, final, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) == -1)
		return errno == ENOENT ? BLOB_NOTFOUND : BLOB_ERROR;
	r = blob_sniff(bs, fd, type, typelen) == 0 ? BLOB_OK : BLOB_ERROR;
	close(fd);
	if (r == BLOB_OK && !blob_type_allowed(type))
		r = BLOB_BAD_TYPE;
	return r;
}

void
blob_set_max(struct blob_store *bs, int64_t max)
{
	bs->max = max;
}
