/*
 * What modules see of the configured sites: IHttpSite per site,
 * IHttpApplication per application, IMetadataInfo per virtual directory,
 * each with its module context container.  Made for a configuration when
 * it is installed and freed with it, so a request holds the objects of the
 * configuration it started with.
 */
#ifndef GS_PIPELINE_SITE_H
#define GS_PIPELINE_SITE_H

#include "containers.h"
#include "config/config.h"

#include <guise/httpserv.h>
#include <stddef.h>

typedef struct gs_site_obj {
    IHttpSite IHttpSite_iface;
    const gs_cfg_site_t *cfg;
    wchar_t *name;
    gs_container_t container;
} gs_site_obj_t;

typedef struct gs_app_obj {
    IHttpApplication2 IHttpApplication_iface;
    const gs_cfg_app_t *cfg;
    wchar_t *config_path; /* MACHINE/WEBROOT/APPHOST/<site>[/app] */
    wchar_t *app_id;      /* /LM/W3SVC/<id>/ROOT[/app] */
    wchar_t *physical;
    gs_container_t container;
} gs_app_obj_t;

typedef struct gs_vdir_obj {
    IMetadataInfo IMetadataInfo_iface;
    const gs_cfg_vdir_t *cfg;
    wchar_t *meta_path;
    wchar_t *vr_path; /* the physical path, with its trailing '/' */
    gs_container_t container;
} gs_vdir_obj_t;

/* Makes the objects of every site, application and virtual directory of cfg. */
void gs_site_objects_create(gs_config_t *cfg);

static inline gs_site_obj_t *
gs_site_obj(const gs_cfg_site_t *site)
{
    return site->objects;
}

static inline gs_app_obj_t *
gs_app_obj(const gs_cfg_app_t *app)
{
    return app->objects;
}

static inline gs_vdir_obj_t *
gs_vdir_obj(const gs_cfg_vdir_t *vdir)
{
    return vdir->objects;
}

#endif
