#include "endpoint/mqtt/mapping.h"

#include <string_view>

#include "endpoint/mqtt/topic.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::mqtt {
namespace {

std::optional<bool> parse_flag(const std::string& v) {
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v.empty() || v == "0" || v == "false" || v == "no") return false;
  return std::nullopt;
}

}  // namespace

Message message_from_publish(const ::mqtt::message& publish) {
  Message m;
  m.channel = publish.get_topic();
  m.body = publish.get_payload_str();
  m.meta[kMetaQos] = std::to_string(publish.get_qos());
  m.meta[kMetaRetain] = std::string(1, publish.is_retained() ? '1' : '0');
  const ::mqtt::properties& props = publish.get_properties();
  if (props.contains(::mqtt::property::CONTENT_TYPE))
    m.meta[kMetaContentType] = ::mqtt::get<std::string>(props, ::mqtt::property::CONTENT_TYPE);
  const size_t users = props.count(::mqtt::property::USER_PROPERTY);
  for (size_t i = 0; i < users; ++i) {
    auto [name, value] = ::mqtt::get<::mqtt::string_pair>(props, ::mqtt::property::USER_PROPERTY, i);
    std::string key(kMetaUserPrefix);
    key.append(name);
    m.meta[key] = value;
  }
  return m;
}

Publication publication_for(const Message& message, const Settings& settings) {
  Publication p;
  const std::string topic = sink_channel(settings.topic, message.channel);
  if (topic.empty()) {
    p.error = "no topic: the message has no channel and " + settings.url_text + " names no topic";
    return p;
  }
  if (!valid_topic_name(topic)) {
    p.error = "\"" + topic + "\" is not a topic to publish to (no '+' or '#' wildcards)";
    return p;
  }
  int qos = settings.qos;
  if (!settings.qos_given) {
    if (auto it = message.meta.find(kMetaQos); it != message.meta.end()) {
      if (it->second != "0" && it->second != "1" && it->second != "2") {
        p.error = "meta mqtt.qos=\"" + it->second + "\": expected 0, 1 or 2";
        return p;
      }
      qos = it->second[0] - '0';
    }
  }
  bool retain = false;
  if (settings.retain) {
    retain = *settings.retain;
  } else if (auto it = message.meta.find(kMetaRetain); it != message.meta.end()) {
    auto flag = parse_flag(it->second);
    if (!flag) {
      p.error = "meta mqtt.retain=\"" + it->second + "\": expected 1 or 0";
      return p;
    }
    retain = *flag;
  }
  ::mqtt::properties props;
  if (settings.version == 5) {
    auto ct = message.meta.find(kMetaContentType);
    if (ct == message.meta.end()) ct = message.meta.find("content-type");
    if (ct != message.meta.end()) props.add(::mqtt::property(::mqtt::property::CONTENT_TYPE, ct->second));
    const std::string_view prefix = kMetaUserPrefix;
    for (auto it = message.meta.lower_bound(std::string(prefix)); it != message.meta.end(); ++it) {
      if (!std::string_view(it->first).starts_with(prefix)) break;
      props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, it->first.substr(prefix.size()), it->second));
    }
  }
  p.message = ::mqtt::message::create(topic, ::mqtt::binary_ref(message.body), qos, retain, props);
  return p;
}

}  // namespace gsmq::endpoint::mqtt
