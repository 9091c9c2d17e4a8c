// The stomp:// sink: SEND with a receipt; a message is confirmed when the broker's
// RECEIPT for it came, and fails on an ERROR naming it (docs/endpoints/stomp.md "Sink").
#pragma once

#include <memory>

#include "endpoint/stomp/settings.h"

namespace gsmq::endpoint::stomp {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::stomp
