// Envelope <-> gsmq.v1.Message (rpc/message_convert.h): what another gRPC client stored
// in gsmqd comes back as a message that prints safely, whatever its extra_json holds.
#include <gtest/gtest.h>

#include <string>

#include "envelope/codec.h"
#include "rpc/message_convert.h"

namespace gsmq {
namespace {

std::string nested_object(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += R"({"a":)";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

TEST(MessageConvertTest, RoundTripKeepsEveryField) {
  const std::string line =
      R"({"channel":"c","body":{"n":1},"id":"i","ts":5,"priority":3,"meta":{"k":"v"},"seq":7,"ttl_ms":1,)"
      R"("delay_ms":2,"max_receives":3,"dead_letter":"dlq","receive_count":4,"x-extra":[1,"two"]})";
  Message m;
  std::string error;
  ASSERT_TRUE(parse_envelope(line, m, error)) << error;
  v1::Message wire;
  to_proto(m, &wire);
  EXPECT_EQ(from_proto(wire), m);
}

// The moving forms convert the same; they only give the strings away.
TEST(MessageConvertTest, MovingConvertsTheSameAsCopying) {
  const std::string line =
      R"({"channel":"a-channel-name-longer-than-sso","body":"a body longer than the small string buffer",)"
      R"("id":"an-id-longer-than-the-small-string","ts":5,"priority":3,"meta":{"key":"a value longer than sixteen"},)"
      R"("seq":7,"ttl_ms":1,"delay_ms":2,"deadline_ms":9,"deliver_late":true,"late_channel":"late",)"
      R"("max_receives":3,"dead_letter":"dlq","receive_count":4,"x-extra":[1,"two"]})";
  Message m;
  std::string error;
  ASSERT_TRUE(parse_envelope(line, m, error)) << error;
  v1::Message copied, moved;
  to_proto(m, &copied);
  Message source = m;
  to_proto(std::move(source), &moved);
  EXPECT_EQ(moved.SerializeAsString(), copied.SerializeAsString());
  v1::Message wire = copied;
  EXPECT_EQ(from_proto(std::move(wire)), from_proto(copied));
  EXPECT_EQ(from_proto(copied), m);
}

TEST(MessageConvertTest, ExtraJsonNestedDeeperThanALineIsDropped) {
  v1::Message wire;
  wire.set_body("x");
  wire.set_extra_json(R"({"ok":)" + nested_object(kMaxLineDepth - 1) + "}");  // the deepest a line may hold
  EXPECT_TRUE(from_proto(wire).extra.is_object());
  wire.set_extra_json(R"({"deep":)" + nested_object(100000) + "}");
  const Message m = from_proto(wire);
  EXPECT_TRUE(m.extra.is_null());
  EXPECT_EQ(format_envelope(m), R"({"body":"x"})");  // must not recurse 100,000 levels
}

TEST(MessageConvertTest, ExtraJsonCannotOverrideEnvelopeFields) {
  v1::Message wire;
  wire.set_channel("real");
  wire.set_body("real body");
  wire.set_id("real-id");
  wire.set_extra_json(R"({"channel":"evil","body":"evil","id":"evil","seq":99,"receipt":"r","x":1})");
  EXPECT_EQ(format_envelope(from_proto(wire)), R"({"channel":"real","body":"real body","id":"real-id","x":1})");
}

TEST(MessageConvertTest, ADeepJsonBodyFromTheWirePrintsAsAString) {
  v1::Message wire;
  wire.set_body(std::string(100000, '[') + std::string(100000, ']'));
  wire.set_body_is_json(true);
  const std::string line = format_envelope(from_proto(wire));
  EXPECT_EQ(line, R"({"body":")" + wire.body() + R"("})");
}

}  // namespace
}  // namespace gsmq
