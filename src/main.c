/*
 * guise: parse the command line, open the access log, bind and start the
 * loops, then wait for signals on this thread (every other thread blocks
 * them): SIGTERM/SIGINT drain and exit 0, SIGUSR1 reopens the access log.
 */
#include "core/log.h"
#include "core/server.h"
#include "guise_version.h"
#include "modules/builtin.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
handle_request(void *ctx, gs_request_t *req)
{
    const gs_server_t *s = ctx;

    gs_static_file_handle(&s->site, req);
}

static void
request_done(void *ctx, gs_request_t *req)
{
    (void) ctx;
    gs_w3c_log_request(req);
}

static void
announce(const gs_server_t *s)
{
    for (unsigned i = 0; i < s->opts.nlisten; i++) {
        char host[GS_ADDR_TEXT_MAX];
        bool v6 = s->bound[i].sa.sa_family == AF_INET6;

        gs_sockaddr_host(&s->bound[i], host);
        gs_log_info("listening on http://%s%s%s:%u/ (root %s, %u loop%s)", v6 ? "[" : "", host,
                    v6 ? "]" : "", gs_sockaddr_port(&s->bound[i]), s->site.root_path, s->nloops,
                    s->nloops == 1 ? "" : "s");
    }
}

int
main(int argc, char **argv)
{
    static gs_server_t server;
    gs_options_t opts;
    gs_handler_t handler = {handle_request, request_done, &server};
    char err[512];
    sigset_t set;
    int sig;

    switch (gs_options_parse(&opts, argc, argv, err, sizeof(err), stdout)) {
    case GS_OPTIONS_EXIT:
        return 0;
    case GS_OPTIONS_BAD:
        fprintf(stderr, "guise: %s\n", err);
        return 2;
    case GS_OPTIONS_RUN:
        break;
    }
    if (opts.debug) {
        gs_log_threshold = GS_LOG_DEBUG;
    }

    /* Blocked before any thread starts, so that only sigwait() sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (opts.log_path != NULL && gs_w3c_log_open(opts.log_path) != 0) {
        return 1;
    }
    if (gs_server_init(&server, &opts, &handler) != 0 || gs_server_start(&server) != 0) {
        gs_server_destroy(&server);
        gs_w3c_log_close();
        return 1;
    }
    announce(&server);

    for (;;) {
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGUSR1) {
            gs_w3c_log_reopen();
        } else if (sig == SIGHUP) {
            gs_log_info("SIGHUP: nothing to reload without a configuration file");
        } else {
            gs_log_info("%s: stopping; requests in flight have %u ms", strsignal(sig),
                        opts.shutdown_timeout_ms);
            break;
        }
    }
    gs_server_stop(&server);
    gs_server_wait(&server);
    gs_w3c_log_close();
    gs_server_destroy(&server);
    gs_log_info("stopped");
    return 0;
}
