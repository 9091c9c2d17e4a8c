#include "server/broker.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "envelope/message.h"
#include "server/data_dir_format.h"
#include "server/message_validation.h"
#include "server/record_codec.h"
#include "store/log_format.h"
#include "store/posix_file.h"
#include "util/log.h"

namespace gsmq::server {

std::string channel_dir_name(const std::string& channel) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < channel.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(channel[i]);
    const bool safe = std::isalnum(c) || c == '-' || c == '_' || (c == '.' && i > 0);
    if (safe) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out.empty() ? "%" : out;
}

std::optional<std::string> channel_from_dir_name(const std::string& dir) {
  if (dir == "%") return "";
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < dir.size(); ++i) {
    if (dir[i] != '%') {
      out.push_back(dir[i]);
      continue;
    }
    if (i + 2 >= dir.size() || hex(dir[i + 1]) < 0 || hex(dir[i + 2]) < 0) return std::nullopt;
    out.push_back(static_cast<char>(hex(dir[i + 1]) * 16 + hex(dir[i + 2])));
    i += 2;
  }
  // Only the one spelling channel_dir_name makes (no "%41" for "A", no bare "/" or "..").
  if (channel_dir_name(out) != dir) return std::nullopt;
  return out;
}

std::string channel_name_error(const std::string& channel) {
  constexpr size_t kMaxDirName = 255;  // NAME_MAX of the file systems gsmqd runs on
  if (channel.empty()) return "message has no channel";
  if (channel_dir_name(channel).size() > kMaxDirName)
    return "channel name too long to be stored (at most 255 bytes, each byte other than a letter, digit, "
           "'-', '_' or '.' counting 3)";
  return "";
}

namespace {

store::CommitterOptions committer_options(const BrokerOptions& options) {
  store::CommitterOptions c;
  c.policy = options.fsync;
  c.window = options.commit_window;
  c.deferred_sync_failed = [](const store::SegmentedLog& log, const std::system_error& e) {
    log::error("cannot sync queue state", {{"dir", log.dir().string()}, {"error", e.what()}});
  };
  return c;
}

}  // namespace

Broker::Broker(BrokerOptions options)
    : options_(std::move(options)),
      disk_space_(options_.data_dir, options_.min_free_space),
      committer_(committer_options(options_)) {
  // Durably: every channel below them depends on these entries.
  store::create_durable_directories(options_.data_dir);
  // One daemon per data directory.
  const auto lock_path = options_.data_dir / "gsmqd.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    throw std::runtime_error("data directory " + options_.data_dir.string() +
                             " is in use by another gsmqd (" + std::strerror(errno) + ")");
  // A directory a newer gsmq wrote is refused before anything in it is read (and its lock
  // let go: the destructor does not run for a constructor that throws).
  try {
    check_data_dir_format(options_.data_dir);
  } catch (...) {
    ::close(lock_fd_);
    throw;
  }
  store::create_durable_directories(options_.data_dir / "queues");
  store::create_durable_directories(options_.data_dir / "store");
  open_existing_channels();
  housekeeper_ = std::thread([this] { housekeeping(); });
}

