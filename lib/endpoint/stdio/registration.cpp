#include "endpoint/stdio/registration.h"

#include <unistd.h>

#include "endpoint/lines/sink.h"
#include "endpoint/lines/source.h"

namespace gsmq::endpoint::stdio {

std::unique_ptr<Source> open_source(const EndpointUrl&, const EndpointOptions& options) {
  return std::make_unique<lines::LinesSource>(STDIN_FILENO, false, false, options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl&, const EndpointOptions& options) {
  return std::make_unique<lines::LinesSink>(STDOUT_FILENO, false, false, options);
}

}  // namespace gsmq::endpoint::stdio
