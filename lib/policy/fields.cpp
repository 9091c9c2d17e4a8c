#include "policy/fields.h"

#include <algorithm>

#include "envelope/codec.h"
#include "envelope/json_depth.h"

namespace gsmq::policy {

bool is_field_name(std::string_view name) {
  return name == "channel" || name == "id" || name == "priority" || name == "ts" || name == "body" ||
         (name.starts_with("meta.") && name.size() > 5) || (name.starts_with("body.") && name.size() > 5);
}

std::optional<std::string> FieldReader::get(std::string_view field) const {
  const Message& m = message_;
  if (field == "channel") return m.channel;
  if (field == "id") return m.id;
  if (field == "priority") return std::to_string(m.priority);
  if (field == "ts") return std::to_string(m.ts);
  if (field == "body") return m.body;
  if (field.starts_with("meta.")) {
    auto it = m.meta.find(std::string(field.substr(5)));
    if (it == m.meta.end()) return std::nullopt;
    return it->second;
  }
  if (!field.starts_with("body.")) return std::nullopt;
  if (!parsed_) {
    // A body nested deeper than a line may be is not looked into: dump() recurses.
    doc_ = json_depth_within(m.body, kMaxBodyDepth) ? nlohmann::json::parse(m.body, nullptr, false)
                                                    : nlohmann::json(nlohmann::json::value_t::discarded);
    parsed_ = true;
  }
  if (doc_.is_discarded()) return std::nullopt;
  const nlohmann::json* node = &doc_;
  std::string_view path = field.substr(5);
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return std::nullopt;
      node = &*it;
    } else if (node->is_array() && !key.empty() && key.size() < 10 && std::all_of(key.begin(), key.end(), ::isdigit) &&
               std::stoul(key) < node->size()) {
      node = &(*node)[std::stoul(key)];
    } else {
      return std::nullopt;
    }
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return std::nullopt;
  return node->dump();
}

}  // namespace gsmq::policy
