// Drives QueueIndex with random operations next to a plain reference model (a vector
// scanned linearly, written straight from the semantics in queue_index.h) and checks
// that both agree after every step. Fixed seeds, bounded steps, no real clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "queue/queue_index.h"

namespace gsmq::queue {
namespace {

class ModelQueue {
 public:
  bool enqueue(const QueuedMessage& m) {
    if (find(m.seq)) return false;
    recs_.push_back({m, m.deliver_at <= last_now_ ? State::ready : State::delayed, 0});
    ++counters_.enqueued;
    return true;
  }

  TickResult tick(Micros now) {
    last_now_ = std::max(last_now_, now);
    TickResult r;
    std::erase_if(recs_, [&](Rec& rec) {
      const QueuedMessage& m = rec.m;
      const bool expired = m.expire_at != 0 && m.expire_at <= now;
      const bool due = rec.state == State::delayed   ? wake_at(m) <= now
                       : rec.state == State::flight ? rec.until <= now
                                                    : true;
      if (!due) return false;
      if (expired) {
        r.expired.push_back(m);
        ++counters_.expired;
        return true;
      }
      if (rec.state == State::flight) {
        if (m.max_receives != 0 && m.receive_count >= m.max_receives) {
          r.dead_lettered.push_back(m);
          ++counters_.dead_lettered;
          return true;
        }
        ++counters_.redelivered;
      }
      rec.state = State::ready;
      return false;
    });
    r.next_wakeup = next_wakeup();
    return r;
  }

  TakeResult take(size_t max, Micros now, Micros visibility) {
    TickResult due = tick(now);
    TakeResult r{.delivered = {},
                 .dead_lettered = due.dead_lettered,
                 .expired = due.expired,
                 .late = {},
                 .next_wakeup = 0};
    for (Rec* rec : ready_in_order()) {
      if (r.delivered.size() == max) break;
      ++rec->m.receive_count;
      rec->state = State::flight;
      rec->until = now + visibility;
      r.delivered.push_back(rec->m);
      ++counters_.delivered;
    }
    r.next_wakeup = next_wakeup();
    return r;
  }

  std::vector<QueuedMessage> peek(size_t max, Micros now) const {
    ModelQueue copy = *this;
    copy.tick(now);
    std::vector<QueuedMessage> out;
    for (Rec* rec : copy.ready_in_order())
      if (out.size() < max) out.push_back(rec->m);
    return out;
  }

  bool ack(uint64_t seq) { return remove_in_flight(seq).has_value() && ++counters_.acked; }
  std::optional<QueuedMessage> reject(uint64_t seq) {
    std::optional<QueuedMessage> m = remove_in_flight(seq);
    if (m) ++counters_.rejected;
    return m;
  }
  bool release(uint64_t seq, Micros now) {
    Rec* rec = find(seq);
    return rec && rec->state == State::flight && extend(seq, std::min(rec->until, now));
  }
  bool extend(uint64_t seq, Micros until) {
    Rec* rec = find(seq);
    if (!rec || rec->state != State::flight) return false;
    rec->until = until;
    return true;
  }
  std::vector<QueuedMessage> purge() {
    std::vector<QueuedMessage> removed;
    std::erase_if(recs_, [&removed](const Rec& rec) {
      if (rec.state == State::flight) return false;
      removed.push_back(rec.m);
      return true;
    });
    counters_.purged += removed.size();
    return removed;
  }
  bool restore(const QueuedMessage& m, Micros visible_until) {
    if (find(m.seq)) return false;
    recs_.push_back({m, State::flight, visible_until});
    return true;
  }

  size_t count(int state) const {
    return std::count_if(recs_.begin(), recs_.end(), [state](const Rec& rec) {
      return state < 0 || static_cast<int>(rec.state) == state;
    });
  }
  uint64_t bytes() const {
    uint64_t n = 0;
    for (const Rec& rec : recs_) n += rec.m.size;
    return n;
  }
  uint64_t min_live_seq() const {
    uint64_t n = std::numeric_limits<uint64_t>::max();
    for (const Rec& rec : recs_) n = std::min(n, rec.m.seq);
    return n;
  }
  const QueueCounters& counters() const { return counters_; }
  std::vector<uint64_t> seqs() const {
    std::vector<uint64_t> out;
    for (const Rec& rec : recs_) out.push_back(rec.m.seq);
    return out;
  }

