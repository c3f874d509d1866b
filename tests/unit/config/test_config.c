/*
 * The configuration: reading applicationHost.config (reader.c against the schema tables), the
 * model built from it (config.c), the lookups a request makes (site by binding, sections and
 * virtual directory by URL), the listening addresses, and the embedded default.
 *
 * fixtures/every-element.config uses every element and attribute the schema knows; the model
 * built from it is checked value by value.  fixtures/broken/ holds one file per error kind,
 * each with its expectation on its first line, "<!-- expect: LINE: TEXT -->": reading and
 * building it must fail with a log line "FILE:LINE: ...TEXT...".  A second line
 * "<!-- BUG: ... -->" marks a known bug: the test is skipped saying so while the bug is there,
 * and fails once it is fixed, so that the line is deleted.
 */
#include "config/config.h"
#include "config/listen.h"
#include "config/reader.h"
#include "config/schema.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

static const char *const builtins[] = {"StaticFileModule", "DefaultDocumentModule",
                                       "DirectoryListingModule", "HttpLoggingModule", NULL};

/* ---- helpers ----------------------------------------------------------------------------- */

/* The fixtures directory: GS_CONFIG_FIXTURES when the build defines it, else beside this file. */
static const char *
fixtures_dir(void)
{
#ifdef GS_CONFIG_FIXTURES
    return GS_CONFIG_FIXTURES;
#else
    static char dir[PATH_MAX];
    const char *slash = strrchr(__FILE__, '/');

    if (dir[0] == '\0') {
        if (slash == NULL) {
            snprintf(dir, sizeof(dir), "fixtures");
        } else {
            snprintf(dir, sizeof(dir), "%.*s/fixtures", (int) (slash - __FILE__), __FILE__);
        }
    }
    return dir;
#endif
}

static const char *
fixture(const char *name)
{
    static char path[2 * PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
    return path;
}

static void
print_log(const gs_cfg_log_t *log)
{
    for (unsigned i = 0; i < log->count; i++) {
        print_message("    log: %s\n", log->lines[i]);
    }
    if (log->dropped > 0) {
        print_message("    log: ... and %u more\n", log->dropped);
    }
}

/* The log line that starts with `prefix` and contains `text`, or NULL. */
static const char *
log_line(const gs_cfg_log_t *log, const char *prefix, const char *text)
{
    for (unsigned i = 0; i < log->count; i++) {
        if (strncmp(log->lines[i], prefix, strlen(prefix)) == 0
            && strstr(log->lines[i], text) != NULL) {
            return log->lines[i];
        }
    }
    return NULL;
}

/* A document read from memory, and the configuration built from it (NULL on an error). */
typedef struct loaded {
    gs_cfg_doc_t doc;
    gs_config_t *cfg;
    int rc; /* gs_cfg_read_*'s */
} loaded_t;

static void
load_memory(loaded_t *l, const char *xml)
{
    l->cfg = NULL;
    l->rc = gs_cfg_read_memory("test.config", xml, strlen(xml), &l->doc);
    if (l->rc == 0) {
        l->cfg = gs_config_build(&l->doc, builtins);
    }
}

static void
load_file(loaded_t *l, const char *path)
{
    l->cfg = NULL;
    l->rc = gs_cfg_read_file(path, &l->doc);
    if (l->rc == 0) {
        l->cfg = gs_config_build(&l->doc, builtins);
    }
}

static void
unload(loaded_t *l)
{
    gs_config_unref(l->cfg);
    gs_cfg_doc_free(&l->doc);
    l->cfg = NULL;
}

/* Loads what must build, showing the log if it does not. */
static void
load_good(loaded_t *l, const char *xml)
{
    load_memory(l, xml);
    if (l->cfg == NULL) {
        print_log(&l->doc.log);
    }
    assert_non_null(l->cfg);
}

/* While a known bug is there: says so and skips.  Free what the test holds first. */
static void
known_bug(const char *what)
{
    print_message("BUG: %s\n", what);
    skip();
}

static const gs_cfg_site_t *
site_named(const gs_config_t *cfg, const char *name)
{
    for (unsigned i = 0; i < cfg->nsites; i++) {
        if (strcmp(cfg->sites[i].name, name) == 0) {
            return &cfg->sites[i];
        }
    }
    fail_msg("no site '%s'", name);
    return NULL;
}

static unsigned
section_index(const char *path)
{
    const gs_schema_section_t *s = gs_schema_section(path);

    assert_non_null(s);
    return (unsigned) (s - gs_schema_sections);
}

static const gs_cfg_node_t *
server_section(const gs_config_t *cfg, const char *path)
{
    return cfg->server[section_index(path)];
}

/* The section in force at a URL of a site. */
static const gs_cfg_node_t *
section_at(const gs_cfg_site_t *site, const char *url, const char *path)
{
    return gs_config_point(site, url, strlen(url))->sections[section_index(path)];
}

/* "a,b,c": an attribute of every entry of a collection, in order. */
static const char *
entries(const gs_cfg_node_t *n, const char *attr)
{
    static char out[1024];
    size_t len = 0;

    out[0] = '\0';
    for (unsigned i = 0; n != NULL && i < n->nchildren; i++) {
        const char *v = gs_node_attr(n->children[i], attr);

        if (v != NULL) {
            len += (size_t) snprintf(out + len, sizeof(out) - len, "%s%s", len ? "," : "", v);
        }
    }
    return out;
}

static gs_sockaddr_t
addr(const char *ip, unsigned port)
{
    gs_sockaddr_t a;

    memset(&a, 0, sizeof(a));
    if (strchr(ip, ':') != NULL) {
        a.in6.sin6_family = AF_INET6;
        a.in6.sin6_port = htons((uint16_t) port);
        assert_int_equal(inet_pton(AF_INET6, ip, &a.in6.sin6_addr), 1);
    } else {
        a.in.sin_family = AF_INET;
        a.in.sin_port = htons((uint16_t) port);
        assert_int_equal(inet_pton(AF_INET, ip, &a.in.sin_addr), 1);
    }
    return a;
}

/* The name of the site a request to ip:port with that Host header is for; "-" for none. */
static const char *
site_for(const gs_config_t *cfg, const char *ip, unsigned port, const char *host)
{
    gs_sockaddr_t local = addr(ip, port);
    const gs_cfg_site_t *s = gs_config_site(cfg, &local, host, host ? strlen(host) : 0);

    return s ? s->name : "-";
}

static const char *
point_url(const gs_cfg_site_t *site, const char *url)
{
    return gs_config_point(site, url, strlen(url))->url;
}

static const char *
vdir_physical(const gs_cfg_site_t *site, const char *url)
{
    const gs_cfg_vdir_t *v = gs_config_vdir(site, url, strlen(url));

    return v ? v->physical : "-";
}

/* A configuration of sites, one binding each: "Name=bindingInformation", NULL-terminated. */
static void
load_sites(loaded_t *l, const char *const *sites)
{
    char xml[8192];
    size_t len = 0;

    len += (size_t) snprintf(xml + len, sizeof(xml) - len,
                             "<configuration><system.applicationHost><sites>\n");
    for (unsigned i = 0; sites[i] != NULL; i++) {
        const char *eq = strchr(sites[i], '=');

        len += (size_t) snprintf(
            xml + len, sizeof(xml) - len,
            "<site name=\"%.*s\" id=\"%u\"><bindings>"
            "<binding protocol=\"http\" bindingInformation=\"%s\"/></bindings>"
            "<application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"/srv/%u\"/>"
            "</application></site>\n",
            (int) (eq - sites[i]), sites[i], i + 1, eq + 1, i + 1);
    }
    snprintf(xml + len, sizeof(xml) - len, "</sites></system.applicationHost></configuration>\n");
    load_good(l, xml);
}

/* ---- every-element.config ------------------------------------------------------------- */

static int
setup_every_element(void **state)
{
    loaded_t *l = calloc(1, sizeof(*l));

    load_file(l, fixture("every-element.config"));
    if (l->cfg == NULL) {
        print_log(&l->doc.log);
        gs_cfg_doc_free(&l->doc);
        free(l);
        return -1;
    }
    *state = l;
    return 0;
}

static int
teardown_every_element(void **state)
{
    loaded_t *l = *state;

    unload(l);
    free(l);
    return 0;
}

static void
test_every_element_builds_with_one_warning(void **state)
{
    loaded_t *l = *state;

    assert_int_equal(l->rc, 0);
    assert_int_equal(l->doc.log.errors, 0);
    assert_int_equal(l->doc.log.count, 1);
    assert_true(l->doc.log.warning[0]);
    assert_non_null(log_line(&l->doc.log, fixture("every-element.config"),
                             ":9: warning: <configSections> is read but changes nothing"));
    assert_string_equal(l->cfg->file, fixture("every-element.config"));
}

static void
test_sites_ids_and_autostart(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;

    assert_int_equal(cfg->nsites, 3);
    assert_string_equal(cfg->sites[0].name, "Default Web Site");
    assert_int_equal(cfg->sites[0].id, 1);
    assert_true(cfg->sites[0].autostart);
    assert_string_equal(cfg->sites[1].name, "Second");
    assert_int_equal(cfg->sites[1].id, 42);
    assert_true(cfg->sites[1].autostart); /* "TRUE" */
    assert_string_equal(cfg->sites[2].name, "Stopped");
    assert_int_equal(cfg->sites[2].id, 4294967295u);
    assert_false(cfg->sites[2].autostart);
}

static void
test_bindings_of_started_sites(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_site_t *dws = site_named(cfg, "Default Web Site");
    const gs_cfg_site_t *second = site_named(cfg, "Second");
    const gs_cfg_binding_t *b = cfg->bindings;
    struct in6_addr loopback6 = IN6ADDR_LOOPBACK_INIT;

    /* The stopped site's bindings are not there; "*:81:removed.example" was removed. */
    assert_int_equal(cfg->nbindings, 6);

    assert_string_equal(b[0].text, "*:80:");
    assert_true(b[0].any_ip);
    assert_int_equal(b[0].port, 80);
    assert_string_equal(b[0].host, "");
    assert_ptr_equal(b[0].site, dws);

    assert_string_equal(b[1].text, "*:80:www.Example.com");
    assert_string_equal(b[1].host, "www.example.com"); /* lower case */
    assert_true(b[1].any_ip);

    assert_string_equal(b[2].text, "127.0.0.1:8080:");
    assert_false(b[2].any_ip);
    assert_int_equal(b[2].addr.sa.sa_family, AF_INET);
    assert_int_equal(ntohl(b[2].addr.in.sin_addr.s_addr), INADDR_LOOPBACK);
    assert_int_equal(ntohs(b[2].addr.in.sin_port), 8080);
    assert_int_equal(b[2].addr_len, sizeof(struct sockaddr_in));

    assert_string_equal(b[3].text, "[::1]:8080:");
    assert_false(b[3].any_ip);
    assert_int_equal(b[3].addr.sa.sa_family, AF_INET6);
    assert_memory_equal(&b[3].addr.in6.sin6_addr, &loopback6, sizeof(loopback6));
    assert_int_equal(ntohs(b[3].addr.in6.sin6_port), 8080);
    assert_int_equal(b[3].addr_len, sizeof(struct sockaddr_in6));
    assert_string_equal(b[3].host, "");

    assert_string_equal(b[4].text, "*:80:second.example");
    assert_ptr_equal(b[4].site, second);
    assert_string_equal(b[5].text, "127.0.0.1:80:");
    assert_ptr_equal(b[5].site, second);
}

static void
test_applications_and_pools(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_site_t *dws = site_named(cfg, "Default Web Site");

    /* <clear/> dropped "Cleared", <remove> (any case) dropped "Removed". */
    assert_int_equal(cfg->npools, 3);
    assert_string_equal(cfg->pools[0].name, "DefaultAppPool");
    assert_string_equal(cfg->pools[0].user, "guise-default"); /* applicationPoolDefaults */
    assert_string_equal(cfg->pools[1].name, "AppPool");
    assert_string_equal(cfg->pools[1].user, "guise-default");
    assert_string_equal(cfg->pools[2].name, "IdlePool");
    assert_string_equal(cfg->pools[2].user, "app-user"); /* its own processModel wins */
    assert_string_equal(cfg->process_user, "guise-default");

    assert_int_equal(dws->napps, 3);
    assert_string_equal(dws->apps[0].path, "/");
    assert_string_equal(dws->apps[0].pool, "DefaultAppPool");
    assert_string_equal(dws->apps[0].physical, "/srv/www/default/");
    assert_string_equal(dws->apps[1].path, "/app");
    assert_string_equal(dws->apps[1].pool, "apppool"); /* as written; pools match in any case */
    assert_string_equal(dws->apps[1].physical, "/srv/app/");
    assert_string_equal(dws->apps[2].path, "/noPool");
    assert_string_equal(dws->apps[2].pool, "DefaultAppPool"); /* the default */
    for (unsigned i = 0; i < dws->napps; i++) {
        assert_ptr_equal(dws->apps[i].site, dws);
    }
    assert_int_equal(site_named(cfg, "Second")->napps, 1);
}

static void
test_virtual_directories_longest_first_with_one_trailing_slash(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_site_t *dws = site_named(cfg, "Default Web Site");
    static const struct {
        const char *url, *physical, *app;
    } want[] = {
        {"/app/static", "/", "/app"},
        {"/images", "/srv/images/", "/"}, /* "/srv/images///" */
        {"/noPool", "/srv/no pool & more/", "/noPool"},
        {"/app", "/srv/app/", "/app"}, /* "/srv/app/" keeps one */
        {"", "/srv/www/default/", "/"},
    };

    assert_int_equal(dws->nvdirs, 5);
    for (unsigned i = 1; i < dws->nvdirs; i++) {
        assert_true(dws->vdirs[i - 1].url_len >= dws->vdirs[i].url_len);
    }
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const gs_cfg_vdir_t *v = NULL;

        for (unsigned k = 0; k < dws->nvdirs; k++) {
            if (strcmp(dws->vdirs[k].url, want[i].url) == 0) {
                v = &dws->vdirs[k];
            }
        }
        assert_non_null(v);
        assert_int_equal(v->url_len, strlen(want[i].url));
        assert_string_equal(v->physical, want[i].physical);
        assert_int_equal(v->physical_len, strlen(want[i].physical));
        assert_string_equal(v->app->path, want[i].app);
    }
}

