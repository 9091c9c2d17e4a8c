#include "endpoint/gsmqd_client/sink.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "rpc/message_convert.h"
#include "util/program_name.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

constexpr size_t kMaxBatchMessages = 1024;
constexpr size_t kMaxBatchBytes = 4u << 20;

// Streams batches of Request frames and matches Response frames by batch_id.
// Request/Response: SendRequest/SendResponse or PublishRequest/PublishResponse.
// A lost stream is opened again (with back-off, within the connection's retry window)
// and every batch that was not answered is sent again, in order: at least once, never lost.
template <typename Request, typename Response>
class StreamingSink : public Sink {
 public:
  using Stream = grpc::ClientReaderWriter<Request, Response>;
  using OpenStream = std::function<std::unique_ptr<Stream>(grpc::ClientContext*)>;

  StreamingSink(std::shared_ptr<Connection> connection, OpenStream open, v1::EventKind kind)
      : connection_(std::move(connection)), open_(std::move(open)), kind_(kind) {
    supervisor_ = std::thread([this] { supervise(); });
  }

  ~StreamingSink() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    supervisor_.join();
  }

  void send(Message message, Done done) override {
    message.channel = sink_channel(connection_->channel, message.channel);
    Pending p;
    p.message = std::make_unique<v1::Message>();
    to_proto(std::move(message), p.message.get());
    p.message->clear_receipt();
    p.message->clear_receive_count();
    p.done = std::move(done);
    std::unique_lock lock(mutex_);
    if (dead_) {
      const bool refused = refused_;
      const std::string reason = dead_reason_;
      lock.unlock();
      return p.done(refused ? SendResult::refusal(reason) : SendResult::unavailable(reason));
    }
    pending_.push_back(std::move(p));
    changed_.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return (pending_.empty() && in_flight_.empty()) || dead_; });
  }

 private:
  struct Pending {
    std::unique_ptr<v1::Message> message;  // handed to the batch's request as it is, not copied
    Done done;
  };
  struct Batch {
    Request request;               // kept until answered, to send again after a reconnect
    std::vector<Done> dones;
    bool writing = false;          // Write() is reading `request`: the reader must wait
  };

  // One stream at a time: write until it breaks or we close; on a break, put the
  // unanswered batches back in front and reconnect.
  void supervise() {
    Clock::time_point lost_at{};
    bool lost = false;
    for (;;) {
      grpc::ClientContext context;
      auto stream = open_(&context);
      bool broken = false;
      std::thread reader([&] { read(*stream, broken); });
      const bool closed = write(*stream, broken);
      if (closed) stream->WritesDone();
      else context.TryCancel();
      reader.join();
      std::unique_lock lock(mutex_);
      if (closed && !broken) return;  // every batch answered, stream finished cleanly
      // Unanswered batches go back in front of the pending messages, oldest first.
      for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) resend_.push_front(std::move(it->second));
      in_flight_.clear();
      if (closing_ && resend_.empty() && pending_.empty()) return;
      if (!lost) {
        lost = true;
        lost_at = Clock::now();
      }
      if (refused_) {  // a reconnect would be refused again
        lock.unlock();
        give_up(describe(*connection_, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, last_error_)), true);
        return;
      }
      lock.unlock();
      std::fprintf(stderr, "%s: connection to gsmqd at %s lost (%s); reconnecting\n", program_name().c_str(), connection_->target.c_str(),
                   last_error_.c_str());
      if (!wait_for_daemon(*connection_, lost_at)) {
        give_up("connection lost: gsmqd at " + connection_->target + ": " + last_error_);
        return;
      }
      lost = false;
    }
  }

  // Returns true when closing with nothing left to send; false when the stream broke.
  bool write(Stream& stream, const bool& broken) {
    for (;;) {
      Batch batch;
      uint64_t id;
      const Request* request = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !resend_.empty() || !pending_.empty() || closing_ || broken; });
        if (broken) return false;
        if (!resend_.empty()) {
          batch = std::move(resend_.front());
          resend_.pop_front();
        } else if (!pending_.empty()) {
          size_t bytes = 0;
          while (!pending_.empty() && batch.dones.size() < kMaxBatchMessages && bytes < kMaxBatchBytes) {
            auto& p = pending_.front();
            bytes += p.message->body().size();
            batch.request.mutable_messages()->AddAllocated(p.message.release());
            batch.dones.push_back(std::move(p.done));
            pending_.pop_front();
          }
          if constexpr (std::is_same_v<Request, v1::PublishRequest>) batch.request.set_kind(kind_);
          batch.request.set_compact_results(true);  // an empty id or channel in a result: as sent
        } else {
          return true;  // closing, nothing left
        }
        id = ++next_batch_;
        batch.request.set_batch_id(id);
        batch.writing = true;
        request = &(in_flight_[id] = std::move(batch)).request;
      }
      // Written without the lock and without a copy; the entry stays put until answered.
      const bool ok = stream.Write(*request);
      {
        std::lock_guard lock(mutex_);
        in_flight_[id].writing = false;
      }
      changed_.notify_all();
      if (!ok) return false;  // the reader sees why
    }
  }

  void read(Stream& stream, bool& broken) {
    Response response;
    while (stream.Read(&response)) {
      Batch batch;
      {
        std::unique_lock lock(mutex_);
        auto it = in_flight_.find(response.batch_id());
        if (it == in_flight_.end()) continue;
        changed_.wait(lock, [&] { return !it->second.writing; });
        batch = std::move(it->second);
        in_flight_.erase(it);
      }
      for (size_t i = 0; i < batch.dones.size(); ++i) {
        SendResult result;
        if (static_cast<int>(i) < response.results_size()) {
          auto& r = *response.mutable_results(static_cast<int>(i));
          auto& sent = *batch.request.mutable_messages(static_cast<int>(i));  // answered: no longer needed
          if (r.refused()) result = SendResult::refusal(r.error());
          else if (!r.error().empty()) result = SendResult::failed(r.error());
          result.id = std::move(r.id().empty() ? *sent.mutable_id() : *r.mutable_id());
          result.channel = std::move(r.channel().empty() ? *sent.mutable_channel() : *r.mutable_channel());
          result.seq = r.seq();
          result.dropped_by = r.dropped_by();
        } else {
          result = SendResult::failed("gsmqd sent no result for this message");
        }
        batch.dones[i](result);
      }
      changed_.notify_all();
    }
    const grpc::Status status = stream.Finish();
    std::lock_guard lock(mutex_);
    if (!status.ok() || !in_flight_.empty() || !closing_) {
      broken = true;
      last_error_ = status.ok() ? "stream closed by gsmqd" : status.error_message();
      refused_ = error_kind_of(status) == ErrorKind::refused;
    }
    changed_.notify_all();
  }

  // The retry window ran out: everything still held fails, and so does every later send.
  void give_up(const std::string& reason, bool refused = false) {
    std::deque<Batch> resend;
    std::deque<Pending> pending;
    {
      std::lock_guard lock(mutex_);
      dead_ = true;
      dead_reason_ = reason;
      resend.swap(resend_);
      pending.swap(pending_);
    }
    changed_.notify_all();
    auto result = [&] { return refused ? SendResult::refusal(reason) : SendResult::unavailable(reason); };
    for (auto& b : resend)
      for (auto& d : b.dones) d(result());
    for (auto& p : pending) p.done(result());
    changed_.notify_all();
  }

  std::shared_ptr<Connection> connection_;
  OpenStream open_;
  v1::EventKind kind_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> pending_;
  std::deque<Batch> resend_;
  std::map<uint64_t, Batch> in_flight_;
  uint64_t next_batch_ = 0;
  bool closing_ = false;
  bool dead_ = false;
  std::string dead_reason_;
  std::string last_error_;
  bool refused_ = false;  // the stream ended refused (PERMISSION_DENIED, UNAUTHENTICATED)
  std::thread supervisor_;
};

