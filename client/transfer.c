/*
 * transfer.c: a resource's file to and from the server, in chunks of
 * PROTO_CHUNK_MAX bytes, base64 on the wire.
 *
 * Both directions resume, and both keep their state where it cannot
 * be lost: an upload's in the server's partial file, named by the
 * file's SHA-256 (resource.upload answers how much of it arrived), a
 * download's in the local file itself (its length is where the next
 * resource.get starts). So a transfer cut by a dropped connection, a
 * Ctrl-C or a restarted server goes on where it stopped when the same
 * command is run again, and nothing here needs remembering. A download
 * appends to what is there without checking it, and checks the whole
 * file's SHA-256 at the end instead: a wrong start shows up there, and
 * the file is then set aside as FILE.bad, never left looking complete.
 *
 * TRANSFER_WINDOW chunks are in flight at once, so that a long link's
 * round trip is not waited out per chunk; the server answers in order,
 * so replies are awaited oldest first (client_send, client_await). A
 * refusal stops the sending; what was in flight is collected, and
 * only what the server confirmed counts (for an upload, bad_offset says
 * where the server stands, and the upload goes on from there). Every
 * chunk is a request against the account's request rate, and a large
 * file outruns the burst: `rate_limited` is the server asking us to
 * slow down, so we wait a moment and go on one chunk at a time, which
 * never comes near the refusals for which the server closes a
 * connection.
 *
 * Progress goes to stderr, and only when it is a terminal: stdout is
 * for what scripts capture.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "client.h"
#include "print.h"
#include "transfer.h"

/* Chunks in flight: enough to cover a round trip at a few hundred
 * KiB a second, few enough that a refusal costs little. */
#define TRANSFER_WINDOW		4
/* How often the progress line is redrawn. */
#define TRANSFER_SHOW_MS	200
#define TRANSFER_IO_BUF		65536

struct transfer;
/* The request for the chunk at off; NULL after reporting a failure. */
typedef json_t	*transfer_req_fn(struct transfer *, int64_t off);
/* The server's answer for the chunk at off: 0, or an exit status after
 * reporting a failure. */
typedef int	 transfer_reply_fn(struct transfer *, int64_t off, json_t *);

struct transfer {
	struct client		*c;
	const char		*verb;		/* "sending", "fetching" */
	const char		*path;
	int			 fd;
	int64_t			 size;		/* the whole file */
	int64_t			 done;		/* confirmed: the next offset */
	int64_t			 start;		/* where this run began */
	char			 sha[PROTO_SHA256_HEX + 1];
	int64_t			 id;		/* download: the resource */
	char			*type;		/* upload: what the server found */
	size_t			 window;
	int			 resync;	/* upload: follow bad_offset */
	transfer_req_fn		*request;
	transfer_reply_fn	*reply;
	int			 progress;	/* stderr is a terminal */
	int			 shown;		/* a progress line is up */
	uint64_t		 shown_ms;
};