static void
test_modules_in_pipeline_order(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_module_t *m = cfg->modules;

    /* HttpLoggingModule went with <clear/>; DefaultDocumentModule was removed and added last;
     * UnusedModule is global but not in <modules>: loaded, for global notifications only. */
    assert_int_equal(cfg->nmodules, 6);
    assert_string_equal(m[0].name, "OtherModule");
    assert_string_equal(m[0].image, "/usr/lib/guise/modules/other.so");
    assert_string_equal(m[0].precondition, "");
    assert_string_equal(m[1].name, "StaticFileModule");
    assert_null(m[1].image);
    assert_string_equal(m[1].precondition, "integratedMode");
    assert_string_equal(m[2].name, "DirectoryListingModule");
    assert_null(m[2].image);
    assert_string_equal(m[3].name, "SampleModule");
    assert_string_equal(m[3].image, "/usr/lib/guise/modules/sample.so");
    assert_string_equal(m[3].precondition, "bitness64"); /* the global module's */
    assert_string_equal(m[4].name, "DefaultDocumentModule");
    for (unsigned i = 0; i < 5; i++) {
        assert_false(m[i].global_only);
    }
    assert_string_equal(m[5].name, "UnusedModule");
    assert_string_equal(m[5].image, "/usr/lib/guise/modules/unused.so");
    assert_true(m[5].global_only);
    assert_string_equal(gs_node_attr(server_section(cfg, "system.webServer/modules"),
                                     "runAllManagedModulesForAllRequests"),
                        "true");
}

static void
test_server_level_sections(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_node_t *n;

    n = server_section(cfg, "system.webServer/defaultDocument");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(entries(gs_node_child(n, "files"), "value"),
                        "index.html,default.htm,home page.htm");

    n = server_section(cfg, "system.webServer/directoryBrowse");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(gs_node_attr(n, "showFlags"), "Date, Size, LongDate");

    n = server_section(cfg, "system.webServer/staticContent");
    assert_string_equal(entries(n, "fileExtension"), ".gsx,*");
    assert_string_equal(entries(n, "mimeType"), "application/x-guise,application/octet-stream");
    n = gs_node_child(n, "clientCache");
    assert_string_equal(gs_node_attr(n, "cacheControlMode"), "UseMaxAge");
    assert_string_equal(gs_node_attr(n, "cacheControlMaxAge"), "7.01:02:03");
    assert_string_equal(gs_node_attr(n, "httpExpires"), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_string_equal(gs_node_attr(n, "cacheControlCustom"), "public");
    assert_string_equal(gs_node_attr(n, "setEtag"), "false");

    /* From <location path="">: the server level. */
    n = server_section(cfg, "system.webServer/httpLogging");
    assert_string_equal(gs_node_attr(n, "dontLog"), "false");
    assert_string_equal(gs_node_attr(n, "selectiveLogging"), "LogError");

    n = server_section(cfg, "system.webServer/security/authentication/anonymousAuthentication");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(gs_node_attr(n, "userName"), "www-data");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "Network");

    n = server_section(cfg, "system.webServer/security/authentication/basicAuthentication");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(gs_node_attr(n, "realm"), "guise");
    assert_string_equal(gs_node_attr(n, "defaultLogonDomain"), "EXAMPLE");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "Batch");

    /* Enumerations are stored as the schema spells them ("site" was written). */
    n = server_section(cfg, "system.applicationHost/log");
    assert_string_equal(gs_node_attr(n, "centralLogFileMode"), "Site");

    n = server_section(cfg, "system.webServer/globalModules");
    assert_string_equal(entries(n, "name"), "SampleModule,OtherModule,UnusedModule");
}

