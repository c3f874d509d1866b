/*
 * Building a configuration from a document: the typed parts the core and
 * the pipeline need (sites, bindings, applications, virtual directories,
 * pools, modules), checked for consistency, and the sections merged for
 * every configured path.  Everything lives in the document's pool, which
 * the configuration takes over.
 */
#include "config.h"
#include "core/log.h"
#include "core/url_path.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static atomic_uint_fast64_t generations = 1;

enum {
    SEC_POOLS,
    SEC_SITES,
    SEC_LOG,
    SEC_GLOBAL_MODULES,
    SEC_MODULES,
};

typedef struct build {
    gs_cfg_doc_t *doc;
    gs_config_t *cfg;
    gs_pool_t *pool;
    const gs_cfg_pool_t *process_pool; /* the first pool an application uses */
} build_t;

/* An error at a node's file and line (or the file's, for a NULL node). */
#define error_at(b, n, ...)                                                                        \
    gs_cfg_error(&(b)->doc->log, (n) ? (n)->file : (b)->doc->file, (n) ? (n)->line : 0, __VA_ARGS__)

/* ---- server level ----------------------------------------------------------- */

static const gs_cfg_occurrence_t *
occurrence(const gs_cfg_doc_t *doc, unsigned section, const char *location)
{
    for (unsigned i = 0; i < doc->nocc; i++) {
        const gs_cfg_occurrence_t *o = &doc->occ[i];

        if (o->section == section
            && ((o->location == NULL && location == NULL)
                || (o->location && location && strcasecmp(o->location, location) == 0)))
        {
            return o;
        }
    }
    return NULL;
}

static void
merge_server(build_t *b)
{
    for (unsigned i = 0; i < GS_SCHEMA_SECTIONS; i++) {
        const gs_schema_section_t *s = &gs_schema_sections[i];
        const gs_cfg_occurrence_t *o = occurrence(b->doc, i, NULL);
        gs_cfg_node_t *empty = NULL;

        if (o == NULL) {
            empty = gs_node_new(b->pool, s->elem, s->elem->name, GS_NODE_ELEMENT, b->doc->file, 0);
        }
        b->cfg->server[i] =
            gs_node_merge(b->pool, NULL, o ? o->node : empty, s->elem, &b->doc->log);
    }
}

/* ---- the token cache ------------------------------------------------------------ */

static void
build_token_cache(build_t *b)
{
    const gs_cfg_node_t *sec =
        b->cfg->server[gs_schema_section("system.applicationHost/tokenCache") - gs_schema_sections];

    /* The schema checked the values. */
    b->cfg->token_cache.enabled = strcmp(gs_node_attr(sec, "enabled"), "true") == 0;
    b->cfg->token_cache.ttl_s = (unsigned) strtoul(gs_node_attr(sec, "userTokenTTL"), NULL, 10);
    b->cfg->token_cache.max_entries = (unsigned) strtoul(gs_node_attr(sec, "maxEntries"), NULL, 10);
    b->cfg->token_cache.max_age_s = (unsigned) strtoul(gs_node_attr(sec, "maxTokenAge"), NULL, 10);
}

/* ---- the file cache ------------------------------------------------------------- */

static void
build_file_cache(build_t *b)
{
    const gs_cfg_node_t *sec =
        b->cfg->server[gs_schema_section("system.applicationHost/fileCache") - gs_schema_sections];

    /* The schema checked the values. */
    b->cfg->file_cache.enabled = strcmp(gs_node_attr(sec, "enabled"), "true") == 0;
    b->cfg->file_cache.ttl_s = (unsigned) strtoul(gs_node_attr(sec, "fileCacheTTL"), NULL, 10);
    b->cfg->file_cache.max_entries = (unsigned) strtoul(gs_node_attr(sec, "maxEntries"), NULL, 10);
    b->cfg->file_cache.max_file_size = strtoull(gs_node_attr(sec, "maxFileSize"), NULL, 10);
    b->cfg->file_cache.max_total_size = strtoull(gs_node_attr(sec, "maxTotalSize"), NULL, 10);
}

/* ---- pools ---------------------------------------------------------------------- */

