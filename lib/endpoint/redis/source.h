// Redis Streams as a source: reads the stream as a consumer of a consumer group
// (?group=, created at the stream's start or end when missing, with the stream), first
// its own entries still pending from an earlier run, then new ones (XREADGROUP), and
// every ?claim_idle the entries other consumers left pending that long (XAUTOCLAIM). An
// entry is acknowledged (XACK) only after the sink confirmed it; a refused one is handed
// out again after a back-off, or acknowledged and dropped when refusals go to the dead
// letter. At least once.
#pragma once

#include "endpoint/redis/settings.h"

namespace gsmq::endpoint::redis {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::redis
