/*
 * The per-request object of the module API: one allocation in the request
 * pool carries every interface a module reaches from its IHttpContext (the
 * request, the response, the providers the notifications pass, the module
 * allocator, the completion info, the request's context container) and the
 * dispatcher's state.  It lives until gs_conn_finish_request() destroys the
 * pool.  Touched only on the request's loop thread; a module working on
 * another thread comes back through IndicateCompletion/PostCompletion,
 * which post to that loop.
 */
#ifndef GS_PIPELINE_CONTEXT_H
#define GS_PIPELINE_CONTEXT_H

#include "containers.h"
#include "registry.h"
#include "site.h"
#include "core/conn.h"
#include "core/request.h"
#include "core/util.h"

#include <guise/httpserv.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Where the dispatcher is between the deterministic stages. */
enum { GS_STAGE_SEND = 100, GS_STAGE_DONE = 101 };

typedef struct gs_server_var gs_server_var_t;

typedef struct gs_context {
    IHttpContext4 IHttpContext_iface;
    IHttpRequest3 IHttpRequest_iface;
    IHttpResponse2 IHttpResponse_iface;
    IHttpEventProvider IHttpEventProvider_iface;
    IAuthenticationProvider IAuthenticationProvider_iface;
    IMapHandlerProvider IMapHandlerProvider_iface;
    IMapPathProvider IMapPathProvider_iface;
    ISendResponseProvider ISendResponseProvider_iface;
    IReadEntityProvider IReadEntityProvider_iface;
    IHttpCompletionInfo2 IHttpCompletionInfo_iface;
    IModuleAllocator IModuleAllocator_iface;
    IHttpUrlInfo IHttpUrlInfo_iface;
    gs_container_t container;     /* request-scoped module contexts */
    gs_container_t url_container; /* the URL's (per request until a URI cache) */
    gs_named_container_t *named;  /* made on first use */

    gs_request_t *req;
    gs_config_t *cfg;              /* the configuration the request started with: one reference */
    const gs_cfg_site_t *cfg_site; /* NULL: no binding takes the request */
    const gs_cfg_point_t *point;   /* the sections in force at its URL */
    const gs_cfg_vdir_t *cfg_vdir; /* the virtual directory its URL falls in */
    CHttpModule **instances;       /* by module index; made on first notification */

    /* the dispatcher */
    int stage; /* 0..11, GS_STAGE_SEND, GS_STAGE_DONE */
    bool post;
    unsigned pos;               /* next module in the current slot */
    const gs_module_t *current; /* the module being notified */
    DWORD notification;         /* its RQ_ bit, for OnAsyncCompletion */
    bool pending;               /* a module returned RQ_NOTIFICATION_PENDING */
    atomic_uint completions;    /* posted (IndicateCompletion, PostCompletion), not yet run */
    bool end_deferred;          /* ended with completions queued: the last one frees it */
    bool finish;                /* RQ_NOTIFICATION_FINISH_REQUEST: go to the end */
    bool running;               /* the dispatcher is on the stack */
    bool refused;               /* answered by the core: log only */
    uint64_t start_ms;          /* monotonic, for GetRequestStartTime */
    DWORD *disabled;            /* by module index: DisableNotifications masks, made on use */
    DWORD *disabled_post;

    /* completion of an asynchronous operation */
    DWORD completion_bytes;
    HRESULT completion_status;
    DWORD completion_operation;

    /* the request as modules changed it */
    IHttpUser *user;   /* owned: one reference */
    bool url_changed;  /* SetUrl was called */
    bool handled;      /* SetRequestHandled */
    wchar_t *wide_url; /* cached conversions */
    size_t wide_url_len;
    char *physical; /* the mapped path, UTF-8, NULL until mapped */
    size_t physical_len;
    wchar_t *wide_physical;
    size_t wide_physical_len;
    IHttpFileInfo *file_info; /* GetFileInfo's, released by the pool's cleanup */
    wchar_t *wide_forwarded;
    gs_server_var_t *server_vars; /* set by modules */

    /* the response as modules build it */
    bool buffering_off; /* DisableBuffering */
    bool headers_suppressed;
    bool kernel_cache_off;
    DWORD send_flags; /* ISendResponseProvider flags of the send in progress */
    bool headers_being_sent;
    HRESULT error_to_report; /* SetStatus's hrErrorToReport, for the log */
    const gs_module_t *status_module;
    DWORD status_notification;
    wchar_t *error_description;
    size_t error_description_len;

    /* RQ_READ_ENTITY's provider: what ReadEntityBody is about to return */
    void *entity_buffer;
    DWORD entity_data, entity_size;
    void *inserted; /* InsertEntityBody: served before unread body bytes */
    DWORD inserted_len, inserted_pos;
    void *read_buf; /* an asynchronous ReadEntityBody waiting for bytes */
    DWORD read_cb;
    bool read_pending;

    /* RQ_MAP_PATH's provider */
    const wchar_t *map_url;
    wchar_t *map_physical;
} gs_context_t;