static void
build_pools(build_t *b)
{
    const gs_cfg_node_t *sec = b->cfg->server[SEC_POOLS];
    const gs_cfg_node_t *defaults =
        gs_node_child(gs_node_child(sec, "applicationPoolDefaults"), "processModel");
    unsigned n = 0;

    for (unsigned i = 0; i < sec->nchildren; i++) {
        n += strcmp(sec->children[i]->name, "add") == 0;
    }
    if (occurrence(b->doc, SEC_POOLS, NULL) == NULL) {
        /* No <applicationPools>: one pool, IIS's default name. */
        b->cfg->pools = gs_pool_calloc(b->pool, sizeof(gs_cfg_pool_t));
        b->cfg->pools[0].name = "DefaultAppPool";
        b->cfg->pools[0].user = gs_node_attr(defaults, "userName");
        b->cfg->npools = 1;
        return;
    }
    b->cfg->pools = gs_pool_calloc(b->pool, (n + 1) * sizeof(gs_cfg_pool_t));
    for (unsigned i = 0; i < sec->nchildren; i++) {
        const gs_cfg_node_t *p = sec->children[i];
        const gs_cfg_node_t *pm = gs_node_child(p, "processModel");
        gs_cfg_pool_t *out;

        if (strcmp(p->name, "add") != 0) {
            continue;
        }
        out = &b->cfg->pools[b->cfg->npools++];
        out->name = gs_node_attr(p, "name");
        /* A pool's own processModel wins; else applicationPoolDefaults'. */
        out->user = pm && pm->attrs[0].set ? gs_node_attr(pm, "userName")
                                           : gs_node_attr(defaults, "userName");
    }
}

static const gs_cfg_pool_t *
find_pool(const gs_config_t *cfg, const char *name)
{
    for (unsigned i = 0; i < cfg->npools; i++) {
        if (strcasecmp(cfg->pools[i].name, name) == 0) {
            return &cfg->pools[i];
        }
    }
    return NULL;
}

/* ---- sites ---------------------------------------------------------------------- */

/* "IP:PORT:HOST" -> a binding; the schema checked the shape already. */
static bool
parse_binding(build_t *b, const gs_cfg_node_t *n, gs_cfg_binding_t *out)
{
    const char *text = gs_node_attr(n, "bindingInformation");
    char ip[64];
    const char *port, *host;
    size_t iplen;

    if (text[0] == '[') {
        const char *close = strchr(text, ']');

        iplen = (size_t) (close - text - 1);
        if (iplen >= sizeof(ip)) {
            error_at(b, n, "binding '%s' has a bad IPv6 address", text);
            return false;
        }
        memcpy(ip, text + 1, iplen);
        port = close + 2;
    } else {
        const char *colon = strchr(text, ':');

        iplen = (size_t) (colon - text);
        if (iplen >= sizeof(ip)) {
            error_at(b, n, "binding '%s' has a bad address", text);
            return false;
        }
        memcpy(ip, text, iplen);
        port = colon + 1;
    }
    ip[iplen] = '\0';
    host = strchr(port, ':') + 1;
    memset(out, 0, sizeof(*out));
    out->port = (unsigned) strtoul(port, NULL, 10);
    out->text = text;
    if (strcmp(ip, "*") == 0 || (iplen == 0 && text[0] != '[')) {
        out->any_ip = true;
        out->addr.in.sin_family = AF_INET;
        out->addr.in.sin_addr.s_addr = htonl(INADDR_ANY);
        out->addr.in.sin_port = htons((uint16_t) out->port);
        out->addr_len = sizeof(out->addr.in);
    } else if (text[0] != '[' && inet_pton(AF_INET, ip, &out->addr.in.sin_addr) == 1) {
        out->addr.in.sin_family = AF_INET;
        out->addr.in.sin_port = htons((uint16_t) out->port);
        out->addr_len = sizeof(out->addr.in);
        out->any_ip = out->addr.in.sin_addr.s_addr == htonl(INADDR_ANY); /* 0.0.0.0 is "*" */
    } else if (text[0] == '[' && inet_pton(AF_INET6, ip, &out->addr.in6.sin6_addr) == 1) {
        out->addr.in6.sin6_family = AF_INET6;
        out->addr.in6.sin6_port = htons((uint16_t) out->port);
        out->addr_len = sizeof(out->addr.in6);
        out->any_ip = IN6_IS_ADDR_UNSPECIFIED(&out->addr.in6.sin6_addr);
    } else {
        error_at(b, n, "binding '%s' has an address that is not *, IPv4 or [IPv6]", text);
        return false;
    }
    {
        char *lower = gs_pool_strndup(b->pool, host, strlen(host));

        for (char *p = lower; *p; p++) {
            *p = (char) tolower((unsigned char) *p);
        }
        out->host = lower;
    }
    return true;
}

