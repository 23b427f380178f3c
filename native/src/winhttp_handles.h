// Owning wrappers for the WinHTTP and crypt32 handles the session code holds, so every early
// return closes what was opened.
#pragma once
#include <windows.h>
#include <wincrypt.h>
#include <winhttp.h>

namespace cng {

// An HINTERNET (session, connection or request) closed with WinHttpCloseHandle.
class InternetHandle {
 public:
  InternetHandle() = default;
  explicit InternetHandle(HINTERNET handle) : handle_(handle) {}
  InternetHandle(const InternetHandle&) = delete;
  InternetHandle& operator=(const InternetHandle&) = delete;
  InternetHandle(InternetHandle&& other) noexcept : handle_(other.Release()) {}
  InternetHandle& operator=(InternetHandle&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  ~InternetHandle() { Reset(); }

  HINTERNET Get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  HINTERNET Release() {
    HINTERNET handle = handle_;
    handle_ = nullptr;
    return handle;
  }
  void Reset(HINTERNET handle = nullptr) {
    if (handle_ != nullptr) WinHttpCloseHandle(handle_);
    handle_ = handle;
  }

 private:
  HINTERNET handle_ = nullptr;
};

// A PCCERT_CONTEXT released with CertFreeCertificateContext.
class CertificateHandle {
 public:
  CertificateHandle() = default;
  explicit CertificateHandle(PCCERT_CONTEXT context) : context_(context) {}
  CertificateHandle(const CertificateHandle&) = delete;
  CertificateHandle& operator=(const CertificateHandle&) = delete;
  ~CertificateHandle() { Reset(); }
  void Reset(PCCERT_CONTEXT context = nullptr) {
    if (context_ != nullptr) CertFreeCertificateContext(context_);
    context_ = context;
  }
  PCCERT_CONTEXT Get() const { return context_; }
  explicit operator bool() const { return context_ != nullptr; }

 private:
  PCCERT_CONTEXT context_ = nullptr;
};

// An HCERTSTORE closed with CertCloseStore.
class StoreHandle {
 public:
  StoreHandle() = default;
  explicit StoreHandle(HCERTSTORE store) : store_(store) {}
  StoreHandle(const StoreHandle&) = delete;
  StoreHandle& operator=(const StoreHandle&) = delete;
  ~StoreHandle() { Reset(); }
  void Reset(HCERTSTORE store = nullptr) {
    if (store_ != nullptr) CertCloseStore(store_, 0);
    store_ = store;
  }
  HCERTSTORE Get() const { return store_; }
  explicit operator bool() const { return store_ != nullptr; }

 private:
  HCERTSTORE store_ = nullptr;
};

// A PCCERT_CHAIN_CONTEXT released with CertFreeCertificateChain.
class ChainHandle {
 public:
  ChainHandle() = default;
  ChainHandle(const ChainHandle&) = delete;
  ChainHandle& operator=(const ChainHandle&) = delete;
  ~ChainHandle() {
    if (chain_ != nullptr) CertFreeCertificateChain(chain_);
  }
  PCCERT_CHAIN_CONTEXT Get() const { return chain_; }
  PCCERT_CHAIN_CONTEXT* Out() { return &chain_; }

 private:
  PCCERT_CHAIN_CONTEXT chain_ = nullptr;
};

}  // namespace cng
