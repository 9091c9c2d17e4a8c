#include "endpoint/coap_endpoint.h"

#include "endpoint/coap/adapters.h"

namespace gsmq {

std::unique_ptr<Source> open_coap_source(const EndpointUrl& url, const EndpointOptions& options) {
  const coap::Settings settings = coap::parse_settings(url);
  if (settings.listen) return coap::open_ingest_source(settings, options);
  return coap::open_observe_source(settings, options);
}

std::unique_ptr<Sink> open_coap_sink(const EndpointUrl& url, const EndpointOptions& options) {
  const coap::Settings settings = coap::parse_settings(url);
  if (settings.listen)
    throw ToolError(kExitUsage, url.text + ": a CoAP sink sends to a server (coap://HOST:PORT/PATH); "
                                           "a listening coap:// URL is a source (the ingest server)");
  return coap::open_client_sink(settings, options);
}

}  // namespace gsmq
