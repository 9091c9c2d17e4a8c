#include "server/event_store.h"

#include <algorithm>
#include <optional>

#include "envelope/message.h"
#include "server/disk_space.h"
#include "server/record_codec.h"
#include "server/seq_continuity.h"
#include "store/log_format.h"
#include "util/log.h"

namespace gsmq::server {
namespace {

// The largest gap between the seqs of two consecutive message records that recovery
// believes: the index holds a slot (8 bytes) for every seq of a gap, so this bounds what
// one number read from disk can make it allocate (8 MiB). Gaps are seqs of publishes that
// failed (a full disk); a million in a row is not expected.
constexpr uint64_t kMaxStoreSeqStep = uint64_t{1} << 20;

}  // namespace

EventStore::EventStore(std::string name, std::filesystem::path dir, store::Committer& committer,
                       StoreOptions options)
    : name_(std::move(name)), committer_(committer), options_(options) {
  store::RecoveryReport report;
  log_ = store::SegmentedLog::open({dir / "data", options_.segment_bytes}, &report);
  if (report.truncated_bytes > 0)
    log::warn("truncated torn tail", {{"channel", name_}, {"bytes", std::to_string(report.truncated_bytes)}});
  for (const auto& c : report.corruptions) log::warn("skipped corrupt record", {{"channel", name_}, {"detail", c}});
  recover();
}

void EventStore::recover() {
  // A record whose seq does not continue the others is not believed (SeqContinuity), so
  // that the holes below cannot be sized by a damaged number; verdicts come one record late.
  SeqContinuity continuity(kMaxStoreSeqStep);
  uint64_t pending_seq = 0;
  store::Location pending_loc;
  bool first = true;
  auto judged = [&](std::optional<bool> keep) {
    if (!keep) return;
    if (!*keep) {
      log::warn("skipped message record whose seq does not continue the channel's",
                {{"channel", name_}, {"seq", std::to_string(pending_seq)},
                 {"at", store::format::segment_file_name(pending_loc.segment) + ":" +
                            std::to_string(pending_loc.offset)}});
      return;
    }
    if (first) {
      first_seq_ = pending_seq;
      first = false;
    }
    index_record(pending_seq, pending_loc.to_u64());
  };
  log_->scan([&](store::Location loc, uint8_t type, std::string_view payload) {
    uint64_t seq;
    int64_t arrival;
    if (type != kMessageRecord || !decode_message_header(payload, seq, arrival)) return;
    judged(continuity.offer(seq));
    pending_seq = seq;
    pending_loc = loc;
  });
  judged(continuity.finish());
  next_seq_ = first_seq_ + locations_.size();
}

void EventStore::index_record(uint64_t seq, uint64_t location) {
  // A hole (a skipped corrupt record, or seqs of a failed publish) keeps a marker, so that
  // seq == first_seq_ + index holds for everything after it.
  while (first_seq_ + locations_.size() < seq) locations_.push_back(kNoRecord);
  locations_.push_back(location);
}

void EventStore::publish(std::vector<v1::Message> messages, SendDone done) {
  const size_t n = messages.size();
  if (n == 0) return done("", {});
  const int64_t arrival = now_micros();
  std::vector<std::pair<uint8_t, std::string>> records(n);
  for (size_t i = 0; i < n; ++i) records[i] = {kMessageRecord, encode_message_record(0, arrival, messages[i])};
  std::lock_guard lock(mutex_);
  const uint64_t first = next_seq_;
  next_seq_ += n;
  for (size_t i = 0; i < n; ++i) set_record_seq(records[i].second, first + i);
  committer_.submit(log_.get(), std::move(records),
                    [this, first, n, done = std::move(done)](std::error_code ec, std::vector<store::Location> locs) {
                      // A failed commit's seqs stay used (its records can still turn up
                      // after a crash, and a seq must never name two messages): the next
                      // commit marks them as a gap. Not marked here: after Committer::stop
                      // this runs inside submit, under mutex_.
                      if (ec) return done(store_error_text(ec), {});
                      std::vector<uint64_t> seqs;
                      {
                        std::lock_guard guard(mutex_);
                        // Submissions commit in order, so these extend the index at its end.
                        for (size_t i = 0; i < n; ++i) {
                          index_record(first + i, locs[i].to_u64());
                          seqs.push_back(first + i);
                        }
                        published_ += n;
                      }
                      appended_.notify_all();
                      done("", seqs);
                    });
}

bool EventStore::read_at(uint64_t seq, v1::Message& out, int64_t* arrival_us) {
  uint64_t loc;
  {
    std::lock_guard lock(mutex_);
    if (seq < first_seq_ || seq >= first_seq_ + locations_.size()) return false;
    loc = locations_[seq - first_seq_];
  }
  if (loc == kNoRecord) return false;
  uint8_t type = 0;
  std::string payload;
  MessageRecord record;
  if (!log_->read(store::Location::from_u64(loc), &type, &payload) || !decode_message_record(payload, record))
    return false;
  out = std::move(record.message);
  if (arrival_us) *arrival_us = record.arrival_us;
  return true;
}

uint64_t EventStore::first_seq_at_or_after_time(int64_t t) {
  uint64_t lo, hi;
  {
    std::lock_guard lock(mutex_);
    lo = first_seq_;
    hi = first_seq_ + locations_.size();
  }
  // Arrival times grow with seq: binary search, reading headers from disk.
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    v1::Message m;
    int64_t arrival = 0;
    if (!read_at(mid, m, &arrival) || arrival < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

uint64_t EventStore::start_seq(const v1::SubscribeRequest& request) {
  uint64_t first, end;
  {
    std::lock_guard lock(mutex_);
    first = first_seq_;
    end = first_seq_ + locations_.size();
  }
  switch (request.start()) {
    case v1::START_FIRST: return first;
    case v1::START_LAST: return end > first ? end - 1 : end;
    case v1::START_SEQUENCE: return std::max(first, request.start_seq());
    case v1::START_TIME: return first_seq_at_or_after_time(request.start_time_us());
    case v1::START_TIME_DELTA: return first_seq_at_or_after_time(now_micros() - request.delta_ms() * 1000);
    default: return end;  // new only
  }
}

std::shared_ptr<StoreCursor> EventStore::cursor(const std::string& group, uint64_t start) {
  std::lock_guard lock(mutex_);
  if (!group.empty()) {
    if (auto existing = group_cursors_[group].lock()) return existing;
  }
  auto c = std::make_shared<StoreCursor>();
  c->next = start;
  if (!group.empty()) group_cursors_[group] = c;
  return c;
}

std::vector<v1::Message> EventStore::read(StoreCursor& cursor, size_t max, Clock::time_point deadline) {
  std::vector<v1::Message> out;
  std::lock_guard cursor_lock(cursor.mutex);
  {
    std::unique_lock lock(mutex_);
    appended_.wait_until(lock, deadline, [&] { return cursor.next < first_seq_ + locations_.size(); });
    if (cursor.next < first_seq_) cursor.next = first_seq_;  // retention passed us by
  }
  while (out.size() < max) {
    v1::Message m;
    uint64_t end;
    {
      std::lock_guard lock(mutex_);
      end = first_seq_ + locations_.size();
    }
    if (cursor.next >= end) break;
    if (read_at(cursor.next, m, nullptr)) out.push_back(std::move(m));
    ++cursor.next;
  }
  return out;
}

void EventStore::tick() {
  if (options_.retention_bytes == 0 && options_.retention_age.count() == 0) return;
  const auto segments = log_->segments();
  if (segments.size() < 2) return;
  uint64_t total = 0;
  for (const auto& s : segments) total += s.bytes;
  const auto now = std::filesystem::file_time_type::clock::now();
  uint32_t drop_before = 0;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {  // never the active segment
    const bool too_big = options_.retention_bytes > 0 && total > options_.retention_bytes;
    const bool too_old = options_.retention_age.count() > 0 && now - segments[i].mtime > options_.retention_age;
    if (!too_big && !too_old) break;
    total -= segments[i].bytes;
    drop_before = segments[i + 1].id;
  }
  if (drop_before == 0) return;
  std::lock_guard lock(mutex_);
  while (!locations_.empty() && (locations_.front() == kNoRecord ||
                                 store::Location::from_u64(locations_.front()).segment < drop_before)) {
    locations_.pop_front();
    ++first_seq_;
  }
  committer_.submit(log_.get(), {}, [log = log_.get(), drop_before](std::error_code, std::vector<store::Location>) {
    log->drop_segments_before(drop_before);
  });
}

EventStore::Figures EventStore::figures() {
  std::lock_guard lock(mutex_);
  return {first_seq_, first_seq_ + locations_.size() - 1, log_->total_bytes(), published_};
}

}  // namespace gsmq::server
