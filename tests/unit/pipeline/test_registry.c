/*
 * The module registry: what IHttpModuleRegistrationInfo accepts and refuses,
 * and the order gs_registry_seal() gives each notification (priority band,
 * then load order; RQ_SEND_RESPONSE backwards; post-events apart).  The
 * registry is process-global: every test starts empty and teardown resets
 * it with gs_registry_terminate(), which also checks Terminate is called.
 */
#include "pipeline/global.h"
#include "pipeline/registry.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#define ALL_STAGES 0x00000fffu

/* ---- objects modules hand to the registry -------------------------------- */

static char term_log[32][48]; /* "<name>:factory" / "<name>:global", in call order */
static unsigned nterminated;

static void
record_terminate(const char *name, const char *what)
{
    assert_true(nterminated < 32);
    snprintf(term_log[nterminated++], sizeof(term_log[0]), "%s:%s", name, what);
}

struct factory {
    IHttpModuleFactory IHttpModuleFactory_iface;
    const char *name;
    unsigned terminated;
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    (void) This;
    (void) ppModule;
    (void) alloc;
    fail_msg("no request in a registry test");
    return E_FAIL;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    struct factory *f = (struct factory *) This;

    f->terminated++;
    record_terminate(f->name, "factory");
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static const IHttpModuleFactoryVtbl no_get_module_vtbl = {.Terminate = factory_Terminate};

struct global {
    CGlobalModule CGlobalModule_iface;
    const char *name;
    unsigned terminated;
};

static VOID
global_Terminate(CGlobalModule *This)
{
    struct global *g = (struct global *) This;

    g->terminated++;
    record_terminate(g->name, "global");
}

/* Global notifications heard, "name,name,": raised by gs_global_raise() in one test. */
static char heard[256];
static const char *handled_by; /* the module that returns GL_NOTIFICATION_HANDLED */

static GLOBAL_NOTIFICATION_STATUS
hear(CGlobalModule *This)
{
    const char *name = ((struct global *) This)->name;

    strncat(heard, name, sizeof(heard) - strlen(heard) - 2);
    strcat(heard, ",");
    return handled_by != NULL && strcmp(name, handled_by) == 0 ? GL_NOTIFICATION_HANDLED
                                                               : GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalCustomNotification(CGlobalModule *This, ICustomNotificationProvider *provider)
{
    (void) provider;
    return hear(This);
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalStopListening(CGlobalModule *This, IGlobalStopListeningProvider *provider)
{
    if (!IGlobalStopListeningProvider_DrainRequestsGracefully(provider)) {
        strcat(heard, "(not gracefully)");
    }
    return hear(This);
}

static const CGlobalModuleVtbl global_vtbl = {
    .OnGlobalStopListening = global_OnGlobalStopListening,
    .OnGlobalCustomNotification = global_OnGlobalCustomNotification,
    .Terminate = global_Terminate,
};
static const CGlobalModuleVtbl no_terminate_vtbl = {.Terminate = NULL};

/* ---- a RegisterModule driven by a description ------------------------------ */

struct priority {
    DWORD mask;
    PCWSTR alias;
};

struct spec {
    DWORD rq, post; /* request masks; a factory is registered when either is set */
    struct priority rq_prio[4];
    DWORD gl; /* global mask; a global module is registered when set */
    struct priority gl_prio[4];
    HRESULT result; /* what RegisterModule returns */
};

static const struct spec *next_spec;
static const char *next_name;
static struct factory factories[16];
static struct global globals[16];
static unsigned nobjects;
static HTTP_MODULE_ID last_id;
static PCWSTR last_name;

static HRESULT
spec_register(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    const struct spec *s = next_spec;
    struct factory *f = &factories[nobjects];
    struct global *g = &globals[nobjects];

    (void) server;
    assert_int_equal(version, GUISE_SERVER_VERSION);
    nobjects++;
    last_id = IHttpModuleRegistrationInfo_GetId(info);
    last_name = IHttpModuleRegistrationInfo_GetName(info);
    *f = (struct factory){{&factory_vtbl}, next_name, 0};
    *g = (struct global){{&global_vtbl}, next_name, 0};
    if (s->rq != 0 || s->post != 0) {
        assert_int_equal(IHttpModuleRegistrationInfo_SetRequestNotifications(
                             info, &f->IHttpModuleFactory_iface, s->rq, s->post),
                         S_OK);
    }
    for (int i = 0; i < 4 && s->rq_prio[i].mask != 0; i++) {
        assert_int_equal(IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
                             info, s->rq_prio[i].mask, s->rq_prio[i].alias),
                         S_OK);
    }
    if (s->gl != 0) {
        assert_int_equal(IHttpModuleRegistrationInfo_SetGlobalNotifications(
                             info, &g->CGlobalModule_iface, s->gl),
                         S_OK);
    }
    for (int i = 0; i < 4 && s->gl_prio[i].mask != 0; i++) {
        assert_int_equal(IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(
                             info, s->gl_prio[i].mask, s->gl_prio[i].alias),
                         S_OK);
    }
    return s->result;
}

/* Registers a module described by s under name; returns what gs_registry_add returned. */
static HRESULT
add(const char *name, const struct spec *s)
{
    assert_true(nobjects < 16);
    next_spec = s;
    next_name = name;
    return gs_registry_add(name, NULL, spec_register, NULL, NULL);
}

static void
add_ok(const char *name, const struct spec *s)
{
    assert_int_equal(add(name, s), S_OK);
}

/* The names of the modules in a slot, "a,b,c". */
static const char *
order_of(const gs_slot_t *slot)
{
    static char text[256];
    size_t n = 0;

    text[0] = '\0';
    for (unsigned i = 0; i < slot->count; i++) {
        n += (size_t) snprintf(text + n, sizeof(text) - n, "%s%s", i ? "," : "",
                               slot->modules[i]->name);
    }
    return text;
}

static const char *
request_order(DWORD notification, bool post)
{
    int slot = gs_slot_of(notification, post);

    assert_true(slot >= 0);
    return order_of(&gs_registry.request[slot]);
}

static const char *
global_order(DWORD notification)
{
    return order_of(&gs_registry.global[gs_bit_number(notification)]);
}

static int
setup(void **state)
{
    (void) state;
    assert_int_equal(gs_registry.count, 0);
    assert_false(gs_registry.sealed);
    nterminated = 0;
    nobjects = 0;
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    gs_registry_terminate();
    return 0;
}

/* ---- ordering -------------------------------------------------------------- */

static void
test_bands_order_a_notification(void **state)
{
    /* Loaded in an order that is none of the band orders. */
    const struct spec low = {.rq = RQ_BEGIN_REQUEST,
                             .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_LOW}}};
    const struct spec last = {.rq = RQ_BEGIN_REQUEST,
                              .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_LAST}}};
    const struct spec dflt = {.rq = RQ_BEGIN_REQUEST};
    const struct spec first = {.rq = RQ_BEGIN_REQUEST,
                               .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_FIRST}}};
    const struct spec high = {.rq = RQ_BEGIN_REQUEST,
                              .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_HIGH}}};
    const struct spec medium = {.rq = RQ_BEGIN_REQUEST,
                                .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_MEDIUM}}};

    (void) state;
    add_ok("low", &low);
    add_ok("last", &last);
    add_ok("default", &dflt);
    add_ok("first", &first);
    add_ok("high", &high);
    add_ok("medium", &medium);
    gs_registry_seal();

    /* A module that sets no priority is MEDIUM: it and "medium" keep load order. */
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false),
                        "first,high,default,medium,low,last");
}

