/*
 * guise/httpserv.h - the IIS native-module API, in C.
 *
 * guise loads modules written against IIS's httpserv.h.  This header keeps IIS's names
 * for interfaces, methods, parameters, types and constants; what guise adds is named
 * GUISE_... or Guise...  Section numbers (§) refer to spec/iis-native-api.md.
 *
 * The C form.  An interface IFoo is a struct whose only member, lpVtbl, points to a table
 * of function pointers, IFooVtbl.  Each function takes the object first (This; a pointer
 * to const for IIS's const methods), then IIS's parameters in IIS's order.  C has no
 * default arguments: pass IIS's defaults yourself (each method notes them).  Call through
 * the macros, one per method, inherited methods included:
 *
 *     HANDLE         tok = IHttpTokenEntry_GetImpersonationToken(entry);
 *     IHttpCacheKey *key = IHttpTokenEntry_GetCacheKey(entry);
 *
 * Slot order.  A derived interface's table begins with all of its base's slots, in the
 * base's order, so a derived pointer may be cast to its base.  An interface's own methods
 * follow in alphabetical order (case-insensitive, as in the reference's tables).
 * CHttpModule and CGlobalModule keep IIS's declaration order.  This is not IIS's binary
 * vtable layout: modules are compiled against this header, not loaded from Windows.
 *
 * Names of C++ overloads, one rule:
 *   - the overload with narrow strings (PCSTR) keeps the plain name, the one with wide
 *     strings (PCWSTR) adds W: SetUrl / SetUrlW, GetServerVariable / GetServerVariableW;
 *   - the overload taking an HTTP_HEADER_ID adds ById: GetHeaderById, SetHeaderById,
 *     DeleteHeaderById;
 *   - a method that a derived interface declares again with other parameters adds the
 *     interface's generation: IHttpContext3 PostCompletion3, IHttpRequest3
 *     ReadEntityBody3, IHttpResponse2 Flush2 and WriteEntityChunks2.
 * Variants sit right after the plain name.  IIS's template HttpGetExtendedInterface is a
 * function taking interface ids (IID_...), see the end of this file.
 *
 * Ownership, as stated on each method:
 *   borrowed  the callee keeps it; valid while you hold a reference on the object that
 *             returned it (or for the call / notification); never free or close it;
 *   +1        you receive a reference: release it with the method named;
 *   consumed  the callee takes over the reference or object you pass.
 * Parameters are borrowed unless stated otherwise; a callee that keeps one takes its own
 * reference or copy.
 *
 * Errors.  Methods return HRESULTs; a Win32 code named in a comment (ERROR_...) comes back
 * as HRESULT_FROM_WIN32(code).
 *
 * Strings.  PCSTR is UTF-8.  PCWSTR is wchar_t (UTF-32 on Linux; write L"..."); a "cch"
 * length counts characters (bytes for PCSTR, wchar_t for PCWSTR) without the terminator,
 * a "cb" length counts bytes.  Compare cache names, priority aliases and other identifiers
 * by content, never by pointer.
 *
 * Threads.  IHttpServer, the caches, cache records and reference counts are thread-safe.
 * A request's objects (IHttpContext and what it returns) are used from that request's
 * notifications and completions only, one thread at a time.  Global notifications may
 * arrive on any thread, concurrently.
 *
 * A module is a shared object exporting RegisterModule (PFN_REGISTERMODULE, at the end).
 *
 * Function tables and GUID lists are kept out of clang-format: version 14 breaks a long
 * function-pointer member after its name, and formatting that result again changes it.
 */
#ifndef GUISE_HTTPSERV_H
#define GUISE_HTTPSERV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ guise additions */

/* Version of this header's API; MAJOR changes when a table or a type changes shape. */
#define GUISE_API_VERSION_MAJOR 0
#define GUISE_API_VERSION_MINOR 1

/* The dwServerVersion guise passes to RegisterModule (the IIS major version it follows). */
#define GUISE_SERVER_VERSION 10

/* Marks what the guise executable exports to modules (HttpGetExtendedInterface, IIDs). */
#define GUISE_API __attribute__((visibility("default")))

/* Marks a module's RegisterModule for export from its shared object. */
#define GUISE_MODULE_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------ Windows base types */

#define VOID   void
#define WINAPI /* calling conventions do not apply */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef void *PVOID;
typedef void *LPVOID;
typedef char CHAR;
typedef char *PCHAR;
typedef char *PSTR;
typedef char *LPSTR;
typedef const char *PCSTR;
typedef const char *LPCSTR;
typedef wchar_t WCHAR;
typedef wchar_t *PWCHAR;
typedef wchar_t *PWSTR;
typedef wchar_t *LPWSTR;
typedef const wchar_t *PCWSTR;
typedef const wchar_t *LPCWSTR;
typedef uint8_t BYTE;
typedef uint8_t UCHAR;
typedef uint8_t *PBYTE;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef uint16_t WORD;
typedef int32_t LONG; /* Windows LONG and ULONG are 32-bit */
typedef uint32_t ULONG;
typedef uint32_t DWORD;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef int BOOL;
typedef int32_t HRESULT;
typedef void *HANDLE;
typedef void *PSID;
typedef struct sockaddr *PSOCKADDR;

#define INVALID_HANDLE_VALUE ((HANDLE) (intptr_t) -1)

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME;

/* A 64-bit value in two halves.  Anonymous members are standard C11; __extension__ keeps
 * C++ compilers quiet about them. */
typedef union _ULARGE_INTEGER {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    __extension__ struct {
        DWORD HighPart;
        DWORD LowPart;
    };
    struct {
        DWORD HighPart;
        DWORD LowPart;
    } u;
#else
    __extension__ struct {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
#endif
    ULONGLONG QuadPart;
} ULARGE_INTEGER;

/* Completion routine of IHttpServer_AssociateWithThreadPool and IHttpContext3_PostCompletion3;
 * lpOverlapped is the operation's context pointer. */
typedef VOID (*LPOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
                                                PVOID lpOverlapped);

/*
 * A HANDLE naming an open file (IHttpFileInfo_GetFileHandle, HTTP_DATA_CHUNK
 * FromFileHandle.FileHandle, IHttpServer_AssociateWithThreadPool) carries a file
 * descriptor stored as fd + 1, so that descriptor 0 is not NULL.  Convert with these
 * helpers, never with a cast.  NULL and INVALID_HANDLE_VALUE both mean "no descriptor"
 * (-1).  Token HANDLEs are not descriptors (see IHttpTokenEntry).
 */
static inline HANDLE
GuiseHandleFromFd(int fd)
{
    return fd < 0 ? INVALID_HANDLE_VALUE : (HANDLE) ((intptr_t) fd + 1);
}

static inline int
GuiseFdFromHandle(HANDLE h)
{
    intptr_t v = (intptr_t) h;

    return (v <= 0 || v > (intptr_t) INT_MAX + 1) ? -1 : (int) (v - 1);
}

/* ------------------------------------------------------------------ HRESULT and Win32 codes */

#define FACILITY_WIN32       7
#define SUCCEEDED(hr)        (((HRESULT) (hr)) >= 0)
#define FAILED(hr)           (((HRESULT) (hr)) < 0)
#define HRESULT_CODE(hr)     (((DWORD) (hr)) & 0xFFFFu)
#define HRESULT_FACILITY(hr) ((((DWORD) (hr)) >> 16) & 0x1FFFu)
#define HRESULT_FROM_WIN32(x)                                                                      \
    ((HRESULT) (x) <= 0                                                                            \
         ? (HRESULT) (x)                                                                           \
         : (HRESULT) ((((DWORD) (x)) & 0xFFFFu) | (FACILITY_WIN32 << 16) | 0x80000000u))

#define S_OK           ((HRESULT) 0)
#define S_FALSE        ((HRESULT) 1)
#define E_NOTIMPL      ((HRESULT) 0x80004001u)
#define E_NOINTERFACE  ((HRESULT) 0x80004002u)
#define E_POINTER      ((HRESULT) 0x80004003u)
#define E_FAIL         ((HRESULT) 0x80004005u)
#define E_ACCESSDENIED ((HRESULT) 0x80070005u)
#define E_OUTOFMEMORY  ((HRESULT) 0x8007000Eu)
#define E_INVALIDARG   ((HRESULT) 0x80070057u)

#define NO_ERROR                  0
#define ERROR_SUCCESS             0
#define ERROR_FILE_NOT_FOUND      2
#define ERROR_PATH_NOT_FOUND      3
#define ERROR_ACCESS_DENIED       5
#define ERROR_INVALID_HANDLE      6
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_INVALID_DATA        13
#define ERROR_HANDLE_EOF          38
#define ERROR_NOT_SUPPORTED       50
#define ERROR_ALREADY_ASSIGNED    85
#define ERROR_INVALID_PARAMETER   87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_ALREADY_EXISTS      183
#define ERROR_MORE_DATA           234
#define ERROR_ARITHMETIC_OVERFLOW 534
#define ERROR_IO_PENDING          997
#define ERROR_STACK_OVERFLOW      1001
#define ERROR_NOT_FOUND           1168
#define ERROR_CONNECTION_INVALID  1229
#define ERROR_CONNECTION_ABORTED  1236
#define ERROR_LOGON_FAILURE       1326
#define ERROR_ACCOUNT_DISABLED    1331
#define ERROR_INVALID_INDEX       1413
#define ERROR_TIMEOUT             1460

/* ------------------------------------------------------------------ GUIDs */

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;

typedef const GUID *LPCGUID;

/* Compares two GUIDs by content. */
static inline BOOL
IsEqualGUID(const GUID *rguid1, const GUID *rguid2)
{
    int i;

    if (rguid1->Data1 != rguid2->Data1 || rguid1->Data2 != rguid2->Data2
        || rguid1->Data3 != rguid2->Data3)
    {
        return FALSE;
    }
    for (i = 0; i < 8; i++) {
        if (rguid1->Data4[i] != rguid2->Data4[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * GUID constants live in the guise executable.  Lists below are X-macros of
 * (name, Data1, Data2, Data3, Data4[0..7]): this header declares them with
 * GUISE_GUID_DECLARE; the server defines them once with GUISE_GUID_DEFINE (after including
 * this header, whose declarations give them external linkage and default visibility).
 */
#define GUISE_GUID_DECLARE(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                        \
    extern GUISE_API const GUID name;
#define GUISE_GUID_DEFINE(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                         \
    const GUID name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}};

/* ------------------------------------------------------------------ HTTP Server API (http.h) */

/* Known headers, numbered as in http.h.  Request and response ids share 20..29. */
typedef enum _HTTP_HEADER_ID {
    HttpHeaderCacheControl = 0,
    HttpHeaderConnection = 1,
    HttpHeaderDate = 2,
    HttpHeaderKeepAlive = 3,
    HttpHeaderPragma = 4,
    HttpHeaderTrailer = 5,
    HttpHeaderTransferEncoding = 6,
    HttpHeaderUpgrade = 7,
    HttpHeaderVia = 8,
    HttpHeaderWarning = 9,

    HttpHeaderAllow = 10,
    HttpHeaderContentLength = 11,
    HttpHeaderContentType = 12,
    HttpHeaderContentEncoding = 13,
    HttpHeaderContentLanguage = 14,
    HttpHeaderContentLocation = 15,
    HttpHeaderContentMd5 = 16,
    HttpHeaderContentRange = 17,
    HttpHeaderExpires = 18,
    HttpHeaderLastModified = 19,

    /* request headers */
    HttpHeaderAccept = 20,
    HttpHeaderAcceptCharset = 21,
    HttpHeaderAcceptEncoding = 22,
    HttpHeaderAcceptLanguage = 23,
    HttpHeaderAuthorization = 24,
    HttpHeaderCookie = 25,
    HttpHeaderExpect = 26,
    HttpHeaderFrom = 27,
    HttpHeaderHost = 28,
    HttpHeaderIfMatch = 29,
    HttpHeaderIfModifiedSince = 30,
    HttpHeaderIfNoneMatch = 31,
    HttpHeaderIfRange = 32,
    HttpHeaderIfUnmodifiedSince = 33,
    HttpHeaderMaxForwards = 34,
    HttpHeaderProxyAuthorization = 35,
    HttpHeaderReferer = 36,
    HttpHeaderRange = 37,
    HttpHeaderTe = 38,
    HttpHeaderTranslate = 39,
    HttpHeaderUserAgent = 40,
    HttpHeaderRequestMaximum = 41,

    /* response headers */
    HttpHeaderAcceptRanges = 20,
    HttpHeaderAge = 21,
    HttpHeaderEtag = 22,
    HttpHeaderLocation = 23,
    HttpHeaderProxyAuthenticate = 24,
    HttpHeaderRetryAfter = 25,
    HttpHeaderServer = 26,
    HttpHeaderSetCookie = 27,
    HttpHeaderVary = 28,
    HttpHeaderWwwAuthenticate = 29,
    HttpHeaderResponseMaximum = 30,

    HttpHeaderMaximum = 41
} HTTP_HEADER_ID;

/* Request methods, as in http.h (HTTP_LOG_FIELDS_DATA MethodNum). */
typedef enum _HTTP_VERB {
    HttpVerbUnparsed,
    HttpVerbUnknown,
    HttpVerbInvalid,
    HttpVerbOPTIONS,
    HttpVerbGET,
    HttpVerbHEAD,
    HttpVerbPOST,
    HttpVerbPUT,
    HttpVerbDELETE,
    HttpVerbTRACE,
    HttpVerbCONNECT,
    HttpVerbTRACK,
    HttpVerbMOVE,
    HttpVerbCOPY,
    HttpVerbPROPFIND,
    HttpVerbPROPPATCH,
    HttpVerbMKCOL,
    HttpVerbLOCK,
    HttpVerbUNLOCK,
    HttpVerbSEARCH,
    HttpVerbMaximum
} HTTP_VERB;

/* A byte range of a file; Length HTTP_BYTE_RANGE_TO_EOF means "to the end". */
#define HTTP_BYTE_RANGE_TO_EOF ((ULONGLONG) -1)

typedef struct _HTTP_BYTE_RANGE {
    ULARGE_INTEGER StartingOffset;
    ULARGE_INTEGER Length;
} HTTP_BYTE_RANGE;

typedef enum _HTTP_DATA_CHUNK_TYPE {
    HttpDataChunkFromMemory,
    HttpDataChunkFromFileHandle,
    HttpDataChunkFromFragmentCache,
    HttpDataChunkFromFragmentCacheEx,
    HttpDataChunkMaximum
} HTTP_DATA_CHUNK_TYPE;

/*
 * One piece of a response body (IHttpResponse_WriteEntityChunks), shaped as in http.h.
 * FromMemory: BufferLength bytes at pBuffer.  FromFileHandle: a byte range of an open file
 * whose HANDLE comes from GuiseHandleFromFd or IHttpFileInfo_GetFileHandle (read with
 * pread; never closed by the server).  FromFragmentCache(Ex): a fragment stored with
 * IHttpServer_AddFragmentToCache; FragmentNameLength counts bytes.
 */
typedef struct _HTTP_DATA_CHUNK {
    HTTP_DATA_CHUNK_TYPE DataChunkType;
    __extension__ union {
        struct {
            PVOID pBuffer;
            ULONG BufferLength;
        } FromMemory;
        struct {
            HTTP_BYTE_RANGE ByteRange;
            HANDLE FileHandle;
        } FromFileHandle;
        struct {
            USHORT FragmentNameLength;
            PCWSTR pFragmentName;
        } FromFragmentCache;
        struct {
            HTTP_BYTE_RANGE ByteRange;
            PCWSTR pFragmentName;
        } FromFragmentCacheEx;
    };
} HTTP_DATA_CHUNK;

typedef enum _HTTP_LOG_DATA_TYPE { HttpLogDataTypeFields = 0 } HTTP_LOG_DATA_TYPE;

typedef struct _HTTP_LOG_DATA {
    HTTP_LOG_DATA_TYPE Type;
} HTTP_LOG_DATA;

/*
 * A request's log record (ISendResponseProvider_GetLogData), laid out as in http.h.
 * Lengths count bytes without a terminator (UserName and UriStem: wchar_t strings, so
 * 4 bytes per character on Linux); the narrow strings are UTF-8.  Server-owned: to change
 * a field, point it at memory that lives until the request ends and call SetLogData.
 */
typedef struct _HTTP_LOG_FIELDS_DATA {
    HTTP_LOG_DATA Base;
    USHORT UserNameLength;
    USHORT UriStemLength;
    USHORT ClientIpLength;
    USHORT ServerNameLength;
    USHORT ServiceNameLength;
    USHORT ServerIpLength;
    USHORT MethodLength;
    USHORT UriQueryLength;
    USHORT HostLength;
    USHORT UserAgentLength;
    USHORT CookieLength;
    USHORT ReferrerLength;
    PWCHAR UserName;
    PWCHAR UriStem;
    PCHAR ClientIp;
    PCHAR ServerName;
    PCHAR ServiceName;
    PCHAR ServerIp;
    PCHAR Method;
    PCHAR UriQuery;
    PCHAR Host;
    PCHAR UserAgent;
    PCHAR Cookie;
    PCHAR Referrer;
    USHORT ServerPort;
    USHORT ProtocolStatus;
    ULONG Win32Status;
    HTTP_VERB MethodNum;
    USHORT SubStatus;
} HTTP_LOG_FIELDS_DATA;

/* http.sys structures guise does not expose: pointers to them are opaque (or NULL). */
typedef struct _HTTP_REQUEST HTTP_REQUEST;
typedef struct _HTTP_RESPONSE HTTP_RESPONSE;
typedef struct _HTTP_CACHE_POLICY HTTP_CACHE_POLICY;
typedef struct _HTTP_SSL_CLIENT_CERT_INFO HTTP_SSL_CLIENT_CERT_INFO;

/* ISendResponseProvider_GetFlags / SetFlags */
#define HTTP_SEND_RESPONSE_FLAG_DISCONNECT     0x00000001
#define HTTP_SEND_RESPONSE_FLAG_MORE_DATA      0x00000002
#define HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA    0x00000004
#define HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING 0x00000008

/* ------------------------------------------------------------------ tracing (httptrace.h) */

typedef enum _HTTP_TRACE_TYPE {
    HTTP_TRACE_TYPE_BYTE = 17,
    HTTP_TRACE_TYPE_USHORT = 18,
    HTTP_TRACE_TYPE_ULONG = 19,
    HTTP_TRACE_TYPE_ULONGLONG = 21,
    HTTP_TRACE_TYPE_CHAR = 16,
    HTTP_TRACE_TYPE_SHORT = 2,
    HTTP_TRACE_TYPE_LONG = 3,
    HTTP_TRACE_TYPE_LONGLONG = 20,
    HTTP_TRACE_TYPE_LPCWSTR = 31,
    HTTP_TRACE_TYPE_LPCSTR = 30,
    HTTP_TRACE_TYPE_LPCGUID = 72,
    HTTP_TRACE_TYPE_BOOL = 11
} HTTP_TRACE_TYPE;

/* One subscription: provider, area bits, verbosity 0-5 (general, fatal, error, warning,
 * information, verbose). */
typedef struct _HTTP_TRACE_CONFIGURATION {
    LPCGUID pProviderGuid;
    DWORD dwAreas;
    DWORD dwVerbosity;
    BOOL fProviderEnabled;
} HTTP_TRACE_CONFIGURATION;

typedef struct _HTTP_TRACE_EVENT_ITEM {
    LPCWSTR pszName;
    HTTP_TRACE_TYPE dwDataType;
    PBYTE pbData;
    DWORD cbData;
    LPCWSTR pszDataDescription;
} HTTP_TRACE_EVENT_ITEM;

typedef struct _HTTP_TRACE_EVENT {
    LPCGUID pProviderGuid;
    DWORD dwArea;
    LPCGUID pAreaGuid;
    DWORD dwEvent;
    LPCWSTR pszEventName;
    DWORD dwEventVersion;
    DWORD dwVerbosity;
    LPCGUID pActivityGuid;
    LPCGUID pRelatedActivityGuid;
    DWORD dwTimeStamp;
    DWORD dwFlags;
    DWORD cEventItems;
    HTTP_TRACE_EVENT_ITEM *pEventItems;
} HTTP_TRACE_EVENT;

#define HTTP_TRACE_EVENT_FLAG_STATIC_DESCRIPTIVE_FIELDS 0x01
#define HTTP_TRACE_LEVEL_START                          6
#define HTTP_TRACE_LEVEL_END                            7

/* Trace provider ids (see GUISE_GUID_DECLARE). */
/* clang-format off */
#define GUISE_TRACE_PROVIDER_GUIDS(X)                                                              \
    X(GUID_IIS_ALL_TRACE_PROVIDERS,                                                                \
      0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)                  \
    X(GUID_IIS_WWW_SERVER_TRACE_PROVIDER,                                                          \
      0x3a2a4e84, 0x4c21, 0x4981, 0xae, 0x10, 0x3f, 0xda, 0x0d, 0x9b, 0x0f, 0x83)                  \
    X(GUID_IIS_ASPNET_TRACE_PROVIDER,                                                              \
      0xaff081fe, 0x0247, 0x4275, 0x9c, 0x4e, 0x02, 0x1f, 0x3d, 0xc1, 0xda, 0x35)                  \
    X(GUID_IIS_ASP_TRACE_TRACE_PROVIDER,                                                           \
      0x06b94d9a, 0xb15e, 0x456e, 0xa4, 0xef, 0x37, 0xc9, 0x84, 0xa2, 0xcb, 0x4b)                  \
    X(GUID_IIS_WWW_GLOBAL_TRACE_PROVIDER,                                                          \
      0xd55d3bc9, 0xcba9, 0x44df, 0x82, 0x7e, 0x13, 0x2d, 0x3a, 0x45, 0x96, 0xc2)                  \
    X(GUID_IIS_ISAPI_TRACE_PROVIDER,                                                               \
      0xa1c2040e, 0x8840, 0x4c31, 0xba, 0x11, 0x98, 0x71, 0x03, 0x1a, 0x19, 0xea)
/* clang-format on */

GUISE_TRACE_PROVIDER_GUIDS(GUISE_GUID_DECLARE)

/* ------------------------------------------------------------------ notifications */

/* Deterministic request notifications (with post-events), in pipeline order (§2.7). */
#define RQ_BEGIN_REQUEST               0x00000001
#define RQ_AUTHENTICATE_REQUEST        0x00000002
#define RQ_AUTHORIZE_REQUEST           0x00000004
#define RQ_RESOLVE_REQUEST_CACHE       0x00000008
#define RQ_MAP_REQUEST_HANDLER         0x00000010
#define RQ_ACQUIRE_REQUEST_STATE       0x00000020
#define RQ_PRE_EXECUTE_REQUEST_HANDLER 0x00000040
#define RQ_EXECUTE_REQUEST_HANDLER     0x00000080
#define RQ_RELEASE_REQUEST_STATE       0x00000100
#define RQ_UPDATE_REQUEST_CACHE        0x00000200
#define RQ_LOG_REQUEST                 0x00000400
#define RQ_END_REQUEST                 0x00000800

/* Nondeterministic request notifications (no post-events). */
#define RQ_CUSTOM_NOTIFICATION 0x10000000
#define RQ_SEND_RESPONSE       0x20000000
#define RQ_READ_ENTITY         0x40000000
#define RQ_MAP_PATH            0x80000000

/* Global notifications. */
#define GL_STOP_LISTENING              0x00000002
#define GL_CACHE_CLEANUP               0x00000004
#define GL_CACHE_OPERATION             0x00000010
#define GL_HEALTH_CHECK                0x00000020
#define GL_CONFIGURATION_CHANGE        0x00000040
#define GL_FILE_CHANGE                 0x00000080
#define GL_PRE_BEGIN_REQUEST           0x00000100
#define GL_APPLICATION_START           0x00000200
#define GL_APPLICATION_RESOLVE_MODULES 0x00000400
#define GL_APPLICATION_STOP            0x00000800
#define GL_RSCA_QUERY                  0x00001000
#define GL_TRACE_EVENT                 0x00002000
#define GL_CUSTOM_NOTIFICATION         0x00004000
#define GL_THREAD_CLEANUP              0x00008000
#define GL_APPLICATION_PRELOAD         0x00010000 /* not in the IIS docs; the Windows SDK value */

/* What a request notification returns (§2.6). */
typedef enum REQUEST_NOTIFICATION_STATUS {
    RQ_NOTIFICATION_CONTINUE,      /* go on with the request's notifications */
    RQ_NOTIFICATION_PENDING,       /* an asynchronous operation will resume the request */
    RQ_NOTIFICATION_FINISH_REQUEST /* no further request-level notifications */
} REQUEST_NOTIFICATION_STATUS;

/* What a global notification returns. */
typedef enum GLOBAL_NOTIFICATION_STATUS {
    GL_NOTIFICATION_CONTINUE, /* call the remaining listeners */
    GL_NOTIFICATION_HANDLED   /* done: call no further listener */
} GLOBAL_NOTIFICATION_STATUS;

/* Priority aliases (SetPriorityFor...Notification), compared by content.  The order is
 * reversed for RQ_SEND_RESPONSE.  A module that sets none is MEDIUM. */
#define PRIORITY_ALIAS_FIRST  L"FIRST"
#define PRIORITY_ALIAS_HIGH   L"HIGH"
#define PRIORITY_ALIAS_MEDIUM L"MEDIUM"
#define PRIORITY_ALIAS_LOW    L"LOW"
#define PRIORITY_ALIAS_LAST   L"LAST"

/* Operations on a global cache (§3.2). */
typedef enum CACHE_OPERATION {
    CACHE_OPERATION_RETRIEVE,
    CACHE_OPERATION_ADD,
    CACHE_OPERATION_DELETE,
    CACHE_OPERATION_FLUSH_PREFIX,
    CACHE_OPERATION_ENUM
} CACHE_OPERATION;

/* A module's id (IHttpModuleRegistrationInfo_GetId): compare it, never dereference it. */
typedef void *HTTP_MODULE_ID;

/* IHttpContext_CloneContext flags. */
#define CLONE_FLAG_BASICS          0x01 /* URL, query string, method */
#define CLONE_FLAG_HEADERS         0x02 /* request headers */
#define CLONE_FLAG_ENTITY          0x04 /* request body */
#define CLONE_FLAG_NO_PRECONDITION 0x08 /* leave out Range and If-* headers */
#define CLONE_FLAG_NO_DAV          0x10 /* leave out WebDAV headers */

/* IHttpContext_ExecuteRequest / GetExecuteFlags flags. */
#define EXECUTE_FLAG_NO_HEADERS                 0x01 /* suppress the child's headers */
#define EXECUTE_FLAG_IGNORE_CURRENT_INTERCEPTOR 0x02 /* ignore the current handler mapping */
#define EXECUTE_FLAG_IGNORE_APPPOOL             0x04 /* run even in another pool */
#define EXECUTE_FLAG_DISABLE_CUSTOM_ERROR       0x08
#define EXECUTE_FLAG_SAME_URL                   0x10
#define EXECUTE_FLAG_BUFFER_RESPONSE            0x20 /* hand the child's response to the parent */
#define EXECUTE_FLAG_HTTP_CACHE_ELIGIBLE        0x40 /* child stays eligible for caching */

/* Logon types (IHttpServer2_GetToken dwLogonMethod, IHttpTokenKey_GetLogonMethod). */
#define LOGON32_LOGON_INTERACTIVE       2
#define LOGON32_LOGON_NETWORK           3
#define LOGON32_LOGON_BATCH             4
#define LOGON32_LOGON_SERVICE           5
#define LOGON32_LOGON_UNLOCK            7
#define LOGON32_LOGON_NETWORK_CLEARTEXT 8
#define LOGON32_LOGON_NEW_CREDENTIALS   9

/* IHttpUser_GetUserVariable name of the user's SID (a PSID). */
#define HTTP_USER_VARIABLE_SID "SID"

/* ------------------------------------------------------------------ interfaces */

typedef struct IHttpStoredContext IHttpStoredContext;
typedef struct IHttpStoredContextVtbl IHttpStoredContextVtbl;
typedef struct IHttpConnectionStoredContext IHttpConnectionStoredContext;
typedef struct IHttpConnectionStoredContextVtbl IHttpConnectionStoredContextVtbl;
typedef struct IHttpModuleContextContainer IHttpModuleContextContainer;
typedef struct IHttpModuleContextContainerVtbl IHttpModuleContextContainerVtbl;
typedef struct IDispensedHttpModuleContextContainer IDispensedHttpModuleContextContainer;
typedef struct IDispensedHttpModuleContextContainerVtbl IDispensedHttpModuleContextContainerVtbl;
typedef struct INamedContextContainer INamedContextContainer;
typedef struct INamedContextContainerVtbl INamedContextContainerVtbl;
typedef struct IHttpPerfCounterInfo IHttpPerfCounterInfo;
typedef struct IHttpPerfCounterInfoVtbl IHttpPerfCounterInfoVtbl;
typedef struct IHttpCacheKey IHttpCacheKey;
typedef struct IHttpCacheKeyVtbl IHttpCacheKeyVtbl;
typedef struct IHttpCacheSpecificData IHttpCacheSpecificData;
typedef struct IHttpCacheSpecificDataVtbl IHttpCacheSpecificDataVtbl;
typedef struct IHttpTokenEntry IHttpTokenEntry;
typedef struct IHttpTokenEntryVtbl IHttpTokenEntryVtbl;
typedef struct IHttpFileInfo IHttpFileInfo;
typedef struct IHttpFileInfoVtbl IHttpFileInfoVtbl;
typedef struct IHttpTraceContext IHttpTraceContext;
typedef struct IHttpTraceContextVtbl IHttpTraceContextVtbl;
typedef struct IHttpEventProvider IHttpEventProvider;
typedef struct IHttpEventProviderVtbl IHttpEventProviderVtbl;
typedef struct ICacheProvider ICacheProvider;
typedef struct ICacheProviderVtbl ICacheProviderVtbl;
typedef struct IAuthenticationProvider IAuthenticationProvider;
typedef struct IAuthenticationProviderVtbl IAuthenticationProviderVtbl;
typedef struct IMapHandlerProvider IMapHandlerProvider;
typedef struct IMapHandlerProviderVtbl IMapHandlerProviderVtbl;
typedef struct IMapPathProvider IMapPathProvider;
typedef struct IMapPathProviderVtbl IMapPathProviderVtbl;
typedef struct IReadEntityProvider IReadEntityProvider;
typedef struct IReadEntityProviderVtbl IReadEntityProviderVtbl;
typedef struct ISendResponseProvider ISendResponseProvider;
typedef struct ISendResponseProviderVtbl ISendResponseProviderVtbl;
typedef struct ICustomNotificationProvider ICustomNotificationProvider;
typedef struct ICustomNotificationProviderVtbl ICustomNotificationProviderVtbl;
typedef struct IPreBeginRequestProvider IPreBeginRequestProvider;
typedef struct IPreBeginRequestProviderVtbl IPreBeginRequestProviderVtbl;
typedef struct IHttpApplicationProvider IHttpApplicationProvider;
typedef struct IHttpApplicationProviderVtbl IHttpApplicationProviderVtbl;
typedef struct IHttpApplicationResolveModulesProvider IHttpApplicationResolveModulesProvider;
typedef struct IHttpApplicationResolveModulesProviderVtbl
    IHttpApplicationResolveModulesProviderVtbl;
typedef struct IGlobalConfigurationChangeProvider IGlobalConfigurationChangeProvider;
typedef struct IGlobalConfigurationChangeProviderVtbl IGlobalConfigurationChangeProviderVtbl;
typedef struct IGlobalFileChangeProvider IGlobalFileChangeProvider;
typedef struct IGlobalFileChangeProviderVtbl IGlobalFileChangeProviderVtbl;
typedef struct IHttpFileMonitor IHttpFileMonitor;
typedef struct IHttpFileMonitorVtbl IHttpFileMonitorVtbl;
typedef struct IGlobalStopListeningProvider IGlobalStopListeningProvider;
typedef struct IGlobalStopListeningProviderVtbl IGlobalStopListeningProviderVtbl;
typedef struct IGlobalThreadCleanupProvider IGlobalThreadCleanupProvider;
typedef struct IGlobalThreadCleanupProviderVtbl IGlobalThreadCleanupProviderVtbl;
typedef struct IGlobalTraceEventProvider IGlobalTraceEventProvider;
typedef struct IGlobalTraceEventProviderVtbl IGlobalTraceEventProviderVtbl;
typedef struct IGlobalRSCAQueryProvider IGlobalRSCAQueryProvider;
typedef struct IGlobalRSCAQueryProviderVtbl IGlobalRSCAQueryProviderVtbl;
typedef struct IGlobalApplicationPreloadProvider IGlobalApplicationPreloadProvider;
typedef struct IGlobalApplicationPreloadProviderVtbl IGlobalApplicationPreloadProviderVtbl;
typedef struct IGlobalApplicationPreloadProvider2 IGlobalApplicationPreloadProvider2;
typedef struct IGlobalApplicationPreloadProvider2Vtbl IGlobalApplicationPreloadProvider2Vtbl;
typedef struct IHttpSite IHttpSite;
typedef struct IHttpSiteVtbl IHttpSiteVtbl;
typedef struct IHttpApplication IHttpApplication;
typedef struct IHttpApplicationVtbl IHttpApplicationVtbl;
typedef struct IHttpApplication2 IHttpApplication2;
typedef struct IHttpApplication2Vtbl IHttpApplication2Vtbl;
typedef struct IHttpUrlInfo IHttpUrlInfo;
typedef struct IHttpUrlInfoVtbl IHttpUrlInfoVtbl;
typedef struct IHttpConnection IHttpConnection;
typedef struct IHttpConnectionVtbl IHttpConnectionVtbl;
typedef struct IMetadataInfo IMetadataInfo;
typedef struct IMetadataInfoVtbl IMetadataInfoVtbl;
typedef struct IReferencedMetadataInfo IReferencedMetadataInfo;
typedef struct IReferencedMetadataInfoVtbl IReferencedMetadataInfoVtbl;
typedef struct IScriptMapInfo IScriptMapInfo;
typedef struct IScriptMapInfoVtbl IScriptMapInfoVtbl;
typedef struct IHttpCachePolicy IHttpCachePolicy;
typedef struct IHttpCachePolicyVtbl IHttpCachePolicyVtbl;
typedef struct IHttpCachePolicy2 IHttpCachePolicy2;
typedef struct IHttpCachePolicy2Vtbl IHttpCachePolicy2Vtbl;
typedef struct IHttpUser IHttpUser;
typedef struct IHttpUserVtbl IHttpUserVtbl;
typedef struct IHttpCompletionInfo IHttpCompletionInfo;
typedef struct IHttpCompletionInfoVtbl IHttpCompletionInfoVtbl;
typedef struct IHttpCompletionInfo2 IHttpCompletionInfo2;
typedef struct IHttpCompletionInfo2Vtbl IHttpCompletionInfo2Vtbl;
typedef struct IModuleAllocator IModuleAllocator;
typedef struct IModuleAllocatorVtbl IModuleAllocatorVtbl;
typedef struct IHttpRequest IHttpRequest;
typedef struct IHttpRequestVtbl IHttpRequestVtbl;
typedef struct IHttpRequest2 IHttpRequest2;
typedef struct IHttpRequest2Vtbl IHttpRequest2Vtbl;
typedef struct IHttpRequest3 IHttpRequest3;
typedef struct IHttpRequest3Vtbl IHttpRequest3Vtbl;
typedef struct IHttpResponse IHttpResponse;
typedef struct IHttpResponseVtbl IHttpResponseVtbl;
typedef struct IHttpResponse2 IHttpResponse2;
typedef struct IHttpResponse2Vtbl IHttpResponse2Vtbl;
typedef struct IHttpContext IHttpContext;
typedef struct IHttpContextVtbl IHttpContextVtbl;
typedef struct IHttpContext2 IHttpContext2;
typedef struct IHttpContext2Vtbl IHttpContext2Vtbl;
typedef struct IHttpContext3 IHttpContext3;
typedef struct IHttpContext3Vtbl IHttpContext3Vtbl;
typedef struct IHttpContext4 IHttpContext4;
typedef struct IHttpContext4Vtbl IHttpContext4Vtbl;
typedef struct IHttpServer IHttpServer;
typedef struct IHttpServerVtbl IHttpServerVtbl;
typedef struct IHttpServer2 IHttpServer2;
typedef struct IHttpServer2Vtbl IHttpServer2Vtbl;
typedef struct IHttpModuleRegistrationInfo IHttpModuleRegistrationInfo;
typedef struct IHttpModuleRegistrationInfoVtbl IHttpModuleRegistrationInfoVtbl;
typedef struct IHttpModuleFactory IHttpModuleFactory;
typedef struct IHttpModuleFactoryVtbl IHttpModuleFactoryVtbl;
typedef struct CHttpModule CHttpModule;
typedef struct CHttpModuleVtbl CHttpModuleVtbl;
typedef struct CGlobalModule CGlobalModule;
typedef struct CGlobalModuleVtbl CGlobalModuleVtbl;

/* Objects guise only passes around (no methods described by the reference). */
typedef struct INativeSectionException INativeSectionException;
typedef struct INativeConfigurationSystem INativeConfigurationSystem;
typedef struct IWpfSettings IWpfSettings;
typedef struct IWorkerProcessFramework IWorkerProcessFramework;

/* Start and stop of an application share one provider (IIS typedefs). */
typedef IHttpApplicationProvider IHttpApplicationStartProvider;
typedef IHttpApplicationProvider IHttpApplicationStopProvider;
#define IHttpApplicationStartProvider_SetErrorStatus IHttpApplicationProvider_SetErrorStatus
#define IHttpApplicationStartProvider_GetApplication IHttpApplicationProvider_GetApplication
#define IHttpApplicationStopProvider_SetErrorStatus  IHttpApplicationProvider_SetErrorStatus
#define IHttpApplicationStopProvider_GetApplication  IHttpApplicationProvider_GetApplication

/* Completion callback of IHttpRequest3_ReadEntityBody3 and IHttpResponse2 Flush2 /
 * WriteEntityChunks2; runs on the request's thread and returns the request's status. */
typedef REQUEST_NOTIFICATION_STATUS (*PFN_ASYNC_COMPLETION)(IHttpContext3 *pHttpContext,
                                                            IHttpCompletionInfo2 *pCompletionInfo,
                                                            VOID *pvCompletionContext);

/* ---------------------------------------------------------- module context containers */

/*
 * A module's own state, stored in a module context container.  Implemented by modules.
 */
/* clang-format off */
struct IHttpStoredContextVtbl {
    /* Called exactly once, by the container, when the object owning the container goes away;
     * the context usually frees itself here. */
    VOID (*CleanupStoredContext)(IHttpStoredContext *This);
};
/* clang-format on */

struct IHttpStoredContext {
    const IHttpStoredContextVtbl *lpVtbl;
};

#define IHttpStoredContext_CleanupStoredContext(This) ((This)->lpVtbl->CleanupStoredContext((This)))

/*
 * A stored context that also wants to hear about the connection dropping.  Implemented by
 * modules.
 */
/* clang-format off */
struct IHttpConnectionStoredContextVtbl {
    /* IHttpStoredContext */
    VOID (*CleanupStoredContext)(IHttpConnectionStoredContext *This);
    /* IHttpConnectionStoredContext */
    /* Called when the client connection is closed or lost. */
    VOID (*NotifyDisconnect)(IHttpConnectionStoredContext *This);
};
/* clang-format on */

struct IHttpConnectionStoredContext {
    const IHttpConnectionStoredContextVtbl *lpVtbl;
};

#define IHttpConnectionStoredContext_CleanupStoredContext(This)                                    \
    ((This)->lpVtbl->CleanupStoredContext((This)))
#define IHttpConnectionStoredContext_NotifyDisconnect(This)                                        \
    ((This)->lpVtbl->NotifyDisconnect((This)))

/*
 * Per-object module state (§4.7), one slot per module id, returned by every
 * GetModuleContextContainer.  Owned by its object: never released by callers.  Thread-safe.
 */
/* clang-format off */
struct IHttpModuleContextContainerVtbl {
    /* The context stored for moduleId, or NULL.  Borrowed: the container owns it. */
    IHttpStoredContext *(*GetModuleContext)(IHttpModuleContextContainer *This,
                                            HTTP_MODULE_ID moduleId);
    /* Stores a context for moduleId; consumed: the container calls its CleanupStoredContext.
     * Errors: ERROR_INVALID_PARAMETER (NULL), ERROR_ALREADY_ASSIGNED, ERROR_NOT_ENOUGH_MEMORY. */
    HRESULT (*SetModuleContext)(IHttpModuleContextContainer *This,
                                IHttpStoredContext *ppStoredContext, HTTP_MODULE_ID moduleId);
};
/* clang-format on */

struct IHttpModuleContextContainer {
    const IHttpModuleContextContainerVtbl *lpVtbl;
};

#define IHttpModuleContextContainer_GetModuleContext(This, moduleId)                               \
    ((This)->lpVtbl->GetModuleContext((This), (moduleId)))
#define IHttpModuleContextContainer_SetModuleContext(This, ppStoredContext, moduleId)              \
    ((This)->lpVtbl->SetModuleContext((This), (ppStoredContext), (moduleId)))

/*
 * A free-standing container from IHttpServer_DispenseContainer; the caller owns it.
 */
/* clang-format off */
struct IDispensedHttpModuleContextContainerVtbl {
    /* IHttpModuleContextContainer */
    IHttpStoredContext *(*GetModuleContext)(IDispensedHttpModuleContextContainer *This,
                                            HTTP_MODULE_ID moduleId);
    HRESULT (*SetModuleContext)(IDispensedHttpModuleContextContainer *This,
                                IHttpStoredContext *ppStoredContext, HTTP_MODULE_ID moduleId);
    /* IDispensedHttpModuleContextContainer */
    /* Destroys the container, calling CleanupStoredContext on each stored context.  Only for
     * dispensed containers; never call it on a container obtained from a getter. */
    VOID (*ReleaseContainer)(IDispensedHttpModuleContextContainer *This);
};
/* clang-format on */

struct IDispensedHttpModuleContextContainer {
    const IDispensedHttpModuleContextContainerVtbl *lpVtbl;
};

#define IDispensedHttpModuleContextContainer_GetModuleContext(This, moduleId)                      \
    ((This)->lpVtbl->GetModuleContext((This), (moduleId)))
#define IDispensedHttpModuleContextContainer_SetModuleContext(This, ppStoredContext, moduleId)     \
    ((This)->lpVtbl->SetModuleContext((This), (ppStoredContext), (moduleId)))
#define IDispensedHttpModuleContextContainer_ReleaseContainer(This)                                \
    ((This)->lpVtbl->ReleaseContainer((This)))

/*
 * Contexts stored by name (IHttpContext3_GetNamedContextContainer).  Thread-safe.
 */
/* clang-format off */
struct INamedContextContainerVtbl {
    /* The context stored under szName (compared by content), or NULL.  Borrowed. */
    IHttpStoredContext *(*GetNamedContext)(INamedContextContainer *This, LPCWSTR szName);
    /* Stores a context under szName (copied); the context is consumed as in SetModuleContext. */
    HRESULT (*SetNamedContext)(INamedContextContainer *This, IHttpStoredContext *ppStoredContext,
                               LPCWSTR szName);
};
/* clang-format on */

struct INamedContextContainer {
    const INamedContextContainerVtbl *lpVtbl;
};

#define INamedContextContainer_GetNamedContext(This, szName)                                       \
    ((This)->lpVtbl->GetNamedContext((This), (szName)))
#define INamedContextContainer_SetNamedContext(This, ppStoredContext, szName)                      \
    ((This)->lpVtbl->SetNamedContext((This), (ppStoredContext), (szName)))

/*
 * Performance counters of the server or a site.  Infrastructure; modules rarely need it.
 */
/* clang-format off */
struct IHttpPerfCounterInfoVtbl {
    /* Subtracts dwValue (IIS default: 1) from counter dwCounterIndex.  Thread-safe. */
    VOID (*DecrementCounter)(IHttpPerfCounterInfo *This, DWORD dwCounterIndex, DWORD dwValue);
    /* Adds dwValue (IIS default: 1) to counter dwCounterIndex.  Thread-safe. */
    VOID (*IncrementCounter)(IHttpPerfCounterInfo *This, DWORD dwCounterIndex, DWORD dwValue);
};
/* clang-format on */

struct IHttpPerfCounterInfo {
    const IHttpPerfCounterInfoVtbl *lpVtbl;
};

#define IHttpPerfCounterInfo_DecrementCounter(This, dwCounterIndex, dwValue)                       \
    ((This)->lpVtbl->DecrementCounter((This), (dwCounterIndex), (dwValue)))
#define IHttpPerfCounterInfo_IncrementCounter(This, dwCounterIndex, dwValue)                       \
    ((This)->lpVtbl->IncrementCounter((This), (dwCounterIndex), (dwValue)))

/* ---------------------------------------------------------- global caches (§3) */

/*
 * Key of a global-cache entry (§3.8).  Its cache name is its type tag: cast to IFileKey,
 * IHttpTokenKey or IUriKey only after comparing GetCacheName by content (or use the
 * Guise...FromCacheKey helpers of <guise/httpcach.h>).  The cache calls keys from any
 * thread: a key must not change after it was created.
 */
/* clang-format off */
struct IHttpCacheKeyVtbl {
    /* Enumeration callback (CACHE_OPERATION_ENUM); cacheData is borrowed.  guise's keys do
     * nothing. */
    VOID (*Enum)(IHttpCacheKey *This, IHttpCacheSpecificData *cacheData);
    /* Name of the cache the key belongs to (FILE_CACHE_NAME, TOKEN_CACHE_NAME, URI_CACHE_NAME).
     * Key-owned, never NULL; compare by content, never by pointer. */
    PCWSTR (*GetCacheName)(const IHttpCacheKey *This);
    /* Hash of the key's data; keys for which GetIsEqual is true hash alike. */
    DWORD (*GetHash)(const IHttpCacheKey *This);
    /* true if pCacheCompareKey (non-NULL, same key type) names the same entry; a key equals
     * itself. */
    bool (*GetIsEqual)(const IHttpCacheKey *This, IHttpCacheKey *pCacheCompareKey);
    /* true if this key is a prefix of pCacheCompareKey (non-NULL, same key type): the test
     * behind CACHE_OPERATION_FLUSH_PREFIX.  Always false for token keys. */
    bool (*GetIsPrefix)(const IHttpCacheKey *This, IHttpCacheKey *pCacheCompareKey);
};
/* clang-format on */

struct IHttpCacheKey {
    const IHttpCacheKeyVtbl *lpVtbl;
};

#define IHttpCacheKey_Enum(This, cacheData) ((This)->lpVtbl->Enum((This), (cacheData)))
#define IHttpCacheKey_GetCacheName(This)    ((This)->lpVtbl->GetCacheName((This)))
#define IHttpCacheKey_GetHash(This)         ((This)->lpVtbl->GetHash((This)))
#define IHttpCacheKey_GetIsEqual(This, pCacheCompareKey)                                           \
    ((This)->lpVtbl->GetIsEqual((This), (pCacheCompareKey)))
#define IHttpCacheKey_GetIsPrefix(This, pCacheCompareKey)                                          \
    ((This)->lpVtbl->GetIsPrefix((This), (pCacheCompareKey)))

/*
 * Base of every cache record (§3.12).  Reference counted: a record is born with one
 * reference and frees itself when the last one is dropped; never free it any other way.
 * Keep a record past the call that gave it to you: ReferenceCacheData once, then
 * DereferenceCacheData once when done.  Every method is thread-safe.
 */
/* clang-format off */
struct IHttpCacheSpecificDataVtbl {
    /* Lowers the time-to-live count (born at 2) by one; *pfTTLExpired (non-NULL) becomes TRUE
     * when it reaches exactly 0.  Called by the cache's scavenger; modules may ignore it. */
    VOID (*DecrementTTL)(IHttpCacheSpecificData *This, BOOL *pfTTLExpired);
    /* Drops one reference (atomic); the last one frees the record. */
    VOID (*DereferenceCacheData)(IHttpCacheSpecificData *This);
    /* The record's key.  Borrowed: valid while you hold a reference on the record. */
    IHttpCacheKey *(*GetCacheKey)(const IHttpCacheSpecificData *This);
    /* TRUE once the record was flushed (taken out of its cache); it stays valid for holders. */
    BOOL (*GetFlushed)(const IHttpCacheSpecificData *This);
    /* Adds one reference (atomic). */
    VOID (*ReferenceCacheData)(IHttpCacheSpecificData *This);
    /* Restores the time-to-live count to its initial value (2); the cache calls it on a hit. */
    VOID (*ResetTTL)(IHttpCacheSpecificData *This);
    /* Marks the record flushed.  One-way: there is no way back. */
    VOID (*SetFlushed)(IHttpCacheSpecificData *This);
};
/* clang-format on */

struct IHttpCacheSpecificData {
    const IHttpCacheSpecificDataVtbl *lpVtbl;
};

#define IHttpCacheSpecificData_DecrementTTL(This, pfTTLExpired)                                    \
    ((This)->lpVtbl->DecrementTTL((This), (pfTTLExpired)))
#define IHttpCacheSpecificData_DereferenceCacheData(This)                                          \
    ((This)->lpVtbl->DereferenceCacheData((This)))
#define IHttpCacheSpecificData_GetCacheKey(This)        ((This)->lpVtbl->GetCacheKey((This)))
#define IHttpCacheSpecificData_GetFlushed(This)         ((This)->lpVtbl->GetFlushed((This)))
#define IHttpCacheSpecificData_ReferenceCacheData(This) ((This)->lpVtbl->ReferenceCacheData((This)))
#define IHttpCacheSpecificData_ResetTTL(This)           ((This)->lpVtbl->ResetTTL((This)))
#define IHttpCacheSpecificData_SetFlushed(This)         ((This)->lpVtbl->SetFlushed((This)))

#include "httpcach.h" /* FILE_CACHE_NAME..., IUriKey, IFileKey, IHttpTokenKey */

/*
 * TOKEN-cache record (§3.13): a logged-on user.  From IHttpServer2_GetToken (+1),
 * IMetadataInfo_GetVrToken (borrowed), or a TOKEN ICacheProvider record (borrowed).
 * A token HANDLE is an opaque pointer to guise's immutable credentials (uid, gid, groups,
 * name, SID; see <guise/token.h>), never a file descriptor.  Handles and SID belong to the
 * entry, which releases them when it is freed: never close, free or modify them, and use
 * them only while you hold a reference on the entry.
 */
/* clang-format off */
struct IHttpTokenEntryVtbl {
    /* IHttpCacheSpecificData */
    VOID (*DecrementTTL)(IHttpTokenEntry *This, BOOL *pfTTLExpired);
    VOID (*DereferenceCacheData)(IHttpTokenEntry *This);
    IHttpCacheKey *(*GetCacheKey)(const IHttpTokenEntry *This);
    BOOL (*GetFlushed)(const IHttpTokenEntry *This);
    VOID (*ReferenceCacheData)(IHttpTokenEntry *This);
    VOID (*ResetTTL)(IHttpTokenEntry *This);
    VOID (*SetFlushed)(IHttpTokenEntry *This);
    /* IHttpTokenEntry */
    /* Token to impersonate the user for file-system work, or NULL.  Entry-owned. */
    HANDLE (*GetImpersonationToken)(IHttpTokenEntry *This);
    /* Token to start a process as the user (CGI), or NULL.  Entry-owned. */
    HANDLE (*GetPrimaryToken)(IHttpTokenEntry *This);
    /* The user's SID (Windows binary layout; a Unix user is S-1-22-1-<uid>).  Entry-owned. */
    PSID (*GetSid)(IHttpTokenEntry *This);
};
/* clang-format on */

struct IHttpTokenEntry {
    const IHttpTokenEntryVtbl *lpVtbl;
};

#define IHttpTokenEntry_DecrementTTL(This, pfTTLExpired)                                           \
    ((This)->lpVtbl->DecrementTTL((This), (pfTTLExpired)))
#define IHttpTokenEntry_DereferenceCacheData(This)  ((This)->lpVtbl->DereferenceCacheData((This)))
#define IHttpTokenEntry_GetCacheKey(This)           ((This)->lpVtbl->GetCacheKey((This)))
#define IHttpTokenEntry_GetFlushed(This)            ((This)->lpVtbl->GetFlushed((This)))
#define IHttpTokenEntry_ReferenceCacheData(This)    ((This)->lpVtbl->ReferenceCacheData((This)))
#define IHttpTokenEntry_ResetTTL(This)              ((This)->lpVtbl->ResetTTL((This)))
#define IHttpTokenEntry_SetFlushed(This)            ((This)->lpVtbl->SetFlushed((This)))
#define IHttpTokenEntry_GetImpersonationToken(This) ((This)->lpVtbl->GetImpersonationToken((This)))
#define IHttpTokenEntry_GetPrimaryToken(This)       ((This)->lpVtbl->GetPrimaryToken((This)))
#define IHttpTokenEntry_GetSid(This)                ((This)->lpVtbl->GetSid((This)))

/*
 * FILE-cache record (§3.14): an open file and its metadata.  From IHttpContext_GetFileInfo
 * (borrowed), IHttpServer_GetFileInfo (+1) or a FILE ICacheProvider record (borrowed).
 * Everything it returns belongs to the record and lives while you hold a reference on it.
 * File records may treat the TTL methods as no-ops and always report "not flushed".
 */
/* clang-format off */
struct IHttpFileInfoVtbl {
    /* IHttpCacheSpecificData */
    VOID (*DecrementTTL)(IHttpFileInfo *This, BOOL *pfTTLExpired);
    VOID (*DereferenceCacheData)(IHttpFileInfo *This);
    IHttpCacheKey *(*GetCacheKey)(const IHttpFileInfo *This);
    BOOL (*GetFlushed)(const IHttpFileInfo *This);
    VOID (*ReferenceCacheData)(IHttpFileInfo *This);
    VOID (*ResetTTL)(IHttpFileInfo *This);
    VOID (*SetFlushed)(IHttpFileInfo *This);
    /* IHttpFileInfo */
    /* S_OK if the user may read the file (at once for a NULL token), else
     * HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) or the error met opening the file as the user. */
    HRESULT (*AccessCheck)(IHttpFileInfo *This, HANDLE hUserToken, PSID pUserSid);
    /* TRUE if the file changed since it was cached, or its attributes cannot be read. */
    BOOL (*CheckIfFileHasChanged)(IHttpFileInfo *This, HANDLE hUserToken);
    /* Windows file-attribute bits derived from the file (0x10 directory, 0x20 archive...). */
    DWORD (*GetAttributes)(const IHttpFileInfo *This);
    /* Entity tag with its quotes; *pcchETag (if not NULL) gets its length in bytes. */
    PCSTR (*GetETag)(const IHttpFileInfo *This, USHORT *pcchETag);
    /* In-memory copy of the body, or NULL.  Read-only; record-owned. */
    const BYTE *(*GetFileBuffer)(const IHttpFileInfo *This);
    /* The open file (see GuiseFdFromHandle) or INVALID_HANDLE_VALUE.  Shared by every holder:
     * use positioned reads (pread) only, never close it. */
    HANDLE (*GetFileHandle)(const IHttpFileInfo *This);
    /* Physical path of the file. */
    PCWSTR (*GetFilePath)(const IHttpFileInfo *This);
    /* TRUE if responses for this file may be cached; only then is *pSecondsToLive (non-NULL)
     * set. */
    BOOL (*GetHttpCacheAllowed)(const IHttpFileInfo *This, DWORD *pSecondsToLive);
    /* Last modification as an HTTP-date, e.g. "Tue, 21 Mar 2006 17:45:56 GMT". */
    PCSTR (*GetLastModifiedString)(const IHttpFileInfo *This);
    /* Last modification as a FILETIME (100-ns ticks since 1601-01-01 UTC). */
    VOID (*GetLastModifiedTime)(const IHttpFileInfo *This, FILETIME *pFileTime);
    /* Per-file module state; never NULL, never released by callers. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpFileInfo *This);
    /* Size of the file in bytes. */
    VOID (*GetSize)(const IHttpFileInfo *This, ULARGE_INTEGER *pliSize);
    /* Physical path of the file's virtual directory, or NULL. */
    PCWSTR (*GetVrPath)(const IHttpFileInfo *This);
    /* Token of the file's virtual directory, or NULL.  Record-owned. */
    HANDLE (*GetVrToken)(const IHttpFileInfo *This);
};
/* clang-format on */

struct IHttpFileInfo {
    const IHttpFileInfoVtbl *lpVtbl;
};

#define IHttpFileInfo_DecrementTTL(This, pfTTLExpired)                                             \
    ((This)->lpVtbl->DecrementTTL((This), (pfTTLExpired)))
#define IHttpFileInfo_DereferenceCacheData(This) ((This)->lpVtbl->DereferenceCacheData((This)))
#define IHttpFileInfo_GetCacheKey(This)          ((This)->lpVtbl->GetCacheKey((This)))
#define IHttpFileInfo_GetFlushed(This)           ((This)->lpVtbl->GetFlushed((This)))
#define IHttpFileInfo_ReferenceCacheData(This)   ((This)->lpVtbl->ReferenceCacheData((This)))
#define IHttpFileInfo_ResetTTL(This)             ((This)->lpVtbl->ResetTTL((This)))
#define IHttpFileInfo_SetFlushed(This)           ((This)->lpVtbl->SetFlushed((This)))
#define IHttpFileInfo_AccessCheck(This, hUserToken, pUserSid)                                      \
    ((This)->lpVtbl->AccessCheck((This), (hUserToken), (pUserSid)))
#define IHttpFileInfo_CheckIfFileHasChanged(This, hUserToken)                                      \
    ((This)->lpVtbl->CheckIfFileHasChanged((This), (hUserToken)))
#define IHttpFileInfo_GetAttributes(This)     ((This)->lpVtbl->GetAttributes((This)))
#define IHttpFileInfo_GetETag(This, pcchETag) ((This)->lpVtbl->GetETag((This), (pcchETag)))
#define IHttpFileInfo_GetFileBuffer(This)     ((This)->lpVtbl->GetFileBuffer((This)))
#define IHttpFileInfo_GetFileHandle(This)     ((This)->lpVtbl->GetFileHandle((This)))
#define IHttpFileInfo_GetFilePath(This)       ((This)->lpVtbl->GetFilePath((This)))
#define IHttpFileInfo_GetHttpCacheAllowed(This, pSecondsToLive)                                    \
    ((This)->lpVtbl->GetHttpCacheAllowed((This), (pSecondsToLive)))
#define IHttpFileInfo_GetLastModifiedString(This) ((This)->lpVtbl->GetLastModifiedString((This)))
#define IHttpFileInfo_GetLastModifiedTime(This, pFileTime)                                         \
    ((This)->lpVtbl->GetLastModifiedTime((This), (pFileTime)))
#define IHttpFileInfo_GetModuleContextContainer(This)                                              \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpFileInfo_GetSize(This, pliSize) ((This)->lpVtbl->GetSize((This), (pliSize)))
#define IHttpFileInfo_GetVrPath(This)        ((This)->lpVtbl->GetVrPath((This)))
#define IHttpFileInfo_GetVrToken(This)       ((This)->lpVtbl->GetVrToken((This)))

/* ---------------------------------------------------------- tracing */

/*
 * Tracing for a request (IHttpContext_GetTraceContext) or for the server
 * (IHttpServer_GetTraceContext).  Owned by whoever returned it.  Never trace from inside
 * RegisterModule: it is too early.
 */
/* clang-format off */
struct IHttpTraceContextVtbl {
    /* Activity id of the request, or NULL.  Context-owned. */
    LPCGUID (*GetTraceActivityId)(IHttpTraceContext *This);
    /* Fill pProviderGuid, call; only fProviderEnabled is sure to be written: read the other
     * fields only when it is TRUE.  Thread-safe when used alone. */
    HRESULT (*GetTraceConfiguration)(IHttpTraceContext *This,
                                     HTTP_TRACE_CONFIGURATION *pHttpTraceConfiguration);
    /* Raises a simple event.  IIS defaults: pszData2 NULL, hrLastError S_OK, Level 4 (1-5 are
     * ETW levels; also HTTP_TRACE_LEVEL_START, HTTP_TRACE_LEVEL_END). */
    HRESULT (*QuickTrace)(IHttpTraceContext *This, PCWSTR pszData1, PCWSTR pszData2,
                          HRESULT hrLastError, UCHAR Level);
    /* Raises pTraceEvent (borrowed for the call) to GL_TRACE_EVENT listeners. */
    HRESULT (*RaiseTraceEvent)(IHttpTraceContext *This, HTTP_TRACE_EVENT *pTraceEvent);
    /* Sets moduleId's subscriptions from an array (IIS default count: 1).  E_FAIL, E_OUTOFMEMORY,
     * ERROR_INVALID_PARAMETER (NULL provider GUID), ERROR_NOT_FOUND.  Not thread-safe. */
    HRESULT (*SetTraceConfiguration)(IHttpTraceContext *This, HTTP_MODULE_ID moduleId,
                                     HTTP_TRACE_CONFIGURATION *pHttpTraceConfiguration,
                                     DWORD cHttpTraceConfiguration);
};
/* clang-format on */

struct IHttpTraceContext {
    const IHttpTraceContextVtbl *lpVtbl;
};

#define IHttpTraceContext_GetTraceActivityId(This) ((This)->lpVtbl->GetTraceActivityId((This)))
#define IHttpTraceContext_GetTraceConfiguration(This, pHttpTraceConfiguration)                     \
    ((This)->lpVtbl->GetTraceConfiguration((This), (pHttpTraceConfiguration)))
#define IHttpTraceContext_QuickTrace(This, pszData1, pszData2, hrLastError, Level)                 \
    ((This)->lpVtbl->QuickTrace((This), (pszData1), (pszData2), (hrLastError), (Level)))
#define IHttpTraceContext_RaiseTraceEvent(This, pTraceEvent)                                       \
    ((This)->lpVtbl->RaiseTraceEvent((This), (pTraceEvent)))
#define IHttpTraceContext_SetTraceConfiguration(This, moduleId, pHttpTraceConfiguration,           \
                                                cHttpTraceConfiguration)                           \
    ((This)->lpVtbl->SetTraceConfiguration((This), (moduleId), (pHttpTraceConfiguration),          \
                                           (cHttpTraceConfiguration)))

/* ---------------------------------------------------------- notification providers */

/*
 * Base of every notification provider (§3.6, §2.8, §4.9, §4.10).  A provider and everything
 * it returns are valid only during the notification it was passed to.
 */
/* clang-format off */
struct IHttpEventProviderVtbl {
    /* Records why the module failed this notification (logs, tracing); changes nothing else. */
    VOID (*SetErrorStatus)(IHttpEventProvider *This, HRESULT hrError);
};
/* clang-format on */

struct IHttpEventProvider {
    const IHttpEventProviderVtbl *lpVtbl;
};

#define IHttpEventProvider_SetErrorStatus(This, hrError)                                           \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))

/*
 * Argument of CGlobalModule OnGlobalCacheOperation (§3.7).  It holds one reference on its
 * record.  Cache operations may be started again from inside the notification.
 */
/* clang-format off */
struct ICacheProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(ICacheProvider *This, HRESULT hrError);
    /* ICacheProvider */
    /* Key of the operation.  Borrowed. */
    IHttpCacheKey *(*GetCacheKey)(const ICacheProvider *This);
    /* Kind of operation. */
    CACHE_OPERATION (*GetCacheOperation)(const ICacheProvider *This);
    /* Record involved, or NULL.  Borrowed: ReferenceCacheData it to keep it past the call. */
    IHttpCacheSpecificData *(*GetCacheRecord)(const ICacheProvider *This);
    /* Trace context of the request that caused the operation, or NULL.  Borrowed. */
    IHttpTraceContext *(*GetTraceContext)(const ICacheProvider *This);
    /* Infrastructure.  Replaces the record; pCacheRecord (non-NULL) is consumed, so
     * ReferenceCacheData it first.  The reference on the previous record is dropped. */
    VOID (*SetCacheRecord)(ICacheProvider *This, IHttpCacheSpecificData *pCacheRecord);
};
/* clang-format on */

struct ICacheProvider {
    const ICacheProviderVtbl *lpVtbl;
};

#define ICacheProvider_SetErrorStatus(This, hrError)                                               \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define ICacheProvider_GetCacheKey(This)       ((This)->lpVtbl->GetCacheKey((This)))
#define ICacheProvider_GetCacheOperation(This) ((This)->lpVtbl->GetCacheOperation((This)))
#define ICacheProvider_GetCacheRecord(This)    ((This)->lpVtbl->GetCacheRecord((This)))
#define ICacheProvider_GetTraceContext(This)   ((This)->lpVtbl->GetTraceContext((This)))
#define ICacheProvider_SetCacheRecord(This, pCacheRecord)                                          \
    ((This)->lpVtbl->SetCacheRecord((This), (pCacheRecord)))

/*
 * Argument of CHttpModule OnAuthenticateRequest.
 */
/* clang-format off */
struct IAuthenticationProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IAuthenticationProvider *This, HRESULT hrError);
    /* IAuthenticationProvider */
    /* Authenticates the request as pUser now (NULL: leave it to later modules).  pUser is
     * consumed: the server calls DereferenceUser when done; do not release it yourself. */
    VOID (*SetUser)(IAuthenticationProvider *This, IHttpUser *pUser);
};
/* clang-format on */