/* "/app" + "/dir" -> "/app/dir"; the root "/" counts as "". */
static const char *
join_url(gs_pool_t *pool, const char *app, const char *vdir, size_t *len)
{
    size_t alen = strcmp(app, "/") == 0 ? 0 : strlen(app);
    size_t vlen = strcmp(vdir, "/") == 0 ? 0 : strlen(vdir);
    char *out = gs_pool_alloc(pool, alen + vlen + 1);

    memcpy(out, app, alen);
    memcpy(out + alen, vdir, vlen);
    out[alen + vlen] = '\0';
    while (alen + vlen > 0 && out[alen + vlen - 1] == '/') {
        out[--vlen + alen] = '\0';
    }
    *len = strlen(out);
    return out;
}

static int
by_url_length_desc(const void *a, const void *b)
{
    const gs_cfg_vdir_t *x = a, *y = b;

    return (int) y->url_len - (int) x->url_len;
}

static void
build_site_apps(build_t *b, const gs_cfg_node_t *sn, gs_cfg_site_t *site)
{
    unsigned napps = 0, nvdirs = 0;

    for (unsigned i = 0; i < sn->nchildren; i++) {
        const gs_cfg_node_t *a = sn->children[i];

        if (strcmp(a->name, "application") != 0) {
            continue;
        }
        napps++;
        for (unsigned k = 0; k < a->nchildren; k++) {
            nvdirs += strcmp(a->children[k]->name, "virtualDirectory") == 0;
        }
    }
    site->apps = gs_pool_calloc(b->pool, (napps + 1) * sizeof(gs_cfg_app_t));
    site->vdirs = gs_pool_calloc(b->pool, (nvdirs + 1) * sizeof(gs_cfg_vdir_t));
    for (unsigned i = 0; i < sn->nchildren; i++) {
        const gs_cfg_node_t *a = sn->children[i];
        const gs_cfg_pool_t *pool;
        gs_cfg_app_t *app;
        bool has_root_vdir = false;

        if (strcmp(a->name, "application") != 0) {
            continue;
        }
        app = &site->apps[site->napps++];
        app->path = gs_node_attr(a, "path");
        app->pool = gs_node_attr(a, "applicationPool");
        app->site = site;
        for (unsigned k = 0; k + 1 < site->napps; k++) {
            if (strcasecmp(site->apps[k].path, app->path) == 0) {
                error_at(b, a, "a second application at '%s'", app->path);
            }
        }
        pool = find_pool(b->cfg, app->pool);
        if (pool == NULL) {
            error_at(b, a, "no application pool named '%s'", app->pool);
        } else if (b->cfg->process_user == NULL) {
            b->cfg->process_user = pool->user;
            b->process_pool = pool;
        } else if (strcmp(b->cfg->process_user, pool->user) != 0) {
            error_at(b, a,
                     "application pools '%s' (userName '%s') and '%s' (userName '%s') differ: "
                     "guise serves every site from one process, as one account",
                     b->process_pool->name, b->process_pool->user, pool->name, pool->user);
        }
        for (unsigned k = 0; k < a->nchildren; k++) {
            const gs_cfg_node_t *v = a->children[k];
            gs_cfg_vdir_t *vd;
            const char *physical;
            size_t plen;

            if (strcmp(v->name, "virtualDirectory") != 0) {
                continue;
            }
            vd = &site->vdirs[site->nvdirs++];
            vd->url = join_url(b->pool, app->path, gs_node_attr(v, "path"), &vd->url_len);
            vd->app = app;
            physical = gs_node_attr(v, "physicalPath");
            plen = strlen(physical);
            /* Stored with one trailing '/': a URL's rest is appended to it. */
            while (plen > 1 && physical[plen - 1] == '/') {
                plen--;
            }
            vd->physical = gs_pool_alloc(b->pool, plen + 2);
            memcpy((char *) vd->physical, physical, plen);
            if (plen > 1 || physical[0] != '/') {
                ((char *) vd->physical)[plen++] = '/';
            }
            ((char *) vd->physical)[plen] = '\0';
            vd->physical_len = plen;
            if (strcmp(gs_node_attr(v, "path"), "/") == 0) {
                has_root_vdir = true;
                app->physical = vd->physical;
            }
            for (unsigned j = 0; j + 1 < site->nvdirs; j++) {
                if (strcasecmp(site->vdirs[j].url, vd->url) == 0) {
                    error_at(b, v, "a second virtual directory at '%s'",
                             vd->url[0] ? vd->url : "/");
                }
            }
        }
        if (!has_root_vdir) {
            error_at(b, a, "application '%s' has no virtualDirectory at '/'", app->path);
        }
    }
    if (site->napps == 0 || strcmp(site->apps[0].path, "/") != 0) {
        bool root = false;

        for (unsigned i = 0; i < site->napps; i++) {
            root |= strcmp(site->apps[i].path, "/") == 0;
        }
        if (!root) {
            error_at(b, sn, "site '%s' has no application at '/'", site->name);
        }
    }
    qsort(site->vdirs, site->nvdirs, sizeof(gs_cfg_vdir_t), by_url_length_desc);
}

