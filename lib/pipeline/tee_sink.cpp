#include "pipeline/tee_sink.h"

#include <mutex>

namespace gsmq {
namespace {

class TeeSink : public Sink {
 public:
  explicit TeeSink(std::vector<std::unique_ptr<Sink>> sinks) : sinks_(std::move(sinks)) {}

  void send(Message message, Done done) override {
    struct Join {
      std::mutex mutex;
      size_t remaining;
      SendResult result;  // the first failure wins; ok otherwise
      Done done;
    };
    auto join = std::make_shared<Join>();
    join->remaining = sinks_.size();
    join->done = std::move(done);
    for (size_t i = 0; i < sinks_.size(); ++i) {
      Message copy = i + 1 == sinks_.size() ? std::move(message) : message;
      sinks_[i]->send(std::move(copy), [join](const SendResult& r) {
        std::unique_lock lock(join->mutex);
        if (r.status != SendResult::Status::ok && join->result.status == SendResult::Status::ok) join->result = r;
        if (--join->remaining > 0) return;
        lock.unlock();
        join->done(join->result);
      });
    }
  }

  void more_follows(bool more) override {
    for (auto& s : sinks_) s->more_follows(more);
  }
  void release() override {
    for (auto& s : sinks_) s->release();
  }

  bool flush(Clock::time_point deadline) override {
    bool all = true;
    for (auto& s : sinks_) all = s->flush(deadline) && all;
    return all;
  }

 private:
  std::vector<std::unique_ptr<Sink>> sinks_;
};

}  // namespace

std::unique_ptr<Sink> make_tee_sink(std::vector<std::unique_ptr<Sink>> sinks) {
  if (sinks.size() == 1) return std::move(sinks.front());
  return std::make_unique<TeeSink>(std::move(sinks));
}

}  // namespace gsmq
