// The Message <-> PUBLISH mapping: topic/channel, QoS and retain from the URL or meta,
// MQTT 5 content type and user properties as mqtt.* meta keys, and the round trip.
#include "endpoint/mqtt/mapping.h"

#include <gtest/gtest.h>

#include "endpoint/mqtt/registration.h"

using namespace gsmq;
using namespace gsmq::endpoint::mqtt;

namespace {

Settings sink_settings(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  const auto params = endpoint::parse_params(kAdapter, *url, endpoint::kSink);
  return read_settings(*url, params, endpoint::Role::sink, EndpointOptions{});
}

std::string user_property(const mqtt::message& m, const std::string& name) {
  const auto& props = m.get_properties();
  for (size_t i = 0; i < props.count(mqtt::property::USER_PROPERTY); ++i) {
    auto [k, v] = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY, i);
    if (k == name) return v;
  }
  return "<none>";
}

}  // namespace

TEST(MqttMessageMapping, PublishBecomesMessage) {
  mqtt::properties props;
  props.add(mqtt::property(mqtt::property::CONTENT_TYPE, "application/json"));
  props.add(mqtt::property(mqtt::property::USER_PROPERTY, "x-site", "lab"));
  props.add(mqtt::property(mqtt::property::USER_PROPERTY, "dup", "first"));
  props.add(mqtt::property(mqtt::property::USER_PROPERTY, "dup", "last"));
  auto publish = mqtt::message::create("sensors/door", std::string("op\0en", 5), 2, true, props);
  const Message m = message_from_publish(*publish);
  EXPECT_EQ(m.channel, "sensors/door");
  EXPECT_EQ(m.body, std::string("op\0en", 5));
  EXPECT_EQ(m.meta.at("mqtt.qos"), "2");
  EXPECT_EQ(m.meta.at("mqtt.retain"), "1");
  EXPECT_EQ(m.meta.at("mqtt.content_type"), "application/json");
  EXPECT_EQ(m.meta.at("mqtt.user.x-site"), "lab");
  EXPECT_EQ(m.meta.at("mqtt.user.dup"), "last");
  EXPECT_TRUE(m.id.empty());  // stamped by the source, not here
}

TEST(MqttMessageMapping, PlainPublishHasQosAndRetainOnly) {
  auto publish = mqtt::message::create("t", std::string("x"), 0, false);
  const Message m = message_from_publish(*publish);
  EXPECT_EQ(m.meta.size(), 2u);
  EXPECT_EQ(m.meta.at("mqtt.retain"), "0");
}

TEST(MqttMessageMapping, TheUrlTopicWinsOverTheChannelAndCanTemplateIt) {
  const Settings s = sink_settings("mqtt://b/fixed");
  Message m;
  m.body = "b";
  EXPECT_EQ(publication_for(m, s).message->get_topic(), "fixed");
  m.channel = "own/topic";
  EXPECT_EQ(publication_for(m, s).message->get_topic(), "fixed");
  EXPECT_EQ(publication_for(m, sink_settings("mqtt://b/site1/{channel}")).message->get_topic(), "site1/own/topic");
  // No topic in the URL: each message goes to its own channel.
  EXPECT_EQ(publication_for(m, sink_settings("mqtt://b")).message->get_topic(), "own/topic");
  m.channel = "bad/#";
  EXPECT_NE(publication_for(m, sink_settings("mqtt://b")).error.find("not a topic"), std::string::npos);
  m.channel.clear();
  EXPECT_NE(publication_for(m, sink_settings("mqtt://b")).error.find("no topic"), std::string::npos);
}

TEST(MqttMessageMapping, QosAndRetainFromMetaUnlessTheUrlSays) {
  Message m;
  m.channel = "t";
  auto p = publication_for(m, sink_settings("mqtt://b"));
  EXPECT_EQ(p.message->get_qos(), 1);  // default
  EXPECT_FALSE(p.message->is_retained());
  m.meta["mqtt.qos"] = "2";
  m.meta["mqtt.retain"] = "1";
  p = publication_for(m, sink_settings("mqtt://b"));
  EXPECT_EQ(p.message->get_qos(), 2);
  EXPECT_TRUE(p.message->is_retained());
  p = publication_for(m, sink_settings("mqtt://b?qos=0&retain=0"));
  EXPECT_EQ(p.message->get_qos(), 0);
  EXPECT_FALSE(p.message->is_retained());
  m.meta["mqtt.qos"] = "high";
  EXPECT_NE(publication_for(m, sink_settings("mqtt://b")).error.find("mqtt.qos"), std::string::npos);
  m.meta["mqtt.qos"] = "1";
  m.meta["mqtt.retain"] = "perhaps";
  EXPECT_NE(publication_for(m, sink_settings("mqtt://b")).error.find("mqtt.retain"), std::string::npos);
}

TEST(MqttMessageMapping, Version5PropertiesFromMeta) {
  Message m;
  m.channel = "t";
  m.meta["mqtt.user.x-site"] = "lab";
  m.meta["mqtt.user.unit"] = "C";
  m.meta["mqtt.content_type"] = "text/plain";
  m.meta["other"] = "not carried";
  auto p = publication_for(m, sink_settings("mqtt://b?version=5"));
  EXPECT_EQ(user_property(*p.message, "x-site"), "lab");
  EXPECT_EQ(user_property(*p.message, "unit"), "C");
  EXPECT_EQ(user_property(*p.message, "other"), "<none>");
  EXPECT_EQ(mqtt::get<std::string>(p.message->get_properties(), mqtt::property::CONTENT_TYPE), "text/plain");
  // MQTT 3.1.1 has no properties
  p = publication_for(m, sink_settings("mqtt://b"));
  EXPECT_TRUE(p.message->get_properties().empty());
  // the generic content-type is used when mqtt.content_type is not set
  Message g;
  g.channel = "t";
  g.meta["content-type"] = "application/cbor";
  p = publication_for(g, sink_settings("mqtt://b?version=5"));
  EXPECT_EQ(mqtt::get<std::string>(p.message->get_properties(), mqtt::property::CONTENT_TYPE), "application/cbor");
}

TEST(MqttMessageMapping, RoundTrip) {
  Message m;
  m.channel = "a/b";
  m.body = "payload";
  m.meta["mqtt.qos"] = "1";
  m.meta["mqtt.retain"] = "0";
  m.meta["mqtt.user.k"] = "v";
  m.meta["mqtt.content_type"] = "text/plain";
  auto p = publication_for(m, sink_settings("mqtt://b?version=5"));
  const Message back = message_from_publish(*p.message);
  EXPECT_EQ(back.channel, m.channel);
  EXPECT_EQ(back.body, m.body);
  EXPECT_EQ(back.meta, m.meta);
}