static void
test_load_order_holds_within_a_band(void **state)
{
    const struct spec high = {.rq = RQ_AUTHORIZE_REQUEST,
                              .rq_prio = {{RQ_AUTHORIZE_REQUEST, PRIORITY_ALIAS_HIGH}}};
    const struct spec low = {.rq = RQ_AUTHORIZE_REQUEST,
                             .rq_prio = {{RQ_AUTHORIZE_REQUEST, PRIORITY_ALIAS_LOW}}};

    (void) state;
    add_ok("l1", &low);
    add_ok("h1", &high);
    add_ok("l2", &low);
    add_ok("h2", &high);
    add_ok("l3", &low);
    add_ok("h3", &high);
    gs_registry_seal();

    assert_string_equal(request_order(RQ_AUTHORIZE_REQUEST, false), "h1,h2,h3,l1,l2,l3");
}

static void
test_send_response_runs_the_order_backwards(void **state)
{
    const DWORD both = RQ_SEND_RESPONSE | RQ_END_REQUEST;
    const struct spec first = {.rq = both, .rq_prio = {{both, PRIORITY_ALIAS_FIRST}}};
    const struct spec high = {.rq = both, .rq_prio = {{both, PRIORITY_ALIAS_HIGH}}};
    const struct spec dflt = {.rq = both};
    const struct spec low = {.rq = both, .rq_prio = {{both, PRIORITY_ALIAS_LOW}}};
    const struct spec last = {.rq = both, .rq_prio = {{both, PRIORITY_ALIAS_LAST}}};

    (void) state;
    add_ok("last", &last);
    add_ok("m1", &dflt);
    add_ok("first", &first);
    add_ok("low", &low);
    add_ok("m2", &dflt);
    add_ok("high", &high);
    gs_registry_seal();

    assert_string_equal(request_order(RQ_END_REQUEST, false), "first,high,m1,m2,low,last");
    /* FIRST hears the response last, LAST first; the whole order is reversed. */
    assert_string_equal(request_order(RQ_SEND_RESPONSE, false), "last,low,m2,m1,high,first");
}

