// gsmq:// as a sink: queue sends (?kind=queue, the default) and events / events-store
// publishes stream batches to gsmqd, many messages per frame, several frames in flight;
// each message is confirmed once gsmqd made it durable. ?kind=request sends each message
// as a request and confirms it with the reply.
#pragma once

#include "endpoint/gsmqd_client/connection.h"

namespace gsmq::endpoint::gsmqd_client {

std::unique_ptr<Sink> open_sink(std::shared_ptr<Connection> connection);

}  // namespace gsmq::endpoint::gsmqd_client
