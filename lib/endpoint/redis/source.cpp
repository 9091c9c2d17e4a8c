#include "endpoint/redis/source.h"

#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "endpoint/redis/connection.h"
#include "endpoint/redis/mapping.h"
#include "util/signals.h"

namespace gsmq::endpoint::redis {
namespace {

// One entry of an XREADGROUP or XAUTOCLAIM reply: [id, [field, value, ...]] (fields nil
// when the entry was deleted meanwhile).
struct Entry {
  std::string id;
  bool deleted = false;
  Fields fields;
};

std::string str(const redisReply* r) { return r && r->str ? std::string(r->str, r->len) : std::string(); }

void parse_entries(const redisReply* list, std::vector<Entry>& out) {
  if (!list || list->type != REDIS_REPLY_ARRAY) return;
  for (size_t k = 0; k < list->elements; ++k) {
    const redisReply* e = list->element[k];
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements < 2) continue;
    Entry entry;
    entry.id = str(e->element[0]);
    const redisReply* f = e->element[1];
    if (!f || f->type != REDIS_REPLY_ARRAY) {
      entry.deleted = true;
    } else {
      for (size_t i = 0; i + 1 < f->elements; i += 2) entry.fields.emplace_back(str(f->element[i]), str(f->element[i + 1]));
    }
    out.push_back(std::move(entry));
  }
}

Duration refusal_backoff(uint32_t refusals) {
  const int shift = static_cast<int>(std::min<uint32_t>(refusals, 8));
  return std::min<Duration>(std::chrono::milliseconds(100) * (1 << shift) / 2, std::chrono::seconds(10));
}

class RedisSource : public Source {
 public:
  RedisSource(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)),
        drop_refused_(options.reject_to_dead_letter) {
    create_group();
  }

