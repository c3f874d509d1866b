/*
 * The tables.  Defaults are IIS's where IIS has one that makes sense on
 * Linux; where it does not (IUSR, %SystemDrive%), guise's own, documented
 * in docs/configuration.md.
 */
#include "schema.h"
#include "core/http_date.h"
#include "core/wide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define END                                                                                        \
    {                                                                                              \
        NULL, 0, NULL, false, false, NULL, 0, 0                                                    \
    }

static const char *const protocols[] = {"http", NULL};
static const char *const log_periods[] = {"Daily", "Hourly", "Monthly", NULL};
static const char *const log_formats[] = {"W3C", NULL};
static const char *const log_fields[] = {
    "Date",      "Time",          "ClientIP",  "UserName", "SiteName",   "ComputerName",
    "ServerIP",  "Method",        "UriStem",   "UriQuery", "HttpStatus", "Win32Status",
    "TimeTaken", "ServerPort",    "UserAgent", "Cookie",   "Referer",    "ProtocolVersion",
    "Host",      "HttpSubStatus", NULL};
static const char *const central_modes[] = {"Site", NULL};
static const char *const override_modes[] = {"Allow", "Deny", "Inherit", NULL};
static const char *const selective_logging[] = {"LogAll", "LogSuccessful", "LogError", NULL};
static const char *const browse_flags[] = {"Date", "Time", "Size", "Extension", "LongDate", NULL};
static const char *const cache_modes[] = {"NoControl", "DisableCache", "UseMaxAge", "UseExpires",
                                          NULL};
static const char *const logon_methods[] = {"Interactive", "Batch", "Network", "ClearText", NULL};

#define DEFAULT_LOG_FIELDS                                                                         \
    "Date, Time, ClientIP, UserName, ServerIP, Method, UriStem, UriQuery, HttpStatus, "            \
    "Win32Status, TimeTaken, ServerPort, UserAgent, Referer, HttpSubStatus"

/* ---- system.applicationHost/sites ---------------------------------------------- */

