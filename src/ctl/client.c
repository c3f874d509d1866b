/*
 * `guise ctl [--ctl-socket PATH] COMMAND [ARG]`: checks the request with the
 * server's own parser (a usage error is caught here, without a server),
 * sends it, and waits a bounded time for the whole answer.
 */
#include "client.h"
#include "command.h"
#include "core/options.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define ANSWER_TIMEOUT_S 10

static const char usage[] =
    "Usage: guise ctl [--ctl-socket PATH] stats\n"
    "       guise ctl [--ctl-socket PATH] flush-tokens [USER]\n"
    "\n"
    "Asks the running guise, over its control socket (default " GS_DEFAULT_CTL "; root only):\n"
    "  stats                 per cache: entries hits misses additions evictions expirations\n"
    "                        deletions; then how many logons ended with each result\n"
    "  flush-tokens [USER]   forget the cached logons of USER (without USER: of everyone),\n"
    "                        after a password change or when an account is locked\n"
    "\n"
    "Exit status: 0 ok, 1 the server answered an error, 2 usage error or no answer.\n";

static int usage_error(const char *fmt, ...) GS_PRINTF(1, 2);

static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("guise ctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see guise ctl --help)\n", stderr);
    return 2;
}

/* argv's words after the options, joined by spaces: the request line.  0 or 2 (printed). */
static int
request_line(int argc, char **argv, int first, char *line, size_t cap)
{
    size_t used = 0;

    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);

        if (argv[i][0] == '\0' || strpbrk(argv[i], " \t\r\n") != NULL) {
            return usage_error("'%s' is not one word", argv[i]);
        }
        if (used + n + 2 > cap) {
            return usage_error("the request is longer than %d bytes", GS_CTL_MAX_LINE);
        }
        if (used > 0) {
            line[used++] = ' ';
        }
        memcpy(line + used, argv[i], n);
        used += n;
    }
    line[used] = '\0';
    return 0;
}

static int
connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = ANSWER_TIMEOUT_S};
    struct ucred peer = {0};
    socklen_t peer_len = sizeof(peer);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd == -1) {
        fprintf(stderr, "guise ctl: socket: %s\n", strerror(errno));
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        int e = errno;

        fprintf(stderr, "guise ctl: cannot connect to %s: %s%s\n", path, strerror(e),
                e == EACCES || e == EPERM ? " (only root may use the control socket)"
                : e == ENOENT             ? " (is guise running, and with this --ctl-socket?)"
                : e == ECONNREFUSED       ? " (no server listens on it: a stale socket)"
                                          : "");
        close(fd);
        return -1;
    }
    /* guise listens as root, before it takes its account: anyone else is an impostor. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.uid != 0) {
        fprintf(stderr,
                "guise ctl: %s is not guise's: the process listening on it is not root's "
                "(uid %d)\n",
                path, peer_len == sizeof(peer) ? (int) peer.uid : -1);
        close(fd);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

/* The last line of text (which ends with '\n'), or NULL. */
static const char *
last_line(const char *text, size_t len)
{
    const char *p;

    if (len == 0 || text[len - 1] != '\n') {
        return NULL;
    }
    for (p = text + len - 1; p > text && p[-1] != '\n'; p--) {
    }
    return p;
}

int
gs_ctl_client(int argc, char **argv)
{
    const char *path = GS_DEFAULT_CTL;
    char line[GS_CTL_MAX_LINE + 2], copy[GS_CTL_MAX_LINE + 2], err[256];
    char answer[GS_CTL_MAX_ANSWER * 4];
    gs_ctl_request_t req;
    const char *last;
    size_t len = 0;
    int i, fd, rc, send_errno;
    bool sent;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(argv[i], "--ctl-socket") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strncmp(argv[i], "--ctl-socket=", 13) == 0) {
            path = argv[i] + 13;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            return usage_error("unknown option or missing value '%s'", argv[i]);
        }
    }
    if (path[0] != '/' || strlen(path) >= GS_CTL_PATH_MAX) {
        return usage_error("--ctl-socket: '%s' is not an absolute path of at most %d bytes", path,
                           GS_CTL_PATH_MAX - 1);
    }
    if (i == argc) {
        return usage_error("which command? stats, flush-tokens [USER]");
    }
    rc = request_line(argc, argv, i, line, sizeof(line) - 1);
    if (rc != 0) {
        return rc;
    }
    memcpy(copy, line, strlen(line) + 1);
    if (gs_ctl_parse(copy, strlen(copy), &req, err, sizeof(err)) != 0) {
        return usage_error("%s", err);
    }

    fd = connect_to(path);
    if (fd == -1) {
        return 2;
    }
    strcat(line, "\n");
    /* A server that refuses us answers and closes at once: its answer is still to be read. */
    sent = send(fd, line, strlen(line), MSG_NOSIGNAL) == (ssize_t) strlen(line);
    send_errno = errno;
    for (;;) {
        ssize_t n = recv(fd, answer + len, sizeof(answer) - 1 - len, 0);

        if (n > 0) {
            len += (size_t) n;
            if (len < sizeof(answer) - 1) {
                continue;
            }
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno != ECONNRESET) { /* reset: what came is the answer, or none */
            fprintf(stderr, "guise ctl: %s: no complete answer: %s\n", path,
                    errno == EAGAIN ? "timed out" : strerror(errno));
            close(fd);
            return 2;
        }
        break;
    }
    close(fd);
    answer[len] = '\0';
    for (char *c = answer; *c != '\0'; c++) { /* printed to a terminal: no control characters */
        if ((*c > 0 && *c < 0x20 && *c != '\n') || *c == 0x7f) {
            *c = '?';
        }
    }
    if (!sent && len == 0) {
        fprintf(stderr, "guise ctl: %s: cannot send the request: %s\n", path, strerror(send_errno));
        return 2;
    }
    last = last_line(answer, len);
    if (last != NULL && (strncmp(last, "ok\n", 3) == 0 || strncmp(last, "ok ", 3) == 0)) {
        fputs(answer, stdout);
        return 0;
    }
    if (last != NULL && strncmp(last, "error ", 6) == 0) {
        fputs(answer, stderr);
        return 1;
    }
    fprintf(stderr, "guise ctl: %s: the server closed without a complete answer\n", path);
    return 2;
}
