#include "endpoint/http/registration.h"

#include "endpoint/http/client_sink.h"
#include "endpoint/http/ingest_source.h"

namespace gsmq::endpoint::http {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options) {
  if (!url.listens())
    throw ToolError(kExitUsage, url.text + ": an HTTP source is an ingest server: give the listen form, e.g. " +
                                    url.scheme + "://:8080/ingest or add ?listen");
  return open_ingest_source(parse_ingest_config(url, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options) {
  if (url.listens())
    throw ToolError(kExitUsage, url.text + ": an HTTP sink connects to its target: give http://HOST:PORT/PATH "
                                           "(the listen form is the ingest source)");
  return open_client_sink(parse_sink_config(url, options), options);
}

}  // namespace gsmq::endpoint::http
