/*
 * The control socket's life and its one thread.  The socket is made as
 * root; the thread runs as the process identity, which cannot reach the
 * 0700 directory by itself: the file is removed at shutdown through the
 * file-system credentials of its owner (gs_identity_enter), which the kernel
 * grants to a process that kept CAP_SETUID.  The thread serves one client
 * at a time, none for longer than GS_CTL_TIMEOUT_MS (to read its line) plus
 * as much to write the answer, and reads at most GS_CTL_MAX_LINE + 1 bytes of
 * it: a silent or flooding client delays the next by seconds, never more.
 */
#include "control.h"
#include "command.h"
#include "core/log.h"
#include "security/identity.h"
#include "security/token.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static struct {
    int fd;   /* the listening socket, -1 without one */
    int wake; /* eventfd: written once to stop the thread */
    char path[GS_CTL_PATH_MAX];
    dev_t dev; /* of the socket file we made: only that one is removed */
    ino_t ino;
    uid_t owner;
    gid_t group;
    pthread_t thread;
    bool running;
} ctl = {.fd = -1, .wake = -1};

const char *
gs_control_path(const gs_options_t *o)
{
    if (o->ctl_socket != NULL) {
        return strcmp(o->ctl_socket, "none") == 0 ? NULL : o->ctl_socket;
    }
    return o->config != NULL && geteuid() == 0 ? GS_DEFAULT_CTL : NULL;
}

/* ---- making the socket ------------------------------------------------------------------ */

static void
fill_address(struct sockaddr_un *sa, const char *path)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, path, strlen(path) + 1); /* length checked by the options */
}

/*
 * Whoever may write in the socket's directory could put a socket of their
 * own in its place, and root's `guise ctl` would talk to it: the directory
 * must be ours (or root's), and nobody else's to write in.
 */
static int
check_directory(const char *path, const char *dir)
{
    struct stat st;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd == -1 || fstat(fd, &st) != 0) {
        gs_log_error("control socket %s: its directory %s: %s", path, dir, strerror(errno));
        if (fd != -1) {
            close(fd);
        }
        return -1;
    }
    close(fd);
    if ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 022) != 0) {
        gs_log_error("control socket %s: its directory %s may be written by others (owner uid %u, "
                     "mode %04o): another account could put a socket of its own there; use a "
                     "directory only root writes in (--ctl-socket PATH), or --ctl-socket none",
                     path, dir, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* The directory of path, made 0700 if missing (one level: a typo does not grow a tree). */
static int
make_directory(const char *path)
{
    char dir[GS_CTL_PATH_MAX];
    char *slash;

    memcpy(dir, path, strlen(path) + 1);
    slash = strrchr(dir, '/');
    if (slash == dir) {
        return 0; /* "/" */
    }
    *slash = '\0';
    if (mkdir(dir, 0700) == 0) {
        gs_log_info("made %s (mode 0700) for the control socket", dir);
    } else if (errno != EEXIST) {
        gs_log_error("control socket %s: cannot make its directory %s: %s; give --ctl-socket PATH "
                     "elsewhere, or --ctl-socket none",
                     path, dir, strerror(errno));
        return -1;
    }
    return check_directory(path, dir);
}

/*
 * What is at path already: nothing, or a stale socket (removed), is fine; a
 * socket some process accepts on, or anything else, is not.
 */
static int
clear_stale(const char *path)
{
    struct sockaddr_un sa;
    struct stat st;
    int fd, rc;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) {
            return 0;
        }
        gs_log_error("control socket %s: %s; give --ctl-socket PATH elsewhere, or "
                     "--ctl-socket none",
                     path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        gs_log_error("control socket %s: the path exists and is not a socket; give "
                     "--ctl-socket PATH elsewhere, or --ctl-socket none",
                     path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        gs_log_error("control socket %s: socket: %s", path, strerror(errno));
        return -1;
    }
    fill_address(&sa, path);
    rc = connect(fd, (struct sockaddr *) &sa, sizeof(sa));
    rc = rc == 0 ? 0 : errno;
    close(fd);
    if (rc == 0) {
        gs_log_error("control socket %s: in use by another running server; stop it, or give "
                     "this one --ctl-socket PATH (or --ctl-socket none)",
                     path);
        return -1;
    }
    if (rc != ECONNREFUSED) {
        gs_log_error("control socket %s: cannot tell whether a server uses it: %s; give "
                     "--ctl-socket PATH elsewhere, or --ctl-socket none",
                     path, strerror(rc));
        return -1;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        gs_log_error("control socket %s: cannot remove the stale one: %s", path, strerror(errno));
        return -1;
    }
    gs_log_info("control socket %s: replaced a stale one (no server answered on it)", path);
    return 0;
}

int
gs_control_open(const char *path)
{
    struct sockaddr_un sa;
    struct stat st;
    mode_t mask;
    int fd, rc;

    if (make_directory(path) != 0 || clear_stale(path) != 0) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1) {
        gs_log_error("control socket %s: socket: %s", path, strerror(errno));
        return -1;
    }
    fill_address(&sa, path);
    /* Born 0600: no moment exists when another account could connect (umask: still one thread). */
    mask = umask(0177);
    rc = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
    umask(mask);
    if (rc != 0 || listen(fd, 8) != 0 || lstat(path, &st) != 0) {
        gs_log_error("control socket %s: %s%s", path, strerror(errno),
                     errno == EADDRINUSE ? " (another server made it meanwhile); give "
                                           "--ctl-socket PATH elsewhere, or --ctl-socket none"
                                         : "");
        if (rc == 0) {
            unlink(path);
        }
        close(fd);
        return -1;
    }
    ctl.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ctl.wake == -1) {
        gs_log_error("control socket %s: eventfd: %s", path, strerror(errno));
        unlink(path);
        close(fd);
        return -1;
    }
    ctl.fd = fd;
    memcpy(ctl.path, path, strlen(path) + 1);
    ctl.dev = st.st_dev;
    ctl.ino = st.st_ino;
    ctl.owner = st.st_uid;
    ctl.group = st.st_gid;
    gs_log_info("control socket %s (mode 0600, uid %u only): guise ctl stats, "
                "guise ctl flush-tokens [USER]",
                path, (unsigned) st.st_uid);
    return 0;
}

