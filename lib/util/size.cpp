#include "util/size.h"

#include <cctype>
#include <limits>

namespace gsmq {

std::optional<size_t> parse_size(const std::string& text) {
  size_t pos = 0;
  unsigned long long value = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;  // "-1" would wrap
  try {
    value = std::stoull(text, &pos);
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = text.substr(pos);
  unsigned long long scale = 1;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB") scale = 1ull << 10;
  else if (unit == "M" || unit == "MiB") scale = 1ull << 20;
  else if (unit == "G" || unit == "GiB") scale = 1ull << 30;
  else return std::nullopt;
  if (value > std::numeric_limits<size_t>::max() / scale) return std::nullopt;
  return static_cast<size_t>(value * scale);
}

std::string format_size(size_t bytes) {
  static constexpr struct {
    const char* unit;
    int shift;
  } kUnits[] = {{"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
  for (const auto& [unit, shift] : kUnits)
    if (bytes >= (size_t{1} << shift) && bytes % (size_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
  return std::to_string(bytes);
}

}  // namespace gsmq
