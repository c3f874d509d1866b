/*
 * The pool: GS_LOGON_THREADS workers take jobs from one queue (a job
 * throttled by earlier failures waits in the queue until its time), and a
 * watchdog thread ends every job whose deadline passes, whether it still
 * waits or is stuck in PAM.  Whoever ends a job first (worker or watchdog)
 * reports it, by compare-and-swap; the worker frees it when it is done with
 * it.  Threads start with the first logon.
 */
#include "logon.h"
#include "identity.h"
#include "throttle.h"
#include "core/log.h"
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <security/pam_appl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct job {
    struct job *next;
    char *user, *password; /* as the client gave them */
    char *account;         /* the account PAM settled on (it may map names); NULL: user */
    DWORD method;
    gs_sockaddr_t client;
    bool has_client;
    uint64_t not_before_ms, deadline_ms;
    bool throttled;       /* would wait past its deadline: answer at once */
    bool taken;           /* a worker has it */
    atomic_bool reported; /* done() was called */
    gs_logon_done_fn done;
    void *arg;
    /* what the worker found, for the log */
    gs_logon_result_t result;
    gs_token_t *token;
    char reason[256];
} job_t;

static atomic_uint pending; /* jobs in pool.jobs: gs_logon_guarded skips the lock at 0 */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t work, watch;
    job_t *jobs; /* every job not yet freed, in submission order */
    bool started, stopping;
    char service[128];
    unsigned timeout_ms;
    pthread_t workers[GS_LOGON_THREADS], watchdog;
} pool = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .watch = PTHREAD_COND_INITIALIZER,
    .service = GS_LOGON_DEFAULT_SERVICE,
    .timeout_ms = GS_LOGON_DEFAULT_TIMEOUT_MS,
};

static const char *const result_names[] = {
    [GS_LOGON_OK] = "ok",
    [GS_LOGON_BAD_CREDENTIALS] = "bad user name or password",
    [GS_LOGON_REFUSED] = "account refused",
    [GS_LOGON_THROTTLED] = "throttled after failures",
    [GS_LOGON_TIMEOUT] = "timed out",
    [GS_LOGON_ERROR] = "error",
};

const char *
gs_logon_result_name(gs_logon_result_t r)
{
    return r <= GS_LOGON_ERROR ? result_names[r] : "?";
}

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static void
until(struct timespec *ts, uint64_t at_ms)
{
    ts->tv_sec = (time_t) (at_ms / 1000);
    ts->tv_nsec = (long) (at_ms % 1000) * 1000000;
}

void
gs_logon_configure(const char *service, unsigned timeout_ms)
{
    pthread_mutex_lock(&pool.mu);
    if (service != NULL) {
        snprintf(pool.service, sizeof(pool.service), "%s", service);
    }
    if (timeout_ms > 0) {
        pool.timeout_ms = timeout_ms;
    }
    pthread_mutex_unlock(&pool.mu);
}

static atomic_ullong counts[GS_LOGON_RESULTS];

void
gs_logon_counts(uint64_t out[GS_LOGON_RESULTS])
{
    for (unsigned i = 0; i < GS_LOGON_RESULTS; i++) {
        out[i] = atomic_load_explicit(&counts[i], memory_order_relaxed);
    }
}

/* Calls done() unless someone did already.  Not under the lock. */
static void
report(job_t *j, gs_logon_result_t result, gs_token_t *token, const char *reason)
{
    bool expected = false;

    if (!atomic_compare_exchange_strong(&j->reported, &expected, true)) {
        gs_token_unref(token); /* the watchdog answered first */
        return;
    }
    atomic_fetch_add_explicit(&counts[result], 1, memory_order_relaxed);
    if (result != GS_LOGON_OK) {
        gs_log_info("logon of '%s' failed: %s (%s)", j->user, gs_logon_result_name(result), reason);
    }
    j->done(j->arg, result, token, reason);
}

/* ---- PAM ------------------------------------------------------------------------------- */

