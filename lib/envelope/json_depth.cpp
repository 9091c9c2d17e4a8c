#include "envelope/json_depth.h"

#include <cstring>

namespace gsmq {
namespace {

// The index of the quote that ends the string opened at `open`, or npos. A quote is
// escaped when an odd number of backslashes runs up to it (escapes other than \\ never
// end in a backslash). memchr: strings are most of a line's bytes.
size_t string_end(std::string_view text, size_t open) {
  for (size_t from = open + 1; from < text.size();) {
    const void* hit = std::memchr(text.data() + from, '"', text.size() - from);
    if (!hit) return std::string_view::npos;
    const size_t quote = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    size_t backslashes = 0;
    while (quote - backslashes > open + 1 && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    from = quote + 1;
  }
  return std::string_view::npos;
}

}  // namespace

bool json_depth_within(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
      if (i == std::string_view::npos) return true;  // unterminated: nothing after it counts
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace gsmq
