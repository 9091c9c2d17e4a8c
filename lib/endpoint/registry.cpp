// The adapter registry: one table from URL scheme to the adapter that opens it.
#include <array>
#include <functional>

#include "endpoint/endpoint.h"
#include "endpoint/coap/registration.h"
#include "endpoint/file/registration.h"
#include "endpoint/gsmqd_client/registration.h"
#include "endpoint/http/registration.h"
#include "endpoint/mqtt/registration.h"
#include "endpoint/stdio/registration.h"
#include "endpoint/zmq/registration.h"

namespace gsmq {
namespace {

struct Adapter {
  const char* scheme;
  std::unique_ptr<Source> (*source)(const EndpointUrl&, const EndpointOptions&);
  std::unique_ptr<Sink> (*sink)(const EndpointUrl&, const EndpointOptions&);
};

constexpr std::array kAdapters = {
    Adapter{"-", endpoint::stdio::open_source, endpoint::stdio::open_sink},
    Adapter{"file", endpoint::file::open_source, endpoint::file::open_sink},
    Adapter{"gsmq", endpoint::gsmqd_client::open_source, endpoint::gsmqd_client::open_sink},
    Adapter{"coap", endpoint::coap::open_source, endpoint::coap::open_sink},
    Adapter{"coaps", endpoint::coap::open_source, endpoint::coap::open_sink},
    Adapter{"http", endpoint::http::open_source, endpoint::http::open_sink},
    Adapter{"https", endpoint::http::open_source, endpoint::http::open_sink},
    Adapter{"mqtt", endpoint::mqtt::open_source, endpoint::mqtt::open_sink},
    Adapter{"mqtts", endpoint::mqtt::open_source, endpoint::mqtt::open_sink},
    Adapter{"ws", endpoint::mqtt::open_source, endpoint::mqtt::open_sink},
    Adapter{"wss", endpoint::mqtt::open_source, endpoint::mqtt::open_sink},
    Adapter{"zmq+tcp", endpoint::zmq::open_source, endpoint::zmq::open_sink},
    Adapter{"zmq+ipc", endpoint::zmq::open_source, endpoint::zmq::open_sink},
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
