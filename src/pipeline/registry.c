/*
 * Registration: one IHttpModuleRegistrationInfo object per module, valid
 * while its RegisterModule runs.  Sealing: for each slot, the subscribed
 * modules sorted by priority band then load order (a stable sort keeps load
 * order within a band); RQ_SEND_RESPONSE runs the whole order backwards, as
 * IIS does.
 */
#include "registry.h"
#include "core/log.h"
#include "core/util.h"
#include "core/wide.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DETERMINISTIC_MASK 0x00000fffu
#define NONDETERMINISTIC_MASK                                                                      \
    (RQ_CUSTOM_NOTIFICATION | RQ_SEND_RESPONSE | RQ_READ_ENTITY | RQ_MAP_PATH)
#define GLOBAL_MASK                                                                                \
    (GL_STOP_LISTENING | GL_CACHE_CLEANUP | GL_CACHE_OPERATION | GL_HEALTH_CHECK                   \
     | GL_CONFIGURATION_CHANGE | GL_FILE_CHANGE | GL_PRE_BEGIN_REQUEST | GL_APPLICATION_START      \
     | GL_APPLICATION_RESOLVE_MODULES | GL_APPLICATION_STOP | GL_RSCA_QUERY | GL_TRACE_EVENT       \
     | GL_CUSTOM_NOTIFICATION | GL_THREAD_CLEANUP | GL_APPLICATION_PRELOAD)

gs_registry_t gs_registry;

struct reg_info {
    IHttpModuleRegistrationInfo IHttpModuleRegistrationInfo_iface;
    gs_module_t *module;
};

static inline gs_module_t *
module_of(const IHttpModuleRegistrationInfo *iface)
{
    return gs_container_of(iface, struct reg_info, IHttpModuleRegistrationInfo_iface)->module;
}

int
gs_bit_number(DWORD mask)
{
    if (mask == 0 || (mask & (mask - 1)) != 0) {
        return -1;
    }
    return __builtin_ctz(mask);
}

int
gs_slot_of(DWORD notification, bool post)
{
    int bit = gs_bit_number(notification);

    if (bit >= 0 && bit < GS_STAGES) {
        return bit * 2 + (post ? 1 : 0);
    }
    if (post) {
        return -1;
    }
    switch (notification) {
    case RQ_SEND_RESPONSE:
        return GS_SLOT_SEND_RESPONSE;
    case RQ_MAP_PATH:
        return GS_SLOT_MAP_PATH;
    case RQ_READ_ENTITY:
        return GS_SLOT_READ_ENTITY;
    case RQ_CUSTOM_NOTIFICATION:
        return GS_SLOT_CUSTOM;
    default:
        return -1;
    }
}

