// NCrypt RSA keys as JS objects: createKey/openKey (off the JS thread) and the NativeKey class
// (public key export, signing, properties, delete, close). The native layer only does what it is
// told: which provider, flags and properties to use is decided in TypeScript.
#include "keys.h"

#include <bcrypt.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "modules.h"
#include "status.h"

namespace cng {

KeyHandles::~KeyHandles() {
  if (key != 0) NCryptFreeObject(key);
  if (provider != 0) NCryptFreeObject(provider);
}

namespace {

// Set on every object NativeKey's constructor made. Methods and LeaseKey check it before
// unwrapping, because napi_unwrap alone would happily hand back another class's C++ object
// (say a NativeSession passed where a key was expected, or `key.sign.call(session)`).
constexpr napi_type_tag kNativeKeyTag = {0x8c1e4f0a6b2d4e11ULL, 0xa7f35c29d04b6e93ULL};
// Set on the External that carries a new key's handles into the constructor. JavaScript cannot
// make Externals, and this tag tells ours apart from any other addon's.
constexpr napi_type_tag kKeyHandlesTag = {0x3f9b2a7c51e84d06ULL, 0x9e4d7b1a26c05f38ULL};

Napi::TypeError ArgumentError(Napi::Env env, const std::string& message) { return Napi::TypeError::New(env, message); }

// For the promise-returning functions: a wrong argument rejects the promise (the contract says
// async calls reject on a wrong argument type) instead of throwing synchronously.
template <typename Start>
Napi::Value RejectOnError(Napi::Env env, Start start) {
  try {
    return start();
  } catch (const Napi::Error& error) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(error.Value());
    return deferred.Promise();
  }
}

std::string StringArgument(const Napi::Value& value, const std::string& what) {
  if (!value.IsString()) throw ArgumentError(value.Env(), what + " must be a string");
  std::string text = value.As<Napi::String>().Utf8Value();
  // Windows takes zero-terminated strings: an embedded NUL would silently cut the name short.
  if (text.find('\0') != std::string::npos) throw ArgumentError(value.Env(), what + " must not contain NUL characters");
  return text;
}

uint32_t Uint32Argument(const Napi::Value& value, const std::string& what) {
  if (!value.IsNumber()) throw ArgumentError(value.Env(), what + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0 && number <= 4294967295.0) || std::floor(number) != number) {
    throw ArgumentError(value.Env(), what + " must be an integer from 0 to 0xFFFFFFFF");
  }
  return static_cast<uint32_t>(number);
}

Napi::Object ObjectArgument(const Napi::Value& value, const std::string& what) {
  if (!value.IsObject()) throw ArgumentError(value.Env(), what + " must be an object");
  return value.As<Napi::Object>();
}

// What createKey/openKey were asked to do, copied off the JS objects for the worker thread.
struct KeyRequest {
  bool create = false;
  std::wstring provider;
  bool named = false;
  std::wstring name;
  DWORD flags = 0;
  DWORD length = 0;
  bool setKeyUsage = false;
  DWORD keyUsage = 0;
  bool setExportPolicy = false;
  DWORD exportPolicy = 0;
};

// The NativeKey class of one Node-API environment (main thread or a worker thread), reachable
// from createKey/openKey through their callback data.
struct KeyClass {
  Napi::FunctionReference constructor;
};

