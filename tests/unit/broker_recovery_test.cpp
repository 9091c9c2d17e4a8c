// What a Broker believes of a channel's data log when it starts: message records whose
// seqs do not continue the others (damage that still verifies; a frame found inside another
// record's payload in a version 1 segment) are dropped, nothing is allocated from their
// seqs, the channel opens, and its sequence goes on from the records it kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "envelope/message.h"
#include "server/broker.h"
#include "server/record_codec.h"
#include "store/segmented_log.h"
#include "store/test_support.h"

namespace gsmq::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Records = std::vector<std::pair<uint64_t, std::string>>;  // seq, body
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
// Enough for a Broker's threads and logs; far below what a bitmap or an index sized from a
// seq near 2^64 asks for (before the fix: std::bad_alloc at 24 GB).
constexpr uint64_t kHeadroom = 1ull << 30;

std::string message_record(const std::string& channel, uint64_t seq, const std::string& body) {
  v1::Message m;
  m.set_channel(channel);
  m.set_body(body);
  return encode_message_record(seq, now_micros(), m);
}

class BrokerRecoveryTest : public ::testing::Test {
 protected:
  fs::path data_dir() const { return dir_.path() / "data"; }

  void open() {
    BrokerOptions o;
    o.data_dir = data_dir();
    o.fsync = store::FsyncPolicy::never;
    broker_ = std::make_unique<Broker>(o);
  }

  // Writes message records with these seqs, in this order, to a channel's data log.
  static void write_log(const fs::path& log_dir, const std::string& channel, const Records& records) {
    auto log = store::SegmentedLog::open({log_dir, 64 << 20});
    for (const auto& [seq, body] : records) log->append(kMessageRecord, message_record(channel, seq, body));
    log->sync();
  }

  // Every message of queue `channel`, as "body@seq", taken off the queue.
  std::vector<std::string> drain(const std::string& channel) {
    DurableQueue::ReceiveRequest r;
    r.max = 1000;
    r.deadline = Clock::now();
    r.auto_ack = true;
    google::protobuf::RepeatedPtrField<v1::Message> got;
    broker_->queue(channel).receive(r, &got);
    std::vector<std::string> out;
    for (const auto& m : got) out.push_back(m.body() + "@" + std::to_string(m.seq()));
    return out;
  }

  // Every message of events-store `channel`, as "body@seq".
  std::vector<std::string> replay(const std::string& channel) {
    auto& store = broker_->store(channel);
    v1::SubscribeRequest from_first;
    from_first.set_start(v1::START_FIRST);
    auto cursor = store.cursor("", store.start_seq(from_first));
    std::vector<std::string> out;
    for (const auto& m : store.read(*cursor, 1000, Clock::now())) out.push_back(m.body() + "@" + std::to_string(m.seq()));
    return out;
  }

  uint64_t send(const std::string& channel, bool to_store) {
    v1::Message m;
    m.set_channel(channel);
    m.set_body("new");
    std::promise<std::vector<v1::SendResult>> done;
    auto results = done.get_future();
    auto callback = [&done](std::vector<v1::SendResult> r) { done.set_value(std::move(r)); };
    if (to_store) broker_->publish(v1::EVENTS_STORE, {m}, callback);
    else broker_->send({m}, callback);
    const auto r = results.get();
    EXPECT_EQ(r.at(0).error(), "");
    return r.at(0).seq();
  }

  store::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
};

using Bodies = std::vector<std::string>;

TEST_F(BrokerRecoveryTest, QueueRecordsWithSeqsNear2To64AreDroppedAndTheQueueOpens) {
  write_log(data_dir() / "queues" / "jobs" / "data", "jobs",
            {{kMax - 1, "bogus"}, {1, "a"}, {2, "b"}, {kMax, "bogus"}, {3, "c"}, {uint64_t{1} << 40, "bogus"}});
  {
    store::testing::AddressSpaceLimit limit(kHeadroom);
    ASSERT_NO_THROW(open());
  }
  EXPECT_EQ(broker_->list_channels().at(0).last_seq(), 3u);
  EXPECT_EQ(send("jobs", false), 4u);  // the sequence goes on from what was kept
  EXPECT_EQ(drain("jobs"), (Bodies{"a@1", "b@2", "c@3", "new@4"}));
}

TEST_F(BrokerRecoveryTest, EventsStoreRecordsWithSeqsNear2To64AreDroppedAndTheChannelOpens) {
  write_log(data_dir() / "store" / "history" / "data", "history",
            {{1, "a"}, {kMax - 1, "bogus"}, {2, "b"}, {uint64_t{1} << 40, "bogus"}, {3, "c"}, {kMax, "bogus"}});
  {
    store::testing::AddressSpaceLimit limit(kHeadroom);
    ASSERT_NO_THROW(open());
  }
  EXPECT_EQ(replay("history"), (Bodies{"a@1", "b@2", "c@3"}));
  EXPECT_EQ(send("history", true), 4u);
}

// Version 1 segments are unsalted, so the store can take a frame inside a damaged record's
// payload for a record (docs/storage-format.md); the seq check is what stops it there.
TEST_F(BrokerRecoveryTest, AFrameFromInsideADamagedRecordOfAVersion1SegmentIsNotDelivered) {
  const std::string inner = store::testing::record_frame(0, kMessageRecord, message_record("jobs", 7777, "planted"));
  std::string carrier = store::testing::record_frame(0, kMessageRecord, message_record("jobs", 2, "carrier:" + inner));
  carrier[0] = static_cast<char>(carrier[0] ^ 4);  // the carrier's checksum is damaged
  const fs::path log_dir = data_dir() / "queues" / "jobs" / "data";
  fs::create_directories(log_dir);
  std::ofstream(log_dir / "00000000000000000001.seg", std::ios::binary)
      << store::testing::version1_segment_header()
      << store::testing::record_frame(0, kMessageRecord, message_record("jobs", 1, "a")) << carrier
      << store::testing::record_frame(0, kMessageRecord, message_record("jobs", 3, "c"));
  open();
  EXPECT_EQ(drain("jobs"), (Bodies{"a@1", "c@3"}));
  EXPECT_EQ(send("jobs", false), 4u);
}

}  // namespace
}  // namespace gsmq::server
