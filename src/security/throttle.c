/*
 * An open-addressing table of 4096 slots under one mutex (logons are rare
 * next to requests).  A key is "u:" + user name or "a:" + address text; a
 * full probe window evicts its least recently failed entry.
 */
#include "throttle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SLOTS   4096
#define WINDOW  8
#define KEY_MAX 160

struct entry {
    char key[KEY_MAX];
    unsigned failures;
    uint64_t last_ms;
};

static struct entry table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t
hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        h = (h ^ (uint8_t) *s) * 16777619u;
    }
    return h;
}

static void
user_key(char out[KEY_MAX], const char *user)
{
    snprintf(out, KEY_MAX, "u:%s", user ? user : "");
}

static bool
address_key(char out[KEY_MAX], const gs_sockaddr_t *client)
{
    char host[GS_ADDR_TEXT_MAX];

    if (client == NULL || (client->sa.sa_family != AF_INET && client->sa.sa_family != AF_INET6)) {
        return false;
    }
    gs_sockaddr_host(client, host);
    snprintf(out, KEY_MAX, "a:%s", host);
    return true;
}

/* The entry of key; with `create`, made (evicting) when absent.  Under the lock. */
static struct entry *
find(const char *key, bool create, uint64_t now_ms)
{
    uint32_t start = hash(key) % SLOTS;
    struct entry *victim = NULL;
    bool victim_stale = false;

    for (unsigned i = 0; i < WINDOW; i++) {
        struct entry *e = &table[(start + i) % SLOTS];
        bool stale = e->key[0] == '\0' || now_ms - e->last_ms > GS_THROTTLE_FORGET_MS;

        if (!stale && strcmp(e->key, key) == 0) {
            return e;
        }
        /* Room: an empty or forgotten slot first, else the one that failed longest ago. */
        if (stale && !victim_stale) {
            victim = e;
            victim_stale = true;
        } else if (!victim_stale && (victim == NULL || e->last_ms < victim->last_ms)) {
            victim = e;
        }
    }
    if (!create) {
        return NULL;
    }
    snprintf(victim->key, KEY_MAX, "%s", key);
    victim->failures = 0;
    victim->last_ms = now_ms;
    return victim;
}

static unsigned
delay_of(const struct entry *e, uint64_t now_ms)
{
    unsigned n;
    uint64_t d;

    if (e == NULL || now_ms - e->last_ms > GS_THROTTLE_FORGET_MS
        || e->failures < GS_THROTTLE_FREE_FAILURES)
    {
        return 0;
    }
    n = e->failures - GS_THROTTLE_FREE_FAILURES;
    d = n >= 20 ? GS_THROTTLE_MAX_DELAY_MS : (uint64_t) GS_THROTTLE_FIRST_DELAY_MS << n;
    return d > GS_THROTTLE_MAX_DELAY_MS ? GS_THROTTLE_MAX_DELAY_MS : (unsigned) d;
}

unsigned
gs_throttle_delay_ms(const char *user, const gs_sockaddr_t *client, uint64_t now_ms)
{
    char key[KEY_MAX];
    unsigned by_user, by_address = 0;

    pthread_mutex_lock(&lock);
    user_key(key, user);
    by_user = delay_of(find(key, false, now_ms), now_ms);
    if (address_key(key, client)) {
        by_address = delay_of(find(key, false, now_ms), now_ms);
    }
    pthread_mutex_unlock(&lock);
    return by_user > by_address ? by_user : by_address;
}

void
gs_throttle_failed(const char *user, const gs_sockaddr_t *client, uint64_t now_ms)
{
    char key[KEY_MAX];
    struct entry *e;

    pthread_mutex_lock(&lock);
    user_key(key, user);
    e = find(key, true, now_ms);
    e->failures++;
    e->last_ms = now_ms;
    if (address_key(key, client)) {
        e = find(key, true, now_ms);
        e->failures++;
        e->last_ms = now_ms;
    }
    pthread_mutex_unlock(&lock);
}

void
gs_throttle_succeeded(const char *user, uint64_t now_ms)
{
    char key[KEY_MAX];
    struct entry *e;

    pthread_mutex_lock(&lock);
    user_key(key, user);
    e = find(key, false, now_ms);
    if (e != NULL) {
        e->key[0] = '\0';
    }
    pthread_mutex_unlock(&lock);
}
