// Power cuts (store/simulated_power_cut.h): everything not fsynced is lost, the page cache
// and unsynced directory entries included. Under --fsync always and batch, every record the
// committer acknowledged survives, in a log created just before and across segment rolls,
// and recovery starts; under never, acknowledged records are lost (so the simulation does
// drop what it should).
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/committer.h"
#include "store/simulated_power_cut.h"
#include "store/test_support.h"

namespace gsmq::store {
namespace {

namespace fs = std::filesystem;

struct Acked {
  Location location;
  uint8_t type;
  std::string payload;
};

// Writes batches through a committer into a new log below `dir` (rolling every few records),
// waits for each, and returns those acknowledged; a last batch is still in flight when the
// power goes. Then everything is closed and the tree rebooted to what was durable.
std::vector<Acked> write_then_cut_power(const fs::path& dir, FsyncPolicy policy,
                                        testing::SimulatedPowerCut& power) {
  std::mt19937_64 rng(5);
  std::vector<Acked> acked;
  auto log = SegmentedLog::open({dir / "channel" / "log", 1024});
  Committer committer({policy});
  for (int batch = 0; batch < 40; ++batch) {
    Committer::Records records;
    for (size_t i = 0, n = 1 + rng() % 4; i < n; ++i)
      records.emplace_back(static_cast<uint8_t>(1 + rng() % 255), testing::random_bytes(rng, rng() % 300));
    std::promise<void> done;
    committer.submit(log.get(), records, [&](std::error_code ec, std::vector<Location> locations) {
      EXPECT_FALSE(ec) << ec.message();
      for (size_t i = 0; i < locations.size(); ++i)
        acked.push_back({locations[i], records[i].first, records[i].second});
      done.set_value();
    });
    done.get_future().wait();
  }
  committer.submit(log.get(), {{1, "in flight at the cut"}}, [](std::error_code, std::vector<Location>) {});
  power.lose_power();
  committer.stop();
  log.reset();
  power.reboot();
  return acked;
}

// How many of `acked` the log holds, as they were written.
size_t count_kept(const SegmentedLog& log, const std::vector<Acked>& acked) {
  std::map<uint64_t, std::pair<uint8_t, std::string>> found;
  log.scan([&](Location location, uint8_t type, std::string_view payload) {
    found[location.to_u64()] = {type, std::string(payload)};
  });
  size_t kept = 0;
  for (const Acked& a : acked) {
    auto it = found.find(a.location.to_u64());
    if (it != found.end() && it->second.first == a.type && it->second.second == a.payload) ++kept;
  }
  return kept;
}

class CommitterPowerCutTest : public ::testing::TestWithParam<FsyncPolicy> {
 protected:
  testing::TempDir dir_;
};

TEST_P(CommitterPowerCutTest, EveryAcknowledgedRecordSurvivesAndRecoveryStarts) {
  testing::SimulatedPowerCut power(dir_.path());
  const std::vector<Acked> acked = write_then_cut_power(dir_.path(), GetParam(), power);
  ASSERT_GT(acked.size(), 40u);
  ASSERT_GT(acked.back().location.segment, 3u);  // rolled a few times

  RecoveryReport report;
  auto log = SegmentedLog::open({dir_.path() / "channel" / "log", 1024}, &report);
  EXPECT_EQ(count_kept(*log, acked), acked.size());
  EXPECT_TRUE(report.corruptions.empty());
  // ... and it goes on from there, also across another cut.
  const Location next = log->append(7, "after the cut");
  log->sync();
  log.reset();
  power.lose_power();
  power.reboot();
  log = SegmentedLog::open({dir_.path() / "channel" / "log", 1024});
  EXPECT_EQ(count_kept(*log, acked), acked.size());
  EXPECT_EQ(count_kept(*log, {{next, 7, "after the cut"}}), 1u);
}

INSTANTIATE_TEST_SUITE_P(Policies, CommitterPowerCutTest, ::testing::Values(FsyncPolicy::always, FsyncPolicy::batch),
                         [](const auto& policy) { return std::string(to_string(policy.param)); });

TEST(CommitterPowerCutNeverTest, AcknowledgedRecordsAreLostWithoutFsync) {
  testing::TempDir dir;
  testing::SimulatedPowerCut power(dir.path());
  const std::vector<Acked> acked = write_then_cut_power(dir.path(), FsyncPolicy::never, power);
  ASSERT_FALSE(acked.empty());
  auto log = SegmentedLog::open({dir.path() / "channel" / "log", 1024});  // recovery starts
  EXPECT_LT(count_kept(*log, acked), acked.size());
}

// Wait::written (queue state): answered before it is durable; it survives a cut once its
// deferred sync ran, and not before.
TEST(CommitterPowerCutDeferredTest, WrittenRecordsLastOnceTheirDeferredSyncRan) {
  for (bool sync_ran : {false, true}) {
    SCOPED_TRACE(sync_ran ? "after the deferred sync" : "before it");
    testing::TempDir dir;
    testing::SimulatedPowerCut power(dir.path());
    const fs::path path = dir.path() / "channel" / "log";
    auto log = SegmentedLog::open({path, 1024});
    CommitterOptions options{FsyncPolicy::batch};
    options.deferred_sync = sync_ran ? std::chrono::microseconds(1000) : std::chrono::hours(1);
    Committer committer(options);
    Committer::Records records;
    for (int i = 0; i < 10; ++i) records.emplace_back(3, "state " + std::to_string(i));
    std::promise<std::vector<Location>> answered;
    committer.submit(log.get(), records, [&](std::error_code ec, std::vector<Location> locations) {
      EXPECT_FALSE(ec);
      answered.set_value(std::move(locations));
    }, Committer::Wait::written);
    const std::vector<Location> locations = answered.get_future().get();
    ASSERT_EQ(locations.size(), records.size());
    if (sync_ran) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (committer.counters().deferred_syncs == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ASSERT_EQ(committer.counters().deferred_syncs, 1u);
    }
    power.lose_power();
    committer.stop();  // its sync at stop comes after the cut: it makes nothing durable
    log.reset();
    power.reboot();

    std::vector<Acked> acked;
    for (size_t i = 0; i < records.size(); ++i) acked.push_back({locations[i], records[i].first, records[i].second});
    log = SegmentedLog::open({path, 1024});
    EXPECT_EQ(count_kept(*log, acked), sync_ran ? acked.size() : 0u);
  }
}

}  // namespace
}  // namespace gsmq::store
