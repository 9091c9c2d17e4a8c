// The source's two threads:
//
//   I/O thread (owns the rabbitmq-c connection)     pump thread
//   basic.deliver + content -> mapped -> inbox -->  next()
//   basic.ack / basic.nack (requeue) / basic.reject  <-- ack(tag) / reject(tag), queued
//
// The prefetch (basic.qos, ?max_inflight) bounds what is delivered and not acknowledged.
// A lost connection makes the broker requeue everything not acknowledged; deliveries of
// the old connection are then neither acked nor refused (their tags mean nothing on the
// new one), and the broker delivers them again: at least once.
#include "endpoint/amqp/source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>


#include "endpoint/amqp/connection.h"
#include "endpoint/amqp/mapping.h"
#include "endpoint/amqp/topology.h"
#include "endpoint/amqp/wire.h"
#include "endpoint/backoff.h"
#include "endpoint/inbox.h"
#include "util/program_name.h"
#include "util/signals.h"

namespace gsmq::endpoint::amqp {
namespace {

constexpr auto kIdleWait = std::chrono::milliseconds(200);

class AmqpSource : public Source {
 public:
  AmqpSource(Settings settings, const EndpointOptions& options)
      : settings_(std::move(settings)), diagnostics_(options.diagnostics), conn_(settings_) {
    connect_at_start(conn_, settings_, setup(), [this](const std::string& w) { warn(w); });
    io_ = std::thread([this] { run(); });
  }

  ~AmqpSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    return next_from(inbox_, out, deadline, [this] {
      std::lock_guard lock(mutex_);
      if (failure_) throw Error(failure_->first, failure_->second);
    });
  }

  void ack(uint64_t tag) override { settle(tag, Settlement::ack); }
  void reject(uint64_t tag) override {
    settle(tag, settings_.reject_to_dead_letter ? Settlement::reject : Settlement::requeue);
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
      closing_ = true;
    }
    changed_.notify_all();
    waker_.wake();
    if (io_.joinable()) io_.join();
    inbox_.close();  // not handed out: the broker requeues them as the channel closes
  }

 private:
  enum class Settlement { ack, requeue, reject };
  struct Unsettled {
    uint64_t generation, delivery_tag;
    std::string id;
  };
  struct Pending {
    uint64_t generation, delivery_tag;
    Settlement what;
    Clock::time_point not_before;
  };

