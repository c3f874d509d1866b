/*
 * IHttpUser for the users guise's authentication modules make: a name, the
 * name the client gave, an authentication type and a token.  The password
 * is never kept (GetPassword is L"" once the logon is over).  Reference
 * counted, thread-safe; the token goes with the last reference.
 */
#ifndef GS_SECURITY_HTTP_USER_H
#define GS_SECURITY_HTTP_USER_H

#include "token.h"

#include <guise/httpserv.h>

/*
 * A user holding `token` (+1 taken; NULL for none).  name and remote_name are
 * UTF-8 (L"" for anonymous); auth_type is L"" or L"Basic" and must outlive it.
 */
IHttpUser *gs_http_user_create(gs_token_t *token, const char *name, const char *remote_name,
                               PCWSTR auth_type);

#endif
