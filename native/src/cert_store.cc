// Certificates in the Windows system stores (CurrentUser / LocalMachine): list, find, add with a
// friendly name and a key link, delete, and PFX import. Plain data out; every Windows status goes
// back as a Failure. Argument shapes are checked here (TypeError); what a status means is not.
#include "cert_store.h"

#include <cstdio>
#include <vector>

#include "modules.h"

namespace cng {
namespace {

constexpr DWORD kEncoding = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
constexpr size_t kSha1Bytes = 20;

// "0a1B..." (40 hex digits) -> 20 bytes; false when the text is not exactly that.
bool ParseSha1(const std::string& hex, BYTE* out) {
  if (hex.size() != kSha1Bytes * 2) return false;
  for (size_t i = 0; i < kSha1Bytes; ++i) {
    int value = 0;
    for (size_t j = 0; j < 2; ++j) {
      char c = hex[i * 2 + j];
      int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (digit < 0) return false;
      value = value * 16 + digit;
    }
    out[i] = static_cast<BYTE>(value);
  }
  return true;
}

// A certificate context property as raw bytes; false when it is absent (or unreadable).
bool GetProperty(PCCERT_CONTEXT certificate, DWORD id, std::vector<BYTE>* value) {
  DWORD size = 0;
  if (!CertGetCertificateContextProperty(certificate, id, nullptr, &size)) return false;
  value->resize(size);
  if (!CertGetCertificateContextProperty(certificate, id, value->data(), &size)) return false;
  value->resize(size);
  return true;
}

std::string WideProperty(PCCERT_CONTEXT certificate, DWORD id) {
  std::vector<BYTE> bytes;
  if (!GetProperty(certificate, id, &bytes) || bytes.size() < sizeof(wchar_t)) return std::string();
  const wchar_t* text = reinterpret_cast<const wchar_t*>(bytes.data());
  size_t length = bytes.size() / sizeof(wchar_t);
  while (length > 0 && text[length - 1] == L'\0') --length;  // the property carries its terminator
  return Utf8(text, length);
}

bool HasKeyLink(PCCERT_CONTEXT certificate) {
  DWORD size = 0;
  return CertGetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size) != FALSE;
}

// StoreCertificate: { der, sha1, friendlyName, keyContainer?, keyProvider?, keyProviderType? }.
Napi::Object CertificateObject(Napi::Env env, PCCERT_CONTEXT certificate) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("der", Napi::Buffer<BYTE>::Copy(env, certificate->pbCertEncoded, certificate->cbCertEncoded));
  object.Set("sha1", CertificateSha1(certificate));
  object.Set("friendlyName", WideProperty(certificate, CERT_FRIENDLY_NAME_PROP_ID));
  std::vector<BYTE> bytes;
  if (GetProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, &bytes) && bytes.size() >= sizeof(CRYPT_KEY_PROV_INFO)) {
    // The property is a CRYPT_KEY_PROV_INFO whose string pointers point into the same buffer.
    const auto* info = reinterpret_cast<const CRYPT_KEY_PROV_INFO*>(bytes.data());
    object.Set("keyContainer", info->pwszContainerName != nullptr ? Utf8(info->pwszContainerName) : std::string());
    object.Set("keyProvider", info->pwszProvName != nullptr ? Utf8(info->pwszProvName) : std::string());
    object.Set("keyProviderType", info->dwProvType);
    object.Set("keyFlags", info->dwFlags);  // beside the contract: e.g. NCRYPT_MACHINE_KEY_FLAG, to reopen the key
  }
  return object;
}

Napi::Object OkWith(Napi::Env env, const char* name, Napi::Value value) {
  Napi::Object object = OkObject(env);
  object.Set(name, value);
  return object;
}

Napi::Value FailureValue(Napi::Env env, const std::string& api, DWORD code, const std::string& detail = std::string()) {
  return FailureObject(env, Failure{api, code, detail});
}

// ---- arguments (a wrong shape is a bug in the caller: TypeError) ----------------------------

