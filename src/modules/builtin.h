/*
 * guise's built-in modules.  Each is an ordinary native module: it
 * registers through IHttpModuleRegistrationInfo and works through the public
 * interfaces only (it may use guise's pure helper functions for HTTP
 * syntax, as a loadable module could link its own).  They differ from a
 * loadable module in one way: they are linked in, so their registration
 * functions have names of their own instead of RegisterModule.
 */
#ifndef GS_MODULES_BUILTIN_H
#define GS_MODULES_BUILTIN_H

#include <guise/httpserv.h>

HRESULT gs_register_default_document(DWORD dwServerVersion,
                                     IHttpModuleRegistrationInfo *pModuleInfo,
                                     IHttpServer *pGlobalInfo);
HRESULT gs_register_static_file(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                                IHttpServer *pGlobalInfo);
HRESULT gs_register_directory_listing(DWORD dwServerVersion,
                                      IHttpModuleRegistrationInfo *pModuleInfo,
                                      IHttpServer *pGlobalInfo);
HRESULT gs_register_anonymous_auth(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                                   IHttpServer *pGlobalInfo);
HRESULT gs_register_basic_auth(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                               IHttpServer *pGlobalInfo);
HRESULT gs_register_http_logging(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                                 IHttpServer *pGlobalInfo);

/* The notification type of the custom notification that asks log writers to reopen. */
#define GUISE_REOPEN_LOGS L"guise.ReopenLogs"

#endif
