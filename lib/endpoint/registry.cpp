// The adapter registry: one table from URL scheme to the adapter that opens it.
#include <array>
#include <functional>

#include "endpoint/endpoint.h"
#include "endpoint/coap_endpoint.h"
#include "endpoint/file_endpoint.h"
#include "endpoint/gsmqd_client/registration.h"
#include "endpoint/http_endpoint.h"
#include "endpoint/mqtt_endpoint.h"
#include "endpoint/stdio_endpoint.h"
#include "endpoint/zmq_endpoint.h"

namespace gsmq {
namespace {

struct Adapter {
  const char* scheme;
  std::unique_ptr<Source> (*source)(const EndpointUrl&, const EndpointOptions&);
  std::unique_ptr<Sink> (*sink)(const EndpointUrl&, const EndpointOptions&);
};

constexpr std::array kAdapters = {
    Adapter{"-", open_stdio_source, open_stdio_sink},
    Adapter{"file", open_file_source, open_file_sink},
    Adapter{"gsmq", endpoint::gsmqd_client::open_source, endpoint::gsmqd_client::open_sink},
    Adapter{"coap", open_coap_source, open_coap_sink},
    Adapter{"coaps", open_coap_source, open_coap_sink},
    Adapter{"http", open_http_source, open_http_sink},
    Adapter{"https", open_http_source, open_http_sink},
    Adapter{"mqtt", open_mqtt_source, open_mqtt_sink},
    Adapter{"mqtts", open_mqtt_source, open_mqtt_sink},
    Adapter{"ws", open_mqtt_source, open_mqtt_sink},
    Adapter{"wss", open_mqtt_source, open_mqtt_sink},
    Adapter{"zmq+tcp", open_zmq_source, open_zmq_sink},
    Adapter{"zmq+ipc", open_zmq_source, open_zmq_sink},
};

const Adapter& find_adapter(const EndpointUrl& url) {
  for (const auto& a : kAdapters)
    if (url.scheme == a.scheme) return a;
  std::string known;
  for (const auto& a : kAdapters) known += std::string(known.empty() ? "" : ", ") + a.scheme;
  throw ToolError(kExitUsage, "unknown endpoint kind \"" + url.scheme + "\" in " + url.text + " (known: " + known + ")");
}

EndpointUrl parse_or_throw(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  if (!url) throw ToolError(kExitUsage, error);
  return *url;
}

}  // namespace

std::unique_ptr<Source> open_source(const std::string& text, const EndpointOptions& options) {
  const EndpointUrl url = parse_or_throw(text);
  const Adapter& adapter = find_adapter(url);
  if (!adapter.source) throw ToolError(kExitUsage, url.scheme + " endpoints cannot be read from");
  return adapter.source(url, options);
}

std::unique_ptr<Sink> open_sink(const std::string& text, const EndpointOptions& options) {
  const EndpointUrl url = parse_or_throw(text);
  const Adapter& adapter = find_adapter(url);
  if (!adapter.sink) throw ToolError(kExitUsage, url.scheme + " endpoints cannot be written to");
  return adapter.sink(url, options);
}

}  // namespace gsmq
