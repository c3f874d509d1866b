/*
 * The control socket: a Unix stream socket where root asks the running
 * server for its counters and to flush cached logons (`guise ctl`,
 * command.h).  Made while the process is still root, mode 0600 owned by
 * root, its directory made 0700 if missing; every connection is checked
 * again with SO_PEERCRED (uid 0 only).  One thread answers one client at a
 * time, each bounded by GS_CTL_MAX_LINE bytes and GS_CTL_TIMEOUT_MS.
 */
#ifndef GS_CTL_CONTROL_H
#define GS_CTL_CONTROL_H

#include "core/options.h"

/*
 * The path of the control socket for these options, or NULL for none:
 * --ctl-socket PATH, none for --ctl-socket none; not given, GS_DEFAULT_CTL
 * when started as root with a configuration file (a system server), none
 * otherwise (the embedded default and non-root starts: /run/guise is root's).
 */
const char *gs_control_path(const gs_options_t *o);

/*
 * Makes the socket at path and listens on it: before gs_identity_become.  A
 * socket file that no process answers on is replaced; one that answers is
 * another server's, and an error.  0, or -1 after logging one line that
 * names the path and the option (the server must not start then).
 */
int gs_control_open(const char *path);

/* Starts the thread that answers (after the process took its identity).  No-op without a socket. */
void gs_control_start(void);

/*
 * Stops the thread (a client being served is cut short), closes the socket
 * and removes its file if it is still ours.  Safe without a socket.
 */
void gs_control_close(void);

#endif
