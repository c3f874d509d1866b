/*
 * Module context containers: one context per module id, set once, cleaned
 * up exactly once when the owner goes; dispensed containers that delete
 * themselves; contexts kept by name.  Module ids come from the process's
 * registry, so the group setup registers three modules (and the group
 * teardown terminates them).
 */
#include "pipeline/containers.h"
#include "pipeline/registry.h"
#include "pipeline/server_object.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

#define NMODULES 3

static HTTP_MODULE_ID ids[NMODULES];
static unsigned nids;

static HRESULT
remember_id(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    (void) version;
    (void) server;
    ids[nids++] = IHttpModuleRegistrationInfo_GetId(info);
    return S_OK;
}

static int
group_setup(void **state)
{
    static const char *const names[NMODULES] = {"one", "two", "three"};

    (void) state;
    for (int i = 0; i < NMODULES; i++) {
        if (gs_registry_add(names[i], NULL, remember_id, NULL, NULL) != S_OK) {
            return -1;
        }
    }
    gs_registry_seal();
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    gs_registry_terminate();
    return 0;
}

/* ---- a stored context that counts its cleanups ---------------------------- */

struct stored {
    IHttpStoredContext IHttpStoredContext_iface;
    unsigned cleanups;
    /* what the cleanup does to a container (the one being released, or another) */
    IHttpModuleContextContainer *touch;
    IHttpStoredContext *seen_during_cleanup;
    IHttpStoredContext *store_during_cleanup;
};

static VOID
stored_CleanupStoredContext(IHttpStoredContext *This)
{
    struct stored *s = (struct stored *) This;

    s->cleanups++;
    if (s->touch != NULL) {
        s->seen_during_cleanup = IHttpModuleContextContainer_GetModuleContext(s->touch, ids[0]);
        if (s->store_during_cleanup != NULL) {
            assert_int_equal(IHttpModuleContextContainer_SetModuleContext(
                                 s->touch, s->store_during_cleanup, ids[1]),
                             S_OK);
        }
    }
}

static const IHttpStoredContextVtbl stored_vtbl = {
    .CleanupStoredContext = stored_CleanupStoredContext,
};

static void
stored_init(struct stored *s)
{
    memset(s, 0, sizeof(*s));
    s->IHttpStoredContext_iface.lpVtbl = &stored_vtbl;
}

/* A context that frees itself on cleanup, as modules' contexts do. */
struct heap_stored {
    IHttpStoredContext IHttpStoredContext_iface;
    unsigned *cleanups;
};

static VOID
heap_stored_CleanupStoredContext(IHttpStoredContext *This)
{
    struct heap_stored *s = (struct heap_stored *) This;

    (*s->cleanups)++;
    free(s);
}

static const IHttpStoredContextVtbl heap_stored_vtbl = {
    .CleanupStoredContext = heap_stored_CleanupStoredContext,
};

static IHttpStoredContext *
heap_stored(unsigned *cleanups)
{
    struct heap_stored *s = malloc(sizeof(*s));

    assert_non_null(s);
    s->IHttpStoredContext_iface.lpVtbl = &heap_stored_vtbl;
    s->cleanups = cleanups;
    return &s->IHttpStoredContext_iface;
}

/* ---- module containers ------------------------------------------------------- */

static void
test_ids_are_distinct_and_not_null(void **state)
{
    (void) state;
    assert_int_equal(nids, NMODULES);
    for (int i = 0; i < NMODULES; i++) {
        assert_non_null(ids[i]);
        for (int j = 0; j < i; j++) {
            assert_ptr_not_equal(ids[i], ids[j]);
        }
    }
}