static void
test_priority_is_per_notification(void **state)
{
    /* FIRST for two stages at once (a mask of two bits), default for the others. */
    const struct spec a = {.rq = RQ_BEGIN_REQUEST | RQ_END_REQUEST | RQ_LOG_REQUEST,
                           .rq_prio = {{RQ_BEGIN_REQUEST | RQ_LOG_REQUEST, PRIORITY_ALIAS_LAST}}};
    const struct spec b = {
        .rq = RQ_BEGIN_REQUEST | RQ_END_REQUEST | RQ_LOG_REQUEST,
        .rq_prio = {{RQ_END_REQUEST, PRIORITY_ALIAS_LOW}, {RQ_BEGIN_REQUEST, PRIORITY_ALIAS_HIGH}}};
    const struct spec c = {.rq = RQ_BEGIN_REQUEST | RQ_END_REQUEST | RQ_LOG_REQUEST};

    (void) state;
    add_ok("a", &a);
    add_ok("b", &b);
    add_ok("c", &c);
    gs_registry_seal();

    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "b,c,a");
    assert_string_equal(request_order(RQ_LOG_REQUEST, false), "b,c,a");
    assert_string_equal(request_order(RQ_END_REQUEST, false), "a,c,b");
}

static void
test_priority_alias_compared_by_content(void **state)
{
    wchar_t first[8], last[8];
    struct spec a = {.rq = RQ_BEGIN_REQUEST};
    struct spec b = {.rq = RQ_BEGIN_REQUEST};

    (void) state;
    wcscpy(first, L"FIRST");
    wcscpy(last, L"LAST");
    a.rq_prio[0] = (struct priority){RQ_BEGIN_REQUEST, last};
    b.rq_prio[0] = (struct priority){RQ_BEGIN_REQUEST, first};
    add_ok("a", &a);
    add_ok("b", &b);
    gs_registry_seal();

    assert_ptr_not_equal(first, PRIORITY_ALIAS_FIRST);
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "b,a");
}

static void
test_post_events_have_slots_of_their_own(void **state)
{
    const struct spec events = {.rq = ALL_STAGES};
    const struct spec posts = {.post = ALL_STAGES};
    const struct spec some = {.rq = RQ_AUTHENTICATE_REQUEST, .post = RQ_END_REQUEST};
    const struct spec both = {.rq = RQ_BEGIN_REQUEST | RQ_END_REQUEST,
                              .post = RQ_BEGIN_REQUEST | RQ_END_REQUEST,
                              .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_FIRST}}};

    (void) state;
    add_ok("events", &events);
    add_ok("posts", &posts);
    add_ok("some", &some);
    add_ok("both", &both);
    gs_registry_seal();

    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "both,events");
    /* The priority of a bit applies to its post-event too. */
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, true), "both,posts");
    assert_string_equal(request_order(RQ_AUTHENTICATE_REQUEST, false), "events,some");
    assert_string_equal(request_order(RQ_AUTHENTICATE_REQUEST, true), "posts");
    assert_string_equal(request_order(RQ_END_REQUEST, false), "events,both");
    assert_string_equal(request_order(RQ_END_REQUEST, true), "posts,some,both");
    for (int bit = 1; bit < 11; bit++) {
        DWORD n = 1u << bit;

        if (n == RQ_AUTHENTICATE_REQUEST) {
            continue;
        }
        assert_string_equal(request_order(n, false), "events");
        assert_string_equal(request_order(n, true), "posts");
    }
    /* Nobody asked for a nondeterministic notification: nobody is in its slot. */
    assert_string_equal(request_order(RQ_SEND_RESPONSE, false), "");
    assert_string_equal(request_order(RQ_MAP_PATH, false), "");
    assert_string_equal(request_order(RQ_READ_ENTITY, false), "");
    assert_string_equal(request_order(RQ_CUSTOM_NOTIFICATION, false), "");
}

