#include "endpoint/coap/mapping.h"

#include "endpoint/url.h"
#include "endpoint/sink_channel.h"
#include "envelope/json_body.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>

namespace gsmq::endpoint::coap {
namespace {

// The commonly used entries of the CoAP Content-Formats registry (RFC 7252 12.3 and later).
constexpr std::array<std::pair<std::string_view, uint16_t>, 14> kContentFormats = {{
    {"text/plain", 0},
    {"text/plain;charset=utf-8", 0},
    {"application/cose;cose-type=\"cose-encrypt0\"", 16},
    {"application/link-format", 40},
    {"application/xml", 41},
    {"application/octet-stream", 42},
    {"application/exi", 47},
    {"application/json", 50},
    {"application/json-patch+json", 51},
    {"application/merge-patch+json", 52},
    {"application/cbor", 60},
    {"application/cwt", 61},
    {"application/senml+json", 110},
    {"application/senml+cbor", 112},
}};

constexpr std::array<std::pair<uint8_t, std::string_view>, 25> kCodeNames = {{
    {0x41, "Created"}, {0x42, "Deleted"}, {0x43, "Valid"}, {0x44, "Changed"}, {0x45, "Content"},
    {0x5f, "Continue"}, {0x80, "Bad Request"}, {0x81, "Unauthorized"}, {0x82, "Bad Option"},
    {0x83, "Forbidden"}, {0x84, "Not Found"}, {0x85, "Method Not Allowed"}, {0x86, "Not Acceptable"},
    {0x88, "Request Entity Incomplete"}, {0x8c, "Precondition Failed"}, {0x8d, "Request Entity Too Large"},
    {0x8f, "Unsupported Content-Format"}, {0x9d, "Too Many Requests"}, {0xa0, "Internal Server Error"},
    {0xa1, "Not Implemented"}, {0xa2, "Bad Gateway"}, {0xa3, "Service Unavailable"},
    {0xa4, "Gateway Timeout"}, {0xa5, "Proxying Not Supported"}, {0xa8, "Hop Limit Reached"},
}};

std::string joined(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

}  // namespace

std::optional<uint16_t> parse_content_format(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc{} && end == text.data() + text.size() && !text.empty())
    return value <= 65535 ? std::optional<uint16_t>(static_cast<uint16_t>(value)) : std::nullopt;
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::erase(lower, ' ');
  for (const auto& [name, number] : kContentFormats)
    if (lower == name) return number;
  return std::nullopt;
}

bool body_is_json(std::optional<uint32_t> content_format, std::string_view body) {
  if (!content_format || (*content_format != 50 && *content_format != 51 && *content_format != 52 && *content_format != 110))
    return false;
  return is_json_body(body);
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) out.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::string> path_below(std::string_view base, std::string_view request_path) {
  const auto b = split_path(base), r = split_path(request_path);
  if (r.size() < b.size()) return std::nullopt;
  for (size_t i = 0; i < b.size(); ++i)
    if (b[i] != r[i]) return std::nullopt;
  return joined(std::vector<std::string>(r.begin() + static_cast<std::ptrdiff_t>(b.size()), r.end()));
}

std::string ingest_channel(std::string_view query_channel, std::string_view below, std::string_view url_channel) {
  if (!query_channel.empty()) return std::string(query_channel);
  if (!below.empty()) return std::string(below);
  return std::string(url_channel);
}

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    const auto eq = item.find('=');
    if (item.substr(0, eq) == key) return eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string sink_path(std::string_view url_path, std::string_view channel) {
  if (split_path(url_path).empty()) return joined(split_path(channel));
  return joined(split_path(replace_channel_placeholder(url_path, channel)));
}

std::string code_text(uint8_t code) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%u.%02u", code >> 5, code & 0x1f);
  std::string out = digits;
  for (const auto& [c, name] : kCodeNames)
    if (c == code) return out + " " + std::string(name);
  return out;
}

Outcome classify(uint8_t code) {
  switch (code >> 5) {
    case 2: return Outcome::confirmed;
    case 5: return Outcome::retry;
    default: return Outcome::refused;
  }
}

}  // namespace gsmq::endpoint::coap