static void
test_each_module_has_its_own_slot(void **state)
{
    gs_container_t c;
    IHttpModuleContextContainer *mc;
    struct stored a, b;

    (void) state;
    stored_init(&a);
    stored_init(&b);
    gs_container_init(&c);
    mc = gs_container_iface(&c);

    for (int i = 0; i < NMODULES; i++) {
        assert_null(IHttpModuleContextContainer_GetModuleContext(mc, ids[i]));
    }
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &a.IHttpStoredContext_iface, ids[0]),
        S_OK);
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &b.IHttpStoredContext_iface, ids[2]),
        S_OK);
    assert_ptr_equal(IHttpModuleContextContainer_GetModuleContext(mc, ids[0]),
                     &a.IHttpStoredContext_iface);
    assert_null(IHttpModuleContextContainer_GetModuleContext(mc, ids[1]));
    assert_ptr_equal(IHttpModuleContextContainer_GetModuleContext(mc, ids[2]),
                     &b.IHttpStoredContext_iface);
    /* Reading does not clean up: only the owner's going does. */
    assert_int_equal(a.cleanups, 0);
    assert_int_equal(b.cleanups, 0);

    gs_container_release(&c);
    assert_int_equal(a.cleanups, 1);
    assert_int_equal(b.cleanups, 1);
}

static void
test_second_set_for_a_module_is_refused(void **state)
{
    gs_container_t c;
    IHttpModuleContextContainer *mc;
    struct stored first, second;

    (void) state;
    stored_init(&first);
    stored_init(&second);
    gs_container_init(&c);
    mc = gs_container_iface(&c);

    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &first.IHttpStoredContext_iface, ids[1]),
        S_OK);
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &second.IHttpStoredContext_iface, ids[1]),
        HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED));
    /* The same context again is refused too. */
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &first.IHttpStoredContext_iface, ids[1]),
        HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED));
    assert_ptr_equal(IHttpModuleContextContainer_GetModuleContext(mc, ids[1]),
                     &first.IHttpStoredContext_iface);

    gs_container_release(&c);
    /* A refused context was never the container's: it is not cleaned up. */
    assert_int_equal(first.cleanups, 1);
    assert_int_equal(second.cleanups, 0);
}

static void
test_invalid_ids_and_null_are_refused(void **state)
{
    const HRESULT invalid = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    gs_container_t c;
    IHttpModuleContextContainer *mc;
    struct stored s;
    HTTP_MODULE_ID beyond = (HTTP_MODULE_ID) ((uintptr_t) ids[NMODULES - 1] + 1);
    HTTP_MODULE_ID wild = (HTTP_MODULE_ID) &s;

    (void) state;
    stored_init(&s);
    gs_container_init(&c);
    mc = gs_container_iface(&c);

    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &s.IHttpStoredContext_iface, NULL),
        invalid);
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &s.IHttpStoredContext_iface, beyond),
        invalid);
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &s.IHttpStoredContext_iface, wild),
        invalid);
    assert_int_equal(IHttpModuleContextContainer_SetModuleContext(mc, NULL, ids[0]), invalid);
    assert_null(IHttpModuleContextContainer_GetModuleContext(mc, NULL));
    assert_null(IHttpModuleContextContainer_GetModuleContext(mc, beyond));
    assert_null(IHttpModuleContextContainer_GetModuleContext(mc, wild));
    /* Nothing was stored by the refusals: the slot is still free. */
    assert_null(IHttpModuleContextContainer_GetModuleContext(mc, ids[0]));
    assert_int_equal(
        IHttpModuleContextContainer_SetModuleContext(mc, &s.IHttpStoredContext_iface, ids[0]),
        S_OK);

    gs_container_release(&c);
    assert_int_equal(s.cleanups, 1);
}

static void
test_cleanup_runs_once_and_without_the_lock(void **state)
{
    gs_container_t c, other;
    struct stored a, b, later;

    (void) state;
    gs_container_init(&c);
    gs_container_init(&other);
    stored_init(&a);
    stored_init(&b);
    stored_init(&later);
    /* a reads the container being released, b stores into another one: no deadlock. */
    a.touch = gs_container_iface(&c);
    b.touch = gs_container_iface(&other);
    b.store_during_cleanup = &later.IHttpStoredContext_iface;
    assert_int_equal(IHttpModuleContextContainer_SetModuleContext(
                         gs_container_iface(&c), &a.IHttpStoredContext_iface, ids[0]),
                     S_OK);
    assert_int_equal(IHttpModuleContextContainer_SetModuleContext(
                         gs_container_iface(&c), &b.IHttpStoredContext_iface, ids[2]),
                     S_OK);

    alarm(10); /* a cleanup called under the container's lock would hang here */
    gs_container_release(&c);
    alarm(0);

    assert_int_equal(a.cleanups, 1);
    assert_int_equal(b.cleanups, 1);
    assert_null(a.seen_during_cleanup); /* already emptied when cleanups run */
    assert_ptr_equal(
        IHttpModuleContextContainer_GetModuleContext(gs_container_iface(&other), ids[1]),
        &later.IHttpStoredContext_iface);
    gs_container_release(&other);
    assert_int_equal(later.cleanups, 1);
    assert_int_equal(a.cleanups, 1);
    assert_int_equal(b.cleanups, 1);
}

