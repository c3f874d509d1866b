/*
 * Failed logons, counted by user name and by client address: after a few,
 * each further logon of that name or from that address waits, twice as
 * long after every failure, so that guessing passwords gets slow without
 * locking anyone out.  The table is bounded; old entries are forgotten.
 */
#ifndef GS_SECURITY_THROTTLE_H
#define GS_SECURITY_THROTTLE_H

#include "core/sockaddr.h"

#include <stdint.h>

#define GS_THROTTLE_FREE_FAILURES  3   /* failures before any delay */
#define GS_THROTTLE_FIRST_DELAY_MS 250 /* then 250 ms, 500 ms, 1 s... */
#define GS_THROTTLE_MAX_DELAY_MS   30000
#define GS_THROTTLE_FORGET_MS      (15 * 60 * 1000) /* after the last failure */

/* How long a logon of `user` from `client` (NULL: no address) waits first, in ms. */
unsigned gs_throttle_delay_ms(const char *user, const gs_sockaddr_t *client, uint64_t now_ms);

void gs_throttle_failed(const char *user, const gs_sockaddr_t *client, uint64_t now_ms);
/* A success clears the user's count (not the address's: one good password proves little). */
void gs_throttle_succeeded(const char *user, uint64_t now_ms);

#endif
