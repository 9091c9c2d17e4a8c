#include "util/duration.h"

#include <charconv>
#include <cmath>

namespace gsmq {

std::optional<Duration> parse_duration(std::string_view text) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || ptr == begin || !std::isfinite(value) || value < 0) return std::nullopt;
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  double scale;
  if (unit.empty() || unit == "s") scale = 1e6;
  else if (unit == "ms") scale = 1e3;
  else if (unit == "us" || unit == "µs") scale = 1;
  else if (unit == "m") scale = 60e6;
  else if (unit == "h") scale = 3600e6;
  else return std::nullopt;
  const double us = value * scale;
  if (us > 9.2e18) return std::nullopt;
  return Duration(static_cast<int64_t>(std::llround(us)));
}

std::string format_duration(Duration d) {
  const auto us = d.count();
  if (us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

}  // namespace gsmq
