#include "global.h"
#include "security/identity.h"
#include "registry.h"
#include "core/util.h"

static GLOBAL_NOTIFICATION_STATUS
call(CGlobalModule *m, DWORD notification, void *provider)
{
    const CGlobalModuleVtbl *vt = m->lpVtbl;

    switch (notification) {
    case GL_STOP_LISTENING:
        return vt->OnGlobalStopListening ? vt->OnGlobalStopListening(m, provider)
                                         : GL_NOTIFICATION_CONTINUE;
    case GL_CACHE_CLEANUP:
        return vt->OnGlobalCacheCleanup ? vt->OnGlobalCacheCleanup(m) : GL_NOTIFICATION_CONTINUE;
    case GL_CACHE_OPERATION:
        return vt->OnGlobalCacheOperation ? vt->OnGlobalCacheOperation(m, provider)
                                          : GL_NOTIFICATION_CONTINUE;
    case GL_HEALTH_CHECK:
        return vt->OnGlobalHealthCheck ? vt->OnGlobalHealthCheck(m) : GL_NOTIFICATION_CONTINUE;
    case GL_CONFIGURATION_CHANGE:
        return vt->OnGlobalConfigurationChange ? vt->OnGlobalConfigurationChange(m, provider)
                                               : GL_NOTIFICATION_CONTINUE;
    case GL_FILE_CHANGE:
        return vt->OnGlobalFileChange ? vt->OnGlobalFileChange(m, provider)
                                      : GL_NOTIFICATION_CONTINUE;
    case GL_PRE_BEGIN_REQUEST:
        return vt->OnGlobalPreBeginRequest ? vt->OnGlobalPreBeginRequest(m, provider)
                                           : GL_NOTIFICATION_CONTINUE;
    case GL_APPLICATION_START:
        return vt->OnGlobalApplicationStart ? vt->OnGlobalApplicationStart(m, provider)
                                            : GL_NOTIFICATION_CONTINUE;
    case GL_APPLICATION_RESOLVE_MODULES:
        return vt->OnGlobalApplicationResolveModules
                   ? vt->OnGlobalApplicationResolveModules(m, provider)
                   : GL_NOTIFICATION_CONTINUE;
    case GL_APPLICATION_STOP:
        return vt->OnGlobalApplicationStop ? vt->OnGlobalApplicationStop(m, provider)
                                           : GL_NOTIFICATION_CONTINUE;
    case GL_RSCA_QUERY:
        return vt->OnGlobalRSCAQuery ? vt->OnGlobalRSCAQuery(m, provider)
                                     : GL_NOTIFICATION_CONTINUE;
    case GL_TRACE_EVENT:
        return vt->OnGlobalTraceEvent ? vt->OnGlobalTraceEvent(m, provider)
                                      : GL_NOTIFICATION_CONTINUE;
    case GL_CUSTOM_NOTIFICATION:
        return vt->OnGlobalCustomNotification ? vt->OnGlobalCustomNotification(m, provider)
                                              : GL_NOTIFICATION_CONTINUE;
    case GL_THREAD_CLEANUP:
        return vt->OnGlobalThreadCleanup ? vt->OnGlobalThreadCleanup(m, provider)
                                         : GL_NOTIFICATION_CONTINUE;
    case GL_APPLICATION_PRELOAD:
        return vt->OnGlobalApplicationPreload ? vt->OnGlobalApplicationPreload(m, provider)
                                              : GL_NOTIFICATION_CONTINUE;
    default:
        return GL_NOTIFICATION_CONTINUE;
    }
}

bool
gs_global_wanted(DWORD notification)
{
    int bit = gs_bit_number(notification);

    return bit >= 0 && gs_registry.global[bit].count > 0;
}

GLOBAL_NOTIFICATION_STATUS
gs_global_raise(DWORD notification, void *provider)
{
    int bit = gs_bit_number(notification);

    if (bit < 0) {
        return GL_NOTIFICATION_CONTINUE;
    }
    gs_identity_settle(); /* global notifications are the server's work: the process identity */
    for (unsigned i = 0; i < gs_registry.global[bit].count; i++) {
        if (call(gs_registry.global[bit].modules[i]->global, notification, provider)
            == GL_NOTIFICATION_HANDLED)
        {
            return GL_NOTIFICATION_HANDLED;
        }
    }
    return GL_NOTIFICATION_CONTINUE;
}

/* ---- the providers: stack objects that live for one raise ------------- */

struct pre_begin {
    IPreBeginRequestProvider iface;
    IHttpContext *ctx;
};

static IHttpContext *
pre_begin_GetHttpContext(IPreBeginRequestProvider *This)
{
    return gs_container_of(This, struct pre_begin, iface)->ctx;
}

