// Committer: what each fsync policy costs in syncs, that callbacks come after the data is
// readable, submissions from many threads, stop() draining, and errors reaching callbacks.
#include "store/committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/log_format.h"
#include "store/test_support.h"

namespace gsmq::store {
namespace {

using Records = Committer::Records;

// What a callback received.
struct Outcome {
  std::error_code error;
  std::vector<Location> locations;
};

class CommitterTest : public ::testing::Test {
 protected:
  std::unique_ptr<SegmentedLog> open_log(const std::string& name) {
    return SegmentedLog::open({dir_.path() / name, 1 << 20});
  }

  // Submits and returns a future for the outcome.
  static std::future<Outcome> submit(Committer& c, SegmentedLog* log, Records records,
                                     Committer::Wait wait = Committer::Wait::synced) {
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    c.submit(log, std::move(records), [promise](std::error_code ec, std::vector<Location> locs) {
      promise->set_value({ec, std::move(locs)});
    }, wait);
    return future;
  }

  // Runs `queue` while the I/O thread is held inside the callback of a first submission
  // to `log`, so that whatever `queue` submits is pending at once when it is let go; then
  // stops the committer.
  static void while_io_thread_busy(Committer& c, SegmentedLog* log,
                                   const std::function<void()>& queue) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> busy;
    c.submit(log, {{1, "first"}}, [&busy, released](std::error_code, std::vector<Location>) {
      busy.set_value();
      released.wait();
    });
    busy.get_future().wait();
    queue();
    release.set_value();
    c.stop();
  }

  static std::vector<std::future<Outcome>> submit_while_busy(
      Committer& c, SegmentedLog* log, int n, const std::function<Records(int)>& records) {
    std::vector<std::future<Outcome>> outcomes;
    while_io_thread_busy(c, log, [&] {
      for (int i = 0; i < n; ++i) outcomes.push_back(submit(c, log, records(i)));
    });
    return outcomes;
  }

  static Records one_record(int i) { return {{2, "message " + std::to_string(i)}}; }

  testing::TempDir dir_;
};

TEST(FsyncPolicyTest, NamesRoundTrip) {
  for (FsyncPolicy p : {FsyncPolicy::always, FsyncPolicy::batch, FsyncPolicy::never})
    EXPECT_EQ(parse_fsync_policy(to_string(p)), p);
  EXPECT_EQ(to_string(FsyncPolicy::batch), "batch");
  EXPECT_EQ(parse_fsync_policy("Always"), std::nullopt);
  EXPECT_EQ(parse_fsync_policy(""), std::nullopt);
}

TEST_F(CommitterTest, BatchCoversEverythingPendingWithOneSync) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::batch});
  auto outcomes = submit_while_busy(c, log.get(), 50, one_record);
  for (auto& f : outcomes) EXPECT_FALSE(f.get().error);
  const Committer::Counters n = c.counters();
  EXPECT_EQ(n.submissions, 51u);
  EXPECT_EQ(n.records, 51u);
  EXPECT_EQ(n.syncs, 2u);  // one for the first submission, one for the 50 queued behind it
}

TEST_F(CommitterTest, BatchSyncsEachTouchedLogOncePerGroup) {
  auto a = open_log("a"), b = open_log("b");
  Committer c({FsyncPolicy::batch});
  std::vector<std::future<Outcome>> outcomes;
  while_io_thread_busy(c, a.get(), [&] {
    for (int i = 0; i < 10; ++i) outcomes.push_back(submit(c, i % 2 ? a.get() : b.get(), one_record(i)));
  });
  for (auto& f : outcomes) EXPECT_FALSE(f.get().error);
  EXPECT_EQ(c.counters().syncs, 3u);
}

