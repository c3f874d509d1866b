/*
 * Slots are allocated on first use, sized by the number of modules (ids are
 * load order + 1 and the registry is sealed before any request), so a
 * container nobody uses costs one mutex.  Cleanups run without the lock
 * held: a module's CleanupStoredContext may call back into containers.
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
    IHttpStoredContext *stored = NULL;
    int slot = slot_of(moduleId);

    if (slot < 0) {
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    if (c->slots != NULL && (unsigned) slot < c->nslots) {
        stored = c->slots[slot];
    }
    pthread_mutex_unlock(&c->lock);
    return stored;
}

static HRESULT
container_SetModuleContext(IDispensedHttpModuleContextContainer *This,
                           IHttpStoredContext *ppStoredContext, HTTP_MODULE_ID moduleId)
{
    gs_container_t *c = impl_from_iface(This);
    int slot = slot_of(moduleId);
    HRESULT hr = S_OK;

    if (ppStoredContext == NULL || slot < 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    pthread_mutex_lock(&c->lock);
    if (c->slots == NULL) {
        c->nslots = gs_registry.count;
        c->slots = gs_xcalloc(c->nslots, sizeof(*c->slots));
    }
    if (c->slots[slot] != NULL) {
        hr = HRESULT_FROM_WIN32(ERROR_ALREADY_ASSIGNED);
    } else {
        c->slots[slot] = ppStoredContext;
    }
    pthread_mutex_unlock(&c->lock);
    return hr;
}

void
gs_container_release(gs_container_t *c)
{
    IHttpStoredContext **slots;
    unsigned n;

    pthread_mutex_lock(&c->lock);
    slots = c->slots;
    n = c->nslots;
    c->slots = NULL;
    c->nslots = 0;
    pthread_mutex_unlock(&c->lock);
    for (unsigned i = 0; i < n; i++) {
        if (slots[i] != NULL && slots[i]->lpVtbl->CleanupStoredContext != NULL) {
            slots[i]->lpVtbl->CleanupStoredContext(slots[i]);
        }
    }
    free(slots);
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
    c->slots = NULL;
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
