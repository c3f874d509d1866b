#include "site.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline gs_site_obj_t *
from_site(const IHttpSite *iface)
{
    return gs_container_of(iface, gs_site_obj_t, IHttpSite_iface);
}

static inline gs_app_obj_t *
from_app(const IHttpApplication2 *iface)
{
    return gs_container_of(iface, gs_app_obj_t, IHttpApplication_iface);
}

static inline gs_vdir_obj_t *
from_vdir(const IMetadataInfo *iface)
{
    return gs_container_of(iface, gs_vdir_obj_t, IMetadataInfo_iface);
}

static IHttpModuleContextContainer *
site_GetModuleContextContainer(IHttpSite *This)
{
    return gs_container_iface(&from_site(This)->container);
}

static IHttpPerfCounterInfo *
site_GetPerfCounterInfo(IHttpSite *This)
{
    (void) This;
    return NULL; /* performance counters are IIS infrastructure: not provided */
}

static DWORD
site_GetSiteId(const IHttpSite *This)
{
    return from_site(This)->cfg->id;
}

static PCWSTR
site_GetSiteName(const IHttpSite *This)
{
    return from_site(This)->name;
}

static const IHttpSiteVtbl site_vtbl = {
    .GetModuleContextContainer = site_GetModuleContextContainer,
    .GetPerfCounterInfo = site_GetPerfCounterInfo,
    .GetSiteId = site_GetSiteId,
    .GetSiteName = site_GetSiteName,
};

static PCWSTR
app_GetAppConfigPath(const IHttpApplication2 *This)
{
    return from_app(This)->config_path;
}

static PCWSTR
app_GetApplicationId(const IHttpApplication2 *This)
{
    return from_app(This)->app_id;
}

static PCWSTR
app_GetApplicationPhysicalPath(const IHttpApplication2 *This)
{
    return from_app(This)->physical;
}

static IHttpModuleContextContainer *
app_GetModuleContextContainer(IHttpApplication2 *This)
{
    return gs_container_iface(&from_app(This)->container);
}

static VOID
app_BeginApplicationWarmup(IHttpApplication2 *This)
{
    (void) This; /* no preload: an application is always warm */
}

static VOID
app_EndApplicationWarmup(IHttpApplication2 *This)
{
    (void) This;
}

static BOOL
app_QueryIsWarmingUp(IHttpApplication2 *This)
{
    (void) This;
    return FALSE;
}

static const IHttpApplication2Vtbl app_vtbl = {
    .GetAppConfigPath = app_GetAppConfigPath,
    .GetApplicationId = app_GetApplicationId,
    .GetApplicationPhysicalPath = app_GetApplicationPhysicalPath,
    .GetModuleContextContainer = app_GetModuleContextContainer,
    .BeginApplicationWarmup = app_BeginApplicationWarmup,
    .EndApplicationWarmup = app_EndApplicationWarmup,
    .QueryIsWarmingUp = app_QueryIsWarmingUp,
};

static PCWSTR
vdir_GetMetaPath(const IMetadataInfo *This)
{
    return from_vdir(This)->meta_path;
}

static IHttpModuleContextContainer *
vdir_GetModuleContextContainer(IMetadataInfo *This)
{
    return gs_container_iface(&from_vdir(This)->container);
}

static PCWSTR
vdir_GetVrPath(const IMetadataInfo *This)
{
    return from_vdir(This)->vr_path;
}

static IHttpTokenEntry *
vdir_GetVrToken(IMetadataInfo *This)
{
    (void) This;
    return NULL; /* no virtual directory has an account of its own */
}

static const IMetadataInfoVtbl vdir_vtbl = {
    .GetMetaPath = vdir_GetMetaPath,
    .GetModuleContextContainer = vdir_GetModuleContextContainer,
    .GetVrPath = vdir_GetVrPath,
    .GetVrToken = vdir_GetVrToken,
};

/* The concatenation of up to four strings (NULL ends), wide, in the configuration's pool. */
static wchar_t *
wide(gs_config_t *cfg, const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[] = {a, b, c, d};
    char text[4096];
    size_t len = 0;

    for (unsigned i = 0; i < 4 && parts[i] != NULL; i++) {
        len += (size_t) snprintf(text + len, sizeof(text) - len, "%s", parts[i]);
        if (len >= sizeof(text)) {
            len = sizeof(text) - 1;
        }
    }
    return gs_wide_from_utf8(cfg->pool, text, len, NULL);
}

/* Releases the containers (CleanupStoredContext) when the configuration goes. */
static void
release(gs_config_t *cfg)
{
    for (unsigned i = 0; i < cfg->nsites; i++) {
        gs_cfg_site_t *site = &cfg->sites[i];

        for (unsigned k = 0; k < site->nvdirs; k++) {
            gs_container_release(&gs_vdir_obj(&site->vdirs[k])->container);
        }
        for (unsigned k = 0; k < site->napps; k++) {
            gs_container_release(&gs_app_obj(&site->apps[k])->container);
        }
        gs_container_release(&gs_site_obj(site)->container);
    }
}

void
gs_site_objects_create(gs_config_t *cfg)
{
    for (unsigned i = 0; i < cfg->nsites; i++) {
        gs_cfg_site_t *site = &cfg->sites[i];
        gs_site_obj_t *s = gs_pool_calloc(cfg->pool, sizeof(*s));
        char id[16];

        s->IHttpSite_iface.lpVtbl = &site_vtbl;
        s->cfg = site;
        s->name = wide(cfg, site->name, NULL, NULL, NULL);
        gs_container_init(&s->container);
        site->objects = s;
        snprintf(id, sizeof(id), "%u", site->id);
        for (unsigned k = 0; k < site->napps; k++) {
            gs_cfg_app_t *app = &site->apps[k];
            gs_app_obj_t *a = gs_pool_calloc(cfg->pool, sizeof(*a));
            const char *sub = strcmp(app->path, "/") == 0 ? "" : app->path;

            a->IHttpApplication_iface.lpVtbl = &app_vtbl;
            a->cfg = app;
            a->config_path = wide(cfg, "MACHINE/WEBROOT/APPHOST/", site->name, sub, NULL);
            a->app_id = wide(cfg, "/LM/W3SVC/", id, "/ROOT", sub);
            a->physical = wide(cfg, app->physical ? app->physical : "", NULL, NULL, NULL);
            gs_container_init(&a->container);
            app->objects = a;
        }
        for (unsigned k = 0; k < site->nvdirs; k++) {
            gs_cfg_vdir_t *vdir = &site->vdirs[k];
            gs_vdir_obj_t *v = gs_pool_calloc(cfg->pool, sizeof(*v));

            v->IMetadataInfo_iface.lpVtbl = &vdir_vtbl;
            v->cfg = vdir;
            v->meta_path = wide(cfg, "MACHINE/WEBROOT/APPHOST/", site->name, vdir->url, NULL);
            v->vr_path = wide(cfg, vdir->physical, NULL, NULL, NULL);
            gs_container_init(&v->container);
            vdir->objects = v;
        }
    }
    cfg->release_objects = release;
}
