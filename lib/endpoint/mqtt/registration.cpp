#include "endpoint/mqtt/registration.h"

#include <array>

#include "endpoint/mqtt/settings.h"
#include "endpoint/mqtt/sink.h"
#include "endpoint/mqtt/source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::mqtt {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return mqtt::open_source(read_settings(url, params, Role::source, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return mqtt::open_sink(read_settings(url, params, Role::sink, options), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "mqtt", .doc = "an MQTT broker, over TCP", .default_port = 1883},
    Scheme{.name = "mqtts", .doc = "an MQTT broker, over TLS", .tls = true, .default_port = 8883},
    Scheme{.name = "ws", .doc = "an MQTT broker, over WebSocket (the path is the WebSocket's)", .default_port = 80},
    Scheme{.name = "wss", .doc = "an MQTT broker, over WebSocket and TLS", .tls = true, .default_port = 443},
};

constexpr std::array<std::string_view, 5> kVersions = {"3", "3.1.1", "4", "5", "5.0"};
constexpr std::array kOwnParams = {
    ParamSpec{.name = "topic", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "the filter (source) or topic (sink), when the URL path is not it (ws://, wss://)"},
    ParamSpec{.name = "qos", .type = ParamType::unsigned_number, .default_value = "1", .max = 2,
              .roles = kSource | kSink, .doc = "subscription QoS; sink: every publish's (else meta mqtt.qos, else 1)"},
    ParamSpec{.name = "retain", .type = ParamType::boolean, .roles = kSink,
              .doc = "publish retained (else meta mqtt.retain, else not)"},
    ParamSpec{.name = "clean", .type = ParamType::boolean, .default_value = "1", .roles = kSource | kSink,
              .doc = "clean session (3.1.1) or clean start (5); 0 keeps a persistent one (needs client_id)"},
    ParamSpec{.name = "client_id", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "the MQTT client identifier (default: gsmq- and 12 random hex digits)"},
    ParamSpec{.name = "version", .type = ParamType::enumeration, .default_value = "3", .choices = kVersions,
              .roles = kSource | kSink, .doc = "MQTT 3.1.1 (3, 3.1.1, 4) or MQTT 5 (5, 5.0)"},
    ParamSpec{.name = "keepalive", .type = ParamType::duration, .default_value = "30s", .max = us(65535s),
              .roles = kSource | kSink, .doc = "MQTT keep-alive, whole seconds from 1s, or 0 (off)"},
    ParamSpec{.name = "session_expiry", .type = ParamType::duration, .roles = kSource | kSink,
              .doc = "MQTT 5 Session Expiry Interval (default: never with clean=0, else 0)", .keyword = "never"},
    kConnectTimeout.with_range(us(1s), ParamSpec{}.max),
    kRetry,
    kRetryFor,
    kMaxInflight,
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{
    .kind = "mqtt",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = kNoBroker,
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::mqtt
