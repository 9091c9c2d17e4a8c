// SeqContinuity: which message records recovery believes, by their seqs in log order.
#include "server/seq_continuity.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace gsmq::server {
namespace {

using Seqs = std::vector<uint64_t>;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// The seqs kept, offered in this order.
Seqs kept(const Seqs& seqs, uint64_t max_step = 1000) {
  SeqContinuity continuity(max_step);
  Seqs out;
  for (size_t i = 0; i < seqs.size(); ++i) {
    const auto keep = continuity.offer(seqs[i]);
    EXPECT_EQ(keep.has_value(), i > 0);
    if (keep && *keep) out.push_back(seqs[i - 1]);
  }
  const auto keep = continuity.finish();
  EXPECT_EQ(keep.has_value(), !seqs.empty());
  if (keep && *keep) out.push_back(seqs.back());
  EXPECT_FALSE(continuity.finish().has_value());
  return out;
}

TEST(SeqContinuityTest, KeepsSeqsThatGrowInSteps) {
  EXPECT_EQ(kept({}), Seqs{});
  EXPECT_EQ(kept({7}), Seqs{7});
  EXPECT_EQ(kept({1, 2, 3, 4}), (Seqs{1, 2, 3, 4}));
  EXPECT_EQ(kept({5000, 5001, 5003, 5900}), (Seqs{5000, 5001, 5003, 5900}));  // gaps: failed sends, skipped records
}

TEST(SeqContinuityTest, DropsSeqsNoCounterReaches) {
  EXPECT_EQ(kept({0}), Seqs{});
  EXPECT_EQ(kept({kMax}), Seqs{});
  EXPECT_EQ(kept({SeqContinuity::kMaxSeq + 1}), Seqs{});
  EXPECT_EQ(kept({kMax - 1, 1, 2, kMax, 3, 0, 4, uint64_t{1} << 63}), (Seqs{1, 2, 3, 4}));
}

TEST(SeqContinuityTest, DropsASeqFarBeyondTheOthersWhereverItIs) {
  const uint64_t far = uint64_t{1} << 40;  // plausible on its own
  EXPECT_EQ(kept({far, 1, 2, 3}), (Seqs{1, 2, 3}));
  EXPECT_EQ(kept({1, 2, far, 3, 4}), (Seqs{1, 2, 3, 4}));
  EXPECT_EQ(kept({1, 2, 3, far}), (Seqs{1, 2, 3}));
  EXPECT_EQ(kept({1, far}), (Seqs{1}));
  EXPECT_EQ(kept({far, 1}), (Seqs{1}));
}

TEST(SeqContinuityTest, DropsTheOddOneOutWithinAStep) {
  EXPECT_EQ(kept({1, 2, 500, 3, 4}), (Seqs{1, 2, 3, 4}));  // fits after 2, but 3 does not fit after it
  EXPECT_EQ(kept({1, 2, 2, 3}), (Seqs{1, 2, 3}));          // a repeat
  EXPECT_EQ(kept({10, 11, 5, 12}), (Seqs{10, 11, 12}));    // going back
  // When the first two disagree the larger is suspect, since seqs from damage are mostly
  // huge ones; for a small bad seq first that costs the record after it.
  EXPECT_EQ(kept({kMax / 4, 3, 4}), (Seqs{3, 4}));
  EXPECT_EQ(kept({10, 3, 11, 12}), (Seqs{3, 11, 12}));
}

}  // namespace
}  // namespace gsmq::server
