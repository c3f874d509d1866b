/*
 * What a cached Basic logon costs: the TOKEN cache holding `--entries`
 * users (made through the real code: gs_token_create for this process's
 * uid, gs_password_hash, gs_token_entry_create, gs_token_cache_add), then
 * hits timed with 1 and 2 threads, each operation separately:
 *
 *   hash      gs_password_hash (the keyed HMAC-SHA256 of user and password)
 *   retrieve  gs_cache_operation(RETRIEVE) with a probe prepared beforehand
 *             (gs_token_probe_init), and the dereference: the engine alone
 *   find      gs_token_cache_find with the hash ready: probe + retrieve
 *   basic     gs_password_hash + gs_token_cache_find: what
 *             BasicAuthenticationModule does for a request of a cached user
 *
 * Every lookup must hit (a miss aborts).  The users are visited in a
 * strided order, each thread from its own offset.  A run lasts about
 * `--ms` per thread; the figure is the median over `--runs` runs of the
 * time per operation in one thread (wall time / operations of that thread),
 * and the operations per second of all threads together.
 *
 * Not a test: bench/run runs it and prints its lines.  Output, one line per
 * measurement, key=value so that bench/run can read it:
 *
 *   op=retrieve threads=2 ns=123.4 min=120.1 max=130.2 mops=16.2
 */
#include "cache/cache.h"
#include "cache/token_cache.h"
#include "security/password_hash.h"
#include "security/token.h"
#include "security/token_entry.h"

#include <guise/httpcach.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 2
#define STRIDE      7919 /* a prime: visits every user when it does not divide --entries */
#define METHOD      LOGON32_LOGON_NETWORK_CLEARTEXT

struct user {
    char name[32];
    char password[32];
    char hash[GS_PASSWORD_HASH_HEX + 1];
    gs_token_probe_t probe;
};

static struct user *users;
static unsigned nusers;

typedef unsigned long (*op_fn)(unsigned i);

struct thread_run {
    pthread_t thread;
    op_fn op;
    unsigned start;
    unsigned long count;
    pthread_barrier_t *barrier;
    double seconds;
    unsigned long sink;
};

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
die(const char *what, unsigned i)
{
    fprintf(stderr, "cache_lookup: %s (user %u)\n", what, i);
    exit(1);
}

/* ---- the operations ----------------------------------------------------------------------- */

static unsigned long
op_hash(unsigned i)
{
    char hash[GS_PASSWORD_HASH_HEX + 1];

    gs_password_hash(users[i].name, users[i].password, hash);
    return (unsigned char) hash[0];
}

static unsigned long
op_retrieve(unsigned i)
{
    IHttpCacheSpecificData *record = NULL;

    if (FAILED(gs_cache_operation(CACHE_OPERATION_RETRIEVE,
                                  (IHttpCacheKey *) &users[i].probe.IHttpTokenKey_iface, &record,
                                  NULL))
        || record == NULL)
    {
        die("RETRIEVE missed", i);
    }
    IHttpCacheSpecificData_DereferenceCacheData(record);
    return (unsigned long) (uintptr_t) record;
}

static unsigned long
find_hash(unsigned i, const char *hash)
{
    IHttpTokenEntry *entry = gs_token_cache_find(users[i].name, hash, METHOD, NULL, NULL);

    if (entry == NULL) {
        die("gs_token_cache_find missed", i);
    }
    IHttpTokenEntry_DereferenceCacheData(entry);
    return (unsigned long) (uintptr_t) entry;
}

static unsigned long
op_find(unsigned i)
{
    return find_hash(i, users[i].hash);
}

static unsigned long
op_basic(unsigned i)
{
    char hash[GS_PASSWORD_HASH_HEX + 1];

    gs_password_hash(users[i].name, users[i].password, hash);
    return find_hash(i, hash);
}

/* ---- timing ------------------------------------------------------------------------------- */

static void *
thread_main(void *arg)
{
    struct thread_run *t = arg;
    unsigned i = t->start;
    unsigned long sink = 0;
    double t0;

    pthread_barrier_wait(t->barrier);
    t0 = now();
    for (unsigned long n = 0; n < t->count; n++) {
        sink += t->op(i);
        i += STRIDE;
        if (i >= nusers) {
            i %= nusers;
        }
    }
    t->seconds = now() - t0;
    t->sink = sink;
    return NULL;
}

