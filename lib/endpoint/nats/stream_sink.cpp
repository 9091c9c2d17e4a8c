// Threads: the pump's send() queues a message; one publisher thread publishes what is
// due (new, or a retry whose back-off passed) with js_PublishMsgAsync; nats.c's thread
// calls on_ack with the PubAck or the failure, which confirms the message or makes it
// due again. The state they share is never freed while nats.c may still call on_ack.
#include "endpoint/nats/stream_sink.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "endpoint/backoff.h"
#include "endpoint/nats/connection.h"
#include "endpoint/nats/message_io.h"
#include "endpoint/nats/stream_setup.h"
#include "util/intentional_leak.h"

namespace gsmq::endpoint::nats {
namespace {

struct Entry {
  Outgoing out;
  std::string body;
  Sink::Done done;
  bool in_flight = false;
  uint32_t attempts = 0;
  std::optional<Clock::time_point> failing_since;
  Clock::time_point not_before;
  std::string last_error;
};

struct State {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<uint64_t, Entry> entries;              // not confirmed yet, by sequence
  std::set<uint64_t> due;                         // to publish (again), oldest first
  std::multimap<std::string, uint64_t> in_flight;  // Nats-Msg-Id -> sequence
  uint64_t next_seq = 0;
  bool closing = false;
  std::optional<std::string> failure;  // given up: every later message fails at once
  Settings settings;
  Connection* conn = nullptr;
};

Duration retry_delay(uint32_t attempts) {
  const int shift = static_cast<int>(std::min<uint32_t>(attempts, 6));
  return std::min<Duration>(std::chrono::milliseconds(50) * (1 << shift), std::chrono::seconds(2));
}

// A failed attempt of entry `seq`: due again after a back-off, or, when the policy gives
// up, the end of this sink (what is left fails as unavailable). Lock held; returns the
// confirmations to run after unlocking.
std::vector<std::pair<Sink::Done, SendResult>> failed_attempt(State& st, uint64_t seq, const std::string& why,
                                                              bool retry) {
  std::vector<std::pair<Sink::Done, SendResult>> out;
  auto it = st.entries.find(seq);
  if (it == st.entries.end()) return out;
  Entry& e = it->second;
  e.in_flight = false;
  e.last_error = why;
  const auto now = Clock::now();
  if (!e.failing_since) e.failing_since = now;
  if (!retry) {
    out.emplace_back(std::move(e.done), SendResult::failed("publishing to " + e.out.subject + ": " + why));
    st.entries.erase(it);
    return out;
  }
  if (st.closing || !st.settings.retry.keeps_trying(*e.failing_since, now)) {
    const std::string reason = st.settings.url_text + ": JetStream did not confirm a message within " +
                               format_duration(st.settings.retry.retry_for) + " (" + why + "; ?retry keeps trying)";
    st.failure = reason;
    for (auto& [s, entry] : st.entries) out.emplace_back(std::move(entry.done), SendResult::unavailable(reason));
    st.entries.clear();
    st.due.clear();
    st.in_flight.clear();
    return out;
  }
  e.not_before = now + retry_delay(e.attempts);
  st.due.insert(seq);
  return out;
}

void run(std::vector<std::pair<Sink::Done, SendResult>>& confirmations) {
  for (auto& [done, result] : confirmations) done(result);
}

void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto& st = *static_cast<State*>(closure);
  const char* id = nullptr;
  if (natsMsgHeader_Get(msg, std::string(kMsgIdHeader).c_str(), &id) != NATS_OK) id = nullptr;
  std::vector<std::pair<Sink::Done, SendResult>> confirmations;
  {
    std::lock_guard lock(st.mutex);
    auto f = id ? st.in_flight.find(id) : st.in_flight.end();
    if (f != st.in_flight.end()) {
      const uint64_t seq = f->second;
      st.in_flight.erase(f);
      auto it = st.entries.find(seq);
      if (it != st.entries.end() && pa) {
        SendResult r = SendResult::ok();
        r.id = id;
        r.channel = it->second.out.subject;
        r.seq = pa->Sequence;
        r.retries = it->second.attempts > 0 ? it->second.attempts - 1 : 0;
        confirmations.emplace_back(std::move(it->second.done), std::move(r));
        st.entries.erase(it);
      } else if (it != st.entries.end()) {
        const natsStatus err = pae ? pae->Err : NATS_ERR;
        const jsErrCode code = pae ? pae->ErrCode : static_cast<jsErrCode>(0);
        std::string why = pae && pae->ErrText && *pae->ErrText ? pae->ErrText : natsStatus_GetText(err);
        confirmations = failed_attempt(st, seq, why, retryable(err, code));
      }
    }
    st.changed.notify_all();
  }
  natsMsg_Destroy(msg);
  run(confirmations);
}

class StreamSink : public Sink {
 public:
  StreamSink(Settings settings, const EndpointOptions& options) : st_(new State) {
    st_->settings = settings;
    try {  // nothing was published yet: no on_ack can come, the state may go
      conn_ = std::make_unique<Connection>(std::move(settings), options.diagnostics);
      st_->conn = conn_.get();
      jsOptions o;
      jsOptions_Init(&o);
      o.Wait = millis(st_->settings.ack_timeout);
      o.PublishAsync.AckHandler = on_ack;
      o.PublishAsync.AckHandlerClosure = st_;
      o.PublishAsync.MaxPending = static_cast<int64_t>(st_->settings.max_inflight) * 2;
      js_ = jetstream_of(*conn_, &o);
      ensure_stream(js_, *conn_);
    } catch (...) {
      if (js_) jsCtx_Destroy(js_);
      conn_.reset();
      delete st_;
      throw;
    }
    publisher_ = std::thread([this] { publish_loop(); });
  }

