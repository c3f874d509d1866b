/*
 * token_logger: IIS's IHttpTokenEntry sample (the GetImpersonationToken page) on Linux.  A
 * global module that listens for GL_CACHE_OPERATION and GL_CACHE_CLEANUP and writes, for each
 * operation on a record of the TOKEN cache, one event to the system log:
 *
 *     <cacheProvider><tokenEntry impersonationToken="valid" primaryToken="valid" sid="valid"
 *     flushed="false"><tokenKey userName="alice" logon="8" cacheName="TOKEN" hash="-12345"
 *     isEqual="true" isPrefix="false"/></tokenEntry></cacheProvider>
 *
 * (one line), and "OnGlobalCacheCleanup" when the caches are purged at shutdown.  The journal
 * gets structured fields besides (GUISE_CACHE_OPERATION=CACHE_OPERATION_ADD, GUISE_USER_NAME,
 * GUISE_MODULE=token_logger...); where there is no journal, syslog gets the message after
 * "token_logger: CACHE_OPERATION_ADD: " (syslog has no fields).
 * Operations without a record (a RETRIEVE that missed) are not logged, as in the sample.
 *
 * Quiet unless enabled: IIS's sample writes only in debug builds, this one only when the
 * environment of guise has GUISE_TOKEN_LOGGER=1 when the module is loaded.  Disabled, it
 * registers for nothing, so the cache does not even raise the notifications for it.
 *
 * What it shows: a global module's registration (SetGlobalNotifications, priority FIRST so the
 * data is as complete as possible); the downcast of a record by its cache name
 * (GuiseTokenEntryFromCacheData); the ownership of what a token entry lends: handles and SID
 * are the entry's, never closed or freed here, and used only between ReferenceCacheData and
 * DereferenceCacheData.  The password hash of the key is never read: it has no place in a log.
 *
 *     cc -shared -fPIC $(pkg-config --cflags guise-module libsystemd) -o token_logger.so \
 *        token_logger.c $(pkg-config --libs libsystemd)
 *     GUISE_TOKEN_LOGGER=1 guise --config applicationHost.config \
 *        --module token_logger=./token_logger.so
 *     journalctl GUISE_MODULE=token_logger -o verbose
 */
#define SD_JOURNAL_SUPPRESS_LOCATION /* CODE_FILE= and friends would name this file: no use */

#include <guise/httpserv.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#define ENABLE_VAR    "GUISE_TOKEN_LOGGER"
#define NAME_MAX_UTF8 1024 /* bytes of a user name kept for the log; longer ones are cut */
#define EVENT_MAX     (NAME_MAX_UTF8 * 6 + 512) /* every byte escaped as "&#xNN;" at worst */

/* ---- text: wide to UTF-8, XML escaping -------------------------------------------------- */

/*
 * ws as UTF-8 into out (cap bytes, NUL included), cut at a whole character; code points that
 * are not Unicode scalar values become U+FFFD.  "NULL" for a NULL string.
 */
static void
utf8(PCWSTR ws, char *out, size_t cap)
{
    size_t n = 0;

    if (ws == NULL) {
        snprintf(out, cap, "NULL");
        return;
    }
    for (; *ws != L'\0'; ws++) {
        uint32_t c = (uint32_t) *ws;
        char b[4];
        size_t len;

        if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
            c = 0xfffd;
        }
        if (c < 0x80) {
            b[0] = (char) c;
            len = 1;
        } else if (c < 0x800) {
            b[0] = (char) (0xc0 | (c >> 6));
            b[1] = (char) (0x80 | (c & 0x3f));
            len = 2;
        } else if (c < 0x10000) {
            b[0] = (char) (0xe0 | (c >> 12));
            b[1] = (char) (0x80 | ((c >> 6) & 0x3f));
            b[2] = (char) (0x80 | (c & 0x3f));
            len = 3;
        } else {
            b[0] = (char) (0xf0 | (c >> 18));
            b[1] = (char) (0x80 | ((c >> 12) & 0x3f));
            b[2] = (char) (0x80 | ((c >> 6) & 0x3f));
            b[3] = (char) (0x80 | (c & 0x3f));
            len = 4;
        }
        if (n + len >= cap) {
            break;
        }
        memcpy(out + n, b, len);
        n += len;
    }
    out[n] = '\0';
}