/* One run: `threads` threads, `count` operations each.  Sets ns per operation and Mops/s. */
static void
run_once(op_fn op, unsigned threads, unsigned long count, double *ns, double *mops)
{
    struct thread_run t[MAX_THREADS];
    pthread_barrier_t barrier;
    double sum = 0, longest = 0;

    pthread_barrier_init(&barrier, NULL, threads);
    for (unsigned k = 0; k < threads; k++) {
        t[k] = (struct thread_run){.op = op,
                                   .start = (unsigned) ((unsigned long) nusers * k / threads),
                                   .count = count,
                                   .barrier = &barrier};
        if (pthread_create(&t[k].thread, NULL, thread_main, &t[k]) != 0) {
            die("pthread_create failed", 0);
        }
    }
    for (unsigned k = 0; k < threads; k++) {
        pthread_join(t[k].thread, NULL);
        sum += t[k].seconds;
        if (t[k].seconds > longest) {
            longest = t[k].seconds;
        }
    }
    pthread_barrier_destroy(&barrier);
    *ns = sum / threads / (double) count * 1e9;
    *mops = (double) count * threads / longest / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

static double
median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Operations per thread for a run of about `ms`, from a short run with one thread. */
static unsigned long
calibrate(op_fn op, unsigned ms)
{
    unsigned long count = 1000;
    double ns, mops;

    for (;;) {
        double t0 = now();

        run_once(op, 1, count, &ns, &mops);
        if (now() - t0 > 0.02 || count > (1ul << 32)) {
            break;
        }
        count *= 4;
    }
    return (unsigned long) ((double) ms * 1e6 / ns) + 1;
}

static void
measure(const char *name, op_fn op, unsigned max_threads, unsigned runs, unsigned ms)
{
    unsigned long count = calibrate(op, ms);
    double ns[64], mops[64];

    for (unsigned threads = 1; threads <= max_threads; threads++) {
        double lo, hi;

        for (unsigned r = 0; r < runs; r++) {
            run_once(op, threads, count, &ns[r], &mops[r]);
        }
        qsort(ns, runs, sizeof(*ns), cmp_double);
        lo = ns[0];
        hi = ns[runs - 1];
        printf("op=%s threads=%u ns=%.1f min=%.1f max=%.1f mops=%.2f ops_per_thread=%lu\n", name,
               threads, median(ns, runs), lo, hi, median(mops, runs), count);
        fflush(stdout);
    }
}

/* ---- setup -------------------------------------------------------------------------------- */

static void
fill_cache(unsigned entries)
{
    gs_cache_limits_t limits = {true, entries, 0}; /* no TTL: nothing ages during the run */
    gs_cache_stats_t stats;
    double t0;

    gs_token_cache_configure(&limits, 0);
    users = calloc(entries, sizeof(*users));
    if (users == NULL) {
        die("out of memory", 0);
    }
    nusers = entries;
    for (unsigned i = 0; i < entries; i++) {
        struct user *u = &users[i];

        snprintf(u->name, sizeof(u->name), "bench-user-%05u", i);
        /* 24 characters, as bench/run's account password (token_urlsafe(18)) */
        snprintf(u->password, sizeof(u->password), "Pw%05u-k3Yq9XzT1mWb7Lr0", i);
        gs_password_hash(u->name, u->password, u->hash);
        if (!gs_token_probe_init(&u->probe, u->name, u->hash, METHOD)) {
            die("gs_token_probe_init failed", i);
        }
    }
    /* What a logon that succeeded does: an entry for the user's token, added to the cache. */
    t0 = now();
    for (unsigned i = 0; i < entries; i++) {
        gs_token_t *token = gs_token_create(getuid(), getgid(), NULL, 0, users[i].name);
        /* The entry takes over our reference on the token. */
        IHttpTokenEntry *entry = gs_token_entry_create(token, users[i].name, users[i].hash, METHOD);

        gs_token_cache_add(entry, gs_token_cache_generation(), NULL);
        IHttpTokenEntry_DereferenceCacheData(entry); /* the cache keeps its own */
    }
    printf("add entries=%u us_per_add=%.1f\n", entries, (now() - t0) / entries * 1e6);
    gs_cache_stats(gs_cache_find(TOKEN_CACHE_NAME), &stats);
    if (stats.entries != entries) {
        die("the cache does not hold every entry", (unsigned) stats.entries);
    }
}

static void
usage(void)
{
    fprintf(stderr, "usage: cache_lookup [--entries N] [--runs N] [--ms MS] [--threads 1|2]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    unsigned entries = 1000, runs = 5, ms = 200, threads = MAX_THREADS;

    /* Options come in pairs: a name, then its value. */
    for (int i = 1; i < argc; i += 2) {
        unsigned long v;
        char *end;

        if (i + 1 >= argc) {
            usage();
        }
        v = strtoul(argv[i + 1], &end, 10);
        if (*end != '\0' || v == 0) {
            usage();
        }
        if (strcmp(argv[i], "--entries") == 0 && v <= 1000000) {
            entries = (unsigned) v;
        } else if (strcmp(argv[i], "--runs") == 0 && v <= 64) {
            runs = (unsigned) v;
        } else if (strcmp(argv[i], "--ms") == 0 && v <= 60000) {
            ms = (unsigned) v;
        } else if (strcmp(argv[i], "--threads") == 0 && v <= MAX_THREADS) {
            threads = (unsigned) v;
        } else {
            usage();
        }
    }
    printf("cache_lookup entries=%u runs=%u ms=%u\n", entries, runs, ms);
    fill_cache(entries);
    measure("hash", op_hash, threads, runs, ms);
    measure("retrieve", op_retrieve, threads, runs, ms);
    measure("find", op_find, threads, runs, ms);
    measure("basic", op_basic, threads, runs, ms);
    gs_cache_shutdown();
    gs_cache_destroy_all();
    free(users);
    return 0;
}
