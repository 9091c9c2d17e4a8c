// redis://[[USER]:PASSWORD@]HOST[:6379]/STREAM: Redis Streams on one server (hiredis),
// XADD as a sink, a consumer group (XREADGROUP, XACK, XAUTOCLAIM) as a source. See
// docs/endpoints/redis.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::redis {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::redis