// --fsync always under load: the submissions that queued up while a sync ran share the
// next one, and none is answered before a sync that began after it was written.
TEST_F(CommitterTest, AlwaysSharesTheNextSyncAmongWhatQueuedUp) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::always});
  std::vector<uint64_t> syncs_when_answered(50);
  std::vector<std::future<Outcome>> outcomes;
  while_io_thread_busy(c, log.get(), [&] {
    // the first submission's sync is done (its callback is running): these were written after it
    for (int i = 0; i < 50; ++i) {
      auto promise = std::make_shared<std::promise<Outcome>>();
      outcomes.push_back(promise->get_future());
      c.submit(log.get(), Records{{2, "a" + std::to_string(i)}, {3, "b" + std::to_string(i)}},
               [&c, &syncs_when_answered, i, promise](std::error_code ec, std::vector<Location> locations) {
                 syncs_when_answered[static_cast<size_t>(i)] = c.counters().syncs;
                 promise->set_value({ec, std::move(locations)});
               });
    }
  });
  for (auto& f : outcomes) EXPECT_EQ(f.get().locations.size(), 2u);
  for (uint64_t syncs : syncs_when_answered) EXPECT_EQ(syncs, 2u);  // never the first submission's sync alone
  const Committer::Counters n = c.counters();
  EXPECT_EQ(n.submissions, 51u);
  EXPECT_EQ(n.records, 101u);
  EXPECT_EQ(n.syncs, 2u);
}

TEST_F(CommitterTest, NeverWritesWithoutSyncing) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::never});
  auto outcomes = submit_while_busy(c, log.get(), 20, one_record);
  for (auto& f : outcomes) EXPECT_FALSE(f.get().error);
  EXPECT_EQ(c.counters().syncs, 0u);
  size_t records = 0;
  log->scan([&](Location, uint8_t, std::string_view) { ++records; });
  EXPECT_EQ(records, 21u);
}

TEST_F(CommitterTest, BatchWindowStillCommitsEverything) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::batch, std::chrono::milliseconds(2)});
  std::vector<std::future<Outcome>> outcomes;
  for (int i = 0; i < 20; ++i) outcomes.push_back(submit(c, log.get(), one_record(i)));
  for (auto& f : outcomes) EXPECT_FALSE(f.get().error);
  c.stop();
  EXPECT_GE(c.counters().syncs, 1u);
}

TEST_F(CommitterTest, CallbackRunsWhenTheRecordsAreReadable) {
  for (FsyncPolicy policy : {FsyncPolicy::always, FsyncPolicy::batch, FsyncPolicy::never}) {
    SCOPED_TRACE(to_string(policy));
    auto log = open_log(std::string(to_string(policy)));
    Committer c({policy});
    std::atomic<int> checked{0};
    for (int i = 0; i < 30; ++i) {
      Records records{{5, "payload " + std::to_string(i)}, {6, std::string(i * 100, 'z')}};
      c.submit(log.get(), records, [&, records](std::error_code ec, std::vector<Location> locs) {
        EXPECT_FALSE(ec);
        ASSERT_EQ(locs.size(), records.size());
        for (size_t k = 0; k < locs.size(); ++k) {
          uint8_t type = 0;
          std::string payload;
          EXPECT_TRUE(log->read(locs[k], &type, &payload));
          EXPECT_EQ(type, records[k].first);
          EXPECT_EQ(payload, records[k].second);
        }
        ++checked;
      });
    }
    c.stop();
    EXPECT_EQ(checked.load(), 30);
  }
}

TEST_F(CommitterTest, SubmissionsFromManyThreadsAreAllCommittedInOrderPerThread) {
  auto a = open_log("a"), b = open_log("b");
  Committer c({FsyncPolicy::batch});
  constexpr int kThreads = 4, kPerThread = 250;
  std::mutex mu;
  std::map<std::string, Location> where;  // payload -> location
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Records records;
        for (int k = 0; k <= i % 3; ++k)
          records.push_back({static_cast<uint8_t>(1 + t), std::to_string(t) + "/" + std::to_string(i) + "/" + std::to_string(k)});
        std::vector<std::string> payloads;
        for (const auto& r : records) payloads.push_back(r.second);
        c.submit(t % 2 ? a.get() : b.get(), std::move(records),
                 [&, payloads](std::error_code ec, std::vector<Location> locs) {
                   if (ec || locs.size() != payloads.size()) ++errors;
                   std::lock_guard lock(mu);
                   for (size_t k = 0; k < locs.size(); ++k) where[payloads[k]] = locs[k];
                 });
      }
    });
  }
  for (auto& t : threads) t.join();
  c.stop();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(c.counters().submissions, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(where.size(), c.counters().records);

  // Each thread's records are in the log in the order it submitted them.
  for (int t = 0; t < kThreads; ++t) {
    Location previous{};
    for (int i = 0; i < kPerThread; ++i)
      for (int k = 0; k <= i % 3; ++k) {
        const Location loc = where.at(std::to_string(t) + "/" + std::to_string(i) + "/" + std::to_string(k));
        EXPECT_LT(previous, loc);
        previous = loc;
      }
  }
  std::set<std::string> scanned;
  for (SegmentedLog* log : {a.get(), b.get()})
    log->scan([&](Location, uint8_t, std::string_view p) { scanned.insert(std::string(p)); });
  EXPECT_EQ(scanned.size(), where.size());
}

