// QueueIndex and critical time: earliest deadline first within a priority, late messages
// removed instead of handed out, the on-time and slack counters.
#include <gtest/gtest.h>

#include <vector>

#include "queue/queue_index.h"

namespace gsmq::queue {
namespace {

using Seqs = std::vector<uint64_t>;

Seqs seqs(const std::vector<QueuedMessage>& messages) {
  Seqs out;
  for (const QueuedMessage& m : messages) out.push_back(m.seq);
  return out;
}

QueuedMessage msg(uint64_t seq, Micros deadline = 0, uint8_t priority = 0) {
  return QueuedMessage{.seq = seq, .location = seq, .deadline = deadline, .size = 10, .priority = priority};
}

constexpr Micros kVisibility = 1000;
constexpr Micros kNow = 1'000'000;

TEST(QueueIndexDeadlineTest, EarliestDeadlineFirstWithinAPriorityThenFifo) {
  QueueIndex q;
  q.enqueue(msg(1));                   // bulk, no deadline
  q.enqueue(msg(2));
  q.enqueue(msg(3, kNow + 50'000));    // urgent, later deadline
  q.enqueue(msg(4, kNow + 10'000));    // urgent, earliest
  q.enqueue(msg(5));
  q.enqueue(msg(6, kNow + 50'000));    // same deadline as 3: by seq
  EXPECT_EQ(seqs(q.take(10, kNow, kVisibility).delivered), (Seqs{4, 3, 6, 1, 2, 5}));
}

TEST(QueueIndexDeadlineTest, ALateMessageThatSaysDeliverLateIsHandedOutAndCounted) {
  QueueIndex q;
  QueuedMessage late = msg(1, kNow - 5000);
  late.deliver_late = true;
  q.enqueue(late);
  q.enqueue(msg(2, kNow - 1));  // late, removed
  q.enqueue(msg(3, kNow + 1000));
  TakeResult r = q.take(10, kNow, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{1, 3}));  // still earliest deadline first
  EXPECT_EQ(seqs(r.late), (Seqs{2}));
  EXPECT_EQ(r.delivered[0].deadline, kNow - 5000);  // the daemon marks it by this
  EXPECT_TRUE(r.delivered[0].deliver_late);
  EXPECT_EQ(q.counters().late, 2u);
  EXPECT_EQ(q.counters().late_delivered, 1u);
  EXPECT_EQ(q.counters().on_time, 1u);
  // In flight like any other: its lease ends, it comes back and is handed out late again
  // (counted again); 3, whose lease ended after its deadline, is removed as late now.
  r = q.take(10, kNow + 2 * kVisibility, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{1}));
  EXPECT_EQ(seqs(r.late), (Seqs{3}));
  EXPECT_EQ(q.counters().late_delivered, 2u);
  EXPECT_EQ(q.counters().late, 4u);
  EXPECT_TRUE(q.ack(1));
  EXPECT_EQ(q.depth(), 0u);
}

TEST(QueueIndexDeadlineTest, PeekShowsWhatTakeWouldHandOutInItsOrder) {
  QueueIndex q;
  q.enqueue(msg(1));
  q.enqueue(msg(2, kNow + 50'000));
  q.enqueue(msg(3, kNow - 1));  // late: take() would remove it
  QueuedMessage late = msg(4, kNow - 2);
  late.deliver_late = true;     // late, delivered all the same
  q.enqueue(late);
  q.enqueue(msg(5, 0, 3));
  q.enqueue(QueuedMessage{.seq = 6, .deliver_at = kNow - 10, .deadline = kNow + 1000, .size = 1});  // due by now
  q.enqueue(QueuedMessage{.seq = 7, .deliver_at = kNow - 10, .size = 1});
  q.tick(kNow - 100);  // 6 and 7 are still delayed: peek merges them in as take() would
  EXPECT_EQ(seqs(q.peek(10, kNow)), (Seqs{5, 4, 6, 2, 1, 7}));
  EXPECT_EQ(seqs(q.peek(3, kNow)), (Seqs{5, 4, 6}));
  EXPECT_EQ(q.peek(10, kNow)[2].deadline, kNow + 1000);
  EXPECT_EQ(seqs(q.take(10, kNow, kVisibility).delivered), (Seqs{5, 4, 6, 2, 1, 7}));
}

TEST(QueueIndexDeadlineTest, PriorityStillComesFirst) {
  QueueIndex q;
  q.enqueue(msg(1, kNow + 1000, 0));
  q.enqueue(msg(2, 0, 5));
  q.enqueue(msg(3, kNow + 9000, 5));
  EXPECT_EQ(seqs(q.take(10, kNow, kVisibility).delivered), (Seqs{3, 2, 1}));
}

TEST(QueueIndexDeadlineTest, ALateMessageIsRemovedNotHandedOut) {
  QueueIndex q;
  q.enqueue(msg(1, kNow - 1));
  q.enqueue(msg(2, kNow));   // at the deadline is late too
  q.enqueue(msg(3, kNow + 1));
  q.enqueue(msg(4));
  const TakeResult r = q.take(10, kNow, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{3, 4}));
  EXPECT_EQ(seqs(r.late), (Seqs{1, 2}));
  EXPECT_EQ(q.counters().late, 2u);
  EXPECT_EQ(q.counters().on_time, 1u);
  EXPECT_EQ(q.depth(), 2u);  // the late ones are gone; 3 and 4 are in flight
  EXPECT_EQ(r.delivered[0].deadline, kNow + 1);
}

TEST(QueueIndexDeadlineTest, ALateMessageDoesNotUseUpTheBatch) {
  QueueIndex q;
  q.enqueue(msg(1, kNow - 1));
  q.enqueue(msg(2));
  const TakeResult r = q.take(1, kNow, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{2}));
  EXPECT_EQ(seqs(r.late), (Seqs{1}));
}

TEST(QueueIndexDeadlineTest, SlackIsCountedInDecades) {
  QueueIndex q;
  const Micros slacks[] = {500, 5'000, 50'000, 500'000, 5'000'000, 50'000'000, 999};
  for (uint64_t k = 0; k < 7; ++k) q.enqueue(msg(k + 1, kNow + slacks[k]));
  q.take(10, kNow, kVisibility);
  EXPECT_EQ(q.counters().slack, (std::array<uint64_t, 6>{2, 1, 1, 1, 1, 1}));
  EXPECT_EQ(q.counters().on_time, 7u);
}

TEST(QueueIndexDeadlineTest, ARedeliveryKeepsItsDeadlineAndIsLateOnceItPassed) {
  QueueIndex q;
  q.enqueue(msg(1, kNow + 5000));
  q.enqueue(msg(2));
  EXPECT_EQ(seqs(q.take(1, kNow, kVisibility).delivered), (Seqs{1}));
  // the lease ends at kNow + 1000: back to ready, still ahead of 2
  EXPECT_EQ(seqs(q.take(1, kNow + 2000, kVisibility).delivered), (Seqs{1}));
  // the lease ends at kNow + 3000; by kNow + 6000 its deadline has passed
  const TakeResult r = q.take(5, kNow + 6000, kVisibility);
  EXPECT_EQ(seqs(r.late), (Seqs{1}));
  EXPECT_EQ(seqs(r.delivered), (Seqs{2}));
}

TEST(QueueIndexDeadlineTest, DelayedAndExpiredMessagesKeepTheOrderConsistent) {
  QueueIndex q;
  q.take(0, kNow, kVisibility);  // now = kNow
  q.enqueue(QueuedMessage{.seq = 1, .deliver_at = kNow + 100, .deadline = kNow + 10'000, .size = 1});
  q.enqueue(QueuedMessage{.seq = 2, .expire_at = kNow + 50, .deadline = kNow + 20'000, .size = 1});
  q.enqueue(msg(3, kNow + 30'000));
  q.tick(kNow + 60);  // 2 expires while ready: it must leave the deadline order too
  const TakeResult r = q.take(10, kNow + 200, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{1, 3}));
  EXPECT_TRUE(r.late.empty());
}

TEST(QueueIndexDeadlineTest, DropOldestStaysFifoAndPurgeClearsTheDeadlineOrder) {
  QueueIndex q;
  q.enqueue(msg(1));
  q.enqueue(msg(2, kNow + 10));
  q.enqueue(msg(3, kNow + 5));
  std::vector<QueuedMessage> removed;
  EXPECT_EQ(q.drop_oldest(2, removed), 2u);
  EXPECT_EQ(seqs(removed), (Seqs{1, 2}));
  EXPECT_EQ(seqs(q.take(10, kNow, kVisibility).delivered), (Seqs{3}));
  q.enqueue(msg(4, kNow + 10));
  q.enqueue(msg(5));
  EXPECT_EQ(q.purge(), 2u);
  q.enqueue(msg(6));
  EXPECT_EQ(seqs(q.take(10, kNow, kVisibility).delivered), (Seqs{6}));
}

}  // namespace
}  // namespace gsmq::queue
