// gsmq:// as a source, by ?kind=: a queue receiver (the default; acks after delivery),
// an events / events-store subscriber, or a request responder.
#pragma once

#include "endpoint/gsmqd_client/connection.h"

namespace gsmq::endpoint::gsmqd_client {

std::unique_ptr<Source> open_queue_source(std::shared_ptr<Connection> connection);
std::unique_ptr<Source> open_subscribe_source(std::shared_ptr<Connection> connection);
std::unique_ptr<Source> open_respond_source(std::shared_ptr<Connection> connection);

// The one of those the connection's ?kind= names; Error(usage) for a kind that is a sink.
std::unique_ptr<Source> open_source_of_kind(std::shared_ptr<Connection> connection);

}  // namespace gsmq::endpoint::gsmqd_client
