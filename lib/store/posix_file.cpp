// PosixFile: thin RAII wrapper over open/pread/pwrite/ftruncate/fdatasync; directory
// creation and sync; the FileEvents seam.
#include "store/posix_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "store/file_events.h"
#include "store/sync_latency.h"

namespace gsmq::store {
namespace {

std::atomic<FileEvents*> g_file_events{nullptr};

[[noreturn]] void throw_errno(std::string_view call, const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(),
                          "gsmq store: " + std::string(call) + " " + path.string());
}

}  // namespace

PosixFile PosixFile::open(const std::filesystem::path& path, int flags, unsigned mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw_errno("open", path);
  return PosixFile(fd, path);
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

PosixFile::~PosixFile() {
  if (fd_ >= 0) ::close(fd_);
}

void PosixFile::pwrite_all(std::string_view data, uint64_t offset) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("pwrite", path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
}

size_t PosixFile::pread_up_to(char* out, size_t n, uint64_t offset) const {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_errno("pread", path_);
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

void PosixFile::truncate(uint64_t size) {
  int rc;
  do {
    rc = ::ftruncate(fd_, static_cast<off_t>(size));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) throw_errno("ftruncate", path_);
}

void PosixFile::datasync() {
  FileEvents* events = file_events();
  if (events) events->syncing(path_);
  const auto started = std::chrono::steady_clock::now();
  const int rc = ::fdatasync(fd_);
  record_sync(std::chrono::steady_clock::now() - started);
  if (rc < 0) throw_errno("fdatasync", path_);
  if (events) events->synced(path_);
}

void PosixFile::fsync() {
  FileEvents* events = file_events();
  if (events) events->syncing(path_);
  const auto started = std::chrono::steady_clock::now();
  const int rc = ::fsync(fd_);
  record_sync(std::chrono::steady_clock::now() - started);
  if (rc < 0) throw_errno("fsync", path_);
  if (events) events->synced(path_);
}

void PosixFile::lock_exclusive() {
  int rc;
  do {
    rc = ::flock(fd_, LOCK_EX | LOCK_NB);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) throw_errno("flock (in use by another process or handle?)", path_);
}

uint64_t PosixFile::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) < 0) throw_errno("fstat", path_);
  return static_cast<uint64_t>(st.st_size);
}

void sync_directory(const std::filesystem::path& dir) {
  PosixFile::open(dir, O_RDONLY | O_DIRECTORY).fsync();
}

void create_durable_directories(const std::filesystem::path& path) {
  std::filesystem::path dir = path.lexically_normal();
  if (!dir.has_filename() && dir.has_relative_path()) dir = dir.parent_path();  // "a/b/"
  std::vector<std::filesystem::path> missing;  // innermost first
  for (std::filesystem::path p = dir; !p.empty() && !std::filesystem::exists(p); p = p.parent_path())
    missing.push_back(p);
  if (missing.empty() && !std::filesystem::is_directory(dir))
    throw std::system_error(ENOTDIR, std::generic_category(), "gsmq store: mkdir " + dir.string());
  size_t made = 0;  // missing[size - made, size) exist now
  try {
    for (auto it = missing.rbegin(); it != missing.rend(); ++it, ++made)
      if (::mkdir(it->c_str(), 0777) < 0 && errno != EEXIST) throw_errno("mkdir", *it);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it)
      sync_directory(it->has_parent_path() ? it->parent_path() : ".");
  } catch (...) {
    // Gone again, so that a retry makes them anew and syncs them, instead of trusting
    // entries that may not be durable.
    for (size_t i = missing.size() - made; i < missing.size(); ++i) ::rmdir(missing[i].c_str());
    throw;
  }
}

FileEvents* set_file_events(FileEvents* events) { return g_file_events.exchange(events); }

FileEvents* file_events() { return g_file_events.load(std::memory_order_acquire); }

}  // namespace gsmq::store