class NativeKey : public Napi::ObjectWrap<NativeKey> {
 public:
  explicit NativeKey(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeKey>(info) {
    Napi::Env env = info.Env();
    Napi::Value arg = info[0];
    if (!arg.IsExternal() || !arg.As<Napi::External<KeyLease>>().CheckTypeTag(&kKeyHandlesTag)) {
      throw ArgumentError(env, "NativeKey objects come from createKey/openKey; they cannot be constructed from JavaScript");
    }
    lease_ = *arg.As<Napi::External<KeyLease>>().Data();
    named_ = !lease_->name.empty();
    name_ = Utf8(lease_->name);
    provider_ = Utf8(lease_->providerName);
    info.This().As<Napi::Object>().TypeTag(&kNativeKeyTag);
  }

  // The class with its prototype members. They are plain functions that check the type tag of
  // `this` themselves (ObjectWrap's InstanceMethod would unwrap any wrapped object).
  static Napi::Function Define(Napi::Env env) {
    Napi::Function constructor = DefineClass(env, "NativeKey", {});
    Napi::Object prototype = constructor.Get("prototype").As<Napi::Object>();
    const auto method = static_cast<napi_property_attributes>(napi_writable | napi_configurable);
    prototype.DefineProperties({
        Napi::PropertyDescriptor::Accessor<GetName>("name", napi_configurable),
        Napi::PropertyDescriptor::Accessor<GetProvider>("provider", napi_configurable),
        Napi::PropertyDescriptor::Accessor<GetClosed>("closed", napi_configurable),
        Napi::PropertyDescriptor::Value("exportPublicKey", Napi::Function::New<ExportPublicKey>(env, "exportPublicKey"), method),
        Napi::PropertyDescriptor::Value("sign", Napi::Function::New<Sign>(env, "sign"), method),
        Napi::PropertyDescriptor::Value("getProperty", Napi::Function::New<GetProperty>(env, "getProperty"), method),
        Napi::PropertyDescriptor::Value("delete", Napi::Function::New<Delete>(env, "delete"), method),
        Napi::PropertyDescriptor::Value("close", Napi::Function::New<Close>(env, "close"), method),
    });
    return constructor;
  }

  // The NativeKey behind `value`, or nullptr when it is not one.
  static NativeKey* From(const Napi::Value& value) {
    if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kNativeKeyTag)) return nullptr;
    return Unwrap(value.As<Napi::Object>());
  }

  const KeyLease& lease() const { return lease_; }

 private:
  static NativeKey* Self(const Napi::CallbackInfo& info) {
    NativeKey* self = From(info.This());
    if (self == nullptr) throw ArgumentError(info.Env(), "this is not a NativeKey");
    return self;
  }

  // The open handles, or an Error when close() or a successful delete() came first.
  static const KeyLease& Open(const Napi::CallbackInfo& info) {
    NativeKey* self = Self(info);
    if (!self->lease_) throw Napi::Error::New(info.Env(), "the NativeKey is closed");
    return self->lease_;
  }

  static Napi::Value GetName(const Napi::CallbackInfo& info) {
    NativeKey* self = Self(info);
    if (!self->named_) return info.Env().Null();
    return Napi::String::New(info.Env(), self->name_);
  }

  static Napi::Value GetProvider(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), Self(info)->provider_); }

  static Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !Self(info)->lease_); }

  // BCRYPT_RSAKEY_BLOB header, then the public exponent and the modulus, both big-endian.
  static Napi::Value ExportPublicKey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const KeyLease& handles = Open(info);
    DWORD size = 0;
    SECURITY_STATUS status = NCryptExportKey(handles->key, 0, BCRYPT_RSAPUBLIC_BLOB, nullptr, nullptr, 0, &size, 0);
    if (status != ERROR_SUCCESS) return FailureObject(env, {"NCryptExportKey", static_cast<uint32_t>(status), "size query"});
    std::vector<uint8_t> blob(size);
    status = NCryptExportKey(handles->key, 0, BCRYPT_RSAPUBLIC_BLOB, nullptr, blob.data(), size, &size, 0);
    if (status != ERROR_SUCCESS) return FailureObject(env, {"NCryptExportKey", static_cast<uint32_t>(status), ""});
    blob.resize(size);
    BCRYPT_RSAKEY_BLOB header;
    if (blob.size() < sizeof header) return FailureObject(env, {"NCryptExportKey", static_cast<uint32_t>(NTE_BAD_DATA), "blob shorter than its header"});
    std::memcpy(&header, blob.data(), sizeof header);
    const uint64_t needed = uint64_t{sizeof header} + header.cbPublicExp + header.cbModulus;
    if (header.Magic != BCRYPT_RSAPUBLIC_MAGIC || needed > blob.size()) {
      return FailureObject(env, {"NCryptExportKey", static_cast<uint32_t>(NTE_BAD_DATA), "not a BCRYPT_RSAPUBLIC_BLOB"});
    }
    const uint8_t* exponent = blob.data() + sizeof header;
    const uint8_t* modulus = exponent + header.cbPublicExp;
    Napi::Object result = OkObject(env);
    result.Set("modulus", Napi::Buffer<uint8_t>::Copy(env, modulus, header.cbModulus));
    result.Set("exponent", Napi::Buffer<uint8_t>::Copy(env, exponent, header.cbPublicExp));
    return result;
  }

  static Napi::Value Sign(const Napi::CallbackInfo& info);

  // Raw property bytes, sized by a first call without a buffer.
  static Napi::Value GetProperty(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::wstring name = Wide(StringArgument(info[0], "property name"));
    const KeyLease& handles = Open(info);
    DWORD size = 0;
    SECURITY_STATUS status = NCryptGetProperty(handles->key, name.c_str(), nullptr, 0, &size, 0);
    if (status != ERROR_SUCCESS) return FailureObject(env, {"NCryptGetProperty", static_cast<uint32_t>(status), Utf8(name)});
    std::vector<uint8_t> value(size);
    if (size > 0) {
      status = NCryptGetProperty(handles->key, name.c_str(), value.data(), size, &size, 0);
      if (status != ERROR_SUCCESS) return FailureObject(env, {"NCryptGetProperty", static_cast<uint32_t>(status), Utf8(name)});
      value.resize(size);
    }
    Napi::Object result = OkObject(env);
    result.Set("value", Napi::Buffer<uint8_t>::Copy(env, value.data(), value.size()));
    return result;
  }

  // NCryptDeleteKey frees the handle when it succeeds, so nothing else may be using it then:
  // refuse while a lease is out (a signing worker, an attestation call, a WinHTTP session).
  // Leases are only taken on the JS thread, so none can appear between this check and the call.
  static Napi::Value Delete(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NativeKey* self = Self(info);
    const KeyLease& handles = Open(info);
    if (handles.use_count() > 1) throw Napi::Error::New(env, "the NativeKey is in use (a signature, attestation or session holds it); delete it after they finish");
    // Silent: a library must never raise key storage UI.
    SECURITY_STATUS status = NCryptDeleteKey(handles->key, NCRYPT_SILENT_FLAG);
    if (status != ERROR_SUCCESS) return FailureObject(env, {"NCryptDeleteKey", static_cast<uint32_t>(status), ""});
    self->lease_->key = 0;  // already freed by NCryptDeleteKey
    self->lease_.reset();
    return OkObject(env);
  }

  // Lets go of this object's hold; handles close once no worker or session still holds a lease.
  static Napi::Value Close(const Napi::CallbackInfo& info) {
    Self(info)->lease_.reset();
    return info.Env().Undefined();
  }

  KeyLease lease_;  // null once closed
  bool named_ = false;
  std::string name_;
  std::string provider_;
};

