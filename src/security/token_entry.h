/*
 * IHttpTokenEntry and its IHttpTokenKey: a logged-on user as the TOKEN
 * cache keeps it, and as IHttpServer2_GetToken hands it out.  The entry
 * owns its token (impersonation and primary are the same credentials) and
 * its SID; the key holds the user name, the logon method and the password's
 * keyed hash (password_hash.h), never the password.  Reference counted
 * (created at 1); TTL and flushed as the spec's cache records.
 */
#ifndef GS_SECURITY_TOKEN_ENTRY_H
#define GS_SECURITY_TOKEN_ENTRY_H

#include "logon.h"
#include "password_hash.h"
#include "token.h"

#include <guise/httpserv.h>
#include <stdint.h>
#include <wchar.h>

/*
 * An entry for `token` (+1 taken) logged on as user with method; hash is
 * gs_password_hash(user, password).
 */
IHttpTokenEntry *gs_token_entry_create(gs_token_t *token, const char *user,
                                       const char hash[GS_PASSWORD_HASH_HEX + 1],
                                       DWORD logon_method);

/*
 * A key to look an entry up with (RETRIEVE, DELETE): equal to the key of an
 * entry made from the same user, password and method.  Lives on the
 * caller's stack; nothing to free.  Its cache name is TOKEN.
 */
typedef struct {
    IHttpTokenKey IHttpTokenKey_iface;
    wchar_t user[GS_LOGON_MAX_FIELD + 1];
    wchar_t hash[GS_PASSWORD_HASH_HEX + 1];
    DWORD method;
    DWORD key_hash;
} gs_token_probe_t;

/* hash: gs_password_hash(user, password).  false if user is longer than GS_LOGON_MAX_FIELD or not
 * UTF-8. */
bool gs_token_probe_init(gs_token_probe_t *probe, const char *user,
                         const char hash[GS_PASSWORD_HASH_HEX + 1], DWORD logon_method);

/* Is this one of guise's own entries (not a module's record in the TOKEN cache)? */
bool gs_token_entry_is_own(IHttpTokenEntry *entry);

/* An own entry's token (borrowed, valid while the entry is held), NULL for any other. */
gs_token_t *gs_token_entry_token(IHttpTokenEntry *entry);

/* When an own entry was made (gs_token_entry_now_ms's clock); 0 for any other. */
uint64_t gs_token_entry_created_ms(IHttpTokenEntry *entry);
uint64_t gs_token_entry_now_ms(void);

/*
 * Is entry an own entry whose key equals probe?  guise's own comparison,
 * whatever the record's key says of itself.
 */
bool gs_token_entry_matches(IHttpTokenEntry *entry, gs_token_probe_t *probe);

/*
 * The hash of the TOKEN keys of user: the user name alone, so that every
 * entry of a user (whatever the password or logon method) is in one bucket.
 */
DWORD gs_token_user_hash(const char *user);

/* The user name of a TOKEN key (entry or probe), as UTF-8 into out; false if it does not fit. */
bool gs_token_key_user(IHttpCacheKey *key, char *out, size_t cap);

#endif