int
transfer_sha256(int fd, int64_t len, char *hex)
{
	EVP_MD_CTX	*ctx;
	unsigned char	*buf, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	int64_t		 off = 0;
	ssize_t		 n;
	int		 r = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	buf = xmalloc(TRANSFER_IO_BUF);
	errno = EIO;	/* what a failing digest reports */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while (off < len) {
		n = pread(fd, buf, len - off < TRANSFER_IO_BUF ?
		    (size_t)(len - off) : TRANSFER_IO_BUF, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* shorter than it was */
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			goto out;
		off += n;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 ||
	    mdlen * 2 != PROTO_SHA256_HEX)
		goto out;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	r = 0;
out:
	free(buf);
	EVP_MD_CTX_free(ctx);
	return (r);
}

static int64_t
transfer_chunk_len(const struct transfer *t, int64_t off)
{
	return (t->size - off < PROTO_CHUNK_MAX ? t->size - off :
	    PROTO_CHUNK_MAX);
}

/* "\rsending x.pdf: 40.0 KiB of 84.2 KiB (47%)", now and then. */
static void
transfer_show(struct transfer *t, int last)
{
	char		 have[32], all[32];
	uint64_t	 now = util_now_ms();

	if (!t->progress || (!last && now - t->shown_ms < TRANSFER_SHOW_MS))
		return;
	t->shown_ms = now;
	print_size(t->done, have, sizeof have);
	print_size(t->size, all, sizeof all);
	fprintf(stderr, "\r\033[K%s ", t->verb);
	print_safe_to(stderr, t->path);
	fprintf(stderr, ": %s of %s (%d%%)%s", have, all, (int)(t->done *
	    100 / t->size), last ? "\n" : "");
	t->shown = !last;
}

/* The progress line off the screen, before a message is printed. */
static void
transfer_unshow(struct transfer *t)
{
	if (t->shown)
		fputs("\r\033[K", stderr);
	t->shown = 0;
}

/*
 * Requests from t->done on, up to t->window in flight, until the end or
 * the first refusal (*error, a new reference) or failure; every request
 * sent is awaited before this returns. Replies after a refusal or
 * failure are collected and dropped: only what came before counts.
 */
static int
transfer_window(struct transfer *t, json_t **error)
{
	int64_t		 ids[TRANSFER_WINDOW], offs[TRANSFER_WINDOW];
	int64_t		 next = t->done;
	json_t		*req, *res, *err;
	size_t		 head = 0, n = 0;
	int		 r, failed = 0;

	*error = NULL;
	for (;;) {
		while (!failed && *error == NULL && n < t->window &&
		    next < t->size) {
			if ((req = t->request(t, next)) == NULL) {
				failed = CLIENT_EXIT_FAIL;
				break;
			}
			offs[(head + n) % TRANSFER_WINDOW] = next;
			if ((r = client_send(t->c, req,
			    &ids[(head + n) % TRANSFER_WINDOW])) != 0)
				return (r);
			n++;
			next += transfer_chunk_len(t, next);
		}
		if (n == 0)
			return (failed);
		r = client_await(t->c, ids[head], &res, &err);
		if (r == CLIENT_EXIT_CONNECT)
			return (r);
		if (r == CLIENT_EXIT_FAIL && (*error != NULL || failed))
			json_decref(err);
		else if (r == CLIENT_EXIT_FAIL)
			*error = err;
		else if (!failed && *error == NULL &&
		    (failed = t->reply(t, offs[head], res)) == 0)
			transfer_show(t, 0);
		json_decref(res);
		head = (head + 1) % TRANSFER_WINDOW;
		n--;
	}
}

/*
 * An upload told it is not where it thought (bad_offset: another
 * connection of the account sending the same file, say) goes on from
 * where the server says it stands; the bytes are the same, named by
 * their hash. 1 if it may.
 */
static int
transfer_resync(struct transfer *t, json_t *error)
{
	json_t	*at = json_object_get(error, "offset");

	if (!t->resync || !client_is_code(error, "bad_offset") ||
	    !json_is_integer(at) || json_integer_value(at) < 0 ||
	    json_integer_value(at) >= t->size)
		return (0);
	t->done = json_integer_value(at);
	return (1);
}

/* The whole transfer: 0, or an exit status after reporting why not. */
static int
transfer_run(struct transfer *t, const char *hint)
{
	json_t	*error;
	int64_t	 before;
	int	 r, stalls = 0;

	t->window = TRANSFER_WINDOW;
	while (t->done < t->size) {
		before = t->done;
		r = transfer_window(t, &error);
		if (t->done == t->size)
			transfer_show(t, 1);
		if (r != 0) {
			json_decref(error);
			return (r);
		}
		if (error == NULL)
			continue;
		stalls = t->done > before ? 0 : stalls + 1;
		if (stalls <= CLIENT_SLOW_DOWN_TRIES &&
		    transfer_resync(t, error)) {
			json_decref(error);
			continue;
		}
		if (!client_is_code(error, "rate_limited") ||
		    stalls > CLIENT_SLOW_DOWN_TRIES) {
			transfer_unshow(t);
			client_refused(error, client_is_code(error,
			    "bad_hash") ? hint : NULL);
			json_decref(error);
			return (CLIENT_EXIT_FAIL);
		}
		json_decref(error);
		t->window = 1;	/* the server asked us to slow down */
		client_slow_down();
	}
	return (CLIENT_EXIT_OK);
}

/* ---- upload ------------------------------------------------------------ */

static json_t *
upload_request(struct transfer *t, int64_t off)
{
	unsigned char	 buf[PROTO_CHUNK_MAX];
	json_t		*req;
	char		*b64;
	int64_t		 len = transfer_chunk_len(t, off);
	ssize_t		 n;

	while ((n = pread(t->fd, buf, (size_t)len, off)) == -1 &&
	    errno == EINTR)
		;
	if (n != len) {
		transfer_unshow(t);
		client_error(CLIENT_EXIT_FAIL, "cannot read %s: %s", t->path,
		    n == -1 ? strerror(errno) : "it is shorter than it was");
		return (NULL);
	}
	if ((b64 = proto_base64_encode(buf, (size_t)n, NULL)) == NULL) {
		fputs("harbour: out of memory\n", stderr);
		exit(CLIENT_EXIT_FAIL);
	}
	req = client_request(t->c, "resource.chunk");
	json_object_set_new(req, "sha256", json_string(t->sha));
	json_object_set_new(req, "offset", json_integer(off));
	json_object_set_new(req, "data", json_string(b64));
	free(b64);
	return (req);
}

static int
upload_reply(struct transfer *t, int64_t off, json_t *res)
{
	const char	*type;

	(void)off;
	t->done = json_integer_value(json_object_get(res, "offset"));
	if (json_is_true(json_object_get(res, "complete"))) {
		type = json_string_value(json_object_get(res, "type"));
		free(t->type);
		t->type = xstrdup(type != NULL ? type : "");
		t->done = t->size;
	}
	return (CLIENT_EXIT_OK);
}

/* The file to send: regular, not empty, and its hash. */
static int
upload_open(struct transfer *t)
{
	struct stat	sb;

	if ((t->fd = open(t->path, O_RDONLY | O_CLOEXEC)) == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot open %s: %s",
		    t->path, strerror(errno)));
	if (fstat(t->fd, &sb) == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot read %s: %s",
		    t->path, strerror(errno)));
	if (!S_ISREG(sb.st_mode))
		return (client_error(CLIENT_EXIT_FAIL, "%s is not a file",
		    t->path));
	if (sb.st_size == 0)
		return (client_error(CLIENT_EXIT_FAIL, "%s is empty: there is "
		    "nothing to share", t->path));
	t->size = sb.st_size;
	if (transfer_sha256(t->fd, t->size, t->sha) == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot read %s: %s",
		    t->path, strerror(errno)));
	return (CLIENT_EXIT_OK);
}

