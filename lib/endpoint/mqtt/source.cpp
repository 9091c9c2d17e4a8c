// How a message gets from paho's callback to the pump and its PUBACK back:
//
//   paho receive thread                     pump thread
//   on_message: entry -> ready, waits ...   next(): ready -> handed out
//                                           sink confirms -> ack(tag): entry settled
//   ... returns -> paho sends the PUBACK
//
// A refused message (reject) is handed out again after a back-off, while the callback
// keeps waiting, so the broker never sees a PUBACK for a message the sink did not take.
// QoS 0 messages need no acknowledgement: the callback only waits for room in the buffer.
//
// At close, a callback still waiting on a persistent session (clean=0) must not return,
// or paho would acknowledge a message that was never delivered: it stays parked, the
// client is abandoned, and the process exit closes the socket so that the broker keeps
// the message for the session's next connection.
#include "endpoint/mqtt/source.h"

#include "util/intentional_leak.h"

#include <deque>
#include <map>
#include <set>

#include "endpoint/mqtt/connection.h"
#include "endpoint/mqtt/mapping.h"
#include "endpoint/mqtt/paho_sinks.h"
#include "util/signals.h"

namespace gsmq::endpoint::mqtt {
namespace {

struct Entry {
  Message message;
  bool held = false;  // the callback waits for this one's confirmation (QoS 1/2)
  uint32_t refusals = 0;
  Clock::time_point not_before;
};

// Everything the paho callback and the pump share. Owned jointly, so that an abandoned
// client's parked callback never outlives it.
struct State {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<uint64_t, Entry> entries;  // not settled yet, by tag
  std::deque<uint64_t> ready;         // arrived, not handed out yet, oldest first
  std::set<uint64_t> retry;           // refused, to be handed out again at not_before
  uint64_t next_tag = 0;
  int active_callbacks = 0;  // in on_message now
  int parked_callbacks = 0;  // of those, parked for good
  bool closing = false;
  bool warned_no_wait = false;
  std::optional<std::pair<ErrorKind, std::string>> failure;  // given up, or the subscription refused

