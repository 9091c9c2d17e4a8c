// What an http:// or https:// listen URL (the ingest server) asks for: address, path,
// default channel, body mode, limits and TLS (docs/endpoints/http.md "Ingest server"),
// read from the URL's checked parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::http {

struct IngestSettings {
  std::string scheme;                  // "http" or "https"
  std::string bind_host = "0.0.0.0";   // the URL's host; empty or "*" = every address
  uint16_t port = 80;
  std::string path;                    // without leading or trailing '/'; empty = every path
  std::string channel;                 // ?channel=: for requests that name none
  bool envelope = false;               // ?envelope: every body is JSON-lines envelopes
  size_t max_connections = 64;         // ?max_connections=N: open connections, at most
  std::vector<std::string> copy_headers;  // ?headers=a,b: request headers copied into meta (http.<name>)
  Duration timeout = std::chrono::seconds(30);  // ?timeout=: to read one request; also the keep-alive idle limit
  size_t max_body_bytes = 64u << 20;   // --max-body; larger requests get 413
  CodecLimits limits;
  std::string user, password;          // Basic authentication required when user is set
  TlsOptions tls;                      // https: ?cert and ?key required; ?ca = require client certificates

  // "http://0.0.0.0:8080/ingest", for messages.
  std::string describe() const;
};

// Reads the listen URL; Error(usage) for https:// without ?cert and ?key.
IngestSettings read_ingest_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options);

}  // namespace gsmq::endpoint::http
