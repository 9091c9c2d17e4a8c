// SyncLatency: how long the store's fsync and fdatasync calls take, for the whole process
// (PosixFile times every one). Recording is a clock read and relaxed atomic increments, so it
// costs nothing next to the sync itself; a snapshot is read by whoever exports it
// (gsmqd's StoreStats, the dashboard's gsmq_storage_fsync_seconds histogram).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace gsmq::store {

// Upper bounds (seconds) of the buckets, for syncs from 50 µs (a fast SSD) to 1 s (a stalled
// disk); a last bucket, above 1 s, is implied.
inline constexpr std::array<double, 14> kSyncLatencyBounds = {50e-6, 100e-6, 250e-6, 500e-6, 1e-3,  2.5e-3, 5e-3,
                                                              10e-3, 25e-3,  50e-3,  100e-3, 250e-3, 500e-3, 1.0};

struct SyncLatency {
  std::array<uint64_t, kSyncLatencyBounds.size() + 1> buckets{};  // per bucket, not cumulative; last: > 1 s
  uint64_t count = 0;       // the sum of buckets
  double sum_seconds = 0;
};

void record_sync(std::chrono::nanoseconds took);
SyncLatency sync_latency();  // since the process started

}  // namespace gsmq::store