/*
 * s (UTF-8) fit for an XML attribute value into out: the five markup characters as entities,
 * control characters (a newline would split a syslog line) as character references.
 */
static void
xml_escape(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;
        char ref[8];
        const char *put = ref;
        size_t len;

        switch (c) {
        case '&':
            put = "&amp;";
            break;
        case '<':
            put = "&lt;";
            break;
        case '>':
            put = "&gt;";
            break;
        case '"':
            put = "&quot;";
            break;
        case '\'':
            put = "&apos;";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(ref, sizeof(ref), "&#x%X;", c);
            } else {
                ref[0] = (char) c;
                ref[1] = '\0';
            }
        }
        len = strlen(put);
        if (n + len >= cap) {
            break;
        }
        memcpy(out + n, put, len);
        n += len;
    }
    out[n] = '\0';
}

/* The sample's rendering of a HANDLE or a PSID. */
static const char *
handle_text(const void *h)
{
    if (h == NULL) {
        return "NULL";
    }
    return h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "valid";
}

static const char *
bool_text(bool b)
{
    return b ? "true" : "false";
}

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

/* ---- the event ---------------------------------------------------------------------------- */

struct event {
    const char *operation;    /* CACHE_OPERATION_... */
    char user[NAME_MAX_UTF8]; /* UTF-8, as the key has it (a journal field is binary-safe) */
    DWORD logon;
    bool flushed;
    char message[EVENT_MAX];
};

/*
 * Whether the journal listens.  sd_journal_send cannot tell: without the socket it drops the
 * message and reports success.  Asked at each event, so a journal that starts later is used.
 */
static bool
journal_listens(void)
{
    return access("/run/systemd/journal/socket", F_OK) == 0;
}

/*
 * To the journal with structured fields; when there is none (or sending failed), to syslog,
 * which has only the message: the module and the operation go in front of it.  openlog() is
 * not called: its settings are the process's, and another module may want them; syslog's tag
 * stays guise's program name, as the journal's SYSLOG_IDENTIFIER.
 */
static void
emit(const struct event *ev)
{
    int rc = -1;

    if (journal_listens()) {
        rc = sd_journal_send("MESSAGE=%s", ev->message, "PRIORITY=%d", LOG_INFO,
                             "SYSLOG_IDENTIFIER=guise", "GUISE_MODULE=token_logger",
                             "GUISE_CACHE_NOTIFICATION=GL_CACHE_OPERATION",
                             "GUISE_CACHE_OPERATION=%s", ev->operation, "GUISE_CACHE_NAME=TOKEN",
                             "GUISE_USER_NAME=%s", ev->user, "GUISE_LOGON_METHOD=%u",
                             (unsigned) ev->logon, "GUISE_FLUSHED=%d", ev->flushed ? 1 : 0, NULL);
    }
    if (rc < 0) {
        syslog(LOG_DAEMON | LOG_INFO, "token_logger: %s: %s", ev->operation, ev->message);
    }
}

/*
 * The sample's record element for a token entry, its key inside it.  The entry is referenced
 * by the caller; the key and its strings are the entry's, read and let go.
 */