Broker::~Broker() {
  stop();
  queues_.clear();
  stores_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Broker::stop() {
  if (stopping_.exchange(true)) return;
  if (housekeeper_.joinable()) housekeeper_.join();
  committer_.stop();  // everything submitted is written (and synced per policy)
}

void Broker::open_existing_channels() {
  for (const char* kind : {"queues", "store"}) {
    for (const auto& entry : std::filesystem::directory_iterator(options_.data_dir / kind)) {
      if (!entry.is_directory()) continue;
      const std::string dir = entry.path().filename().string();
      const auto channel = channel_from_dir_name(dir);
      if (!channel) {
        log::warn("ignored a directory that is not a channel", {{"dir", entry.path().string()}});
        continue;
      }
      if (kind == std::string_view("queues")) queue(*channel);
      else store(*channel);
    }
  }
}

DurableQueue& Broker::queue(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(channel);
  if (it != queues_.end()) return *it->second;
  // Opening may throw (file system errors): then nothing is registered.
  QueueOptions o = options_.queue;
  if (channel.rfind(kOutboxPrefix, 0) == 0) {
    o = options_.outbox;
    o.outbox = true;
  }
  auto q = std::make_unique<DurableQueue>(channel, options_.data_dir / "queues" / channel_dir_name(channel), committer_,
                                          o,
                                          [this](std::vector<v1::Message> m, std::function<void(bool)> committed) {
                                            forward(std::move(m), std::move(committed));
                                          });
  return *queues_.emplace(channel, std::move(q)).first->second;
}

EventStore& Broker::store(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = stores_.find(channel);
  if (it != stores_.end()) return *it->second;
  auto s = std::make_unique<EventStore>(channel, options_.data_dir / "store" / channel_dir_name(channel), committer_,
                                        options_.store);
  return *stores_.emplace(channel, std::move(s)).first->second;
}

namespace {
// Joins the per-channel completions of one batch into one ordered result list.
struct BatchJoin {
  std::mutex mutex;
  std::vector<v1::SendResult> results;
  size_t remaining = 0;
  std::function<void(std::vector<v1::SendResult>)> done;
};

// Why a message cannot be stored at all ("" when it can): the envelope's rules, and a
// size that fits one log record (refused on its own, not failing the group it would be
// written with).
std::string refusal(const v1::Message& m) {
  if (std::string why = invalid_field(m); !why.empty()) return why;
  if (message_record_size_bound(m) <= store::format::kMaxRecordPayload) return "";  // the common case, cheaply
  const size_t size = message_record_size(m);
  if (size > store::format::kMaxRecordPayload)
    return "message too large to store: " + std::to_string(size) + " bytes with its envelope, at most " +
           std::to_string(store::format::kMaxRecordPayload);
  return "";
}

// One message to write: to a queue or an events-store channel; `origin` is the position
// of the message it was accepted as (a link's outbox copy shares its original's result).
// `message` is the accepted message itself or a copy held in the batch's `copies`: each
// is moved once, into the part of its channel (a move of a Message is a construction, a
// swap and a destruction: ~150 instructions, more than once per message showed in
// bench/README.md's instruction counts).
struct Write {
  size_t origin;
  bool to_store;
  bool copy;
  v1::Message* message;
};
// What a channel's commit needs to answer for each message it wrote.
struct Written {
  size_t origin;
  bool copy;
};
}  // namespace

// Accepting a batch: each message is validated and stamped; federation (when there is
// one) recognises arrivals over links that were kept already and adds the copies its
// links forward; every channel's part is written with one commit; and the batch is
// answered, one result per message in order, once everything it wrote is durable. A
// message counts as stored only when its copies are too.
void Broker::accept(std::vector<v1::Message> messages, bool to_store,
                    std::function<void(std::vector<v1::SendResult>)> done, bool moved, bool compact) {
  auto join = std::make_shared<BatchJoin>();
  join->results.resize(messages.size());
  std::vector<Write> writes;
  std::deque<v1::Message> copies_held;  // what `writes` points to besides `messages` (stable addresses)
  std::vector<std::pair<size_t, std::string>> fresh;  // arrivals over links (index, key), kept once
  std::map<std::string, size_t> outbox_counts;  // copies of this batch per outbox so far
  // What the daemon moves itself (dead-lettering, requeues) is part of receiving and
  // settling, which keep working on a full disk.
  const std::string no_room = moved ? "" : disk_space_.refusal();
  writes.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    auto& m = messages[i];
    const bool id_assigned = m.id().empty();
    if (id_assigned) m.set_id(new_message_id());
    if (m.ts() == 0) m.set_ts(now_micros());
    auto& r = join->results[i];
    if (!compact || id_assigned) r.set_id(m.id());
    if (!compact) r.set_channel(m.channel());
    if (std::string why = no_room.empty() ? refusal(m) : no_room; !why.empty()) {
      r.set_error(why);
      continue;
    }
    bool store_it = to_store;
    bool is_fresh = false;
    std::string arrival_key;
    if (forwarding_) {
      switch (forwarding_->arrival(m, store_it, arrival_key)) {
        case Forwarding::Arrival::duplicate:
          r.set_duplicate(true);
          continue;
        case Forwarding::Arrival::in_flight:
          r.set_error("an earlier copy of message " + m.id() + " is still being stored; send it again");
          continue;
        case Forwarding::Arrival::fresh:
          is_fresh = !arrival_key.empty();
          break;
        case Forwarding::Arrival::local:
          break;
      }
    }
    // The rules: they may change the message, copy it, or drop it. What they made must
    // still be storable; if not, none of it is stored.
    std::vector<v1::Message> rule_copies;
    std::string dropped_by;
    if (policy_ && !moved) {
      const std::string sent_to = compact ? m.channel() : std::string();
      dropped_by = policy_->apply(m, rule_copies);
      // Checked here, not when the channel is opened: a copy refused there would leave the
      // message stored and its sender told it failed.
      auto storable = [](const v1::Message& x) {
        std::string why = channel_name_error(x.channel());
        return why.empty() ? refusal(x) : why;
      };
      std::string why = dropped_by.empty() ? storable(m) : "";
      for (const auto& c : rule_copies)
        if (why.empty() && !(why = storable(c)).empty()) why = "a rule's copy to \"" + c.channel() + "\": " + why;
      if (!why.empty()) {
        r.set_error("after the rules: " + why);
        continue;
      }
      if (!compact || m.channel() != sent_to) r.set_channel(m.channel());
    }
    if (is_fresh) fresh.emplace_back(i, std::move(arrival_key));
    if (!dropped_by.empty()) r.set_dropped_by(dropped_by);
    if (forwarding_) {
      // What links forward: the message (unless a rule dropped it) and the rules' copies,
      // each by the channel it is stored on.
      std::vector<v1::Message> copies;
      if (dropped_by.empty()) forwarding_->copies(m, store_it, copies);
      for (const auto& c : rule_copies) forwarding_->copies(c, store_it, copies);
      // A link whose backlog is full (and refuses rather than drops) refuses the message
      // here, before anything of it is stored: the sender sees it and nothing is half done.
      std::string full;
      for (const auto& c : copies)
        if (full.empty() && !queue(c.channel()).has_room(outbox_counts[c.channel()] + 1))
          full = "the link's backlog " + c.channel() + " is full";
      if (!full.empty()) {
        r.set_error(full);
        continue;
      }
      for (auto& c : copies) {
        ++outbox_counts[c.channel()];
        writes.push_back({i, false, true, &copies_held.emplace_back(std::move(c))});
      }
    }
    for (auto& c : rule_copies) writes.push_back({i, store_it, true, &copies_held.emplace_back(std::move(c))});
    if (dropped_by.empty()) writes.push_back({i, store_it, false, &m});
  }

  // With arrivals over links, the answer waits until the record that they were kept is
  // durable too: a sender that retries after a lost answer is then recognised.
  join->done = [this, fresh = std::move(fresh), done = std::move(done)](std::vector<v1::SendResult> results) mutable {
    if (fresh.empty() || !forwarding_) return done(std::move(results));
    std::vector<std::string> kept, lost;
    for (auto& [index, key] : fresh) (results[index].error().empty() ? kept : lost).push_back(std::move(key));
    if (!lost.empty()) forwarding_->arrived(std::move(lost), false, [] {});
    auto answer = std::make_shared<std::vector<v1::SendResult>>(std::move(results));
    forwarding_->arrived(std::move(kept), true, [answer, done = std::move(done)] { done(std::move(*answer)); });
  };

  std::map<std::pair<bool, std::string>, std::vector<size_t>> groups;  // (to_store, channel) -> writes
  for (size_t w = 0; w < writes.size(); ++w) groups[{writes[w].to_store, writes[w].message->channel()}].push_back(w);
  join->remaining = groups.size();
  if (groups.empty()) return join->done(std::move(join->results));
  // The common batch: every message written as it is, in order, to one channel. Its
  // vector is the part, moved whole.
  const bool whole = groups.size() == 1 && writes.size() == messages.size() && copies_held.empty();
  for (auto& [key, members] : groups) {
    const auto& [store_group, channel] = key;
    std::vector<v1::Message> part;
    auto written = std::make_shared<std::vector<Written>>();
    written->reserve(members.size());
    if (whole) {
      part = std::move(messages);
    } else {
      part.reserve(members.size());
      for (auto w : members) part.push_back(std::move(*writes[w].message));
    }
    for (auto w : members) written->push_back({writes[w].origin, writes[w].copy});
    auto on_done = [join, written, channel](const std::string& error, const std::vector<uint64_t>& seqs) {
      std::lock_guard lock(join->mutex);
      for (size_t k = 0; k < written->size(); ++k) {
        const Written& w = (*written)[k];
        auto& r = join->results[w.origin];
        if (!error.empty()) {
          if (r.error().empty()) r.set_error(w.copy ? "cannot forward it (" + channel + "): " + error : error);
        } else if (!w.copy) {
          r.set_seq(seqs[k]);
        }
      }
      if (--join->remaining == 0) join->done(std::move(join->results));
    };
    std::string refused = channel_name_error(channel);
    try {
      if (refused.empty()) {
        if (store_group) store(channel).publish(std::move(part), std::move(on_done));
        else queue(channel).send(std::move(part), std::move(on_done));
        continue;
      }
    } catch (const std::exception& e) {
      refused = "cannot open channel " + channel + ": " + e.what();
      log::error("cannot open channel", {{"channel", channel}, {"error", e.what()}});
    }
    on_done(refused, {});
  }
}

