// Core NATS as a sink: publishes each message to its subject (the URL's, else the
// message's channel) with its id, ts, priority and meta as headers. A message is
// confirmed once a flush after it (a PING answered by the server) succeeded: the server
// had it and passed it to whoever was subscribed then. At most once: what a reader was
// not subscribed for, or too slow to take, is gone (use ?stream= for JetStream).
#pragma once

#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::nats
