#include "identity.h"
#include "core/log.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static gs_token_t *process;               /* who the process is, once settled */
static bool can_impersonate;              /* CAP_SETUID and CAP_SETGID effective */
static _Thread_local gs_token_t *current; /* this thread's credentials if not the process's (+1) */
/*
 * Has this thread applied credentials of its own yet?  A new thread starts with
 * a copy of its creator's, which may be a user's: its first settle applies the
 * process's whatever `current` says.
 */
static _Thread_local bool known;

static bool
caps_effective(void)
{
    cap_t caps = cap_get_proc();
    cap_flag_value_t uid = CAP_CLEAR, gid = CAP_CLEAR;

    if (caps != NULL) {
        cap_get_flag(caps, CAP_SETUID, CAP_EFFECTIVE, &uid);
        cap_get_flag(caps, CAP_SETGID, CAP_EFFECTIVE, &gid);
        cap_free(caps);
    }
    return uid == CAP_SET && gid == CAP_SET;
}

/* The token of the identity we run as now (name from NSS when it knows it). */
static gs_token_t *
current_process_token(void)
{
    gid_t groups[GS_TOKEN_MAX_GROUPS];
    int n = getgroups(GS_TOKEN_MAX_GROUPS, groups);
    struct passwd pw, *found = NULL;
    char buf[16384];

    getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found);
    return gs_token_create(geteuid(), getegid(), groups, n < 0 ? 0 : (unsigned) n,
                           found ? found->pw_name : "");
}

/* Before gs_identity_become (tests, tools), the process is who it started as. */
static void
default_process(void)
{
    if (process == NULL) {
        process = current_process_token();
        can_impersonate = caps_effective();
    }
}

static pthread_once_t defaulted = PTHREAD_ONCE_INIT;

gs_token_t *
gs_identity_process(void)
{
    pthread_once(&defaulted, default_process);
    return process;
}

bool
gs_identity_can_impersonate(void)
{
    pthread_once(&defaulted, default_process);
    return can_impersonate;
}

/* The process's threads, by /proc/self/task. */
static unsigned
threads(void)
{
    DIR *d = opendir("/proc/self/task");
    unsigned n = 0;

    if (d == NULL) {
        return 1;
    }
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n > 2 ? n - 2 : 1; /* "." and ".." */
}

/* Keeps CAP_SETUID and CAP_SETGID, effective and permitted; nothing else, not even later. */
static int
keep_two_capabilities(void)
{
    static const cap_value_t keep[] = {CAP_SETUID, CAP_SETGID};
    cap_t caps;
    int rc;

    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
        if (c != CAP_SETUID && c != CAP_SETGID && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0
            && errno != EINVAL)
        {
            return -errno;
        }
    }
    caps = cap_init();
    if (caps == NULL) {
        return -errno;
    }
    rc = cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) == 0
                 && cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) == 0
                 && cap_set_proc(caps) == 0
             ? 0
             : -errno;
    cap_free(caps);
    return rc;
}

int
gs_identity_become(const char *user)
{
    gs_token_t *t;
    int rc;

    if (geteuid() != 0 || user == NULL || user[0] == '\0') {
        gs_token_unref(process); /* the default made before, if any */
        process = current_process_token();
        can_impersonate = caps_effective();
        if (geteuid() == 0) {
            gs_log_warn("running as root: no processModel userName to become");
        } else if (user != NULL && user[0] != '\0' && strcmp(user, process->name) != 0) {
            gs_log_info("not started as root: staying '%s' (processModel userName '%s' needs "
                        "root)",
                        process->name, user);
        }
        return 0;
    }
    rc = gs_token_for_user(user, &t);
    if (rc != 0) {
        gs_log_error("processModel userName '%s': %s", user,
                     rc == -ENOENT ? "no such user" : strerror(-rc));
        return -1;
    }
    /*
     * Capabilities survive the change of ids (KEEP_CAPS), and later per-thread
     * id changes (a logon thread's turn as root) never add or clear any
     * (NO_SETUID_FIXUP); root regains nothing by exec (NOROOT).  Locked.
     */
    if (prctl(PR_SET_SECUREBITS,
              SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED
                  | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED,
              0, 0, 0)
            != 0
        || setgroups(t->ngroups, t->groups) != 0 || setresgid(t->gid, t->gid, t->gid) != 0
        || setresuid(t->uid, t->uid, t->uid) != 0)
    {
        gs_log_error("cannot become '%s': %s", user, strerror(errno));
        gs_token_unref(t);
        return -1;
    }
    if (threads() > 1) {
        /* Capabilities and securebits are per thread: those started before now keep root's. */
        gs_log_warn("%u threads were started before guise became '%s': they keep root's "
                    "capability bounding set (a module should start its threads at "
                    "GL_APPLICATION_START)",
                    threads() - 1, user);
    }
    rc = keep_two_capabilities();
    if (rc != 0 || getuid() != t->uid || geteuid() != t->uid || getegid() != t->gid) {
        gs_log_error("cannot become '%s' with only CAP_SETUID and CAP_SETGID: %s", user,
                     strerror(rc ? -rc : EPERM));
        gs_token_unref(t);
        return -1;
    }
    gs_token_unref(process); /* the default made before, if any */
    process = t;
    can_impersonate = caps_effective();
    gs_log_info("running as %s (uid %u), keeping CAP_SETUID and CAP_SETGID", t->name,
                (unsigned) t->uid);
    return 0;
}

