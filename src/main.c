/*
 * guise: parse the command line, load the configuration (a file, or the
 * embedded default of --root/--listen), listen on its bindings, build the
 * pipeline (built-in and loaded modules), become the application pools'
 * account (when started as root), start the loops, then wait for
 * signals on this thread (every other thread blocks them): SIGTERM/SIGINT
 * drain and exit 0, SIGHUP reloads the configuration file, SIGUSR1 asks
 * log writers to reopen their files.  A module that recycles the process
 * or reports it unhealthy makes it drain and exit 3, for its supervisor to
 * restart it.
 *
 * `guise ctl ...` is the client of the control socket (src/ctl/client.c):
 * dispatched before anything else.  The socket itself is made while the
 * process is still root, answered once the server runs, and removed at
 * shutdown (src/ctl/control.c).
 */
#include "config/listen.h"
#include "config/load.h"
#include "core/log.h"
#include "core/server.h"
#include "ctl/client.h"
#include "ctl/control.h"
#include "modules/builtin.h"
#include "pipeline/pipeline.h"
#include "pipeline/server_object.h"
#include "security/identity.h"
#include "security/logon.h"
#include "security/requirements.h"

#include <errno.h>
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
    for (unsigned i = 0; i < s->nendpoints; i++) {
        char text[GS_ENDPOINT_TEXT_MAX];

        gs_sockaddr_text(&s->endpoints[i].addr, text);
        gs_log_info("listening on http://%s/ (%u loop%s)", text, s->nloops,
                    s->nloops == 1 ? "" : "s");
    }
}

/*
 * Makes the server listen on cfg's bindings and puts cfg in force in
 * between (install: NULL at start-up, when the pipeline is not built
 * yet).  0, or -1 with nothing changed.
 */
static int
listen_and_install(gs_server_t *s, gs_config_t *cfg, void (*install)(gs_config_t *))
{
    gs_listen_addr_t asked[GS_MAX_LISTEN], bound[GS_MAX_LISTEN];
    gs_listen_change_t *change;
    unsigned n = gs_config_listen_addrs(cfg, asked, GS_MAX_LISTEN);

    if (n > GS_MAX_LISTEN) {
        gs_log_error("the bindings need %u addresses to listen on; guise listens on at most %d", n,
                     GS_MAX_LISTEN);
        return -1;
    }
    memcpy(bound, asked, sizeof(asked));
    if (gs_server_listen_prepare(s, bound, n, &change) != 0) {
        return -1;
    }
    gs_config_bound(cfg, asked, bound, n);
    if (install != NULL) {
        install(cfg); /* before new listeners accept: their requests find their sites */
    }
    gs_server_listen_commit(s, change);
    return 0;
}

static void
reload(gs_server_t *s, const gs_options_t *o)
{
    gs_config_t *cfg;

    if (o->config == NULL) {
        gs_log_info("SIGHUP: the embedded default (--root) has nothing to reload");
        return;
    }
    gs_log_info("SIGHUP: reading %s", o->config);
    cfg = gs_config_load(o, gs_pipeline_builtin_modules());
    if (cfg == NULL) {
        gs_log_error("reload refused: %s has errors; the configuration in force stays", o->config);
        return;
    }
    if (gs_security_check(cfg) != 0) {
        gs_log_error("reload refused: this process cannot serve it as it asks; the "
                     "configuration in force stays");
        gs_config_unref(cfg);
        return;
    }
    if (strcmp(cfg->process_user, gs_pipeline_config()->process_user) != 0) {
        gs_log_warn("the application pools' userName changed to '%s': it takes effect at the "
                    "next start",
                    cfg->process_user);
    }
    if (listen_and_install(s, cfg, gs_pipeline_reload) != 0) {
        gs_log_error("reload refused: cannot listen on its bindings; the configuration in force "
                     "stays");
        gs_config_unref(cfg);
        return;
    }
    gs_log_info("configuration reloaded: %u site%s", cfg->nsites, cfg->nsites == 1 ? "" : "s");
    announce(s);
}

/*
 * --listen ADDR:0 asks for a free port per address: picked here, before the
 * embedded default is written, so that each is a binding of its own.
 */
