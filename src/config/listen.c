/*
 * From bindings to listening addresses and back.  A binding with port 0
 * (meant for tests) gets a free port the first time its address is opened;
 * the port is remembered, so that a reload keeps listening where clients
 * already connect.
 */
#include "listen.h"

#include <stdio.h>
#include <string.h>

#define MAX_REMEMBERED GS_MAX_LISTEN

/* Main thread only: start-up and reloads. */
static struct {
    gs_sockaddr_t addr; /* with port 0 */
    socklen_t len;
    unsigned port;
} remembered[MAX_REMEMBERED];
static unsigned nremembered;

static void
set_port(gs_sockaddr_t *a, unsigned port)
{
    if (a->sa.sa_family == AF_INET6) {
        a->in6.sin6_port = htons((uint16_t) port);
    } else {
        a->in.sin_port = htons((uint16_t) port);
    }
}

static bool
same(const gs_sockaddr_t *a, socklen_t alen, const gs_sockaddr_t *b, socklen_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* Is there a started binding on the any address of a's family and port? */
static bool
covered_by_any(const gs_config_t *cfg, const gs_cfg_binding_t *a)
{
    for (unsigned i = 0; i < cfg->nbindings; i++) {
        const gs_cfg_binding_t *b = &cfg->bindings[i];

        if (b->any_ip && b->site->autostart && b->port == a->port
            && b->addr.sa.sa_family == a->addr.sa.sa_family)
        {
            return true;
        }
    }
    return false;
}

unsigned
gs_config_listen_addrs(const gs_config_t *cfg, gs_listen_addr_t *out, unsigned max)
{
    unsigned n = 0;

    for (unsigned i = 0; i < cfg->nbindings; i++) {
        const gs_cfg_binding_t *b = &cfg->bindings[i];
        gs_listen_addr_t l = {.addr = b->addr, .len = b->addr_len};
        bool seen = false;

        /*
         * An address on a port whose any address is bound is not bound again (the
         * kernel would refuse it): the any address takes its connections, and the
         * site is still chosen by the address a connection arrived on.
         */
        if (!b->site->autostart || (!b->any_ip && b->port != 0 && covered_by_any(cfg, b))) {
            continue;
        }
        for (unsigned k = 0; b->port == 0 && k < nremembered; k++) {
            if (same(&remembered[k].addr, remembered[k].len, &b->addr, b->addr_len)) {
                set_port(&l.addr, remembered[k].port);
            }
        }
        for (unsigned k = 0; k < n && k < max; k++) {
            seen |= same(&out[k].addr, out[k].len, &l.addr, l.len);
        }
        if (!seen) {
            if (n < max) {
                gs_sockaddr_text(&l.addr, l.text);
                out[n] = l;
            }
            n++;
        }
    }
    return n;
}

void
gs_config_bound(gs_config_t *cfg, const gs_listen_addr_t *asked, const gs_listen_addr_t *bound,
                unsigned n)
{
    for (unsigned i = 0; i < cfg->nbindings; i++) {
        gs_cfg_binding_t *b = &cfg->bindings[i];

        if (b->port != 0) {
            continue;
        }
        for (unsigned k = 0; k < n; k++) {
            if (same(&asked[k].addr, asked[k].len, &b->addr, b->addr_len)) {
                if (nremembered < MAX_REMEMBERED) {
                    remembered[nremembered].addr = b->addr;
                    remembered[nremembered].len = b->addr_len;
                    remembered[nremembered].port = gs_sockaddr_port(&bound[k].addr);
                    nremembered++;
                }
                break;
            }
        }
        for (unsigned k = 0; k < nremembered; k++) {
            if (same(&remembered[k].addr, remembered[k].len, &b->addr, b->addr_len)) {
                b->port = remembered[k].port;
                set_port(&b->addr, b->port);
                break;
            }
        }
    }
}
