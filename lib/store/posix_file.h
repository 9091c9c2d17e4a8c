// An owned POSIX file descriptor with the few calls the store needs (pread/pwrite,
// ftruncate, fdatasync); every failure is a std::system_error naming the call and path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace gsmq::store {

class PosixFile {
 public:
  // flags as for open(2); O_CLOEXEC is always added.
  static PosixFile open(const std::filesystem::path& path, int flags, unsigned mode = 0644);

  PosixFile(PosixFile&& other) noexcept;
  PosixFile& operator=(PosixFile&& other) noexcept;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile();

  const std::filesystem::path& path() const { return path_; }

  // Writes all of data at offset (retrying short writes); throws on the first error.
  void pwrite_all(std::string_view data, uint64_t offset);
  // Reads up to n bytes at offset; returns fewer only at end of file.
  size_t pread_up_to(char* out, size_t n, uint64_t offset) const;
  void truncate(uint64_t size);
  void datasync();  // fdatasync(2)
  void fsync();     // fsync(2); what a directory needs
  // flock(2) LOCK_EX without waiting; throws (EWOULDBLOCK) if someone else holds it.
  void lock_exclusive();
  uint64_t size() const;

 private:
  PosixFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// fsync(2) on a directory, so that files created or removed in it survive a crash.
void sync_directory(const std::filesystem::path& dir);

// Creates the directory `path` and any missing parents (as mkdir -p), and fsyncs the parent
// of each directory it creates: a new directory's entry is durable only once its parent is
// synced, and everything stored below it is lost with it. Directories that exist already
// are left alone. Every failure, the fsyncs' included, is thrown as std::system_error, after
// removing the directories made (so that a retry syncs them again).
void create_durable_directories(const std::filesystem::path& path);

}  // namespace gsmq::store
