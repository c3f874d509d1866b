/*
 * Slots are allocated on first use, sized by the number of modules (ids are
 * load order + 1 and the registry is sealed before any request), so a
 * container nobody uses costs one mutex.  A slot is set once by
 * compare-and-swap and read with a plain atomic load.
 */
#include "containers.h"
#include "registry.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static inline gs_container_t *
impl_from_iface(IDispensedHttpModuleContextContainer *iface)
{
    return gs_container_of(iface, gs_container_t, IDispensedHttpModuleContextContainer_iface);
}

/* A module id is load order + 1; anything else is no module of ours. */
static int
slot_of(HTTP_MODULE_ID id)
{
    uintptr_t n = (uintptr_t) id;

    if (n == 0 || n > gs_registry.count) {
        return -1;
    }
    return (int) (n - 1);
}

static IHttpStoredContext *
container_GetModuleContext(IDispensedHttpModuleContextContainer *This, HTTP_MODULE_ID moduleId)
{
    gs_container_t *c = impl_from_iface(This);
    _Atomic(IHttpStoredContext *) *slots = atomic_load_explicit(&c->slots, memory_order_acquire);
    int slot = slot_of(moduleId);

    if (slot < 0 || slots == NULL || (unsigned) slot >= c->nslots) {
        return NULL;
    }
    return atomic_load_explicit(&slots[slot], memory_order_acquire);
}

static _Atomic(IHttpStoredContext *) *
allocated_slots(gs_container_t *c)
{
    _Atomic(IHttpStoredContext *) *slots = atomic_load_explicit(&c->slots, memory_order_acquire);

    if (slots != NULL) {
        return slots;
    }
    pthread_mutex_lock(&c->lock);
    slots = atomic_load_explicit(&c->slots, memory_order_relaxed);
    if (slots == NULL) {
        /* Before the registry is sealed, modules still to register will have higher ids. */
        c->nslots = gs_registry.sealed ? gs_registry.count : GS_MAX_MODULES;
        slots = gs_xcalloc(c->nslots, sizeof(*slots));
        atomic_store_explicit(&c->slots, slots, memory_order_release);
    }
    pthread_mutex_unlock(&c->lock);
    return slots;
}

static HRESULT
container_SetModuleContext(IDispensedHttpModuleContextContainer *This,
                           IHttpStoredContext *ppStoredContext, HTTP_MODULE_ID moduleId)
{
    gs_container_t *c = impl_from_iface(This);
    int slot = slot_of(moduleId);
    IHttpStoredContext *expected = NULL;
    _Atomic(IHttpStoredContext *) *slots;

    if (ppStoredContext == NULL || slot < 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    slots = allocated_slots(c);
    if ((unsigned) slot >= c->nslots) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (!atomic_compare_exchange_strong_explicit(&slots[slot], &expected, ppStoredContext,
                                                 memory_order_acq_rel, memory_order_acquire))
    {
        return HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED);
    }
    return S_OK;
}

/* The owner is going: nobody else uses the container any more. */
void
gs_container_release(gs_container_t *c)
{
    _Atomic(IHttpStoredContext *) *slots = atomic_exchange(&c->slots, NULL);

    for (unsigned i = 0; slots != NULL && i < c->nslots; i++) {
        IHttpStoredContext *stored = atomic_load(&slots[i]);

        if (stored != NULL && stored->lpVtbl->CleanupStoredContext != NULL) {
            stored->lpVtbl->CleanupStoredContext(stored);
        }
    }
    free(slots);
    c->nslots = 0;
    pthread_mutex_destroy(&c->lock);
}

static VOID
container_ReleaseContainer(IDispensedHttpModuleContextContainer *This)
{
    gs_container_t *c = impl_from_iface(This);

    /* Only a dispensed container deletes itself; an owner's lives as long as the owner. */
    if (!c->dispensed) {
        return;
    }
    gs_container_release(c);
    free(c);
}

static const IDispensedHttpModuleContextContainerVtbl container_vtbl = {
    .GetModuleContext = container_GetModuleContext,
    .SetModuleContext = container_SetModuleContext,
    .ReleaseContainer = container_ReleaseContainer,
};

void
gs_container_init(gs_container_t *c)
{
    c->IDispensedHttpModuleContextContainer_iface.lpVtbl = &container_vtbl;
    pthread_mutex_init(&c->lock, NULL);
    atomic_init(&c->slots, NULL);
    c->nslots = 0;
    c->dispensed = false;
}

IDispensedHttpModuleContextContainer *
gs_container_dispense(void)
{
    gs_container_t *c = gs_xmalloc(sizeof(*c));

    gs_container_init(c);
    c->dispensed = true;
    return &c->IDispensedHttpModuleContextContainer_iface;
}

/* ---- named contexts ------------------------------------------------------ */

struct gs_named_entry {
    gs_named_entry_t *next;
    wchar_t *name;
    IHttpStoredContext *stored;
};

static inline gs_named_container_t *
impl_from_named(INamedContextContainer *iface)
{
    return gs_container_of(iface, gs_named_container_t, INamedContextContainer_iface);
}

static IHttpStoredContext *
named_GetNamedContext(INamedContextContainer *This, LPCWSTR szName)
{
    gs_named_container_t *c = impl_from_named(This);
    IHttpStoredContext *stored = NULL;

    if (szName == NULL) {
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    for (gs_named_entry_t *e = c->entries; e != NULL; e = e->next) {
        if (wcscmp(e->name, szName) == 0) {
            stored = e->stored;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return stored;
}

static HRESULT
named_SetNamedContext(INamedContextContainer *This, IHttpStoredContext *ppStoredContext,
                      LPCWSTR szName)
{
    gs_named_container_t *c = impl_from_named(This);
    gs_named_entry_t *e;

    if (ppStoredContext == NULL || szName == NULL || szName[0] == L'\0') {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    pthread_mutex_lock(&c->lock);
    for (e = c->entries; e != NULL; e = e->next) {
        if (wcscmp(e->name, szName) == 0) {
            pthread_mutex_unlock(&c->lock);
            return HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED);
        }
    }
    e = gs_xmalloc(sizeof(*e));
    e->name = wcsdup(szName);
    if (e->name == NULL) {
        gs_panic("out of memory");
    }
    e->stored = ppStoredContext;
    e->next = c->entries;
    c->entries = e;
    pthread_mutex_unlock(&c->lock);
    return S_OK;
}

static const INamedContextContainerVtbl named_vtbl = {
    .GetNamedContext = named_GetNamedContext,
    .SetNamedContext = named_SetNamedContext,
};

void
gs_named_container_init(gs_named_container_t *c)
{
    c->INamedContextContainer_iface.lpVtbl = &named_vtbl;
    pthread_mutex_init(&c->lock, NULL);
    c->entries = NULL;
}

void
gs_named_container_release(gs_named_container_t *c)
{
    gs_named_entry_t *e;

    pthread_mutex_lock(&c->lock);
    e = c->entries;
    c->entries = NULL;
    pthread_mutex_unlock(&c->lock);
    while (e != NULL) {
        gs_named_entry_t *next = e->next;

        if (e->stored->lpVtbl->CleanupStoredContext != NULL) {
            e->stored->lpVtbl->CleanupStoredContext(e->stored);
        }
        free(e->name);
        free(e);
        e = next;
    }
    pthread_mutex_destroy(&c->lock);
}
