// Each SEND carries receipt:N (N: the message's sequence in this sink). The broker's
// RECEIPT for N confirms it; an ERROR with receipt-id N fails it, and one without a
// receipt-id fails the oldest SEND still waiting (the broker may close the connection). After a reconnect every message without its receipt is sent again, in
// order: at least once.
#include "endpoint/stomp/sink.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "endpoint/stomp/connection.h"
#include "endpoint/stomp/mapping.h"

namespace gsmq::endpoint::stomp {
namespace {

class StompSink : public Sink {
 public:
  StompSink(Settings settings, const EndpointOptions& options)
      : settings_(std::move(settings)), conn_(settings_, options.diagnostics) {
    Connection::Hooks hooks;
    hooks.connected = [this](bool first) {
      if (!first) resend();
    };
    hooks.frame = [this](const Frame& f) { on_frame(f); };
    hooks.gave_up = [this](const std::string& why) { fail_all(why); };
    conn_.start(std::move(hooks));
  }

  ~StompSink() override { conn_.stop(); }

  void send(Message message, Done done) override {
    Send s = send_frame_for(message, settings_);
    if (!s.error.empty()) return done(SendResult::failed(s.error));
    uint64_t seq;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return entries_.size() < settings_.max_inflight || failure_; });
      if (failure_) {
        lock.unlock();
        return done(SendResult::unavailable(*failure_));
      }
      seq = ++next_seq_;
      s.frame.add("receipt", std::to_string(seq));
      Entry& e = entries_[seq];
      e.frame = std::move(s.frame);
      e.id = message.id;
      e.done = std::move(done);
      conn_.send(e.frame);  // not connected: sent again from resend()
    }
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return entries_.empty() || failure_; }) && entries_.empty();
  }

 private:
  struct Entry {
    Frame frame;
    std::string id;
    Done done;
  };

  void resend() {
    std::lock_guard lock(mutex_);
    for (const auto& [seq, e] : entries_) conn_.send(e.frame);
  }

  void on_frame(const Frame& f) {
    if (f.command != "RECEIPT" && f.command != "ERROR") return;
    const auto id = f.header("receipt-id");
    uint64_t seq = 0;
    if (id) {
      try {
        seq = std::stoull(*id);
      } catch (...) {
        return;
      }
    }
    Done done;
    SendResult result;
    {
      std::lock_guard lock(mutex_);
      // An ERROR that names no receipt (RabbitMQ's "Unknown destination") answers the
      // oldest SEND without its receipt: frames are answered in order.
      auto it = id ? entries_.find(seq) : entries_.begin();
      if (it == entries_.end()) return;
      done = std::move(it->second.done);
      if (f.command == "ERROR") {
        std::string why = "the broker refused it: " + f.header("message").value_or("ERROR") +
                          (f.body.empty() ? "" : " (" + f.body.substr(0, 200) + ")");
        std::replace(why.begin(), why.end(), '\n', ' ');
        result = SendResult::failed(why);
      } else {
        result.id = it->second.id;
        result.channel = it->second.frame.header("destination").value_or("");
      }
      entries_.erase(it);
    }
    changed_.notify_all();
    done(result);
  }

  void fail_all(const std::string& why) {
    std::map<uint64_t, Entry> failed;
    {
      std::lock_guard lock(mutex_);
      failure_ = why;
      failed.swap(entries_);
    }
    changed_.notify_all();
    for (auto& [seq, e] : failed) e.done(SendResult::unavailable(why));
  }

  Settings settings_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Entry> entries_;  // sent, no receipt yet, by sequence
  uint64_t next_seq_ = 0;
  std::optional<std::string> failure_;
  Connection conn_;  // last: stopped first, while the above still exist
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<StompSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::stomp
