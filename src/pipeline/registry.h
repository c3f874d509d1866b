/*
 * The modules of the process and, once start-up is over, the order in which
 * they hear each notification.  Modules register through
 * IHttpModuleRegistrationInfo from their RegisterModule (built-in modules
 * through the same interface); gs_registry_seal() then builds, for every
 * request notification and every global one, the ordered array of modules
 * that subscribed.  After sealing, everything here is immutable and read
 * without locks from every thread; modules that subscribed to nothing are
 * simply absent from the arrays, so they cost nothing.
 */
#ifndef GS_PIPELINE_REGISTRY_H
#define GS_PIPELINE_REGISTRY_H

#include <guise/httpserv.h>

#include <stdbool.h>
#include <stdint.h>

#define GS_MAX_MODULES 256

/* Request notification slots: 12 deterministic stages x (event, post), then the rest. */
enum {
    GS_STAGES = 12,
    GS_STAGE_AUTHENTICATE = 1,
    GS_STAGE_MAP_HANDLER = 4,
    GS_STAGE_LOG = 10,
    GS_STAGE_END = 11,
    GS_SLOT_SEND_RESPONSE = 2 * GS_STAGES,
    GS_SLOT_MAP_PATH,
    GS_SLOT_READ_ENTITY,
    GS_SLOT_CUSTOM,
    GS_SLOTS
};

/* Priority bands, in the order they run (reversed for RQ_SEND_RESPONSE). */
enum { GS_BAND_FIRST, GS_BAND_HIGH, GS_BAND_MEDIUM, GS_BAND_LOW, GS_BAND_LAST };

typedef struct gs_module {
    char *name;     /* as configured, UTF-8 */
    wchar_t *wname; /* what GetName returns */
    char *image;    /* the shared object; NULL for a built-in */
    unsigned index; /* load order, from 0 */
    void *dl;       /* dlopen handle; NULL for a built-in */
    IHttpModuleFactory *factory;
    DWORD rq_mask, rq_post_mask;
    CGlobalModule *global;
    DWORD gl_mask;
    uint8_t rq_band[32], gl_band[32]; /* by bit number */
} gs_module_t;

typedef struct gs_slot {
    const gs_module_t **modules;
    unsigned count;
} gs_slot_t;

typedef struct gs_registry {
    gs_module_t *modules[GS_MAX_MODULES];
    unsigned count;
    gs_slot_t request[GS_SLOTS];
    gs_slot_t global[32]; /* by GL_ bit number */
    bool sealed;
} gs_registry_t;

/* The process's registry. */
extern gs_registry_t gs_registry;

/*
 * Adds a module and calls its registration function with a registration
 * object valid for the call.  image is the shared object's path (NULL for a
 * built-in).  On failure the module is removed and the HRESULT returned.
 */
HRESULT gs_registry_add(const char *name, const char *image, PFN_REGISTERMODULE reg,
                        IHttpServer *server, void *dl);

/* Is a module of that name (case ignored, as IIS does) registered? */
bool gs_registry_has(const char *name);

/*
 * The module added last hears no request notification: it is loaded for
 * its global ones only (IIS: in <globalModules> but not in <modules>).
 */
void gs_registry_global_only(void);

/* Builds the notification arrays.  No module may be added afterwards. */
void gs_registry_seal(void);

/* Calls every module's Terminate (global module, then factory) and unloads them. */
void gs_registry_terminate(void);

/* The slot of a request notification bit (RQ_*), and post-ness; -1 if not a known bit. */
int gs_slot_of(DWORD notification, bool post);

/* Bit number of a single-bit mask (0..31), or -1. */
int gs_bit_number(DWORD mask);

/* The priority band of a PRIORITY_ALIAS_* string (compared by content), or -1. */
int gs_band_of(PCWSTR alias);

#endif