static void
build_sites(build_t *b)
{
    const gs_cfg_node_t *sec = b->cfg->server[SEC_SITES];
    const gs_cfg_node_t *defaults_log =
        gs_node_child(gs_node_child(sec, "siteDefaults"), "logFile");
    unsigned nsites = 0, nbindings = 0;

    for (unsigned i = 0; i < sec->nchildren; i++) {
        const gs_cfg_node_t *s = sec->children[i];

        if (strcmp(s->name, "site") != 0) {
            continue;
        }
        nsites++;
        nbindings += gs_node_child(s, "bindings") ? gs_node_child(s, "bindings")->nchildren : 0;
    }
    b->cfg->sites = gs_pool_calloc(b->pool, (nsites + 1) * sizeof(gs_cfg_site_t));
    b->cfg->bindings = gs_pool_calloc(b->pool, (nbindings + 1) * sizeof(gs_cfg_binding_t));
    for (unsigned i = 0; i < sec->nchildren; i++) {
        const gs_cfg_node_t *sn = sec->children[i];
        const gs_cfg_node_t *bindings = gs_node_child(sn, "bindings");
        gs_cfg_site_t *site;

        if (strcmp(sn->name, "site") != 0) {
            continue;
        }
        site = &b->cfg->sites[b->cfg->nsites++];
        site->name = gs_node_attr(sn, "name");
        site->id = (unsigned) strtoul(gs_node_attr(sn, "id"), NULL, 10);
        site->autostart = strcmp(gs_node_attr(sn, "serverAutoStart"), "true") == 0;
        if (strchr(site->name, '/') != NULL) {
            error_at(b, sn, "site name '%s' contains '/'", site->name);
        }
        for (unsigned k = 0; k + 1 < b->cfg->nsites; k++) {
            if (strcasecmp(b->cfg->sites[k].name, site->name) == 0) {
                error_at(b, sn, "a second site named '%s'", site->name);
            }
            if (b->cfg->sites[k].id == site->id) {
                error_at(b, sn, "a second site with id %s", gs_node_attr(sn, "id"));
            }
        }
        /* A site's logFile inherits from siteDefaults, as IIS's element defaults do. */
        site->log_file = gs_node_merge(b->pool, defaults_log, gs_node_child(sn, "logFile"),
                                       defaults_log->schema, &b->doc->log);
        for (unsigned k = 0; k < sn->nchildren; k++) {
            if (sn->children[k]->schema == defaults_log->schema) {
                sn->children[k] = site->log_file;
            }
        }
        for (unsigned k = 0; bindings != NULL && k < bindings->nchildren; k++) {
            gs_cfg_binding_t *bd = &b->cfg->bindings[b->cfg->nbindings];

            if (!parse_binding(b, bindings->children[k], bd)) {
                continue;
            }
            bd->site = site;
            if (!site->autostart) {
                continue; /* a stopped site answers nothing */
            }
            for (unsigned j = 0; j < b->cfg->nbindings; j++) {
                const gs_cfg_binding_t *o = &b->cfg->bindings[j];

                if (o->port == bd->port && strcmp(o->host, bd->host) == 0 && o->any_ip == bd->any_ip
                    && (bd->any_ip || memcmp(&o->addr, &bd->addr, bd->addr_len) == 0))
                {
                    gs_cfg_error(&b->doc->log, bindings->children[k]->file,
                                 bindings->children[k]->line, "binding '%s' is also site '%s''s",
                                 bd->text, o->site->name);
                }
            }
            b->cfg->nbindings++;
        }
        build_site_apps(b, sn, site);
    }
}