/* ---- threads ------------------------------------------------------------------------------ */

/* The raw calls: each changes the calling thread only.  0 or -errno. */
static int
apply(const gs_token_t *t)
{
    if (syscall(SYS_setgroups, (size_t) t->ngroups, t->groups) != 0) {
        return -errno;
    }
    /* setfsgid/setfsuid return the previous value; asking with -1 reads the one in force. */
    syscall(SYS_setfsgid, t->gid);
    if ((gid_t) syscall(SYS_setfsgid, (gid_t) -1) != t->gid) {
        return -EPERM;
    }
    syscall(SYS_setfsuid, t->uid);
    if ((uid_t) syscall(SYS_setfsuid, (uid_t) -1) != t->uid) {
        return -EPERM;
    }
    return 0;
}

void
gs_identity_settle(void)
{
    int rc;

    if (current == NULL && known) {
        return;
    }
    pthread_once(&defaulted, default_process);
    if (current == NULL && !can_impersonate) {
        known = true; /* no thread here can have carried anything but the process identity */
        return;
    }
    rc = apply(process);
    if (rc != 0) {
        /* A thread whose identity is unknown must not do anything more. */
        gs_panic("cannot return a thread to the process identity: %s", strerror(-rc));
    }
    gs_token_unref(current);
    current = NULL;
    known = true;
}

int
gs_identity_enter(gs_token_t *t)
{
    int rc;

    pthread_once(&defaulted, default_process);
    if (t == NULL || gs_token_same_credentials(t, process)) {
        gs_identity_settle();
        return 0;
    }
    if (current != NULL && known && gs_token_same_credentials(current, t)) {
        return 0; /* elided: the thread carries these credentials already */
    }
    if (!can_impersonate) {
        gs_identity_settle();
        return -EPERM;
    }
    rc = apply(t);
    if (rc != 0) {
        /* Whatever got applied is taken back before anything is read. */
        if (current == NULL) {
            current = process;
            gs_token_ref(current);
        }
        gs_identity_settle();
        return rc;
    }
    gs_token_ref(t);
    gs_token_unref(current);
    current = t;
    known = true;
    return 0;
}

bool
gs_identity_impersonating(void)
{
    return current != NULL || !known;
}

void
gs_identity_as_root(void (*fn)(void *), void *arg)
{
    uid_t self = gs_identity_process()->uid;

    gs_identity_settle();
    if (!can_impersonate || self == 0) {
        fn(arg);
        return;
    }
    if (!(prctl(PR_GET_SECUREBITS) & SECBIT_NO_SETUID_FIXUP)) {
        /*
         * Started as another user with the two capabilities (systemd's
         * AmbientCapabilities): without NO_SETUID_FIXUP, which only root can
         * set, the way back from uid 0 would clear this thread's capabilities
         * for good.  PAM runs as the process account instead.
         */
        static atomic_bool said;

        if (!atomic_exchange(&said, true)) {
            gs_log_warn("logons run as %s, not root: guise was not started as root, so a "
                        "PAM module that reads /etc/shadow (pam_unix) refuses every password",
                        process->name);
        }
        fn(arg);
        return;
    }
    if (syscall(SYS_setresuid, (uid_t) -1, (uid_t) 0, (uid_t) -1) != 0) {
        gs_log_warn("a logon thread cannot take root: %s; PAM runs as %s", strerror(errno),
                    process->name);
        fn(arg);
        return;
    }
    fn(arg);
    if (syscall(SYS_setresuid, (uid_t) -1, self, (uid_t) -1) != 0
        || (uid_t) syscall(SYS_geteuid) != self
        || (uid_t) syscall(SYS_setfsuid, (uid_t) -1) != self)
    {
        gs_panic("a logon thread cannot give up root: %s", strerror(errno));
    }
}

/* ---- the public functions of <guise/token.h> -------------------------------------------- */

BOOL
ImpersonateLoggedOnUser(HANDLE hToken)
{
    gs_token_t *t = gs_token_from_handle(hToken);
    int rc;

    if (t == NULL) {
        gs_identity_settle();
        errno = EINVAL;
        return FALSE;
    }
    rc = gs_identity_enter(t);
    if (rc != 0) {
        errno = -rc;
        return FALSE;
    }
    return TRUE;
}

BOOL
RevertToSelf(VOID)
{
    gs_identity_settle();
    return TRUE;
}
