// The envelope's rules at gsmqd's gRPC boundary (server/message_validation.h).
#include "server/message_validation.h"

#include <gtest/gtest.h>

namespace gsmq::server {
namespace {

v1::Message message() {
  v1::Message m;
  m.set_channel("c");
  m.set_body("b");
  return m;
}

TEST(MessageValidationTest, AValidMessagePasses) {
  v1::Message m = message();
  m.set_priority(9);
  m.set_ttl_ms(5);
  m.set_dead_letter("dlq");
  m.set_extra_json(R"({"site":"lab","n":[1,2]})");
  EXPECT_EQ(invalid_field(m), "");
}

TEST(MessageValidationTest, EachBadFieldIsNamed) {
  auto why = [](auto set) {
    v1::Message m = message();
    set(m);
    return invalid_field(m);
  };
  EXPECT_EQ(why([](v1::Message& m) { m.set_priority(42); }), "field \"priority\": 42 is out of range 0-9");
  EXPECT_EQ(why([](v1::Message& m) { m.set_ts(-1); }), "field \"ts\": must not be negative");
  EXPECT_EQ(why([](v1::Message& m) { m.set_ttl_ms(-1); }), "field \"ttl_ms\": must not be negative");
  EXPECT_EQ(why([](v1::Message& m) { m.set_delay_ms(-1); }), "field \"delay_ms\": must not be negative");
  EXPECT_NE(why([](v1::Message& m) { m.set_dead_letter(std::string(300, '/')); }).find("field \"dead_letter\""),
            std::string::npos);
  for (const char* extra : {"[1]", "{", "{\"body\":\"forged\"}", "{\"channel\":\"x\"}", "{\"receipt\":\"1:1@q\"}",
                            "{\"n\":1e400}"})
    EXPECT_NE(why([&](v1::Message& m) { m.set_extra_json(extra); }).find("field \"extra_json\""), std::string::npos)
        << extra;
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  EXPECT_NE(why([&](v1::Message& m) { m.set_extra_json("{\"x\":" + deep + "}"); }).find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace gsmq::server
