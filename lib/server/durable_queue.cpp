#include "server/durable_queue.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "envelope/message.h"
#include "server/disk_space.h"
#include "server/hand_out_wire.h"
#include "server/index_fields.h"
#include "server/record_codec.h"
#include "server/seq_continuity.h"
#include "store/log_format.h"
#include "util/log.h"

namespace gsmq::server {
namespace {

// The largest gap between the seqs of two consecutive message records that recovery
// believes. Gaps are seqs of sends that failed (a full disk): 2^32 is an hour and a half of
// nothing but failures at 800k messages a second. Memory does not depend on it (LiveSeqs).
constexpr uint64_t kMaxQueueSeqStep = uint64_t{1} << 32;

queue::QueuedMessage index_entry(const IndexFields& m, uint64_t seq, int64_t arrival_us, bool outbox) {
  queue::QueuedMessage e{};
  e.seq = seq;
  e.size = static_cast<uint32_t>(std::min<uint64_t>(m.body_size, UINT32_MAX));
  e.priority = static_cast<uint8_t>(std::min<uint32_t>(m.priority, 9));
  // Critical time counts from the message's creation (ts), which accept() has stamped.
  if (m.deadline_ms > 0) {
    const int64_t from = m.ts > 0 ? m.ts : arrival_us;
    e.deadline = m.deadline_ms > (INT64_MAX - from) / 1000 ? INT64_MAX : from + m.deadline_ms * 1000;
    e.deliver_late = m.deliver_late;
  }
  // An outbox forwards the earliest deadline first too, late or not: the message's
  // policies (delay, TTL, what becomes of it late) apply where it is going.
  if (outbox) {
    e.deliver_late = true;
    return e;
  }
  e.deliver_at = m.delay_ms > 0 ? arrival_us + m.delay_ms * 1000 : 0;
  e.expire_at = m.ttl_ms > 0 ? arrival_us + m.ttl_ms * 1000 : 0;
  e.receive_count = 0;
  e.max_receives = static_cast<uint16_t>(std::min<uint32_t>(m.max_receives, UINT16_MAX));
  e.has_dead_letter = m.has_dead_letter;  // worth reading to move
  return e;
}

std::string receipt_for(const std::string& channel, uint64_t seq, uint32_t receive_count) {
  return std::to_string(seq) + ":" + std::to_string(receive_count) + "@" + channel;
}

}  // namespace

DurableQueue::DurableQueue(std::string name, std::filesystem::path dir, store::Committer& committer,
                           QueueOptions options, ForwardFn forward)
    : name_(std::move(name)), dir_(std::move(dir)), committer_(committer), options_(options),
      forward_(std::move(forward)) {
  recover();
}

DurableQueue::~DurableQueue() = default;

void DurableQueue::recover() {
  store::RecoveryReport data_report, state_report;
  data_ = store::SegmentedLog::open({dir_ / "data", options_.segment_bytes}, &data_report);
  state_ = store::SegmentedLog::open({dir_ / "state", 4ull << 20}, &state_report);
  for (const auto* report : {&data_report, &state_report}) {
    if (report->truncated_bytes > 0)
      log::warn("truncated torn tail", {{"channel", name_}, {"bytes", std::to_string(report->truncated_bytes)}});
    for (const auto& c : report->corruptions) log::warn("skipped corrupt record", {{"channel", name_}, {"detail", c}});
  }

  // Messages in seq order, then what the state log says happened to them. A record whose
  // seq does not continue the others is not believed (SeqContinuity); verdicts come one
  // record late.
  std::vector<queue::QueuedMessage> entries;
  uint64_t max_seq = 0;
  SeqContinuity continuity(kMaxQueueSeqStep);
  std::optional<queue::QueuedMessage> pending;
  auto judged = [&](std::optional<bool> keep) {
    if (!keep) return;
    const auto loc = store::Location::from_u64(pending->location);
    if (!*keep) {
      log::warn("skipped message record whose seq does not continue the channel's",
                {{"channel", name_}, {"seq", std::to_string(pending->seq)},
                 {"at", store::format::segment_file_name(loc.segment) + ":" + std::to_string(loc.offset)}});
      return;
    }
    if (data_segment_first_seq_.empty() || data_segment_first_seq_.back().first != loc.segment)
      data_segment_first_seq_.emplace_back(loc.segment, pending->seq);
    max_seq = std::max(max_seq, pending->seq);
    entries.push_back(*pending);
  };
  // Only the index's fields are read from each record, not a whole Message parsed.
  data_->scan([&](store::Location loc, uint8_t type, std::string_view payload) {
    uint64_t seq = 0;
    int64_t arrival_us = 0;
    std::optional<IndexFields> fields;
    if (type != kMessageRecord || !decode_message_header(payload, seq, arrival_us) ||
        !(fields = scan_index_fields(payload.substr(kMessageRecordHeaderSize)))) {
      log::warn("skipped unreadable message record", {{"channel", name_}});
      return;
    }
    judged(continuity.offer(seq));
    pending = index_entry(*fields, seq, arrival_us, options_.outbox);
    pending->location = loc.to_u64();
  });
  judged(continuity.finish());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  auto find = [&](uint64_t seq) -> queue::QueuedMessage* {
    auto it = std::lower_bound(entries.begin(), entries.end(), seq, [](const auto& e, uint64_t s) { return e.seq < s; });
    return it != entries.end() && it->seq == seq ? &*it : nullptr;
  };
  std::vector<bool> removed(entries.size(), false);
  std::unordered_map<uint64_t, int64_t> visible_until;
  state_->scan([&](store::Location loc, uint8_t type, std::string_view payload) {
    uint64_t record_max = 0;
    if (type == kRemovedRecord) {
      std::vector<uint64_t> seqs;
      if (!decode_removed(payload, seqs)) return;
      for (auto s : seqs) {
        if (SeqContinuity::plausible(s)) record_max = std::max(record_max, s);
        if (auto* e = find(s)) removed[static_cast<size_t>(e - entries.data())] = true;
      }
    } else if (type == kUnreceivedRecord) {
      // Given back uncounted: ready again, with exactly this receive count.
      int64_t unused = 0;
      std::vector<Delivered> items;
      if (!decode_delivered(payload, unused, items)) return;
      for (const auto& d : items) {
        if (SeqContinuity::plausible(d.seq)) record_max = std::max(record_max, d.seq);
        if (auto* e = find(d.seq)) {
          e->receive_count = static_cast<uint16_t>(std::min<uint32_t>(d.receive_count, UINT16_MAX));
          visible_until.erase(d.seq);
        }
      }
    } else if (type == kDeliveredRecord) {
      int64_t until = 0;
      std::vector<Delivered> items;
      if (!decode_delivered(payload, until, items)) return;
      for (const auto& d : items) {
        if (SeqContinuity::plausible(d.seq)) record_max = std::max(record_max, d.seq);
        if (auto* e = find(d.seq)) {
          e->receive_count = static_cast<uint16_t>(std::max<uint32_t>(e->receive_count, std::min<uint32_t>(d.receive_count, UINT16_MAX)));
          visible_until[d.seq] = until;
        }
      }
    }
    auto& m = state_segment_max_seq_[loc.segment];
    m = std::max(m, record_max);
    max_seq = std::max(max_seq, record_max);
  });
  uint64_t restored = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (removed[i]) continue;
    ++restored;
    const auto v = visible_until.find(entries[i].seq);
    // Handed out before: back in flight until its lease ends, so due-work redelivers or
    // dead-letters it (max receives) exactly as if the daemon had not stopped.
    if (v != visible_until.end()) index_.restore(entries[i], v->second);
    else index_.enqueue(entries[i]);
  }
  next_seq_ = max_seq + 1;
  if (!entries.empty())
    log::info("recovered queue", {{"channel", name_}, {"messages", std::to_string(restored)},
                                  {"next_seq", std::to_string(next_seq_)}});
}

