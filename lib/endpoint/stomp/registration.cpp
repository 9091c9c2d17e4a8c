#include "endpoint/stomp/registration.h"

#include <array>

#include "endpoint/shared_params.h"
#include "endpoint/stomp/settings.h"
#include "endpoint/stomp/sink.h"
#include "endpoint/stomp/source.h"

namespace gsmq::endpoint::stomp {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return stomp::open_source(read_settings(url, params, Role::source, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return stomp::open_sink(read_settings(url, params, Role::sink, options), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "stomp", .doc = "a STOMP 1.2 broker, over TCP", .default_port = 61613},
    Scheme{.name = "stomps", .doc = "a STOMP 1.2 broker, over TLS", .tls = true, .default_port = 61614},
    Scheme{.name = "stomp+ws", .doc = "a STOMP 1.2 broker, over WebSocket (RabbitMQ's Web-STOMP)", .default_port = 15674},
    Scheme{.name = "stomp+wss", .doc = "a STOMP 1.2 broker, over WebSocket and TLS", .tls = true, .default_port = 15673},
};

constexpr std::array kOwnParams = {
    ParamSpec{.name = "destination", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "the destination (/queue/NAME, /topic/NAME, ...), when the URL path is not it"},
    ParamSpec{.name = "vhost", .type = ParamType::string, .default_value = "/", .roles = kSource | kSink,
              .doc = "the CONNECT frame's host header: the virtual host"},
    ParamSpec{.name = "persistent", .type = ParamType::boolean, .default_value = "1", .roles = kSink,
              .doc = "send persistent:true (RabbitMQ, ActiveMQ: kept across a broker restart)"},
    ParamSpec{.name = "heartbeat", .type = ParamType::duration, .default_value = "10s", .roles = kSource | kSink,
              .doc = "heart-beats both ways at this interval, or 0 (none)"},
    ParamSpec{.name = "path", .type = ParamType::string, .default_value = "/ws", .roles = kSource | kSink,
              .doc = "stomp+ws://, stomp+wss://: the WebSocket's HTTP path"},
    kConnectTimeout.with_range(us(1s), ParamSpec{}.max),
    kRetry,
    kRetryFor,
    kMaxInflight,
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{
    .kind = "stomp",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = kNoServer,
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::stomp
