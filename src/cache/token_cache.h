/*
 * The TOKEN cache: successful logons, keyed on the user name, the logon
 * method and the keyed hash of the password (token_entry.h), so that a
 * returning user costs a lookup instead of a PAM conversation.  A wrong
 * password never matches an entry, and failed logons are never cached.
 *
 * Stale passwords, the classic failure of token caches: when a logon with a
 * password not in the cache succeeds, every other entry of that user goes,
 * so an old password stops working as soon as the new one is used.  A
 * password changed or an account locked otherwise is flushed with
 * `guise ctl flush-tokens USER`, or ages out after the TTL.
 */
#ifndef GS_CACHE_TOKEN_CACHE_H
#define GS_CACHE_TOKEN_CACHE_H

#include "cache.h"

#include <guise/httpserv.h>

/* Defines the TOKEN cache, or changes its limits (on reload). */
void gs_token_cache_configure(const gs_cache_limits_t *limits);

/*
 * The entry of a logon of user with method and the password whose
 * gs_password_hash is hash (+1 for the caller), or NULL.
 */
IHttpTokenEntry *gs_token_cache_find(const char *user, const char *hash, DWORD logon_method,
                                     IHttpTraceContext *trace);

/* Caches the entry of a logon that just succeeded; the user's other entries go. */
void gs_token_cache_add(IHttpTokenEntry *entry, IHttpTraceContext *trace);

/* Removes the entries of user (NULL: every entry).  How many went. */
unsigned gs_token_cache_flush(const char *user);

#endif
