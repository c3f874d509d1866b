/*
 * A configuration: what a read document means, built once and never
 * changed.  Sites with their bindings, applications and virtual
 * directories; application pools; the module list; and, for every site, the
 * sections as they apply at each configured path (server level, then
 * <location> overrides from the site down), merged at load time so that a
 * request only looks them up.  Reference-counted: a request holds the
 * configuration it started with; a reload swaps in a new one.
 */
#ifndef GS_CONFIG_CONFIG_H
#define GS_CONFIG_CONFIG_H

#include "node.h"
#include "reader.h"
#include "core/sockaddr.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gs_cfg_binding {
    gs_sockaddr_t addr; /* the IP ("*" is the any address) and port */
    socklen_t addr_len;
    bool any_ip;
    unsigned port;
    const char *host; /* lower case; "" for every host */
    const char *text; /* bindingInformation as written */
    struct gs_cfg_site *site;
} gs_cfg_binding_t;

typedef struct gs_cfg_vdir {
    const char *url; /* the full URL path: application path + vdir path, no trailing '/' ("" for the
                        root) */
    size_t url_len;
    const char *physical; /* absolute, with a trailing '/' */
    size_t physical_len;
    struct gs_cfg_app *app;
    void *objects; /* the pipeline's IMetadataInfo */
} gs_cfg_vdir_t;

typedef struct gs_cfg_app {
    const char *path; /* "/" or "/app" */
    const char *pool;
    struct gs_cfg_site *site;
    const char *physical; /* its root virtual directory's */
    void *objects;        /* the pipeline's IHttpApplication */
} gs_cfg_app_t;

/* The sections as they apply at and below one path of a site. */
typedef struct gs_cfg_point {
    const char *url; /* "" for the site root, else "/a/b" (no trailing '/') */
    size_t url_len;
    gs_cfg_node_t *sections[GS_SCHEMA_SECTIONS];
} gs_cfg_point_t;

typedef struct gs_cfg_site {
    const char *name;
    unsigned id;
    bool autostart;
    gs_cfg_app_t *apps;
    unsigned napps;
    gs_cfg_vdir_t *vdirs; /* longest URL first */
    unsigned nvdirs;
    gs_cfg_point_t *points; /* longest URL first; the last is the site root */
    unsigned npoints;
    gs_cfg_node_t *log_file; /* siteDefaults/logFile merged with the site's */
    void *objects;           /* the pipeline's IHttpSite & co, made with the configuration */
} gs_cfg_site_t;

typedef struct gs_cfg_pool {
    const char *name;
    const char *user; /* processModel userName */
} gs_cfg_pool_t;

typedef struct gs_cfg_module {
    const char *name;
    const char *image; /* NULL for a built-in */
    const char *precondition;
    bool global_only; /* in <globalModules> but not <modules>: no request notifications */
} gs_cfg_module_t;

typedef struct gs_config {
    atomic_uint refs;
    uint64_t generation;
    gs_pool_t *pool;
    const char *file; /* NULL for the embedded default */
    gs_cfg_site_t *sites;
    unsigned nsites;
    gs_cfg_binding_t *bindings;
    unsigned nbindings;
    gs_cfg_pool_t *pools;
    const char *process_user; /* the one account of every application's pool */
    unsigned npools;
    gs_cfg_module_t *modules; /* in pipeline order, then the global-only ones */
    unsigned nmodules;
    gs_cfg_node_t *server[GS_SCHEMA_SECTIONS]; /* server-level sections, merged with defaults */
    struct {
        bool enabled;
        unsigned ttl_s, max_entries, max_age_s;
    } token_cache; /* system.applicationHost/tokenCache */
    struct {
        bool enabled;
        unsigned ttl_s, max_entries;
        unsigned long long max_file_size, max_total_size; /* bytes */
    } file_cache;                                         /* system.applicationHost/fileCache */
    void (*release_objects)(struct gs_config *cfg);       /* frees what `objects` point to */
    void *objects;
} gs_config_t;

/*
 * Builds a configuration from a read document (which it takes over: the
 * document's pool becomes the configuration's).  builtins: the names of
 * the built-in modules, for checking <modules>.  NULL, with the problems
 * in doc->log, when the document does not make a configuration.
 */
gs_config_t *gs_config_build(gs_cfg_doc_t *doc, const char *const *builtins);

void gs_config_ref(gs_config_t *cfg);
void gs_config_unref(gs_config_t *cfg);

/*
 * The site a request is for, by IIS's precedence: IP:port:host, then
 * *:port:host, then IP:port: (every host), then *:port:.  NULL: no binding
 * takes it (IIS answers 400, invalid hostname).
 */
const gs_cfg_site_t *gs_config_site(const gs_config_t *cfg, const gs_sockaddr_t *local,
                                    const char *host, size_t host_len);

/* The sections in force for a URL path (decoded, normalised) of a site. */
const gs_cfg_point_t *gs_config_point(const gs_cfg_site_t *site, const char *url, size_t len);

/* The virtual directory a URL path falls in; NULL if none (no application at "/"). */
const gs_cfg_vdir_t *gs_config_vdir(const gs_cfg_site_t *site, const char *url, size_t len);

/*
 * The embedded default as a document (malloc'd, *len bytes): one site, a
 * binding per "ADDR:PORT" listen address, the root directory, the default
 * documents (NULL-terminated).
 */
char *gs_config_embedded(const char *root, const char *const *listens, unsigned nlisten,
                         const char *const *default_documents, size_t *len);

#endif
