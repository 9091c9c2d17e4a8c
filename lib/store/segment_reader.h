// Reads and verifies the records of one segment file: one record at an offset, or all of
// them in order, skipping a corrupt record when the one after it is intact.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/log_format.h"
#include "store/posix_file.h"

namespace gsmq::store {

struct Corruption {
  uint64_t offset = 0;
  std::string reason;
};

struct SegmentScan {
  uint64_t records = 0;               // intact records passed to the callback
  uint64_t valid_end = 0;             // end of the intact data; the segment size if all is well
  std::vector<Corruption> skipped;    // corrupt records in the middle that were stepped over
  std::optional<Corruption> tail;     // why reading stopped before the end: torn or unrecoverable
};

class SegmentReader {
 public:
  using RecordFn = std::function<void(uint64_t offset, uint8_t type, std::string_view payload)>;

  // The header of the segment in the first `size` bytes of `file`: nullptr when it is valid
  // (then in *header), otherwise what is wrong with it. I/O errors throw.
  static const char* read_header(const PosixFile& file, uint64_t size, format::SegmentHeader* header);

  // Reads the records of the first `size` bytes of `file`, a segment with this (valid)
  // header; anything after them is ignored.
  SegmentReader(std::shared_ptr<const PosixFile> file, uint64_t size, const format::SegmentHeader& header)
      : file_(std::move(file)), size_(size), header_(header) {}

  // The record at `offset`, or false (with the reason in *why) when there is no intact
  // record there. Bad data never throws; I/O errors throw std::system_error.
  bool read(uint64_t offset, uint8_t* type, std::string* payload, std::string* why = nullptr) const;

  // The records at many offsets, through one read-ahead window: records near each other
  // (a batch of a queue, read in order) cost one pread together instead of one each.
  // fn(i, ok, type, payload) for offsets[i], in order; payload is valid during the call.
  using ReadFn = std::function<void(size_t i, bool ok, uint8_t type, std::string_view payload)>;
  void read_many(const std::vector<uint64_t>& offsets, const ReadFn& fn) const;

  // Calls fn for every intact record after the header, in order. A corrupt record is
  // skipped when its length is plausible and the record after it is intact; otherwise
  // (a damaged length) the next intact record is searched for byte by byte and the scan
  // goes on from there. Only when no intact record follows does the scan stop and report
  // the rest as the tail (a torn tail has nothing intact after it). I/O errors throw.
  SegmentScan scan(const RecordFn& fn) const;

 private:
  std::shared_ptr<const PosixFile> file_;
  uint64_t size_;
  format::SegmentHeader header_;
};

}  // namespace gsmq::store
