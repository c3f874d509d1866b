/*
 * Per-thread impersonation and the process identity, checked against the kernel: what
 * /proc/thread-self/status says and what open(2) allows.  Needs root (else every test is
 * skipped, saying why).  gs_identity_become() changes the whole process for good, so it
 * only ever runs in a forked child.
 */
#include "security/identity.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define USER_ID  40001u                      /* the impersonated user: uid and primary gid */
#define GROUP_ID 40002u                      /* its supplementary group */
#define OTHER_ID 40011u                      /* another user, in no group of the first */
#define TWO_CAPS ((1ull << 6) | (1ull << 7)) /* CAP_SETGID, CAP_SETUID */

static char dir[64];
static char root_only[96];  /* root:root 0600 */
static char user_only[96];  /* USER_ID:USER_ID 0600 */
static char group_only[96]; /* root:GROUP_ID 0040 */

/* ---- what the kernel says --------------------------------------------------------------- */

/* The value of "Field:" in a status file, or "" if it is not there. */
static void
status_field(const char *path, const char *field, char *out, size_t cap)
{
    char line[512];
    size_t n = strlen(field);
    FILE *f = fopen(path, "r");

    out[0] = '\0';
    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            char *v = line + n + 1;

            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, cap, "%s", v);
            break;
        }
    }
    fclose(f);
}

/* Field k (0: real, 1: effective, 2: saved, 3: file system) of Uid: or Gid:. */
static unsigned long
id_field(const char *field, int k)
{
    char v[256], *p = v;

    status_field("/proc/thread-self/status", field, v, sizeof(v));
    for (int i = 0; i < k; i++) {
        p += strcspn(p, " \t");
        p += strspn(p, " \t");
    }
    return strtoul(p, NULL, 10);
}

static unsigned long
fsuid(void)
{
    return id_field("Uid", 3);
}

static unsigned long
fsgid(void)
{
    return id_field("Gid", 3);
}

/* The thread's supplementary groups, as the kernel lists them ("40001 40002"). */
static void
groups(char *out, size_t cap)
{
    status_field("/proc/thread-self/status", "Groups", out, cap);
    for (size_t n = strlen(out); n > 0 && out[n - 1] == ' '; n--) {
        out[n - 1] = '\0';
    }
}

static unsigned long long
caps(const char *field)
{
    char v[64];

    status_field("/proc/self/status", field, v, sizeof(v));
    return strtoull(v, NULL, 16);
}

/* 0 if the file opens for reading, else errno. */
static int
open_error(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return errno;
    }
    close(fd);
    return 0;
}

/* ---- fixtures ------------------------------------------------------------------------------ */

static void
make_file(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x", 1), 1);
    assert_int_equal(fchown(fd, uid, gid), 0);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static int
setup(void **state)
{
    (void) state;
    if (geteuid() != 0) {
        return 0;
    }
    snprintf(dir, sizeof(dir), "/tmp/guise-identity-XXXXXX");
    if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0) {
        return -1;
    }
    snprintf(root_only, sizeof(root_only), "%s/root-only", dir);
    snprintf(user_only, sizeof(user_only), "%s/user-only", dir);
    snprintf(group_only, sizeof(group_only), "%s/group-only", dir);
    make_file(root_only, 0, 0, 0600);
    make_file(user_only, USER_ID, USER_ID, 0600);
    make_file(group_only, 0, GROUP_ID, 0040);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    if (dir[0] != '\0') {
        unlink(root_only);
        unlink(user_only);
        unlink(group_only);
        rmdir(dir);
    }
    return 0;
}

/* Every test starts and ends on the process identity. */
static int
settle(void **state)
{
    (void) state;
    gs_identity_settle();
    return 0;
}

static bool
require_root(void)
{
    if (geteuid() != 0) {
        print_message("skipped: needs root (the kernel checks the uids)\n");
        return false;
    }
    if (!gs_identity_can_impersonate()) {
        print_message("skipped: root without CAP_SETUID and CAP_SETGID\n");
        return false;
    }
    return true;
}

static gs_token_t *
user_token(void)
{
    static const gid_t supplementary[] = {GROUP_ID};

    return gs_token_create(USER_ID, USER_ID, supplementary, 1, "imp-user");
}

