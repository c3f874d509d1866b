/*
 * cache_logger: IIS's ICacheProvider::GetCacheOperation sample on Linux.  A global module that
 * listens for GL_CACHE_OPERATION and writes one event to the system log for every operation on
 * every cache (TOKEN, FILE, URI, and those modules add records to):
 *
 *     GetCacheOperation: CACHE_OPERATION_RETRIEVE
 *
 * The journal gets structured fields besides: GUISE_CACHE_OPERATION=CACHE_OPERATION_RETRIEVE,
 * GUISE_CACHE_NAME=TOKEN, GUISE_CACHE_RECORD=valid (NULL for a miss), GUISE_MODULE=
 * cache_logger.  Where there is no journal, syslog gets "cache_logger: GetCacheOperation:
 * CACHE_OPERATION_RETRIEVE cache=TOKEN record=valid".
 *
 * Quiet unless enabled, as token_logger: GUISE_CACHE_LOGGER=1 in guise's environment when the
 * module is loaded.  Disabled, it registers for nothing.
 *
 *     cc -shared -fPIC $(pkg-config --cflags guise-module libsystemd) -o cache_logger.so \
 *        cache_logger.c $(pkg-config --libs libsystemd)
 *     GUISE_CACHE_LOGGER=1 guise --config applicationHost.config \
 *        --module cache_logger=./cache_logger.so
 *     journalctl GUISE_MODULE=cache_logger
 *
 * It reads the operation and the key's cache name only: no record is interpreted, so none is
 * referenced (a provider's record is valid for the whole notification).
 */
#define SD_JOURNAL_SUPPRESS_LOCATION

#include <guise/httpserv.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#define ENABLE_VAR "GUISE_CACHE_LOGGER"

static const char *
operation_name(CACHE_OPERATION op)
{
    switch (op) {
    case CACHE_OPERATION_RETRIEVE:
        return "CACHE_OPERATION_RETRIEVE";
    case CACHE_OPERATION_ADD:
        return "CACHE_OPERATION_ADD";
    case CACHE_OPERATION_DELETE:
        return "CACHE_OPERATION_DELETE";
    case CACHE_OPERATION_FLUSH_PREFIX:
        return "CACHE_OPERATION_FLUSH_PREFIX";
    case CACHE_OPERATION_ENUM:
        return "CACHE_OPERATION_ENUM";
    }
    return "CACHE_OPERATION_UNKNOWN";
}

/*
 * A cache name for the log: printable ASCII kept, anything else '?' (names are chosen by
 * modules, not clients, but a log line is no place for a control character).  "NULL" for none.
 */
static void
cache_name(IHttpCacheKey *key, char *out, size_t cap)
{
    PCWSTR ws = key != NULL ? IHttpCacheKey_GetCacheName(key) : NULL;
    size_t n = 0;

    if (ws == NULL) {
        ws = L"NULL";
    }
    for (; *ws != L'\0' && n + 1 < cap; ws++) {
        out[n++] = *ws >= 0x20 && *ws < 0x7f ? (char) *ws : '?';
    }
    out[n] = '\0';
}

/*
 * Whether the journal listens.  sd_journal_send cannot tell: without the socket it drops the
 * message and reports success.  Asked at each event, so a journal that starts later is used.
 */
static bool
journal_listens(void)
{
    return access("/run/systemd/journal/socket", F_OK) == 0;
}

static GLOBAL_NOTIFICATION_STATUS
cache_logger_OnGlobalCacheOperation(CGlobalModule *This, ICacheProvider *pProvider)
{
    IHttpCacheSpecificData *rec;
    IHttpCacheKey *key;
    const char *op;
    char name[64];

    (void) This;
    if (pProvider == NULL) {
        return GL_NOTIFICATION_CONTINUE;
    }
    op = operation_name(ICacheProvider_GetCacheOperation(pProvider));
    rec = ICacheProvider_GetCacheRecord(pProvider); /* borrowed, read only for its key */
    key = ICacheProvider_GetCacheKey(pProvider);
    if (key == NULL && rec != NULL) {
        key = IHttpCacheSpecificData_GetCacheKey(rec); /* an ADD may come with the record's only */
    }
    cache_name(key, name, sizeof(name));
    if (!journal_listens()
        || sd_journal_send("MESSAGE=GetCacheOperation: %s", op, "PRIORITY=%d", LOG_INFO,
                           "SYSLOG_IDENTIFIER=guise", "GUISE_MODULE=cache_logger",
                           "GUISE_CACHE_NOTIFICATION=GL_CACHE_OPERATION",
                           "GUISE_CACHE_OPERATION=%s", op, "GUISE_CACHE_NAME=%s", name,
                           "GUISE_CACHE_RECORD=%s", rec != NULL ? "valid" : "NULL", NULL)
               < 0)
    {
        /* No journal: syslog, with the fields that matter in the line (it has no others). */
        syslog(LOG_DAEMON | LOG_INFO, "cache_logger: GetCacheOperation: %s cache=%s record=%s", op,
               name, rec != NULL ? "valid" : "NULL");
    }
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
cache_logger_Terminate(CGlobalModule *This)
{
    (void) This; /* static: nothing to free */
}

static const CGlobalModuleVtbl cache_logger_vtbl = {
    .OnGlobalCacheOperation = cache_logger_OnGlobalCacheOperation,
    .Terminate = cache_logger_Terminate,
};

static CGlobalModule instance = {&cache_logger_vtbl};

/* GUISE_CACHE_LOGGER=1 (or any value but empty and "0") enables the module. */
static bool
enabled(void)
{
    const char *v = getenv(ENABLE_VAR);

    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    if (pGlobalInfo == NULL) {
        return E_INVALIDARG;
    }
    if (!enabled()) {
        return S_OK; /* loaded, registered for nothing */
    }
    hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &instance,
                                                            GL_CACHE_OPERATION);
    if (FAILED(hr)) {
        return hr;
    }
    return IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(
        pModuleInfo, GL_CACHE_OPERATION, PRIORITY_ALIAS_FIRST);
}