struct IAuthenticationProvider {
    const IAuthenticationProviderVtbl *lpVtbl;
};

#define IAuthenticationProvider_SetErrorStatus(This, hrError)                                      \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IAuthenticationProvider_SetUser(This, pUser) ((This)->lpVtbl->SetUser((This), (pUser)))

/*
 * Argument of CHttpModule OnMapRequestHandler.
 */
/* clang-format off */
struct IMapHandlerProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IMapHandlerProvider *This, HRESULT hrError);
    /* IMapHandlerProvider */
    /* Not supported (as in IIS): has no effect. */
    VOID (*SetFileInfo)(IMapHandlerProvider *This, IHttpFileInfo *pFileInfo);
    /* Overrides the handler mapping for this request.  Borrowed; it must live as long as the
     * request (e.g. from IHttpContext_MapHandler). */
    VOID (*SetScriptMap)(IMapHandlerProvider *This, IScriptMapInfo *pScriptMap);
    /* Not supported (as in IIS): returns E_NOTIMPL. */
    HRESULT (*SetScriptName)(IMapHandlerProvider *This, PCWSTR pszScriptName, DWORD cchScriptName);
};
/* clang-format on */

struct IMapHandlerProvider {
    const IMapHandlerProviderVtbl *lpVtbl;
};

#define IMapHandlerProvider_SetErrorStatus(This, hrError)                                          \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IMapHandlerProvider_SetFileInfo(This, pFileInfo)                                           \
    ((This)->lpVtbl->SetFileInfo((This), (pFileInfo)))
#define IMapHandlerProvider_SetScriptMap(This, pScriptMap)                                         \
    ((This)->lpVtbl->SetScriptMap((This), (pScriptMap)))
#define IMapHandlerProvider_SetScriptName(This, pszScriptName, cchScriptName)                      \
    ((This)->lpVtbl->SetScriptName((This), (pszScriptName), (cchScriptName)))

/*
 * Argument of CHttpModule OnMapPath.
 */
/* clang-format off */
struct IMapPathProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IMapPathProvider *This, HRESULT hrError);
    /* IMapPathProvider */
    /* Current mapping, untranslated (L"/" maps to a folder, not a default document).  Borrowed. */
    PCWSTR (*GetPhysicalPath)(const IMapPathProvider *This);
    /* Server-relative URL being mapped.  Borrowed. */
    PCWSTR (*GetUrl)(const IMapPathProvider *This);
    /* Replaces the mapping (copied; cch in characters).  ERROR_INVALID_PARAMETER. */
    HRESULT (*SetPhysicalPath)(IMapPathProvider *This, PCWSTR pszPhysicalPath,
                               DWORD cchPhysicalPath);
};
/* clang-format on */

struct IMapPathProvider {
    const IMapPathProviderVtbl *lpVtbl;
};

#define IMapPathProvider_SetErrorStatus(This, hrError)                                             \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IMapPathProvider_GetPhysicalPath(This) ((This)->lpVtbl->GetPhysicalPath((This)))
#define IMapPathProvider_GetUrl(This)          ((This)->lpVtbl->GetUrl((This)))
#define IMapPathProvider_SetPhysicalPath(This, pszPhysicalPath, cchPhysicalPath)                   \
    ((This)->lpVtbl->SetPhysicalPath((This), (pszPhysicalPath), (cchPhysicalPath)))

/*
 * Argument of CHttpModule OnReadEntity, raised by every IHttpRequest_ReadEntityBody call.
 */
/* clang-format off */
struct IReadEntityProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IReadEntityProvider *This, HRESULT hrError);
    /* IReadEntityProvider */
    /* The reader's buffer, the bytes of data in it and its size.  Borrowed. */
    VOID (*GetEntity)(IReadEntityProvider *This, PVOID *ppBuffer, DWORD *pcbData, DWORD *pcbBuffer);
    /* Replaces the entity handed to the reader (cbBuffer >= cbData).  Borrowed: keep pBuffer
     * valid until the request ends (e.g. IHttpContext_AllocateRequestMemory). */
    VOID (*SetEntity)(IReadEntityProvider *This, PVOID pBuffer, DWORD cbData, DWORD cbBuffer);
};
/* clang-format on */

struct IReadEntityProvider {
    const IReadEntityProviderVtbl *lpVtbl;
};

#define IReadEntityProvider_SetErrorStatus(This, hrError)                                          \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IReadEntityProvider_GetEntity(This, ppBuffer, pcbData, pcbBuffer)                          \
    ((This)->lpVtbl->GetEntity((This), (ppBuffer), (pcbData), (pcbBuffer)))
#define IReadEntityProvider_SetEntity(This, pBuffer, cbData, cbBuffer)                             \
    ((This)->lpVtbl->SetEntity((This), (pBuffer), (cbData), (cbBuffer)))

/*
 * Argument of CHttpModule OnSendResponse.
 */
/* clang-format off */
struct ISendResponseProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(ISendResponseProvider *This, HRESULT hrError);
    /* ISendResponseProvider */
    /* HTTP_SEND_RESPONSE_FLAG_* of this send. */
    DWORD (*GetFlags)(const ISendResponseProvider *This);
    /* FALSE when the headers are suppressed or already sent. */
    BOOL (*GetHeadersBeingSent)(const ISendResponseProvider *This);
    /* The HTTP_LOG_FIELDS_DATA * of the request, or NULL unless GetReadyToLogData is TRUE and
     * the module registered RQ_SEND_RESPONSE at PRIORITY_ALIAS_FIRST or _HIGH.  Borrowed. */
    VOID *(*GetLogData)(const ISendResponseProvider *This);
    /* TRUE when log data is available (the last send of the response). */
    BOOL (*GetReadyToLogData)(const ISendResponseProvider *This);
    /* Replaces the HTTP_SEND_RESPONSE_FLAG_* of this send. */
    VOID (*SetFlags)(ISendResponseProvider *This, DWORD dwFlags);
    /* Submits a modified HTTP_LOG_FIELDS_DATA; copied before the call returns. */
    HRESULT (*SetLogData)(ISendResponseProvider *This, VOID *pLogData);
};
/* clang-format on */

