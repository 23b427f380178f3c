#include "winhttp_client_certificate.h"

#include <ncrypt.h>

#include "cert_store.h"
#include "winhttp_arguments.h"

// mingw-w64's wincrypt.h may lack it (see the Wine notes); the value is fixed by Windows.
#ifndef CERT_NCRYPT_KEY_HANDLE_PROP_ID
#define CERT_NCRYPT_KEY_HANDLE_PROP_ID 78
#endif

namespace cng {

namespace {

bool FromStore(const Napi::Object& source, ClientCertificate* out, Failure* failure) {
  const std::string what = "options.certificate";
  std::string location = winhttp::StringProperty(source, "location", what);
  std::string store = winhttp::StringProperty(source, "store", what);
  std::string sha1 = winhttp::StringProperty(source, "sha1", what);
  PCCERT_CONTEXT context = FindStoreCertificate(location, store, sha1, failure);
  if (context == nullptr) return false;
  out->context.Reset(context);
  return true;
}

// Schannel looks for the private key in two ways depending on the Windows version and on where
// the handshake runs: the open handle (CERT_NCRYPT_KEY_HANDLE_PROP_ID, in-process) and the
// provider + container name (CERT_KEY_PROV_INFO_PROP_ID, reopened by name). Set both.
bool FromKey(const Napi::Object& source, ClientCertificate* out, Failure* failure) {
  const std::string what = "options.certificate";
  std::vector<uint8_t> der = winhttp::BufferProperty(source, "der", what);
  out->key = LeaseKey(source.Get("key"));
  PCCERT_CONTEXT context = CertCreateCertificateContext(X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, der.data(), static_cast<DWORD>(der.size()));
  if (context == nullptr) {
    *failure = Failure{"CertCreateCertificateContext", GetLastError(), "options.certificate.der is not a DER certificate"};
    return false;
  }
  out->context.Reset(context);

  NCRYPT_KEY_HANDLE handle = out->key->key;
  if (!CertSetCertificateContextProperty(context, CERT_NCRYPT_KEY_HANDLE_PROP_ID, 0, &handle)) {
    // Not fatal here: on Windows the name binding below may still work, and where neither does
    // (Wine has no such property) the handshake fails and reports this note with its status.
    out->bindingNote = "CERT_NCRYPT_KEY_HANDLE_PROP_ID could not be set (" + Hex(GetLastError()) + ")";
  }
  if (!out->key->name.empty()) {
    CRYPT_KEY_PROV_INFO info{};
    info.pwszContainerName = const_cast<wchar_t*>(out->key->name.c_str());
    info.pwszProvName = const_cast<wchar_t*>(out->key->providerName.c_str());
    info.dwProvType = 0;  // 0: a CNG key storage provider, not a CAPI CSP
    info.dwFlags = out->key->openFlags & NCRYPT_MACHINE_KEY_FLAG;
    info.dwKeySpec = 0;
    if (!CertSetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, 0, &info)) {
      *failure = Failure{"CertSetCertificateContextProperty", GetLastError(), "could not link the certificate to its key container"};
      return false;
    }
  }
  return true;
}

}  // namespace

bool BuildClientCertificate(const Napi::Object& source, ClientCertificate* out, Failure* failure) {
  std::string kind = winhttp::StringProperty(source, "kind", "options.certificate");
  if (kind == "store") return FromStore(source, out, failure);
  if (kind == "key") return FromKey(source, out, failure);
  throw Napi::TypeError::New(source.Env(), "options.certificate.kind must be 'key' or 'store'");
}

}  // namespace cng
