/*
 * An open-addressing table of 4096 slots under one mutex (logons are rare
 * next to requests).  A key is the first 16 bytes of HMAC-SHA256 ("u" or
 * "a", then the name or address) under the process's random key
 * (password_hash.c's); a full probe window evicts the entry that failed
 * longest ago, never one the same call has just written.
 */
#include "throttle.h"
#include "password_hash.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#define SLOTS  4096
#define WINDOW 8
#define DIGEST 16

struct entry {
    uint8_t key[DIGEST];
    bool used;
    unsigned failures;
    uint64_t last_ms;
};

static struct entry table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t last_watched_ms; /* a failure past the free ones; 0: none yet */

static void
user_key(uint8_t out[DIGEST], const char *user)
{
    gs_keyed_digest('u', user ? user : "", user ? strlen(user) : 0, out, DIGEST);
}

static bool
address_key(uint8_t out[DIGEST], const gs_sockaddr_t *client)
{
    gs_sockaddr_t a;

    if (client == NULL) {
        return false;
    }
    if (client->sa.sa_family == AF_INET) {
        gs_keyed_digest('a', &client->in.sin_addr, sizeof(client->in.sin_addr), out, DIGEST);
        return true;
    }
    if (client->sa.sa_family == AF_INET6) {
        a = *client;
        /* One IPv6 client usually has a whole /64 to move around in. */
        memset(a.in6.sin6_addr.s6_addr + 8, 0, 8);
        gs_keyed_digest('6', a.in6.sin6_addr.s6_addr, 8, out, DIGEST);
        return true;
    }
    return false;
}

static bool
stale(const struct entry *e, uint64_t now_ms)
{
    return !e->used || now_ms - e->last_ms > GS_THROTTLE_FORGET_MS;
}

/* The entry of key; with `create`, made (evicting, but never `keep`) when absent.  Locked. */
static struct entry *
find(const uint8_t key[DIGEST], bool create, uint64_t now_ms, const struct entry *keep)
{
    uint32_t start;
    struct entry *victim = NULL;
    bool victim_stale = false;

    memcpy(&start, key, sizeof(start));
    start %= SLOTS;
    for (unsigned i = 0; i < WINDOW; i++) {
        struct entry *e = &table[(start + i) % SLOTS];
        bool old = stale(e, now_ms);

        if (!old && memcmp(e->key, key, DIGEST) == 0) {
            return e;
        }
        if (e == keep) {
            continue;
        }
        /* Room: an empty or forgotten slot first, else the one that failed longest ago. */
        if (old && !victim_stale) {
            victim = e;
            victim_stale = true;
        } else if (!victim_stale && (victim == NULL || e->last_ms < victim->last_ms)) {
            victim = e;
        }
    }
    if (!create || victim == NULL) {
        return NULL;
    }
    memcpy(victim->key, key, DIGEST);
    victim->used = true;
    victim->failures = 0;
    victim->last_ms = now_ms;
    return victim;
}

/* What an entry still asks a logon to wait. */
static unsigned
wait_of(const struct entry *e, uint64_t now_ms)
{
    unsigned n;
    uint64_t delay, until;

    if (e == NULL || stale(e, now_ms) || e->failures < GS_THROTTLE_FREE_FAILURES) {
        return 0;
    }
    n = e->failures - GS_THROTTLE_FREE_FAILURES;
    delay = n >= 20 ? GS_THROTTLE_MAX_DELAY_MS : (uint64_t) GS_THROTTLE_FIRST_DELAY_MS << n;
    if (delay > GS_THROTTLE_MAX_DELAY_MS) {
        delay = GS_THROTTLE_MAX_DELAY_MS;
    }
    until = e->last_ms + delay;
    return until > now_ms ? (unsigned) (until - now_ms) : 0;
}

unsigned
gs_throttle_wait_ms(const char *user, const gs_sockaddr_t *client, uint64_t now_ms)
{
    uint8_t key[DIGEST];
    unsigned by_user, by_address = 0;

    user_key(key, user);
    pthread_mutex_lock(&lock);
    by_user = wait_of(find(key, false, now_ms, NULL), now_ms);
    pthread_mutex_unlock(&lock);
    if (address_key(key, client)) {
        pthread_mutex_lock(&lock);
        by_address = wait_of(find(key, false, now_ms, NULL), now_ms);
        pthread_mutex_unlock(&lock);
    }
    return by_user > by_address ? by_user : by_address;
}

bool
gs_throttle_watched(const char *user, const gs_sockaddr_t *client, uint64_t now_ms)
{
    uint8_t key[DIGEST];
    const struct entry *e;
    bool watched;

    user_key(key, user);
    pthread_mutex_lock(&lock);
    e = find(key, false, now_ms, NULL);
    watched = e != NULL && e->failures >= GS_THROTTLE_FREE_FAILURES;
    if (!watched && address_key(key, client)) {
        e = find(key, false, now_ms, NULL);
        watched = e != NULL && e->failures >= GS_THROTTLE_FREE_FAILURES;
    }
    pthread_mutex_unlock(&lock);
    return watched;
}

bool
gs_throttle_recent(uint64_t now_ms)
{
    uint64_t last = atomic_load_explicit(&last_watched_ms, memory_order_relaxed);

    /* A clock a little behind the one failures are stamped with counts as recent. */
    return last != 0 && (now_ms < last || now_ms - last < GS_THROTTLE_FORGET_MS);
}

void
gs_throttle_failed(const char *user, const gs_sockaddr_t *client, uint64_t now_ms)
{
    uint8_t ukey[DIGEST], akey[DIGEST];
    bool has_address = address_key(akey, client);
    bool watched = false;
    struct entry *u, *a;

    user_key(ukey, user);
    pthread_mutex_lock(&lock);
    u = find(ukey, true, now_ms, NULL);
    if (u != NULL) {
        u->failures++;
        u->last_ms = now_ms;
        watched = u->failures >= GS_THROTTLE_FREE_FAILURES;
    }
    if (has_address) {
        a = find(akey, true, now_ms, u);
        if (a != NULL) {
            a->failures++;
            a->last_ms = now_ms;
            watched = watched || a->failures >= GS_THROTTLE_FREE_FAILURES;
        }
    }
    if (watched) {
        atomic_store_explicit(&last_watched_ms, now_ms > 0 ? now_ms : 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&lock);
}

void
gs_throttle_succeeded(const char *user, uint64_t now_ms)
{
    uint8_t key[DIGEST];
    struct entry *e;

    user_key(key, user);
    pthread_mutex_lock(&lock);
    e = find(key, false, now_ms, NULL);
    if (e != NULL) {
        e->used = false;
    }
    pthread_mutex_unlock(&lock);
}