bool DurableQueue::has_room(size_t n) {
  if (options_.max_depth == 0 || options_.drop_oldest) return true;  // dropping makes room, if need be of n itself
  std::lock_guard lock(mutex_);
  return index_.depth() + pending_ + n <= options_.max_depth;
}

void DurableQueue::send(std::vector<v1::Message> messages, SendDone done) {
  const size_t n = messages.size();
  if (n == 0) return done("", {});
  const int64_t arrival = now_micros();
  // Serialise outside the lock; the seq (first 8 bytes) is filled in under it.
  std::vector<std::pair<uint8_t, std::string>> records(n);
  auto entries = std::make_shared<std::vector<queue::QueuedMessage>>(n);
  for (size_t i = 0; i < n; ++i) {
    records[i] = {kMessageRecord, encode_message_record(0, arrival, messages[i])};
    (*entries)[i] = index_entry(index_fields(messages[i]), 0, arrival, options_.outbox);
  }
  std::unique_lock lock(mutex_);
  size_t skipped = 0;  // with drop_oldest: the oldest of this batch itself, never written
  if (options_.max_depth > 0 && index_.depth() + pending_ + n > options_.max_depth) {
    const size_t over = index_.depth() + pending_ + n - options_.max_depth;
    // Waiting messages go first, then (when they are not enough) the batch's own oldest.
    const size_t droppable = options_.drop_oldest ? index_.ready() + n : 0;
    if (droppable < over) {
      lock.unlock();
      return done("channel " + name_ + " is full (" + std::to_string(options_.max_depth) + " messages)", {});
    }
    std::vector<queue::QueuedMessage> dropped;
    index_.drop_oldest(over, dropped);
    skipped = over - dropped.size();
    dropped_unwritten_ += skipped;
    log::warn("dropped the oldest messages to make room",
              {{"channel", name_}, {"messages", std::to_string(over)}});
    if (!dropped.empty()) {
      std::vector<uint64_t> seqs;
      for (const auto& e : dropped) seqs.push_back(e.seq);
      lock.unlock();
      record_removed(seqs);
      lock.lock();
    }
    if (skipped > 0) {
      records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(skipped));
      entries->erase(entries->begin(), entries->begin() + static_cast<std::ptrdiff_t>(skipped));
      if (records.empty()) {
        lock.unlock();
        return done("", std::vector<uint64_t>(n, 0));
      }
    }
  }
  const size_t kept = n - skipped;
  const uint64_t first = next_seq_;
  next_seq_ += kept;
  pending_ += kept;
  for (size_t i = 0; i < kept; ++i) {
    const uint64_t seq = first + i;
    set_record_seq(records[i].second, seq);
    (*entries)[i].seq = seq;
  }
  if (skipped > 0)  // the dropped ones answer with seq 0
    done = [skipped, done = std::move(done)](const std::string& error, const std::vector<uint64_t>& seqs) {
      std::vector<uint64_t> all(skipped, 0);
      all.insert(all.end(), seqs.begin(), seqs.end());
      done(error, error.empty() ? all : seqs);
    };
  committer_.submit(data_.get(), std::move(records),
                    [this, entries, done = std::move(done)](std::error_code ec, std::vector<store::Location> locs) {
                      std::vector<uint64_t> seqs;
                      {
                        std::lock_guard guard(mutex_);
                        pending_ -= entries->size();
                        if (!ec) {
                          for (size_t i = 0; i < entries->size(); ++i) {
                            auto& e = (*entries)[i];
                            e.location = locs[i].to_u64();
                            if (data_segment_first_seq_.empty() || data_segment_first_seq_.back().first != locs[i].segment)
                              data_segment_first_seq_.emplace_back(locs[i].segment, e.seq);
                            index_.enqueue(e);
                            seqs.push_back(e.seq);
                          }
                        }
                      }
                      if (ec) return done(store_error_text(ec), {});
                      arrived_.notify_all();
                      done("", seqs);
                    });
}

