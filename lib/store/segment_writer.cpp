// SegmentWriter: buffered appends, write/fdatasync, and rollback of failed writes.
#include "store/segment_writer.h"

#include <fcntl.h>

#include <stdexcept>

#include "store/log_format.h"

namespace gsmq::store {

std::unique_ptr<SegmentWriter> SegmentWriter::create(const std::filesystem::path& path) {
  auto file = std::make_shared<PosixFile>(PosixFile::open(path, O_RDWR | O_CREAT | O_EXCL));
  char bytes[format::kSegmentHeaderSize];
  const format::SegmentHeader header = format::encode_segment_header(bytes);
  try {
    file->pwrite_all(std::string_view(bytes, sizeof bytes), 0);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
  // The header is the floor a failed sync reverts to; a crash before it is durable
  // leaves a short last segment, which recovery replaces.
  return std::unique_ptr<SegmentWriter>(new SegmentWriter(std::move(file), header, header.size));
}

std::unique_ptr<SegmentWriter> SegmentWriter::resume(const std::filesystem::path& path,
                                                     const format::SegmentHeader& header,
                                                     uint64_t valid_size) {
  auto file = std::make_shared<PosixFile>(PosixFile::open(path, O_RDWR));
  if (file->size() != valid_size) {
    file->truncate(valid_size);
    file->datasync();
  }
  return std::unique_ptr<SegmentWriter>(new SegmentWriter(std::move(file), header, valid_size));
}

uint64_t SegmentWriter::append(uint8_t type, std::string_view payload) {
  if (const char* why = format::check_record_fields(type, payload.size()))
    throw std::invalid_argument(std::string("gsmq store: ") + why);
  const uint64_t offset = size();
  char header[format::kRecordHeaderSize];
  format::encode_record_header(header, header_.record_crc_seed, type, payload);
  buffer_.append(header, sizeof header);
  buffer_.append(payload);
  if (buffer_.size() >= kFlushThreshold) flush();
  return offset;
}

void SegmentWriter::flush() {
  if (buffer_.empty() && !stale_tail_) return;
  try {
    if (stale_tail_) {
      file_->truncate(written_);
      stale_tail_ = false;
    }
    file_->pwrite_all(buffer_, written_);
  } catch (...) {
    buffer_.clear();
    stale_tail_ = true;
    throw;
  }
  written_ += buffer_.size();
  buffer_.clear();
}

void SegmentWriter::sync() {
  flush();
  try {
    file_->datasync();
  } catch (...) {
    written_ = synced_;
    stale_tail_ = true;
    throw;
  }
  synced_ = written_;
}

}  // namespace gsmq::store
