#include "endpoint/http/registration.h"

#include <array>

#include "endpoint/http/client_sink.h"
#include "endpoint/http/ingest_source.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint::http {
namespace {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  if (!url.listens())
    usage_error(url, "an HTTP source is an ingest server: give the listen form, e.g. " + url.scheme +
                         "://:8080/ingest or add ?listen");
  return open_ingest_source(read_ingest_settings(url, params, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  if (url.listens())
    usage_error(url, "an HTTP sink connects to its target: give http://HOST:PORT/PATH (the listen form is the ingest "
                     "source)");
  return open_client_sink(read_sink_settings(url, params, options), options);
}

constexpr std::array kSchemes = {
    Scheme{.name = "http", .doc = "an HTTP target (sink), or an HTTP ingest server (listen form, source)",
           .default_port = 80},
    Scheme{.name = "https", .doc = "the same over TLS", .tls = true, .default_port = 443},
};

constexpr std::array<std::string_view, 3> kMethods = {"POST", "PUT", "PATCH"};
constexpr std::array kOwnParams = {
    kListen,
    // The sink (connect form).
    ParamSpec{.name = "method", .type = ParamType::enumeration, .default_value = "POST", .choices = kMethods,
              .roles = kSink, .doc = "the request method"},
    kRetries.with_range(0, 1000).with_default("5"),
    ParamSpec{.name = "timeout", .type = ParamType::duration, .default_value = "10s", .min = 1, .roles = kSink,
              .doc = "limit of one attempt: connect, TLS handshake, request and the whole response"},
    ParamSpec{.name = "concurrency", .type = ParamType::unsigned_number, .default_value = "1", .min = 1, .max = 256,
              .roles = kSink, .doc = "connections working in parallel, each with one request in flight"},
    ParamSpec{.name = "batch", .type = ParamType::unsigned_number, .min = 1, .max = 100000, .roles = kSink,
              .doc = "send up to N waiting messages per request, as JSON lines (default: one body each)"},
    ParamSpec{.name = "reply", .type = ParamType::boolean, .default_value = "0", .roles = kSink,
              .doc = "the response is the message's reply (as gsmq-send --request)"},
    // The ingest server (listen form).
    ParamSpec{.name = "timeout", .type = ParamType::duration, .default_value = "30s", .min = 1, .roles = kListener,
              .doc = "time to receive one request, and the keep-alive idle limit"},
    kChannel.for_roles(kListener),
    kEnvelope.for_roles(kListener).with_default("0"),
    ParamSpec{.name = "max_connections", .type = ParamType::unsigned_number, .default_value = "64", .min = 1,
              .max = 100000, .roles = kListener, .doc = "open connections, at most", .alias = "max-connections"},
    ParamSpec{.name = "headers", .type = ParamType::string, .roles = kListener,
              .doc = "request headers (a,b) copied into meta as http.a, http.b"},
};
constexpr std::array kTls = {kCa, kCert, kKey, kInsecure.for_roles(kSink), kSni.for_roles(kSink)};
constexpr auto kParams = concat(kOwnParams, kTls);

}  // namespace

constexpr Adapter kAdapter{.kind = "http", .schemes = kSchemes, .roles = kSink | kListener, .params = kParams,
                           .passes_unknown = kSink, .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::http