// ?kind=request: one Request call per message; the reply confirms it.
class RequestSink : public Sink {
 public:
  explicit RequestSink(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {}

  void send(Message message, Done done) override {
    message.channel = sink_channel(connection_->channel, message.channel);
    v1::RequestMessage request;
    to_proto(message, request.mutable_message());
    const auto timeout = connection_->options.request_timeout;
    request.set_timeout_ms(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout + std::chrono::seconds(5));
    v1::ReplyMessage reply;
    const grpc::Status status = connection_->stub->Request(&context, request, &reply);
    if (!status.ok())
      return done(error_kind_of(status) == ErrorKind::refused ? SendResult::refusal(describe(*connection_, status))
                                                              : SendResult::failed(describe(*connection_, status)));
    if (!reply.error().empty()) return done(SendResult::failed("request on " + message.channel + ": " + reply.error()));
    SendResult result;
    result.id = message.id;
    result.channel = message.channel;
    result.reply = from_proto(reply.message());
    done(result);
  }

 private:
  std::shared_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(std::shared_ptr<Connection> c) {
  const std::string kind = c->options.kind;
  if (kind == "request") return std::make_unique<RequestSink>(std::move(c));
  if (kind == "respond") throw Error(ErrorKind::usage, "?kind=respond is a source (gsmq-recv --respond)");
  if (kind == "queue") {
    auto* stub = c->stub.get();
    return std::make_unique<StreamingSink<v1::SendRequest, v1::SendResponse>>(
        c, [stub](grpc::ClientContext* ctx) { return stub->SendStream(ctx); }, v1::EVENTS);
  }
  auto* stub = c->stub.get();
  return std::make_unique<StreamingSink<v1::PublishRequest, v1::PublishResponse>>(
      c, [stub](grpc::ClientContext* ctx) { return stub->PublishStream(ctx); },
      kind == "store" ? v1::EVENTS_STORE : v1::EVENTS);
}

}  // namespace gsmq::endpoint::gsmqd_client
