// LiveSeqs (queue/live_seqs.h): which seqs a QueueIndex still holds, and the oldest, with
// a bitmap that a far-away seq does not stretch.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>

#include "queue/live_seqs.h"
#include "store/test_support.h"

namespace gsmq::queue {
namespace {

TEST(LiveSeqsTest, TracksMembershipAndMinimumInAnyOrder) {
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

TEST(LiveSeqsTest, ASeqFarFromTheOthersDoesNotStretchTheBitmap) {
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

TEST(LiveSeqsTest, NearAndFarSeqsInAnyOrderAgreeWithASet) {
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

}  // namespace
}  // namespace gsmq::queue