void Broker::send(std::vector<v1::Message> messages, std::function<void(std::vector<v1::SendResult>)> done,
                  bool compact) {
  accept(std::move(messages), false, std::move(done), false, compact);
}

void Broker::forward(std::vector<v1::Message> messages, std::function<void(bool)> committed) {
  accept(
      std::move(messages), false,
      [committed = std::move(committed)](std::vector<v1::SendResult> results) {
        bool ok = true;
        for (const auto& r : results) ok = ok && r.error().empty();
        committed(ok);
      },
      true);
}

namespace {
struct Receipt {
  uint64_t seq = 0;
  uint16_t delivery = 0;  // the receive count at hand-out: which delivery this receipt settles
  std::string channel;
};

// Receipt: "<seq>:<receive_count>@<channel>", both numbers plain decimal.
std::optional<Receipt> parse_receipt(const std::string& receipt) {
  const auto colon = receipt.find(':');
  const auto at = receipt.find('@');
  if (colon == std::string::npos || at == std::string::npos || colon > at) return std::nullopt;
  auto number = [](std::string_view text, uint64_t max) -> std::optional<uint64_t> {
    if (text.empty() || text.size() > 20) return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      if (v > (max - static_cast<uint64_t>(c - '0')) / 10) return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
  };
  const std::string_view text(receipt);
  const auto seq = number(text.substr(0, colon), UINT64_MAX);
  const auto delivery = number(text.substr(colon + 1, at - colon - 1), UINT16_MAX);
  if (!seq || !delivery || *delivery == 0) return std::nullopt;
  return Receipt{*seq, static_cast<uint16_t>(*delivery), receipt.substr(at + 1)};
}
}  // namespace

