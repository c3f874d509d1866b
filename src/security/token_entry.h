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

#include "token.h"

#include <guise/httpserv.h>

/* An entry for `token` (+1 taken) logged on as user with password and method. */
IHttpTokenEntry *gs_token_entry_create(gs_token_t *token, const char *user, const char *password,
                                       DWORD logon_method);

#endif
