/*
 * The dispatcher, driven by whole requests: a loop without threads, a
 * connection on a socketpair, modules defined here and registered before
 * the registry is sealed.  Every notification a module hears is appended to
 * a log ("alpha:BEGIN_REQUEST"), and each test compares the log of one
 * request with the sequence the pipeline owes it: stage order, post-events,
 * FINISH_REQUEST, PENDING and the two ways back, DisableNotifications,
 * SetRequestHandled, module instances and the request's containers.
 *
 * The modules:
 *   alpha  every stage, every post-event, every nondeterministic notification
 *   beta   every stage (no post-events) and SEND_RESPONSE; HIGH for BEGIN_REQUEST
 *          and SEND_RESPONSE, so it comes first in one and last in the other
 *   gamma  AUTHENTICATE_REQUEST only, FIRST; its factory can be made to fail
 *   delta  MAP_PATH only
 * What they do beyond logging is each test's hook.
 */
#include "config/load.h"
#include "core/conn.h"
#include "core/log.h"
#include "core/server.h"
#include "pipeline/pipeline.h"
#include "pipeline/registry.h"
#include "pipeline/server_object.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

/* The On* methods of the test modules, in CHttpModule's order. */
enum {
    BEGIN,
    POST_BEGIN,
    AUTHENTICATE,
    POST_AUTHENTICATE,
    AUTHORIZE,
    POST_AUTHORIZE,
    RESOLVE_CACHE,
    POST_RESOLVE_CACHE,
    MAP_HANDLER,
    POST_MAP_HANDLER,
    ACQUIRE_STATE,
    POST_ACQUIRE_STATE,
    PRE_EXECUTE,
    POST_PRE_EXECUTE,
    EXECUTE,
    POST_EXECUTE,
    RELEASE_STATE,
    POST_RELEASE_STATE,
    UPDATE_CACHE,
    POST_UPDATE_CACHE,
    LOG,
    POST_LOG,
    END,
    POST_END,
    SEND_RESPONSE,
    MAP_PATH,
    READ_ENTITY,
    CUSTOM,
    NMETHODS
};

static const char *const method_names[NMETHODS] = {
    "BEGIN_REQUEST",
    "POST_BEGIN_REQUEST",
    "AUTHENTICATE_REQUEST",
    "POST_AUTHENTICATE_REQUEST",
    "AUTHORIZE_REQUEST",
    "POST_AUTHORIZE_REQUEST",
    "RESOLVE_REQUEST_CACHE",
    "POST_RESOLVE_REQUEST_CACHE",
    "MAP_REQUEST_HANDLER",
    "POST_MAP_REQUEST_HANDLER",
    "ACQUIRE_REQUEST_STATE",
    "POST_ACQUIRE_REQUEST_STATE",
    "PRE_EXECUTE_REQUEST_HANDLER",
    "POST_PRE_EXECUTE_REQUEST_HANDLER",
    "EXECUTE_REQUEST_HANDLER",
    "POST_EXECUTE_REQUEST_HANDLER",
    "RELEASE_REQUEST_STATE",
    "POST_RELEASE_REQUEST_STATE",
    "UPDATE_REQUEST_CACHE",
    "POST_UPDATE_REQUEST_CACHE",
    "LOG_REQUEST",
    "POST_LOG_REQUEST",
    "END_REQUEST",
    "POST_END_REQUEST",
    "SEND_RESPONSE",
    "MAP_PATH",
    "READ_ENTITY",
    "CUSTOM_NOTIFICATION",
};

enum { ALPHA, BETA, GAMMA, DELTA, NMODULES };

static const char *const module_names[NMODULES] = {"alpha", "beta", "gamma", "delta"};

/* ---- the log ------------------------------------------------------------------ */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[32768];
static size_t log_len;

static void GS_PRINTF(1, 2) record(const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&log_lock);
    va_start(ap, fmt);
    log_len += (size_t) vsnprintf(log_text + log_len, sizeof(log_text) - log_len, fmt, ap);
    va_end(ap);
    if (log_len < sizeof(log_text) - 1) {
        log_text[log_len++] = '\n';
        log_text[log_len] = '\0';
    }
    pthread_mutex_unlock(&log_lock);
}

static unsigned
log_count(const char *line)
{
    char needle[128];
    unsigned n = 0;

    snprintf(needle, sizeof(needle), "%s\n", line);
    pthread_mutex_lock(&log_lock);
    for (const char *p = log_text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
        if (p == log_text || p[-1] == '\n') {
            n++;
        }
    }
    pthread_mutex_unlock(&log_lock);
    return n;
}

/* ---- the modules ------------------------------------------------------------------ */

typedef REQUEST_NOTIFICATION_STATUS (*hook_fn)(int module, int method, IHttpContext *ctx,
                                               void *provider);
typedef REQUEST_NOTIFICATION_STATUS (*async_hook_fn)(int module, IHttpContext *ctx,
                                                     IHttpCompletionInfo *info);

static hook_fn hook;             /* what the test's modules do when notified */
static async_hook_fn async_hook; /* ... and on OnAsyncCompletion */
static bool fail_factory[NMODULES];
static unsigned factory_calls[NMODULES], disposed[NMODULES];
static unsigned serials;
static unsigned first_serial[NMODULES]; /* of the instance of the last request */
static struct instance *current[NMODULES];
static unsigned wrong_instance, off_thread;
static pthread_t test_thread;
static HTTP_MODULE_ID module_ids[NMODULES];

struct instance {
    CHttpModule CHttpModule_iface;
    int module;
    unsigned serial;
};

static REQUEST_NOTIFICATION_STATUS
notified(CHttpModule *This, IHttpContext *ctx, int method, void *provider)
{
    struct instance *m = (struct instance *) This;

    if (!pthread_equal(pthread_self(), test_thread)) {
        off_thread++;
    }
    if (current[m->module] == NULL) {
        current[m->module] = m;
        first_serial[m->module] = m->serial;
    } else if (current[m->module] != m) {
        wrong_instance++;
    }
    record("%s:%s", module_names[m->module], method_names[method]);
    return hook != NULL ? hook(m->module, method, ctx, provider) : RQ_NOTIFICATION_CONTINUE;
}

/* One forwarding method per notification (a definition, not a hidden return). */
#define ON(name, method, provider_type)                                                            \
    static REQUEST_NOTIFICATION_STATUS name(CHttpModule *This, IHttpContext *ctx,                  \
                                            provider_type *provider)                               \
    {                                                                                              \
        return notified(This, ctx, method, provider);                                              \
    }

