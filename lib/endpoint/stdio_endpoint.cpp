#include "endpoint/stdio_endpoint.h"

#include <unistd.h>

#include "endpoint/lines_endpoint.h"

namespace gsmq {

std::unique_ptr<Source> open_stdio_source(const EndpointUrl&, const EndpointOptions& options) {
  return std::make_unique<LinesSource>(STDIN_FILENO, false, false, options);
}

std::unique_ptr<Sink> open_stdio_sink(const EndpointUrl&, const EndpointOptions& options) {
  return std::make_unique<LinesSink>(STDOUT_FILENO, false, false, options);
}

}  // namespace gsmq