static void
describe(IHttpTokenEntry *entry, IHttpTokenKey *key, struct event *ev)
{
    char name[EVENT_MAX / 2];

    utf8(IHttpTokenKey_GetUserName(key), ev->user, sizeof(ev->user));
    xml_escape(ev->user, name, sizeof(name));
    ev->logon = IHttpTokenKey_GetLogonMethod(key);
    ev->flushed = IHttpTokenEntry_GetFlushed(entry) != FALSE;
    /* DWORDs as signed decimals, as the sample prints them (a key's hash may be negative). */
    snprintf(ev->message, sizeof(ev->message),
             "<cacheProvider><tokenEntry impersonationToken=\"%s\" primaryToken=\"%s\" "
             "sid=\"%s\" flushed=\"%s\"><tokenKey userName=\"%s\" logon=\"%d\" "
             "cacheName=\"TOKEN\" hash=\"%d\" isEqual=\"%s\" isPrefix=\"%s\"/></tokenEntry>"
             "</cacheProvider>",
             handle_text(IHttpTokenEntry_GetImpersonationToken(entry)),
             handle_text(IHttpTokenEntry_GetPrimaryToken(entry)),
             handle_text(IHttpTokenEntry_GetSid(entry)), bool_text(ev->flushed), name,
             (int32_t) ev->logon, (int32_t) IHttpTokenKey_GetHash(key),
             bool_text(IHttpTokenKey_GetIsEqual(key, (IHttpCacheKey *) key)),
             bool_text(IHttpTokenKey_GetIsPrefix(key, (IHttpCacheKey *) key)));
}

/* ---- the global module ---------------------------------------------------------------------- */

static GLOBAL_NOTIFICATION_STATUS
token_logger_OnGlobalCacheOperation(CGlobalModule *This, ICacheProvider *pProvider)
{
    IHttpCacheSpecificData *record;
    IHttpTokenEntry *entry;
    IHttpTokenKey *key;
    struct event *ev;

    (void) This;
    if (pProvider == NULL) {
        return GL_NOTIFICATION_CONTINUE;
    }
    /* Borrowed from the provider.  The cache name says what it is; other caches' are not ours. */
    record = ICacheProvider_GetCacheRecord(pProvider);
    entry = GuiseTokenEntryFromCacheData(record);
    if (entry == NULL) {
        return GL_NOTIFICATION_CONTINUE; /* no record (a miss), or not a token */
    }
    IHttpTokenEntry_ReferenceCacheData(entry);
    key = GuiseTokenKeyFromCacheKey(IHttpTokenEntry_GetCacheKey(entry));
    ev = malloc(sizeof(*ev)); /* ~7 KiB: not on a loop thread's stack */
    if (key != NULL && ev != NULL) {
        ev->operation = operation_name(ICacheProvider_GetCacheOperation(pProvider));
        describe(entry, key, ev);
        emit(ev);
    }
    free(ev);
    /* Handles and SID stay the entry's: never CloseHandle'd or freed here. */
    IHttpTokenEntry_DereferenceCacheData(entry);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
token_logger_OnGlobalCacheCleanup(CGlobalModule *This)
{
    (void) This;
    if (!journal_listens()
        || sd_journal_send("MESSAGE=OnGlobalCacheCleanup", "PRIORITY=%d", LOG_INFO,
                           "SYSLOG_IDENTIFIER=guise", "GUISE_MODULE=token_logger",
                           "GUISE_CACHE_NOTIFICATION=GL_CACHE_CLEANUP", NULL)
               < 0)
    {
        syslog(LOG_DAEMON | LOG_INFO, "token_logger: OnGlobalCacheCleanup");
    }
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
token_logger_Terminate(CGlobalModule *This)
{
    (void) This; /* static: nothing to free */
}

static const CGlobalModuleVtbl token_logger_vtbl = {
    .OnGlobalCacheCleanup = token_logger_OnGlobalCacheCleanup,
    .OnGlobalCacheOperation = token_logger_OnGlobalCacheOperation,
    .Terminate = token_logger_Terminate,
};

/* One instance for the process; notifications may use it from several threads at once. */
static CGlobalModule instance = {&token_logger_vtbl};

/* GUISE_TOKEN_LOGGER=1 (or any value but empty and "0") enables the module. */
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
        return S_OK; /* loaded, registered for nothing: costs nothing */
    }
    hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &instance,
                                                            GL_CACHE_OPERATION | GL_CACHE_CLEANUP);
    if (FAILED(hr)) {
        return hr;
    }
    /* First, as the sample: the data is as complete as it gets before others change it. */
    return IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(
        pModuleInfo, GL_CACHE_OPERATION, PRIORITY_ALIAS_FIRST);
}
