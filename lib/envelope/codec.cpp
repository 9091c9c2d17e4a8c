#include "envelope/codec.h"

#include <limits>

#include "envelope/base64.h"
#include "envelope/json_depth.h"
#include "envelope/json_member.h"
#include "envelope/json_validate.h"
#include "envelope/json_writer.h"

namespace gsmq {
namespace {

using json = nlohmann::json;

// Field-level validation: each returns an error text, empty when the value fits.
std::string want_string(const json& v) { return v.is_string() ? "" : "expected a string"; }

template <typename T>
bool get_integer(const json& v, T lo, T hi, T& out) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) && lo < 0) return false;
    if (u > static_cast<uint64_t>(hi)) return false;
    out = static_cast<T>(u);
    return true;
  }
  if (v.is_number_integer()) {
    const auto s = v.get<int64_t>();
    if (s < static_cast<int64_t>(lo) || (s >= 0 && static_cast<uint64_t>(s) > static_cast<uint64_t>(hi)))
      return false;
    out = static_cast<T>(s);
    return true;
  }
  return false;
}

std::string field_error(const std::string& name, const std::string& what) {
  return "field \"" + name + "\": " + what;
}

// ": <nlohmann's text>" for a line it refused. Re-parses with exceptions, on the error
// path only. Every json::exception counts: a number too large for a double is an
// out_of_range (406), not a parse_error, and must not escape the decoder.
std::string json_error_detail(std::string_view line) {
  try {
    const json ignored = json::parse(line.begin(), line.end());
    (void)ignored;
  } catch (const json::parse_error& e) {
    const std::string what = e.what();  // "[json.exception.parse_error.101] parse error at ...: detail"
    const auto colon = what.find(": ");
    return ": " + (colon == std::string::npos ? what : what.substr(colon + 2));
  } catch (const json::exception& e) {
    const std::string what = e.what();  // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    const auto bracket = what.find("] ");
    return ": " + (bracket == std::string::npos ? what : what.substr(bracket + 2));
  }
  return "";
}

// A JSON body goes out as it is when reading the line back gives the same bytes: one
// valid JSON value other than a string, nested no deeper than a body in a line may be,
// with no whitespace around it and no line break in it (a line is one line). One byte
// scan: no parse on the output path.
bool is_verbatim_json_body(std::string_view body) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (body.empty() || body.front() == '"' || space(body.front()) || space(body.back())) return false;
  if (body.find('\n') != std::string_view::npos || body.find('\r') != std::string_view::npos) return false;
  return is_valid_json(body, kMaxBodyDepth);
}

}  // namespace

bool is_envelope_field(std::string_view key) {
  static constexpr std::string_view known[] = {"channel", "body", "body_b64", "id", "ts", "priority", "meta",
                                               "seq", "ttl_ms", "delay_ms", "deadline_ms", "deliver_late", "late_channel",
                                               "max_receives", "dead_letter",
                                               "receive_count", "receipt"};
  for (const auto k : known)
    if (key == k) return true;
  return false;
}

