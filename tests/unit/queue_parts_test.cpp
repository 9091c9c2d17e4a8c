// The building blocks of QueueIndex: Entry packing, ChunkedFifo, LiveSeqs, ReadyLane.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "queue/chunked_fifo.h"
#include "queue/entry.h"
#include "queue/live_seqs.h"
#include "queue/ready_lane.h"
#include "store/test_support.h"

namespace gsmq::queue {
namespace {

TEST(QueueEntry, PacksIntoFortyBytesAndRoundTrips) {
  EXPECT_EQ(sizeof(Entry), 40u);
  const QueuedMessage m{.seq = std::numeric_limits<uint64_t>::max(), .location = 0x0123456789abcdef,
                        .deliver_at = 1764000000123456, .expire_at = -5, .size = 4000000000u,
                        .receive_count = 65535, .max_receives = 65534, .priority = 9,
                        .has_dead_letter = true};
  EXPECT_EQ(Entry::from(m).message(), m);
}

TEST(QueueEntry, ClampsPriorityAndTimes) {
  const QueuedMessage m{.deliver_at = std::numeric_limits<Micros>::min(),
                        .expire_at = std::numeric_limits<Micros>::max(), .priority = 200};
  const QueuedMessage back = Entry::from(m).message();
  EXPECT_EQ(back.priority, kMaxPriority);
  EXPECT_EQ(back.deliver_at, Entry::kMinTime);
  EXPECT_EQ(back.expire_at, Entry::kMaxTime);
}

TEST(QueueChunkedFifo, BehavesLikeADequeAcrossChunkBoundaries) {
  ChunkedFifo<uint64_t, 64> fifo;  // 8 values per chunk
  std::deque<uint64_t> model;
  std::mt19937 rng(7);
  uint64_t next = 0;
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = rng() % 10;
    if (op < 5 || model.empty()) {
      fifo.push_back(next);
      model.push_back(next++);
    } else if (op < 8) {
      fifo.pop_front();
      model.pop_front();
    } else if (op < 9) {
      fifo.pop_back();
      model.pop_back();
    } else {
      const uint64_t mod = rng() % 3 + 2;
      EXPECT_EQ(fifo.remove_if([mod](uint64_t v) { return v % mod == 0; }),
                std::erase_if(model, [mod](uint64_t v) { return v % mod == 0; }));
    }
    ASSERT_EQ(fifo.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(fifo.front(), model.front());
      ASSERT_EQ(fifo.back(), model.back());
      const size_t i = rng() % model.size();
      ASSERT_EQ(fifo[i], model[i]);
    }
  }
}

TEST(QueueLiveSeqs, TracksMembershipAndMinimumInAnyOrder) {
  LiveSeqs live;
  std::set<uint64_t> model;
  std::mt19937_64 rng(11);
  EXPECT_EQ(live.min(), std::numeric_limits<uint64_t>::max());
  for (int step = 0; step < 20000; ++step) {
    const uint64_t seq = 1000 + rng() % 700;  // around a base, so words grow at both ends
    if (model.contains(seq)) {
      live.erase(seq);
      model.erase(seq);
    } else {
      live.insert(seq);
      model.insert(seq);
    }
    ASSERT_EQ(live.size(), model.size());
    ASSERT_EQ(live.min(), model.empty() ? std::numeric_limits<uint64_t>::max() : *model.begin());
    const uint64_t probe = 990 + rng() % 720;
    ASSERT_EQ(live.contains(probe), model.contains(probe));
  }
}

TEST(QueueLiveSeqs, ASeqFarFromTheOthersDoesNotStretchTheBitmap) {
  store::testing::AddressSpaceLimit limit(1ull << 30);  // a bitmap up to 2^64 fails fast
  LiveSeqs live;
  for (uint64_t seq = 1; seq <= 1000; ++seq) live.insert(seq);
  const size_t dense = live.bitmap_bytes();
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  for (uint64_t seq : {max - 1, max, uint64_t{1} << 40}) live.insert(seq);  // as from a damaged disk
  EXPECT_EQ(live.bitmap_bytes(), dense);
  EXPECT_EQ(live.size(), 1003u);
  EXPECT_TRUE(live.contains(max - 1));
  EXPECT_TRUE(live.contains(max));
  EXPECT_FALSE(live.contains(max - 2));
  EXPECT_EQ(live.min(), 1u);
  for (uint64_t seq = 1; seq <= 1000; ++seq) live.erase(seq);
  EXPECT_EQ(live.min(), uint64_t{1} << 40);
  live.erase(uint64_t{1} << 40);
  live.erase(max);
  EXPECT_EQ(live.min(), max - 1);
  live.erase(max - 1);
  EXPECT_EQ(live.size(), 0u);
  EXPECT_EQ(live.min(), max);
  EXPECT_EQ(live.bitmap_bytes(), 0u);
}

TEST(QueueLiveSeqs, NearAndFarSeqsInAnyOrderAgreeWithASet) {
  store::testing::AddressSpaceLimit limit(1ull << 30);
  LiveSeqs live;
  std::set<uint64_t> model;
  std::mt19937_64 rng(12);
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  for (int step = 0; step < 20000; ++step) {
    const uint64_t r = rng() % 100;
    const uint64_t seq = r < 90 ? 1000 + rng() % 700 : r < 95 ? (uint64_t{1} << 40) + rng() % 100 : max - rng() % 100;
    if (model.contains(seq)) {
      live.erase(seq);
      model.erase(seq);
    } else {
      live.insert(seq);
      model.insert(seq);
    }
    ASSERT_EQ(live.size(), model.size());
    ASSERT_EQ(live.min(), model.empty() ? max : *model.begin());
    ASSERT_LE(live.bitmap_bytes(), LiveSeqs::kMaxBitmapWords * 8);
    const uint64_t probe = rng() % 2 ? 990 + rng() % 720 : max - rng() % 120;
    ASSERT_EQ(live.contains(probe), model.contains(probe));
  }
}

Entry entry(uint64_t seq) {
  Entry e{};
  e.seq = seq;
  return e;
}

std::vector<uint64_t> lane_seqs(const ReadyLane& lane) {
  std::vector<uint64_t> out;
  lane.visit([&out](const Entry& e) {
    out.push_back(e.seq);
    return true;
  });
  return out;
}

TEST(QueueReadyLane, MergesLateReentriesBySeq) {
  ReadyLane lane;
  for (uint64_t seq : {5, 7, 9}) lane.push(entry(seq));
  for (uint64_t seq : {8, 1, 6}) lane.push(entry(seq));  // behind the run's newest
  lane.push(entry(10));
  EXPECT_EQ(lane_seqs(lane), (std::vector<uint64_t>{1, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(lane.pop_front().seq, 1u);
  EXPECT_EQ(lane.pop_front().seq, 5u);
  EXPECT_EQ(lane.front().seq, 6u);
  EXPECT_EQ(lane.size(), 5u);
}

TEST(QueueReadyLane, RemovesBySeqFromRunAndLateSet) {
  ReadyLane lane;
  for (uint64_t seq = 10; seq < 20; ++seq) lane.push(entry(seq));
  lane.push(entry(3));
  EXPECT_EQ(lane.remove(10)->seq, 10u);
  EXPECT_EQ(lane.remove(15)->seq, 15u);
  EXPECT_EQ(lane.remove(3)->seq, 3u);
  EXPECT_FALSE(lane.remove(15).has_value());
  EXPECT_FALSE(lane.remove(99).has_value());
  EXPECT_FALSE(lane.contains(15));
  EXPECT_TRUE(lane.contains(16));
  EXPECT_EQ(lane.front().seq, 11u);
  EXPECT_EQ(lane_seqs(lane), (std::vector<uint64_t>{11, 12, 13, 14, 16, 17, 18, 19}));
}

TEST(QueueReadyLane, CompactsTombstonesAndKeepsOrder) {
  ReadyLane lane;
  std::vector<uint64_t> expected;
  for (uint64_t seq = 1; seq <= 1000; ++seq) lane.push(entry(seq));
  for (uint64_t seq = 2; seq <= 1000; ++seq) {
    if (seq % 5 == 0) {
      expected.push_back(seq);
    } else {
      ASSERT_TRUE(lane.remove(seq).has_value());
    }
  }
  lane.push(entry(1001));
  expected.insert(expected.begin(), 1);
  expected.push_back(1001);
  EXPECT_EQ(lane.size(), expected.size());
  EXPECT_EQ(lane_seqs(lane), expected);
  for (uint64_t seq : expected) ASSERT_EQ(lane.pop_front().seq, seq);
  EXPECT_TRUE(lane.empty());
}

}  // namespace
}  // namespace gsmq::queue
