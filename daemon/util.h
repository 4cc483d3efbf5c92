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

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

/* strlcpy semantics: always terminates, returns strlen(src). */
size_t	 strlcpy_h(char *dst, const char *src, size_t size);

int64_t	 now_seconds(void);		/* wall clock, UTC seconds */
uint64_t now_monotonic_ms(void);

#endif
