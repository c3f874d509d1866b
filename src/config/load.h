/*
 * Loading the configuration the command line names.
 */
#ifndef GS_CONFIG_LOAD_H
#define GS_CONFIG_LOAD_H

#include "config.h"
#include "core/options.h"

/*
 * Reads --config FILE, or writes and reads the embedded default of --root
 * and --listen.  Logs every problem (warnings too); NULL when there is an
 * error.  builtins: as for gs_config_build().
 */
gs_config_t *gs_config_load(const gs_options_t *o, const char *const *builtins);

#endif
