// Windows statuses as plain data. Every native call returns either its result or a Failure
// ({ ok: false, api, code, hex, message }); what a status means is decided in TypeScript.
#pragma once
#include <napi.h>
#include <windows.h>
#include <cstdint>
#include <string>

namespace cng {

struct Failure {
  std::string api;       // the Windows function that returned the status, e.g. "NCryptFinalizeKey"
  uint32_t code = 0;     // SECURITY_STATUS / HRESULT / Win32 error, as returned
  std::string detail;    // optional extra context (never key material or tokens)
};

// "0x80090029"
std::string Hex(uint32_t code);

// The system's text for a status (Win32, HRESULT or WinHTTP), trimmed; empty when unknown.
std::string StatusMessage(uint32_t code);

// { ok: false, api, code, hex, message, detail? }
Napi::Object FailureObject(Napi::Env env, const Failure& failure);

// { ok: true }
Napi::Object OkObject(Napi::Env env);

// UTF-8 <-> UTF-16 for Windows APIs.
std::wstring Wide(const std::string& utf8);
std::string Utf8(const std::wstring& wide);
std::string Utf8(const wchar_t* wide, size_t length);

// A promise-returning async worker: Work() fills either a result or a Failure on a pool thread;
// Resolve() turns the result into a JS value on the JS thread. The promise never rejects for a
// Windows status (it resolves with a Failure object); it rejects only for a C++ exception.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  // Runs on the thread pool. Set failure_ (failed_ = true) on a Windows status.
  virtual void Run() = 0;
  // Runs on the JS thread when Run() did not fail.
  virtual Napi::Value Result(Napi::Env env) = 0;
  void Fail(const std::string& api, uint32_t code, const std::string& detail = std::string()) {
    failed_ = true;
    failure_ = Failure{api, code, detail};
  }

 private:
  void Execute() override { Run(); }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failed_) {
      deferred_.Resolve(FailureObject(env, failure_));
    } else {
      deferred_.Resolve(Result(env));
    }
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  bool failed_ = false;
  Failure failure_;
};

}  // namespace cng