static void
test_site_log_file_inherits_site_defaults(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_node_t *dws = site_named(cfg, "Default Web Site")->log_file;
    const gs_cfg_node_t *second = site_named(cfg, "Second")->log_file;

    assert_string_equal(gs_node_attr(dws, "enabled"), "false");
    assert_string_equal(gs_node_attr(dws, "period"), "Monthly"); /* "monthly" */
    assert_string_equal(gs_node_attr(dws, "directory"), "/var/log/guise-test");
    assert_string_equal(gs_node_attr(dws, "logFormat"), "W3C");
    assert_non_null(strstr(gs_node_attr(dws, "logExtFileFlags"), "ProtocolVersion, Host"));

    assert_string_equal(gs_node_attr(second, "enabled"), "true");
    assert_string_equal(gs_node_attr(second, "period"), "Hourly");
    assert_string_equal(gs_node_attr(second, "directory"), "/var/log/guise-test");
}

static void
test_locations_merge_per_url_point(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    const gs_cfg_site_t *dws = site_named(cfg, "Default Web Site");
    const gs_cfg_site_t *second = site_named(cfg, "Second");
    const gs_cfg_node_t *n;
    const char *anon = "system.webServer/security/authentication/anonymousAuthentication";
    const char *basic = "system.webServer/security/authentication/basicAuthentication";

    /* Longest first; "Default Web Site/app/private/" is "/app/private". */
    assert_int_equal(dws->npoints, 4);
    assert_string_equal(dws->points[0].url, "/app/privateer");
    assert_string_equal(dws->points[1].url, "/app/private");
    assert_string_equal(dws->points[2].url, "/app");
    assert_string_equal(dws->points[3].url, "");
    for (unsigned i = 0; i < dws->npoints; i++) {
        assert_int_equal(dws->points[i].url_len, strlen(dws->points[i].url));
    }

    /* The site root: directoryBrowse enabled there, its showFlags from the server. */
    n = section_at(dws, "/", "system.webServer/directoryBrowse");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(gs_node_attr(n, "showFlags"), "Date, Size, LongDate");

    /* /app: collections apply <remove> (any case) and <add> to what is above. */
    n = section_at(dws, "/app/x", "system.webServer/defaultDocument");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(entries(gs_node_child(n, "files"), "value"),
                        "index.html,home page.htm,app.html");
    n = section_at(dws, "/app/x", "system.webServer/staticContent");
    assert_string_equal(entries(n, "fileExtension"), ".gsx,*,.app");
    n = gs_node_child(n, "clientCache");
    assert_string_equal(gs_node_attr(n, "cacheControlMode"), "DisableCache");
    assert_string_equal(gs_node_attr(n, "cacheControlMaxAge"), "7.01:02:03");
    assert_string_equal(gs_node_attr(n, "cacheControlCustom"), "public");
    assert_string_equal(gs_node_attr(n, "setEtag"), "false");
    n = section_at(dws, "/app/x", "system.webServer/directoryBrowse");
    assert_string_equal(gs_node_attr(n, "enabled"), "true"); /* from the site root */

    /* /app/private: its own, on top of /app's, on top of the site's. */
    n = section_at(dws, "/app/private/a", anon);
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(gs_node_attr(n, "userName"), "www-data");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "Network");
    n = section_at(dws, "/app/private/a", basic);
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(gs_node_attr(n, "realm"), "guise");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "Batch");
    n = section_at(dws, "/app/private/a", "system.webServer/httpLogging");
    assert_string_equal(gs_node_attr(n, "dontLog"), "true");
    assert_string_equal(gs_node_attr(n, "selectiveLogging"), "LogError");
    n = section_at(dws, "/app/private/a", "system.webServer/defaultDocument");
    assert_string_equal(entries(gs_node_child(n, "files"), "value"),
                        "index.html,home page.htm,app.html");

    /* /app/privateer is below /app, not below the locked /app/private. */
    n = section_at(dws, "/app/privateer", "system.webServer/httpLogging");
    assert_string_equal(gs_node_attr(n, "dontLog"), "false");
    assert_string_equal(gs_node_attr(n, "selectiveLogging"), "LogSuccessful");
    assert_string_equal(gs_node_attr(section_at(dws, "/app/privateer", anon), "enabled"), "true");

    /* "Second/" is Second's root; nothing of Default Web Site's applies there. */
    assert_int_equal(second->npoints, 1);
    assert_string_equal(second->points[0].url, "");
    n = section_at(second, "/app", "system.webServer/defaultDocument");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(entries(gs_node_child(n, "files"), "value"),
                        "index.html,default.htm,home page.htm");
    n = section_at(second, "/", "system.webServer/directoryBrowse");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");

    /* A site without <location>: the server level as it is. */
    assert_int_equal(site_named(cfg, "Stopped")->npoints, 1);
    for (unsigned s = 0; s < GS_SCHEMA_SECTIONS; s++) {
        assert_ptr_equal(site_named(cfg, "Stopped")->points[0].sections[s], cfg->server[s]);
    }
}

static void
test_point_longest_prefix_on_segment_boundaries(void **state)
{
    const gs_cfg_site_t *dws = site_named(((loaded_t *) *state)->cfg, "Default Web Site");

    assert_string_equal(point_url(dws, ""), "");
    assert_string_equal(point_url(dws, "/"), "");
    assert_string_equal(point_url(dws, "/app"), "/app");
    assert_string_equal(point_url(dws, "/app/"), "/app");
    assert_string_equal(point_url(dws, "/APP/Index.html"), "/app");
    assert_string_equal(point_url(dws, "/application"), "");
    assert_string_equal(point_url(dws, "/ap"), "");
    assert_string_equal(point_url(dws, "/app/private"), "/app/private");
    assert_string_equal(point_url(dws, "/app/private/x/y"), "/app/private");
    assert_string_equal(point_url(dws, "/app/privatex"), "/app");
    assert_string_equal(point_url(dws, "/app/privateer/z"), "/app/privateer");
    assert_string_equal(point_url(dws, "/x/app"), "");
    /* The length given counts, not the NUL. */
    assert_string_equal(gs_config_point(dws, "/app/private", 4)->url, "/app");
}

static void
test_vdir_longest_prefix_on_segment_boundaries(void **state)
{
    const gs_cfg_site_t *dws = site_named(((loaded_t *) *state)->cfg, "Default Web Site");

    assert_string_equal(vdir_physical(dws, ""), "/srv/www/default/");
    assert_string_equal(vdir_physical(dws, "/"), "/srv/www/default/");
    assert_string_equal(vdir_physical(dws, "/index.html"), "/srv/www/default/");
    assert_string_equal(vdir_physical(dws, "/app"), "/srv/app/");
    assert_string_equal(vdir_physical(dws, "/app/"), "/srv/app/");
    assert_string_equal(vdir_physical(dws, "/application"), "/srv/www/default/");
    assert_string_equal(vdir_physical(dws, "/app/static/a.css"), "/");
    assert_string_equal(vdir_physical(dws, "/app/statics"), "/srv/app/");
    assert_string_equal(vdir_physical(dws, "/Images/a.png"), "/srv/images/");
    assert_string_equal(vdir_physical(dws, "/imagesx"), "/srv/www/default/");
    assert_string_equal(vdir_physical(dws, "/noPool/x"), "/srv/no pool & more/");
    assert_string_equal(gs_config_vdir(dws, "/app/static", 4)->physical, "/srv/app/");
}

static void
test_site_lookup_with_every_element(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;

    assert_string_equal(site_for(cfg, "10.0.0.1", 80, "whatever"), "Default Web Site");
    assert_string_equal(site_for(cfg, "10.0.0.1", 80, "WWW.EXAMPLE.COM:80"), "Default Web Site");
    assert_string_equal(site_for(cfg, "10.0.0.1", 80, "second.example"), "Second");
    /* *:80:second.example beats 127.0.0.1:80:, which beats *:80:. */
    assert_string_equal(site_for(cfg, "127.0.0.1", 80, "second.example"), "Second");
    assert_string_equal(site_for(cfg, "127.0.0.1", 80, "www.example.com"), "Default Web Site");
    assert_string_equal(site_for(cfg, "127.0.0.1", 80, "other"), "Second");
    assert_string_equal(site_for(cfg, "127.0.0.1", 8080, NULL), "Default Web Site");
    assert_string_equal(site_for(cfg, "::1", 8080, "[::1]:8080"), "Default Web Site");
    assert_string_equal(site_for(cfg, "::2", 8080, "[::1]:8080"), "-");
    assert_string_equal(site_for(cfg, "127.0.0.2", 8080, "x"), "-");
    /* The stopped site's *:9999: takes nothing. */
    assert_string_equal(site_for(cfg, "127.0.0.1", 9999, "x"), "-");
}

static void
test_listen_addresses_are_distinct_and_started(void **state)
{
    const gs_config_t *cfg = ((loaded_t *) *state)->cfg;
    gs_listen_addr_t out[8];
    unsigned n = gs_config_listen_addrs(cfg, out, 8);

    /* Not *:9999 (that site is stopped), nor 127.0.0.1:80 (0.0.0.0:80 takes its connections). */
    assert_int_equal(n, 3);
    assert_string_equal(out[0].text, "0.0.0.0:80");
    assert_int_equal(out[0].len, sizeof(struct sockaddr_in));
    assert_string_equal(out[1].text, "127.0.0.1:8080");
    assert_string_equal(out[2].text, "[::1]:8080");
    assert_int_equal(out[2].len, sizeof(struct sockaddr_in6));

    /* How many there are, of which max are written. */
    memset(out, 0, sizeof(out));
    assert_int_equal(gs_config_listen_addrs(cfg, out, 2), 3);
    assert_string_equal(out[1].text, "127.0.0.1:8080");
    assert_string_equal(out[2].text, "");
}

