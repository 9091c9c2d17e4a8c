// What a coap:// URL asks for (docs/endpoints/coap.md): the peer or listen address, the
// resource path and the URL's checked parameters (registration.cpp declares them), read
// once so the adapters never re-parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "endpoint/params.h"
#include "endpoint/tls.h"
#include "util/duration.h"

namespace gsmq::endpoint::coap {

constexpr uint16_t kDefaultPort = 5683;
constexpr uint16_t kDefaultSecurePort = 5684;

struct Settings {
  bool secure = false;                 // coaps:// (DTLS)
  bool listen = false;                 // the common listen rule: empty or "*" host, or ?listen
  std::string host;                    // "" when listening on every IPv4 interface
  uint16_t port = kDefaultPort;
  std::string path;                    // without the leading '/', may be empty
  std::string url;                     // the URL as given, for messages

  // Sink.
  bool put = false;                    // ?method=PUT (default POST)
  bool confirmable = true;             // ?type=con|non
  std::optional<uint16_t> content_format;  // ?content_format=NUMBER|NAME
  unsigned retries = 3;                // ?retries=N: after a timeout or 5.xx
  Duration timeout = std::chrono::seconds(60);      // ?timeout=: one exchange, at most
  Duration ack_timeout = std::chrono::seconds(2);   // ?ack_timeout=: RFC 7252 ACK_TIMEOUT
  unsigned max_retransmit = 4;         // ?max_retransmit=N: RFC 7252 MAX_RETRANSMIT
  bool retry = false;                  // ?retry: wait for an unreachable peer instead of failing
  Duration connect_timeout = std::chrono::seconds(5);  // ?connect_timeout: for the ping at the start

  // Both: the body is a JSON envelope (keeps id, meta, channel across the CoAP hop).
  bool envelope = false;

  // Listening source.
  size_t max_pending = 1024;           // ?max_pending=N: requests held for the sink, at most
  std::string channel;                 // ?channel=NAME: for requests to the ingest path itself

  // DTLS (coaps://): user:password in the URL are the PSK identity and key; ?cert ?key
  // ?ca ?insecure ?sni as for every TLS kind.
  std::string psk_identity, psk_key;
  TlsOptions tls;
};

// Reads `url` (scheme coap or coaps) and its parameters; Error(usage) for a
// Content-Format that is none, or a user and password without DTLS.
Settings read_settings(const EndpointUrl& url, const Params& params);

}  // namespace gsmq::endpoint::coap
