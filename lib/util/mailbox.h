// Mailbox: a bounded, blocking hand-off of items to one consumer thread (a gRPC stream
// writer in gsmqd, the reader of a gsmq:// subscription in the clients).
// Full means the consumer is too slow: push() refuses instead of growing memory.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "util/duration.h"

namespace gsmq {

template <typename T>
class Mailbox {
 public:
  explicit Mailbox(size_t capacity) : capacity_(capacity) {}

  bool push(T item) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || items_.size() >= capacity_) {
        ++refused_;
        return false;
      }
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Moves up to `max` items into `out`, waiting until `deadline` for the first one.
  // Returns false once closed and empty.
  bool pop(std::vector<T>& out, size_t max, Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    ready_.wait_until(lock, deadline, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return !closed_;
    while (!items_.empty() && out.size() < max) {
      out.push_back(std::move(items_.front()));
      items_.pop_front();
    }
    return true;
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  uint64_t refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  size_t capacity_;
  bool closed_ = false;
  uint64_t refused_ = 0;
};

}  // namespace gsmq
