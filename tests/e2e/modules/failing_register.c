/*
 * A module whose RegisterModule fails (E_FAIL) after registering a factory:
 * the server must refuse it, say so in one line with the HRESULT, and exit
 * with status 1 without ever calling the factory.  Built as
 * build/modules/test_failing_register.so for tests/e2e/test_modules.py.
 */
#include <guise/httpserv.h>

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule,
                      IModuleAllocator *pAllocator)
{
    (void) This;
    (void) ppModule;
    (void) pAllocator;
    return E_FAIL; /* never called: the module is refused first */
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

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    (void) dwServerVersion;
    (void) pGlobalInfo;

    /* What it registered before failing must be dropped with it. */
    (void) IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_BEGIN_REQUEST, 0);
    return E_FAIL;
}
