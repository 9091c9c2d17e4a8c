// A whole decimal number read from text, all of it: what header and field values that
// carry numbers (Gsmq-Ts, a stream entry's ts) are checked with.
#pragma once

#include <charconv>
#include <string_view>

namespace gsmq {

// True, with `out` set, when `text` is exactly one integer of T's range.
template <typename T>
bool parse_decimal(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace gsmq
