// A test seam in the store's file layer: every fdatasync/fsync reports to one process-wide
// observer, so that a test can see which files and directories were made durable, fail a
// sync on purpose, or model a power cut (store/simulated_power_cut.h). Production sets no
// observer; the cost is one atomic load per sync.
#pragma once

#include <filesystem>

namespace gsmq::store {

class FileEvents {
 public:
  virtual ~FileEvents() = default;
  // About to fdatasync/fsync `path` (a file, or a directory for its entries). Throwing a
  // std::system_error here makes the call fail as a failing system call would.
  virtual void syncing(const std::filesystem::path& path) = 0;
  // The fdatasync/fsync of `path` succeeded.
  virtual void synced(const std::filesystem::path& path) = 0;
};

// Installs `events` (nullptr: none) and returns the observer it replaces. Called from any
// thread; the observer must be thread-safe and outlive its use.
FileEvents* set_file_events(FileEvents* events);
FileEvents* file_events();

}  // namespace gsmq::store