/* ---- modules ---------------------------------------------------------------------- */

static bool
is_builtin(const char *const *builtins, const char *name)
{
    for (; *builtins != NULL; builtins++) {
        if (strcasecmp(*builtins, name) == 0) {
            return true;
        }
    }
    return false;
}

static void
build_modules(build_t *b, const char *const *builtins)
{
    const gs_cfg_node_t *globals = b->cfg->server[SEC_GLOBAL_MODULES];
    const gs_cfg_node_t *modules = b->cfg->server[SEC_MODULES];
    unsigned nbuiltins = 0, max;

    while (builtins[nbuiltins] != NULL) {
        nbuiltins++;
    }
    max = nbuiltins + globals->nchildren + modules->nchildren;
    b->cfg->modules = gs_pool_calloc(b->pool, (max + 1) * sizeof(gs_cfg_module_t));
    for (unsigned i = 0; i < globals->nchildren; i++) {
        const gs_cfg_node_t *g = globals->children[i];

        if (is_builtin(builtins, gs_node_attr(g, "name"))) {
            error_at(b, g, "'%s' is the name of a built-in module", gs_node_attr(g, "name"));
        }
    }
    if (occurrence(b->doc, SEC_MODULES, NULL) == NULL) {
        /* No <modules>: the built-ins, then every global module, in that order. */
        for (unsigned i = 0; i < nbuiltins; i++) {
            b->cfg->modules[b->cfg->nmodules++].name = builtins[i];
        }
        for (unsigned i = 0; i < globals->nchildren; i++) {
            gs_cfg_module_t *m = &b->cfg->modules[b->cfg->nmodules++];

            m->name = gs_node_attr(globals->children[i], "name");
            m->image = gs_node_attr(globals->children[i], "image");
            m->precondition = gs_node_attr(globals->children[i], "preCondition");
        }
        return;
    }
    for (unsigned i = 0; i < modules->nchildren; i++) {
        const gs_cfg_node_t *m = modules->children[i];
        const char *name = gs_node_attr(m, "name");
        gs_cfg_module_t *out = &b->cfg->modules[b->cfg->nmodules];
        const gs_cfg_node_t *g = NULL;

        for (unsigned k = 0; k < globals->nchildren; k++) {
            if (strcasecmp(gs_node_attr(globals->children[k], "name"), name) == 0) {
                g = globals->children[k];
            }
        }
        if (g == NULL && !is_builtin(builtins, name)) {
            error_at(b, m, "module '%s' is neither built in nor in <globalModules>", name);
            continue;
        }
        out->name = name;
        out->image = g ? gs_node_attr(g, "image") : NULL;
        out->precondition = g ? gs_node_attr(g, "preCondition") : gs_node_attr(m, "preCondition");
        b->cfg->nmodules++;
    }
    /* As in IIS, a global module <modules> does not name is loaded for global notifications only.
     */
    for (unsigned i = 0; i < globals->nchildren; i++) {
        const gs_cfg_node_t *g = globals->children[i];
        bool listed = false;

        for (unsigned k = 0; k < b->cfg->nmodules; k++) {
            listed |= strcasecmp(b->cfg->modules[k].name, gs_node_attr(g, "name")) == 0;
        }
        if (!listed) {
            gs_cfg_module_t *out = &b->cfg->modules[b->cfg->nmodules++];

            out->name = gs_node_attr(g, "name");
            out->image = gs_node_attr(g, "image");
            out->precondition = gs_node_attr(g, "preCondition");
            out->global_only = true;
        }
    }
}

