// The sink's two threads:
//
//   pump thread                         I/O thread (owns the rabbitmq-c connection)
//   send(): mapped, queued (window) --> publishes what waits, basic.publish (delivery tag n)
//                                       reads basic.ack / basic.nack / basic.return
//   done(ok | failed)              <--  settles by delivery tag (multiple = all up to it)
//
// A lost connection puts every publish not confirmed yet back in the queue, in order, and
// publishes it again after the reconnect: at least once (the broker may have kept a
// message whose ack was lost with the connection). A basic.nack is the broker saying it
// cannot take the message now (a quorum queue electing a leader, a full queue with
// reject-publish): the message waits with back-off and is published again, for up to
// ?retry_for since its first nack (for ever with ?retry), then fails.
#include "endpoint/amqp/sink.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>


#include "endpoint/amqp/connection.h"
#include "endpoint/amqp/mapping.h"
#include "endpoint/amqp/topology.h"
#include "endpoint/amqp/wire.h"
#include "endpoint/backoff.h"
#include "endpoint/sink_channel.h"
#include "util/program_name.h"

namespace gsmq::endpoint::amqp {
namespace {

constexpr auto kIdleWait = std::chrono::milliseconds(200);

class AmqpSink : public Sink {
 public:
  AmqpSink(Settings settings, const EndpointOptions& options)
      : settings_(std::move(settings)), diagnostics_(options.diagnostics), conn_(settings_) {
    connect_at_start(conn_, settings_, setup(), [this](const std::string& w) { warn(w); });
    io_ = std::thread([this] { run(); });
  }

  ~AmqpSink() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    waker_.wake();
    if (io_.joinable()) io_.join();
  }

