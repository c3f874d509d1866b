/*
 * DirectoryListingModule: when system.webServer/directoryBrowse is enabled
 * for the URL, a directory that has no default document is answered with a
 * listing instead of IIS's 403.14.  It runs last (RQ_EXECUTE_REQUEST_HANDLER,
 * priority LAST, after DefaultDocumentModule) and acts only on the
 * provisional 403.14 the file handler left.  Names are HTML-escaped and
 * links percent-encoded; dot files are not shown; a listing stops at
 * MAX_ENTRIES.  Public API only.
 */
#include "builtin.h"
#include "files.h"
#include "core/http_date.h"
#include "core/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTRIES 10000

static IGuiseServer *guise;

struct entry {
    char *name;
    struct stat st;
};

/* A growing string in request memory. */
struct out {
    IHttpContext *ctx;
    char *buf;
    size_t len, cap;
};

static void
append(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->cap + n + 1) * 2;
        char *grown = IHttpContext_AllocateRequestMemory(o->ctx, (DWORD) cap);

        if (grown == NULL) {
            gs_panic("out of memory for a directory listing of %zu bytes", cap);
        }
        if (o->len > 0) {
            memcpy(grown, o->buf, o->len);
        }
        o->buf = grown;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void
append_str(struct out *o, const char *s)
{
    append(o, s, strlen(s));
}

static void
append_html(struct out *o, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            append_str(o, "&amp;");
            break;
        case '<':
            append_str(o, "&lt;");
            break;
        case '>':
            append_str(o, "&gt;");
            break;
        case '"':
            append_str(o, "&quot;");
            break;
        case '\'':
            append_str(o, "&#39;");
            break;
        default:
            append(o, s, 1);
            break;
        }
    }
}

static void
append_link(struct out *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || strchr("-._~", c) != NULL)
        {
            append(o, (const char *) &c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            append(o, e, 3);
        }
    }
}

static bool
has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);

    for (const char *p = flags; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        while (*p == ' ') {
            p++;
        }
        if (strncasecmp(p, flag, n) == 0 && (p[n] == ',' || p[n] == ' ' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *) a)->name, ((const struct entry *) b)->name);
}

/* Reads the directory (fd is taken over).  0, or -1 when it cannot be read. */
static int
read_entries(int fd, struct entry **out, unsigned *count)
{
    DIR *dir = fdopendir(fd);
    struct entry *entries = NULL;
    struct dirent *d;
    unsigned n = 0, cap = 0;

    if (dir == NULL) {
        close(fd);
        return -1;
    }
    while ((d = readdir(dir)) != NULL && n < MAX_ENTRIES) {
        if (d->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            entries = gs_xrealloc(entries, cap * sizeof(*entries));
        }
        /* The entry itself: a symlink's target may be outside the root, and is not described. */
        if (fstatat(dirfd(dir), d->d_name, &entries[n].st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;
        }
        entries[n].name = gs_xstrdup(d->d_name);
        n++;
    }
    closedir(dir);
    if (n > 0) {
        qsort(entries, n, sizeof(*entries), by_name);
    }
    *out = entries;
    *count = n;
    return 0;
}

static void
render(struct out *o, const char *url, const struct entry *entries, unsigned n, const char *flags)
{
    bool long_date = has_flag(flags, "LongDate");

    append_str(o, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    append_html(o, url);
    append_str(o, "</title></head>\n<body><h1>");
    append_html(o, url);
    append_str(o, "</h1><hr><pre>");
    if (strcmp(url, "/") != 0) {
        append_str(o, "<a href=\"../\">[To Parent Directory]</a>\n");
    }
    for (unsigned i = 0; i < n; i++) {
        const struct entry *e = &entries[i];
        bool dir = S_ISDIR(e->st.st_mode);
        char text[64];
        struct tm tm;

        gmtime_r(&e->st.st_mtim.tv_sec, &tm);
        if (has_flag(flags, "Date")) {
            strftime(text, sizeof(text), long_date ? "%A, %B %d, %Y " : "%Y-%m-%d ", &tm);
            append_str(o, text);
        }
        if (has_flag(flags, "Time")) {
            strftime(text, sizeof(text), "%H:%M ", &tm);
            append_str(o, text);
        }
        if (has_flag(flags, "Size")) {
            if (dir) {
                append_str(o, "       &lt;dir&gt; "); /* as wide as a size: 12 shown */
            } else {
                snprintf(text, sizeof(text), "%12lld ", (long long) e->st.st_size);
                append_str(o, text);
            }
        }
        append_str(o, "<a href=\"");
        append_link(o, e->name);
        append_str(o, dir ? "/\">" : "\">");
        if (!dir && !has_flag(flags, "Extension") && strrchr(e->name, '.') != NULL) {
            char *copy = strdup(e->name);

            if (copy != NULL) {
                *strrchr(copy, '.') = '\0';
                append_html(o, copy);
                free(copy);
            }
        } else {
            append_html(o, e->name);
        }
        append_str(o, dir ? "/</a>\n" : "</a>\n");
    }
    append_str(o, "</pre><hr></body></html>\n");
}

static REQUEST_NOTIFICATION_STATUS
listing_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    IGuiseConfigElement *sec = NULL;
    USHORT status = 0, substatus = 0;
    struct stat st;
    struct entry *entries;
    unsigned n = 0;
    struct out o = {ctx, NULL, 0, 0};
    PCSTR url = NULL;
    DWORD url_len = 0;
    HTTP_DATA_CHUNK chunk;
    int fd;

    (void) This;
    (void) provider;
    IHttpResponse_GetStatus(rsp, &status, &substatus, NULL, NULL, NULL, NULL, NULL, NULL);
    if (status != 403 || substatus != 14
        || FAILED(
            IGuiseServer_GetConfigSection(guise, ctx, "system.webServer/directoryBrowse", &sec))
        || strcmp(IGuiseConfigElement_GetAttribute(sec, "enabled"), "true") != 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    fd = gs_files_open(ctx, NULL, &st);
    if (fd == GS_FILES_NOT_IMPERSONATED) {
        gs_files_error(ctx, 500, 0, ERROR_ACCESS_DENIED);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    if (fd < 0 || !S_ISDIR(st.st_mode)) {
        if (fd >= 0) {
            close(fd);
        }
        return RQ_NOTIFICATION_CONTINUE;
    }
    /* The entries are read and described as the user too (gs_files_open made it so). */
    if (read_entries(fd, &entries, &n) != 0) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    IHttpContext_GetServerVariable(ctx, "URL", &url, &url_len);
    render(&o, url ? url : "/", entries, n, IGuiseConfigElement_GetAttribute(sec, "showFlags"));
    for (unsigned i = 0; i < n; i++) {
        free(entries[i].name);
    }
    free(entries);

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    IHttpResponse_SetHeader(rsp, "Content-Type", "text/html; charset=utf-8", 24, TRUE);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = o.buf;
    chunk.FromMemory.BufferLength = (ULONG) o.len;
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, NULL, NULL);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static const CHttpModuleVtbl listing_vtbl = {
    .OnExecuteRequestHandler = listing_OnExecuteRequestHandler,
};

static CHttpModule instance = {&listing_vtbl}; /* no state per request */

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    (void) This;
    (void) alloc;
    *ppModule = &instance;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

HRESULT
gs_register_directory_listing(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                              IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (FAILED(hr)) {
        return hr;
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LAST);
    }
    if (SUCCEEDED(hr)) {
        gs_files_init(pModuleInfo);
    }
    return hr;
}
