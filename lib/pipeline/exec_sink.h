// --exec CMD as a sink: runs `sh -c CMD` once per message with the message (its JSON line,
// or the bare body with --raw) on stdin and GSMQ_CHANNEL, GSMQ_ID, GSMQ_SEQ in the
// environment. Exit 0 confirms the message; anything else refuses it. With `capture`,
// CMD's stdout becomes the reply (request-reply); otherwise it goes to our stdout.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq {

std::unique_ptr<Sink> open_exec_sink(const std::string& command, bool capture, const EndpointOptions& options);

}  // namespace gsmq