/* ---- one client -------------------------------------------------------------------------- */

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/*
 * Waits for fd to be ready for `events` until deadline, or for the stop
 * signal.  1 ready, 0 timed out, -1 stopping.
 */
static int
wait_for(int fd, short events, uint64_t deadline)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = events}, {.fd = ctl.wake, .events = POLLIN}};
        uint64_t now = now_ms();
        int n;

        if (now >= deadline) {
            return 0;
        }
        n = poll(p, 2, (int) (deadline - now));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || (p[1].revents & POLLIN)) {
            return -1;
        }
        if (n > 0) {
            return 1;
        }
    }
}

/*
 * Reads one line into buf (GS_CTL_MAX_LINE + 2 bytes): its length, without
 * the newline; -EMSGSIZE past GS_CTL_MAX_LINE bytes, -ETIMEDOUT, -ECANCELED
 * when stopping, -ENODATA for a client that left without a byte.  A client
 * that closes after its last byte without a newline sent that line.
 */
static ssize_t
read_line(int fd, char *buf)
{
    size_t have = 0, cap = GS_CTL_MAX_LINE + 1; /* one more than a line: room for its '\n' */
    uint64_t deadline = now_ms() + GS_CTL_TIMEOUT_MS;

    while (have < cap) {
        char *nl;
        ssize_t n;
        int rc = wait_for(fd, POLLIN, deadline);

        if (rc <= 0) {
            return rc == 0 ? -ETIMEDOUT : -ECANCELED;
        }
        n = recv(fd, buf + have, cap - have, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return have > 0 ? (ssize_t) have : -ENODATA;
        }
        if (n == 0) {
            return have > 0 ? (ssize_t) have : -ENODATA;
        }
        nl = memchr(buf + have, '\n', (size_t) n);
        if (nl != NULL) {
            return nl - buf;
        }
        have += (size_t) n;
    }
    return -EMSGSIZE;
}

static void
write_all(int fd, const char *text)
{
    size_t len = strlen(text), done = 0;
    uint64_t deadline = now_ms() + GS_CTL_TIMEOUT_MS;

    while (done < len) {
        ssize_t n = send(fd, text + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n > 0) {
            done += (size_t) n;
        } else if (n < 0 && errno == EAGAIN) {
            if (wait_for(fd, POLLOUT, deadline) <= 0) {
                return;
            }
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return; /* the client left: nobody to tell */
        }
    }
}

/*
 * Closes a client's connection.  Whatever it sent past its line is read
 * first (a little: a flood is cut): a Unix socket closed with unread bytes
 * resets the peer, which could then lose the answer.
 */
