/*
 * util.c: allocation wrappers, leveled logging to stderr (journald
 * collects it under systemd), and clocks. See util.h for the rules.
 *
 * The log is itself a resource a peer can exhaust: a line per failed
 * login at a hundred thousand logins a second fills a disk and buries
 * everything else. Lines a peer causes go through log_peer, which keeps
 * a small fixed table of (kind, address) windows and writes a summary
 * instead of the repeats; the table is bounded, and what does not fit
 * is summarised under one shared entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* The summary says "in the last minute". */
_Static_assert(LOG_REPEAT_WINDOW_SEC == 60, "the summary line names a minute");

/* The text kept of the last line not written, for its summary. */
#define LOG_REPEAT_TEXT		256

static enum log_level log_max = LOG_LEVEL_INFO;

struct log_repeat {
	const char	*fmt;		/* the kind; NULL: a free slot */
	char		 addr[64];
	enum log_level	 level;
	uint64_t	 start_ms;	/* the window's */
	unsigned int	 written;
	unsigned long long suppressed;
	char		 last[LOG_REPEAT_TEXT];
};

static struct log_repeat	log_repeats[LOG_REPEAT_SLOTS];
static struct log_repeat	log_repeat_other;	/* the table was full */
static pthread_mutex_t		log_repeat_lock = PTHREAD_MUTEX_INITIALIZER;

void
log_init(enum log_level level)
{
	log_max = level;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char line[1024];

	if (level > log_max)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	/* One write per line so that concurrent threads do not interleave. */
	fprintf(stderr, "harbourd: %s: %s\n", names[level], line);
}

#define LOG_FN(fn, level)					\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	log_vwrite(level, fmt, ap);				\
	va_end(ap);						\
}
LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

static void
log_line(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

/* The window of r has ended: say what was left out, free the slot. */
static void
log_repeat_end(struct log_repeat *r)
{
	if (r->suppressed > 0)
		log_line(r->level, "%llu more like this from %s in the last "
		    "minute: %s", r->suppressed, r->addr, r->last);
	r->fmt = NULL;
	r->written = 0;
	r->suppressed = 0;
}

static struct log_repeat *
log_repeat_find(const char *fmt, const char *addr, enum log_level level,
    uint64_t now)
{
	struct log_repeat *r, *free_slot = NULL;
	size_t i;

	for (i = 0; i < LOG_REPEAT_SLOTS; i++) {
		r = &log_repeats[i];
		if (r->fmt == fmt && strcmp(r->addr, addr) == 0)
			return r;
		if (r->fmt == NULL && free_slot == NULL)
			free_slot = r;
	}
	if ((r = free_slot) == NULL) {
		r = &log_repeat_other;
		if (r->fmt != NULL)
			return r;
		addr = "other addresses";
	}
	r->fmt = fmt;
	strlcpy_h(r->addr, addr, sizeof r->addr);
	r->level = level;
	r->start_ms = now;
	return r;
}

void
log_peer(enum log_level level, const char *addr, const char *fmt, ...)
{
	struct log_repeat *r;
	uint64_t now;
	va_list ap;

	if (level > log_max)
		return;
	now = now_monotonic_ms();
	pthread_mutex_lock(&log_repeat_lock);
	r = log_repeat_find(fmt, addr, level, now);
	if (now - r->start_ms >= LOG_REPEAT_WINDOW_SEC * 1000ULL) {
		/* Ended between ticks: summarise, then a new window. */
		log_repeat_end(r);
		r = log_repeat_find(fmt, addr, level, now);
	}
	va_start(ap, fmt);
	if (r->written < LOG_REPEAT_FREE) {
		r->written++;
		log_vwrite(level, fmt, ap);
	} else {
		r->suppressed++;
		vsnprintf(r->last, sizeof r->last, fmt, ap);
	}
	va_end(ap);
	pthread_mutex_unlock(&log_repeat_lock);
}

void
log_repeat_tick(void)
{
	uint64_t now = now_monotonic_ms();
	size_t i;

	pthread_mutex_lock(&log_repeat_lock);
	for (i = 0; i < LOG_REPEAT_SLOTS; i++)
		if (log_repeats[i].fmt != NULL && now - log_repeats[i].start_ms >=
		    LOG_REPEAT_WINDOW_SEC * 1000ULL)
			log_repeat_end(&log_repeats[i]);
	if (log_repeat_other.fmt != NULL && now - log_repeat_other.start_ms >=
	    LOG_REPEAT_WINDOW_SEC * 1000ULL)
		log_repeat_end(&log_repeat_other);
	pthread_mutex_unlock(&log_repeat_lock);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	return n;
}

size_t
strlcpy_h(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

/*
 * The test clock (util.h). The file is read at every look at the clock:
 * three system calls, for tests only; the value kept is the latest one
 * read, so the clock never goes back, even on a file caught half
 * written.
 */
static pthread_once_t	 test_clock_once = PTHREAD_ONCE_INIT;
static const char	*test_clock_path;
static uint64_t		 test_clock_last;

static void
test_clock_init(void)
{
	const char *p = getenv(UTIL_TEST_CLOCK_ENV);

	if (p != NULL && *p != '\0')
		test_clock_path = p;
}

static uint64_t
test_clock_ms(void)
{
	char buf[32], *end;
	unsigned long long v;
	uint64_t last;
	ssize_t n = -1;
	int fd;

	if ((fd = open(test_clock_path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	last = __atomic_load_n(&test_clock_last, __ATOMIC_RELAXED);
	if (n > 0) {
		buf[n] = '\0';
		errno = 0;
		v = strtoull(buf, &end, 10);
		if (errno == 0 && end != buf && v > last) {
			__atomic_store_n(&test_clock_last, v, __ATOMIC_RELAXED);
			last = v;
		}
	}
	if (last == 0)
		fatal("%s=%s: no time in milliseconds in it",
		    UTIL_TEST_CLOCK_ENV, test_clock_path);
	return last;
}

int64_t
now_seconds(void)
{
	pthread_once(&test_clock_once, test_clock_init);
	if (test_clock_path != NULL)
		return (int64_t)(test_clock_ms() / 1000);
	return (int64_t)time(NULL);
}

uint64_t
now_monotonic_ms(void)
{
	struct timespec ts;

	pthread_once(&test_clock_once, test_clock_init);
	if (test_clock_path != NULL)
		return test_clock_ms();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
