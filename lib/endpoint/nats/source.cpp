#include "endpoint/nats/source.h"

#include "endpoint/nats/connection.h"
#include "endpoint/nats/message_io.h"
#include "util/signals.h"

namespace gsmq::endpoint::nats {
namespace {

class CoreSource : public Source {
 public:
  CoreSource(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)) {
    const Settings& s = conn_->settings();
    natsStatus st = s.queue.empty() ? natsConnection_SubscribeSync(&sub_, conn_->get(), s.subject.c_str())
                                    : natsConnection_QueueSubscribeSync(&sub_, conn_->get(), s.subject.c_str(), s.queue.c_str());
    if (st == NATS_OK) st = natsSubscription_SetPendingLimits(sub_, 65536, 256 * 1024 * 1024);
    // The subscription reached the server before the source counts as open.
    if (st == NATS_OK) st = natsConnection_FlushTimeout(conn_->get(), millis(s.connect_timeout));
    if (st != NATS_OK) {
      ErrorKind kind = st == NATS_NOT_PERMITTED ? ErrorKind::refused : ErrorKind::unavailable;
      natsSubscription_Destroy(sub_);
      sub_ = nullptr;
      throw Error(kind, s.url_text + ": cannot subscribe to " + s.subject + ": " + describe(st));
    }
  }

  ~CoreSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (stop_requested()) return Status::stopped;
      if (auto why = conn_->gone()) throw Error(ErrorKind::unavailable, *why);
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      const auto slice = std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(100));
      natsMsg* msg = nullptr;
      const natsStatus st = natsSubscription_NextMsg(&msg, sub_, std::max<int64_t>(1, millis(slice)));
      if (st == NATS_TIMEOUT) continue;
      if (st == NATS_SLOW_CONSUMER) {
        note_dropped();
        continue;
      }
      if (st != NATS_OK) {
        if (st == NATS_CONNECTION_CLOSED || st == NATS_INVALID_SUBSCRIPTION)
          throw Error(ErrorKind::unavailable, conn_->settings().url_text + ": the subscription ended: " + describe(st));
        continue;
      }
      out.message = message_of(msg);
      natsMsg_Destroy(msg);
      stamp(out.message);
      out.tag = ++taken_;
      return Status::message;
    }
  }

  void close() override {
    if (!sub_) return;
    note_dropped();
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
    sub_ = nullptr;
    conn_.reset();
  }

 private:
  // Core NATS drops what a slow subscriber cannot hold: said on stderr, once per count.
  void note_dropped() {
    int64_t dropped = 0;
    if (natsSubscription_GetDropped(sub_, &dropped) == NATS_OK && dropped > reported_dropped_) {
      conn_->warn(std::to_string(dropped) + " messages dropped so far: this reader was too slow (core NATS is at most once)");
      reported_dropped_ = dropped;
    }
  }

  std::unique_ptr<Connection> conn_;
  natsSubscription* sub_ = nullptr;
  uint64_t taken_ = 0;
  int64_t reported_dropped_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<CoreSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::nats
