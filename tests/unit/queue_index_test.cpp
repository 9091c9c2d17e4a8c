// QueueIndex semantics, one behaviour per test, with times passed in by hand.
#include "queue/queue_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace gsmq::queue {
namespace {

using Seqs = std::vector<uint64_t>;

Seqs seqs(const std::vector<QueuedMessage>& messages) {
  Seqs out;
  for (const QueuedMessage& m : messages) out.push_back(m.seq);
  return out;
}

Seqs by_seq(const std::vector<QueuedMessage>& messages) {
  Seqs out = seqs(messages);
  std::sort(out.begin(), out.end());
  return out;
}

QueuedMessage msg(uint64_t seq, uint8_t priority = 0) {
  return QueuedMessage{.seq = seq, .location = seq * 100, .size = 10, .priority = priority};
}

constexpr Micros kVisibility = 1000;

TEST(QueueIndexTest, HighestPriorityFirstThenFifoWithinPriority) {
  QueueIndex q;
  const uint8_t priorities[] = {0, 5, 9, 5, 0, 9, 1};
  for (uint64_t seq = 1; seq <= 7; ++seq) ASSERT_TRUE(q.enqueue(msg(seq, priorities[seq - 1])));
  EXPECT_EQ(seqs(q.take(3, 10, kVisibility).delivered), (Seqs{3, 6, 2}));
  EXPECT_EQ(seqs(q.take(10, 10, kVisibility).delivered), (Seqs{4, 7, 1, 5}));
  EXPECT_TRUE(q.take(10, 10, kVisibility).delivered.empty());
}

TEST(QueueIndexTest, DeliveredEntriesComeBackUntouchedButForReceiveCount) {
  QueueIndex q;
  const QueuedMessage m{.seq = 7, .location = 0xfeedface12345, .deliver_at = 0, .expire_at = 5000,
                        .size = 321, .receive_count = 2, .max_receives = 9, .priority = 4,
                        .has_dead_letter = true};
  q.enqueue(m);
  const TakeResult r = q.take(1, 10, kVisibility);
  ASSERT_EQ(r.delivered.size(), 1u);
  QueuedMessage expected = m;
  expected.receive_count = 3;
  EXPECT_EQ(r.delivered[0], expected);
}

TEST(QueueIndexTest, DuplicateSeqIsRefused) {
  QueueIndex q;
  EXPECT_TRUE(q.enqueue(msg(1)));
  EXPECT_FALSE(q.enqueue(msg(1)));
  q.take(1, 10, kVisibility);
  EXPECT_FALSE(q.enqueue(msg(1)));
  EXPECT_FALSE(q.restore(msg(1), 50));
  EXPECT_EQ(q.depth(), 1u);
}

TEST(QueueIndexTest, DelayedMessageBecomesReadyAtDeliverAtAndTakesItsPlaceBySeq) {
  QueueIndex q;
  q.tick(100);
  QueuedMessage delayed = msg(1);
  delayed.deliver_at = 200;
  q.enqueue(delayed);
  q.enqueue(msg(2));
  EXPECT_EQ(q.delayed(), 1u);
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_EQ(q.tick(150).next_wakeup, 200);
  EXPECT_TRUE(q.peek(10, 199) == std::vector<QueuedMessage>{msg(2)});
  EXPECT_EQ(q.tick(200).next_wakeup, 0);
  EXPECT_EQ(q.delayed(), 0u);
  EXPECT_EQ(seqs(q.take(10, 200, kVisibility).delivered), (Seqs{1, 2}));
}

TEST(QueueIndexTest, OldestReadyIsTheSmallestReadySeqOfAnyPriority) {
  QueueIndex q;
  EXPECT_FALSE(q.oldest_ready().has_value());
  q.tick(100);
  QueuedMessage delayed = msg(1);
  delayed.deliver_at = 200;
  q.enqueue(delayed);
  q.enqueue(msg(2, 9));
  q.enqueue(msg(3, 0));
  ASSERT_TRUE(q.oldest_ready().has_value());
  EXPECT_EQ(q.oldest_ready()->seq, 2u);  // 1 is delayed, not ready
  EXPECT_EQ(q.oldest_ready()->location, 200u);
  q.take(1, 150, kVisibility);  // takes 2 (priority 9): in flight is not ready
  EXPECT_EQ(q.oldest_ready()->seq, 3u);
  q.tick(200);  // 1 is due: ready again, and the oldest
  EXPECT_EQ(q.oldest_ready()->seq, 1u);
  q.purge();
  EXPECT_FALSE(q.oldest_ready().has_value());
}

TEST(QueueIndexTest, PeekFromASeqPagesInTakeOrderChangingNothing) {
  QueueIndex q;
  for (uint64_t seq = 1; seq <= 2000; ++seq) q.enqueue(msg(seq));
  q.enqueue(msg(2001, 9));  // first in take order, and past every page below
  EXPECT_EQ(seqs(q.peek(3, 10, 1500)), (Seqs{2001, 1500, 1501}));
  EXPECT_EQ(seqs(q.peek(2, 10, 1999)), (Seqs{2001, 1999}));
  EXPECT_EQ(seqs(q.peek(5, 10, 2002)), Seqs{});
  EXPECT_EQ(q.ready(), 2001u);
}

TEST(QueueIndexTest, DeliverAtInThePastIsReadyAtOnce) {
  QueueIndex q;
  q.tick(100);
  QueuedMessage m = msg(1);
  m.deliver_at = 100;
  q.enqueue(m);
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_EQ(q.delayed(), 0u);
}

TEST(QueueIndexTest, TtlExpiresReadyMessages) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.expire_at = 500;
  q.enqueue(m);
  q.enqueue(msg(2));
  EXPECT_EQ(q.tick(499).next_wakeup, 500);
  EXPECT_EQ(seqs(q.peek(10, 500)), (Seqs{2}));
  const TickResult r = q.tick(500);
  EXPECT_EQ(seqs(r.expired), (Seqs{1}));
  EXPECT_TRUE(r.dead_lettered.empty());
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_EQ(q.counters().expired, 1u);
}

