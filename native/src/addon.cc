// Module entry: each area registers its functions and classes on the exports object.
#include <napi.h>

#include "modules.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#if defined(__MINGW32__)
  // The delay-load thunks that binutils' dlltool makes for node.exe's imports do not preserve
  // the XMM argument registers, so the first call of an import that takes a double gets garbage
  // (seen under Wine: napi_create_double(1) gave 9.7e-317). napi_create_double and
  // napi_create_date are the only Node-API functions with floating-point parameters: make their
  // first call here, with a value that is thrown away, so the thunk is never run mid-use.
  {
    napi_value discard;
    napi_create_double(env, 0, &discard);
    napi_create_date(env, 0, &discard);
  }
#endif
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  cng::InitKeys(env, exports);
  cng::InitAttestation(env, exports);
  cng::InitCertStore(env, exports);
  cng::InitWinHttp(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(msal_mtls_cng, Init)