struct ISendResponseProvider {
    const ISendResponseProviderVtbl *lpVtbl;
};

#define ISendResponseProvider_SetErrorStatus(This, hrError)                                        \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define ISendResponseProvider_GetFlags(This) ((This)->lpVtbl->GetFlags((This)))
#define ISendResponseProvider_GetHeadersBeingSent(This)                                            \
    ((This)->lpVtbl->GetHeadersBeingSent((This)))
#define ISendResponseProvider_GetLogData(This)        ((This)->lpVtbl->GetLogData((This)))
#define ISendResponseProvider_GetReadyToLogData(This) ((This)->lpVtbl->GetReadyToLogData((This)))
#define ISendResponseProvider_SetFlags(This, dwFlags) ((This)->lpVtbl->SetFlags((This), (dwFlags)))
#define ISendResponseProvider_SetLogData(This, pLogData)                                           \
    ((This)->lpVtbl->SetLogData((This), (pLogData)))

/*
 * Argument of OnCustomRequestNotification / OnGlobalCustomNotification.  Implemented by the
 * module that raises the notification; borrowed by the server for the call.
 */
/* clang-format off */
struct ICustomNotificationProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(ICustomNotificationProvider *This, HRESULT hrError);
    /* ICustomNotificationProvider */
    /* A module-defined string naming the kind of notification; listeners compare it by content. */
    PCWSTR (*QueryNotificationType)(ICustomNotificationProvider *This);
};
/* clang-format on */

struct ICustomNotificationProvider {
    const ICustomNotificationProviderVtbl *lpVtbl;
};

#define ICustomNotificationProvider_SetErrorStatus(This, hrError)                                  \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define ICustomNotificationProvider_QueryNotificationType(This)                                    \
    ((This)->lpVtbl->QueryNotificationType((This)))

/*
 * Argument of CGlobalModule OnGlobalPreBeginRequest.
 */
/* clang-format off */
struct IPreBeginRequestProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IPreBeginRequestProvider *This, HRESULT hrError);
    /* IPreBeginRequestProvider */
    /* The request about to enter the pipeline.  Borrowed. */
    IHttpContext *(*GetHttpContext)(IPreBeginRequestProvider *This);
};
/* clang-format on */

struct IPreBeginRequestProvider {
    const IPreBeginRequestProviderVtbl *lpVtbl;
};

#define IPreBeginRequestProvider_SetErrorStatus(This, hrError)                                     \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IPreBeginRequestProvider_GetHttpContext(This) ((This)->lpVtbl->GetHttpContext((This)))

/*
 * Argument of OnGlobalApplicationStart and OnGlobalApplicationStop (see the
 * IHttpApplicationStartProvider and IHttpApplicationStopProvider typedefs).
 */
/* clang-format off */
struct IHttpApplicationProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IHttpApplicationProvider *This, HRESULT hrError);
    /* IHttpApplicationProvider */
    /* The application starting or stopping.  Borrowed. */
    IHttpApplication *(*GetApplication)(IHttpApplicationProvider *This);
};
/* clang-format on */

struct IHttpApplicationProvider {
    const IHttpApplicationProviderVtbl *lpVtbl;
};

#define IHttpApplicationProvider_SetErrorStatus(This, hrError)                                     \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IHttpApplicationProvider_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))

/*
 * Argument of CGlobalModule OnGlobalApplicationResolveModules.  Derives from
 * IHttpApplicationProvider as in IIS.  Too early for IHttpServer_DoCacheOperation.
 */
/* clang-format off */
struct IHttpApplicationResolveModulesProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IHttpApplicationResolveModulesProvider *This, HRESULT hrError);
    /* IHttpApplicationProvider */
    IHttpApplication *(*GetApplication)(IHttpApplicationResolveModulesProvider *This);
    /* IHttpApplicationResolveModulesProvider */
    /* Adds a request module absent from the configuration to the application; the server keeps
     * pModuleFactory until it calls its Terminate.  ERROR_FILE_NOT_FOUND, ERROR_INVALID_PARAMETER,
     * ERROR_NOT_ENOUGH_MEMORY. */
    HRESULT (*RegisterModule)(IHttpApplicationResolveModulesProvider *This,
                              HTTP_MODULE_ID parentModuleId, IHttpModuleFactory *pModuleFactory,
                              PCWSTR pszModuleName, PCWSTR pszModuleType,
                              PCWSTR pszModulePreCondition, DWORD dwRequestNotifications,
                              DWORD dwPostRequestNotifications);
    /* Sets a PRIORITY_ALIAS_* for a module added above.  ERROR_INVALID_PARAMETER. */
    HRESULT (*SetPriorityForRequestNotification)(IHttpApplicationResolveModulesProvider *This,
                                                 PCWSTR pszModuleName, DWORD dwRequestNotification,
                                                 PCWSTR pszPriorityAlias);
};
/* clang-format on */

struct IHttpApplicationResolveModulesProvider {
    const IHttpApplicationResolveModulesProviderVtbl *lpVtbl;
};

#define IHttpApplicationResolveModulesProvider_SetErrorStatus(This, hrError)                       \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IHttpApplicationResolveModulesProvider_GetApplication(This)                                \
    ((This)->lpVtbl->GetApplication((This)))
#define IHttpApplicationResolveModulesProvider_RegisterModule(                                     \
    This, parentModuleId, pModuleFactory, pszModuleName, pszModuleType, pszModulePreCondition,     \
    dwRequestNotifications, dwPostRequestNotifications)                                            \
    ((This)->lpVtbl->RegisterModule((This), (parentModuleId), (pModuleFactory), (pszModuleName),   \
                                    (pszModuleType), (pszModulePreCondition),                      \
                                    (dwRequestNotifications), (dwPostRequestNotifications)))
#define IHttpApplicationResolveModulesProvider_SetPriorityForRequestNotification(                  \
    This, pszModuleName, dwRequestNotification, pszPriorityAlias)                                  \
    ((This)->lpVtbl->SetPriorityForRequestNotification(                                            \
        (This), (pszModuleName), (dwRequestNotification), (pszPriorityAlias)))

/*
 * Argument of CGlobalModule OnGlobalConfigurationChange.
 */
/* clang-format off */
struct IGlobalConfigurationChangeProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalConfigurationChangeProvider *This, HRESULT hrError);
    /* IGlobalConfigurationChangeProvider */
    /* Stores in *ppszPath the configuration path that changed.  Borrowed. */
    VOID (*GetChangePath)(const IGlobalConfigurationChangeProvider *This, PCWSTR *ppszPath);
};
/* clang-format on */

struct IGlobalConfigurationChangeProvider {
    const IGlobalConfigurationChangeProviderVtbl *lpVtbl;
};

#define IGlobalConfigurationChangeProvider_SetErrorStatus(This, hrError)                           \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalConfigurationChangeProvider_GetChangePath(This, ppszPath)                           \
    ((This)->lpVtbl->GetChangePath((This), (ppszPath)))

/*
 * Argument of CGlobalModule OnGlobalFileChange.
 */
/* clang-format off */
struct IGlobalFileChangeProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalFileChangeProvider *This, HRESULT hrError);
    /* IGlobalFileChangeProvider */
    /* The monitor that saw the change, or NULL.  Borrowed. */
    IHttpFileMonitor *(*GetFileMonitor)(IGlobalFileChangeProvider *This);
    /* Full path of the changed file.  Borrowed. */
    PCWSTR (*GetFileName)(const IGlobalFileChangeProvider *This);
};
/* clang-format on */

struct IGlobalFileChangeProvider {
    const IGlobalFileChangeProviderVtbl *lpVtbl;
};

#define IGlobalFileChangeProvider_SetErrorStatus(This, hrError)                                    \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalFileChangeProvider_GetFileMonitor(This) ((This)->lpVtbl->GetFileMonitor((This)))
#define IGlobalFileChangeProvider_GetFileName(This)    ((This)->lpVtbl->GetFileName((This)))

/*
 * A file-change monitor (IHttpServer_RegisterFileChangeMonitor, +1).
 */
/* clang-format off */
struct IHttpFileMonitorVtbl {
    /* Drops one reference; the last one stops the monitor.  Thread-safe. */
    VOID (*DereferenceFileMonitor)(IHttpFileMonitor *This);
    /* Per-monitor module state; never NULL, never released by callers. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpFileMonitor *This);
};
/* clang-format on */

struct IHttpFileMonitor {
    const IHttpFileMonitorVtbl *lpVtbl;
};

#define IHttpFileMonitor_DereferenceFileMonitor(This)                                              \
    ((This)->lpVtbl->DereferenceFileMonitor((This)))
#define IHttpFileMonitor_GetModuleContextContainer(This)                                           \
    ((This)->lpVtbl->GetModuleContextContainer((This)))

/*
 * Argument of CGlobalModule OnGlobalStopListening.
 */
/* clang-format off */
struct IGlobalStopListeningProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalStopListeningProvider *This, HRESULT hrError);
    /* IGlobalStopListeningProvider */
    /* TRUE if requests in flight may finish; FALSE if they will be cut. */
    BOOL (*DrainRequestsGracefully)(const IGlobalStopListeningProvider *This);
};
/* clang-format on */

struct IGlobalStopListeningProvider {
    const IGlobalStopListeningProviderVtbl *lpVtbl;
};

#define IGlobalStopListeningProvider_SetErrorStatus(This, hrError)                                 \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalStopListeningProvider_DrainRequestsGracefully(This)                                 \
    ((This)->lpVtbl->DrainRequestsGracefully((This)))

/*
 * Argument of CGlobalModule OnGlobalThreadCleanup.
 */
/* clang-format off */
struct IGlobalThreadCleanupProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalThreadCleanupProvider *This, HRESULT hrError);
    /* IGlobalThreadCleanupProvider */
    /* Application the thread last worked for, or NULL.  Borrowed. */
    IHttpApplication *(*GetApplication)(IGlobalThreadCleanupProvider *This);
};
/* clang-format on */

struct IGlobalThreadCleanupProvider {
    const IGlobalThreadCleanupProviderVtbl *lpVtbl;
};

#define IGlobalThreadCleanupProvider_SetErrorStatus(This, hrError)                                 \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalThreadCleanupProvider_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))

/*
 * Argument of CGlobalModule OnGlobalTraceEvent.
 */
/* clang-format off */
struct IGlobalTraceEventProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalTraceEventProvider *This, HRESULT hrError);
    /* IGlobalTraceEventProvider */
    /* TRUE if the event matches ModuleId's trace configuration. */
    BOOL (*CheckSubscription)(IGlobalTraceEventProvider *This, HTTP_MODULE_ID ModuleId);
    /* The request that raised the event (borrowed); ERROR_NOT_SUPPORTED for server events. */
    HRESULT (*GetCurrentHttpRequestContext)(IGlobalTraceEventProvider *This,
                                            IHttpContext **ppHttpContext);
    /* The event.  Borrowed (provider-owned). */
    HRESULT (*GetTraceEvent)(IGlobalTraceEventProvider *This, HTTP_TRACE_EVENT **ppTraceEvent);
};
/* clang-format on */

struct IGlobalTraceEventProvider {
    const IGlobalTraceEventProviderVtbl *lpVtbl;
};

#define IGlobalTraceEventProvider_SetErrorStatus(This, hrError)                                    \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalTraceEventProvider_CheckSubscription(This, ModuleId)                                \
    ((This)->lpVtbl->CheckSubscription((This), (ModuleId)))
#define IGlobalTraceEventProvider_GetCurrentHttpRequestContext(This, ppHttpContext)                \
    ((This)->lpVtbl->GetCurrentHttpRequestContext((This), (ppHttpContext)))
#define IGlobalTraceEventProvider_GetTraceEvent(This, ppTraceEvent)                                \
    ((This)->lpVtbl->GetTraceEvent((This), (ppTraceEvent)))

/*
 * Argument of CGlobalModule OnGlobalRSCAQuery (run-time status and control queries).
 */
/* clang-format off */
struct IGlobalRSCAQueryProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalRSCAQueryProvider *This, HRESULT hrError);
    /* IGlobalRSCAQueryProvider */
    /* Name of the queried function. */
    PCWSTR (*GetFunctionName)(const IGlobalRSCAQueryProvider *This);
    /* Its parameters (empty string if none). */
    PCWSTR (*GetFunctionParameters)(const IGlobalRSCAQueryProvider *This);
    /* Infrastructure.  Allocates a cbBuffer-byte result buffer owned by the provider. */
    HRESULT (*GetOutputBuffer)(IGlobalRSCAQueryProvider *This, DWORD cbBuffer, BYTE **ppbBuffer);
    /* Infrastructure.  Grows the buffer keeping cbBytesToCopy bytes; E_INVALIDARG if that
     * exceeds cbNewBuffer. */
    HRESULT (*ResizeOutputBuffer)(IGlobalRSCAQueryProvider *This, DWORD cbNewBuffer,
                                  DWORD cbBytesToCopy, BYTE **ppbBuffer);
    /* Infrastructure.  Sets the result: cbData bytes of output and its status. */
    VOID (*SetResult)(IGlobalRSCAQueryProvider *This, DWORD cbData, HRESULT hr);
};
/* clang-format on */

struct IGlobalRSCAQueryProvider {
    const IGlobalRSCAQueryProviderVtbl *lpVtbl;
};

#define IGlobalRSCAQueryProvider_SetErrorStatus(This, hrError)                                     \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalRSCAQueryProvider_GetFunctionName(This) ((This)->lpVtbl->GetFunctionName((This)))
#define IGlobalRSCAQueryProvider_GetFunctionParameters(This)                                       \
    ((This)->lpVtbl->GetFunctionParameters((This)))
#define IGlobalRSCAQueryProvider_GetOutputBuffer(This, cbBuffer, ppbBuffer)                        \
    ((This)->lpVtbl->GetOutputBuffer((This), (cbBuffer), (ppbBuffer)))
#define IGlobalRSCAQueryProvider_ResizeOutputBuffer(This, cbNewBuffer, cbBytesToCopy, ppbBuffer)   \
    ((This)->lpVtbl->ResizeOutputBuffer((This), (cbNewBuffer), (cbBytesToCopy), (ppbBuffer)))
#define IGlobalRSCAQueryProvider_SetResult(This, cbData, hr)                                       \
    ((This)->lpVtbl->SetResult((This), (cbData), (hr)))

/*
 * Argument of CGlobalModule OnGlobalApplicationPreload.
 */
/* clang-format off */
struct IGlobalApplicationPreloadProviderVtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalApplicationPreloadProvider *This, HRESULT hrError);
    /* IGlobalApplicationPreloadProvider */
    /* Makes a request context for a warm-up request; pass it to ExecuteRequest. */
    HRESULT (*CreateContext)(IGlobalApplicationPreloadProvider *This, IHttpContext **ppHttpContext);
    /* Runs the warm-up request made by CreateContext, as pHttpUser (borrowed). */
    HRESULT (*ExecuteRequest)(IGlobalApplicationPreloadProvider *This, IHttpContext *pHttpContext,
                              IHttpUser *pHttpUser);
};
/* clang-format on */

struct IGlobalApplicationPreloadProvider {
    const IGlobalApplicationPreloadProviderVtbl *lpVtbl;
};

#define IGlobalApplicationPreloadProvider_SetErrorStatus(This, hrError)                            \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalApplicationPreloadProvider_CreateContext(This, ppHttpContext)                       \
    ((This)->lpVtbl->CreateContext((This), (ppHttpContext)))
#define IGlobalApplicationPreloadProvider_ExecuteRequest(This, pHttpContext, pHttpUser)            \
    ((This)->lpVtbl->ExecuteRequest((This), (pHttpContext), (pHttpUser)))

/*
 * IGlobalApplicationPreloadProvider with recycling information (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IGlobalApplicationPreloadProvider2Vtbl {
    /* IHttpEventProvider */
    VOID (*SetErrorStatus)(IGlobalApplicationPreloadProvider2 *This, HRESULT hrError);
    /* IGlobalApplicationPreloadProvider */
    HRESULT (*CreateContext)(IGlobalApplicationPreloadProvider2 *This,
                             IHttpContext **ppHttpContext);
    HRESULT (*ExecuteRequest)(IGlobalApplicationPreloadProvider2 *This, IHttpContext *pHttpContext,
                              IHttpUser *pHttpUser);
    /* IGlobalApplicationPreloadProvider2 */
    /* TRUE if the preload follows a worker-process recycle. */
    BOOL (*IsProcessRecycled)(const IGlobalApplicationPreloadProvider2 *This);
};
/* clang-format on */

struct IGlobalApplicationPreloadProvider2 {
    const IGlobalApplicationPreloadProvider2Vtbl *lpVtbl;
};

#define IGlobalApplicationPreloadProvider2_SetErrorStatus(This, hrError)                           \
    ((This)->lpVtbl->SetErrorStatus((This), (hrError)))
#define IGlobalApplicationPreloadProvider2_CreateContext(This, ppHttpContext)                      \
    ((This)->lpVtbl->CreateContext((This), (ppHttpContext)))
#define IGlobalApplicationPreloadProvider2_ExecuteRequest(This, pHttpContext, pHttpUser)           \
    ((This)->lpVtbl->ExecuteRequest((This), (pHttpContext), (pHttpUser)))
#define IGlobalApplicationPreloadProvider2_IsProcessRecycled(This)                                 \
    ((This)->lpVtbl->IsProcessRecycled((This)))

/* ---------------------------------------------------------- request-side objects */

/*
 * The site of a request (IHttpContext_GetSite).  Context-owned.
 */
/* clang-format off */
struct IHttpSiteVtbl {
    /* Per-site module state; never NULL, never released by callers.  Thread-safe. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpSite *This);
    /* Infrastructure.  The site's performance counters. */
    IHttpPerfCounterInfo *(*GetPerfCounterInfo)(IHttpSite *This);
    /* Site id (1 for the default site). */
    DWORD (*GetSiteId)(const IHttpSite *This);
    /* Site name as configured, e.g. L"Default Web Site". */
    PCWSTR (*GetSiteName)(const IHttpSite *This);
};
/* clang-format on */

struct IHttpSite {
    const IHttpSiteVtbl *lpVtbl;
};

#define IHttpSite_GetModuleContextContainer(This)                                                  \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpSite_GetPerfCounterInfo(This) ((This)->lpVtbl->GetPerfCounterInfo((This)))
#define IHttpSite_GetSiteId(This)          ((This)->lpVtbl->GetSiteId((This)))
#define IHttpSite_GetSiteName(This)        ((This)->lpVtbl->GetSiteName((This)))

/*
 * An application (a site's virtual path with its own root folder).  Borrowed from whoever
 * returned it.
 */
/* clang-format off */
struct IHttpApplicationVtbl {
    /* Configuration path, e.g. L"MACHINE/WEBROOT/APPHOST/Default Web Site". */
    PCWSTR (*GetAppConfigPath)(const IHttpApplication *This);
    /* Application id, e.g. L"/LM/W3SVC/1/ROOT". */
    PCWSTR (*GetApplicationId)(const IHttpApplication *This);
    /* Root folder of the application (not the folder of the request). */
    PCWSTR (*GetApplicationPhysicalPath)(const IHttpApplication *This);
    /* Per-application module state; never NULL, never released by callers.  Thread-safe. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpApplication *This);
};
/* clang-format on */

struct IHttpApplication {
    const IHttpApplicationVtbl *lpVtbl;
};

#define IHttpApplication_GetAppConfigPath(This) ((This)->lpVtbl->GetAppConfigPath((This)))
#define IHttpApplication_GetApplicationId(This) ((This)->lpVtbl->GetApplicationId((This)))
#define IHttpApplication_GetApplicationPhysicalPath(This)                                          \
    ((This)->lpVtbl->GetApplicationPhysicalPath((This)))
#define IHttpApplication_GetModuleContextContainer(This)                                           \
    ((This)->lpVtbl->GetModuleContextContainer((This)))

/*
 * IHttpApplication with warm-up support (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpApplication2Vtbl {
    /* IHttpApplication */
    PCWSTR (*GetAppConfigPath)(const IHttpApplication2 *This);
    PCWSTR (*GetApplicationId)(const IHttpApplication2 *This);
    PCWSTR (*GetApplicationPhysicalPath)(const IHttpApplication2 *This);
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpApplication2 *This);
    /* IHttpApplication2 */
    /* Marks the application as warming up (preload). */
    VOID (*BeginApplicationWarmup)(IHttpApplication2 *This);
    /* Ends the warm-up period. */
    VOID (*EndApplicationWarmup)(IHttpApplication2 *This);
    /* TRUE while the application is warming up. */
    BOOL (*QueryIsWarmingUp)(IHttpApplication2 *This);
};
/* clang-format on */

struct IHttpApplication2 {
    const IHttpApplication2Vtbl *lpVtbl;
};

#define IHttpApplication2_GetAppConfigPath(This) ((This)->lpVtbl->GetAppConfigPath((This)))
#define IHttpApplication2_GetApplicationId(This) ((This)->lpVtbl->GetApplicationId((This)))
#define IHttpApplication2_GetApplicationPhysicalPath(This)                                         \
    ((This)->lpVtbl->GetApplicationPhysicalPath((This)))
#define IHttpApplication2_GetModuleContextContainer(This)                                          \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpApplication2_BeginApplicationWarmup(This)                                             \
    ((This)->lpVtbl->BeginApplicationWarmup((This)))
#define IHttpApplication2_EndApplicationWarmup(This) ((This)->lpVtbl->EndApplicationWarmup((This)))
#define IHttpApplication2_QueryIsWarmingUp(This)     ((This)->lpVtbl->QueryIsWarmingUp((This)))

/*
 * URI-cache state of the requested URL (IHttpContext_GetUrlInfo).  Context-owned.
 */
/* clang-format off */
struct IHttpUrlInfoVtbl {
    /* Per-URL module state; never NULL, never released by callers.  Thread-safe. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpUrlInfo *This);
    /* TRUE if the URL was hit often enough lately (default: 2 hits within 10 seconds). */
    BOOL (*IsFrequentlyHit)(const IHttpUrlInfo *This);
};
/* clang-format on */

struct IHttpUrlInfo {
    const IHttpUrlInfoVtbl *lpVtbl;
};

#define IHttpUrlInfo_GetModuleContextContainer(This)                                               \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpUrlInfo_IsFrequentlyHit(This) ((This)->lpVtbl->IsFrequentlyHit((This)))

/*
 * The client connection of a request (IHttpContext_GetConnection).  Context-owned.
 */
/* clang-format off */
struct IHttpConnectionVtbl {
    /* cbAllocation bytes from the request's pool, freed when the request ends; never free() it. */
    VOID *(*AllocateMemory)(IHttpConnection *This, DWORD cbAllocation);
    /* Per-connection module state (IHttpConnectionStoredContext hears of disconnects). */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpConnection *This);
    /* TRUE while the client is still connected. */
    BOOL (*IsConnected)(const IHttpConnection *This);
};
/* clang-format on */

struct IHttpConnection {
    const IHttpConnectionVtbl *lpVtbl;
};

#define IHttpConnection_AllocateMemory(This, cbAllocation)                                         \
    ((This)->lpVtbl->AllocateMemory((This), (cbAllocation)))
#define IHttpConnection_GetModuleContextContainer(This)                                            \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpConnection_IsConnected(This) ((This)->lpVtbl->IsConnected((This)))

/*
 * Configuration metadata of a URL (IHttpContext_GetMetadata).  Context-owned.
 */
/* clang-format off */
struct IMetadataInfoVtbl {
    /* Configuration path of the URL. */
    PCWSTR (*GetMetaPath)(const IMetadataInfo *This);
    /* Per-metadata module state; never NULL, never released by callers. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IMetadataInfo *This);
    /* Physical path of the virtual directory. */
    PCWSTR (*GetVrPath)(const IMetadataInfo *This);
    /* Token entry of the virtual directory's configured account, or NULL.  Borrowed:
     * ReferenceCacheData it to keep it. */
    IHttpTokenEntry *(*GetVrToken)(IMetadataInfo *This);
};
/* clang-format on */

struct IMetadataInfo {
    const IMetadataInfoVtbl *lpVtbl;
};

#define IMetadataInfo_GetMetaPath(This) ((This)->lpVtbl->GetMetaPath((This)))
#define IMetadataInfo_GetModuleContextContainer(This)                                              \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IMetadataInfo_GetVrPath(This)  ((This)->lpVtbl->GetVrPath((This)))
#define IMetadataInfo_GetVrToken(This) ((This)->lpVtbl->GetVrToken((This)))

/*
 * Metadata returned by IHttpServer2_GetMetadata with one reference (+1) for the caller.
 */
/* clang-format off */
struct IReferencedMetadataInfoVtbl {
    /* IMetadataInfo */
    PCWSTR (*GetMetaPath)(const IReferencedMetadataInfo *This);
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IReferencedMetadataInfo *This);
    PCWSTR (*GetVrPath)(const IReferencedMetadataInfo *This);
    IHttpTokenEntry *(*GetVrToken)(IReferencedMetadataInfo *This);
    /* IReferencedMetadataInfo */
    /* Drops one reference; the last one frees it.  Thread-safe. */
    VOID (*DereferenceMetadata)(IReferencedMetadataInfo *This);
    /* Adds one reference.  Thread-safe. */
    VOID (*ReferenceMetadata)(IReferencedMetadataInfo *This);
};
/* clang-format on */

struct IReferencedMetadataInfo {
    const IReferencedMetadataInfoVtbl *lpVtbl;
};

#define IReferencedMetadataInfo_GetMetaPath(This) ((This)->lpVtbl->GetMetaPath((This)))
#define IReferencedMetadataInfo_GetModuleContextContainer(This)                                    \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IReferencedMetadataInfo_GetVrPath(This)  ((This)->lpVtbl->GetVrPath((This)))
#define IReferencedMetadataInfo_GetVrToken(This) ((This)->lpVtbl->GetVrToken((This)))
#define IReferencedMetadataInfo_DereferenceMetadata(This)                                          \
    ((This)->lpVtbl->DereferenceMetadata((This)))
#define IReferencedMetadataInfo_ReferenceMetadata(This) ((This)->lpVtbl->ReferenceMetadata((This)))

/*
 * A handler mapping, as in <handlers><add .../> (IHttpContext_GetScriptMap, MapHandler).
 * Owned by the configuration or the context; strings live as long as the object.
 */
/* clang-format off */
struct IScriptMapInfoVtbl {
    /* Verbs the handler accepts, comma-separated (e.g. "GET,HEAD,POST"). */
    PCSTR (*GetAllowedVerbs)(const IScriptMapInfo *This);
    /* TRUE if PATH_INFO is passed to the handler. */
    BOOL (*GetAllowPathInfoForScriptMappings)(const IScriptMapInfo *This);
    /* TRUE for a wildcard ("*") mapping. */
    BOOL (*GetIsStarScriptMap)(const IScriptMapInfo *This);
    /* Handler type attribute, or NULL; *pcchManagedType (if not NULL) gets its length. */
    PCWSTR (*GetManagedType)(const IScriptMapInfo *This, DWORD *pcchManagedType);
    /* Modules implementing the handler, comma-separated; *pcchModules (if not NULL): length. */
    PCWSTR (*GetModules)(const IScriptMapInfo *This, DWORD *pcchModules);
    /* Name of the mapping. */
    PCWSTR (*GetName)(const IScriptMapInfo *This);
    /* Path pattern of the mapping, e.g. L"*.cgi". */
    PCWSTR (*GetPath)(const IScriptMapInfo *This);
    /* Access the handler needs (0 none, 1 read, 2 write, 3 script, 4 execute). */
    DWORD (*GetRequiredAccess)(const IScriptMapInfo *This);
    /* Resource type (0 file, 1 directory, 2 either, 3 unspecified). */
    DWORD (*GetResourceType)(const IScriptMapInfo *This);
    /* Response buffer limit in bytes. */
    DWORD (*GetResponseBufferLimit)(const IScriptMapInfo *This);
    /* Script processor (e.g. a CGI interpreter), or NULL; *pcchScriptProcessor: length. */
    PCWSTR (*GetScriptProcessor)(const IScriptMapInfo *This, DWORD *pcchScriptProcessor);
};
/* clang-format on */

struct IScriptMapInfo {
    const IScriptMapInfoVtbl *lpVtbl;
};

#define IScriptMapInfo_GetAllowedVerbs(This) ((This)->lpVtbl->GetAllowedVerbs((This)))
#define IScriptMapInfo_GetAllowPathInfoForScriptMappings(This)                                     \
    ((This)->lpVtbl->GetAllowPathInfoForScriptMappings((This)))
#define IScriptMapInfo_GetIsStarScriptMap(This) ((This)->lpVtbl->GetIsStarScriptMap((This)))
#define IScriptMapInfo_GetManagedType(This, pcchManagedType)                                       \
    ((This)->lpVtbl->GetManagedType((This), (pcchManagedType)))
#define IScriptMapInfo_GetModules(This, pcchModules)                                               \
    ((This)->lpVtbl->GetModules((This), (pcchModules)))
#define IScriptMapInfo_GetName(This)                ((This)->lpVtbl->GetName((This)))
#define IScriptMapInfo_GetPath(This)                ((This)->lpVtbl->GetPath((This)))
#define IScriptMapInfo_GetRequiredAccess(This)      ((This)->lpVtbl->GetRequiredAccess((This)))
#define IScriptMapInfo_GetResourceType(This)        ((This)->lpVtbl->GetResourceType((This)))
#define IScriptMapInfo_GetResponseBufferLimit(This) ((This)->lpVtbl->GetResponseBufferLimit((This)))
#define IScriptMapInfo_GetScriptProcessor(This, pcchScriptProcessor)                               \
    ((This)->lpVtbl->GetScriptProcessor((This), (pcchScriptProcessor)))

/*
 * Output-cache policy of a response (IHttpResponse_GetCachePolicy); not the global caches.
 * Response-owned.  guise keeps IIS's set of methods; the raw HTTP_CACHE_POLICY is opaque.
 */
/* clang-format off */
struct IHttpCachePolicyVtbl {
    /* Adds a request header the cached response varies by (copied). */
    HRESULT (*AppendVaryByHeader)(IHttpCachePolicy *This, PCSTR pszHeader);
    /* Adds a query-string parameter the cached response varies by (copied). */
    HRESULT (*AppendVaryByQueryString)(IHttpCachePolicy *This, PCSTR pszParam);
    /* Keeps this response out of the user-mode output cache. */
    VOID (*DisableUserCache)(IHttpCachePolicy *This);
    /* TRUE if SetKernelCacheInvalidatorSet was called. */
    BOOL (*GetKernelCacheInvalidatorSet)(const IHttpCachePolicy *This);
    /* Kernel-cache policy (opaque on guise).  Response-owned. */
    HTTP_CACHE_POLICY *(*GetKernelCachePolicy)(IHttpCachePolicy *This);
    /* User-mode output-cache policy (opaque on guise).  Response-owned. */
    HTTP_CACHE_POLICY *(*GetUserCachePolicy)(IHttpCachePolicy *This);
    /* Vary-by headers, comma-separated, or NULL. */
    PCSTR (*GetVaryByHeaders)(const IHttpCachePolicy *This);
    /* Vary-by query-string parameters, comma-separated, or NULL. */
    PCSTR (*GetVaryByQueryStrings)(const IHttpCachePolicy *This);
    /* Custom vary-by value, or NULL. */
    PCSTR (*GetVaryByValue)(const IHttpCachePolicy *This);
    /* TRUE if the response is (to be) cached. */
    BOOL (*IsCached)(const IHttpCachePolicy *This);
    /* TRUE unless DisableUserCache was called or caching is off. */
    BOOL (*IsUserCacheEnabled)(const IHttpCachePolicy *This);
    /* Marks the response as cached. */
    VOID (*SetIsCached)(IHttpCachePolicy *This);
    /* Records that a kernel-cache invalidator was set. */
    VOID (*SetKernelCacheInvalidatorSet)(IHttpCachePolicy *This);
    /* Sets a custom vary-by value (copied). */
    HRESULT (*SetVaryByValue)(IHttpCachePolicy *This, PCSTR pszValue);
};
/* clang-format on */

struct IHttpCachePolicy {
    const IHttpCachePolicyVtbl *lpVtbl;
};

#define IHttpCachePolicy_AppendVaryByHeader(This, pszHeader)                                       \
    ((This)->lpVtbl->AppendVaryByHeader((This), (pszHeader)))
#define IHttpCachePolicy_AppendVaryByQueryString(This, pszParam)                                   \
    ((This)->lpVtbl->AppendVaryByQueryString((This), (pszParam)))
#define IHttpCachePolicy_DisableUserCache(This) ((This)->lpVtbl->DisableUserCache((This)))
#define IHttpCachePolicy_GetKernelCacheInvalidatorSet(This)                                        \
    ((This)->lpVtbl->GetKernelCacheInvalidatorSet((This)))
#define IHttpCachePolicy_GetKernelCachePolicy(This)  ((This)->lpVtbl->GetKernelCachePolicy((This)))
#define IHttpCachePolicy_GetUserCachePolicy(This)    ((This)->lpVtbl->GetUserCachePolicy((This)))
#define IHttpCachePolicy_GetVaryByHeaders(This)      ((This)->lpVtbl->GetVaryByHeaders((This)))
#define IHttpCachePolicy_GetVaryByQueryStrings(This) ((This)->lpVtbl->GetVaryByQueryStrings((This)))
#define IHttpCachePolicy_GetVaryByValue(This)        ((This)->lpVtbl->GetVaryByValue((This)))
#define IHttpCachePolicy_IsCached(This)              ((This)->lpVtbl->IsCached((This)))
#define IHttpCachePolicy_IsUserCacheEnabled(This)    ((This)->lpVtbl->IsUserCacheEnabled((This)))
#define IHttpCachePolicy_SetIsCached(This)           ((This)->lpVtbl->SetIsCached((This)))
#define IHttpCachePolicy_SetKernelCacheInvalidatorSet(This)                                        \
    ((This)->lpVtbl->SetKernelCacheInvalidatorSet((This)))
#define IHttpCachePolicy_SetVaryByValue(This, pszValue)                                            \
    ((This)->lpVtbl->SetVaryByValue((This), (pszValue)))

/*
 * IHttpCachePolicy with forced updates (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpCachePolicy2Vtbl {
    /* IHttpCachePolicy */
    HRESULT (*AppendVaryByHeader)(IHttpCachePolicy2 *This, PCSTR pszHeader);
    HRESULT (*AppendVaryByQueryString)(IHttpCachePolicy2 *This, PCSTR pszParam);
    VOID (*DisableUserCache)(IHttpCachePolicy2 *This);
    BOOL (*GetKernelCacheInvalidatorSet)(const IHttpCachePolicy2 *This);
    HTTP_CACHE_POLICY *(*GetKernelCachePolicy)(IHttpCachePolicy2 *This);
    HTTP_CACHE_POLICY *(*GetUserCachePolicy)(IHttpCachePolicy2 *This);
    PCSTR (*GetVaryByHeaders)(const IHttpCachePolicy2 *This);
    PCSTR (*GetVaryByQueryStrings)(const IHttpCachePolicy2 *This);
    PCSTR (*GetVaryByValue)(const IHttpCachePolicy2 *This);
    BOOL (*IsCached)(const IHttpCachePolicy2 *This);
    BOOL (*IsUserCacheEnabled)(const IHttpCachePolicy2 *This);
    VOID (*SetIsCached)(IHttpCachePolicy2 *This);
    VOID (*SetKernelCacheInvalidatorSet)(IHttpCachePolicy2 *This);
    HRESULT (*SetVaryByValue)(IHttpCachePolicy2 *This, PCSTR pszValue);
    /* IHttpCachePolicy2 */
    /* TRUE if SetForceUpdate was called. */
    BOOL (*IsForceUpdateSet)(const IHttpCachePolicy2 *This);
    /* Forces the cached copy to be replaced by this response. */
    VOID (*SetForceUpdate)(IHttpCachePolicy2 *This);
};
/* clang-format on */

