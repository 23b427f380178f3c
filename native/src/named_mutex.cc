// Named Windows mutexes for cross-process locking (e.g. one writer of the certificate cache).
// A Windows mutex is owned by the *thread* that waited on it and must be released by that same
// thread, so the wait happens synchronously on the JS thread, never on a worker; the JS object
// (NativeMutex) is released and freed on that thread too (release() or its finalizer).
// Whether to fall back from Global\ to Local\ names, and how long to wait, is decided in TypeScript.
#include <cmath>

#include "cert_store.h"

namespace cng {
namespace {

class NativeMutex : public Napi::ObjectWrap<NativeMutex> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeMutex", {InstanceMethod<&NativeMutex::Release>("release")});
  }

  explicit NativeMutex(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeMutex>(info) {}

  // Takes over an open handle that this thread owns.
  void Adopt(HANDLE handle) { handle_ = handle; }

  // The finalizer (JS thread): a holder that forgot to release must not keep other processes
  // waiting until this process exits.
  ~NativeMutex() override { Close(); }

 private:
  void Close() {
    if (handle_ == nullptr) return;
    ReleaseMutex(handle_);
    CloseHandle(handle_);
    handle_ = nullptr;
  }

  // release(): ReleaseMutex + CloseHandle; later calls do nothing.
  Napi::Value Release(const Napi::CallbackInfo& info) {
    Close();
    return info.Env().Undefined();
  }

  HANDLE handle_ = nullptr;
};

// Per addon instance (one per Node environment): the NativeMutex class, to make instances.
struct MutexClass {
  Napi::FunctionReference constructor;
};

// acquireMutex(name, timeoutMs) -> { ok, acquired, abandoned, mutex: NativeMutex | null } | Failure
Napi::Value AcquireMutex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "name must be a string");
  if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "timeoutMs must be a number");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  double timeoutMs = info[1].As<Napi::Number>().DoubleValue();
  // An unnamed mutex would lock nothing across processes; INFINITE (0xFFFFFFFF) would hang the JS thread.
  if (name.empty()) throw Napi::TypeError::New(env, "name must not be empty");
  if (!(timeoutMs >= 0 && timeoutMs < 4294967295.0)) {
    throw Napi::RangeError::New(env, "timeoutMs must be from 0 to 4294967294 milliseconds");
  }

  std::wstring wideName = Wide(name);
  HANDLE handle = CreateMutexW(nullptr, FALSE, wideName.c_str());
  if (handle == nullptr) return FailureObject(env, Failure{"CreateMutexW", GetLastError(), name});

  DWORD wait = WaitForSingleObject(handle, static_cast<DWORD>(std::floor(timeoutMs)));
  Napi::Object result = OkObject(env);
  if (wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED) {
    // WAIT_ABANDONED: the previous owner ended without releasing; we own it now, but whatever it
    // protected may be half-written, so the caller is told.
    auto* mutexClass = static_cast<MutexClass*>(info.Data());
    Napi::Object mutex = mutexClass->constructor.New({});
    NativeMutex::Unwrap(mutex)->Adopt(handle);
    result.Set("acquired", true);
    result.Set("abandoned", wait == WAIT_ABANDONED);
    result.Set("mutex", mutex);
    return result;
  }
  if (wait == WAIT_TIMEOUT) {
    CloseHandle(handle);  // never owned: nothing to release
    result.Set("acquired", false);
    result.Set("abandoned", false);
    result.Set("mutex", env.Null());
    return result;
  }
  DWORD status = GetLastError();
  CloseHandle(handle);
  return FailureObject(env, Failure{"WaitForSingleObject", status, name});
}

}  // namespace

void InitNamedMutex(Napi::Env env, Napi::Object exports) {
  auto* mutexClass = new MutexClass{Napi::Persistent(NativeMutex::Define(env))};
  env.AddCleanupHook([mutexClass]() { delete mutexClass; });
  exports.Set("acquireMutex", Napi::Function::New(env, AcquireMutex, "acquireMutex", mutexClass));
}

}  // namespace cng
