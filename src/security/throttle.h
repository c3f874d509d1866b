/*
 * Failed logons, counted by user name and by client address (an IPv6
 * client by its /64): after a few, a logon of that name or from that
 * address waits until a delay has passed since the last failure, twice as
 * long after every further failure, so that guessing passwords gets slow
 * without locking anyone out for long.  The table is bounded; entries are
 * found by a keyed digest (no collisions an attacker can compute, however
 * long the name) and forgotten after a while.
 */
#ifndef GS_SECURITY_THROTTLE_H
#define GS_SECURITY_THROTTLE_H

#include "core/sockaddr.h"

#include <stdbool.h>
#include <stdint.h>

#define GS_THROTTLE_FREE_FAILURES  3   /* failures before any delay */
#define GS_THROTTLE_FIRST_DELAY_MS 250 /* then 250 ms, 500 ms, 1 s... */
#define GS_THROTTLE_MAX_DELAY_MS   30000
#define GS_THROTTLE_FORGET_MS      (15 * 60 * 1000) /* after the last failure */

/*
 * How much longer a logon of `user` from `client` (NULL: no address) must
 * wait, in ms: the delay its failures call for, counted from the last one.
 */
unsigned gs_throttle_wait_ms(const char *user, const gs_sockaddr_t *client, uint64_t now_ms);

/* Has the user or the address used up its free failures (so its logons go one at a time)? */
bool gs_throttle_watched(const char *user, const gs_sockaddr_t *client, uint64_t now_ms);

/*
 * Could anyone be watched?  false unless a name or an address used up its
 * free failures within GS_THROTTLE_FORGET_MS: then gs_throttle_watched need
 * not be asked (it costs two keyed digests and the table's lock).
 */
bool gs_throttle_recent(uint64_t now_ms);

void gs_throttle_failed(const char *user, const gs_sockaddr_t *client, uint64_t now_ms);
/* A success clears the user's count (not the address's: one good password proves little). */
void gs_throttle_succeeded(const char *user, uint64_t now_ms);

#endif
