// SyncLatency: each sync lands in the bucket its time belongs to (upper bounds inclusive),
// longer than the last bound in the last one; every PosixFile sync is counted.
#include "store/sync_latency.h"

#include <gtest/gtest.h>

#include <fcntl.h>

#include "store/posix_file.h"
#include "store/test_support.h"

namespace gsmq::store {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// What happened between two readings (other tests in this process sync too: run alone
// within a test, the differences are this test's own).
SyncLatency since(const SyncLatency& before) {
  SyncLatency now = sync_latency();
  for (size_t b = 0; b < now.buckets.size(); ++b) now.buckets[b] -= before.buckets[b];
  now.count -= before.count;
  now.sum_seconds -= before.sum_seconds;
  return now;
}

TEST(SyncLatencyTest, EachTimeGoesInTheBucketOfItsUpperBound) {
  const SyncLatency before = sync_latency();
  record_sync(microseconds(10));    // <= 50 µs: bucket 0
  record_sync(microseconds(50));    // exactly on a bound: that bucket
  record_sync(microseconds(51));    // bucket 1 (<= 100 µs)
  record_sync(milliseconds(3));     // bucket 6 (<= 5 ms)
  record_sync(seconds(1));          // the last bound (1 s): bucket 13
  record_sync(seconds(3));          // above every bound: the last bucket
  const SyncLatency d = since(before);
  EXPECT_EQ(d.buckets[0], 2u);
  EXPECT_EQ(d.buckets[1], 1u);
  EXPECT_EQ(d.buckets[6], 1u);
  EXPECT_EQ(d.buckets[13], 1u);
  EXPECT_EQ(d.buckets[14], 1u);
  EXPECT_EQ(d.count, 6u);
  EXPECT_NEAR(d.sum_seconds, 4.003111, 1e-6);
}

TEST(SyncLatencyTest, PosixFileSyncsAreCounted) {
  testing::TempDir dir;
  PosixFile f = PosixFile::open(dir.path() / "f", O_RDWR | O_CREAT);
  f.pwrite_all("x", 0);
  const SyncLatency before = sync_latency();
  f.datasync();
  f.fsync();
  sync_directory(dir.path());
  EXPECT_EQ(since(before).count, 3u);
}

}  // namespace
}  // namespace gsmq::store
