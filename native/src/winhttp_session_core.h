// What one NativeSession owns: the WinHTTP session, one connection handle per host:port (reused
// by every request to it), the client certificate and the server trust. Shared between the JS
// object and its in-flight requests, so close() never pulls a handle from under a running request.
#pragma once
#include <windows.h>
#include <winhttp.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "server_trust.h"
#include "status.h"
#include "winhttp_client_certificate.h"
#include "winhttp_handles.h"

namespace cng {

class SessionCore {
 public:
  SessionCore() = default;
  SessionCore(const SessionCore&) = delete;
  SessionCore& operator=(const SessionCore&) = delete;

  // WinHttpOpen with `userAgent`, redirects off and TLS 1.2+ (1.3 where the system has it).
  bool Open(const std::wstring& userAgent, Failure* failure);

  // The connection handle for host:port, made on first use (WinHttpConnect does no I/O). Thread-safe.
  HINTERNET Connection(const std::wstring& host, INTERNET_PORT port, Failure* failure);

  ClientCertificate certificate;
  ServerTrust trust;

 private:
  // Declared last so the connections close first, then the session, then the certificate.
  InternetHandle session_;
  std::mutex mutex_;
  std::map<std::pair<std::wstring, INTERNET_PORT>, InternetHandle> connections_;
};

}  // namespace cng
