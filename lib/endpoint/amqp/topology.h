// What a URL names on the broker (exchange, queue, binding), declared with ?declare=1 or
// else checked to exist, on a connection's channel: the setup a sink and a source share.
#pragma once

#include <optional>
#include <string>

#include "endpoint/amqp/connection.h"

namespace gsmq::endpoint::amqp {

// The exchange of the URL (none for the default exchange): declared (durable, of
// ?exchange_type) or checked. Why not, in words, naming it.
std::optional<std::string> ensure_exchange(Connection& conn, const Settings& settings, ErrorKind& kind);

// A named queue: declared (durable, x-queue-type=?queue_type) or checked. Empty `name`:
// a server-named, exclusive one, whose name is returned in `name`.
std::optional<std::string> ensure_queue(Connection& conn, const Settings& settings, std::string& name, ErrorKind& kind);

// Binds queue `name` to the URL's exchange with the URL's routing key (the binding key).
std::optional<std::string> bind_queue(Connection& conn, const Settings& settings, const std::string& name, ErrorKind& kind);

}  // namespace gsmq::endpoint::amqp
