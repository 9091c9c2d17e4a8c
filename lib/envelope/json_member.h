// Finds a member's value as it is written in a JSON object's text, without parsing: how
// parse_envelope keeps a JSON body's bytes (key order, number spelling, inner spaces).
#pragma once

#include <optional>
#include <string_view>

namespace gsmq {

// The text of the value of the top-level member `name` in `object_text`, without the
// whitespace around it; nullopt when there is no such member. Member names are compared
// after their escapes are decoded ("bo\u0064y" is "body"); of duplicate names the last
// one counts, as in nlohmann/json. `object_text` must already be known to be valid JSON
// (an object, optionally after a UTF-8 byte order mark); other text gives nullopt or an
// unspecified span, never a read outside it.
std::optional<std::string_view> json_member_text(std::string_view object_text, std::string_view name);

}  // namespace gsmq