static void
hang_up(int fd)
{
    char sink[4096];

    shutdown(fd, SHUT_WR);
    for (int i = 0; i < 16 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++) {
    }
    close(fd);
}

static void
serve(int fd)
{
    char line[GS_CTL_MAX_LINE + 2];
    char answer[GS_CTL_MAX_ANSWER];
    char err[256];
    struct ucred cred;
    socklen_t len = sizeof(cred);
    gs_ctl_request_t req;
    ssize_t n;

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
        write_all(fd, "error cannot tell who is asking (SO_PEERCRED)\n");
        gs_log_warn("control socket: a client whose credentials cannot be read was refused");
        return;
    }
    if (cred.uid != 0) {
        snprintf(answer, sizeof(answer),
                 "error permission denied: uid %u is not root; only root may use the control "
                 "socket\n",
                 (unsigned) cred.uid);
        write_all(fd, answer);
        gs_log_warn("control socket: refused process %d of uid %u (not root)", (int) cred.pid,
                    (unsigned) cred.uid);
        return;
    }
    n = read_line(fd, line);
    if (n == -ENODATA || n == -ECANCELED) {
        return;
    }
    if (n == -ETIMEDOUT) {
        snprintf(answer, sizeof(answer), "error no request line within %u ms\n", GS_CTL_TIMEOUT_MS);
    } else if (n == -EMSGSIZE) {
        snprintf(answer, sizeof(answer), "error request longer than %d bytes\n", GS_CTL_MAX_LINE);
    } else if (gs_ctl_parse(line, (size_t) n, &req, err, sizeof(err)) != 0) {
        snprintf(answer, sizeof(answer), "error %s\n", err);
    } else {
        gs_ctl_run(&req, answer, sizeof(answer));
        gs_identity_settle(); /* modules heard the flush on this thread */
        if (req.verb == GS_CTL_FLUSH_TOKENS) {
            gs_log_info("control socket: flush-tokens %s: %s", req.user ? req.user : "(everyone)",
                        answer + 3); /* after "ok " */
        }
    }
    write_all(fd, answer);
}

static void *
control_thread(void *arg)
{
    (void) arg;
    gs_identity_settle(); /* server work: the process identity */
    for (;;) {
        struct pollfd p[2] = {{.fd = ctl.fd, .events = POLLIN}, {.fd = ctl.wake, .events = POLLIN}};
        int fd;

        if (poll(p, 2, -1) < 0) {
            continue; /* EINTR */
        }
        if (p[1].revents & POLLIN) {
            break;
        }
        fd = accept4(ctl.fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno == EMFILE || errno == ENFILE) {
                usleep(100 * 1000); /* the loops hold every descriptor: try again later */
            }
            continue;
        }
        serve(fd);
        hang_up(fd);
    }
    return NULL;
}

void
gs_control_start(void)
{
    int rc;

    if (ctl.fd == -1) {
        return;
    }
    rc = pthread_create(&ctl.thread, NULL, control_thread, NULL);
    if (rc != 0) {
        gs_panic("cannot start the control socket's thread: %s", strerror(rc));
    }
    ctl.running = true;
}

/* Removes the socket file if it is the one we made, with the credentials of its owner. */
static void
remove_file(void)
{
    gs_token_t *owner = NULL;
    struct stat st;
    int rc = 0;

    if (geteuid() != ctl.owner) {
        owner = gs_token_create(ctl.owner, ctl.group, NULL, 0, "control socket owner");
        rc = gs_identity_enter(owner);
    }
    if (rc == 0 && lstat(ctl.path, &st) == 0 && st.st_dev == ctl.dev && st.st_ino == ctl.ino) {
        rc = unlink(ctl.path) == 0 ? 0 : -errno;
    }
    if (owner != NULL) {
        gs_identity_settle();
        gs_token_unref(owner);
    }
    if (rc != 0) {
        gs_log_warn("control socket %s: not removed (%s); the next start replaces it", ctl.path,
                    strerror(-rc));
    }
}

void
gs_control_close(void)
{
    uint64_t one = 1;

    if (ctl.fd == -1) {
        return;
    }
    if (ctl.running) {
        if (write(ctl.wake, &one, sizeof(one)) != sizeof(one)) {
            gs_panic("cannot stop the control socket's thread: %s", strerror(errno));
        }
        pthread_join(ctl.thread, NULL);
        ctl.running = false;
    }
    close(ctl.fd);
    ctl.fd = -1;
    close(ctl.wake);
    ctl.wake = -1;
    remove_file();
}
