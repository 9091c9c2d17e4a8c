#include "endpoint/nats/sink.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "endpoint/nats/connection.h"
#include "endpoint/nats/message_io.h"

namespace gsmq::endpoint::nats {
namespace {

// Threads: the pump's send() publishes and queues the confirmation; a confirmer thread
// flushes whatever was published meanwhile (one PING for a whole batch) and confirms it.
class CoreSink : public Sink {
 public:
  CoreSink(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)) {
    confirmer_ = std::thread([this] { confirm_loop(); });
  }

  ~CoreSink() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      changed_.notify_all();
    }
    confirmer_.join();
    conn_.reset();  // what is still unconfirmed was counted by the caller's flush
  }

  void send(Message message, Done done) override {
    stamp(message);
    const Outgoing out = outgoing_for(message, conn_->settings().subject);
    if (!out.error.empty()) return done(SendResult::failed(out.error));
    {
      // Back-pressure: at most max_inflight messages published and not confirmed yet.
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return pending_.size() + confirming_ < conn_->settings().max_inflight || failure_; });
      if (failure_) {
        const std::string why = *failure_;
        lock.unlock();
        return done(SendResult::unavailable(why));
      }
    }
    std::string error;
    natsMsg* msg = build_msg(out, message.body, error);
    if (!msg) return done(SendResult::failed(error));
    const natsStatus st = natsConnection_PublishMsg(conn_->get(), msg);
    natsMsg_Destroy(msg);
    if (st != NATS_OK) {
      if (st == NATS_CONNECTION_CLOSED) return done(SendResult::unavailable(conn_->settings().url_text + ": " + describe(st)));
      return done(SendResult::failed("publishing to " + out.subject + " failed: " + describe(st)));
    }
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(done));
    changed_.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return pending_.empty() && confirming_ == 0; });
  }

 private:
  // Flushes until the server answered (reconnecting as the policy allows), then confirms
  // what was published before the flush.
  void confirm_loop() {
    const int64_t slice = std::max<int64_t>(100, millis(conn_->settings().connect_timeout));
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return closing_ || !pending_.empty(); });
      if (closing_) return;
      std::vector<Done> batch;
      batch.swap(pending_);
      confirming_ = batch.size();
      lock.unlock();
      SendResult result = SendResult::ok();
      for (;;) {
        natsStatus st = NATS_TIMEOUT;
        if (conn_->connected()) st = natsConnection_FlushTimeout(conn_->get(), slice);
        if (st == NATS_OK) break;
        if (auto why = conn_->gone()) {
          result = SendResult::unavailable(*why);
          break;
        }
        {
          std::lock_guard l(mutex_);
          if (closing_) return;
        }
        if (!conn_->connected()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      for (Done& d : batch) d(result);
      lock.lock();
      if (result.status != SendResult::Status::ok) failure_ = result.error;
      confirming_ = 0;
      changed_.notify_all();
    }
  }

  std::unique_ptr<Connection> conn_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Done> pending_;  // published, waiting for the next flush
  size_t confirming_ = 0;      // in the flush under way
  bool closing_ = false;
  std::optional<std::string> failure_;
  std::thread confirmer_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<CoreSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::nats