  void warn(const std::string& what) const {
    if (diagnostics_) diagnostics_->warn(settings_.url_text + ": " + what);
    else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), settings_.url_text.c_str(), what.c_str());
  }

  void settle(uint64_t tag, Settlement what) {
    {
      std::lock_guard lock(mutex_);
      auto it = unsettled_.find(tag);
      if (it == unsettled_.end()) return;
      Pending p{it->second.generation, it->second.delivery_tag, what, Clock::now()};
      if (what == Settlement::requeue) {
        uint32_t& n = refusals_[it->second.id];
        p.not_before += refusal_backoff(n++);
        if (refusals_.size() > 100'000) refusals_.clear();  // bounded; only the pacing is lost
      } else {
        refusals_.erase(it->second.id);
      }
      pending_.push_back(p);
      unsettled_.erase(it);
    }
    waker_.wake();
  }

  // After each connect: what the URL names exists (or is declared), the queue is bound
  // where the URL binds it, the prefetch set and the consumer started.
  Setup setup() {
    return [this](Connection& conn, ErrorKind& kind) -> std::optional<std::string> {
      if (auto why = ensure_exchange(conn, settings_, kind)) return why;
      std::string queue = settings_.queue;
      if (auto why = ensure_queue(conn, settings_, queue, kind)) return why;
      if (!settings_.exchange.empty() && (settings_.declare || settings_.queue.empty()))
        if (auto why = bind_queue(conn, settings_, queue, kind)) return why;
      amqp_basic_qos(conn.state(), Connection::kChannel, 0, static_cast<uint16_t>(settings_.max_inflight), 0);
      if (auto f = conn.last_failure(&kind)) return "cannot set the prefetch (" + *f + ")";
      amqp_table_entry_t offset{};
      amqp_table_t args = amqp_empty_table;
      if (settings_.offset.kind != StreamOffset::Kind::none) {
        offset.key = bytes_of("x-stream-offset");
        switch (settings_.offset.kind) {
          using K = StreamOffset::Kind;
          case K::first: case K::last: case K::next:
            offset.value.kind = AMQP_FIELD_KIND_UTF8;
            offset.value.value.bytes = bytes_of(settings_.offset.kind == K::first  ? "first"
                                                : settings_.offset.kind == K::last ? "last"
                                                                                   : "next");
            break;
          case K::offset:
            offset.value.kind = AMQP_FIELD_KIND_I64;
            offset.value.value.i64 = settings_.offset.value;
            break;
          case K::time:
            offset.value.kind = AMQP_FIELD_KIND_TIMESTAMP;
            offset.value.value.u64 = static_cast<uint64_t>(settings_.offset.value);
            break;
          case K::none: break;
        }
        args = amqp_table_t{1, &offset};
      }
      amqp_basic_consume(conn.state(), Connection::kChannel, bytes_of(queue), amqp_empty_bytes, 0, /*no_ack=*/0, 0, args);
      if (auto f = conn.last_failure(&kind)) return "cannot consume from the queue \"" + queue + "\" (" + *f + ")";
      {
        std::lock_guard lock(mutex_);
        ++generation_;
      }
      return std::nullopt;
    };
  }

  void run() {
    for (;;) {
      waker_.clear();
      bool closing;
      {
        std::lock_guard lock(mutex_);
        closing = closing_;
      }
      if (closing) break;
      if (!conn_.is_open() && !restore()) return;
      send_settlements(false);
      if (conn_.is_open()) read_frames();
      if (conn_.is_open()) conn_.wait(waker_.fd(), next_wait());
    }
    if (conn_.is_open()) send_settlements(true);
    conn_.close();
  }

  Duration next_wait() {
    std::lock_guard lock(mutex_);
    Duration wait = kIdleWait;
    const auto now = Clock::now();
    for (const Pending& p : pending_)
      wait = std::min(wait, std::chrono::duration_cast<Duration>(std::max(p.not_before - now, Clock::duration(0))));
    return wait;
  }

  // Sends the acks and refusals that are due (all of them when closing). Those of an
  // earlier connection are dropped: the broker requeued their messages already.
  void send_settlements(bool all) {
    std::vector<Pending> due;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->generation != generation_) {
          it = pending_.erase(it);
        } else if (all || it->not_before <= now) {
          due.push_back(*it);
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const Pending& p : due) {
      int rc = AMQP_STATUS_OK;
      switch (p.what) {
        case Settlement::ack: rc = amqp_basic_ack(conn_.state(), Connection::kChannel, p.delivery_tag, 0); break;
        case Settlement::requeue: rc = amqp_basic_nack(conn_.state(), Connection::kChannel, p.delivery_tag, 0, 1); break;
        case Settlement::reject: rc = amqp_basic_reject(conn_.state(), Connection::kChannel, p.delivery_tag, 0); break;
      }
      if (rc != AMQP_STATUS_OK) {
        lost(amqp_error_string2(rc));
        return;
      }
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
        case AMQP_BASIC_DELIVER_METHOD:
          if (!on_deliver(frame)) return;
          break;
        case AMQP_BASIC_CANCEL_METHOD: lost("the broker cancelled the consumer"); return;
        case AMQP_CHANNEL_CLOSE_METHOD: {
          const std::string text = conn_.on_channel_close(frame);
          lost("the broker closed the channel: " + text);
          return;
        }
        case AMQP_CONNECTION_CLOSE_METHOD: lost("the broker closed the connection: " + conn_.on_connection_close(frame)); return;
        default: break;
      }
    }
  }

  bool on_deliver(const amqp_frame_t& frame) {
    const auto* m = static_cast<const amqp_basic_deliver_t*>(frame.payload.method.decoded);
    Received r;
    r.exchange = text_of(m->exchange);
    r.routing_key = text_of(m->routing_key);
    r.redelivered = m->redelivered != 0;
    const uint64_t delivery_tag = m->delivery_tag;
    amqp_message_t content;
    if (auto f = conn_.read_content(content)) {
      lost(*f);
      return false;
    }
    r.properties = properties_from_wire(content.properties);
    r.body = text_of(content.body);
    amqp_destroy_message(&content);
    Delivery d;
    d.message = message_from_delivery(r);
    {
      std::lock_guard lock(mutex_);
      d.tag = ++next_tag_;
      unsettled_[d.tag] = Unsettled{generation_, delivery_tag, d.message.id};
    }
    inbox_.push(std::move(d));
    return true;
  }

  void lost(const std::string& why) {
    conn_.drop();
    lost_since_ = Clock::now();
    warn("connection lost (" + why + "); reconnecting");
  }

  bool restore() {
    const auto failure = reconnect_after_loss(
        conn_, settings_, lost_since_, setup(),
        [this](Duration d) {
          std::unique_lock lock(mutex_);
          return changed_.wait_for(lock, d, [&] { return closing_; });
        },
        [this](const std::string& w) { warn(w); });
    if (!failure) {
      warn("reconnected to " + conn_.broker().text());
      return true;
    }
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    failure_ = {ErrorKind::unavailable, settings_.url_text + ": lost the connection to the AMQP broker and could not reconnect within " +
                                            format_duration(settings_.retry.retry_for) + " (" + *failure + "; ?retry keeps trying)"};
    return false;
  }

  Settings settings_;
  Diagnostics* diagnostics_;
  Connection conn_;  // the I/O thread's, after the first connect
  Waker waker_;
  Inbox<Delivery> inbox_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Unsettled> unsettled_;  // handed out or waiting, by our tag
  std::deque<Pending> pending_;              // settlements for the I/O thread to send
  std::map<std::string, uint32_t> refusals_;  // refusals so far, by message id
  uint64_t next_tag_ = 0, generation_ = 0;
  Clock::time_point lost_since_;
  bool closing_ = false;
  std::optional<std::pair<ErrorKind, std::string>> failure_;
  std::thread io_;  // last: started when everything else exists
};

}  // namespace

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options) {
  return std::make_unique<AmqpSource>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::amqp