ON(on_begin, BEGIN, IHttpEventProvider)
ON(on_post_begin, POST_BEGIN, IHttpEventProvider)
ON(on_authenticate, AUTHENTICATE, IAuthenticationProvider)
ON(on_post_authenticate, POST_AUTHENTICATE, IHttpEventProvider)
ON(on_authorize, AUTHORIZE, IHttpEventProvider)
ON(on_post_authorize, POST_AUTHORIZE, IHttpEventProvider)
ON(on_resolve_cache, RESOLVE_CACHE, IHttpEventProvider)
ON(on_post_resolve_cache, POST_RESOLVE_CACHE, IHttpEventProvider)
ON(on_map_handler, MAP_HANDLER, IMapHandlerProvider)
ON(on_post_map_handler, POST_MAP_HANDLER, IHttpEventProvider)
ON(on_acquire_state, ACQUIRE_STATE, IHttpEventProvider)
ON(on_post_acquire_state, POST_ACQUIRE_STATE, IHttpEventProvider)
ON(on_pre_execute, PRE_EXECUTE, IHttpEventProvider)
ON(on_post_pre_execute, POST_PRE_EXECUTE, IHttpEventProvider)
ON(on_execute, EXECUTE, IHttpEventProvider)
ON(on_post_execute, POST_EXECUTE, IHttpEventProvider)
ON(on_release_state, RELEASE_STATE, IHttpEventProvider)
ON(on_post_release_state, POST_RELEASE_STATE, IHttpEventProvider)
ON(on_update_cache, UPDATE_CACHE, IHttpEventProvider)
ON(on_post_update_cache, POST_UPDATE_CACHE, IHttpEventProvider)
ON(on_log, LOG, IHttpEventProvider)
ON(on_post_log, POST_LOG, IHttpEventProvider)
ON(on_end, END, IHttpEventProvider)
ON(on_post_end, POST_END, IHttpEventProvider)
ON(on_send_response, SEND_RESPONSE, ISendResponseProvider)
ON(on_map_path, MAP_PATH, IMapPathProvider)
ON(on_read_entity, READ_ENTITY, IReadEntityProvider)
ON(on_custom, CUSTOM, ICustomNotificationProvider)

static REQUEST_NOTIFICATION_STATUS
on_async_completion(CHttpModule *This, IHttpContext *ctx, DWORD notification, BOOL post,
                    IHttpEventProvider *provider, IHttpCompletionInfo *info)
{
    struct instance *m = (struct instance *) This;
    int bit = __builtin_ctz(notification);

    (void) provider;
    if (!pthread_equal(pthread_self(), test_thread)) {
        off_thread++;
    }
    record("%s:ASYNC %s post=%d bytes=%u hr=0x%x", module_names[m->module],
           bit < 12 ? method_names[2 * bit] : "?", post,
           IHttpCompletionInfo_GetCompletionBytes(info),
           (unsigned) IHttpCompletionInfo_GetCompletionStatus(info));
    return async_hook != NULL ? async_hook(m->module, ctx, info) : RQ_NOTIFICATION_CONTINUE;
}

static VOID
on_dispose(CHttpModule *This)
{
    struct instance *m = (struct instance *) This;

    record("%s:Dispose", module_names[m->module]);
    disposed[m->module]++;
    current[m->module] = NULL;
    free(m); /* malloc'd by the factory: a second Dispose would be a double free */
}

static const CHttpModuleVtbl instance_vtbl = {
    .OnBeginRequest = on_begin,
    .OnPostBeginRequest = on_post_begin,
    .OnAuthenticateRequest = on_authenticate,
    .OnPostAuthenticateRequest = on_post_authenticate,
    .OnAuthorizeRequest = on_authorize,
    .OnPostAuthorizeRequest = on_post_authorize,
    .OnResolveRequestCache = on_resolve_cache,
    .OnPostResolveRequestCache = on_post_resolve_cache,
    .OnMapRequestHandler = on_map_handler,
    .OnPostMapRequestHandler = on_post_map_handler,
    .OnAcquireRequestState = on_acquire_state,
    .OnPostAcquireRequestState = on_post_acquire_state,
    .OnPreExecuteRequestHandler = on_pre_execute,
    .OnPostPreExecuteRequestHandler = on_post_pre_execute,
    .OnExecuteRequestHandler = on_execute,
    .OnPostExecuteRequestHandler = on_post_execute,
    .OnReleaseRequestState = on_release_state,
    .OnPostReleaseRequestState = on_post_release_state,
    .OnUpdateRequestCache = on_update_cache,
    .OnPostUpdateRequestCache = on_post_update_cache,
    .OnLogRequest = on_log,
    .OnPostLogRequest = on_post_log,
    .OnEndRequest = on_end,
    .OnPostEndRequest = on_post_end,
    .OnSendResponse = on_send_response,
    .OnMapPath = on_map_path,
    .OnReadEntity = on_read_entity,
    .OnCustomRequestNotification = on_custom,
    .OnAsyncCompletion = on_async_completion,
    .Dispose = on_dispose,
};

struct factory {
    IHttpModuleFactory IHttpModuleFactory_iface;
    int module;
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    struct factory *f = (struct factory *) This;
    struct instance *m;

    (void) alloc;
    factory_calls[f->module]++;
    if (fail_factory[f->module]) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m = malloc(sizeof(*m));
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &instance_vtbl;
    m->module = f->module;
    m->serial = ++serials;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This; /* static */
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static struct factory factories[NMODULES] = {
    {{&factory_vtbl}, ALPHA},
    {{&factory_vtbl}, BETA},
    {{&factory_vtbl}, GAMMA},
    {{&factory_vtbl}, DELTA},
};

#define ALL_STAGES 0x00000fffu

static int registering;

static HRESULT
register_test_module(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    IHttpModuleFactory *f = &factories[registering].IHttpModuleFactory_iface;
    HRESULT hr = S_OK;

    (void) version;
    (void) server;
    module_ids[registering] = IHttpModuleRegistrationInfo_GetId(info);
    switch (registering) {
    case ALPHA:
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(
            info, f,
            ALL_STAGES | RQ_SEND_RESPONSE | RQ_MAP_PATH | RQ_READ_ENTITY | RQ_CUSTOM_NOTIFICATION,
            ALL_STAGES);
        break;
    case BETA:
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(info, f,
                                                                 ALL_STAGES | RQ_SEND_RESPONSE, 0);
        if (SUCCEEDED(hr)) {
            hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
                info, RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE, PRIORITY_ALIAS_HIGH);
        }
        break;
    case GAMMA:
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(info, f, RQ_AUTHENTICATE_REQUEST,
                                                                 0);
        if (SUCCEEDED(hr)) {
            hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
                info, RQ_AUTHENTICATE_REQUEST, PRIORITY_ALIAS_FIRST);
        }
        break;
    case DELTA:
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(info, f, RQ_MAP_PATH, 0);
        break;
    }
    return hr;
}

/* ---- the server, a loop without threads ------------------------------------------ */

static char root[] = "/tmp/guise-dispatch-XXXXXX";
static char config[600];
static gs_options_t opts;
static gs_server_t server;
static gs_listener_t listener;

static gs_loop_t *
loop(void)
{
    return &server.loops[0];
}

/*
 * One site on port 80 (the fake listener's), and no module but the test's and the
 * anonymous one (every request needs a user), as the process identity.
 */
static int
write_config(void)
{
    FILE *f;

    snprintf(config, sizeof(config), "%s/applicationHost.config", root);
    f = fopen(config, "w");
    if (f == NULL) {
        return -1;
    }
    fprintf(f,
            "<configuration>\n"
            " <system.applicationHost>\n"
            "  <applicationPools><add name=\"DefaultAppPool\"><processModel userName=\"\"/>"
            "</add></applicationPools>\n"
            "  <sites>\n"
            "   <site name=\"Default Web Site\" id=\"1\">\n"
            "    <bindings><binding protocol=\"http\" bindingInformation=\"*:80:\"/></bindings>\n"
            "    <application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"%s\"/>"
            "</application>\n"
            "   </site>\n"
            "  </sites>\n"
            " </system.applicationHost>\n"
            " <system.webServer>\n"
            "  <modules><add name=\"AnonymousAuthenticationModule\"/></modules>\n"
            "  <security><authentication><anonymousAuthentication userName=\"\"/>"
            "</authentication></security>\n"
            " </system.webServer>\n"
            "</configuration>\n",
            root);
    return fclose(f);
}

