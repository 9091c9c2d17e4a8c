#include "envelope/json_writer.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "envelope/utf8.h"

namespace gsmq {

bool append_json_string_if_utf8(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t mark = out.size();
  out += '"';
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  const char* run = p;  // bytes not written yet that stand for themselves
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = utf8_sequence_length({p, static_cast<size_t>(end - p)});
      if (len == 0) {
        out.resize(mark);
        return false;
      }
      p += len;
      continue;
    }
    out.append(run, p);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(escape, sizeof escape);
      }
    }
    run = ++p;
  }
  out.append(run, end);
  out += '"';
  return true;
}

void append_json_string(std::string& out, std::string_view bytes) {
  if (append_json_string_if_utf8(out, bytes)) return;
  // Rare: let nlohmann place its replacement characters, so the text is exactly its own.
  out += nlohmann::json(std::string(bytes)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_json_integer(std::string& out, int64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

void append_json_integer(std::string& out, uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace gsmq
