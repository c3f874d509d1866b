/*
 * The integrated pipeline as the rest of guise sees it: start-up (built-in
 * modules, then the loadable ones, then sealing the notification tables),
 * the handler the core hands requests to, the global notifications of the
 * process's life, and shutdown.
 */
#ifndef GS_PIPELINE_PIPELINE_H
#define GS_PIPELINE_PIPELINE_H

#include "core/options.h"
#include "core/server.h"

/*
 * Creates the server object and the default site, registers the built-in
 * modules and loads those of the command line (--module).  0, or -1 after
 * logging one line that names the module that failed.
 */
int gs_pipeline_init(const gs_options_t *opts);

/* The handler for gs_server_init(). */
gs_handler_t gs_pipeline_handler(void);

/* GL_APPLICATION_START, once the server listens. */
void gs_pipeline_started(void);
/* GL_STOP_LISTENING, as the server stops accepting. */
void gs_pipeline_stopping(void);
/* GL_APPLICATION_STOP, modules' Terminate, unloading: after the last request. */
void gs_pipeline_shutdown(void);
/* A custom global notification with the given type (GUISE_REOPEN_LOGS...). */
void gs_pipeline_custom(const wchar_t *type);

#endif