static void
test_config_element_interface(void **state)
{
    const gs_cfg_site_t *dws = site_named(((loaded_t *) *state)->cfg, "Default Web Site");
    const gs_cfg_node_t *n = section_at(dws, "/app", "system.webServer/defaultDocument");
    IGuiseConfigElement *e = (IGuiseConfigElement *) &n->IGuiseConfigElement_iface;
    IGuiseConfigElement *files, *entry;
    const IGuiseConfigElementVtbl *vtbl = e->lpVtbl;

    assert_non_null(vtbl->GetName);
    assert_non_null(vtbl->GetAttribute);
    assert_non_null(vtbl->GetAttributeW);
    assert_non_null(vtbl->GetChildCount);
    assert_non_null(vtbl->GetChild);
    assert_non_null(vtbl->GetChildByName);
    assert_non_null(vtbl->GetVersion);

    assert_string_equal(IGuiseConfigElement_GetName(e), "defaultDocument");
    assert_string_equal(IGuiseConfigElement_GetAttribute(e, "enabled"), "true");
    assert_null(IGuiseConfigElement_GetAttribute(e, "nonexistent"));
    assert_null(IGuiseConfigElement_GetAttribute(e, NULL));
    assert_int_equal(wcscmp(IGuiseConfigElement_GetAttributeW(e, "enabled"), L"true"), 0);
    assert_int_equal(IGuiseConfigElement_GetChildCount(e), 1);
    files = IGuiseConfigElement_GetChildByName(e, "files");
    assert_non_null(files);
    assert_null(IGuiseConfigElement_GetChildByName(e, "nonexistent"));
    assert_int_equal(IGuiseConfigElement_GetChildCount(files), 3);
    entry = IGuiseConfigElement_GetChild(files, 1);
    assert_string_equal(IGuiseConfigElement_GetName(entry), "add");
    assert_string_equal(IGuiseConfigElement_GetAttribute(entry, "value"), "home page.htm");
    assert_int_equal(wcscmp(IGuiseConfigElement_GetAttributeW(entry, "value"), L"home page.htm"),
                     0);
    assert_null(IGuiseConfigElement_GetChild(files, 3));
    assert_true(IGuiseConfigElement_GetVersion(e) != 0);
    assert_true(IGuiseConfigElement_GetVersion(e) != IGuiseConfigElement_GetVersion(files));
}

/* ---- the fixture uses the whole schema ------------------------------------------------- */

typedef struct coverage {
    const gs_schema_elem_t *elem[128];
    uint64_t attrs[128]; /* bit i: attribute i was set somewhere */
    unsigned n;
} coverage_t;

/* The slot of an element, -1 if none of its kind was read. */
static int
coverage_find(const coverage_t *c, const gs_schema_elem_t *e)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (c->elem[i] == e) {
            return (int) i;
        }
    }
    return -1;
}

static void
cover_node(coverage_t *c, const gs_cfg_node_t *n)
{
    int slot = coverage_find(c, n->schema);

    if (slot < 0) {
        assert_true(c->n < sizeof(c->elem) / sizeof(c->elem[0]));
        slot = (int) c->n++;
        c->elem[slot] = n->schema;
        c->attrs[slot] = 0;
    }
    for (unsigned i = 0; i < n->nattrs; i++) {
        if (n->attrs[i].set) {
            c->attrs[slot] |= 1ull << i;
        }
    }
    for (unsigned i = 0; i < n->nchildren; i++) {
        cover_node(c, n->children[i]);
    }
}

/* Every element below e, nested or a collection's entry, was read, with every attribute set. */
static void
check_covered(const coverage_t *c, const gs_schema_elem_t *e, const char *where, unsigned depth)
{
    int slot = coverage_find(c, e);
    unsigned i = 0;

    if (slot < 0) {
        fail_msg("every-element.config has no <%s> in %s", e->name, where);
    }
    if (depth > 8) {
        return; /* a recursive schema (none in the sections today) is checked once round */
    }
    for (const gs_schema_attr_t *a = e->attrs; a != NULL && a->name != NULL; a++, i++) {
        if (!(c->attrs[slot] & (1ull << i))) {
            fail_msg("every-element.config never sets <%s %s> in %s", e->name, a->name, where);
        }
    }
    for (const gs_schema_elem_t *const *k = e->children; k != NULL && *k != NULL; k++) {
        check_covered(c, *k, where, depth + 1);
    }
    if (e->entry != NULL) {
        check_covered(c, e->entry, where, depth + 1);
    }
}

/*
 * For <location> and <configSections>, which the reader keeps nothing of: the XML itself.  An
 * element named elem with the attribute attr (any attribute: NULL) somewhere in x's subtree.
 */
static bool
xml_sets(const xmlNode *x, const char *elem, const char *attr)
{
    for (; x != NULL; x = x->next) {
        if (x->type == XML_ELEMENT_NODE && strcmp((const char *) x->name, elem) == 0
            && (attr == NULL || xmlHasProp(x, (const xmlChar *) attr) != NULL))
        {
            return true;
        }
        if (x->type == XML_ELEMENT_NODE && xml_sets(x->children, elem, attr)) {
            return true;
        }
    }
    return false;
}

static void
check_xml_covered(const xmlNode *root, const gs_schema_elem_t *e, unsigned depth)
{
    if (depth > 4) {
        return; /* <sectionGroup> holds <sectionGroup>: once round is enough */
    }
    if (!xml_sets(root, e->name, NULL)) {
        fail_msg("every-element.config has no <%s>", e->name);
    }
    for (const gs_schema_attr_t *a = e->attrs; a != NULL && a->name != NULL; a++) {
        if (!xml_sets(root, e->name, a->name)) {
            fail_msg("every-element.config never sets <%s %s>", e->name, a->name);
        }
    }
    for (const gs_schema_elem_t *const *k = e->children; k != NULL && *k != NULL; k++) {
        check_xml_covered(root, *k, depth + 1);
    }
}

static void
test_every_element_sets_every_schema_attribute(void **state)
{
    coverage_t *c = calloc(1, sizeof(*c));
    gs_cfg_doc_t doc;
    xmlDocPtr x;
    bool seen[GS_SCHEMA_SECTIONS] = {false};

    (void) state;
    assert_int_equal(gs_cfg_read_file(fixture("every-element.config"), &doc), 0);
    for (unsigned i = 0; i < doc.nocc; i++) {
        seen[doc.occ[i].section] = true;
        cover_node(c, doc.occ[i].node);
    }
    for (unsigned s = 0; s < GS_SCHEMA_SECTIONS; s++) {
        if (!seen[s]) {
            fail_msg("every-element.config does not set %s", gs_schema_sections[s].path);
        }
        check_covered(c, gs_schema_sections[s].elem, gs_schema_sections[s].path, 0);
    }
    assert_null(gs_schema_sections[GS_SCHEMA_SECTIONS].path);
    gs_cfg_doc_free(&doc);
    free(c);

    x = xmlReadFile(fixture("every-element.config"), NULL, XML_PARSE_NONET);
    assert_non_null(x);
    check_xml_covered(xmlDocGetRootElement(x), &gs_schema_location, 0);
    check_xml_covered(xmlDocGetRootElement(x), &gs_schema_config_sections, 0);
    xmlFreeDoc(x);
}

/* ---- binding precedence ---------------------------------------------------------------- */

static void
test_binding_precedence(void **state)
{
    static const char *const all[] = {"A=127.0.0.1:80:h.example", "B=*:80:h.example",
                                      "C=127.0.0.1:80:", "D=*:80:", NULL};
    static const char *const no_a[] = {"B=*:80:h.example", "C=127.0.0.1:80:", "D=*:80:", NULL};
    static const char *const no_ab[] = {"C=127.0.0.1:80:", "D=*:80:", NULL};
    static const char *const only_d[] = {"D=*:80:", NULL};
    static const char *const hosts_only[] = {"A=127.0.0.1:80:h.example", "B=*:80:h.example", NULL};
    loaded_t l;

    (void) state;
    load_sites(&l, all);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "h.example"), "A");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "h.example"), "B");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "other.example"), "C");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "other.example"), "D");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, NULL), "C"); /* no Host */
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, ""), "D");
    assert_string_equal(site_for(l.cfg, "::1", 80, "h.example"), "B"); /* * takes IPv6 too */
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 81, "h.example"), "-");
    unload(&l);

    load_sites(&l, no_a);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "h.example"), "B");
    unload(&l);

    load_sites(&l, no_ab);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "h.example"), "C");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "h.example"), "D");
    unload(&l);

    load_sites(&l, only_d);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "h.example"), "D");
    unload(&l);

    /* Only host bindings: another host, or none, is no site (IIS: 400). */
    load_sites(&l, hosts_only);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "other.example"), "-");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, NULL), "-");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "h.example.evil"), "-");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "h.exampl"), "-");
    unload(&l);
}

