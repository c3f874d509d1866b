/*
 * guise/httpcach.h - names and keys of the global caches (§3), as IIS's httpcach.h.
 *
 * guise keeps three global caches: FILE (key IFileKey, record IHttpFileInfo), TOKEN (key
 * IHttpTokenKey, record IHttpTokenEntry) and URI (key IUriKey, record a plain
 * IHttpCacheSpecificData).  A key's GetCacheName is its type tag: compare it by content
 * before casting a key or a record to the cache's own interface, or let the helpers at
 * the end of this file do it.  Keys whose interface extends one of these three may use
 * another name, but never FILE, TOKEN or URI.
 *
 * Included by <guise/httpserv.h>; including this file alone includes that one too.
 */
#ifndef GUISE_HTTPCACH_H
#define GUISE_HTTPCACH_H

/* Names of the global caches (IHttpCacheKey_GetCacheName); compare by content. */
#define FILE_CACHE_NAME  L"FILE"
#define TOKEN_CACHE_NAME L"TOKEN"
#define URI_CACHE_NAME   L"URI"

#include "httpserv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IUriKey IUriKey;
typedef struct IUriKeyVtbl IUriKeyVtbl;
typedef struct IFileKey IFileKey;
typedef struct IFileKeyVtbl IFileKeyVtbl;
typedef struct IHttpTokenKey IHttpTokenKey;
typedef struct IHttpTokenKeyVtbl IHttpTokenKeyVtbl;

/*
 * Key of the URI cache (§3.11): a site id and a server-relative URL.  GetCacheName returns
 * URI_CACHE_NAME.  Equal: same site id and URL; prefix: same site id and this URL is a
 * leading part of the other's.
 */
/* clang-format off */
struct IUriKeyVtbl {
    /* IHttpCacheKey */
    VOID (*Enum)(IUriKey *This, IHttpCacheSpecificData *cacheData);
    PCWSTR (*GetCacheName)(const IUriKey *This);
    DWORD (*GetHash)(const IUriKey *This);
    bool (*GetIsEqual)(const IUriKey *This, IHttpCacheKey *pCacheCompareKey);
    bool (*GetIsPrefix)(const IUriKey *This, IHttpCacheKey *pCacheCompareKey);
    /* IUriKey */
    /* Configuration path of the URL.  Key-owned. */
    PCWSTR (*GetConfigPath)(const IUriKey *This);
    /* Site id (1 for the default site). */
    DWORD (*GetSiteId)(const IUriKey *This);
    /* Site name, e.g. L"Default Web Site" (may be empty, never NULL).  Key-owned. */
    PCWSTR (*GetSiteName)(const IUriKey *This);
    /* Server-relative URL, e.g. L"/default.htm".  Key-owned. */
    PCWSTR (*GetUrl)(const IUriKey *This);
    /* Records a hit at tick count dwTicks (frequent-hit detection).  Thread-safe. */
    VOID (*UpdateFrequentlyHitTickCount)(IUriKey *This, DWORD dwTicks);
};
/* clang-format on */

struct IUriKey {
    const IUriKeyVtbl *lpVtbl;
};

#define IUriKey_Enum(This, cacheData) ((This)->lpVtbl->Enum((This), (cacheData)))
#define IUriKey_GetCacheName(This)    ((This)->lpVtbl->GetCacheName((This)))
#define IUriKey_GetHash(This)         ((This)->lpVtbl->GetHash((This)))
#define IUriKey_GetIsEqual(This, pCacheCompareKey)                                                 \
    ((This)->lpVtbl->GetIsEqual((This), (pCacheCompareKey)))
#define IUriKey_GetIsPrefix(This, pCacheCompareKey)                                                \
    ((This)->lpVtbl->GetIsPrefix((This), (pCacheCompareKey)))
#define IUriKey_GetConfigPath(This) ((This)->lpVtbl->GetConfigPath((This)))
#define IUriKey_GetSiteId(This)     ((This)->lpVtbl->GetSiteId((This)))
#define IUriKey_GetSiteName(This)   ((This)->lpVtbl->GetSiteName((This)))
#define IUriKey_GetUrl(This)        ((This)->lpVtbl->GetUrl((This)))
#define IUriKey_UpdateFrequentlyHitTickCount(This, dwTicks)                                        \
    ((This)->lpVtbl->UpdateFrequentlyHitTickCount((This), (dwTicks)))

/*
 * Key of the FILE cache (§3.10): an absolute physical path.  GetCacheName returns
 * FILE_CACHE_NAME.  Equal: same path; prefix: this path is a leading part of the other's.
 */
/* clang-format off */
struct IFileKeyVtbl {
    /* IHttpCacheKey */
    VOID (*Enum)(IFileKey *This, IHttpCacheSpecificData *cacheData);
    PCWSTR (*GetCacheName)(const IFileKey *This);
    DWORD (*GetHash)(const IFileKey *This);
    bool (*GetIsEqual)(const IFileKey *This, IHttpCacheKey *pCacheCompareKey);
    bool (*GetIsPrefix)(const IFileKey *This, IHttpCacheKey *pCacheCompareKey);
    /* IFileKey */
    /* Absolute physical path of the file.  Key-owned. */
    PCWSTR (*GetPath)(const IFileKey *This);
};
/* clang-format on */

struct IFileKey {
    const IFileKeyVtbl *lpVtbl;
};

#define IFileKey_Enum(This, cacheData) ((This)->lpVtbl->Enum((This), (cacheData)))
#define IFileKey_GetCacheName(This)    ((This)->lpVtbl->GetCacheName((This)))
#define IFileKey_GetHash(This)         ((This)->lpVtbl->GetHash((This)))
#define IFileKey_GetIsEqual(This, pCacheCompareKey)                                                \
    ((This)->lpVtbl->GetIsEqual((This), (pCacheCompareKey)))