TEST(QueueIndexTest, TakeReportsWhatExpiredOnTheWay) {
  QueueIndex q;
  QueuedMessage m = msg(1, 9);
  m.expire_at = 500;
  q.enqueue(m);
  q.enqueue(msg(2));
  const TakeResult r = q.take(10, 600, kVisibility);
  EXPECT_EQ(seqs(r.expired), (Seqs{1}));
  EXPECT_EQ(seqs(r.delivered), (Seqs{2}));
}

TEST(QueueIndexTest, TtlExpiresDelayedMessagesBeforeTheirDelivery) {
  QueueIndex q;
  q.tick(100);
  QueuedMessage m = msg(1);
  m.deliver_at = 1000;
  m.expire_at = 400;
  q.enqueue(m);
  EXPECT_EQ(q.tick(300).next_wakeup, 400);
  EXPECT_EQ(q.delayed(), 1u);
  EXPECT_EQ(seqs(q.tick(400).expired), (Seqs{1}));
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(q.min_live_seq(), std::numeric_limits<uint64_t>::max());
}

TEST(QueueIndexTest, NoExpiryWhileInFlightButOnComingBack) {
  QueueIndex q;
  QueuedMessage a = msg(1), b = msg(2);
  a.expire_at = b.expire_at = 500;
  q.enqueue(a);
  q.enqueue(b);
  ASSERT_EQ(q.take(2, 100, 1000).delivered.size(), 2u);
  EXPECT_TRUE(q.tick(800).expired.empty());
  EXPECT_EQ(q.in_flight(), 2u);
  EXPECT_TRUE(q.ack(1));  // an expired message can still be acked by its consumer
  const TickResult r = q.tick(1100);  // b's lease ends past its expiry: dropped, not redelivered
  EXPECT_EQ(seqs(r.expired), (Seqs{2}));
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(q.counters().redelivered, 0u);
}