struct StoreArg {
  std::string location;
  std::string store;
};

std::string StringField(Napi::Env env, const Napi::Object& object, const char* name, const char* what) {
  Napi::Value value = object.Get(name);
  if (!value.IsString()) throw Napi::TypeError::New(env, std::string(what) + "." + name + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

StoreArg StoreRefArg(Napi::Env env, const Napi::Value& value, const char* what) {
  if (!value.IsObject()) throw Napi::TypeError::New(env, std::string(what) + " must be a { location, store } object");
  Napi::Object object = value.As<Napi::Object>();
  StoreArg ref{StringField(env, object, "location", what), StringField(env, object, "store", what)};
  if (ref.location != "CurrentUser" && ref.location != "LocalMachine") {
    throw Napi::TypeError::New(env, std::string(what) + ".location must be 'CurrentUser' or 'LocalMachine'");
  }
  if (ref.store.empty()) throw Napi::TypeError::New(env, std::string(what) + ".store must not be empty");
  return ref;
}

std::string Sha1Arg(Napi::Env env, const Napi::Value& value) {
  BYTE bytes[kSha1Bytes];
  if (!value.IsString() || !ParseSha1(value.As<Napi::String>().Utf8Value(), bytes)) {
    throw Napi::TypeError::New(env, "sha1 must be a string of 40 hex digits");
  }
  return value.As<Napi::String>().Utf8Value();
}

// Closes a store when the scope ends.
struct StoreCloser {
  HCERTSTORE store;
  ~StoreCloser() {
    if (store != nullptr) CertCloseStore(store, 0);
  }
};

// Writes a changed system store through to its backing store (registry / files). Windows writes
// registry-backed stores as it goes, so this is cheap there; Wine 8 keeps deletions in memory and
// drops them at close unless they are committed.
bool CommitStore(HCERTSTORE store, const char* after, Failure* failure) {
  if (CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, nullptr)) return true;
  *failure = Failure{"CertControlStore", GetLastError(), std::string("CERT_STORE_CTRL_COMMIT after ") + after};
  return false;
}

// ---- the exported functions -----------------------------------------------------------------

// listCertificates(store) -> { ok, certificates: StoreCertificate[] } | Failure
Napi::Value ListCertificates(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreArg ref = StoreRefArg(env, info[0], "store");
  Failure failure;
  StoreCloser store{OpenSystemStore(ref.location, ref.store, StoreAccess::kRead, &failure)};
  if (store.store == nullptr) return FailureObject(env, failure);
  Napi::Array certificates = Napi::Array::New(env);
  uint32_t count = 0;
  PCCERT_CONTEXT certificate = nullptr;
  // CertEnumCertificatesInStore frees the previous context on each call, and the last one at the end.
  while ((certificate = CertEnumCertificatesInStore(store.store, certificate)) != nullptr) {
    certificates.Set(count++, CertificateObject(env, certificate));
  }
  DWORD status = GetLastError();
  if (status != static_cast<DWORD>(CRYPT_E_NOT_FOUND) && status != ERROR_NO_MORE_FILES) {
    return FailureValue(env, "CertEnumCertificatesInStore", status);
  }
  return OkWith(env, "certificates", certificates);
}

// findCertificate(store, sha1) -> { ok, certificate: StoreCertificate | null } | Failure
Napi::Value FindCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreArg ref = StoreRefArg(env, info[0], "store");
  std::string sha1 = Sha1Arg(env, info[1]);
  Failure failure;
  PCCERT_CONTEXT certificate = FindStoreCertificate(ref.location, ref.store, sha1, &failure);
  if (certificate == nullptr) {
    if (failure.api == "CertFindCertificateInStore" && failure.code == static_cast<uint32_t>(CRYPT_E_NOT_FOUND)) {
      return OkWith(env, "certificate", env.Null());
    }
    return FailureObject(env, failure);
  }
  Napi::Object object = CertificateObject(env, certificate);
  CertFreeCertificateContext(certificate);
  return OkWith(env, "certificate", object);
}