/* resource.upload: how much of this file the server has already. */
static int
upload_start(struct transfer *t)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(t->c, "resource.upload");
	json_object_set_new(req, "sha256", json_string(t->sha));
	json_object_set_new(req, "size", json_integer(t->size));
	if ((r = client_call(t->c, req, &result)) != 0)
		return (r);
	t->done = t->start = json_integer_value(json_object_get(result,
	    "offset"));
	json_decref(result);
	if (t->done < 0 || t->done > t->size)
		return (client_error(CLIENT_EXIT_FAIL, "the server says it has "
		    "%lld bytes of %s, which has %lld", (long long)t->done,
		    t->path, (long long)t->size));
	if (t->done == t->size)
		/* All of it arrived once, but its check never finished (the
		 * server stopped in between): no chunk is left to send, and
		 * only a chunk makes the server check a file. */
		return (client_error(CLIENT_EXIT_FAIL, "the server holds all "
		    "of %s from an earlier upload that it never finished "
		    "checking, and cannot take it again until that is "
		    "cleared: tell the network's operator", t->path));
	return (CLIENT_EXIT_OK);
}

int
transfer_upload(struct client *c, const char *path, char *sha, char **type)
{
	struct transfer	t;
	int		r;

	memset(&t, 0, sizeof t);
	t.c = c;
	t.verb = "sending";
	t.path = path;
	t.fd = -1;
	t.request = upload_request;
	t.reply = upload_reply;
	t.resync = 1;
	t.progress = isatty(STDERR_FILENO);
	*type = NULL;
	if ((r = upload_open(&t)) == 0 && (r = client_login(c)) == 0 &&
	    (r = upload_start(&t)) == 0)
		r = transfer_run(&t, "the file that arrived is not the one "
		    "that was hashed: was it changed while it was sent? Run "
		    "the command again to send it anew");
	transfer_unshow(&t);
	if (t.fd != -1)
		close(t.fd);
	if (r == 0 && t.type == NULL)
		r = client_error(CLIENT_EXIT_FAIL, "the server took every "
		    "byte of %s but never said it was complete", path);
	if (r == 0) {
		memcpy(sha, t.sha, sizeof t.sha);
		*type = t.type;
	} else
		free(t.type);
	return (r);
}