static void
test_binding_host_forms(void **state)
{
    static const char *const sites[] = {"Name=*:80:Www.Example.COM",
                                        "V6=[::1]:8080:", "V6Host=*:8081:[::1]",
                                        "Any6=[::]:8082:", NULL};
    loaded_t l;

    (void) state;
    load_sites(&l, sites);
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "www.example.com"), "Name");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "WWW.EXAMPLE.COM"), "Name");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "www.example.com:80"), "Name");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "www.example.com:"), "Name");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "www.example.co"), "-");
    assert_string_equal(site_for(l.cfg, "10.0.0.1", 80, "www.example.com.x"), "-");

    /* An IPv6 literal keeps its brackets; its colons are not a port. */
    assert_string_equal(site_for(l.cfg, "::1", 8080, "[::1]:8080"), "V6");
    assert_string_equal(site_for(l.cfg, "::1", 8080, "[::1]"), "V6");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 8080, "[::1]:8080"), "-");
    assert_string_equal(site_for(l.cfg, "::1", 8081, "[::1]:8081"), "V6Host");
    assert_string_equal(site_for(l.cfg, "::1", 8081, "[::1]"), "V6Host");
    assert_string_equal(site_for(l.cfg, "::1", 8081, "[::2]:8081"), "-");
    assert_string_equal(site_for(l.cfg, "::1", 8081, "[::1"), "-");

    /* [::] is every address, as * is. */
    assert_string_equal(site_for(l.cfg, "::1", 8082, NULL), "Any6");
    unload(&l);
}

static void
test_zero_address_binding_takes_requests(void **state)
{
    static const char *const sites[] = {"Zero=0.0.0.0:80:", NULL};
    loaded_t l;

    (void) state;
    /* 0.0.0.0 is the any address on the socket it opens, so it is '*' here too. */
    load_sites(&l, sites);
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, "x"), "Zero");
    unload(&l);
}

static void
test_stopped_site_takes_nothing(void **state)
{
    loaded_t l;

    (void) state;
    load_good(&l, "<configuration><system.applicationHost><sites>"
                  "<site name=\"Off\" id=\"1\" serverAutoStart=\"false\"><bindings>"
                  "<binding protocol=\"http\" bindingInformation=\"*:80:\"/></bindings>"
                  "<application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"/srv\"/>"
                  "</application></site>"
                  "<site name=\"On\" id=\"2\"><bindings>"
                  "<binding protocol=\"http\" bindingInformation=\"*:81:\"/></bindings>"
                  "<application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"/srv\"/>"
                  "</application></site>"
                  "</sites></system.applicationHost></configuration>");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 80, NULL), "-");
    assert_string_equal(site_for(l.cfg, "127.0.0.1", 81, NULL), "On");
    assert_int_equal(l.cfg->nbindings, 1);
    unload(&l);
}

/* ---- listening ------------------------------------------------------------------------- */

static void
test_port_zero_binding_keeps_its_port_across_reloads(void **state)
{
    static const char *const sites[] = {"Zero=127.0.0.77:0:", NULL};
    gs_listen_addr_t asked[4], bound[4];
    loaded_t l;
    unsigned n;

    (void) state;
    load_sites(&l, sites);
    n = gs_config_listen_addrs(l.cfg, asked, 4);
    assert_int_equal(n, 1);
    assert_string_equal(asked[0].text, "127.0.0.77:0");
    bound[0] = asked[0];
    bound[0].addr.in.sin_port = htons(40123);
    gs_config_bound(l.cfg, asked, bound, 1);
    assert_int_equal(l.cfg->bindings[0].port, 40123);
    assert_string_equal(site_for(l.cfg, "127.0.0.77", 40123, NULL), "Zero");
    unload(&l);

    /* A reload listens where the clients already connect. */
    load_sites(&l, sites);
    n = gs_config_listen_addrs(l.cfg, asked, 4);
    assert_int_equal(n, 1);
    assert_string_equal(asked[0].text, "127.0.0.77:40123");
    unload(&l);
}

/* ---- defaults and merging -------------------------------------------------------------- */

static const char minimal[] = "<configuration><system.applicationHost><sites>"
                              "<site name=\"S\" id=\"1\"><bindings>"
                              "<binding protocol=\"http\" bindingInformation=\"*:80:\"/>"
                              "</bindings><application path=\"/\">"
                              "<virtualDirectory path=\"/\" physicalPath=\"/srv/www\"/>"
                              "</application></site></sites></system.applicationHost>"
                              "</configuration>";

/* `minimal` with `text` inserted before the first `marker` in it, or put in its place. */
static const char *
minimal_edit(const char *marker, const char *text, bool replace)
{
    static char out[8192];
    const char *at = strstr(minimal, marker);

    assert_non_null(at);
    snprintf(out, sizeof(out), "%.*s%s%s", (int) (at - minimal), minimal, text,
             replace ? at + strlen(marker) : at);
    return out;
}

static const char *
minimal_replacing(const char *marker, const char *text)
{
    return minimal_edit(marker, text, true);
}

/* `minimal` with `text` inserted before the first `marker` in it. */
static const char *
minimal_with(const char *marker, const char *text)
{
    return minimal_edit(marker, text, false);
}

static void
test_defaults_fill_what_is_absent(void **state)
{
    const gs_cfg_node_t *n;
    loaded_t l;

    (void) state;
    load_good(&l, minimal);
    assert_int_equal(l.doc.log.count, 0);

    /* No <applicationPools>: IIS's pool, guise's user. */
    assert_int_equal(l.cfg->npools, 1);
    assert_string_equal(l.cfg->pools[0].name, "DefaultAppPool");
    assert_string_equal(l.cfg->pools[0].user, "www-data");
    assert_string_equal(l.cfg->sites[0].apps[0].pool, "DefaultAppPool");
    assert_true(l.cfg->sites[0].autostart);

    /* No <modules>: the built-ins in their order. */
    assert_int_equal(l.cfg->nmodules, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_string_equal(l.cfg->modules[i].name, builtins[i]);
        assert_null(l.cfg->modules[i].image);
    }

    n = l.cfg->sites[0].log_file;
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(gs_node_attr(n, "directory"), "/var/log/guise");
    assert_string_equal(gs_node_attr(n, "period"), "Daily");
    assert_string_equal(gs_node_attr(n, "logFormat"), "W3C");
    assert_non_null(strstr(gs_node_attr(n, "logExtFileFlags"), "HttpSubStatus"));

    n = server_section(l.cfg, "system.applicationHost/log");
    assert_string_equal(gs_node_attr(n, "centralLogFileMode"), "Site");
    n = server_section(l.cfg, "system.webServer/modules");
    assert_string_equal(gs_node_attr(n, "runAllManagedModulesForAllRequests"), "false");
    n = server_section(l.cfg, "system.webServer/defaultDocument");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_non_null(gs_node_child(n, "files"));
    assert_int_equal(gs_node_child(n, "files")->nchildren, 0);
    n = server_section(l.cfg, "system.webServer/directoryBrowse");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(gs_node_attr(n, "showFlags"), "Date, Time, Size, Extension");
    n = gs_node_child(server_section(l.cfg, "system.webServer/staticContent"), "clientCache");
    assert_non_null(n);
    assert_string_equal(gs_node_attr(n, "cacheControlMode"), "NoControl");
    assert_string_equal(gs_node_attr(n, "cacheControlMaxAge"), "1.00:00:00");
    assert_null(gs_node_attr(n, "httpExpires")); /* no default: absent */
    assert_string_equal(gs_node_attr(n, "cacheControlCustom"), "");
    assert_string_equal(gs_node_attr(n, "setEtag"), "true");
    n = server_section(l.cfg, "system.webServer/httpLogging");
    assert_string_equal(gs_node_attr(n, "dontLog"), "false");
    assert_string_equal(gs_node_attr(n, "selectiveLogging"), "LogAll");
    n = server_section(l.cfg, "system.webServer/security/authentication/anonymousAuthentication");
    assert_string_equal(gs_node_attr(n, "enabled"), "true");
    assert_string_equal(gs_node_attr(n, "userName"), "nobody");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "ClearText");
    n = server_section(l.cfg, "system.webServer/security/authentication/basicAuthentication");
    assert_string_equal(gs_node_attr(n, "enabled"), "false");
    assert_string_equal(gs_node_attr(n, "realm"), "");
    assert_string_equal(gs_node_attr(n, "logonMethod"), "ClearText");
    assert_null(gs_node_attr(n, "nonexistent"));
    assert_null(gs_node_child(n, "nonexistent"));

    assert_int_equal(l.cfg->sites[0].npoints, 1);
    assert_ptr_equal(gs_config_point(&l.cfg->sites[0], "/a", 2), &l.cfg->sites[0].points[0]);
    unload(&l);
}

