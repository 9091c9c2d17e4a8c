// What gsmqd writes into its logs (server/record_codec.h): message records and the queue
// state records round-trip exactly, and short or garbled payloads are refused, never
// misread.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "server/record_codec.h"

namespace gsmq::server {
namespace {

v1::Message full_message() {
  v1::Message m;
  m.set_channel("sensors/door");
  m.set_body(std::string("bin\0ary\xff", 8));
  m.set_id("5f1c-id");
  m.set_ts(1764000000123456);
  m.set_priority(7);
  (*m.mutable_meta())["content-type"] = "text/plain";
  (*m.mutable_meta())["mqtt.qos"] = "1";
  m.set_ttl_ms(60000);
  m.set_delay_ms(250);
  m.set_max_receives(3);
  m.set_dead_letter("dlq");
  m.set_extra_json(R"({"x":1})");
  m.set_body_is_json(true);
  return m;
}

TEST(RecordCodecTest, MessageRecordRoundTrips) {
  const v1::Message m = full_message();
  const std::string payload = encode_message_record(42, 1764000000999999, m);

  uint64_t seq = 0;
  int64_t arrival = 0;
  ASSERT_TRUE(decode_message_header(payload, seq, arrival));
  EXPECT_EQ(seq, 42u);
  EXPECT_EQ(arrival, 1764000000999999);

  MessageRecord record;
  ASSERT_TRUE(decode_message_record(payload, record));
  EXPECT_EQ(record.seq, 42u);
  EXPECT_EQ(record.arrival_us, 1764000000999999);
  v1::Message want = m;
  want.set_seq(42);  // the record's seq is the message's
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(record.message, want))
      << record.message.DebugString();
  EXPECT_EQ(record.message.body(), std::string("bin\0ary\xff", 8));
  EXPECT_EQ(record.message.meta().at("mqtt.qos"), "1");
}

TEST(RecordCodecTest, ExtremeHeaderValuesRoundTrip) {
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, std::numeric_limits<uint64_t>::max()}) {
    for (int64_t arrival : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::max()}) {
      MessageRecord record;
      ASSERT_TRUE(decode_message_record(encode_message_record(seq, arrival, v1::Message{}), record));
      EXPECT_EQ(record.seq, seq);
      EXPECT_EQ(record.arrival_us, arrival);
    }
  }
}

TEST(RecordCodecTest, ShortOrGarbledMessageRecordsAreRefused) {
  const std::string payload = encode_message_record(9, 123, full_message());
  uint64_t seq = 0;
  int64_t arrival = 0;
  MessageRecord record;
  for (size_t n = 0; n < 16; ++n) {
    EXPECT_FALSE(decode_message_header(payload.substr(0, n), seq, arrival)) << n;
    EXPECT_FALSE(decode_message_record(payload.substr(0, n), record)) << n;
  }
  // a header and a protobuf cut in the middle of a field
  EXPECT_FALSE(decode_message_record(payload.substr(0, 16) + std::string("\x0a\x05" "ab", 4), record));
  EXPECT_FALSE(decode_message_record(payload.substr(0, payload.size() - 3), record));
  // a field number 0 is never valid protobuf
  EXPECT_FALSE(decode_message_record(payload.substr(0, 16) + std::string("\x00\x01", 2), record));
}

