/*
 * Logons against a PAM stack and a user database of the test's own: pam_wrapper reads the
 * service files from a temporary directory (never /etc/pam.d), pam_matrix checks the
 * passwords, nss_wrapper knows the users, and tests/e2e/pam/pam_guise_test.so (built into
 * build/pam/) hangs or refuses where a test wants it to.
 *
 * main() writes that directory and re-executes the binary with LD_PRELOAD and the
 * wrappers' variables, so it runs the same from ctest, by hand and under ASan.  The
 * throttle table is process-wide: every test has users and addresses of its own.
 */
#include "security/logon.h"
#include "security/throttle.h"

#include <arpa/inet.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define SERVICE    "guise-test"
#define SLEEP_S    1 /* how long logon-sleepy's PAM stack hangs */
#define ENV_DIR    "GUISE_TEST_LOGON_DIR"
#define SHUTDOWN   "shutdown-scenario" /* argv[1] of the child that stops the pool */
#define VERBOSE    "verbose-scenario"
#define PAM_MATRIX "/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so"

static bool have_test_module; /* build/pam/pam_guise_test.so was there */

/* ---- the test's PAM stack and user database ----------------------------------------------- */

static const char passwd_file[] = "root:x:0:0:root:/root:/bin/sh\n"
                                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                                  "logon-alice:x:40101:40101::/nonexistent:/bin/false\n"
                                  "logon-bob:x:40102:40102::/nonexistent:/bin/false\n"
                                  "logon-carol:x:40103:40103::/nonexistent:/bin/false\n"
                                  "logon-dave:x:40104:40104::/nonexistent:/bin/false\n"
                                  "logon-sleepy:x:40105:40105::/nonexistent:/bin/false\n"
                                  "logon-denied:x:40106:40106::/nonexistent:/bin/false\n"
                                  "logon-erin:x:40107:40107::/nonexistent:/bin/false\n";

static const char group_file[] = "root:x:0:\n"
                                 "nogroup:x:65534:\n"
                                 "logon-alice:x:40101:\n"
                                 "logon-staff:x:40110:logon-alice,logon-bob\n"
                                 "logon-web:x:40111:logon-alice\n";

static const char passdb_file[] = "logon-alice:alice-pw:" SERVICE "\n"
                                  "logon-bob:bob-pw:" SERVICE "\n"
                                  "logon-carol:carol-pw:" SERVICE "\n"
                                  "logon-dave:dave-pw:" SERVICE "\n"
                                  "logon-sleepy:sleepy-pw:" SERVICE "\n"
                                  "logon-denied:denied-pw:" SERVICE "\n"
                                  "logon-erin:erin-pw:" SERVICE "\n"
                                  "pam-only:pam-only-pw:" SERVICE "\n";

static int
write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL) {
        return -1;
    }
    fputs(text, f);
    return fclose(f);
}

/* The sanitizer runtime must come first in LD_PRELOAD: find the one we were linked with. */
static int
find_asan(struct dl_phdr_info *info, size_t size, void *data)
{
    (void) size;
    if (strstr(info->dlpi_name, "libasan.so") != NULL) {
        snprintf(data, 512, "%s:", info->dlpi_name);
        return 1;
    }
    return 0;
}

