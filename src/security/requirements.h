/*
 * What a configuration asks of the process: impersonating its anonymous
 * accounts and Basic users needs CAP_SETUID and CAP_SETGID (guise started
 * as root).  Without them guise refuses to serve such a configuration,
 * rather than serving it as the process user; anonymousAuthentication
 * userName="" is how a configuration says to serve as the process user.
 */
#ifndef GS_SECURITY_REQUIREMENTS_H
#define GS_SECURITY_REQUIREMENTS_H

#include "config/config.h"

/* 0 when this process can serve cfg as it says; else -1, after logging each reason. */
int gs_security_check(const gs_config_t *cfg);

#endif