static void
test_modules_are_only_where_they_subscribed(void **state)
{
    const struct spec global_only = {.gl = GL_PRE_BEGIN_REQUEST};
    const struct spec request_only = {.rq = RQ_MAP_PATH | RQ_READ_ENTITY};
    const struct spec nothing = {0};

    (void) state;
    add_ok("global_only", &global_only);
    add_ok("request_only", &request_only);
    add_ok("nothing", &nothing);
    gs_registry_seal();

    assert_int_equal(gs_registry.count, 3);
    for (int s = 0; s < GS_SLOTS; s++) {
        const char *expected =
            (s == GS_SLOT_MAP_PATH || s == GS_SLOT_READ_ENTITY) ? "request_only" : "";

        assert_string_equal(order_of(&gs_registry.request[s]), expected);
    }
    for (int bit = 0; bit < 32; bit++) {
        assert_string_equal(order_of(&gs_registry.global[bit]),
                            (1u << bit) == GL_PRE_BEGIN_REQUEST ? "global_only" : "");
    }
}

static void
test_global_notifications_are_ordered_by_band_then_load(void **state)
{
    const DWORD mask = GL_STOP_LISTENING | GL_CUSTOM_NOTIFICATION | GL_THREAD_CLEANUP;
    const struct spec dflt = {.gl = mask};
    const struct spec low = {.gl = mask, .gl_prio = {{GL_CUSTOM_NOTIFICATION, PRIORITY_ALIAS_LOW}}};
    const struct spec first = {
        .gl = mask,
        .gl_prio = {{GL_CUSTOM_NOTIFICATION | GL_STOP_LISTENING, PRIORITY_ALIAS_FIRST}}};
    const struct spec last = {.gl = mask | GL_APPLICATION_STOP,
                              .gl_prio = {{mask | GL_APPLICATION_STOP, PRIORITY_ALIAS_LAST}}};
    const struct spec high = {.gl = GL_CUSTOM_NOTIFICATION,
                              .gl_prio = {{GL_CUSTOM_NOTIFICATION, PRIORITY_ALIAS_HIGH}}};

    (void) state;
    add_ok("last", &last);
    add_ok("d1", &dflt);
    add_ok("low", &low);
    add_ok("first", &first);
    add_ok("high", &high);
    add_ok("d2", &dflt);
    gs_registry_seal();

    assert_string_equal(global_order(GL_CUSTOM_NOTIFICATION), "first,high,d1,d2,low,last");
    assert_string_equal(global_order(GL_STOP_LISTENING), "first,d1,low,d2,last");
    assert_string_equal(global_order(GL_THREAD_CLEANUP), "d1,low,first,d2,last");
    assert_string_equal(global_order(GL_APPLICATION_STOP), "last");
    /* Request priorities do not leak into global ones, nor the reverse. */
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "");
}

