// A Redis pub/sub channel as a source (redis://HOST/CHANNEL?pubsub): SUBSCRIBE, or
// PSUBSCRIBE when the name has * ? or [. Each published payload is one message (its
// body, or with ?envelope its JSON envelope); meta redis.channel names the channel it
// came on. At most once, like gsmqd events: what is published while the source is not
// subscribed (a lost connection, before it started) is not kept.
#pragma once

#include "endpoint/redis/settings.h"

namespace gsmq::endpoint::redis {

std::unique_ptr<Source> open_pubsub_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::redis