static void
assert_on_user(void)
{
    char g[256];

    assert_int_equal(fsuid(), USER_ID);
    assert_int_equal(fsgid(), USER_ID);
    groups(g, sizeof(g));
    assert_string_equal(g, "40001 40002");
    assert_int_equal(id_field("Uid", 0), 0); /* real, effective, saved: untouched */
    assert_int_equal(id_field("Uid", 1), 0);
    assert_int_equal(id_field("Uid", 2), 0);
    assert_int_equal(id_field("Gid", 1), 0);
}

static char process_groups[256]; /* the Groups line on the process identity */

static void
assert_on_process(void)
{
    char g[256];

    assert_int_equal(fsuid(), 0);
    assert_int_equal(fsgid(), 0);
    groups(g, sizeof(g));
    assert_string_equal(g, process_groups);
    assert_false(gs_identity_impersonating());
}

/* ---- the calling thread, and only it ------------------------------------------------------ */

struct observer {
    pthread_barrier_t entered, seen;
    unsigned long fsuid, fsgid;
    char groups_before[256], groups[256];
};

static void *
observe(void *arg)
{
    struct observer *o = arg;

    groups(o->groups_before, sizeof(o->groups_before));
    pthread_barrier_wait(&o->entered);
    o->fsuid = fsuid();
    o->fsgid = fsgid();
    groups(o->groups, sizeof(o->groups));
    pthread_barrier_wait(&o->seen);
    return NULL;
}

static int
by_gid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *) a, y = *(const gid_t *) b;

    return x < y ? -1 : x > y;
}

/*
 * Settling applies the process token: its groups, as the kernel lists them (sorted).
 * (Not necessarily the list the thread started with: the token puts the primary group in.)
 */
static void
test_process_identity_before_anything(void **state)
{
    gs_token_t *proc;
    gid_t sorted[64];
    size_t n = 0;

    (void) state;
    if (!require_root()) {
        skip();
    }
    proc = gs_identity_process();
    assert_int_equal(proc->uid, 0);
    assert_int_equal(proc->gid, 0);
    assert_true(proc->ngroups <= 64);
    memcpy(sorted, proc->groups, proc->ngroups * sizeof(gid_t));
    qsort(sorted, proc->ngroups, sizeof(gid_t), by_gid);
    process_groups[0] = '\0';
    for (unsigned i = 0; i < proc->ngroups; i++) {
        n += (size_t) snprintf(process_groups + n, sizeof(process_groups) - n, "%s%u", i ? " " : "",
                               (unsigned) sorted[i]);
    }
    gs_identity_settle();
    assert_false(gs_identity_impersonating());
}

static void
test_enter_changes_the_calling_thread_only(void **state)
{
    gs_token_t *t = user_token();
    struct observer o;
    pthread_t other;

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        skip();
    }
    pthread_barrier_init(&o.entered, NULL, 2);
    pthread_barrier_init(&o.seen, NULL, 2);
    assert_int_equal(pthread_create(&other, NULL, observe, &o), 0);

    assert_int_equal(gs_identity_enter(t), 0);
    assert_true(gs_identity_impersonating());
    assert_on_user();
    pthread_barrier_wait(&o.entered);
    pthread_barrier_wait(&o.seen);
    pthread_join(other, NULL);

    assert_int_equal(o.fsuid, 0);
    assert_int_equal(o.fsgid, 0);
    assert_string_equal(o.groups, o.groups_before);

    gs_identity_settle();
    assert_on_process();
    assert_int_equal(atomic_load(&t->refs), 1); /* the thread let go of it */
    gs_token_unref(t);
    pthread_barrier_destroy(&o.entered);
    pthread_barrier_destroy(&o.seen);
}

static void
test_entering_the_same_credentials_again_is_elided(void **state)
{
    gs_token_t *t = user_token(), *same = user_token();

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        gs_token_unref(same);
        skip();
    }
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(atomic_load(&t->refs), 2); /* the thread holds one */
    assert_on_user();
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(same), 0);
    assert_on_user();

    /* Moved behind its back: an elided enter makes no system call, so nothing moves it. */
    syscall(SYS_setfsuid, (uid_t) 40005);
    assert_int_equal(fsuid(), 40005);
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(same), 0);
    assert_int_equal(fsuid(), 40005);

    /* Settling does make the calls. */
    gs_identity_settle();
    assert_on_process();
    assert_int_equal(atomic_load(&t->refs), 1);
    assert_int_equal(atomic_load(&same->refs), 1);
    gs_token_unref(t);
    gs_token_unref(same);
}

