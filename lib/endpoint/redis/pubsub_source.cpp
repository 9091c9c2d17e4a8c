#include "endpoint/redis/pubsub_source.h"

#include <poll.h>


#include "endpoint/redis/connection.h"
#include "endpoint/ready_messages.h"
#include "util/signals.h"

namespace gsmq::endpoint::redis {
namespace {

std::string str(const redisReply* r) { return r && r->str ? std::string(r->str, r->len) : std::string(); }

class PubSubSource : public Source {
 public:
  PubSubSource(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)), options_(options) {
    if (!options_.diagnostics) options_.diagnostics = &fallback_;
    pattern_ = conn_->settings().key.find_first_of("*?[") != std::string::npos;
    subscribe();
  }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (ready_.take(out)) return Status::message;
      if (stop_requested()) return Status::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      const auto wait = std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(100));
      pollfd p{conn_->fd(), POLLIN, 0};
      const int ms = std::max<int>(1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
      if (poll(&p, 1, ms) <= 0) continue;
      std::string error;
      if (!conn_->read_arrived(error)) {
        conn_->reconnect_or_throw();  // what was published meanwhile is gone: at most once
        subscribe();
        continue;
      }
      while (Reply r = conn_->take_reply()) take(r.get());
    }
  }

 private:
  void subscribe() {
    std::string error;
    const std::vector<std::string> args = {pattern_ ? "PSUBSCRIBE" : "SUBSCRIBE", conn_->settings().key};
    Reply r = conn_->command(args, error);
    if (!r || r->type == REDIS_REPLY_ERROR)
      throw Error(ErrorKind::unavailable, conn_->settings().url_text + ": " + args[0] + ": " + (r ? reply_text(r.get()) : error));
  }

  // ["message", channel, payload] or ["pmessage", pattern, channel, payload].
  void take(const redisReply* r) {
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3) return;
    const std::string kind = str(r->element[0]);
    const bool pmessage = kind == "pmessage" && r->elements >= 4;
    if (kind != "message" && !pmessage) return;
    const std::string channel = str(r->element[pmessage ? 2 : 1]);
    const std::string payload = str(r->element[pmessage ? 3 : 2]);
    Message m;
    ++received_;
    if (conn_->settings().envelope) {
      std::string error;
      if (!parse_envelope(payload, m, error, options_.limits)) {
        options_.diagnostics->bad_input(received_, channel + ": " + error);
        return;
      }
    } else {
      m.body = payload;
    }
    if (m.channel.empty()) m.channel = channel;
    m.meta["redis.channel"] = channel;
    ready_.push(std::move(m));
  }

  std::unique_ptr<Connection> conn_;
  EndpointOptions options_;
  Diagnostics fallback_;
  bool pattern_ = false;
  ReadyMessages ready_;
  uint64_t received_ = 0;
};

}  // namespace

std::unique_ptr<Source> open_pubsub_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<PubSubSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::redis
