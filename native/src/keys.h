// NativeKey: an open NCrypt key as a JS object (keys.cc). Other areas (attestation, WinHTTP)
// borrow its handle through KeyLease, which keeps the handle open until they are done even if
// JavaScript calls close() meanwhile.
#pragma once
#include <napi.h>
#include <windows.h>
#include <ncrypt.h>

#include <memory>
#include <string>

namespace cng {

// Shared ownership of the provider + key handles; freed when the last holder lets go.
struct KeyHandles {
  NCRYPT_PROV_HANDLE provider = 0;
  NCRYPT_KEY_HANDLE key = 0;
  std::wstring name;          // container name; empty for an ephemeral key
  std::wstring providerName;  // e.g. MS_KEY_STORAGE_PROVIDER
  DWORD openFlags = 0;        // NCRYPT_MACHINE_KEY_FLAG when it is a machine key
  KeyHandles() = default;
  KeyHandles(const KeyHandles&) = delete;
  KeyHandles& operator=(const KeyHandles&) = delete;
  ~KeyHandles();
};

using KeyLease = std::shared_ptr<KeyHandles>;

// The handles behind a NativeKey object. Throws a JS TypeError when `value` is not a NativeKey
// (checked by the object's type tag, so no other wrapped object is ever taken for one) or is
// closed. Call it on the JS thread; the lease it returns is safe to hold on a worker thread.
// A key that is leased cannot be deleted (NativeKey.delete() throws while a lease is out).
KeyLease LeaseKey(const Napi::Value& value);

}  // namespace cng
