#include "endpoint/gsmq/sink.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "rpc/message_convert.h"

namespace gsmq::gsmqd {
namespace {

constexpr size_t kMaxBatchMessages = 1024;
constexpr size_t kMaxBatchBytes = 4u << 20;

// Streams batches of Request frames and matches Response frames by batch_id.
// Request/Response: SendRequest/SendResponse or PublishRequest/PublishResponse.
template <typename Request, typename Response>
class StreamingSink : public Sink {
 public:
  using Stream = grpc::ClientReaderWriter<Request, Response>;
  using OpenStream = std::function<std::unique_ptr<Stream>(grpc::ClientContext*)>;

  StreamingSink(std::shared_ptr<Connection> connection, OpenStream open, v1::EventKind kind)
      : connection_(std::move(connection)), kind_(kind) {
    stream_ = open(&context_);
    writer_ = std::thread([this] { write_loop(); });
    reader_ = std::thread([this] { read_loop(); });
  }

  ~StreamingSink() override {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    writer_.join();
    reader_.join();
  }

  void send(Message message, Done done) override {
    if (message.channel.empty()) message.channel = connection_->channel;
    Pending p;
    to_proto(message, &p.message);
    p.message.clear_receipt();
    p.message.clear_receive_count();
    p.done = std::move(done);
    std::unique_lock lock(mutex_);
    if (broken_) {
      lock.unlock();
      return p.done(SendResult::unavailable(broken_reason_));
    }
    pending_bytes_ += p.message.body().size();
    pending_.push_back(std::move(p));
    changed_.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return pending_.empty() && in_flight_.empty(); });
  }

 private:
  struct Pending {
    v1::Message message;
    Done done;
  };

  void write_loop() {
    for (;;) {
      Request request;
      std::vector<Done> dones;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !pending_.empty() || closing_ || broken_; });
        if (broken_ || (pending_.empty() && closing_)) break;
        size_t bytes = 0;
        while (!pending_.empty() && dones.size() < kMaxBatchMessages && bytes < kMaxBatchBytes) {
          auto& p = pending_.front();
          bytes += p.message.body().size();
          pending_bytes_ -= p.message.body().size();
          *request.add_messages() = std::move(p.message);
          dones.push_back(std::move(p.done));
          pending_.pop_front();
        }
        request.set_batch_id(++next_batch_);
        if constexpr (std::is_same_v<Request, v1::PublishRequest>) request.set_kind(kind_);
        in_flight_[request.batch_id()] = std::move(dones);
      }
      if (!stream_->Write(request)) break;  // the reader sees why
    }
    stream_->WritesDone();
  }

  void read_loop() {
    Response response;
    while (stream_->Read(&response)) {
      std::vector<Done> dones;
      {
        std::lock_guard lock(mutex_);
        auto it = in_flight_.find(response.batch_id());
        if (it == in_flight_.end()) continue;
        dones = std::move(it->second);
        in_flight_.erase(it);
      }
      for (size_t i = 0; i < dones.size(); ++i) {
        SendResult result;
        if (static_cast<int>(i) < response.results_size()) {
          const auto& r = response.results(static_cast<int>(i));
          if (!r.error().empty()) result = SendResult::failed(r.error());
          result.id = r.id();
          result.channel = r.channel();
          result.seq = r.seq();
        } else {
          result = SendResult::failed("gsmqd sent no result for this message");
        }
        dones[i](result);
      }
      changed_.notify_all();
    }
    const grpc::Status status = stream_->Finish();
    // Whatever was not confirmed failed: the caller decides about retrying.
    std::deque<Pending> pending;
    std::map<uint64_t, std::vector<Done>> in_flight;
    {
      std::lock_guard lock(mutex_);
      broken_ = true;
      broken_reason_ = status.ok() ? "connection to gsmqd at " + connection_->target + " closed"
                                   : "connection lost: " + describe(*connection_, status);
      pending.swap(pending_);
      in_flight.swap(in_flight_);
    }
    changed_.notify_all();
    for (auto& [id, dones] : in_flight)
      for (auto& d : dones) d(SendResult::unavailable(broken_reason_));
    for (auto& p : pending) p.done(SendResult::unavailable(broken_reason_));
    changed_.notify_all();
  }

  std::shared_ptr<Connection> connection_;
  v1::EventKind kind_;
  grpc::ClientContext context_;
  std::unique_ptr<Stream> stream_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> pending_;
  size_t pending_bytes_ = 0;
  std::map<uint64_t, std::vector<Done>> in_flight_;
  uint64_t next_batch_ = 0;
  bool closing_ = false;
  bool broken_ = false;
  std::string broken_reason_;
  std::thread writer_, reader_;
};

// ?kind=request: one Request call per message; the reply confirms it.
class RequestSink : public Sink {
 public:
  explicit RequestSink(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {}

  void send(Message message, Done done) override {
    if (message.channel.empty()) message.channel = connection_->channel;
    v1::RequestMessage request;
    to_proto(message, request.mutable_message());
    const auto timeout = connection_->options.request_timeout;
    request.set_timeout_ms(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout + std::chrono::seconds(5));
    v1::ReplyMessage reply;
    const grpc::Status status = connection_->stub->Request(&context, request, &reply);
    if (!status.ok()) return done(SendResult::failed(describe(*connection_, status)));
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
  if (kind == "respond") throw ToolError(kExitUsage, "?kind=respond is a source (gsmq-recv --respond)");
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

}  // namespace gsmq::gsmqd