/* ---- locations -------------------------------------------------------------------- */

/* Does the URL path `a` contain `b` (equal, or b below a at a segment boundary)? */
static bool
url_contains(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen > blen || strncasecmp(a, b, alen) != 0) {
        return false;
    }
    return alen == blen || alen == 0 || b[alen] == '/';
}

static gs_cfg_site_t *
find_site(gs_config_t *cfg, const char *name, size_t len)
{
    for (unsigned i = 0; i < cfg->nsites; i++) {
        if (strlen(cfg->sites[i].name) == len && strncasecmp(cfg->sites[i].name, name, len) == 0) {
            return &cfg->sites[i];
        }
    }
    return NULL;
}

typedef struct located {
    const gs_cfg_occurrence_t *occ;
    gs_cfg_site_t *site; /* NULL: every site (a server-level <location>) */
    const char *url;     /* "" or "/a/b" */
    size_t url_len;
} located_t;

/* Splits "Site/url" and checks it. */
static bool
locate(build_t *b, const gs_cfg_occurrence_t *o, located_t *out)
{
    const char *path = o->location, *slash = strchr(path, '/');
    size_t name_len = slash ? (size_t) (slash - path) : strlen(path);
    char *url;
    ssize_t n;

    out->occ = o;
    out->site = find_site(b->cfg, path, name_len);
    if (out->site == NULL) {
        gs_cfg_error(&b->doc->log, o->file, o->line, "<location path=\"%s\">: no site named so",
                     path);
        return false;
    }
    if (slash == NULL || slash[1] == '\0') {
        out->url = "";
        out->url_len = 0;
        return true;
    }
    url = gs_pool_alloc(b->pool, strlen(slash) + 1);
    n = gs_url_path_normalize(slash, strlen(slash), url);
    if (n < 0 || strchr(slash, '%') != NULL) {
        gs_cfg_error(&b->doc->log, o->file, o->line,
                     "<location path=\"%s\">: not a plain URL path below the site", path);
        return false;
    }
    while (n > 0 && url[n - 1] == '/') {
        url[--n] = '\0';
    }
    out->url = url;
    out->url_len = (size_t) n;
    return true;
}

/* A section a <location overrideMode="Deny"> above sets may not be set again below it. */
static void
check_locks(build_t *b, const located_t *locs, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const located_t *below = &locs[i];

        for (unsigned k = 0; k < b->doc->nocc; k++) {
            const gs_cfg_occurrence_t *o = &b->doc->occ[k];

            if (!o->locked || o->section != below->occ->section || o == below->occ) {
                continue;
            }
            if (o->location == NULL) {
                gs_cfg_error(&b->doc->log, below->occ->file, below->occ->line,
                             "%s is locked at the server level (%s:%u)",
                             gs_schema_sections[o->section].path, o->file, o->line);
                continue;
            }
            for (unsigned j = 0; j < n; j++) {
                const located_t *above = &locs[j];

                if (above->occ == o && above->site == below->site && above->url_len < below->url_len
                    && url_contains(above->url, above->url_len, below->url, below->url_len))
                {
                    gs_cfg_error(&b->doc->log, below->occ->file, below->occ->line,
                                 "%s is locked by <location path=\"%s\"> (%s:%u)",
                                 gs_schema_sections[o->section].path, o->location, o->file,
                                 o->line);
                }
            }
        }
    }
}