/* ---- download ---------------------------------------------------------- */

static json_t *
download_request(struct transfer *t, int64_t off)
{
	json_t	*req;

	req = client_request(t->c, "resource.get");
	json_object_set_new(req, "resource", json_integer(t->id));
	json_object_set_new(req, "offset", json_integer(off));
	return (req);
}

static int
download_write(struct transfer *t, const unsigned char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(t->fd, buf, len)) == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			transfer_unshow(t);
			return (client_error(CLIENT_EXIT_FAIL, "cannot write "
			    "%s: %s (what was written stays, and the next run "
			    "goes on from there)", t->path, strerror(errno)));
		}
		buf += n;
		len -= (size_t)n;
	}
	return (CLIENT_EXIT_OK);
}

static int
download_reply(struct transfer *t, int64_t off, json_t *res)
{
	unsigned char	 buf[PROTO_CHUNK_MAX + 2];
	const char	*data, *sha;
	size_t		 len;

	data = json_string_value(json_object_get(res, "data"));
	sha = json_string_value(json_object_get(res, "sha256"));
	if (json_integer_value(json_object_get(res, "offset")) != off ||
	    json_integer_value(json_object_get(res, "size")) != t->size ||
	    sha == NULL || strcmp(sha, t->sha) != 0 || data == NULL ||
	    proto_base64_decode(data, buf, PROTO_CHUNK_MAX, &len) != 0 ||
	    (int64_t)len != transfer_chunk_len(t, off)) {
		transfer_unshow(t);
		return (client_error(CLIENT_EXIT_FAIL, "the server sent a "
		    "chunk of resource #%lld that is not the one asked for",
		    (long long)t->id));
	}
	if (download_write(t, buf, len) != 0)
		return (CLIENT_EXIT_FAIL);
	t->done = off + (int64_t)len;
	return (CLIENT_EXIT_OK);
}

/*
 * What is at path already decides where the download starts: nothing,
 * or a shorter file (resumed, unchecked until the end); a file of the
 * full size is checked now: 1 when it is the resource (nothing to do).
 * A longer file, or a whole one that differs, is someone's other file:
 * it is never written over.
 */
static int
download_existing(struct transfer *t, int *complete)
{
	struct stat	sb;
	char		sha[PROTO_SHA256_HEX + 1];
	int		fd, r;

	*complete = 0;
	if (stat(t->path, &sb) == -1) {
		if (errno == ENOENT)
			return (CLIENT_EXIT_OK);
		return (client_error(CLIENT_EXIT_FAIL, "cannot look at %s: %s",
		    t->path, strerror(errno)));
	}
	if (!S_ISREG(sb.st_mode))
		return (client_error(CLIENT_EXIT_FAIL, "%s is there and is not "
		    "a file: choose another name with -o", t->path));
	if (sb.st_size > t->size)
		return (client_error(CLIENT_EXIT_FAIL, "%s is longer than "
		    "resource #%lld (%lld bytes), so it is some other file: "
		    "not writing over it; remove it, or choose another name "
		    "with -o", t->path, (long long)t->id, (long long)t->size));
	if (sb.st_size < t->size)
		return (CLIENT_EXIT_OK);
	if ((fd = open(t->path, O_RDONLY | O_CLOEXEC)) == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot open %s: %s",
		    t->path, strerror(errno)));
	r = transfer_sha256(fd, t->size, sha);
	close(fd);
	if (r == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot read %s: %s",
		    t->path, strerror(errno)));
	if (strcmp(sha, t->sha) != 0)
		return (client_error(CLIENT_EXIT_FAIL, "%s has the size of "
		    "resource #%lld but not its SHA-256, so it is some other "
		    "file: not writing over it; remove it, or choose another "
		    "name with -o", t->path, (long long)t->id));
	*complete = 1;
	return (CLIENT_EXIT_OK);
}

