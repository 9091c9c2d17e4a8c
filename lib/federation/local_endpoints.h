// A federation link's ends inside its own daemon: a Source that takes messages from a
// local queue channel (a link's outbox) and a Sink that stores messages locally, both
// straight on the Broker, with the same at-least-once contract as every adapter: the
// pump acks an outbox message only after the far side confirmed it.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "endpoint/endpoint.h"
#include "server/broker.h"

namespace gsmq::federation {

// Takes from the queue channel `channel` in batches (by priority, FIFO within one), and
// settles each message as the pump says: ack, requeue, or give back uncounted.
class LocalQueueSource : public Source {
 public:
  LocalQueueSource(server::Broker& broker, std::string channel, const std::atomic<bool>& stop,
                   Duration visibility = std::chrono::seconds(30), size_t batch = 256);
  ~LocalQueueSource() override;
  Status next(Delivery& out, Clock::time_point deadline) override;
  bool ready() const override { return !buffer_.empty(); }
  void ack(uint64_t tag) override { settle(tag, v1::SETTLE_ACK); }
  void reject(uint64_t tag) override { settle(tag, v1::SETTLE_REQUEUE); }
  void unreceive(uint64_t tag) override { settle(tag, v1::SETTLE_UNRECEIVE); }
  void close() override;

 private:
  void settle(uint64_t tag, v1::SettleAction action);

  server::Broker& broker_;
  const std::string channel_;
  const std::atomic<bool>& stop_;
  const Duration visibility_;
  const size_t batch_;
  std::deque<v1::Message> buffer_;
  uint64_t next_tag_ = 0;
  std::mutex mutex_;
  std::deque<std::string> receipts_;  // by tag, from receipts_base_; "" once settled
  uint64_t receipts_base_ = 1;
};

// Stores each message in this daemon, as a Send over gRPC would (a message that crossed
// a link goes to the kind its meta names); confirmed once durable, or once known to be a
// duplicate of one that is.
class LocalSink : public Sink {
 public:
  explicit LocalSink(server::Broker& broker) : broker_(broker) {}
  void send(Message message, Done done) override;

 private:
  server::Broker& broker_;
};

}  // namespace gsmq::federation
