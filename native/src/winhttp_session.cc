// WinHTTP/Schannel mTLS sessions (packages/cng/src/native_binding.ts, "winhttp_session.cc"):
//
//   createSession(options: SessionOptions): { ok: true, session: NativeSession } | Failure
//   NativeSession.request(request: NativeRequest): Promise<NativeResponse | Failure>
//   NativeSession.close(): void
//
// One WinHttpOpen session per NativeSession and one connection handle per host:port, reused by
// every request (winhttp_session_core.cc); the client certificate is built once
// (winhttp_client_certificate.cc); every request checks the server certificate before sending
// (winhttp_server_check.cc, server_trust.cc) and runs on the thread pool (winhttp_exchange.cc).
#include <napi.h>

#include <memory>
#include <utility>

#include "modules.h"
#include "status.h"
#include "winhttp_arguments.h"
#include "winhttp_exchange.h"
#include "winhttp_request_options.h"
#include "winhttp_session_core.h"

namespace cng {

namespace {

// Marks the External that carries a new session's core into NativeSession's constructor, so
// that `new session.constructor(x)` from JavaScript can never make one.
constexpr napi_type_tag kCoreTag = {0x6d746c7377696e68ULL, 0x7474707365737331ULL};

class RequestWorker : public PromiseWorker {
 public:
  RequestWorker(Napi::Env env, std::shared_ptr<SessionCore> core, ExchangeRequest request)
      : PromiseWorker(env), core_(std::move(core)), request_(std::move(request)) {}

 protected:
  void Run() override {
    Failure failure;
    if (!Exchange(*core_, request_, &response_, &failure)) Fail(failure.api, failure.code, failure.detail);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = OkObject(env);
    result.Set("status", static_cast<double>(response_.status));
    result.Set("rawHeaders", response_.rawHeaders);
    result.Set("body", Napi::Buffer<uint8_t>::Copy(env, response_.body.data(), response_.body.size()));
    return result;
  }

 private:
  std::shared_ptr<SessionCore> core_;  // keeps the handles open until this request is done
  ExchangeRequest request_;
  ExchangeResponse response_;
};

class NativeSession : public Napi::ObjectWrap<NativeSession> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeSession",
                       {InstanceMethod<&NativeSession::Request>("request"), InstanceMethod<&NativeSession::Close>("close")});
  }

  explicit NativeSession(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeSession>(info) {
    bool tagged = false;
    if (info.Length() == 1 && info[0].IsExternal()) {
      napi_check_object_type_tag(info.Env(), info[0], &kCoreTag, &tagged);
    }
    if (!tagged) throw Napi::TypeError::New(info.Env(), "NativeSession objects are made by createSession()");
    core_ = *info[0].As<Napi::External<std::shared_ptr<SessionCore>>>().Data();
  }

 private:
  Napi::Value Request(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ExchangeRequest request = ReadRequestOptions(info[0]);
    if (!core_) {
      Napi::Promise::Deferred closed = Napi::Promise::Deferred::New(env);
      closed.Resolve(FailureObject(env, Failure{"WinHttpOpenRequest", ERROR_INVALID_HANDLE, "the session is closed"}));
      return closed.Promise();
    }
    auto* worker = new RequestWorker(env, core_, std::move(request));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  // Requests in flight hold their own reference: they finish, then the last one closes the handles.
  void Close(const Napi::CallbackInfo&) { core_.reset(); }

  std::shared_ptr<SessionCore> core_;
};

std::vector<std::vector<uint8_t>> ReadRoots(const Napi::Object& options) {
  Napi::Value value = options.Get("trustedRoots");
  if (!value.IsArray()) throw Napi::TypeError::New(options.Env(), "options.trustedRoots must be an array of Buffers");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::vector<uint8_t>> roots;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value root = array.Get(i);
    if (!root.IsBuffer()) throw Napi::TypeError::New(options.Env(), "options.trustedRoots[" + std::to_string(i) + "] must be a Buffer");
    Napi::Buffer<uint8_t> buffer = root.As<Napi::Buffer<uint8_t>>();
    roots.emplace_back(buffer.Data(), buffer.Data() + buffer.Length());
  }
  return roots;
}

Napi::Value CreateSession(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = winhttp::ObjectArgument(info[0], "options");
  Napi::Object source = winhttp::ObjectArgument(options.Get("certificate"), "options.certificate");
  std::vector<std::vector<uint8_t>> roots = ReadRoots(options);
  std::string userAgent = winhttp::StringProperty(options, "userAgent", "options");

  auto core = std::make_shared<SessionCore>();
  Failure failure;
  if (!BuildClientCertificate(source, &core->certificate, &failure) || !core->trust.Init(std::move(roots), &failure) ||
      !core->Open(Wide(userAgent), &failure)) {
    return FailureObject(env, failure);
  }

  auto* carried = new std::shared_ptr<SessionCore>(std::move(core));
  Napi::External<std::shared_ptr<SessionCore>> external = Napi::External<std::shared_ptr<SessionCore>>::New(
      env, carried, [](Napi::Env, std::shared_ptr<SessionCore>* data) { delete data; });
  napi_type_tag_object(env, external, &kCoreTag);
  auto* constructor = static_cast<Napi::FunctionReference*>(info.Data());
  Napi::Object session = constructor->New({external});
  Napi::Object result = OkObject(env);
  result.Set("session", session);
  return result;
}

}  // namespace

void InitWinHttp(Napi::Env env, Napi::Object exports) {
  // The class constructor lives as long as this environment (worker threads get their own).
  auto* constructor = new Napi::FunctionReference(Napi::Persistent(NativeSession::Define(env)));
  env.AddCleanupHook([constructor]() { delete constructor; });
  exports.Set("createSession", Napi::Function::New(env, CreateSession, "createSession", constructor));
}

}  // namespace cng
