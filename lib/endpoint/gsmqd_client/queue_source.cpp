// Queue receiving: long-polls Receive in batches, hands messages out one by one, and
// settles them in batches (ack after the sink confirmed; requeue or reject otherwise).
// A message's visibility should run from when it is handed out, not from when its batch
// arrived: while it waits in the batch (behind a slow --exec, say) its lease is extended.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <google/protobuf/arena.h>

#include "endpoint/gsmqd_client/sources.h"
#include "rpc/message_convert.h"
#include "util/signals.h"
#include "util/program_name.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

constexpr int kSettleBatch = 256;  // settlements sent at once when this many are pending
constexpr auto kPollSlice = std::chrono::milliseconds(500);  // long-poll slice, for stop checks

class QueueSource : public Source {
 public:
  explicit QueueSource(std::shared_ptr<Connection> c) : c_(std::move(c)) {
    settler_ = std::thread([this] { settle_loop(); });
  }
  ~QueueSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    while (buffered() == 0) {
      if (done_) return Status::end;
      if (stop_requested()) return Status::stopped;
      const Status s = fetch(deadline);
      if (s != Status::message) return s;
    }
    v1::Message& m = *batch_->mutable_messages(next_++);
    out.tag = ++next_tag_;
    {
      std::lock_guard lock(mutex_);
      // waiting_ holds the buffered messages that have receipts, in the same order.
      if (!m.receipt().empty()) waiting_.pop_front();
      receipts_.push_back(std::move(*m.mutable_receipt()));  // "" for a peeked message
    }
    out.message = from_proto(std::move(m));
    ++taken_;
    return Status::message;
  }

  bool ready() const override { return buffered() > 0; }

  void ack(uint64_t tag) override { settle(tag, v1::SETTLE_ACK); }
  void reject(uint64_t tag) override {
    settle(tag, c_->options.reject_to_dead_letter ? v1::SETTLE_REJECT : v1::SETTLE_REQUEUE);
  }
  void unreceive(uint64_t tag) override { settle(tag, v1::SETTLE_UNRECEIVE); }

  void close() override {
    if (closed_) return;
    closed_ = true;
    // Messages received but never handed out go back at once, not after their visibility,
    // and uncounted: a receiver that stops (or whose reader went away) does not use up
    // their max_receives.
    v1::SettleRequest back;
    for (; batch_ && next_ < batch_->messages_size(); ++next_) {
      const auto& m = batch_->messages(next_);
      if (m.receipt().empty()) continue;
      auto* s = back.add_settlements();
      s->set_receipt(m.receipt());
      s->set_action(v1::SETTLE_UNRECEIVE);
    }
    {
      std::lock_guard lock(mutex_);
      waiting_.clear();
      for (auto& s : back.settlements()) *pending_.add_settlements() = s;
      stopping_ = true;
    }
    wake_.notify_all();
    settler_.join();
  }

 private:
  // Fills batch_; message when something arrived, else end/timeout/stopped.
  Status fetch(Clock::time_point deadline) {
    const auto& o = c_->options;
    const bool drain = !o.follow && !o.limit;  // take what is there, then end
    uint32_t max = o.prefetch;
    if (o.limit) max = static_cast<uint32_t>(std::min<uint64_t>(max, *o.limit - taken_));
    if (max == 0) return Status::end;
    std::optional<Clock::time_point> lost_since;  // the first of consecutive failed calls
    for (;;) {
      v1::ReceiveRequest request;
      request.set_channel(c_->channel);
      request.set_max_messages(max);
      request.set_peek(o.peek);
      request.set_visibility_ms(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(o.visibility).count()));
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kPollSlice);
      if (deadline != Clock::time_point::max())
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (drain || o.peek || wait.count() < 0) wait = std::chrono::milliseconds(0);
      request.set_wait_ms(static_cast<uint32_t>(wait.count()));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + wait + std::chrono::seconds(30));
      // The last batch is all handed out (its messages moved out): its arena goes at once.
      batch_ = nullptr;
      next_ = 0;
      arena_.Reset();
      batch_ = google::protobuf::Arena::CreateMessage<v1::ReceiveResponse>(&arena_);
      v1::ReceiveResponse& response = *batch_;
      const grpc::Status status = c_->stub->Receive(&context, request, &response);
      // gsmqd went away: wait for it (within the retry window), then receive again.
      // What this receiver held and had not acked is redelivered after its visibility.
      if (!status.ok()) {
        if (!lost_since) lost_since = Clock::now();
        if (reconnect_after(*c_, status, *lost_since)) continue;
        throw Error(error_kind_of(status), describe(*c_, status));
      }
      lost_since.reset();
      {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        for (const auto& m : response.messages())
          if (!m.receipt().empty()) waiting_.push_back({m.receipt(), now});
      }
      if (o.peek) done_ = true;  // one look
      if (buffered() > 0) return Status::message;
      if (drain || o.peek) return Status::end;
      if (stop_requested()) return Status::stopped;
      if (Clock::now() >= deadline) return Status::timeout;
    }
  }

  void settle(uint64_t tag, v1::SettleAction action) {
    std::lock_guard lock(mutex_);
    if (tag < receipts_base_ || tag - receipts_base_ >= receipts_.size()) return;
    std::string& receipt = receipts_[tag - receipts_base_];
    if (receipt.empty()) return;  // peeked, or settled already: nothing to settle
    auto* s = pending_.add_settlements();
    s->set_receipt(std::move(receipt));
    receipt.clear();
    s->set_action(action);
    while (!receipts_.empty() && receipts_.front().empty()) {
      receipts_.pop_front();
      ++receipts_base_;
    }
    if (pending_.settlements_size() >= kSettleBatch) wake_.notify_all();
  }

  // Messages still waiting to be handed out whose lease is half over get it extended.
  // Caller holds mutex_.
  void extend_waiting() {
    const auto& o = c_->options;
    const Duration half = o.visibility.count() > 0 ? o.visibility / 2 : Duration(std::chrono::seconds(1));
    const auto now = Clock::now();
    for (auto& [receipt, since] : waiting_) {  // oldest first
      if (now - since < half) continue;
      auto* s = pending_.add_settlements();
      s->set_receipt(receipt);
      s->set_action(v1::SETTLE_EXTEND);
      s->set_visibility_ms(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(o.visibility).count()));
      since = now;
    }
  }

  // Sends settlements in batches: at once when a batch is full, else every few ms.
  void settle_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait_for(lock, std::chrono::milliseconds(2),
                     [&] { return stopping_ || pending_.settlements_size() >= kSettleBatch; });
      if (!stopping_) extend_waiting();
      if (pending_.settlements_size() > 0) {
        v1::SettleRequest request;
        request.Swap(&pending_);
        lock.unlock();
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        v1::SettleResponse response;
        const grpc::Status status = c_->stub->Settle(&context, request, &response);
        if (!status.ok())
          std::fprintf(stderr, "%s: settling %d messages failed (%s); they will be delivered again\n", program_name().c_str(),
                       request.settlements_size(), describe(*c_, status).c_str());
        for (const auto& e : response.errors())
          if (!e.empty()) std::fprintf(stderr, "%s: %s\n", program_name().c_str(), e.c_str());
        lock.lock();
        continue;
      }
      if (stopping_) return;
    }
  }

  size_t buffered() const { return batch_ ? static_cast<size_t>(batch_->messages_size() - next_) : 0; }

  std::shared_ptr<Connection> c_;
  // The last Receive's answer, parsed onto its own arena (allocations there are cheap and
  // freed together when the next batch is fetched); messages are handed out from it in
  // place, in order: next_ is the first not handed out yet.
  google::protobuf::Arena arena_;
  v1::ReceiveResponse* batch_ = nullptr;
  int next_ = 0;
  uint64_t next_tag_ = 0;
  uint64_t taken_ = 0;
  bool done_ = false;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Receipts of the messages handed out, by tag (receipts_base_ is the tag of the first);
  // "" once settled or for a peeked message. Settled ones leave from the front.
  std::deque<std::string> receipts_;
  uint64_t receipts_base_ = 1;
  struct Waiting {
    std::string receipt;
    Clock::time_point since;  // when its lease (re)started
  };
  std::deque<Waiting> waiting_;  // fetched, not handed out yet, in batch_ order
  v1::SettleRequest pending_;
  bool stopping_ = false;
  std::thread settler_;
};

}  // namespace

std::unique_ptr<Source> open_queue_source(std::shared_ptr<Connection> c) { return std::make_unique<QueueSource>(std::move(c)); }

}  // namespace gsmq::endpoint::gsmqd_client