static inline gs_context_t *
gs_context_from_IHttpContext(const void *iface)
{
    return gs_container_of(iface, gs_context_t, IHttpContext_iface);
}

static inline IHttpContext *
gs_context_iface(gs_context_t *ctx)
{
    return (IHttpContext *) &ctx->IHttpContext_iface;
}

/*
 * Creates the context of a request in its pool (req->pipeline points to
 * it), holding a reference on cfg, and finds its site, virtual directory
 * and sections.  ctx->cfg_site is NULL when no binding takes the request.
 */
gs_context_t *gs_context_create(gs_request_t *req, gs_config_t *cfg);

/* The site, application and metadata objects of a context with a site. */
static inline gs_site_obj_t *
gs_context_site(const gs_context_t *ctx)
{
    return gs_site_obj(ctx->cfg_site);
}

static inline gs_app_obj_t *
gs_context_app(const gs_context_t *ctx)
{
    return gs_app_obj(ctx->cfg_vdir->app);
}

static inline gs_vdir_obj_t *
gs_context_vdir(const gs_context_t *ctx)
{
    return gs_vdir_obj(ctx->cfg_vdir);
}

/* The vtables, one file each. */
extern const IHttpContext4Vtbl gs_context_vtbl;
extern const IHttpRequest3Vtbl gs_request_vtbl;
extern const IHttpResponse2Vtbl gs_response_vtbl;
void gs_providers_init(gs_context_t *ctx);

/* ---- the dispatcher (dispatch.c) ---- */

/* Runs the pipeline from where it stands until it ends or a module waits. */
void gs_dispatch_run(gs_context_t *ctx);
/* IndicateCompletion and PostCompletion, from any thread. */
void gs_dispatch_indicate(gs_context_t *ctx, REQUEST_NOTIFICATION_STATUS status);
void gs_dispatch_post_completion(gs_context_t *ctx, DWORD bytes, HRESULT status, DWORD operation);
/* The module instance for a module, made on first use; NULL if its factory failed. */
CHttpModule *gs_dispatch_instance(gs_context_t *ctx, const gs_module_t *m);
/* Raises a nondeterministic notification to its subscribers; returns the last status. */
REQUEST_NOTIFICATION_STATUS gs_dispatch_other(gs_context_t *ctx, int slot, void *provider);
/* Sends what the response holds (a flush, or the end with `final`). */
gs_send_result_t gs_dispatch_send(gs_context_t *ctx, bool final);
/* An asynchronous operation of the pending module completed (on the loop): OnAsyncCompletion. */
void gs_dispatch_complete(gs_context_t *ctx, DWORD bytes, HRESULT status, DWORD operation);

/* body_ready from the connection: completes a waiting asynchronous read (http_request.c). */
void gs_request_body_ready(gs_context_t *ctx);

/* A header value a module may set: no CR, LF or NUL, so no header injection. */
bool gs_valid_header_value(const char *s, size_t n);

/* ---- server variables (server_vars.c) ---- */

/* The value of a server variable, UTF-8 in the request pool, or NULL if unknown. */
const char *gs_server_var(gs_context_t *ctx, const char *name, size_t *len);
HRESULT gs_server_var_set(gs_context_t *ctx, const char *name, const wchar_t *value);

/* ---- path mapping (http_context.c) ---- */

/* Maps the request's URL (raising RQ_MAP_PATH); the result is cached in ctx->physical. */
HRESULT gs_context_map(gs_context_t *ctx);

#endif