bool parse_envelope(std::string_view line, Message& out, std::string& error, const CodecLimits& limits) {
  if (!json_depth_within(line, kMaxLineDepth)) {
    error = "nested deeper than the limit of " + std::to_string(kMaxLineDepth) + " levels";
    return false;
  }
  json doc = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = "invalid JSON" + json_error_detail(line);
    return false;
  }
  if (!doc.is_object()) {
    error = "expected a JSON object, got " + std::string(doc.type_name());
    return false;
  }

  Message m;
  bool have_body = false, have_b64 = false;
  for (auto& [key, value] : doc.items()) {
    std::string problem;
    // null in a known field means "not set" (what jq writes for a missing key);
    // a null body stays a JSON value.
    if (value.is_null() && key != "body" && is_envelope_field(key)) continue;
    if (key == "channel") {
      if ((problem = want_string(value)).empty()) m.channel = value.get<std::string>();
    } else if (key == "body") {
      have_body = true;
      if (value.is_string()) {
        m.body = value.get<std::string>();
      } else {
        // The value's text as written in the line: its key order, number spelling and
        // inner spaces are its bytes (a signature over them still holds after a hop).
        const auto text = json_member_text(line, "body");
        m.body = text ? std::string(*text) : value.dump();  // always found in a parsed object
        m.body_is_json = true;
      }
    } else if (key == "body_b64") {
      have_b64 = true;
      if ((problem = want_string(value)).empty()) {
        auto bytes = base64_decode(value.get_ref<const std::string&>());
        if (bytes) m.body = std::move(*bytes);
        else problem = "not valid base64";
      }
    } else if (key == "id") {
      if ((problem = want_string(value)).empty()) m.id = value.get<std::string>();
    } else if (key == "ts") {
      if (!get_integer<int64_t>(value, 0, std::numeric_limits<int64_t>::max(), m.ts))
        problem = "expected an integer (microseconds since the epoch)";
    } else if (key == "priority") {
      if (!get_integer<int>(value, 0, 9, m.priority)) problem = "expected an integer 0-9";
    } else if (key == "meta") {
      if (!value.is_object()) {
        problem = "expected an object of strings";
      } else {
        for (auto& [mk, mv] : value.items()) {
          if (!mv.is_string()) {
            error = field_error("meta." + mk, "expected a string");
            return false;
          }
          m.meta[mk] = mv.get<std::string>();
        }
      }
    } else if (key == "seq") {
      uint64_t s = 0;
      if (get_integer<uint64_t>(value, 0, std::numeric_limits<uint64_t>::max(), s)) m.seq = s;
      else problem = "expected a non-negative integer";
    } else if (key == "ttl_ms" || key == "delay_ms" || key == "deadline_ms") {
      int64_t v = 0;
      if (get_integer<int64_t>(value, 0, std::numeric_limits<int64_t>::max(), v))
        (key == "ttl_ms" ? m.ttl_ms : key == "delay_ms" ? m.delay_ms : m.deadline_ms) = v;
      else problem = "expected a non-negative integer (milliseconds)";
    } else if (key == "max_receives" || key == "receive_count") {
      uint32_t v = 0;
      if (get_integer<uint32_t>(value, 0, std::numeric_limits<uint32_t>::max(), v))
        (key == "max_receives" ? m.max_receives : m.receive_count) = v;
      else problem = "expected a non-negative integer";
    } else if (key == "dead_letter" || key == "late_channel") {
      if ((problem = want_string(value)).empty()) (key == "dead_letter" ? m.dead_letter : m.late_channel) = value.get<std::string>();
    } else if (key == "deliver_late") {
      if (value.is_boolean()) m.deliver_late = value.get<bool>();
      else problem = "expected true or false";
    } else if (key == "receipt") {
      // gsmqd's settle handle (gsmq.v1.Message); it means nothing in a line and is not kept.
    } else {
      if (m.extra.is_null()) m.extra = json::object();
      m.extra[key] = std::move(value);
    }
    if (!problem.empty()) {
      error = field_error(key, problem);
      return false;
    }
  }
  if (have_body && have_b64) {
    error = "fields \"body\" and \"body_b64\": give exactly one";
    return false;
  }
  if (m.body.size() > limits.max_body_bytes) {
    error = "body is " + std::to_string(m.body.size()) + " bytes, more than the limit of " +
            std::to_string(limits.max_body_bytes);
    return false;
  }
  out = std::move(m);
  return true;
}

std::string format_envelope(const Message& m) {
  // Written directly, in the order of gsmq(7); the text is what nlohmann's dump with
  // error_handler_t::replace gave when this built an ordered_json, but for the JSON body.
  std::string out;
  out.reserve(m.body.size() + m.channel.size() + m.id.size() + 96);
  out += '{';
  if (!m.channel.empty()) {
    out += "\"channel\":";
    append_json_string(out, m.channel);
    out += ',';
  }
  const size_t body_at = out.size();
  out += "\"body\":";
  if (m.body_is_json && is_verbatim_json_body(m.body)) {
    out += m.body;
  } else if (!append_json_string_if_utf8(out, m.body)) {
    out.resize(body_at);
    out += "\"body_b64\":\"";
    out += base64_encode(m.body);
    out += '"';
  }
  const auto member = [&out](std::string_view name) {
    out += ",\"";
    out += name;
    out += "\":";
  };
  if (!m.id.empty()) member("id"), append_json_string(out, m.id);
  if (m.ts != 0) member("ts"), append_json_integer(out, m.ts);
  if (m.priority != 0) member("priority"), append_json_integer(out, int64_t{m.priority});
  if (!m.meta.empty()) {
    member("meta");
    char separator = '{';
    for (const auto& [key, value] : m.meta) {
      out += separator;
      separator = ',';
      append_json_string(out, key);
      out += ':';
      append_json_string(out, value);
    }
    out += '}';
  }
  if (m.seq) member("seq"), append_json_integer(out, *m.seq);
  if (m.ttl_ms) member("ttl_ms"), append_json_integer(out, *m.ttl_ms);
  if (m.delay_ms) member("delay_ms"), append_json_integer(out, *m.delay_ms);
  if (m.deadline_ms) member("deadline_ms"), append_json_integer(out, *m.deadline_ms);
  if (m.deliver_late) member("deliver_late"), out += *m.deliver_late ? "true" : "false";
  if (m.late_channel) member("late_channel"), append_json_string(out, *m.late_channel);
  if (m.max_receives) member("max_receives"), append_json_integer(out, uint64_t{*m.max_receives});
  if (m.dead_letter) member("dead_letter"), append_json_string(out, *m.dead_letter);
  if (m.receive_count) member("receive_count"), append_json_integer(out, uint64_t{*m.receive_count});
  if (m.extra.is_object()) {
    for (const auto& [key, value] : m.extra.items()) {
      if (is_envelope_field(key)) continue;
      out += ',';
      append_json_string(out, key);
      out += ':';
      out += value.dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  out += '}';
  return out;
}

Message message_from_raw_line(std::string_view line) {
  Message m;
  m.body.assign(line);
  return m;
}

}  // namespace gsmq