static void
test_modules_without_modules_section_are_builtins_then_globals(void **state)
{
    loaded_t l;

    (void) state;
    load_good(&l, minimal_with("</configuration>",
                               "<system.webServer><globalModules>"
                               "<add name=\"G1\" image=\"/lib/g1.so\" preCondition=\"p\"/>"
                               "<add name=\"G2\" image=\"/lib/g2.so\"/>"
                               "</globalModules></system.webServer>"));
    assert_int_equal(l.cfg->nmodules, 6);
    for (unsigned i = 0; i < 4; i++) {
        assert_string_equal(l.cfg->modules[i].name, builtins[i]);
        assert_null(l.cfg->modules[i].image);
    }
    assert_string_equal(l.cfg->modules[4].name, "G1");
    assert_string_equal(l.cfg->modules[4].image, "/lib/g1.so");
    assert_string_equal(l.cfg->modules[4].precondition, "p");
    assert_string_equal(l.cfg->modules[5].name, "G2");
    assert_string_equal(l.cfg->modules[5].precondition, "");
    for (unsigned i = 0; i < 6; i++) {
        assert_false(l.cfg->modules[i].global_only);
    }
    unload(&l);
}

static void
test_remove_takes_the_key_only(void **state)
{
    loaded_t l;
    bool refused = false;

    (void) state;
    /* IIS's usual way of changing a MIME type: remove it, add it again. */
    load_memory(&l, minimal_with("</configuration>",
                                 "<system.webServer><staticContent>"
                                 "<mimeMap fileExtension=\".json\" mimeType=\"text/plain\"/>"
                                 "<remove fileExtension=\".JSON\"/>"
                                 "<mimeMap fileExtension=\".json\" mimeType=\"application/json\"/>"
                                 "</staticContent></system.webServer>"));
    if (l.cfg == NULL) {
        print_log(&l.doc.log);
        refused = true;
    } else {
        assert_string_equal(
            entries(server_section(l.cfg, "system.webServer/staticContent"), "mimeType"),
            "application/json");
    }
    unload(&l);

    load_memory(&l, minimal_with("</configuration>",
                                 "<system.webServer><globalModules>"
                                 "<add name=\"G1\" image=\"/lib/g1.so\" preCondition=\"p\"/>"
                                 "<remove name=\"g1\"/>"
                                 "<add name=\"G1\" image=\"/lib/g1b.so\"/>"
                                 "</globalModules></system.webServer>"));
    if (l.cfg == NULL) {
        print_log(&l.doc.log);
        refused = true;
    } else {
        assert_string_equal(l.cfg->modules[4].image, "/lib/g1b.so");
        assert_string_equal(l.cfg->modules[4].precondition, "");
    }
    unload(&l);
    if (refused) {
        fail_msg("%s",
                 "reader.c read_attributes: a <remove> must carry every required attribute, not "
                 "only the key: <staticContent><remove fileExtension=\".json\"/> needs "
                 "'mimeType', <globalModules><remove name=\"X\"/> needs 'image'; and giving "
                 "them is \"<remove> has no attribute\"");
    }
}

static void
test_clear_in_a_location_and_remove_of_nothing(void **state)
{
    loaded_t l;
    const gs_cfg_site_t *s;

    (void) state;
    load_good(&l, minimal_with(
                      "</configuration>",
                      "<system.webServer><defaultDocument><files>"
                      "<add value=\"a.html\"/><add value=\"b.html\"/><remove value=\"none.html\"/>"
                      "</files></defaultDocument></system.webServer>"
                      "<location path=\"S/x\"><system.webServer>"
                      "<defaultDocument enabled=\"false\"><files>"
                      "<clear/><add value=\"c.html\"/></files></defaultDocument></system.webServer>"
                      "</location>"
                      "<location path=\"S/x/y\"><system.webServer><defaultDocument><files>"
                      "<add value=\"a.html\"/></files></defaultDocument></system.webServer>"
                      "</location>"));
    s = &l.cfg->sites[0];
    assert_string_equal(
        entries(gs_node_child(section_at(s, "/", "system.webServer/defaultDocument"), "files"),
                "value"),
        "a.html,b.html");
    assert_string_equal(
        entries(gs_node_child(section_at(s, "/x", "system.webServer/defaultDocument"), "files"),
                "value"),
        "c.html");
    /* After the <clear/> above, a.html is new again at /x/y, not a duplicate. */
    assert_string_equal(
        entries(gs_node_child(section_at(s, "/x/y/z", "system.webServer/defaultDocument"), "files"),
                "value"),
        "c.html,a.html");
    assert_string_equal(
        gs_node_attr(section_at(s, "/x/y/z", "system.webServer/defaultDocument"), "enabled"),
        "false");
    unload(&l);
}

static void
test_config_references_and_generations(void **state)
{
    loaded_t a, b;

    (void) state;
    load_good(&a, minimal);
    load_good(&b, minimal);
    assert_true(b.cfg->generation > a.cfg->generation);
    assert_null(a.doc.pool); /* the configuration's now */
    gs_config_ref(a.cfg);
    assert_int_equal(atomic_load(&a.cfg->refs), 2);
    gs_config_unref(a.cfg);
    assert_int_equal(atomic_load(&a.cfg->refs), 1);
    assert_string_equal(a.cfg->sites[0].name, "S");
    unload(&a);
    unload(&b);
    gs_config_unref(NULL);
}

static void
test_dot_dot_prefixed_name_is_not_a_dot_segment(void **state)
{
    loaded_t l;

    (void) state;
    load_memory(&l,
                minimal_with("</site>", "<application path=\"/..well-known\">"
                                        "<virtualDirectory path=\"/\" physicalPath=\"/srv/wk\"/>"
                                        "</application>"));
    if (l.cfg == NULL) {
        print_log(&l.doc.log);
        unload(&l);
        fail_msg("%s", "schema.c check_urlpath: strstr(v, \"/..\") refuses any segment that starts "
                       "with \"..\" (\"/..well-known\"), not only the dot segment \"..\"");
    }
    assert_string_equal(vdir_physical(&l.cfg->sites[0], "/..well-known/x"), "/srv/wk/");
    unload(&l);
}

/* ---- the reader ------------------------------------------------------------------------ */

static void
test_empty_input(void **state)
{
    char path[] = "/tmp/guise-config-XXXXXX";
    int fd = mkstemp(path);
    gs_cfg_doc_t doc;
    char where[PATH_MAX + 8];

    (void) state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(gs_cfg_read_file(path, &doc), -1);
    snprintf(where, sizeof(where), "%s:1: ", path);
    if (log_line(&doc.log, where, "Document is empty") == NULL) {
        print_log(&doc.log);
        fail();
    }
    gs_cfg_doc_free(&doc);
    unlink(path);

    assert_int_equal(gs_cfg_read_memory("empty.config", "", 0, &doc), -1);
    assert_non_null(log_line(&doc.log, "empty.config:1: ", "Document is empty"));
    gs_cfg_doc_free(&doc);

    assert_int_equal(gs_cfg_read_memory("blank.config", " \n\n", 3, &doc), -1);
    assert_non_null(log_line(&doc.log, "blank.config:", "not well-formed XML"));
    gs_cfg_doc_free(&doc);
}

static void
test_size_limit(void **state)
{
    char path[] = "/tmp/guise-config-XXXXXX";
    int fd = mkstemp(path);
    gs_cfg_doc_t doc;
    char *big;
    size_t head = strlen(minimal) - strlen("</configuration>");
    char where[PATH_MAX + 8];

    (void) state;
    assert_true(fd >= 0);
    /* A file one byte over: refused before it is read, with no line number. */
    assert_int_equal(ftruncate(fd, (off_t) GS_CFG_MAX_FILE + 1), 0);
    close(fd);
    assert_int_equal(gs_cfg_read_file(path, &doc), -1);
    snprintf(where, sizeof(where), "%s: ", path);
    assert_non_null(log_line(&doc.log, where, "larger than 4194304 bytes"));
    gs_cfg_doc_free(&doc);
    unlink(path);

    /* Exactly the limit is read: a good document padded with a comment. */
    big = malloc(GS_CFG_MAX_FILE + 2);
    memcpy(big, minimal, head);
    memcpy(big + head, "<!--", 4);
    memset(big + head + 4, 'x', GS_CFG_MAX_FILE - head - 4 - 3 - strlen("</configuration>"));
    memcpy(big + GS_CFG_MAX_FILE - 3 - strlen("</configuration>"), "--></configuration>",
           3 + strlen("</configuration>"));
    assert_int_equal(gs_cfg_read_memory("big.config", big, GS_CFG_MAX_FILE, &doc), 0);
    gs_cfg_doc_free(&doc);
    big[GS_CFG_MAX_FILE] = ' ';
    assert_int_equal(gs_cfg_read_memory("big.config", big, GS_CFG_MAX_FILE + 1, &doc), -1);
    assert_non_null(log_line(&doc.log, "big.config: ", "larger than 4194304 bytes"));
    gs_cfg_doc_free(&doc);
    free(big);
}

