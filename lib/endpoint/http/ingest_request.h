// How one request to the ingest server becomes messages, or the answer it gets at once
// (404, 405, 401, 413, 400, the GET health check): docs/endpoints/http.md "Ingest server".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "endpoint/http/ingest_settings.h"
#include "endpoint/http/request_response.h"
#include "envelope/message.h"

namespace gsmq::endpoint::http {

struct IngestDecision {
  std::optional<Response> answer;  // set: answer this now, take nothing
  std::vector<Message> messages;   // otherwise: take these (stamped), answer once confirmed
};

IngestDecision decide_ingest(const IngestSettings& config, const Request& request);

// 200 {"ids":[...]}: every message of the request was confirmed by the sink.
Response answer_taken(const std::vector<std::string>& ids);
// 200 with the reply's body (and its Content-Type, X-Gsmq-Id, X-Gsmq-Channel): the sink
// answered a single-message request with a reply (gsmq://...?kind=request).
Response answer_reply(const Message& reply);
// STATUS {"error":TEXT}; 503 also carries Retry-After: 1.
Response answer_error(int status, std::string_view text);

}  // namespace gsmq::endpoint::http
