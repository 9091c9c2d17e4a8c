// Several sinks as one (gsmq-bridge SOURCE SINK SINK...): each message goes to every sink
// and is confirmed only once all of them confirmed it; if any refused, it failed.
#pragma once

#include <memory>
#include <vector>

#include "endpoint/endpoint.h"

namespace gsmq {

std::unique_ptr<Sink> make_tee_sink(std::vector<std::unique_ptr<Sink>> sinks);

}  // namespace gsmq