// NCryptSignHash over the caller's digest, on the thread pool.
class SignWorker : public PromiseWorker {
 public:
  SignWorker(Napi::Env env, KeyLease lease, std::vector<uint8_t> digest, bool pss, DWORD saltLength)
      : PromiseWorker(env), lease_(std::move(lease)), digest_(std::move(digest)), pss_(pss), saltLength_(saltLength) {}

 protected:
  void Run() override {
    BCRYPT_PSS_PADDING_INFO pss{BCRYPT_SHA256_ALGORITHM, saltLength_};
    BCRYPT_PKCS1_PADDING_INFO pkcs1{BCRYPT_SHA256_ALGORITHM};
    void* padding = pss_ ? static_cast<void*>(&pss) : static_cast<void*>(&pkcs1);
    DWORD flags = pss_ ? BCRYPT_PAD_PSS : BCRYPT_PAD_PKCS1;
    DWORD size = 0;
    SECURITY_STATUS status = NCryptSignHash(lease_->key, padding, digest_.data(), static_cast<DWORD>(digest_.size()), nullptr, 0, &size, flags);
    if (status != ERROR_SUCCESS) return Fail("NCryptSignHash", static_cast<uint32_t>(status), "size query");
    signature_.resize(size);
    status = NCryptSignHash(lease_->key, padding, digest_.data(), static_cast<DWORD>(digest_.size()), signature_.data(), size, &size, flags);
    if (status != ERROR_SUCCESS) return Fail("NCryptSignHash", static_cast<uint32_t>(status));
    signature_.resize(size);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = OkObject(env);
    result.Set("signature", Napi::Buffer<uint8_t>::Copy(env, signature_.data(), signature_.size()));
    return result;
  }