static void
test_global_notifications_run_in_order_until_handled(void **state)
{
    const DWORD mask = GL_STOP_LISTENING | GL_CUSTOM_NOTIFICATION;
    const struct spec dflt = {.gl = mask};
    const struct spec first = {.gl = mask,
                               .gl_prio = {{GL_CUSTOM_NOTIFICATION, PRIORITY_ALIAS_FIRST}}};
    const struct spec last = {.gl = mask, .gl_prio = {{mask, PRIORITY_ALIAS_LAST}}};
    const struct spec request = {.rq = RQ_BEGIN_REQUEST};
    ICustomNotificationProvider *none = NULL;

    (void) state;
    add_ok("last", &last);
    add_ok("m1", &dflt);
    add_ok("request", &request);
    add_ok("first", &first);
    add_ok("m2", &dflt);
    gs_registry_seal();
    heard[0] = '\0';
    handled_by = NULL;

    assert_true(gs_global_wanted(GL_CUSTOM_NOTIFICATION));
    assert_false(gs_global_wanted(GL_APPLICATION_START));
    assert_int_equal(gs_global_raise(GL_CUSTOM_NOTIFICATION, none), GL_NOTIFICATION_CONTINUE);
    assert_string_equal(heard, "first,m1,m2,last,");

    /* HANDLED: nobody after that module hears it, and the raiser is told. */
    heard[0] = '\0';
    handled_by = "m1";
    assert_int_equal(gs_global_raise(GL_CUSTOM_NOTIFICATION, none), GL_NOTIFICATION_HANDLED);
    assert_string_equal(heard, "first,m1,");

    heard[0] = '\0';
    handled_by = "m2";
    gs_global_stop_listening(true);
    assert_string_equal(heard, "m1,first,m2,");
    heard[0] = '\0';
    handled_by = NULL;
    gs_global_stop_listening(false);
    assert_string_equal(heard, "(not gracefully)m1,(not gracefully)first,(not gracefully)m2,"
                               "(not gracefully)last,");
    /* A notification nobody wants reaches nobody. */
    heard[0] = '\0';
    assert_int_equal(gs_global_raise(GL_APPLICATION_START, none), GL_NOTIFICATION_CONTINUE);
    assert_string_equal(heard, "");
}

/* ---- what the registration object refuses -------------------------------- */

static HRESULT rq_results[16], gl_results[16], prio_results[16];
static unsigned nrq, ngl, nprio;

static HRESULT
invalid_request_register(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    static struct factory f = {{&factory_vtbl}, "invalid", 0};
    static struct factory no_get = {{&no_get_module_vtbl}, "invalid", 0};
    static IHttpModuleFactory no_vtbl = {NULL};

    (void) version;
    (void) server;
    nrq = 0;
    rq_results[nrq++] =
        IHttpModuleRegistrationInfo_SetRequestNotifications(info, NULL, RQ_BEGIN_REQUEST, 0);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &no_get.IHttpModuleFactory_iface, RQ_BEGIN_REQUEST, 0);
    rq_results[nrq++] =
        IHttpModuleRegistrationInfo_SetRequestNotifications(info, &no_vtbl, RQ_BEGIN_REQUEST, 0);
    /* Bits no notification has: 0x1000 (after END_REQUEST), 0x01000000. */
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, RQ_BEGIN_REQUEST | 0x00001000, 0);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, 0x01000000, 0);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, 0, 0x00002000);
    /* Nondeterministic notifications have no post-events. */
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, RQ_SEND_RESPONSE, RQ_SEND_RESPONSE);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, 0, RQ_MAP_PATH);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, RQ_BEGIN_REQUEST, RQ_READ_ENTITY | RQ_BEGIN_REQUEST);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, 0, RQ_CUSTOM_NOTIFICATION);
    /* After all of that, a valid registration still goes through, and only once. */
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, RQ_END_REQUEST, RQ_END_REQUEST);
    rq_results[nrq++] = IHttpModuleRegistrationInfo_SetRequestNotifications(
        info, &f.IHttpModuleFactory_iface, RQ_BEGIN_REQUEST, 0);
    return S_OK;
}

static void
test_invalid_request_registrations_are_refused(void **state)
{
    const HRESULT invalid = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);

    (void) state;
    assert_int_equal(gs_registry_add("invalid", NULL, invalid_request_register, NULL, NULL), S_OK);
    gs_registry_seal();

    assert_int_equal(nrq, 12);
    for (unsigned i = 0; i < 10; i++) {
        assert_int_equal(rq_results[i], invalid);
    }
    assert_int_equal(rq_results[10], S_OK);
    assert_int_equal(rq_results[11], HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
    /* What was refused left nothing behind; the second registration did not replace the first. */
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "");
    assert_string_equal(request_order(RQ_SEND_RESPONSE, false), "");
    assert_string_equal(request_order(RQ_END_REQUEST, false), "invalid");
    assert_string_equal(request_order(RQ_END_REQUEST, true), "invalid");
}

