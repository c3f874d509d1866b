/*
 * guise/token.h: the Linux side of tokens, for native modules.
 *
 * A token HANDLE (IHttpUser_GetImpersonationToken, IHttpTokenEntry_GetImpersonationToken...)
 * is an opaque pointer to immutable credentials: a user id, a primary group id, the
 * supplementary groups, the user name and the user's SID.  Whoever handed it out owns it:
 * use it only while you hold the user (or the token entry) that gave it, and never free it.
 *
 * Impersonation is per thread.  ImpersonateLoggedOnUser makes the calling thread's
 * file-system credentials (fsuid, fsgid, supplementary groups) the token's, so that the
 * kernel checks every open, stat and directory read against that user; RevertToSelf gives
 * the thread back the process identity.  Nothing else in the process changes.  A module
 * that impersonates reverts before it returns from the notification that impersonated:
 *
 *     if (!ImpersonateLoggedOnUser(token)) {
 *         ... fail the request (500): never go on with the process identity ...
 *     }
 *     fd = open(path, O_RDONLY);
 *     RevertToSelf();
 *
 * SIDs follow Samba's mapping of Unix identities: user uid is S-1-22-1-<uid>, group gid is
 * S-1-22-2-<gid>, in the Windows binary layout (revision 1, six-byte authority, 32-bit
 * sub-authorities, little-endian).
 */
#ifndef GUISE_TOKEN_H
#define GUISE_TOKEN_H

#include "httpserv.h"

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest SID text guise makes: "S-1-22-2-4294967295" and its NUL, with room to spare. */
#define GUISE_SID_TEXT_MAX 64

/* Credentials of a token, as GuiseGetTokenInformation reports them. */
typedef struct GUISE_TOKEN_INFORMATION {
    uid_t Uid;
    gid_t Gid;
    const gid_t *Groups; /* supplementary groups, the primary one included; token-owned */
    DWORD GroupCount;
    PCSTR UserName; /* UTF-8; token-owned */
    PSID Sid;       /* token-owned */
} GUISE_TOKEN_INFORMATION;

/*
 * Applies the token's credentials to the calling thread's file-system work.  TRUE on
 * success; FALSE when hToken is not a token or the kernel refused (errno tells), and then
 * the thread carries the process identity: never read on after a FALSE.
 */
GUISE_API BOOL ImpersonateLoggedOnUser(HANDLE hToken);

/* Gives the calling thread the process identity back.  TRUE, or FALSE (errno) if refused. */
GUISE_API BOOL RevertToSelf(VOID);

/* Fills *pInfo from a token.  S_OK, or E_INVALIDARG for a NULL or unknown handle. */
GUISE_API HRESULT GuiseGetTokenInformation(HANDLE hToken, GUISE_TOKEN_INFORMATION *pInfo);

/* TRUE if the token's user is the group's member (primary or supplementary). */
GUISE_API BOOL GuiseTokenIsMemberOfGroup(HANDLE hToken, gid_t gid);

/* TRUE for a well-formed SID. */
GUISE_API BOOL IsValidSid(PSID pSid);
/* Bytes of a valid SID (8 + 4 per sub-authority); 0 for an invalid one. */
GUISE_API DWORD GetLengthSid(PSID pSid);
/* TRUE if both SIDs are valid and the same. */
GUISE_API BOOL EqualSid(PSID pSid1, PSID pSid2);

/*
 * Writes the SID's text form ("S-1-22-1-1000") into buf (cchBuf bytes, NUL included).
 * The length without the NUL, or 0 when the SID is invalid or buf too small.
 */
GUISE_API DWORD GuiseSidToString(PSID pSid, char *buf, DWORD cchBuf);

#ifdef __cplusplus
}
#endif

#endif
