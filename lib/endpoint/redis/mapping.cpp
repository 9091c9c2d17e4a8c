#include "endpoint/redis/mapping.h"


#include <nlohmann/json.hpp>

#include "util/decimal.h"

namespace gsmq::endpoint::redis {
Fields fields_for(const Message& message) {
  Fields f;
  f.emplace_back("body", message.body);
  if (!message.id.empty()) f.emplace_back("id", message.id);
  if (message.ts != 0) f.emplace_back("ts", std::to_string(message.ts));
  if (message.priority != 0) f.emplace_back("priority", std::to_string(message.priority));
  if (!message.channel.empty()) f.emplace_back("channel", message.channel);
  for (const auto& [key, value] : message.meta)
    if (!key.starts_with(kMetaFieldPrefix)) f.emplace_back("meta." + key, value);
  return f;
}

Message message_from(std::string_view key, std::string_view entry_id, const Fields& fields) {
  Message m;
  m.channel = key;
  bool has_body = false;
  for (const auto& [name, value] : fields) has_body = has_body || name == "body";
  if (!has_body) {  // not written by gsmq: the fields are the body, as a JSON object
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    for (const auto& [name, value] : fields) body[name] = value;
    m.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    m.body_is_json = true;
  }
  for (const auto& [name, value] : fields) {
    if (!has_body) break;
    int64_t ts = 0;
    int priority = 0;
    if (name == "body") m.body = value;
    else if (name == "id" && !value.empty()) m.id = value;
    else if (name == "ts" && parse_decimal(value, ts) && ts > 0) m.ts = ts;
    else if (name == "priority" && parse_decimal(value, priority) && priority >= 0 && priority <= 9) m.priority = priority;
    else if (name == "channel" && !value.empty()) m.channel = value;
    else if (name.starts_with("meta.") && name.size() > 5) m.meta[name.substr(5)] = value;
    else m.meta[std::string(kMetaFieldPrefix) + name] = value;
  }
  m.meta[std::string(kMetaEntryId)] = entry_id;
  return m;
}

}  // namespace gsmq::endpoint::redis
