/*
 * Request memory: an arena freed all at once.  One pool per request (and per
 * long-lived object that wants one); nothing allocated from it is freed
 * alone.  Cleanups run in reverse order of registration when the pool is
 * destroyed, on every path, which is how a request lets go of the files,
 * references and module instances it holds.  Not thread-safe: a pool
 * belongs to the thread that runs its request.
 */
#ifndef GS_CORE_POOL_H
#define GS_CORE_POOL_H

#include <stddef.h>

typedef struct gs_pool gs_pool_t;
typedef void (*gs_cleanup_fn)(void *arg);

gs_pool_t *gs_pool_create(void);
void gs_pool_destroy(gs_pool_t *pool);

/* Never returns NULL (out of memory aborts).  Aligned for any type. */
void *gs_pool_alloc(gs_pool_t *pool, size_t n);
void *gs_pool_calloc(gs_pool_t *pool, size_t n);
char *gs_pool_strndup(gs_pool_t *pool, const char *s, size_t n);
void *gs_pool_memdup(gs_pool_t *pool, const void *p, size_t n);

/* Registers fn(arg) to run when the pool is destroyed. */
void gs_pool_cleanup(gs_pool_t *pool, gs_cleanup_fn fn, void *arg);

/* Closes fd when the pool is destroyed. */
void gs_pool_cleanup_fd(gs_pool_t *pool, int fd);

#endif
