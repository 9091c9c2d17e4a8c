// SUBSCRIBE with ack:client-individual (and RabbitMQ's prefetch-count: at most
// ?max_inflight MESSAGEs without their ACK). Each MESSAGE goes to the pump through an
// inbox; the sink's confirmation sends ACK id:<its ack header>, a refusal NACK after a
// back-off (RabbitMQ requeues it; with gsmq-recv --exec, requeue:false dead-letters it).
// A lost connection makes the broker requeue everything not ACKed; the source
// subscribes again and acks of the old connection are dropped: at least once.
#include "endpoint/stomp/source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "endpoint/backoff.h"
#include "endpoint/inbox.h"
#include "endpoint/stomp/connection.h"
#include "endpoint/stomp/mapping.h"

namespace gsmq::endpoint::stomp {
namespace {

constexpr const char* kSubscription = "0";

class StompSource : public Source {
 public:
  StompSource(Settings settings, const EndpointOptions& options)
      : settings_(std::move(settings)), conn_(settings_, options.diagnostics) {
    Connection::Hooks hooks;
    hooks.connected = [this](bool) { subscribe(); };
    hooks.frame = [this](const Frame& f) { on_frame(f); };
    hooks.lost = [this](const std::string&) {
      std::lock_guard lock(mutex_);
      ++generation_;
    };
    hooks.gave_up = [this](const std::string& why) {
      std::lock_guard lock(mutex_);
      failure_ = {ErrorKind::unavailable, settings_.url_text + ": " + why};
    };
    conn_.start(std::move(hooks));
    pacer_ = std::thread([this] { pace(); });
  }

  ~StompSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    return next_from(inbox_, out, deadline, [this] {
      std::lock_guard lock(mutex_);
      if (failure_) throw Error(failure_->first, failure_->second);
    });
  }

  void ack(uint64_t tag) override {
    std::unique_lock lock(mutex_);
    auto it = unsettled_.find(tag);
    if (it == unsettled_.end()) return;
    const Unsettled u = it->second;
    unsettled_.erase(it);
    refusals_.erase(u.id);
    lock.unlock();
    if (u.generation == current_generation()) conn_.send(Frame{"ACK", {{"id", u.ack}}, ""});
  }

  void reject(uint64_t tag) override {
    std::lock_guard lock(mutex_);
    auto it = unsettled_.find(tag);
    if (it == unsettled_.end()) return;
    uint32_t& n = refusals_[it->second.id];
    if (refusals_.size() > 100'000) refusals_.clear();
    nacks_.push_back(Nack{it->second, Clock::now() + refusal_backoff(n++)});
    unsettled_.erase(it);
    changed_.notify_all();
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
      closing_ = true;
    }
    changed_.notify_all();
    if (pacer_.joinable()) pacer_.join();
    send_nacks(true);
    conn_.stop();  // DISCONNECT with a receipt: the acks before it reached the broker
    inbox_.close();
  }

 private:
  struct Unsettled {
    uint64_t generation;
    std::string ack, id;
  };
  struct Nack {
    Unsettled what;
    Clock::time_point not_before;
  };

  uint64_t current_generation() {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  void subscribe() {
    Frame sub{"SUBSCRIBE",
              {{"id", kSubscription},
               {"destination", settings_.destination},
               {"ack", "client-individual"},
               {"prefetch-count", std::to_string(settings_.max_inflight)}},
              ""};
    conn_.send(sub);
  }

  void on_frame(const Frame& f) {
    if (f.command == "ERROR") {
      conn_.warn("the broker said ERROR: " + f.header("message").value_or("") +
                 (f.body.empty() ? "" : " (" + f.body.substr(0, 200) + ")"));
      return;
    }
    if (f.command != "MESSAGE") return;
    Delivery d;
    d.message = message_from_frame(f);
    {
      std::lock_guard lock(mutex_);
      d.tag = ++next_tag_;
      // STOMP 1.2: ACK by the MESSAGE's ack header (1.1 brokers: by message-id)
      unsettled_[d.tag] = Unsettled{generation_, f.header("ack").value_or(f.header("message-id").value_or("")), d.message.id};
    }
    inbox_.push(std::move(d));
  }

  // Sends the NACKs that are due (all of them when `all`).
  void send_nacks(bool all) {
    std::vector<Nack> due;
    uint64_t generation;
    {
      std::lock_guard lock(mutex_);
      generation = generation_;
      const auto now = Clock::now();
      for (auto it = nacks_.begin(); it != nacks_.end();) {
        if (all || it->not_before <= now) {
          due.push_back(*it);
          it = nacks_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const Nack& n : due) {
      if (n.what.generation != generation) continue;  // requeued by the broker already
      Frame nack{"NACK", {{"id", n.what.ack}}, ""};
      if (settings_.reject_to_dead_letter) nack.add("requeue", "false");
      conn_.send(nack);
    }
  }

  void pace() {
    std::unique_lock lock(mutex_);
    while (!closing_) {
      changed_.wait_for(lock, std::chrono::milliseconds(50));
      lock.unlock();
      send_nacks(false);
      lock.lock();
    }
  }

  Settings settings_;
  Inbox<Delivery> inbox_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Unsettled> unsettled_;
  std::deque<Nack> nacks_;
  std::map<std::string, uint32_t> refusals_;
  uint64_t next_tag_ = 0, generation_ = 0;
  bool closing_ = false;
  std::optional<std::pair<ErrorKind, std::string>> failure_;
  std::thread pacer_;
  Connection conn_;  // last: stopped first, while the above still exist
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<StompSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::stomp