int
gs_band_of(PCWSTR alias)
{
    static const char *const names[] = {"FIRST", "HIGH", "MEDIUM", "LOW", "LAST"};

    if (alias == NULL) {
        return -1;
    }
    for (int i = 0; i < 5; i++) {
        if (gs_wide_ascii_casecmp(alias, names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static HTTP_MODULE_ID
reg_GetId(const IHttpModuleRegistrationInfo *This)
{
    /* IIS: a counter incremented for each module loaded, cast; never NULL here. */
    return (HTTP_MODULE_ID) (uintptr_t) (module_of(This)->index + 1);
}

static PCWSTR
reg_GetName(const IHttpModuleRegistrationInfo *This)
{
    return module_of(This)->wname;
}

static HRESULT
reg_SetRequestNotifications(IHttpModuleRegistrationInfo *This, IHttpModuleFactory *pModuleFactory,
                            DWORD dwRequestNotifications, DWORD dwPostRequestNotifications)
{
    gs_module_t *m = module_of(This);

    if (pModuleFactory == NULL || pModuleFactory->lpVtbl == NULL
        || pModuleFactory->lpVtbl->GetHttpModule == NULL
        || (dwRequestNotifications & ~(DETERMINISTIC_MASK | NONDETERMINISTIC_MASK)) != 0
        || (dwPostRequestNotifications & ~DETERMINISTIC_MASK) != 0)
    {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (m->factory != NULL) {
        return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    }
    m->factory = pModuleFactory;
    m->rq_mask = dwRequestNotifications;
    m->rq_post_mask = dwPostRequestNotifications;
    return S_OK;
}

static HRESULT
reg_SetGlobalNotifications(IHttpModuleRegistrationInfo *This, CGlobalModule *pGlobalModule,
                           DWORD dwGlobalNotifications)
{
    gs_module_t *m = module_of(This);

    if (pGlobalModule == NULL || pGlobalModule->lpVtbl == NULL
        || pGlobalModule->lpVtbl->Terminate == NULL
        || (dwGlobalNotifications & ~(DWORD) GLOBAL_MASK) != 0)
    {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (m->global != NULL) {
        return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    }
    m->global = pGlobalModule;
    m->gl_mask = dwGlobalNotifications;
    return S_OK;
}

static HRESULT
set_bands(uint8_t bands[32], DWORD mask, PCWSTR alias)
{
    int band = gs_band_of(alias);

    if (band < 0 || mask == 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    for (int bit = 0; bit < 32; bit++) {
        if (mask & (1u << bit)) {
            bands[bit] = (uint8_t) band;
        }
    }
    return S_OK;
}

static HRESULT
reg_SetPriorityForRequestNotification(IHttpModuleRegistrationInfo *This,
                                      DWORD dwRequestNotification, PCWSTR pszPriority)
{
    return set_bands(module_of(This)->rq_band, dwRequestNotification, pszPriority);
}

static HRESULT
reg_SetPriorityForGlobalNotification(IHttpModuleRegistrationInfo *This, DWORD dwGlobalNotification,
                                     PCWSTR pszPriority)
{
    return set_bands(module_of(This)->gl_band, dwGlobalNotification, pszPriority);
}

static const IHttpModuleRegistrationInfoVtbl reg_vtbl = {
    .GetId = reg_GetId,
    .GetName = reg_GetName,
    .SetGlobalNotifications = reg_SetGlobalNotifications,
    .SetPriorityForGlobalNotification = reg_SetPriorityForGlobalNotification,
    .SetPriorityForRequestNotification = reg_SetPriorityForRequestNotification,
    .SetRequestNotifications = reg_SetRequestNotifications,
};

static void
module_free(gs_module_t *m)
{
    free(m->name);
    free(m->wname);
    free(m->image);
    free(m);
}

bool
gs_registry_has(const char *name)
{
    for (unsigned i = 0; i < gs_registry.count; i++) {
        if (strcasecmp(gs_registry.modules[i]->name, name) == 0) {
            return true;
        }
    }
    return false;
}

HRESULT
gs_registry_add(const char *name, const char *image, PFN_REGISTERMODULE reg, IHttpServer *server,
                void *dl)
{
    gs_module_t *m;
    struct reg_info info;
    HRESULT hr;

    if (gs_registry.sealed || gs_registry.count == GS_MAX_MODULES) {
        return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
    }
    for (unsigned i = 0; i < gs_registry.count; i++) {
        if (strcasecmp(gs_registry.modules[i]->name, name) == 0) { /* IIS's names ignore case */
            return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
        }
    }
    m = gs_xcalloc(1, sizeof(*m));
    m->name = gs_xstrdup(name);
    m->wname = gs_wide_dup(name);
    m->image = image ? gs_xstrdup(image) : NULL;
    m->index = gs_registry.count;
    m->dl = dl;
    memset(m->rq_band, GS_BAND_MEDIUM, sizeof(m->rq_band));
    memset(m->gl_band, GS_BAND_MEDIUM, sizeof(m->gl_band));

    info.IHttpModuleRegistrationInfo_iface.lpVtbl = &reg_vtbl;
    info.module = m;
    gs_registry.modules[gs_registry.count++] = m;
    hr = reg(GUISE_SERVER_VERSION, &info.IHttpModuleRegistrationInfo_iface, server);
    if (FAILED(hr)) {
        /* What it registered is dropped with it; its objects are its own to free. */
        gs_registry.count--;
        module_free(m);
    }
    return hr;
}

void
gs_registry_global_only(void)
{
    gs_module_t *m = gs_registry.modules[gs_registry.count - 1];

    m->rq_mask = 0; /* the factory stays: its Terminate is still due */
    m->rq_post_mask = 0;
}

/* Insertion sort by band: stable, so load order holds within a band. */
static void
sort_by_band(const gs_module_t **mods, unsigned n, int bit, bool global)
{
    for (unsigned i = 1; i < n; i++) {
        const gs_module_t *m = mods[i];
        unsigned band = global ? m->gl_band[bit] : m->rq_band[bit], j = i;

        while (j > 0 && (global ? mods[j - 1]->gl_band[bit] : mods[j - 1]->rq_band[bit]) > band) {
            mods[j] = mods[j - 1];
            j--;
        }
        mods[j] = m;
    }
}

static void
build_slot(gs_slot_t *slot, DWORD bit_mask, bool post, bool global)
{
    int bit = gs_bit_number(bit_mask);
    const gs_module_t *tmp[GS_MAX_MODULES];
    unsigned n = 0;

    for (unsigned i = 0; i < gs_registry.count; i++) {
        const gs_module_t *m = gs_registry.modules[i];
        DWORD mask = global ? (m->global ? m->gl_mask : 0) : post ? m->rq_post_mask : m->rq_mask;

        if (mask & bit_mask) {
            tmp[n++] = m;
        }
    }
    sort_by_band(tmp, n, bit, global);
    if (!global && bit_mask == RQ_SEND_RESPONSE) {
        for (unsigned i = 0; i < n / 2; i++) {
            const gs_module_t *t = tmp[i];

            tmp[i] = tmp[n - 1 - i];
            tmp[n - 1 - i] = t;
        }
    }
    slot->count = n;
    slot->modules = n ? gs_xmalloc(n * sizeof(*slot->modules)) : NULL;
    if (n) {
        memcpy(slot->modules, tmp, n * sizeof(*tmp));
    }
}

void
gs_registry_seal(void)
{
    static const DWORD other[] = {RQ_SEND_RESPONSE, RQ_MAP_PATH, RQ_READ_ENTITY,
                                  RQ_CUSTOM_NOTIFICATION};

    for (int stage = 0; stage < GS_STAGES; stage++) {
        build_slot(&gs_registry.request[stage * 2], 1u << stage, false, false);
        build_slot(&gs_registry.request[stage * 2 + 1], 1u << stage, true, false);
    }
    for (int i = 0; i < 4; i++) {
        build_slot(&gs_registry.request[GS_SLOT_SEND_RESPONSE + i], other[i], false, false);
    }
    for (int bit = 0; bit < 32; bit++) {
        build_slot(&gs_registry.global[bit], 1u << bit, false, true);
    }
    gs_registry.sealed = true;
}

void
gs_registry_terminate(void)
{
    for (unsigned i = gs_registry.count; i-- > 0;) {
        gs_module_t *m = gs_registry.modules[i];

        if (m->global != NULL) {
            m->global->lpVtbl->Terminate(m->global);
        }
        if (m->factory != NULL && m->factory->lpVtbl->Terminate != NULL) {
            m->factory->lpVtbl->Terminate(m->factory);
        }
    }
    for (unsigned i = gs_registry.count; i-- > 0;) {
        gs_module_t *m = gs_registry.modules[i];

        if (m->dl != NULL) {
            dlclose(m->dl);
        }
        module_free(m);
    }
    for (int s = 0; s < GS_SLOTS; s++) {
        free(gs_registry.request[s].modules);
    }
    for (int bit = 0; bit < 32; bit++) {
        free(gs_registry.global[bit].modules);
    }
    memset(&gs_registry, 0, sizeof(gs_registry));
}
