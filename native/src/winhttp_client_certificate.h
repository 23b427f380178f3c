// The certificate a session presents, built once per session from a ClientCertificateSource:
// a store certificate found by thumbprint, or a DER certificate bound to an open NCrypt key.
#pragma once
#include <napi.h>
#include <windows.h>
#include <wincrypt.h>

#include <string>

#include "keys.h"
#include "status.h"
#include "winhttp_handles.h"

namespace cng {

struct ClientCertificate {
  KeyLease key;                  // kind 'key': keeps the NCrypt handle open while the context refers to it
  CertificateHandle context;     // declared after `key`, so released before it
  std::string bindingNote;       // why a key binding could not be made (added to handshake failures)
};

// Reads `source` ({kind:'key', der, key} or {kind:'store', location, store, sha1}) on the JS
// thread. Throws a TypeError for a malformed source; returns false with a Failure for a Windows
// status (certificate not found, DER not parsed, property not set).
bool BuildClientCertificate(const Napi::Object& source, ClientCertificate* out, Failure* failure);

}  // namespace cng
