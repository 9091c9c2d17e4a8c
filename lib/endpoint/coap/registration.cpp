#include "endpoint/coap/registration.h"

#include "endpoint/coap/adapters.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options) {
  const Settings settings = parse_settings(url);
  if (settings.listen) return open_ingest_source(settings, options);
  return open_observe_source(settings, options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options) {
  const Settings settings = parse_settings(url);
  if (settings.listen)
    throw ToolError(kExitUsage, url.text + ": a CoAP sink sends to a server (coap://HOST:PORT/PATH); "
                                           "a listening coap:// URL is a source (the ingest server)");
  return open_client_sink(settings, options);
}

}  // namespace gsmq::endpoint::coap