struct IHttpCachePolicy2 {
    const IHttpCachePolicy2Vtbl *lpVtbl;
};

#define IHttpCachePolicy2_AppendVaryByHeader(This, pszHeader)                                      \
    ((This)->lpVtbl->AppendVaryByHeader((This), (pszHeader)))
#define IHttpCachePolicy2_AppendVaryByQueryString(This, pszParam)                                  \
    ((This)->lpVtbl->AppendVaryByQueryString((This), (pszParam)))
#define IHttpCachePolicy2_DisableUserCache(This) ((This)->lpVtbl->DisableUserCache((This)))
#define IHttpCachePolicy2_GetKernelCacheInvalidatorSet(This)                                       \
    ((This)->lpVtbl->GetKernelCacheInvalidatorSet((This)))
#define IHttpCachePolicy2_GetKernelCachePolicy(This) ((This)->lpVtbl->GetKernelCachePolicy((This)))
#define IHttpCachePolicy2_GetUserCachePolicy(This)   ((This)->lpVtbl->GetUserCachePolicy((This)))
#define IHttpCachePolicy2_GetVaryByHeaders(This)     ((This)->lpVtbl->GetVaryByHeaders((This)))
#define IHttpCachePolicy2_GetVaryByQueryStrings(This)                                              \
    ((This)->lpVtbl->GetVaryByQueryStrings((This)))
#define IHttpCachePolicy2_GetVaryByValue(This)     ((This)->lpVtbl->GetVaryByValue((This)))
#define IHttpCachePolicy2_IsCached(This)           ((This)->lpVtbl->IsCached((This)))
#define IHttpCachePolicy2_IsUserCacheEnabled(This) ((This)->lpVtbl->IsUserCacheEnabled((This)))
#define IHttpCachePolicy2_SetIsCached(This)        ((This)->lpVtbl->SetIsCached((This)))
#define IHttpCachePolicy2_SetKernelCacheInvalidatorSet(This)                                       \
    ((This)->lpVtbl->SetKernelCacheInvalidatorSet((This)))
#define IHttpCachePolicy2_SetVaryByValue(This, pszValue)                                           \
    ((This)->lpVtbl->SetVaryByValue((This), (pszValue)))
#define IHttpCachePolicy2_IsForceUpdateSet(This) ((This)->lpVtbl->IsForceUpdateSet((This)))
#define IHttpCachePolicy2_SetForceUpdate(This)   ((This)->lpVtbl->SetForceUpdate((This)))

/*
 * An authenticated user (§4.5).  Reference counted like a cache record: born at 1,
 * ReferenceUser/DereferenceUser are atomic, freed at 0.  IHttpContext_GetUser returns a
 * borrowed pointer.  Modules may implement it (IAuthenticationProvider_SetUser).
 */
/* clang-format off */
struct IHttpUserVtbl {
    /* Drops one reference; the last one frees the user.  Thread-safe. */
    VOID (*DereferenceUser)(IHttpUser *This);
    /* L"" for anonymous, L"Basic", L"Digest", L"Forms", L"Negotiate", L"NTLM". */
    PCWSTR (*GetAuthenticationType)(IHttpUser *This);
    /* Token to impersonate the user, or NULL.  User-owned: never close it. */
    HANDLE (*GetImpersonationToken)(IHttpUser *This);
    /* The clear-text password, if the user object keeps it; guise's users never do (L"" once
     * the logon is over).  User-owned; never keep it. */
    PCWSTR (*GetPassword)(IHttpUser *This);
    /* Token to start processes as the user, or NULL.  User-owned: never close it. */
    HANDLE (*GetPrimaryToken)(IHttpUser *This);
    /* Name the client gave (L"" for anonymous).  User-owned. */
    PCWSTR (*GetRemoteUserName)(IHttpUser *This);
    /* Name of the authenticated user (L"" for anonymous).  User-owned. */
    PCWSTR (*GetUserName)(IHttpUser *This);
    /* Custom data by name, e.g. HTTP_USER_VARIABLE_SID (a PSID), or NULL.  User-owned. */
    PVOID (*GetUserVariable)(IHttpUser *This, PCSTR pszVariableName);
    /* Sets *pfInRole; only when SupportsIsInRole is TRUE (else E_NOTIMPL, *pfInRole untouched). */
    HRESULT (*IsInRole)(IHttpUser *This, PCWSTR pszRoleName, BOOL *pfInRole);
    /* Adds one reference.  Thread-safe. */
    VOID (*ReferenceUser)(IHttpUser *This);
    /* TRUE if IsInRole works for this user (anonymous and managed users). */
    BOOL (*SupportsIsInRole)(IHttpUser *This);
};
/* clang-format on */

struct IHttpUser {
    const IHttpUserVtbl *lpVtbl;
};

#define IHttpUser_DereferenceUser(This)       ((This)->lpVtbl->DereferenceUser((This)))
#define IHttpUser_GetAuthenticationType(This) ((This)->lpVtbl->GetAuthenticationType((This)))
#define IHttpUser_GetImpersonationToken(This) ((This)->lpVtbl->GetImpersonationToken((This)))
#define IHttpUser_GetPassword(This)           ((This)->lpVtbl->GetPassword((This)))
#define IHttpUser_GetPrimaryToken(This)       ((This)->lpVtbl->GetPrimaryToken((This)))
#define IHttpUser_GetRemoteUserName(This)     ((This)->lpVtbl->GetRemoteUserName((This)))
#define IHttpUser_GetUserName(This)           ((This)->lpVtbl->GetUserName((This)))
#define IHttpUser_GetUserVariable(This, pszVariableName)                                           \
    ((This)->lpVtbl->GetUserVariable((This), (pszVariableName)))
#define IHttpUser_IsInRole(This, pszRoleName, pfInRole)                                            \
    ((This)->lpVtbl->IsInRole((This), (pszRoleName), (pfInRole)))
#define IHttpUser_ReferenceUser(This)    ((This)->lpVtbl->ReferenceUser((This)))
#define IHttpUser_SupportsIsInRole(This) ((This)->lpVtbl->SupportsIsInRole((This)))

/*
 * Result of an asynchronous operation, passed to CHttpModule OnAsyncCompletion.  Borrowed.
 */
/* clang-format off */
struct IHttpCompletionInfoVtbl {
    /* Bytes read, written or flushed by the operation. */
    DWORD (*GetCompletionBytes)(const IHttpCompletionInfo *This);
    /* Status of the operation. */
    HRESULT (*GetCompletionStatus)(const IHttpCompletionInfo *This);
};
/* clang-format on */

struct IHttpCompletionInfo {
    const IHttpCompletionInfoVtbl *lpVtbl;
};

#define IHttpCompletionInfo_GetCompletionBytes(This)  ((This)->lpVtbl->GetCompletionBytes((This)))
#define IHttpCompletionInfo_GetCompletionStatus(This) ((This)->lpVtbl->GetCompletionStatus((This)))

/*
 * Completion information passed to a PFN_ASYNC_COMPLETION callback.
 */
/* clang-format off */
struct IHttpCompletionInfo2Vtbl {
    /* IHttpCompletionInfo */
    DWORD (*GetCompletionBytes)(const IHttpCompletionInfo2 *This);
    HRESULT (*GetCompletionStatus)(const IHttpCompletionInfo2 *This);
    /* IHttpCompletionInfo2 */
    /* Which operation completed (IIS documents it as a byte count). */
    DWORD (*GetCompletedOperation)(const IHttpCompletionInfo2 *This);
};
/* clang-format on */

struct IHttpCompletionInfo2 {
    const IHttpCompletionInfo2Vtbl *lpVtbl;
};

#define IHttpCompletionInfo2_GetCompletionBytes(This)  ((This)->lpVtbl->GetCompletionBytes((This)))
#define IHttpCompletionInfo2_GetCompletionStatus(This) ((This)->lpVtbl->GetCompletionStatus((This)))
#define IHttpCompletionInfo2_GetCompletedOperation(This)                                           \
    ((This)->lpVtbl->GetCompletedOperation((This)))

/*
 * Request-pool allocator passed to IHttpModuleFactory GetHttpModule.
 */
/* clang-format off */
struct IModuleAllocatorVtbl {
    /* cbAllocation bytes, freed when the request ends; never free() it.  NULL if out of memory. */
    VOID *(*AllocateMemory)(IModuleAllocator *This, DWORD cbAllocation);
};
/* clang-format on */

struct IModuleAllocator {
    const IModuleAllocatorVtbl *lpVtbl;
};

#define IModuleAllocator_AllocateMemory(This, cbAllocation)                                        \
    ((This)->lpVtbl->AllocateMemory((This), (cbAllocation)))

/* ---------------------------------------------------------- request */

/*
 * The request (§4.3), from IHttpContext_GetRequest; context-owned.  Strings are UTF-8
 * (PCSTR) or wide (PCWSTR); lengths count bytes (cb/cch of PCSTR) or wide characters.
 */
/* clang-format off */
struct IHttpRequestVtbl {
    /* Removes a header by name (non-NULL).  S_OK even if it was absent. */
    HRESULT (*DeleteHeader)(IHttpRequest *This, PCSTR pszHeaderName);
    /* Removes a header by id (< HttpHeaderRequestMaximum). */
    HRESULT (*DeleteHeaderById)(IHttpRequest *This, HTTP_HEADER_ID ulHeaderIndex);
    /* Client certificate (borrowed; NULL if none even on S_OK).  ERROR_NOT_FOUND,
     * ERROR_INVALID_PARAMETER. */
    HRESULT (*GetClientCertificate)(IHttpRequest *This,
                                    HTTP_SSL_CLIENT_CERT_INFO **ppClientCertInfo,
                                    BOOL *pfClientCertNegotiated);
    /* URL set by SetUrl if it points elsewhere, else NULL. */
    PCWSTR (*GetForwardedUrl)(const IHttpRequest *This);
    /* Value of a header, or NULL; *pcchHeaderValue (if not NULL) gets its length in bytes.
     * Borrowed until the header changes or the request ends. */
    PCSTR (*GetHeader)(const IHttpRequest *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue);
    /* Same by header id (< HttpHeaderRequestMaximum). */
    PCSTR (*GetHeaderById)(const IHttpRequest *This, HTTP_HEADER_ID ulHeaderIndex,
                           USHORT *pcchHeaderValue);
    /* Internal (header synchronisation for hosted runtimes); not for modules.  E_NOTIMPL. */
    HRESULT (*GetHeaderChanges)(IHttpRequest *This, DWORD dwOldChangeNumber,
                                DWORD *pdwNewChangeNumber,
                                PCSTR knownHeaderSnapshot[HttpHeaderRequestMaximum],
                                DWORD *pdwUnknownHeaderSnapShot,
                                PCSTR **ppUnknownHeaderNameSnapShot,
                                PCSTR **ppUnknownHeaderValueSnapShot,
                                DWORD diffedKnownHeaderIndices[HttpHeaderRequestMaximum + 1],
                                DWORD *pdwDiffedUnknownHeaders,
                                DWORD **ppDiffedUnknownHeaderIndices);
    /* Request method, e.g. "GET". */
    PCSTR (*GetHttpMethod)(const IHttpRequest *This);
    /* HTTP version of the request. */
    VOID (*GetHttpVersion)(const IHttpRequest *This, USHORT *pMajorVersion, USHORT *pMinorVersion);
    /* Server address of the connection (struct sockaddr_in or _in6).  Borrowed. */
    PSOCKADDR (*GetLocalAddress)(const IHttpRequest *This);
    /* Opaque on guise (http.sys structures are not exposed): always NULL. */
    HTTP_REQUEST *(*GetRawHttpRequest)(IHttpRequest *This);
    /* Body bytes not read yet. */
    DWORD (*GetRemainingEntityBytes)(IHttpRequest *This);
    /* Client address.  Borrowed. */
    PSOCKADDR (*GetRemoteAddress)(const IHttpRequest *This);
    /* Id of the request's site. */
    DWORD (*GetSiteId)(const IHttpRequest *This);
    /* TRUE after SetUrl. */
    BOOL (*GetUrlChanged)(const IHttpRequest *This);
    /* Inserts bytes before the unread body.  Not copied: keep pvBuffer valid until the request
     * ends.  Content-Length is not updated. */
    HRESULT (*InsertEntityBody)(IHttpRequest *This, VOID *pvBuffer, DWORD cbBuffer);
    /* Asks the client for a certificate (TLS renegotiation); IIS default pfCompletionPending
     * NULL.  E_FAIL if it cannot be done. */
    HRESULT (*NegotiateClientCertificate)(IHttpRequest *This, BOOL fAsync,
                                          BOOL *pfCompletionPending);
    /* Reads up to cbBuffer body bytes; raises RQ_READ_ENTITY.  Asynchronous: if
     * *pfCompletionPending, return RQ_NOTIFICATION_PENDING and get OnAsyncCompletion.
     * HRESULT_FROM_WIN32(ERROR_HANDLE_EOF) once the body is consumed; ERROR_CONNECTION_INVALID. */
    HRESULT (*ReadEntityBody)(IHttpRequest *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                              DWORD *pcbBytesReceived, BOOL *pfCompletionPending);
    /* guise's reading of a method the IIS docs list without a page: replaces the unread body
     * with cbBuffer bytes.  Not copied (keep it valid until the request ends). */
    HRESULT (*SetEntityBody)(IHttpRequest *This, VOID *pvBuffer, DWORD cbBuffer);
    /* Sets (fReplace TRUE) or appends to a header; cchHeaderValue excludes the terminator.
     * Copied.  ERROR_INVALID_DATA (too long), ERROR_INVALID_PARAMETER. */
    HRESULT (*SetHeader)(IHttpRequest *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
                         USHORT cchHeaderValue, BOOL fReplace);
    /* Same by header id (< HttpHeaderRequestMaximum). */
    HRESULT (*SetHeaderById)(IHttpRequest *This, HTTP_HEADER_ID ulHeaderIndex, PCSTR pszHeaderValue,
                             USHORT cchHeaderValue, BOOL fReplace);
    /* Replaces the method (copied) for later stages and the log. */
    HRESULT (*SetHttpMethod)(IHttpRequest *This, PCSTR pszHttpMethod);
    /* Rewrites the URL (UTF-8, cchUrl bytes) as if the client had asked for it; server
     * variables gathered before keep the old one.  Copied. */
    HRESULT (*SetUrl)(IHttpRequest *This, PCSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
    /* Same with a wide URL of cchUrl characters. */
    HRESULT (*SetUrlW)(IHttpRequest *This, PCWSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
};
/* clang-format on */

struct IHttpRequest {
    const IHttpRequestVtbl *lpVtbl;
};

#define IHttpRequest_DeleteHeader(This, pszHeaderName)                                             \
    ((This)->lpVtbl->DeleteHeader((This), (pszHeaderName)))
#define IHttpRequest_DeleteHeaderById(This, ulHeaderIndex)                                         \
    ((This)->lpVtbl->DeleteHeaderById((This), (ulHeaderIndex)))
#define IHttpRequest_GetClientCertificate(This, ppClientCertInfo, pfClientCertNegotiated)          \
    ((This)->lpVtbl->GetClientCertificate((This), (ppClientCertInfo), (pfClientCertNegotiated)))
#define IHttpRequest_GetForwardedUrl(This) ((This)->lpVtbl->GetForwardedUrl((This)))
#define IHttpRequest_GetHeader(This, pszHeaderName, pcchHeaderValue)                               \
    ((This)->lpVtbl->GetHeader((This), (pszHeaderName), (pcchHeaderValue)))
#define IHttpRequest_GetHeaderById(This, ulHeaderIndex, pcchHeaderValue)                           \
    ((This)->lpVtbl->GetHeaderById((This), (ulHeaderIndex), (pcchHeaderValue)))
#define IHttpRequest_GetHeaderChanges(                                                             \
    This, dwOldChangeNumber, pdwNewChangeNumber, knownHeaderSnapshot, pdwUnknownHeaderSnapShot,    \
    ppUnknownHeaderNameSnapShot, ppUnknownHeaderValueSnapShot, diffedKnownHeaderIndices,           \
    pdwDiffedUnknownHeaders, ppDiffedUnknownHeaderIndices)                                         \
    ((This)->lpVtbl->GetHeaderChanges(                                                             \
        (This), (dwOldChangeNumber), (pdwNewChangeNumber), (knownHeaderSnapshot),                  \
        (pdwUnknownHeaderSnapShot), (ppUnknownHeaderNameSnapShot), (ppUnknownHeaderValueSnapShot), \
        (diffedKnownHeaderIndices), (pdwDiffedUnknownHeaders), (ppDiffedUnknownHeaderIndices)))
#define IHttpRequest_GetHttpMethod(This) ((This)->lpVtbl->GetHttpMethod((This)))
#define IHttpRequest_GetHttpVersion(This, pMajorVersion, pMinorVersion)                            \
    ((This)->lpVtbl->GetHttpVersion((This), (pMajorVersion), (pMinorVersion)))
#define IHttpRequest_GetLocalAddress(This)         ((This)->lpVtbl->GetLocalAddress((This)))
#define IHttpRequest_GetRawHttpRequest(This)       ((This)->lpVtbl->GetRawHttpRequest((This)))
#define IHttpRequest_GetRemainingEntityBytes(This) ((This)->lpVtbl->GetRemainingEntityBytes((This)))
#define IHttpRequest_GetRemoteAddress(This)        ((This)->lpVtbl->GetRemoteAddress((This)))
#define IHttpRequest_GetSiteId(This)               ((This)->lpVtbl->GetSiteId((This)))
#define IHttpRequest_GetUrlChanged(This)           ((This)->lpVtbl->GetUrlChanged((This)))
#define IHttpRequest_InsertEntityBody(This, pvBuffer, cbBuffer)                                    \
    ((This)->lpVtbl->InsertEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest_NegotiateClientCertificate(This, fAsync, pfCompletionPending)                 \
    ((This)->lpVtbl->NegotiateClientCertificate((This), (fAsync), (pfCompletionPending)))
#define IHttpRequest_ReadEntityBody(This, pvBuffer, cbBuffer, fAsync, pcbBytesReceived,            \
                                    pfCompletionPending)                                           \
    ((This)->lpVtbl->ReadEntityBody((This), (pvBuffer), (cbBuffer), (fAsync), (pcbBytesReceived),  \
                                    (pfCompletionPending)))
#define IHttpRequest_SetEntityBody(This, pvBuffer, cbBuffer)                                       \
    ((This)->lpVtbl->SetEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest_SetHeader(This, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace)      \
    ((This)->lpVtbl->SetHeader((This), (pszHeaderName), (pszHeaderValue), (cchHeaderValue),        \
                               (fReplace)))
#define IHttpRequest_SetHeaderById(This, ulHeaderIndex, pszHeaderValue, cchHeaderValue, fReplace)  \
    ((This)->lpVtbl->SetHeaderById((This), (ulHeaderIndex), (pszHeaderValue), (cchHeaderValue),    \
                                   (fReplace)))
#define IHttpRequest_SetHttpMethod(This, pszHttpMethod)                                            \
    ((This)->lpVtbl->SetHttpMethod((This), (pszHttpMethod)))
#define IHttpRequest_SetUrl(This, pszUrl, cchUrl, fResetQueryString)                               \
    ((This)->lpVtbl->SetUrl((This), (pszUrl), (cchUrl), (fResetQueryString)))
#define IHttpRequest_SetUrlW(This, pszUrl, cchUrl, fResetQueryString)                              \
    ((This)->lpVtbl->SetUrlW((This), (pszUrl), (cchUrl), (fResetQueryString)))

/*
 * IHttpRequest with channel binding (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpRequest2Vtbl {
    /* IHttpRequest */
    HRESULT (*DeleteHeader)(IHttpRequest2 *This, PCSTR pszHeaderName);
    HRESULT (*DeleteHeaderById)(IHttpRequest2 *This, HTTP_HEADER_ID ulHeaderIndex);
    HRESULT (*GetClientCertificate)(IHttpRequest2 *This,
                                    HTTP_SSL_CLIENT_CERT_INFO **ppClientCertInfo,
                                    BOOL *pfClientCertNegotiated);
    PCWSTR (*GetForwardedUrl)(const IHttpRequest2 *This);
    PCSTR (*GetHeader)(const IHttpRequest2 *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue);
    PCSTR (*GetHeaderById)(const IHttpRequest2 *This, HTTP_HEADER_ID ulHeaderIndex,
                           USHORT *pcchHeaderValue);
    HRESULT (*GetHeaderChanges)(IHttpRequest2 *This, DWORD dwOldChangeNumber,
                                DWORD *pdwNewChangeNumber,
                                PCSTR knownHeaderSnapshot[HttpHeaderRequestMaximum],
                                DWORD *pdwUnknownHeaderSnapShot,
                                PCSTR **ppUnknownHeaderNameSnapShot,
                                PCSTR **ppUnknownHeaderValueSnapShot,
                                DWORD diffedKnownHeaderIndices[HttpHeaderRequestMaximum + 1],
                                DWORD *pdwDiffedUnknownHeaders,
                                DWORD **ppDiffedUnknownHeaderIndices);
    PCSTR (*GetHttpMethod)(const IHttpRequest2 *This);
    VOID (*GetHttpVersion)(const IHttpRequest2 *This, USHORT *pMajorVersion, USHORT *pMinorVersion);
    PSOCKADDR (*GetLocalAddress)(const IHttpRequest2 *This);
    HTTP_REQUEST *(*GetRawHttpRequest)(IHttpRequest2 *This);
    DWORD (*GetRemainingEntityBytes)(IHttpRequest2 *This);
    PSOCKADDR (*GetRemoteAddress)(const IHttpRequest2 *This);
    DWORD (*GetSiteId)(const IHttpRequest2 *This);
    BOOL (*GetUrlChanged)(const IHttpRequest2 *This);
    HRESULT (*InsertEntityBody)(IHttpRequest2 *This, VOID *pvBuffer, DWORD cbBuffer);
    HRESULT (*NegotiateClientCertificate)(IHttpRequest2 *This, BOOL fAsync,
                                          BOOL *pfCompletionPending);
    HRESULT (*ReadEntityBody)(IHttpRequest2 *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                              DWORD *pcbBytesReceived, BOOL *pfCompletionPending);
    HRESULT (*SetEntityBody)(IHttpRequest2 *This, VOID *pvBuffer, DWORD cbBuffer);
    HRESULT (*SetHeader)(IHttpRequest2 *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
                         USHORT cchHeaderValue, BOOL fReplace);
    HRESULT (*SetHeaderById)(IHttpRequest2 *This, HTTP_HEADER_ID ulHeaderIndex,
                             PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace);
    HRESULT (*SetHttpMethod)(IHttpRequest2 *This, PCSTR pszHttpMethod);
    HRESULT (*SetUrl)(IHttpRequest2 *This, PCSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
    HRESULT (*SetUrlW)(IHttpRequest2 *This, PCWSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
    /* IHttpRequest2 */
    /* TLS channel-binding token (borrowed, request-owned) and its size. */
    HRESULT (*GetChannelBindingToken)(IHttpRequest2 *This, PBYTE *ppToken, DWORD *pTokenSize);
};
/* clang-format on */

struct IHttpRequest2 {
    const IHttpRequest2Vtbl *lpVtbl;
};

#define IHttpRequest2_DeleteHeader(This, pszHeaderName)                                            \
    ((This)->lpVtbl->DeleteHeader((This), (pszHeaderName)))
#define IHttpRequest2_DeleteHeaderById(This, ulHeaderIndex)                                        \
    ((This)->lpVtbl->DeleteHeaderById((This), (ulHeaderIndex)))
#define IHttpRequest2_GetClientCertificate(This, ppClientCertInfo, pfClientCertNegotiated)         \
    ((This)->lpVtbl->GetClientCertificate((This), (ppClientCertInfo), (pfClientCertNegotiated)))
#define IHttpRequest2_GetForwardedUrl(This) ((This)->lpVtbl->GetForwardedUrl((This)))
#define IHttpRequest2_GetHeader(This, pszHeaderName, pcchHeaderValue)                              \
    ((This)->lpVtbl->GetHeader((This), (pszHeaderName), (pcchHeaderValue)))
#define IHttpRequest2_GetHeaderById(This, ulHeaderIndex, pcchHeaderValue)                          \
    ((This)->lpVtbl->GetHeaderById((This), (ulHeaderIndex), (pcchHeaderValue)))
#define IHttpRequest2_GetHeaderChanges(                                                            \
    This, dwOldChangeNumber, pdwNewChangeNumber, knownHeaderSnapshot, pdwUnknownHeaderSnapShot,    \
    ppUnknownHeaderNameSnapShot, ppUnknownHeaderValueSnapShot, diffedKnownHeaderIndices,           \
    pdwDiffedUnknownHeaders, ppDiffedUnknownHeaderIndices)                                         \
    ((This)->lpVtbl->GetHeaderChanges(                                                             \
        (This), (dwOldChangeNumber), (pdwNewChangeNumber), (knownHeaderSnapshot),                  \
        (pdwUnknownHeaderSnapShot), (ppUnknownHeaderNameSnapShot), (ppUnknownHeaderValueSnapShot), \
        (diffedKnownHeaderIndices), (pdwDiffedUnknownHeaders), (ppDiffedUnknownHeaderIndices)))
#define IHttpRequest2_GetHttpMethod(This) ((This)->lpVtbl->GetHttpMethod((This)))
#define IHttpRequest2_GetHttpVersion(This, pMajorVersion, pMinorVersion)                           \
    ((This)->lpVtbl->GetHttpVersion((This), (pMajorVersion), (pMinorVersion)))
#define IHttpRequest2_GetLocalAddress(This)   ((This)->lpVtbl->GetLocalAddress((This)))
#define IHttpRequest2_GetRawHttpRequest(This) ((This)->lpVtbl->GetRawHttpRequest((This)))
#define IHttpRequest2_GetRemainingEntityBytes(This)                                                \
    ((This)->lpVtbl->GetRemainingEntityBytes((This)))
#define IHttpRequest2_GetRemoteAddress(This) ((This)->lpVtbl->GetRemoteAddress((This)))
#define IHttpRequest2_GetSiteId(This)        ((This)->lpVtbl->GetSiteId((This)))
#define IHttpRequest2_GetUrlChanged(This)    ((This)->lpVtbl->GetUrlChanged((This)))
#define IHttpRequest2_InsertEntityBody(This, pvBuffer, cbBuffer)                                   \
    ((This)->lpVtbl->InsertEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest2_NegotiateClientCertificate(This, fAsync, pfCompletionPending)                \
    ((This)->lpVtbl->NegotiateClientCertificate((This), (fAsync), (pfCompletionPending)))
#define IHttpRequest2_ReadEntityBody(This, pvBuffer, cbBuffer, fAsync, pcbBytesReceived,           \
                                     pfCompletionPending)                                          \
    ((This)->lpVtbl->ReadEntityBody((This), (pvBuffer), (cbBuffer), (fAsync), (pcbBytesReceived),  \
                                    (pfCompletionPending)))
#define IHttpRequest2_SetEntityBody(This, pvBuffer, cbBuffer)                                      \
    ((This)->lpVtbl->SetEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest2_SetHeader(This, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace)     \
    ((This)->lpVtbl->SetHeader((This), (pszHeaderName), (pszHeaderValue), (cchHeaderValue),        \
                               (fReplace)))
#define IHttpRequest2_SetHeaderById(This, ulHeaderIndex, pszHeaderValue, cchHeaderValue, fReplace) \
    ((This)->lpVtbl->SetHeaderById((This), (ulHeaderIndex), (pszHeaderValue), (cchHeaderValue),    \
                                   (fReplace)))
#define IHttpRequest2_SetHttpMethod(This, pszHttpMethod)                                           \
    ((This)->lpVtbl->SetHttpMethod((This), (pszHttpMethod)))
#define IHttpRequest2_SetUrl(This, pszUrl, cchUrl, fResetQueryString)                              \
    ((This)->lpVtbl->SetUrl((This), (pszUrl), (cchUrl), (fResetQueryString)))
#define IHttpRequest2_SetUrlW(This, pszUrl, cchUrl, fResetQueryString)                             \
    ((This)->lpVtbl->SetUrlW((This), (pszUrl), (cchUrl), (fResetQueryString)))
#define IHttpRequest2_GetChannelBindingToken(This, ppToken, pTokenSize)                            \
    ((This)->lpVtbl->GetChannelBindingToken((This), (ppToken), (pTokenSize)))

/*
 * IHttpRequest with callback-style asynchronous reads (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpRequest3Vtbl {
    /* IHttpRequest */
    HRESULT (*DeleteHeader)(IHttpRequest3 *This, PCSTR pszHeaderName);
    HRESULT (*DeleteHeaderById)(IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex);
    HRESULT (*GetClientCertificate)(IHttpRequest3 *This,
                                    HTTP_SSL_CLIENT_CERT_INFO **ppClientCertInfo,
                                    BOOL *pfClientCertNegotiated);
    PCWSTR (*GetForwardedUrl)(const IHttpRequest3 *This);
    PCSTR (*GetHeader)(const IHttpRequest3 *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue);
    PCSTR (*GetHeaderById)(const IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex,
                           USHORT *pcchHeaderValue);
    HRESULT (*GetHeaderChanges)(IHttpRequest3 *This, DWORD dwOldChangeNumber,
                                DWORD *pdwNewChangeNumber,
                                PCSTR knownHeaderSnapshot[HttpHeaderRequestMaximum],
                                DWORD *pdwUnknownHeaderSnapShot,
                                PCSTR **ppUnknownHeaderNameSnapShot,
                                PCSTR **ppUnknownHeaderValueSnapShot,
                                DWORD diffedKnownHeaderIndices[HttpHeaderRequestMaximum + 1],
                                DWORD *pdwDiffedUnknownHeaders,
                                DWORD **ppDiffedUnknownHeaderIndices);
    PCSTR (*GetHttpMethod)(const IHttpRequest3 *This);
    VOID (*GetHttpVersion)(const IHttpRequest3 *This, USHORT *pMajorVersion, USHORT *pMinorVersion);
    PSOCKADDR (*GetLocalAddress)(const IHttpRequest3 *This);
    HTTP_REQUEST *(*GetRawHttpRequest)(IHttpRequest3 *This);
    DWORD (*GetRemainingEntityBytes)(IHttpRequest3 *This);
    PSOCKADDR (*GetRemoteAddress)(const IHttpRequest3 *This);
    DWORD (*GetSiteId)(const IHttpRequest3 *This);
    BOOL (*GetUrlChanged)(const IHttpRequest3 *This);
    HRESULT (*InsertEntityBody)(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer);
    HRESULT (*NegotiateClientCertificate)(IHttpRequest3 *This, BOOL fAsync,
                                          BOOL *pfCompletionPending);
    HRESULT (*ReadEntityBody)(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                              DWORD *pcbBytesReceived, BOOL *pfCompletionPending);
    HRESULT (*SetEntityBody)(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer);
    HRESULT (*SetHeader)(IHttpRequest3 *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
                         USHORT cchHeaderValue, BOOL fReplace);
    HRESULT (*SetHeaderById)(IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex,
                             PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace);
    HRESULT (*SetHttpMethod)(IHttpRequest3 *This, PCSTR pszHttpMethod);
    HRESULT (*SetUrl)(IHttpRequest3 *This, PCSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
    HRESULT (*SetUrlW)(IHttpRequest3 *This, PCWSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString);
    /* IHttpRequest2 */
    HRESULT (*GetChannelBindingToken)(IHttpRequest3 *This, PBYTE *ppToken, DWORD *pTokenSize);
    /* IHttpRequest3 */
    /* IIS's IHttpRequest3::ReadEntityBody: as ReadEntityBody, but an asynchronous completion
     * calls pfnCompletionCallback(context, info, pvCompletionContext), not OnAsyncCompletion. */
    HRESULT (*ReadEntityBody3)(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                               PFN_ASYNC_COMPLETION pfnCompletionCallback,
                               VOID *pvCompletionContext, DWORD *pcbBytesReceived,
                               BOOL *pfCompletionPending);
};
/* clang-format on */

struct IHttpRequest3 {
    const IHttpRequest3Vtbl *lpVtbl;
};

#define IHttpRequest3_DeleteHeader(This, pszHeaderName)                                            \
    ((This)->lpVtbl->DeleteHeader((This), (pszHeaderName)))
#define IHttpRequest3_DeleteHeaderById(This, ulHeaderIndex)                                        \
    ((This)->lpVtbl->DeleteHeaderById((This), (ulHeaderIndex)))
#define IHttpRequest3_GetClientCertificate(This, ppClientCertInfo, pfClientCertNegotiated)         \
    ((This)->lpVtbl->GetClientCertificate((This), (ppClientCertInfo), (pfClientCertNegotiated)))
#define IHttpRequest3_GetForwardedUrl(This) ((This)->lpVtbl->GetForwardedUrl((This)))
#define IHttpRequest3_GetHeader(This, pszHeaderName, pcchHeaderValue)                              \
    ((This)->lpVtbl->GetHeader((This), (pszHeaderName), (pcchHeaderValue)))
#define IHttpRequest3_GetHeaderById(This, ulHeaderIndex, pcchHeaderValue)                          \
    ((This)->lpVtbl->GetHeaderById((This), (ulHeaderIndex), (pcchHeaderValue)))
#define IHttpRequest3_GetHeaderChanges(                                                            \
    This, dwOldChangeNumber, pdwNewChangeNumber, knownHeaderSnapshot, pdwUnknownHeaderSnapShot,    \
    ppUnknownHeaderNameSnapShot, ppUnknownHeaderValueSnapShot, diffedKnownHeaderIndices,           \
    pdwDiffedUnknownHeaders, ppDiffedUnknownHeaderIndices)                                         \
    ((This)->lpVtbl->GetHeaderChanges(                                                             \
        (This), (dwOldChangeNumber), (pdwNewChangeNumber), (knownHeaderSnapshot),                  \
        (pdwUnknownHeaderSnapShot), (ppUnknownHeaderNameSnapShot), (ppUnknownHeaderValueSnapShot), \
        (diffedKnownHeaderIndices), (pdwDiffedUnknownHeaders), (ppDiffedUnknownHeaderIndices)))
#define IHttpRequest3_GetHttpMethod(This) ((This)->lpVtbl->GetHttpMethod((This)))
#define IHttpRequest3_GetHttpVersion(This, pMajorVersion, pMinorVersion)                           \
    ((This)->lpVtbl->GetHttpVersion((This), (pMajorVersion), (pMinorVersion)))
#define IHttpRequest3_GetLocalAddress(This)   ((This)->lpVtbl->GetLocalAddress((This)))
#define IHttpRequest3_GetRawHttpRequest(This) ((This)->lpVtbl->GetRawHttpRequest((This)))
#define IHttpRequest3_GetRemainingEntityBytes(This)                                                \
    ((This)->lpVtbl->GetRemainingEntityBytes((This)))
#define IHttpRequest3_GetRemoteAddress(This) ((This)->lpVtbl->GetRemoteAddress((This)))
#define IHttpRequest3_GetSiteId(This)        ((This)->lpVtbl->GetSiteId((This)))
#define IHttpRequest3_GetUrlChanged(This)    ((This)->lpVtbl->GetUrlChanged((This)))
#define IHttpRequest3_InsertEntityBody(This, pvBuffer, cbBuffer)                                   \
    ((This)->lpVtbl->InsertEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest3_NegotiateClientCertificate(This, fAsync, pfCompletionPending)                \
    ((This)->lpVtbl->NegotiateClientCertificate((This), (fAsync), (pfCompletionPending)))
#define IHttpRequest3_ReadEntityBody(This, pvBuffer, cbBuffer, fAsync, pcbBytesReceived,           \
                                     pfCompletionPending)                                          \
    ((This)->lpVtbl->ReadEntityBody((This), (pvBuffer), (cbBuffer), (fAsync), (pcbBytesReceived),  \
                                    (pfCompletionPending)))
#define IHttpRequest3_SetEntityBody(This, pvBuffer, cbBuffer)                                      \
    ((This)->lpVtbl->SetEntityBody((This), (pvBuffer), (cbBuffer)))
#define IHttpRequest3_SetHeader(This, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace)     \
    ((This)->lpVtbl->SetHeader((This), (pszHeaderName), (pszHeaderValue), (cchHeaderValue),        \
                               (fReplace)))
#define IHttpRequest3_SetHeaderById(This, ulHeaderIndex, pszHeaderValue, cchHeaderValue, fReplace) \
    ((This)->lpVtbl->SetHeaderById((This), (ulHeaderIndex), (pszHeaderValue), (cchHeaderValue),    \
                                   (fReplace)))
#define IHttpRequest3_SetHttpMethod(This, pszHttpMethod)                                           \
    ((This)->lpVtbl->SetHttpMethod((This), (pszHttpMethod)))
#define IHttpRequest3_SetUrl(This, pszUrl, cchUrl, fResetQueryString)                              \
    ((This)->lpVtbl->SetUrl((This), (pszUrl), (cchUrl), (fResetQueryString)))
#define IHttpRequest3_SetUrlW(This, pszUrl, cchUrl, fResetQueryString)                             \
    ((This)->lpVtbl->SetUrlW((This), (pszUrl), (cchUrl), (fResetQueryString)))
#define IHttpRequest3_GetChannelBindingToken(This, ppToken, pTokenSize)                            \
    ((This)->lpVtbl->GetChannelBindingToken((This), (ppToken), (pTokenSize)))
#define IHttpRequest3_ReadEntityBody3(This, pvBuffer, cbBuffer, fAsync, pfnCompletionCallback,     \
                                      pvCompletionContext, pcbBytesReceived, pfCompletionPending)  \
    ((This)->lpVtbl->ReadEntityBody3((This), (pvBuffer), (cbBuffer), (fAsync),                     \
                                     (pfnCompletionCallback), (pvCompletionContext),               \
                                     (pcbBytesReceived), (pfCompletionPending)))

/* ---------------------------------------------------------- response */

/*
 * The response (§4.4), from IHttpContext_GetResponse; context-owned.  Buffered by default:
 * status, headers and body go out at the first flush.
 */
/* clang-format off */
struct IHttpResponseVtbl {
    /* Resets status, headers and body (no effect on what was already sent). */
    VOID (*Clear)(IHttpResponse *This);
    /* Removes every header and restores the default ones. */
    VOID (*ClearHeaders)(IHttpResponse *This);
    /* Closes the connection with a reset after this call. */
    VOID (*CloseConnection)(IHttpResponse *This);
    /* Removes a header by name; succeeds even if it was absent. */
    HRESULT (*DeleteHeader)(IHttpResponse *This, PCSTR pszHeaderName);
    /* Same by header id (< HttpHeaderResponseMaximum). */
    HRESULT (*DeleteHeaderById)(IHttpResponse *This, HTTP_HEADER_ID ulHeaderIndex);
    /* Sends each write at once (RQ_SEND_RESPONSE handlers still see buffered data). */
    VOID (*DisableBuffering)(IHttpResponse *This);
    /* Keeps the response out of the kernel cache; IIS's default reason is 9
     * (HANDLER_HTTPSYS_UNFRIENDLY). */
    VOID (*DisableKernelCache)(IHttpResponse *This, ULONG reason);
    /* Sends status, headers and buffered body now; fMoreData TRUE if more follows.  If
     * *pfCompletionExpected (IIS default NULL), return PENDING.  ERROR_INVALID_DATA. */
    HRESULT (*Flush)(IHttpResponse *This, BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
                     BOOL *pfCompletionExpected);
    /* Output-cache policy of the response.  Response-owned. */
    IHttpCachePolicy *(*GetCachePolicy)(IHttpResponse *This);
    /* Text for detailed error pages, or NULL; *pcchDescription (if not NULL): its length. */
    PCWSTR (*GetErrorDescription)(IHttpResponse *This, DWORD *pcchDescription);
    /* Value of a header, or NULL; *pcchHeaderValue (if not NULL): its length in bytes. */
    PCSTR (*GetHeader)(const IHttpResponse *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue);
    /* Same by header id (< HttpHeaderResponseMaximum). */
    PCSTR (*GetHeaderById)(const IHttpResponse *This, HTTP_HEADER_ID ulHeaderIndex,
                           USHORT *pcchHeaderValue);
    /* Internal (header synchronisation for hosted runtimes); not for modules.  E_NOTIMPL. */
    HRESULT (*GetHeaderChanges)(IHttpResponse *This, DWORD dwOldChangeNumber,
                                DWORD *pdwNewChangeNumber,
                                PCSTR knownHeaderSnapshot[HttpHeaderResponseMaximum],
                                DWORD *pdwUnknownHeaderSnapShot,
                                PCSTR **ppUnknownHeaderNameSnapShot,
                                PCSTR **ppUnknownHeaderValueSnapShot,
                                DWORD diffedKnownHeaderIndices[HttpHeaderResponseMaximum + 1],
                                DWORD *pdwDiffedUnknownHeaders,
                                DWORD **ppDiffedUnknownHeaderIndices);
    /* TRUE after SuppressHeaders. */
    BOOL (*GetHeadersSuppressed)(const IHttpResponse *This);
    /* TRUE if kernel caching is enabled for the response (not a promise that it is cached). */
    BOOL (*GetKernelCacheEnabled)(const IHttpResponse *This);
    /* Opaque on guise (http.sys structures are not exposed): always NULL. */
    HTTP_RESPONSE *(*GetRawHttpResponse)(IHttpResponse *This);
    /* Status and who set it; every pointer after pStatusCode may be NULL (IIS defaults).
     * Returned strings are borrowed. */
    VOID (*GetStatus)(IHttpResponse *This, USHORT *pStatusCode, USHORT *pSubStatus,
                      PCSTR *ppszReason, USHORT *pcchReason, HRESULT *phrErrorToReport,
                      PCWSTR *ppszModule, DWORD *pdwNotification,
                      INativeSectionException **ppException);
    /* Redirects: 302 if fResetStatusCode (IIS default TRUE), keeping the query string if
     * fIncludeParameters (default FALSE).  Then return RQ_NOTIFICATION_FINISH_REQUEST. */
    HRESULT (*Redirect)(IHttpResponse *This, PCSTR pszUrl, BOOL fResetStatusCode,
                        BOOL fIncludeParameters);
    /* Resets the connection at once; then return RQ_NOTIFICATION_FINISH_REQUEST. */
    VOID (*ResetConnection)(IHttpResponse *This);
    /* Text for detailed error pages (copied); IIS default fHtmlEncode TRUE. */
    HRESULT (*SetErrorDescription)(IHttpResponse *This, PCWSTR pszDescription, DWORD cchDescription,
                                   BOOL fHtmlEncode);
    /* Sets (fReplace TRUE) or appends to a header; cchHeaderValue excludes the terminator.
     * Copied.  Set "Server" by name.  ERROR_INVALID_DATA, ERROR_INVALID_PARAMETER. */
    HRESULT (*SetHeader)(IHttpResponse *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
                         USHORT cchHeaderValue, BOOL fReplace);
    /* Same by header id (< HttpHeaderResponseMaximum). */
    HRESULT (*SetHeaderById)(IHttpResponse *This, HTTP_HEADER_ID ulHeaderIndex,
                             PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace);
    /* Closes the connection after the response. */
    VOID (*SetNeedDisconnect)(IHttpResponse *This);
    /* Sets status and reason (copied).  IIS defaults: uSubStatus 0, hrErrorToReport S_OK,
     * pException NULL.  ERROR_INVALID_DATA (reason too long). */
    HRESULT (*SetStatus)(IHttpResponse *This, USHORT statusCode, PCSTR pszReason, USHORT uSubStatus,
                         HRESULT hrErrorToReport, INativeSectionException *pException);
    /* Sends neither status line nor headers: the entity body is the whole response, and the
     * connection closes after it (nothing else can frame it). */
    VOID (*SuppressHeaders)(IHttpResponse *This);
    /* Adds a chunk by reference (the data must outlive the response); lInsertPosition 0
     * prepends, -1 (IIS default) appends.  ERROR_ARITHMETIC_OVERFLOW past 65535 chunks. */
    HRESULT (*WriteEntityChunkByReference)(IHttpResponse *This, HTTP_DATA_CHUNK *pDataChunk,
                                           LONG lInsertPosition);
    /* Writes nChunks (<= 65535) chunks; copied when buffered, else the data must live until
     * completion.  *pcbSent only if synchronous.  IIS default pfCompletionExpected NULL. */
    HRESULT (*WriteEntityChunks)(IHttpResponse *This, HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks,
                                 BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
                                 BOOL *pfCompletionExpected);
};
/* clang-format on */

struct IHttpResponse {
    const IHttpResponseVtbl *lpVtbl;
};

#define IHttpResponse_Clear(This)           ((This)->lpVtbl->Clear((This)))
#define IHttpResponse_ClearHeaders(This)    ((This)->lpVtbl->ClearHeaders((This)))
#define IHttpResponse_CloseConnection(This) ((This)->lpVtbl->CloseConnection((This)))
#define IHttpResponse_DeleteHeader(This, pszHeaderName)                                            \
    ((This)->lpVtbl->DeleteHeader((This), (pszHeaderName)))
#define IHttpResponse_DeleteHeaderById(This, ulHeaderIndex)                                        \
    ((This)->lpVtbl->DeleteHeaderById((This), (ulHeaderIndex)))
#define IHttpResponse_DisableBuffering(This) ((This)->lpVtbl->DisableBuffering((This)))
#define IHttpResponse_DisableKernelCache(This, reason)                                             \
    ((This)->lpVtbl->DisableKernelCache((This), (reason)))
#define IHttpResponse_Flush(This, fAsync, fMoreData, pcbSent, pfCompletionExpected)                \
    ((This)->lpVtbl->Flush((This), (fAsync), (fMoreData), (pcbSent), (pfCompletionExpected)))
#define IHttpResponse_GetCachePolicy(This) ((This)->lpVtbl->GetCachePolicy((This)))
#define IHttpResponse_GetErrorDescription(This, pcchDescription)                                   \
    ((This)->lpVtbl->GetErrorDescription((This), (pcchDescription)))
#define IHttpResponse_GetHeader(This, pszHeaderName, pcchHeaderValue)                              \
    ((This)->lpVtbl->GetHeader((This), (pszHeaderName), (pcchHeaderValue)))
#define IHttpResponse_GetHeaderById(This, ulHeaderIndex, pcchHeaderValue)                          \
    ((This)->lpVtbl->GetHeaderById((This), (ulHeaderIndex), (pcchHeaderValue)))
#define IHttpResponse_GetHeaderChanges(                                                            \
    This, dwOldChangeNumber, pdwNewChangeNumber, knownHeaderSnapshot, pdwUnknownHeaderSnapShot,    \
    ppUnknownHeaderNameSnapShot, ppUnknownHeaderValueSnapShot, diffedKnownHeaderIndices,           \
    pdwDiffedUnknownHeaders, ppDiffedUnknownHeaderIndices)                                         \
    ((This)->lpVtbl->GetHeaderChanges(                                                             \
        (This), (dwOldChangeNumber), (pdwNewChangeNumber), (knownHeaderSnapshot),                  \
        (pdwUnknownHeaderSnapShot), (ppUnknownHeaderNameSnapShot), (ppUnknownHeaderValueSnapShot), \
        (diffedKnownHeaderIndices), (pdwDiffedUnknownHeaders), (ppDiffedUnknownHeaderIndices)))
