// Checks the server certificate of every connection a request is about to be sent on, from
// WinHTTP's WINHTTP_CALLBACK_STATUS_SENDING_REQUEST notification (the TLS handshake is done, no
// request byte is out yet), and aborts the send when ServerTrust rejects it.
#pragma once
#include <windows.h>
#include <winhttp.h>

#include <string>

#include "server_trust.h"
#include "status.h"

namespace cng {

class ServerCheck {
 public:
  ServerCheck(const ServerTrust& trust, const std::wstring& serverName) : trust_(trust), serverName_(serverName) {}
  ServerCheck(const ServerCheck&) = delete;
  ServerCheck& operator=(const ServerCheck&) = delete;

  // Registers the callback on `request`; pass Context() as WinHttpSendRequest's dwContext.
  bool Attach(HINTERNET request, Failure* failure);
  DWORD_PTR Context() { return reinterpret_cast<DWORD_PTR>(this); }

  // After WinHttpSendRequest: whether the callback closed the request handle (do not close it again).
  bool ClosedRequest() const { return closed_; }
  // True (with the Failure) when a server certificate was rejected.
  bool Rejected(Failure* failure) const;
  // False (with a Failure) when the send completed without any certificate having been checked.
  bool Verified(Failure* failure) const;

 private:
  static void CALLBACK OnStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID info, DWORD length);
  void Check(HINTERNET request);

  const ServerTrust& trust_;
  const std::wstring& serverName_;
  bool checked_ = false;
  bool rejected_ = false;
  bool closed_ = false;
  Failure failure_;
};

}  // namespace cng