static HRESULT
invalid_global_register(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    static struct global g = {{&global_vtbl}, "invalid", 0};
    static struct global no_terminate = {{&no_terminate_vtbl}, "invalid", 0};
    static CGlobalModule no_vtbl = {NULL};

    (void) version;
    (void) server;
    ngl = 0;
    gl_results[ngl++] =
        IHttpModuleRegistrationInfo_SetGlobalNotifications(info, NULL, GL_STOP_LISTENING);
    gl_results[ngl++] =
        IHttpModuleRegistrationInfo_SetGlobalNotifications(info, &no_vtbl, GL_STOP_LISTENING);
    /* Terminate is the one method a global module must have. */
    gl_results[ngl++] = IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &no_terminate.CGlobalModule_iface, GL_STOP_LISTENING);
    /* No GL_ notification has bit 0x1 or 0x8, nor anything above GL_APPLICATION_PRELOAD. */
    gl_results[ngl++] = IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &g.CGlobalModule_iface, GL_STOP_LISTENING | 0x1);
    gl_results[ngl++] =
        IHttpModuleRegistrationInfo_SetGlobalNotifications(info, &g.CGlobalModule_iface, 0x8);
    gl_results[ngl++] =
        IHttpModuleRegistrationInfo_SetGlobalNotifications(info, &g.CGlobalModule_iface, 0x20000);
    gl_results[ngl++] = IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &g.CGlobalModule_iface, GL_APPLICATION_START);
    gl_results[ngl++] = IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &g.CGlobalModule_iface, GL_APPLICATION_STOP);
    return S_OK;
}

static void
test_invalid_global_registrations_are_refused(void **state)
{
    const HRESULT invalid = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);

    (void) state;
    assert_int_equal(gs_registry_add("invalid", NULL, invalid_global_register, NULL, NULL), S_OK);
    gs_registry_seal();

    assert_int_equal(ngl, 8);
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(gl_results[i], invalid);
    }
    assert_int_equal(gl_results[6], S_OK);
    assert_int_equal(gl_results[7], HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
    assert_string_equal(global_order(GL_STOP_LISTENING), "");
    assert_string_equal(global_order(GL_APPLICATION_START), "invalid");
    assert_string_equal(global_order(GL_APPLICATION_STOP), "");
    assert_int_equal(gs_registry.modules[0]->gl_mask, GL_APPLICATION_START);
}

static HRESULT
invalid_priority_register(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    static struct factory f = {{&factory_vtbl}, "prio", 0};

    (void) version;
    (void) server;
    nprio = 0;
    assert_int_equal(IHttpModuleRegistrationInfo_SetRequestNotifications(
                         info, &f.IHttpModuleFactory_iface, RQ_BEGIN_REQUEST, 0),
                     S_OK);
    prio_results[nprio++] = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
        info, RQ_BEGIN_REQUEST, L"HIGHEST");
    prio_results[nprio++] =
        IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(info, RQ_BEGIN_REQUEST, L"");
    prio_results[nprio++] =
        IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(info, RQ_BEGIN_REQUEST, NULL);
    prio_results[nprio++] = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
        info, 0, PRIORITY_ALIAS_FIRST);
    prio_results[nprio++] = IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(
        info, GL_STOP_LISTENING, L"FIRSTS");
    prio_results[nprio++] =
        IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(info, 0, PRIORITY_ALIAS_LAST);
    prio_results[nprio++] =
        IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(info, GL_STOP_LISTENING, NULL);
    return S_OK;
}

static void
test_unknown_priority_aliases_are_refused(void **state)
{
    const struct spec first = {.rq = RQ_BEGIN_REQUEST};

    (void) state;
    assert_int_equal(gs_registry_add("prio", NULL, invalid_priority_register, NULL, NULL), S_OK);
    add_ok("after", &first);
    gs_registry_seal();

    assert_int_equal(nprio, 7);
    for (unsigned i = 0; i < nprio; i++) {
        assert_int_equal(prio_results[i], HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER));
    }
    /* The band did not change: still MEDIUM, so load order decides. */
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "prio,after");
}

