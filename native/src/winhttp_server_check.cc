#include "winhttp_server_check.h"

#include "winhttp_connection_abort.h"

namespace cng {

bool ServerCheck::Attach(HINTERNET request, Failure* failure) {
  if (WinHttpSetStatusCallback(request, &ServerCheck::OnStatus, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, 0) == WINHTTP_INVALID_STATUS_CALLBACK) {
    *failure = Failure{"WinHttpSetStatusCallback", GetLastError(), ""};
    return false;
  }
  return true;
}

void CALLBACK ServerCheck::OnStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID, DWORD) {
  if (status != WINHTTP_CALLBACK_STATUS_SENDING_REQUEST || context == 0) return;
  reinterpret_cast<ServerCheck*>(context)->Check(handle);
}

void ServerCheck::Check(HINTERNET request) {
  if (rejected_) return;
  PCCERT_CONTEXT server = nullptr;
  DWORD size = sizeof server;
  if (!WinHttpQueryOption(request, WINHTTP_OPTION_SERVER_CERT_CONTEXT, &server, &size) || server == nullptr) {
    failure_ = Failure{"WinHttpQueryOption", GetLastError(), "could not read the server certificate for " + Utf8(serverName_)};
    rejected_ = true;
  } else {
    CertificateHandle owned(server);
    if (trust_.Verify(server, serverName_, &failure_)) {
      checked_ = true;
      return;
    }
    rejected_ = true;
  }
  AbortRequestBeforeSend(request);
  closed_ = true;
}

bool ServerCheck::Rejected(Failure* failure) const {
  if (!rejected_) return false;
  *failure = failure_;
  return true;
}

bool ServerCheck::Verified(Failure* failure) const {
  if (checked_) return true;
  *failure = Failure{"WinHttpSendRequest", static_cast<uint32_t>(ERROR_WINHTTP_SECURE_FAILURE),
                     "the server certificate for " + Utf8(serverName_) + " was not checked"};
  return false;
}

}  // namespace cng