  // Settings the callback needs.
  bool persistent = false;
  bool drop_refused = false;
  size_t capacity = 1024;
};

Duration refusal_backoff(uint32_t refusals) {
  const int shift = static_cast<int>(std::min<uint32_t>(refusals, 8));
  return std::min<Duration>(std::chrono::milliseconds(100) * (1 << shift) / 2, std::chrono::seconds(10));
}

void park(std::unique_lock<std::mutex>& lock, State& st) {
  ++st.parked_callbacks;
  st.changed.notify_all();
  for (;;) st.changed.wait(lock);  // until the process exits: see the top of this file
}

void on_message(State& st, Connection& conn, const ::mqtt::const_message_ptr& publish) {
  Message message = message_from_publish(*publish);
  stamp(message);
  // With an MQTT sink in this process, waiting here would stop that sink's own acks.
  const bool may_wait = !paho_sinks_open();
  std::unique_lock lock(st.mutex);
  if (!may_wait && !st.warned_no_wait) {
    st.warned_no_wait = true;
    lock.unlock();
    conn.warn("an MQTT sink runs in the same process: messages are acknowledged to the broker on "
              "receipt, not after delivery (bridge through gsmqd for at-least-once across restarts)");
    lock.lock();
  }
  ++st.active_callbacks;
  if (st.closing) {
    if (st.persistent && may_wait && publish->get_qos() > 0) park(lock, st);
    --st.active_callbacks;
    st.changed.notify_all();
    return;
  }
  const uint64_t tag = ++st.next_tag;
  Entry& e = st.entries[tag];
  e.message = std::move(message);
  e.held = publish->get_qos() > 0 && may_wait;
  st.ready.push_back(tag);
  st.changed.notify_all();
  if (e.held) {
    for (;;) {
      auto it = st.entries.find(tag);
      if (it == st.entries.end()) break;  // delivered: return, and paho sends the PUBACK
      if (st.closing) {
        if (st.persistent) park(lock, st);  // closing before it was delivered
        st.entries.erase(it);
        break;
      }
      if (paho_sinks_open()) {  // an MQTT sink opened meanwhile (paho_sinks.h): stop holding paho
        it->second.held = false;
        break;
      }
      st.changed.wait_for(lock, std::chrono::milliseconds(100));
    }
  } else if (may_wait) {
    while (st.ready.size() >= st.capacity && !st.closing && !paho_sinks_open())
      st.changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  --st.active_callbacks;
  st.changed.notify_all();
}

// Records a refused subscription, which ends the source with exit 6.
class SubscribeListener : public ::mqtt::iaction_listener {
 public:
  SubscribeListener(std::shared_ptr<State> st, Connection& conn) : st_(std::move(st)), conn_(conn) {}
  void on_success(const ::mqtt::token& token) override {
    const ::mqtt::subscribe_response response = token.get_subscribe_response();
    for (auto code : response.get_reason_codes())
      if (code >= 0x80) refused(code);
  }
  void on_failure(const ::mqtt::token& token) override {
    // MQTT 3.1.1: the SUBACK's 0x80 is the return code (the reason code is paho.mqtt.cpp's placeholder 255).
    const int reason = conn_.settings().version == 5 ? token.get_reason_code() : 0;
    const int code = reason > 0 && reason != 255 ? reason : token.get_return_code();
    if (code >= 0x80) refused(code);
    else conn_.warn("subscribing to " + conn_.settings().topic + " failed (code " + std::to_string(code) +
                    "); trying again after a reconnect");
  }

 private:
  void refused(int code) {
    std::lock_guard lock(st_->mutex);
    st_->failure = {ErrorKind::refused, conn_.settings().url_text + ": the broker refused the subscription to " +
                                      conn_.settings().topic + " (reason " + std::to_string(code) + ")"};
    st_->changed.notify_all();
  }
  std::shared_ptr<State> st_;
  Connection& conn_;
};

class MqttSource : public Source {
 public:
  MqttSource(Settings settings, const EndpointOptions& options) : st_(std::make_shared<State>()) {
    st_->persistent = settings.persistent();
    st_->drop_refused = options.reject_to_dead_letter;
    st_->capacity = settings.max_inflight;
    conn_ = std::make_unique<Connection>(std::move(settings), options.diagnostics);
    subscribed_ = std::make_unique<SubscribeListener>(st_, *conn_);
    auto st = st_;
    Connection* conn = conn_.get();
    conn_->client().set_message_callback([st, conn](::mqtt::const_message_ptr m) { on_message(*st, *conn, m); });
    Connection::Hooks hooks;
    // Subscribing from paho's own thread: from any other thread paho would wait for its
    // global lock, which a callback holding a message of the session's backlog keeps.
    hooks.on_paho_thread_connected = [this] { subscribe(); };
    hooks.gave_up = [st](const std::string& reason) {
      std::lock_guard lock(st->mutex);
      st->failure = {ErrorKind::unavailable, reason};
      st->changed.notify_all();
    };
    conn_->start(std::move(hooks));
  }

  ~MqttSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    State& st = *st_;
    std::unique_lock lock(st.mutex);
    for (;;) {
      if (st.failure) throw Error(st.failure->first, st.failure->second);
      const auto now = Clock::now();
      auto wake = std::min(deadline, now + std::chrono::milliseconds(100));
      uint64_t tag = 0;
      for (uint64_t t : st.retry) {
        auto it = st.entries.find(t);
        const auto when = it == st.entries.end() ? now : it->second.not_before;
        if (when <= now) {
          tag = t;
          break;
        }
        wake = std::min(wake, when);
      }
      if (tag) {
        st.retry.erase(tag);
      } else if (!st.ready.empty()) {
        tag = st.ready.front();
        st.ready.pop_front();
        st.changed.notify_all();  // room for a waiting QoS 0 callback
      }
      if (tag) {
        auto it = st.entries.find(tag);
        if (it == st.entries.end()) continue;  // given up at close
        out.message = it->second.message;
        out.tag = tag;
        return Status::message;
      }
      if (stop_requested()) return Status::stopped;
      if (now >= deadline) return Status::timeout;
      st.changed.wait_until(lock, wake);
    }
  }

  void ack(uint64_t tag) override {
    std::lock_guard lock(st_->mutex);
    st_->entries.erase(tag);
    st_->changed.notify_all();
  }

  void reject(uint64_t tag) override {
    std::unique_lock lock(st_->mutex);
    auto it = st_->entries.find(tag);
    if (it == st_->entries.end()) return;
    if (st_->drop_refused) {
      const std::string topic = it->second.message.channel;
      st_->entries.erase(it);
      st_->changed.notify_all();
      lock.unlock();
      conn_->warn("a message on " + topic + " was refused and is dropped");
      return;
    }
    Entry& e = it->second;
    e.not_before = Clock::now() + refusal_backoff(++e.refusals);
    st_->retry.insert(tag);
    st_->changed.notify_all();
  }

  void close() override {
    if (!conn_) return;
    bool parked;
    {
      std::unique_lock lock(st_->mutex);
      st_->closing = true;
      st_->changed.notify_all();
      // A callback whose message was delivered returns now, and paho sends its PUBACK
      // before it reads the next message; one that was not delivered parks.
      st_->changed.wait_for(lock, std::chrono::seconds(2),
                            [&] { return st_->active_callbacks == st_->parked_callbacks; });
      parked = st_->parked_callbacks > 0 || st_->active_callbacks > 0;
    }
    if (parked) {
      conn_->abandon();
      intentionally_leak(conn_.release());  // see the top of this file
      intentionally_leak(subscribed_.release());
      return;
    }
    if (!conn_->stop()) {
      intentionally_leak(conn_.release());
      intentionally_leak(subscribed_.release());
    }
    conn_.reset();
  }

 private:
  // On every connect (a resumed session keeps its subscription, but the filter may have
  // changed); asynchronous, the SUBACK comes later on paho's thread.
  void subscribe() {
    const Settings& s = conn_->settings();
    ::mqtt::subscribe_options options;
    if (s.version == 5 && s.persistent())
      options.set_retain_handling(::mqtt::subscribe_options::SEND_RETAINED_ON_NEW);
    try {
      conn_->client().subscribe(s.topic, s.qos, nullptr, *subscribed_, options);
    } catch (const ::mqtt::exception& e) {
      conn_->warn("subscribing to " + s.topic + " failed: " + e.what());
    }
  }

  std::shared_ptr<State> st_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<SubscribeListener> subscribed_;
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<MqttSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::mqtt
