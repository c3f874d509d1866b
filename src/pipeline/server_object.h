/*
 * The server object modules receive in RegisterModule (IHttpServer,
 * IHttpServer2 and guise's IGuiseServer), the server-wide trace context,
 * and the one handler mapping guise has.  A process-wide singleton, created
 * before modules load and kept until after they terminate.
 */
#ifndef GS_PIPELINE_SERVER_OBJECT_H
#define GS_PIPELINE_SERVER_OBJECT_H

#include "core/options.h"

#include <guise/httpserv.h>

/* Creates the singleton from the server's options and configuration file (copied). */
void gs_server_object_init(const gs_options_t *opts, const char *config_file);
void gs_server_object_free(void);

IHttpServer *gs_server_object(void);
IHttpTraceContext *gs_server_trace_context(void);
IScriptMapInfo *gs_static_script_map(void);

/* Set when a module asked to recycle the process or reported it unhealthy. */
typedef void (*gs_recycle_fn)(const char *reason);
void gs_server_object_on_recycle(gs_recycle_fn fn);

#endif