static int
group_setup(void **state)
{
    char *argv[] = {"guise", "--config", config, "--threads", "1", NULL};
    gs_handler_t h;
    gs_config_t *cfg;
    char err[256];

    (void) state;
    test_thread = pthread_self();
    if (mkdtemp(root) == NULL || write_config() != 0
        || gs_options_parse(&opts, 5, argv, err, sizeof(err), stdout) != GS_OPTIONS_RUN)
    {
        return -1;
    }
    /* The test's modules first; the configuration adds none, and the pipeline seals. */
    for (registering = 0; registering < NMODULES; registering++) {
        if (gs_registry_add(module_names[registering], NULL, register_test_module,
                            gs_server_object(), NULL)
            != S_OK)
        {
            return -1;
        }
    }
    cfg = gs_config_load(&opts, gs_pipeline_builtin_modules());
    if (cfg == NULL || gs_pipeline_init(&opts, cfg) != 0 || gs_registry.count != NMODULES + 1) {
        return -1;
    }
    /* No listeners: connections are handed to the loop directly. */
    h = gs_pipeline_handler();
    if (gs_server_init(&server, &opts, &h) != 0) {
        return -1;
    }
    gs_pipeline_attach(&server);
    listener.local.in.sin_family = AF_INET;
    listener.local.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener.local.in.sin_port = htons(80);
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    gs_loop_close_all(loop());
    gs_server_destroy(&server);
    gs_pipeline_shutdown();
    unlink(config);
    rmdir(root);
    return 0;
}

static int
setup(void **state)
{
    (void) state;
    log_len = 0;
    log_text[0] = '\0';
    hook = NULL;
    async_hook = NULL;
    memset(fail_factory, 0, sizeof(fail_factory));
    memset(factory_calls, 0, sizeof(factory_calls));
    memset(disposed, 0, sizeof(disposed));
    wrong_instance = off_thread = 0;
    return 0;
}

static void release_completers(void);

static int
teardown(void **state)
{
    unsigned left = loop()->nconns;

    (void) state;
    /* A failed test may have left a request waiting: let it end before the next test. */
    release_completers();
    gs_loop_close_all(loop());

    /* Every request of the test ended: nothing holds a module instance any more. */
    assert_int_equal(left, 0);
    for (int i = 0; i < NMODULES; i++) {
        assert_null(current[i]);
        assert_int_equal(disposed[i], fail_factory[i] ? 0 : factory_calls[i]);
    }
    assert_int_equal(wrong_instance, 0);
    assert_int_equal(off_thread, 0);
    return 0;
}

/* ---- the client ------------------------------------------------------------------- */

struct client {
    int fd;
    char buf[65536];
    size_t len;
};

static void
client_open(struct client *c)
{
    gs_sockaddr_t remote = listener.local;
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    gs_conn_accept(loop(), &listener, sv[0], &remote);
    c->fd = sv[1];
    c->len = 0;
    c->buf[0] = '\0';
}

static void
client_send(struct client *c, const char *text)
{
    size_t n = strlen(text), sent = 0;

    while (sent < n) {
        ssize_t w = send(c->fd, text + sent, n - sent, MSG_NOSIGNAL);

        assert_true(w > 0);
        sent += (size_t) w;
    }
}

static void
client_drain(struct client *c)
{
    ssize_t n;

    while (c->len < sizeof(c->buf) - 1
           && (n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0)) > 0)
    {
        c->len += (size_t) n;
    }
    c->buf[c->len] = '\0';
}

/* Turns the loop a few times (a completion from another thread needs a wake-up or two). */
static void
pump(struct client *c, int turns)
{
    for (int i = 0; i < turns; i++) {
        gs_loop_turn(loop(), 5);
        client_drain(c);
    }
}

/* Turns the loop until the server closed every connection (Connection: close). */
static void
pump_until_closed(struct client *c)
{
    for (int i = 0; i < 1000 && loop()->nconns > 0; i++) {
        gs_loop_turn(loop(), 5);
        client_drain(c);
    }
    assert_int_equal(loop()->nconns, 0);
    client_drain(c);
}

static void
client_close(struct client *c)
{
    close(c->fd);
    c->fd = -1;
}

/* One request on a connection of its own, to its end. */
static void
request(struct client *c, const char *method, const char *target, const char *body)
{
    char text[1024];

    client_open(c);
    if (body == NULL) {
        snprintf(text, sizeof(text), "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                 method, target);
    } else {
        snprintf(text, sizeof(text),
                 "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
                 method, target, strlen(body), body);
    }
    client_send(c, text);
    pump_until_closed(c);
    client_close(c);
}

static int
status_of(const struct client *c)
{
    int status = 0;

    if (sscanf(c->buf, "HTTP/1.1 %d ", &status) != 1) {
        return -1;
    }
    return status;
}

static const char *
body_of(const struct client *c)
{
    const char *p = strstr(c->buf, "\r\n\r\n");

    return p == NULL ? "" : p + 4;
}

/* ---- what modules do ------------------------------------------------------------- */

static void
respond(IHttpContext *ctx, USHORT status, PCSTR reason, const char *body)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, status, reason, 0, S_OK, NULL);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) body;
    chunk.FromMemory.BufferLength = (ULONG) strlen(body);
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
}

/* A thread that completes a pending request when the test lets it. */
struct completer {
    pthread_t thread;
    sem_t go;
    IHttpContext *ctx;
    bool indicate; /* IndicateCompletion, else PostCompletion */
    REQUEST_NOTIFICATION_STATUS status;
    DWORD bytes;
    HRESULT hr;
};

static struct completer completers[4];
static unsigned ncompleters;
static bool hold_completers; /* the test posts `go` itself */

static void *
completer_main(void *arg)
{
    struct completer *c = arg;

    sem_wait(&c->go);
    if (c->indicate) {
        record("thread:IndicateCompletion(%d)", (int) c->status);
        IHttpContext_IndicateCompletion(c->ctx, c->status);
    } else {
        record("thread:PostCompletion(%u)", c->bytes);
        c->hr = IHttpContext_PostCompletion(c->ctx, c->bytes);
    }
    return NULL;
}

static void
start_completer(IHttpContext *ctx, bool indicate, REQUEST_NOTIFICATION_STATUS status, DWORD bytes)
{
    struct completer *c;

    if (ncompleters == sizeof(completers) / sizeof(completers[0])) {
        abort(); /* a test that needs more says so here */
    }
    c = &completers[ncompleters++];
    c->ctx = ctx;
    c->indicate = indicate;
    c->status = status;
    c->bytes = bytes;
    c->hr = E_FAIL;
    sem_init(&c->go, 0, hold_completers ? 0 : 1);
    if (pthread_create(&c->thread, NULL, completer_main, c) != 0) {
        abort();
    }
}

static void join_completers(void);

/* Lets every completer go (a held one waits for a post; one more is harmless) and waits for
 * the requests they complete. */
static void
release_completers(void)
{
    if (ncompleters == 0) {
        return;
    }
    for (unsigned i = 0; i < ncompleters; i++) {
        sem_post(&completers[i].go);
    }
    for (int i = 0; i < 200 && loop()->nconns > 0; i++) {
        gs_loop_turn(loop(), 5);
    }
    join_completers();
}

