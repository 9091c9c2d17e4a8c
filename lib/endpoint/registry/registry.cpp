#include "endpoint/registry/registry.h"

#include <array>

#include "endpoint/amqp/registration.h"
#include "endpoint/coap/registration.h"
#include "endpoint/file/registration.h"
#include "endpoint/gsmqd_client/registration.h"
#include "endpoint/http/registration.h"
#include "endpoint/mqtt/registration.h"
#include "endpoint/nats/registration.h"
#include "endpoint/netlines/registration.h"
#include "endpoint/params.h"
#include "endpoint/redis/registration.h"
#include "endpoint/stdio/registration.h"
#include "endpoint/stomp/registration.h"
#include "endpoint/zmq/registration.h"

namespace gsmq {
namespace endpoint {
namespace {

constexpr std::array kAdapters = {&stdio::kAdapter, &file::kAdapter,  &gsmqd_client::kAdapter, &mqtt::kAdapter,
                                  &http::kAdapter,  &coap::kAdapter, &zmq::kAdapter,
                                  &amqp::kAdapter, &stomp::kAdapter, &nats::kAdapter, &redis::kAdapter,
                                  &netlines::kAdapter};

EndpointUrl parse_or_throw(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  if (!url) throw Error(ErrorKind::usage, error);
  return *url;
}

const Adapter& adapter_of(const EndpointUrl& url) {
  if (const Adapter* a = find_adapter(url.scheme)) return *a;
  std::string known;
  for (const Adapter* a : kAdapters)
    for (const Scheme& s : a->schemes) known += (known.empty() ? "" : ", ") + std::string(s.name);
  throw Error(ErrorKind::usage, "unknown endpoint kind \"" + url.scheme + "\" in " + url.text + " (known: " + known + ")");
}

}  // namespace

std::span<const Adapter* const> registered_adapters() { return kAdapters; }

const Adapter* find_adapter(std::string_view scheme) {
  for (const Adapter* a : kAdapters)
    if (find_scheme(*a, scheme)) return a;
  return nullptr;
}

}  // namespace endpoint

// Parameters are checked before the adapter opens anything: a bad URL is exit 2 before
// any connection is tried.
std::unique_ptr<Source> open_source(const std::string& text, const EndpointOptions& options) {
  using namespace endpoint;
  const EndpointUrl url = parse_or_throw(text);
  const Adapter& adapter = adapter_of(url);
  if (!adapter.open_source) throw Error(ErrorKind::usage, url.scheme + " endpoints cannot be read from");
  return adapter.open_source(url, parse_params(adapter, url, opened_as(adapter, url, Role::source)), options);
}

std::unique_ptr<Sink> open_sink(const std::string& text, const EndpointOptions& options) {
  using namespace endpoint;
  const EndpointUrl url = parse_or_throw(text);
  const Adapter& adapter = adapter_of(url);
  if (!adapter.open_sink) throw Error(ErrorKind::usage, url.scheme + " endpoints cannot be written to");
  return adapter.open_sink(url, parse_params(adapter, url, opened_as(adapter, url, Role::sink)), options);
}

}  // namespace gsmq
