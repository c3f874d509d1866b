/*
 * guise's built-in request handling: the static file handler (with default
 * documents and the directory redirect) and the W3C access log.
 */
#ifndef GS_MODULES_BUILTIN_H
#define GS_MODULES_BUILTIN_H

#include "../core/request.h"
#include "../core/server.h"

#include <stdint.h>
#include <time.h>

/* Answers GET and HEAD from the site's files; fills req->rsp. */
void gs_static_file_handle(const gs_site_t *site, gs_request_t *req);

/* The access log: path "-" is standard output.  0 or -errno. */
int gs_w3c_log_open(const char *path);
/* Appends one line for a finished request; thread-safe, buffered per thread. */
void gs_w3c_log_request(const gs_request_t *req);
/* Reopens the file by its path (SIGUSR1, after log rotation). */
void gs_w3c_log_reopen(void);
/* Flushes every buffer and closes the file. */
void gs_w3c_log_close(void);

#endif
