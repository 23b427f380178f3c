#include "winhttp_exchange.h"

#include <algorithm>

#include "winhttp_server_check.h"

namespace cng {

namespace {

bool FailWith(Failure* failure, const char* api, const std::string& detail = std::string()) {
  *failure = Failure{api, GetLastError(), detail};
  return false;
}

bool SetDword(HINTERNET request, DWORD option, DWORD value, const char* name, Failure* failure) {
  if (WinHttpSetOption(request, option, &value, sizeof value)) return true;
  return FailWith(failure, "WinHttpSetOption", name);
}

bool SameHost(const std::wstring& a, const std::wstring& b) {
  return CompareStringOrdinal(a.c_str(), static_cast<int>(a.size()), b.c_str(), static_cast<int>(b.size()), TRUE) == CSTR_EQUAL;
}

bool Configure(HINTERNET request, const SessionCore& core, const ExchangeRequest& exchange, Failure* failure) {
  int timeout = static_cast<int>(exchange.timeoutMs);
  if (!WinHttpSetTimeouts(request, timeout, timeout, timeout, timeout)) return FailWith(failure, "WinHttpSetTimeouts");
  // The wait for the response headers has its own timeout (90 s on Windows, none in Wine).
  if (!SetDword(request, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, exchange.timeoutMs, "WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT", failure)) return false;
  if (!SetDword(request, WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_NEVER, "WINHTTP_OPTION_REDIRECT_POLICY", failure)) return false;
  // No cookie jar and no automatic (Windows-integrated) authentication: each request carries
  // exactly the headers the caller gave.
  if (!SetDword(request, WINHTTP_OPTION_DISABLE_FEATURE, WINHTTP_DISABLE_COOKIES | WINHTTP_DISABLE_REDIRECTS | WINHTTP_DISABLE_AUTHENTICATION,
                "WINHTTP_OPTION_DISABLE_FEATURE", failure)) {
    return false;
  }
  PCCERT_CONTEXT certificate = core.certificate.context.Get();
  if (!WinHttpSetOption(request, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, const_cast<CERT_CONTEXT*>(certificate), sizeof(CERT_CONTEXT))) {
    return FailWith(failure, "WinHttpSetOption", "WINHTTP_OPTION_CLIENT_CERT_CONTEXT");
  }
  // Only the waivers our own check (winhttp_server_check.cc) makes up for.
  DWORD waivers = 0;
  if (core.trust.HasExtraRoots()) waivers |= SECURITY_FLAG_IGNORE_UNKNOWN_CA;
  if (!SameHost(exchange.serverName, exchange.host)) waivers |= SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
  if (waivers != 0 && !SetDword(request, WINHTTP_OPTION_SECURITY_FLAGS, waivers, "WINHTTP_OPTION_SECURITY_FLAGS", failure)) return false;
  for (const std::wstring& line : exchange.headers) {
    if (!WinHttpAddRequestHeaders(request, line.c_str(), static_cast<DWORD>(line.size()), WINHTTP_ADDREQ_FLAG_ADD)) {
      return FailWith(failure, "WinHttpAddRequestHeaders");
    }
  }
  return true;
}

bool ReadHeaders(HINTERNET request, ExchangeResponse* response, Failure* failure) {
  DWORD size = sizeof response->status;
  if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                           &response->status, &size, WINHTTP_NO_HEADER_INDEX)) {
    return FailWith(failure, "WinHttpQueryHeaders", "WINHTTP_QUERY_STATUS_CODE");
  }
  size = 0;
  WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, WINHTTP_NO_OUTPUT_BUFFER, &size, WINHTTP_NO_HEADER_INDEX);
  if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return FailWith(failure, "WinHttpQueryHeaders", "WINHTTP_QUERY_RAW_HEADERS_CRLF");
  std::wstring raw(size / sizeof(wchar_t) + 1, L'\0');
  size = static_cast<DWORD>(raw.size() * sizeof(wchar_t));
  if (!WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, raw.data(), &size, WINHTTP_NO_HEADER_INDEX)) {
    return FailWith(failure, "WinHttpQueryHeaders", "WINHTTP_QUERY_RAW_HEADERS_CRLF");
  }
  response->rawHeaders = Utf8(raw.data(), size / sizeof(wchar_t));
  return true;
}

bool ReadBody(HINTERNET request, uint64_t maxBytes, std::vector<uint8_t>* body, Failure* failure) {
  constexpr uint64_t kChunk = 64 * 1024;
  for (;;) {
    // Ask for at most one byte past the limit: enough to know it was exceeded.
    uint64_t room = maxBytes - body->size() + 1;
    DWORD want = static_cast<DWORD>(std::min(kChunk, room));
    size_t used = body->size();
    body->resize(used + want);
    DWORD got = 0;
    if (!WinHttpReadData(request, body->data() + used, want, &got)) {
      body->resize(used);
      return FailWith(failure, "WinHttpReadData");
    }
    body->resize(used + got);
    if (got == 0) return true;
    if (body->size() > maxBytes) {
      *failure = Failure{"WinHttpReadData", ERROR_BUFFER_OVERFLOW, "response body exceeds " + std::to_string(maxBytes) + " bytes"};
      return false;
    }
  }
}

}  // namespace

bool Exchange(SessionCore& core, const ExchangeRequest& exchange, ExchangeResponse* response, Failure* failure) {
  HINTERNET connection = core.Connection(exchange.host, exchange.port, failure);
  if (connection == nullptr) return false;
  InternetHandle request(WinHttpOpenRequest(connection, exchange.method.c_str(), exchange.target.c_str(), nullptr, WINHTTP_NO_REFERER,
                                            WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE));
  if (!request) return FailWith(failure, "WinHttpOpenRequest");
  if (!Configure(request.Get(), core, exchange, failure)) return false;

  ServerCheck check(core.trust, exchange.serverName);
  if (!check.Attach(request.Get(), failure)) return false;
  DWORD length = static_cast<DWORD>(exchange.body.size());
  LPVOID body = exchange.hasBody && length > 0 ? const_cast<uint8_t*>(exchange.body.data()) : WINHTTP_NO_REQUEST_DATA;
  BOOL sent = WinHttpSendRequest(request.Get(), WINHTTP_NO_ADDITIONAL_HEADERS, 0, body, length, length, check.Context());
  DWORD sendError = sent ? ERROR_SUCCESS : GetLastError();
  if (check.ClosedRequest()) request.Release();  // the callback closed it to abort the send
  if (check.Rejected(failure)) return false;
  if (!sent) {
    *failure = Failure{"WinHttpSendRequest", sendError, core.certificate.bindingNote};
    return false;
  }
  if (!check.Verified(failure)) return false;

  if (!WinHttpReceiveResponse(request.Get(), nullptr)) return FailWith(failure, "WinHttpReceiveResponse");
  if (!ReadHeaders(request.Get(), response, failure)) return false;
  return ReadBody(request.Get(), exchange.maxBodyBytes, &response->body, failure);
}

}  // namespace cng