// The bound stands in for the exact size unless it is over the limit, so it must never be
// below it: for every field of Message (read from its descriptor, so a field added later
// is covered), filled to the largest encoding it can have, alone and all together.
TEST(RecordCodecTest, SizeBoundIsNeverBelowTheExactSize) {
  using google::protobuf::FieldDescriptor;
  const auto* descriptor = v1::Message::descriptor();
  const auto* reflection = v1::Message::GetReflection();
  auto fill = [&](v1::Message& m, const FieldDescriptor* f) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: reflection->SetString(&m, f, std::string(300, 'x')); break;
      case FieldDescriptor::CPPTYPE_INT64: reflection->SetInt64(&m, f, std::numeric_limits<int64_t>::min()); break;
      case FieldDescriptor::CPPTYPE_UINT64: reflection->SetUInt64(&m, f, std::numeric_limits<uint64_t>::max()); break;
      case FieldDescriptor::CPPTYPE_INT32: reflection->SetInt32(&m, f, std::numeric_limits<int32_t>::min()); break;
      case FieldDescriptor::CPPTYPE_UINT32: reflection->SetUInt32(&m, f, std::numeric_limits<uint32_t>::max()); break;
      case FieldDescriptor::CPPTYPE_BOOL: reflection->SetBool(&m, f, true); break;
      case FieldDescriptor::CPPTYPE_MESSAGE:  // the meta map
        ASSERT_TRUE(f->is_map()) << f->name();
        for (int i = 0; i < 20; ++i) (*m.mutable_meta())["k" + std::to_string(i) + std::string(200, 'k')] = std::string(200, 'v');
        (*m.mutable_meta())[""] = "";
        break;
      default: FAIL() << "a field of a type the bound does not know: " << f->name();
    }
  };
  v1::Message all;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    v1::Message one;
    fill(one, descriptor->field(i));
    fill(all, descriptor->field(i));
    EXPECT_GE(message_record_size_bound(one), message_record_size(one)) << descriptor->field(i)->name();
  }
  EXPECT_GE(message_record_size_bound(all), message_record_size(all));
  EXPECT_GE(message_record_size_bound(v1::Message{}), message_record_size(v1::Message{}));
  // A field this build does not know (from a newer client) is stored too: counted exactly.
  v1::Message newer = all;
  newer.GetReflection()->MutableUnknownFields(&newer)->AddLengthDelimited(1000, std::string(5000, 'n'));
  EXPECT_GE(message_record_size_bound(newer), message_record_size(newer));
  EXPECT_GT(message_record_size(newer), message_record_size(all) + 5000);
}

TEST(RecordCodecTest, RemovedRecordRoundTrips) {
  for (const std::vector<uint64_t>& seqs :
       {std::vector<uint64_t>{}, std::vector<uint64_t>{1}, std::vector<uint64_t>{3, 1, 2, 1ull << 63},
        std::vector<uint64_t>(1000, std::numeric_limits<uint64_t>::max())}) {
    std::vector<uint64_t> got{99};
    ASSERT_TRUE(decode_removed(encode_removed(seqs), got));
    EXPECT_EQ(got, seqs);
  }
}

TEST(RecordCodecTest, ShortOrGarbledRemovedRecordsAreRefused) {
  const std::string payload = encode_removed({1, 2, 3});
  std::vector<uint64_t> got;
  for (size_t n = 0; n < payload.size(); ++n) EXPECT_FALSE(decode_removed(payload.substr(0, n), got)) << n;
  EXPECT_FALSE(decode_removed(payload + "x", got));  // trailing bytes
  std::string huge = payload;
  huge[3] = '\x7f';  // a count far beyond the payload
  EXPECT_FALSE(decode_removed(huge, got));
}

TEST(RecordCodecTest, DeliveredRecordRoundTrips) {
  const std::vector<Delivered> items = {{1, 1}, {7, 3}, {std::numeric_limits<uint64_t>::max(), 65535}};
  int64_t until = 0;
  std::vector<Delivered> got;
  ASSERT_TRUE(decode_delivered(encode_delivered(1764000000000001, items), until, got));
  EXPECT_EQ(until, 1764000000000001);
  ASSERT_EQ(got.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(got[i].seq, items[i].seq);
    EXPECT_EQ(got[i].receive_count, items[i].receive_count);
  }
  ASSERT_TRUE(decode_delivered(encode_delivered(-5, {}), until, got));
  EXPECT_EQ(until, -5);
  EXPECT_TRUE(got.empty());
}

TEST(RecordCodecTest, ShortOrGarbledDeliveredRecordsAreRefused) {
  const std::string payload = encode_delivered(10, {{1, 1}, {2, 2}});
  int64_t until = 0;
  std::vector<Delivered> got;
  for (size_t n = 0; n < payload.size(); ++n) EXPECT_FALSE(decode_delivered(payload.substr(0, n), until, got)) << n;
  EXPECT_FALSE(decode_delivered(payload + "x", until, got));
  std::string huge = payload;
  huge[11] = '\x7f';  // the count's high byte
  EXPECT_FALSE(decode_delivered(huge, until, got));
}

}  // namespace
}  // namespace gsmq::server