static int
pick_cli_ports(gs_options_t *o)
{
    for (unsigned i = 0; o->config == NULL && i < o->nlisten; i++) {
        gs_listen_addr_t *l = &o->listen[i];
        int rc;

        if (gs_sockaddr_port(&l->addr) != 0) {
            continue;
        }
        rc = gs_listener_probe(&l->addr, l->len);
        if (rc != 0) {
            gs_log_error("cannot listen on %s: %s", l->text, strerror(-rc));
            return -1;
        }
        gs_sockaddr_text(&l->addr, l->text);
    }
    return 0;
}

/* The configuration to use: exit status 0 to go on. */
static int
check_default_config(const gs_options_t *o)
{
    if (o->config != NULL && strcmp(o->config, GS_DEFAULT_CONFIG) == 0
        && access(o->config, F_OK) != 0 && errno == ENOENT)
    {
        fprintf(stderr,
                "guise: no configuration: %s does not exist; give --config FILE, or --root DIR "
                "--listen ADDR:PORT (see guise --help)\n",
                GS_DEFAULT_CONFIG);
        return 2;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static gs_server_t server;
    gs_options_t opts;
    gs_handler_t handler;
    gs_config_t *cfg;
    const char *process_user;
    char err[512];
    int rc;
    sigset_t set;
    int sig;

    if (argc >= 2 && strcmp(argv[1], "ctl") == 0) {
        return gs_ctl_client(argc - 1, argv + 1);
    }
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

    rc = check_default_config(&opts);
    if (rc != 0) {
        return rc;
    }
    if (!opts.test && pick_cli_ports(&opts) != 0) {
        return 1;
    }
    cfg = gs_config_load(&opts, gs_pipeline_builtin_modules());
    if (opts.test) {
        if (cfg == NULL) {
            fprintf(stderr, "guise: %s: configuration has errors\n",
                    opts.config ? opts.config : "(embedded default)");
            return 1;
        }
        printf("configuration OK\n");
        gs_config_unref(cfg);
        return 0;
    }
    if (cfg == NULL) {
        return 1;
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

    /* As root, before any thread: asked for and not made is a refusal to start (fail closed). */
    if (gs_control_path(&opts) != NULL && gs_control_open(gs_control_path(&opts)) != 0) {
        gs_config_unref(cfg);
        return 1;
    }
    handler = gs_pipeline_handler();
    if (gs_server_init(&server, &opts, &handler) != 0
        || listen_and_install(&server, cfg, NULL) != 0) {
        gs_config_unref(cfg);
        gs_server_destroy(&server);
        gs_control_close();
        return 1;
    }
    process_user = cfg->process_user;
    if (gs_pipeline_init(&opts, cfg) != 0) {
        gs_server_destroy(&server);
        gs_pipeline_shutdown();
        gs_control_close();
        return 1;
    }
    /* Ports bound and modules loaded: now the process becomes its account. */
    gs_logon_configure(opts.pam_service, opts.logon_timeout_ms);
    if (gs_identity_become(process_user) != 0 || gs_security_check(gs_pipeline_config()) != 0) {
        gs_server_destroy(&server);
        gs_pipeline_shutdown();
        gs_control_close();
        return 1;
    }
    gs_pipeline_attach(&server);
    gs_server_object_on_recycle(request_recycle);
    if (gs_server_start(&server) != 0) {
        gs_server_destroy(&server);
        gs_pipeline_shutdown();
        gs_control_close();
        return 1;
    }
    announce(&server);
    gs_pipeline_started();
    gs_control_start(); /* after the caches start: flush and stats need them */

    for (;;) {
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGUSR1) {
            gs_pipeline_custom(GUISE_REOPEN_LOGS);
        } else if (sig == SIGHUP) {
            reload(&server, &opts);
        } else {
            gs_log_info("%s: stopping; requests in flight have %u ms", strsignal(sig),
                        opts.shutdown_timeout_ms);
            break;
        }
    }
    gs_control_close(); /* before the caches go; its file with it */
    gs_pipeline_stopping();
    gs_server_stop(&server);
    gs_server_wait(&server);
    gs_logon_shutdown();
    gs_server_destroy(&server);
    gs_pipeline_shutdown();
    gs_log_info("stopped");
    return atomic_load(&recycle_requested) ? EXIT_RECYCLE : 0;
}
