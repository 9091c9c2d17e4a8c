// How a gsmq Message and an AMQP 0.9.1 message map onto each other, in plain types (no
// rabbitmq-c, no I/O; wire.h converts to and from the library's): channel <-> routing key,
// body <-> body, id <-> message_id, priority <-> priority (0-9), ttl_ms <-> expiration,
// the other basic properties <-> meta amqp.NAME, and headers <-> meta of the same names
// (docs/endpoints/amqp.md "Mapping").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/amqp/settings.h"
#include "envelope/message.h"

namespace gsmq::endpoint::amqp {

inline constexpr const char* kMetaExchange = "amqp.exchange";        // received from (not sent)
inline constexpr const char* kMetaRedelivered = "amqp.redelivered";  // "1" when redelivered (not sent)
inline constexpr const char* kMetaPrefix = "amqp.";
// The header that carries the envelope's ts (µs) across AMQP, whose timestamp has seconds.
inline constexpr const char* kTsHeader = "x-gsmq-ts";

// The basic properties, each present or not.
struct Properties {
  std::optional<std::string> content_type, content_encoding, correlation_id, reply_to, expiration, message_id,
      type, user_id, app_id;
  std::optional<uint8_t> delivery_mode, priority;
  std::optional<uint64_t> timestamp;  // seconds since the epoch
  // Header values as text (wire.h renders the typed ones); int64 ones kept typed for ts.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<int64_t> gsmq_ts;     // header x-gsmq-ts
  bool operator==(const Properties&) const = default;
};

// A message as a consumer received it (basic.deliver + content).
struct Received {
  std::string exchange, routing_key;
  bool redelivered = false;
  Properties properties;
  std::string body;
};

// What a sink publishes, or why it cannot (error set).
struct Publish {
  std::string exchange, routing_key;
  Properties properties;
  std::string body;
  std::string error;
};

// The Message for a delivery (stamped: id and ts set when the delivery has none).
Message message_from_delivery(const Received& received);

// The publish for a message. Routing key: the URL's (path or ?routing_key, "{channel}"
// standing for the message's channel), else the message's channel. Properties from the
// envelope and meta amqp.*; every other meta key a header.
Publish publish_for(const Message& message, const Settings& settings);

}  // namespace gsmq::endpoint::amqp