static void
test_unreadable_files(void **state)
{
    gs_cfg_doc_t doc;

    (void) state;
    assert_int_equal(gs_cfg_read_file("/nonexistent/applicationHost.config", &doc), -1);
    assert_non_null(log_line(&doc.log, "/nonexistent/applicationHost.config: ",
                             "cannot read: No such file or directory"));
    gs_cfg_doc_free(&doc);
    assert_int_equal(gs_cfg_read_file(fixtures_dir(), &doc), -1);
    assert_non_null(log_line(&doc.log, fixtures_dir(), ": cannot read: not a regular file"));
    gs_cfg_doc_free(&doc);
}

static void
test_external_entities_read_no_file(void **state)
{
    char secret[] = "/tmp/guise-secret-XXXXXX";
    int fd = mkstemp(secret);
    static const char *const forms[] = {
        /* in content, in an attribute, as a parameter entity, as an external DTD */
        "<!DOCTYPE configuration [<!ENTITY x SYSTEM \"file://@\">]>\n"
        "<configuration><system.webServer>&x;</system.webServer></configuration>",
        "<!DOCTYPE configuration [<!ENTITY x SYSTEM \"file://@\">]>\n"
        "<configuration><system.webServer><directoryBrowse showFlags=\"&x;\"/>"
        "</system.webServer></configuration>",
        "<!DOCTYPE configuration [<!ENTITY % p SYSTEM \"file://@\"> %p;]>\n<configuration/>",
        "<!DOCTYPE configuration SYSTEM \"file://@\">\n<configuration/>",
    };

    (void) state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "GUISE-SECRET-4242", 17), 17);
    close(fd);
    for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        const char *at = strchr(forms[i], '@');
        char xml[1024];
        gs_cfg_doc_t doc;

        snprintf(xml, sizeof(xml), "%.*s%s%s", (int) (at - forms[i]), forms[i], secret, at + 1);
        assert_int_equal(gs_cfg_read_memory("xxe.config", xml, strlen(xml), &doc), -1);
        assert_true(doc.log.errors > 0);
        for (unsigned k = 0; k < doc.log.count; k++) {
            if (strstr(doc.log.lines[k], "GUISE-SECRET") != NULL) {
                fail_msg("form %u: the file's content is in the log: %s", i, doc.log.lines[k]);
            }
        }
        gs_cfg_doc_free(&doc);
    }
    unlink(secret);
}

static void
test_log_keeps_the_first_hundred_lines(void **state)
{
    char *xml = malloc(16 + 300 * 8 + 32);
    size_t len = 0;
    gs_cfg_doc_t doc;

    (void) state;
    len += (size_t) sprintf(xml, "<configuration>");
    for (unsigned i = 0; i < 300; i++) {
        len += (size_t) sprintf(xml + len, "<bogus/>");
    }
    len += (size_t) sprintf(xml + len, "</configuration>");
    assert_int_equal(gs_cfg_read_memory("many.config", xml, len, &doc), -1);
    assert_int_equal(doc.log.count, 100);
    assert_int_equal(doc.log.dropped, 200);
    assert_int_equal(doc.log.errors, 300);
    gs_cfg_doc_free(&doc);
    free(xml);
}

static void
test_encodings_libxml2_converts(void **state)
{
    /* A BOM, and a declared encoding, are XML: the values reach the model as UTF-8. */
    static const char latin1[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
        "<configuration><system.applicationHost><sites>"
        "<site name=\"Caf\xe9\" id=\"1\"><bindings>"
        "<binding protocol=\"http\" bindingInformation=\"*:80:\"/>"
        "</bindings><application path=\"/\">"
        "<virtualDirectory path=\"/\" physicalPath=\"/srv/caf\xe9\"/>"
        "</application></site></sites></system.applicationHost></configuration>";
    char bom[8192];
    loaded_t l;

    (void) state;
    load_good(&l, latin1);
    assert_string_equal(l.cfg->sites[0].name, "Caf\xc3\xa9");
    assert_string_equal(l.cfg->sites[0].vdirs[0].physical, "/srv/caf\xc3\xa9/");
    unload(&l);

    snprintf(bom, sizeof(bom), "\xef\xbb\xbf%s", minimal);
    load_good(&l, bom);
    unload(&l);
}

static void
test_a_bad_value_is_one_error(void **state)
{
    const char *xml = minimal_replacing("id=\"1\"", "id=\"0\"");
    gs_cfg_doc_t doc;
    unsigned errors;

    (void) state;
    assert_int_equal(gs_cfg_read_memory("one.config", xml, strlen(xml), &doc), -1);
    assert_non_null(
        log_line(&doc.log, "one.config:1: ", "<site id=\"0\">: the value is out of range"));
    errors = doc.log.errors;
    if (errors != 1) {
        print_log(&doc.log);
        gs_cfg_doc_free(&doc);
        fail_msg("%s",
                 "reader.c read_attributes: a required attribute with a bad value is reported "
                 "twice, the second time as missing (\"<site> needs the attribute 'id'\")");
    }
    gs_cfg_doc_free(&doc);
}

static void
test_log_lines_are_one_line_each(void **state)
{
    static const char *const docs[] = {
        /* libxml2's message for bad UTF-8 has a newline in it */
        "<configuration>\n<x a=\"\xe9\"/></configuration>",
        /* a value with DEL or a tab, echoed in the message */
        "<configuration><system.applicationHost><sites><site name=\"a&#x7F;&#9;b\" id=\"1\"/>"
        "</sites></system.applicationHost></configuration>",
    };
    bool bad = false;

    (void) state;
    for (unsigned i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        gs_cfg_doc_t doc;

        assert_int_equal(gs_cfg_read_memory("lines.config", docs[i], strlen(docs[i]), &doc), -1);
        for (unsigned k = 0; k < doc.log.count; k++) {
            for (const char *p = doc.log.lines[k]; *p != '\0'; p++) {
                if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                    print_message("    control character 0x%02x in: %s\n", (unsigned char) *p,
                                  doc.log.lines[k]);
                    bad = true;
                    break;
                }
            }
        }
        gs_cfg_doc_free(&doc);
    }
    if (bad) {
        fail_msg("%s", "reader.c: log lines carry control characters (libxml2's multi-line message "
                       "for bad UTF-8; values with DEL or TAB echoed as they are), which break the "
                       "one-problem-per-line log");
    }
}

/* ---- the embedded default ------------------------------------------------------------- */

static void
test_embedded_default_round_trips_special_characters(void **state)
{
    static const char *const listens[] = {"127.0.0.1:8080", ":9090", "[::1]:0", "*:81"};
    static const char *const docs[] = {"index.html", "a&b <c>.htm", "it's \"quoted\".htm", NULL};
    const char *root = "/srv/a & b <c> \"d\" 'e' f";
    size_t len;
    char *text = gs_config_embedded(root, listens, 4, docs, &len);
    char want[PATH_MAX];
    gs_cfg_doc_t doc;
    gs_config_t *cfg;
    const gs_cfg_node_t *dd;

    (void) state;
    assert_int_equal(strlen(text), len);
    assert_int_equal(gs_cfg_read_memory("(embedded default)", text, len, &doc), 0);
    free(text);
    cfg = gs_config_build(&doc, builtins);
    if (cfg == NULL) {
        print_log(&doc.log);
    }
    assert_non_null(cfg);
    assert_int_equal(doc.log.count, 0);

    assert_int_equal(cfg->nsites, 1);
    assert_string_equal(cfg->sites[0].name, "Default Web Site");
    assert_int_equal(cfg->sites[0].id, 1);
    snprintf(want, sizeof(want), "%s/", root);
    assert_int_equal(cfg->sites[0].nvdirs, 1);
    assert_string_equal(cfg->sites[0].vdirs[0].physical, want);
    assert_string_equal(cfg->sites[0].apps[0].physical, want);

    assert_int_equal(cfg->nbindings, 4);
    assert_string_equal(cfg->bindings[0].text, "127.0.0.1:8080:");
    assert_string_equal(cfg->bindings[1].text, "*:9090:");
    assert_true(cfg->bindings[1].any_ip);
    assert_string_equal(cfg->bindings[2].text, "[::1]:0:");
    assert_int_equal(cfg->bindings[2].addr.sa.sa_family, AF_INET6);
    assert_string_equal(cfg->bindings[3].text, "*:81:");

    dd = server_section(cfg, "system.webServer/defaultDocument");
    assert_string_equal(entries(gs_node_child(dd, "files"), "value"),
                        "index.html,a&b <c>.htm,it's \"quoted\".htm");
    gs_config_unref(cfg);
    gs_cfg_doc_free(&doc);
}

static void
test_embedded_default_with_no_listen_address(void **state)
{
    static const char *const docs[] = {NULL};
    size_t len;
    char *text = gs_config_embedded("/", NULL, 0, docs, &len);
    gs_cfg_doc_t doc;
    gs_config_t *cfg;

    (void) state;
    assert_int_equal(gs_cfg_read_memory("(embedded default)", text, len, &doc), 0);
    free(text);
    cfg = gs_config_build(&doc, builtins);
    assert_non_null(cfg);
    assert_int_equal(cfg->nbindings, 0);
    assert_string_equal(cfg->sites[0].vdirs[0].physical, "/");
    gs_config_unref(cfg);
    gs_cfg_doc_free(&doc);
}

