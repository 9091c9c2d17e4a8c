#include "endpoint/zmq_endpoint.h"

#include "endpoint/zmq/adapters.h"

namespace gsmq {

std::unique_ptr<Source> open_zmq_source(const EndpointUrl& url, const EndpointOptions& options) {
  return zmq_adapter::open_source(zmq_adapter::parse_settings(url, zmq_adapter::Role::source), options);
}

std::unique_ptr<Sink> open_zmq_sink(const EndpointUrl& url, const EndpointOptions& options) {
  return zmq_adapter::open_sink(zmq_adapter::parse_settings(url, zmq_adapter::Role::sink), options);
}

}  // namespace gsmq