TEST(QueueIndexTest, VisibilityTimeoutRedeliversInOrderWithReceiveCount) {
  QueueIndex q;
  for (uint64_t seq = 1; seq <= 4; ++seq) q.enqueue(msg(seq, seq == 4 ? 3 : 1));
  ASSERT_EQ(seqs(q.take(2, 100, 50).delivered), (Seqs{4, 1}));  // 4 has the higher priority
  q.enqueue(msg(5, 1));
  EXPECT_EQ(q.tick(149).next_wakeup, 150);
  EXPECT_EQ(q.in_flight(), 2u);
  q.tick(150);
  EXPECT_EQ(q.in_flight(), 0u);
  EXPECT_EQ(q.counters().redelivered, 2u);
  const TakeResult r = q.take(10, 150, 50);
  EXPECT_EQ(seqs(r.delivered), (Seqs{4, 1, 2, 3, 5}));
  EXPECT_EQ(r.delivered[0].receive_count, 2);
  EXPECT_EQ(r.delivered[1].receive_count, 2);
  EXPECT_EQ(r.delivered[2].receive_count, 1);
}

TEST(QueueIndexTest, MaxReceivesDeadLettersOnTheLastLeaseEnd) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.max_receives = 2;
  m.has_dead_letter = true;
  q.enqueue(m);
  ASSERT_EQ(q.take(1, 0, 10).delivered.at(0).receive_count, 1);
  EXPECT_TRUE(q.tick(10).dead_lettered.empty());  // one receive left: back to ready
  ASSERT_EQ(q.take(1, 10, 10).delivered.at(0).receive_count, 2);
  const TickResult r = q.tick(20);
  ASSERT_EQ(seqs(r.dead_lettered), (Seqs{1}));
  EXPECT_TRUE(r.dead_lettered[0].has_dead_letter);
  EXPECT_EQ(r.dead_lettered[0].receive_count, 2);
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(q.counters().dead_lettered, 1u);
}

TEST(QueueIndexTest, RejectRemovesFromFlight) {
  QueueIndex q;
  q.enqueue(msg(1));
  EXPECT_EQ(q.reject(1), std::nullopt);  // ready, not in flight
  q.take(1, 0, kVisibility);
  const std::optional<QueuedMessage> r = q.reject(1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->location, 100u);
  EXPECT_EQ(r->receive_count, 1);
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(q.reject(1), std::nullopt);
  EXPECT_FALSE(q.ack(1));
  EXPECT_EQ(q.counters().rejected, 1u);
}

TEST(QueueIndexTest, ReleaseMakesVisibleAtOnceKeepingReceiveCount) {
  QueueIndex q;
  q.enqueue(msg(1));
  q.enqueue(msg(2));
  ASSERT_EQ(seqs(q.take(1, 0, kVisibility).delivered), (Seqs{1}));
  EXPECT_TRUE(q.release(1, 5));
  EXPECT_EQ(seqs(q.peek(10, 5)), (Seqs{1, 2}));
  const TakeResult r = q.take(10, 5, kVisibility);
  EXPECT_EQ(seqs(r.delivered), (Seqs{1, 2}));
  EXPECT_EQ(r.delivered[0].receive_count, 2);
  EXPECT_FALSE(q.release(99, 5));
}

TEST(QueueIndexTest, ReleaseOfAMessageWithNoReceivesLeftDeadLettersIt) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.max_receives = 1;
  q.enqueue(m);
  q.take(1, 0, kVisibility);
  EXPECT_TRUE(q.release(1, 5));
  EXPECT_TRUE(q.peek(10, 5).empty());
  EXPECT_EQ(seqs(q.take(10, 5, kVisibility).dead_lettered), (Seqs{1}));
}

TEST(QueueIndexTest, ExtendMovesTheLeaseEnd) {
  QueueIndex q;
  q.enqueue(msg(1));
  q.take(1, 0, 100);
  EXPECT_TRUE(q.extend(1, 500));
  EXPECT_EQ(q.tick(100).next_wakeup, 500);
  EXPECT_EQ(q.in_flight(), 1u);
  EXPECT_TRUE(q.extend(1, 200));  // sooner works too
  q.tick(200);
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_FALSE(q.extend(1, 900));  // back in the ready set: nothing to extend
  EXPECT_FALSE(q.extend(42, 900));
}