static void
test_an_owners_container_does_not_release_itself(void **state)
{
    gs_container_t c;
    struct stored s;

    (void) state;
    stored_init(&s);
    gs_container_init(&c);
    assert_int_equal(
        IDispensedHttpModuleContextContainer_SetModuleContext(
            &c.IDispensedHttpModuleContextContainer_iface, &s.IHttpStoredContext_iface, ids[0]),
        S_OK);
    /* A module that calls ReleaseContainer on a getter's container changes nothing. */
    IDispensedHttpModuleContextContainer_ReleaseContainer(
        &c.IDispensedHttpModuleContextContainer_iface);
    assert_int_equal(s.cleanups, 0);
    assert_ptr_equal(IHttpModuleContextContainer_GetModuleContext(gs_container_iface(&c), ids[0]),
                     &s.IHttpStoredContext_iface);

    gs_container_release(&c);
    assert_int_equal(s.cleanups, 1);
}

static void
test_dispensed_container_deletes_itself(void **state)
{
    IDispensedHttpModuleContextContainer *d = gs_container_dispense();
    IDispensedHttpModuleContextContainer *empty = gs_container_dispense();
    unsigned cleanups = 0;

    (void) state;
    assert_non_null(d);
    assert_ptr_not_equal(d, empty);
    assert_null(IDispensedHttpModuleContextContainer_GetModuleContext(d, ids[0]));
    assert_int_equal(
        IDispensedHttpModuleContextContainer_SetModuleContext(d, heap_stored(&cleanups), ids[0]),
        S_OK);
    assert_int_equal(
        IDispensedHttpModuleContextContainer_SetModuleContext(d, heap_stored(&cleanups), ids[1]),
        S_OK);
    assert_non_null(IDispensedHttpModuleContextContainer_GetModuleContext(d, ids[1]));
    assert_int_equal(cleanups, 0);

    /* Both contexts cleaned up (they free themselves), then the container is freed: ASan
     * and LeakSanitizer check that nothing is left and nothing is freed twice. */
    IDispensedHttpModuleContextContainer_ReleaseContainer(d);
    assert_int_equal(cleanups, 2);
    IDispensedHttpModuleContextContainer_ReleaseContainer(empty);
    assert_int_equal(cleanups, 2);
}

static void
test_server_dispenses_containers(void **state)
{
    char *argv[] = {"guise", "--root", "/", "--listen", "127.0.0.1:0", NULL};
    char err[256];
    gs_options_t opts;
    IHttpServer *srv;
    IDispensedHttpModuleContextContainer *d1, *d2;
    unsigned cleanups = 0;

    (void) state;
    assert_int_equal(gs_options_parse(&opts, 5, argv, err, sizeof(err), stdout), GS_OPTIONS_RUN);
    gs_server_object_init(&opts, NULL);
    srv = gs_server_object();
    d1 = IHttpServer_DispenseContainer(srv);
    d2 = IHttpServer_DispenseContainer(srv);
    assert_non_null(d1);
    assert_non_null(d2);
    assert_ptr_not_equal(d1, d2); /* each caller owns its own */
    assert_int_equal(
        IDispensedHttpModuleContextContainer_SetModuleContext(d1, heap_stored(&cleanups), ids[2]),
        S_OK);
    assert_null(IDispensedHttpModuleContextContainer_GetModuleContext(d2, ids[2]));
    IDispensedHttpModuleContextContainer_ReleaseContainer(d2);
    assert_int_equal(cleanups, 0);
    IDispensedHttpModuleContextContainer_ReleaseContainer(d1);
    assert_int_equal(cleanups, 1);
    gs_server_object_free();
}

