#include "endpoint/nats/registration.h"

#include <array>

#include "endpoint/nats/settings.h"
#include "endpoint/nats/sink.h"
#include "endpoint/nats/source.h"
#include "endpoint/nats/stream_sink.h"
#include "endpoint/nats/stream_source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::nats {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  Settings s = read_settings(url, params, Role::source, options);
  if (s.jetstream()) return open_stream_source(std::move(s), options);
  return nats::open_source(std::move(s), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  Settings s = read_settings(url, params, Role::sink, options);
  if (s.jetstream()) return open_stream_sink(std::move(s), options);
  return nats::open_sink(std::move(s), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "nats", .doc = "a NATS server: core subjects, or a JetStream stream with ?stream=", .default_port = 4222},
    Scheme{.name = "nats+tls", .doc = "the same over TLS (the nats CLI's tls://)", .tls = true, .default_port = 4222},
};

constexpr std::array<std::string_view, 2> kStorage = {"file", "memory"};
constexpr std::array<std::string_view, 3> kDeliver = {"all", "new", "last"};
constexpr std::array kOwnParams = {
    ParamSpec{.name = "servers", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "more servers of the cluster, HOST:PORT,...; any live one is used"},
    ParamSpec{.name = "queue", .type = ParamType::string, .roles = kSource,
              .doc = "core: a queue group; its members share the messages"},
    ParamSpec{.name = "stream", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "JetStream: the stream (sink: confirmed by its PubAck; source: a durable consumer)"},
    ParamSpec{.name = "create", .type = ParamType::boolean, .default_value = "0", .roles = kSource | kSink,
              .doc = "JetStream: create the stream when it does not exist"},
    ParamSpec{.name = "subjects", .type = ParamType::string, .roles = kSource | kSink,
              .doc = "create: the stream's subjects, A,B,... (default: the URL's subject)"},
    ParamSpec{.name = "replicas", .type = ParamType::unsigned_number, .default_value = "1", .min = 1, .max = 5,
              .roles = kSource | kSink, .doc = "create: the stream's replicas"},
    ParamSpec{.name = "duplicate_window", .type = ParamType::duration, .default_value = "2m", .min = us(1s),
              .roles = kSource | kSink, .doc = "create: how long the stream remembers a Nats-Msg-Id to drop repeats"},
    ParamSpec{.name = "storage", .type = ParamType::enumeration, .default_value = "file", .choices = kStorage,
              .roles = kSource | kSink, .doc = "create: the stream's storage"},
    ParamSpec{.name = "durable", .type = ParamType::string, .roles = kSource,
              .doc = "JetStream: the durable pull consumer (required); readers of one name share the work"},
    ParamSpec{.name = "deliver", .type = ParamType::enumeration, .default_value = "all", .choices = kDeliver,
              .roles = kSource, .doc = "JetStream: where a new consumer starts: all, new or last"},
    ParamSpec{.name = "ack_wait", .type = ParamType::duration, .default_value = "30s", .min = us(1s), .roles = kSource,
              .doc = "JetStream: a message not acknowledged within this is delivered again"},
    ParamSpec{.name = "max_deliver", .type = ParamType::unsigned_number, .default_value = "0", .max = 1'000'000,
              .roles = kSource, .doc = "JetStream: deliveries of one message at most (0: no limit)"},
    ParamSpec{.name = "ack_timeout", .type = ParamType::duration, .default_value = "5s", .min = us(100ms),
              .roles = kSink, .doc = "JetStream: one attempt's wait for the PubAck; then again with the same id"},
    kConnectTimeout.with_range(us(100ms), ParamSpec{}.max),
    kRetry,
    kRetryFor,
    kMaxInflight,
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{
    .kind = "nats",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = kNoServer,
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::nats