TEST(QueueIndexTest, AckRefusedOnceTheLeaseRanOutAndTheMessageWentBack) {
  QueueIndex q;
  q.enqueue(msg(1));
  q.enqueue(msg(2));
  q.take(2, 0, 100);
  EXPECT_TRUE(q.ack(2));
  EXPECT_FALSE(q.ack(2));   // already acked
  EXPECT_FALSE(q.ack(77));  // unknown
  q.tick(100);
  EXPECT_FALSE(q.ack(1));  // lease ran out, handed back
  EXPECT_EQ(q.ready(), 1u);
  EXPECT_EQ(q.counters().acked, 1u);
}

TEST(QueueIndexTest, AStaleSettlementDoesNotSettleTheDeliveryAnotherConsumerHolds) {
  QueueIndex q;
  q.enqueue(msg(1));
  ASSERT_EQ(q.take(1, 0, 100).delivered[0].receive_count, 1);  // consumer A: delivery 1
  q.tick(100);                                                   // A's lease ran out
  ASSERT_EQ(q.take(1, 100, 1000).delivered[0].receive_count, 2);  // consumer B: delivery 2
  EXPECT_FALSE(q.ack(1, 1));  // A's late ack
  EXPECT_EQ(q.reject(1, 1), std::nullopt);
  EXPECT_FALSE(q.extend(1, 5000, 1));
  EXPECT_FALSE(q.release(1, 150, 1));
  EXPECT_EQ(q.unreceive(1, 1), std::nullopt);
  EXPECT_EQ(q.in_flight(), 1u);  // still B's
  EXPECT_TRUE(q.ack(1, 2));
  EXPECT_EQ(q.depth(), 0u);
}

TEST(QueueIndexTest, UnreceiveGivesADeliveryBackUncounted) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.max_receives = 2;
  q.enqueue(m);
  q.enqueue(msg(2));
  // A receiver that prefetches and stops before handing the message on, again and again,
  // never uses up its receives.
  for (int i = 0; i < 5; ++i) {
    const TakeResult r = q.take(1, i, kVisibility);
    ASSERT_EQ(seqs(r.delivered), (Seqs{1}));
    EXPECT_EQ(r.delivered[0].receive_count, 1);
    EXPECT_EQ(q.unreceive(1, 1), 0);
  }
  EXPECT_EQ(q.ready(), 2u);  // ready at once, ahead of newer messages
  EXPECT_EQ(seqs(q.take(2, 9, kVisibility).delivered), (Seqs{1, 2}));
  EXPECT_EQ(q.counters().unreceived, 5u);
  EXPECT_EQ(q.counters().redelivered, 0u);
  EXPECT_EQ(q.unreceive(1, 2), std::nullopt);  // not that delivery
  EXPECT_EQ(q.unreceive(42), std::nullopt);
}

TEST(QueueIndexTest, PeekChangesNothing) {
  QueueIndex q;
  q.tick(10);
  QueuedMessage delayed = msg(1, 2), expiring = msg(2, 9);
  delayed.deliver_at = 50;
  expiring.expire_at = 40;
  q.enqueue(delayed);
  q.enqueue(expiring);
  q.enqueue(msg(3, 2));
  q.enqueue(msg(4, 5));
  q.take(1, 10, 20);  // 2 is in flight until 30, then comes back, then expires at 40
  const QueueCounters counters = q.counters();

  EXPECT_EQ(seqs(q.peek(10, 35)), (Seqs{2, 4, 3}));
  EXPECT_EQ(seqs(q.peek(10, 60)), (Seqs{4, 1, 3}));
  EXPECT_EQ(seqs(q.peek(2, 60)), (Seqs{4, 1}));
  EXPECT_EQ(q.counters(), counters);
  EXPECT_EQ(q.ready(), 2u);
  EXPECT_EQ(q.delayed(), 1u);
  EXPECT_EQ(q.in_flight(), 1u);
  EXPECT_EQ(q.peek(10, 35).at(0).receive_count, 1);  // as it is now, not yet incremented
  EXPECT_EQ(seqs(q.take(10, 60, 20).delivered), (Seqs{4, 1, 3}));
}

