/*
 * The command line: parsed into an immutable gs_options_t before anything
 * starts.  A bad option is a one-line error and exit status 2.
 */
#ifndef GS_CORE_OPTIONS_H
#define GS_CORE_OPTIONS_H

#include "sockaddr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define GS_MAX_LISTEN      64
#define GS_MAX_THREADS     256
#define GS_MAX_CLI_MODULES 64
#define GS_DEFAULT_CONFIG  "/etc/guise/applicationHost.config"
#define GS_DEFAULT_CTL     "/run/guise/ctl.sock"
#define GS_CTL_PATH_MAX    108 /* sizeof(sockaddr_un.sun_path), the NUL included */

/* --module NAME=PATH: a native module to load. */
typedef struct gs_module_spec {
    const char *name;
    const char *path;
} gs_module_spec_t;

typedef struct gs_listen_addr {
    gs_sockaddr_t addr;
    socklen_t len;
    char text[64]; /* as the user wrote it */
} gs_listen_addr_t;

typedef struct gs_options {
    const char *config; /* applicationHost.config; NULL with --root (the embedded default) */
    bool test;          /* -t: check the configuration and exit */
    const char *root;
    gs_listen_addr_t listen[GS_MAX_LISTEN];
    unsigned nlisten;
    unsigned threads;     /* 0: one per online CPU */
    const char *log_path; /* NULL: no access log; "-": standard output */
    const char *mime_types;

    unsigned header_timeout_ms;    /* first byte to end of headers (slowloris) */
    unsigned keepalive_timeout_ms; /* idle between requests */
    unsigned send_timeout_ms;      /* without progress while sending */
    unsigned shutdown_timeout_ms;  /* for requests in flight after SIGTERM */
    unsigned logon_timeout_ms;     /* for PAM to answer a logon */
    const char *pam_service;
    unsigned max_connections;  /* all loops together */
    unsigned max_header_bytes; /* request line and headers */
    unsigned max_headers;
    uint64_t max_body_bytes;
    bool debug;
    /*
     * --ctl-socket: NULL when not given (the control socket then exists only
     * when started as root with a configuration file), "none" to have none,
     * else an absolute path.  src/ctl/control.h decides.
     */
    const char *ctl_socket;

    gs_module_spec_t modules[GS_MAX_CLI_MODULES];
    unsigned nmodules;
    char module_text[GS_MAX_CLI_MODULES][512]; /* where NAME and PATH live */
} gs_options_t;

typedef enum {
    GS_OPTIONS_RUN,  /* start the server */
    GS_OPTIONS_EXIT, /* --help or --version was printed: exit 0 */
    GS_OPTIONS_BAD,  /* err holds a one-line message: exit 2 */
} gs_options_result_t;

/* Sets the defaults, then applies argv.  `out` receives --help/--version text. */
gs_options_result_t gs_options_parse(gs_options_t *o, int argc, char **argv, char *err,
                                     size_t errlen, FILE *out);

/* Parses "ADDR:PORT" ("127.0.0.1:80", "[::1]:80", "*:80").  0 or -EINVAL. */
int gs_parse_listen(const char *text, gs_listen_addr_t *out);

/* Parses a duration: "30" (seconds), "30s", "500ms".  0 or -EINVAL. */
int gs_parse_duration_ms(const char *text, unsigned *out_ms);

#endif
