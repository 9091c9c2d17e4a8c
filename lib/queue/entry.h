// Entry: the 40-byte packed form of a QueuedMessage that a QueueIndex keeps per message.
// Times keep 56 bits (about ±1141 years around the epoch; values beyond saturate).
#pragma once

#include <cstdint>

#include "queue/queued_message.h"

namespace gsmq::queue {

struct Entry {
  static constexpr Micros kMaxTime = (Micros{1} << 55) - 1;
  static constexpr Micros kMinTime = -(Micros{1} << 55);

  uint64_t seq;
  uint64_t location;
  int64_t deliver_at : 56;
  uint64_t priority : 4;
  uint64_t has_dead_letter : 1;
  uint64_t removed : 1;  // tombstone inside a ReadyLane run; always 0 elsewhere
  int64_t expire_at : 56;
  uint32_t size;
  uint16_t receive_count;
  uint16_t max_receives;

  static Entry from(const QueuedMessage& m);
  QueuedMessage message() const;

  bool expired(Micros now) const { return expire_at != 0 && expire_at <= now; }
  bool receives_used_up() const { return max_receives != 0 && receive_count >= max_receives; }
  // When a delayed entry needs attention: its delivery time, or its expiry if that is sooner.
  Micros wake_at() const {
    return expire_at != 0 && expire_at < deliver_at ? Micros{expire_at} : Micros{deliver_at};
  }
};
static_assert(sizeof(Entry) == 40, "Entry is the per-message memory budget");

}  // namespace gsmq::queue