static int
by_url_length_asc(const void *a, const void *b)
{
    const gs_cfg_point_t *x = a, *y = b;

    return (int) x->url_len - (int) y->url_len;
}

static void
build_points(build_t *b, gs_cfg_site_t *site, const located_t *locs, unsigned n)
{
    unsigned count = 1;

    site->points = gs_pool_calloc(b->pool, (n + 1) * sizeof(gs_cfg_point_t));
    site->points[0].url = "";
    for (unsigned i = 0; i < n; i++) {
        bool seen = false;

        if (locs[i].site != site) {
            continue;
        }
        for (unsigned k = 0; k < count; k++) {
            seen |= site->points[k].url_len == locs[i].url_len
                    && strncasecmp(site->points[k].url, locs[i].url, locs[i].url_len) == 0;
        }
        if (!seen) {
            site->points[count].url = locs[i].url;
            site->points[count].url_len = locs[i].url_len;
            count++;
        }
    }
    site->npoints = count;
    /* Shortest first: a point merges onto the longest point above it, already built. */
    qsort(site->points, count, sizeof(gs_cfg_point_t), by_url_length_asc);
    for (unsigned p = 0; p < count; p++) {
        gs_cfg_point_t *pt = &site->points[p];
        const gs_cfg_point_t *parent = NULL;

        for (unsigned k = p; k-- > 0;) {
            if (url_contains(site->points[k].url, site->points[k].url_len, pt->url, pt->url_len)) {
                parent = &site->points[k];
                break;
            }
        }
        for (unsigned s = 0; s < GS_SCHEMA_SECTIONS; s++) {
            const gs_cfg_node_t *above = parent ? parent->sections[s] : b->cfg->server[s];
            const gs_cfg_node_t *here = NULL;

            for (unsigned i = 0; i < n; i++) {
                if (locs[i].site == site && locs[i].occ->section == s
                    && locs[i].url_len == pt->url_len
                    && strncasecmp(locs[i].url, pt->url, pt->url_len) == 0)
                {
                    here = locs[i].occ->node;
                }
            }
            pt->sections[s] =
                here ? gs_node_merge(b->pool, above, here, gs_schema_sections[s].elem, &b->doc->log)
                     : (gs_cfg_node_t *) above;
        }
    }
    /* Longest first for lookups. */
    for (unsigned i = 0; i < count / 2; i++) {
        gs_cfg_point_t t = site->points[i];

        site->points[i] = site->points[count - 1 - i];
        site->points[count - 1 - i] = t;
    }
}

static void
build_locations(build_t *b)
{
    located_t *locs = gs_pool_calloc(b->pool, (b->doc->nocc + 1) * sizeof(located_t));
    unsigned n = 0;

    for (unsigned i = 0; i < b->doc->nocc; i++) {
        if (b->doc->occ[i].location != NULL && locate(b, &b->doc->occ[i], &locs[n])) {
            n++;
        }
    }
    /* "Site/app" and "Site/app/" are one place: a section set at both is set twice. */
    for (unsigned i = 0; i < n; i++) {
        for (unsigned k = 0; k < i; k++) {
            if (locs[k].site == locs[i].site && locs[k].occ->section == locs[i].occ->section
                && locs[k].url_len == locs[i].url_len
                && strncasecmp(locs[k].url, locs[i].url, locs[i].url_len) == 0)
            {
                gs_cfg_error(&b->doc->log, locs[i].occ->file, locs[i].occ->line,
                             "%s is set twice for %s (first at line %u)",
                             gs_schema_sections[locs[i].occ->section].path, locs[i].occ->location,
                             locs[k].occ->line);
            }
        }
    }
    check_locks(b, locs, n);
    for (unsigned i = 0; i < b->cfg->nsites; i++) {
        build_points(b, &b->cfg->sites[i], locs, n);
    }
}

/* ---- building --------------------------------------------------------------------- */

