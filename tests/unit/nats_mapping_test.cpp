// nats:// pure logic: Message <-> subject, payload and headers both ways, JetStream
// delivery facts, and subjects checked before they reach the server.
#include <gtest/gtest.h>

#include "endpoint/nats/mapping.h"
#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {
namespace {

std::string header(const Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "<none>";
}

TEST(NatsMapping, OutgoingCarriesIdTsPriorityAndMeta) {
  Message m;
  m.channel = "sensors.door";
  m.body = "open";
  m.id = "id-1";
  m.ts = 1764000000123456;
  m.priority = 7;
  m.meta = {{"content-type", "text/plain"}, {"nats.X-Trace", "t1"}, {"nats.js.seq", "9"}};
  const Outgoing o = outgoing_for(m, "");
  ASSERT_EQ(o.error, "");
  EXPECT_EQ(o.subject, "sensors.door");
  ASSERT_FALSE(o.headers.empty());
  EXPECT_EQ(o.headers.front(), (std::pair<std::string, std::string>{"Nats-Msg-Id", "id-1"}));
  EXPECT_EQ(header(o.headers, "Gsmq-Ts"), "1764000000123456");
  EXPECT_EQ(header(o.headers, "Gsmq-Priority"), "7");
  EXPECT_EQ(header(o.headers, "Gsmq-Meta-content-type"), "text/plain");
  EXPECT_EQ(header(o.headers, "X-Trace"), "t1");
  EXPECT_EQ(header(o.headers, "js.seq"), "<none>");  // delivery facts are not sent on
  EXPECT_EQ(o.headers.size(), 5u);
}

TEST(NatsMapping, PriorityZeroAndNoTsSendNoHeader) {
  Message m;
  m.channel = "a";
  m.id = "x";
  const Outgoing o = outgoing_for(m, "");
  EXPECT_EQ(o.headers.size(), 1u);
}

TEST(NatsMapping, TheUrlSubjectWinsAndTakesTheChannelPlaceholder) {
  Message m;
  m.channel = "door";
  m.id = "x";
  EXPECT_EQ(outgoing_for(m, "site1.events").subject, "site1.events");
  EXPECT_EQ(outgoing_for(m, "site1.{channel}").subject, "site1.door");
}

TEST(NatsMapping, WhatCannotBePublishedIsAnErrorNamingIt) {
  Message m;
  m.id = "x";
  EXPECT_NE(outgoing_for(m, "").error.find("no subject"), std::string::npos);
  m.channel = "a.*";
  EXPECT_NE(outgoing_for(m, "").error.find("\"a.*\" is not a subject"), std::string::npos);
  m.channel = "a b";
  EXPECT_NE(outgoing_for(m, "").error, "");
  m.channel = "a";
  m.meta = {{"bad key", "v"}};
  EXPECT_NE(outgoing_for(m, "").error.find("meta \"bad key\""), std::string::npos);
  m.meta = {{"k", "line\nbreak"}};
  EXPECT_NE(outgoing_for(m, "").error.find("line break"), std::string::npos);
  m.meta = {};
  m.id = "";
  EXPECT_NE(outgoing_for(m, "").error, "");
}

TEST(NatsMapping, ReceivedHeadersBecomeTheEnvelope) {
  const Headers h = {{"Nats-Msg-Id", "id-9"},       {"Gsmq-Ts", "1764000000000001"}, {"Gsmq-Priority", "4"},
                     {"Gsmq-Meta-content-type", "a/b"}, {"X-Trace", "t1"},            {"X-Trace", "t2"},
                     {"Nats-Expected-Stream", "S"}};
  const Message m = message_from("orders.new", std::string("b\0y", 3), h);
  EXPECT_EQ(m.channel, "orders.new");
  EXPECT_EQ(m.body, std::string("b\0y", 3));
  EXPECT_EQ(m.id, "id-9");
  EXPECT_EQ(m.ts, 1764000000000001);
  EXPECT_EQ(m.priority, 4);
  EXPECT_EQ(m.meta, (std::map<std::string, std::string>{{"content-type", "a/b"}, {"nats.X-Trace", "t1, t2"}}));
}

TEST(NatsMapping, MalformedGsmqHeadersAreKeptAsMeta) {
  const Message m = message_from("s", "", {{"Gsmq-Priority", "12"}, {"Gsmq-Ts", "soon"}});
  EXPECT_EQ(m.priority, 0);
  EXPECT_EQ(m.ts, 0);
  EXPECT_EQ(m.meta.at("nats.Gsmq-Priority"), "12");
  EXPECT_EQ(m.meta.at("nats.Gsmq-Ts"), "soon");
}

TEST(NatsMapping, RoundTripKeepsTheMessage) {
  Message m;
  m.channel = "a.b";
  m.body = "payload";
  m.id = "id";
  m.ts = 5;
  m.priority = 9;
  m.meta = {{"k", "v"}, {"nats.H", "h"}};
  const Outgoing o = outgoing_for(m, "");
  EXPECT_EQ(message_from(o.subject, m.body, o.headers), m);
}

TEST(NatsMapping, StreamFactsAddMetaReceiveCountAndAMissingTs) {
  Message m;
  add_stream_facts(m, StreamFacts{.stream = "ORD", .stream_seq = 42, .delivered = 3, .timestamp_ns = 1'700'000'000'123'456'789});
  EXPECT_EQ(m.meta.at("nats.js.stream"), "ORD");
  EXPECT_EQ(m.meta.at("nats.js.seq"), "42");
  EXPECT_EQ(m.receive_count, 3u);
  EXPECT_EQ(m.ts, 1'700'000'000'123'456);
  m.ts = 7;
  add_stream_facts(m, StreamFacts{.stream = "ORD", .stream_seq = 1, .delivered = 1, .timestamp_ns = 99'000});
  EXPECT_EQ(m.ts, 7);
}

TEST(NatsSubject, TokensWildcardsAndWhiteSpace) {
  EXPECT_TRUE(valid_subject("a", false));
  EXPECT_TRUE(valid_subject("sensors/door.open", false));
  EXPECT_FALSE(valid_subject("", false));
  EXPECT_FALSE(valid_subject("a..b", false));
  EXPECT_FALSE(valid_subject(".a", false));
  EXPECT_FALSE(valid_subject("a.", false));
  EXPECT_FALSE(valid_subject("a b", true));
  EXPECT_FALSE(valid_subject("a\tb", true));
  EXPECT_FALSE(valid_subject("a.*", false));
  EXPECT_TRUE(valid_subject("a.*", true));
  EXPECT_TRUE(valid_subject("a.>", true));
  EXPECT_TRUE(valid_subject(">", true));
  EXPECT_FALSE(valid_subject("a.>.b", true));
  EXPECT_FALSE(valid_subject("a.b*", true));
}

}  // namespace
}  // namespace gsmq::endpoint::nats
