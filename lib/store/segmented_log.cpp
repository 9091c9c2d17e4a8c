// SegmentedLog: segment table, rolling, recovery on open, and publication of flushed
// sizes to concurrent readers.
#include "store/segmented_log.h"

#include <fcntl.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "store/log_format.h"
#include "store/segment_reader.h"

namespace gsmq::store {
namespace {

namespace fs = std::filesystem;

std::vector<uint32_t> list_segment_ids(const fs::path& dir) {
  std::vector<uint32_t> ids;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (auto id = format::parse_segment_file_name(entry.path().filename().string()))
      ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string describe(uint32_t id, uint64_t offset, std::string_view what) {
  return format::segment_file_name(id) + ": offset " + std::to_string(offset) + ": " +
         std::string(what);
}

}  // namespace

std::unique_ptr<SegmentedLog> SegmentedLog::open(const LogOptions& options, RecoveryReport* report,
                                                 const RecordFn& on_record) {
  if (options.dir.empty()) throw std::invalid_argument("gsmq store: no log directory given");
  if (options.segment_bytes == 0 || options.segment_bytes > kMaxSegmentBytes)
    throw std::invalid_argument("gsmq store: segment_bytes must be between 1 and 2 GiB");
  create_durable_directories(options.dir);
  PosixFile lock = PosixFile::open(options.dir / "LOCK", O_RDWR | O_CREAT);
  lock.lock_exclusive();

  std::unique_ptr<SegmentedLog> log(new SegmentedLog(options, std::move(lock)));
  RecoveryReport local;
  RecoveryReport& r = report ? *report : local;
  r = RecoveryReport{};
  log->recover(r, on_record);
  return log;
}

SegmentedLog::SegmentedLog(LogOptions options, PosixFile lock)
    : options_(std::move(options)), lock_(std::move(lock)) {}

SegmentedLog::~SegmentedLog() {
  if (!active_) return;  // open() failed part-way
  try {
    flush();
  } catch (...) {  // nowhere to report it; the records were never acknowledged as durable
  }
}

fs::path SegmentedLog::segment_path(uint32_t id) const {
  return options_.dir / format::segment_file_name(id);
}

void SegmentedLog::recover(RecoveryReport& report, const RecordFn& on_record) {
  const std::vector<uint32_t> ids = list_segment_ids(options_.dir);
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool last = i + 1 == ids.size();
    Segment segment = load_segment(ids[i], last, report, on_record);
    if (last && segment.file) {
      active_ = SegmentWriter::resume(segment.path, segment.header, segment.bytes);
      active_id_ = ids[i];
      segment.file = active_->file();
    }
    if (segment.file || fs::exists(segment.path)) segments_[ids[i]] = std::move(segment);
  }
  if (!active_) {
    const uint32_t next = ids.empty() ? 1 : ids.back() + (segments_.contains(ids.back()) ? 1 : 0);
    if (next == 0) throw std::system_error(std::make_error_code(std::errc::value_too_large),
                                           "gsmq store: segment ids exhausted");
    start_segment(next);
  } else if (active_->header().version != format::kFormatVersion) {
    roll();  // an older format is read, never appended to: new records get a salted segment
  }
  sync();
}

SegmentedLog::Segment SegmentedLog::load_segment(uint32_t id, bool last, RecoveryReport& report,
                                                 const RecordFn& on_record) {
  Segment segment{segment_path(id), nullptr, 0, {}};
  auto file = std::make_shared<PosixFile>(PosixFile::open(segment.path, O_RDONLY));
  segment.bytes = file->size();
  if (last && segment.bytes < format::kSegmentHeaderSize) {
    char start[format::kSegmentHeaderSize];
    const size_t got = file->pread_up_to(start, segment.bytes, 0);
    if (format::segment_header_incomplete(std::string_view(start, got))) {
      // Crashed while the segment was being created: it never held a record.
      report.truncated_bytes += segment.bytes;
      fs::remove(segment.path);
      return segment;
    }
  }
  if (const char* why = SegmentReader::read_header(*file, segment.bytes, &segment.header)) {
    report.corruptions.push_back(format::segment_file_name(id) + ": bad segment header: " + why);
    return segment;
  }
  const SegmentReader reader(file, segment.bytes, segment.header);
  const SegmentScan scan = reader.scan([&](uint64_t offset, uint8_t type, std::string_view payload) {
    if (on_record) on_record(Location{id, static_cast<uint32_t>(offset)}, type, payload);
  });
  report.records += scan.records;
  for (const Corruption& c : scan.skipped)
    report.corruptions.push_back(describe(id, c.offset, c.reason + ", record skipped"));
  if (scan.tail && last) {
    report.truncated_bytes += segment.bytes - scan.valid_end;
    segment.bytes = scan.valid_end;
  } else if (scan.tail) {
    report.corruptions.push_back(describe(
        id, scan.tail->offset,
        scan.tail->reason + ", the remaining " + std::to_string(segment.bytes - scan.valid_end) +
            " bytes of the segment are unreadable"));
  }
  segment.file = std::move(file);
  return segment;
}

void SegmentedLog::start_segment(uint32_t id) {
  auto writer = SegmentWriter::create(segment_path(id));
  {
    std::lock_guard lock(mu_);
    segments_[id] = Segment{segment_path(id), writer->file(), writer->written_size(), writer->header()};
  }
  if (active_) unsynced_.emplace_back(active_id_, std::move(active_));
  active_ = std::move(writer);
  active_id_ = id;
  dir_unsynced_ = true;
}

void SegmentedLog::roll() {
  if (active_id_ == std::numeric_limits<uint32_t>::max())
    throw std::system_error(std::make_error_code(std::errc::value_too_large),
                            "gsmq store: segment ids exhausted");
  flush();
  start_segment(active_id_ + 1);
}

void SegmentedLog::publish(uint32_t id, const SegmentWriter& writer) {
  std::lock_guard lock(mu_);
  if (auto it = segments_.find(id); it != segments_.end()) it->second.bytes = writer.written_size();
}

Location SegmentedLog::append(uint8_t type, std::string_view payload) {
  if (const char* why = format::check_record_fields(type, payload.size()))
    throw std::invalid_argument(std::string("gsmq store: ") + why);
  const uint64_t record_bytes = format::kRecordHeaderSize + payload.size();
  if (active_->size() > active_->header().size &&
      active_->size() + record_bytes > options_.segment_bytes)
    roll();
  const uint64_t written = active_->written_size();
  const uint64_t offset = active_->append(type, payload);
  if (active_->written_size() != written) publish(active_id_, *active_);  // it flushed
  return Location{active_id_, static_cast<uint32_t>(offset)};
}

void SegmentedLog::flush() {
  active_->flush();
  publish(active_id_, *active_);
}

void SegmentedLog::sync() {
  flush();
  if (dir_unsynced_) {
    sync_directory(options_.dir);
    dir_unsynced_ = false;
  }
  // fdatasync runs without mu_, so readers are not held up by the disk.
  auto sync_one = [this](uint32_t id, SegmentWriter& writer) {
    try {
      writer.sync();
    } catch (...) {
      publish(id, writer);  // the writer no longer counts the unsynced bytes
      throw;
    }
  };
  while (!unsynced_.empty()) {
    sync_one(unsynced_.front().first, *unsynced_.front().second);
    unsynced_.erase(unsynced_.begin());
  }
  sync_one(active_id_, *active_);
}

void SegmentedLog::drop_segments_before(uint32_t segment) {
  const uint32_t limit = std::min(segment, active_id_);
  std::erase_if(unsynced_, [&](const auto& entry) { return entry.first < limit; });
  for (;;) {
    fs::path path;
    {
      std::lock_guard lock(mu_);
      if (segments_.empty() || segments_.begin()->first >= limit) return;
      path = segments_.begin()->second.path;
    }
    fs::remove(path);  // open readers keep their descriptor and finish normally
    std::lock_guard lock(mu_);
    segments_.erase(segments_.begin());
  }
}

bool SegmentedLog::read(Location location, uint8_t* type, std::string* payload) const {
  bool found = false;
  read_many({location}, [&](size_t, bool ok, uint8_t t, std::string_view p) {
    if (!ok) return;
    *type = t;
    payload->assign(p);
    found = true;
  });
  return found;
}

void SegmentedLog::read_many(const std::vector<Location>& locations, const SegmentReader::ReadFn& fn) const {
  size_t i = 0;
  while (i < locations.size()) {
    // A run of locations in one segment goes through one reader.
    size_t end = i + 1;
    while (end < locations.size() && locations[end].segment == locations[i].segment) ++end;
    std::shared_ptr<const PosixFile> file;
    uint64_t bytes = 0;
    format::SegmentHeader header;
    {
      std::lock_guard lock(mu_);
      auto it = segments_.find(locations[i].segment);
      if (it != segments_.end() && it->second.file) {
        file = it->second.file;
        bytes = it->second.bytes;
        header = it->second.header;
      }
    }
    if (!file) {
      for (size_t k = i; k < end; ++k) fn(k, false, 0, {});
    } else {
      std::vector<uint64_t> offsets;
      offsets.reserve(end - i);
      for (size_t k = i; k < end; ++k) offsets.push_back(locations[k].offset);
      SegmentReader(std::move(file), bytes, header).read_many(offsets, [&, first = i](size_t k, bool ok, uint8_t type, std::string_view payload) {
        fn(first + k, ok, type, payload);
      });
    }
    i = end;
  }
}

void SegmentedLog::scan(const RecordFn& fn) const {
  std::vector<std::pair<uint32_t, Segment>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.assign(segments_.begin(), segments_.end());
  }
  for (const auto& [id, segment] : snapshot) {
    if (!segment.file) continue;
    SegmentReader(segment.file, segment.bytes, segment.header)
        .scan([&, id = id](uint64_t offset, uint8_t type, std::string_view payload) {
          fn(Location{id, static_cast<uint32_t>(offset)}, type, payload);
        });
  }
}

std::vector<SegmentedLog::SegmentInfo> SegmentedLog::segments() const {
  std::vector<std::pair<uint32_t, Segment>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.assign(segments_.begin(), segments_.end());
  }
  std::vector<SegmentInfo> out;
  for (const auto& [id, segment] : snapshot) {
    std::error_code ec;  // a segment dropped meanwhile just has no time
    const fs::file_time_type mtime = fs::last_write_time(segment.path, ec);
    out.push_back({id, segment.bytes, ec ? fs::file_time_type::min() : mtime});
  }
  return out;
}

uint64_t SegmentedLog::total_bytes() const {
  std::lock_guard lock(mu_);
  uint64_t total = 0;
  for (const auto& [id, segment] : segments_) total += segment.bytes;
  return total;
}

}  // namespace gsmq::store
