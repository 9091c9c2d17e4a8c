#include "endpoint/gsmqd_client/credentials.h"

#include <fstream>
#include <sstream>

#include <grpcpp/support/client_interceptor.h>
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

// Adds the bearer token to every call's metadata (call credentials would need TLS; this
// works on gsmq:// to a loopback gsmqd too).
class TokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string& header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA))
      methods->GetSendInitialMetadata()->insert({"authorization", header_});
    methods->Proceed();
  }

 private:
  const std::string& header_;
};

class TokenInterceptors final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptors(std::string token) : header_("Bearer " + std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo*) override {
    return new TokenInterceptor(header_);
  }

 private:
  const std::string header_;
};

}  // namespace

std::shared_ptr<grpc::Channel> open_channel(const Settings& settings, grpc::ChannelArguments& args) {
  auto credentials = channel_credentials(settings, args);
  if (settings.token.empty()) return grpc::CreateCustomChannel(settings.target, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<TokenInterceptors>(settings.token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(settings.target, credentials, args,
                                                                 std::move(interceptors));
}

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
