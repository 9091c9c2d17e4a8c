// The HTTP request the sink sends for one message (its body bytes, meta in headers) or for
// a batch (one JSON-lines body of envelopes), docs/endpoints/http.md "Sink".
#pragma once

#include <vector>

#include "endpoint/http/request_response.h"
#include "endpoint/http/sink_settings.h"
#include "envelope/message.h"

namespace gsmq::endpoint::http {

// The request target for a message on `channel`: the URL's path with {channel} replaced
// (percent-encoded, '/' kept), plus the forwarded query.
std::string target_for(const SinkSettings& config, const std::string& channel);

// One message: the body is the message body; Content-Type from meta http.content-type,
// else content-type, else application/json for a JSON body, else application/octet-stream.
Request request_for_message(const SinkSettings& config, const Message& message);

// Several messages (?batch=N): one envelope per line, Content-Type application/x-ndjson.
// They share the target of the first one.
Request request_for_batch(const SinkSettings& config, const std::vector<const Message*>& messages);

// A response as a message (the reply of ?reply / --request): body, Content-Type as meta
// http.content-type, X-Gsmq-* headers as for the ingest server, http.status.
Message message_from_response(const Response& response);

}  // namespace gsmq::endpoint::http
