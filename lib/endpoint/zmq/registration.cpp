#include "endpoint/zmq/registration.h"

#include <array>

#include "endpoint/shared_params.h"
#include "endpoint/zmq/sink.h"
#include "endpoint/zmq/source.h"

namespace gsmq::endpoint::zmq {
namespace {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return zmq::open_source(read_settings(url, params, Role::source), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  return zmq::open_sink(read_settings(url, params, Role::sink), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "zmq+tcp", .doc = "a ZeroMQ socket over TCP: PULL or SUB (source), PUSH or PUB (sink)"},
    Scheme{.name = "zmq+ipc", .doc = "a ZeroMQ socket over a Unix socket: PULL or SUB (source), PUSH or PUB (sink)"},
};

constexpr std::array<std::string_view, 4> kPatterns = {"push", "pull", "pub", "sub"};
constexpr std::array kParams = {
    kListen,
    ParamSpec{.name = "pattern", .type = ParamType::enumeration, .choices = kPatterns,
              .doc = "the socket type (default: pull for a source, push for a sink)"},
    ParamSpec{.name = "topic", .type = ParamType::string,
              .doc = "pattern=sub: the subscription, a prefix of the first frame"},
    kChannel,
    kEnvelope,
    ParamSpec{.name = "frames", .type = ParamType::unsigned_number, .default_value = "2", .min = 1, .max = 2,
              .roles = kSink | kListener, .doc = "sink: send [body] (1) or [channel, body] (2); not with envelope"},
    ParamSpec{.name = "hwm", .type = ParamType::unsigned_number, .default_value = "1000", .max = 10'000'000,
              .doc = "high-water mark, messages per peer (0: no limit)"},
    ParamSpec{.name = "linger", .type = ParamType::duration, .default_value = "5s",
              .doc = "how long closing may take to send what is queued"},
    ParamSpec{.name = "timeout", .type = ParamType::duration, .roles = kSink | kListener,
              .doc = "sink: a message nobody took within this fails, and the peer counts as gone (default: wait)"},
    kRetry,
    kConnectTimeout,
};

}  // namespace

constexpr Adapter kAdapter{.kind = "zmq", .schemes = kSchemes, .roles = kAnyRole, .params = kParams,
                           .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::zmq