bool DurableQueue::read_message(const queue::QueuedMessage& entry, v1::Message& out) {
  bool readable = false;
  read_messages({entry}, [&](const queue::QueuedMessage&, v1::Message* m) {
    if (!m) return;
    out = std::move(*m);
    readable = true;
  });
  return readable;
}

void DurableQueue::read_records(const std::vector<queue::QueuedMessage>& entries,
                                const std::function<bool(const queue::QueuedMessage&, std::string_view)>& use,
                                const std::function<void(const queue::QueuedMessage&)>& unreadable) {
  std::vector<store::Location> locations;
  locations.reserve(entries.size());
  for (const auto& e : entries) locations.push_back(store::Location::from_u64(e.location));
  data_->read_many(locations, [&](size_t i, bool ok, uint8_t type, std::string_view payload) {
    if (ok && type == kMessageRecord && use(entries[i], payload)) return;
    log::error("unreadable message on disk, dropped", {{"channel", name_}, {"seq", std::to_string(entries[i].seq)}});
    unreadable(entries[i]);
  });
}

void DurableQueue::read_messages(const std::vector<queue::QueuedMessage>& entries,
                                 const std::function<void(const queue::QueuedMessage&, v1::Message*)>& fn) {
  MessageRecord record;
  read_records(
      entries,
      [&](const queue::QueuedMessage& e, std::string_view payload) {
        record.message.Clear();
        if (!decode_message_record(payload, record)) return false;
        fn(e, &record.message);
        return true;
      },
      [&](const queue::QueuedMessage& e) { fn(e, nullptr); });
}

