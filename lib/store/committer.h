// Group commit for SegmentedLogs: callers on any thread submit records, one I/O thread
// appends them, makes them durable as the fsync policy says, then calls back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "store/segmented_log.h"

namespace gsmq::store {

// always: everything pending is written, then one sync per log touched, then the
//         callbacks: no submission's callback runs before a sync that began after it was
//         written, and submissions pending together share that sync. Never waits for more.
//         (A log touched only by Wait::written submissions is synced later; see submit.)
// batch:  the same, and may wait CommitterOptions::window for more before the sync.
// never:  written to the OS (a process crash loses nothing, a power loss may), no sync.
enum class FsyncPolicy { always, batch, never };
std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text);  // "always", "batch", "never"
std::string_view to_string(FsyncPolicy policy);

struct CommitterOptions {
  FsyncPolicy policy = FsyncPolicy::batch;
  // batch only: how long to wait for more submissions after the first of a group.
  std::chrono::microseconds window{0};
  // always and batch: how long after its write a log holding only Wait::written
  // submissions is fdatasync'ed (all such logs due together, in one round).
  std::chrono::microseconds deferred_sync{std::chrono::milliseconds(100)};
  // Called on the I/O thread when a deferred sync fails (nobody waits for one).
  std::function<void(const SegmentedLog&, const std::system_error&)> deferred_sync_failed{};
};

class Committer {
 public:
  using Records = std::vector<std::pair<uint8_t, std::string>>;
  // error == {}: every record is in the log, durable as the policy says, and readable;
  // locations are in the order of the records. Otherwise locations is empty and the
  // records must be treated as not stored (some may still appear in the log: a retry can
  // duplicate, never lose). Runs on the I/O thread; must not throw or call stop().
  using Done = std::function<void(std::error_code error, std::vector<Location> locations)>;

  explicit Committer(CommitterOptions options = {});
  ~Committer();  // stop()

  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues records for `log`, which must outlive the commit (stop() before closing logs)
  // and must not be written to by anyone else meanwhile. Never does I/O. A record with
  // type 0 or too large a payload fails its submission with errc::invalid_argument.
  // An empty `records` writes and syncs nothing: `done` runs on the I/O thread once all
  // that was submitted before is committed (with the log's error if that failed in the
  // same group), which orders maintenance such as drop_segments_before with the writes.
  // After stop(), `done` is called at once, on this thread, with errc::operation_canceled.
  //
  // Wait::written: `done` runs once the records are written to the OS, without waiting
  // for a sync, as under FsyncPolicy::never; the log is fdatasync'ed within
  // CommitterOptions::deferred_sync of that write, or at stop(). For records whose
  // callers are answered before they are written anyway (queue state), so their syncs do
  // not hold up the groups whose answers wait for one. `log` must outlive stop().
  enum class Wait { synced, written };
  void submit(SegmentedLog* log, Records records, Done done, Wait wait = Wait::synced);

  // Commits everything submitted so far, then ends the I/O thread. Idempotent.
  void stop();

  struct Counters {
    uint64_t submissions = 0;  // committed or failed by the I/O thread
    uint64_t records = 0;
    uint64_t syncs = 0;           // SegmentedLog::sync calls, deferred ones included
    uint64_t deferred_syncs = 0;  // of those, syncs of logs holding only Wait::written records
  };
  Counters counters() const;

  FsyncPolicy policy() const { return options_.policy; }

 private:
  struct Submission {
    SegmentedLog* log;
    Records records;
    Done done;
    Wait wait;
  };

  void run();
  void commit(std::span<Submission> group);
  void sync_deferred();  // every log written with Wait::written since its last sync

  // I/O thread only: logs written but not synced, and when the first of them must be.
  std::vector<SegmentedLog*> deferred_;
  std::chrono::steady_clock::time_point deferred_due_{};

  const CommitterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Submission> pending_;  // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  Counters counters_;                // guarded by mu_

  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace gsmq::store
