#include "queue/entry.h"

#include <algorithm>

namespace gsmq::queue {

namespace {
Micros clamp_time(Micros t) { return std::clamp(t, Entry::kMinTime, Entry::kMaxTime); }
}  // namespace

Entry Entry::from(const QueuedMessage& m) {
  Entry e{};
  e.seq = m.seq;
  e.location = m.location;
  e.deliver_at = clamp_time(m.deliver_at);
  e.priority = std::min(m.priority, kMaxPriority);
  e.has_dead_letter = m.has_dead_letter;
  e.expire_at = clamp_time(m.expire_at);
  e.size = m.size;
  e.receive_count = m.receive_count;
  e.max_receives = m.max_receives;
  return e;
}

QueuedMessage Entry::message() const {
  return QueuedMessage{.seq = seq,
                       .location = location,
                       .deliver_at = deliver_at,
                       .expire_at = expire_at,
                       .size = size,
                       .receive_count = receive_count,
                       .max_receives = max_receives,
                       .priority = static_cast<uint8_t>(priority),
                       .has_dead_letter = has_dead_letter != 0};
}

}  // namespace gsmq::queue
