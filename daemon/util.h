/*
 * util.h: the daemon's small shared helpers: allocation that aborts on
 * out-of-memory (so callers never check for NULL: input limits, not
 * malloc failures, keep memory bounded), logging to stderr with levels,
 * and fatal() for start-up errors and broken invariants only.
 *
 * Logging rule: never a password, token, invite code, key or post body.
 */
#ifndef HARBOUR_UTIL_H
#define HARBOUR_UTIL_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void	 log_init(enum log_level);
void	 log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Lines a peer can cause at will (a failed login, a refused connection):
 * of each kind (its format string) from one address, the first
 * LOG_REPEAT_FREE in a LOG_REPEAT_WINDOW_SEC window are written and the
 * rest only counted; log_repeat_tick() then writes "N more like this from
 * ADDR in the last minute: <the last one>". LOG_REPEAT_SLOTS kinds and
 * addresses are told apart at once; past that, the rest share one count
 * ("from other addresses"), so a spray of addresses is summarised too.
 */
#define LOG_REPEAT_FREE		10
#define LOG_REPEAT_WINDOW_SEC	60
#define LOG_REPEAT_SLOTS	128
void	 log_peer(enum log_level, const char *addr, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* From the server's tick: summarise the windows that have ended. */
void	 log_repeat_tick(void);

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

/* strlcpy semantics: always terminates, returns strlen(src). */
size_t	 strlcpy_h(char *dst, const char *src, size_t size);

int64_t	 now_seconds(void);		/* wall clock, UTC seconds */
uint64_t now_monotonic_ms(void);

/* For tests only: when HARBOUR_TEST_CLOCK_FILE names a file holding a
 * time in milliseconds since the epoch, both clocks above read it (and
 * stand still until the file says otherwise; they never go back), so a
 * test can step over a timeout or a throttle's wait instead of sleeping
 * through it. Timers of the event loop itself keep real time. */
#define UTIL_TEST_CLOCK_ENV	"HARBOUR_TEST_CLOCK_FILE"

#endif
