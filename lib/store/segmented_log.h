// An append-only log stored as numbered segment files in one directory: append records,
// read them back by location, recover from crashes on open, and drop old segments.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/log_format.h"
#include "store/posix_file.h"
#include "store/segment_reader.h"
#include "store/segment_writer.h"

namespace gsmq::store {

struct LogOptions {
  std::filesystem::path dir;
  // A new segment is started before a record would take the active one past this size
  // (a single larger record gets a segment of its own). At most kMaxSegmentBytes.
  uint64_t segment_bytes = 64ull << 20;
};

// Where a record is: segment id and byte offset in that segment's file.
struct Location {
  uint32_t segment = 0;
  uint32_t offset = 0;

  constexpr uint64_t to_u64() const { return uint64_t{segment} << 32 | offset; }
  static constexpr Location from_u64(uint64_t v) {
    return {static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)};
  }
  friend constexpr auto operator<=>(const Location&, const Location&) = default;
};

struct RecoveryReport {
  uint64_t records = 0;          // intact records found
  uint64_t truncated_bytes = 0;  // torn tail cut off the last segment
  std::vector<std::string> corruptions;  // "<segment file>: offset N: what", damage kept on disk
};

class SegmentedLog {
 public:
  static constexpr uint64_t kMaxSegmentBytes = 1ull << 31;

  using RecordFn = std::function<void(Location, uint8_t type, std::string_view payload)>;

  // Opens the log in options.dir, creating the directory (durably) if needed, and recovers it: the
  // torn tail of the last segment is cut off, damage elsewhere is reported and skipped.
  // `on_record`, when given, sees every intact record found, so a caller that builds an
  // index at startup needs no second scan. Holds dir/LOCK while open, so one log directory
  // has one user. Throws std::system_error on I/O errors (including the lock being held)
  // and std::invalid_argument for bad options; never for damaged data.
  static std::unique_ptr<SegmentedLog> open(const LogOptions& options,
                                            RecoveryReport* report = nullptr,
                                            const RecordFn& on_record = {});
  ~SegmentedLog();  // flushes, ignoring errors; call sync() first for durability

  SegmentedLog(const SegmentedLog&) = delete;
  SegmentedLog& operator=(const SegmentedLog&) = delete;

  // The writing side: append, flush, sync and drop_segments_before must not run
  // concurrently with each other (the caller serialises them, e.g. through Committer).
  // On an I/O error they throw std::system_error and the records not yet written are
  // lost: their locations will be reused, and their bytes are cut off the file by the
  // next successful flush or on reopen.

  // Buffers one record; not yet visible to read/scan and not durable. Throws
  // std::invalid_argument for type 0 or a payload over format::kMaxRecordPayload.
  Location append(uint8_t type, std::string_view payload);
  void flush();  // buffered records to the OS; visible to read/scan from then on
  void sync();   // flush, then fdatasync every segment written since the last sync
  // Deletes whole segments with an id below `segment`, never the active one.
  void drop_segments_before(uint32_t segment);

  // The reading side: safe to call from any thread, also while appends go on. Sees the
  // records flushed so far. Damaged or missing data gives false / is skipped, never an
  // exception; real I/O errors throw std::system_error.
  bool read(Location location, uint8_t* type, std::string* payload) const;
  // Many records at once (see SegmentReader::read_many): fn(i, ok, type, payload) for
  // locations[i], in order; ok is false where read() would return false.
  void read_many(const std::vector<Location>& locations, const SegmentReader::ReadFn& fn) const;
  void scan(const RecordFn& fn) const;  // every intact record, in order

  struct SegmentInfo {
    uint32_t id;
    uint64_t bytes;  // bytes flushed to the file
    std::filesystem::file_time_type mtime;
  };
  std::vector<SegmentInfo> segments() const;  // by id; the last one is the active segment
  uint64_t total_bytes() const;
  const std::filesystem::path& dir() const { return options_.dir; }

 private:
  struct Segment {
    std::filesystem::path path;
    std::shared_ptr<const PosixFile> file;  // null when the segment header is damaged
    uint64_t bytes = 0;                     // what readers may look at
    format::SegmentHeader header;           // valid when file is not null
  };

  SegmentedLog(LogOptions options, PosixFile lock);
  void recover(RecoveryReport& report, const RecordFn& on_record);
  Segment load_segment(uint32_t id, bool last, RecoveryReport& report, const RecordFn& on_record);
  void start_segment(uint32_t id);
  void roll();
  void publish(uint32_t id, const SegmentWriter& writer);
  std::filesystem::path segment_path(uint32_t id) const;

  const LogOptions options_;
  const PosixFile lock_;

  mutable std::mutex mu_;
  std::map<uint32_t, Segment> segments_;  // guarded by mu_

  // Writing side, owned by whoever serialises the writes.
  uint32_t active_id_ = 0;
  std::unique_ptr<SegmentWriter> active_;
  std::vector<std::pair<uint32_t, std::unique_ptr<SegmentWriter>>> unsynced_;  // rolled away from
  bool dir_unsynced_ = false;  // a segment file was created since the directory was synced
};

}  // namespace gsmq::store
