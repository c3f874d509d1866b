#include "options.h"
#include "util.h"
#include "guise_version.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: guise [--config FILE] [-t] [options]\n"
    "       guise --root DIR --listen ADDR:PORT [options]\n"
    "\n"
    "Serves the sites of an applicationHost.config (default: " GS_DEFAULT_CONFIG "),\n"
    "or, with --root, one directory as the embedded default site.\n"
    "\n"
    "  --config FILE            the configuration (IIS's applicationHost.config format)\n"
    "  -t                       check the configuration, print 'configuration OK' or its\n"
    "                           errors, and exit 0 or 1\n"
    "  --root DIR               serve DIR (the embedded default; needs --listen)\n"
    "  --listen ADDR:PORT       address to listen on, repeatable (with --root);\n"
    "                           127.0.0.1:8080, [::1]:8080, *:8080 or :8080 (all IPv4);\n"
    "                           port 0 picks a free one\n"
    "  --threads N              event loops (default: one per CPU)\n"
    "  --log FILE|-             W3C access log file, or - for standard output (default: none)\n"
    "  --mime-types FILE        media types (default: /etc/mime.types)\n"
    "  --header-timeout T       time to receive request headers (default 20s)\n"
    "  --keepalive-timeout T    idle time between requests (default 120s)\n"
    "  --send-timeout T         time without progress while sending (default 60s)\n"
    "  --shutdown-timeout T     time for requests in flight after SIGTERM (default 10s)\n"
    "  --max-connections N      open connections, all loops together (default 65536)\n"
    "  --max-header-bytes N     request line and headers (default 16384)\n"
    "  --max-headers N          header fields per request (default 100)\n"
    "  --max-body-bytes N       request body (default 30000000)\n"
    "  --module NAME=PATH       load a native module (a .so exporting RegisterModule),\n"
    "                           repeatable; modules hear notifications in this order\n"
    "  --pam-service NAME       the PAM service of logons (default guise)\n"
    "  --logon-timeout T        time PAM has to answer a logon (default 10s)\n"
    "  --ctl-socket PATH|none   the root-only control socket of 'guise ctl' (default\n"
    "                           " GS_DEFAULT_CTL " when started as root with a\n"
    "                           configuration file; none otherwise)\n"
    "  --debug                  log debugging detail to standard error\n"
    "  --help, --version\n"
    "\n"
    "       guise ctl [--ctl-socket PATH] stats | flush-tokens [USER]\n"
    "asks the running server (as root) for its cache and logon counters, or to\n"
    "forget the cached logons of USER (of everyone without USER); see guise ctl --help.\n"
    "\n"
    "T is seconds (\"30\", \"30s\") or milliseconds (\"500ms\").\n"
    "Signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the configuration,\n"
    "SIGUSR1 reopens the access logs.\n";

enum {
    OPT_CONFIG = 255,
    OPT_ROOT = 256,
    OPT_LISTEN,
    OPT_THREADS,
    OPT_LOG,
    OPT_MIME,
    OPT_HEADER_TIMEOUT,
    OPT_KEEPALIVE_TIMEOUT,
    OPT_SEND_TIMEOUT,
    OPT_SHUTDOWN_TIMEOUT,
    OPT_MAX_CONNECTIONS,
    OPT_MAX_HEADER_BYTES,
    OPT_MAX_HEADERS,
    OPT_MAX_BODY,
    OPT_DEBUG,
    OPT_MODULE,
    OPT_PAM_SERVICE,
    OPT_LOGON_TIMEOUT,
    OPT_CTL_SOCKET,
    OPT_HELP,
    OPT_VERSION,
};

static const struct option longopts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"root", required_argument, NULL, OPT_ROOT},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"log", required_argument, NULL, OPT_LOG},
    {"mime-types", required_argument, NULL, OPT_MIME},
    {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
    {"keepalive-timeout", required_argument, NULL, OPT_KEEPALIVE_TIMEOUT},
    {"send-timeout", required_argument, NULL, OPT_SEND_TIMEOUT},
    {"shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"max-header-bytes", required_argument, NULL, OPT_MAX_HEADER_BYTES},
    {"max-headers", required_argument, NULL, OPT_MAX_HEADERS},
    {"max-body-bytes", required_argument, NULL, OPT_MAX_BODY},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"module", required_argument, NULL, OPT_MODULE},
    {"pam-service", required_argument, NULL, OPT_PAM_SERVICE},
    {"logon-timeout", required_argument, NULL, OPT_LOGON_TIMEOUT},
    {"ctl-socket", required_argument, NULL, OPT_CTL_SOCKET},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static gs_options_result_t bad(char *err, size_t errlen, const char *fmt, ...) GS_PRINTF(3, 4);

static gs_options_result_t
bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return GS_OPTIONS_BAD;
}

/* A decimal in [min, max], nothing else: "12", not "12x", "-1" or "". */
static int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9') {
        return -EINVAL;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return -EINVAL;
    }
    *out = v;
    return 0;
}

