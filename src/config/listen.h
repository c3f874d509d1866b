/*
 * The addresses a configuration's bindings listen on, for the core.
 */
#ifndef GS_CONFIG_LISTEN_H
#define GS_CONFIG_LISTEN_H

#include "config.h"
#include "core/options.h"

/*
 * The distinct addresses of the bindings of started sites: how many there
 * are, of which at most max are written (more is the caller's error).  A
 * port-0 binding whose address was opened before has that port again;
 * otherwise port 0 stays, for the core to pick one.
 */
unsigned gs_config_listen_addrs(const gs_config_t *cfg, gs_listen_addr_t *out, unsigned max);

/*
 * After the core opened them (asked: as gs_config_listen_addrs gave them;
 * bound: with the ports it picked): writes the picked ports into the
 * port-0 bindings, before the configuration is put in force, and
 * remembers them for the next reload.
 */
void gs_config_bound(gs_config_t *cfg, const gs_listen_addr_t *asked, const gs_listen_addr_t *bound,
                     unsigned n);

#endif
