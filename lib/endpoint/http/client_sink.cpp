#include "endpoint/http/client_sink.h"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "endpoint/backoff.h"
#include "endpoint/http/client_connection.h"
#include "endpoint/http/outgoing_request.h"

namespace gsmq::endpoint::http {
namespace {

constexpr Duration kMaxRetryAfter = std::chrono::seconds(10);

std::string after_retries(unsigned retries) {
  if (retries == 0) return "";
  return " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
}

// A back-off wait, whole milliseconds (for readable messages).
Duration whole_ms(Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d); }

class ClientSink : public Sink {
 public:
  ClientSink(const SinkSettings& config, const EndpointOptions& options)
      : config_(config), diagnostics_(options.diagnostics ? options.diagnostics : &fallback_diagnostics_) {
    capacity_ = std::max<size_t>(16, 2 * config_.concurrency * std::max<size_t>(1, config_.batch));
    auto first = std::make_unique<ClientConnection>(config_);
    check_reachable(*first);
    workers_.emplace_back([this, c = std::move(first)]() mutable { work(std::move(c)); });
    for (unsigned i = 1; i < config_.concurrency; ++i)
      workers_.emplace_back([this] { work(std::make_unique<ClientConnection>(config_)); });
  }

  ~ClientSink() override {
    std::deque<Item> left;
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      left.swap(queue_);
    }
    changed_.notify_all();
    for (auto& item : left) item.done(SendResult::failed("not sent to " + config_.describe() + ": stopping"));
    for (auto& w : workers_) w.join();
  }

  void send(Message message, Done done) override {
    stamp(message);  // a retried message keeps its X-Gsmq-Id
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < capacity_ || closing_; });
    if (closing_) {
      lock.unlock();
      return done(SendResult::failed("not sent to " + config_.describe() + ": stopping"));
    }
    queue_.push_back(Item{std::move(message), std::move(done)});
    changed_.notify_all();
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return queue_.empty() && busy_ == 0; });
  }

 private:
  struct Item {
    Message message;
    Done done;
  };

  void warn(const std::string& what) {
    std::lock_guard lock(warn_mutex_);
    diagnostics_->warn(what);
  }

  // Waits `pause`, or less when the sink is being destroyed; false in that case.
  bool pause(Duration pause) {
    std::unique_lock lock(mutex_);
    return !changed_.wait_for(lock, pause, [&] { return closing_; });
  }

  void check_reachable(ClientConnection& connection) {
    Backoff backoff;
    for (unsigned attempt = 0;; ++attempt) {
      const auto r = connection.connect();
      if (r.error.empty()) return;
      if (r.permanent || attempt >= config_.retries) {
        throw Error(ErrorKind::unavailable, r.error + after_retries(attempt));
      }
      const Duration wait = whole_ms(backoff.next());
      warn(r.error + "; retrying in " + format_duration(wait));
      std::this_thread::sleep_for(wait);
    }
  }

  void work(std::unique_ptr<ClientConnection> connection) {
    for (;;) {
      std::vector<Item> items;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
        // A batch: what is waiting now, up to ?batch=N, for the same target.
        const std::string target = target_for(config_, items.front().message.channel);
        while (items.size() < config_.batch && !queue_.empty() &&
               target_for(config_, queue_.front().message.channel) == target) {
          items.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        ++busy_;
      }
      changed_.notify_all();  // room for send()
      const SendResult result = deliver(*connection, items);
      for (auto& item : items) {
        SendResult r = result;
        r.id = item.message.id;
        r.channel = item.message.channel;
        item.done(r);
      }
      {
        std::lock_guard lock(mutex_);
        --busy_;
      }
      changed_.notify_all();
    }
  }

  static std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (auto& c : s)
      if (c == '\n' || c == '\r') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s.empty() ? "" : ": " + s + (body.size() > 200 ? "..." : "");
  }

  // How long the peer asked us to wait (Retry-After in seconds), capped.
  static Duration retry_after(const Response& response) {
    const auto value = find_header(response.headers, "Retry-After");
    unsigned seconds = 0;
    if (!value || std::from_chars(value->data(), value->data() + value->size(), seconds).ec != std::errc{}) return {};
    return std::min<Duration>(std::chrono::seconds(seconds), kMaxRetryAfter);
  }

  SendResult deliver(ClientConnection& connection, const std::vector<Item>& items) {
    Request request;
    if (config_.batch > 0) {
      std::vector<const Message*> messages;
      for (const auto& item : items) messages.push_back(&item.message);
      request = request_for_batch(config_, messages);
    } else {
      request = request_for_message(config_, items.front().message);
    }
    Backoff backoff;
    for (unsigned attempt = 0;; ++attempt) {
      auto r = connection.exchange(request);
      std::string problem;
      Duration wait{0};
      if (r.response) {
        const Response& response = *r.response;
        const auto verdict = judge_status(response.status);
        if (verdict == StatusVerdict::delivered) {
          SendResult ok;
          ok.retries = attempt;
          if (config_.reply && items.size() == 1) ok.reply = message_from_response(response);
          return ok;
        }
        problem = "HTTP " + std::to_string(response.status) + " " + std::string(reason_phrase(response.status)) +
                  " from " + config_.describe() + snippet(response.body);
        if (verdict == StatusVerdict::fail) return SendResult::failed(problem);
        wait = retry_after(response);
      } else {
        problem = r.error;
        if (r.permanent) return SendResult::failed(problem);
      }
      if (attempt >= config_.retries)
      {
        SendResult failed = SendResult::failed(problem + after_retries(attempt));
        failed.retries = attempt;
        return failed;
      }
      wait = std::max(wait, whole_ms(backoff.next()));
      warn(problem + "; retrying in " + format_duration(wait));
      if (!pause(wait)) return SendResult::failed(problem + " (stopped before retrying)");
    }
  }

  SinkSettings config_;
  Diagnostics fallback_diagnostics_;
  Diagnostics* diagnostics_;
  std::mutex warn_mutex_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  size_t capacity_ = 16;
  size_t busy_ = 0;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

std::unique_ptr<Sink> open_client_sink(const SinkSettings& config, const EndpointOptions& options) {
  return std::make_unique<ClientSink>(config, options);
}

}  // namespace gsmq::endpoint::http
