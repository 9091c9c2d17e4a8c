// Request responding: subscribes to a channel's requests; each request is a delivery,
// and the sink's confirmation (e.g. --exec's output) is sent back as the reply.
#include <atomic>
#include <map>
#include <thread>

#include "endpoint/gsmqd_client/sources.h"
#include "rpc/message_convert.h"
#include "util/mailbox.h"
#include "util/signals.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

class RespondSource : public Source {
 public:
  explicit RespondSource(std::shared_ptr<Connection> c) : c_(std::move(c)), mailbox_(1024) {
    if (!open_stream()) throw Error(ErrorKind::unavailable, "cannot subscribe to requests at " + c_->target);
    reader_ = std::thread([this] { read_loop(); });
  }

  ~RespondSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (stop_requested()) return Status::stopped;
      if (Clock::now() >= deadline) return Status::timeout;
      std::vector<v1::RespondResponse> got;
      const bool open = mailbox_.pop(got, 1, std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
      if (!got.empty()) {
        out.message = from_proto(got.front().message());
        out.tag = ++next_tag_;
        std::lock_guard lock(mutex_);
        request_ids_[out.tag] = got.front().request_id();
        return Status::message;
      }
      // The requests only end on our close(), or when gsmqd refused the subscription or
      // went away for longer than the retry window.
      if (!open) {
        std::lock_guard lock(mutex_);
        if (error_kind_of(ended_) == ErrorKind::refused) throw Error(ErrorKind::refused, describe(*c_, ended_));
        throw Error(ErrorKind::unavailable,
                    "gsmqd at " + c_->target + " ended the request stream (" + ended_.error_message() + ")");
      }
    }
  }

  void confirmed(uint64_t tag, const SendResult& result) override {
    v1::RespondRequest frame;
    std::lock_guard lock(mutex_);
    auto it = request_ids_.find(tag);
    if (it == request_ids_.end()) return;  // settled, or asked on a stream that is gone
    auto* reply = frame.mutable_reply();
    reply->set_request_id(it->second);
    request_ids_.erase(it);
    if (result.status == SendResult::Status::ok) {
      if (result.reply) to_proto(*result.reply, reply->mutable_message());
    } else {
      reply->set_error(result.error.empty() ? "responder failed" : result.error);
    }
    stream_->Write(frame);
  }

  void close() override {
    if (closed_.exchange(true)) return;
    {
      std::lock_guard lock(mutex_);
      stream_->WritesDone();
      context_->TryCancel();
    }
    reader_.join();
  }

 private:
  // A new Respond stream, subscribed to the channel's requests; false when the
  // subscription could not be written (gsmqd is not there). Called by the constructor,
  // then only by the reader thread.
  bool open_stream() {
    auto context = std::make_unique<grpc::ClientContext>();
    auto stream = c_->stub->Respond(context.get());
    v1::RespondRequest subscribe;
    subscribe.mutable_subscribe()->set_channel(c_->channel);
    subscribe.mutable_subscribe()->set_group(c_->options.group);
    const bool subscribed = stream->Write(subscribe);
    std::lock_guard lock(mutex_);
    if (closed_) context->TryCancel();  // close() came first: this one ends at once too
    stream_ = std::move(stream);  // the old stream goes before the context it used
    context_ = std::move(context);
    request_ids_.clear();  // a request of the old stream can no longer be answered
    return subscribed;
  }

  // Hands requests to next() until close(); when gsmqd goes away (a restart), subscribes
  // again within the retry window, as the queue and subscription sources reconnect.
  void read_loop() {
    StreamLoss loss;
    for (;;) {
      loss.stream_opened();
      v1::RespondResponse request;
      while (stream_->Read(&request)) mailbox_.push(request);
      const grpc::Status ended = stream_->Finish();
      if (closed_) break;
      if (reconnect_after(*c_, ended, loss.since_end(), [this] { return closed_.load(); })) {
        open_stream();  // if gsmqd went again at once, the Read ends and we come back here
        continue;
      }
      std::lock_guard lock(mutex_);
      ended_ = ended;  // why: gsmqd refused the subscription, or stayed away
      break;
    }
    mailbox_.close();
  }

  std::shared_ptr<Connection> c_;
  Mailbox<v1::RespondResponse> mailbox_;
  std::mutex mutex_;  // guards the stream and its context (replaced on a reconnect), request_ids_, ended_
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::RespondRequest, v1::RespondResponse>> stream_;
  std::map<uint64_t, std::string> request_ids_;
  uint64_t next_tag_ = 0;
  std::atomic<bool> closed_{false};
  grpc::Status ended_;
  std::thread reader_;
};

}  // namespace

std::unique_ptr<Source> open_respond_source(std::shared_ptr<Connection> c) {
  return std::make_unique<RespondSource>(std::move(c));
}

}  // namespace gsmq::endpoint::gsmqd_client
