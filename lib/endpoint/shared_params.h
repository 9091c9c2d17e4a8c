// Parameters that several adapters take, declared once: an adapter puts them in its
// table as they are, or narrowed (for_roles, with_range, with_default) where its own
// use differs. The `section` ones are documented once, in that gsmq(7) subsection.
#pragma once

#include <array>

#include "endpoint/param_spec.h"

namespace gsmq::endpoint {

// The listen rule (gsmq(7) "Listening or connecting").
inline constexpr ParamSpec kListen{.name = "listen", .type = ParamType::boolean, .default_value = "0",
                                   .doc = "listen on the URL's address instead of connecting to it",
                                   .section = "Listening or connecting"};

// TLS (gsmq(7) "TLS"), read by tls.h. Only the adapter's TLS schemes take them.
inline constexpr ParamSpec kCa{.name = "ca", .type = ParamType::path,
                               .doc = "trusted CA certificates (PEM); a listener given it requires client certificates",
                               .tls = true, .section = "TLS"};
inline constexpr ParamSpec kCert{.name = "cert", .type = ParamType::path,
                                 .doc = "certificate chain (PEM): the client's, or a listener's own",
                                 .tls = true, .section = "TLS"};
inline constexpr ParamSpec kKey{.name = "key", .type = ParamType::path, .doc = "the private key of cert (PEM)",
                                .tls = true, .section = "TLS"};
inline constexpr ParamSpec kInsecure{.name = "insecure", .type = ParamType::boolean, .default_value = "0",
                                     .doc = "do not verify the peer's certificate or name",
                                     .tls = true, .section = "TLS"};
inline constexpr ParamSpec kSni{.name = "sni", .type = ParamType::string, .roles = kSource | kSink,
                                .doc = "server name sent (SNI) and verified in its certificate; default: the URL's host",
                                .tls = true, .section = "TLS"};
inline constexpr std::array kTlsParams = {kCa, kCert, kKey, kInsecure, kSni};

// Connecting and retrying (gsmq(7) "Connecting and retrying"): the connect form only.
inline constexpr ParamSpec kConnectTimeout{.name = "connect_timeout", .type = ParamType::duration,
                                           .default_value = "5s", .roles = kSource | kSink,
                                           .doc = "how long to wait for the peer at the start; then exit 4",
                                           .section = "Connecting and retrying"};
inline constexpr ParamSpec kRetry{.name = "retry", .type = ParamType::boolean, .default_value = "0",
                                  .roles = kSource | kSink,
                                  .doc = "wait for the peer at the start instead of exit 4 (and without retry_for's limit, "
                                         "where there is one)",
                                  .section = "Connecting and retrying"};
inline constexpr ParamSpec kRetryFor{.name = "retry_for", .type = ParamType::duration, .default_value = "30s",
                                     .roles = kSource | kSink,
                                     .doc = "after a lost connection, keep reconnecting this long, then give up",
                                     .section = "Connecting and retrying"};

// Flow: how much may be on its way at once. Documented with each kind.
inline constexpr ParamSpec kMaxInflight{.name = "max_inflight", .type = ParamType::unsigned_number,
                                        .default_value = "100", .min = 1, .max = 65535, .roles = kSource | kSink,
                                        .doc = "messages sent (or received) and not yet acknowledged, at most"};

// What several kinds mean the same by. Each adapter gives its roles, range and default.
inline constexpr ParamSpec kChannel{.name = "channel", .type = ParamType::string,
                                    .doc = "the channel of messages that name none"};
inline constexpr ParamSpec kEnvelope{.name = "envelope", .type = ParamType::boolean, .default_value = "0",
                                     .doc = "carry each message as its JSON envelope (id, meta, channel kept)"};
inline constexpr ParamSpec kRetries{.name = "retries", .type = ParamType::unsigned_number, .roles = kSink,
                                    .doc = "further attempts after a retryable failure"};

}  // namespace gsmq::endpoint
