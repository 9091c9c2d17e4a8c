// Core NATS as a source: subscribes to the URL's subject (wildcards allowed; with
// ?queue= as a member of that queue group) and hands each message out. At most once,
// like gsmqd events: core NATS has no acknowledgement, so a message is out of the
// server's hands once it arrived, and what arrives while the source is away is not kept.
#pragma once

#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::nats
