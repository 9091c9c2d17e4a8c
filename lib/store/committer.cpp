// Committer: the I/O thread's loop and one group commit.
#include "store/committer.h"

#include <algorithm>
#include <new>
#include <unordered_map>

#include "store/log_format.h"

namespace gsmq::store {
namespace {

bool records_valid(const Committer::Records& records) {
  for (const auto& [type, payload] : records)
    if (format::check_record_fields(type, payload.size())) return false;
  return true;
}

// Runs fn; returns the error it failed with, if any.
template <typename Fn>
std::error_code capture_error(Fn&& fn) {
  try {
    fn();
  } catch (const std::system_error& e) {
    return e.code();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
  return {};
}

}  // namespace

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view text) {
  for (FsyncPolicy p : {FsyncPolicy::always, FsyncPolicy::batch, FsyncPolicy::never})
    if (text == to_string(p)) return p;
  return std::nullopt;
}

std::string_view to_string(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::always: return "always";
    case FsyncPolicy::batch: return "batch";
    case FsyncPolicy::never: return "never";
  }
  return "?";
}

Committer::Committer(CommitterOptions options)
    : options_(options), thread_([this] { run(); }) {}

Committer::~Committer() { stop(); }

void Committer::submit(SegmentedLog* log, Records records, Done done, Wait wait) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      pending_.push_back({log, std::move(records), std::move(done), wait});
      wake_.notify_one();
      return;
    }
  }
  done(std::make_error_code(std::errc::operation_canceled), {});
}

void Committer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Committer::Counters Committer::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void Committer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    auto work = [this] { return !pending_.empty() || stopping_; };
    if (deferred_.empty()) wake_.wait(lock, work);
    else wake_.wait_until(lock, deferred_due_, work);
    if (!deferred_.empty() && (std::chrono::steady_clock::now() >= deferred_due_ || pending_.empty())) {
      // Due, or stopping with nothing left to write: between groups, never inside one.
      lock.unlock();
      sync_deferred();
      lock.lock();
      continue;
    }
    if (pending_.empty()) return;  // stopping, and everything is committed
    if (options_.policy == FsyncPolicy::batch && options_.window.count() > 0)
      wake_.wait_for(lock, options_.window, [this] { return stopping_; });
    // Under every policy, what is pending is one group: written in order, then one sync
    // per log it touched, then answered. A submission is never answered before a sync
    // that began after it was written; those that arrived while the last sync ran share
    // the next one (so --fsync always does not fall to one sync per submission when
    // many clients send at once).
    std::vector<Submission> group;
    group.swap(pending_);
    lock.unlock();
    commit(group);
    lock.lock();
  }
}

void Committer::sync_deferred() {
  std::vector<SegmentedLog*> logs;
  logs.swap(deferred_);
  for (SegmentedLog* log : logs) {
    try {
      log->sync();
    } catch (const std::system_error& e) {
      if (options_.deferred_sync_failed) options_.deferred_sync_failed(*log, e);
    }
  }
  std::lock_guard lock(mu_);
  counters_.syncs += logs.size();
  counters_.deferred_syncs += logs.size();
}

void Committer::commit(std::span<Submission> group) {
  std::vector<std::error_code> errors(group.size());
  std::vector<std::vector<Location>> locations(group.size());
  struct Touched {
    std::error_code error;
    bool wait_for_sync = false;  // some submission to it waits for a sync
  };
  std::unordered_map<SegmentedLog*, Touched> logs;
  uint64_t records = 0;

  for (size_t i = 0; i < group.size(); ++i) {
    Submission& s = group[i];
    records += s.records.size();
    if (!records_valid(s.records)) {
      errors[i] = std::make_error_code(std::errc::invalid_argument);
      continue;
    }
    if (s.records.empty()) continue;  // nothing to write or sync; just ordered after the rest
    Touched& touched = logs[s.log];
    touched.wait_for_sync |= s.wait == Wait::synced;
    if (touched.error) continue;  // the log already failed in this group
    touched.error = capture_error([&] {
      for (const auto& [type, payload] : s.records)
        locations[i].push_back(s.log->append(type, payload));
    });
  }

  uint64_t syncs = 0;
  for (auto& [log, touched] : logs) {
    if (touched.error) continue;
    if (options_.policy == FsyncPolicy::never) {
      touched.error = capture_error([log = log] { log->flush(); });
    } else if (touched.wait_for_sync) {
      ++syncs;
      touched.error = capture_error([log = log] { log->sync(); });
      std::erase(deferred_, log);  // synced now, with the rest of the group
    } else {
      touched.error = capture_error([log = log] { log->flush(); });
      if (!touched.error && std::find(deferred_.begin(), deferred_.end(), log) == deferred_.end()) {
        if (deferred_.empty()) deferred_due_ = std::chrono::steady_clock::now() + options_.deferred_sync;
        deferred_.push_back(log);
      }
    }
  }

  {
    std::lock_guard lock(mu_);
    counters_.submissions += group.size();
    counters_.records += records;
    counters_.syncs += syncs;
  }

  // An append error drops what the log buffered, so it fails every submission for that
  // log in the group, including those appended before it.
  for (size_t i = 0; i < group.size(); ++i) {
    const std::error_code error = errors[i] ? errors[i] : logs[group[i].log].error;
    if (error) locations[i].clear();
    group[i].done(error, std::move(locations[i]));
  }
}

}  // namespace gsmq::store
