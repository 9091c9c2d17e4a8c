// The JetStream stream an endpoint names (?stream=): created with its subjects,
// replicas, duplicate window and storage when ?create asks and it does not exist yet,
// else checked to exist, before the first message.
#pragma once

#include <nats/nats.h>

#include "endpoint/nats/connection.h"

namespace gsmq::endpoint::nats {

// A JetStream context on `conn` with `options` (nullptr: nats.c's defaults); Error on failure.
jsCtx* jetstream_of(Connection& conn, jsOptions* options);

// Creates or checks the stream; Error(unavailable) when it does not exist (without
// ?create) or JetStream did not answer within ?connect_timeout.
void ensure_stream(jsCtx* js, Connection& conn);

// True for JetStream answers worth trying again: no responders (503, an election under
// way), a timeout, a lost connection, "temporarily unavailable".
bool retryable(natsStatus status, jsErrCode code);

}  // namespace gsmq::endpoint::nats
