/*
 * The URI cache: per-URL state of a site, keyed by IUriKey (site id +
 * server-relative URL), each record a plain IHttpCacheSpecificData holding
 * what the configuration maps the URL to: the physical path, the virtual
 * directory and the configuration point in force (config.h), tagged with
 * the configuration generation they came from.
 *
 * The records point into a configuration: every reload flushes the whole
 * cache (gs_uri_cache_configure), and a record of another generation is
 * never used (gs_uri_record_lookup checks it), so a record cannot outlive
 * the configuration it points into while the server uses it.
 *
 * Measured on the development machine (a loop over gs_config_vdir +
 * gs_config_point against gs_uri_record_lookup + release of a hit): mapping
 * costs about 18 ns with one virtual directory and one configuration point
 * (`--root`), 80 ns with four of each, 310 ns with sixteen; a cache hit
 * about 130 ns whatever the site (hashing the URL, a shard lock, two atomic
 * counts).  Against the 25-30 us of CPU a 1 KiB static GET costs, neither
 * matters, and a site would need over eight virtual directories and
 * <location> points before the cache won at all: the request path does not
 * use it.  It exists so that DoCacheOperation works on URI keys (modules
 * may ADD, RETRIEVE, DELETE and FLUSH_PREFIX their own records) and
 * GL_CACHE_OPERATION listeners see URI records.
 *
 * Keys compare URLs exactly (guise's URLs are decoded and normalised,
 * case-sensitive like the file system below them); a key is a prefix of
 * another of the same site when its URL is the other's, or the other's
 * continues it after a '/' (L"/a" covers /a and /a/x, not /ab; L"" and L"/"
 * cover the whole site).
 */
#ifndef GS_CACHE_URI_CACHE_H
#define GS_CACHE_URI_CACHE_H

#include "cache.h"

#include <guise/httpcach.h>
#include <guise/httpserv.h>

#include <stddef.h>
#include <stdint.h>

/* Defines the URI cache or changes its limits (NULL: defaults), and flushes it (a reload). */
void gs_uri_cache_configure(const gs_cache_limits_t *limits);

/*
 * A record for url of the site (id, name) mapped to `physical` with the
 * configuration's vdir and point (borrowed: they live as long as the
 * configuration of `generation`).  +1 for the caller; not cached.
 */
IHttpCacheSpecificData *gs_uri_record_create(DWORD site_id, PCWSTR site_name, PCWSTR url,
                                             const char *physical, const void *vdir,
                                             const void *point, uint64_t generation);

/*
 * The cached record for (site_id, url) of configuration `generation`: +1
 * for the caller, or NULL.  What it maps to, through the accessors below.
 */
IHttpCacheSpecificData *gs_uri_record_lookup(DWORD site_id, PCWSTR url, uint64_t generation,
                                             IHttpTraceContext *trace);

/* The mapping of a URI record (NULL for a record of another kind). */
const char *gs_uri_record_physical(IHttpCacheSpecificData *record);
const void *gs_uri_record_vdir(IHttpCacheSpecificData *record);
const void *gs_uri_record_point(IHttpCacheSpecificData *record);

/* A key to look records up with, on the caller's stack; url is borrowed.  Its cache name is URI. */
typedef struct {
    IUriKey IUriKey_iface;
    DWORD site_id;
    PCWSTR url;
    size_t len;
    DWORD hash;
} gs_uri_probe_t;

void gs_uri_probe_init(gs_uri_probe_t *probe, DWORD site_id, PCWSTR url);

#endif
