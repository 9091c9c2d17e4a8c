// gsmqd --http: the dashboard's pages, its JSON API (docs/admin-api.md), live updates
// (Server-Sent Events), /metrics, /healthz and /readyz, served from the daemon itself
// on one thread of its own. Everything it shows or does goes through the daemon's own
// gRPC API on an in-process channel, so the page and the CLI see the same answers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "dashboard/request_metrics.h"

namespace gsmq::dashboard {

// HTTPS: gsmqd's --tls-cert, --tls-key, --tls-ca and --tls-client-auth, as on its gRPC port.
// The files are read again when they change (checked every second); new connections get them.
struct HttpTls {
  enum class ClientCert { none, request, require };
  std::string cert_file, key_file;  // both, or neither (plain HTTP)
  std::string ca_file;              // verifies client certificates
  ClientCert client_cert = ClientCert::none;
  bool enabled() const { return !cert_file.empty(); }
};

struct HttpOptions {
  std::string listen;           // HOST:PORT; port 0 picks a free one
  size_t max_connections = 64;  // more are answered 503 and closed
  HttpTls tls;
};

class HttpServer {
 public:
  // `daemon`: a channel to the daemon's own gRPC service (grpc::Server::InProcessChannel).
  HttpServer(HttpOptions options, std::shared_ptr<grpc::Channel> daemon, const RequestMetrics& requests);
  ~HttpServer();

  // Binds and starts serving; Error(unavailable) when it cannot listen, Error(usage) for
  // an address that is not HOST:PORT or TLS files that do not load.
  void start();
  uint16_t port() const;
  // Closes the listener and every connection (live-update streams end).
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gsmq::dashboard
