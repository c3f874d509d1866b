/*
 * Who the process is, and who each thread is for the file system.
 *
 * The process identity (IIS's application pool identity): started as root,
 * guise binds its ports and loads its modules, then becomes the configured
 * account keeping only CAP_SETUID and CAP_SETGID, with which a thread can
 * change its own file-system credentials.  Started as anyone else, it stays
 * who it is, and can impersonate only if it was given those two
 * capabilities.
 *
 * Impersonation is per thread: gs_identity_enter() applies a token's
 * groups, fsgid and fsuid to the calling thread with raw system calls
 * (glibc's wrappers would change every thread).  Switches are elided: a
 * thread remembers the credentials it carries and skips the calls when the
 * next scope wants the same ones.  That is safe because every file-system
 * access declares its identity: request work enters the request's token,
 * everything else (modules' notifications, logs, the loop at rest) settles
 * on the process identity first.
 */
#ifndef GS_SECURITY_IDENTITY_H
#define GS_SECURITY_IDENTITY_H

#include "token.h"

#include <stdbool.h>

/*
 * Becomes `user` (NULL or "": stay who we are) if started as root: groups,
 * gid, uid, keeping CAP_SETUID and CAP_SETGID and nothing else.  Logs what
 * it did.  0, or -1 after logging why (the process must not serve then).
 */
int gs_identity_become(const char *user);

/* Can threads impersonate (CAP_SETUID and CAP_SETGID are effective)? */
bool gs_identity_can_impersonate(void);

/* The process identity as a token (borrowed; valid after gs_identity_become). */
gs_token_t *gs_identity_process(void);

/*
 * Applies t's credentials to the calling thread (NULL: the process's).  0, or
 * -errno with the thread back on the process identity: the caller must fail
 * the request and read nothing.
 */
int gs_identity_enter(gs_token_t *t);

/* Puts the calling thread back on the process identity (no system call if it is on it). */
void gs_identity_settle(void);

/* Is the calling thread on another identity than the process's? */
bool gs_identity_impersonating(void);

/*
 * Runs fn(arg) with the calling thread's real, effective and file-system
 * user id 0 (for PAM modules that read /etc/shadow), then returns it to the
 * process identity.  Only a logon thread calls it.  fn runs as the process
 * instead without the capability to do so, or when the way back would cost
 * the thread its capabilities (no SECBIT_NO_SETUID_FIXUP: not started as
 * root).  Never returns with root kept: if the way back fails, the process
 * aborts.
 */
void gs_identity_as_root(void (*fn)(void *), void *arg);

#endif
