// One Init function per area of the addon; addon.cc calls them all.
#pragma once
#include <napi.h>

namespace cng {
void InitKeys(Napi::Env env, Napi::Object exports);         // keys.cc: NCrypt keys
void InitAttestation(Napi::Env env, Napi::Object exports);  // attestation.cc: AttestationClientLib.dll
void InitCertStore(Napi::Env env, Napi::Object exports);    // cert_store.cc: stores, PFX import, mutex
void InitWinHttp(Napi::Env env, Napi::Object exports);      // winhttp_session.cc: Schannel mTLS
}  // namespace cng
