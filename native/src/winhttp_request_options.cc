#include "winhttp_request_options.h"

#include <climits>

#include "winhttp_arguments.h"

namespace cng {

namespace {

// RFC 9110 token characters (methods and header names).
bool IsToken(const std::string& text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string::npos;
    if (!ok) return false;
  }
  return true;
}

bool HasLineBreakOrNul(const std::string& text) { return text.find_first_of(std::string("\r\n\0", 3)) != std::string::npos; }

bool HasSpaceOrControl(const std::string& text) {
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7F) return true;
  }
  return false;
}

void ReadUrl(const Napi::Env& env, const std::string& url, ExchangeRequest* out) {
  if (HasSpaceOrControl(url)) throw Napi::TypeError::New(env, "request.url must not contain spaces or control characters");
  std::wstring wide = Wide(url);
  URL_COMPONENTS parts{};
  parts.dwStructSize = sizeof parts;
  parts.dwSchemeLength = parts.dwHostNameLength = parts.dwUserNameLength = parts.dwPasswordLength = static_cast<DWORD>(-1);
  parts.dwUrlPathLength = parts.dwExtraInfoLength = static_cast<DWORD>(-1);
  if (!WinHttpCrackUrl(wide.c_str(), static_cast<DWORD>(wide.size()), 0, &parts)) {
    throw Napi::TypeError::New(env, "request.url is not a URL (WinHttpCrackUrl " + Hex(GetLastError()) + ")");
  }
  if (parts.nScheme != INTERNET_SCHEME_HTTPS) throw Napi::TypeError::New(env, "request.url must be an https URL");
  if (parts.dwUserNameLength > 0 || parts.dwPasswordLength > 0) throw Napi::TypeError::New(env, "request.url must not contain credentials");
  if (parts.dwHostNameLength == 0) throw Napi::TypeError::New(env, "request.url has no host");
  out->host.assign(parts.lpszHostName, parts.dwHostNameLength);
  out->port = parts.nPort;
  std::wstring path(parts.lpszUrlPath == nullptr ? L"" : std::wstring(parts.lpszUrlPath, parts.dwUrlPathLength));
  std::wstring extra(parts.lpszExtraInfo == nullptr ? L"" : std::wstring(parts.lpszExtraInfo, parts.dwExtraInfoLength));
  extra = extra.substr(0, extra.find(L'#'));  // the fragment never goes on the wire
  out->target = (path.empty() ? L"/" : path) + extra;
}

void ReadHeaders(const Napi::Object& request, ExchangeRequest* out) {
  Napi::Env env = request.Env();
  Napi::Value value = request.Get("headers");
  if (!value.IsArray()) throw Napi::TypeError::New(env, "request.headers must be an array of [name, value] pairs");
  Napi::Array headers = value.As<Napi::Array>();
  for (uint32_t i = 0; i < headers.Length(); ++i) {
    std::string where = "request.headers[" + std::to_string(i) + "]";
    Napi::Value pair = headers.Get(i);
    if (!pair.IsArray() || pair.As<Napi::Array>().Length() != 2) throw Napi::TypeError::New(env, where + " must be a [name, value] pair");
    Napi::Value name = pair.As<Napi::Array>().Get(0u);
    Napi::Value text = pair.As<Napi::Array>().Get(1u);
    if (!name.IsString() || !text.IsString()) throw Napi::TypeError::New(env, where + " must be a pair of strings");
    std::string headerName = name.As<Napi::String>().Utf8Value();
    std::string headerValue = text.As<Napi::String>().Utf8Value();
    if (!IsToken(headerName)) throw Napi::TypeError::New(env, where + " has an invalid header name");
    if (HasLineBreakOrNul(headerValue)) throw Napi::TypeError::New(env, where + " value must not contain CR, LF or NUL");
    out->headers.push_back(Wide(headerName + ": " + headerValue));
  }
}

}  // namespace

ExchangeRequest ReadRequestOptions(const Napi::Value& value) {
  Napi::Env env = value.Env();
  Napi::Object request = winhttp::ObjectArgument(value, "request");
  ExchangeRequest out;
  std::string method = winhttp::StringProperty(request, "method", "request");
  if (!IsToken(method)) throw Napi::TypeError::New(env, "request.method must be an HTTP method token");
  out.method = Wide(method);
  ReadUrl(env, winhttp::StringProperty(request, "url", "request"), &out);
  ReadHeaders(request, &out);
  Napi::Value body = request.Get("body");
  if (body.IsBuffer()) {
    out.hasBody = true;
    out.body = winhttp::BufferProperty(request, "body", "request");
    if (out.body.size() >= MAXDWORD) throw Napi::TypeError::New(env, "request.body must be smaller than 4 GiB (WinHttpSendRequest takes a DWORD length)");
  } else if (!body.IsNull() && !body.IsUndefined()) {
    throw Napi::TypeError::New(env, "request.body must be a Buffer or null");
  }
  out.timeoutMs = static_cast<DWORD>(winhttp::IntegerProperty(request, "timeoutMs", "request", 1, INT_MAX));
  std::string serverName = winhttp::StringProperty(request, "serverName", "request");
  if (serverName.empty() || HasSpaceOrControl(serverName)) throw Napi::TypeError::New(env, "request.serverName must be a host name");
  out.serverName = Wide(serverName);
  out.maxBodyBytes = static_cast<uint64_t>(winhttp::IntegerProperty(request, "maxBodyBytes", "request", 0, 9007199254740991.0));
  return out;
}

}  // namespace cng
