// QueuedMessage: the in-memory index entry of one durable queue message, as the daemon
// hands it to a QueueIndex and gets it back (the body stays on disk). Times are injected.
#pragma once

#include <cstdint>

namespace gsmq::queue {

using Micros = int64_t;  // microseconds since the Unix epoch; passed in, never read from a clock

inline constexpr uint8_t kMaxPriority = 9;  // priorities are 0..9, higher first

struct QueuedMessage {
  uint64_t seq = 0;               // per-channel sequence, increasing in arrival order
  uint64_t location = 0;          // opaque disk location (the daemon's), returned untouched
  Micros deliver_at = 0;          // 0 = now (delay policy)
  Micros expire_at = 0;           // 0 = never (TTL policy)
  Micros deadline = 0;            // 0 = none; critical time: earliest first, late ones not handed out
  uint32_t size = 0;              // body bytes, for depth-in-bytes figures
  uint16_t receive_count = 0;     // times handed out so far
  uint16_t max_receives = 0;      // 0 = unlimited
  uint8_t priority = 0;           // 0..9, higher first (larger values count as 9)
  bool has_dead_letter = false;   // names a dead-letter (or late) channel (the daemon reads which from disk)
  bool deliver_late = false;      // past its deadline: handed out all the same (marked late), not removed

  friend bool operator==(const QueuedMessage&, const QueuedMessage&) = default;
};

}  // namespace gsmq::queue
