/*
 * The TOKEN cache: successful logons, keyed on the user name, the logon
 * method and the keyed hash of the password (token_entry.h), so that a
 * returning user costs a lookup instead of a PAM conversation.  A wrong
 * password never matches an entry, and failed logons are never cached.
 *
 * Stale passwords, the classic failure of token caches: when a logon with a
 * password not in the cache succeeds, every other entry of that account
 * goes, so an old password stops working as soon as the new one is used.  A
 * password changed or an account locked otherwise is flushed with
 * `guise ctl flush-tokens USER`, or ages out after the TTL (unused) or the
 * maximum age (used or not).
 */
#ifndef GS_CACHE_TOKEN_CACHE_H
#define GS_CACHE_TOKEN_CACHE_H

#include "cache.h"
#include "core/sockaddr.h"

#include <guise/httpserv.h>

#include <stdbool.h>
#include <stdint.h>

#define GS_TOKEN_DEFAULT_MAX_AGE_MS (60u * 60 * 1000)

/*
 * Defines the TOKEN cache, or changes its limits (on reload).  max_age_ms:
 * how long an entry may answer at all, used or not (0: the default).
 */
void gs_token_cache_configure(const gs_cache_limits_t *limits, unsigned max_age_ms);

/* The flush generation: take it before a logon starts, give it to gs_token_cache_add. */
uint64_t gs_token_cache_generation(void);

/*
 * The entry of a logon of user with method and the password whose
 * gs_password_hash is hash (+1 for the caller), or NULL.  Only guise's own
 * entries answer, none older than the maximum age, and none while a logon
 * of user or from client (may be NULL) is pending or throttled
 * (gs_logon_guarded): the cache must not make guessing faster.
 */
IHttpTokenEntry *gs_token_cache_find(const char *user, const char *hash, DWORD logon_method,
                                     const gs_sockaddr_t *client, IHttpTraceContext *trace);

/*
 * Caches the entry of a logon that just succeeded, unless the cache was
 * flushed since `generation` was taken (the logon began before an account
 * was locked); the account's other entries go.  Whether it was cached.
 */
bool gs_token_cache_add(IHttpTokenEntry *entry, uint64_t generation, IHttpTraceContext *trace);

/*
 * Removes the entries of user (its account's, by uid, under whatever name
 * they were typed, and any typed as user), or every entry for NULL; logons
 * running now will not be cached.  How many went.
 */
unsigned gs_token_cache_flush(const char *user);

#endif
