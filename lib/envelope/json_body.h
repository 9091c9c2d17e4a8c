// Whether bytes received as a protocol payload may be flagged body_is_json: what the HTTP
// and CoAP adapters ask of a body with a JSON content type.
#pragma once

#include <string_view>

namespace gsmq {

// True when `bytes` are one JSON value other than a string (a string stays bytes: the
// envelope's "body" string would lose its quotes), nested at most kMaxBodyDepth levels,
// so that the envelope holding it is a line the tools accept.
bool is_json_body(std::string_view bytes);

}  // namespace gsmq
