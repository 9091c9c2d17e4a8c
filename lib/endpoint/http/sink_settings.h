// What an http:// or https:// sink URL (connect form) asks for: target, method, retries,
// time limit, concurrency, batching and TLS (docs/endpoints/http.md "Sink"), read from
// the URL's checked parameters; the parameters it does not take go on to the target.
#pragma once

#include <cstdint>
#include <string>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::http {

struct SinkSettings {
  std::string scheme;            // "http" or "https"
  std::string host;              // without [] for IPv6
  uint16_t port = 80;
  std::string path;              // percent-decoded, without the leading '/'; may hold {channel}
  std::string forward_query;     // the URL's other query parameters, encoded, for the target
  std::string user, password;    // Basic authentication when user is set
  std::string method = "POST";   // ?method=POST|PUT|PATCH
  unsigned retries = 5;          // ?retries=N: further attempts after a 5xx or transport error
  Duration timeout = std::chrono::seconds(10);  // ?timeout=DURATION: per attempt
  unsigned concurrency = 1;      // ?concurrency=N: connections, each with one request in flight
  size_t batch = 0;              // ?batch=N: up to N messages per JSON-lines body (0 = one raw body each)
  bool reply = false;            // ?reply (or gsmq-send --request): the response is the reply
  TlsOptions tls;
  size_t max_response_bytes = 64u << 20;

  // "http://host:port/path", for messages.
  std::string describe() const;
  // The "Host" header value.
  std::string host_header() const;
};

// Reads the sink settings; Error(usage) for a URL without a host, or ?cert
// without ?key (or the other way round).
SinkSettings read_sink_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options);

// What to do with a response status: 2xx delivered; 408, 429 and 5xx are worth another
// attempt; anything else (3xx, other 4xx) fails at once.
enum class StatusVerdict { delivered, retry, fail };
StatusVerdict judge_status(int status);

}  // namespace gsmq::endpoint::http
