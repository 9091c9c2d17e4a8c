// The Message <-> AMQP mapping: routing key and channel, id, priority, TTL, ts, the basic
// properties as meta amqp.*, headers as meta of the same names, the round trip, and what
// cannot be published; and the rabbitmq-c side (wire.h): properties both ways, typed
// header values as text.
#include "endpoint/amqp/mapping.h"

#include <gtest/gtest.h>

#include "endpoint/amqp/registration.h"
#include "endpoint/amqp/wire.h"

using namespace gsmq;
using namespace gsmq::endpoint::amqp;

namespace {

Settings sink_settings(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  const auto params = endpoint::parse_params(kAdapter, *url, endpoint::kSink);
  return read_settings(*url, params, endpoint::Role::sink, EndpointOptions{});
}

}  // namespace

TEST(AmqpMapping, DeliveryBecomesMessage) {
  Received r;
  r.exchange = "amq.topic";
  r.routing_key = "sensors.door";
  r.redelivered = true;
  r.body = std::string("op\0en", 5);
  r.properties.message_id = "m-1";
  r.properties.priority = 200;
  r.properties.expiration = "60000";
  r.properties.timestamp = 1764000000;
  r.properties.content_type = "text/plain";
  r.properties.correlation_id = "c-9";
  r.properties.delivery_mode = 2;
  r.properties.headers = {{"site", "lab"}, {"count", "3"}};
  const Message m = message_from_delivery(r);
  EXPECT_EQ(m.channel, "sensors.door");
  EXPECT_EQ(m.body, std::string("op\0en", 5));
  EXPECT_EQ(m.id, "m-1");
  EXPECT_EQ(m.priority, 9);  // AMQP priorities above 9 are gsmq's highest
  EXPECT_EQ(m.ttl_ms, 60000);
  EXPECT_EQ(m.ts, 1764000000LL * 1000000);
  EXPECT_EQ(m.meta.at("amqp.content_type"), "text/plain");
  EXPECT_EQ(m.meta.at("amqp.correlation_id"), "c-9");
  EXPECT_EQ(m.meta.at("amqp.delivery_mode"), "2");
  EXPECT_EQ(m.meta.at("amqp.timestamp"), "1764000000");
  EXPECT_EQ(m.meta.at("amqp.exchange"), "amq.topic");
  EXPECT_EQ(m.meta.at("amqp.redelivered"), "1");
  EXPECT_EQ(m.meta.at("site"), "lab");
  EXPECT_EQ(m.meta.at("count"), "3");
}

TEST(AmqpMapping, BareDeliveryIsStamped) {
  Received r;
  r.routing_key = "q";
  r.body = "x";
  const Message m = message_from_delivery(r);
  EXPECT_FALSE(m.id.empty());
  EXPECT_GT(m.ts, 0);
  EXPECT_EQ(m.priority, 0);
  EXPECT_FALSE(m.ttl_ms);
  EXPECT_TRUE(m.meta.empty());
  r.properties.expiration = "soon";  // not a number: no TTL
  EXPECT_FALSE(message_from_delivery(r).ttl_ms);
}

TEST(AmqpMapping, MessageBecomesPublish) {
  Message m;
  m.channel = "jobs";
  m.body = "b";
  m.id = "id-1";
  m.ts = 1764000000123456;
  m.priority = 7;
  m.ttl_ms = 5000;
  m.meta = {{"amqp.content_type", "application/json"}, {"amqp.reply_to", "replies"}, {"site", "lab"},
            {"amqp.exchange", "was.here"}, {"amqp.redelivered", "1"}};
  const Publish p = publish_for(m, sink_settings("amqp://b/"));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.exchange, "");
  EXPECT_EQ(p.routing_key, "jobs");
  EXPECT_EQ(p.body, "b");
  EXPECT_EQ(p.properties.message_id, "id-1");
  EXPECT_EQ(p.properties.priority, 7);
  EXPECT_EQ(p.properties.expiration, "5000");
  EXPECT_EQ(p.properties.timestamp, 1764000000u);
  EXPECT_EQ(p.properties.gsmq_ts, 1764000000123456);
  EXPECT_EQ(p.properties.delivery_mode, 2);
  EXPECT_EQ(p.properties.content_type, "application/json");
  EXPECT_EQ(p.properties.reply_to, "replies");
  // receive facts (amqp.exchange, amqp.redelivered) are not sent; other meta are headers
  ASSERT_EQ(p.properties.headers.size(), 1u);
  EXPECT_EQ(p.properties.headers[0], (std::pair<std::string, std::string>{"site", "lab"}));
}