std::vector<queue::QueuedMessage> DurableQueue::take_for_receive(const ReceiveRequest& request, int64_t& now) {
  const Duration visibility = request.visibility.count() > 0 ? request.visibility : options_.default_visibility;
  std::vector<queue::QueuedMessage> entries, expired, dead, late;
  {
    std::unique_lock lock(mutex_);
    ++receivers_;
    for (;;) {
      now = now_micros();
      if (request.peek) {
        entries = index_.peek(request.max, now, request.from_seq);
      } else {
        auto taken = index_.take(request.max, now, visibility.count());
        entries = std::move(taken.delivered);
        expired.insert(expired.end(), taken.expired.begin(), taken.expired.end());
        dead.insert(dead.end(), taken.dead_lettered.begin(), taken.dead_lettered.end());
        pin(taken.dead_lettered);  // the lock is let go while waiting: pin them now
        late.insert(late.end(), taken.late.begin(), taken.late.end());
        pin(taken.late);
      }
      if (!entries.empty() || Clock::now() >= request.deadline || (request.cancelled && request.cancelled())) break;
      arrived_.wait_until(lock, std::min(request.deadline, Clock::now() + std::chrono::milliseconds(100)));
    }
    --receivers_;
    if (request.auto_ack && !request.peek) {
      for (const auto& e : entries) index_.ack(e.seq);
      pin(entries);  // acked, but their bodies are read below
    }
  }
  drop_expired(expired);
  dead_letter(std::move(dead), "max_receives");
  dead_letter(std::move(late), "deadline");
  if (!request.peek && !entries.empty()) {
    std::vector<uint64_t> seqs;
    std::vector<Delivered> delivered;
    uint64_t max_seq = 0;
    for (const auto& e : entries) {
      seqs.push_back(e.seq);
      delivered.push_back({e.seq, e.receive_count});
      max_seq = std::max(max_seq, e.seq);
    }
    if (request.auto_ack) record_removed(seqs);
    else append_state(kDeliveredRecord, encode_delivered(now + visibility.count(), delivered), max_seq);
  }
  return entries;
}

void DurableQueue::finish_receive(const ReceiveRequest& request, const std::vector<queue::QueuedMessage>& entries,
                                  const std::vector<uint64_t>& unreadable) {
  if (request.auto_ack && !request.peek) unpin(entries);
  if (!unreadable.empty() && !request.peek) {
    {
      std::lock_guard lock(mutex_);
      for (auto s : unreadable) index_.ack(s);
    }
    record_removed(unreadable);
  }
}

void DurableQueue::receive(const ReceiveRequest& request, google::protobuf::RepeatedPtrField<v1::Message>* out) {
  int64_t now = 0;
  const auto entries = take_for_receive(request, now);
  out->Reserve(out->size() + static_cast<int>(entries.size()));
  std::vector<uint64_t> unreadable;
  read_messages(entries, [&](const queue::QueuedMessage& e, v1::Message* m) {
    if (!m) {
      unreadable.push_back(e.seq);
      return;
    }
    m->set_receive_count(e.receive_count);
    if (auto late_ms = late_mark(e, now)) (*m->mutable_meta())[std::string(kLateMetaKey)] = std::to_string(*late_ms);
    if (!request.peek && !request.auto_ack) m->set_receipt(receipt_for(name_, e.seq, e.receive_count));
    out->Add()->Swap(m);
  });
  finish_receive(request, entries, unreadable);
}