struct race {
    IHttpModuleContextContainer *mc;
    struct stored s;
    HRESULT hr;
    pthread_barrier_t *start;
};

static void *
race_set(void *arg)
{
    struct race *r = arg;

    pthread_barrier_wait(r->start);
    r->hr =
        IHttpModuleContextContainer_SetModuleContext(r->mc, &r->s.IHttpStoredContext_iface, ids[2]);
    return NULL;
}

static void
test_concurrent_sets_store_exactly_one(void **state)
{
    enum { N = 8 };
    gs_container_t c;
    struct race r[N];
    pthread_t t[N];
    pthread_barrier_t start;
    int winners = 0, winner = -1;

    (void) state;
    gs_container_init(&c);
    pthread_barrier_init(&start, NULL, N);
    for (int i = 0; i < N; i++) {
        r[i].mc = gs_container_iface(&c);
        stored_init(&r[i].s);
        r[i].start = &start;
        assert_int_equal(pthread_create(&t[i], NULL, race_set, &r[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
    }
    pthread_barrier_destroy(&start);
    for (int i = 0; i < N; i++) {
        if (r[i].hr == S_OK) {
            winners++;
            winner = i;
        } else {
            assert_int_equal(r[i].hr, HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED));
        }
    }
    assert_int_equal(winners, 1);
    assert_ptr_equal(IHttpModuleContextContainer_GetModuleContext(gs_container_iface(&c), ids[2]),
                     &r[winner].s.IHttpStoredContext_iface);

    gs_container_release(&c);
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].s.cleanups, i == winner ? 1 : 0);
    }
}

/* ---- named containers ----------------------------------------------------------- */

static void
test_named_contexts_by_content(void **state)
{
    gs_named_container_t c;
    INamedContextContainer *nc;
    struct stored a, b;
    wchar_t name[16], lookup[16];

    (void) state;
    stored_init(&a);
    stored_init(&b);
    gs_named_container_init(&c);
    nc = &c.INamedContextContainer_iface;

    wcscpy(name, L"session");
    assert_null(INamedContextContainer_GetNamedContext(nc, name));
    assert_int_equal(INamedContextContainer_SetNamedContext(nc, &a.IHttpStoredContext_iface, name),
                     S_OK);
    assert_int_equal(
        INamedContextContainer_SetNamedContext(nc, &b.IHttpStoredContext_iface, L"Session"), S_OK);
    /* The name was copied: the caller's buffer may change. */
    wcscpy(name, L"xxxxxxx");
    wcscpy(lookup, L"session");
    assert_ptr_equal(INamedContextContainer_GetNamedContext(nc, lookup),
                     &a.IHttpStoredContext_iface);
    assert_ptr_equal(INamedContextContainer_GetNamedContext(nc, L"Session"),
                     &b.IHttpStoredContext_iface);
    assert_null(INamedContextContainer_GetNamedContext(nc, L"sessio"));
    assert_null(INamedContextContainer_GetNamedContext(nc, L"sessions"));
    assert_null(INamedContextContainer_GetNamedContext(nc, NULL));

    gs_named_container_release(&c);
    assert_int_equal(a.cleanups, 1);
    assert_int_equal(b.cleanups, 1);
}

static void
test_named_context_refusals(void **state)
{
    const HRESULT invalid = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    gs_named_container_t c;
    INamedContextContainer *nc;
    struct stored a, b;

    (void) state;
    stored_init(&a);
    stored_init(&b);
    gs_named_container_init(&c);
    nc = &c.INamedContextContainer_iface;

    assert_int_equal(INamedContextContainer_SetNamedContext(nc, NULL, L"x"), invalid);
    assert_int_equal(INamedContextContainer_SetNamedContext(nc, &a.IHttpStoredContext_iface, NULL),
                     invalid);
    assert_int_equal(INamedContextContainer_SetNamedContext(nc, &a.IHttpStoredContext_iface, L""),
                     invalid);
    assert_int_equal(INamedContextContainer_SetNamedContext(nc, &a.IHttpStoredContext_iface, L"x"),
                     S_OK);
    assert_int_equal(INamedContextContainer_SetNamedContext(nc, &b.IHttpStoredContext_iface, L"x"),
                     HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED));
    assert_ptr_equal(INamedContextContainer_GetNamedContext(nc, L"x"), &a.IHttpStoredContext_iface);

    gs_named_container_release(&c);
    assert_int_equal(a.cleanups, 1);
    assert_int_equal(b.cleanups, 0);
}