int
gs_parse_duration_ms(const char *text, unsigned *out_ms)
{
    char num[32];
    size_t n = strspn(text, "0123456789");
    uint64_t v, scale;

    if (n == 0 || n >= sizeof(num)) {
        return -EINVAL;
    }
    if (strcmp(text + n, "") == 0 || strcmp(text + n, "s") == 0) {
        scale = 1000;
    } else if (strcmp(text + n, "ms") == 0) {
        scale = 1;
    } else {
        return -EINVAL;
    }
    memcpy(num, text, n);
    num[n] = '\0';
    if (parse_uint(num, 0, UINT_MAX / 1000, &v) != 0 || v * scale > 86400000u) {
        return -EINVAL;
    }
    *out_ms = (unsigned) (v * scale);
    return 0;
}

int
gs_parse_listen(const char *text, gs_listen_addr_t *out)
{
    char host[64];
    const char *colon, *port_text;
    uint64_t port;
    size_t hlen;

    if (strlen(text) >= sizeof(out->text)) {
        return -EINVAL;
    }
    if (text[0] == '[') {
        const char *close = strchr(text, ']');

        if (close == NULL || close[1] != ':') {
            return -EINVAL;
        }
        hlen = (size_t) (close - text - 1);
        memcpy(host, text + 1, hlen);
        port_text = close + 2;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL || memchr(text, ':', (size_t) (colon - text)) != NULL) {
            return -EINVAL; /* an IPv6 address needs its brackets */
        }
        hlen = (size_t) (colon - text);
        memcpy(host, text, hlen);
        port_text = colon + 1;
    }
    host[hlen] = '\0';
    if (parse_uint(port_text, 0, 65535, &port) != 0) {
        return -EINVAL;
    }
    memset(out, 0, sizeof(*out));
    if (hlen == 0 || strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0) {
        out->addr.in.sin_family = AF_INET;
        out->addr.in.sin_addr.s_addr = htonl(INADDR_ANY);
        out->addr.in.sin_port = htons((uint16_t) port);
        out->len = sizeof(out->addr.in);
    } else if (text[0] != '[' && inet_pton(AF_INET, host, &out->addr.in.sin_addr) == 1) {
        out->addr.in.sin_family = AF_INET;
        out->addr.in.sin_port = htons((uint16_t) port);
        out->len = sizeof(out->addr.in);
    } else if (text[0] == '[' && inet_pton(AF_INET6, host, &out->addr.in6.sin6_addr) == 1) {
        out->addr.in6.sin6_family = AF_INET6;
        out->addr.in6.sin6_port = htons((uint16_t) port);
        out->len = sizeof(out->addr.in6);
    } else {
        return -EINVAL;
    }
    strcpy(out->text, text);
    return 0;
}

