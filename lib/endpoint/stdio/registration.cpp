#include "endpoint/stdio/registration.h"

#include <unistd.h>

#include <array>

#include "endpoint/lines/sink.h"
#include "endpoint/lines/source.h"

namespace gsmq::endpoint::stdio {
namespace {

std::unique_ptr<Source> open_source(const EndpointUrl&, const Params&, const EndpointOptions& options) {
  return std::make_unique<lines::LinesSource>(STDIN_FILENO, false, false, options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl&, const Params&, const EndpointOptions& options) {
  return std::make_unique<lines::LinesSink>(STDOUT_FILENO, false, false, options);
}

constexpr std::array kSchemes = {Scheme{.name = "-", .doc = "stdin (as a source) or stdout (as a sink), JSON lines"}};

}  // namespace

constexpr Adapter kAdapter{
    .kind = "stdio", .schemes = kSchemes, .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::stdio
