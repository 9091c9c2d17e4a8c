#include "store/sync_latency.h"

#include <algorithm>
#include <atomic>

namespace gsmq::store {
namespace {

std::array<std::atomic<uint64_t>, kSyncLatencyBounds.size() + 1> buckets;
std::atomic<uint64_t> total_ns{0};

}  // namespace

void record_sync(std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  const size_t b = static_cast<size_t>(
      std::lower_bound(kSyncLatencyBounds.begin(), kSyncLatencyBounds.end(), seconds) - kSyncLatencyBounds.begin());
  buckets[b].fetch_add(1, std::memory_order_relaxed);
  total_ns.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, took.count())), std::memory_order_relaxed);
}

SyncLatency sync_latency() {
  SyncLatency s;
  for (size_t b = 0; b < buckets.size(); ++b) {
    s.buckets[b] = buckets[b].load(std::memory_order_relaxed);
    s.count += s.buckets[b];
  }
  s.sum_seconds = static_cast<double>(total_ns.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace gsmq::store
