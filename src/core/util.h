/*
 * Small helpers every part of guise may use: container_of, branch hints,
 * panics.  Nothing here allocates or knows about HTTP.
 */
#ifndef GS_CORE_UTIL_H
#define GS_CORE_UTIL_H

#include <stddef.h>

#define gs_container_of(ptr, type, member)                                                         \
    ((type *) (void *) ((char *) (ptr) -offsetof(type, member)))

#define GS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define GS_LIKELY(x)    __builtin_expect(!!(x), 1)
#define GS_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define GS_UNUSED       __attribute__((unused))
#define GS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Ends the process after logging why: for broken invariants only. */
_Noreturn void gs_panic(const char *fmt, ...) GS_PRINTF(1, 2);

/* Allocation that cannot fail: out of memory aborts (STYLE.md, Errors). */
void *gs_xmalloc(size_t n);
void *gs_xcalloc(size_t n, size_t size);
void *gs_xrealloc(void *p, size_t n);
char *gs_xstrdup(const char *s);

#endif
