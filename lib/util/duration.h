// Human durations on the command line and in URLs: "250ms", "1.5s", "2m", "1h", "30us";
// a bare number is seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gsmq {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::microseconds;

std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration d);

}  // namespace gsmq