#define IHttpResponse_GetHeadersSuppressed(This)  ((This)->lpVtbl->GetHeadersSuppressed((This)))
#define IHttpResponse_GetKernelCacheEnabled(This) ((This)->lpVtbl->GetKernelCacheEnabled((This)))
#define IHttpResponse_GetRawHttpResponse(This)    ((This)->lpVtbl->GetRawHttpResponse((This)))
#define IHttpResponse_GetStatus(This, pStatusCode, pSubStatus, ppszReason, pcchReason,             \
                                phrErrorToReport, ppszModule, pdwNotification, ppException)        \
    ((This)->lpVtbl->GetStatus((This), (pStatusCode), (pSubStatus), (ppszReason), (pcchReason),    \
                               (phrErrorToReport), (ppszModule), (pdwNotification),                \
                               (ppException)))
#define IHttpResponse_Redirect(This, pszUrl, fResetStatusCode, fIncludeParameters)                 \
    ((This)->lpVtbl->Redirect((This), (pszUrl), (fResetStatusCode), (fIncludeParameters)))
#define IHttpResponse_ResetConnection(This) ((This)->lpVtbl->ResetConnection((This)))
#define IHttpResponse_SetErrorDescription(This, pszDescription, cchDescription, fHtmlEncode)       \
    ((This)->lpVtbl->SetErrorDescription((This), (pszDescription), (cchDescription), (fHtmlEncode)))
#define IHttpResponse_SetHeader(This, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace)     \
    ((This)->lpVtbl->SetHeader((This), (pszHeaderName), (pszHeaderValue), (cchHeaderValue),        \
                               (fReplace)))
#define IHttpResponse_SetHeaderById(This, ulHeaderIndex, pszHeaderValue, cchHeaderValue, fReplace) \
    ((This)->lpVtbl->SetHeaderById((This), (ulHeaderIndex), (pszHeaderValue), (cchHeaderValue),    \
                                   (fReplace)))
#define IHttpResponse_SetNeedDisconnect(This) ((This)->lpVtbl->SetNeedDisconnect((This)))
#define IHttpResponse_SetStatus(This, statusCode, pszReason, uSubStatus, hrErrorToReport,          \
                                pException)                                                        \
    ((This)->lpVtbl->SetStatus((This), (statusCode), (pszReason), (uSubStatus), (hrErrorToReport), \
                               (pException)))
#define IHttpResponse_SuppressHeaders(This) ((This)->lpVtbl->SuppressHeaders((This)))
#define IHttpResponse_WriteEntityChunkByReference(This, pDataChunk, lInsertPosition)               \
    ((This)->lpVtbl->WriteEntityChunkByReference((This), (pDataChunk), (lInsertPosition)))
#define IHttpResponse_WriteEntityChunks(This, pDataChunks, nChunks, fAsync, fMoreData, pcbSent,    \
                                        pfCompletionExpected)                                      \
    ((This)->lpVtbl->WriteEntityChunks((This), (pDataChunks), (nChunks), (fAsync), (fMoreData),    \
                                       (pcbSent), (pfCompletionExpected)))

/*
 * IHttpResponse with callback-style asynchronous writes (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpResponse2Vtbl {
    /* IHttpResponse */
    VOID (*Clear)(IHttpResponse2 *This);
    VOID (*ClearHeaders)(IHttpResponse2 *This);
    VOID (*CloseConnection)(IHttpResponse2 *This);
    HRESULT (*DeleteHeader)(IHttpResponse2 *This, PCSTR pszHeaderName);
    HRESULT (*DeleteHeaderById)(IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex);
    VOID (*DisableBuffering)(IHttpResponse2 *This);
    VOID (*DisableKernelCache)(IHttpResponse2 *This, ULONG reason);
    HRESULT (*Flush)(IHttpResponse2 *This, BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
                     BOOL *pfCompletionExpected);
    IHttpCachePolicy *(*GetCachePolicy)(IHttpResponse2 *This);
    PCWSTR (*GetErrorDescription)(IHttpResponse2 *This, DWORD *pcchDescription);
    PCSTR (*GetHeader)(const IHttpResponse2 *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue);
    PCSTR (*GetHeaderById)(const IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex,
                           USHORT *pcchHeaderValue);
    HRESULT (*GetHeaderChanges)(IHttpResponse2 *This, DWORD dwOldChangeNumber,
                                DWORD *pdwNewChangeNumber,
                                PCSTR knownHeaderSnapshot[HttpHeaderResponseMaximum],
                                DWORD *pdwUnknownHeaderSnapShot,
                                PCSTR **ppUnknownHeaderNameSnapShot,
                                PCSTR **ppUnknownHeaderValueSnapShot,
                                DWORD diffedKnownHeaderIndices[HttpHeaderResponseMaximum + 1],
                                DWORD *pdwDiffedUnknownHeaders,
                                DWORD **ppDiffedUnknownHeaderIndices);
    BOOL (*GetHeadersSuppressed)(const IHttpResponse2 *This);
    BOOL (*GetKernelCacheEnabled)(const IHttpResponse2 *This);
    HTTP_RESPONSE *(*GetRawHttpResponse)(IHttpResponse2 *This);
    VOID (*GetStatus)(IHttpResponse2 *This, USHORT *pStatusCode, USHORT *pSubStatus,
                      PCSTR *ppszReason, USHORT *pcchReason, HRESULT *phrErrorToReport,
                      PCWSTR *ppszModule, DWORD *pdwNotification,
                      INativeSectionException **ppException);
    HRESULT (*Redirect)(IHttpResponse2 *This, PCSTR pszUrl, BOOL fResetStatusCode,
                        BOOL fIncludeParameters);
    VOID (*ResetConnection)(IHttpResponse2 *This);
    HRESULT (*SetErrorDescription)(IHttpResponse2 *This, PCWSTR pszDescription,
                                   DWORD cchDescription, BOOL fHtmlEncode);
    HRESULT (*SetHeader)(IHttpResponse2 *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
                         USHORT cchHeaderValue, BOOL fReplace);
    HRESULT (*SetHeaderById)(IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex,
                             PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace);
    VOID (*SetNeedDisconnect)(IHttpResponse2 *This);
    HRESULT (*SetStatus)(IHttpResponse2 *This, USHORT statusCode, PCSTR pszReason,
                         USHORT uSubStatus, HRESULT hrErrorToReport,
                         INativeSectionException *pException);
    VOID (*SuppressHeaders)(IHttpResponse2 *This);
    HRESULT (*WriteEntityChunkByReference)(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunk,
                                           LONG lInsertPosition);
    HRESULT (*WriteEntityChunks)(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks,
                                 BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
                                 BOOL *pfCompletionExpected);
    /* IHttpResponse2 */
    /* IIS's IHttpResponse2::Flush: as Flush, completing through pfnCompletionCallback. */
    HRESULT (*Flush2)(IHttpResponse2 *This, BOOL fAsync, BOOL fMoreData,
                      PFN_ASYNC_COMPLETION pfnCompletionCallback, VOID *pvCompletionContext,
                      DWORD *pcbSent, BOOL *pfCompletionExpected);
    /* IIS's IHttpResponse2::WriteEntityChunks: as WriteEntityChunks, completing through
     * pfnCompletionCallback. */
    HRESULT (*WriteEntityChunks2)(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks,
                                  BOOL fAsync, BOOL fMoreData,
                                  PFN_ASYNC_COMPLETION pfnCompletionCallback,
                                  VOID *pvCompletionContext, DWORD *pcbSent,
                                  BOOL *pfCompletionExpected);
};
/* clang-format on */

struct IHttpResponse2 {
    const IHttpResponse2Vtbl *lpVtbl;
};

#define IHttpResponse2_Clear(This)           ((This)->lpVtbl->Clear((This)))
#define IHttpResponse2_ClearHeaders(This)    ((This)->lpVtbl->ClearHeaders((This)))
#define IHttpResponse2_CloseConnection(This) ((This)->lpVtbl->CloseConnection((This)))
#define IHttpResponse2_DeleteHeader(This, pszHeaderName)                                           \
    ((This)->lpVtbl->DeleteHeader((This), (pszHeaderName)))
#define IHttpResponse2_DeleteHeaderById(This, ulHeaderIndex)                                       \
    ((This)->lpVtbl->DeleteHeaderById((This), (ulHeaderIndex)))
#define IHttpResponse2_DisableBuffering(This) ((This)->lpVtbl->DisableBuffering((This)))
#define IHttpResponse2_DisableKernelCache(This, reason)                                            \
    ((This)->lpVtbl->DisableKernelCache((This), (reason)))
#define IHttpResponse2_Flush(This, fAsync, fMoreData, pcbSent, pfCompletionExpected)               \
    ((This)->lpVtbl->Flush((This), (fAsync), (fMoreData), (pcbSent), (pfCompletionExpected)))
#define IHttpResponse2_GetCachePolicy(This) ((This)->lpVtbl->GetCachePolicy((This)))
#define IHttpResponse2_GetErrorDescription(This, pcchDescription)                                  \
    ((This)->lpVtbl->GetErrorDescription((This), (pcchDescription)))
#define IHttpResponse2_GetHeader(This, pszHeaderName, pcchHeaderValue)                             \
    ((This)->lpVtbl->GetHeader((This), (pszHeaderName), (pcchHeaderValue)))
#define IHttpResponse2_GetHeaderById(This, ulHeaderIndex, pcchHeaderValue)                         \
    ((This)->lpVtbl->GetHeaderById((This), (ulHeaderIndex), (pcchHeaderValue)))
#define IHttpResponse2_GetHeaderChanges(                                                           \
    This, dwOldChangeNumber, pdwNewChangeNumber, knownHeaderSnapshot, pdwUnknownHeaderSnapShot,    \
    ppUnknownHeaderNameSnapShot, ppUnknownHeaderValueSnapShot, diffedKnownHeaderIndices,           \
    pdwDiffedUnknownHeaders, ppDiffedUnknownHeaderIndices)                                         \
    ((This)->lpVtbl->GetHeaderChanges(                                                             \
        (This), (dwOldChangeNumber), (pdwNewChangeNumber), (knownHeaderSnapshot),                  \
        (pdwUnknownHeaderSnapShot), (ppUnknownHeaderNameSnapShot), (ppUnknownHeaderValueSnapShot), \
        (diffedKnownHeaderIndices), (pdwDiffedUnknownHeaders), (ppDiffedUnknownHeaderIndices)))
#define IHttpResponse2_GetHeadersSuppressed(This)  ((This)->lpVtbl->GetHeadersSuppressed((This)))
#define IHttpResponse2_GetKernelCacheEnabled(This) ((This)->lpVtbl->GetKernelCacheEnabled((This)))
#define IHttpResponse2_GetRawHttpResponse(This)    ((This)->lpVtbl->GetRawHttpResponse((This)))
#define IHttpResponse2_GetStatus(This, pStatusCode, pSubStatus, ppszReason, pcchReason,            \
                                 phrErrorToReport, ppszModule, pdwNotification, ppException)       \
    ((This)->lpVtbl->GetStatus((This), (pStatusCode), (pSubStatus), (ppszReason), (pcchReason),    \
                               (phrErrorToReport), (ppszModule), (pdwNotification),                \
                               (ppException)))
#define IHttpResponse2_Redirect(This, pszUrl, fResetStatusCode, fIncludeParameters)                \
    ((This)->lpVtbl->Redirect((This), (pszUrl), (fResetStatusCode), (fIncludeParameters)))
#define IHttpResponse2_ResetConnection(This) ((This)->lpVtbl->ResetConnection((This)))
#define IHttpResponse2_SetErrorDescription(This, pszDescription, cchDescription, fHtmlEncode)      \
    ((This)->lpVtbl->SetErrorDescription((This), (pszDescription), (cchDescription), (fHtmlEncode)))
#define IHttpResponse2_SetHeader(This, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace)    \
    ((This)->lpVtbl->SetHeader((This), (pszHeaderName), (pszHeaderValue), (cchHeaderValue),        \
                               (fReplace)))
#define IHttpResponse2_SetHeaderById(This, ulHeaderIndex, pszHeaderValue, cchHeaderValue,          \
                                     fReplace)                                                     \
    ((This)->lpVtbl->SetHeaderById((This), (ulHeaderIndex), (pszHeaderValue), (cchHeaderValue),    \
                                   (fReplace)))
#define IHttpResponse2_SetNeedDisconnect(This) ((This)->lpVtbl->SetNeedDisconnect((This)))
#define IHttpResponse2_SetStatus(This, statusCode, pszReason, uSubStatus, hrErrorToReport,         \
                                 pException)                                                       \
    ((This)->lpVtbl->SetStatus((This), (statusCode), (pszReason), (uSubStatus), (hrErrorToReport), \
                               (pException)))
#define IHttpResponse2_SuppressHeaders(This) ((This)->lpVtbl->SuppressHeaders((This)))
#define IHttpResponse2_WriteEntityChunkByReference(This, pDataChunk, lInsertPosition)              \
    ((This)->lpVtbl->WriteEntityChunkByReference((This), (pDataChunk), (lInsertPosition)))
#define IHttpResponse2_WriteEntityChunks(This, pDataChunks, nChunks, fAsync, fMoreData, pcbSent,   \
                                         pfCompletionExpected)                                     \
    ((This)->lpVtbl->WriteEntityChunks((This), (pDataChunks), (nChunks), (fAsync), (fMoreData),    \
                                       (pcbSent), (pfCompletionExpected)))
#define IHttpResponse2_Flush2(This, fAsync, fMoreData, pfnCompletionCallback, pvCompletionContext, \
                              pcbSent, pfCompletionExpected)                                       \
    ((This)->lpVtbl->Flush2((This), (fAsync), (fMoreData), (pfnCompletionCallback),                \
                            (pvCompletionContext), (pcbSent), (pfCompletionExpected)))
#define IHttpResponse2_WriteEntityChunks2(This, pDataChunks, nChunks, fAsync, fMoreData,           \
                                          pfnCompletionCallback, pvCompletionContext, pcbSent,     \
                                          pfCompletionExpected)                                    \
    ((This)->lpVtbl->WriteEntityChunks2((This), (pDataChunks), (nChunks), (fAsync), (fMoreData),   \
                                        (pfnCompletionCallback), (pvCompletionContext), (pcbSent), \
                                        (pfCompletionExpected)))

/* ---------------------------------------------------------- context */

/*
 * One request being processed (§4.2), passed to every CHttpModule notification.  Objects
 * returned by its getters belong to the context: never free them.  A context and what it
 * returns may be used only from the request's own notifications and completions (one
 * thread at a time), never after the request ended.
 */
/* clang-format off */
struct IHttpContextVtbl {
    /* cbAllocation bytes from the request's pool, freed when the request ends; never free() it. */
    VOID *(*AllocateRequestMemory)(IHttpContext *This, DWORD cbAllocation);
    /* Cancels pending client I/O of the request.  ERROR_INVALID_HANDLE. */
    HRESULT (*CancelIo)(IHttpContext *This);
    /* Makes a child request (CLONE_FLAG_*) for ExecuteRequest; release it with
     * IHttpContext_ReleaseClonedContext on the child.  ERROR_INVALID_PARAMETER,
     * ERROR_NOT_ENOUGH_MEMORY. */
    HRESULT (*CloneContext)(IHttpContext *This, DWORD dwCloneFlags, IHttpContext **ppHttpContext);
    /* Stops the given deterministic RQ_* events / post-events for this request and the calling
     * module only. */
    VOID (*DisableNotifications)(IHttpContext *This, DWORD dwNotifications,
                                 DWORD dwPostNotifications);
    /* Runs a child from CloneContext (fAsync must be TRUE; once per child; nesting <= 10) as
     * pHttpUser (borrowed; NULL: this request's user).  ERROR_NOT_SUPPORTED,
     * ERROR_STACK_OVERFLOW. */
    HRESULT (*ExecuteRequest)(IHttpContext *This, BOOL fAsync, IHttpContext *pHttpContext,
                              DWORD dwExecuteFlags, IHttpUser *pHttpUser,
                              BOOL *pfCompletionExpected);
    /* The request's application. */
    IHttpApplication *(*GetApplication)(IHttpContext *This);
    /* The client connection. */
    IHttpConnection *(*GetConnection)(IHttpContext *This);
    /* Current notification, module and start tick counts; every pointer after the first may
     * be NULL (IIS defaults).  E_INVALIDARG. */
    HRESULT (*GetCurrentExecutionStats)(const IHttpContext *This, DWORD *pdwNotification,
                                        DWORD *pdwNotificationStartTickCount, PCWSTR *ppszModule,
                                        DWORD *pdwModuleStartTickCount, DWORD *pdwAsyncNotification,
                                        DWORD *pdwAsyncNotificationStartTickCount);
    /* EXECUTE_FLAG_* this (child) request runs with. */
    DWORD (*GetExecuteFlags)(const IHttpContext *This);
    /* File record of the requested file, or NULL.  Borrowed. */
    IHttpFileInfo *(*GetFileInfo)(const IHttpContext *This);
    /* As documented by IIS (spec §6 #27): TRUE if more notifications remain in this module's
     * host when it returns status. */
    BOOL (*GetIsLastNotification)(IHttpContext *This, REQUEST_NOTIFICATION_STATUS status);
    /* Configuration metadata of the URL. */
    IMetadataInfo *(*GetMetadata)(IHttpContext *This);
    /* Per-request module state; never NULL, never released by callers. */
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpContext *This);
    /* Moves to the module's next notification without returning to the pipeline; FALSE if
     * that is not possible.  Outputs are borrowed. */
    BOOL (*GetNextNotification)(IHttpContext *This, REQUEST_NOTIFICATION_STATUS status,
                                DWORD *pdwNotification, BOOL *pfIsPostNotification,
                                CHttpModule **ppModuleInfo, IHttpEventProvider **ppRequestOutput);
    /* Parent of a child request, or NULL. */
    IHttpContext *(*GetParentContext)(const IHttpContext *This);
    /* Physical path of the requested file (raises RQ_MAP_PATH); *pcchPhysicalPath (if not NULL)
     * gets its length.  IIS default: NULL. */
    PCWSTR (*GetPhysicalPath)(IHttpContext *This, DWORD *pcchPhysicalPath);
    /* The request. */
    IHttpRequest *(*GetRequest)(IHttpContext *This);
    /* The response. */
    IHttpResponse *(*GetResponse)(IHttpContext *This);
    /* TRUE once the status line and headers were sent. */
    BOOL (*GetResponseHeadersSent)(const IHttpContext *This);
    /* Root of a chain of child requests; NULL when called on the root itself. */
    IHttpContext *(*GetRootContext)(const IHttpContext *This);
    /* Handler mapping in effect, or NULL before RQ_MAP_REQUEST_HANDLER. */
    IScriptMapInfo *(*GetScriptMap)(const IHttpContext *This);
    /* URL of the request (server-owned); *pcchScriptName (if not NULL) gets its length. */
    PCWSTR (*GetScriptName)(const IHttpContext *This, DWORD *pcchScriptName);
    /* Physical path of the current URL; *pcchScriptName (if not NULL) gets its length. */
    PCWSTR (*GetScriptTranslated)(IHttpContext *This, DWORD *pcchScriptName);
    /* Internal (server-variable synchronisation for hosted runtimes); not for modules.
     * E_NOTIMPL. */
    HRESULT (*GetServerVarChanges)(IHttpContext *This, DWORD dwOldChangeNumber,
                                   DWORD *pdwNewChangeNumber, DWORD *pdwVariableSnapShot,
                                   PCSTR **ppVariableNameSnapShot, PCWSTR **ppVariableValueSnapShot,
                                   DWORD *pdwDiffedVariables, DWORD **ppDiffedVariableIndices);
    /* Value of a CGI (RFC 3875) or custom variable as UTF-8; *pcchValueLength in bytes.
     * Request-owned.  HRESULT_FROM_WIN32(ERROR_INVALID_INDEX) if unknown. */
    HRESULT (*GetServerVariable)(IHttpContext *This, PCSTR pszVariableName, PCSTR *ppszValue,
                                 DWORD *pcchValueLength);
    /* Same as a wide string; *pcchValueLength in characters. */
    HRESULT (*GetServerVariableW)(IHttpContext *This, PCSTR pszVariableName, PCWSTR *ppszValue,
                                  DWORD *pcchValueLength);
    /* The request's site. */
    IHttpSite *(*GetSite)(IHttpContext *This);
    /* Trace context of the request. */
    IHttpTraceContext *(*GetTraceContext)(const IHttpContext *This);
    /* URI-cache state of the URL. */
    IHttpUrlInfo *(*GetUrlInfo)(IHttpContext *This);
    /* The authenticated user, or NULL before authentication.  Borrowed: ReferenceUser to keep. */
    IHttpUser *(*GetUser)(const IHttpContext *This);
    /* Ends a PENDING notification from the thread of its completion; a non-PENDING status
     * resumes the pipeline without calling the notification again. */
    VOID (*IndicateCompletion)(IHttpContext *This, REQUEST_NOTIFICATION_STATUS notificationStatus);
    /* Finds the handler mapping for site, URL and verb; *ppScriptMap is valid as long as the
     * context. */
    HRESULT (*MapHandler)(IHttpContext *This, DWORD dwSiteId, PCWSTR pszSiteName, PCWSTR pszUrl,
                          PCSTR pszVerb, IScriptMapInfo **ppScriptMap,
                          BOOL fIgnoreWildcardMappings);
    /* Physical path of a URL (raises RQ_MAP_PATH).  *pcbPhysicalPath is the buffer size in
     * BYTES; HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) stores the size needed. */
    HRESULT (*MapPath)(IHttpContext *This, PCWSTR pszUrl, PWSTR pszPhysicalPath,
                       DWORD *pcbPhysicalPath);
    /* Raises RQ_CUSTOM_NOTIFICATION with a module-made provider (borrowed for the call). */
    HRESULT (*NotifyCustomNotification)(IHttpContext *This,
                                        ICustomNotificationProvider *pCustomOutput,
                                        BOOL *pfCompletionExpected);
    /* Ends a PENDING notification from any thread: queued to the request's thread, which
     * re-enters the module (OnAsyncCompletion, cbBytes as the completion bytes) for its status. */
    HRESULT (*PostCompletion)(IHttpContext *This, DWORD cbBytes);
    /* Frees a child request made by CloneContext (call it on the child, innermost first). */
    HRESULT (*ReleaseClonedContext)(IHttpContext *This);
    /* Skips the remaining handlers of the request. */
    VOID (*SetRequestHandled)(IHttpContext *This);
    /* Sets a server variable (copied), creating it if absent. */
    HRESULT (*SetServerVariable)(IHttpContext *This, PCSTR pszVariableName,
                                 PCWSTR pszVariableValue);
};
/* clang-format on */

struct IHttpContext {
    const IHttpContextVtbl *lpVtbl;
};

#define IHttpContext_AllocateRequestMemory(This, cbAllocation)                                     \
    ((This)->lpVtbl->AllocateRequestMemory((This), (cbAllocation)))
#define IHttpContext_CancelIo(This) ((This)->lpVtbl->CancelIo((This)))
#define IHttpContext_CloneContext(This, dwCloneFlags, ppHttpContext)                               \
    ((This)->lpVtbl->CloneContext((This), (dwCloneFlags), (ppHttpContext)))
#define IHttpContext_DisableNotifications(This, dwNotifications, dwPostNotifications)              \
    ((This)->lpVtbl->DisableNotifications((This), (dwNotifications), (dwPostNotifications)))
#define IHttpContext_ExecuteRequest(This, fAsync, pHttpContext, dwExecuteFlags, pHttpUser,         \
                                    pfCompletionExpected)                                          \
    ((This)->lpVtbl->ExecuteRequest((This), (fAsync), (pHttpContext), (dwExecuteFlags),            \
                                    (pHttpUser), (pfCompletionExpected)))
