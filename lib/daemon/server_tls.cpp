#include "daemon/server_tls.h"

#include <cstdio>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util/error.h"

namespace gsmq::daemon {
namespace {

constexpr unsigned kReloadSeconds = 1;

[[noreturn]] void refuse(const std::string& flag, const std::string& file, const std::string& why) {
  throw Error(ErrorKind::usage, flag + " " + file + ": " + why);
}

// The first PEM object of `file`, read by `read`; refuses when there is none.
template <typename T, typename Read>
T* read_pem(const std::string& flag, const std::string& file, Read read) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) refuse(flag, file, "cannot read the file");
  T* object = read(f);
  std::fclose(f);
  if (!object) refuse(flag, file, "not a PEM file of the expected kind");
  return object;
}

}  // namespace

std::optional<ClientAuth> parse_client_auth(const std::string& text) {
  if (text == "none") return ClientAuth::none;
  if (text == "request") return ClientAuth::request;
  if (text == "require") return ClientAuth::require;
  return std::nullopt;
}

void check_server_tls(const ServerTls& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty())
    throw Error(ErrorKind::usage, "--tls-cert and --tls-key go together");
  if (!tls.enabled()) {
    if (!tls.ca_file.empty() || tls.client_auth != ClientAuth::none)
      throw Error(ErrorKind::usage, "--tls-ca and --tls-client-auth need --tls-cert and --tls-key");
    return;
  }
  if (tls.client_auth != ClientAuth::none && tls.ca_file.empty())
    throw Error(ErrorKind::usage, "--tls-client-auth request|require needs --tls-ca (the CA that signs client certificates)");
  X509* cert = read_pem<X509>("--tls-cert", tls.cert_file,
                              [](FILE* f) { return PEM_read_X509(f, nullptr, nullptr, nullptr); });
  EVP_PKEY* key = read_pem<EVP_PKEY>("--tls-key", tls.key_file,
                                     [](FILE* f) { return PEM_read_PrivateKey(f, nullptr, nullptr, nullptr); });
  const bool pair = X509_check_private_key(cert, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!pair) refuse("--tls-key", tls.key_file, "is not the key of " + tls.cert_file);
  if (!tls.ca_file.empty())
    X509_free(read_pem<X509>("--tls-ca", tls.ca_file, [](FILE* f) { return PEM_read_X509(f, nullptr, nullptr, nullptr); }));
}

std::shared_ptr<grpc::ServerCredentials> server_credentials(const ServerTls& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  namespace ex = grpc::experimental;
  auto files = std::make_shared<ex::FileWatcherCertificateProvider>(tls.key_file, tls.cert_file, tls.ca_file,
                                                                    kReloadSeconds);
  ex::TlsServerCredentialsOptions o(files);
  o.watch_identity_key_cert_pairs();
  if (!tls.ca_file.empty()) o.watch_root_certs();
  switch (tls.client_auth) {
    case ClientAuth::none: o.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE); break;
    case ClientAuth::request: o.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY); break;
    case ClientAuth::require:
      o.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
      break;
  }
  return ex::TlsServerCredentials(o);
}

}  // namespace gsmq::daemon
