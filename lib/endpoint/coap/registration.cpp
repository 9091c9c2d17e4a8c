#include "endpoint/coap/registration.h"

#include <array>

#include "endpoint/coap/client_sink.h"
#include "endpoint/coap/ingest_source.h"
#include "endpoint/coap/observe_source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::coap {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  const Settings settings = read_settings(url, params);
  if (settings.listen) return open_ingest_source(settings, options);
  return open_observe_source(settings, options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  const Settings settings = read_settings(url, params);
  if (settings.listen)
    usage_error(url, "a CoAP sink sends to a server (coap://HOST:PORT/PATH); "
                     "a listening coap:// URL is a source (the ingest server)");
  return open_client_sink(settings, options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "coap", .doc = "a CoAP resource, observed (source) or sent to (sink); an ingest server (listen form)",
           .default_port = kDefaultPort},
    Scheme{.name = "coaps", .doc = "the same over DTLS (a pre-shared key as USER:PASSWORD, or certificates)",
           .tls = true, .default_port = kDefaultSecurePort},
};

constexpr std::array<std::string_view, 2> kMethods = {"POST", "PUT"};
constexpr std::array<std::string_view, 2> kTypes = {"con", "non"};
constexpr std::array kOwnParams = {
    kListen,
    ParamSpec{.name = "method", .type = ParamType::enumeration, .default_value = "POST", .choices = kMethods,
              .roles = kSink, .doc = "the request method"},
    ParamSpec{.name = "type", .type = ParamType::enumeration, .default_value = "con", .choices = kTypes,
              .roles = kSink, .doc = "confirmable or non-confirmable requests"},
    ParamSpec{.name = "content_format", .type = ParamType::string, .roles = kSink,
              .doc = "Content-Format (a number or a media type) for messages whose meta has none"},
    kRetries.with_range(0, 100).with_default("3"),
    ParamSpec{.name = "timeout", .type = ParamType::duration, .default_value = "60s", .min = 1,
              .roles = kSource | kSink, .doc = "limit of one exchange; the observer's wait for the first answer"},
    ParamSpec{.name = "ack_timeout", .type = ParamType::duration, .default_value = "2s", .min = us(1ms),
              .max = us(60s), .roles = kSource | kSink, .doc = "RFC 7252 ACK_TIMEOUT"},
    ParamSpec{.name = "max_retransmit", .type = ParamType::unsigned_number, .default_value = "4", .max = 20,
              .roles = kSource | kSink, .doc = "RFC 7252 MAX_RETRANSMIT"},
    kRetry,
    kConnectTimeout,
    kEnvelope.for_roles(kSink | kListener),
    ParamSpec{.name = "max_pending", .type = ParamType::unsigned_number, .default_value = "1024", .min = 1,
              .max = 1u << 20, .roles = kListener, .doc = "requests waiting for the sink, at most; more get 5.03"},
    kChannel.for_roles(kListener),
};
constexpr auto kParams = concat(kOwnParams, kTlsParams);

}  // namespace

constexpr Adapter kAdapter{.kind = "coap", .schemes = kSchemes, .roles = kAnyRole, .params = kParams,
                           .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::coap
