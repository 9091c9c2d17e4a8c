// The thread that owns one libcoap context. libcoap 4.3 is not thread-safe, so every
// libcoap call of an endpoint runs on this thread; other threads hand it work with post()
// or call(), and it wakes for them at once (eventfd beside libcoap's epoll fd).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <coap3/coap.h>

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

// `options` with diagnostics pointing at `fallback` when the caller gave none (gsmq-gen
// opens endpoints without them).
inline EndpointOptions with_diagnostics(EndpointOptions options, Diagnostics& fallback) {
  if (!options.diagnostics) options.diagnostics = &fallback;
  return options;
}

class Loop {
 public:
  using Task = std::function<void(coap_context_t*)>;

  // Starts the thread and creates the context there, with libcoap doing block-wise
  // transfers and handing over whole bodies (COAP_BLOCK_USE_LIBCOAP|COAP_BLOCK_SINGLE_BODY).
  explicit Loop(Diagnostics* diagnostics);
  // Stops the thread and frees the context on it.
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs `task` on the loop thread soon (or at `when`). Tasks run in the order posted.
  void post(Task task);
  void post_at(Clock::time_point when, Task task);

  // Runs `f(context)` on the loop thread and waits for its result; exceptions propagate.
  template <typename F>
  auto call(F&& f) -> decltype(f(static_cast<coap_context_t*>(nullptr))) {
    using R = decltype(f(static_cast<coap_context_t*>(nullptr)));
    std::promise<R> promise;
    auto result = promise.get_future();
    post([&](coap_context_t* ctx) {
      try {
        if constexpr (std::is_void_v<R>) {
          f(ctx);
          promise.set_value();
        } else {
          promise.set_value(f(ctx));
        }
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    });
    return result.get();
  }

  // Waits (polling the loop thread) until `done(context)` is true or `deadline`.
  bool wait_until(const std::function<bool(coap_context_t*)>& done, Clock::time_point deadline);

  // Malformed packets libcoap discarded on this loop so far.
  uint64_t malformed() const { return malformed_; }
  // The last ICMP error libcoap saw (e.g. "Connection refused"), cleared when read.
  std::string take_icmp_error();

  // Called by the libcoap log handler for messages logged on this loop's thread.
  void on_log(int level, const std::string& text);

 private:
  void run();
  void wake();
  void run_due_tasks();

  Diagnostics* diagnostics_;
  coap_context_t* context_ = nullptr;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool started_ = false;
  std::deque<Task> tasks_;
  std::multimap<Clock::time_point, Task> timers_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> malformed_{0};
  std::string icmp_error_;
  std::thread thread_;
};

}  // namespace gsmq::endpoint::coap
