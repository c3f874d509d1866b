/*
 * Module context containers (IHttpModuleContextContainer): one stored
 * context per module id, set once, cleaned up (CleanupStoredContext) once
 * when the owner goes.  Every container is synchronised: a module may touch
 * a site's or the server's container from any thread.  Reading a slot takes
 * no lock (request paths read the contexts of shared owners on every
 * request); only allocating the slots does.  Named containers
 * (INamedContextContainer) keep contexts by name the same way.
 */
#ifndef GS_PIPELINE_CONTAINERS_H
#define GS_PIPELINE_CONTAINERS_H

#include <guise/httpserv.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct gs_container {
    IDispensedHttpModuleContextContainer IDispensedHttpModuleContextContainer_iface;
    pthread_mutex_t lock;                         /* allocating `slots` */
    _Atomic(IHttpStoredContext *) *_Atomic slots; /* by module id - 1; nslots of them */
    unsigned nslots;
    bool dispensed; /* ReleaseContainer frees it */
} gs_container_t;

/* Initialises a container embedded in its owner (not dispensed). */
void gs_container_init(gs_container_t *c);
/* Cleans up every stored context and the lock; the owner calls it once as it goes. */
void gs_container_release(gs_container_t *c);
/* A dispensed container: heap-allocated, deleted by ReleaseContainer. */
IDispensedHttpModuleContextContainer *gs_container_dispense(void);

static inline IHttpModuleContextContainer *
gs_container_iface(gs_container_t *c)
{
    return (IHttpModuleContextContainer *) &c->IDispensedHttpModuleContextContainer_iface;
}

typedef struct gs_named_entry gs_named_entry_t;

typedef struct gs_named_container {
    INamedContextContainer INamedContextContainer_iface;
    pthread_mutex_t lock;
    gs_named_entry_t *entries;
} gs_named_container_t;

void gs_named_container_init(gs_named_container_t *c);
void gs_named_container_release(gs_named_container_t *c);

#endif