static void
test_embedded_default_root_with_a_newline(void **state)
{
    static const char *const listens[] = {"127.0.0.1:8080"};
    static const char *const docs[] = {NULL};
    size_t len;
    char *text = gs_config_embedded("/srv/a\nb\tc", listens, 1, docs, &len);
    gs_cfg_doc_t doc;
    gs_config_t *cfg = NULL;
    bool same = true;

    (void) state;
    /* A file name may hold any byte but '/' and NUL.  XML turns a literal newline or tab in an
     * attribute into a space: the root must come back as it was, or the load must fail. */
    if (gs_cfg_read_memory("(embedded default)", text, len, &doc) == 0) {
        cfg = gs_config_build(&doc, builtins);
    }
    free(text);
    if (cfg != NULL) {
        same = strcmp(cfg->sites[0].vdirs[0].physical, "/srv/a\nb\tc/") == 0;
        if (!same) {
            print_message("    root \"/srv/a\\nb\\tc\" came back as \"%s\"\n",
                          cfg->sites[0].vdirs[0].physical);
        }
    }
    gs_config_unref(cfg);
    gs_cfg_doc_free(&doc);
    if (!same) {
        fail_msg("%s",
                 "embedded.c put_escaped leaves '\\n', '\\r' and '\\t' as they are; XML "
                 "attribute normalisation makes them spaces, so --root \"/srv/a<LF>b\" serves "
                 "\"/srv/a b\" (escape them as &#10; &#13; &#9;, which the schema then refuses)");
    }
}

static void
test_embedded_default_root_not_utf8_fails_closed(void **state)
{
    static const char *const docs[] = {NULL};
    size_t len;
    char *text = gs_config_embedded("/srv/caf\xe9", NULL, 0, docs, &len);
    gs_cfg_doc_t doc;

    (void) state;
    /* Not served under another name: the document is refused. */
    assert_int_equal(gs_cfg_read_memory("(embedded default)", text, len, &doc), -1);
    assert_non_null(log_line(&doc.log, "(embedded default):", "not well-formed XML"));
    free(text);
    gs_cfg_doc_free(&doc);
}

/* ---- fixtures/broken ------------------------------------------------------------------ */

typedef struct broken {
    char path[2 * PATH_MAX];
    char test_name[NAME_MAX + 16];
    unsigned line;
    char expect[256];
    char bug[1024]; /* "" unless the file says "<!-- BUG: ... -->" on its second line */
} broken_t;

/* "<!-- TAG: text -->" -> text, trimmed. */
static bool
comment_text(const char *line, const char *tag, char *out, size_t size)
{
    char open[64];
    const char *end;

    snprintf(open, sizeof(open), "<!-- %s: ", tag);
    if (strncmp(line, open, strlen(open)) != 0 || (end = strstr(line, " -->")) == NULL) {
        return false;
    }
    line += strlen(open);
    snprintf(out, size, "%.*s", (int) (end - line), line);
    return true;
}

static bool
read_expectation(broken_t *b)
{
    FILE *f = fopen(b->path, "rb");
    char line[2048], text[sizeof(b->expect) + 16], *colon;

    if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
        if (f) {
            fclose(f);
        }
        return false;
    }
    if (!comment_text(line, "expect", text, sizeof(text))) {
        fclose(f);
        return false;
    }
    b->line = (unsigned) strtoul(text, &colon, 10);
    if (colon == text || colon[0] != ':' || colon[1] != ' ') {
        fclose(f);
        return false;
    }
    snprintf(b->expect, sizeof(b->expect), "%s", colon + 2);
    b->bug[0] = '\0';
    if (fgets(line, sizeof(line), f) != NULL) {
        comment_text(line, "BUG", b->bug, sizeof(b->bug));
    }
    fclose(f);
    return true;
}

static void
test_broken_fixture(void **state)
{
    const broken_t *b = *state;
    loaded_t l;
    char where[2 * PATH_MAX + 16];
    bool refused, found;

    if (b->line > 0) {
        snprintf(where, sizeof(where), "%s:%u: ", b->path, b->line);
    } else {
        snprintf(where, sizeof(where), "%s: ", b->path);
    }
    load_file(&l, b->path);
    refused = l.cfg == NULL;
    found = log_line(&l.doc.log, where, b->expect) != NULL;
    if (!refused || !found) {
        print_message("    want %s: a line \"%s...%s...\"%s\n", refused ? "in the log" : "refusal",
                      where, b->expect, refused ? "" : " (it was accepted)");
        print_log(&l.doc.log);
    }
    unload(&l);
    if (b->bug[0] != '\0') {
        if (refused && found) {
            fail_msg("%s: passes now: delete its BUG line", b->path);
        }
        known_bug(b->bug);
    }
    assert_true(refused);
    assert_true(found);
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const broken_t *) a)->path, ((const broken_t *) b)->path);
}

/* One test per file in fixtures/broken, in name order. */
static int
run_broken_fixtures(void)
{
    char dir[PATH_MAX + 16];
    DIR *d;
    struct dirent *e;
    broken_t *all = NULL;
    struct CMUnitTest *tests;
    unsigned n = 0, cap = 0;
    int failed;

    snprintf(dir, sizeof(dir), "%s/broken", fixtures_dir());
    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (len < 8 || strcmp(e->d_name + len - 7, ".config") != 0) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            all = realloc(all, cap * sizeof(*all));
        }
        snprintf(all[n].path, sizeof(all[n].path), "%s/%s", dir, e->d_name);
        snprintf(all[n].test_name, sizeof(all[n].test_name), "broken/%s", e->d_name);
        if (!read_expectation(&all[n])) {
            fprintf(stderr, "%s: no \"<!-- expect: LINE: TEXT -->\" first line\n", all[n].path);
            closedir(d);
            free(all);
            return 1;
        }
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "%s: no fixture\n", dir);
        free(all);
        return 1;
    }
    qsort(all, n, sizeof(*all), by_name);
    tests = calloc(n, sizeof(*tests));
    for (unsigned i = 0; i < n; i++) {
        tests[i].name = all[i].test_name;
        tests[i].test_func = test_broken_fixture;
        tests[i].initial_state = &all[i];
    }
    failed = _cmocka_run_group_tests("broken fixtures", tests, n, NULL, NULL);
    free(tests);
    free(all);
    return failed;
}

#define EVERY_ELEMENT(f)                                                                           \
    cmocka_unit_test_setup_teardown(f, setup_every_element, teardown_every_element)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        EVERY_ELEMENT(test_every_element_builds_with_one_warning),
        EVERY_ELEMENT(test_sites_ids_and_autostart),
        EVERY_ELEMENT(test_bindings_of_started_sites),
        EVERY_ELEMENT(test_applications_and_pools),
        EVERY_ELEMENT(test_virtual_directories_longest_first_with_one_trailing_slash),
        EVERY_ELEMENT(test_modules_in_pipeline_order),
        EVERY_ELEMENT(test_server_level_sections),
        EVERY_ELEMENT(test_site_log_file_inherits_site_defaults),
        EVERY_ELEMENT(test_locations_merge_per_url_point),
        EVERY_ELEMENT(test_point_longest_prefix_on_segment_boundaries),
        EVERY_ELEMENT(test_vdir_longest_prefix_on_segment_boundaries),
        EVERY_ELEMENT(test_site_lookup_with_every_element),
        EVERY_ELEMENT(test_listen_addresses_are_distinct_and_started),
        EVERY_ELEMENT(test_config_element_interface),
        cmocka_unit_test(test_every_element_sets_every_schema_attribute),
        cmocka_unit_test(test_binding_precedence),
        cmocka_unit_test(test_binding_host_forms),
        cmocka_unit_test(test_zero_address_binding_takes_requests),
        cmocka_unit_test(test_stopped_site_takes_nothing),
        cmocka_unit_test(test_port_zero_binding_keeps_its_port_across_reloads),
        cmocka_unit_test(test_defaults_fill_what_is_absent),
        cmocka_unit_test(test_modules_without_modules_section_are_builtins_then_globals),
        cmocka_unit_test(test_remove_takes_the_key_only),
        cmocka_unit_test(test_clear_in_a_location_and_remove_of_nothing),
        cmocka_unit_test(test_config_references_and_generations),
        cmocka_unit_test(test_dot_dot_prefixed_name_is_not_a_dot_segment),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_unreadable_files),
        cmocka_unit_test(test_external_entities_read_no_file),
        cmocka_unit_test(test_log_keeps_the_first_hundred_lines),
        cmocka_unit_test(test_encodings_libxml2_converts),
        cmocka_unit_test(test_a_bad_value_is_one_error),
        cmocka_unit_test(test_log_lines_are_one_line_each),
        cmocka_unit_test(test_embedded_default_round_trips_special_characters),
        cmocka_unit_test(test_embedded_default_with_no_listen_address),
        cmocka_unit_test(test_embedded_default_root_with_a_newline),
        cmocka_unit_test(test_embedded_default_root_not_utf8_fails_closed),
    };
    int failed = 0;

    failed += cmocka_run_group_tests(tests, NULL, NULL);
    failed += run_broken_fixtures();
    return failed;
}
