// QueueIndex: the in-memory index of one durable queue channel (KubeMQ-style queue
// semantics plus priority selection) as pure logic: no I/O, no threads, every time passed in.
// The daemon keeps bodies on disk, calls tick() by next_wakeup, and acts on what comes back.
//
// States. A message is delayed (deliver_at still ahead), ready, or in flight (handed out,
// invisible until its lease ends). Ready messages go out highest priority first, FIFO by seq
// within a priority; a delayed or redelivered message takes its place by priority and seq.
//
// Critical time. Within a priority, ready messages with a deadline go out first, earliest
// deadline first (then by seq), before those without. take() does not hand out a message
// whose deadline is at or before `now`: it removes it and returns it as late (the daemon
// dead-letters it with the reason "deadline") - unless the message says deliver_late: then
// it is handed out as any other, with its deadline, for the daemon to mark it late. Both
// count as late (late_delivered counts the second kind). Hand-outs before the deadline are
// counted on time, with their slack (deadline - now) in decades. drop_oldest stays FIFO;
// peek() shows take()'s order (deadlines first) and leaves out the late ones take() would
// remove. A message with a deadline costs a hash-map node and, while ready, a set node
// more (~100 B).
//
// Due-work at `now` (tick(now), and first thing in take(now)), in this order:
//  1. delayed messages whose deliver_at <= now become ready;
//  2. in-flight messages whose lease ended (until <= now) go back to ready, keeping their
//     receive_count (a redelivery) - unless max_receives > 0 and receive_count >= max_receives:
//     then they are removed and returned as dead_lettered (the daemon moves them to the
//     dead-letter channel if has_dead_letter, else drops them);
//  3. a message past its expire_at that is ready, delayed, or coming back from flight is
//     removed and returned as expired. TTL wins over dead-lettering: an expired message is
//     dropped, never dead-lettered. A message in flight is not expired under its consumer.
// "Now" for enqueue is the latest now seen by tick/take: a message whose deliver_at
// is after it waits as delayed until due-work reaches deliver_at. Clocks must not go back.
// Seqs are the daemon's dense per-channel counter (see LiveSeqs for why that matters).
//
// Settling is by seq and delivery: the receive_count the message had when it was handed
// out (a receipt carries both; kAnyDelivery skips the check). ack/reject/extend/release/
// unreceive succeed while that delivery is in flight; once due-work has handed the message
// back after its lease ended, they are refused (false / nullopt) - the consumer lost its
// claim and the message will be delivered again. (Until then a late ack still counts.) A
// stale settlement, for an earlier delivery of a message handed out again since, is refused
// too: it must not settle the delivery someone else now holds.
//
// Memory per message (sizeof(Entry) == 40; glibc heap measured over 1M messages):
//  - ready, arrived in seq order: 40.4 B (Entry in a 4 KiB-chunked run + chunk and bitmap);
//  - ready with a TTL: 57 B (+16 B ref in the expiry heap, rebuilt when stale refs pile up);
//  - delayed: 42 B (Entry in a binary heap over a vector);
//  - ready again behind newer messages (redelivery, released, late delay): 80 B (set node);
//  - in flight: 160 B (map node + lease timer node), bounded by what consumers hold;
//  - removed from a run's middle (TTL): 40 B tombstone until compacted (never > live ones);
//  - LiveSeqs: 1 bit per seq between the oldest live seq and the newest (at most 8 MiB; a
//    seq farther out costs a set node instead).
// Every operation is O(log n) or amortised O(1) per message it touches, except purge()
// (linear in what it removes) and peek() (linear in what it looks at).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "queue/entry.h"
#include "queue/live_seqs.h"
#include "queue/queued_message.h"
#include "queue/ready_lane.h"
#include "queue/slack_histogram.h"

