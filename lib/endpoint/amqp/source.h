// The amqp:// source: consumes a queue (basic.consume with a prefetch, manual acks) and
// acknowledges each delivery only after the sink confirmed it (docs/endpoints/amqp.md
// "Source").
#pragma once

#include <memory>

#include "endpoint/amqp/settings.h"

namespace gsmq::endpoint::amqp {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::amqp