DurableQueue* Broker::existing_queue(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(channel);
  return it == queues_.end() ? nullptr : it->second.get();
}

std::string Broker::settle(const v1::Settlement& s) {
  google::protobuf::RepeatedPtrField<v1::Settlement> one;
  *one.Add() = s;
  return settle(one).front();
}

std::vector<std::string> Broker::settle(const google::protobuf::RepeatedPtrField<v1::Settlement>& settlements) {
  std::vector<std::string> errors(settlements.size());
  // Acks are the common case (a consumer settling a batch): per channel, under one lock
  // and one state record. Anything else settles one by one, after the acks before it, so
  // the outcome is the one of settling in order.
  std::map<DurableQueue*, std::pair<std::vector<DurableQueue::DeliveryRef>, std::vector<size_t>>> acks;
  auto flush_acks = [&] {
    for (auto& [q, batch] : acks) {
      auto results = q->ack(batch.first);
      for (size_t k = 0; k < results.size(); ++k) errors[batch.second[k]] = std::move(results[k]);
    }
    acks.clear();
  };
  for (int i = 0; i < settlements.size(); ++i) {
    const auto& s = settlements[i];
    const auto receipt = parse_receipt(s.receipt());
    if (!receipt) {
      errors[i] = "malformed receipt \"" + s.receipt() + "\"";
      continue;
    }
    DurableQueue* q = existing_queue(receipt->channel);
    if (!q) {
      errors[i] = "unknown channel " + receipt->channel;
      continue;
    }
    if (s.action() == v1::SETTLE_ACK) {
      auto& [deliveries, positions] = acks[q];
      deliveries.push_back({receipt->seq, receipt->delivery});
      positions.push_back(static_cast<size_t>(i));
      continue;
    }
    flush_acks();
    errors[i] = q->settle({receipt->seq, receipt->delivery}, s.action(), std::chrono::milliseconds(s.visibility_ms()),
                          s.requeue_channel());
  }
  flush_acks();
  return errors;
}

