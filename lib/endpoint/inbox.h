// The hand-off from a protocol library's callback thread to a source's next(), shared by
// every callback-driven source (the HTTP and CoAP ingest servers, a CoAP observation):
// callbacks push, next() takes with its deadline, and a stop request (a signal) or a
// close ends the wait within one poll slice, the same for every source.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "endpoint/endpoint.h"
#include "util/duration.h"
#include "util/signals.h"

namespace gsmq::endpoint {

template <typename T>
class Inbox {
 public:
  // How often a waiting taker looks at the stop flag (signal handlers cannot notify).
  static constexpr auto kStopCheck = std::chrono::milliseconds(100);

  // Callback side: false once closed (the item was not taken; the caller answers for it).
  bool push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      items_.push_back(std::move(item));
    }
    arrived_.notify_one();
    return true;
  }

  enum class Taken { item, timeout, stopped, closed };
  // Waits until `deadline` for an item; a stop request or close() ends the wait early.
  // Items pushed before a close are still taken; `closed` once none is left.
  Taken take(T& out, Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!items_.empty()) {
        out = std::move(items_.front());
        items_.pop_front();
        return Taken::item;
      }
      if (closed_) return Taken::closed;
      if (stop_requested()) return Taken::stopped;
      const auto now = Clock::now();
      if (now >= deadline) return Taken::timeout;
      arrived_.wait_until(lock, std::min(deadline, now + kStopCheck));
    }
  }

  // No more pushes; returns what was never taken (for the source to refuse or requeue).
  std::vector<T> close() {
    std::vector<T> left;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      left.assign(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
      items_.clear();
    }
    arrived_.notify_all();
    return left;
  }

  // Ends the wait of a taker once what was pushed is taken, without refusing later
  // pushes' callers an answer: for a source whose peer ended the stream (it then reports
  // why). Same as close() but keeps the items for take().
  void end() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    arrived_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<T> items_;
  bool closed_ = false;
};

// Source::next() for a source whose I/O thread pushes into an inbox: waits for a delivery
// until `deadline`, in slices, calling `check` first each time (it throws the source's
// failure, such as reconnecting given up).
template <typename Check>
Source::Status next_from(Inbox<Delivery>& inbox, Delivery& out, Clock::time_point deadline, Check check) {
  for (;;) {
    check();
    const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(100));
    switch (inbox.take(out, slice)) {
      case Inbox<Delivery>::Taken::item: return Source::Status::message;
      case Inbox<Delivery>::Taken::stopped: return Source::Status::stopped;
      case Inbox<Delivery>::Taken::closed: return Source::Status::end;
      case Inbox<Delivery>::Taken::timeout:
        if (Clock::now() >= deadline) return Source::Status::timeout;
        break;
    }
  }
}

}  // namespace gsmq::endpoint
