// SegmentReader: record parsing over a read-ahead window, verification and resync.
#include "store/segment_reader.h"

#include <algorithm>

#include "store/log_format.h"

namespace gsmq::store {
namespace {

constexpr size_t kScanChunk = 1 << 20;   // read-ahead while scanning
constexpr size_t kReadChunk = 4 << 10;   // one pread covers header and a small payload
constexpr size_t kBatchReadChunk = 64 << 10;  // read_many: covers a few hundred small records

// A window of file bytes [0, limit) filled with pread, so that a sequential scan does not
// make a system call per record.
class Window {
 public:
  Window(const PosixFile& file, uint64_t limit, size_t chunk)
      : file_(file), limit_(limit), chunk_(chunk) {}

  // Up to n bytes at offset, fewer only at the limit or the end of the file.
  // The view is valid until the next call.
  std::string_view get(uint64_t offset, size_t n) {
    if (offset >= limit_) return {};
    n = static_cast<size_t>(std::min<uint64_t>(n, limit_ - offset));
    if (offset < start_ || offset + n > start_ + buf_.size()) {
      const auto want = static_cast<size_t>(std::min<uint64_t>(std::max(n, chunk_), limit_ - offset));
      buf_.resize(want);
      buf_.resize(file_.pread_up_to(buf_.data(), want, offset));
      start_ = offset;
    }
    const auto at = static_cast<size_t>(offset - start_);
    return std::string_view(buf_).substr(at, n);
  }

