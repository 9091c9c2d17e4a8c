// Exactly once per hop for what a daemon keeps (docs/federation.md, "Duplicates"): the
// ids of the last N messages that arrived over links, kept durably so that a sender that
// retries after losing an acknowledgement - also across a restart of this daemon - does
// not store a message twice.
//
// Ids are kept as 64-bit hashes keyed with a random salt of this data directory (a sender
// cannot make two ids collide on purpose; by chance, with a million ids in the window,
// about 1 in 3*10^7). They are written to their own log (records of packed hashes)
// through the daemon's group committer, before the messages they stand for are
// acknowledged.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/committer.h"
#include "store/segmented_log.h"

namespace gsmq::federation {

class DedupWindow {
 public:
  // Opens (or creates) the window in `dir`, reloading the last `capacity` ids.
  DedupWindow(std::filesystem::path dir, store::Committer& committer, size_t capacity);
  ~DedupWindow();

  enum class Verdict {
    fresh,      // not seen: take it (then call committed() with the outcome)
    duplicate,  // seen and durably recorded: already kept, acknowledge without storing
    in_flight,  // seen, but its first arrival is not yet durable: the sender should retry
  };
  // Looks the id up; a fresh one is held as in flight until committed().
  Verdict check(std::string_view id);
  // The fresh ids' messages were stored (ok) or not: record them durably, then call `done`
  // (ok and the record written), or forget them so that a retry is taken again.
  void committed(const std::vector<std::string_view>& ids, bool ok, std::function<void(bool)> done);

  size_t size() const;
  uint64_t duplicates() const;  // arrivals refused as duplicates so far

 private:
  uint64_t hash(std::string_view id) const;
  void remember(uint64_t h);  // caller holds mutex_

  store::Committer& committer_;
  const size_t capacity_;
  uint64_t salt_ = 0;
  std::unique_ptr<store::SegmentedLog> log_;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, bool> ids_;  // hash -> durable
  std::deque<uint64_t> order_;              // oldest first, for eviction
  std::map<uint32_t, uint64_t> segment_ids_;  // ids written per log segment, for dropping old ones
  uint64_t duplicates_ = 0;
};

}  // namespace gsmq::federation
