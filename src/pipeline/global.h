/*
 * Global notifications (GL_*): delivered to the CGlobalModule of every
 * module that subscribed, in priority order, until one returns
 * GL_NOTIFICATION_HANDLED.  Any thread may raise one; the subscriber lists
 * are immutable after start-up, so no lock is held while a module runs and
 * a module may raise notifications (or cache operations) from its handler.
 */
#ifndef GS_PIPELINE_GLOBAL_H
#define GS_PIPELINE_GLOBAL_H

#include <guise/httpserv.h>
#include <stdbool.h>

/* True when some module subscribed: raising costs nothing otherwise. */
bool gs_global_wanted(DWORD notification);

/*
 * Raises one GL_ notification; `provider` is the interface its method takes
 * (NULL for GL_CACHE_CLEANUP and GL_HEALTH_CHECK).  Returns HANDLED if a
 * module stopped the chain.
 */
GLOBAL_NOTIFICATION_STATUS gs_global_raise(DWORD notification, void *provider);

/* The notifications with providers of their own, ready to raise. */
void gs_global_pre_begin_request(IHttpContext *ctx);
void gs_global_stop_listening(bool graceful);
void gs_global_application(DWORD notification, IHttpApplication *app);
void gs_global_thread_cleanup(IHttpApplication *app);
void gs_global_configuration_change(PCWSTR path);
void gs_global_file_change(PCWSTR path);
GLOBAL_NOTIFICATION_STATUS gs_global_trace_event(HTTP_TRACE_EVENT *event);

#endif
