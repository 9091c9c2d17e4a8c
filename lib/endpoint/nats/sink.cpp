#include "endpoint/nats/sink.h"

#include <thread>
#include <vector>

#include "endpoint/nats/connection.h"
#include "endpoint/nats/message_io.h"
#include "util/signals.h"

namespace gsmq::endpoint::nats {
namespace {

class CoreSink : public Sink {
 public:
  CoreSink(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)) {}

  ~CoreSink() override = default;  // what is still unconfirmed was counted by the caller's flush

  void send(Message message, Done done) override {
    if (failure_) return done(SendResult::unavailable(*failure_));
    stamp(message);  // id and ts fixed before the first attempt: a retry repeats them
    const Outgoing out = outgoing_for(message, conn_->settings().subject);
    if (!out.error.empty()) return done(SendResult::failed(out.error));
    std::string error;
    natsMsg* msg = build_msg(out, message.body, error);
    if (!msg) return done(SendResult::failed(error));
    const natsStatus st = natsConnection_PublishMsg(conn_->get(), msg);
    natsMsg_Destroy(msg);
    if (st != NATS_OK) {
      if (st == NATS_CONNECTION_CLOSED) return done(SendResult::unavailable(conn_->settings().url_text + ": " + describe(st)));
      return done(SendResult::failed("publishing to " + out.subject + " failed: " + describe(st)));
    }
    pending_.push_back(std::move(done));
    if (!more_follows_ || pending_.size() >= conn_->settings().max_inflight) confirm(Clock::time_point::max());
  }

  void more_follows(bool more) override { more_follows_ = more; }
  void release() override { confirm(Clock::time_point::max()); }

  bool flush(Clock::time_point deadline) override { return confirm(deadline); }

 private:
  // Flushes until the server answered, reconnecting as the policy allows, then confirms
  // what was published before; false when `deadline` came first.
  bool confirm(Clock::time_point deadline) {
    if (pending_.empty()) return true;
    const int64_t slice = std::max<int64_t>(100, millis(conn_->settings().connect_timeout));
    for (;;) {
      natsStatus st = NATS_TIMEOUT;
      if (conn_->connected()) st = natsConnection_FlushTimeout(conn_->get(), slice);
      if (st == NATS_OK) break;
      if (auto why = conn_->gone()) {
        failure_ = *why;
        return finish(SendResult::unavailable(*why));
      }
      if (Clock::now() >= deadline) return false;
      if (deadline == Clock::time_point::max() && stop_requested()) return false;  // flush() decides then
      if (!conn_->connected()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return finish(SendResult::ok());
  }

  bool finish(const SendResult& result) {
    std::vector<Done> dones;
    dones.swap(pending_);
    for (Done& d : dones) d(result);
    return true;
  }

  std::unique_ptr<Connection> conn_;
  std::vector<Done> pending_;  // published, not flushed yet
  bool more_follows_ = false;
  std::optional<std::string> failure_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<CoreSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::nats
