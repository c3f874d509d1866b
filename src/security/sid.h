/*
 * SIDs for Unix identities, in the Windows binary layout: Samba's mapping,
 * user uid as S-1-22-1-<uid>, group gid as S-1-22-2-<gid>.
 */
#ifndef GS_SECURITY_SID_H
#define GS_SECURITY_SID_H

#include <stdint.h>
#include <sys/types.h>

#define GS_SID_UNIX_BYTES 16 /* revision, count, authority (6), two sub-authorities */

/* Writes S-1-22-<kind>-<id> (kind 1: user, 2: group) into out. */
void gs_sid_unix(uint8_t out[GS_SID_UNIX_BYTES], unsigned kind, uint32_t id);

#endif
