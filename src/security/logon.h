/*
 * Logon: PAM decides whether a user name and password are good
 * (pam_authenticate, then pam_acct_mgmt), NSS says who the user is
 * (getpwnam_r, getgrouplist), and the answer is a token.  PAM conversations
 * block, so they run on a small pool of logon threads, never on an event
 * loop: the caller gets its answer through a callback, on a logon thread or
 * on the watchdog thread.  Every logon has a deadline; a PAM stack that
 * hangs costs its thread, never the server.  Failures are throttled
 * (throttle.h) and logged with PAM's reason.
 */
#ifndef GS_SECURITY_LOGON_H
#define GS_SECURITY_LOGON_H

#include "token.h"
#include "core/sockaddr.h"

#include <stdint.h>

#include <guise/httpserv.h>

typedef enum {
    GS_LOGON_OK,
    GS_LOGON_BAD_CREDENTIALS, /* unknown user or wrong password */
    GS_LOGON_REFUSED,         /* pam_acct_mgmt said no: locked, expired... */
    GS_LOGON_THROTTLED,       /* too many failures: would wait past the deadline */
    GS_LOGON_TIMEOUT,         /* PAM did not answer in time */
    GS_LOGON_ERROR,           /* PAM or NSS failed otherwise */
} gs_logon_result_t;

#define GS_LOGON_RESULTS (GS_LOGON_ERROR + 1)

#define GS_LOGON_DEFAULT_SERVICE    "guise"
#define GS_LOGON_DEFAULT_TIMEOUT_MS 10000
#define GS_LOGON_THREADS            4
#define GS_LOGON_MAX_FIELD          1024 /* longer user names and passwords are refused as bad */

/*
 * Called once per logon.  token: +1 for the callee with GS_LOGON_OK, else NULL.
 * reason: for the log, valid during the call.
 */
typedef void (*gs_logon_done_fn)(void *arg, gs_logon_result_t result, gs_token_t *token,
                                 const char *reason);

/* The PAM service and the deadline of each logon; before the first logon. */
void gs_logon_configure(const char *service, unsigned timeout_ms);

/*
 * Starts a logon (the password is copied, and wiped after use).  method:
 * LOGON32_LOGON_* (recorded; every method runs the same PAM stack).
 * client: for throttling and PAM_RHOST, may be NULL.
 */
void gs_logon_start(const char *user, const char *password, DWORD method,
                    const gs_sockaddr_t *client, gs_logon_done_fn done, void *arg);

/* The same, waiting for the answer (not on an event loop: it blocks). */
gs_logon_result_t gs_logon_wait(const char *user, const char *password, DWORD method,
                                const gs_sockaddr_t *client, gs_token_t **token);

/*
 * May a cached logon of user from client be trusted without PAM?  No (true)
 * while a logon of that user or from that client is queued or running, or
 * while the throttle watches either: otherwise a burst of guesses sent at
 * once would have the right one answered at once by the TOKEN cache while
 * the wrong ones wait, and the throttle would not slow guessing.  Cheap when
 * no logon is pending and no failure is recent.
 */
bool gs_logon_guarded(const char *user, const gs_sockaddr_t *client);

/* Stops the pool: queued logons end as errors; threads stuck in PAM are left behind. */
void gs_logon_shutdown(void);

const char *gs_logon_result_name(gs_logon_result_t r);

/* How many logons ended with each result since the start (guise ctl stats). */
void gs_logon_counts(uint64_t out[GS_LOGON_RESULTS]);

#endif
