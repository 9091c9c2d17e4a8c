#include "endpoint/redis/sink.h"

#include <deque>

#include "endpoint/redis/connection.h"
#include "endpoint/redis/mapping.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::redis {
namespace {

class RedisSink : public Sink {
 public:
  RedisSink(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)) {}

  void send(Message message, Done done) override {
    if (failure_) return done(SendResult::unavailable(*failure_));
    stamp(message);
    const Settings& s = conn_->settings();
    Pending p;
    p.key = sink_channel(s.key, message.channel);
    if (p.key.empty()) return done(SendResult::failed("no stream: the message has no channel and the URL names no key"));
    p.args = {"XADD", p.key};
    if (s.maxlen) p.args.insert(p.args.end(), {"MAXLEN", "~", std::to_string(s.maxlen)});
    p.args.emplace_back("*");
    for (auto& [name, value] : fields_for(message)) {
      p.args.push_back(std::move(name));
      p.args.push_back(std::move(value));
    }
    p.id = message.id;
    p.done = std::move(done);
    batch_.push_back(std::move(p));
    if (!more_follows_ || batch_.size() >= s.max_inflight) write_batch();
  }

  void more_follows(bool more) override { more_follows_ = more; }
  void release() override { write_batch(); }
  bool flush(Clock::time_point) override {
    write_batch();
    return true;
  }

 private:
  struct Pending {
    std::string key, id;
    std::vector<std::string> args;
    Done done;
  };

  // Sends the batch pipelined and confirms each message by its reply, in order; after a
  // lost connection, reconnects (policy) and sends what was not answered again.
  void write_batch() {
    while (!batch_.empty()) {
      std::string error;
      bool written = true;
      for (const Pending& p : batch_)
        if (!(written = conn_->append(p.args, error))) break;
      while (written && !batch_.empty()) {
        Reply r = conn_->read_reply(error);
        if (!r) {
          written = false;
          break;
        }
        Pending p = std::move(batch_.front());
        batch_.pop_front();
        if (r->type == REDIS_REPLY_STRING) {
          SendResult ok = SendResult::ok();
          ok.id = p.id;
          ok.channel = p.key;
          p.done(ok);
        } else {
          p.done(SendResult::failed("XADD " + p.key + ": " + reply_text(r.get())));
        }
      }
      if (written) return;
      try {
        conn_->reconnect_or_throw();
      } catch (const Error& e) {
        failure_ = e.what();
        for (Pending& p : batch_) p.done(SendResult::unavailable(e.what()));
        batch_.clear();
        return;
      }
    }
  }

  std::unique_ptr<Connection> conn_;
  std::deque<Pending> batch_;
  bool more_follows_ = false;
  std::optional<std::string> failure_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<RedisSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::redis
