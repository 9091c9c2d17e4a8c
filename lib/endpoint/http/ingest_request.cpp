#include "endpoint/http/ingest_request.h"

#include <charconv>
#include <map>

#include <nlohmann/json.hpp>

#include "endpoint/http/header_codec.h"
#include "endpoint/url.h"
#include "envelope/base64.h"
#include "envelope/codec.h"
#include "io/blank_line.h"

namespace gsmq::endpoint::http {
namespace {

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view item = q.substr(0, amp);
    if (!item.empty()) {
      const auto eq = item.find('=');
      out[percent_decode(item.substr(0, eq))] = eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

bool query_flag(const std::map<std::string, std::string>& query, const std::string& key) {
  const auto it = query.find(key);
  return it != query.end() && it->second != "0" && it->second != "false" && it->second != "no";
}

bool is_lines_media_type(std::string_view content_type) {
  const std::string t = media_type(content_type);
  return t == "application/x-ndjson" || t == "application/jsonl" || t == "application/json-lines" ||
         t == "application/jsonlines" || t == "application/x-jsonlines";
}

template <typename T>
bool parse_integer(std::string_view text, T lo, T hi, T& out) {
  T v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool authorized(const IngestSettings& config, const Request& request) {
  if (config.user.empty()) return true;
  const auto header = find_header(request.headers, "Authorization");
  return header && *header == "Basic " + base64_encode(config.user + ":" + config.password);
}

// Meta and envelope fields from the headers, applied to a message (fields it already has win).
// Returns an error text for a malformed X-Gsmq- header.
std::string apply_headers(const IngestSettings& config, const Request& request, bool envelope, Message& m) {
  for (const auto& [name, value] : request.headers) {
    if (auto key = meta_key_of_header(name)) {
      m.meta.emplace(*key, decode_header_value(value));
    } else if (envelope) {
      continue;  // the envelope line carries the fields below
    } else if (iequals(name, "Content-Type")) {
      m.meta["http.content-type"] = value;
    } else if (iequals(name, kIdHeader)) {
      m.id = decode_header_value(value);
    } else if (iequals(name, kTsHeader)) {
      if (!parse_integer<int64_t>(value, 0, INT64_MAX, m.ts))
        return "header " + std::string(kTsHeader) + ": expected an integer (microseconds since the epoch)";
    } else if (iequals(name, kPriorityHeader)) {
      if (!parse_integer<int>(value, 0, 9, m.priority))
        return "header " + std::string(kPriorityHeader) + ": expected an integer 0-9";
    }
  }
  for (const auto& wanted : config.copy_headers)
    if (auto value = find_header(request.headers, wanted)) m.meta.emplace("http." + wanted, *value);
  return {};
}

Response json_answer(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace

Response answer_error(int status, std::string_view text) {
  Response r = json_answer(status, {{"error", std::string(text)}});
  if (status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response answer_taken(const std::vector<std::string>& ids) { return json_answer(200, {{"ids", ids}}); }

Response answer_reply(const Message& reply) {
  Response r;
  std::string type = reply.body_is_json ? "application/json" : "application/octet-stream";
  if (auto it = reply.meta.find("http.content-type"); it != reply.meta.end()) type = it->second;
  else if (auto it2 = reply.meta.find("content-type"); it2 != reply.meta.end()) type = it2->second;
  r.headers.emplace_back("Content-Type", encode_header_value(type));
  if (!reply.id.empty()) r.headers.emplace_back(kIdHeader, encode_header_value(reply.id));
  if (!reply.channel.empty()) r.headers.emplace_back(kChannelHeader, encode_header_value(reply.channel));
  r.body = reply.body;
  return r;
}

IngestDecision decide_ingest(const IngestSettings& config, const Request& request) {
  IngestDecision d;
  const std::string_view target = request.target;
  const auto qmark = target.find('?');
  const std::string path = percent_decode(target.substr(0, qmark));
  const auto query = parse_query(qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1));

  // Route: the configured path, or anything below it.
  const std::string prefix = "/" + config.path;
  std::string sub;
  if (config.path.empty()) {
    sub = path.starts_with("/") ? path.substr(1) : path;
  } else if (path == prefix || path == prefix + "/") {
  } else if (path.starts_with(prefix + "/")) {
    sub = path.substr(prefix.size() + 1);
  } else {
    d.answer = answer_error(404, "no such path: " + path + " (this server takes " + prefix + ")");
    return d;
  }
  while (!sub.empty() && sub.back() == '/') sub.pop_back();

  if (request.method == "GET" || request.method == "HEAD") {  // the health check, open to all
    d.answer = json_answer(200, {{"status", "ok"}});
    return d;
  }
  if (!authorized(config, request)) {
    d.answer = answer_error(401, "authentication required");
    d.answer->headers.emplace_back("WWW-Authenticate", "Basic realm=\"gsmq\"");
    return d;
  }
  if (request.method != "POST" && request.method != "PUT") {
    d.answer = answer_error(405, "method " + request.method + " not allowed (POST or PUT a message, GET for health)");
    d.answer->headers.emplace_back("Allow", "POST, PUT, GET, HEAD");
    return d;
  }
  if (request.body.size() > config.max_body_bytes) {
    d.answer = answer_error(413, "body is larger than " + std::to_string(config.max_body_bytes) + " bytes");
    return d;
  }

  std::string channel = config.channel;
  if (auto it = query.find("channel"); it != query.end()) channel = it->second;
  else if (!sub.empty()) channel = sub;
  else if (auto header = find_header(request.headers, kChannelHeader)) channel = decode_header_value(*header);

  const auto content_type = find_header(request.headers, "Content-Type");
  const bool envelope = config.envelope || query_flag(query, "envelope") || (content_type && is_lines_media_type(*content_type));

  if (!envelope) {
    Message m;
    m.body = request.body;
    m.channel = channel;
    if (auto error = apply_headers(config, request, false, m); !error.empty()) {
      d.answer = answer_error(400, error);
      return d;
    }
    if (content_type) m.body_is_json = body_is_json(*content_type, m.body);
    stamp(m);
    d.messages.push_back(std::move(m));
    return d;
  }

  std::string_view body = request.body;
  uint64_t line_number = 0;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++line_number;
    if (is_blank_line(line)) continue;
    if (line.back() == '\r') line.remove_suffix(1);
    Message m;
    std::string error;
    if (!parse_envelope(line, m, error, config.limits)) {
      d.messages.clear();
      d.answer = answer_error(400, "line " + std::to_string(line_number) + ": " + error);
      return d;
    }
    if (m.channel.empty()) m.channel = channel;
    apply_headers(config, request, true, m);
    stamp(m);
    d.messages.push_back(std::move(m));
  }
  if (d.messages.empty()) d.answer = answer_taken({});
  return d;
}

}  // namespace gsmq::endpoint::http
