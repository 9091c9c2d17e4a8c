// redis:// pure logic: Message <-> stream entry fields both ways, entries written by
// others, and the URL read into settings with its usage errors.
#include <gtest/gtest.h>

#include "endpoint/redis/mapping.h"
#include "endpoint/redis/registration.h"
#include "endpoint/redis/settings.h"
#include "tool/exit_status.h"

namespace gsmq::endpoint::redis {
namespace {

TEST(RedisMapping, FieldsCarryTheEnvelope) {
  Message m;
  m.channel = "orders";
  m.body = std::string("a\0b", 3);
  m.id = "id-1";
  m.ts = 17;
  m.priority = 2;
  m.meta = {{"k", "v"}, {"redis.id", "1-0"}};
  EXPECT_EQ(fields_for(m), (Fields{{"body", std::string("a\0b", 3)}, {"id", "id-1"}, {"ts", "17"}, {"priority", "2"},
                                   {"channel", "orders"}, {"meta.k", "v"}}));
  Message bare;
  EXPECT_EQ(fields_for(bare), (Fields{{"body", ""}}));
}

TEST(RedisMapping, RoundTripAddsTheEntryId) {
  Message m;
  m.channel = "orders";
  m.body = "x";
  m.id = "id";
  m.ts = 5;
  m.priority = 9;
  m.meta = {{"k", "v"}};
  Message back = message_from("orders", "1700000000000-0", fields_for(m));
  EXPECT_EQ(back.meta.at("redis.id"), "1700000000000-0");
  back.meta.erase("redis.id");
  EXPECT_EQ(back, m);
}

TEST(RedisMapping, AnEntryWithoutBodyIsAJsonObjectOfItsFields) {
  const Message m = message_from("sensors", "1-1", {{"temp", "21.5"}, {"hum", "40"}});
  EXPECT_EQ(m.body, R"({"temp":"21.5","hum":"40"})");
  EXPECT_TRUE(m.body_is_json);
  EXPECT_EQ(m.channel, "sensors");
  EXPECT_EQ(m.meta, (std::map<std::string, std::string>{{"redis.id", "1-1"}}));
}

TEST(RedisMapping, UnknownAndMalformedFieldsBecomeMeta) {
  const Message m = message_from("s", "1-0", {{"body", "b"}, {"priority", "high"}, {"extra", "e"}, {"ts", "-3"}});
  EXPECT_EQ(m.priority, 0);
  EXPECT_EQ(m.ts, 0);
  EXPECT_EQ(m.meta.at("redis.priority"), "high");
  EXPECT_EQ(m.meta.at("redis.extra"), "e");
  EXPECT_EQ(m.meta.at("redis.ts"), "-3");
}

Settings settings_of(const std::string& text, Role role) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  const EndpointUrl u = url.value_or(EndpointUrl{});
  return read_settings(u, parse_params(kAdapter, u, opened_as(kAdapter, u, role)), role, EndpointOptions{});
}

int error_status(const std::string& text, Role role) {
  try {
    settings_of(text, role);
  } catch (const Error& e) {
    return exit_status_of(e.kind());
  }
  return -1;
}

TEST(RedisSettings, SourceAndSink) {
  Settings s = settings_of("redis://:pw@h/jobs?group=g&consumer=c&deliver=new&claim_idle=5s&db=2", Role::source);
  EXPECT_EQ(s.host, "h");
  EXPECT_EQ(s.port, 6379);
  EXPECT_EQ(s.password, "pw");
  EXPECT_EQ(s.key, "jobs");
  EXPECT_EQ(s.group, "g");
  EXPECT_EQ(s.consumer, "c");
  EXPECT_FALSE(s.from_first);
  EXPECT_EQ(s.claim_idle, std::chrono::seconds(5));
  EXPECT_EQ(s.db, 2u);
  s = settings_of("redis://h:7000/{channel}?maxlen=1000", Role::sink);
  EXPECT_EQ(s.port, 7000);
  EXPECT_EQ(s.maxlen, 1000u);
  EXPECT_FALSE(settings_of("redis://h/s", Role::source).consumer.empty());
}

TEST(RedisSettings, UsageErrors) {
  EXPECT_EQ(error_status("redis://h", Role::source), 2);
  EXPECT_EQ(error_status("redis://h/{channel}", Role::source), 2);
  EXPECT_EQ(error_status("redis://:6379/s", Role::sink), 2);
  EXPECT_EQ(error_status("redis://user@h/s", Role::sink), 2);
  EXPECT_EQ(error_status("redis://h/s?maxlen=5", Role::source), 2);
  EXPECT_EQ(error_status("redis://h/s?group=g", Role::sink), 2);
  EXPECT_EQ(error_status("redis://h/s?envelope", Role::sink), 2);         // envelope is for pubsub
  EXPECT_EQ(error_status("redis://h/s?pubsub&group=g", Role::source), 2);  // group is for streams
  EXPECT_EQ(error_status("redis://h/s?pubsub&maxlen=3", Role::sink), 2);
  EXPECT_TRUE(settings_of("redis://h/a.*?pubsub&envelope", Role::source).pubsub);
}

}  // namespace
}  // namespace gsmq::endpoint::redis
