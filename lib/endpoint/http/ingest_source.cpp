#include "endpoint/http/ingest_source.h"

#include <map>
#include <mutex>

#include "endpoint/http/ingest_request.h"
#include "endpoint/http/ingest_server.h"
#include "endpoint/inbox.h"

namespace gsmq::endpoint::http {
namespace {

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
    Arrival arrival;
    switch (inbox_.take(arrival, deadline)) {
      case Inbox<Arrival>::Taken::item: break;
      case Inbox<Arrival>::Taken::timeout: return Status::timeout;
      case Inbox<Arrival>::Taken::stopped: return Status::stopped;
      case Inbox<Arrival>::Taken::closed: return Status::end;
    }
    out.message = std::move(arrival.first);
    std::lock_guard lock(mutex_);
    out.tag = ++next_tag_;
    taken_[out.tag] = std::move(arrival.second);
    return Status::message;
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
    auto left = inbox_.close();  // no request is taken from now on
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
      for (auto& [message, p] : left) collect(p);
      for (auto& [tag, p] : taken_) collect(p);
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
    for (auto& m : decision.messages) {
      if (inbox_.push({std::move(m), pending})) continue;
      // Closing: what was pushed of this request is answered by close(); if none was, here.
      bool answer_here;
      {
        std::lock_guard lock(mutex_);
        answer_here = !pending->answered;
        pending->answered = true;
      }
      if (answer_here) pending->respond(answer_error(503, "the receiver is stopping"));
      return;
    }
  }

  IngestSettings config_;
  Diagnostics fallback_diagnostics_;
  Diagnostics* diagnostics_;
  using Arrival = std::pair<Message, std::shared_ptr<PendingRequest>>;
  Inbox<Arrival> inbox_;  // from the server's thread to the pump's
  std::mutex mutex_;
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