TEST(QueueIndexTest, PurgeRemovesReadyAndDelayedButKeepsInFlight) {
  QueueIndex q;
  q.tick(10);
  QueuedMessage delayed = msg(3);
  delayed.deliver_at = 100;
  delayed.expire_at = 200;
  q.enqueue(msg(1));
  q.enqueue(msg(2));
  q.enqueue(delayed);
  q.take(1, 10, 100);
  std::vector<QueuedMessage> removed;
  EXPECT_EQ(q.purge(&removed), 2u);
  EXPECT_EQ(by_seq(removed), (Seqs{2, 3}));
  EXPECT_EQ(q.depth(), 1u);
  EXPECT_EQ(q.bytes(), 10u);
  EXPECT_EQ(q.min_live_seq(), 1u);
  EXPECT_EQ(q.counters().purged, 2u);
  EXPECT_TRUE(q.ack(1));
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_EQ(q.tick(300).next_wakeup, 0);
}

TEST(QueueIndexTest, RestorePutsMessagesBackInFlight) {
  QueueIndex q;
  QueuedMessage held = msg(5), lapsed = msg(3);
  held.receive_count = lapsed.receive_count = 1;
  EXPECT_TRUE(q.restore(held, 1000));
  EXPECT_TRUE(q.restore(lapsed, 0));
  q.enqueue(msg(6));
  EXPECT_EQ(q.in_flight(), 2u);
  EXPECT_EQ(q.min_live_seq(), 3u);
  const TakeResult r = q.take(10, 100, kVisibility);  // 3's lease has passed: ready again
  EXPECT_EQ(seqs(r.delivered), (Seqs{3, 6}));
  EXPECT_EQ(r.delivered[0].receive_count, 2);
  EXPECT_TRUE(q.ack(5));  // still held by its consumer
  EXPECT_EQ(q.counters().enqueued, 1u);
}

TEST(QueueIndexTest, RestoreWithNoReceivesLeftDeadLettersOnceTheLeasePasses) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.receive_count = m.max_receives = 3;
  q.restore(m, 50);
  EXPECT_TRUE(q.tick(49).dead_lettered.empty());
  EXPECT_EQ(seqs(q.tick(50).dead_lettered), (Seqs{1}));
}

TEST(QueueIndexTest, MinLiveSeqFollowsOutOfOrderAcks) {
  QueueIndex q;
  EXPECT_EQ(q.min_live_seq(), std::numeric_limits<uint64_t>::max());
  for (uint64_t seq = 1; seq <= 200; ++seq) q.enqueue(msg(seq, seq % 3));
  q.take(200, 0, kVisibility);
  for (uint64_t seq = 200; seq >= 2; --seq) {
    ASSERT_TRUE(q.ack(seq));
    ASSERT_EQ(q.min_live_seq(), 1u);
  }
  q.enqueue(msg(1000));
  EXPECT_TRUE(q.ack(1));
  EXPECT_EQ(q.min_live_seq(), 1000u);
  q.take(1, 0, kVisibility);
  q.ack(1000);
  EXPECT_EQ(q.min_live_seq(), std::numeric_limits<uint64_t>::max());
}

