/*
 * The site and application a request belongs to, as modules see them
 * (IHttpSite, IHttpApplication, IMetadataInfo), with their module context
 * containers.  Until configuration files arrive there is one site, "Default
 * Web Site" (id 1), with one application at "/" whose physical path is the
 * --root directory.  Created at start-up, shared by every thread, freed at
 * shutdown.
 */
#ifndef GS_PIPELINE_SITE_H
#define GS_PIPELINE_SITE_H

#include "containers.h"

#include <guise/httpserv.h>
#include <stddef.h>

typedef struct gs_site_obj {
    IHttpSite IHttpSite_iface;
    IHttpApplication2 IHttpApplication_iface;
    IMetadataInfo IMetadataInfo_iface;
    DWORD id;
    wchar_t *name;
    wchar_t *app_config_path; /* MACHINE/WEBROOT/APPHOST/<site> */
    wchar_t *app_id;          /* /LM/W3SVC/<id>/ROOT */
    wchar_t *physical_path;   /* with a trailing '/' */
    char *physical_path_utf8;
    size_t physical_len; /* bytes of physical_path_utf8 */
    gs_container_t site_container, app_container, metadata_container;
} gs_site_obj_t;

/* The site of every request for now. */
extern gs_site_obj_t *gs_default_site;

gs_site_obj_t *gs_site_create(DWORD id, const char *name, const char *physical_path);
void gs_site_free(gs_site_obj_t *site);

#endif
