// An events-store channel whose publish fails to commit (the disk refuses the write): the
// seqs it took stay unused, later seqs still name their own messages, subscribers skip the
// gap, and a restart sees the same channel.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "server/event_store.h"
#include "store/test_support.h"

namespace gsmq::server {
namespace {

struct Published {
  std::string error;
  std::vector<uint64_t> seqs;
};

class EventStoreTest : public ::testing::Test {
 protected:
  void open() {
    committer_ = std::make_unique<store::Committer>(store::CommitterOptions{store::FsyncPolicy::never});
    channel_ = std::make_unique<EventStore>("log", dir_.path() / "log", *committer_, StoreOptions{});
  }
  void restart() {
    committer_->stop();
    channel_.reset();
    committer_.reset();
    open();
  }

  Published publish(const std::vector<std::string>& bodies) {
    std::vector<v1::Message> messages;
    for (const auto& b : bodies) {
      v1::Message m;
      m.set_channel("log");
      m.set_body(b);
      messages.push_back(std::move(m));
    }
    std::promise<Published> done;
    auto result = done.get_future();
    channel_->publish(std::move(messages), [&done](const std::string& error, const std::vector<uint64_t>& seqs) {
      done.set_value({error, seqs});
    });
    return result.get();
  }

  // "seq:body" of what a subscriber reading from `start` gets.
  std::vector<std::string> read_from(v1::StartAt start, uint64_t seq = 0) {
    v1::SubscribeRequest r;
    r.set_channel("log");
    r.set_kind(v1::EVENTS_STORE);
    r.set_start(start);
    r.set_start_seq(seq);
    auto cursor = channel_->cursor("", channel_->start_seq(r));
    std::vector<std::string> out;
    for (const auto& m : channel_->read(*cursor, 100, Clock::now()))
      out.push_back(std::to_string(m.seq()) + ":" + m.body());
    return out;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::Committer> committer_;
  std::unique_ptr<EventStore> channel_;
};

using V = std::vector<std::string>;

TEST_F(EventStoreTest, AFailedPublishLeavesAGapThatLaterSeqsAndSubscribersGetRight) {
  open();
  ASSERT_EQ(publish({"a"}).seqs, std::vector<uint64_t>{1});
  Published failed;
  {
    store::testing::FileSizeLimit limit(channel_->figures().bytes + 100);  // the segment cannot grow
    failed = publish({std::string(4096, 'x'), "lost too"});
  }
  EXPECT_NE(failed.error, "");
  EXPECT_TRUE(failed.seqs.empty());

  // Seqs 2 and 3 were taken by the failed publish and are not handed out again.
  EXPECT_EQ(publish({"c"}).seqs, std::vector<uint64_t>{4});
  EXPECT_EQ(publish({"d"}).seqs, std::vector<uint64_t>{5});

  EXPECT_EQ(read_from(v1::START_FIRST), (V{"1:a", "4:c", "5:d"}));
  EXPECT_EQ(read_from(v1::START_SEQUENCE, 2), (V{"4:c", "5:d"}));
  EXPECT_EQ(read_from(v1::START_SEQUENCE, 4), (V{"4:c", "5:d"}));
  EXPECT_EQ(read_from(v1::START_SEQUENCE, 5), (V{"5:d"}));
  EXPECT_EQ(read_from(v1::START_LAST), (V{"5:d"}));
  EXPECT_EQ(channel_->figures().last_seq, 5u);
  EXPECT_EQ(channel_->figures().published, 3u);

  // A follower parked at the end is woken by the next message after a failed publish.
  v1::SubscribeRequest r;
  r.set_start(v1::START_NEW);
  auto follower = channel_->cursor("", channel_->start_seq(r));
  {
    store::testing::FileSizeLimit limit(channel_->figures().bytes + 10);
    EXPECT_NE(publish({std::string(4096, 'y')}).error, "");
  }
  EXPECT_EQ(publish({"f"}).seqs, std::vector<uint64_t>{7});
  const auto got = channel_->read(*follower, 100, Clock::now());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq(), 7u);
  EXPECT_EQ(got[0].body(), "f");

  // A restart rebuilds the same index from disk, and the sequence goes on.
  restart();
  EXPECT_EQ(read_from(v1::START_FIRST), (V{"1:a", "4:c", "5:d", "7:f"}));
  EXPECT_EQ(read_from(v1::START_SEQUENCE, 4), (V{"4:c", "5:d", "7:f"}));
  EXPECT_EQ(publish({"g"}).seqs, std::vector<uint64_t>{8});
}

}  // namespace
}  // namespace gsmq::server