/* The whole file against the resource's SHA-256; a file that fails is
 * renamed FILE.bad, so that nothing wrong keeps the resource's name
 * and the next run starts afresh. */
static int
download_verify(struct transfer *t)
{
	char	 sha[PROTO_SHA256_HEX + 1], *bad;
	int	 r;

	if (transfer_sha256(t->fd, t->size, sha) == -1)
		return (client_error(CLIENT_EXIT_FAIL, "cannot read %s back: "
		    "%s", t->path, strerror(errno)));
	if (strcmp(sha, t->sha) == 0)
		return (CLIENT_EXIT_OK);
	xasprintf(&bad, "%s.bad", t->path);
	if (rename(t->path, bad) == -1)
		r = client_error(CLIENT_EXIT_FAIL, "%s does not match the "
		    "SHA-256 of resource #%lld, and cannot be renamed %s: %s; "
		    "remove it before trying again", t->path, (long long)t->id,
		    bad, strerror(errno));
	else
		r = client_error(CLIENT_EXIT_FAIL, "%s does not match the "
		    "SHA-256 of resource #%lld%s; it is kept as %s, and "
		    "running the command again fetches it anew", t->path,
		    (long long)t->id, t->start > 0 ? " (the part that was "
		    "there before may not have been this resource)" : "", bad);
	free(bad);
	return (r);
}

static void
download_done(struct transfer *t)
{
	char	size[32], from[32];

	print_safe(t->path);
	print_size(t->size, size, sizeof size);
	printf(": %s, SHA-256 verified", size);
	if (t->start > 0) {
		print_size(t->start, from, sizeof from);
		printf(" (resumed after %s)", from);
	}
	putchar('\n');
}

static int
download_setup(struct transfer *t, json_t *r)
{
	const char	*sha = json_string_value(json_object_get(r, "sha256"));

	t->id = json_integer_value(json_object_get(r, "id"));
	t->size = json_integer_value(json_object_get(r, "size"));
	if (sha == NULL || proto_parse_sha256(sha, NULL) != 0 || t->size < 1)
		return (client_error(CLIENT_EXIT_FAIL, "resource #%lld is a "
		    "link, not a file: %s", (long long)t->id,
		    json_string_value(json_object_get(r, "url")) != NULL ?
		    json_string_value(json_object_get(r, "url")) : "?"));
	memcpy(t->sha, sha, sizeof t->sha);
	return (CLIENT_EXIT_OK);
}

int
transfer_download(struct client *c, json_t *res, const char *path)
{
	struct transfer	t;
	struct stat	sb;
	int		r, complete;

	memset(&t, 0, sizeof t);
	t.c = c;
	t.verb = "fetching";
	t.path = path;
	t.fd = -1;
	t.request = download_request;
	t.reply = download_reply;
	t.progress = isatty(STDERR_FILENO);
	if ((r = download_setup(&t, res)) != 0 ||
	    (r = download_existing(&t, &complete)) != 0)
		return (r);
	if (complete) {
		print_safe(path);
		printf(" is complete already: its SHA-256 is resource "
		    "#%lld's\n", (long long)t.id);
		return (print_done());
	}
	/* Appending: a file that grew since it was looked at resumes from
	 * where it ends now. */
	if ((t.fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) == -1 || fstat(t.fd, &sb) == -1) {
		r = client_error(CLIENT_EXIT_FAIL, "cannot open %s: %s", path,
		    strerror(errno));
		goto out;
	}
	t.done = t.start = sb.st_size;
	if (t.done > t.size) {
		r = client_error(CLIENT_EXIT_FAIL, "%s grew past the size of "
		    "resource #%lld while it was opened", path, (long long)t.id);
		goto out;
	}
	if ((r = transfer_run(&t, NULL)) == 0 &&
	    (r = download_verify(&t)) == 0) {
		download_done(&t);
		r = print_done();
	}
out:
	transfer_unshow(&t);
	if (t.fd != -1)
		close(t.fd);
	return (r);
}