static void
join_completers(void)
{
    for (unsigned i = 0; i < ncompleters; i++) {
        pthread_join(completers[i].thread, NULL);
        sem_destroy(&completers[i].go);
        if (!completers[i].indicate) {
            assert_int_equal(completers[i].hr, S_OK);
        }
    }
    ncompleters = 0;
    hold_completers = false;
}

/* ---- the sequences ------------------------------------------------------------------ */

#define BEGIN_TO_POST_AUTHENTICATE                                                                 \
    "beta:BEGIN_REQUEST\n"                                                                         \
    "alpha:BEGIN_REQUEST\n"                                                                        \
    "alpha:POST_BEGIN_REQUEST\n"                                                                   \
    "gamma:AUTHENTICATE_REQUEST\n"                                                                 \
    "alpha:AUTHENTICATE_REQUEST\n"                                                                 \
    "beta:AUTHENTICATE_REQUEST\n"                                                                  \
    "alpha:POST_AUTHENTICATE_REQUEST\n"

#define AUTHORIZE_TO_POST_ACQUIRE                                                                  \
    "alpha:AUTHORIZE_REQUEST\n"                                                                    \
    "beta:AUTHORIZE_REQUEST\n"                                                                     \
    "alpha:POST_AUTHORIZE_REQUEST\n"                                                               \
    "alpha:RESOLVE_REQUEST_CACHE\n"                                                                \
    "beta:RESOLVE_REQUEST_CACHE\n"                                                                 \
    "alpha:POST_RESOLVE_REQUEST_CACHE\n"                                                           \
    "alpha:MAP_REQUEST_HANDLER\n"                                                                  \
    "beta:MAP_REQUEST_HANDLER\n"                                                                   \
    "alpha:POST_MAP_REQUEST_HANDLER\n"                                                             \
    "alpha:ACQUIRE_REQUEST_STATE\n"                                                                \
    "beta:ACQUIRE_REQUEST_STATE\n"                                                                 \
    "alpha:POST_ACQUIRE_REQUEST_STATE\n"

#define PRE_EXECUTE_TO_POST_UPDATE                                                                 \
    "alpha:PRE_EXECUTE_REQUEST_HANDLER\n"                                                          \
    "beta:PRE_EXECUTE_REQUEST_HANDLER\n"                                                           \
    "alpha:POST_PRE_EXECUTE_REQUEST_HANDLER\n"                                                     \
    "alpha:EXECUTE_REQUEST_HANDLER\n"                                                              \
    "beta:EXECUTE_REQUEST_HANDLER\n"                                                               \
    "alpha:POST_EXECUTE_REQUEST_HANDLER\n"                                                         \
    "alpha:RELEASE_REQUEST_STATE\n"                                                                \
    "beta:RELEASE_REQUEST_STATE\n"                                                                 \
    "alpha:POST_RELEASE_REQUEST_STATE\n"                                                           \
    "alpha:UPDATE_REQUEST_CACHE\n"                                                                 \
    "beta:UPDATE_REQUEST_CACHE\n"                                                                  \
    "alpha:POST_UPDATE_REQUEST_CACHE\n"

/* The response goes (SEND_RESPONSE, beta's HIGH reversed: after alpha), then log and end. */
#define SEND_TO_POST_END                                                                           \
    "alpha:SEND_RESPONSE\n"                                                                        \
    "beta:SEND_RESPONSE\n"                                                                         \
    "alpha:LOG_REQUEST\n"                                                                          \
    "beta:LOG_REQUEST\n"                                                                           \
    "alpha:POST_LOG_REQUEST\n"                                                                     \
    "alpha:END_REQUEST\n"                                                                          \
    "beta:END_REQUEST\n"                                                                           \
    "alpha:POST_END_REQUEST\n"

#define DISPOSE_ALL                                                                                \
    "alpha:Dispose\n"                                                                              \
    "beta:Dispose\n"                                                                               \
    "gamma:Dispose\n"

#define FULL_REQUEST                                                                               \
    BEGIN_TO_POST_AUTHENTICATE AUTHORIZE_TO_POST_ACQUIRE PRE_EXECUTE_TO_POST_UPDATE                \
        SEND_TO_POST_END DISPOSE_ALL

/* ---- stage order ---------------------------------------------------------------------- */

static REQUEST_NOTIFICATION_STATUS
hello_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == EXECUTE) {
        respond(ctx, 200, "OK", "hello");
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_one_request_hears_every_stage_in_order(void **state)
{
    struct client c;

    (void) state;
    hook = hello_hook;
    request(&c, "GET", "/x", NULL);

    assert_string_equal(log_text, FULL_REQUEST);
    assert_int_equal(status_of(&c), 200);
    assert_string_equal(body_of(&c), "hello");
    /* One instance per module that heard something; delta (MAP_PATH only) heard nothing. */
    assert_int_equal(factory_calls[ALPHA], 1);
    assert_int_equal(factory_calls[BETA], 1);
    assert_int_equal(factory_calls[GAMMA], 1);
    assert_int_equal(factory_calls[DELTA], 0);
}

static void
test_post_events_only_for_modules_that_registered_them(void **state)
{
    struct client c;

    (void) state;
    request(&c, "GET", "/x", NULL);

    for (int m = BEGIN; m <= POST_END; m++) {
        char line[64];

        snprintf(line, sizeof(line), "alpha:%s", method_names[m]);
        assert_int_equal(log_count(line), 1);
        snprintf(line, sizeof(line), "beta:%s", method_names[m]);
        assert_int_equal(log_count(line), m % 2 == 0 ? 1 : 0);
        snprintf(line, sizeof(line), "gamma:%s", method_names[m]);
        assert_int_equal(log_count(line), m == AUTHENTICATE ? 1 : 0);
    }
}

/* ---- FINISH_REQUEST ---------------------------------------------------------------------- */

static REQUEST_NOTIFICATION_STATUS
finish_at_authorize(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == AUTHORIZE) {
        respond(ctx, 403, "Forbidden", "no");
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_finish_request_skips_to_the_response_log_and_end(void **state)
{
    struct client c;

    (void) state;
    hook = finish_at_authorize;
    request(&c, "GET", "/x", NULL);

    /* beta's AUTHORIZE, every post-event of the stage and every later stage are skipped. */
    assert_string_equal(log_text, BEGIN_TO_POST_AUTHENTICATE
                        "alpha:AUTHORIZE_REQUEST\n" SEND_TO_POST_END DISPOSE_ALL);
    assert_int_equal(status_of(&c), 403);
    assert_string_equal(body_of(&c), "no");
}

static REQUEST_NOTIFICATION_STATUS
finish_at_log(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) ctx;
    (void) provider;
    return module == ALPHA && method == LOG ? RQ_NOTIFICATION_FINISH_REQUEST
                                            : RQ_NOTIFICATION_CONTINUE;
}

static void
test_finish_request_in_log_still_ends(void **state)
{
    struct client c;

    (void) state;
    hook = finish_at_log;
    request(&c, "GET", "/x", NULL);

    assert_string_equal(
        log_text, BEGIN_TO_POST_AUTHENTICATE AUTHORIZE_TO_POST_ACQUIRE PRE_EXECUTE_TO_POST_UPDATE
        "alpha:SEND_RESPONSE\n"
        "beta:SEND_RESPONSE\n"
        "alpha:LOG_REQUEST\n"
        "alpha:END_REQUEST\n"
        "beta:END_REQUEST\n"
        "alpha:POST_END_REQUEST\n" DISPOSE_ALL);
    assert_int_equal(status_of(&c), 200);
}

/* ---- PENDING --------------------------------------------------------------------------------- */

static REQUEST_NOTIFICATION_STATUS
pend_at_authenticate(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == AUTHENTICATE) {
        start_completer(ctx, true, RQ_NOTIFICATION_CONTINUE, 0);
        return RQ_NOTIFICATION_PENDING;
    }
    return hello_hook(module, method, ctx, provider);
}