 private:
  KeyLease lease_;
  std::vector<uint8_t> digest_;
  bool pss_;
  DWORD saltLength_;
  std::vector<uint8_t> signature_;
};

Napi::Value NativeKey::Sign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return RejectOnError(env, [&]() -> Napi::Value {
    if (!info[0].IsBuffer()) throw ArgumentError(env, "digest must be a Buffer");
    Napi::Buffer<uint8_t> digest = info[0].As<Napi::Buffer<uint8_t>>();
    Napi::Object options = ObjectArgument(info[1], "sign options");
    std::string padding = StringArgument(options.Get("padding"), "options.padding");
    if (padding != "pss" && padding != "pkcs1") throw ArgumentError(env, "options.padding must be 'pss' or 'pkcs1'");
    if (StringArgument(options.Get("hash"), "options.hash") != "SHA256") throw ArgumentError(env, "options.hash must be 'SHA256'");
    bool pss = padding == "pss";
    DWORD saltLength = pss ? Uint32Argument(options.Get("saltLength"), "options.saltLength") : 0;
    KeyLease lease = Open(info);
    auto* worker = new SignWorker(env, lease, std::vector<uint8_t>(digest.Data(), digest.Data() + digest.Length()), pss, saltLength);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

// createKey and openKey: provider, then the key, on the thread pool; each failure names its API.
class KeyWorker : public PromiseWorker {
 public:
  KeyWorker(Napi::Env env, KeyClass* keyClass, KeyRequest request)
      : PromiseWorker(env), keyClass_(keyClass), request_(std::move(request)) {}

 protected:
  void Run() override {
    auto handles = std::make_shared<KeyHandles>();
    handles->providerName = request_.provider;
    handles->name = request_.name;
    handles->openFlags = request_.flags & NCRYPT_MACHINE_KEY_FLAG;
    SECURITY_STATUS status = NCryptOpenStorageProvider(&handles->provider, request_.provider.c_str(), 0);
    if (status != ERROR_SUCCESS) return Fail("NCryptOpenStorageProvider", static_cast<uint32_t>(status));
    if (!request_.create) {
      status = NCryptOpenKey(handles->provider, &handles->key, request_.name.c_str(), 0, request_.flags);
      if (status != ERROR_SUCCESS) return Fail("NCryptOpenKey", static_cast<uint32_t>(status));
      handles_ = std::move(handles);
      return;
    }
    status = NCryptCreatePersistedKey(handles->provider, &handles->key, BCRYPT_RSA_ALGORITHM,
                                      request_.named ? request_.name.c_str() : nullptr, 0, request_.flags);
    if (status != ERROR_SUCCESS) return Fail("NCryptCreatePersistedKey", static_cast<uint32_t>(status));
    // Always set: providers differ in their default length (Wine's is 1024 bits).
    status = NCryptSetProperty(handles->key, NCRYPT_LENGTH_PROPERTY, reinterpret_cast<PBYTE>(&request_.length), sizeof(DWORD), 0);
    if (status != ERROR_SUCCESS) return Fail("NCryptSetProperty", static_cast<uint32_t>(status), "Length");
    // Usage and export policy are stored with the key (NCRYPT_PERSIST_FLAG), as .NET's
    // CngKey.Create sets them; Length is a creation parameter and takes no flag.
    if (request_.setKeyUsage) {
      status = NCryptSetProperty(handles->key, NCRYPT_KEY_USAGE_PROPERTY, reinterpret_cast<PBYTE>(&request_.keyUsage), sizeof(DWORD), NCRYPT_PERSIST_FLAG);
      if (status != ERROR_SUCCESS) return Fail("NCryptSetProperty", static_cast<uint32_t>(status), "Key Usage");
    }
    if (request_.setExportPolicy) {
      status = NCryptSetProperty(handles->key, NCRYPT_EXPORT_POLICY_PROPERTY, reinterpret_cast<PBYTE>(&request_.exportPolicy), sizeof(DWORD), NCRYPT_PERSIST_FLAG);
      if (status != ERROR_SUCCESS) return Fail("NCryptSetProperty", static_cast<uint32_t>(status), "Export Policy");
    }
    status = NCryptFinalizeKey(handles->key, 0);
    if (status != ERROR_SUCCESS) return Fail("NCryptFinalizeKey", static_cast<uint32_t>(status));
    handles_ = std::move(handles);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::External<KeyLease> carrier = Napi::External<KeyLease>::New(env, &handles_);
    carrier.TypeTag(&kKeyHandlesTag);
    Napi::Object key = keyClass_->constructor.New({carrier});
    Napi::Object result = OkObject(env);
    result.Set("key", key);
    return result;
  }

 private:
  KeyClass* keyClass_;
  KeyRequest request_;
  KeyLease handles_;
};

Napi::Value CreateKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return RejectOnError(env, [&]() -> Napi::Value {
    Napi::Object options = ObjectArgument(info[0], "createKey options");
    KeyRequest request;
    request.create = true;
    request.provider = Wide(StringArgument(options.Get("provider"), "options.provider"));
    Napi::Value name = options.Get("name");
    if (!name.IsNull()) {
      std::string text = StringArgument(name, "options.name (a string, or null for an ephemeral key)");
      if (text.empty()) throw ArgumentError(env, "options.name must be a non-empty string, or null for an ephemeral key");
      request.named = true;
      request.name = Wide(text);
    }
    request.flags = Uint32Argument(options.Get("flags"), "options.flags");
    request.length = Uint32Argument(options.Get("length"), "options.length");
    Napi::Value keyUsage = options.Get("keyUsage");
    if (!keyUsage.IsUndefined()) {
      request.setKeyUsage = true;
      request.keyUsage = Uint32Argument(keyUsage, "options.keyUsage");
    }
    Napi::Value exportPolicy = options.Get("exportPolicy");
    if (!exportPolicy.IsUndefined()) {
      request.setExportPolicy = true;
      request.exportPolicy = Uint32Argument(exportPolicy, "options.exportPolicy");
    }
    auto* worker = new KeyWorker(env, static_cast<KeyClass*>(info.Data()), std::move(request));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value OpenKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return RejectOnError(env, [&]() -> Napi::Value {
    Napi::Object options = ObjectArgument(info[0], "openKey options");
    KeyRequest request;
    request.provider = Wide(StringArgument(options.Get("provider"), "options.provider"));
    std::string name = StringArgument(options.Get("name"), "options.name");
    if (name.empty()) throw ArgumentError(env, "options.name must be a non-empty string");
    request.named = true;
    request.name = Wide(name);
    request.flags = Uint32Argument(options.Get("flags"), "options.flags");
    auto* worker = new KeyWorker(env, static_cast<KeyClass*>(info.Data()), std::move(request));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

}  // namespace

KeyLease LeaseKey(const Napi::Value& value) {
  NativeKey* key = NativeKey::From(value);
  if (key == nullptr) throw Napi::TypeError::New(value.Env(), "expected a NativeKey (from createKey or openKey)");
  if (!key->lease()) throw Napi::TypeError::New(value.Env(), "the NativeKey is closed");
  return key->lease();
}

void InitKeys(Napi::Env env, Napi::Object exports) {
  auto* keyClass = new KeyClass();
  keyClass->constructor = Napi::Persistent(NativeKey::Define(env));
  // One KeyClass per environment; it goes with the environment (worker threads come and go).
  env.AddCleanupHook([keyClass]() { delete keyClass; });
  exports.Set("createKey", Napi::Function::New(env, CreateKey, "createKey", keyClass));
  exports.Set("openKey", Napi::Function::New(env, OpenKey, "openKey", keyClass));
}

}  // namespace cng
