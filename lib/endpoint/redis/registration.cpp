#include "endpoint/redis/registration.h"

#include <array>

#include "endpoint/redis/settings.h"
#include "endpoint/redis/sink.h"
#include "endpoint/redis/pubsub_source.h"
#include "endpoint/redis/source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::redis {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  Settings s = read_settings(url, params, Role::source, options);
  if (s.pubsub) return open_pubsub_source(std::move(s), options);
  return redis::open_source(std::move(s), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return redis::open_sink(read_settings(url, params, Role::sink, options), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "redis", .doc = "a Redis stream: XADD (sink), a consumer group (source)", .default_port = 6379},
};

constexpr std::array<std::string_view, 2> kDeliver = {"all", "new"};
constexpr std::array kParams = {
    ParamSpec{.name = "group", .type = ParamType::string, .default_value = "gsmq", .roles = kSource,
              .doc = "the consumer group (created with the stream when missing)"},
    ParamSpec{.name = "consumer", .type = ParamType::string, .roles = kSource,
              .doc = "this reader's name in the group (default: the host name)"},
    ParamSpec{.name = "deliver", .type = ParamType::enumeration, .default_value = "all", .choices = kDeliver,
              .roles = kSource, .doc = "where a new group starts: the stream's first entry (all) or new ones"},
    ParamSpec{.name = "claim_idle", .type = ParamType::duration, .default_value = "30s", .roles = kSource,
              .doc = "take over entries other consumers left pending this long (XAUTOCLAIM; 0: never)"},
    ParamSpec{.name = "maxlen", .type = ParamType::unsigned_number, .default_value = "0", .roles = kSink,
              .doc = "XADD MAXLEN ~ N: trim the stream to about N entries (0: no trimming)"},
    ParamSpec{.name = "pubsub", .type = ParamType::boolean, .default_value = "0", .roles = kSource | kSink,
              .doc = "a pub/sub channel (PUBLISH, SUBSCRIBE; * ? [ in a source's make it a pattern), at most once"},
    ParamSpec{.name = "envelope", .type = ParamType::boolean, .default_value = "0", .roles = kSource | kSink,
              .doc = "pubsub: payloads are JSON envelopes (default: bodies)"},
    ParamSpec{.name = "db", .type = ParamType::unsigned_number, .default_value = "0", .max = 65535,
              .roles = kSource | kSink, .doc = "the database number (SELECT)"},
    kConnectTimeout.with_range(us(100ms), ParamSpec{}.max),
    kRetry,
    kRetryFor,
    kMaxInflight,
};

}  // namespace

constexpr Adapter kAdapter{
    .kind = "redis",
    .schemes = kSchemes,
    .params = kParams,
    .connect_only = kNoServer,
    .open_source = open_source,
    .open_sink = open_sink};

}  // namespace gsmq::endpoint::redis