#define IHttpContext_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))
#define IHttpContext_GetConnection(This)  ((This)->lpVtbl->GetConnection((This)))
#define IHttpContext_GetCurrentExecutionStats(                                                     \
    This, pdwNotification, pdwNotificationStartTickCount, ppszModule, pdwModuleStartTickCount,     \
    pdwAsyncNotification, pdwAsyncNotificationStartTickCount)                                      \
    ((This)->lpVtbl->GetCurrentExecutionStats(                                                     \
        (This), (pdwNotification), (pdwNotificationStartTickCount), (ppszModule),                  \
        (pdwModuleStartTickCount), (pdwAsyncNotification), (pdwAsyncNotificationStartTickCount)))
#define IHttpContext_GetExecuteFlags(This) ((This)->lpVtbl->GetExecuteFlags((This)))
#define IHttpContext_GetFileInfo(This)     ((This)->lpVtbl->GetFileInfo((This)))
#define IHttpContext_GetIsLastNotification(This, status)                                           \
    ((This)->lpVtbl->GetIsLastNotification((This), (status)))
#define IHttpContext_GetMetadata(This) ((This)->lpVtbl->GetMetadata((This)))
#define IHttpContext_GetModuleContextContainer(This)                                               \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpContext_GetNextNotification(This, status, pdwNotification, pfIsPostNotification,      \
                                         ppModuleInfo, ppRequestOutput)                            \
    ((This)->lpVtbl->GetNextNotification((This), (status), (pdwNotification),                      \
                                         (pfIsPostNotification), (ppModuleInfo),                   \
                                         (ppRequestOutput)))
#define IHttpContext_GetParentContext(This) ((This)->lpVtbl->GetParentContext((This)))
#define IHttpContext_GetPhysicalPath(This, pcchPhysicalPath)                                       \
    ((This)->lpVtbl->GetPhysicalPath((This), (pcchPhysicalPath)))
#define IHttpContext_GetRequest(This)             ((This)->lpVtbl->GetRequest((This)))
#define IHttpContext_GetResponse(This)            ((This)->lpVtbl->GetResponse((This)))
#define IHttpContext_GetResponseHeadersSent(This) ((This)->lpVtbl->GetResponseHeadersSent((This)))
#define IHttpContext_GetRootContext(This)         ((This)->lpVtbl->GetRootContext((This)))
#define IHttpContext_GetScriptMap(This)           ((This)->lpVtbl->GetScriptMap((This)))
#define IHttpContext_GetScriptName(This, pcchScriptName)                                           \
    ((This)->lpVtbl->GetScriptName((This), (pcchScriptName)))
#define IHttpContext_GetScriptTranslated(This, pcchScriptName)                                     \
    ((This)->lpVtbl->GetScriptTranslated((This), (pcchScriptName)))
#define IHttpContext_GetServerVarChanges(                                                          \
    This, dwOldChangeNumber, pdwNewChangeNumber, pdwVariableSnapShot, ppVariableNameSnapShot,      \
    ppVariableValueSnapShot, pdwDiffedVariables, ppDiffedVariableIndices)                          \
    ((This)->lpVtbl->GetServerVarChanges((This), (dwOldChangeNumber), (pdwNewChangeNumber),        \
                                         (pdwVariableSnapShot), (ppVariableNameSnapShot),          \
                                         (ppVariableValueSnapShot), (pdwDiffedVariables),          \
                                         (ppDiffedVariableIndices)))
#define IHttpContext_GetServerVariable(This, pszVariableName, ppszValue, pcchValueLength)          \
    ((This)->lpVtbl->GetServerVariable((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext_GetServerVariableW(This, pszVariableName, ppszValue, pcchValueLength)         \
    ((This)->lpVtbl->GetServerVariableW((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext_GetSite(This)         ((This)->lpVtbl->GetSite((This)))
#define IHttpContext_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpContext_GetUrlInfo(This)      ((This)->lpVtbl->GetUrlInfo((This)))
#define IHttpContext_GetUser(This)         ((This)->lpVtbl->GetUser((This)))
#define IHttpContext_IndicateCompletion(This, notificationStatus)                                  \
    ((This)->lpVtbl->IndicateCompletion((This), (notificationStatus)))
#define IHttpContext_MapHandler(This, dwSiteId, pszSiteName, pszUrl, pszVerb, ppScriptMap,         \
                                fIgnoreWildcardMappings)                                           \
    ((This)->lpVtbl->MapHandler((This), (dwSiteId), (pszSiteName), (pszUrl), (pszVerb),            \
                                (ppScriptMap), (fIgnoreWildcardMappings)))
#define IHttpContext_MapPath(This, pszUrl, pszPhysicalPath, pcbPhysicalPath)                       \
    ((This)->lpVtbl->MapPath((This), (pszUrl), (pszPhysicalPath), (pcbPhysicalPath)))
#define IHttpContext_NotifyCustomNotification(This, pCustomOutput, pfCompletionExpected)           \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput), (pfCompletionExpected)))
#define IHttpContext_PostCompletion(This, cbBytes)                                                 \
    ((This)->lpVtbl->PostCompletion((This), (cbBytes)))
#define IHttpContext_ReleaseClonedContext(This) ((This)->lpVtbl->ReleaseClonedContext((This)))
#define IHttpContext_SetRequestHandled(This)    ((This)->lpVtbl->SetRequestHandled((This)))
#define IHttpContext_SetServerVariable(This, pszVariableName, pszVariableValue)                    \
    ((This)->lpVtbl->SetServerVariable((This), (pszVariableName), (pszVariableValue)))

/*
 * IHttpContext with the original user (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpContext2Vtbl {
    /* IHttpContext */
    VOID *(*AllocateRequestMemory)(IHttpContext2 *This, DWORD cbAllocation);
    HRESULT (*CancelIo)(IHttpContext2 *This);
    HRESULT (*CloneContext)(IHttpContext2 *This, DWORD dwCloneFlags, IHttpContext **ppHttpContext);
    VOID (*DisableNotifications)(IHttpContext2 *This, DWORD dwNotifications,
                                 DWORD dwPostNotifications);
    HRESULT (*ExecuteRequest)(IHttpContext2 *This, BOOL fAsync, IHttpContext *pHttpContext,
                              DWORD dwExecuteFlags, IHttpUser *pHttpUser,
                              BOOL *pfCompletionExpected);
    IHttpApplication *(*GetApplication)(IHttpContext2 *This);
    IHttpConnection *(*GetConnection)(IHttpContext2 *This);
    HRESULT (*GetCurrentExecutionStats)(const IHttpContext2 *This, DWORD *pdwNotification,
                                        DWORD *pdwNotificationStartTickCount, PCWSTR *ppszModule,
                                        DWORD *pdwModuleStartTickCount, DWORD *pdwAsyncNotification,
                                        DWORD *pdwAsyncNotificationStartTickCount);
    DWORD (*GetExecuteFlags)(const IHttpContext2 *This);
    IHttpFileInfo *(*GetFileInfo)(const IHttpContext2 *This);
    BOOL (*GetIsLastNotification)(IHttpContext2 *This, REQUEST_NOTIFICATION_STATUS status);
    IMetadataInfo *(*GetMetadata)(IHttpContext2 *This);
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpContext2 *This);
    BOOL (*GetNextNotification)(IHttpContext2 *This, REQUEST_NOTIFICATION_STATUS status,
                                DWORD *pdwNotification, BOOL *pfIsPostNotification,
                                CHttpModule **ppModuleInfo, IHttpEventProvider **ppRequestOutput);
    IHttpContext *(*GetParentContext)(const IHttpContext2 *This);
    PCWSTR (*GetPhysicalPath)(IHttpContext2 *This, DWORD *pcchPhysicalPath);
    IHttpRequest *(*GetRequest)(IHttpContext2 *This);
    IHttpResponse *(*GetResponse)(IHttpContext2 *This);
    BOOL (*GetResponseHeadersSent)(const IHttpContext2 *This);
    IHttpContext *(*GetRootContext)(const IHttpContext2 *This);
    IScriptMapInfo *(*GetScriptMap)(const IHttpContext2 *This);
    PCWSTR (*GetScriptName)(const IHttpContext2 *This, DWORD *pcchScriptName);
    PCWSTR (*GetScriptTranslated)(IHttpContext2 *This, DWORD *pcchScriptName);
    HRESULT (*GetServerVarChanges)(IHttpContext2 *This, DWORD dwOldChangeNumber,
                                   DWORD *pdwNewChangeNumber, DWORD *pdwVariableSnapShot,
                                   PCSTR **ppVariableNameSnapShot, PCWSTR **ppVariableValueSnapShot,
                                   DWORD *pdwDiffedVariables, DWORD **ppDiffedVariableIndices);
    HRESULT (*GetServerVariable)(IHttpContext2 *This, PCSTR pszVariableName, PCSTR *ppszValue,
                                 DWORD *pcchValueLength);
    HRESULT (*GetServerVariableW)(IHttpContext2 *This, PCSTR pszVariableName, PCWSTR *ppszValue,
                                  DWORD *pcchValueLength);
    IHttpSite *(*GetSite)(IHttpContext2 *This);
    IHttpTraceContext *(*GetTraceContext)(const IHttpContext2 *This);
    IHttpUrlInfo *(*GetUrlInfo)(IHttpContext2 *This);
    IHttpUser *(*GetUser)(const IHttpContext2 *This);
    VOID (*IndicateCompletion)(IHttpContext2 *This, REQUEST_NOTIFICATION_STATUS notificationStatus);
    HRESULT (*MapHandler)(IHttpContext2 *This, DWORD dwSiteId, PCWSTR pszSiteName, PCWSTR pszUrl,
                          PCSTR pszVerb, IScriptMapInfo **ppScriptMap,
                          BOOL fIgnoreWildcardMappings);
    HRESULT (*MapPath)(IHttpContext2 *This, PCWSTR pszUrl, PWSTR pszPhysicalPath,
                       DWORD *pcbPhysicalPath);
    HRESULT (*NotifyCustomNotification)(IHttpContext2 *This,
                                        ICustomNotificationProvider *pCustomOutput,
                                        BOOL *pfCompletionExpected);
    HRESULT (*PostCompletion)(IHttpContext2 *This, DWORD cbBytes);
    HRESULT (*ReleaseClonedContext)(IHttpContext2 *This);
    VOID (*SetRequestHandled)(IHttpContext2 *This);
    HRESULT (*SetServerVariable)(IHttpContext2 *This, PCSTR pszVariableName,
                                 PCWSTR pszVariableValue);
    /* IHttpContext2 */
    /* User of the original request during asynchronous reprocessing.  Borrowed. */
    IHttpUser *(*GetOriginalUser)(const IHttpContext2 *This);
};
/* clang-format on */

struct IHttpContext2 {
    const IHttpContext2Vtbl *lpVtbl;
};

#define IHttpContext2_AllocateRequestMemory(This, cbAllocation)                                    \
    ((This)->lpVtbl->AllocateRequestMemory((This), (cbAllocation)))
#define IHttpContext2_CancelIo(This) ((This)->lpVtbl->CancelIo((This)))
#define IHttpContext2_CloneContext(This, dwCloneFlags, ppHttpContext)                              \
    ((This)->lpVtbl->CloneContext((This), (dwCloneFlags), (ppHttpContext)))
#define IHttpContext2_DisableNotifications(This, dwNotifications, dwPostNotifications)             \
    ((This)->lpVtbl->DisableNotifications((This), (dwNotifications), (dwPostNotifications)))
#define IHttpContext2_ExecuteRequest(This, fAsync, pHttpContext, dwExecuteFlags, pHttpUser,        \
                                     pfCompletionExpected)                                         \
    ((This)->lpVtbl->ExecuteRequest((This), (fAsync), (pHttpContext), (dwExecuteFlags),            \
                                    (pHttpUser), (pfCompletionExpected)))
#define IHttpContext2_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))
#define IHttpContext2_GetConnection(This)  ((This)->lpVtbl->GetConnection((This)))
#define IHttpContext2_GetCurrentExecutionStats(                                                    \
    This, pdwNotification, pdwNotificationStartTickCount, ppszModule, pdwModuleStartTickCount,     \
    pdwAsyncNotification, pdwAsyncNotificationStartTickCount)                                      \
    ((This)->lpVtbl->GetCurrentExecutionStats(                                                     \
        (This), (pdwNotification), (pdwNotificationStartTickCount), (ppszModule),                  \
        (pdwModuleStartTickCount), (pdwAsyncNotification), (pdwAsyncNotificationStartTickCount)))
#define IHttpContext2_GetExecuteFlags(This) ((This)->lpVtbl->GetExecuteFlags((This)))
#define IHttpContext2_GetFileInfo(This)     ((This)->lpVtbl->GetFileInfo((This)))
#define IHttpContext2_GetIsLastNotification(This, status)                                          \
    ((This)->lpVtbl->GetIsLastNotification((This), (status)))
#define IHttpContext2_GetMetadata(This) ((This)->lpVtbl->GetMetadata((This)))
#define IHttpContext2_GetModuleContextContainer(This)                                              \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpContext2_GetNextNotification(This, status, pdwNotification, pfIsPostNotification,     \
                                          ppModuleInfo, ppRequestOutput)                           \
    ((This)->lpVtbl->GetNextNotification((This), (status), (pdwNotification),                      \
                                         (pfIsPostNotification), (ppModuleInfo),                   \
                                         (ppRequestOutput)))
#define IHttpContext2_GetParentContext(This) ((This)->lpVtbl->GetParentContext((This)))
#define IHttpContext2_GetPhysicalPath(This, pcchPhysicalPath)                                      \
    ((This)->lpVtbl->GetPhysicalPath((This), (pcchPhysicalPath)))
#define IHttpContext2_GetRequest(This)             ((This)->lpVtbl->GetRequest((This)))
#define IHttpContext2_GetResponse(This)            ((This)->lpVtbl->GetResponse((This)))
#define IHttpContext2_GetResponseHeadersSent(This) ((This)->lpVtbl->GetResponseHeadersSent((This)))
#define IHttpContext2_GetRootContext(This)         ((This)->lpVtbl->GetRootContext((This)))
#define IHttpContext2_GetScriptMap(This)           ((This)->lpVtbl->GetScriptMap((This)))
#define IHttpContext2_GetScriptName(This, pcchScriptName)                                          \
    ((This)->lpVtbl->GetScriptName((This), (pcchScriptName)))
#define IHttpContext2_GetScriptTranslated(This, pcchScriptName)                                    \
    ((This)->lpVtbl->GetScriptTranslated((This), (pcchScriptName)))
#define IHttpContext2_GetServerVarChanges(                                                         \
    This, dwOldChangeNumber, pdwNewChangeNumber, pdwVariableSnapShot, ppVariableNameSnapShot,      \
    ppVariableValueSnapShot, pdwDiffedVariables, ppDiffedVariableIndices)                          \
    ((This)->lpVtbl->GetServerVarChanges((This), (dwOldChangeNumber), (pdwNewChangeNumber),        \
                                         (pdwVariableSnapShot), (ppVariableNameSnapShot),          \
                                         (ppVariableValueSnapShot), (pdwDiffedVariables),          \
                                         (ppDiffedVariableIndices)))
#define IHttpContext2_GetServerVariable(This, pszVariableName, ppszValue, pcchValueLength)         \
    ((This)->lpVtbl->GetServerVariable((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext2_GetServerVariableW(This, pszVariableName, ppszValue, pcchValueLength)        \
    ((This)->lpVtbl->GetServerVariableW((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext2_GetSite(This)         ((This)->lpVtbl->GetSite((This)))
#define IHttpContext2_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpContext2_GetUrlInfo(This)      ((This)->lpVtbl->GetUrlInfo((This)))
#define IHttpContext2_GetUser(This)         ((This)->lpVtbl->GetUser((This)))
#define IHttpContext2_IndicateCompletion(This, notificationStatus)                                 \
    ((This)->lpVtbl->IndicateCompletion((This), (notificationStatus)))
#define IHttpContext2_MapHandler(This, dwSiteId, pszSiteName, pszUrl, pszVerb, ppScriptMap,        \
                                 fIgnoreWildcardMappings)                                          \
    ((This)->lpVtbl->MapHandler((This), (dwSiteId), (pszSiteName), (pszUrl), (pszVerb),            \
                                (ppScriptMap), (fIgnoreWildcardMappings)))
#define IHttpContext2_MapPath(This, pszUrl, pszPhysicalPath, pcbPhysicalPath)                      \
    ((This)->lpVtbl->MapPath((This), (pszUrl), (pszPhysicalPath), (pcbPhysicalPath)))
#define IHttpContext2_NotifyCustomNotification(This, pCustomOutput, pfCompletionExpected)          \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput), (pfCompletionExpected)))
#define IHttpContext2_PostCompletion(This, cbBytes)                                                \
    ((This)->lpVtbl->PostCompletion((This), (cbBytes)))
#define IHttpContext2_ReleaseClonedContext(This) ((This)->lpVtbl->ReleaseClonedContext((This)))
#define IHttpContext2_SetRequestHandled(This)    ((This)->lpVtbl->SetRequestHandled((This)))
#define IHttpContext2_SetServerVariable(This, pszVariableName, pszVariableValue)                   \
    ((This)->lpVtbl->SetServerVariable((This), (pszVariableName), (pszVariableValue)))
#define IHttpContext2_GetOriginalUser(This) ((This)->lpVtbl->GetOriginalUser((This)))

/*
 * IHttpContext with full duplex and named contexts (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpContext3Vtbl {
    /* IHttpContext */
    VOID *(*AllocateRequestMemory)(IHttpContext3 *This, DWORD cbAllocation);
    HRESULT (*CancelIo)(IHttpContext3 *This);
    HRESULT (*CloneContext)(IHttpContext3 *This, DWORD dwCloneFlags, IHttpContext **ppHttpContext);
    VOID (*DisableNotifications)(IHttpContext3 *This, DWORD dwNotifications,
                                 DWORD dwPostNotifications);
    HRESULT (*ExecuteRequest)(IHttpContext3 *This, BOOL fAsync, IHttpContext *pHttpContext,
                              DWORD dwExecuteFlags, IHttpUser *pHttpUser,
                              BOOL *pfCompletionExpected);
    IHttpApplication *(*GetApplication)(IHttpContext3 *This);
    IHttpConnection *(*GetConnection)(IHttpContext3 *This);
    HRESULT (*GetCurrentExecutionStats)(const IHttpContext3 *This, DWORD *pdwNotification,
                                        DWORD *pdwNotificationStartTickCount, PCWSTR *ppszModule,
                                        DWORD *pdwModuleStartTickCount, DWORD *pdwAsyncNotification,
                                        DWORD *pdwAsyncNotificationStartTickCount);
    DWORD (*GetExecuteFlags)(const IHttpContext3 *This);
    IHttpFileInfo *(*GetFileInfo)(const IHttpContext3 *This);
    BOOL (*GetIsLastNotification)(IHttpContext3 *This, REQUEST_NOTIFICATION_STATUS status);
    IMetadataInfo *(*GetMetadata)(IHttpContext3 *This);
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpContext3 *This);
    BOOL (*GetNextNotification)(IHttpContext3 *This, REQUEST_NOTIFICATION_STATUS status,
                                DWORD *pdwNotification, BOOL *pfIsPostNotification,
                                CHttpModule **ppModuleInfo, IHttpEventProvider **ppRequestOutput);
    IHttpContext *(*GetParentContext)(const IHttpContext3 *This);
    PCWSTR (*GetPhysicalPath)(IHttpContext3 *This, DWORD *pcchPhysicalPath);
    IHttpRequest *(*GetRequest)(IHttpContext3 *This);
    IHttpResponse *(*GetResponse)(IHttpContext3 *This);
    BOOL (*GetResponseHeadersSent)(const IHttpContext3 *This);
    IHttpContext *(*GetRootContext)(const IHttpContext3 *This);
    IScriptMapInfo *(*GetScriptMap)(const IHttpContext3 *This);
    PCWSTR (*GetScriptName)(const IHttpContext3 *This, DWORD *pcchScriptName);
    PCWSTR (*GetScriptTranslated)(IHttpContext3 *This, DWORD *pcchScriptName);
    HRESULT (*GetServerVarChanges)(IHttpContext3 *This, DWORD dwOldChangeNumber,
                                   DWORD *pdwNewChangeNumber, DWORD *pdwVariableSnapShot,
                                   PCSTR **ppVariableNameSnapShot, PCWSTR **ppVariableValueSnapShot,
                                   DWORD *pdwDiffedVariables, DWORD **ppDiffedVariableIndices);
    HRESULT (*GetServerVariable)(IHttpContext3 *This, PCSTR pszVariableName, PCSTR *ppszValue,
                                 DWORD *pcchValueLength);
    HRESULT (*GetServerVariableW)(IHttpContext3 *This, PCSTR pszVariableName, PCWSTR *ppszValue,
                                  DWORD *pcchValueLength);
    IHttpSite *(*GetSite)(IHttpContext3 *This);
    IHttpTraceContext *(*GetTraceContext)(const IHttpContext3 *This);
    IHttpUrlInfo *(*GetUrlInfo)(IHttpContext3 *This);
    IHttpUser *(*GetUser)(const IHttpContext3 *This);
    VOID (*IndicateCompletion)(IHttpContext3 *This, REQUEST_NOTIFICATION_STATUS notificationStatus);
    HRESULT (*MapHandler)(IHttpContext3 *This, DWORD dwSiteId, PCWSTR pszSiteName, PCWSTR pszUrl,
                          PCSTR pszVerb, IScriptMapInfo **ppScriptMap,
                          BOOL fIgnoreWildcardMappings);
    HRESULT (*MapPath)(IHttpContext3 *This, PCWSTR pszUrl, PWSTR pszPhysicalPath,
                       DWORD *pcbPhysicalPath);
    HRESULT (*NotifyCustomNotification)(IHttpContext3 *This,
                                        ICustomNotificationProvider *pCustomOutput,
                                        BOOL *pfCompletionExpected);
    HRESULT (*PostCompletion)(IHttpContext3 *This, DWORD cbBytes);
    HRESULT (*ReleaseClonedContext)(IHttpContext3 *This);
    VOID (*SetRequestHandled)(IHttpContext3 *This);
    HRESULT (*SetServerVariable)(IHttpContext3 *This, PCSTR pszVariableName,
                                 PCWSTR pszVariableValue);
    /* IHttpContext2 */
    IHttpUser *(*GetOriginalUser)(const IHttpContext3 *This);
    /* IHttpContext3 */
    /* Lets reads and writes run at the same time (e.g. WebSocket). */
    VOID (*EnableFullDuplex)(IHttpContext3 *This);
    /* Request-scoped contexts stored by name.  Context-owned. */
    INamedContextContainer *(*GetNamedContextContainer)(IHttpContext3 *This);
    /* Makes a child request see the parent's server variable szName (IIS default
     * fFailIfNotExist FALSE). */
    HRESULT (*InheritServerVariable)(IHttpContext3 *This, PCSTR szName, BOOL fFailIfNotExist);
    /* IIS's IHttpContext3::PostCompletion: as PostCompletion, but resumes by calling
     * pfnCompletionRoutine(status, cbBytes, pvCompletionContext) on the request's thread. */
    HRESULT (*PostCompletion3)(IHttpContext3 *This, DWORD cbBytes,
                               LPOVERLAPPED_COMPLETION_ROUTINE pfnCompletionRoutine,
                               VOID *pvCompletionContext);
};
/* clang-format on */

struct IHttpContext3 {
    const IHttpContext3Vtbl *lpVtbl;
};

#define IHttpContext3_AllocateRequestMemory(This, cbAllocation)                                    \
    ((This)->lpVtbl->AllocateRequestMemory((This), (cbAllocation)))
#define IHttpContext3_CancelIo(This) ((This)->lpVtbl->CancelIo((This)))
#define IHttpContext3_CloneContext(This, dwCloneFlags, ppHttpContext)                              \
    ((This)->lpVtbl->CloneContext((This), (dwCloneFlags), (ppHttpContext)))
#define IHttpContext3_DisableNotifications(This, dwNotifications, dwPostNotifications)             \
    ((This)->lpVtbl->DisableNotifications((This), (dwNotifications), (dwPostNotifications)))
#define IHttpContext3_ExecuteRequest(This, fAsync, pHttpContext, dwExecuteFlags, pHttpUser,        \
                                     pfCompletionExpected)                                         \
    ((This)->lpVtbl->ExecuteRequest((This), (fAsync), (pHttpContext), (dwExecuteFlags),            \
                                    (pHttpUser), (pfCompletionExpected)))
#define IHttpContext3_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))
#define IHttpContext3_GetConnection(This)  ((This)->lpVtbl->GetConnection((This)))
#define IHttpContext3_GetCurrentExecutionStats(                                                    \
    This, pdwNotification, pdwNotificationStartTickCount, ppszModule, pdwModuleStartTickCount,     \
    pdwAsyncNotification, pdwAsyncNotificationStartTickCount)                                      \
    ((This)->lpVtbl->GetCurrentExecutionStats(                                                     \
        (This), (pdwNotification), (pdwNotificationStartTickCount), (ppszModule),                  \
        (pdwModuleStartTickCount), (pdwAsyncNotification), (pdwAsyncNotificationStartTickCount)))
#define IHttpContext3_GetExecuteFlags(This) ((This)->lpVtbl->GetExecuteFlags((This)))
#define IHttpContext3_GetFileInfo(This)     ((This)->lpVtbl->GetFileInfo((This)))
#define IHttpContext3_GetIsLastNotification(This, status)                                          \
    ((This)->lpVtbl->GetIsLastNotification((This), (status)))
#define IHttpContext3_GetMetadata(This) ((This)->lpVtbl->GetMetadata((This)))
#define IHttpContext3_GetModuleContextContainer(This)                                              \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpContext3_GetNextNotification(This, status, pdwNotification, pfIsPostNotification,     \
                                          ppModuleInfo, ppRequestOutput)                           \
    ((This)->lpVtbl->GetNextNotification((This), (status), (pdwNotification),                      \
                                         (pfIsPostNotification), (ppModuleInfo),                   \
                                         (ppRequestOutput)))
#define IHttpContext3_GetParentContext(This) ((This)->lpVtbl->GetParentContext((This)))
#define IHttpContext3_GetPhysicalPath(This, pcchPhysicalPath)                                      \
    ((This)->lpVtbl->GetPhysicalPath((This), (pcchPhysicalPath)))
#define IHttpContext3_GetRequest(This)             ((This)->lpVtbl->GetRequest((This)))
#define IHttpContext3_GetResponse(This)            ((This)->lpVtbl->GetResponse((This)))
#define IHttpContext3_GetResponseHeadersSent(This) ((This)->lpVtbl->GetResponseHeadersSent((This)))
#define IHttpContext3_GetRootContext(This)         ((This)->lpVtbl->GetRootContext((This)))
#define IHttpContext3_GetScriptMap(This)           ((This)->lpVtbl->GetScriptMap((This)))
#define IHttpContext3_GetScriptName(This, pcchScriptName)                                          \
    ((This)->lpVtbl->GetScriptName((This), (pcchScriptName)))
#define IHttpContext3_GetScriptTranslated(This, pcchScriptName)                                    \
    ((This)->lpVtbl->GetScriptTranslated((This), (pcchScriptName)))
#define IHttpContext3_GetServerVarChanges(                                                         \
    This, dwOldChangeNumber, pdwNewChangeNumber, pdwVariableSnapShot, ppVariableNameSnapShot,      \
    ppVariableValueSnapShot, pdwDiffedVariables, ppDiffedVariableIndices)                          \
    ((This)->lpVtbl->GetServerVarChanges((This), (dwOldChangeNumber), (pdwNewChangeNumber),        \
                                         (pdwVariableSnapShot), (ppVariableNameSnapShot),          \
                                         (ppVariableValueSnapShot), (pdwDiffedVariables),          \
                                         (ppDiffedVariableIndices)))
#define IHttpContext3_GetServerVariable(This, pszVariableName, ppszValue, pcchValueLength)         \
    ((This)->lpVtbl->GetServerVariable((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext3_GetServerVariableW(This, pszVariableName, ppszValue, pcchValueLength)        \
    ((This)->lpVtbl->GetServerVariableW((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext3_GetSite(This)         ((This)->lpVtbl->GetSite((This)))
#define IHttpContext3_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpContext3_GetUrlInfo(This)      ((This)->lpVtbl->GetUrlInfo((This)))
#define IHttpContext3_GetUser(This)         ((This)->lpVtbl->GetUser((This)))
#define IHttpContext3_IndicateCompletion(This, notificationStatus)                                 \
    ((This)->lpVtbl->IndicateCompletion((This), (notificationStatus)))
#define IHttpContext3_MapHandler(This, dwSiteId, pszSiteName, pszUrl, pszVerb, ppScriptMap,        \
                                 fIgnoreWildcardMappings)                                          \
    ((This)->lpVtbl->MapHandler((This), (dwSiteId), (pszSiteName), (pszUrl), (pszVerb),            \
                                (ppScriptMap), (fIgnoreWildcardMappings)))
#define IHttpContext3_MapPath(This, pszUrl, pszPhysicalPath, pcbPhysicalPath)                      \
    ((This)->lpVtbl->MapPath((This), (pszUrl), (pszPhysicalPath), (pcbPhysicalPath)))
#define IHttpContext3_NotifyCustomNotification(This, pCustomOutput, pfCompletionExpected)          \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput), (pfCompletionExpected)))
#define IHttpContext3_PostCompletion(This, cbBytes)                                                \
    ((This)->lpVtbl->PostCompletion((This), (cbBytes)))
#define IHttpContext3_ReleaseClonedContext(This) ((This)->lpVtbl->ReleaseClonedContext((This)))
#define IHttpContext3_SetRequestHandled(This)    ((This)->lpVtbl->SetRequestHandled((This)))
#define IHttpContext3_SetServerVariable(This, pszVariableName, pszVariableValue)                   \
    ((This)->lpVtbl->SetServerVariable((This), (pszVariableName), (pszVariableValue)))
#define IHttpContext3_GetOriginalUser(This)  ((This)->lpVtbl->GetOriginalUser((This)))
#define IHttpContext3_EnableFullDuplex(This) ((This)->lpVtbl->EnableFullDuplex((This)))
#define IHttpContext3_GetNamedContextContainer(This)                                               \
    ((This)->lpVtbl->GetNamedContextContainer((This)))
#define IHttpContext3_InheritServerVariable(This, szName, fFailIfNotExist)                         \
    ((This)->lpVtbl->InheritServerVariable((This), (szName), (fFailIfNotExist)))
#define IHttpContext3_PostCompletion3(This, cbBytes, pfnCompletionRoutine, pvCompletionContext)    \
    ((This)->lpVtbl->PostCompletion3((This), (cbBytes), (pfnCompletionRoutine),                    \
                                     (pvCompletionContext)))

/*
 * IHttpContext with request timing (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpContext4Vtbl {
    /* IHttpContext */
    VOID *(*AllocateRequestMemory)(IHttpContext4 *This, DWORD cbAllocation);
    HRESULT (*CancelIo)(IHttpContext4 *This);
    HRESULT (*CloneContext)(IHttpContext4 *This, DWORD dwCloneFlags, IHttpContext **ppHttpContext);
    VOID (*DisableNotifications)(IHttpContext4 *This, DWORD dwNotifications,
                                 DWORD dwPostNotifications);
    HRESULT (*ExecuteRequest)(IHttpContext4 *This, BOOL fAsync, IHttpContext *pHttpContext,
                              DWORD dwExecuteFlags, IHttpUser *pHttpUser,
                              BOOL *pfCompletionExpected);
    IHttpApplication *(*GetApplication)(IHttpContext4 *This);
    IHttpConnection *(*GetConnection)(IHttpContext4 *This);
    HRESULT (*GetCurrentExecutionStats)(const IHttpContext4 *This, DWORD *pdwNotification,
                                        DWORD *pdwNotificationStartTickCount, PCWSTR *ppszModule,
                                        DWORD *pdwModuleStartTickCount, DWORD *pdwAsyncNotification,
                                        DWORD *pdwAsyncNotificationStartTickCount);
    DWORD (*GetExecuteFlags)(const IHttpContext4 *This);
    IHttpFileInfo *(*GetFileInfo)(const IHttpContext4 *This);
    BOOL (*GetIsLastNotification)(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS status);
    IMetadataInfo *(*GetMetadata)(IHttpContext4 *This);
    IHttpModuleContextContainer *(*GetModuleContextContainer)(IHttpContext4 *This);
    BOOL (*GetNextNotification)(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS status,
                                DWORD *pdwNotification, BOOL *pfIsPostNotification,
                                CHttpModule **ppModuleInfo, IHttpEventProvider **ppRequestOutput);
    IHttpContext *(*GetParentContext)(const IHttpContext4 *This);
    PCWSTR (*GetPhysicalPath)(IHttpContext4 *This, DWORD *pcchPhysicalPath);
    IHttpRequest *(*GetRequest)(IHttpContext4 *This);
    IHttpResponse *(*GetResponse)(IHttpContext4 *This);
    BOOL (*GetResponseHeadersSent)(const IHttpContext4 *This);
    IHttpContext *(*GetRootContext)(const IHttpContext4 *This);
    IScriptMapInfo *(*GetScriptMap)(const IHttpContext4 *This);
    PCWSTR (*GetScriptName)(const IHttpContext4 *This, DWORD *pcchScriptName);
    PCWSTR (*GetScriptTranslated)(IHttpContext4 *This, DWORD *pcchScriptName);
    HRESULT (*GetServerVarChanges)(IHttpContext4 *This, DWORD dwOldChangeNumber,
                                   DWORD *pdwNewChangeNumber, DWORD *pdwVariableSnapShot,
                                   PCSTR **ppVariableNameSnapShot, PCWSTR **ppVariableValueSnapShot,
                                   DWORD *pdwDiffedVariables, DWORD **ppDiffedVariableIndices);
    HRESULT (*GetServerVariable)(IHttpContext4 *This, PCSTR pszVariableName, PCSTR *ppszValue,
                                 DWORD *pcchValueLength);
    HRESULT (*GetServerVariableW)(IHttpContext4 *This, PCSTR pszVariableName, PCWSTR *ppszValue,
                                  DWORD *pcchValueLength);
    IHttpSite *(*GetSite)(IHttpContext4 *This);
    IHttpTraceContext *(*GetTraceContext)(const IHttpContext4 *This);
    IHttpUrlInfo *(*GetUrlInfo)(IHttpContext4 *This);
    IHttpUser *(*GetUser)(const IHttpContext4 *This);
    VOID (*IndicateCompletion)(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS notificationStatus);
    HRESULT (*MapHandler)(IHttpContext4 *This, DWORD dwSiteId, PCWSTR pszSiteName, PCWSTR pszUrl,
                          PCSTR pszVerb, IScriptMapInfo **ppScriptMap,
                          BOOL fIgnoreWildcardMappings);
    HRESULT (*MapPath)(IHttpContext4 *This, PCWSTR pszUrl, PWSTR pszPhysicalPath,
                       DWORD *pcbPhysicalPath);
    HRESULT (*NotifyCustomNotification)(IHttpContext4 *This,
                                        ICustomNotificationProvider *pCustomOutput,
                                        BOOL *pfCompletionExpected);
    HRESULT (*PostCompletion)(IHttpContext4 *This, DWORD cbBytes);
    HRESULT (*ReleaseClonedContext)(IHttpContext4 *This);
    VOID (*SetRequestHandled)(IHttpContext4 *This);
    HRESULT (*SetServerVariable)(IHttpContext4 *This, PCSTR pszVariableName,
                                 PCWSTR pszVariableValue);
    /* IHttpContext2 */
    IHttpUser *(*GetOriginalUser)(const IHttpContext4 *This);
    /* IHttpContext3 */
    VOID (*EnableFullDuplex)(IHttpContext4 *This);
    INamedContextContainer *(*GetNamedContextContainer)(IHttpContext4 *This);
    HRESULT (*InheritServerVariable)(IHttpContext4 *This, PCSTR szName, BOOL fFailIfNotExist);
    HRESULT (*PostCompletion3)(IHttpContext4 *This, DWORD cbBytes,
                               LPOVERLAPPED_COMPLETION_ROUTINE pfnCompletionRoutine,
                               VOID *pvCompletionContext);
    /* IHttpContext4 */
    /* Milliseconds since the request started. */
    ULONGLONG (*GetRequestElapsedTime)(IHttpContext4 *This);
    /* Start of the request in milliseconds of a monotonic clock (GetTickCount64 style). */
    ULONGLONG (*GetRequestStartTime)(IHttpContext4 *This);
};
/* clang-format on */

struct IHttpContext4 {
    const IHttpContext4Vtbl *lpVtbl;
};

#define IHttpContext4_AllocateRequestMemory(This, cbAllocation)                                    \
    ((This)->lpVtbl->AllocateRequestMemory((This), (cbAllocation)))
#define IHttpContext4_CancelIo(This) ((This)->lpVtbl->CancelIo((This)))
#define IHttpContext4_CloneContext(This, dwCloneFlags, ppHttpContext)                              \
    ((This)->lpVtbl->CloneContext((This), (dwCloneFlags), (ppHttpContext)))
#define IHttpContext4_DisableNotifications(This, dwNotifications, dwPostNotifications)             \
    ((This)->lpVtbl->DisableNotifications((This), (dwNotifications), (dwPostNotifications)))
#define IHttpContext4_ExecuteRequest(This, fAsync, pHttpContext, dwExecuteFlags, pHttpUser,        \
                                     pfCompletionExpected)                                         \
    ((This)->lpVtbl->ExecuteRequest((This), (fAsync), (pHttpContext), (dwExecuteFlags),            \
                                    (pHttpUser), (pfCompletionExpected)))
#define IHttpContext4_GetApplication(This) ((This)->lpVtbl->GetApplication((This)))
#define IHttpContext4_GetConnection(This)  ((This)->lpVtbl->GetConnection((This)))
#define IHttpContext4_GetCurrentExecutionStats(                                                    \
    This, pdwNotification, pdwNotificationStartTickCount, ppszModule, pdwModuleStartTickCount,     \
    pdwAsyncNotification, pdwAsyncNotificationStartTickCount)                                      \
    ((This)->lpVtbl->GetCurrentExecutionStats(                                                     \
        (This), (pdwNotification), (pdwNotificationStartTickCount), (ppszModule),                  \
        (pdwModuleStartTickCount), (pdwAsyncNotification), (pdwAsyncNotificationStartTickCount)))
#define IHttpContext4_GetExecuteFlags(This) ((This)->lpVtbl->GetExecuteFlags((This)))
#define IHttpContext4_GetFileInfo(This)     ((This)->lpVtbl->GetFileInfo((This)))
#define IHttpContext4_GetIsLastNotification(This, status)                                          \
    ((This)->lpVtbl->GetIsLastNotification((This), (status)))
#define IHttpContext4_GetMetadata(This) ((This)->lpVtbl->GetMetadata((This)))
#define IHttpContext4_GetModuleContextContainer(This)                                              \
    ((This)->lpVtbl->GetModuleContextContainer((This)))
#define IHttpContext4_GetNextNotification(This, status, pdwNotification, pfIsPostNotification,     \
                                          ppModuleInfo, ppRequestOutput)                           \
    ((This)->lpVtbl->GetNextNotification((This), (status), (pdwNotification),                      \
                                         (pfIsPostNotification), (ppModuleInfo),                   \
                                         (ppRequestOutput)))
#define IHttpContext4_GetParentContext(This) ((This)->lpVtbl->GetParentContext((This)))
#define IHttpContext4_GetPhysicalPath(This, pcchPhysicalPath)                                      \
    ((This)->lpVtbl->GetPhysicalPath((This), (pcchPhysicalPath)))
#define IHttpContext4_GetRequest(This)             ((This)->lpVtbl->GetRequest((This)))
#define IHttpContext4_GetResponse(This)            ((This)->lpVtbl->GetResponse((This)))
#define IHttpContext4_GetResponseHeadersSent(This) ((This)->lpVtbl->GetResponseHeadersSent((This)))
#define IHttpContext4_GetRootContext(This)         ((This)->lpVtbl->GetRootContext((This)))
#define IHttpContext4_GetScriptMap(This)           ((This)->lpVtbl->GetScriptMap((This)))
#define IHttpContext4_GetScriptName(This, pcchScriptName)                                          \
    ((This)->lpVtbl->GetScriptName((This), (pcchScriptName)))
#define IHttpContext4_GetScriptTranslated(This, pcchScriptName)                                    \
    ((This)->lpVtbl->GetScriptTranslated((This), (pcchScriptName)))
#define IHttpContext4_GetServerVarChanges(                                                         \
    This, dwOldChangeNumber, pdwNewChangeNumber, pdwVariableSnapShot, ppVariableNameSnapShot,      \
    ppVariableValueSnapShot, pdwDiffedVariables, ppDiffedVariableIndices)                          \
    ((This)->lpVtbl->GetServerVarChanges((This), (dwOldChangeNumber), (pdwNewChangeNumber),        \
                                         (pdwVariableSnapShot), (ppVariableNameSnapShot),          \
                                         (ppVariableValueSnapShot), (pdwDiffedVariables),          \
                                         (ppDiffedVariableIndices)))
