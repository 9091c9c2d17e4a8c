#include "endpoint/http/header_codec.h"

#include <cctype>
#include <cstring>

#include "endpoint/http/request_response.h"
#include "endpoint/url.h"

namespace gsmq::endpoint::http {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void put_escaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 15]);
}

// RFC 9110 tchar.
bool is_token_char(unsigned char c) {
  return std::isalnum(c) || (c != 0 && std::strchr("!#$&'*+-.^_`|~", c) != nullptr);
}

}  // namespace

std::string meta_header_name(std::string_view key) {
  std::string out(kMetaHeaderPrefix);
  for (unsigned char c : key) {
    if (is_token_char(c)) out.push_back(static_cast<char>(c));
    else put_escaped(out, c);
  }
  return out;
}

std::optional<std::string> meta_key_of_header(std::string_view name) {
  if (name.size() <= kMetaHeaderPrefix.size() || !iequals(name.substr(0, kMetaHeaderPrefix.size()), kMetaHeaderPrefix))
    return std::nullopt;
  return percent_decode(name.substr(kMetaHeaderPrefix.size()));
}

std::string encode_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
    if (c < 0x20 || c >= 0x7f || c == '%' || edge_space) put_escaped(out, c);
    else out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string decode_header_value(std::string_view value) { return percent_decode(value); }

std::string encode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (std::isalnum(c) || (c != 0 && std::strchr("-._~/!$&'()*+,;=:@", c) != nullptr)) out.push_back(static_cast<char>(c));
    else put_escaped(out, c);
  }
  return out;
}

}  // namespace gsmq::endpoint::http
