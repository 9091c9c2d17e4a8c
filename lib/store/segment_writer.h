// Appends framed records to one segment file through a user-space buffer: flush() hands
// them to the OS, sync() makes them durable. Bytes of a failed write are never counted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "store/log_format.h"
#include "store/posix_file.h"

namespace gsmq::store {

class SegmentWriter {
 public:
  // The buffer is flushed by append() once it holds this many bytes.
  static constexpr size_t kFlushThreshold = 1 << 20;

  // Creates a new segment file (it must not exist yet) and writes its header, with a new salt.
  static std::unique_ptr<SegmentWriter> create(const std::filesystem::path& path);
  // Continues an existing segment with this header whose first valid_size bytes are good
  // records; anything after them (a torn tail) is cut off and the result synced.
  static std::unique_ptr<SegmentWriter> resume(const std::filesystem::path& path,
                                               const format::SegmentHeader& header,
                                               uint64_t valid_size);

  // Buffers one record and returns its offset in the file. Throws std::invalid_argument
  // for a record the format cannot hold, std::system_error if the automatic flush fails.
  uint64_t append(uint8_t type, std::string_view payload);

  // Writes the buffer to the OS. On failure the buffered records are dropped, the error is
  // thrown, and whatever part of them reached the file is cut off by the next flush.
  void flush();
  // flush() + fdatasync. On failure everything written since the last good sync is
  // treated as lost (cut off by the next flush) and the error is thrown.
  void sync();

  uint64_t size() const { return written_ + buffer_.size(); }  // including the buffer
  uint64_t written_size() const { return written_; }           // handed to the OS
  const format::SegmentHeader& header() const { return header_; }
  std::shared_ptr<const PosixFile> file() const { return file_; }

 private:
  SegmentWriter(std::shared_ptr<PosixFile> file, const format::SegmentHeader& header, uint64_t size)
      : file_(std::move(file)), header_(header), written_(size), synced_(size) {}

  std::shared_ptr<PosixFile> file_;
  const format::SegmentHeader header_;
  std::string buffer_;
  uint64_t written_;  // bytes known to be in the file
  uint64_t synced_;   // bytes known durable; where a failed sync reverts to
  bool stale_tail_ = false;  // the file may hold bytes past written_ from a failed write
};

}  // namespace gsmq::store