static void
test_module_names_are_unique_and_the_registry_closes_at_seal(void **state)
{
    const struct spec s = {.rq = RQ_BEGIN_REQUEST};

    (void) state;
    add_ok("one", &s);
    assert_int_equal(add("one", &s), HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
    assert_int_equal(add("ONE", &s), HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)); /* as IIS */
    assert_int_equal(gs_registry.count, 1);
    gs_registry_seal();
    assert_true(gs_registry.sealed);
    assert_int_equal(add("two", &s), HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED));
    assert_int_equal(gs_registry.count, 1);
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "one");
}

static void
test_failed_register_module_leaves_no_trace(void **state)
{
    const struct spec before = {.rq = RQ_BEGIN_REQUEST};
    const struct spec failing = {.rq = ALL_STAGES | RQ_SEND_RESPONSE,
                                 .post = ALL_STAGES,
                                 .rq_prio = {{RQ_BEGIN_REQUEST, PRIORITY_ALIAS_FIRST}},
                                 .gl = GL_PRE_BEGIN_REQUEST | GL_STOP_LISTENING,
                                 .result = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY)};
    const struct spec after = {.rq = RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE, .gl = GL_STOP_LISTENING};
    HTTP_MODULE_ID failed_id;

    (void) state;
    add_ok("before", &before);
    assert_int_equal(add("failing", &failing), HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY));
    failed_id = last_id;
    assert_int_equal(gs_registry.count, 1);
    /* Its name is free again, and the next module takes its place in the load order. */
    add_ok("failing", &after);
    assert_ptr_equal(last_id, failed_id);
    gs_registry_seal();

    assert_int_equal(gs_registry.count, 2);
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, false), "before,failing");
    assert_string_equal(request_order(RQ_BEGIN_REQUEST, true), "");
    assert_string_equal(request_order(RQ_END_REQUEST, false), "");
    assert_string_equal(request_order(RQ_SEND_RESPONSE, false), "failing");
    assert_string_equal(global_order(GL_PRE_BEGIN_REQUEST), "");
    assert_string_equal(global_order(GL_STOP_LISTENING), "failing");
    /* The refused module's objects are its own: the registry never terminates them. */
    gs_registry_terminate();
    assert_int_equal(nobjects, 3);
    assert_int_equal(factories[1].terminated, 0);
    assert_int_equal(globals[1].terminated, 0);
    assert_int_equal(factories[2].terminated, 1);
    assert_int_equal(globals[2].terminated, 1);
    assert_int_equal(factories[0].terminated, 1);
    assert_int_equal(nterminated, 3);
}

/* ---- identity --------------------------------------------------------------- */

static void
test_id_and_name(void **state)
{
    const struct spec s = {.rq = RQ_BEGIN_REQUEST};
    HTTP_MODULE_ID ids[4];
    const char *const names[4] = {"IsapiModule", "ünïcode-Módule", "x", "StaticFileModule"};
    const wchar_t *const wide[4] = {L"IsapiModule", L"ünïcode-Módule", L"x", L"StaticFileModule"};

    (void) state;
    for (int i = 0; i < 4; i++) {
        add_ok(names[i], &s);
        ids[i] = last_id;
        assert_non_null(ids[i]);
        assert_non_null(last_name);
        assert_true(wcscmp(last_name, wide[i]) == 0);
        assert_true(wcscmp(gs_registry.modules[i]->wname, wide[i]) == 0);
        for (int j = 0; j < i; j++) {
            assert_ptr_not_equal(ids[i], ids[j]);
        }
    }
    /* The documented implementation: a counter in load order. */
    for (int i = 1; i < 4; i++) {
        assert_true((uintptr_t) ids[i] > (uintptr_t) ids[i - 1]);
    }
}

static HTTP_MODULE_ID first_id, second_id;

static HRESULT
id_twice_register(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    (void) version;
    (void) server;
    first_id = IHttpModuleRegistrationInfo_GetId(info);
    second_id = IHttpModuleRegistrationInfo_GetId(info);
    return S_OK;
}

static void
test_id_is_stable(void **state)
{
    (void) state;
    assert_int_equal(gs_registry_add("stable", NULL, id_twice_register, NULL, NULL), S_OK);
    assert_non_null(first_id);
    assert_ptr_equal(first_id, second_id);
}

