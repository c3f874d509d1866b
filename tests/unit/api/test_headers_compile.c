/*
 * The public module API headers on their own: every constant the reference fixes has its
 * value, every table has its slots in the documented order with derived tables starting
 * with their base's slots, and the call macros reach the right slots.  Plain C, no
 * framework, so it builds with nothing but the headers:
 *
 *     gcc -std=c17 -Wall -Wextra -Wpedantic -Werror -Iinclude \
 *         tests/unit/api/test_headers_compile.c -o /tmp/thc && /tmp/thc
 */
#include <guise/httpserv.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SLOT_SIZE sizeof(void (*)(void))

/* ------------------------------------------------------------------ constant values */

_Static_assert(sizeof(DWORD) == 4, "DWORD");
_Static_assert(sizeof(ULONG) == 4 && sizeof(LONG) == 4, "Windows LONG is 32-bit");
_Static_assert(sizeof(USHORT) == 2 && sizeof(UCHAR) == 1 && sizeof(BYTE) == 1, "small ints");
_Static_assert(sizeof(ULONGLONG) == 8 && sizeof(LONGLONG) == 8, "64-bit ints");
_Static_assert(sizeof(HRESULT) == 4 && (HRESULT) -1 < 0, "HRESULT is signed 32-bit");
_Static_assert(sizeof(GUID) == 16, "GUID");
_Static_assert(sizeof(ULARGE_INTEGER) == 8, "ULARGE_INTEGER");
_Static_assert(sizeof(FILETIME) == 8, "FILETIME");
_Static_assert(sizeof(WCHAR) == sizeof(wchar_t), "WCHAR");

_Static_assert(S_OK == 0 && S_FALSE == 1, "S_OK");
_Static_assert(E_NOTIMPL == (HRESULT) 0x80004001, "E_NOTIMPL");
_Static_assert(E_FAIL == (HRESULT) 0x80004005, "E_FAIL");
_Static_assert(E_OUTOFMEMORY == (HRESULT) 0x8007000E, "E_OUTOFMEMORY");
_Static_assert(E_INVALIDARG == (HRESULT) 0x80070057, "E_INVALIDARG");
_Static_assert(E_ACCESSDENIED == (HRESULT) 0x80070005, "E_ACCESSDENIED");
_Static_assert(HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS) == (HRESULT) 0x800700B7, "183");
_Static_assert(HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY) == (HRESULT) 0x80070008, "8");
_Static_assert(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) == E_ACCESSDENIED, "5");
_Static_assert(HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER) == E_INVALIDARG, "87");
_Static_assert(HRESULT_FROM_WIN32(NO_ERROR) == S_OK, "0 stays 0");
_Static_assert(HRESULT_CODE(HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE)) == 1326, "code");
_Static_assert(HRESULT_FACILITY(HRESULT_FROM_WIN32(ERROR_TIMEOUT)) == FACILITY_WIN32, "facility");
_Static_assert(FAILED(E_FAIL) && SUCCEEDED(S_FALSE) && !FAILED(S_OK), "SUCCEEDED/FAILED");

_Static_assert(ERROR_FILE_NOT_FOUND == 2 && ERROR_PATH_NOT_FOUND == 3, "win32");
_Static_assert(ERROR_INVALID_HANDLE == 6 && ERROR_INVALID_DATA == 13, "win32");
_Static_assert(ERROR_HANDLE_EOF == 38 && ERROR_NOT_SUPPORTED == 50, "win32");
_Static_assert(ERROR_ALREADY_ASSIGNED == 85 && ERROR_INSUFFICIENT_BUFFER == 122, "win32");
_Static_assert(ERROR_MORE_DATA == 234 && ERROR_ARITHMETIC_OVERFLOW == 534, "win32");
_Static_assert(ERROR_IO_PENDING == 997 && ERROR_STACK_OVERFLOW == 1001, "win32");
_Static_assert(ERROR_NOT_FOUND == 1168 && ERROR_CONNECTION_INVALID == 1229, "win32");
_Static_assert(ERROR_CONNECTION_ABORTED == 1236 && ERROR_ACCOUNT_DISABLED == 1331, "win32");
_Static_assert(ERROR_INVALID_INDEX == 1413 && ERROR_TIMEOUT == 1460, "win32");

_Static_assert(RQ_BEGIN_REQUEST == 0x1 && RQ_AUTHENTICATE_REQUEST == 0x2, "RQ_");
_Static_assert(RQ_AUTHORIZE_REQUEST == 0x4 && RQ_RESOLVE_REQUEST_CACHE == 0x8, "RQ_");
_Static_assert(RQ_MAP_REQUEST_HANDLER == 0x10 && RQ_ACQUIRE_REQUEST_STATE == 0x20, "RQ_");
_Static_assert(RQ_PRE_EXECUTE_REQUEST_HANDLER == 0x40 && RQ_EXECUTE_REQUEST_HANDLER == 0x80, "RQ_");
_Static_assert(RQ_RELEASE_REQUEST_STATE == 0x100 && RQ_UPDATE_REQUEST_CACHE == 0x200, "RQ_");
_Static_assert(RQ_LOG_REQUEST == 0x400 && RQ_END_REQUEST == 0x800, "RQ_");
_Static_assert(RQ_CUSTOM_NOTIFICATION == 0x10000000 && RQ_SEND_RESPONSE == 0x20000000, "RQ_");
_Static_assert(RQ_READ_ENTITY == 0x40000000 && RQ_MAP_PATH == 0x80000000u, "RQ_");

