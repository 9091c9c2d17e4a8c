// One events-store channel of gsmqd: a durable, replayable log. Subscribers read it with
// their own cursor (from first, last, a seq, a time or a time delta) and then follow it;
// the members of a group share one cursor, so each message goes to one of them.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gsmq/v1/broker.pb.h"
#include "store/committer.h"
#include "store/segmented_log.h"
#include "util/duration.h"

namespace gsmq::server {

struct StoreOptions {
  uint64_t segment_bytes = 64ull << 20;
  uint64_t retention_bytes = 0;     // 0 = unlimited; whole old segments are dropped past it
  Duration retention_age{0};        // 0 = forever
};

// A reading position shared by the members of one subscriber group (or owned by one).
struct StoreCursor {
  std::mutex mutex;
  uint64_t next = 0;
};

class EventStore {
 public:
  EventStore(std::string name, std::filesystem::path dir, store::Committer& committer, StoreOptions options);

  using SendDone = std::function<void(const std::string& error, const std::vector<uint64_t>& seqs)>;
  void publish(std::vector<v1::Message> messages, SendDone done);

  // Where a new subscription starts reading.
  uint64_t start_seq(const v1::SubscribeRequest& request);
  // The cursor for `group` (shared, created at `start` by its first member), or a new own one.
  std::shared_ptr<StoreCursor> cursor(const std::string& group, uint64_t start);

  // Up to `max` messages from the cursor on, waiting until `deadline` for the first.
  std::vector<v1::Message> read(StoreCursor& cursor, size_t max, Clock::time_point deadline);

  void tick();  // retention
  struct Figures {
    uint64_t first_seq = 0, last_seq = 0, bytes = 0, published = 0;
  };
  Figures figures();
  uint32_t subscribers() const { return subscribers_.load(); }
  std::atomic<uint32_t>& subscriber_count() { return subscribers_; }

 private:
  void recover();
  // Puts `location` in the index as the one of `seq`, the seqs between the last one indexed
  // and it becoming gaps (kNoRecord). mutex_ held, or single-threaded in recover().
  void index_record(uint64_t seq, uint64_t location);
  bool read_at(uint64_t seq, v1::Message& out, int64_t* arrival_us);
  uint64_t first_seq_at_or_after_time(int64_t arrival_us);

  const std::string name_;
  store::Committer& committer_;
  const StoreOptions options_;
  std::unique_ptr<store::SegmentedLog> log_;

  std::mutex mutex_;
  std::condition_variable appended_;
  // A seq with no record: skipped as corrupt by recovery, or taken by a failed publish.
  static constexpr uint64_t kNoRecord = UINT64_MAX;
  std::deque<uint64_t> locations_;   // locations_[i] holds seq first_seq_ + i, or kNoRecord
  uint64_t first_seq_ = 1;
  uint64_t next_seq_ = 1;            // next to assign
  uint64_t published_ = 0;
  std::map<std::string, std::weak_ptr<StoreCursor>> group_cursors_;
  std::atomic<uint32_t> subscribers_{0};
};

}  // namespace gsmq::server