 private:
  const PosixFile& file_;
  uint64_t limit_;
  size_t chunk_;
  std::string buf_;
  uint64_t start_ = 0;
};

enum class Outcome { ok, incomplete, corrupt };

struct Parsed {
  Outcome outcome = Outcome::ok;
  const char* why = nullptr;
  uint8_t type = 0;
  std::string_view payload;  // valid until the window is used again
  uint64_t next = 0;         // where the next record starts; 0 if the length is implausible
};

// A record that cannot be used; `next` is nonzero when its length is plausible.
Parsed failure(Outcome outcome, const char* why, uint64_t next = 0) {
  Parsed p;
  p.outcome = outcome;
  p.why = why;
  p.next = next;
  return p;
}

Parsed parse_at(Window& window, const format::SegmentHeader& segment, uint64_t offset, uint64_t limit) {
  const std::string_view head = window.get(offset, format::kRecordHeaderSize);
  if (head.size() < format::kRecordHeaderSize)
    return failure(Outcome::incomplete, "incomplete record header");
  const format::RecordHeader h = format::decode_record_header(head.data());
  if (h.length > format::kMaxRecordPayload)
    return failure(Outcome::corrupt, "record length larger than 64 MiB");
  const uint64_t next = offset + format::kRecordHeaderSize + h.length;
  if (next > limit) return failure(Outcome::incomplete, "record extends past the end of the segment");
  if (h.type == format::kInvalidRecordType)
    return failure(Outcome::corrupt, "record type 0", next);
  const std::string_view payload = window.get(offset + format::kRecordHeaderSize, h.length);
  if (payload.size() < h.length) return failure(Outcome::incomplete, "record payload incomplete");
  if (!format::record_checksum_matches(segment.record_crc_seed, h, payload))
    return failure(Outcome::corrupt, "record checksum mismatch", next);
  Parsed ok;
  ok.type = h.type;
  ok.payload = payload;
  ok.next = next;
  return ok;
}

// The record a reader asked for at `offset`: as parse_at, but the segment header is no record.
Parsed record_at(Window& window, const format::SegmentHeader& segment, uint64_t offset, uint64_t limit) {
  if (offset < segment.size) return failure(Outcome::corrupt, "offset inside the segment header");
  return parse_at(window, segment, offset, limit);
}

// Damage that a record's own length cannot step over (a flipped length, say) is not a
// torn tail when an intact record follows it, and a damaged length may also step over
// intact records: so the next intact record is searched for byte by byte. Checksumming
// candidates costs at most this many bytes per damaged record, so that a long stretch of
// garbage stays cheap.
constexpr uint64_t kResyncBudget = 256u << 20;

// The first intact record starting in [from, to). A record inside another record's payload
// (a message that holds a segment, or a crafted frame) does not verify in a version 2
// segment: its CRC was not computed with this segment's salt.
std::optional<uint64_t> find_intact_record(Window& window, const format::SegmentHeader& segment, uint64_t from,
                                           uint64_t to, uint64_t limit, uint64_t& budget) {
  for (uint64_t offset = from; offset < to && offset + format::kRecordHeaderSize <= limit; ++offset) {
    const std::string_view head = window.get(offset, format::kRecordHeaderSize);
    if (head.size() < format::kRecordHeaderSize) break;
    const format::RecordHeader h = format::decode_record_header(head.data());
    if (h.type == format::kInvalidRecordType || h.length > format::kMaxRecordPayload ||
        offset + format::kRecordHeaderSize + h.length > limit)
      continue;
    if (h.length > budget) break;
    budget -= h.length;
    if (parse_at(window, segment, offset, limit).outcome == Outcome::ok) return offset;
  }
  return std::nullopt;
}

}  // namespace

const char* SegmentReader::read_header(const PosixFile& file, uint64_t size, format::SegmentHeader* header) {
  char bytes[format::kSegmentHeaderSize];
  const size_t got = file.pread_up_to(bytes, std::min<uint64_t>(sizeof bytes, size), 0);
  return format::decode_segment_header(std::string_view(bytes, got), header);
}

bool SegmentReader::read(uint64_t offset, uint8_t* type, std::string* payload,
                         std::string* why) const {
  Window window(*file_, size_, kReadChunk);
  const Parsed p = record_at(window, header_, offset, size_);
  if (p.outcome != Outcome::ok) {
    if (why) *why = p.why;
    return false;
  }
  *type = p.type;
  payload->assign(p.payload);
  return true;
}

void SegmentReader::read_many(const std::vector<uint64_t>& offsets, const ReadFn& fn) const {
  Window window(*file_, size_, offsets.size() > 1 ? kBatchReadChunk : kReadChunk);
  for (size_t i = 0; i < offsets.size(); ++i) {
    const Parsed p = record_at(window, header_, offsets[i], size_);
    if (p.outcome == Outcome::ok) fn(i, true, p.type, p.payload);
    else fn(i, false, 0, {});
  }
}

SegmentScan SegmentReader::scan(const RecordFn& fn) const {
  SegmentScan result;
  Window window(*file_, size_, kScanChunk);
  uint64_t offset = header_.size;
  while (offset < size_) {
    const Parsed p = parse_at(window, header_, offset, size_);
    if (p.outcome == Outcome::ok) {
      fn(offset, p.type, p.payload);
      ++result.records;
      offset = p.next;
      continue;
    }
    // Its length leads to an intact record: most likely only the payload is damaged (but
    // look for an intact record in between, in case the length is what was damaged).
    const bool length_leads_on = p.outcome == Outcome::corrupt && p.next != 0 &&
                                 parse_at(window, header_, p.next, size_).outcome == Outcome::ok;
    uint64_t budget = kResyncBudget;
    std::optional<uint64_t> next =
        find_intact_record(window, header_, offset + 1, length_leads_on ? p.next : size_, size_, budget);
    if (!next && length_leads_on) next = p.next;
    if (!next) {
      result.tail = Corruption{offset, p.why};
      break;
    }
    std::string why = p.why;
    if (*next != p.next) why += ", " + std::to_string(*next - offset) + " bytes up to the next intact record";
    result.skipped.push_back({offset, std::move(why)});
    offset = *next;
  }
  result.valid_end = std::min(offset, size_);
  return result;
}

}  // namespace gsmq::store
