/*
 * The integrated pipeline's dispatcher: the twelve deterministic stages in
 * IIS's order, each an event then its post-event, every subscribed module
 * in priority order; the response is sent between UPDATE_REQUEST_CACHE and
 * LOG_REQUEST (raising RQ_SEND_RESPONSE); Dispose ends each module instance.
 *
 * A status decides what comes next: CONTINUE the next module,
 * FINISH_REQUEST skips the remaining modules and stages up to the send
 * (LOG_REQUEST and END_REQUEST still run, as IIS logs a finished request),
 * PENDING stops until IndicateCompletion or PostCompletion resumes the
 * request on its loop.  The state (stage, post, position) is in the context,
 * so resuming is running again from where it stopped.
 */
#include "context.h"
#include "core/conn.h"
#include "core/log.h"
#include "security/identity.h"

#include <stdlib.h>
#include <string.h>

/* The module's method for a deterministic slot; CONTINUE when it has none. */
static REQUEST_NOTIFICATION_STATUS
call_stage(CHttpModule *m, int slot, gs_context_t *ctx)
{
    const CHttpModuleVtbl *vt = m->lpVtbl;
    IHttpContext *hc = gs_context_iface(ctx);
    IHttpEventProvider *ev = &ctx->IHttpEventProvider_iface;

    switch (slot) {
    case 0:
        return vt->OnBeginRequest ? vt->OnBeginRequest(m, hc, ev) : RQ_NOTIFICATION_CONTINUE;
    case 1:
        return vt->OnPostBeginRequest ? vt->OnPostBeginRequest(m, hc, ev)
                                      : RQ_NOTIFICATION_CONTINUE;
    case 2:
        return vt->OnAuthenticateRequest
                   ? vt->OnAuthenticateRequest(m, hc, &ctx->IAuthenticationProvider_iface)
                   : RQ_NOTIFICATION_CONTINUE;
    case 3:
        return vt->OnPostAuthenticateRequest ? vt->OnPostAuthenticateRequest(m, hc, ev)
                                             : RQ_NOTIFICATION_CONTINUE;
    case 4:
        return vt->OnAuthorizeRequest ? vt->OnAuthorizeRequest(m, hc, ev)
                                      : RQ_NOTIFICATION_CONTINUE;
    case 5:
        return vt->OnPostAuthorizeRequest ? vt->OnPostAuthorizeRequest(m, hc, ev)
                                          : RQ_NOTIFICATION_CONTINUE;
    case 6:
        return vt->OnResolveRequestCache ? vt->OnResolveRequestCache(m, hc, ev)
                                         : RQ_NOTIFICATION_CONTINUE;
    case 7:
        return vt->OnPostResolveRequestCache ? vt->OnPostResolveRequestCache(m, hc, ev)
                                             : RQ_NOTIFICATION_CONTINUE;
    case 8:
        return vt->OnMapRequestHandler
                   ? vt->OnMapRequestHandler(m, hc, &ctx->IMapHandlerProvider_iface)
                   : RQ_NOTIFICATION_CONTINUE;
    case 9:
        return vt->OnPostMapRequestHandler ? vt->OnPostMapRequestHandler(m, hc, ev)
                                           : RQ_NOTIFICATION_CONTINUE;
    case 10:
        return vt->OnAcquireRequestState ? vt->OnAcquireRequestState(m, hc, ev)
                                         : RQ_NOTIFICATION_CONTINUE;
    case 11:
        return vt->OnPostAcquireRequestState ? vt->OnPostAcquireRequestState(m, hc, ev)
                                             : RQ_NOTIFICATION_CONTINUE;
    case 12:
        return vt->OnPreExecuteRequestHandler ? vt->OnPreExecuteRequestHandler(m, hc, ev)
                                              : RQ_NOTIFICATION_CONTINUE;
    case 13:
        return vt->OnPostPreExecuteRequestHandler ? vt->OnPostPreExecuteRequestHandler(m, hc, ev)
                                                  : RQ_NOTIFICATION_CONTINUE;
    case 14:
        return vt->OnExecuteRequestHandler ? vt->OnExecuteRequestHandler(m, hc, ev)
                                           : RQ_NOTIFICATION_CONTINUE;
    case 15:
        return vt->OnPostExecuteRequestHandler ? vt->OnPostExecuteRequestHandler(m, hc, ev)
                                               : RQ_NOTIFICATION_CONTINUE;
    case 16:
        return vt->OnReleaseRequestState ? vt->OnReleaseRequestState(m, hc, ev)
                                         : RQ_NOTIFICATION_CONTINUE;
    case 17:
        return vt->OnPostReleaseRequestState ? vt->OnPostReleaseRequestState(m, hc, ev)
                                             : RQ_NOTIFICATION_CONTINUE;
    case 18:
        return vt->OnUpdateRequestCache ? vt->OnUpdateRequestCache(m, hc, ev)
                                        : RQ_NOTIFICATION_CONTINUE;
    case 19:
        return vt->OnPostUpdateRequestCache ? vt->OnPostUpdateRequestCache(m, hc, ev)
                                            : RQ_NOTIFICATION_CONTINUE;
    case 20:
        return vt->OnLogRequest ? vt->OnLogRequest(m, hc, ev) : RQ_NOTIFICATION_CONTINUE;
    case 21:
        return vt->OnPostLogRequest ? vt->OnPostLogRequest(m, hc, ev) : RQ_NOTIFICATION_CONTINUE;
    case 22:
        return vt->OnEndRequest ? vt->OnEndRequest(m, hc, ev) : RQ_NOTIFICATION_CONTINUE;
    case 23:
        return vt->OnPostEndRequest ? vt->OnPostEndRequest(m, hc, ev) : RQ_NOTIFICATION_CONTINUE;
    default:
        return RQ_NOTIFICATION_CONTINUE;
    }
}