_Static_assert(GL_STOP_LISTENING == 0x2 && GL_CACHE_CLEANUP == 0x4, "GL_");
_Static_assert(GL_CACHE_OPERATION == 0x10 && GL_HEALTH_CHECK == 0x20, "GL_");
_Static_assert(GL_CONFIGURATION_CHANGE == 0x40 && GL_FILE_CHANGE == 0x80, "GL_");
_Static_assert(GL_PRE_BEGIN_REQUEST == 0x100 && GL_APPLICATION_START == 0x200, "GL_");
_Static_assert(GL_APPLICATION_RESOLVE_MODULES == 0x400 && GL_APPLICATION_STOP == 0x800, "GL_");
_Static_assert(GL_RSCA_QUERY == 0x1000 && GL_TRACE_EVENT == 0x2000, "GL_");
_Static_assert(GL_CUSTOM_NOTIFICATION == 0x4000 && GL_THREAD_CLEANUP == 0x8000, "GL_");
_Static_assert(GL_APPLICATION_PRELOAD == 0x10000, "GL_");

_Static_assert(RQ_NOTIFICATION_CONTINUE == 0 && RQ_NOTIFICATION_PENDING == 1, "status");
_Static_assert(RQ_NOTIFICATION_FINISH_REQUEST == 2, "status");
_Static_assert(GL_NOTIFICATION_CONTINUE == 0 && GL_NOTIFICATION_HANDLED == 1, "status");
_Static_assert(CACHE_OPERATION_RETRIEVE == 0 && CACHE_OPERATION_ADD == 1, "cache op");
_Static_assert(CACHE_OPERATION_DELETE == 2 && CACHE_OPERATION_FLUSH_PREFIX == 3, "cache op");
_Static_assert(CACHE_OPERATION_ENUM == 4, "cache op");

_Static_assert(CLONE_FLAG_BASICS == 0x01 && CLONE_FLAG_HEADERS == 0x02, "CLONE_FLAG_");
_Static_assert(CLONE_FLAG_ENTITY == 0x04 && CLONE_FLAG_NO_PRECONDITION == 0x08, "CLONE_FLAG_");
_Static_assert(CLONE_FLAG_NO_DAV == 0x10, "CLONE_FLAG_");
_Static_assert(EXECUTE_FLAG_NO_HEADERS == 0x01 && EXECUTE_FLAG_IGNORE_CURRENT_INTERCEPTOR == 0x02,
               "EXECUTE_FLAG_");
_Static_assert(EXECUTE_FLAG_IGNORE_APPPOOL == 0x04 && EXECUTE_FLAG_DISABLE_CUSTOM_ERROR == 0x08,
               "EXECUTE_FLAG_");
_Static_assert(EXECUTE_FLAG_SAME_URL == 0x10 && EXECUTE_FLAG_BUFFER_RESPONSE == 0x20,
               "EXECUTE_FLAG_");
_Static_assert(EXECUTE_FLAG_HTTP_CACHE_ELIGIBLE == 0x40, "EXECUTE_FLAG_");
_Static_assert(HTTP_SEND_RESPONSE_FLAG_DISCONNECT == 0x1
                   && HTTP_SEND_RESPONSE_FLAG_MORE_DATA == 0x2,
               "HTTP_SEND_RESPONSE_FLAG_");
_Static_assert(HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA == 0x4
                   && HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING == 0x8,
               "HTTP_SEND_RESPONSE_FLAG_");

_Static_assert(LOGON32_LOGON_INTERACTIVE == 2 && LOGON32_LOGON_NETWORK == 3, "LOGON32_");
_Static_assert(LOGON32_LOGON_BATCH == 4 && LOGON32_LOGON_SERVICE == 5, "LOGON32_");
_Static_assert(LOGON32_LOGON_UNLOCK == 7 && LOGON32_LOGON_NETWORK_CLEARTEXT == 8, "LOGON32_");
_Static_assert(LOGON32_LOGON_NEW_CREDENTIALS == 9, "LOGON32_");

_Static_assert(HttpHeaderCacheControl == 0 && HttpHeaderWarning == 9, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderAllow == 10 && HttpHeaderContentType == 12, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderLastModified == 19 && HttpHeaderAccept == 20, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderAuthorization == 24 && HttpHeaderHost == 28, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderIfModifiedSince == 30 && HttpHeaderRange == 37, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderUserAgent == 40 && HttpHeaderRequestMaximum == 41, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderAcceptRanges == 20 && HttpHeaderEtag == 22, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderLocation == 23 && HttpHeaderServer == 26, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderSetCookie == 27 && HttpHeaderWwwAuthenticate == 29, "HTTP_HEADER_ID");
_Static_assert(HttpHeaderResponseMaximum == 30 && HttpHeaderMaximum == 41, "HTTP_HEADER_ID");
_Static_assert(HttpDataChunkFromMemory == 0 && HttpDataChunkFromFileHandle == 1, "chunk type");
_Static_assert(HttpDataChunkMaximum == 4, "chunk type");
_Static_assert(HTTP_BYTE_RANGE_TO_EOF == UINT64_MAX, "HTTP_BYTE_RANGE_TO_EOF");
_Static_assert(HttpVerbGET == 4 && HttpVerbMaximum == 20, "HTTP_VERB");
_Static_assert(HTTP_TRACE_TYPE_LPCWSTR == 31 && HTTP_TRACE_TYPE_LPCGUID == 72, "trace types");
_Static_assert(HTTP_TRACE_LEVEL_START == 6 && HTTP_TRACE_LEVEL_END == 7, "trace levels");

