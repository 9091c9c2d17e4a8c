// Entry (queue/entry.h): a queued message packed into 40 bytes, round trip and clamping.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "queue/entry.h"

namespace gsmq::queue {
namespace {

TEST(EntryTest, PacksIntoFortyBytesAndRoundTrips) {
  EXPECT_EQ(sizeof(Entry), 40u);
  const QueuedMessage m{.seq = std::numeric_limits<uint64_t>::max(), .location = 0x0123456789abcdef,
                        .deliver_at = 1764000000123456, .expire_at = -5, .size = 4000000000u,
                        .receive_count = 65535, .max_receives = 65534, .priority = 9,
                        .has_dead_letter = true};
  EXPECT_EQ(Entry::from(m).message(), m);
}

TEST(EntryTest, ClampsPriorityAndTimes) {
  const QueuedMessage m{.deliver_at = std::numeric_limits<Micros>::min(),
                        .expire_at = std::numeric_limits<Micros>::max(), .priority = 200};
  const QueuedMessage back = Entry::from(m).message();
  EXPECT_EQ(back.priority, kMaxPriority);
  EXPECT_EQ(back.deliver_at, Entry::kMinTime);
  EXPECT_EQ(back.expire_at, Entry::kMaxTime);
}

}  // namespace
}  // namespace gsmq::queue
