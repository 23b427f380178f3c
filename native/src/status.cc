#include "status.h"

#include <winhttp.h>

#include <cstdio>

namespace cng {

std::string Hex(uint32_t code) {
  char buffer[11];
  std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(code));
  return buffer;
}

std::string StatusMessage(uint32_t code) {
  wchar_t* text = nullptr;
  DWORD flags = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
  const void* source = nullptr;
  // WinHTTP's own errors (12001-12185) are described by winhttp.dll, not by the system table.
  if (code >= WINHTTP_ERROR_BASE && code <= WINHTTP_ERROR_LAST) {
    HMODULE winhttp = GetModuleHandleW(L"winhttp.dll");
    if (winhttp != nullptr) {
      flags |= FORMAT_MESSAGE_FROM_HMODULE;
      source = winhttp;
    }
  }
  DWORD length = FormatMessageW(flags, source, code, 0, reinterpret_cast<LPWSTR>(&text), 0, nullptr);
  std::string message;
  if (length > 0 && text != nullptr) {
    message = Utf8(text, length);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' ' || message.back() == '.')) {
      message.pop_back();
    }
  }
  if (text != nullptr) LocalFree(text);
  return message;
}

Napi::Object FailureObject(Napi::Env env, const Failure& failure) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("ok", false);
  object.Set("api", failure.api);
  object.Set("code", failure.code);
  object.Set("hex", Hex(failure.code));
  object.Set("message", StatusMessage(failure.code));
  if (!failure.detail.empty()) object.Set("detail", failure.detail);
  return object;
}

Napi::Object OkObject(Napi::Env env) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("ok", true);
  return object;
}

std::wstring Wide(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  int length = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
  return wide;
}

std::string Utf8(const wchar_t* wide, size_t length) {
  if (length == 0) return std::string();
  int size = WideCharToMultiByte(CP_UTF8, 0, wide, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  std::string utf8(static_cast<size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide, static_cast<int>(length), utf8.data(), size, nullptr, nullptr);
  return utf8;
}

std::string Utf8(const std::wstring& wide) { return Utf8(wide.data(), wide.size()); }

}  // namespace cng
