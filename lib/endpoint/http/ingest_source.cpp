#include "endpoint/http/ingest_source.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "endpoint/http/ingest_request.h"
#include "endpoint/http/ingest_server.h"
#include "util/signals.h"

namespace gsmq::endpoint::http {
namespace {

constexpr auto kPollStop = std::chrono::milliseconds(100);
constexpr auto kCloseGrace = std::chrono::seconds(5);

// One request whose messages are on their way; answered when the last one is settled.
struct PendingRequest {
  IngestServer::Respond respond;
  std::vector<std::string> ids;
  size_t unsettled = 0;
  std::string error;             // the first failure, if any
  std::optional<Message> reply;  // a single message's reply from the sink
  bool answered = false;
};

class IngestSource : public Source {
 public:
  IngestSource(const IngestSettings& config, const EndpointOptions& options)
      : config_(config), diagnostics_(options.diagnostics ? options.diagnostics : &fallback_diagnostics_) {
    server_ = std::make_unique<IngestServer>(
        config_,
        [this](Request request, const std::string& peer, IngestServer::Respond respond) {
          handle(std::move(request), peer, std::move(respond));
        },
        *diagnostics_);
  }

  ~IngestSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (stop_requested()) return Status::stopped;
      if (!queue_.empty()) {
        auto [message, pending] = std::move(queue_.front());
        queue_.pop_front();
        out.message = std::move(message);
        out.tag = ++next_tag_;
        taken_[out.tag] = std::move(pending);
        return Status::message;
      }
      const auto now = Clock::now();
      if (now >= deadline) return Status::timeout;
      arrived_.wait_until(lock, std::min(deadline, now + kPollStop));
    }
  }

  void ack(uint64_t tag) override { confirmed(tag, SendResult::ok()); }
  void reject(uint64_t tag) override { confirmed(tag, SendResult::failed("refused by the sink")); }

  void confirmed(uint64_t tag, const SendResult& result) override {
    std::shared_ptr<PendingRequest> done;
    {
      std::lock_guard lock(mutex_);
      const auto it = taken_.find(tag);
      if (it == taken_.end()) return;
      auto pending = std::move(it->second);
      taken_.erase(it);
      if (result.status != SendResult::Status::ok && pending->error.empty())
        pending->error = result.error.empty() ? "not delivered" : result.error;
      if (result.reply && pending->ids.size() == 1) pending->reply = result.reply;
      if (--pending->unsettled == 0 && !pending->answered) {
        pending->answered = true;
        done = std::move(pending);
      }
    }
    if (done) answer(*done);
  }

  void close() override {
    std::vector<std::shared_ptr<PendingRequest>> unanswered;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      auto collect = [&](std::shared_ptr<PendingRequest>& p) {
        if (!p->answered) {
          p->answered = true;
          unanswered.push_back(p);
        }
      };
      for (auto& [message, p] : queue_) collect(p);
      for (auto& [tag, p] : taken_) collect(p);
      queue_.clear();
      taken_.clear();
    }
    for (auto& p : unanswered)
      p->respond(answer_error(503, "the receiver stopped before all messages of this request were delivered"));
    server_->stop(Clock::now() + kCloseGrace);
  }

 private:
  void answer(PendingRequest& p) {
    if (!p.error.empty()) return p.respond(answer_error(503, "not delivered: " + p.error));
    if (p.reply) return p.respond(answer_reply(*p.reply));
    p.respond(answer_taken(p.ids));
  }

  // On the server's thread: never blocks for long.
  void handle(Request request, const std::string& peer, IngestServer::Respond respond) {
    IngestDecision decision = decide_ingest(config_, request);
    if (decision.answer) {
      if (decision.answer->status >= 400)
        diagnostics_->warn(request.method + " " + request.target + " from " + peer + ": " +
                           std::to_string(decision.answer->status) + " " + decision.answer->body);
      return respond(std::move(*decision.answer));
    }
    auto pending = std::make_shared<PendingRequest>();
    pending->respond = std::move(respond);
    pending->unsettled = decision.messages.size();
    for (const auto& m : decision.messages) pending->ids.push_back(m.id);
    {
      std::lock_guard lock(mutex_);
      if (!closed_) {
        for (auto& m : decision.messages) queue_.emplace_back(std::move(m), pending);
        pending.reset();
      }
    }
    if (pending) return pending->respond(answer_error(503, "the receiver is stopping"));
    arrived_.notify_one();
  }

  IngestSettings config_;
  Diagnostics fallback_diagnostics_;
  Diagnostics* diagnostics_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<std::pair<Message, std::shared_ptr<PendingRequest>>> queue_;
  std::map<uint64_t, std::shared_ptr<PendingRequest>> taken_;
  uint64_t next_tag_ = 0;
  bool closed_ = false;
  std::unique_ptr<IngestServer> server_;  // last: stopped and destroyed first
};

}  // namespace

std::unique_ptr<Source> open_ingest_source(const IngestSettings& config, const EndpointOptions& options) {
  return std::make_unique<IngestSource>(config, options);
}

}  // namespace gsmq::endpoint::http