// addCertificate({ location, store, der, friendlyName, keyContainer?, keyProvider?, keyFlags? })
//   -> { ok, sha1 } | Failure. An existing copy of the certificate is replaced, properties and all.
Napi::Value AddCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreArg ref = StoreRefArg(env, info[0], "options");
  Napi::Object options = info[0].As<Napi::Object>();
  Napi::Value der = options.Get("der");
  if (!der.IsBuffer()) throw Napi::TypeError::New(env, "options.der must be a Buffer");
  std::string friendlyName = StringField(env, options, "friendlyName", "options");
  bool linkKey = !options.Get("keyContainer").IsUndefined();
  std::string keyContainer, keyProvider;
  DWORD keyFlags = 0;
  if (linkKey) {
    keyContainer = StringField(env, options, "keyContainer", "options");
    keyProvider = StringField(env, options, "keyProvider", "options");
    Napi::Value flags = options.Get("keyFlags");
    if (!flags.IsUndefined()) {
      if (!flags.IsNumber()) throw Napi::TypeError::New(env, "options.keyFlags must be a number");
      keyFlags = flags.As<Napi::Number>().Uint32Value();
    }
  }

  Napi::Buffer<BYTE> bytes = der.As<Napi::Buffer<BYTE>>();
  PCCERT_CONTEXT certificate = CertCreateCertificateContext(kEncoding, bytes.Data(), static_cast<DWORD>(bytes.Length()));
  if (certificate == nullptr) return FailureValue(env, "CertCreateCertificateContext", GetLastError());
  struct Freer {
    PCCERT_CONTEXT context;
    ~Freer() { CertFreeCertificateContext(context); }
  } freer{certificate};

  if (!friendlyName.empty()) {
    std::wstring name = Wide(friendlyName);
    CRYPT_DATA_BLOB blob{static_cast<DWORD>((name.size() + 1) * sizeof(wchar_t)), reinterpret_cast<BYTE*>(name.data())};
    if (!CertSetCertificateContextProperty(certificate, CERT_FRIENDLY_NAME_PROP_ID, 0, &blob)) {
      return FailureValue(env, "CertSetCertificateContextProperty", GetLastError(), "CERT_FRIENDLY_NAME_PROP_ID");
    }
  }
  if (linkKey) {
    // A CNG (KSP) key: dwProvType 0 and dwKeySpec 0 tell crypt32/Schannel to open it with NCrypt.
    std::wstring container = Wide(keyContainer), provider = Wide(keyProvider);
    CRYPT_KEY_PROV_INFO keyInfo{};
    keyInfo.pwszContainerName = container.data();
    keyInfo.pwszProvName = provider.data();
    keyInfo.dwProvType = 0;
    keyInfo.dwFlags = keyFlags;
    keyInfo.cProvParam = 0;
    keyInfo.rgProvParam = nullptr;
    keyInfo.dwKeySpec = 0;
    if (!CertSetCertificateContextProperty(certificate, CERT_KEY_PROV_INFO_PROP_ID, 0, &keyInfo)) {
      return FailureValue(env, "CertSetCertificateContextProperty", GetLastError(), "CERT_KEY_PROV_INFO_PROP_ID");
    }
  }

  Failure failure;
  StoreCloser store{OpenSystemStore(ref.location, ref.store, StoreAccess::kCreate, &failure)};
  if (store.store == nullptr) return FailureObject(env, failure);
  PCCERT_CONTEXT added = nullptr;
  if (!CertAddCertificateContextToStore(store.store, certificate, CERT_STORE_ADD_REPLACE_EXISTING, &added)) {
    return FailureValue(env, "CertAddCertificateContextToStore", GetLastError());
  }
  std::string sha1 = CertificateSha1(added);
  CertFreeCertificateContext(added);
  if (!CommitStore(store.store, "CertAddCertificateContextToStore", &failure)) return FailureObject(env, failure);
  return OkWith(env, "sha1", Napi::String::New(env, sha1));
}

