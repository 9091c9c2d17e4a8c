#include "envelope/json_validate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "envelope/utf8.h"

namespace gsmq {
namespace {

using Byte = unsigned char;

bool is_space(Byte c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(Byte c) { return c >= '0' && c <= '9'; }

int hex_value(Byte c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bytes that stand for themselves inside a string: printable ASCII but '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : p_(reinterpret_cast<const Byte*>(text.data())), end_(p_ + text.size()) {}

  bool at_end() const { return p_ == end_; }
  bool peek(Byte c) const { return p_ < end_ && *p_ == c; }
  bool take(Byte c) {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }
  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }
  Byte next() const { return p_ < end_ ? *p_ : 0; }

  // At '"': the string up to and past its closing quote.
  bool string() {
    ++p_;
    for (;;) {
      while (p_ < end_ && kPlain[*p_]) ++p_;
      if (p_ == end_) return false;
      const Byte c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x20 || !utf8_sequence()) {
        return false;
      }
    }
  }

  // At '-' or a digit: a number that a double holds (nlohmann refuses one that overflows).
  bool number() {
    const Byte* start = p_;
    take('-');
    size_t int_digits = 0;
    if (take('0')) {
      int_digits = 1;
    } else {
      while (p_ < end_ && is_digit(*p_)) ++p_, ++int_digits;
      if (int_digits == 0) return false;
    }
    if (take('.')) {
      if (!digits()) return false;
    }
    size_t exponent = 0;  // its magnitude when positive, saturated
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      const bool negative = take('-');
      if (!negative) take('+');
      if (p_ == end_ || !is_digit(*p_)) return false;
      for (; p_ < end_ && is_digit(*p_); ++p_)
        if (!negative && exponent < 100000) exponent = exponent * 10 + (*p_ - '0');
    }
    // Below 10^300 for sure: no need to ask strtod (what nlohmann uses) whether it overflows.
    if (int_digits + exponent <= 300) return true;
    const std::string text(reinterpret_cast<const char*>(start), static_cast<size_t>(p_ - start));
    return std::isfinite(std::strtod(text.c_str(), nullptr));
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size()) return false;
    for (const char c : word)
      if (*p_++ != static_cast<Byte>(c)) return false;
    return true;
  }

 private:
  bool digits() {
    const Byte* start = p_;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    return p_ != start;
  }

  // At '\': one escape; a \u escape of a surrogate must be a high-low pair.
  bool escape() {
    ++p_;
    if (p_ == end_) return false;
    const Byte c = *p_++;
    if (c != 'u') return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't';
    const int unit = hex4();
    if (unit < 0) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
    if (unit < 0xD800 || unit > 0xDBFF) return true;
    if (!take('\\') || !take('u')) return false;
    const int low = hex4();
    return low >= 0xDC00 && low <= 0xDFFF;
  }

  int hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(*p_++);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    return v;
  }

  // At a byte >= 0x80: one well-formed UTF-8 sequence.
  bool utf8_sequence() {
    const size_t len = utf8_sequence_length({reinterpret_cast<const char*>(p_), static_cast<size_t>(end_ - p_)});
    p_ += len;
    return len != 0;
  }

  const Byte* p_;
  const Byte* end_;
};

// Which kind of container is open at each level: a bit per level, on the stack for the
// depths gsmq uses.
class ContainerStack {
 public:
  explicit ContainerStack(size_t max_depth) {
    if (max_depth > kInline * 64) heap_.resize((max_depth + 63) / 64);
    bits_ = heap_.empty() ? inline_.data() : heap_.data();
  }
  void set(size_t level, bool object) {
    const uint64_t mask = uint64_t{1} << (level % 64);
    bits_[level / 64] = object ? (bits_[level / 64] | mask) : (bits_[level / 64] & ~mask);
  }
  bool object_at(size_t level) const { return (bits_[level / 64] >> (level % 64)) & 1; }

 private:
  static constexpr size_t kInline = 4;
  std::array<uint64_t, kInline> inline_{};
  std::vector<uint64_t> heap_;
  uint64_t* bits_;
};

}  // namespace

bool is_valid_json(std::string_view text, size_t max_depth) {
  Scanner s(text);
  max_depth = std::min(max_depth, text.size());  // each level takes a byte
  ContainerStack open(max_depth);
  size_t depth = 0;
  for (;;) {
    // A value.
    s.skip_space();
    const Byte c = s.next();
    if (c == '{' || c == '[') {
      if (depth == max_depth) return false;
      s.take(c);
      const bool object = c == '{';
      open.set(depth++, object);
      s.skip_space();
      if (s.take(object ? '}' : ']')) {
        --depth;
      } else {
        if (object) {  // the first member's name
          if (!s.peek('"') || !s.string()) return false;
          s.skip_space();
          if (!s.take(':')) return false;
        }
        continue;  // its first value
      }
    } else if (c == '"') {
      if (!s.string()) return false;
    } else if (c == '-' || is_digit(c)) {
      if (!s.number()) return false;
    } else if (c == 't') {
      if (!s.literal("true")) return false;
    } else if (c == 'f') {
      if (!s.literal("false")) return false;
    } else if (c == 'n') {
      if (!s.literal("null")) return false;
    } else {
      return false;
    }
    // After a value: close containers until one goes on with a ',' (or the text ends).
    for (;;) {
      s.skip_space();
      if (depth == 0) return s.at_end();
      const bool object = open.object_at(depth - 1);
      if (s.take(',')) {
        if (object) {
          s.skip_space();
          if (!s.peek('"') || !s.string()) return false;
          s.skip_space();
          if (!s.take(':')) return false;
        }
        break;  // the next value
      }
      if (!s.take(object ? '}' : ']')) return false;
      --depth;
    }
  }
}

}  // namespace gsmq
