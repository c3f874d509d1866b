/*
 * gs_cfg_read_memory and gs_config_build on any bytes: no crash, no leak, and a document that
 * builds answers the lookups a request makes.  A document with an error has errors in its log;
 * one without has none.
 */
#include "config/config.h"
#include "config/listen.h"
#include "config/reader.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const builtins[] = {"StaticFileModule", "DefaultDocumentModule",
                                       "DirectoryListingModule", "HttpLoggingModule", NULL};

static void
look_up(const gs_config_t *cfg)
{
    static const char *const urls[] = {"", "/", "/app", "/app/x", "/a/b/c"};
    gs_listen_addr_t addrs[8];
    gs_sockaddr_t local;

    memset(&local, 0, sizeof(local));
    local.in.sin_family = AF_INET;
    local.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (unsigned i = 0; i < cfg->nbindings; i++) {
        const gs_cfg_binding_t *b = &cfg->bindings[i];

        /* A *:port:host binding takes its own host (one with ':' cannot: see the report). */
        local.in.sin_port = htons((uint16_t) b->port);
        if (b->any_ip && b->addr.sa.sa_family == AF_INET && strchr(b->host, ':') == NULL
            && gs_config_site(cfg, &local, b->host, strlen(b->host)) == NULL)
        {
            abort();
        }
    }
    for (unsigned i = 0; i < cfg->nsites; i++) {
        const gs_cfg_site_t *site = &cfg->sites[i];

        for (unsigned k = 0; k < sizeof(urls) / sizeof(urls[0]); k++) {
            const gs_cfg_point_t *p = gs_config_point(site, urls[k], strlen(urls[k]));

            if (p == NULL || p->sections[0] == NULL) {
                abort();
            }
            if (gs_config_vdir(site, urls[k], strlen(urls[k])) == NULL) {
                abort(); /* every site has an application at '/' with a root directory */
            }
        }
    }
    (void) gs_config_listen_addrs(cfg, addrs, sizeof(addrs) / sizeof(addrs[0]));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gs_cfg_doc_t doc;
    gs_config_t *cfg = NULL;
    int rc = gs_cfg_read_memory("fuzz.config", (const char *) data, size, &doc);

    if ((rc == 0) != (doc.log.errors == 0)) {
        abort();
    }
    if (rc == 0) {
        cfg = gs_config_build(&doc, builtins);
        if ((cfg != NULL) != (doc.log.errors == 0)) {
            abort();
        }
    }
    if (cfg != NULL) {
        look_up(cfg);
    }
    gs_config_unref(cfg);
    gs_cfg_doc_free(&doc);
    return 0;
}
