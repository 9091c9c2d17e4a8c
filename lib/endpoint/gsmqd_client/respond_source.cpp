// Request responding: subscribes to a channel's requests; each request is a delivery,
// and the sink's confirmation (e.g. --exec's output) is sent back as the reply.
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
    stream_ = c_->stub->Respond(&context_);
    v1::RespondRequest subscribe;
    subscribe.mutable_subscribe()->set_channel(c_->channel);
    subscribe.mutable_subscribe()->set_group(c_->options.group);
    if (!stream_->Write(subscribe)) throw Error(ErrorKind::unavailable, "cannot subscribe to requests at " + c_->target);
    reader_ = std::thread([this] {
      v1::RespondResponse request;
      while (stream_->Read(&request)) mailbox_.push(request);
      {
        std::lock_guard lock(mutex_);
        ended_ = stream_->Finish();  // why it ended: gsmqd stopped, or refused the subscription
      }
      mailbox_.close();
    });
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
      // The stream only ends on our close(); otherwise gsmqd went away (stopped, or it
      // refused the subscription).
      if (!open) {
        std::lock_guard lock(mutex_);
        if (error_kind_of(ended_) == ErrorKind::refused) throw Error(ErrorKind::refused, describe(*c_, ended_));
        throw Error(ErrorKind::unavailable, "gsmqd at " + c_->target + " ended the request stream");
      }
    }
  }

  void confirmed(uint64_t tag, const SendResult& result) override {
    v1::RespondRequest frame;
    std::lock_guard lock(mutex_);
    auto it = request_ids_.find(tag);
    if (it == request_ids_.end()) return;
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
    if (closed_) return;
    closed_ = true;
    {
      std::lock_guard lock(mutex_);
      stream_->WritesDone();
    }
    context_.TryCancel();
    reader_.join();
  }

 private:
  std::shared_ptr<Connection> c_;
  Mailbox<v1::RespondResponse> mailbox_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::RespondRequest, v1::RespondResponse>> stream_;
  std::mutex mutex_;
  std::map<uint64_t, std::string> request_ids_;
  uint64_t next_tag_ = 0;
  bool closed_ = false;
  grpc::Status ended_;
  std::thread reader_;
};

}  // namespace

std::unique_ptr<Source> open_respond_source(std::shared_ptr<Connection> c) {
  return std::make_unique<RespondSource>(std::move(c));
}

}  // namespace gsmq::endpoint::gsmqd_client
