#include "endpoint/zmq/registration.h"

#include "endpoint/zmq/adapters.h"

namespace gsmq::endpoint::zmq {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options) {
  return open_source(parse_settings(url, Role::source), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options) {
  return open_sink(parse_settings(url, Role::sink), options);
}

}  // namespace gsmq::endpoint::zmq
