// A strict check that text is one JSON value, by a single byte scan that builds nothing
// and does not recurse: how format_envelope decides, cheaply, that a JSON body can go out
// verbatim.
#pragma once

#include <cstddef>
#include <string_view>

namespace gsmq {

// True when `text` is exactly one JSON value (RFC 8259; whitespace around it allowed),
// nested at most `max_depth` levels, and nlohmann/json would accept it: strings are
// well-formed UTF-8 with no unpaired surrogate escapes, and every number fits a double
// (1e400 does not). A leading byte order mark is not accepted.
bool is_valid_json(std::string_view text, size_t max_depth);

}  // namespace gsmq