void Broker::publish(v1::EventKind kind, std::vector<v1::Message> messages,
                     std::function<void(std::vector<v1::SendResult>)> done, bool compact) {
  if (kind == v1::EVENTS_STORE) return accept(std::move(messages), true, std::move(done), false, compact);
  // Real time: hand to whoever is subscribed now; nobody subscribed means nobody gets it.
  std::vector<v1::SendResult> results(messages.size());
  std::map<std::string, std::pair<uint64_t, uint64_t>> counts;  // published, dropped
  for (size_t i = 0; i < messages.size(); ++i) {
    auto& m = messages[i];
    const bool id_assigned = m.id().empty();
    if (id_assigned) m.set_id(new_message_id());
    if (m.ts() == 0) m.set_ts(now_micros());
    if (!compact || id_assigned) results[i].set_id(m.id());
    if (!compact) results[i].set_channel(m.channel());
    if (std::string why = invalid_field(m); !why.empty()) {
      results[i].set_error(why);
      continue;
    }
    auto& c = counts[m.channel()];
    ++c.first;
    for (auto& subscriber : event_subscribers_.pick(m.channel()))
      if (!subscriber->push(m)) ++c.second;
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [channel, c] : counts) {
      events_published_[channel] += c.first;
      events_dropped_[channel] += c.second;
    }
  }
  done(std::move(results));
}

std::shared_ptr<EventSubscriber> Broker::subscribe_events(const std::string& channel, const std::string& group) {
  auto s = std::make_shared<EventSubscriber>(options_.subscriber_buffer);
  event_subscribers_.add(channel, group, s);
  std::lock_guard lock(mutex_);
  events_published_[channel];  // list the channel from now on
  return s;
}

void Broker::unsubscribe_events(const std::string& channel, const std::string& group, const EventSubscriber* s) {
  event_subscribers_.remove(channel, group, s);
}

