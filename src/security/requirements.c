#include "requirements.h"
#include "identity.h"
#include "core/log.h"

#include <stdio.h>
#include <string.h>

#define ANONYMOUS "system.webServer/security/authentication/anonymousAuthentication"
#define BASIC     "system.webServer/security/authentication/basicAuthentication"

static int
section_index(const char *path)
{
    return (int) (gs_schema_section(path) - gs_schema_sections);
}

/* One place (the server level, or a site's path): 0, or -1 after saying why. */
static int
check(const gs_cfg_node_t *const *sections, const char *where)
{
    const gs_cfg_node_t *anonymous = sections[section_index(ANONYMOUS)];
    const gs_cfg_node_t *basic = sections[section_index(BASIC)];
    const char *user = gs_node_attr(anonymous, "userName");
    const char *self = gs_identity_process()->name;
    int rc = 0;

    if (strcmp(gs_node_attr(anonymous, "enabled"), "true") == 0 && user[0] != '\0'
        && strcmp(user, self) != 0)
    {
        gs_log_error("%s: anonymousAuthentication userName '%s' needs impersonation, which "
                     "this process cannot do (started as '%s', not root, without CAP_SETUID and "
                     "CAP_SETGID); set userName=\"\" to serve anonymous requests as '%s'",
                     where, user, self, self);
        rc = -1;
    }
    if (strcmp(gs_node_attr(basic, "enabled"), "true") == 0) {
        gs_log_error("%s: basicAuthentication needs impersonation, which this process cannot "
                     "do (started as '%s', not root, without CAP_SETUID and CAP_SETGID)",
                     where, self);
        rc = -1;
    }
    return rc;
}

int
gs_security_check(const gs_config_t *cfg)
{
    int rc = 0;

    if (gs_identity_can_impersonate()) {
        return 0;
    }
    for (unsigned i = 0; i < cfg->nsites; i++) {
        const gs_cfg_site_t *site = &cfg->sites[i];

        for (unsigned k = 0; k < site->npoints; k++) {
            char where[512];

            snprintf(where, sizeof(where), "site '%s'%s%s", site->name,
                     site->points[k].url_len ? " at " : "", site->points[k].url);
            if (check((const gs_cfg_node_t *const *) site->points[k].sections, where) != 0) {
                rc = -1;
                break; /* one message per site is enough */
            }
        }
    }
    return rc;
}