void DurableQueue::receive_encoded(const ReceiveRequest& request, const std::function<std::string*()>& add) {
  int64_t now = 0;
  const auto entries = take_for_receive(request, now);
  std::vector<uint64_t> unreadable;
  read_records(
      entries,
      [&](const queue::QueuedMessage& e, std::string_view payload) {
        if (payload.size() < kMessageRecordHeaderSize) return false;
        const std::string_view stored = payload.substr(kMessageRecordHeaderSize);
        if (!well_formed_message(stored)) return false;
        HandOutFields fields;
        fields.seq = e.seq;
        fields.receive_count = e.receive_count;
        fields.late_ms = late_mark(e, now);
        if (!request.peek && !request.auto_ack) fields.receipt = receipt_for(name_, e.seq, e.receive_count);
        std::string* out = add();
        out->reserve(stored.size() + 64 + (fields.receipt ? fields.receipt->size() : 0));
        out->append(stored);
        append_hand_out_fields(*out, fields);
        return true;
      },
      [&](const queue::QueuedMessage& e) { unreadable.push_back(e.seq); });
  finish_receive(request, entries, unreadable);
}

std::optional<int64_t> DurableQueue::late_mark(const queue::QueuedMessage& e, int64_t now) const {
  // handed out past its deadline: marked with how late, in ms (an outbox forwards it as it is)
  if (e.deadline != 0 && e.deadline <= now && !options_.outbox) return (now - e.deadline) / 1000;
  return std::nullopt;
}

std::string DurableQueue::not_in_flight(DeliveryRef ref) const {
  return "message " + std::to_string(ref.seq) + " of " + name_ + " is not in flight under this receipt (delivery " +
         std::to_string(ref.delivery) +
         "): already settled, or its visibility ran out and it was handed out again or is waiting to be";
}

std::vector<std::string> DurableQueue::ack(const std::vector<DeliveryRef>& refs) {
  std::vector<std::string> errors(refs.size());
  std::vector<uint64_t> removed;
  removed.reserve(refs.size());
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < refs.size(); ++i) {
      if (index_.ack(refs[i].seq, refs[i].delivery)) removed.push_back(refs[i].seq);
      else errors[i] = not_in_flight(refs[i]);
    }
  }
  record_removed(removed);
  return errors;
}

std::string DurableQueue::settle(DeliveryRef ref, v1::SettleAction action, Duration visibility,
                                 const std::string& requeue_channel) {
  const int64_t now = now_micros();
  const uint64_t seq = ref.seq;
  switch (action) {
    case v1::SETTLE_ACK: return ack({ref}).front();
    case v1::SETTLE_REJECT: {
      std::optional<queue::QueuedMessage> e;
      {
        std::lock_guard lock(mutex_);
        e = index_.reject(seq, ref.delivery);
        if (e) pin({*e});
      }
      if (!e) return not_in_flight(ref);
      dead_letter({*e}, "rejected");
      return "";
    }
    case v1::SETTLE_EXTEND: {
      const Duration v = visibility.count() > 0 ? visibility : options_.default_visibility;
      bool ok;
      {
        std::lock_guard lock(mutex_);
        ok = index_.extend(seq, now + v.count(), ref.delivery);
      }
      if (!ok) return not_in_flight(ref);
      append_state(kDeliveredRecord, encode_delivered(now + v.count(), {{seq, 0}}), seq);
      return "";
    }
    case v1::SETTLE_UNRECEIVE: {
      std::optional<uint16_t> count;
      {
        std::lock_guard lock(mutex_);
        count = index_.unreceive(seq, ref.delivery);
      }
      if (!count) return not_in_flight(ref);
      append_state(kUnreceivedRecord, encode_delivered(0, {{seq, *count}}), seq);
      arrived_.notify_all();
      return "";
    }
    case v1::SETTLE_REQUEUE: {
      if (requeue_channel.empty() || requeue_channel == name_) {
        bool ok;
        {
          std::lock_guard lock(mutex_);
          ok = index_.release(seq, now, ref.delivery);
        }
        if (!ok) return not_in_flight(ref);
        append_state(kDeliveredRecord, encode_delivered(now, {{seq, 0}}), seq);
        arrived_.notify_all();
        return "";
      }
      std::optional<queue::QueuedMessage> e;
      {
        std::lock_guard lock(mutex_);
        e = index_.reject(seq, ref.delivery);
        if (e) pin({*e});
      }
      if (!e) return not_in_flight(ref);
      v1::Message m;
      const bool readable = read_message(*e, m);
      unpin({*e});
      if (!readable) {
        record_removed({seq});
        return "message " + std::to_string(seq) + " is unreadable on disk";
      }
      m.set_channel(requeue_channel);
      m.clear_seq();
      m.clear_receipt();
      (*m.mutable_meta())["gsmq.requeued_from"] = name_;
      forward_({std::move(m)}, [this, seq](bool ok) {
        if (ok) record_removed({seq});
      });
      return "";
    }
    default:
      return "unknown settle action " + std::to_string(static_cast<int>(action));
  }
}

