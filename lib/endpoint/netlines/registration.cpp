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
};

constexpr std::array kParams = {
    kListen.for_roles(kSource | kListener),
    kEnvelope.with_default("0"),
    kChannel.for_roles(kSource | kListener),
    kConnectTimeout,
    kRetry,
};

}  // namespace

constexpr Adapter kAdapter{.kind = "netlines", .schemes = kSchemes, .roles = kAnyRole, .params = kParams,
                           .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::netlines
