// Windows system certificate stores (cert_store.cc), with the helpers other areas reuse: the
// WinHTTP session finds a `{kind:'store'}` client certificate through FindStoreCertificate.
#pragma once
#include <napi.h>
#include <windows.h>
#include <wincrypt.h>

#include <string>

#include "status.h"

namespace cng {

// How a system store is opened. Reading never creates a store; adding does (as Windows tools do).
enum class StoreAccess { kRead, kWrite, kCreate };

// CertOpenStore(CERT_STORE_PROV_SYSTEM_W) for 'CurrentUser' or 'LocalMachine' and a store name
// such as 'My'. Returns nullptr and fills `failure` when the location is unknown or Windows fails.
// The caller closes the store with CertCloseStore(store, 0).
HCERTSTORE OpenSystemStore(const std::string& location, const std::string& store, StoreAccess access, Failure* failure);

// The certificate with this SHA-1 thumbprint (40 hex digits, any case) in a system store, or
// nullptr with `failure` filled. Not found is the failure {CertFindCertificateInStore,
// CRYPT_E_NOT_FOUND}. The context keeps its store alive; free it with CertFreeCertificateContext.
PCCERT_CONTEXT FindStoreCertificate(const std::string& location, const std::string& store, const std::string& sha1Hex, Failure* failure);

// The SHA-1 thumbprint of a certificate as upper-case hex (CERT_SHA1_HASH_PROP_ID); empty on failure.
std::string CertificateSha1(PCCERT_CONTEXT certificate);

// named_mutex.cc: acquireMutex and the NativeMutex class (called from InitCertStore).
void InitNamedMutex(Napi::Env env, Napi::Object exports);

}  // namespace cng