static VOID
pre_begin_request_SetErrorStatus(IPreBeginRequestProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IPreBeginRequestProviderVtbl pre_begin_vtbl = {
    .SetErrorStatus = pre_begin_request_SetErrorStatus,
    .GetHttpContext = pre_begin_GetHttpContext,
};

void
gs_global_pre_begin_request(IHttpContext *ctx)
{
    struct pre_begin p = {{&pre_begin_vtbl}, ctx};

    gs_global_raise(GL_PRE_BEGIN_REQUEST, &p.iface);
}

struct stop_listening {
    IGlobalStopListeningProvider iface;
    bool graceful;
};

static BOOL
stop_DrainRequestsGracefully(const IGlobalStopListeningProvider *This)
{
    return gs_container_of(This, struct stop_listening, iface)->graceful ? TRUE : FALSE;
}

static VOID
global_stop_listening_SetErrorStatus(IGlobalStopListeningProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IGlobalStopListeningProviderVtbl stop_vtbl = {
    .SetErrorStatus = global_stop_listening_SetErrorStatus,
    .DrainRequestsGracefully = stop_DrainRequestsGracefully,
};

void
gs_global_stop_listening(bool graceful)
{
    struct stop_listening p = {{&stop_vtbl}, graceful};

    gs_global_raise(GL_STOP_LISTENING, &p.iface);
}

struct application {
    IHttpApplicationProvider iface;
    IHttpApplication *app;
};

static IHttpApplication *
application_GetApplication(IHttpApplicationProvider *This)
{
    return gs_container_of(This, struct application, iface)->app;
}

static VOID
http_application_SetErrorStatus(IHttpApplicationProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IHttpApplicationProviderVtbl application_vtbl = {
    .SetErrorStatus = http_application_SetErrorStatus,
    .GetApplication = application_GetApplication,
};

void
gs_global_application(DWORD notification, IHttpApplication *app)
{
    struct application p = {{&application_vtbl}, app};

    gs_global_raise(notification, &p.iface);
}

struct thread_cleanup {
    IGlobalThreadCleanupProvider iface;
    IHttpApplication *app;
};

static IHttpApplication *
thread_cleanup_GetApplication(IGlobalThreadCleanupProvider *This)
{
    return gs_container_of(This, struct thread_cleanup, iface)->app;
}

static VOID
global_thread_cleanup_SetErrorStatus(IGlobalThreadCleanupProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IGlobalThreadCleanupProviderVtbl thread_cleanup_vtbl = {
    .SetErrorStatus = global_thread_cleanup_SetErrorStatus,
    .GetApplication = thread_cleanup_GetApplication,
};

void
gs_global_thread_cleanup(IHttpApplication *app)
{
    struct thread_cleanup p = {{&thread_cleanup_vtbl}, app};

    gs_global_raise(GL_THREAD_CLEANUP, &p.iface);
}

struct config_change {
    IGlobalConfigurationChangeProvider iface;
    PCWSTR path;
};

static VOID
config_GetChangePath(const IGlobalConfigurationChangeProvider *This, PCWSTR *ppszPath)
{
    if (ppszPath != NULL) {
        *ppszPath = gs_container_of(This, struct config_change, iface)->path;
    }
}

static VOID
global_configuration_change_SetErrorStatus(IGlobalConfigurationChangeProvider *This,
                                           HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IGlobalConfigurationChangeProviderVtbl config_vtbl = {
    .SetErrorStatus = global_configuration_change_SetErrorStatus,
    .GetChangePath = config_GetChangePath,
};

void
gs_global_configuration_change(PCWSTR path)
{
    struct config_change p = {{&config_vtbl}, path};

    gs_global_raise(GL_CONFIGURATION_CHANGE, &p.iface);
}

struct file_change {
    IGlobalFileChangeProvider iface;
    PCWSTR path;
};

static IHttpFileMonitor *
file_GetFileMonitor(IGlobalFileChangeProvider *This)
{
    (void) This;
    return NULL; /* raised by NotifyFileChange: no monitor is behind it */
}

static PCWSTR
file_GetFileName(const IGlobalFileChangeProvider *This)
{
    return gs_container_of(This, struct file_change, iface)->path;
}

static VOID
global_file_change_SetErrorStatus(IGlobalFileChangeProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IGlobalFileChangeProviderVtbl file_vtbl = {
    .SetErrorStatus = global_file_change_SetErrorStatus,
    .GetFileMonitor = file_GetFileMonitor,
    .GetFileName = file_GetFileName,
};

void
gs_global_file_change(PCWSTR path)
{
    struct file_change p = {{&file_vtbl}, path};

    gs_global_raise(GL_FILE_CHANGE, &p.iface);
}

struct trace_event {
    IGlobalTraceEventProvider iface;
    HTTP_TRACE_EVENT *event;
};

static BOOL
trace_CheckSubscription(IGlobalTraceEventProvider *This, HTTP_MODULE_ID ModuleId)
{
    (void) This;
    (void) ModuleId;
    return TRUE; /* no per-module trace configuration: every subscriber gets every event */
}

static HRESULT
trace_GetCurrentHttpRequestContext(IGlobalTraceEventProvider *This, IHttpContext **ppHttpContext)
{
    (void) This;
    if (ppHttpContext != NULL) {
        *ppHttpContext = NULL;
    }
    return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
}

static HRESULT
trace_GetTraceEvent(IGlobalTraceEventProvider *This, HTTP_TRACE_EVENT **ppTraceEvent)
{
    if (ppTraceEvent == NULL) {
        return E_INVALIDARG;
    }
    *ppTraceEvent = gs_container_of(This, struct trace_event, iface)->event;
    return S_OK;
}

static VOID
global_trace_event_SetErrorStatus(IGlobalTraceEventProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError; /* nobody reads a global notification's error status */
}

static const IGlobalTraceEventProviderVtbl trace_vtbl = {
    .SetErrorStatus = global_trace_event_SetErrorStatus,
    .CheckSubscription = trace_CheckSubscription,
    .GetCurrentHttpRequestContext = trace_GetCurrentHttpRequestContext,
    .GetTraceEvent = trace_GetTraceEvent,
};

GLOBAL_NOTIFICATION_STATUS
gs_global_trace_event(HTTP_TRACE_EVENT *event)
{
    struct trace_event p = {{&trace_vtbl}, event};

    return gs_global_raise(GL_TRACE_EVENT, &p.iface);
}
