// attestKey: asks AttestationClientLib.dll (the KeyGuard attestation library MSAL ships) for an
// attestation token for an open NCrypt key. The DLL is only ever loaded from the addon's own
// folder, the package root or System32 (never the current directory or PATH), stays loaded after
// the first success, and each call runs Init -> AttestKeyGuardImportKey -> Free -> Uninit on the
// thread pool, returning the token or the stage and status that failed, plus the library's logs.
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "keys.h"
#include "modules.h"
#include "status.h"

namespace cng {
namespace {

// The library's C interface (cdecl, ANSI strings); see the protocol spec §4.2.
using LogFunc = void(__cdecl*)(void* ctx, const char* tag, int32_t level, const char* func, int32_t line, const char* message);
struct AttestationLogInfo {
  LogFunc Log;
  void* Ctx;
};
using InitFn = int32_t(__cdecl*)(AttestationLogInfo* info);
using AttestFn = int32_t(__cdecl*)(const char* endpoint, const char* authToken, const char* clientPayload,
                                   NCRYPT_KEY_HANDLE key, char** token, const char* clientId);
using FreeFn = void(__cdecl*)(char* token);
using UninitFn = void(__cdecl*)();

constexpr wchar_t kLibraryName[] = L"AttestationClientLib.dll";

// The loaded library. Loaded once and never freed: the real one starts its own machinery
// (HTTP client, TPM access) and unloading it under a thread it left running would crash.
struct Library {
  HMODULE module = nullptr;
  std::string path;                   // UTF-8, as reported to JS
  std::vector<std::string> searched;  // the paths tried, up to and including `path`
  InitFn init = nullptr;
  AttestFn attest = nullptr;
  FreeFn free = nullptr;
  UninitFn uninit = nullptr;
};

// One attestation at a time in the process: Init/Uninit set up and tear down library-wide
// state, so overlapping calls could uninitialise each other. The same lock guards Library.
std::mutex& CallMutex() {
  static std::mutex mutex;
  return mutex;
}

Library& LoadedLibrary() {
  static Library library;
  return library;
}

struct LogLine {
  int32_t level;
  std::string tag;
  std::string func;
  int32_t line;
  std::string message;
};

// Lines of the call in progress. The library gets this call's collector as its ctx, but the
// callback trusts only the one registered here: a NULL ctx (MSAL passes NULL) still lands in the
// current call, and a late line from a finished call (stale ctx) is dropped, never dereferenced.
struct LogCollector {
  std::vector<LogLine> lines;
  size_t dropped = 0;
};

constexpr size_t kMaxLogLines = 1000;
constexpr size_t kMaxLogText = 4096;

std::mutex& LogMutex() {
  static std::mutex mutex;
  return mutex;
}

LogCollector*& CurrentLog() {
  static LogCollector* current = nullptr;
  return current;
}

std::string BoundedText(const char* text) {
  if (text == nullptr) return std::string();
  size_t length = 0;
  while (length < kMaxLogText && text[length] != '\0') ++length;
  return std::string(text, length);
}

void __cdecl CollectLog(void* ctx, const char* tag, int32_t level, const char* func, int32_t line, const char* message) {
  std::lock_guard<std::mutex> lock(LogMutex());
  LogCollector* target = CurrentLog();
  if (target == nullptr || (ctx != nullptr && ctx != target)) return;
  if (target->lines.size() >= kMaxLogLines) {
    ++target->dropped;
    return;
  }
  target->lines.push_back({level, BoundedText(tag), BoundedText(func), line, BoundedText(message)});
}

// Registers a call's collector for the callback while it is alive.
class LogScope {
 public:
  explicit LogScope(LogCollector* collector) {
    std::lock_guard<std::mutex> lock(LogMutex());
    CurrentLog() = collector;
  }
  ~LogScope() {
    std::lock_guard<std::mutex> lock(LogMutex());
    CurrentLog() = nullptr;
  }
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;
};

// The folder this addon was loaded from, found from the address of one of its own functions.
std::wstring AddonFolder() {
  HMODULE self = nullptr;
  if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                          reinterpret_cast<LPCWSTR>(reinterpret_cast<void*>(&AddonFolder)), &self)) {
    return std::wstring();
  }
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    DWORD length = GetModuleFileNameW(self, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return std::wstring();
    if (length < path.size()) {
      path.resize(length);
      break;
    }
    if (path.size() >= 32768) return std::wstring();
    path.resize(path.size() * 2);  // truncated: try again with more room
  }
  size_t slash = path.find_last_of(L"\\/");
  return slash == std::wstring::npos ? std::wstring() : path.substr(0, slash);
}