void DurableQueue::dead_letter(std::vector<queue::QueuedMessage> entries, const char* reason) {
  if (entries.empty()) return;
  std::vector<uint64_t> dropped, moved;
  std::vector<v1::Message> messages;
  const bool late = std::string_view(reason) == "deadline";
  for (const auto& e : entries) {
    v1::Message m;
    if (!e.has_dead_letter || !read_message(e, m)) {
      dropped.push_back(e.seq);
      continue;
    }
    // A late message goes to its late channel, when it names one, else to its dead-letter.
    const std::string target = late && !m.late_channel().empty() ? m.late_channel() : m.dead_letter();
    if (target.empty()) {
      dropped.push_back(e.seq);
      continue;
    }
    auto& meta = *m.mutable_meta();
    meta["gsmq.dead_letter.from"] = name_;
    meta["gsmq.dead_letter.reason"] = reason;
    meta["gsmq.dead_letter.seq"] = std::to_string(e.seq);
    m.set_channel(target);
    m.clear_dead_letter();
    m.clear_late_channel();
    m.clear_deliver_late();
    m.clear_max_receives();
    m.clear_ttl_ms();
    m.clear_delay_ms();
    m.clear_deadline_ms();  // it is late: the dead-letter channel takes it as it is
    m.clear_seq();
    m.clear_receipt();
    m.set_receive_count(e.receive_count);
    messages.push_back(std::move(m));
    moved.push_back(e.seq);
  }
  {
    std::lock_guard lock(mutex_);
    dead_lettered_ += entries.size();
    unpin_locked(entries);
  }
  if (!dropped.empty()) record_removed(dropped);
  if (!messages.empty())
    forward_(std::move(messages), [this, moved](bool ok) {
      if (ok) record_removed(moved);
      else log::error("dead-letter move failed; the messages stay until restart", {{"channel", name_}});
    });
}

void DurableQueue::drop_expired(const std::vector<queue::QueuedMessage>& entries) {
  if (entries.empty()) return;
  std::vector<uint64_t> seqs;
  for (const auto& e : entries) seqs.push_back(e.seq);
  record_removed(seqs);
}

void DurableQueue::record_removed(const std::vector<uint64_t>& seqs) {
  if (seqs.empty()) return;
  append_state(kRemovedRecord, encode_removed(seqs), *std::max_element(seqs.begin(), seqs.end()));
}

void DurableQueue::append_state(uint8_t type, std::string payload, uint64_t max_seq) {
  std::vector<std::pair<uint8_t, std::string>> records;
  records.emplace_back(type, std::move(payload));
  committer_.submit(state_.get(), std::move(records), [this, max_seq](std::error_code ec, std::vector<store::Location> locs) {
    if (ec || locs.empty()) {
      log::error("cannot write queue state", {{"channel", name_}, {"error", ec.message()}});
      return;
    }
    std::lock_guard lock(mutex_);
    auto& m = state_segment_max_seq_[locs.front().segment];
    m = std::max(m, max_seq);
  }, store::Committer::Wait::written);  // nobody waits for it: its caller was answered already
}

uint64_t DurableQueue::purge() {
  std::vector<queue::QueuedMessage> removed;
  {
    std::lock_guard lock(mutex_);
    index_.purge(&removed);  // ready and delayed; in-flight ones stay with their consumers
  }
  std::vector<uint64_t> seqs;
  for (const auto& e : removed) seqs.push_back(e.seq);
  record_removed(seqs);
  return seqs.size();
}

void DurableQueue::tick() {
  const int64_t now = now_micros();
  queue::TickResult result;
  bool ready;
  {
    std::lock_guard lock(mutex_);
    result = index_.tick(now);
    pin(result.dead_lettered);  // before the segments holding them could be dropped
    ready = index_.ready() > 0;
    drop_consumed_segments();
  }
  drop_expired(result.expired);
  dead_letter(std::move(result.dead_lettered), "max_receives");
  if (ready) arrived_.notify_all();
}

