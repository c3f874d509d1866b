/*
 * Built-in modules register first, in IIS's default order (the file
 * handlers, then logging); loadable modules follow in command-line order.
 * A module that cannot be loaded stops start-up with one line naming it.
 */
#include "pipeline.h"
#include "context.h"
#include "global.h"
#include "registry.h"
#include "server_object.h"
#include "site.h"
#include "core/log.h"
#include "modules/builtin.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    PFN_REGISTERMODULE reg;
} builtins[] = {
    {"DefaultDocumentModule", gs_register_default_document},
    {"StaticFileModule", gs_register_static_file},
    {"HttpLoggingModule", gs_register_http_logging},
};

static int
load_module(const gs_module_spec_t *spec)
{
    void *dl = dlopen(spec->path, RTLD_NOW | RTLD_LOCAL);
    PFN_REGISTERMODULE reg;
    HRESULT hr;

    if (dl == NULL) {
        gs_log_error("cannot load module %s: %s", spec->name, dlerror());
        return -1;
    }
    reg = (PFN_REGISTERMODULE) dlsym(dl, "RegisterModule");
    if (reg == NULL) {
        gs_log_error("module %s (%s) does not export RegisterModule", spec->name, spec->path);
        dlclose(dl);
        return -1;
    }
    hr = gs_registry_add(spec->name, spec->path, reg, gs_server_object(), dl);
    if (FAILED(hr)) {
        gs_log_error("module %s (%s): RegisterModule failed with 0x%08x", spec->name, spec->path,
                     (unsigned) hr);
        dlclose(dl);
        return -1;
    }
    return 0;
}

int
gs_pipeline_init(const gs_options_t *opts)
{
    char *root = realpath(opts->root, NULL);
    int fd = open(opts->root, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || root == NULL) {
        gs_log_error("cannot open site root '%s': %s", opts->root, strerror(errno));
        free(root);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    close(fd);
    gs_server_object_init(opts);
    gs_default_site = gs_site_create(1, "Default Web Site", root);
    free(root);
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        HRESULT hr =
            gs_registry_add(builtins[i].name, NULL, builtins[i].reg, gs_server_object(), NULL);

        if (FAILED(hr)) {
            /* A built-in says why itself; this only names it, for debugging. */
            gs_log_debug("built-in module %s failed to register (0x%08x)", builtins[i].name,
                         (unsigned) hr);
            return -1;
        }
    }
    for (unsigned i = 0; i < opts->nmodules; i++) {
        if (load_module(&opts->modules[i]) != 0) {
            return -1;
        }
    }
    gs_registry_seal();
    return 0;
}

/* ---- the core's handler ---------------------------------------------------- */

static void
handle(void *arg, gs_request_t *req)
{
    gs_context_t *ctx = gs_context_create(req);

    (void) arg;
    if (gs_global_wanted(GL_PRE_BEGIN_REQUEST)) {
        gs_global_pre_begin_request(gs_context_iface(ctx));
    }
    gs_dispatch_run(ctx);
}

static void
sent(void *arg, gs_request_t *req)
{
    (void) arg;
    gs_dispatch_run(req->pipeline); /* its stage is LOG_REQUEST already */
}

static void
body_ready(void *arg, gs_request_t *req)
{
    (void) arg;
    gs_request_body_ready(req->pipeline);
}

/* A request the core answered itself: modules hear only LOG_REQUEST and END_REQUEST. */
static void
refused(void *arg, gs_request_t *req)
{
    gs_context_t *ctx = gs_context_create(req);

    (void) arg;
    ctx->refused = true;
    ctx->stage = GS_STAGE_LOG;
    gs_dispatch_run(ctx);
}

static void
thread_exit(void *arg)
{
    (void) arg;
    if (gs_global_wanted(GL_THREAD_CLEANUP)) {
        gs_global_thread_cleanup((IHttpApplication *) &gs_default_site->IHttpApplication_iface);
    }
}

gs_handler_t
gs_pipeline_handler(void)
{
    gs_handler_t h = {
        .handle = handle,
        .sent = sent,
        .body_ready = body_ready,
        .refused = refused,
        .thread_exit = thread_exit,
        .ctx = NULL,
    };

    return h;
}

/* ---- the process's life ---------------------------------------------------- */

void
gs_pipeline_started(void)
{
    gs_global_application(GL_APPLICATION_START,
                          (IHttpApplication *) &gs_default_site->IHttpApplication_iface);
}

void
gs_pipeline_stopping(void)
{
    gs_global_stop_listening(true);
}

void
gs_pipeline_shutdown(void)
{
    if (gs_default_site != NULL && gs_registry.sealed) {
        gs_global_application(GL_APPLICATION_STOP,
                              (IHttpApplication *) &gs_default_site->IHttpApplication_iface);
    }
    gs_registry_terminate();
    gs_site_free(gs_default_site);
    gs_default_site = NULL;
    gs_server_object_free();
}

struct custom {
    ICustomNotificationProvider iface;
    const wchar_t *type;
};

static VOID
custom_SetErrorStatus(ICustomNotificationProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError;
}

static PCWSTR
custom_QueryNotificationType(ICustomNotificationProvider *This)
{
    return gs_container_of(This, struct custom, iface)->type;
}

static const ICustomNotificationProviderVtbl custom_vtbl = {
    .SetErrorStatus = custom_SetErrorStatus,
    .QueryNotificationType = custom_QueryNotificationType,
};

void
gs_pipeline_custom(const wchar_t *type)
{
    struct custom p = {{&custom_vtbl}, type};

    gs_global_raise(GL_CUSTOM_NOTIFICATION, &p.iface);
}
