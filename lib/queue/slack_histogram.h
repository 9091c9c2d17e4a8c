// SlackHistogram: the distribution of a queue's slack - deadline minus hand-out, in µs; zero
// or negative when the message was late - in log-linear buckets (8 per power of two, so a
// percentile is within 12.5%), for the p1/p50/p99 that gsmqd channels reports. 5 KiB, made
// by a QueueIndex only once it sees a deadline.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "queue/queued_message.h"

namespace gsmq::queue {

class SlackHistogram {
 public:
  void add(Micros slack);
  uint64_t count() const { return count_; }
  // The q-quantile (0 < q <= 1) of what was added: the smallest bucket value with at least
  // q of the count at or below it; nullopt when nothing was added.
  std::optional<Micros> quantile(double q) const;

 private:
  static constexpr int kSub = 8;      // buckets per power of two
  static constexpr int kPowers = 40;  // magnitudes up to 2^42 µs (~51 days); larger saturate
  static constexpr int kBuckets = kSub * kPowers;
  static int bucket_of(uint64_t magnitude);
  static Micros low_of(int bucket);   // the smallest magnitude in the bucket

  std::array<uint64_t, kBuckets> late_{};     // by magnitude of -slack (slack <= 0)
  std::array<uint64_t, kBuckets> on_time_{};  // by slack (> 0)
  uint64_t count_ = 0;
};

}  // namespace gsmq::queue
