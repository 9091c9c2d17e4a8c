// gsmqd's TLS (--tls-cert, --tls-key, --tls-ca, --tls-client-auth): the server credentials
// of its gRPC port. The certificate, key and CA files are read again when they change on
// disk (checked every second), so a renewed certificate needs no restart.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/security/server_credentials.h>

namespace gsmq::daemon {

enum class ClientAuth { none, request, require };

struct ServerTls {
  std::string cert_file, key_file;  // both, or neither (plaintext)
  std::string ca_file;              // verifies client certificates
  ClientAuth client_auth = ClientAuth::none;
  bool enabled() const { return !cert_file.empty(); }
};

// "none", "request", "require"; nullopt otherwise.
std::optional<ClientAuth> parse_client_auth(const std::string& text);

// Error(usage) naming the flag when the files are missing, unreadable, not PEM, or the
// key does not belong to the certificate, or the options do not go together.
void check_server_tls(const ServerTls& tls);

// Plaintext when !tls.enabled().
std::shared_ptr<grpc::ServerCredentials> server_credentials(const ServerTls& tls);

}  // namespace gsmq::daemon