TEST(AmqpMapping, RoundTripKeepsTheEnvelope) {
  Message m;
  m.channel = "a.b";
  m.body = std::string("\x00\xff\x01", 3);
  m.id = "id-7";
  m.ts = 1764000000654321;
  m.priority = 3;
  m.ttl_ms = 100;
  m.meta = {{"k", "v"}, {"amqp.app_id", "gen"}, {"amqp.timestamp", "1764000000"}};
  const Publish p = publish_for(m, sink_settings("amqp://b/?exchange=x"));
  ASSERT_EQ(p.error, "");
  // through rabbitmq-c's structure and back
  WireProperties wire(p.properties);
  Received r;
  r.routing_key = p.routing_key;
  r.body = p.body;
  r.properties = properties_from_wire(*wire.get());
  Message back = message_from_delivery(r);
  back.meta.erase("amqp.delivery_mode");
  EXPECT_EQ(back, m);
}

TEST(AmqpMapping, TheUrlRoutingKeyWinsAndCanTemplateTheChannel) {
  Message m;
  m.channel = "door";
  m.body = "x";
  EXPECT_EQ(publish_for(m, sink_settings("amqp://b/fixed")).routing_key, "fixed");
  EXPECT_EQ(publish_for(m, sink_settings("amqp://b/site1.{channel}")).routing_key, "site1.door");
  EXPECT_EQ(publish_for(m, sink_settings("amqp://b/?persistent=0")).properties.delivery_mode, 1);
}

TEST(AmqpMapping, WhatCannotBePublished) {
  Message m;
  m.body = "x";
  EXPECT_NE(publish_for(m, sink_settings("amqp://b/")).error.find("no routing key"), std::string::npos);
  // with an exchange an empty routing key is fine (fanout, headers exchanges)
  EXPECT_EQ(publish_for(m, sink_settings("amqp://b/?exchange=fan")).error, "");
  m.channel = std::string(256, 'k');
  EXPECT_NE(publish_for(m, sink_settings("amqp://b/")).error.find("255"), std::string::npos);
  m.channel = "q";
  m.meta["amqp.delivery_mode"] = "3";
  EXPECT_NE(publish_for(m, sink_settings("amqp://b/")).error.find("amqp.delivery_mode"), std::string::npos);
  m.meta = {{"amqp.timestamp", "yesterday"}};
  EXPECT_NE(publish_for(m, sink_settings("amqp://b/")).error.find("amqp.timestamp"), std::string::npos);
}

TEST(AmqpWire, TypedHeaderValuesAsText) {
  amqp_field_value_t v{};
  v.kind = AMQP_FIELD_KIND_I32;
  v.value.i32 = -5;
  EXPECT_EQ(render_field(v), "-5");
  v.kind = AMQP_FIELD_KIND_BOOLEAN;
  v.value.boolean = 1;
  EXPECT_EQ(render_field(v), "true");
  v.kind = AMQP_FIELD_KIND_UTF8;
  v.value.bytes = bytes_of("text");
  EXPECT_EQ(render_field(v), "text");
  v.kind = AMQP_FIELD_KIND_TIMESTAMP;
  v.value.u64 = 1764000000;
  EXPECT_EQ(render_field(v), "1764000000");
  // a table inside an array (RabbitMQ's x-death) as JSON
  amqp_table_entry_t entries[2] = {};
  entries[0].key = bytes_of("queue");
  entries[0].value.kind = AMQP_FIELD_KIND_UTF8;
  entries[0].value.value.bytes = bytes_of("q1");
  entries[1].key = bytes_of("count");
  entries[1].value.kind = AMQP_FIELD_KIND_I64;
  entries[1].value.value.i64 = 2;
  amqp_field_value_t table{};
  table.kind = AMQP_FIELD_KIND_TABLE;
  table.value.table = amqp_table_t{2, entries};
  amqp_field_value_t array{};
  array.kind = AMQP_FIELD_KIND_ARRAY;
  array.value.array = amqp_array_t{1, &table};
  EXPECT_EQ(render_field(array), R"([{"count":2,"queue":"q1"}])");
}