/* The conversation: the password for a hidden prompt, the user name for a visible one. */
static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    job_t *j = data;
    struct pam_response *r;

    if (n <= 0 || n > PAM_MAX_NUM_MSG || msg == NULL) {
        return PAM_CONV_ERR;
    }
    if (resp == NULL) {
        /* Nowhere to answer: fine for messages, not for a question. */
        for (int i = 0; i < n; i++) {
            if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            {
                return PAM_CONV_ERR;
            }
        }
        return PAM_SUCCESS;
    }
    r = calloc((size_t) n, sizeof(*r));
    if (r == NULL) {
        return PAM_BUF_ERR;
    }
    for (int i = 0; i < n; i++) {
        switch (msg[i]->msg_style) {
        case PAM_PROMPT_ECHO_OFF:
            r[i].resp = strdup(j->password);
            break;
        case PAM_PROMPT_ECHO_ON:
            r[i].resp = strdup(j->user);
            break;
        case PAM_ERROR_MSG:
            snprintf(j->reason, sizeof(j->reason), "%s", msg[i]->msg);
            break;
        default:
            break; /* PAM_TEXT_INFO: nobody to show it to */
        }
    }
    *resp = r;
    return PAM_SUCCESS;
}

/* Runs as root when the process may (gs_identity_as_root): pam_unix reads /etc/shadow. */
static void
run_pam(void *arg)
{
    job_t *j = arg;
    struct pam_conv conv = {converse, j};
    pam_handle_t *pamh = NULL;
    const void *final_user = NULL;
    char service[128], rhost[GS_ADDR_TEXT_MAX];
    int rc;

    pthread_mutex_lock(&pool.mu);
    memcpy(service, pool.service, sizeof(service));
    pthread_mutex_unlock(&pool.mu);
    rc = pam_start(service, j->user, &conv, &pamh);
    if (rc != PAM_SUCCESS) {
        j->result = GS_LOGON_ERROR;
        snprintf(j->reason, sizeof(j->reason), "pam_start(%s): %s", service,
                 pam_strerror(pamh, rc));
        return;
    }
    if (j->has_client) {
        gs_sockaddr_host(&j->client, rhost);
        pam_set_item(pamh, PAM_RHOST, rhost);
    }
    rc = pam_authenticate(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    if (rc == PAM_SUCCESS) {
        rc = pam_acct_mgmt(pamh, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        j->result = rc == PAM_SUCCESS ? GS_LOGON_OK : GS_LOGON_REFUSED;
    } else {
        j->result = rc == PAM_AUTH_ERR || rc == PAM_USER_UNKNOWN || rc == PAM_MAXTRIES
                            || rc == PAM_CRED_INSUFFICIENT
                        ? GS_LOGON_BAD_CREDENTIALS
                        : GS_LOGON_ERROR;
    }
    if (rc != PAM_SUCCESS && j->reason[0] == '\0') {
        snprintf(j->reason, sizeof(j->reason), "%s", pam_strerror(pamh, rc));
    }
    /* PAM may map the name it was given to another account. */
    if (j->result == GS_LOGON_OK && pam_get_item(pamh, PAM_USER, &final_user) == PAM_SUCCESS
        && final_user != NULL && strcmp(final_user, j->user) != 0)
    {
        j->account = gs_xstrdup(final_user);
    }
    pam_end(pamh, rc);
}

static void
run(job_t *j)
{
    int rc;

    if (j->throttled) {
        j->result = GS_LOGON_THROTTLED;
        snprintf(j->reason, sizeof(j->reason), "too many failed logons of this user or address");
        return;
    }
    gs_identity_as_root(run_pam, j);
    explicit_bzero(j->password, strlen(j->password));
    if (j->result != GS_LOGON_OK) {
        return;
    }
    rc = gs_token_for_user(j->account ? j->account : j->user, &j->token);
    if (rc != 0) {
        j->result = GS_LOGON_ERROR;
        snprintf(j->reason, sizeof(j->reason), "PAM accepted '%s' but NSS: %s",
                 j->account ? j->account : j->user, rc == -ENOENT ? "no such user" : strerror(-rc));
    }
}

/* ---- the pool ---------------------------------------------------------------------------- */

static void
unlink_job(job_t *j)
{
    for (job_t **p = &pool.jobs; *p != NULL; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            atomic_fetch_sub_explicit(&pending, 1, memory_order_release);
            return;
        }
    }
}

static void
free_job(job_t *j)
{
    explicit_bzero(j->password, strlen(j->password));
    free(j->password);
    free(j->user);
    free(j->account);
    free(j);
}

/*
 * When a job may run, by the failures known now (not only those known when it
 * came: guesses sent together would all pass otherwise; at most the workers'
 * number of them run before the delays apply).  When the wait leaves PAM less
 * than a quarter of the timeout: throttled, answered at once.  Under the lock.
 */
static void
schedule(job_t *j, uint64_t now)
{
    unsigned wait =
        j->throttled ? 0 : gs_throttle_wait_ms(j->user, j->has_client ? &j->client : NULL, now);

    if (wait == 0) {
        return;
    }
    /* A quarter of the timeout is left for PAM itself: waiting longer would end in a timeout. */
    if (now + wait + pool.timeout_ms / 4 >= j->deadline_ms) {
        j->throttled = true;
        j->not_before_ms = now;
    } else if (now + wait > j->not_before_ms) {
        j->not_before_ms = now + wait;
    }
}

static bool
same_client(const job_t *a, const job_t *b)
{
    if (!a->has_client || !b->has_client || a->client.sa.sa_family != b->client.sa.sa_family) {
        return false;
    }
    return a->client.sa.sa_family == AF_INET
               ? a->client.in.sin_addr.s_addr == b->client.in.sin_addr.s_addr
               : memcmp(&a->client.in6.sin6_addr, &b->client.in6.sin6_addr, 16) == 0;
}

bool
gs_logon_guarded(const char *user, const gs_sockaddr_t *client)
{
    job_t probe = {.user = (char *) user};
    struct timespec ts;
    uint64_t now;
    bool guarded = false;

    if (client != NULL && client->sa.sa_family == AF_INET) {
        memcpy(&probe.client, client, sizeof(struct sockaddr_in));
        probe.has_client = true;
    } else if (client != NULL && client->sa.sa_family == AF_INET6) {
        memcpy(&probe.client, client, sizeof(struct sockaddr_in6));
        probe.has_client = true;
    }
    if (atomic_load_explicit(&pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&pool.mu);
        for (const job_t *o = pool.jobs; o != NULL && !guarded; o = o->next) {
            guarded = strcmp(o->user, user) == 0 || same_client(o, &probe);
        }
        pthread_mutex_unlock(&pool.mu);
    }
    /* The coarse clock (a few ms behind) is enough against a 15-minute window, and cheaper. */
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    now = (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
    if (!guarded && gs_throttle_recent(now)) {
        guarded = gs_throttle_watched(user, probe.has_client ? &probe.client : NULL, now_ms());
    }
    return guarded;
}

/*
 * Is a logon of the same user, or from the same client, running?  Once those
 * have failed a few times, their logons go one at a time, so that the next
 * one's wait knows how the last one ended.  Under the lock.
 */
static bool
sibling_running(const job_t *j, uint64_t now)
{
    for (const job_t *o = pool.jobs; o != NULL; o = o->next) {
        if (o != j && o->taken && (strcmp(o->user, j->user) == 0 || same_client(o, j))) {
            return gs_throttle_watched(j->user, j->has_client ? &j->client : NULL, now);
        }
    }
    return false;
}

/* The first job a worker may run now; else how long to wait for one (0: indefinitely). */
static job_t *
next_ready(uint64_t now, uint64_t *wake_ms)
{
    *wake_ms = 0;
    for (job_t *j = pool.jobs; j != NULL; j = j->next) {
        if (j->taken) {
            continue;
        }
        if (!atomic_load(&j->reported) && sibling_running(j, now)) {
            continue; /* woken when the sibling ends */
        }
        if (!atomic_load(&j->reported) && j->not_before_ms <= now) {
            schedule(j, now);
        }
        if (atomic_load(&j->reported) || j->not_before_ms <= now) {
            return j;
        }
        if (*wake_ms == 0 || j->not_before_ms < *wake_ms) {
            *wake_ms = j->not_before_ms;
        }
    }
    return NULL;
}

static void *
worker(void *arg)
{
    (void) arg;
    pthread_mutex_lock(&pool.mu);
    while (!pool.stopping) {
        uint64_t wake;
        job_t *j = next_ready(now_ms(), &wake);

        if (j == NULL) {
            struct timespec ts;

            if (wake == 0) {
                pthread_cond_wait(&pool.work, &pool.mu);
            } else {
                until(&ts, wake);
                pthread_cond_timedwait(&pool.work, &pool.mu, &ts);
            }
            continue;
        }
        bool ran = false;

        j->taken = true;
        pthread_mutex_unlock(&pool.mu);
        if (!atomic_load(&j->reported)) {
            run(j);
            if (j->result == GS_LOGON_OK) {
                gs_throttle_succeeded(j->user, now_ms()); /* the name failures were counted by */
            } else if (j->result == GS_LOGON_BAD_CREDENTIALS || j->result == GS_LOGON_REFUSED) {
                gs_throttle_failed(j->user, j->has_client ? &j->client : NULL, now_ms());
            }
            ran = true;
        }
        /* Out of the queue before the answer: the next request must not find it pending. */
        pthread_mutex_lock(&pool.mu);
        unlink_job(j);
        pthread_cond_broadcast(&pool.work); /* its siblings may go now */
        pthread_mutex_unlock(&pool.mu);
        if (ran) {
            report(j, j->result, j->token, j->reason);
            j->token = NULL;
        }
        free_job(j);
        pthread_mutex_lock(&pool.mu);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

/* Ends every job past its deadline; sleeps until the next deadline. */
static void *
watchdog(void *arg)
{
    (void) arg;
    pthread_mutex_lock(&pool.mu);
    while (!pool.stopping) {
        uint64_t now = now_ms(), next = 0;
        job_t *late = NULL;

        for (job_t *j = pool.jobs; j != NULL; j = j->next) {
            if (atomic_load(&j->reported)) {
                continue;
            }
            if (j->deadline_ms <= now) {
                late = j;
                break;
            }
            if (next == 0 || j->deadline_ms < next) {
                next = j->deadline_ms;
            }
        }
        if (late != NULL) {
            /* Reported outside the lock; the worker frees it only after taking the lock. */
            bool expected = false;

            if (atomic_compare_exchange_strong(&late->reported, &expected, true)) {
                gs_logon_done_fn done = late->done;
                void *done_arg = late->arg;
                char user[GS_LOGON_MAX_FIELD + 1];

                snprintf(user, sizeof(user), "%s", late->user);
                pthread_cond_broadcast(&pool.work); /* a queued one is dropped at once */
                pthread_mutex_unlock(&pool.mu);
                gs_log_warn("logon of '%s' timed out after %u ms (PAM did not answer)", user,
                            pool.timeout_ms);
                atomic_fetch_add_explicit(&counts[GS_LOGON_TIMEOUT], 1, memory_order_relaxed);
                done(done_arg, GS_LOGON_TIMEOUT, NULL, "PAM did not answer in time");
                pthread_mutex_lock(&pool.mu);
            }
            continue;
        }
        if (next == 0) {
            pthread_cond_wait(&pool.watch, &pool.mu);
        } else {
            struct timespec ts;

            until(&ts, next);
            pthread_cond_timedwait(&pool.watch, &pool.mu, &ts);
        }
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

/* Under the lock. */
static void
start_threads(void)
{
    pthread_attr_t attr;

    if (pool.started) {
        return;
    }
    pool.started = true;
    gs_identity_settle(); /* the threads start with a copy of this thread's credentials */
    pthread_attr_init(&attr);
    for (unsigned i = 0; i < GS_LOGON_THREADS; i++) {
        if (pthread_create(&pool.workers[i], &attr, worker, NULL) != 0) {
            gs_panic("cannot start a logon thread");
        }
    }
    if (pthread_create(&pool.watchdog, &attr, watchdog, NULL) != 0) {
        gs_panic("cannot start the logon watchdog");
    }
    pthread_attr_destroy(&attr);
}

void
gs_logon_start(const char *user, const char *password, DWORD method, const gs_sockaddr_t *client,
               gs_logon_done_fn done, void *arg)
{
    job_t *j = gs_xcalloc(1, sizeof(*j));
    uint64_t now = now_ms();

    j->user = gs_xstrdup(user);
    j->password = gs_xstrdup(password);
    j->method = method;
    /* A module's PSOCKADDR is only as long as its family says. */
    if (client != NULL && client->sa.sa_family == AF_INET) {
        memcpy(&j->client, client, sizeof(struct sockaddr_in));
        j->has_client = true;
    } else if (client != NULL && client->sa.sa_family == AF_INET6) {
        memcpy(&j->client, client, sizeof(struct sockaddr_in6));
        j->has_client = true;
    }
    j->done = done;
    j->arg = arg;
    atomic_init(&j->reported, false);
    pthread_mutex_lock(&pool.mu);
    j->deadline_ms = now + pool.timeout_ms;
    j->not_before_ms = now;
    schedule(j, now);
    if (pool.stopping) {
        pthread_mutex_unlock(&pool.mu);
        done(arg, GS_LOGON_ERROR, NULL, "the server is stopping");
        free_job(j);
        return;
    }
    start_threads();
    /* Appended: workers take the oldest ready job first. */
    {
        job_t **p = &pool.jobs;

        while (*p != NULL) {
            p = &(*p)->next;
        }
        *p = j;
        atomic_fetch_add_explicit(&pending, 1, memory_order_release);
    }
    /* Every worker looks: one may be asleep until a delayed job's time. */
    pthread_cond_broadcast(&pool.work);
    pthread_cond_signal(&pool.watch);
    pthread_mutex_unlock(&pool.mu);
}

struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    gs_logon_result_t result;
    gs_token_t *token;
};

static void
wake_waiter(void *arg, gs_logon_result_t result, gs_token_t *token, const char *reason)
{
    struct waiter *w = arg;

    (void) reason;
    pthread_mutex_lock(&w->mu);
    w->result = result;
    w->token = token;
    w->done = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

gs_logon_result_t
gs_logon_wait(const char *user, const char *password, DWORD method, const gs_sockaddr_t *client,
              gs_token_t **token)
{
    struct waiter w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

    gs_logon_start(user, password, method, client, wake_waiter, &w);
    pthread_mutex_lock(&w.mu);
    while (!w.done) {
        pthread_cond_wait(&w.cv, &w.mu);
    }
    pthread_mutex_unlock(&w.mu);
    *token = w.token;
    return w.result;
}

void
gs_logon_shutdown(void)
{
    struct timespec deadline;

    pthread_mutex_lock(&pool.mu);
    if (!pool.started) {
        pthread_mutex_unlock(&pool.mu);
        return;
    }
    pool.stopping = true;
    pthread_cond_broadcast(&pool.work);
    pthread_cond_broadcast(&pool.watch);
    /* Jobs no worker took are answered (a gs_logon_wait caller must not wait forever). */
    for (;;) {
        job_t *j = pool.jobs;
        bool expected = false;

        while (j != NULL && (j->taken || atomic_load(&j->reported))) {
            j = j->next;
        }
        if (j == NULL) {
            break;
        }
        unlink_job(j);
        if (atomic_compare_exchange_strong(&j->reported, &expected, true)) {
            pthread_mutex_unlock(&pool.mu);
            j->done(j->arg, GS_LOGON_ERROR, NULL, "the server is stopping");
            pthread_mutex_lock(&pool.mu);
        }
        free_job(j);
    }
    pthread_mutex_unlock(&pool.mu);
    pthread_join(pool.watchdog, NULL);
    /*
     * Idle workers end at once and are joined, so that their thread-local
     * state (OpenSSL's among it) is freed; one still in PAM after 200 ms
     * stays behind: the process is ending.
     */
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 200 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (unsigned i = 0; i < GS_LOGON_THREADS; i++) {
        if (pthread_timedjoin_np(pool.workers[i], NULL, &deadline) != 0) {
            pthread_detach(pool.workers[i]);
        }
    }
}
