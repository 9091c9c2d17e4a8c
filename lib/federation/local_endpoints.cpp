#include "federation/local_endpoints.h"

#include "federation/hops.h"
#include "rpc/message_convert.h"

namespace gsmq::federation {

LocalQueueSource::LocalQueueSource(server::Broker& broker, std::string channel, const std::atomic<bool>& stop,
                                   Duration visibility, size_t batch)
    : broker_(broker), channel_(std::move(channel)), stop_(stop), visibility_(visibility), batch_(batch) {}

LocalQueueSource::~LocalQueueSource() { close(); }

Source::Status LocalQueueSource::next(Delivery& out, Clock::time_point deadline) {
  while (buffer_.empty()) {
    if (stop_.load()) return Status::stopped;
    if (Clock::now() >= deadline) return Status::timeout;
    server::DurableQueue::ReceiveRequest r;
    r.max = batch_;
    r.deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(200));  // then look at stop_
    r.visibility = visibility_;
    r.cancelled = [this] { return stop_.load(); };
    google::protobuf::RepeatedPtrField<v1::Message> got;
    broker_.queue(channel_).receive(r, &got);
    for (auto& m : got) buffer_.push_back(std::move(m));
  }
  v1::Message m = std::move(buffer_.front());
  buffer_.pop_front();
  out.tag = ++next_tag_;
  {
    std::lock_guard lock(mutex_);
    receipts_.push_back(m.receipt());
  }
  out.message = from_proto(m);
  return Status::message;
}

void LocalQueueSource::settle(uint64_t tag, v1::SettleAction action) {
  v1::Settlement s;
  {
    std::lock_guard lock(mutex_);
    if (tag < receipts_base_ || tag - receipts_base_ >= receipts_.size()) return;
    std::string& receipt = receipts_[tag - receipts_base_];
    if (receipt.empty()) return;
    s.set_receipt(std::move(receipt));
    receipt.clear();
    while (!receipts_.empty() && receipts_.front().empty()) {
      receipts_.pop_front();
      ++receipts_base_;
    }
  }
  s.set_action(action);
  broker_.settle(s);  // an error means its lease ran out: it comes back anyway
}

void LocalQueueSource::close() {
  // Taken but never handed to the link: back at once, uncounted.
  for (const auto& m : buffer_) {
    v1::Settlement s;
    s.set_receipt(m.receipt());
    s.set_action(v1::SETTLE_UNRECEIVE);
    broker_.settle(s);
  }
  buffer_.clear();
}

void LocalSink::send(Message message, Done done) {
  restore_forwarded_channel(message.channel, message.meta);  // taken from the far side's outbox
  std::vector<v1::Message> batch(1);
  to_proto(message, &batch[0]);
  batch[0].clear_seq();
  batch[0].clear_receipt();
  batch[0].clear_receive_count();
  // The Broker stores a message that crossed a link in the kind its meta names.
  broker_.send(std::move(batch), [done = std::move(done)](std::vector<v1::SendResult> results) {
    const auto& r = results.front();
    if (!r.error().empty()) return done(SendResult::failed(r.error()));
    SendResult ok;
    ok.id = r.id();
    ok.channel = r.channel();
    ok.seq = r.seq();
    done(ok);
  });
}

}  // namespace gsmq::federation