gs_options_result_t
gs_options_parse(gs_options_t *o, int argc, char **argv, char *err, size_t errlen, FILE *out)
{
    int opt, idx = 0;
    uint64_t v;

    memset(o, 0, sizeof(*o));
    o->mime_types = "/etc/mime.types";
    o->header_timeout_ms = 20000;
    o->keepalive_timeout_ms = 120000;
    o->send_timeout_ms = 60000;
    o->shutdown_timeout_ms = 10000;
    o->pam_service = "guise";
    o->logon_timeout_ms = 10000;
    o->max_connections = 65536;
    o->max_header_bytes = 16384;
    o->max_headers = 100;
    o->max_body_bytes = 30000000;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":t", longopts, &idx)) != -1) {
        const char *arg = optarg;

        switch (opt) {
        case 't':
            o->test = true;
            break;
        case OPT_CONFIG:
            o->config = arg;
            break;
        case OPT_ROOT:
            o->root = arg;
            break;
        case OPT_LISTEN:
            if (o->nlisten == GS_MAX_LISTEN) {
                return bad(err, errlen, "too many --listen addresses (at most %d)", GS_MAX_LISTEN);
            }
            if (gs_parse_listen(arg, &o->listen[o->nlisten]) != 0) {
                return bad(err, errlen,
                           "--listen: '%s' is not ADDR:PORT (127.0.0.1:8080, [::1]:8080, *:8080)",
                           arg);
            }
            o->nlisten++;
            break;
        case OPT_THREADS:
            if (parse_uint(arg, 1, GS_MAX_THREADS, &v) != 0) {
                return bad(err, errlen, "--threads: '%s' is not a number from 1 to %d", arg,
                           GS_MAX_THREADS);
            }
            o->threads = (unsigned) v;
            break;
        case OPT_LOG:
            o->log_path = arg;
            break;
        case OPT_MIME:
            o->mime_types = arg;
            break;
        case OPT_PAM_SERVICE:
            /* A file name under /etc/pam.d: no '/', no dots alone. */
            if (arg[0] == '\0' || strchr(arg, '/') != NULL || strcmp(arg, ".") == 0
                || strcmp(arg, "..") == 0 || strlen(arg) > 100)
            {
                return bad(err, errlen, "--pam-service: '%s' is not a PAM service name", arg);
            }
            o->pam_service = arg;
            break;
        case OPT_CTL_SOCKET:
            if (strcmp(arg, "none") != 0 && (arg[0] != '/' || strlen(arg) >= GS_CTL_PATH_MAX)) {
                return bad(err, errlen,
                           "--ctl-socket: '%s' is not none or an absolute path of at most %d bytes",
                           arg, GS_CTL_PATH_MAX - 1);
            }
            o->ctl_socket = arg;
            break;
        case OPT_HEADER_TIMEOUT:
        case OPT_KEEPALIVE_TIMEOUT:
        case OPT_SEND_TIMEOUT:
        case OPT_LOGON_TIMEOUT:
        case OPT_SHUTDOWN_TIMEOUT: {
            unsigned ms;
            unsigned *field = opt == OPT_HEADER_TIMEOUT      ? &o->header_timeout_ms
                              : opt == OPT_KEEPALIVE_TIMEOUT ? &o->keepalive_timeout_ms
                              : opt == OPT_SEND_TIMEOUT      ? &o->send_timeout_ms
                              : opt == OPT_LOGON_TIMEOUT     ? &o->logon_timeout_ms
                                                             : &o->shutdown_timeout_ms;

            if (gs_parse_duration_ms(arg, &ms) != 0 || ms == 0) {
                return bad(
                    err, errlen,
                    "--%s: '%s' is not a duration (\"30\", \"30s\", \"500ms\"; at most 1 day)",
                    longopts[idx].name, arg);
            }
            *field = ms;
            break;
        }
        case OPT_MAX_CONNECTIONS:
            if (parse_uint(arg, 1, 1000000, &v) != 0) {
                return bad(err, errlen, "--max-connections: '%s' is not a number from 1 to 1000000",
                           arg);
            }
            o->max_connections = (unsigned) v;
            break;
        case OPT_MAX_HEADER_BYTES:
            if (parse_uint(arg, 1024, 1048576, &v) != 0) {
                return bad(err, errlen,
                           "--max-header-bytes: '%s' is not a number from 1024 to 1048576", arg);
            }
            o->max_header_bytes = (unsigned) v;
            break;
        case OPT_MAX_HEADERS:
            if (parse_uint(arg, 1, 10000, &v) != 0) {
                return bad(err, errlen, "--max-headers: '%s' is not a number from 1 to 10000", arg);
            }
            o->max_headers = (unsigned) v;
            break;
        case OPT_MAX_BODY:
            if (parse_uint(arg, 0, UINT64_MAX / 2, &v) != 0) {
                return bad(err, errlen, "--max-body-bytes: '%s' is not a number", arg);
            }
            o->max_body_bytes = v;
            break;
        case OPT_DEBUG:
            o->debug = true;
            break;
        case OPT_MODULE: {
            char *text = o->module_text[o->nmodules];
            char *eq;
            size_t n = strlen(arg);

            if (o->nmodules == GS_MAX_CLI_MODULES) {
                return bad(err, errlen, "too many --module options (at most %d)",
                           GS_MAX_CLI_MODULES);
            }
            eq = strchr(arg, '=');
            if (eq == NULL || eq == arg || eq[1] == '\0' || n >= sizeof(o->module_text[0])) {
                return bad(err, errlen, "--module: '%s' is not NAME=PATH", arg);
            }
            memcpy(text, arg, n + 1);
            text[eq - arg] = '\0';
            o->modules[o->nmodules].name = text;
            o->modules[o->nmodules].path = text + (eq - arg) + 1;
            o->nmodules++;
            break;
        }
        case OPT_HELP:
            fputs(usage, out);
            return GS_OPTIONS_EXIT;
        case OPT_VERSION:
            fprintf(out, "guise %s\n", GUISE_VERSION_STRING);
            return GS_OPTIONS_EXIT;
        case ':':
            return bad(err, errlen, "option '%s' needs a value", argv[optind - 1]);
        default:
            return bad(err, errlen, "unknown option '%s' (see guise --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return bad(err, errlen, "unexpected argument '%s' (see guise --help)", argv[optind]);
    }
    if (o->config != NULL && (o->root != NULL || o->nlisten > 0)) {
        return bad(err, errlen,
                   "--config and --root/--listen exclude each other (see guise --help)");
    }
    if (o->root != NULL && o->nlisten == 0) {
        return bad(err, errlen, "--root needs --listen ADDR:PORT (see guise --help)");
    }
    if (o->nlisten > 0 && o->root == NULL) {
        return bad(err, errlen, "--listen needs --root DIR (see guise --help)");
    }
    if (o->config == NULL && o->root == NULL) {
        o->config = GS_DEFAULT_CONFIG;
    }
    return GS_OPTIONS_RUN;
}