static void
test_pending_waits_for_indicate_completion_then_goes_on_at_the_next_module(void **state)
{
    struct client c;

    (void) state;
    hook = pend_at_authenticate;
    hold_completers = true;
    client_open(&c);
    client_send(&c, "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    pump(&c, 20);

    /* Nothing moves while the module's operation is outstanding. */
    assert_string_equal(log_text, "beta:BEGIN_REQUEST\n"
                                  "alpha:BEGIN_REQUEST\n"
                                  "alpha:POST_BEGIN_REQUEST\n"
                                  "gamma:AUTHENTICATE_REQUEST\n"
                                  "alpha:AUTHENTICATE_REQUEST\n");
    assert_int_equal(c.len, 0);
    assert_int_equal(loop()->nconns, 1);

    sem_post(&completers[0].go);
    pump_until_closed(&c);
    client_close(&c);
    join_completers();

    /* The same request goes on with the module after alpha; alpha is not called again. */
    assert_string_equal(log_text, "beta:BEGIN_REQUEST\n"
                                  "alpha:BEGIN_REQUEST\n"
                                  "alpha:POST_BEGIN_REQUEST\n"
                                  "gamma:AUTHENTICATE_REQUEST\n"
                                  "alpha:AUTHENTICATE_REQUEST\n"
                                  "thread:IndicateCompletion(0)\n"
                                  "beta:AUTHENTICATE_REQUEST\n"
                                  "alpha:POST_AUTHENTICATE_REQUEST\n" AUTHORIZE_TO_POST_ACQUIRE
                                      PRE_EXECUTE_TO_POST_UPDATE SEND_TO_POST_END DISPOSE_ALL);
    assert_int_equal(status_of(&c), 200);
    assert_string_equal(body_of(&c), "hello");
    assert_int_equal(factory_calls[ALPHA], 1);
}

static REQUEST_NOTIFICATION_STATUS
pend_at_begin_then_finish(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == BEGIN) {
        respond(ctx, 503, "Service Unavailable", "later");
        start_completer(ctx, true, RQ_NOTIFICATION_FINISH_REQUEST, 0);
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_indicate_completion_status_is_honoured(void **state)
{
    struct client c;

    (void) state;
    hook = pend_at_begin_then_finish;
    request(&c, "GET", "/x", NULL);
    join_completers();

    assert_string_equal(log_text,
                        "beta:BEGIN_REQUEST\n"
                        "alpha:BEGIN_REQUEST\n"
                        "thread:IndicateCompletion(2)\n" SEND_TO_POST_END "alpha:Dispose\n"
                        "beta:Dispose\n");
    assert_int_equal(status_of(&c), 503);
    assert_string_equal(body_of(&c), "later");
}

static REQUEST_NOTIFICATION_STATUS
pend_at_execute(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == EXECUTE) {
        start_completer(ctx, false, RQ_NOTIFICATION_CONTINUE, 42);
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
complete_with_body(int module, IHttpContext *ctx, IHttpCompletionInfo *info)
{
    char body[64];

    (void) module;
    snprintf(body, sizeof(body), "completed %u", IHttpCompletionInfo_GetCompletionBytes(info));
    respond(ctx, 200, "OK", body);
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_post_completion_calls_on_async_completion(void **state)
{
    struct client c;

    (void) state;
    hook = pend_at_execute;
    async_hook = complete_with_body;
    request(&c, "GET", "/x", NULL);
    join_completers();

    assert_string_equal(log_text, BEGIN_TO_POST_AUTHENTICATE AUTHORIZE_TO_POST_ACQUIRE
                        "alpha:PRE_EXECUTE_REQUEST_HANDLER\n"
                        "beta:PRE_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:POST_PRE_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:EXECUTE_REQUEST_HANDLER\n"
                        "thread:PostCompletion(42)\n"
                        "alpha:ASYNC EXECUTE_REQUEST_HANDLER post=0 bytes=42 hr=0x0\n"
                        "beta:EXECUTE_REQUEST_HANDLER\n"
                        "alpha:POST_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:RELEASE_REQUEST_STATE\n"
                        "beta:RELEASE_REQUEST_STATE\n"
                        "alpha:POST_RELEASE_REQUEST_STATE\n"
                        "alpha:UPDATE_REQUEST_CACHE\n"
                        "beta:UPDATE_REQUEST_CACHE\n"
                        "alpha:POST_UPDATE_REQUEST_CACHE\n" SEND_TO_POST_END DISPOSE_ALL);
    assert_int_equal(status_of(&c), 200);
    assert_string_equal(body_of(&c), "completed 42");
}

static REQUEST_NOTIFICATION_STATUS
pend_in_post_acquire(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == POST_ACQUIRE_STATE) {
        start_completer(ctx, false, RQ_NOTIFICATION_CONTINUE, 7);
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
complete_and_finish(int module, IHttpContext *ctx, IHttpCompletionInfo *info)
{
    (void) module;
    (void) info;
    respond(ctx, 202, "Accepted", "done early");
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static void
test_async_completion_in_a_post_event_and_its_finish_request(void **state)
{
    struct client c;

    (void) state;
    hook = pend_in_post_acquire;
    async_hook = complete_and_finish;
    request(&c, "GET", "/x", NULL);
    join_completers();

    assert_string_equal(
        log_text, BEGIN_TO_POST_AUTHENTICATE AUTHORIZE_TO_POST_ACQUIRE
        "thread:PostCompletion(7)\n"
        "alpha:ASYNC ACQUIRE_REQUEST_STATE post=1 bytes=7 hr=0x0\n" SEND_TO_POST_END DISPOSE_ALL);
    assert_int_equal(status_of(&c), 202);
    assert_string_equal(body_of(&c), "done early");
}

static REQUEST_NOTIFICATION_STATUS
pend_at_authorize(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == AUTHORIZE) {
        start_completer(ctx, false, RQ_NOTIFICATION_CONTINUE, 3);
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
pend_again_once(int module, IHttpContext *ctx, IHttpCompletionInfo *info)
{
    (void) module;
    if (IHttpCompletionInfo_GetCompletionBytes(info) == 3) {
        start_completer(ctx, false, RQ_NOTIFICATION_CONTINUE, 5);
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_async_completion_may_pend_again(void **state)
{
    struct client c;

    (void) state;
    hook = pend_at_authorize;
    async_hook = pend_again_once;
    request(&c, "GET", "/x", NULL);
    join_completers();

    assert_string_equal(
        log_text, BEGIN_TO_POST_AUTHENTICATE
        "alpha:AUTHORIZE_REQUEST\n"
        "thread:PostCompletion(3)\n"
        "alpha:ASYNC AUTHORIZE_REQUEST post=0 bytes=3 hr=0x0\n"
        "thread:PostCompletion(5)\n"
        "alpha:ASYNC AUTHORIZE_REQUEST post=0 bytes=5 hr=0x0\n"
        "beta:AUTHORIZE_REQUEST\n"
        "alpha:POST_AUTHORIZE_REQUEST\n"
        "alpha:RESOLVE_REQUEST_CACHE\n"
        "beta:RESOLVE_REQUEST_CACHE\n"
        "alpha:POST_RESOLVE_REQUEST_CACHE\n"
        "alpha:MAP_REQUEST_HANDLER\n"
        "beta:MAP_REQUEST_HANDLER\n"
        "alpha:POST_MAP_REQUEST_HANDLER\n"
        "alpha:ACQUIRE_REQUEST_STATE\n"
        "beta:ACQUIRE_REQUEST_STATE\n"
        "alpha:POST_ACQUIRE_REQUEST_STATE\n" PRE_EXECUTE_TO_POST_UPDATE SEND_TO_POST_END
            DISPOSE_ALL);
    assert_int_equal(status_of(&c), 200);
}

/* ---- DisableNotifications and SetRequestHandled -------------------------------------------- */

static REQUEST_NOTIFICATION_STATUS
disable_some(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == BEGIN) {
        /* SEND_RESPONSE is nondeterministic: it cannot be switched off. */
        IHttpContext_DisableNotifications(ctx,
                                          RQ_AUTHORIZE_REQUEST | RQ_END_REQUEST | RQ_SEND_RESPONSE,
                                          RQ_BEGIN_REQUEST | RQ_LOG_REQUEST);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_disable_notifications_for_this_module_and_request(void **state)
{
    struct client c;

    (void) state;
    hook = disable_some;
    request(&c, "GET", "/x", NULL);

    assert_string_equal(log_text, "beta:BEGIN_REQUEST\n"
                                  "alpha:BEGIN_REQUEST\n"
                                  "gamma:AUTHENTICATE_REQUEST\n"
                                  "alpha:AUTHENTICATE_REQUEST\n"
                                  "beta:AUTHENTICATE_REQUEST\n"
                                  "alpha:POST_AUTHENTICATE_REQUEST\n"
                                  "beta:AUTHORIZE_REQUEST\n"
                                  "alpha:POST_AUTHORIZE_REQUEST\n"
                                  "alpha:RESOLVE_REQUEST_CACHE\n"
                                  "beta:RESOLVE_REQUEST_CACHE\n"
                                  "alpha:POST_RESOLVE_REQUEST_CACHE\n"
                                  "alpha:MAP_REQUEST_HANDLER\n"
                                  "beta:MAP_REQUEST_HANDLER\n"
                                  "alpha:POST_MAP_REQUEST_HANDLER\n"
                                  "alpha:ACQUIRE_REQUEST_STATE\n"
                                  "beta:ACQUIRE_REQUEST_STATE\n"
                                  "alpha:POST_ACQUIRE_REQUEST_STATE\n" PRE_EXECUTE_TO_POST_UPDATE
                                  "alpha:SEND_RESPONSE\n"
                                  "beta:SEND_RESPONSE\n"
                                  "alpha:LOG_REQUEST\n"
                                  "beta:LOG_REQUEST\n"
                                  "beta:END_REQUEST\n"
                                  "alpha:POST_END_REQUEST\n" DISPOSE_ALL);

    /* The next request hears everything again. */
    log_len = 0;
    log_text[0] = '\0';
    hook = NULL;
    request(&c, "GET", "/x", NULL);
    assert_string_equal(log_text, FULL_REQUEST);
}

static REQUEST_NOTIFICATION_STATUS
handle_in_alpha(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == EXECUTE) {
        respond(ctx, 200, "OK", "handled");
        IHttpContext_SetRequestHandled(ctx);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_set_request_handled_skips_the_remaining_handlers(void **state)
{
    struct client c;

    (void) state;
    hook = handle_in_alpha;
    request(&c, "GET", "/x", NULL);

    assert_string_equal(log_text, BEGIN_TO_POST_AUTHENTICATE AUTHORIZE_TO_POST_ACQUIRE
                        "alpha:PRE_EXECUTE_REQUEST_HANDLER\n"
                        "beta:PRE_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:POST_PRE_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:EXECUTE_REQUEST_HANDLER\n"
                        "alpha:POST_EXECUTE_REQUEST_HANDLER\n"
                        "alpha:RELEASE_REQUEST_STATE\n"
                        "beta:RELEASE_REQUEST_STATE\n"
                        "alpha:POST_RELEASE_REQUEST_STATE\n"
                        "alpha:UPDATE_REQUEST_CACHE\n"
                        "beta:UPDATE_REQUEST_CACHE\n"
                        "alpha:POST_UPDATE_REQUEST_CACHE\n" SEND_TO_POST_END DISPOSE_ALL);
    assert_string_equal(body_of(&c), "handled");
}

/* ---- module instances ---------------------------------------------------------------------- */

static void
test_one_instance_per_request_disposed_once(void **state)
{
    struct client c;
    unsigned first[NMODULES];

    (void) state;
    request(&c, "GET", "/x", NULL);
    memcpy(first, first_serial, sizeof(first));
    request(&c, "GET", "/y", NULL);

    for (int i = ALPHA; i <= GAMMA; i++) {
        assert_int_equal(factory_calls[i], 2);
        assert_int_equal(disposed[i], 2);
        assert_int_not_equal(first_serial[i], first[i]); /* a new instance for each request */
    }
    assert_int_equal(factory_calls[DELTA], 0);
    assert_int_equal(log_count("alpha:Dispose"), 2);
    /* Every notification of a request reached that request's instance (teardown checks). */
    assert_int_equal(wrong_instance, 0);
}

static void
test_get_http_module_failure_answers_500(void **state)
{
    struct client c;

    (void) state;
    hook = hello_hook;
    fail_factory[GAMMA] = true;
    request(&c, "GET", "/x", NULL);

    /* gamma is FIRST in AUTHENTICATE: nobody after it there, nor in later stages, runs. */
    assert_string_equal(log_text, "beta:BEGIN_REQUEST\n"
                                  "alpha:BEGIN_REQUEST\n"
                                  "alpha:POST_BEGIN_REQUEST\n" SEND_TO_POST_END "alpha:Dispose\n"
                                  "beta:Dispose\n");
    assert_int_equal(status_of(&c), 500);
    assert_int_equal(factory_calls[GAMMA], 1);
    assert_int_equal(disposed[GAMMA], 0);
}

/* ---- nondeterministic notifications -------------------------------------------------------- */

static wchar_t mapped[256], map_url_seen[64], map_path_seen[256];

static REQUEST_NOTIFICATION_STATUS
map_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    if (module == ALPHA && method == EXECUTE) {
        DWORD cch = 0;
        PCWSTR path = IHttpContext_GetPhysicalPath(ctx, &cch);

        swprintf(mapped, 256, L"%ls", path);
        if (cch != wcslen(path)) {
            mapped[0] = L'\0';
        }
    }
    if (module == DELTA && method == MAP_PATH) {
        IMapPathProvider *p = provider;

        swprintf(map_url_seen, 64, L"%ls", IMapPathProvider_GetUrl(p));
        swprintf(map_path_seen, 256, L"%ls", IMapPathProvider_GetPhysicalPath(p));
        IMapPathProvider_SetPhysicalPath(p, L"/elsewhere/x", 12);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_get_physical_path_raises_map_path(void **state)
{
    struct client c;
    wchar_t expected[300];

    (void) state;
    hook = map_hook;
    request(&c, "GET", "/x", NULL);

    assert_int_equal(log_count("alpha:MAP_PATH"), 1);
    assert_int_equal(log_count("delta:MAP_PATH"), 1);
    assert_non_null(strstr(log_text, "alpha:EXECUTE_REQUEST_HANDLER\n"
                                     "alpha:MAP_PATH\n"
                                     "delta:MAP_PATH\n"
                                     "beta:EXECUTE_REQUEST_HANDLER\n"));
    /* delta was made for the notification, and disposed at the end with the others. */
    assert_int_equal(factory_calls[DELTA], 1);
    assert_non_null(strstr(log_text, DISPOSE_ALL "delta:Dispose\n"));
    swprintf(expected, 300, L"%s/x", root);
    assert_true(wcscmp(map_url_seen, L"/x") == 0);
    assert_true(wcscmp(map_path_seen, expected) == 0);
    assert_true(wcscmp(mapped, L"/elsewhere/x") == 0);
}

struct custom {
    ICustomNotificationProvider ICustomNotificationProvider_iface;
};

static PCWSTR
custom_QueryNotificationType(ICustomNotificationProvider *This)
{
    (void) This;
    return L"test.Custom";
}

static VOID
custom_SetErrorStatus(ICustomNotificationProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError;
}

static const ICustomNotificationProviderVtbl custom_vtbl = {
    .SetErrorStatus = custom_SetErrorStatus,
    .QueryNotificationType = custom_QueryNotificationType,
};

static struct custom custom = {{&custom_vtbl}};
static void *custom_seen;
static HRESULT custom_hr;

static REQUEST_NOTIFICATION_STATUS
custom_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    if (module == BETA && method == EXECUTE) {
        BOOL completion = TRUE;

        custom_hr = IHttpContext_NotifyCustomNotification(
            ctx, &custom.ICustomNotificationProvider_iface, &completion);
        record("beta:custom raised, completion expected %d", completion);
    }
    if (module == ALPHA && method == CUSTOM) {
        ICustomNotificationProvider *p = provider;

        custom_seen = p;
        record("alpha:type %ls", ICustomNotificationProvider_QueryNotificationType(p));
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_custom_notification_reaches_its_subscribers(void **state)
{
    struct client c;

    (void) state;
    hook = custom_hook;
    request(&c, "GET", "/x", NULL);

    assert_int_equal(custom_hr, S_OK);
    assert_ptr_equal(custom_seen, &custom.ICustomNotificationProvider_iface);
    assert_non_null(strstr(log_text, "beta:EXECUTE_REQUEST_HANDLER\n"
                                     "alpha:CUSTOM_NOTIFICATION\n"
                                     "alpha:type test.Custom\n"
                                     "beta:custom raised, completion expected 0\n"
                                     "alpha:POST_EXECUTE_REQUEST_HANDLER\n"));
    assert_int_equal(log_count("alpha:CUSTOM_NOTIFICATION"), 1);
}

static char read_back[64];
static HRESULT read_hr[4];
static DWORD read_bytes[4];

static REQUEST_NOTIFICATION_STATUS
read_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == BETA && method == EXECUTE) {
        IHttpRequest *req = IHttpContext_GetRequest(ctx);
        size_t got = 0;

        for (int i = 0; i < 4; i++) {
            read_hr[i] = IHttpRequest_ReadEntityBody(req, read_back + got,
                                                     (DWORD) (sizeof(read_back) - 1 - got), FALSE,
                                                     &read_bytes[i], NULL);
            if (FAILED(read_hr[i])) {
                break;
            }
            got += read_bytes[i];
        }
        read_back[got] = '\0';
        respond(ctx, 200, "OK", read_back);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_every_read_raises_read_entity(void **state)
{
    struct client c;

    (void) state;
    hook = read_hook;
    memset(read_back, 0, sizeof(read_back));
    request(&c, "POST", "/x", "abcdef");

    assert_int_equal(read_hr[0], S_OK);
    assert_int_equal(read_bytes[0], 6);
    assert_int_equal(read_hr[1], HRESULT_FROM_WIN32(ERROR_HANDLE_EOF));
    assert_string_equal(read_back, "abcdef");
    assert_string_equal(body_of(&c), "abcdef");
    /* One RQ_READ_ENTITY per ReadEntityBody call, the one that found the end included. */
    assert_non_null(strstr(log_text, "beta:EXECUTE_REQUEST_HANDLER\n"
                                     "alpha:READ_ENTITY\n"
                                     "alpha:READ_ENTITY\n"
                                     "alpha:POST_EXECUTE_REQUEST_HANDLER\n"));
}

static unsigned injections;
static DWORD entity_buffer_size;

static REQUEST_NOTIFICATION_STATUS
inject_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    if (module == ALPHA && method == READ_ENTITY && injections++ == 0) {
        static char injected[] = "injected+";
        PVOID buf = NULL;
        DWORD data = 1, size = 0;

        IReadEntityProvider_GetEntity((IReadEntityProvider *) provider, &buf, &data, &size);
        entity_buffer_size = data == 0 && buf != NULL ? size : 0;
        IReadEntityProvider_SetEntity((IReadEntityProvider *) provider, injected, 9, 9);
    }
    return read_hook(module, method, ctx, provider);
}

static void
test_read_entity_can_supply_the_body(void **state)
{
    struct client c;

    (void) state;
    hook = inject_hook;
    injections = 0;
    entity_buffer_size = 0;
    memset(read_back, 0, sizeof(read_back));
    request(&c, "POST", "/x", "abc");

    /* The provider showed the reader's empty buffer; what it set is what the read returned,
     * and the client's body followed. */
    assert_int_equal(entity_buffer_size, sizeof(read_back) - 1);
    assert_int_equal(read_hr[0], S_OK);
    assert_int_equal(read_bytes[0], 9);
    assert_int_equal(read_hr[1], S_OK);
    assert_int_equal(read_bytes[1], 3);
    assert_int_equal(read_hr[2], HRESULT_FROM_WIN32(ERROR_HANDLE_EOF));
    assert_string_equal(read_back, "injected+abc");
    assert_int_equal(log_count("alpha:READ_ENTITY"), 3);
    assert_string_equal(body_of(&c), "injected+abc");
}

static void
test_read_without_a_body_ends_at_once(void **state)
{
    struct client c;

    (void) state;
    hook = read_hook;
    memset(read_back, 0, sizeof(read_back));
    request(&c, "GET", "/x", NULL);

    assert_int_equal(read_hr[0], HRESULT_FROM_WIN32(ERROR_HANDLE_EOF));
    assert_int_equal(read_bytes[0], 0);
    assert_int_equal(status_of(&c), 200);
}

/* ---- the request's containers ---------------------------------------------------------------- */

struct stored {
    IHttpStoredContext IHttpStoredContext_iface;
    const char *name;
};

static VOID
stored_CleanupStoredContext(IHttpStoredContext *This)
{
    struct stored *s = (struct stored *) This;

    record("%s:Cleanup", s->name);
    free(s);
}

static const IHttpStoredContextVtbl stored_vtbl = {
    .CleanupStoredContext = stored_CleanupStoredContext,
};

static IHttpStoredContext *
stored(const char *name)
{
    struct stored *s = malloc(sizeof(*s));

    if (s == NULL) {
        abort();
    }
    s->IHttpStoredContext_iface.lpVtbl = &stored_vtbl;
    s->name = name;
    return &s->IHttpStoredContext_iface;
}

static IHttpStoredContext *kept_request, *kept_url; /* what alpha stored */

static REQUEST_NOTIFICATION_STATUS
container_hook(int module, int method, IHttpContext *ctx, void *provider)
{
    IHttpModuleContextContainer *mc = IHttpContext_GetModuleContextContainer(ctx);
    IHttpModuleContextContainer *cc =
        IHttpConnection_GetModuleContextContainer(IHttpContext_GetConnection(ctx));
    IHttpModuleContextContainer *uc =
        IHttpUrlInfo_GetModuleContextContainer(IHttpContext_GetUrlInfo(ctx));
    IHttpContext3 *ctx3 = NULL;
    INamedContextContainer *nc;
    HTTP_MODULE_ID id = module_ids[module];

    (void) provider;
    if (GUISE_GET_EXTENDED_INTERFACE(gs_server_object(), IHttpContext, ctx, IHttpContext3, &ctx3)
        != S_OK)
    {
        record("no IHttpContext3");
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    nc = IHttpContext3_GetNamedContextContainer(ctx3);
    if (module == ALPHA && method == BEGIN) {
        IHttpStoredContext *refused = stored("refused");
        HRESULT hr;

        record("alpha:found request=%d connection=%d named=%d",
               IHttpModuleContextContainer_GetModuleContext(mc, id) != NULL,
               IHttpModuleContextContainer_GetModuleContext(cc, id) != NULL,
               INamedContextContainer_GetNamedContext(nc, L"alpha.named") != NULL);
        kept_request = stored("request");
        hr = IHttpModuleContextContainer_SetModuleContext(mc, kept_request, id);
        record("alpha:set 0x%x", (unsigned) hr);
        hr = IHttpModuleContextContainer_SetModuleContext(mc, refused, id);
        record("alpha:set again 0x%x", (unsigned) hr);
        if (FAILED(hr)) {
            free(refused); /* not consumed: still the caller's */
        }
        if (IHttpModuleContextContainer_GetModuleContext(cc, id) == NULL) {
            IHttpModuleContextContainer_SetModuleContext(cc, stored("connection"), id);
        }
        if (IHttpModuleContextContainer_GetModuleContext(uc, id) == NULL) {
            /* Per request today; a URI cache would keep it for the URL. */
            kept_url = stored("url");
            IHttpModuleContextContainer_SetModuleContext(uc, kept_url, id);
        }
        INamedContextContainer_SetNamedContext(nc, stored("named"), L"alpha.named");
    }
    if (module == BETA && method == EXECUTE) {
        record("beta:sees alpha's request=%d url=%d named=%d, its own %d",
               IHttpModuleContextContainer_GetModuleContext(mc, module_ids[ALPHA]) == kept_request,
               IHttpModuleContextContainer_GetModuleContext(uc, module_ids[ALPHA]) == kept_url,
               INamedContextContainer_GetNamedContext(nc, L"alpha.named") != NULL,
               IHttpModuleContextContainer_GetModuleContext(mc, id) != NULL);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

/* Where line first occurs in the text from `from` on; fails the test if nowhere. */
static const char *
find_line(const char *from, const char *line)
{
    const char *p = strstr(from, line);

    if (p == NULL) {
        fail_msg("no \"%s\" in:\n%s", line, from);
    }
    return p;
}

static void
test_module_contexts_live_for_their_request_or_connection(void **state)
{
    struct client c;
    bool first_done = false;
    const char *second, *p;

    (void) state;
    hook = container_hook;
    client_open(&c);
    client_send(&c, "GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
    for (int i = 0; i < 400 && !first_done; i++) {
        pump(&c, 1);
        first_done = log_count("beta:Dispose") == 1;
    }
    assert_true(first_done);
    assert_int_equal(loop()->nconns, 1); /* kept alive for the second request */
    client_send(&c, "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    pump_until_closed(&c);
    client_close(&c);

    /* The first request stores its contexts; every one is cleaned up once, after its last
     * notification, except the connection's. */
    second = find_line(log_text + 1, "\nbeta:BEGIN_REQUEST\n");
    p = find_line(log_text, "alpha:found request=0 connection=0 named=0\n"
                            "alpha:set 0x0\n"
                            "alpha:set again 0x80070055\n");
    p = find_line(p, "beta:sees alpha's request=1 url=1 named=1, its own 0\n");
    p = find_line(p, "alpha:POST_END_REQUEST\n");
    assert_true(find_line(p, "request:Cleanup\n") < second);
    assert_true(find_line(p, "named:Cleanup\n") < second);
    assert_true(strstr(p, "connection:Cleanup\n") > second);

    /* The second request starts with empty request containers, the connection's kept. */
    p = find_line(second, "alpha:found request=0 connection=1 named=0\n"
                          "alpha:set 0x0\n");
    p = find_line(p, "alpha:POST_END_REQUEST\n");
    find_line(p, "request:Cleanup\n");
    find_line(p, "named:Cleanup\n");
    assert_int_equal(log_count("request:Cleanup"), 2);
    assert_int_equal(log_count("named:Cleanup"), 2);
    assert_int_equal(log_count("connection:Cleanup"), 1);
    assert_int_equal(log_count("refused:Cleanup"), 0);
    /* The connection went after the second request: its context is the last thing. */
    assert_non_null(strstr(log_text, "connection:Cleanup\n"));
    assert_string_equal(strstr(log_text, "connection:Cleanup\n"), "connection:Cleanup\n");
}

/* ---- completions nobody waits for ------------------------------------------------------ */

static REQUEST_NOTIFICATION_STATUS
complete_without_pending(int module, int method, IHttpContext *ctx, void *provider)
{
    (void) provider;
    if (module == ALPHA && method == BEGIN) {
        IHttpContext_PostCompletion(ctx, 1); /* a module bug: it does not return PENDING */
    }
    if (module == ALPHA && method == AUTHENTICATE) {
        IHttpContext_IndicateCompletion(ctx, RQ_NOTIFICATION_FINISH_REQUEST);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static void
test_a_completion_nobody_waits_for_is_ignored(void **state)
{
    struct client c;

    (void) state;
    hook = complete_without_pending;
    request(&c, "GET", "/x", NULL);
    pump(&c, 10); /* the queued completions run now, after the request ended */

    assert_string_equal(log_text, FULL_REQUEST);
    assert_int_equal(log_count("alpha:ASYNC BEGIN_REQUEST post=0 bytes=1 hr=0x0"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_request_hears_every_stage_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_post_events_only_for_modules_that_registered_them,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_finish_request_skips_to_the_response_log_and_end,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_finish_request_in_log_still_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_pending_waits_for_indicate_completion_then_goes_on_at_the_next_module, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_indicate_completion_status_is_honoured, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_post_completion_calls_on_async_completion, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_async_completion_in_a_post_event_and_its_finish_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_completion_may_pend_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disable_notifications_for_this_module_and_request,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_request_handled_skips_the_remaining_handlers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_instance_per_request_disposed_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_get_http_module_failure_answers_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_physical_path_raises_map_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_notification_reaches_its_subscribers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_every_read_raises_read_entity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_entity_can_supply_the_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_without_a_body_ends_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_module_contexts_live_for_their_request_or_connection,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_completion_nobody_waits_for_is_ignored, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