static void
test_switching_users_replaces_every_credential(void **state)
{
    static const gid_t other_groups[] = {OTHER_ID + 1, OTHER_ID + 2};
    gs_token_t *a = user_token();
    gs_token_t *b = gs_token_create(OTHER_ID, OTHER_ID, other_groups, 2, "imp-other");
    char g[256];

    (void) state;
    if (!require_root()) {
        gs_token_unref(a);
        gs_token_unref(b);
        skip();
    }
    assert_int_equal(gs_identity_enter(a), 0);
    assert_int_equal(gs_identity_enter(b), 0);
    assert_int_equal(fsuid(), OTHER_ID);
    assert_int_equal(fsgid(), OTHER_ID);
    groups(g, sizeof(g));
    assert_string_equal(g, "40011 40012 40013");
    assert_int_equal(atomic_load(&a->refs), 1); /* released when b came */
    assert_int_equal(atomic_load(&b->refs), 2);
    assert_int_equal(gs_identity_enter(a), 0);
    assert_on_user();
    gs_identity_settle();
    assert_on_process();
    gs_token_unref(a);
    gs_token_unref(b);
}

static void
test_settle_is_idempotent(void **state)
{
    gs_token_t *t = user_token();

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        skip();
    }
    gs_identity_settle();
    gs_identity_settle();
    assert_on_process();
    assert_int_equal(gs_identity_enter(t), 0);
    gs_identity_settle();
    gs_identity_settle();
    assert_on_process();
    gs_token_unref(t);
}

static void
test_entering_the_process_identity_or_null_settles(void **state)
{
    gs_token_t *t = user_token();
    gs_token_t *proc = gs_identity_process();
    gs_token_t *like_process =
        gs_token_create(proc->uid, proc->gid, proc->groups, proc->ngroups, "copy");

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        gs_token_unref(like_process);
        skip();
    }
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(NULL), 0);
    assert_on_process();

    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(proc), 0);
    assert_on_process();

    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(like_process), 0);
    assert_on_process();
    assert_int_equal(atomic_load(&like_process->refs), 1);
    gs_token_unref(t);
    gs_token_unref(like_process);
}

static void
test_the_kernel_checks_files_as_the_token(void **state)
{
    gs_token_t *t = user_token();
    gs_token_t *no_group = gs_token_create(USER_ID, USER_ID, NULL, 0, "imp-user");
    gs_token_t *other = gs_token_create(OTHER_ID, OTHER_ID, NULL, 0, "imp-other");

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        gs_token_unref(no_group);
        gs_token_unref(other);
        skip();
    }
    assert_int_equal(open_error(root_only), 0);

    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(open_error(root_only), EACCES); /* root's powers are gone too */
    assert_int_equal(open_error(user_only), 0);
    assert_int_equal(open_error(group_only), 0); /* by the supplementary group */

    assert_int_equal(gs_identity_enter(no_group), 0);
    assert_int_equal(open_error(user_only), 0);
    assert_int_equal(open_error(group_only), EACCES);

    assert_int_equal(gs_identity_enter(other), 0);
    assert_int_equal(open_error(user_only), EACCES);
    assert_int_equal(open_error(root_only), EACCES);

    gs_identity_settle();
    assert_int_equal(open_error(root_only), 0);
    assert_int_equal(open_error(user_only), 0);
    gs_token_unref(t);
    gs_token_unref(no_group);
    gs_token_unref(other);
}

static void
test_a_failed_enter_leaves_the_thread_on_the_process_identity(void **state)
{
    const unsigned n = 70000; /* more than the kernel's NGROUPS_MAX (65536) */
    gid_t *many = calloc(n, sizeof(gid_t));
    gs_token_t *t = user_token(), *bad;

    (void) state;
    for (unsigned i = 0; i < n; i++) {
        many[i] = 50000 + i;
    }
    bad = gs_token_create(OTHER_ID, OTHER_ID, many, n, "imp-many");
    free(many);
    if (!require_root()) {
        gs_token_unref(t);
        gs_token_unref(bad);
        skip();
    }
    assert_int_equal(gs_identity_enter(bad), -EINVAL);
    assert_on_process();

    /* From another user: not left on that one either. */
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(gs_identity_enter(bad), -EINVAL);
    assert_on_process();
    assert_int_equal(atomic_load(&t->refs), 1);
    assert_int_equal(atomic_load(&bad->refs), 1);

    errno = 0;
    assert_false(ImpersonateLoggedOnUser(gs_token_handle(bad)));
    assert_int_equal(errno, EINVAL);
    assert_on_process();
    gs_token_unref(t);
    gs_token_unref(bad);
}