TEST_F(CommitterTest, StopDrainsEverythingSubmittedBeforeIt) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::batch});
  std::atomic<int> done{0};
  for (int i = 0; i < 300; ++i)
    c.submit(log.get(), one_record(i), [&](std::error_code ec, std::vector<Location>) {
      if (!ec) ++done;
    });
  c.stop();
  EXPECT_EQ(done.load(), 300);
  c.stop();  // idempotent

  std::error_code late;
  c.submit(log.get(), one_record(0), [&](std::error_code ec, std::vector<Location>) { late = ec; });
  EXPECT_EQ(late, std::errc::operation_canceled);
}

TEST_F(CommitterTest, EmptySubmissionRunsInOrderWithoutASync) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::always});
  std::vector<int> order;  // touched only on the I/O thread until stop() returns
  while_io_thread_busy(c, log.get(), [&] {
    for (int i = 0; i < 3; ++i) {
      c.submit(log.get(), one_record(i), [&, i](std::error_code, std::vector<Location>) { order.push_back(i); });
      c.submit(log.get(), {}, [&, i](std::error_code ec, std::vector<Location> locs) {
        EXPECT_FALSE(ec);
        EXPECT_TRUE(locs.empty());
        order.push_back(100 + i);
      });
    }
  });
  EXPECT_EQ(order, (std::vector<int>{0, 100, 1, 101, 2, 102}));
  EXPECT_EQ(c.counters().syncs, 2u);  // the first submission's, then one for the group behind it
  Committer alone({FsyncPolicy::always});
  EXPECT_FALSE(submit(alone, log.get(), {}).get().error);
  EXPECT_EQ(alone.counters().syncs, 0u);  // an empty submission on its own syncs nothing
}

