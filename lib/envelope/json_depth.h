// How deep JSON text nests, found by a byte scan that builds nothing: the guard that keeps
// deeply nested input away from code that recurses on it (nlohmann's dump and copy).
#pragma once

#include <cstddef>
#include <string_view>

namespace gsmq {

// True when no array or object in `text` opens more than `max_depth` levels deep: a
// scalar is depth 0, [] is 1, {"a":[1]} is 2. Brackets inside strings do not count.
// The text need not be valid JSON; this only counts, validity is the parser's business.
bool json_depth_within(std::string_view text, size_t max_depth);

}  // namespace gsmq