/* ---- the public API ------------------------------------------------------------------------ */

static void
test_impersonate_and_revert(void **state)
{
    gs_token_t *t = user_token();

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        skip();
    }
    assert_true(RevertToSelf()); /* nothing to revert */
    assert_on_process();
    assert_true(ImpersonateLoggedOnUser(gs_token_handle(t)));
    assert_on_user();
    assert_int_equal(open_error(root_only), EACCES);
    assert_true(RevertToSelf());
    assert_on_process();
    assert_int_equal(open_error(root_only), 0);
    gs_token_unref(t);
}

static void
test_impersonating_no_token_fails_closed(void **state)
{
    gs_token_t *t = user_token();
    char garbage[sizeof(gs_token_t)];

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        skip();
    }
    memset(garbage, 0x47, sizeof(garbage));

    errno = 0;
    assert_false(ImpersonateLoggedOnUser(NULL));
    assert_int_equal(errno, EINVAL);
    assert_on_process();
    errno = 0;
    assert_false(ImpersonateLoggedOnUser(garbage));
    assert_int_equal(errno, EINVAL);
    assert_on_process();

    /* From an impersonation: the thread does not stay on the earlier user. */
    assert_true(ImpersonateLoggedOnUser(gs_token_handle(t)));
    assert_on_user();
    errno = 0;
    assert_false(ImpersonateLoggedOnUser(garbage));
    assert_int_equal(errno, EINVAL);
    assert_on_process();
    assert_int_equal(getuid(), 0);
    assert_int_equal(geteuid(), 0);
    assert_true(RevertToSelf());
    gs_token_unref(t);
}

/*
 * A thread started by an impersonating thread inherits its credentials from the kernel,
 * but has no record of them: when it settles, it must end up on the process identity.
 */
struct child_thread {
    unsigned long fsuid_at_start, fsuid_after_settle;
    bool impersonating_at_start;
    int root_only_error;
};

static void *
child_thread(void *arg)
{
    struct child_thread *c = arg;

    c->fsuid_at_start = fsuid();
    c->impersonating_at_start = gs_identity_impersonating();
    gs_identity_settle();
    c->fsuid_after_settle = fsuid();
    c->root_only_error = open_error(root_only);
    return NULL;
}

static void
test_a_thread_started_while_impersonating_can_settle(void **state)
{
    gs_token_t *t = user_token();
    struct child_thread c;
    pthread_t thread;

    (void) state;
    if (!require_root()) {
        gs_token_unref(t);
        skip();
    }
    assert_int_equal(gs_identity_enter(t), 0);
    assert_int_equal(pthread_create(&thread, NULL, child_thread, &c), 0);
    pthread_join(thread, NULL);
    gs_identity_settle();
    gs_token_unref(t);

    print_message("new thread: fsuid %lu at start (impersonating: %s), %lu after settling\n",
                  c.fsuid_at_start, c.impersonating_at_start ? "yes" : "no", c.fsuid_after_settle);
    assert_int_equal(c.fsuid_after_settle, 0);
    assert_int_equal(c.root_only_error, 0);
}

/* ---- the process identity, in forked children --------------------------------------------- */

static int report_fd = -1; /* the child's failures, for the parent to show */

static void
check(bool ok, int line, const char *what)
{
    if (!ok) {
        dprintf(report_fd, "line %d: %s", line, what);
        _exit(1);
    }
}

#define CHECK(cond) check((cond), __LINE__, #cond)

/* Runs fn in a child; fails the test with the child's message if it did not succeed. */
static void
in_child(void (*fn)(void))
{
    int fds[2], status;
    char msg[512] = "";
    ssize_t n;
    pid_t pid;

    gs_identity_settle();
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        report_fd = fds[1];
        fn();
        _exit(0);
    }
    close(fds[1]);
    n = read(fds[0], msg, sizeof(msg) - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_msg("child: %s (status %#x)", msg[0] ? msg : "died", status);
    }
}

static struct passwd nobody;

static struct as_root_seen {
    uid_t euid;
    unsigned long long cap_eff;
    int root_only_error, user_only_error;
} seen;

