/*
 * W3C log files: where HttpLoggingModule's lines go.  A target is one log:
 * a fixed path (the command line's --log), or a site's directory whose file
 * name follows the period (IIS's u_exYYMMDD.log under W3SVC<id>).  Each
 * thread appends to its own buffer of a target, so a line costs no system
 * call; a flusher thread writes every buffer once a second.  A period's end
 * rolls the file over; SIGUSR1 (gs_w3c_reopen_all) reopens every file by
 * its name, dup2()ing over the descriptor so writers never see it closed.
 */
#ifndef GS_MODULES_W3C_FILE_H
#define GS_MODULES_W3C_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct gs_w3c_target gs_w3c_target_t;

typedef enum { GS_W3C_FIXED, GS_W3C_DAILY, GS_W3C_HOURLY, GS_W3C_MONTHLY } gs_w3c_period_t;

/*
 * The target for a log, made on first use and kept until gs_w3c_close_all:
 * `where` is the file (GS_W3C_FIXED; "-" is standard output) or the directory
 * holding W3SVC<site>.  `fields` is the #Fields line's text.  NULL (logged)
 * when the file cannot be opened.
 */
gs_w3c_target_t *gs_w3c_target(const char *where, gs_w3c_period_t period, unsigned site,
                               const char *fields);

/* Appends one line (with its '\n') stamped `now` (rolls the file over when due). */
void gs_w3c_append(gs_w3c_target_t *t, time_t now, const char *line, size_t len);

void gs_w3c_reopen_all(void);
/* Writes every buffer and closes every file; targets are gone after it. */
void gs_w3c_close_all(void);

#endif