static const gs_schema_attr_t logfile_attrs[] = {
    {"enabled", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    {"directory", GS_CFG_ABSPATH, "/var/log/guise", false, false, NULL, 0, 0},
    {"period", GS_CFG_ENUM, "Daily", false, false, log_periods, 0, 0},
    {"logFormat", GS_CFG_ENUM, "W3C", false, false, log_formats, 0, 0},
    {"logExtFileFlags", GS_CFG_FLAGS, DEFAULT_LOG_FIELDS, false, false, log_fields, 0, 0},
    END,
};
static const gs_schema_elem_t logfile = {"logFile", logfile_attrs, NULL, NULL, false};

static const gs_schema_attr_t binding_attrs[] = {
    {"protocol", GS_CFG_ENUM, NULL, true, true, protocols, 0, 0},
    {"bindingInformation", GS_CFG_BINDING, NULL, true, true, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t binding = {"binding", binding_attrs, NULL, NULL, false};
static const gs_schema_elem_t bindings = {"bindings", NULL, NULL, &binding, false};

static const gs_schema_attr_t vdir_attrs[] = {
    {"path", GS_CFG_URLPATH, NULL, true, false, NULL, 0, 0},
    {"physicalPath", GS_CFG_ABSPATH, NULL, true, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t vdir = {"virtualDirectory", vdir_attrs, NULL, NULL, true};
static const gs_schema_elem_t *const app_children[] = {&vdir, NULL};

static const gs_schema_attr_t app_attrs[] = {
    {"path", GS_CFG_URLPATH, NULL, true, false, NULL, 0, 0},
    {"applicationPool", GS_CFG_NAME, "DefaultAppPool", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t application = {"application", app_attrs, app_children, NULL, true};

static const gs_schema_attr_t site_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, false, NULL, 0, 0},
    {"id", GS_CFG_UINT, NULL, true, false, NULL, 1, 4294967295ull},
    {"serverAutoStart", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t *const site_children[] = {&bindings, &application, &logfile, NULL};
static const gs_schema_elem_t site = {"site", site_attrs, site_children, NULL, true};

static const gs_schema_elem_t *const site_defaults_children[] = {&logfile, NULL};
static const gs_schema_elem_t site_defaults = {"siteDefaults", NULL, site_defaults_children, NULL,
                                               false};

static const gs_schema_elem_t *const sites_children[] = {&site_defaults, &site, NULL};
static const gs_schema_elem_t sites = {"sites", NULL, sites_children, NULL, false};

/* ---- system.applicationHost/applicationPools ------------------------------------ */

static const gs_schema_attr_t process_model_attrs[] = {
    {"userName", GS_CFG_STRING, "www-data", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t process_model = {"processModel", process_model_attrs, NULL, NULL,
                                               false};
static const gs_schema_elem_t *const pool_children[] = {&process_model, NULL};

static const gs_schema_attr_t pool_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, true, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t pool = {"add", pool_attrs, pool_children, NULL, false};
static const gs_schema_elem_t pool_defaults = {"applicationPoolDefaults", NULL, pool_children, NULL,
                                               false};
static const gs_schema_elem_t *const pools_children[] = {&pool_defaults, NULL};
static const gs_schema_elem_t pools = {"applicationPools", NULL, pools_children, &pool, false};

/* ---- system.applicationHost/log ------------------------------------------------- */

static const gs_schema_attr_t log_attrs[] = {
    {"centralLogFileMode", GS_CFG_ENUM, "Site", false, false, central_modes, 0, 0},
    END,
};
static const gs_schema_elem_t central_log = {"log", log_attrs, NULL, NULL, false};

/* ---- system.webServer: modules ---------------------------------------------------- */

static const gs_schema_attr_t global_module_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, true, NULL, 0, 0},
    {"image", GS_CFG_ABSPATH, NULL, true, false, NULL, 0, 0},
    {"preCondition", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t global_module = {"add", global_module_attrs, NULL, NULL, false};
static const gs_schema_elem_t global_modules = {"globalModules", NULL, NULL, &global_module, false};

static const gs_schema_attr_t module_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, true, NULL, 0, 0},
    {"type", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"preCondition", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_attr_t modules_attrs[] = {
    {"runAllManagedModulesForAllRequests", GS_CFG_BOOL, "false", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t module = {"add", module_attrs, NULL, NULL, false};
static const gs_schema_elem_t modules = {"modules", modules_attrs, NULL, &module, false};

/* ---- system.webServer: files ------------------------------------------------------ */

static const gs_schema_attr_t file_attrs[] = {
    {"value", GS_CFG_NAME, NULL, true, true, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t file_entry = {"add", file_attrs, NULL, NULL, false};
static const gs_schema_elem_t files = {"files", NULL, NULL, &file_entry, false};
static const gs_schema_elem_t *const default_document_children[] = {&files, NULL};
static const gs_schema_attr_t default_document_attrs[] = {
    {"enabled", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t default_document = {"defaultDocument", default_document_attrs,
                                                  default_document_children, NULL, false};

static const gs_schema_attr_t directory_browse_attrs[] = {
    {"enabled", GS_CFG_BOOL, "false", false, false, NULL, 0, 0},
    {"showFlags", GS_CFG_FLAGS, "Date, Time, Size, Extension", false, false, browse_flags, 0, 0},
    END,
};
static const gs_schema_elem_t directory_browse = {"directoryBrowse", directory_browse_attrs, NULL,
                                                  NULL, false};

static const gs_schema_attr_t mime_map_attrs[] = {
    {"fileExtension", GS_CFG_EXTENSION, NULL, true, true, NULL, 0, 0},
    {"mimeType", GS_CFG_MIMETYPE, NULL, true, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t mime_map = {"mimeMap", mime_map_attrs, NULL, NULL, false};
static const gs_schema_attr_t client_cache_attrs[] = {
    {"cacheControlMode", GS_CFG_ENUM, "NoControl", false, false, cache_modes, 0, 0},
    {"cacheControlMaxAge", GS_CFG_TIMESPAN, "1.00:00:00", false, false, NULL, 0, 0},
    {"httpExpires", GS_CFG_HTTPDATE, NULL, false, false, NULL, 0, 0},
    {"cacheControlCustom", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"setEtag", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t client_cache = {"clientCache", client_cache_attrs, NULL, NULL, false};
static const gs_schema_elem_t *const static_content_children[] = {&client_cache, NULL};
static const gs_schema_elem_t static_content = {"staticContent", NULL, static_content_children,
                                                &mime_map, false};

static const gs_schema_attr_t http_logging_attrs[] = {
    {"dontLog", GS_CFG_BOOL, "false", false, false, NULL, 0, 0},
    {"selectiveLogging", GS_CFG_ENUM, "LogAll", false, false, selective_logging, 0, 0},
    END,
};
static const gs_schema_elem_t http_logging = {"httpLogging", http_logging_attrs, NULL, NULL, false};

/* ---- system.webServer/security/authentication ----------------------------------- */

static const gs_schema_attr_t anonymous_attrs[] = {
    {"enabled", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    {"userName", GS_CFG_STRING, "nobody", false, false, NULL, 0, 0},
    {"logonMethod", GS_CFG_ENUM, "ClearText", false, false, logon_methods, 0, 0},
    END,
};
static const gs_schema_elem_t anonymous = {"anonymousAuthentication", anonymous_attrs, NULL, NULL,
                                           false};

static const gs_schema_attr_t basic_attrs[] = {
    {"enabled", GS_CFG_BOOL, "false", false, false, NULL, 0, 0},
    {"realm", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"defaultLogonDomain", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"logonMethod", GS_CFG_ENUM, "ClearText", false, false, logon_methods, 0, 0},
    END,
};
static const gs_schema_elem_t basic = {"basicAuthentication", basic_attrs, NULL, NULL, false};

/* ---- system.applicationHost/tokenCache (guise's; IIS keeps UserTokenTTL in the registry) ---- */

static const gs_schema_attr_t token_cache_attrs[] = {
    {"enabled", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    {"userTokenTTL", GS_CFG_UINT, "900", false, false, NULL, 1, 604800},
    {"maxEntries", GS_CFG_UINT, "10000", false, false, NULL, 1, 1000000},
    {"maxTokenAge", GS_CFG_UINT, "3600", false, false, NULL, 1, 604800},
    END,
};
static const gs_schema_elem_t token_cache = {"tokenCache", token_cache_attrs, NULL, NULL, false};

/* ---- system.applicationHost/fileCache (guise's; IIS keeps FileCacheTTL & co in the registry) ----
 */

static const gs_schema_attr_t file_cache_attrs[] = {
    {"enabled", GS_CFG_BOOL, "true", false, false, NULL, 0, 0},
    {"fileCacheTTL", GS_CFG_UINT, "30", false, false, NULL, 1, 86400},
    {"maxEntries", GS_CFG_UINT, "10000", false, false, NULL, 1, 1000000},
    {"maxFileSize", GS_CFG_UINT, "65536", false, false, NULL, 0, 16777216},
    {"maxTotalSize", GS_CFG_UINT, "67108864", false, false, NULL, 0, 4294967295ull},
    END,
};
static const gs_schema_elem_t file_cache = {"fileCache", file_cache_attrs, NULL, NULL, false};

const gs_schema_section_t gs_schema_sections[] = {
    {"system.applicationHost/applicationPools", &pools, GS_AT_SERVER},
    {"system.applicationHost/sites", &sites, GS_AT_SERVER},
    {"system.applicationHost/log", &central_log, GS_AT_SERVER},
    {"system.webServer/globalModules", &global_modules, GS_AT_SERVER},
    {"system.webServer/modules", &modules, GS_AT_SERVER},
    {"system.webServer/defaultDocument", &default_document, GS_AT_SERVER | GS_AT_LOCATION},
    {"system.webServer/directoryBrowse", &directory_browse, GS_AT_SERVER | GS_AT_LOCATION},
    {"system.webServer/staticContent", &static_content, GS_AT_SERVER | GS_AT_LOCATION},
    {"system.webServer/httpLogging", &http_logging, GS_AT_SERVER | GS_AT_LOCATION},
    {"system.webServer/security/authentication/anonymousAuthentication", &anonymous,
     GS_AT_SERVER | GS_AT_LOCATION},
    {"system.webServer/security/authentication/basicAuthentication", &basic,
     GS_AT_SERVER | GS_AT_LOCATION},
    {"system.applicationHost/tokenCache", &token_cache, GS_AT_SERVER},
    {"system.applicationHost/fileCache", &file_cache, GS_AT_SERVER},
    {NULL, NULL, 0},
};

/* <location path="Site/url" overrideMode="...">. */
static const gs_schema_attr_t location_attrs[] = {
    {"path", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"overrideMode", GS_CFG_ENUM, "Inherit", false, false, override_modes, 0, 0},
    END,
};
const gs_schema_elem_t gs_schema_location = {"location", location_attrs, NULL, NULL, true};

/* <configSections>: IIS's declarations, read for compatibility; they change nothing. */
static const gs_schema_attr_t section_decl_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, false, NULL, 0, 0},
    {"overrideModeDefault", GS_CFG_ENUM, "Allow", false, false, override_modes, 0, 0},
    {"allowDefinition", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"allowLocation", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    {"type", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    END,
};
static const gs_schema_elem_t section_decl = {"section", section_decl_attrs, NULL, NULL, true};
static const gs_schema_attr_t section_group_attrs[] = {
    {"name", GS_CFG_NAME, NULL, true, false, NULL, 0, 0},
    {"type", GS_CFG_STRING, "", false, false, NULL, 0, 0},
    END,
};
extern const gs_schema_elem_t gs_schema_section_group;
static const gs_schema_elem_t *const section_group_children[] = {&section_decl,
                                                                 &gs_schema_section_group, NULL};
const gs_schema_elem_t gs_schema_section_group = {"sectionGroup", section_group_attrs,
                                                  section_group_children, NULL, true};
static const gs_schema_elem_t *const config_sections_children[] = {&section_decl,
                                                                   &gs_schema_section_group, NULL};
const gs_schema_elem_t gs_schema_config_sections = {"configSections", NULL,
                                                    config_sections_children, NULL, false};

const gs_schema_section_t *
gs_schema_section(const char *path)
{
    for (const gs_schema_section_t *s = gs_schema_sections; s->path != NULL; s++) {
        if (strcmp(s->path, path) == 0) {
            return s;
        }
    }
    return NULL;
}

const gs_schema_attr_t *
gs_schema_attr(const gs_schema_elem_t *e, const char *name)
{
    for (const gs_schema_attr_t *a = e->attrs; a != NULL && a->name != NULL; a++) {
        if (strcmp(a->name, name) == 0) {
            return a;
        }
    }
    return NULL;
}

const gs_schema_elem_t *
gs_schema_child(const gs_schema_elem_t *e, const char *name)
{
    for (const gs_schema_elem_t *const *c = e->children; c != NULL && *c != NULL; c++) {
        if (strcmp((*c)->name, name) == 0) {
            return *c;
        }
    }
    return NULL;
}

/* ---- value checks ------------------------------------------------------------ */

static const char *
check_uint(const gs_schema_attr_t *a, const char *v)
{
    char *end;
    unsigned long long n;

    if (*v < '0' || *v > '9') {
        return "is not a decimal number";
    }
    errno = 0;
    n = strtoull(v, &end, 10);
    if (errno != 0 || *end != '\0') {
        return "is not a decimal number";
    }
    if (n < a->min || n > a->max) {
        return "is out of range";
    }
    return NULL;
}

static const char *
check_enum(const gs_schema_attr_t *a, const char *v, const char **canonical)
{
    for (const char *const *e = a->values; *e != NULL; e++) {
        if (strcasecmp(*e, v) == 0) {
            *canonical = *e;
            return NULL;
        }
    }
    return "is not one of the allowed values";
}

static const char *
check_flags(const gs_schema_attr_t *a, const char *v)
{
    const char *p = v;

    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t) (end - p) : strlen(p);
        bool found = false;

        while (n > 0 && *p == ' ') {
            p++, n--;
        }
        while (n > 0 && p[n - 1] == ' ') {
            n--;
        }
        for (const char *const *e = a->values; *e != NULL && n > 0; e++) {
            if (strlen(*e) == n && strncasecmp(*e, p, n) == 0) {
                found = true;
            }
        }
        if (!found) {
            return "names a flag that is not allowed";
        }
        p = end ? end + 1 : p + n;
    }
    return NULL;
}

static const char *
check_urlpath(const char *v)
{
    if (v[0] != '/') {
        return "does not start with '/'";
    }
    if (strstr(v, "//") != NULL || strchr(v, '\\') != NULL || strchr(v, '?') != NULL
        || strchr(v, '%') != NULL)
    {
        return "is not a plain URL path (no '//', '\\', '?' or '%')";
    }
    for (const char *seg = v + 1; *seg != '\0';) {
        size_t n = strcspn(seg, "/");

        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
            return "has a dot segment";
        }
        seg += n + (seg[n] == '/');
    }
    return NULL;
}

/*
 * A host name as bindings name it: letters, digits, '-', '.', '_' (no port,
 * no wildcard), or an IPv6 literal in brackets as a Host header carries it.
 */
static bool
is_host_name(const char *s)
{
    if (s[0] == '[') {
        size_t n = strspn(s + 1, "0123456789abcdefABCDEF:.");

        return n > 0 && s[1 + n] == ']' && s[2 + n] == '\0';
    }
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
              || *s == '-' || *s == '.' || *s == '_'))
        {
            return false;
        }
    }
    return true;
}

static const char *
check_binding(const char *v)
{
    const char *port, *end;
    size_t digits;

    /* IP:PORT:HOST, the IP "*", an IPv4 address or an IPv6 one in brackets. */
    if (v[0] == '[') {
        const char *close = strchr(v, ']');

        if (close == NULL || close[1] != ':') {
            return "is not IP:PORT:HOST";
        }
        if (close == v + 1) {
            return "has an empty IPv6 address (\"*\" is every address)";
        }
        port = close + 2;
    } else {
        const char *colon = strchr(v, ':');

        if (colon == NULL) {
            return "is not IP:PORT:HOST";
        }
        port = colon + 1;
    }
    end = strchr(port, ':');
    if (end == NULL) {
        return "is not IP:PORT:HOST";
    }
    digits = (size_t) (end - port);
    if (digits == 0 || digits > 5 || strspn(port, "0123456789") != digits
        || strtol(port, NULL, 10) > 65535)
    {
        return "has no port from 0 to 65535 (0: any free port)";
    }
    if (!is_host_name(end + 1)) {
        return "has a host name with other than letters, digits, '-', '.' and '_'";
    }
    return NULL;
}

static const char *
check_timespan(const char *v)
{
    /* [d.]hh:mm:ss */
    unsigned d = 0, h, m, s;
    char tail;

    if (sscanf(v, "%u.%u:%u:%u%c", &d, &h, &m, &s, &tail) == 4
        || (d = 0, sscanf(v, "%u:%u:%u%c", &h, &m, &s, &tail) == 3))
    {
        if (h < 24 && m < 60 && s < 60) {
            return NULL;
        }
    }
    return "is not a time span [d.]hh:mm:ss";
}

const char *
gs_schema_check(const gs_schema_attr_t *a, const char *v, const char **canonical)
{
    time_t t;

    *canonical = v;
    if (gs_has_control(v, strlen(v))) {
        return "contains a control character";
    }
    switch (a->type) {
    case GS_CFG_STRING:
        return NULL;
    case GS_CFG_NAME:
        return v[0] == '\0' ? "is empty" : NULL;
    case GS_CFG_BOOL:
        if (strcasecmp(v, "true") == 0) {
            *canonical = "true";
            return NULL;
        }
        if (strcasecmp(v, "false") == 0) {
            *canonical = "false";
            return NULL;
        }
        return "is not true or false";
    case GS_CFG_UINT:
        return check_uint(a, v);
    case GS_CFG_ENUM:
        return check_enum(a, v, canonical);
    case GS_CFG_FLAGS:
        return check_flags(a, v);
    case GS_CFG_ABSPATH:
        return v[0] == '/' ? NULL : "is not an absolute path";
    case GS_CFG_URLPATH:
        return check_urlpath(v);
    case GS_CFG_BINDING:
        return check_binding(v);
    case GS_CFG_EXTENSION:
        if (strcmp(v, "*") == 0 || (v[0] == '.' && v[1] != '\0' && strchr(v, '/') == NULL)) {
            return NULL;
        }
        return "is not an extension (\".ext\" or \"*\")";
    case GS_CFG_MIMETYPE: {
        const char *slash = strchr(v, '/');

        return slash != NULL && slash != v && slash[1] != '\0' && strchr(v, ' ') == NULL
                   ? NULL
                   : "is not a media type (type/subtype)";
    }
    case GS_CFG_TIMESPAN:
        return check_timespan(v);
    case GS_CFG_HTTPDATE:
        return gs_http_date_parse(v, strlen(v), &t) == 0 ? NULL : "is not an HTTP date";
    }
    return "has an unknown type";
}
