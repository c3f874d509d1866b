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

#include "config/config.h"

#include <guise/httpserv.h>

/* The names of the built-in modules, NULL-terminated, for gs_config_build(). */
const char *const *gs_pipeline_builtin_modules(void);

/*
 * Installs the first configuration (taking over its reference), creates the
 * server object, registers the modules of its <modules> list and those of
 * the command line (--module).  0, or -1 after logging one line that names
 * the module that failed.
 */
int gs_pipeline_init(const gs_options_t *opts, gs_config_t *cfg);

/* The loops exist: reloads can wait for them (see pipeline.c). */
void gs_pipeline_attach(gs_server_t *server);

/* The configuration in force (borrowed: main thread and loop threads only). */
gs_config_t *gs_pipeline_config(void);

/*
 * Puts a new configuration in force for new requests (taking over its
 * reference) and raises GL_CONFIGURATION_CHANGE; requests in flight finish
 * with the one they started with.
 */
void gs_pipeline_reload(gs_config_t *cfg);

/* IGuiseServer::GetConfigSection. */
HRESULT gs_pipeline_config_section(IHttpContext *ctx, const char *name, IGuiseConfigElement **out);

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
