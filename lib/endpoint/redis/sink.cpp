// Threads: the pump's send() appends each XADD and writes it at once; a reader thread
// waits for the socket, takes the replies in order and confirms the messages they
// answer. A lost connection is re-established by the reader thread, which then writes
// again every XADD not answered yet. hiredis calls are serialised by one mutex.
#include "endpoint/redis/sink.h"

#include <poll.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "endpoint/redis/connection.h"
#include "endpoint/redis/mapping.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::redis {
namespace {

class RedisSink : public Sink {
 public:
  RedisSink(Settings settings, const EndpointOptions& options)
      : conn_(std::make_unique<Connection>(std::move(settings), options.diagnostics)) {
    reader_ = std::thread([this] { read_loop(); });
  }

  ~RedisSink() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      changed_.notify_all();
    }
    reader_.join();  // what is still unconfirmed was counted by the caller's flush
  }

  void send(Message message, Done done) override {
    stamp(message);
    const Settings& s = conn_->settings();
    Pending p;
    p.key = sink_channel(s.key, message.channel);
    if (p.key.empty()) return done(SendResult::failed("no stream: the message has no channel and the URL names no key"));
    if (s.pubsub) {
      p.args = {"PUBLISH", p.key, s.envelope ? format_envelope(message) : message.body};
    } else {
      p.args = {"XADD", p.key};
      if (s.maxlen) p.args.insert(p.args.end(), {"MAXLEN", "~", std::to_string(s.maxlen)});
      p.args.emplace_back("*");
      for (auto& [name, value] : fields_for(message)) {
        p.args.push_back(std::move(name));
        p.args.push_back(std::move(value));
      }
    }
    p.id = message.id;
    p.done = std::move(done);
    std::unique_lock lock(mutex_);
    // Back-pressure: at most max_inflight XADDs not answered yet.
    changed_.wait(lock, [&] { return written_.size() < s.max_inflight || failure_; });
    if (failure_) {
      const std::string why = *failure_;
      lock.unlock();
      return p.done(SendResult::unavailable(why));
    }
    std::string error;
    if (!broken_ && !(conn_->append(p.args, error) && conn_->write_appended(error))) broken_ = true;
    written_.push_back(std::move(p));  // after a break, the reader thread writes it again
    changed_.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return written_.empty(); });
  }

 private:
  struct Pending {
    std::string key, id;
    std::vector<std::string> args;
    Done done;
  };
  using Confirmations = std::vector<std::pair<Done, SendResult>>;

  void read_loop() {
    std::unique_lock lock(mutex_);
    while (!closing_) {
      if (broken_) {
        Confirmations given_up = reconnect();
        lock.unlock();
        for (auto& [done, result] : given_up) done(result);
        lock.lock();
        continue;
      }
      if (written_.empty()) {
        changed_.wait_for(lock, std::chrono::milliseconds(100));
        continue;
      }
      pollfd p{conn_->fd(), POLLIN, 0};
      lock.unlock();
      const int ready = poll(&p, 1, 100);
      lock.lock();
      if (closing_ || ready <= 0 || broken_) continue;
      std::string error;
      if (!conn_->read_arrived(error)) {
        broken_ = true;
        continue;
      }
      Confirmations confirmed;
      while (Reply r = conn_->take_reply()) {
        if (written_.empty()) break;  // cannot be: one reply per XADD
        Pending done = std::move(written_.front());
        written_.pop_front();
        if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_INTEGER) {  // XADD: the id; PUBLISH: receivers
          SendResult ok = SendResult::ok();
          ok.id = done.id;
          ok.channel = done.key;
          confirmed.emplace_back(std::move(done.done), std::move(ok));
        } else {
          confirmed.emplace_back(std::move(done.done),
                                 SendResult::failed(done.args.front() + " " + done.key + ": " + reply_text(r.get())));
        }
      }
      changed_.notify_all();
      lock.unlock();
      for (auto& [done, result] : confirmed) done(result);
      lock.lock();
    }
  }

  // Reconnects (the shared policy) and writes every unanswered XADD again; when the
  // policy gives up, everything unanswered fails and the sink takes no more. Lock held.
  Confirmations reconnect() {
    Confirmations out;
    try {
      conn_->reconnect_or_throw();
      std::string error;
      bool ok = true;
      for (const Pending& p : written_)
        if (!(ok = conn_->append(p.args, error))) break;
      if (ok && conn_->write_appended(error)) broken_ = false;
    } catch (const Error& e) {
      failure_ = e.what();
      for (Pending& p : written_) out.emplace_back(std::move(p.done), SendResult::unavailable(e.what()));
      written_.clear();
      broken_ = false;
    }
    changed_.notify_all();
    return out;
  }

  std::unique_ptr<Connection> conn_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> written_;  // XADDs written, not answered yet, in order
  bool broken_ = false;          // the connection failed: the reader thread reconnects
  bool closing_ = false;
  std::optional<std::string> failure_;
  std::thread reader_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<RedisSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::redis
