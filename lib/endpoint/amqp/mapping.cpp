#include "endpoint/amqp/mapping.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::amqp {
namespace {

// The properties carried in meta amqp.NAME: a name and the field that holds it.
using TextField = std::optional<std::string> Properties::*;
struct TextProperty {
  const char* meta;
  TextField field;
};
constexpr TextProperty kTextProperties[] = {
    {"amqp.content_type", &Properties::content_type},     {"amqp.content_encoding", &Properties::content_encoding},
    {"amqp.correlation_id", &Properties::correlation_id}, {"amqp.reply_to", &Properties::reply_to},
    {"amqp.type", &Properties::type},                     {"amqp.user_id", &Properties::user_id},
    {"amqp.app_id", &Properties::app_id},
};
constexpr const char* kMetaDeliveryMode = "amqp.delivery_mode";
constexpr const char* kMetaTimestamp = "amqp.timestamp";

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

bool is_property_key(std::string_view key) { return key.starts_with(kMetaPrefix); }

}  // namespace

Message message_from_delivery(const Received& r) {
  Message m;
  m.channel = r.routing_key;
  m.body = r.body;
  const Properties& p = r.properties;
  if (p.message_id) m.id = *p.message_id;
  if (p.priority) m.priority = std::min<int>(*p.priority, 9);
  if (p.expiration) {
    if (auto ttl = parse_number<int64_t>(*p.expiration); ttl && *ttl >= 0) m.ttl_ms = *ttl;
  }
  if (p.gsmq_ts && *p.gsmq_ts > 0) m.ts = *p.gsmq_ts;
  else if (p.timestamp && *p.timestamp > 0 && *p.timestamp < 9'000'000'000'000ull) m.ts = static_cast<int64_t>(*p.timestamp) * 1'000'000;
  for (const auto& [meta, field] : kTextProperties)
    if (p.*field) m.meta[meta] = *(p.*field);
  if (p.delivery_mode) m.meta[kMetaDeliveryMode] = std::to_string(*p.delivery_mode);
  if (p.timestamp) m.meta[kMetaTimestamp] = std::to_string(*p.timestamp);
  if (!r.exchange.empty()) m.meta[kMetaExchange] = r.exchange;
  if (r.redelivered) m.meta[kMetaRedelivered] = "1";
  for (const auto& [name, value] : p.headers) m.meta[name] = value;
  stamp(m);
  return m;
}

Publish publish_for(const Message& message, const Settings& settings) {
  Publish out;
  out.exchange = settings.exchange;
  out.routing_key = sink_channel(settings.routing_key, message.channel);
  if (out.routing_key.empty() && out.exchange.empty()) {
    out.error = "no routing key: the message has no channel and " + settings.url_text +
                " names none (the default exchange routes by it to the queue of that name)";
    return out;
  }
  if (out.routing_key.size() > 255) {
    out.error = "the routing key \"" + out.routing_key.substr(0, 40) + "...\" is longer than AMQP's 255 bytes";
    return out;
  }
  Properties& p = out.properties;
  for (const auto& [meta, field] : kTextProperties)
    if (auto it = message.meta.find(meta); it != message.meta.end()) p.*field = it->second;
  if (!p.content_type)
    if (auto it = message.meta.find("content-type"); it != message.meta.end()) p.content_type = it->second;
  p.delivery_mode = settings.persistent ? 2 : 1;
  if (auto it = message.meta.find(kMetaDeliveryMode); it != message.meta.end()) {
    auto mode = parse_number<unsigned>(it->second);
    if (!mode || (*mode != 1 && *mode != 2)) {
      out.error = "meta amqp.delivery_mode=\"" + it->second + "\": expected 1 (transient) or 2 (persistent)";
      return out;
    }
    p.delivery_mode = static_cast<uint8_t>(*mode);
  }
  if (!message.id.empty()) p.message_id = message.id;
  if (message.priority > 0) p.priority = static_cast<uint8_t>(std::clamp(message.priority, 0, 9));
  if (message.ttl_ms) p.expiration = std::to_string(std::max<int64_t>(*message.ttl_ms, 0));
  if (message.ts > 0) {
    p.timestamp = static_cast<uint64_t>(message.ts / 1'000'000);
    p.gsmq_ts = message.ts;
  }
  if (auto it = message.meta.find(kMetaTimestamp); it != message.meta.end()) {
    auto ts = parse_number<uint64_t>(it->second);
    if (!ts) {
      out.error = "meta amqp.timestamp=\"" + it->second + "\": expected seconds since the epoch";
      return out;
    }
    p.timestamp = *ts;
  }
  for (const auto& [key, value] : message.meta) {
    if (is_property_key(key) || key == kTsHeader) continue;
    if (key.size() > 255) {
      out.error = "meta key \"" + key.substr(0, 40) + "...\" is longer than an AMQP header name may be (255 bytes)";
      return out;
    }
    p.headers.emplace_back(key, value);
  }
  out.body = message.body;
  return out;
}

}  // namespace gsmq::endpoint::amqp
