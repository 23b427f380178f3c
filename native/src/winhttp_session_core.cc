#include "winhttp_session_core.h"

namespace cng {

bool SessionCore::Open(const std::wstring& userAgent, Failure* failure) {
  // The system's WinHTTP proxy configuration (netsh winhttp), direct by default.
  session_.Reset(WinHttpOpen(userAgent.c_str(), WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0));
  if (!session_) {
    *failure = Failure{"WinHttpOpen", GetLastError(), ""};
    return false;
  }
  // Token and IMDS endpoints must never be redirected; requests repeat this per request too.
  DWORD policy = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
  if (!WinHttpSetOption(session_.Get(), WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof policy)) {
    *failure = Failure{"WinHttpSetOption", GetLastError(), "WINHTTP_OPTION_REDIRECT_POLICY"};
    return false;
  }
  // Windows versions before TLS 1.3 support refuse the 1.3 bit: then 1.2 only.
  DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
  if (!WinHttpSetOption(session_.Get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof protocols)) {
    protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    if (!WinHttpSetOption(session_.Get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof protocols)) {
      *failure = Failure{"WinHttpSetOption", GetLastError(), "WINHTTP_OPTION_SECURE_PROTOCOLS"};
      return false;
    }
  }
  return true;
}

HINTERNET SessionCore::Connection(const std::wstring& host, INTERNET_PORT port, Failure* failure) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_pair(host, port);
  auto found = connections_.find(key);
  if (found != connections_.end()) return found->second.Get();
  InternetHandle connection(WinHttpConnect(session_.Get(), host.c_str(), port, 0));
  if (!connection) {
    *failure = Failure{"WinHttpConnect", GetLastError(), ""};
    return nullptr;
  }
  HINTERNET handle = connection.Get();
  connections_.emplace(key, std::move(connection));
  return handle;
}

}  // namespace cng
