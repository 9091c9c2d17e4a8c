#include "queue/slack_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gsmq::queue {

int SlackHistogram::bucket_of(uint64_t magnitude) {
  if (magnitude < kSub) return static_cast<int>(magnitude);
  const int power = static_cast<int>(std::bit_width(magnitude)) - 1;  // >= 3
  const int bucket = (power - 2) * kSub + static_cast<int>((magnitude >> (power - 3)) - kSub);
  return std::min(bucket, kBuckets - 1);
}

Micros SlackHistogram::low_of(int bucket) {
  if (bucket < kSub) return bucket;
  const int power = bucket / kSub + 2;
  return static_cast<Micros>(kSub + bucket % kSub) << (power - 3);
}

void SlackHistogram::add(Micros slack) {
  if (slack > 0) ++on_time_[static_cast<size_t>(bucket_of(static_cast<uint64_t>(slack)))];
  else ++late_[static_cast<size_t>(bucket_of(slack == INT64_MIN ? UINT64_MAX : static_cast<uint64_t>(-slack)))];
  ++count_;
}

std::optional<Micros> SlackHistogram::quantile(double q) const {
  if (count_ == 0) return std::nullopt;
  const auto rank = static_cast<uint64_t>(
      std::clamp(std::ceil(q * static_cast<double>(count_)), 1.0, static_cast<double>(count_)));
  uint64_t seen = 0;
  for (int b = kBuckets - 1; b >= 0; --b)  // the latest first: the most negative slack
    if ((seen += late_[static_cast<size_t>(b)]) >= rank) return -low_of(b);
  for (int b = 0; b < kBuckets; ++b)
    if ((seen += on_time_[static_cast<size_t>(b)]) >= rank) return low_of(b);
  return low_of(kBuckets - 1);
}

}  // namespace gsmq::queue
