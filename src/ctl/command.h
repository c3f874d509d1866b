/*
 * The control protocol's requests: one line of text in, an answer of
 * zero or more data lines and one final status line out.  Parsing is shared
 * by the server (control.c) and `guise ctl` (client.c), so that both refuse
 * the same requests with the same words.  docs/control-socket.md describes
 * the protocol.
 *
 *   stats                  cache NAME entries=N hits=N misses=N additions=N
 *                          evictions=N expirations=N deletions=N   (per cache)
 *                          logons ok=N bad_credentials=N refused=N throttled=N
 *                          timeout=N error=N
 *                          ok
 *   flush-tokens [USER]    ok removed=N
 *   anything else          error TEXT
 */
#ifndef GS_CTL_COMMAND_H
#define GS_CTL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#define GS_CTL_MAX_LINE   1024 /* request bytes before the newline */
#define GS_CTL_MAX_ANSWER 4096
#define GS_CTL_TIMEOUT_MS 3000 /* for a client to send its line, and to take the answer */

typedef enum {
    GS_CTL_STATS,
    GS_CTL_FLUSH_TOKENS,
} gs_ctl_verb_t;

typedef struct {
    gs_ctl_verb_t verb;
    const char *user; /* flush-tokens: points into the parsed line; NULL: every user */
} gs_ctl_request_t;

/*
 * Parses a request line (without its newline; a trailing CR is allowed),
 * NUL-terminating its words in place.  0, or -EINVAL with a one-line reason
 * in err (no newline; it names the commands when the command is unknown).
 */
int gs_ctl_parse(char *line, size_t len, gs_ctl_request_t *req, char *err, size_t errlen);

/*
 * Runs req and writes its answer (lines ending in '\n', the last one "ok
 * ...") into out.  On the control thread, settled on the process identity:
 * flushing raises GL_CACHE_OPERATION to modules.
 */
void gs_ctl_run(const gs_ctl_request_t *req, char *out, size_t cap);

#endif
