/*
 * The server's own diagnostic log (not the access log): one line per event on
 * stderr, which systemd's journal or a terminal collects.  Thread-safe: each
 * line is a single write(2).
 */
#ifndef GS_CORE_LOG_H
#define GS_CORE_LOG_H

#include "util.h"

typedef enum { GS_LOG_ERROR, GS_LOG_WARN, GS_LOG_INFO, GS_LOG_DEBUG } gs_log_level_t;

extern gs_log_level_t gs_log_threshold;

void gs_log(gs_log_level_t level, const char *fmt, ...) GS_PRINTF(2, 3);

#define gs_log_error(...) gs_log(GS_LOG_ERROR, __VA_ARGS__)
#define gs_log_warn(...)  gs_log(GS_LOG_WARN, __VA_ARGS__)
#define gs_log_info(...)  gs_log(GS_LOG_INFO, __VA_ARGS__)
/* Costs one comparison when debug logging is off. */
#define gs_log_debug(...)                                                                          \
    do {                                                                                           \
        if (GS_UNLIKELY(gs_log_threshold >= GS_LOG_DEBUG))                                         \
            gs_log(GS_LOG_DEBUG, __VA_ARGS__);                                                     \
    } while (0)

#endif
