// A power cut for tests (the library does not use it). Through the FileEvents seam it
// follows what the store makes durable below one directory, by POSIX rules and no more:
// - a file's bytes up to its size at its last successful fdatasync/fsync;
// - a directory entry (file or directory) once its directory was fsynced after it appeared.
// reboot() then puts the tree back to exactly that: every entry that was never made durable
// is removed with everything below it, and every file is cut back to its durable size. What
// kill -9 keeps (the page cache) is gone.
//
// Shape of a test: construct it on a quiescent tree (what is there counts as durable), run
// the code under test, lose_power() (from then on nothing becomes durable), close or destroy
// everything (their writes and syncs no longer count), reboot(), reopen and check.
//
// Not modelled, as the store does not depend on them: an unlink or a truncation that was
// not synced (both count as durable at once), renames, and unsynced writes that partly
// survive (all of them are dropped; torn tails are tested elsewhere).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/file_events.h"

namespace gsmq::store::testing {

class SimulatedPowerCut : public FileEvents {
 public:
  explicit SimulatedPowerCut(const std::filesystem::path& root) : root_(normal(root)) {
    snapshot();
    previous_ = set_file_events(this);
  }
  ~SimulatedPowerCut() override { set_file_events(previous_); }
  SimulatedPowerCut(const SimulatedPowerCut&) = delete;
  SimulatedPowerCut& operator=(const SimulatedPowerCut&) = delete;

  // From now on no sync makes anything durable.
  void lose_power() {
    std::lock_guard lock(mu_);
    powered_ = false;
  }

  // What reboot() threw away.
  struct Losses {
    std::vector<std::filesystem::path> entries;  // removed, with everything below them
    uint64_t bytes = 0;                          // cut off files whose entries were kept
  };

  // Puts the tree back to what was durable when the power went (or now, if it never went),
  // then follows it again from there, powered.
  Losses reboot() {
    std::lock_guard lock(mu_);
    Losses losses;
    namespace fs = std::filesystem;
    for (auto it = fs::recursive_directory_iterator(root_); it != fs::recursive_directory_iterator(); ++it) {
      const fs::path path = it->path();
      if (!durable_entries_.contains(path)) {
        losses.entries.push_back(path);
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      const auto durable = durable_sizes_.find(path);
      const uint64_t keep = durable == durable_sizes_.end() ? 0 : durable->second;
      const uint64_t size = fs::file_size(path);
      if (size > keep) {
        fs::resize_file(path, keep);
        losses.bytes += size - keep;
      }
    }
    for (const fs::path& path : losses.entries) fs::remove_all(path);
    snapshot();
    powered_ = true;
    return losses;
  }

  void syncing(const std::filesystem::path&) override {}

  void synced(const std::filesystem::path& synced_path) override {
    namespace fs = std::filesystem;
    const fs::path path = normal(synced_path);
    std::lock_guard lock(mu_);
    if (!powered_ || !below_root(path)) return;
    std::error_code gone;  // removed meanwhile by another thread: nothing to remember
    if (fs::is_directory(path, gone)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(path, gone)) durable_entries_.insert(entry.path());
    } else if (const uint64_t size = fs::file_size(path, gone); !gone) {
      durable_sizes_[path] = size;
    }
  }

 private:
  static std::filesystem::path normal(const std::filesystem::path& p) {
    std::filesystem::path n = p.lexically_normal();
    return n.has_filename() || !n.has_relative_path() ? n : n.parent_path();
  }

  bool below_root(const std::filesystem::path& path) const {
    return std::mismatch(root_.begin(), root_.end(), path.begin(), path.end()).first == root_.end();
  }

  // Everything there now is durable.
  void snapshot() {
    namespace fs = std::filesystem;
    durable_entries_.clear();
    durable_sizes_.clear();
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root_)) {
      durable_entries_.insert(entry.path());
      if (entry.is_regular_file()) durable_sizes_[entry.path()] = entry.file_size();
    }
  }

  const std::filesystem::path root_;
  FileEvents* previous_ = nullptr;
  std::mutex mu_;
  bool powered_ = true;
  std::set<std::filesystem::path> durable_entries_;          // below root_
  std::map<std::filesystem::path, uint64_t> durable_sizes_;  // regular files below root_
};

}  // namespace gsmq::store::testing
