// The amqp:// sink: publishes with publisher confirms; a message is confirmed when the
// broker's basic.ack for it arrived (docs/endpoints/amqp.md "Sink").
#pragma once

#include <memory>

#include "endpoint/amqp/settings.h"

namespace gsmq::endpoint::amqp {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::amqp
