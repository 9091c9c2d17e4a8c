#include "endpoint/gsmqd_client/credentials.h"

#include <fstream>
#include <sstream>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

namespace gsmq::endpoint::gsmqd_client {
namespace {

std::string read_pem(const std::string& param, const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().empty()) throw Error(ErrorKind::usage, "?" + param + "=" + path + ": cannot read the file");
  return text.str();
}

}  // namespace

std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const Settings& settings, grpc::ChannelArguments& args) {
  const TlsOptions& tls = settings.tls;
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  const std::string ca = read_pem("ca", tls.ca_file);
  const std::string cert = read_pem("cert", tls.cert_file);
  const std::string key = read_pem("key", tls.key_file);
  if (!tls.server_name.empty()) args.SetSslTargetNameOverride(tls.server_name);
  if (!tls.insecure) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ca;  // empty: the system's CAs
    o.pem_private_key = key;
    o.pem_cert_chain = cert;
    return grpc::SslCredentials(o);
  }
  // ?insecure: TLS, but the server's certificate and name are not checked.
  namespace ex = grpc::experimental;
  std::vector<ex::IdentityKeyCertPair> pairs;
  if (!cert.empty()) pairs.push_back({key, cert});
  ex::TlsChannelCredentialsOptions o;
  if (!pairs.empty()) {
    o.set_certificate_provider(std::make_shared<ex::StaticDataCertificateProvider>(pairs));
    o.watch_identity_key_cert_pairs();
  }
  o.set_verify_server_certs(false);
  o.set_check_call_host(false);
  o.set_certificate_verifier(std::make_shared<ex::NoOpCertificateVerifier>());
  return ex::TlsCredentials(o);
}

}  // namespace gsmq::endpoint::gsmqd_client
