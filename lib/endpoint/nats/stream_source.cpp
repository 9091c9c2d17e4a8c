// Threads: the pump's next() fetches and hands out; ack() and reject() come from the
// sink's thread; a keeper thread sends in-progress acks for every message held (fetched
// and not settled) every third of ?ack_wait. Held messages are owned here until settled.
#include "endpoint/nats/stream_source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "endpoint/nats/connection.h"
#include "endpoint/nats/message_io.h"
#include "endpoint/nats/stream_setup.h"
#include "util/signals.h"

namespace gsmq::endpoint::nats {
namespace {

StreamFacts facts_of(natsMsg* msg) {
  StreamFacts f;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) return f;
  f.stream = meta->Stream ? meta->Stream : "";
  f.stream_seq = meta->Sequence.Stream;
  f.delivered = meta->NumDelivered;
  f.timestamp_ns = meta->Timestamp;
  jsMsgMetaData_Destroy(meta);
  return f;
}

class StreamSource : public Source {
 public:
  StreamSource(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)),
        terminate_refused_(options.reject_to_dead_letter) {
    js_ = jetstream_of(*conn_, nullptr);
    try {
      ensure_stream(js_, *conn_);
      subscribe();
    } catch (...) {
      jsCtx_Destroy(js_);
      throw;
    }
    keeper_ = std::thread([this] { keep_alive(); });
  }

