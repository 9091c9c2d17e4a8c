// How a gsmq Message and an MQTT PUBLISH map onto each other: channel <-> topic, body <->
// payload, and meta keys mqtt.qos, mqtt.retain, mqtt.content_type (v5) and mqtt.user.NAME
// (v5 user properties).
#pragma once

#include <string>

#include <mqtt/message.h>

#include "endpoint/mqtt/settings.h"
#include "envelope/message.h"

namespace gsmq::endpoint::mqtt {

inline constexpr const char* kMetaQos = "mqtt.qos";
inline constexpr const char* kMetaRetain = "mqtt.retain";
inline constexpr const char* kMetaContentType = "mqtt.content_type";
inline constexpr const char* kMetaUserPrefix = "mqtt.user.";

// The Message for a received PUBLISH (not stamped yet): channel = topic, body = payload,
// meta mqtt.qos and mqtt.retain always, mqtt.content_type and mqtt.user.NAME when present.
// A user property name that appears twice keeps its last value.
Message message_from_publish(const ::mqtt::message& publish);

// The PUBLISH for a message, or why it cannot be published (error set, message null).
// Topic: the message's channel, else the URL's topic. QoS: ?qos= when given, else meta
// mqtt.qos, else 1. Retain: ?retain= when given, else meta mqtt.retain, else off. With
// MQTT 5: content type from meta mqtt.content_type (or content-type), user properties
// from meta mqtt.user.NAME.
struct Publication {
  ::mqtt::message_ptr message;
  std::string error;
};
Publication publication_for(const Message& message, const Settings& settings);

}  // namespace gsmq::endpoint::mqtt