void DurableQueue::pin(const std::vector<queue::QueuedMessage>& entries) {
  for (const auto& e : entries) pinned_.insert(e.seq);
}

void DurableQueue::unpin_locked(const std::vector<queue::QueuedMessage>& entries) {
  for (const auto& e : entries)
    if (auto it = pinned_.find(e.seq); it != pinned_.end()) pinned_.erase(it);
}

void DurableQueue::unpin(const std::vector<queue::QueuedMessage>& entries) {
  std::lock_guard lock(mutex_);
  unpin_locked(entries);
}

void DurableQueue::drop_consumed_segments() {
  uint64_t min_live = std::min(index_.min_live_seq(), next_seq_ - pending_);
  if (!pinned_.empty()) min_live = std::min(min_live, *pinned_.begin());
  bool dropped = false;
  while (data_segment_first_seq_.size() >= 2 && data_segment_first_seq_[1].second <= min_live) {
    data_segment_first_seq_.pop_front();
    dropped = true;
  }
  // Deleting is a write-side operation: it runs on the committer's I/O thread, between commits.
  if (dropped) {
    const uint32_t before = data_segment_first_seq_.front().first;
    committer_.submit(data_.get(), {}, [log = data_.get(), before](std::error_code, std::vector<store::Location>) {
      log->drop_segments_before(before);
    });
  }
  // State records about seqs older than the oldest message on disk can no longer matter.
  const uint64_t floor = data_segment_first_seq_.empty() ? next_seq_ : data_segment_first_seq_.front().second;
  uint32_t drop_before = 0;
  for (auto it = state_segment_max_seq_.begin(); it != state_segment_max_seq_.end();) {
    if (std::next(it) == state_segment_max_seq_.end() || it->second >= floor) break;  // never the newest
    drop_before = std::next(it)->first;
    it = state_segment_max_seq_.erase(it);
  }
  if (drop_before > 0)
    committer_.submit(state_.get(), {}, [log = state_.get(), drop_before](std::error_code, std::vector<store::Location>) {
      log->drop_segments_before(drop_before);
    });
}

std::optional<int64_t> DurableQueue::oldest_ready_arrival_us() {
  std::unique_lock lock(mutex_);
  const auto oldest = index_.oldest_ready();
  if (!oldest) return std::nullopt;
  if (oldest->seq == oldest_ready_.seq) return oldest_ready_.us;
  pin({*oldest});  // it may be taken and acked meanwhile: its segment stays
  lock.unlock();
  std::optional<int64_t> arrival;
  data_->read_many({store::Location::from_u64(oldest->location)},
                   [&](size_t, bool ok, uint8_t type, std::string_view payload) {
                     uint64_t seq = 0;
                     int64_t us = 0;
                     if (ok && type == kMessageRecord && decode_message_header(payload, seq, us)) arrival = us;
                   });
  lock.lock();
  unpin_locked({*oldest});
  if (arrival) oldest_ready_ = {oldest->seq, *arrival};
  return arrival;
}

QueueFigures DurableQueue::figures() {
  std::lock_guard lock(mutex_);
  QueueFigures f;
  f.ready = index_.ready();
  f.delayed = index_.delayed();
  f.in_flight = index_.in_flight();
  f.bytes_on_disk = data_->total_bytes() + state_->total_bytes();
  f.last_seq = next_seq_ - 1;
  const auto& c = index_.counters();
  f.enqueued = c.enqueued;
  f.delivered = c.delivered;
  f.acked = c.acked;
  f.expired = c.expired;
  f.dead_lettered = dead_lettered_;
  f.on_time = c.on_time;
  f.late = c.late;
  f.late_delivered = c.late_delivered;
  f.slack = c.slack;
  if (const auto* h = index_.slack()) {
    f.slack_p1_us = h->quantile(0.01);
    f.slack_p50_us = h->quantile(0.5);
    f.slack_p99_us = h->quantile(0.99);
  }
  f.dropped = c.dropped + dropped_unwritten_;
  f.receivers = receivers_;
  return f;
}

}  // namespace gsmq::server
