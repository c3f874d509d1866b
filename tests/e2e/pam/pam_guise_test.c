/*
 * pam_guise_test.so: a PAM module for tests/e2e/test_security.py, plugged into a test PAM
 * stack (pam_wrapper's service directory) next to pam_matrix.  Never installed.
 *
 *     auth     sleep=N [user=NAME]   sleeps N seconds when the user is NAME (any user
 *              [mark=PATH]           without user=), as a directory service that stopped
 *                                    answering would, then returns PAM_IGNORE; PATH exists
 *                                    while it sleeps, so that a test knows where the logon is
 *     auth     count=PATH            appends a line with the user name to PATH for every
 *                                    pam_authenticate: the logons PAM saw
 *     account  deny=NAME             PAM_ACCT_EXPIRED for NAME, PAM_IGNORE for anyone else
 *
 * A module that does not apply to the user returns PAM_IGNORE, so the rest of the stack
 * (pam_matrix) decides.
 */
#include <security/pam_modules.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The value of "name=value" among the module's arguments, or NULL. */
static const char *
option(int argc, const char **argv, const char *name)
{
    size_t n = strlen(name);

    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
            return argv[i] + n + 1;
        }
    }
    return NULL;
}

static int
is_user(pam_handle_t *pamh, const char *wanted)
{
    const void *user = NULL;

    if (wanted == NULL) {
        return 1;
    }
    return pam_get_item(pamh, PAM_USER, &user) == PAM_SUCCESS && user != NULL
           && strcmp(user, wanted) == 0;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    const char *seconds = option(argc, argv, "sleep");
    const char *mark = option(argc, argv, "mark");
    const char *count = option(argc, argv, "count");
    struct timespec left;
    int fd;

    (void) flags;
    if (count != NULL) {
        const void *user = NULL;

        fd = open(count, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            if (pam_get_item(pamh, PAM_USER, &user) == PAM_SUCCESS && user != NULL) {
                (void) !write(fd, user, strlen(user));
            }
            (void) !write(fd, "\n", 1);
            close(fd);
        }
    }
    if (seconds == NULL || !is_user(pamh, option(argc, argv, "user"))) {
        return PAM_IGNORE;
    }
    if (mark != NULL) {
        fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            close(fd);
        }
    }
    left.tv_sec = atoi(seconds);
    left.tv_nsec = 0;
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    if (mark != NULL) {
        unlink(mark);
    }
    return PAM_IGNORE;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void) pamh;
    (void) flags;
    (void) argc;
    (void) argv;
    return PAM_IGNORE;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    const char *deny = option(argc, argv, "deny");

    (void) flags;
    return deny != NULL && is_user(pamh, deny) ? PAM_ACCT_EXPIRED : PAM_IGNORE;
}