  void send(Message message, Done done) override {
    Publish p = publish_for(message, settings_);
    if (!p.error.empty()) return done(SendResult::failed(p.error));
    Entry e;
    e.wire = std::make_unique<WireProperties>(std::move(p.properties));
    e.exchange = std::move(p.exchange);
    e.routing_key = std::move(p.routing_key);
    e.body = std::move(p.body);
    e.id = message.id;
    e.done = std::move(done);
    {
      std::unique_lock lock(mutex_);
      // the window: at most max_inflight messages not confirmed yet
      changed_.wait(lock, [&] { return entries_.size() < settings_.max_inflight || failure_ || stopping_; });
      if (failure_) {
        lock.unlock();
        return e.done(SendResult::unavailable(*failure_));
      }
      const uint64_t seq = ++next_seq_;
      entries_.emplace(seq, std::move(e));
      waiting_.insert(seq);
    }
    waker_.wake();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return entries_.empty() || failure_; }) && entries_.empty();
  }

 private:
  struct Entry {
    std::unique_ptr<WireProperties> wire;
    std::string exchange, routing_key, body, id;
    Done done;
    std::string returned;  // why the broker returned it (basic.return), failed at its ack
    uint32_t nacks = 0;                  // basic.nack answers so far
    Clock::time_point first_nack;        // when the first came (?retry_for counts from it)
    Clock::time_point not_before;        // published again no earlier than this
  };

  void warn(const std::string& what) const {
    if (diagnostics_) diagnostics_->warn(settings_.url_text + ": " + what);
    else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), settings_.url_text.c_str(), what.c_str());
  }

  // After each connect: the exchange (or the queue the default exchange routes to) is
  // there, and publisher confirms are on (delivery tags count from 1 again).
  Setup setup() {
    return [this](Connection& conn, ErrorKind& kind) -> std::optional<std::string> {
      if (auto why = ensure_exchange(conn, settings_, kind)) return why;
      if (settings_.exchange.empty() && !settings_.routing_key.empty() &&
          settings_.routing_key.find(kChannelPlaceholder) == std::string::npos) {
        std::string queue = settings_.routing_key;
        if (auto why = ensure_queue(conn, settings_, queue, kind)) return why;
      }
      amqp_confirm_select(conn.state(), Connection::kChannel);
      if (auto f = conn.last_failure(&kind)) return "cannot turn publisher confirms on (" + *f + ")";
      next_tag_ = 0;
      return std::nullopt;
    };
  }

  void run() {
    for (;;) {
      waker_.clear();
      {
        std::lock_guard lock(mutex_);
        if (stopping_ || failure_) break;
      }
      if (!conn_.is_open() && !restore()) break;
      publish_waiting();
      if (conn_.is_open()) read_frames();
      if (conn_.is_open()) conn_.wait(waker_.fd(), kIdleWait);
    }
    conn_.close();
  }

  // Publishes what waits, oldest first, while the window allows.
  void publish_waiting() {
    std::unique_lock lock(mutex_);
    const auto now = Clock::now();
    while (!waiting_.empty() && in_flight_.size() < settings_.max_inflight && !stopping_) {
      const uint64_t seq = *waiting_.begin();
      Entry& e = entries_.at(seq);  // only this thread erases entries
      if (e.not_before > now) return;  // a nacked message waits, and what came after it too: in order
      waiting_.erase(waiting_.begin());
      lock.unlock();
      const int rc = amqp_basic_publish(conn_.state(), Connection::kChannel, bytes_of(e.exchange), bytes_of(e.routing_key),
                                        settings_.mandatory, 0, e.wire->get(), bytes_of(e.body));
      lock.lock();
      if (rc != AMQP_STATUS_OK) {
        waiting_.insert(seq);
        lock.unlock();
        lost(amqp_error_string2(rc));
        return;
      }
      in_flight_[++next_tag_] = seq;
    }
  }

  void read_frames() {
    for (;;) {
      amqp_frame_t frame;
      std::string why;
      switch (conn_.read(frame, why)) {
        case Connection::Read::none: amqp_maybe_release_buffers(conn_.state()); return;
        case Connection::Read::failed: lost(why); return;
        case Connection::Read::frame: break;
      }
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
          const auto* m = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
          acked(m->delivery_tag, m->multiple);
          break;
        }
        case AMQP_BASIC_NACK_METHOD: {
          const auto* m = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
          nacked(m->delivery_tag, m->multiple);
          break;
        }
        case AMQP_BASIC_RETURN_METHOD:
          if (!on_return(frame)) return;
          break;
        case AMQP_CHANNEL_CLOSE_METHOD: {
          const std::string text = conn_.on_channel_close(frame);
          warn("the broker closed the channel: " + text);
          fail_in_flight("the broker closed the channel: " + text);
          ErrorKind kind;
          std::optional<std::string> again = conn_.reopen_channel();
          if (!again) again = setup()(conn_, kind);
          if (again) lost(*again);
          return;
        }
        case AMQP_CONNECTION_CLOSE_METHOD: lost("the broker closed the connection: " + conn_.on_connection_close(frame)); return;
        default: break;
      }
    }
  }

  // basic.return of a mandatory publish: the message (found by exchange, routing key and
  // body among those in flight, oldest first) fails when its ack comes.
  bool on_return(const amqp_frame_t& frame) {
    const auto* m = static_cast<const amqp_basic_return_t*>(frame.payload.method.decoded);
    const std::string exchange = text_of(m->exchange), routing_key = text_of(m->routing_key);
    const std::string why = "the broker returned it: " + Connection::close_text(m->reply_code, m->reply_text) +
                            " (exchange \"" + exchange + "\", routing key \"" + routing_key + "\")";
    amqp_message_t content;
    if (auto f = conn_.read_content(content)) {
      lost(*f);
      return false;
    }
    const std::string body = text_of(content.body);
    amqp_destroy_message(&content);
    std::lock_guard lock(mutex_);
    for (const auto& [tag, seq] : in_flight_) {
      Entry& e = entries_.at(seq);
      if (e.returned.empty() && e.exchange == exchange && e.routing_key == routing_key && e.body == body) {
        e.returned = why;
        break;
      }
    }
    return true;
  }

  // basic.nack for delivery tag `tag` (and all before it when `multiple`): each goes back to
  // wait for its back-off, or fails once ?retry_for has passed since its first nack.
  void nacked(uint64_t tag, bool multiple) {
    std::vector<std::pair<Done, SendResult>> dones;
    uint64_t count = 0;
    {
      std::lock_guard lock(mutex_);
      const auto [it, end] = answered(tag, multiple);
      if (it == end) return;
      const auto now = Clock::now();
      for (auto i = it; i != end; ++i) {
        auto e = entries_.find(i->second);
        Entry& entry = e->second;
        if (entry.nacks == 0) entry.first_nack = now;
        if (!settings_.retry.keeps_trying(entry.first_nack, now)) {
          dones.emplace_back(std::move(entry.done),
                             SendResult::failed("the broker refused the message (basic.nack) for " +
                                                format_duration(settings_.retry.retry_for)));
          entries_.erase(e);
          continue;
        }
        entry.not_before = now + refusal_backoff(entry.nacks++);
        waiting_.insert(i->second);
      }
      in_flight_.erase(it, end);
      count = ++nacks_;
    }
    changed_.notify_all();
    if ((count & (count - 1)) == 0)  // the 1st, 2nd, 4th, 8th ... nack: not a flood of warnings
      warn("the broker refused messages (basic.nack); publishing them again with back-off for up to " +
           format_duration(settings_.retry.retry_for));
    for (auto& [done, result] : dones) done(result);
  }

  // The in-flight publishes a broker's answer for delivery tag `tag` is about (all up to
  // it when `multiple`); an empty range for a tag not in flight. Caller holds mutex_.
  std::pair<std::map<uint64_t, uint64_t>::iterator, std::map<uint64_t, uint64_t>::iterator> answered(uint64_t tag,
                                                                                                     bool multiple) {
    if (!multiple) {
      const auto it = in_flight_.find(tag);
      return {it, it == in_flight_.end() ? it : std::next(it)};
    }
    return {in_flight_.begin(), in_flight_.upper_bound(tag)};
  }

  // basic.ack for delivery tag `tag` (and all before it when `multiple`): confirmed, unless
  // the broker returned the message first (basic.return).
  void acked(uint64_t tag, bool multiple) {
    std::vector<std::pair<Done, SendResult>> dones;
    {
      std::lock_guard lock(mutex_);
      const auto [it, end] = answered(tag, multiple);
      if (it == end) return;
      for (auto i = it; i != end; ++i) {
        auto e = entries_.find(i->second);
        SendResult r;
        if (!e->second.returned.empty()) r = SendResult::failed(e->second.returned);
        else {
          r.id = e->second.id;
          r.channel = e->second.routing_key;
          r.retries = e->second.nacks;
        }
        dones.emplace_back(std::move(e->second.done), std::move(r));
        entries_.erase(e);
      }
      in_flight_.erase(it, end);
    }
    changed_.notify_all();
    for (auto& [done, result] : dones) done(result);
  }

  void fail_in_flight(const std::string& why) {
    std::vector<Done> dones;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [tag, seq] : in_flight_) {
        dones.push_back(std::move(entries_.at(seq).done));
        entries_.erase(seq);
      }
      in_flight_.clear();
    }
    changed_.notify_all();
    for (auto& done : dones) done(SendResult::failed(why));
  }

  // The connection is gone: what was in flight waits to be published again.
  void lost(const std::string& why) {
    conn_.drop();
    {
      std::lock_guard lock(mutex_);
      for (const auto& [tag, seq] : in_flight_) waiting_.insert(seq);
      in_flight_.clear();
      lost_since_ = Clock::now();
    }
    warn("connection lost (" + why + "); reconnecting");
  }

  // Reconnects under the retry policy; false when it gave up (everything waiting fails).
  bool restore() {
    const auto failure = reconnect_after_loss(
        conn_, settings_, lost_since_, setup(),
        [this](Duration d) {
          std::unique_lock lock(mutex_);
          return changed_.wait_for(lock, d, [&] { return stopping_; });
        },
        [this](const std::string& w) { warn(w); });
    if (!failure) {
      warn("reconnected to " + conn_.broker().text());
      return true;
    }
    const std::string reason = "lost the connection to the AMQP broker and could not reconnect within " +
                               format_duration(settings_.retry.retry_for) + " (" + *failure + "; ?retry keeps trying)";
    std::vector<Done> dones;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
      failure_ = reason;
      for (auto& [seq, e] : entries_) dones.push_back(std::move(e.done));
      entries_.clear();
      waiting_.clear();
    }
    changed_.notify_all();
    warn(reason);
    for (auto& done : dones) done(SendResult::unavailable(reason));
    return false;
  }

  Settings settings_;
  Diagnostics* diagnostics_;
  Connection conn_;  // the I/O thread's, after the first connect
  Waker waker_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Entry> entries_;       // not confirmed yet, by sequence
  std::set<uint64_t> waiting_;              // to publish (again), oldest first
  std::map<uint64_t, uint64_t> in_flight_;  // delivery tag -> sequence
  uint64_t next_seq_ = 0, next_tag_ = 0;
  uint64_t nacks_ = 0;  // basic.nack frames so far (for the warnings)
  Clock::time_point lost_since_;
  bool stopping_ = false;
  std::optional<std::string> failure_;
  std::thread io_;  // last: started when everything else exists
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<AmqpSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::amqp
