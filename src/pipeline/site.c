#include "site.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gs_site_obj_t *gs_default_site;

static inline gs_site_obj_t *
from_site(const IHttpSite *iface)
{
    return gs_container_of(iface, gs_site_obj_t, IHttpSite_iface);
}

static inline gs_site_obj_t *
from_app(const IHttpApplication2 *iface)
{
    return gs_container_of(iface, gs_site_obj_t, IHttpApplication_iface);
}

static inline gs_site_obj_t *
from_metadata(const IMetadataInfo *iface)
{
    return gs_container_of(iface, gs_site_obj_t, IMetadataInfo_iface);
}

static IHttpModuleContextContainer *
site_GetModuleContextContainer(IHttpSite *This)
{
    return gs_container_iface(&from_site(This)->site_container);
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
    return from_site(This)->id;
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
    return from_app(This)->app_config_path;
}

static PCWSTR
app_GetApplicationId(const IHttpApplication2 *This)
{
    return from_app(This)->app_id;
}

static PCWSTR
app_GetApplicationPhysicalPath(const IHttpApplication2 *This)
{
    return from_app(This)->physical_path;
}

static IHttpModuleContextContainer *
app_GetModuleContextContainer(IHttpApplication2 *This)
{
    return gs_container_iface(&from_app(This)->app_container);
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
metadata_GetMetaPath(const IMetadataInfo *This)
{
    return from_metadata(This)->app_config_path;
}

static IHttpModuleContextContainer *
metadata_GetModuleContextContainer(IMetadataInfo *This)
{
    return gs_container_iface(&from_metadata(This)->metadata_container);
}

static PCWSTR
metadata_GetVrPath(const IMetadataInfo *This)
{
    return from_metadata(This)->physical_path;
}

static IHttpTokenEntry *
metadata_GetVrToken(IMetadataInfo *This)
{
    (void) This;
    return NULL; /* no virtual directory has its own account */
}

static const IMetadataInfoVtbl metadata_vtbl = {
    .GetMetaPath = metadata_GetMetaPath,
    .GetModuleContextContainer = metadata_GetModuleContextContainer,
    .GetVrPath = metadata_GetVrPath,
    .GetVrToken = metadata_GetVrToken,
};

gs_site_obj_t *
gs_site_create(DWORD id, const char *name, const char *physical_path)
{
    gs_site_obj_t *s = gs_xcalloc(1, sizeof(*s));
    size_t n = strlen(physical_path);
    char text[4096];

    s->IHttpSite_iface.lpVtbl = &site_vtbl;
    s->IHttpApplication_iface.lpVtbl = &app_vtbl;
    s->IMetadataInfo_iface.lpVtbl = &metadata_vtbl;
    s->id = id;
    s->name = gs_wide_dup(name);
    snprintf(text, sizeof(text), "MACHINE/WEBROOT/APPHOST/%s", name);
    s->app_config_path = gs_wide_dup(text);
    snprintf(text, sizeof(text), "/LM/W3SVC/%u/ROOT", (unsigned) id);
    s->app_id = gs_wide_dup(text);
    s->physical_path_utf8 = gs_xmalloc(n + 2);
    memcpy(s->physical_path_utf8, physical_path, n + 1);
    if (n == 0 || physical_path[n - 1] != '/') {
        s->physical_path_utf8[n++] = '/';
        s->physical_path_utf8[n] = '\0';
    }
    s->physical_len = n;
    s->physical_path = gs_wide_dup(s->physical_path_utf8);
    gs_container_init(&s->site_container);
    gs_container_init(&s->app_container);
    gs_container_init(&s->metadata_container);
    return s;
}

void
gs_site_free(gs_site_obj_t *s)
{
    if (s == NULL) {
        return;
    }
    gs_container_release(&s->metadata_container);
    gs_container_release(&s->app_container);
    gs_container_release(&s->site_container);
    free(s->name);
    free(s->app_config_path);
    free(s->app_id);
    free(s->physical_path);
    free(s->physical_path_utf8);
    free(s);
}
