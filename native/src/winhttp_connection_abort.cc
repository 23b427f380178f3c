// winsock2.h before windows.h/winhttp.h: it is what makes winhttp.h declare
// WINHTTP_CONNECTION_INFO.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winhttp.h>

#include <cstring>

#include "winhttp_connection_abort.h"

namespace cng {

namespace {

// ws2_32 is resolved at run time: the addon does not otherwise link it, and this path only runs
// under Wine when a server certificate is rejected.
struct Winsock {
  decltype(&::WSAStartup) startup = nullptr;
  decltype(&::WSACleanup) cleanup = nullptr;
  decltype(&::getsockname) sockname = nullptr;
  decltype(&::getpeername) peername = nullptr;
  decltype(&::shutdown) shut = nullptr;

  bool Load() {
    HMODULE module = LoadLibraryExW(L"ws2_32.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (module == nullptr) return false;
    startup = reinterpret_cast<decltype(startup)>(GetProcAddress(module, "WSAStartup"));
    cleanup = reinterpret_cast<decltype(cleanup)>(GetProcAddress(module, "WSACleanup"));
    sockname = reinterpret_cast<decltype(sockname)>(GetProcAddress(module, "getsockname"));
    peername = reinterpret_cast<decltype(peername)>(GetProcAddress(module, "getpeername"));
    shut = reinterpret_cast<decltype(shut)>(GetProcAddress(module, "shutdown"));
    return startup && cleanup && sockname && peername && shut;
  }
};

// Family, port and address (and IPv6 scope); padding and flow labels are not compared.
bool SameAddress(const SOCKADDR_STORAGE& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && std::memcmp(&x.sin_addr, &y.sin_addr, sizeof x.sin_addr) == 0;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
    return x.sin6_port == y.sin6_port && x.sin6_scope_id == y.sin6_scope_id && std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
  }
  return false;
}

// The socket with exactly this local and remote address: a TCP connection's address pair is
// unique among the process's live sockets, so no other connection can match. Handle values are
// multiples of 4 below a bound derived from the handle count (tables reuse low values first).
bool ShutDownSocket(const Winsock& winsock, const WINHTTP_CONNECTION_INFO& info) {
  DWORD handles = 0;
  GetProcessHandleCount(GetCurrentProcess(), &handles);
  const uintptr_t limit = 4 * (static_cast<uintptr_t>(handles) * 4 + 4096);
  for (uintptr_t value = 4; value < limit; value += 4) {
    SOCKET candidate = static_cast<SOCKET>(value);
    sockaddr_storage local{};
    int localLength = sizeof local;
    if (winsock.sockname(candidate, reinterpret_cast<sockaddr*>(&local), &localLength) != 0) continue;
    if (!SameAddress(info.LocalAddress, local)) continue;
    sockaddr_storage remote{};
    int remoteLength = sizeof remote;
    if (winsock.peername(candidate, reinterpret_cast<sockaddr*>(&remote), &remoteLength) != 0) continue;
    if (!SameAddress(info.RemoteAddress, remote)) continue;
    return winsock.shut(candidate, SD_BOTH) == 0;
  }
  return false;
}

bool RunningUnderWine() {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

void ShutDownConnection(HINTERNET request) {
  WINHTTP_CONNECTION_INFO info{};
  info.cbSize = sizeof info;
  DWORD size = sizeof info;
  Winsock winsock;
  if (WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size) && winsock.Load()) {
    WSADATA data;
    if (winsock.startup(MAKEWORD(2, 2), &data) == 0) {
      ShutDownSocket(winsock, info);
      winsock.cleanup();
    }
  }
}

}  // namespace

void AbortRequestBeforeSend(HINTERNET request) {
  if (RunningUnderWine()) ShutDownConnection(request);
  WinHttpCloseHandle(request);
}

}  // namespace cng