#define IHttpContext4_GetServerVariable(This, pszVariableName, ppszValue, pcchValueLength)         \
    ((This)->lpVtbl->GetServerVariable((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext4_GetServerVariableW(This, pszVariableName, ppszValue, pcchValueLength)        \
    ((This)->lpVtbl->GetServerVariableW((This), (pszVariableName), (ppszValue), (pcchValueLength)))
#define IHttpContext4_GetSite(This)         ((This)->lpVtbl->GetSite((This)))
#define IHttpContext4_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpContext4_GetUrlInfo(This)      ((This)->lpVtbl->GetUrlInfo((This)))
#define IHttpContext4_GetUser(This)         ((This)->lpVtbl->GetUser((This)))
#define IHttpContext4_IndicateCompletion(This, notificationStatus)                                 \
    ((This)->lpVtbl->IndicateCompletion((This), (notificationStatus)))
#define IHttpContext4_MapHandler(This, dwSiteId, pszSiteName, pszUrl, pszVerb, ppScriptMap,        \
                                 fIgnoreWildcardMappings)                                          \
    ((This)->lpVtbl->MapHandler((This), (dwSiteId), (pszSiteName), (pszUrl), (pszVerb),            \
                                (ppScriptMap), (fIgnoreWildcardMappings)))
#define IHttpContext4_MapPath(This, pszUrl, pszPhysicalPath, pcbPhysicalPath)                      \
    ((This)->lpVtbl->MapPath((This), (pszUrl), (pszPhysicalPath), (pcbPhysicalPath)))
#define IHttpContext4_NotifyCustomNotification(This, pCustomOutput, pfCompletionExpected)          \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput), (pfCompletionExpected)))
#define IHttpContext4_PostCompletion(This, cbBytes)                                                \
    ((This)->lpVtbl->PostCompletion((This), (cbBytes)))
#define IHttpContext4_ReleaseClonedContext(This) ((This)->lpVtbl->ReleaseClonedContext((This)))
#define IHttpContext4_SetRequestHandled(This)    ((This)->lpVtbl->SetRequestHandled((This)))
#define IHttpContext4_SetServerVariable(This, pszVariableName, pszVariableValue)                   \
    ((This)->lpVtbl->SetServerVariable((This), (pszVariableName), (pszVariableValue)))
#define IHttpContext4_GetOriginalUser(This)  ((This)->lpVtbl->GetOriginalUser((This)))
#define IHttpContext4_EnableFullDuplex(This) ((This)->lpVtbl->EnableFullDuplex((This)))
#define IHttpContext4_GetNamedContextContainer(This)                                               \
    ((This)->lpVtbl->GetNamedContextContainer((This)))
#define IHttpContext4_InheritServerVariable(This, szName, fFailIfNotExist)                         \
    ((This)->lpVtbl->InheritServerVariable((This), (szName), (fFailIfNotExist)))
#define IHttpContext4_PostCompletion3(This, cbBytes, pfnCompletionRoutine, pvCompletionContext)    \
    ((This)->lpVtbl->PostCompletion3((This), (cbBytes), (pfnCompletionRoutine),                    \
                                     (pvCompletionContext)))
#define IHttpContext4_GetRequestElapsedTime(This) ((This)->lpVtbl->GetRequestElapsedTime((This)))
#define IHttpContext4_GetRequestStartTime(This)   ((This)->lpVtbl->GetRequestStartTime((This)))

/* ---------------------------------------------------------- server and registration */

/*
 * The server (§4.11), passed to RegisterModule as pGlobalInfo; valid until the module's
 * Terminate calls.  Thread-safe: callable from any thread, including from inside
 * notifications.
 */
/* clang-format off */
struct IHttpServerVtbl {
    /* Stores a response fragment under a name (data copied); it may be evicted at any time. */
    HRESULT (*AddFragmentToCache)(IHttpServer *This, HTTP_DATA_CHUNK *pDataChunk,
                                  WCHAR *pszFragmentName);
    /* Runs completions of I/O on hHandle (a descriptor, see GuiseHandleFromFd) on the server's
     * worker threads. */
    HRESULT (*AssociateWithThreadPool)(IHttpServer *This, HANDLE hHandle,
                                       LPOVERLAPPED_COMPLETION_ROUTINE completionRoutine);
    /* Undoes IncrementThreadCount after long blocking work. */
    VOID (*DecrementThreadCount)(IHttpServer *This);
    /* A new, caller-owned container; destroy it with ReleaseContainer. */
    IDispensedHttpModuleContextContainer *(*DispenseContainer)(IHttpServer *This);
    /* Runs an operation on the cache named by pCacheKey (borrowed), raising GL_CACHE_OPERATION.
     * RETRIEVE: *ppCacheSpecificData is the record, +1 (DereferenceCacheData it), or NULL and
     * HRESULT_FROM_WIN32(ERROR_NOT_FOUND).  ADD: caches *ppCacheSpecificData (in; the caller
     * keeps its reference; pCacheKey may be NULL: the record's key), replacing an equal record;
     * a cache name guise does not know makes a new cache.  DELETE (ERROR_NOT_FOUND if nothing
     * was removed), FLUSH_PREFIX (what pCacheKey's GetIsPrefix accepts) and ENUM (calls
     * pCacheKey's Enum for every record) set *ppCacheSpecificData to NULL; it may be NULL for
     * them.  pHttpTraceContext (IIS default NULL) names the request for tracing.  Re-entrant:
     * a GL_CACHE_OPERATION handler may call it. */
    HRESULT (*DoCacheOperation)(IHttpServer *This, CACHE_OPERATION cacheOperation,
                                IHttpCacheKey *pCacheKey,
                                IHttpCacheSpecificData **ppCacheSpecificData,
                                IHttpTraceContext *pHttpTraceContext);
    /* Drops one URL from the response cache.  ERROR_NOT_SUPPORTED where there is none. */
    HRESULT (*FlushKernelCache)(IHttpServer *This, PCWSTR pszUrl);
    /* Name of the application pool (server configuration). */
    PCWSTR (*GetAppPoolName)(const IHttpServer *This);
    /* Configuration reader (opaque on guise). */
    INativeConfigurationSystem *(*GetConfigObject)(const IHttpServer *This);
    /* File record for any path, opened as hUserToken (NULL: the process identity); +1 for the
     * caller.  VR path/token only for change notification; fCache to keep it in the FILE cache.
     * E_FAIL during shutdown.  IIS default pHttpTraceContext NULL. */
    HRESULT (*GetFileInfo)(IHttpServer *This, PCWSTR pszPhysicalPath, HANDLE hUserToken, PSID pSid,
                           PCWSTR pszVrPath, HANDLE hVrToken, BOOL fCache,
                           IHttpFileInfo **ppFileInfo, IHttpTraceContext *pHttpTraceContext);
    /* Handler type of a URL into a caller buffer.  E_INVALIDARG, ERROR_INSUFFICIENT_BUFFER
     * (*pcchManagedType then holds the size needed). */
    HRESULT (*GetManagedType)(IHttpServer *This, DWORD dwSiteId, PCWSTR pszVirtualPath,
                              PWSTR pszManagedType, DWORD *pcchManagedType);
    /* Infrastructure.  Server-wide performance counters. */
    IHttpPerfCounterInfo *(*GetPerfCounterInfo)(IHttpServer *This);
    /* Interface of a protocol manager.  guise has none: HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED). */
    HRESULT (*GetProtocolManagerCustomInterface)(IHttpServer *This, PCWSTR pProtocolManagerDll,
                                                 PCWSTR pProtocolManagerDllInitFunction,
                                                 DWORD dwCustomInterfaceId,
                                                 PVOID *ppCustomInterface);
    /* Trace context for events not tied to a request.  Server-owned. */
    IHttpTraceContext *(*GetTraceContext)(const IHttpServer *This);
    /* Worker-process settings (opaque on guise).  Server-owned. */
    HRESULT (*GetWorkerProcessSettings)(IHttpServer *This, IWpfSettings **ppWorkerProcessSettings);
    /* Adds a worker thread before long blocking work (at most 256). */
    VOID (*IncrementThreadCount)(IHttpServer *This);
    /* TRUE when the server was started from a command line rather than as a service. */
    BOOL (*IsCommandLineLaunch)(const IHttpServer *This);
    /* Raises GL_CONFIGURATION_CHANGE for a configuration path. */
    VOID (*NotifyConfigurationChange)(IHttpServer *This, PCWSTR pszPath);
    /* Raises GL_CUSTOM_NOTIFICATION with a module-made provider (borrowed for the call). */
    GLOBAL_NOTIFICATION_STATUS (*NotifyCustomNotification)(
        IHttpServer *This, ICustomNotificationProvider *pCustomOutput);
    /* Raises GL_FILE_CHANGE for a file. */
    VOID (*NotifyFileChange)(IHttpServer *This, PCWSTR pszFileName);
    /* Copies a cached fragment into pvBuffer (cbSize bytes); *pcbCopied gets the bytes copied.
     * ERROR_PATH_NOT_FOUND if absent. */
    HRESULT (*ReadFragmentFromCache)(IHttpServer *This, WCHAR *pszFragmentName, BYTE *pvBuffer,
                                     DWORD cbSize, DWORD *pcbCopied);
    /* Restarts an application. */
    VOID (*RecycleApplication)(IHttpServer *This, PCWSTR pszAppConfigPath);
    /* Asks for a graceful restart of the worker process. */
    VOID (*RecycleProcess)(IHttpServer *This, PCWSTR pszReason);
    /* Watches a path (as hToken) and raises GL_FILE_CHANGE; *ppFileMonitor is +1. */
    HRESULT (*RegisterFileChangeMonitor)(IHttpServer *This, PCWSTR pszPath, HANDLE hToken,
                                         IHttpFileMonitor **ppFileMonitor);
    /* Removes a fragment.  ERROR_FILE_NOT_FOUND if absent. */
    HRESULT (*RemoveFragmentFromCache)(IHttpServer *This, WCHAR *pszFragmentName);
    /* Reports the process unhealthy; the server then restarts it. */
    VOID (*ReportUnhealthy)(IHttpServer *This, PCWSTR pszReasonString, HRESULT hrReason);
    /* TRUE if a module precondition (e.g. L"integratedMode,bitness64") holds for this server. */
    BOOL (*SatisfiesPrecondition)(const IHttpServer *This, PCWSTR pszPrecondition);
};
/* clang-format on */

struct IHttpServer {
    const IHttpServerVtbl *lpVtbl;
};

#define IHttpServer_AddFragmentToCache(This, pDataChunk, pszFragmentName)                          \
    ((This)->lpVtbl->AddFragmentToCache((This), (pDataChunk), (pszFragmentName)))
#define IHttpServer_AssociateWithThreadPool(This, hHandle, completionRoutine)                      \
    ((This)->lpVtbl->AssociateWithThreadPool((This), (hHandle), (completionRoutine)))
#define IHttpServer_DecrementThreadCount(This) ((This)->lpVtbl->DecrementThreadCount((This)))
#define IHttpServer_DispenseContainer(This)    ((This)->lpVtbl->DispenseContainer((This)))
#define IHttpServer_DoCacheOperation(This, cacheOperation, pCacheKey, ppCacheSpecificData,         \
                                     pHttpTraceContext)                                            \
    ((This)->lpVtbl->DoCacheOperation((This), (cacheOperation), (pCacheKey),                       \
                                      (ppCacheSpecificData), (pHttpTraceContext)))
#define IHttpServer_FlushKernelCache(This, pszUrl)                                                 \
    ((This)->lpVtbl->FlushKernelCache((This), (pszUrl)))
#define IHttpServer_GetAppPoolName(This)  ((This)->lpVtbl->GetAppPoolName((This)))
#define IHttpServer_GetConfigObject(This) ((This)->lpVtbl->GetConfigObject((This)))
#define IHttpServer_GetFileInfo(This, pszPhysicalPath, hUserToken, pSid, pszVrPath, hVrToken,      \
                                fCache, ppFileInfo, pHttpTraceContext)                             \
    ((This)->lpVtbl->GetFileInfo((This), (pszPhysicalPath), (hUserToken), (pSid), (pszVrPath),     \
                                 (hVrToken), (fCache), (ppFileInfo), (pHttpTraceContext)))
#define IHttpServer_GetManagedType(This, dwSiteId, pszVirtualPath, pszManagedType,                 \
                                   pcchManagedType)                                                \
    ((This)->lpVtbl->GetManagedType((This), (dwSiteId), (pszVirtualPath), (pszManagedType),        \
                                    (pcchManagedType)))
#define IHttpServer_GetPerfCounterInfo(This) ((This)->lpVtbl->GetPerfCounterInfo((This)))
#define IHttpServer_GetProtocolManagerCustomInterface(This, pProtocolManagerDll,                   \
                                                      pProtocolManagerDllInitFunction,             \
                                                      dwCustomInterfaceId, ppCustomInterface)      \
    ((This)->lpVtbl->GetProtocolManagerCustomInterface(                                            \
        (This), (pProtocolManagerDll), (pProtocolManagerDllInitFunction), (dwCustomInterfaceId),   \
        (ppCustomInterface)))
#define IHttpServer_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpServer_GetWorkerProcessSettings(This, ppWorkerProcessSettings)                        \
    ((This)->lpVtbl->GetWorkerProcessSettings((This), (ppWorkerProcessSettings)))
#define IHttpServer_IncrementThreadCount(This) ((This)->lpVtbl->IncrementThreadCount((This)))
#define IHttpServer_IsCommandLineLaunch(This)  ((This)->lpVtbl->IsCommandLineLaunch((This)))
#define IHttpServer_NotifyConfigurationChange(This, pszPath)                                       \
    ((This)->lpVtbl->NotifyConfigurationChange((This), (pszPath)))
#define IHttpServer_NotifyCustomNotification(This, pCustomOutput)                                  \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput)))
#define IHttpServer_NotifyFileChange(This, pszFileName)                                            \
    ((This)->lpVtbl->NotifyFileChange((This), (pszFileName)))
#define IHttpServer_ReadFragmentFromCache(This, pszFragmentName, pvBuffer, cbSize, pcbCopied)      \
    ((This)->lpVtbl->ReadFragmentFromCache((This), (pszFragmentName), (pvBuffer), (cbSize),        \
                                           (pcbCopied)))
#define IHttpServer_RecycleApplication(This, pszAppConfigPath)                                     \
    ((This)->lpVtbl->RecycleApplication((This), (pszAppConfigPath)))
#define IHttpServer_RecycleProcess(This, pszReason)                                                \
    ((This)->lpVtbl->RecycleProcess((This), (pszReason)))
#define IHttpServer_RegisterFileChangeMonitor(This, pszPath, hToken, ppFileMonitor)                \
    ((This)->lpVtbl->RegisterFileChangeMonitor((This), (pszPath), (hToken), (ppFileMonitor)))
#define IHttpServer_RemoveFragmentFromCache(This, pszFragmentName)                                 \
    ((This)->lpVtbl->RemoveFragmentFromCache((This), (pszFragmentName)))
#define IHttpServer_ReportUnhealthy(This, pszReasonString, hrReason)                               \
    ((This)->lpVtbl->ReportUnhealthy((This), (pszReasonString), (hrReason)))
#define IHttpServer_SatisfiesPrecondition(This, pszPrecondition)                                   \
    ((This)->lpVtbl->SatisfiesPrecondition((This), (pszPrecondition)))

/*
 * IHttpServer with tokens and extension lookup (HttpGetExtendedInterface).
 */
/* clang-format off */
struct IHttpServer2Vtbl {
    /* IHttpServer */
    HRESULT (*AddFragmentToCache)(IHttpServer2 *This, HTTP_DATA_CHUNK *pDataChunk,
                                  WCHAR *pszFragmentName);
    HRESULT (*AssociateWithThreadPool)(IHttpServer2 *This, HANDLE hHandle,
                                       LPOVERLAPPED_COMPLETION_ROUTINE completionRoutine);
    VOID (*DecrementThreadCount)(IHttpServer2 *This);
    IDispensedHttpModuleContextContainer *(*DispenseContainer)(IHttpServer2 *This);
    HRESULT (*DoCacheOperation)(IHttpServer2 *This, CACHE_OPERATION cacheOperation,
                                IHttpCacheKey *pCacheKey,
                                IHttpCacheSpecificData **ppCacheSpecificData,
                                IHttpTraceContext *pHttpTraceContext);
    HRESULT (*FlushKernelCache)(IHttpServer2 *This, PCWSTR pszUrl);
    PCWSTR (*GetAppPoolName)(const IHttpServer2 *This);
    INativeConfigurationSystem *(*GetConfigObject)(const IHttpServer2 *This);
    HRESULT (*GetFileInfo)(IHttpServer2 *This, PCWSTR pszPhysicalPath, HANDLE hUserToken, PSID pSid,
                           PCWSTR pszVrPath, HANDLE hVrToken, BOOL fCache,
                           IHttpFileInfo **ppFileInfo, IHttpTraceContext *pHttpTraceContext);
    HRESULT (*GetManagedType)(IHttpServer2 *This, DWORD dwSiteId, PCWSTR pszVirtualPath,
                              PWSTR pszManagedType, DWORD *pcchManagedType);
    IHttpPerfCounterInfo *(*GetPerfCounterInfo)(IHttpServer2 *This);
    HRESULT (*GetProtocolManagerCustomInterface)(IHttpServer2 *This, PCWSTR pProtocolManagerDll,
                                                 PCWSTR pProtocolManagerDllInitFunction,
                                                 DWORD dwCustomInterfaceId,
                                                 PVOID *ppCustomInterface);
    IHttpTraceContext *(*GetTraceContext)(const IHttpServer2 *This);
    HRESULT (*GetWorkerProcessSettings)(IHttpServer2 *This, IWpfSettings **ppWorkerProcessSettings);
    VOID (*IncrementThreadCount)(IHttpServer2 *This);
    BOOL (*IsCommandLineLaunch)(const IHttpServer2 *This);
    VOID (*NotifyConfigurationChange)(IHttpServer2 *This, PCWSTR pszPath);
    GLOBAL_NOTIFICATION_STATUS (*NotifyCustomNotification)(
        IHttpServer2 *This, ICustomNotificationProvider *pCustomOutput);
    VOID (*NotifyFileChange)(IHttpServer2 *This, PCWSTR pszFileName);
    HRESULT (*ReadFragmentFromCache)(IHttpServer2 *This, WCHAR *pszFragmentName, BYTE *pvBuffer,
                                     DWORD cbSize, DWORD *pcbCopied);
    VOID (*RecycleApplication)(IHttpServer2 *This, PCWSTR pszAppConfigPath);
    VOID (*RecycleProcess)(IHttpServer2 *This, PCWSTR pszReason);
    HRESULT (*RegisterFileChangeMonitor)(IHttpServer2 *This, PCWSTR pszPath, HANDLE hToken,
                                         IHttpFileMonitor **ppFileMonitor);
    HRESULT (*RemoveFragmentFromCache)(IHttpServer2 *This, WCHAR *pszFragmentName);
    VOID (*ReportUnhealthy)(IHttpServer2 *This, PCWSTR pszReasonString, HRESULT hrReason);
    BOOL (*SatisfiesPrecondition)(const IHttpServer2 *This, PCWSTR pszPrecondition);
    /* IHttpServer2 */
    /* Path of the configuration file in use; *pcchConfigFilePath (if not NULL): its length. */
    PCWSTR (*GetAppPoolConfigFile)(const IHttpServer2 *This, DWORD *pcchConfigFilePath);
    /* GUID-driven downcast: pInput, an object of interface *Version1, seen as *Version2.  Same
     * contract as HttpGetExtendedInterface. */
    HRESULT (*GetExtendedInterface)(IHttpServer2 *This, const GUID *Version1, PVOID pInput,
                                    const GUID *Version2, PVOID *ppOutput);
    /* Configuration metadata of a site URL; *ppMetadataInfo is +1 (DereferenceMetadata). */
    HRESULT (*GetMetadata)(IHttpServer2 *This, PCWSTR pszSiteName, PCWSTR pszUrl,
                           IReferencedMetadataInfo **ppMetadataInfo);
    /* Logs a user on (LOGON32_LOGON_*) with PAM; *ppTokenEntry is +1 (DereferenceCacheData).
     * Blocks (tens of ms, up to the logon timeout): call it from a thread of your own, never
     * from a notification on an event loop.  HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE) (wrong
     * user or password, or throttled after failures), (ERROR_ACCOUNT_DISABLED) (refused by the
     * account checks), (ERROR_TIMEOUT); pszDefaultDomain is ignored (no domains on Linux); the
     * last three parameters may be NULL (IIS defaults). */
    HRESULT (*GetToken)(IHttpServer2 *This, PCWSTR pszUserName, PCWSTR pszPassword,
                        DWORD dwLogonMethod, IHttpTokenEntry **ppTokenEntry,
                        PCWSTR pszDefaultDomain, PSOCKADDR pSockAddr,
                        IHttpTraceContext *pHttpTraceContext);
    /* Worker-process framework (opaque on guise).  Server-owned. */
    HRESULT (*GetWorkerProcessFramework)(IHttpServer2 *This,
                                         IWorkerProcessFramework **ppWorkerProcessFramework);
};
/* clang-format on */

struct IHttpServer2 {
    const IHttpServer2Vtbl *lpVtbl;
};

#define IHttpServer2_AddFragmentToCache(This, pDataChunk, pszFragmentName)                         \
    ((This)->lpVtbl->AddFragmentToCache((This), (pDataChunk), (pszFragmentName)))
#define IHttpServer2_AssociateWithThreadPool(This, hHandle, completionRoutine)                     \
    ((This)->lpVtbl->AssociateWithThreadPool((This), (hHandle), (completionRoutine)))
#define IHttpServer2_DecrementThreadCount(This) ((This)->lpVtbl->DecrementThreadCount((This)))
#define IHttpServer2_DispenseContainer(This)    ((This)->lpVtbl->DispenseContainer((This)))
#define IHttpServer2_DoCacheOperation(This, cacheOperation, pCacheKey, ppCacheSpecificData,        \
                                      pHttpTraceContext)                                           \
    ((This)->lpVtbl->DoCacheOperation((This), (cacheOperation), (pCacheKey),                       \
                                      (ppCacheSpecificData), (pHttpTraceContext)))
#define IHttpServer2_FlushKernelCache(This, pszUrl)                                                \
    ((This)->lpVtbl->FlushKernelCache((This), (pszUrl)))
#define IHttpServer2_GetAppPoolName(This)  ((This)->lpVtbl->GetAppPoolName((This)))
#define IHttpServer2_GetConfigObject(This) ((This)->lpVtbl->GetConfigObject((This)))
#define IHttpServer2_GetFileInfo(This, pszPhysicalPath, hUserToken, pSid, pszVrPath, hVrToken,     \
                                 fCache, ppFileInfo, pHttpTraceContext)                            \
    ((This)->lpVtbl->GetFileInfo((This), (pszPhysicalPath), (hUserToken), (pSid), (pszVrPath),     \
                                 (hVrToken), (fCache), (ppFileInfo), (pHttpTraceContext)))
#define IHttpServer2_GetManagedType(This, dwSiteId, pszVirtualPath, pszManagedType,                \
                                    pcchManagedType)                                               \
    ((This)->lpVtbl->GetManagedType((This), (dwSiteId), (pszVirtualPath), (pszManagedType),        \
                                    (pcchManagedType)))
#define IHttpServer2_GetPerfCounterInfo(This) ((This)->lpVtbl->GetPerfCounterInfo((This)))
#define IHttpServer2_GetProtocolManagerCustomInterface(This, pProtocolManagerDll,                  \
                                                       pProtocolManagerDllInitFunction,            \
                                                       dwCustomInterfaceId, ppCustomInterface)     \
    ((This)->lpVtbl->GetProtocolManagerCustomInterface(                                            \
        (This), (pProtocolManagerDll), (pProtocolManagerDllInitFunction), (dwCustomInterfaceId),   \
        (ppCustomInterface)))
#define IHttpServer2_GetTraceContext(This) ((This)->lpVtbl->GetTraceContext((This)))
#define IHttpServer2_GetWorkerProcessSettings(This, ppWorkerProcessSettings)                       \
    ((This)->lpVtbl->GetWorkerProcessSettings((This), (ppWorkerProcessSettings)))
#define IHttpServer2_IncrementThreadCount(This) ((This)->lpVtbl->IncrementThreadCount((This)))
#define IHttpServer2_IsCommandLineLaunch(This)  ((This)->lpVtbl->IsCommandLineLaunch((This)))
#define IHttpServer2_NotifyConfigurationChange(This, pszPath)                                      \
    ((This)->lpVtbl->NotifyConfigurationChange((This), (pszPath)))
#define IHttpServer2_NotifyCustomNotification(This, pCustomOutput)                                 \
    ((This)->lpVtbl->NotifyCustomNotification((This), (pCustomOutput)))
#define IHttpServer2_NotifyFileChange(This, pszFileName)                                           \
    ((This)->lpVtbl->NotifyFileChange((This), (pszFileName)))
#define IHttpServer2_ReadFragmentFromCache(This, pszFragmentName, pvBuffer, cbSize, pcbCopied)     \
    ((This)->lpVtbl->ReadFragmentFromCache((This), (pszFragmentName), (pvBuffer), (cbSize),        \
                                           (pcbCopied)))
#define IHttpServer2_RecycleApplication(This, pszAppConfigPath)                                    \
    ((This)->lpVtbl->RecycleApplication((This), (pszAppConfigPath)))
#define IHttpServer2_RecycleProcess(This, pszReason)                                               \
    ((This)->lpVtbl->RecycleProcess((This), (pszReason)))
#define IHttpServer2_RegisterFileChangeMonitor(This, pszPath, hToken, ppFileMonitor)               \
    ((This)->lpVtbl->RegisterFileChangeMonitor((This), (pszPath), (hToken), (ppFileMonitor)))
#define IHttpServer2_RemoveFragmentFromCache(This, pszFragmentName)                                \
    ((This)->lpVtbl->RemoveFragmentFromCache((This), (pszFragmentName)))
#define IHttpServer2_ReportUnhealthy(This, pszReasonString, hrReason)                              \
    ((This)->lpVtbl->ReportUnhealthy((This), (pszReasonString), (hrReason)))
#define IHttpServer2_SatisfiesPrecondition(This, pszPrecondition)                                  \
    ((This)->lpVtbl->SatisfiesPrecondition((This), (pszPrecondition)))
#define IHttpServer2_GetAppPoolConfigFile(This, pcchConfigFilePath)                                \
    ((This)->lpVtbl->GetAppPoolConfigFile((This), (pcchConfigFilePath)))
#define IHttpServer2_GetExtendedInterface(This, Version1, pInput, Version2, ppOutput)              \
    ((This)->lpVtbl->GetExtendedInterface((This), (Version1), (pInput), (Version2), (ppOutput)))
#define IHttpServer2_GetMetadata(This, pszSiteName, pszUrl, ppMetadataInfo)                        \
    ((This)->lpVtbl->GetMetadata((This), (pszSiteName), (pszUrl), (ppMetadataInfo)))
#define IHttpServer2_GetToken(This, pszUserName, pszPassword, dwLogonMethod, ppTokenEntry,         \
                              pszDefaultDomain, pSockAddr, pHttpTraceContext)                      \
    ((This)->lpVtbl->GetToken((This), (pszUserName), (pszPassword), (dwLogonMethod),               \
                              (ppTokenEntry), (pszDefaultDomain), (pSockAddr),                     \
                              (pHttpTraceContext)))
#define IHttpServer2_GetWorkerProcessFramework(This, ppWorkerProcessFramework)                     \
    ((This)->lpVtbl->GetWorkerProcessFramework((This), (ppWorkerProcessFramework)))

/*
 * Passed to RegisterModule to register notifications.  Valid only during RegisterModule:
 * keep the id (GetId), not the pointer.
 */
/* clang-format off */
struct IHttpModuleRegistrationInfoVtbl {
    /* The module's id: unique and fixed for the process; the key for module contexts. */
    HTTP_MODULE_ID (*GetId)(const IHttpModuleRegistrationInfo *This);
    /* The module's configured name (<globalModules><add name=...>). */
    PCWSTR (*GetName)(const IHttpModuleRegistrationInfo *This);
    /* Registers the module's global instance for GL_* bits; it is kept until its Terminate.
     * HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS) if already registered. */
    HRESULT (*SetGlobalNotifications)(IHttpModuleRegistrationInfo *This,
                                      CGlobalModule *pGlobalModule, DWORD dwGlobalNotifications);
    /* Sets the PRIORITY_ALIAS_* (compared by content) of the given GL_* bits. */
    HRESULT (*SetPriorityForGlobalNotification)(IHttpModuleRegistrationInfo *This,
                                                DWORD dwGlobalNotification, PCWSTR pszPriority);
    /* Sets the PRIORITY_ALIAS_* of the given RQ_* bits (order reversed for RQ_SEND_RESPONSE). */
    HRESULT (*SetPriorityForRequestNotification)(IHttpModuleRegistrationInfo *This,
                                                 DWORD dwRequestNotification, PCWSTR pszPriority);
    /* Registers a factory for RQ_* events and post-events (0: none); it is kept until its
     * Terminate.  HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS) if already registered. */
    HRESULT (*SetRequestNotifications)(IHttpModuleRegistrationInfo *This,
                                       IHttpModuleFactory *pModuleFactory,
                                       DWORD dwRequestNotifications,
                                       DWORD dwPostRequestNotifications);
};
/* clang-format on */

struct IHttpModuleRegistrationInfo {
    const IHttpModuleRegistrationInfoVtbl *lpVtbl;
};

#define IHttpModuleRegistrationInfo_GetId(This)   ((This)->lpVtbl->GetId((This)))
#define IHttpModuleRegistrationInfo_GetName(This) ((This)->lpVtbl->GetName((This)))
#define IHttpModuleRegistrationInfo_SetGlobalNotifications(This, pGlobalModule,                    \
                                                           dwGlobalNotifications)                  \
    ((This)->lpVtbl->SetGlobalNotifications((This), (pGlobalModule), (dwGlobalNotifications)))
#define IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(This, dwGlobalNotification,   \
                                                                     pszPriority)                  \
    ((This)->lpVtbl->SetPriorityForGlobalNotification((This), (dwGlobalNotification),              \
                                                      (pszPriority)))
