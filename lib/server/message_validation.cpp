#include "server/message_validation.h"

#include <nlohmann/json.hpp>

#include "envelope/codec.h"
#include "envelope/json_validate.h"
#include "server/broker.h"

namespace gsmq::server {
namespace {

std::string field_error(const std::string& name, const std::string& what) {
  return "field \"" + name + "\": " + what;
}

// extra_json: an object of the envelope's unknown fields, nested no deeper than a line
// may be (the object being the envelope's own level), none named like a known field.
std::string invalid_extra(const std::string& text) {
  if (text.empty()) return "";
  if (!is_valid_json(text, kMaxLineDepth)) return "not JSON, or nested deeper than " + std::to_string(kMaxLineDepth) + " levels";
  const auto extra = nlohmann::json::parse(text, nullptr, false);  // valid and shallow: safe to build
  if (!extra.is_object()) return "expected a JSON object of the envelope's other fields";
  for (const auto& [key, value] : extra.items())
    if (is_envelope_field(key)) return "names the envelope field \"" + key + "\", which has its own";
  return "";
}

}  // namespace

std::string invalid_field(const v1::Message& m) {
  if (m.priority() > 9) return field_error("priority", std::to_string(m.priority()) + " is out of range 0-9");
  if (m.ts() < 0) return field_error("ts", "must not be negative");
  if (m.ttl_ms() < 0) return field_error("ttl_ms", "must not be negative");
  if (m.delay_ms() < 0) return field_error("delay_ms", "must not be negative");
  if (m.deadline_ms() < 0) return field_error("deadline_ms", "must not be negative");
  if (!m.dead_letter().empty())
    if (std::string why = channel_name_error(m.dead_letter()); !why.empty()) return field_error("dead_letter", why);
  if (!m.late_channel().empty())
    if (std::string why = channel_name_error(m.late_channel()); !why.empty()) return field_error("late_channel", why);
  if (std::string why = invalid_extra(m.extra_json()); !why.empty()) return field_error("extra_json", why);
  return "";
}

}  // namespace gsmq::server