static void
as_root(void *arg)
{
    (void) arg;
    seen.euid = (uid_t) syscall(SYS_geteuid);
    seen.cap_eff = caps("CapEff");
    seen.root_only_error = open_error(root_only);
    seen.user_only_error = open_error(user_only);
}

static void
become_nobody(void)
{
    gs_token_t *t = user_token();
    int bits;

    CHECK(gs_identity_become("nobody") == 0);
    CHECK(getuid() == nobody.pw_uid);
    CHECK(geteuid() == nobody.pw_uid);
    CHECK(id_field("Uid", 2) == nobody.pw_uid);
    CHECK(fsuid() == nobody.pw_uid);
    CHECK(getgid() == nobody.pw_gid);
    CHECK(getegid() == nobody.pw_gid);
    CHECK(gs_identity_process()->uid == nobody.pw_uid);
    CHECK(strcmp(gs_identity_process()->name, "nobody") == 0);

    /* CAP_SETUID and CAP_SETGID, nothing else, and nothing to get back later. */
    CHECK(caps("CapEff") == TWO_CAPS);
    CHECK(caps("CapPrm") == TWO_CAPS);
    CHECK(caps("CapBnd") == TWO_CAPS);
    CHECK(caps("CapInh") == 0);
    CHECK(caps("CapAmb") == 0);
    bits = prctl(PR_GET_SECUREBITS);
    CHECK(bits >= 0);
    CHECK((bits & SECBIT_NO_SETUID_FIXUP) && (bits & SECBIT_NO_SETUID_FIXUP_LOCKED));
    CHECK((bits & SECBIT_NOROOT) && (bits & SECBIT_NOROOT_LOCKED));
    CHECK(gs_identity_can_impersonate());

    /* nobody reads neither file... */
    CHECK(open_error(root_only) == EACCES);
    CHECK(open_error(user_only) == EACCES);

    /* ...the capabilities let a thread be another user... */
    CHECK(gs_identity_enter(t) == 0);
    CHECK(fsuid() == USER_ID);
    CHECK(fsgid() == USER_ID);
    CHECK(open_error(user_only) == 0);
    CHECK(open_error(root_only) == EACCES);
    gs_identity_settle();
    CHECK(fsuid() == nobody.pw_uid);
    CHECK(fsgid() == nobody.pw_gid);
    CHECK(open_error(user_only) == EACCES);

    /* ...and a logon thread root for a moment, with no capability more. */
    CHECK(gs_identity_enter(t) == 0);
    gs_identity_as_root(as_root, NULL);
    CHECK(seen.euid == 0);
    CHECK(seen.cap_eff == TWO_CAPS);
    CHECK(seen.root_only_error == 0);      /* as its owner */
    CHECK(seen.user_only_error == EACCES); /* no CAP_DAC_OVERRIDE */
    CHECK(geteuid() == nobody.pw_uid);
    CHECK(getuid() == nobody.pw_uid);
    CHECK(fsuid() == nobody.pw_uid);
    CHECK(!gs_identity_impersonating()); /* it settled first */
    CHECK(caps("CapEff") == TWO_CAPS);
    CHECK(open_error(root_only) == EACCES);
    gs_token_unref(t);
}

static void
test_become_keeps_only_the_two_capabilities(void **state)
{
    struct passwd *pw;

    (void) state;
    if (!require_root()) {
        skip();
    }
    pw = getpwnam("nobody");
    if (pw == NULL) {
        print_message("skipped: no user nobody\n");
        skip();
    }
    nobody = *pw;
    in_child(become_nobody);
}

static void
become_missing_user(void)
{
    CHECK(gs_identity_become("guise-no-such-user") == -1);
    CHECK(getuid() == 0 && geteuid() == 0);
    CHECK(caps("CapBnd") != TWO_CAPS);
}

static void
become_no_one(void)
{
    CHECK(gs_identity_become(NULL) == 0);
    CHECK(gs_identity_become("") == 0);
    CHECK(getuid() == 0 && geteuid() == 0);
    CHECK(gs_identity_process()->uid == 0);
    CHECK(gs_identity_can_impersonate());
}

static void
test_become_without_a_user(void **state)
{
    (void) state;
    if (!require_root()) {
        skip();
    }
    in_child(become_missing_user);
    in_child(become_no_one);
}

