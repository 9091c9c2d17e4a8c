// Events and events-store subscribing: one server stream, read by a background thread
// into a bounded mailbox that next() drains. When gsmqd goes away the stream is opened
// again (within the connection's retry window); an events-store subscription then goes on
// after the last seq it got, so nothing is skipped or repeated. Real-time events published
// while no stream was open are not seen (events are at most once).
#include <ctime>
#include <optional>
#include <thread>

#include "endpoint/gsmqd_client/sources.h"
#include "rpc/message_convert.h"
#include "util/mailbox.h"
#include "util/signals.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

// --from: new | first | last | seq:N | time:T (µs since the epoch, or 2026-11-24T10:00:00Z) | since:DURATION
void apply_start(const std::string& from, v1::SubscribeRequest& r) {
  auto fail = [&] {
    throw Error(ErrorKind::usage, "--from " + from + ": expected new, first, last, seq:N, time:T or since:DURATION");
  };
  if (from.empty() || from == "new") r.set_start(v1::START_NEW);
  else if (from == "first") r.set_start(v1::START_FIRST);
  else if (from == "last") r.set_start(v1::START_LAST);
  else if (from.starts_with("seq:")) {
    r.set_start(v1::START_SEQUENCE);
    try {
      r.set_start_seq(std::stoull(from.substr(4)));
    } catch (...) {
      fail();
    }
  } else if (from.starts_with("time:")) {
    r.set_start(v1::START_TIME);
    const std::string t = from.substr(5);
    std::tm tm{};
    if (const char* end = strptime(t.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm); end && *end == '\0') {
      r.set_start_time_us(static_cast<int64_t>(timegm(&tm)) * 1000000);
    } else {
      try {
        size_t pos = 0;
        r.set_start_time_us(std::stoll(t, &pos));
        if (pos != t.size()) fail();
      } catch (const Error&) {
        throw;
      } catch (...) {
        fail();
      }
    }
  } else if (from.starts_with("since:")) {
    r.set_start(v1::START_TIME_DELTA);
    auto d = parse_duration(from.substr(6));
    if (!d) fail();
    r.set_delta_ms(std::chrono::duration_cast<std::chrono::milliseconds>(*d).count());
  } else {
    fail();
  }
}

class SubscribeSource : public Source {
 public:
  explicit SubscribeSource(std::shared_ptr<Connection> c) : c_(std::move(c)), mailbox_(1u << 16) {
    v1::SubscribeRequest request;
    request.set_channel(c_->channel);
    request.set_group(c_->options.group);
    const bool store = c_->options.kind == "store";
    request.set_kind(store ? v1::EVENTS_STORE : v1::EVENTS);
    if (store) apply_start(c_->options.from, request);
    else if (!c_->options.from.empty()) throw Error(ErrorKind::usage, "--from needs the events-store (--store)");
    reader_ = std::thread([this, request] { read_loop(request); });
  }

  ~SubscribeSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (!batch_.empty()) {
        out.message = from_proto(std::move(batch_.back()));
        batch_.pop_back();
        out.tag = 0;
        return Status::message;
      }
      if (stop_requested()) return Status::stopped;
      if (Clock::now() >= deadline) return Status::timeout;
      std::vector<v1::Message> got;
      const bool open = mailbox_.pop(got, 1024, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
      batch_.assign(std::make_move_iterator(got.rbegin()), std::make_move_iterator(got.rend()));
      if (!open && batch_.empty()) {
        std::lock_guard lock(mutex_);
        if (!error_.ok()) throw Error(error_kind_of(error_), describe(*c_, error_));
        return Status::end;
      }
    }
  }

  bool ready() const override { return !batch_.empty(); }

  void close() override {
    if (closed_.exchange(true)) return;
    {
      std::lock_guard lock(mutex_);
      if (context_) context_->TryCancel();
    }
    reader_.join();
  }

 private:
  // One stream until it ends; returns how it ended.
  grpc::Status read_stream(const v1::SubscribeRequest& request, std::optional<uint64_t>& last_seq) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return grpc::Status::CANCELLED;
      context_ = std::make_unique<grpc::ClientContext>();
    }
    auto reader = c_->stub->Subscribe(context_.get(), request);
    v1::SubscribeResponse response;
    while (reader->Read(&response))
      for (auto& m : *response.mutable_messages()) {
        if (request.kind() == v1::EVENTS_STORE) last_seq = m.seq();
        while (!mailbox_.push(m)) {  // full: the consumer is slow; hold the stream (back-pressure)
          if (closed_) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
    return reader->Finish();
  }

  void read_loop(v1::SubscribeRequest request) {
    std::optional<uint64_t> last_seq;  // events-store: the last seq handed over
    StreamLoss loss;
    for (;;) {
      loss.stream_opened();
      const grpc::Status status = read_stream(request, last_seq);
      if (closed_) break;  // our own cancel (close)
      if (reconnect_after(*c_, status, loss.since_end(), [this] { return closed_.load(); })) {
        if (last_seq) {  // resume right after what was handed over
          request.set_start(v1::START_SEQUENCE);
          request.set_start_seq(*last_seq + 1);
        }
        continue;
      }
      if (!status.ok()) {
        std::lock_guard lock(mutex_);
        error_ = status;
      }
      break;
    }
    mailbox_.close();
  }

  std::shared_ptr<Connection> c_;
  Mailbox<v1::Message> mailbox_;
  std::vector<v1::Message> batch_;  // reversed, so pop_back is the oldest
  std::mutex mutex_;                                // guards context_ and error_
  std::unique_ptr<grpc::ClientContext> context_;    // the current stream's
  grpc::Status error_;
  std::atomic<bool> closed_{false};
  std::thread reader_;
};

}  // namespace

std::unique_ptr<Source> open_subscribe_source(std::shared_ptr<Connection> c) {
  return std::make_unique<SubscribeSource>(std::move(c));
}

}  // namespace gsmq::endpoint::gsmqd_client
