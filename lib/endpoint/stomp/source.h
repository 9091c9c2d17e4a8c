// The stomp:// source: SUBSCRIBE with ack:client-individual; each MESSAGE is ACKed after
// the sink confirmed it and NACKed when it refused it (docs/endpoints/stomp.md "Source").
#pragma once

#include <memory>

#include "endpoint/stomp/settings.h"

namespace gsmq::endpoint::stomp {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::stomp