static REQUEST_NOTIFICATION_STATUS
call_other(CHttpModule *m, int slot, gs_context_t *ctx, void *provider)
{
    const CHttpModuleVtbl *vt = m->lpVtbl;
    IHttpContext *hc = gs_context_iface(ctx);

    switch (slot) {
    case GS_SLOT_SEND_RESPONSE:
        return vt->OnSendResponse ? vt->OnSendResponse(m, hc, provider) : RQ_NOTIFICATION_CONTINUE;
    case GS_SLOT_MAP_PATH:
        return vt->OnMapPath ? vt->OnMapPath(m, hc, provider) : RQ_NOTIFICATION_CONTINUE;
    case GS_SLOT_READ_ENTITY:
        return vt->OnReadEntity ? vt->OnReadEntity(m, hc, provider) : RQ_NOTIFICATION_CONTINUE;
    case GS_SLOT_CUSTOM:
        return vt->OnCustomRequestNotification ? vt->OnCustomRequestNotification(m, hc, provider)
                                               : RQ_NOTIFICATION_CONTINUE;
    default:
        return RQ_NOTIFICATION_CONTINUE;
    }
}

/* The RQ_ bit and post-ness of a slot, as OnAsyncCompletion and the stats report them. */
static DWORD
slot_notification(int slot)
{
    static const DWORD other[] = {RQ_SEND_RESPONSE, RQ_MAP_PATH, RQ_READ_ENTITY,
                                  RQ_CUSTOM_NOTIFICATION};

    return slot < GS_SLOT_SEND_RESPONSE ? 1u << (slot / 2) : other[slot - GS_SLOT_SEND_RESPONSE];
}

CHttpModule *
gs_dispatch_instance(gs_context_t *ctx, const gs_module_t *m)
{
    CHttpModule *inst = ctx->instances[m->index];
    HRESULT hr;

    if (inst != NULL) {
        return inst;
    }
    hr = m->factory->lpVtbl->GetHttpModule(m->factory, &inst, &ctx->IModuleAllocator_iface);
    if (FAILED(hr) || inst == NULL || inst->lpVtbl == NULL) {
        gs_log_error("module %s: GetHttpModule failed (0x%08x)", m->name, (unsigned) hr);
        return NULL;
    }
    ctx->instances[m->index] = inst;
    return inst;
}