// `folder` without its last component ("" when there is none to take off).
std::wstring ParentFolder(const std::wstring& folder) {
  size_t slash = folder.find_last_of(L"\\/");
  return slash == std::wstring::npos ? std::wstring() : folder.substr(0, slash);
}

struct Candidate {
  std::wstring path;
  bool system32;
};

// Where the DLL may come from, in order: beside the addon (prebuilds\win32-x64), the package
// root two folders up, System32.
std::vector<Candidate> Candidates() {
  std::vector<Candidate> candidates;
  std::wstring folder = AddonFolder();
  if (!folder.empty()) {
    candidates.push_back({folder + L"\\" + kLibraryName, false});
    std::wstring root = ParentFolder(ParentFolder(folder));
    if (!root.empty()) candidates.push_back({root + L"\\" + kLibraryName, false});
  }
  wchar_t system[MAX_PATH];
  UINT length = GetSystemDirectoryW(system, MAX_PATH);
  if (length > 0 && length < MAX_PATH) candidates.push_back({std::wstring(system, length) + L"\\" + kLibraryName, true});
  return candidates;
}

struct LoadFailure {
  std::string api;
  DWORD code = 0;
  std::string detail;
};

// Loads and resolves the library at one candidate path; on failure says why.
bool TryLoad(const Candidate& candidate, Library& library, LoadFailure& failure) {
  // A full path with these flags resolves the DLL's own dependencies from its folder and
  // System32 only; for System32 the bare name is looked up there alone.
  HMODULE module = candidate.system32
                       ? LoadLibraryExW(kLibraryName, nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32)
                       : LoadLibraryExW(candidate.path.c_str(), nullptr, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (module == nullptr) {
    failure = {"LoadLibraryExW", GetLastError(), Utf8(candidate.path)};
    return false;
  }
  auto resolve = [&](const char* name) -> FARPROC {
    FARPROC address = GetProcAddress(module, name);
    if (address == nullptr && failure.api.empty()) failure = {"GetProcAddress", GetLastError(), Utf8(candidate.path) + ": " + name};
    return address;
  };
  failure = LoadFailure{};
  library.init = reinterpret_cast<InitFn>(resolve("InitAttestationLib"));
  library.attest = reinterpret_cast<AttestFn>(resolve("AttestKeyGuardImportKey"));
  library.free = reinterpret_cast<FreeFn>(resolve("FreeAttestationToken"));
  library.uninit = reinterpret_cast<UninitFn>(resolve("UninitAttestationLib"));
  if (!failure.api.empty()) {
    FreeLibrary(module);
    return false;
  }
  library.module = module;
  library.path = Utf8(candidate.path);
  return true;
}

// Loads the library on first use (the caller holds CallMutex). A candidate that is not there is
// passed over; one that is there but cannot be loaded is the failure reported if no later one
// loads (its code tells a missing dependency, 126, or a wrong architecture, 193).
bool EnsureLoaded(std::vector<std::string>& searched, LoadFailure& failure) {
  Library& library = LoadedLibrary();
  if (library.module != nullptr) {
    searched = library.searched;
    return true;
  }
  bool found = false;
  LoadFailure first;
  for (const Candidate& candidate : Candidates()) {
    searched.push_back(Utf8(candidate.path));
    if (GetFileAttributesW(candidate.path.c_str()) == INVALID_FILE_ATTRIBUTES) continue;
    found = true;
    LoadFailure attempt;
    Library loaded;
    if (TryLoad(candidate, loaded, attempt)) {
      loaded.searched = searched;
      library = std::move(loaded);
      return true;
    }
    if (first.api.empty()) first = attempt;
  }
  failure = found ? first : LoadFailure{"LoadLibraryExW", ERROR_MOD_NOT_FOUND, "AttestationClientLib.dll is in none of the searched folders"};
  return false;
}

class AttestWorker : public PromiseWorker {
 public:
  AttestWorker(Napi::Env env, KeyLease lease, std::string endpoint, std::string clientId)
      : PromiseWorker(env), lease_(std::move(lease)), endpoint_(std::move(endpoint)), clientId_(std::move(clientId)) {}

 protected:
  void Run() override {
    std::lock_guard<std::mutex> call(CallMutex());
    LoadFailure loadFailure;
    if (!EnsureLoaded(searched_, loadFailure)) {
      stage_ = "load";
      failure_ = Failure{loadFailure.api, loadFailure.code, loadFailure.detail};
      return;
    }
    const Library& library = LoadedLibrary();
    libraryPath_ = library.path;
    LogScope logScope(&logs_);
    // Kept for the process: a library may hold on to the pointer it was given.
    static AttestationLogInfo logInfo;
    logInfo.Log = CollectLog;
    logInfo.Ctx = &logs_;
    int32_t result = library.init(&logInfo);
    if (result != 0) {
      // No Uninit after a failed Init (as MSAL: its client is never constructed then).
      SetResultFailure("init", "InitAttestationLib", result);
      return;
    }
    char* token = nullptr;
    result = library.attest(endpoint_.c_str(), nullptr, nullptr, lease_->key, &token, clientId_.c_str());
    if (token != nullptr) {
      token_ = token;
      library.free(token);
    }
    library.uninit();
    if (result != 0) {
      token_.clear();  // a token that comes with a failure is not handed out
      SetResultFailure("attest", "AttestKeyGuardImportKey", result);
    }
  }

  // An empty token with result 0 is returned as it is: whether that is acceptable is decided in
  // TypeScript (MSAL treats a blank token as a failure).
  Napi::Value Result(Napi::Env env) override {
    Napi::Object result;
    if (stage_.empty()) {
      result = OkObject(env);
      result.Set("token", token_);
      result.Set("libraryPath", libraryPath_);
    } else {
      result = FailureObject(env, failure_);
      result.Set("stage", stage_);
      if (hasResult_) result.Set("result", Napi::Number::New(env, resultCode_));
    }
    if (!stage_.empty()) {
      Napi::Array searched = Napi::Array::New(env, searched_.size());
      for (size_t i = 0; i < searched_.size(); ++i) searched.Set(static_cast<uint32_t>(i), searched_[i]);
      result.Set("searched", searched);
    }
    // Past the cap, one line of our own says how many of the library's were left out.
    if (logs_.dropped > 0) logs_.lines.push_back({1, "msal-mtls", "attestKey", 0, std::to_string(logs_.dropped) + " more log lines from the library were dropped"});
    Napi::Array logs = Napi::Array::New(env, logs_.lines.size());
    for (size_t i = 0; i < logs_.lines.size(); ++i) {
      const LogLine& line = logs_.lines[i];
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("level", line.level);
      entry.Set("tag", line.tag);
      entry.Set("func", line.func);
      entry.Set("line", line.line);
      entry.Set("message", line.message);
      logs.Set(static_cast<uint32_t>(i), entry);
    }
    result.Set("logs", logs);
    return result;
  }

 private:
  void SetResultFailure(const char* stage, const char* api, int32_t result) {
    stage_ = stage;
    hasResult_ = true;
    resultCode_ = result;
    failure_ = Failure{api, static_cast<uint32_t>(result), std::string()};
  }

  KeyLease lease_;
  std::string endpoint_;
  std::string clientId_;
  std::string stage_;  // empty: success
  Failure failure_;
  bool hasResult_ = false;
  int32_t resultCode_ = 0;
  std::vector<std::string> searched_;
  std::string libraryPath_;
  std::string token_;
  LogCollector logs_;
};

std::string StringArgument(const Napi::Value& value, const char* what) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be a string");
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos) throw Napi::TypeError::New(value.Env(), std::string(what) + " must not contain NUL characters");
  return text;
}

// attestKey(key, endpoint, clientId). Strings go to the library as UTF-8 (an endpoint URL and a
// client id GUID are ASCII). A wrong argument rejects the promise, as for every async call.
Napi::Value AttestKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    KeyLease lease = LeaseKey(info[0]);
    std::string endpoint = StringArgument(info[1], "endpoint");
    std::string clientId = StringArgument(info[2], "clientId");
    auto* worker = new AttestWorker(env, std::move(lease), std::move(endpoint), std::move(clientId));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  } catch (const Napi::Error& error) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(error.Value());
    return deferred.Promise();
  }
}

}  // namespace

void InitAttestation(Napi::Env env, Napi::Object exports) {
  exports.Set("attestKey", Napi::Function::New(env, AttestKey, "attestKey"));
}

}  // namespace cng
