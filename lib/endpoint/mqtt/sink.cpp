#include "endpoint/mqtt/sink.h"

#include <map>
#include <set>

#include "endpoint/mqtt/connection.h"
#include "endpoint/mqtt/mapping.h"
#include "endpoint/mqtt/paho_sinks.h"

namespace gsmq::endpoint::mqtt {
namespace {

class MqttSink : public Sink, private ::mqtt::iaction_listener {
 public:
  MqttSink(Settings settings, const EndpointOptions& options) : settings_(settings) {
    paho_sink_opened();
    try {
      conn_ = std::make_unique<Connection>(std::move(settings), options.diagnostics);
      Connection::Hooks hooks;
      hooks.connected = [this](bool, bool first) {
        if (!first) drain();
      };
      hooks.lost = [this] { requeue_in_flight(); };
      hooks.gave_up = [this](const std::string& reason) { fail_all(reason); };
      conn_->start(std::move(hooks));
    } catch (...) {
      conn_.reset();
      paho_sink_closed();
      throw;
    }
  }

  ~MqttSink() override {
    conn_.reset();  // disconnects; what is still unconfirmed was counted by the caller's flush
    paho_sink_closed();
  }

  void send(Message message, Done done) override {
    Publication p = publication_for(message, settings_);
    if (!p.message) return done(SendResult::failed(p.error));
    {
      std::unique_lock lock(mutex_);
      // Back-pressure: at most max_inflight messages not confirmed yet.
      while (entries_.size() >= settings_.max_inflight && !failure_) {
        lock.unlock();
        drain();
        lock.lock();
        changed_.wait_for(lock, std::chrono::milliseconds(50),
                          [&] { return entries_.size() < settings_.max_inflight || failure_; });
      }
      if (failure_) {
        lock.unlock();
        return done(SendResult::failed(*failure_));
      }
      const uint64_t seq = ++next_seq_;
      Entry& e = entries_[seq];
      e.publish = std::move(p.message);
      e.id = message.id;
      e.done = std::move(done);
      waiting_.insert(seq);
    }
    drain();
  }

  bool flush(Clock::time_point deadline) override {
    for (;;) {
      drain();
      std::unique_lock lock(mutex_);
      if (entries_.empty()) return true;
      if (Clock::now() >= deadline) return false;
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
  }

 private:
  struct Entry {
    ::mqtt::const_message_ptr publish;
    std::string id;
    Done done;
  };

  // Publishes waiting messages, oldest first, while connected and below max_inflight.
  // One thread at a time; paho is called without holding mutex_ (its callbacks take it).
  void drain() {
    std::unique_lock lock(mutex_);
    if (draining_) return;
    draining_ = true;
    for (;;) {
      if (waiting_.empty() || in_flight_.size() >= settings_.max_inflight || failure_ || !conn_ ||
          !conn_->connected())
        break;
      const uint64_t seq = *waiting_.begin();
      waiting_.erase(waiting_.begin());
      const uint64_t attempt = ++next_attempt_;
      in_flight_[attempt] = seq;
      ::mqtt::const_message_ptr publish = entries_.at(seq).publish;
      lock.unlock();
      std::optional<::mqtt::exception> error;
      try {
        conn_->client().publish(publish, reinterpret_cast<void*>(static_cast<uintptr_t>(attempt)), *this);
      } catch (const ::mqtt::exception& e) {
        error = e;
      }
      lock.lock();
      if (!error || !in_flight_.erase(attempt)) continue;
      const int rc = error->get_return_code();
      if (rc == MQTTASYNC_DISCONNECTED || rc == MQTTASYNC_MAX_MESSAGES_INFLIGHT || rc == MQTTASYNC_MAX_BUFFERED_MESSAGES ||
          rc == MQTTASYNC_OPERATION_INCOMPLETE) {
        waiting_.insert(seq);  // again after a reconnect, or when acks made room
        break;
      }
      Done done = take(seq);
      lock.unlock();
      done(SendResult::failed("publishing to " + publish->get_topic() + " failed: " + error->what()));
      lock.lock();
    }
    draining_ = false;
  }

  // Removes a message and hands back its confirmation callback; mutex_ held.
  Done take(uint64_t seq) {
    auto it = entries_.find(seq);
    Done done = std::move(it->second.done);
    entries_.erase(it);
    changed_.notify_all();
    return done;
  }

  // paho: the broker acknowledged a publish (or, QoS 0, it was written).
  void on_success(const ::mqtt::token& token) override {
    const auto attempt = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(token.get_user_context()));
    std::unique_lock lock(mutex_);
    auto it = in_flight_.find(attempt);
    if (it == in_flight_.end()) return;  // an attempt from before a reconnect: published again
    const uint64_t seq = it->second;
    in_flight_.erase(it);
    SendResult result;
    result.id = entries_.at(seq).id;
    result.channel = entries_.at(seq).publish->get_topic();
    Done done = take(seq);
    lock.unlock();
    done(result);
  }

  // paho: a publish failed. A refusal by an MQTT 5 broker (reason >= 0x80) fails the
  // message; anything else (the connection dropped) publishes it again.
  void on_failure(const ::mqtt::token& token) override {
    const auto attempt = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(token.get_user_context()));
    std::unique_lock lock(mutex_);
    auto it = in_flight_.find(attempt);
    if (it == in_flight_.end()) return;
    const uint64_t seq = it->second;
    in_flight_.erase(it);
    // MQTT 3.1.1 has no negative acks (paho.mqtt.cpp reports its placeholder code 255).
    const int reason = settings_.version == 5 ? token.get_reason_code() : 0;
    if (reason < 0x80 || reason == 255) {
      waiting_.insert(seq);
      changed_.notify_all();
      return;
    }
    const std::string topic = entries_.at(seq).publish->get_topic();
    Done done = take(seq);
    lock.unlock();
    done(SendResult::failed("the broker refused the message on " + topic + " (reason " + std::to_string(reason) + ")"));
  }

  void requeue_in_flight() {
    std::lock_guard lock(mutex_);
    for (const auto& [attempt, seq] : in_flight_) waiting_.insert(seq);
    in_flight_.clear();
    changed_.notify_all();
  }

  void fail_all(const std::string& reason) {
    std::vector<Done> dones;
    {
      std::lock_guard lock(mutex_);
      failure_ = reason;
      for (auto& [seq, e] : entries_) dones.push_back(std::move(e.done));
      entries_.clear();
      waiting_.clear();
      in_flight_.clear();
      changed_.notify_all();
    }
    for (auto& d : dones) d(SendResult::failed(reason));
  }

  Settings settings_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Entry> entries_;        // not confirmed yet, by sequence
  std::set<uint64_t> waiting_;               // to publish (again), oldest first
  std::map<uint64_t, uint64_t> in_flight_;   // publish attempt -> sequence
  uint64_t next_seq_ = 0, next_attempt_ = 0;
  bool draining_ = false;
  std::optional<std::string> failure_;
  std::unique_ptr<Connection> conn_;  // last: destroyed first, while the above still exist
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<MqttSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::mqtt