static bool
disabled(const gs_context_t *ctx, const gs_module_t *m, int slot)
{
    const DWORD *masks = slot % 2 ? ctx->disabled_post : ctx->disabled;

    return masks != NULL && (masks[m->index] & (1u << (slot / 2))) != 0;
}

/* A module that cannot be made fails the request the way IIS does: 500. */
static void
fail_request(gs_context_t *ctx, const gs_module_t *m)
{
    IHttpResponse *rsp = (IHttpResponse *) &ctx->IHttpResponse_iface;

    if (!gs_conn_headers_sent(ctx->req)) {
        IHttpResponse_Clear(rsp);
        IHttpResponse_SetStatus(rsp, 500, "Internal Server Error", 0,
                                HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY), NULL);
    }
    (void) m;
    ctx->finish = true;
}

/* Notifies the rest of the current slot; false when a module went pending. */
static bool
run_slot(gs_context_t *ctx)
{
    int slot = ctx->stage * 2 + (ctx->post ? 1 : 0);
    const gs_slot_t *s = &gs_registry.request[slot];

    while (ctx->pos < s->count && !ctx->finish) {
        const gs_module_t *m;
        if (ctx->handled && slot == 2 * 7) {
            /* SetRequestHandled: the remaining handlers are skipped. */
            ctx->pos = s->count;
            break;
        }
        m = s->modules[ctx->pos++];
        CHttpModule *inst;
        REQUEST_NOTIFICATION_STATUS status;

        if (disabled(ctx, m, slot)) {
            continue;
        }
        inst = gs_dispatch_instance(ctx, m);
        if (inst == NULL) {
            fail_request(ctx, m);
            break;
        }
        ctx->current = m;
        ctx->notification = slot_notification(slot);
        if (m->image != NULL) {
            /* A loaded module runs as the process, as in IIS: it impersonates if it wants to. */
            gs_identity_settle();
        }
        status = call_stage(inst, slot, ctx);
        if (status == RQ_NOTIFICATION_PENDING) {
            ctx->pending = true;
            return false;
        }
        if (status == RQ_NOTIFICATION_FINISH_REQUEST) {
            ctx->finish = true;
        }
    }
    return true;
}

/*
 * After the authentication modules: nobody set a user (anonymous access is
 * off and no credentials were accepted), so IIS's 401.2.  The modules that
 * challenge add their WWW-Authenticate as the response leaves.
 */
static void
require_user(gs_context_t *ctx)
{
    if (ctx->finish || ctx->user != NULL || ctx->stage != GS_STAGE_AUTHENTICATE || ctx->post) {
        return;
    }
    gs_response_error(&ctx->req->rsp, ctx->req->pool, 401, 2, ERROR_ACCESS_DENIED);
    ctx->finish = true;
}

static void
next_slot(gs_context_t *ctx)
{
    require_user(ctx);
    ctx->pos = 0;
    if (ctx->finish) {
        /* The remaining modules and stages are skipped; logging and the end are not. */
        ctx->finish = false;
        ctx->post = false;
        ctx->stage = ctx->stage < GS_STAGE_LOG    ? GS_STAGE_SEND
                     : ctx->stage == GS_STAGE_LOG ? GS_STAGE_END
                                                  : GS_STAGE_DONE;
        return;
    }
    if (!ctx->post) {
        ctx->post = true;
        return;
    }
    ctx->post = false;
    ctx->stage = ctx->stage == GS_STAGE_LOG - 1 ? GS_STAGE_SEND
                 : ctx->stage == GS_STAGE_END   ? GS_STAGE_DONE
                                                : ctx->stage + 1;
}