static int
reexec_with_wrappers(char **argv)
{
    char dir[] = "/tmp/guise-logon-XXXXXX", exe[512], module[600], text[4096], asan[512] = "";
    char preload[2048], verbose[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0 || mkdtemp(dir) == NULL) {
        perror("test_logon: setting up");
        return 1;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    snprintf(module, sizeof(module), "%.*s/pam/pam_guise_test.so", (int) (slash - exe), exe);

    /* pam_guise_test goes first in both stacks when it was built. */
    if (access(module, R_OK) == 0) {
        snprintf(text, sizeof(text),
                 "auth required %s sleep=%d user=logon-sleepy\n"
                 "auth required " PAM_MATRIX " passdb=%s/passdb\n"
                 "account required %s deny=logon-denied\n"
                 "account required " PAM_MATRIX " passdb=%s/passdb\n",
                 module, SLEEP_S, dir, module, dir);
    } else {
        snprintf(text, sizeof(text),
                 "auth required " PAM_MATRIX " passdb=%s/passdb\n"
                 "account required " PAM_MATRIX " passdb=%s/passdb\n",
                 dir, dir);
    }
    /* pam_matrix's verbose option talks to the conversation (PAM_TEXT_INFO, PAM_ERROR_MSG). */
    snprintf(verbose, sizeof(verbose),
             "auth required " PAM_MATRIX " passdb=%s/passdb verbose\n"
             "account required " PAM_MATRIX " passdb=%s/passdb\n",
             dir, dir);
    if (write_file(dir, SERVICE, text) != 0 || write_file(dir, "passwd", passwd_file) != 0
        || write_file(dir, "group", group_file) != 0 || write_file(dir, "passdb", passdb_file) != 0
        || write_file(dir, SERVICE "-verbose", verbose) != 0
        || write_file(dir, "other", "auth required pam_deny.so\naccount required pam_deny.so\n")
               != 0
        || write_file(dir, "guise-broken",
                      "auth required /nonexistent/pam_nothing.so\n"
                      "account required /nonexistent/pam_nothing.so\n")
               != 0)
    {
        perror("test_logon: writing the PAM stack");
        return 1;
    }

    dl_iterate_phdr(find_asan, asan);
    snprintf(preload, sizeof(preload), "%slibpam_wrapper.so:libnss_wrapper.so", asan);
    setenv("LD_PRELOAD", preload, 1);
    setenv("PAM_WRAPPER", "1", 1);
    setenv("PAM_WRAPPER_SERVICE_DIR", dir, 1);
    setenv("PAM_WRAPPER_DISABLE_DEEPBIND", "1", 1); /* sanitizers refuse RTLD_DEEPBIND */
    setenv("NSS_WRAPPER_DISABLE_DEEPBIND", "1", 1);
    snprintf(text, sizeof(text), "%s/passwd", dir);
    setenv("NSS_WRAPPER_PASSWD", text, 1);
    snprintf(text, sizeof(text), "%s/group", dir);
    setenv("NSS_WRAPPER_GROUP", text, 1);
    setenv(ENV_DIR, dir, 1);
    if (access(module, R_OK) == 0) {
        setenv("GUISE_TEST_PAM_MODULE", module, 1);
    }
    execv("/proc/self/exe", argv);
    perror("test_logon: re-executing with pam_wrapper and nss_wrapper");
    return 1;
}

static void
remove_dir(const char *dir)
{
    static const char *const files[] = {
        SERVICE, SERVICE "-verbose", "other", "guise-broken", "passwd", "group", "passdb",
    };
    char path[512];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static gs_sockaddr_t
v4(const char *text)
{
    gs_sockaddr_t a;

    memset(&a, 0, sizeof(a));
    a.in.sin_family = AF_INET;
    a.in.sin_port = htons(50000);
    inet_pton(AF_INET, text, &a.in.sin_addr);
    return a;
}

/* One answer of gs_logon_start, however many times it comes. */
struct answer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int calls;
    gs_logon_result_t result;
    gs_token_t *token;
    char reason[256];
    pthread_t thread;
};

static void
answer_init(struct answer *a)
{
    memset(a, 0, sizeof(*a));
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
}

static void
answer_destroy(struct answer *a)
{
    gs_token_unref(a->token);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
}

static void
on_done(void *arg, gs_logon_result_t result, gs_token_t *token, const char *reason)
{
    struct answer *a = arg;

    pthread_mutex_lock(&a->mu);
    if (a->calls++ == 0) {
        a->result = result;
        a->token = token;
        snprintf(a->reason, sizeof(a->reason), "%s", reason ? reason : "(null)");
        a->thread = pthread_self();
    } else {
        gs_token_unref(token);
    }
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

/* Waits up to ms for a first answer; its number of calls so far. */
static int
wait_answer(struct answer *a, unsigned ms)
{
    struct timespec ts;
    int calls;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long) (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&a->mu);
    while (a->calls == 0 && pthread_cond_timedwait(&a->cv, &a->mu, &ts) == 0) {
    }
    calls = a->calls;
    pthread_mutex_unlock(&a->mu);
    return calls;
}

static int
calls_of(struct answer *a)
{
    int calls;

    pthread_mutex_lock(&a->mu);
    calls = a->calls;
    pthread_mutex_unlock(&a->mu);
    return calls;
}

static gs_logon_result_t
logon(const char *user, const char *password, const gs_sockaddr_t *client, uint64_t *took_ms)
{
    gs_token_t *t = (gs_token_t *) (uintptr_t) 1;
    uint64_t start = now_ms();
    gs_logon_result_t r =
        gs_logon_wait(user, password, LOGON32_LOGON_NETWORK_CLEARTEXT, client, &t);

    if (took_ms != NULL) {
        *took_ms = now_ms() - start;
    }
    if (r == GS_LOGON_OK) {
        assert_non_null(t);
        gs_token_unref(t);
    } else {
        assert_null(t);
    }
    return r;
}

static bool
require_test_module(void)
{
    if (!have_test_module) {
        print_message("skipped: build/pam/pam_guise_test.so is missing "
                      "(cmake --build build --target pam_guise_test)\n");
        return false;
    }
    return true;
}

static int
defaults(void **state)
{
    (void) state;
    gs_logon_configure(SERVICE, GS_LOGON_DEFAULT_TIMEOUT_MS);
    return 0;
}

/* ---- answers ------------------------------------------------------------------------------ */

static void
test_good_password_gives_the_users_token(void **state)
{
    gs_token_t *t = NULL;
    bool staff = false, web = false;

    (void) state;
    assert_int_equal(
        gs_logon_wait("logon-alice", "alice-pw", LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, &t),
        GS_LOGON_OK);
    assert_non_null(t);
    assert_int_equal(t->uid, 40101);
    assert_int_equal(t->gid, 40101);
    assert_string_equal(t->name, "logon-alice");
    assert_int_equal(t->groups[0], 40101);
    for (unsigned i = 0; i < t->ngroups; i++) {
        staff |= t->groups[i] == 40110;
        web |= t->groups[i] == 40111;
    }
    assert_true(staff);
    assert_true(web);
    assert_int_equal(t->ngroups, 3);
    assert_int_equal(atomic_load(&t->refs), 1); /* the caller's */
    gs_token_unref(t);
}

static void
test_wrong_password_and_unknown_user_are_bad_credentials(void **state)
{
    (void) state;
    assert_int_equal(logon("logon-erin", "not-erin-pw", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
    assert_int_equal(logon("logon-erin", "", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
    assert_int_equal(logon("logon-nobody-knows", "x", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
    /* A user NSS knows but the password database does not. */
    assert_int_equal(logon("nobody", "x", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
    /* The good one still works after those. */
    assert_int_equal(logon("logon-erin", "erin-pw", NULL, NULL), GS_LOGON_OK);
}

static void
test_pam_user_unknown_to_nss_is_an_error(void **state)
{
    (void) state;
    assert_int_equal(logon("pam-only", "pam-only-pw", NULL, NULL), GS_LOGON_ERROR);
}

static void
test_account_refused(void **state)
{
    (void) state;
    if (!require_test_module()) {
        skip();
    }
    assert_int_equal(logon("logon-denied", "denied-pw", NULL, NULL), GS_LOGON_REFUSED);
    /* A wrong password is still a wrong password. */
    assert_int_equal(logon("logon-denied", "nope", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
}

static void
test_a_broken_pam_stack_is_an_error(void **state)
{
    (void) state;
    gs_logon_configure("guise-broken", 0); /* 0: the timeout stays */
    assert_int_equal(logon("logon-alice", "alice-pw", NULL, NULL), GS_LOGON_ERROR);
    gs_logon_configure("guise-no-such-service", 0);
    assert_int_not_equal(logon("logon-alice", "alice-pw", NULL, NULL), GS_LOGON_OK);
    gs_logon_configure(SERVICE, 0);
    assert_int_equal(logon("logon-alice", "alice-pw", NULL, NULL), GS_LOGON_OK);
}

static void
test_start_answers_once_on_another_thread(void **state)
{
    struct answer ok, bad;
    gs_sockaddr_t client = v4("198.51.100.7");

    (void) state;
    answer_init(&ok);
    answer_init(&bad);
    gs_logon_start("logon-alice", "alice-pw", LOGON32_LOGON_NETWORK, &client, on_done, &ok);
    gs_logon_start("logon-alice", "wrong", LOGON32_LOGON_NETWORK, &client, on_done, &bad);
    assert_int_equal(wait_answer(&ok, 5000), 1);
    assert_int_equal(wait_answer(&bad, 5000), 1);

    assert_int_equal(ok.result, GS_LOGON_OK);
    assert_non_null(ok.token);
    assert_int_equal(ok.token->uid, 40101);
    assert_int_equal(atomic_load(&ok.token->refs), 1); /* +1 for the callee */
    assert_false(pthread_equal(ok.thread, pthread_self()));

    assert_int_equal(bad.result, GS_LOGON_BAD_CREDENTIALS);
    assert_null(bad.token);
    assert_true(bad.reason[0] != '\0'); /* PAM's reason, for the log */
    print_message("reason given: %s\n", bad.reason);

    usleep(100 * 1000);
    assert_int_equal(calls_of(&ok), 1);
    assert_int_equal(calls_of(&bad), 1);
    answer_destroy(&ok);
    answer_destroy(&bad);
}

static void
test_result_names(void **state)
{
    (void) state;
    assert_string_equal(gs_logon_result_name(GS_LOGON_OK), "ok");
    for (int r = GS_LOGON_OK; r <= GS_LOGON_ERROR; r++) {
        assert_string_not_equal(gs_logon_result_name((gs_logon_result_t) r), "?");
    }
    assert_string_equal(gs_logon_result_name((gs_logon_result_t) (GS_LOGON_ERROR + 1)), "?");
}

/* ---- deadlines ---------------------------------------------------------------------------- */

static void
test_a_hanging_pam_stack_times_out(void **state)
{
    struct answer late;
    uint64_t took;

    (void) state;
    if (!require_test_module()) {
        skip();
    }
    gs_logon_configure(NULL, 300);
    answer_init(&late);
    gs_logon_start("logon-sleepy", "sleepy-pw", LOGON32_LOGON_NETWORK, NULL, on_done, &late);
    assert_int_equal(logon("logon-sleepy", "sleepy-pw", NULL, &took), GS_LOGON_TIMEOUT);
    assert_true(took >= 250 && took < 1000);
    assert_int_equal(wait_answer(&late, 1000), 1);
    assert_int_equal(late.result, GS_LOGON_TIMEOUT);
    assert_null(late.token);

    /* PAM answers later (success): nobody hears of it, the token is not leaked. */
    usleep((SLEEP_S * 1000 + 400) * 1000);
    assert_int_equal(calls_of(&late), 1);
    answer_destroy(&late);
}

static void
test_hung_threads_do_not_hang_the_answers(void **state)
{
    struct answer a[GS_LOGON_THREADS + 1];
    uint64_t took;

    (void) state;
    if (!require_test_module()) {
        skip();
    }
    gs_logon_configure(NULL, 300);
    /* Every logon thread hangs in PAM; one more logon waits in the queue. */
    for (int i = 0; i < GS_LOGON_THREADS; i++) {
        answer_init(&a[i]);
        gs_logon_start("logon-sleepy", "sleepy-pw", LOGON32_LOGON_NETWORK, NULL, on_done, &a[i]);
    }
    answer_init(&a[GS_LOGON_THREADS]);
    gs_logon_start("logon-alice", "alice-pw", LOGON32_LOGON_NETWORK, NULL, on_done,
                   &a[GS_LOGON_THREADS]);
    for (int i = 0; i <= GS_LOGON_THREADS; i++) {
        assert_int_equal(wait_answer(&a[i], 1000), 1);
        assert_int_equal(a[i].result, GS_LOGON_TIMEOUT);
    }
    /* When PAM comes back, the threads serve again; the queued logon was dropped. */
    usleep((SLEEP_S * 1000 + 400) * 1000);
    for (int i = 0; i <= GS_LOGON_THREADS; i++) {
        assert_int_equal(calls_of(&a[i]), 1);
        answer_destroy(&a[i]);
    }
    gs_logon_configure(NULL, 5000);
    assert_int_equal(logon("logon-alice", "alice-pw", NULL, &took), GS_LOGON_OK);
    assert_true(took < 1000);
}

/* ---- throttling --------------------------------------------------------------------------- */

static void
test_throttled_after_failures(void **state)
{
    gs_sockaddr_t attacker = v4("198.51.100.20"), elsewhere = v4("198.51.100.21");
    uint64_t took, last_failure;

    (void) state;
    gs_logon_configure(NULL, 1000);
    for (int i = 0; i < GS_THROTTLE_FREE_FAILURES; i++) {
        assert_int_equal(logon("logon-bob", "guess", &attacker, &took), GS_LOGON_BAD_CREDENTIALS);
        assert_true(took < 200);
    }
    /* Then each failure waits first: 250 ms, 500 ms... counted from the failure before, which
     * was recorded a little before its answer came back (more on a loaded machine). */
    assert_int_equal(logon("logon-bob", "guess", &attacker, &took), GS_LOGON_BAD_CREDENTIALS);
    assert_true(took >= 200);
    assert_int_equal(logon("logon-bob", "guess", &attacker, &took), GS_LOGON_BAD_CREDENTIALS);
    assert_true(took >= 400);
    last_failure = now_ms();
    /* ...until the wait would pass the deadline: answered at once, even the right password. */
    assert_int_equal(logon("logon-bob", "bob-pw", &attacker, &took), GS_LOGON_THROTTLED);
    assert_true(took < 200);
    assert_int_equal(logon("logon-bob", "bob-pw", NULL, &took), GS_LOGON_THROTTLED);
    /* The address is throttled for another user too (it waits out what is left of the
     * address's delay, or is refused if that passes the deadline); another address is not. */
    {
        gs_logon_result_t r = logon("logon-alice", "alice-pw", &attacker, &took);

        assert_true(r == GS_LOGON_THROTTLED || (r == GS_LOGON_OK && took >= 400));
    }
    assert_int_equal(logon("logon-alice", "alice-pw", &elsewhere, &took), GS_LOGON_OK);
    assert_true(took < 200);

    /* A longer deadline lets the (delayed) logon through, and success clears the user. */
    gs_logon_configure(NULL, 3000);
    assert_int_equal(logon("logon-bob", "bob-pw", &elsewhere, &took), GS_LOGON_OK);
    /* The wait counts from the last failure: 1 s after it, whatever came in between. */
    assert_true(now_ms() - last_failure >= 990);
    assert_int_equal(logon("logon-bob", "guess", &elsewhere, &took), GS_LOGON_BAD_CREDENTIALS);
    assert_true(took < 200);
}

static void
test_refused_accounts_count_as_failures(void **state)
{
    uint64_t took;

    (void) state;
    if (!require_test_module()) {
        skip();
    }
    for (int i = 0; i < GS_THROTTLE_FREE_FAILURES; i++) {
        assert_int_equal(logon("logon-denied", "denied-pw", NULL, NULL), GS_LOGON_REFUSED);
    }
    assert_int_equal(logon("logon-denied", "denied-pw", NULL, &took), GS_LOGON_REFUSED);
    assert_true(took >= 200);
}

static void
test_success_clears_the_users_failures(void **state)
{
    uint64_t took;

    (void) state;
    for (int i = 0; i < GS_THROTTLE_FREE_FAILURES; i++) {
        assert_int_equal(logon("logon-carol", "guess", NULL, NULL), GS_LOGON_BAD_CREDENTIALS);
    }
    assert_int_equal(logon("logon-carol", "carol-pw", NULL, &took), GS_LOGON_OK);
    assert_true(took >= 200);
    for (int i = 0; i < GS_THROTTLE_FREE_FAILURES; i++) {
        assert_int_equal(logon("logon-carol", "guess", NULL, &took), GS_LOGON_BAD_CREDENTIALS);
        assert_true(took < 200);
    }
}

/*
 * Guesses sent at once are guesses too: the delay of the n-th failure cannot depend on
 * whether the client waited for the answers of the ones before.  With a 1 s deadline,
 * at most the free failures and the 250 ms and 500 ms ones may reach PAM.
 */
static void
test_parallel_guesses_are_throttled_too(void **state)
{
    enum { GUESSES = 20 };
    gs_sockaddr_t client = v4("198.51.100.40");
    struct answer a[GUESSES];
    int reached_pam = 0, throttled = 0;
    uint64_t start = now_ms();

    (void) state;
    gs_logon_configure(NULL, 1000);
    for (int i = 0; i < GUESSES; i++) {
        answer_init(&a[i]);
        gs_logon_start("logon-parallel", "guess", LOGON32_LOGON_NETWORK, &client, on_done, &a[i]);
    }
    for (int i = 0; i < GUESSES; i++) {
        assert_int_equal(wait_answer(&a[i], 5000), 1);
        reached_pam += a[i].result == GS_LOGON_BAD_CREDENTIALS;
        throttled += a[i].result == GS_LOGON_THROTTLED;
        answer_destroy(&a[i]);
    }
    print_message("%d guesses at once: %d reached PAM, %d throttled, in %llu ms\n", GUESSES,
                  reached_pam, throttled, (unsigned long long) (now_ms() - start));
    /* The free failures, then at most one batch of the pool's width before the delays apply. */
    assert_true(reached_pam <= GS_THROTTLE_FREE_FAILURES + GS_LOGON_THREADS);
}

/* ---- in processes of their own: a stopped pool cannot start again, a crash ends all ------- */

/* Runs this binary again with argv[1] = scenario; its exit status, or 128 + the signal. */
static int
run_scenario(const char *scenario)
{
    char *args[] = {"/proc/self/exe", (char *) scenario, NULL};
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execv("/proc/self/exe", args);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static struct answer queued;

/* Exit status: 0 right, 2 the queued logon never answered, 3 wrong answers. */
static int
shutdown_scenario(void)
{
    struct answer after;

    gs_logon_configure(SERVICE, 5000);
    for (int i = 0; i < GS_THROTTLE_FREE_FAILURES; i++) {
        if (logon("logon-dave", "guess", NULL, NULL) != GS_LOGON_BAD_CREDENTIALS) {
            return 3;
        }
    }
    /* Waits 250 ms in the queue before any thread takes it; the pool stops meanwhile. */
    answer_init(&queued);
    gs_logon_start("logon-dave", "dave-pw", LOGON32_LOGON_NETWORK, NULL, on_done, &queued);
    gs_logon_shutdown();
    if (wait_answer(&queued, 2000) == 0) {
        fprintf(stderr, "the queued logon was never answered\n");
        return 2;
    }
    if (queued.result != GS_LOGON_ERROR) {
        fprintf(stderr, "the queued logon was answered %s\n", gs_logon_result_name(queued.result));
        return 3;
    }
    /* After the pool stopped: an error at once, on the caller's thread. */
    answer_init(&after);
    gs_logon_start("logon-alice", "alice-pw", LOGON32_LOGON_NETWORK, NULL, on_done, &after);
    if (calls_of(&after) != 1 || after.result != GS_LOGON_ERROR) {
        return 3;
    }
    return 0;
}

static void
test_shutdown_ends_queued_logons_as_errors(void **state)
{
    int rc;

    (void) state;
    rc = run_scenario(SHUTDOWN);
    if (rc != 0) {
        fail_msg("shutdown scenario: exit %d (2: a queued logon was never answered)", rc);
    }
}

/*
 * PAM modules may send messages that need no answer (PAM_TEXT_INFO, PAM_ERROR_MSG) with
 * a NULL response pointer, as pam_matrix's verbose option does.  Exit status: 0 right,
 * 3 wrong answers; a crash shows as 128 + the signal.
 */
static int
verbose_scenario(void)
{
    struct answer bad;

    gs_logon_configure(SERVICE "-verbose", 5000);
    /* pam_matrix's account check wants the passdb's service name, which is not this one: the
     * point is that its messages, sent without a response pointer, crash nothing. */
    if (logon("logon-alice", "alice-pw", NULL, NULL) == GS_LOGON_ERROR) {
        return 3;
    }
    answer_init(&bad);
    gs_logon_start("logon-alice", "wrong", LOGON32_LOGON_NETWORK, NULL, on_done, &bad);
    if (wait_answer(&bad, 5000) != 1 || bad.result != GS_LOGON_BAD_CREDENTIALS) {
        return 3;
    }
    fprintf(stderr, "reason: %s\n", bad.reason);
    return 0;
}

static void
test_messages_without_a_response_pointer(void **state)
{
    int rc;

    (void) state;
    rc = run_scenario(VERBOSE);
    if (rc != 0) {
        fail_msg("verbose PAM stack: %s %d", rc > 128 ? "killed by signal" : "exit",
                 rc > 128 ? rc - 128 : rc);
    }
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_password_gives_the_users_token, defaults),
        cmocka_unit_test_setup(test_wrong_password_and_unknown_user_are_bad_credentials, defaults),
        cmocka_unit_test_setup(test_pam_user_unknown_to_nss_is_an_error, defaults),
        cmocka_unit_test_setup(test_account_refused, defaults),
        cmocka_unit_test_setup(test_a_broken_pam_stack_is_an_error, defaults),
        cmocka_unit_test_setup(test_start_answers_once_on_another_thread, defaults),
        cmocka_unit_test_setup(test_result_names, defaults),
        cmocka_unit_test_setup(test_a_hanging_pam_stack_times_out, defaults),
        cmocka_unit_test_setup(test_hung_threads_do_not_hang_the_answers, defaults),
        cmocka_unit_test_setup(test_throttled_after_failures, defaults),
        cmocka_unit_test_setup(test_refused_accounts_count_as_failures, defaults),
        cmocka_unit_test_setup(test_success_clears_the_users_failures, defaults),
        cmocka_unit_test_setup(test_parallel_guesses_are_throttled_too, defaults),
        cmocka_unit_test_setup(test_shutdown_ends_queued_logons_as_errors, defaults),
        cmocka_unit_test_setup(test_messages_without_a_response_pointer, defaults),
    };
    const char *dir = getenv(ENV_DIR);
    int rc;

    if (dir == NULL) {
        return reexec_with_wrappers(argv);
    }
    have_test_module = getenv("GUISE_TEST_PAM_MODULE") != NULL;
    if (argc > 1 && strcmp(argv[1], SHUTDOWN) == 0) {
        return shutdown_scenario();
    }
    if (argc > 1 && strcmp(argv[1], VERBOSE) == 0) {
        return verbose_scenario();
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    remove_dir(dir);
    return rc;
}
