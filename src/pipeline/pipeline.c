/*
 * The pipeline and the configuration meet here.  Modules register in the
 * configuration's <modules> order (built-in ones by name, the others loaded
 * from <globalModules>), then those of --module.  A module that cannot be
 * loaded stops start-up with one line naming it.
 *
 * The configuration in force is one pointer.  A request takes a reference
 * on it when it starts and keeps it to the end, so a reload never changes
 * a request in flight.  The pointer is read only on loop threads (and the
 * main thread, which swaps it); after a swap, the old configuration loses
 * the swap's reference only once every loop has passed a barrier, so no
 * loop can be between reading the pointer and taking its reference.
 */
#include "pipeline.h"
#include "context.h"
#include "global.h"
#include "registry.h"
#include "server_object.h"
#include "site.h"
#include "cache/cache.h"
#include "cache/file_cache.h"
#include "cache/token_cache.h"
#include "cache/uri_cache.h"
#include "core/log.h"
#include "security/identity.h"
#include "core/wide.h"
#include "modules/builtin.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    PFN_REGISTERMODULE reg;
} builtins[] = {
    {"AnonymousAuthenticationModule", gs_register_anonymous_auth},
    {"BasicAuthenticationModule", gs_register_basic_auth},
    {"StaticFileModule", gs_register_static_file},
    {"DefaultDocumentModule", gs_register_default_document},
    {"DirectoryListingModule", gs_register_directory_listing},
    {"HttpLoggingModule", gs_register_http_logging},
};

static const char *const builtin_names[] = {
    "AnonymousAuthenticationModule",
    "BasicAuthenticationModule",
    "StaticFileModule",
    "DefaultDocumentModule",
    "DirectoryListingModule",
    "HttpLoggingModule",
    NULL,
};

static _Atomic(gs_config_t *) current;
static gs_server_t *server; /* for the barrier; NULL before the loops run */

const char *const *
gs_pipeline_builtin_modules(void)
{
    return builtin_names;
}

gs_config_t *
gs_pipeline_config(void)
{
    return atomic_load(&current);
}

static int
load_module(const char *name, const char *path)
{
    void *dl;
    PFN_REGISTERMODULE reg;
    HRESULT hr;

    if (gs_registry_has(name)) {
        gs_log_error("module %s (%s): a module of that name is loaded already", name, path);
        return -1;
    }
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        gs_log_error("cannot load module %s: %s", name, dlerror());
        return -1;
    }
    reg = (PFN_REGISTERMODULE) dlsym(dl, "RegisterModule");
    if (reg == NULL) {
        gs_log_error("module %s (%s) does not export RegisterModule", name, path);
        dlclose(dl);
        return -1;
    }
    hr = gs_registry_add(name, path, reg, gs_server_object(), dl);
    if (FAILED(hr)) {
        gs_log_error("module %s (%s): RegisterModule failed with 0x%08x", name, path,
                     (unsigned) hr);
        dlclose(dl);
        return -1;
    }
    return 0;
}

static int
add_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (strcasecmp(builtins[i].name, name) == 0) {
            HRESULT hr;

            if (gs_registry_has(name)) {
                gs_log_error("module %s is in the pipeline twice", name);
                return -1;
            }
            hr = gs_registry_add(builtins[i].name, NULL, builtins[i].reg, gs_server_object(), NULL);

            if (FAILED(hr)) {
                /* A built-in says why itself; this only names it, for debugging. */
                gs_log_debug("built-in module %s failed to register (0x%08x)", builtins[i].name,
                             (unsigned) hr);
                return -1;
            }
            return 0;
        }
    }
    gs_log_error("no built-in module is named %s", name);
    return -1;
}

/* preCondition as IIS writes it; one that does not hold leaves the module out. */
static bool
precondition_holds(const char *text)
{
    IHttpServer *s = gs_server_object();
    wchar_t *w;
    BOOL ok;

    if (text == NULL || text[0] == '\0') {
        return true;
    }
    w = gs_wide_dup(text);
    ok = IHttpServer_SatisfiesPrecondition(s, w);
    free(w);
    return ok != FALSE;
}