REQUEST_NOTIFICATION_STATUS
gs_dispatch_other(gs_context_t *ctx, int slot, void *provider)
{
    const gs_slot_t *s = &gs_registry.request[slot];
    REQUEST_NOTIFICATION_STATUS status = RQ_NOTIFICATION_CONTINUE;
    const gs_module_t *outer = ctx->current;

    for (unsigned i = 0; i < s->count; i++) {
        const gs_module_t *m = s->modules[i];
        CHttpModule *inst = gs_dispatch_instance(ctx, m);

        if (inst == NULL) {
            continue;
        }
        ctx->current = m;
        status = call_other(inst, slot, ctx, provider);
        /* Nondeterministic notifications cannot wait: PENDING counts as CONTINUE. */
        if (status == RQ_NOTIFICATION_FINISH_REQUEST) {
            break;
        }
    }
    ctx->current = outer;
    return status;
}

gs_send_result_t
gs_dispatch_send(gs_context_t *ctx, bool final)
{
    /* Without a site (no binding took the request), no module hears of it. */
    if (gs_registry.request[GS_SLOT_SEND_RESPONSE].count > 0 && ctx->cfg_site != NULL) {
        ctx->headers_being_sent = !gs_conn_headers_sent(ctx->req) && !ctx->headers_suppressed;
        ctx->send_flags = final ? 0 : HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
        gs_dispatch_other(ctx, GS_SLOT_SEND_RESPONSE, &ctx->ISendResponseProvider_iface);
        if (ctx->send_flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT) {
            ctx->req->rsp.close = true;
        }
    }
    return gs_conn_send(ctx->req, final);
}

static void
end_request(gs_context_t *ctx)
{
    gs_request_t *req = ctx->req;

    for (unsigned i = 0; i < gs_registry.count; i++) {
        CHttpModule *inst = ctx->instances[i];

        if (inst != NULL && inst->lpVtbl->Dispose != NULL) {
            inst->lpVtbl->Dispose(inst);
        }
    }
    gs_container_release(&ctx->container);
    gs_container_release(&ctx->url_container);
    if (ctx->named != NULL) {
        gs_named_container_release(ctx->named);
    }
    if (ctx->user != NULL) {
        IHttpUser_DereferenceUser(ctx->user);
        ctx->user = NULL;
    }
    gs_config_unref(ctx->cfg);
    ctx->cfg = NULL;
    if (atomic_load(&ctx->completions) > 0) {
        ctx->end_deferred = true; /* a queued completion still points here */
        return;
    }
    gs_conn_finish_request(req); /* frees the pool, and ctx with it */
}

void
gs_dispatch_run(gs_context_t *ctx)
{
    if (ctx->running) {
        return; /* the outer call goes on from the state this one would use */
    }
    ctx->running = true;
    while (!ctx->pending) {
        if (ctx->stage == GS_STAGE_SEND) {
            ctx->stage = GS_STAGE_LOG;
            ctx->post = false;
            ctx->pos = 0;
            if (ctx->cfg_site == NULL) {
                ctx->stage = GS_STAGE_DONE; /* no site: no module hears of it */
            }
            if (gs_dispatch_send(ctx, true) == GS_SEND_PENDING) {
                break; /* the connection's sent() comes back to gs_dispatch_run */
            }
            ctx->req->end_ms = gs_conn_loop(ctx->req)->now_ms;
            ctx->req->end_time = gs_conn_loop(ctx->req)->now_sec;
            continue;
        }
        if (ctx->stage == GS_STAGE_DONE) {
            ctx->running = false;
            end_request(ctx);
            return;
        }
        if (!run_slot(ctx)) {
            break;
        }
        next_slot(ctx);
    }
    ctx->running = false;
}

/* ---- coming back from PENDING ------------------------------------------- */

struct completion {
    gs_context_t *ctx;
    bool indicate; /* IndicateCompletion, else PostCompletion */
    REQUEST_NOTIFICATION_STATUS status;
    DWORD bytes, operation;
    HRESULT hr;
};