  ~StreamSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (take_ready(out)) return Status::message;
      if (stop_requested()) return Status::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      size_t room;
      {
        std::unique_lock lock(mutex_);
        room = conn_->settings().max_inflight - std::min(conn_->settings().max_inflight, held_.size());
        if (room == 0) {  // wait for acks to make room
          changed_.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(100)));
          continue;
        }
      }
      fetch(std::min<size_t>(room, 256), std::min(deadline - now, std::chrono::duration_cast<Clock::duration>(kFetchSlice)));
    }
  }

  bool ready() const override {
    std::lock_guard lock(mutex_);
    return !ready_.empty();
  }

  void ack(uint64_t tag) override { settle(tag, Settle::ack); }
  void reject(uint64_t tag) override { settle(tag, terminate_refused_ ? Settle::term : Settle::nak); }
  void unreceive(uint64_t tag) override { settle(tag, Settle::give_back); }

  void close() override {
    if (!sub_) return;
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      changed_.notify_all();
    }
    keeper_.join();
    {
      // Fetched and not handed out: back to the stream at once, for this or another reader.
      std::lock_guard lock(mutex_);
      for (uint64_t tag : ready_) {
        auto it = held_.find(tag);
        if (it == held_.end()) continue;
        natsMsg_Nak(it->second.msg, nullptr);
        natsMsg_Destroy(it->second.msg);
        held_.erase(it);
      }
      ready_.clear();
      // Handed out and never settled: JetStream delivers them again after ack_wait.
      for (auto& [tag, h] : held_) natsMsg_Destroy(h.msg);
      held_.clear();
    }
    natsSubscription_Destroy(sub_);  // not Unsubscribe: that would delete the durable consumer
    sub_ = nullptr;
    jsCtx_Destroy(js_);
    js_ = nullptr;
    conn_.reset();  // flushes the acks first
  }

 private:
  static constexpr auto kFetchSlice = std::chrono::milliseconds(500);
  enum class Settle { ack, nak, term, give_back };
  struct Held {
    natsMsg* msg;
  };

  // The durable consumer (created when missing), and a pull subscription bound to it.
  void subscribe() {
    const Settings& s = conn_->settings();
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = s.durable.c_str();
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = nanos(s.ack_wait);
    cc.MaxDeliver = s.max_deliver ? static_cast<int64_t>(s.max_deliver) : -1;
    cc.DeliverPolicy = s.deliver == DeliverFrom::fresh  ? js_DeliverNew
                       : s.deliver == DeliverFrom::last ? js_DeliverLast
                                                        : js_DeliverAll;
    cc.MaxAckPending = std::max<int64_t>(1000, static_cast<int64_t>(s.max_inflight) * 2);
    if (!s.subject.empty()) cc.FilterSubject = s.subject.c_str();
    const auto until = Clock::now() + s.connect_timeout;
    for (;;) {
      jsConsumerInfo* info = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus st = js_GetConsumerInfo(&info, js_, s.stream.c_str(), s.durable.c_str(), nullptr, &code);
      if (st != NATS_OK && (code == JSConsumerNotFoundErr || st == NATS_NOT_FOUND))
        st = js_AddConsumer(&info, js_, s.stream.c_str(), &cc, nullptr, &code);
      jsConsumerInfo_Destroy(info);
      if (st == NATS_OK) break;
      if (!retryable(st, code) || Clock::now() >= until || stop_requested())
        throw Error(ErrorKind::unavailable, s.url_text + ": JetStream consumer " + s.durable + " on " + s.stream + ": " +
                                                describe(st) + (code ? " (error " + std::to_string(code) + ")" : ""));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = s.stream.c_str();
    so.Consumer = s.durable.c_str();
    jsErrCode code = static_cast<jsErrCode>(0);
    const char* subject = s.subject.empty() ? ">" : s.subject.c_str();
    const natsStatus st = js_PullSubscribe(&sub_, js_, subject, s.durable.c_str(), nullptr, &so, &code);
    if (st != NATS_OK)
      throw Error(ErrorKind::unavailable, s.url_text + ": JetStream pull subscription: " + describe(st) +
                                              (code ? " (error " + std::to_string(code) + ")" : ""));
  }

  // One pull request: up to `batch` messages within `wait`. Errors other than "none
  // yet" are a lost connection or an election: tried again while the policy allows.
  void fetch(size_t batch, Clock::duration wait) {
    natsMsgList list{};
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus st = natsSubscription_Fetch(&list, sub_, static_cast<int>(batch), std::max<int64_t>(1, millis(wait)), &code);
    if (st == NATS_OK) {
      failing_since_.reset();
      std::lock_guard lock(mutex_);
      for (int k = 0; k < list.Count; ++k) {
        const uint64_t tag = ++next_tag_;
        held_[tag] = Held{list.Msgs[k]};
        list.Msgs[k] = nullptr;
        ready_.push_back(tag);
      }
      natsMsgList_Destroy(&list);
      return;
    }
    natsMsgList_Destroy(&list);
    if (st == NATS_TIMEOUT) return;
    const auto now = Clock::now();
    if (auto why = conn_->gone()) throw Error(ErrorKind::unavailable, *why);
    const std::string why = "JetStream fetch: " + describe(st) + (code ? " (error " + std::to_string(code) + ")" : "");
    if (!failing_since_) {
      failing_since_ = now;
      conn_->warn(why + "; trying again");
    } else if (!conn_->settings().retry.keeps_trying(*failing_since_, now)) {
      throw Error(ErrorKind::unavailable, conn_->settings().url_text + ": " + why + ", for " +
                                              format_duration(conn_->settings().retry.retry_for) + " (?retry keeps trying)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  bool take_ready(Delivery& out) {
    natsMsg* msg = nullptr;
    uint64_t tag = 0;
    {
      std::lock_guard lock(mutex_);
      if (ready_.empty()) return false;
      tag = ready_.front();
      ready_.pop_front();
      msg = held_.at(tag).msg;
    }
    out.message = message_of(msg);
    add_stream_facts(out.message, facts_of(msg));
    stamp(out.message);
    out.tag = tag;
    return true;
  }

  void settle(uint64_t tag, Settle how) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(tag);
    if (it == held_.end()) return;
    natsMsg* msg = it->second.msg;
    held_.erase(it);
    switch (how) {
      case Settle::ack: natsMsg_Ack(msg, nullptr); break;
      case Settle::term: natsMsg_Term(msg, nullptr); break;
      case Settle::give_back: natsMsg_Nak(msg, nullptr); break;
      case Settle::nak: {
        const StreamFacts f = facts_of(msg);
        const int shift = static_cast<int>(std::min<uint64_t>(f.delivered, 7));
        natsMsg_NakWithDelay(msg, std::min<int64_t>(100LL << shift, 10'000), nullptr);
        break;
      }
    }
    natsMsg_Destroy(msg);
    changed_.notify_all();
  }

  // Every held message's AckWait restarted before it runs out.
  void keep_alive() {
    const auto period = std::max<Duration>(conn_->settings().ack_wait / 3, std::chrono::milliseconds(300));
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, period, [&] { return closing_; }))
      for (auto& [tag, h] : held_) natsMsg_InProgress(h.msg, nullptr);
  }

  std::unique_ptr<Connection> conn_;
  bool terminate_refused_;
  jsCtx* js_ = nullptr;
  natsSubscription* sub_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Held> held_;  // fetched, not settled
  std::deque<uint64_t> ready_;     // fetched, not handed out
  uint64_t next_tag_ = 0;
  bool closing_ = false;
  std::optional<Clock::time_point> failing_since_;
  std::thread keeper_;
};

}  // namespace

std::unique_ptr<Source> open_stream_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<StreamSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::nats