// deleteCertificate(store, sha1) -> { ok, deleted } | Failure. Only the certificate: its key stays.
Napi::Value DeleteCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreArg ref = StoreRefArg(env, info[0], "store");
  std::string sha1 = Sha1Arg(env, info[1]);
  Failure failure;
  StoreCloser store{OpenSystemStore(ref.location, ref.store, StoreAccess::kWrite, &failure)};
  if (store.store == nullptr) return FailureObject(env, failure);
  BYTE hash[kSha1Bytes];
  ParseSha1(sha1, hash);
  CRYPT_HASH_BLOB blob{kSha1Bytes, hash};
  PCCERT_CONTEXT certificate = CertFindCertificateInStore(store.store, kEncoding, 0, CERT_FIND_SHA1_HASH, &blob, nullptr);
  if (certificate == nullptr) {
    DWORD status = GetLastError();
    if (status == static_cast<DWORD>(CRYPT_E_NOT_FOUND)) return OkWith(env, "deleted", Napi::Boolean::New(env, false));
    return FailureValue(env, "CertFindCertificateInStore", status);
  }
  // CertDeleteCertificateFromStore frees the context whether or not it succeeds.
  if (!CertDeleteCertificateFromStore(certificate)) return FailureValue(env, "CertDeleteCertificateFromStore", GetLastError());
  if (!CommitStore(store.store, "CertDeleteCertificateFromStore", &failure)) return FailureObject(env, failure);
  return OkWith(env, "deleted", Napi::Boolean::New(env, true));
}

// importPfx(store, pfx, password) -> { ok, sha1: string[] } | Failure. The keys are imported
// non-exportable into the user's or the machine's key sets; the certificates with a key come
// first in the answer, in the PFX's order.
Napi::Value ImportPfx(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreArg ref = StoreRefArg(env, info[0], "store");
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(env, "pfx must be a Buffer");
  if (!info[2].IsString()) throw Napi::TypeError::New(env, "password must be a string");
  Napi::Buffer<BYTE> pfx = info[1].As<Napi::Buffer<BYTE>>();
  std::wstring password = Wide(info[2].As<Napi::String>().Utf8Value());

  CRYPT_DATA_BLOB blob{static_cast<DWORD>(pfx.Length()), pfx.Data()};
  DWORD flags = ref.location == "LocalMachine" ? CRYPT_MACHINE_KEYSET : CRYPT_USER_KEYSET;
  StoreCloser imported{PFXImportCertStore(&blob, password.c_str(), flags)};
  SecureZeroMemory(password.data(), password.size() * sizeof(wchar_t));
  if (imported.store == nullptr) {
    DWORD status = GetLastError();
    // Windows sets a status for every failure; say so plainly if a crypt32 ever does not.
    return FailureValue(env, "PFXImportCertStore", status, status == 0 ? "failed without setting a status" : "");
  }

  std::vector<PCCERT_CONTEXT> withKey, others;
  PCCERT_CONTEXT certificate = nullptr;
  while ((certificate = CertEnumCertificatesInStore(imported.store, certificate)) != nullptr) {
    (HasKeyLink(certificate) ? withKey : others).push_back(CertDuplicateCertificateContext(certificate));
  }
  withKey.insert(withKey.end(), others.begin(), others.end());
  struct ContextsFreer {
    std::vector<PCCERT_CONTEXT>& contexts;
    ~ContextsFreer() {
      for (PCCERT_CONTEXT context : contexts) CertFreeCertificateContext(context);
    }
  } freer{withKey};

  Failure failure;
  StoreCloser store{OpenSystemStore(ref.location, ref.store, StoreAccess::kCreate, &failure)};
  if (store.store == nullptr) return FailureObject(env, failure);
  Napi::Array sha1s = Napi::Array::New(env);
  for (size_t i = 0; i < withKey.size(); ++i) {
    // Adding copies the context's properties too, so the key link (CERT_KEY_PROV_INFO_PROP_ID)
    // that PFXImportCertStore set comes along.
    if (!CertAddCertificateContextToStore(store.store, withKey[i], CERT_STORE_ADD_REPLACE_EXISTING, nullptr)) {
      DWORD status = GetLastError();
      char detail[64];
      std::snprintf(detail, sizeof detail, "added %u of %u certificates", static_cast<unsigned>(i), static_cast<unsigned>(withKey.size()));
      return FailureValue(env, "CertAddCertificateContextToStore", status, detail);
    }
    sha1s.Set(static_cast<uint32_t>(i), CertificateSha1(withKey[i]));
  }
  if (!CommitStore(store.store, "CertAddCertificateContextToStore", &failure)) return FailureObject(env, failure);
  return OkWith(env, "sha1", sha1s);
}

}  // namespace

