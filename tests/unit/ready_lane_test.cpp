// ReadyLane (queue/ready_lane.h): the ready messages of one priority in seq order, a run
// plus late re-entries, with removal by seq and tombstone compaction.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "queue/ready_lane.h"

namespace gsmq::queue {
namespace {

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

TEST(ReadyLaneTest, MergesLateReentriesBySeq) {
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

TEST(ReadyLaneTest, RemovesBySeqFromRunAndLateSet) {
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

TEST(ReadyLaneTest, CompactsTombstonesAndKeepsOrder) {
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
