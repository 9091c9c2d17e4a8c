// One keep-alive HTTP/1.1 connection (plain or TLS) from the sink to its target, used by
// one thread at a time, with a time limit per attempt (Boost.Beast stays in the .cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "endpoint/http/request_response.h"
#include "endpoint/http/sink_settings.h"

namespace gsmq::endpoint::http {

class ClientConnection {
 public:
  // Throws Error(usage) when a TLS file (?ca ?cert ?key) cannot be used.
  explicit ClientConnection(const SinkSettings& config);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  struct Result {
    std::optional<Response> response;  // the peer answered (any status)
    std::string error;                 // otherwise what went wrong
    bool permanent = false;            // another attempt would not help (TLS verification failed)
  };

  // Opens the connection now when it is not open (the check at start).
  Result connect();
  // Sends `request` and reads the response, connecting first when needed. A kept-alive
  // connection that the peer had closed is reopened once, without counting as an attempt.
  Result exchange(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gsmq::endpoint::http
