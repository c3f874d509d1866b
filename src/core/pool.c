/*
 * Blocks of 4 KiB carved front to back; an allocation larger than a quarter
 * of a block gets a block of its own so that one big header does not waste
 * the rest of the current block.
 */
#include "pool.h"
#include "util.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCK_SIZE 4096
#define ALIGN      alignof(max_align_t)

struct block {
    struct block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    gs_cleanup_fn fn;
    void *arg;
};

struct gs_pool {
    struct block *current; /* allocations come from here */
    struct block *large;   /* dedicated blocks */
    struct cleanup *cleanups;
    struct block first; /* must stay last: its data runs to BLOCK_SIZE */
};

static struct block *
block_new(size_t size)
{
    struct block *b = gs_xmalloc(sizeof(*b) + size);

    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

gs_pool_t *
gs_pool_create(void)
{
    gs_pool_t *pool = gs_xmalloc(BLOCK_SIZE);

    pool->current = &pool->first;
    pool->large = NULL;
    pool->cleanups = NULL;
    pool->first.next = NULL;
    pool->first.used = 0;
    pool->first.size = BLOCK_SIZE - sizeof(*pool);
    return pool;
}

void
gs_pool_destroy(gs_pool_t *pool)
{
    struct block *b, *next;

    if (pool == NULL) {
        return;
    }
    /* Cleanups may still read pool memory: run them before freeing it. */
    while (pool->cleanups != NULL) {
        struct cleanup *c = pool->cleanups;

        pool->cleanups = c->next;
        c->fn(c->arg);
    }
    for (b = pool->large; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    for (b = pool->first.next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(pool);
}

void *
gs_pool_alloc(gs_pool_t *pool, size_t n)
{
    struct block *b = pool->current;
    size_t at = (b->used + ALIGN - 1) & ~(ALIGN - 1);

    if (GS_LIKELY(at + n <= b->size)) {
        b->used = at + n;
        return b->data + at;
    }
    if (n > BLOCK_SIZE / 4) {
        struct block *big = block_new(n);

        big->next = pool->large;
        pool->large = big;
        return big->data;
    }
    b = block_new(BLOCK_SIZE - sizeof(struct block));
    /* Blocks chain from the first so that destroy finds them all. */
    b->next = pool->first.next;
    pool->first.next = b;
    pool->current = b;
    b->used = n;
    return b->data;
}

void *
gs_pool_calloc(gs_pool_t *pool, size_t n)
{
    return memset(gs_pool_alloc(pool, n), 0, n);
}

char *
gs_pool_strndup(gs_pool_t *pool, const char *s, size_t n)
{
    char *p = gs_pool_alloc(pool, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *
gs_pool_memdup(gs_pool_t *pool, const void *p, size_t n)
{
    return memcpy(gs_pool_alloc(pool, n), p, n);
}

void
gs_pool_cleanup(gs_pool_t *pool, gs_cleanup_fn fn, void *arg)
{
    struct cleanup *c = gs_pool_alloc(pool, sizeof(*c));

    c->fn = fn;
    c->arg = arg;
    c->next = pool->cleanups;
    pool->cleanups = c;
}

static void
close_fd(void *arg)
{
    close((int) (intptr_t) arg);
}

void
gs_pool_cleanup_fd(gs_pool_t *pool, int fd)
{
    gs_pool_cleanup(pool, close_fd, (void *) (intptr_t) fd);
}
