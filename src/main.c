/*
 * guise: parse the command line, build the pipeline (built-in and loaded
 * modules), bind and start the loops, then wait for signals on this thread
 * (every other thread blocks them): SIGTERM/SIGINT drain and exit 0,
 * SIGUSR1 asks log writers to reopen their files.  A module that recycles
 * the process or reports it unhealthy makes it drain and exit 3, for its
 * supervisor to restart it.
 */
#include "core/log.h"
#include "core/server.h"
#include "modules/builtin.h"
#include "pipeline/pipeline.h"
#include "pipeline/server_object.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_RECYCLE 3

static atomic_bool recycle_requested;

static void
request_recycle(const char *reason)
{
    (void) reason;
    atomic_store(&recycle_requested, true);
    kill(getpid(), SIGTERM);
}

static void
announce(const gs_server_t *s)
{
    for (unsigned i = 0; i < s->opts.nlisten; i++) {
        char host[GS_ADDR_TEXT_MAX];
        bool v6 = s->bound[i].sa.sa_family == AF_INET6;

        gs_sockaddr_host(&s->bound[i], host);
        gs_log_info("listening on http://%s%s%s:%u/ (root %s, %u loop%s)", v6 ? "[" : "", host,
                    v6 ? "]" : "", gs_sockaddr_port(&s->bound[i]), s->opts.root, s->nloops,
                    s->nloops == 1 ? "" : "s");
    }
}

int
main(int argc, char **argv)
{
    static gs_server_t server;
    gs_options_t opts;
    gs_handler_t handler;
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

    /* Blocked before any thread starts (modules may start some), so that only sigwait() sees them.
     */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (gs_pipeline_init(&opts) != 0) {
        gs_pipeline_shutdown();
        return 1;
    }
    gs_server_object_on_recycle(request_recycle);
    handler = gs_pipeline_handler();
    if (gs_server_init(&server, &opts, &handler) != 0 || gs_server_start(&server) != 0) {
        gs_server_destroy(&server);
        gs_pipeline_shutdown();
        return 1;
    }
    announce(&server);
    gs_pipeline_started();

    for (;;) {
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGUSR1) {
            gs_pipeline_custom(GUISE_REOPEN_LOGS);
        } else if (sig == SIGHUP) {
            gs_log_info("SIGHUP: nothing to reload without a configuration file");
        } else {
            gs_log_info("%s: stopping; requests in flight have %u ms", strsignal(sig),
                        opts.shutdown_timeout_ms);
            break;
        }
    }
    gs_pipeline_stopping();
    gs_server_stop(&server);
    gs_server_wait(&server);
    gs_server_destroy(&server);
    gs_pipeline_shutdown();
    gs_log_info("stopped");
    return atomic_load(&recycle_requested) ? EXIT_RECYCLE : 0;
}