/*
 * The caches' limits: at start and on every reload.  The URI cache's
 * records point into the configuration being replaced: it is flushed.
 */
static void
configure_caches(const gs_config_t *cfg)
{
    gs_cache_limits_t limits = {cfg->token_cache.enabled, cfg->token_cache.max_entries,
                                cfg->token_cache.ttl_s * 1000u};

    gs_file_cache_limits_t files = {
        {cfg->file_cache.enabled, cfg->file_cache.max_entries, cfg->file_cache.ttl_s * 1000u},
        (size_t) cfg->file_cache.max_file_size,
        (size_t) cfg->file_cache.max_total_size,
    };

    gs_token_cache_configure(&limits, cfg->token_cache.max_age_s * 1000u);
    if (!limits.enabled) {
        gs_token_cache_flush(NULL);
    }
    gs_file_cache_configure(&files);
    gs_uri_cache_configure(NULL);
}

int
gs_pipeline_init(const gs_options_t *opts, gs_config_t *cfg)
{
    gs_server_object_init(opts, cfg->file);
    gs_site_objects_create(cfg);
    atomic_store(&current, cfg);
    configure_caches(cfg);
    for (unsigned i = 0; i < cfg->nmodules; i++) {
        const gs_cfg_module_t *m = &cfg->modules[i];
        int rc;

        if (!precondition_holds(m->precondition)) {
            gs_log_info("module %s left out: its preCondition \"%s\" does not hold", m->name,
                        m->precondition);
            continue;
        }
        rc = m->image ? load_module(m->name, m->image) : add_builtin(m->name);
        if (rc != 0) {
            return -1;
        }
        if (m->global_only) {
            gs_registry_global_only();
            gs_log_debug("module %s: global notifications only (not in <modules>)", m->name);
        }
    }
    for (unsigned i = 0; i < opts->nmodules; i++) {
        if (load_module(opts->modules[i].name, opts->modules[i].path) != 0) {
            return -1;
        }
    }
    gs_registry_seal();
    return 0;
}

void
gs_pipeline_attach(gs_server_t *s)
{
    server = s;
}

/* ---- configuration changes ------------------------------------------------ */

struct barrier {
    atomic_uint remaining;
    gs_config_t *old;
};

static void
barrier_passed(void *arg)
{
    struct barrier *b = arg;

    if (atomic_fetch_sub(&b->remaining, 1) == 1) {
        gs_config_unref(b->old);
        free(b);
    }
}

static void
applications(DWORD notification, const gs_config_t *cfg)
{
    if (!gs_global_wanted(notification)) {
        return;
    }
    for (unsigned i = 0; i < cfg->nsites; i++) {
        for (unsigned k = 0; k < cfg->sites[i].napps; k++) {
            gs_app_obj_t *app = gs_app_obj(&cfg->sites[i].apps[k]);

            gs_global_application(notification, (IHttpApplication *) &app->IHttpApplication_iface);
        }
    }
}

static bool
same_modules(const gs_config_t *a, const gs_config_t *b)
{
    if (a->nmodules != b->nmodules) {
        return false;
    }
    for (unsigned i = 0; i < a->nmodules; i++) {
        const gs_cfg_module_t *x = &a->modules[i], *y = &b->modules[i];

        if (strcasecmp(x->name, y->name) != 0 || (x->image == NULL) != (y->image == NULL)
            || (x->image && strcmp(x->image, y->image) != 0) || x->global_only != y->global_only
            || strcmp(x->precondition ? x->precondition : "",
                      y->precondition ? y->precondition : "")
                   != 0)
        {
            return false;
        }
    }
    return true;
}

