// Redis Streams as a sink: XADD of each message to its stream (the URL's key, else the
// message's channel), pipelined up to ?max_inflight unanswered, with MAXLEN ~ ?maxlen. A
// message is confirmed by XADD's reply (the entry id): it is in the server's memory, and
// on disk as the server's AOF policy says. At least once: after a lost connection, what
// was not answered is added again (Redis has no de-duplication).
#pragma once

#include "endpoint/redis/settings.h"

namespace gsmq::endpoint::redis {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::redis