  ~RedisSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      send_acks();
      if (hand_out(out)) return Status::message;
      if (stop_requested()) return Status::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      size_t held;
      {
        std::lock_guard lock(mutex_);
        held = held_.size();
      }
      const Settings& s = conn_->settings();
      if (held >= s.max_inflight) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      const size_t room = s.max_inflight - held;
      if (s.claim_idle.count() > 0 && now >= next_claim_) {
        claim(room);
        next_claim_ = now + std::max<Duration>(s.claim_idle / 2, std::chrono::milliseconds(100));
        continue;
      }
      read(room, std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(100)));
    }
  }

  bool ready() const override {
    std::lock_guard lock(mutex_);
    return !ready_.empty();
  }

  void ack(uint64_t tag) override {
    std::lock_guard lock(mutex_);
    auto it = held_.find(tag);
    if (it == held_.end()) return;
    acks_.push_back(it->second.entry_id);
    held_.erase(it);
  }

  void reject(uint64_t tag) override {
    std::lock_guard lock(mutex_);
    auto it = held_.find(tag);
    if (it == held_.end()) return;
    if (drop_refused_) {
      conn_->warn("entry " + it->second.entry_id + " was refused and is dropped (acknowledged)");
      acks_.push_back(it->second.entry_id);
      held_.erase(it);
      return;
    }
    it->second.not_before = Clock::now() + refusal_backoff(++it->second.refusals);
    retry_.insert(tag);
  }

  void close() override {
    if (!conn_) return;
    try {
      send_acks();
    } catch (const Error& e) {
      conn_->warn(std::string("acknowledgements not sent: ") + e.what());
    }
    conn_.reset();
  }

 private:
  struct Held {
    std::string entry_id;
    Message message;
    uint32_t refusals = 0;
    Clock::time_point not_before;
  };

  // Runs one command, reconnecting (policy) after a lost connection; throws on give-up.
  Reply run(const std::vector<std::string>& args) {
    for (;;) {
      std::string error;
      if (Reply r = conn_->command(args, error)) return r;
      conn_->reconnect_or_throw();
    }
  }

  void create_group() {
    const Settings& s = conn_->settings();
    Reply r = run({"XGROUP", "CREATE", s.key, s.group, s.from_first ? "0" : "$", "MKSTREAM"});
    if (r->type == REDIS_REPLY_ERROR && !reply_text(r.get()).starts_with("BUSYGROUP"))
      throw Error(ErrorKind::unavailable, s.url_text + ": XGROUP CREATE " + s.key + " " + s.group + ": " + reply_text(r.get()));
  }

  void send_acks() {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mutex_);
      ids.swap(acks_);
    }
    if (ids.empty()) return;
    const Settings& s = conn_->settings();
    std::vector<std::string> args = {"XACK", s.key, s.group};
    args.insert(args.end(), ids.begin(), ids.end());
    Reply r = run(args);
    if (r->type == REDIS_REPLY_ERROR) conn_->warn("XACK: " + reply_text(r.get()));
  }

  void take(std::vector<Entry>& entries) {
    std::lock_guard lock(mutex_);
    for (Entry& e : entries) {
      if (e.deleted) {  // trimmed or deleted while pending: nothing to deliver
        acks_.push_back(e.id);
        continue;
      }
      bool already = false;
      for (const auto& [tag, h] : held_) already = already || h.entry_id == e.id;
      if (already) continue;  // claimed back while this reader still holds it
      const uint64_t tag = ++next_tag_;
      Held& h = held_[tag];
      h.entry_id = e.id;
      h.message = message_from(conn_->settings().key, e.id, e.fields);
      stamp(h.message);
      ready_.push_back(tag);
    }
  }

  // First this consumer's own pending entries (from an earlier run), then new ones.
  void read(size_t count, Clock::duration block) {
    const Settings& s = conn_->settings();
    std::vector<std::string> args = {"XREADGROUP", "GROUP", s.group, s.consumer, "COUNT", std::to_string(count)};
    if (!own_cursor_) args.insert(args.end(), {"BLOCK", std::to_string(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(block).count()))});
    args.insert(args.end(), {"STREAMS", s.key, own_cursor_ ? *own_cursor_ : ">"});
    Reply r = run(args);
    if (r->type == REDIS_REPLY_ERROR)
      throw Error(ErrorKind::unavailable, s.url_text + ": XREADGROUP: " + reply_text(r.get()));
    std::vector<Entry> entries;
    if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 && r->element[0]->type == REDIS_REPLY_ARRAY &&
        r->element[0]->elements == 2)
      parse_entries(r->element[0]->element[1], entries);
    if (own_cursor_) {
      if (entries.empty()) own_cursor_.reset();
      else own_cursor_ = entries.back().id;
    }
    take(entries);
  }

  // Entries other consumers left pending longer than ?claim_idle become this one's.
  void claim(size_t count) {
    const Settings& s = conn_->settings();
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(s.claim_idle).count();
    Reply r = run({"XAUTOCLAIM", s.key, s.group, s.consumer, std::to_string(idle), claim_cursor_, "COUNT", std::to_string(count)});
    if (r->type == REDIS_REPLY_ERROR) {
      conn_->warn("XAUTOCLAIM: " + reply_text(r.get()));
      return;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) return;
    claim_cursor_ = str(r->element[0]);
    if (claim_cursor_.empty()) claim_cursor_ = "0-0";
    std::vector<Entry> entries;
    parse_entries(r->element[1], entries);
    take(entries);
    if (r->elements >= 3 && r->element[2]->type == REDIS_REPLY_ARRAY) {  // deleted while pending
      std::lock_guard lock(mutex_);
      for (size_t k = 0; k < r->element[2]->elements; ++k) acks_.push_back(str(r->element[2]->element[k]));
    }
  }

  bool hand_out(Delivery& out) {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    uint64_t tag = 0;
    for (uint64_t t : retry_)
      if (held_.count(t) && held_.at(t).not_before <= now) {
        tag = t;
        break;
      }
    if (tag) {
      retry_.erase(tag);
    } else {
      while (!ready_.empty() && !tag) {
        tag = ready_.front();
        ready_.pop_front();
        if (!held_.count(tag)) tag = 0;
      }
    }
    if (!tag) return false;
    out.message = held_.at(tag).message;
    out.tag = tag;
    return true;
  }

  std::unique_ptr<Connection> conn_;
  bool drop_refused_;
  mutable std::mutex mutex_;
  std::map<uint64_t, Held> held_;  // read, not acknowledged
  std::deque<uint64_t> ready_;     // read, not handed out
  std::set<uint64_t> retry_;       // refused, to hand out again at not_before
  std::vector<std::string> acks_;  // to XACK on the pump's thread
  uint64_t next_tag_ = 0;
  std::optional<std::string> own_cursor_ = "0";
  std::string claim_cursor_ = "0-0";
  Clock::time_point next_claim_;
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<RedisSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::redis