#define IFileKey_GetIsPrefix(This, pCacheCompareKey)                                               \
    ((This)->lpVtbl->GetIsPrefix((This), (pCacheCompareKey)))
#define IFileKey_GetPath(This) ((This)->lpVtbl->GetPath((This)))

/*
 * Key of the TOKEN cache (§3.9).  GetCacheName returns TOKEN_CACHE_NAME.  Equal: same user
 * name, logon method and password hash (compared in constant time: stricter than IIS's
 * guideline, so that a wrong password never matches); never a prefix.
 */
/* clang-format off */
struct IHttpTokenKeyVtbl {
    /* IHttpCacheKey */
    VOID (*Enum)(IHttpTokenKey *This, IHttpCacheSpecificData *cacheData);
    PCWSTR (*GetCacheName)(const IHttpTokenKey *This);
    DWORD (*GetHash)(const IHttpTokenKey *This);
    bool (*GetIsEqual)(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey);
    bool (*GetIsPrefix)(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey);
    /* IHttpTokenKey */
    /* The LOGON32_LOGON_* type used to log the user on (Basic: LOGON32_LOGON_NETWORK_CLEARTEXT
     * or LOGON32_LOGON_NETWORK, as configured). */
    DWORD (*GetLogonMethod)(const IHttpTokenKey *This);
    /* One-way keyed hash of the password as hex digits; never the password.  Key-owned. */
    PCWSTR (*GetPasswordHash)(const IHttpTokenKey *This);
    /* User name in clear text, e.g. L"alice".  Key-owned. */
    PCWSTR (*GetUserName)(const IHttpTokenKey *This);
};
/* clang-format on */

struct IHttpTokenKey {
    const IHttpTokenKeyVtbl *lpVtbl;
};

#define IHttpTokenKey_Enum(This, cacheData) ((This)->lpVtbl->Enum((This), (cacheData)))
#define IHttpTokenKey_GetCacheName(This)    ((This)->lpVtbl->GetCacheName((This)))
#define IHttpTokenKey_GetHash(This)         ((This)->lpVtbl->GetHash((This)))
#define IHttpTokenKey_GetIsEqual(This, pCacheCompareKey)                                           \
    ((This)->lpVtbl->GetIsEqual((This), (pCacheCompareKey)))
#define IHttpTokenKey_GetIsPrefix(This, pCacheCompareKey)                                          \
    ((This)->lpVtbl->GetIsPrefix((This), (pCacheCompareKey)))
#define IHttpTokenKey_GetLogonMethod(This)  ((This)->lpVtbl->GetLogonMethod((This)))
#define IHttpTokenKey_GetPasswordHash(This) ((This)->lpVtbl->GetPasswordHash((This)))
#define IHttpTokenKey_GetUserName(This)     ((This)->lpVtbl->GetUserName((This)))

/*
 * Checked downcasts (guise additions).  Each returns its argument seen as the cache's own
 * interface when its cache name matches, else NULL (also for NULL).  Same object, same
 * ownership: borrowed like the argument.
 */

/* TRUE if pszName equals pszCacheName (both non-NULL) character for character. */
static inline bool
GuiseIsCacheName(PCWSTR pszName, PCWSTR pszCacheName)
{
    if (pszName == NULL || pszCacheName == NULL) {
        return false;
    }
    while (*pszName != L'\0' && *pszName == *pszCacheName) {
        pszName++;
        pszCacheName++;
    }
    return *pszName == *pszCacheName;
}

static inline bool
GuiseKeyHasCacheName(IHttpCacheKey *pCacheKey, PCWSTR pszCacheName)
{
    return pCacheKey != NULL
           && GuiseIsCacheName(IHttpCacheKey_GetCacheName(pCacheKey), pszCacheName);
}

static inline IFileKey *
GuiseFileKeyFromCacheKey(IHttpCacheKey *pCacheKey)
{
    return GuiseKeyHasCacheName(pCacheKey, FILE_CACHE_NAME) ? (IFileKey *) pCacheKey : NULL;
}

static inline IHttpTokenKey *
GuiseTokenKeyFromCacheKey(IHttpCacheKey *pCacheKey)
{
    return GuiseKeyHasCacheName(pCacheKey, TOKEN_CACHE_NAME) ? (IHttpTokenKey *) pCacheKey : NULL;
}

static inline IUriKey *
GuiseUriKeyFromCacheKey(IHttpCacheKey *pCacheKey)
{
    return GuiseKeyHasCacheName(pCacheKey, URI_CACHE_NAME) ? (IUriKey *) pCacheKey : NULL;
}

static inline IHttpFileInfo *
GuiseFileInfoFromCacheData(IHttpCacheSpecificData *pCacheData)
{
    IHttpCacheKey *pCacheKey;

    if (pCacheData == NULL) {
        return NULL;
    }
    pCacheKey = IHttpCacheSpecificData_GetCacheKey(pCacheData);
    return GuiseKeyHasCacheName(pCacheKey, FILE_CACHE_NAME) ? (IHttpFileInfo *) pCacheData : NULL;
}

static inline IHttpTokenEntry *
GuiseTokenEntryFromCacheData(IHttpCacheSpecificData *pCacheData)
{
    IHttpCacheKey *pCacheKey;

    if (pCacheData == NULL) {
        return NULL;
    }
    pCacheKey = IHttpCacheSpecificData_GetCacheKey(pCacheData);
    return GuiseKeyHasCacheName(pCacheKey, TOKEN_CACHE_NAME) ? (IHttpTokenEntry *) pCacheData
                                                             : NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* GUISE_HTTPCACH_H */