gs_config_t *
gs_config_build(gs_cfg_doc_t *doc, const char *const *builtins)
{
    build_t b = {doc, NULL, doc->pool};
    gs_config_t *cfg = gs_pool_calloc(doc->pool, sizeof(*cfg));

    b.cfg = cfg;
    atomic_init(&cfg->refs, 1);
    cfg->pool = doc->pool;
    cfg->file = doc->file;
    cfg->generation = atomic_fetch_add(&generations, 1);
    merge_server(&b);
    build_pools(&b);
    build_token_cache(&b);
    build_file_cache(&b);
    build_sites(&b);
    build_modules(&b, builtins);
    build_locations(&b);
    if (cfg->nsites == 0) {
        gs_cfg_error(&doc->log, doc->file, 0, "no site is configured");
    }
    if (doc->log.errors > 0) {
        return NULL;
    }
    doc->pool = NULL; /* the configuration's now */
    return cfg;
}

void
gs_config_ref(gs_config_t *cfg)
{
    atomic_fetch_add_explicit(&cfg->refs, 1, memory_order_relaxed);
}

void
gs_config_unref(gs_config_t *cfg)
{
    if (cfg != NULL && atomic_fetch_sub_explicit(&cfg->refs, 1, memory_order_acq_rel) == 1) {
        if (cfg->release_objects != NULL) {
            cfg->release_objects(cfg);
        }
        gs_pool_destroy(cfg->pool);
    }
}

/* ---- lookups ---------------------------------------------------------------------- */

static bool
same_ip(const gs_cfg_binding_t *b, const gs_sockaddr_t *local)
{
    if (b->addr.sa.sa_family != local->sa.sa_family) {
        return false;
    }
    if (local->sa.sa_family == AF_INET) {
        return b->addr.in.sin_addr.s_addr == local->in.sin_addr.s_addr;
    }
    return memcmp(&b->addr.in6.sin6_addr, &local->in6.sin6_addr, sizeof(struct in6_addr)) == 0;
}

const gs_cfg_site_t *
gs_config_site(const gs_config_t *cfg, const gs_sockaddr_t *local, const char *host,
               size_t host_len)
{
    const gs_cfg_binding_t *best = NULL;
    int best_rank = 0;
    unsigned port = gs_sockaddr_port(local);

    /* Host without its port; an IPv6 literal keeps its brackets. */
    if (host != NULL) {
        const char *end = host + host_len, *colon = NULL;

        for (const char *p = host[0] == '[' ? memchr(host, ']', host_len) : host; p && p < end; p++)
        {
            if (*p == ':') {
                colon = p;
            }
        }
        if (colon != NULL) {
            host_len = (size_t) (colon - host);
        }
    }
    for (unsigned i = 0; i < cfg->nbindings; i++) {
        const gs_cfg_binding_t *b = &cfg->bindings[i];
        bool host_match, ip_match;
        int rank;

        if (b->port != port || !b->site->autostart) {
            continue;
        }
        ip_match = b->any_ip || same_ip(b, local);
        if (!ip_match) {
            continue;
        }
        host_match = b->host[0] != '\0' && host != NULL && strlen(b->host) == host_len
                     && strncasecmp(b->host, host, host_len) == 0;
        if (b->host[0] != '\0' && !host_match) {
            continue;
        }
        /* IIS: IP:port:host, *:port:host, IP:port:, *:port: */
        rank = host_match ? (b->any_ip ? 3 : 4) : (b->any_ip ? 1 : 2);
        if (rank > best_rank) {
            best_rank = rank;
            best = b;
        }
    }
    return best ? best->site : NULL;
}

const gs_cfg_point_t *
gs_config_point(const gs_cfg_site_t *site, const char *url, size_t len)
{
    for (unsigned i = 0; i < site->npoints; i++) {
        const gs_cfg_point_t *p = &site->points[i];

        if (url_contains(p->url, p->url_len, url, len)) {
            return p;
        }
    }
    return &site->points[site->npoints - 1];
}

const gs_cfg_vdir_t *
gs_config_vdir(const gs_cfg_site_t *site, const char *url, size_t len)
{
    for (unsigned i = 0; i < site->nvdirs; i++) {
        const gs_cfg_vdir_t *v = &site->vdirs[i];

        if (url_contains(v->url, v->url_len, url, len)) {
            return v;
        }
    }
    return NULL;
}