  ~StreamSink() override {
    {
      std::lock_guard lock(st_->mutex);
      st_->closing = true;
      st_->changed.notify_all();
    }
    publisher_.join();
    jsCtx_Destroy(js_);
    conn_.reset();
    // nats.c may still be inside on_ack (its own thread): the state stays. What is
    // still unconfirmed was counted by the caller's flush.
    std::lock_guard lock(st_->mutex);
    st_->entries.clear();
    st_->conn = nullptr;
    intentionally_leak(st_);
  }

  void send(Message message, Done done) override {
    stamp(message);  // id and ts fixed before the first attempt: a retry repeats them
    Outgoing out = outgoing_for(message, st_->settings.subject);
    if (!out.error.empty()) return done(SendResult::failed(out.error));
    std::unique_lock lock(st_->mutex);
    // Back-pressure: at most max_inflight messages not confirmed yet.
    st_->changed.wait(lock, [&] { return st_->entries.size() < st_->settings.max_inflight || st_->failure; });
    if (st_->failure) {
      const std::string why = *st_->failure;
      lock.unlock();
      return done(SendResult::unavailable(why));
    }
    const uint64_t seq = ++st_->next_seq;
    Entry& e = st_->entries[seq];
    e.out = std::move(out);
    e.body = std::move(message.body);
    e.done = std::move(done);
    st_->due.insert(seq);
    st_->changed.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(st_->mutex);
    return st_->changed.wait_until(lock, deadline, [&] { return st_->entries.empty(); });
  }

 private:
  // Publishes what is due, oldest first; nats.c is called without the lock (on_ack takes it).
  void publish_loop() {
    State& st = *st_;
    std::unique_lock lock(st.mutex);
    while (!st.closing) {
      const auto now = Clock::now();
      auto wake = now + std::chrono::milliseconds(200);
      uint64_t seq = 0;
      for (uint64_t s : st.due) {
        const Entry& e = st.entries.at(s);
        if (e.not_before <= now) {
          seq = s;
          break;
        }
        wake = std::min(wake, e.not_before);
      }
      if (!seq) {
        st.changed.wait_until(lock, wake);
        continue;
      }
      st.due.erase(seq);
      Entry& e = st.entries.at(seq);
      e.in_flight = true;
      ++e.attempts;
      const std::string id = e.out.headers.front().second;  // Nats-Msg-Id (mapping.h puts it first)
      st.in_flight.emplace(id, seq);
      std::string error;
      natsMsg* msg = build_msg(e.out, e.body, error);
      lock.unlock();
      natsStatus status = NATS_ERR;
      const bool built = msg != nullptr;
      if (built) {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = millis(st.settings.ack_timeout);
        po.MsgId = id.c_str();
        po.ExpectStream = st.settings.stream.c_str();
        status = js_PublishMsgAsync(js_, &msg, &po);
        if (status != NATS_OK) error = describe(status);
        natsMsg_Destroy(msg);  // nothing when nats.c took it
      }
      lock.lock();
      if (status == NATS_OK) continue;
      // Not published: no on_ack will come for this attempt.
      for (auto [f, end] = st.in_flight.equal_range(id); f != end; ++f)
        if (f->second == seq) {
          st.in_flight.erase(f);
          break;
        }
      auto confirmations = failed_attempt(st, seq, error, built && retryable(status, static_cast<jsErrCode>(0)));
      lock.unlock();
      run(confirmations);
      lock.lock();
    }
  }

  State* st_;
  std::unique_ptr<Connection> conn_;
  jsCtx* js_ = nullptr;
  std::thread publisher_;
};

}  // namespace

std::unique_ptr<Sink> open_stream_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<StreamSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::nats
