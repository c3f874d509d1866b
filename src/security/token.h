/*
 * Tokens: immutable, reference-counted credentials behind a HANDLE (uid,
 * primary gid, supplementary groups, user name, SID).  Made from the user
 * database (NSS) after a logon, or for the process itself; shared by every
 * request of that user and freed with the last reference.
 */
#ifndef GS_SECURITY_TOKEN_H
#define GS_SECURITY_TOKEN_H

#include "sid.h"

#include <guise/token.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define GS_TOKEN_MAX_GROUPS 1024 /* a user in more groups is refused at logon */

typedef struct gs_token {
    uint32_t magic; /* a HANDLE is checked before it is used */
    atomic_uint refs;
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* the primary group first */
    unsigned ngroups;
    char *name;
    uint8_t sid[GS_SID_UNIX_BYTES];
} gs_token_t;

/* A token of these credentials (groups copied; the primary one put first if missing). */
gs_token_t *gs_token_create(uid_t uid, gid_t gid, const gid_t *groups, unsigned ngroups,
                            const char *name);

/*
 * The token of a user of the user database (NSS: getpwnam_r, getgrouplist).
 * 0, -ENOENT for no such user, -E2BIG past GS_TOKEN_MAX_GROUPS, or -errno.
 */
int gs_token_for_user(const char *name, gs_token_t **out);

void gs_token_ref(gs_token_t *t);
void gs_token_unref(gs_token_t *t);

/* Same uid, gid and groups: one identity for the kernel. */
bool gs_token_same_credentials(const gs_token_t *a, const gs_token_t *b);

static inline HANDLE
gs_token_handle(gs_token_t *t)
{
    return (HANDLE) t;
}

/* The token behind a HANDLE, or NULL when it is none. */
gs_token_t *gs_token_from_handle(HANDLE h);

#endif