HCERTSTORE OpenSystemStore(const std::string& location, const std::string& store, StoreAccess access, Failure* failure) {
  DWORD flags;
  if (location == "CurrentUser") {
    flags = CERT_SYSTEM_STORE_CURRENT_USER;
  } else if (location == "LocalMachine") {
    flags = CERT_SYSTEM_STORE_LOCAL_MACHINE;
  } else {
    *failure = Failure{"CertOpenStore", ERROR_INVALID_PARAMETER, "unknown store location '" + location + "'"};
    return nullptr;
  }
  if (access == StoreAccess::kRead) flags |= CERT_STORE_OPEN_EXISTING_FLAG | CERT_STORE_READONLY_FLAG;
  if (access == StoreAccess::kWrite) flags |= CERT_STORE_OPEN_EXISTING_FLAG;
  std::wstring name = Wide(store);
  HCERTSTORE handle = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, flags, name.c_str());
  if (handle == nullptr) *failure = Failure{"CertOpenStore", GetLastError(), location + "\\" + store};
  return handle;
}

PCCERT_CONTEXT FindStoreCertificate(const std::string& location, const std::string& store, const std::string& sha1Hex, Failure* failure) {
  BYTE hash[kSha1Bytes];
  if (!ParseSha1(sha1Hex, hash)) {
    *failure = Failure{"CertFindCertificateInStore", ERROR_INVALID_PARAMETER, "sha1 must be 40 hex digits"};
    return nullptr;
  }
  HCERTSTORE handle = OpenSystemStore(location, store, StoreAccess::kRead, failure);
  if (handle == nullptr) return nullptr;
  CRYPT_HASH_BLOB blob{kSha1Bytes, hash};
  PCCERT_CONTEXT certificate = CertFindCertificateInStore(handle, kEncoding, 0, CERT_FIND_SHA1_HASH, &blob, nullptr);
  if (certificate == nullptr) *failure = Failure{"CertFindCertificateInStore", GetLastError(), location + "\\" + store};
  CertCloseStore(handle, 0);  // the found context holds its own reference to the store
  return certificate;
}

std::string CertificateSha1(PCCERT_CONTEXT certificate) {
  BYTE hash[kSha1Bytes];
  DWORD size = sizeof hash;
  if (!CertGetCertificateContextProperty(certificate, CERT_SHA1_HASH_PROP_ID, hash, &size) || size != kSha1Bytes) return std::string();
  static const char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (BYTE b : hash) {
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 15]);
  }
  return hex;
}

void InitCertStore(Napi::Env env, Napi::Object exports) {
  exports.Set("listCertificates", Napi::Function::New(env, ListCertificates, "listCertificates"));
  exports.Set("findCertificate", Napi::Function::New(env, FindCertificate, "findCertificate"));
  exports.Set("addCertificate", Napi::Function::New(env, AddCertificate, "addCertificate"));
  exports.Set("deleteCertificate", Napi::Function::New(env, DeleteCertificate, "deleteCertificate"));
  exports.Set("importPfx", Napi::Function::New(env, ImportPfx, "importPfx"));
  InitNamedMutex(env, exports);
}

}  // namespace cng