namespace gsmq::queue {

struct QueueCounters {  // since this QueueIndex was created (restore() counts nowhere)
  uint64_t enqueued = 0;
  uint64_t delivered = 0;    // hand-outs by take(), redeliveries included
  uint64_t acked = 0;
  uint64_t redelivered = 0;  // leases that ended and put the message back to ready
  uint64_t expired = 0;
  uint64_t dead_lettered = 0;
  uint64_t rejected = 0;
  uint64_t purged = 0;
  uint64_t unreceived = 0;   // deliveries given back uncounted (prefetched, never handed on)
  uint64_t dropped = 0;      // removed by drop_oldest to make room
  uint64_t on_time = 0;      // hand-outs of messages with a deadline, before it
  uint64_t late = 0;         // messages whose deadline passed before a hand-out
  uint64_t late_delivered = 0;  // of those, handed out all the same (deliver_late); the others were removed
  // on_time hand-outs by slack: < 1 ms, < 10 ms, < 100 ms, < 1 s, < 10 s, >= 10 s
  std::array<uint64_t, 6> slack{};

  friend bool operator==(const QueueCounters&, const QueueCounters&) = default;
};

struct TickResult {
  std::vector<QueuedMessage> dead_lettered;  // receives used up: to dead-letter or drop
  std::vector<QueuedMessage> expired;        // past expire_at: to record as dropped
  Micros next_wakeup = 0;                    // when due-work is next needed; 0 = nothing scheduled
};

struct TakeResult {
  // receive_count already incremented; in flight now. A late one (deliver_late) is among
  // them with its deadline <= now.
  std::vector<QueuedMessage> delivered;
  std::vector<QueuedMessage> dead_lettered;
  std::vector<QueuedMessage> expired;
  std::vector<QueuedMessage> late;       // deadline passed before hand-out: to dead-letter
  Micros next_wakeup = 0;
};

class QueueIndex {
 public:
  // Adds a message (ready or delayed, see above). False if its seq is already held.
  bool enqueue(const QueuedMessage& m);

  // Runs due-work at `now`, then hands out up to `max` ready messages, in flight until
  // now + visibility.
  TakeResult take(size_t max, Micros now, Micros visibility);

  // What take(max, now, ...) would hand out (receive_count as it is now), changing nothing;
  // with from_seq, only messages with a seq >= from_seq (in the same order): a browser's pages.
  std::vector<QueuedMessage> peek(size_t max, Micros now, uint64_t from_seq = 0) const;

  static constexpr uint16_t kAnyDelivery = 0;  // receive counts of deliveries start at 1

  bool ack(uint64_t seq, uint16_t delivery = kAnyDelivery);  // done with it: removed
  // Removed, for the daemon to dead-letter or drop.
  std::optional<QueuedMessage> reject(uint64_t seq, uint16_t delivery = kAnyDelivery);
  // Negative ack: ends the lease at `now`, so due-work at `now` (the next take) hands the
  // message out again with its receive_count kept - or dead-letters it if its receives are used up.
  bool release(uint64_t seq, Micros now, uint16_t delivery = kAnyDelivery);
  // Moves the lease end (later or sooner).
  bool extend(uint64_t seq, Micros until, uint16_t delivery = kAnyDelivery);
  // The delivery never reached a consumer (a receiver prefetched it and stopped before
  // handing it on): ready again at once, and this receive does not count (receive_count
  // goes back by one, so max_receives is not used up by receivers that restart).
  // Returns the receive_count the message has now, or nullopt when not in flight.
  std::optional<uint16_t> unreceive(uint64_t seq, uint16_t delivery = kAnyDelivery);

  TickResult tick(Micros now);

  // Removes every ready and delayed message and returns how many; with `removed`, also appends
  // them there (for the daemon to record). In-flight messages stay: their consumers may still
  // ack them (as RabbitMQ's queue.purge does). Time stands still: nothing is ticked.
  size_t purge(std::vector<QueuedMessage>* removed = nullptr);

  // Makes room: removes up to `n` ready messages, the oldest of the lowest priority first
  // (what matters least and has waited longest), appending them to `removed`; returns how
  // many it removed. In-flight and delayed messages stay.
  size_t drop_oldest(size_t n, std::vector<QueuedMessage>& removed);

  // Recovery after a restart: puts a message back in flight until visible_until (due-work
  // hands it back, or dead-letters it, once that has passed; so a handed-out message whose
  // lease has lapsed is best restored with its old visible_until, not enqueued, to keep
  // max_receives). False if its seq is already held.
  bool restore(const QueuedMessage& m, Micros visible_until);