#define IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(This, dwRequestNotification, \
                                                                      pszPriority)                 \
    ((This)->lpVtbl->SetPriorityForRequestNotification((This), (dwRequestNotification),            \
                                                       (pszPriority)))
#define IHttpModuleRegistrationInfo_SetRequestNotifications(                                       \
    This, pModuleFactory, dwRequestNotifications, dwPostRequestNotifications)                      \
    ((This)->lpVtbl->SetRequestNotifications((This), (pModuleFactory), (dwRequestNotifications),   \
                                             (dwPostRequestNotifications)))

/* ---------------------------------------------------------- implemented by modules */

/*
 * Implemented by the module: makes one CHttpModule per request (SetRequestNotifications).
 * Both slots are required.  Called from any worker thread, possibly concurrently.
 */
/* clang-format off */
struct IHttpModuleFactoryVtbl {
    /* Stores a new module instance for one request in *ppModule; S_OK, or any failure (e.g.
     * HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY)).  pAllocator is the request's pool. */
    HRESULT (*GetHttpModule)(IHttpModuleFactory *This, CHttpModule **ppModule,
                             IModuleAllocator *pAllocator);
    /* Called once before the module is unloaded; the factory frees itself here. */
    VOID (*Terminate)(IHttpModuleFactory *This);
};
/* clang-format on */

struct IHttpModuleFactory {
    const IHttpModuleFactoryVtbl *lpVtbl;
};

#define IHttpModuleFactory_GetHttpModule(This, ppModule, pAllocator)                               \
    ((This)->lpVtbl->GetHttpModule((This), (ppModule), (pAllocator)))
#define IHttpModuleFactory_Terminate(This) ((This)->lpVtbl->Terminate((This)))

/*
 * Implemented by the module: the per-request instance made by IHttpModuleFactory
 * GetHttpModule (§2.4).  Slots follow IIS's declaration order.  Every On... method gets the
 * request (borrowed) and the notification's provider (borrowed, valid for the call) and
 * returns RQ_NOTIFICATION_CONTINUE, _PENDING or _FINISH_REQUEST.  A NULL slot means the
 * IIS base class: RQ_NOTIFICATION_CONTINUE (fill every slot you registered for).  The
 * CHttpModule_... macros apply these defaults.  Called on the request's thread, one
 * notification at a time.
 */
/* clang-format off */
struct CHttpModuleVtbl {
    /* RQ_BEGIN_REQUEST event. */
    REQUEST_NOTIFICATION_STATUS (*OnBeginRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                  IHttpEventProvider *pProvider);
    /* RQ_BEGIN_REQUEST post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostBeginRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                      IHttpEventProvider *pProvider);
    /* RQ_AUTHENTICATE_REQUEST event. */
    REQUEST_NOTIFICATION_STATUS (*OnAuthenticateRequest)(CHttpModule *This,
                                                         IHttpContext *pHttpContext,
                                                         IAuthenticationProvider *pProvider);
    /* RQ_AUTHENTICATE_REQUEST post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostAuthenticateRequest)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_AUTHORIZE_REQUEST event. */
    REQUEST_NOTIFICATION_STATUS (*OnAuthorizeRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                      IHttpEventProvider *pProvider);
    /* RQ_AUTHORIZE_REQUEST post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostAuthorizeRequest)(CHttpModule *This,
                                                          IHttpContext *pHttpContext,
                                                          IHttpEventProvider *pProvider);
    /* RQ_RESOLVE_REQUEST_CACHE event. */
    REQUEST_NOTIFICATION_STATUS (*OnResolveRequestCache)(CHttpModule *This,
                                                         IHttpContext *pHttpContext,
                                                         IHttpEventProvider *pProvider);
    /* RQ_RESOLVE_REQUEST_CACHE post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostResolveRequestCache)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_MAP_REQUEST_HANDLER event. */
    REQUEST_NOTIFICATION_STATUS (*OnMapRequestHandler)(CHttpModule *This,
                                                       IHttpContext *pHttpContext,
                                                       IMapHandlerProvider *pProvider);
    /* RQ_MAP_REQUEST_HANDLER post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostMapRequestHandler)(CHttpModule *This,
                                                           IHttpContext *pHttpContext,
                                                           IHttpEventProvider *pProvider);
    /* RQ_ACQUIRE_REQUEST_STATE event. */
    REQUEST_NOTIFICATION_STATUS (*OnAcquireRequestState)(CHttpModule *This,
                                                         IHttpContext *pHttpContext,
                                                         IHttpEventProvider *pProvider);
    /* RQ_ACQUIRE_REQUEST_STATE post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostAcquireRequestState)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_PRE_EXECUTE_REQUEST_HANDLER event. */
    REQUEST_NOTIFICATION_STATUS (*OnPreExecuteRequestHandler)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_PRE_EXECUTE_REQUEST_HANDLER post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostPreExecuteRequestHandler)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_EXECUTE_REQUEST_HANDLER event. */
    REQUEST_NOTIFICATION_STATUS (*OnExecuteRequestHandler)(CHttpModule *This,
                                                           IHttpContext *pHttpContext,
                                                           IHttpEventProvider *pProvider);
    /* RQ_EXECUTE_REQUEST_HANDLER post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostExecuteRequestHandler)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_RELEASE_REQUEST_STATE event. */
    REQUEST_NOTIFICATION_STATUS (*OnReleaseRequestState)(CHttpModule *This,
                                                         IHttpContext *pHttpContext,
                                                         IHttpEventProvider *pProvider);
    /* RQ_RELEASE_REQUEST_STATE post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostReleaseRequestState)(
        CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider);
    /* RQ_UPDATE_REQUEST_CACHE event. */
    REQUEST_NOTIFICATION_STATUS (*OnUpdateRequestCache)(CHttpModule *This,
                                                        IHttpContext *pHttpContext,
                                                        IHttpEventProvider *pProvider);
    /* RQ_UPDATE_REQUEST_CACHE post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostUpdateRequestCache)(CHttpModule *This,
                                                            IHttpContext *pHttpContext,
                                                            IHttpEventProvider *pProvider);
    /* RQ_LOG_REQUEST event. */
    REQUEST_NOTIFICATION_STATUS (*OnLogRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                IHttpEventProvider *pProvider);
    /* RQ_LOG_REQUEST post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostLogRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                    IHttpEventProvider *pProvider);
    /* RQ_END_REQUEST event. */
    REQUEST_NOTIFICATION_STATUS (*OnEndRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                IHttpEventProvider *pProvider);
    /* RQ_END_REQUEST post-event. */
    REQUEST_NOTIFICATION_STATUS (*OnPostEndRequest)(CHttpModule *This, IHttpContext *pHttpContext,
                                                    IHttpEventProvider *pProvider);
    /* RQ_SEND_RESPONSE (no post-event). */
    REQUEST_NOTIFICATION_STATUS (*OnSendResponse)(CHttpModule *This, IHttpContext *pHttpContext,
                                                  ISendResponseProvider *pProvider);
    /* RQ_MAP_PATH (no post-event). */
    REQUEST_NOTIFICATION_STATUS (*OnMapPath)(CHttpModule *This, IHttpContext *pHttpContext,
                                             IMapPathProvider *pProvider);
    /* RQ_READ_ENTITY (no post-event). */
    REQUEST_NOTIFICATION_STATUS (*OnReadEntity)(CHttpModule *This, IHttpContext *pHttpContext,
                                                IReadEntityProvider *pProvider);
    /* RQ_CUSTOM_NOTIFICATION (no post-event). */
    REQUEST_NOTIFICATION_STATUS (*OnCustomRequestNotification)(
        CHttpModule *This, IHttpContext *pHttpContext, ICustomNotificationProvider *pProvider);
    /* An asynchronous operation this module started in notification dwNotification
     * (a post-event if fPostNotification) completed; pCompletionInfo has its result. */
    REQUEST_NOTIFICATION_STATUS (*OnAsyncCompletion)(CHttpModule *This, IHttpContext *pHttpContext,
                                                     DWORD dwNotification, BOOL fPostNotification,
                                                     IHttpEventProvider *pProvider,
                                                     IHttpCompletionInfo *pCompletionInfo);
    /* End of the request.  NULL: the server does nothing.  An instance from malloc() frees
     * itself here; one from the IModuleAllocator needs no Dispose. */
    VOID (*Dispose)(CHttpModule *This);
};
/* clang-format on */

struct CHttpModule {
    const CHttpModuleVtbl *lpVtbl;
};

#define CHttpModule_OnBeginRequest(This, pHttpContext, pProvider)                                  \
    ((This)->lpVtbl->OnBeginRequest != NULL                                                        \
         ? (This)->lpVtbl->OnBeginRequest((This), (pHttpContext), (pProvider))                     \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostBeginRequest(This, pHttpContext, pProvider)                              \
    ((This)->lpVtbl->OnPostBeginRequest != NULL                                                    \
         ? (This)->lpVtbl->OnPostBeginRequest((This), (pHttpContext), (pProvider))                 \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnAuthenticateRequest(This, pHttpContext, pProvider)                           \
    ((This)->lpVtbl->OnAuthenticateRequest != NULL                                                 \
         ? (This)->lpVtbl->OnAuthenticateRequest((This), (pHttpContext), (pProvider))              \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostAuthenticateRequest(This, pHttpContext, pProvider)                       \
    ((This)->lpVtbl->OnPostAuthenticateRequest != NULL                                             \
         ? (This)->lpVtbl->OnPostAuthenticateRequest((This), (pHttpContext), (pProvider))          \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnAuthorizeRequest(This, pHttpContext, pProvider)                              \
    ((This)->lpVtbl->OnAuthorizeRequest != NULL                                                    \
         ? (This)->lpVtbl->OnAuthorizeRequest((This), (pHttpContext), (pProvider))                 \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostAuthorizeRequest(This, pHttpContext, pProvider)                          \
    ((This)->lpVtbl->OnPostAuthorizeRequest != NULL                                                \
         ? (This)->lpVtbl->OnPostAuthorizeRequest((This), (pHttpContext), (pProvider))             \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnResolveRequestCache(This, pHttpContext, pProvider)                           \
    ((This)->lpVtbl->OnResolveRequestCache != NULL                                                 \
         ? (This)->lpVtbl->OnResolveRequestCache((This), (pHttpContext), (pProvider))              \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostResolveRequestCache(This, pHttpContext, pProvider)                       \
    ((This)->lpVtbl->OnPostResolveRequestCache != NULL                                             \
         ? (This)->lpVtbl->OnPostResolveRequestCache((This), (pHttpContext), (pProvider))          \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnMapRequestHandler(This, pHttpContext, pProvider)                             \
    ((This)->lpVtbl->OnMapRequestHandler != NULL                                                   \
         ? (This)->lpVtbl->OnMapRequestHandler((This), (pHttpContext), (pProvider))                \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostMapRequestHandler(This, pHttpContext, pProvider)                         \
    ((This)->lpVtbl->OnPostMapRequestHandler != NULL                                               \
         ? (This)->lpVtbl->OnPostMapRequestHandler((This), (pHttpContext), (pProvider))            \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnAcquireRequestState(This, pHttpContext, pProvider)                           \
    ((This)->lpVtbl->OnAcquireRequestState != NULL                                                 \
         ? (This)->lpVtbl->OnAcquireRequestState((This), (pHttpContext), (pProvider))              \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostAcquireRequestState(This, pHttpContext, pProvider)                       \
    ((This)->lpVtbl->OnPostAcquireRequestState != NULL                                             \
         ? (This)->lpVtbl->OnPostAcquireRequestState((This), (pHttpContext), (pProvider))          \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPreExecuteRequestHandler(This, pHttpContext, pProvider)                      \
    ((This)->lpVtbl->OnPreExecuteRequestHandler != NULL                                            \
         ? (This)->lpVtbl->OnPreExecuteRequestHandler((This), (pHttpContext), (pProvider))         \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostPreExecuteRequestHandler(This, pHttpContext, pProvider)                  \
    ((This)->lpVtbl->OnPostPreExecuteRequestHandler != NULL                                        \
         ? (This)->lpVtbl->OnPostPreExecuteRequestHandler((This), (pHttpContext), (pProvider))     \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnExecuteRequestHandler(This, pHttpContext, pProvider)                         \
    ((This)->lpVtbl->OnExecuteRequestHandler != NULL                                               \
         ? (This)->lpVtbl->OnExecuteRequestHandler((This), (pHttpContext), (pProvider))            \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostExecuteRequestHandler(This, pHttpContext, pProvider)                     \
    ((This)->lpVtbl->OnPostExecuteRequestHandler != NULL                                           \
         ? (This)->lpVtbl->OnPostExecuteRequestHandler((This), (pHttpContext), (pProvider))        \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnReleaseRequestState(This, pHttpContext, pProvider)                           \
    ((This)->lpVtbl->OnReleaseRequestState != NULL                                                 \
         ? (This)->lpVtbl->OnReleaseRequestState((This), (pHttpContext), (pProvider))              \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostReleaseRequestState(This, pHttpContext, pProvider)                       \
    ((This)->lpVtbl->OnPostReleaseRequestState != NULL                                             \
         ? (This)->lpVtbl->OnPostReleaseRequestState((This), (pHttpContext), (pProvider))          \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnUpdateRequestCache(This, pHttpContext, pProvider)                            \
    ((This)->lpVtbl->OnUpdateRequestCache != NULL                                                  \
         ? (This)->lpVtbl->OnUpdateRequestCache((This), (pHttpContext), (pProvider))               \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostUpdateRequestCache(This, pHttpContext, pProvider)                        \
    ((This)->lpVtbl->OnPostUpdateRequestCache != NULL                                              \
         ? (This)->lpVtbl->OnPostUpdateRequestCache((This), (pHttpContext), (pProvider))           \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnLogRequest(This, pHttpContext, pProvider)                                    \
    ((This)->lpVtbl->OnLogRequest != NULL                                                          \
         ? (This)->lpVtbl->OnLogRequest((This), (pHttpContext), (pProvider))                       \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostLogRequest(This, pHttpContext, pProvider)                                \
    ((This)->lpVtbl->OnPostLogRequest != NULL                                                      \
         ? (This)->lpVtbl->OnPostLogRequest((This), (pHttpContext), (pProvider))                   \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnEndRequest(This, pHttpContext, pProvider)                                    \
    ((This)->lpVtbl->OnEndRequest != NULL                                                          \
         ? (This)->lpVtbl->OnEndRequest((This), (pHttpContext), (pProvider))                       \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnPostEndRequest(This, pHttpContext, pProvider)                                \
    ((This)->lpVtbl->OnPostEndRequest != NULL                                                      \
         ? (This)->lpVtbl->OnPostEndRequest((This), (pHttpContext), (pProvider))                   \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnSendResponse(This, pHttpContext, pProvider)                                  \
    ((This)->lpVtbl->OnSendResponse != NULL                                                        \
         ? (This)->lpVtbl->OnSendResponse((This), (pHttpContext), (pProvider))                     \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnMapPath(This, pHttpContext, pProvider)                                       \
    ((This)->lpVtbl->OnMapPath != NULL                                                             \
         ? (This)->lpVtbl->OnMapPath((This), (pHttpContext), (pProvider))                          \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnReadEntity(This, pHttpContext, pProvider)                                    \
    ((This)->lpVtbl->OnReadEntity != NULL                                                          \
         ? (This)->lpVtbl->OnReadEntity((This), (pHttpContext), (pProvider))                       \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnCustomRequestNotification(This, pHttpContext, pProvider)                     \
    ((This)->lpVtbl->OnCustomRequestNotification != NULL                                           \
         ? (This)->lpVtbl->OnCustomRequestNotification((This), (pHttpContext), (pProvider))        \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_OnAsyncCompletion(This, pHttpContext, dwNotification, fPostNotification,       \
                                      pProvider, pCompletionInfo)                                  \
    ((This)->lpVtbl->OnAsyncCompletion != NULL                                                     \
         ? (This)->lpVtbl->OnAsyncCompletion((This), (pHttpContext), (dwNotification),             \
                                             (fPostNotification), (pProvider), (pCompletionInfo))  \
         : (REQUEST_NOTIFICATION_STATUS) RQ_NOTIFICATION_CONTINUE)
#define CHttpModule_Dispose(This)                                                                  \
    ((This)->lpVtbl->Dispose != NULL ? (This)->lpVtbl->Dispose((This)) : (void) 0)

/*
 * Implemented by the module: its single global instance (SetGlobalNotifications, §2.5).
 * Slots follow the IIS table.  Each OnGlobal... method gets the notification's provider
 * (borrowed, valid for the call; none for CacheCleanup and HealthCheck) and returns
 * GL_NOTIFICATION_CONTINUE or GL_NOTIFICATION_HANDLED (no further listeners).  A NULL slot
 * means GL_NOTIFICATION_CONTINUE; the CGlobalModule_... macros apply it.  Global
 * notifications arrive on any thread, possibly concurrently and re-entrantly.
 */
/* clang-format off */
struct CGlobalModuleVtbl {
    /* GL_STOP_LISTENING. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalStopListening)(CGlobalModule *This,
                                                        IGlobalStopListeningProvider *pProvider);
    /* GL_CACHE_CLEANUP. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalCacheCleanup)(CGlobalModule *This);
    /* GL_CACHE_OPERATION. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalCacheOperation)(CGlobalModule *This,
                                                         ICacheProvider *pProvider);
    /* GL_HEALTH_CHECK. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalHealthCheck)(CGlobalModule *This);
    /* GL_CONFIGURATION_CHANGE. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalConfigurationChange)(
        CGlobalModule *This, IGlobalConfigurationChangeProvider *pProvider);
    /* GL_FILE_CHANGE. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalFileChange)(CGlobalModule *This,
                                                     IGlobalFileChangeProvider *pProvider);
    /* GL_PRE_BEGIN_REQUEST. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalPreBeginRequest)(CGlobalModule *This,
                                                          IPreBeginRequestProvider *pProvider);
    /* GL_APPLICATION_START. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalApplicationStart)(
        CGlobalModule *This, IHttpApplicationStartProvider *pProvider);
    /* GL_APPLICATION_RESOLVE_MODULES. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalApplicationResolveModules)(
        CGlobalModule *This, IHttpApplicationResolveModulesProvider *pProvider);
    /* GL_APPLICATION_STOP. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalApplicationStop)(CGlobalModule *This,
                                                          IHttpApplicationStopProvider *pProvider);
    /* GL_RSCA_QUERY. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalRSCAQuery)(CGlobalModule *This,
                                                    IGlobalRSCAQueryProvider *pProvider);
    /* GL_TRACE_EVENT. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalTraceEvent)(CGlobalModule *This,
                                                     IGlobalTraceEventProvider *pProvider);
    /* GL_CUSTOM_NOTIFICATION. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalCustomNotification)(
        CGlobalModule *This, ICustomNotificationProvider *pProvider);
    /* GL_THREAD_CLEANUP. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalThreadCleanup)(CGlobalModule *This,
                                                        IGlobalThreadCleanupProvider *pProvider);
    /* GL_APPLICATION_PRELOAD. */
    GLOBAL_NOTIFICATION_STATUS (*OnGlobalApplicationPreload)(
        CGlobalModule *This, IGlobalApplicationPreloadProvider *pProvider);
    /* Required.  Called once before the module is unloaded (after GL_CACHE_CLEANUP);
     * the instance frees itself here. */
    VOID (*Terminate)(CGlobalModule *This);
};
/* clang-format on */

struct CGlobalModule {
    const CGlobalModuleVtbl *lpVtbl;
};

#define CGlobalModule_OnGlobalStopListening(This, pProvider)                                       \
    ((This)->lpVtbl->OnGlobalStopListening != NULL                                                 \
         ? (This)->lpVtbl->OnGlobalStopListening((This), (pProvider))                              \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalCacheCleanup(This)                                                   \
    ((This)->lpVtbl->OnGlobalCacheCleanup != NULL                                                  \
         ? (This)->lpVtbl->OnGlobalCacheCleanup((This))                                            \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalCacheOperation(This, pProvider)                                      \
    ((This)->lpVtbl->OnGlobalCacheOperation != NULL                                                \
         ? (This)->lpVtbl->OnGlobalCacheOperation((This), (pProvider))                             \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalHealthCheck(This)                                                    \
    ((This)->lpVtbl->OnGlobalHealthCheck != NULL                                                   \
         ? (This)->lpVtbl->OnGlobalHealthCheck((This))                                             \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalConfigurationChange(This, pProvider)                                 \
    ((This)->lpVtbl->OnGlobalConfigurationChange != NULL                                           \
         ? (This)->lpVtbl->OnGlobalConfigurationChange((This), (pProvider))                        \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalFileChange(This, pProvider)                                          \
    ((This)->lpVtbl->OnGlobalFileChange != NULL                                                    \
         ? (This)->lpVtbl->OnGlobalFileChange((This), (pProvider))                                 \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalPreBeginRequest(This, pProvider)                                     \
    ((This)->lpVtbl->OnGlobalPreBeginRequest != NULL                                               \
         ? (This)->lpVtbl->OnGlobalPreBeginRequest((This), (pProvider))                            \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalApplicationStart(This, pProvider)                                    \
    ((This)->lpVtbl->OnGlobalApplicationStart != NULL                                              \
         ? (This)->lpVtbl->OnGlobalApplicationStart((This), (pProvider))                           \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalApplicationResolveModules(This, pProvider)                           \
    ((This)->lpVtbl->OnGlobalApplicationResolveModules != NULL                                     \
         ? (This)->lpVtbl->OnGlobalApplicationResolveModules((This), (pProvider))                  \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalApplicationStop(This, pProvider)                                     \
    ((This)->lpVtbl->OnGlobalApplicationStop != NULL                                               \
         ? (This)->lpVtbl->OnGlobalApplicationStop((This), (pProvider))                            \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalRSCAQuery(This, pProvider)                                           \
    ((This)->lpVtbl->OnGlobalRSCAQuery != NULL                                                     \
         ? (This)->lpVtbl->OnGlobalRSCAQuery((This), (pProvider))                                  \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalTraceEvent(This, pProvider)                                          \
    ((This)->lpVtbl->OnGlobalTraceEvent != NULL                                                    \
         ? (This)->lpVtbl->OnGlobalTraceEvent((This), (pProvider))                                 \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalCustomNotification(This, pProvider)                                  \
    ((This)->lpVtbl->OnGlobalCustomNotification != NULL                                            \
         ? (This)->lpVtbl->OnGlobalCustomNotification((This), (pProvider))                         \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalThreadCleanup(This, pProvider)                                       \
    ((This)->lpVtbl->OnGlobalThreadCleanup != NULL                                                 \
         ? (This)->lpVtbl->OnGlobalThreadCleanup((This), (pProvider))                              \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_OnGlobalApplicationPreload(This, pProvider)                                  \
    ((This)->lpVtbl->OnGlobalApplicationPreload != NULL                                            \
         ? (This)->lpVtbl->OnGlobalApplicationPreload((This), (pProvider))                         \
         : (GLOBAL_NOTIFICATION_STATUS) GL_NOTIFICATION_CONTINUE)
#define CGlobalModule_Terminate(This) ((This)->lpVtbl->Terminate((This)))

/* ------------------------------------------------------------------ extended interfaces */

/*
 * Interface ids for HttpGetExtendedInterface, IIS's uuids (see GUISE_GUID_DECLARE).
 */
/* clang-format off */
#define GUISE_INTERFACE_IIDS(X)                                                                    \
    X(IID_IHttpServer,                                                                             \
      0xeda2a40f, 0xfb92, 0x4d6d, 0xb5, 0x2b, 0xc8, 0xc2, 0x07, 0x38, 0x0b, 0x4e)                  \
    X(IID_IHttpServer2,                                                                            \
      0x34af637e, 0xafe8, 0x4556, 0xbc, 0xc1, 0x76, 0x7f, 0x8e, 0x0b, 0x4a, 0x4e)                  \
    X(IID_IHttpContext,                                                                            \
      0x424c1b8c, 0xa1ba, 0x44d7, 0xac, 0x98, 0x9f, 0x8f, 0x45, 0x77, 0x01, 0xa5)                  \
    X(IID_IHttpContext2,                                                                           \
      0xc986182c, 0xcf4a, 0x4482, 0x82, 0x05, 0x0d, 0xbb, 0xc1, 0xfd, 0x6c, 0xee)                  \
    X(IID_IHttpContext3,                                                                           \
      0xbf53c022, 0xca4b, 0x4349, 0xa3, 0x8e, 0xa4, 0xb7, 0x8a, 0xd8, 0x97, 0xfb)                  \
    X(IID_IHttpContext4,                                                                           \
      0x2c9463d8, 0x4ec4, 0x4622, 0x89, 0x17, 0xd4, 0x86, 0x32, 0x1a, 0x94, 0x43)                  \
    X(IID_IHttpRequest,                                                                            \
      0xe8698f7e, 0x576e, 0x4cac, 0xa3, 0x09, 0x67, 0x43, 0x53, 0x55, 0xfa, 0xef)                  \
    X(IID_IHttpRequest2,                                                                           \
      0xd9244ae1, 0x51f8, 0x4aa1, 0xa6, 0x6d, 0x19, 0x27, 0x7c, 0x33, 0xe6, 0x10)                  \
    X(IID_IHttpRequest3,                                                                           \
      0xb32e4e0f, 0x4057, 0x4feb, 0xae, 0xab, 0x7b, 0x69, 0xc0, 0x3c, 0x63, 0x14)                  \
    X(IID_IHttpResponse,                                                                           \
      0x7e1c6b38, 0x628f, 0x4e6c, 0x95, 0xdc, 0x41, 0x23, 0x7e, 0xb7, 0xf9, 0x5e)                  \
    X(IID_IHttpResponse2,                                                                          \
      0x0822c871, 0xf14e, 0x4974, 0xa1, 0xe6, 0x5b, 0x3c, 0x1f, 0x09, 0xb7, 0x6a)                  \
    X(IID_IHttpApplication,                                                                        \
      0x3f75d9e6, 0x1075, 0x422c, 0xad, 0x89, 0x93, 0xa8, 0x5f, 0x2d, 0x7b, 0xdc)                  \
    X(IID_IHttpApplication2,                                                                       \
      0x311a3b7a, 0xb673, 0x4a1c, 0x83, 0x49, 0x2e, 0x98, 0xa2, 0x3c, 0xad, 0xcb)                  \
    X(IID_IHttpCompletionInfo,                                                                     \
      0x49dd20e3, 0xd9c0, 0x463c, 0x88, 0x21, 0xf3, 0x41, 0x3b, 0x55, 0xcc, 0x00)                  \
    X(IID_IHttpCompletionInfo2,                                                                    \
      0x53129f70, 0x0196, 0x47ec, 0xb1, 0x6c, 0x12, 0x79, 0x06, 0xe2, 0xaf, 0xeb)                  \
    X(IID_IHttpCachePolicy,                                                                        \
      0xcb1c40ca, 0x70f2, 0x41a0, 0xad, 0xd2, 0x88, 0x1f, 0x5e, 0xf5, 0x73, 0x88)                  \
    X(IID_IHttpCachePolicy2,                                                                       \
      0x9f4ba807, 0x050e, 0x4495, 0xae, 0x55, 0x88, 0x70, 0xf7, 0xe9, 0x19, 0x4a)                  \
    X(IID_IGlobalApplicationPreloadProvider,                                                       \
      0x2111f8d6, 0x0c41, 0x4ff7, 0xbd, 0x45, 0x5c, 0x04, 0xc7, 0xe9, 0x1a, 0x73)                  \
    X(IID_IGlobalApplicationPreloadProvider2,                                                      \
      0x251db2dd, 0x81e7, 0x44ce, 0xae, 0x02, 0x46, 0x52, 0x9f, 0x2d, 0x71, 0xea)
/* clang-format on */

GUISE_INTERFACE_IIDS(GUISE_GUID_DECLARE)

/*
 * IIS's template HttpGetExtendedInterface(pHttpServer, pInput, &pOutput), in C: returns
 * in *ppOutput the object pInput, whose interface is *pInputIid, seen as the interface
 * *pOutputIid of the same family (IHttpContext -> IHttpContext2..4, IHttpRequest ->
 * IHttpRequest2..3, IHttpResponse -> IHttpResponse2, IHttpServer -> IHttpServer2,
 * IHttpApplication -> 2, IHttpCompletionInfo -> 2, IHttpCachePolicy -> 2,
 * IGlobalApplicationPreloadProvider -> 2).  *ppOutput is the same object: borrowed like
 * pInput, nothing to release.  E_NOINTERFACE (and *ppOutput NULL) if the object does not
 * implement it; E_INVALIDARG for NULL arguments.  Thread-safe.  Implemented by the server.
 */
GUISE_API HRESULT HttpGetExtendedInterface(IHttpServer *pHttpServer, const GUID *pInputIid,
                                           PVOID pInput, const GUID *pOutputIid, PVOID *ppOutput);

/*
 * Typed form, as close to the template as C allows; the compiler checks that pInput is a
 * Type1 * and ppOutput a Type2 **:
 *
 *     IHttpRequest2 *req2;
 *     hr = GUISE_GET_EXTENDED_INTERFACE(srv, IHttpRequest, req, IHttpRequest2, &req2);
 */
#define GUISE_GET_EXTENDED_INTERFACE(pHttpServer, Type1, pInput, Type2, ppOutput)                  \
    HttpGetExtendedInterface((pHttpServer), &IID_##Type1, (PVOID) (1 ? (pInput) : (Type1 *) 0),    \
                             &IID_##Type2, (PVOID *) (1 ? (ppOutput) : (Type2 **) 0))

/* ------------------------------------------------------------------ guise extensions */

/*
 * IGuiseServer: what guise adds to IHttpServer for modules, its built-in ones included (they
 * use nothing else).  Reach it from the server object:
 *
 *     IGuiseServer *gs;
 *     hr = HttpGetExtendedInterface(srv, &IID_IHttpServer, srv, &IID_IGuiseServer, (PVOID *) &gs);
 */
typedef struct IGuiseServer IGuiseServer;
typedef struct IGuiseServerVtbl IGuiseServerVtbl;

typedef struct IGuiseConfigElement IGuiseConfigElement;
typedef struct IGuiseConfigElementVtbl IGuiseConfigElementVtbl;

/*
 * IGuiseConfigElement: one element of the configuration as it applies where it was asked for
 * (a section merged from the server level down to a URL, collections already resolved from
 * their add/remove/clear).  Read-only and immutable: safe from any thread.  Every pointer it
 * returns is borrowed and lives as long as the element.
 */
struct IGuiseConfigElementVtbl {
    /* The element's name ("defaultDocument", "add", "mimeMap"). */
    PCSTR (*GetName)(const IGuiseConfigElement *This);
    /* An attribute's value as text: what the file says, else the default ("true", "0",
     * "ClearText"); NULL for an attribute the element does not have.  Values are checked when
     * the configuration is read: a bool is "true" or "false", a number is decimal. */
    PCSTR (*GetAttribute)(const IGuiseConfigElement *This, PCSTR pszName);
    PCWSTR (*GetAttributeW)(const IGuiseConfigElement *This, PCSTR pszName);
    /* Children in file order: a collection's entries, or nested elements. */
    DWORD (*GetChildCount)(const IGuiseConfigElement *This);
    IGuiseConfigElement *(*GetChild)(const IGuiseConfigElement *This, DWORD dwIndex);
    /* The first child of that name, or NULL. */
    IGuiseConfigElement *(*GetChildByName)(const IGuiseConfigElement *This, PCSTR pszName);
    /* Equal for two elements only if their content is the same: a key for a module's cache of
     * what it derives from an element (it changes when the configuration is reloaded). */
    ULONGLONG (*GetVersion)(const IGuiseConfigElement *This);
};

struct IGuiseConfigElement {
    const IGuiseConfigElementVtbl *lpVtbl;
};

#define IGuiseConfigElement_GetName(This) ((This)->lpVtbl->GetName((This)))
#define IGuiseConfigElement_GetAttribute(This, pszName)                                            \
    ((This)->lpVtbl->GetAttribute((This), (pszName)))
#define IGuiseConfigElement_GetAttributeW(This, pszName)                                           \
    ((This)->lpVtbl->GetAttributeW((This), (pszName)))
#define IGuiseConfigElement_GetChildCount(This)     ((This)->lpVtbl->GetChildCount((This)))
#define IGuiseConfigElement_GetChild(This, dwIndex) ((This)->lpVtbl->GetChild((This), (dwIndex)))
#define IGuiseConfigElement_GetChildByName(This, pszName)                                          \
    ((This)->lpVtbl->GetChildByName((This), (pszName)))
#define IGuiseConfigElement_GetVersion(This) ((This)->lpVtbl->GetVersion((This)))

struct IGuiseServerVtbl {
    /* The value of a server setting, UTF-8, or NULL when it is not set: "root" (the embedded
     * default's site directory), "access-log" (--log: a path, or "-" for standard output),
     * "mime-types" (the media types file), "config" (the configuration file, when there is
     * one).  Borrowed: valid until
     * shutdown.  Thread-safe. */
    PCSTR (*GetSetting)(const IGuiseServer *This, PCSTR pszName);
    /* A configuration section ("system.webServer/defaultDocument") as it applies to the URL of
     * the request pContext, or at the server level when pContext is NULL.  S_OK and a borrowed
     * element, valid until the request ends (server level: until the notification that asked
     * returns); HRESULT_FROM_WIN32(ERROR_NOT_FOUND) for a section guise does not know.
     * Thread-safe. */
    /* (clang-format 14 breaks this declaration differently on every run) */
    /* clang-format off */
    HRESULT (*GetConfigSection)(IGuiseServer *This, IHttpContext *pContext, PCSTR pszSection,
                                IGuiseConfigElement **ppSection);
    /* clang-format on */
};

struct IGuiseServer {
    const IGuiseServerVtbl *lpVtbl;
};

#define IGuiseServer_GetSetting(This, pszName) ((This)->lpVtbl->GetSetting((This), (pszName)))
#define IGuiseServer_GetConfigSection(This, pContext, pszSection, ppSection)                       \
    ((This)->lpVtbl->GetConfigSection((This), (pContext), (pszSection), (ppSection)))

/* clang-format off */
#define GUISE_EXTENSION_IIDS(X)                                                                    \
    X(IID_IGuiseServer,                                                                            \
      0x6b1c7d2e, 0x3f41, 0x4c8a, 0x9d, 0x52, 0x7e, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e)
/* clang-format on */

GUISE_EXTENSION_IIDS(GUISE_GUID_DECLARE)

/* ------------------------------------------------------------------ module entry point */

/*
 * Every module exports RegisterModule (§2.1).  The server calls it once, after loading
 * the module, with GUISE_SERVER_VERSION, the registration object (valid for the call) and
 * the server (valid until the module's Terminate methods ran).  Return S_OK, or a failure
 * and the module is refused.  Do not trace from it.  Define it as
 *
 *     GUISE_MODULE_EXPORT HRESULT
 *     RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
 *                    IHttpServer *pGlobalInfo)
 *
 * Code that is not a module may define GUISE_NO_REGISTERMODULE_PROTOTYPE first.
 */
typedef HRESULT (*PFN_REGISTERMODULE)(DWORD dwServerVersion,
                                      IHttpModuleRegistrationInfo *pModuleInfo,
                                      IHttpServer *pGlobalInfo);

#ifndef GUISE_NO_REGISTERMODULE_PROTOTYPE
GUISE_MODULE_EXPORT HRESULT RegisterModule(DWORD dwServerVersion,
                                           IHttpModuleRegistrationInfo *pModuleInfo,
                                           IHttpServer *pGlobalInfo);
#endif

#ifdef __cplusplus
}
#endif

#endif /* GUISE_HTTPSERV_H */
