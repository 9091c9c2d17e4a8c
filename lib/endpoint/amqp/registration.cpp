#include "endpoint/amqp/registration.h"

#include <array>

#include "endpoint/amqp/settings.h"
#include "endpoint/amqp/sink.h"
#include "endpoint/amqp/source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::amqp {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return amqp::open_source(read_settings(url, params, Role::source, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return amqp::open_sink(read_settings(url, params, Role::sink, options), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "amqp", .doc = "an AMQP 0.9.1 broker (RabbitMQ), over TCP", .default_port = 5672},
    Scheme{.name = "amqps", .doc = "an AMQP 0.9.1 broker (RabbitMQ), over TLS", .tls = true, .default_port = 5671},
};

constexpr std::array<std::string_view, 4> kExchangeTypes = {"direct", "fanout", "topic", "headers"};
constexpr std::array<std::string_view, 3> kQueueTypes = {"classic", "quorum", "stream"};
constexpr std::array kOwnParams = {
    ParamSpec{.name = "vhost", .type = ParamType::string, .default_value = "/", .roles = kSource | kSink,
              .doc = "the virtual host"},
    ParamSpec{.name = "exchange", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "sink: the exchange published to (default: the default exchange); source: the one the queue is bound to"},
    ParamSpec{.name = "exchange_type", .type = ParamType::enumeration, .default_value = "topic",
              .choices = kExchangeTypes, .roles = kSource | kSink, .doc = "the type of the exchange declare=1 declares"},
    ParamSpec{.name = "routing_key", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "sink: the routing key, when the URL path is not it; source: the binding key (with exchange)"},
    ParamSpec{.name = "queue", .type = ParamType::string, .roles = kSource,
              .doc = "the queue consumed, when the URL path is not it"},
    ParamSpec{.name = "declare", .type = ParamType::boolean, .default_value = "0", .roles = kSource | kSink,
              .doc = "declare the exchange and queue the URL names (durable), and bind them; else they must exist"},
    ParamSpec{.name = "queue_type", .type = ParamType::enumeration, .default_value = "classic", .choices = kQueueTypes,
              .roles = kSource | kSink, .doc = "the x-queue-type of the queue declare=1 declares"},
    ParamSpec{.name = "offset", .type = ParamType::string, .roles = kSource,
              .doc = "stream queues: where to start: first, last, next, an offset or a time (2026-12-01T08:00:00Z)"},
    ParamSpec{.name = "mandatory", .type = ParamType::boolean, .default_value = "1", .roles = kSink,
              .doc = "publish mandatory: a message no queue takes is returned, and fails"},
    ParamSpec{.name = "persistent", .type = ParamType::boolean, .default_value = "1", .roles = kSink,
              .doc = "delivery mode 2 (persistent), unless meta amqp.delivery_mode says otherwise"},
    ParamSpec{.name = "heartbeat", .type = ParamType::duration, .default_value = "30s", .max = us(65535s),
              .roles = kSource | kSink, .doc = "AMQP heartbeat, whole seconds from 1s, or 0 (off)"},
    kConnectTimeout.with_range(us(1s), ParamSpec{}.max),
    kRetry,
    kRetryFor,
    kMaxInflight.with_default("100"),
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{
    .kind = "amqp",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = kNoServer,
    .several_servers = true,  // a broker list, failed over in turn
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::amqp
