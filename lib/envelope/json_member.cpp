#include "envelope/json_member.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace gsmq {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : t_(text) {}

  size_t pos() const { return i_; }
  bool at(char c) const { return i_ < t_.size() && t_[i_] == c; }
  bool take(char c) {
    if (!at(c)) return false;
    ++i_;
    return true;
  }
  void skip_space() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  void skip_bom() {
    if (t_.substr(i_, 3) == "\xEF\xBB\xBF") i_ += 3;
  }

  // At '"': past the closing quote; returns the text between the quotes.
  std::string_view string() {
    const size_t start = ++i_;
    while (i_ < t_.size() && t_[i_] != '"') i_ += t_[i_] == '\\' ? 2 : 1;
    const size_t end = std::min(i_, t_.size());
    ++i_;
    return t_.substr(start, end - start);
  }

  // Past one value (valid JSON assumed): a string, a container up to its matching
  // close, or a scalar up to the next delimiter.
  void value() {
    if (at('"')) {
      string();
    } else if (at('[') || at('{')) {
      size_t depth = 0;
      while (i_ < t_.size()) {
        const char c = t_[i_];
        if (c == '"') {
          string();
          continue;
        }
        ++i_;
        if (c == '[' || c == '{') ++depth;
        else if ((c == ']' || c == '}') && --depth == 0) return;
      }
    } else {
      while (i_ < t_.size() && std::string_view(",}] \t\n\r").find(t_[i_]) == std::string_view::npos) ++i_;
    }
  }

  std::string_view text(size_t from) const { return t_.substr(from, std::min(i_, t_.size()) - from); }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

// The code unit of the 4 hex digits at raw[at], or -1.
int32_t hex4(std::string_view raw, size_t at) {
  if (at + 4 > raw.size()) return -1;
  int32_t v = 0;
  for (size_t k = at; k < at + 4; ++k) {
    const char c = raw[k];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A string's raw text (between its quotes) with its escapes decoded.
std::string unescape(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        int32_t unit = hex4(raw, i + 1);
        if (unit < 0) return out;  // not valid JSON: no name matches
        i += 4;
        // A high surrogate is followed by its low one (valid JSON): join the pair.
        const int32_t low = unit >= 0xD800 && unit <= 0xDBFF && raw.substr(i + 1, 2) == "\\u" ? hex4(raw, i + 3) : -1;
        if (low >= 0xDC00 && low <= 0xDFFF) {
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, static_cast<uint32_t>(unit));
        break;
      }
      default: out += e; break;  // \" \\ \/
    }
  }
  return out;
}

bool name_is(std::string_view raw, std::string_view name) {
  if (raw.find('\\') == std::string_view::npos) return raw == name;
  return unescape(raw) == name;
}

}  // namespace

std::optional<std::string_view> json_member_text(std::string_view object_text, std::string_view name) {
  Cursor c(object_text);
  c.skip_bom();
  c.skip_space();
  if (!c.take('{')) return std::nullopt;
  std::optional<std::string_view> found;
  c.skip_space();
  while (c.at('"')) {
    const bool wanted = name_is(c.string(), name);
    c.skip_space();
    if (!c.take(':')) return std::nullopt;
    c.skip_space();
    const size_t start = c.pos();
    c.value();
    if (wanted) found = c.text(start);  // a later duplicate replaces it
    c.skip_space();
    if (!c.take(',')) break;
    c.skip_space();
  }
  return found;
}

}  // namespace gsmq
