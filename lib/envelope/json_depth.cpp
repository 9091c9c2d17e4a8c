#include "envelope/json_depth.h"

namespace gsmq {

bool json_depth_within(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '"') {
      // Skip the string; an escaped character (\" or \\) cannot end it.
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace gsmq