void Broker::housekeeping() {
  auto last_rates = Clock::now();
  while (!stopping_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::vector<DurableQueue*> queues;
    std::vector<EventStore*> stores;
    {
      std::lock_guard lock(mutex_);
      for (auto& [name, q] : queues_) queues.push_back(q.get());
      for (auto& [name, s] : stores_) stores.push_back(s.get());
    }
    for (auto* q : queues) q->tick();
    if (Clock::now() - last_rates >= std::chrono::seconds(1)) {
      const double secs = std::chrono::duration<double>(Clock::now() - last_rates).count();
      last_rates = Clock::now();
      for (auto* s : stores) s->tick();
      for (auto* q : queues) {
        const auto f = q->figures();
        std::lock_guard lock(mutex_);
        auto& r = rates_[q->name()];
        // Exponentially weighted over a few seconds, like load averages.
        r.in = 0.5 * r.in + 0.5 * static_cast<double>(f.enqueued - r.last_in) / secs;
        r.out = 0.5 * r.out + 0.5 * static_cast<double>(f.acked - r.last_out) / secs;
        r.last_in = f.enqueued;
        r.last_out = f.acked;
      }
    }
  }
}

std::vector<v1::ChannelInfo> Broker::list_channels() {
  std::vector<v1::ChannelInfo> out;
  std::vector<DurableQueue*> queues;
  std::vector<std::pair<std::string, EventStore*>> stores;
  std::map<std::string, uint64_t> events;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, q] : queues_) queues.push_back(q.get());
    for (auto& [name, s] : stores_) stores.emplace_back(name, s.get());
    events = events_published_;
  }
  for (auto* q : queues) {
    const auto f = q->figures();
    v1::ChannelInfo info;
    info.set_name(q->name());
    info.set_kind("queue");
    info.set_depth(f.ready + f.delayed);
    info.set_in_flight(f.in_flight);
    info.set_delayed(f.delayed);
    info.set_dead_lettered(f.dead_lettered);
    info.set_dropped(f.dropped);
    info.set_on_time(f.on_time);
    info.set_late(f.late);
    info.set_late_delivered(f.late_delivered);
    if (f.slack_p50_us) {
      info.set_slack_p1_us(*f.slack_p1_us);
      info.set_slack_p50_us(*f.slack_p50_us);
      info.set_slack_p99_us(*f.slack_p99_us);
    }
    for (uint64_t n : f.slack) info.add_slack(n);
    info.set_expired(f.expired);
    info.set_sent(f.enqueued);
    info.set_delivered(f.delivered);
    info.set_acked(f.acked);
    info.set_consumers(f.receivers);
    info.set_bytes(f.bytes_on_disk);
    info.set_last_seq(f.last_seq);
    if (const auto arrival = q->oldest_ready_arrival_us())
      info.set_oldest_age_s(static_cast<double>(std::max<int64_t>(0, now_micros() - *arrival)) / 1e6);
    {
      std::lock_guard lock(mutex_);
      info.set_in_rate(rates_[q->name()].in);
      info.set_out_rate(rates_[q->name()].out);
    }
    out.push_back(std::move(info));
  }
  for (auto& [name, s] : stores) {
    const auto f = s->figures();
    v1::ChannelInfo info;
    info.set_name(name);
    info.set_kind("events-store");
    info.set_sent(f.published);
    info.set_depth(f.last_seq + 1 - f.first_seq);
    info.set_bytes(f.bytes);
    info.set_last_seq(f.last_seq);
    info.set_consumers(s->subscribers());
    out.push_back(std::move(info));
  }
  for (auto& [name, published] : events) {
    v1::ChannelInfo info;
    info.set_name(name);
    info.set_kind("events");
    info.set_sent(published);
    info.set_consumers(static_cast<uint32_t>(event_subscribers_.count(name)));
    std::lock_guard lock(mutex_);
    info.set_dead_lettered(events_dropped_[name]);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace gsmq::server
