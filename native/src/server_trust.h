// Our own check of a TLS server certificate, run before any request byte is sent: the system's
// trust, widened only by the session's extra roots (tests against a local emulator), with the
// usual name and validity checks for the name the certificate must match.
#pragma once
#include <windows.h>
#include <wincrypt.h>

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"
#include "winhttp_handles.h"

namespace cng {

class ServerTrust {
 public:
  ServerTrust() = default;
  ServerTrust(const ServerTrust&) = delete;
  ServerTrust& operator=(const ServerTrust&) = delete;

  // Loads the extra roots (DER). False with a Failure when one does not parse.
  bool Init(std::vector<std::vector<uint8_t>> roots, Failure* failure);

  bool HasExtraRoots() const { return !roots_.empty(); }

  // True when `server` (the leaf the server presented; its store holds the rest of what it sent)
  // chains to a root the system trusts, or to one of the extra roots, and is valid for
  // `serverName` now. Otherwise false with a Failure saying why. Thread-safe.
  bool Verify(PCCERT_CONTEXT server, const std::wstring& serverName, Failure* failure) const;

 private:
  bool IsExtraRoot(PCCERT_CONTEXT certificate) const;

  std::vector<std::vector<uint8_t>> roots_;
  StoreHandle rootStore_;  // the same roots, as a memory store for chain building
};

}  // namespace cng
