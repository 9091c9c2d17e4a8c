#include "endpoint/netlines/registration.h"

#include <array>

#include "endpoint/netlines/settings.h"
#include "endpoint/netlines/sink.h"
#include "endpoint/netlines/source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::netlines {
namespace {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return netlines::open_source(read_settings(url, params, Role::source), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return netlines::open_sink(read_settings(url, params, Role::sink), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "tcp", .doc = "plain lines over TCP: connect, or listen (source) with tcp://:PORT"},
    Scheme{.name = "udp", .doc = "plain lines over UDP: send datagrams, or listen (source) with udp://:PORT"},
    Scheme{.name = "lines+ws", .doc = "lines over WebSocket, a message each: connect, or listen (source) with lines+ws://:PORT",
           .default_port = 80},
    Scheme{.name = "lines+wss", .doc = "lines over WebSocket and TLS", .tls = true, .default_port = 443},
};

constexpr std::array kOwnParams = {
    kListen.for_roles(kSource | kListener),
    kEnvelope.with_default("0"),
    kChannel.for_roles(kSource | kListener),
    kConnectTimeout,
    kRetry,
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{.kind = "netlines", .schemes = kSchemes, .roles = kAnyRole, .params = kParams,
                           .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::netlines