/* ---- the end ---------------------------------------------------------------- */

static void
test_terminate_calls_every_module_once_last_loaded_first(void **state)
{
    const struct spec both = {.rq = RQ_BEGIN_REQUEST, .gl = GL_STOP_LISTENING};
    const struct spec request = {.rq = RQ_END_REQUEST};
    const struct spec global = {.gl = GL_APPLICATION_STOP};

    (void) state;
    add_ok("a", &both);
    add_ok("b", &request);
    add_ok("c", &global);
    add_ok("d", &both);
    gs_registry_seal();
    gs_registry_terminate();

    assert_int_equal(nterminated, 6);
    assert_string_equal(term_log[0], "d:global");
    assert_string_equal(term_log[1], "d:factory");
    assert_string_equal(term_log[2], "c:global");
    assert_string_equal(term_log[3], "b:factory");
    assert_string_equal(term_log[4], "a:global");
    assert_string_equal(term_log[5], "a:factory");
    assert_int_equal(gs_registry.count, 0);
    assert_false(gs_registry.sealed);
    for (int s = 0; s < GS_SLOTS; s++) {
        assert_int_equal(gs_registry.request[s].count, 0);
    }
}

static void
test_slot_and_band_helpers(void **state)
{
    wchar_t low[] = L"LOW";

    (void) state;
    assert_int_equal(gs_slot_of(RQ_BEGIN_REQUEST, false), 0);
    assert_int_equal(gs_slot_of(RQ_BEGIN_REQUEST, true), 1);
    assert_int_equal(gs_slot_of(RQ_END_REQUEST, false), 22);
    assert_int_equal(gs_slot_of(RQ_END_REQUEST, true), 23);
    assert_int_equal(gs_slot_of(RQ_SEND_RESPONSE, false), GS_SLOT_SEND_RESPONSE);
    assert_int_equal(gs_slot_of(RQ_MAP_PATH, false), GS_SLOT_MAP_PATH);
    assert_int_equal(gs_slot_of(RQ_READ_ENTITY, false), GS_SLOT_READ_ENTITY);
    assert_int_equal(gs_slot_of(RQ_CUSTOM_NOTIFICATION, false), GS_SLOT_CUSTOM);
    assert_int_equal(gs_slot_of(RQ_SEND_RESPONSE, true), -1);
    assert_int_equal(gs_slot_of(RQ_BEGIN_REQUEST | RQ_END_REQUEST, false), -1);
    assert_int_equal(gs_slot_of(0x00001000, false), -1);
    assert_int_equal(gs_slot_of(0, false), -1);

    assert_int_equal(gs_bit_number(GL_STOP_LISTENING), 1);
    assert_int_equal(gs_bit_number(0x80000000u), 31);
    assert_int_equal(gs_bit_number(0), -1);
    assert_int_equal(gs_bit_number(3), -1);

    assert_int_equal(gs_band_of(PRIORITY_ALIAS_FIRST), GS_BAND_FIRST);
    assert_int_equal(gs_band_of(PRIORITY_ALIAS_HIGH), GS_BAND_HIGH);
    assert_int_equal(gs_band_of(PRIORITY_ALIAS_MEDIUM), GS_BAND_MEDIUM);
    assert_int_equal(gs_band_of(PRIORITY_ALIAS_LOW), GS_BAND_LOW);
    assert_int_equal(gs_band_of(PRIORITY_ALIAS_LAST), GS_BAND_LAST);
    assert_int_equal(gs_band_of(low), GS_BAND_LOW);
    assert_int_equal(gs_band_of(L"LOWER"), -1);
    assert_int_equal(gs_band_of(NULL), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bands_order_a_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_order_holds_within_a_band, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_response_runs_the_order_backwards, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_priority_is_per_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_alias_compared_by_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_events_have_slots_of_their_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modules_are_only_where_they_subscribed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_global_notifications_are_ordered_by_band_then_load,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_notifications_run_in_order_until_handled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_invalid_request_registrations_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_invalid_global_registrations_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_priority_aliases_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_module_names_are_unique_and_the_registry_closes_at_seal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_register_module_leaves_no_trace, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_id_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_is_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terminate_calls_every_module_once_last_loaded_first,
                                        setup, teardown),
        cmocka_unit_test(test_slot_and_band_helpers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
