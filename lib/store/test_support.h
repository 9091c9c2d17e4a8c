// Helpers shared by the unit tests of the store and of what is built on it (tests/unit/);
// the library itself does not use them: a scratch directory, random payloads, hand-made
// records and version 1 segments, a write-failure switch, a memory bound, a recorder of
// syncs that can also fail them.
#pragma once

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "store/crc32c.h"
#include "store/file_events.h"
#include "store/log_format.h"

namespace gsmq::store::testing {

// A fresh directory under /tmp, removed with everything in it at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "gsmq-store-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// While alive, writing a regular file past `bytes` fails with EFBIG (RLIMIT_FSIZE, with
// SIGXFSZ ignored), which is how tests make the real write path fail part-way.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(uint64_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_limit_);
    saved_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_limit_;
    limit.rlim_cur = static_cast<rlim_t>(bytes);
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) throw std::runtime_error("setrlimit failed");
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_limit_);
    ::signal(SIGXFSZ, saved_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_limit_{};
  void (*saved_handler_)(int) = SIG_DFL;
};

// While alive, the process cannot map more than `headroom` bytes beyond what it maps now
// (RLIMIT_AS), so that an allocation sized from a bad number fails at once with
// std::bad_alloc instead of taking the machine's memory first. Under AddressSanitizer,
// which maps terabytes of shadow memory, it does nothing.
class AddressSpaceLimit {
 public:
  explicit AddressSpaceLimit(uint64_t headroom) {
#if !defined(__SANITIZE_ADDRESS__)
    ::getrlimit(RLIMIT_AS, &saved_);
    std::ifstream statm("/proc/self/statm");
    uint64_t pages = 0;
    statm >> pages;
    rlimit limit = saved_;
    limit.rlim_cur = static_cast<rlim_t>(pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) + headroom);
    if (saved_.rlim_max != RLIM_INFINITY && limit.rlim_cur > saved_.rlim_max) limit.rlim_cur = saved_.rlim_max;
    if (::setrlimit(RLIMIT_AS, &limit) != 0) throw std::runtime_error("setrlimit failed");
    active_ = true;
#else
    (void)headroom;
#endif
  }
  ~AddressSpaceLimit() {
    if (active_) ::setrlimit(RLIMIT_AS, &saved_);
  }
  AddressSpaceLimit(const AddressSpaceLimit&) = delete;
  AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

 private:
  rlimit saved_{};
  bool active_ = false;
};

// A record frame (header and payload) as someone without a segment's salt would make it:
// crc_seed 0 makes a version 1 record.
inline std::string record_frame(uint32_t crc_seed, uint8_t type, std::string_view payload) {
  std::string out(format::kRecordHeaderSize, '\0');
  format::encode_record_header(out.data(), crc_seed, type, payload);
  return out + std::string(payload);
}

// The header of a version 1 segment (unsalted records), as gsmq wrote before version 2.
inline std::string version1_segment_header() {
  std::string out(format::kSegmentMagic);
  out.resize(format::kSegmentHeaderSizeV1);
  format::put_u32(out.data() + 8, 1);
  format::put_u32(out.data() + 12, crc32c_mask(crc32c(out.data(), 12)));
  return out;
}

// While alive, records every fdatasync/fsync the store makes (FileEvents), in order, and
// fails those of `fail_path` with EIO (while fail_path is not empty).
class SyncRecorder : public FileEvents {
 public:
  SyncRecorder() : previous_(set_file_events(this)) {}
  ~SyncRecorder() override { set_file_events(previous_); }
  SyncRecorder(const SyncRecorder&) = delete;
  SyncRecorder& operator=(const SyncRecorder&) = delete;

  void syncing(const std::filesystem::path& path) override {
    std::lock_guard lock(mu_);
    if (!fail_path_.empty() && path == fail_path_)
      throw std::system_error(EIO, std::generic_category(), "injected sync failure " + path.string());
  }
  void synced(const std::filesystem::path& path) override {
    std::lock_guard lock(mu_);
    synced_.push_back(path);
  }

  void fail(const std::filesystem::path& path) {
    std::lock_guard lock(mu_);
    fail_path_ = path;
  }
  std::vector<std::filesystem::path> take() {  // what was synced since the last take()
    std::lock_guard lock(mu_);
    return std::exchange(synced_, {});
  }

 private:
  std::mutex mu_;
  std::filesystem::path fail_path_;
  std::vector<std::filesystem::path> synced_;
  FileEvents* previous_;
};

}  // namespace gsmq::store::testing