TEST(QueueIndexTest, FiguresAndCounters) {
  QueueIndex q;
  q.tick(10);
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    QueuedMessage m = msg(seq);
    m.size = static_cast<uint32_t>(seq * 100);
    if (seq == 5) m.deliver_at = 100;
    if (seq == 4) m.max_receives = 1;
    q.enqueue(m);
  }
  EXPECT_EQ(q.bytes(), 1500u);
  q.take(4, 10, 10);
  EXPECT_TRUE(q.ack(1));
  EXPECT_TRUE(q.reject(2).has_value());
  EXPECT_EQ(q.depth(), 3u);
  EXPECT_EQ(q.in_flight(), 2u);
  EXPECT_EQ(q.delayed(), 1u);
  EXPECT_EQ(q.bytes(), 1200u);
  q.tick(20);  // 3 back to ready, 4 dead-lettered
  q.take(10, 100, 10);
  EXPECT_EQ(q.counters(), (QueueCounters{.enqueued = 5, .delivered = 6, .acked = 1, .redelivered = 1,
                                         .expired = 0, .dead_lettered = 1, .rejected = 1, .purged = 0}));
  EXPECT_EQ(q.in_flight(), 2u);
  EXPECT_EQ(q.bytes(), 800u);
}

TEST(QueueIndexTest, NextWakeupIsTheSoonestOfDelayLeaseAndExpiry) {
  QueueIndex q;
  EXPECT_EQ(q.tick(10).next_wakeup, 0);
  QueuedMessage delayed = msg(1), expiring = msg(2);
  delayed.deliver_at = 300;
  expiring.expire_at = 200;
  q.enqueue(delayed);
  q.enqueue(expiring);
  q.enqueue(msg(3, 9));
  EXPECT_EQ(q.tick(10).next_wakeup, 200);
  EXPECT_EQ(q.take(1, 10, 90).next_wakeup, 100);  // 3's lease ends at 100
  EXPECT_TRUE(q.ack(3));
  EXPECT_EQ(q.tick(10).next_wakeup, 200);
  EXPECT_EQ(q.take(1, 10, 1000).next_wakeup, 300);  // 2 is in flight: its TTL is off the clock
}

TEST(QueueIndexTest, TimesBeyondFiftySixBitsSaturate) {
  QueueIndex q;
  QueuedMessage m = msg(1);
  m.expire_at = std::numeric_limits<Micros>::max();
  q.enqueue(m);
  const TakeResult r = q.take(1, 10, kVisibility);
  ASSERT_EQ(r.delivered.size(), 1u);
  EXPECT_EQ(r.delivered[0].expire_at, Entry::kMaxTime);
}

TEST(QueueIndexTest, LongBacklogWithScatteredExpiriesStaysInOrder) {
  QueueIndex q;
  for (uint64_t seq = 1; seq <= 5000; ++seq) {
    QueuedMessage m = msg(seq, seq % 2);
    if (seq % 3 == 0) m.expire_at = 100;
    q.enqueue(m);
  }
  EXPECT_EQ(q.tick(100).expired.size(), 1666u);
  Seqs expected;
  for (int parity : {1, 0})
    for (uint64_t seq = 1; seq <= 5000; ++seq)
      if (seq % 3 != 0 && static_cast<int>(seq % 2) == parity) expected.push_back(seq);
  EXPECT_EQ(seqs(q.take(10000, 100, kVisibility).delivered), expected);
}

}  // namespace
}  // namespace gsmq::queue

namespace gsmq::queue {
namespace {

TEST(QueueIndexTest, DropOldestTakesTheLowestPriorityOldestWaitingFirst) {
  QueueIndex q;
  const uint8_t priorities[] = {5, 0, 9, 0, 5};
  for (uint64_t seq = 1; seq <= 5; ++seq) ASSERT_TRUE(q.enqueue(msg(seq, priorities[seq - 1])));
  q.take(1, 0, kVisibility);  // seq 3 (priority 9) is in flight: not droppable
  std::vector<QueuedMessage> dropped;
  EXPECT_EQ(q.drop_oldest(3, dropped), 3u);
  EXPECT_EQ(seqs(dropped), (Seqs{2, 4, 1}));
  EXPECT_EQ(q.counters().dropped, 3u);
  EXPECT_EQ(q.drop_oldest(5, dropped), 1u);  // only seq 5 is left waiting
  EXPECT_EQ(q.in_flight(), 1u);
  EXPECT_EQ(q.ready(), 0u);
}

}  // namespace
}  // namespace gsmq::queue