 private:
  enum class State { delayed, ready, flight };
  struct Rec {
    QueuedMessage m;
    State state;
    Micros until;
  };

  Micros next_wakeup() const {
    Micros next = 0;
    for (const Rec& rec : recs_) {
      const Micros t = rec.state == State::delayed ? wake_at(rec.m)
                       : rec.state == State::flight ? rec.until
                                                    : rec.m.expire_at;
      if (t != 0 && (next == 0 || t < next)) next = t;
    }
    return next;
  }
  static Micros wake_at(const QueuedMessage& m) {
    return m.expire_at != 0 ? std::min(m.deliver_at, m.expire_at) : m.deliver_at;
  }
  Rec* find(uint64_t seq) {
    for (Rec& rec : recs_)
      if (rec.m.seq == seq) return &rec;
    return nullptr;
  }
  std::vector<Rec*> ready_in_order() {
    std::vector<Rec*> out;
    for (Rec& rec : recs_)
      if (rec.state == State::ready) out.push_back(&rec);
    std::sort(out.begin(), out.end(), [](const Rec* a, const Rec* b) {
      return a->m.priority != b->m.priority ? a->m.priority > b->m.priority : a->m.seq < b->m.seq;
    });
    return out;
  }
  std::optional<QueuedMessage> remove_in_flight(uint64_t seq) {
    for (auto it = recs_.begin(); it != recs_.end(); ++it) {
      if (it->m.seq == seq && it->state == State::flight) {
        const QueuedMessage m = it->m;
        recs_.erase(it);
        return m;
      }
    }
    return std::nullopt;
  }

