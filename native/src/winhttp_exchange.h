// One HTTPS request/response over a session's connection, run on a pool thread (blocking WinHTTP).
#pragma once
#include <windows.h>
#include <winhttp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"
#include "winhttp_session_core.h"

namespace cng {

// A NativeRequest as checked and converted on the JS thread (winhttp_request_options.cc).
struct ExchangeRequest {
  std::wstring method;
  std::wstring host;
  INTERNET_PORT port = INTERNET_DEFAULT_HTTPS_PORT;
  std::wstring target;                // path and query, never the fragment
  std::vector<std::wstring> headers;  // "Name: value"
  bool hasBody = false;
  std::vector<uint8_t> body;
  DWORD timeoutMs = 0;
  std::wstring serverName;  // the name the server certificate must match
  uint64_t maxBodyBytes = 0;
};

struct ExchangeResponse {
  DWORD status = 0;
  std::string rawHeaders;  // WINHTTP_QUERY_RAW_HEADERS_CRLF as UTF-8
  std::vector<uint8_t> body;
};

// Sends `request` and reads the whole response. False with a Failure for any Windows status, an
// untrusted server certificate (nothing sent), or a body over maxBodyBytes.
bool Exchange(SessionCore& core, const ExchangeRequest& request, ExchangeResponse* response, Failure* failure);

}  // namespace cng
