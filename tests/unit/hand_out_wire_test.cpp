// A stored message handed out without parsing it (server/hand_out_wire.h): the stored
// bytes plus the appended fields parse as the message with those fields set, whatever the
// stored message already held; malformed bytes are recognised before they are handed out.
#include <gtest/gtest.h>

#include <string>

#include <google/protobuf/util/message_differencer.h>

#include "gsmq/v1/message.pb.h"
#include "server/hand_out_wire.h"

namespace gsmq::server {
namespace {

v1::Message stored_message() {
  v1::Message m;
  m.set_channel("jobs");
  m.set_body(std::string("\0binary\xff", 8));
  m.set_id("id-1");
  m.set_ts(1234);
  m.set_priority(7);
  (*m.mutable_meta())["k"] = "v";
  (*m.mutable_meta())["gsmq.late_ms"] = "stale";  // a sender's own value: replaced below
  m.set_seq(99);                                  // a sender's own value: replaced below
  m.set_receive_count(5);
  m.set_receipt("a sender's receipt");
  m.set_deadline_ms(10);
  m.set_extra_json(R"({"x":1})");
  return m;
}

// What the parsing path makes of the same message and fields.
v1::Message parsed_and_set(v1::Message m, const HandOutFields& f) {
  m.set_seq(f.seq);
  m.set_receive_count(f.receive_count);
  if (f.receipt) m.set_receipt(*f.receipt);
  if (f.late_ms) (*m.mutable_meta())["gsmq.late_ms"] = std::to_string(*f.late_ms);
  return m;
}

v1::Message handed_out(const v1::Message& stored, const HandOutFields& f) {
  std::string wire = stored.SerializeAsString();
  append_hand_out_fields(wire, f);
  v1::Message out;
  EXPECT_TRUE(out.ParseFromString(wire));
  return out;
}

TEST(HandOutWireTest, ParsesAsTheStoredMessageWithTheFieldsSet) {
  const v1::Message stored = stored_message();
  for (const HandOutFields& f : {HandOutFields{1, 0, std::nullopt, std::nullopt},
                                 HandOutFields{18446744073709551615ull, 65535, "3:2@jobs", 1500},
                                 HandOutFields{42, 1, "", 0}}) {
    const v1::Message got = handed_out(stored, f), want = parsed_and_set(stored, f);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, want))
        << got.DebugString() << "\nwant:\n" << want.DebugString();
  }
  // receive_count 0 replaces a stored one; no receipt keeps the stored one (peek)
  const v1::Message peeked = handed_out(stored, {7, 0, std::nullopt, std::nullopt});
  EXPECT_EQ(peeked.receive_count(), 0u);
  EXPECT_EQ(peeked.receipt(), "a sender's receipt");
  EXPECT_EQ(peeked.meta().at("gsmq.late_ms"), "stale");
  EXPECT_EQ(handed_out(stored, {7, 0, std::nullopt, 250}).meta().at("gsmq.late_ms"), "250");
}

TEST(HandOutWireTest, AnEmptyStoredMessageTakesTheFields) {
  const v1::Message got = handed_out(v1::Message{}, {3, 2, "3:2@c", std::nullopt});
  EXPECT_EQ(got.seq(), 3u);
  EXPECT_EQ(got.receive_count(), 2u);
  EXPECT_EQ(got.receipt(), "3:2@c");
  EXPECT_TRUE(got.meta().empty());
}

TEST(HandOutWireTest, WellFormedAcceptsEncodingsAndRefusesBrokenBytes) {
  const std::string good = stored_message().SerializeAsString();
  EXPECT_TRUE(well_formed_message(good));
  EXPECT_TRUE(well_formed_message(""));
  EXPECT_FALSE(well_formed_message(good.substr(0, good.size() - 1)));  // a length running past the end
  EXPECT_FALSE(well_formed_message(std::string("\x0a\x05" "ab", 4)));  // field 1, 5 bytes, 2 there
  EXPECT_FALSE(well_formed_message(std::string("\x00\x01", 2)));        // tag 0
  EXPECT_FALSE(well_formed_message(std::string("\x0c", 1)));            // a stray end-group
  EXPECT_FALSE(well_formed_message(std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11)));  // varint too long
  EXPECT_FALSE(well_formed_message(std::string("\x0f", 1)));            // wire type 7
  // found by stored_message_fuzz: bytes a lenient reader takes and the parser does not
  EXPECT_FALSE(well_formed_message(std::string("\x90\x91\x91\x91\x91\x91\x2d\x2c", 8)));  // a 7-byte tag
  EXPECT_FALSE(well_formed_message(std::string("\x32\x80\x80\x80\x80\x80\x80\x0a", 8)));  // a 7-byte length
  EXPECT_FALSE(well_formed_message(std::string("\x0b\x0c", 2)));     // a group: gsmq writes none
  v1::Message check;
  EXPECT_FALSE(check.ParseFromString(std::string("\x32\x80\x80\x80\x80\x80\x80\x0a", 8)));
}

// A parser refuses a `string` field that is not UTF-8, so such bytes are not handed out;
// `bytes` fields (the body) may hold anything.
TEST(HandOutWireTest, WellFormedChecksTheStringFieldsAreUtf8) {
  auto with = [](auto set) {
    v1::Message m = stored_message();
    set(m);
    return m.SerializePartialAsString();  // (the serializer would refuse to write them)
  };
  const std::string bad = "bad \xc3\x28 utf-8";
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_channel(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_id(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_dead_letter(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_receipt(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_extra_json(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { m.set_late_channel(bad); })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { (*m.mutable_meta())["k"] = bad; })));
  EXPECT_FALSE(well_formed_message(with([&](v1::Message& m) { (*m.mutable_meta())[bad] = "v"; })));
  const std::string body = with([&](v1::Message& m) { m.set_body(bad); });
  EXPECT_TRUE(well_formed_message(body));
  v1::Message parsed;
  EXPECT_TRUE(parsed.ParseFromString(body));
  // and what the check refuses, the parser refuses too
  v1::Message refused;
  EXPECT_FALSE(refused.ParseFromString(with([&](v1::Message& m) { (*m.mutable_meta())["k"] = bad; })));
}

// Every `string` field of Message, read from its descriptor (so one added later is
// covered): not UTF-8, the parser refuses it, and so does the check.
TEST(HandOutWireTest, WellFormedChecksEveryStringFieldOfTheDescriptor) {
  const auto* descriptor = v1::Message::descriptor();
  int strings = 0;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    ++strings;
    v1::Message m = stored_message();
    m.GetReflection()->SetString(&m, field, "bad \xc3\x28 utf-8");
    const std::string bytes = m.SerializePartialAsString();
    v1::Message parsed;
    EXPECT_FALSE(parsed.ParseFromString(bytes)) << field->name();
    EXPECT_FALSE(well_formed_message(bytes)) << field->name();
  }
  EXPECT_GE(strings, 6);
}

}  // namespace
}  // namespace gsmq::server