// Wait::written (queue state): answered once written, with no sync of its own; the log
// is synced later, once, within deferred_sync, so these syncs do not hold up the groups
// whose answers wait for one.
TEST_F(CommitterTest, WrittenSubmissionIsAnsweredBeforeItsDeferredSync) {
  for (FsyncPolicy policy : {FsyncPolicy::always, FsyncPolicy::batch}) {
    SCOPED_TRACE(to_string(policy));
    auto log = open_log(std::string(to_string(policy)));
    CommitterOptions options{policy};
    options.deferred_sync = std::chrono::milliseconds(200);
    Committer c(options);
    uint64_t syncs_when_answered = 99;
    std::promise<void> answered;
    c.submit(log.get(), one_record(0), [&](std::error_code ec, std::vector<Location> locs) {
      EXPECT_FALSE(ec);
      uint8_t type = 0;
      std::string payload;
      EXPECT_TRUE(log->read(locs.at(0), &type, &payload));  // written: readable
      EXPECT_EQ(payload, "message 0");
      syncs_when_answered = c.counters().syncs;
      answered.set_value();
    }, Committer::Wait::written);
    answered.get_future().wait();
    EXPECT_EQ(syncs_when_answered, 0u);
    // Synced on its own, with nothing else submitted and before stop().
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (c.counters().deferred_syncs == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(c.counters().deferred_syncs, 1u);
    EXPECT_EQ(c.counters().syncs, 1u);
    c.stop();
    EXPECT_EQ(c.counters().syncs, 1u);  // nothing was left to sync
  }
}

TEST_F(CommitterTest, StopSyncsWhatWaitsForADeferredSync) {
  auto log = open_log("a");
  CommitterOptions options{FsyncPolicy::batch};
  options.deferred_sync = std::chrono::hours(1);
  Committer c(options);
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(submit(c, log.get(), one_record(i), Committer::Wait::written).get().error);
  EXPECT_EQ(c.counters().syncs, 0u);
  c.stop();
  EXPECT_EQ(c.counters().syncs, 1u);  // all five share one
  EXPECT_EQ(c.counters().deferred_syncs, 1u);
}

TEST_F(CommitterTest, ASyncedSubmissionTakesAWrittenOneAlong) {
  auto log = open_log("a");
  auto other = open_log("b");
  CommitterOptions options{FsyncPolicy::always};
  options.deferred_sync = std::chrono::hours(1);
  Committer c(options);
  EXPECT_FALSE(submit(c, log.get(), one_record(0), Committer::Wait::written).get().error);
  EXPECT_FALSE(submit(c, log.get(), one_record(1)).get().error);    // syncs `log`, both records
  EXPECT_FALSE(submit(c, other.get(), one_record(2)).get().error);  // another log: its own sync
  EXPECT_EQ(c.counters().syncs, 2u);
  c.stop();  // nothing left deferred
  EXPECT_EQ(c.counters().syncs, 2u);
  EXPECT_EQ(c.counters().deferred_syncs, 0u);
}

TEST_F(CommitterTest, WrittenUnderNeverIsNeverSynced) {
  auto log = open_log("a");
  CommitterOptions options{FsyncPolicy::never};
  options.deferred_sync = std::chrono::microseconds(1);
  Committer c(options);
  EXPECT_FALSE(submit(c, log.get(), one_record(0), Committer::Wait::written).get().error);
  c.stop();
  EXPECT_EQ(c.counters().syncs, 0u);
}

TEST_F(CommitterTest, InvalidRecordFailsOnlyItsOwnSubmission) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::batch});
  auto outcomes = submit_while_busy(c, log.get(), 3, [](int i) {
    return i == 1 ? Records{{2, "fine"}, {format::kInvalidRecordType, "type 0"}} : one_record(i);
  });
  EXPECT_FALSE(outcomes[0].get().error);
  const Outcome bad = outcomes[1].get();
  EXPECT_EQ(bad.error, std::errc::invalid_argument);
  EXPECT_TRUE(bad.locations.empty());
  EXPECT_FALSE(outcomes[2].get().error);
  size_t records = 0;
  log->scan([&](Location, uint8_t, std::string_view) { ++records; });
  EXPECT_EQ(records, 3u);  // "first" and the two good submissions; nothing of the bad one
}

TEST_F(CommitterTest, WriteFailureReachesTheCallbackAndIsNotStored) {
  auto log = open_log("a");
  Committer c({FsyncPolicy::batch});
  const Outcome ok = submit(c, log.get(), one_record(1)).get();
  ASSERT_FALSE(ok.error);
  Outcome failed;
  {
    testing::FileSizeLimit limit(log->total_bytes() + 100);
    failed = submit(c, log.get(), {{2, std::string(4096, 'x')}}).get();
  }
  EXPECT_EQ(failed.error.value(), EFBIG);
  EXPECT_TRUE(failed.locations.empty());

  const Outcome after = submit(c, log.get(), one_record(2)).get();
  ASSERT_FALSE(after.error);
  ASSERT_EQ(after.locations.size(), 1u);
  c.stop();

  std::vector<std::string> payloads;
  log->scan([&](Location, uint8_t, std::string_view p) { payloads.emplace_back(p); });
  EXPECT_EQ(payloads, (std::vector<std::string>{"message 1", "message 2"}));
  EXPECT_EQ(log->total_bytes(), std::filesystem::file_size(dir_.path() / "a" / format::segment_file_name(1)));
}

}  // namespace
}  // namespace gsmq::store
