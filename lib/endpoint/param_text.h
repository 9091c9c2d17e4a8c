// How a parameter's accepted values are written, the same way in usage errors and in
// --endpoints: "a whole number from 0 to 2", "1ms-60s", "POST, PUT or PATCH".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "endpoint/param_spec.h"

namespace gsmq::endpoint {

// "a, b or c" with conjunction "or"; "a, b, c" with an empty one.
std::string join_words(const std::vector<std::string>& words, std::string_view conjunction);

// A bound of `p`'s range as the user writes it: "65535s" (duration), "64MiB" (size), "2".
std::string bound_text(const ParamSpec& p, uint64_t value);

// What a value of `p` must be, completing "expected ...".
std::string accepted_form(const ParamSpec& p);

// The range or choices in short: "0-2", ">0", "POST|PUT|PATCH", "" when any value goes.
std::string range_text(const ParamSpec& p);

// True when `p`'s range has a lower or an upper bound.
bool has_lower_bound(const ParamSpec& p);
bool has_upper_bound(const ParamSpec& p);

}  // namespace gsmq::endpoint