_Static_assert(GUISE_SERVER_VERSION == 10, "guise passes 10 to RegisterModule");

/* HTTP_DATA_CHUNK keeps http.h's member names and anonymous union. */
_Static_assert(offsetof(HTTP_DATA_CHUNK, DataChunkType) == 0, "HTTP_DATA_CHUNK");
_Static_assert(offsetof(HTTP_DATA_CHUNK, FromMemory.pBuffer)
                   == offsetof(HTTP_DATA_CHUNK, FromFileHandle.ByteRange),
               "one union");
_Static_assert(sizeof(((HTTP_DATA_CHUNK *) 0)->FromMemory.BufferLength) == 4, "ULONG length");
_Static_assert(offsetof(HTTP_LOG_FIELDS_DATA, Base) == 0, "HTTP_LOG_FIELDS_DATA");

/* GetIsEqual and GetIsPrefix return C bool; the rest BOOL. */
_Static_assert(_Generic(((IHttpCacheKeyVtbl *) 0)->GetIsEqual((const IHttpCacheKey *) 0, 0),
                        bool : 1, default : 0),
               "GetIsEqual returns bool");
_Static_assert(_Generic(((IHttpCacheSpecificDataVtbl *) 0)->GetFlushed(0), BOOL : 1, default : 0),
               "GetFlushed returns BOOL");

/* ------------------------------------------------------------------ table layout */

