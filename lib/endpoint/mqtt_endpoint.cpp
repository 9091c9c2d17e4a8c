#include "endpoint/mqtt_endpoint.h"

#include "endpoint/mqtt/settings.h"
#include "endpoint/mqtt/sink.h"
#include "endpoint/mqtt/source.h"

namespace gsmq {

std::unique_ptr<Source> open_mqtt_source(const EndpointUrl& url, const EndpointOptions& options) {
  using namespace mqtt_adapter;
  return open_source(parse_settings(url, Role::source, options), options);
}

std::unique_ptr<Sink> open_mqtt_sink(const EndpointUrl& url, const EndpointOptions& options) {
  using namespace mqtt_adapter;
  return open_sink(parse_settings(url, Role::sink, options), options);
}

}  // namespace gsmq