static void
no_capabilities(void)
{
    gs_token_t *t = user_token();

    /* A process started as nobody, without capabilities. */
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid) == 0);
    CHECK(setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid) == 0);
    CHECK(caps("CapEff") == 0);
    CHECK(gs_identity_become("root") == 0); /* stays who it is */
    CHECK(gs_identity_process()->uid == nobody.pw_uid);
    CHECK(!gs_identity_can_impersonate());

    CHECK(gs_identity_enter(t) == -EPERM);
    CHECK(fsuid() == nobody.pw_uid);
    CHECK(!gs_identity_impersonating());
    errno = 0;
    CHECK(!ImpersonateLoggedOnUser(gs_token_handle(t)));
    CHECK(fsuid() == nobody.pw_uid);
    CHECK(errno == EPERM); /* "FALSE ... (errno tells)" */
    gs_token_unref(t);
}

static void
test_without_capabilities_impersonation_fails_with_errno(void **state)
{
    struct passwd *pw;

    (void) state;
    if (!require_root()) {
        skip();
    }
    pw = getpwnam("nobody");
    if (pw == NULL) {
        print_message("skipped: no user nobody\n");
        skip();
    }
    nobody = *pw;
    in_child(no_capabilities);
}

static void
capabilities_without_root(void)
{
    static const cap_value_t two[] = {CAP_SETUID, CAP_SETGID};
    gs_token_t *t = user_token();
    cap_t c = cap_init();

    /* A process started as nobody with the two capabilities (systemd's AmbientCapabilities). */
    CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid) == 0);
    CHECK(setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid) == 0);
    CHECK(c != NULL);
    CHECK(cap_set_flag(c, CAP_PERMITTED, 2, two, CAP_SET) == 0);
    CHECK(cap_set_flag(c, CAP_EFFECTIVE, 2, two, CAP_SET) == 0);
    CHECK(cap_set_proc(c) == 0);
    cap_free(c);
    CHECK(gs_identity_become("www-data") == 0); /* stays who it is */
    CHECK(gs_identity_can_impersonate());

    /* A logon does not take root: the way back would clear the capabilities for good. */
    for (int i = 0; i < 2; i++) {
        gs_identity_as_root(as_root, NULL);
        CHECK(seen.euid == nobody.pw_uid);
        CHECK(seen.root_only_error == EACCES);
        CHECK(caps("CapEff") == TWO_CAPS);
        CHECK(caps("CapPrm") == TWO_CAPS);
    }
    /* ...so impersonation keeps working after logons. */
    CHECK(gs_identity_enter(t) == 0);
    CHECK(fsuid() == USER_ID);
    gs_identity_settle();
    gs_token_unref(t);
}

static void
test_capabilities_without_root_keep_logons_as_the_process(void **state)
{
    struct passwd *pw;

    (void) state;
    if (!require_root()) {
        skip();
    }
    pw = getpwnam("nobody");
    if (pw == NULL) {
        print_message("skipped: no user nobody\n");
        skip();
    }
    nobody = *pw;
    in_child(capabilities_without_root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_process_identity_before_anything, settle),
        cmocka_unit_test_teardown(test_enter_changes_the_calling_thread_only, settle),
        cmocka_unit_test_teardown(test_entering_the_same_credentials_again_is_elided, settle),
        cmocka_unit_test_teardown(test_switching_users_replaces_every_credential, settle),
        cmocka_unit_test_teardown(test_settle_is_idempotent, settle),
        cmocka_unit_test_teardown(test_entering_the_process_identity_or_null_settles, settle),
        cmocka_unit_test_teardown(test_the_kernel_checks_files_as_the_token, settle),
        cmocka_unit_test_teardown(test_a_failed_enter_leaves_the_thread_on_the_process_identity,
                                  settle),
        cmocka_unit_test_teardown(test_impersonate_and_revert, settle),
        cmocka_unit_test_teardown(test_impersonating_no_token_fails_closed, settle),
        cmocka_unit_test_teardown(test_a_thread_started_while_impersonating_can_settle, settle),
        cmocka_unit_test_teardown(test_become_keeps_only_the_two_capabilities, settle),
        cmocka_unit_test_teardown(test_become_without_a_user, settle),
        cmocka_unit_test_teardown(test_without_capabilities_impersonation_fails_with_errno, settle),
        cmocka_unit_test_teardown(test_capabilities_without_root_keep_logons_as_the_process,
                                  settle),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