  std::vector<Rec> recs_;
  Micros last_now_ = 0;
  QueueCounters counters_;
};

std::vector<QueuedMessage> by_seq(std::vector<QueuedMessage> v) {
  std::sort(v.begin(), v.end(),
            [](const QueuedMessage& a, const QueuedMessage& b) { return a.seq < b.seq; });
  return v;
}

struct Profile {
  uint32_t seed;
  int steps;
  int enqueue_weight;   // out of 100; the rest is spread over the other operations
  int priorities;       // priorities drawn from 0..priorities-1
  int ttl_percent;      // share of messages with a TTL:
  Micros ttl_range;     //   expire_at = now + [-5, ttl_range)
  Micros delay_range;   // deliver_at = now + [-10, delay_range) for a third of them
  size_t max_take;
};

void run(const Profile& p) {
  SCOPED_TRACE(::testing::Message() << "seed " << p.seed);
  std::mt19937_64 rng(p.seed);
  auto pick = [&rng](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  auto chance = [&](int percent) { return static_cast<int>(pick(100)) < percent; };
  QueueIndex q;
  ModelQueue model;
  Micros now = 1;
  uint64_t next_seq = 1;

  auto random_message = [&](uint64_t seq) {
    QueuedMessage m{.seq = seq, .location = seq ^ 0xabcdef, .size = static_cast<uint32_t>(pick(1000)),
                    .max_receives = static_cast<uint16_t>(pick(4)),
                    .priority = static_cast<uint8_t>(pick(p.priorities)), .has_dead_letter = chance(50)};
    if (chance(33)) m.deliver_at = now - 10 + static_cast<Micros>(pick(p.delay_range + 10));
    if (chance(p.ttl_percent)) m.expire_at = now - 5 + static_cast<Micros>(pick(p.ttl_range + 5));
    return m;
  };
  // A seq to act on: mostly one the model holds, sometimes any seq at all.
  auto some_seq = [&]() -> uint64_t {
    const std::vector<uint64_t> held = model.seqs();
    if (held.empty() || chance(10)) return 1 + pick(next_seq + 2);
    return held[pick(held.size())];
  };

  for (int step = 0; step < p.steps; ++step) {
    SCOPED_TRACE(::testing::Message() << "step " << step);
    now += static_cast<Micros>(pick(8));
    const int op = static_cast<int>(pick(100));
    const int rest = (op - p.enqueue_weight) * 8 / std::max(1, 100 - p.enqueue_weight);
    if (op < p.enqueue_weight) {
      const QueuedMessage m = random_message(chance(3) ? some_seq() : next_seq++);
      ASSERT_EQ(q.enqueue(m), model.enqueue(m));
    } else if (rest == 0) {
      const size_t max = pick(p.max_take + 1);
      const Micros visibility = static_cast<Micros>(pick(60));
      const TakeResult got = q.take(max, now, visibility), want = model.take(max, now, visibility);
      ASSERT_EQ(got.delivered, want.delivered);
      ASSERT_EQ(by_seq(got.expired), by_seq(want.expired));
      ASSERT_EQ(by_seq(got.dead_lettered), by_seq(want.dead_lettered));
      ASSERT_EQ(got.next_wakeup, want.next_wakeup);
    } else if (rest == 1) {
      const TickResult got = q.tick(now), want = model.tick(now);
      ASSERT_EQ(by_seq(got.expired), by_seq(want.expired));
      ASSERT_EQ(by_seq(got.dead_lettered), by_seq(want.dead_lettered));
      ASSERT_EQ(got.next_wakeup, want.next_wakeup);
    } else if (rest == 2) {
      const uint64_t seq = some_seq();
      ASSERT_EQ(q.ack(seq), model.ack(seq));
    } else if (rest == 3) {
      const uint64_t seq = some_seq();
      ASSERT_EQ(q.reject(seq), model.reject(seq));
    } else if (rest == 4) {
      const uint64_t seq = some_seq();
      ASSERT_EQ(q.release(seq, now), model.release(seq, now));
    } else if (rest == 5) {
      const uint64_t seq = some_seq();
      const Micros until = now - 20 + static_cast<Micros>(pick(100));
      ASSERT_EQ(q.extend(seq, until), model.extend(seq, until));
    } else if (rest == 6) {
      QueuedMessage m = random_message(chance(50) ? next_seq++ : 1 + pick(next_seq));
      m.receive_count = static_cast<uint16_t>(pick(4));
      const Micros until = now - 30 + static_cast<Micros>(pick(60));
      ASSERT_EQ(q.restore(m, until), model.restore(m, until));
    } else if (chance(5)) {
      std::vector<QueuedMessage> removed;
      const size_t n = q.purge(&removed);
      ASSERT_EQ(n, removed.size());
      ASSERT_EQ(by_seq(removed), by_seq(model.purge()));
    }

    ASSERT_EQ(q.ready(), model.count(1));
    ASSERT_EQ(q.delayed(), model.count(0));
    ASSERT_EQ(q.in_flight(), model.count(2));
    ASSERT_EQ(q.depth(), model.count(-1));
    ASSERT_EQ(q.bytes(), model.bytes());
    ASSERT_EQ(q.min_live_seq(), model.min_live_seq());
    ASSERT_EQ(q.counters(), model.counters());
    ASSERT_EQ(q.peek(3, now), model.peek(3, now));
    ASSERT_EQ(q.peek(std::numeric_limits<size_t>::max(), now + 15),
              model.peek(std::numeric_limits<size_t>::max(), now + 15));
  }
}

TEST(QueueIndexModelTest, SmallQueueManyPriorities) {
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) run({seed, 3000, 30, 10, 50, 100, 60, 4});
}

TEST(QueueIndexModelTest, FewPrioritiesShortTimes) {
  for (uint32_t seed : {11u, 12u, 13u}) run({seed, 3000, 35, 2, 50, 30, 30, 3});
}

TEST(QueueIndexModelTest, LongBacklogMostlyExpiring) {
  // Enqueues outrun takes and most messages expire where they wait: lanes fill with
  // tombstones and compact.
  for (uint32_t seed : {21u, 22u}) run({seed, 4000, 70, 2, 85, 400, 100, 2});
}

TEST(QueueIndexModelTest, ChurnWithLongTtls) {
  // Messages with long TTLs are taken quickly: the expiry heap fills with stale refs and rebuilds.
  for (uint32_t seed : {31u, 32u}) run({seed, 4000, 45, 3, 90, 20000, 40, 30});
}

}  // namespace
}  // namespace gsmq::queue
