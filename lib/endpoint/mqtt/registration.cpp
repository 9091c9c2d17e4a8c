#include "endpoint/mqtt/registration.h"

#include "endpoint/mqtt/settings.h"
#include "endpoint/mqtt/sink.h"
#include "endpoint/mqtt/source.h"

namespace gsmq::endpoint::mqtt {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options) {
  return open_source(parse_settings(url, Role::source, options), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options) {
  return open_sink(parse_settings(url, Role::sink, options), options);
}

}  // namespace gsmq::endpoint::mqtt