/* Every interface is { lpVtbl } and nothing else. */
#define ONLY_LPVTBL(I)                                                                             \
    _Static_assert(offsetof(I, lpVtbl) == 0 && sizeof(I) == sizeof(void *), #I " is { lpVtbl }")
ONLY_LPVTBL(IHttpCacheKey);
ONLY_LPVTBL(IHttpTokenKey);
ONLY_LPVTBL(IHttpCacheSpecificData);
ONLY_LPVTBL(IHttpTokenEntry);
ONLY_LPVTBL(ICacheProvider);
ONLY_LPVTBL(IHttpServer2);
ONLY_LPVTBL(IHttpContext4);
ONLY_LPVTBL(CHttpModule);
ONLY_LPVTBL(CGlobalModule);
ONLY_LPVTBL(IHttpModuleFactory);

/*
 * Slot lists, written here from the reference (alphabetical, variants after the plain
 * name), independently of the header.  For each list: an enum numbers the slots, each slot
 * must sit at its number, and the table must hold exactly these slots.
 */
#define IHttpEventProvider_SLOTS(X) X(SetErrorStatus)

#define ICacheProvider_OWN(X)                                                                      \
    X(GetCacheKey) X(GetCacheOperation) X(GetCacheRecord) X(GetTraceContext) X(SetCacheRecord)

#define IHttpCacheKey_SLOTS(X) X(Enum) X(GetCacheName) X(GetHash) X(GetIsEqual) X(GetIsPrefix)

#define IHttpTokenKey_OWN(X) X(GetLogonMethod) X(GetPasswordHash) X(GetUserName)

#define IHttpCacheSpecificData_SLOTS(X)                                                            \
    X(DecrementTTL)                                                                                \
    X(DereferenceCacheData)                                                                        \
    X(GetCacheKey)                                                                                 \
    X(GetFlushed)                                                                                  \
    X(ReferenceCacheData)                                                                          \
    X(ResetTTL)                                                                                    \
    X(SetFlushed)

#define IHttpTokenEntry_OWN(X) X(GetImpersonationToken) X(GetPrimaryToken) X(GetSid)

#define IHttpContext_SLOTS(X)                                                                      \
    X(AllocateRequestMemory)                                                                       \
    X(CancelIo)                                                                                    \
    X(CloneContext)                                                                                \
    X(DisableNotifications)                                                                        \
    X(ExecuteRequest)                                                                              \
    X(GetApplication)                                                                              \
    X(GetConnection)                                                                               \
    X(GetCurrentExecutionStats)                                                                    \
    X(GetExecuteFlags)                                                                             \
    X(GetFileInfo)                                                                                 \
    X(GetIsLastNotification)                                                                       \
    X(GetMetadata)                                                                                 \
    X(GetModuleContextContainer)                                                                   \
    X(GetNextNotification)                                                                         \
    X(GetParentContext)                                                                            \
    X(GetPhysicalPath)                                                                             \
    X(GetRequest)                                                                                  \
    X(GetResponse)                                                                                 \
    X(GetResponseHeadersSent)                                                                      \
    X(GetRootContext)                                                                              \
    X(GetScriptMap)                                                                                \
    X(GetScriptName)                                                                               \
    X(GetScriptTranslated)                                                                         \
    X(GetServerVarChanges)                                                                         \
    X(GetServerVariable)                                                                           \
    X(GetServerVariableW)                                                                          \
    X(GetSite)                                                                                     \
    X(GetTraceContext)                                                                             \
    X(GetUrlInfo)                                                                                  \
    X(GetUser)                                                                                     \
    X(IndicateCompletion)                                                                          \
    X(MapHandler)                                                                                  \
    X(MapPath)                                                                                     \
    X(NotifyCustomNotification)                                                                    \
    X(PostCompletion)                                                                              \
    X(ReleaseClonedContext)                                                                        \
    X(SetRequestHandled)                                                                           \
    X(SetServerVariable)

#define IHttpContext2_OWN(X) X(GetOriginalUser)
#define IHttpContext3_OWN(X)                                                                       \
    X(EnableFullDuplex) X(GetNamedContextContainer) X(InheritServerVariable) X(PostCompletion3)
#define IHttpContext4_OWN(X) X(GetRequestElapsedTime) X(GetRequestStartTime)

#define IHttpServer_SLOTS(X)                                                                       \
    X(AddFragmentToCache)                                                                          \
    X(AssociateWithThreadPool)                                                                     \
    X(DecrementThreadCount)                                                                        \
    X(DispenseContainer)                                                                           \
    X(DoCacheOperation)                                                                            \
    X(FlushKernelCache)                                                                            \
    X(GetAppPoolName)                                                                              \
    X(GetConfigObject)                                                                             \
    X(GetFileInfo)                                                                                 \
    X(GetManagedType)                                                                              \
    X(GetPerfCounterInfo)                                                                          \
    X(GetProtocolManagerCustomInterface)                                                           \
    X(GetTraceContext)                                                                             \
    X(GetWorkerProcessSettings)                                                                    \
    X(IncrementThreadCount)                                                                        \
    X(IsCommandLineLaunch)                                                                         \
    X(NotifyConfigurationChange)                                                                   \
    X(NotifyCustomNotification)                                                                    \
    X(NotifyFileChange)                                                                            \
    X(ReadFragmentFromCache)                                                                       \
    X(RecycleApplication)                                                                          \
    X(RecycleProcess)                                                                              \
    X(RegisterFileChangeMonitor)                                                                   \
    X(RemoveFragmentFromCache)                                                                     \
    X(ReportUnhealthy)                                                                             \
    X(SatisfiesPrecondition)

#define IHttpServer2_OWN(X)                                                                        \
    X(GetAppPoolConfigFile)                                                                        \
    X(GetExtendedInterface) X(GetMetadata) X(GetToken) X(GetWorkerProcessFramework)

#define IHttpResponse_SLOTS(X)                                                                     \
    X(Clear)                                                                                       \
    X(ClearHeaders)                                                                                \
    X(CloseConnection)                                                                             \
    X(DeleteHeader)                                                                                \
    X(DeleteHeaderById)                                                                            \
    X(DisableBuffering)                                                                            \
    X(DisableKernelCache)                                                                          \
    X(Flush)                                                                                       \
    X(GetCachePolicy)                                                                              \
    X(GetErrorDescription)                                                                         \
    X(GetHeader)                                                                                   \
    X(GetHeaderById)                                                                               \
    X(GetHeaderChanges)                                                                            \
    X(GetHeadersSuppressed)                                                                        \
    X(GetKernelCacheEnabled)                                                                       \
    X(GetRawHttpResponse)                                                                          \
    X(GetStatus)                                                                                   \
    X(Redirect)                                                                                    \
    X(ResetConnection)                                                                             \
    X(SetErrorDescription)                                                                         \
    X(SetHeader)                                                                                   \
    X(SetHeaderById)                                                                               \
    X(SetNeedDisconnect)                                                                           \
    X(SetStatus)                                                                                   \
    X(SuppressHeaders)                                                                             \
    X(WriteEntityChunkByReference)                                                                 \
    X(WriteEntityChunks)

#define IHttpResponse2_OWN(X) X(Flush2) X(WriteEntityChunks2)

#define CHttpModule_SLOTS(X)                                                                       \
    X(OnBeginRequest)                                                                              \
    X(OnPostBeginRequest)                                                                          \
    X(OnAuthenticateRequest)                                                                       \
    X(OnPostAuthenticateRequest)                                                                   \
    X(OnAuthorizeRequest)                                                                          \
    X(OnPostAuthorizeRequest)                                                                      \
    X(OnResolveRequestCache)                                                                       \
    X(OnPostResolveRequestCache)                                                                   \
    X(OnMapRequestHandler)                                                                         \
    X(OnPostMapRequestHandler)                                                                     \
    X(OnAcquireRequestState)                                                                       \
    X(OnPostAcquireRequestState)                                                                   \
    X(OnPreExecuteRequestHandler)                                                                  \
    X(OnPostPreExecuteRequestHandler)                                                              \
    X(OnExecuteRequestHandler)                                                                     \
    X(OnPostExecuteRequestHandler)                                                                 \
    X(OnReleaseRequestState)                                                                       \
    X(OnPostReleaseRequestState)                                                                   \
    X(OnUpdateRequestCache)                                                                        \
    X(OnPostUpdateRequestCache)                                                                    \
    X(OnLogRequest)                                                                                \
    X(OnPostLogRequest)                                                                            \
    X(OnEndRequest)                                                                                \
    X(OnPostEndRequest)                                                                            \
    X(OnSendResponse)                                                                              \
    X(OnMapPath)                                                                                   \
    X(OnReadEntity)                                                                                \
    X(OnCustomRequestNotification)                                                                 \
    X(OnAsyncCompletion)                                                                           \
    X(Dispose)

#define CGlobalModule_SLOTS(X)                                                                     \
    X(OnGlobalStopListening)                                                                       \
    X(OnGlobalCacheCleanup)                                                                        \
    X(OnGlobalCacheOperation)                                                                      \
    X(OnGlobalHealthCheck)                                                                         \
    X(OnGlobalConfigurationChange)                                                                 \
    X(OnGlobalFileChange)                                                                          \
    X(OnGlobalPreBeginRequest)                                                                     \
    X(OnGlobalApplicationStart)                                                                    \
    X(OnGlobalApplicationResolveModules)                                                           \
    X(OnGlobalApplicationStop)                                                                     \
    X(OnGlobalRSCAQuery)                                                                           \
    X(OnGlobalTraceEvent)                                                                          \
    X(OnGlobalCustomNotification)                                                                  \
    X(OnGlobalThreadCleanup)                                                                       \
    X(OnGlobalApplicationPreload)                                                                  \
    X(Terminate)

#define IHttpModuleFactory_SLOTS(X) X(GetHttpModule) X(Terminate)

/* Derived tables: base slots first, then the derived interface's own. */
#define ICacheProvider_SLOTS(X)  IHttpEventProvider_SLOTS(X) ICacheProvider_OWN(X)
#define IHttpTokenKey_SLOTS(X)   IHttpCacheKey_SLOTS(X) IHttpTokenKey_OWN(X)
#define IHttpTokenEntry_SLOTS(X) IHttpCacheSpecificData_SLOTS(X) IHttpTokenEntry_OWN(X)
#define IHttpContext2_SLOTS(X)   IHttpContext_SLOTS(X) IHttpContext2_OWN(X)
#define IHttpContext3_SLOTS(X)   IHttpContext2_SLOTS(X) IHttpContext3_OWN(X)
#define IHttpContext4_SLOTS(X)   IHttpContext3_SLOTS(X) IHttpContext4_OWN(X)
#define IHttpServer2_SLOTS(X)    IHttpServer_SLOTS(X) IHttpServer2_OWN(X)
#define IHttpResponse2_SLOTS(X)  IHttpResponse_SLOTS(X) IHttpResponse2_OWN(X)

/* Number each list's slots, then check positions and table sizes. */
#define ENUM_SLOT(I, M) I##_slot_##M,
#define CHECK_SLOT(I, M)                                                                           \
    _Static_assert(offsetof(I##Vtbl, M) == (size_t) I##_slot_##M * SLOT_SIZE, #I "::" #M);
#define LAYOUT(I)                                                                                  \
    enum { I##_SLOTS(I##_ENUM) I##_slot_count };                                                   \
    _Static_assert(sizeof(I##Vtbl) == (size_t) I##_slot_count * SLOT_SIZE,                         \
                   #I " has no more slots");                                                       \
    I##_SLOTS(I##_CHECK)

#define IHttpEventProvider_ENUM(M)      ENUM_SLOT(IHttpEventProvider, M)
#define IHttpEventProvider_CHECK(M)     CHECK_SLOT(IHttpEventProvider, M)
#define ICacheProvider_ENUM(M)          ENUM_SLOT(ICacheProvider, M)
#define ICacheProvider_CHECK(M)         CHECK_SLOT(ICacheProvider, M)
#define IHttpCacheKey_ENUM(M)           ENUM_SLOT(IHttpCacheKey, M)
#define IHttpCacheKey_CHECK(M)          CHECK_SLOT(IHttpCacheKey, M)
#define IHttpTokenKey_ENUM(M)           ENUM_SLOT(IHttpTokenKey, M)
#define IHttpTokenKey_CHECK(M)          CHECK_SLOT(IHttpTokenKey, M)
#define IHttpCacheSpecificData_ENUM(M)  ENUM_SLOT(IHttpCacheSpecificData, M)
#define IHttpCacheSpecificData_CHECK(M) CHECK_SLOT(IHttpCacheSpecificData, M)
#define IHttpTokenEntry_ENUM(M)         ENUM_SLOT(IHttpTokenEntry, M)
#define IHttpTokenEntry_CHECK(M)        CHECK_SLOT(IHttpTokenEntry, M)
#define IHttpContext_ENUM(M)            ENUM_SLOT(IHttpContext, M)
#define IHttpContext_CHECK(M)           CHECK_SLOT(IHttpContext, M)
#define IHttpContext2_ENUM(M)           ENUM_SLOT(IHttpContext2, M)
#define IHttpContext2_CHECK(M)          CHECK_SLOT(IHttpContext2, M)
#define IHttpContext3_ENUM(M)           ENUM_SLOT(IHttpContext3, M)
#define IHttpContext3_CHECK(M)          CHECK_SLOT(IHttpContext3, M)
#define IHttpContext4_ENUM(M)           ENUM_SLOT(IHttpContext4, M)
#define IHttpContext4_CHECK(M)          CHECK_SLOT(IHttpContext4, M)
#define IHttpServer_ENUM(M)             ENUM_SLOT(IHttpServer, M)
#define IHttpServer_CHECK(M)            CHECK_SLOT(IHttpServer, M)
#define IHttpServer2_ENUM(M)            ENUM_SLOT(IHttpServer2, M)
#define IHttpServer2_CHECK(M)           CHECK_SLOT(IHttpServer2, M)
#define IHttpResponse_ENUM(M)           ENUM_SLOT(IHttpResponse, M)
#define IHttpResponse_CHECK(M)          CHECK_SLOT(IHttpResponse, M)
#define IHttpResponse2_ENUM(M)          ENUM_SLOT(IHttpResponse2, M)
#define IHttpResponse2_CHECK(M)         CHECK_SLOT(IHttpResponse2, M)
#define CHttpModule_ENUM(M)             ENUM_SLOT(CHttpModule, M)
#define CHttpModule_CHECK(M)            CHECK_SLOT(CHttpModule, M)
#define CGlobalModule_ENUM(M)           ENUM_SLOT(CGlobalModule, M)
#define CGlobalModule_CHECK(M)          CHECK_SLOT(CGlobalModule, M)
#define IHttpModuleFactory_ENUM(M)      ENUM_SLOT(IHttpModuleFactory, M)
#define IHttpModuleFactory_CHECK(M)     CHECK_SLOT(IHttpModuleFactory, M)

LAYOUT(IHttpEventProvider)
LAYOUT(ICacheProvider)
LAYOUT(IHttpCacheKey)
LAYOUT(IHttpTokenKey)
LAYOUT(IHttpCacheSpecificData)
LAYOUT(IHttpTokenEntry)
LAYOUT(IHttpContext)
LAYOUT(IHttpContext2)
LAYOUT(IHttpContext3)
LAYOUT(IHttpContext4)
LAYOUT(IHttpServer)
LAYOUT(IHttpServer2)
LAYOUT(IHttpResponse)
LAYOUT(IHttpResponse2)
LAYOUT(CHttpModule)
LAYOUT(CGlobalModule)
LAYOUT(IHttpModuleFactory)

/* The same prefix property stated directly: a derived slot sits where its base slot does. */
#define SAME_SLOT(D, B, M)                                                                         \
    _Static_assert(offsetof(D##Vtbl, M) == offsetof(B##Vtbl, M), #D "::" #M " as in " #B);
#define TOKEN_ENTRY_VS_CACHE_DATA(M) SAME_SLOT(IHttpTokenEntry, IHttpCacheSpecificData, M)
#define FILE_INFO_VS_CACHE_DATA(M)   SAME_SLOT(IHttpFileInfo, IHttpCacheSpecificData, M)
#define CONTEXT4_VS_CONTEXT(M)       SAME_SLOT(IHttpContext4, IHttpContext, M)
#define CONTEXT4_VS_CONTEXT3(M)      SAME_SLOT(IHttpContext4, IHttpContext3, M)
#define SERVER2_VS_SERVER(M)         SAME_SLOT(IHttpServer2, IHttpServer, M)
#define CACHE_PROVIDER_VS_EVENT(M)   SAME_SLOT(ICacheProvider, IHttpEventProvider, M)
#define TOKEN_KEY_VS_CACHE_KEY(M)    SAME_SLOT(IHttpTokenKey, IHttpCacheKey, M)
#define FILE_KEY_VS_CACHE_KEY(M)     SAME_SLOT(IFileKey, IHttpCacheKey, M)
#define URI_KEY_VS_CACHE_KEY(M)      SAME_SLOT(IUriKey, IHttpCacheKey, M)
#define RESPONSE2_VS_RESPONSE(M)     SAME_SLOT(IHttpResponse2, IHttpResponse, M)

IHttpCacheSpecificData_SLOTS(TOKEN_ENTRY_VS_CACHE_DATA)
    IHttpCacheSpecificData_SLOTS(FILE_INFO_VS_CACHE_DATA) IHttpContext_SLOTS(CONTEXT4_VS_CONTEXT)
        IHttpContext3_SLOTS(CONTEXT4_VS_CONTEXT3) IHttpServer_SLOTS(SERVER2_VS_SERVER)
            IHttpEventProvider_SLOTS(CACHE_PROVIDER_VS_EVENT)
                IHttpCacheKey_SLOTS(TOKEN_KEY_VS_CACHE_KEY)
                    IHttpCacheKey_SLOTS(FILE_KEY_VS_CACHE_KEY)
                        IHttpCacheKey_SLOTS(URI_KEY_VS_CACHE_KEY)
                            IHttpResponse_SLOTS(RESPONSE2_VS_RESPONSE)

    /* The first own slot of a derived table follows the whole base table. */
    _Static_assert(offsetof(IHttpTokenEntryVtbl, GetImpersonationToken)
                       == sizeof(IHttpCacheSpecificDataVtbl),
                   "own slots after the base's");
_Static_assert(offsetof(IHttpServer2Vtbl, GetAppPoolConfigFile) == sizeof(IHttpServerVtbl),
               "own slots after the base's");
_Static_assert(offsetof(IHttpRequest3Vtbl, ReadEntityBody3) == sizeof(IHttpRequest2Vtbl),
               "own slots after the base's");

/* ------------------------------------------------------------------ a fake token entry */

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

struct fake_key {
    IHttpTokenKey IHttpTokenKey_iface; /* first: casts to IHttpCacheKey hold */
};

struct fake_entry {
    IHttpTokenEntry IHttpTokenEntry_iface; /* first: casts to IHttpCacheSpecificData hold */
    int refs;
    int ttl;
    BOOL flushed;
    struct fake_key *key;
    int token; /* what the token HANDLEs point at */
};

static VOID
key_Enum(IHttpTokenKey *This, IHttpCacheSpecificData *cacheData)
{
    (void) This;
    (void) cacheData;
}

static PCWSTR
key_GetCacheName(const IHttpTokenKey *This)
{
    (void) This;
    return TOKEN_CACHE_NAME;
}

static DWORD
key_GetHash(const IHttpTokenKey *This)
{
    (void) This;
    return 42;
}

static bool
key_GetIsEqual(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey)
{
    return (const void *) This == (const void *) pCacheCompareKey;
}

static bool
key_GetIsPrefix(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey)
{
    (void) This;
    (void) pCacheCompareKey;
    return false;
}

static DWORD
key_GetLogonMethod(const IHttpTokenKey *This)
{
    (void) This;
    return LOGON32_LOGON_NETWORK;
}

static PCWSTR
key_GetPasswordHash(const IHttpTokenKey *This)
{
    (void) This;
    return L"00ff";
}

static PCWSTR
key_GetUserName(const IHttpTokenKey *This)
{
    (void) This;
    return L"alice";
}

static const IHttpTokenKeyVtbl key_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = key_GetHash,
    .GetIsEqual = key_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetLogonMethod = key_GetLogonMethod,
    .GetPasswordHash = key_GetPasswordHash,
    .GetUserName = key_GetUserName,
};

static struct fake_entry *
impl_from_IHttpTokenEntry(IHttpTokenEntry *iface)
{
    return (struct fake_entry *) ((char *) iface
                                  - offsetof(struct fake_entry, IHttpTokenEntry_iface));
}

static const struct fake_entry *
impl_from_const_IHttpTokenEntry(const IHttpTokenEntry *iface)
{
    return (const struct fake_entry *) ((const char *) iface
                                        - offsetof(struct fake_entry, IHttpTokenEntry_iface));
}

static VOID
entry_DecrementTTL(IHttpTokenEntry *This, BOOL *pfTTLExpired)
{
    struct fake_entry *e = impl_from_IHttpTokenEntry(This);

    *pfTTLExpired = --e->ttl == 0;
}

static VOID
entry_DereferenceCacheData(IHttpTokenEntry *This)
{
    impl_from_IHttpTokenEntry(This)->refs--;
}

static IHttpCacheKey *
entry_GetCacheKey(const IHttpTokenEntry *This)
{
    return (IHttpCacheKey *) &impl_from_const_IHttpTokenEntry(This)->key->IHttpTokenKey_iface;
}

static BOOL
entry_GetFlushed(const IHttpTokenEntry *This)
{
    return impl_from_const_IHttpTokenEntry(This)->flushed;
}

static VOID
entry_ReferenceCacheData(IHttpTokenEntry *This)
{
    impl_from_IHttpTokenEntry(This)->refs++;
}

static VOID
entry_ResetTTL(IHttpTokenEntry *This)
{
    impl_from_IHttpTokenEntry(This)->ttl = 2;
}

static VOID
entry_SetFlushed(IHttpTokenEntry *This)
{
    impl_from_IHttpTokenEntry(This)->flushed = TRUE;
}

static HANDLE
entry_GetImpersonationToken(IHttpTokenEntry *This)
{
    return &impl_from_IHttpTokenEntry(This)->token;
}

static HANDLE
entry_GetPrimaryToken(IHttpTokenEntry *This)
{
    (void) This;
    return NULL;
}

static PSID
entry_GetSid(IHttpTokenEntry *This)
{
    (void) This;
    return NULL;
}

static const IHttpTokenEntryVtbl entry_vtbl = {
    .DecrementTTL = entry_DecrementTTL,
    .DereferenceCacheData = entry_DereferenceCacheData,
    .GetCacheKey = entry_GetCacheKey,
    .GetFlushed = entry_GetFlushed,
    .ReferenceCacheData = entry_ReferenceCacheData,
    .ResetTTL = entry_ResetTTL,
    .SetFlushed = entry_SetFlushed,
    .GetImpersonationToken = entry_GetImpersonationToken,
    .GetPrimaryToken = entry_GetPrimaryToken,
    .GetSid = entry_GetSid,
};

static void
test_token_entry_macros(void)
{
    struct fake_key k = {{&key_vtbl}};
    struct fake_entry e = {{&entry_vtbl}, 1, 2, FALSE, &k, 0};
    IHttpTokenEntry *entry = &e.IHttpTokenEntry_iface;
    IHttpCacheSpecificData *data = (IHttpCacheSpecificData *) entry;
    IHttpCacheKey *key;
    BOOL expired = TRUE;

    CHECK(IHttpTokenEntry_GetImpersonationToken(entry) == (HANDLE) &e.token);
    CHECK(IHttpTokenEntry_GetPrimaryToken(entry) == NULL);
    CHECK(IHttpTokenEntry_GetSid(entry) == NULL);

    key = IHttpTokenEntry_GetCacheKey(entry);
    CHECK(key == (IHttpCacheKey *) &k.IHttpTokenKey_iface);
    CHECK(GuiseIsCacheName(IHttpCacheKey_GetCacheName(key), TOKEN_CACHE_NAME));
    CHECK(!GuiseIsCacheName(IHttpCacheKey_GetCacheName(key), FILE_CACHE_NAME));
    CHECK(IHttpCacheKey_GetHash(key) == 42);
    CHECK(IHttpCacheKey_GetIsEqual(key, key));
    CHECK(!IHttpCacheKey_GetIsPrefix(key, key));

    /* Base macros on the base view reach the same slots. */
    CHECK(IHttpCacheSpecificData_GetCacheKey(data) == key);
    IHttpTokenEntry_ReferenceCacheData(entry);
    CHECK(e.refs == 2);
    IHttpCacheSpecificData_DereferenceCacheData(data);
    CHECK(e.refs == 1);

    IHttpTokenEntry_DecrementTTL(entry, &expired);
    CHECK(!expired);
    IHttpCacheSpecificData_DecrementTTL(data, &expired);
    CHECK(expired);
    IHttpTokenEntry_ResetTTL(entry);
    CHECK(e.ttl == 2);

    CHECK(!IHttpTokenEntry_GetFlushed(entry));
    IHttpCacheSpecificData_SetFlushed(data);
    CHECK(IHttpTokenEntry_GetFlushed(entry));

    /* Checked downcasts by cache name. */
    CHECK(GuiseTokenKeyFromCacheKey(key) == &k.IHttpTokenKey_iface);
    CHECK(GuiseFileKeyFromCacheKey(key) == NULL);
    CHECK(GuiseUriKeyFromCacheKey(key) == NULL);
    CHECK(GuiseTokenKeyFromCacheKey(NULL) == NULL);
    CHECK(GuiseTokenEntryFromCacheData(data) == entry);
    CHECK(GuiseFileInfoFromCacheData(data) == NULL);
    CHECK(IHttpTokenKey_GetLogonMethod(GuiseTokenKeyFromCacheKey(key)) == LOGON32_LOGON_NETWORK);
    CHECK(GuiseIsCacheName(IHttpTokenKey_GetUserName(&k.IHttpTokenKey_iface), L"alice"));
}

/* ------------------------------------------------------------------ module-side defaults */

static const CHttpModuleVtbl empty_module_vtbl; /* every slot NULL: the IIS base class */
static const CGlobalModuleVtbl empty_global_vtbl;

static void
test_null_slots_mean_base_class(void)
{
    CHttpModule m = {&empty_module_vtbl};
    CGlobalModule g = {&empty_global_vtbl};

    CHECK(CHttpModule_OnBeginRequest(&m, NULL, NULL) == RQ_NOTIFICATION_CONTINUE);
    CHECK(CHttpModule_OnPostEndRequest(&m, NULL, NULL) == RQ_NOTIFICATION_CONTINUE);
    CHECK(CHttpModule_OnAsyncCompletion(&m, NULL, RQ_BEGIN_REQUEST, FALSE, NULL, NULL)
          == RQ_NOTIFICATION_CONTINUE);
    CHttpModule_Dispose(&m); /* does nothing */
    CHECK(CGlobalModule_OnGlobalCacheCleanup(&g) == GL_NOTIFICATION_CONTINUE);
    CHECK(CGlobalModule_OnGlobalCacheOperation(&g, NULL) == GL_NOTIFICATION_CONTINUE);
}

/* ------------------------------------------------------------------ helpers and types */

static void
test_helpers(void)
{
    static const GUID a = {
        0x3a2a4e84, 0x4c21, 0x4981, {0xae, 0x10, 0x3f, 0xda, 0x0d, 0x9b, 0x0f, 0x83}};
    GUID b = a;
    ULARGE_INTEGER size;
    HTTP_DATA_CHUNK chunk;

    CHECK(GuiseHandleFromFd(0) != NULL);
    CHECK(GuiseHandleFromFd(0) != INVALID_HANDLE_VALUE);
    CHECK(GuiseFdFromHandle(GuiseHandleFromFd(0)) == 0);
    CHECK(GuiseFdFromHandle(GuiseHandleFromFd(7)) == 7);
    CHECK(GuiseHandleFromFd(-1) == INVALID_HANDLE_VALUE);
    CHECK(GuiseFdFromHandle(NULL) == -1);
    CHECK(GuiseFdFromHandle(INVALID_HANDLE_VALUE) == -1);

    CHECK(IsEqualGUID(&a, &b));
    b.Data4[7]++;
    CHECK(!IsEqualGUID(&a, &b));

    size.QuadPart = 0x0000000100000002ull;
    CHECK(size.LowPart == 2 && size.HighPart == 1);
    CHECK(size.u.LowPart == 2 && size.u.HighPart == 1);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) "Hello";
    chunk.FromMemory.BufferLength = 5;
    CHECK(chunk.FromMemory.BufferLength == 5);

    CHECK(GuiseIsCacheName(PRIORITY_ALIAS_FIRST, L"FIRST"));
    CHECK(GuiseIsCacheName(URI_CACHE_NAME, L"URI"));
    CHECK(!GuiseIsCacheName(L"UR", L"URI"));
    CHECK(!GuiseIsCacheName(NULL, L"URI"));
}

int
main(void)
{
    test_token_entry_macros();
    test_null_slots_mean_base_class();
    test_helpers();
    if (failures != 0) {
        fprintf(stderr, "test_headers_compile: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_headers_compile: ok\n");
    return 0;
}