static void
test_named_contexts_that_free_themselves(void **state)
{
    gs_named_container_t c;
    unsigned cleanups = 0;
    wchar_t name[8];

    (void) state;
    gs_named_container_init(&c);
    for (int i = 0; i < 5; i++) {
        swprintf(name, 8, L"n%d", i);
        assert_int_equal(INamedContextContainer_SetNamedContext(&c.INamedContextContainer_iface,
                                                                heap_stored(&cleanups), name),
                         S_OK);
    }
    gs_named_container_release(&c);
    assert_int_equal(cleanups, 5);
}

/* ---- containers used while modules are still registering ------------------------ */

/*
 * A module may dispense a container and store its context from RegisterModule, before
 * the modules loaded after it exist; the container must take their ids too.  (Sizing the
 * slots by the modules registered so far once overflowed the slot array here.)
 */
static IDispensedHttpModuleContextContainer *early;
static struct stored early_stored[2];
static HTTP_MODULE_ID early_ids[2];
static HRESULT early_hr[2];
static unsigned nearly;

static HRESULT
store_early(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    struct stored *s = &early_stored[nearly];

    (void) version;
    (void) server;
    if (early == NULL) {
        early = gs_container_dispense();
    }
    stored_init(s);
    early_ids[nearly] = IHttpModuleRegistrationInfo_GetId(info);
    early_hr[nearly] = IDispensedHttpModuleContextContainer_SetModuleContext(
        early, &s->IHttpStoredContext_iface, early_ids[nearly]);
    nearly++;
    return S_OK;
}

static void
test_container_filled_during_registration(void **state)
{
    (void) state;
    assert_int_equal(gs_registry_add("early1", NULL, store_early, NULL, NULL), S_OK);
    assert_int_equal(gs_registry_add("early2", NULL, store_early, NULL, NULL), S_OK);
    gs_registry_seal();
    assert_int_equal(early_hr[0], S_OK);
    assert_int_equal(early_hr[1], S_OK);
    for (int i = 0; i < 2; i++) {
        assert_ptr_equal(IDispensedHttpModuleContextContainer_GetModuleContext(early, early_ids[i]),
                         &early_stored[i].IHttpStoredContext_iface);
    }
    IDispensedHttpModuleContextContainer_ReleaseContainer(early);
    assert_int_equal(early_stored[0].cleanups, 1);
    assert_int_equal(early_stored[1].cleanups, 1);
}

static int
registry_teardown(void **state)
{
    (void) state;
    gs_registry_terminate();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_are_distinct_and_not_null),
        cmocka_unit_test(test_each_module_has_its_own_slot),
        cmocka_unit_test(test_second_set_for_a_module_is_refused),
        cmocka_unit_test(test_invalid_ids_and_null_are_refused),
        cmocka_unit_test(test_cleanup_runs_once_and_without_the_lock),
        cmocka_unit_test(test_an_owners_container_does_not_release_itself),
        cmocka_unit_test(test_dispensed_container_deletes_itself),
        cmocka_unit_test(test_server_dispenses_containers),
        cmocka_unit_test(test_concurrent_sets_store_exactly_one),
        cmocka_unit_test(test_named_contexts_by_content),
        cmocka_unit_test(test_named_context_refusals),
        cmocka_unit_test(test_named_contexts_that_free_themselves),
    };

    const struct CMUnitTest registering[] = {
        cmocka_unit_test_teardown(test_container_filled_during_registration, registry_teardown),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);

    return failed + cmocka_run_group_tests(registering, NULL, NULL);
}