static void
resume(gs_context_t *ctx, REQUEST_NOTIFICATION_STATUS status)
{
    if (status == RQ_NOTIFICATION_PENDING) {
        return;
    }
    ctx->pending = false;
    if (status == RQ_NOTIFICATION_FINISH_REQUEST) {
        ctx->finish = true;
    }
    if (ctx->pos >= gs_registry.request[ctx->stage * 2 + (ctx->post ? 1 : 0)].count || ctx->finish)
    {
        next_slot(ctx);
    }
    gs_dispatch_run(ctx);
}

/* The provider the pending notification was given (its completion gets the same one). */
static IHttpEventProvider *
stage_provider(gs_context_t *ctx)
{
    if (!ctx->post && ctx->stage == GS_STAGE_AUTHENTICATE) {
        return (IHttpEventProvider *) &ctx->IAuthenticationProvider_iface;
    }
    if (!ctx->post && ctx->stage == GS_STAGE_MAP_HANDLER) {
        return (IHttpEventProvider *) &ctx->IMapHandlerProvider_iface;
    }
    return &ctx->IHttpEventProvider_iface;
}

void
gs_dispatch_complete(gs_context_t *ctx, DWORD bytes, HRESULT status, DWORD operation)
{
    CHttpModule *inst = ctx->instances[ctx->current->index];
    REQUEST_NOTIFICATION_STATUS next = RQ_NOTIFICATION_CONTINUE;

    if (!ctx->pending) {
        gs_log_warn("module %s completed a request that was not pending; ignored",
                    ctx->current->name);
        return;
    }
    ctx->completion_bytes = bytes;
    ctx->completion_status = status;
    ctx->completion_operation = operation;
    if (inst->lpVtbl->OnAsyncCompletion != NULL) {
        if (ctx->current->image != NULL) {
            gs_identity_settle();
        }
        next = inst->lpVtbl->OnAsyncCompletion(
            inst, gs_context_iface(ctx), ctx->notification, ctx->post ? TRUE : FALSE,
            stage_provider(ctx), (IHttpCompletionInfo *) &ctx->IHttpCompletionInfo_iface);
    }
    resume(ctx, next);
}

static void
run_completion(void *arg)
{
    struct completion c = *(struct completion *) arg;

    free(arg);
    atomic_fetch_sub(&c.ctx->completions, 1);
    if (c.ctx->end_deferred) {
        if (atomic_load(&c.ctx->completions) == 0) {
            gs_conn_finish_request(c.ctx->req);
        }
        return;
    }
    if (!c.ctx->pending) {
        gs_log_warn("module %s completed a request that was not pending; ignored",
                    c.ctx->current ? c.ctx->current->name : "?");
        return;
    }
    if (c.indicate) {
        resume(c.ctx, c.status);
    } else {
        gs_dispatch_complete(c.ctx, c.bytes, c.hr, c.operation);
    }
}

/*
 * Completions may come from any thread: the job is malloc'd (the request
 * pool is not thread-safe) and freed on the loop once it ran.
 */
static void
post(gs_context_t *ctx, struct completion *c)
{
    atomic_fetch_add(&ctx->completions, 1);
    gs_loop_post(gs_conn_loop(ctx->req), run_completion, c);
}

void
gs_dispatch_indicate(gs_context_t *ctx, REQUEST_NOTIFICATION_STATUS status)
{
    struct completion *c = gs_xcalloc(1, sizeof(*c));

    c->ctx = ctx;
    c->indicate = true;
    c->status = status;
    post(ctx, c);
}

void
gs_dispatch_post_completion(gs_context_t *ctx, DWORD bytes, HRESULT status, DWORD operation)
{
    struct completion *c = gs_xcalloc(1, sizeof(*c));

    c->ctx = ctx;
    c->bytes = bytes;
    c->hr = status;
    c->operation = operation;
    post(ctx, c);
}
