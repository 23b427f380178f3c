#include "server_trust.h"

#include <cstring>
#include <utility>

namespace cng {

namespace {

// CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL) for a server named `name`; `checks` are
// the SECURITY_FLAG_IGNORE_* bits to waive. False when the call itself fails (GetLastError).
bool SslPolicyError(PCCERT_CHAIN_CONTEXT chain, const std::wstring& name, DWORD checks, DWORD* error) {
  SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl{};
  ssl.cbSize = sizeof ssl;
  ssl.dwAuthType = AUTHTYPE_SERVER;
  ssl.fdwChecks = checks;
  ssl.pwszServerName = const_cast<wchar_t*>(name.c_str());
  CERT_CHAIN_POLICY_PARA policy{};
  policy.cbSize = sizeof policy;
  policy.pvExtraPolicyPara = &ssl;
  CERT_CHAIN_POLICY_STATUS status{};
  status.cbSize = sizeof status;
  if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &policy, &status)) return false;
  *error = status.dwError;
  return true;
}

std::string Reason(DWORD error) {
  switch (error) {
    case static_cast<DWORD>(CERT_E_CN_NO_MATCH): return "it is not issued for that name";
    case static_cast<DWORD>(CERT_E_EXPIRED): return "it is outside its validity period";
    case static_cast<DWORD>(CERT_E_UNTRUSTEDROOT): return "its chain ends in a root that is not trusted";
    case static_cast<DWORD>(CERT_E_WRONG_USAGE): return "it is not valid for server authentication";
    case static_cast<DWORD>(CERT_E_CHAINING): return "its chain could not be completed";
    default: return "the chain policy check failed";
  }
}

}  // namespace

bool ServerTrust::Init(std::vector<std::vector<uint8_t>> roots, Failure* failure) {
  roots_ = std::move(roots);
  if (roots_.empty()) return true;
  rootStore_.Reset(CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, nullptr));
  if (!rootStore_) {
    *failure = Failure{"CertOpenStore", GetLastError(), "could not make a store for the extra roots"};
    return false;
  }
  for (size_t i = 0; i < roots_.size(); ++i) {
    const std::vector<uint8_t>& der = roots_[i];
    if (!CertAddEncodedCertificateToStore(rootStore_.Get(), X509_ASN_ENCODING, der.data(), static_cast<DWORD>(der.size()),
                                          CERT_STORE_ADD_ALWAYS, nullptr)) {
      *failure = Failure{"CertAddEncodedCertificateToStore", GetLastError(),
                         "trustedRoots[" + std::to_string(i) + "] is not a DER certificate"};
      return false;
    }
  }
  return true;
}

bool ServerTrust::IsExtraRoot(PCCERT_CONTEXT certificate) const {
  for (const std::vector<uint8_t>& der : roots_) {
    if (der.size() == certificate->cbCertEncoded &&
        std::memcmp(der.data(), certificate->pbCertEncoded, der.size()) == 0) {
      return true;
    }
  }
  return false;
}

bool ServerTrust::Verify(PCCERT_CONTEXT server, const std::wstring& serverName, Failure* failure) const {
  const std::string prefix = "the server certificate for " + Utf8(serverName) + " is not trusted: ";
  auto reject = [&](const char* api, DWORD code, const std::string& why) {
    *failure = Failure{api, code, prefix + why};
    return false;
  };

  // Chain building may use what the server sent (its store) and the extra roots, nothing else
  // beyond the system's own stores.
  StoreHandle extra(CertOpenStore(CERT_STORE_PROV_COLLECTION, 0, 0, 0, nullptr));
  if (!extra) return reject("CertOpenStore", GetLastError(), "could not make the chain-building store");
  if (server->hCertStore != nullptr) CertAddStoreToCollection(extra.Get(), server->hCertStore, 0, 0);
  if (rootStore_) CertAddStoreToCollection(extra.Get(), rootStore_.Get(), 0, 0);

  LPSTR serverAuth = const_cast<LPSTR>(szOID_PKIX_KP_SERVER_AUTH);
  CERT_CHAIN_PARA para{};
  para.cbSize = sizeof para;
  para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
  para.RequestedUsage.Usage.cUsageIdentifier = 1;
  para.RequestedUsage.Usage.rgpszUsageIdentifier = &serverAuth;
  ChainHandle chain;
  if (!CertGetCertificateChain(nullptr, server, nullptr, extra.Get(), &para, 0, nullptr, chain.Out())) {
    return reject("CertGetCertificateChain", GetLastError(), "its chain could not be built");
  }

  DWORD error = 0;
  if (!SslPolicyError(chain.Get(), serverName, 0, &error)) {
    return reject("CertVerifyCertificateChainPolicy", GetLastError(), "the chain policy could not be evaluated");
  }
  if (error == 0) return true;  // the system trusts it as it is
  if (error != static_cast<DWORD>(CERT_E_UNTRUSTEDROOT)) return reject("CertVerifyCertificateChainPolicy", error, Reason(error));

  // An untrusted root is acceptable only when it is, byte for byte, one of the extra roots.
  PCCERT_CHAIN_CONTEXT context = chain.Get();
  const CERT_SIMPLE_CHAIN* simple = context->cChain == 1 ? context->rgpChain[0] : nullptr;
  PCCERT_CONTEXT root = simple != nullptr && simple->cElement > 0 ? simple->rgpElement[simple->cElement - 1]->pCertContext : nullptr;
  if (root == nullptr || !IsExtraRoot(root)) {
    return reject("CertVerifyCertificateChainPolicy", error,
                  HasExtraRoots() ? "its chain ends neither in a root the system trusts nor in one of the extra roots"
                                  : Reason(error));
  }
  // Then everything else still applies: name, validity period, usage, signatures.
  if (!SslPolicyError(context, serverName, SECURITY_FLAG_IGNORE_UNKNOWN_CA, &error)) {
    return reject("CertVerifyCertificateChainPolicy", GetLastError(), "the chain policy could not be evaluated");
  }
  if (error != 0) return reject("CertVerifyCertificateChainPolicy", error, Reason(error));
  // Belt and braces: the untrusted root must be the chain's only defect.
  DWORD otherDefects = context->TrustStatus.dwErrorStatus & ~static_cast<DWORD>(CERT_TRUST_IS_UNTRUSTED_ROOT);
  if (otherDefects != 0) {
    return reject("CertGetCertificateChain", static_cast<DWORD>(CERT_E_CHAINING),
                  "its chain has defects beyond the untrusted root (trust status " + Hex(otherDefects) + ")");
  }
  return true;
}

}  // namespace cng