  size_t depth() const { return ready() + delayed() + in_flight(); }
  size_t ready() const;
  size_t delayed() const { return delayed_.size(); }
  size_t in_flight() const { return flight_.size(); }
  uint64_t bytes() const { return bytes_; }
  // The ready message that arrived first (smallest seq over the priorities; O(priorities)),
  // for the age of the oldest waiting message; nullopt when none is ready.
  std::optional<QueuedMessage> oldest_ready() const;
  // Smallest seq still held (not acked or removed); UINT64_MAX when empty. Disk below it is
  // free - once the daemon has read what it needs of entries handed back as removed
  // (expired, dead_lettered, rejected, purged), which no longer hold it back.
  uint64_t min_live_seq() const { return live_.min(); }
  const QueueCounters& counters() const { return counters_; }
  // The slack of every hand-out of a message with a deadline (late ones removed included);
  // nullptr until the first.
  const SlackHistogram* slack() const { return slack_.get(); }

 private:
  struct Lease {
    Entry entry;
    Micros until;
  };
  struct LeaseRef {  // a lease's end; stale once that lease ended (settled, extended, expired)
    Micros until;
    uint64_t seq;
  };
  struct ExpiryRef {  // a ready entry with a TTL; stale once the entry has left the ready set
    int64_t expire_at : 56;
    uint64_t priority : 8;
    uint64_t seq;
  };

  void make_ready(const Entry& e);
  // The next ready entry of a priority: the earliest deadline (by_deadline), else FIFO.
  Entry take_ready(uint8_t priority, bool by_deadline);
  struct Deadline {
    Micros at = 0;  // 0 = none
    bool deliver_late = false;
  };
  Deadline deadline_of(uint64_t seq) const;
  void keep_deadline(const QueuedMessage& m);
  void hold(const Entry& e);
  void forget(const Entry& e);
  void drop(const Entry& e, std::vector<QueuedMessage>& into, uint64_t& counter);
  void start_lease(const Entry& e, Micros until);
  // The lease of this delivery of `seq`, or flight_.end() (not in flight, or a later delivery).
  using Flight = absl::flat_hash_map<uint64_t, Lease>;
  Flight::iterator find_lease(uint64_t seq, uint16_t delivery);
  bool is_stale(const LeaseRef& ref) const;
  void push_lease_end(LeaseRef ref);  // a new end of a lease; sweeps stale ones when they pile up
  void rebuild_leases();
  const LeaseRef* next_lease_end();  // the earliest live one (drops stale refs on top), or nullptr
  std::optional<Entry> end_lease(uint64_t seq, uint16_t delivery);  // out of flight, or nullopt
  bool is_stale(const ExpiryRef& ref) const;
  void rebuild_expiry();
  Micros next_wakeup();  // also drops stale refs from the top of expiry_
  std::vector<Entry> due_to_become_ready(Micros now) const;

  std::array<ReadyLane, kMaxPriority + 1> lanes_;  // indexed by priority
  std::vector<Entry> delayed_;                      // min-heap by (wake_at, seq)
  std::vector<ExpiryRef> expiry_;                   // min-heap by (expire_at, seq)
  size_t ttl_ready_ = 0;                            // ready entries with a TTL (live refs in expiry_)
  // In flight, by seq: a flat hash map (no allocation per lease; a std::map and a std::set
  // of lease ends cost ~1,400 instructions per message received and acked, bench/README.md).
  Flight flight_;
  std::vector<LeaseRef> leases_;                    // min-heap by (until, seq); stale refs skipped
  std::unordered_map<uint64_t, Deadline> deadlines_;  // seq -> deadline, of held messages with one
  std::array<std::set<std::pair<Micros, uint64_t>>, kMaxPriority + 1> by_deadline_;  // ready ones
  LiveSeqs live_;
  uint64_t bytes_ = 0;
  Micros last_now_ = 0;
  QueueCounters counters_;
  std::unique_ptr<SlackHistogram> slack_;
};

}  // namespace gsmq::queue