void
gs_pipeline_reload(gs_config_t *cfg)
{
    gs_config_t *old;
    struct barrier *b;

    gs_site_objects_create(cfg);
    old = atomic_exchange(&current, cfg);
    configure_caches(cfg);
    if (!same_modules(old, cfg)) {
        gs_log_warn("the module list changed: it takes effect at the next start");
    }
    applications(GL_APPLICATION_STOP, old);
    applications(GL_APPLICATION_START, cfg);
    gs_global_configuration_change(L"MACHINE/WEBROOT/APPHOST");
    if (server == NULL || server->nloops == 0) {
        gs_config_unref(old);
        return;
    }
    b = gs_xmalloc(sizeof(*b));
    atomic_init(&b->remaining, server->nloops);
    b->old = old;
    for (unsigned i = 0; i < server->nloops; i++) {
        gs_loop_post(&server->loops[i], barrier_passed, b);
    }
}

HRESULT
gs_pipeline_config_section(IHttpContext *hc, const char *name, IGuiseConfigElement **out)
{
    const gs_schema_section_t *s = gs_schema_section(name);
    unsigned index;
    gs_cfg_node_t *node;

    if (out == NULL) {
        return E_INVALIDARG;
    }
    *out = NULL;
    if (s == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
    }
    index = (unsigned) (s - gs_schema_sections);
    if (hc != NULL) {
        const gs_context_t *ctx = gs_context_from_IHttpContext(hc);

        node = ctx->point ? ctx->point->sections[index] : ctx->cfg->server[index];
    } else {
        node = atomic_load(&current)->server[index];
    }
    *out = &node->IGuiseConfigElement_iface;
    return S_OK;
}

/* ---- the core's handler ---------------------------------------------------- */

static void
handle(void *arg, gs_request_t *req)
{
    gs_context_t *ctx = gs_context_create(req, atomic_load(&current));

    (void) arg;
    if (ctx->cfg_site == NULL) {
        /* No binding takes this host: http.sys's answer, before any module. */
        gs_response_error(&req->rsp, req->pool, 400, 0, ERROR_INVALID_PARAMETER);
        req->rsp.reason = "Bad Request - Invalid Hostname";
        ctx->refused = true;
        ctx->stage = GS_STAGE_SEND;
        gs_dispatch_run(ctx);
        return;
    }
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
    gs_context_t *ctx = gs_context_create(req, atomic_load(&current));

    (void) arg;
    ctx->refused = true;
    /* Its response is out; without a site, no module hears of it. */
    ctx->stage = ctx->cfg_site ? GS_STAGE_LOG : GS_STAGE_DONE;
    gs_dispatch_run(ctx);
}

/* A loop at rest carries the process identity (the last request's user is put down). */
static void
idle(void *arg)
{
    (void) arg;
    gs_identity_settle();
}

static void
thread_exit(void *arg)
{
    gs_config_t *cfg = atomic_load(&current);

    (void) arg;
    gs_identity_settle(); /* and drop the reference on the last user's token */
    if (gs_global_wanted(GL_THREAD_CLEANUP) && cfg->nsites > 0 && cfg->sites[0].napps > 0) {
        gs_app_obj_t *app = gs_app_obj(&cfg->sites[0].apps[0]);

        gs_global_thread_cleanup((IHttpApplication *) &app->IHttpApplication_iface);
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
        .idle = idle,
        .ctx = NULL,
    };

    return h;
}

/* ---- the process's life ---------------------------------------------------- */

void
gs_pipeline_started(void)
{
    gs_cache_start();
    applications(GL_APPLICATION_START, atomic_load(&current));
}

void
gs_pipeline_stopping(void)
{
    gs_global_stop_listening(true);
}

void
gs_pipeline_shutdown(void)
{
    gs_config_t *cfg = atomic_exchange(&current, NULL);

    if (cfg != NULL && gs_registry.sealed) {
        applications(GL_APPLICATION_STOP, cfg);
    }
    gs_cache_shutdown(); /* GL_CACHE_CLEANUP, before the modules' Terminate */
    gs_registry_terminate();
    gs_config_unref(cfg);
    gs_server_object_free();
    server = NULL;
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
